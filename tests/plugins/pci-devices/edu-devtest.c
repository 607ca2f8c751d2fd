/*
 * edu-devtest.c - the edu PCI device (plugins/pci-devices/edu) through
 * configuration and BAR accesses only, on the host bridge of pci-rig.h:
 * its config header as QEMU presents it (docs/hardware/pci-devices.md),
 * BAR sizing, every register and its access rules, the factorial with
 * its status bit and INTx interrupt at exactly 1 us, raise/acknowledge
 * and the INTx-disable bit, DMA both ways at exactly 100 ms, DMA refused
 * without bus mastering, out-of-range DMA skipped, dma_mask clamping, MSI
 * as a memory write into RAM, snapshots taken mid-DMA and mid-factorial,
 * and a system reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pci-rig.h"

#define EDU_DEVFN (1 << 3) /* slot 1, function 0 */
#define CMD_MEM_MASTER 0x0006
#define MS 1000000ull

static const char edu_dev[] =
    "  - {type: edu, id: edu, bus: pcie0, slot: 1, "
    "props: {dma_mask: 0xffffffffffffffff}}\n";

static int setup(void **state)
{
    Rig *r = rig_new(edu_dev);

    rig_setup_function(r, EDU_DEVFN, CMD_MEM_MASTER);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    rig_free(*state);
    return 0;
}

static uint64_t bar0(Rig *r)
{
    return r->bar[0];
}

/* What QEMU shows at 00:01.0 before firmware ran (reference dump), then
 * what sizing reads. */
static void test_config_header(void **state)
{
    Rig *r = rig_new(edu_dev);

    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x00, 4), 0x11e81234);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x04, 4), 0x00100000);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x08, 4), 0x00ff0010);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x0c, 4), 0);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x2c, 4), 0x11001af4);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x34, 4), 0x40);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x3c, 4), 0x00000100);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x40, 4), 0x00800005);
    /* 1 MiB 32-bit memory BAR; nothing else */
    assert_int_equal(rig_bar_probe(r, EDU_DEVFN, 0), 0xfff00000);
    for (unsigned n = 1; n < 6; n++) {
        assert_int_equal(rig_bar_probe(r, EDU_DEVFN, n), 0);
    }
    /* conventional: 256 bytes of config space */
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x100, 4), 0xffffffff);
    /* slot 2 is empty */
    assert_int_equal(rig_cfg_read(r, 2 << 3, 0x00, 4), 0xffffffff);
    rig_free(r);
}

static void test_registers(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r), v;

    assert_int_equal(b, RIG_MMIO);
    assert_int_equal(rig_read(r, b + 0x00, 4), 0x010000ed);
    rig_write(r, b + 0x04, 4, 0x12345678);
    assert_int_equal(rig_read(r, b + 0x04, 4), 0xedcba987);
    rig_write(r, b + 0x04, 4, 0);
    assert_int_equal(rig_read(r, b + 0x04, 4), 0xffffffff);
    /* 1- and 2-byte accesses are bus errors */
    assert_int_equal(rig_read_status(r, b, 1, &v), BB_MEMTX_ERROR);
    assert_int_equal(rig_read_status(r, b, 2, &v), BB_MEMTX_ERROR);
    assert_int_equal(bb_devtest_write(r->t, b + 4, 2, 1), BB_MEMTX_ERROR);
    /* 8 bytes below 0x80: all-ones, writes ignored */
    assert_int_equal(rig_read(r, b + 0x00, 8), UINT64_MAX);
    rig_write(r, b + 0x00, 8, 0);             /* covers liveness */
    assert_int_equal(rig_read(r, b + 0x04, 4), 0xffffffff);
    rig_write(r, b + 0x08, 8, 5);             /* no factorial started */
    assert_int_equal(rig_read(r, b + 0x20, 4), 0);
    /* unaligned 8-byte accesses are bus errors */
    assert_int_equal(rig_read_status(r, b + 0x84, 8, &v), BB_MEMTX_ERROR);
    /* unlisted offsets, high halves of the DMA registers, far in the BAR */
    assert_int_equal(rig_read(r, b + 0x0c, 4), 0xffffffff);
    assert_int_equal(rig_read(r, b + 0x84, 4), 0xffffffff);
    assert_int_equal(rig_read(r, b + 0x9c, 4), 0xffffffff);
    assert_int_equal(rig_read(r, b + 0xffffc, 4), 0xffffffff);
    /* DMA registers: 8-byte and 4-byte (zero-extending) */
    rig_write(r, b + 0x80, 8, 0x1122334455667788ull);
    assert_int_equal(rig_read(r, b + 0x80, 8), 0x1122334455667788ull);
    assert_int_equal(rig_read(r, b + 0x80, 4), 0x55667788);
    rig_write(r, b + 0x80, 4, 0xaabbccdd);
    assert_int_equal(rig_read(r, b + 0x80, 8), 0xaabbccdd);
    /* a command without b0 is ignored entirely */
    rig_write(r, b + 0x98, 4, 0x6);
    assert_int_equal(rig_read(r, b + 0x98, 8), 0);
    /* status: only b7 is writable */
    rig_write(r, b + 0x20, 4, 0xffffffff);
    assert_int_equal(rig_read(r, b + 0x20, 4), 0x80);
    rig_write(r, b + 0x20, 4, 0);
    assert_int_equal(rig_read(r, b + 0x20, 4), 0);
    /* identification is read-only */
    rig_write(r, b + 0x00, 4, 0);
    assert_int_equal(rig_read(r, b + 0x00, 4), 0x010000ed);
    /* memory decode off: the BAR is gone, the window's unclaimed
     * addresses read all-ones */
    rig_cfg_write(r, EDU_DEVFN, 0x04, 2, 0);
    assert_int_equal(rig_read(r, b, 4), 0xffffffff);
    rig_write(r, b + 0x04, 4, 0x0f0f0f0f);    /* goes nowhere */
    assert_int_equal(rig_read(r, b + 0x04, 4), 0xffffffff);
    rig_cfg_write(r, EDU_DEVFN, 0x04, 2, CMD_MEM_MASTER);
    assert_int_equal(rig_read(r, b, 4), 0x010000ed);
    assert_int_equal(rig_read(r, b + 0x04, 4), 0xffffffff); /* kept */
}

static void test_factorial(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r);
    static const struct { uint32_t n, fact; } cases[] = {
        { 0, 1 }, { 1, 1 }, { 5, 120 }, { 12, 479001600 },
        { 13, 1932053504 },           /* 13! mod 2^32 */
        { 20, 2192834560u },          /* 20! mod 2^32 */
        { 34, 0 }, { 0xffffffff, 0 }, /* 2^32 divides 34! */
    };

    rig_write(r, b + 0x08, 4, 5);
    assert_int_equal(rig_read(r, b + 0x20, 4), 1);   /* computing */
    assert_int_equal(rig_read(r, b + 0x08, 4), 5);   /* N until done */
    rig_write(r, b + 0x08, 4, 7);                    /* ignored */
    bb_devtest_step(r->t, 999);
    assert_int_equal(rig_read(r, b + 0x20, 4), 1);
    bb_devtest_step(r->t, 1);                        /* 1 us */
    assert_int_equal(rig_read(r, b + 0x20, 4), 0);
    assert_int_equal(rig_read(r, b + 0x08, 4), 120);
    assert_false(bb_devtest_get_probe(r->t, r->intx[0]));
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        rig_write(r, b + 0x08, 4, cases[i].n);
        bb_devtest_step(r->t, 1000);
        assert_int_equal(rig_read(r, b + 0x08, 4), cases[i].fact);
    }
}

/* Status b7: INTA (slot 1 pin A -> bridge line 1 after the swizzle
 * (slot + pin - 1) % 4) rises when the factorial is done. */
static void test_factorial_irq(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r);
    int line = r->intx[1];

    rig_write(r, b + 0x20, 4, 0x80);
    rig_write(r, b + 0x08, 4, 4);
    bb_devtest_step(r->t, 999);
    assert_false(bb_devtest_get_probe(r->t, line));
    assert_int_equal(rig_read(r, b + 0x24, 4), 0);
    bb_devtest_step(r->t, 1);
    assert_true(bb_devtest_get_probe(r->t, line));
    assert_int_equal(rig_read(r, b + 0x24, 4), 1);
    assert_int_equal(rig_read(r, b + 0x08, 4), 24);
    assert_int_equal(rig_read(r, b + 0x20, 4), 0x80);
    /* config status shows INTx pending */
    assert_true(rig_cfg_read(r, EDU_DEVFN, 0x06, 2) & 0x08);
    rig_write(r, b + 0x64, 4, 1);
    assert_false(bb_devtest_get_probe(r->t, line));
    assert_int_equal(rig_read(r, b + 0x24, 4), 0);
    assert_false(rig_cfg_read(r, EDU_DEVFN, 0x06, 2) & 0x08);
    for (int i = 0; i < 4; i++) {
        if (i != 1) {
            assert_int_equal(bb_devtest_get_probe_rises(r->t, r->intx[i]),
                             0);
        }
    }
}

static void test_raise_ack(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r);
    int line = r->intx[1];

    rig_write(r, b + 0x60, 4, 0);        /* nothing raised: no line */
    assert_false(bb_devtest_get_probe(r->t, line));
    rig_write(r, b + 0x60, 4, 0x30);
    assert_true(bb_devtest_get_probe(r->t, line));
    assert_int_equal(rig_read(r, b + 0x24, 4), 0x30);
    rig_write(r, b + 0x64, 4, 0x10);     /* 0x20 still pending */
    assert_true(bb_devtest_get_probe(r->t, line));
    assert_int_equal(rig_read(r, b + 0x24, 4), 0x20);
    /* INTx disable holds the line low; status still shows it */
    rig_cfg_write(r, EDU_DEVFN, 0x04, 2, CMD_MEM_MASTER | 0x400);
    assert_false(bb_devtest_get_probe(r->t, line));
    assert_true(rig_cfg_read(r, EDU_DEVFN, 0x06, 2) & 0x08);
    rig_cfg_write(r, EDU_DEVFN, 0x04, 2, CMD_MEM_MASTER);
    assert_true(bb_devtest_get_probe(r->t, line));
    rig_write(r, b + 0x64, 4, 0xffffffff);
    assert_false(bb_devtest_get_probe(r->t, line));
    assert_int_equal(rig_read(r, b + 0x24, 4), 0);
}

static void fill_ram(Rig *r, uint64_t addr, unsigned len, uint8_t seed)
{
    for (unsigned i = 0; i < len; i++) {
        rig_write(r, addr + i, 1, (uint8_t)(seed + i * 7));
    }
}

static void check_ram(Rig *r, uint64_t addr, unsigned len, uint8_t seed)
{
    for (unsigned i = 0; i < len; i++) {
        uint64_t v = rig_read(r, addr + i, 1);

        if (v != (uint8_t)(seed + i * 7)) {
            fail_msg("RAM 0x%" PRIx64 ": 0x%02x, expected 0x%02x", addr + i,
                     (unsigned)v, (uint8_t)(seed + i * 7));
        }
    }
}

static void check_ram_zero(Rig *r, uint64_t addr, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        assert_int_equal(rig_read(r, addr + i, 1), 0);
    }
}

/* Start a transfer and let it finish: 100 ms exactly. */
static void dma(Rig *r, uint64_t src, uint64_t dst, uint64_t cnt,
                uint64_t cmd)
{
    uint64_t b = bar0(r);

    rig_write(r, b + 0x80, 8, src);
    rig_write(r, b + 0x88, 8, dst);
    rig_write(r, b + 0x90, 8, cnt);
    rig_write(r, b + 0x98, 8, cmd);
    bb_devtest_step(r->t, 100 * MS - 1);
    assert_int_equal(rig_read(r, b + 0x98, 8), cmd); /* still running */
    rig_write(r, b + 0x80, 8, 0xdead);                /* frozen */
    assert_int_equal(rig_read(r, b + 0x80, 8), src);
    bb_devtest_step(r->t, 1);
    assert_int_equal(rig_read(r, b + 0x98, 8), cmd & ~1ull);
}

static void test_dma_round_trip(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r);

    fill_ram(r, RIG_RAM + 0x1000, 300, 0x11);
    /* RAM -> buffer at 0x40100, with the completion interrupt */
    dma(r, RIG_RAM + 0x1000, 0x40100, 300, 0x1 | 0x4);
    assert_int_equal(rig_read(r, b + 0x24, 4), 0x100);
    assert_true(bb_devtest_get_probe(r->t, r->intx[1]));
    rig_write(r, b + 0x64, 4, 0x100);
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
    /* buffer -> RAM elsewhere, no interrupt */
    dma(r, 0x40100, RIG_RAM + 0x8000, 300, 0x1 | 0x2);
    check_ram(r, RIG_RAM + 0x8000, 300, 0x11);
    check_ram_zero(r, RIG_RAM + 0x8000 + 300, 16);
    assert_int_equal(rig_read(r, b + 0x24, 4), 0);
    /* the whole buffer, last byte included */
    fill_ram(r, RIG_RAM + 0x2000, 4096, 0x5a);
    dma(r, RIG_RAM + 0x2000, 0x40000, 4096, 0x1);
    dma(r, 0x40000, RIG_RAM + 0x10000, 4096, 0x3);
    check_ram(r, RIG_RAM + 0x10000, 4096, 0x5a);
}

static void test_dma_needs_bus_master(void **state)
{
    Rig *r = *state;

    fill_ram(r, RIG_RAM + 0x1000, 64, 0x33);
    dma(r, RIG_RAM + 0x1000, 0x40000, 64, 0x1);
    /* memory decode only: the transfer is refused, b0 still clears */
    rig_cfg_write(r, EDU_DEVFN, 0x04, 2, 0x0002);
    dma(r, 0x40000, RIG_RAM + 0x4000, 64, 0x3);
    check_ram_zero(r, RIG_RAM + 0x4000, 64);
    fill_ram(r, RIG_RAM + 0x1000, 64, 0x77);
    dma(r, RIG_RAM + 0x1000, 0x40000, 64, 0x1); /* refused: buffer kept */
    rig_cfg_write(r, EDU_DEVFN, 0x04, 2, CMD_MEM_MASTER);
    dma(r, 0x40000, RIG_RAM + 0x4000, 64, 0x3);
    check_ram(r, RIG_RAM + 0x4000, 64, 0x33);
}

static void test_dma_out_of_range(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r);
    static const struct { uint64_t buf, cnt; } bad[] = {
        { 0x40f00, 0x101 },                 /* runs past the end */
        { 0x3ffff, 1 },                     /* starts below */
        { 0x41000, 1 },                     /* starts past the end */
        { 0x40000, 0 },                     /* empty */
        { 0x40010, UINT64_MAX },            /* wraps around */
        { UINT64_MAX, 2 },                  /* wraps around */
    };

    fill_ram(r, RIG_RAM + 0x1000, 256, 0x42);
    dma(r, RIG_RAM + 0x1000, 0x40f00, 0x100, 0x1); /* the last 256: fine */
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        /* both directions skipped, b0 cleared, the completion interrupt
         * still raised */
        dma(r, RIG_RAM + 0x1000, bad[i].buf, bad[i].cnt, 0x5);
        dma(r, bad[i].buf, RIG_RAM + 0x20000, bad[i].cnt, 0x7);
        check_ram_zero(r, RIG_RAM + 0x20000, 16);
        assert_int_equal(rig_read(r, b + 0x24, 4), 0x100);
        rig_write(r, b + 0x64, 4, 0x100);
    }
    dma(r, 0x40f00, RIG_RAM + 0x20000, 0x100, 0x3);
    check_ram(r, RIG_RAM + 0x20000, 0x100, 0x42);
}

/* The default dma_mask keeps 28 bits: RAM at 0x8000_0000 is clamped to
 * 0x0000_0000 + offset, where nothing is, so RAM is not written. */
static void test_dma_mask_default(void **state)
{
    Rig *r = rig_new("  - {type: edu, id: edu, bus: pcie0, slot: 1}\n");
    uint64_t b;

    rig_setup_function(r, EDU_DEVFN, CMD_MEM_MASTER);
    b = bar0(r);
    fill_ram(r, RIG_RAM + 0x1000, 16, 0x99);
    dma(r, RIG_RAM + 0x1000, 0x40000, 16, 0x1);
    dma(r, 0x40000, RIG_RAM + 0x3000, 16, 0x3);
    check_ram_zero(r, RIG_RAM + 0x3000, 16);
    (void)b;
    rig_free(r);
}

/* MSI: the message is a 32-bit write of the data to the address; RAM is
 * mapped there, so it lands in RAM.  INTx stays low. */
static void test_msi(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r);
    uint64_t msi_addr = RIG_RAM + 0x3000;

    rig_cfg_write(r, EDU_DEVFN, 0x44, 4, (uint32_t)msi_addr);
    rig_cfg_write(r, EDU_DEVFN, 0x48, 4, (uint32_t)(msi_addr >> 32));
    rig_cfg_write(r, EDU_DEVFN, 0x4c, 2, 0x4321);
    rig_write(r, b + 0x60, 4, 0x1);               /* INTx first */
    assert_true(bb_devtest_get_probe(r->t, r->intx[1]));
    rig_cfg_write(r, EDU_DEVFN, 0x42, 2, 0x0001); /* enable: INTx drops */
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
    rig_write(r, b + 0x64, 4, 0x1);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x40, 4), 0x00810005);
    rig_write(r, msi_addr, 4, 0);
    rig_write(r, b + 0x60, 4, 0x8);
    assert_int_equal(rig_read(r, msi_addr, 4), 0x4321);
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
    /* one message per raise */
    rig_write(r, msi_addr, 4, 0);
    rig_write(r, b + 0x60, 4, 0x8);
    assert_int_equal(rig_read(r, msi_addr, 4), 0x4321);
    /* factorial completion through MSI too */
    rig_write(r, b + 0x64, 4, 0xffffffff);
    rig_write(r, msi_addr, 4, 0);
    rig_write(r, b + 0x20, 4, 0x80);
    rig_write(r, b + 0x08, 4, 3);
    bb_devtest_step(r->t, 1000);
    assert_int_equal(rig_read(r, msi_addr, 4), 0x4321);
    assert_int_equal(rig_read(r, b + 0x24, 4), 1);
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
}

/* A snapshot taken 40 ms into a DMA transfer, loaded after the device
 * was reset, finishes the transfer at the original 100 ms. */
static void test_snapshot_mid_dma(void **state)
{
    Rig *r = *state;
    BbDevice *dev = bb_devtest_get_device(r->t, "edu");
    const BbStateDesc *desc = BB_DEVICE_GET_CLASS(dev)->state;
    uint64_t b = bar0(r);
    g_autoptr(GByteArray) snap = g_byte_array_new();
    GError *err = NULL;

    fill_ram(r, RIG_RAM + 0x1000, 128, 0x21);
    rig_write(r, b + 0x80, 8, RIG_RAM + 0x1000);
    rig_write(r, b + 0x88, 8, 0x40000);
    rig_write(r, b + 0x90, 8, 128);
    rig_write(r, b + 0x98, 8, 0x5);
    rig_write(r, b + 0x04, 4, 0x0f0f0f0f);
    bb_devtest_step(r->t, 40 * MS);
    assert_true(bb_state_save(desc, dev, snap, &err));
    bb_device_reset(dev); /* BARs unmapped, registers cleared */
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x10, 4), 0);
    if (!bb_state_load(desc, dev, snap->data, snap->len, &err)) {
        fail_msg("%s", err->message);
    }
    /* BAR0 and decode came back with the config space */
    assert_int_equal(rig_read(r, b + 0x04, 4), 0xf0f0f0f0);
    assert_int_equal(rig_read(r, b + 0x98, 8), 0x5);
    bb_devtest_step(r->t, 60 * MS - 1);
    assert_int_equal(rig_read(r, b + 0x98, 8), 0x5);
    bb_devtest_step(r->t, 1);
    assert_int_equal(rig_read(r, b + 0x98, 8), 0x4);
    assert_true(bb_devtest_get_probe(r->t, r->intx[1]));
    dma(r, 0x40000, RIG_RAM + 0x5000, 128, 0x3);
    check_ram(r, RIG_RAM + 0x5000, 128, 0x21);
}

/* The same in the middle of a factorial: the result comes at the
 * original 1 us, with its interrupt. */
static void test_snapshot_mid_factorial(void **state)
{
    Rig *r = *state;
    BbDevice *dev = bb_devtest_get_device(r->t, "edu");
    const BbStateDesc *desc = BB_DEVICE_GET_CLASS(dev)->state;
    uint64_t b = bar0(r);
    g_autoptr(GByteArray) snap = g_byte_array_new();
    GError *err = NULL;

    rig_write(r, b + 0x20, 4, 0x80);
    rig_write(r, b + 0x08, 4, 10);
    bb_devtest_step(r->t, 400);
    assert_true(bb_state_save(desc, dev, snap, &err));
    bb_device_reset(dev);
    bb_devtest_step(r->t, 1000);         /* nothing pending after reset */
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
    if (!bb_state_load(desc, dev, snap->data, snap->len, &err)) {
        fail_msg("%s", err->message);
    }
    /* the saved deadline (1000 ns) has passed: it fires at once */
    bb_devtest_step(r->t, 0);
    assert_int_equal(rig_read(r, b + 0x08, 4), 3628800);
    assert_int_equal(rig_read(r, b + 0x20, 4), 0x80);
    assert_true(bb_devtest_get_probe(r->t, r->intx[1]));
}

/* A system reset: registers cleared, decode off, the line low, a pending
 * DMA forgotten. */
static void test_reset(void **state)
{
    Rig *r = *state;
    uint64_t b = bar0(r);

    rig_write(r, b + 0x04, 4, 1);
    rig_write(r, b + 0x60, 4, 0x4);
    rig_write(r, b + 0x90, 8, 16);
    rig_write(r, b + 0x98, 8, 0x5);
    assert_true(bb_devtest_get_probe(r->t, r->intx[1]));
    bb_devtest_reset(r->t);
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x04, 2), 0);
    assert_int_equal(rig_cfg_read(r, EDU_DEVFN, 0x10, 4), 0);
    r->mem_next = RIG_MMIO; /* firmware starts over */
    rig_setup_function(r, EDU_DEVFN, CMD_MEM_MASTER);
    assert_int_equal(bar0(r), b);
    assert_int_equal(rig_read(r, b + 0x04, 4), 0);
    assert_int_equal(rig_read(r, b + 0x24, 4), 0);
    assert_int_equal(rig_read(r, b + 0x90, 8), 0);
    assert_int_equal(rig_read(r, b + 0x98, 8), 0);
    bb_devtest_step(r->t, 100 * MS);
    assert_int_equal(rig_read(r, b + 0x24, 4), 0);
    assert_false(bb_devtest_get_probe(r->t, r->intx[1]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_header),
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_factorial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_factorial_irq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raise_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_round_trip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dma_needs_bus_master, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dma_out_of_range, setup,
                                        teardown),
        cmocka_unit_test(test_dma_mask_default),
        cmocka_unit_test_setup_teardown(test_msi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_mid_dma, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_mid_factorial, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
