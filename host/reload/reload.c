/*
 * reload.c - hot reload of a device plugin (reload.h, docs/hot-reload.md).
 *
 * The old instances are not kept for a rollback: a device that declares
 * IRQ groups or regions in realize cannot be realized twice, so a
 * rollback, like the reload itself, builds fresh instances - of the old
 * code, whose types stay alive (out of the type table) until the new
 * code has taken over.  What an instance is made of is recorded before
 * it goes: its name and place among the machine's children, address
 * ranges, bus placement, the properties that were set, the IRQ lines its
 * outputs drive, and its state (bb_state_save, the snapshot section).
 * Everything runs on the loop thread with the VM paused, so no hart is
 * inside generated code and no timer fires half-way.
 */
#include <string.h>

#include <breadboard/cpu.h>
#include <breadboard/device.h>
#include <breadboard/error.h>
#include <breadboard/state.h>
#include <breadboard/system.h>

#include "board/board-internal.h"
#include "device/device-internal.h"
#include "qom/object-internal.h"
#include "reload/reload.h"

/* An output line's connection to another device's input. */
typedef struct Wire {
    char *group;       /* output group of the reloaded device */
    unsigned index;
    char *sink_path;   /* the input's device */
    char *sink_group;
    unsigned sink_index;
} Wire;

/* What a reloaded device is made of, recorded from the old instance. */
typedef struct Saved {
    guint board_index; /* in board->devices */
    char *name;        /* child name under the machine */
    char *path;
    char *type;
    int position;      /* among the machine's children */
    GArray *regs;      /* uint64_t base, size pairs */
    char *bus;         /* NULL: not on a bus */
    int slot, func;
    BbObject *bus_owner; /* borrowed; not reloaded (refused) */
    int realized_pos;  /* in board->realized, -1: none */
    GPtrArray *props;  /* "name", "value", ... explicitly set */
    GArray *wires;     /* Wire */
    GByteArray *state; /* NULL: no state table */
    BbObject *obj;     /* the live instance (old, then new), borrowed */
} Saved;

struct Reloader {
    Board *board;
    Registry *reg;
    ReloadNotify notify;
    void *notify_opaque;
    void *watch;       /* reload-watch.c */
};

Reloader *reloader_new(Board *board, Registry *reg)
{
    Reloader *rl = g_new0(Reloader, 1);

    rl->board = board;
    rl->reg = reg;
    return rl;
}

void reloader_free(Reloader *rl)
{
    if (!rl) {
        return;
    }
    reloader_watch_free(rl);
    g_free(rl);
}

void reloader_set_notify(Reloader *rl, ReloadNotify fn, void *opaque)
{
    rl->notify = fn;
    rl->notify_opaque = opaque;
}

Board *reloader_get_board(Reloader *rl)
{
    return rl->board;
}

Registry *reloader_get_registry(Reloader *rl)
{
    return rl->reg;
}

void **reloader_watch_slot(Reloader *rl)
{
    return &rl->watch;
}

static void wire_clear(gpointer p)
{
    Wire *w = p;

    g_free(w->group);
    g_free(w->sink_path);
    g_free(w->sink_group);
}

static void saved_free(Saved *s)
{
    g_free(s->name);
    g_free(s->path);
    g_free(s->type);
    g_array_unref(s->regs);
    g_free(s->bus);
    g_ptr_array_unref(s->props);
    g_array_unref(s->wires);
    if (s->state) {
        g_byte_array_unref(s->state);
    }
    g_free(s);
}

/* ------------------------------------------------------------ checks */

static bool owned_by(BbObject *obj, BbPlugin *owner)
{
    return type_get_owner(bb_object_get_type_name(obj)) == owner;
}

typedef struct Census {
    BbPlugin *owner;
    GPtrArray *roots;  /* the devices being reloaded */
    unsigned inside;   /* instances of owner's types under them */
    BbObject *outside; /* the first one elsewhere */
    bool under;        /* walking below one of @roots */
} Census;

static bool census_walk(BbObject *obj, void *opaque)
{
    Census *c = opaque;
    bool was = c->under;

    c->under = was || g_ptr_array_find(c->roots, obj, NULL);
    if (owned_by(obj, c->owner)) {
        if (c->under) {
            c->inside++;
        } else if (!c->outside) {
            c->outside = obj;
        }
    }
    bb_object_foreach_child(obj, census_walk, c);
    c->under = was;
    return true;
}

/* Whether @dev can be replaced: only IRQ outputs and a bus slot connect
 * it to the rest of the board. */
static bool check_device(Board *board, BbDevice *dev, const char *id,
                         GError **error)
{
    const BoardSpec *spec = board->spec;
    BbDevice *src;

    if (!bb_device_is_realized(dev)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "device '%s' is not realized", id);
        return false;
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *bd = g_ptr_array_index(spec->devices, i);
        if (bd->bus && !strcmp(bd->bus, id)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                        "device '%s' cannot be reloaded: '%s' is plugged "
                        "into it (buses keep their devices' pointers)", id,
                        bd->id);
            return false;
        }
    }
    src = device_irq_first_source(dev);
    if (src) {
        g_autofree char *label = object_label(BB_OBJECT(src));
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "device '%s' cannot be reloaded: %s drives its IRQ "
                    "inputs (interrupt controllers cannot be reloaded)", id,
                    label);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ saving */

static void save_prop(const BbPropertyInfo *p, void *opaque)
{
    Saved *s = opaque;
    GError *err = NULL;
    char *v;

    if (p->kind == BB_PROP_CHILD || !object_prop_was_set(s->obj, p->name)) {
        return;
    }
    v = bb_object_get_prop(s->obj, p->name, &err);
    if (!v) {
        g_error_free(err);
        return;
    }
    g_ptr_array_add(s->props, g_strdup(p->name));
    g_ptr_array_add(s->props, v);
}

static void save_wire(const char *group, unsigned index, BbIrqIn *sink,
                      void *opaque)
{
    Saved *s = opaque;
    Wire w = { g_strdup(group), index,
               bb_object_get_canonical_path(
                   BB_OBJECT(bb_irq_in_get_device(sink))),
               g_strdup(bb_irq_in_get_group(sink)),
               bb_irq_in_get_index(sink) };

    g_array_append_val(s->wires, w);
}

static Saved *save_device(Board *board, guint index, GError **error)
{
    BbObject *obj = g_ptr_array_index(board->devices, index);
    BbDevice *dev = BB_DEVICE(obj);
    const BbStateDesc *desc = BB_DEVICE_GET_CLASS(dev)->state;
    Saved *s = g_new0(Saved, 1);
    const char *bus;
    uint64_t base, size;

    s->board_index = index;
    s->obj = obj;
    s->name = g_strdup(bb_object_get_name(obj));
    s->path = bb_object_get_canonical_path(obj);
    s->type = g_strdup(bb_object_get_type_name(obj));
    s->position = object_child_index(obj);
    s->regs = g_array_new(false, false, sizeof(uint64_t));
    for (unsigned i = 0; bb_device_get_reg(dev, i, &base, &size); i++) {
        g_array_append_val(s->regs, base);
        g_array_append_val(s->regs, size);
    }
    if (bb_device_get_bus(dev, &bus, NULL, NULL)) {
        s->bus = g_strdup(bus);
        s->slot = dev->priv->slot;
        s->func = dev->priv->func;
    }
    s->realized_pos = -1;
    for (guint i = 0; i < board->realized->len; i++) {
        BoardRealized *r = &g_array_index(board->realized, BoardRealized, i);
        if (r->obj == obj) {
            s->bus_owner = r->bus_owner;
            s->realized_pos = (int)i;
        }
    }
    s->props = g_ptr_array_new_with_free_func(g_free);
    bb_object_class_foreach_property(bb_object_get_class(obj), save_prop, s);
    s->wires = g_array_new(false, true, sizeof(Wire));
    g_array_set_clear_func(s->wires, wire_clear);
    device_foreach_irq_sink(dev, save_wire, s);
    if (desc) {
        s->state = g_byte_array_new();
        if (!bb_state_save(desc, dev, s->state, error)) {
            g_prefix_error(error, "saving the state of %s: ", s->path);
            saved_free(s);
            return NULL;
        }
    }
    return s;
}

/* ------------------------------------------------------------ swapping */

/* By index: a freed instance's address may already be a new one's. */
static void set_board_object(Board *board, Saved *s, BbObject *now)
{
    g_ptr_array_index(board->devices, s->board_index) = now;
    if (s->realized_pos >= 0) {
        g_array_index(board->realized, BoardRealized,
                      (guint)s->realized_pos).obj = now;
    }
    s->obj = now;
}

/* Unrealize (the host unmaps its regions first; its unrealize hook frees
 * timers and lets go of its chardev), unplug, and drop it from the tree,
 * which frees it and disconnects its IRQ lines. */
static void destroy_instance(BbObject *obj, BbObject *bus_owner)
{
    BbDevice *dev = BB_DEVICE(obj);

    bb_device_unrealize(dev);
    if (bus_owner) {
        BbDeviceClass *bc = BB_DEVICE_GET_CLASS(BB_DEVICE(bus_owner));
        if (bc->unplug) {
            bc->unplug(BB_DEVICE(bus_owner), dev);
        }
    }
    bb_object_unparent(obj);
}

static bool connect_wires(Board *board, BbDevice *dev, const Saved *s,
                          GError **error)
{
    for (guint i = 0; i < s->wires->len; i++) {
        const Wire *w = &g_array_index(s->wires, Wire, i);
        BbObject *sink = bb_object_resolve_path(board->root, w->sink_path);
        BbDevice *sdev = sink ? (BbDevice *)bb_object_dynamic_cast(
                                    sink, BB_TYPE_DEVICE) : NULL;
        BbIrqOut *out = bb_device_get_irq_out(dev, w->group, w->index);
        BbIrqIn *in = sdev ? bb_device_get_irq_in(sdev, w->sink_group,
                                                  w->sink_index) : NULL;
        if (!out) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                        "it has no IRQ output %s[%u] (wired to %s.%s[%u])",
                        w->group, w->index, w->sink_path, w->sink_group,
                        w->sink_index);
            return false;
        }
        if (!in || !bb_irq_connect(out, in, error)) {
            if (!in) {
                g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                            "IRQ input %s.%s[%u] is gone", w->sink_path,
                            w->sink_group, w->sink_index);
            }
            return false;
        }
    }
    return true;
}

static bool load_state(BbDevice *dev, const Saved *s, GError **error)
{
    const BbStateDesc *desc = BB_DEVICE_GET_CLASS(dev)->state;

    if (!s->state) {
        return true; /* nothing to carry over; the new one starts reset */
    }
    if (!desc) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "the new build has no state table, the old one had");
        return false;
    }
    /* (bb_state_load() checks the whole section before writing) */
    if (!bb_state_load(desc, dev, s->state->data, s->state->len, error)) {
        g_prefix_error(error, "state refused: ");
        return false;
    }
    return true;
}

/* A fresh instance of the type registered now under s->type, made like
 * the one recorded in @s and carrying its state; replaces s->obj on the
 * board.  On failure nothing of it is left. */
static bool create_instance(Board *board, Saved *s, GError **error)
{
    BbObject *machine = BB_OBJECT(board->machine);
    BbObject *obj = bb_object_new(s->type, error);
    BbDevice *dev;
    bool plugged = false;

    if (!obj) {
        return false;
    }
    if (!bb_object_add_child(machine, s->name, obj, error)) {
        bb_object_unref(obj);
        return false;
    }
    bb_object_unref(obj); /* the machine holds it */
    object_child_move(obj, s->position);
    dev = BB_DEVICE(obj);
    for (guint i = 0; i + 1 < s->regs->len; i += 2) {
        if (!bb_device_add_reg(dev, g_array_index(s->regs, uint64_t, i),
                               g_array_index(s->regs, uint64_t, i + 1),
                               error)) {
            goto undo;
        }
    }
    if (s->bus) {
        device_set_bus(dev, s->bus, s->slot, s->func);
    }
    for (guint i = 0; i + 1 < s->props->len; i += 2) {
        const char *name = s->props->pdata[i];
        if (!bb_object_set_prop(obj, name, s->props->pdata[i + 1], error)) {
            g_prefix_error(error, "property '%s': ", name);
            goto undo;
        }
    }
    if (s->bus_owner) {
        BbDeviceClass *bc = BB_DEVICE_GET_CLASS(BB_DEVICE(s->bus_owner));
        if (!bc->plug(BB_DEVICE(s->bus_owner), dev, s->slot, s->func,
                      error)) {
            goto undo;
        }
        plugged = true;
    }
    if (!bb_device_realize(dev, error) ||
        !connect_wires(board, dev, s, error) || !load_state(dev, s, error)) {
        goto undo;
    }
    set_board_object(board, s, obj);
    return true;
undo:
    destroy_instance(obj, plugged ? s->bus_owner : NULL);
    return false;
}

/* ------------------------------------------------------------ reload */

static void flush_harts(BbSystem *sys)
{
    /* The harts' TLBs may hold the old regions (I/O entries). */
    for (unsigned i = 0; i < bb_system_get_cpu_count(sys); i++) {
        bb_cpu_tlb_flush(bb_system_get_cpu(sys, i));
    }
}

/* Put fresh instances of the old code (its types are back in the table)
 * in place of whatever @saved[0..@n) holds now. */
static void roll_back(Board *board, GPtrArray *saved, guint n)
{
    for (guint i = 0; i < n; i++) {
        Saved *s = saved->pdata[i];
        GError *err = NULL;
        if (!create_instance(board, s, &err)) {
            /* The old code took this state a moment ago: only a device
             * that refuses its own state gets here. */
            g_printerr("breadboard: hot reload: rolling back %s failed, the "
                       "device is gone: %s\n", s->path, err->message);
            g_error_free(err);
        }
    }
}

static bool reload(Reloader *rl, RegistryPlugin *rp, BbPlugin *owner,
                   GArray *indices, const char *file, GPtrArray *paths,
                   GError **error)
{
    Board *board = rl->board;
    BbSystem *sys = board->system;
    g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func(
        (GDestroyNotify)saved_free);
    g_autoptr(GPtrArray) roots = g_ptr_array_new();
    bool resume = bb_system_get_run_state(sys) == BB_RUN_STATE_RUNNING;
    RegistryReload *rr = NULL;
    Census c = { owner, roots, 0, NULL };
    const char *derived = type_derived_from_owner(owner);
    guint made = 0;
    bool ok = false;

    if (derived) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "plugin '%s' cannot be reloaded: type '%s' of another "
                    "plugin derives from its types", rp->name, derived);
        return false;
    }
    for (guint i = 0; i < indices->len; i++) {
        guint idx = g_array_index(indices, guint, i);
        BoardDevice *bd = g_ptr_array_index(board->spec->devices, idx);
        BbObject *obj = g_ptr_array_index(board->devices, idx);
        if (!check_device(board, BB_DEVICE(obj), bd->id, error)) {
            return false;
        }
        g_ptr_array_add(roots, obj);
    }
    census_walk(board->root, &c);
    if (c.outside || c.inside != type_owner_instances(owner, NULL)) {
        g_autofree char *label = c.outside ? object_label(c.outside)
                                           : g_strdup("an object outside "
                                                      "the board's tree");
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "plugin '%s' cannot be reloaded: %s is an instance of "
                    "its types and is not a board device (harts, the "
                    "machine and objects a device does not own cannot be "
                    "reloaded)", rp->name, label);
        return false;
    }
    if (resume) {
        bb_system_stop(sys, BB_RUN_STATE_PAUSED);
    }
    for (guint i = 0; i < indices->len; i++) {
        Saved *s = save_device(board, g_array_index(indices, guint, i),
                               error);
        if (!s) {
            goto out;
        }
        g_ptr_array_add(saved, s);
    }
    /* Open the new file before anything is torn down: a file that does
     * not load changes nothing. */
    rr = registry_reload_open(rl->reg, rp, file, error);
    if (!rr) {
        goto out;
    }
    for (guint i = saved->len; i-- > 0;) {
        Saved *s = saved->pdata[i];
        destroy_instance(s->obj, s->bus_owner);
    }
    /* Only now the new code's types: the old code casts its instances by
     * type name until they are gone. */
    if (!registry_reload_init(rr, error)) {
        made = 0;
    } else {
        for (made = 0; made < saved->len; made++) {
            Saved *s = saved->pdata[made];
            GError *err = NULL;
            if (!create_instance(board, s, &err)) {
                g_propagate_prefixed_error(error, err, "%s (%s, from %s): ",
                                           s->path, rp->name, file);
                break;
            }
        }
    }
    if (made < saved->len) {
        for (guint i = made; i-- > 0;) {
            Saved *s = saved->pdata[i];
            destroy_instance(s->obj, s->bus_owner);
        }
        registry_reload_abort(rr);
        rr = NULL;
        roll_back(board, saved, saved->len);
        goto flush;
    }
    /* An old instance someone still holds a reference to keeps the old
     * code loaded: leaked rather than unmapped under it. */
    if (registry_reload_old_instances(rr)) {
        g_printerr("breadboard: hot reload: %u instance(s) of plugin '%s''s "
                   "old types are still referenced; its old code stays "
                   "loaded\n", registry_reload_old_instances(rr), rp->name);
        registry_reload_commit(rr, false);
    } else {
        registry_reload_commit(rr, true);
    }
    rr = NULL;
    for (guint i = 0; paths && i < saved->len; i++) {
        g_ptr_array_add(paths, g_strdup(((Saved *)saved->pdata[i])->path));
    }
    ok = true;
flush:
    flush_harts(sys);
out:
    if (resume) {
        bb_system_resume(sys, NULL);
    }
    return ok;
}

/* The board devices whose type @owner provides, by board index. */
static GArray *devices_of(Board *board, BbPlugin *owner)
{
    GArray *idx = g_array_new(false, false, sizeof(guint));

    for (guint i = 0; i < board->devices->len; i++) {
        if (owned_by(g_ptr_array_index(board->devices, i), owner)) {
            g_array_append_val(idx, i);
        }
    }
    return idx;
}

static void notify(Reloader *rl, RegistryPlugin *rp, const char *file,
                   GPtrArray *paths, const GError *error)
{
    if (rl->notify) {
        rl->notify(rl->notify_opaque, rp->name, file, paths, error);
    }
}

bool reloader_reload_plugin(Reloader *rl, RegistryPlugin *rp,
                            const char *file, GPtrArray *paths,
                            GError **error)
{
    BbPlugin *owner = registry_plugin_handle(rl->reg, rp);
    g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) idx = NULL;
    GError *err = NULL;
    bool ok;

    if (!file) {
        file = rp->path;
    }
    if (!owner || !rp->initialised) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "plugin '%s' is not loaded", rp->name);
        return false;
    }
    idx = devices_of(rl->board, owner);
    if (!idx->len) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                    "plugin '%s' provides no device of this board",
                    rp->name);
        return false;
    }
    ok = reload(rl, rp, owner, idx, file, done, &err);
    if (!ok) {
        /* what the devices would have been, for the notice */
        for (guint i = 0; i < idx->len; i++) {
            g_ptr_array_add(done, bb_object_get_canonical_path(
                g_ptr_array_index(rl->board->devices,
                                  g_array_index(idx, guint, i))));
        }
    }
    notify(rl, rp, file, done, err);
    if (!ok) {
        g_propagate_prefixed_error(error, err, "hot reload: ");
        return false;
    }
    for (guint i = 0; paths && i < done->len; i++) {
        g_ptr_array_add(paths, g_strdup(done->pdata[i]));
    }
    return true;
}

bool reloader_reload_device(Reloader *rl, const char *id, const char *file,
                            GPtrArray *paths, GError **error)
{
    Board *board = rl->board;
    const BoardSpec *spec = board->spec;
    BbObject *obj = NULL;
    BbPlugin *owner;
    RegistryPlugin *rp;

    if (!strcmp(id, "machine")) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "hot reload: the machine cannot be reloaded");
        return false;
    }
    if (board_spec_is_hart(spec, id)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "hot reload: '%s' is a hart: the CPU model cannot be "
                    "reloaded", id);
        return false;
    }
    for (guint i = 0; i < spec->devices->len && !obj; i++) {
        BoardDevice *bd = g_ptr_array_index(spec->devices, i);
        if (!strcmp(bd->id, id)) {
            obj = g_ptr_array_index(board->devices, i);
        }
    }
    if (!obj) {
        g_autofree char *ids = board_spec_list_ids(board->spec, false);
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                    "hot reload: no device '%s' on this board; devices "
                    "are: %s", id, ids);
        return false;
    }
    owner = type_get_owner(bb_object_get_type_name(obj));
    rp = registry_plugin_of(owner);
    if (!rp) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "hot reload: type '%s' of '%s' is built into the host, "
                    "not a plugin", bb_object_get_type_name(obj), id);
        return false;
    }
    return reloader_reload_plugin(rl, rp, file, paths, error);
}
