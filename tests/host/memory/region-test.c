/*
 * region-test.c - unit tests of memory regions (host/memory/region.c):
 * the getters, the size convention (UINT64_MAX stands for 2^64), refused
 * sizes and malformed ops tables, the refusals of add_subregion (not a
 * container, already mapped, does not fit, would contain itself),
 * bb_memory_region_write_rom() bounds, set_address on an unmapped region,
 * and the references containers, aliases and address spaces hold.
 */
#include "memory-test.h"

static void region_getters(void **state)
{
    BbMemoryRegion *r = ram_new("ram0", 0x2000);
    BbMemoryRegion *rom = bb_memory_region_new_rom(NULL, "rom0", 0x100, NULL);
    BbMemoryOps ops = { 0 };
    BbMemoryRegion *io = bb_memory_region_new_io(NULL, "io0", &ops, NULL, 8);
    BbMemoryRegion *c = bb_memory_region_new_container(NULL, "c0", 0x10);
    BbMemoryRegion *a = bb_memory_region_new_alias(NULL, "a0", r, 0x10, 0x20);

    assert_string_equal(bb_memory_region_name(r), "ram0");
    assert_int_equal(bb_memory_region_size(r), 0x2000);
    assert_int_equal(bb_memory_region_size(io), 8);
    assert_int_equal(bb_memory_region_size(a), 0x20);
    assert_true(bb_memory_region_is_ram(r));
    assert_true(bb_memory_region_is_ram(rom));
    assert_false(bb_memory_region_is_ram(io));
    assert_false(bb_memory_region_is_ram(c));
    assert_false(bb_memory_region_is_ram(a));
    assert_ptr_equal(bb_memory_region_ref(io), io);
    bb_memory_region_unref(io);
    bb_memory_region_unref(NULL);
    bb_memory_region_unref(a);
    bb_memory_region_unref(c);
    bb_memory_region_unref(io);
    bb_memory_region_unref(rom);
    bb_memory_region_unref(r);
}

static void region_size_max_means_2_pow_64(void **state)
{
    BbMemoryRegion *c = bb_memory_region_new_container(NULL, "all",
                                                       UINT64_MAX);
    BbMemoryRegion *r = ram_new("r", 0x1000);
    GError *err = NULL;

    assert_int_equal(bb_memory_region_size(c), UINT64_MAX);
    /* The last page of the 64-bit space fits... */
    assert_true(bb_memory_region_add_subregion(c, UINT64_MAX - 0xfff, r,
                                               &err));
    assert_no_error(err);
    bb_memory_region_del_subregion(c, r);
    /* ...one byte further does not. */
    assert_false(bb_memory_region_add_subregion(c, UINT64_MAX - 0xffe, r,
                                                &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    bb_memory_region_unref(r);
    bb_memory_region_unref(c);
}

static void region_ram_bad_sizes_fail(void **state)
{
    GError *err = NULL;

    assert_null(bb_memory_region_new_ram(NULL, "zero", 0, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_null(bb_memory_region_new_rom(NULL, "all", UINT64_MAX, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
}

static void count_critical(const gchar *domain, GLogLevelFlags level,
                           const gchar *message, gpointer data)
{
    (*(unsigned *)data)++;
}

/* Programming errors: NULL and a critical warning each. */
static void region_io_malformed_ops_refused(void **state)
{
    BbMemoryOps bad_size = { .valid = { 3, 4 } };
    BbMemoryOps bad_order = { .impl = { 8, 2 } };
    BbMemoryOps bad_endian = { .endianness = 7 };
    BbMemoryOps good = { 0 };
    unsigned criticals = 0;
    guint id = g_log_set_handler(NULL, G_LOG_LEVEL_CRITICAL, count_critical,
                                 &criticals);

    assert_null(bb_memory_region_new_io(NULL, "x", &bad_size, NULL, 4));
    assert_null(bb_memory_region_new_io(NULL, "x", &bad_order, NULL, 4));
    assert_null(bb_memory_region_new_io(NULL, "x", &bad_endian, NULL, 4));
    assert_null(bb_memory_region_new_io(NULL, "x", &good, NULL, 0));
    g_log_remove_handler(NULL, id);
    assert_int_equal(criticals, 4);
}

static void region_add_into_non_container_fails(void **state)
{
    BbMemoryRegion *r = ram_new("r", 0x1000), *s = ram_new("s", 0x10);
    GError *err = NULL;

    assert_false(bb_memory_region_add_subregion(r, 0, s, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "not a container");
    g_clear_error(&err);
    bb_memory_region_unref(s);
    bb_memory_region_unref(r);
}

static void region_add_already_mapped_fails(void **state)
{
    BbMemoryRegion *c1 = bb_memory_region_new_container(NULL, "c1", 0x1000);
    BbMemoryRegion *c2 = bb_memory_region_new_container(NULL, "c2", 0x1000);
    BbMemoryRegion *s = ram_new("s", 0x10);
    GError *err = NULL;

    assert_true(bb_memory_region_add_subregion(c1, 0, s, &err));
    assert_false(bb_memory_region_add_subregion(c2, 0, s, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    assert_contains(err->message, "c1");
    g_clear_error(&err);
    assert_false(bb_memory_region_add_subregion(c1, 0x100, s, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_clear_error(&err);
    bb_memory_region_unref(s);
    bb_memory_region_unref(c1);
    bb_memory_region_unref(c2);
}

static void region_add_not_fitting_fails(void **state)
{
    BbMemoryRegion *c = bb_memory_region_new_container(NULL, "c", 0x1000);
    BbMemoryRegion *s = ram_new("s", 0x100);
    GError *err = NULL;

    assert_false(bb_memory_region_add_subregion(c, 0xf01, s, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_memory_region_add_subregion(c, UINT64_MAX - 0x10, s,
                                                &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_true(bb_memory_region_add_subregion(c, 0xf00, s, &err));
    assert_no_error(err);
    bb_memory_region_unref(s);
    bb_memory_region_unref(c);
}

static void region_add_cycle_fails(void **state)
{
    BbMemoryRegion *c = bb_memory_region_new_container(NULL, "c", 0x1000);
    BbMemoryRegion *inner = bb_memory_region_new_container(NULL, "inner",
                                                           0x100);
    BbMemoryRegion *a = bb_memory_region_new_alias(NULL, "a", c, 0, 0x100);
    GError *err = NULL;

    assert_false(bb_memory_region_add_subregion(c, 0, c, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_true(bb_memory_region_add_subregion(c, 0, inner, &err));
    /* inner -> alias of c -> c -> inner */
    assert_false(bb_memory_region_add_subregion(inner, 0, a, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "contain itself");
    g_clear_error(&err);
    bb_memory_region_unref(a);
    bb_memory_region_unref(inner);
    bb_memory_region_unref(c);
}

static void region_write_rom_bounds(void **state)
{
    BbMemoryRegion *rom = bb_memory_region_new_rom(NULL, "rom", 0x100, NULL);
    BbMemoryOps ops = { 0 };
    BbMemoryRegion *io = bb_memory_region_new_io(NULL, "io", &ops, NULL, 8);
    uint8_t data[0x10] = { 1 };
    GError *err = NULL;

    assert_true(bb_memory_region_write_rom(rom, 0xf0, data, 0x10, &err));
    assert_no_error(err);
    assert_false(bb_memory_region_write_rom(rom, 0xf1, data, 0x10, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_memory_region_write_rom(rom, UINT64_MAX, data, 2, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_memory_region_write_rom(io, 0, data, 1, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    bb_memory_region_unref(io);
    bb_memory_region_unref(rom);
}

static void region_set_address_unmapped_is_noop(void **state)
{
    BbMemoryRegion *c = bb_memory_region_new_container(NULL, "c", 0x1000);
    BbAddressSpace *as = bb_address_space_new(c, "as", BB_UNASSIGNED_ERROR);
    BbMemoryRegion *r = ram_new("r", 0x100);
    uint64_t v;

    bb_memory_region_set_address(r, 0x200);
    map_sub(c, 0x100, bb_memory_region_ref(r), 0);
    assert_int_equal(bb_address_space_load(as, 0x100, 1, &v), BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(as, 0x200, 1, &v),
                     BB_MEMTX_DECODE_ERROR);
    bb_memory_region_unref(r);
    bb_address_space_free(as);
    bb_memory_region_unref(c);
}

/* Containers, aliases and address spaces keep what they use alive. */
static void region_references_keep_tree_alive(void **state)
{
    BbMemoryRegion *root = bb_memory_region_new_container(NULL, "root",
                                                          0x10000);
    BbAddressSpace *as = bb_address_space_new(root, "as",
                                              BB_UNASSIGNED_ERROR);
    BbMemoryRegion *r = ram_new("r", 0x100);
    BbMemoryRegion *a = bb_memory_region_new_alias(NULL, "a", r, 0, 0x100);
    uint8_t byte = 0x99;
    uint64_t v;

    assert_true(bb_memory_region_write_rom(r, 0x10, &byte, 1, NULL));
    bb_memory_region_unref(r);     /* the alias still holds it */
    map_sub(root, 0x1000, a, 0);   /* the container holds the alias */
    bb_memory_region_unref(root);  /* the address space holds the root */
    assert_ptr_equal(bb_address_space_get_root(as), root);
    assert_int_equal(bb_address_space_load(as, 0x1010, 1, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0x99);
    bb_address_space_free(as);     /* frees everything (valgrind checks) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(region_getters),
        cmocka_unit_test(region_size_max_means_2_pow_64),
        cmocka_unit_test(region_ram_bad_sizes_fail),
        cmocka_unit_test(region_io_malformed_ops_refused),
        cmocka_unit_test(region_add_into_non_container_fails),
        cmocka_unit_test(region_add_already_mapped_fails),
        cmocka_unit_test(region_add_not_fitting_fails),
        cmocka_unit_test(region_add_cycle_fails),
        cmocka_unit_test(region_write_rom_bounds),
        cmocka_unit_test(region_set_address_unmapped_is_noop),
        cmocka_unit_test(region_references_keep_tree_alive),
    };
    return cmocka_run_group_tests_name("host/memory/region", tests, NULL,
                                       NULL);
}
