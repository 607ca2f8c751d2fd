/*
 * main-loop.h - the event loop between guest time slices: file-descriptor
 * watches, bottom halves (deferred callbacks) and timers.
 *
 * One iteration polls the watched descriptors with a timeout of "the next
 * timer deadline" (zero when a bottom half is scheduled or the caller may
 * not block), dispatches ready descriptors, runs scheduled bottom halves
 * and then due timers.  When every hart sleeps in WFI the execution loop
 * iterates with blocking allowed, so the process sleeps in poll() until a
 * timer or an event - it never spins.  bb_main_loop_wakeup() interrupts a
 * blocking poll from a signal handler or another thread.  Everything
 * else must be called from the thread that iterates the loop.
 */
#ifndef BREADBOARD_MAIN_LOOP_H
#define BREADBOARD_MAIN_LOOP_H

#include <stdbool.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/timer.h>

G_BEGIN_DECLS

typedef struct BbMainLoop BbMainLoop;
typedef struct BbBottomHalf BbBottomHalf;

/**
 * typedef BbFdHandler - @fd is ready for @revents (G_IO_IN, G_IO_OUT,
 * G_IO_PRI, G_IO_HUP, G_IO_ERR; G_IO_NVAL if @fd was closed while still
 * watched).  Only conditions the watch currently waits for are reported,
 * plus HUP, ERR and NVAL, which need no asking.
 * Since: ABI 1.1
 */
typedef void (*BbFdHandler)(int fd, GIOCondition revents, void *opaque);

/**
 * bb_main_loop_new() - a loop whose timers live in @timers (borrowed).
 * Since: ABI 1.1
 */
BB_API BbMainLoop *bb_main_loop_new(BbTimerContext *timers);

/** bb_main_loop_free() - free a loop; its watches and bottom halves must
 * be gone (if some remain, the loop is leaked with a g_critical()).  NULL
 * accepted.  Since: ABI 1.1 */
BB_API void bb_main_loop_free(BbMainLoop *loop);

/** bb_main_loop_get_timers() - the loop's timer context.  Since: ABI 1.1 */
BB_API BbTimerContext *bb_main_loop_get_timers(BbMainLoop *loop);

/**
 * bb_main_loop_add_fd() - watch @fd for @events.
 * Return: a watch id (> 0) for bb_main_loop_set_fd_events() and
 * bb_main_loop_remove_fd().
 * Since: ABI 1.1
 */
BB_API guint bb_main_loop_add_fd(BbMainLoop *loop, int fd,
                                 GIOCondition events, BbFdHandler handler,
                                 void *opaque);

/**
 * bb_main_loop_set_fd_events() - change what a watch waits for; 0 pauses
 * it (back-pressure: stop reading while the consumer is full, wait for
 * G_IO_OUT only while output is queued).  Takes effect at once: a watch
 * paused by another handler of the same iteration is not called.
 * Since: ABI 1.1
 */
BB_API void bb_main_loop_set_fd_events(BbMainLoop *loop, guint id,
                                       GIOCondition events);

/** bb_main_loop_remove_fd() - stop watching; safe from any callback of
 * the loop, including the watch's own handler.  Does not close @fd.
 * Since: ABI 1.1 */
BB_API void bb_main_loop_remove_fd(BbMainLoop *loop, guint id);

/**
 * bb_bh_new() - a bottom half: a callback run once per scheduling, from
 * the loop, outside whatever code scheduled it.  Scheduled bottom halves
 * run in scheduling order.  One scheduled from a descriptor handler runs
 * in the same iteration; one scheduled from a bottom half or a timer
 * callback runs in the next iteration (which then does not block).
 * Since: ABI 1.1
 */
BB_API BbBottomHalf *bb_bh_new(BbMainLoop *loop, void (*cb)(void *opaque),
                               void *opaque);

/** bb_bh_schedule() - run the callback at the next iteration (scheduling
 * it again before it runs has no further effect; from its own callback it
 * schedules the next run).  Loop thread only: other threads and signal
 * handlers use bb_main_loop_wakeup().  Since: ABI 1.1 */
BB_API void bb_bh_schedule(BbBottomHalf *bh);

/** bb_bh_cancel() - unschedule (no-op if not scheduled).  Since: ABI 1.1 */
BB_API void bb_bh_cancel(BbBottomHalf *bh);

/** bb_bh_free() - cancel and free (NULL accepted); safe from its own
 * callback.  Since: ABI 1.1 */
BB_API void bb_bh_free(BbBottomHalf *bh);

/**
 * bb_main_loop_iterate() - one iteration: poll, then ready descriptors,
 * then scheduled bottom halves, then bb_timer_context_run_due().
 * @blocking: whether to sleep until a descriptor, timer or wakeup (it
 * does not sleep when a bottom half is scheduled; with nothing to wait
 * for it sleeps until a descriptor or a wakeup).  A signal interrupting
 * the poll ends the sleep too.  Must not be called from a callback of
 * the same loop.
 * Return: true if anything was dispatched (a descriptor, a bottom half or
 * a timer); a wakeup alone is not a dispatch.
 * Since: ABI 1.1
 */
BB_API bool bb_main_loop_iterate(BbMainLoop *loop, bool blocking);

/**
 * bb_main_loop_wakeup() - make a blocking bb_main_loop_iterate() return
 * soon.  Async-signal-safe and thread-safe.
 * Since: ABI 1.1
 */
BB_API void bb_main_loop_wakeup(BbMainLoop *loop);

G_END_DECLS

#endif /* BREADBOARD_MAIN_LOOP_H */
