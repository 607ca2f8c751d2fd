/*
 * board-describe-json.c - `breadboard describe --format json`: the same
 * facts as the text output (board-describe.c) as one JSON object, for
 * tools.  The shape is documented in docs/boards.md ("describe --format
 * json") and versioned by its "format-version" member: members may be
 * added within a version, never renamed or removed.  Addresses and sizes
 * are hex strings, because JSON readers commonly hold numbers as doubles,
 * which cannot carry every 64-bit address.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include <breadboard/device.h>
#include <breadboard/machine.h>

#include "board/board-internal.h"

#define DESCRIBE_JSON_VERSION 1

static void add_hex(JsonBuilder *b, const char *member, uint64_t v)
{
    g_autofree char *s = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", v);

    json_builder_set_member_name(b, member);
    json_builder_add_string_value(b, s);
}

static void add_string(JsonBuilder *b, const char *member, const char *v)
{
    json_builder_set_member_name(b, member);
    if (v) {
        json_builder_add_string_value(b, v);
    } else {
        json_builder_add_null_value(b);
    }
}

static void add_int(JsonBuilder *b, const char *member, gint64 v)
{
    json_builder_set_member_name(b, member);
    json_builder_add_int_value(b, v);
}

typedef struct JsonTreeCtx {
    Board *board;
    JsonBuilder *b;
} JsonTreeCtx;

static bool add_tree_node(BbObject *obj, void *opaque)
{
    JsonTreeCtx *ctx = opaque;
    g_autoptr(GPtrArray) props = board_describe_props(ctx->board, obj);
    g_autofree char *path = bb_object_get_canonical_path(obj);
    const char *name = bb_object_get_name(obj);

    json_builder_begin_object(ctx->b);
    add_string(ctx->b, "name", name ? name : "/");
    add_string(ctx->b, "path", path);
    add_string(ctx->b, "type", bb_object_get_type_name(obj));
    json_builder_set_member_name(ctx->b, "props");
    json_builder_begin_object(ctx->b);
    for (guint i = 0; i + 1 < props->len; i += 2) {
        add_string(ctx->b, g_ptr_array_index(props, i),
                   g_ptr_array_index(props, i + 1));
    }
    json_builder_end_object(ctx->b);
    json_builder_set_member_name(ctx->b, "children");
    json_builder_begin_array(ctx->b);
    bb_object_foreach_child(obj, add_tree_node, ctx);
    json_builder_end_array(ctx->b);
    json_builder_end_object(ctx->b);
    return true;
}

static void add_harts(Board *board, JsonBuilder *b)
{
    BoardSpec *spec = board_get_spec(board);
    GPtrArray *harts = board_get_harts(board);

    json_builder_set_member_name(b, "harts");
    json_builder_begin_array(b);
    for (guint i = 0; i < harts->len; i++) {
        BbObject *obj = g_ptr_array_index(harts, i);
        json_builder_begin_object(b);
        add_string(b, "id", bb_object_get_name(obj));
        add_string(b, "type", spec->hart_type);
        add_int(b, "hartid", i);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void add_devices(Board *board, JsonBuilder *b)
{
    BoardSpec *spec = board_get_spec(board);
    GPtrArray *devs = board_get_devices(board);

    json_builder_set_member_name(b, "devices");
    json_builder_begin_array(b);
    for (guint i = 0; i < devs->len; i++) {
        BbObject *obj = g_ptr_array_index(devs, i);
        BbDevice *dev = BB_DEVICE(obj);
        BoardDevice *bd = g_ptr_array_index(spec->devices, i);
        g_autofree char *path = bb_object_get_canonical_path(obj);
        const char *bus = NULL;
        int slot, func;

        json_builder_begin_object(b);
        add_string(b, "id", bd->id);
        add_string(b, "type", bb_object_get_type_name(obj));
        add_string(b, "path", path);
        json_builder_set_member_name(b, "reg");
        json_builder_begin_array(b);
        for (unsigned r = 0; r < bb_device_get_reg_count(dev); r++) {
            uint64_t base, size;
            bb_device_get_reg(dev, r, &base, &size);
            json_builder_begin_object(b);
            add_hex(b, "base", base);
            add_hex(b, "size", size);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "bus");
        if (bb_device_get_bus(dev, &bus, &slot, &func)) {
            json_builder_begin_object(b);
            add_string(b, "id", bus);
            json_builder_set_member_name(b, "slot");
            if (slot < 0) {
                json_builder_add_null_value(b);
            } else {
                json_builder_add_int_value(b, slot);
            }
            add_int(b, "function", slot < 0 ? 0 : func);
            json_builder_end_object(b);
        } else {
            json_builder_add_null_value(b);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void add_memory_map(Board *board, JsonBuilder *b)
{
    g_autoptr(GArray) rows = board_describe_memory_map(board);

    json_builder_set_member_name(b, "memory-map");
    json_builder_begin_array(b);
    for (guint i = 0; i < rows->len; i++) {
        BoardMapRow *r = &g_array_index(rows, BoardMapRow, i);
        g_autofree char *name = r->owner ? board_describe_name(r->owner)
                                         : NULL;
        json_builder_begin_object(b);
        add_hex(b, "base", r->base);
        add_hex(b, "size", r->last - r->base + 1);
        add_string(b, "kind", !r->owner ? "ram" : r->region ? "region"
                                                            : "device");
        add_string(b, "device", name);
        add_string(b, "type", r->owner ? bb_object_get_type_name(r->owner)
                                       : NULL);
        json_builder_set_member_name(b, "reg");
        if (r->reg >= 0) {
            json_builder_add_int_value(b, r->reg);
        } else {
            json_builder_add_null_value(b);
        }
        if (r->region) {
            add_string(b, "region", r->region);
            json_builder_set_member_name(b, "overlay");
            json_builder_add_boolean_value(b, r->overlay);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void add_line(JsonBuilder *b, const char *member, BbObject *obj,
                     const char *group, unsigned line)
{
    g_autofree char *name = board_describe_name(obj);

    json_builder_set_member_name(b, member);
    json_builder_begin_object(b);
    add_string(b, "device", name);
    add_string(b, "group", group);
    add_int(b, "line", line);
    json_builder_end_object(b);
}

static void add_irqs(Board *board, JsonBuilder *b)
{
    g_autoptr(GArray) wires = board_describe_wires(board);

    json_builder_set_member_name(b, "irqs");
    json_builder_begin_array(b);
    for (guint i = 0; i < wires->len; i++) {
        BoardWire *w = &g_array_index(wires, BoardWire, i);
        json_builder_begin_object(b);
        add_line(b, "from", w->src, w->src_group, w->src_line);
        add_line(b, "to", w->dst, w->dst_group, w->dst_line);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void add_chardevs_boot(const BoardSpec *spec, JsonBuilder *b)
{
    json_builder_set_member_name(b, "chardevs");
    json_builder_begin_array(b);
    for (guint i = 0; i < spec->chardevs->len; i++) {
        BoardChardev *cd = g_ptr_array_index(spec->chardevs, i);
        json_builder_begin_object(b);
        add_string(b, "id", cd->id);
        add_string(b, "backend", cd->backend);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "boot");
    json_builder_begin_object(b);
    for (guint i = 0; i < BOARD_BOOT_N; i++) {
        if (spec->boot[i]) {
            add_string(b, board_boot_keys[i], spec->boot[i]);
        }
    }
    json_builder_end_object(b);
}

void board_describe_json(Board *board, GString *out)
{
    BoardSpec *spec = board_get_spec(board);
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;
    JsonTreeCtx tree = { board, b };

    json_builder_begin_object(b);
    add_int(b, "format-version", DESCRIBE_JSON_VERSION);
    add_string(b, "board", spec->path);
    add_string(b, "name", spec->name);
    add_int(b, "schema", spec->schema);
    add_string(b, "machine", spec->machine);
    json_builder_set_member_name(b, "tree");
    add_tree_node(board_get_root(board), &tree);
    add_harts(board, b);
    add_devices(board, b);
    add_memory_map(board, b);
    add_irqs(board, b);
    add_chardevs_boot(spec, b);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, true);
    json_generator_set_indent(gen, 2);
    text = json_generator_to_data(gen, NULL);
    g_string_append(out, text);
    g_string_append_c(out, '\n');
}
