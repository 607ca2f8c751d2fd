/*
 * device-internal.h - host-private parts of the device core: what the
 * board loader sets and what `breadboard describe` lists.
 */
#ifndef HOST_QOM_DEVICE_INTERNAL_H
#define HOST_QOM_DEVICE_INTERNAL_H

#include <breadboard/device.h>

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

/* The "device", "machine", "cpu" and "fdt-interrupt-controller" type
 * infos, NULL-terminated; object.c registers them with the other
 * built-in types. */
const BbTypeInfo *const *device_builtin_types(void);

#endif /* HOST_QOM_DEVICE_INTERNAL_H */
