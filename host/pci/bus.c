/*
 * bus.c - PCI buses: a host bridge's root bus and the secondary buses the
 * core makes for bridges; plugging functions into slots, routing a host
 * bridge's configuration accesses by bus number through the bridges'
 * secondary/subordinate registers (PCI-PCI Bridge spec 1.2 §3.2.5.3), and
 * INTx: each bus counts the functions asserting each of its four lines,
 * a function's line being (slot + pin - 1) % 4 (the swizzle of the PCI-PCI
 * Bridge spec §9.1); a root bus reports a line's wire-OR to its host
 * bridge, a secondary bus asserts its bridge's pins on the parent bus.
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

static BbPciBus *bus_alloc(const char *name, BbDevice *owner)
{
    BbPciBus *bus = g_new0(BbPciBus, 1);

    bus->name = g_strdup(name ? name : "pci");
    bus->owner = owner;
    return bus;
}

BbPciBus *bb_pci_root_bus_new(BbDevice *owner, const BbPciBusOptions *opts)
{
    g_return_val_if_fail(opts != NULL, NULL);

    BbPciBus *bus = bus_alloc(opts->name, owner);
    bus->mem_window = opts->mem_window ? bb_memory_region_ref(opts->mem_window)
                                       : NULL;
    bus->io_window = opts->io_window ? bb_memory_region_ref(opts->io_window)
                                     : NULL;
    bus->dma_as = opts->dma_as;
    bus->set_irq = opts->set_irq;
    bus->irq_opaque = opts->irq_opaque;
    return bus;
}

BbPciBus *pci_bus_new_secondary(BbPciDevice *bridge)
{
    g_autofree char *name = g_strdup_printf(
        "%s.sec", bb_object_get_name(BB_OBJECT(bridge))
                      ? bb_object_get_name(BB_OBJECT(bridge)) : "bridge");
    BbPciBus *bus = bus_alloc(name, BB_DEVICE(bridge));
    g_autofree char *mem = g_strdup_printf("%s-mem", name);
    g_autofree char *io = g_strdup_printf("%s-io", name);

    bus->bridge = bridge;
    bus->owns_windows = true;
    bus->mem_window = bb_memory_region_new_container(BB_OBJECT(bridge), mem,
                                                     UINT64_MAX);
    bus->io_window = bb_memory_region_new_container(BB_OBJECT(bridge), io,
                                                    UINT64_C(1) << 32);
    return bus;
}

void bb_pci_bus_free(BbPciBus *bus)
{
    if (!bus) {
        return;
    }
    /* Functions still plugged (a bridge unrealized before what is behind
     * it) come off the bus, so none keeps a pointer to it. */
    for (unsigned i = 0; i < PCI_NUM_DEVFN; i++) {
        if (bus->devices[i]) {
            bb_pci_bus_unplug(bus, bus->devices[i]);
        }
    }
    bb_memory_region_unref(bus->mem_window);
    bb_memory_region_unref(bus->io_window);
    g_free(bus->name);
    g_free(bus);
}

unsigned bb_pci_bus_get_number(const BbPciBus *bus)
{
    if (!bus->bridge) {
        return 0;
    }
    return bus->bridge->config[BB_PCI_SECONDARY_BUS];
}

BbPciDevice *bb_pci_bus_find(BbPciBus *bus, unsigned devfn)
{
    return devfn < PCI_NUM_DEVFN ? bus->devices[devfn] : NULL;
}

/* ------------------------------------------------------------ plugging */

/* The first slot whose function @func (and, for function 0, all of it)
 * is free, or -1. */
static int bus_free_slot(BbPciBus *bus, unsigned func)
{
    for (unsigned s = 0; s < 32; s++) {
        bool free = true;
        for (unsigned f = 0; f < 8 && free; f++) {
            if ((f == func || func == 0) && bus->devices[BB_PCI_DEVFN(s, f)]) {
                free = false;
            }
        }
        if (free) {
            return (int)s;
        }
    }
    return -1;
}

bool bb_pci_bus_plug(BbPciBus *bus, BbPciDevice *pdev, int slot, int func,
                     GError **error)
{
    g_return_val_if_fail(bus != NULL && pdev != NULL, false);

    if (pdev->priv->bus) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "the function is already plugged into bus %s",
                    pdev->priv->bus->name);
        return false;
    }
    if (func < 0 || func > 7 || slot < -1 || slot > 31) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "PCI slot %d function %d out of range (slot 0-31, "
                    "function 0-7)", slot, func);
        return false;
    }
    if (slot < 0) {
        slot = bus_free_slot(bus, (unsigned)func);
        if (slot < 0) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "PCI bus %s has no free slot", bus->name);
            return false;
        }
    }
    unsigned devfn = BB_PCI_DEVFN(slot, func);
    if (bus->devices[devfn]) {
        g_autofree char *other = pci_dev_path(bus->devices[devfn]);
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "PCI bus %s: slot %d function %d is taken by %s",
                    bus->name, slot, func, other);
        return false;
    }
    bus->devices[devfn] = pdev;
    pdev->priv->bus = bus;
    pdev->priv->devfn = (int)devfn;
    pci_fix_multifunction(bus, (unsigned)slot);
    if (pdev->priv->secondary) {
        BbPciBus *sec = pdev->priv->secondary;
        for (unsigned l = 0; l < PCI_NUM_PINS; l++) {
            if (sec->irq_count[l]) {
                pci_bus_line_change(bus, ((unsigned)slot + l) % 4, 1);
            }
        }
    }
    if (pdev->priv->realized) {
        /* Plugged after realize (a unit test, hot plug): the BARs and the
         * pin show up on the new bus as programmed. */
        pci_update_mappings(pdev);
        pci_update_irq(pdev);
        if (pdev->priv->secondary) {
            bb_memory_transaction_begin();
            pci_bridge_update_windows(pdev);
            bb_memory_transaction_commit();
        }
    }
    return true;
}

void bb_pci_bus_unplug(BbPciBus *bus, BbPciDevice *pdev)
{
    g_return_if_fail(bus != NULL && pdev != NULL);

    if (pdev->priv->bus != bus) {
        return;
    }
    unsigned devfn = (unsigned)pdev->priv->devfn;
    bool level = pdev->irq_level;

    /* Take the function off the bus lines and out of the windows while
     * it still knows where it is. */
    pdev->irq_level = false;
    pci_update_irq(pdev);
    pdev->irq_level = level;
    pci_unmap_bars(pdev);
    if (pdev->priv->secondary) {
        BbPciBus *sec = pdev->priv->secondary;
        for (unsigned l = 0; l < PCI_NUM_PINS; l++) {
            if (sec->irq_count[l]) {
                pci_bus_line_change(bus, (BB_PCI_SLOT(devfn) + l) % 4, -1);
            }
        }
    }
    bus->devices[devfn] = NULL;
    pdev->priv->bus = NULL;
    pdev->priv->devfn = -1;
    if (pdev->priv->secondary) {
        bb_memory_transaction_begin();
        pci_bridge_update_windows(pdev); /* off the bus: all unmapped */
        bb_memory_transaction_commit();
    }
    pci_fix_multifunction(bus, BB_PCI_SLOT(devfn));
}

/* ------------------------------------------------------ config routing */

/* The bus numbered @busnr below @bus, or NULL.  Bridges forward a
 * configuration access to their secondary side when its bus number lies
 * in [secondary, subordinate]; the tree of buses is finite, so is this. */
static BbPciBus *bus_route(BbPciBus *bus, unsigned busnr)
{
    if (busnr == bb_pci_bus_get_number(bus)) {
        return bus;
    }
    for (unsigned i = 0; i < PCI_NUM_DEVFN; i++) {
        BbPciDevice *d = bus->devices[i];
        if (!d || !d->priv->secondary || !d->priv->realized) {
            continue;
        }
        unsigned sec = d->config[BB_PCI_SECONDARY_BUS];
        unsigned sub = d->config[BB_PCI_SUBORDINATE_BUS];
        if (sec != 0 && sec <= busnr && busnr <= sub) {
            return bus_route(d->priv->secondary, busnr);
        }
    }
    return NULL;
}

/* The function a host bridge's access reaches, or NULL (all-ones). */
static BbPciDevice *bus_target(BbPciBus *root, unsigned busnr,
                               unsigned devfn)
{
    BbPciBus *bus = busnr < 256 && devfn < PCI_NUM_DEVFN
                        ? bus_route(root, busnr) : NULL;

    if (!bus) {
        return NULL;
    }
    BbPciDevice *pdev = bus->devices[devfn];
    if (!pdev || !pdev->priv->realized) {
        return NULL;
    }
    /* Enumerators only look at functions 1-7 when function 0 exists. */
    BbPciDevice *f0 = bus->devices[BB_PCI_DEVFN(BB_PCI_SLOT(devfn), 0)];
    if (!f0 || !f0->priv->realized) {
        return NULL;
    }
    return pdev;
}

uint32_t bb_pci_bus_config_read(BbPciBus *root, unsigned busnr,
                                unsigned devfn, uint32_t addr, unsigned len)
{
    g_return_val_if_fail(root != NULL, UINT32_MAX);
    BbPciDevice *pdev = bus_target(root, busnr, devfn);

    if (!pdev) {
        return len >= 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
    }
    return pci_config_read(pdev, addr, len);
}

void bb_pci_bus_config_write(BbPciBus *root, unsigned busnr, unsigned devfn,
                             uint32_t addr, uint32_t value, unsigned len)
{
    g_return_if_fail(root != NULL);
    BbPciDevice *pdev = bus_target(root, busnr, devfn);

    if (pdev) {
        pci_config_write(pdev, addr, value, len);
    }
}

/* ------------------------------------------------------------ INTx */

void pci_bus_line_change(BbPciBus *bus, unsigned line, int delta)
{
    unsigned before = bus->irq_count[line];

    if (delta < 0 && before == 0) {
        g_critical("PCI bus %s: INTx line %u lowered more often than "
                   "raised", bus->name, line);
        return;
    }
    bus->irq_count[line] = before + (unsigned)delta;
    bool was = before > 0, now = bus->irq_count[line] > 0;
    if (was == now) {
        return;
    }
    if (!bus->bridge) {
        if (bus->set_irq) {
            bus->set_irq(bus->irq_opaque, line, now);
        }
        return;
    }
    /* A secondary bus's line L is the bridge's pin L + 1 on its parent,
     * swizzled by the bridge's own slot there. */
    BbPciDevice *br = bus->bridge;
    if (br->priv->bus) {
        unsigned pline = (BB_PCI_SLOT(br->priv->devfn) + line) % 4;
        pci_bus_line_change(br->priv->bus, pline, now ? 1 : -1);
    }
}

void pci_update_irq(BbPciDevice *pdev)
{
    BbPciDevicePrivate *priv = pdev->priv;
    unsigned pin = BB_PCI_DEVICE_GET_CLASS(pdev)->interrupt_pin;
    uint16_t cmd = bb_pci_get_word(pdev, BB_PCI_COMMAND);
    uint16_t status = bb_pci_get_word(pdev, BB_PCI_STATUS);
    bool want = pdev->irq_level && pin >= 1 && pin <= 4 && priv->bus &&
                !(cmd & BB_PCI_COMMAND_INTX_DISABLE);

    /* The status bit shows the pin whatever the disable bit says (PCI
     * 3.0 §6.2.3). */
    status = pdev->irq_level ? (status | BB_PCI_STATUS_INTERRUPT)
                             : (status & ~BB_PCI_STATUS_INTERRUPT);
    bb_pci_set_word(pdev, BB_PCI_STATUS, status);
    if (want == priv->irq_driven) {
        return;
    }
    priv->irq_driven = want;
    if (priv->bus) {
        unsigned line = (BB_PCI_SLOT(priv->devfn) + pin - 1) % 4;
        pci_bus_line_change(priv->bus, line, want ? 1 : -1);
    }
}

void bb_pci_set_irq(BbPciDevice *pdev, bool level)
{
    g_return_if_fail(pdev != NULL);

    if (level && !pdev->priv->warned_intx_with_msi &&
        (bb_pci_msi_enabled(pdev) || bb_pci_msix_enabled(pdev))) {
        g_autofree char *path = pci_dev_path(pdev);
        pdev->priv->warned_intx_with_msi = true;
        g_warning("%s: INTx raised while MSI/MSI-X is enabled (a device "
                  "model bug)", path);
    }
    pdev->irq_level = level;
    pci_update_irq(pdev);
}
