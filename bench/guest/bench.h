/*
 * bench.h - what the guest benchmarks (bench/guest) share on top of the
 * conformance suite's runtime (tests/guest/lib/guest.h: crt0, HTIF
 * console and exit, privilege switching): a deterministic pseudo-random
 * generator, a random permutation, and the one line every benchmark prints,
 *
 *   NAME checksum 0x0123456789abcdef
 *
 * which run.sh compares between breadboard (both backends) and
 * qemu-system-riscv64.  The work is fixed at compile time, so each program
 * does exactly the same instructions on every emulator.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>

#include "guest.h"

/* xorshift64*: state must not be 0 */
static inline uint64_t bench_rand(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* @a[i] = i, then a Fisher-Yates shuffle of the @n values by @rng. */
static inline void bench_shuffle(uint32_t *a, uint32_t n, uint64_t *rng)
{
    for (uint32_t i = 0; i < n; i++) {
        a[i] = i;
    }
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(bench_rand(rng) % (i + 1));
        uint32_t t = a[i];

        a[i] = a[j];
        a[j] = t;
    }
}

/* Mix a value into a running checksum (order matters). */
static inline uint64_t bench_mix(uint64_t sum, uint64_t v)
{
    sum ^= v + 0x9e3779b97f4a7c15ull + (sum << 6) + (sum >> 2);
    return sum;
}

static inline void bench_report(const char *name, uint64_t checksum)
{
    printf("%s checksum 0x%016lx\n", name, (unsigned long)checksum);
}

#endif /* BENCH_H */
