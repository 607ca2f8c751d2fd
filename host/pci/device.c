/*
 * device.c - the abstract "pci-device" type (pci.h): one PCI function.
 * It owns the BbDeviceClass hooks (realize, unrealize, reset, state) and
 * calls the BbPciDeviceClass ones around its own work: realize builds the
 * type 0 or type 1 header from the class's identity fields before the
 * subclass adds BARs and capabilities, and remembers the result as the
 * function's power-on configuration space, which reset restores (command
 * 0, BARs 0, MSI/MSI-X off) before the subclass's reset runs.  The layout
 * follows the PCI Local Bus spec 3.0 §6.1-6.2 (docs/hardware/pci.md).
 */
#include <string.h>

#include <breadboard/system.h>

#include "pci/pci-internal.h"

/* The multi-function bit of function 0 of @slot reflects whether any
 * other function of that slot is plugged (PCI 3.0 §6.2.1). */
void pci_fix_multifunction(BbPciBus *bus, unsigned slot)
{
    BbPciDevice *f0 = bus->devices[BB_PCI_DEVFN(slot, 0)];
    bool multi = false;

    if (!f0) {
        return;
    }
    for (unsigned f = 1; f < 8; f++) {
        multi |= bus->devices[BB_PCI_DEVFN(slot, f)] != NULL;
    }
    uint8_t ht = f0->config[BB_PCI_HEADER_TYPE] &
                 ~BB_PCI_HEADER_TYPE_MULTI_FUNCTION;
    if (multi) {
        ht |= BB_PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
    f0->config[BB_PCI_HEADER_TYPE] = ht;
    f0->priv->reset_config[BB_PCI_HEADER_TYPE] = ht;
}

/* The header from the class's identity fields, before the subclass's
 * realize. */
static void pci_init_header(BbPciDevice *pdev)
{
    BbPciDeviceClass *pc = BB_PCI_DEVICE_GET_CLASS(pdev);

    memset(pdev->config, 0, BB_PCI_EXPRESS_CONFIG_SIZE);
    bb_pci_set_word(pdev, BB_PCI_VENDOR_ID, pc->vendor_id);
    bb_pci_set_word(pdev, BB_PCI_DEVICE_ID, pc->device_id);
    bb_pci_set_byte(pdev, BB_PCI_REVISION_ID, pc->revision);
    bb_pci_set_byte(pdev, BB_PCI_CLASS_PROG, pc->prog_if);
    bb_pci_set_word(pdev, BB_PCI_CLASS_DEVICE, pc->class_id);
    bb_pci_set_byte(pdev, BB_PCI_HEADER_TYPE, pc->header_type & 0x7f);
    if (pc->header_type != BB_PCI_HEADER_TYPE_BRIDGE) {
        bb_pci_set_word(pdev, BB_PCI_SUBSYSTEM_VENDOR_ID,
                        pc->subsystem_vendor_id);
        bb_pci_set_word(pdev, BB_PCI_SUBSYSTEM_ID, pc->subsystem_id);
    }
    bb_pci_set_byte(pdev, BB_PCI_INTERRUPT_PIN,
                    pc->interrupt_pin <= 4 ? pc->interrupt_pin : 0);
    pci_config_init_masks(pdev);
    pdev->priv->ext_cap_last = 0;
    pdev->priv->pm_cap = 0;
    memset(pdev->priv->cap_used, 0, sizeof(pdev->priv->cap_used));
    if (pc->header_type == BB_PCI_HEADER_TYPE_BRIDGE) {
        pci_bridge_init_config(pdev);
    }
}

/* Undo what the core set up for the function (BARs, MSI, bridge). */
static void pci_core_teardown(BbPciDevice *pdev)
{
    pci_unmap_bars(pdev);
    pci_msi_exit(pdev);
    pci_bridge_exit(pdev);
    pci_release_bars(pdev);
}

static bool pci_device_realize(BbDevice *dev, GError **error)
{
    BbPciDevice *pdev = BB_PCI_DEVICE(dev);
    BbPciDeviceClass *pc = BB_PCI_DEVICE_GET_CLASS(pdev);
    BbPciDevicePrivate *priv = pdev->priv;

    if (pc->header_type != BB_PCI_HEADER_TYPE_NORMAL &&
        pc->header_type != BB_PCI_HEADER_TYPE_BRIDGE) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "PCI header type %u is not supported (0: normal, 1: "
                    "bridge)", pc->header_type);
        return false;
    }
    if (pc->interrupt_pin > 4) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "PCI interrupt pin %u is not 0-4", pc->interrupt_pin);
        return false;
    }
    pci_init_header(pdev);
    if (pc->header_type == BB_PCI_HEADER_TYPE_BRIDGE &&
        !pci_bridge_realize(pdev, error)) {
        return false;
    }
    if (pc->realize && !pc->realize(pdev, error)) {
        pci_core_teardown(pdev);
        return false;
    }
    memcpy(priv->reset_config, pdev->config, BB_PCI_EXPRESS_CONFIG_SIZE);
    priv->realized = true;
    if (priv->bus) {
        pci_fix_multifunction(priv->bus, BB_PCI_SLOT(priv->devfn));
    }
    return true;
}

static void pci_device_unrealize(BbDevice *dev)
{
    BbPciDevice *pdev = BB_PCI_DEVICE(dev);
    BbPciDeviceClass *pc = BB_PCI_DEVICE_GET_CLASS(pdev);

    pdev->irq_level = false;
    pci_update_irq(pdev);
    pci_unmap_bars(pdev);
    pdev->priv->realized = false;
    if (pc->exit) {
        pc->exit(pdev);
    }
    pci_core_teardown(pdev);
}

static void pci_device_reset(BbDevice *dev)
{
    BbPciDevice *pdev = BB_PCI_DEVICE(dev);
    BbPciDeviceClass *pc = BB_PCI_DEVICE_GET_CLASS(pdev);
    BbPciDevicePrivate *priv = pdev->priv;

    if (!priv->realized) {
        return;
    }
    pdev->irq_level = false;
    pci_update_irq(pdev); /* before config loses INTX_DISABLE etc. */
    bb_memory_transaction_begin();
    memcpy(pdev->config, priv->reset_config, BB_PCI_EXPRESS_CONFIG_SIZE);
    pci_msi_reset(pdev);
    priv->sec_reset_asserted = false;
    pci_update_mappings(pdev); /* command 0: every BAR goes */
    if (priv->secondary) {
        pci_bridge_update_windows(pdev);
    }
    bb_memory_transaction_commit();
    pci_update_irq(pdev);
    if (pc->reset) {
        pc->reset(pdev);
    }
}

/* After a snapshot load: re-derive the mappings and the bus lines from
 * the restored registers. */
static bool pci_device_post_load(void *opaque, uint32_t version,
                                 GError **error)
{
    BbPciDevice *pdev = opaque;

    (void)version;
    (void)error;
    if (!pdev->priv->realized) {
        return true;
    }
    bb_memory_transaction_begin();
    pci_update_mappings(pdev);
    if (pdev->priv->secondary) {
        pci_bridge_update_windows(pdev);
    }
    bb_memory_transaction_commit();
    pci_update_irq(pdev);
    return true;
}

static const BbStateField pci_device_state_fields[] = {
    BB_STATE_VARRAY_PTR(BB_STATE_U8, BbPciDevice, config, config_len),
    BB_STATE_VARRAY_PTR(BB_STATE_U8, BbPciDevice, msix_table,
                        msix_table_len),
    BB_STATE_VARRAY_PTR(BB_STATE_U8, BbPciDevice, msix_pba, msix_pba_len),
    BB_STATE_BOOL(BbPciDevice, irq_level),
    BB_STATE_END,
};

const BbStateDesc bb_pci_device_state = {
    .name = BB_TYPE_PCI_DEVICE,
    .version = 1,
    .min_version = 1,
    .fields = pci_device_state_fields,
    .size = sizeof(BbPciDevice),
    .post_load = pci_device_post_load,
};

static void pci_device_instance_init(BbObject *obj)
{
    BbPciDevice *pdev = (BbPciDevice *)obj;

    pdev->priv = g_new0(BbPciDevicePrivate, 1);
    pdev->priv->devfn = -1;
    pdev->config = g_malloc0(BB_PCI_EXPRESS_CONFIG_SIZE);
    pdev->wmask = g_malloc0(BB_PCI_EXPRESS_CONFIG_SIZE);
    pdev->w1cmask = g_malloc0(BB_PCI_EXPRESS_CONFIG_SIZE);
    pdev->config_len = BB_PCI_EXPRESS_CONFIG_SIZE;
    for (unsigned i = 0; i < BB_PCI_NUM_REGIONS; i++) {
        pdev->priv->bars[i].addr = BB_PCI_BAR_UNMAPPED;
    }
}

static void pci_device_instance_finalize(BbObject *obj)
{
    BbPciDevice *pdev = (BbPciDevice *)obj;

    if (pdev->priv->bus) {
        bb_pci_bus_unplug(pdev->priv->bus, pdev);
    }
    pci_core_teardown(pdev);
    g_free(pdev->config);
    g_free(pdev->wmask);
    g_free(pdev->w1cmask);
    g_free(pdev->priv);
}

static void pci_device_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = (BbDeviceClass *)klass;

    (void)data;
    dc->realize = pci_device_realize;
    dc->unrealize = pci_device_unrealize;
    dc->reset = pci_device_reset;
    dc->state = &bb_pci_device_state;
}

const BbTypeInfo pci_device_type_info = {
    .name = BB_TYPE_PCI_DEVICE,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(BbPciDevice),
    .class_size = sizeof(BbPciDeviceClass),
    .abstract = true,
    .instance_init = pci_device_instance_init,
    .instance_finalize = pci_device_instance_finalize,
    .class_init = pci_device_class_init,
    .description = "base of all PCI functions",
};

/* ------------------------------------------------------------ accessors */

unsigned bb_pci_config_size(const BbPciDevice *pdev)
{
    BbPciDeviceClass *pc =
        BB_PCI_DEVICE_GET_CLASS((BbPciDevice *)pdev);

    return pc->is_express ? BB_PCI_EXPRESS_CONFIG_SIZE : BB_PCI_CONFIG_SIZE;
}

BbPciBus *bb_pci_get_bus(BbPciDevice *pdev)
{
    return pdev->priv->bus;
}

int bb_pci_get_devfn(const BbPciDevice *pdev)
{
    return pdev->priv->bus ? pdev->priv->devfn : -1;
}

uint16_t bb_pci_get_requester_id(BbPciDevice *pdev)
{
    BbPciBus *bus = pdev->priv->bus;

    if (!bus) {
        return 0;
    }
    return (uint16_t)(bb_pci_bus_get_number(bus) << 8 | pdev->priv->devfn);
}

char *pci_dev_path(BbPciDevice *pdev)
{
    return bb_object_get_canonical_path(BB_OBJECT(pdev));
}
