/*
 * gpex-devtest.c - the ECAM host bridge (plugins/pci-devices/gpex) and the
 * PCIe root port (plugins/pci-devices/pcie-root-port) through bus
 * accesses only, on the board of pci-rig.h: the host bridge function
 * 00.0 as QEMU dumps it (docs/pci-host.md), ECAM access widths, absent
 * functions and buses, unbacked window addresses (all-ones, writes
 * dropped), INTx leaving on the line the swizzle names, the root port's
 * header and capabilities, bus 1 behind it once firmware numbers it, edu
 * behind it through the port's window with its INTx swizzled, and the
 * board errors of a bad placement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pci-rig.h"

#define RP_DEVFN (1 << 3)
#define EDU_DEVFN (2 << 3)

/* ECAM address of @bus/@devfn/@off. */
static uint64_t ecam(unsigned bus, unsigned devfn, unsigned off)
{
    return RIG_ECAM + ((uint64_t)bus << 20) + ((uint64_t)devfn << 12) + off;
}

static int teardown(void **state)
{
    rig_free(*state);
    return 0;
}

static int setup_empty(void **state)
{
    *state = rig_new("");
    return 0;
}

/* 00.0 is 1b36:0008, class 06/00/00, subsystem 1af4:1100, and every other
 * byte of its 256 is 0 (the dump in docs/pci-host.md). */
static void test_host_bridge_header(void **state)
{
    Rig *r = *state;

    for (unsigned off = 0; off < 0x100; off += 4) {
        uint32_t want = off == 0x00   ? 0x00081b36
                        : off == 0x08 ? 0x06000000
                        : off == 0x2c ? 0x11001af4
                                      : 0;
        uint32_t got = rig_cfg_read(r, 0, off, 4);
        if (got != want) {
            fail_msg("00.0 dword 0x%02x: 0x%08x, expected 0x%08x", off, got,
                     want);
        }
    }
    /* Conventional PCI: 256 bytes, the rest of the 4 KiB reads all-ones. */
    assert_int_equal(rig_cfg_read(r, 0, 0x100, 4), 0xffffffff);
    assert_int_equal(rig_cfg_read(r, 0, 0xffc, 4), 0xffffffff);
}

/* 1-, 2- and 4-byte accesses at their natural alignment; an 8-byte one is
 * two dwords. */
static void test_ecam_widths(void **state)
{
    Rig *r = *state;

    assert_int_equal(rig_read(r, ecam(0, 0, 0), 1), 0x36);
    assert_int_equal(rig_read(r, ecam(0, 0, 1), 1), 0x1b);
    assert_int_equal(rig_read(r, ecam(0, 0, 2), 2), 0x0008);
    assert_int_equal(rig_read(r, ecam(0, 0, 0x0b), 1), 0x06);
    assert_int_equal(rig_read(r, ecam(0, 0, 0x2e), 2), 0x1100);
    assert_int_equal(rig_read(r, ecam(0, 0, 0x28), 8),
                     UINT64_C(0x11001af400000000));
}

/* Nothing at 00.1-00.7, 01.0-1f.7 or on bus 1-255: all-ones, and writes
 * there change nothing. */
static void test_absent_functions(void **state)
{
    Rig *r = *state;

    for (unsigned devfn = 1; devfn < 256; devfn++) {
        if (rig_cfg_read(r, devfn, 0, 4) != 0xffffffff) {
            fail_msg("devfn 0x%02x answers", devfn);
        }
    }
    assert_int_equal(rig_read(r, ecam(1, 0, 0), 4), 0xffffffff);
    assert_int_equal(rig_read(r, ecam(255, 0xff, 0xffc), 4), 0xffffffff);
    assert_int_equal(rig_read(r, ecam(3, 8, 2), 2), 0xffff);
    assert_int_equal(rig_read(r, ecam(3, 8, 3), 1), 0xff);
    rig_write(r, ecam(0, 8, 4), 4, 0x7);
    rig_write(r, ecam(2, 0, 0x3c), 1, 0x5);
    assert_int_equal(rig_cfg_read(r, 8, 4, 4), 0xffffffff);
    assert_int_equal(rig_read(r, ecam(2, 0, 0x3c), 1), 0xff);
    assert_int_equal(rig_cfg_read(r, 0, 0, 4), 0x00081b36);
}

/* Window addresses no BAR claims read all-ones at every width and drop
 * writes, in the 32-bit, 64-bit and I/O windows alike. */
static void test_unbacked_windows(void **state)
{
    Rig *r = *state;
    static const uint64_t addrs[] = {
        RIG_MMIO, RIG_MMIO + 0x3ffffff8, UINT64_C(0x400000000),
        UINT64_C(0x7fffffff8), RIG_IO_CPU, RIG_IO_CPU + 0xfff8,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(addrs); i++) {
        for (unsigned size = 1; size <= 8; size *= 2) {
            uint64_t v = 0;
            uint64_t ones = size == 8 ? UINT64_MAX
                                      : (UINT64_C(1) << (8 * size)) - 1;
            assert_int_equal(rig_read_status(r, addrs[i], size, &v),
                             BB_MEMTX_OK);
            if (v != ones) {
                fail_msg("%u-byte read at 0x%" PRIx64 ": 0x%" PRIx64, size,
                         addrs[i], v);
            }
        }
        rig_write(r, addrs[i], 4, 0x12345678);
        assert_int_equal(rig_read(r, addrs[i], 4), 0xffffffff);
    }
}

/* edu at slot 2 raises INTA: the root bus's line (2 + 1 - 1) % 4 = 2,
 * intx[2], goes high and no other; the acknowledge lowers it. */
static void test_intx_line(void **state)
{
    Rig *r = rig_new("  - {type: edu, id: edu, bus: pcie0, slot: 2}\n");

    *state = r;
    rig_setup_function(r, EDU_DEVFN, 0x0002);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x3d, 1), 1);
    rig_write(r, r->bar[0] + 0x60, 4, 1);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(bb_devtest_get_probe(r->t, r->intx[i]), i == 2);
    }
    rig_write(r, r->bar[0] + 0x64, 4, 1);
    assert_false(bb_devtest_get_probe(r->t, r->intx[2]));
}

static int setup_root_port(void **state)
{
    *state = rig_new(
        "  - {type: edu, id: edu, bus: rp0}\n"
        "  - {type: pcie-root-port, id: rp0, bus: pcie0, slot: 1}\n");
    return 0;
}

/* 1b36:000c, class 0604, a type 1 header; BAR0 4 KiB of memory; the
 * capability list PCI Express (root port) -> MSI-X -> bridge subsystem
 * ID, as QEMU's; AER first in the extended space. */
static void test_root_port_header(void **state)
{
    Rig *r = *state;
    unsigned cap;

    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x00, 4), 0x000c1b36);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x08, 4), 0x06040000);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x0e, 1), 0x01);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x06, 2) & 0x10, 0x10);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x3d, 1), 1);
    assert_int_equal(rig_bar_probe(r, RP_DEVFN, 0), 0xfffff000);
    assert_int_equal(rig_bar_probe(r, RP_DEVFN, 1), 0);
    cap = rig_cfg_read(r, RP_DEVFN, 0x34, 1);
    assert_int_equal(cap, 0x54);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, cap, 1), 0x10);
    assert_int_equal((rig_cfg_read(r, RP_DEVFN, cap + 2, 2) >> 4) & 0xf, 4);
    cap = rig_cfg_read(r, RP_DEVFN, cap + 1, 1);
    assert_int_equal(cap, 0x48);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, cap, 1), 0x11);
    cap = rig_cfg_read(r, RP_DEVFN, cap + 1, 1);
    assert_int_equal(cap, 0x40);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, cap, 4), 0x0000000d);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, cap + 4, 4), 0x00001b36);
    /* AER v2 at 0x100 -> ACS at 0x148, with QEMU's reset values. */
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x100, 4), 0x14820001);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x10c, 4), 0x00462030);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x114, 4), 0x0000e000);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x148, 4), 0x0001000d);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x14c, 4), 0x0000005f);
    /* The severity register is the guest's; the ACS capability is not. */
    rig_cfg_write(r, RP_DEVFN, 0x10c, 4, 0);
    rig_cfg_write(r, RP_DEVFN, 0x14c, 2, 0);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x10c, 4), 0);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x14c, 2), 0x005f);
}

/* Bus 1 is reached only once firmware numbers it: before, its ECAM space
 * is all-ones; with secondary = subordinate = 1 edu answers at 01:00.0
 * and bus 2 still does not. */
static void test_behind_root_port(void **state)
{
    Rig *r = *state;

    assert_int_equal(rig_read(r, ecam(1, 0, 0), 4), 0xffffffff);
    rig_cfg_write(r, RP_DEVFN, 0x18, 4, 0x00010100);
    assert_int_equal(rig_cfg_read(r, RP_DEVFN, 0x19, 1), 1);
    assert_int_equal(rig_read(r, ecam(1, 0, 0), 4), 0x11e81234);
    assert_int_equal(rig_read(r, ecam(1, 0, 8), 4), 0x00ff0010);
    assert_int_equal(rig_read(r, ecam(1, 8, 0), 4), 0xffffffff);
    assert_int_equal(rig_read(r, ecam(2, 0, 0), 4), 0xffffffff);
}

/* Through the port as firmware sets it up: edu's BAR0 at 0x40100000 in
 * the port's memory window answers; its INTA is swizzled onto the port's
 * pin (INTA of slot 1) and leaves on the root bus's line (1 + 1 - 1) % 4,
 * intx[1]. */
static void test_through_root_port(void **state)
{
    Rig *r = *state;

    rig_cfg_write(r, RP_DEVFN, 0x18, 4, 0x00010100);
    rig_write(r, ecam(1, 0, 0x10), 4, 0x40100000);
    rig_write(r, ecam(1, 0, 0x04), 2, 0x0002);
    assert_int_equal(rig_read(r, 0x40100000, 4), 0xffffffff); /* closed */
    rig_cfg_write(r, RP_DEVFN, 0x20, 4, 0x40104010);
    rig_cfg_write(r, RP_DEVFN, 0x04, 2, 0x0002);
    assert_int_equal(rig_read(r, 0x40100000, 4), 0x010000ed);
    rig_write(r, 0x40100060, 4, 1);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(bb_devtest_get_probe(r->t, r->intx[i]), i == 1);
    }
    rig_write(r, 0x40100064, 4, 1);
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
}

/* build_error YAML: the board error, or NULL if it built. */
static char *build_error(const char *devices)
{
    g_autofree char *yaml = rig_board_yaml(devices);
    GError *err = NULL;
    BbDevtest *t = bb_devtest_new_from_string(yaml, "gpex-test", NULL, &err);
    char *msg;

    if (t) {
        bb_devtest_free(t);
        return NULL;
    }
    msg = g_strdup(err->message);
    g_error_free(err);
    return msg;
}

static void expect_error(const char *devices, const char *what)
{
    g_autofree char *msg = build_error(devices);

    if (!msg || !strstr(msg, what)) {
        fail_msg("expected an error with '%s', got: %s", what,
                 msg ? msg : "(built fine)");
    }
}

/* The bus refuses what it cannot take, naming the reason. */
static void test_placement_errors(void **state)
{
    expect_error("  - {type: edu, id: edu, bus: pcie0, slot: 0}\n",
                 "cannot place 'edu' on bus 'pcie0'");
    expect_error("  - {type: pcie-root-port, id: rp0, bus: pcie0, slot: 1}\n"
                 "  - {type: edu, id: edu, bus: rp0, slot: 1}\n",
                 "slot must be 0");
    expect_error("  - {type: sifive-test, id: fin, bus: pcie0, slot: 1,"
                 " reg: [0x100000, 0x1000]}\n",
                 "is not a PCI device");
}

/* Each range of the bridge is needed, and ECAM comes in whole buses. */
static void test_range_errors(void **state)
{
    g_autofree char *msg = NULL;
    GError *err = NULL;
    BbDevtest *t = bb_devtest_new_from_string(
        "schema: 1\n"
        "ram: {base: 0x8000_0000, size: 1M}\n"
        "devices:\n"
        "  - type: gpex-pcie-host\n"
        "    id: pcie0\n"
        "    reg: [[0x3000_0000, 0x1000_0000], [0x4000_0000, 0x4000_0000]]\n",
        "gpex-test", NULL, &err);

    assert_null(t);
    assert_non_null(strstr(err->message, "expected 4 address ranges"));
    g_clear_error(&err);
    t = bb_devtest_new_from_string(
        "schema: 1\n"
        "devices:\n"
        "  - type: gpex-pcie-host\n"
        "    id: pcie0\n"
        "    reg: [[0x3000_0000, 0x1000], [0x4000_0000, 0x4000_0000],\n"
        "          [0x4_0000_0000, 0x1000], [0x300_0000, 0x1_0000]]\n",
        "gpex-test", NULL, &err);
    assert_null(t);
    assert_non_null(strstr(err->message, "1 MiB per bus"));
    g_clear_error(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_host_bridge_header,
                                        setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_ecam_widths, setup_empty,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_absent_functions, setup_empty,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unbacked_windows, setup_empty,
                                        teardown),
        cmocka_unit_test_teardown(test_intx_line, teardown),
        cmocka_unit_test_setup_teardown(test_root_port_header,
                                        setup_root_port, teardown),
        cmocka_unit_test_setup_teardown(test_behind_root_port,
                                        setup_root_port, teardown),
        cmocka_unit_test_setup_teardown(test_through_root_port,
                                        setup_root_port, teardown),
        cmocka_unit_test(test_placement_errors),
        cmocka_unit_test(test_range_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
