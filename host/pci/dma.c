/*
 * dma.c - bus-master accesses of a PCI function: through the DMA address
 * space its bus gives it (a root bus's, inherited by the buses behind
 * bridges - an IOMMU would hand out one per requester later), tagged with
 * the function's requester ID, and refused while the command register's
 * bus-master bit is clear (PCI Local Bus spec 3.0 §6.2.2), which QEMU
 * models the same way.
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

BbAddressSpace *bb_pci_get_dma_as(BbPciDevice *pdev)
{
    BbPciBus *bus = pdev->priv->bus;

    /* The tree is finite; a secondary bus asks its bridge's bus. */
    while (bus && bus->bridge) {
        bus = bus->bridge->priv->bus;
    }
    return bus ? bus->dma_as : NULL;
}

static BbMemTxResult pci_dma_rw(BbPciDevice *pdev, uint64_t addr, void *buf,
                                size_t len, bool is_write)
{
    BbAddressSpace *as = bb_pci_get_dma_as(pdev);

    if (!(bb_pci_get_word(pdev, BB_PCI_COMMAND) & BB_PCI_COMMAND_MASTER) ||
        !as) {
        g_autofree char *path = pci_dev_path(pdev);
        bb_guest_error("%s: DMA %s of %zu bytes at %#" G_GINT64_MODIFIER
                       "x refused: %s", path, is_write ? "write" : "read",
                       len, addr, as ? "bus mastering is disabled"
                                     : "the function is on no bus");
        if (!is_write) {
            memset(buf, 0, len);
        }
        return BB_MEMTX_ERROR;
    }
    BbMemTxAttrs attrs = { .requester_id = bb_pci_get_requester_id(pdev) };
    return is_write ? bb_address_space_write_attrs(as, addr, buf, len, attrs)
                    : bb_address_space_read_attrs(as, addr, buf, len, attrs);
}

BbMemTxResult bb_pci_dma_read(BbPciDevice *pdev, uint64_t addr, void *buf,
                              size_t len)
{
    g_return_val_if_fail(pdev != NULL && (buf != NULL || len == 0),
                         BB_MEMTX_ERROR);
    return pci_dma_rw(pdev, addr, buf, len, false);
}

BbMemTxResult bb_pci_dma_write(BbPciDevice *pdev, uint64_t addr,
                               const void *buf, size_t len)
{
    g_return_val_if_fail(pdev != NULL && (buf != NULL || len == 0),
                         BB_MEMTX_ERROR);
    return pci_dma_rw(pdev, addr, (void *)buf, len, true);
}
