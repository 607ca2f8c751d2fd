/*
 * main-loop-test.c - unit tests of the event loop (main-loop.h,
 * host/main-loop/main-loop.c): descriptor readiness with pipes, write
 * watches, event-mask changes (a paused watch never fires, even when an
 * earlier handler pauses it mid-iteration), removal from handlers, hang-up,
 * bottom halves (once per scheduling, rescheduling, scheduling from a
 * bottom half and from a handler, freeing from callbacks), blocking
 * iterations that sleep until a realtime or virtual timer without
 * spinning, deterministic mode not waiting on host time for virtual
 * timers, and wakeups from another thread and from a signal handler.
 * Every test has a long realtime safety timer, so a blocking call that
 * should return at once fails the test instead of hanging it; timing
 * checks are "at least" bounds only.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>

#include "host-test.h"

#define MS 1000000LL
#define SAFETY_NS (5000 * MS) /* generous bound for "returns at once" */

typedef struct Fixture {
    BbTimerContext *timers;
    BbMainLoop *loop;
    int pipe1[2], pipe2[2];
    BbTimer *safety;    /* bounds every blocking iterate of a test */
    unsigned safety_fired;
} Fixture;

static void count_cb(void *opaque)
{
    (*(unsigned *)opaque)++;
}

/* Periodic, so that even a loop of wrongly blocking iterates ends. */
static void safety_cb(void *opaque)
{
    Fixture *f = opaque;

    f->safety_fired++;
    bb_timer_mod(f->safety, bb_clock_get_ns(f->timers, BB_CLOCK_REALTIME) +
                                SAFETY_NS);
}

static int setup_mode(void **state, bool icount)
{
    Fixture *f = g_new0(Fixture, 1);

    f->timers = bb_timer_context_new(icount, 0);
    bb_timer_context_resume(f->timers);
    f->loop = bb_main_loop_new(f->timers);
    assert_non_null(f->loop);
    assert_ptr_equal(bb_main_loop_get_timers(f->loop), f->timers);
    assert_int_equal(pipe2(f->pipe1, O_NONBLOCK | O_CLOEXEC), 0);
    assert_int_equal(pipe2(f->pipe2, O_NONBLOCK | O_CLOEXEC), 0);
    f->safety = bb_timer_new(f->timers, BB_CLOCK_REALTIME, safety_cb, f);
    bb_timer_mod(f->safety,
                 bb_clock_get_ns(f->timers, BB_CLOCK_REALTIME) + SAFETY_NS);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_mode(state, false);
}

static int setup_icount(void **state)
{
    return setup_mode(state, true);
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static int teardown(void **state)
{
    Fixture *f = *state;

    /* A blocking iterate that should have returned at once waited for
     * the safety timer instead. */
    assert_int_equal(f->safety_fired, 0);
    bb_timer_free(f->safety);
    bb_main_loop_free(f->loop);
    bb_timer_context_free(f->timers);
    for (int i = 0; i < 2; i++) {
        close_fd(&f->pipe1[i]);
        close_fd(&f->pipe2[i]);
    }
    g_free(f);
    return 0;
}

static int64_t realtime(Fixture *f)
{
    return bb_clock_get_ns(f->timers, BB_CLOCK_REALTIME);
}

static void write_byte(int fd)
{
    assert_int_equal(write(fd, "x", 1), 1);
}

/* ------------------------------------------------------------ watches */

/* What a watch saw, and what its handler should do. */
typedef struct Watch {
    Fixture *f;
    guint id;
    unsigned calls;
    GIOCondition last;
    bool drain;               /* read everything available */
    guint remove_id;          /* remove this watch (may be itself) */
    guint pause_id;           /* pause this watch */
} Watch;

static void watch_handler(int fd, GIOCondition revents, void *opaque)
{
    Watch *w = opaque;
    char buf[64];

    w->calls++;
    w->last = revents;
    if (w->drain) {
        while (read(fd, buf, sizeof(buf)) > 0) {
        }
    }
    if (w->remove_id) {
        bb_main_loop_remove_fd(w->f->loop, w->remove_id);
        w->remove_id = 0;
    }
    if (w->pause_id) {
        bb_main_loop_set_fd_events(w->f->loop, w->pause_id, 0);
    }
}

static void watch_add(Fixture *f, Watch *w, int fd, GIOCondition events)
{
    w->f = f;
    w->id = bb_main_loop_add_fd(f->loop, fd, events, watch_handler, w);
    assert_true(w->id > 0);
}

/* A read watch fires only once data is there, with G_IO_IN. */
static void test_fd_readable(void **state)
{
    Fixture *f = *state;
    Watch w = { .drain = true };

    watch_add(f, &w, f->pipe1[0], G_IO_IN);
    assert_false(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(w.calls, 0);
    write_byte(f->pipe1[1]);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(w.calls, 1);
    assert_true(w.last & G_IO_IN);
    assert_false(bb_main_loop_iterate(f->loop, false)); /* drained */
    assert_int_equal(w.calls, 1);
    write_byte(f->pipe1[1]);
    assert_true(bb_main_loop_iterate(f->loop, true)); /* no timer: waits */
    assert_int_equal(w.calls, 2);
    bb_main_loop_remove_fd(f->loop, w.id);
    write_byte(f->pipe1[1]);
    assert_false(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(w.calls, 2);
}

/* A write watch on an empty pipe fires with G_IO_OUT only. */
static void test_fd_writable(void **state)
{
    Fixture *f = *state;
    Watch w = { 0 };

    watch_add(f, &w, f->pipe1[1], G_IO_OUT);
    assert_true(bb_main_loop_iterate(f->loop, true));
    assert_int_equal(w.calls, 1);
    assert_int_equal(w.last, G_IO_OUT);
    bb_main_loop_remove_fd(f->loop, w.id);
}

/* Pausing with 0 stops a ready watch from firing; resuming brings it
 * back; switching to G_IO_OUT reports only G_IO_OUT. */
static void test_fd_event_mask(void **state)
{
    Fixture *f = *state;
    Watch w = { 0 };

    watch_add(f, &w, f->pipe1[0], 0); /* added paused */
    write_byte(f->pipe1[1]);
    for (int i = 0; i < 5; i++) {
        assert_false(bb_main_loop_iterate(f->loop, false));
    }
    assert_int_equal(w.calls, 0);

    bb_main_loop_set_fd_events(f->loop, w.id, G_IO_IN);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(w.calls, 1);
    bb_main_loop_set_fd_events(f->loop, w.id, 0);
    assert_false(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(w.calls, 1);
    bb_main_loop_remove_fd(f->loop, w.id);

    Watch rw = { 0 };
    watch_add(f, &rw, f->pipe2[1], G_IO_OUT);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(rw.last, G_IO_OUT);
    bb_main_loop_set_fd_events(f->loop, rw.id, 0);
    assert_false(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(rw.calls, 1);
    bb_main_loop_remove_fd(f->loop, rw.id);
}

/* A paused watch on a ready descriptor does not wake a blocking iterate:
 * it sleeps until the timer. */
static void test_paused_watch_does_not_wake(void **state)
{
    Fixture *f = *state;
    Watch w = { 0 };
    unsigned fired = 0;
    BbTimer *t = bb_timer_new(f->timers, BB_CLOCK_REALTIME, count_cb, &fired);

    watch_add(f, &w, f->pipe1[0], G_IO_IN);
    bb_main_loop_set_fd_events(f->loop, w.id, 0);
    write_byte(f->pipe1[1]);
    int64_t start = realtime(f);
    bb_timer_mod(t, start + 20 * MS);
    while (!fired) {
        bb_main_loop_iterate(f->loop, true);
    }
    assert_true(realtime(f) - start >= 20 * MS);
    assert_int_equal(w.calls, 0);
    bb_main_loop_remove_fd(f->loop, w.id);
    bb_timer_free(t);
}

/* A handler pausing a later watch that is ready in the same iteration:
 * the paused watch is not called. */
static void test_pause_from_other_handler(void **state)
{
    Fixture *f = *state;
    Watch a = { .drain = true }, b = { 0 };

    watch_add(f, &a, f->pipe1[0], G_IO_IN);
    watch_add(f, &b, f->pipe2[0], G_IO_IN);
    a.pause_id = b.id;
    write_byte(f->pipe1[1]);
    write_byte(f->pipe2[1]);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(a.calls, 1);
    assert_int_equal(b.calls, 0);
    bb_main_loop_remove_fd(f->loop, a.id);
    bb_main_loop_remove_fd(f->loop, b.id);
}

/* A handler removing itself, and one removing a later watch that is
 * ready in the same iteration: neither fires again, and the later one
 * does not fire at all (valgrind checks the deferred freeing). */
static void test_remove_inside_handler(void **state)
{
    Fixture *f = *state;
    Watch a = { 0 }, b = { 0 }, c = { 0 };

    watch_add(f, &a, f->pipe1[0], G_IO_IN);
    watch_add(f, &c, f->pipe2[1], G_IO_OUT);
    watch_add(f, &b, f->pipe2[0], G_IO_IN);
    a.remove_id = a.id;
    c.remove_id = b.id; /* c is dispatched before b */
    write_byte(f->pipe1[1]);
    write_byte(f->pipe2[1]);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(a.calls, 1);
    assert_int_equal(c.calls, 1);
    assert_int_equal(b.calls, 0);
    for (int i = 0; i < 3; i++) {
        assert_true(bb_main_loop_iterate(f->loop, false));
    }
    assert_int_equal(a.calls, 1); /* still readable, but removed */
    assert_int_equal(b.calls, 0);
    assert_int_equal(c.calls, 4);

    /* Removed outside an iteration: freed at once. */
    bb_main_loop_remove_fd(f->loop, c.id);
    assert_false(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(c.calls, 4);
}

/* Closing the write end: the read watch sees G_IO_HUP. */
static void test_fd_hangup(void **state)
{
    Fixture *f = *state;
    Watch w = { .drain = true };

    watch_add(f, &w, f->pipe1[0], G_IO_IN);
    close_fd(&f->pipe1[1]);
    assert_true(bb_main_loop_iterate(f->loop, true));
    assert_true(w.last & G_IO_HUP);
    bb_main_loop_remove_fd(f->loop, w.id);
}

/* ------------------------------------------------------------ bottom halves */

typedef struct Bh {
    Fixture *f;
    BbBottomHalf *bh;
    unsigned runs;
    struct Bh *other;        /* schedule (or free) this one */
    bool free_other;
    bool reschedule_self;
    bool free_self;
} Bh;

static void bh_cb(void *opaque)
{
    Bh *b = opaque;

    b->runs++;
    if (b->other && b->free_other) {
        bb_bh_free(b->other->bh);
        b->other->bh = NULL;
    } else if (b->other) {
        bb_bh_schedule(b->other->bh);
    }
    if (b->reschedule_self && b->runs < 100) { /* a livelock fails */
        bb_bh_schedule(b->bh);
    }
    if (b->free_self) {
        bb_bh_free(b->bh);
        b->bh = NULL;
    }
}

static void bh_init(Fixture *f, Bh *b)
{
    b->f = f;
    b->bh = bb_bh_new(f->loop, bh_cb, b);
    assert_non_null(b->bh);
}

/* Once per scheduling, however often it was scheduled; not re-run. */
static void test_bh_runs_once(void **state)
{
    Fixture *f = *state;
    Bh b = { 0 };

    bh_init(f, &b);
    assert_false(bb_main_loop_iterate(f->loop, false));
    bb_bh_schedule(b.bh);
    bb_bh_schedule(b.bh);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(b.runs, 1);
    assert_false(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(b.runs, 1);
    bb_bh_schedule(b.bh);
    bb_bh_cancel(b.bh);
    bb_bh_cancel(b.bh);
    assert_false(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(b.runs, 1);
    bb_bh_schedule(b.bh);
    assert_true(bb_main_loop_iterate(f->loop, true)); /* scheduled: no wait */
    assert_int_equal(b.runs, 2);
    bb_bh_free(b.bh);
    bb_bh_free(NULL);
}

/* Scheduled bottom halves run in scheduling order. */
static GString *bh_order;
static void bh_order_cb(void *opaque)
{
    g_string_append(bh_order, opaque);
}

static void test_bh_order(void **state)
{
    Fixture *f = *state;
    static const char *names[] = { "a", "b", "c", "d" };
    BbBottomHalf *bh[4];

    bh_order = g_string_new(NULL);
    for (int i = 0; i < 4; i++) {
        bh[i] = bb_bh_new(f->loop, bh_order_cb, (void *)names[i]);
    }
    bb_bh_schedule(bh[2]);
    bb_bh_schedule(bh[0]);
    bb_bh_schedule(bh[3]);
    bb_bh_schedule(bh[1]);
    bb_bh_schedule(bh[2]);
    bb_main_loop_iterate(f->loop, false);
    assert_string_equal(bh_order->str, "cadb");
    for (int i = 0; i < 4; i++) {
        bb_bh_free(bh[i]);
    }
    g_string_free(bh_order, true);
}

/* A bottom half scheduled from a bottom half runs in the next iteration,
 * which does not block (guarded by a safety timer). */
static void test_bh_scheduled_from_bh_runs_next_iteration(void **state)
{
    Fixture *f = *state;
    Bh a = { 0 }, b = { 0 };

    bh_init(f, &a);
    bh_init(f, &b);
    a.other = &b;
    bb_bh_schedule(a.bh);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(a.runs, 1);
    assert_int_equal(b.runs, 0);
    assert_true(bb_main_loop_iterate(f->loop, true));
    assert_int_equal(b.runs, 1);
    assert_int_equal(f->safety_fired, 0);
    bb_bh_free(a.bh);
    bb_bh_free(b.bh);
}

/* A bottom half rescheduling itself runs once per iteration. */
static void test_bh_reschedules_itself(void **state)
{
    Fixture *f = *state;
    Bh a = { .reschedule_self = true };

    bh_init(f, &a);
    bb_bh_schedule(a.bh);
    for (int i = 0; i < 5; i++) {
        assert_true(bb_main_loop_iterate(f->loop, true));
        assert_int_equal(a.runs, i + 1);
    }
    bb_bh_free(a.bh);
}

/* Freeing itself, and freeing another scheduled one before it runs. */
static void test_bh_free_from_callbacks(void **state)
{
    Fixture *f = *state;
    Bh a = { .free_self = true }, b = { .free_other = true }, c = { 0 };

    bh_init(f, &a);
    bh_init(f, &b);
    bh_init(f, &c);
    b.other = &c;
    bb_bh_schedule(a.bh);
    bb_bh_schedule(b.bh);
    bb_bh_schedule(c.bh);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(a.runs, 1);
    assert_int_equal(b.runs, 1);
    assert_int_equal(c.runs, 0);
    assert_null(a.bh);
    assert_null(c.bh);
    assert_false(bb_main_loop_iterate(f->loop, false));
    bb_bh_free(b.bh);
}

/* A bottom half scheduled by a descriptor handler runs in the same
 * iteration; one scheduled by a timer runs in the next. */
static Bh *handler_bh;
static void schedule_handler(int fd, GIOCondition revents, void *opaque)
{
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    bb_bh_schedule(handler_bh->bh);
}

static void schedule_timer_cb(void *opaque)
{
    bb_bh_schedule(((Bh *)opaque)->bh);
}

static void test_bh_from_handler_and_timer(void **state)
{
    Fixture *f = *state;
    Bh a = { 0 };

    bh_init(f, &a);
    handler_bh = &a;
    guint id = bb_main_loop_add_fd(f->loop, f->pipe1[0], G_IO_IN,
                                   schedule_handler, NULL);
    write_byte(f->pipe1[1]);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(a.runs, 1);
    bb_main_loop_remove_fd(f->loop, id);

    BbTimer *t = bb_timer_new(f->timers, BB_CLOCK_REALTIME,
                              schedule_timer_cb, &a);
    bb_timer_mod(t, 0);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(a.runs, 1);
    assert_true(bb_main_loop_iterate(f->loop, false));
    assert_int_equal(a.runs, 2);
    bb_timer_free(t);
    bb_bh_free(a.bh);
}

/* ------------------------------------------------------------ sleeping */

/* Blocking iterations sleep until a timer of @clock @delay_ns ahead: at
 * least that long, in a handful of iterations rather than a spin. */
static void sleep_until_timer(Fixture *f, BbClockType clock, int64_t delay_ns)
{
    unsigned fired = 0, iterations = 0;
    BbTimer *t = bb_timer_new(f->timers, clock, count_cb, &fired);
    int64_t start = bb_clock_get_ns(f->timers, clock);

    bb_timer_mod(t, start + delay_ns);
    while (!fired) {
        bb_main_loop_iterate(f->loop, true);
        iterations++;
    }
    assert_true(bb_clock_get_ns(f->timers, clock) - start >= delay_ns);
    assert_true(iterations <= 5);
    bb_timer_free(t);
}

static void test_blocking_sleeps_until_realtime_timer(void **state)
{
    Fixture *f = *state;
    Watch w = { 0 };

    watch_add(f, &w, f->pipe1[0], G_IO_IN); /* idle watch: poll set */
    sleep_until_timer(f, BB_CLOCK_REALTIME, 50 * MS);
    sleep_until_timer(f, BB_CLOCK_REALTIME, 1 * MS);
    assert_int_equal(w.calls, 0);
    bb_main_loop_remove_fd(f->loop, w.id);
}

static void test_blocking_sleeps_until_virtual_timer(void **state)
{
    sleep_until_timer(*state, BB_CLOCK_VIRTUAL, 30 * MS);
}

static void test_blocking_sleeps_until_host_timer(void **state)
{
    sleep_until_timer(*state, BB_CLOCK_HOST, 20 * MS);
}

/* A non-blocking iterate returns at once with a far timer and an idle
 * watch, dispatching nothing. */
static void test_nonblocking_returns_at_once(void **state)
{
    Fixture *f = *state;
    Watch w = { 0 };

    watch_add(f, &w, f->pipe1[0], G_IO_IN); /* and the far safety timer */
    int64_t start = realtime(f);
    for (int i = 0; i < 100; i++) {
        assert_false(bb_main_loop_iterate(f->loop, false));
    }
    assert_true(realtime(f) - start < SAFETY_NS);
    assert_int_equal(f->safety_fired, 0);
    assert_int_equal(w.calls, 0);
    bb_main_loop_remove_fd(f->loop, w.id);
}

/* Deterministic mode: virtual timers are not waited for in host time.  A
 * blocking iterate with a virtual timer 1 ns ahead sleeps until the
 * realtime timer instead; after a warp the virtual timer is due and a
 * blocking iterate runs it at once. */
static void test_icount_blocking_ignores_virtual_timers(void **state)
{
    Fixture *f = *state;
    unsigned vfired = 0, rfired = 0;
    BbTimer *v = bb_timer_new(f->timers, BB_CLOCK_VIRTUAL, count_cb, &vfired);
    BbTimer *r = bb_timer_new(f->timers, BB_CLOCK_REALTIME, count_cb, &rfired);

    bb_timer_mod(v, bb_clock_get_ns(f->timers, BB_CLOCK_VIRTUAL) + 1);
    int64_t start = realtime(f);
    unsigned iterations = 0;
    bb_timer_mod(r, start + 30 * MS);
    while (!rfired) {
        bb_main_loop_iterate(f->loop, true);
        iterations++;
    }
    assert_true(realtime(f) - start >= 30 * MS);
    assert_true(iterations <= 5); /* did not poll for the virtual timer */
    assert_int_equal(vfired, 0);

    bb_timer_mod(r, realtime(f) + SAFETY_NS);
    assert_true(bb_icount_warp(f->timers));
    assert_true(bb_main_loop_iterate(f->loop, true));
    assert_int_equal(vfired, 1);
    assert_int_equal(rfired, 1);
    bb_timer_free(v);
    bb_timer_free(r);
}

/* ------------------------------------------------------------ wakeups */

typedef struct Waker {
    BbMainLoop *loop;
    unsigned delay_us;
} Waker;

static void *waker_thread(void *opaque)
{
    Waker *w = opaque;

    g_usleep(w->delay_us);
    bb_main_loop_wakeup(w->loop);
    return NULL;
}

/* A blocking iterate with only a far timer returns when another thread
 * wakes it; the wakeup is not a dispatch and is consumed. */
static void test_wakeup_from_thread(void **state)
{
    Fixture *f = *state;
    unsigned fired = 0;
    Waker w = { .loop = f->loop, .delay_us = 20000 };
    pthread_t th;

    assert_int_equal(pthread_create(&th, NULL, waker_thread, &w), 0);
    assert_false(bb_main_loop_iterate(f->loop, true));
    pthread_join(th, NULL);
    assert_int_equal(f->safety_fired, 0);

    /* Consumed: the next blocking iterate sleeps until its timer. */
    BbTimer *t2 = bb_timer_new(f->timers, BB_CLOCK_REALTIME, count_cb, &fired);
    bb_timer_mod(t2, realtime(f) + 10 * MS);
    assert_true(bb_main_loop_iterate(f->loop, true));
    assert_int_equal(fired, 1);
    bb_timer_free(t2);
}

/* A wakeup before the iterate is not lost. */
static void test_wakeup_before_iterate(void **state)
{
    Fixture *f = *state;

    bb_main_loop_wakeup(f->loop);
    bb_main_loop_wakeup(f->loop);
    assert_false(bb_main_loop_iterate(f->loop, true));
    assert_int_equal(f->safety_fired, 0);
}

static BbMainLoop *signal_loop;
static volatile sig_atomic_t signal_count;

static void on_sigusr1(int sig)
{
    errno = EINTR + 1; /* the wakeup must preserve errno */
    bb_main_loop_wakeup(signal_loop);
    signal_count += errno == EINTR + 1;
}

/* The signal is handled on a helper thread (blocked on the iterating one),
 * so the poll is not merely interrupted: the handler's wakeup ends it. */
static void *signal_thread(void *opaque)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    g_usleep(20000);
    raise(SIGUSR1);
    return NULL;
}

static void test_wakeup_from_signal_handler(void **state)
{
    Fixture *f = *state;
    struct sigaction sa = { .sa_handler = on_sigusr1 }, old;
    sigset_t set, oldset;
    pthread_t th;

    signal_loop = f->loop;
    signal_count = 0;
    sigaction(SIGUSR1, &sa, &old);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, &oldset);

    assert_int_equal(pthread_create(&th, NULL, signal_thread, NULL), 0);
    assert_false(bb_main_loop_iterate(f->loop, true));
    pthread_join(th, NULL);
    assert_int_equal(f->safety_fired, 0);
    assert_int_equal(signal_count, 1);

    pthread_sigmask(SIG_SETMASK, &oldset, NULL);
    sigaction(SIGUSR1, &old, NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_fd_readable),
        T(test_fd_writable),
        T(test_fd_event_mask),
        T(test_paused_watch_does_not_wake),
        T(test_pause_from_other_handler),
        T(test_remove_inside_handler),
        T(test_fd_hangup),
        T(test_bh_runs_once),
        T(test_bh_order),
        T(test_bh_scheduled_from_bh_runs_next_iteration),
        T(test_bh_reschedules_itself),
        T(test_bh_free_from_callbacks),
        T(test_bh_from_handler_and_timer),
        T(test_blocking_sleeps_until_realtime_timer),
        T(test_blocking_sleeps_until_virtual_timer),
        T(test_blocking_sleeps_until_host_timer),
        T(test_nonblocking_returns_at_once),
        cmocka_unit_test_setup_teardown(
            test_icount_blocking_ignores_virtual_timers, setup_icount,
            teardown),
        T(test_wakeup_from_thread),
        T(test_wakeup_before_iterate),
        T(test_wakeup_from_signal_handler),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
