/*
 * smp-pingpong.c - two harts hand a token back and forth by spinning on
 * a shared word (no WFI, no interrupts), 1000 round trips, and the guest
 * time they took is printed.  A hart only sees the other's store once the
 * other runs, so with both harts on one host thread the round trip is as
 * long as the execution loop lets one hart spin before switching: the
 * per-hart instruction budget inside chained code makes that a quantum
 * of 10,000 instructions (tens of microseconds) instead of a 1 ms kick
 * (issue 12).  Fails (exit code 1) when the round trips take more than
 * PINGPONG_MAX_MS of guest time: about 20 ms with --icount, well under
 * that in normal time on the JIT (smp-pingpong.sh), about 2 s with 1 ms
 * switches.
 */
#include <stdio.h>

#include "clint.h"

#define ROUNDS 1000
#define PINGPONG_MAX_MS 500

static volatile uint32_t turn, started;

int secondary_main(unsigned hartid)
{
    if (hartid == 1) {
        __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
        for (unsigned i = 0; i < ROUNDS; i++) {
            while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1) {
            }
            __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
        }
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

int main(void)
{
    uint64_t t0, ms;

    test_case("1000 round trips between two spinning harts", -1);
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE)) {
    }
    t0 = *CLINT_MTIME;
    for (unsigned i = 0; i < ROUNDS; i++) {
        __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 0) {
        }
    }
    ms = (*CLINT_MTIME - t0) / 10000;
    printf("smp-pingpong: %d round trips in %lu ms of guest time "
           "(bound: %d ms)\n", ROUNDS, (unsigned long)ms, PINGPONG_MAX_MS);
    return ms > PINGPONG_MAX_MS ? 1 : 0;
}
