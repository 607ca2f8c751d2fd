/*
 * memset.c - large-clear benchmark for bench/guest, M-mode: fills a
 * 32 MiB buffer with picolibc's memset (aligned and misaligned start),
 * a plain 8-byte word loop and a plain byte loop, as a booting kernel
 * clearing pages does.  Almost only stores, streaming through 8192 pages.
 */
#include <string.h>

#include "bench.h"

#define SIZE (32u << 20)
#define LIB_PASSES 6
#define WORD_PASSES 3
#define BYTE_PASSES 1

static uint8_t buf[SIZE] __attribute__((aligned(4096)));

static uint64_t sample(uint64_t sum)
{
    const uint64_t *w = (const uint64_t *)buf;

    for (size_t i = 0; i < SIZE / 8; i += 509) {
        sum = bench_mix(sum, w[i]);
    }
    return sum;
}

/* the loops must stay loops, not become calls to memset */
__attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))
static void set_words(uint64_t *d, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = v;
    }
}

__attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))
static void set_bytes(uint8_t *d, uint8_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = v;
    }
}

int main(void)
{
    uint64_t sum = 0;

    for (int pass = 0; pass < LIB_PASSES; pass++) {
        size_t off = (pass * 5) & 7;

        memset(buf + off, 0x11 * (pass + 1), SIZE - 8 - (pass & 3));
        sum = sample(sum);
    }
    for (int pass = 0; pass < WORD_PASSES; pass++) {
        set_words((uint64_t *)buf + pass, sum + pass, SIZE / 8 - 8);
        sum = sample(sum);
    }
    for (int pass = 0; pass < BYTE_PASSES; pass++) {
        set_bytes(buf + 1 + pass, (uint8_t)sum, SIZE - 8);
        sum = sample(sum);
    }
    bench_report("memset", sum);
    return 0;
}
