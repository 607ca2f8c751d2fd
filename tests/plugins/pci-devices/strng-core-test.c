/*
 * strng-core-test.c - unit tests of strng's register logic
 * (plugins/pci-devices/strng/strng-core.c), without PCI:
 *   - the generators against the host C library: on glibc, srand()/rand()
 *     and rand_r() give the same sequences for the same seeds (seed 0,
 *     1, small, 2^31 - 1, 2^31 and above, all-ones, random ones);
 *   - BAR0 and BAR1 semantics (reg 0 reseeds and keeps its value, reg 1
 *     takes rand(), reg 3 takes rand_r(&reg 2) and, through MMIO only,
 *     then the written value);
 *   - the bounded port index: every index 0..1024, the boundaries and
 *     random indices up to 2^30 - 1 either hit a register, read the
 *     documented fake pointer words, or read 0 and change nothing - the
 *     whole state struct is compared byte for byte after each access and
 *     guard words around the registers are checked (the asan build tree
 *     runs this too, which would flag any access outside the struct).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "strng-core.h"

/* Seeds whose sequences are compared: the edge cases of glibc's seeding
 * (0 is taken as 1; the seed is kept in an int32_t, so 2^31 and above
 * are negative there) and a few ordinary ones. */
/* Indices and seeds beyond the fixed ones come from this xorshift, with
 * a fixed start: the test is the same on every run. */
static uint32_t test_rand_state = 0x9e3779b9u;

static uint32_t test_rand(void)
{
    uint32_t x = test_rand_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return test_rand_state = x;
}

static const uint32_t seeds[] = {
    0, 1, 2, 42, 127773, 127774, 0x7ffffffe, 0x7fffffff, 0x80000000,
    0x80000001, 0xdeadbeef, 0xfffffffe, 0xffffffff, 1337, 0x1234abcd,
};

static void test_rand_matches_glibc(void **state)
{
    StrngRand g;

    (void)state;
#ifndef __GLIBC__
    skip();
#endif
    for (size_t k = 0; k < G_N_ELEMENTS(seeds); k++) {
        srand(seeds[k]);
        strng_srand(&g, seeds[k]);
        for (int i = 0; i < 2000; i++) {
            int32_t want = rand();
            int32_t got = strng_rand(&g);

            if (want != got) {
                fail_msg("seed 0x%x output %d: glibc %d, strng %d",
                         seeds[k], i, want, got);
            }
        }
    }
    /* Random seeds, fewer outputs each. */
    for (int k = 0; k < 200; k++) {
        uint32_t seed = test_rand();

        srand(seed);
        strng_srand(&g, seed);
        for (int i = 0; i < 50; i++) {
            assert_int_equal(rand(), strng_rand(&g));
        }
    }
}

static void test_rand_r_matches_glibc(void **state)
{
    (void)state;
#ifndef __GLIBC__
    skip();
#endif
    for (size_t k = 0; k < G_N_ELEMENTS(seeds); k++) {
        unsigned int want_seed = seeds[k];
        uint32_t got_seed = seeds[k];

        for (int i = 0; i < 2000; i++) {
            int want = rand_r(&want_seed);
            int got = strng_rand_r(&got_seed);

            assert_int_equal(want, got);
            assert_int_equal(want_seed, got_seed);
        }
    }
}

/* Default state is glibc's before any srand(): as after srand(1). */
static void test_reset_is_srand_1(void **state)
{
    StrngCore s;
    StrngRand g;

    (void)state;
    strng_core_reset(&s);
    strng_srand(&g, 1);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(strng_rand(&s.rand), strng_rand(&g));
    }
}

static void test_mmio_semantics(void **state)
{
    StrngCore s;
    StrngRand g;
    uint32_t seed = 0x1234, r3;

    (void)state;
    strng_core_reset(&s);
    /* reg 0: srand, the register keeps its value (0). */
    strng_mmio_write_reg(&s, 0, 77);
    assert_int_equal(strng_mmio_read_reg(&s, 0), 0);
    strng_srand(&g, 77);
    /* reg 1: the written value is ignored, rand() is stored. */
    for (int i = 0; i < 5; i++) {
        strng_mmio_write_reg(&s, 4, 0xffffffff);
        assert_int_equal(strng_mmio_read_reg(&s, 4), strng_rand(&g));
    }
    /* reg 2 / 3: rand_r(&reg2) advances reg 2, then the fall-through
     * stores the written value in reg 3. */
    strng_mmio_write_reg(&s, 8, seed);
    strng_mmio_write_reg(&s, 12, 0xabcd);
    r3 = (uint32_t)strng_rand_r(&seed);
    (void)r3;
    assert_int_equal(strng_mmio_read_reg(&s, 8), seed);
    assert_int_equal(strng_mmio_read_reg(&s, 12), 0xabcd);
    /* others: plain storage */
    for (uint32_t i = 4; i < STRNG_NREGS; i++) {
        strng_mmio_write_reg(&s, i * 4, i * 0x01010101u);
    }
    for (uint32_t i = 4; i < STRNG_NREGS; i++) {
        assert_int_equal(strng_mmio_read_reg(&s, i * 4), i * 0x01010101u);
    }
}

static void test_pio_semantics(void **state)
{
    StrngCore s;
    StrngRand g;
    uint32_t seed = 99;

    (void)state;
    strng_core_reset(&s);
    strng_pio_write_reg(&s, 0, 0x10);
    assert_int_equal(strng_pio_read_reg(&s, 0), 0x10);
    strng_pio_write_reg(&s, 4, 0x5555);        /* reg 4 */
    assert_int_equal(s.regs[4], 0x5555);
    assert_int_equal(strng_pio_read_reg(&s, 4), 0x5555);
    /* srand through the port, rand through the port */
    strng_pio_write_reg(&s, 0, 0);
    strng_pio_write_reg(&s, 4, 31337);
    assert_int_equal(s.regs[0], 0);
    strng_srand(&g, 31337);
    strng_pio_write_reg(&s, 0, 4);
    strng_pio_write_reg(&s, 4, 0);
    assert_int_equal(strng_pio_read_reg(&s, 4), strng_rand(&g));
    /* rand_r through the port: reg 3 keeps rand_r's result (the port
     * path has the break the MMIO path lacks). */
    strng_pio_write_reg(&s, 0, 8);
    strng_pio_write_reg(&s, 4, 99);
    strng_pio_write_reg(&s, 0, 12);
    strng_pio_write_reg(&s, 4, 0xabcd);
    assert_int_equal(strng_pio_read_reg(&s, 4), strng_rand_r(&seed));
    assert_int_equal(s.regs[2], seed);
    /* unaligned latch: all-ones, write ignored */
    strng_pio_write_reg(&s, 0, 0x11);
    assert_int_equal(strng_pio_read_reg(&s, 4), 0xffffffff);
    /* other offsets */
    for (uint32_t off = 1; off < 8; off++) {
        if (off != 4) {
            assert_int_equal(strng_pio_read_reg(&s, off), 0xffffffff);
        }
    }
}

/* What reading index i through the port must give. */
static uint32_t expected_index_value(const StrngCore *s, uint32_t i)
{
    if (i < STRNG_NREGS) {
        return s->regs[i];
    }
    switch (i) {
    /* STRNG_FAKE_PTR(k) = 0x00007f5354520000 + 0x1000 * k, low half at
     * the even index (docs/pci-devices.md). */
    case 64: return 0x54520000;
    case 65: return 0x00007f53;
    case 66: return 0x54521000;
    case 67: return 0x00007f53;
    case 68: return 0x54522000;
    case 69: return 0x00007f53;
    default: return 0;
    }
}

/* Write and read index i through the port; the state must change only
 * in the latch and (for a register) that register / the generator. */
static void check_index(StrngCore *s, uint32_t i)
{
    StrngCore before, after;
    uint32_t v = 0xc0ffee00u ^ i;

    strng_pio_write_reg(s, 0, i << 2);
    assert_int_equal(strng_pio_read_reg(s, 4), expected_index_value(s, i));
    memcpy(&before, s, sizeof(before));
    strng_pio_write_reg(s, 4, v);
    memcpy(&after, s, sizeof(after));
    assert_int_equal(s->guard_lo, STRNG_GUARD);
    assert_int_equal(s->guard_hi, STRNG_GUARD);
    if (i >= STRNG_NREGS) {
        /* Nothing at all may change. */
        if (memcmp(&before, &after, sizeof(before)) != 0) {
            fail_msg("index 0x%x: a write outside the registers changed "
                     "the state", i);
        }
    } else if (i != 0 && i != 1 && i != 3) {
        assert_int_equal(s->regs[i], v);
        before.regs[i] = v;
        assert_memory_equal(&before, &after, sizeof(before));
    }
    assert_int_equal(strng_pio_read_reg(s, 4), expected_index_value(s, i));
}

static void test_bounded_index(void **state)
{
    StrngCore s;
    static const uint32_t edges[] = {
        63, 64, 69, 70, 71, 127, 128, 255, 256, 0xffff, 0x10000,
        0x1fffffff, 0x20000000, 0x3ffffffe, 0x3fffffff,
    };

    (void)state;
    strng_core_reset(&s);
    for (uint32_t i = 0; i <= 1024; i++) {
        check_index(&s, i);
    }
    for (size_t k = 0; k < G_N_ELEMENTS(edges); k++) {
        check_index(&s, edges[k]);
    }
    for (int k = 0; k < 100000; k++) {
        check_index(&s, test_rand() & 0x3fffffff);
    }
    /* The fake pointers are not writable. */
    for (uint32_t i = 64; i < 70; i++) {
        strng_pio_write_reg(&s, 0, i << 2);
        strng_pio_write_reg(&s, 4, 0);
        assert_int_equal(strng_pio_read_reg(&s, 4),
                         expected_index_value(&s, i));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rand_matches_glibc),
        cmocka_unit_test(test_rand_r_matches_glibc),
        cmocka_unit_test(test_reset_is_srand_1),
        cmocka_unit_test(test_mmio_semantics),
        cmocka_unit_test(test_pio_semantics),
        cmocka_unit_test(test_bounded_index),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
