/*
 * chardev-internal.h - what the character backends share inside the host:
 * the BbChardev object, the table each backend kind fills in, the
 * descriptor engine of chardev-io.c (flow-controlled input, bounded
 * output queue, main-loop watches) and the terminal restore hook the
 * host's own signal handlers call.
 *
 * A backend kind only opens and closes its descriptors; chardev-io.c moves
 * the bytes.  The life of a peer is: chardev_io_attach() the descriptors,
 * chardev_set_connected(true) (OPENED); when its input ends the engine
 * calls ops->input_ended, then, once every byte read has been delivered,
 * emits CLOSED and calls ops->peer_closed.
 */
#ifndef HOST_CHARDEV_CHARDEV_INTERNAL_H
#define HOST_CHARDEV_CHARDEV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/chardev.h>
#include <breadboard/error.h>
#include <breadboard/main-loop.h>

#define CHARDEV_DEFAULT_OUTPUT_LIMIT (64 * 1024)
#define CHARDEV_READ_CHUNK 4096

/* One backend kind ("file", "tcp"...). */
typedef struct ChardevOps {
    const char *kind;    /* the spec up to the first ':' */
    const char *syntax;  /* for messages: "file:PATH" */
    bool has_arg;        /* the spec is KIND:ARG (else exactly KIND) */
    /* Optional: check the syntax of @arg without opening anything (the
     * board loader validates specs with it; open relies on it too). */
    bool (*check)(BbChardev *chr, const char *arg, GError **error);
    /* Open the backend described by @arg (NULL without has_arg). */
    bool (*open)(BbChardev *chr, const char *arg, GError **error);
    /* Undo open (the engine has already detached the descriptors). */
    void (*close)(BbChardev *chr);
    /* Optional: turn @len raw input bytes into bytes for the frontend,
     * appended to @out (the stdio escape handling). */
    void (*filter)(BbChardev *chr, const uint8_t *buf, size_t len,
                   GByteArray *out);
    /* Optional: the input descriptor reached end of file or hung up; all
     * it still held is in the pending buffer. */
    void (*input_ended)(BbChardev *chr, bool hangup);
    /* Optional: CLOSED was just delivered. */
    void (*peer_closed)(BbChardev *chr);
} ChardevOps;

struct BbChardev {
    BbMainLoop *loop;
    char *id;
    char *spec;
    const ChardevOps *ops;
    void *backend;               /* the kind's own state */
    BbChardevOptions opts;       /* copy of what the host passed */

    BbChardevHandlers fe;        /* frontend callbacks */
    void *fe_opaque;
    bool fe_attached;
    bool connected;              /* between OPENED and CLOSED */

    BbBottomHalf *bh;            /* deferred work, see chardev-io.c */
    bool bh_write_ready;         /* write_ready owed to the frontend */
    bool bh_hangup;              /* a write found the peer gone */

    /* Descriptors (engine state, chardev-io.c). */
    int in_fd;                   /* -1: no input */
    int out_fd;                  /* -1: output is dropped */
    bool fds_owned;              /* close them on detach */
    bool out_is_socket;          /* send(MSG_NOSIGNAL) instead of write */
    guint in_watch;              /* 0: none; == out_watch if same fd */
    guint out_watch;
    GIOCondition in_mask;        /* what input wants from the loop */
    GIOCondition out_mask;       /* what output wants */
    GIOCondition in_applied;     /* last mask given to in_watch */
    GIOCondition out_applied;    /* last mask given to out_watch */
    bool in_ended;               /* EOF or hangup seen on in_fd */
    bool close_owed;             /* CLOSED once pending is delivered */
    bool out_dead;               /* the output descriptor failed */
    bool out_blocked;            /* a write was short: write_ready owed */

    GByteArray *pending;         /* read, not yet delivered */
    size_t pending_off;
    GByteArray *outq;            /* accepted, not yet written */
    size_t outq_off;
    size_t out_limit;
};

/* The backend kinds (chardev-fd.c, chardev-socket.c, chardev-stdio.c). */
extern const ChardevOps chardev_null_ops;
extern const ChardevOps chardev_file_ops;
extern const ChardevOps chardev_pipe_ops;
extern const ChardevOps chardev_fd_ops;
extern const ChardevOps chardev_unix_ops;
extern const ChardevOps chardev_tcp_ops;
extern const ChardevOps chardev_stdio_ops;

/* Set @error to "chardev 'ID' (SPEC): <message>" in BB_DEVICE_ERROR. */
void chardev_error(BbChardev *chr, GError **error, BbErrorCode code,
                   const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Emit OPENED/CLOSED when the state changes. */
void chardev_set_connected(BbChardev *chr, bool connected);
void chardev_emit_event(BbChardev *chr, BbChardevEvent event);

/* Set SIGPIPE to ignored if it has the default disposition. */
void chardev_ignore_sigpipe(void);
/* Add O_NONBLOCK to @fd; returns its previous file status flags. */
int chardev_set_nonblock(int fd);

/* --- the descriptor engine (chardev-io.c) ------------------------------ */

void chardev_io_init(BbChardev *chr);
void chardev_io_cleanup(BbChardev *chr);
/* Start moving bytes on @in_fd / @out_fd (either may be -1, both may be
 * the same descriptor).  @owned: close them on detach.  @is_socket: use
 * send() so a vanished peer is an error, not SIGPIPE. */
void chardev_io_attach(BbChardev *chr, int in_fd, int out_fd, bool owned,
                       bool is_socket);
/* Stop watching, close owned descriptors, drop queued output. */
void chardev_io_detach(BbChardev *chr);
/* Re-evaluate the frontend's can_receive and deliver what is pending. */
void chardev_io_kick(BbChardev *chr);
/* Queue @len bytes of output; @force ignores the limit (messages of the
 * host itself, such as the stdio help).  Returns the bytes accepted. */
size_t chardev_io_write(BbChardev *chr, const void *buf, size_t len,
                        bool force);
bool chardev_io_flush(BbChardev *chr, int timeout_ms);
/* How many bytes of output wait to be written. */
size_t chardev_io_queued(const BbChardev *chr);

/* --- stdio ------------------------------------------------------------- */

/*
 * chardev_restore_terminal() - put the terminal (and the file status
 * flags of stdin/stdout) back as they were before the stdio backend was
 * created.  Async-signal-safe and idempotent; does nothing when no stdio
 * backend exists.  The host's SIGINT/SIGTERM/SIGHUP handlers call it;
 * the stdio backend itself covers normal exit (bb_chardev_free, atexit)
 * and, where their disposition was the default, the crash signals and
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT.
 */
void chardev_restore_terminal(void);

/* Whether a stdio backend is open (the terminal is the console's). */
bool chardev_stdio_in_use(void);
/*
 * The console's monitor multiplexer: Ctrl-A c switches the stdio
 * backend's input between the guest and @fn, which gets the bytes typed
 * while the monitor has the terminal (and a call with @len 0 when it
 * gets the terminal, to print a prompt).  chardev_stdio_mux_write()
 * prints on the terminal.  NULL @fn: Ctrl-A c does nothing.
 */
typedef void (*ChardevMuxFn)(void *opaque, const uint8_t *buf, size_t len);
void chardev_stdio_set_mux(ChardevMuxFn fn, void *opaque);
void chardev_stdio_mux_write(const char *text);

/* Check @spec's syntax (kind, argument) without opening anything; the
 * error names @id and @spec as bb_chardev_new() would. */
bool chardev_check_spec(const char *id, const char *spec, GError **error);

#endif /* HOST_CHARDEV_CHARDEV_INTERNAL_H */
