/*
 * pci-internal.h - what the files of host/pci share: the layout of a PCI
 * bus and of a function's private state, and the calls between device.c
 * (the "pci-device" type, realize/reset/state), config.c (configuration
 * space accesses and accessors), bar.c (BAR registration and mapping),
 * bus.c (buses, plugging, config routing, INTx), bridge.c (type 1
 * functions and their secondary bus), msi.c (MSI and MSI-X), caps.c
 * (capability lists, PM, PCI Express) and dma.c (bus-master accesses).
 * docs/pci.md describes the model; docs/hardware/pci.md the registers.
 */
#ifndef HOST_PCI_PCI_INTERNAL_H
#define HOST_PCI_PCI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <breadboard/pci.h>

#define PCI_NUM_BARS 6          /* BAR0-5; the ROM is BB_PCI_ROM_SLOT */
#define PCI_NUM_DEVFN 256
#define PCI_NUM_PINS 4          /* INTA-INTD */
#define PCI_MSI_MAX_VECTORS 32
#define PCI_MSIX_MAX_VECTORS 2048

/* Priority of BARs and bridge windows in a bus window: above whatever
 * the host bridge may put at 0 (nothing today), like QEMU's. */
#define PCI_BAR_PRIORITY 1

/* One BAR slot.  The core maps @container (holding the device's region at
 * 0, and MSI-X tables above it) so the device's own region is never
 * mapped twice and overlays need no container from the device. */
typedef struct PciBar {
    BbMemoryRegion *mr;        /* the device's region (referenced) */
    BbMemoryRegion *container; /* what is mapped (owned) */
    BbMemoryRegion *window;    /* where it is mapped while @addr is set */
    uint64_t size;
    unsigned type;             /* BbPciBarType bits */
    uint64_t addr;             /* bus address, or BB_PCI_BAR_UNMAPPED */
} PciBar;

/* A bridge's forwarding window: an alias of the secondary bus's window,
 * mapped in the parent bus's window at the programmed base. */
typedef struct PciBridgeWindow {
    BbMemoryRegion *alias;     /* owned; NULL until the bridge realizes */
    BbMemoryRegion *window;    /* parent's window it is mapped into */
    uint64_t base, last;       /* mapped range, or last < base: unmapped */
} PciBridgeWindow;

struct BbPciDevicePrivate {
    BbPciBus *bus;             /* borrowed; NULL while unplugged */
    int devfn;                 /* -1 while unplugged */
    PciBar bars[BB_PCI_NUM_REGIONS];

    /* INTx.  BbPciDevice.irq_level is the device's pin; @irq_driven what the
     * function currently contributes to its bus line (the pin gated by
     * INTX_DISABLE and by being plugged). */
    bool irq_driven;
    bool warned_intx_with_msi;

    /* Capabilities: the next free extended-capability offset and the
     * previous extended header (for chaining); 0 = none yet. */
    unsigned ext_cap_last;

    /* MSI: capability offset (0 = none) and its shape. */
    unsigned msi_cap;
    unsigned msi_nr_vectors;
    bool msi_64bit;
    bool msi_masking;

    /* MSI-X (table and PBA live in BbPciDevice for the state table). */
    unsigned msix_cap;
    unsigned msix_nr_vectors;
    unsigned msix_table_bar, msix_pba_bar;
    uint32_t msix_table_offset, msix_pba_offset;
    BbMemoryRegion *msix_table_mr, *msix_pba_mr;

    /* Type 1 functions: the secondary bus and its forwarding windows. */
    BbPciBus *secondary;
    PciBridgeWindow win_io, win_mem, win_pref;
    bool sec_reset_asserted;   /* bridge control's secondary reset bit */

    /* Config bytes a capability claims (for overlap checks and finding
     * free space); power management capability offset. */
    bool cap_used[BB_PCI_EXPRESS_CONFIG_SIZE];
    unsigned pm_cap;

    /* Config space as realize left it: what reset restores. */
    uint8_t reset_config[BB_PCI_EXPRESS_CONFIG_SIZE];
    bool realized;             /* the core's realize finished */
};

struct BbPciBus {
    char *name;
    BbDevice *owner;           /* host bridge, or the bridge function */
    BbPciDevice *bridge;       /* NULL for a root bus */
    BbMemoryRegion *mem_window;
    BbMemoryRegion *io_window;
    bool owns_windows;         /* secondary buses: we created them */
    BbAddressSpace *dma_as;
    BbPciSetIrq set_irq;       /* root bus only */
    void *irq_opaque;
    unsigned irq_count[PCI_NUM_PINS]; /* functions (or sub-buses)
                                         asserting each line */
    BbPciDevice *devices[PCI_NUM_DEVFN];
};

/* config.c */
/* A bus access: 1, 2 or 4 bytes inside the 4 KiB (anything else is
 * logged and reads all-ones); unaligned ones are split into bytes; goes
 * through the class's config_read/config_write hooks. */
uint32_t pci_config_read(BbPciDevice *pdev, uint32_t addr, unsigned len);
void pci_config_write(BbPciDevice *pdev, uint32_t addr, uint32_t value,
                      unsigned len);
/* Header bytes the core keeps writable for every function: rebuild the
 * masks of a type 0 or type 1 header. */
void pci_config_init_masks(BbPciDevice *pdev);
/* Whether [addr, addr + len) overlaps [start, start + size). */
static inline bool pci_range_overlaps(uint32_t addr, unsigned len,
                                      uint32_t start, unsigned size)
{
    return addr < start + size && start < addr + len;
}

/* bar.c */
/* Map, move or unmap every BAR after the command register or a BAR
 * changed (one memory transaction). */
void pci_update_mappings(BbPciDevice *pdev);
/* Unmap every BAR (unplug, unrealize, reset before config is cleared). */
void pci_unmap_bars(BbPciDevice *pdev);
/* Drop every BAR registration (unrealize). */
void pci_release_bars(BbPciDevice *pdev);
/* The config offset of BAR @n (0x10 + 4n, or the type's ROM offset). */
uint32_t pci_bar_offset(const BbPciDevice *pdev, unsigned n);
/* The number of BAR slots of the function's header type (6 or 2). */
unsigned pci_num_bars(const BbPciDevice *pdev);
/* The bus window BARs of @type go into: @bus's mem or io container. */
BbMemoryRegion *pci_bus_window_for(BbPciBus *bus, unsigned type);

/* bus.c */
/* Re-evaluate what the function drives on its bus line (after its pin,
 * its command register or its plugging changed). */
void pci_update_irq(BbPciDevice *pdev);
/* A line of @bus gained (+1) or lost (-1) an asserting source. */
void pci_bus_line_change(BbPciBus *bus, unsigned line, int delta);
/* A bus the core made for a bridge (bridge.c frees it). */
BbPciBus *pci_bus_new_secondary(BbPciDevice *bridge);
/* The device (for messages): "/machine/edu0" - free with g_free. */
char *pci_dev_path(BbPciDevice *pdev);

/* bridge.c */
bool pci_bridge_realize(BbPciDevice *pdev, GError **error);
void pci_bridge_exit(BbPciDevice *pdev);
void pci_bridge_init_config(BbPciDevice *pdev);
/* Re-map the forwarding windows after a config write. */
void pci_bridge_update_windows(BbPciDevice *pdev);
/* Bridge-control bit: secondary bus reset written. */
void pci_bridge_config_written(BbPciDevice *pdev, uint32_t addr,
                               unsigned len);

/* msi.c */
void pci_msi_config_written(BbPciDevice *pdev, uint32_t addr, unsigned len,
                            uint16_t old_msi_ctrl, uint16_t old_msix_ctrl);
void pci_msi_reset(BbPciDevice *pdev);
void pci_msi_exit(BbPciDevice *pdev);
uint16_t pci_msi_ctrl(const BbPciDevice *pdev);
uint16_t pci_msix_ctrl(const BbPciDevice *pdev);
/* Send one message (MSI or MSI-X) through the DMA address space. */
void pci_msi_send(BbPciDevice *pdev, uint64_t addr, uint32_t data);

/* caps.c */
/* Undo the effect of a write the capability's registers refuse (a power
 * state the function does not support); @old_pmcsr from before it. */
void pci_caps_config_written(BbPciDevice *pdev, uint32_t addr, unsigned len,
                             uint16_t old_pmcsr);
uint16_t pci_pm_pmcsr(const BbPciDevice *pdev);

/* device.c */
/* Set or clear the multi-function bit of function 0 of @slot. */
void pci_fix_multifunction(BbPciBus *bus, unsigned slot);
extern const BbTypeInfo pci_device_type_info;

#endif /* HOST_PCI_PCI_INTERNAL_H */
