/*
 * trans-rvm.c - the M extension: multiply and divide, with the RV64 W
 * forms (RISC-V unprivileged spec, chapter "M").
 *
 * The IR's division is total with RISC-V's results (x / 0 = all ones,
 * x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0), so only the W forms need
 * thought: they divide the sign- (or zero-) extended low words in 64
 * bits and sign-extend the low word of the result, which gives the
 * 32-bit rules (divw of INT32_MIN by -1 is 2^31 in 64 bits, whose low
 * word sign-extends back to INT32_MIN; divuw by 0 is all ones).
 */
#include "riscv.h"

typedef void (*GenBinary)(BbTcgContext *s, BbTcgI64 d, BbTcgI64 a,
                          BbTcgI64 b);

static bool gen_m(DisasContext *ctx, const RiscvArgs *a, GenBinary op)
{
    op(ctx->s, gen_dest_gpr(ctx, a->rd), gen_get_gpr(ctx, a->rs1),
       gen_get_gpr(ctx, a->rs2));
    return true;
}

/* The low word of x[r], sign- or zero-extended. */
static BbTcgI64 gen_word(DisasContext *ctx, unsigned r, bool sign)
{
    BbTcgI64 t = bb_tcg_temp_i64(ctx->s);

    if (sign) {
        bb_tcg_ext32s_i64(ctx->s, t, gen_get_gpr(ctx, r));
    } else {
        bb_tcg_ext32u_i64(ctx->s, t, gen_get_gpr(ctx, r));
    }
    return t;
}

/* rd = sext32(op(ext(rs1), ext(rs2))) */
static bool gen_m_w(DisasContext *ctx, const RiscvArgs *a, GenBinary op,
                    bool sign)
{
    BbTcgI64 t = bb_tcg_temp_i64(ctx->s);

    op(ctx->s, t, gen_word(ctx, a->rs1, sign), gen_word(ctx, a->rs2, sign));
    bb_tcg_ext32s_i64(ctx->s, gen_dest_gpr(ctx, a->rd), t);
    return true;
}

static bool trans_mul(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_mul_i64);
}

static bool trans_mulh(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_mulsh_i64);
}

static bool trans_mulhsu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_mulsuh_i64);
}

static bool trans_mulhu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_muluh_i64);
}

static bool trans_div(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_div_i64);
}

static bool trans_divu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_divu_i64);
}

static bool trans_rem(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_rem_i64);
}

static bool trans_remu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m(ctx, a, bb_tcg_remu_i64);
}

static bool trans_mulw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m_w(ctx, a, bb_tcg_mul_i64, true);
}

static bool trans_divw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m_w(ctx, a, bb_tcg_div_i64, true);
}

static bool trans_divuw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m_w(ctx, a, bb_tcg_divu_i64, false);
}

static bool trans_remw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m_w(ctx, a, bb_tcg_rem_i64, true);
}

static bool trans_remuw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_m_w(ctx, a, bb_tcg_remu_i64, false);
}

#define M(n, v, fn) { n, 0xfe00707f, v, FMT_R, "d,s,t", RVM, trans_##fn }

const RiscvInsnDesc riscv_insns_rvm[] = {
    M("mul", 0x02000033, mul),
    M("mulh", 0x02001033, mulh),
    M("mulhsu", 0x02002033, mulhsu),
    M("mulhu", 0x02003033, mulhu),
    M("div", 0x02004033, div),
    M("divu", 0x02005033, divu),
    M("rem", 0x02006033, rem),
    M("remu", 0x02007033, remu),
    M("mulw", 0x0200003b, mulw),
    M("divw", 0x0200403b, divw),
    M("divuw", 0x0200503b, divuw),
    M("remw", 0x0200603b, remw),
    M("remuw", 0x0200703b, remuw),
    { 0 },
};
