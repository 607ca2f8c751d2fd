/*
 * smp-handover.c - a flag published before the data it guards, read by
 * a hart waiting in a WFI loop that cannot sleep: the pattern of OpenSBI
 * 1.1/1.2's hart start (START_PENDING stored before the start address,
 * the secondary spinning in its HSM wait with an IPI pending and MIE
 * clear).  On parallel harts the writer's second store lands a few
 * instructions after the first, long before the waiter, about 1000
 * instructions of work after seeing the flag, reads the data.  With the
 * harts taking turns on one host thread, the writer's turn can end
 * between the two stores; the waiter must then not run 1000 instructions
 * before the writer runs again (bb_cpu_yield(): a WFI that cannot sleep
 * ends the hart's turn and keeps its next one short).
 *
 * Hart 0 places the flag store at every offset (in steps of STEP
 * instructions; the data store follows in a block of about 30
 * instructions) of its instruction count modulo the execution loop's
 * quantum, QUANTUM, so that with --icount (deterministic turns) some
 * round puts the end of its turn between the stores.  Prints the rounds and the stale reads; fails
 * (exit code 1) on any stale read.
 */
#include <stdio.h>

#include "clint.h"

#define QUANTUM 10000 /* EXEC_QUANTUM_INSNS */
#define STEP 16
#define ROUNDS (QUANTUM / STEP + 8)
#define WORK 250      /* loop iterations: about 1000 instructions */

static volatile uint32_t flag, data, ack, started, stale, first_stale;

int secondary_main(unsigned hartid)
{
    if (hartid == 1) {
        /* An IPI pending and enabled in mie, MIE clear: WFI returns at
         * once, so the wait below spins through it. */
        *CLINT_MSIP(1) = 1;
        csr_write(mie, MIP_MSIP);
        __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
        for (uint32_t r = 1; r <= ROUNDS; r++) {
            while (__atomic_load_n(&flag, __ATOMIC_RELAXED) != r) {
                __asm__ volatile("wfi");
            }
            for (volatile uint32_t i = 0; i < WORK; i++) {
            }
            if (__atomic_load_n(&data, __ATOMIC_RELAXED) != r) {
                stale++;
                if (!first_stale) {
                    first_stale = r;
                }
            }
            __atomic_store_n(&ack, r, __ATOMIC_RELEASE);
        }
        csr_write(mie, 0);
        *CLINT_MSIP(1) = 0;
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* The data store in a block of its own (a call, as in OpenSBI): a turn
 * ends only between translated blocks. */
__attribute__((noinline)) static void put_data(uint32_t r)
{
    __asm__ volatile(".rept 24\n nop\n .endr");
    __atomic_store_n(&data, r, __ATOMIC_RELAXED);
}

int main(void)
{
    long spins = 0;

    test_case("flag before data, read by a waiter in a WFI loop", -1);
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE)) {
        if (++spins > 50000000) {
            guest_puts("FAIL smp-handover: hart 1 never started (run with "
                       "2 harts)");
            return 200;
        }
    }
    for (uint32_t r = 1; r <= ROUNDS; r++) {
        uint64_t target = (uint64_t)r * STEP % QUANTUM;

        while (csr_read(minstret) % QUANTUM - target >= STEP) {
        }
        /* the "publish", then the data about 30 instructions later */
        __atomic_store_n(&flag, r, __ATOMIC_RELAXED);
        put_data(r);
        while (__atomic_load_n(&ack, __ATOMIC_ACQUIRE) != r) {
        }
    }
    printf("smp-handover: %u rounds, %u stale reads (first in round %u)\n",
           (unsigned)ROUNDS, (unsigned)stale, (unsigned)first_stale);
    return stale ? 1 : 0;
}
