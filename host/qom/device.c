/*
 * device.c - the device base type (device.h), IRQ lines (irq.h) and the
 * machine base type (machine.h).
 *
 * IRQ lines are level-triggered wires.  Each input counts how many of its
 * connected outputs are high; its handler runs when that count goes from
 * zero to non-zero or back, which gives wire-OR semantics for shared lines
 * without the devices knowing about each other.  Both ends keep a list of
 * the other, so a device that goes away disconnects cleanly.
 */
#include <string.h>

#include <breadboard/machine.h>
#include <breadboard/system.h>

#include "cpu/cpu-internal.h"
#include "fdt/fdt-internal.h"
#include "qom/device-internal.h"
#include "system/system-internal.h"
#include "qom/object-internal.h"
#include "qom/property-internal.h"

typedef struct IrqGroup {
    char *name;
    unsigned count;
    bool input;
    BbIrqHandler handler;
    void *opaque;
    BbIrqIn *in;   /* count entries when input */
    BbIrqOut *out; /* count entries when output */
} IrqGroup;

struct BbIrqIn {
    BbDevice *dev;
    IrqGroup *group;
    unsigned index;
    unsigned nasserted; /* connected outputs currently high */
    GPtrArray *sources; /* BbIrqOut * */
};

struct BbIrqOut {
    BbDevice *dev;
    IrqGroup *group;
    unsigned index;
    bool level;
    GPtrArray *sinks; /* BbIrqIn * */
};

typedef struct DeviceReg {
    uint64_t base, size;
} DeviceReg;

struct BbDevicePrivate {
    GPtrArray *irq_groups; /* IrqGroup *, declaration order */
    GArray *regs;          /* DeviceReg */
    char *bus;             /* bus device id, or NULL */
    int slot, func;
    GPtrArray *mmio;       /* BbMemoryRegion *, one per reg range */
    bool unrealized;       /* unrealize began and no realize since: its
                              input handlers no longer run */
};


static char *dev_path(BbDevice *dev)
{
    return bb_object_get_canonical_path(BB_OBJECT(dev));
}

/* ------------------------------------------------------ IRQ lines */

static IrqGroup *irq_group_find(BbDevice *dev, const char *name, bool input)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        IrqGroup *g = groups->pdata[i];
        if (g->input == input && !strcmp(g->name, name)) {
            return g;
        }
    }
    return NULL;
}

static IrqGroup *irq_group_add(BbDevice *dev, const char *name,
                               unsigned count, bool input, GError **error)
{
    if (!name || !*name || count == 0) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "IRQ %s group '%s': needs a name and at least one line",
                    input ? "input" : "output", name ? name : "(null)");
        return NULL;
    }
    if (irq_group_find(dev, name, input)) {
        g_autofree char *label = object_label(BB_OBJECT(dev));
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_EXISTS,
                    "%s already has an IRQ %s group '%s'", label,
                    input ? "input" : "output", name);
        return NULL;
    }
    IrqGroup *g = g_new0(IrqGroup, 1);
    g->name = g_strdup(name);
    g->count = count;
    g->input = input;
    g_ptr_array_add(dev->priv->irq_groups, g);
    return g;
}

bool bb_device_add_irq_in(BbDevice *dev, const char *name, unsigned count,
                          BbIrqHandler handler, void *opaque, GError **error)
{
    IrqGroup *g = irq_group_add(dev, name, count, true, error);

    if (!g) {
        return false;
    }
    g->handler = handler;
    g->opaque = opaque;
    g->in = g_new0(BbIrqIn, count);
    for (unsigned i = 0; i < count; i++) {
        g->in[i] = (BbIrqIn){ .dev = dev, .group = g, .index = i,
                              .sources = g_ptr_array_new() };
    }
    return true;
}

bool bb_device_add_irq_out(BbDevice *dev, const char *name, unsigned count,
                           GError **error)
{
    IrqGroup *g = irq_group_add(dev, name, count, false, error);

    if (!g) {
        return false;
    }
    g->out = g_new0(BbIrqOut, count);
    for (unsigned i = 0; i < count; i++) {
        g->out[i] = (BbIrqOut){ .dev = dev, .group = g, .index = i,
                                .sinks = g_ptr_array_new() };
    }
    return true;
}

BbIrqIn *bb_device_get_irq_in(BbDevice *dev, const char *name, unsigned n)
{
    IrqGroup *g = irq_group_find(dev, name, true);
    return g && n < g->count ? &g->in[n] : NULL;
}

BbIrqOut *bb_device_get_irq_out(BbDevice *dev, const char *name, unsigned n)
{
    IrqGroup *g = irq_group_find(dev, name, false);
    return g && n < g->count ? &g->out[n] : NULL;
}

static void irq_in_adjust(BbIrqIn *in, bool raise)
{
    bool old = in->nasserted > 0;

    if (raise) {
        in->nasserted++;
    } else if (in->nasserted) {
        in->nasserted--;
    }
    bool now = in->nasserted > 0;
    if (old != now && in->group->handler && !in->dev->priv->unrealized) {
        in->group->handler(in->group->opaque, in->index, now);
    }
}

void bb_irq_out_set(BbIrqOut *out, bool level)
{
    if (!out || out->level == level) {
        return;
    }
    out->level = level;
    for (guint i = 0; i < out->sinks->len; i++) {
        irq_in_adjust(out->sinks->pdata[i], level);
    }
}

bool bb_irq_out_get(const BbIrqOut *out)
{
    return out->level;
}

bool bb_irq_connect(BbIrqOut *out, BbIrqIn *in, GError **error)
{
    for (guint i = 0; i < out->sinks->len; i++) {
        if (out->sinks->pdata[i] == in) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_EXISTS,
                        "IRQ %s[%u] is already connected to %s[%u]",
                        out->group->name, out->index, in->group->name,
                        in->index);
            return false;
        }
    }
    g_ptr_array_add(out->sinks, in);
    g_ptr_array_add(in->sources, out);
    if (out->level) {
        irq_in_adjust(in, true);
    }
    return true;
}

bool bb_irq_in_get_level(const BbIrqIn *in)
{
    return in->nasserted > 0;
}

BbDevice *bb_irq_in_get_device(const BbIrqIn *in)
{
    return in->dev;
}

const char *bb_irq_in_get_group(const BbIrqIn *in)
{
    return in->group->name;
}

unsigned bb_irq_in_get_index(const BbIrqIn *in)
{
    return in->index;
}

unsigned bb_irq_out_get_sink_count(const BbIrqOut *out)
{
    return out->sinks->len;
}

BbIrqIn *bb_irq_out_get_sink(const BbIrqOut *out, unsigned i)
{
    return i < out->sinks->len ? out->sinks->pdata[i] : NULL;
}

/* Disconnect every line of @g from the other ends; a high output being
 * removed lowers its sinks, as a vanished source would. */
static void irq_group_free(IrqGroup *g)
{
    for (unsigned i = 0; i < g->count; i++) {
        if (g->input) {
            BbIrqIn *in = &g->in[i];
            for (guint j = 0; j < in->sources->len; j++) {
                g_ptr_array_remove(((BbIrqOut *)in->sources->pdata[j])->sinks,
                                   in);
            }
            g_ptr_array_unref(in->sources);
        } else {
            BbIrqOut *out = &g->out[i];
            bb_irq_out_set(out, false);
            for (guint j = 0; j < out->sinks->len; j++) {
                g_ptr_array_remove(((BbIrqIn *)out->sinks->pdata[j])->sources,
                                   out);
            }
            g_ptr_array_unref(out->sinks);
        }
    }
    g_free(g->in);
    g_free(g->out);
    g_free(g->name);
    g_free(g);
}

void device_foreach_irq_group(BbDevice *dev, bool inputs,
                              void (*fn)(const char *name, unsigned count,
                                         void *opaque),
                              void *opaque)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        IrqGroup *g = groups->pdata[i];
        if (g->input == inputs) {
            fn(g->name, g->count, opaque);
        }
    }
}

static void append_group(const char *name, unsigned count, void *opaque)
{
    GString *s = opaque;
    g_string_append_printf(s, "%s%s[%u]", s->len ? ", " : "", name, count);
}

char *device_irq_group_names(BbDevice *dev, bool inputs)
{
    GString *s = g_string_new(NULL);
    device_foreach_irq_group(dev, inputs, append_group, s);
    return g_string_free(s, false);
}

/* ------------------------------------------------------ device core */

static bool device_check_set_property(BbObject *obj, const BbPropertyInfo *p,
                                      GError **error)
{
    BbDevice *dev = BB_DEVICE(obj);

    if (dev->realized) {
        g_autofree char *path = dev_path(dev);
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "cannot set property '%s' of '%s': the device is "
                    "already realized",
                    p->name, path);
        return false;
    }
    return true;
}

static bool device_check_required(BbDevice *dev, GError **error)
{
    GPtrArray *props = class_props(bb_object_get_class(BB_OBJECT(dev)));

    for (guint i = 0; i < props->len; i++) {
        const BbPropertyInfo *p = props->pdata[i];
        if ((p->flags & BB_PROP_F_REQUIRED) &&
            !object_prop_was_set(BB_OBJECT(dev), p->name)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "required property '%s' is not set", p->name);
            return false;
        }
    }
    return true;
}

bool bb_device_realize(BbDevice *dev, GError **error)
{
    BbDeviceClass *dc = BB_DEVICE_GET_CLASS(dev);
    g_autofree char *path = dev_path(dev);

    if (dev->realized) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "%s: the device is already realized", path);
        return false;
    }
    if (!device_check_required(dev, error) ||
        (dc->realize && !dc->realize(dev, error))) {
        g_prefix_error(error, "%s: ", path);
        return false;
    }
    dev->realized = true;
    dev->priv->unrealized = false;
    bb_device_reset(dev);
    return true;
}

void bb_device_unrealize(BbDevice *dev)
{
    BbDeviceClass *dc = BB_DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        return;
    }
    dev->priv->unrealized = true;
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

void bb_device_reset(BbDevice *dev)
{
    BbDeviceClass *dc = BB_DEVICE_GET_CLASS(dev);

    if (dc->reset) {
        dc->reset(dev);
    }
}

bool bb_device_is_realized(const BbDevice *dev)
{
    return dev->realized;
}

bool bb_device_add_reg(BbDevice *dev, uint64_t base, uint64_t size,
                       GError **error)
{
    if (dev->realized) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "cannot add an address range to a realized device");
        return false;
    }
    if (size == 0 || base + (size - 1) < base) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "invalid address range 0x%" G_GINT64_MODIFIER "x+0x%"
                    G_GINT64_MODIFIER "x (%s)",
                    base, size, size ? "wraps around" : "empty");
        return false;
    }
    DeviceReg r = { base, size };
    g_array_append_val(dev->priv->regs, r);
    return true;
}

unsigned bb_device_get_reg_count(const BbDevice *dev)
{
    return dev->priv->regs->len;
}

bool bb_device_get_reg(const BbDevice *dev, unsigned i, uint64_t *base,
                       uint64_t *size)
{
    if (i >= dev->priv->regs->len) {
        return false;
    }
    DeviceReg *r = &g_array_index(dev->priv->regs, DeviceReg, i);
    if (base) {
        *base = r->base;
    }
    if (size) {
        *size = r->size;
    }
    return true;
}

void device_set_bus(BbDevice *dev, const char *bus, int slot, int func)
{
    g_free(dev->priv->bus);
    dev->priv->bus = g_strdup(bus);
    dev->priv->slot = slot;
    dev->priv->func = func;
}

bool bb_device_get_bus(const BbDevice *dev, const char **bus, int *slot,
                       int *func)
{
    const BbDevicePrivate *priv = dev->priv;

    if (bus) {
        *bus = priv->bus;
    }
    if (slot) {
        *slot = priv->bus ? priv->slot : -1;
    }
    if (func) {
        *func = priv->bus ? priv->func : 0;
    }
    return priv->bus != NULL;
}

bool bb_device_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    BbDeviceClass *dc = BB_DEVICE_GET_CLASS(dev);

    if (!dc->fdt_populate) {
        return true;
    }
    if (!dc->fdt_populate(dev, fdt, error)) {
        g_autofree char *path = dev_path(dev);
        g_prefix_error(error, "%s: device tree: ", path);
        return false;
    }
    return true;
}

void bb_device_init_mmio(BbDevice *dev, BbMemoryRegion *mr)
{
    g_ptr_array_add(dev->priv->mmio, bb_memory_region_ref(mr));
}

BbMemoryRegion *bb_device_get_mmio(BbDevice *dev, unsigned n)
{
    return n < dev->priv->mmio->len ? dev->priv->mmio->pdata[n] : NULL;
}

void bb_device_class_set_compatible(BbDeviceClass *dc,
                                    const char *const *compatible)
{
    dc->compatible = compatible;
}

static void device_instance_init(BbObject *obj)
{
    BbDevice *dev = (BbDevice *)obj;

    dev->priv = g_new0(BbDevicePrivate, 1);
    dev->priv->irq_groups = g_ptr_array_new();
    dev->priv->regs = g_array_new(false, false, sizeof(DeviceReg));
    dev->priv->slot = -1;
    dev->priv->mmio = g_ptr_array_new_with_free_func(
        (GDestroyNotify)bb_memory_region_unref);
}

static void device_instance_finalize(BbObject *obj)
{
    BbDevice *dev = (BbDevice *)obj;
    BbDevicePrivate *priv = dev->priv;

    for (guint i = 0; i < priv->irq_groups->len; i++) {
        irq_group_free(priv->irq_groups->pdata[i]);
    }
    g_ptr_array_unref(priv->irq_groups);
    g_array_unref(priv->regs);
    g_ptr_array_unref(priv->mmio);
    g_free(priv->bus);
    g_free(priv);
}

/* Unrealize before any subclass's instance_finalize has run, so its
 * unrealize hook still sees all of its state. */
static void device_release(BbObject *obj)
{
    bb_device_unrealize((BbDevice *)obj);
}

static void device_class_init(BbObjectClass *klass, const void *data)
{
    klass->check_set_property = device_check_set_property;
    klass->release = device_release;
}

static const BbTypeInfo device_type_info = {
    .name = BB_TYPE_DEVICE,
    .parent = BB_TYPE_OBJECT,
    .instance_size = sizeof(BbDevice),
    .class_size = sizeof(BbDeviceClass),
    .abstract = true,
    .instance_init = device_instance_init,
    .instance_finalize = device_instance_finalize,
    .class_init = device_class_init,
    .description = "base of all devices",
};

/* ------------------------------------------------------ machine */

static const BbPropertyInfo machine_props[] = {
    BB_PROP_UINT("ram-base", BbMachine, ram_base, 0,
                 "guest-physical base of main RAM"),
    BB_PROP_SIZE("ram-size", BbMachine, ram_size, 0, "bytes of main RAM"),
    BB_PROP_UINT("harts", BbMachine, harts, 0, "number of harts"),
    BB_PROP_STRING("firmware", BbMachine, firmware, NULL,
                   "firmware image (ELF or raw)"),
    BB_PROP_STRING("kernel", BbMachine, kernel, NULL,
                   "kernel image (ELF, raw or Linux Image)"),
    BB_PROP_STRING("initrd", BbMachine, initrd, NULL, "initial ramdisk"),
    BB_PROP_STRING("append", BbMachine, append, NULL,
                   "kernel command line"),
    BB_PROP_STRING("dtb", BbMachine, dtb, NULL,
                   "device tree blob to use instead of the generated one"),
    BB_PROP_END
};

static bool machine_realize(BbDevice *dev, GError **error)
{
    BbMachine *m = BB_MACHINE(dev);

    if (!m->system) {
        return true;
    }
    system_set_machine(m->system, m); /* whose devices a reset resets */
    if (!m->ram_size) {
        return true;
    }
    m->ram = bb_memory_region_new_ram(BB_OBJECT(m), "ram", m->ram_size,
                                      error);
    if (!m->ram) {
        return false;
    }
    if (!bb_memory_region_add_subregion(bb_system_get_memory(m->system),
                                        m->ram_base, m->ram, error)) {
        g_clear_pointer(&m->ram, bb_memory_region_unref);
        return false;
    }
    return true;
}

static void machine_unrealize(BbDevice *dev)
{
    BbMachine *m = BB_MACHINE(dev);

    if (m->system) {
        system_set_machine(m->system, NULL);
    }
    if (m->ram) {
        bb_memory_region_del_subregion(bb_system_get_memory(m->system),
                                       m->ram);
        g_clear_pointer(&m->ram, bb_memory_region_unref);
    }
}

typedef struct FdtWalk {
    BbFdt *fdt;
    GError **error;
    bool ok;
} FdtWalk;

/* Depth first, in board order: each device's hook, then its children's. */
static bool fdt_populate_one(BbObject *obj, void *opaque)
{
    FdtWalk *w = opaque;

    if (bb_object_dynamic_cast(obj, BB_TYPE_DEVICE) &&
        BB_DEVICE(obj)->realized &&
        !bb_device_fdt_populate(BB_DEVICE(obj), w->fdt, w->error)) {
        w->ok = false;
        return false;
    }
    bb_object_foreach_child(obj, fdt_populate_one, w);
    return w->ok;
}

BbFdt *bb_machine_build_fdt(BbMachine *m, GError **error)
{
    FdtWalk w = { bb_fdt_new(), error, true };

    if (!bb_device_fdt_populate(BB_DEVICE(m), w.fdt, error)) {
        bb_fdt_free(w.fdt);
        return NULL;
    }
    bb_object_foreach_child(BB_OBJECT(m), fdt_populate_one, &w);
    if (!w.ok) {
        bb_fdt_free(w.fdt);
        return NULL;
    }
    return w.fdt;
}

static void machine_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, machine_props);
    dc->realize = machine_realize;
    dc->unrealize = machine_unrealize;
}

static const BbTypeInfo machine_type_info = {
    .name = BB_TYPE_MACHINE,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(BbMachine),
    .class_size = sizeof(BbMachineClass),
    .class_init = machine_class_init,
    .description = "a board without a boot flow (base of all machines)",
};

const BbTypeInfo *const *device_builtin_types(void)
{
    static const BbTypeInfo *const infos[] = {
        &device_type_info, &machine_type_info, &cpu_type_info,
        &fdt_intc_type_info, NULL
    };
    return infos;
}
