/*
 * timer.h - clocks and timers, and deterministic (instruction-counted)
 * time.
 *
 * A BbTimerContext holds three clocks:
 *   BB_CLOCK_VIRTUAL   guest time; stops while the machine is paused.  In
 *                      normal mode it follows the host's monotonic clock;
 *                      in deterministic mode (--icount) it is a function
 *                      of the instructions the harts retired:
 *                      ns = (instructions << shift) + the time skipped
 *                      by bb_icount_warp(), never host time.
 *   BB_CLOCK_REALTIME  host monotonic time; never stops (UI, pacing).
 *   BB_CLOCK_HOST      host wall-clock time, ns since the Unix epoch (an
 *                      RTC's notion of "now" in normal mode).
 * Timers fire callbacks when their clock reaches their deadline.  Timers
 * may be armed, re-armed, cancelled and freed from any timer callback,
 * including their own.  Timers with equal deadlines fire in the order
 * they were armed.
 *
 * The execution loop drives deterministic time: it asks how many
 * instructions it may run before the next virtual deadline
 * (bb_icount_budget), runs at most that many, and accounts for them
 * (bb_icount_account), after which due timers run.  When every hart is
 * idle it warps virtual time to the next deadline (bb_icount_warp), so
 * the same inputs always produce the same interrupts at the same
 * instructions.
 *
 * A context and its timers belong to one thread: the one that iterates
 * the main loop and runs the harts.
 */
#ifndef BREADBOARD_TIMER_H
#define BREADBOARD_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>

G_BEGIN_DECLS

/**
 * enum BbClockType - the clocks of a timer context.
 * Since: ABI 1.1
 */
typedef enum {
    BB_CLOCK_VIRTUAL = 0,
    BB_CLOCK_REALTIME,
    BB_CLOCK_HOST,
} BbClockType;
#define BB_CLOCK_COUNT 3

#define BB_TIME_NEVER INT64_MAX /* "no deadline" */
#define BB_ICOUNT_MAX_SHIFT 10  /* at most 1024 ns per instruction */

typedef struct BbTimerContext BbTimerContext;
typedef struct BbTimer BbTimer;

/** typedef BbTimerCallback - a timer expired.  Since: ABI 1.1 */
typedef void (*BbTimerCallback)(void *opaque);

/**
 * bb_timer_context_new() - a set of clocks.
 * @icount: deterministic mode: virtual time from instructions retired.
 * @shift: in deterministic mode, each instruction is 2^@shift ns
 *   (0..BB_ICOUNT_MAX_SHIFT).
 * The virtual clock starts at 0, paused; call bb_timer_context_resume().
 * Return: the context, or NULL (with a g_critical()) if @shift is out of
 * range.
 * Since: ABI 1.1
 */
BB_API BbTimerContext *bb_timer_context_new(bool icount, unsigned shift);

/** bb_timer_context_free() - free a context; its timers must be freed
 * first (if some remain, the context is leaked with a g_critical()).
 * NULL accepted.  Since: ABI 1.1 */
BB_API void bb_timer_context_free(BbTimerContext *ctx);

/** bb_timer_context_is_deterministic() - whether icount drives virtual
 * time.  Since: ABI 1.1 */
BB_API bool bb_timer_context_is_deterministic(const BbTimerContext *ctx);

/** bb_clock_get_ns() - the current time of a clock.  Since: ABI 1.1 */
BB_API int64_t bb_clock_get_ns(BbTimerContext *ctx, BbClockType clock);

/**
 * bb_timer_context_pause() - stop the virtual clock (idempotent).  While
 * paused, virtual timers do not run (even those already due) and
 * instructions accounted are ignored; realtime and host timers go on.
 * Since: ABI 1.1
 */
BB_API void bb_timer_context_pause(BbTimerContext *ctx);

/** bb_timer_context_resume() - restart the virtual clock where it
 * stopped (idempotent).  Since: ABI 1.1 */
BB_API void bb_timer_context_resume(BbTimerContext *ctx);

/** bb_timer_context_is_paused() - whether virtual time is stopped.
 * Since: ABI 1.1 */
BB_API bool bb_timer_context_is_paused(const BbTimerContext *ctx);

/**
 * bb_timer_new() - a timer on @clock, not armed.
 * Since: ABI 1.1
 */
BB_API BbTimer *bb_timer_new(BbTimerContext *ctx, BbClockType clock,
                             BbTimerCallback cb, void *opaque);

/** bb_timer_free() - cancel and free a timer (NULL accepted).  Safe from
 * the timer's own callback.  Since: ABI 1.1 */
BB_API void bb_timer_free(BbTimer *timer);

/**
 * bb_timer_mod() - arm or re-arm @timer to fire when its clock reaches
 * @deadline_ns (a deadline in the past fires at the next opportunity).
 * Re-arming counts as a new arming for the order of equal deadlines.
 * @deadline_ns == BB_TIME_NEVER is the same as bb_timer_del().
 * Since: ABI 1.1
 */
BB_API void bb_timer_mod(BbTimer *timer, int64_t deadline_ns);

/** bb_timer_del() - cancel (no-op if not armed).  Since: ABI 1.1 */
BB_API void bb_timer_del(BbTimer *timer);

/** bb_timer_is_pending() - whether the timer is armed.  Since: ABI 1.1 */
BB_API bool bb_timer_is_pending(const BbTimer *timer);

/**
 * bb_timer_get_deadline() - the armed deadline, or BB_TIME_NEVER.  In the
 * timer's own callback, until it is re-armed or cancelled, the deadline
 * that just expired (not the time the callback runs, which may be later
 * in normal mode), so a periodic timer re-arms at
 * bb_timer_get_deadline(t) + period without drift.
 * Since: ABI 1.1 (the callback case since ABI 2.0)
 */
BB_API int64_t bb_timer_get_deadline(const BbTimer *timer);

/**
 * bb_timer_context_run_due() - run every timer whose deadline has passed
 * on its clock (timers armed by callbacks for a time already passed run
 * in the same call).  Due timers run in deadline order, equal deadlines
 * in arming order, virtual before realtime before host when several
 * clocks have a timer due.  Each timer runs at most once per call: one
 * re-armed for a passed time after it ran in this call (a zero-period
 * timer) runs at the next call, so a callback cannot livelock the caller
 * (bb_timer_context_next_deadline_ns() then returns 0).  Called from a
 * timer callback, it does nothing and returns 0.
 * Return: the number of callbacks run.
 * Since: ABI 1.1
 */
BB_API unsigned bb_timer_context_run_due(BbTimerContext *ctx);

/**
 * bb_timer_context_next_deadline_ns() - host nanoseconds until the next
 * deadline of any clock, 0 if one is already due, or -1 if no timer is
 * armed.  In deterministic mode virtual timers are not counted unless
 * already due (they advance with instructions, not host time); while the
 * virtual clock is paused its timers are not counted at all.  The main
 * loop sleeps at most this long.
 * Since: ABI 1.1
 */
BB_API int64_t bb_timer_context_next_deadline_ns(BbTimerContext *ctx);

/**
 * bb_icount_budget() - in deterministic mode, how many instructions may
 * run before the next virtual deadline is reached (at least 1 when a
 * deadline lies ahead, 0 when one is due now); UINT64_MAX when no virtual
 * timer is armed or not in deterministic mode.  The budget is
 * ceil((deadline - now) / 2^shift): accounting exactly that many
 * instructions makes the timer due, one fewer does not.
 * Since: ABI 1.1
 */
BB_API uint64_t bb_icount_budget(BbTimerContext *ctx);

/**
 * bb_icount_account() - record @insns retired instructions (counted in
 * both modes); in deterministic mode this advances virtual time by
 * @insns << shift ns.  Ignored while paused.  Due timers run at the next
 * bb_timer_context_run_due().
 * Since: ABI 1.1
 */
BB_API void bb_icount_account(BbTimerContext *ctx, uint64_t insns);

/** bb_icount_get() - instructions accounted so far.  Since: ABI 1.1 */
BB_API uint64_t bb_icount_get(const BbTimerContext *ctx);

/**
 * bb_icount_warp() - deterministic mode, all harts idle: move virtual time
 * forward to the next virtual deadline (as if idle instructions had run;
 * bb_icount_get() is unchanged, and virtual time lands exactly on the
 * deadline, not on an instruction boundary).  Does nothing in normal
 * mode (virtual time follows the host; the main loop sleeps instead) or
 * while paused.
 * Return: true if a virtual timer is armed and, after the call, due - so
 * bb_timer_context_run_due() will run it; false if only I/O or another
 * clock can wake the harts.
 * Since: ABI 1.1
 */
BB_API bool bb_icount_warp(BbTimerContext *ctx);

G_END_DECLS

#endif /* BREADBOARD_TIMER_H */
