/*
 * bad-state.c - a test plugin ("bad-state") whose device types carry
 * broken state tables, so the tests can check that the host refuses them
 * when a type is first used, naming the plugin, the type and the field:
 * "bad-state-dev" has a field past the end of its instance,
 * "bad-nested-dev" a nested struct whose own table has a count field of
 * an impossible size, and "good-state-dev" (the control) a valid table.
 */
#include <breadboard/breadboard.h>

typedef struct BadElem {
    uint32_t n;
    uint8_t bytes[4];
} BadElem;

typedef struct BadDev {
    BbDevice parent_obj;
    uint32_t reg;
    BadElem elem;
} BadDev;

static const BbStateField elem_fields[] = {
    { .name = "bytes", .kind = BB_STATE_U8, .offset = offsetof(BadElem, bytes),
      .size = 4, .flags = BB_STATE_F_VARRAY,
      .count_offset = offsetof(BadElem, n), .count_size = 3 },
    BB_STATE_END,
};

static const BbStateDesc elem_state = {
    .name = "bad-elem", .version = 1, .min_version = 1,
    .fields = elem_fields, .size = sizeof(BadElem),
};

static const BbStateField outside_fields[] = {
    BB_STATE_U32(BadDev, reg),
    { "beyond", BB_STATE_U32, sizeof(BadDev), 4, 0 },
    BB_STATE_END,
};

static const BbStateField nested_fields[] = {
    BB_STATE_U32(BadDev, reg),
    BB_STATE_STRUCT(BadDev, elem, &elem_state),
    BB_STATE_END,
};

static const BbStateField good_fields[] = {
    BB_STATE_U32(BadDev, reg),
    BB_STATE_END,
};

static const BbStateDesc outside_state = { "bad-state-dev", 1, 1,
                                           outside_fields };
static const BbStateDesc nested_state = { "bad-nested-dev", 1, 1,
                                          nested_fields };
static const BbStateDesc good_state = { "good-state-dev", 1, 1,
                                        good_fields };

static void bad_class_init(BbObjectClass *klass, const void *data)
{
    BB_DEVICE_CLASS(klass)->state = data;
}

#define BAD_TYPE(var, tname, desc)                                            \
    static const BbTypeInfo var = {                                          \
        .name = tname,                                                       \
        .parent = BB_TYPE_DEVICE,                                            \
        .instance_size = sizeof(BadDev),                                     \
        .class_init = bad_class_init,                                        \
        .class_data = &desc,                                                 \
        .description = "device with a test state table",                     \
    }

BAD_TYPE(outside_info, "bad-state-dev", outside_state);
BAD_TYPE(nested_info, "bad-nested-dev", nested_state);
BAD_TYPE(good_info, "good-state-dev", good_state);

static bool bad_state_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &outside_info, error) &&
           bb_plugin_register_type(plugin, &nested_info, error) &&
           bb_plugin_register_type(plugin, &good_info, error);
}

BB_PLUGIN_DEFINE("bad-state", "1.0.0", "MIT",
                 "test plugin: device types with broken state tables",
                 bad_state_init, "bad-state-dev", "bad-nested-dev",
                 "good-state-dev")
