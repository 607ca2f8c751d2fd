/*
 * workload.c - the deterministic CPU workload of the project's Linux
 * /init (see workload.h): a sieve of Eratosthenes, a bitwise CRC-32 over
 * the sieve, and a double series, mixed into one 64-bit checksum.  Plain
 * C with no libc calls, so the host reference builds the very same code.
 */
#include "workload.h"

#define SIEVE_N 200000

static unsigned char sieve[SIEVE_N];

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, unsigned n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

uint64_t workload_run(unsigned round)
{
    unsigned primes = 0;
    for (unsigned i = 0; i < SIEVE_N; i++)
        sieve[i] = i >= 2;
    for (unsigned i = 2; (uint64_t)i * i < SIEVE_N; i++)
        if (sieve[i])
            for (unsigned j = i * i; j < SIEVE_N; j += i)
                sieve[j] = 0;
    for (unsigned i = 0; i < SIEVE_N; i++)
        primes += sieve[i];
    uint32_t crc = crc32_update(round, sieve, SIEVE_N);

    /* Leibniz series for pi/4, then a few divisions: each operation is
     * correctly rounded, so the bits are the same on every IEEE host. */
    double s = 0.0;
    for (unsigned k = 0; k < 100000; k++) {
        double term = 1.0 / (2.0 * k + 1.0);
        s = (k & 1) ? s - term : s + term;
    }
    s = s * 4.0 / (1.0 + round);
    union { double d; uint64_t u; } bits = { .d = s };

    return ((uint64_t)primes << 32 | crc) ^ (bits.u * 0x9E3779B97F4A7C15ull);
}
