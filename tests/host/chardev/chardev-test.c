/*
 * chardev-test.c - the character backend core and the descriptor
 * backends (chardev.h): null, file, pipe, fd; spec errors with their
 * exact messages; input flow control (can_receive, paused watches,
 * accept_input) and output back-pressure (bounded queue, short writes,
 * write_ready, flush), each pushing 1 MiB through without losing a byte.
 */
#include <signal.h>
#include <sys/stat.h>

#include "chardev/chardev-helpers.h"

static BbChardev *open_ok(TestCtx *c, const char *id, const char *spec,
                          const BbChardevOptions *opts)
{
    GError *err = NULL;
    BbChardev *chr = bb_chardev_new(c->loop, id, spec, opts, &err);

    assert_no_error(err);
    assert_non_null(chr);
    return chr;
}

/* ------------------------------------------------------------ null */

static void test_null(void **state)
{
    TestCtx *c = *state;
    TestFrontend fe;
    BbChardev *chr = open_ok(c, "n0", "null", NULL);

    fe_init(&fe, 100);
    assert_string_equal(bb_chardev_get_id(chr), "n0");
    assert_string_equal(bb_chardev_get_spec(chr), "null");
    assert_true(bb_chardev_is_connected(chr));
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    assert_string_equal(fe.events->str, "O"); /* connected: at once */
    assert_int_equal(bb_chardev_write(chr, "abc", 3), 3);
    assert_int_equal(pump_count(c->loop, 10), 0); /* nothing to do */
    assert_int_equal(fe.rx->len, 0);
    assert_true(bb_chardev_flush(chr, 0));
    bb_chardev_free(chr);
    bb_chardev_free(NULL);
    fe_clear(&fe);
}

/* ------------------------------------------------------------ file */

static void test_file_appends(void **state)
{
    TestCtx *c = *state;
    g_autofree char *path = ctx_path(c, "out.txt");
    g_autofree char *spec = g_strconcat("file:", path, NULL);
    g_autofree char *text = NULL;

    assert_true(g_file_set_contents(path, "old\n", -1, NULL));
    BbChardev *chr = open_ok(c, "f0", spec, NULL);
    assert_true(bb_chardev_is_connected(chr));
    assert_int_equal(bb_chardev_write(chr, "hello ", 6), 6);
    assert_int_equal(bb_chardev_write(chr, "world\n", 6), 6);
    assert_true(bb_chardev_flush(chr, 1000));
    bb_chardev_free(chr);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_string_equal(text, "old\nhello world\n");

    /* Created when missing. */
    unlink(path);
    chr = open_ok(c, "f0", spec, NULL);
    assert_int_equal(bb_chardev_write(chr, "x", 1), 1);
    bb_chardev_free(chr);
    g_free(text);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_string_equal(text, "x");
}

/* ------------------------------------------------------------ pipe */

static void test_pipe_fifos(void **state)
{
    TestCtx *c = *state;
    g_autofree char *base = ctx_path(c, "con");
    g_autofree char *in = g_strconcat(base, ".in", NULL);
    g_autofree char *out = g_strconcat(base, ".out", NULL);
    g_autofree char *spec = g_strconcat("pipe:", base, NULL);
    g_autoptr(GByteArray) got = g_byte_array_new();
    TestFrontend fe;

    assert_int_equal(mkfifo(in, 0600), 0);
    assert_int_equal(mkfifo(out, 0600), 0);
    BbChardev *chr = open_ok(c, "p0", spec, NULL);
    fe_init(&fe, 1000);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);

    int wfd = open(in, O_WRONLY | O_NONBLOCK); /* we hold the read end */
    int rfd = open(out, O_RDONLY | O_NONBLOCK);
    assert_true(wfd >= 0 && rfd >= 0);
    write_all(wfd, "ping", 4);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 4, WAIT_MS));
    assert_true(fe_got(&fe, "ping"));
    assert_int_equal(bb_chardev_write(chr, "pong", 4), 4);
    assert_true(read_exact(c->loop, rfd, got, 4));
    assert_memory_equal(got->data, "pong", 4);

    /* A writer leaving is no end of input: the next one goes on. */
    close(wfd);
    assert_int_equal(pump_count(c->loop, 5), 0);
    wfd = open(in, O_WRONLY | O_NONBLOCK);
    write_all(wfd, "!", 1);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 5, WAIT_MS));
    assert_true(fe_got(&fe, "ping!"));
    assert_string_equal(fe.events->str, "O");

    bb_chardev_free(chr);
    close(wfd);
    close(rfd);
    fe_clear(&fe);
}

static void test_pipe_single_path(void **state)
{
    TestCtx *c = *state;
    g_autofree char *base = ctx_path(c, "both");
    g_autofree char *spec = g_strconcat("pipe:", base, NULL);
    TestFrontend fe;

    /* Without .in/.out the path itself is used both ways: a FIFO echoes
     * our own output back to us. */
    assert_int_equal(mkfifo(base, 0600), 0);
    BbChardev *chr = open_ok(c, "p1", spec, NULL);
    fe_init(&fe, 1000);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    assert_int_equal(bb_chardev_write(chr, "loop", 4), 4);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 4, WAIT_MS));
    assert_true(fe_got(&fe, "loop"));
    bb_chardev_free(chr);
    fe_clear(&fe);
}

/* ------------------------------------------------------------ fd */

static void test_fd_socketpair(void **state)
{
    TestCtx *c = *state;
    g_autoptr(GByteArray) got = g_byte_array_new();
    int sv[2];
    TestFrontend fe;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[0]);
    int flags = fcntl(sv[0], F_GETFL);
    BbChardev *chr = open_ok(c, "s0", spec, NULL);
    fe_init(&fe, 1000);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    assert_string_equal(fe.events->str, "O");

    write_all(sv[1], "to guest", 8);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 8, WAIT_MS));
    assert_true(fe_got(&fe, "to guest"));
    assert_int_equal(bb_chardev_write(chr, "from guest", 10), 10);
    set_nonblock(sv[1]);
    assert_true(read_exact(c->loop, sv[1], got, 10));
    assert_memory_equal(got->data, "from guest", 10);

    /* The peer leaves after a last word: word first, then CLOSED. */
    write_all(sv[1], "bye", 3);
    close(sv[1]);
    assert_true(PUMP_UNTIL(c->loop, strchr(fe.events->str, 'C'), WAIT_MS));
    assert_string_equal(fe.events->str, "OC");
    assert_true(fe_got(&fe, "to guestbye"));
    assert_int_equal(fe.rx_at_close, 11);
    assert_false(bb_chardev_is_connected(chr));
    /* Output to a vanished peer is accepted and dropped, and the loop
     * does not spin on the dead descriptor. */
    assert_int_equal(bb_chardev_write(chr, "lost", 4), 4);
    assert_int_equal(pump_count(c->loop, 5), 0);

    bb_chardev_free(chr);
    /* Borrowed: still open, flags as before. */
    assert_int_equal(fcntl(sv[0], F_GETFL), flags);
    close(sv[0]);
    fe_clear(&fe);
}

static void test_fd_two_pipes(void **state)
{
    TestCtx *c = *state;
    g_autoptr(GByteArray) got = g_byte_array_new();
    int to_chr[2], from_chr[2];
    TestFrontend fe;

    assert_int_equal(pipe(to_chr), 0);
    assert_int_equal(pipe(from_chr), 0);
    g_autofree char *spec =
        g_strdup_printf("fd:%d,%d", to_chr[0], from_chr[1]);
    BbChardev *chr = open_ok(c, "p2", spec, NULL);
    fe_init(&fe, 1000);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);

    write_all(to_chr[1], "in", 2);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 2, WAIT_MS));
    assert_true(fe_got(&fe, "in"));
    assert_int_equal(bb_chardev_write(chr, "out", 3), 3);
    set_nonblock(from_chr[0]);
    assert_true(read_exact(c->loop, from_chr[0], got, 3));
    assert_memory_equal(got->data, "out", 3);

    /* End of input: CLOSED, but output still flows. */
    close(to_chr[1]);
    assert_true(PUMP_UNTIL(c->loop, strchr(fe.events->str, 'C'), WAIT_MS));
    assert_int_equal(bb_chardev_write(chr, "more", 4), 4);
    assert_true(read_exact(c->loop, from_chr[0], got, 7));
    assert_memory_equal(got->data, "outmore", 7);
    assert_int_equal(pump_count(c->loop, 5), 0);

    bb_chardev_free(chr);
    close(to_chr[0]);
    close(from_chr[0]);
    close(from_chr[1]);
    fe_clear(&fe);
}

/* ------------------------------------------------------------ errors */

typedef struct BadSpec {
    const char *spec;
    int code;
    const char *message; /* after "chardev 'bad' (SPEC): " */
} BadSpec;

static void test_bad_specs(void **state)
{
    TestCtx *c = *state;
    g_autofree char *file = ctx_path(c, "plain");
    g_autofree char *unix_file = g_strconcat("unix:", file, NULL);
    g_autofree char *fifo_base = ctx_path(c, "half");
    g_autofree char *fifo_in = g_strconcat(fifo_base, ".in", NULL);
    g_autofree char *pipe_half = g_strconcat("pipe:", fifo_base, NULL);
    g_autofree char *missing = ctx_path(c, "nothing");
    g_autofree char *pipe_missing = g_strconcat("pipe:", missing, NULL);
    g_autofree char *long_path = g_strnfill(120, 'x');
    g_autofree char *unix_long = g_strconcat("unix:", long_path, NULL);
    g_autofree char *msg_file = g_strdup_printf(
        "'%s' exists and is not a socket; expected a new path or a stale "
        "socket", file);
    g_autofree char *msg_half = g_strdup_printf(
        "'%s.in' exists but '%s.out' does not; expected both FIFOs or "
        "neither (then '%s' is used both ways)", fifo_base, fifo_base,
        fifo_base);
    g_autofree char *msg_missing = g_strdup_printf(
        "cannot open '%s': No such file or directory; expected FIFOs "
        "'%s.in' and '%s.out', or '%s'", missing, missing, missing, missing);
    const char *kinds = "expected null, stdio, file:PATH, pipe:PATH, "
                        "fd:IN[,OUT], unix:PATH or tcp:HOST:PORT";
    g_autofree char *msg_foo =
        g_strdup_printf("unknown backend kind 'foo'; %s", kinds);
    g_autofree char *msg_empty =
        g_strdup_printf("unknown backend kind ''; %s", kinds);
    const BadSpec bad[] = {
        { "", BB_ERROR_NOT_FOUND, msg_empty },
        { "foo", BB_ERROR_NOT_FOUND, msg_foo },
        { "foo:bar", BB_ERROR_NOT_FOUND, msg_foo },
        { "null:x", BB_ERROR_INVALID,
          "'null' takes no argument; expected null" },
        { "stdio:", BB_ERROR_INVALID,
          "'stdio' takes no argument; expected stdio" },
        { "file", BB_ERROR_INVALID, "missing argument; expected file:PATH" },
        { "file:", BB_ERROR_INVALID, "missing argument; expected file:PATH" },
        { "file:/nonexistent-dir/x", BB_ERROR_IO,
          "cannot open '/nonexistent-dir/x' for appending: No such file or "
          "directory" },
        { pipe_half, BB_ERROR_NOT_FOUND, msg_half },
        { pipe_missing, BB_ERROR_IO, msg_missing },
        { "fd:", BB_ERROR_INVALID, "missing argument; expected fd:IN[,OUT]" },
        { "fd:abc", BB_ERROR_INVALID,
          "invalid descriptor 'abc'; expected fd:IN[,OUT] with descriptor "
          "numbers" },
        { "fd:0,", BB_ERROR_INVALID,
          "invalid descriptor ''; expected fd:IN[,OUT] with descriptor "
          "numbers" },
        { "fd:-1", BB_ERROR_INVALID,
          "invalid descriptor '-1'; expected fd:IN[,OUT] with descriptor "
          "numbers" },
        { "fd:1,2,3", BB_ERROR_INVALID,
          "too many descriptors; expected fd:IN[,OUT]" },
        { "fd:999", BB_ERROR_NOT_FOUND,
          "descriptor 999 is not open; expected an inherited open "
          "descriptor" },
        { "unix:", BB_ERROR_INVALID, "missing argument; expected unix:PATH" },
        { unix_long, BB_ERROR_INVALID,
          "socket path is 120 bytes long; expected at most 107" },
        { unix_file, BB_ERROR_EXISTS, msg_file },
        { "tcp:", BB_ERROR_INVALID,
          "missing argument; expected tcp:HOST:PORT" },
        { "tcp:4444", BB_ERROR_INVALID,
          "missing host or port; expected tcp:HOST:PORT" },
        { "tcp::4444", BB_ERROR_INVALID,
          "missing host or port; expected tcp:HOST:PORT" },
        { "tcp:127.0.0.1", BB_ERROR_INVALID,
          "missing host or port; expected tcp:HOST:PORT" },
        { "tcp:127.0.0.1:", BB_ERROR_INVALID,
          "invalid port ''; expected tcp:HOST:PORT with PORT 1-65535" },
        { "tcp:127.0.0.1:0", BB_ERROR_INVALID,
          "invalid port '0'; expected tcp:HOST:PORT with PORT 1-65535" },
        { "tcp:127.0.0.1:65536", BB_ERROR_INVALID,
          "invalid port '65536'; expected tcp:HOST:PORT with PORT 1-65535" },
        { "tcp:127.0.0.1:http", BB_ERROR_INVALID,
          "invalid port 'http'; expected tcp:HOST:PORT with PORT 1-65535" },
        { "tcp:10.0.0.1:4444", BB_ERROR_INVALID,
          "host '10.0.0.1' is not a loopback address; expected 127.x.x.x, "
          "localhost or ::1" },
        { "tcp:0.0.0.0:4444", BB_ERROR_INVALID,
          "host '0.0.0.0' is not a loopback address; expected 127.x.x.x, "
          "localhost or ::1" },
        { "tcp:example.com:4444", BB_ERROR_INVALID,
          "host 'example.com' is not a loopback address; expected "
          "127.x.x.x, localhost or ::1" },
        { "tcp:[::]:4444", BB_ERROR_INVALID,
          "host '::' is not a loopback address; expected 127.x.x.x, "
          "localhost or ::1" },
        { "tcp:::ffff:127.0.0.1:4444", BB_ERROR_INVALID,
          "host '::ffff:127.0.0.1' is not a loopback address; expected "
          "127.x.x.x, localhost or ::1" },
    };

    assert_true(g_file_set_contents(file, "", 0, NULL));
    assert_int_equal(mkfifo(fifo_in, 0600), 0);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        g_autofree char *want = g_strdup_printf("chardev 'bad' (%s): %s",
                                                bad[i].spec, bad[i].message);
        BbChardev *chr = bb_chardev_new(c->loop, "bad", bad[i].spec, NULL,
                                        &err);
        if (chr) {
            fail_msg("spec '%s' was accepted", bad[i].spec);
        }
        assert_error(err, BB_DEVICE_ERROR, bad[i].code);
        if (strcmp(err->message, want)) {
            fail_msg("spec '%s':\n  got  '%s'\n  want '%s'", bad[i].spec,
                     err->message, want);
        }
        g_error_free(err);
    }
    /* Nothing was left behind: the stale-looking regular file is intact. */
    assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
}

/* --------------------------------------------------- input flow control */

static void test_input_backpressure(void **state)
{
    TestCtx *c = *state;
    int sv[2];
    TestFrontend fe;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[0]);
    BbChardev *chr = open_ok(c, "bp", spec, NULL);
    fe_init(&fe, 3);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);

    write_all(sv[1], "abcdefghij", 10);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 3, WAIT_MS));
    /* Full: the watch is paused, so iterations find nothing to do (a
     * readable descriptor still watched would dispatch every time). */
    assert_int_equal(pump_count(c->loop, 20), 0);
    assert_true(fe_got(&fe, "abc"));
    assert_false(fe.over_budget);

    /* Room for 4 more: exactly those, then paused again. */
    fe.budget = 4;
    bb_chardev_accept_input(chr);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 7, WAIT_MS));
    assert_int_equal(pump_count(c->loop, 20), 0);
    assert_true(fe_got(&fe, "abcdefg"));

    fe.budget = 100;
    bb_chardev_accept_input(chr);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 10, WAIT_MS));
    assert_true(fe_got(&fe, "abcdefghij"));
    assert_false(fe.over_budget);

    /* Detached: nothing is read; reattached: it arrives. */
    bb_chardev_set_handlers(chr, NULL, NULL);
    write_all(sv[1], "k", 1);
    assert_int_equal(pump_count(c->loop, 20), 0);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 11, WAIT_MS));
    assert_true(fe_got(&fe, "abcdefghijk"));

    bb_chardev_free(chr);
    close(sv[0]);
    close(sv[1]);
    fe_clear(&fe);
}

/* The peer hangs up while the frontend is full: nothing it sent is lost,
 * CLOSED comes after the last byte, and the hang-up does not spin. */
static void test_input_hangup_while_full(void **state)
{
    TestCtx *c = *state;
    int sv[2];
    TestFrontend fe;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[0]);
    BbChardev *chr = open_ok(c, "hu", spec, NULL);
    fe_init(&fe, 2);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);

    write_all(sv[1], "12345", 5);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 2, WAIT_MS));
    close(sv[1]);
    /* Noticed once, without delivering beyond the budget; then idle. */
    assert_int_equal(pump_count(c->loop, 20), 1);
    assert_string_equal(fe.events->str, "O");
    assert_true(fe_got(&fe, "12"));
    fe.budget = 1;
    bb_chardev_accept_input(chr);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 3, WAIT_MS));
    assert_int_equal(pump_count(c->loop, 20), 0);
    assert_true(fe_got(&fe, "123"));
    fe.budget = 10;
    bb_chardev_accept_input(chr);
    assert_true(PUMP_UNTIL(c->loop, strchr(fe.events->str, 'C'), WAIT_MS));
    assert_true(fe_got(&fe, "12345"));
    assert_int_equal(fe.rx_at_close, 5);
    assert_int_equal(pump_count(c->loop, 20), 0);

    bb_chardev_free(chr);
    close(sv[0]);
    fe_clear(&fe);
}

#define BIG (1024 * 1024)

static void test_input_1mib(void **state)
{
    TestCtx *c = *state;
    g_autofree uint8_t *pattern = make_pattern(BIG);
    size_t sent = 0;
    int sv[2];
    TestFrontend fe;
    GRand *rand = g_rand_new_with_seed(42);
    unsigned stalls = 0;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    set_nonblock(sv[1]);
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[0]);
    BbChardev *chr = open_ok(c, "big", spec, NULL);
    fe_init(&fe, 0);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);

    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (fe.rx->len < BIG && g_get_monotonic_time() < deadline) {
        if (sent < BIG) {
            ssize_t r = write(sv[1], pattern + sent, MIN(BIG - sent, 50000));
            if (r > 0) {
                sent += r;
            }
        }
        if (fe.budget == 0) {
            /* The guest drains its FIFO now and then, by varying amounts. */
            fe.budget = g_rand_int_range(rand, 1, 3000);
            bb_chardev_accept_input(chr);
            stalls++;
        }
        if (!bb_main_loop_iterate(c->loop, false)) {
            g_usleep(50);
        }
    }
    assert_int_equal(fe.rx->len, BIG);
    assert_memory_equal(fe.rx->data, pattern, BIG);
    assert_false(fe.over_budget);
    assert_true(stalls > 100);

    bb_chardev_free(chr);
    close(sv[0]);
    close(sv[1]);
    g_rand_free(rand);
    fe_clear(&fe);
}

/* ------------------------------------------------- output back-pressure */

static void small_buffers(int ours, int peer)
{
    int size = 4096;

    setsockopt(ours, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    setsockopt(peer, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static void test_output_backpressure(void **state)
{
    TestCtx *c = *state;
    g_autofree uint8_t *pattern = make_pattern(BIG);
    g_autoptr(GByteArray) got = g_byte_array_new();
    BbChardevOptions opts = { .output_limit = 8192 };
    size_t accepted = 0;
    int shorts = 0;
    int sv[2];
    TestFrontend fe;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    small_buffers(sv[0], sv[1]);
    set_nonblock(sv[1]);
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[0]);
    BbChardev *chr = open_ok(c, "out", spec, &opts);
    fe_init(&fe, 0);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);

    /* Nobody reads: the first writes go to the kernel and the queue, then
     * one is short, and from then on nothing more fits. */
    while (accepted < BIG) {
        size_t n = bb_chardev_write(chr, pattern + accepted, 1000);
        accepted += n;
        if (n < 1000) {
            break;
        }
    }
    assert_true(accepted < 256 * 1024); /* kernel buffers + 8 KiB queue */
    assert_int_equal(bb_chardev_write(chr, pattern + accepted, 1000), 0);
    assert_int_equal(pump_count(c->loop, 10), 0); /* no spinning either */
    assert_int_equal(fe.write_ready, 0);
    assert_false(bb_chardev_flush(chr, 0));

    /* A slow reader: whatever it reads, write_ready lets the writer go
     * on; nothing is lost or reordered. */
    int ready_seen = 0;
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (got->len < BIG && g_get_monotonic_time() < deadline) {
        uint8_t buf[1500];
        ssize_t r = read(sv[1], buf, sizeof(buf));
        if (r > 0) {
            g_byte_array_append(got, buf, r);
        }
        bb_main_loop_iterate(c->loop, false);
        if (fe.write_ready > ready_seen) {
            ready_seen = fe.write_ready;
            while (accepted < BIG) {
                size_t want = MIN(1000, BIG - accepted);
                size_t n = bb_chardev_write(chr, pattern + accepted, want);
                accepted += n;
                if (n < want) {
                    shorts++;
                    break;
                }
            }
        }
    }
    assert_int_equal(got->len, BIG);
    assert_memory_equal(got->data, pattern, BIG);
    assert_true(fe.write_ready > 10);
    assert_true(shorts > 10);
    assert_true(bb_chardev_flush(chr, 0));

    bb_chardev_free(chr);
    close(sv[0]);
    close(sv[1]);
    fe_clear(&fe);
}

static void test_flush(void **state)
{
    TestCtx *c = *state;
    g_autofree uint8_t *pattern = make_pattern(BIG);
    g_autoptr(GByteArray) got = g_byte_array_new();
    BbChardevOptions opts = { .output_limit = 16384 };
    size_t accepted = 0;
    int sv[2];
    TestFrontend fe;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    small_buffers(sv[0], sv[1]);
    set_nonblock(sv[1]);
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[0]);
    BbChardev *chr = open_ok(c, "fl", spec, &opts);
    fe_init(&fe, 0);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    for (size_t n = 1; n > 0 && accepted < BIG; accepted += n) {
        n = bb_chardev_write(chr, pattern + accepted, 512);
    }

    /* Nobody reads: a flush gives up after its timeout. */
    gint64 t0 = g_get_monotonic_time();
    assert_false(bb_chardev_flush(chr, 50));
    gint64 took = g_get_monotonic_time() - t0;
    assert_true(took >= 45 * 1000 && took < 2 * G_USEC_PER_SEC);

    /* Drain in a child so the blocking flush has a reader. */
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint8_t buf[4096];
        int fl = fcntl(sv[1], F_GETFL) & ~O_NONBLOCK;
        close(sv[0]);
        fcntl(sv[1], F_SETFL, fl);
        alarm(10);
        while (read(sv[1], buf, sizeof(buf)) > 0) {
        }
        _exit(0);
    }
    assert_true(bb_chardev_flush(chr, WAIT_MS));
    /* The flush freed the queue: the frontend hears write_ready. */
    assert_true(PUMP_UNTIL(c->loop, fe.write_ready > 0, WAIT_MS));
    bb_chardev_free(chr);
    close(sv[0]);
    close(sv[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    fe_clear(&fe);
}

/* The reader of an output-only pipe goes away: output is dropped from
 * then on, a frontend waiting for write_ready is released, no spinning. */
static void test_output_reader_gone(void **state)
{
    TestCtx *c = *state;
    BbChardevOptions opts = { .output_limit = 1024 };
    int p[2], in[2];
    TestFrontend fe;
    char buf[4096] = { 0 };

    assert_int_equal(pipe(p), 0);
    assert_int_equal(pipe(in), 0);
    g_autofree char *spec = g_strdup_printf("fd:%d,%d", in[0], p[1]);
    BbChardev *chr = open_ok(c, "rg", spec, &opts);
    fe_init(&fe, 0);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    while (bb_chardev_write(chr, buf, sizeof(buf)) == sizeof(buf)) {
    }
    close(p[0]);
    assert_true(PUMP_UNTIL(c->loop, fe.write_ready > 0, WAIT_MS));
    assert_int_equal(bb_chardev_write(chr, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(pump_count(c->loop, 10), 0);
    assert_true(bb_chardev_flush(chr, 0));

    bb_chardev_free(chr);
    close(p[1]);
    close(in[0]);
    close(in[1]);
    fe_clear(&fe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_null, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_file_appends, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_pipe_fifos, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_pipe_single_path, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_fd_socketpair, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_fd_two_pipes, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_specs, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_input_backpressure, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_input_hangup_while_full,
                                        ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_input_1mib, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_output_backpressure, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_flush, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_output_reader_gone, ctx_setup,
                                        ctx_teardown),
    };

    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
