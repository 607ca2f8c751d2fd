/*
 * x86-lower-alu.c - x86-64 code for the IR's value ops: arithmetic,
 * logic, multiplication and division, shifts and rotates, comparisons
 * and selects, bit fields, byte swaps, bit counts and conversions.  Every
 * op is inline code; the semantics to match are tcg-eval.h's (total: no
 * IR program can make the host trap, so division checks its divisor).
 * i32 ops use 32-bit instructions, which leave the upper half of the
 * destination zero (x86-gen.h).  Operands come from the register
 * allocator; an output may take the register of an input that dies, so
 * each lowering reads its inputs before it overwrites such a register.
 */
#include "tcg/x86_64/x86-gen.h"

#define ALL X86_REGS_ALLOC
#define NOREG X86_NOREG

static bool op_is64(const TcgOp *op)
{
    return tcg_op_defs[op->opc].type == BB_TCG_TYPE_I64;
}

/* Constant @t usable as the imm32 of a @w-bit instruction? */
static bool const_imm(X86Gen *g, uint32_t t, bool w, int32_t *imm)
{
    int64_t v;

    if (!x86_ra_const(g, t, &v) || (w && (v < INT32_MIN || v > INT32_MAX))) {
        return false;
    }
    *imm = (int32_t)v;
    return true;
}

static bool is_const(X86Gen *g, uint32_t t)
{
    int64_t v;

    return x86_ra_const(g, t, &v);
}

static void mov_if(X86Gen *g, X86Reg d, X86Reg s)
{
    if (d != s) {
        x86_mov_rr(&g->as, true, d, s);
    }
}

/* ------------------------------------------------------------ compare */

static X86Cond x86_cond(BbTcgCond c)
{
    switch (c) {
    case BB_TCG_COND_EQ: return X86_CC_E;
    case BB_TCG_COND_NE: return X86_CC_NE;
    case BB_TCG_COND_LT: return X86_CC_L;
    case BB_TCG_COND_GE: return X86_CC_GE;
    case BB_TCG_COND_LE: return X86_CC_LE;
    case BB_TCG_COND_GT: return X86_CC_G;
    case BB_TCG_COND_LTU: return X86_CC_B;
    case BB_TCG_COND_GEU: return X86_CC_AE;
    case BB_TCG_COND_LEU: return X86_CC_BE;
    case BB_TCG_COND_GTU: return X86_CC_A;
    default: g_assert_not_reached();
    }
}

/* The condition with its operands exchanged (a < b  <=>  b > a). */
static BbTcgCond cond_swap(BbTcgCond c)
{
    switch (c) {
    case BB_TCG_COND_LT: return BB_TCG_COND_GT;
    case BB_TCG_COND_GT: return BB_TCG_COND_LT;
    case BB_TCG_COND_LE: return BB_TCG_COND_GE;
    case BB_TCG_COND_GE: return BB_TCG_COND_LE;
    case BB_TCG_COND_LTU: return BB_TCG_COND_GTU;
    case BB_TCG_COND_GTU: return BB_TCG_COND_LTU;
    case BB_TCG_COND_LEU: return BB_TCG_COND_GEU;
    case BB_TCG_COND_GEU: return BB_TCG_COND_LEU;
    default: return c;
    }
}

void x86_cmp_prepare(X86Gen *g, uint32_t a, uint32_t b, BbTcgCond c, bool w,
                     X86Cmp *cmp)
{
    if (is_const(g, a) && !is_const(g, b)) {
        uint32_t t = a;

        a = b;
        b = t;
        c = cond_swap(c);
    }
    cmp->w = w;
    cmp->cc = x86_cond(c);
    cmp->ra = x86_ra_in(g, a, ALL);
    cmp->rb = const_imm(g, b, w, &cmp->imm) ? NOREG : x86_ra_in(g, b, ALL);
}

void x86_cmp_emit(X86Gen *g, const X86Cmp *cmp)
{
    if (cmp->rb != NOREG) {
        x86_alu_rr(&g->as, cmp->w, X86_CMP, cmp->ra, cmp->rb);
    } else if (cmp->imm == 0) {
        /* Same flags as cmp with 0: CF = OF = 0. */
        x86_test_rr(&g->as, cmp->w, cmp->ra, cmp->ra);
    } else {
        x86_alu_ri(&g->as, cmp->w, X86_CMP, cmp->ra, cmp->imm);
    }
}

static void lower_setcond(X86Gen *g, const TcgOp *op, bool w)
{
    BbTcgCond c = (BbTcgCond)op->args[3];
    X86Cmp cmp;
    X86Reg rd;

    if (c == BB_TCG_COND_NEVER || c == BB_TCG_COND_ALWAYS) {
        rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, NOREG, NOREG);
        x86_mov_ri(&g->as, false, rd, c == BB_TCG_COND_ALWAYS);
        return;
    }
    x86_cmp_prepare(g, (uint32_t)op->args[1], (uint32_t)op->args[2], c, w,
                    &cmp);
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, cmp.ra, cmp.rb);
    x86_cmp_emit(g, &cmp);
    x86_setcc(&g->as, cmp.cc, rd);
    x86_movzx(&g->as, 1, rd, rd);
}

static void lower_mov(X86Gen *g, uint32_t d, uint32_t a, bool w)
{
    int64_t v;
    X86Reg ra, rd;

    if (x86_ra_const(g, a, &v)) {
        rd = x86_ra_out(g, d, ALL, NOREG, NOREG);
        x86_mov_ri(&g->as, w, rd, (uint64_t)v);
        return;
    }
    ra = x86_ra_in(g, a, ALL);
    rd = x86_ra_out(g, d, ALL, ra, NOREG);
    mov_if(g, rd, ra);
}

static void lower_movcond(X86Gen *g, const TcgOp *op, bool w)
{
    BbTcgCond c = (BbTcgCond)op->args[5];
    uint32_t d = (uint32_t)op->args[0];
    X86Cmp cmp;
    X86Reg rv1, rv2, rd;

    if (c == BB_TCG_COND_NEVER || c == BB_TCG_COND_ALWAYS) {
        lower_mov(g, d, (uint32_t)op->args[c == BB_TCG_COND_ALWAYS ? 3 : 4],
                  w);
        return;
    }
    x86_cmp_prepare(g, (uint32_t)op->args[1], (uint32_t)op->args[2], c, w,
                    &cmp);
    rv1 = x86_ra_in(g, (uint32_t)op->args[3], ALL);
    rv2 = x86_ra_in(g, (uint32_t)op->args[4], ALL);
    rd = x86_ra_out(g, d, ALL, rv2, rv1);
    x86_cmp_emit(g, &cmp);
    if (rd == rv1 && rd != rv2) {
        x86_cmov(&g->as, w, cmp.cc ^ 1, rd, rv2);
    } else {
        mov_if(g, rd, rv2); /* mov leaves the flags alone */
        x86_cmov(&g->as, w, cmp.cc, rd, rv1);
    }
}

/* ------------------------------------------------------------ arithmetic */

static void lower_binop(X86Gen *g, const TcgOp *op, bool w, X86Alu alu,
                        bool commutative)
{
    uint32_t d = (uint32_t)op->args[0], a = (uint32_t)op->args[1];
    uint32_t b = (uint32_t)op->args[2];
    int32_t imm;
    bool bi;
    X86Reg ra, rb = NOREG, rd;

    if (commutative && is_const(g, a) && !is_const(g, b)) {
        a = b;
        b = (uint32_t)op->args[1];
    }
    bi = const_imm(g, b, w, &imm);
    ra = x86_ra_in(g, a, ALL);
    if (!bi) {
        rb = x86_ra_in(g, b, ALL);
    }
    rd = x86_ra_out(g, d, ALL, ra, commutative ? rb : NOREG);
    if (!bi && rd == rb && rd != ra) {
        x86_alu_rr(&g->as, w, alu, rd, ra); /* commutative: d = b op a */
        return;
    }
    if (bi && alu == X86_ADD && rd != ra) {
        /* One instruction instead of mov + add (guest address
         * arithmetic: base register + offset); the IR reads no flags. */
        x86_lea(&g->as, w, rd, ra, imm);
        return;
    }
    mov_if(g, rd, ra);
    if (bi) {
        x86_alu_ri(&g->as, w, alu, rd, imm);
    } else {
        x86_alu_rr(&g->as, w, alu, rd, rb);
    }
}

static void lower_unary(X86Gen *g, const TcgOp *op, bool w, X86Unary u)
{
    X86Reg ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
    X86Reg rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);

    mov_if(g, rd, ra);
    x86_unary(&g->as, w, u, rd);
}

static void lower_mul(X86Gen *g, const TcgOp *op, bool w)
{
    uint32_t a = (uint32_t)op->args[1], b = (uint32_t)op->args[2];
    int32_t imm;
    X86Reg ra, rb, rd;

    if (is_const(g, a) && !is_const(g, b)) {
        a = b;
        b = (uint32_t)op->args[1];
    }
    ra = x86_ra_in(g, a, ALL);
    if (const_imm(g, b, w, &imm)) {
        rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);
        x86_imul_rri(&g->as, w, rd, ra, imm);
        return;
    }
    rb = x86_ra_in(g, b, ALL);
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, rb);
    if (rd == rb && rd != ra) {
        x86_imul_rr(&g->as, w, rd, ra);
    } else {
        mov_if(g, rd, ra);
        x86_imul_rr(&g->as, w, rd, rb);
    }
}

/* High half of a 32x32 product, computed with one 64-bit multiply. */
static void lower_mulh32(X86Gen *g, const TcgOp *op, bool sign)
{
    X86Reg ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
    X86Reg rb = x86_ra_in(g, (uint32_t)op->args[2], ALL);
    X86Reg rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);

    if (sign) {
        X86Reg s = x86_ra_scratch(g, ALL);

        x86_movsx(&g->as, 4, true, s, rb);
        x86_movsx(&g->as, 4, true, rd, ra);
        x86_imul_rr(&g->as, true, rd, s);
    } else {
        /* Zero-extended operands: the 64-bit product is exact. */
        mov_if(g, rd, ra);
        x86_imul_rr(&g->as, true, rd, rb);
    }
    x86_shift_ri(&g->as, true, X86_SHR, rd, 32);
}

/* High half of a 64x64 product: rdx of the one-operand mul/imul. */
static void lower_mulh64(X86Gen *g, const TcgOp *op)
{
    uint32_t fixed = X86_BIT(X86_RAX) | X86_BIT(X86_RDX);
    X86Reg ra, rb, rd;

    x86_ra_reserve(g, X86_RAX);
    x86_ra_reserve(g, X86_RDX);
    rb = x86_ra_in(g, (uint32_t)op->args[2], ALL & ~fixed);
    ra = x86_ra_in(g, (uint32_t)op->args[1], ALL & ~fixed);
    x86_mov_rr(&g->as, true, X86_RAX, ra);
    if (op->opc == BB_TCG_OP_MULSH_I64) {
        x86_unary(&g->as, true, X86_IMUL1, rb);
    } else {
        x86_unary(&g->as, true, X86_MUL, rb);
    }
    if (op->opc == BB_TCG_OP_MULSUH_I64) {
        /* signed(a) * b = unsigned product - (a < 0 ? b << 64 : 0) */
        X86Reg s = x86_ra_scratch(g, ALL & ~fixed);

        x86_mov_rr(&g->as, true, s, ra);
        x86_shift_ri(&g->as, true, X86_SAR, s, 63);
        x86_alu_rr(&g->as, true, X86_AND, s, rb);
        x86_alu_rr(&g->as, true, X86_SUB, X86_RDX, s);
    }
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, X86_RDX, NOREG);
    mov_if(g, rd, X86_RDX);
}

/*
 * Division with RISC-V results instead of #DE: x / 0 = all ones,
 * x % 0 = x; for a signed divisor of -1 the quotient is -x (which wraps
 * to INT_MIN for INT_MIN) and the remainder 0, without dividing.
 */
static void lower_div(X86Gen *g, const TcgOp *op, bool w, bool sign, bool rem)
{
    uint32_t fixed = X86_BIT(X86_RAX) | X86_BIT(X86_RDX);
    unsigned l_zero = x86_label_new(&g->as), l_done = x86_label_new(&g->as);
    unsigned l_div = x86_label_new(&g->as);
    X86Reg ra, rb, rd, res = rem ? X86_RDX : X86_RAX;

    x86_ra_reserve(g, X86_RAX);
    x86_ra_reserve(g, X86_RDX);
    rb = x86_ra_in(g, (uint32_t)op->args[2], ALL & ~fixed);
    ra = x86_ra_in(g, (uint32_t)op->args[1], ALL & ~fixed);
    x86_mov_rr(&g->as, true, X86_RAX, ra);
    x86_test_rr(&g->as, w, rb, rb);
    x86_jcc_label(&g->as, X86_CC_E, l_zero, true);
    if (sign) {
        x86_alu_ri(&g->as, w, X86_CMP, rb, -1);
        x86_jcc_label(&g->as, X86_CC_NE, l_div, true);
        if (rem) {
            x86_alu_rr(&g->as, false, X86_XOR, X86_RDX, X86_RDX);
        } else {
            x86_unary(&g->as, w, X86_NEG, X86_RAX);
        }
        x86_jmp_label(&g->as, l_done, true);
        x86_label_bind(&g->as, l_div);
        x86_cqo(&g->as, w);
        x86_unary(&g->as, w, X86_IDIV, rb);
    } else {
        x86_label_bind(&g->as, l_div);
        x86_alu_rr(&g->as, false, X86_XOR, X86_RDX, X86_RDX);
        x86_unary(&g->as, w, X86_DIV, rb);
    }
    x86_jmp_label(&g->as, l_done, true);
    x86_label_bind(&g->as, l_zero);
    if (rem) {
        x86_mov_rr(&g->as, true, X86_RDX, X86_RAX);
    } else {
        x86_mov_ri(&g->as, w, X86_RAX, UINT64_MAX);
    }
    x86_label_bind(&g->as, l_done);
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, res, NOREG);
    mov_if(g, rd, res);
}

/* ------------------------------------------------------------ shifts */

static void lower_shift(X86Gen *g, const TcgOp *op, bool w, X86Shift sh)
{
    uint32_t b = (uint32_t)op->args[2];
    int64_t n;
    X86Reg ra, rd;

    if (x86_ra_const(g, b, &n)) {
        n &= w ? 63 : 31;
        ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
        rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);
        mov_if(g, rd, ra);
        if (n) {
            x86_shift_ri(&g->as, w, sh, rd, (unsigned)n);
        }
        return;
    }
    /* The hardware masks cl to 5 (6) bits: the IR's modulo. */
    x86_ra_in(g, b, X86_BIT(X86_RCX));
    ra = x86_ra_in(g, (uint32_t)op->args[1], ALL & ~X86_BIT(X86_RCX));
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL & ~X86_BIT(X86_RCX), ra,
                    NOREG);
    mov_if(g, rd, ra);
    x86_shift_cl(&g->as, w, sh, rd);
}

/* ------------------------------------------------------------ bit fields */

static void lower_deposit(X86Gen *g, const TcgOp *op, bool w)
{
    unsigned width = w ? 64 : 32;
    unsigned ofs = (unsigned)op->args[3], len = (unsigned)op->args[4];
    uint64_t keep = ~(((len >= 64 ? ~0ull : (1ull << len) - 1)) << ofs);
    X86Reg ra, rb, rd, s;

    if (len >= width) {
        lower_mov(g, (uint32_t)op->args[0], (uint32_t)op->args[2], w);
        return;
    }
    rb = x86_ra_in(g, (uint32_t)op->args[2], ALL);
    ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
    s = x86_ra_scratch(g, ALL);
    /* s = (b & mask) << ofs: shift the field to the top, then down. */
    x86_mov_rr(&g->as, true, s, rb);
    x86_shift_ri(&g->as, w, X86_SHL, s, width - len);
    if (width - len - ofs) {
        x86_shift_ri(&g->as, w, X86_SHR, s, width - len - ofs);
    }
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);
    mov_if(g, rd, ra);
    if (!w || ((int64_t)keep >= INT32_MIN && (int64_t)keep <= INT32_MAX)) {
        x86_alu_ri(&g->as, w, X86_AND, rd, (int32_t)keep);
    } else {
        X86Reg k = x86_ra_scratch(g, ALL);

        x86_mov_ri(&g->as, true, k, keep);
        x86_alu_rr(&g->as, true, X86_AND, rd, k);
    }
    x86_alu_rr(&g->as, w, X86_OR, rd, s);
}

static void lower_extract(X86Gen *g, const TcgOp *op, bool w, bool sign)
{
    unsigned width = w ? 64 : 32;
    unsigned ofs = (unsigned)op->args[2], len = (unsigned)op->args[3];
    X86Reg ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
    X86Reg rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);

    if (ofs == 0 && (len == 8 || len == 16 || (len == 32 && w))) {
        if (sign) {
            x86_movsx(&g->as, len / 8, w, rd, ra);
        } else {
            x86_movzx(&g->as, len / 8, rd, ra);
        }
        return;
    }
    mov_if(g, rd, ra);
    if (ofs + len < width) {
        x86_shift_ri(&g->as, w, X86_SHL, rd, width - ofs - len);
    }
    if (len < width) {
        x86_shift_ri(&g->as, w, sign ? X86_SAR : X86_SHR, rd, width - len);
    }
}

/* ------------------------------------------------------------ bits */

static void lower_bswap(X86Gen *g, const TcgOp *op, unsigned bits)
{
    X86Reg ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
    X86Reg rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);

    mov_if(g, rd, ra);
    x86_bswap(&g->as, bits == 64, rd);
    if (bits == 16) {
        x86_shift_ri(&g->as, false, X86_SHR, rd, 16);
    }
}

/* clz/ctz with bsr/bsf (baseline x86-64), which set ZF for a zero input
 * and leave the destination undefined: that case takes the third
 * operand. */
static void lower_clz_ctz(X86Gen *g, const TcgOp *op, bool w, bool clz)
{
    uint32_t a = (uint32_t)op->args[1], z = (uint32_t)op->args[2];
    unsigned l_zero = x86_label_new(&g->as), l_done = x86_label_new(&g->as);
    int64_t zval = 0;
    bool zconst = x86_ra_const(g, z, &zval) || z == a; /* a == 0 there */
    X86Reg ra, rz = NOREG, rd;

    ra = x86_ra_in(g, a, ALL);
    if (!zconst) {
        rz = x86_ra_in(g, z, ALL);
    }
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);
    if (clz) {
        x86_bsr(&g->as, w, rd, ra);
    } else {
        x86_bsf(&g->as, w, rd, ra);
    }
    x86_jcc_label(&g->as, X86_CC_E, l_zero, true);
    if (clz) {
        x86_alu_ri(&g->as, w, X86_XOR, rd, w ? 63 : 31);
    }
    x86_jmp_label(&g->as, l_done, true);
    x86_label_bind(&g->as, l_zero);
    if (zconst) {
        x86_mov_ri(&g->as, w, rd, (uint64_t)zval);
    } else {
        x86_mov_rr(&g->as, true, rd, rz);
    }
    x86_label_bind(&g->as, l_done);
}

static void lower_ctpop(X86Gen *g, const TcgOp *op, bool w)
{
    X86Reg ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
    X86Reg rd, t, k;
    uint64_t m1 = 0x5555555555555555ull, m2 = 0x3333333333333333ull;
    uint64_t m4 = 0x0f0f0f0f0f0f0f0full, h01 = 0x0101010101010101ull;

    if (g->features & TCG_X86_64_FEAT_POPCNT) {
        rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);
        x86_popcnt(&g->as, w, rd, ra);
        return;
    }
    /* The classic SWAR population count. */
    t = x86_ra_scratch(g, ALL);
    k = x86_ra_scratch(g, ALL);
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);
    mov_if(g, rd, ra);
    x86_mov_rr(&g->as, w, t, rd);
    x86_shift_ri(&g->as, w, X86_SHR, t, 1);
    x86_mov_ri(&g->as, w, k, m1);
    x86_alu_rr(&g->as, w, X86_AND, t, k);
    x86_alu_rr(&g->as, w, X86_SUB, rd, t);
    x86_mov_ri(&g->as, w, k, m2);
    x86_mov_rr(&g->as, w, t, rd);
    x86_shift_ri(&g->as, w, X86_SHR, t, 2);
    x86_alu_rr(&g->as, w, X86_AND, t, k);
    x86_alu_rr(&g->as, w, X86_AND, rd, k);
    x86_alu_rr(&g->as, w, X86_ADD, rd, t);
    x86_mov_rr(&g->as, w, t, rd);
    x86_shift_ri(&g->as, w, X86_SHR, t, 4);
    x86_alu_rr(&g->as, w, X86_ADD, rd, t);
    x86_mov_ri(&g->as, w, k, m4);
    x86_alu_rr(&g->as, w, X86_AND, rd, k);
    x86_mov_ri(&g->as, w, k, h01);
    x86_imul_rr(&g->as, w, rd, k);
    x86_shift_ri(&g->as, w, X86_SHR, rd, w ? 56 : 24);
}

/* ------------------------------------------------------------ conversions */

typedef enum { CV_SX, CV_ZX, CV_HIGH } ConvKind;

static void lower_conv(X86Gen *g, const TcgOp *op, ConvKind kind,
                       unsigned size)
{
    X86Reg ra = x86_ra_in(g, (uint32_t)op->args[1], ALL);
    X86Reg rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, ra, NOREG);

    switch (kind) {
    case CV_SX:
        x86_movsx(&g->as, size, true, rd, ra);
        break;
    case CV_ZX:
        x86_movzx(&g->as, size, rd, ra);
        break;
    case CV_HIGH:
        mov_if(g, rd, ra);
        x86_shift_ri(&g->as, true, X86_SHR, rd, 32);
        break;
    }
}

/* ------------------------------------------------------------ dispatch */

bool x86_lower_alu(X86Gen *g, const TcgOp *op)
{
    bool w = op_is64(op);

    switch (op->opc) {
    case BB_TCG_OP_MOV_I32: case BB_TCG_OP_MOV_I64:
        lower_mov(g, (uint32_t)op->args[0], (uint32_t)op->args[1], w);
        break;
    case BB_TCG_OP_ADD_I32: case BB_TCG_OP_ADD_I64:
        lower_binop(g, op, w, X86_ADD, true);
        break;
    case BB_TCG_OP_SUB_I32: case BB_TCG_OP_SUB_I64:
        lower_binop(g, op, w, X86_SUB, false);
        break;
    case BB_TCG_OP_AND_I32: case BB_TCG_OP_AND_I64:
        lower_binop(g, op, w, X86_AND, true);
        break;
    case BB_TCG_OP_OR_I32: case BB_TCG_OP_OR_I64:
        lower_binop(g, op, w, X86_OR, true);
        break;
    case BB_TCG_OP_XOR_I32: case BB_TCG_OP_XOR_I64:
        lower_binop(g, op, w, X86_XOR, true);
        break;
    case BB_TCG_OP_NOT_I32: case BB_TCG_OP_NOT_I64:
        lower_unary(g, op, w, X86_NOT);
        break;
    case BB_TCG_OP_NEG_I32: case BB_TCG_OP_NEG_I64:
        lower_unary(g, op, w, X86_NEG);
        break;
    case BB_TCG_OP_MUL_I32: case BB_TCG_OP_MUL_I64:
        lower_mul(g, op, w);
        break;
    case BB_TCG_OP_MULSH_I32: lower_mulh32(g, op, true); break;
    case BB_TCG_OP_MULUH_I32: lower_mulh32(g, op, false); break;
    case BB_TCG_OP_MULSH_I64: case BB_TCG_OP_MULUH_I64:
    case BB_TCG_OP_MULSUH_I64:
        lower_mulh64(g, op);
        break;
    case BB_TCG_OP_DIV_I32: case BB_TCG_OP_DIV_I64:
        lower_div(g, op, w, true, false);
        break;
    case BB_TCG_OP_DIVU_I32: case BB_TCG_OP_DIVU_I64:
        lower_div(g, op, w, false, false);
        break;
    case BB_TCG_OP_REM_I32: case BB_TCG_OP_REM_I64:
        lower_div(g, op, w, true, true);
        break;
    case BB_TCG_OP_REMU_I32: case BB_TCG_OP_REMU_I64:
        lower_div(g, op, w, false, true);
        break;
    case BB_TCG_OP_SHL_I32: case BB_TCG_OP_SHL_I64:
        lower_shift(g, op, w, X86_SHL);
        break;
    case BB_TCG_OP_SHR_I32: case BB_TCG_OP_SHR_I64:
        lower_shift(g, op, w, X86_SHR);
        break;
    case BB_TCG_OP_SAR_I32: case BB_TCG_OP_SAR_I64:
        lower_shift(g, op, w, X86_SAR);
        break;
    case BB_TCG_OP_ROTL_I32: case BB_TCG_OP_ROTL_I64:
        lower_shift(g, op, w, X86_ROL);
        break;
    case BB_TCG_OP_ROTR_I32: case BB_TCG_OP_ROTR_I64:
        lower_shift(g, op, w, X86_ROR);
        break;
    case BB_TCG_OP_SETCOND_I32: case BB_TCG_OP_SETCOND_I64:
        lower_setcond(g, op, w);
        break;
    case BB_TCG_OP_MOVCOND_I32: case BB_TCG_OP_MOVCOND_I64:
        lower_movcond(g, op, w);
        break;
    case BB_TCG_OP_DEPOSIT_I32: case BB_TCG_OP_DEPOSIT_I64:
        lower_deposit(g, op, w);
        break;
    case BB_TCG_OP_EXTRACT_I32: case BB_TCG_OP_EXTRACT_I64:
        lower_extract(g, op, w, false);
        break;
    case BB_TCG_OP_SEXTRACT_I32: case BB_TCG_OP_SEXTRACT_I64:
        lower_extract(g, op, w, true);
        break;
    case BB_TCG_OP_BSWAP16_I32: case BB_TCG_OP_BSWAP16_I64:
        lower_bswap(g, op, 16);
        break;
    case BB_TCG_OP_BSWAP32_I32: case BB_TCG_OP_BSWAP32_I64:
        lower_bswap(g, op, 32);
        break;
    case BB_TCG_OP_BSWAP64_I64: lower_bswap(g, op, 64); break;
    case BB_TCG_OP_CLZ_I32: case BB_TCG_OP_CLZ_I64:
        lower_clz_ctz(g, op, w, true);
        break;
    case BB_TCG_OP_CTZ_I32: case BB_TCG_OP_CTZ_I64:
        lower_clz_ctz(g, op, w, false);
        break;
    case BB_TCG_OP_CTPOP_I32: case BB_TCG_OP_CTPOP_I64:
        lower_ctpop(g, op, w);
        break;
    case BB_TCG_OP_EXT8S_I64: lower_conv(g, op, CV_SX, 1); break;
    case BB_TCG_OP_EXT8U_I64: lower_conv(g, op, CV_ZX, 1); break;
    case BB_TCG_OP_EXT16S_I64: lower_conv(g, op, CV_SX, 2); break;
    case BB_TCG_OP_EXT16U_I64: lower_conv(g, op, CV_ZX, 2); break;
    case BB_TCG_OP_EXT32S_I64: case BB_TCG_OP_EXTS_I32_I64:
        lower_conv(g, op, CV_SX, 4);
        break;
    case BB_TCG_OP_EXT32U_I64: case BB_TCG_OP_EXTU_I32_I64:
    case BB_TCG_OP_EXTRL_I64_I32:
        lower_conv(g, op, CV_ZX, 4);
        break;
    case BB_TCG_OP_EXTRH_I64_I32: lower_conv(g, op, CV_HIGH, 0); break;
    default:
        return false;
    }
    return true;
}
