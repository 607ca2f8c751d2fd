/*
 * system.c - one emulated system at run time (system.h): its clocks, main
 * loop, guest-physical memory, character backends and run state, and the
 * run loop that carries out guest and host requests between time slices.
 *
 * Shutdown and reset requests may come from signal handlers, so they are
 * recorded with atomic operations and a main-loop wakeup only; everything
 * else happens in bb_system_process_requests() on the loop's thread.
 */
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <breadboard/machine.h>
#include <breadboard/system.h>

#include "chardev/chardev-internal.h"
#include "system/system-internal.h"

typedef struct RunStateListener {
    guint id;
    BbRunStateListener fn;
    void *opaque;
} RunStateListener;

typedef struct EventListener {
    guint id;
    BbSystemEventListener fn;
    void *opaque;
} EventListener;

struct BbSystem {
    BbTimerContext *timers;
    BbMainLoop *loop;
    BbMemoryRegion *memory;
    BbAddressSpace *as;
    GHashTable *chardevs;     /* id -> BbChardev * */
    GPtrArray *chardev_order; /* BbChardev *, creation order, owns them */
    BbMachine *machine;       /* borrowed: the machine owns the system */
    char *board_name;         /* the board file's name (snapshots) */
    BbRunState state;
    BbRunState state_before_reset;
    GArray *listeners;        /* RunStateListener */
    guint next_listener_id;
    gint shutdown_requested;  /* atomic: 0, or 1 once a request won */
    gint reset_requested;     /* atomic */
    volatile sig_atomic_t reset_cause;
    GArray *event_listeners;  /* EventListener */
    bool start_paused;        /* --paused */
    bool no_shutdown;         /* --no-shutdown */
    bool exiting;             /* the run loop ends */
    BbShutdownCause held_cause; /* --no-shutdown: the guest's shutdown */
    int held_code;
    volatile sig_atomic_t cause;
    volatile sig_atomic_t code;
    SystemExecFunc exec;      /* runs harts; NULL without CPUs */
    void *exec_opaque;
    GDestroyNotify exec_destroy; /* frees exec_opaque with the system */
    char *accel;              /* JIT backend name; NULL: the default */
    GThread *loop_thread;     /* inside bb_system_run(), or NULL */
};

/* One past the last BbRunState (the SDK enum has no count: appending a
 * state must not change a published value). */
#define RUN_STATE_COUNT (BB_RUN_STATE_INTERNAL_ERROR + 1)

static BbSystem *volatile signal_target; /* for SIGINT/SIGTERM */

BbSystem *bb_system_new(const BbSystemOptions *opts)
{
    BbSystem *sys = g_new0(BbSystem, 1);

    sys->timers = bb_timer_context_new(opts && opts->icount,
                                       opts ? opts->icount_shift : 0);
    sys->loop = bb_main_loop_new(sys->timers);
    sys->memory = bb_memory_region_new_container(NULL, "system",
                                                 MEMORY_SIZE_FULL);
    sys->as = bb_address_space_new(sys->memory, "memory",
                                   BB_UNASSIGNED_ERROR);
    sys->chardevs = g_hash_table_new(g_str_hash, g_str_equal);
    sys->chardev_order = g_ptr_array_new_with_free_func(
        (GDestroyNotify)bb_chardev_free);
    sys->listeners = g_array_new(false, false, sizeof(RunStateListener));
    sys->event_listeners = g_array_new(false, false, sizeof(EventListener));
    sys->state = BB_RUN_STATE_CREATED;
    if (opts && opts->accel) {
        system_set_accel(sys, opts->accel);
    }
    return sys;
}

void bb_system_free(BbSystem *sys)
{
    if (!sys) {
        return;
    }
    if (signal_target == sys) {
        signal_target = NULL;
    }
    if (sys->exec_destroy) {
        /* Before the address space: the harts' TLBs listen to it. */
        sys->exec_destroy(sys->exec_opaque);
    }
    g_free(sys->accel);
    g_free(sys->board_name);
    g_ptr_array_unref(sys->chardev_order);
    g_hash_table_unref(sys->chardevs);
    bb_address_space_free(sys->as);
    bb_memory_region_unref(sys->memory);
    bb_main_loop_free(sys->loop);
    bb_timer_context_free(sys->timers);
    g_array_unref(sys->listeners);
    g_array_unref(sys->event_listeners);
    g_free(sys);
}

BbTimerContext *bb_system_get_timers(BbSystem *sys)
{
    return sys->timers;
}

BbMainLoop *bb_system_get_main_loop(BbSystem *sys)
{
    return sys->loop;
}

BbMemoryRegion *bb_system_get_memory(BbSystem *sys)
{
    return sys->memory;
}

BbAddressSpace *bb_system_get_address_space(BbSystem *sys)
{
    return sys->as;
}

void system_set_machine(BbSystem *sys, BbMachine *machine)
{
    sys->machine = machine;
}

BbMachine *system_get_machine(BbSystem *sys)
{
    return sys->machine;
}

void system_set_exec(BbSystem *sys, SystemExecFunc fn, void *opaque)
{
    sys->exec = fn;
    sys->exec_opaque = opaque;
}

void system_set_exec_full(BbSystem *sys, SystemExecFunc fn, void *opaque,
                          GDestroyNotify destroy)
{
    system_set_exec(sys, fn, opaque);
    sys->exec_destroy = destroy;
}

void *system_get_exec_opaque(BbSystem *sys)
{
    return sys->exec_opaque;
}

void system_set_board_name(BbSystem *sys, const char *name)
{
    g_free(sys->board_name);
    sys->board_name = g_strdup(name);
}

const char *system_get_board_name(const BbSystem *sys)
{
    return sys->board_name ? sys->board_name : "";
}

void system_set_accel(BbSystem *sys, const char *accel)
{
    g_free(sys->accel);
    sys->accel = g_strdup(accel);
}

const char *system_get_accel(const BbSystem *sys)
{
    return sys->accel;
}

bool system_on_loop_thread(BbSystem *sys)
{
    return sys->loop_thread && sys->loop_thread == g_thread_self();
}

void bb_system_set_start_paused(BbSystem *sys, bool paused)
{
    sys->start_paused = paused;
}

void bb_system_set_no_shutdown(BbSystem *sys, bool no_shutdown)
{
    sys->no_shutdown = no_shutdown;
}

bool system_exec_should_stop(BbSystem *sys)
{
    return sys->state != BB_RUN_STATE_RUNNING ||
           g_atomic_int_get(&sys->shutdown_requested) ||
           g_atomic_int_get(&sys->reset_requested);
}

/* ------------------------------------------------------------ chardevs */

static void system_quit(void *opaque)
{
    bb_system_request_shutdown(opaque, BB_SHUTDOWN_HOST_QUIT, 0);
}

bool bb_system_add_chardev(BbSystem *sys, const char *id, const char *spec,
                           GError **error)
{
    BbChardevOptions opts = { .quit = system_quit, .quit_opaque = sys };

    if (g_hash_table_contains(sys->chardevs, id)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_EXISTS,
                    "chardev '%s' already exists", id);
        return false;
    }
    BbChardev *chr = bb_chardev_new(sys->loop, id, spec, &opts, error);
    if (!chr) {
        return false;
    }
    g_ptr_array_add(sys->chardev_order, chr);
    g_hash_table_insert(sys->chardevs, (gpointer)bb_chardev_get_id(chr), chr);
    return true;
}

BbChardev *bb_system_get_chardev(BbSystem *sys, const char *id_or_spec,
                                 GError **error)
{
    BbChardev *chr = g_hash_table_lookup(sys->chardevs, id_or_spec);

    if (!chr && bb_system_add_chardev(sys, id_or_spec, id_or_spec, error)) {
        chr = g_hash_table_lookup(sys->chardevs, id_or_spec);
    }
    return chr;
}

void system_flush_chardevs(BbSystem *sys)
{
    for (guint i = 0; i < sys->chardev_order->len; i++) {
        bb_chardev_flush(sys->chardev_order->pdata[i], 1000);
    }
}

/* ------------------------------------------------------------ run state */

const char *bb_run_state_name(BbRunState state)
{
    switch (state) {
    case BB_RUN_STATE_CREATED: return "prelaunch";
    case BB_RUN_STATE_RUNNING: return "running";
    case BB_RUN_STATE_PAUSED: return "paused";
    case BB_RUN_STATE_RESET: return "reset";
    case BB_RUN_STATE_SHUTDOWN: return "shutdown";
    case BB_RUN_STATE_DEBUG: return "debug";
    case BB_RUN_STATE_GUEST_PANICKED: return "guest-panicked";
    case BB_RUN_STATE_INTERNAL_ERROR: return "internal-error";
    }
    return "invalid";
}

BbRunState bb_system_get_run_state(const BbSystem *sys)
{
    return sys->state;
}

/*
 * The allowed transitions (from -> to), QEMU's table (runstate.c) for the
 * states we have, plus ours: RESET is entered from any state and left to
 * RUNNING or CREATED; SHUTDOWN is where every run ends, so any state may
 * go there (once); a kept SHUTDOWN (--no-shutdown) may pause like
 * QEMU's.  Reset's way out is checked against the state before it in
 * transition_allowed().
 */
#define T(s) (1u << BB_RUN_STATE_##s)
static const unsigned run_state_next[RUN_STATE_COUNT] = {
    [BB_RUN_STATE_CREATED] = T(RUNNING) | T(RESET) | T(SHUTDOWN) |
                             T(INTERNAL_ERROR),
    [BB_RUN_STATE_RUNNING] = T(PAUSED) | T(DEBUG) | T(RESET) |
                             T(SHUTDOWN) | T(GUEST_PANICKED) |
                             T(INTERNAL_ERROR),
    [BB_RUN_STATE_PAUSED] = T(RUNNING) | T(RESET) | T(SHUTDOWN),
    [BB_RUN_STATE_RESET] = T(RUNNING) | T(CREATED) | T(SHUTDOWN),
    [BB_RUN_STATE_SHUTDOWN] = T(PAUSED) | T(RESET),
    [BB_RUN_STATE_DEBUG] = T(RUNNING) | T(RESET) | T(SHUTDOWN),
    [BB_RUN_STATE_GUEST_PANICKED] = T(RUNNING) | T(RESET) | T(SHUTDOWN),
    [BB_RUN_STATE_INTERNAL_ERROR] = T(PAUSED) | T(RESET) | T(SHUTDOWN),
};
#undef T

static bool transition_allowed(BbRunState from, BbRunState to,
                               BbRunState before_reset)
{
    if ((unsigned)from >= RUN_STATE_COUNT ||
        (unsigned)to >= RUN_STATE_COUNT ||
        !(run_state_next[from] & (1u << to))) {
        return false;
    }
    if (from == BB_RUN_STATE_RESET && to != BB_RUN_STATE_SHUTDOWN) {
        /* QEMU: after a reset, prelaunch unless the VM was running */
        return (to == BB_RUN_STATE_RUNNING) ==
               (before_reset == BB_RUN_STATE_RUNNING);
    }
    return true;
}

bool bb_system_set_run_state(BbSystem *sys, BbRunState state, GError **error)
{
    BbRunState old = sys->state;

    if (state == old && state != BB_RUN_STATE_SHUTDOWN) {
        return true; /* QEMU: setting the current state is a no-op */
    }
    if (!transition_allowed(old, state, sys->state_before_reset)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "cannot go from run state '%s' to '%s'",
                    bb_run_state_name(old), bb_run_state_name(state));
        return false;
    }
    if (state == BB_RUN_STATE_RESET) {
        sys->state_before_reset = old;
    }
    sys->state = state;
    if (state == BB_RUN_STATE_RUNNING) {
        bb_timer_context_resume(sys->timers);
    } else {
        bb_timer_context_pause(sys->timers);
    }
    /* Copy: a listener may add or remove listeners. */
    g_autoptr(GArray) snapshot = g_array_copy(sys->listeners);
    for (guint i = 0; i < snapshot->len; i++) {
        RunStateListener *l = &g_array_index(snapshot, RunStateListener, i);
        l->fn(l->opaque, old, state);
    }
    /* A stop from outside the loop's thread of control (a monitor
     * callback between slices, or a helper in generated code) must not
     * wait for the slice to end on its own. */
    if (old == BB_RUN_STATE_RUNNING) {
        bb_main_loop_wakeup(sys->loop);
    }
    return true;
}

bool bb_system_stop(BbSystem *sys, BbRunState reason)
{
    if (sys->state != BB_RUN_STATE_RUNNING) {
        return false;
    }
    return bb_system_set_run_state(sys, reason, NULL);
}

bool bb_system_resume(BbSystem *sys, GError **error)
{
    switch (sys->state) {
    case BB_RUN_STATE_RUNNING:
        return true;
    case BB_RUN_STATE_SHUTDOWN:
    case BB_RUN_STATE_INTERNAL_ERROR:
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "Resetting the Virtual Machine is required");
        return false;
    default:
        return bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, error);
    }
}

/* ------------------------------------------------------------ events */

const char *bb_shutdown_cause_name(BbShutdownCause cause)
{
    switch (cause) {
    case BB_SHUTDOWN_NONE: return "none";
    case BB_SHUTDOWN_GUEST_POWEROFF: return "guest-shutdown";
    case BB_SHUTDOWN_GUEST_FAILURE: return "guest-panic";
    case BB_SHUTDOWN_HOST_QUIT: return "host-ui";
    case BB_SHUTDOWN_HOST_SIGNAL: return "host-signal";
    case BB_SHUTDOWN_HOST_ERROR: return "host-error";
    case BB_SHUTDOWN_GUEST_RESET: return "guest-reset";
    case BB_SHUTDOWN_HOST_MONITOR_QUIT: return "host-qmp-quit";
    case BB_SHUTDOWN_HOST_MONITOR_RESET: return "host-qmp-system-reset";
    }
    return "none";
}

bool bb_shutdown_cause_is_guest(BbShutdownCause cause)
{
    return cause == BB_SHUTDOWN_GUEST_POWEROFF ||
           cause == BB_SHUTDOWN_GUEST_FAILURE ||
           cause == BB_SHUTDOWN_GUEST_RESET;
}

guint bb_system_add_event_listener(BbSystem *sys, BbSystemEventListener fn,
                                   void *opaque)
{
    EventListener l = { ++sys->next_listener_id, fn, opaque };

    g_array_append_val(sys->event_listeners, l);
    return l.id;
}

void bb_system_remove_event_listener(BbSystem *sys, guint id)
{
    for (guint i = 0; i < sys->event_listeners->len; i++) {
        if (g_array_index(sys->event_listeners, EventListener, i).id == id) {
            g_array_remove_index(sys->event_listeners, i);
            return;
        }
    }
}

static void system_emit(BbSystem *sys, BbSystemEvent event,
                        BbShutdownCause cause)
{
    g_autoptr(GArray) snapshot = g_array_copy(sys->event_listeners);

    for (guint i = 0; i < snapshot->len; i++) {
        EventListener *l = &g_array_index(snapshot, EventListener, i);
        l->fn(l->opaque, event, cause);
    }
}

void bb_system_request_powerdown(BbSystem *sys)
{
    system_emit(sys, BB_SYSTEM_EVENT_POWERDOWN, BB_SHUTDOWN_NONE);
}

guint bb_system_add_run_state_listener(BbSystem *sys, BbRunStateListener fn,
                                       void *opaque)
{
    RunStateListener l = { ++sys->next_listener_id, fn, opaque };

    g_array_append_val(sys->listeners, l);
    return l.id;
}

void bb_system_remove_run_state_listener(BbSystem *sys, guint id)
{
    for (guint i = 0; i < sys->listeners->len; i++) {
        if (g_array_index(sys->listeners, RunStateListener, i).id == id) {
            g_array_remove_index(sys->listeners, i);
            return;
        }
    }
}

/* ------------------------------------------------------------ requests */

void bb_system_request_shutdown(BbSystem *sys, BbShutdownCause cause,
                                int code)
{
    if (g_atomic_int_compare_and_exchange(&sys->shutdown_requested, 0, 1)) {
        sys->cause = cause;
        sys->code = code;
        bb_main_loop_wakeup(sys->loop);
    }
}

void bb_system_request_reset(BbSystem *sys)
{
    bb_system_request_reset_with_cause(sys, BB_SHUTDOWN_GUEST_RESET);
}

void bb_system_request_reset_with_cause(BbSystem *sys, BbShutdownCause cause)
{
    sys->reset_cause = cause;
    g_atomic_int_set(&sys->reset_requested, 1);
    bb_main_loop_wakeup(sys->loop);
}

BbShutdownCause bb_system_get_shutdown_cause(const BbSystem *sys)
{
    if (sys->held_cause != BB_SHUTDOWN_NONE) {
        return sys->held_cause;
    }
    return g_atomic_int_get(&sys->shutdown_requested) ? sys->cause
                                                      : BB_SHUTDOWN_NONE;
}

int bb_system_get_exit_code(const BbSystem *sys)
{
    int code = sys->held_cause != BB_SHUTDOWN_NONE ? sys->held_code
                                                   : sys->code;

    switch (bb_system_get_shutdown_cause(sys)) {
    case BB_SHUTDOWN_GUEST_FAILURE:
        return code ? (code & 0xff ? code & 0xff : 1) : 1;
    case BB_SHUTDOWN_HOST_SIGNAL:
        return 128 + code;
    case BB_SHUTDOWN_HOST_ERROR:
        return 1;
    default:
        return 0;
    }
}

static bool reset_one(BbObject *obj, void *opaque)
{
    BbObject *dev = bb_object_dynamic_cast(obj, BB_TYPE_DEVICE);

    if (dev && bb_device_is_realized(BB_DEVICE(dev))) {
        bb_device_reset(BB_DEVICE(dev));
    }
    bb_object_foreach_child(obj, reset_one, opaque);
    return true;
}

static void system_reset_state(BbSystem *sys)
{
    BbRunState state = sys->state;
    bool transit = state != BB_RUN_STATE_RESET;

    if (transit) {
        bb_system_set_run_state(sys, BB_RUN_STATE_RESET, NULL);
    }
    if (sys->machine) {
        /* Devices first (tree order, harts included), the machine last: it
         * reloads images into memory the devices no longer touch. */
        bb_object_foreach_child(BB_OBJECT(sys->machine), reset_one, NULL);
        bb_device_reset(BB_DEVICE(sys->machine));
    }
    /* A power-off kept for inspection is forgotten: the guest starts over. */
    sys->held_cause = BB_SHUTDOWN_NONE;
    sys->held_code = 0;
    if (transit) {
        bb_system_set_run_state(sys, state == BB_RUN_STATE_RUNNING
                                         ? BB_RUN_STATE_RUNNING
                                         : BB_RUN_STATE_CREATED, NULL);
    }
}

void bb_system_reset(BbSystem *sys)
{
    system_reset_state(sys);
}

/* A shutdown request: end the run, or with --no-shutdown keep a guest's
 * power-off for inspection (false: the loop goes on). */
static bool system_do_shutdown(BbSystem *sys)
{
    BbShutdownCause cause = sys->cause;

    system_emit(sys, BB_SYSTEM_EVENT_SHUTDOWN, cause);
    if (sys->no_shutdown && bb_shutdown_cause_is_guest(cause) &&
        sys->state != BB_RUN_STATE_SHUTDOWN) {
        bb_system_set_run_state(sys, BB_RUN_STATE_SHUTDOWN, NULL);
        sys->held_cause = cause;
        sys->held_code = sys->code;
        g_atomic_int_set(&sys->shutdown_requested, 0);
        return false;
    }
    if (sys->state != BB_RUN_STATE_SHUTDOWN) {
        bb_system_set_run_state(sys, BB_RUN_STATE_SHUTDOWN, NULL);
    }
    sys->exiting = true;
    return true;
}

bool bb_system_process_requests(BbSystem *sys)
{
    if (sys->exiting) {
        return false;
    }
    if (g_atomic_int_get(&sys->shutdown_requested) &&
        system_do_shutdown(sys)) {
        return false;
    }
    if (g_atomic_int_compare_and_exchange(&sys->reset_requested, 1, 0)) {
        BbShutdownCause cause = sys->reset_cause;
        system_reset_state(sys);
        system_emit(sys, BB_SYSTEM_EVENT_RESET, cause);
    }
    return true;
}

int bb_system_run(BbSystem *sys)
{
    if ((sys->state == BB_RUN_STATE_CREATED && !sys->start_paused) ||
        sys->state == BB_RUN_STATE_PAUSED) {
        bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, NULL);
    }
    sys->loop_thread = g_thread_self();
#ifdef __linux__
    /* The main loop sleeps until guest timer deadlines: without this,
     * Linux may end each sleep up to 50 us late (timer slack). */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
#endif
    while (bb_system_process_requests(sys)) {
        bool idle = sys->state != BB_RUN_STATE_RUNNING ||
                    !sys->exec || !sys->exec(sys, sys->exec_opaque);
        if (idle && sys->state == BB_RUN_STATE_RUNNING &&
            bb_timer_context_is_deterministic(sys->timers) &&
            bb_icount_warp(sys->timers)) {
            /* Idle in deterministic mode: time jumps to the next virtual
             * deadline instead of waiting for the host clock. */
            bb_timer_context_run_due(sys->timers);
            idle = false;
        }
        bb_main_loop_iterate(sys->loop, idle);
    }
    sys->loop_thread = NULL;
    system_flush_chardevs(sys);
    return bb_system_get_exit_code(sys);
}

/* ------------------------------------------------------------ signals */

static void system_on_signal(int signo)
{
    BbSystem *sys = signal_target;

    chardev_restore_terminal();
    if (!sys || g_atomic_int_get(&sys->shutdown_requested)) {
        /* A second signal, or none to ask: leave now. */
        signal(signo, SIG_DFL);
        raise(signo);
        return;
    }
    bb_system_request_shutdown(sys, BB_SHUTDOWN_HOST_SIGNAL, signo);
}

void system_install_signal_handlers(BbSystem *sys)
{
    struct sigaction sa;

    signal_target = sys;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = system_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

