/*
 * device-internal.h - host-private parts of the device core: the private
 * instance data shared by device.c (life cycle, address ranges, mappings)
 * and irq.c (IRQ lines), and what the board loader and `breadboard
 * describe` see beyond the SDK.
 */
#ifndef HOST_DEVICE_DEVICE_INTERNAL_H
#define HOST_DEVICE_DEVICE_INTERNAL_H

#include <breadboard/device.h>
#include <breadboard/memory.h>

/* A region the host mapped for a device and will unmap before the
 * device's unrealize hook runs. */
typedef struct DeviceMapping {
    BbMemoryRegion *mr;        /* referenced */
    BbMemoryRegion *container; /* where it is mapped */
    uint64_t base;             /* offset in @container */
    int reg;                   /* board range it serves, -1: device-placed */
    int priority;              /* > 0: a deliberate overlay */
} DeviceMapping;

struct BbDevicePrivate {
    GPtrArray *irq_groups; /* IrqGroup * (irq.c), declaration order */
    GArray *regs;          /* DeviceReg: the board's address ranges */
    char *bus;             /* bus device id, or NULL */
    int slot, func;
    GPtrArray *mmio;       /* BbMemoryRegion *, one per reg range */
    guint mmio_before_realize; /* declared in instance_init: kept when
                                  unrealize drops the ones realize made */
    GArray *mappings;      /* DeviceMapping, in mapping order */
    bool unrealized;       /* unrealize began and no realize since: its
                              input handlers no longer run */
};

/* Record where a board plugged @dev (@slot -1 = bus chooses). */
void device_set_bus(BbDevice *dev, const char *bus, int slot, int func);

/* Call @fn for each IRQ group of @dev, inputs or outputs, in declaration
 * order. */
void device_foreach_irq_group(BbDevice *dev, bool inputs,
                              void (*fn)(const char *name, unsigned count,
                                         void *opaque),
                              void *opaque);

/* "irq[96], meip[2]" or "" - for error messages. */
char *device_irq_group_names(BbDevice *dev, bool inputs);

/* Lower every output line of @dev; the connections stay, so a device
 * realized again drives the same wires (unrealize). */
void device_irq_outputs_lower(BbDevice *dev);

/* Call @fn for every connection of an output line of @dev: the output's
 * group and index and the input it drives (hot reload re-makes them). */
void device_foreach_irq_sink(BbDevice *dev,
                             void (*fn)(const char *group, unsigned index,
                                        BbIrqIn *sink, void *opaque),
                             void *opaque);

/* A device driving one of @dev's input lines, or NULL if none is
 * connected. */
BbDevice *device_irq_first_source(BbDevice *dev);

/* Disconnect and free every IRQ group of @dev (instance finalize). */
void device_irq_groups_free(BbDevice *dev);

/* The regions the host has mapped for @dev (board ranges and ones the
 * device placed itself), in mapping order; NULL-safe count. */
unsigned device_get_mapping_count(const BbDevice *dev);
const DeviceMapping *device_get_mapping(const BbDevice *dev, unsigned i);

/* The built-in "device" and "machine" types (builtin-types.c lists
 * them). */
extern const BbTypeInfo device_type_info;
extern const BbTypeInfo machine_type_info;

#endif /* HOST_DEVICE_DEVICE_INTERNAL_H */
