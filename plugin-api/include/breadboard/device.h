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
 */
#ifndef BREADBOARD_DEVICE_H
#define BREADBOARD_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/fdt.h>
#include <breadboard/irq.h>
#include <breadboard/object.h>
#include <breadboard/state.h>

G_BEGIN_DECLS

#define BB_TYPE_DEVICE "device"

typedef struct BbDeviceClass BbDeviceClass;
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
    void *reserved[8]; /* must be zero */
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
 * bb_device_class_set_compatible() - shorthand to set @compatible from
 * class_init.
 * Since: ABI 1.0
 */
BB_API void bb_device_class_set_compatible(BbDeviceClass *dc,
                                           const char *const *compatible);

G_END_DECLS

#endif /* BREADBOARD_DEVICE_H */
