/*
 * pcie-root-port.c - "pcie-root-port" (Red Hat 1b36:000c, class 0604): a
 * PCI Express root port, the type 1 bridge a board puts a device behind
 * to give it a bus of its own (bus 1.. as firmware numbers them).
 *
 * The bridge registers themselves (bus numbers, memory/prefetchable/I-O
 * base and limit, bridge control) and the secondary bus are the PCI
 * core's (pci.h: a function with a type 1 header gets a secondary bus).
 * This plugin adds what QEMU's generic root port shows a guest, so that
 * firmware lays out resources exactly as on QEMU: BAR0, 4 KiB of memory
 * holding a one-vector MSI-X table (offset 0) and its pending bits
 * (0x800); the capability list bridge subsystem ID (0x40), MSI-X (0x48)
 * and PCI Express v2 as a root port (0x54); AER (0x100) and ACS (0x148)
 * extended capabilities with QEMU's reset values; interrupt pin INTA.
 * Devices placed on it (`bus: rp0`) go to slot 0 of its secondary bus: a
 * PCI Express link has one device at the other end, and Linux scans only
 * device 0 behind a root port.  Docs: docs/pci-host.md.
 */
#include <breadboard/breadboard.h>
#include <breadboard/pci.h>

#define TYPE_PCIE_ROOT_PORT "pcie-root-port"

#define RP_BAR_SIZE 0x1000     /* BAR0: MSI-X table + PBA */
#define RP_MSIX_PBA 0x800
#define RP_SSVID_OFFSET 0x40   /* bridge subsystem vendor ID capability */
#define RP_SSVID_SIZE 8
#define RP_MSIX_OFFSET 0x48
#define RP_EXP_OFFSET 0x54
#define RP_AER_OFFSET 0x100
#define RP_AER_SIZE 0x48
#define RP_ACS_OFFSET (RP_AER_OFFSET + RP_AER_SIZE)
#define RP_ACS_SIZE 8
#define RP_CAP_ID_SSVID 0x0d   /* PCI-PCI bridge subsystem vendor ID */
#define RP_EXT_CAP_ID_ACS 0x000d

typedef struct PcieRootPort {
    BbPciDevice parent_obj;
    BbMemoryRegion *bar;    /* BAR0; the core serves the MSI-X parts */
} PcieRootPort;

BB_DECLARE_TYPE(PcieRootPort, BbPciDeviceClass, PCIE_ROOT_PORT,
                TYPE_PCIE_ROOT_PORT)

static uint64_t rp_bar_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0; /* between the MSI-X table and the PBA: reserved */
}

static void rp_bar_write(void *opaque, uint64_t addr, uint64_t value,
                         unsigned size)
{
}

static const BbMemoryOps rp_bar_ops = {
    .read = rp_bar_read,
    .write = rp_bar_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
};

/* Mark @len bytes at @off writable through @mask (little-endian). */
static void rp_wmask(BbPciDevice *pdev, unsigned off, unsigned len,
                     uint32_t mask)
{
    for (unsigned i = 0; i < len; i++) {
        pdev->wmask[off + i] = (uint8_t)(mask >> (8 * i));
    }
}

/* The reset values QEMU's root port shows in its AER and ACS capabilities
 * (the PCIe spec's defaults): uncorrectable error severity 0x00462030,
 * advisory/internal/header-overflow correctable errors masked, ECRC
 * generation and checking capable; ACS source validation, translation
 * blocking, request and completion redirect, upstream forwarding and
 * direct translated P2P.  The mask, severity and control fields are the
 * guest's to write. */
static void rp_init_ext_caps(BbPciDevice *pdev)
{
    bb_pci_set_long(pdev, RP_AER_OFFSET + 0x0c, 0x00462030);
    bb_pci_set_long(pdev, RP_AER_OFFSET + 0x14, 0x0000e000);
    bb_pci_set_long(pdev, RP_AER_OFFSET + 0x18, 0x000002a0);
    rp_wmask(pdev, RP_AER_OFFSET + 0x08, 4, 0x03fff030); /* uncorr. mask */
    rp_wmask(pdev, RP_AER_OFFSET + 0x0c, 4, 0x03fff030); /* severity */
    rp_wmask(pdev, RP_AER_OFFSET + 0x14, 4, 0x0000f1c1); /* corr. mask */
    rp_wmask(pdev, RP_AER_OFFSET + 0x18, 4, 0x00000140); /* ECRC enables */
    rp_wmask(pdev, RP_AER_OFFSET + 0x2c, 4, 0x00000007); /* root command */
    bb_pci_set_word(pdev, RP_ACS_OFFSET + 4, 0x005f);
    rp_wmask(pdev, RP_ACS_OFFSET + 6, 2, 0x005f);
}

static bool rp_realize(BbPciDevice *pdev, GError **error)
{
    PcieRootPort *s = PCIE_ROOT_PORT(pdev);
    unsigned ssvid;

    s->bar = bb_memory_region_new_io(BB_OBJECT(pdev), "pcie-root-port-msix",
                                     &rp_bar_ops, s, RP_BAR_SIZE);
    if (!bb_pci_register_bar(pdev, 0, BB_PCI_BAR_MEM32, s->bar, error)) {
        return false;
    }
    ssvid = bb_pci_add_capability(pdev, RP_CAP_ID_SSVID, RP_SSVID_OFFSET,
                                  RP_SSVID_SIZE, error);
    if (!ssvid) {
        return false;
    }
    bb_pci_set_word(pdev, ssvid + 4, 0x1b36); /* subsystem vendor */
    bb_pci_set_word(pdev, ssvid + 6, 0);      /* subsystem */
    if (!bb_pci_msix_init(pdev, RP_MSIX_OFFSET, 1, 0, 0, 0, RP_MSIX_PBA,
                          error) ||
        !bb_pci_express_init(pdev, RP_EXP_OFFSET, BB_PCI_EXP_TYPE_ROOT_PORT,
                             error) ||
        !bb_pci_add_ext_capability(pdev, BB_PCI_EXT_CAP_ID_ERR, 2,
                                   RP_AER_OFFSET, RP_AER_SIZE, error) ||
        !bb_pci_add_ext_capability(pdev, RP_EXT_CAP_ID_ACS, 1,
                                   RP_ACS_OFFSET, RP_ACS_SIZE, error)) {
        return false;
    }
    /* Slot Capabilities: hot-plug capable (b6), as QEMU's root port
     * advertises, so that Linux sizes the port's windows for hot-plug
     * (I/O, memory and prefetchable reservations) as it does on QEMU,
     * and a guest sees the same resources; no command-completed support
     * (b18): no hot-plug controller stands behind the bit, so a driver
     * must not wait for one to complete a command. */
    bb_pci_set_long(pdev, RP_EXP_OFFSET + 0x14,
                    bb_pci_get_long(pdev, RP_EXP_OFFSET + 0x14) |
                        (1u << 6) | (1u << 18));
    rp_init_ext_caps(pdev);
    return true;
}

static void rp_exit(BbPciDevice *pdev)
{
    PcieRootPort *s = PCIE_ROOT_PORT(pdev);

    g_clear_pointer(&s->bar, bb_memory_region_unref);
}

/* A board places a function behind the port (`bus: rp0`): slot 0 of the
 * secondary bus, functions 0-7. */
static bool rp_plug(BbDevice *owner, BbDevice *child, int slot, int func,
                    GError **error)
{
    BbPciBus *bus = bb_pci_bridge_get_secondary_bus(BB_PCI_DEVICE(owner));
    BbPciDevice *pdev = (BbPciDevice *)bb_object_dynamic_cast(
        BB_OBJECT(child), BB_TYPE_PCI_DEVICE);

    if (!pdev) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "'%s' (%s) is not a PCI device",
                    bb_object_get_name(BB_OBJECT(child)),
                    bb_object_get_type_name(BB_OBJECT(child)));
        return false;
    }
    if (slot > 0) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "a PCI Express root port links to one device: slot "
                    "must be 0 (or left out), not %d", slot);
        return false;
    }
    if (!bus) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "the root port has no secondary bus (not realized)");
        return false;
    }
    return bb_pci_bus_plug(bus, pdev, 0, func, error);
}

static void rp_unplug(BbDevice *owner, BbDevice *child)
{
    BbPciDevice *pdev = (BbPciDevice *)bb_object_dynamic_cast(
        BB_OBJECT(child), BB_TYPE_PCI_DEVICE);

    if (pdev && bb_pci_get_bus(pdev)) {
        bb_pci_bus_unplug(bb_pci_get_bus(pdev), pdev);
    }
}

static void rp_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);
    BbPciDeviceClass *pc = BB_PCI_DEVICE_CLASS(klass);

    dc->plug = rp_plug;
    dc->unplug = rp_unplug;
    pc->realize = rp_realize;
    pc->exit = rp_exit;
    pc->vendor_id = 0x1b36; /* Red Hat */
    pc->device_id = 0x000c; /* PCIe root port */
    pc->revision = 0;
    pc->class_id = 0x0604;  /* bridge: PCI-PCI */
    pc->header_type = BB_PCI_HEADER_TYPE_BRIDGE;
    pc->is_express = true;
    pc->interrupt_pin = 1;
}

static const BbTypeInfo rp_info = {
    .name = TYPE_PCIE_ROOT_PORT,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(PcieRootPort),
    .class_init = rp_class_init,
    .description = "PCI Express root port (1b36:000c): a type 1 bridge "
                   "with one device on its secondary bus",
};

static bool rp_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &rp_info, error);
}

BB_PLUGIN_DEFINE("pcie-root-port", "1.0.0", "MIT",
                 "PCI Express root port (QEMU's pcie-root-port)",
                 rp_plugin_init, TYPE_PCIE_ROOT_PORT)
