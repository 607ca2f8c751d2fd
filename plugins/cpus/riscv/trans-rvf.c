/*
 * trans-rvf.c - translation of the F and D extensions (RV64): the pattern
 * table riscv_insns_rvf and one translate function per instruction.
 *
 * The f registers are IR globals (cpu_fpr[], translate.c), so a TB keeps
 * them in host registers between instructions.  Arithmetic goes
 * through the helpers of fpu.c; sign injection, moves, loads and stores
 * are plain IR.  Every instruction needs mstatus.FS != Off (and F, or D
 * for .d, in misa); those that write an f register or may write fflags
 * mark FS Dirty (once per TB).  A rounding-mode field of 5 or 6 is
 * illegal at translation time; the dynamic mode (7) is checked against
 * frm at run time, which raises illegal-instruction when frm > 4, once
 * per TB: at the first instruction of the TB that uses it (frm only
 * changes by a CSR write, which ends the TB, so the check holds for the
 * rest of the TB).
 */
#include <stddef.h>

#include "fpu.h"
#include "riscv.h"

void riscv_gen_set_fs_dirty(DisasContext *ctx)
{
    BbTcgI64 t;

    if (ctx->fs == FS_DIRTY) {
        return;
    }
    t = bb_tcg_temp_i64(ctx->s);
    bb_tcg_ld_env_i64(ctx->s, BB_TCG_OP_LD_I64, t,
                      offsetof(RiscvCpu, mstatus));
    bb_tcg_or_i64(ctx->s, t, t,
                  gen_const(ctx, (int64_t)(MSTATUS_FS | MSTATUS_SD)));
    bb_tcg_st_env_i64(ctx->s, BB_TCG_OP_ST_I64, t,
                      offsetof(RiscvCpu, mstatus));
    ctx->fs = FS_DIRTY;
}

/* The FP unit (and D for double-precision instructions) is usable. */
static bool fp_enabled(DisasContext *ctx, bool dbl)
{
    return ctx->fs != FS_OFF && (ctx->misa & RVF) &&
           (!dbl || (ctx->misa & RVD));
}

/*
 * Check a rounding-mode field: false when it is statically illegal; for
 * the dynamic mode emit the run-time frm check (a call only when frm is
 * out of range) unless an earlier instruction of the TB did.  Call
 * before emitting anything else.
 */
static bool gen_check_rm(DisasContext *ctx, unsigned rm)
{
    if (rm == 5 || rm == 6) {
        return false;
    }
    if (rm == RM_DYN && !ctx->frm_checked) {
        BbTcgI32 frm = bb_tcg_temp_i32(ctx->s);
        BbTcgLabel ok = bb_tcg_label(ctx->s);

        bb_tcg_ld_env_i32(ctx->s, frm, offsetof(RiscvCpu, frm));
        bb_tcg_brcond_i32(ctx->s, BB_TCG_COND_LEU, frm,
                          bb_tcg_const_i32(ctx->s, RM_RMM), ok);
        gen_helper_env_insn(ctx, &riscv_h_check_frm, UINT32_MAX);
        bb_tcg_set_label(ctx->s, ok);
        ctx->frm_checked = true;
    }
    return true;
}

/* f[r] for reading only (the global itself: callers never write it). */
static BbTcgI64 load_fpr(DisasContext *ctx, unsigned r)
{
    return cpu_fpr[r];
}

static void store_fpr(DisasContext *ctx, unsigned r, BbTcgI64 v)
{
    bb_tcg_mov_i64(ctx->s, cpu_fpr[r], v);
}

static BbTcgI32 const_rm(DisasContext *ctx, unsigned rm)
{
    return bb_tcg_const_i32(ctx->s, (int32_t)rm);
}

/* ------------------------------------------------------------ patterns */

/* f[rd] = helper(env, f[rs1] (, f[rs2] (, f[rs3])), rm) */
static bool gen_fop_rm(DisasContext *ctx, const RiscvArgs *a, bool dbl,
                       const BbTcgHelper *h, unsigned nsrc)
{
    const unsigned regs[3] = { a->rs1, a->rs2, a->rs3 };
    uint32_t args[5];
    BbTcgI64 res;

    if (!fp_enabled(ctx, dbl) || !gen_check_rm(ctx, a->rm)) {
        return false;
    }
    args[0] = BB_TCG_ARG_ENV;
    for (unsigned i = 0; i < nsrc; i++) {
        args[1 + i] = load_fpr(ctx, regs[i]).id;
    }
    args[1 + nsrc] = const_rm(ctx, a->rm).id;
    res = bb_tcg_temp_i64(ctx->s);
    bb_tcg_call(ctx->s, h, res.id, args);
    store_fpr(ctx, a->rd, res);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* f[rd] = helper(env, f[rs1], f[rs2]): fmin, fmax */
static bool gen_fop(DisasContext *ctx, const RiscvArgs *a, bool dbl,
                    const BbTcgHelper *h)
{
    uint32_t args[3];
    BbTcgI64 res;

    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    args[0] = BB_TCG_ARG_ENV;
    args[1] = load_fpr(ctx, a->rs1).id;
    args[2] = load_fpr(ctx, a->rs2).id;
    res = bb_tcg_temp_i64(ctx->s);
    bb_tcg_call(ctx->s, h, res.id, args);
    store_fpr(ctx, a->rd, res);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* x[rd] = helper(env, f[rs1], f[rs2]): feq, flt, fle */
static bool gen_fcmp(DisasContext *ctx, const RiscvArgs *a, bool dbl,
                     const BbTcgHelper *h)
{
    uint32_t args[3];

    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    args[0] = BB_TCG_ARG_ENV;
    args[1] = load_fpr(ctx, a->rs1).id;
    args[2] = load_fpr(ctx, a->rs2).id;
    bb_tcg_call(ctx->s, h, gen_dest_gpr(ctx, a->rd).id, args);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* x[rd] = helper(env, f[rs1], rm): fcvt.{w,wu,l,lu}.{s,d} */
static bool gen_f2x(DisasContext *ctx, const RiscvArgs *a, bool dbl,
                    const BbTcgHelper *h)
{
    uint32_t args[3];

    if (!fp_enabled(ctx, dbl) || !gen_check_rm(ctx, a->rm)) {
        return false;
    }
    args[0] = BB_TCG_ARG_ENV;
    args[1] = load_fpr(ctx, a->rs1).id;
    args[2] = const_rm(ctx, a->rm).id;
    bb_tcg_call(ctx->s, h, gen_dest_gpr(ctx, a->rd).id, args);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* f[rd] = helper(env, x[rs1], rm): fcvt.{s,d}.{w,wu,l,lu} */
static bool gen_x2f(DisasContext *ctx, const RiscvArgs *a, bool dbl,
                    const BbTcgHelper *h)
{
    uint32_t args[3];
    BbTcgI64 res;

    if (!fp_enabled(ctx, dbl) || !gen_check_rm(ctx, a->rm)) {
        return false;
    }
    args[0] = BB_TCG_ARG_ENV;
    args[1] = gen_get_gpr(ctx, a->rs1).id;
    args[2] = const_rm(ctx, a->rm).id;
    res = bb_tcg_temp_i64(ctx->s);
    bb_tcg_call(ctx->s, h, res.id, args);
    store_fpr(ctx, a->rd, res);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* x[rd] = fclass(f[rs1]) (pure helper, no flags) */
static bool gen_fclass(DisasContext *ctx, const RiscvArgs *a, bool dbl,
                       const BbTcgHelper *h)
{
    uint32_t args[1];

    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    args[0] = load_fpr(ctx, a->rs1).id;
    bb_tcg_call(ctx->s, h, gen_dest_gpr(ctx, a->rd).id, args);
    return true;
}

/* ---------------------------------------------------- loads and stores */

static bool gen_fload(DisasContext *ctx, const RiscvArgs *a, bool dbl)
{
    BbTcgI64 v;

    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    v = bb_tcg_temp_i64(ctx->s);
    bb_tcg_qemu_ld_i64(ctx->s, v, gen_mem_addr(ctx, a), ctx->mem_idx,
                       dbl ? BB_MO_UQ : BB_MO_UL);
    if (!dbl) {
        bb_tcg_or_i64(ctx->s, v, v, gen_const(ctx, (int64_t)FPU_BOX_S));
    }
    store_fpr(ctx, a->rd, v);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* fsw stores the low 32 bits whatever the boxing. */
static bool gen_fstore(DisasContext *ctx, const RiscvArgs *a, bool dbl)
{
    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    bb_tcg_qemu_st_i64(ctx->s, load_fpr(ctx, a->rs2), gen_mem_addr(ctx, a),
                       ctx->mem_idx, dbl ? BB_MO_UQ : BB_MO_UL);
    return true;
}

static bool trans_flw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_fload(ctx, a, false);
}

static bool trans_fld(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_fload(ctx, a, true);
}

static bool trans_fsw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_fstore(ctx, a, false);
}

static bool trans_fsd(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_fstore(ctx, a, true);
}

/* ------------------------------------------------------- sign injection */

enum { SGNJ, SGNJN, SGNJX };

/*
 * fsgnj[n|x]: the magnitude of rs1 with a sign from rs2.  Singles operate
 * on the unboxed values (an improperly boxed operand is the canonical
 * NaN) and the result is boxed; working on the boxed 64-bit images with
 * the sign at bit 31 keeps the upper half all ones.
 */
static bool gen_fsgnj(DisasContext *ctx, const RiscvArgs *a, bool dbl,
                      int kind)
{
    BbTcgContext *s = ctx->s;
    BbTcgI64 x, y, sign, res;
    int64_t sign_bit = dbl ? INT64_MIN : (int64_t)0x80000000;

    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    x = load_fpr(ctx, a->rs1);
    y = a->rs2 == a->rs1 ? x : load_fpr(ctx, a->rs2);
    if (!dbl) {
        BbTcgI64 box = gen_const(ctx, (int64_t)FPU_BOX_S);
        BbTcgI64 canon = gen_const(ctx, (int64_t)(FPU_BOX_S | FPU_CANON_S));
        BbTcgI64 ux = bb_tcg_temp_i64(s);

        bb_tcg_movcond_i64(s, BB_TCG_COND_GEU, ux, x, box, x, canon);
        if (a->rs2 == a->rs1) {
            y = ux;
        } else {
            BbTcgI64 uy = bb_tcg_temp_i64(s);
            bb_tcg_movcond_i64(s, BB_TCG_COND_GEU, uy, y, box, y, canon);
            y = uy;
        }
        x = ux;
    }
    sign = bb_tcg_temp_i64(s);
    res = bb_tcg_temp_i64(s);
    switch (kind) {
    case SGNJ:
        bb_tcg_and_i64(s, sign, y, gen_const(ctx, sign_bit));
        bb_tcg_and_i64(s, res, x, gen_const(ctx, ~sign_bit));
        bb_tcg_or_i64(s, res, res, sign);
        break;
    case SGNJN:
        bb_tcg_not_i64(s, sign, y);
        bb_tcg_and_i64(s, sign, sign, gen_const(ctx, sign_bit));
        bb_tcg_and_i64(s, res, x, gen_const(ctx, ~sign_bit));
        bb_tcg_or_i64(s, res, res, sign);
        break;
    default:
        bb_tcg_and_i64(s, sign, y, gen_const(ctx, sign_bit));
        bb_tcg_xor_i64(s, res, x, sign);
        break;
    }
    store_fpr(ctx, a->rd, res);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* ---------------------------------------------------------------- moves */

/* fmv.x.w sign-extends the low 32 bits (no unboxing); fmv.x.d copies. */
static bool gen_fmv_x(DisasContext *ctx, const RiscvArgs *a, bool dbl)
{
    BbTcgI64 v;

    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    v = load_fpr(ctx, a->rs1);
    if (dbl) {
        bb_tcg_mov_i64(ctx->s, gen_dest_gpr(ctx, a->rd), v);
    } else {
        bb_tcg_ext32s_i64(ctx->s, gen_dest_gpr(ctx, a->rd), v);
    }
    return true;
}

/* fmv.w.x boxes the low 32 bits of x[rs1]; fmv.d.x copies. */
static bool gen_fmv_f(DisasContext *ctx, const RiscvArgs *a, bool dbl)
{
    BbTcgI64 v;

    if (!fp_enabled(ctx, dbl)) {
        return false;
    }
    v = bb_tcg_temp_i64(ctx->s);
    if (dbl) {
        bb_tcg_mov_i64(ctx->s, v, gen_get_gpr(ctx, a->rs1));
    } else {
        bb_tcg_or_i64(ctx->s, v, gen_get_gpr(ctx, a->rs1),
                      gen_const(ctx, (int64_t)FPU_BOX_S));
    }
    store_fpr(ctx, a->rd, v);
    riscv_gen_set_fs_dirty(ctx);
    return true;
}

/* ------------------------------------------- one function per pattern */

#define TRANS_(name, expr)                                                    \
    static bool trans_##name(DisasContext *ctx, const RiscvArgs *a)           \
    {                                                                         \
        return expr;                                                          \
    }
/* Both precisions of an instruction built by @gen with helper h_<op>. */
#define TRANS_SD_(op, gen, ...)                                               \
    TRANS_(op##_s, gen(ctx, a, false, &riscv_h_##op##_s __VA_ARGS__))         \
    TRANS_(op##_d, gen(ctx, a, true, &riscv_h_##op##_d __VA_ARGS__))

TRANS_SD_(fmadd, gen_fop_rm, , 3)
TRANS_SD_(fmsub, gen_fop_rm, , 3)
TRANS_SD_(fnmsub, gen_fop_rm, , 3)
TRANS_SD_(fnmadd, gen_fop_rm, , 3)
TRANS_SD_(fadd, gen_fop_rm, , 2)
TRANS_SD_(fsub, gen_fop_rm, , 2)
TRANS_SD_(fmul, gen_fop_rm, , 2)
TRANS_SD_(fdiv, gen_fop_rm, , 2)
TRANS_SD_(fsqrt, gen_fop_rm, , 1)
TRANS_SD_(fmin, gen_fop)
TRANS_SD_(fmax, gen_fop)
TRANS_SD_(feq, gen_fcmp)
TRANS_SD_(flt, gen_fcmp)
TRANS_SD_(fle, gen_fcmp)
TRANS_SD_(fclass, gen_fclass)
TRANS_SD_(fcvt_w, gen_f2x)
TRANS_SD_(fcvt_wu, gen_f2x)
TRANS_SD_(fcvt_l, gen_f2x)
TRANS_SD_(fcvt_lu, gen_f2x)
TRANS_SD_(fcvt_from_w, gen_x2f)
TRANS_SD_(fcvt_from_wu, gen_x2f)
TRANS_SD_(fcvt_from_l, gen_x2f)
TRANS_SD_(fcvt_from_lu, gen_x2f)

TRANS_(fsgnj_s, gen_fsgnj(ctx, a, false, SGNJ))
TRANS_(fsgnj_d, gen_fsgnj(ctx, a, true, SGNJ))
TRANS_(fsgnjn_s, gen_fsgnj(ctx, a, false, SGNJN))
TRANS_(fsgnjn_d, gen_fsgnj(ctx, a, true, SGNJN))
TRANS_(fsgnjx_s, gen_fsgnj(ctx, a, false, SGNJX))
TRANS_(fsgnjx_d, gen_fsgnj(ctx, a, true, SGNJX))
TRANS_(fmv_x_w, gen_fmv_x(ctx, a, false))
TRANS_(fmv_x_d, gen_fmv_x(ctx, a, true))
TRANS_(fmv_w_x, gen_fmv_f(ctx, a, false))
TRANS_(fmv_d_x, gen_fmv_f(ctx, a, true))

/* fcvt.s.d needs D; fcvt.d.s too (both read or write a double). */
static bool trans_fcvt_s_d(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_fop_rm(ctx, a, true, &riscv_h_fcvt_s_d, 1);
}

static bool trans_fcvt_d_s(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_fop_rm(ctx, a, true, &riscv_h_fcvt_d_s, 1);
}

/* ---------------------------------------------------------------- table */

#define OPC_LOAD_FP 0x07u
#define OPC_STORE_FP 0x27u
#define OPC_FMADD 0x43u
#define OPC_FMSUB 0x47u
#define OPC_FNMSUB 0x4bu
#define OPC_FNMADD 0x4fu
#define OPC_OP_FP 0x53u

#define M_F3 0x0000707fu        /* opcode, funct3 */
#define M_R4 0x0600007fu        /* opcode, fmt */
#define M_F7 0xfe00007fu        /* opcode, funct7 */
#define M_F7_RS2 0xfff0007fu    /* opcode, funct7, rs2 */
#define M_F7_F3 0xfe00707fu     /* opcode, funct7, funct3 */
#define M_F7_RS2_F3 0xfff0707fu /* opcode, funct7, rs2, funct3 */

#define F3(f3) ((uint32_t)(f3) << 12)
#define F7(f7) ((uint32_t)(f7) << 25)
#define RS2(r) ((uint32_t)(r) << 20)

#define EXT_F RVF
#define EXT_D (RVF | RVD)

#define R4_(nm, opc, fmt, fn, ext)                                            \
    { nm, M_R4, (opc) | F7(fmt), FMT_R4, "D,S,T,R,m", ext, fn }
#define OP_(nm, f7, fn, ext)                                                  \
    { nm, M_F7, OPC_OP_FP | F7(f7), FMT_R, "D,S,T,m", ext, fn }
#define OP_RS2_(nm, f7, rs2, args, fn, ext)                                   \
    { nm, M_F7_RS2, OPC_OP_FP | F7(f7) | RS2(rs2), FMT_R, args, ext, fn }
#define OP_F3_(nm, f7, f3, args, fn, ext)                                     \
    { nm, M_F7_F3, OPC_OP_FP | F7(f7) | F3(f3), FMT_R, args, ext, fn }
#define OP_RS2_F3_(nm, f7, f3, args, fn, ext)                                 \
    { nm, M_F7_RS2_F3, OPC_OP_FP | F7(f7) | F3(f3), FMT_R, args, ext, fn }

const RiscvInsnDesc riscv_insns_rvf[] = {
    { "flw", M_F3, OPC_LOAD_FP | F3(2), FMT_I, "D,o", EXT_F, trans_flw },
    { "fld", M_F3, OPC_LOAD_FP | F3(3), FMT_I, "D,o", EXT_D, trans_fld },
    { "fsw", M_F3, OPC_STORE_FP | F3(2), FMT_S, "T,o", EXT_F, trans_fsw },
    { "fsd", M_F3, OPC_STORE_FP | F3(3), FMT_S, "T,o", EXT_D, trans_fsd },

    R4_("fmadd.s", OPC_FMADD, 0, trans_fmadd_s, EXT_F),
    R4_("fmsub.s", OPC_FMSUB, 0, trans_fmsub_s, EXT_F),
    R4_("fnmsub.s", OPC_FNMSUB, 0, trans_fnmsub_s, EXT_F),
    R4_("fnmadd.s", OPC_FNMADD, 0, trans_fnmadd_s, EXT_F),
    R4_("fmadd.d", OPC_FMADD, 1, trans_fmadd_d, EXT_D),
    R4_("fmsub.d", OPC_FMSUB, 1, trans_fmsub_d, EXT_D),
    R4_("fnmsub.d", OPC_FNMSUB, 1, trans_fnmsub_d, EXT_D),
    R4_("fnmadd.d", OPC_FNMADD, 1, trans_fnmadd_d, EXT_D),

    OP_("fadd.s", 0x00, trans_fadd_s, EXT_F),
    OP_("fsub.s", 0x04, trans_fsub_s, EXT_F),
    OP_("fmul.s", 0x08, trans_fmul_s, EXT_F),
    OP_("fdiv.s", 0x0c, trans_fdiv_s, EXT_F),
    OP_("fadd.d", 0x01, trans_fadd_d, EXT_D),
    OP_("fsub.d", 0x05, trans_fsub_d, EXT_D),
    OP_("fmul.d", 0x09, trans_fmul_d, EXT_D),
    OP_("fdiv.d", 0x0d, trans_fdiv_d, EXT_D),
    OP_RS2_("fsqrt.s", 0x2c, 0, "D,S,m", trans_fsqrt_s, EXT_F),
    OP_RS2_("fsqrt.d", 0x2d, 0, "D,S,m", trans_fsqrt_d, EXT_D),

    OP_F3_("fsgnj.s", 0x10, 0, "D,S,T", trans_fsgnj_s, EXT_F),
    OP_F3_("fsgnjn.s", 0x10, 1, "D,S,T", trans_fsgnjn_s, EXT_F),
    OP_F3_("fsgnjx.s", 0x10, 2, "D,S,T", trans_fsgnjx_s, EXT_F),
    OP_F3_("fsgnj.d", 0x11, 0, "D,S,T", trans_fsgnj_d, EXT_D),
    OP_F3_("fsgnjn.d", 0x11, 1, "D,S,T", trans_fsgnjn_d, EXT_D),
    OP_F3_("fsgnjx.d", 0x11, 2, "D,S,T", trans_fsgnjx_d, EXT_D),
    OP_F3_("fmin.s", 0x14, 0, "D,S,T", trans_fmin_s, EXT_F),
    OP_F3_("fmax.s", 0x14, 1, "D,S,T", trans_fmax_s, EXT_F),
    OP_F3_("fmin.d", 0x15, 0, "D,S,T", trans_fmin_d, EXT_D),
    OP_F3_("fmax.d", 0x15, 1, "D,S,T", trans_fmax_d, EXT_D),

    OP_RS2_("fcvt.s.d", 0x20, 1, "D,S,m", trans_fcvt_s_d, EXT_D),
    OP_RS2_("fcvt.d.s", 0x21, 0, "D,S,m", trans_fcvt_d_s, EXT_D),

    OP_F3_("fle.s", 0x50, 0, "d,S,T", trans_fle_s, EXT_F),
    OP_F3_("flt.s", 0x50, 1, "d,S,T", trans_flt_s, EXT_F),
    OP_F3_("feq.s", 0x50, 2, "d,S,T", trans_feq_s, EXT_F),
    OP_F3_("fle.d", 0x51, 0, "d,S,T", trans_fle_d, EXT_D),
    OP_F3_("flt.d", 0x51, 1, "d,S,T", trans_flt_d, EXT_D),
    OP_F3_("feq.d", 0x51, 2, "d,S,T", trans_feq_d, EXT_D),

    OP_RS2_("fcvt.w.s", 0x60, 0, "d,S,m", trans_fcvt_w_s, EXT_F),
    OP_RS2_("fcvt.wu.s", 0x60, 1, "d,S,m", trans_fcvt_wu_s, EXT_F),
    OP_RS2_("fcvt.l.s", 0x60, 2, "d,S,m", trans_fcvt_l_s, EXT_F),
    OP_RS2_("fcvt.lu.s", 0x60, 3, "d,S,m", trans_fcvt_lu_s, EXT_F),
    OP_RS2_("fcvt.w.d", 0x61, 0, "d,S,m", trans_fcvt_w_d, EXT_D),
    OP_RS2_("fcvt.wu.d", 0x61, 1, "d,S,m", trans_fcvt_wu_d, EXT_D),
    OP_RS2_("fcvt.l.d", 0x61, 2, "d,S,m", trans_fcvt_l_d, EXT_D),
    OP_RS2_("fcvt.lu.d", 0x61, 3, "d,S,m", trans_fcvt_lu_d, EXT_D),

    OP_RS2_("fcvt.s.w", 0x68, 0, "D,s,m", trans_fcvt_from_w_s, EXT_F),
    OP_RS2_("fcvt.s.wu", 0x68, 1, "D,s,m", trans_fcvt_from_wu_s, EXT_F),
    OP_RS2_("fcvt.s.l", 0x68, 2, "D,s,m", trans_fcvt_from_l_s, EXT_F),
    OP_RS2_("fcvt.s.lu", 0x68, 3, "D,s,m", trans_fcvt_from_lu_s, EXT_F),
    OP_RS2_("fcvt.d.w", 0x69, 0, "D,s,m", trans_fcvt_from_w_d, EXT_D),
    OP_RS2_("fcvt.d.wu", 0x69, 1, "D,s,m", trans_fcvt_from_wu_d, EXT_D),
    OP_RS2_("fcvt.d.l", 0x69, 2, "D,s,m", trans_fcvt_from_l_d, EXT_D),
    OP_RS2_("fcvt.d.lu", 0x69, 3, "D,s,m", trans_fcvt_from_lu_d, EXT_D),

    OP_RS2_F3_("fmv.x.w", 0x70, 0, "d,S", trans_fmv_x_w, EXT_F),
    OP_RS2_F3_("fclass.s", 0x70, 1, "d,S", trans_fclass_s, EXT_F),
    OP_RS2_F3_("fmv.x.d", 0x71, 0, "d,S", trans_fmv_x_d, EXT_D),
    OP_RS2_F3_("fclass.d", 0x71, 1, "d,S", trans_fclass_d, EXT_D),
    OP_RS2_F3_("fmv.w.x", 0x78, 0, "D,s", trans_fmv_w_x, EXT_F),
    OP_RS2_F3_("fmv.d.x", 0x79, 0, "D,s", trans_fmv_d_x, EXT_D),

    { NULL, 0, 0, FMT_NONE, NULL, 0, NULL },
};
