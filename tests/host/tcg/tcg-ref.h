/*
 * tcg-ref.h - an independent reference model of the IR's pure ops, for the
 * op tests.  It deliberately shares no code with host/tcg/tcg-eval.h and
 * computes things another way (bit loops for shifts, rotates, counts and
 * bit fields, byte arrays for swaps, 32-bit limbs for the high halves of
 * products) from the semantics written in tcg.h: counts modulo the width,
 * x / 0 = -1, x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0, clz/ctz of 0 give
 * the third operand, bswap16/32 zero-extend.  Values are uint64_t; i32
 * values are the low 32 bits (inputs are truncated, results zero-extended).
 */
#ifndef TESTS_HOST_TCG_TCG_REF_H
#define TESTS_HOST_TCG_TCG_REF_H

#include <stdbool.h>
#include <stdint.h>

#include <breadboard/tcg.h>

static inline uint64_t ref_mask(unsigned w)
{
    return w == 64 ? ~0ull : (1ull << w) - 1;
}

static inline int64_t ref_signed(uint64_t v, unsigned w)
{
    v &= ref_mask(w);
    if (w < 64 && (v >> (w - 1)) & 1) {
        return (int64_t)(v | ~ref_mask(w));
    }
    return (int64_t)v;
}

static inline uint64_t ref_shl(uint64_t a, uint64_t n, unsigned w)
{
    for (unsigned i = 0; i < n % w; i++) {
        a <<= 1;
    }
    return a & ref_mask(w);
}

static inline uint64_t ref_shr(uint64_t a, uint64_t n, unsigned w, bool arith)
{
    uint64_t top = (a >> (w - 1)) & 1;

    a &= ref_mask(w);
    for (unsigned i = 0; i < n % w; i++) {
        a = (a >> 1) | (arith && top ? 1ull << (w - 1) : 0);
    }
    return a;
}

static inline uint64_t ref_rotl(uint64_t a, uint64_t n, unsigned w)
{
    a &= ref_mask(w);
    for (unsigned i = 0; i < n % w; i++) {
        a = ((a << 1) | (a >> (w - 1))) & ref_mask(w);
    }
    return a;
}

static inline uint64_t ref_rotr(uint64_t a, uint64_t n, unsigned w)
{
    a &= ref_mask(w);
    for (unsigned i = 0; i < n % w; i++) {
        a = (a >> 1) | ((a & 1) << (w - 1));
    }
    return a;
}

/* High 64 bits of the unsigned 128-bit product, with 32-bit limbs. */
static inline uint64_t ref_mulhu64(uint64_t a, uint64_t b)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Signed corrections: (a - 2^64 [a<0]) * b = a*b - 2^64 b [a<0]. */
static inline uint64_t ref_mulhs64(uint64_t a, uint64_t b)
{
    uint64_t h = ref_mulhu64(a, b);

    if ((int64_t)a < 0) {
        h -= b;
    }
    if ((int64_t)b < 0) {
        h -= a;
    }
    return h;
}

static inline uint64_t ref_mulhsu64(uint64_t a, uint64_t b)
{
    uint64_t h = ref_mulhu64(a, b);

    return (int64_t)a < 0 ? h - b : h;
}

static inline uint64_t ref_div(uint64_t a, uint64_t b, unsigned w, bool sign,
                               bool rem)
{
    uint64_t m = ref_mask(w);

    a &= m;
    b &= m;
    if (b == 0) {
        return rem ? a : m;
    }
    if (!sign) {
        return rem ? a % b : a / b;
    }
    int64_t sa = ref_signed(a, w), sb = ref_signed(b, w);
    int64_t min = w == 64 ? INT64_MIN : -(1ll << (w - 1));
    if (sa == min && sb == -1) {
        return rem ? 0 : a;
    }
    return (uint64_t)(rem ? sa % sb : sa / sb) & m;
}

static inline uint64_t ref_clz(uint64_t a, uint64_t z, unsigned w)
{
    a &= ref_mask(w);
    if (!a) {
        return z & ref_mask(w);
    }
    unsigned n = 0;
    for (int i = (int)w - 1; i >= 0 && !((a >> i) & 1); i--) {
        n++;
    }
    return n;
}

static inline uint64_t ref_ctz(uint64_t a, uint64_t z, unsigned w)
{
    a &= ref_mask(w);
    if (!a) {
        return z & ref_mask(w);
    }
    unsigned n = 0;
    while (!((a >> n) & 1)) {
        n++;
    }
    return n;
}

static inline uint64_t ref_ctpop(uint64_t a, unsigned w)
{
    unsigned n = 0;

    for (unsigned i = 0; i < w; i++) {
        n += (a >> i) & 1;
    }
    return n;
}

/* Reverse the low @bytes bytes of @a, zero-extended. */
static inline uint64_t ref_bswap(uint64_t a, unsigned bytes)
{
    uint8_t b[8];
    uint64_t r = 0;

    for (unsigned i = 0; i < bytes; i++) {
        b[i] = (uint8_t)(a >> (8 * i));
    }
    for (unsigned i = 0; i < bytes; i++) {
        r |= (uint64_t)b[bytes - 1 - i] << (8 * i);
    }
    return r;
}

static inline uint64_t ref_deposit(uint64_t a, uint64_t b, unsigned ofs,
                                   unsigned len, unsigned w)
{
    for (unsigned i = 0; i < len; i++) {
        uint64_t bit = 1ull << (ofs + i);
        a = (b >> i) & 1 ? a | bit : a & ~bit;
    }
    return a & ref_mask(w);
}

static inline uint64_t ref_extract(uint64_t a, unsigned ofs, unsigned len,
                                   bool sign, unsigned w)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < len; i++) {
        r |= ((a >> (ofs + i)) & 1) << i;
    }
    if (sign && len < 64 && ((r >> (len - 1)) & 1)) {
        r |= ~ref_mask(len);
    }
    return r & ref_mask(w);
}

static inline bool ref_cond(BbTcgCond c, uint64_t a, uint64_t b, unsigned w)
{
    int64_t sa = ref_signed(a, w), sb = ref_signed(b, w);
    uint64_t ua = a & ref_mask(w), ub = b & ref_mask(w);

    switch (c) {
    case BB_TCG_COND_NEVER: return false;
    case BB_TCG_COND_ALWAYS: return true;
    case BB_TCG_COND_EQ: return ua == ub;
    case BB_TCG_COND_NE: return !(ua == ub);
    case BB_TCG_COND_LT: return sa < sb;
    case BB_TCG_COND_GE: return !(sa < sb);
    case BB_TCG_COND_LE: return !(sb < sa);
    case BB_TCG_COND_GT: return sb < sa;
    case BB_TCG_COND_LTU: return ua < ub;
    case BB_TCG_COND_GEU: return !(ua < ub);
    case BB_TCG_COND_LEU: return !(ub < ua);
    case BB_TCG_COND_GTU: return ub < ua;
    }
    return false;
}

/* Width in bits of the op's value operands (of the output for the
 * conversions). */
static inline unsigned ref_width(BbTcgOpcode opc)
{
    return opc < BB_TCG_OP_MOV_I64 || opc == BB_TCG_OP_EXTRL_I64_I32 ||
                   opc == BB_TCG_OP_EXTRH_I64_I32
               ? 32 : 64;
}

/*
 * ref_eval() - the expected result of pure op @opc on inputs @in and
 * constant parameters @c (condition, or ofs and len).  Returns false for
 * ops the model does not cover.
 */
static inline bool ref_eval(BbTcgOpcode opc, const uint64_t *in,
                            const uint64_t *c, uint64_t *out)
{
    unsigned w = ref_width(opc);
    uint64_t a = in[0] & ref_mask(w), b = in[1] & ref_mask(w), m = ref_mask(w);
    uint64_t r;

#define W2(x) case BB_TCG_OP_##x##_I32: case BB_TCG_OP_##x##_I64
    switch (opc) {
    W2(MOV): r = a; break;
    W2(ADD): r = a + b; break;
    W2(SUB): r = a - b; break;
    W2(MUL): r = a * b; break;
    case BB_TCG_OP_MULSH_I32:
        r = (uint64_t)((ref_signed(a, 32) * ref_signed(b, 32)) >> 32);
        break;
    case BB_TCG_OP_MULUH_I32: r = (a * b) >> 32; break;
    case BB_TCG_OP_MULSH_I64: r = ref_mulhs64(a, b); break;
    case BB_TCG_OP_MULUH_I64: r = ref_mulhu64(a, b); break;
    case BB_TCG_OP_MULSUH_I64: r = ref_mulhsu64(a, b); break;
    W2(DIV): r = ref_div(a, b, w, true, false); break;
    W2(DIVU): r = ref_div(a, b, w, false, false); break;
    W2(REM): r = ref_div(a, b, w, true, true); break;
    W2(REMU): r = ref_div(a, b, w, false, true); break;
    W2(AND): r = a & b; break;
    W2(OR): r = a | b; break;
    W2(XOR): r = a ^ b; break;
    W2(NOT): r = ~a; break;
    W2(NEG): r = 0 - a; break;
    W2(SHL): r = ref_shl(a, b, w); break;
    W2(SHR): r = ref_shr(a, b, w, false); break;
    W2(SAR): r = ref_shr(a, b, w, true); break;
    W2(ROTL): r = ref_rotl(a, b, w); break;
    W2(ROTR): r = ref_rotr(a, b, w); break;
    W2(SETCOND): r = ref_cond((BbTcgCond)c[0], a, b, w); break;
    W2(MOVCOND):
        r = ref_cond((BbTcgCond)c[0], a, b, w) ? in[2] : in[3];
        break;
    W2(DEPOSIT): r = ref_deposit(a, b, (unsigned)c[0], (unsigned)c[1], w); break;
    W2(EXTRACT): r = ref_extract(a, (unsigned)c[0], (unsigned)c[1], false, w); break;
    W2(SEXTRACT): r = ref_extract(a, (unsigned)c[0], (unsigned)c[1], true, w); break;
    W2(BSWAP16): r = ref_bswap(a, 2); break;
    W2(BSWAP32): r = ref_bswap(a, 4); break;
    case BB_TCG_OP_BSWAP64_I64: r = ref_bswap(a, 8); break;
    W2(CLZ): r = ref_clz(a, b, w); break;
    W2(CTZ): r = ref_ctz(a, b, w); break;
    W2(CTPOP): r = ref_ctpop(a, w); break;
    case BB_TCG_OP_EXT8S_I64: r = (uint64_t)ref_signed(a, 8); break;
    case BB_TCG_OP_EXT8U_I64: r = a & 0xff; break;
    case BB_TCG_OP_EXT16S_I64: r = (uint64_t)ref_signed(a, 16); break;
    case BB_TCG_OP_EXT16U_I64: r = a & 0xffff; break;
    case BB_TCG_OP_EXT32S_I64: r = (uint64_t)ref_signed(a, 32); break;
    case BB_TCG_OP_EXT32U_I64: r = a & 0xffffffffu; break;
    case BB_TCG_OP_EXTU_I32_I64: r = in[0] & 0xffffffffu; break;
    case BB_TCG_OP_EXTS_I32_I64: r = (uint64_t)ref_signed(in[0], 32); break;
    case BB_TCG_OP_EXTRL_I64_I32: r = in[0] & 0xffffffffu; break;
    case BB_TCG_OP_EXTRH_I64_I32: r = in[0] >> 32; break;
    default: return false;
    }
#undef W2
    *out = r & m;
    return true;
}

#endif /* TESTS_HOST_TCG_TCG_REF_H */
