/*
 * traps.c - synchronous traps and their delegation, privileged spec 1.12
 * sections 3.1.6-3.1.8, 3.3, 4.1.1: ecall from U/S/M (causes 8/9/11,
 * mtval 0), ebreak (cause 3, mtval = pc or 0), illegal instructions
 * (mtval = encoding), access faults on unmapped addresses (1/5/7, mtval =
 * address); mstatus on a trap (MPP, MPIE = MIE, MIE = 0) and on mret
 * (MIE = MPIE, MPIE = 1, MPP = U, MPRV cleared when leaving M); sret in
 * S (SIE = SPIE, SPIE = 1, SPP = U); medeleg to S (SPP, SPIE, scause,
 * sepc, stval), never for traps taken in M; mret/sret from a lower
 * privilege, TSR, TVM and TW; WFI in U.  Interrupts: interrupts.c.
 */
#include "insn.h"

#define UNMAPPED 0x40000000ul   /* no device, no RAM (riscv-spike, QEMU) */

/* ------------------------------------------------ ecall, ebreak, illegal */

static void check_ebreak_tval(uint64_t pc)
{
    if (hart()->trap.tval == 0) {
        guest_quirk("ebreak leaves mtval 0, not the pc");
    } else {
        CHECK_EQ(hart()->trap.tval, pc);
    }
}

/* In any mode: the three synchronous traps, not delegated. */
static long basic_traps(long priv)
{
    static const unsigned ecall_cause[4] = { CAUSE_ECALL_U, CAUSE_ECALL_S,
                                             0, CAUSE_ECALL_M };
    uint64_t pc;

    pc = TRY_INSN("ecall");
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, ecall_cause[priv]);
    CHECK_EQ(hart()->trap.epc, pc);
    CHECK_EQ(hart()->trap.tval, 0);
    CHECK_EQ(hart()->trap.level, 'M');
    CHECK_EQ((hart()->trap.status & MSTATUS_MPP) >> 11, priv);
    CHECK_EQ(hart()->trap.status & MSTATUS_MIE, 0);

    pc = TRY_INSN("ebreak");
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, CAUSE_BREAKPOINT);
    CHECK_EQ(hart()->trap.epc, pc);
    check_ebreak_tval(pc);
    CHECK_EQ((hart()->trap.status & MSTATUS_MPP) >> 11, priv);

    /* unimp (csrrw x0, cycle, x0: a read-only CSR written), and an
     * opcode of no implemented extension */
    EXPECT_ILLEGAL("csrrw x0, cycle, x0");
    EXPECT_ILLEGAL(".word 0x0000005b");       /* custom-2, no extension */
    CHECK_EQ((hart()->trap.status & MSTATUS_MPP) >> 11, priv);
    return 0;
}

/* Loads, stores and fetches where nothing is: access faults. */
static long access_faults(long arg)
{
    (void)arg;
    test_case("load access fault", -1);
    trap_arm();
    ld_d(UNMAPPED + 8);
    trap_disarm();
    CHECK_TRAP(CAUSE_LOAD_ACCESS, UNMAPPED + 8);
    test_case("store access fault", -1);
    trap_arm();
    st_w(UNMAPPED + 4, 1);
    trap_disarm();
    CHECK_TRAP(CAUSE_STORE_ACCESS, UNMAPPED + 4);
    test_case("amo access fault", -1);
    trap_arm();
    __asm__ volatile("amoadd.d zero, zero, (%0)" : : "r"(UNMAPPED)
                     : "memory");
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    if (hart()->trap.cause == CAUSE_LOAD_ACCESS) {
        guest_quirk("an AMO access fault is reported as a load fault (5)");
    } else {
        CHECK_TRAP(CAUSE_STORE_ACCESS, UNMAPPED);
    }
    test_case("fetch access fault", -1);
    trap_arm();
    __asm__ volatile("lla t0, 1f\n"
                     "sd t0, %0\n"
                     "jalr ra, 0(%1)\n"
                     "1:"
                     : "=m"(hart()->resume_pc) : "r"(UNMAPPED + 0x10)
                     : "t0", "ra", "memory");
    trap_disarm();
    CHECK_TRAP(CAUSE_FETCH_ACCESS, UNMAPPED + 0x10);
    CHECK_EQ(hart()->trap.epc, UNMAPPED + 0x10);
    return 0;
}

/* ------------------------------------------------ mret / sret */

/* mret from M to M: the only way to see mstatus right after an mret. */
static uint64_t mret_to_m(uint64_t set, uint64_t clear)
{
    uint64_t after;

    csr_clear(mstatus, clear);
    csr_set(mstatus, set);
    __asm__ volatile("lla t0, 1f\n"
                     "csrw mepc, t0\n"
                     "mret\n"
                     "1: csrr %0, mstatus"
                     : "=r"(after) : : "t0", "memory");
    return after;
}

static void check_mret(void)
{
    uint64_t v;

    test_case("mret M->M", 0);
    v = mret_to_m(MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE);
    CHECK_EQ(v & MSTATUS_MIE, MSTATUS_MIE);
    CHECK_EQ(v & MSTATUS_MPIE, MSTATUS_MPIE);
    CHECK_EQ(v & MSTATUS_MPP, 0);               /* least-privileged: U */
    test_case("mret M->M", 1);
    v = mret_to_m(MSTATUS_MIE | MSTATUS_MPP, MSTATUS_MPIE);
    CHECK_EQ(v & MSTATUS_MIE, 0);
    CHECK_EQ(v & MSTATUS_MPIE, MSTATUS_MPIE);
    CHECK_EQ(v & MSTATUS_MPP, 0);
    /* returning to M keeps MPRV */
    test_case("mret M->M keeps MPRV", -1);
    v = mret_to_m(MSTATUS_MPP | MSTATUS_MPRV, MSTATUS_MIE);
    CHECK_EQ(v & MSTATUS_MPRV, MSTATUS_MPRV);
    csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_MIE);
}

/* In S after an mret that had MPRV set: the ecall's mstatus has MPRV 0
 * and MPIE = the MIE that S ran with (the old MPIE). */
static long s_after_mret(long expect_mpie)
{
    TRY_INSN("ecall");
    CHECK_EQ(hart()->trap.cause, CAUSE_ECALL_S);
    if (hart()->trap.status & MSTATUS_MPRV) {
        guest_quirk("mret to S leaves MPRV set (priv 1.11 behaviour)");
    }
    CHECK_EQ(!!(hart()->trap.status & MSTATUS_MPIE), expect_mpie);
    return 0;
}

/* sret from S to S: SIE = SPIE, SPIE = 1, SPP = U */
static long s_sret_to_s(long arg)
{
    uint64_t before, after;

    (void)arg;
    for (int spie = 0; spie < 2; spie++) {
        test_case("sret S->S, SPIE", spie);
        csr_clear(sstatus, MSTATUS_SIE | MSTATUS_SPIE);
        csr_set(sstatus, MSTATUS_SPP | (spie ? MSTATUS_SPIE : MSTATUS_SIE));
        before = csr_read(sstatus);
        __asm__ volatile("lla t0, 1f\n"
                         "csrw sepc, t0\n"
                         "sret\n"
                         "1: csrr %0, sstatus"
                         : "=r"(after) : : "t0", "memory");
        CHECK_EQ(!!(before & MSTATUS_SIE), !spie);
        CHECK_EQ(!!(after & MSTATUS_SIE), spie);
        CHECK_EQ(after & MSTATUS_SPIE, MSTATUS_SPIE);
        CHECK_EQ(after & MSTATUS_SPP, 0);
    }
    csr_clear(sstatus, MSTATUS_SIE);
    return 0;
}

/* ------------------------------------------------ delegation */

static long u_delegated(long arg)
{
    uint64_t pc;

    (void)arg;
    pc = TRY_INSN("ecall");
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.cause, CAUSE_ECALL_U);
    CHECK_EQ(hart()->trap.epc, pc);
    CHECK_EQ(hart()->trap.tval, 0);
    /* sstatus at the trap: SPP = U, SPIE = the SIE U ran with (1), SIE 0 */
    CHECK_EQ(hart()->trap.status & MSTATUS_SPP, 0);
    CHECK_EQ(hart()->trap.status & MSTATUS_SPIE, MSTATUS_SPIE);
    CHECK_EQ(hart()->trap.status & MSTATUS_SIE, 0);

    pc = TRY_INSN("ebreak");
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.cause, CAUSE_BREAKPOINT);
    CHECK_EQ(hart()->trap.epc, pc);
    check_ebreak_tval(pc);

    pc = TRY_INSN("csrrw x0, cycle, x0");
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.epc, pc);
    CHECK_ILLEGAL(0xc0001073);
    /* not delegated: load access fault goes to M */
    trap_arm();
    ld_w(UNMAPPED);
    trap_disarm();
    CHECK_TRAP(CAUSE_LOAD_ACCESS, UNMAPPED);
    CHECK_EQ(hart()->trap.level, 'M');
    return 0;
}

static long s_delegated(long arg)
{
    uint64_t pc;

    (void)arg;
    pc = TRY_INSN("ebreak");
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.cause, CAUSE_BREAKPOINT);
    CHECK_EQ(hart()->trap.epc, pc);
    CHECK_EQ(hart()->trap.status & MSTATUS_SPP, MSTATUS_SPP);
    /* ecall from S is not delegated (bit 9 clear) */
    pc = TRY_INSN("ecall");
    CHECK_EQ(hart()->trap.level, 'M');
    CHECK_EQ(hart()->trap.cause, CAUSE_ECALL_S);
    CHECK_EQ(hart()->trap.epc, pc);
    /* the S handler ran with SIE 0 and returned with SIE = SPIE */
    return 0;
}

static void check_delegation(void)
{
    csr_write(medeleg, 1u << CAUSE_ECALL_U | 1u << CAUSE_BREAKPOINT |
                           1u << CAUSE_ILLEGAL);
    csr_set(mstatus, MSTATUS_SIE);
    CHECK_EQ(enter_mode(PRV_U, u_delegated, 0), 0);
    csr_clear(mstatus, MSTATUS_SIE);
    CHECK_EQ(enter_mode(PRV_S, s_delegated, 0), 0);
    /* traps taken in M stay in M */
    {
        uint64_t pc = TRY_INSN("ebreak");
        CHECK_EQ(hart()->trap.level, 'M');
        CHECK_EQ(hart()->trap.epc, pc);
        TRY_INSN("csrrw x0, cycle, x0");
        CHECK_EQ(hart()->trap.level, 'M');
        CHECK_EQ(hart()->trap.cause, CAUSE_ILLEGAL);
    }
    csr_write(medeleg, 0);
}

/* ------------------------------------------------ privileged instructions */

static long u_priv_insns(long arg)
{
    (void)arg;
    EXPECT_ILLEGAL("mret");
    EXPECT_ILLEGAL("sret");
    EXPECT_ILLEGAL("wfi");
    EXPECT_ILLEGAL("sfence.vma");
    EXPECT_ILLEGAL("sfence.vma t0, t0");
    return 0;
}

static long s_priv_insns(long tsr_tvm_tw)
{
    EXPECT_ILLEGAL("mret");
    if (tsr_tvm_tw) {
        EXPECT_ILLEGAL("sret");
        EXPECT_ILLEGAL("csrr t1, satp");
        EXPECT_ILLEGAL("csrw satp, zero");
        EXPECT_ILLEGAL("sfence.vma");
        EXPECT_ILLEGAL("sfence.vma t0, zero");
        EXPECT_ILLEGAL("wfi");
    } else {
        EXPECT_OK("csrr t1, satp");
        EXPECT_OK("sfence.vma");
        EXPECT_OK("sfence.vma t0, t0");
        /* WFI with an interrupt pending (SSIP, delegated, SIE 0): it
         * completes without taking it */
        EXPECT_OK("wfi");
        CHECK_EQ(csr_read(sip) & MIP_SSIP, MIP_SSIP);
    }
    return 0;
}

static void check_priv_insns(void)
{
    CHECK_EQ(enter_mode(PRV_U, u_priv_insns, 0), 0);
    /* TSR/TVM/TW clear: S may use satp, sfence.vma and wfi */
    csr_write(mideleg, MIP_SSIP);
    csr_write(mie, MIP_SSIP);
    csr_write(mip, MIP_SSIP);
    csr_clear(mstatus, MSTATUS_SIE | MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW);
    CHECK_EQ(enter_mode(PRV_S, s_priv_insns, 0), 0);
    csr_write(mip, 0);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
    CHECK_EQ(enter_mode_ex(PRV_S, s_priv_insns, 1, 0,
                           MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW), 0);
    csr_clear(mstatus, MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW);
    /* M is not bound by them (WFI with an interrupt pending: mie & mip,
     * MIE 0, so it completes and nothing is taken) */
    csr_set(mstatus, MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW);
    EXPECT_OK("csrr t1, satp");
    EXPECT_OK("sfence.vma");
    csr_write(mie, MIP_SSIP);
    csr_write(mip, MIP_SSIP);
    EXPECT_OK("wfi");
    csr_write(mip, 0);
    csr_write(mie, 0);
    csr_clear(mstatus, MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW);
}

int main(void)
{
    basic_traps(PRV_M);
    CHECK_EQ(enter_mode(PRV_S, basic_traps, PRV_S), 0);
    CHECK_EQ(enter_mode(PRV_U, basic_traps, PRV_U), 0);
    access_faults(0);
    CHECK_EQ(enter_mode(PRV_S, access_faults, 0), 0);
    CHECK_EQ(enter_mode(PRV_U, access_faults, 0), 0);

    /* MIE = 1 before an ecall from M: MPIE = 1, MIE = 0 in the trap */
    csr_set(mstatus, MSTATUS_MIE);
    TRY_INSN("ecall");
    CHECK_EQ(hart()->trap.status & (MSTATUS_MIE | MSTATUS_MPIE),
             MSTATUS_MPIE);
    CHECK_EQ(csr_read(mstatus) & MSTATUS_MIE, MSTATUS_MIE); /* mret */
    csr_clear(mstatus, MSTATUS_MIE);

    check_mret();
    /* mret to S with MPRV set clears it; S runs with MIE = old MPIE */
    csr_set(mstatus, MSTATUS_MPIE);
    CHECK_EQ(enter_mode_ex(PRV_S, s_after_mret, 1, 0, MSTATUS_MPRV), 0);
    csr_clear(mstatus, MSTATUS_MPIE);
    CHECK_EQ(enter_mode_ex(PRV_S, s_after_mret, 0, 0, MSTATUS_MPRV), 0);
    CHECK_EQ(enter_mode(PRV_S, s_sret_to_s, 0), 0);

    check_delegation();
    check_priv_insns();
    return 0;
}
