/*
 * chardev.h - character backends: where a UART's bytes come from and go.
 *
 * A backend is named by a spec string:
 *   null               discards output, never has input
 *   stdio              the terminal, in raw mode while the emulator runs;
 *                      Ctrl-A x quits, Ctrl-A h prints help, Ctrl-A Ctrl-A
 *                      sends a literal Ctrl-A; the terminal is restored on
 *                      every exit path (normal exit, signals, crashes)
 *   file:PATH          output appended to PATH (created), no input
 *   pipe:PATH          PATH.in / PATH.out FIFOs if they exist, else PATH
 *                      for both directions
 *   fd:IN[,OUT]        already-open descriptors (OUT defaults to IN)
 *   unix:PATH          a listening unix socket; one client at a time
 *   tcp:HOST:PORT      a listening TCP socket on a loopback address
 *
 * Details of the kinds:
 *   stdio    Raw mode (only if stdin is a terminal) is cfmakeraw()'s,
 *            which turns output processing off too: guests send "\r\n"
 *            themselves, so "\n" is not turned into "\r\n".  Keys do
 *            not raise signals (Ctrl-C goes to the guest).  The escapes
 *            work whether or not stdin is a terminal; x/X and h/H;
 *            Ctrl-A followed by any other byte passes both bytes on.
 *            stdin and stdout become O_NONBLOCK (restored with the
 *            terminal; this also affects descriptors sharing their open
 *            file description, such as stderr on a terminal).  Only one
 *            stdio backend may exist at a time.  Restoring:
 *            bb_chardev_free(), atexit, and handlers for SIGSEGV, SIGBUS,
 *            SIGABRT, SIGFPE, SIGILL, SIGQUIT, SIGHUP, SIGINT and
 *            SIGTERM (on an alternate stack) - installed only for
 *            signals whose disposition is the default when the backend
 *            is created (a host with its own handlers restores the
 *            terminal itself); they restore, then re-raise with the
 *            default action.
 *   file     Opened O_APPEND, created with mode 0666 & ~umask.
 *   pipe     The FIFOs are opened read-write, so opening never blocks, a
 *            writer closing is no end of input and a missing reader is
 *            back-pressure (output waits), not an error.  Only one of
 *            PATH.in and PATH.out existing is an error.
 *   fd       The descriptors are borrowed: not closed on free; the file
 *            status flags (O_NONBLOCK is set) are put back.
 *   unix     A stale socket file at PATH (nobody listening) is replaced;
 *            anything else there is an error.  The socket file is removed
 *            on free.
 *   tcp      HOST is 127.x.x.x, localhost (= 127.0.0.1), ::1 or [::1];
 *            anything else is refused.  SO_REUSEADDR.
 *   unix, tcp: while a client is served, further clients wait in the
 *            listen backlog (connected, but not read from) and are served
 *            in turn.  The client's end of file, hang-up or a failed write
 *            ends the session: CLOSED follows the last byte it sent, then
 *            the next client is accepted (OPENED).  Output without a
 *            client is dropped.
 * Backends that write to pipes set SIGPIPE to ignored if its disposition
 * is the default (a reader that went away is an error, not death).
 *
 * The device side ("frontend") registers handlers.  Input is delivered
 * only as fast as the frontend says it can take it (can_receive); the
 * backend stops reading its descriptor meanwhile, so nothing is lost and
 * nothing spins.  (A descriptor that hangs up meanwhile is still noticed:
 * what it holds is read into the backend and delivered, at the frontend's
 * pace, before CLOSED.)  Output is buffered up to a bound; a write that
 * does not fit is accepted partly and write_ready tells the frontend when
 * to retry, so a slow reader slows the guest down instead of losing bytes.
 *
 * A backend belongs to the thread that iterates its loop.  Handlers must
 * not free the backend.
 */
#ifndef BREADBOARD_CHARDEV_H
#define BREADBOARD_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/main-loop.h>

G_BEGIN_DECLS

typedef struct BbChardev BbChardev;

/**
 * enum BbChardevEvent - backend state changes.
 * @BB_CHARDEV_OPENED: a peer is there (always at once for stdio, file...;
 *   on client connection for sockets).
 * @BB_CHARDEV_CLOSED: the peer went away (EOF, client disconnected),
 *   after the last byte it sent was delivered.  For stdio, pipe and fd
 *   it means the input ended; output still goes out if the descriptor
 *   takes it.
 * @BB_CHARDEV_BREAK: a break condition was requested (no backend
 *   generates it yet).
 * Since: ABI 1.1
 */
typedef enum {
    BB_CHARDEV_OPENED = 1,
    BB_CHARDEV_CLOSED,
    BB_CHARDEV_BREAK,
} BbChardevEvent;

/**
 * struct BbChardevHandlers - the frontend's callbacks (each optional).
 * @can_receive: how many bytes the frontend can take now.  When it has
 *   returned 0 the backend stops reading until bb_chardev_accept_input().
 *   NULL: unlimited.
 * @receive: @len (<= the last can_receive) bytes arrived.  NULL: the
 *   frontend takes no input (nothing is read).
 * @event: see BbChardevEvent.
 * @write_ready: output space is available again after a short write
 *   (called once at least half of the output limit is free, or when the
 *   peer went away and output is now dropped).
 * Since: ABI 1.1
 */
typedef struct BbChardevHandlers {
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void (*event)(void *opaque, BbChardevEvent event);
    void (*write_ready)(void *opaque);
    void *reserved[4];
} BbChardevHandlers;

/**
 * struct BbChardevOptions - how the host wants a backend set up.
 * @quit: called on the stdio escape Ctrl-A x; NULL ignores it.
 * @quit_opaque: for @quit.
 * @output_limit: bytes of output buffered before writes are short
 *   (0 = 64 KiB).  Bytes the descriptor takes at once are not counted.
 * Since: ABI 1.1
 */
typedef struct BbChardevOptions {
    void (*quit)(void *opaque);
    void *quit_opaque;
    size_t output_limit;
    void *reserved[4];
} BbChardevOptions;

/**
 * bb_chardev_new() - open the backend @spec.
 * @loop: the loop that watches its descriptors.
 * @id: name for messages (NULL: the spec).
 * @opts: may be NULL.
 * @error: names the spec and what is wrong (unknown kind, bad path, port
 *   in use, non-loopback host...), as "chardev 'ID' (SPEC): ...", in
 *   BB_DEVICE_ERROR: BB_ERROR_NOT_FOUND for an unknown kind or a missing
 *   file or descriptor, BB_ERROR_INVALID for bad syntax or a refused
 *   address, BB_ERROR_EXISTS for an address in use or a second stdio,
 *   BB_ERROR_IO for other system errors.
 * Return: the backend or NULL.  An always-present peer (null, stdio,
 * file, pipe, fd) makes it connected at once.
 * Since: ABI 1.1
 */
BB_API BbChardev *bb_chardev_new(BbMainLoop *loop, const char *id,
                                 const char *spec,
                                 const BbChardevOptions *opts,
                                 GError **error);

/** bb_chardev_free() - flush what can be flushed without blocking, close
 * and free (restores the terminal for stdio).  Queued output that does
 * not fit is dropped: call bb_chardev_flush() first to wait for it.
 * NULL accepted.  Since: ABI 1.1 */
BB_API void bb_chardev_free(BbChardev *chr);

/** bb_chardev_get_id() - the id given at creation.  Since: ABI 1.1 */
BB_API const char *bb_chardev_get_id(const BbChardev *chr);

/** bb_chardev_get_spec() - the spec given at creation.  Since: ABI 1.1 */
BB_API const char *bb_chardev_get_spec(const BbChardev *chr);

/**
 * bb_chardev_set_handlers() - attach the frontend (NULL @handlers
 * detaches).  A backend has at most one frontend: attaching replaces the
 * previous one.  If the backend is connected, @handlers->event gets
 * OPENED before this returns.  While detached, no input is read.
 * Since: ABI 1.1
 */
BB_API void bb_chardev_set_handlers(BbChardev *chr,
                                    const BbChardevHandlers *handlers,
                                    void *opaque);

/**
 * bb_chardev_write() - queue output.
 * Return: how many bytes of @buf were accepted (all of them unless the
 * output buffer is full; then retry the rest after write_ready).  Output
 * to a backend with no peer (an unconnected socket) is accepted and
 * dropped.
 * Since: ABI 1.1
 */
BB_API size_t bb_chardev_write(BbChardev *chr, const void *buf, size_t len);

/**
 * bb_chardev_accept_input() - the frontend can take more input now (its
 * can_receive grew); the backend resumes delivering from the loop (a
 * bottom half), never from inside this call.
 * Since: ABI 1.1
 */
BB_API void bb_chardev_accept_input(BbChardev *chr);

/** bb_chardev_is_connected() - whether a peer is there.  Since: ABI 1.1 */
BB_API bool bb_chardev_is_connected(const BbChardev *chr);

/**
 * bb_chardev_flush() - write out queued output, blocking for at most
 * @timeout_ms (used at exit so the last words of a guest are not lost);
 * 0 tries once without waiting, a negative value waits without limit.
 * Return: true if nothing is left queued (everything was written, or
 * dropped because the peer went away).
 * Since: ABI 1.1
 */
BB_API bool bb_chardev_flush(BbChardev *chr, int timeout_ms);

G_END_DECLS

#endif /* BREADBOARD_CHARDEV_H */
