/*
 * toy-machine.c - "toy-machine": the machine of the execution tests.  Its
 * realize chains to the machine base type (which creates RAM) and copies
 * the raw program image named by "kernel" (--kernel FILE) to the start of
 * RAM with bb_load_raw(); harts start there through their "reset-pc"
 * property, which the board sets.  Every system reset after the first
 * reloads the image, so a reset restarts the program as built.
 */
#include <breadboard/breadboard.h>

#define TYPE_TOY_MACHINE "toy-machine"

typedef struct ToyMachine {
    BbMachine parent_obj;
    bool fresh;          /* loaded by realize, not yet through a reset */
} ToyMachine;

BB_DECLARE_TYPE(ToyMachine, BbMachineClass, TOY_MACHINE, TYPE_TOY_MACHINE)

static bool (*parent_realize)(BbDevice *dev, GError **error);
static void (*parent_unrealize)(BbDevice *dev);

static bool toy_machine_load(BbMachine *m, GError **error)
{
    return bb_load_raw(bb_system_get_address_space(m->system), m->kernel,
                       m->ram_base, m->ram_size, NULL, error);
}

static bool toy_machine_realize(BbDevice *dev, GError **error)
{
    BbMachine *m = BB_MACHINE(dev);

    if (!m->system || !m->kernel) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "toy-machine needs a system and a raw program image "
                    "(boot.kernel or --kernel FILE)");
        return false;
    }
    if (!parent_realize(dev, error)) {
        return false;
    }
    if (!toy_machine_load(m, error)) {
        parent_unrealize(dev);
        return false;
    }
    TOY_MACHINE(dev)->fresh = true;
    return true;
}

static void toy_machine_reset(BbDevice *dev)
{
    ToyMachine *s = TOY_MACHINE(dev);
    GError *err = NULL;

    if (s->fresh) {
        s->fresh = false;
        return;
    }
    if (!toy_machine_load(BB_MACHINE(dev), &err)) {
        g_warning("toy-machine: reloading the image failed: %s",
                  err->message);
        g_error_free(err);
    }
}

static void toy_machine_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    parent_realize = dc->realize;
    parent_unrealize = dc->unrealize;
    dc->realize = toy_machine_realize;
    dc->reset = toy_machine_reset;
}

const BbTypeInfo toy_machine_info = {
    .name = TYPE_TOY_MACHINE,
    .parent = BB_TYPE_MACHINE,
    .instance_size = sizeof(ToyMachine),
    .class_init = toy_machine_class_init,
    .description = "RAM and one raw program image (execution tests)",
};
