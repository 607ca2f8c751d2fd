/*
 * trans-system.c - the SYSTEM opcode: Zicsr (csrrw/s/c and the immediate
 * forms), ecall, ebreak, mret, sret, wfi and sfence.vma (RISC-V
 * unprivileged spec "Zicsr", privileged spec "Machine-Level ISA" and
 * "Supervisor-Level ISA").
 *
 * The work is done by helpers in csr.c and priv.c (riscv.h); here they
 * are called and the TB is ended where the state translation depends on
 * may have changed.
 */
#include "riscv.h"

/* ------------------------------------------------------------ Zicsr */

/* Call riscv_h_csr with @src; rd = the old value.  @writes: the
 * instruction writes the CSR, so the TB ends after it. */
/* Trap-handling CSRs whose writes change neither the TB flags, nor the
 * translation, nor what interrupts can be taken: a write to them need not
 * end the TB (a trap handler's csrw mscratch/mepc... run on in one TB). */
static bool csr_write_keeps_tb(unsigned csr)
{
    switch (csr) {
    case CSR_STVEC: case CSR_SSCRATCH: case CSR_SEPC: case CSR_SCAUSE:
    case CSR_STVAL:
    case CSR_MTVEC: case CSR_MSCRATCH: case CSR_MEPC: case CSR_MCAUSE:
    case CSR_MTVAL:
        return true;
    default:
        return false;
    }
}

static bool gen_csr(DisasContext *ctx, const RiscvArgs *a, BbTcgI64 src,
                    bool writes)
{
    BbTcgContext *s = ctx->s;
    BbTcgI64 old = bb_tcg_temp_i64(s);
    BbTcgI32 insn;
    uint32_t args[3];

    if (!ctx->cpu->ext_zicsr) {
        return false;
    }
    insn = bb_tcg_const_i32(s, (int32_t)ctx->raw);
    args[0] = BB_TCG_ARG_ENV;
    args[1] = insn.id;
    args[2] = src.id;
    bb_tcg_call(s, &riscv_h_csr, old.id, args);
    bb_tcg_mov_i64(s, gen_dest_gpr(ctx, a->rd), old);
    if (writes && !csr_write_keeps_tb(ctx->raw >> 20)) {
        gen_exit_to_next(ctx);
    }
    return true;
}

static bool trans_csrrw(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_csr(ctx, a, gen_get_gpr(ctx, a->rs1), true);
}

static bool trans_csrrs(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_csr(ctx, a, gen_get_gpr(ctx, a->rs1), a->rs1 != 0);
}

static bool trans_csrrc(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_csr(ctx, a, gen_get_gpr(ctx, a->rs1), a->rs1 != 0);
}

static bool trans_csrrwi(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_csr(ctx, a, gen_const(ctx, a->imm), true);
}

static bool trans_csrrsi(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_csr(ctx, a, gen_const(ctx, a->imm), a->imm != 0);
}

static bool trans_csrrci(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_csr(ctx, a, gen_const(ctx, a->imm), a->imm != 0);
}

/* ------------------------------------------------------------ traps */

static bool trans_ecall(DisasContext *ctx, const RiscvArgs *a)
{
    /* 8 + privilege: U 8, S 9, M 11 */
    gen_raise(ctx, EXC_ECALL_U + ctx->priv, 0);
    return true;
}

static bool trans_ebreak(DisasContext *ctx, const RiscvArgs *a)
{
    gen_raise(ctx, EXC_BREAKPOINT, ctx->pc);
    return true;
}

/* ------------------------------------------------------------ privileged */

static bool gen_xret(DisasContext *ctx, const BbTcgHelper *h)
{
    gen_helper_env_insn(ctx, h, UINT32_MAX);
    /* The helper set pc, privilege and mstatus: the next TB by the new
     * flags, without the loop (an interrupt the return enabled made a
     * request, and a request makes the lookup fail back to the loop). */
    bb_tcg_lookup_and_goto(ctx->s);
    gen_set_done(ctx);
    return true;
}

static bool trans_mret(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_xret(ctx, &riscv_h_mret);
}

static bool trans_sret(DisasContext *ctx, const RiscvArgs *a)
{
    return gen_xret(ctx, &riscv_h_sret);
}

static bool trans_wfi(DisasContext *ctx, const RiscvArgs *a)
{
    gen_helper_env_insn(ctx, &riscv_h_wfi, UINT32_MAX);
    gen_exit_to_next(ctx);
    return true;
}

static bool trans_sfence_vma(DisasContext *ctx, const RiscvArgs *a)
{
    BbTcgI32 insn = bb_tcg_const_i32(ctx->s, (int32_t)ctx->raw);
    uint32_t args[4] = { BB_TCG_ARG_ENV, insn.id,
                         gen_get_gpr(ctx, a->rs1).id,
                         gen_get_gpr(ctx, a->rs2).id };

    bb_tcg_call(ctx->s, &riscv_h_sfence_vma, UINT32_MAX, args);
    gen_exit_to_next(ctx);
    return true;
}

/* ------------------------------------------------------------ table */

#define S(n, m, v, f, args, fn) { n, m, v, f, args, 0, trans_##fn }

const RiscvInsnDesc riscv_insns_system[] = {
    S("ecall", 0xffffffff, 0x00000073, FMT_NONE, "", ecall),
    S("ebreak", 0xffffffff, 0x00100073, FMT_NONE, "", ebreak),
    S("sret", 0xffffffff, 0x10200073, FMT_NONE, "", sret),
    S("mret", 0xffffffff, 0x30200073, FMT_NONE, "", mret),
    S("wfi", 0xffffffff, 0x10500073, FMT_NONE, "", wfi),
    S("sfence.vma", 0xfe007fff, 0x12000073, FMT_R, "s,t", sfence_vma),
    S("csrrw", 0x0000707f, 0x00001073, FMT_CSR, "d,c,s", csrrw),
    S("csrrs", 0x0000707f, 0x00002073, FMT_CSR, "d,c,s", csrrs),
    S("csrrc", 0x0000707f, 0x00003073, FMT_CSR, "d,c,s", csrrc),
    S("csrrwi", 0x0000707f, 0x00005073, FMT_CSRI, "d,c,Z", csrrwi),
    S("csrrsi", 0x0000707f, 0x00006073, FMT_CSRI, "d,c,Z", csrrsi),
    S("csrrci", 0x0000707f, 0x00007073, FMT_CSRI, "d,c,Z", csrrci),
    { 0 },
};
