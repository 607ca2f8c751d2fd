/*
 * board-describe.c - the text `breadboard describe` prints for a built
 * board: a header, the composition tree (with the properties the board
 * set, read back from the objects), the memory map (every device range
 * and RAM, sorted by address), the IRQ wiring (every connected output
 * line), bus placement, character backends and boot images.
 *
 * The output is meant for people and for tests that compare it, so it is
 * stable: objects in tree order, ranges by address, no pointers or times.
 */
#include <string.h>

#include <breadboard/device.h>
#include <breadboard/machine.h>

#include "board/board-internal.h"
#include "memory/memory-internal.h"
#include "device/device-internal.h"

#define KIB (UINT64_C(1) << 10)

char *board_describe_name(BbObject *obj)
{
    g_autofree char *path = bb_object_get_canonical_path(obj);

    if (g_str_has_prefix(path, "/machine/")) {
        return g_strdup(path + strlen("/machine/"));
    }
    return g_strdup(path[0] == '/' && path[1] ? path + 1 : path);
}

char *board_describe_size(uint64_t n)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
    int u = -1;

    while (u < 3 && n >= KIB && n % KIB == 0) {
        n /= KIB;
        u++;
    }
    if (u < 0) {
        return g_strdup_printf("%" G_GUINT64_FORMAT " bytes", n);
    }
    return g_strdup_printf("%" G_GUINT64_FORMAT " %s", n, units[u]);
}

static void append_value(GString *out, const char *v)
{
    if (!*v || strpbrk(v, " \t\"\\")) {
        g_autofree char *esc = g_strescape(v, NULL);
        g_string_append_printf(out, "\"%s\"", esc);
    } else {
        g_string_append(out, v);
    }
}

/* The value of @name as read back from @obj; unsigned values in hex when
 * @hex (the board wrote them so). */
static void add_prop(GPtrArray *out, BbObject *obj, const char *name,
                     bool hex)
{
    g_autofree char *v = bb_object_get_prop(obj, name, NULL);
    const BbPropertyInfo *p = bb_object_find_property(obj, name);

    if (!v) {
        return;
    }
    g_ptr_array_add(out, g_strdup(name));
    if (hex && p && (p->kind == BB_PROP_UINT || p->kind == BB_PROP_SIZE)) {
        g_ptr_array_add(out, g_strdup_printf("0x%" G_GINT64_MODIFIER "x",
                                             g_ascii_strtoull(v, NULL, 10)));
    } else {
        g_ptr_array_add(out, g_steal_pointer(&v));
    }
}

static void add_props(GPtrArray *out, BbObject *obj, GPtrArray *props)
{
    for (guint i = 0; i < props->len; i++) {
        BoardProp *p = g_ptr_array_index(props, i);
        add_prop(out, obj, p->name,
                 g_str_has_prefix(p->value, "0x") ||
                     g_str_has_prefix(p->value, "0X"));
    }
}

GPtrArray *board_describe_props(Board *board, BbObject *obj)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    BoardSpec *spec = board_get_spec(board);
    GPtrArray *devs = board_get_devices(board);
    GPtrArray *harts = board_get_harts(board);
    guint i;

    if (obj == BB_OBJECT(board_get_machine(board))) {
        if (spec->has_ram) {
            add_prop(out, obj, "ram-base", true);
            add_prop(out, obj, "ram-size", false);
        }
        if (spec->has_harts) {
            add_prop(out, obj, "harts", false);
        }
        add_props(out, obj, spec->machine_props);
    } else if (g_ptr_array_find(harts, obj, NULL)) {
        add_prop(out, obj, "hartid", false);
        if (spec->hart_isa) {
            add_prop(out, obj, "isa", false);
        }
        add_props(out, obj, spec->hart_props);
    } else if (g_ptr_array_find(devs, obj, &i)) {
        BoardDevice *bd = g_ptr_array_index(spec->devices, i);
        add_props(out, obj, bd->props);
    }
    return out;
}

/* ------------------------------------------------------- object tree */

typedef struct TreeCtx {
    Board *board;
    GString *out;
    int depth;
} TreeCtx;

/* " name=value" for the properties the board set on @obj. */
static void append_board_props(TreeCtx *ctx, BbObject *obj)
{
    g_autoptr(GPtrArray) props = board_describe_props(ctx->board, obj);

    for (guint i = 0; i + 1 < props->len; i += 2) {
        g_string_append_printf(ctx->out, " %s=",
                               (char *)g_ptr_array_index(props, i));
        append_value(ctx->out, g_ptr_array_index(props, i + 1));
    }
}

static bool print_node(BbObject *obj, void *opaque)
{
    TreeCtx *ctx = opaque;
    const char *name = bb_object_get_name(obj);

    g_string_append_printf(ctx->out, "%*s%s (%s)", 2 + 2 * ctx->depth, "",
                           name ? name : "/", bb_object_get_type_name(obj));
    append_board_props(ctx, obj);
    g_string_append_c(ctx->out, '\n');
    ctx->depth++;
    bb_object_foreach_child(obj, print_node, ctx);
    ctx->depth--;
    return true;
}

/* ------------------------------------------------------- memory map */

static void map_row_clear(gpointer p)
{
    g_free(((BoardMapRow *)p)->label);
}

static gint map_row_cmp(gconstpointer a, gconstpointer b)
{
    const BoardMapRow *x = a, *y = b;

    if (x->base != y->base) {
        return x->base < y->base ? -1 : 1;
    }
    return strcmp(x->label, y->label);
}

static bool collect_ranges(BbObject *obj, void *opaque)
{
    BbDevice *dev = (BbDevice *)bb_object_dynamic_cast(obj, BB_TYPE_DEVICE);
    unsigned n = dev ? bb_device_get_reg_count(dev) : 0;

    for (unsigned i = 0; i < n; i++) {
        g_autofree char *name = board_describe_name(obj);
        BoardMapRow l = { 0 };
        uint64_t size;
        bb_device_get_reg(dev, i, &l.base, &size);
        l.last = l.base + size - 1;
        l.owner = obj;
        l.reg = n > 1 ? (int)i : -1;
        l.label = n > 1 ? g_strdup_printf("%s (%s) reg[%u]", name,
                                          bb_object_get_type_name(obj), i)
                        : g_strdup_printf("%s (%s)", name,
                                          bb_object_get_type_name(obj));
        g_array_append_val((GArray *)opaque, l);
    }
    /* Regions the device mapped at addresses of its own choosing (a
     * machine's boot ROM); main RAM has its own line. */
    BbMachine *m = (BbMachine *)bb_object_dynamic_cast(obj, BB_TYPE_MACHINE);
    for (unsigned i = 0; dev && i < device_get_mapping_count(dev); i++) {
        const DeviceMapping *dm = device_get_mapping(dev, i);
        if (dm->reg >= 0 || (m && dm->mr == m->ram)) {
            continue;
        }
        g_autofree char *name = board_describe_name(obj);
        BoardMapRow l = { 0 };
        l.base = dm->base;
        l.last = dm->base + bb_memory_region_size(dm->mr) - 1;
        l.owner = obj;
        l.reg = -1;
        l.region = bb_memory_region_name(dm->mr);
        l.overlay = dm->priority > 0;
        l.label = g_strdup_printf("%s (%s) region '%s'%s", name,
                                  bb_object_get_type_name(obj),
                                  bb_memory_region_name(dm->mr),
                                  dm->priority > 0 ? ", overlay" : "");
        g_array_append_val((GArray *)opaque, l);
    }
    bb_object_foreach_child(obj, collect_ranges, opaque);
    return true;
}

GArray *board_describe_memory_map(Board *board)
{
    GArray *rows = g_array_new(false, false, sizeof(BoardMapRow));
    BbMachine *m = board_get_machine(board);

    g_array_set_clear_func(rows, map_row_clear);
    if (m->ram_size) {
        g_autofree char *size = board_describe_size(m->ram_size);
        BoardMapRow l = { m->ram_base, m->ram_base + m->ram_size - 1, NULL,
                          -1, NULL, false,
                          g_strdup_printf("RAM (%s)", size) };
        g_array_append_val(rows, l);
    }
    collect_ranges(BB_OBJECT(m), rows);
    g_array_sort(rows, map_row_cmp);
    return rows;
}

static void describe_memory(Board *board, GString *out)
{
    g_autoptr(GArray) lines = board_describe_memory_map(board);

    g_string_append(out, "\nMemory map:\n");
    for (guint i = 0; i < lines->len; i++) {
        BoardMapRow *l = &g_array_index(lines, BoardMapRow, i);
        g_string_append_printf(out, "  0x%016" G_GINT64_MODIFIER "x-0x%016"
                               G_GINT64_MODIFIER "x  %s\n", l->base, l->last,
                               l->label);
    }
    if (!lines->len) {
        g_string_append(out, "  (empty)\n");
    }
}

/* -------------------------------------------------------- IRQ wiring */

typedef struct WireCtx {
    BbDevice *dev;
    GArray *wires;
} WireCtx;

static void collect_group_wires(const char *group, unsigned count,
                                void *opaque)
{
    WireCtx *ctx = opaque;

    for (unsigned i = 0; i < count; i++) {
        BbIrqOut *o = bb_device_get_irq_out(ctx->dev, group, i);
        for (unsigned j = 0; o && j < bb_irq_out_get_sink_count(o); j++) {
            BbIrqIn *in = bb_irq_out_get_sink(o, j);
            BoardWire w = {
                BB_OBJECT(ctx->dev), group, i,
                BB_OBJECT(bb_irq_in_get_device(in)), bb_irq_in_get_group(in),
                bb_irq_in_get_index(in),
            };
            g_array_append_val(ctx->wires, w);
        }
    }
}

static bool collect_wires(BbObject *obj, void *opaque)
{
    WireCtx *ctx = opaque;
    BbDevice *dev = (BbDevice *)bb_object_dynamic_cast(obj, BB_TYPE_DEVICE);

    if (dev) {
        ctx->dev = dev;
        device_foreach_irq_group(dev, false, collect_group_wires, ctx);
    }
    bb_object_foreach_child(obj, collect_wires, ctx);
    return true;
}

GArray *board_describe_wires(Board *board)
{
    WireCtx ctx = { NULL, g_array_new(false, false, sizeof(BoardWire)) };

    collect_wires(BB_OBJECT(board_get_machine(board)), &ctx);
    return ctx.wires;
}

static void describe_wires(Board *board, GString *out)
{
    g_autoptr(GArray) wires = board_describe_wires(board);

    g_string_append(out, "\nIRQ wiring:\n");
    for (guint i = 0; i < wires->len; i++) {
        BoardWire *w = &g_array_index(wires, BoardWire, i);
        g_autofree char *src = board_describe_name(w->src);
        g_autofree char *dst = board_describe_name(w->dst);
        g_string_append_printf(out, "  %s.%s[%u] -> %s.%s[%u]\n", src,
                               w->src_group, w->src_line, dst, w->dst_group,
                               w->dst_line);
    }
    if (!wires->len) {
        g_string_append(out, "  (none)\n");
    }
}

/* ------------------------------------------------ buses, chardevs, boot */

static void describe_buses(Board *board, GString *out)
{
    BoardSpec *spec = board_get_spec(board);
    GPtrArray *devs = board_get_devices(board);
    g_autoptr(GPtrArray) buses = g_ptr_array_new();

    g_string_append(out, "\nBuses:\n");
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *bd = g_ptr_array_index(spec->devices, i);
        if (bd->bus && !g_ptr_array_find_with_equal_func(buses, bd->bus,
                                                         g_str_equal, NULL)) {
            g_ptr_array_add(buses, bd->bus);
        }
    }
    for (guint b = 0; b < buses->len; b++) {
        const char *bus = g_ptr_array_index(buses, b);
        BoardDevice *host = board_spec_find_device(spec, bus);
        g_string_append_printf(out, "  %s (%s)\n", bus, host->type);
        for (guint i = 0; i < devs->len; i++) {
            BbObject *obj = g_ptr_array_index(devs, i);
            const char *on = NULL;
            int slot, func;
            if (!bb_device_get_bus(BB_DEVICE(obj), &on, &slot, &func) ||
                strcmp(on, bus)) {
                continue;
            }
            if (slot < 0) {
                g_string_append(out, "    auto");
            } else {
                g_string_append_printf(out, "    %02x.%d", slot, func);
            }
            g_string_append_printf(out, "  %s (%s)\n",
                                   bb_object_get_name(obj),
                                   bb_object_get_type_name(obj));
        }
    }
    if (!buses->len) {
        g_string_append(out, "  (none)\n");
    }
}

static void describe_chardevs_boot(const BoardSpec *spec, GString *out)
{
    bool any = false;

    g_string_append(out, "\nChardevs:\n");
    for (guint i = 0; i < spec->chardevs->len; i++) {
        BoardChardev *cd = g_ptr_array_index(spec->chardevs, i);
        g_string_append_printf(out, "  %-10s %s\n", cd->id, cd->backend);
    }
    if (!spec->chardevs->len) {
        g_string_append(out, "  (none)\n");
    }
    g_string_append(out, "\nBoot:\n");
    for (guint i = 0; i < BOARD_BOOT_N; i++) {
        if (spec->boot[i]) {
            g_string_append_printf(out, "  %-10s ", board_boot_keys[i]);
            append_value(out, spec->boot[i]);
            g_string_append_c(out, '\n');
            any = true;
        }
    }
    if (!any) {
        g_string_append(out, "  (none)\n");
    }
}

/* Append @text with every line indented by two spaces; "(empty)" if
 * there is none. */
static void append_indented(GString *out, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    bool any = false;

    for (char **l = lines; *l; l++) {
        if (**l) {
            g_string_append_printf(out, "  %s\n", *l);
            any = true;
        }
    }
    if (!any) {
        g_string_append(out, "  (empty)\n");
    }
}

/* The region tree and the flat view the CPUs see (like `info mtree`). */
static void describe_regions(Board *board, GString *out)
{
    BbSystem *sys = board_get_system(board);
    g_autoptr(GString) text = g_string_new(NULL);

    memory_region_dump_tree(bb_system_get_memory(sys), text);
    g_string_append(out, "\nMemory regions:\n");
    append_indented(out, text->str);
    g_string_truncate(text, 0);
    address_space_dump_flatview(bb_system_get_address_space(sys), text);
    g_string_append(out, "\nFlat view:\n");
    append_indented(out, text->str);
}

void board_describe(Board *board, GString *out)
{
    BoardSpec *spec = board_get_spec(board);
    TreeCtx tree = { board, out, 0 };

    g_string_append_printf(out, "Board: %s\n", spec->path);
    if (spec->name) {
        g_string_append_printf(out, "Name: %s\n", spec->name);
    }
    g_string_append_printf(out, "Schema: %u\n", spec->schema);
    g_string_append_printf(out, "Machine: %s\n", spec->machine);
    if (spec->has_harts) {
        g_string_append_printf(out, "Harts: %u x %s\n", spec->hart_count,
                               spec->hart_type);
    }
    g_string_append(out, "\nObject tree:\n");
    print_node(board_get_root(board), &tree);
    describe_memory(board, out);
    describe_wires(board, out);
    describe_buses(board, out);
    describe_chardevs_boot(spec, out);
    describe_regions(board, out);
}
