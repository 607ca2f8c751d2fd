/*
 * listener-test.c - unit tests of memory listeners and transactions
 * (host/memory/address-space.c): the replay on registration, region_add /
 * region_del / commit on adding, moving, disabling, enabling and deleting
 * regions and on moving an alias window, silence when a view does not
 * change or the edited region is not visible, one commit per transaction
 * (nested ones included), several listeners and address spaces, removal,
 * and edits made from inside a listener.
 */
#include "memory-test.h"

typedef struct Event {
    char kind; /* 'a'dd, 'd'el, 'c'ommit */
    uint64_t addr, size;
    BbMemoryRegion *mr;
} Event;

typedef struct Rec {
    BbMemoryListener l; /* first: callbacks get &rec->l */
    GArray *events;     /* Event */
} Rec;

static void on_add(BbMemoryListener *l, const BbMemorySection *s)
{
    Event e = { 'a', s->addr, s->size, s->mr };
    g_array_append_val(((Rec *)l)->events, e);
}

static void on_del(BbMemoryListener *l, const BbMemorySection *s)
{
    Event e = { 'd', s->addr, s->size, s->mr };
    g_array_append_val(((Rec *)l)->events, e);
}

static void on_commit(BbMemoryListener *l)
{
    Event e = { 'c', 0, 0, NULL };
    g_array_append_val(((Rec *)l)->events, e);
}

typedef struct Fix {
    BbMemoryRegion *root;
    BbAddressSpace *as;
    Rec rec;
} Fix;

static int fix_setup(void **state)
{
    Fix *f = g_new0(Fix, 1);
    f->root = bb_memory_region_new_container(NULL, "root", 0x100000);
    f->as = bb_address_space_new(f->root, "test", BB_UNASSIGNED_ERROR);
    f->rec.l = (BbMemoryListener){ .region_add = on_add,
                                   .region_del = on_del,
                                   .commit = on_commit };
    f->rec.events = g_array_new(false, false, sizeof(Event));
    bb_address_space_add_listener(f->as, &f->rec.l);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    bb_address_space_free(f->as);
    bb_memory_region_unref(f->root);
    g_array_unref(f->rec.events);
    g_free(f);
    return 0;
}

/* Assert the events recorded since the last check, then forget them. */
static void assert_events_(Rec *r, const Event *exp, size_t n)
{
    bool ok = r->events->len == n;
    for (guint i = 0; ok && i < n; i++) {
        const Event *e = &g_array_index(r->events, Event, i);
        ok = e->kind == exp[i].kind && e->addr == exp[i].addr &&
             e->size == exp[i].size && e->mr == exp[i].mr;
    }
    if (!ok) {
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < r->events->len; i++) {
            const Event *e = &g_array_index(r->events, Event, i);
            g_string_append_printf(s, " %c:%#" PRIx64 "+%#" PRIx64 ":%s",
                                   e->kind, e->addr, e->size,
                                   e->mr ? bb_memory_region_name(e->mr) : "");
        }
        fail_msg("events: %s (want %zu)", s->str, n);
    }
    g_array_set_size(r->events, 0);
}

#define assert_events(r, ...)                                                 \
    do {                                                                      \
        const Event exp_[] = { __VA_ARGS__ };                                 \
        assert_events_((r), exp_, G_N_ELEMENTS(exp_));                        \
    } while (0)
#define assert_no_events(r) assert_int_equal((r)->events->len, 0)

#define ADD(a, s, m) { 'a', (a), (s), (m) }
#define DEL(a, s, m) { 'd', (a), (s), (m) }
#define COMMIT { 'c', 0, 0, NULL }

static void listener_registration_replays_view(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *a = ram_new("a", 0x1000), *b = ram_new("b", 0x1000);
    Rec late = { .l = { .region_add = on_add, .commit = on_commit } };

    late.events = g_array_new(false, false, sizeof(Event));
    assert_events(&f->rec, COMMIT); /* the empty view at registration */
    map_sub(f->root, 0x3000, b, 0);
    map_sub(f->root, 0x1000, a, 0);
    bb_address_space_add_listener(f->as, &late.l);
    assert_events(&late, ADD(0x1000, 0x1000, a), ADD(0x3000, 0x1000, b),
                  COMMIT);
    bb_address_space_remove_listener(f->as, &late.l);
    g_array_unref(late.events);
}

static void listener_hears_add_move_disable_enable_delete(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram_new("r", 0x1000);

    g_array_set_size(f->rec.events, 0);
    map_sub(f->root, 0x1000, r, 0);
    assert_events(&f->rec, ADD(0x1000, 0x1000, r), COMMIT);
    bb_memory_region_set_address(r, 0x4000);
    assert_events(&f->rec, DEL(0x1000, 0x1000, r), ADD(0x4000, 0x1000, r),
                  COMMIT);
    bb_memory_region_set_enabled(r, false);
    assert_events(&f->rec, DEL(0x4000, 0x1000, r), COMMIT);
    bb_memory_region_set_enabled(r, true);
    assert_events(&f->rec, ADD(0x4000, 0x1000, r), COMMIT);
    bb_memory_region_del_subregion(f->root, r);
    assert_events(&f->rec, DEL(0x4000, 0x1000, r), COMMIT);
}

/* A range that changes shape is deleted and added again; the rest of the
 * view is not mentioned. */
static void listener_hears_only_changed_ranges(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *big = ram_new("big", 0x3000), *top = ram_new("top", 0x100);
    BbMemoryRegion *other = ram_new("other", 0x1000);

    map_sub(f->root, 0x10000, other, 0);
    map_sub(f->root, 0x0, big, 0);
    g_array_set_size(f->rec.events, 0);
    map_sub(f->root, 0x1000, top, 1);
    assert_events(&f->rec, DEL(0x0, 0x3000, big), ADD(0x0, 0x1000, big),
                  ADD(0x1000, 0x100, top), ADD(0x1100, 0x1f00, big), COMMIT);
}

static void listener_hears_alias_offset_change(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram_new("r", 0x4000);
    BbMemoryRegion *a = bb_memory_region_new_alias(NULL, "a", r, 0, 0x1000);

    map_sub(f->root, 0x8000, a, 0);
    g_array_set_size(f->rec.events, 0);
    bb_memory_region_set_alias_offset(a, 0x2000);
    assert_events(&f->rec, DEL(0x8000, 0x1000, r), ADD(0x8000, 0x1000, r),
                  COMMIT);
    bb_memory_region_unref(r);
}

static void listener_one_commit_per_transaction(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *a = ram_new("a", 0x1000), *b = ram_new("b", 0x1000);

    g_array_set_size(f->rec.events, 0);
    bb_memory_transaction_begin();
    map_sub(f->root, 0x1000, a, 0);
    bb_memory_transaction_begin();
    map_sub(f->root, 0x2000, b, 0);
    bb_memory_region_set_address(a, 0x5000);
    bb_memory_transaction_commit();
    assert_no_events(&f->rec);
    bb_memory_transaction_commit();
    assert_events(&f->rec, ADD(0x2000, 0x1000, b), ADD(0x5000, 0x1000, a),
                  COMMIT);
}

/* Nothing is heard when the view does not change. */
static void listener_silent_when_view_unchanged(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *top = ram_new("top", 0x2000), *hid = ram_new("hid", 0x100);
    BbMemoryRegion *loose = bb_memory_region_new_container(NULL, "loose",
                                                           0x1000);

    map_sub(f->root, 0x0, top, 1);
    map_sub(f->root, 0x100, hid, 0);
    g_array_set_size(f->rec.events, 0);
    bb_memory_region_set_enabled(hid, false);
    bb_memory_region_set_address(hid, 0x200);
    bb_memory_region_set_enabled(hid, true);
    /* Edits of a tree no address space can see. */
    map_sub(loose, 0, ram_new("x", 0x100), 0);
    bb_memory_transaction_begin();
    bb_memory_transaction_commit();
    assert_no_events(&f->rec);
    bb_memory_region_unref(loose);
}

static void listener_all_listeners_and_spaces_hear(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *shared = bb_memory_region_new_container(NULL, "shared",
                                                            0x10000);
    BbAddressSpace *as2 = bb_address_space_new(shared, "second",
                                               BB_UNASSIGNED_ERROR);
    Rec r2 = { .l = { .region_add = on_add, .commit = on_commit } };
    Rec r3 = { .l = { .region_add = on_add } };
    BbMemoryRegion *r = ram_new("r", 0x1000);

    r2.events = g_array_new(false, false, sizeof(Event));
    r3.events = g_array_new(false, false, sizeof(Event));
    map_sub(f->root, 0x20000, bb_memory_region_ref(shared), 0);
    bb_address_space_add_listener(as2, &r2.l);
    bb_address_space_add_listener(f->as, &r3.l);
    g_array_set_size(f->rec.events, 0);
    g_array_set_size(r2.events, 0);
    g_array_set_size(r3.events, 0);
    map_sub(shared, 0x1000, r, 0);
    assert_events(&f->rec, ADD(0x21000, 0x1000, r), COMMIT);
    assert_events(&r3, ADD(0x21000, 0x1000, r));
    assert_events(&r2, ADD(0x1000, 0x1000, r), COMMIT);

    bb_address_space_remove_listener(as2, &r2.l);
    bb_memory_region_set_enabled(r, false);
    assert_no_events(&r2);
    assert_no_events(&r3); /* it has no region_del callback */
    bb_address_space_free(as2);
    bb_memory_region_unref(shared);
    g_array_unref(r2.events);
    g_array_unref(r3.events);
}

/* A listener that edits the map gets the result in a second round. */
static BbMemoryRegion *edit_target;

static void on_commit_edit(BbMemoryListener *l)
{
    on_commit(l);
    if (edit_target) {
        BbMemoryRegion *t = edit_target;
        edit_target = NULL;
        bb_memory_region_set_address(t, 0x9000);
    }
}

static void listener_edit_from_callback_is_rendered(void **state)
{
    Fix *f = *state;
    BbMemoryRegion *r = ram_new("r", 0x1000);
    uint64_t v;

    f->rec.l.commit = on_commit_edit;
    g_array_set_size(f->rec.events, 0);
    edit_target = r;
    map_sub(f->root, 0x1000, r, 0);
    assert_events(&f->rec, ADD(0x1000, 0x1000, r), COMMIT,
                  DEL(0x1000, 0x1000, r), ADD(0x9000, 0x1000, r), COMMIT);
    assert_int_equal(bb_address_space_load(f->as, 0x9000, 1, &v),
                     BB_MEMTX_OK);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(listener_registration_replays_view),
        T(listener_hears_add_move_disable_enable_delete),
        T(listener_hears_only_changed_ranges),
        T(listener_hears_alias_offset_change),
        T(listener_one_commit_per_transaction),
        T(listener_silent_when_view_unchanged),
        T(listener_all_listeners_and_spaces_hear),
        T(listener_edit_from_callback_is_rendered),
    };
    return cmocka_run_group_tests_name("host/memory/listener", tests, NULL,
                                       NULL);
}
