/*
 * fdt-internal.h - the host side of the device-tree builder (fdt.h): the
 * description of the "fdt-interrupt-controller" interface type, which
 * object.c registers with the other built-in types.
 */
#ifndef HOST_FDT_FDT_INTERNAL_H
#define HOST_FDT_FDT_INTERNAL_H

#include <breadboard/fdt.h>

/* The BB_TYPE_FDT_INTC interface (parent "interface"). */
extern const BbTypeInfo fdt_intc_type_info;

#endif /* HOST_FDT_FDT_INTERNAL_H */
