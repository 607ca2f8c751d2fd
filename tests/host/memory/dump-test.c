/*
 * dump-test.c - unit tests of the memory-map dumps (host/memory/dump.c):
 * the region tree with absolute addresses, priorities, kinds, nesting,
 * alias targets and windows, disabled regions and the separate dump of
 * alias targets outside the tree; and the flat view with region offsets.
 *
 * Host-internal functions are not exported from libbreadboard, so this
 * test compiles dump.c into itself; dump.c uses only the region layout
 * and the public API, which keeps the two copies equivalent.
 */
#include "memory-test.h"

#include "../../../host/memory/dump.c"

typedef struct Fix {
    BbMemoryRegion *root, *ram, *flash;
    BbAddressSpace *as;
} Fix;

/* system (2^64) with: uart0 i/o at 0x10000000, ram0 at 0x80000000
 * (0x8000000), a disabled ROM at 0x1000, a container "soc" at 0x2000000
 * holding "clint" at +0x4000 (prio 2), and an alias "flash-alias" of an
 * unmapped ROM "flash" at 0x20000000, window 0x100-0x1ff. */
static int fix_setup(void **state)
{
    static const BbMemoryOps ops = { 0 };
    Fix *f = g_new0(Fix, 1);
    BbMemoryRegion *soc = bb_memory_region_new_container(NULL, "soc",
                                                         0x10000);
    BbMemoryRegion *rom = bb_memory_region_new_rom(NULL, "mrom", 0xf000,
                                                   NULL);

    f->root = bb_memory_region_new_container(NULL, "system", UINT64_MAX);
    f->as = bb_address_space_new(f->root, "memory", BB_UNASSIGNED_ERROR);
    f->ram = ram_new("ram0", 0x8000000);
    f->flash = bb_memory_region_new_rom(NULL, "flash", 0x1000, NULL);
    map_sub(f->root, 0x80000000, bb_memory_region_ref(f->ram), 0);
    map_sub(f->root, 0x10000000,
            bb_memory_region_new_io(NULL, "uart0", &ops, NULL, 0x100), 0);
    map_sub(soc, 0x4000,
            bb_memory_region_new_io(NULL, "clint", &ops, NULL, 0xc000), 2);
    map_sub(f->root, 0x2000000, soc, 0);
    map_sub(f->root, 0x1000, rom, 0);
    bb_memory_region_set_enabled(rom, false);
    map_sub(f->root, 0x20000000,
            bb_memory_region_new_alias(NULL, "flash-alias", f->flash, 0x100,
                                       0x100), 0);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    bb_address_space_free(f->as);
    bb_memory_region_unref(f->root);
    bb_memory_region_unref(f->ram);
    bb_memory_region_unref(f->flash);
    g_free(f);
    return 0;
}

static void dump_tree_lists_regions_by_address(void **state)
{
    Fix *f = *state;
    g_autoptr(GString) out = g_string_new(NULL);

    memory_region_dump_tree(f->root, out);
    assert_string_equal(out->str,
        "0000000000000000-ffffffffffffffff (prio 0, container): system\n"
        "  0000000000001000-000000000000ffff (prio 0, rom): mrom [disabled]\n"
        "  0000000002000000-000000000200ffff (prio 0, container): soc\n"
        "    0000000002004000-000000000200ffff (prio 2, i/o): clint\n"
        "  0000000010000000-00000000100000ff (prio 0, i/o): uart0\n"
        "  0000000020000000-00000000200000ff (prio 0, alias): flash-alias "
        "@flash 0000000000000100-00000000000001ff\n"
        "  0000000080000000-0000000087ffffff (prio 0, ram): ram0\n"
        "memory-region: flash\n"
        "  0000000000000000-0000000000000fff (prio 0, rom): flash\n");
}

/* A target inside the dumped tree is not dumped again. */
static void dump_tree_skips_targets_in_tree(void **state)
{
    Fix *f = *state;
    g_autoptr(GString) out = g_string_new(NULL);

    map_sub(f->root, 0x90000000,
            bb_memory_region_new_alias(NULL, "ram-alias", f->ram, 0, 0x1000),
            0);
    memory_region_dump_tree(f->root, out);
    assert_contains(out->str, "(prio 0, alias): ram-alias @ram0 "
                              "0000000000000000-0000000000000fff\n");
    assert_null(strstr(out->str, "memory-region: ram0"));
}

static void dump_flatview_lists_ranges(void **state)
{
    Fix *f = *state;
    g_autoptr(GString) out = g_string_new(NULL);

    address_space_dump_flatview(f->as, out);
    assert_string_equal(out->str,
        "0000000002004000-000000000200ffff clint (i/o)\n"
        "0000000010000000-00000000100000ff uart0 (i/o)\n"
        "0000000020000000-00000000200000ff flash (rom) @0000000000000100\n"
        "0000000080000000-0000000087ffffff ram0 (ram)\n");
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(dump_tree_lists_regions_by_address),
        T(dump_tree_skips_targets_in_tree),
        T(dump_flatview_lists_ranges),
    };
    return cmocka_run_group_tests_name("host/memory/dump", tests, NULL, NULL);
}
