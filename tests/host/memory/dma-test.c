/*
 * dma-test.c - unit tests of buffer transfers and direct mappings
 * (host/memory/dma.c): reads, writes and fills across RAM, an I/O region
 * and a hole under both unassigned policies, the access sizes used on I/O
 * (widest naturally aligned size @valid allows), zero-filling after a
 * failure, ROM, transfers wrapping past 2^64, and bb_address_space_map()
 * on RAM, ROM, I/O and holes.
 *
 * Layout: RAM "lo" 0x0-0xfff, I/O "dev" 0x1000-0x10ff (valid 1..4 bytes),
 * hole 0x1100-0x1fff, RAM "hi" 0x2000-0x2fff.
 */
#include "memory-test.h"

typedef struct Fix {
    BbMemoryRegion *root, *lo, *hi;
    BbAddressSpace *as;
    RecDev *dev;
} Fix;

static Fix *fix_new(BbUnassignedPolicy policy)
{
    Fix *f = g_new0(Fix, 1);
    BbMemoryOps ops = { .read = rec_read, .write = rec_write,
                        .read_with_result = rec_read_res,
                        .write_with_result = rec_write_res,
                        .valid = { 1, 4 }, .impl = { 1, 4 } };

    f->root = bb_memory_region_new_container(NULL, "root", 0x10000);
    f->as = bb_address_space_new(f->root, "dma", policy);
    f->dev = rec_dev_new(false);
    f->lo = ram_new("lo", 0x1000);
    f->hi = ram_new("hi", 0x1000);
    map_sub(f->root, 0x0, bb_memory_region_ref(f->lo), 0);
    map_sub(f->root, 0x2000, bb_memory_region_ref(f->hi), 0);
    map_sub(f->root, 0x1000, rec_region(f->dev, "dev", 0x100, &ops), 0);
    return f;
}

static int fix_setup(void **state)
{
    *state = fix_new(BB_UNASSIGNED_ERROR);
    return 0;
}

static int fix_setup_ignore(void **state)
{
    *state = fix_new(BB_UNASSIGNED_IGNORE);
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    bb_address_space_free(f->as);
    bb_memory_region_unref(f->root);
    bb_memory_region_unref(f->lo);
    bb_memory_region_unref(f->hi);
    rec_dev_free(f->dev);
    g_free(f);
    return 0;
}

static uint8_t *ram_ptr(Fix *f, uint64_t addr)
{
    uint64_t len = 1;
    uint8_t *p = bb_address_space_map(f->as, addr, &len, true);
    assert_non_null(p);
    return p;
}

static void dma_read_across_ram_and_io(void **state)
{
    Fix *f = *state;
    uint8_t buf[0x20];

    for (unsigned i = 0; i < 16; i++) {
        ram_ptr(f, 0xff0)[i] = (uint8_t)i;
    }
    assert_int_equal(bb_address_space_read(f->as, 0xff0, buf, sizeof(buf)),
                     BB_MEMTX_OK);
    for (unsigned i = 0; i < 16; i++) {
        assert_int_equal(buf[i], i);
        assert_int_equal(buf[16 + i], f->dev->bytes[i]);
    }
    assert_int_equal(f->dev->calls->len, 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_call(f->dev, i, false, 4 * i, 4, rec_get(f->dev, 4 * i, 4));
    }
}

/* I/O gets the widest naturally aligned access that fits. */
static void dma_io_uses_widest_aligned_size(void **state)
{
    Fix *f = *state;
    uint8_t buf[8];

    assert_int_equal(bb_address_space_read(f->as, 0x1001, buf, 8),
                     BB_MEMTX_OK);
    assert_int_equal(f->dev->calls->len, 4);
    assert_call(f->dev, 0, false, 1, 1, f->dev->bytes[1]);
    assert_call(f->dev, 1, false, 2, 2, rec_get(f->dev, 2, 2));
    assert_call(f->dev, 2, false, 4, 4, rec_get(f->dev, 4, 4));
    assert_call(f->dev, 3, false, 8, 1, f->dev->bytes[8]);
    assert_memory_equal(buf, f->dev->bytes + 1, 8);
}

static void dma_read_into_hole_fails_and_zero_fills(void **state)
{
    Fix *f = *state;
    uint8_t buf[0x20];

    memset(buf, 0xaa, sizeof(buf));
    assert_int_equal(bb_address_space_read(f->as, 0x10f0, buf, sizeof(buf)),
                     BB_MEMTX_DECODE_ERROR);
    assert_memory_equal(buf, f->dev->bytes + 0xf0, 16);
    for (unsigned i = 16; i < sizeof(buf); i++) {
        assert_int_equal(buf[i], 0);
    }
}

static void dma_read_hole_ignored_reads_ones(void **state)
{
    Fix *f = *state;
    g_autofree uint8_t *buf = g_malloc(0x1000);

    ram_ptr(f, 0x2000)[0] = 0x42;
    assert_int_equal(bb_address_space_read(f->as, 0x1f00, buf, 0x101),
                     BB_MEMTX_OK);
    for (unsigned i = 0; i < 0x100; i++) {
        assert_int_equal(buf[i], 0xff);
    }
    assert_int_equal(buf[0x100], 0x42);
}

static void dma_write_across_ram_and_io(void **state)
{
    Fix *f = *state;
    uint8_t buf[0x18];

    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(0x10 + i);
    }
    assert_int_equal(bb_address_space_write(f->as, 0xff8, buf, sizeof(buf)),
                     BB_MEMTX_OK);
    assert_memory_equal(ram_ptr(f, 0xff8), buf, 8);
    assert_memory_equal(f->dev->bytes, buf + 8, 16);
    assert_int_equal(f->dev->calls->len, 4);
    assert_call(f->dev, 0, true, 0, 4, 0x1b1a1918);
    assert_call(f->dev, 3, true, 12, 4, 0x27262524);
}

/* A write stops at the hole: RAM after it is not written. */
static void dma_write_stops_at_hole(void **state)
{
    Fix *f = *state;
    g_autofree uint8_t *buf = g_malloc(0x2000);

    memset(buf, 0x77, 0x2000);
    assert_int_equal(bb_address_space_write(f->as, 0x1000, buf, 0x1100),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(f->dev->bytes[0xff], 0x77);
    assert_int_equal(ram_ptr(f, 0x2000)[0], 0);
}

static void dma_fill_across_ram_io_and_ignored_hole(void **state)
{
    Fix *f = *state;
    uint8_t *lo = ram_ptr(f, 0), *hi = ram_ptr(f, 0x2000);

    assert_int_equal(bb_address_space_fill(f->as, 0x0, 0x5a, 0x3000),
                     BB_MEMTX_OK);
    for (unsigned i = 0; i < 0x1000; i++) {
        assert_int_equal(lo[i], 0x5a);
        assert_int_equal(hi[i], 0x5a);
    }
    for (unsigned i = 0; i < 0x100; i++) {
        assert_int_equal(f->dev->bytes[i], 0x5a);
    }
    assert_int_equal(f->dev->calls->len, 0x40);
    assert_call(f->dev, 0, true, 0, 4, 0x5a5a5a5a);
}

static void dma_fill_stops_at_hole(void **state)
{
    Fix *f = *state;

    assert_int_equal(bb_address_space_fill(f->as, 0x0, 0x5a, 0x3000),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(ram_ptr(f, 0xfff)[0], 0x5a);
    assert_int_equal(ram_ptr(f, 0x2000)[0], 0);
}

static void dma_io_failure_zero_fills_rest(void **state)
{
    Fix *f = *state;
    uint8_t buf[12];

    memset(buf, 0xaa, sizeof(buf));
    memset(ram_ptr(f, 0xffc), 0x33, 4);
    f->dev->fail = BB_MEMTX_ERROR;
    assert_int_equal(bb_address_space_read(f->as, 0xffc, buf, sizeof(buf)),
                     BB_MEMTX_ERROR);
    assert_int_equal(f->dev->calls->len, 1);
    for (unsigned i = 0; i < sizeof(buf); i++) {
        assert_int_equal(buf[i], i < 4 ? 0x33 : 0);
    }
}

static void dma_rom_ignores_writes(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *rom = bb_memory_region_new_rom(NULL, "rom", 0x100, NULL);
    uint8_t data[4] = { 9, 8, 7, 6 }, junk[4] = { 0 }, back[4];

    assert_true(bb_memory_region_write_rom(rom, 0, data, 4, NULL));
    map_sub(f->root, 0x4000, rom, 0);
    assert_int_equal(bb_address_space_write(f->as, 0x4000, junk, 4),
                     BB_MEMTX_OK);
    assert_int_equal(bb_address_space_read(f->as, 0x4000, back, 4),
                     BB_MEMTX_OK);
    assert_memory_equal(back, data, 4);
}

static void dma_wrapping_past_top_fails(void **state)
{
    Fix *f = *state;
    uint8_t buf[4] = { 1, 1, 1, 1 };

    assert_int_equal(bb_address_space_read(f->as, UINT64_MAX - 1, buf, 4),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(buf[0], 0);
    assert_int_equal(bb_address_space_write(f->as, UINT64_MAX, buf, 2),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(bb_address_space_fill(f->as, UINT64_MAX, 0, 2),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(bb_address_space_read(f->as, UINT64_MAX, buf, 0),
                     BB_MEMTX_OK);
}

/* An I/O region that refuses small accesses refuses a short DMA. */
static void dma_short_access_below_valid_min_fails(void **state)
{
    Fix *f = *state;
    BbMemoryOps ops = { .read = rec_read, .valid = { 4, 4 } };
    RecDev *d = rec_dev_new(false);
    uint8_t buf[2];

    map_sub(f->root, 0x5000, rec_region(d, "wide", 0x100, &ops), 0);
    assert_int_equal(bb_address_space_read(f->as, 0x5000, buf, 2),
                     BB_MEMTX_ERROR);
    assert_int_equal(d->calls->len, 0);
    rec_dev_free(d);
}

static void dma_map_ram_clips_length(void **state)
{
    Fix *f = *state;
    uint64_t len = 0x10000;

    uint8_t *p = bb_address_space_map(f->as, 0x800, &len, true);
    assert_non_null(p);
    assert_int_equal(len, 0x800);
    assert_ptr_equal(p, ram_ptr(f, 0) + 0x800);
    len = 0x10;
    assert_non_null(bb_address_space_map(f->as, 0x800, &len, false));
    assert_int_equal(len, 0x10);
}

/* The length stops where a higher-priority region hides the RAM. */
static void dma_map_stops_at_end_of_range(void **state)
{
    Fix *f = *state;
    BbMemoryOps ops = { .read = rec_read };
    RecDev *d = rec_dev_new(false);
    uint64_t len = 0x1000;

    map_sub(f->root, 0x2400, rec_region(d, "over", 0x100, &ops), 1);
    assert_non_null(bb_address_space_map(f->as, 0x2100, &len, false));
    assert_int_equal(len, 0x300);
    len = 0x1000;
    assert_non_null(bb_address_space_map(f->as, 0x2500, &len, false));
    assert_int_equal(len, 0xb00);
    rec_dev_free(d);
}

static void dma_map_refuses_io_and_holes(void **state)
{
    Fix *f = *state;
    uint64_t len = 4;

    assert_null(bb_address_space_map(f->as, 0x1000, &len, false));
    assert_int_equal(len, 0);
    len = 4;
    assert_null(bb_address_space_map(f->as, 0x1800, &len, false));
    assert_int_equal(len, 0);
}

static void dma_map_rom_only_for_reading(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *rom = bb_memory_region_new_rom(NULL, "rom", 0x100, NULL);
    uint64_t len = 0x1000;

    map_sub(f->root, 0x4000, rom, 0);
    assert_non_null(bb_address_space_map(f->as, 0x4000, &len, false));
    assert_int_equal(len, 0x100);
    len = 0x10;
    assert_null(bb_address_space_map(f->as, 0x4000, &len, true));
    assert_int_equal(len, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
#define TI(f) cmocka_unit_test_setup_teardown(f, fix_setup_ignore,           \
                                              fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(dma_read_across_ram_and_io),
        T(dma_io_uses_widest_aligned_size),
        T(dma_read_into_hole_fails_and_zero_fills),
        TI(dma_read_hole_ignored_reads_ones),
        T(dma_write_across_ram_and_io),
        T(dma_write_stops_at_hole),
        TI(dma_fill_across_ram_io_and_ignored_hole),
        T(dma_fill_stops_at_hole),
        T(dma_io_failure_zero_fills_rest),
        T(dma_rom_ignores_writes),
        T(dma_wrapping_past_top_fails),
        T(dma_short_access_below_valid_min_fails),
        T(dma_map_ram_clips_length),
        T(dma_map_stops_at_end_of_range),
        T(dma_map_refuses_io_and_holes),
        T(dma_map_rom_only_for_reading),
    };
    return cmocka_run_group_tests_name("host/memory/dma", tests, NULL, NULL);
}
