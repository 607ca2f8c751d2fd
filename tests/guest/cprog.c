/*
 * cprog.c - ordinary compiled code (gcc -O2) as a whole: a CRC-32 over a
 * xorshift buffer, deep recursion, calls through a function table with
 * 64-bit multiply/divide/remainder, a switch (jump table), an insertion
 * sort of signed values, and single/double fused multiply-add loops.
 * Built twice, with C (cprog) and without (cprog-noc, on a hart without
 * C).  Each result is printed and checked; the expected values were
 * worked out by the same C on the host (fmaf/fma for the FP loops) and
 * agree with QEMU.
 */
#include <stdio.h>
#include <string.h>

#include "guest.h"

static uint8_t buf[4096];

static uint32_t crc32(const uint8_t *p, unsigned n)
{
    uint32_t c = ~0u;

    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
        }
    }
    return ~c;
}

static uint64_t fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static int64_t op_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t op_mul(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a * (uint64_t)b);
}

static int64_t op_div(int64_t a, int64_t b)
{
    return a / (b | 1);
}

static int64_t op_rem(int64_t a, int64_t b)
{
    return a % (b | 1);
}

/* volatile: calls stay indirect */
static int64_t (*volatile const ops[])(int64_t, int64_t) = {
    op_add, op_mul, op_div, op_rem,
};

static int sw(int x)
{
    switch (x & 7) {
    case 0: return 11;
    case 1: return 7 * x;
    case 2: return x ^ 55;
    case 3: return -x;
    case 4: return x << 3;
    case 5: return x >> 1;
    case 6: return 1000 - x;
    default: return 3;
    }
}

static void isort(int64_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int64_t v = a[i];
        int j = i - 1;

        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static uint64_t show(const char *what, uint64_t v)
{
    printf("%s %016lx\n", what, (unsigned long)v);
    return v;
}

int main(void)
{
    uint64_t x = 88172645463325252ull, h = 0;
    int64_t acc = 12345, arr[200];
    float f = 1.0f;
    double d = 1.0;
    uint32_t fbits;
    uint64_t dbits;
    int s = 0;

    for (unsigned i = 0; i < sizeof(buf); i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
    CHECK_EQ(show("crc32", crc32(buf, sizeof(buf))), 0x463470a0);
    CHECK_EQ(show("fib24", fib(24)), 46368);

    for (int i = 0; i < 1000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        acc = ops[i & 3](acc, (int64_t)x >> 20);
    }
    CHECK_EQ(show("ops", (uint64_t)acc), 0xfffffffffea3a98cull);

    for (int i = 0; i < 5000; i++) {
        s += sw(i * 37);
    }
    CHECK_EQ(show("switch", (uint64_t)s), 0x32005283);

    for (int i = 0; i < 200; i++) {
        x = x * 2862933555777941757ull + 3037000493ull;
        arr[i] = (int64_t)x;
    }
    isort(arr, 200);
    for (int i = 0; i < 200; i++) {
        h = h * 31 + (uint64_t)arr[i];
    }
    CHECK_EQ(show("sort", h), 0x21f4a6862ee23d66ull);

    for (int i = 1; i < 50; i++) {
        f = __builtin_fmaf(f, 1.1f, (float)i / 3.0f);
        d = __builtin_fma(d, 1.01, 1.0 / i);
    }
    memcpy(&fbits, &f, sizeof(fbits));
    memcpy(&dbits, &d, sizeof(dbits));
    CHECK_EQ(show("fmaf", fbits), 0x456ebbff);
    CHECK_EQ(show("fma", dbits), 0x40206f19818bd0bbull);
    CHECK_EQ(show("f*1000", (uint64_t)(int64_t)(f * 1000)), 0x3a48e5);
    CHECK_EQ(show("d*1e6", (uint64_t)(int64_t)(d * 1e6)), 0x7d619f);
    return 0;
}
