/*
 * chardev-stdio-test.c - the stdio backend (chardev.h) on a
 * pseudo-terminal: raw mode while it exists, the Ctrl-A escapes (x quits,
 * h prints help, Ctrl-A Ctrl-A sends one Ctrl-A, others pass), output
 * without "\n" -> "\r\n" translation, and the terminal restored after
 * bb_chardev_free(), after crashes (SIGSEGV raised, from a bad pointer and
 * from a stack overflow; SIGABRT) and
 * after SIGTERM/SIGHUP, also when the host has its own SIGTERM handler.
 * Also stdio on plain pipes, and "one stdio at a time".
 *
 * The backend works on the process's own stdin/stdout, so every case runs
 * in a forked child whose stdin/stdout are the pty slave (or pipes); the
 * parent keeps the slave open so its settings can be checked from
 * outside, types on the master and reads what the child prints.  The
 * child reports over a pipe; every wait has a deadline.
 */
#define _GNU_SOURCE /* posix_openpt and friends */
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <termios.h>

#include "chardev/chardev-helpers.h"

enum {
    MODE_INTERACTIVE,   /* type escapes, quit with Ctrl-A x, free */
    MODE_RAISE_SEGV,    /* raise(SIGSEGV) when told */
    MODE_FAULT,         /* a real invalid memory access when told */
    MODE_ABORT,         /* abort() when told */
    MODE_STACK,         /* overflow the stack when told */
    MODE_WAIT_KILL,     /* run until killed */
    MODE_HOST_HANDLER,  /* own SIGTERM handler: free on the signal */
    MODE_PIPES,         /* stdin/stdout are pipes, not a terminal */
};

typedef struct Pty {
    int master;
    int slave;                /* kept open by the parent */
    char *name;
    struct termios original;  /* what the child must leave behind */
} Pty;

typedef struct Child {
    pid_t pid;
    int status_r;   /* child -> parent reports */
    int go_w;       /* parent -> child: 'g' = go */
} Child;

/* ------------------------------------------------------------ child side */

static volatile int *volatile bad_pointer; /* NULL, opaque to the compiler */
static volatile sig_atomic_t child_quit;
static volatile sig_atomic_t child_term;

static void on_quit(void *opaque)
{
    child_quit = 1;
}

static void on_host_term(int signo)
{
    child_term = 1; /* a host would call chardev_restore_terminal() too */
}

/* Deep enough to overflow any stack (the bound keeps compilers from
 * calling it infinite). */
static G_GNUC_NO_INLINE unsigned recurse(volatile char *up, unsigned depth)
{
    volatile char frame[1024];

    frame[0] = up ? up[0] + 1 : 0;
    if (depth > (1u << 30)) {
        return frame[0];
    }
    return recurse(frame, depth + 1) + frame[1];
}

static void child_report(int fd, const void *buf, size_t len)
{
    if (write(fd, buf, len) != (ssize_t)len) {
        _exit(90);
    }
}

/* The child's stdin/stdout become @tty (its controlling terminal). */
static void child_take_tty(const char *name)
{
    setsid();
    int fd = open(name, O_RDWR);
    if (fd < 0) {
        _exit(91);
    }
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    if (fd > STDOUT_FILENO) {
        close(fd);
    }
}

static void child_default_signals(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL,
                                SIGQUIT, SIGHUP, SIGINT, SIGTERM };

    /* cmocka catches some of these; the backend only takes defaults. */
    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        signal(sigs[i], SIG_DFL);
    }
    prctl(PR_SET_DUMPABLE, 0); /* no core files from the crash cases */
}

static void child_wait_go(int go_r)
{
    char c;

    if (read(go_r, &c, 1) != 1) {
        _exit(92);
    }
}

/* Frontend of the child: everything typed is kept for the report. */
static GByteArray *child_rx;

static size_t child_can_receive(void *opaque)
{
    return 1024;
}

static void child_receive(void *opaque, const uint8_t *buf, size_t len)
{
    g_byte_array_append(child_rx, buf, len);
}

static const BbChardevHandlers child_handlers = {
    .can_receive = child_can_receive,
    .receive = child_receive,
};

static void child_run(int mode, int status_w, int go_r)
{
    BbTimerContext *timers = bb_timer_context_new(false, 0);
    BbMainLoop *loop = bb_main_loop_new(timers);
    BbChardevOptions opts = { .quit = on_quit };
    GError *err = NULL;

    child_rx = g_byte_array_new();
    if (mode == MODE_HOST_HANDLER) {
        signal(SIGTERM, on_host_term);
    }
    BbChardev *chr = bb_chardev_new(loop, "con", "stdio", &opts, &err);
    if (!chr) {
        dprintf(STDERR_FILENO, "child: %s\n", err->message);
        _exit(93);
    }
    bb_chardev_set_handlers(chr, &child_handlers, NULL);

    /* A second stdio is refused while this one exists. */
    BbChardev *two = bb_chardev_new(loop, "two", "stdio", NULL, &err);
    if (two || strcmp(err->message,
                      "chardev 'two' (stdio): the terminal is already used "
                      "by chardev 'con'; expected at most one stdio "
                      "backend")) {
        _exit(94);
    }
    g_clear_error(&err);

    child_report(status_w, "R", 1);
    switch (mode) {
    case MODE_RAISE_SEGV:
        child_wait_go(go_r);
        raise(SIGSEGV);
        _exit(95);
    case MODE_FAULT:
        child_wait_go(go_r);
        *bad_pointer = 1;
        _exit(95);
    case MODE_ABORT:
        child_wait_go(go_r);
        abort();
    case MODE_STACK:
        child_wait_go(go_r);
        _exit(recurse(NULL, 0) ? 95 : 98);
    default:
        break;
    }

    bb_chardev_write(chr, "hello\n", 6);
    volatile sig_atomic_t *until = mode == MODE_HOST_HANDLER ? &child_term
                                                             : &child_quit;
    if (!PUMP_UNTIL(loop, *until, 10000)) {
        _exit(96);
    }
    bb_chardev_free(chr);

    /* Report: quit seen, stdin blocking again, the host's handler kept,
     * then the bytes the frontend got. */
    struct sigaction sa;
    sigaction(SIGTERM, NULL, &sa);
    char flags[3] = {
        child_quit ? 'Q' : 'q',
        (fcntl(STDIN_FILENO, F_GETFL) & O_NONBLOCK) ? 'n' : 'B',
        mode != MODE_HOST_HANDLER || sa.sa_handler == on_host_term ? 'H'
                                                                    : 'h',
    };
    child_report(status_w, flags, sizeof(flags));
    child_report(status_w, child_rx->data, child_rx->len);

    /* And a stdio backend can be had again. */
    chr = bb_chardev_new(loop, "con2", "stdio", NULL, &err);
    if (!chr) {
        _exit(97);
    }
    bb_chardev_free(chr);
    bb_main_loop_free(loop);
    bb_timer_context_free(timers);
    _exit(0);
}

/* ------------------------------------------------------------ parent side */

static void pty_open(Pty *p)
{
    struct termios t;

    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(p->master >= 0);
    assert_int_equal(grantpt(p->master), 0);
    assert_int_equal(unlockpt(p->master), 0);
    p->name = g_strdup(ptsname(p->master));
    p->slave = open(p->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(p->slave >= 0);
    /* A typical interactive terminal. */
    assert_int_equal(tcgetattr(p->slave, &t), 0);
    t.c_iflag |= ICRNL | IXON;
    t.c_oflag |= OPOST | ONLCR;
    t.c_lflag |= ICANON | ECHO | ISIG | IEXTEN;
    assert_int_equal(tcsetattr(p->slave, TCSANOW, &t), 0);
    assert_int_equal(tcgetattr(p->slave, &p->original), 0);
    set_nonblock(p->master);
}

static void pty_close(Pty *p)
{
    close(p->slave);
    close(p->master);
    g_free(p->name);
}

static void child_start(Child *ch, int mode, const char *tty, int in_fd,
                        int out_fd)
{
    int status[2], go[2];

    assert_int_equal(pipe(status), 0);
    assert_int_equal(pipe(go), 0);
    fflush(NULL);
    ch->pid = fork();
    assert_true(ch->pid >= 0);
    if (ch->pid == 0) {
        close(status[0]);
        close(go[1]);
        alarm(20); /* never outlive a broken test */
        child_default_signals();
        if (tty) {
            child_take_tty(tty);
        } else {
            dup2(in_fd, STDIN_FILENO);
            dup2(out_fd, STDOUT_FILENO);
        }
        child_run(mode, status[1], go[0]);
    }
    close(status[1]);
    close(go[0]);
    ch->status_r = status[0];
    ch->go_w = go[1];
}

/* Read from @fd until EOF or @want bytes (0: until EOF), with a deadline. */
static GByteArray *read_until(int fd, size_t want, int ms)
{
    GByteArray *got = g_byte_array_new();
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    while (!want || got->len < want) {
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        uint8_t buf[4096];
        if (left <= 0 || poll(&pfd, 1, left) <= 0) {
            break;
        }
        ssize_t r = read(fd, buf, want ? MIN(sizeof(buf), want - got->len)
                                        : sizeof(buf));
        if (r <= 0) {
            break;
        }
        g_byte_array_append(got, buf, r);
    }
    return got;
}

/* Read the pty master until @text shows up; everything read goes into
 * @seen. */
static bool master_expect(Pty *p, const char *text, GString *seen)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;

    while (!strstr(seen->str, text)) {
        struct pollfd pfd = { .fd = p->master, .events = POLLIN };
        char buf[1024];
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        if (left <= 0) {
            return false;
        }
        if (poll(&pfd, 1, left) > 0) {
            ssize_t r = read(p->master, buf, sizeof(buf));
            if (r > 0) {
                g_string_append_len(seen, buf, r);
            }
        }
    }
    return true;
}

/* waitpid with a deadline; kills the child if it does not finish. */
static int child_wait(Child *ch)
{
    int status = -1;

    for (int i = 0; i < WAIT_MS / 10; i++) {
        if (waitpid(ch->pid, &status, WNOHANG) == ch->pid) {
            goto done;
        }
        g_usleep(10 * 1000);
    }
    kill(ch->pid, SIGKILL);
    waitpid(ch->pid, &status, 0);
    fail_msg("child did not finish");
done:
    close(ch->go_w);
    return status;
}

static void child_wait_ready(Child *ch)
{
    g_autoptr(GByteArray) r = read_until(ch->status_r, 1, WAIT_MS);

    if (r->len != 1 || r->data[0] != 'R') {
        int status = child_wait(ch);
        fail_msg("child did not get ready (status 0x%x)", status);
    }
}

static void assert_raw(const Pty *p)
{
    struct termios t;

    assert_int_equal(tcgetattr(p->slave, &t), 0);
    assert_int_equal(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0);
    assert_int_equal(t.c_oflag & OPOST, 0);
    assert_int_equal(t.c_iflag & (ICRNL | IXON | ISTRIP), 0);
    assert_int_equal(t.c_cflag & CSIZE, CS8);
    assert_int_equal(t.c_cc[VMIN], 1);
}

static void assert_restored(const Pty *p)
{
    struct termios t;

    assert_int_equal(tcgetattr(p->slave, &t), 0);
    assert_int_equal(t.c_iflag, p->original.c_iflag);
    assert_int_equal(t.c_oflag, p->original.c_oflag);
    assert_int_equal(t.c_lflag, p->original.c_lflag);
    assert_int_equal(t.c_cflag, p->original.c_cflag);
    assert_memory_equal(t.c_cc, p->original.c_cc, sizeof(t.c_cc));
}

/* ------------------------------------------------------------ tests */

static void test_interactive(void **state)
{
    Pty p;
    Child ch;
    g_autoptr(GString) seen = g_string_new(NULL);

    pty_open(&p);
    child_start(&ch, MODE_INTERACTIVE, p.name, -1, -1);
    child_wait_ready(&ch);
    assert_raw(&p);

    /* Guest output as is: no "\r" added in front of "\n". */
    assert_true(master_expect(&p, "hello\n", seen));
    assert_null(strstr(seen->str, "\r"));

    /* Typed: plain bytes, Ctrl-A Ctrl-A, Ctrl-A z, Ctrl-C and CR pass as
     * bytes; Ctrl-A h prints the help; Ctrl-A x quits. */
    write_all(p.master, "ab\x01\x01" "c\x01z\x03\r", 9);
    write_all(p.master, "\x01h", 2);
    assert_true(master_expect(&p, "Ctrl-A x", seen));
    assert_non_null(strstr(seen->str, "Ctrl-A h"));
    assert_non_null(strstr(seen->str, "Ctrl-A Ctrl-A"));
    write_all(p.master, "\x01x", 2);

    g_autoptr(GByteArray) report = read_until(ch.status_r, 0, WAIT_MS);
    int status = child_wait(&ch);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(report->len >= 3);
    assert_memory_equal(report->data, "QBH", 3);
    assert_int_equal(report->len - 3, 8);
    assert_memory_equal(report->data + 3, "ab\x01" "c\x01z\x03\r", 8);
    assert_restored(&p);
    close(ch.status_r);
    pty_close(&p);
}

/* Crash after raw mode: the terminal is restored, the signal kills. */
static void check_crash(int mode, int signo)
{
    Pty p;
    Child ch;

    pty_open(&p);
    child_start(&ch, mode, p.name, -1, -1);
    child_wait_ready(&ch);
    assert_raw(&p);
    write_all(ch.go_w, "g", 1);
    int status = child_wait(&ch);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != signo) {
        fail_msg("child status 0x%x, expected death by signal %d", status,
                 signo);
    }
    assert_restored(&p);
    close(ch.status_r);
    pty_close(&p);
}

static void test_crash_raise_segv(void **state)
{
    check_crash(MODE_RAISE_SEGV, SIGSEGV);
}

static void test_crash_fault(void **state)
{
    check_crash(MODE_FAULT, SIGSEGV);
}

static void test_crash_abort(void **state)
{
    check_crash(MODE_ABORT, SIGABRT);
}

/* The handler runs on its own stack, so even this is covered. */
static void test_crash_stack_overflow(void **state)
{
    check_crash(MODE_STACK, SIGSEGV);
}

/* Killed with the default disposition in place: restored, killed. */
static void check_kill(int signo)
{
    Pty p;
    Child ch;

    pty_open(&p);
    child_start(&ch, MODE_WAIT_KILL, p.name, -1, -1);
    child_wait_ready(&ch);
    assert_raw(&p);
    assert_int_equal(kill(ch.pid, signo), 0);
    int status = child_wait(&ch);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != signo) {
        fail_msg("child status 0x%x, expected death by signal %d", status,
                 signo);
    }
    assert_restored(&p);
    close(ch.status_r);
    pty_close(&p);
}

static void test_kill_term(void **state)
{
    check_kill(SIGTERM);
}

static void test_kill_hup(void **state)
{
    check_kill(SIGHUP);
}

/* The host handles SIGTERM itself: the backend leaves that handler alone
 * (the process is not killed), and freeing restores the terminal. */
static void test_host_sigterm_handler(void **state)
{
    Pty p;
    Child ch;

    pty_open(&p);
    child_start(&ch, MODE_HOST_HANDLER, p.name, -1, -1);
    child_wait_ready(&ch);
    assert_raw(&p);
    assert_int_equal(kill(ch.pid, SIGTERM), 0);
    g_autoptr(GByteArray) report = read_until(ch.status_r, 0, WAIT_MS);
    int status = child_wait(&ch);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(report->len >= 3);
    assert_memory_equal(report->data, "qBH", 3);
    assert_restored(&p);
    close(ch.status_r);
    pty_close(&p);
}

/* Not a terminal: no raw mode needed, escapes still work, EOF is fine. */
static void test_pipes(void **state)
{
    int in[2], out[2];
    Child ch;

    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    child_start(&ch, MODE_INTERACTIVE, NULL, in[0], out[1]);
    close(in[0]);
    close(out[1]);
    child_wait_ready(&ch);
    g_autoptr(GByteArray) hello = read_until(out[0], 6, WAIT_MS);
    assert_int_equal(hello->len, 6);
    assert_memory_equal(hello->data, "hello\n", 6);
    write_all(in[1], "p\x01\x01q\x01x", 6);
    g_autoptr(GByteArray) report = read_until(ch.status_r, 0, WAIT_MS);
    int status = child_wait(&ch);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(report->len >= 3);
    assert_memory_equal(report->data, "QBH", 3);
    assert_int_equal(report->len - 3, 3);
    assert_memory_equal(report->data + 3, "p\x01q", 3);
    close(in[1]);
    close(out[0]);
    close(ch.status_r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interactive),
        cmocka_unit_test(test_crash_raise_segv),
        cmocka_unit_test(test_crash_fault),
        cmocka_unit_test(test_crash_abort),
        cmocka_unit_test(test_crash_stack_overflow),
        cmocka_unit_test(test_kill_term),
        cmocka_unit_test(test_kill_hup),
        cmocka_unit_test(test_host_sigterm_handler),
        cmocka_unit_test(test_pipes),
    };

    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
