/*
 * fp-div.c - division and square-root benchmark for bench/guest, M-mode:
 * normalises 2-D vectors (a square root and two divisions each) and runs
 * Newton's iteration for 1/sqrt with a division check, in both double
 * (fdiv.d, fsqrt.d) and single precision (fdiv.s, fsqrt.s).  These are
 * the operations a hardfloat fast path must get exactly right (inexact
 * flag, rounding), and the slowest ones in soft-float.  Values stay in
 * [1/4, 4]: no special cases, results bit-exact between emulators.
 */
#include <math.h>
#include <string.h>

#include "bench.h"

#define VEC 2048
#define ROUNDS 800

static double dx[VEC], dy[VEC];
static float sx[VEC], sy[VEC];

static uint64_t dbits(double d)
{
    uint64_t u;

    memcpy(&u, &d, sizeof(u));
    return u;
}

static uint64_t sbits(float f)
{
    uint32_t u;

    memcpy(&u, &f, sizeof(u));
    return u;
}

int main(void)
{
    uint64_t rng = 0x6664697673717274ull;
    uint64_t sum = 0;

    for (int i = 0; i < VEC; i++) {
        dx[i] = 0.5 + (double)(bench_rand(&rng) >> 11) * 0x1p-53;
        dy[i] = 0.5 + (double)(bench_rand(&rng) >> 11) * 0x1p-53;
        sx[i] = (float)dx[i];
        sy[i] = (float)dy[i];
    }
    for (int round = 0; round < ROUNDS; round++) {
        double dacc = 0;
        float sacc = 0;

        for (int i = 0; i < VEC; i++) {
            double r = sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
            double u = dx[i] / r, v = dy[i] / r;
            /* keep the vector in [1/4, 4]: a rotation-like remix */
            dx[i] = 0.75 + u * 0.5;
            dy[i] = 1.25 - v / (1.0 + u);
            dacc += r / dx[i];
        }
        for (int i = 0; i < VEC; i++) {
            float r = sqrtf(sx[i] * sx[i] + sy[i] * sy[i]);
            float u = sx[i] / r, v = sy[i] / r;

            sx[i] = 0.75f + u * 0.5f;
            sy[i] = 1.25f - v / (1.0f + u);
            sacc += r / sx[i];
        }
        sum = bench_mix(sum, dbits(dacc));
        sum = bench_mix(sum, sbits(sacc));
        sum = bench_mix(sum, dbits(dx[round * 13 % VEC]));
    }
    bench_report("fp-div", sum);
    return 0;
}
