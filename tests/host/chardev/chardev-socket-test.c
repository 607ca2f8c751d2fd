/*
 * chardev-socket-test.c - the listening-socket backends (chardev.h):
 * unix:PATH and tcp:HOST:PORT on loopback.  A client connects (OPENED),
 * bytes go both ways, it leaves (CLOSED after its last byte) and the next
 * one is served; a second client waits while the first is there; output
 * without a client is dropped; stale and live unix socket files; a port
 * in use.  TCP ports are found by binding a probe to port 0 and retrying
 * if someone else takes the port in between.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/un.h>

#include "chardev/chardev-helpers.h"

/* ------------------------------------------------------------ clients */

static int connect_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    set_nonblock(fd);
    return fd;
}

static int connect_tcp(int family, guint16 port)
{
    struct sockaddr_storage ss = { 0 };
    socklen_t len;
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof(*a);
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        a->sin6_addr = in6addr_loopback;
        len = sizeof(*a);
    }
    assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
    set_nonblock(fd);
    return fd;
}

/* A port that was free a moment ago on @family's loopback (0: none). */
static guint16 probe_port(int family)
{
    struct sockaddr_storage ss = { 0 };
    socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in)
                                      : sizeof(struct sockaddr_in6);
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    guint16 port = 0;

    ss.ss_family = family;
    if (family == AF_INET) {
        ((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else {
        ((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
    }
    if (fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) == 0 &&
        getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
        port = ntohs(family == AF_INET
                         ? ((struct sockaddr_in *)&ss)->sin_port
                         : ((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

/* Open tcp:@host:PORT on a free port; NULL if @family has no loopback. */
static BbChardev *open_tcp(TestCtx *c, int family, const char *host,
                           guint16 *port)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        GError *err = NULL;
        *port = probe_port(family);
        if (!*port) {
            return NULL;
        }
        g_autofree char *spec = g_strdup_printf("tcp:%s:%u", host, *port);
        BbChardev *chr = bb_chardev_new(c->loop, "t0", spec, NULL, &err);
        if (chr) {
            return chr;
        }
        /* Someone took the port since the probe: try another. */
        assert_error(err, BB_DEVICE_ERROR, BB_ERROR_EXISTS);
        g_error_free(err);
    }
    fail_msg("no free TCP port found in 20 attempts");
    return NULL;
}

/* ------------------------------------------------------ shared checks */

/* A full client session on @chr: OPENED, both directions, CLOSED after
 * the client's last word, then the same again with a new client. */
static void check_sessions(TestCtx *c, BbChardev *chr,
                           int (*connect_fn)(void *), void *arg)
{
    TestFrontend fe;

    fe_init(&fe, 4096);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    assert_false(bb_chardev_is_connected(chr));
    assert_string_equal(fe.events->str, "");
    /* No client: output is accepted and dropped. */
    assert_int_equal(bb_chardev_write(chr, "dropped", 7), 7);

    for (int round = 0; round < 2; round++) {
        g_autoptr(GByteArray) got = g_byte_array_new();
        const char *want_events = round ? "OCOC" : "OC";
        size_t base = fe.rx->len;

        int cl = connect_fn(arg);
        assert_true(PUMP_UNTIL(c->loop, bb_chardev_is_connected(chr),
                               WAIT_MS));
        assert_int_equal(fe.events->str[fe.events->len - 1], 'O');

        write_all(cl, "hello", 5);
        assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= base + 5, WAIT_MS));
        assert_memory_equal(fe.rx->data + base, "hello", 5);

        assert_int_equal(bb_chardev_write(chr, "world", 5), 5);
        assert_true(read_exact(c->loop, cl, got, 5));
        assert_int_equal(got->len, 5); /* "dropped" never arrived */
        assert_memory_equal(got->data, "world", 5);

        write_all(cl, "bye", 3);
        close(cl);
        assert_true(PUMP_UNTIL(c->loop, !bb_chardev_is_connected(chr),
                               WAIT_MS));
        assert_string_equal(fe.events->str, want_events);
        assert_int_equal(fe.rx_at_close, base + 8);
        assert_memory_equal(fe.rx->data + base + 5, "bye", 3);
        assert_int_equal(bb_chardev_write(chr, "gone", 4), 4);
        assert_int_equal(pump_count(c->loop, 10), 0); /* idle, no spin */
    }
    bb_chardev_set_handlers(chr, NULL, NULL);
    fe_clear(&fe);
}

static int connect_unix_cb(void *arg)
{
    return connect_unix(arg);
}

typedef struct TcpTarget {
    int family;
    guint16 port;
} TcpTarget;

static int connect_tcp_cb(void *arg)
{
    TcpTarget *t = arg;

    return connect_tcp(t->family, t->port);
}

/* ------------------------------------------------------------ unix */

static void test_unix_sessions(void **state)
{
    TestCtx *c = *state;
    g_autofree char *path = ctx_path(c, "sock");
    g_autofree char *spec = g_strconcat("unix:", path, NULL);
    GError *err = NULL;

    BbChardev *chr = bb_chardev_new(c->loop, "u0", spec, NULL, &err);
    assert_no_error(err);
    check_sessions(c, chr, connect_unix_cb, path);
    bb_chardev_free(chr);
    /* Our socket file goes with us. */
    assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_unix_second_client_waits(void **state)
{
    TestCtx *c = *state;
    g_autofree char *path = ctx_path(c, "sock");
    g_autofree char *spec = g_strconcat("unix:", path, NULL);
    g_autoptr(GByteArray) got = g_byte_array_new();
    GError *err = NULL;
    TestFrontend fe;

    BbChardev *chr = bb_chardev_new(c->loop, "u1", spec, NULL, &err);
    assert_no_error(err);
    fe_init(&fe, 4096);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);

    int first = connect_unix(path);
    assert_true(PUMP_UNTIL(c->loop, bb_chardev_is_connected(chr), WAIT_MS));
    int second = connect_unix(path); /* queued in the backlog */
    write_all(second, "2", 1);
    write_all(first, "1", 1);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 1, WAIT_MS));
    assert_int_equal(pump_count(c->loop, 20), 0);
    assert_true(fe_got(&fe, "1"));
    assert_int_equal(bb_chardev_write(chr, "to first", 8), 8);
    assert_true(read_exact(c->loop, first, got, 8));

    close(first);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 2, WAIT_MS));
    assert_true(fe_got(&fe, "12"));
    assert_string_equal(fe.events->str, "OCO");
    assert_int_equal(bb_chardev_write(chr, "to second", 9), 9);
    g_byte_array_set_size(got, 0);
    assert_true(read_exact(c->loop, second, got, 9));
    assert_memory_equal(got->data, "to second", 9);

    close(second);
    assert_true(PUMP_UNTIL(c->loop, !bb_chardev_is_connected(chr), WAIT_MS));
    bb_chardev_free(chr);
    fe_clear(&fe);
}

static void test_unix_stale_and_live(void **state)
{
    TestCtx *c = *state;
    g_autofree char *path = ctx_path(c, "sock");
    g_autofree char *spec = g_strconcat("unix:", path, NULL);
    g_autofree char *msg = g_strdup_printf(
        "chardev 'u3' (%s): '%s' is in use by a running server", spec, path);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    GError *err = NULL;

    /* A socket file nobody listens on any more is replaced. */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    close(fd);
    assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    BbChardev *chr = bb_chardev_new(c->loop, "u2", spec, NULL, &err);
    assert_no_error(err);

    /* A live one is not. */
    BbChardev *again = bb_chardev_new(c->loop, "u3", spec, NULL, &err);
    assert_null(again);
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_EXISTS);
    assert_string_equal(err->message, msg);
    g_clear_error(&err);

    /* Still serving after the refused attempt. */
    TestFrontend fe;
    fe_init(&fe, 100);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    int cl = connect_unix(path);
    write_all(cl, "ok", 2);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 2, WAIT_MS));
    assert_true(fe_got(&fe, "ok"));
    close(cl);
    assert_true(PUMP_UNTIL(c->loop, !bb_chardev_is_connected(chr), WAIT_MS));
    bb_chardev_free(chr);
    fe_clear(&fe);
}

/* The client leaves while the frontend is full: its bytes still arrive,
 * CLOSED after them, and only then is the next client served. */
static void test_unix_disconnect_while_full(void **state)
{
    TestCtx *c = *state;
    g_autofree char *path = ctx_path(c, "sock");
    g_autofree char *spec = g_strconcat("unix:", path, NULL);
    GError *err = NULL;
    TestFrontend fe;

    BbChardev *chr = bb_chardev_new(c->loop, "u4", spec, NULL, &err);
    assert_no_error(err);
    fe_init(&fe, 1);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    int cl = connect_unix(path);
    assert_true(PUMP_UNTIL(c->loop, bb_chardev_is_connected(chr), WAIT_MS));
    write_all(cl, "abcdef", 6);
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 1, WAIT_MS));
    close(cl);
    int next = connect_unix(path);
    write_all(next, "N", 1);
    /* The hang-up is noticed even though nothing is read (once), but the
     * session lasts until its bytes are delivered. */
    assert_int_equal(pump_count(c->loop, 20), 1);
    assert_true(bb_chardev_is_connected(chr));
    assert_true(fe_got(&fe, "a"));

    for (int i = 0; i < 10 && !strchr(fe.events->str, 'C'); i++) {
        fe.budget = 2;
        bb_chardev_accept_input(chr);
        pump_count(c->loop, 3);
    }
    assert_true(PUMP_UNTIL(c->loop, fe.rx->len >= 7, WAIT_MS));
    assert_true(fe_got(&fe, "abcdefN"));
    assert_string_equal(fe.events->str, "OCO");
    assert_int_equal(fe.rx_at_close, 6);
    /* Full again (budget used up): leaving is still noticed. */
    assert_int_equal(fe.budget, 0);
    close(next);
    assert_true(PUMP_UNTIL(c->loop, !bb_chardev_is_connected(chr), WAIT_MS));
    bb_chardev_free(chr);
    fe_clear(&fe);
}

/* ------------------------------------------------------------ tcp */

static void test_tcp_sessions(void **state)
{
    TestCtx *c = *state;
    TcpTarget t = { .family = AF_INET };

    BbChardev *chr = open_tcp(c, AF_INET, "127.0.0.1", &t.port);
    check_sessions(c, chr, connect_tcp_cb, &t);
    bb_chardev_free(chr);
}

static void test_tcp_localhost_and_ipv6(void **state)
{
    TestCtx *c = *state;
    TcpTarget t = { .family = AF_INET };

    BbChardev *chr = open_tcp(c, AF_INET, "localhost", &t.port);
    check_sessions(c, chr, connect_tcp_cb, &t);
    bb_chardev_free(chr);

    t.family = AF_INET6;
    chr = open_tcp(c, AF_INET6, "[::1]", &t.port);
    if (!chr) {
        skip(); /* no IPv6 loopback here */
    }
    check_sessions(c, chr, connect_tcp_cb, &t);
    bb_chardev_free(chr);
}

static void test_tcp_port_in_use(void **state)
{
    TestCtx *c = *state;
    guint16 port;
    GError *err = NULL;

    BbChardev *chr = open_tcp(c, AF_INET, "127.0.0.1", &port);
    g_autofree char *spec = g_strdup_printf("tcp:127.0.0.1:%u", port);
    g_autofree char *msg = g_strdup_printf(
        "chardev 'busy' (%s): cannot listen on 127.0.0.1:%u: Address already "
        "in use", spec, port);
    BbChardev *busy = bb_chardev_new(c->loop, "busy", spec, NULL, &err);
    assert_null(busy);
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_EXISTS);
    assert_string_equal(err->message, msg);
    g_clear_error(&err);
    bb_chardev_free(chr);

    /* Freed: the port can be had again at once (SO_REUSEADDR). */
    chr = bb_chardev_new(c->loop, "again", spec, NULL, &err);
    assert_no_error(err);
    bb_chardev_free(chr);
}

/* A client that stops reading: back-pressure reaches the frontend, and
 * the client leaving releases it (writes dropped, write_ready). */
static void test_tcp_client_stops_reading(void **state)
{
    TestCtx *c = *state;
    TcpTarget t = { .family = AF_INET };
    char buf[4096] = { 0 };
    TestFrontend fe;

    BbChardev *chr = open_tcp(c, AF_INET, "127.0.0.1", &t.port);
    fe_init(&fe, 0);
    bb_chardev_set_handlers(chr, &fe_handlers, &fe);
    int cl = connect_tcp_cb(&t);
    assert_true(PUMP_UNTIL(c->loop, bb_chardev_is_connected(chr), WAIT_MS));
    size_t total = 0;
    for (int i = 0; i < 100000; i++) {
        size_t n = bb_chardev_write(chr, buf, sizeof(buf));
        total += n;
        if (n < sizeof(buf)) {
            break;
        }
        pump_count(c->loop, 1);
    }
    assert_true(total < 64 * 1024 * 1024);
    assert_int_equal(bb_chardev_write(chr, buf, 1), 0);
    close(cl);
    assert_true(PUMP_UNTIL(c->loop, fe.write_ready > 0 &&
                                        !bb_chardev_is_connected(chr),
                           WAIT_MS));
    assert_int_equal(bb_chardev_write(chr, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(pump_count(c->loop, 10), 0);
    bb_chardev_free(chr);
    fe_clear(&fe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unix_sessions, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_unix_second_client_waits,
                                        ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_unix_stale_and_live, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_unix_disconnect_while_full,
                                        ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_sessions, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_localhost_and_ipv6,
                                        ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_port_in_use, ctx_setup,
                                        ctx_teardown),
        cmocka_unit_test_setup_teardown(test_tcp_client_stops_reading,
                                        ctx_setup, ctx_teardown),
    };

    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
