/*
 * dump.c - text dumps of the memory map for `breadboard describe` and
 * --info mtree: the region tree (in the spirit of QEMU's `info mtree`:
 * one indented line per region with its absolute range, priority and
 * kind; aliases with their target window; disabled regions marked) and an
 * address space's flat view.  Formats are described in memory-internal.h.
 *
 * Only the region layout (memory-priv.h) and the public API are used here,
 * so the unit test can compile this file into itself.
 */
#include <inttypes.h>

#include "memory-priv.h"

static const char *dump_kind_name(const BbMemoryRegion *mr)
{
    static const char *const names[] = {
        [MR_RAM] = "ram", [MR_ROM] = "rom", [MR_IO] = "i/o",
        [MR_ALIAS] = "alias", [MR_CONTAINER] = "container",
    };
    return names[mr->kind];
}

/* Display order of subregions: by address, then as they are rendered. */
static gint dump_sub_cmp(gconstpointer a, gconstpointer b)
{
    const BbMemoryRegion *x = *(BbMemoryRegion *const *)a;
    const BbMemoryRegion *y = *(BbMemoryRegion *const *)b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return x->seq > y->seq ? -1 : (x->seq < y->seq ? 1 : 0);
}

/* @mr at absolute address @base; alias targets met are added to
 * @targets (once each). */
static void dump_region(GString *out, const BbMemoryRegion *mr,
                        uint64_t base, unsigned level, GPtrArray *targets)
{
    int prio = mr->container ? mr->priority : 0;

    g_string_append_printf(out, "%*s%016" PRIx64 "-%016" PRIx64
                           " (prio %d, %s): %s", (int)(level * 2), "", base,
                           base + mr->last, prio, dump_kind_name(mr),
                           mr->name);
    if (mr->kind == MR_ALIAS) {
        g_string_append_printf(out, " @%s %016" PRIx64 "-%016" PRIx64,
                               mr->alias->name, mr->alias_offset,
                               mr->alias_offset + mr->last);
        if (!g_ptr_array_find(targets, mr->alias, NULL)) {
            g_ptr_array_add(targets, mr->alias);
        }
    }
    g_string_append(out, mr->enabled ? "\n" : " [disabled]\n");
    if (mr->kind != MR_CONTAINER) {
        return;
    }
    g_autoptr(GPtrArray) subs = g_ptr_array_copy(mr->subregions, NULL, NULL);
    g_ptr_array_sort(subs, dump_sub_cmp);
    for (guint i = 0; i < subs->len; i++) {
        const BbMemoryRegion *sub = subs->pdata[i];
        dump_region(out, sub, base + sub->addr, level + 1, targets);
    }
}

static const BbMemoryRegion *dump_top(const BbMemoryRegion *mr)
{
    while (mr->container) {
        mr = mr->container;
    }
    return mr;
}

void memory_region_dump_tree(BbMemoryRegion *root, GString *out)
{
    g_autoptr(GPtrArray) targets = g_ptr_array_new();

    dump_region(out, root, 0, 0, targets);
    /* The list grows while alias targets are dumped. */
    for (guint i = 0; i < targets->len; i++) {
        const BbMemoryRegion *t = targets->pdata[i];
        if (dump_top(t) != root) {
            g_string_append_printf(out, "memory-region: %s\n", t->name);
            dump_region(out, t, 0, 1, targets);
        }
    }
}

void address_space_dump_flatview(BbAddressSpace *as, GString *out)
{
    const FlatView *view = as->view;

    for (unsigned i = 0; i < view->nr; i++) {
        const FlatRange *fr = &view->ranges[i];
        g_string_append_printf(out, "%016" PRIx64 "-%016" PRIx64 " %s (%s)",
                               fr->start, fr->last, fr->mr->name,
                               dump_kind_name(fr->mr));
        if (fr->offset_in_region) {
            g_string_append_printf(out, " @%016" PRIx64,
                                   fr->offset_in_region);
        }
        g_string_append_c(out, '\n');
    }
}
