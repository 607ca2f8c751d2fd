/*
 * reload.h - hot reload of device plugins under a running guest
 * (host-internal; docs/hot-reload.md).  A reload replaces every board
 * device whose type a plugin provides with a fresh instance from a new
 * build of that plugin: the VM is paused, each device's state saved
 * through its state table, the old instances unrealized and destroyed,
 * the new code loaded (registry_reload_begin), new instances created
 * with the same name, address ranges, bus slot, properties and IRQ
 * wiring, realized, their state loaded (older state versions through the
 * table's field versions and post_load), and the old shared object
 * closed.  Any failure puts fresh instances of the old code back with
 * the saved state.  The monitor's x-bb-device-reload / device_reload
 * and `breadboard run --watch-plugins` are the front ends.
 */
#ifndef HOST_RELOAD_RELOAD_H
#define HOST_RELOAD_RELOAD_H

#include <stdbool.h>

#include <glib.h>

#include "board/board.h"
#include "plugin/registry.h"

typedef struct Reloader Reloader;

/* Told about every reload attempt: the plugin's name, the file the new
 * code came from, the devices' object paths, and NULL or why it failed
 * (the old code is running then). */
typedef void (*ReloadNotify)(void *opaque, const char *plugin,
                             const char *file, GPtrArray *paths,
                             const GError *error);

/* @board and @reg are borrowed and must outlive the reloader. */
Reloader *reloader_new(Board *board, Registry *reg);
void reloader_free(Reloader *rl);
void reloader_set_notify(Reloader *rl, ReloadNotify fn, void *opaque);

/*
 * Reload the board device @id and every other board device whose type
 * the same plugin provides, from @file (NULL: the plugin's own file).
 * Call on the loop thread between slices (the monitor does).  On success
 * @paths (if not NULL) gets the reloaded devices' object paths.  Refused
 * without touching anything: harts and the machine, devices other
 * devices are plugged into or whose IRQ inputs are driven (interrupt
 * controllers, buses), plugins other plugins derive types from, plugins
 * with instances outside the board's devices.
 */
bool reloader_reload_device(Reloader *rl, const char *id, const char *file,
                            GPtrArray *paths, GError **error);

/* The same for a plugin named by its loaded file's path, as the watcher
 * does: every board device of its types. */
bool reloader_reload_plugin(Reloader *rl, RegistryPlugin *rp,
                            const char *file, GPtrArray *paths,
                            GError **error);

/* `--watch-plugins`: watch the file of every plugin that provides a
 * board device (GFileMonitor) and reload it when it changes, after a
 * short quiet period (reload-watch.c). */
bool reloader_watch(Reloader *rl, GError **error);

/* What reload-watch.c needs of reload.c. */
Board *reloader_get_board(Reloader *rl);
Registry *reloader_get_registry(Reloader *rl);
void reloader_watch_free(Reloader *rl);
void **reloader_watch_slot(Reloader *rl); /* where the watch lives */

#endif /* HOST_RELOAD_RELOAD_H */
