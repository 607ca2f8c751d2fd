/*
 * timer.c - clocks, timers and deterministic time (timer.h).
 *
 * Each clock keeps its armed timers in a binary heap ordered by
 * (deadline, arming sequence number) (timer-heap.c), so arming, cancelling
 * and finding the next deadline stay O(log n) with many timers and equal
 * deadlines fire in arming order.  The virtual clock is either host
 * monotonic time minus the time spent paused, or, in deterministic mode,
 * (instructions accounted << shift) + the time bb_icount_warp() skipped;
 * in that mode nothing here reads a host clock for virtual time, so a
 * replay of the same instruction slices gives the same timer trace.
 * bb_timer_context_run_due() runs each timer at most once per call, which
 * keeps a timer that re-arms itself for a past deadline from livelocking
 * the caller.  A context belongs to one thread (the one running its loop).
 */
#include <time.h>

#include "timer/timer-heap.h"
#include "timer/timer-internal.h"

struct BbTimer {
    TimerHeapNode node;   /* deadline, sequence number, heap slot */
    BbTimerContext *ctx;
    BbClockType clock;
    BbTimerCallback cb;
    void *opaque;
    uint64_t fired_pass;  /* the run_due call that last ran it */
};

struct BbTimerContext {
    TimerHeap heaps[BB_CLOCK_COUNT]; /* armed timers per clock */
    TimerHeap held;       /* re-armed for a passed time after firing in the
                           * current run_due call; back at its end */
    uint64_t next_seq;    /* arming order */
    uint64_t pass;        /* run_due calls so far */
    bool running;         /* inside run_due */
    BbTimer *firing;      /* whose callback runs now, until it is re-armed,
                           * cancelled or freed */
    int64_t firing_deadline; /* the deadline that expired for @firing */
    unsigned ntimers;     /* timers alive, armed or not */
    bool icount;          /* deterministic mode */
    unsigned shift;       /* ns per instruction = 1 << shift */
    bool paused;          /* virtual clock stopped */
    int64_t vbase;        /* normal mode: virtual ns at the last resume */
    int64_t resume_host;  /* normal mode: monotonic ns at the last resume */
    uint64_t insns;       /* instructions accounted */
    int64_t warp_ns;      /* deterministic mode: ns added by warps */
    TimerContextHooks hooks; /* the execution loop's (timer-internal.h) */
};

TimerHeapNode *timer_heap_node(BbTimer *timer)
{
    return &timer->node;
}

/* ------------------------------------------------------------ clocks */

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * G_GINT64_CONSTANT(1000000000) + ts.tv_nsec;
}

/* Deterministic mode: instructions accounted, plus those a hart running
 * chained TBs has retired so far (the loop accounts them when the run
 * ends). */
static uint64_t icount_insns(const BbTimerContext *ctx)
{
    return ctx->insns + (ctx->hooks.inflight && !ctx->paused
                             ? ctx->hooks.inflight(ctx->hooks.opaque)
                             : 0);
}

static int64_t virtual_ns(const BbTimerContext *ctx)
{
    if (ctx->icount) {
        return (int64_t)(icount_insns(ctx) << ctx->shift) + ctx->warp_ns;
    }
    if (ctx->paused) {
        return ctx->vbase;
    }
    return ctx->vbase + host_clock_ns(CLOCK_MONOTONIC) - ctx->resume_host;
}

static int64_t clock_now(const BbTimerContext *ctx, BbClockType clock)
{
    switch (clock) {
    case BB_CLOCK_VIRTUAL:
        return virtual_ns(ctx);
    case BB_CLOCK_REALTIME:
        return host_clock_ns(CLOCK_MONOTONIC);
    case BB_CLOCK_HOST:
        return host_clock_ns(CLOCK_REALTIME);
    }
    g_return_val_if_reached(0);
}

/* Whether timers on @clock may run now (virtual ones stop while paused). */
static bool clock_enabled(const BbTimerContext *ctx, BbClockType clock)
{
    return clock != BB_CLOCK_VIRTUAL || !ctx->paused;
}

BbTimerContext *bb_timer_context_new(bool icount, unsigned shift)
{
    g_return_val_if_fail(shift <= BB_ICOUNT_MAX_SHIFT, NULL);

    BbTimerContext *ctx = g_new0(BbTimerContext, 1);
    for (int c = 0; c < BB_CLOCK_COUNT; c++) {
        timer_heap_init(&ctx->heaps[c]);
    }
    timer_heap_init(&ctx->held);
    ctx->icount = icount;
    ctx->shift = shift;
    ctx->paused = true;
    ctx->pass = 1;
    return ctx;
}

void bb_timer_context_free(BbTimerContext *ctx)
{
    if (!ctx) {
        return;
    }
    if (ctx->ntimers) {
        g_critical("bb_timer_context_free: %u timers still exist; "
                   "leaking the context", ctx->ntimers);
        return;
    }
    for (int c = 0; c < BB_CLOCK_COUNT; c++) {
        timer_heap_destroy(&ctx->heaps[c]);
    }
    timer_heap_destroy(&ctx->held);
    g_free(ctx);
}

void timer_context_set_hooks(BbTimerContext *ctx,
                             const TimerContextHooks *hooks)
{
    ctx->hooks = hooks ? *hooks : (TimerContextHooks){ 0 };
}

bool bb_timer_context_is_deterministic(const BbTimerContext *ctx)
{
    return ctx->icount;
}

int64_t bb_clock_get_ns(BbTimerContext *ctx, BbClockType clock)
{
    g_return_val_if_fail((unsigned)clock < BB_CLOCK_COUNT, 0);
    return clock_now(ctx, clock);
}

void bb_timer_context_pause(BbTimerContext *ctx)
{
    if (ctx->paused) {
        return;
    }
    ctx->vbase = virtual_ns(ctx);
    ctx->paused = true;
}

void bb_timer_context_resume(BbTimerContext *ctx)
{
    if (!ctx->paused) {
        return;
    }
    ctx->resume_host = host_clock_ns(CLOCK_MONOTONIC);
    ctx->paused = false;
}

bool bb_timer_context_is_paused(const BbTimerContext *ctx)
{
    return ctx->paused;
}

/* ------------------------------------------------------------ timers */

BbTimer *bb_timer_new(BbTimerContext *ctx, BbClockType clock,
                      BbTimerCallback cb, void *opaque)
{
    g_return_val_if_fail(ctx != NULL, NULL);
    g_return_val_if_fail((unsigned)clock < BB_CLOCK_COUNT, NULL);
    g_return_val_if_fail(cb != NULL, NULL);

    BbTimer *timer = g_new0(BbTimer, 1);
    timer->ctx = ctx;
    timer->clock = clock;
    timer->cb = cb;
    timer->opaque = opaque;
    ctx->ntimers++;
    return timer;
}

void bb_timer_free(BbTimer *timer)
{
    if (!timer) {
        return;
    }
    bb_timer_del(timer);
    timer->ctx->ntimers--;
    g_free(timer);
}

void bb_timer_mod(BbTimer *timer, int64_t deadline_ns)
{
    BbTimerContext *ctx = timer->ctx;

    bb_timer_del(timer);
    if (deadline_ns == BB_TIME_NEVER) {
        return;
    }
    timer->node.deadline = deadline_ns;
    timer->node.seq = ctx->next_seq++;
    timer_heap_push(&ctx->heaps[timer->clock], timer);
    if (ctx->hooks.deadline_changed &&
        timer_heap_peek(&ctx->heaps[timer->clock]) == timer) {
        ctx->hooks.deadline_changed(ctx->hooks.opaque, timer->clock);
    }
}

void bb_timer_del(BbTimer *timer)
{
    if (timer->ctx->firing == timer) {
        timer->ctx->firing = NULL;
    }
    if (timer->node.heap) {
        timer_heap_remove(timer);
    }
}

bool bb_timer_is_pending(const BbTimer *timer)
{
    return timer->node.heap != NULL;
}

int64_t bb_timer_get_deadline(const BbTimer *timer)
{
    if (timer->node.heap) {
        return timer->node.deadline;
    }
    return timer->ctx->firing == timer ? timer->ctx->firing_deadline
                                       : BB_TIME_NEVER;
}

/* ------------------------------------------------------------ dispatch */

/* The earliest timer due now on any enabled clock, lowest clock first. */
static BbTimer *first_due(BbTimerContext *ctx)
{
    for (int c = 0; c < BB_CLOCK_COUNT; c++) {
        BbTimer *t = timer_heap_peek(&ctx->heaps[c]);
        if (t && clock_enabled(ctx, c) &&
            t->node.deadline <= clock_now(ctx, c)) {
            return t;
        }
    }
    return NULL;
}

/* Put timers held back during a run_due call on their clocks again,
 * keeping their sequence numbers so their order is unchanged. */
static void release_held(BbTimerContext *ctx)
{
    BbTimer *t;

    while ((t = timer_heap_peek(&ctx->held))) {
        timer_heap_remove(t);
        timer_heap_push(&ctx->heaps[t->clock], t);
    }
}

unsigned bb_timer_context_run_due(BbTimerContext *ctx)
{
    unsigned n = 0;
    BbTimer *t;

    if (ctx->running) {
        return 0;
    }
    ctx->running = true;
    ctx->pass++;
    while ((t = first_due(ctx))) {
        timer_heap_remove(t);
        if (t->fired_pass == ctx->pass) {
            timer_heap_push(&ctx->held, t);
            continue;
        }
        t->fired_pass = ctx->pass;
        n++;
        ctx->firing = t;
        ctx->firing_deadline = t->node.deadline;
        t->cb(t->opaque); /* may free or re-arm t */
        ctx->firing = NULL;
    }
    release_held(ctx);
    ctx->running = false;
    return n;
}

/* Host ns until @t is due on its clock (<= 0: due now), or -1 when host
 * time does not bring it closer (paused or deterministic virtual time). */
static int64_t host_ns_until(BbTimerContext *ctx, BbTimer *t)
{
    int64_t delta = t->node.deadline - clock_now(ctx, t->clock);

    if (t->clock == BB_CLOCK_VIRTUAL) {
        if (ctx->paused || (ctx->icount && delta > 0)) {
            return -1;
        }
    }
    return MAX(delta, 0);
}

int64_t bb_timer_context_next_deadline_ns(BbTimerContext *ctx)
{
    int64_t best = -1;

    if (ctx->held.len) {
        return 0;
    }
    for (int c = 0; c < BB_CLOCK_COUNT; c++) {
        BbTimer *t = timer_heap_peek(&ctx->heaps[c]);
        int64_t ns = t ? host_ns_until(ctx, t) : -1;
        if (ns >= 0 && (best < 0 || ns < best)) {
            best = ns;
        }
    }
    return best;
}

/* ------------------------------------------------------------ icount */

uint64_t bb_icount_budget(BbTimerContext *ctx)
{
    BbTimer *t = timer_heap_peek(&ctx->heaps[BB_CLOCK_VIRTUAL]);

    if (!ctx->icount || !t) {
        return UINT64_MAX;
    }
    int64_t now = virtual_ns(ctx);
    if (t->node.deadline <= now) {
        return 0;
    }
    /* ceil((deadline - now) / 2^shift): exactly enough to make it due. */
    uint64_t delta = (uint64_t)t->node.deadline - (uint64_t)now;
    return ((delta - 1) >> ctx->shift) + 1;
}

void bb_icount_account(BbTimerContext *ctx, uint64_t insns)
{
    if (!ctx->paused) {
        ctx->insns += insns;
    }
}

uint64_t bb_icount_get(const BbTimerContext *ctx)
{
    return ctx->insns;
}

bool bb_icount_warp(BbTimerContext *ctx)
{
    BbTimer *t = timer_heap_peek(&ctx->heaps[BB_CLOCK_VIRTUAL]);

    if (!ctx->icount || ctx->paused || !t) {
        return false;
    }
    int64_t now = virtual_ns(ctx);
    if (t->node.deadline > now) {
        ctx->warp_ns += t->node.deadline - now;
    }
    return true;
}

/* ------------------------------------------------------------ snapshot */

void timer_context_get_clock(const BbTimerContext *ctx, TimerClockState *st)
{
    st->icount = ctx->icount;
    st->shift = ctx->shift;
    st->insns = icount_insns(ctx);
    st->warp_ns = ctx->warp_ns;
    st->vbase = virtual_ns(ctx);
}

bool timer_context_set_clock(BbTimerContext *ctx, const TimerClockState *st)
{
    if (st->icount != ctx->icount || st->shift != ctx->shift) {
        return false;
    }
    ctx->insns = st->insns;
    ctx->warp_ns = st->warp_ns;
    ctx->vbase = st->vbase;
    ctx->resume_host = host_clock_ns(CLOCK_MONOTONIC);
    return true;
}
