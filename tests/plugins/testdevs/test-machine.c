/*
 * test-machine.c - "test-machine": a machine type with one extra property
 * and a realize hook that can be told to fail, so the tests see the
 * machine being realized last and its errors located.
 */
#include "testdevs.h"

typedef struct TestMachine {
    BbMachine parent_obj;
    char *model;      /* free-form model string */
    bool fail;        /* make realize fail */
} TestMachine;

BB_DECLARE_TYPE(TestMachine, BbMachineClass, TEST_MACHINE, TYPE_TEST_MACHINE)

static const BbPropertyInfo test_machine_props[] = {
    BB_PROP_STRING("model", TestMachine, model, "test", "model name"),
    BB_PROP_BOOL("fail-realize", TestMachine, fail, false,
                 "make realize fail (tests)"),
    BB_PROP_END
};

/* The machine base type's realize (creates and maps RAM). */
static bool (*parent_realize)(BbDevice *dev, GError **error);

static bool test_machine_realize(BbDevice *dev, GError **error)
{
    if (!parent_realize(dev, error)) {
        return false;
    }
    if (TEST_MACHINE(dev)->fail) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_FAILED,
                    "machine realize failed as requested");
        return false;
    }
    return true;
}

static void test_machine_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = (BbDeviceClass *)klass;

    bb_object_class_add_properties(klass, test_machine_props);
    parent_realize = dc->realize;
    dc->realize = test_machine_realize;
}

const BbTypeInfo test_machine_info = {
    .name = TYPE_TEST_MACHINE,
    .parent = BB_TYPE_MACHINE,
    .instance_size = sizeof(TestMachine),
    .class_init = test_machine_class_init,
    .description = "test machine (board-loader tests)",
};
