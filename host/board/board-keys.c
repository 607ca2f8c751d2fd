/*
 * board-keys.c - the machinery behind every mapping of the board format:
 * tables of valid keys with one loader each (an unknown key is an error
 * that lists the table and suggests the nearest name), typed access to
 * nodes with uniform "X must be a mapping, not a sequence" messages, and
 * property maps (name -> scalar) whose values go to bb_object_set_prop()
 * unchanged at build time.
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
    g_free(prop);
}

bool board_spec_load_prop(GPtrArray *props, const BoardNode *key,
                          const BoardNode *value, GError **error)
{
    g_autofree char *text = NULL;
    BoardProp *prop;

    if (value->kind != BOARD_NODE_SCALAR) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "value of property '%s' must be a scalar, not %s",
                    key->value, board_node_kind_name(value));
        return false;
    }
    if (board_node_is_null(value) && !*value->value) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "property '%s' has no value (write \"\" for an empty "
                    "string)", key->value);
        return false;
    }
    text = g_strdup(value->value);
    for (guint i = 0; i < props->len; i++) {
        prop = g_ptr_array_index(props, i);
        if (!strcmp(prop->name, key->value)) {
            g_free(prop->value); /* an override keeps the position */
            prop->value = g_steal_pointer(&text);
            prop->key_loc = key->loc;
            prop->value_loc = value->loc;
            return true;
        }
    }
    prop = g_new0(BoardProp, 1);
    prop->name = g_strdup(key->value);
    prop->value = g_steal_pointer(&text);
    prop->key_loc = key->loc;
    prop->value_loc = value->loc;
    g_ptr_array_add(props, prop);
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

