/*
 * device.c - the device base type (device.h): life cycle (realize,
 * reset, unrealize), the address ranges a board gives a device, bus
 * placement, and the host-owned mapping of device regions.
 *
 * The host owns what it maps (Linux's devm idea): the regions a device
 * declares with bb_device_init_mmio() are mapped at its board ranges
 * right after its realize hook succeeds, regions it places itself go
 * through bb_device_map_region(), and all of them are unmapped by the
 * host - on a failed realize and before the unrealize hook runs - so no
 * device can leave a mapping with callbacks into state it has freed.
 */
#include <string.h>

#include <breadboard/machine.h>
#include <breadboard/system.h>

#include "device/device-internal.h"
#include "qom/object-internal.h"
#include "qom/property-internal.h"

typedef struct DeviceReg {
    uint64_t base, size;
} DeviceReg;

static char *dev_path(BbDevice *dev)
{
    return bb_object_get_canonical_path(BB_OBJECT(dev));
}

/* ------------------------------------------------------ host mappings */

static bool device_map(BbDevice *dev, BbMemoryRegion *container,
                       uint64_t base, BbMemoryRegion *mr, int reg,
                       int priority, GError **error)
{
    DeviceMapping m = { bb_memory_region_ref(mr), container, base, reg,
                        priority };

    if (!bb_memory_region_add_subregion_overlap(container, base, mr,
                                                priority, error)) {
        bb_memory_region_unref(mr);
        return false;
    }
    g_array_append_val(dev->priv->mappings, m);
    return true;
}

/* Undo every mapping, newest first. */
static void device_unmap_all(BbDevice *dev)
{
    GArray *maps = dev->priv->mappings;

    while (maps->len) {
        DeviceMapping *m = &g_array_index(maps, DeviceMapping, maps->len - 1);
        bb_memory_region_del_subregion(m->container, m->mr);
        bb_memory_region_unref(m->mr);
        g_array_set_size(maps, maps->len - 1);
    }
}

/* After unrealize or a failed realize: no mapping is left, and regions
 * declared during realize are dropped (a new realize declares them
 * again); those declared in instance_init stay. */
static void device_release_resources(BbDevice *dev)
{
    BbDevicePrivate *priv = dev->priv;

    device_unmap_all(dev);
    if (priv->mmio->len > priv->mmio_before_realize) {
        g_ptr_array_set_size(priv->mmio, priv->mmio_before_realize);
    }
}

static BbMemoryRegion *device_system_memory(BbDevice *dev)
{
    BbSystem *sys = bb_device_get_system(dev);

    return sys ? bb_system_get_memory(sys) : NULL;
}

/* Map the regions declared with bb_device_init_mmio() at the bases of the
 * board's ranges, in order.  A device that is not under a machine with a
 * system (a unit test's bare device) has nowhere to be mapped. */
static bool device_map_declared(BbDevice *dev, GError **error)
{
    BbDevicePrivate *priv = dev->priv;
    BbMemoryRegion *sysmem = device_system_memory(dev);

    if (!sysmem) {
        return true;
    }
    for (guint i = 0; i < priv->mmio->len; i++) {
        BbMemoryRegion *mr = priv->mmio->pdata[i];
        uint64_t base, size;
        if (!bb_device_get_reg(dev, i, &base, &size)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "the device serves %u address ranges but the board "
                        "gives it %u", i + 1, i);
            return false;
        }
        if (bb_memory_region_size(mr) > size) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "range %u: its registers need 0x%" G_GINT64_MODIFIER
                        "x bytes but the board gives 0x%" G_GINT64_MODIFIER
                        "x", i, bb_memory_region_size(mr), size);
            return false;
        }
        if (!device_map(dev, sysmem, base, mr, (int)i, 0, error)) {
            return false;
        }
    }
    return true;
}

bool bb_device_map_region(BbDevice *dev, BbMemoryRegion *mr, uint64_t base,
                          int priority, GError **error)
{
    BbMemoryRegion *sysmem = device_system_memory(dev);

    if (!sysmem) {
        g_autofree char *path = dev_path(dev);
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "%s is not under a machine with a system: there is no "
                    "address space to map '%s' into", path,
                    bb_memory_region_name(mr));
        return false;
    }
    return device_map(dev, sysmem, base, mr, -1, priority, error);
}

unsigned device_get_mapping_count(const BbDevice *dev)
{
    return dev->priv->mappings->len;
}

const DeviceMapping *device_get_mapping(const BbDevice *dev, unsigned i)
{
    GArray *maps = dev->priv->mappings;

    return i < maps->len ? &g_array_index(maps, DeviceMapping, i) : NULL;
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
    if (!device_check_required(dev, error)) {
        g_prefix_error(error, "%s: ", path);
        return false;
    }
    dev->priv->mmio_before_realize = dev->priv->mmio->len;
    if ((dc->realize && !dc->realize(dev, error))) {
        device_release_resources(dev); /* what it did before failing */
        g_prefix_error(error, "%s: ", path);
        return false;
    }
    if (!device_map_declared(dev, error)) {
        dev->priv->unrealized = true;
        device_unmap_all(dev);
        if (dc->unrealize) {
            dc->unrealize(dev);
        }
        device_release_resources(dev);
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
    device_unmap_all(dev); /* before the hook frees what serves them */
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    device_release_resources(dev);
    device_irq_outputs_lower(dev); /* a device that is gone drives none */
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
    dev->priv->mappings = g_array_new(false, false, sizeof(DeviceMapping));
}

static void device_instance_finalize(BbObject *obj)
{
    BbDevice *dev = (BbDevice *)obj;
    BbDevicePrivate *priv = dev->priv;

    device_unmap_all(dev); /* only if realize never ran to the end */
    g_array_unref(priv->mappings);
    device_irq_groups_free(dev);
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

const BbTypeInfo device_type_info = {
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
