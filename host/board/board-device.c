/*
 * board-device.c - the entries of `devices:`: type, id, address ranges
 * (reg), IRQ references (irq, irqs), bus placement (bus, slot, addr) and
 * properties.  Each key has a loader shared by the YAML loader and the
 * command-line overrides; references to other entries are checked later,
 * in board-check.c, once all overrides are in.
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
    dev->func = 0;
    dev->slot_loc = value->loc;
    return true;
}

/* "SS.F": hex slot 00-1f, function 0-7 (PCI notation), or "SS". */
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
    slot = g_ascii_strtoull(s, &end, 16);
    if (end == s || end - s > 2 || (*end && *end != '.') ||
        (*end == '.' && (!g_ascii_isdigit(end[1]) || end[2] ||
                         (func = end[1] - '0') > 7))) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "invalid PCI address '%s': expected SLOT[.FUNC] with "
                    "SLOT 00-1f (hex) and FUNC 0-7, e.g. 01.0", s);
        return false;
    }
    if (slot > 31) {
        return slot_error(value, error);
    }
    dev->slot = (int)slot;
    dev->func = (int)func;
    dev->slot_loc = value->loc;
    return true;
}

static bool dev_props(BoardSpec *spec, void *t, const BoardNode *key,
                      const BoardNode *value, GError **error)
{
    BoardDevice *dev = t;

    return board_load_props(dev->props, value, "props", error);
}

static const BoardKeyDef device_keys[] = {
    { "type", dev_type },
    { "id", dev_id },
    { "reg", dev_reg },
    { "irq", dev_irq },
    { "irqs", dev_irqs },
    { "bus", dev_bus },
    { "slot", dev_slot },
    { "addr", dev_addr },
    { "props", dev_props },
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

bool board_load_device(BoardSpec *spec, const BoardNode *node,
                       GError **error)
{
    BoardDevice *dev;
    bool has_slot = false, has_addr = false;

    if (!board_expect_kind(node, BOARD_NODE_MAP, "a device entry", error)) {
        return false;
    }
    dev = board_device_new();
    dev->loc = node->loc;
    g_ptr_array_add(spec->devices, dev);
    for (guint i = 0; i + 1 < node->items->len; i += 2) {
        const BoardNode *key = g_ptr_array_index(node->items, i);
        has_slot |= !strcmp(key->value, "slot");
        has_addr |= !strcmp(key->value, "addr");
        if (has_slot && has_addr) {
            board_error(error, BB_ERROR_INVALID, &key->loc,
                        "'slot' and 'addr' cannot both be given");
            return false;
        }
        if (!board_spec_load_device_key(spec, dev, key,
                                        g_ptr_array_index(node->items, i + 1),
                                        error)) {
            return false;
        }
    }
    if (!dev->type || !dev->id) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "device entry without '%s' (every device needs a type "
                    "and an id)", dev->type ? "id" : "type");
        return false;
    }
    return true;
}

