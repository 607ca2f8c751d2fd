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

/* The virtual clock's state, for snapshots (host/snapshot): in
 * deterministic mode instructions accounted and the warped ns, otherwise
 * the virtual time while paused.  A snapshot is taken and restored with
 * the clock paused. */
typedef struct TimerClockState {
    bool icount;
    unsigned shift;
    uint64_t insns;
    int64_t warp_ns;
    int64_t vbase;
} TimerClockState;

void timer_context_get_clock(const BbTimerContext *ctx, TimerClockState *st);
/* Put the clock back to @st; false if the mode or shift differ. */
bool timer_context_set_clock(BbTimerContext *ctx, const TimerClockState *st);

#endif /* HOST_TIMER_TIMER_INTERNAL_H */
