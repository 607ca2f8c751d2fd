/*
 * timer-internal.h - what the execution loop (host/tcg/exec.c) needs from
 * the timer context beyond timer.h: a hook called when a timer becomes
 * the earliest of its clock (so the loop can move its deadline kick, or in
 * deterministic mode end a run whose instruction budget a new virtual
 * deadline cuts short), and the instructions a running hart has retired
 * but the loop has not yet accounted (so deterministic virtual time is
 * right inside a run of chained TBs).  docs/jit.md, "Kick and budget".
 */
#ifndef HOST_TIMER_TIMER_INTERNAL_H
#define HOST_TIMER_TIMER_INTERNAL_H

#include <stdint.h>

#include <breadboard/timer.h>

typedef struct TimerContextHooks {
    /* @clock's earliest deadline is now @timer's (armed just now) */
    void (*deadline_changed)(void *opaque, BbClockType clock);
    /* deterministic mode: instructions retired and not yet passed to
     * bb_icount_account() (0 outside a run) */
    uint64_t (*inflight)(void *opaque);
    void *opaque;
} TimerContextHooks;

/* Install @hooks (copied; NULL removes them). */
void timer_context_set_hooks(BbTimerContext *ctx,
                             const TimerContextHooks *hooks);

#endif /* HOST_TIMER_TIMER_INTERNAL_H */
