/*
 * caps.c - capability lists (PCI Local Bus spec 3.0 §6.7): the list at
 * 0x34 (new capabilities go to its head, as QEMU links them, so a device
 * adding them in QEMU's order reads back QEMU's list), the PCI Express
 * extended capability chain from 0x100 (PCIe base spec 4.0 §7.6), and the
 * standard capabilities the core fills in: power management (PCI PM spec
 * 1.2 §3.2) and the PCI Express capability, version 2 (PCIe §7.5.3).
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

#define PCI_CAP_LIST_MIN 0x40
#define PCI_EXT_CAP_START 0x100
#define PCI_PM_SIZE 8
#define PCI_PM_PMC_VERSION 0x0003 /* PM spec 1.2 */
#define PCI_PM_CTRL_STATE_MASK 0x0003
#define PCI_PM_CTRL_NO_SOFT_RESET 0x0008
#define PCI_EXP_SIZE 0x3c

static bool caps_range_free(const BbPciDevice *pdev, unsigned off,
                            unsigned size)
{
    for (unsigned i = off; i < off + size; i++) {
        if (pdev->priv->cap_used[i]) {
            return false;
        }
    }
    return true;
}

static void caps_claim(BbPciDevice *pdev, unsigned off, unsigned size)
{
    memset(pdev->priv->cap_used + off, 1, size);
    memset(pdev->config + off, 0, size);
    memset(pdev->wmask + off, 0, size);
    memset(pdev->w1cmask + off, 0, size);
}

unsigned bb_pci_add_capability(BbPciDevice *pdev, uint8_t cap_id,
                               unsigned offset, unsigned size,
                               GError **error)
{
    if (size < 2 || size > BB_PCI_CONFIG_SIZE - PCI_CAP_LIST_MIN) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "capability %#x: bad size %u", cap_id, size);
        return 0;
    }
    if (offset == 0) {
        for (unsigned o = PCI_CAP_LIST_MIN; o + size <= BB_PCI_CONFIG_SIZE;
             o += 4) {
            if (caps_range_free(pdev, o, size)) {
                offset = o;
                break;
            }
        }
        if (offset == 0) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "capability %#x: no room for %u bytes", cap_id, size);
            return 0;
        }
    } else if ((offset & 3) || offset < PCI_CAP_LIST_MIN ||
               offset + size > BB_PCI_CONFIG_SIZE) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "capability %#x: offset %#x (dword aligned, %u bytes "
                    "between 0x40 and 0x100)", cap_id, offset, size);
        return 0;
    } else if (!caps_range_free(pdev, offset, size)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "capability %#x at %#x overlaps another capability",
                    cap_id, offset);
        return 0;
    }
    caps_claim(pdev, offset, size);
    pdev->config[offset] = cap_id;
    pdev->config[offset + 1] = pdev->config[BB_PCI_CAPABILITY_LIST];
    pdev->config[BB_PCI_CAPABILITY_LIST] = (uint8_t)offset;
    bb_pci_set_word(pdev, BB_PCI_STATUS,
                    bb_pci_get_word(pdev, BB_PCI_STATUS) |
                        BB_PCI_STATUS_CAP_LIST);
    return offset;
}

unsigned bb_pci_find_capability(const BbPciDevice *pdev, uint8_t cap_id)
{
    if (!(bb_pci_get_word(pdev, BB_PCI_STATUS) & BB_PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    unsigned off = pdev->config[BB_PCI_CAPABILITY_LIST] & ~3u;
    /* At most 48 capabilities fit in 0x40-0xff: a longer walk is a loop. */
    for (unsigned n = 0; n < 48 && off >= PCI_CAP_LIST_MIN; n++) {
        if (pdev->config[off] == cap_id) {
            return off;
        }
        off = pdev->config[off + 1] & ~3u;
    }
    return 0;
}

bool bb_pci_add_ext_capability(BbPciDevice *pdev, uint16_t cap_id,
                               uint8_t version, unsigned offset,
                               unsigned size, GError **error)
{
    BbPciDevicePrivate *priv = pdev->priv;

    if (bb_pci_config_size(pdev) != BB_PCI_EXPRESS_CONFIG_SIZE) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "extended capability %#x: the function is not PCI "
                    "Express (no extended configuration space)", cap_id);
        return false;
    }
    if ((offset & 3) || offset < PCI_EXT_CAP_START || size < 4 ||
        size > BB_PCI_EXPRESS_CONFIG_SIZE ||
        offset > BB_PCI_EXPRESS_CONFIG_SIZE - size) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "extended capability %#x: offset %#x size %u (dword "
                    "aligned, inside 0x100-0xfff)", cap_id, offset, size);
        return false;
    }
    if (!priv->ext_cap_last && offset != PCI_EXT_CAP_START) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "extended capability %#x: the first one must be at "
                    "0x100, where the chain starts", cap_id);
        return false;
    }
    if (!caps_range_free(pdev, offset, size)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "extended capability %#x at %#x overlaps another",
                    cap_id, offset);
        return false;
    }
    caps_claim(pdev, offset, size);
    bb_pci_set_long(pdev, offset,
                    cap_id | (uint32_t)(version & 0xf) << 16);
    if (priv->ext_cap_last) {
        /* Append: the previous header's next pointer is bits 31:20. */
        uint32_t prev = bb_pci_get_long(pdev, priv->ext_cap_last);
        bb_pci_set_long(pdev, priv->ext_cap_last,
                        (prev & 0x000fffff) | (uint32_t)offset << 20);
    }
    priv->ext_cap_last = offset;
    return true;
}

unsigned bb_pci_find_ext_capability(const BbPciDevice *pdev, uint16_t cap_id)
{
    if (bb_pci_config_size(pdev) != BB_PCI_EXPRESS_CONFIG_SIZE) {
        return 0;
    }
    unsigned off = PCI_EXT_CAP_START;
    /* (4096 - 256) / 4 headers at most: anything longer is a loop. */
    for (unsigned n = 0; n < 960 && off >= PCI_EXT_CAP_START; n++) {
        uint32_t h = bb_pci_get_long(pdev, off);
        if (h == 0) {
            return 0;
        }
        if ((h & 0xffff) == cap_id) {
            return off;
        }
        off = (h >> 20) & ~3u;
    }
    return 0;
}

/* ------------------------------------------------------------ PM */

unsigned bb_pci_pm_init(BbPciDevice *pdev, unsigned offset, GError **error)
{
    unsigned cap = bb_pci_add_capability(pdev, BB_PCI_CAP_ID_PM, offset,
                                         PCI_PM_SIZE, error);
    if (!cap) {
        return 0;
    }
    /* D0 and D3hot only; going to D3hot and back keeps the function's
     * state (No_Soft_Reset), as QEMU's devices do. */
    bb_pci_set_word(pdev, cap + 2, PCI_PM_PMC_VERSION);
    bb_pci_set_word(pdev, cap + 4, PCI_PM_CTRL_NO_SOFT_RESET);
    pdev->wmask[cap + 4] = PCI_PM_CTRL_STATE_MASK;
    pdev->priv->pm_cap = cap;
    return cap;
}

uint16_t pci_pm_pmcsr(const BbPciDevice *pdev)
{
    unsigned cap = pdev->priv->pm_cap;

    return cap ? bb_pci_get_word(pdev, cap + 4) : 0;
}

void pci_caps_config_written(BbPciDevice *pdev, uint32_t addr, unsigned len,
                             uint16_t old_pmcsr)
{
    unsigned cap = pdev->priv->pm_cap;

    if (!cap || !pci_range_overlaps(addr, len, cap + 4, 2)) {
        return;
    }
    uint16_t now = bb_pci_get_word(pdev, cap + 4);
    unsigned state = now & PCI_PM_CTRL_STATE_MASK;
    if (state == 1 || state == 2) {
        /* D1/D2 are not supported: the write is ignored (PM spec 1.2
         * §5.4.1). */
        now = (uint16_t)((now & ~PCI_PM_CTRL_STATE_MASK) |
                         (old_pmcsr & PCI_PM_CTRL_STATE_MASK));
        bb_pci_set_word(pdev, cap + 4, now);
    }
}

/* ------------------------------------------------------------ Express */

static void set_mask_word(uint8_t *mask, unsigned off, uint16_t v)
{
    mask[off] = (uint8_t)v;
    mask[off + 1] = (uint8_t)(v >> 8);
}

static void set_mask_long(uint8_t *mask, unsigned off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        mask[off + i] = (uint8_t)(v >> (8 * i));
    }
}

unsigned bb_pci_express_init(BbPciDevice *pdev, unsigned offset,
                             uint8_t port_type, GError **error)
{
    if (bb_pci_config_size(pdev) != BB_PCI_EXPRESS_CONFIG_SIZE) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "PCI Express capability on a function that is not "
                    "is_express");
        return 0;
    }
    switch (port_type) {
    case BB_PCI_EXP_TYPE_ENDPOINT:
    case BB_PCI_EXP_TYPE_LEG_END:
    case BB_PCI_EXP_TYPE_ROOT_PORT:
    case BB_PCI_EXP_TYPE_UPSTREAM:
    case BB_PCI_EXP_TYPE_DOWNSTREAM:
    case BB_PCI_EXP_TYPE_RC_END:
        break;
    default:
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "PCI Express port type %u is not supported", port_type);
        return 0;
    }
    unsigned cap = bb_pci_add_capability(pdev, BB_PCI_CAP_ID_EXP, offset,
                                         PCI_EXP_SIZE, error);
    if (!cap) {
        return 0;
    }
    bool port = port_type == BB_PCI_EXP_TYPE_ROOT_PORT ||
                port_type == BB_PCI_EXP_TYPE_DOWNSTREAM;
    bool root = port_type == BB_PCI_EXP_TYPE_ROOT_PORT;
    bool link = port_type != BB_PCI_EXP_TYPE_RC_END;
    uint8_t *wm = pdev->wmask, *w1c = pdev->w1cmask;

    /* PCIe Capabilities: version 2, type, slot implemented for ports. */
    bb_pci_set_word(pdev, cap + 0x02,
                    (uint16_t)(2 | port_type << 4 | (port ? 0x100 : 0)));
    /* Device: 128-byte payload, role-based error reporting (b15). */
    bb_pci_set_long(pdev, cap + 0x04, 0x00008000);
    /* Device Control: error enables, relaxed ordering, payload, extended
     * tag, no snoop, read request size are storage; the defaults are
     * relaxed ordering, no snoop and 512-byte read requests. */
    bb_pci_set_word(pdev, cap + 0x08, 0x2810);
    set_mask_word(wm, cap + 0x08, 0x7fff);
    set_mask_word(w1c, cap + 0x0a, 0x000f); /* Device Status errors */
    if (link) {
        /* Link: 2.5 GT/s x1; ports report data-link-layer active. */
        bb_pci_set_long(pdev, cap + 0x0c, 0x00000011 | (port ? 1u << 20 : 0));
        set_mask_word(wm, cap + 0x10, 0x0fcb);
        bb_pci_set_word(pdev, cap + 0x12, 0x0011 | (port ? 0x2000 : 0));
        bb_pci_set_long(pdev, cap + 0x2c, 0x00000002); /* speeds: 2.5 */
        bb_pci_set_word(pdev, cap + 0x30, 0x0001);     /* target 2.5 */
        set_mask_word(wm, cap + 0x30, 0x000f);
    }
    if (port) {
        /* Slot: no hot-plug controller; a card is present (b6) so the
         * link is up. */
        set_mask_word(wm, cap + 0x18, 0x07ff);
        bb_pci_set_word(pdev, cap + 0x1a, 0x0040);
        set_mask_word(w1c, cap + 0x1a, 0x011f);
        set_mask_word(wm, cap + 0x28, 0x003f); /* Device Control 2 (ARI) */
    } else {
        set_mask_word(wm, cap + 0x28, 0x001f);
    }
    if (root) {
        set_mask_word(wm, cap + 0x1c, 0x001f);   /* Root Control */
        set_mask_long(w1c, cap + 0x20, 0x00010000); /* PME status */
    }
    return cap;
}
