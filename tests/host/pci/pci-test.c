/*
 * pci-test.c - unit tests of the PCI core (host/pci, pci.h) with a fake
 * host bridge built here: a root bus whose memory and I/O windows are
 * containers, a CPU view that aliases the 32-bit memory window at
 * 0x40000000 (as a gpex bridge maps it), a DMA address space with RAM and
 * an MSI doorbell that records every write and its requester ID, and INTx
 * lines recorded as levels and edges.  The functions are test types: an
 * endpoint with every kind of BAR, a ROM, PM, MSI and MSI-X; a PCI Express
 * endpoint; and a type 1 bridge (PCIe root port).
 *
 * The expected values come from the PCI specs as docs/hardware/pci.md
 * states them (sizing read-backs ~(size-1)|flags, the swizzle (slot + pin
 * - 1) % 4, the MSI layout), not from what the code printed.
 *
 * Guest errors are captured by defining bb_guest_error() here (the
 * executable's definition interposes on the library's).
 */
#include <inttypes.h>

#include "host-test.h"

/* ------------------------------------------------ guest-error capture */

static GString *guest_log;

void bb_guest_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (guest_log) {
        g_string_append_vprintf(guest_log, fmt, ap);
        g_string_append_c(guest_log, '\n');
    }
    va_end(ap);
}

/* Fail unless a guest error containing @needle was logged since the last
 * check; forget them. */
static void assert_guest_error(const char *needle)
{
    assert_contains(guest_log->str, needle);
    g_string_truncate(guest_log, 0);
}

static void assert_no_guest_error(void)
{
    if (guest_log->len) {
        fail_msg("unexpected guest error: %s", guest_log->str);
    }
}

/* ------------------------------------------------ test function types */

#define TYPE_TEST_DEV "test-pci-dev"
#define TYPE_TEST_EXP "test-pcie-ep"
#define TYPE_TEST_BRIDGE "test-root-port"

typedef struct TestDev {
    BbPciDevice parent_obj;
    BbMemoryRegion *bar0, *bar1, *bar2, *rom;
    unsigned reads, writes;  /* BAR0 accesses */
    uint64_t last_write;
    unsigned resets;         /* BbPciDeviceClass.reset calls */
    unsigned msi_cap, msix_cap, pm_cap;
} TestDev;

static uint64_t bar_read(void *opaque, uint64_t addr, unsigned size)
{
    TestDev *d = opaque;
    d->reads++;
    return 0xab000000u | (uint32_t)addr;
}

static void bar_write(void *opaque, uint64_t addr, uint64_t v, unsigned size)
{
    TestDev *d = opaque;
    d->writes++;
    d->last_write = v;
}

static const BbMemoryOps bar_ops = {
    .read = bar_read,
    .write = bar_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool test_dev_realize(BbPciDevice *pdev, GError **error)
{
    TestDev *d = (TestDev *)pdev;

    d->bar0 = bb_memory_region_new_io(BB_OBJECT(d), "t-bar0", &bar_ops, d,
                                      0x1000);
    d->bar1 = bb_memory_region_new_io(BB_OBJECT(d), "t-bar1", &bar_ops, d,
                                      0x100);
    d->bar2 = bb_memory_region_new_io(BB_OBJECT(d), "t-bar2", &bar_ops, d,
                                      0x100000);
    d->rom = bb_memory_region_new_rom(BB_OBJECT(d), "t-rom", 0x800, error);
    if (!d->rom) {
        return false;
    }
    uint8_t sig[2] = { 0x55, 0xaa };
    bb_memory_region_write_rom(d->rom, 0, sig, 2, NULL);
    if (!bb_pci_register_bar(pdev, 0, BB_PCI_BAR_MEM32, d->bar0, error) ||
        !bb_pci_register_bar(pdev, 1, BB_PCI_BAR_IO, d->bar1, error) ||
        !bb_pci_register_bar(pdev, 2,
                             BB_PCI_BAR_MEM64 | BB_PCI_BAR_PREFETCH,
                             d->bar2, error) ||
        !bb_pci_register_bar(pdev, BB_PCI_ROM_SLOT, 0, d->rom, error)) {
        return false;
    }
    d->pm_cap = bb_pci_pm_init(pdev, 0, error);
    d->msi_cap = d->pm_cap ? bb_pci_msi_init(pdev, 0, 4, true, true, error)
                           : 0;
    d->msix_cap = d->msi_cap ? bb_pci_msix_init(pdev, 0, 4, 0, 0x800, 0,
                                                0xc00, error)
                             : 0;
    return d->msix_cap != 0;
}

static void test_dev_exit(BbPciDevice *pdev)
{
    TestDev *d = (TestDev *)pdev;
    g_clear_pointer(&d->bar0, bb_memory_region_unref);
    g_clear_pointer(&d->bar1, bb_memory_region_unref);
    g_clear_pointer(&d->bar2, bb_memory_region_unref);
    g_clear_pointer(&d->rom, bb_memory_region_unref);
}

static void test_dev_reset(BbPciDevice *pdev)
{
    ((TestDev *)pdev)->resets++;
}

static void test_dev_class_init(BbObjectClass *klass, const void *data)
{
    BbPciDeviceClass *pc = (BbPciDeviceClass *)klass;
    pc->realize = test_dev_realize;
    pc->exit = test_dev_exit;
    pc->reset = test_dev_reset;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x11e8;
    pc->revision = 0x10;
    pc->class_id = 0x00ff;
    pc->subsystem_vendor_id = 0x1af4;
    pc->subsystem_id = 0x1100;
    pc->interrupt_pin = 1;
}

static bool test_exp_realize(BbPciDevice *pdev, GError **error)
{
    return bb_pci_express_init(pdev, 0, BB_PCI_EXP_TYPE_ENDPOINT, error) != 0;
}

static void test_exp_class_init(BbObjectClass *klass, const void *data)
{
    BbPciDeviceClass *pc = (BbPciDeviceClass *)klass;
    pc->realize = test_exp_realize;
    pc->vendor_id = 0x1b36;
    pc->device_id = 0x0005;
    pc->class_id = 0x00ff;
    pc->is_express = true;
    pc->interrupt_pin = 1;
}

static bool test_bridge_realize(BbPciDevice *pdev, GError **error)
{
    return bb_pci_express_init(pdev, 0, BB_PCI_EXP_TYPE_ROOT_PORT,
                               error) != 0;
}

static void test_bridge_class_init(BbObjectClass *klass, const void *data)
{
    BbPciDeviceClass *pc = (BbPciDeviceClass *)klass;
    pc->realize = test_bridge_realize;
    pc->vendor_id = 0x1b36;
    pc->device_id = 0x000c;
    pc->class_id = 0x0604;
    pc->header_type = BB_PCI_HEADER_TYPE_BRIDGE;
    pc->is_express = true;
    pc->interrupt_pin = 1;
}

static const BbTypeInfo test_dev_info = {
    .name = TYPE_TEST_DEV,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(TestDev),
    .class_init = test_dev_class_init,
};

static const BbTypeInfo test_exp_info = {
    .name = TYPE_TEST_EXP,
    .parent = BB_TYPE_PCI_DEVICE,
    .class_init = test_exp_class_init,
};

static const BbTypeInfo test_bridge_info = {
    .name = TYPE_TEST_BRIDGE,
    .parent = BB_TYPE_PCI_DEVICE,
    .class_init = test_bridge_class_init,
};

/* ------------------------------------------------ the fake host bridge */

#define MMIO32_BASE 0x40000000u /* CPU address = bus address */
#define MMIO32_SIZE 0x40000000u
#define IO_CPU_BASE 0x03000000u
#define RAM_BASE 0x80000000u
#define DOORBELL 0x10000000u

typedef struct MsiWrite {
    uint64_t addr;
    uint32_t data;
    BbMemTxAttrs attrs;
} MsiWrite;

typedef struct Host {
    BbMemoryRegion *mem, *io;       /* bus windows */
    BbMemoryRegion *sys, *ram, *doorbell;
    BbAddressSpace *dma_as;
    BbMemoryRegion *cpu, *mem_alias, *io_alias;
    BbAddressSpace *cpu_as;         /* the CPU's view */
    BbMemoryListener listener;      /* stands in for the TLB's */
    unsigned commits;
    BbPciBus *bus;
    bool line[4];
    unsigned edges[4];
    GArray *msi;                    /* MsiWrite */
} Host;

static Host *host;

static void set_irq(void *opaque, unsigned line, bool level)
{
    Host *h = opaque;
    assert_true(line < 4);
    assert_true(h->line[line] != level); /* only changes are reported */
    h->line[line] = level;
    h->edges[line]++;
}

static BbMemTxResult doorbell_write(void *opaque, uint64_t addr,
                                    uint64_t value, unsigned size,
                                    BbMemTxAttrs attrs)
{
    Host *h = opaque;
    MsiWrite w = { DOORBELL + addr, (uint32_t)value, attrs };
    assert_int_equal(size, 4);
    g_array_append_val(h->msi, w);
    return BB_MEMTX_OK;
}

static const BbMemoryOps doorbell_ops = {
    .write_with_attrs = doorbell_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void count_commit(BbMemoryListener *l)
{
    ((Host *)l->opaque)->commits++;
}

static int host_setup(void **state)
{
    GError *err = NULL;
    Host *h = g_new0(Host, 1);

    guest_log = g_string_new(NULL);
    h->mem = bb_memory_region_new_container(NULL, "pci-mem", UINT64_MAX);
    h->io = bb_memory_region_new_container(NULL, "pci-io", 0x10000);
    h->sys = bb_memory_region_new_container(NULL, "sys", UINT64_MAX);
    h->ram = bb_memory_region_new_ram(NULL, "ram", 0x10000, &err);
    assert_no_error(err);
    bb_memory_region_add_subregion(h->sys, RAM_BASE, h->ram, &err);
    h->doorbell = bb_memory_region_new_io(NULL, "doorbell", &doorbell_ops, h,
                                          0x1000);
    bb_memory_region_add_subregion(h->sys, DOORBELL, h->doorbell, &err);
    assert_no_error(err);
    h->dma_as = bb_address_space_new(h->sys, "dma", BB_UNASSIGNED_ERROR);

    h->cpu = bb_memory_region_new_container(NULL, "cpu", UINT64_MAX);
    h->mem_alias = bb_memory_region_new_alias(NULL, "mmio32", h->mem,
                                              MMIO32_BASE, MMIO32_SIZE);
    h->io_alias = bb_memory_region_new_alias(NULL, "pio", h->io, 0, 0x10000);
    bb_memory_region_add_subregion(h->cpu, MMIO32_BASE, h->mem_alias, &err);
    bb_memory_region_add_subregion(h->cpu, IO_CPU_BASE, h->io_alias, &err);
    assert_no_error(err);
    h->cpu_as = bb_address_space_new(h->cpu, "cpu", BB_UNASSIGNED_IGNORE);
    h->listener = (BbMemoryListener){ .commit = count_commit, .opaque = h };
    bb_address_space_add_listener(h->cpu_as, &h->listener);

    BbPciBusOptions opts = { .name = "pcie.0", .mem_window = h->mem,
                             .io_window = h->io, .dma_as = h->dma_as,
                             .set_irq = set_irq, .irq_opaque = h };
    h->bus = bb_pci_root_bus_new(NULL, &opts);
    h->msi = g_array_new(false, false, sizeof(MsiWrite));
    host = h;
    *state = h;
    return 0;
}

static int host_teardown(void **state)
{
    Host *h = *state;

    for (unsigned i = 0; i < 256; i++) {
        BbPciDevice *d = bb_pci_bus_find(h->bus, i);
        assert_null(d); /* every test unplugs what it plugged */
    }
    bb_pci_bus_free(h->bus);
    bb_address_space_remove_listener(h->cpu_as, &h->listener);
    bb_address_space_free(h->cpu_as);
    bb_address_space_free(h->dma_as);
    bb_memory_region_unref(h->mem_alias);
    bb_memory_region_unref(h->io_alias);
    bb_memory_region_unref(h->cpu);
    bb_memory_region_unref(h->doorbell);
    bb_memory_region_unref(h->ram);
    bb_memory_region_unref(h->sys);
    bb_memory_region_unref(h->mem);
    bb_memory_region_unref(h->io);
    g_array_unref(h->msi);
    g_string_free(guest_log, true);
    guest_log = NULL;
    g_free(h);
    host = NULL;
    return 0;
}

/* Create, plug at @bus/@slot/@func and realize a function of @type. */
static BbPciDevice *add_fn(BbPciBus *bus, const char *type, int slot,
                           int func)
{
    GError *err = NULL;
    BbPciDevice *pdev = BB_PCI_DEVICE(bb_object_new(type, &err));

    assert_no_error(err);
    assert_true(bb_pci_bus_plug(bus, pdev, slot, func, &err));
    assert_no_error(err);
    assert_true(bb_device_realize(BB_DEVICE(pdev), &err));
    assert_no_error(err);
    return pdev;
}

static void remove_fn(BbPciDevice *pdev)
{
    BbPciBus *bus = bb_pci_get_bus(pdev);

    bb_device_unrealize(BB_DEVICE(pdev));
    if (bus) {
        bb_pci_bus_unplug(bus, pdev);
    }
    bb_object_unref(BB_OBJECT(pdev));
}

static uint32_t cfg_rd(unsigned bus, unsigned devfn, uint32_t off,
                       unsigned len)
{
    return bb_pci_bus_config_read(host->bus, bus, devfn, off, len);
}

static void cfg_wr(unsigned bus, unsigned devfn, uint32_t off, uint32_t v,
                   unsigned len)
{
    bb_pci_bus_config_write(host->bus, bus, devfn, off, v, len);
}

static uint64_t cpu_rd(uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    assert_int_equal(bb_address_space_load(host->cpu_as, addr, size, &v),
                     BB_MEMTX_OK);
    return v;
}

static void cpu_wr(uint64_t addr, uint64_t v, unsigned size)
{
    assert_int_equal(bb_address_space_store(host->cpu_as, addr, size, v),
                     BB_MEMTX_OK);
}

/* ------------------------------------------------ configuration space */

static void test_header(void **state)
{
    BbPciDevice *d = add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    unsigned fn = BB_PCI_DEVFN(1, 0);

    /* Identity, and what docs/hardware/pci.md says edu's header holds. */
    assert_int_equal(cfg_rd(0, fn, 0, 4), 0x11e81234);
    assert_int_equal(cfg_rd(0, fn, 0x08, 4), 0x00ff0010);
    assert_int_equal(cfg_rd(0, fn, 0x2c, 4), 0x11001af4);
    assert_int_equal(cfg_rd(0, fn, 0x3d, 1), 1);
    assert_int_equal(cfg_rd(0, fn, 0x0e, 1), 0);
    assert_int_equal(cfg_rd(0, fn, 0x02, 2), 0x11e8);
    assert_int_equal(cfg_rd(0, fn, 0x01, 1), 0x12);
    /* Read-only identity. */
    cfg_wr(0, fn, 0, 0xffffffff, 4);
    cfg_wr(0, fn, 0x08, 0xffffffff, 4);
    assert_int_equal(cfg_rd(0, fn, 0, 4), 0x11e81234);
    assert_int_equal(cfg_rd(0, fn, 0x08, 4), 0x00ff0010);
    /* Absent slot, function and space read all-ones at every width. */
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(2, 0), 0, 4), 0xffffffff);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(2, 0), 0, 2), 0xffff);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(2, 0), 3, 1), 0xff);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(1, 1), 0, 4), 0xffffffff);
    assert_int_equal(cfg_rd(7, fn, 0, 4), 0xffffffff);
    assert_int_equal(cfg_rd(0, fn, 0x100, 4), 0xffffffff);
    assert_int_equal(cfg_rd(0, fn, 0xffc, 4), 0xffffffff);
    cfg_wr(0, BB_PCI_DEVFN(2, 0), 0x04, 0xffff, 2); /* dropped */

    /* Command: only I/O, memory, master, SERR, INTx disable stick. */
    cfg_wr(0, fn, 0x04, 0xffff, 2);
    assert_int_equal(cfg_rd(0, fn, 0x04, 2), 0x0507);
    cfg_wr(0, fn, 0x04, 0, 2);
    assert_int_equal(cfg_rd(0, fn, 0x04, 2), 0);

    /* Status: capability bit set (caps exist), error bits w1c, INTx bit
     * read-only. */
    uint16_t st = (uint16_t)cfg_rd(0, fn, 0x06, 2);
    assert_int_equal(st, BB_PCI_STATUS_CAP_LIST);
    bb_pci_set_word(d, BB_PCI_STATUS, st | 0x2000 | 0x0100);
    cfg_wr(0, fn, 0x06, 0x0008, 2); /* INTx bit: no effect */
    assert_int_equal(cfg_rd(0, fn, 0x06, 2), st | 0x2100);
    cfg_wr(0, fn, 0x06, 0x2000, 2); /* clears only the bit written */
    assert_int_equal(cfg_rd(0, fn, 0x06, 2), st | 0x0100);
    cfg_wr(0, fn, 0x04, 0x00000100u << 16, 4); /* dword write clears 0x100 */
    assert_int_equal(cfg_rd(0, fn, 0x06, 2), st);

    /* Cache line size and interrupt line are storage; pin is not. */
    cfg_wr(0, fn, 0x0c, 8, 1);
    cfg_wr(0, fn, 0x3c, 0xffff, 2);
    assert_int_equal(cfg_rd(0, fn, 0x0c, 1), 8);
    assert_int_equal(cfg_rd(0, fn, 0x3c, 2), 0x01ff);

    /* 0x40-0xff outside capabilities is plain storage; capability
     * headers are read-only. */
    unsigned free_off = 0xf0;
    cfg_wr(0, fn, free_off, 0xdeadbeef, 4);
    assert_int_equal(cfg_rd(0, fn, free_off, 4), 0xdeadbeef);
    unsigned cap = cfg_rd(0, fn, 0x34, 1);
    uint16_t hdr = (uint16_t)cfg_rd(0, fn, cap, 2);
    cfg_wr(0, fn, cap, 0, 2);
    assert_int_equal(cfg_rd(0, fn, cap, 2), hdr);

    /* Unaligned accesses are split into bytes. */
    cfg_wr(0, fn, free_off + 1, 0x1122, 2);
    assert_int_equal(cfg_rd(0, fn, free_off, 4), 0xde1122ef);
    assert_int_equal(cfg_rd(0, fn, free_off + 1, 4), 0x00de1122 |
                     (cfg_rd(0, fn, free_off + 4, 1) << 24));
    /* Bad widths are refused and logged. */
    assert_int_equal(cfg_rd(0, fn, 0, 3), 0xffffff);
    assert_guest_error("refused");
    remove_fn(d);
}

static void test_multifunction(void **state)
{
    BbPciDevice *f1 = add_fn(host->bus, TYPE_TEST_EXP, 3, 1);

    /* Function 1 without function 0 is invisible. */
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(3, 1), 0, 4), 0xffffffff);
    BbPciDevice *f0 = add_fn(host->bus, TYPE_TEST_EXP, 3, 0);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(3, 1), 0, 4), 0x00051b36);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(3, 0), 0x0e, 1), 0x80);
    bb_device_reset(BB_DEVICE(f0)); /* the bit survives reset */
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(3, 0), 0x0e, 1), 0x80);
    remove_fn(f1);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(3, 0), 0x0e, 1), 0);
    remove_fn(f0);

    /* Plug errors. */
    GError *err = NULL;
    BbPciDevice *a = add_fn(host->bus, TYPE_TEST_EXP, 4, 0);
    BbPciDevice *b = BB_PCI_DEVICE(bb_object_new(TYPE_TEST_EXP, &err));
    assert_false(bb_pci_bus_plug(host->bus, b, 4, 0, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_pci_bus_plug(host->bus, b, 32, 0, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_pci_bus_plug(host->bus, a, 5, 0, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_clear_error(&err);
    /* slot -1: the first free slot (0 here). */
    assert_true(bb_pci_bus_plug(host->bus, b, -1, 0, &err));
    assert_int_equal(bb_pci_get_devfn(b), 0);
    bb_pci_bus_unplug(host->bus, b);
    assert_int_equal(bb_pci_get_devfn(b), -1);
    bb_object_unref(BB_OBJECT(b));
    remove_fn(a);
}

/* ------------------------------------------------------------ BARs */

static void test_bar_sizing(void **state)
{
    BbPciDevice *d = add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    unsigned fn = BB_PCI_DEVFN(1, 0);

    /* Initial flags. */
    assert_int_equal(cfg_rd(0, fn, 0x10, 4), 0x0);
    assert_int_equal(cfg_rd(0, fn, 0x14, 4), 0x1);
    assert_int_equal(cfg_rd(0, fn, 0x18, 4), 0xc);
    for (uint32_t off = 0x10; off <= 0x24; off += 4) {
        cfg_wr(0, fn, off, 0xffffffff, 4);
    }
    cfg_wr(0, fn, 0x30, 0xffffffff, 4);
    assert_int_equal(cfg_rd(0, fn, 0x10, 4), 0xfffff000); /* 4 KiB mem */
    assert_int_equal(cfg_rd(0, fn, 0x14, 4), 0xffffff01); /* 256 B I/O */
    assert_int_equal(cfg_rd(0, fn, 0x18, 4), 0xfff0000c); /* 1 MiB 64 pf */
    assert_int_equal(cfg_rd(0, fn, 0x1c, 4), 0xffffffff); /* upper half */
    assert_int_equal(cfg_rd(0, fn, 0x20, 4), 0);          /* unimplemented */
    assert_int_equal(cfg_rd(0, fn, 0x24, 4), 0);
    assert_int_equal(cfg_rd(0, fn, 0x30, 4), 0xfffff801); /* 2 KiB ROM */
    /* Byte-wise sizing gives the same. */
    cfg_wr(0, fn, 0x10, 0, 4);
    for (unsigned i = 0; i < 4; i++) {
        cfg_wr(0, fn, 0x10 + i, 0xff, 1);
    }
    assert_int_equal(cfg_rd(0, fn, 0x10, 4), 0xfffff000);

    /* Registration errors. */
    GError *err = NULL;
    BbMemoryRegion *odd = bb_memory_region_new_io(NULL, "odd", &bar_ops,
                                                  NULL, 0x1800);
    assert_false(bb_pci_register_bar(d, 4, BB_PCI_BAR_MEM32, odd, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    BbMemoryRegion *ok = bb_memory_region_new_io(NULL, "ok", &bar_ops, NULL,
                                                 0x1000);
    assert_false(bb_pci_register_bar(d, 3, BB_PCI_BAR_MEM32, ok, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE); /* upper half */
    g_clear_error(&err);
    assert_false(bb_pci_register_bar(d, 5, BB_PCI_BAR_MEM64, ok, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_pci_register_bar(d, 7, BB_PCI_BAR_MEM32, ok, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    bb_memory_region_unref(odd);
    bb_memory_region_unref(ok);
    remove_fn(d);
}

static void test_bar_mapping(void **state)
{
    TestDev *t = (TestDev *)add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    BbPciDevice *d = &t->parent_obj;
    unsigned fn = BB_PCI_DEVFN(1, 0);

    /* Programmed but decode off: nothing. */
    cfg_wr(0, fn, 0x10, 0x40001000, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), BB_PCI_BAR_UNMAPPED);
    assert_int_equal(cpu_rd(0x40001000, 4), 0xffffffff);
    assert_int_equal(t->reads, 0);

    /* Memory decode on: one view change, BAR0 answers at its address. */
    unsigned c0 = host->commits;
    cfg_wr(0, fn, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    assert_int_equal(host->commits, c0 + 1);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), 0x40001000);
    assert_int_equal(cpu_rd(0x40001010, 4), 0xab000010);
    cpu_wr(0x40001020, 0x5a5a, 4);
    assert_int_equal(t->last_write, 0x5a5a);

    /* Moving it is one view change (one TLB flush): old address empty. */
    c0 = host->commits;
    cfg_wr(0, fn, 0x10, 0x40003000, 4);
    assert_int_equal(host->commits, c0 + 1);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), 0x40003000);
    unsigned r0 = t->reads;
    assert_int_equal(cpu_rd(0x40001010, 4), 0xffffffff);
    assert_int_equal(t->reads, r0);
    assert_int_equal(cpu_rd(0x40003004, 4), 0xab000004);

    /* Sizing with decode on unmaps (all-ones is not an address). */
    cfg_wr(0, fn, 0x10, 0xffffffff, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), BB_PCI_BAR_UNMAPPED);
    cfg_wr(0, fn, 0x10, 0x40003000, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), 0x40003000);
    /* Address 0 leaves it unmapped, like QEMU. */
    cfg_wr(0, fn, 0x10, 0, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), BB_PCI_BAR_UNMAPPED);
    cfg_wr(0, fn, 0x10, 0x40003000, 4);

    /* 64-bit BAR above 4 GiB, in the window but not in the CPU alias. */
    cfg_wr(0, fn, 0x18, 0x00100000, 4);
    cfg_wr(0, fn, 0x1c, 0x4, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 2), 0x400100000ull);
    /* Sizing both halves: the range reaches 2^64 - 1: unmapped. */
    cfg_wr(0, fn, 0x18, 0xffffffff, 4);
    cfg_wr(0, fn, 0x1c, 0xffffffff, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 2), BB_PCI_BAR_UNMAPPED);
    cfg_wr(0, fn, 0x18, 0x00100000, 4);
    cfg_wr(0, fn, 0x1c, 0, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 2), 0x00100000);

    /* I/O BAR needs the I/O bit; it decodes in the I/O window. */
    cfg_wr(0, fn, 0x14, 0x1001, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 1), BB_PCI_BAR_UNMAPPED);
    cfg_wr(0, fn, 0x04, BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_IO, 2);
    assert_int_equal(bb_pci_get_bar_addr(d, 1), 0x1000);
    assert_int_equal(cpu_rd(IO_CPU_BASE + 0x1008, 4), 0xab000008);
    /* An I/O address past the 64 KiB window stays unmapped. */
    cfg_wr(0, fn, 0x14, 0x20001, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 1), BB_PCI_BAR_UNMAPPED);

    /* ROM: needs its enable bit and memory decode. */
    cfg_wr(0, fn, 0x30, 0x40010000, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, BB_PCI_ROM_SLOT),
                     BB_PCI_BAR_UNMAPPED);
    cfg_wr(0, fn, 0x30, 0x40010001, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, BB_PCI_ROM_SLOT), 0x40010000);
    assert_int_equal(cpu_rd(0x40010000, 2), 0xaa55);

    /* Decode off unmaps everything at once. */
    c0 = host->commits;
    cfg_wr(0, fn, 0x04, 0, 2);
    assert_int_equal(host->commits, c0 + 1);
    for (unsigned n = 0; n < BB_PCI_NUM_REGIONS; n++) {
        assert_int_equal(bb_pci_get_bar_addr(d, n), BB_PCI_BAR_UNMAPPED);
    }
    assert_int_equal(cpu_rd(0x40003000, 4), 0xffffffff);

    /* Reset: command 0, BARs back to their flags, ROM off. */
    cfg_wr(0, fn, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), 0x40003000);
    unsigned resets = t->resets;
    bb_device_reset(BB_DEVICE(d));
    assert_int_equal(t->resets, resets + 1);
    assert_int_equal(cfg_rd(0, fn, 0x04, 2), 0);
    assert_int_equal(cfg_rd(0, fn, 0x10, 4), 0);
    assert_int_equal(cfg_rd(0, fn, 0x14, 4), 1);
    assert_int_equal(cfg_rd(0, fn, 0x30, 4), 0);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), BB_PCI_BAR_UNMAPPED);
    assert_int_equal(cpu_rd(0x40003000, 4), 0xffffffff);

    /* Unplugging a decoding function takes its BARs away. */
    cfg_wr(0, fn, 0x10, 0x40003000, 4);
    cfg_wr(0, fn, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    assert_int_equal(cpu_rd(0x40003000, 4), 0xab000000);
    remove_fn(d);
    assert_int_equal(cpu_rd(0x40003000, 4), 0xffffffff);
    assert_no_guest_error();
}

/* ------------------------------------------------------------ INTx */

static void test_intx(void **state)
{
    BbPciDevice *a = add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    BbPciDevice *b = add_fn(host->bus, TYPE_TEST_DEV, 5, 0);
    BbPciDevice *c = add_fn(host->bus, TYPE_TEST_DEV, 2, 0);
    unsigned fa = BB_PCI_DEVFN(1, 0);

    memset(host->edges, 0, sizeof(host->edges));
    /* Pin A of slot 1 and of slot 5 are both line (slot + 0) % 4 = 1. */
    bb_pci_set_irq(a, true);
    assert_true(host->line[1]);
    assert_int_equal(cfg_rd(0, fa, 0x06, 2) & BB_PCI_STATUS_INTERRUPT,
                     BB_PCI_STATUS_INTERRUPT);
    bb_pci_set_irq(b, true);
    bb_pci_set_irq(a, true); /* no double count */
    assert_int_equal(host->edges[1], 1);
    bb_pci_set_irq(a, false);
    assert_true(host->line[1]);
    assert_int_equal(cfg_rd(0, fa, 0x06, 2) & BB_PCI_STATUS_INTERRUPT, 0);
    bb_pci_set_irq(b, false);
    assert_false(host->line[1]);
    assert_int_equal(host->edges[1], 2);
    /* Slot 2 pin A: line 2. */
    bb_pci_set_irq(c, true);
    assert_true(host->line[2]);
    bb_pci_set_irq(c, false);
    assert_false(host->line[2]);

    /* INTx disable holds the line low; the status bit still shows it. */
    bb_pci_set_irq(a, true);
    assert_true(host->line[1]);
    cfg_wr(0, fa, 0x04, BB_PCI_COMMAND_INTX_DISABLE, 2);
    assert_false(host->line[1]);
    assert_int_equal(cfg_rd(0, fa, 0x06, 2) & BB_PCI_STATUS_INTERRUPT,
                     BB_PCI_STATUS_INTERRUPT);
    cfg_wr(0, fa, 0x04, 0, 2);
    assert_true(host->line[1]);
    /* Reset drops it. */
    bb_device_reset(BB_DEVICE(a));
    assert_false(host->line[1]);
    /* Unplug drops it. */
    bb_pci_set_irq(b, true);
    assert_true(host->line[1]);
    remove_fn(b);
    assert_false(host->line[1]);
    remove_fn(a);
    remove_fn(c);
}

/* ------------------------------------------------------------ MSI */

static void test_msi(void **state)
{
    TestDev *t = (TestDev *)add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    BbPciDevice *d = &t->parent_obj;
    unsigned fn = BB_PCI_DEVFN(1, 0);
    unsigned cap = bb_pci_find_capability(d, BB_PCI_CAP_ID_MSI);

    assert_int_equal(cap, t->msi_cap);
    /* 64-bit, masking, 4 vectors capable (MMC = 2). */
    assert_int_equal(cfg_rd(0, fn, cap + 2, 2), 0x0184);
    g_array_set_size(host->msi, 0);
    cfg_wr(0, fn, cap + 4, DOORBELL + 0x40, 4);
    cfg_wr(0, fn, cap + 8, 0, 4);
    cfg_wr(0, fn, cap + 0xc, 0x4560, 2);
    /* Control: only enable and MME are writable. */
    cfg_wr(0, fn, cap + 2, 0xffff, 2);
    assert_int_equal(cfg_rd(0, fn, cap + 2, 2), 0x01f5);
    cfg_wr(0, fn, cap + 2, 0x0021, 2); /* enable, 4 vectors */
    assert_true(bb_pci_msi_enabled(d));

    /* Bus mastering off: dropped, logged. */
    bb_pci_msi_notify(d, 0);
    assert_int_equal(host->msi->len, 0);
    assert_guest_error("bus mastering is disabled");
    cfg_wr(0, fn, 0x04, BB_PCI_COMMAND_MASTER, 2);

    bb_pci_msi_notify(d, 3);
    assert_int_equal(host->msi->len, 1);
    MsiWrite *w = &g_array_index(host->msi, MsiWrite, 0);
    assert_int_equal(w->addr, DOORBELL + 0x40);
    assert_int_equal(w->data, 0x4563);
    assert_int_equal(w->attrs.requester_id, 0x0008);
    assert_false(w->attrs.unspecified);

    /* Masked vector: pending, then sent on unmask. */
    unsigned mask = cap + 0x10, pend = cap + 0x14;
    cfg_wr(0, fn, mask, 0xffffffff, 4);
    assert_int_equal(cfg_rd(0, fn, mask, 4), 0xf); /* 4 vectors */
    bb_pci_msi_notify(d, 1);
    assert_int_equal(host->msi->len, 1);
    assert_int_equal(cfg_rd(0, fn, pend, 4), 0x2);
    cfg_wr(0, fn, pend, 0, 4); /* read-only */
    assert_int_equal(cfg_rd(0, fn, pend, 4), 0x2);
    cfg_wr(0, fn, mask, 0xd, 4); /* unmask vector 1 */
    assert_int_equal(host->msi->len, 2);
    assert_int_equal(g_array_index(host->msi, MsiWrite, 1).data, 0x4561);
    assert_int_equal(cfg_rd(0, fn, pend, 4), 0);

    /* Nothing at the address: a logged guest error, no crash. */
    cfg_wr(0, fn, mask, 0, 4);
    cfg_wr(0, fn, cap + 4, 0x20000000, 4);
    bb_pci_msi_notify(d, 0);
    assert_guest_error("MSI write");
    assert_int_equal(host->msi->len, 2);

    /* Reset disables MSI. */
    bb_device_reset(BB_DEVICE(d));
    assert_false(bb_pci_msi_enabled(d));
    remove_fn(d);
}

static void test_msix(void **state)
{
    TestDev *t = (TestDev *)add_fn(host->bus, TYPE_TEST_DEV, 2, 0);
    BbPciDevice *d = &t->parent_obj;
    unsigned fn = BB_PCI_DEVFN(2, 0);
    unsigned cap = bb_pci_find_capability(d, BB_PCI_CAP_ID_MSIX);
    uint64_t bar = 0x40100000;

    assert_int_equal(cap, t->msix_cap);
    assert_int_equal(cfg_rd(0, fn, cap + 2, 2), 3);          /* 4 vectors */
    assert_int_equal(cfg_rd(0, fn, cap + 4, 4), 0x800 | 0);  /* BAR0 */
    assert_int_equal(cfg_rd(0, fn, cap + 8, 4), 0xc00 | 0);
    cfg_wr(0, fn, 0x10, (uint32_t)bar, 4);
    cfg_wr(0, fn, 0x04, BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_MASTER, 2);

    /* The table overlays BAR0 from 0x800; the device still sees the
     * rest.  Entries come out of reset masked. */
    assert_int_equal(cpu_rd(bar + 0x80c, 4), 1);
    assert_int_equal(cpu_rd(bar + 0x10, 4), 0xab000010);
    cpu_wr(bar + 0x810, DOORBELL + 0x80, 4);
    cpu_wr(bar + 0x814, 0, 4);
    cpu_wr(bar + 0x818, 0x77, 4);
    assert_int_equal(cpu_rd(bar + 0x818, 4), 0x77);
    cpu_wr(bar + 0x80c + 0x10, 0xfffffffe, 4); /* reserved bits: 0 */
    assert_int_equal(cpu_rd(bar + 0x81c, 4), 0);
    cpu_wr(bar + 0x81c, 1, 4);

    g_array_set_size(host->msi, 0);
    /* Not enabled: nothing. */
    bb_pci_msix_notify(d, 1);
    assert_int_equal(host->msi->len, 0);
    cfg_wr(0, fn, cap + 2, 0xc000, 2); /* enable + function mask */
    assert_false(bb_pci_msix_enabled(d));
    bb_pci_msix_notify(d, 1);
    assert_int_equal(host->msi->len, 0);
    assert_int_equal(cpu_rd(bar + 0xc00, 4), 0x2); /* pending */
    cfg_wr(0, fn, cap + 2, 0x8000, 2); /* function unmasked */
    assert_true(bb_pci_msix_enabled(d));
    assert_int_equal(host->msi->len, 0); /* vector 1 still masked */
    cpu_wr(bar + 0x81c, 0, 4);           /* unmask: delivered */
    assert_int_equal(host->msi->len, 1);
    MsiWrite *w = &g_array_index(host->msi, MsiWrite, 0);
    assert_int_equal(w->addr, DOORBELL + 0x80);
    assert_int_equal(w->data, 0x77);
    assert_int_equal(w->attrs.requester_id, 0x0010);
    assert_int_equal(cpu_rd(bar + 0xc00, 4), 0);
    bb_pci_msix_notify(d, 1);
    assert_int_equal(host->msi->len, 2);
    /* The PBA is read-only. */
    cpu_wr(bar + 0xc00, 0xf, 4);
    assert_guest_error("read-only");
    assert_int_equal(cpu_rd(bar + 0xc00, 4), 0);
    /* Entry 3's address unmapped: a logged error. */
    cpu_wr(bar + 0x830, 0x30000000, 4);
    cpu_wr(bar + 0x83c, 0, 4);
    bb_pci_msix_notify(d, 3);
    assert_guest_error("MSI write");

    /* Reset: disabled, entries masked again. */
    bb_device_reset(BB_DEVICE(d));
    assert_int_equal(cfg_rd(0, fn, cap + 2, 2), 3);
    assert_int_equal(d->msix_table[0x1c], 1);
    remove_fn(d);
}

/* ------------------------------------------------------------ DMA */

static void test_dma(void **state)
{
    BbPciDevice *d = add_fn(host->bus, TYPE_TEST_DEV, 3, 0);
    unsigned fn = BB_PCI_DEVFN(3, 0);
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t back[8];

    memset(back, 0xee, sizeof(back));
    assert_int_equal(bb_pci_dma_read(d, RAM_BASE, back, 8), BB_MEMTX_ERROR);
    assert_guest_error("bus mastering is disabled");
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(back[i], 0);
    }
    assert_int_equal(bb_pci_dma_write(d, RAM_BASE, buf, 8), BB_MEMTX_ERROR);
    assert_guest_error("/"); /* names the device by its path */

    cfg_wr(0, fn, 0x04, BB_PCI_COMMAND_MASTER, 2);
    assert_int_equal(bb_pci_dma_write(d, RAM_BASE, buf, 8), BB_MEMTX_OK);
    assert_int_equal(bb_pci_dma_read(d, RAM_BASE, back, 8), BB_MEMTX_OK);
    assert_memory_equal(buf, back, 8);
    assert_true(bb_pci_get_dma_as(d) == host->dma_as);
    /* The requester ID reaches an I/O region that asks for it. */
    g_array_set_size(host->msi, 0);
    assert_int_equal(bb_pci_dma_write(d, DOORBELL, buf, 4), BB_MEMTX_OK);
    assert_int_equal(g_array_index(host->msi, MsiWrite, 0).attrs.requester_id,
                     BB_PCI_DEVFN(3, 0));
    /* A plain DMA write is "unspecified". */
    assert_int_equal(bb_address_space_write(host->dma_as, DOORBELL, buf, 4),
                     BB_MEMTX_OK);
    assert_true(g_array_index(host->msi, MsiWrite, 1).attrs.unspecified);
    /* Unassigned: the address space's policy logs it. */
    assert_int_equal(bb_pci_dma_read(d, 0x20000000, back, 4),
                     BB_MEMTX_DECODE_ERROR);
    assert_guest_error("unassigned");
    remove_fn(d);
}

/* ------------------------------------------------------------ bridges */

static void test_bridge(void **state)
{
    BbPciDevice *br = add_fn(host->bus, TYPE_TEST_BRIDGE, 2, 0);
    unsigned fbr = BB_PCI_DEVFN(2, 0);
    BbPciBus *sec = bb_pci_bridge_get_secondary_bus(br);

    assert_non_null(sec);
    assert_null(bb_pci_bridge_get_secondary_bus(NULL));
    assert_int_equal(cfg_rd(0, fbr, 0x0e, 1), 1);
    assert_int_equal(cfg_rd(0, fbr, 0x24, 4), 0x00010001); /* 64-bit pref */
    assert_int_equal(cfg_rd(0, fbr, 0x1c, 2), 0x0000);      /* 16-bit I/O */

    TestDev *t = (TestDev *)add_fn(sec, TYPE_TEST_DEV, 0, 0);
    BbPciDevice *d = &t->parent_obj;
    BbPciDevice *e = add_fn(sec, TYPE_TEST_DEV, 1, 0);

    /* Bus 1 is not reachable until the bridge's numbers say so. */
    assert_int_equal(cfg_rd(1, 0, 0, 4), 0xffffffff);
    cfg_wr(0, fbr, 0x18, 0x00010100, 4); /* primary 0, secondary 1, sub 1 */
    assert_int_equal(cfg_rd(0, fbr, 0x18, 4), 0x00010100);
    assert_int_equal(cfg_rd(1, 0, 0, 4), 0x11e81234);
    assert_int_equal(bb_pci_bus_get_number(sec), 1);
    assert_int_equal(bb_pci_get_requester_id(d), 0x0100);
    assert_int_equal(cfg_rd(2, 0, 0, 4), 0xffffffff);
    /* Subordinate 3 routes bus 2 and 3 to the bridge, where nothing
     * answers for them. */
    cfg_wr(0, fbr, 0x1a, 3, 1);
    assert_int_equal(cfg_rd(3, 0, 0, 4), 0xffffffff);
    cfg_wr(1, 0, 0x0c, 8, 1);
    assert_int_equal(cfg_rd(1, 0, 0x0c, 1), 8);

    /* The device behind decodes, but the bridge forwards nothing yet. */
    cfg_wr(1, 0, 0x10, 0x40200000, 4);
    cfg_wr(1, 0, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), 0x40200000);
    assert_int_equal(cpu_rd(0x40200000, 4), 0xffffffff);
    /* Memory window 0x40200000-0x402fffff, memory decode on. */
    cfg_wr(0, fbr, 0x20, 0x40204020, 4);
    assert_int_equal(cfg_rd(0, fbr, 0x20, 4), 0x40204020);
    assert_int_equal(cpu_rd(0x40200000, 4), 0xffffffff);
    cfg_wr(0, fbr, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    assert_int_equal(cpu_rd(0x40200004, 4), 0xab000004);
    /* A BAR behind the bridge outside its window is not reached. */
    cfg_wr(1, 0, 0x10, 0x40300000, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 0), 0x40300000);
    assert_int_equal(cpu_rd(0x40300000, 4), 0xffffffff);
    /* Growing the window reaches it. */
    cfg_wr(0, fbr, 0x22, 0x4030, 2);
    assert_int_equal(cpu_rd(0x40300000, 4), 0xab000000);
    /* Prefetchable window: 64-bit BAR of the device at 0x4_0000_0000. */
    cfg_wr(1, 0, 0x18, 0, 4);
    cfg_wr(1, 0, 0x1c, 4, 4);
    assert_int_equal(bb_pci_get_bar_addr(d, 2), 0x400000000ull);
    cfg_wr(0, fbr, 0x24, 0x00000000, 4);
    cfg_wr(0, fbr, 0x28, 4, 4);
    cfg_wr(0, fbr, 0x2c, 4, 4);
    BbAddressSpace *bus_as = bb_address_space_new(host->mem, "bus",
                                                  BB_UNASSIGNED_IGNORE);
    uint64_t v;
    bb_address_space_load(bus_as, 0x400000008ull, 4, &v);
    assert_int_equal(v, 0xab000008);
    bb_address_space_free(bus_as);
    /* I/O window 0x1000-0x1fff behind I/O decode. */
    cfg_wr(1, 0, 0x14, 0x1101, 4);
    cfg_wr(1, 0, 0x04, BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_IO, 2);
    cfg_wr(0, fbr, 0x1c, 0x1010, 2);
    assert_int_equal(cpu_rd(IO_CPU_BASE + 0x1100, 4), 0xffffffff);
    cfg_wr(0, fbr, 0x04, BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_IO, 2);
    assert_int_equal(cpu_rd(IO_CPU_BASE + 0x1104, 4), 0xab000004);
    /* Memory decode off on the bridge closes its memory windows. */
    cfg_wr(0, fbr, 0x04, BB_PCI_COMMAND_IO, 2);
    assert_int_equal(cpu_rd(0x40300000, 4), 0xffffffff);
    assert_int_equal(cpu_rd(IO_CPU_BASE + 0x1104, 4), 0xab000004);

    /* INTx through the bridge: secondary slot 0 pin A -> line 0 there ->
     * bridge (slot 2) pin A -> root line 2; secondary slot 1 -> line 1
     * -> bridge pin B -> root line 3. */
    memset(host->line, 0, sizeof(host->line));
    bb_pci_set_irq(d, true);
    assert_true(host->line[2]);
    bb_pci_set_irq(e, true);
    assert_true(host->line[3]);
    bb_pci_set_irq(d, false);
    assert_false(host->line[2]);
    assert_true(host->line[3]);
    /* The bridge's own pin A shares root line 2 (wire-OR). */
    bb_pci_set_irq(br, true);
    bb_pci_set_irq(d, true);
    bb_pci_set_irq(br, false);
    assert_true(host->line[2]);
    bb_pci_set_irq(d, false);
    assert_false(host->line[2]);
    /* Unplugging a device that asserts lowers the root line. */
    remove_fn(e);
    assert_false(host->line[3]);

    /* Secondary bus reset resets what is behind the bridge. */
    unsigned resets = t->resets;
    cfg_wr(0, fbr, 0x3e, 0x40, 2);
    assert_int_equal(t->resets, resets + 1);
    assert_int_equal(cfg_rd(1, 0, 0x04, 2), 0);
    cfg_wr(0, fbr, 0x3e, 0x40, 2); /* still asserted: no new reset */
    assert_int_equal(t->resets, resets + 1);
    cfg_wr(0, fbr, 0x3e, 0, 2);

    /* DMA behind the bridge uses the root's address space and the
     * secondary bus number. */
    assert_true(bb_pci_get_dma_as(d) == host->dma_as);
    /* A window whose base is above its limit is closed. */
    cfg_wr(0, fbr, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    cfg_wr(1, 0, 0x10, 0x40300000, 4);
    cfg_wr(1, 0, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    assert_int_equal(cpu_rd(0x40300000, 4), 0xab000000);
    cfg_wr(0, fbr, 0x20, 0x40204030, 4);
    assert_int_equal(cpu_rd(0x40300000, 4), 0xffffffff);
    remove_fn(d);
    /* Bridge reset: numbers back to 0, bus 1 gone. */
    bb_device_reset(BB_DEVICE(br));
    assert_int_equal(cfg_rd(0, fbr, 0x18, 4), 0);
    /* A bridge going away first takes what is behind it off its bus. */
    BbPciDevice *orphan = add_fn(sec, TYPE_TEST_DEV, 0, 0);
    bb_pci_set_irq(orphan, true);
    assert_true(host->line[2]);
    remove_fn(br);
    assert_false(host->line[2]);
    assert_null(bb_pci_get_bus(orphan));
    remove_fn(orphan);
    assert_no_guest_error();
}

/* ------------------------------------------------------------ caps */

static void test_caps(void **state)
{
    TestDev *t = (TestDev *)add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    BbPciDevice *d = &t->parent_obj;
    unsigned fn = BB_PCI_DEVFN(1, 0);

    /* Walk the list as a guest does; new capabilities are at its head:
     * MSI-X, MSI, PM. */
    uint8_t ids[8];
    unsigned n = 0;
    for (unsigned p = cfg_rd(0, fn, 0x34, 1); p && n < 8;
         p = cfg_rd(0, fn, p + 1, 1)) {
        assert_int_equal(p & 3, 0);
        assert_true(p >= 0x40);
        ids[n++] = (uint8_t)cfg_rd(0, fn, p, 1);
    }
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], BB_PCI_CAP_ID_MSIX);
    assert_int_equal(ids[1], BB_PCI_CAP_ID_MSI);
    assert_int_equal(ids[2], BB_PCI_CAP_ID_PM);
    assert_int_equal(bb_pci_find_capability(d, BB_PCI_CAP_ID_PM), t->pm_cap);
    assert_int_equal(bb_pci_find_capability(d, BB_PCI_CAP_ID_EXP), 0);

    /* PM: D3hot and back; D1/D2 are refused. */
    unsigned pm = t->pm_cap;
    cfg_wr(0, fn, pm + 4, 3, 2);
    assert_int_equal(cfg_rd(0, fn, pm + 4, 2) & 3, 3);
    cfg_wr(0, fn, pm + 4, 1, 2);
    assert_int_equal(cfg_rd(0, fn, pm + 4, 2) & 3, 3);
    cfg_wr(0, fn, pm + 4, 0, 2);
    assert_int_equal(cfg_rd(0, fn, pm + 4, 2) & 3, 0);

    /* Overlapping capabilities are refused. */
    GError *err = NULL;
    assert_int_equal(bb_pci_add_capability(d, BB_PCI_CAP_ID_VNDR, t->msi_cap,
                                           4, &err), 0);
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_pci_add_ext_capability(d, 1, 1, 0x100, 8, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID); /* conventional */
    g_clear_error(&err);
    remove_fn(d);

    /* PCI Express endpoint: the capability, and extended space. */
    BbPciDevice *x = add_fn(host->bus, TYPE_TEST_EXP, 4, 0);
    unsigned fx = BB_PCI_DEVFN(4, 0);
    unsigned e = bb_pci_find_capability(x, BB_PCI_CAP_ID_EXP);
    assert_int_not_equal(e, 0);
    assert_int_equal(cfg_rd(0, fx, e + 2, 2), 0x0002); /* v2, endpoint */
    assert_int_equal(cfg_rd(0, fx, e + 0x12, 2), 0x0011); /* 2.5GT/s x1 */
    /* No extended capability: a 0 dword at 0x100, which stays 0. */
    assert_int_equal(cfg_rd(0, fx, 0x100, 4), 0);
    cfg_wr(0, fx, 0x100, 0xffffffff, 4);
    assert_int_equal(cfg_rd(0, fx, 0x100, 4), 0);
    assert_int_equal(cfg_rd(0, fx, 0xffc, 4), 0);
    /* Chain: the first must be at 0x100. */
    assert_false(bb_pci_add_ext_capability(x, 0x0b, 1, 0x140, 8, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_true(bb_pci_add_ext_capability(x, BB_PCI_EXT_CAP_ID_ERR, 2, 0x100,
                                          0x48, &err));
    assert_true(bb_pci_add_ext_capability(x, BB_PCI_EXT_CAP_ID_VNDR, 1,
                                          0x148, 8, &err));
    assert_no_error(err);
    assert_int_equal(cfg_rd(0, fx, 0x100, 4), 0x14820001);
    assert_int_equal(cfg_rd(0, fx, 0x148, 4), 0x0001000b);
    assert_int_equal(bb_pci_find_ext_capability(x, BB_PCI_EXT_CAP_ID_VNDR),
                     0x148);
    assert_int_equal(bb_pci_find_ext_capability(x, 0x99), 0);
    remove_fn(x);

    /* Root port: slot implemented, data link layer active. */
    BbPciDevice *rp = add_fn(host->bus, TYPE_TEST_BRIDGE, 5, 0);
    unsigned fr = BB_PCI_DEVFN(5, 0);
    e = bb_pci_find_capability(rp, BB_PCI_CAP_ID_EXP);
    assert_int_equal(cfg_rd(0, fr, e + 2, 2), 0x0142);
    assert_int_equal(cfg_rd(0, fr, e + 0x12, 2), 0x2011);
    remove_fn(rp);
}

/* ------------------------------------------------------------ hostile */

/* Every offset and width with random values, on every kind of function,
 * through both buses: nothing crashes, IDs stay, the lines stay sane. */
static void test_random_config(void **state)
{
    BbPciDevice *a = add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    BbPciDevice *x = add_fn(host->bus, TYPE_TEST_EXP, 3, 0);
    BbPciDevice *br = add_fn(host->bus, TYPE_TEST_BRIDGE, 2, 0);
    BbPciDevice *b = add_fn(bb_pci_bridge_get_secondary_bus(br),
                            TYPE_TEST_DEV, 0, 0);
    GRand *rnd = g_rand_new_with_seed(0x5eed);
    static const unsigned widths[] = { 1, 2, 4, 3, 8, 0 };

    for (unsigned round = 0; round < 4; round++) {
        for (unsigned bus = 0; bus < 3; bus++) {
            for (unsigned slot = 0; slot < 4; slot++) {
                unsigned devfn = BB_PCI_DEVFN(slot, 0);
                for (uint32_t off = 0; off < 0x1004; off++) {
                    unsigned len = widths[g_rand_int_range(rnd, 0, 6)];
                    uint32_t v = g_rand_int(rnd);
                    /* Keep the bridge reachable half the time. */
                    if (bus == 0 && slot == 2 && off >= 0x18 && off < 0x1b &&
                        round % 2) {
                        continue;
                    }
                    cfg_wr(bus, devfn, off, v, len);
                    (void)cfg_rd(bus, devfn, off, len);
                }
            }
        }
        bb_pci_msi_notify(a, 0);
        bb_pci_msix_notify(a, 2);
        bb_pci_set_irq(a, g_rand_boolean(rnd));
        bb_pci_set_irq(b, g_rand_boolean(rnd));
    }
    g_rand_free(rnd);
    g_string_truncate(guest_log, 0);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(1, 0), 0, 4), 0x11e81234);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(3, 0), 0, 4), 0x00051b36);
    bb_pci_set_irq(a, false);
    bb_pci_set_irq(b, false);
    remove_fn(b);
    remove_fn(br);
    remove_fn(x);
    remove_fn(a);
    for (unsigned l = 0; l < 4; l++) {
        assert_false(host->line[l]);
    }
}

/* ------------------------------------------------------------ state */

/* A subclass with state of its own nests the base type's description. */
#define TYPE_STATEFUL "test-stateful"

typedef struct Stateful {
    BbPciDevice parent_obj;
    uint32_t reg;
} Stateful;

static const BbStateField stateful_fields[] = {
    BB_STATE_STRUCT(Stateful, parent_obj, &bb_pci_device_state),
    BB_STATE_U32(Stateful, reg),
    BB_STATE_END,
};

static const BbStateDesc stateful_state = {
    .name = TYPE_STATEFUL,
    .version = 1,
    .min_version = 1,
    .fields = stateful_fields,
};

static void stateful_class_init(BbObjectClass *klass, const void *data)
{
    BbPciDeviceClass *pc = (BbPciDeviceClass *)klass;
    pc->parent_class.state = &stateful_state;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x4321;
    pc->interrupt_pin = 2;
}

static const BbTypeInfo stateful_info = {
    .name = TYPE_STATEFUL,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(Stateful),
    .class_init = stateful_class_init,
};

static void test_state_nested(void **state)
{
    Stateful *a = (Stateful *)add_fn(host->bus, TYPE_STATEFUL, 1, 0);
    Stateful *b = (Stateful *)add_fn(host->bus, TYPE_STATEFUL, 3, 0);
    GError *err = NULL;

    cfg_wr(0, BB_PCI_DEVFN(1, 0), 0x3c, 0x0b, 1);
    a->reg = 0xfeedf00d;
    bb_pci_set_irq(&a->parent_obj, true); /* slot 1 pin B: line 2 */
    assert_true(host->line[2]);
    GByteArray *blob = g_byte_array_new();
    assert_true(bb_state_save(&stateful_state, a, blob, &err));
    assert_true(bb_state_load(&stateful_state, b, blob->data, blob->len,
                              &err));
    assert_no_error(err);
    g_byte_array_unref(blob);
    assert_int_equal(b->reg, 0xfeedf00d);
    assert_int_equal(cfg_rd(0, BB_PCI_DEVFN(3, 0), 0x3c, 1), 0x0b);
    assert_true(b->parent_obj.irq_level);
    assert_true(host->line[0]); /* slot 3 pin B: line 0 */
    bb_pci_set_irq(&a->parent_obj, false);
    bb_pci_set_irq(&b->parent_obj, false);
    assert_false(host->line[0]);
    assert_false(host->line[2]);
    remove_fn(&b->parent_obj);
    remove_fn(&a->parent_obj);
}

static void test_state(void **state)
{
    BbPciDevice *a = add_fn(host->bus, TYPE_TEST_DEV, 1, 0);
    BbPciDevice *b = add_fn(host->bus, TYPE_TEST_DEV, 2, 0);
    unsigned fa = BB_PCI_DEVFN(1, 0), fb = BB_PCI_DEVFN(2, 0);
    GError *err = NULL;

    cfg_wr(0, fa, 0x10, 0x40005000, 4);
    cfg_wr(0, fa, 0x04, BB_PCI_COMMAND_MEMORY, 2);
    cfg_wr(0, fa, 0x3c, 0x21, 1);
    a->msix_table[0x10] = 0x42;
    bb_pci_set_irq(a, true);
    assert_true(host->line[1]);

    GByteArray *blob = g_byte_array_new();
    assert_true(bb_state_save(&bb_pci_device_state, a, blob, &err));
    assert_no_error(err);
    assert_true(bb_state_load(&bb_pci_device_state, b, blob->data, blob->len,
                              &err));
    assert_no_error(err);
    g_byte_array_unref(blob);

    /* b now looks like a: its BAR is mapped there too (the test moves a
     * away first), its pin drives line (2 + 0) % 4. */
    assert_int_equal(cfg_rd(0, fb, 0x3c, 1), 0x21);
    assert_int_equal(cfg_rd(0, fb, 0x10, 4), 0x40005000);
    assert_int_equal(bb_pci_get_bar_addr(b, 0), 0x40005000);
    assert_int_equal(b->msix_table[0x10], 0x42);
    assert_true(host->line[2]);
    bb_pci_set_irq(a, false);
    bb_pci_set_irq(b, false);
    assert_false(host->line[2]);
    remove_fn(b);
    remove_fn(a);
}

int main(void)
{
    static const BbTypeInfo *const types[] = { &test_dev_info, &test_exp_info,
                                               &test_bridge_info,
                                               &stateful_info };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header, host_setup,
                                        host_teardown),
        cmocka_unit_test_setup_teardown(test_multifunction, host_setup,
                                        host_teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizing, host_setup,
                                        host_teardown),
        cmocka_unit_test_setup_teardown(test_bar_mapping, host_setup,
                                        host_teardown),
        cmocka_unit_test_setup_teardown(test_intx, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_msi, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_msix, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_dma, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_bridge, host_setup,
                                        host_teardown),
        cmocka_unit_test_setup_teardown(test_caps, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_random_config, host_setup,
                                        host_teardown),
        cmocka_unit_test_setup_teardown(test_state, host_setup,
                                        host_teardown),
        cmocka_unit_test_setup_teardown(test_state_nested, host_setup,
                                        host_teardown),
    };

    if (host_test_register_types(types, G_N_ELEMENTS(types)) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
