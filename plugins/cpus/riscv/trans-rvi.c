/*
 * trans-rvi.c - RV64I: the base integer instructions (with the W forms),
 * fence and fence.i (Zifencei), one translate function per instruction
 * (RISC-V unprivileged spec, chapters "RV32I" and "RV64I").
 *
 * Loads and stores carry no alignment requirement here: the hart's
 * do_unaligned_access hook decides (it raises the misaligned exception).
 */
#include <stddef.h>

#include "riscv.h"

/* ------------------------------------------------------------ helpers */

typedef void (*GenBinary)(BbTcgContext *s, BbTcgI64 d, BbTcgI64 a,
                          BbTcgI64 b);

static bool gen_rr(DisasContext *ctx, const RiscvArgs *a, GenBinary op)
{
    op(ctx->s, gen_dest_gpr(ctx, a->rd), gen_get_gpr(ctx, a->rs1),
       gen_get_gpr(ctx, a->rs2));
    return true;
}

static bool gen_ri(DisasContext *ctx, const RiscvArgs *a, GenBinary op)
{
    op(ctx->s, gen_dest_gpr(ctx, a->rd), gen_get_gpr(ctx, a->rs1),
       gen_const(ctx, a->imm));
    return true;
}

/* rd = sext32(rs1 op src2) */
static bool gen_w(DisasContext *ctx, unsigned rd, BbTcgI64 src1,
                  BbTcgI64 src2, GenBinary op)
{
    BbTcgI64 t = bb_tcg_temp_i64(ctx->s);

    op(ctx->s, t, src1, src2);
    bb_tcg_ext32s_i64(ctx->s, gen_dest_gpr(ctx, rd), t);
    return true;
}

static bool gen_setcond(DisasContext *ctx, const RiscvArgs *a, BbTcgCond c,
                        BbTcgI64 b)
{
    bb_tcg_setcond_i64(ctx->s, c, gen_dest_gpr(ctx, a->rd),
                       gen_get_gpr(ctx, a->rs1), b);
    return true;
}

static bool gen_load(DisasContext *ctx, const RiscvArgs *a, BbMemOp mop)
{
    BbTcgI64 addr = gen_mem_addr(ctx, a);

    bb_tcg_qemu_ld_i64(ctx->s, gen_dest_gpr(ctx, a->rd), addr, ctx->mem_idx,
                       mop);
    return true;
}

static bool gen_store(DisasContext *ctx, const RiscvArgs *a, BbMemOp mop)
{
    BbTcgI64 addr = gen_mem_addr(ctx, a);

    bb_tcg_qemu_st_i64(ctx->s, gen_get_gpr(ctx, a->rs2), addr, ctx->mem_idx,
                       mop);
    return true;
}

static bool gen_branch(DisasContext *ctx, const RiscvArgs *a, BbTcgCond c)
{
    BbTcgLabel taken = bb_tcg_label(ctx->s);

    bb_tcg_brcond_i64(ctx->s, c, gen_get_gpr(ctx, a->rs1),
                      gen_get_gpr(ctx, a->rs2), taken);
    gen_goto_tb(ctx, 0, ctx->pc_next);
    bb_tcg_set_label(ctx->s, taken);
    gen_goto_tb(ctx, 1, ctx->pc + (uint64_t)a->imm);
    return true;
}

/* ------------------------------------------------------------ U, J */

static bool trans_lui(DisasContext *ctx, const RiscvArgs *a)
{
    bb_tcg_mov_i64(ctx->s, gen_dest_gpr(ctx, a->rd), gen_const(ctx, a->imm));
    return true;
}

static bool trans_auipc(DisasContext *ctx, const RiscvArgs *a)
{
    bb_tcg_mov_i64(ctx->s, gen_dest_gpr(ctx, a->rd),
                   gen_const(ctx, (int64_t)(ctx->pc + (uint64_t)a->imm)));
    return true;
}

static bool trans_jal(DisasContext *ctx, const RiscvArgs *a)
{
    uint64_t target = ctx->pc + (uint64_t)a->imm;

    if (!(ctx->misa & RVC) && (target & 2)) {
        /* the jump traps: rd is not written */
        gen_raise(ctx, EXC_INSN_MISALIGNED, target);
        return true;
    }
    bb_tcg_mov_i64(ctx->s, gen_dest_gpr(ctx, a->rd),
                   gen_const(ctx, (int64_t)ctx->pc_next));
    gen_goto_tb(ctx, 0, target);
    return true;
}

static bool trans_jalr(DisasContext *ctx, const RiscvArgs *a)
{
    BbTcgContext *s = ctx->s;
    BbTcgI64 target = bb_tcg_temp_i64(s);

    bb_tcg_add_i64(s, target, gen_get_gpr(ctx, a->rs1),
                   gen_const(ctx, a->imm));
    bb_tcg_and_i64(s, target, target, gen_const(ctx, ~(int64_t)1));
    if (!(ctx->misa & RVC)) {
        BbTcgLabel ok = bb_tcg_label(s);
        BbTcgI64 bit = bb_tcg_temp_i64(s);

        bb_tcg_and_i64(s, bit, target, gen_const(ctx, 2));
        bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, bit, gen_const(ctx, 0), ok);
        gen_raise_tval(ctx, EXC_INSN_MISALIGNED, target);
        bb_tcg_exit_tb(s, 2); /* not reached */
        bb_tcg_set_label(s, ok);
    }
    bb_tcg_mov_i64(s, gen_dest_gpr(ctx, a->rd),
                   gen_const(ctx, (int64_t)ctx->pc_next));
    bb_tcg_mov_i64(s, cpu_pc, target);
    if (ctx->fs == TB_FLAGS_FS(ctx->ts->flags)) {
        /* The flags are still the TB's (an FP instruction before the
         * jump may have set FS to dirty; then the host recomputes them):
         * the JIT may find the target in the jump cache inline. */
        bb_tcg_lookup_and_goto_keyed(s, offsetof(RiscvCpu, pc));
    } else {
        bb_tcg_lookup_and_goto(s);
    }
    gen_set_done(ctx);
    return true;
}

/* ------------------------------------------------------------ branches */

static bool trans_beq(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_branch(ctx, a, BB_TCG_COND_EQ);
}

static bool trans_bne(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_branch(ctx, a, BB_TCG_COND_NE);
}

static bool trans_blt(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_branch(ctx, a, BB_TCG_COND_LT);
}

static bool trans_bge(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_branch(ctx, a, BB_TCG_COND_GE);
}

static bool trans_bltu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_branch(ctx, a, BB_TCG_COND_LTU);
}

static bool trans_bgeu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_branch(ctx, a, BB_TCG_COND_GEU);
}

/* ------------------------------------------------------------ memory */

static bool trans_lb(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_load(ctx, a, BB_MO_SB);
}

static bool trans_lh(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_load(ctx, a, BB_MO_SW);
}

static bool trans_lw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_load(ctx, a, BB_MO_SL);
}

static bool trans_ld(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_load(ctx, a, BB_MO_UQ);
}

static bool trans_lbu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_load(ctx, a, BB_MO_UB);
}

static bool trans_lhu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_load(ctx, a, BB_MO_UW);
}

static bool trans_lwu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_load(ctx, a, BB_MO_UL);
}

static bool trans_sb(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_store(ctx, a, BB_MO_8);
}

static bool trans_sh(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_store(ctx, a, BB_MO_16);
}

static bool trans_sw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_store(ctx, a, BB_MO_32);
}

static bool trans_sd(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_store(ctx, a, BB_MO_64);
}

/* ------------------------------------------------------------ OP-IMM */

static bool trans_addi(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_ri(ctx, a, bb_tcg_add_i64);
}

static bool trans_slti(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_setcond(ctx, a, BB_TCG_COND_LT, gen_const(ctx, a->imm));
}

static bool trans_sltiu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_setcond(ctx, a, BB_TCG_COND_LTU, gen_const(ctx, a->imm));
}

static bool trans_xori(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_ri(ctx, a, bb_tcg_xor_i64);
}

static bool trans_ori(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_ri(ctx, a, bb_tcg_or_i64);
}

static bool trans_andi(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_ri(ctx, a, bb_tcg_and_i64);
}

static bool trans_slli(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_ri(ctx, a, bb_tcg_shl_i64);
}

static bool trans_srli(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_ri(ctx, a, bb_tcg_shr_i64);
}

static bool trans_srai(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_ri(ctx, a, bb_tcg_sar_i64);
}

/* ------------------------------------------------------------ OP */

static bool trans_add(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_add_i64);
}

static bool trans_sub(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_sub_i64);
}

static bool trans_sll(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_shl_i64); /* the IR takes the count
                                              modulo 64, as RV64 does */
}

static bool trans_slt(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_setcond(ctx, a, BB_TCG_COND_LT, gen_get_gpr(ctx, a->rs2));
}

static bool trans_sltu(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_setcond(ctx, a, BB_TCG_COND_LTU, gen_get_gpr(ctx, a->rs2));
}

static bool trans_xor(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_xor_i64);
}

static bool trans_srl(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_shr_i64);
}

static bool trans_sra(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_sar_i64);
}

static bool trans_or(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_or_i64);
}

static bool trans_and(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_rr(ctx, a, bb_tcg_and_i64);
}

/* ------------------------------------------------------------ W forms */

static bool trans_addiw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_get_gpr(ctx, a->rs1),
                 gen_const(ctx, a->imm), bb_tcg_add_i64);
}

static bool trans_slliw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_get_gpr(ctx, a->rs1),
                 gen_const(ctx, a->imm), bb_tcg_shl_i64);
}

/* The low 32 bits of rs1, zero- or sign-extended. */
static BbTcgI64 gen_src32(DisasContext *ctx, unsigned r, bool sign)
{
    BbTcgI64 t = bb_tcg_temp_i64(ctx->s);

    if (sign) {
        bb_tcg_ext32s_i64(ctx->s, t, gen_get_gpr(ctx, r));
    } else {
        bb_tcg_ext32u_i64(ctx->s, t, gen_get_gpr(ctx, r));
    }
    return t;
}

/* The shift count of a W shift: rs2[4:0]. */
static BbTcgI64 gen_shamt32(DisasContext *ctx, unsigned r)
{
    BbTcgI64 t = bb_tcg_temp_i64(ctx->s);

    bb_tcg_and_i64(ctx->s, t, gen_get_gpr(ctx, r), gen_const(ctx, 31));
    return t;
}

static bool trans_srliw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_src32(ctx, a->rs1, false),
                 gen_const(ctx, a->imm), bb_tcg_shr_i64);
}

static bool trans_sraiw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_src32(ctx, a->rs1, true),
                 gen_const(ctx, a->imm), bb_tcg_sar_i64);
}

static bool trans_addw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_get_gpr(ctx, a->rs1),
                 gen_get_gpr(ctx, a->rs2), bb_tcg_add_i64);
}

static bool trans_subw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_get_gpr(ctx, a->rs1),
                 gen_get_gpr(ctx, a->rs2), bb_tcg_sub_i64);
}

static bool trans_sllw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_get_gpr(ctx, a->rs1),
                 gen_shamt32(ctx, a->rs2), bb_tcg_shl_i64);
}

static bool trans_srlw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_src32(ctx, a->rs1, false),
                 gen_shamt32(ctx, a->rs2), bb_tcg_shr_i64);
}

static bool trans_sraw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_w(ctx, a->rd, gen_src32(ctx, a->rs1, true),
                 gen_shamt32(ctx, a->rs2), bb_tcg_sar_i64);
}

/* ------------------------------------------------------------ fences */

static bool trans_fence(DisasContext *ctx, const RiscvArgs *a)
{
    /* one host thread runs every hart in program order: nothing to do */
    return true;
}

static bool trans_fence_i(DisasContext *ctx, const RiscvArgs *a)
{
    if (!ctx->cpu->ext_zifencei) {
        return false;
    }
    /* stores to code already invalidated its TBs; end this one so the
     * next instruction is fetched anew */
    gen_exit_to_next(ctx);
    return true;
}

/* ------------------------------------------------------------ table */

#define I(n, m, v, f, args, fn) { n, m, v, f, args, 0, trans_##fn }

const RiscvInsnDesc riscv_insns_rvi[] = {
    I("lui", 0x0000007f, 0x00000037, FMT_U, "d,u", lui),
    I("auipc", 0x0000007f, 0x00000017, FMT_U, "d,u", auipc),
    I("jal", 0x0000007f, 0x0000006f, FMT_J, "d,b", jal),
    I("jalr", 0x0000707f, 0x00000067, FMT_I, "d,o", jalr),
    I("beq", 0x0000707f, 0x00000063, FMT_B, "s,t,b", beq),
    I("bne", 0x0000707f, 0x00001063, FMT_B, "s,t,b", bne),
    I("blt", 0x0000707f, 0x00004063, FMT_B, "s,t,b", blt),
    I("bge", 0x0000707f, 0x00005063, FMT_B, "s,t,b", bge),
    I("bltu", 0x0000707f, 0x00006063, FMT_B, "s,t,b", bltu),
    I("bgeu", 0x0000707f, 0x00007063, FMT_B, "s,t,b", bgeu),
    I("lb", 0x0000707f, 0x00000003, FMT_I, "d,o", lb),
    I("lh", 0x0000707f, 0x00001003, FMT_I, "d,o", lh),
    I("lw", 0x0000707f, 0x00002003, FMT_I, "d,o", lw),
    I("ld", 0x0000707f, 0x00003003, FMT_I, "d,o", ld),
    I("lbu", 0x0000707f, 0x00004003, FMT_I, "d,o", lbu),
    I("lhu", 0x0000707f, 0x00005003, FMT_I, "d,o", lhu),
    I("lwu", 0x0000707f, 0x00006003, FMT_I, "d,o", lwu),
    I("sb", 0x0000707f, 0x00000023, FMT_S, "t,o", sb),
    I("sh", 0x0000707f, 0x00001023, FMT_S, "t,o", sh),
    I("sw", 0x0000707f, 0x00002023, FMT_S, "t,o", sw),
    I("sd", 0x0000707f, 0x00003023, FMT_S, "t,o", sd),
    I("addi", 0x0000707f, 0x00000013, FMT_I, "d,s,j", addi),
    I("slti", 0x0000707f, 0x00002013, FMT_I, "d,s,j", slti),
    I("sltiu", 0x0000707f, 0x00003013, FMT_I, "d,s,j", sltiu),
    I("xori", 0x0000707f, 0x00004013, FMT_I, "d,s,j", xori),
    I("ori", 0x0000707f, 0x00006013, FMT_I, "d,s,j", ori),
    I("andi", 0x0000707f, 0x00007013, FMT_I, "d,s,j", andi),
    I("slli", 0xfc00707f, 0x00001013, FMT_SHIFT, "d,s,>", slli),
    I("srli", 0xfc00707f, 0x00005013, FMT_SHIFT, "d,s,>", srli),
    I("srai", 0xfc00707f, 0x40005013, FMT_SHIFT, "d,s,>", srai),
    I("add", 0xfe00707f, 0x00000033, FMT_R, "d,s,t", add),
    I("sub", 0xfe00707f, 0x40000033, FMT_R, "d,s,t", sub),
    I("sll", 0xfe00707f, 0x00001033, FMT_R, "d,s,t", sll),
    I("slt", 0xfe00707f, 0x00002033, FMT_R, "d,s,t", slt),
    I("sltu", 0xfe00707f, 0x00003033, FMT_R, "d,s,t", sltu),
    I("xor", 0xfe00707f, 0x00004033, FMT_R, "d,s,t", xor),
    I("srl", 0xfe00707f, 0x00005033, FMT_R, "d,s,t", srl),
    I("sra", 0xfe00707f, 0x40005033, FMT_R, "d,s,t", sra),
    I("or", 0xfe00707f, 0x00006033, FMT_R, "d,s,t", or),
    I("and", 0xfe00707f, 0x00007033, FMT_R, "d,s,t", and),
    I("addiw", 0x0000707f, 0x0000001b, FMT_I, "d,s,j", addiw),
    I("slliw", 0xfe00707f, 0x0000101b, FMT_SHIFTW, "d,s,>", slliw),
    I("srliw", 0xfe00707f, 0x0000501b, FMT_SHIFTW, "d,s,>", srliw),
    I("sraiw", 0xfe00707f, 0x4000501b, FMT_SHIFTW, "d,s,>", sraiw),
    I("addw", 0xfe00707f, 0x0000003b, FMT_R, "d,s,t", addw),
    I("subw", 0xfe00707f, 0x4000003b, FMT_R, "d,s,t", subw),
    I("sllw", 0xfe00707f, 0x0000103b, FMT_R, "d,s,t", sllw),
    I("srlw", 0xfe00707f, 0x0000503b, FMT_R, "d,s,t", srlw),
    I("sraw", 0xfe00707f, 0x4000503b, FMT_R, "d,s,t", sraw),
    I("fence", 0x0000707f, 0x0000000f, FMT_FENCE, "p", fence),
    I("fence.i", 0x0000707f, 0x0000100f, FMT_NONE, "", fence_i),
    { 0 },
};
