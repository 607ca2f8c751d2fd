/*
 * board-check.c - checks between the items of a board, run after the
 * command-line overrides: unique ids, required keys of sections, bus
 * placement (functions need a slot, no bus cycles) and slot conflicts, IRQ targets, chardev references and
 * overlapping address ranges (devices and RAM).  First, the per-hart
 * templates (`each-hart` IRQ groups, `$harts` property values) are
 * expanded for the hart count every override has had its say on.
 *
 * Checks that need the device classes (default register sizes, IRQ
 * groups) run again or only in board_build(); everything here needs the
 * spec alone, so `describe` rejects a broken board before loading any
 * plugin.  Errors are reported in board order, first one wins.
 */
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"

typedef struct MapItem {
    uint64_t base, last;  /* inclusive range */
    const char *who;      /* device id or "RAM" */
    const BoardLoc *loc;
    guint order;          /* board order, for stable messages */
} MapItem;

static gint map_item_cmp(gconstpointer a, gconstpointer b)
{
    const MapItem *x = a, *y = b;

    if (x->base != y->base) {
        return x->base < y->base ? -1 : 1;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

static bool overlap_error(const MapItem *a, const MapItem *b, GError **error)
{
    const MapItem *first = a->order < b->order ? a : b;
    const MapItem *second = a->order < b->order ? b : a;
    g_autofree char *where = board_loc_format(first->loc);

    board_error(error, BB_ERROR_INVALID, second->loc,
                "%s%s%s [0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER
                "x] overlaps %s%s%s [0x%" G_GINT64_MODIFIER "x-0x%"
                G_GINT64_MODIFIER "x] at %s",
                strcmp(second->who, "RAM") ? "reg of '" : "",
                second->who, strcmp(second->who, "RAM") ? "'" : "",
                second->base, second->last,
                strcmp(first->who, "RAM") ? "reg of '" : "",
                first->who, strcmp(first->who, "RAM") ? "'" : "",
                first->base, first->last, where);
    return false;
}

static void collect_ranges(const BoardSpec *spec, const uint64_t *sizes,
                           GArray *items)
{
    guint order = 0;

    if (spec->has_ram && spec->has_ram_base && spec->has_ram_size) {
        MapItem m = { spec->ram_base, spec->ram_base + spec->ram_size - 1,
                      "RAM", &spec->ram_loc, order++ };
        g_array_append_val(items, m);
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        for (guint j = 0; j < dev->regs->len; j++) {
            BoardRange *r = &g_array_index(dev->regs, BoardRange, j);
            uint64_t size = r->size ? r->size : sizes ? sizes[i] : 0;
            MapItem m = { r->base, r->base + size - 1, dev->id, &r->loc,
                          order++ };
            if (size && m.last >= m.base) {
                g_array_append_val(items, m);
            }
        }
    }
}

bool board_check_overlaps(const BoardSpec *spec, const uint64_t *sizes,
                          GError **error)
{
    g_autoptr(GArray) items = g_array_new(false, false, sizeof(MapItem));
    const MapItem *widest = NULL;

    collect_ranges(spec, sizes, items);
    g_array_sort(items, map_item_cmp);
    for (guint i = 0; i < items->len; i++) {
        const MapItem *m = &g_array_index(items, MapItem, i);
        if (widest && m->base <= widest->last) {
            return overlap_error(widest, m, error);
        }
        if (!widest || m->last > widest->last) {
            widest = m;
        }
    }
    return true;
}

static bool check_sections(BoardSpec *spec, GError **error)
{
    if (spec->has_harts && !spec->hart_count) {
        spec->hart_count = 1;
    }
    if (spec->has_harts && !spec->hart_type) {
        board_error(error, BB_ERROR_INVALID, &spec->harts_loc,
                    "harts: missing required key 'type' (the hart type, "
                    "e.g. riscv64)");
        return false;
    }
    if (spec->has_ram && (!spec->has_ram_base || !spec->has_ram_size)) {
        board_error(error, BB_ERROR_INVALID, &spec->ram_loc,
                    "ram: missing required key '%s'",
                    spec->has_ram_base ? "size" : "base");
        return false;
    }
    if (spec->has_ram && spec->ram_base + (spec->ram_size - 1) <
                             spec->ram_base) {
        board_error(error, BB_ERROR_INVALID, &spec->ram_loc,
                    "ram wraps past the end of the address space");
        return false;
    }
    return true;
}

static bool check_unique_ids(const BoardSpec *spec, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        BoardDevice *first = g_hash_table_lookup(seen, dev->id);
        if (first) {
            g_autofree char *where = board_loc_format(&first->id_loc);
            board_error(error, BB_ERROR_EXISTS, &dev->id_loc,
                        "duplicate device id '%s' (first used at %s)",
                        dev->id, where);
            return false;
        }
        g_hash_table_insert(seen, dev->id, dev);
    }
    return true;
}

static bool check_bus(const BoardSpec *spec, const BoardDevice *dev,
                      GError **error)
{
    g_autofree char *ids = NULL;
    BoardDevice *bus;

    if (dev->has_func && dev->slot < 0) {
        board_error(error, BB_ERROR_INVALID, &dev->func_loc,
                    "device '%s' has a function but no slot (write "
                    "slot: N next to function:, or addr: SS.F)", dev->id);
        return false;
    }
    if (!dev->bus) {
        if (dev->slot >= 0) {
            board_error(error, BB_ERROR_INVALID, &dev->slot_loc,
                        "device '%s' has a slot but no 'bus'", dev->id);
            return false;
        }
        return true;
    }
    bus = board_spec_find_device(spec, dev->bus);
    if (bus && bus != dev) {
        return true;
    }
    if (bus == dev) {
        board_error(error, BB_ERROR_INVALID, &dev->bus_loc,
                    "device '%s' cannot be placed on itself", dev->id);
        return false;
    }
    ids = board_spec_list_ids(spec, false);
    board_error(error, BB_ERROR_NOT_FOUND, &dev->bus_loc,
                "bus '%s' is not a device of this board; devices are: %s",
                dev->bus, ids);
    return false;
}

/* A device whose `bus:` chain leads back to itself could never be
 * realized (a bus owner is realized before the devices on it). */
static bool check_bus_cycles(const BoardSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        BoardDevice *cur = dev;
        GString *chain, *where;

        for (guint n = 0; cur && n < spec->devices->len; n++) {
            cur = cur->bus ? board_spec_find_device(spec, cur->bus) : NULL;
            if (cur == dev) {
                break;
            }
        }
        if (cur != dev) {
            continue;
        }
        chain = g_string_new(NULL);
        where = g_string_new(NULL);
        cur = dev;
        do {
            g_autofree char *loc = board_loc_format(&cur->bus_loc);
            g_string_append_printf(chain, "'%s' -> ", cur->id);
            g_string_append_printf(where, "%s'%s' at %s",
                                   where->len ? ", " : "", cur->id, loc);
            cur = board_spec_find_device(spec, cur->bus);
        } while (cur != dev);
        g_string_append_printf(chain, "'%s'", dev->id);
        board_error(error, BB_ERROR_INVALID, &dev->bus_loc,
                    "bus cycle: %s (each is placed on the next: %s); a "
                    "bus owner is realized before the devices on it, so "
                    "no order works", chain->str, where->str);
        g_string_free(chain, true);
        g_string_free(where, true);
        return false;
    }
    return true;
}

static bool check_slots(const BoardSpec *spec, GError **error)
{
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        for (guint j = 0; dev->bus && dev->slot >= 0 && j < i; j++) {
            BoardDevice *other = g_ptr_array_index(spec->devices, j);
            if (other->bus && !strcmp(other->bus, dev->bus) &&
                other->slot == dev->slot && other->func == dev->func) {
                g_autofree char *where = board_loc_format(&other->slot_loc);
                board_error(error, BB_ERROR_EXISTS, &dev->slot_loc,
                            "slot %02x.%d of bus '%s' is already taken by "
                            "'%s' (at %s)", dev->slot, dev->func, dev->bus,
                            other->id, where);
                return false;
            }
        }
    }
    return true;
}

static bool check_irq_targets(const BoardSpec *spec, const BoardDevice *dev,
                              GError **error)
{
    for (guint i = 0; i < dev->irqs->len; i++) {
        BoardIrqRef *ref = g_ptr_array_index(dev->irqs, i);
        g_autofree char *ids = NULL;
        if (board_spec_find_device(spec, ref->target) ||
            board_spec_is_hart(spec, ref->target)) {
            continue;
        }
        ids = board_spec_list_ids(spec, true);
        board_error(error, BB_ERROR_NOT_FOUND, &ref->loc,
                    "IRQ reference '%s': no device or hart '%s'; known "
                    "ids: %s", ref->text, ref->target, ids);
        return false;
    }
    return true;
}

static bool check_chardev_refs(const BoardSpec *spec, const BoardDevice *dev,
                               GError **error)
{
    for (guint i = 0; i < dev->props->len; i++) {
        BoardProp *prop = g_ptr_array_index(dev->props, i);
        GString *ids;
        if (strcmp(prop->name, "chardev") || prop->items || !*prop->value) {
            continue;
        }
        /* An inline backend instead of a chardev id. */
        if (strchr(prop->value, ':') || !strcmp(prop->value, "stdio") ||
            !strcmp(prop->value, "null")) {
            g_autofree char *what = g_strdup_printf("%s.chardev", dev->id);
            if (!board_parse_chardev(what, prop->value, &prop->value_loc,
                                     error)) {
                return false;
            }
            continue;
        }
        for (guint j = 0; j < spec->chardevs->len; j++) {
            BoardChardev *cd = g_ptr_array_index(spec->chardevs, j);
            if (!strcmp(cd->id, prop->value)) {
                return true;
            }
        }
        ids = g_string_new(NULL);
        for (guint j = 0; j < spec->chardevs->len; j++) {
            BoardChardev *cd = g_ptr_array_index(spec->chardevs, j);
            g_string_append_printf(ids, "%s%s", j ? ", " : "", cd->id);
        }
        board_error(error, BB_ERROR_NOT_FOUND, &prop->value_loc,
                    "device '%s': chardev '%s' is not defined (%s%s) and "
                    "is not a backend (stdio, null, file:PATH, pipe:PATH, "
                    "unix:PATH, tcp:HOST:PORT)",
                    dev->id, prop->value,
                    ids->len ? "chardevs are: " : "the board defines no "
                                                  "chardevs",
                    ids->str);
        g_string_free(ids, true);
        return false;
    }
    return true;
}

/* ------------------------------------------------- per-hart expansion */

static BoardIrqRef *expand_ref(const BoardIrqRef *t, unsigned hart)
{
    BoardIrqRef *ref = g_new0(BoardIrqRef, 1);

    ref->out_group = g_strdup(t->out_group);
    ref->out_index = hart * t->per_hart + t->out_index;
    ref->text = g_strdup_printf("hart%u.%s", hart, t->text);
    ref->target = g_strdup_printf("hart%u", hart);
    ref->in_group = g_strdup(t->in_group);
    ref->in_index = t->in_index;
    ref->loc = t->loc;
    ref->group_loc = t->group_loc;
    return ref;
}

/* Replace the each-hart templates of @dev by one reference per hart and
 * template, hart by hart (the order the lines are numbered in). */
static void expand_irqs(BoardDevice *dev, unsigned harts)
{
    GPtrArray *irqs = g_ptr_array_new_with_free_func(
        (GDestroyNotify)board_irq_ref_free);
    g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < dev->irqs->len; i++) {
        BoardIrqRef *ref = g_ptr_array_index(dev->irqs, i);
        if (!ref->per_hart) {
            g_ptr_array_add(irqs, g_ptr_array_steal_index(dev->irqs, i--));
            continue;
        }
        if (g_hash_table_contains(done, ref->out_group)) {
            continue;
        }
        g_hash_table_add(done, ref->out_group);
        for (unsigned h = 0; h < harts; h++) {
            for (guint j = i; j < dev->irqs->len; j++) {
                BoardIrqRef *t = g_ptr_array_index(dev->irqs, j);
                if (t->per_hart && !strcmp(t->out_group, ref->out_group)) {
                    g_ptr_array_add(irqs, expand_ref(t, h));
                }
            }
        }
    }
    g_ptr_array_free(dev->irqs, true);
    dev->irqs = irqs;
}

static void expand_props(GPtrArray *props, unsigned harts)
{
    for (guint i = 0; i < props->len; i++) {
        BoardProp *p = g_ptr_array_index(props, i);
        if (!strcmp(p->value, "$harts")) {
            g_free(p->value);
            p->value = g_strdup_printf("%u", harts);
        }
    }
}

void board_spec_expand_harts(BoardSpec *spec)
{
    unsigned harts = spec->has_harts ? spec->hart_count : 0;

    expand_props(spec->machine_props, harts);
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        expand_irqs(dev, harts);
        expand_props(dev->props, harts);
    }
}

bool board_spec_check(BoardSpec *spec, GError **error)
{
    if (!check_sections(spec, error)) {
        return false;
    }
    board_spec_expand_harts(spec);
    if (!check_unique_ids(spec, error)) {
        return false;
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        if (!check_bus(spec, dev, error) ||
            !check_irq_targets(spec, dev, error) ||
            !check_chardev_refs(spec, dev, error)) {
            return false;
        }
    }
    return check_bus_cycles(spec, error) && check_slots(spec, error) &&
           board_check_overlaps(spec, NULL, error);
}
