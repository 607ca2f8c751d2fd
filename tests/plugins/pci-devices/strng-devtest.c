/*
 * strng-devtest.c - the strng PCI device (plugins/pci-devices/strng)
 * through configuration and BAR accesses only, on the host bridge of
 * pci-rig.h: its config header and BARs (256 B memory, 8 B I/O), the
 * rand/srand/rand_r sequences through BAR0 and through the port window
 * compared with the host glibc's, the MMIO reg-3 fall-through, access
 * rules, and the bounded port index (fake pointer words at 64..69, zero
 * beyond, nothing else changes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pci-rig.h"

#define STRNG_DEVFN (3 << 3)

static int setup(void **state)
{
    Rig *r = rig_new("  - {type: strng, id: strng, bus: pcie0, slot: 3}\n");

    rig_setup_function(r, STRNG_DEVFN, 0x0007); /* I/O, memory, master */
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    rig_free(*state);
    return 0;
}

static void test_config(void **state)
{
    Rig *r = *state;

    assert_int_equal(rig_cfg_read(r, STRNG_DEVFN, 0x00, 4), 0x11e91234);
    assert_int_equal(rig_cfg_read(r, STRNG_DEVFN, 0x08, 4), 0x00ff0010);
    assert_int_equal(rig_cfg_read(r, STRNG_DEVFN, 0x2c, 4), 0x11001af4);
    assert_int_equal(rig_cfg_read(r, STRNG_DEVFN, 0x06, 2) & 0x10, 0);
    assert_int_equal(rig_cfg_read(r, STRNG_DEVFN, 0x3d, 1), 0);
    assert_int_equal(rig_bar_probe(r, STRNG_DEVFN, 0), 0xffffff00);
    assert_int_equal(rig_bar_probe(r, STRNG_DEVFN, 1), 0xfffffff9);
    assert_int_equal(rig_bar_probe(r, STRNG_DEVFN, 2), 0);
    assert_int_equal(r->bar_size[0], 256);
    assert_false(r->bar_io[0]);
    assert_int_equal(r->bar_size[1], 8);
    assert_true(r->bar_io[1]);
    assert_int_equal(r->bar[1], RIG_IO_CPU + 0x1000);
}

static void test_mmio_vs_glibc(void **state)
{
    Rig *r = *state;
    uint64_t b = r->bar[0];
    unsigned int seed_r = 0x1234;
    uint64_t v;

    /* rand() before any srand() is as after srand(1) */
    srand(1);
    for (int i = 0; i < 10; i++) {
        rig_write(r, b + 4, 4, 0);
        assert_int_equal(rig_read(r, b + 4, 4), rand());
    }
    /* reg 0 seeds and keeps its value */
    rig_write(r, b + 0, 4, 0xdeadbeef);
    assert_int_equal(rig_read(r, b + 0, 4), 0);
    srand(0xdeadbeef);
    for (int i = 0; i < 1000; i++) {
        rig_write(r, b + 4, 4, 0);
        assert_int_equal(rig_read(r, b + 4, 4), rand());
    }
    /* reg 3: rand_r(&reg2), then the written value (fall-through) */
    rig_write(r, b + 8, 4, seed_r);
    for (int i = 0; i < 100; i++) {
        (void)rand_r(&seed_r);
        rig_write(r, b + 12, 4, 0x5a5a0000u + (unsigned)i);
        assert_int_equal(rig_read(r, b + 8, 4), seed_r);
        assert_int_equal(rig_read(r, b + 12, 4), 0x5a5a0000u + (unsigned)i);
    }
    /* plain registers */
    for (unsigned i = 4; i < 64; i++) {
        rig_write(r, b + 4 * i, 4, i * 0x11111111u);
    }
    for (unsigned i = 4; i < 64; i++) {
        assert_int_equal(rig_read(r, b + 4 * i, 4), i * 0x11111111u);
    }
    /* narrow and unaligned accesses: all-ones, ignored */
    assert_int_equal(rig_read(r, b + 16, 2), 0xffff);
    assert_int_equal(rig_read(r, b + 16, 1), 0xff);
    assert_int_equal(rig_read_status(r, b + 18, 4, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0xffffffff);
    rig_write(r, b + 16, 1, 0);
    rig_write(r, b + 17, 4, 0);
    assert_int_equal(rig_read(r, b + 16, 4), 4 * 0x11111111u);
}

static void pio_select(Rig *r, uint32_t addr)
{
    rig_write(r, r->bar[1], 4, addr);
}

static uint32_t pio_data(Rig *r)
{
    return (uint32_t)rig_read(r, r->bar[1] + 4, 4);
}

static void test_pio_vs_glibc(void **state)
{
    Rig *r = *state;
    uint64_t p = r->bar[1];
    unsigned int seed_r = 7;

    pio_select(r, 0);
    rig_write(r, p + 4, 4, 4242);        /* srand(4242) */
    assert_int_equal(pio_data(r), 0);
    assert_int_equal(rig_read(r, p, 4), 0); /* the latch */
    srand(4242);
    pio_select(r, 4);
    for (int i = 0; i < 500; i++) {
        rig_write(r, p + 4, 4, 0);
        assert_int_equal(pio_data(r), rand());
    }
    pio_select(r, 8);
    rig_write(r, p + 4, 4, seed_r);
    pio_select(r, 12);
    for (int i = 0; i < 100; i++) {
        int want = rand_r(&seed_r);

        rig_write(r, p + 4, 4, 0xffff);  /* value ignored on the port */
        assert_int_equal(pio_data(r), want);
    }
    pio_select(r, 8);
    assert_int_equal(pio_data(r), seed_r);
    /* the MMIO view agrees */
    assert_int_equal(rig_read(r, r->bar[0] + 8, 4), seed_r);
    /* an unaligned latch */
    pio_select(r, 0x41);
    assert_int_equal(pio_data(r), 0xffffffff);
    /* other port offsets */
    assert_int_equal(rig_read(r, p + 4, 2), 0xffff);
    assert_int_equal(rig_read(r, p + 6, 2), 0xffff);
}

static uint32_t fake_word(uint32_t i)
{
    uint64_t ptr = UINT64_C(0x00007f5354520000) + 0x1000 * ((i - 64) / 2);

    return (uint32_t)((i - 64) % 2 ? ptr >> 32 : ptr);
}

/* Out-of-range indices through the port: 64..69 read the documented fake
 * pointer words, beyond read 0; writes change nothing the guest can see
 * (all 64 registers are compared after each one). */
static void test_bounded_index(void **state)
{
    Rig *r = *state;
    uint32_t regs[64];
    static const uint32_t idx[] = {
        64, 65, 66, 67, 68, 69, 70, 71, 100, 127, 128, 255, 256, 1023,
        1024, 0x10000, 0x1fffffff, 0x20000000, 0x3ffffffe, 0x3fffffff,
    };

    for (unsigned i = 4; i < 64; i++) {
        rig_write(r, r->bar[0] + 4 * i, 4, 0xa5000000u | i);
    }
    for (unsigned i = 0; i < 64; i++) {
        regs[i] = (uint32_t)rig_read(r, r->bar[0] + 4 * i, 4);
    }
    for (size_t k = 0; k < G_N_ELEMENTS(idx); k++) {
        uint32_t i = idx[k];
        uint32_t want = i < 70 ? fake_word(i) : 0;

        pio_select(r, i << 2);
        assert_int_equal(pio_data(r), want);
        rig_write(r, r->bar[1] + 4, 4, 0x41414141);
        assert_int_equal(pio_data(r), want);
        for (unsigned j = 0; j < 64; j++) {
            assert_int_equal(rig_read(r, r->bar[0] + 4 * j, 4), regs[j]);
        }
    }
    assert_int_equal(fake_word(64), 0x54520000);
    assert_int_equal(fake_word(69), 0x00007f53);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mmio_vs_glibc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pio_vs_glibc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounded_index, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
