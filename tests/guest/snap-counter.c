/*
 * snap-counter.c - the guest of the snapshot tests (tests/snapshot): it
 * prints 40 numbered lines, waiting 2 ms of guest time in WFI on the
 * CLINT timer between them, each with mtime and a running hash over a
 * 64 KiB RAM buffer it keeps rewriting, then exits 0.  Everything a
 * snapshot must carry shows in the output: the hart's registers and CSRs
 * (the loop), RAM (the buffer and the hash), the CLINT's armed timer and
 * the virtual clock (mtime), the console.  Not a conformance test: it
 * has no QEMU twin and runs only under tests/snapshot.
 */
#include <stdio.h>

#include "clint.h"

#define TICKS 40
#define WORDS (64 * 1024 / 8)

static uint64_t buf[WORDS];

int main(void)
{
    uint64_t hash = 0x9e3779b97f4a7c15ull;

    csr_write(mie, MIP_MTIP);
    for (int i = 0; i < TICKS; i++) {
        *CLINT_MTIMECMP(0) = *CLINT_MTIME + 20000; /* 2 ms at 10 MHz */
        while (!(csr_read(mip) & MIP_MTIP)) {
            __asm__ volatile("wfi");
        }
        for (int w = 0; w < WORDS; w += 61) {
            buf[w] = buf[w] * 6364136223846793005ull + hash + (uint64_t)i;
            hash ^= buf[w] >> 7;
        }
        printf("tick %d mtime %lu hash %016lx\n", i,
               (unsigned long)*CLINT_MTIME, (unsigned long)hash);
    }
    csr_write(mie, 0);
    *CLINT_MTIMECMP(0) = -1ull;
    return 0;
}
