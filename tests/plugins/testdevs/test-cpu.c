/*
 * test-cpu.c - "test-cpu", a hart stand-in with the properties the board
 * loader sets on harts ("hartid", "isa"), an enum option, and one-line
 * input groups named after the RISC-V interrupt pending bits it would
 * model (msip, mtip, meip, seip); it ignores their levels.
 */
#include "testdevs.h"

typedef struct TestCpu {
    BbDevice parent_obj;
    uint32_t hartid; /* set by the board loader */
    char *isa;       /* ISA string */
    int mmu;         /* enum: none, sv39, sv48 */
} TestCpu;

BB_DECLARE_TYPE(TestCpu, BbDeviceClass, TEST_CPU, TYPE_TEST_CPU)

static const char *const test_cpu_mmus[] = { "none", "sv39", "sv48", NULL };

static const BbPropertyInfo test_cpu_props[] = {
    BB_PROP_UINT("hartid", TestCpu, hartid, 0, "hart ID"),
    BB_PROP_STRING("isa", TestCpu, isa, "rv64imac", "ISA string"),
    BB_PROP_ENUM("mmu", TestCpu, mmu, 1, test_cpu_mmus, "MMU type"),
    BB_PROP_END
};

static void test_cpu_irq(void *opaque, unsigned n, bool level)
{
}

static void test_cpu_init(BbObject *obj)
{
    static const char *const inputs[] = { "msip", "mtip", "meip", "seip" };
    BbDevice *dev = BB_DEVICE(obj);

    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        bb_device_add_irq_in(dev, inputs[i], 1, test_cpu_irq, obj, NULL);
    }
}

static void test_cpu_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, test_cpu_props);
}

const BbTypeInfo test_cpu_info = {
    .name = TYPE_TEST_CPU,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestCpu),
    .instance_init = test_cpu_init,
    .class_init = test_cpu_class_init,
    .description = "hart stand-in (board tests)",
};
