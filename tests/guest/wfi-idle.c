/*
 * wfi-idle.c - a hart in WFI sleeps (CLINT group): with MIE = 0 and only
 * the machine timer enabled in mie, WFI waits one second of guest time
 * (mtimecmp = mtime + 10,000,000 at 10 MHz) and returns once MTIP is
 * pending; the loop around it must run once.  wfi-idle.sh also runs this
 * program in normal (host) time and checks that the second passed on the
 * wall clock while the emulator used almost no CPU: the main loop sleeps
 * instead of spinning.  Privileged spec 1.12 section 3.3.3.
 */
#include "clint.h"

int main(void)
{
    uint64_t cmp;
    int n = 0;

    test_case("wfi for one second", -1);
    cmp = *CLINT_MTIME + 10000000;
    *CLINT_MTIMECMP(0) = cmp;
    csr_write(mie, MIP_MTIP);
    while (!(csr_read(mip) & MIP_MTIP) && n < 100) {
        __asm__ volatile("wfi");
        n++;
    }
    CHECK(*CLINT_MTIME >= cmp);
    CHECK_EQ(n, 1);
    csr_write(mie, 0);
    *CLINT_MTIMECMP(0) = -1ull;
    return 0;
}
