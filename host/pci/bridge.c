/*
 * bridge.c - type 1 (PCI-PCI bridge) functions, per the PCI-PCI Bridge
 * Architecture spec 1.2 §3.2: the core gives every function whose class
 * says header_type BRIDGE a secondary bus, with its own memory and I/O
 * containers, and forwards the three windows the bridge's base/limit
 * registers describe (16-bit I/O, 32-bit memory, 64-bit prefetchable
 * memory) from the parent bus's windows while the matching command decode
 * bit is set: each is an alias of the secondary container at the same
 * bus address.  Bus numbers route configuration accesses (bus.c), and
 * the secondary bus reset bit of bridge control resets what is behind it.
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

#define PCI_IO_RANGE_MASK 0xf0
#define PCI_MEMORY_RANGE_MASK 0xfff0
#define PCI_PREF_RANGE_TYPE_64 0x1
#define PCI_BRIDGE_CTL_BUS_RESET 0x40
/* Bridge control bits the guest may set: parity and SERR# response, ISA
 * and VGA enables, VGA 16-bit decode, master abort mode, secondary bus
 * reset. */
#define PCI_BRIDGE_CTL_WMASK 0x007f

static void mask_word(uint8_t *mask, uint32_t off, uint16_t v)
{
    mask[off] = (uint8_t)v;
    mask[off + 1] = (uint8_t)(v >> 8);
}

void pci_bridge_init_config(BbPciDevice *pdev)
{
    uint8_t *wm = pdev->wmask;

    wm[BB_PCI_PRIMARY_BUS] = 0xff;
    wm[BB_PCI_SECONDARY_BUS] = 0xff;
    wm[BB_PCI_SUBORDINATE_BUS] = 0xff;
    wm[BB_PCI_SUBORDINATE_BUS + 1] = 0xff; /* secondary latency timer */
    wm[BB_PCI_IO_BASE] = PCI_IO_RANGE_MASK;
    wm[BB_PCI_IO_LIMIT] = PCI_IO_RANGE_MASK;
    mask_word(pdev->w1cmask, BB_PCI_SEC_STATUS, 0xf900);
    mask_word(wm, BB_PCI_MEMORY_BASE, PCI_MEMORY_RANGE_MASK);
    mask_word(wm, BB_PCI_MEMORY_LIMIT, PCI_MEMORY_RANGE_MASK);
    mask_word(wm, BB_PCI_PREF_MEMORY_BASE, PCI_MEMORY_RANGE_MASK);
    mask_word(wm, BB_PCI_PREF_MEMORY_LIMIT, PCI_MEMORY_RANGE_MASK);
    memset(wm + BB_PCI_PREF_BASE_UPPER32, 0xff, 4);
    memset(wm + BB_PCI_PREF_LIMIT_UPPER32, 0xff, 4);
    mask_word(wm, BB_PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_WMASK);
    /* The prefetchable window decodes 64-bit addresses; I/O is 16-bit. */
    bb_pci_set_word(pdev, BB_PCI_PREF_MEMORY_BASE, PCI_PREF_RANGE_TYPE_64);
    bb_pci_set_word(pdev, BB_PCI_PREF_MEMORY_LIMIT, PCI_PREF_RANGE_TYPE_64);
}

bool pci_bridge_realize(BbPciDevice *pdev, GError **error)
{
    (void)error;
    if (!pdev->priv->secondary) {
        pdev->priv->secondary = pci_bus_new_secondary(pdev);
    }
    return true;
}

static void window_unmap(PciBridgeWindow *w)
{
    if (w->alias) {
        bb_memory_region_del_subregion(w->window, w->alias);
        bb_memory_region_unref(w->alias);
        w->alias = NULL;
        w->window = NULL;
    }
    w->base = 1;
    w->last = 0;
}

void pci_bridge_exit(BbPciDevice *pdev)
{
    BbPciDevicePrivate *priv = pdev->priv;

    if (!priv->secondary) {
        return;
    }
    bb_memory_transaction_begin();
    window_unmap(&priv->win_io);
    window_unmap(&priv->win_mem);
    window_unmap(&priv->win_pref);
    bb_memory_transaction_commit();
    bb_pci_bus_free(priv->secondary);
    priv->secondary = NULL;
}

/* Map @w as [base, last] of @target (a secondary container) in @window,
 * or unmap it when @on is false or the range does not fit. */
static void window_set(BbPciDevice *pdev, PciBridgeWindow *w,
                       const char *what, BbMemoryRegion *window,
                       BbMemoryRegion *target, bool on, uint64_t base,
                       uint64_t last)
{
    if (on && window) {
        uint64_t wsize = bb_memory_region_size(window);
        on = base <= last && (wsize == UINT64_MAX || last <= wsize - 1);
    } else {
        on = false;
    }
    if (!on) {
        if (w->alias) {
            window_unmap(w);
        }
        return;
    }
    if (w->alias && w->base == base && w->last == last &&
        w->window == window) {
        return;
    }
    window_unmap(w);

    GError *err = NULL;
    g_autofree char *name = g_strdup_printf("%s-%s",
                                            pdev->priv->secondary->name, what);
    uint64_t size = last - base == UINT64_MAX ? UINT64_MAX : last - base + 1;
    w->alias = bb_memory_region_new_alias(BB_OBJECT(pdev), name, target,
                                          base, size);
    if (!bb_memory_region_add_subregion_overlap(window, base, w->alias,
                                                PCI_BAR_PRIORITY, &err)) {
        g_warning("%s: %s", name, err->message);
        g_error_free(err);
        bb_memory_region_unref(w->alias);
        w->alias = NULL;
        return;
    }
    w->window = window;
    w->base = base;
    w->last = last;
}

void pci_bridge_update_windows(BbPciDevice *pdev)
{
    BbPciDevicePrivate *priv = pdev->priv;
    BbPciBus *sec = priv->secondary;
    BbPciBus *bus = priv->bus;

    if (!sec) {
        return;
    }
    uint16_t cmd = bb_pci_get_word(pdev, BB_PCI_COMMAND);
    bool live = bus && priv->realized;
    bool io_on = live && (cmd & BB_PCI_COMMAND_IO);
    bool mem_on = live && (cmd & BB_PCI_COMMAND_MEMORY);

    uint64_t io_base = (uint64_t)(pdev->config[BB_PCI_IO_BASE] &
                                  PCI_IO_RANGE_MASK) << 8;
    uint64_t io_last = ((uint64_t)(pdev->config[BB_PCI_IO_LIMIT] &
                                   PCI_IO_RANGE_MASK) << 8) | 0xfff;
    uint64_t mem_base = (uint64_t)(bb_pci_get_word(pdev, BB_PCI_MEMORY_BASE) &
                                   PCI_MEMORY_RANGE_MASK) << 16;
    uint64_t mem_last = ((uint64_t)(bb_pci_get_word(pdev,
                                                    BB_PCI_MEMORY_LIMIT) &
                                     PCI_MEMORY_RANGE_MASK) << 16) | 0xfffff;
    uint64_t pref_base =
        (uint64_t)(bb_pci_get_word(pdev, BB_PCI_PREF_MEMORY_BASE) &
                   PCI_MEMORY_RANGE_MASK) << 16 |
        (uint64_t)bb_pci_get_long(pdev, BB_PCI_PREF_BASE_UPPER32) << 32;
    uint64_t pref_last =
        ((uint64_t)(bb_pci_get_word(pdev, BB_PCI_PREF_MEMORY_LIMIT) &
                    PCI_MEMORY_RANGE_MASK) << 16 | 0xfffff) |
        (uint64_t)bb_pci_get_long(pdev, BB_PCI_PREF_LIMIT_UPPER32) << 32;

    bb_memory_transaction_begin();
    window_set(pdev, &priv->win_io, "io", bus ? bus->io_window : NULL,
               sec->io_window, io_on, io_base, io_last);
    window_set(pdev, &priv->win_mem, "mem", bus ? bus->mem_window : NULL,
               sec->mem_window, mem_on, mem_base, mem_last);
    window_set(pdev, &priv->win_pref, "pref", bus ? bus->mem_window : NULL,
               sec->mem_window, mem_on, pref_base, pref_last);
    bb_memory_transaction_commit();
}

void pci_bridge_config_written(BbPciDevice *pdev, uint32_t addr,
                               unsigned len)
{
    BbPciBus *sec = pdev->priv->secondary;

    if (!pci_range_overlaps(addr, len, BB_PCI_BRIDGE_CONTROL, 1)) {
        return;
    }
    bool reset = pdev->config[BB_PCI_BRIDGE_CONTROL] &
                 PCI_BRIDGE_CTL_BUS_RESET;
    if (reset && !pdev->priv->sec_reset_asserted) {
        /* Asserting secondary reset resets every function behind the
         * bridge (PCI-PCI Bridge spec §3.2.5.17). */
        for (unsigned i = 0; i < PCI_NUM_DEVFN; i++) {
            BbPciDevice *d = sec->devices[i];
            if (d && d->priv->realized) {
                bb_device_reset(BB_DEVICE(d));
            }
        }
    }
    pdev->priv->sec_reset_asserted = reset;
}

BbPciBus *bb_pci_bridge_get_secondary_bus(BbPciDevice *bridge)
{
    return bridge ? bridge->priv->secondary : NULL;
}
