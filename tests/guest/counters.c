/*
 * counters.c - the cycle/time/instret counters, privileged spec 1.12
 * sections 3.1.11-3.1.13 and 4.1.5, unprivileged chapter 10: readable in
 * M; in S only with the mcounteren bit, in U only with both the
 * mcounteren and scounteren bits (else illegal instruction at the read);
 * hpmcounter3 gated the same way; mcountinhibit freezing mcycle and
 * minstret; rates under deterministic time (--icount: one instruction
 * per ns; QEMU -icount shift=0 alike): instret and cycle advance with
 * the instructions (exactly: back-to-back reads differ by one), time at
 * the 10 MHz timebase.  QEMU's spike has no
 * time CSR (reads trap even in M): a quirk, and the time checks are
 * skipped there.
 */
#include "insn.h"

static bool have_time;

static long read_counters(long arg)
{
    unsigned priv = arg >> 8, enabled = arg & 0xff;

    (void)priv;
    if (enabled & 1) {
        EXPECT_OK("csrr t1, cycle");
    } else {
        EXPECT_ILLEGAL("csrr t1, cycle");
    }
    if (have_time) {
        if (enabled & 2) {
            EXPECT_OK("csrr t1, time");
        } else {
            EXPECT_ILLEGAL("csrr t1, time");
        }
    }
    if (enabled & 4) {
        EXPECT_OK("csrr t1, instret");
    } else {
        EXPECT_ILLEGAL("csrr t1, instret");
    }
    if (!(enabled & 8)) {
        EXPECT_ILLEGAL("csrr t1, hpmcounter3");
    }
    return 0;
}

static void check_gating(void)
{
    for (unsigned m = 0; m < 8; m++) {
        for (unsigned s = 0; s < 8; s++) {
            csr_write(mcounteren, m);
            csr_write(scounteren, s);
            CHECK_EQ(csr_read(mcounteren) & 0xf, m);
            CHECK_EQ(csr_read(scounteren) & 0xf, s);
            /* S: mcounteren alone; U: both */
            if (s == 0) {
                test_case("S, mcounteren", m);
                CHECK_EQ(enter_mode(PRV_S, read_counters, PRV_S << 8 | m),
                         0);
            }
            test_case("U, mcounteren << 4 | scounteren", m << 4 | s);
            CHECK_EQ(enter_mode(PRV_U, read_counters, PRV_U << 8 | (m & s)),
                     0);
        }
    }
    /* M ignores both */
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    read_counters(PRV_M << 8 | 0xf);
}

static void check_rates(void)
{
    uint64_t c0, i0, t0, c1, i1, t1, di, dt;

    test_case("rates", -1);
    c0 = csr_read(cycle);
    i0 = csr_read(instret);
    t0 = have_time ? csr_read(time) : 0;
    /* about 200000 instructions */
    __asm__ volatile("li t0, 50000\n"
                     "1: addi t0, t0, -1\n"
                     "nop\n"
                     "nop\n"
                     "bnez t0, 1b"
                     : : : "t0");
    c1 = csr_read(cycle);
    i1 = csr_read(instret);
    t1 = have_time ? csr_read(time) : 0;
    di = i1 - i0;
    CHECK_RANGE(di, 200000, 200100);
    CHECK_RANGE(c1 - c0, 200000, 200100);
    if (have_time) {
        dt = t1 - t0;                           /* 10 MHz, 1 GHz: / 100 */
        CHECK_RANGE(dt, 1995, 2005);
    }
}

/* instret counts retired instructions exactly: back-to-back reads differ
 * by one (the first read retired), nops count one each. */
static void check_exact(void)
{
    uint64_t a, b, c;

    test_case("instret exact", -1);
    __asm__ volatile("csrr %0, instret\n"
                     "csrr %1, instret\n"
                     "nop\n"
                     "nop\n"
                     "nop\n"
                     "nop\n"
                     "csrr %2, instret"
                     : "=r"(a), "=r"(b), "=r"(c));
    CHECK_EQ(b - a, 1);
    CHECK_EQ(c - b, 5);
    __asm__ volatile("csrr %0, minstret\n"
                     "csrr %1, minstret"
                     : "=r"(a), "=r"(b));
    CHECK_EQ(b - a, 1);
}

static void check_inhibit(void)
{
    uint64_t a, b;

    test_case("mcountinhibit", -1);
    csr_write(mcountinhibit, 5);                /* CY and IR */
    if ((csr_read(mcountinhibit) & 5) != 5) {
        CHECK_EQ(csr_read(mcountinhibit) & 5, 5);
    }
    csr_write(minstret, 1234);
    csr_write(mcycle, 5678);
    a = csr_read(minstret);
    b = csr_read(mcycle);
    for (volatile int i = 0; i < 100; i++) {
    }
    CHECK_EQ(a, 1234);
    CHECK_EQ(b, 5678);
    CHECK_EQ(csr_read(minstret), 1234);
    CHECK_EQ(csr_read(mcycle), 5678);
    csr_write(mcountinhibit, 0);
    for (volatile int i = 0; i < 100; i++) {
    }
    CHECK_RANGE(csr_read(minstret), 1234 + 100, 1234 + 10000);
    CHECK_RANGE(csr_read(mcycle), 5678 + 100, 5678 + 10000);
}

int main(void)
{
    uint64_t a, b;

    TRY_INSN("csrr t1, time");
    have_time = hart()->count == 0;
    if (!have_time) {
        CHECK_ILLEGAL(0xc0102373);
        guest_quirk("no time CSR (reads trap in M-mode)");
    } else {
        /* time does not go backwards */
        a = csr_read(time);
        b = csr_read(time);
        CHECK(b >= a);
    }
    check_gating();
    check_rates();
    check_exact();
    check_inhibit();
    return 0;
}
