/*
 * msi.c - message signalled interrupts (PCI Local Bus spec 3.0 §6.8):
 * the MSI capability (32/64-bit address, multiple message, optional
 * per-vector mask and pending bits in config space) and MSI-X (the
 * capability plus a vector table and pending-bit array served by the core
 * as regions laid over the device's BARs).  A message is a 4-byte memory
 * write of the data to the address in the function's DMA address space,
 * tagged with its requester ID, and - being a bus-master write - only
 * while the command register's bus-master bit is set.  A masked vector
 * sets its pending bit and the message goes out when it is unmasked.
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

#define MSI_CTRL_ENABLE 0x0001
#define MSI_CTRL_MMC_SHIFT 1    /* multiple message capable, log2 */
#define MSI_CTRL_MME_SHIFT 4    /* multiple message enable, log2 */
#define MSI_CTRL_MME_MASK 0x0070
#define MSI_CTRL_64BIT 0x0080
#define MSI_CTRL_MASKING 0x0100

#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_MASKALL 0x4000
#define MSIX_ENTRY_SIZE 16
#define MSIX_VECTOR_CTRL 12
#define MSIX_CTRL_MASKED 0x1

/* ------------------------------------------------------------ delivery */

void pci_msi_send(BbPciDevice *pdev, uint64_t addr, uint32_t data)
{
    uint8_t bytes[4] = { (uint8_t)data, (uint8_t)(data >> 8),
                         (uint8_t)(data >> 16), (uint8_t)(data >> 24) };
    BbAddressSpace *as = bb_pci_get_dma_as(pdev);

    if (!(bb_pci_get_word(pdev, BB_PCI_COMMAND) & BB_PCI_COMMAND_MASTER)) {
        g_autofree char *path = pci_dev_path(pdev);
        bb_guest_error("%s: MSI to %#" G_GINT64_MODIFIER "x dropped: bus "
                       "mastering is disabled", path, addr);
        return;
    }
    if (!as) {
        g_autofree char *path = pci_dev_path(pdev);
        bb_guest_error("%s: MSI dropped: the function is on no bus with a "
                       "DMA address space", path);
        return;
    }
    BbMemTxAttrs attrs = { .requester_id = bb_pci_get_requester_id(pdev) };
    BbMemTxResult r = bb_address_space_write_attrs(as, addr, bytes, 4, attrs);
    if (r != BB_MEMTX_OK) {
        g_autofree char *path = pci_dev_path(pdev);
        bb_guest_error("%s: MSI write of %#x to %#" G_GINT64_MODIFIER "x "
                       "failed: nothing accepts it there", path, data, addr);
    }
}

/* ------------------------------------------------------------ MSI */

uint16_t pci_msi_ctrl(const BbPciDevice *pdev)
{
    unsigned cap = pdev->priv->msi_cap;

    return cap ? bb_pci_get_word(pdev, cap + 2) : 0;
}

static unsigned msi_data_off(const BbPciDevice *pdev)
{
    return pdev->priv->msi_cap + (pdev->priv->msi_64bit ? 0xc : 0x8);
}

static unsigned msi_mask_off(const BbPciDevice *pdev)
{
    return pdev->priv->msi_cap + (pdev->priv->msi_64bit ? 0x10 : 0xc);
}

static unsigned msi_pending_off(const BbPciDevice *pdev)
{
    return msi_mask_off(pdev) + 4;
}

static unsigned msi_size(bool is_64bit, bool masking)
{
    return (is_64bit ? 0x0e : 0x0a) + (masking ? 0x0a : 0);
}

unsigned bb_pci_msi_init(BbPciDevice *pdev, unsigned offset,
                         unsigned nr_vectors, bool is_64bit, bool masking,
                         GError **error)
{
    BbPciDevicePrivate *priv = pdev->priv;

    if (nr_vectors == 0 || nr_vectors > PCI_MSI_MAX_VECTORS ||
        (nr_vectors & (nr_vectors - 1))) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "MSI: %u vectors (a power of two from 1 to 32)",
                    nr_vectors);
        return 0;
    }
    if (priv->msi_cap) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "MSI: the function already has an MSI capability");
        return 0;
    }
    unsigned size = msi_size(is_64bit, masking);
    unsigned cap = bb_pci_add_capability(pdev, BB_PCI_CAP_ID_MSI, offset,
                                         size, error);
    if (!cap) {
        return 0;
    }
    priv->msi_cap = cap;
    priv->msi_nr_vectors = nr_vectors;
    priv->msi_64bit = is_64bit;
    priv->msi_masking = masking;

    unsigned log2 = (unsigned)g_bit_storage(nr_vectors) - 1;
    uint16_t ctrl = (uint16_t)(log2 << MSI_CTRL_MMC_SHIFT) |
                    (is_64bit ? MSI_CTRL_64BIT : 0) |
                    (masking ? MSI_CTRL_MASKING : 0);
    bb_pci_set_word(pdev, cap + 2, ctrl);
    pdev->wmask[cap + 2] = (uint8_t)(MSI_CTRL_ENABLE | MSI_CTRL_MME_MASK);
    memset(pdev->wmask + cap + 4, 0xff, 4);
    pdev->wmask[cap + 4] &= 0xfc; /* address dword aligned */
    if (is_64bit) {
        memset(pdev->wmask + cap + 8, 0xff, 4);
    }
    memset(pdev->wmask + msi_data_off(pdev), 0xff, 2);
    if (masking) {
        uint32_t m = nr_vectors == 32 ? UINT32_MAX : (1u << nr_vectors) - 1;
        for (unsigned i = 0; i < 4; i++) {
            pdev->wmask[msi_mask_off(pdev) + i] = (uint8_t)(m >> (8 * i));
        }
    }
    return cap;
}

bool bb_pci_msi_enabled(const BbPciDevice *pdev)
{
    return pci_msi_ctrl(pdev) & MSI_CTRL_ENABLE;
}

/* Vectors the guest enabled: 2^MME, at most what the function has. */
static unsigned msi_enabled_vectors(const BbPciDevice *pdev)
{
    unsigned mme = (pci_msi_ctrl(pdev) & MSI_CTRL_MME_MASK) >>
                   MSI_CTRL_MME_SHIFT;
    unsigned n = mme > 5 ? 32 : 1u << mme;

    return MIN(n, pdev->priv->msi_nr_vectors);
}

static void msi_deliver(BbPciDevice *pdev, unsigned vector)
{
    unsigned cap = pdev->priv->msi_cap;
    unsigned n = msi_enabled_vectors(pdev);
    uint64_t addr = bb_pci_get_long(pdev, cap + 4);
    uint32_t data = bb_pci_get_word(pdev, msi_data_off(pdev));

    if (pdev->priv->msi_64bit) {
        addr |= (uint64_t)bb_pci_get_long(pdev, cap + 8) << 32;
    }
    if (n > 1) {
        data = (data & ~(n - 1)) | (vector & (n - 1));
    }
    pci_msi_send(pdev, addr, data);
}

void bb_pci_msi_notify(BbPciDevice *pdev, unsigned vector)
{
    BbPciDevicePrivate *priv = pdev->priv;

    if (!priv->msi_cap || vector >= priv->msi_nr_vectors) {
        g_autofree char *path = pci_dev_path(pdev);
        g_warning("%s: MSI vector %u does not exist", path, vector);
        return;
    }
    if (!bb_pci_msi_enabled(pdev)) {
        return; /* the guest did not ask for messages */
    }
    vector &= msi_enabled_vectors(pdev) - 1;
    if (priv->msi_masking) {
        uint32_t mask = bb_pci_get_long(pdev, msi_mask_off(pdev));
        if (mask & (1u << vector)) {
            uint32_t pend = bb_pci_get_long(pdev, msi_pending_off(pdev));
            bb_pci_set_long(pdev, msi_pending_off(pdev), pend | 1u << vector);
            return;
        }
    }
    msi_deliver(pdev, vector);
}

/* Send what is pending and no longer masked (after a mask or control
 * write). */
static void msi_flush_pending(BbPciDevice *pdev)
{
    if (!pdev->priv->msi_masking || !bb_pci_msi_enabled(pdev)) {
        return;
    }
    uint32_t mask = bb_pci_get_long(pdev, msi_mask_off(pdev));
    uint32_t pend = bb_pci_get_long(pdev, msi_pending_off(pdev));
    for (unsigned v = 0; v < msi_enabled_vectors(pdev); v++) {
        if ((pend & (1u << v)) && !(mask & (1u << v))) {
            pend &= ~(1u << v);
            bb_pci_set_long(pdev, msi_pending_off(pdev), pend);
            msi_deliver(pdev, v);
        }
    }
}

/* ------------------------------------------------------------ MSI-X */

uint16_t pci_msix_ctrl(const BbPciDevice *pdev)
{
    unsigned cap = pdev->priv->msix_cap;

    return cap ? bb_pci_get_word(pdev, cap + 2) : 0;
}

bool bb_pci_msix_enabled(const BbPciDevice *pdev)
{
    uint16_t ctrl = pci_msix_ctrl(pdev);

    return (ctrl & MSIX_CTRL_ENABLE) && !(ctrl & MSIX_CTRL_MASKALL);
}

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static bool msix_masked(BbPciDevice *pdev, unsigned v)
{
    const uint8_t *e = pdev->msix_table + v * MSIX_ENTRY_SIZE;

    return !bb_pci_msix_enabled(pdev) ||
           (ld32(e + MSIX_VECTOR_CTRL) & MSIX_CTRL_MASKED);
}

static bool msix_pending(BbPciDevice *pdev, unsigned v)
{
    return pdev->msix_pba[v / 8] & (1u << (v % 8));
}

static void msix_set_pending(BbPciDevice *pdev, unsigned v, bool on)
{
    uint8_t bit = (uint8_t)(1u << (v % 8));

    pdev->msix_pba[v / 8] = on ? (pdev->msix_pba[v / 8] | bit)
                               : (pdev->msix_pba[v / 8] & ~bit);
}

static void msix_deliver(BbPciDevice *pdev, unsigned v)
{
    const uint8_t *e = pdev->msix_table + v * MSIX_ENTRY_SIZE;
    uint64_t addr = ld32(e) | (uint64_t)ld32(e + 4) << 32;

    pci_msi_send(pdev, addr, ld32(e + 8));
}

void bb_pci_msix_notify(BbPciDevice *pdev, unsigned vector)
{
    BbPciDevicePrivate *priv = pdev->priv;

    if (!priv->msix_cap || vector >= priv->msix_nr_vectors) {
        g_autofree char *path = pci_dev_path(pdev);
        g_warning("%s: MSI-X vector %u does not exist", path, vector);
        return;
    }
    if (!(pci_msix_ctrl(pdev) & MSIX_CTRL_ENABLE)) {
        return;
    }
    if (msix_masked(pdev, vector)) {
        msix_set_pending(pdev, vector, true);
        return;
    }
    msix_deliver(pdev, vector);
}

static void msix_flush_pending(BbPciDevice *pdev, unsigned v)
{
    if (msix_pending(pdev, v) && !msix_masked(pdev, v)) {
        msix_set_pending(pdev, v, false);
        msix_deliver(pdev, v);
    }
}

static uint64_t msix_table_read(void *opaque, uint64_t addr, unsigned size)
{
    BbPciDevice *pdev = opaque;

    return ld32(pdev->msix_table + (addr & ~UINT64_C(3)));
}

static void msix_table_write(void *opaque, uint64_t addr, uint64_t value,
                             unsigned size)
{
    BbPciDevice *pdev = opaque;
    unsigned v = (unsigned)(addr / MSIX_ENTRY_SIZE);
    uint8_t *p = pdev->msix_table + (addr & ~UINT64_C(3));

    (void)size;
    if ((addr % MSIX_ENTRY_SIZE) == MSIX_VECTOR_CTRL) {
        value &= MSIX_CTRL_MASKED; /* the other bits are reserved */
    }
    for (unsigned i = 0; i < 4; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
    msix_flush_pending(pdev, v);
}

static uint64_t msix_pba_read(void *opaque, uint64_t addr, unsigned size)
{
    BbPciDevice *pdev = opaque;

    return ld32(pdev->msix_pba + (addr & ~UINT64_C(3)));
}

static void msix_pba_write(void *opaque, uint64_t addr, uint64_t value,
                           unsigned size)
{
    BbPciDevice *pdev = opaque;
    g_autofree char *path = pci_dev_path(pdev);

    (void)value;
    (void)size;
    bb_guest_error("%s: write to the read-only MSI-X PBA at %#"
                   G_GINT64_MODIFIER "x ignored", path, addr);
}

/* Table and PBA: 4- and 8-byte accesses (PCI 3.0 §6.8.2), done as 4. */
static const BbMemoryOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const BbMemoryOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool msix_check_bar(BbPciDevice *pdev, const char *what, unsigned bar,
                           uint32_t offset, uint64_t len, GError **error)
{
    const PciBar *b = bar < pci_num_bars(pdev) ? &pdev->priv->bars[bar]
                                                : NULL;

    if (!b || !b->mr || (b->type & BB_PCI_BAR_IO)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "MSI-X %s: BAR %u is not a registered memory BAR", what,
                    bar);
        return false;
    }
    if ((offset & 7) || offset > b->size || len > b->size - offset) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "MSI-X %s: %#" G_GINT64_MODIFIER "x bytes at offset %#x "
                    "(8-byte aligned) do not fit BAR %u (%#"
                    G_GINT64_MODIFIER "x bytes)", what, len, offset, bar,
                    b->size);
        return false;
    }
    return true;
}

unsigned bb_pci_msix_init(BbPciDevice *pdev, unsigned offset,
                          unsigned nr_vectors, unsigned table_bar,
                          uint32_t table_offset, unsigned pba_bar,
                          uint32_t pba_offset, GError **error)
{
    BbPciDevicePrivate *priv = pdev->priv;
    uint64_t table_len = (uint64_t)nr_vectors * MSIX_ENTRY_SIZE;
    uint64_t pba_len = ((uint64_t)nr_vectors + 63) / 64 * 8;

    if (nr_vectors == 0 || nr_vectors > PCI_MSIX_MAX_VECTORS) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "MSI-X: %u vectors (1 to 2048)", nr_vectors);
        return 0;
    }
    if (priv->msix_cap) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "MSI-X: the function already has an MSI-X capability");
        return 0;
    }
    if (!msix_check_bar(pdev, "table", table_bar, table_offset, table_len,
                        error) ||
        !msix_check_bar(pdev, "PBA", pba_bar, pba_offset, pba_len, error)) {
        return 0;
    }
    if (table_bar == pba_bar &&
        table_offset < pba_offset + pba_len &&
        pba_offset < table_offset + table_len) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "MSI-X: table and PBA overlap in BAR %u", table_bar);
        return 0;
    }
    unsigned cap = bb_pci_add_capability(pdev, BB_PCI_CAP_ID_MSIX, offset,
                                         12, error);
    if (!cap) {
        return 0;
    }
    priv->msix_cap = cap;
    priv->msix_nr_vectors = nr_vectors;
    priv->msix_table_bar = table_bar;
    priv->msix_table_offset = table_offset;
    priv->msix_pba_bar = pba_bar;
    priv->msix_pba_offset = pba_offset;
    bb_pci_set_word(pdev, cap + 2, (uint16_t)(nr_vectors - 1));
    pdev->wmask[cap + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
    bb_pci_set_long(pdev, cap + 4, table_offset | table_bar);
    bb_pci_set_long(pdev, cap + 8, pba_offset | pba_bar);

    pdev->msix_table = g_malloc0(table_len);
    pdev->msix_table_len = (uint32_t)table_len;
    pdev->msix_pba = g_malloc0(pba_len);
    pdev->msix_pba_len = (uint32_t)pba_len;
    pci_msi_reset(pdev);

    priv->msix_table_mr = bb_memory_region_new_io(BB_OBJECT(pdev),
                                                  "msix-table",
                                                  &msix_table_ops, pdev,
                                                  table_len);
    priv->msix_pba_mr = bb_memory_region_new_io(BB_OBJECT(pdev), "msix-pba",
                                                &msix_pba_ops, pdev, pba_len);
    /* Both sit above the device's own region in the BAR's container. */
    bb_memory_region_add_subregion_overlap(priv->bars[table_bar].container,
                                           table_offset, priv->msix_table_mr,
                                           1, NULL);
    bb_memory_region_add_subregion_overlap(priv->bars[pba_bar].container,
                                           pba_offset, priv->msix_pba_mr, 1,
                                           NULL);
    return cap;
}

/* ------------------------------------------------------------ common */

void pci_msi_config_written(BbPciDevice *pdev, uint32_t addr, unsigned len,
                            uint16_t old_msi_ctrl, uint16_t old_msix_ctrl)
{
    BbPciDevicePrivate *priv = pdev->priv;

    if (priv->msi_cap && priv->msi_masking &&
        pci_range_overlaps(addr, len, priv->msi_cap,
                           msi_size(priv->msi_64bit, true))) {
        msi_flush_pending(pdev);
    }
    if (priv->msix_cap && pci_msix_ctrl(pdev) != old_msix_ctrl) {
        for (unsigned v = 0; v < priv->msix_nr_vectors; v++) {
            msix_flush_pending(pdev, v);
        }
    }
    /* Enabling MSI or MSI-X takes the function off INTx (PCI 3.0 §6.8):
     * drop a level it may have left asserted. */
    bool msi_on = (pci_msi_ctrl(pdev) & MSI_CTRL_ENABLE) &&
                  !(old_msi_ctrl & MSI_CTRL_ENABLE);
    bool msix_on = (pci_msix_ctrl(pdev) & MSIX_CTRL_ENABLE) &&
                   !(old_msix_ctrl & MSIX_CTRL_ENABLE);
    if ((msi_on || msix_on) && pdev->irq_level) {
        pdev->irq_level = false;
        pci_update_irq(pdev);
    }
}

void pci_msi_reset(BbPciDevice *pdev)
{
    /* MSI's registers come back with config space; MSI-X entries come
     * back masked with nothing pending (PCI 3.0 §6.8.2.9). */
    if (pdev->msix_table) {
        memset(pdev->msix_table, 0, pdev->msix_table_len);
        for (unsigned v = 0; v < pdev->priv->msix_nr_vectors; v++) {
            pdev->msix_table[v * MSIX_ENTRY_SIZE + MSIX_VECTOR_CTRL] =
                MSIX_CTRL_MASKED;
        }
        memset(pdev->msix_pba, 0, pdev->msix_pba_len);
    }
}

void pci_msi_exit(BbPciDevice *pdev)
{
    BbPciDevicePrivate *priv = pdev->priv;

    if (priv->msix_table_mr) {
        bb_memory_transaction_begin();
        bb_memory_region_del_subregion(priv->bars[priv->msix_table_bar]
                                           .container, priv->msix_table_mr);
        bb_memory_region_del_subregion(priv->bars[priv->msix_pba_bar]
                                           .container, priv->msix_pba_mr);
        bb_memory_transaction_commit();
        bb_memory_region_unref(priv->msix_table_mr);
        bb_memory_region_unref(priv->msix_pba_mr);
        priv->msix_table_mr = NULL;
        priv->msix_pba_mr = NULL;
    }
    g_clear_pointer(&pdev->msix_table, g_free);
    g_clear_pointer(&pdev->msix_pba, g_free);
    pdev->msix_table_len = 0;
    pdev->msix_pba_len = 0;
    priv->msix_cap = 0;
    priv->msix_nr_vectors = 0;
    priv->msi_cap = 0;
    priv->msi_nr_vectors = 0;
}
