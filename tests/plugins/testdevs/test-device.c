/*
 * test-device.c - "test-device", a device with one property of every kind
 * (bool, int with a range, uint with a range, size, string, enum, link,
 * uint/link/string arrays, a read-only uint set at realize),
 * two IRQ output groups ("irq" with 2 lines, "wake" with 1), a default
 * register size of 0x100, a device-tree node, and on request a range it
 * adds itself at realize ("self-reg"); and "test-nosize", the
 * same without a default register size (a board must give reg sizes).
 */
#include "testdevs.h"

typedef struct TestDevice {
    BbDevice parent_obj;
    bool enabled;       /* bool property */
    int32_t offset;     /* int in [-100, 100] */
    uint8_t level;      /* uint in [0, 15] */
    uint64_t buf_size;  /* size property */
    char *label;        /* string property */
    char *chardev;      /* character backend id */
    int mode;           /* enum property */
    BbObject *peer;     /* link to another device */
    bool fail;          /* make realize fail */
    uint64_t self_reg;  /* base of a 0x100 range realize adds, or 0 */
    uint8_t *lanes;     /* uint array, each in [0, 15] */
    unsigned n_lanes;
    BbObject **peers;   /* link array (devices or harts) */
    unsigned n_peers;
    char **tags;        /* string array */
    unsigned n_tags;
    uint32_t generation; /* read-only: realize sets it */
} TestDevice;

BB_DECLARE_TYPE(TestDevice, BbDeviceClass, TEST_DEVICE, TYPE_TEST_DEVICE)

static const char *const test_modes[] = { "fast", "slow", "off", NULL };
static const char *const test_device_compatible[] = { "test,device", NULL };

static const BbPropertyInfo test_device_props[] = {
    BB_PROP_BOOL("enabled", TestDevice, enabled, true, "a bool"),
    BB_PROP_INT_RANGE("offset", TestDevice, offset, 0, -100, 100,
                      "an int in [-100, 100]"),
    BB_PROP_UINT_RANGE("level", TestDevice, level, 1, 0, 15,
                       "a uint in [0, 15]"),
    BB_PROP_SIZE("buffer-size", TestDevice, buf_size, 4096, "a size"),
    BB_PROP_STRING("label", TestDevice, label, NULL, "a string"),
    BB_PROP_STRING("chardev", TestDevice, chardev, NULL,
                   "character backend"),
    BB_PROP_ENUM("mode", TestDevice, mode, 0, test_modes, "an enum"),
    BB_PROP_LINK("peer", TestDevice, peer, BB_TYPE_DEVICE, "a link"),
    BB_PROP_BOOL("fail-realize", TestDevice, fail, false,
                 "make realize fail (tests)"),
    BB_PROP_UINT("self-reg", TestDevice, self_reg, 0,
                 "base of a 0x100 range realize adds itself (tests)"),
    BB_PROP_UINT_ARRAY_RANGE("lanes", TestDevice, lanes, n_lanes, 0, 15,
                             "a uint array, each in [0, 15]"),
    BB_PROP_LINK_ARRAY("peers", TestDevice, peers, n_peers, BB_TYPE_DEVICE,
                       "a link array"),
    BB_PROP_STRING_ARRAY("tags", TestDevice, tags, n_tags,
                         "a string array"),
    BB_PROP_READONLY("generation", BB_PROP_UINT, TestDevice, generation,
                     "read-only; realize sets it to 1"),
    BB_PROP_END
};

static void test_device_init(BbObject *obj)
{
    BbDevice *dev = BB_DEVICE(obj);

    /* Cannot fail: fresh names, non-zero counts. */
    bb_device_add_irq_out(dev, "irq", 2, NULL);
    bb_device_add_irq_out(dev, "wake", 1, NULL);
}

static bool test_device_realize(BbDevice *dev, GError **error)
{
    TestDevice *s = TEST_DEVICE(dev);

    if (s->fail) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_FAILED,
                    "realize failed as requested");
        return false;
    }
    /* A read-only property is the device's to set, even in realize. */
    return bb_object_set_uint(BB_OBJECT(dev), "generation", 1, error) &&
           (!s->self_reg || bb_device_add_reg(dev, s->self_reg, 0x100, error));
}

static bool test_device_fdt(BbDevice *dev, BbFdt *fdt, GError **error)
{
    uint64_t base = 0;
    g_autofree char *path = NULL;

    bb_device_get_reg(dev, 0, &base, NULL);
    path = g_strdup_printf("/soc/test@%" G_GINT64_MODIFIER "x", base);
    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   test_device_compatible, error) &&
           (!bb_device_get_reg_count(dev) ||
            bb_device_fdt_reg_prop(dev, fdt, path, error));
}

static void test_device_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = (BbDeviceClass *)klass;

    bb_object_class_add_properties(klass, test_device_props);
    dc->realize = test_device_realize;
    dc->fdt_populate = test_device_fdt;
    dc->reg_size = 0x100;
    bb_device_class_set_compatible(dc, test_device_compatible);
}

const BbTypeInfo test_device_info = {
    .name = TYPE_TEST_DEVICE,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestDevice),
    .instance_init = test_device_init,
    .class_init = test_device_class_init,
    .description = "device with every property kind (board tests)",
};

static void test_nosize_class_init(BbObjectClass *klass, const void *data)
{
    ((BbDeviceClass *)klass)->reg_size = 0;
}

const BbTypeInfo test_nosize_info = {
    .name = TYPE_TEST_NOSIZE,
    .parent = TYPE_TEST_DEVICE,
    .class_init = test_nosize_class_init,
    .description = "test-device without a default reg size (board tests)",
};
