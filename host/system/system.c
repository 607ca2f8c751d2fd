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

struct BbSystem {
    BbTimerContext *timers;
    BbMainLoop *loop;
    BbMemoryRegion *memory;
    BbAddressSpace *as;
    GHashTable *chardevs;     /* id -> BbChardev * */
    GPtrArray *chardev_order; /* BbChardev *, creation order, owns them */
    BbMachine *machine;       /* borrowed: the machine owns the system */
    BbRunState state;
    BbRunState state_before_reset;
    GArray *listeners;        /* RunStateListener */
    guint next_listener_id;
    gint shutdown_requested;  /* atomic: 0, or 1 once a request won */
    gint reset_requested;     /* atomic */
    volatile sig_atomic_t cause;
    volatile sig_atomic_t code;
    SystemExecFunc exec;      /* runs harts; NULL without CPUs */
    void *exec_opaque;
    GDestroyNotify exec_destroy; /* frees exec_opaque with the system */
    char *accel;              /* JIT backend name; NULL: the default */
    GThread *loop_thread;     /* inside bb_system_run(), or NULL */
};

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
    g_ptr_array_unref(sys->chardev_order);
    g_hash_table_unref(sys->chardevs);
    bb_address_space_free(sys->as);
    bb_memory_region_unref(sys->memory);
    bb_main_loop_free(sys->loop);
    bb_timer_context_free(sys->timers);
    g_array_unref(sys->listeners);
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

static void system_flush_chardevs(BbSystem *sys)
{
    for (guint i = 0; i < sys->chardev_order->len; i++) {
        bb_chardev_flush(sys->chardev_order->pdata[i], 1000);
    }
}

/* ------------------------------------------------------------ run state */

const char *bb_run_state_name(BbRunState state)
{
    switch (state) {
    case BB_RUN_STATE_CREATED: return "created";
    case BB_RUN_STATE_RUNNING: return "running";
    case BB_RUN_STATE_PAUSED: return "paused";
    case BB_RUN_STATE_RESET: return "reset";
    case BB_RUN_STATE_SHUTDOWN: return "shutdown";
    }
    return "invalid";
}

BbRunState bb_system_get_run_state(const BbSystem *sys)
{
    return sys->state;
}

static bool transition_allowed(BbRunState from, BbRunState to,
                               BbRunState before_reset)
{
    switch (to) {
    case BB_RUN_STATE_SHUTDOWN:
        return from != BB_RUN_STATE_SHUTDOWN;
    case BB_RUN_STATE_RUNNING:
        return from == BB_RUN_STATE_CREATED || from == BB_RUN_STATE_PAUSED ||
               (from == BB_RUN_STATE_RESET &&
                before_reset == BB_RUN_STATE_RUNNING);
    case BB_RUN_STATE_PAUSED:
        return from == BB_RUN_STATE_RUNNING ||
               (from == BB_RUN_STATE_RESET &&
                before_reset == BB_RUN_STATE_PAUSED);
    case BB_RUN_STATE_RESET:
        return from == BB_RUN_STATE_RUNNING || from == BB_RUN_STATE_PAUSED;
    default:
        return false;
    }
}

bool bb_system_set_run_state(BbSystem *sys, BbRunState state, GError **error)
{
    BbRunState old = sys->state;

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
    return true;
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
    g_atomic_int_set(&sys->reset_requested, 1);
    bb_main_loop_wakeup(sys->loop);
}

BbShutdownCause bb_system_get_shutdown_cause(const BbSystem *sys)
{
    return g_atomic_int_get(&sys->shutdown_requested) ? sys->cause
                                                      : BB_SHUTDOWN_NONE;
}

int bb_system_get_exit_code(const BbSystem *sys)
{
    switch (bb_system_get_shutdown_cause(sys)) {
    case BB_SHUTDOWN_GUEST_FAILURE:
        return sys->code ? (sys->code & 0xff ? sys->code & 0xff : 1) : 1;
    case BB_SHUTDOWN_HOST_SIGNAL:
        return 128 + sys->code;
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

void bb_system_reset(BbSystem *sys)
{
    BbRunState state = sys->state;
    bool transit = state == BB_RUN_STATE_RUNNING ||
                   state == BB_RUN_STATE_PAUSED;

    if (transit) {
        bb_system_set_run_state(sys, BB_RUN_STATE_RESET, NULL);
    }
    if (sys->machine) {
        /* Devices first (tree order), the machine last: it reloads images
         * into memory the devices no longer touch. */
        bb_object_foreach_child(BB_OBJECT(sys->machine), reset_one, NULL);
        bb_device_reset(BB_DEVICE(sys->machine));
    }
    if (transit) {
        bb_system_set_run_state(sys, state, NULL);
    }
}

bool bb_system_process_requests(BbSystem *sys)
{
    if (sys->state == BB_RUN_STATE_SHUTDOWN) {
        return false;
    }
    if (g_atomic_int_get(&sys->shutdown_requested)) {
        bb_system_set_run_state(sys, BB_RUN_STATE_SHUTDOWN, NULL);
        return false;
    }
    if (g_atomic_int_compare_and_exchange(&sys->reset_requested, 1, 0)) {
        bb_system_reset(sys);
    }
    return true;
}

int bb_system_run(BbSystem *sys)
{
    if (sys->state == BB_RUN_STATE_CREATED ||
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

