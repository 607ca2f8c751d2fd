/*
 * fdt-irq.c - device-tree interrupt properties (fdt.h): the
 * "fdt-interrupt-controller" interface and bb_device_fdt_interrupts(),
 * which turns the wiring of a device's output lines into "interrupts" +
 * "interrupt-parent" or "interrupts-extended", following the devicetree
 * specification's interrupt binding (chapter 2.4) and the cells QEMU's
 * virt board writes (reference/hardware.md section 1.6).  The specifier
 * of each input comes from the controller that owns it, so this file
 * knows nothing about PLICs or harts.
 */
#include <breadboard/device.h>
#include <breadboard/fdt.h>

#include "fdt/fdt-internal.h"
#include "qom/object-internal.h"

const BbTypeInfo fdt_intc_type_info = {
    .name = BB_TYPE_FDT_INTC,
    .parent = BB_TYPE_INTERFACE,
    .class_size = sizeof(BbFdtIntcClass),
    .abstract = true,
    .description = "interrupt controller named in device-tree interrupt "
                   "properties",
};

/* The specifier of input @in into @cells (at most BB_FDT_MAX_IRQ_CELLS);
 * its controller in *@ctrl.  Returns the number of cells, 0 with @error
 * set if the controller cannot name the input. */
static unsigned sink_specifier(BbIrqIn *in, BbDevice **ctrl, uint32_t *cells,
                               const char *path, GError **error)
{
    BbDevice *dev = bb_irq_in_get_device(in);
    const char *group = bb_irq_in_get_group(in);
    unsigned index = bb_irq_in_get_index(in);
    BbFdtIntcClass *ic = (BbFdtIntcClass *)bb_object_class_dynamic_cast(
        bb_object_get_class(BB_OBJECT(dev)), BB_TYPE_FDT_INTC);
    unsigned n = 0;

    *ctrl = dev;
    if (ic && ic->irq_specifier) {
        n = ic->irq_specifier(dev, group, index, cells);
    }
    if (n == 0 || n > BB_FDT_MAX_IRQ_CELLS) {
        g_autofree char *label = object_label(BB_OBJECT(dev));
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "device tree node '%s': %s cannot be named in a device "
                    "tree (%s[%u]: %s)", path, label, group, index,
                    !ic ? "not an interrupt controller"
                        : n ? "too many specifier cells"
                            : "no specifier for this input");
        return 0;
    }
    return n;
}

bool bb_device_fdt_interrupts(BbDevice *dev, BbFdt *fdt, const char *path,
                              const char *group, bool extended,
                              GError **error)
{
    g_autoptr(GArray) cells = g_array_new(false, false, sizeof(uint32_t));
    BbDevice *parent = NULL;

    if (!bb_device_get_irq_out(dev, group, 0)) {
        g_autofree char *label = object_label(BB_OBJECT(dev));
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                    "device tree node '%s': %s has no output group '%s'",
                    path, label, group);
        return false;
    }
    BbIrqOut *out;
    for (unsigned line = 0; (out = bb_device_get_irq_out(dev, group, line));
         line++) {
        for (unsigned i = 0; i < bb_irq_out_get_sink_count(out); i++) {
            uint32_t spec[BB_FDT_MAX_IRQ_CELLS];
            BbDevice *ctrl;
            unsigned n = sink_specifier(bb_irq_out_get_sink(out, i), &ctrl,
                                        spec, path, error);
            if (!n) {
                return false;
            }
            if (extended) {
                uint32_t ph = bb_fdt_phandle(fdt, BB_OBJECT(ctrl));
                g_array_append_val(cells, ph);
            } else if (parent && parent != ctrl) {
                g_autofree char *a = object_label(BB_OBJECT(parent));
                g_autofree char *b = object_label(BB_OBJECT(ctrl));
                g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                            "device tree node '%s': output group '%s' goes "
                            "to two interrupt controllers, %s and %s; "
                            "that needs interrupts-extended",
                            path, group, a, b);
                return false;
            }
            parent = ctrl;
            g_array_append_vals(cells, spec, n);
        }
    }
    if (!cells->len) {
        return true;
    }
    if (extended) {
        return bb_fdt_set_prop_cells(fdt, path, "interrupts-extended",
                                     (uint32_t *)cells->data, cells->len,
                                     error);
    }
    return bb_fdt_set_prop_u32(fdt, path, "interrupt-parent",
                               bb_fdt_phandle(fdt, BB_OBJECT(parent)),
                               error) &&
           bb_fdt_set_prop_cells(fdt, path, "interrupts",
                                 (uint32_t *)cells->data, cells->len, error);
}
