/*
 * strng-core.c - registers and generators of "strng" (see strng-core.h).
 * The generators reproduce glibc's sequences bit for bit (a unit test
 * compares them with the host's srand/rand/rand_r): random_r.c's TYPE_3
 * additive feedback generator, r[i] = r[i-31] + r[i-3] (mod 2^32) over a
 * table seeded by 16807 * x mod (2^31 - 1) with the first 310 outputs
 * discarded, each output the sum shifted right by one; and rand_r.c's
 * three LCG steps x = x * 1103515245 + 12345 taking 11 + 10 + 10 bits.
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/breadboard.h>

#include "strng-core.h"

void strng_srand(StrngRand *g, uint32_t seed)
{
    int32_t word;

    if (seed == 0) {
        seed = 1; /* glibc: a zero seed would make a zero table */
    }
    /* glibc keeps the seed in an int32_t: seeds >= 2^31 go negative, and
     * the quotient/remainder below then truncate toward zero as C does. */
    word = (int32_t)seed;
    g->tbl[0] = (uint32_t)word;
    for (unsigned i = 1; i < STRNG_RAND_DEG; i++) {
        int64_t hi = word / 127773;
        int64_t lo = word % 127773;
        int64_t w = 16807 * lo - 2836 * hi; /* 16807 * word mod 2^31-1 */

        if (w < 0) {
            w += 2147483647;
        }
        word = (int32_t)w;
        g->tbl[i] = (uint32_t)word;
    }
    g->f = STRNG_RAND_SEP;
    g->r = 0;
    for (unsigned i = 0; i < STRNG_RAND_DEG * 10; i++) {
        (void)strng_rand(g);
    }
}

int32_t strng_rand(StrngRand *g)
{
    uint32_t val;

    /* f and r stay below STRNG_RAND_DEG whatever was loaded (state). */
    g->f %= STRNG_RAND_DEG;
    g->r %= STRNG_RAND_DEG;
    val = g->tbl[g->f] += g->tbl[g->r];
    g->f = (g->f + 1) % STRNG_RAND_DEG;
    g->r = (g->r + 1) % STRNG_RAND_DEG;
    return (int32_t)(val >> 1);
}

int32_t strng_rand_r(uint32_t *seed)
{
    uint32_t next = *seed;
    uint32_t result;

    next = next * 1103515245u + 12345u;
    result = (next / 65536) % 2048;
    next = next * 1103515245u + 12345u;
    result = (result << 10) ^ ((next / 65536) % 1024);
    next = next * 1103515245u + 12345u;
    result = (result << 10) ^ ((next / 65536) % 1024);
    *seed = next;
    return (int32_t)result;
}

void strng_core_reset(StrngCore *s)
{
    memset(s, 0, sizeof(*s));
    s->guard_lo = s->guard_hi = STRNG_GUARD;
    strng_srand(&s->rand, 1);
}

/* Writes both windows share: 0 reseeds (the register keeps its value),
 * 1 takes the next rand(), 3 takes rand_r() of register 2; the MMIO path
 * then also stores the written value in register 3 (the original's
 * missing break, kept: guests see it). */
static void strng_reg_write(StrngCore *s, uint32_t i, uint32_t value,
                            bool fall_through)
{
    switch (i) {
    case 0:
        strng_srand(&s->rand, value);
        return;
    case 1:
        s->regs[1] = (uint32_t)strng_rand(&s->rand);
        return;
    case 3:
        s->regs[3] = (uint32_t)strng_rand_r(&s->regs[2]);
        if (fall_through) {
            s->regs[3] = value;
        }
        return;
    default:
        s->regs[i] = value;
        return;
    }
}

uint32_t strng_mmio_read_reg(StrngCore *s, uint32_t offset)
{
    return s->regs[(offset / 4) % STRNG_NREGS];
}

void strng_mmio_write_reg(StrngCore *s, uint32_t offset, uint32_t value)
{
    strng_reg_write(s, (offset / 4) % STRNG_NREGS, value, true);
}

uint32_t strng_index_read(StrngCore *s, uint32_t i)
{
    if (i < STRNG_NREGS) {
        return s->regs[i];
    }
    if (i - STRNG_FAKE_PTR_FIRST < STRNG_FAKE_PTR_WORDS) {
        uint32_t k = i - STRNG_FAKE_PTR_FIRST;
        uint64_t ptr = STRNG_FAKE_PTR(k / 2);

        return (uint32_t)(k % 2 ? ptr >> 32 : ptr);
    }
    bb_guest_error("strng: port read of register index 0x%" PRIx32
                   " (there are %u): 0", i, STRNG_NREGS);
    return 0;
}

void strng_index_write(StrngCore *s, uint32_t i, uint32_t value)
{
    if (i < STRNG_NREGS) {
        strng_reg_write(s, i, value, false);
        return;
    }
    bb_guest_error("strng: port write of 0x%" PRIx32 " to register index "
                   "0x%" PRIx32 " (there are %u) ignored", value, i,
                   STRNG_NREGS);
}

uint32_t strng_pio_read_reg(StrngCore *s, uint32_t offset)
{
    switch (offset) {
    case 0:
        return s->addr;
    case 4:
        if (s->addr & 3) {
            bb_guest_error("strng: port read with unaligned address latch "
                           "0x%" PRIx32, s->addr);
            return UINT32_MAX;
        }
        return strng_index_read(s, s->addr >> 2);
    default:
        return UINT32_MAX;
    }
}

void strng_pio_write_reg(StrngCore *s, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case 0:
        s->addr = value;
        return;
    case 4:
        if (s->addr & 3) {
            bb_guest_error("strng: port write with unaligned address latch "
                           "0x%" PRIx32 " ignored", s->addr);
            return;
        }
        strng_index_write(s, s->addr >> 2, value);
        return;
    default:
        bb_guest_error("strng: port write at offset %" PRIu32 " ignored",
                       offset);
        return;
    }
}
