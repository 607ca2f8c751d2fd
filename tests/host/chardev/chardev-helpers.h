/*
 * chardev-helpers.h - what the chardev test programs share: a main loop
 * per test, a recording frontend with an adjustable can_receive budget,
 * a bounded "iterate until" and small descriptor helpers.  Everything
 * waits with a deadline, so a broken backend fails a test instead of
 * hanging it.
 */
#ifndef TESTS_HOST_CHARDEV_CHARDEV_HELPERS_H
#define TESTS_HOST_CHARDEV_CHARDEV_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host-test.h"

#define WAIT_MS 5000 /* generous: only a broken backend waits this long */

typedef struct TestCtx {
    BbTimerContext *timers;
    BbMainLoop *loop;
    char *dir; /* scratch directory, removed with its files */
} TestCtx;

static inline int ctx_setup(void **state)
{
    TestCtx *c = g_new0(TestCtx, 1);

    c->timers = bb_timer_context_new(false, 0);
    c->loop = bb_main_loop_new(c->timers);
    c->dir = g_dir_make_tmp("bb-chardev-XXXXXX", NULL);
    *state = c;
    return c->loop && c->dir ? 0 : -1;
}

static inline void ctx_count_log(const char *domain, GLogLevelFlags level,
                                 const char *message, gpointer opaque)
{
    print_error("%s\n", message);
    (*(unsigned *)opaque)++;
}

static inline int ctx_teardown(void **state)
{
    TestCtx *c = *state;
    GDir *d = g_dir_open(c->dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(c->dir, name, NULL);
        unlink(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(c->dir);
    g_free(c->dir);

    /* Freeing a loop that still has watches (a backend leaked, or a test
     * failed half-way) is a critical: count it as a teardown failure
     * instead of aborting the remaining tests. */
    unsigned criticals = 0;
    GLogLevelFlags fatal = g_log_set_always_fatal(G_LOG_FATAL_MASK);
    GLogFunc old = g_log_set_default_handler(ctx_count_log, &criticals);
    bb_main_loop_free(c->loop);
    g_log_set_default_handler(old, NULL);
    g_log_set_always_fatal(fatal);
    if (!criticals) {
        bb_timer_context_free(c->timers);
    }
    g_free(c);
    return criticals ? -1 : 0;
}

static inline char *ctx_path(TestCtx *c, const char *name)
{
    return g_build_filename(c->dir, name, NULL);
}

/* Iterate @loop until @cond holds; false after @ms milliseconds. */
#define PUMP_UNTIL(loop, cond, ms)                                            \
    ({                                                                        \
        gint64 dl_ = g_get_monotonic_time() + (gint64)(ms) * 1000;            \
        bool ok_ = true;                                                      \
        while (!(cond)) {                                                     \
            if (g_get_monotonic_time() > dl_) {                               \
                ok_ = false;                                                  \
                break;                                                        \
            }                                                                 \
            if (!bb_main_loop_iterate((loop), false)) {                       \
                g_usleep(200);                                                \
            }                                                                 \
        }                                                                     \
        ok_;                                                                  \
    })

/* Iterate @n times without blocking; how many iterations dispatched. */
static inline int pump_count(BbMainLoop *loop, int n)
{
    int busy = 0;

    for (int i = 0; i < n; i++) {
        busy += bb_main_loop_iterate(loop, false);
    }
    return busy;
}

/* ------------------------------------------------------------ frontend */

typedef struct TestFrontend {
    GByteArray *rx;        /* everything received */
    size_t budget;         /* what can_receive answers */
    size_t max_chunk;      /* largest receive seen */
    bool over_budget;      /* receive() got more than can_receive said */
    GString *events;       /* 'O', 'C', 'B' in order */
    size_t rx_at_close;    /* rx->len when CLOSED came */
    int write_ready;       /* write_ready calls */
} TestFrontend;

static inline size_t fe_can_receive(void *opaque)
{
    return ((TestFrontend *)opaque)->budget;
}

static inline void fe_receive(void *opaque, const uint8_t *buf, size_t len)
{
    TestFrontend *fe = opaque;

    if (len > fe->budget || len == 0) {
        fe->over_budget = true;
    }
    fe->budget -= MIN(len, fe->budget);
    fe->max_chunk = MAX(fe->max_chunk, len);
    g_byte_array_append(fe->rx, buf, len);
}

static inline void fe_event(void *opaque, BbChardevEvent ev)
{
    TestFrontend *fe = opaque;

    g_string_append_c(fe->events, ev == BB_CHARDEV_OPENED   ? 'O'
                                  : ev == BB_CHARDEV_CLOSED ? 'C'
                                                            : 'B');
    if (ev == BB_CHARDEV_CLOSED) {
        fe->rx_at_close = fe->rx->len;
    }
}

static inline void fe_write_ready(void *opaque)
{
    ((TestFrontend *)opaque)->write_ready++;
}

static const BbChardevHandlers fe_handlers = {
    .can_receive = fe_can_receive,
    .receive = fe_receive,
    .event = fe_event,
    .write_ready = fe_write_ready,
};

static inline void fe_init(TestFrontend *fe, size_t budget)
{
    memset(fe, 0, sizeof(*fe));
    fe->rx = g_byte_array_new();
    fe->events = g_string_new(NULL);
    fe->budget = budget;
}

static inline void fe_clear(TestFrontend *fe)
{
    g_byte_array_unref(fe->rx);
    g_string_free(fe->events, true);
}

/* Whether @fe received exactly the string @s. */
static inline bool fe_got(const TestFrontend *fe, const char *s)
{
    return fe->rx->len == strlen(s) && !memcmp(fe->rx->data, s, fe->rx->len);
}

/* ------------------------------------------------------------ descriptors */

static inline void set_nonblock(int fd)
{
    assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
}

/* Read what @fd has (non-blocking) and append it to @into. */
static inline size_t drain_fd(int fd, GByteArray *into)
{
    uint8_t buf[65536];
    size_t total = 0;
    ssize_t r;

    while ((r = read(fd, buf, sizeof(buf))) > 0) {
        g_byte_array_append(into, buf, r);
        total += r;
    }
    return total;
}

/* Read from @fd until @into holds @len bytes, iterating @loop meanwhile. */
static inline bool read_exact(BbMainLoop *loop, int fd, GByteArray *into,
                              size_t len)
{
    return PUMP_UNTIL(loop, (drain_fd(fd, into), into->len >= len), WAIT_MS);
}

/* A deterministic byte pattern (not periodic in any small power of two). */
static inline uint8_t *make_pattern(size_t len)
{
    uint8_t *p = g_malloc(len);
    uint32_t x = 12345;

    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = x >> 16;
    }
    return p;
}

/* Write all of @len bytes to a blocking-capable descriptor. */
static inline void write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t r = write(fd, p, len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        assert_true(r > 0);
        p += r;
        len -= r;
    }
}

#endif /* TESTS_HOST_CHARDEV_CHARDEV_HELPERS_H */
