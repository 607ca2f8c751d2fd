/*
 * mapping-test.c - the host owns what it maps (device.h, host/device/
 * device.c): regions declared with bb_device_init_mmio() are mapped at the
 * board ranges when realize succeeds and unmapped before the unrealize
 * hook runs; regions a device places itself with bb_device_map_region()
 * likewise; a failed realize leaves nothing mapped; regions declared in
 * realize are dropped at unrealize so realizing again does not pile them
 * up; output IRQ lines go low at unrealize; a device with no system has
 * nowhere to map.
 */
#include "host-test.h"

/* Fail unless @err is set and its message contains @needle. */
#define assert_error_contains(err, needle)                                    \
    do {                                                                      \
        if ((err) == NULL) {                                                  \
            fail_msg("expected an error, got none");                          \
        }                                                                     \
        assert_contains((err)->message, (needle));                            \
    } while (0)

#define TYPE_MAP_DEV "map-dev"

typedef struct MapDev {
    BbDevice parent_obj;
    bool fail_realize;         /* realize maps a region, then fails */
    bool fail_late;            /* declare more regions than ranges */
    bool saw_mapped_in_unrealize; /* region still mapped in the hook */
    uint64_t place_at;         /* bb_device_map_region() base, or 0 */
    uint32_t reg;              /* the register behind the region */
    BbSystem *sys;
} MapDev;

static uint64_t map_read(void *opaque, uint64_t addr, unsigned size)
{
    return ((MapDev *)opaque)->reg;
}

static void map_write(void *opaque, uint64_t addr, uint64_t value,
                      unsigned size)
{
    ((MapDev *)opaque)->reg = (uint32_t)value;
}

static const BbMemoryOps map_ops = {
    .read = map_read,
    .write = map_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static bool map_realize(BbDevice *dev, GError **error)
{
    MapDev *s = (MapDev *)dev;
    BbMemoryRegion *mr;

    s->sys = bb_device_get_system(dev);
    mr = bb_memory_region_new_io(BB_OBJECT(dev), "regs", &map_ops, s, 0x10);
    bb_device_init_mmio(dev, mr);
    bb_memory_region_unref(mr);
    if (s->fail_late) {
        mr = bb_memory_region_new_io(BB_OBJECT(dev), "more", &map_ops, s,
                                     0x10);
        bb_device_init_mmio(dev, mr);
        bb_memory_region_unref(mr);
    }
    if (s->place_at) {
        bool ok;
        mr = bb_memory_region_new_io(BB_OBJECT(dev), "placed", &map_ops, s,
                                     0x10);
        ok = bb_device_map_region(dev, mr, s->place_at, 0, error);
        bb_memory_region_unref(mr);
        if (!ok) {
            return false;
        }
    }
    if (s->fail_realize) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID, "no");
        return false;
    }
    return true;
}

static void map_unrealize(BbDevice *dev)
{
    MapDev *s = (MapDev *)dev;
    uint64_t v;

    s->saw_mapped_in_unrealize =
        s->sys && bb_address_space_load(bb_system_get_address_space(s->sys),
                                        0x1000, 4, &v) == BB_MEMTX_OK;
}

static void map_class_init(BbObjectClass *klass, const void *data)
{
    BB_DEVICE_CLASS(klass)->realize = map_realize;
    BB_DEVICE_CLASS(klass)->unrealize = map_unrealize;
}

static void map_instance_init(BbObject *obj)
{
    g_assert(bb_device_add_irq_out(BB_DEVICE(obj), "irq", 1, NULL));
}

static const BbTypeInfo map_info = {
    .name = TYPE_MAP_DEV,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(MapDev),
    .class_init = map_class_init,
    .instance_init = map_instance_init,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &map_info };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

typedef struct Rig {
    BbSystem *sys;
    BbObject *root;
    BbMachine *machine;
    MapDev *dev;
    BbAddressSpace *as;
} Rig;

static void rig_init(Rig *r)
{
    BbSystemOptions opts = { .icount = true };
    GError *err = NULL;

    r->sys = bb_system_new(&opts);
    r->as = bb_system_get_address_space(r->sys);
    r->root = bb_object_new(BB_TYPE_CONTAINER, &err);
    r->machine = BB_MACHINE(bb_object_new(BB_TYPE_MACHINE, &err));
    assert_true(bb_object_add_child(r->root, "machine",
                                    BB_OBJECT(r->machine), &err));
    bb_object_unref(BB_OBJECT(r->machine));
    r->machine->system = r->sys;
    r->dev = (MapDev *)bb_object_new(TYPE_MAP_DEV, &err);
    assert_true(bb_object_add_child(BB_OBJECT(r->machine), "dev",
                                    BB_OBJECT(r->dev), &err));
    bb_object_unref(BB_OBJECT(r->dev));
    assert_true(bb_device_add_reg(BB_DEVICE(r->dev), 0x1000, 0x100, &err));
    assert_no_error(err);
}

static void rig_free(Rig *r)
{
    bb_object_unref(r->root);
    bb_system_free(r->sys);
}

static bool mapped(Rig *r, uint64_t addr)
{
    uint64_t v;
    return bb_address_space_load(r->as, addr, 4, &v) == BB_MEMTX_OK;
}

static void bb_device_realize_maps_declared_regions(void **state)
{
    Rig r;
    GError *err = NULL;
    uint64_t v = 0;

    rig_init(&r);
    assert_false(mapped(&r, 0x1000));
    assert_true(bb_device_realize(BB_DEVICE(r.dev), &err));
    assert_no_error(err);
    assert_int_equal(bb_address_space_store(r.as, 0x1004, 4, 0x1234),
                     BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(r.as, 0x1000, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x1234);
    assert_false(mapped(&r, 0x1010)); /* the range is 0x100, the region 0x10 */
    rig_free(&r);
}

static void bb_device_unrealize_unmaps_before_the_hook(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    r.dev->place_at = 0x5000;
    assert_true(bb_device_realize(BB_DEVICE(r.dev), &err));
    assert_true(mapped(&r, 0x1000));
    assert_true(mapped(&r, 0x5000));
    bb_device_unrealize(BB_DEVICE(r.dev));
    assert_false(r.dev->saw_mapped_in_unrealize);
    assert_false(mapped(&r, 0x1000));
    assert_false(mapped(&r, 0x5000));
    rig_free(&r);
}

static void bb_device_realize_again_maps_once(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    for (int i = 0; i < 3; i++) {
        assert_true(bb_device_realize(BB_DEVICE(r.dev), &err));
        assert_no_error(err);
        assert_true(mapped(&r, 0x1000));
        /* realize declared its region again; the old one was dropped */
        assert_non_null(bb_device_get_mmio(BB_DEVICE(r.dev), 0));
        assert_null(bb_device_get_mmio(BB_DEVICE(r.dev), 1));
        bb_device_unrealize(BB_DEVICE(r.dev));
        assert_false(mapped(&r, 0x1000));
    }
    rig_free(&r);
}

static void bb_device_realize_failure_unmaps_placed_regions(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    r.dev->place_at = 0x5000;
    r.dev->fail_realize = true;
    assert_false(bb_device_realize(BB_DEVICE(r.dev), &err));
    assert_error_contains(err, "/machine/dev: no");
    g_clear_error(&err);
    assert_false(mapped(&r, 0x5000));
    assert_false(mapped(&r, 0x1000));
    assert_null(bb_device_get_mmio(BB_DEVICE(r.dev), 0));
    r.dev->fail_realize = false; /* and a later realize works */
    assert_true(bb_device_realize(BB_DEVICE(r.dev), &err));
    assert_true(mapped(&r, 0x5000));
    rig_free(&r);
}

static void bb_device_realize_more_regions_than_ranges(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    r.dev->fail_late = true;
    assert_false(bb_device_realize(BB_DEVICE(r.dev), &err));
    assert_error_contains(err, "/machine/dev: the device serves 2 address "
                               "ranges but the board gives it 1");
    g_clear_error(&err);
    assert_false(bb_device_is_realized(BB_DEVICE(r.dev)));
    assert_false(mapped(&r, 0x1000)); /* the first one is undone too */
    rig_free(&r);
}

static void bb_device_realize_range_too_small(void **state)
{
    Rig r;
    GError *err = NULL;
    uint64_t base, size;

    rig_init(&r);
    BbDevice *other = BB_DEVICE(bb_object_new(TYPE_MAP_DEV, &err));
    assert_true(bb_object_add_child(BB_OBJECT(r.machine), "small",
                                    BB_OBJECT(other), &err));
    bb_object_unref(BB_OBJECT(other));
    assert_true(bb_device_add_reg(other, 0x2000, 8, &err));
    assert_false(bb_device_realize(other, &err));
    assert_error_contains(err, "range 0: its registers need 0x10 bytes but "
                               "the board gives 0x8");
    g_clear_error(&err);
    assert_true(bb_device_get_reg(other, 0, &base, &size));
    assert_false(mapped(&r, 0x2000));
    rig_free(&r);
}

static void bb_device_map_region_needs_a_system(void **state)
{
    GError *err = NULL;
    MapDev *dev = (MapDev *)bb_object_new(TYPE_MAP_DEV, &err);

    dev->place_at = 0x5000;
    assert_false(bb_device_realize(BB_DEVICE(dev), &err));
    assert_error_contains(err, "is not under a machine with a system: there "
                               "is no address space to map 'placed' into");
    g_clear_error(&err);
    dev->place_at = 0; /* declared regions: nowhere to map, not an error */
    assert_true(bb_device_realize(BB_DEVICE(dev), &err));
    assert_no_error(err);
    bb_object_unref(BB_OBJECT(dev));
}

static void bb_device_map_region_overlay_unmapped_with_the_rest(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    r.dev->place_at = 0x1000; /* over its own board range: same priority */
    assert_true(bb_device_realize(BB_DEVICE(r.dev), &err));
    /* The memory API allows overlaps (the board checks them); both are
     * mapped and both are gone after unrealize. */
    bb_device_unrealize(BB_DEVICE(r.dev));
    assert_false(mapped(&r, 0x1000));
    rig_free(&r);
}

static void bb_device_unrealize_lowers_outputs(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    assert_true(bb_device_realize(BB_DEVICE(r.dev), &err));
    BbIrqOut *out = bb_device_get_irq_out(BB_DEVICE(r.dev), "irq", 0);
    bb_irq_out_set(out, true);
    assert_true(bb_irq_out_get(out));
    bb_device_unrealize(BB_DEVICE(r.dev));
    assert_false(bb_irq_out_get(out));
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bb_device_realize_maps_declared_regions),
        cmocka_unit_test(bb_device_unrealize_unmaps_before_the_hook),
        cmocka_unit_test(bb_device_realize_again_maps_once),
        cmocka_unit_test(bb_device_realize_failure_unmaps_placed_regions),
        cmocka_unit_test(bb_device_realize_more_regions_than_ranges),
        cmocka_unit_test(bb_device_realize_range_too_small),
        cmocka_unit_test(bb_device_map_region_needs_a_system),
        cmocka_unit_test(bb_device_map_region_overlay_unmapped_with_the_rest),
        cmocka_unit_test(bb_device_unrealize_lowers_outputs),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
