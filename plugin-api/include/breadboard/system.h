/*
 * system.h - one emulated system at run time: its clocks and timers, main
 * loop, guest memory, character backends and run state.
 *
 * There is no global "current system": a board builds one BbSystem and
 * hands it to its machine; devices reach it with bb_device_get_system()
 * (through the machine above them in the composition tree).
 *
 * Run states: CREATED -> RUNNING <-> PAUSED -> SHUTDOWN.  A system reset
 * passes through RESET (devices are reset) and returns to the state it
 * came from.  Guests and the host request a shutdown or a reset; the run
 * loop carries the request out between time slices, and the shutdown
 * cause decides the process exit code:
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
 * Since: ABI 1.1
 */
typedef enum {
    BB_RUN_STATE_CREATED = 0,
    BB_RUN_STATE_RUNNING,
    BB_RUN_STATE_PAUSED,
    BB_RUN_STATE_RESET,
    BB_RUN_STATE_SHUTDOWN,
} BbRunState;

/**
 * enum BbShutdownCause - why a system stops.
 * Since: ABI 1.1
 */
typedef enum {
    BB_SHUTDOWN_NONE = 0,
    BB_SHUTDOWN_GUEST_POWEROFF,
    BB_SHUTDOWN_GUEST_FAILURE,
    BB_SHUTDOWN_HOST_QUIT,
    BB_SHUTDOWN_HOST_SIGNAL,
    BB_SHUTDOWN_HOST_ERROR,
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

/** bb_run_state_name() - "created", "running"...  Since: ABI 1.1 */
BB_API const char *bb_run_state_name(BbRunState state);

/**
 * bb_system_set_run_state() - change state; listeners run.  Allowed:
 * created->running, running<->paused, running/paused->reset->(previous),
 * any->shutdown.  Pausing stops the virtual clock.
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
 * bb_system_request_shutdown() - ask the run loop to stop.  The first
 * request wins; later ones are ignored.  Async-signal-safe.
 * @code: the guest's failure code (BB_SHUTDOWN_GUEST_FAILURE) or the
 *   signal number (BB_SHUTDOWN_HOST_SIGNAL); ignored otherwise.
 * Since: ABI 1.1
 */
BB_API void bb_system_request_shutdown(BbSystem *sys, BbShutdownCause cause,
                                       int code);

/** bb_system_request_reset() - ask the run loop for a system reset.
 * Async-signal-safe.  Since: ABI 1.1 */
BB_API void bb_system_request_reset(BbSystem *sys);

/** bb_system_get_shutdown_cause() - BB_SHUTDOWN_NONE until a shutdown
 * was requested.  Since: ABI 1.1 */
BB_API BbShutdownCause bb_system_get_shutdown_cause(const BbSystem *sys);

/** bb_system_get_exit_code() - the process exit code the shutdown cause
 * maps to (see the table at the top).  Since: ABI 1.1 */
BB_API int bb_system_get_exit_code(const BbSystem *sys);

/**
 * bb_system_reset() - reset every device of the machine (in composition
 * tree order) now, passing through BB_RUN_STATE_RESET.
 * Since: ABI 1.1
 */
BB_API void bb_system_reset(BbSystem *sys);

/**
 * bb_system_process_requests() - carry out pending reset/shutdown
 * requests (the run loop calls it between slices).
 * Return: false once the system is shut down.
 * Since: ABI 1.1
 */
BB_API bool bb_system_process_requests(BbSystem *sys);

/**
 * bb_system_run() - set RUNNING and loop until shutdown: process requests,
 * iterate the main loop (blocking when nothing else is runnable).
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
