/*
 * reload-watch.c - `breadboard run --watch-plugins` (reload.h,
 * docs/hot-reload.md): a GFileMonitor on the file of every plugin that
 * provides a device of the board; when one changes, the plugin is
 * reloaded once the file has been quiet for WATCH_QUIET_MS (a compiler
 * or `cp` writes in several steps, a linker or `mv` replaces the name by
 * a rename; either way the reload waits for the last event).
 *
 * GIO delivers the monitor's events to the GMainContext that was the
 * thread's default when the monitor was made; breadboard's loop is not a
 * GLib one, so the monitors get a private context, and a host-time timer
 * on the loop (every WATCH_POLL_MS) dispatches it without blocking and
 * starts the reloads - on the loop thread, between slices, like a
 * monitor command.
 */
#include <string.h>

#include <gio/gio.h>

#include <breadboard/system.h>
#include <breadboard/timer.h>

#include "board/board-internal.h"
#include "qom/object-internal.h"
#include "reload/reload.h"

#define WATCH_POLL_MS 50
#define WATCH_QUIET_MS 300

/* One watched plugin file. */
typedef struct Watched {
    RegistryPlugin *rp;
    GFileMonitor *monitor;
    gint64 last_event;     /* monotonic us of the latest change; 0: none */
} Watched;

typedef struct Watch {
    Reloader *rl;
    GMainContext *ctx;     /* the monitors' */
    GPtrArray *files;      /* Watched * */
    BbTimerContext *timers;
    BbTimer *timer;        /* BB_CLOCK_REALTIME poll */
} Watch;

static void watched_free(gpointer p)
{
    Watched *w = p;

    g_file_monitor_cancel(w->monitor);
    g_object_unref(w->monitor);
    g_free(w);
}

static void on_changed(GFileMonitor *monitor, GFile *file, GFile *other,
                       GFileMonitorEvent event, gpointer opaque)
{
    Watched *w = opaque;

    /* Attribute changes (touch -a, chmod) are not new code. */
    if (event != G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED &&
        event != G_FILE_MONITOR_EVENT_PRE_UNMOUNT &&
        event != G_FILE_MONITOR_EVENT_UNMOUNTED) {
        w->last_event = g_get_monotonic_time();
    }
}

static void watch_poll(void *opaque)
{
    Watch *wt = opaque;
    gint64 now;

    while (g_main_context_iteration(wt->ctx, FALSE)) {
    }
    now = g_get_monotonic_time();
    for (guint i = 0; i < wt->files->len; i++) {
        Watched *w = wt->files->pdata[i];
        GError *err = NULL;
        if (!w->last_event || now - w->last_event < WATCH_QUIET_MS * 1000) {
            continue;
        }
        w->last_event = 0;
        if (!g_file_test(w->rp->path, G_FILE_TEST_IS_REGULAR)) {
            continue; /* removed; a new one will be an event of its own */
        }
        /* The notify callback reports success and failure. */
        if (!reloader_reload_plugin(wt->rl, w->rp, w->rp->path, NULL,
                                    &err)) {
            g_error_free(err);
        }
    }
    bb_timer_mod(wt->timer, bb_clock_get_ns(wt->timers, BB_CLOCK_REALTIME) +
                                WATCH_POLL_MS * (int64_t)1000000);
}

static void watch_free(Watch *wt)
{
    bb_timer_free(wt->timer);
    g_ptr_array_unref(wt->files);
    g_main_context_unref(wt->ctx);
    g_free(wt);
}

void reloader_watch_free(Reloader *rl)
{
    void **slot = reloader_watch_slot(rl);

    if (*slot) {
        watch_free(*slot);
        *slot = NULL;
    }
}

/* Whether a board device's type comes from @rp. */
static bool provides_device(Board *board, Registry *reg, RegistryPlugin *rp)
{
    BbPlugin *h = registry_plugin_handle(reg, rp);

    for (guint i = 0; h && i < board->devices->len; i++) {
        BbObject *o = g_ptr_array_index(board->devices, i);
        if (type_get_owner(bb_object_get_type_name(o)) == h) {
            return true;
        }
    }
    return false;
}

bool reloader_watch(Reloader *rl, GError **error)
{
    Board *board = reloader_get_board(rl);
    Registry *reg = reloader_get_registry(rl);
    GPtrArray *plugins = registry_get_plugins(reg);
    Watch *wt = g_new0(Watch, 1);

    wt->rl = rl;
    wt->ctx = g_main_context_new();
    wt->files = g_ptr_array_new_with_free_func(watched_free);
    wt->timers = bb_system_get_timers(board->system);
    g_main_context_push_thread_default(wt->ctx);
    for (guint i = 0; i < plugins->len; i++) {
        RegistryPlugin *rp = plugins->pdata[i];
        g_autoptr(GFile) f = NULL;
        GFileMonitor *m;
        if (rp->refused || !rp->initialised ||
            !provides_device(board, reg, rp)) {
            continue;
        }
        f = g_file_new_for_path(rp->path);
        m = g_file_monitor_file(f, G_FILE_MONITOR_NONE, NULL, error);
        if (!m) {
            g_prefix_error(error, "--watch-plugins: %s: ", rp->path);
            g_main_context_pop_thread_default(wt->ctx);
            watch_free(wt);
            return false;
        }
        Watched *w = g_new0(Watched, 1);
        w->rp = rp;
        w->monitor = m;
        g_signal_connect(m, "changed", G_CALLBACK(on_changed), w);
        g_ptr_array_add(wt->files, w);
    }
    g_main_context_pop_thread_default(wt->ctx);
    wt->timer = bb_timer_new(wt->timers, BB_CLOCK_REALTIME, watch_poll, wt);
    bb_timer_mod(wt->timer, bb_clock_get_ns(wt->timers, BB_CLOCK_REALTIME) +
                                WATCH_POLL_MS * (int64_t)1000000);
    reloader_watch_free(rl);
    *reloader_watch_slot(rl) = wt;
    return true;
}
