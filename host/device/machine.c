/*
 * machine.c - the machine base type (machine.h): the root of a board's
 * devices, owner of main RAM and of the system (run-time context) its
 * devices reach through bb_device_get_system(), and the device-tree walk
 * that asks every device for its node.
 */
#include <breadboard/machine.h>
#include <breadboard/system.h>

#include "device/device-internal.h"
#include "system/system-internal.h"

BbSystem *bb_device_get_system(BbDevice *dev)
{
    for (BbObject *o = BB_OBJECT(dev); o; o = bb_object_get_parent(o)) {
        BbObject *m = bb_object_dynamic_cast(o, BB_TYPE_MACHINE);
        if (m && BB_MACHINE(m)->system) {
            return BB_MACHINE(m)->system;
        }
    }
    return NULL;
}

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
    if (!bb_device_map_region(dev, m->ram, m->ram_base, 0, error)) {
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
    g_clear_pointer(&m->ram, bb_memory_region_unref); /* host unmapped it */
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

const BbTypeInfo machine_type_info = {
    .name = BB_TYPE_MACHINE,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(BbMachine),
    .class_size = sizeof(BbMachineClass),
    .class_init = machine_class_init,
    .description = "a board without a boot flow (base of all machines)",
};
