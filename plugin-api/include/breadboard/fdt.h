/*
 * fdt.h - building the flattened device tree handed to the guest.
 *
 * A machine creates a BbFdt, writes the root nodes it owns (/cpus,
 * /memory, /chosen) and asks every device to write its own node through
 * its fdt_populate hook.  Nodes are addressed by path, so the order in
 * which devices write does not matter; phandles are allocated on demand
 * per object, so a device can refer to an interrupt controller whose node
 * has not been written yet.  Built on libfdt; the buffer grows as needed.
 */
#ifndef BREADBOARD_FDT_H
#define BREADBOARD_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/object.h>

G_BEGIN_DECLS

typedef struct BbFdt BbFdt;
typedef struct BbDevice BbDevice;

/**
 * bb_fdt_new() - an empty tree with a root node carrying
 * #address-cells = #size-cells = 2 and an empty "/soc" simple-bus.
 * Return: the builder; free with bb_fdt_free().
 * Since: ABI 1.0
 */
BB_API BbFdt *bb_fdt_new(void);

/** bb_fdt_free() - free a builder.  NULL is accepted.  Since: ABI 1.0 */
BB_API void bb_fdt_free(BbFdt *fdt);

/**
 * bb_fdt_add_node() - create the node at @path; its parent must exist.
 * Creating a node that exists already succeeds (so shared nodes such as
 * "/cpus" can be written by whoever comes first).
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_fdt_add_node(BbFdt *fdt, const char *path, GError **error);

/**
 * bb_fdt_set_prop() - set a raw property value on the node at @path.
 * Return: true on success; @error names the path on failure.
 * Since: ABI 1.0
 */
BB_API bool bb_fdt_set_prop(BbFdt *fdt, const char *path, const char *name,
                            const void *value, size_t len, GError **error);
/** bb_fdt_set_prop_empty() - a property without value ("ranges"). */
BB_API bool bb_fdt_set_prop_empty(BbFdt *fdt, const char *path,
                                  const char *name, GError **error);
/** bb_fdt_set_prop_u32() - a one-cell property.  Since: ABI 1.0 */
BB_API bool bb_fdt_set_prop_u32(BbFdt *fdt, const char *path,
                                const char *name, uint32_t value,
                                GError **error);
/** bb_fdt_set_prop_u64() - a two-cell property.  Since: ABI 1.0 */
BB_API bool bb_fdt_set_prop_u64(BbFdt *fdt, const char *path,
                                const char *name, uint64_t value,
                                GError **error);
/** bb_fdt_set_prop_cells() - an array of @n cells.  Since: ABI 1.0 */
BB_API bool bb_fdt_set_prop_cells(BbFdt *fdt, const char *path,
                                  const char *name, const uint32_t *cells,
                                  size_t n, GError **error);
/** bb_fdt_set_prop_string() - a string property.  Since: ABI 1.0 */
BB_API bool bb_fdt_set_prop_string(BbFdt *fdt, const char *path,
                                   const char *name, const char *value,
                                   GError **error);
/** bb_fdt_set_prop_strings() - a string list ("compatible"), @strv
 * NULL-terminated.  Since: ABI 1.0 */
BB_API bool bb_fdt_set_prop_strings(BbFdt *fdt, const char *path,
                                    const char *name,
                                    const char *const *strv, GError **error);

/**
 * bb_fdt_phandle() - the phandle of @owner's node, allocated on first use
 * (1, 2, 3...).  The owner writes it with bb_fdt_set_prop_u32(...,
 * "phandle", ...); others use it in interrupt-parent and similar cells.
 * Since: ABI 1.0
 */
BB_API uint32_t bb_fdt_phandle(BbFdt *fdt, BbObject *owner);

/**
 * bb_fdt_get_blob() - pack the tree and return it.
 * @size: set to the packed size (the header's totalsize).
 * Return: the blob, owned by @fdt and valid until the next change.
 * Since: ABI 1.0
 */
BB_API const void *bb_fdt_get_blob(BbFdt *fdt, size_t *size);

/**
 * bb_device_fdt_reg_prop() - write "reg" for @dev from its address ranges
 * (two address cells, two size cells).
 * Return: true on success; false if @dev has no ranges.
 * Since: ABI 1.0
 */
BB_API bool bb_device_fdt_reg_prop(BbDevice *dev, BbFdt *fdt,
                                   const char *path, GError **error);

/**
 * BB_TYPE_FDT_INTC - interface "fdt-interrupt-controller": a device whose
 * interrupt inputs other nodes name in "interrupts" or
 * "interrupts-extended" (the PLIC; a hart, whose inputs are its local
 * interrupt controller's).  Its node (written by the device itself) has
 * phandle bb_fdt_phandle(fdt, BB_OBJECT(dev)).
 * Since: ABI 1.5
 */
#define BB_TYPE_FDT_INTC "fdt-interrupt-controller"

#define BB_FDT_MAX_IRQ_CELLS 4

/**
 * struct BbFdtIntcClass - the interface's class.
 * @parent_class: interface header.
 * @irq_specifier: write the specifier of input line @n of group @group
 *   (e.g. the PLIC's "irq" line 10 -> <10>; a hart's "mtip" -> <7>) into
 *   @cells (at most BB_FDT_MAX_IRQ_CELLS); return the number of cells, 0
 *   if that input cannot be named in a device tree.
 * Since: ABI 1.5
 */
typedef struct BbFdtIntcClass {
    BbInterfaceClass parent_class;
    unsigned (*irq_specifier)(BbDevice *dev, const char *group, unsigned n,
                              uint32_t *cells);
    void *reserved[4];
} BbFdtIntcClass;

/**
 * bb_device_fdt_interrupts() - describe where the output lines of group
 * @group of @dev go, on the node at @path.  With @extended false:
 * "interrupt-parent" and "interrupts" (every connected line must go to the
 * same controller), as QEMU writes the UART's; with @extended true:
 * "interrupts-extended" (<&ctrl spec...> per line and sink), as for the
 * CLINT and the PLIC.  Unconnected lines are skipped; a line wired to
 * several inputs lists each.
 * Return: true on success (also when no line is connected: nothing is
 * written); false with @error naming the sink if it does not implement
 * BB_TYPE_FDT_INTC or cannot name the input, if @extended is false and
 * the lines go to different controllers, or if @dev has no output group
 * @group.
 * Since: ABI 1.5
 */
BB_API bool bb_device_fdt_interrupts(BbDevice *dev, BbFdt *fdt,
                                     const char *path, const char *group,
                                     bool extended, GError **error);

G_END_DECLS

#endif /* BREADBOARD_FDT_H */
