/*
 * board-yaml.c - YAML text to a small tree of positioned nodes.
 *
 * Uses libyaml's event parser (not its document loader) so that the
 * loader controls what it accepts: one document, scalar mapping keys, no
 * duplicate keys, no aliases (they let a few lines expand exponentially),
 * and a nesting limit; every node keeps the 1-based line and column it
 * started at, so later stages can report FILE:LINE:COLUMN.  Tags and
 * anchors are ignored: the board format interprets every scalar itself.
 */
#include <string.h>

#include <yaml.h>

#include <breadboard/error.h>

#include "board/board-internal.h"

typedef struct Frame {
    BoardNode *node;
    GHashTable *keys; /* MAP: key text -> key node (first occurrence) */
} Frame;

typedef struct Builder {
    const char *origin;
    bool positions;
    BoardNode *root;
    GArray *stack; /* of Frame */
    bool seen_document;
} Builder;

BoardNode *board_node_new_scalar(const char *value, const BoardLoc *loc)
{
    BoardNode *node = g_new0(BoardNode, 1);

    node->kind = BOARD_NODE_SCALAR;
    node->value = g_strdup(value ? value : "");
    node->plain = true;
    node->loc = *loc;
    return node;
}

void board_node_free(BoardNode *node)
{
    if (!node) {
        return;
    }
    if (node->items) {
        for (guint i = 0; i < node->items->len; i++) {
            board_node_free(g_ptr_array_index(node->items, i));
        }
        g_ptr_array_free(node->items, true);
    }
    g_free(node->value);
    g_free(node);
}

bool board_node_is_null(const BoardNode *node)
{
    if (!node || node->kind != BOARD_NODE_SCALAR || !node->plain) {
        return false;
    }
    return !*node->value || !strcmp(node->value, "~") ||
           !strcmp(node->value, "null") || !strcmp(node->value, "Null") ||
           !strcmp(node->value, "NULL");
}

const char *board_node_kind_name(const BoardNode *node)
{
    switch (node->kind) {
    case BOARD_NODE_SCALAR:
        return "a scalar";
    case BOARD_NODE_SEQ:
        return "a sequence";
    default:
        return "a mapping";
    }
}

static BoardLoc mark_loc(const Builder *b, const yaml_mark_t *mark)
{
    BoardLoc loc = { b->origin, 0, 0 };

    if (b->positions) {
        loc.line = (int)MIN(mark->line + 1, (size_t)G_MAXINT);
        loc.col = (int)MIN(mark->column + 1, (size_t)G_MAXINT);
    }
    return loc;
}

static void clear_frame(gpointer p)
{
    Frame *f = p;

    if (f->keys) {
        g_hash_table_destroy(f->keys);
    }
}

/* Attach @node to the open collection (or make it the root); takes it. */
static bool attach(Builder *b, BoardNode *node, GError **error)
{
    Frame *top;

    if (b->stack->len == 0) {
        b->root = node;
        return true;
    }
    top = &g_array_index(b->stack, Frame, b->stack->len - 1);
    if (top->node->kind == BOARD_NODE_MAP && top->node->items->len % 2 == 0) {
        BoardNode *first;

        if (node->kind != BOARD_NODE_SCALAR) {
            board_error(error, BB_ERROR_INVALID, &node->loc,
                        "mapping keys must be scalars, not %s",
                        board_node_kind_name(node));
            board_node_free(node);
            return false;
        }
        first = g_hash_table_lookup(top->keys, node->value);
        if (first) {
            g_autofree char *where = board_loc_format(&first->loc);
            board_error(error, BB_ERROR_EXISTS, &node->loc,
                        "duplicate key '%s' (first given at %s)",
                        node->value, where);
            board_node_free(node);
            return false;
        }
        g_hash_table_insert(top->keys, node->value, node);
    }
    g_ptr_array_add(top->node->items, node);
    return true;
}

static bool open_collection(Builder *b, BoardNodeKind kind,
                            const yaml_event_t *ev, GError **error)
{
    BoardNode *node = g_new0(BoardNode, 1);
    Frame frame = { node, NULL };

    node->kind = kind;
    node->loc = mark_loc(b, &ev->start_mark);
    node->items = g_ptr_array_new();
    if (b->stack->len >= BOARD_YAML_MAX_DEPTH) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "nesting deeper than %d levels", BOARD_YAML_MAX_DEPTH);
        board_node_free(node);
        return false;
    }
    if (!attach(b, node, error)) {
        return false;
    }
    if (kind == BOARD_NODE_MAP) {
        frame.keys = g_hash_table_new(g_str_hash, g_str_equal);
    }
    g_array_append_val(b->stack, frame);
    return true;
}

static bool handle_event(Builder *b, const yaml_event_t *ev, GError **error)
{
    BoardLoc loc = mark_loc(b, &ev->start_mark);
    BoardNode *node;

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (b->seen_document) {
            board_error(error, BB_ERROR_INVALID, &loc,
                        "a board file holds one YAML document, not several");
            return false;
        }
        b->seen_document = true;
        return true;
    case YAML_ALIAS_EVENT:
        board_error(error, BB_ERROR_INVALID, &loc,
                    "YAML aliases (*%s) are not supported in board files",
                    (const char *)ev->data.alias.anchor);
        return false;
    case YAML_SCALAR_EVENT:
        node = board_node_new_scalar((const char *)ev->data.scalar.value,
                                     &loc);
        node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        return attach(b, node, error);
    case YAML_SEQUENCE_START_EVENT:
        return open_collection(b, BOARD_NODE_SEQ, ev, error);
    case YAML_MAPPING_START_EVENT:
        return open_collection(b, BOARD_NODE_MAP, ev, error);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->stack->len) {
            g_array_remove_index(b->stack, b->stack->len - 1);
        }
        return true;
    default:
        return true;
    }
}

static void syntax_error(const Builder *b, const yaml_parser_t *parser,
                         GError **error)
{
    BoardLoc loc = mark_loc(b, &parser->problem_mark);
    const char *problem = parser->problem ? parser->problem : "parse error";

    if (parser->error == YAML_READER_ERROR) {
        loc = (BoardLoc){ b->origin, 0, 0 };
        board_error(error, BB_ERROR_INVALID, &loc,
                    "invalid YAML: %s at byte %zu", problem,
                    parser->problem_offset);
    } else if (parser->context && b->positions) {
        BoardLoc ctx = mark_loc(b, &parser->context_mark);
        g_autofree char *where = board_loc_format(&ctx);
        board_error(error, BB_ERROR_INVALID, &loc,
                    "invalid YAML: %s (%s started at %s)", problem,
                    parser->context + (g_str_has_prefix(parser->context,
                                                        "while ")
                                           ? 6 : 0),
                    where);
    } else {
        board_error(error, BB_ERROR_INVALID, &loc, "invalid YAML: %s",
                    problem);
    }
}

static bool run_parser(Builder *b, yaml_parser_t *parser, GError **error)
{
    for (;;) {
        yaml_event_t ev;
        bool ok, done;

        if (!yaml_parser_parse(parser, &ev)) {
            syntax_error(b, parser, error);
            return false;
        }
        ok = handle_event(b, &ev, error);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (!ok) {
            return false;
        }
        if (done) {
            return true;
        }
    }
}

BoardNode *board_yaml_parse(const char *text, size_t len, const char *origin,
                            bool positions, GError **error)
{
    Builder b = { origin, positions, NULL, NULL, false };
    yaml_parser_t parser;
    bool ok;

    if (!yaml_parser_initialize(&parser)) {
        BoardLoc loc = { origin, 0, 0 };
        board_error(error, BB_ERROR_FAILED, &loc, "cannot start YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    b.stack = g_array_new(false, false, sizeof(Frame));
    g_array_set_clear_func(b.stack, clear_frame);
    ok = run_parser(&b, &parser, error);
    g_array_free(b.stack, true);
    yaml_parser_delete(&parser);
    if (!ok) {
        board_node_free(b.root);
        return NULL;
    }
    if (!b.root) {
        BoardLoc loc = { origin, positions ? 1 : 0, positions ? 1 : 0 };
        b.root = g_new0(BoardNode, 1);
        b.root->kind = BOARD_NODE_MAP;
        b.root->loc = loc;
        b.root->items = g_ptr_array_new();
    }
    return b.root;
}
