/*
 * test-intc.c - "test-intc", an interrupt controller stand-in: an input
 * group "irq" whose size is the "num-sources" property and a second input
 * group "ext" of 4 lines, both declared at realize (so the board can only
 * check references to them after realize), and an output group "ctx" of
 * "num-contexts" lines.  It records input levels and drives nothing.
 */
#include "testdevs.h"

typedef struct TestIntc {
    BbDevice parent_obj;
    uint32_t num_sources;  /* lines in input group "irq" */
    uint32_t num_contexts; /* lines in output group "ctx" */
    uint64_t pending;      /* levels of "irq" lines 0-63 */
} TestIntc;

BB_DECLARE_TYPE(TestIntc, BbDeviceClass, TEST_INTC, TYPE_TEST_INTC)

static const BbPropertyInfo test_intc_props[] = {
    BB_PROP_UINT_RANGE("num-sources", TestIntc, num_sources, 32, 1, 1024,
                       "number of interrupt sources"),
    BB_PROP_UINT_RANGE("num-contexts", TestIntc, num_contexts, 2, 1, 64,
                       "number of output contexts"),
    BB_PROP_END
};

static void test_intc_set(void *opaque, unsigned n, bool level)
{
    TestIntc *s = opaque;

    if (n < 64) {
        s->pending = level ? s->pending | (UINT64_C(1) << n)
                           : s->pending & ~(UINT64_C(1) << n);
    }
}

static void test_intc_ext(void *opaque, unsigned n, bool level)
{
}

static bool test_intc_realize(BbDevice *dev, GError **error)
{
    TestIntc *s = TEST_INTC(dev);

    return bb_device_add_irq_in(dev, "irq", s->num_sources, test_intc_set,
                                s, error) &&
           bb_device_add_irq_in(dev, "ext", 4, test_intc_ext, s, error) &&
           bb_device_add_irq_out(dev, "ctx", s->num_contexts, error);
}

static void test_intc_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = (BbDeviceClass *)klass;

    bb_object_class_add_properties(klass, test_intc_props);
    dc->realize = test_intc_realize;
    dc->reg_size = 0x1000;
}

const BbTypeInfo test_intc_info = {
    .name = TYPE_TEST_INTC,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestIntc),
    .class_init = test_intc_class_init,
    .description = "interrupt controller stand-in (board tests)",
};
