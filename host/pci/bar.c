/*
 * bar.c - base address registers (PCI Local Bus spec 3.0 §6.2.5): the
 * sizing protocol through write masks, and the mapping of each BAR into
 * its bus's memory or I/O window at the programmed address while the
 * command register's decode bit (or the ROM enable bit) is set.
 *
 * What is mapped is a container per BAR holding the device's region (and
 * the MSI-X table and PBA above it), so a device's region is never
 * mapped twice and MSI-X overlays need nothing from the device.  Every
 * update is one memory transaction, so the flat views - and through
 * their listeners the CPUs' TLBs - change once per config write.  Like
 * QEMU, an address of 0, one whose range wraps or reaches the top of a
 * 32-bit BAR's space (the all-ones of sizing), or one past the end of
 * the window leaves the BAR unmapped.
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

#define PCI_ROM_ENABLE 0x1
#define PCI_ROM_ADDR_MASK 0xfffff800u

unsigned pci_num_bars(const BbPciDevice *pdev)
{
    return BB_PCI_DEVICE_GET_CLASS((BbPciDevice *)pdev)->header_type ==
                   BB_PCI_HEADER_TYPE_BRIDGE
               ? 2
               : PCI_NUM_BARS;
}

uint32_t pci_bar_offset(const BbPciDevice *pdev, unsigned n)
{
    if (n == BB_PCI_ROM_SLOT) {
        return pci_num_bars(pdev) == 2 ? BB_PCI_ROM_ADDRESS1
                                       : BB_PCI_ROM_ADDRESS;
    }
    return BB_PCI_BASE_ADDRESS_0 + 4 * n;
}

BbMemoryRegion *pci_bus_window_for(BbPciBus *bus, unsigned type)
{
    if (!bus) {
        return NULL;
    }
    return (type & BB_PCI_BAR_IO) ? bus->io_window : bus->mem_window;
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* Whether slot @n is the upper half of a registered 64-bit BAR. */
static bool bar_is_upper_half(const BbPciDevice *pdev, unsigned n)
{
    const PciBar *prev = n > 0 && n < PCI_NUM_BARS
                             ? &pdev->priv->bars[n - 1] : NULL;

    return prev && prev->mr && (prev->type & BB_PCI_BAR_MEM64);
}

bool bb_pci_register_bar(BbPciDevice *pdev, unsigned n, unsigned type,
                         BbMemoryRegion *mr, GError **error)
{
    BbPciDevicePrivate *priv = pdev->priv;
    bool rom = n == BB_PCI_ROM_SLOT;
    uint64_t size = mr ? bb_memory_region_size(mr) : 0;

    if (!rom && n >= pci_num_bars(pdev)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "BAR %u does not exist (BARs 0-%u and the ROM, %u)", n,
                    pci_num_bars(pdev) - 1, BB_PCI_ROM_SLOT);
        return false;
    }
    if (!mr) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "BAR %u: no memory region", n);
        return false;
    }
    if (rom) {
        type = BB_PCI_BAR_MEM32;
    }
    if ((type & ~(unsigned)(BB_PCI_BAR_IO | BB_PCI_BAR_MEM64 |
                            BB_PCI_BAR_PREFETCH)) ||
        ((type & BB_PCI_BAR_IO) && (type & ~(unsigned)BB_PCI_BAR_IO))) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "BAR %u: bad type %#x", n, type);
        return false;
    }
    uint64_t min = rom ? 2048 : (type & BB_PCI_BAR_IO) ? 4 : 16;
    uint64_t max = (type & BB_PCI_BAR_MEM64) ? UINT64_C(1) << 63
                                             : UINT64_C(1) << 31;
    if (!is_pow2(size) || size < min || size > max) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "BAR %u: size %#" G_GINT64_MODIFIER "x is not a power "
                    "of two between %#" G_GINT64_MODIFIER "x and %#"
                    G_GINT64_MODIFIER "x", n, size, min, max);
        return false;
    }
    if (priv->bars[n].mr || bar_is_upper_half(pdev, n)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "BAR %u is already registered", n);
        return false;
    }
    if (type & BB_PCI_BAR_MEM64) {
        if (n + 1 >= pci_num_bars(pdev) || priv->bars[n + 1].mr) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "BAR %u: a 64-bit BAR needs BAR %u free for its "
                        "upper half", n, n + 1);
            return false;
        }
    }

    g_autofree char *name = g_strdup_printf("%s-bar%u",
                                            bb_memory_region_name(mr), n);
    BbMemoryRegion *c = bb_memory_region_new_container(BB_OBJECT(pdev),
                                                       name, size);
    if (!bb_memory_region_add_subregion(c, 0, mr, error)) {
        bb_memory_region_unref(c);
        g_prefix_error(error, "BAR %u: ", n);
        return false;
    }
    PciBar *bar = &priv->bars[n];
    bar->mr = bb_memory_region_ref(mr);
    bar->container = c;
    bar->size = size;
    bar->type = type;
    bar->addr = BB_PCI_BAR_UNMAPPED;
    bar->window = NULL;

    uint32_t off = pci_bar_offset(pdev, n);
    if (rom) {
        bb_pci_set_long(pdev, off, 0);
        uint32_t wm = (uint32_t)~(size - 1) & PCI_ROM_ADDR_MASK;
        memcpy(pdev->wmask + off, (uint8_t[]){ (uint8_t)(wm | PCI_ROM_ENABLE),
                                               (uint8_t)(wm >> 8),
                                               (uint8_t)(wm >> 16),
                                               (uint8_t)(wm >> 24) }, 4);
    } else {
        uint32_t flags = (type & BB_PCI_BAR_IO) ? 0x1 : (type & 0xc);
        uint32_t lowmask = (type & BB_PCI_BAR_IO) ? 0x3 : 0xf;
        uint32_t wm = (uint32_t)~(size - 1) & ~lowmask;
        bb_pci_set_long(pdev, off, flags);
        for (unsigned i = 0; i < 4; i++) {
            pdev->wmask[off + i] = (uint8_t)(wm >> (8 * i));
        }
        if (type & BB_PCI_BAR_MEM64) {
            uint32_t hi = (uint32_t)~((size - 1) >> 32);
            bb_pci_set_long(pdev, off + 4, 0);
            for (unsigned i = 0; i < 4; i++) {
                pdev->wmask[off + 4 + i] = (uint8_t)(hi >> (8 * i));
            }
        }
    }
    return true;
}

/* Where BAR @n should be mapped now, or BB_PCI_BAR_UNMAPPED. */
static uint64_t bar_target(BbPciDevice *pdev, unsigned n)
{
    PciBar *bar = &pdev->priv->bars[n];
    uint16_t cmd = bb_pci_get_word(pdev, BB_PCI_COMMAND);
    uint32_t off = pci_bar_offset(pdev, n);
    uint32_t lo = bb_pci_get_long(pdev, off);
    uint64_t addr;

    if (!bar->mr || !pdev->priv->realized || !pdev->priv->bus) {
        return BB_PCI_BAR_UNMAPPED;
    }
    if (n == BB_PCI_ROM_SLOT) {
        if (!(cmd & BB_PCI_COMMAND_MEMORY) || !(lo & PCI_ROM_ENABLE)) {
            return BB_PCI_BAR_UNMAPPED;
        }
        addr = lo & PCI_ROM_ADDR_MASK;
    } else if (bar->type & BB_PCI_BAR_IO) {
        if (!(cmd & BB_PCI_COMMAND_IO)) {
            return BB_PCI_BAR_UNMAPPED;
        }
        addr = lo & ~UINT32_C(0x3);
    } else {
        if (!(cmd & BB_PCI_COMMAND_MEMORY)) {
            return BB_PCI_BAR_UNMAPPED;
        }
        addr = lo & ~UINT32_C(0xf);
        if (bar->type & BB_PCI_BAR_MEM64) {
            addr |= (uint64_t)bb_pci_get_long(pdev, off + 4) << 32;
        }
    }
    addr &= ~(bar->size - 1);

    uint64_t last = addr + (bar->size - 1);
    bool wide = bar->type & BB_PCI_BAR_MEM64;
    if (addr == 0 || last < addr || last == UINT64_MAX ||
        (!wide && last >= UINT32_MAX)) {
        return BB_PCI_BAR_UNMAPPED;
    }
    BbMemoryRegion *window = pci_bus_window_for(pdev->priv->bus, bar->type);
    if (!window) {
        return BB_PCI_BAR_UNMAPPED;
    }
    /* A window size of UINT64_MAX stands for 2^64: it holds any range. */
    uint64_t wsize = bb_memory_region_size(window);
    if (wsize != UINT64_MAX && last > wsize - 1) {
        return BB_PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void bar_set(BbPciDevice *pdev, unsigned n, uint64_t target)
{
    PciBar *bar = &pdev->priv->bars[n];

    if (target == bar->addr) {
        return;
    }
    if (target == BB_PCI_BAR_UNMAPPED) {
        bb_memory_region_del_subregion(bar->window, bar->container);
        bar->window = NULL;
    } else if (bar->addr == BB_PCI_BAR_UNMAPPED) {
        GError *err = NULL;
        BbMemoryRegion *window = pci_bus_window_for(pdev->priv->bus,
                                                    bar->type);
        if (!bb_memory_region_add_subregion_overlap(window, target,
                                                    bar->container,
                                                    PCI_BAR_PRIORITY, &err)) {
            g_autofree char *path = pci_dev_path(pdev);
            g_warning("%s: BAR %u cannot be mapped: %s", path, n,
                      err->message);
            g_error_free(err);
            return;
        }
        bar->window = window;
    } else {
        bb_memory_region_set_address(bar->container, target);
    }
    bar->addr = target;
}

void pci_update_mappings(BbPciDevice *pdev)
{
    bb_memory_transaction_begin();
    for (unsigned n = 0; n < BB_PCI_NUM_REGIONS; n++) {
        if (pdev->priv->bars[n].mr) {
            bar_set(pdev, n, bar_target(pdev, n));
        }
    }
    bb_memory_transaction_commit();
}

void pci_unmap_bars(BbPciDevice *pdev)
{
    bb_memory_transaction_begin();
    for (unsigned n = 0; n < BB_PCI_NUM_REGIONS; n++) {
        if (pdev->priv->bars[n].mr) {
            bar_set(pdev, n, BB_PCI_BAR_UNMAPPED);
        }
    }
    bb_memory_transaction_commit();
}

void pci_release_bars(BbPciDevice *pdev)
{
    for (unsigned n = 0; n < BB_PCI_NUM_REGIONS; n++) {
        PciBar *bar = &pdev->priv->bars[n];
        if (!bar->mr) {
            continue;
        }
        bb_memory_region_del_subregion(bar->container, bar->mr);
        bb_memory_region_unref(bar->container);
        bb_memory_region_unref(bar->mr);
        memset(bar, 0, sizeof(*bar));
        bar->addr = BB_PCI_BAR_UNMAPPED;
    }
}

uint64_t bb_pci_get_bar_addr(const BbPciDevice *pdev, unsigned n)
{
    if (n >= BB_PCI_NUM_REGIONS) {
        return BB_PCI_BAR_UNMAPPED;
    }
    return pdev->priv->bars[n].addr;
}
