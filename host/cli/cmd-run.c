/*
 * cmd-run.c - `breadboard run BOARD.yaml`: build the board with its
 * character backends open, and run it until the guest or the host shuts
 * it down; the exit status is the shutdown's (system.h).  --icount[=N]
 * selects deterministic time, --accel jit|interp the JIT backend (x86-64
 * code or the portable IR interpreter), -d/-D logging (guest errors and
 * the JIT's traces); --bios, --kernel, --initrd and --append are
 * shorthands for --set boot.*=...; --paused starts stopped (prelaunch),
 * --no-shutdown keeps a guest's power-off for inspection (system.h);
 * --qmp and --monitor open the monitor (host/monitor, docs/monitor.md);
 * --gdb serves the GDB remote protocol (docs/debugging.md) and --wait-gdb
 * holds the start until a debugger resumes the guest; --snapshot FILE
 * starts from a snapshot, --snapshot-save FILE --snapshot-save-at NS
 * saves one when the virtual clock reaches NS (docs/snapshots.md);
 * --watch-plugins reloads a device plugin whose file changes, and the
 * monitor's x-bb-device-reload does on request (docs/hot-reload.md).
 */
#include <stdlib.h>
#include <string.h>

#include <breadboard/system.h>

#include "cli/cli.h"
#include "chardev/chardev-internal.h"
#include "gdbstub/gdbstub.h"
#include "monitor/monitor.h"
#include "reload/reload.h"
#include "snapshot/snapshot.h"
#include "system/system-internal.h"
#include "tcg/exec.h"
#include "util/log.h"

typedef struct RunOptions {
    CliBoardOptions board;
    BoardBuildOptions build;
    char *log_items; /* -d */
    char *log_file;  /* -D */
    char *accel;     /* --accel */
    char *gdb;       /* --gdb */
    gboolean wait_gdb; /* --wait-gdb */
    gboolean paused;      /* --paused */
    gboolean no_shutdown; /* --no-shutdown */
    char **qmp;           /* --qmp SPEC, repeatable */
    char *monitor;        /* --monitor stdio */
    char *snapshot;       /* --snapshot FILE */
    char *snapshot_save;  /* --snapshot-save FILE */
    gint64 snapshot_save_at; /* --snapshot-save-at NS (-1: not given) */
    gboolean watch_plugins;  /* --watch-plugins */
} RunOptions;

/* Hot reload: the monitor's commands reach the reloader through this
 * hook; every attempt is logged and sent to QMP clients as an event. */
static bool run_device_reload(void *opaque, const char *id, const char *file,
                              GPtrArray *paths, GError **error)
{
    return reloader_reload_device(opaque, id, file, paths, error);
}

static void run_reload_notify(void *opaque, const char *plugin,
                              const char *file, GPtrArray *paths,
                              const GError *error)
{
    g_autofree char *devs = NULL;

    g_ptr_array_add(paths, NULL);
    devs = g_strjoinv(", ", (char **)paths->pdata);
    g_ptr_array_set_size(paths, paths->len - 1);
    if (error) {
        g_printerr("breadboard: hot reload of plugin '%s' from %s failed, "
                   "the old code keeps running: %s\n", plugin, file,
                   error->message);
    } else {
        g_printerr("breadboard: hot reload: plugin '%s' reloaded from %s: "
                   "%s\n", plugin, file, devs);
    }
    monitor_event_device_reload(opaque, plugin, file, paths,
                                error ? error->message : NULL);
}

/* --snapshot-save-at: a virtual-clock timer saves the VM between slices
 * (in deterministic mode at exactly that instruction count), once. */
typedef struct SaveAt {
    BbSystem *sys;
    const char *file;
    gint64 at;
    BbTimer *timer;
} SaveAt;

static void save_at_fire(void *opaque)
{
    SaveAt *sa = opaque;
    GError *error = NULL;

    if (!snapshot_save(sa->sys, sa->file, &error)) {
        g_printerr("breadboard: --snapshot-save: %s\n", error->message);
        g_error_free(error);
        bb_system_request_shutdown(sa->sys, BB_SHUTDOWN_HOST_ERROR, 1);
        return;
    }
    /* The console output so far goes out first, so that with stdout and
     * stderr on one pipe the note marks the snapshot point in the
     * console stream (the guest tests split run A's output there). */
    system_flush_chardevs(sa->sys);
    g_printerr("breadboard: --snapshot-save: saved %s at %" G_GINT64_FORMAT
               " ns\n", sa->file, sa->at);
}

static gboolean parse_icount(const char *name, const char *value,
                             gpointer data, GError **error)
{
    RunOptions *o = data;
    char *end;

    o->build.icount = true;
    o->build.icount_shift = 0;
    if (value) {
        unsigned long v = strtoul(value, &end, 10);
        if (!*value || *end || v > BB_ICOUNT_MAX_SHIFT) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--icount: shift '%s' is not a number from 0 to %d",
                        value, BB_ICOUNT_MAX_SHIFT);
            return false;
        }
        o->build.icount_shift = (unsigned)v;
    }
    return true;
}

static bool setup_logging(const RunOptions *o, GError **error)
{
    unsigned mask = 0;

    if (o->log_items && !log_parse_mask(o->log_items, &mask, error)) {
        return false;
    }
    log_set_mask(mask);
    return !o->log_file || log_set_file(o->log_file, error);
}

static bool setup_accel(const RunOptions *o, GError **error)
{
    if (!exec_set_default_accel(o->accel)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "--accel: unknown accelerator '%s' (valid: jit, interp)",
                    o->accel);
        return false;
    }
    return true;
}

static int run(const char *path, RunOptions *o)
{
    CliBoard cb = { 0 };
    GError *error = NULL;
    int status;

    if ((o->snapshot_save != NULL) != (o->snapshot_save_at >= 0)) {
        g_printerr("breadboard: run: --snapshot-save FILE and "
                   "--snapshot-save-at NS go together\n");
        return CLI_EXIT_USAGE;
    }
    if (o->wait_gdb && !o->gdb) {
        g_printerr("breadboard: run: --wait-gdb needs --gdb tcp::PORT\n");
        return CLI_EXIT_USAGE;
    }
    registry_set_private_copies(o->watch_plugins);
    if (!setup_logging(o, &error) || !setup_accel(o, &error) ||
        !cli_board_open(&cb, path, &o->board, &o->build, &error)) {
        cli_report(error);
        cli_board_close(&cb);
        return CLI_EXIT_ERROR;
    }
    BbSystem *sys = board_get_system(cb.board);
    Gdbstub *gdb = NULL;
    SaveAt save_at = { sys, o->snapshot_save, o->snapshot_save_at, NULL };
    if (o->snapshot && !snapshot_load(sys, o->snapshot, &error)) {
        g_prefix_error(&error, "--snapshot %s: ", o->snapshot);
        cli_report(error);
        cli_board_close(&cb);
        return CLI_EXIT_ERROR;
    }
    if (o->snapshot_save) {
        save_at.timer = bb_timer_new(bb_system_get_timers(sys),
                                     BB_CLOCK_VIRTUAL, save_at_fire,
                                     &save_at);
        bb_timer_mod(save_at.timer, o->snapshot_save_at);
    }
    system_install_signal_handlers(sys);
    bb_system_set_start_paused(sys, o->paused);
    bb_system_set_no_shutdown(sys, o->no_shutdown);
    /* Always a monitor: the console's Ctrl-A c reaches it too. */
    Monitor *mon = monitor_new(sys);
    Reloader *reloader = reloader_new(cb.board, cb.registry);
    monitor_set_registry(cb.registry);
    monitor_set_device_reload(run_device_reload, reloader);
    reloader_set_notify(reloader, run_reload_notify, mon);
    monitor_attach_console(mon);
    if (o->watch_plugins) {
        reloader_watch(reloader, &error);
    }
    {
        for (char **q = o->qmp; q && *q && !error; q++) {
            monitor_add_qmp(mon, *q, &error);
        }
        if (!error && o->monitor) {
            if (strcmp(o->monitor, "stdio")) {
                g_set_error(&error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                            "--monitor: '%s' is not supported (valid: "
                            "stdio)", o->monitor);
            } else if (chardev_stdio_in_use()) {
                g_set_error(&error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                            "--monitor stdio: stdio is the console's; use "
                            "its Ctrl-A c, or give the console another "
                            "backend (--set devices.uart0.chardev=...)");
            } else {
                monitor_add_hmp_stdio(mon, &error);
            }
        }
        if (!error && o->gdb) {
            gdb = gdbstub_new(sys, o->gdb, o->wait_gdb, &error);
        }
        if (error) {
            cli_report(error);
            bb_timer_free(save_at.timer);
            monitor_set_device_reload(NULL, NULL);
            reloader_free(reloader);
            monitor_free(mon);
            monitor_set_registry(NULL);
            cli_board_close(&cb);
            return CLI_EXIT_ERROR;
        }
    }
    status = bb_system_run(sys);
    bb_timer_free(save_at.timer);
    gdbstub_free(gdb);
    monitor_set_device_reload(NULL, NULL);
    reloader_free(reloader);
    monitor_free(mon);
    monitor_set_registry(NULL);
    cli_board_close(&cb);
    return status;
}

/* GOption lets an optional argument swallow the next word ("--icount
 * board.yaml"), so a bare --icount is spelled out before parsing. */
static char **normalise_args(int argc, char **argv)
{
    char **out = g_new0(char *, argc + 1);

    for (int i = 0; i < argc; i++) {
        out[i] = g_strdup(strcmp(argv[i], "--icount") ? argv[i]
                                                       : "--icount=0");
    }
    return out;
}

int cli_run(int argc, char **argv)
{
    RunOptions o = { .build.open_backends = true, .snapshot_save_at = -1 };
    GOptionEntry entries[] = {
        { "icount", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
          parse_icount, "Deterministic time: 2^SHIFT ns per instruction "
          "(default 0)", "SHIFT" },
        { "log", 'd', 0, G_OPTION_ARG_STRING, &o.log_items,
          "Log items, comma-separated: guest_errors, in_asm, op, op_opt, "
          "out_asm, exec, int, cpu", "ITEMS" },
        { "accel", 0, 0, G_OPTION_ARG_STRING, &o.accel,
          "JIT backend: jit (x86-64 code, default) or interp", "NAME" },
        { "log-file", 'D', 0, G_OPTION_ARG_FILENAME, &o.log_file,
          "Write the log to FILE instead of stderr", "FILE" },
        { "gdb", 0, 0, G_OPTION_ARG_STRING, &o.gdb,
          "Serve the GDB remote protocol on tcp:127.0.0.1:PORT, tcp::PORT "
          "or unix:PATH", "ADDR" },
        { "wait-gdb", 0, 0, G_OPTION_ARG_NONE, &o.wait_gdb,
          "With --gdb: start paused until a debugger resumes the guest",
          NULL },
        { "paused", 'S', 0, G_OPTION_ARG_NONE, &o.paused,
          "Start stopped (prelaunch) until the monitor's cont", NULL },
        { "qmp", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.qmp,
          "QMP monitor: unix:PATH[,server,nowait] or tcp:127.0.0.1:PORT "
          "(repeatable)", "SPEC" },
        { "monitor", 0, 0, G_OPTION_ARG_STRING, &o.monitor,
          "Human monitor: stdio", "stdio" },
        { "snapshot", 0, 0, G_OPTION_ARG_FILENAME, &o.snapshot,
          "Start from the snapshot in FILE (saved from the same board)",
          "FILE" },
        { "snapshot-save", 0, 0, G_OPTION_ARG_FILENAME, &o.snapshot_save,
          "With --snapshot-save-at: save a snapshot to FILE", "FILE" },
        { "snapshot-save-at", 0, 0, G_OPTION_ARG_INT64, &o.snapshot_save_at,
          "Save the snapshot when the virtual clock reaches NS", "NS" },
        { "watch-plugins", 0, 0, G_OPTION_ARG_NONE, &o.watch_plugins,
          "Reload a device plugin when its file changes "
          "(docs/hot-reload.md)", NULL },
        { "no-shutdown", 0, 0, G_OPTION_ARG_NONE, &o.no_shutdown,
          "On guest power-off stay in the shutdown state (for the "
          "monitor) instead of exiting; quit ends the run", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(
        "BOARD.yaml - run a board until it shuts down");
    GOptionGroup *group = g_option_group_new("run", "run options",
                                             "run options", &o, NULL);
    GError *error = NULL;
    int status = CLI_EXIT_USAGE;

    /* GOption drops the words it parses from the array it is given:
     * parse a shallow copy so every string is still freed from @args. */
    g_auto(GStrv) args = normalise_args(argc, argv);
    g_autofree char **parse_argv = g_memdup2(args, (argc + 1) * sizeof(char *));

    g_option_group_add_entries(group, entries);
    cli_add_board_options(group, &o.board);
    g_option_context_set_main_group(ctx, group);
    if (!g_option_context_parse(ctx, &argc, &parse_argv, &error)) {
        cli_report(error);
    } else if (argc != 2) {
        g_printerr("breadboard: run: %s\n",
                   argc < 2 ? "missing BOARD argument (a .yaml file)"
                            : "expected exactly one BOARD argument");
    } else {
        status = run(parse_argv[1], &o);
    }
    cli_board_options_clear(&o.board);
    g_free(o.log_items);
    g_free(o.log_file);
    g_free(o.accel);
    g_strfreev(o.qmp);
    g_free(o.monitor);
    g_free(o.gdb);
    g_free(o.snapshot);
    g_free(o.snapshot_save);
    return status;
}
