/*
 * x86-lower-ctl.c - x86-64 code for the IR ops that touch the world or
 * move control: env loads and stores ([rbp + offset]), guest memory
 * accesses (an inline TLB hit path, softmmu.h, with the call of the
 * TcgRuntime's load/store callbacks out of line in a cold section after
 * the body), helper calls (SysV: rdi, rsi, rdx, rcx, r8, r9, result
 * in rax, rsp 16-byte aligned), branches, instruction-start markers and
 * the TB exits (exit_tb, a patchable goto_tb jump, lookup_and_goto).
 * Globals are written back before anything that may observe env and
 * forgotten after anything that may change it (x86-regalloc.c).
 */
#include <stddef.h>

#include "tcg/softmmu.h"
#include "tcg/tb-cache.h"
#include "breadboard/cpu.h"
#include "tcg/x86_64/x86-gen.h"

#define ALL X86_REGS_ALLOC
#define NOREG X86_NOREG

const X86Reg x86_call_arg_regs[6] = {
    X86_RDI, X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9,
};

static bool env_disp(X86Gen *g, uint64_t ofs, int32_t *disp)
{
    if (ofs > INT32_MAX - 8) {
        x86_gen_fail(g, "env offset %" G_GUINT64_FORMAT " out of range", ofs);
        return false;
    }
    *disp = (int32_t)ofs;
    return true;
}

/* ------------------------------------------------------------ env */

static void lower_env_ld(X86Gen *g, const TcgOp *op, unsigned size,
                         bool sign)
{
    int32_t disp;
    X86Reg rd;

    if (!env_disp(g, op->args[1], &disp)) {
        return;
    }
    rd = x86_ra_out(g, (uint32_t)op->args[0], ALL, NOREG, NOREG);
    x86_load(&g->as, size, sign, true, rd, X86_ENV_REG, disp);
}

static void lower_env_st(X86Gen *g, const TcgOp *op, unsigned size)
{
    uint32_t v = (uint32_t)op->args[0];
    int64_t val;
    int32_t disp;

    if (!env_disp(g, op->args[1], &disp)) {
        return;
    }
    if (x86_ra_const(g, v, &val) &&
        (size < 8 || (val >= INT32_MIN && val <= INT32_MAX))) {
        x86_store_imm(&g->as, size, (int32_t)val, X86_ENV_REG, disp);
    } else {
        x86_store(&g->as, size, x86_ra_in(g, v, ALL), X86_ENV_REG, disp);
    }
}

/* ------------------------------------------------------------ guest memory */

/*
 * A guest access empties only its scratch registers (MEM_SCRATCH) and
 * then tries the TLB inline (softmmu.h), with the address in rsi and a
 * store's value in rdx (or in the register that already holds it, when
 * that is none of the scratch registers); nothing is written back on
 * this hit path:
 *
 *     mov    eax, esi                        ; tlb_index_of(), scaled:
 *     shr    eax, TLB_PAGE_BITS - TLB_ENTRY_BITS
 *     mov    edi, esi
 *     shr    edi, TLB_PAGE_BITS + TLB_HASH_SHIFT - TLB_ENTRY_BITS
 *     xor    eax, edi
 *     and    eax, [rsp + X86_TLB_MASK_OFFSET + 4 * mmu_idx] ; the frame's
 *                                            ; copy of mask[mmu_idx]
 *     add    rax, [rsp + X86_TLB_OFFSET]     ; &e[0][0] + index * 32
 *     mov    rdi, rsi
 *     and    rdi, TLB_PAGE_MASK | (size - 1)
 *     cmp    rdi, [rax + TLB_TABLE_OFFSET(mmu_idx, addr_read/addr_write)]
 *     jne    slow                            ; rel32, into the cold section
 *     add    rsi, [rax + TLB_TABLE_OFFSET(mmu_idx, addend)]
 *     mov/movzx/movsx  rax, [rsi]            ; or: mov [rsi], dl/dx/edx/rdx
 *   done:
 *
 * The slow path, emitted after the TB's body, first stores what the hit
 * path kept in registers and the call needs in memory (dirty globals to
 * env: the call may fault and the unwind reads env; other caller-saved
 * registers to their homes), calls rt->load/rt->store (rsi and rdx are
 * still intact there), extends a load's result into rax, reloads the
 * caller-saved registers and jumps back to done, so both paths meet with
 * the same allocation.  A runtime without a TLB gets x86_tlb_none(),
 * whose tags never match.  Each slow path gets an insn mark of its own
 * guest instruction, so a callback's return address maps back to it.
 */

typedef struct X86SlowPath {
    bool is_store;
    int8_t val_reg;       /* a store's value (rdx, or a register the hit
                             path leaves alone, copied to rdx here) */
    bool is64;
    BbMemOp mop;
    unsigned mmu_idx;
    unsigned label_slow;  /* the miss branches here */
    unsigned label_done;  /* and comes back here */
    bool has_insn;        /* an insn_start came before the access */
    uint64_t pc, extra;   /* its guest instruction */
    unsigned nb_saves;    /* what the call must not lose (x86-regalloc.c) */
    X86ColdSave saves[X86_NB_REGS];
} X86SlowPath;

/* The index is computed with 32-bit operations on the address's low
 * half; every MMU index's table is reached with a disp32. */
G_STATIC_ASSERT(TLB_PAGE_BITS + TLB_MAX_BITS <= 32);
G_STATIC_ASSERT(TLB_PAGE_BITS + TLB_HASH_SHIFT <= 32);
G_STATIC_ASSERT(sizeof(TlbTable) <= INT32_MAX);
G_STATIC_ASSERT(X86_TLB_MASK_SIZE % 8 == 0);

const TlbTable *x86_tlb_none(void)
{
    static const TlbTable *none;

    if (g_once_init_enter(&none)) {
        /* One empty entry per MMU index; lives as long as the process. */
        TlbTable *t = tlb_table_new(0);

        if (!t) {
            g_error("x86-64 JIT: cannot reserve room for an empty TLB");
        }
        g_once_init_leave(&none, t);
    }
    return none;
}

/* Call rt->fn(rt->opaque, ...) with the other arguments already in
 * rsi, rdx, rcx, r8. */
static void emit_runtime_call(X86Gen *g, size_t fn_offset)
{
    x86_load(&g->as, 8, false, true, X86_RAX, X86_RSP, X86_RT_OFFSET);
    x86_load(&g->as, 8, false, true, X86_RDI, X86_RAX,
             (int32_t)offsetof(TcgRuntime, opaque));
    x86_call_mem(&g->as, X86_RAX, (int32_t)fn_offset);
}

/* Record the slow path of the access being lowered; its miss label is
 * returned, its done label is bound by the caller after the hit path. */
static X86SlowPath *slow_path_new(X86Gen *g, const TcgOp *op, bool is_store)
{
    X86SlowPath sp = {
        .is_store = is_store,
        .is64 = op->opc == BB_TCG_OP_QEMU_LD_I64 ||
                op->opc == BB_TCG_OP_QEMU_ST_I64,
        .mop = (BbMemOp)op->args[2],
        .mmu_idx = (unsigned)op->args[3],
        .label_slow = x86_label_new(&g->as),
        .label_done = x86_label_new(&g->as),
    };

    if (g->insns.len) {
        const X86InsnMark *m =
            tcg_vec_at(&g->insns, X86InsnMark, g->insns.len - 1);

        sp.has_insn = true;
        sp.pc = m->pc;
        sp.extra = m->extra;
    }
    sp.nb_saves = x86_ra_cold_saves(g, sp.saves);
    return memcpy(tcg_vec_push(&g->slow_paths, g->s->arena, X86SlowPath),
                  &sp, sizeof(sp));
}

/* The inline TLB compare for the access in rsi; on a hit rsi ends up
 * holding the host address.  Clobbers rax and rdi, keeps rdx. */
static void emit_tlb_lookup(X86Gen *g, const X86SlowPath *sp)
{
    X86Asm *a = &g->as;
    unsigned size = 1u << (sp->mop & BB_MO_SIZE);
    int32_t tag = (int32_t)(sp->is_store
                                ? TLB_TABLE_OFFSET(sp->mmu_idx, addr_write)
                                : TLB_TABLE_OFFSET(sp->mmu_idx, addr_read));

    /* The index's ALU chain overlaps the loads of the mask and the
     * table's address (the prologue's copies in the frame). */
    x86_mov_rr(a, false, X86_RAX, X86_RSI);
    x86_shift_ri(a, false, X86_SHR, X86_RAX, TLB_PAGE_BITS - TLB_ENTRY_BITS);
    x86_mov_rr(a, false, X86_RDI, X86_RSI);
    x86_shift_ri(a, false, X86_SHR, X86_RDI,
                 TLB_PAGE_BITS + TLB_HASH_SHIFT - TLB_ENTRY_BITS);
    x86_alu_rr(a, false, X86_XOR, X86_RAX, X86_RDI);
    x86_alu_rm(a, false, X86_AND, X86_RAX, X86_RSP,
               X86_TLB_MASK_OFFSET + 4 * (int32_t)sp->mmu_idx);
    if (g->tlb_reg != X86_NOREG) {
        x86_alu_rr(a, true, X86_ADD, X86_RAX, g->tlb_reg); /* loop form */
    } else {
        x86_alu_rm(a, true, X86_ADD, X86_RAX, X86_RSP, X86_TLB_OFFSET);
    }
    x86_mov_rr(a, true, X86_RDI, X86_RSI);
    x86_alu_ri(a, true, X86_AND, X86_RDI,
               (int32_t)(TLB_PAGE_MASK | (size - 1)));
    x86_alu_rm(a, true, X86_CMP, X86_RDI, X86_RAX, tag);
    x86_jcc_label(a, X86_CC_NE, sp->label_slow, false);
    x86_alu_rm(a, true, X86_ADD, X86_RSI, X86_RAX,
               (int32_t)TLB_TABLE_OFFSET(sp->mmu_idx, addend));
}

/* rax = the loaded bytes extended as the memop says (an i32 value
 * zero-extended to 64 bits). */
static void emit_ld_extend(X86Gen *g, const X86SlowPath *sp)
{
    unsigned size = 1u << (sp->mop & BB_MO_SIZE);

    if (size < 8) {
        if (sp->mop & BB_MO_SIGN) {
            x86_movsx(&g->as, size, sp->is64, X86_RAX, X86_RAX);
        } else {
            x86_movzx(&g->as, size, X86_RAX, X86_RAX);
        }
    } else if (!sp->is64) {
        x86_mov_rr(&g->as, false, X86_RAX, X86_RAX);
    }
}

/* The registers an access uses on its hit path: the address (rsi), the
 * TLB entry and a load's result (rax), the tag (rdi), a store's value or
 * the slow path's memop argument (rdx).  Every other register keeps its
 * value across the access; the slow path saves what its call clobbers. */
#define MEM_SCRATCH                                                       \
    (X86_BIT(X86_RAX) | X86_BIT(X86_RDI) | X86_BIT(X86_RSI) |             \
     X86_BIT(X86_RDX))

static void emit_qemu_ld(X86Gen *g, const TcgOp *op)
{
    X86SlowPath *sp;
    unsigned size;

    x86_ra_reserve_mask(g, MEM_SCRATCH);
    x86_ra_load_into(g, (uint32_t)op->args[1], X86_RSI);
    sp = slow_path_new(g, op, false);
    size = 1u << (sp->mop & BB_MO_SIZE);
    emit_tlb_lookup(g, sp);
    x86_load(&g->as, size, (sp->mop & BB_MO_SIGN) != 0, sp->is64, X86_RAX,
             X86_RSI, 0);
    if (size == 8 && !sp->is64) {
        x86_mov_rr(&g->as, false, X86_RAX, X86_RAX);
    }
    x86_label_bind(&g->as, sp->label_done);
    x86_ra_bind_result(g, (uint32_t)op->args[0], X86_RAX);
}

static void emit_qemu_st(X86Gen *g, const TcgOp *op)
{
    uint32_t v = (uint32_t)op->args[0];
    const X86TempState *vs = &g->ts[v];
    X86Reg val = X86_RDX;
    X86SlowPath *sp;

    x86_ra_reserve_mask(g, MEM_SCRATCH);
    /* A value already in a register (outside the scratch ones, after the
     * reserve) is stored from there: no copy on the hit path. */
    if (x86_temp(g, v)->kind != TEMP_CONST && vs->loc == X86_TS_REG &&
        !(MEM_SCRATCH & X86_BIT(vs->reg))) {
        val = (X86Reg)vs->reg;
    }
    x86_ra_load_into(g, (uint32_t)op->args[1], X86_RSI);
    if (val == X86_RDX) {
        x86_ra_load_into(g, v, X86_RDX);
    }
    sp = slow_path_new(g, op, true);
    sp->val_reg = (int8_t)val;
    emit_tlb_lookup(g, sp);
    x86_store(&g->as, 1u << (sp->mop & BB_MO_SIZE), val, X86_RSI, 0);
    x86_label_bind(&g->as, sp->label_done);
}

/* The call of a slow path, entered from its access's failed compare with
 * the address in rsi and a store's value in rdx or sp->val_reg. */
static void emit_slow_path(X86Gen *g, const X86SlowPath *sp)
{
    unsigned size = 1u << (sp->mop & BB_MO_SIZE);

    if (sp->has_insn) {
        X86InsnMark m = {
            .host_ofs = (uint32_t)g->as.len, .pc = sp->pc, .extra = sp->extra,
        };

        *tcg_vec_push(&g->insns, g->s->arena, X86InsnMark) = m;
    }
    x86_label_bind(&g->as, sp->label_slow);
    for (unsigned i = 0; i < sp->nb_saves; i++) {
        const X86ColdSave *c = &sp->saves[i];

        if (c->store) {
            x86_store(&g->as, c->size, (X86Reg)c->reg, c->base, c->disp);
        }
    }
    if (sp->is_store) {
        if (sp->val_reg != X86_RDX) {
            x86_mov_rr(&g->as, true, X86_RDX, (X86Reg)sp->val_reg);
        }
        if (size < 8) {
            x86_movzx(&g->as, size, X86_RDX, X86_RDX); /* the stored bytes */
        }
        x86_mov_ri(&g->as, false, X86_RCX, sp->mop);
        x86_mov_ri(&g->as, false, X86_R8, sp->mmu_idx);
        emit_runtime_call(g, offsetof(TcgRuntime, store));
    } else {
        x86_mov_ri(&g->as, false, X86_RDX, sp->mop);
        x86_mov_ri(&g->as, false, X86_RCX, sp->mmu_idx);
        emit_runtime_call(g, offsetof(TcgRuntime, load));
        /* The callback returns raw bytes. */
        emit_ld_extend(g, sp);
    }
    for (unsigned i = 0; i < sp->nb_saves; i++) {
        const X86ColdSave *c = &sp->saves[i];

        if (c->reload) {
            x86_load(&g->as, c->size, false, false, (X86Reg)c->reg, c->base,
                     c->disp);
        }
    }
    x86_jmp_label(&g->as, sp->label_done, false);
}

void x86_lower_finish(X86Gen *g)
{
    /* The list is in the arena (gen_destroy() releases it). */
    for (unsigned i = 0; i < g->slow_paths.len && !g->failed; i++) {
        emit_slow_path(g, tcg_vec_at(&g->slow_paths, X86SlowPath, i));
    }
    g->slow_paths.len = 0;
}

/* ------------------------------------------------------------ calls */

static void lower_call(X86Gen *g, const TcgOp *op)
{
    const BbTcgHelper *h = tcg_call_helper(op);
    uint32_t ret = tcg_call_ret(op);
    unsigned quiet = BB_TCG_CALL_NO_READ_GLOBALS |
                     BB_TCG_CALL_NO_WRITE_GLOBALS | BB_TCG_CALL_NO_RAISE;

    /* A helper that may read globals, raise (the exception path reads
     * env) or write globals (our copies are dropped afterwards) needs
     * them in env; one that may write them needs our copies forgotten. */
    /* (A TB with a call never gets the loop form: x86-loop.c.) */
    g_assert(!g->loop);
    if ((h->flags & quiet) != quiet) {
        x86_ra_sync_globals(g, !(h->flags & BB_TCG_CALL_NO_WRITE_GLOBALS));
    }
    x86_ra_prepare_call(g);
    for (unsigned i = 0; i < h->nargs && i < 6; i++) {
        x86_ra_load_into(g, (uint32_t)op->args[2 + i], x86_call_arg_regs[i]);
    }
    x86_call_abs(&g->as, (uintptr_t)h->fn, X86_RAX);
    if (ret != UINT32_MAX) {
        if (!x86_is_i64(g, ret)) {
            x86_mov_rr(&g->as, false, X86_RAX, X86_RAX); /* upper bits */
        }
        x86_ra_bind_result(g, ret, X86_RAX);
    }
}

/* ------------------------------------------------------------ branches */

static const TcgBits *live_out(X86Gen *g)
{
    return &g->live_out[g->cfg.block_of_op[g->cur_op]];
}

static void lower_brcond(X86Gen *g, const TcgOp *op, bool w)
{
    BbTcgCond c = (BbTcgCond)op->args[2];
    unsigned label = (unsigned)op->args[3];
    X86Cmp cmp;

    if (c == BB_TCG_COND_NEVER) {
        return;
    }
    if (c != BB_TCG_COND_ALWAYS) {
        x86_cmp_prepare(g, (uint32_t)op->args[0], (uint32_t)op->args[1], c,
                        w, &cmp);
    }
    /* Both successors see everything they need in memory. */
    x86_ra_sync_globals(g, false);
    x86_ra_sync_temps(g, live_out(g));
    if (c == BB_TCG_COND_ALWAYS) {
        x86_jmp_label(&g->as, label, false);
    } else {
        int slot = x86_loop_label_slot(g, label);

        x86_cmp_emit(g, &cmp);
        if (slot >= 0 && g->loop_jcc_ofs[slot] < 0 &&
            !x86_label_bound(&g->as, label)) {
            /* A rel32 chaining can rewrite atomically (x86-loop.c). */
            x86_align(&g->as, 4, 2);
            g->loop_jcc_ofs[slot] = (int32_t)g->as.len;
            g->loop_jcc_label[slot] = label;
        }
        x86_jcc_label(&g->as, cmp.cc, label, false);
    }
}

static void lower_br(X86Gen *g, const TcgOp *op)
{
    x86_ra_sync_globals(g, false);
    x86_ra_sync_temps(g, live_out(g));
    x86_jmp_label(&g->as, (unsigned)op->args[0], false);
}

/* ------------------------------------------------------------ exits */

void x86_emit_exit(X86Gen *g, unsigned code)
{
    x86_ra_sync_globals(g, false);
    x86_ra_sync_pinned(g);
    if (code == TCG_EXIT_SLOT0 || code == TCG_EXIT_SLOT1 ||
        code == TCG_EXIT_ENTRY) {
        /* Which TB of a chained run took the exit: exec() reads rdx. */
        x86_mov_ri(&g->as, true, X86_RDX, g->self);
    }
    x86_mov_ri(&g->as, false, X86_RAX, code);
    x86_jmp_abs(&g->as, g->epilogue);
}

/* Patch the rel8 of a short jcc emitted just before @at to reach here. */
static void bind_rel8(X86Gen *g, size_t at)
{
    size_t d = g->as.len - at;

    g_assert(d <= 127);
    if (at <= g->as.cap) {
        g->as.buf[at - 1] = (uint8_t)d;
    }
}

/*
 * lookup_and_goto: with the globals in env, ask rt->lookup(env) for the
 * next TB and enter its body the way a chained goto_tb does (same frame);
 * without a lookup hook, or when it returns NULL, return TCG_EXIT_LOOKUP.
 */
/*
 * The inline jump-cache probe of a keyed lookup_and_goto (docs/jit.md
 * "Indirect jumps"); the globals are in env and every caller-saved
 * register is free.  Falls through on a hit to a jmp into the TB; jumps to
 * @miss otherwise (the helper path).  The same checks as exec_lookup():
 * the key (pc from env, this TB's flags), the stamp (nothing invalidated
 * or cleared since the entry was stored), a host entry of this backend,
 * no exit or interrupt request.  Budget and kicks are the target TB
 * prologue's.
 */
static void emit_jc_probe(X86Gen *g, uint32_t pc_offset, unsigned miss)
{
    /* rax: rt->jc (TbJumpProbe), rsi: the entry, rdx: the pc */
    x86_load(&g->as, 8, false, true, X86_RAX, X86_RSP, X86_RT_OFFSET);
    x86_load(&g->as, 8, false, true, X86_RAX, X86_RAX,
             (int32_t)offsetof(TcgRuntime, jc));
    x86_test_rr(&g->as, true, X86_RAX, X86_RAX);
    x86_jcc_label(&g->as, X86_CC_E, miss, false);
    x86_load(&g->as, 8, false, true, X86_RDX, X86_RBP, (int32_t)pc_offset);
    /* TB_JMP_CACHE_HASH(pc) << TB_JMP_ENTRY_SHIFT */
    x86_mov_rr(&g->as, true, X86_RCX, X86_RDX);
    x86_shift_ri(&g->as, true, X86_SHR, X86_RCX, 1);
    x86_mov_rr(&g->as, true, X86_RDI, X86_RDX);
    x86_shift_ri(&g->as, true, X86_SHR, X86_RDI, 1 + TB_JMP_CACHE_BITS);
    x86_alu_rr(&g->as, true, X86_XOR, X86_RCX, X86_RDI);
    x86_alu_ri(&g->as, false, X86_AND, X86_RCX, TB_JMP_CACHE_SIZE - 1);
    x86_shift_ri(&g->as, true, X86_SHL, X86_RCX, TB_JMP_ENTRY_SHIFT);
    x86_load(&g->as, 8, false, true, X86_RSI, X86_RAX,
             (int32_t)offsetof(TbJumpProbe, entry));
    x86_alu_rr(&g->as, true, X86_ADD, X86_RSI, X86_RCX);
    x86_alu_rm(&g->as, true, X86_CMP, X86_RDX, X86_RSI,
               (int32_t)offsetof(TbJumpEntry, pc));
    x86_jcc_label(&g->as, X86_CC_NE, miss, false);
    x86_mov_ri(&g->as, true, X86_RDI, g->s->tb_flags);
    x86_alu_rm(&g->as, true, X86_CMP, X86_RDI, X86_RSI,
               (int32_t)offsetof(TbJumpEntry, flags));
    x86_jcc_label(&g->as, X86_CC_NE, miss, false);
    x86_load(&g->as, 8, false, true, X86_RDI, X86_RAX,
             (int32_t)offsetof(TbJumpProbe, generation));
    x86_load(&g->as, 8, false, true, X86_RDI, X86_RDI, 0);
    x86_alu_rm(&g->as, true, X86_ADD, X86_RDI, X86_RAX,
               (int32_t)offsetof(TbJumpProbe, clears));
    x86_alu_rm(&g->as, true, X86_CMP, X86_RDI, X86_RSI,
               (int32_t)offsetof(TbJumpEntry, stamp));
    x86_jcc_label(&g->as, X86_CC_NE, miss, false);
    /* Requests: exec_lookup() returns to the loop for them. */
    x86_load(&g->as, 4, false, false, X86_RDI, X86_RBP,
             (int32_t)offsetof(BbCpu, exit_request));
    x86_alu_rm(&g->as, false, X86_OR, X86_RDI, X86_RBP,
               (int32_t)offsetof(BbCpu, interrupt_request));
    x86_jcc_label(&g->as, X86_CC_NE, miss, false);
    x86_load(&g->as, 8, false, true, X86_RAX, X86_RSI,
             (int32_t)offsetof(TbJumpEntry, host));
    x86_test_rr(&g->as, true, X86_RAX, X86_RAX);
    x86_jcc_label(&g->as, X86_CC_E, miss, false);
    x86_jmp_reg(&g->as, X86_RAX);
}

static void lower_lookup_and_goto(X86Gen *g, const TcgOp *op)
{
    size_t no_hook, no_tb;
    uint32_t key = (uint32_t)op->args[0];

    x86_ra_sync_globals(g, false);
    x86_ra_sync_pinned(g); /* the next TB loads them from env */
    x86_ra_prepare_call(g);
    if ((key & BB_TCG_LOOKUP_KEYED) && g->s->keyed_lookup) {
        unsigned miss = x86_label_new(&g->as);
        emit_jc_probe(g, key & ~BB_TCG_LOOKUP_KEYED, miss);
        x86_label_bind(&g->as, miss);
    }
    x86_load(&g->as, 8, false, true, X86_RAX, X86_RSP, X86_RT_OFFSET);
    x86_load(&g->as, 8, false, true, X86_RAX, X86_RAX,
             (int32_t)offsetof(TcgRuntime, lookup));
    x86_test_rr(&g->as, true, X86_RAX, X86_RAX);
    x86_byte(&g->as, 0x74); /* jz rel8 */
    x86_byte(&g->as, 0);
    no_hook = g->as.len;
    x86_mov_rr(&g->as, true, X86_RDI, X86_RBP);
    x86_call_reg(&g->as, X86_RAX);
    x86_test_rr(&g->as, true, X86_RAX, X86_RAX);
    x86_byte(&g->as, 0x74);
    x86_byte(&g->as, 0);
    no_tb = g->as.len;
    x86_load(&g->as, 8, false, true, X86_RAX, X86_RAX,
             (int32_t)offsetof(X86Code, entry));
    x86_alu_ri(&g->as, true, X86_ADD, X86_RAX, X86_ENTRY_STUB_SIZE);
    x86_jmp_reg(&g->as, X86_RAX);
    bind_rel8(g, no_hook);
    bind_rel8(g, no_tb);
    x86_mov_ri(&g->as, false, X86_RAX, TCG_EXIT_LOOKUP);
    x86_jmp_abs(&g->as, g->epilogue);
}

/* A jmp rel32 whose displacement is 4-byte aligned, so chaining can
 * rewrite it with one atomic store; until then it jumps to the next
 * instruction, the exit_tb that follows.  In loop form (x86-loop.c) the
 * pinned values are stored before it, and a slot that may go back to the
 * TB itself has a second such jmp before those stores, the back edge,
 * which chaining points at the loop head. */
static void lower_goto_tb(X86Gen *g, const TcgOp *op)
{
    unsigned slot = (unsigned)op->args[0];

    x86_ra_sync_globals(g, false);
    if (g->loop) {
        if (slot < 2 && g->loop_slot[slot]) {
            x86_align(&g->as, 4, 1);
            g->loop_ofs[slot] = (int32_t)g->as.len;
            x86_byte(&g->as, 0xe9);
            x86_u32(&g->as, 0);
        }
        x86_ra_sync_pinned(g);
    }
    x86_align(&g->as, 4, 1);
    if (slot < 2) {
        g->goto_tb_ofs[slot] = (int32_t)g->as.len;
    }
    x86_byte(&g->as, 0xe9);
    x86_u32(&g->as, 0);
}

static void lower_insn_start(X86Gen *g, const TcgOp *op)
{
    X86InsnMark m = {
        .host_ofs = (uint32_t)g->as.len,
        .pc = op->args[0],
        .extra = op->nargs > 1 ? op->args[1] : 0,
    };

    *tcg_vec_push(&g->insns, g->s->arena, X86InsnMark) = m;
}

/* ------------------------------------------------------------ dispatch */

bool x86_lower_ctl(X86Gen *g, const TcgOp *op)
{
    switch (op->opc) {
    case BB_TCG_OP_LD8U_I64: lower_env_ld(g, op, 1, false); break;
    case BB_TCG_OP_LD8S_I64: lower_env_ld(g, op, 1, true); break;
    case BB_TCG_OP_LD16U_I64: lower_env_ld(g, op, 2, false); break;
    case BB_TCG_OP_LD16S_I64: lower_env_ld(g, op, 2, true); break;
    case BB_TCG_OP_LD32U_I64: case BB_TCG_OP_LD_I32:
        lower_env_ld(g, op, 4, false);
        break;
    case BB_TCG_OP_LD32S_I64: lower_env_ld(g, op, 4, true); break;
    case BB_TCG_OP_LD_I64: lower_env_ld(g, op, 8, false); break;
    case BB_TCG_OP_ST8_I64: lower_env_st(g, op, 1); break;
    case BB_TCG_OP_ST16_I64: lower_env_st(g, op, 2); break;
    case BB_TCG_OP_ST32_I64: case BB_TCG_OP_ST_I32:
        lower_env_st(g, op, 4);
        break;
    case BB_TCG_OP_ST_I64: lower_env_st(g, op, 8); break;
    case BB_TCG_OP_QEMU_LD_I32: case BB_TCG_OP_QEMU_LD_I64:
        emit_qemu_ld(g, op);
        break;
    case BB_TCG_OP_QEMU_ST_I32: case BB_TCG_OP_QEMU_ST_I64:
        emit_qemu_st(g, op);
        break;
    case BB_TCG_OP_CALL: lower_call(g, op); break;
    case BB_TCG_OP_BRCOND_I32: lower_brcond(g, op, false); break;
    case BB_TCG_OP_BRCOND_I64: lower_brcond(g, op, true); break;
    case BB_TCG_OP_BR: lower_br(g, op); break;
    case BB_TCG_OP_INSN_START: lower_insn_start(g, op); break;
    case BB_TCG_OP_GOTO_TB: lower_goto_tb(g, op); break;
    case BB_TCG_OP_EXIT_TB: x86_emit_exit(g, (unsigned)op->args[0]); break;
    case BB_TCG_OP_LOOKUP_AND_GOTO: lower_lookup_and_goto(g, op); break;
    case BB_TCG_OP_SET_LABEL: /* placed by the driver (x86-backend.c) */
    case BB_TCG_OP_DISCARD:   /* the allocator drops the temp */
        break;
    default:
        return false;
    }
    return true;
}
