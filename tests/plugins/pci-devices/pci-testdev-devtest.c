/*
 * pci-testdev-devtest.c - the pci-testdev PCI device
 * (plugins/pci-devices/pci-testdev) through configuration and BAR
 * accesses only, on the host bridge of pci-rig.h: its config header and
 * BARs (4 KiB memory, 256 B I/O, and the optional 64-bit prefetchable
 * membar), and for each of the six tests its header bytes, name and the
 * counter of accepted writes (data-matching and wildcard), the walk
 * kvm-unit-tests does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pci-rig.h"

#define TESTDEV_DEVFN (2 << 3)

static const char *const names[6] = {
    "mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
    "portio-no-eventfd", "portio-wildcard-eventfd",
    "portio-datamatch-eventfd",
};

static int setup(void **state)
{
    Rig *r = rig_new("  - {type: pci-testdev, id: testdev, bus: pcie0, slot: 2}\n");

    rig_setup_function(r, TESTDEV_DEVFN, 0x0003);
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

    assert_int_equal(rig_cfg_read(r, TESTDEV_DEVFN, 0x00, 4), 0x00051b36);
    assert_int_equal(rig_cfg_read(r, TESTDEV_DEVFN, 0x08, 4), 0x00ff0000);
    assert_int_equal(rig_cfg_read(r, TESTDEV_DEVFN, 0x2c, 4), 0x11001af4);
    assert_int_equal(rig_cfg_read(r, TESTDEV_DEVFN, 0x34, 1), 0);
    assert_int_equal(rig_cfg_read(r, TESTDEV_DEVFN, 0x3d, 1), 0);
    assert_int_equal(rig_bar_probe(r, TESTDEV_DEVFN, 0), 0xfffff000);
    assert_int_equal(rig_bar_probe(r, TESTDEV_DEVFN, 1), 0xffffff01);
    assert_int_equal(rig_bar_probe(r, TESTDEV_DEVFN, 2), 0);
    assert_int_equal(rig_bar_probe(r, TESTDEV_DEVFN, 3), 0);
    assert_int_equal(r->bar_size[0], 4096);
    assert_int_equal(r->bar_size[1], 256);
    assert_true(r->bar_io[1]);
}

/* Before any selection every byte reads 0. */
static void test_nothing_selected(void **state)
{
    Rig *r = *state;

    for (unsigned off = 0; off < 64; off += 4) {
        assert_int_equal(rig_read(r, r->bar[0] + off, 4), 0);
        assert_int_equal(rig_read(r, r->bar[1] + off, 4), 0);
    }
}

static uint32_t le32(Rig *r, uint64_t base, unsigned off)
{
    return (uint32_t)rig_read(r, base + off, 4);
}

static void test_each_test(void **state)
{
    Rig *r = *state;

    for (unsigned t = 0; t < 6; t++) {
        unsigned kind = t / 3, n = t % 3;
        uint64_t bar = r->bar[kind];
        uint32_t offset = (kind ? 128 : 2048) + t;
        uint8_t data = n == 1 ? 0xce : 0xfa;
        char name[40];
        unsigned len = 0;

        rig_write(r, bar, 1, n);                    /* select */
        assert_int_equal(rig_read(r, bar + 0, 1), t);
        assert_int_equal(rig_read(r, bar + 1, 1), 1);      /* width */
        assert_int_equal(rig_read(r, bar + 2, 2), 0);
        assert_int_equal(le32(r, bar, 4), offset);
        assert_int_equal(rig_read(r, bar + 8, 1), data);
        assert_int_equal(le32(r, bar, 12), 0);             /* count */
        /* the header reads the same through the other BAR */
        assert_int_equal(le32(r, r->bar[1 - kind], 4), offset);
        do {
            name[len] = (char)rig_read(r, bar + 16 + len, 1);
        } while (name[len] && ++len < sizeof(name) - 1);
        name[len] = 0;
        assert_string_equal(name, names[t]);
        assert_int_equal(rig_read(r, bar + 16 + len + 1, 1), 0);
        assert_int_equal(rig_read(r, bar + 200, 1), 0);

        /* three matching byte writes count */
        for (int i = 0; i < 3; i++) {
            rig_write(r, bar + offset, 1, data);
        }
        assert_int_equal(le32(r, bar, 12), 3);
        /* another byte counts only for the wildcard test */
        rig_write(r, bar + offset, 1, 0x00);
        assert_int_equal(le32(r, bar, 12), n == 1 ? 4 : 3);
        /* a write next to the offset never counts */
        rig_write(r, bar + offset + 1, 1, data);
        rig_write(r, bar + offset - 1, 1, data);
        assert_int_equal(le32(r, bar, 12), n == 1 ? 4 : 3);
        /* reselecting zeroes the counter */
        rig_write(r, bar, 1, n);
        assert_int_equal(le32(r, bar, 12), 0);
    }
    /* n >= 3 deselects: kvm-unit-tests stops when width is not 1/2/4 */
    rig_write(r, r->bar[0], 1, 3);
    assert_int_equal(rig_read(r, r->bar[0] + 1, 1), 0);
    assert_int_equal(rig_read(r, r->bar[0] + 4, 4), 0);
}

/* A 4-byte write is taken a byte at a time, as QEMU splits it: at the
 * offset of test 0 the low byte 0xfa counts once. */
static void test_wide_write(void **state)
{
    Rig *r = *state;
    uint64_t bar = r->bar[0];

    rig_write(r, bar, 4, 0);                 /* select test 0 */
    assert_int_equal(rig_read(r, bar, 4), 0x00000100); /* t 0, width 1 */
    rig_write(r, bar + 0x800, 4, 0xfafafafa);
    assert_int_equal(le32(r, bar, 12), 1);
    rig_write(r, bar, 2, 1);                 /* test 1 (wildcard, 0x801) */
    rig_write(r, bar + 0x800, 4, 0);
    assert_int_equal(le32(r, bar, 12), 1);
}

static void test_membar(void **state)
{
    Rig *r = rig_new("  - {type: pci-testdev, id: testdev, bus: pcie0, slot: 2, "
                     "props: {membar: 1M}}\n");
    uint64_t v;

    assert_int_equal(rig_cfg_read(r, TESTDEV_DEVFN, 0x18, 4), 0x0000000c);
    assert_int_equal(rig_bar_probe(r, TESTDEV_DEVFN, 2), 0xfff0000c);
    assert_int_equal(rig_bar_probe(r, TESTDEV_DEVFN, 3), 0xffffffff);
    rig_setup_function(r, TESTDEV_DEVFN, 0x0003);
    assert_int_equal(r->bar_size[2], 1u << 20);
    /* nothing behind it: reads all-ones, writes go nowhere */
    assert_int_equal(rig_read_status(r, r->bar[2], 4, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0xffffffff);
    rig_write(r, r->bar[2] + 8, 4, 0);
    assert_int_equal(rig_read(r, r->bar[2] + 8, 4), 0xffffffff);
    /* BAR0 still works */
    rig_write(r, r->bar[0], 1, 2);
    assert_int_equal(rig_read(r, r->bar[0], 1), 2);
    rig_free(r);
}

static void test_membar_not_power_of_two(void **state)
{
    GError *err = NULL;
    g_autofree char *yaml = rig_board_yaml(
        "  - {type: pci-testdev, id: testdev, bus: pcie0, slot: 2, "
        "props: {membar: 3000}}\n");
    BbDevtest *t = bb_devtest_new_from_string(yaml, "membar-bad", NULL, &err);

    assert_null(t);
    assert_non_null(strstr(err->message, "not a power of two"));
    g_error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_selected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_each_test, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_write, setup, teardown),
        cmocka_unit_test(test_membar),
        cmocka_unit_test(test_membar_not_power_of_two),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
