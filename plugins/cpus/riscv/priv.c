/*
 * priv.c - traps and interrupts of the RISC-V hart (privileged
 * architecture 1.12, sections 3.1.6-3.1.9, 3.3 and 4.1): trap delivery
 * with delegation to S-mode, the interrupt priority and enable rules,
 * the CPU hooks the execution loop calls (TB key, MMU index, interrupts,
 * exceptions, PC restore) and the helpers behind mret, sret, wfi and
 * sfence.vma.
 *
 * Interrupts are taken by exec_interrupt(), which delivers them through
 * the same trap path as exceptions (cause | CAUSE_INTERRUPT).  Whenever
 * something may have made an interrupt pending and locally enabled (an
 * input line, a CSR write, a mode change) riscv_update_interrupts() asks
 * the loop to look; the loop then also wakes a hart sleeping in WFI.
 */
#include "riscv.h"

/* The hart that ran last: a reservation does not survive another hart
 * running (one host thread runs them all, see riscv.h). */
static RiscvCpu *last_hart;

/* ------------------------------------------------------------ interrupts */

/* With Sstc's menvcfg.STCE, STIP is time >= stimecmp, not the software
 * bit (csr.c). */
uint64_t riscv_read_mip(RiscvCpu *s)
{
    uint64_t mip = s->mip;

    if (s->menvcfg & MENVCFG_STCE) {
        mip = (mip & ~MIP_STIP) | (riscv_sstc_stip(s) ? MIP_STIP : 0);
    }
    return mip | s->irq_lines;
}

/* Highest-priority interrupt of @bits: MEI, MSI, MTI, SEI, SSI, STI. */
static int highest_irq(uint64_t bits)
{
    static const int order[] = { IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER,
                                 IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER };

    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        if (bits & (1ull << order[i])) {
            return order[i];
        }
    }
    return -1;
}

int riscv_pending_interrupt(RiscvCpu *s)
{
    uint64_t pending = riscv_read_mip(s) & s->mie;
    uint64_t m_pending = pending & ~s->mideleg;
    uint64_t s_pending = pending & s->mideleg;
    bool m_enabled = s->priv < PRV_M || (s->mstatus & MSTATUS_MIE);
    bool s_enabled = s->priv < PRV_S ||
                     (s->priv == PRV_S && (s->mstatus & MSTATUS_SIE));

    if (m_enabled && m_pending) {
        return highest_irq(m_pending);
    }
    if (s_enabled && s_pending) {
        return highest_irq(s_pending);
    }
    return -1;
}

/* Anything pending and locally enabled also wakes a hart in WFI, whatever
 * the global enables say, so that is what makes the loop look. */
void riscv_update_interrupts(RiscvCpu *s)
{
    if (riscv_read_mip(s) & s->mie) {
        bb_cpu_request_interrupt(&s->parent_obj);
    }
}

void riscv_irq_input(void *opaque, unsigned n, bool level)
{
    RiscvCpu *s = opaque;
    uint64_t bit = 1ull << n;

    s->irq_lines = level ? s->irq_lines | bit : s->irq_lines & ~bit;
    riscv_update_interrupts(s);
}

bool riscv_has_work(BbCpu *cpu)
{
    RiscvCpu *s = (RiscvCpu *)cpu;
    return (riscv_read_mip(s) & s->mie) != 0;
}

bool riscv_exec_interrupt(BbCpu *cpu)
{
    int irq = riscv_pending_interrupt((RiscvCpu *)cpu);

    if (irq < 0) {
        return false;
    }
    riscv_do_exception(cpu, (uint32_t)irq | CAUSE_INTERRUPT, 0);
    return true;
}

/* ------------------------------------------------------------ traps */

void riscv_do_exception(BbCpu *cpu, uint32_t cause, uint64_t tval)
{
    RiscvCpu *s = (RiscvCpu *)cpu;
    bool irq = cause & CAUSE_INTERRUPT;
    unsigned code = cause & ~CAUSE_INTERRUPT;
    uint64_t deleg = irq ? s->mideleg : s->medeleg;
    uint64_t xcause = code | (irq ? 1ull << 63 : 0);
    uint64_t st = s->mstatus, tvec;

    if (s->priv <= PRV_S && code < 64 && ((deleg >> code) & 1)) {
        s->sepc = s->pc & ~1ull;
        s->scause = xcause;
        s->stval = tval;
        st &= ~(MSTATUS_SPIE | MSTATUS_SPP);
        st |= (st & MSTATUS_SIE) ? MSTATUS_SPIE : 0;
        st |= s->priv == PRV_S ? MSTATUS_SPP : 0;
        st &= ~MSTATUS_SIE;
        tvec = s->stvec;
        s->priv = PRV_S;
    } else {
        s->mepc = s->pc & ~1ull;
        s->mcause = xcause;
        s->mtval = tval;
        st &= ~(MSTATUS_MPIE | MSTATUS_MPP);
        st |= (st & MSTATUS_MIE) ? MSTATUS_MPIE : 0;
        st |= (uint64_t)s->priv << MSTATUS_MPP_SHIFT;
        st &= ~MSTATUS_MIE;
        tvec = s->mtvec;
        s->priv = PRV_M;
    }
    s->mstatus = st;
    s->pc = tvec & ~3ull;
    if (irq && (tvec & 3) == 1) {
        s->pc += 4ull * code;
    }
    s->load_res = UINT64_MAX;
    s->in_amo = 0; /* a fault may have cut an AMO short */
    riscv_update_interrupts(s);
}

void riscv_restore_state(BbCpu *cpu, uint64_t pc, uint64_t extra)
{
    ((RiscvCpu *)cpu)->pc = pc;
    /* the instruction is abandoned (and may run again): an AMO cut short
     * between its load and store is no longer in progress */
    ((RiscvCpu *)cpu)->in_amo = 0;
}

/* ------------------------------------------------------------ TB key */

unsigned riscv_mmu_index(BbCpu *cpu, bool ifetch)
{
    RiscvCpu *s = (RiscvCpu *)cpu;
    unsigned priv = s->priv, idx;

    if (ifetch) {
        return priv;
    }
    if (priv == PRV_M && (s->mstatus & MSTATUS_MPRV)) {
        priv = (s->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    }
    idx = priv;
    if (priv == PRV_M) {
        return idx; /* no translation: SUM and MXR do not matter */
    }
    if (priv == PRV_S && (s->mstatus & MSTATUS_SUM)) {
        idx |= MMU_IDX_SUM;
    }
    if (s->mstatus & MSTATUS_MXR) {
        idx |= MMU_IDX_MXR;
    }
    return idx;
}

/* The machine's "entry" property (its boot ROM or loaded image), read
 * when the hart first runs after a reset: harts are realized and reset
 * before the machine loads its images. */
void riscv_resolve_reset_pc(RiscvCpu *s)
{
    BbObject *m = bb_object_get_parent(BB_OBJECT(s));

    s->reset_pc_pending = false;
    if (!m || !bb_object_find_property(m, "entry")) {
        m = bb_object_resolve_path(BB_OBJECT(s), "/machine");
    }
    if (m && bb_object_find_property(m, "entry")) {
        GError *err = NULL;
        uint64_t entry = bb_object_get_uint(m, "entry", &err);
        if (err) {
            g_error_free(err);
        } else if (entry) {
            s->pc = entry;
        }
    }
}

void riscv_reservation_save(RiscvCpu *s)
{
    if (last_hart != s) {
        s->load_res = UINT64_MAX; /* would be dropped when it next runs */
    }
}

void riscv_reservation_load(RiscvCpu *s)
{
    if (s->load_res != UINT64_MAX) {
        last_hart = s;
    } else if (last_hart == s) {
        last_hart = NULL;
    }
}

void riscv_get_tb_key(BbCpu *cpu, uint64_t *pc, uint64_t *flags)
{
    RiscvCpu *s = (RiscvCpu *)cpu;

    if (s->reset_pc_pending) {
        riscv_resolve_reset_pc(s);
    }
    if (last_hart != s) {
        last_hart = s;
        s->load_res = UINT64_MAX;
    }
    *pc = s->pc;
    *flags = TB_FLAGS_MAKE(s->priv, (s->mstatus & MSTATUS_FS) >>
                                        MSTATUS_FS_SHIFT,
                           riscv_mmu_index(cpu, false));
}

/* ------------------------------------------------------------ helpers */

static G_GNUC_NORETURN void raise_illegal(RiscvCpu *s, uint32_t insn,
                                          uintptr_t ra)
{
    bb_cpu_raise_exception(&s->parent_obj, EXC_ILLEGAL_INSN, insn, ra);
}

bool riscv_do_xret(RiscvCpu *s, bool mret)
{
    uint64_t st = s->mstatus;
    unsigned pp;

    if (mret) {
        if (s->priv < PRV_M) {
            return false;
        }
        pp = (st & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
        st = (st & ~MSTATUS_MIE) | ((st & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
        st |= MSTATUS_MPIE;
        st &= ~MSTATUS_MPP; /* U, the least-privileged mode */
        s->pc = s->mepc;
    } else {
        if (s->priv < PRV_S ||
            (s->priv == PRV_S && (st & MSTATUS_TSR))) {
            return false;
        }
        pp = (st & MSTATUS_SPP) ? PRV_S : PRV_U;
        st = (st & ~MSTATUS_SIE) | ((st & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
        st |= MSTATUS_SPIE;
        st &= ~MSTATUS_SPP;
        s->pc = s->sepc;
    }
    if (!(s->misa & RVC)) {
        s->pc &= ~3ull;
    }
    if (pp != PRV_M) {
        st &= ~MSTATUS_MPRV;
    }
    s->mstatus = st;
    s->priv = pp;
    s->load_res = UINT64_MAX;
    riscv_update_interrupts(s);
    return true;
}

static void helper_mret(void *env, uint32_t insn)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);

    if (!riscv_do_xret(env, true)) {
        raise_illegal(env, insn, ra);
    }
}

static void helper_sret(void *env, uint32_t insn)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);

    if (!riscv_do_xret(env, false)) {
        raise_illegal(env, insn, ra);
    }
}

/* WFI traps in U-mode, and in S-mode with mstatus.TW (it would not
 * complete in bounded time); otherwise it sleeps until something in
 * mip & mie is set - whatever the global enables. */
static void helper_wfi(void *env, uint32_t insn)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    RiscvCpu *s = env;

    if (s->priv == PRV_U ||
        (s->priv == PRV_S && (s->mstatus & MSTATUS_TW))) {
        raise_illegal(s, insn, ra);
    }
    if (!(riscv_read_mip(s) & s->mie)) {
        bb_cpu_halt(&s->parent_obj);
    } else {
        /* Something is pending with no request behind it: Sstc's STIP
         * becomes true by the passage of time alone, and the stimecmp
         * timer may not have fired yet.  Without a request the loop
         * would not look, and a WFI loop would spin past it. */
        bb_cpu_request_interrupt(&s->parent_obj);
        /* And a WFI that cannot sleep is a hart waiting in a loop -
         * OpenSBI's HSM wait with a stale IPI pending and MIE clear:
         * let the hart it waits on run first. */
        bb_cpu_yield(&s->parent_obj);
    }
}

/* The TLBs are not tagged with ASIDs: sfence.vma with rs1 = x0 flushes
 * everything, otherwise the page of @vaddr in every address space. */
static void helper_sfence_vma(void *env, uint32_t insn, uint64_t vaddr,
                              uint64_t asid)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    RiscvCpu *s = env;
    unsigned rs1 = (insn >> 15) & 31;

    if (s->priv == PRV_U ||
        (s->priv == PRV_S && (s->mstatus & MSTATUS_TVM))) {
        raise_illegal(s, insn, ra);
    }
    if (rs1 == 0) {
        bb_cpu_tlb_flush(&s->parent_obj);
    } else {
        bb_cpu_tlb_flush_page(&s->parent_obj, vaddr);
    }
}

/* mret/sret write pc; the others touch no IR global. */
const BbTcgHelper riscv_h_mret = {
    .fn = helper_mret, .name = "riscv_mret",
    .ret = BB_TCG_TYPE_VOID, .nargs = 2,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32 },
};
const BbTcgHelper riscv_h_sret = {
    .fn = helper_sret, .name = "riscv_sret",
    .ret = BB_TCG_TYPE_VOID, .nargs = 2,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32 },
};
const BbTcgHelper riscv_h_wfi = {
    .fn = helper_wfi, .name = "riscv_wfi",
    .flags = BB_TCG_CALL_NO_WRITE_GLOBALS,
    .ret = BB_TCG_TYPE_VOID, .nargs = 2,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32 },
};
const BbTcgHelper riscv_h_sfence_vma = {
    .fn = helper_sfence_vma, .name = "riscv_sfence_vma",
    .flags = BB_TCG_CALL_NO_WRITE_GLOBALS,
    .ret = BB_TCG_TYPE_VOID, .nargs = 4,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32, BB_TCG_TYPE_I64,
              BB_TCG_TYPE_I64 },
};
