/*
 * clint-timer.c - the machine timer (CLINT group): mtime counting at
 * 10 MHz under deterministic time (100 instructions per tick with
 * --icount / QEMU -icount shift=0), the time CSR following mtime, MTIP =
 * (mtime >= mtimecmp) and read-only in mip, the timer interrupt (mcause
 * 0x8000000000000007) when enabled, WFI with MIE = 0 returning once the
 * timer is pending, and an M-mode handler forwarding it to S through
 * mip.STIP (as SBI firmware does), taken by S as a delegated interrupt.
 * Privileged spec 1.12 sections 3.1.9, 3.2.1, 3.3.3.
 */
#include <stddef.h>

#include "clint.h"
#include "insn.h"

static void spin(unsigned long n)
{
    __asm__ volatile("1: addi %0, %0, -1\n"
                     "bnez %0, 1b"
                     : "+r"(n));
}

static void check_mtime(void)
{
    uint64_t t0, t1, c;

    test_case("mtime", -1);
    t0 = *CLINT_MTIME;
    spin(10000);                       /* 20000 instructions: 200 ticks */
    t1 = *CLINT_MTIME;
    CHECK_RANGE(t1 - t0, 190, 230);
    TRY_INSN("csrr t1, time");
    if (hart()->count) {
        guest_quirk("no time CSR (reads trap in M-mode)");
    } else {
        __asm__ volatile("csrr %0, time" : "=r"(c));
        t1 = *CLINT_MTIME;
        CHECK_RANGE(t1 - c, 0, 5);
    }
}

static void check_mtip(void)
{
    test_case("MTIP", -1);
    *CLINT_MTIMECMP(0) = -1ull;
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
    csr_set(mip, MIP_MTIP);                    /* read-only in mip */
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
    *CLINT_MTIMECMP(0) = 0;
    CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
    csr_clear(mip, MIP_MTIP);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
    *CLINT_MTIMECMP(0) = *CLINT_MTIME + 1000000;
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
    CHECK_EQ(*CLINT_MTIMECMP(0) > *CLINT_MTIME, 1);
    *CLINT_MTIMECMP(0) = -1ull;
}

static void check_interrupt(void)
{
    uint64_t cmp;
    long n = 0;

    test_case("timer interrupt", -1);
    cmp = *CLINT_MTIME + 200;
    *CLINT_MTIMECMP(0) = cmp;
    trap_arm();
    csr_write(mie, MIP_MTIP);
    csr_set(mstatus, MSTATUS_MIE);
    while (hart()->count == 0 && ++n < 1000000) {
    }
    csr_clear(mstatus, MSTATUS_MIE);
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, CAUSE_INTR | 7);
    CHECK_EQ(hart()->trap.tval, 0);
    CHECK(*CLINT_MTIME >= cmp);
    CHECK_EQ(csr_read(mie), 0);                /* the handler's doing */
    CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
    *CLINT_MTIMECMP(0) = -1ull;
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
}

static void check_wfi(void)
{
    uint64_t cmp;
    int n = 0;

    test_case("wfi", -1);
    cmp = *CLINT_MTIME + 5000;                 /* 0.5 ms */
    *CLINT_MTIMECMP(0) = cmp;
    csr_write(mie, MIP_MTIP);
    trap_arm();
    while (!(csr_read(mip) & MIP_MTIP) && n < 1000) {
        __asm__ volatile("wfi");
        n++;
    }
    trap_disarm();
    CHECK_NO_TRAP();
    CHECK(*CLINT_MTIME >= cmp);
    if (n != 1) {
        CHECK(n > 0 && n < 1000);
        guest_quirk("WFI returned before the timer was pending");
    }
    csr_write(mie, 0);
    *CLINT_MTIMECMP(0) = -1ull;
}

/* M forwards its timer to S: on MTI, disable it and raise STIP. */
static bool forward_timer(struct trap_frame *f, uint64_t cause)
{
    (void)f;
    if (cause != (CAUSE_INTR | 7)) {
        return false;
    }
    *CLINT_MTIMECMP(0) = -1ull;
    csr_set(mip, MIP_STIP);
    return true;
}

static long s_wait_timer(long arg)
{
    long n = 0;

    (void)arg;
    trap_arm();
    csr_set(sie, MIP_STIP);
    csr_set(sstatus, MSTATUS_SIE);
    while (hart()->count == 0 && ++n < 1000000) {
    }
    csr_clear(sstatus, MSTATUS_SIE);
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.cause, CAUSE_INTR | 5);
    return 0;
}

static void check_forward_to_s(void)
{
    test_case("timer forwarded to S", -1);
    hart()->m_hook = forward_timer;
    csr_write(mideleg, MIP_STIP);
    csr_write(mie, MIP_MTIP);
    *CLINT_MTIMECMP(0) = *CLINT_MTIME + 300;
    CHECK_EQ(enter_mode(PRV_S, s_wait_timer, 0), 0);
    CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
    csr_clear(mip, MIP_STIP);
    hart()->m_hook = NULL;
    csr_write(mie, 0);
    csr_write(mideleg, 0);
}

int main(void)
{
    *CLINT_MTIMECMP(0) = -1ull;
    check_mtime();
    check_mtip();
    check_interrupt();
    check_wfi();
    check_forward_to_s();
    return 0;
}
