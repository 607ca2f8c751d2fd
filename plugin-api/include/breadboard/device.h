/*
 * device.h - the device base type every hardware model derives from.
 *
 * A device is an object with a life cycle: it is created, configured
 * through properties, realized (which may fail with a GError and after
 * which its properties are frozen), reset any number of times, and
 * unrealized.  It owns named IRQ lines (irq.h), the guest-physical address
 * ranges a board placed it at, an optional bus placement (PCI bus and
 * slot), an optional device-tree node it writes itself (fdt.h) and a state
 * description for snapshots (state.h).
 *
 * The host owns what it maps.  A device declares the regions serving its
 * board ranges with bb_device_init_mmio() (in instance_init or realize);
 * the host maps them when realize succeeds.  A region at an address the
 * device or machine chooses itself (a boot ROM, a bus window) is mapped
 * with bb_device_map_region().  The host unmaps all of them before the
 * device's unrealize hook runs, and after a failed realize: a device
 * never unmaps its own regions.
 */
#ifndef BREADBOARD_DEVICE_H
#define BREADBOARD_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/fdt.h>
#include <breadboard/irq.h>
#include <breadboard/memory.h>
#include <breadboard/object.h>
#include <breadboard/state.h>

G_BEGIN_DECLS

#define BB_TYPE_DEVICE "device"

typedef struct BbDeviceClass BbDeviceClass;
typedef struct BbSystem BbSystem; /* system.h */
typedef struct BbDevicePrivate BbDevicePrivate;

/**
 * struct BbDeviceClass - methods of a device type.
 * @parent_class: object class header.
 * @realize: turn the configured device into a working one; may fail.
 * @unrealize: undo @realize.
 * @reset: put the device into its power-on state (called after realize and
 *   on every system reset).
 * @fdt_populate: write the device's own node into the tree; optional.
 * @state: state description for snapshots; optional.
 * @compatible: device-tree compatible strings, most specific first,
 *   NULL-terminated; optional.
 * @reg_size: size of the address range used when a board gives only a
 *   base address; 0 if a board must always give the size.
 * @plug: optional; makes the device a bus owner.  Called on the realized
 *   bus owner for each device a board places on it (`bus:`), before that
 *   device is realized; @slot/@func as the board gave them (-1 slot: the
 *   bus picks).  Failing refuses the device.  (Since: ABI 2.1)
 * @unplug: optional; called on the bus owner after a plugged device was
 *   unrealized.  (Since: ABI 2.1)
 * Since: ABI 1.0
 */
struct BbDeviceClass {
    BbObjectClass parent_class;
    bool (*realize)(BbDevice *dev, GError **error);
    void (*unrealize)(BbDevice *dev);
    void (*reset)(BbDevice *dev);
    bool (*fdt_populate)(BbDevice *dev, BbFdt *fdt, GError **error);
    const BbStateDesc *state;
    const char *const *compatible;
    uint64_t reg_size;
    bool (*plug)(BbDevice *bus_owner, BbDevice *child, int slot, int func,
                 GError **error);
    void (*unplug)(BbDevice *bus_owner, BbDevice *child);
    void *reserved[6]; /* must be zero */
};

/**
 * struct BbDevice - device instance header.  Fields are managed by the
 * host; use the accessors.
 */
struct BbDevice {
    BbObject parent_obj;
    bool realized;         /* realize succeeded and unrealize not called */
    BbDevicePrivate *priv; /* IRQ groups, address ranges, bus placement */
    void *reserved[4];
};

BB_DECLARE_TYPE(BbDevice, BbDeviceClass, BB_DEVICE, BB_TYPE_DEVICE)

/**
 * bb_device_realize() - realize a device: call the class's realize and
 * then reset.  Realizing twice is an error.
 * @error: the realize hook's error, prefixed with the device's path.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_device_realize(BbDevice *dev, GError **error);

/** bb_device_unrealize() - undo bb_device_realize().  Since: ABI 1.0 */
BB_API void bb_device_unrealize(BbDevice *dev);

/** bb_device_reset() - call the class's reset hook.  Since: ABI 1.0 */
BB_API void bb_device_reset(BbDevice *dev);

/** bb_device_is_realized() - whether @dev is realized.  Since: ABI 1.0 */
BB_API bool bb_device_is_realized(const BbDevice *dev);

/**
 * bb_device_add_reg() - append a guest-physical address range.  Boards do
 * this before realize; a device may also add ranges it always occupies.
 * @error: set if @size is 0, the range wraps, or @dev is realized.
 * Since: ABI 1.0
 */
BB_API bool bb_device_add_reg(BbDevice *dev, uint64_t base, uint64_t size,
                              GError **error);

/** bb_device_get_reg_count() - number of address ranges.  Since: ABI 1.0 */
BB_API unsigned bb_device_get_reg_count(const BbDevice *dev);

/**
 * bb_device_get_reg() - the @i-th address range.
 * Return: false if there is no such range.
 * Since: ABI 1.0
 */
BB_API bool bb_device_get_reg(const BbDevice *dev, unsigned i,
                              uint64_t *base, uint64_t *size);

/**
 * bb_device_get_bus() - where a board plugged the device.
 * @bus: set to the bus device's id (borrowed), or NULL if not on a bus.
 * @slot: set to the slot, or -1 if the board left it to the bus.
 * @func: set to the function number (0 unless given).
 * Return: true if the device is on a bus.
 * Since: ABI 1.0
 */
BB_API bool bb_device_get_bus(const BbDevice *dev, const char **bus,
                              int *slot, int *func);

/**
 * bb_device_fdt_populate() - call the class's fdt_populate hook (no-op if
 * it has none).
 * Since: ABI 1.0
 */
BB_API bool bb_device_fdt_populate(BbDevice *dev, BbFdt *fdt,
                                   GError **error);

/**
 * bb_device_get_system() - the system of the machine above @dev in the
 * composition tree (or of @dev itself if it is the machine).
 * Return: the system, or NULL if @dev is not under a machine with one.
 * Since: ABI 1.1 (declared in device.h since ABI 2.0)
 */
BB_API BbSystem *bb_device_get_system(BbDevice *dev);

/**
 * bb_device_init_mmio() - declare the region serving the device's next
 * address range: the n-th call serves the n-th range of the board's
 * "reg" list.  The host maps it at that base when realize succeeds and
 * unmaps it before unrealize; the device takes its own reference.  The
 * board's range must be at least as large as the region.
 * Since: ABI 1.1 (declared in device.h since ABI 2.0)
 */
BB_API void bb_device_init_mmio(BbDevice *dev, BbMemoryRegion *mr);

/**
 * bb_device_get_mmio() - the @n-th region declared with
 * bb_device_init_mmio(), or NULL.
 * Since: ABI 1.1 (declared in device.h since ABI 2.0)
 */
BB_API BbMemoryRegion *bb_device_get_mmio(BbDevice *dev, unsigned n);

/**
 * bb_device_map_region() - map @mr into the system address space at a
 * guest-physical @base the device chooses itself (not one of its board
 * ranges): a machine's boot ROM or RAM, a test interface at an address
 * an image names.  Call it from realize.  The range appears in
 * `breadboard describe`'s memory map; the host unmaps it before the
 * unrealize hook runs, or when realize fails.
 * @priority: 0 for an ordinary range, which takes part in the board's
 *   overlap check; a positive priority declares a deliberate overlay
 *   (e.g. a register inside RAM) that wins over what it covers and is
 *   exempt from the check (memory.h: bb_memory_region_add_subregion_overlap).
 * @error: set if @dev is not under a machine with a system, or if the
 *   memory API refuses the mapping.
 * Return: true on success.
 * Since: ABI 2.0
 */
BB_API bool bb_device_map_region(BbDevice *dev, BbMemoryRegion *mr,
                                 uint64_t base, int priority,
                                 GError **error);

/**
 * bb_device_class_set_compatible() - shorthand to set @compatible from
 * class_init.
 * Since: ABI 1.0
 */
BB_API void bb_device_class_set_compatible(BbDeviceClass *dc,
                                           const char *const *compatible);

G_END_DECLS

#endif /* BREADBOARD_DEVICE_H */
