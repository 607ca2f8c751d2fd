/*
 * interrupts.c - interrupts M-mode raises itself through the writable
 * mip bits (SSIP, STIP, SEIP), privileged spec 1.12 sections 3.1.6.1,
 * 3.1.9, 3.1.7 and 4.1.3: global enables per privilege (M interrupts
 * always enabled below M, S interrupts never taken in M, always in U),
 * mcause/scause with the interrupt bit, xepc = the next instruction,
 * xtval = 0, priority (SEI > SSI > STI), mideleg to S, S-mode raising
 * its own SSIP through sip, an interrupt that mret enables taken at
 * mret's target before anything runs there, WFI waking with MIE = 0 when mip & mie != 0,
 * and vectored mtvec (interrupts at base + 4 * cause, exceptions at
 * base).  Timer and software interrupts from a CLINT: clint-*.c.
 */
#include "insn.h"

/* Enable M interrupts at a known pc: returns where the interrupt was
 * expected to be taken (the instruction after the csrs). */
static uint64_t enable_mie(void)
{
    uint64_t at;

    __asm__ volatile("lla %0, 1f\n"
                     "csrs mstatus, %1\n"
                     "1: nop\n"
                     "csrc mstatus, %1"
                     : "=&r"(at) : "r"(MSTATUS_MIE) : "memory");
    return at;
}

static void check_m_interrupts(void)
{
    static const struct {
        uint64_t bit;
        unsigned cause;
    } irqs[] = { { MIP_SSIP, 1 }, { MIP_STIP, 5 }, { MIP_SEIP, 9 } };
    uint64_t at;

    for (unsigned i = 0; i < 3; i++) {
        test_case("M-mode interrupt", irqs[i].cause);
        /* pending and enabled in mie, but MIE = 0: nothing happens */
        trap_arm();
        csr_write(mie, irqs[i].bit);
        csr_write(mip, irqs[i].bit);
        for (volatile int j = 0; j < 10; j++) {
        }
        CHECK_EQ(hart()->count, 0);
        /* MIE = 1: taken at once */
        at = enable_mie();
        trap_disarm();
        CHECK_EQ(hart()->count, 1);
        CHECK_EQ(hart()->trap.cause, CAUSE_INTR | irqs[i].cause);
        CHECK_EQ(hart()->trap.epc, at);
        CHECK_EQ(hart()->trap.tval, 0);
        CHECK_EQ(hart()->trap.level, 'M');
        CHECK_EQ(hart()->trap.status & (MSTATUS_MPIE | MSTATUS_MIE),
                 MSTATUS_MPIE);
        CHECK_EQ(csr_read(mie), 0);             /* the handler's doing */
        CHECK_EQ(csr_read(mip) & irqs[i].bit, irqs[i].bit); /* still */
        csr_write(mip, 0);
    }

    /* pending but not enabled in mie: nothing */
    test_case("masked by mie", -1);
    trap_arm();
    csr_write(mie, MIP_STIP);
    csr_write(mip, MIP_SSIP);
    enable_mie();
    trap_disarm();
    CHECK_EQ(hart()->count, 0);
    csr_write(mip, 0);
    csr_write(mie, 0);

    /* priority: all three pending, taken SEI, SSI, STI */
    test_case("priority", -1);
    trap_arm();
    csr_write(mip, MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_write(mie, MIP_SSIP | MIP_STIP | MIP_SEIP);
    enable_mie();
    trap_disarm();
    CHECK_EQ(hart()->count, 3);
    if (hart()->causes[0] == (CAUSE_INTR | 1) &&
        hart()->causes[1] == (CAUSE_INTR | 5)) {
        /* QEMU 7.2 without AIA: the lowest cause number first */
        guest_quirk("interrupts are prioritised by cause number (SSI, "
                    "STI, SEI), not SEI > SSI > STI");
        CHECK_EQ(hart()->causes[2], CAUSE_INTR | 9);
    } else {
        CHECK_EQ(hart()->causes[0], CAUSE_INTR | 9);
        CHECK_EQ(hart()->causes[1], CAUSE_INTR | 1);
        CHECK_EQ(hart()->causes[2], CAUSE_INTR | 5);
    }
    csr_write(mip, 0);
}

/* mret restoring MIE = 1 with an interrupt pending: taken at mret's
 * target, before the instruction there. */
static void check_after_mret(void)
{
    uint64_t at;

    test_case("taken right after mret", -1);
    trap_arm();
    csr_write(mie, MIP_SSIP);
    csr_write(mip, MIP_SSIP);
    __asm__ volatile("lla %0, 1f\n"
                     "csrw mepc, %0\n"
                     "li t0, %1\n"
                     "csrs mstatus, t0\n"
                     "mret\n"
                     "1: nop\n"
                     "csrc mstatus, %2"
                     : "=&r"(at)
                     : "i"(MSTATUS_MPP | MSTATUS_MPIE), "r"(MSTATUS_MIE)
                     : "t0", "memory");
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, CAUSE_INTR | 1);
    CHECK_EQ(hart()->trap.epc, at);
    csr_write(mip, 0);
    csr_write(mie, 0);
}

/* Interrupts while S or U runs. */
static long lower_spin(long n)
{
    for (volatile long i = 0; i < n; i++) {
    }
    return hart()->count;
}

static long s_raise_ssip(long arg)
{
    uint64_t at;

    (void)arg;
    /* S sets its own SSIP (writable in sip when delegated); taken once
     * SIE is set, by the S handler */
    trap_arm();
    csr_set(sie, MIP_SSIP);
    csr_set(sip, MIP_SSIP);
    lower_spin(10);
    CHECK_EQ(hart()->count, 0);
    __asm__ volatile("lla %0, 1f\n"
                     "csrs sstatus, %1\n"
                     "1: nop\n"
                     "csrc sstatus, %1"
                     : "=&r"(at) : "r"(MSTATUS_SIE) : "memory");
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.cause, CAUSE_INTR | 1);
    CHECK_EQ(hart()->trap.epc, at);
    CHECK_EQ(hart()->trap.tval, 0);
    /* sstatus at the trap: SPP = S, SPIE = 1, SIE = 0 */
    CHECK_EQ(hart()->trap.status & (MSTATUS_SPP | MSTATUS_SPIE |
                                    MSTATUS_SIE),
             MSTATUS_SPP | MSTATUS_SPIE);
    CHECK_EQ(csr_read(sie) & MIP_SSIP, 0);      /* the handler cleared it */
    csr_clear(sip, MIP_SSIP);
    CHECK_EQ(csr_read(sip) & MIP_SSIP, 0);
    return 0;
}

static void check_lower_modes(void)
{
    /* not delegated: an S-level interrupt pending while S runs goes to M,
     * whatever MIE (0 here) */
    test_case("STI to M from S", -1);
    csr_write(mie, MIP_STIP);
    csr_write(mip, MIP_STIP);
    trap_arm();
    enter_mode(PRV_S, lower_spin, 1);
    trap_disarm();
    CHECK_EQ(hart()->first.cause, CAUSE_INTR | 5);
    CHECK_EQ(hart()->first.level, 'M');
    CHECK_EQ((hart()->first.status & MSTATUS_MPP) >> 11, PRV_S);
    csr_write(mip, 0);

    /* delegated: taken by S from U even with SIE = 0 */
    test_case("SSI delegated, from U", -1);
    csr_write(mideleg, MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_write(mie, MIP_SSIP);
    csr_clear(mstatus, MSTATUS_SIE);
    csr_write(mip, MIP_SSIP);
    /* in M: delegated interrupts are never taken, even with MIE = 1 */
    trap_arm();
    enable_mie();
    CHECK_EQ(hart()->count, 0);
    enter_mode(PRV_U, lower_spin, 1);
    trap_disarm();
    CHECK_EQ(hart()->first.cause, CAUSE_INTR | 1);
    CHECK_EQ(hart()->first.level, 'S');
    CHECK_EQ(hart()->first.status & MSTATUS_SPP, 0);
    csr_write(mip, 0);

    /* delegated, in S with SIE = 0: not taken; with SIE = 1: taken */
    test_case("SEI delegated, S with SIE 0", -1);
    csr_write(mie, MIP_SEIP);
    csr_write(mip, MIP_SEIP);
    trap_arm();
    CHECK_EQ(enter_mode(PRV_S, lower_spin, 20), 0);
    trap_disarm();
    test_case("SEI delegated, S with SIE 1", -1);
    csr_set(mstatus, MSTATUS_SIE);
    trap_arm();
    CHECK_EQ(enter_mode(PRV_S, lower_spin, 1), 1);
    trap_disarm();
    CHECK_EQ(hart()->first.cause, CAUSE_INTR | 9);
    CHECK_EQ(hart()->first.level, 'S');
    CHECK_EQ(hart()->first.status & (MSTATUS_SPP | MSTATUS_SPIE),
             MSTATUS_SPP | MSTATUS_SPIE);
    CHECK_EQ(csr_read(mie), 0);
    csr_clear(mstatus, MSTATUS_SIE);
    csr_write(mip, 0);

    test_case("S raises SSIP", -1);
    csr_write(mie, 0);
    CHECK_EQ(enter_mode(PRV_S, s_raise_ssip, 0), 0);
    csr_write(mideleg, 0);
    csr_write(mie, 0);
    csr_write(mip, 0);
}

/* WFI with MIE = 0 returns once mip & mie != 0, without a trap. */
static void check_wfi(void)
{
    test_case("wfi", -1);
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, MIP_STIP);
    csr_write(mip, MIP_STIP);
    EXPECT_OK("wfi");
    /* also when the interrupt is delegated (pending for S) */
    csr_write(mideleg, MIP_STIP);
    EXPECT_OK("wfi");
    csr_write(mideleg, 0);
    csr_write(mip, 0);
    csr_write(mie, 0);
}

/* Vectored mtvec: each entry notes its number and joins the normal
 * vector. */
extern char vec_table[];
volatile uint64_t vec_entry = ~0ull;
#define VEC_STUB(i)                                                           \
    "vec_stub_" #i ":\n"                                                      \
    "csrrw sp, mscratch, sp\n"                                                \
    "addi sp, sp, -16\n"                                                      \
    "sd t0, 0(sp)\n"                                                          \
    "sd t1, 8(sp)\n"                                                          \
    "li t0, " #i "\n"                                                         \
    "lla t1, vec_entry\n"                                                     \
    "sd t0, 0(t1)\n"                                                          \
    "ld t0, 0(sp)\n"                                                          \
    "ld t1, 8(sp)\n"                                                          \
    "addi sp, sp, 16\n"                                                       \
    "csrrw sp, mscratch, sp\n"                                                \
    "j m_trap_vector\n"
__asm__(".pushsection .text.trap, \"ax\", @progbits\n"
        ".option push\n"
        ".option norvc\n"
        ".align 8\n"
        "vec_table:\n"
        ".irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
        "j vec_stub_\\i\n"
        ".endr\n"
        VEC_STUB(0) VEC_STUB(1) VEC_STUB(2) VEC_STUB(3) VEC_STUB(4)
        VEC_STUB(5) VEC_STUB(6) VEC_STUB(7) VEC_STUB(8) VEC_STUB(9)
        VEC_STUB(10) VEC_STUB(11) VEC_STUB(12) VEC_STUB(13) VEC_STUB(14)
        VEC_STUB(15)
        ".option pop\n"
        ".popsection\n");

static void check_vectored(void)
{
    uint64_t old = csr_read(mtvec);

    test_case("vectored mtvec", -1);
    csr_write(mtvec, (uintptr_t)vec_table | 1);
    if ((csr_read(mtvec) & 3) != 1) {
        CHECK_EQ(csr_read(mtvec), (uintptr_t)vec_table | 1);
    }
    /* exceptions: base */
    vec_entry = ~0ull;
    TRY_INSN("ebreak");
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(vec_entry, 0);
    vec_entry = ~0ull;
    TRY_INSN("ecall");
    CHECK_EQ(vec_entry, 0);
    /* interrupts: base + 4 * cause */
    for (unsigned cause = 1; cause <= 9; cause += 4) {
        test_case("vectored interrupt", cause);
        vec_entry = ~0ull;
        trap_arm();
        csr_write(mie, 1ul << cause);
        csr_write(mip, 1ul << cause);
        enable_mie();
        trap_disarm();
        CHECK_EQ(hart()->count, 1);
        CHECK_EQ(hart()->trap.cause, CAUSE_INTR | cause);
        CHECK_EQ(vec_entry, cause);
        csr_write(mip, 0);
    }
    csr_write(mtvec, old);
}

int main(void)
{
    check_m_interrupts();
    check_after_mret();
    check_lower_modes();
    check_wfi();
    check_vectored();
    return 0;
}
