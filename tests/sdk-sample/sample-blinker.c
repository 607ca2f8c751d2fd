/*
 * sample-blinker.c - the smallest useful out-of-tree device: an LED
 * blinker with one property, one IRQ output and its own device-tree node.
 * It shows the whole plugin contract: a type, its properties, realize,
 * reset, a device-tree node and the plugin descriptor.
 */
#include <breadboard/breadboard.h>

#define TYPE_SAMPLE_BLINKER "sample-blinker"

typedef struct SampleBlinker {
    BbDevice parent_obj;
    uint32_t period_ms; /* blink period */
    bool lit;           /* LED state */
} SampleBlinker;

BB_DECLARE_TYPE(SampleBlinker, BbDeviceClass, SAMPLE_BLINKER,
                TYPE_SAMPLE_BLINKER)

static const BbPropertyInfo blinker_props[] = {
    BB_PROP_UINT_RANGE("period-ms", SampleBlinker, period_ms, 500, 1, 60000,
                       "blink period in milliseconds"),
    BB_PROP_END
};

static const char *const blinker_compatible[] = { "breadboard,blinker",
                                                  NULL };

static bool blinker_realize(BbDevice *dev, GError **error)
{
    return bb_device_add_irq_out(dev, "irq", 1, error);
}

static void blinker_reset(BbDevice *dev)
{
    SAMPLE_BLINKER(dev)->lit = false;
}

static bool blinker_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    uint64_t base;
    bb_device_get_reg(dev, 0, &base, NULL);
    g_autofree char *path = g_strdup_printf("/soc/blinker@%" G_GINT64_MODIFIER
                                            "x", base);

    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   blinker_compatible, error) &&
           bb_device_fdt_reg_prop(dev, fdt, path, error);
}

static void blinker_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, blinker_props);
    dc->realize = blinker_realize;
    dc->reset = blinker_reset;
    dc->fdt_populate = blinker_fdt_populate;
    dc->reg_size = 0x1000;
    bb_device_class_set_compatible(dc, blinker_compatible);
}

static const BbTypeInfo blinker_info = {
    .name = TYPE_SAMPLE_BLINKER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(SampleBlinker),
    .class_init = blinker_class_init,
    .description = "sample out-of-tree LED blinker",
};

static bool blinker_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &blinker_info, error);
}

BB_PLUGIN_DEFINE("sample-blinker", "0.3.0", "MIT",
                 "sample out-of-tree device for the SDK test",
                 blinker_plugin_init, TYPE_SAMPLE_BLINKER)
