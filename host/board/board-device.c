/*
 * board-device.c - the entries of `devices:`: type, id, address ranges
 * (reg), IRQ references (irq, irqs), bus placement (bus, slot, function,
 * addr) and properties.  Each key has a loader shared by the YAML loader and the
 * command-line overrides; references to other entries are checked later,
 * in board-check.c, once all overrides are in.  An entry whose id names a
 * device of an included board changes that device instead of adding one
 * (or, with `remove: true`, deletes it); `{each-hart: [...]}` IRQ groups
 * are kept as templates until the hart count is final.
 */
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"

BoardDevice *board_device_new(void)
{
    BoardDevice *dev = g_new0(BoardDevice, 1);

    dev->regs = g_array_new(false, true, sizeof(BoardRange));
    dev->irqs = g_ptr_array_new_with_free_func(
        (GDestroyNotify)board_irq_ref_free);
    dev->props = g_ptr_array_new_with_free_func(board_prop_free);
    dev->slot = -1;
    return dev;
}

void board_device_free(BoardDevice *dev)
{
    if (!dev) {
        return;
    }
    g_free(dev->type);
    g_free(dev->id);
    g_free(dev->bus);
    g_array_free(dev->regs, true);
    g_ptr_array_free(dev->irqs, true);
    g_ptr_array_free(dev->props, true);
    g_free(dev);
}

static bool dev_type(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;

    return board_set_string(&dev->type, &dev->type_loc, value, "type", error);
}

static bool dev_id(BoardSpec *spec, void *t, const BoardNode *key,
                   const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;
    const char *id = board_get_string(value, "id", error);

    if (!id || !board_spec_check_id("device", id, &value->loc, error)) {
        return false;
    }
    g_free(dev->id);
    dev->id = g_strdup(id);
    dev->id_loc = value->loc;
    return true;
}

/* BASE, [BASE] or [BASE, SIZE]. */
static bool add_range(BoardDevice *dev, const BoardNode *node,
                      GError **error)
{
    BoardRange r = { 0, 0, node->loc };
    bool is_seq = node->kind == BOARD_NODE_SEQ;
    guint n = is_seq ? node->items->len : 0;
    const BoardNode *base = is_seq && n ? g_ptr_array_index(node->items, 0)
                                        : node;

    if ((is_seq && n != 1 && n != 2) || node->kind == BOARD_NODE_MAP) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "invalid reg: expected BASE, [BASE, SIZE] or a list of "
                    "those");
        return false;
    }
    if (!board_parse_u64(base, "reg base", true, &r.base, error) ||
        (n == 2 && !board_parse_u64(g_ptr_array_index(node->items, 1),
                                    "reg size", true, &r.size, error))) {
        return false;
    }
    if (n == 2 && !r.size) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "reg size must not be 0");
        return false;
    }
    if (r.size && r.base + (r.size - 1) < r.base) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "reg [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                    "x] wraps past the end of the address space", r.base,
                    r.size);
        return false;
    }
    g_array_append_val(dev->regs, r);
    return true;
}

/* BASE, [BASE, SIZE], or a list of BASE / [BASE] / [BASE, SIZE]. */
static bool dev_reg(BoardSpec *spec, void *t, const BoardNode *key,
                    const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;
    const BoardNode *first;

    g_array_set_size(dev->regs, 0);
    if (board_node_is_null(value)) {
        return true;
    }
    first = value->kind == BOARD_NODE_SEQ && value->items->len
                ? g_ptr_array_index(value->items, 0) : NULL;
    if (!first || first->kind != BOARD_NODE_SEQ) {
        return add_range(dev, value, error);
    }
    for (guint i = 0; i < value->items->len; i++) {
        if (!add_range(dev, g_ptr_array_index(value->items, i), error)) {
            return false;
        }
    }
    return true;
}

/* Drop the references of output group @group (NULL: the `irq:` form). */
static void drop_irq_refs(BoardDevice *dev, const char *group)
{
    for (guint i = dev->irqs->len; i-- > 0;) {
        BoardIrqRef *ref = g_ptr_array_index(dev->irqs, i);
        if (g_strcmp0(ref->out_group, group) == 0) {
            g_ptr_array_remove_index(dev->irqs, i);
        }
    }
}

static bool add_irq_ref(BoardDevice *dev, const BoardNode *node,
                        const char *group, unsigned index,
                        const BoardLoc *group_loc, GError **error)
{
    BoardIrqRef *ref;

    if (!board_expect_kind(node, BOARD_NODE_SCALAR, "an IRQ reference",
                           error)) {
        return false;
    }
    ref = g_new0(BoardIrqRef, 1);
    if (!board_parse_irq_ref(node->value, ref, &node->loc, error)) {
        board_irq_ref_free(ref);
        return false;
    }
    ref->out_group = g_strdup(group);
    ref->out_index = index;
    ref->group_loc = *group_loc;
    g_ptr_array_add(dev->irqs, ref);
    return true;
}

static bool dev_irq(BoardSpec *spec, void *t, const BoardNode *key,
                    const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;

    if (dev->has_irqs) {
        board_error(error, BB_ERROR_INVALID, &key->loc,
                    "'irq' and 'irqs' cannot both be given; write "
                    "irqs: {GROUP: REFERENCE}");
        return false;
    }
    drop_irq_refs(dev, NULL);
    dev->has_irq = !board_node_is_null(value);
    return !dev->has_irq ||
           add_irq_ref(dev, value, NULL, 0, &key->loc, error);
}

/* One input of an each-hart template: INPUT-GROUP[:INDEX] of a hart. */
static bool add_each_hart_ref(BoardDevice *dev, const BoardNode *item,
                              const char *group, unsigned index,
                              unsigned per_hart, const BoardLoc *group_loc,
                              GError **error)
{
    g_autofree char *full = NULL;
    BoardIrqRef *ref;

    if (!board_expect_kind(item, BOARD_NODE_SCALAR, "an each-hart input",
                           error)) {
        return false;
    }
    /* Parsed as a reference to a stand-in target, so the grammar is the
     * reference grammar minus the target. */
    full = g_strconcat("h.", item->value, NULL);
    ref = g_new0(BoardIrqRef, 1);
    if (!*item->value || strchr(item->value, '.') ||
        !board_parse_irq_ref(full, ref, &item->loc, NULL)) {
        board_irq_ref_free(ref);
        board_error(error, BB_ERROR_INVALID, &item->loc,
                    "invalid each-hart input '%s': expected "
                    "INPUT-GROUP[:INDEX] of every hart, e.g. meip or "
                    "mtip:0", item->value);
        return false;
    }
    g_free(ref->text);
    ref->text = g_strdup(item->value);
    ref->out_group = g_strdup(group);
    ref->out_index = index;
    ref->per_hart = per_hart;
    ref->group_loc = *group_loc;
    g_ptr_array_add(dev->irqs, ref);
    return true;
}

/* {each-hart: INPUT} or {each-hart: [INPUT, ...]}: lines h*n .. h*n+n-1
 * of the group drive the listed inputs of hart h, n being the number of
 * inputs listed (a null leaves that line of every hart unconnected);
 * expanded by board_spec_expand_harts() once the hart count is final. */
static bool load_each_hart(BoardDevice *dev, const BoardNode *key,
                           const BoardNode *value, GError **error)
{
    const BoardNode *k = value->items->len == 2
                             ? g_ptr_array_index(value->items, 0) : NULL;
    const BoardNode *v = k ? g_ptr_array_index(value->items, 1) : NULL;
    guint n;

    if (!k || strcmp(k->value, "each-hart")) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "IRQ group '%s' must be a reference, a list of "
                    "references or {each-hart: [INPUT, ...]}", key->value);
        return false;
    }
    if (v->kind != BOARD_NODE_SEQ) {
        return board_node_is_null(v) ||
               add_each_hart_ref(dev, v, key->value, 0, 1, &key->loc, error);
    }
    n = v->items->len;
    for (guint i = 0; i < n; i++) {
        const BoardNode *item = g_ptr_array_index(v->items, i);
        if (!board_node_is_null(item) &&
            !add_each_hart_ref(dev, item, key->value, i, n, &key->loc,
                               error)) {
            return false;
        }
    }
    return true;
}

bool board_spec_load_irq_group(BoardSpec *spec, BoardDevice *dev,
                               const BoardNode *key, const BoardNode *value,
                               GError **error)
{
    const char *p = key->value;

    for (; *p && (g_ascii_isalnum(*p) || *p == '_' || *p == '-'); p++) {
    }
    if (*p || !*key->value) {
        board_error(error, BB_ERROR_INVALID, &key->loc,
                    "invalid IRQ output group name '%s'", key->value);
        return false;
    }
    drop_irq_refs(dev, key->value);
    if (value->kind == BOARD_NODE_MAP) {
        return load_each_hart(dev, key, value, error);
    }
    if (value->kind != BOARD_NODE_SEQ) {
        return board_node_is_null(value) ||
               add_irq_ref(dev, value, key->value, 0, &key->loc, error);
    }
    for (guint i = 0; i < value->items->len; i++) {
        const BoardNode *item = g_ptr_array_index(value->items, i);
        if (!board_node_is_null(item) &&
            !add_irq_ref(dev, item, key->value, i, &key->loc, error)) {
            return false;
        }
    }
    return true;
}

static bool dev_irqs(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;

    if (dev->has_irq) {
        board_error(error, BB_ERROR_INVALID, &key->loc,
                    "'irq' and 'irqs' cannot both be given; write "
                    "irqs: {GROUP: REFERENCE}");
        return false;
    }
    if (board_node_is_null(value)) {
        return true;
    }
    if (!board_expect_kind(value, BOARD_NODE_MAP, "irqs", error)) {
        return false;
    }
    dev->has_irqs = true;
    for (guint i = 0; i + 1 < value->items->len; i += 2) {
        if (!board_spec_load_irq_group(spec, dev,
                                       g_ptr_array_index(value->items, i),
                                       g_ptr_array_index(value->items,
                                                         i + 1), error)) {
            return false;
        }
    }
    return true;
}

static bool dev_bus(BoardSpec *spec, void *t, const BoardNode *key,
                    const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;

    if (board_node_is_null(value)) {
        g_clear_pointer(&dev->bus, g_free);
        return true;
    }
    return board_set_string(&dev->bus, &dev->bus_loc, value, "bus", error);
}

static bool slot_error(const BoardNode *value, GError **error)
{
    board_error(error, BB_ERROR_INVALID, &value->loc,
                "slot '%s' is out of range: PCI slots are 0-31 (0x00-0x1f)",
                value->value);
    return false;
}

static bool dev_slot(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;
    uint64_t slot;

    if (!board_parse_u64(value, "slot", false, &slot, error)) {
        return false;
    }
    if (slot > 31) {
        return slot_error(value, error);
    }
    dev->slot = (int)slot;
    dev->slot_loc = value->loc;
    return true;
}

static bool dev_function(BoardSpec *spec, void *t, const BoardNode *key,
                         const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;
    uint64_t func;

    if (!board_parse_u64(value, "function", false, &func, error)) {
        return false;
    }
    if (func > 7) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "function '%s' is out of range: PCI functions are 0-7",
                    value->value);
        return false;
    }
    dev->func = (int)func;
    dev->has_func = true;
    dev->func_loc = value->loc;
    return true;
}

/* "SS.F": hex slot 00-1f, function 0-7 (PCI notation), or "SS"; an
 * optional 0x before the slot, as QEMU's -device addr= takes it. */
static bool dev_addr(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;
    const char *s = board_get_string(value, "addr", error);
    char *end = NULL;
    guint64 slot, func = 0;

    if (!s) {
        return false;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        g_ascii_isxdigit(s[2])) {
        s += 2;
    }
    slot = g_ascii_strtoull(s, &end, 16);
    if (end == s || end - s > 2 || (*end && *end != '.') ||
        (*end == '.' && (!g_ascii_isdigit(end[1]) || end[2] ||
                         (func = end[1] - '0') > 7))) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "invalid PCI address '%s': expected SLOT[.FUNC] with "
                    "SLOT 00-1f (hex) and FUNC 0-7, e.g. 01.0",
                    value->value);
        return false;
    }
    if (slot > 31) {
        return slot_error(value, error);
    }
    dev->slot = (int)slot;
    dev->func = (int)func;
    dev->slot_loc = value->loc;
    dev->has_func = true;
    dev->func_loc = value->loc;
    return true;
}

static bool dev_props(BoardSpec *spec, void *t, const BoardNode *key,
                      const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;

    return board_load_props(dev->props, value, "props", error);
}

/* Handled by board_load_device() in a file; not an override. */
static bool dev_remove(BoardSpec *spec, void *t, const BoardNode *key,
                       const BoardNode *value, GError **error)
{
    board_error(error, BB_ERROR_INVALID, &key->loc,
                "remove is only valid in a device entry of a board file");
    return false;
}

static const BoardKeyDef device_keys[] = {
    { "type", dev_type },
    { "id", dev_id },
    { "reg", dev_reg },
    { "irq", dev_irq },
    { "irqs", dev_irqs },
    { "bus", dev_bus },
    { "slot", dev_slot },
    { "function", dev_function },
    { "addr", dev_addr },
    { "props", dev_props },
    { "remove", dev_remove },
    { NULL, NULL },
};

bool board_spec_is_device_key(const char *key)
{
    for (guint i = 0; device_keys[i].name; i++) {
        if (!strcmp(device_keys[i].name, key)) {
            return true;
        }
    }
    return false;
}

bool board_spec_load_device_key(BoardSpec *spec, BoardDevice *dev,
                                const BoardNode *key, const BoardNode *value,
                                GError **error)
{
    return board_dispatch_key(spec, device_keys, "device", dev, key, value,
                              error);
}

/* The value of key @name in mapping @node, or NULL. */
static const BoardNode *map_get(const BoardNode *node, const char *name,
                                const BoardNode **key)
{
    for (guint i = 0; i + 1 < node->items->len; i += 2) {
        const BoardNode *k = g_ptr_array_index(node->items, i);
        if (!strcmp(k->value, name)) {
            if (key) {
                *key = k;
            }
            return g_ptr_array_index(node->items, i + 1);
        }
    }
    return NULL;
}

/* `remove: true`: drop the device an included board defined. */
static bool remove_device(BoardSpec *spec, const BoardNode *node,
                          const BoardNode *key, const BoardNode *value,
                          BoardDevice *old, GError **error)
{
    const BoardNode *id = map_get(node, "id", NULL);

    if (value->kind != BOARD_NODE_SCALAR || strcmp(value->value, "true")) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "remove must be true (leave it out to keep the "
                    "device)");
        return false;
    }
    if (!id || id->kind != BOARD_NODE_SCALAR || node->items->len != 4) {
        board_error(error, BB_ERROR_INVALID, &key->loc,
                    "an entry with 'remove: true' takes only 'id' (the "
                    "device of an included board to remove)");
        return false;
    }
    if (!old) {
        g_autofree char *ids = board_spec_list_ids(spec, false);
        board_error(error, BB_ERROR_NOT_FOUND, &id->loc,
                    "cannot remove '%s': no included board defines it; "
                    "devices are: %s", id->value, ids);
        return false;
    }
    g_ptr_array_remove(spec->devices, old);
    return true;
}

/* An entry whose id names a device an included board defined changes
 * that device: `irq` replaces all its IRQ references, `irqs` the groups
 * it names (and an `irq:` line), every other key its own value. */
static void prepare_merge(BoardDevice *dev, const BoardNode *node)
{
    if (map_get(node, "irq", NULL)) {
        g_ptr_array_set_size(dev->irqs, 0);
        dev->has_irq = dev->has_irqs = false;
    } else if (map_get(node, "irqs", NULL) && dev->has_irq) {
        drop_irq_refs(dev, NULL);
        dev->has_irq = false;
    }
}

/* Whether some device of @spec comes from another file (an include). */
static bool from_includes(const BoardSpec *spec)
{
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        if (dev->file != spec->cur_file) {
            return true;
        }
    }
    return false;
}

bool board_load_device(BoardSpec *spec, const BoardNode *node,
                       GError **error)
{
    BoardDevice *dev = NULL, *old = NULL;
    const BoardNode *id, *remove, *remove_key = NULL;
    bool has_slot = false, has_addr = false, has_func = false;

    if (!board_expect_kind(node, BOARD_NODE_MAP, "a device entry", error)) {
        return false;
    }
    id = map_get(node, "id", NULL);
    if (id && id->kind == BOARD_NODE_SCALAR) {
        old = board_spec_find_device(spec, id->value);
        /* An included board's device may be changed once per file. */
        if (old && old->file == spec->cur_file) {
            g_autofree char *where = board_loc_format(&old->id_loc);
            board_error(error, BB_ERROR_EXISTS, &id->loc,
                        "duplicate device id '%s' (first used at %s)",
                        id->value, where);
            return false;
        }
    }
    remove = map_get(node, "remove", &remove_key);
    if (remove) {
        return remove_device(spec, node, remove_key, remove, old, error);
    }
    if (old) {
        dev = old;
        prepare_merge(dev, node);
    } else {
        dev = board_device_new();
        dev->loc = node->loc;
        g_ptr_array_add(spec->devices, dev);
    }
    dev->file = spec->cur_file;
    for (guint i = 0; i + 1 < node->items->len; i += 2) {
        const BoardNode *key = g_ptr_array_index(node->items, i);
        has_slot |= !strcmp(key->value, "slot");
        has_addr |= !strcmp(key->value, "addr");
        has_func |= !strcmp(key->value, "function");
        if (has_addr && (has_slot || has_func)) {
            board_error(error, BB_ERROR_INVALID, &key->loc,
                        "'%s' and 'addr' cannot both be given",
                        has_slot ? "slot" : "function");
            return false;
        }
        if (!board_spec_load_device_key(spec, dev, key,
                                        g_ptr_array_index(node->items, i + 1),
                                        error)) {
            return false;
        }
    }
    if (!dev->type && dev->id && from_includes(spec)) {
        /* Most likely a misspelt id meant to change an included device;
         * list the others (this new entry is the last one). */
        g_autofree char *name = g_strdup(dev->id);
        g_autofree char *ids = NULL;
        g_ptr_array_remove_index(spec->devices, spec->devices->len - 1);
        ids = board_spec_list_ids(spec, false);
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "device entry '%s' without 'type', and no included "
                    "board defines '%s'; devices are: %s", name, name, ids);
        return false;
    }
    if (!dev->type || !dev->id) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "device entry without '%s' (every device needs a type "
                    "and an id)", dev->type ? "id" : "type");
        return false;
    }
    return true;
}
