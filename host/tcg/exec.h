/*
 * exec.h - the execution loop of the JIT (host-internal): per system, the
 * list of harts, one TB cache and the backend; per hart, its softmmu, its
 * jump cache, the unwinding point of bb_cpu_raise_exception() and the TB
 * being run or translated.  exec.c runs the harts round-robin, one slice
 * per call of the system's exec function (system_set_exec()); the CPU
 * base type (host/cpu/cpu.c) registers harts here.  docs/jit.md,
 * "Execution loop".
 */
#ifndef HOST_TCG_EXEC_H
#define HOST_TCG_EXEC_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/cpu.h>
#include <breadboard/system.h>

#include "tcg/exec-debug.h"
#include "tcg/softmmu.h"
#include "tcg/tb-cache.h"
#include "tcg/tcg-internal.h"

typedef struct Exec Exec;

/* How a siglongjmp to the hart's unwinding point came. */
enum {
    EXEC_UNWIND_EXCEPTION = 1, /* deliver priv->exc_* via do_exception */
    EXEC_UNWIND_RETRANSLATE,   /* a fetch mid-TB faulted: translate fewer
                                  instructions (priv->retry_insns) */
    EXEC_UNWIND_RESTART,       /* a store hit translated code: redo the
                                  storing instruction alone */
    EXEC_UNWIND_DEBUG,         /* a breakpoint or watchpoint: report
                                  priv->dbg_stop (exec-debug.h) */
};

/* What the loop knows of a TB beyond the cache: its guest instructions'
 * pcs, in order (their count is what the TB retires when it runs to its
 * end; the index of a faulting pc is what it retired before the fault). */
typedef struct TbInfo {
    unsigned insns;
    uint64_t entry_pc;        /* where the TB starts (even with no insns) */
    uint64_t entry_extra;     /* the first insn_start's extra word */
    uint64_t *pcs;
    unsigned capacity;        /* of pcs (the hart's scratch only) */
} TbInfo;

/* Host-private state of a hart (BbCpu.priv). */
struct BbCpuPrivate {
    BbCpuClass *cc;           /* the hart's class (looked up once) */
    Exec *exec;               /* the system's loop; NULL when detached */
    BbSystem *sys;
    Softmmu *sm;              /* the hart's TLBs */
    TbJumpCache *jc;
    TcgRuntime rt;            /* load/store: exec's wrappers */
    BbTcgContext *ctx;        /* translation scratch (class globals) */
    sigjmp_buf unwind;        /* where raise_exception goes */
    bool unwind_set;          /* inside the loop's sigsetjmp */
    TranslationBlock *cur_tb; /* running (cached TB) */
    TcgCode *cur_code;        /* running code (cached or one-off) */
    const TcgBackend *cur_backend;
    const TbInfo *cur_info;   /* of cur_code */
    TcgCode *oneoff;          /* uncached code to free after its run */
    TbInfo scratch;           /* the TB being translated; the oneoff's */
    TranslationBlock *last;   /* chain source: the TB that left through
                                 goto_tb slot last_exit, or NULL */
    TcgExit last_exit;
    uint64_t last_gen;        /* cache generation when last was run */
    void *exit_owner;         /* rt.exit_owner: on x86-64 the TB whose
                                 exit_tb 0/1 ended the last run */
    BbTranslateState *ts;     /* being translated, or NULL */
    uintptr_t mem_ra;         /* return address of the running slow path */
    uint32_t exc_cause;       /* pending exception */
    uint64_t exc_tval;
    uint64_t exc_pc;          /* restored pc (for -d int) */
    unsigned retry_insns;     /* EXEC_UNWIND_RETRANSLATE: at most this */
    bool single_next;         /* EXEC_UNWIND_RESTART: next TB is one
                                 uncached instruction */
    uint64_t tb_icount;       /* instructions of the TB being run, up to
                                 the faulting one after an unwind */
    uint64_t tb_insns;        /* after an unwind: the length of the TB
                                 that raised (counted in BbCpu.insn_count
                                 in advance) */
    uint32_t run_budget;      /* BbCpu.budget's low half at the run's
                                 start */
    uint64_t run_start;       /* BbCpu.insn_count at the run's start */
    bool yielded;             /* bb_cpu_yield(): its turn ends at the
                                 loop's next look */
    bool short_turn;          /* bb_cpu_yield(): its next turn is
                                 EXEC_YIELD_QUANTUM_INSNS long */
    /* debugging (exec-debug.h) */
    bool dbg_step;            /* run one instruction, then stop */
    bool dbg_frozen;          /* do not run at all */
    ExecDebugStop dbg_stop;   /* EXEC_UNWIND_DEBUG: what stopped it */
};

/* Register @cpu (realized) with @sys: creates the system's loop on the
 * first hart and installs it as the system's exec function. */
bool exec_register_hart(BbSystem *sys, BbCpu *cpu, GError **error);
/* Take @cpu out of its system's loop and free its private state. */
void exec_unregister_hart(BbCpu *cpu);

/* Make @cpu's generated code return to the loop at its next TB entry
 * (any thread; the loop clears it before looking at @cpu's requests). */
void exec_cpu_kick(BbCpu *cpu);
/* bb_cpu_yield(): end @cpu's turn (if another hart is runnable) and
 * keep its next one short (loop thread, from a helper). */
void exec_cpu_yield(BbCpu *cpu);
/* @cpu got an interrupt request: a hart running without a quantum while
 * @cpu slept ends its slice (normal mode, loop thread only). */
void exec_cpu_woken(BbCpu *cpu);
/* Guest-physical [@start, @start + @len) was written behind the harts'
 * backs (a debugger, the monitor): drop the TBs translated from it.  Not
 * from generated code. */
void exec_invalidate_phys(BbSystem *sys, uint64_t start, uint64_t len);

#define EXEC_SCHED_MAX_HARTS 1024 /* BOARD_MAX_HARTS */

/* Deterministic mode's schedule between two slices: the hart whose turn
 * it is (registration order), the instructions left of its quantum
 * (0: a full one) and which harts start their next turn short.  Snapshots carry it so that a run from one switches
 * harts where the saved run did (docs/snapshots.md).  In normal mode
 * get gives zeros and set is not used. */
typedef struct ExecSchedule {
    uint32_t turn;
    uint64_t left;
    /* bit i % 64 of word i / 64: hart i's next turn is short
     * (bb_cpu_yield()) */
    uint64_t short_turns[EXEC_SCHED_MAX_HARTS / 64];
} ExecSchedule;

void exec_get_schedule(BbSystem *sys, ExecSchedule *sched);
/* Can @sys take @sched (an existing hart, at most a quantum)? */
bool exec_check_schedule(BbSystem *sys, const ExecSchedule *sched,
                         GError **error);
void exec_set_schedule(BbSystem *sys, const ExecSchedule *sched);

/* Run every hart for one slice; whether any hart is runnable. */
bool exec_run_slice(BbSystem *sys, void *opaque);

/* The backend of systems that name none (system_set_accel()): "jit" or
 * "interp"; NULL restores the build's default.  False for an unknown
 * name.  The CLI's --accel. */
bool exec_set_default_accel(const char *name);

/* The backend named @name ("jit", "interp"; NULL: the default), or NULL
 * if this build has none by that name. */
const TcgBackend *exec_backend_by_name(const char *name);

#endif /* HOST_TCG_EXEC_H */
