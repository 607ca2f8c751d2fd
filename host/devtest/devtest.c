/*
 * devtest.c - the C device-test harness (devtest.h): a board built by the
 * board loader in deterministic time, driven by the calling test instead
 * of a CPU, in the spirit of QEMU's qtest but in-process.
 *
 * The test's IRQ probes and drive lines are real input and output lines
 * of a private "devtest-harness" device that lives outside the board's
 * object tree (so `describe`-style walks and resets of the tree never see
 * it); each probe or drive line is a one-line group of its own, added
 * when the test asks for it.  Time moves only in bb_devtest_step(): a
 * private timer marks the end of the step and virtual time warps from
 * deadline to deadline up to it, the way `breadboard run --icount` moves
 * an idle system, so timers run exactly at their deadlines.
 */
#include <string.h>

#include <breadboard/devtest.h>
#include <breadboard/error.h>

#include "board/board-internal.h"
#include "device/device-internal.h"
#include "plugin/registry.h"
#include "qom/object-internal.h"

#define TYPE_DEVTEST_HARNESS "devtest-harness"
/* Main-loop iterations per deadline at most: a device that keeps a
 * bottom half or a zero-delay timer busy cannot hang the test. */
#define DEVTEST_DRAIN_LIMIT 10000

typedef struct DevtestProbe {
    bool level;     /* what the probed line drives now */
    bool counting;  /* false while connecting (a high line is no edge) */
    unsigned rises; /* low -> high since added */
} DevtestProbe;

struct BbDevtest {
    BoardSpec *spec;
    Registry *registry;
    Board *board;
    BbSystem *sys;
    BbDevice *harness;   /* owns the probe inputs and drive outputs */
    GPtrArray *probes;   /* DevtestProbe *, by probe number */
    unsigned ndrives;
    BbTimer *step_timer; /* the end of the current step */
    bool step_done;
    guint listener;      /* run-state listener: lowers drives on reset */
};

static const BbTypeInfo devtest_harness_info = {
    .name = TYPE_DEVTEST_HARNESS,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(BbDevice),
    .description = "IRQ probes and drive lines of a C device test",
};

/* ------------------------------------------------------------ building */

static Registry *devtest_registry(const BbDevtestOptions *opts,
                                  const BoardSpec *spec)
{
    Registry *reg = registry_new();
    g_autofree char *origin = g_strdup_printf("board %s", spec->path);

    for (const char *const *d = opts ? opts->plugin_dirs : NULL; d && *d;
         d++) {
        registry_add_dir(reg, *d, "BbDevtestOptions.plugin_dirs");
    }
    for (guint i = 0; i < spec->plugin_dirs->len; i++) {
        registry_add_dir(reg, g_ptr_array_index(spec->plugin_dirs, i),
                         origin);
    }
    registry_add_default_dirs(reg);
    registry_scan(reg);
    return reg;
}

static void devtest_step_reached(void *opaque)
{
    ((BbDevtest *)opaque)->step_done = true;
}

static void devtest_run_state(void *opaque, BbRunState old, BbRunState now)
{
    BbDevtest *t = opaque;

    /* Like a board's other sources, the test's lines start low again. */
    if (now == BB_RUN_STATE_RESET) {
        for (unsigned i = 0; i < t->ndrives; i++) {
            g_autofree char *name = g_strdup_printf("drive%u", i);
            bb_irq_out_set(bb_device_get_irq_out(t->harness, name, 0),
                           false);
        }
    }
}

static bool devtest_make_harness(BbDevtest *t, GError **error)
{
    BbObject *obj;

    if (!type_is_registered(TYPE_DEVTEST_HARNESS) &&
        !bb_type_register(&devtest_harness_info, error)) {
        return false;
    }
    obj = bb_object_new(TYPE_DEVTEST_HARNESS, error);
    if (!obj) {
        return false;
    }
    t->harness = BB_DEVICE(obj);
    return bb_device_realize(t->harness, error);
}

/* Take ownership of @spec (may be NULL: @error is set). */
static BbDevtest *devtest_build(BoardSpec *spec, const BbDevtestOptions *opts,
                                GError **error)
{
    BoardBuildOptions bo = { .icount = true, .open_backends = true };
    BbDevtest *t;

    for (const char *const *s = opts ? opts->sets : NULL; spec && s && *s;
         s++) {
        if (!board_spec_set(spec, *s, error)) {
            g_clear_pointer(&spec, board_spec_free);
        }
    }
    if (!spec) {
        return NULL;
    }
    if (opts && opts->icount_shift > BB_ICOUNT_MAX_SHIFT) {
        g_set_error(error, BB_BOARD_ERROR, BB_ERROR_INVALID,
                    "BbDevtestOptions.icount_shift %u: expected 0 to %d",
                    opts->icount_shift, BB_ICOUNT_MAX_SHIFT);
        board_spec_free(spec);
        return NULL;
    }
    bo.icount_shift = opts ? opts->icount_shift : 0;
    t = g_new0(BbDevtest, 1);
    t->spec = spec;
    t->probes = g_ptr_array_new_with_free_func(g_free);
    t->registry = devtest_registry(opts, spec);
    t->board = board_build(spec, t->registry, &bo, error);
    if (!t->board || !devtest_make_harness(t, error)) {
        bb_devtest_free(t);
        return NULL;
    }
    t->sys = board_get_system(t->board);
    t->step_timer = bb_timer_new(bb_system_get_timers(t->sys),
                                 BB_CLOCK_VIRTUAL, devtest_step_reached, t);
    t->listener = bb_system_add_run_state_listener(t->sys, devtest_run_state,
                                                   t);
    /* Running starts the (deterministic) virtual clock at 0. */
    if (!bb_system_set_run_state(t->sys, BB_RUN_STATE_RUNNING, error)) {
        bb_devtest_free(t);
        return NULL;
    }
    return t;
}

BbDevtest *bb_devtest_new(const char *board_path, const BbDevtestOptions *opts,
                          GError **error)
{
    g_return_val_if_fail(board_path != NULL, NULL);
    return devtest_build(board_spec_load(board_path, error), opts, error);
}

BbDevtest *bb_devtest_new_from_string(const char *yaml, const char *origin,
                                      const BbDevtestOptions *opts,
                                      GError **error)
{
    g_return_val_if_fail(yaml != NULL, NULL);
    return devtest_build(board_spec_load_string(yaml, origin ? origin
                                                             : "<string>",
                                                error),
                         opts, error);
}

void bb_devtest_free(BbDevtest *t)
{
    if (!t) {
        return;
    }
    g_clear_pointer(&t->step_timer, bb_timer_free);
    if (t->listener) {
        bb_system_remove_run_state_listener(t->sys, t->listener);
    }
    /* The board first: its devices disconnect from the harness's lines as
     * they go, and a probe may still see them lower their outputs. */
    g_clear_pointer(&t->board, board_free);
    if (t->harness) {
        if (bb_device_is_realized(t->harness)) {
            bb_device_unrealize(t->harness);
        }
        bb_object_unref(BB_OBJECT(t->harness));
    }
    g_ptr_array_free(t->probes, true);
    board_spec_free(t->spec);
    registry_free(t->registry);
    g_free(t);
}

BbSystem *bb_devtest_get_system(BbDevtest *t)
{
    return t->sys;
}

BbDevice *bb_devtest_get_device(BbDevtest *t, const char *id)
{
    GPtrArray *devices = board_get_devices(t->board);

    for (guint i = 0; id && i < t->spec->devices->len; i++) {
        BoardDevice *bd = g_ptr_array_index(t->spec->devices, i);
        if (!strcmp(bd->id, id) && i < devices->len) {
            return BB_DEVICE(g_ptr_array_index(devices, i));
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ accesses */

BbMemTxResult bb_devtest_read(BbDevtest *t, uint64_t addr, unsigned size,
                              uint64_t *value)
{
    uint64_t v = 0;
    BbMemTxResult r = bb_address_space_load(
        bb_system_get_address_space(t->sys), addr, size, &v);

    if (value) {
        *value = v;
    }
    return r;
}

BbMemTxResult bb_devtest_write(BbDevtest *t, uint64_t addr, unsigned size,
                               uint64_t value)
{
    return bb_address_space_store(bb_system_get_address_space(t->sys), addr,
                                  size, value);
}

/* ----------------------------------------------------------- IRQ lines */

typedef struct GroupPick {
    const char *want; /* NULL: the first group */
    char *name;       /* the group found */
    unsigned count;
} GroupPick;

static void pick_group(const char *name, unsigned count, void *opaque)
{
    GroupPick *p = opaque;

    if (!p->name && (!p->want || !strcmp(p->want, name))) {
        p->name = g_strdup(name);
        p->count = count;
    }
}

/*
 * Resolve @text (TARGET[.GROUP][:INDEX]) to a line of @inputs kind; on
 * success *@dev, *@group (to free) and *@index say which.  @what is
 * "probe" or "drive" for messages.
 */
static bool resolve_line(BbDevtest *t, const char *text, bool inputs,
                         const char *what, BbDevice **dev, char **group,
                         unsigned *index, GError **error)
{
    const char *kind = inputs ? "input" : "output";
    BoardLoc loc = { .origin = what };
    BoardIrqRef *ref = g_new0(BoardIrqRef, 1);
    GroupPick pick = { 0 };
    GError *err = NULL;
    bool ok = false;

    if (!text || !board_parse_irq_ref(text, ref, &loc, &err)) {
        if (err) {
            /* Re-domain: the reference is an argument, not board text. */
            g_set_error(error, BB_DEVICE_ERROR, err->code, "%s",
                        err->message);
            g_error_free(err);
        } else {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "%s: no IRQ reference given", what);
        }
        goto free_ref;
    }
    *dev = bb_devtest_get_device(t, ref->target);
    if (!*dev) {
        g_autofree char *ids = board_spec_list_ids(t->spec, false);
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                    "%s '%s': no device '%s' on the board; devices: %s", what,
                    text, ref->target, ids);
        goto free_ref;
    }
    pick.want = ref->in_group;
    device_foreach_irq_group(*dev, inputs, pick_group, &pick);
    if (!pick.name) {
        g_autofree char *groups = device_irq_group_names(*dev, inputs);
        if (*groups) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                        "%s '%s': %s has no IRQ %s group '%s'; %s groups: %s",
                        what, text, ref->target, kind, ref->in_group, kind,
                        groups);
        } else {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                        "%s '%s': %s has no IRQ %ss", what, text, ref->target,
                        kind);
        }
        goto free_ref;
    }
    if (ref->in_index >= pick.count) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "%s '%s': index %u is out of range for '%s.%s', which "
                    "has %u line%s (0-%u)", what, text, ref->in_index,
                    ref->target, pick.name, pick.count,
                    pick.count == 1 ? "" : "s", pick.count - 1);
        g_free(pick.name);
        goto free_ref;
    }
    *group = pick.name;
    *index = ref->in_index;
    ok = true;
free_ref:
    board_irq_ref_free(ref);
    return ok;
}

static void devtest_probe_changed(void *opaque, unsigned n, bool level)
{
    DevtestProbe *p = opaque;

    p->level = level;
    if (level && p->counting) {
        p->rises++;
    }
}

int bb_devtest_add_probe(BbDevtest *t, const char *out_ref, GError **error)
{
    g_autofree char *group = NULL;
    g_autofree char *name = g_strdup_printf("probe%u", t->probes->len);
    DevtestProbe *p;
    BbDevice *dev;
    unsigned index;

    if (!resolve_line(t, out_ref, false, "probe", &dev, &group, &index,
                      error)) {
        return -1;
    }
    p = g_new0(DevtestProbe, 1);
    if (!bb_device_add_irq_in(t->harness, name, 1, devtest_probe_changed, p,
                              error)) {
        g_free(p);
        return -1;
    }
    g_ptr_array_add(t->probes, p);
    if (!bb_irq_connect(bb_device_get_irq_out(dev, group, index),
                        bb_device_get_irq_in(t->harness, name, 0), error)) {
        return -1; /* the lone group stays, unconnected: harmless */
    }
    p->counting = true;
    return (int)t->probes->len - 1;
}

bool bb_devtest_get_probe(BbDevtest *t, int probe)
{
    return probe >= 0 && (guint)probe < t->probes->len &&
           ((DevtestProbe *)g_ptr_array_index(t->probes, probe))->level;
}

unsigned bb_devtest_get_probe_rises(BbDevtest *t, int probe)
{
    if (probe < 0 || (guint)probe >= t->probes->len) {
        return 0;
    }
    return ((DevtestProbe *)g_ptr_array_index(t->probes, probe))->rises;
}

int bb_devtest_add_drive(BbDevtest *t, const char *in_ref, GError **error)
{
    g_autofree char *group = NULL;
    g_autofree char *name = g_strdup_printf("drive%u", t->ndrives);
    BbDevice *dev;
    unsigned index;

    if (!resolve_line(t, in_ref, true, "drive", &dev, &group, &index,
                      error) ||
        !bb_device_add_irq_out(t->harness, name, 1, error)) {
        return -1;
    }
    t->ndrives++;
    if (!bb_irq_connect(bb_device_get_irq_out(t->harness, name, 0),
                        bb_device_get_irq_in(dev, group, index), error)) {
        return -1;
    }
    return (int)t->ndrives - 1;
}

void bb_devtest_set_drive(BbDevtest *t, int drive, bool level)
{
    if (drive >= 0 && (unsigned)drive < t->ndrives) {
        g_autofree char *name = g_strdup_printf("drive%d", drive);
        bb_irq_out_set(bb_device_get_irq_out(t->harness, name, 0), level);
    }
}

/* ---------------------------------------------------------------- time */

int64_t bb_devtest_now(BbDevtest *t)
{
    return bb_clock_get_ns(bb_system_get_timers(t->sys), BB_CLOCK_VIRTUAL);
}

/* Run what is ready at this instant: input, bottom halves, due timers,
 * and whatever those make ready at the same instant. */
static void devtest_drain(BbDevtest *t)
{
    BbMainLoop *loop = bb_system_get_main_loop(t->sys);

    for (unsigned i = 0; i < DEVTEST_DRAIN_LIMIT; i++) {
        if (!bb_main_loop_iterate(loop, false)) {
            return;
        }
    }
}

bool bb_devtest_step(BbDevtest *t, uint64_t ns)
{
    BbTimerContext *timers = bb_system_get_timers(t->sys);
    int64_t now = bb_devtest_now(t);
    /* BB_TIME_NEVER is "unarmed": stop one short of it. */
    int64_t end = ns >= (uint64_t)(BB_TIME_NEVER - 1 - now)
                      ? BB_TIME_NEVER - 1 : now + (int64_t)ns;

    if (!bb_system_process_requests(t->sys)) {
        return false;
    }
    t->step_done = false;
    bb_timer_mod(t->step_timer, end);
    for (;;) {
        devtest_drain(t);
        if (!bb_system_process_requests(t->sys)) {
            bb_timer_del(t->step_timer);
            return false;
        }
        /* The step's own timer is armed until it has run, so there is
         * always a deadline to warp to. */
        if (t->step_done || !bb_icount_warp(timers)) {
            break;
        }
    }
    bb_timer_del(t->step_timer);
    return true;
}

void bb_devtest_reset(BbDevtest *t)
{
    bb_system_reset(t->sys);
}
