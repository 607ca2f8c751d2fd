/*
 * pci-tlb-test.c - a BAR move reaches the CPU's TLB.  The softmmu caches
 * host pointers for RAM and ROM pages (MMIO always takes the slow path),
 * and drops them when a memory listener on the hart's address space hears
 * a commit (host/tcg/softmmu.c: tlb_listener).  A PCI BAR lives in a bus
 * window that the host bridge aliases into the CPU's view, so moving it
 * changes that view: this test maps a RAM-backed BAR, reads it through
 * the softmmu until the page is cached, moves the BAR with one config
 * write, and checks that the old address no longer reaches the RAM (a
 * stale TLB entry would) while the new one does.
 */
#include <inttypes.h>

#include "host-test.h"

#include "tcg/softmmu.h"

#define TYPE_RAM_BAR_DEV "test-ram-bar"
#define WINDOW 0x40000000u

typedef struct RamBarDev {
    BbPciDevice parent_obj;
    BbMemoryRegion *ram;
} RamBarDev;

static bool ram_bar_realize(BbPciDevice *pdev, GError **error)
{
    RamBarDev *d = (RamBarDev *)pdev;
    uint32_t sig = 0x600dcafe;

    d->ram = bb_memory_region_new_ram(BB_OBJECT(d), "vram", 0x1000, error);
    return d->ram &&
           bb_memory_region_write_rom(d->ram, 0x10, &sig, 4, error) &&
           bb_pci_register_bar(pdev, 0, BB_PCI_BAR_MEM32, d->ram, error);
}

static void ram_bar_exit(BbPciDevice *pdev)
{
    g_clear_pointer(&((RamBarDev *)pdev)->ram, bb_memory_region_unref);
}

static void ram_bar_class_init(BbObjectClass *klass, const void *data)
{
    BbPciDeviceClass *pc = (BbPciDeviceClass *)klass;
    pc->realize = ram_bar_realize;
    pc->exit = ram_bar_exit;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x0001;
}

static const BbTypeInfo ram_bar_info = {
    .name = TYPE_RAM_BAR_DEV,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(RamBarDev),
    .class_init = ram_bar_class_init,
};

static void test_bar_move_flushes_tlb(void **state)
{
    GError *err = NULL;
    BbMemoryRegion *mem = bb_memory_region_new_container(NULL, "pci-mem",
                                                         UINT64_MAX);
    BbMemoryRegion *cpu = bb_memory_region_new_container(NULL, "cpu",
                                                         UINT64_MAX);
    BbMemoryRegion *alias = bb_memory_region_new_alias(NULL, "mmio", mem,
                                                       WINDOW, WINDOW);
    assert_true(bb_memory_region_add_subregion(cpu, WINDOW, alias, &err));
    BbAddressSpace *as = bb_address_space_new(cpu, "cpu",
                                              BB_UNASSIGNED_IGNORE);
    Softmmu *sm = softmmu_new(as, NULL, NULL); /* identity mapping */
    TlbListener *tl = tlb_listener_new(as);
    tlb_listener_add(tl, sm);

    BbPciBusOptions opts = { .name = "pcie.0", .mem_window = mem };
    BbPciBus *bus = bb_pci_root_bus_new(NULL, &opts);
    BbPciDevice *d = BB_PCI_DEVICE(bb_object_new(TYPE_RAM_BAR_DEV, &err));
    assert_true(bb_pci_bus_plug(bus, d, 1, 0, &err));
    assert_true(bb_device_realize(BB_DEVICE(d), &err));
    assert_no_error(err);
    unsigned devfn = BB_PCI_DEVFN(1, 0);

    bb_pci_bus_config_write(bus, 0, devfn, 0x10, WINDOW + 0x1000, 4);
    bb_pci_bus_config_write(bus, 0, devfn, 0x04, BB_PCI_COMMAND_MEMORY, 2);

    uint64_t v = 0;
    uint64_t fills = sm->stats.fills;
    assert_int_equal(softmmu_load(sm, WINDOW + 0x1010, BB_MO_UL, 0, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, 0x600dcafe);
    assert_int_equal(softmmu_load(sm, WINDOW + 0x1010, BB_MO_UL, 0, &v),
                     SOFTMMU_OK);
    assert_int_equal(sm->stats.fills, fills + 1); /* cached: one fill */

    /* Move the BAR: the old page must not reach the RAM any more. */
    uint64_t flushes = sm->stats.flushes;
    bb_pci_bus_config_write(bus, 0, devfn, 0x10, WINDOW + 0x5000, 4);
    assert_true(sm->stats.flushes > flushes);
    assert_int_equal(softmmu_load(sm, WINDOW + 0x1010, BB_MO_UL, 0, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, 0xffffffff); /* the window's hole */
    assert_int_equal(softmmu_load(sm, WINDOW + 0x5010, BB_MO_UL, 0, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, 0x600dcafe);

    /* Decode off: gone from the TLB too. */
    bb_pci_bus_config_write(bus, 0, devfn, 0x04, 0, 2);
    assert_int_equal(softmmu_load(sm, WINDOW + 0x5010, BB_MO_UL, 0, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, 0xffffffff);

    bb_device_unrealize(BB_DEVICE(d));
    bb_pci_bus_unplug(bus, d);
    bb_object_unref(BB_OBJECT(d));
    bb_pci_bus_free(bus);
    tlb_listener_free(tl);
    softmmu_free(sm);
    bb_address_space_free(as);
    bb_memory_region_unref(alias);
    bb_memory_region_unref(cpu);
    bb_memory_region_unref(mem);
}

int main(void)
{
    static const BbTypeInfo *const types[] = { &ram_bar_info };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bar_move_flushes_tlb),
    };

    if (host_test_register_types(types, G_N_ELEMENTS(types)) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
