/*
 * strng-core.h - the register logic of "strng" (the Blizzard CTF 2017
 * "Sombra True Random Number Generator"), kept apart from the PCI glue in
 * strng.c so a unit test can drive it directly: glibc-compatible
 * srand()/rand() (the TYPE_3 additive feedback generator) and rand_r(),
 * the 64 registers, and the port I/O window whose register index is
 * bounded here (the CTF's host escape was that it was not).  Behaviour
 * and the deliberate differences from the original: docs/pci-devices.md.
 */
#ifndef STRNG_CORE_H
#define STRNG_CORE_H

#include <stdbool.h>
#include <stdint.h>

#define STRNG_NREGS 64
#define STRNG_MMIO_SIZE (STRNG_NREGS * 4) /* BAR0 */
#define STRNG_PIO_SIZE 8                  /* BAR1 */
/* Indices 64..69 of the port window read these six words: the low and
 * high halves of three 64-bit "pointers" standing for the original's
 * srand, rand and rand_r function pointers.  Deterministic, not host
 * addresses; writes to them are ignored. */
#define STRNG_FAKE_PTR_FIRST 64
#define STRNG_FAKE_PTR_WORDS 6
#define STRNG_FAKE_PTR(k) (UINT64_C(0x00007f5354520000) + 0x1000 * (uint64_t)(k))
#define STRNG_GUARD 0x5354524eu /* "STRN": the canaries around regs */

/* glibc's TYPE_3 random(): degree 31, separation 3. */
#define STRNG_RAND_DEG 31
#define STRNG_RAND_SEP 3

typedef struct StrngRand {
    uint32_t tbl[STRNG_RAND_DEG]; /* glibc's state words (as unsigned) */
    uint32_t f;                   /* front index ("fptr") */
    uint32_t r;                   /* rear index ("rptr") */
} StrngRand;

typedef struct StrngCore {
    uint32_t guard_lo;            /* STRNG_GUARD; a test checks it */
    uint32_t regs[STRNG_NREGS];
    uint32_t guard_hi;            /* STRNG_GUARD */
    uint32_t addr;                /* port +0: the index latch */
    StrngRand rand;               /* the srand()/rand() generator */
} StrngCore;

/* glibc-compatible generators. */
void strng_srand(StrngRand *g, uint32_t seed);
int32_t strng_rand(StrngRand *g);
int32_t strng_rand_r(uint32_t *seed);

/* Power-on state: registers 0, generator as after srand(1) (as glibc's
 * rand() before any srand()). */
void strng_core_reset(StrngCore *s);

/* BAR0: 4-byte accesses at offsets 0..0xfc (the caller checks size and
 * alignment). */
uint32_t strng_mmio_read_reg(StrngCore *s, uint32_t offset);
void strng_mmio_write_reg(StrngCore *s, uint32_t offset, uint32_t value);

/* BAR1: 4-byte accesses at offset 0 or 4; other offsets read all-ones
 * and ignore writes. */
uint32_t strng_pio_read_reg(StrngCore *s, uint32_t offset);
void strng_pio_write_reg(StrngCore *s, uint32_t offset, uint32_t value);

/* What the port window does with register index @i (addr >> 2, any value
 * up to 2^30 - 1): the only code that turns a guest index into state. */
uint32_t strng_index_read(StrngCore *s, uint32_t i);
void strng_index_write(StrngCore *s, uint32_t i, uint32_t value);

#endif /* STRNG_CORE_H */
