/*
 * exec-debug.h - debugging support of the execution loop (host-internal):
 * breakpoints, watchpoints, single-stepping and frozen harts, for the
 * gdbstub (host/gdbstub).  docs/debugging.md, "How it works".
 *
 * Breakpoints are guest virtual pcs checked at translation: a TB that
 * would contain one ends before it, and a TB that starts at one is a
 * "debug exit" that stops the hart before the instruction runs.  The
 * TBs that hold an address are invalidated when a breakpoint there is set
 * or removed, so both backends behave alike and guest memory is never
 * patched.  Watchpoints are guest virtual ranges: pages that hold one get
 * no TLB entries (every access takes the slow path), and the slow path
 * stops the hart before an access that touches one.  A stepping hart
 * runs one-instruction TBs without chaining and with interrupts masked,
 * and stops after one instruction (or at the first instruction of the
 * trap handler when the instruction traps).  Every stop is reported to
 * the handler from inside the loop; the handler stops the system.
 */
#ifndef HOST_TCG_EXEC_DEBUG_H
#define HOST_TCG_EXEC_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/cpu.h>
#include <breadboard/system.h>

#include "tcg/tb-cache.h"

typedef struct ExecDebug ExecDebug;

/* What a watchpoint catches (the GDB Z2/Z3/Z4 types). */
typedef enum ExecWatchKind {
    EXEC_WATCH_WRITE = 1,
    EXEC_WATCH_READ = 2,
    EXEC_WATCH_ACCESS = 3,
} ExecWatchKind;

typedef enum ExecStopReason {
    EXEC_STOP_BREAKPOINT = 1, /* about to run a breakpoint's instruction */
    EXEC_STOP_WATCHPOINT,     /* about to make a watched access */
    EXEC_STOP_STEP,           /* the stepping hart ran its instruction */
} ExecStopReason;

typedef struct ExecDebugStop {
    ExecStopReason reason;
    BbCpu *cpu;
    uint64_t addr;            /* watchpoint: its address */
    ExecWatchKind kind;       /* watchpoint: its kind */
} ExecDebugStop;

/* Called from inside the loop when a hart stops; it must stop the system
 * (the loop leaves at the next TB boundary of every hart once the system
 * is no longer running). */
typedef void (*ExecDebugHandler)(void *opaque, const ExecDebugStop *stop);

/* The debugging state of @sys's loop, made on first use; NULL when the
 * system has no harts. */
ExecDebug *exec_debug_get(BbSystem *sys);
void exec_debug_set_handler(ExecDebug *d, ExecDebugHandler fn, void *opaque);

/* The harts, in registration order (the gdbstub's threads). */
unsigned exec_debug_nharts(ExecDebug *d);
BbCpu *exec_debug_hart(ExecDebug *d, unsigned i);

/* Breakpoints at guest virtual @pc (one per address; inserting twice is
 * no error).  Remove: false if there was none. */
void exec_debug_breakpoint_insert(ExecDebug *d, uint64_t pc);
bool exec_debug_breakpoint_remove(ExecDebug *d, uint64_t pc);
/* Watchpoints on @len (>= 1) bytes at guest virtual @addr.  Remove:
 * false if there was no such watchpoint. */
void exec_debug_watchpoint_insert(ExecDebug *d, uint64_t addr, uint64_t len,
                                  ExecWatchKind kind);
bool exec_debug_watchpoint_remove(ExecDebug *d, uint64_t addr, uint64_t len,
                                  ExecWatchKind kind);
void exec_debug_remove_all(ExecDebug *d);

/* Make @cpu step (run one instruction, then stop) when it next runs. */
void exec_debug_set_step(BbCpu *cpu, bool step);
/* A frozen hart does not run (vCont leaves threads without an action
 * stopped). */
void exec_debug_set_frozen(BbCpu *cpu, bool frozen);

/* ---- for exec.c ---- */
ExecDebug *exec_debug_new(GPtrArray *harts, TbCache *cache);
void exec_debug_free(ExecDebug *d);
bool exec_debug_breakpoint_at(const ExecDebug *d, uint64_t pc);
bool exec_debug_page_watched(const ExecDebug *d, uint64_t vaddr);
/* Does an access of @size bytes at @vaddr (@write: a store) hit a
 * watchpoint?  Then *@addr and *@kind describe it. */
bool exec_debug_watch_hit(const ExecDebug *d, uint64_t vaddr, unsigned size,
                          bool write, uint64_t *addr, ExecWatchKind *kind);
void exec_debug_report(ExecDebug *d, const ExecDebugStop *stop);

#endif /* HOST_TCG_EXEC_DEBUG_H */
