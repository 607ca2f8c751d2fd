/*
 * address-space.c - address spaces (memory.h): each keeps the flat view of
 * its root region, re-renders it when the map changes, and tells its
 * listeners what changed.
 *
 * Map edits are grouped in transactions.  The API has no context argument,
 * so the transaction depth and the list of address spaces are process-wide
 * (the memory map is edited from one thread).  An edit only marks the maps
 * dirty, and only when the edited region can be seen from some address
 * space root or alias; the outermost commit re-renders every address space
 * once.  Listeners then hear region_del for each range of the old view
 * that is not in the new one, region_add for each new range, and one
 * commit - and nothing at all if their view did not change.  The new view
 * is installed before they are called.
 */
#include "memory-priv.h"

/* address_space_access_hinted() casts an address space to its first member. */
G_STATIC_ASSERT(offsetof(BbAddressSpace, io) == 0);

static GPtrArray *memory_spaces;  /* BbAddressSpace *, creation order */
static unsigned memory_txn_depth; /* nesting of open transactions */
static bool memory_txn_pending;   /* an edit since the last render */

/* Whether an edit of @mr may change some view: it is below an address
 * space root or an alias target (conservatively: at any level). */
static bool region_maybe_visible(const BbMemoryRegion *mr)
{
    for (; mr; mr = mr->container) {
        if (mr->root_count || mr->alias_count) {
            return true;
        }
    }
    return false;
}

void memory_map_changed(BbMemoryRegion *mr)
{
    if (region_maybe_visible(mr)) {
        memory_txn_pending = true;
    }
}

/* ------------------------------------------------------------ listeners */

static BbMemorySection section_of(const FlatRange *fr)
{
    uint64_t len_m1 = fr->last - fr->start;
    return (BbMemorySection){
        .mr = fr->mr,
        .addr = fr->start,
        .size = len_m1 == UINT64_MAX ? UINT64_MAX : len_m1 + 1,
        .offset_in_region = fr->offset_in_region,
    };
}

static bool range_equal(const FlatRange *a, const FlatRange *b)
{
    return a->start == b->start && a->last == b->last && a->mr == b->mr &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly;
}

/* Collect the ranges only in @old (@gone) and only in @now (@added); both
 * views are sorted, so one merge walk finds them. */
static void view_diff(const FlatView *old, const FlatView *now,
                      GPtrArray *gone, GPtrArray *added)
{
    unsigned i = 0, j = 0;

    while (i < old->nr || j < now->nr) {
        const FlatRange *a = i < old->nr ? &old->ranges[i] : NULL;
        const FlatRange *b = j < now->nr ? &now->ranges[j] : NULL;
        if (a && b && range_equal(a, b)) {
            i++, j++;
        } else if (a && (!b || a->start <= b->start)) {
            g_ptr_array_add(gone, (gpointer)a);
            i++;
        } else {
            g_ptr_array_add(added, (gpointer)b);
            j++;
        }
    }
}

static void listener_tell(BbMemoryListener *l, GPtrArray *gone,
                          GPtrArray *added)
{
    for (guint k = 0; l->region_del && k < gone->len; k++) {
        BbMemorySection s = section_of(gone->pdata[k]);
        l->region_del(l, &s);
    }
    for (guint k = 0; l->region_add && k < added->len; k++) {
        BbMemorySection s = section_of(added->pdata[k]);
        l->region_add(l, &s);
    }
    if (l->commit) {
        l->commit(l);
    }
}

static void address_space_notify(BbAddressSpace *as, const FlatView *old,
                                 const FlatView *now)
{
    if (as->listeners->len == 0) {
        return;
    }
    g_autoptr(GPtrArray) gone = g_ptr_array_new();
    g_autoptr(GPtrArray) added = g_ptr_array_new();
    view_diff(old, now, gone, added);
    if (gone->len == 0 && added->len == 0) {
        return;
    }
    for (guint k = 0; k < as->listeners->len; k++) {
        listener_tell(as->listeners->pdata[k], gone, added);
    }
}

void bb_address_space_add_listener(BbAddressSpace *as, BbMemoryListener *l)
{
    g_return_if_fail(as != NULL && l != NULL);
    g_ptr_array_add(as->listeners, l);

    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    for (unsigned i = 0; i < as->view->nr; i++) {
        g_ptr_array_add(all, &as->view->ranges[i]);
    }
    listener_tell(l, none, all);
}

void bb_address_space_remove_listener(BbAddressSpace *as, BbMemoryListener *l)
{
    g_return_if_fail(as != NULL);
    g_ptr_array_remove(as->listeners, l);
}

/* --------------------------------------------------------- re-rendering */

static void address_space_update(BbAddressSpace *as)
{
    FlatView *old = as->view;

    as->view = flatview_render(as->root);
    as->last_hit = 0;
    address_space_notify(as, old, as->view);
    if (as->busy) {
        /* A callback reached through @old is running: @old keeps its
         * region alive until it returns. */
        if (!as->retired) {
            as->retired = g_ptr_array_new();
        }
        g_ptr_array_add(as->retired, old);
    } else {
        flatview_unref(old);
    }
}

void address_space_drop_retired(BbAddressSpace *as)
{
    GPtrArray *retired = as->retired;

    /* Unreferencing may free regions (and their owners' state), which
     * may reach the memory API again: detach the list first. */
    as->retired = NULL;
    for (guint i = 0; i < retired->len; i++) {
        flatview_unref(retired->pdata[i]);
    }
    g_ptr_array_free(retired, true);
}

/* Re-render every address space until no listener edits the map any
 * more (their edits are batched into the next round). */
static void memory_update_all(void)
{
    memory_txn_depth++;
    while (memory_txn_pending) {
        memory_txn_pending = false;
        for (guint i = 0; memory_spaces && i < memory_spaces->len; i++) {
            address_space_update(memory_spaces->pdata[i]);
        }
    }
    memory_txn_depth--;
}

void bb_memory_transaction_begin(void)
{
    memory_txn_depth++;
}

void bb_memory_transaction_commit(void)
{
    g_return_if_fail(memory_txn_depth > 0);
    if (--memory_txn_depth == 0 && memory_txn_pending) {
        memory_update_all();
    }
}

/* ------------------------------------------------------- address spaces */

BbAddressSpace *bb_address_space_new(BbMemoryRegion *root, const char *name,
                                     BbUnassignedPolicy policy)
{
    g_return_val_if_fail(root != NULL, NULL);
    g_return_val_if_fail(policy == BB_UNASSIGNED_ERROR ||
                         policy == BB_UNASSIGNED_IGNORE, NULL);

    BbAddressSpace *as = g_new0(BbAddressSpace, 1);
    as->io.access_hinted = address_space_access_hinted_impl;
    as->name = g_strdup(name ? name : "anonymous");
    as->root = bb_memory_region_ref(root);
    root->root_count++;
    as->policy = policy;
    as->view = flatview_render(root);
    as->listeners = g_ptr_array_new();
    if (!memory_spaces) {
        memory_spaces = g_ptr_array_new();
    }
    g_ptr_array_add(memory_spaces, as);
    return as;
}

void bb_address_space_free(BbAddressSpace *as)
{
    if (!as) {
        return;
    }
    g_ptr_array_remove(memory_spaces, as);
    if (memory_spaces->len == 0) {
        g_ptr_array_free(memory_spaces, true);
        memory_spaces = NULL;
    }
    if (as->retired) {
        address_space_drop_retired(as);
    }
    flatview_unref(as->view);
    as->root->root_count--;
    bb_memory_region_unref(as->root);
    g_ptr_array_free(as->listeners, true);
    g_free(as->name);
    g_free(as);
}

BbMemoryRegion *bb_address_space_get_root(BbAddressSpace *as)
{
    g_return_val_if_fail(as != NULL, NULL);
    return as->root;
}

const FlatRange *address_space_find(BbAddressSpace *as, const FlatView *view,
                                    uint64_t addr)
{
    if (as->last_hit < view->nr &&
        flat_range_contains(&view->ranges[as->last_hit], addr)) {
        return &view->ranges[as->last_hit];
    }
    unsigned i = flatview_search(view, addr);
    if (i < view->nr && view->ranges[i].start <= addr) {
        as->last_hit = i;
        return &view->ranges[i];
    }
    return NULL;
}

const FlatRange *address_space_lookup(BbAddressSpace *as, uint64_t addr)
{
    return address_space_find(as, as->view, addr);
}
