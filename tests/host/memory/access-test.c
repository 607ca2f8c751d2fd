/*
 * access-test.c - unit tests of single accesses (host/memory/access.c):
 * every combination of guest access size (1, 2, 4, 8), implemented sizes
 * (impl min/max in 1..8) and register byte order, for reads and writes,
 * with the exact callback calls checked against a byte-level model of the
 * device; a few hand-written cases that pin values; the unaligned rules;
 * bus errors (sizes outside @valid, failing *_with_result callbacks, a bad
 * size); the unassigned policies; RAM byte order, ROM writes, accesses
 * straddling two regions, missing callbacks, and the re-entrancy guard.
 */
#include "memory-test.h"

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#define IO_BASE 0x1000

typedef struct Fix {
    BbMemoryRegion *root;
    BbAddressSpace *as;
    RecDev *dev;
} Fix;

static int fix_setup(void **state)
{
    Fix *f = g_new0(Fix, 1);
    f->root = bb_memory_region_new_container(NULL, "root", 0x100000);
    f->as = bb_address_space_new(f->root, "test", BB_UNASSIGNED_ERROR);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    bb_address_space_free(f->as);
    bb_memory_region_unref(f->root);
    if (f->dev) {
        rec_dev_free(f->dev);
    }
    g_free(f);
    return 0;
}

/* Map a recording device at IO_BASE with @ops (read/write filled in);
 * the fixture frees it. */
static RecDev *map_dev(Fix *f, bool big, BbMemoryOps ops)
{
    assert_null(f->dev);
    f->dev = rec_dev_new(big);
    if (!ops.read_with_result && !ops.read) {
        ops.read = rec_read;
    }
    if (!ops.write_with_result && !ops.write) {
        ops.write = rec_write;
    }
    ops.endianness = big ? BB_ENDIAN_BIG : BB_ENDIAN_LITTLE;
    map_sub(f->root, IO_BASE, rec_region(f->dev, "dev", REC_DEV_BYTES, &ops),
            0);
    return f->dev;
}

/* ------------------------------------------------ the size/endian matrix */

typedef struct Combo {
    unsigned size, imin, imax;
    bool big, write;
} Combo;

static uint64_t align_down(uint64_t a, unsigned c)
{
    return a & ~(uint64_t)(c - 1);
}

/* The calls the core must make for @k at @off, given the device bytes
 * before (@before) and after (@after) the access. */
static GArray *expected_calls(const Combo *k, uint64_t off,
                              const RecDev *before, const RecDev *after)
{
    GArray *calls = g_array_new(false, false, sizeof(RecCall));
    unsigned c = CLAMP(k->size, k->imin, k->imax);
    unsigned n = c >= k->size ? 1 : k->size / c;
    uint64_t first = c >= k->size ? align_down(off, c) : off;

    for (unsigned i = 0; i < n; i++) {
        uint64_t ca = first + i * c;
        bool partial = c > k->size;
        if (!k->write || partial) {
            RecCall rd = { false, ca, c, rec_get(before, ca, c) };
            g_array_append_val(calls, rd);
        }
        if (k->write) {
            RecCall wr = { true, ca, c, rec_get(after, ca, c) };
            g_array_append_val(calls, wr);
        }
    }
    return calls;
}

static void check_combo(Fix *f, const Combo *k)
{
    BbMemoryOps ops = {
        .valid = { 1, 8, false },
        .impl = { k->imin, k->imax, false },
    };
    RecDev *d = map_dev(f, k->big, ops);
    uint64_t off = 8 + k->size; /* aligned to the size, not to 16 */
    uint64_t mask = k->size == 8 ? UINT64_MAX : (1ull << (8 * k->size)) - 1;
    uint64_t wval = 0xf1e2d3c4b5a69788ull & mask;
    RecDev before = *d, after = *d;
    uint64_t v = 0, want = 0;

    for (unsigned i = 0; i < k->size; i++) {
        want |= (uint64_t)d->bytes[off + i] << (8 * i);
        if (k->write) {
            after.bytes[off + i] = (uint8_t)(wval >> (8 * i));
        }
    }
    BbMemTxResult r = k->write
        ? bb_address_space_store(f->as, IO_BASE + off, k->size, wval)
        : bb_address_space_load(f->as, IO_BASE + off, k->size, &v);
    if (r != BB_MEMTX_OK) {
        fail_msg("size %u impl %u-%u %s %s: result %d", k->size, k->imin,
                 k->imax, k->big ? "big" : "little",
                 k->write ? "write" : "read", r);
    }
    if (!k->write && v != want) {
        fail_msg("size %u impl %u-%u %s read: got %#" PRIx64 " want %#"
                 PRIx64, k->size, k->imin, k->imax,
                 k->big ? "big" : "little", v, want);
    }
    if (memcmp(d->bytes, after.bytes, REC_DEV_BYTES) != 0) {
        fail_msg("size %u impl %u-%u %s write: device bytes differ",
                 k->size, k->imin, k->imax, k->big ? "big" : "little");
    }
    g_autoptr(GArray) exp = expected_calls(k, off, &before, &after);
    if (exp->len != d->calls->len) {
        fail_msg("size %u impl %u-%u %s %s: %u calls, want %u", k->size,
                 k->imin, k->imax, k->big ? "big" : "little",
                 k->write ? "write" : "read", d->calls->len, exp->len);
    }
    for (guint i = 0; i < exp->len; i++) {
        const RecCall *e = &g_array_index(exp, RecCall, i);
        assert_call(d, i, e->write, e->addr, e->size, e->value);
    }
}

static void access_every_size_impl_endian_combination(void **state)
{
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    unsigned checked = 0;

    for (unsigned s = 0; s < 4; s++) {
        for (unsigned lo = 0; lo < 4; lo++) {
            for (unsigned hi = lo; hi < 4; hi++) {
                for (unsigned e = 0; e < 4; e++) {
                    Combo k = { sizes[s], sizes[lo], sizes[hi], e & 1,
                                e >> 1 };
                    fix_teardown(state);
                    fix_setup(state);
                    check_combo(*state, &k);
                    checked++;
                }
            }
        }
    }
    assert_int_equal(checked, 4 * 10 * 4);
}

/* ------------------------------------------------- hand-written values */

static void access_split_write_big_endian_values(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8 }, .impl = { 4, 4 } };
    RecDev *d = map_dev(*state, true, ops);

    assert_int_equal(bb_address_space_store(((Fix *)*state)->as,
                                            IO_BASE + 0x10, 8,
                                            0x1122334455667788),
                     BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 2);
    assert_call(d, 0, true, 0x10, 4, 0x88776655);
    assert_call(d, 1, true, 0x14, 4, 0x44332211);
}

static void access_split_write_little_endian_values(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8 }, .impl = { 4, 4 } };
    RecDev *d = map_dev(*state, false, ops);

    assert_int_equal(bb_address_space_store(((Fix *)*state)->as,
                                            IO_BASE + 0x10, 8,
                                            0x1122334455667788),
                     BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 2);
    assert_call(d, 0, true, 0x10, 4, 0x55667788);
    assert_call(d, 1, true, 0x14, 4, 0x11223344);
}

static void access_big_endian_register_read_is_swapped(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8 }, .impl = { 4, 4 } };
    RecDev *d = map_dev(*state, true, ops);
    uint64_t v;

    rec_set(d, 0x10, 4, 0x11223344);
    assert_int_equal(bb_address_space_load(((Fix *)*state)->as,
                                           IO_BASE + 0x10, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x44332211);
    assert_call(d, 0, false, 0x10, 4, 0x11223344);
}

static void access_narrow_write_is_read_modify_write(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8 }, .impl = { 4, 4 } };
    RecDev *d = map_dev(*state, false, ops);

    rec_set(d, 0x10, 4, 0x11223344);
    assert_int_equal(bb_address_space_store(((Fix *)*state)->as,
                                            IO_BASE + 0x11, 1, 0xab),
                     BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 2);
    assert_call(d, 0, false, 0x10, 4, 0x11223344);
    assert_call(d, 1, true, 0x10, 4, 0x1122ab44);
}

static void access_native_endian_is_little(void **state)
{
    BbMemoryOps ops = { .read = rec_read, .valid = { 1, 8 },
                        .impl = { 2, 2 }, .endianness = BB_ENDIAN_NATIVE };
    Fix *f = *state;
    uint64_t v;

    f->dev = rec_dev_new(false);
    map_sub(f->root, IO_BASE, rec_region(f->dev, "n", 0x100, &ops), 0);
    rec_set(f->dev, 0x20, 4, 0xaabbccdd);
    assert_int_equal(bb_address_space_load(f->as, IO_BASE + 0x20, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0xaabbccdd);
    assert_call(f->dev, 0, false, 0x20, 2, 0xccdd);
    assert_call(f->dev, 1, false, 0x22, 2, 0xaabb);
}

/* ---------------------------------------------------------- alignment */

static void access_unaligned_refused_when_not_valid(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8, false }, .impl = { 1, 8 } };
    RecDev *d = map_dev(*state, false, ops);
    uint64_t v = 1;

    assert_int_equal(bb_address_space_load(((Fix *)*state)->as,
                                           IO_BASE + 2, 4, &v),
                     BB_MEMTX_ERROR);
    assert_int_equal(v, 0);
    assert_int_equal(bb_address_space_store(((Fix *)*state)->as,
                                            IO_BASE + 6, 8, 1),
                     BB_MEMTX_ERROR);
    assert_int_equal(d->calls->len, 0);
}

static void access_unaligned_split_into_aligned_chunks(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8, true }, .impl = { 4, 4, false } };
    RecDev *d = map_dev(*state, false, ops);
    uint64_t v;

    assert_int_equal(bb_address_space_load(((Fix *)*state)->as,
                                           IO_BASE + 2, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, rec_get(d, 2, 4));
    assert_int_equal(d->calls->len, 2);
    assert_call(d, 0, false, 0, 4, rec_get(d, 0, 4));
    assert_call(d, 1, false, 4, 4, rec_get(d, 4, 4));

    rec_clear(d);
    uint64_t old0 = rec_get(d, 0, 4), old4 = rec_get(d, 4, 4);
    assert_int_equal(bb_address_space_store(((Fix *)*state)->as,
                                            IO_BASE + 2, 4, 0xa1b2c3d4),
                     BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 4);
    assert_call(d, 0, false, 0, 4, old0);
    assert_call(d, 1, true, 0, 4, (old0 & 0xffff) | 0xc3d40000);
    assert_call(d, 2, false, 4, 4, old4);
    assert_call(d, 3, true, 4, 4, (old4 & 0xffff0000) | 0xa1b2);
}

static void access_unaligned_passed_through_when_impl_allows(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8, true }, .impl = { 1, 4, true } };
    RecDev *d = map_dev(*state, false, ops);
    uint64_t v;

    assert_int_equal(bb_address_space_load(((Fix *)*state)->as,
                                           IO_BASE + 3, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 1);
    assert_call(d, 0, false, 3, 4, v);
    rec_clear(d);
    assert_int_equal(bb_address_space_load(((Fix *)*state)->as,
                                           IO_BASE + 3, 8, &v),
                     BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 2);
    assert_call(d, 0, false, 3, 4, rec_get(d, 3, 4));
    assert_call(d, 1, false, 7, 4, rec_get(d, 7, 4));
    assert_int_equal(v, rec_get(d, 3, 8));
}

/* --------------------------------------------------------- bus errors */

static void access_size_outside_valid_is_bus_error(void **state)
{
    BbMemoryOps ops = { .valid = { 2, 4 }, .impl = { 1, 8 } };
    RecDev *d = map_dev(*state, false, ops);
    BbAddressSpace *as = ((Fix *)*state)->as;
    uint64_t v;

    assert_int_equal(bb_address_space_load(as, IO_BASE, 8, &v),
                     BB_MEMTX_ERROR);
    assert_int_equal(bb_address_space_load(as, IO_BASE, 1, &v),
                     BB_MEMTX_ERROR);
    assert_int_equal(bb_address_space_store(as, IO_BASE, 8, 0),
                     BB_MEMTX_ERROR);
    assert_int_equal(d->calls->len, 0);
    assert_int_equal(bb_address_space_load(as, IO_BASE, 2, &v), BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 1);
}

static void access_default_valid_max_is_4(void **state)
{
    BbMemoryOps ops = { 0 };
    RecDev *d = map_dev(*state, false, ops);
    uint64_t v;

    assert_int_equal(bb_address_space_load(((Fix *)*state)->as, IO_BASE, 8,
                                           &v), BB_MEMTX_ERROR);
    assert_int_equal(bb_address_space_load(((Fix *)*state)->as, IO_BASE, 4,
                                           &v), BB_MEMTX_OK);
    assert_int_equal(d->calls->len, 1);
}

static void access_bad_size_is_bus_error(void **state)
{
    BbMemoryOps ops = { .valid = { 1, 8 }, .impl = { 1, 8 } };
    RecDev *d = map_dev(*state, false, ops);
    uint64_t v;

    assert_int_equal(bb_address_space_load(((Fix *)*state)->as, IO_BASE, 3,
                                           &v), BB_MEMTX_ERROR);
    assert_int_equal(bb_address_space_store(((Fix *)*state)->as, IO_BASE, 0,
                                            0), BB_MEMTX_ERROR);
    assert_int_equal(d->calls->len, 0);
}

static uint64_t never_read(void *opaque, uint64_t addr, unsigned size)
{
    fail_msg("read used although read_with_result is set");
    return 0;
}

static void access_read_with_result_failure_is_bus_error(void **state)
{
    BbMemoryOps ops = { .read = never_read, .read_with_result = rec_read_res,
                        .write_with_result = rec_write_res,
                        .valid = { 1, 8 }, .impl = { 1, 8 } };
    RecDev *d = map_dev(*state, false, ops);
    BbAddressSpace *as = ((Fix *)*state)->as;
    uint64_t v = 7;

    d->fail = BB_MEMTX_ERROR;
    assert_int_equal(bb_address_space_load(as, IO_BASE, 4, &v),
                     BB_MEMTX_ERROR);
    assert_int_equal(v, 0);
    assert_int_equal(bb_address_space_store(as, IO_BASE, 4, 1),
                     BB_MEMTX_ERROR);
    d->fail = BB_MEMTX_DECODE_ERROR;
    assert_int_equal(bb_address_space_load(as, IO_BASE, 4, &v),
                     BB_MEMTX_DECODE_ERROR);
    d->fail = BB_MEMTX_OK;
    assert_int_equal(bb_address_space_load(as, IO_BASE, 4, &v), BB_MEMTX_OK);
    assert_int_equal(v, rec_get(d, 0, 4));
}

/* A split access stops at the first failing chunk. */
static void access_split_stops_at_first_failure(void **state)
{
    BbMemoryOps ops = { .write_with_result = rec_write_res,
                        .valid = { 1, 8 }, .impl = { 2, 2 } };
    RecDev *d = map_dev(*state, false, ops);

    d->fail = BB_MEMTX_ERROR;
    assert_int_equal(bb_address_space_store(((Fix *)*state)->as, IO_BASE, 8,
                                            0), BB_MEMTX_ERROR);
    assert_int_equal(d->calls->len, 1);
}

/* --------------------------------------------------------- unassigned */

static void access_unassigned_error_policy(void **state)
{
    Fix *f = *state;
    uint64_t v = 5;

    assert_int_equal(bb_address_space_load(f->as, 0x5000, 4, &v),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(v, 0);
    assert_int_equal(bb_address_space_store(f->as, 0x5000, 4, 1),
                     BB_MEMTX_DECODE_ERROR);
    /* Beyond the end of the root too. */
    assert_int_equal(bb_address_space_load(f->as, 0x100000, 1, &v),
                     BB_MEMTX_DECODE_ERROR);
}

static void access_unassigned_ignore_policy(void **state)
{
    BbMemoryRegion *root = bb_memory_region_new_container(NULL, "pci",
                                                          0x10000);
    BbAddressSpace *as = bb_address_space_new(root, "pci",
                                              BB_UNASSIGNED_IGNORE);
    static const uint64_t ones[] = { 0, 0xff, 0xffff, 0, 0xffffffff,
                                     0, 0, 0, UINT64_MAX };
    uint64_t v;

    for (unsigned s = 1; s <= 8; s *= 2) {
        assert_int_equal(bb_address_space_load(as, 0x100, s, &v),
                         BB_MEMTX_OK);
        assert_int_equal(v, ones[s]);
    }
    assert_int_equal(bb_address_space_store(as, 0x100, 4, 0), BB_MEMTX_OK);
    bb_address_space_free(as);
    bb_memory_region_unref(root);
}

/* ------------------------------------------------------------ RAM, ROM */

static void access_ram_is_little_endian(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram_new("ram", 0x1000);
    uint64_t len = 8, v;

    map_sub(f->root, 0x4000, r, 0);
    assert_int_equal(bb_address_space_store(f->as, 0x4010, 4, 0x11223344),
                     BB_MEMTX_OK);
    uint8_t *p = bb_address_space_map(f->as, 0x4010, &len, false);
    assert_non_null(p);
    assert_int_equal(p[0], 0x44);
    assert_int_equal(p[3], 0x11);
    assert_int_equal(bb_address_space_load(f->as, 0x4011, 2, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x2233);
    assert_int_equal(bb_address_space_store(f->as, 0x4018, 8,
                                            0x0102030405060708), BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(f->as, 0x4018, 8, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x0102030405060708);
}

static void access_rom_write_ignored(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    BbMemoryRegion *rom = bb_memory_region_new_rom(NULL, "rom", 0x1000, &err);
    static const uint8_t data[] = { 1, 2, 3, 4 };
    uint64_t v;

    assert_no_error(err);
    assert_true(bb_memory_region_write_rom(rom, 0x20, data, 4, &err));
    map_sub(f->root, 0x8000, rom, 0);
    assert_int_equal(bb_address_space_store(f->as, 0x8020, 4, 0xdeadbeef),
                     BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(f->as, 0x8020, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x04030201);
}

/* RAM below a ROM is not written through it. */
static void access_rom_over_ram_leaves_ram_unchanged(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram_new("ram", 0x2000);
    BbMemoryRegion *rom = bb_memory_region_new_rom(NULL, "rom", 0x1000, NULL);
    uint64_t len = 0x2000, v;

    map_sub(f->root, 0x0, r, 0);
    map_sub(f->root, 0x0, rom, 1);
    assert_int_equal(bb_address_space_store(f->as, 0x10, 8, UINT64_MAX),
                     BB_MEMTX_OK);
    bb_memory_region_set_enabled(rom, false);
    assert_int_equal(bb_address_space_load(f->as, 0x10, 8, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0);
    uint8_t *p = bb_address_space_map(f->as, 0, &len, false);
    for (unsigned i = 0; i < 0x2000; i++) {
        assert_int_equal(p[i], 0);
    }
}

/* Valgrind cannot map 64 GiB: the test is skipped under it. */
static void access_ram_64gib_lazily_allocated(void **state)
{
    if (RUNNING_ON_VALGRIND) {
        skip();
    }
    BbMemoryRegion *root = bb_memory_region_new_container(NULL, "system",
                                                          UINT64_MAX);
    BbAddressSpace *as = bb_address_space_new(root, "sys",
                                              BB_UNASSIGNED_ERROR);
    uint64_t size = UINT64_C(64) << 30, base = UINT64_C(0x80000000), v;
    BbMemoryRegion *r = ram_new("big", size);

    assert_int_equal(bb_memory_region_size(r), size);
    map_sub(root, base, r, 0);
    assert_int_equal(bb_address_space_store(as, base + size - 1, 1, 0x7e),
                     BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(as, base + size - 1, 1, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x7e);
    assert_int_equal(bb_address_space_load(as, base + size, 1, &v),
                     BB_MEMTX_DECODE_ERROR);
    bb_address_space_free(as);
    bb_memory_region_unref(root);
}

/* An access spanning RAM and I/O goes byte by byte. */
static void access_straddling_two_regions_goes_bytewise(void **state)
{
    Fix *f = *state;
    BbMemoryOps ops = { .valid = { 1, 8 }, .impl = { 1, 8 } };
    RecDev *d = map_dev(f, false, ops);
    BbMemoryRegion *r = ram_new("ram", 0x1000);
    uint64_t v;

    map_sub(f->root, IO_BASE - 0x1000, r, 0);
    assert_int_equal(bb_address_space_store(f->as, IO_BASE - 2, 2, 0xbbaa),
                     BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(f->as, IO_BASE - 2, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0xbbaa | (rec_get(d, 0, 2) << 16));
    assert_int_equal(d->calls->len, 2);
    assert_call(d, 0, false, 0, 1, d->bytes[0]);
    assert_call(d, 1, false, 1, 1, d->bytes[1]);
}

static void access_missing_callbacks_read_zero(void **state)
{
    Fix *f = *state;
    BbMemoryOps ops = { .valid = { 1, 8 } };
    BbMemoryRegion *mr = bb_memory_region_new_io(NULL, "mute", &ops, NULL,
                                                 0x100);
    uint64_t v = 9;

    map_sub(f->root, 0x9000, mr, 0);
    assert_int_equal(bb_address_space_store(f->as, 0x9000, 4, 1),
                     BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(f->as, 0x9000, 4, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0);
}

/* ---------------------------------------------------------- re-entrancy */

static BbAddressSpace *reenter_as;
static BbMemTxResult reenter_result;

static void reenter_write(void *opaque, uint64_t addr, uint64_t value,
                          unsigned size)
{
    uint64_t v;
    reenter_result = bb_address_space_load(reenter_as, IO_BASE, 4, &v);
}

static void access_reentrant_access_refused(void **state)
{
    Fix *f = *state;
    BbMemoryOps ops = { .write = reenter_write, .valid = { 1, 8 } };
    BbMemoryRegion *mr = bb_memory_region_new_io(NULL, "loop", &ops, NULL,
                                                 0x100);

    map_sub(f->root, IO_BASE, mr, 0);
    reenter_as = f->as;
    reenter_result = BB_MEMTX_OK;
    assert_int_equal(bb_address_space_store(f->as, IO_BASE, 4, 1),
                     BB_MEMTX_OK);
    assert_int_equal(reenter_result, BB_MEMTX_ERROR);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(access_every_size_impl_endian_combination),
        T(access_split_write_big_endian_values),
        T(access_split_write_little_endian_values),
        T(access_big_endian_register_read_is_swapped),
        T(access_narrow_write_is_read_modify_write),
        T(access_native_endian_is_little),
        T(access_unaligned_refused_when_not_valid),
        T(access_unaligned_split_into_aligned_chunks),
        T(access_unaligned_passed_through_when_impl_allows),
        T(access_size_outside_valid_is_bus_error),
        T(access_default_valid_max_is_4),
        T(access_bad_size_is_bus_error),
        T(access_read_with_result_failure_is_bus_error),
        T(access_split_stops_at_first_failure),
        T(access_unassigned_error_policy),
        T(access_unassigned_ignore_policy),
        T(access_ram_is_little_endian),
        T(access_rom_write_ignored),
        T(access_rom_over_ram_leaves_ram_unchanged),
        cmocka_unit_test(access_ram_64gib_lazily_allocated),
        T(access_straddling_two_regions_goes_bytewise),
        T(access_missing_callbacks_read_zero),
        T(access_reentrant_access_refused),
    };
    return cmocka_run_group_tests_name("host/memory/access", tests, NULL,
                                       NULL);
}
