/*
 * fpkern.h - the floating-point kernels of bench/guest's fp-single.c and
 * fp-double.c, written once over the type FLT (float or double, defined
 * by the includer together with FP_NAME): a 64 x 64 matrix product
 * (fmadd in the inner loop), Horner evaluation of a degree-12 polynomial
 * over an array, and axpy plus a dot product over 4096 elements.  Inputs
 * are chosen so every value stays near 1: only ordinary rounding, no
 * overflow, underflow, subnormal or NaN, so results must match bit for
 * bit between emulators (the checksum is over the bit patterns).
 */
#include <string.h>

#include "bench.h"

#define N 64
#define VEC 4096
#define ROUNDS 60

static FLT a[N][N], b[N][N], c[N][N];
static FLT x[VEC], y[VEC];

static uint64_t fbits(FLT f)
{
    uint64_t u = 0;

    memcpy(&u, &f, sizeof(f));
    return u;
}

static FLT rand_unit(uint64_t *rng)
{
    return (FLT)(bench_rand(rng) >> 40) * (FLT)(1.0 / 16777216.0);
}

static void matmul(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            FLT s = 0;

            for (int k = 0; k < N; k++) {
                s += a[i][k] * b[k][j];
            }
            c[i][j] = s;
        }
    }
    memcpy(a, c, sizeof(a));
}

static FLT horner(FLT t)
{
    static const FLT coef[13] = {
        1.0, 0.5, -0.25, 0.125, -0.0625, 0.03125, -0.015625,
        0.0078125, -0.00390625, 0.001953125, -0.0009765625,
        0.00048828125, -0.000244140625,
    };
    FLT s = coef[12];

    for (int i = 11; i >= 0; i--) {
        s = s * t + coef[i];
    }
    return s;
}

int main(void)
{
    uint64_t rng = 0x66706b65726e656cull;
    uint64_t sum = 0;

    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = rand_unit(&rng);
            b[i][j] = rand_unit(&rng) * (FLT)(2.0 / N);
        }
    }
    for (int i = 0; i < VEC; i++) {
        x[i] = rand_unit(&rng);
        y[i] = rand_unit(&rng);
    }
    for (int round = 0; round < ROUNDS; round++) {
        FLT dot = 0, alpha = (FLT)0.5 + (FLT)round * (FLT)(1.0 / 256);

        matmul();
        for (int i = 0; i < VEC; i++) {
            x[i] = horner(x[i] - (FLT)0.5) - (FLT)0.5;
        }
        for (int i = 0; i < VEC; i++) {
            y[i] = (alpha * x[i] + y[i]) * (FLT)0.5;
            dot += x[i] * y[i];
        }
        sum = bench_mix(sum, fbits(dot));
        sum = bench_mix(sum, fbits(a[round % N][(round * 7) % N]));
        sum = bench_mix(sum, fbits(x[round * 61 % VEC]));
    }
    bench_report(FP_NAME, sum);
    return 0;
}
