/*
 * system-internal.h - what the board loader and the CLI see of a system
 * beyond the SDK.
 */
#ifndef HOST_SYSTEM_SYSTEM_INTERNAL_H
#define HOST_SYSTEM_SYSTEM_INTERNAL_H

#include <breadboard/machine.h>
#include <breadboard/system.h>

/* Size of the root container (the whole 64-bit physical space). */
#define MEMORY_SIZE_FULL UINT64_MAX

/* Runs the harts for one slice; returns whether any hart is runnable
 * (false: all sleep, the loop may block).  Set by the CPU support. */
typedef bool (*SystemExecFunc)(BbSystem *sys, void *opaque);

/* The machine whose devices bb_system_reset() resets (the machine base
 * type's realize registers itself; unrealize clears it). */
void system_set_machine(BbSystem *sys, BbMachine *machine);
/* The machine of @sys, or NULL (the monitor walks its tree). */
BbMachine *system_get_machine(BbSystem *sys);
void system_set_exec(BbSystem *sys, SystemExecFunc fn, void *opaque);
/* The same, and @destroy(@opaque) runs first thing in bb_system_free()
 * (before the address space goes). */
void system_set_exec_full(BbSystem *sys, SystemExecFunc fn, void *opaque,
                          GDestroyNotify destroy);
void *system_get_exec_opaque(BbSystem *sys);
/* The name of the board the system was built from (its `name:` key, or
 * its file), which snapshots record. */
void system_set_board_name(BbSystem *sys, const char *name);
const char *system_get_board_name(const BbSystem *sys);
/* Write out what every chardev has queued (up to 1 s each), e.g. before
 * a note on stderr that must follow the console output so far. */
void system_flush_chardevs(BbSystem *sys);
/* The JIT backend the harts use: "jit" (x86-64) or "interp"; NULL means
 * the default (jit where available).  Set before the first hart runs. */
void system_set_accel(BbSystem *sys, const char *accel);
const char *system_get_accel(const BbSystem *sys);
/* Should the exec loop leave its slice now (a shutdown or reset request
 * is pending, or the system is not running)? */
bool system_exec_should_stop(BbSystem *sys);
/* Is the caller the thread inside bb_system_run() (which runs the harts
 * and iterates the main loop)?  False when no thread is. */
bool system_on_loop_thread(BbSystem *sys);
/* SIGINT/SIGTERM/SIGHUP request a shutdown of @sys (a second one exits at
 * once); SIGPIPE is ignored.  Restores the terminal first. */
void system_install_signal_handlers(BbSystem *sys);

#endif /* HOST_SYSTEM_SYSTEM_INTERNAL_H */
