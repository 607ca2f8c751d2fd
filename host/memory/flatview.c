/*
 * flatview.c - rendering a region tree into a flat view: the sorted,
 * non-overlapping list of ranges an address space dispatches on.
 *
 * The tree is walked depth-first with each container's subregions in
 * priority order (higher first; at equal priority the later-added first),
 * so the first terminal region (RAM, ROM, I/O) to claim an address is the
 * one that wins it.  Claimed addresses are kept in a balanced tree of
 * merged intervals: a terminal region emits pieces only for the gaps it
 * finds there, and its own interval then absorbs every interval it touched.
 * Each interval is absorbed at most once, so rendering n regions costs
 * O(n log n) however they overlap.  The pieces are then sorted, adjacent
 * pieces continuing the same region are merged, and the view takes a
 * reference on every region it shows, so an access in progress can finish
 * even if the map changes under it.
 *
 * Coordinates are handled as inclusive [lo, hi] windows in the current
 * region's own offsets plus a 64-bit "delta" to the address space, which
 * keeps everything, up to a 2^64-byte root, within uint64_t.
 */
#include <stdlib.h>
#include <string.h>

#include "memory-priv.h"

/* Deeper nesting than this is refused (cycles are refused at mapping time;
 * this only protects the stack from absurd trees). */
#define RENDER_MAX_DEPTH 1024

typedef struct Interval {
    uint64_t first, last; /* inclusive */
} Interval;

typedef struct Render {
    GSequence *claimed; /* Interval *: disjoint, never adjacent, sorted */
    GArray *pieces;     /* FlatRange, in claim order */
} Render;

/* Orders intervals so that g_sequence_search() finds the first one that
 * overlaps or touches the key interval. */
static gint interval_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
    const Interval *iv = a, *key = b;

    if (key->first > 0 && iv->last < key->first - 1) {
        return -1;
    }
    return 1;
}

static void render_emit(Render *r, BbMemoryRegion *mr, uint64_t first,
                        uint64_t last, uint64_t offset)
{
    FlatRange fr = {
        .start = first,
        .last = last,
        .mr = mr,
        .offset_in_region = offset,
        .host = mr->ram ? mr->ram + offset : NULL,
        .readonly = mr->kind == MR_ROM,
    };
    g_array_append_val(r->pieces, fr);
}

/* Claim [first, last] for terminal region @mr (whose offset @offset sits
 * at @first): emit the parts nobody claimed before. */
static void render_claim(Render *r, BbMemoryRegion *mr, uint64_t first,
                         uint64_t last, uint64_t offset)
{
    Interval key = { first, last };
    GSequenceIter *it = g_sequence_search(r->claimed, &key, interval_cmp,
                                          NULL);
    uint64_t cursor = first; /* next address not yet accounted for */
    bool open = true;        /* cursor <= last still needs emitting */

    while (!g_sequence_iter_is_end(it)) {
        Interval *iv = g_sequence_get(it);
        if (iv->first > last && (last == UINT64_MAX || iv->first > last + 1)) {
            break; /* neither overlaps nor touches */
        }
        if (open && iv->first > cursor) {
            uint64_t gap_last = MIN(iv->first - 1, last);
            render_emit(r, mr, cursor, gap_last, offset + (cursor - first));
        }
        if (iv->last >= last) {
            open = false;
        } else if (iv->last >= cursor) {
            cursor = iv->last + 1;
        }
        key.first = MIN(key.first, iv->first);
        key.last = MAX(key.last, iv->last);
        GSequenceIter *next = g_sequence_iter_next(it);
        g_sequence_remove(it);
        it = next;
    }
    if (open) {
        render_emit(r, mr, cursor, last, offset + (cursor - first));
    }
    Interval *merged = g_new(Interval, 1);
    *merged = key;
    g_sequence_insert_before(it, merged);
}

static void render_region(Render *r, BbMemoryRegion *mr, uint64_t delta,
                          uint64_t lo, uint64_t hi, unsigned depth);

/* The window [lo, hi] of alias @mr, seen in its target. */
static void render_alias(Render *r, BbMemoryRegion *mr, uint64_t delta,
                         uint64_t lo, uint64_t hi, unsigned depth)
{
    uint64_t off = mr->alias_offset;
    uint64_t tlast = mr->alias->last;

    if (off > tlast || lo > tlast - off) {
        return; /* the window lies beyond the end of the target */
    }
    hi = MIN(hi, tlast - off);
    render_region(r, mr->alias, delta - off, lo + off, hi + off, depth + 1);
}

/* The window [lo, hi] of container @mr: subregions from the highest
 * priority (and, at equal priority, the latest added) down. */
static void render_container(Render *r, BbMemoryRegion *mr, uint64_t delta,
                             uint64_t lo, uint64_t hi, unsigned depth)
{
    memory_region_sort_subregions(mr);
    for (guint i = mr->subregions->len; i-- > 0;) {
        BbMemoryRegion *sub = mr->subregions->pdata[i];
        uint64_t start = sub->addr;
        /* Last offset in the container, clipped at 2^64 - 1. */
        uint64_t end = sub->last > UINT64_MAX - start ? UINT64_MAX
                                                      : start + sub->last;
        if (start > hi || end < lo) {
            continue;
        }
        uint64_t clo = MAX(lo, start) - start;
        uint64_t chi = MIN(hi, end) - start;
        render_region(r, sub, delta + start, clo, chi, depth + 1);
    }
}

/* Render the offsets [lo, hi] of @mr, which appear in the address space
 * at offset + @delta (mod 2^64). */
static void render_region(Render *r, BbMemoryRegion *mr, uint64_t delta,
                          uint64_t lo, uint64_t hi, unsigned depth)
{
    if (!mr->enabled) {
        return;
    }
    if (depth > RENDER_MAX_DEPTH) {
        g_critical("memory region '%s' is nested more than %d deep; "
                   "not rendered", mr->name, RENDER_MAX_DEPTH);
        return;
    }
    switch (mr->kind) {
    case MR_RAM:
    case MR_ROM:
    case MR_IO:
        render_claim(r, mr, lo + delta, hi + delta, lo);
        break;
    case MR_ALIAS:
        render_alias(r, mr, delta, lo, hi, depth);
        break;
    case MR_CONTAINER:
        render_container(r, mr, delta, lo, hi, depth);
        break;
    }
}

static int piece_cmp(const void *a, const void *b)
{
    const FlatRange *x = a, *y = b;
    return x->start < y->start ? -1 : (x->start > y->start ? 1 : 0);
}

/* Whether @b continues @a: adjacent, same region, contiguous offsets. */
static bool piece_continues(const FlatRange *a, const FlatRange *b)
{
    return a->last != UINT64_MAX && a->last + 1 == b->start &&
           a->mr == b->mr && a->readonly == b->readonly &&
           a->offset_in_region + (a->last - a->start) + 1 ==
               b->offset_in_region;
}

/* Sort the pieces, merge continuations, and reference the regions. */
static FlatView *render_finish(GArray *pieces)
{
    FlatView *view = g_new0(FlatView, 1);
    unsigned n = 0;

    if (pieces->len > 1) {
        qsort(pieces->data, pieces->len, sizeof(FlatRange), piece_cmp);
    }
    view->ref = 1;
    view->ranges = g_new(FlatRange, MAX(pieces->len, 1));
    for (guint i = 0; i < pieces->len; i++) {
        FlatRange *p = &g_array_index(pieces, FlatRange, i);
        if (n && piece_continues(&view->ranges[n - 1], p)) {
            view->ranges[n - 1].last = p->last;
            continue;
        }
        view->ranges[n++] = *p;
        bb_memory_region_ref(p->mr);
    }
    view->nr = n;
    return view;
}

FlatView *flatview_render(BbMemoryRegion *root)
{
    Render r = {
        .claimed = g_sequence_new(g_free),
        .pieces = g_array_new(false, false, sizeof(FlatRange)),
    };

    render_region(&r, root, 0, 0, root->last, 0);
    FlatView *view = render_finish(r.pieces);
    g_sequence_free(r.claimed);
    g_array_free(r.pieces, true);
    return view;
}

FlatView *flatview_ref(FlatView *view)
{
    g_atomic_int_inc(&view->ref);
    return view;
}

void flatview_unref(FlatView *view)
{
    if (view && g_atomic_int_dec_and_test(&view->ref)) {
        for (unsigned i = 0; i < view->nr; i++) {
            bb_memory_region_unref(view->ranges[i].mr);
        }
        g_free(view->ranges);
        g_free(view);
    }
}

unsigned flatview_search(const FlatView *view, uint64_t addr)
{
    unsigned lo = 0, hi = view->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (view->ranges[mid].last < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}
