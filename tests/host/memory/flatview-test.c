/*
 * flatview-test.c - unit tests of flat-view rendering (host/memory/
 * flatview.c) through the public API: overlap resolution by priority
 * (higher wins, equal priority: the later one, negative priorities,
 * priorities compared per container level), containers inside containers,
 * transparent containers, aliases and aliases of aliases (offsets
 * compose), alias windows beyond their target, moving, disabling and
 * removing regions, a 2^64-byte root, and a 10k-region map spot-checked
 * against a brute-force model.  The view is read with a listener.
 */
#include "memory-test.h"

typedef struct Fix {
    BbMemoryRegion *root;
    BbAddressSpace *as;
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
    g_free(f);
    return 0;
}

static BbMemoryRegion *ram(const char *name, uint64_t size)
{
    return ram_new(name, size);
}

static void flatview_higher_priority_wins(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *a = ram("a", 0x1000), *b = ram("b", 0x1000);

    map_sub(f->root, 0x1000, a, 0);
    map_sub(f->root, 0x1800, b, 1);
    assert_view(f->as, { 0x1000, 0x800, a, 0 }, { 0x1800, 0x1000, b, 0 });
}

static void flatview_lower_priority_shows_around(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *a = ram("a", 0x1000), *b = ram("b", 0x3000);

    map_sub(f->root, 0x2000, a, 0);
    map_sub(f->root, 0x1000, b, -1); /* added later but lower */
    assert_view(f->as, { 0x1000, 0x1000, b, 0 }, { 0x2000, 0x1000, a, 0 },
                { 0x3000, 0x1000, b, 0x2000 });
}

static void flatview_equal_priority_later_wins(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *a = ram("a", 0x2000), *b = ram("b", 0x1000);
    BbMemoryRegion *c = ram("c", 0x1000);

    map_sub(f->root, 0x0, a, 3);
    map_sub(f->root, 0x800, b, 3);
    map_sub(f->root, 0x1000, c, 3);
    assert_view(f->as, { 0x0, 0x800, a, 0 }, { 0x800, 0x800, b, 0 },
                { 0x1000, 0x1000, c, 0 });
}

static void flatview_negative_priorities_order(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *bg = ram("bg", 0x10000), *mid = ram("mid", 0x4000);
    BbMemoryRegion *top = ram("top", 0x1000);

    map_sub(f->root, 0x3000, top, -1);
    map_sub(f->root, 0x2000, mid, -5);
    map_sub(f->root, 0x0, bg, -10);
    assert_view(f->as, { 0x0, 0x2000, bg, 0 }, { 0x2000, 0x1000, mid, 0 },
                { 0x3000, 0x1000, top, 0 }, { 0x4000, 0x2000, mid, 0x2000 },
                { 0x6000, 0xa000, bg, 0x6000 });
}

/* A subregion's priority only ranks it among its siblings. */
static void flatview_priority_is_per_level(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *hi = bb_memory_region_new_container(NULL, "hi", 0x1000);
    BbMemoryRegion *lo = bb_memory_region_new_container(NULL, "lo", 0x1000);
    BbMemoryRegion *x = ram("x", 0x1000), *y = ram("y", 0x1000);

    map_sub(hi, 0, x, -100);
    map_sub(lo, 0, y, 100);
    map_sub(f->root, 0x4000, hi, 1);
    map_sub(f->root, 0x4000, lo, 0);
    assert_view(f->as, { 0x4000, 0x1000, x, 0 });
}

static void flatview_nested_containers_add_offsets(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *c1 = bb_memory_region_new_container(NULL, "c1", 0x10000);
    BbMemoryRegion *c2 = bb_memory_region_new_container(NULL, "c2", 0x1000);
    BbMemoryRegion *r = ram("r", 0x100);

    map_sub(c2, 0x10, r, 0);
    map_sub(c1, 0x100, c2, 0);
    map_sub(f->root, 0x20000, c1, 0);
    assert_view(f->as, { 0x20110, 0x100, r, 0 });
}

/* Holes in a container show what lies below it. */
static void flatview_container_is_transparent(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *c = bb_memory_region_new_container(NULL, "c", 0x3000);
    BbMemoryRegion *under = ram("under", 0x3000), *r = ram("r", 0x1000);

    map_sub(c, 0x1000, r, 0);
    map_sub(f->root, 0x0, under, 0);
    map_sub(f->root, 0x0, c, 1);
    assert_view(f->as, { 0x0, 0x1000, under, 0 }, { 0x1000, 0x1000, r, 0 },
                { 0x2000, 0x1000, under, 0x2000 });
}

static void flatview_alias_of_alias_offsets_compose(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram("r", 0x10000);
    BbMemoryRegion *a1 = bb_memory_region_new_alias(NULL, "a1", r, 0x1000,
                                                    0x4000);
    BbMemoryRegion *a2 = bb_memory_region_new_alias(NULL, "a2", a1, 0x800,
                                                    0x1000);
    uint8_t byte = 0x5a;
    uint64_t v;

    assert_true(bb_memory_region_write_rom(r, 0x1800 + 0x10, &byte, 1, NULL));
    map_sub(f->root, 0x20000, a2, 0);
    assert_view(f->as, { 0x20000, 0x1000, r, 0x1800 });
    assert_int_equal(bb_address_space_load(f->as, 0x20010, 1, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x5a);
    bb_memory_region_unref(a1);
    bb_memory_region_unref(r);
}

static void flatview_alias_window_clipped_to_target(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram("r", 0x10000);
    BbMemoryRegion *a = bb_memory_region_new_alias(NULL, "a", r, 0xf000,
                                                   0x4000);
    BbMemoryRegion *beyond = bb_memory_region_new_alias(NULL, "beyond", r,
                                                        0x20000, 0x1000);

    map_sub(f->root, 0x40000, a, 0);
    map_sub(f->root, 0x50000, beyond, 0);
    assert_view(f->as, { 0x40000, 0x1000, r, 0xf000 });
    bb_memory_region_unref(r);
}

static void flatview_set_alias_offset_moves_window(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram("r", 0x10000);
    BbMemoryRegion *a = bb_memory_region_new_alias(NULL, "a", r, 0, 0x1000);

    map_sub(f->root, 0x8000, a, 0);
    bb_memory_region_set_alias_offset(a, 0x3000);
    assert_view(f->as, { 0x8000, 0x1000, r, 0x3000 });
    bb_memory_region_unref(r);
}

static void flatview_disabled_region_shows_below(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *under = ram("under", 0x2000), *top = ram("top", 0x1000);

    map_sub(f->root, 0x0, under, 0);
    map_sub(f->root, 0x0, top, 1);
    bb_memory_region_set_enabled(top, false);
    assert_view(f->as, { 0x0, 0x2000, under, 0 });
    bb_memory_region_set_enabled(top, true);
    assert_view(f->as, { 0x0, 0x1000, top, 0 },
                { 0x1000, 0x1000, under, 0x1000 });
}

/* A disabled alias target is hidden through its aliases too. */
static void flatview_disabled_target_hidden_through_alias(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram("r", 0x1000);
    BbMemoryRegion *a = bb_memory_region_new_alias(NULL, "a", r, 0, 0x1000);

    map_sub(f->root, 0x0, a, 0);
    bb_memory_region_set_enabled(r, false);
    assert_view_empty(f->as);
    bb_memory_region_set_enabled(r, true);
    assert_view(f->as, { 0x0, 0x1000, r, 0 });
    bb_memory_region_unref(r);
}

static void flatview_set_address_moves(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram("r", 0x1000);

    map_sub(f->root, 0x1000, r, 0);
    bb_memory_region_set_address(r, 0x7000);
    assert_view(f->as, { 0x7000, 0x1000, r, 0 });
}

/* Moved partly past the end of its container, a region is clipped. */
static void flatview_set_address_past_container_end_clips(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *c = bb_memory_region_new_container(NULL, "c", 0x2000);
    BbMemoryRegion *r = ram("r", 0x1000);

    map_sub(c, 0, r, 0);
    map_sub(f->root, 0x10000, c, 0);
    bb_memory_region_set_address(r, 0x1800);
    assert_view(f->as, { 0x11800, 0x800, r, 0 });
    bb_memory_region_set_address(r, UINT64_MAX - 0x10);
    assert_view_empty(f->as);
}

static void flatview_del_subregion_unmaps(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram("r", 0x1000), *s = ram("s", 0x1000);

    map_sub(f->root, 0x0, r, 0);
    map_sub(f->root, 0x1000, s, 0);
    bb_memory_region_ref(r);
    bb_memory_region_del_subregion(f->root, r);
    assert_view(f->as, { 0x1000, 0x1000, s, 0 });
    /* Not mapped there any more: a no-op. */
    bb_memory_region_del_subregion(f->root, r);
    bb_memory_region_unref(r);
}

/* Adjacent pieces continuing one region are shown as one range. */
static void flatview_merges_adjacent_pieces(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram("r", 0x3000);

    map_sub(f->root, 0x0,
            bb_memory_region_new_alias(NULL, "a1", r, 0x1000, 0x800), 0);
    map_sub(f->root, 0x800,
            bb_memory_region_new_alias(NULL, "a2", r, 0x1800, 0x800), 0);
    /* Not a continuation: the offsets jump. */
    map_sub(f->root, 0x1000,
            bb_memory_region_new_alias(NULL, "a3", r, 0x0, 0x800), 0);
    assert_view(f->as, { 0x0, 0x1000, r, 0x1000 }, { 0x1000, 0x800, r, 0 });
    bb_memory_region_unref(r);
}

static void flatview_full_64bit_root(void **state)
{
    BbMemoryRegion *root = bb_memory_region_new_container(NULL, "system",
                                                          UINT64_MAX);
    BbAddressSpace *as = bb_address_space_new(root, "sys",
                                              BB_UNASSIGNED_ERROR);
    RecDev *d = rec_dev_new(false);
    BbMemoryOps ops = { .read = rec_read, .write = rec_write,
                        .valid.max_access_size = 8,
                        .impl.max_access_size = 8 };
    BbMemoryRegion *bg = rec_region(d, "bg", UINT64_MAX, &ops);
    BbMemoryRegion *top = ram("top", 0x1000);
    uint64_t v;

    assert_int_equal(bb_memory_region_size(root), UINT64_MAX);
    map_sub(root, 0, bg, -1);
    map_sub(root, UINT64_MAX - 0xfff, top, 0);
    assert_view(as, { 0, UINT64_MAX - 0xfff, bg, 0 },
                { UINT64_MAX - 0xfff, 0x1000, top, 0 });
    assert_int_equal(bb_address_space_store(as, UINT64_MAX - 7, 8,
                                            0x1122334455667788), BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(as, UINT64_MAX, 1, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x11);
    /* An access running past 2^64 - 1 does not wrap. */
    assert_int_equal(bb_address_space_load(as, UINT64_MAX - 1, 4, &v),
                     BB_MEMTX_DECODE_ERROR);
    /* The background fills everything else, up to its last byte. */
    bb_memory_region_set_enabled(top, false);
    assert_view(as, { 0, UINT64_MAX, bg, 0 });
    assert_int_equal(bb_address_space_load(as, UINT64_MAX, 1, &v),
                     BB_MEMTX_OK);
    assert_call(d, 0, false, UINT64_MAX, 1, d->bytes[0xff]);
    bb_address_space_free(as);
    bb_memory_region_unref(root);
    rec_dev_free(d);
}

/* ------------------------------------------------ 10k regions, checked */

#define MANY 10000

typedef struct Placed {
    uint64_t addr, size;
    int prio;
    unsigned seq;
} Placed;

static uint64_t tag_read(void *opaque, uint64_t addr, unsigned size)
{
    return ((uintptr_t)opaque << 16) | addr;
}

/* The region a brute-force model says wins @addr (or -1). */
static int model_winner(const Placed *p, unsigned n, uint64_t addr)
{
    int best = -1;
    for (unsigned i = 0; i < n; i++) {
        if (addr < p[i].addr || addr - p[i].addr >= p[i].size) {
            continue;
        }
        if (best < 0 || p[i].prio > p[best].prio ||
            (p[i].prio == p[best].prio && p[i].seq > p[best].seq)) {
            best = (int)i;
        }
    }
    return best;
}

static void flatview_10k_regions_match_model(void **state)
{
    static const BbMemoryOps ops = { .read = tag_read,
                                     .valid.max_access_size = 4,
                                     .impl.max_access_size = 4 };
    BbMemoryRegion *root = bb_memory_region_new_container(NULL, "root",
                                                          UINT64_MAX);
    BbAddressSpace *as = bb_address_space_new(root, "many",
                                              BB_UNASSIGNED_ERROR);
    Placed *p = g_new(Placed, MANY);
    GRand *rnd = g_rand_new_with_seed(42);

    bb_memory_transaction_begin();
    for (unsigned i = 0; i < MANY; i++) {
        p[i].addr = (uint64_t)g_rand_int_range(rnd, 0, 1 << 20) * 0x10;
        p[i].size = (uint64_t)g_rand_int_range(rnd, 1, 0x400) * 0x10;
        p[i].prio = g_rand_int_range(rnd, -3, 4);
        p[i].seq = i;
        BbMemoryRegion *mr = bb_memory_region_new_io(
            NULL, "r", &ops, (void *)(uintptr_t)(i + 1), p[i].size);
        map_sub(root, p[i].addr, mr, p[i].prio);
    }
    bb_memory_transaction_commit();

    for (unsigned k = 0; k < 2000; k++) {
        uint64_t addr = (uint64_t)g_rand_int_range(rnd, 0, 0x1100000) & ~3u;
        int w = model_winner(p, MANY, addr);
        uint64_t v;
        BbMemTxResult r = bb_address_space_load(as, addr, 4, &v);
        if (w < 0) {
            assert_int_equal(r, BB_MEMTX_DECODE_ERROR);
            continue;
        }
        assert_int_equal(r, BB_MEMTX_OK);
        assert_int_equal(v, ((uint64_t)(w + 1) << 16) | (addr - p[w].addr));
    }

    /* The view is sorted, disjoint and has no adjacent same-region
     * continuations left. */
    g_autoptr(GArray) v = view_of(as);
    assert_true(v->len > 0);
    for (guint i = 1; i < v->len; i++) {
        const BbMemorySection *a = &g_array_index(v, BbMemorySection, i - 1);
        const BbMemorySection *b = &g_array_index(v, BbMemorySection, i);
        assert_true(a->addr + a->size <= b->addr);
        assert_false(a->addr + a->size == b->addr && a->mr == b->mr &&
                     a->offset_in_region + a->size == b->offset_in_region);
    }
    g_rand_free(rnd);
    g_free(p);
    bb_address_space_free(as);
    bb_memory_region_unref(root);
}

/* The section of @v holding @addr, or NULL. */
static const BbMemorySection *section_at(GArray *v, uint64_t addr)
{
    for (guint i = 0; i < v->len; i++) {
        const BbMemorySection *s = &g_array_index(v, BbMemorySection, i);
        if (addr >= s->addr && addr - s->addr < s->size) {
            return s;
        }
    }
    return NULL;
}

/* Small random maps at byte granularity, every address checked. */
static void flatview_byte_granular_maps_match_model(void **state)
{
    static const BbMemoryOps ops = { 0 };
    enum { N = 150, SPACE = 0x300 };

    for (guint32 seed = 1; seed <= 20; seed++) {
        BbMemoryRegion *root = bb_memory_region_new_container(NULL, "root",
                                                              SPACE);
        BbAddressSpace *as = bb_address_space_new(root, "small",
                                                  BB_UNASSIGNED_ERROR);
        GRand *rnd = g_rand_new_with_seed(seed);
        BbMemoryRegion *mrs[N];
        Placed p[N];

        for (unsigned i = 0; i < N; i++) {
            p[i].size = (uint64_t)g_rand_int_range(rnd, 1, 17);
            p[i].addr = (uint64_t)g_rand_int_range(rnd, 0,
                                                   SPACE - p[i].size + 1);
            p[i].prio = g_rand_int_range(rnd, -2, 3);
            p[i].seq = i;
            mrs[i] = bb_memory_region_new_io(NULL, "r", &ops, NULL,
                                             p[i].size);
            map_sub(root, p[i].addr, mrs[i], p[i].prio);
        }
        g_autoptr(GArray) v = view_of(as);
        for (uint64_t addr = 0; addr < SPACE; addr++) {
            int w = model_winner(p, N, addr);
            const BbMemorySection *s = section_at(v, addr);
            if (w < 0) {
                assert_null(s);
                continue;
            }
            assert_non_null(s);
            assert_ptr_equal(s->mr, mrs[w]);
            assert_int_equal(s->offset_in_region + (addr - s->addr),
                             addr - p[w].addr);
        }
        g_rand_free(rnd);
        bb_address_space_free(as);
        bb_memory_region_unref(root);
    }
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(flatview_higher_priority_wins),
        T(flatview_lower_priority_shows_around),
        T(flatview_equal_priority_later_wins),
        T(flatview_negative_priorities_order),
        T(flatview_priority_is_per_level),
        T(flatview_nested_containers_add_offsets),
        T(flatview_container_is_transparent),
        T(flatview_alias_of_alias_offsets_compose),
        T(flatview_alias_window_clipped_to_target),
        T(flatview_set_alias_offset_moves_window),
        T(flatview_disabled_region_shows_below),
        T(flatview_disabled_target_hidden_through_alias),
        T(flatview_set_address_moves),
        T(flatview_set_address_past_container_end_clips),
        T(flatview_del_subregion_unmaps),
        T(flatview_merges_adjacent_pieces),
        cmocka_unit_test(flatview_full_64bit_root),
        cmocka_unit_test(flatview_byte_granular_maps_match_model),
        cmocka_unit_test(flatview_10k_regions_match_model),
    };
    return cmocka_run_group_tests_name("host/memory/flatview", tests, NULL,
                                       NULL);
}
