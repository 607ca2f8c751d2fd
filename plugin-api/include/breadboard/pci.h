/*
 * pci.h - the PCI core every PCI plugin shares: PCI buses, functions and
 * their configuration space, BARs, INTx, MSI/MSI-X, DMA and capabilities.
 *
 * Plugins are loaded with local symbol scope and cannot link to each
 * other, so the bus logic a host bridge, a bridge and an endpoint all need
 * lives in libbreadboard (docs/pci.md describes the model; the register
 * facts are in docs/hardware/pci.md).
 *
 * The pieces:
 *   - A BbPciBus is made by a host bridge (its root bus) or by a PCI-PCI
 *     bridge (its secondary bus).  It holds 32 slots of 8 functions, the
 *     memory and I/O windows BARs are mapped into, the address space its
 *     functions' DMA goes to, and how its INTx lines leave it.
 *   - A BbPciDevice ("pci-device", abstract) is one function.  Its class
 *     gives the identity registers; its instance owns a 4 KiB
 *     configuration space with a write mask and a write-1-to-clear mask
 *     per byte.  Subclasses implement BbPciDeviceClass.realize (not
 *     BbDeviceClass.realize, which the base type owns).
 *   - Boards put a function on a bus with `bus:`, `slot:` and `function:`
 *     (or `--device edu,bus=pcie0,slot=1`); `bus` names the device owning
 *     the bus (the host bridge, or a bridge for its secondary bus).  The
 *     board realizes a bus's owner before the devices on it, then plugs
 *     each function (BbDeviceClass.plug) before realizing it.
 *
 * Configuration space rules the core enforces for every function: reads
 * of any width 1, 2 or 4 at any offset inside the space (bytes past the
 * 256 of a conventional function read as all-ones), writes go through
 * the masks byte by byte, the command register's decode bits map and
 * unmap the BARs, the interrupt-disable bit gates INTx, the status
 * register's INTx bit follows the pin.  A device that needs side effects
 * on config writes sets BbPciDeviceClass.config_write and calls
 * bb_pci_default_config_write() from it.
 *
 * Threads: all of this runs on the emulation thread.
 */
#ifndef BREADBOARD_PCI_H
#define BREADBOARD_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/device.h>
#include <breadboard/memory.h>

G_BEGIN_DECLS

#define BB_TYPE_PCI_DEVICE "pci-device"

typedef struct BbPciBus BbPciBus;
typedef struct BbPciDevice BbPciDevice;
typedef struct BbPciDeviceClass BbPciDeviceClass;
typedef struct BbPciDevicePrivate BbPciDevicePrivate;

/* ------------------------------------------------------------ constants */

/* Configuration space sizes. */
#define BB_PCI_CONFIG_SIZE 0x100        /* conventional PCI */
#define BB_PCI_EXPRESS_CONFIG_SIZE 0x1000 /* PCI Express */

/* Type 0 and type 1 header offsets (the PCI Local Bus spec's names). */
#define BB_PCI_VENDOR_ID 0x00
#define BB_PCI_DEVICE_ID 0x02
#define BB_PCI_COMMAND 0x04
#define BB_PCI_STATUS 0x06
#define BB_PCI_REVISION_ID 0x08
#define BB_PCI_CLASS_PROG 0x09
#define BB_PCI_CLASS_DEVICE 0x0a /* 16 bits: base class << 8 | subclass */
#define BB_PCI_CACHE_LINE_SIZE 0x0c
#define BB_PCI_LATENCY_TIMER 0x0d
#define BB_PCI_HEADER_TYPE 0x0e
#define BB_PCI_BIST 0x0f
#define BB_PCI_BASE_ADDRESS_0 0x10
#define BB_PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define BB_PCI_SUBSYSTEM_ID 0x2e
#define BB_PCI_ROM_ADDRESS 0x30
#define BB_PCI_CAPABILITY_LIST 0x34
#define BB_PCI_INTERRUPT_LINE 0x3c
#define BB_PCI_INTERRUPT_PIN 0x3d
/* type 1 */
#define BB_PCI_PRIMARY_BUS 0x18
#define BB_PCI_SECONDARY_BUS 0x19
#define BB_PCI_SUBORDINATE_BUS 0x1a
#define BB_PCI_IO_BASE 0x1c
#define BB_PCI_IO_LIMIT 0x1d
#define BB_PCI_SEC_STATUS 0x1e
#define BB_PCI_MEMORY_BASE 0x20
#define BB_PCI_MEMORY_LIMIT 0x22
#define BB_PCI_PREF_MEMORY_BASE 0x24
#define BB_PCI_PREF_MEMORY_LIMIT 0x26
#define BB_PCI_PREF_BASE_UPPER32 0x28
#define BB_PCI_PREF_LIMIT_UPPER32 0x2c
#define BB_PCI_IO_BASE_UPPER16 0x30
#define BB_PCI_IO_LIMIT_UPPER16 0x32
#define BB_PCI_ROM_ADDRESS1 0x38
#define BB_PCI_BRIDGE_CONTROL 0x3e

#define BB_PCI_COMMAND_IO 0x0001
#define BB_PCI_COMMAND_MEMORY 0x0002
#define BB_PCI_COMMAND_MASTER 0x0004
#define BB_PCI_COMMAND_SERR 0x0100
#define BB_PCI_COMMAND_INTX_DISABLE 0x0400

#define BB_PCI_STATUS_INTERRUPT 0x0008
#define BB_PCI_STATUS_CAP_LIST 0x0010

#define BB_PCI_HEADER_TYPE_NORMAL 0
#define BB_PCI_HEADER_TYPE_BRIDGE 1
#define BB_PCI_HEADER_TYPE_MULTI_FUNCTION 0x80

/* Capability IDs and extended capability IDs. */
#define BB_PCI_CAP_ID_PM 0x01
#define BB_PCI_CAP_ID_MSI 0x05
#define BB_PCI_CAP_ID_VNDR 0x09
#define BB_PCI_CAP_ID_EXP 0x10
#define BB_PCI_CAP_ID_MSIX 0x11
#define BB_PCI_EXT_CAP_ID_ERR 0x0001
#define BB_PCI_EXT_CAP_ID_VNDR 0x000b

/* PCI Express capability: device/port types (PCIe Capabilities b7:4). */
#define BB_PCI_EXP_TYPE_ENDPOINT 0x0
#define BB_PCI_EXP_TYPE_LEG_END 0x1
#define BB_PCI_EXP_TYPE_ROOT_PORT 0x4
#define BB_PCI_EXP_TYPE_UPSTREAM 0x5
#define BB_PCI_EXP_TYPE_DOWNSTREAM 0x6
#define BB_PCI_EXP_TYPE_RC_END 0x9

/* devfn: slot in bits 7:3, function in bits 2:0. */
#define BB_PCI_DEVFN(slot, func) ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define BB_PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define BB_PCI_FUNC(devfn) ((devfn) & 0x07)

/**
 * enum BbPciBarType - what kind of BAR bb_pci_register_bar() declares.
 * @BB_PCI_BAR_MEM32: 32-bit memory BAR.
 * @BB_PCI_BAR_MEM64: 64-bit memory BAR; uses the next BAR slot as its
 *   upper half (so BAR 5 cannot be one).
 * @BB_PCI_BAR_IO: I/O BAR (decoded in the bus's I/O window).
 * @BB_PCI_BAR_PREFETCH: or-ed into a memory type: prefetchable.
 * Since: ABI 2.1
 */
typedef enum {
    BB_PCI_BAR_MEM32 = 0x0,
    BB_PCI_BAR_IO = 0x1,
    BB_PCI_BAR_MEM64 = 0x4,
    BB_PCI_BAR_PREFETCH = 0x8,
} BbPciBarType;

/** BB_PCI_ROM_SLOT - the BAR index bb_pci_register_bar() takes for the
 * expansion ROM.  Since: ABI 2.1 */
#define BB_PCI_ROM_SLOT 6
#define BB_PCI_NUM_REGIONS 7

/** BB_PCI_BAR_UNMAPPED - bb_pci_get_bar_addr() of a BAR not decoded. */
#define BB_PCI_BAR_UNMAPPED UINT64_MAX


/* ------------------------------------------------------------ devices */

/**
 * struct BbPciDeviceClass - methods and identity of a PCI function type.
 * @parent_class: device class header.  Leave its realize, unrealize
 *   and reset alone (the base type owns them).  Its @state may be set to
 *   a description that nests bb_pci_device_state.
 * @realize: register BARs, capabilities and set up the device; may fail.
 *   Called after the core initialised the header from the fields below,
 *   with the function plugged into its bus.
 * @exit: undo @realize.  The core has already unmapped the BARs.
 * @config_read: optional; replaces the default read of @len (1, 2, 4)
 *   bytes at @addr (call bb_pci_default_config_read() for the rest).
 * @config_write: optional; replaces the default write (call
 *   bb_pci_default_config_write() to store through the masks and keep the
 *   BARs and INTx up to date).
 * @vendor_id, @device_id, @revision, @class_id (base class << 8 |
 *   subclass), @prog_if, @subsystem_vendor_id, @subsystem_id: identity.
 *   A zero subsystem pair leaves the registers 0.
 * @header_type: BB_PCI_HEADER_TYPE_NORMAL or _BRIDGE.
 * @is_express: 4 KiB configuration space (extended capabilities at
 *   0x100); conventional functions have 256 bytes.
 * @interrupt_pin: 0 (none) or 1-4 (INTA-INTD).
 * @reset: optional; put the device's own state into its power-on state.
 *   Called after the core has reset the function (config space back to
 *   its realize-time contents with command 0 and BARs 0, BARs unmapped,
 *   INTx low, MSI/MSI-X disabled).  Leave BbDeviceClass.reset alone: the
 *   base type owns it, like realize.
 * Since: ABI 2.1
 */
struct BbPciDeviceClass {
    BbDeviceClass parent_class;
    bool (*realize)(BbPciDevice *pdev, GError **error);
    void (*exit)(BbPciDevice *pdev);
    uint32_t (*config_read)(BbPciDevice *pdev, uint32_t addr, unsigned len);
    void (*config_write)(BbPciDevice *pdev, uint32_t addr, uint32_t value,
                         unsigned len);
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;
    uint8_t prog_if;
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    uint8_t header_type;
    bool is_express;
    uint8_t interrupt_pin;
    void (*reset)(BbPciDevice *pdev);
    void *reserved[7]; /* must be zero */
};

/**
 * struct BbPciDevice - PCI function instance header.
 * @config: configuration space (BB_PCI_EXPRESS_CONFIG_SIZE bytes; only
 *   the first bb_pci_config_size() are the function's).  Devices read it
 *   freely and write it only with the bb_pci_set_*() helpers or in
 *   realize.
 * @wmask: bytes' guest-writable bits.
 * @w1cmask: bytes' write-1-to-clear bits.
 * @msix_table, @msix_pba, @config_len, @msix_table_len, @msix_pba_len,
 * @irq_level: the core's state of the function, kept here
 *   so bb_pci_device_state can describe it; devices do not touch them.
 * Since: ABI 2.1
 */
struct BbPciDevice {
    BbDevice parent_obj;
    uint8_t *config;
    uint8_t *wmask;
    uint8_t *w1cmask;
    BbPciDevicePrivate *priv;
    uint8_t *msix_table;     /* 16 bytes per MSI-X vector */
    uint8_t *msix_pba;       /* MSI-X pending bits */
    uint32_t config_len;     /* bytes of @config saved: 4096 */
    uint32_t msix_table_len; /* bytes of @msix_table */
    uint32_t msix_pba_len;   /* bytes of @msix_pba */
    bool irq_level;          /* the INTx pin as the device drives it */
    void *reserved[4];
};

BB_DECLARE_TYPE(BbPciDevice, BbPciDeviceClass, BB_PCI_DEVICE,
                BB_TYPE_PCI_DEVICE)

/**
 * bb_pci_device_state - the state description of the pci-device base
 * type (config space, MSI/MSI-X state, INTx level), which it also uses as
 * its BbDeviceClass.state.  A subclass with state of its own nests it as
 * the first field of its description:
 *   BB_STATE_STRUCT(EduState, parent_obj, &bb_pci_device_state)
 * and a subclass without any inherits it.
 * Since: ABI 2.1
 */
BB_API extern const BbStateDesc bb_pci_device_state;

/** bb_pci_config_size() - 256 or 4096.  Since: ABI 2.1 */
BB_API unsigned bb_pci_config_size(const BbPciDevice *pdev);

/**
 * bb_pci_get_bus() - the bus the function is plugged into, or NULL.
 * Since: ABI 2.1
 */
BB_API BbPciBus *bb_pci_get_bus(BbPciDevice *pdev);

/** bb_pci_get_devfn() - slot << 3 | function, or -1 if not plugged.
 * Since: ABI 2.1 */
BB_API int bb_pci_get_devfn(const BbPciDevice *pdev);

/**
 * bb_pci_get_requester_id() - bus number << 8 | devfn as firmware
 * numbered the bus (0 for the root bus).  Since: ABI 2.1
 */
BB_API uint16_t bb_pci_get_requester_id(BbPciDevice *pdev);

/**
 * bb_pci_get_byte() - little-endian accessors of the configuration space
 * (also bb_pci_get_word/long, bb_pci_set_byte/word/long).  The set_*
 * ones change the value only, not the masks, and have no side effects
 * (no BAR remapping).  Offsets must lie in the 4 KiB; others are a
 * programming error (critical warning, 0 read).
 * Since: ABI 2.1
 */
BB_API uint8_t bb_pci_get_byte(const BbPciDevice *pdev, uint32_t off);
BB_API uint16_t bb_pci_get_word(const BbPciDevice *pdev, uint32_t off);
BB_API uint32_t bb_pci_get_long(const BbPciDevice *pdev, uint32_t off);
BB_API void bb_pci_set_byte(BbPciDevice *pdev, uint32_t off, uint8_t v);
BB_API void bb_pci_set_word(BbPciDevice *pdev, uint32_t off, uint16_t v);
BB_API void bb_pci_set_long(BbPciDevice *pdev, uint32_t off, uint32_t v);

/**
 * bb_pci_default_config_read() - what a config read returns without a
 * config_read hook.  Since: ABI 2.1
 */
BB_API uint32_t bb_pci_default_config_read(BbPciDevice *pdev, uint32_t addr,
                                           unsigned len);

/**
 * bb_pci_default_config_write() - store through the write masks, apply
 * write-1-to-clear bits, then react: BAR and command changes remap BARs
 * (TLBs are flushed by the memory API), INTx disable re-evaluates the
 * pin, MSI/MSI-X control changes take effect.  Since: ABI 2.1
 */
BB_API void bb_pci_default_config_write(BbPciDevice *pdev, uint32_t addr,
                                        uint32_t value, unsigned len);

/**
 * bb_pci_register_bar() - declare BAR @n (0-5, or BB_PCI_ROM_SLOT) served
 * by @mr, whose size must be a power of two (at least 16 bytes for
 * memory, 4 for I/O, 2 KiB for the ROM).  The core owns the mapping: the
 * BAR is mapped into the bus's memory or I/O window while its address is
 * programmed and the command register's decode bit (or the ROM enable
 * bit) is set, moved when reprogrammed, unmapped otherwise (also for
 * address 0 and ranges that wrap, reach 2^32 - 1 for a 32-bit BAR or do
 * not fit the window).  @mr sits in a container the core maps (MSI-X
 * tables are laid over it there); the BAR takes a reference.  Call from
 * realize; never map @mr yourself.
 * @type: BbPciBarType bits; ignored for the ROM.
 * @error: set for a bad index, size or overlap with another BAR slot.
 * Return: true on success.
 * Since: ABI 2.1
 */
BB_API bool bb_pci_register_bar(BbPciDevice *pdev, unsigned n,
                                unsigned type, BbMemoryRegion *mr,
                                GError **error);

/**
 * bb_pci_get_bar_addr() - the bus address BAR @n decodes at, or
 * BB_PCI_BAR_UNMAPPED.  Since: ABI 2.1
 */
BB_API uint64_t bb_pci_get_bar_addr(const BbPciDevice *pdev, unsigned n);

/* ------------------------------------------------------------ interrupts */

/**
 * bb_pci_set_irq() - drive the function's INTx pin (class interrupt_pin)
 * to @level.  The core keeps the status register's INTx bit in step,
 * holds the line low on the bus while the command register's INTx-disable
 * bit is set, and wire-ORs it with the other functions sharing the line
 * after the standard swizzle.  Calling it while MSI or MSI-X is enabled
 * is a device bug, logged once.  Since: ABI 2.1
 */
BB_API void bb_pci_set_irq(BbPciDevice *pdev, bool level);

/**
 * bb_pci_msi_init() - add an MSI capability at config offset @offset (0:
 * the core picks one) for @nr_vectors (1, 2, 4, ... 32) vectors.
 * @is_64bit: 64-bit message address.
 * @masking: per-vector mask and pending bits.
 * Return: the capability's offset, or 0 with @error.
 * Since: ABI 2.1
 */
BB_API unsigned bb_pci_msi_init(BbPciDevice *pdev, unsigned offset,
                                unsigned nr_vectors, bool is_64bit,
                                bool masking, GError **error);

/** bb_pci_msi_enabled() - the guest enabled MSI.  Since: ABI 2.1 */
BB_API bool bb_pci_msi_enabled(const BbPciDevice *pdev);

/**
 * bb_pci_msi_notify() - send MSI @vector: a 32-bit memory write of the
 * message data (vector in the low bits when several are enabled) to the
 * message address in the bus's DMA address space, with the function's
 * requester ID, while the command register's bus-master bit is set (a
 * logged guest error otherwise).  A masked vector sets its pending bit
 * instead and is sent when unmasked.  Nothing while MSI is disabled.
 * With nothing mapped at the address, the write is a logged guest error.
 * Since: ABI 2.1
 */
BB_API void bb_pci_msi_notify(BbPciDevice *pdev, unsigned vector);

/**
 * bb_pci_msix_init() - add an MSI-X capability at @offset (0: core picks)
 * with @nr_vectors entries (1-2048), its table at @table_offset in BAR
 * @table_bar and its pending-bit array at @pba_offset in BAR @pba_bar.
 * The core serves both as regions overlaid on the BARs' regions, which
 * must already be registered and large enough.
 * Return: the capability's offset, or 0 with @error.
 * Since: ABI 2.1
 */
BB_API unsigned bb_pci_msix_init(BbPciDevice *pdev, unsigned offset,
                                 unsigned nr_vectors, unsigned table_bar,
                                 uint32_t table_offset, unsigned pba_bar,
                                 uint32_t pba_offset, GError **error);

/** bb_pci_msix_enabled() - MSI-X enabled and not function-masked.
 * Since: ABI 2.1 */
BB_API bool bb_pci_msix_enabled(const BbPciDevice *pdev);

/**
 * bb_pci_msix_notify() - send MSI-X @vector: the entry's data written to
 * its address like an MSI (bus-master gated, with the requester ID); the
 * vector's pending bit is set instead while it or the function is masked,
 * and the message goes out when unmasked.  Nothing while MSI-X is
 * disabled.  Since: ABI 2.1
 */
BB_API void bb_pci_msix_notify(BbPciDevice *pdev, unsigned vector);

/* ------------------------------------------------------------ capabilities */

/**
 * bb_pci_add_capability() - link a capability of @size bytes with @cap_id
 * into the list at @offset (0: the first free dword-aligned space at or
 * above 0x40), at the head of the list (as QEMU does: add them in
 * QEMU's order to read back its list).  Sets the status register's capability bit.  The body's
 * bytes start read-only; set wmask/w1cmask for writable fields.
 * Return: the offset, or 0 with @error (overlap, no room).
 * Since: ABI 2.1
 */
BB_API unsigned bb_pci_add_capability(BbPciDevice *pdev, uint8_t cap_id,
                                      unsigned offset, unsigned size,
                                      GError **error);

/** bb_pci_find_capability() - offset of the first @cap_id in the list,
 * or 0 (the walk is bounded).  Since: ABI 2.1 */
BB_API unsigned bb_pci_find_capability(const BbPciDevice *pdev,
                                       uint8_t cap_id);

/**
 * bb_pci_add_ext_capability() - append an extended capability (PCI
 * Express functions only) at @offset (>= 0x100, dword aligned; the first
 * one at 0x100, where the chain starts).
 * Return: true on success.  Since: ABI 2.1
 */
BB_API bool bb_pci_add_ext_capability(BbPciDevice *pdev, uint16_t cap_id,
                                      uint8_t version, unsigned offset,
                                      unsigned size, GError **error);

/** bb_pci_find_ext_capability() - offset of @cap_id in the extended
 * chain, or 0.  Since: ABI 2.1 */
BB_API unsigned bb_pci_find_ext_capability(const BbPciDevice *pdev,
                                           uint16_t cap_id);

/**
 * bb_pci_pm_init() - add a power-management capability (D0/D3hot, the
 * PMCSR power-state field writable).  Return: offset or 0.
 * Since: ABI 2.1
 */
BB_API unsigned bb_pci_pm_init(BbPciDevice *pdev, unsigned offset,
                               GError **error);

/**
 * bb_pci_express_init() - add the PCI Express capability (version 2) of a
 * function of @port_type (BB_PCI_EXP_TYPE_*), with link fields (speed
 * 2.5 GT/s, width x1) and, for a root port, slot and root registers.  The
 * function must be is_express.  Return: offset or 0.
 * Since: ABI 2.1
 */
BB_API unsigned bb_pci_express_init(BbPciDevice *pdev, unsigned offset,
                                    uint8_t port_type, GError **error);

/* ------------------------------------------------------------ DMA */

/**
 * bb_pci_dma_read() - bus-master read of @len bytes at bus address @addr
 * through the function's DMA address space, tagged with its requester ID
 * (BbMemTxAttrs, memory.h).
 * Refused (logged as a guest error, @buf zero-filled, BB_MEMTX_ERROR)
 * while the command register's bus-master bit is clear.
 * Since: ABI 2.1
 */
BB_API BbMemTxResult bb_pci_dma_read(BbPciDevice *pdev, uint64_t addr,
                                     void *buf, size_t len);

/** bb_pci_dma_write() - bus-master write; see bb_pci_dma_read().
 * Since: ABI 2.1 */
BB_API BbMemTxResult bb_pci_dma_write(BbPciDevice *pdev, uint64_t addr,
                                      const void *buf, size_t len);

/**
 * bb_pci_get_dma_as() - the function's DMA address space (what its bus
 * gives it; the system's today, an IOMMU's later).  Since: ABI 2.1
 */
BB_API BbAddressSpace *bb_pci_get_dma_as(BbPciDevice *pdev);

/* ------------------------------------------------------------ buses */

/**
 * typedef BbPciSetIrq - a root bus's INTx output @line (0-3, after the
 * swizzle: (slot + pin - 1) % 4 on the root bus) changed to @level (the
 * wire-OR of every function driving it).  Since: ABI 2.1
 */
typedef void (*BbPciSetIrq)(void *opaque, unsigned line, bool level);

/**
 * struct BbPciBusOptions - what a host bridge gives its root bus.
 * @name: bus name for messages ("pcie.0").
 * @mem_window: container BAR memory regions are mapped into, at their
 *   bus address (a host bridge maps aliases of it into the CPU's view).
 * @io_window: container I/O BARs are mapped into, at their port number.
 * @dma_as: the address space bus-master accesses and MSI writes go to
 *   (the system's).
 * @set_irq, @irq_opaque: INTx lines leaving the root bus.
 * Since: ABI 2.1
 */
typedef struct BbPciBusOptions {
    const char *name;
    BbMemoryRegion *mem_window;
    BbMemoryRegion *io_window;
    BbAddressSpace *dma_as;
    BbPciSetIrq set_irq;
    void *irq_opaque;
    void *reserved[6];
} BbPciBusOptions;

/**
 * bb_pci_root_bus_new() - the root bus of host bridge @owner.  The bus
 * belongs to @owner and is freed with bb_pci_bus_free() from its
 * unrealize (after its functions are unplugged).
 * Since: ABI 2.1
 */
BB_API BbPciBus *bb_pci_root_bus_new(BbDevice *owner,
                                     const BbPciBusOptions *opts);

/** bb_pci_bus_free() - free a bus (NULL accepted); functions still
 * plugged are unplugged first.  Since: ABI 2.1 */
BB_API void bb_pci_bus_free(BbPciBus *bus);

/**
 * bb_pci_bus_plug() - put @pdev at @slot/@func of @bus (@slot -1: the
 * first free slot).  A function other than 0 needs function 0 of its
 * slot to exist by the time the guest looks (it reads all-ones until
 * then); the core sets the multi-function bit of function 0.
 * @error: slot taken, out of range, @pdev already plugged.
 * Since: ABI 2.1
 */
BB_API bool bb_pci_bus_plug(BbPciBus *bus, BbPciDevice *pdev, int slot,
                            int func, GError **error);

/** bb_pci_bus_unplug() - remove @pdev from @bus: its BARs are unmapped
 * and its INTx contribution dropped.  No-op if it is not on @bus.
 * Since: ABI 2.1 */
BB_API void bb_pci_bus_unplug(BbPciBus *bus, BbPciDevice *pdev);

/**
 * bb_pci_bus_find() - the function plugged at @devfn of @bus, or NULL.
 * Since: ABI 2.1
 */
BB_API BbPciDevice *bb_pci_bus_find(BbPciBus *bus, unsigned devfn);

/**
 * bb_pci_bus_config_read() - a configuration read as a host bridge
 * issues it: bus number @busnr (0 = the root bus, others are routed
 * through bridges by their secondary/subordinate numbers), @devfn,
 * register @addr, @len 1, 2 or 4 bytes (@addr aligned to @len; an
 * unaligned access is split into bytes, other lengths are logged guest
 * errors).  Absent functions, functions 1-7 of a slot without function 0,
 * and offsets past a function's space read all-ones.
 * Since: ABI 2.1
 */
BB_API uint32_t bb_pci_bus_config_read(BbPciBus *root, unsigned busnr,
                                       unsigned devfn, uint32_t addr,
                                       unsigned len);

/** bb_pci_bus_config_write() - see bb_pci_bus_config_read(); writes to
 * absent functions are dropped.  Since: ABI 2.1 */
BB_API void bb_pci_bus_config_write(BbPciBus *root, unsigned busnr,
                                    unsigned devfn, uint32_t addr,
                                    uint32_t value, unsigned len);

/**
 * bb_pci_bridge_get_secondary_bus() - the secondary bus of a type 1
 * function (created by the core when a function with header_type BRIDGE
 * is realized; its windows follow the bridge's base/limit registers and
 * its INTx lines swizzle onto the bridge's pin).  NULL for others.
 * Since: ABI 2.1
 */
BB_API BbPciBus *bb_pci_bridge_get_secondary_bus(BbPciDevice *bridge);

/** bb_pci_bus_get_number() - bus number (0 for a root bus; a secondary
 * bus's number is its bridge's secondary bus register).  Since: ABI 2.1 */
BB_API unsigned bb_pci_bus_get_number(const BbPciBus *bus);

G_END_DECLS

#endif /* BREADBOARD_PCI_H */
