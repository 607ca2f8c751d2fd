/*
 * tcg-eval.h - the one C definition of what every pure IR op computes.
 * The constant folder (optimize.c) and the interpreter backend
 * (interp/interp.c) both call tcg_eval_op(), so they cannot disagree; the
 * x86-64 backend must match it (the differential tests check).  Semantics
 * are total (tcg.h): shift and rotate counts are taken modulo the width;
 * x / 0 = all ones, x % 0 = x, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0
 * (RISC-V's choices); clz/ctz of 0 return the op's third operand; bswap16
 * and bswap32 swap the low 16/32 bits and zero-extend the result; i32
 * values live in the low 32 bits of a uint64_t, the upper bits are ignored
 * on input and zero on output.
 */
#ifndef HOST_TCG_TCG_EVAL_H
#define HOST_TCG_TCG_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include <breadboard/tcg.h>

/* ------------------------------------------------------------ helpers */

static inline bool tcg_eval_cond(BbTcgCond c, uint64_t a, uint64_t b,
                                 bool is64)
{
    int64_t sa = is64 ? (int64_t)a : (int64_t)(int32_t)a;
    int64_t sb = is64 ? (int64_t)b : (int64_t)(int32_t)b;
    uint64_t ua = is64 ? a : (uint32_t)a;
    uint64_t ub = is64 ? b : (uint32_t)b;

    switch (c) {
    case BB_TCG_COND_ALWAYS: return true;
    case BB_TCG_COND_EQ: return ua == ub;
    case BB_TCG_COND_NE: return ua != ub;
    case BB_TCG_COND_LT: return sa < sb;
    case BB_TCG_COND_GE: return sa >= sb;
    case BB_TCG_COND_LE: return sa <= sb;
    case BB_TCG_COND_GT: return sa > sb;
    case BB_TCG_COND_LTU: return ua < ub;
    case BB_TCG_COND_GEU: return ua >= ub;
    case BB_TCG_COND_LEU: return ua <= ub;
    case BB_TCG_COND_GTU: return ua > ub;
    default: return false; /* NEVER (and nothing else passes the verifier) */
    }
}

static inline int64_t tcg_eval_div64(int64_t a, int64_t b)
{
    if (b == 0) {
        return -1;
    }
    if (a == INT64_MIN && b == -1) {
        return INT64_MIN;
    }
    return a / b;
}

static inline int64_t tcg_eval_rem64(int64_t a, int64_t b)
{
    if (b == 0) {
        return a;
    }
    if (a == INT64_MIN && b == -1) {
        return 0;
    }
    return a % b;
}

static inline int32_t tcg_eval_div32(int32_t a, int32_t b)
{
    if (b == 0) {
        return -1;
    }
    if (a == INT32_MIN && b == -1) {
        return INT32_MIN;
    }
    return a / b;
}

static inline int32_t tcg_eval_rem32(int32_t a, int32_t b)
{
    if (b == 0) {
        return a;
    }
    if (a == INT32_MIN && b == -1) {
        return 0;
    }
    return a % b;
}

static inline uint64_t tcg_eval_rotl64(uint64_t a, uint64_t n)
{
    n &= 63;
    return n ? (a << n) | (a >> (64 - n)) : a;
}

static inline uint32_t tcg_eval_rotl32(uint32_t a, uint64_t n)
{
    n &= 31;
    return n ? (a << n) | (a >> (32 - n)) : a;
}

/* Mask of the low @len bits, 1 <= len <= 64. */
static inline uint64_t tcg_eval_mask(unsigned len)
{
    return len >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
}

static inline uint64_t tcg_eval_deposit(uint64_t a, uint64_t b, unsigned ofs,
                                        unsigned len)
{
    uint64_t m = tcg_eval_mask(len) << ofs;

    return (a & ~m) | ((b << ofs) & m);
}

static inline uint64_t tcg_eval_extract(uint64_t a, unsigned ofs,
                                        unsigned len)
{
    return (a >> ofs) & tcg_eval_mask(len);
}

/* Sign-extend the low @len bits of @v. */
static inline int64_t tcg_eval_sext(uint64_t v, unsigned len)
{
    unsigned sh = 64 - len;

    return len >= 64 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

static inline uint64_t tcg_eval_bswap16(uint64_t a)
{
    return ((a & 0xff) << 8) | ((a >> 8) & 0xff);
}

static inline uint64_t tcg_eval_bswap32(uint64_t a)
{
    return __builtin_bswap32((uint32_t)a);
}

static inline uint64_t tcg_eval_muluh64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static inline uint64_t tcg_eval_mulsh64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64);
}

static inline uint64_t tcg_eval_mulsuh64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)b) >> 64);
}

/* ------------------------------------------------------------ ops */

/* The i32 binary ops; @a and @b are read as 32-bit. */
static inline bool tcg_eval_bin32(BbTcgOpcode opc, uint32_t a, uint32_t b,
                                  uint32_t *d)
{
    switch (opc) {
    case BB_TCG_OP_ADD_I32: *d = a + b; break;
    case BB_TCG_OP_SUB_I32: *d = a - b; break;
    case BB_TCG_OP_MUL_I32: *d = a * b; break;
    case BB_TCG_OP_MULSH_I32:
        *d = (uint32_t)(((int64_t)(int32_t)a * (int32_t)b) >> 32);
        break;
    case BB_TCG_OP_MULUH_I32: *d = (uint32_t)(((uint64_t)a * b) >> 32); break;
    case BB_TCG_OP_DIV_I32:
        *d = (uint32_t)tcg_eval_div32((int32_t)a, (int32_t)b);
        break;
    case BB_TCG_OP_DIVU_I32: *d = b ? a / b : UINT32_MAX; break;
    case BB_TCG_OP_REM_I32:
        *d = (uint32_t)tcg_eval_rem32((int32_t)a, (int32_t)b);
        break;
    case BB_TCG_OP_REMU_I32: *d = b ? a % b : a; break;
    case BB_TCG_OP_AND_I32: *d = a & b; break;
    case BB_TCG_OP_OR_I32: *d = a | b; break;
    case BB_TCG_OP_XOR_I32: *d = a ^ b; break;
    case BB_TCG_OP_SHL_I32: *d = a << (b & 31); break;
    case BB_TCG_OP_SHR_I32: *d = a >> (b & 31); break;
    case BB_TCG_OP_SAR_I32: *d = (uint32_t)((int32_t)a >> (b & 31)); break;
    case BB_TCG_OP_ROTL_I32: *d = tcg_eval_rotl32(a, b); break;
    case BB_TCG_OP_ROTR_I32: *d = tcg_eval_rotl32(a, 32 - (b & 31)); break;
    case BB_TCG_OP_CLZ_I32: *d = a ? (uint32_t)__builtin_clz(a) : b; break;
    case BB_TCG_OP_CTZ_I32: *d = a ? (uint32_t)__builtin_ctz(a) : b; break;
    default: return false;
    }
    return true;
}

static inline bool tcg_eval_bin64(BbTcgOpcode opc, uint64_t a, uint64_t b,
                                  uint64_t *d)
{
    switch (opc) {
    case BB_TCG_OP_ADD_I64: *d = a + b; break;
    case BB_TCG_OP_SUB_I64: *d = a - b; break;
    case BB_TCG_OP_MUL_I64: *d = a * b; break;
    case BB_TCG_OP_MULSH_I64: *d = tcg_eval_mulsh64(a, b); break;
    case BB_TCG_OP_MULUH_I64: *d = tcg_eval_muluh64(a, b); break;
    case BB_TCG_OP_MULSUH_I64: *d = tcg_eval_mulsuh64(a, b); break;
    case BB_TCG_OP_DIV_I64:
        *d = (uint64_t)tcg_eval_div64((int64_t)a, (int64_t)b);
        break;
    case BB_TCG_OP_DIVU_I64: *d = b ? a / b : UINT64_MAX; break;
    case BB_TCG_OP_REM_I64:
        *d = (uint64_t)tcg_eval_rem64((int64_t)a, (int64_t)b);
        break;
    case BB_TCG_OP_REMU_I64: *d = b ? a % b : a; break;
    case BB_TCG_OP_AND_I64: *d = a & b; break;
    case BB_TCG_OP_OR_I64: *d = a | b; break;
    case BB_TCG_OP_XOR_I64: *d = a ^ b; break;
    case BB_TCG_OP_SHL_I64: *d = a << (b & 63); break;
    case BB_TCG_OP_SHR_I64: *d = a >> (b & 63); break;
    case BB_TCG_OP_SAR_I64: *d = (uint64_t)((int64_t)a >> (b & 63)); break;
    case BB_TCG_OP_ROTL_I64: *d = tcg_eval_rotl64(a, b); break;
    case BB_TCG_OP_ROTR_I64: *d = tcg_eval_rotl64(a, 64 - (b & 63)); break;
    case BB_TCG_OP_CLZ_I64: *d = a ? (uint64_t)__builtin_clzll(a) : b; break;
    case BB_TCG_OP_CTZ_I64: *d = a ? (uint64_t)__builtin_ctzll(a) : b; break;
    default: return false;
    }
    return true;
}

/* Unary ops of both widths and the conversions; the result is already
 * truncated to the output's width. */
static inline bool tcg_eval_unary(BbTcgOpcode opc, uint64_t a, uint64_t *d)
{
    switch (opc) {
    case BB_TCG_OP_MOV_I32: *d = (uint32_t)a; break;
    case BB_TCG_OP_NOT_I32: *d = (uint32_t)~a; break;
    case BB_TCG_OP_NEG_I32: *d = (uint32_t)-a; break;
    case BB_TCG_OP_BSWAP16_I32: *d = tcg_eval_bswap16(a); break;
    case BB_TCG_OP_BSWAP32_I32: *d = tcg_eval_bswap32(a); break;
    case BB_TCG_OP_CTPOP_I32: *d = (uint64_t)__builtin_popcount((uint32_t)a); break;
    case BB_TCG_OP_MOV_I64: *d = a; break;
    case BB_TCG_OP_NOT_I64: *d = ~a; break;
    case BB_TCG_OP_NEG_I64: *d = -a; break;
    case BB_TCG_OP_BSWAP16_I64: *d = tcg_eval_bswap16(a); break;
    case BB_TCG_OP_BSWAP32_I64: *d = tcg_eval_bswap32(a); break;
    case BB_TCG_OP_BSWAP64_I64: *d = __builtin_bswap64(a); break;
    case BB_TCG_OP_CTPOP_I64: *d = (uint64_t)__builtin_popcountll(a); break;
    case BB_TCG_OP_EXT8S_I64: *d = (uint64_t)(int64_t)(int8_t)a; break;
    case BB_TCG_OP_EXT8U_I64: *d = (uint8_t)a; break;
    case BB_TCG_OP_EXT16S_I64: *d = (uint64_t)(int64_t)(int16_t)a; break;
    case BB_TCG_OP_EXT16U_I64: *d = (uint16_t)a; break;
    case BB_TCG_OP_EXT32S_I64:
    case BB_TCG_OP_EXTS_I32_I64: *d = (uint64_t)(int64_t)(int32_t)a; break;
    case BB_TCG_OP_EXT32U_I64:
    case BB_TCG_OP_EXTU_I32_I64:
    case BB_TCG_OP_EXTRL_I64_I32: *d = (uint32_t)a; break;
    case BB_TCG_OP_EXTRH_I64_I32: *d = a >> 32; break;
    default: return false;
    }
    return true;
}

/* The ops with constant parameters: setcond, movcond, deposit, extract,
 * sextract.  @in holds the inputs, @c the constant parameters. */
static inline bool tcg_eval_param(BbTcgOpcode opc, const uint64_t *in,
                                  const uint64_t *c, uint64_t *d)
{
    unsigned ofs = (unsigned)c[0], len = (unsigned)c[1];

    switch (opc) {
    case BB_TCG_OP_SETCOND_I32:
    case BB_TCG_OP_SETCOND_I64:
        *d = tcg_eval_cond((BbTcgCond)c[0], in[0], in[1],
                           opc == BB_TCG_OP_SETCOND_I64);
        break;
    case BB_TCG_OP_MOVCOND_I32:
    case BB_TCG_OP_MOVCOND_I64:
        *d = tcg_eval_cond((BbTcgCond)c[0], in[0], in[1],
                           opc == BB_TCG_OP_MOVCOND_I64) ? in[2] : in[3];
        if (opc == BB_TCG_OP_MOVCOND_I32) {
            *d = (uint32_t)*d;
        }
        break;
    case BB_TCG_OP_DEPOSIT_I32:
        *d = (uint32_t)tcg_eval_deposit(in[0], in[1], ofs, len);
        break;
    case BB_TCG_OP_DEPOSIT_I64:
        *d = tcg_eval_deposit(in[0], in[1], ofs, len);
        break;
    case BB_TCG_OP_EXTRACT_I32:
    case BB_TCG_OP_EXTRACT_I64:
        *d = tcg_eval_extract(opc == BB_TCG_OP_EXTRACT_I32 ? (uint32_t)in[0]
                                                           : in[0], ofs, len);
        break;
    case BB_TCG_OP_SEXTRACT_I32:
        *d = (uint32_t)tcg_eval_sext(tcg_eval_extract(in[0], ofs, len), len);
        break;
    case BB_TCG_OP_SEXTRACT_I64:
        *d = (uint64_t)tcg_eval_sext(tcg_eval_extract(in[0], ofs, len), len);
        break;
    default: return false;
    }
    return true;
}

/* Which evaluator computes an op (interp precomputes it per op). */
typedef enum {
    TCG_EVAL_NONE = 0, /* not a pure value op */
    TCG_EVAL_BIN32,
    TCG_EVAL_BIN64,
    TCG_EVAL_UNARY,
    TCG_EVAL_PARAM,
} TcgEvalKind;

static inline TcgEvalKind tcg_eval_kind(BbTcgOpcode opc)
{
    uint64_t in[4] = { 0, 1, 0, 0 }, c[2] = { 0, 1 }, d;
    uint32_t d32;

    /* Probe with harmless operands: every evaluator rejects ops it does
     * not know without computing anything else. */
    if (tcg_eval_bin32(opc, 0, 1, &d32)) {
        return TCG_EVAL_BIN32;
    }
    if (tcg_eval_bin64(opc, 0, 1, &d)) {
        return TCG_EVAL_BIN64;
    }
    if (tcg_eval_unary(opc, 0, &d)) {
        return TCG_EVAL_UNARY;
    }
    if (tcg_eval_param(opc, in, c, &d)) {
        return TCG_EVAL_PARAM;
    }
    return TCG_EVAL_NONE;
}

/*
 * tcg_eval_kinded() - compute a pure value op of known @kind (see
 * tcg_eval_op()).
 */
static inline uint64_t tcg_eval_kinded(TcgEvalKind kind, BbTcgOpcode opc,
                                       const uint64_t *in, const uint64_t *c)
{
    uint64_t d = 0;
    uint32_t d32 = 0;

    switch (kind) {
    case TCG_EVAL_BIN32:
        tcg_eval_bin32(opc, (uint32_t)in[0], (uint32_t)in[1], &d32);
        return d32;
    case TCG_EVAL_BIN64:
        tcg_eval_bin64(opc, in[0], in[1], &d);
        return d;
    case TCG_EVAL_UNARY:
        tcg_eval_unary(opc, in[0], &d);
        return d;
    case TCG_EVAL_PARAM:
        tcg_eval_param(opc, in, c, &d);
        return d;
    default:
        return 0;
    }
}

/*
 * tcg_eval_op() - compute a pure value op (one output, no side effects,
 * no env or memory access): every arithmetic, logic, shift, compare,
 * select, bit-field and conversion op.  @in: the inputs in operand order,
 * at least 4 entries (unused ones are ignored); @c: the constant
 * parameters, at least 2 entries.  Returns false for any other op.
 * Constant parameters must have passed tcg_verify() (1 <= len,
 * ofs + len <= width).
 */
static inline bool tcg_eval_op(BbTcgOpcode opc, const uint64_t *in,
                               const uint64_t *c, uint64_t *d)
{
    TcgEvalKind kind = tcg_eval_kind(opc);

    if (kind == TCG_EVAL_NONE) {
        return false;
    }
    *d = tcg_eval_kinded(kind, opc, in, c);
    return true;
}

#endif /* HOST_TCG_TCG_EVAL_H */
