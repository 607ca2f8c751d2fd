/*
 * clint-ipi.c - machine software interrupts through the CLINT's msip
 * registers (CLINT group, 2 harts): msip reads back only bit 0, drives
 * mip.MSIP (read-only in mip), a self-IPI is taken at once when enabled
 * (mcause 0x8000000000000003), and each hart wakes the other from WFI
 * (MIE = 0, MSIE = 1) with an IPI, then clears its own msip.  Privileged
 * spec 1.12 sections 3.1.9 and 3.3.3; SiFive CLINT register map.
 */
#include "clint.h"
#include "insn.h"

static volatile uint32_t checked_in, woken1;

/* WFI until mip.MSIP; returns the number of WFIs it took. */
static int wait_msip(void)
{
    int n = 0;

    csr_write(mie, MIP_MSIP);
    while (!(csr_read(mip) & MIP_MSIP) && n < 100000) {
        __asm__ volatile("wfi");
        n++;
    }
    csr_write(mie, 0);
    return n;
}

int secondary_main(unsigned hartid)
{
    if (hartid == 1) {
        __atomic_store_n(&checked_in, 1, __ATOMIC_RELEASE);
        wait_msip();
        CHECK_EQ(csr_read(mip) & MIP_MSIP, MIP_MSIP);
        *CLINT_MSIP(1) = 0;
        CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);
        __atomic_store_n(&woken1, 1, __ATOMIC_RELEASE);
        *CLINT_MSIP(0) = 1;                    /* wake hart 0 */
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

int main(void)
{
    long spins = 0;
    int n;

    *CLINT_MSIP(0) = 0;
    test_case("msip register", -1);
    CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);
    *CLINT_MSIP(0) = 0xffffffff;
    CHECK_EQ(*CLINT_MSIP(0), 1);
    CHECK_EQ(csr_read(mip) & MIP_MSIP, MIP_MSIP);
    csr_clear(mip, MIP_MSIP);                  /* read-only in mip */
    CHECK_EQ(csr_read(mip) & MIP_MSIP, MIP_MSIP);
    *CLINT_MSIP(0) = 2;
    CHECK_EQ(*CLINT_MSIP(0), 0);
    CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);

    test_case("self IPI", -1);
    trap_arm();
    csr_write(mie, MIP_MSIP);
    csr_set(mstatus, MSTATUS_MIE);
    *CLINT_MSIP(0) = 1;
    for (volatile int i = 0; i < 100 && hart()->count == 0; i++) {
    }
    csr_clear(mstatus, MSTATUS_MIE);
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, CAUSE_INTR | 3);
    CHECK_EQ(csr_read(mie), 0);
    *CLINT_MSIP(0) = 0;

    test_case("IPI to hart 1 and back", -1);
    while (!__atomic_load_n(&checked_in, __ATOMIC_ACQUIRE)) {
        if (++spins > 50000000) {
            guest_puts("FAIL clint-ipi: hart 1 never started (run with 2 "
                       "harts)");
            return 200;
        }
    }
    *CLINT_MSIP(1) = 1;
    n = wait_msip();
    CHECK(n < 100000);
    CHECK_EQ(woken1, 1);
    CHECK_EQ(*CLINT_MSIP(1), 0);
    CHECK_EQ(*CLINT_MSIP(0), 1);
    *CLINT_MSIP(0) = 0;
    CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);
    return 0;
}
