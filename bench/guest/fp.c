/*
 * fp.c - double-precision benchmark for bench/guest, M-mode: repeated
 * 96 x 96 matrix products C = A * B (fmadd.d in the inner loop with
 * -O2), A taking C's values for the next round, plus a division and a
 * square root per diagonal element.  B's entries are in [0, 2/N), so the
 * values stay near 0.5: no overflow, underflow or NaN, only ordinary
 * rounding, which must be bit-exact between the emulators (the checksum
 * is over the bit patterns).
 */
#include <math.h>
#include <string.h>

#include "bench.h"

#define N 96
#define ROUNDS 120

static double a[N][N], b[N][N], c[N][N];

static uint64_t bits(double d)
{
    uint64_t u;

    memcpy(&u, &d, sizeof(u));
    return u;
}

/* uniform in [0, 1) from the top 53 bits */
static double rand_unit(uint64_t *rng)
{
    return (double)(bench_rand(rng) >> 11) * (1.0 / 9007199254740992.0);
}

int main(void)
{
    uint64_t rng = 0xfeedface01234567ull;
    uint64_t sum = 0;

    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = rand_unit(&rng);
            b[i][j] = rand_unit(&rng) * (2.0 / N);
        }
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double s = 0.0;

                for (int k = 0; k < N; k++) {
                    s += a[i][k] * b[k][j];
                }
                c[i][j] = s;
            }
        }
        for (int i = 0; i < N; i++) {
            double d = sqrt(c[i][i]) / (1.0 + c[i][(i + round) % N]);

            sum = bench_mix(sum, bits(d));
        }
        /* A = C, kept away from a fixed point by a small perturbation */
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                a[i][j] = c[i][j] * 0.96875 + (double)((i ^ j ^ round) & 7)
                          * 0.0078125;
            }
        }
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            sum = bench_mix(sum, bits(a[i][j]));
        }
    }
    bench_report("fp", sum);
    return 0;
}
