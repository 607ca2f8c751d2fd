/*
 * pci-rig.c - the PCI device tests' board and firmware steps (pci-rig.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pci-rig.h"

/* The gpex-compatible host bridge plugin (plugins/pci-devices/gpex):
 * ECAM, 32-bit and 64-bit memory windows and the I/O window, as on
 * riscv-virt; its INTA..INTD outputs are the group "intx". */
#define RIG_BRIDGE_TYPE "gpex-pcie-host"
#define RIG_BRIDGE_REG                                                        \
    "    reg: [[0x3000_0000, 0x1000_0000], [0x4000_0000, 0x4000_0000],\n"   \
    "          [0x4_0000_0000, 0x4_0000_0000], [0x300_0000, 0x1_0000]]\n"
#define RIG_BRIDGE_INTX ".intx"

/* The host bridge as riscv-virt places it (docs/hardware/pci.md); its
 * INTx outputs go to probes instead of a PLIC. */
static const char board_fmt[] =
    "schema: 1\n"
    "name: pci-devices-test\n"
    "ram: {base: 0x8000_0000, size: 1M}\n"
    "devices:\n"
    "  - type: " RIG_BRIDGE_TYPE "\n"
    "    id: pcie0\n"
    RIG_BRIDGE_REG
    "%s";

char *rig_board_yaml(const char *devices)
{
    return g_strdup_printf(board_fmt, devices);
}

Rig *rig_new(const char *devices)
{
    Rig *r = g_new0(Rig, 1);
    GError *err = NULL;
    g_autofree char *yaml = rig_board_yaml(devices);

    r->t = bb_devtest_new_from_string(yaml, "pci-devices-test", NULL, &err);
    if (!r->t) {
        fail_msg("%s", err->message);
    }
    for (int i = 0; i < 4; i++) {
        g_autofree char *ref = g_strdup_printf("pcie0%s:%d",
                                               RIG_BRIDGE_INTX, i);

        r->intx[i] = bb_devtest_add_probe(r->t, ref, &err);
        if (r->intx[i] < 0) {
            fail_msg("%s", err->message);
        }
    }
    r->mem_next = RIG_MMIO;
    r->io_next = 0x1000; /* as U-Boot */
    return r;
}

void rig_free(Rig *r)
{
    if (r) {
        bb_devtest_free(r->t);
        g_free(r);
    }
}

uint64_t rig_read(Rig *r, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    BbMemTxResult res = bb_devtest_read(r->t, addr, size, &v);

    if (res != BB_MEMTX_OK) {
        fail_msg("%u-byte read at 0x%" PRIx64 ": bus status %d", size, addr,
                 res);
    }
    return v;
}

BbMemTxResult rig_read_status(Rig *r, uint64_t addr, unsigned size,
                              uint64_t *v)
{
    return bb_devtest_read(r->t, addr, size, v);
}

void rig_write(Rig *r, uint64_t addr, unsigned size, uint64_t v)
{
    BbMemTxResult res = bb_devtest_write(r->t, addr, size, v);

    if (res != BB_MEMTX_OK) {
        fail_msg("%u-byte write at 0x%" PRIx64 ": bus status %d", size,
                 addr, res);
    }
}

static uint64_t ecam(unsigned devfn, unsigned off)
{
    return RIG_ECAM + ((uint64_t)devfn << 12) + off;
}

uint32_t rig_cfg_read(Rig *r, unsigned devfn, unsigned off, unsigned size)
{
    return (uint32_t)rig_read(r, ecam(devfn, off), size);
}

void rig_cfg_write(Rig *r, unsigned devfn, unsigned off, unsigned size,
                   uint32_t v)
{
    rig_write(r, ecam(devfn, off), size, v);
}

uint32_t rig_bar_probe(Rig *r, unsigned devfn, unsigned n)
{
    unsigned off = 0x10 + 4 * n;
    uint32_t old = rig_cfg_read(r, devfn, off, 4), v;

    rig_cfg_write(r, devfn, off, 4, 0xffffffff);
    v = rig_cfg_read(r, devfn, off, 4);
    rig_cfg_write(r, devfn, off, 4, old);
    return v;
}

void rig_setup_function(Rig *r, unsigned devfn, uint16_t command)
{
    memset(r->bar, 0, sizeof(r->bar));
    memset(r->bar_size, 0, sizeof(r->bar_size));
    memset(r->bar_io, 0, sizeof(r->bar_io));
    rig_cfg_write(r, devfn, 0x04, 2, 0); /* decode off while sizing */
    for (unsigned n = 0; n < 6; n++) {
        unsigned off = 0x10 + 4 * n;
        uint32_t v = rig_bar_probe(r, devfn, n);
        uint64_t size, mask;
        bool is64;

        if (v == 0) {
            continue;
        }
        if (v & 1) {
            size = (uint32_t)(~(v & ~3u) + 1) & 0xffff;
            r->io_next = (uint32_t)((r->io_next + size - 1) & ~(size - 1));
            rig_cfg_write(r, devfn, off, 4, r->io_next);
            r->bar[n] = RIG_IO_CPU + r->io_next;
            r->bar_size[n] = size;
            r->bar_io[n] = true;
            r->io_next += (uint32_t)size;
            continue;
        }
        is64 = (v & 6) == 4;
        mask = v & ~0xfu;
        if (is64) {
            uint32_t hi = rig_bar_probe(r, devfn, n + 1);

            mask |= (uint64_t)hi << 32;
        } else {
            mask |= UINT64_C(0xffffffff00000000);
        }
        size = ~mask + 1;
        r->mem_next = (r->mem_next + size - 1) & ~(size - 1);
        rig_cfg_write(r, devfn, off, 4, (uint32_t)r->mem_next);
        if (is64) {
            rig_cfg_write(r, devfn, off + 4, 4,
                          (uint32_t)(r->mem_next >> 32));
        }
        r->bar[n] = r->mem_next;
        r->bar_size[n] = size;
        r->mem_next += size;
        if (is64) {
            n++;
        }
    }
    rig_cfg_write(r, devfn, 0x04, 2, command);
}
