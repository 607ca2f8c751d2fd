/*
 * monitor.h - the monitor (host-internal; docs/monitor.md): QMP servers
 * on unix/tcp sockets, the human monitor (HMP) on stdio or the console's
 * Ctrl-A c, and the command table both share.  Everything runs on the
 * main loop's thread, between the harts' time slices, so commands see
 * the harts stopped.
 */
#ifndef HOST_MONITOR_MONITOR_H
#define HOST_MONITOR_MONITOR_H

#include <stdbool.h>

#include <glib.h>

#include <breadboard/system.h>

typedef struct Registry Registry;
typedef struct Monitor Monitor;

/* A monitor for @sys: QMP events follow its run state from now on. */
Monitor *monitor_new(BbSystem *sys);
/* Listen for QMP clients at @spec: "unix:PATH[,server][,nowait]" or
 * "tcp:127.0.0.1:PORT[,...]" (loopback only; with wait=on, block until
 * the first client connects). */
bool monitor_add_qmp(Monitor *mon, const char *spec, GError **error);
/* The human monitor on stdin/stdout. */
bool monitor_add_hmp_stdio(Monitor *mon, GError **error);
/* The human monitor on the console's Ctrl-A c, when the console is the
 * stdio backend (no-op otherwise). */
void monitor_attach_console(Monitor *mon);
/* Flush what is queued (briefly), close everything. */
void monitor_free(Monitor *mon);

/*
 * Run one human-monitor command line on @sys ("info registers", "x/4xw
 * 0x80000000", "stop"...) and return its output (newline-terminated
 * lines, "\n" ends; never NULL; g_free it).  An unknown command is not
 * an error: the output says so, as QEMU's HMP does.  The gdbstub's
 * "monitor" command (qRcmd) and QMP's human-monitor-command use it.
 * @cpu_index: the hart "info registers" and "x" use (-1: the first).
 */
char *monitor_hmp_execute(BbSystem *sys, const char *cmdline, int cpu_index);

/* Hot reload for x-bb-device-reload and device_reload (the CLI sets it;
 * host/reload): reload board device @id from @file (NULL: its plugin's
 * own file), appending the reloaded devices' paths to @paths. */
typedef bool (*MonitorReloadFn)(void *opaque, const char *id,
                                const char *file, GPtrArray *paths,
                                GError **error);
void monitor_set_device_reload(MonitorReloadFn fn, void *opaque);
/* Run it (HMP and QMP share this); an error when none is set. */
bool monitor_device_reload(const char *id, const char *file,
                           GPtrArray *paths, GError **error);

/* The x-bb-device-reload event to every QMP client: the plugin, the file
 * its new code came from, the devices, and NULL or why the reload failed
 * (the old code still runs then). */
void monitor_event_device_reload(Monitor *mon, const char *plugin,
                                 const char *file, GPtrArray *paths,
                                 const char *error);

/* The plugin registry x-bb-plugins lists (optional; the CLI sets it). */
void monitor_set_registry(Registry *registry);

#endif /* HOST_MONITOR_MONITOR_H */
