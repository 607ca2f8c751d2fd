/*
 * board-keys.c - the machinery behind every mapping of the board format:
 * tables of valid keys with one loader each (an unknown key is an error
 * that lists the table and suggests the nearest name), typed access to
 * nodes with uniform "X must be a mapping, not a sequence" messages, and
 * property maps (name -> scalar, or sequence of scalars for an array
 * property) whose values go to bb_object_set_prop() or
 * bb_object_set_prop_list() unchanged at build time.
 */
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"

static bool key_error(const BoardKeyDef *defs, const char *context,
                      const BoardNode *key, GError **error)
{
    const char *names[32];
    guint n = 0;
    g_autofree char *list = NULL;
    g_autofree char *hint = NULL;

    for (; defs[n].name && n < G_N_ELEMENTS(names); n++) {
        names[n] = defs[n].name;
    }
    list = board_join_list(names, n, "none");
    hint = board_suggest(key->value, names, n);
    board_error(error, BB_ERROR_NOT_FOUND, &key->loc,
                "unknown key '%s' in %s%s%s%s; valid keys: %s", key->value,
                context, hint ? " (did you mean " : "", hint ? hint : "",
                hint ? "?)" : "", list);
    return false;
}

bool board_dispatch_key(BoardSpec *spec, const BoardKeyDef *defs,
                        const char *context, void *target,
                        const BoardNode *key, const BoardNode *value,
                        GError **error)
{
    for (guint i = 0; defs[i].name; i++) {
        if (!strcmp(defs[i].name, key->value)) {
            return defs[i].fn(spec, target, key, value, error);
        }
    }
    return key_error(defs, context, key, error);
}

bool board_expect_kind(const BoardNode *node, BoardNodeKind kind,
                       const char *what, GError **error)
{
    static const char *const names[] = { "a scalar", "a sequence",
                                         "a mapping" };

    if (node->kind == kind) {
        return true;
    }
    board_error(error, BB_ERROR_INVALID, &node->loc, "%s must be %s, not %s",
                what, names[kind], board_node_kind_name(node));
    return false;
}

bool board_load_map(BoardSpec *spec, const BoardKeyDef *defs,
                    const char *context, void *target,
                    const BoardNode *node, GError **error)
{
    if (board_node_is_null(node)) {
        return true;
    }
    if (!board_expect_kind(node, BOARD_NODE_MAP, context, error)) {
        return false;
    }
    for (guint i = 0; i + 1 < node->items->len; i += 2) {
        if (!board_dispatch_key(spec, defs, context, target,
                                g_ptr_array_index(node->items, i),
                                g_ptr_array_index(node->items, i + 1),
                                error)) {
            return false;
        }
    }
    return true;
}

/* A non-empty scalar string; @what names it in messages. */
const char *board_get_string(const BoardNode *node, const char *what,
                             GError **error)
{
    if (!board_expect_kind(node, BOARD_NODE_SCALAR, what, error)) {
        return NULL;
    }
    if (!*node->value) {
        board_error(error, BB_ERROR_INVALID, &node->loc, "%s is empty",
                    what);
        return NULL;
    }
    return node->value;
}

bool board_set_string(char **field, BoardLoc *loc, const BoardNode *value,
                      const char *what, GError **error)
{
    const char *s = board_get_string(value, what, error);

    if (!s) {
        return false;
    }
    g_free(*field);
    *field = g_strdup(s);
    if (loc) {
        *loc = value->loc;
    }
    return true;
}

/* ---------------------------------------------------------- properties */

void board_prop_free(gpointer p)
{
    BoardProp *prop = p;

    g_free(prop->name);
    g_free(prop->value);
    if (prop->items) {
        g_ptr_array_unref(prop->items);
        g_array_unref(prop->item_locs);
    }
    g_free(prop);
}

/* The elements of a sequence value, each a scalar with a value. */
static bool load_prop_items(BoardProp *prop, const BoardNode *key,
                            const BoardNode *value, GError **error)
{
    GString *text = g_string_new("[");

    prop->items = g_ptr_array_new_with_free_func(g_free);
    prop->item_locs = g_array_new(false, false, sizeof(BoardLoc));
    for (guint i = 0; i < value->items->len; i++) {
        const BoardNode *item = g_ptr_array_index(value->items, i);
        if (item->kind != BOARD_NODE_SCALAR) {
            board_error(error, BB_ERROR_INVALID, &item->loc,
                        "element %u of property '%s' must be a scalar, not "
                        "%s", i, key->value, board_node_kind_name(item));
            g_string_free(text, true);
            return false;
        }
        if (board_node_is_null(item) && !*item->value) {
            board_error(error, BB_ERROR_INVALID, &item->loc,
                        "element %u of property '%s' has no value (write "
                        "\"\" for an empty string)", i, key->value);
            g_string_free(text, true);
            return false;
        }
        g_ptr_array_add(prop->items, g_strdup(item->value));
        g_array_append_val(prop->item_locs, item->loc);
        g_string_append_printf(text, "%s%s", i ? "," : "", item->value);
    }
    g_string_append_c(text, ']');
    g_free(prop->value);
    prop->value = g_string_free(text, false);
    return true;
}

bool board_spec_load_prop(GPtrArray *props, const BoardNode *key,
                          const BoardNode *value, GError **error)
{
    guint at = props->len;

    if (value->kind == BOARD_NODE_MAP) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "value of property '%s' must be a scalar (or a "
                    "sequence for an array property), not %s",
                    key->value, board_node_kind_name(value));
        return false;
    }
    if (value->kind == BOARD_NODE_SCALAR && board_node_is_null(value) &&
        !*value->value) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "property '%s' has no value (write \"\" for an empty "
                    "string)", key->value);
        return false;
    }
    for (guint i = 0; i < props->len; i++) {
        BoardProp *old = g_ptr_array_index(props, i);
        if (!strcmp(old->name, key->value)) {
            at = i; /* an override keeps the position */
            break;
        }
    }
    /* Build the new value aside so a bad sequence changes nothing. */
    BoardProp *fresh = g_new0(BoardProp, 1);
    fresh->name = g_strdup(key->value);
    fresh->key_loc = key->loc;
    fresh->value_loc = value->loc;
    if (value->kind == BOARD_NODE_SEQ) {
        if (!load_prop_items(fresh, key, value, error)) {
            board_prop_free(fresh);
            return false;
        }
    } else {
        fresh->value = g_strdup(value->value);
    }
    if (at < props->len) {
        board_prop_free(g_ptr_array_index(props, at));
        g_ptr_array_index(props, at) = fresh;
    } else {
        g_ptr_array_add(props, fresh);
    }
    return true;
}

bool board_load_props(GPtrArray *props, const BoardNode *node,
                      const char *what, GError **error)
{
    if (board_node_is_null(node)) {
        return true;
    }
    if (!board_expect_kind(node, BOARD_NODE_MAP, what, error)) {
        return false;
    }
    for (guint i = 0; i + 1 < node->items->len; i += 2) {
        if (!board_spec_load_prop(props, g_ptr_array_index(node->items, i),
                                  g_ptr_array_index(node->items, i + 1),
                                  error)) {
            return false;
        }
    }
    return true;
}

