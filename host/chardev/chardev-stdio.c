/*
 * chardev-stdio.c - the stdio backend: the guest console on our own
 * stdin/stdout, with the terminal in raw mode and the Ctrl-A escapes
 * (x quits, h prints help, c switches between the guest and the monitor
 * when one is attached, Ctrl-A sends a literal Ctrl-A, any other byte is
 * passed on after the Ctrl-A; x, h and c in either case).  Escapes are
 * recognised whether or not stdin is a terminal, so scripts can quit too.
 *
 * Raw mode is cfmakeraw()'s: no echo, no line editing, no signals from
 * keys (Ctrl-C goes to the guest), 8-bit clean, and no output processing
 * (OPOST off): guests send "\r\n" themselves, and with OPOST on a guest's
 * "\r\n" would stay right but its bare "\n" would not mean what the guest
 * meant.  stdin and stdout are switched to O_NONBLOCK (shared with
 * whoever else holds the same open file description, usually stderr).
 *
 * The terminal is process-wide state, so only one stdio backend may exist
 * at a time, and the saved state lives in statics that the async-signal
 * -safe chardev_restore_terminal() puts back: from bb_chardev_free(), an
 * atexit handler, and handlers for crash and termination signals that we
 * install only where the disposition is the default (a host or test that
 * has its own handler calls chardev_restore_terminal() itself).  Those
 * handlers run on an alternate stack so a stack overflow is covered too,
 * restore, and re-raise the signal with its default action.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "chardev/chardev-internal.h"

#define CTRL_A 0x01

static const char stdio_help[] =
    "\r\n"
    "Ctrl-A h        print this help\r\n"
    "Ctrl-A x        quit the emulator\r\n"
    "Ctrl-A c        switch between console and monitor\r\n"
    "Ctrl-A Ctrl-A   send Ctrl-A to the guest\r\n";

/* Signals after which the terminal must be restored: crashes first, then
 * the terminating ones. */
static const int stdio_signals[] = {
    SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL,
    SIGQUIT, SIGHUP, SIGINT, SIGTERM,
};

typedef struct StdioBackend {
    bool escape;                 /* Ctrl-A seen, command byte next */
    bool monitor;                /* input goes to the monitor (Ctrl-A c) */
} StdioBackend;

/* The terminal as we found it (statics: signal handlers need them). */
static BbChardev *stdio_owner;
static struct termios stdio_saved_tio;
static volatile sig_atomic_t stdio_tio_saved;  /* stdio_saved_tio valid */
static int stdio_saved_fl[2];                  /* fd 0 and 1 flags, or -1 */
static volatile sig_atomic_t stdio_fl_saved;
static struct sigaction stdio_old_actions[G_N_ELEMENTS(stdio_signals)];
static bool stdio_installed[G_N_ELEMENTS(stdio_signals)];
static bool stdio_altstack_ours;
static bool stdio_atexit_done;
static ChardevMuxFn stdio_mux_fn;              /* Ctrl-A c's monitor */
static void *stdio_mux_opaque;

bool chardev_stdio_in_use(void)
{
    return stdio_owner != NULL;
}

void chardev_stdio_set_mux(ChardevMuxFn fn, void *opaque)
{
    stdio_mux_fn = fn;
    stdio_mux_opaque = opaque;
}

void chardev_stdio_mux_write(const char *text)
{
    if (stdio_owner) {
        chardev_io_write(stdio_owner, text, strlen(text), true);
    }
}

void chardev_restore_terminal(void)
{
    int saved_errno = errno;

    if (stdio_tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_saved_tio);
    }
    if (stdio_fl_saved) {
        for (int fd = 0; fd < 2; fd++) {
            if (stdio_saved_fl[fd] >= 0) {
                fcntl(fd, F_SETFL, stdio_saved_fl[fd]);
            }
        }
    }
    errno = saved_errno;
}

/* -------------------------------------------------------------- signals */

static void stdio_fatal_signal(int signo)
{
    /* SA_RESETHAND made the action the default again; the re-raised
     * signal is blocked until we return, then kills us (a fault would
     * also simply recur). */
    chardev_restore_terminal();
    raise(signo);
}

static void stdio_atexit(void)
{
    chardev_restore_terminal();
}

/* An alternate signal stack, unless one is set up already, so that the
 * handler also runs when the stack overflowed. */
static void stdio_setup_altstack(void)
{
    static char stack[64 * 1024];
    stack_t old, ss = { .ss_sp = stack, .ss_size = sizeof(stack) };

    if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE) &&
        sigaltstack(&ss, NULL) == 0) {
        stdio_altstack_ours = true;
    }
}

static void stdio_install_handlers(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = stdio_fatal_signal;
    sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    stdio_setup_altstack();
    for (size_t i = 0; i < G_N_ELEMENTS(stdio_signals); i++) {
        struct sigaction cur;
        if (sigaction(stdio_signals[i], NULL, &cur) < 0 ||
            (cur.sa_flags & SA_SIGINFO) || cur.sa_handler != SIG_DFL) {
            continue; /* someone else handles it */
        }
        stdio_installed[i] =
            sigaction(stdio_signals[i], &sa, &stdio_old_actions[i]) == 0;
    }
    if (!stdio_atexit_done) {
        stdio_atexit_done = atexit(stdio_atexit) == 0;
    }
}

static void stdio_remove_handlers(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(stdio_signals); i++) {
        struct sigaction cur;
        if (!stdio_installed[i]) {
            continue;
        }
        stdio_installed[i] = false;
        /* Leave a handler the host installed after ours alone. */
        if (sigaction(stdio_signals[i], NULL, &cur) == 0 &&
            !(cur.sa_flags & SA_SIGINFO) &&
            cur.sa_handler == stdio_fatal_signal) {
            sigaction(stdio_signals[i], &stdio_old_actions[i], NULL);
        }
    }
    if (stdio_altstack_ours) {
        stack_t ss = { .ss_flags = SS_DISABLE };
        sigaltstack(&ss, NULL);
        stdio_altstack_ours = false;
    }
}

/* ------------------------------------------------------------- terminal */

static bool stdio_make_raw(BbChardev *chr, GError **error)
{
    struct termios raw;

    if (tcgetattr(STDIN_FILENO, &stdio_saved_tio) < 0) {
        chardev_error(chr, error, BB_ERROR_IO,
                      "cannot read the terminal settings: %s",
                      g_strerror(errno));
        return false;
    }
    stdio_tio_saved = 1;
    raw = stdio_saved_tio;
    raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    raw.c_oflag &= ~OPOST;
    raw.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag &= ~(CSIZE | PARENB);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0) {
        stdio_tio_saved = 0;
        chardev_error(chr, error, BB_ERROR_IO,
                      "cannot put the terminal in raw mode: %s",
                      g_strerror(errno));
        return false;
    }
    return true;
}

/* Make stdin/stdout non-blocking, remembering their flags (both read
 * before either changes: they often share one open file description). */
static void stdio_make_nonblocking(void)
{
    for (int fd = 0; fd < 2; fd++) {
        stdio_saved_fl[fd] = fcntl(fd, F_GETFL);
    }
    stdio_fl_saved = 1;
    for (int fd = 0; fd < 2; fd++) {
        if (stdio_saved_fl[fd] >= 0) {
            chardev_set_nonblock(fd);
        }
    }
}

static void stdio_forget_terminal(void)
{
    chardev_restore_terminal();
    stdio_tio_saved = 0;
    stdio_fl_saved = 0;
}

/* ---------------------------------------------------------------- kind */

static bool stdio_fd_is_socket(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static bool stdio_open(BbChardev *chr, const char *arg, GError **error)
{
    if (stdio_owner) {
        chardev_error(chr, error, BB_ERROR_EXISTS,
                      "the terminal is already used by chardev '%s'; "
                      "expected at most one stdio backend",
                      stdio_owner->id);
        return false;
    }
    /* Handlers first, so a crash while switching still restores. */
    stdio_install_handlers();
    if (isatty(STDIN_FILENO) && !stdio_make_raw(chr, error)) {
        stdio_remove_handlers();
        return false;
    }
    stdio_make_nonblocking();
    stdio_owner = chr;
    chr->backend = g_new0(StdioBackend, 1);
    chardev_ignore_sigpipe();
    chardev_io_attach(chr, stdio_saved_fl[0] >= 0 ? STDIN_FILENO : -1,
                      stdio_saved_fl[1] >= 0 ? STDOUT_FILENO : -1, false,
                      stdio_fd_is_socket(STDOUT_FILENO));
    chardev_set_connected(chr, true);
    return true;
}

static void stdio_close(BbChardev *chr)
{
    stdio_forget_terminal();
    stdio_remove_handlers();
    stdio_owner = NULL;
    g_free(chr->backend);
    chr->backend = NULL;
}

static void stdio_command(BbChardev *chr, uint8_t c, GByteArray *out)
{
    static const uint8_t ctrl_a = CTRL_A;

    switch (c) {
    case 'x':
    case 'X':
        if (chr->opts.quit) {
            chr->opts.quit(chr->opts.quit_opaque);
        }
        break;
    case 'h':
    case 'H':
        chardev_io_write(chr, stdio_help, strlen(stdio_help), true);
        break;
    case 'c':
    case 'C':
        if (stdio_mux_fn) {
            StdioBackend *s = chr->backend;
            s->monitor = !s->monitor;
            if (s->monitor) {
                stdio_mux_fn(stdio_mux_opaque, NULL, 0);
            } else {
                chardev_io_write(chr, "\r\n", 2, true);
            }
        } else {
            g_byte_array_append(out, &ctrl_a, 1);
            g_byte_array_append(out, &c, 1);
        }
        break;
    case CTRL_A:
        g_byte_array_append(out, &ctrl_a, 1);
        break;
    default:
        g_byte_array_append(out, &ctrl_a, 1);
        g_byte_array_append(out, &c, 1);
        break;
    }
}

/* Ordinary bytes: to the guest, or to the monitor while it has the
 * terminal. */
static void stdio_pass(StdioBackend *s, const uint8_t *buf, size_t len,
                       GByteArray *out)
{
    if (!len) {
        return;
    }
    if (s->monitor && stdio_mux_fn) {
        stdio_mux_fn(stdio_mux_opaque, buf, len);
    } else {
        g_byte_array_append(out, buf, len);
    }
}

static void stdio_filter(BbChardev *chr, const uint8_t *buf, size_t len,
                         GByteArray *out)
{
    StdioBackend *s = chr->backend;
    size_t plain = 0; /* start of a run of ordinary bytes */

    for (size_t i = 0; i < len; i++) {
        if (s->escape) {
            s->escape = false;
            stdio_command(chr, buf[i], out);
            plain = i + 1;
        } else if (buf[i] == CTRL_A) {
            stdio_pass(s, buf + plain, i - plain, out);
            s->escape = true;
            plain = i + 1;
        }
    }
    stdio_pass(s, buf + plain, len - plain, out);
}

/* A Ctrl-A at the very end of the input is passed on as it is. */
static void stdio_input_ended(BbChardev *chr, bool hangup)
{
    StdioBackend *s = chr->backend;
    static const uint8_t ctrl_a = CTRL_A;

    if (s->escape) {
        s->escape = false;
        g_byte_array_append(chr->pending, &ctrl_a, 1);
    }
}

const ChardevOps chardev_stdio_ops = {
    .kind = "stdio",
    .syntax = "stdio",
    .open = stdio_open,
    .close = stdio_close,
    .filter = stdio_filter,
    .input_ended = stdio_input_ended,
};
