/*
 * board-describe-dot.c - `breadboard describe --format dot`: the board as
 * a Graphviz graph, so that
 *
 *     breadboard describe board.yaml --format dot | dot -Tsvg > board.svg
 *
 * draws it: the harts in one cluster, the devices in another (id, type,
 * address ranges), one edge per connected IRQ line labelled with its
 * output and input line ("ctx[2] -> meip[0]"), dashed edges from a bus to
 * the devices placed on it, and the memory map as a column (a table) of
 * its own.  Only the DOT language as the `dot` program documents it is
 * used; node names are quoted everywhere, so any id is safe.
 */
#include <string.h>

#include <breadboard/device.h>

#include "board/board-internal.h"

/* @s as the inside of a DOT "quoted string". */
static void append_quoted(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            g_string_append_c(out, '\\');
        }
        if (*s == '\n') {
            g_string_append(out, "\\n");
        } else {
            g_string_append_c(out, *s);
        }
    }
    g_string_append_c(out, '"');
}

/* @s inside an HTML-like label. */
static void append_html(GString *out, const char *s)
{
    g_autofree char *esc = g_markup_escape_text(s, -1);

    g_string_append(out, esc);
}

static void append_range(GString *label, BbDevice *dev)
{
    for (unsigned r = 0; r < bb_device_get_reg_count(dev); r++) {
        uint64_t base, size;
        bb_device_get_reg(dev, r, &base, &size);
        g_string_append_printf(label, "\n0x%" G_GINT64_MODIFIER "x +0x%"
                               G_GINT64_MODIFIER "x", base, size);
    }
}

static void describe_harts(Board *board, GString *out)
{
    BoardSpec *spec = board_get_spec(board);
    GPtrArray *harts = board_get_harts(board);

    if (!harts->len) {
        return;
    }
    g_string_append(out, "  subgraph cluster_harts {\n    label=");
    append_quoted(out, "harts");
    g_string_append(out, ";\n    style=rounded;\n");
    for (guint i = 0; i < harts->len; i++) {
        BbObject *obj = g_ptr_array_index(harts, i);
        g_autofree char *label = g_strdup_printf("%s\n%s",
                                                 bb_object_get_name(obj),
                                                 spec->hart_type);
        g_string_append(out, "    ");
        append_quoted(out, bb_object_get_name(obj));
        g_string_append(out, " [shape=box, style=\"rounded,filled\", "
                             "fillcolor=\"#dbe7f7\", label=");
        append_quoted(out, label);
        g_string_append(out, "];\n");
    }
    g_string_append(out, "  }\n");
}

static void describe_devices(Board *board, GString *out)
{
    GPtrArray *devs = board_get_devices(board);

    if (!devs->len) {
        return;
    }
    g_string_append(out, "  subgraph cluster_devices {\n    label=");
    append_quoted(out, "devices");
    g_string_append(out, ";\n    style=rounded;\n");
    for (guint i = 0; i < devs->len; i++) {
        BbObject *obj = g_ptr_array_index(devs, i);
        g_autoptr(GString) label = g_string_new(NULL);
        g_autofree char *name = board_describe_name(obj);

        g_string_append_printf(label, "%s\n%s", name,
                               bb_object_get_type_name(obj));
        append_range(label, BB_DEVICE(obj));
        g_string_append(out, "    ");
        append_quoted(out, name);
        g_string_append(out, " [shape=box, style=filled, "
                             "fillcolor=\"#eeeeee\", label=");
        append_quoted(out, label->str);
        g_string_append(out, "];\n");
    }
    g_string_append(out, "  }\n");
}

static void describe_irqs(Board *board, GString *out)
{
    g_autoptr(GArray) wires = board_describe_wires(board);

    for (guint i = 0; i < wires->len; i++) {
        BoardWire *w = &g_array_index(wires, BoardWire, i);
        g_autofree char *src = board_describe_name(w->src);
        g_autofree char *dst = board_describe_name(w->dst);
        g_autofree char *label = g_strdup_printf("%s[%u] -> %s[%u]",
                                                 w->src_group, w->src_line,
                                                 w->dst_group, w->dst_line);
        g_string_append(out, "  ");
        append_quoted(out, src);
        g_string_append(out, " -> ");
        append_quoted(out, dst);
        g_string_append(out, " [color=\"#b03a2e\", fontcolor=\"#b03a2e\", "
                             "label=");
        append_quoted(out, label);
        g_string_append(out, "];\n");
    }
}

static void describe_buses(Board *board, GString *out)
{
    GPtrArray *devs = board_get_devices(board);

    for (guint i = 0; i < devs->len; i++) {
        BbObject *obj = g_ptr_array_index(devs, i);
        g_autofree char *name = board_describe_name(obj);
        g_autofree char *label = NULL;
        const char *bus = NULL;
        int slot, func;

        if (!bb_device_get_bus(BB_DEVICE(obj), &bus, &slot, &func)) {
            continue;
        }
        label = slot < 0 ? g_strdup("auto")
                         : g_strdup_printf("%02x.%d", slot, func);
        g_string_append(out, "  ");
        append_quoted(out, bus);
        g_string_append(out, " -> ");
        append_quoted(out, name);
        g_string_append(out, " [style=dashed, arrowhead=none, "
                             "color=\"#1f618d\", label=");
        append_quoted(out, label);
        g_string_append(out, "];\n");
    }
}

/* The memory map as one table node, a row per range, by address; its
 * name has a space, which no id can, so it cannot clash with a device. */
static void describe_memory(Board *board, GString *out)
{
    g_autoptr(GArray) rows = board_describe_memory_map(board);

    g_string_append(out, "  subgraph cluster_memory {\n    label=");
    append_quoted(out, "memory map");
    g_string_append(out, ";\n    style=rounded;\n    \"memory map\" "
                         "[shape=plaintext, fontname=\"monospace\", "
                         "label=<<table border=\"0\" cellborder=\"1\" "
                         "cellspacing=\"0\" cellpadding=\"4\">\n");
    for (guint i = 0; i < rows->len; i++) {
        BoardMapRow *r = &g_array_index(rows, BoardMapRow, i);
        g_string_append_printf(out, "      <tr><td align=\"left\">0x%016"
                               G_GINT64_MODIFIER "x-0x%016" G_GINT64_MODIFIER
                               "x</td><td align=\"left\">", r->base,
                               r->last);
        append_html(out, r->label);
        g_string_append(out, "</td></tr>\n");
    }
    if (!rows->len) {
        g_string_append(out, "      <tr><td>(empty)</td></tr>\n");
    }
    g_string_append(out, "    </table>>];\n  }\n");
}

void board_describe_dot(Board *board, GString *out)
{
    BoardSpec *spec = board_get_spec(board);
    g_autofree char *title = g_strdup_printf("%s (machine %s)", spec->name
                                             ? spec->name : spec->path,
                                             spec->machine);

    g_string_append(out, "digraph board {\n  graph [rankdir=LR, "
                         "labelloc=t, fontname=\"Helvetica\", "
                         "ranksep=1.2, label=");
    append_quoted(out, title);
    g_string_append(out, "];\n  node [fontname=\"Helvetica\", "
                         "fontsize=10];\n  edge [fontname=\"Helvetica\", "
                         "fontsize=9];\n");
    describe_harts(board, out);
    describe_devices(board, out);
    describe_irqs(board, out);
    describe_buses(board, out);
    describe_memory(board, out);
    g_string_append(out, "}\n");
}
