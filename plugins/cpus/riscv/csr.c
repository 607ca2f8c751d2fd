/*
 * csr.c - the control and status registers of the RISC-V hart (privileged
 * architecture 1.12, chapters 2-3 and 4.1; unprivileged chapters "Zicsr"
 * and "Counters"): one table indexed by CSR number giving each register's
 * name, an optional access check, a read function and a write function
 * that applies the register's WARL rules, and the helper behind the six
 * CSR instructions.
 *
 * The generic rules come from the number itself: bits 9:8 are the lowest
 * privilege that may access the register and bits 11:10 == 3 mean
 * read-only.  A register missing from the table, an access from too low
 * a privilege, a write to a read-only register or a failed check raises
 * illegal-instruction with the instruction bits as tval; OpenSBI probes
 * optional registers exactly this way.
 *
 * Counters: time counts the virtual clock at "timebase-frequency"; cycle
 * and instret both count the instructions the hart retired
 * (bb_cpu_get_insn_count(): exact on every backend and in both timing
 * modes - a nominal hart retiring one instruction per cycle; under
 * --icount, one per virtual ns).  A CSR instruction reads the count of
 * the instructions before it; one that writes mcycle/minstret does so
 * instead of counting itself, so the next instruction reads the value
 * written (unprivileged spec, Zicsr: "the write is done instead of the
 * increment"); mcountinhibit changes count from the next instruction.
 * There are no programmable event counters.
 */
#include "riscv.h"

/* What M-mode may write in mstatus (FS only with F), and sstatus's view. */
#define MSTATUS_W                                                             \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |  \
     MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM |   \
     MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_R                                                             \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS |    \
     MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL |      \
     MSTATUS_SD)
#define SSTATUS_W                                                             \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)

#define S_INTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define ALL_INTS (S_INTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)
/* Exceptions that may be delegated: every cause that exists but M-ecall. */
#define MEDELEG_W                                                             \
    ((1u << EXC_INSN_MISALIGNED) | (1u << EXC_INSN_ACCESS) |                  \
     (1u << EXC_ILLEGAL_INSN) | (1u << EXC_BREAKPOINT) |                      \
     (1u << EXC_LOAD_MISALIGNED) | (1u << EXC_LOAD_ACCESS) |                  \
     (1u << EXC_STORE_MISALIGNED) | (1u << EXC_STORE_ACCESS) |                \
     (1u << EXC_ECALL_U) | (1u << EXC_ECALL_S) |                              \
     (1u << EXC_INSN_PAGE_FAULT) | (1u << EXC_LOAD_PAGE_FAULT) |              \
     (1u << EXC_STORE_PAGE_FAULT))

#define ENVCFG_FIOM 1ull   /* the only senvcfg bit; menvcfg adds STCE */
#define COUNTEREN_TM (1ull << 1)
#define COUNTINHIBIT_CY (1ull << 0)
#define COUNTINHIBIT_IR (1ull << 2)
#define SATP_MODE_MASK (15ull << SATP_MODE_SHIFT)
#define SATP_ASID_MASK (((1ull << SATP_ASID_BITS) - 1) << SATP_ASID_SHIFT)

typedef struct RiscvCsr {
    const char *name;  /* NULL for the numbered ranges (csr_range_name) */
    /* may the current mode access it (beyond bits 9:8)?  NULL: yes */
    bool (*check)(RiscvCpu *s, unsigned csr);
    uint64_t (*read)(RiscvCpu *s, unsigned csr); /* NULL: no such CSR */
    /* NULL: writes are ignored (read-only-zero WARL fields) */
    void (*write)(RiscvCpu *s, unsigned csr, uint64_t value);
    /* the value csrrs/csrrc modify, when it is not what a read returns
     * (mip: the software-writable bits only); NULL: read */
    uint64_t (*read_rmw)(RiscvCpu *s, unsigned csr);
} RiscvCsr;

/* ------------------------------------------------------------ helpers */

static uint64_t fix_sd(uint64_t mstatus)
{
    bool dirty = (mstatus & MSTATUS_FS) == MSTATUS_FS ||
                 (mstatus & MSTATUS_XS) == MSTATUS_XS ||
                 (mstatus & MSTATUS_VS) == MSTATUS_VS;
    return dirty ? mstatus | MSTATUS_SD : mstatus & ~MSTATUS_SD;
}

static void set_fs_dirty(RiscvCpu *s)
{
    s->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

static bool has_f(RiscvCpu *s)
{
    return (s->misa & RVF) != 0;
}

/* The virtual clock in ns, 0 outside a system (unit tests).  The timer
 * context is cached at realize: looking the system up per read (a
 * dynamic cast through the type table) was 1% of a Linux boot once
 * Sstc reads time on every mip evaluation. */
static uint64_t virtual_ns(RiscvCpu *s)
{
    return s->timers ? (uint64_t)bb_clock_get_ns(s->timers, BB_CLOCK_VIRTUAL)
                     : 0;
}

uint64_t riscv_read_time(RiscvCpu *s)
{
    unsigned __int128 t = (unsigned __int128)virtual_ns(s) *
                          s->timebase_freq;
    return (uint64_t)(t / 1000000000u);
}

/*
 * Sstc (docs/riscv.md): with menvcfg.STCE set, mip.STIP is not the
 * software bit but time >= stimecmp, evaluated whenever mip is read; a
 * virtual-clock timer at the deadline makes the loop look in time (in
 * both time modes, as the CLINT's mtimecmp timer does for MTIP).
 */
bool riscv_sstc_stip(RiscvCpu *s)
{
    return (s->menvcfg & MENVCFG_STCE) && riscv_read_time(s) >= s->stimecmp;
}

void riscv_sstc_update(RiscvCpu *s)
{
    if (s->stimer) {
        if ((s->menvcfg & MENVCFG_STCE) &&
            riscv_read_time(s) < s->stimecmp) {
            /* the first ns at which time (rounded down) reaches stimecmp */
            unsigned __int128 ns =
                ((unsigned __int128)s->stimecmp * 1000000000u +
                 s->timebase_freq - 1) / s->timebase_freq;
            if (ns >= (unsigned __int128)BB_TIME_NEVER) {
                bb_timer_del(s->stimer); /* centuries away */
            } else {
                bb_timer_mod(s->stimer, (int64_t)ns);
            }
        } else {
            bb_timer_del(s->stimer);
        }
    }
    riscv_update_interrupts(s);
}

void riscv_sstc_timer_cb(void *opaque)
{
    riscv_update_interrupts(opaque);
}

/*
 * Instructions retired once the running instruction completes: those
 * before it, plus itself when a CSR instruction is running (csr_ra set by
 * helper_csr); from a debugger or a unit test (no instruction), all so
 * far.  The counters are this plus an offset.
 */
static uint64_t retired_after(RiscvCpu *s)
{
    return bb_cpu_get_insn_count(&s->parent_obj, s->csr_ra) +
           (s->csr_ra != 0);
}

/* ------------------------------------------------------------ checks */

static bool check_fs(RiscvCpu *s, unsigned csr)
{
    return has_f(s) && (s->mstatus & MSTATUS_FS) != 0;
}

/* cycle/time/instret/hpmcounterN: bit N of mcounteren (and of scounteren
 * in U-mode) lets a lower mode read it. */
static bool check_counter(RiscvCpu *s, unsigned csr)
{
    uint64_t bit = 1ull << (csr & 31);

    if (s->priv == PRV_M) {
        return true;
    }
    if (!(s->mcounteren & bit)) {
        return false;
    }
    return s->priv == PRV_S || (s->scounteren & bit);
}

/* stimecmp exists only with Sstc; below M-mode it needs mcounteren.TM
 * and menvcfg.STCE (privileged spec, "Sstc"). */
static bool check_stimecmp(RiscvCpu *s, unsigned csr)
{
    if (!s->ext_sstc) {
        return false;
    }
    return s->priv == PRV_M || ((s->mcounteren & COUNTEREN_TM) &&
                                (s->menvcfg & MENVCFG_STCE));
}

static bool check_satp(RiscvCpu *s, unsigned csr)
{
    return !(s->priv == PRV_S && (s->mstatus & MSTATUS_TVM));
}

/* ------------------------------------------------------------ generic */

static uint64_t read_zero(RiscvCpu *s, unsigned csr)
{
    return 0;
}

/* ------------------------------------------------------------ FP */

static uint64_t read_fflags(RiscvCpu *s, unsigned csr)
{
    return s->fflags & 0x1f;
}

static void write_fflags(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->fflags = v & 0x1f;
    set_fs_dirty(s);
}

static uint64_t read_frm(RiscvCpu *s, unsigned csr)
{
    return s->frm & 7;
}

static void write_frm(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->frm = v & 7;
    set_fs_dirty(s);
}

static uint64_t read_fcsr(RiscvCpu *s, unsigned csr)
{
    return (uint64_t)(s->frm & 7) << 5 | (s->fflags & 0x1f);
}

static void write_fcsr(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->frm = (v >> 5) & 7;
    s->fflags = v & 0x1f;
    set_fs_dirty(s);
}

/* ------------------------------------------------------------ status */

static uint64_t read_mstatus(RiscvCpu *s, unsigned csr)
{
    return fix_sd(s->mstatus);
}

static void write_mstatus(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t mask = MSTATUS_W | (has_f(s) ? MSTATUS_FS : 0);
    uint64_t n = (s->mstatus & ~mask) | (v & mask);

    /* MPP is WARL: 2 (reserved) keeps the previous mode */
    if (((n & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2) {
        n = (n & ~MSTATUS_MPP) | (s->mstatus & MSTATUS_MPP);
    }
    s->mstatus = fix_sd(n);
    riscv_update_interrupts(s);
}

static uint64_t read_sstatus(RiscvCpu *s, unsigned csr)
{
    return fix_sd(s->mstatus) & SSTATUS_R;
}

static void write_sstatus(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t mask = SSTATUS_W | (has_f(s) ? MSTATUS_FS : 0);

    s->mstatus = fix_sd((s->mstatus & ~mask) | (v & mask));
    riscv_update_interrupts(s);
}

static uint64_t read_misa(RiscvCpu *s, unsigned csr)
{
    return s->misa;
}

/* ------------------------------------------------- delegation, interrupts */

static uint64_t read_medeleg(RiscvCpu *s, unsigned csr)
{
    return s->medeleg;
}

static void write_medeleg(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->medeleg = v & MEDELEG_W;
}

static uint64_t read_mideleg(RiscvCpu *s, unsigned csr)
{
    return s->mideleg;
}

static void write_mideleg(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->mideleg = v & S_INTS;
    riscv_update_interrupts(s);
}

static uint64_t read_mie(RiscvCpu *s, unsigned csr)
{
    return s->mie;
}

static void write_mie(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->mie = v & ALL_INTS;
    riscv_update_interrupts(s);
}

static uint64_t read_sie(RiscvCpu *s, unsigned csr)
{
    return s->mie & s->mideleg;
}

static void write_sie(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t mask = s->mideleg & S_INTS;

    s->mie = (s->mie & ~mask) | (v & mask);
    riscv_update_interrupts(s);
}

static uint64_t read_mip(RiscvCpu *s, unsigned csr)
{
    return riscv_read_mip(s);
}

/* A read shows SEIP as the OR of the software bit and the PLIC's line, but
 * csrrs/csrrc modify the software bit alone (privileged spec, "Machine
 * Interrupt Registers").  Were the line's value written back, OpenSBI's
 * `csrs mip, STIP` in its timer handler, run while the UART's interrupt
 * is pending, would latch SEIP in software: S-mode then takes external
 * interrupts the PLIC has nothing to claim for, forever (the real-time
 * console stall of issue 12; tests/guest/mip-rmw.c). */
static uint64_t read_mip_rmw(RiscvCpu *s, unsigned csr)
{
    return s->mip;
}

/* M-mode may set and clear the S-level bits (OpenSBI injects STIP and
 * SSIP); a bit driven by an input line stays set while the line is high.
 * With menvcfg.STCE, STIP is read-only (stimecmp drives it). */
static void write_mip(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t mask = S_INTS;

    if (s->menvcfg & MENVCFG_STCE) {
        mask &= ~MIP_STIP;
    }
    s->mip = (s->mip & ~mask) | (v & mask);
    riscv_update_interrupts(s);
}

static uint64_t read_sip(RiscvCpu *s, unsigned csr)
{
    return riscv_read_mip(s) & s->mideleg;
}

/* S-mode may only clear or set SSIP, and only when it is delegated. */
static void write_sip(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t mask = s->mideleg & MIP_SSIP;

    s->mip = (s->mip & ~mask) | (v & mask);
    riscv_update_interrupts(s);
}

/* ------------------------------------------------------------ traps */

/* xtvec: MODE 0 (direct) and 1 (vectored); a reserved mode keeps the
 * previous one. */
static uint64_t warl_tvec(uint64_t old, uint64_t v)
{
    uint64_t mode = v & 3;

    if (mode >= 2) {
        mode = old & 3;
    }
    return (v & ~3ull) | mode;
}

static uint64_t *trap_reg(RiscvCpu *s, unsigned csr)
{
    switch (csr) {
    case CSR_MTVEC: return &s->mtvec;
    case CSR_MSCRATCH: return &s->mscratch;
    case CSR_MEPC: return &s->mepc;
    case CSR_MCAUSE: return &s->mcause;
    case CSR_MTVAL: return &s->mtval;
    case CSR_STVEC: return &s->stvec;
    case CSR_SSCRATCH: return &s->sscratch;
    case CSR_SEPC: return &s->sepc;
    case CSR_SCAUSE: return &s->scause;
    case CSR_STVAL: return &s->stval;
    }
    g_assert_not_reached();
}

/* mscratch, mcause, mtval and their S counterparts: any value. */
static uint64_t read_plain(RiscvCpu *s, unsigned csr)
{
    return *trap_reg(s, csr);
}

static void write_plain(RiscvCpu *s, unsigned csr, uint64_t v)
{
    *trap_reg(s, csr) = v;
}

static void write_tvec(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t *r = trap_reg(s, csr);
    *r = warl_tvec(*r, v);
}

/* xepc: bit 0 is always 0; bit 1 reads as 0 while C is off. */
static uint64_t read_epc(RiscvCpu *s, unsigned csr)
{
    uint64_t v = *trap_reg(s, csr);
    return (s->misa & RVC) ? v : v & ~3ull;
}

static void write_epc(RiscvCpu *s, unsigned csr, uint64_t v)
{
    *trap_reg(s, csr) = v & ~1ull;
}

/* ------------------------------------------------- counters, env config */

static uint64_t read_mcounteren(RiscvCpu *s, unsigned csr)
{
    return s->mcounteren;
}

static void write_mcounteren(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->mcounteren = (uint32_t)v;
}

static uint64_t read_scounteren(RiscvCpu *s, unsigned csr)
{
    return s->scounteren;
}

static void write_scounteren(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->scounteren = (uint32_t)v;
}

static uint64_t read_menvcfg(RiscvCpu *s, unsigned csr)
{
    return s->menvcfg;
}

static void write_menvcfg(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->menvcfg = v & (ENVCFG_FIOM | (s->ext_sstc ? MENVCFG_STCE : 0));
    riscv_sstc_update(s);
}

static uint64_t read_stimecmp(RiscvCpu *s, unsigned csr)
{
    return s->stimecmp;
}

static void write_stimecmp(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->stimecmp = v;
    riscv_sstc_update(s);
}

static uint64_t read_senvcfg(RiscvCpu *s, unsigned csr)
{
    return s->senvcfg;
}

static void write_senvcfg(RiscvCpu *s, unsigned csr, uint64_t v)
{
    s->senvcfg = v & ENVCFG_FIOM;
}

/*
 * mcycle and minstret: retired instructions plus an offset that writes
 * adjust.  While inhibited (mcountinhibit.CY/IR) a counter is frozen and
 * its offset field holds the frozen value instead.  A read returns the
 * value before the reading instruction (it has not retired yet); a write
 * or an un-inhibit sets the value the next instruction sees.
 */
static uint64_t *counter_offset(RiscvCpu *s, unsigned csr, uint64_t *bit)
{
    if ((csr & 0x1f) == (CSR_MCYCLE & 0x1f)) {
        *bit = COUNTINHIBIT_CY;
        return &s->mcycle_offset;
    }
    *bit = COUNTINHIBIT_IR;
    return &s->minstret_offset;
}

static uint64_t read_counter(RiscvCpu *s, unsigned csr)
{
    uint64_t bit, *off = counter_offset(s, csr, &bit);

    if (s->mcountinhibit & bit) {
        return *off;
    }
    return bb_cpu_get_insn_count(&s->parent_obj, s->csr_ra) + *off;
}

static void write_counter(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t bit, *off = counter_offset(s, csr, &bit);

    *off = (s->mcountinhibit & bit) ? v : v - retired_after(s);
}

void riscv_counters_save(RiscvCpu *s)
{
    s->mcycle_saved = read_counter(s, CSR_MCYCLE);
    s->minstret_saved = read_counter(s, CSR_MINSTRET);
}

/* Like a write, but of the value the counter had before the next
 * instruction, not after the one writing it. */
void riscv_counters_load(RiscvCpu *s)
{
    uint64_t now = bb_cpu_get_insn_count(&s->parent_obj, 0);

    s->mcycle_offset = (s->mcountinhibit & COUNTINHIBIT_CY)
                           ? s->mcycle_saved : s->mcycle_saved - now;
    s->minstret_offset = (s->mcountinhibit & COUNTINHIBIT_IR)
                             ? s->minstret_saved : s->minstret_saved - now;
}

static uint64_t read_mcountinhibit(RiscvCpu *s, unsigned csr)
{
    return s->mcountinhibit;
}

static void write_mcountinhibit(RiscvCpu *s, unsigned csr, uint64_t v)
{
    static const unsigned counters[] = { CSR_MCYCLE, CSR_MINSTRET };
    uint64_t now = retired_after(s);  /* this write counts as running */

    v &= COUNTINHIBIT_CY | COUNTINHIBIT_IR;
    for (unsigned i = 0; i < G_N_ELEMENTS(counters); i++) {
        uint64_t bit, *off = counter_offset(s, counters[i], &bit);
        if ((v & bit) && !(s->mcountinhibit & bit)) {
            *off = now + *off;      /* freeze at the current value */
        } else if (!(v & bit) && (s->mcountinhibit & bit)) {
            *off = *off - now;      /* run on from the frozen value */
        }
    }
    s->mcountinhibit = v;
}

static uint64_t read_time(RiscvCpu *s, unsigned csr)
{
    return riscv_read_time(s);
}

/* ------------------------------------------------------------ satp */

static uint64_t read_satp(RiscvCpu *s, unsigned csr)
{
    return s->satp;
}

/* WARL: a MODE the hart lacks leaves satp unchanged (Linux probes Sv57,
 * then Sv48, then Sv39 this way).  16 ASID bits. */
static void write_satp(RiscvCpu *s, unsigned csr, uint64_t v)
{
    unsigned mode = v >> SATP_MODE_SHIFT;
    uint64_t n;

    if (mode != SATP_BARE && (mode < SATP_SV39 || mode > s->satp_mode_max)) {
        return;
    }
    n = v & (SATP_MODE_MASK | SATP_ASID_MASK | SATP_PPN_MASK);
    if (n != s->satp) {
        s->satp = n;
        bb_cpu_tlb_flush(&s->parent_obj);
    }
}

/* ------------------------------------------------------------ PMP */

/* pmpcfg0 and pmpcfg2 hold the 16 entries; the higher even registers and
 * pmpaddr16..63 (and all of them without PMP) are read-only zero. */
static uint64_t read_pmpcfg(RiscvCpu *s, unsigned csr)
{
    unsigned reg = csr - CSR_PMPCFG0;

    if (reg * 4 >= s->pmp_entries) {
        return 0;
    }
    return riscv_pmpcfg_read(s, reg);
}

static void write_pmpcfg(RiscvCpu *s, unsigned csr, uint64_t v)
{
    unsigned reg = csr - CSR_PMPCFG0;

    if (reg * 4 < s->pmp_entries) {
        riscv_pmpcfg_write(s, reg, v);
    }
}

static uint64_t read_pmpaddr(RiscvCpu *s, unsigned csr)
{
    unsigned i = csr - CSR_PMPADDR0;

    if (i >= s->pmp_entries) {
        return 0;
    }
    return riscv_pmpaddr_read(s, i);
}

static void write_pmpaddr(RiscvCpu *s, unsigned csr, uint64_t v)
{
    unsigned i = csr - CSR_PMPADDR0;

    if (i < s->pmp_entries) {
        riscv_pmpaddr_write(s, i, v);
    }
}

/* ------------------------------------------------------------ IDs */

static uint64_t read_mhartid(RiscvCpu *s, unsigned csr)
{
    return s->parent_obj.hartid;
}

/* ------------------------------------------------------------ the table */

#define CSR(num, nm, chk, rd, wr)                                            \
    [num] = { .name = (nm), .check = (chk), .read = (rd), .write = (wr) }
#define CSR_RANGE(first, last, chk, rd, wr)                                  \
    [first ... last] = { .check = (chk), .read = (rd), .write = (wr) }

static const RiscvCsr csr_table[4096] = {
    CSR(CSR_FFLAGS, "fflags", check_fs, read_fflags, write_fflags),
    CSR(CSR_FRM, "frm", check_fs, read_frm, write_frm),
    CSR(CSR_FCSR, "fcsr", check_fs, read_fcsr, write_fcsr),

    CSR(CSR_SSTATUS, "sstatus", NULL, read_sstatus, write_sstatus),
    CSR(CSR_SIE, "sie", NULL, read_sie, write_sie),
    CSR(CSR_STVEC, "stvec", NULL, read_plain, write_tvec),
    CSR(CSR_SCOUNTEREN, "scounteren", NULL, read_scounteren,
        write_scounteren),
    CSR(CSR_SENVCFG, "senvcfg", NULL, read_senvcfg, write_senvcfg),
    CSR(CSR_SSCRATCH, "sscratch", NULL, read_plain, write_plain),
    CSR(CSR_SEPC, "sepc", NULL, read_epc, write_epc),
    CSR(CSR_SCAUSE, "scause", NULL, read_plain, write_plain),
    CSR(CSR_STVAL, "stval", NULL, read_plain, write_plain),
    CSR(CSR_SIP, "sip", NULL, read_sip, write_sip),
    CSR(CSR_STIMECMP, "stimecmp", check_stimecmp, read_stimecmp,
        write_stimecmp),
    CSR(CSR_SATP, "satp", check_satp, read_satp, write_satp),

    CSR(CSR_MSTATUS, "mstatus", NULL, read_mstatus, write_mstatus),
    CSR(CSR_MISA, "misa", NULL, read_misa, NULL),
    CSR(CSR_MEDELEG, "medeleg", NULL, read_medeleg, write_medeleg),
    CSR(CSR_MIDELEG, "mideleg", NULL, read_mideleg, write_mideleg),
    CSR(CSR_MIE, "mie", NULL, read_mie, write_mie),
    CSR(CSR_MTVEC, "mtvec", NULL, read_plain, write_tvec),
    CSR(CSR_MCOUNTEREN, "mcounteren", NULL, read_mcounteren,
        write_mcounteren),
    CSR(CSR_MENVCFG, "menvcfg", NULL, read_menvcfg, write_menvcfg),
    CSR(CSR_MCOUNTINHIBIT, "mcountinhibit", NULL, read_mcountinhibit,
        write_mcountinhibit),
    CSR_RANGE(CSR_MHPMEVENT3, CSR_MHPMEVENT31, NULL, read_zero, NULL),
    CSR(CSR_MSCRATCH, "mscratch", NULL, read_plain, write_plain),
    CSR(CSR_MEPC, "mepc", NULL, read_epc, write_epc),
    CSR(CSR_MCAUSE, "mcause", NULL, read_plain, write_plain),
    CSR(CSR_MTVAL, "mtval", NULL, read_plain, write_plain),
    [CSR_MIP] = { .name = "mip", .read = read_mip, .write = write_mip,
                  .read_rmw = read_mip_rmw },
    /* RV64 has only the even pmpcfg registers */
    CSR(CSR_PMPCFG0 + 0, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR(CSR_PMPCFG0 + 2, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR(CSR_PMPCFG0 + 4, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR(CSR_PMPCFG0 + 6, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR(CSR_PMPCFG0 + 8, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR(CSR_PMPCFG0 + 10, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR(CSR_PMPCFG0 + 12, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR(CSR_PMPCFG0 + 14, NULL, NULL, read_pmpcfg, write_pmpcfg),
    CSR_RANGE(CSR_PMPADDR0, CSR_PMPADDR63, NULL, read_pmpaddr,
              write_pmpaddr),

    /* no triggers: tselect reads 0 and tdata1 type 0 ("none") */
    CSR(CSR_TSELECT, "tselect", NULL, read_zero, NULL),
    CSR(CSR_TDATA1, "tdata1", NULL, read_zero, NULL),
    CSR(CSR_TDATA2, "tdata2", NULL, read_zero, NULL),
    CSR(CSR_TDATA3, "tdata3", NULL, read_zero, NULL),

    CSR(CSR_MCYCLE, "mcycle", NULL, read_counter, write_counter),
    CSR(CSR_MINSTRET, "minstret", NULL, read_counter, write_counter),
    CSR_RANGE(CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, NULL, read_zero, NULL),
    CSR(CSR_CYCLE, "cycle", check_counter, read_counter, NULL),
    CSR(CSR_TIME, "time", check_counter, read_time, NULL),
    CSR(CSR_INSTRET, "instret", check_counter, read_counter, NULL),
    CSR_RANGE(CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, check_counter, read_zero,
              NULL),

    CSR(CSR_MVENDORID, "mvendorid", NULL, read_zero, NULL),
    CSR(CSR_MARCHID, "marchid", NULL, read_zero, NULL),
    CSR(CSR_MIMPID, "mimpid", NULL, read_zero, NULL),
    CSR(CSR_MHARTID, "mhartid", NULL, read_mhartid, NULL),
    CSR(CSR_MCONFIGPTR, "mconfigptr", NULL, read_zero, NULL),
};

/* Names of the numbered families, made once. */
static const char *csr_range_name(unsigned csr)
{
    static const struct {
        unsigned first, last, base;
        const char *prefix;
    } ranges[] = {
        { CSR_MHPMEVENT3, CSR_MHPMEVENT31, 3, "mhpmevent" },
        { CSR_PMPCFG0, CSR_PMPCFG15, 0, "pmpcfg" },
        { CSR_PMPADDR0, CSR_PMPADDR63, 0, "pmpaddr" },
        { CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, 3, "mhpmcounter" },
        { CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, 3, "hpmcounter" },
    };
    static const char **names;

    if (g_once_init_enter(&names)) {
        const char **n = g_new0(const char *, 4096);
        for (unsigned r = 0; r < G_N_ELEMENTS(ranges); r++) {
            for (unsigned c = ranges[r].first; c <= ranges[r].last; c++) {
                n[c] = g_strdup_printf("%s%u", ranges[r].prefix,
                                       c - ranges[r].first + ranges[r].base);
            }
        }
        g_once_init_leave(&names, n);
    }
    return names[csr];
}

const char *riscv_csr_name(unsigned csr)
{
    if (csr >= 4096 || !csr_table[csr].read) {
        return NULL;
    }
    return csr_table[csr].name ? csr_table[csr].name : csr_range_name(csr);
}

/* ------------------------------------------------------------ access */

bool riscv_csr_peek(RiscvCpu *s, unsigned csr, uint64_t *value)
{
    if (csr >= 4096 || !csr_table[csr].read) {
        return false;
    }
    *value = csr_table[csr].read(s, csr);
    return true;
}

bool riscv_csr_poke(RiscvCpu *s, unsigned csr, uint64_t value)
{
    if (csr >= 4096 || !csr_table[csr].read || !csr_table[csr].write) {
        return false;
    }
    csr_table[csr].write(s, csr, value);
    return true;
}

bool riscv_csr_op(RiscvCpu *s, uint32_t insn, uint64_t src, uint64_t *old)
{
    unsigned funct3 = (insn >> 12) & 7;
    unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
    unsigned csr = insn >> 20;
    const RiscvCsr *c = &csr_table[csr];
    bool read, write;
    uint64_t v = 0;

    switch (funct3 & 3) {
    case 1:                 /* csrrw(i): reads only for a real rd */
        read = rd != 0;
        write = true;
        break;
    case 2:                 /* csrrs(i), csrrc(i): x0/uimm 0 don't write */
    case 3:
        read = true;
        write = rs1 != 0;
        break;
    default:
        return false;
    }
    if (!c->read || s->priv < ((csr >> 8) & 3) ||
        (write && (csr >> 10) == 3) || (c->check && !c->check(s, csr))) {
        return false;
    }
    if (read) {
        v = c->read(s, csr);
    }
    if (write && c->write) {
        uint64_t base = c->read_rmw ? c->read_rmw(s, csr) : v;
        uint64_t n = (funct3 & 3) == 1 ? src
                     : (funct3 & 3) == 2 ? base | src : base & ~src;
        c->write(s, csr, n);
    }
    *old = read ? v : 0;
    return true;
}

static uint64_t helper_csr(void *env, uint32_t insn, uint64_t src)
{
    RiscvCpu *s = env;
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    uint64_t old;
    bool ok;

    s->csr_ra = ra;
    ok = riscv_csr_op(s, insn, src, &old);
    s->csr_ra = 0;
    if (!ok) {
        bb_cpu_raise_exception(env, EXC_ILLEGAL_INSN, insn, ra);
    }
    return old;
}

/* Writes no IR global (gpr, pc): the translator stores the result. */
const BbTcgHelper riscv_h_csr = {
    .fn = helper_csr, .name = "riscv_csr",
    .flags = BB_TCG_CALL_NO_WRITE_GLOBALS,
    .ret = BB_TCG_TYPE_I64, .nargs = 3,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32, BB_TCG_TYPE_I64 },
};

/* ------------------------------------------------------------ reset */

void riscv_csr_reset(RiscvCpu *s)
{
    s->mstatus = (2ull << 32) | (2ull << 34); /* UXL = SXL = 64 bits */
    s->medeleg = s->mideleg = 0;
    s->mie = s->mip = 0;
    s->mtvec = s->mscratch = s->mepc = s->mcause = s->mtval = 0;
    s->mcounteren = s->mcountinhibit = s->menvcfg = 0;
    s->stvec = s->sscratch = s->sepc = s->scause = s->stval = 0;
    s->satp = s->scounteren = s->senvcfg = 0;
    s->stimecmp = 0;
    if (s->stimer) {
        bb_timer_del(s->stimer); /* STCE is 0 again */
    }
    s->fflags = s->frm = 0;
    /* the counters restart from 0 */
    s->mcycle_offset = s->minstret_offset = -retired_after(s);
    memset(s->pmpcfg, 0, sizeof(s->pmpcfg));
    memset(s->pmpaddr, 0, sizeof(s->pmpaddr));
    riscv_pmp_changed(s);
}
