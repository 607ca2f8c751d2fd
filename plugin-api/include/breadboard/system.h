/*
 * system.h - one emulated system at run time: its clocks and timers, main
 * loop, guest memory, character backends and run state.
 *
 * There is no global "current system": a board builds one BbSystem and
 * hands it to its machine; devices reach it with bb_device_get_system()
 * (through the machine above them in the composition tree).
 *
 * Run states follow QEMU's model (docs/monitor.md, "Run states"):
 * CREATED ("prelaunch") -> RUNNING <-> PAUSED / DEBUG, and SHUTDOWN,
 * GUEST_PANICKED, INTERNAL_ERROR; the allowed transitions are a table in
 * system.c.  A system reset passes through RESET (devices and harts are
 * reset) and ends in RUNNING if the system was running, else in CREATED
 * (prelaunch).  Guests and the host request a shutdown or a reset; the
 * run loop carries the request out between time slices, and the
 * shutdown cause decides the process exit code:
 *   guest power-off            0
 *   guest failure with code N  N (1 if N is 0)
 *   host quit (Ctrl-A x)       0
 *   SIGINT / SIGTERM           128 + signal number
 *   host error                 1
 */
#ifndef BREADBOARD_SYSTEM_H
#define BREADBOARD_SYSTEM_H

#include <stdbool.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/chardev.h>
#include <breadboard/device.h>
#include <breadboard/main-loop.h>
#include <breadboard/memory.h>
#include <breadboard/timer.h>

G_BEGIN_DECLS

typedef struct BbSystem BbSystem;

/**
 * enum BbRunState - life cycle of a system.
 * @BB_RUN_STATE_CREATED: built, not started yet, or reset while not
 *   running (QEMU's "prelaunch"; also BB_RUN_STATE_PRELAUNCH).
 * @BB_RUN_STATE_RUNNING: the harts run.
 * @BB_RUN_STATE_PAUSED: stopped by the host (monitor stop, --paused).
 * @BB_RUN_STATE_RESET: transient, while bb_system_reset() runs.
 * @BB_RUN_STATE_SHUTDOWN: the guest or the host shut the system down
 *   (the process ends, unless --no-shutdown keeps it for inspection).
 * @BB_RUN_STATE_DEBUG: stopped by the debugger (breakpoint, watchpoint,
 *   single-step).  Since: ABI 2.1
 * @BB_RUN_STATE_GUEST_PANICKED: the guest reported a panic.
 *   Since: ABI 2.1
 * @BB_RUN_STATE_INTERNAL_ERROR: the emulator cannot go on (e.g. a hart
 *   could not translate code).  Since: ABI 2.1
 * Since: ABI 1.1
 */
typedef enum {
    BB_RUN_STATE_CREATED = 0,
    BB_RUN_STATE_RUNNING,
    BB_RUN_STATE_PAUSED,
    BB_RUN_STATE_RESET,
    BB_RUN_STATE_SHUTDOWN,
    BB_RUN_STATE_DEBUG,
    BB_RUN_STATE_GUEST_PANICKED,
    BB_RUN_STATE_INTERNAL_ERROR,
} BbRunState;

/* QEMU's name for the state before the first start.  Since: ABI 2.1 */
#define BB_RUN_STATE_PRELAUNCH BB_RUN_STATE_CREATED

/**
 * enum BbShutdownCause - why a system stops or resets.
 * @BB_SHUTDOWN_GUEST_POWEROFF: the guest powered off ("guest-shutdown").
 * @BB_SHUTDOWN_GUEST_FAILURE: the guest reported failure with a code
 *   ("guest-panic").
 * @BB_SHUTDOWN_HOST_QUIT: the user quit at the console, Ctrl-A x
 *   ("host-ui").
 * @BB_SHUTDOWN_HOST_SIGNAL: SIGINT/SIGTERM/SIGHUP ("host-signal").
 * @BB_SHUTDOWN_HOST_ERROR: the emulator failed ("host-error").
 * @BB_SHUTDOWN_GUEST_RESET: the guest asked for a reset ("guest-reset";
 *   a reset cause).  Since: ABI 2.1
 * @BB_SHUTDOWN_HOST_MONITOR_QUIT: the monitor's quit ("host-qmp-quit";
 *   exit code 0).  Since: ABI 2.1
 * @BB_SHUTDOWN_HOST_MONITOR_RESET: the monitor's system_reset
 *   ("host-qmp-system-reset"; a reset cause).  Since: ABI 2.1
 * The names in quotes are QEMU's ShutdownCause values, which
 * bb_shutdown_cause_name() returns.
 * Since: ABI 1.1
 */
typedef enum {
    BB_SHUTDOWN_NONE = 0,
    BB_SHUTDOWN_GUEST_POWEROFF,
    BB_SHUTDOWN_GUEST_FAILURE,
    BB_SHUTDOWN_HOST_QUIT,
    BB_SHUTDOWN_HOST_SIGNAL,
    BB_SHUTDOWN_HOST_ERROR,
    BB_SHUTDOWN_GUEST_RESET,
    BB_SHUTDOWN_HOST_MONITOR_QUIT,
    BB_SHUTDOWN_HOST_MONITOR_RESET,
} BbShutdownCause;

/**
 * struct BbSystemOptions - how to build a system.
 * @icount: deterministic time (see timer.h).
 * @icount_shift: ns per instruction as a power of two.
 * @accel: the JIT backend that runs the system's harts, "jit" (x86-64
 *   code, where built) or "interp" (the portable interpreter); NULL: the
 *   process default (the CLI's --accel).  An unknown name makes the
 *   first hart's realize fail.  Since: ABI 1.5
 * Since: ABI 1.1
 */
typedef struct BbSystemOptions {
    bool icount;
    unsigned icount_shift;
    const char *accel;
    void *reserved[3];
} BbSystemOptions;

/**
 * bb_system_new() - a system with an empty 2^64-byte memory map whose
 * unassigned accesses are bus errors.
 * @opts: may be NULL (host time).
 * Since: ABI 1.1
 */
BB_API BbSystem *bb_system_new(const BbSystemOptions *opts);

/** bb_system_free() - free a system (NULL accepted).  Since: ABI 1.1 */
BB_API void bb_system_free(BbSystem *sys);

/** bb_system_get_timers() - the clocks.  Since: ABI 1.1 */
BB_API BbTimerContext *bb_system_get_timers(BbSystem *sys);
/** bb_system_get_main_loop() - the event loop.  Since: ABI 1.1 */
BB_API BbMainLoop *bb_system_get_main_loop(BbSystem *sys);
/** bb_system_get_memory() - the root of the guest-physical map.
 * Since: ABI 1.1 */
BB_API BbMemoryRegion *bb_system_get_memory(BbSystem *sys);
/** bb_system_get_address_space() - the guest-physical address space
 * (what CPUs and DMA see).  Since: ABI 1.1 */
BB_API BbAddressSpace *bb_system_get_address_space(BbSystem *sys);

/**
 * bb_system_add_chardev() - open backend @spec under @id.
 * Return: false with @error if the id is taken or the backend fails.
 * Since: ABI 1.1
 */
BB_API bool bb_system_add_chardev(BbSystem *sys, const char *id,
                                  const char *spec, GError **error);

/**
 * bb_system_get_chardev() - the backend named @id_or_spec: a chardev id
 * added before, or else a spec opened now (and kept, under the spec as
 * id).
 * Return: the backend (owned by the system) or NULL with @error.
 * Since: ABI 1.1
 */
BB_API BbChardev *bb_system_get_chardev(BbSystem *sys, const char *id_or_spec,
                                        GError **error);

/** bb_system_get_run_state() - the current state.  Since: ABI 1.1 */
BB_API BbRunState bb_system_get_run_state(const BbSystem *sys);

/** bb_run_state_name() - QEMU's RunState name: "prelaunch" (CREATED),
 * "running", "paused", "reset" (ours, transient), "shutdown", "debug",
 * "guest-panicked", "internal-error".  Since: ABI 1.1 */
BB_API const char *bb_run_state_name(BbRunState state);

/**
 * bb_system_set_run_state() - change state; listeners run.  The allowed
 * transitions (docs/monitor.md, "Run states"): created->running;
 * running->paused/debug/guest-panicked/internal-error;
 * paused/debug/guest-panicked->running; internal-error/shutdown->paused;
 * any but reset->reset->(running, or created when the state before the
 * reset was not running); any->shutdown (once).  Setting the current
 * state again is a no-op that succeeds and notifies nobody.  Leaving
 * RUNNING stops the virtual clock (and makes every hart leave generated
 * code at its next TB), entering it restarts the clock.
 * Return: false with @error for other transitions.
 * Since: ABI 1.1
 */
BB_API bool bb_system_set_run_state(BbSystem *sys, BbRunState state,
                                    GError **error);

/** typedef BbRunStateListener - state changed from @old to @now. */
typedef void (*BbRunStateListener)(void *opaque, BbRunState old,
                                   BbRunState now);

/** bb_system_add_run_state_listener() - Return: id for removal. */
BB_API guint bb_system_add_run_state_listener(BbSystem *sys,
                                              BbRunStateListener fn,
                                              void *opaque);
/** bb_system_remove_run_state_listener() - remove by id. */
BB_API void bb_system_remove_run_state_listener(BbSystem *sys, guint id);

/**
 * bb_system_stop() - stop a running system in state @reason (QEMU's
 * vm_stop): BB_RUN_STATE_PAUSED for the host (monitor stop, Ctrl-C in
 * the debugger), BB_RUN_STATE_DEBUG for the debugger (breakpoint, step),
 * BB_RUN_STATE_GUEST_PANICKED or BB_RUN_STATE_INTERNAL_ERROR.  Callable
 * from a helper in generated code: the hart leaves at the next TB
 * boundary and no hart runs until bb_system_resume().  The main loop
 * keeps running (monitor sockets, timers on the realtime clock).
 * Return: true if the system was running and is now stopped; false
 * (nothing changes) if it was not running.
 * Since: ABI 2.1
 */
BB_API bool bb_system_stop(BbSystem *sys, BbRunState reason);

/**
 * bb_system_resume() - the monitor's cont: RUNNING from created, paused,
 * debug or guest-panicked; already running is a success that changes
 * nothing.
 * Return: false with @error ("Resetting the Virtual Machine is required")
 * in SHUTDOWN or INTERNAL_ERROR, which need a reset first.
 * Since: ABI 2.1
 */
BB_API bool bb_system_resume(BbSystem *sys, GError **error);

/**
 * enum BbSystemEvent - what bb_system_add_event_listener() reports
 * besides run-state changes.
 * @BB_SYSTEM_EVENT_RESET: a system reset ran (after it), with its cause
 *   (BB_SHUTDOWN_GUEST_RESET, BB_SHUTDOWN_HOST_MONITOR_RESET).
 * @BB_SYSTEM_EVENT_SHUTDOWN: a shutdown request is carried out (before
 *   the state becomes SHUTDOWN), with its cause.
 * @BB_SYSTEM_EVENT_POWERDOWN: the host asked the guest to power down
 *   (bb_system_request_powerdown()); a power-button device reacts to it.
 * Since: ABI 2.1
 */
typedef enum {
    BB_SYSTEM_EVENT_RESET = 0,
    BB_SYSTEM_EVENT_SHUTDOWN,
    BB_SYSTEM_EVENT_POWERDOWN,
} BbSystemEvent;

/** typedef BbSystemEventListener - @event happened, for @cause
 * (BB_SHUTDOWN_NONE for POWERDOWN).  Since: ABI 2.1 */
typedef void (*BbSystemEventListener)(void *opaque, BbSystemEvent event,
                                      BbShutdownCause cause);

/**
 * bb_system_add_event_listener() - call @fn on every system event, on
 * the main loop's thread.
 * Return: an id for bb_system_remove_event_listener().
 * Since: ABI 2.1
 */
BB_API guint bb_system_add_event_listener(BbSystem *sys,
                                          BbSystemEventListener fn,
                                          void *opaque);

/** bb_system_remove_event_listener() - remove by id.  Since: ABI 2.1 */
BB_API void bb_system_remove_event_listener(BbSystem *sys, guint id);

/**
 * bb_system_request_powerdown() - the host asks the guest to power down
 * (ACPI-button style): listeners get BB_SYSTEM_EVENT_POWERDOWN now.  A
 * board without a power-button device ignores it, as QEMU's riscv virt
 * does.
 * Since: ABI 2.1
 */
BB_API void bb_system_request_powerdown(BbSystem *sys);

/**
 * bb_shutdown_cause_name() - QEMU's ShutdownCause name of @cause
 * ("guest-shutdown", "host-qmp-quit"...).
 * Since: ABI 2.1
 */
BB_API const char *bb_shutdown_cause_name(BbShutdownCause cause);

/** bb_shutdown_cause_is_guest() - whether the guest caused it.
 * Since: ABI 2.1 */
BB_API bool bb_shutdown_cause_is_guest(BbShutdownCause cause);

/**
 * bb_system_request_shutdown() - ask the run loop to stop.  The first
 * request wins; later ones are ignored.  Async-signal-safe.
 * @code: the guest's failure code (BB_SHUTDOWN_GUEST_FAILURE) or the
 *   signal number (BB_SHUTDOWN_HOST_SIGNAL); ignored otherwise.
 * Since: ABI 1.1
 */
BB_API void bb_system_request_shutdown(BbSystem *sys, BbShutdownCause cause,
                                       int code);

/** bb_system_request_reset() - ask the run loop for a system reset
 * (cause BB_SHUTDOWN_GUEST_RESET).  Async-signal-safe.  Since: ABI 1.1 */
BB_API void bb_system_request_reset(BbSystem *sys);

/**
 * bb_system_request_reset_with_cause() - bb_system_request_reset() with
 * the cause the RESET event reports (BB_SHUTDOWN_HOST_MONITOR_RESET for
 * the monitor's system_reset).  Async-signal-safe.
 * Since: ABI 2.1
 */
BB_API void bb_system_request_reset_with_cause(BbSystem *sys,
                                               BbShutdownCause cause);

/** bb_system_get_shutdown_cause() - BB_SHUTDOWN_NONE until a shutdown
 * was requested.  Since: ABI 1.1 */
BB_API BbShutdownCause bb_system_get_shutdown_cause(const BbSystem *sys);

/** bb_system_get_exit_code() - the process exit code the shutdown cause
 * maps to (see the table at the top).  Since: ABI 1.1 */
BB_API int bb_system_get_exit_code(const BbSystem *sys);

/**
 * bb_system_reset() - reset every device of the machine (in composition
 * tree order, harts included) now, passing through BB_RUN_STATE_RESET;
 * afterwards the state is RUNNING if it was, else CREATED (prelaunch).
 * Since: ABI 1.1
 */
BB_API void bb_system_reset(BbSystem *sys);

/**
 * bb_system_set_start_paused() - with @paused, bb_system_run() leaves a
 * created system in CREATED (prelaunch) until bb_system_resume() (the
 * CLI's --paused, QEMU's -S).
 * Since: ABI 2.1
 */
BB_API void bb_system_set_start_paused(BbSystem *sys, bool paused);

/**
 * bb_system_set_no_shutdown() - with @no_shutdown, a guest's power-off,
 * failure or panic leaves the system in SHUTDOWN and the run loop going
 * (serving the monitor) instead of ending the run (the CLI's
 * --no-shutdown).  A host shutdown (quit, signal) then ends the run with
 * the guest's exit code; a system reset forgets the guest's shutdown.
 * Since: ABI 2.1
 */
BB_API void bb_system_set_no_shutdown(BbSystem *sys, bool no_shutdown);

/**
 * bb_system_process_requests() - carry out pending reset/shutdown
 * requests (the run loop calls it between slices).
 * Return: false once the system is shut down.
 * Since: ABI 1.1
 */
BB_API bool bb_system_process_requests(BbSystem *sys);

/**
 * bb_system_run() - set RUNNING (unless the system was told to start
 * paused) and loop until the process should end: process requests,
 * iterate the main loop (blocking when nothing else is runnable or the
 * system is stopped).
 * Return: the exit code.
 * Since: ABI 1.1
 */
BB_API int bb_system_run(BbSystem *sys);

/**
 * bb_guest_error() - log that the guest did something a device refuses
 * (bad register, bad DMA address...).  Printed only with guest-error
 * logging on (-d guest_errors), and rate-limited.  Never aborts.
 * Since: ABI 1.1
 */
BB_API void bb_guest_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

G_END_DECLS

#endif /* BREADBOARD_SYSTEM_H */
