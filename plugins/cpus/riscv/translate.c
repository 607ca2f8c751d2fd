/*
 * translate.c - RISC-V to IR: the translate_insn/translate_end hooks of
 * the hart and the gen_* building blocks the trans-*.c files use.
 *
 * Each instruction is fetched (a halfword, then the second halfword when
 * the low bits say it is 32-bit, so that an instruction crossing a page
 * faults with tval = the second page), a compressed one is expanded to
 * its 32-bit equivalent (RISC-V unprivileged spec, chapter "C"), looked
 * up in the pattern tables (decode.c) and handed to its translate
 * function.  The TB exits follow plugin-api/include/breadboard/cpu.h:
 * the next pc is stored before every exit_tb and lookup; a goto_tb to a
 * TB that is chained needs none (the exec loop restores the pc of a TB
 * that leaves at its entry).
 */
#include <stddef.h>

#include "riscv.h"

BbTcgI64 cpu_gpr[32];
BbTcgI64 cpu_fpr[32];
BbTcgI64 cpu_pc;

/*
 * The context of the TB being translated.  translate_insn is called once
 * per instruction; state that lives for the whole TB (what the code knows
 * about mstatus.FS) is kept here and reset at a TB's first instruction.
 * Translation of a hart never interleaves with another's on one thread.
 */
static __thread DisasContext tb_ctx;

/* ------------------------------------------------------------- helpers */

static void helper_raise(void *env, uint32_t cause, uint64_t tval)
{
    bb_cpu_raise_exception((BbCpu *)env, cause, tval,
                           (uintptr_t)__builtin_return_address(0));
}

static const BbTcgHelper h_raise = {
    .fn = helper_raise, .name = "riscv_raise",
    .flags = BB_TCG_CALL_NO_WRITE_GLOBALS,
    .ret = BB_TCG_TYPE_VOID, .nargs = 3,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32, BB_TCG_TYPE_I64 },
};

/* ------------------------------------------------------ building blocks */

BbTcgI64 gen_get_gpr(DisasContext *ctx, unsigned r)
{
    return r ? cpu_gpr[r] : bb_tcg_const_i64(ctx->s, 0);
}

BbTcgI64 gen_dest_gpr(DisasContext *ctx, unsigned r)
{
    return r ? cpu_gpr[r] : bb_tcg_temp_i64(ctx->s);
}

BbTcgI64 gen_const(DisasContext *ctx, int64_t v)
{
    return bb_tcg_const_i64(ctx->s, v);
}

BbTcgI64 gen_mem_addr(DisasContext *ctx, const RiscvArgs *a)
{
    BbTcgI64 addr = bb_tcg_temp_i64(ctx->s);

    bb_tcg_add_i64(ctx->s, addr, gen_get_gpr(ctx, a->rs1),
                   gen_const(ctx, a->imm));
    return addr;
}

void gen_set_done(DisasContext *ctx)
{
    ctx->ts->done = true;
}

void gen_raise_tval(DisasContext *ctx, uint32_t cause, BbTcgI64 tval)
{
    BbTcgI32 c = bb_tcg_const_i32(ctx->s, (int32_t)cause);
    uint32_t args[3] = { BB_TCG_ARG_ENV, c.id, tval.id };

    /* restore_state sets pc from the marker too; env is consistent
     * either way */
    bb_tcg_mov_i64(ctx->s, cpu_pc, gen_const(ctx, (int64_t)ctx->pc));
    bb_tcg_call(ctx->s, &h_raise, UINT32_MAX, args);
}

void gen_raise(DisasContext *ctx, uint32_t cause, uint64_t tval)
{
    gen_raise_tval(ctx, cause, gen_const(ctx, (int64_t)tval));
    bb_tcg_exit_tb(ctx->s, 2); /* not reached: the helper unwinds */
    gen_set_done(ctx);
}

void gen_illegal(DisasContext *ctx)
{
    gen_raise(ctx, EXC_ILLEGAL_INSN, ctx->raw);
}

/* Whether a jump to @target raises instruction-address-misaligned. */
static bool target_misaligned(DisasContext *ctx, uint64_t target)
{
    return (target & 1) || (!(ctx->misa & RVC) && (target & 2));
}

#define GUEST_PAGE_MASK (~(uint64_t)4095)

/* Whether @target lies on a page this TB's code is on: only then may the
 * JIT chain the jump (the TB cache refuses links to other pages, whose
 * mapping can change under the TB). */
static bool target_on_tb_page(DisasContext *ctx, uint64_t target)
{
    uint64_t page = target & GUEST_PAGE_MASK;

    return page == (ctx->ts->pc_first & GUEST_PAGE_MASK) ||
           page == ((ctx->ts->pc_next - 1) & GUEST_PAGE_MASK);
}

/*
 * goto_tb slot; pc = target; exit_tb slot.  A jump to another page can
 * never be chained: it ends with a lookup of the next TB instead, so the
 * JIT finds it in the jump cache inline rather than the TB returning to
 * the exec loop every time (a `switch` whose cases lie on the next page
 * of code: bench/guest's interp).  Keyed when the flags are still the
 * TB's own, as for jalr.
 */
static void gen_chain(DisasContext *ctx, unsigned slot, uint64_t target)
{
    if (target_on_tb_page(ctx, target)) {
        /* pc only on the way out: a chained jump does not need it (the
         * next TB restores its own pc if it leaves at its entry), and a
         * loop of one TB then stores nothing per iteration. */
        bb_tcg_goto_tb(ctx->s, slot);
        bb_tcg_mov_i64(ctx->s, cpu_pc, gen_const(ctx, (int64_t)target));
        bb_tcg_exit_tb(ctx->s, slot);
        return;
    }
    bb_tcg_mov_i64(ctx->s, cpu_pc, gen_const(ctx, (int64_t)target));
    if (ctx->fs == TB_FLAGS_FS(ctx->ts->flags)) {
        bb_tcg_lookup_and_goto_keyed(ctx->s, offsetof(RiscvCpu, pc));
    } else {
        bb_tcg_lookup_and_goto(ctx->s);
    }
}

void gen_goto_tb(DisasContext *ctx, unsigned slot, uint64_t target)
{
    if (target_misaligned(ctx, target)) {
        gen_raise_tval(ctx, EXC_INSN_MISALIGNED,
                       gen_const(ctx, (int64_t)target));
        bb_tcg_exit_tb(ctx->s, 2);
    } else {
        gen_chain(ctx, slot, target);
    }
    gen_set_done(ctx);
}

void gen_exit_to_next(DisasContext *ctx)
{
    bb_tcg_mov_i64(ctx->s, cpu_pc, gen_const(ctx, (int64_t)ctx->pc_next));
    bb_tcg_exit_tb(ctx->s, 2);
    gen_set_done(ctx);
}

void gen_helper_env_insn(DisasContext *ctx, const BbTcgHelper *h,
                         uint32_t ret)
{
    BbTcgI32 insn = bb_tcg_const_i32(ctx->s, (int32_t)ctx->raw);
    uint32_t args[2] = { BB_TCG_ARG_ENV, insn.id };

    bb_tcg_call(ctx->s, h, ret, args);
}

/* ------------------------------------------------------------- hooks */

static void ctx_start_tb(DisasContext *ctx, BbCpu *cpu, BbTcgContext *s,
                         BbTranslateState *ts)
{
    RiscvCpu *rc = RISCV_CPU(cpu);

    ctx->cpu = rc;
    ctx->s = s;
    ctx->ts = ts;
    ctx->priv = TB_FLAGS_PRIV(ts->flags);
    ctx->mem_idx = TB_FLAGS_MEM_IDX(ts->flags);
    ctx->fs = TB_FLAGS_FS(ts->flags);
    ctx->frm_checked = false;
    ctx->misa = rc->misa;
}

void riscv_translate_insn(BbCpu *cpu, BbTcgContext *s, BbTranslateState *ts)
{
    DisasContext *ctx = &tb_ctx;
    uint64_t pc = ts->pc_next;
    const RiscvInsnDesc *d;
    RiscvArgs a;
    uint32_t raw, insn;

    if (ts->num_insns == 0 || ctx->ts != ts || ctx->s != s) {
        ctx_start_tb(ctx, cpu, s, ts);
    }
    /* a fetch fault raises here, before any IR of this instruction */
    raw = bb_cpu_fetch(cpu, pc, 2);
    ctx->len = 2;
    if ((raw & 3) == 3) {
        raw |= bb_cpu_fetch(cpu, pc + 2, 2) << 16;
        ctx->len = 4;
    }
    bb_tcg_insn_start(s, pc, 0);
    ctx->pc = pc;
    ctx->pc_next = pc + ctx->len;
    ctx->raw = raw;
    ts->pc_next = ctx->pc_next;

    insn = raw;
    if (ctx->len == 2) {
        insn = (ctx->misa & RVC)
                   ? riscv_expand_compressed((uint16_t)raw, ctx->misa, NULL)
                   : 0;
    }
    d = insn ? riscv_decode(insn, ctx->misa, &a) : NULL;
    if (!d || !d->trans || !d->trans(ctx, &a)) {
        gen_illegal(ctx);
    }
}

void riscv_translate_end(BbCpu *cpu, BbTcgContext *s, BbTranslateState *ts)
{
    DisasContext *ctx = &tb_ctx;

    ctx->s = s;
    ctx->ts = ts;
    gen_chain(ctx, 0, ts->pc_next);
}

void riscv_translate_init(BbCpuClass *cc)
{
    BbTcgGlobals *g = bb_tcg_globals_new();

    for (unsigned i = 1; i < 32; i++) {
        cpu_gpr[i] = bb_tcg_global_i64(g, offsetof(RiscvCpu, gpr[i]),
                                       riscv_xreg_names[i]);
    }
    for (unsigned i = 0; i < 32; i++) {
        cpu_fpr[i] = bb_tcg_global_i64(g, offsetof(RiscvCpu, fpr[i]),
                                       riscv_freg_names[i]);
    }
    cpu_pc = bb_tcg_global_i64(g, offsetof(RiscvCpu, pc), "pc");
    cc->globals = g;
    cc->translate_insn = riscv_translate_insn;
    cc->translate_end = riscv_translate_end;
    cc->disas_insn = riscv_disas_insn;
}
