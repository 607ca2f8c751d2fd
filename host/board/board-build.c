/*
 * board-build.c - from a checked BoardSpec to a live object tree.
 *
 * Order: check the plugin requirements; make every type available through
 * the registry (loading plugins lazily) and check what it derives from;
 * give base-only reg entries their class's default size and re-check the
 * memory map; create "/" (a container) with the machine at /machine and
 * the harts and devices as its children, named by id; set properties,
 * address ranges and bus placement; realize the harts, then the devices in
 * board order except that a device placed on another's bus (`bus:`) is
 * realized after that bus owner and plugged into it (BbDeviceClass.plug)
 * just before its own realize; connect the IRQ lines (board-wire.c), which is when input/output
 * groups (some sized by properties at realize) can be checked; realize the
 * machine last, so that the boot flow (the device tree it generates)
 * sees the board complete, wiring included - a machine's own IRQ lines,
 * if any, must therefore be declared in instance_init; finally check the
 * memory map again with the ranges devices and the machine added
 * themselves.  Every error is prefixed with the board location it stems
 * from.
 */
#include <string.h>

#include <breadboard/device.h>
#include <breadboard/error.h>
#include <breadboard/machine.h>

#include "board/board-internal.h"
#include "memory/memory-internal.h"
#include "system/system-internal.h"
#include "device/device-internal.h"
#include "qom/object-internal.h"

/* ------------------------------------------------------------ plugins */

static bool satisfies(const unsigned have[3], const BoardRequire *req,
                      unsigned i)
{
    int c = semver_compare(have, req->version[i]);
    const char *op = req->op[i];

    if (!strcmp(op, ">=")) {
        return c >= 0;
    } else if (!strcmp(op, ">")) {
        return c > 0;
    } else if (!strcmp(op, "<=")) {
        return c <= 0;
    } else if (!strcmp(op, "<")) {
        return c < 0;
    } else if (!strcmp(op, "==")) {
        return c == 0;
    }
    return c != 0;
}

static bool check_require(Registry *reg, const BoardRequire *req,
                          GError **error)
{
    RegistryPlugin *rp = registry_find_plugin(reg, req->name);
    unsigned have[3];

    if (!rp) {
        g_autofree char *path = registry_search_path_string(reg);
        g_autofree char *note = registry_refusal_note(reg, req->name, NULL);
        board_error(error, BB_ERROR_NOT_FOUND, &req->loc,
                    "plugin requirement '%s': no plugin named '%s' "
                    "(search path: %s)%s", req->text, req->name,
                    *path ? path : "empty", note);
        return false;
    }
    if (!semver_parse(rp->version, have)) {
        board_error(error, BB_ERROR_VERSION, &req->loc,
                    "plugin requirement '%s': plugin '%s' (%s) has no "
                    "valid version ('%s')", req->text, rp->name, rp->path,
                    rp->version ? rp->version : "");
        return false;
    }
    for (unsigned i = 0; i < req->n; i++) {
        if (!satisfies(have, req, i)) {
            board_error(error, BB_ERROR_VERSION, &req->loc,
                        "plugin '%s' is version %s (%s), which does not "
                        "satisfy '%s'", rp->name, rp->version, rp->path,
                        req->text);
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------- types */

static void collect_type(const BbTypeInfo *info, BbPlugin *owner,
                         void *opaque)
{
    g_ptr_array_add(opaque, (gpointer)info->name);
}

/* Types a misspelt @type might have meant, or NULL. */
static char *type_suggestions(Registry *reg, const char *type)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GPtrArray *plugins = registry_get_plugins(reg);

    type_foreach(collect_type, names);
    /* A loaded plugin's types are registered and listed by it: once. */
    for (guint i = 0; i < plugins->len; i++) {
        RegistryPlugin *rp = g_ptr_array_index(plugins, i);
        for (char **t = rp->types; !rp->refused && t && *t; t++) {
            if (!g_ptr_array_find_with_equal_func(names, *t, g_str_equal,
                                                  NULL)) {
                g_ptr_array_add(names, *t);
            }
        }
    }
    return board_suggest(type, (const char *const *)names->pdata,
                         names->len);
}

/* Make @type available and check it derives from @base. */
static BbObjectClass *resolve_type(Registry *reg, const char *type,
                                   const char *base, const BoardLoc *loc,
                                   GError **error)
{
    GError *err = NULL;
    BbObjectClass *klass;

    if (!registry_ensure_type(reg, type, &err)) {
        board_error_propagate(error, err, loc);
        return NULL;
    }
    klass = bb_object_class_by_name(type, &err);
    if (!klass) {
        board_error_propagate(error, err, loc);
        return NULL;
    }
    if (!bb_object_class_dynamic_cast(klass, base)) {
        board_error(error, BB_ERROR_INVALID, loc,
                    "type '%s' is not a %s type (it does not derive from "
                    "'%s')", type, base, base);
        return NULL;
    }
    if (!strcmp(base, BB_TYPE_DEVICE) &&
        bb_object_class_dynamic_cast(klass, BB_TYPE_MACHINE)) {
        board_error(error, BB_ERROR_INVALID, loc,
                    "type '%s' is a machine; a board names its machine "
                    "with the top-level 'machine' key", type);
        return NULL;
    }
    return klass;
}

/* Types of the board that no plugin provides, other than @except. */
static char *other_missing_types(const BoardSpec *spec, Registry *reg,
                                 const char *except)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GString *out = g_string_new(NULL);

    g_ptr_array_add(names, spec->machine);
    if (spec->has_harts) {
        g_ptr_array_add(names, spec->hart_type);
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        g_ptr_array_add(names, ((BoardDevice *)g_ptr_array_index(
                                    spec->devices, i))->type);
    }
    for (guint i = 0; i < names->len; i++) {
        const char *t = g_ptr_array_index(names, i);
        g_autofree char *quoted = g_strdup_printf("'%s'", t);
        if (strcmp(t, except) && !type_is_registered(t) &&
            !registry_find_provider(reg, t) && !strstr(out->str, quoted)) {
            g_string_append_printf(out, "%s%s", out->len ? ", " : "",
                                   quoted);
        }
    }
    return g_string_free(out, !out->len);
}

/* A device's reg entries, given the class default size @size. */
static bool check_reg_sizes(const BoardDevice *dev, uint64_t size,
                            GError **error)
{
    for (guint j = 0; j < dev->regs->len; j++) {
        BoardRange *r = &g_array_index(dev->regs, BoardRange, j);
        if (!r->size && !size) {
            board_error(error, BB_ERROR_INVALID, &r->loc,
                        "reg of '%s' gives no size and type '%s' has no "
                        "default size; write reg: [BASE, SIZE]",
                        dev->id, dev->type);
            return false;
        }
        if (!r->size && r->base + (size - 1) < r->base) {
            board_error(error, BB_ERROR_INVALID, &r->loc,
                        "reg of '%s' wraps past the end of the address "
                        "space", dev->id);
            return false;
        }
    }
    return true;
}

/* A device placed on another (`bus:`) needs that one's class to take
 * children: a plug hook (device.h). */
static bool check_bus_owners(const BoardSpec *spec, BbObjectClass **classes,
                             GError **error)
{
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        guint j;
        if (!dev->bus || !g_ptr_array_find(spec->devices,
                                           board_spec_find_device(spec,
                                                                  dev->bus),
                                           &j)) {
            continue;
        }
        if (!((BbDeviceClass *)classes[j])->plug) {
            BoardDevice *owner = g_ptr_array_index(spec->devices, j);
            board_error(error, BB_ERROR_INVALID, &dev->bus_loc,
                        "device '%s' is not a bus (type '%s' takes no "
                        "devices), so '%s' cannot be placed on it",
                        owner->id, owner->type, dev->id);
            return false;
        }
    }
    return true;
}

static bool resolve_all(const BoardSpec *spec, Registry *reg,
                        uint64_t *sizes, const char **failed, GError **error)
{
    g_autofree BbObjectClass **classes =
        g_new0(BbObjectClass *, spec->devices->len + 1);

    *failed = spec->machine;
    if (!resolve_type(reg, spec->machine, BB_TYPE_MACHINE,
                      &spec->machine_loc, error)) {
        return false;
    }
    *failed = spec->hart_type;
    if (spec->has_harts &&
        !resolve_type(reg, spec->hart_type, BB_TYPE_DEVICE,
                      &spec->hart_type_loc, error)) {
        return false;
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        BbObjectClass *klass;
        *failed = dev->type;
        klass = resolve_type(reg, dev->type, BB_TYPE_DEVICE, &dev->type_loc,
                             error);
        if (!klass) {
            return false;
        }
        classes[i] = klass;
        sizes[i] = ((BbDeviceClass *)klass)->reg_size;
        if (!check_reg_sizes(dev, sizes[i], error)) {
            *failed = NULL;
            return false;
        }
    }
    *failed = NULL;
    return check_bus_owners(spec, classes, error);
}

/* Resolve every type; fill @sizes with the class reg_size per device.  A
 * missing plugin's message also names the board's other missing types,
 * so one run shows everything a board still lacks. */
static bool resolve_types(const BoardSpec *spec, Registry *reg,
                          uint64_t *sizes, GError **error)
{
    const char *failed = NULL;
    GError *err = NULL;

    if (resolve_all(spec, reg, sizes, &failed, &err)) {
        return true;
    }
    if (failed && strstr(err->message, "no plugin provides type")) {
        g_autofree char *others = other_missing_types(spec, reg, failed);
        g_autofree char *hint = type_suggestions(reg, failed);
        g_autofree char *msg = g_strdup_printf(
            "%s%s%s%s%s%s%s", err->message,
            others ? "; the board also needs " : "", others ? others : "",
            hint ? "; '" : "", hint ? failed : "",
            hint ? "' may be a typo for " : "", hint ? hint : "");
        g_free(err->message);
        err->message = g_steal_pointer(&msg);
    }
    g_propagate_error(error, err);
    return false;
}

/* ----------------------------------------------------------- creation */

/* Set one board property: a scalar from its text, an array from a
 * sequence's elements (or from the scalar's comma-separated form). */
static bool set_prop(BbObject *obj, const BoardProp *p, GError **error)
{
    const BbPropertyInfo *info = bb_object_find_property(obj, p->name);
    size_t failed = SIZE_MAX;
    GError *err = NULL;
    bool ok;

    if (info && p->items && !bb_prop_is_array(info)) {
        board_error(error, BB_ERROR_INVALID, &p->value_loc,
                    "value of property '%s' must be a scalar, not a "
                    "sequence", p->name);
        return false;
    }
    if (p->items) {
        ok = object_set_prop_list(obj, p->name,
                                  (const char *const *)p->items->pdata,
                                  p->items->len, &failed, &err);
    } else {
        ok = bb_object_set_prop(obj, p->name, p->value, &err);
    }
    if (ok) {
        return true;
    }
    /* Point at the name if it is unknown or read-only, at the bad
     * element of a sequence, else at the value. */
    if (!info || (info->flags & BB_PROP_F_READONLY)) {
        board_error_propagate(error, err, &p->key_loc);
    } else if (failed != SIZE_MAX) {
        board_error_propagate(error, err,
                              &g_array_index(p->item_locs, BoardLoc,
                                             failed));
    } else {
        board_error_propagate(error, err, &p->value_loc);
    }
    return false;
}

static bool set_props(BbObject *obj, GPtrArray *props, GError **error)
{
    for (guint i = 0; i < props->len; i++) {
        if (!set_prop(obj, g_ptr_array_index(props, i), error)) {
            return false;
        }
    }
    return true;
}

static BbObject *new_child(BbObject *parent, const char *type,
                           const char *name, const BoardLoc *loc,
                           GError **error)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(type, &err);

    if (!obj) {
        board_error_propagate(error, err, loc);
        return NULL;
    }
    if (!bb_object_add_child(parent, name, obj, &err)) {
        bb_object_unref(obj);
        board_error_propagate(error, err, loc);
        return NULL;
    }
    bb_object_unref(obj); /* the parent holds it now */
    return obj;
}

static bool set_machine_props(const BoardSpec *spec, BbObject *m,
                              GError **error)
{
    GError *err = NULL;
    bool ok = true;

    if (spec->has_ram) {
        ok = bb_object_set_uint(m, "ram-base", spec->ram_base, &err) &&
             bb_object_set_uint(m, "ram-size", spec->ram_size, &err);
    }
    if (ok && spec->has_harts) {
        ok = bb_object_set_uint(m, "harts", spec->hart_count, &err);
    }
    for (guint i = 0; ok && i < BOARD_BOOT_N; i++) {
        if (spec->boot[i]) {
            ok = bb_object_set_str(m, board_boot_keys[i], spec->boot[i],
                                   &err);
        }
    }
    if (!ok) {
        board_error_propagate(error, err, &spec->machine_loc);
        return false;
    }
    return set_props(m, spec->machine_props, error);
}

static bool create_harts(Board *board, GError **error)
{
    const BoardSpec *spec = board->spec;

    for (unsigned i = 0; spec->has_harts && i < spec->hart_count; i++) {
        g_autofree char *id = g_strdup_printf("hart%u", i);
        GError *err = NULL;
        BbObject *h = new_child(BB_OBJECT(board->machine), spec->hart_type,
                                id, &spec->hart_type_loc, error);
        if (!h) {
            return false;
        }
        g_ptr_array_add(board->harts, h);
        if (!bb_object_set_uint(h, "hartid", i, &err)) {
            board_error_propagate(error, err, &spec->hart_type_loc);
            return false;
        }
        if (spec->hart_isa &&
            !bb_object_set_str(h, "isa", spec->hart_isa, &err)) {
            board_error_propagate(error, err, &spec->hart_isa_loc);
            return false;
        }
        if (!set_props(h, spec->hart_props, error)) {
            return false;
        }
    }
    return true;
}

static bool create_device(Board *board, const BoardDevice *bd,
                          uint64_t class_size, GError **error)
{
    BbObject *obj = new_child(BB_OBJECT(board->machine), bd->type, bd->id,
                              &bd->loc, error);

    if (!obj) {
        return false;
    }
    g_ptr_array_add(board->devices, obj);
    for (guint j = 0; j < bd->regs->len; j++) {
        BoardRange *r = &g_array_index(bd->regs, BoardRange, j);
        GError *err = NULL;
        if (!bb_device_add_reg(BB_DEVICE(obj), r->base,
                               r->size ? r->size : class_size, &err)) {
            board_error_propagate(error, err, &r->loc);
            return false;
        }
    }
    if (bd->bus) {
        device_set_bus(BB_DEVICE(obj), bd->bus, bd->slot, bd->func);
    }
    return set_props(obj, bd->props, error);
}

static bool realize(Board *board, BbObject *obj, const BoardLoc *loc,
                    GError **error)
{
    GError *err = NULL;

    /* The device core maps what the device declared (device.h). */
    if (!bb_device_realize(BB_DEVICE(obj), &err)) {
        board_error_propagate(error, err, loc);
        return false;
    }
    return true;
}

/* Realize device @i of the board after the device owning its bus (so,
 * recursively, in dependency order whatever the board order), plugging
 * it into that bus first.  board_spec_check() ruled out bus cycles; @done
 * marks the devices already handled. */
static bool realize_device(Board *board, guint i, bool *done, GError **error)
{
    const BoardSpec *spec = board->spec;
    BoardDevice *bd = g_ptr_array_index(spec->devices, i);
    BbObject *obj = g_ptr_array_index(board->devices, i);
    BoardRealized r = { obj, NULL };
    BbDeviceClass *bc = NULL;
    guint j;

    if (done[i]) {
        return true;
    }
    done[i] = true;
    if (bd->bus && g_ptr_array_find(spec->devices,
                                    board_spec_find_device(spec, bd->bus),
                                    &j)) {
        GError *err = NULL;
        if (!realize_device(board, j, done, error)) {
            return false;
        }
        r.bus_owner = g_ptr_array_index(board->devices, j);
        bc = BB_DEVICE_GET_CLASS(BB_DEVICE(r.bus_owner));
        if (!bc->plug(BB_DEVICE(r.bus_owner), BB_DEVICE(obj), bd->slot,
                      bd->func, &err)) {
            g_prefix_error(&err, "cannot place '%s' on bus '%s': ", bd->id,
                           bd->bus);
            board_error_propagate(error, err, &bd->bus_loc);
            return false;
        }
    }
    if (!realize(board, obj, &bd->loc, error)) {
        if (bc && bc->unplug) {
            bc->unplug(BB_DEVICE(r.bus_owner), BB_DEVICE(obj));
        }
        return false;
    }
    g_array_append_val(board->realized, r);
    return true;
}

/* Harts and devices; the machine comes after the IRQ wiring
 * (realize_machine), so that its realize sees the finished board - the
 * device tree it generates names every interrupt. */
static bool realize_all(Board *board, GError **error)
{
    const BoardSpec *spec = board->spec;
    g_autofree bool *done = g_new0(bool, board->devices->len + 1);

    for (guint i = 0; i < board->harts->len; i++) {
        BoardRealized r = { g_ptr_array_index(board->harts, i), NULL };
        if (!realize(board, r.obj, &spec->harts_loc, error)) {
            return false;
        }
        g_array_append_val(board->realized, r);
    }
    for (guint i = 0; i < board->devices->len; i++) {
        if (!realize_device(board, i, done, error)) {
            return false;
        }
    }
    return true;
}

static bool realize_machine(Board *board, GError **error)
{
    return realize(board, BB_OBJECT(board->machine),
                   &board->spec->machine_loc, error);
}

/* ------------------------------------------- ranges devices added */

/* The board entry that created @obj or its nearest created ancestor. */
static const BoardLoc *owner_loc(const Board *board, BbObject *obj)
{
    const BoardSpec *spec = board->spec;
    guint i;

    for (; obj; obj = bb_object_get_parent(obj)) {
        if (g_ptr_array_find(board->devices, obj, &i)) {
            return &((BoardDevice *)g_ptr_array_index(spec->devices, i))->loc;
        }
        if (g_ptr_array_find(board->harts, obj, NULL)) {
            return &spec->harts_loc;
        }
        if (obj == BB_OBJECT(board->machine)) {
            return &spec->machine_loc;
        }
    }
    return &spec->file_loc;
}

static char *range_label(const BoardMapRow *r)
{
    g_autofree char *label = r->owner ? object_label(r->owner) : NULL;

    return g_strdup_printf("%s%s%s%s [0x%" G_GINT64_MODIFIER "x-0x%"
                           G_GINT64_MODIFIER "x]", label ? label : "RAM",
                           r->region ? " region '" : "",
                           r->region ? r->region : "",
                           r->region ? "'" : "", r->base, r->last);
}

/* Devices may add ranges of their own (in instance_init or realize) and
 * place regions themselves (a machine's boot ROM); the board's own ranges
 * were checked before anything was created, so an overlap found here
 * involves one of those.  The ranges are exactly the memory map describe
 * shows, less deliberate overlays (a positive priority). */
static bool check_tree_overlaps(Board *board, GError **error)
{
    g_autoptr(GArray) rows = board_describe_memory_map(board); /* by base */
    const BoardMapRow *widest = NULL;

    for (guint i = 0; i < rows->len; i++) {
        const BoardMapRow *r = &g_array_index(rows, BoardMapRow, i);
        if (r->overlay) {
            continue;
        }
        if (widest && r->base <= widest->last) {
            g_autofree char *a = range_label(r);
            g_autofree char *b = range_label(widest);
            board_error(error, BB_ERROR_INVALID,
                        owner_loc(board, r->owner ? r->owner : widest->owner),
                        "after realize, %s overlaps %s", a, b);
            return false;
        }
        if (!widest || r->last > widest->last) {
            widest = r;
        }
    }
    return true;
}

/* ------------------------------------------------------------- board */

static Board *board_new(BoardSpec *spec, const BoardBuildOptions *opts)
{
    Board *board = g_new0(Board, 1);
    BbSystemOptions sopts = { .icount = opts && opts->icount,
                              .icount_shift = opts ? opts->icount_shift : 0 };

    board->system = bb_system_new(&sopts);
    system_set_board_name(board->system, spec->name ? spec->name
                                                    : spec->path);
    board->spec = spec;
    board->harts = g_ptr_array_new();
    board->devices = g_ptr_array_new();
    board->realized = g_array_new(false, false, sizeof(BoardRealized));
    return board;
}

static bool create_all(Board *board, const uint64_t *sizes, GError **error)
{
    BoardSpec *spec = board->spec;
    GError *err = NULL;
    BbObject *m;

    board->root = bb_object_new(BB_TYPE_CONTAINER, &err);
    if (!board->root) {
        board_error_propagate(error, err, &spec->file_loc);
        return false;
    }
    m = new_child(board->root, spec->machine, "machine", &spec->machine_loc,
                  error);
    if (!m) {
        return false;
    }
    board->machine = BB_MACHINE(m);
    board->machine->system = board->system;
    if (!set_machine_props(spec, m, error) || !create_harts(board, error)) {
        return false;
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        if (!create_device(board, g_ptr_array_index(spec->devices, i),
                           sizes[i], error)) {
            return false;
        }
    }
    return true;
}

/* The board's chardevs, opened for real or (describe) as "null". */
static bool open_chardevs(Board *board, bool for_real, GError **error)
{
    GPtrArray *chardevs = board->spec->chardevs;
    GError *err = NULL;

    for (guint i = 0; i < chardevs->len; i++) {
        BoardChardev *c = g_ptr_array_index(chardevs, i);
        if (!bb_system_add_chardev(board->system, c->id,
                                   for_real ? c->backend : "null", &err)) {
            board_error_propagate(error, err, &c->loc);
            return false;
        }
    }
    return true;
}

Board *board_build(BoardSpec *spec, Registry *reg,
                   const BoardBuildOptions *opts, GError **error)
{
    g_autofree uint64_t *sizes = g_new0(uint64_t, spec->devices->len + 1);
    Board *board;

    if (!board_spec_check(spec, error)) {
        return NULL;
    }
    for (guint i = 0; i < spec->requires->len; i++) {
        if (!check_require(reg, g_ptr_array_index(spec->requires, i),
                           error)) {
            return NULL;
        }
    }
    if (!resolve_types(spec, reg, sizes, error) ||
        !board_check_overlaps(spec, sizes, error)) {
        return NULL;
    }
    board = board_new(spec, opts);
    if (!open_chardevs(board, opts && opts->open_backends, error) ||
        !create_all(board, sizes, error) || !realize_all(board, error) ||
        !board_wire_irqs(board, error) || !realize_machine(board, error) ||
        !check_tree_overlaps(board, error)) {
        board_free(board);
        return NULL;
    }
    return board;
}

void board_free(Board *board)
{
    if (!board) {
        return;
    }
    if (board->machine) {
        bb_device_unrealize(BB_DEVICE(board->machine));
    }
    /* Reverse realize order: the devices on a bus go before its owner,
     * each unplugged once it is unrealized. */
    for (guint i = board->realized->len; i-- > 0;) {
        BoardRealized *r = &g_array_index(board->realized, BoardRealized, i);
        bb_device_unrealize(BB_DEVICE(r->obj));
        if (r->bus_owner) {
            BbDeviceClass *bc = BB_DEVICE_GET_CLASS(BB_DEVICE(r->bus_owner));
            if (bc->unplug) {
                bc->unplug(BB_DEVICE(r->bus_owner), BB_DEVICE(r->obj));
            }
        }
    }
    bb_object_unref(board->root);
    bb_system_free(board->system);
    g_ptr_array_free(board->harts, true);
    g_ptr_array_free(board->devices, true);
    g_array_free(board->realized, true);
    g_free(board);
}

BbObject *board_get_root(Board *board)
{
    return board->root;
}

BbSystem *board_get_system(Board *board)
{
    return board->system;
}

BbMachine *board_get_machine(Board *board)
{
    return board->machine;
}

BoardSpec *board_get_spec(Board *board)
{
    return board->spec;
}

GPtrArray *board_get_devices(Board *board)
{
    return board->devices;
}

GPtrArray *board_get_harts(Board *board)
{
    return board->harts;
}
