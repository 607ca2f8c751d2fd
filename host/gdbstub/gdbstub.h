/*
 * gdbstub.h - the GDB remote-protocol server of a system (host-internal;
 * the CLI's --gdb and --wait-gdb).  docs/debugging.md.
 *
 * The stub listens on a loopback TCP port (or a unix socket) through a
 * character backend on the system's main loop, so it runs between time
 * slices like every other I/O.  Harts are threads; breakpoints,
 * watchpoints and single-stepping are the execution loop's
 * (host/tcg/exec-debug.h).  A debugger stop pauses the system: its
 * virtual time stops with it.
 */
#ifndef HOST_GDBSTUB_GDBSTUB_H
#define HOST_GDBSTUB_GDBSTUB_H

#include <stdbool.h>

#include <glib.h>

#include <breadboard/system.h>

typedef struct Gdbstub Gdbstub;

/*
 * gdbstub_new() - serve @sys on @spec: "tcp:HOST:PORT" (a loopback HOST),
 * "tcp::PORT" (127.0.0.1) or "unix:PATH".  @wait: hold the system paused
 * from its start until a debugger attaches and resumes it.  NULL with
 * @error when the system has no harts or the socket cannot be opened.
 */
Gdbstub *gdbstub_new(BbSystem *sys, const char *spec, bool wait,
                     GError **error);
/* Close the connection and the socket; NULL accepted. */
void gdbstub_free(Gdbstub *g);

#endif /* HOST_GDBSTUB_GDBSTUB_H */
