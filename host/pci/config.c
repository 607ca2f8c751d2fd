/*
 * config.c - configuration space of a PCI function: the little-endian
 * accessors, the write and write-1-to-clear masks of the type 0 and type 1
 * headers (PCI Local Bus spec 3.0 §6.2, PCI-PCI Bridge spec 1.2 §3.2), and
 * the default read and write with their side effects (BAR mapping on the
 * decode bits, INTx disable, MSI/MSI-X control, bridge windows).
 *
 * Accesses from the bus are 1, 2 or 4 bytes; one not aligned to its size
 * (ECAM forbids it, a buggy host bridge might pass it) is split into
 * bytes, so the masks apply byte by byte either way.  Bytes past the
 * function's space (256 for conventional PCI) read as all-ones and ignore
 * writes.
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

/* Command bits the guest may change (docs/hardware/pci.md): I/O, memory,
 * bus master, SERR#, INTx disable; bridges also parity response. */
#define PCI_COMMAND_WMASK                                                     \
    (BB_PCI_COMMAND_IO | BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_MASTER |      \
     BB_PCI_COMMAND_SERR | BB_PCI_COMMAND_INTX_DISABLE)
#define PCI_COMMAND_PARITY 0x0040
/* Status error bits, write-1-to-clear: master data parity error,
 * signalled/received target abort, received master abort, signalled
 * system error, detected parity error. */
#define PCI_STATUS_W1C 0xf900

static bool config_in(const BbPciDevice *pdev, uint32_t off, unsigned len)
{
    return off < BB_PCI_EXPRESS_CONFIG_SIZE &&
           len <= BB_PCI_EXPRESS_CONFIG_SIZE - off;
}

uint8_t bb_pci_get_byte(const BbPciDevice *pdev, uint32_t off)
{
    g_return_val_if_fail(config_in(pdev, off, 1), 0);
    return pdev->config[off];
}

uint16_t bb_pci_get_word(const BbPciDevice *pdev, uint32_t off)
{
    g_return_val_if_fail(config_in(pdev, off, 2), 0);
    return (uint16_t)(pdev->config[off] | pdev->config[off + 1] << 8);
}

uint32_t bb_pci_get_long(const BbPciDevice *pdev, uint32_t off)
{
    g_return_val_if_fail(config_in(pdev, off, 4), 0);
    return (uint32_t)pdev->config[off] | (uint32_t)pdev->config[off + 1] << 8 |
           (uint32_t)pdev->config[off + 2] << 16 |
           (uint32_t)pdev->config[off + 3] << 24;
}

void bb_pci_set_byte(BbPciDevice *pdev, uint32_t off, uint8_t v)
{
    g_return_if_fail(config_in(pdev, off, 1));
    pdev->config[off] = v;
}

void bb_pci_set_word(BbPciDevice *pdev, uint32_t off, uint16_t v)
{
    g_return_if_fail(config_in(pdev, off, 2));
    pdev->config[off] = (uint8_t)v;
    pdev->config[off + 1] = (uint8_t)(v >> 8);
}

void bb_pci_set_long(BbPciDevice *pdev, uint32_t off, uint32_t v)
{
    g_return_if_fail(config_in(pdev, off, 4));
    for (unsigned i = 0; i < 4; i++) {
        pdev->config[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static void mask_set_word(uint8_t *mask, uint32_t off, uint16_t v)
{
    mask[off] = (uint8_t)v;
    mask[off + 1] = (uint8_t)(v >> 8);
}

void pci_config_init_masks(BbPciDevice *pdev)
{
    bool bridge = BB_PCI_DEVICE_GET_CLASS(pdev)->header_type ==
                  BB_PCI_HEADER_TYPE_BRIDGE;
    unsigned size = bb_pci_config_size(pdev);

    memset(pdev->wmask, 0, BB_PCI_EXPRESS_CONFIG_SIZE);
    memset(pdev->w1cmask, 0, BB_PCI_EXPRESS_CONFIG_SIZE);
    mask_set_word(pdev->wmask, BB_PCI_COMMAND,
                  PCI_COMMAND_WMASK | (bridge ? PCI_COMMAND_PARITY : 0));
    mask_set_word(pdev->w1cmask, BB_PCI_STATUS, PCI_STATUS_W1C);
    pdev->wmask[BB_PCI_CACHE_LINE_SIZE] = 0xff;
    pdev->wmask[BB_PCI_INTERRUPT_LINE] = 0xff;
    /* Device-specific space: plain storage until a capability claims it
     * (QEMU does the same; drivers use it as scratch). */
    memset(pdev->wmask + 0x40, 0xff, size - 0x40);
    if (size > BB_PCI_CONFIG_SIZE) {
        /* The extended capability header at 0x100 stays a stable 0 (end
         * of the chain) until a capability is added there. */
        memset(pdev->wmask + 0x100, 0, 4);
    }
}

/* ------------------------------------------------------------ accesses */

uint32_t bb_pci_default_config_read(BbPciDevice *pdev, uint32_t addr,
                                    unsigned len)
{
    unsigned size = bb_pci_config_size(pdev);
    uint32_t v = 0;

    if (len > 4) {
        return UINT32_MAX;
    }
    for (unsigned i = 0; i < len; i++) {
        uint32_t off = addr + i;
        uint8_t b = off < size && off >= addr ? pdev->config[off] : 0xff;
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

void bb_pci_default_config_write(BbPciDevice *pdev, uint32_t addr,
                                 uint32_t value, unsigned len)
{
    BbPciDevicePrivate *priv = pdev->priv;
    unsigned size = bb_pci_config_size(pdev);
    uint16_t old_msi = pci_msi_ctrl(pdev);
    uint16_t old_msix = pci_msix_ctrl(pdev);
    uint16_t old_pmcsr = pci_pm_pmcsr(pdev);

    if (len > 4 || addr >= size) {
        return;
    }
    len = MIN(len, size - addr);
    for (unsigned i = 0; i < len; i++) {
        uint32_t off = addr + i;
        uint8_t v = (uint8_t)(value >> (8 * i));
        uint8_t wm = pdev->wmask[off], w1c = pdev->w1cmask[off];
        pdev->config[off] = (uint8_t)((pdev->config[off] & ~wm) | (v & wm));
        pdev->config[off] &= (uint8_t)~(v & w1c);
    }
    pci_caps_config_written(pdev, addr, len, old_pmcsr);
    if (!priv->realized) {
        return;
    }

    unsigned nbars = pci_num_bars(pdev);
    bool cmd = pci_range_overlaps(addr, len, BB_PCI_COMMAND, 2);
    bool bars = pci_range_overlaps(addr, len, BB_PCI_BASE_ADDRESS_0,
                                   4 * nbars) ||
                pci_range_overlaps(addr, len,
                                   pci_bar_offset(pdev, BB_PCI_ROM_SLOT), 4);

    bb_memory_transaction_begin();
    if (cmd || bars) {
        pci_update_mappings(pdev);
    }
    if (priv->secondary) {
        if (cmd || pci_range_overlaps(addr, len, BB_PCI_PRIMARY_BUS,
                                      BB_PCI_ROM_ADDRESS1 -
                                          BB_PCI_PRIMARY_BUS)) {
            pci_bridge_update_windows(pdev);
        }
        pci_bridge_config_written(pdev, addr, len);
    }
    bb_memory_transaction_commit();
    if (cmd) {
        pci_update_irq(pdev);
    }
    pci_msi_config_written(pdev, addr, len, old_msi, old_msix);
}

/* One access of 1, 2 or 4 aligned bytes through the class's hooks. */
static uint32_t config_read_hooked(BbPciDevice *pdev, uint32_t addr,
                                   unsigned len)
{
    BbPciDeviceClass *pc = BB_PCI_DEVICE_GET_CLASS(pdev);
    uint32_t mask = len == 4 ? UINT32_MAX : (1u << (8 * len)) - 1;

    if (addr >= bb_pci_config_size(pdev)) {
        return mask;
    }
    if (pc->config_read) {
        return pc->config_read(pdev, addr, len) & mask;
    }
    return bb_pci_default_config_read(pdev, addr, len);
}

static void config_write_hooked(BbPciDevice *pdev, uint32_t addr,
                                uint32_t value, unsigned len)
{
    BbPciDeviceClass *pc = BB_PCI_DEVICE_GET_CLASS(pdev);

    if (addr >= bb_pci_config_size(pdev)) {
        return;
    }
    if (pc->config_write) {
        pc->config_write(pdev, addr, value, len);
    } else {
        bb_pci_default_config_write(pdev, addr, value, len);
    }
}

static bool config_access_ok(uint32_t addr, unsigned len)
{
    return (len == 1 || len == 2 || len == 4) &&
           addr < BB_PCI_EXPRESS_CONFIG_SIZE &&
           len <= BB_PCI_EXPRESS_CONFIG_SIZE - addr;
}

uint32_t pci_config_read(BbPciDevice *pdev, uint32_t addr, unsigned len)
{
    if (!config_access_ok(addr, len)) {
        bb_guest_error("PCI config read of %u bytes at %#x refused", len,
                       addr);
        return len >= 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
    }
    if (addr & (len - 1)) {
        uint32_t v = 0;
        for (unsigned i = 0; i < len; i++) {
            v |= config_read_hooked(pdev, addr + i, 1) << (8 * i);
        }
        return v;
    }
    return config_read_hooked(pdev, addr, len);
}

void pci_config_write(BbPciDevice *pdev, uint32_t addr, uint32_t value,
                      unsigned len)
{
    if (!config_access_ok(addr, len)) {
        bb_guest_error("PCI config write of %u bytes at %#x refused", len,
                       addr);
        return;
    }
    if (addr & (len - 1)) {
        for (unsigned i = 0; i < len; i++) {
            config_write_hooked(pdev, addr + i, (value >> (8 * i)) & 0xff, 1);
        }
        return;
    }
    config_write_hooked(pdev, addr, value, len);
}
