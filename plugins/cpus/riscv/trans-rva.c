/*
 * trans-rva.c - the A extension: LR/SC and the AMOs, word and doubleword
 * (RISC-V unprivileged spec, chapter "A").
 *
 * One host thread runs every hart and each instruction runs to its end,
 * so an AMO is a plain load, operation and store, and aq/rl need no
 * barrier.  Accesses are BB_MO_ALIGN: a misaligned address makes the
 * hart's do_unaligned_access hook raise.  env->in_amo is 1 from the load
 * to the store so that a fault there reports the store/AMO cause (mmu.c
 * reads it).  LR records the address and the value read; SC succeeds
 * when the reservation is for its address and the memory still holds
 * that value, and always drops the reservation (riscv.h explains when
 * else it is lost); a misaligned SC raises store/AMO-address-misaligned
 * first, with or without a reservation.
 */
#include <stddef.h>

#include "riscv.h"

typedef enum {
    AMO_SWAP, AMO_ADD, AMO_XOR, AMO_AND, AMO_OR, AMO_MIN, AMO_MAX,
    AMO_MINU, AMO_MAXU,
} AmoOp;

static void gen_set_in_amo(DisasContext *ctx, int v)
{
    bb_tcg_st_env_i32(ctx->s, bb_tcg_const_i32(ctx->s, v),
                      offsetof(RiscvCpu, in_amo));
}

static BbMemOp amo_mop(bool dword, bool load)
{
    if (dword) {
        return BB_MO_64 | BB_MO_ALIGN;
    }
    return (load ? BB_MO_SL : BB_MO_32) | BB_MO_ALIGN;
}

/* The low word of @v, sign- or zero-extended. */
static BbTcgI64 gen_ext_word(DisasContext *ctx, BbTcgI64 v, bool sign)
{
    BbTcgI64 t = bb_tcg_temp_i64(ctx->s);

    if (sign) {
        bb_tcg_ext32s_i64(ctx->s, t, v);
    } else {
        bb_tcg_ext32u_i64(ctx->s, t, v);
    }
    return t;
}

static bool gen_amo(DisasContext *ctx, const RiscvArgs *a, AmoOp op,
                    bool dword)
{
    BbTcgContext *s = ctx->s;
    BbTcgI64 addr = gen_get_gpr(ctx, a->rs1);
    BbTcgI64 src = gen_get_gpr(ctx, a->rs2);
    BbTcgI64 old = bb_tcg_temp_i64(s), val = bb_tcg_temp_i64(s);
    BbTcgI64 x, y;

    gen_set_in_amo(ctx, 1);
    bb_tcg_qemu_ld_i64(s, old, addr, ctx->mem_idx, amo_mop(dword, true));
    switch (op) {
    case AMO_SWAP:
        bb_tcg_mov_i64(s, val, src);
        break;
    case AMO_ADD:
        bb_tcg_add_i64(s, val, old, src);
        break;
    case AMO_XOR:
        bb_tcg_xor_i64(s, val, old, src);
        break;
    case AMO_AND:
        bb_tcg_and_i64(s, val, old, src);
        break;
    case AMO_OR:
        bb_tcg_or_i64(s, val, old, src);
        break;
    case AMO_MIN:
    case AMO_MAX:
        /* old is already sign-extended from a word load */
        y = dword ? src : gen_ext_word(ctx, src, true);
        bb_tcg_movcond_i64(s, op == AMO_MIN ? BB_TCG_COND_LT : BB_TCG_COND_GT,
                           val, old, y, old, y);
        break;
    default: /* AMO_MINU, AMO_MAXU */
        x = dword ? old : gen_ext_word(ctx, old, false);
        y = dword ? src : gen_ext_word(ctx, src, false);
        bb_tcg_movcond_i64(s,
                           op == AMO_MINU ? BB_TCG_COND_LTU : BB_TCG_COND_GTU,
                           val, x, y, x, y);
        break;
    }
    bb_tcg_qemu_st_i64(s, val, addr, ctx->mem_idx, amo_mop(dword, false));
    gen_set_in_amo(ctx, 0);
    bb_tcg_mov_i64(s, gen_dest_gpr(ctx, a->rd), old);
    return true;
}

static bool gen_lr(DisasContext *ctx, const RiscvArgs *a, bool dword)
{
    BbTcgContext *s = ctx->s;
    BbTcgI64 addr = gen_get_gpr(ctx, a->rs1);
    BbTcgI64 val = bb_tcg_temp_i64(s);

    bb_tcg_qemu_ld_i64(s, val, addr, ctx->mem_idx, amo_mop(dword, true));
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, addr,
                      offsetof(RiscvCpu, load_res));
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, val,
                      offsetof(RiscvCpu, load_val));
    bb_tcg_mov_i64(s, gen_dest_gpr(ctx, a->rd), val);
    return true;
}

static bool gen_sc(DisasContext *ctx, const RiscvArgs *a, bool dword)
{
    BbTcgContext *s = ctx->s;
    BbTcgI64 addr = gen_get_gpr(ctx, a->rs1);
    BbTcgI64 res = bb_tcg_temp_i64(s), cur = bb_tcg_temp_i64(s);
    BbTcgI64 expect = bb_tcg_temp_i64(s), result = bb_tcg_temp_i64(s);
    BbTcgLabel fail_amo = bb_tcg_label(s), fail = bb_tcg_label(s);
    BbTcgLabel aligned = bb_tcg_label(s), done = bb_tcg_label(s);

    /* Misaligned: store/AMO-address-misaligned even without a
     * reservation (the reservation compare alone would just fail it). */
    bb_tcg_and_i64(s, res, addr, gen_const(ctx, dword ? 7 : 3));
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, res, gen_const(ctx, 0), aligned);
    gen_raise_tval(ctx, EXC_STORE_MISALIGNED, addr);
    bb_tcg_set_label(s, aligned);
    bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, res, offsetof(RiscvCpu, load_res));
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, res, addr, fail);
    gen_set_in_amo(ctx, 1);
    bb_tcg_qemu_ld_i64(s, cur, addr, ctx->mem_idx, amo_mop(dword, true));
    bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, expect,
                      offsetof(RiscvCpu, load_val));
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, cur, expect, fail_amo);
    bb_tcg_qemu_st_i64(s, gen_get_gpr(ctx, a->rs2), addr, ctx->mem_idx,
                       amo_mop(dword, false));
    gen_set_in_amo(ctx, 0);
    bb_tcg_mov_i64(s, result, gen_const(ctx, 0));
    bb_tcg_br(s, done);
    bb_tcg_set_label(s, fail_amo);
    gen_set_in_amo(ctx, 0);
    bb_tcg_set_label(s, fail);
    bb_tcg_mov_i64(s, result, gen_const(ctx, 1));
    bb_tcg_set_label(s, done);
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, gen_const(ctx, -1),
                      offsetof(RiscvCpu, load_res));
    bb_tcg_mov_i64(s, gen_dest_gpr(ctx, a->rd), result);
    return true;
}

#define TRANS_AMO(name, op)                                                   \
    static bool trans_##name##_w(DisasContext *ctx, const RiscvArgs *a)     \
    {                                                                         \
        return gen_amo(ctx, a, op, false);                                    \
    }                                                                         \
    static bool trans_##name##_d(DisasContext *ctx, const RiscvArgs *a)     \
    {                                                                         \
        return gen_amo(ctx, a, op, true);                                     \
    }

TRANS_AMO(amoswap, AMO_SWAP)
TRANS_AMO(amoadd, AMO_ADD)
TRANS_AMO(amoxor, AMO_XOR)
TRANS_AMO(amoand, AMO_AND)
TRANS_AMO(amoor, AMO_OR)
TRANS_AMO(amomin, AMO_MIN)
TRANS_AMO(amomax, AMO_MAX)
TRANS_AMO(amominu, AMO_MINU)
TRANS_AMO(amomaxu, AMO_MAXU)

static bool trans_lr_w(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_lr(ctx, a, false);
}

static bool trans_lr_d(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_lr(ctx, a, true);
}

static bool trans_sc_w(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_sc(ctx, a, false);
}

static bool trans_sc_d(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_sc(ctx, a, true);
}

/* funct5 in bits 31:27, aq/rl free, funct3 2 (.w) or 3 (.d) */
#define A(n, f5, f3, args, fn)                                                \
    { n, 0xf800707f, (f5) << 27 | (f3) << 12 | 0x2f, FMT_AMO, args, RVA,     \
      trans_##fn }
#define AMO(n, f5, fn)                                                        \
    A(n ".w", f5, 2, "d,t,A", fn##_w), A(n ".d", f5, 3, "d,t,A", fn##_d)

const RiscvInsnDesc riscv_insns_rva[] = {
    /* lr also requires rs2 = 0 */
    { "lr.w", 0xf9f0707f, 0x1000202f, FMT_AMO, "d,A", RVA, trans_lr_w },
    { "lr.d", 0xf9f0707f, 0x1000302f, FMT_AMO, "d,A", RVA, trans_lr_d },
    A("sc.w", 0x03u, 2, "d,t,A", sc_w),
    A("sc.d", 0x03u, 3, "d,t,A", sc_d),
    AMO("amoswap", 0x01u, amoswap),
    AMO("amoadd", 0x00u, amoadd),
    AMO("amoxor", 0x04u, amoxor),
    AMO("amoand", 0x0cu, amoand),
    AMO("amoor", 0x08u, amoor),
    AMO("amomin", 0x10u, amomin),
    AMO("amomax", 0x14u, amomax),
    AMO("amominu", 0x18u, amominu),
    AMO("amomaxu", 0x1cu, amomaxu),
    { 0 },
};
