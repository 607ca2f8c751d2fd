/*
 * device-test.c - unit tests of the device base type (device.h,
 * machine.h, host/device/device.c): realize calling the class's realize and
 * then reset, realize failures (error prefixed with the device path,
 * device left unrealized), realizing twice, required properties,
 * properties frozen while realized, unrealize, reset, address ranges and
 * their validation, bus placement of a device not on a bus, the
 * fdt_populate hook, compatible strings, and the concrete machine type.
 */
#include <libfdt.h>

#include "host-test.h"

#define TYPE_DT_DEV "dt-dev"
#define TYPE_DT_REQ "dt-req"
#define TYPE_DT_PLAIN "dt-plain"

typedef struct DtDev {
    BbDevice parent_obj;
    bool fail;     /* realize fails */
    bool fdt_fail; /* fdt_populate fails */
    uint32_t clock;
    char *label;
    uint32_t freq; /* required in dt-req */
} DtDev;

BB_DECLARE_TYPE(DtDev, BbDeviceClass, DT_DEV, TYPE_DT_DEV)

static GPtrArray *trace; /* static strings, in call order */

static char *trace_joined(void)
{
    g_ptr_array_add(trace, NULL);
    char *s = g_strjoinv(",", (char **)trace->pdata);
    g_ptr_array_remove_index(trace, trace->len - 1);
    return s;
}

#define assert_trace(expected)                                                \
    do {                                                                      \
        g_autofree char *t_ = trace_joined();                                 \
        assert_string_equal(t_, (expected));                                  \
    } while (0)

static bool dt_realize(BbDevice *dev, GError **error)
{
    g_ptr_array_add(trace, "realize");
    if (DT_DEV(dev)->fail) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_IO, "boom from realize");
        return false;
    }
    return true;
}

static void dt_unrealize(BbDevice *dev)
{
    g_ptr_array_add(trace, "unrealize");
}

static void dt_reset(BbDevice *dev)
{
    g_ptr_array_add(trace, "reset");
}

static bool dt_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    g_ptr_array_add(trace, "fdt");
    if (DT_DEV(dev)->fdt_fail) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_FAILED, "no node today");
        return false;
    }
    return bb_fdt_add_node(fdt, "/soc/dt@1000", error) &&
           bb_fdt_set_prop_u32(fdt, "/soc/dt@1000", "clock-frequency",
                               DT_DEV(dev)->clock, error);
}

static const char *const dt_compatible[] = { "test,dt-dev", "test,generic",
                                             NULL };

static const BbPropertyInfo dt_props[] = {
    BB_PROP_BOOL("fail", DtDev, fail, false, "make realize fail"),
    BB_PROP_BOOL("fdt-fail", DtDev, fdt_fail, false, "make fdt fail"),
    BB_PROP_UINT("clock", DtDev, clock, 1000, "a frequency"),
    BB_PROP_STRING("label", DtDev, label, NULL, "a string"),
    BB_PROP_END,
};

static const BbPropertyInfo req_props[] = {
    { .name = "freq", .kind = BB_PROP_UINT, .offset = offsetof(DtDev, freq),
      .size = sizeof(uint32_t), .flags = BB_PROP_F_REQUIRED,
      .description = "must be set by the board" },
    BB_PROP_END,
};

static void dt_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    dc->realize = dt_realize;
    dc->unrealize = dt_unrealize;
    dc->reset = dt_reset;
    dc->fdt_populate = dt_fdt_populate;
    bb_device_class_set_compatible(dc, dt_compatible);
    bb_object_class_add_properties(klass, dt_props);
}

static void req_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, req_props);
}

static void dt_instance_finalize(BbObject *obj)
{
    g_ptr_array_add(trace, "finalize");
}

static const BbTypeInfo dt_info = {
    .name = TYPE_DT_DEV,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(DtDev),
    .class_init = dt_class_init,
    .instance_finalize = dt_instance_finalize,
};

static const BbTypeInfo req_info = {
    .name = TYPE_DT_REQ,
    .parent = TYPE_DT_DEV,
    .class_init = req_class_init,
};

static const BbTypeInfo plain_info = {
    .name = TYPE_DT_PLAIN,
    .parent = BB_TYPE_DEVICE,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &dt_info, &req_info,
                                               &plain_info };
    trace = g_ptr_array_new();
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

static int group_teardown(void **state)
{
    g_ptr_array_unref(trace);
    return 0;
}

/* The fixture: a dt-dev at /machine/dev0 (machine is a container). */
typedef struct Fix {
    BbObject *root, *machine;
    BbDevice *dev;
    DtDev *s;
} Fix;

static BbObject *new_obj(const char *type)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(type, &err);
    assert_no_error(err);
    assert_non_null(obj);
    return obj;
}

static BbDevice *add_dev(Fix *f, const char *name, const char *type)
{
    GError *err = NULL;
    BbObject *obj = new_obj(type);
    assert_true(bb_object_add_child(f->machine, name, obj, &err));
    assert_no_error(err);
    bb_object_unref(obj);
    return BB_DEVICE(obj);
}

static int fix_setup(void **state)
{
    Fix *f = g_new0(Fix, 1);
    GError *err = NULL;

    f->root = new_obj(BB_TYPE_CONTAINER);
    f->machine = new_obj(BB_TYPE_CONTAINER);
    assert_true(bb_object_add_child(f->root, "machine", f->machine, &err));
    bb_object_unref(f->machine);
    f->dev = add_dev(f, "dev0", TYPE_DT_DEV);
    f->s = DT_DEV(f->dev);
    g_ptr_array_set_size(trace, 0);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    bb_object_unref(f->root);
    g_free(f);
    return 0;
}

/* -------------------------------------------------------------- realize */

static void bb_device_realize_calls_realize_then_reset(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_device_is_realized(f->dev));
    assert_true(bb_device_realize(f->dev, &err));
    assert_no_error(err);
    assert_trace("realize,reset");
    assert_true(bb_device_is_realized(f->dev));
    assert_true(f->dev->realized);
}

static void bb_device_realize_failure_prefixes_path(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    f->s->fail = true;
    assert_false(bb_device_realize(f->dev, &err));
    /* the hook's error, kept as it was, with the path in front */
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_IO);
    assert_string_equal(err->message, "/machine/dev0: boom from realize");
    g_error_free(err);
    assert_false(bb_device_is_realized(f->dev));
    assert_trace("realize"); /* no reset after a failed realize */
}

static void bb_device_realize_after_failure_can_retry(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_object_set_prop(BB_OBJECT(f->dev), "fail", "true", &err));
    assert_false(bb_device_realize(f->dev, &err));
    g_clear_error(&err);
    /* still configurable, and a second attempt works */
    assert_true(bb_object_set_prop(BB_OBJECT(f->dev), "fail", "false", &err));
    assert_no_error(err);
    assert_true(bb_device_realize(f->dev, &err));
    assert_no_error(err);
    assert_trace("realize,realize,reset");
}

static void bb_device_realize_twice_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_device_realize(f->dev, &err));
    assert_false(bb_device_realize(f->dev, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    assert_contains(err->message, "/machine/dev0");
    g_error_free(err);
    assert_true(bb_device_is_realized(f->dev));
    assert_trace("realize,reset"); /* no second realize or reset */
}

static void bb_device_realize_without_hooks_succeeds(void **state)
{
    Fix *f = *state;
    BbDevice *plain = add_dev(f, "plain", TYPE_DT_PLAIN);
    GError *err = NULL;

    assert_true(bb_device_realize(plain, &err));
    assert_no_error(err);
    assert_true(bb_device_is_realized(plain));
    bb_device_reset(plain);
    bb_device_unrealize(plain);
    assert_false(bb_device_is_realized(plain));
    assert_int_equal(trace->len, 0);
}

static void bb_device_realize_required_prop_unset_fails(void **state)
{
    Fix *f = *state;
    BbDevice *req = add_dev(f, "req0", TYPE_DT_REQ);
    GError *err = NULL;

    assert_false(bb_device_realize(req, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'freq'");
    assert_true(g_str_has_prefix(err->message, "/machine/req0"));
    g_clear_error(&err);
    assert_false(bb_device_is_realized(req));
    assert_int_equal(trace->len, 0); /* the hook was not even called */
    /* setting it, even to its default, satisfies the requirement */
    assert_true(bb_object_set_prop(BB_OBJECT(req), "freq", "0", &err));
    assert_true(bb_device_realize(req, &err));
    assert_no_error(err);
    assert_trace("realize,reset");
}

static void bb_device_realize_required_prop_typed_setter(void **state)
{
    Fix *f = *state;
    BbDevice *req = add_dev(f, "req1", TYPE_DT_REQ);
    GError *err = NULL;

    assert_true(bb_object_set_uint(BB_OBJECT(req), "freq", 50, &err));
    assert_true(bb_device_realize(req, &err));
    assert_no_error(err);
    assert_int_equal(DT_DEV(req)->freq, 50);
}

static void bb_device_realize_required_prop_failed_set_not_counted(
    void **state)
{
    Fix *f = *state;
    BbDevice *req = add_dev(f, "req2", TYPE_DT_REQ);
    GError *err = NULL;

    assert_false(bb_object_set_prop(BB_OBJECT(req), "freq", "junk", &err));
    g_clear_error(&err);
    assert_false(bb_device_realize(req, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'freq'");
    g_error_free(err);
}

/* ------------------------------------------------------------ freezing */

static void bb_object_set_prop_realized_device_fails(void **state)
{
    Fix *f = *state;
    BbObject *obj = BB_OBJECT(f->dev);
    GError *err = NULL;

    assert_true(bb_object_set_prop(obj, "clock", "2000", &err));
    assert_true(bb_device_realize(f->dev, &err));
    assert_false(bb_object_set_prop(obj, "clock", "3000", &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    assert_contains(err->message, "'clock'");
    assert_contains(err->message, "/machine/dev0");
    g_clear_error(&err);
    assert_false(bb_object_set_uint(obj, "clock", 3000, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_clear_error(&err);
    assert_false(bb_object_set_str(obj, "label", "x", &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_clear_error(&err);
    assert_false(bb_object_set_bool(obj, "fail", true, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_clear_error(&err);
    assert_int_equal(f->s->clock, 2000);
    assert_null(f->s->label);
    assert_false(f->s->fail);
    /* reading is still fine */
    g_autofree char *v = bb_object_get_prop(obj, "clock", &err);
    assert_no_error(err);
    assert_string_equal(v, "2000");
}

static void bb_object_set_prop_realized_unknown_is_not_found(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_device_realize(f->dev, &err));
    assert_false(bb_object_set_prop(BB_OBJECT(f->dev), "nope", "1", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    g_error_free(err);
}

/* ------------------------------------------------------ unrealize, reset */

static void bb_device_unrealize_calls_hook_and_thaws(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_device_realize(f->dev, &err));
    bb_device_unrealize(f->dev);
    assert_false(bb_device_is_realized(f->dev));
    assert_trace("realize,reset,unrealize");
    assert_true(bb_object_set_prop(BB_OBJECT(f->dev), "clock", "5", &err));
    assert_no_error(err);
    assert_true(bb_device_realize(f->dev, &err));
    assert_no_error(err);
    assert_trace("realize,reset,unrealize,realize,reset");
}

/* The last unref of a realized device unrealizes it before the subclass's
 * instance_finalize runs, so unrealize still sees the whole device. */
static void bb_object_unref_realized_unrealizes_before_finalize(void **state)
{
    GError *err = NULL;
    BbObject *obj = new_obj(TYPE_DT_DEV);

    assert_true(bb_device_realize(BB_DEVICE(obj), &err));
    assert_no_error(err);
    g_ptr_array_set_size(trace, 0);
    bb_object_unref(obj);
    assert_trace("unrealize,finalize");
}

static void bb_device_unrealize_unrealized_is_noop(void **state)
{
    Fix *f = *state;

    bb_device_unrealize(f->dev);
    assert_false(bb_device_is_realized(f->dev));
    assert_int_equal(trace->len, 0);
}

static void bb_device_reset_calls_hook_each_time(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_device_realize(f->dev, &err));
    bb_device_reset(f->dev);
    bb_device_reset(f->dev);
    assert_trace("realize,reset,reset,reset");
}

/* ------------------------------------------------------- address ranges */

static void bb_device_add_reg_appends_ranges(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    uint64_t base = 1, size = 1;

    assert_int_equal(bb_device_get_reg_count(f->dev), 0);
    assert_false(bb_device_get_reg(f->dev, 0, &base, &size));
    assert_true(bb_device_add_reg(f->dev, 0x10000000, 0x100, &err));
    assert_true(bb_device_add_reg(f->dev, 0x2000000000ULL, 0x1000, &err));
    assert_no_error(err);
    assert_int_equal(bb_device_get_reg_count(f->dev), 2);
    assert_true(bb_device_get_reg(f->dev, 0, &base, &size));
    assert_int_equal(base, 0x10000000);
    assert_int_equal(size, 0x100);
    assert_true(bb_device_get_reg(f->dev, 1, &base, &size));
    assert_int_equal(base, 0x2000000000ULL);
    assert_int_equal(size, 0x1000);
    assert_false(bb_device_get_reg(f->dev, 2, &base, &size));
    assert_true(bb_device_get_reg(f->dev, 1, NULL, NULL));
}

static void bb_device_add_reg_zero_size_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_device_add_reg(f->dev, 0x1000, 0, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
    assert_int_equal(bb_device_get_reg_count(f->dev), 0);
}

static void bb_device_add_reg_wrap_around_fails(void **state)
{
    Fix *f = *state;
    static const struct { uint64_t base, size; } bad[] = {
        { 0xfffffffffffff000ULL, 0x2000 },
        { UINT64_MAX, 2 },
        { 2, UINT64_MAX },
        { UINT64_MAX, UINT64_MAX },
    };
    GError *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_false(bb_device_add_reg(f->dev, bad[i].base, bad[i].size,
                                       &err));
        assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
        g_clear_error(&err);
    }
    assert_int_equal(bb_device_get_reg_count(f->dev), 0);
}

static void bb_device_add_reg_up_to_top_succeeds(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    /* ending at the last address is not a wrap */
    assert_true(bb_device_add_reg(f->dev, 0xfffffffffffff000ULL, 0x1000,
                                  &err));
    assert_true(bb_device_add_reg(f->dev, 0, UINT64_MAX, &err));
    assert_true(bb_device_add_reg(f->dev, 1, UINT64_MAX, &err));
    assert_true(bb_device_add_reg(f->dev, UINT64_MAX, 1, &err));
    assert_no_error(err);
    assert_int_equal(bb_device_get_reg_count(f->dev), 4);
}

static void bb_device_add_reg_realized_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_device_realize(f->dev, &err));
    assert_false(bb_device_add_reg(f->dev, 0x1000, 0x100, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_error_free(err);
    assert_int_equal(bb_device_get_reg_count(f->dev), 0);
}

/* ------------------------------------------------------------------ bus */

static void bb_device_get_bus_not_on_bus(void **state)
{
    Fix *f = *state;
    const char *bus = "junk";
    int slot = 99, func = 99;

    assert_false(bb_device_get_bus(f->dev, &bus, &slot, &func));
    assert_null(bus);
    assert_int_equal(slot, -1);
    assert_int_equal(func, 0);
    assert_false(bb_device_get_bus(f->dev, NULL, NULL, NULL));
}

/* ------------------------------------------------------------------ fdt */

static void bb_device_fdt_populate_calls_hook(void **state)
{
    Fix *f = *state;
    BbFdt *fdt = bb_fdt_new();
    GError *err = NULL;
    size_t size;

    f->s->clock = 1234;
    assert_true(bb_device_fdt_populate(f->dev, fdt, &err));
    assert_no_error(err);
    assert_trace("fdt");
    const void *blob = bb_fdt_get_blob(fdt, &size);
    int off = fdt_path_offset(blob, "/soc/dt@1000");
    assert_true(off >= 0);
    int len;
    const fdt32_t *v = fdt_getprop(blob, off, "clock-frequency", &len);
    assert_non_null(v);
    assert_int_equal(len, 4);
    assert_int_equal(fdt32_to_cpu(*v), 1234);
    bb_fdt_free(fdt);
}

static void bb_device_fdt_populate_without_hook_is_noop(void **state)
{
    Fix *f = *state;
    BbDevice *plain = add_dev(f, "plain", TYPE_DT_PLAIN);
    BbFdt *fdt = bb_fdt_new();
    GError *err = NULL;
    size_t before, after;

    bb_fdt_get_blob(fdt, &before);
    assert_true(bb_device_fdt_populate(plain, fdt, &err));
    assert_no_error(err);
    bb_fdt_get_blob(fdt, &after);
    assert_int_equal(before, after);
    bb_fdt_free(fdt);
}

static void bb_device_fdt_populate_failure_propagates(void **state)
{
    Fix *f = *state;
    BbFdt *fdt = bb_fdt_new();
    GError *err = NULL;

    f->s->fdt_fail = true;
    assert_false(bb_device_fdt_populate(f->dev, fdt, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_FAILED);
    assert_contains(err->message, "no node today");
    assert_true(g_str_has_prefix(err->message, "/machine/dev0"));
    g_error_free(err);
    bb_fdt_free(fdt);
}

static void bb_device_class_set_compatible_sets_table(void **state)
{
    Fix *f = *state;
    BbDeviceClass *dc = BB_DEVICE_GET_CLASS(f->dev);

    assert_ptr_equal(dc->compatible, dt_compatible);
    assert_string_equal(dc->compatible[0], "test,dt-dev");
    /* inherited by a subclass */
    BbDeviceClass *rc = BB_DEVICE_CLASS(
        bb_object_class_by_name(TYPE_DT_REQ, NULL));
    assert_ptr_equal(rc->compatible, dt_compatible);
    assert_ptr_equal(rc->realize, dt_realize);
}

/* -------------------------------------------------------------- machine */

static void bb_object_new_machine_is_concrete(void **state)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(BB_TYPE_MACHINE, &err);

    assert_no_error(err);
    assert_non_null(obj);
    BbMachine *m = BB_MACHINE(obj);
    assert_ptr_equal(BB_DEVICE(obj), (BbDevice *)m);
    assert_true(bb_object_set_prop(obj, "ram-size", "128M", &err));
    assert_true(bb_object_set_prop(obj, "ram-base", "0x80000000", &err));
    assert_true(bb_object_set_prop(obj, "harts", "4", &err));
    assert_true(bb_object_set_prop(obj, "kernel", "Image", &err));
    assert_no_error(err);
    assert_int_equal(m->ram_size, 128 << 20);
    assert_int_equal(m->ram_base, 0x80000000);
    assert_int_equal(m->harts, 4);
    assert_string_equal(m->kernel, "Image");
    assert_null(m->firmware);
    const char *names[] = { "ram-base", "ram-size", "harts", "firmware",
                            "kernel", "initrd", "append", "dtb" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        assert_non_null(bb_object_find_property(obj, names[i]));
    }
    assert_true(bb_device_realize(BB_DEVICE(obj), &err));
    assert_no_error(err);
    assert_false(bb_object_set_prop(obj, "harts", "2", &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_error_free(err);
    bb_object_unref(obj);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bb_device_realize_calls_realize_then_reset),
        T(bb_device_realize_failure_prefixes_path),
        T(bb_device_realize_after_failure_can_retry),
        T(bb_device_realize_twice_fails),
        T(bb_device_realize_without_hooks_succeeds),
        T(bb_device_realize_required_prop_unset_fails),
        T(bb_device_realize_required_prop_typed_setter),
        T(bb_device_realize_required_prop_failed_set_not_counted),
        T(bb_object_set_prop_realized_device_fails),
        T(bb_object_set_prop_realized_unknown_is_not_found),
        T(bb_device_unrealize_calls_hook_and_thaws),
        T(bb_device_unrealize_unrealized_is_noop),
        T(bb_object_unref_realized_unrealizes_before_finalize),
        T(bb_device_reset_calls_hook_each_time),
        T(bb_device_add_reg_appends_ranges),
        T(bb_device_add_reg_zero_size_fails),
        T(bb_device_add_reg_wrap_around_fails),
        T(bb_device_add_reg_up_to_top_succeeds),
        T(bb_device_add_reg_realized_fails),
        T(bb_device_get_bus_not_on_bus),
        T(bb_device_fdt_populate_calls_hook),
        T(bb_device_fdt_populate_without_hook_is_noop),
        T(bb_device_fdt_populate_failure_propagates),
        T(bb_device_class_set_compatible_sets_table),
        T(bb_object_new_machine_is_concrete),
    };
    return cmocka_run_group_tests_name("host/qom/device", tests, group_setup,
                                       group_teardown);
}
