/*
 * snapshot.h - whole-VM snapshots (host-internal): save the machine's
 * devices and harts (through their state tables), the virtual clock and
 * RAM to one file, load such a file back into a VM built from the same
 * board, and describe a file.  The format is in docs/snapshots.md.  The
 * monitor (savevm/loadvm, x-bb-snapshot-*) and `breadboard run
 * --snapshot` / `breadboard snapshot info` are the front ends.
 */
#ifndef HOST_SNAPSHOT_SNAPSHOT_H
#define HOST_SNAPSHOT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include <breadboard/system.h>

/* Version of the file format this host writes and reads. */
#define SNAPSHOT_FORMAT_VERSION 1

/* Serialise the VM of @sys into @out.  Call between slices (the loop
 * thread, no hart inside generated code). */
bool snapshot_save_data(BbSystem *sys, GByteArray *out, GError **error);
/* The same into @path (written to a temporary file, then renamed). */
bool snapshot_save(BbSystem *sys, const char *path, GError **error);

/* Check @len bytes of snapshot against the VM of @sys (every record's
 * checksum, the header, the clock mode, one section per device with
 * state and no other, each section against its device's table, RAM
 * regions and sizes, the compressed pages), and only then load them.
 * On an error the VM is unchanged and @error names the section and the
 * reason.  A running VM is paused for the load and resumed after. */
bool snapshot_load_data(BbSystem *sys, const guint8 *data, size_t len,
                        GError **error);
bool snapshot_load(BbSystem *sys, const char *path, GError **error);

/* One line per record of the file (header, clock, sections with type and
 * state version, RAM regions), as `breadboard snapshot info` prints. */
bool snapshot_describe(const char *path, GString *out, GError **error);

#endif /* HOST_SNAPSHOT_SNAPSHOT_H */
