/*
 * timer-test.c - unit tests of clocks, timers and deterministic time
 * (timer.h, host/timer/).  A fake instruction source (the tests call
 * bb_icount_account() themselves) drives virtual time: equal deadlines
 * fire in arming order, timers armed, re-armed, cancelled and freed from
 * callbacks, the once-per-call rule for zero-period timers, pause and
 * resume in both modes, exact instruction budgets for every shift, warp,
 * the next-deadline query, a seeded random scenario replayed twice with
 * an identical trace, many timers through the heap, and the realtime and
 * host clocks.  Timing checks are "at least" bounds only.
 */
#include <time.h>

#include "host-test.h"

#define MS 1000000LL

/* A trace of timer firings: (icount, virtual ns, timer id). */
typedef struct Event {
    uint64_t icount;
    int64_t vns;
    int id;
} Event;

typedef struct Fixture {
    BbTimerContext *ctx;
    GArray *trace; /* Event */
} Fixture;

/* One test timer: fires into the fixture's trace and may run an action. */
typedef struct TestTimer {
    Fixture *f;
    BbTimer *timer;
    int id;
    void (*action)(struct TestTimer *tt);
    struct TestTimer *other; /* the action's target */
    int64_t arg;             /* the action's argument */
    unsigned fired;
} TestTimer;

static void record(Fixture *f, int id)
{
    Event e = {
        .icount = bb_icount_get(f->ctx),
        .vns = bb_clock_get_ns(f->ctx, BB_CLOCK_VIRTUAL),
        .id = id,
    };
    g_array_append_val(f->trace, e);
}

static void tt_fire(void *opaque)
{
    TestTimer *tt = opaque;

    tt->fired++;
    record(tt->f, tt->id);
    if (tt->action) {
        tt->action(tt);
    }
}

static TestTimer *tt_new(Fixture *f, BbClockType clock, int id)
{
    TestTimer *tt = g_new0(TestTimer, 1);

    tt->f = f;
    tt->id = id;
    tt->timer = bb_timer_new(f->ctx, clock, tt_fire, tt);
    assert_non_null(tt->timer);
    return tt;
}

static void tt_free(TestTimer *tt)
{
    if (tt) {
        bb_timer_free(tt->timer);
        g_free(tt);
    }
}

static Fixture *fixture_new(bool icount, unsigned shift)
{
    Fixture *f = g_new0(Fixture, 1);

    f->ctx = bb_timer_context_new(icount, shift);
    assert_non_null(f->ctx);
    f->trace = g_array_new(false, false, sizeof(Event));
    bb_timer_context_resume(f->ctx);
    return f;
}

static void fixture_free(Fixture *f)
{
    bb_timer_context_free(f->ctx);
    g_array_free(f->trace, true);
    g_free(f);
}

static int setup_icount(void **state)
{
    *state = fixture_new(true, 0);
    return 0;
}

static int setup_normal(void **state)
{
    *state = fixture_new(false, 0);
    return 0;
}

static int teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

static int trace_id(Fixture *f, guint i)
{
    assert_true(i < f->trace->len);
    return g_array_index(f->trace, Event, i).id;
}

static int64_t vnow(Fixture *f)
{
    return bb_clock_get_ns(f->ctx, BB_CLOCK_VIRTUAL);
}

/* ------------------------------------------------------------ ordering */

/* Ten timers at one deadline, armed in a scrambled order, fire in arming
 * order; re-arming one moves it to the end.  Earlier deadlines first. */
static void test_equal_deadlines_fire_in_arming_order(void **state)
{
    Fixture *f = *state;
    static const int arm_order[10] = { 7, 2, 9, 0, 5, 3, 8, 1, 6, 4 };
    TestTimer *tt[10];

    for (int i = 0; i < 10; i++) {
        tt[i] = tt_new(f, BB_CLOCK_VIRTUAL, i);
    }
    for (int i = 0; i < 10; i++) {
        bb_timer_mod(tt[arm_order[i]]->timer, 100);
    }
    bb_timer_mod(tt[9]->timer, 100); /* re-armed: now last */
    TestTimer *early = tt_new(f, BB_CLOCK_VIRTUAL, 99);
    bb_timer_mod(early->timer, 50);

    bb_icount_account(f->ctx, 100);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 11);
    assert_int_equal(trace_id(f, 0), 99);
    static const int expect[10] = { 7, 2, 0, 5, 3, 8, 1, 6, 4, 9 };
    for (int i = 0; i < 10; i++) {
        assert_int_equal(trace_id(f, i + 1), expect[i]);
    }
    for (int i = 0; i < 10; i++) {
        assert_false(bb_timer_is_pending(tt[i]->timer));
        tt_free(tt[i]);
    }
    tt_free(early);
}

/* Only timers whose deadline has passed run; the rest wait. */
static void test_only_due_timers_run(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);

    bb_timer_mod(a->timer, 10);
    bb_timer_mod(b->timer, 11);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
    bb_icount_account(f->ctx, 9);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
    bb_icount_account(f->ctx, 1);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(a->fired, 1);
    assert_int_equal(b->fired, 0);
    assert_true(bb_timer_is_pending(b->timer));
    assert_int_equal(bb_timer_get_deadline(b->timer), 11);
    bb_icount_account(f->ctx, 1);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(b->fired, 1);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
    tt_free(a);
    tt_free(b);
}

/* ------------------------------------------------------------ callbacks */

static void act_arm_other(TestTimer *tt)
{
    bb_timer_mod(tt->other->timer, vnow(tt->f) + tt->arg);
}

/* A callback arming a timer for a passed time: it runs in the same call. */
static void test_arm_past_from_callback_runs_same_call(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);

    a->action = act_arm_other;
    a->other = b;
    a->arg = -5; /* in the past */
    bb_timer_mod(a->timer, 20);
    bb_icount_account(f->ctx, 30);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 2);
    assert_int_equal(f->trace->len, 2);
    assert_int_equal(trace_id(f, 0), 1);
    assert_int_equal(trace_id(f, 1), 2);
    assert_false(bb_timer_is_pending(b->timer));
    tt_free(a);
    tt_free(b);
}

/* Armed for "now" (deadline == current time) also runs in the same call. */
static void test_arm_now_from_callback_runs_same_call(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);

    a->action = act_arm_other;
    a->other = b;
    a->arg = 0;
    bb_timer_mod(a->timer, 20);
    bb_icount_account(f->ctx, 20);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 2);
    tt_free(a);
    tt_free(b);
}

/* A callback arming a timer for a future time: it waits for that time. */
static void test_arm_future_from_callback_waits(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);

    a->action = act_arm_other;
    a->other = b;
    a->arg = 7;
    bb_timer_mod(a->timer, 20);
    bb_icount_account(f->ctx, 20);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_true(bb_timer_is_pending(b->timer));
    assert_int_equal(bb_timer_get_deadline(b->timer), 27);
    bb_icount_account(f->ctx, 6);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
    bb_icount_account(f->ctx, 1);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(g_array_index(f->trace, Event, 1).vns, 27);
    tt_free(a);
    tt_free(b);
}

static void act_rearm_self(TestTimer *tt)
{
    assert_false(bb_timer_is_pending(tt->timer)); /* disarmed when run */
    if (tt->fired < 5) {
        bb_timer_mod(tt->timer, vnow(tt->f) + tt->arg);
    }
}

/* A periodic timer re-arming itself from its callback. */
static void test_timer_rearms_itself(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);

    a->action = act_rearm_self;
    a->arg = 10;
    bb_timer_mod(a->timer, 10);
    for (int i = 0; i < 100; i++) {
        bb_icount_account(f->ctx, 1);
        bb_timer_context_run_due(f->ctx);
    }
    assert_int_equal(a->fired, 5);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(g_array_index(f->trace, Event, i).vns, 10 * (i + 1));
    }
    assert_false(bb_timer_is_pending(a->timer));
    tt_free(a);
}

static void act_rearm_self_now(TestTimer *tt)
{
    if (tt->fired < 100) { /* bounded, so a livelock fails, not hangs */
        bb_timer_mod(tt->timer, vnow(tt->f));
    }
}

/* A zero-period timer runs once per call rather than livelocking, and
 * the next-deadline query reports it due. */
static void test_zero_period_timer_runs_once_per_call(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);

    a->action = act_rearm_self_now;
    bb_timer_mod(a->timer, 5);
    bb_timer_mod(b->timer, 5);
    bb_icount_account(f->ctx, 5);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 2);
    assert_true(bb_timer_is_pending(a->timer));
    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), 0);
    assert_int_equal(bb_icount_budget(f->ctx), 0);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(a->fired, 3);
    assert_int_equal(b->fired, 1);
    tt_free(a);
    tt_free(b);
}

static void act_free_self(TestTimer *tt)
{
    bb_timer_free(tt->timer);
    tt->timer = NULL;
}

/* A timer freeing itself in its callback (valgrind checks the rest). */
static void test_timer_frees_itself(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);

    a->action = act_free_self;
    bb_timer_mod(a->timer, 3);
    bb_timer_mod(b->timer, 3);
    bb_icount_account(f->ctx, 3);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 2);
    assert_null(a->timer);
    assert_int_equal(trace_id(f, 0), 1);
    assert_int_equal(trace_id(f, 1), 2);
    g_free(a);
    tt_free(b);
}

static void act_free_other(TestTimer *tt)
{
    bb_timer_free(tt->other->timer);
    tt->other->timer = NULL;
}

static void act_cancel_other(TestTimer *tt)
{
    bb_timer_del(tt->other->timer);
}

/* A due timer freed or cancelled by an earlier callback does not run. */
static void test_callback_frees_or_cancels_due_timer(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);
    TestTimer *c = tt_new(f, BB_CLOCK_VIRTUAL, 3);
    TestTimer *d = tt_new(f, BB_CLOCK_VIRTUAL, 4);

    a->action = act_free_other;
    a->other = b;
    c->action = act_cancel_other;
    c->other = d;
    bb_timer_mod(a->timer, 4);
    bb_timer_mod(c->timer, 4);
    bb_timer_mod(b->timer, 4);
    bb_timer_mod(d->timer, 4);
    bb_icount_account(f->ctx, 4);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 2);
    assert_int_equal(b->fired, 0);
    assert_int_equal(d->fired, 0);
    assert_false(bb_timer_is_pending(d->timer));
    g_free(b);
    tt_free(a);
    tt_free(c);
    tt_free(d);
}

/* Cancelling: not pending, never fires; cancelling twice is harmless;
 * BB_TIME_NEVER cancels too. */
static void test_cancel(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);

    assert_false(bb_timer_is_pending(a->timer));
    assert_int_equal(bb_timer_get_deadline(a->timer), BB_TIME_NEVER);
    bb_timer_del(a->timer);
    bb_timer_mod(a->timer, 10);
    assert_true(bb_timer_is_pending(a->timer));
    assert_int_equal(bb_timer_get_deadline(a->timer), 10);
    bb_timer_del(a->timer);
    bb_timer_del(a->timer);
    assert_false(bb_timer_is_pending(a->timer));
    assert_int_equal(bb_timer_get_deadline(a->timer), BB_TIME_NEVER);
    bb_timer_mod(a->timer, 10);
    bb_timer_mod(a->timer, BB_TIME_NEVER);
    assert_false(bb_timer_is_pending(a->timer));
    bb_icount_account(f->ctx, 100);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
    assert_int_equal(a->fired, 0);
    assert_int_equal(bb_icount_budget(f->ctx), UINT64_MAX);
    tt_free(a);
}

static void act_run_due(TestTimer *tt)
{
    tt->arg = bb_timer_context_run_due(tt->f->ctx);
}

/* run_due from a callback is a no-op. */
static void test_nested_run_due_is_noop(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);

    a->action = act_run_due;
    a->arg = -1;
    bb_timer_mod(a->timer, 1);
    bb_timer_mod(b->timer, 1);
    bb_icount_account(f->ctx, 1);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 2);
    assert_int_equal(a->arg, 0);
    assert_int_equal(trace_id(f, 1), 2);
    tt_free(a);
    tt_free(b);
}

/* ------------------------------------------------------------ pause */

/* Normal mode: virtual time follows the host while running, stands still
 * while paused, and resumes where it stopped. */
static void test_pause_normal_mode(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);

    assert_false(bb_timer_context_is_deterministic(f->ctx));
    int64_t v0 = vnow(f);
    g_usleep(5000);
    int64_t v1 = vnow(f);
    assert_true(v1 - v0 >= 5 * MS);

    bb_timer_context_pause(f->ctx);
    bb_timer_context_pause(f->ctx);
    assert_true(bb_timer_context_is_paused(f->ctx));
    int64_t p0 = vnow(f);
    bb_timer_mod(a->timer, p0); /* due, but the clock is stopped */
    g_usleep(10000);
    assert_int_equal(vnow(f), p0);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), -1);

    bb_timer_context_resume(f->ctx);
    bb_timer_context_resume(f->ctx);
    assert_false(bb_timer_context_is_paused(f->ctx));
    int64_t r0 = vnow(f);
    assert_true(r0 >= p0);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    g_usleep(5000);
    assert_true(vnow(f) - r0 >= 5 * MS);
    tt_free(a);
}

/* A new context's virtual clock starts at 0, paused. */
static void test_new_context_starts_paused(void **state)
{
    BbTimerContext *ctx = bb_timer_context_new(false, 0);

    assert_true(bb_timer_context_is_paused(ctx));
    assert_int_equal(bb_clock_get_ns(ctx, BB_CLOCK_VIRTUAL), 0);
    g_usleep(2000);
    assert_int_equal(bb_clock_get_ns(ctx, BB_CLOCK_VIRTUAL), 0);
    bb_timer_context_free(ctx);

    ctx = bb_timer_context_new(true, 3);
    assert_true(bb_timer_context_is_paused(ctx));
    assert_true(bb_timer_context_is_deterministic(ctx));
    bb_icount_account(ctx, 10);
    assert_int_equal(bb_icount_get(ctx), 0);
    bb_timer_context_resume(ctx);
    bb_icount_account(ctx, 10);
    assert_int_equal(bb_icount_get(ctx), 10);
    assert_int_equal(bb_clock_get_ns(ctx, BB_CLOCK_VIRTUAL), 80);
    bb_timer_context_free(ctx);
}

/* Deterministic mode: accounting is ignored while paused and host time
 * never moves virtual time. */
static void test_pause_icount_mode(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);

    bb_icount_account(f->ctx, 100);
    assert_int_equal(vnow(f), 100);
    g_usleep(2000);
    assert_int_equal(vnow(f), 100);
    bb_timer_mod(a->timer, 150);
    bb_timer_context_pause(f->ctx);
    bb_icount_account(f->ctx, 1000);
    assert_int_equal(bb_icount_get(f->ctx), 100);
    assert_int_equal(vnow(f), 100);
    assert_false(bb_icount_warp(f->ctx));
    assert_int_equal(vnow(f), 100);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
    bb_timer_context_resume(f->ctx);
    assert_int_equal(vnow(f), 100);
    bb_icount_account(f->ctx, 50);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(g_array_index(f->trace, Event, 0).vns, 150);
    tt_free(a);
}

/* ------------------------------------------------------------ budget */

/* For every shift and a range of distances, the budget is
 * ceil(delta / 2^shift): budget - 1 instructions leave the timer pending,
 * one more makes it due. */
static void test_budget_exact(void **state)
{
    static const int64_t deltas[] = { 1, 2, 3, 7, 8, 9, 1000, 1023, 1024,
                                      1025, 4096, 123457, 1000000007 };

    for (unsigned shift = 0; shift <= BB_ICOUNT_MAX_SHIFT; shift++) {
        for (size_t i = 0; i < G_N_ELEMENTS(deltas); i++) {
            Fixture *f = fixture_new(true, shift);
            TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
            int64_t step = (int64_t)1 << shift;

            bb_icount_account(f->ctx, 3); /* start off zero */
            int64_t delta = deltas[i];
            bb_timer_mod(a->timer, vnow(f) + delta);
            uint64_t budget = bb_icount_budget(f->ctx);
            assert_int_equal(budget, (uint64_t)((delta + step - 1) / step));
            assert_true(budget >= 1);

            bb_icount_account(f->ctx, budget - 1);
            assert_int_equal(bb_timer_context_run_due(f->ctx), 0);
            assert_int_equal(bb_icount_budget(f->ctx), 1);
            bb_icount_account(f->ctx, 1);
            assert_int_equal(bb_icount_budget(f->ctx), 0);
            assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
            tt_free(a);
            fixture_free(f);
        }
    }
}

/* No virtual timer or normal mode: unlimited; the budget follows the
 * earliest virtual timer only. */
static void test_budget_unlimited_and_earliest(void **state)
{
    Fixture *f = *state;
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *b = tt_new(f, BB_CLOCK_VIRTUAL, 2);
    TestTimer *r = tt_new(f, BB_CLOCK_REALTIME, 3);

    assert_int_equal(bb_icount_budget(f->ctx), UINT64_MAX);
    bb_timer_mod(r->timer, bb_clock_get_ns(f->ctx, BB_CLOCK_REALTIME));
    assert_int_equal(bb_icount_budget(f->ctx), UINT64_MAX);
    bb_timer_mod(a->timer, 500);
    bb_timer_mod(b->timer, 200);
    assert_int_equal(bb_icount_budget(f->ctx), 200);
    bb_timer_del(b->timer);
    assert_int_equal(bb_icount_budget(f->ctx), 500);
    tt_free(a);
    tt_free(b);
    tt_free(r);

    BbTimerContext *ctx = bb_timer_context_new(false, 0);
    BbTimer *t = bb_timer_new(ctx, BB_CLOCK_VIRTUAL, tt_fire, NULL);
    bb_timer_context_resume(ctx);
    bb_timer_mod(t, 1000 * MS);
    assert_int_equal(bb_icount_budget(ctx), UINT64_MAX);
    bb_timer_free(t);
    bb_timer_context_free(ctx);
}

/* ------------------------------------------------------------ warp */

static void test_warp(void **state)
{
    Fixture *f = fixture_new(true, 2);
    TestTimer *a = tt_new(f, BB_CLOCK_VIRTUAL, 1);

    assert_false(bb_icount_warp(f->ctx)); /* nothing armed */
    bb_icount_account(f->ctx, 10);        /* 40 ns */
    bb_timer_mod(a->timer, 1001);
    assert_true(bb_icount_warp(f->ctx));
    assert_int_equal(vnow(f), 1001);
    assert_int_equal(bb_icount_get(f->ctx), 10);
    assert_int_equal(bb_icount_budget(f->ctx), 0);
    assert_true(bb_icount_warp(f->ctx)); /* already due: no move */
    assert_int_equal(vnow(f), 1001);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(g_array_index(f->trace, Event, 0).vns, 1001);
    assert_false(bb_icount_warp(f->ctx));
    assert_int_equal(vnow(f), 1001);
    bb_icount_account(f->ctx, 1); /* time keeps counting from there */
    assert_int_equal(vnow(f), 1005);
    tt_free(a);
    fixture_free(f);

    f = fixture_new(false, 0); /* normal mode: no warp */
    a = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    bb_timer_mod(a->timer, 1000 * MS);
    assert_false(bb_icount_warp(f->ctx));
    assert_true(vnow(f) < 1000 * MS);
    tt_free(a);
    fixture_free(f);
}

/* ------------------------------------------------------------ next deadline */

static void test_next_deadline(void **state)
{
    Fixture *f = fixture_new(true, 0);
    TestTimer *v = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    TestTimer *r = tt_new(f, BB_CLOCK_REALTIME, 2);

    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), -1);
    bb_timer_mod(v->timer, 5); /* deterministic: host time won't bring it */
    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), -1);
    bb_timer_mod(r->timer, bb_clock_get_ns(f->ctx, BB_CLOCK_REALTIME) +
                               1000 * MS);
    int64_t ns = bb_timer_context_next_deadline_ns(f->ctx);
    assert_true(ns > 0 && ns <= 1000 * MS);
    bb_icount_account(f->ctx, 5); /* now due */
    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), 0);
    tt_free(v);
    tt_free(r);
    fixture_free(f);

    f = fixture_new(false, 0);
    v = tt_new(f, BB_CLOCK_VIRTUAL, 1);
    bb_timer_mod(v->timer, vnow(f) + 50 * MS);
    ns = bb_timer_context_next_deadline_ns(f->ctx);
    assert_true(ns > 0 && ns <= 50 * MS);
    bb_timer_context_pause(f->ctx);
    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), -1);
    bb_timer_context_resume(f->ctx);
    bb_timer_mod(v->timer, vnow(f) - 1);
    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), 0);
    tt_free(v);
    fixture_free(f);
}

/* ------------------------------------------------- deadline in callback */

typedef struct Periodic {
    BbTimer *timer;
    int64_t seen[3];   /* bb_timer_get_deadline() inside each callback */
    unsigned fired;
    int mode;          /* 0: re-arm +1000, 1: leave, 2: cancel then read */
} Periodic;

static void periodic_cb(void *opaque)
{
    Periodic *p = opaque;

    p->seen[p->fired++] = bb_timer_get_deadline(p->timer);
    if (p->mode == 0) {
        bb_timer_mod(p->timer, bb_timer_get_deadline(p->timer) + 1000);
    } else if (p->mode == 2) {
        bb_timer_del(p->timer);
        p->seen[p->fired++] = bb_timer_get_deadline(p->timer);
    }
}

static void test_deadline_in_callback(void **state)
{
    Fixture *f = fixture_new(true, 0); /* 1 ns per instruction */
    Periodic p = { 0 };

    p.timer = bb_timer_new(f->ctx, BB_CLOCK_VIRTUAL, periodic_cb, &p);
    bb_timer_mod(p.timer, 1000);
    bb_icount_account(f->ctx, 1500); /* the callback runs 500 ns late */
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(p.seen[0], 1000); /* the deadline, not "now" */
    assert_int_equal(bb_timer_get_deadline(p.timer), 2000); /* no drift */
    bb_icount_account(f->ctx, 600);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(p.seen[1], 2000);

    p.mode = 1; /* not re-armed: after the callback it is not pending */
    bb_icount_account(f->ctx, 1000);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(p.seen[2], 3000);
    assert_int_equal(bb_timer_get_deadline(p.timer), BB_TIME_NEVER);

    p.mode = 2; /* cancelled in the callback: never from then on */
    p.fired = 0;
    bb_timer_mod(p.timer, 4000);
    bb_icount_account(f->ctx, 1000);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 1);
    assert_int_equal(p.seen[0], 4000);
    assert_int_equal(p.seen[1], BB_TIME_NEVER);
    bb_timer_free(p.timer);
    fixture_free(f);
}

/* ------------------------------------------------------------ replay */

/*
 * A seeded scenario: timers whose callbacks re-arm themselves and arm
 * others at random distances (some in the past), driven by an exec loop
 * that runs random slices capped by the budget, and warps now and then as
 * if every hart slept.  Returns the trace.
 */
typedef struct Scenario {
    Fixture *f;
    GRand *rand;
    TestTimer *t[16];
    int64_t deadline[16]; /* armed deadline at the last arming */
    bool past[16];        /* last armed for a passed time */
    unsigned fired;
    unsigned shift;
} Scenario;

static Scenario *scenario_of(TestTimer *tt)
{
    return (Scenario *)tt->other;
}

static void scenario_arm(Scenario *sc, int i, int64_t delta)
{
    int64_t now = vnow(sc->f);

    sc->deadline[i] = now + delta;
    sc->past[i] = delta <= 0;
    bb_timer_mod(sc->t[i]->timer, now + delta);
}

static void scenario_check_lateness(Scenario *sc, TestTimer *tt)
{
    int64_t late = vnow(sc->f) - sc->deadline[tt->id];

    /* Never early; a future deadline is hit within one instruction. */
    assert_true(late >= 0);
    if (!sc->past[tt->id]) {
        assert_true(late < ((int64_t)1 << sc->shift));
    }
}

static void scenario_fire(TestTimer *tt)
{
    Scenario *sc = scenario_of(tt);

    scenario_check_lateness(sc, tt);
    if (++sc->fired > 3000) {
        return;
    }
    scenario_arm(sc, tt->id, g_rand_int_range(sc->rand, 1, 5000));
    if (g_rand_int_range(sc->rand, 0, 3) == 0) {
        int other = g_rand_int_range(sc->rand, 0, 16);
        if (other != tt->id) {
            scenario_arm(sc, other, g_rand_int_range(sc->rand, -50, 300));
        }
    }
}

static GArray *scenario_run(guint32 seed, unsigned shift, bool host_noise)
{
    Scenario sc = { .f = fixture_new(true, shift), .shift = shift };

    sc.rand = g_rand_new_with_seed(seed);
    for (int i = 0; i < 16; i++) {
        sc.t[i] = tt_new(sc.f, BB_CLOCK_VIRTUAL, i);
        sc.t[i]->action = scenario_fire;
        sc.t[i]->other = (TestTimer *)&sc;
        scenario_arm(&sc, i, g_rand_int_range(sc.rand, 0, 1000));
    }
    for (unsigned step = 0; sc.fired <= 3000 && step < 1000000; step++) {
        uint64_t budget = bb_icount_budget(sc.f->ctx);
        if (g_rand_int_range(sc.rand, 0, 20) == 0) {
            assert_true(bb_icount_warp(sc.f->ctx)); /* harts asleep */
        } else {
            uint64_t slice = g_rand_int_range(sc.rand, 1, 64);
            bb_icount_account(sc.f->ctx, MIN(slice, budget));
        }
        if (host_noise && step % 500 == 0) {
            g_usleep(100); /* host time must not matter */
        }
        bb_timer_context_run_due(sc.f->ctx);
    }
    assert_true(sc.fired > 3000);
    for (int i = 0; i < 16; i++) {
        tt_free(sc.t[i]);
    }
    g_rand_free(sc.rand);
    GArray *trace = sc.f->trace;
    sc.f->trace = g_array_new(false, false, sizeof(Event));
    fixture_free(sc.f);
    return trace;
}

static void assert_traces_equal(GArray *a, GArray *b)
{
    assert_int_equal(a->len, b->len);
    for (guint i = 0; i < a->len; i++) {
        Event *x = &g_array_index(a, Event, i);
        Event *y = &g_array_index(b, Event, i);
        if (x->icount != y->icount || x->vns != y->vns || x->id != y->id) {
            fail_msg("traces differ at %u: (%" G_GUINT64_FORMAT ", %"
                     G_GINT64_FORMAT ", %d) vs (%" G_GUINT64_FORMAT ", %"
                     G_GINT64_FORMAT ", %d)", i, x->icount, x->vns, x->id,
                     y->icount, y->vns, y->id);
        }
    }
}

static void test_deterministic_replay(void **state)
{
    for (unsigned shift = 0; shift <= 3; shift += 3) {
        GArray *a = scenario_run(0xb5eadb0a, shift, false);
        GArray *b = scenario_run(0xb5eadb0a, shift, true);
        GArray *c = scenario_run(0x12345678, shift, false);

        assert_true(a->len > 3000);
        assert_traces_equal(a, b);
        /* A different seed gives a different trace: the check can fail. */
        bool same = a->len == c->len &&
                    !memcmp(a->data, c->data, a->len * sizeof(Event));
        assert_false(same);
        g_array_free(a, true);
        g_array_free(b, true);
        g_array_free(c, true);
    }
}

/* ------------------------------------------------------------ many timers */

/* Thousands of timers with random (often equal) deadlines, a third of
 * them cancelled or re-armed: survivors fire in (deadline, arming) order. */
static void test_many_timers(void **state)
{
    Fixture *f = *state;
    enum { N = 5000 };
    TestTimer **tt = g_new(TestTimer *, N);
    int64_t *deadline = g_new(int64_t, N);
    uint64_t *armed_at = g_new(uint64_t, N); /* arming order */
    GRand *rand = g_rand_new_with_seed(42);
    uint64_t order = 0;
    unsigned expect_fired = 0;

    for (int i = 0; i < N; i++) {
        tt[i] = tt_new(f, BB_CLOCK_VIRTUAL, i);
        deadline[i] = g_rand_int_range(rand, 1, 200);
        armed_at[i] = order++;
        bb_timer_mod(tt[i]->timer, deadline[i]);
    }
    for (int k = 0; k < N / 3; k++) {
        int i = g_rand_int_range(rand, 0, N);
        if (g_rand_boolean(rand)) {
            bb_timer_del(tt[i]->timer);
            deadline[i] = BB_TIME_NEVER;
        } else {
            deadline[i] = g_rand_int_range(rand, 1, 200);
            armed_at[i] = order++;
            bb_timer_mod(tt[i]->timer, deadline[i]);
        }
    }
    for (int i = 0; i < N; i++) {
        expect_fired += deadline[i] != BB_TIME_NEVER;
    }
    bb_icount_account(f->ctx, 200);
    assert_int_equal(bb_timer_context_run_due(f->ctx), expect_fired);
    assert_int_equal(f->trace->len, expect_fired);
    for (guint k = 1; k < f->trace->len; k++) {
        int p = trace_id(f, k - 1), q = trace_id(f, k);
        assert_true(deadline[p] < deadline[q] ||
                    (deadline[p] == deadline[q] && armed_at[p] < armed_at[q]));
    }
    for (int i = 0; i < N; i++) {
        tt_free(tt[i]);
    }
    g_rand_free(rand);
    g_free(tt);
    g_free(deadline);
    g_free(armed_at);
}

/* ------------------------------------------------------------ host clocks */

static int64_t sys_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Realtime is monotonic, tracks CLOCK_MONOTONIC and does not stop while
 * the virtual clock is paused; host tracks the wall clock (which may be
 * stepped, so only its plausibility is checked). */
static void test_realtime_and_host_clocks(void **state)
{
    Fixture *f = *state;
    int64_t prev = bb_clock_get_ns(f->ctx, BB_CLOCK_REALTIME);

    bb_timer_context_pause(f->ctx);
    for (int i = 0; i < 10000; i++) {
        int64_t now = bb_clock_get_ns(f->ctx, BB_CLOCK_REALTIME);
        assert_true(now >= prev);
        prev = now;
    }
    int64_t r0 = bb_clock_get_ns(f->ctx, BB_CLOCK_REALTIME);
    int64_t h0 = bb_clock_get_ns(f->ctx, BB_CLOCK_HOST);
    assert_true(llabs(r0 - sys_clock_ns(CLOCK_MONOTONIC)) < 1000 * MS);
    assert_true(llabs(h0 - sys_clock_ns(CLOCK_REALTIME)) < 1000 * MS);
    assert_true(h0 > 1600000000LL * 1000000000LL); /* after 2020 */
    g_usleep(5000);
    assert_true(bb_clock_get_ns(f->ctx, BB_CLOCK_REALTIME) - r0 >= 5 * MS);
}

/* Realtime and host timers fire once their time has come, paused or not. */
static void test_realtime_and_host_timers(void **state)
{
    Fixture *f = *state;
    TestTimer *r = tt_new(f, BB_CLOCK_REALTIME, 1);
    TestTimer *h = tt_new(f, BB_CLOCK_HOST, 2);

    bb_timer_context_pause(f->ctx);
    bb_timer_mod(r->timer, bb_clock_get_ns(f->ctx, BB_CLOCK_REALTIME) + 3 * MS);
    bb_timer_mod(h->timer, bb_clock_get_ns(f->ctx, BB_CLOCK_HOST) + 3 * MS);
    int64_t ns = bb_timer_context_next_deadline_ns(f->ctx);
    assert_true(ns >= 0 && ns <= 3 * MS);
    g_usleep(10000);
    assert_int_equal(bb_timer_context_next_deadline_ns(f->ctx), 0);
    assert_int_equal(bb_timer_context_run_due(f->ctx), 2);
    assert_int_equal(r->fired, 1);
    assert_int_equal(h->fired, 1);
    tt_free(r);
    tt_free(h);
}

int main(void)
{
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_equal_deadlines_fire_in_arming_order, setup_icount),
        T(test_only_due_timers_run, setup_icount),
        T(test_arm_past_from_callback_runs_same_call, setup_icount),
        T(test_arm_now_from_callback_runs_same_call, setup_icount),
        T(test_arm_future_from_callback_waits, setup_icount),
        T(test_timer_rearms_itself, setup_icount),
        T(test_zero_period_timer_runs_once_per_call, setup_icount),
        T(test_timer_frees_itself, setup_icount),
        T(test_callback_frees_or_cancels_due_timer, setup_icount),
        T(test_cancel, setup_icount),
        T(test_nested_run_due_is_noop, setup_icount),
        T(test_pause_normal_mode, setup_normal),
        cmocka_unit_test(test_new_context_starts_paused),
        T(test_pause_icount_mode, setup_icount),
        cmocka_unit_test(test_budget_exact),
        T(test_budget_unlimited_and_earliest, setup_icount),
        cmocka_unit_test(test_warp),
        cmocka_unit_test(test_next_deadline),
        cmocka_unit_test(test_deadline_in_callback),
        cmocka_unit_test(test_deterministic_replay),
        T(test_many_timers, setup_icount),
        T(test_realtime_and_host_clocks, setup_normal),
        T(test_realtime_and_host_timers, setup_normal),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
