/*
 * memcpy.c - large-copy benchmark for bench/guest, M-mode: copies between
 * two 32 MiB buffers with a word loop unrolled to 64 bytes an iteration
 * (as a kernel's memcpy/copy_page does), a plain 8-byte word loop, and on
 * a quarter of the buffer picolibc's memcpy (which for RISC-V is a byte
 * loop) and a plain byte loop.  Nearly every guest instruction is a load
 * or a store streaming through 16384 pages: the softmmu hit path and a
 * TLB refill every 4 KiB.
 */
#include <string.h>

#include "bench.h"

#define SIZE (32u << 20)
#define UNROLLED_PASSES 8
#define WORD_PASSES 4
#define LIB_PASSES 2                     /* of SIZE / 4 */
#define BYTE_PASSES 1                    /* of SIZE / 4 */

static uint8_t src[SIZE] __attribute__((aligned(4096)));
static uint8_t dst[SIZE] __attribute__((aligned(4096)));

/* a sparse sample of @p: every 509th word, so all pages count */
static uint64_t sample(uint64_t sum, const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *)p;

    for (size_t i = 0; i < SIZE / 8; i += 509) {
        sum = bench_mix(sum, w[i]);
    }
    return sum;
}

/* the loops must stay loops, not become calls to memcpy */
__attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))
static void copy_words(uint64_t *d, const uint64_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

/* 64 bytes an iteration, all loads before the stores; @n: words, % 8 == 0 */
__attribute__((noinline))
static void copy_unrolled(uint64_t *d, const uint64_t *s, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w0 = s[i], w1 = s[i + 1], w2 = s[i + 2], w3 = s[i + 3];
        uint64_t w4 = s[i + 4], w5 = s[i + 5], w6 = s[i + 6];
        uint64_t w7 = s[i + 7];

        d[i] = w0, d[i + 1] = w1, d[i + 2] = w2, d[i + 3] = w3;
        d[i + 4] = w4, d[i + 5] = w5, d[i + 6] = w6, d[i + 7] = w7;
    }
}

__attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))
static void copy_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

int main(void)
{
    uint64_t rng = 0x6d656d6370793132ull;
    uint64_t sum = 0;

    for (size_t i = 0; i < SIZE / 8; i++) {
        ((uint64_t *)src)[i] = bench_rand(&rng);
    }
    for (int pass = 0; pass < UNROLLED_PASSES; pass++) {
        copy_unrolled((uint64_t *)dst, (const uint64_t *)src + pass,
                      SIZE / 8 - 8);
        sum = sample(sum, dst);
        src[pass * 4099] ^= (uint8_t)sum;
    }
    for (int pass = 0; pass < WORD_PASSES; pass++) {
        copy_words((uint64_t *)dst, (const uint64_t *)src + pass,
                   SIZE / 8 - 4);
        sum = sample(sum, dst);
    }
    for (int pass = 0; pass < LIB_PASSES; pass++) {
        /* odd passes: both 3 bytes past a word boundary */
        size_t off = (pass & 1) ? 3 : 0;

        memcpy(dst + off + pass * (SIZE / 4), src + off, SIZE / 4);
        sum = sample(sum, dst);
    }
    for (int pass = 0; pass < BYTE_PASSES; pass++) {
        copy_bytes(dst + 8 + SIZE / 2, src + pass, SIZE / 4);
        sum = sample(sum, dst);
    }
    bench_report("memcpy", sum);
    return 0;
}
