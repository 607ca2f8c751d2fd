/*
 * exec.c - the execution loop of the JIT (DESIGN.md §6-7; docs/jit.md,
 * "Execution loop"): per system one TB cache and the harts registered by
 * the CPU base type; per call of the system's exec function one slice in
 * which every hart, in turn, services its interrupt and exit requests,
 * finds or translates the TB at its (pc, flags) and runs it, until its
 * quantum, the deterministic-time budget or a request ends the slice.
 *
 * Translation calls the CPU's translate_insn until it ends the TB, the
 * TB reaches max_insns, or the next instruction starts on another page;
 * the IR is verified, optimized and compiled into the cache.  Guest
 * exceptions (from helpers, tlb_fill and the softmmu's other hooks)
 * unwind with siglongjmp to the hart's sigsetjmp here: the guest pc of
 * the faulting instruction is restored from its insn_start marker (the
 * x86-64 backend maps the host return address to it; the interpreter
 * remembers the last marker it ran) and do_exception() delivers it.
 *
 * TBs are chained in both directions in both time modes, so a guest loop
 * runs in generated code without coming back here.  Every TB starts by
 * subtracting its length from the hart's budget (BbCpu.budget) and leaves
 * to the loop, without running, when the result would be negative; the
 * loop sets the budget before each run: the rest of the hart's quantum
 * when several harts share the thread (so they switch every
 * EXEC_QUANTUM_INSNS), and in deterministic mode also no more than the
 * instructions to the next virtual deadline (a TB that does not fit
 * runs as a one-off TB of exactly the rest, translated and thrown away
 * after its run).  An exit or interrupt request sets the budget's upper
 * half, which makes every TB leave at entry.  In normal mode a "kicker"
 * thread requests the running hart's exit at the earliest timer deadline
 * (timer context hooks tell it when a new timer comes first), and at the
 * latest every EXEC_KICK_US for I/O, so timer interrupts are late by the
 * host's wakeup latency, not by a period.  docs/jit.md, "Kick and
 * budget".
 *
 * Each hart's retired-instruction count (BbCpu.insn_count,
 * bb_cpu_get_insn_count()) is exact in both modes: a run retires what it
 * took from the budget, an unwind takes back the instructions after the
 * faulting one, and a reader mid-TB subtracts what its TB has not yet
 * retired (found like an unwind).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <breadboard/cpu.h>
#include <breadboard/main-loop.h>
#include <breadboard/system.h>
#include <breadboard/timer.h>

#include "system/system-internal.h"
#include "tcg/exec.h"
#include "timer/timer-internal.h"
#include "tcg/interp/interp.h"
#include "util/log.h"
#ifdef BB_HAVE_X86_64_BACKEND
#include "tcg/x86_64/tcg-x86_64.h"
#endif

#define EXEC_DEFAULT_MAX_INSNS 512  /* per TB, unless the class says */
#define EXEC_QUANTUM_INSNS 10000    /* per hart and slice (fairness); per
                                       slice in deterministic mode */
#define EXEC_YIELD_QUANTUM_INSNS 200 /* the turn after bb_cpu_yield():
                                       well below what a guest runs
                                       between seeing a flag and reading
                                       what it guards (OpenSBI's warm
                                       init: about 1000) */
#define EXEC_RUN_MAX_INSNS 0x40000000 /* one hart in normal mode: runs end
                                       at kicks and requests only */
#define EXEC_SLICE_TBS 4096         /* per hart and slice */
#define EXEC_TB_MAX_BYTES (TB_PAGE_SIZE - 16) /* room for a last insn */
#define EXEC_KICK_US 1000           /* normal mode: longest run without
                                       the loop when no timer is due
                                       sooner (I/O latency) */

/* The low half of BbCpu.budget (the count; the upper half is only the
 * borrow of a TB that found the budget spent). */
#define BUDGET_LO_OFFSET                                                      \
    (offsetof(BbCpu, budget) + (G_BYTE_ORDER == G_LITTLE_ENDIAN ? 0 : 4))
#define EXEC_STATS_EVERY 1024       /* BB_TCG_STATS: a line per this many
                                       TBs translated, and one at the end */

/* Translation cost (BB_TCG_STATS=1; bench/guest/README.md): TBs and
 * guest instructions translated, and the time spent translating them
 * (front end, verifier, optimizer, backend). */
typedef struct ExecStats {
    uint64_t tbs;
    uint64_t insns;
    uint64_t ns;
} ExecStats;

struct Exec {
    BbSystem *sys;
    GPtrArray *harts;         /* BbCpu *, registration order */
    TbCache *cache;
    TlbListener *tl;          /* flushes the harts' TLBs on map changes */
    const TcgBackend *backend;
    bool deterministic;
    bool chaining;
    BbCpu *current;           /* running generated code (loop thread) */
    /* normal mode: the kicker thread and the hart it may interrupt */
    GThread *kicker;
    GMutex kick_lock;
    GCond kick_cond;
    bool kick_stop;
    bool kick_idle;           /* waiting for a hart to run */
    BbCpu *running;           /* under kick_lock */
    gint64 kick_at;           /* under kick_lock: monotonic us of the
                                 next kick */
    bool stats_on;            /* BB_TCG_STATS set: time translations */
    ExecStats stats;
    ExecDebug *debug;         /* breakpoints...; NULL until a debugger */
    guint state_listener;     /* kicks the harts when the system stops */
    /* deterministic mode: the schedule between two slices (snapshots
     * carry it, exec_get_schedule()): whose turn it is, and what is left
     * of its quantum (0: a full one) */
    guint turn;
    uint64_t turn_left;
    bool keep_turn;           /* the run ended for a reason outside the
                                 guest: the hart's turn goes on */
    struct TbInfoChunk *info_chunk; /* where TbInfos are carved from */
};

/*
 * The stop: @cpu's chained TBs leave at their next entry (any thread).
 * Each TB's prologue compares its new budget with BbCpu.budget_limit and
 * leaves when the budget is below it: 0 normally (the budget is spent),
 * INT64_MAX when stopped.  The limit is a field generated code only
 * reads.  The stop used to be the budget's upper half set to all ones,
 * which the TB's own 64-bit budget store erased whenever it landed
 * between a TB's load and store - in a loop of a few instructions the
 * store is always in flight and the next load takes its value from the
 * store buffer, so nearly every kick was erased (guest/timer-latency:
 * medians of 200-400 us in some runs, re-stopped every 20 us).
 */
static void budget_stop(BbCpu *cpu)
{
    __atomic_store_n(&cpu->budget_limit, INT64_MAX, __ATOMIC_SEQ_CST);
}

/* Forget a stop whose request the loop is about to look at.  Most runs
 * start without one: then a plain load is all (a stop set right after it
 * stays set and stops the run's first TB, so no kick is lost); clearing
 * one needs the fence, so that the flags are read after the clear. */
static void budget_clear_stop(BbCpu *cpu)
{
    if (cpu->budget_limit) {
        __atomic_store_n(&cpu->budget_limit, 0, __ATOMIC_SEQ_CST);
    }
}

void exec_cpu_kick(BbCpu *cpu)
{
    budget_stop(cpu);
}

/*
 * A hart waiting for another (a WFI that cannot sleep, in a loop on a
 * flag) gives up its turn, and its next turn is short.  Round-robin harts
 * on one thread let the hart it waits on stop for a whole round at any
 * instruction - between publishing a flag and writing what the flag
 * guards, say - and the waiter, seeing the flag, could then run a whole
 * quantum on stale data: what parallel harts never do (OpenSBI 1.1/1.2's
 * hart start sets START_PENDING before the start address; a secondary
 * spinning in its HSM wait jumped to a stale address about once in 20
 * four-hart Linux boots in real time on a loaded host).  A short first
 * turn brings the other harts round again after a few hundred of the
 * waiter's instructions; it also stops spinning harts from taking a
 * quantum each from a hart doing real work.
 */
void exec_cpu_yield(BbCpu *cpu)
{
    BbCpuPrivate *p = cpu->priv;

    p->yielded = true;
    p->short_turn = true;
    cpu->exit_request = 1;
    budget_stop(cpu);
}

void exec_cpu_woken(BbCpu *cpu)
{
    Exec *ex = cpu->priv ? cpu->priv->exec : NULL;
    BbCpu *cur = ex && !ex->deterministic ? ex->current : NULL;

    if (cur && cur != cpu && system_on_loop_thread(ex->sys)) {
        /* @cpu may have been asleep while @cur ran without a quantum
         * (exec_hart_slice()): end @cur's slice so that both share. */
        cur->exit_request = 1;
        budget_stop(cur);
    }
}

/*
 * The kicker: while a hart runs, request its exit at ex->kick_at (the
 * earliest timer deadline, or EXEC_KICK_US after the last kick); sleep
 * while none runs.  The loop moves kick_at earlier and signals when a
 * slice starts or a timer comes first (exec_kick_update()).
 */
static gpointer exec_kicker(gpointer opaque)
{
    Exec *ex = opaque;

#ifdef __linux__
    /* Linux may end a sleep up to 50 us late by default (timer slack) to
     * batch wakeups; the kick is the timer interrupt's latency. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
#endif

    g_mutex_lock(&ex->kick_lock);
    while (!ex->kick_stop) {
        if (!ex->running) {
            gint64 now = g_get_monotonic_time();
            if (now < ex->kick_at) {
                /* Slices end and start all the time (a hart in WFI, the
                 * harts' turns): keep the planned wakeup instead of going
                 * idle, so that a slice starting before it costs no
                 * signal and no context switch (exec_set_running()). */
                g_cond_wait_until(&ex->kick_cond, &ex->kick_lock,
                                  ex->kick_at);
                continue;
            }
            ex->kick_idle = true;
            g_cond_wait(&ex->kick_cond, &ex->kick_lock);
            ex->kick_idle = false;
            continue;
        }
        gint64 now = g_get_monotonic_time();
        if (now < ex->kick_at) {
            g_cond_wait_until(&ex->kick_cond, &ex->kick_lock, ex->kick_at);
            continue; /* timed out, or kick_at moved: look again */
        }
        /* Once set, the stop stays until the loop takes the request
         * (generated code only reads budget_limit): one kick is enough. */
        ex->running->exit_request = 1;
        budget_stop(ex->running);
        ex->kick_at = now + EXEC_KICK_US;
    }
    g_mutex_unlock(&ex->kick_lock);
    return NULL;
}

/* Monotonic us at which the earliest timer is due (rounded up, so the
 * loop finds it due when kicked), at most EXEC_KICK_US from now. */
static gint64 exec_next_kick(Exec *ex)
{
    gint64 now = g_get_monotonic_time();
    int64_t ns = bb_timer_context_next_deadline_ns(bb_system_get_timers(
        ex->sys));

    if (ns < 0 || ns >= EXEC_KICK_US * G_GINT64_CONSTANT(1000)) {
        return now + EXEC_KICK_US;
    }
    return now + (ns + 999) / 1000;
}

/* Kick at @at if that is sooner than planned (kick_lock held). */
static void exec_kick_sooner(Exec *ex, gint64 at)
{
    if (at < ex->kick_at) {
        ex->kick_at = at;
        g_cond_signal(&ex->kick_cond);
    }
}

/* A slice of @cpu starts (or, with NULL, ends): the kicker watches it and
 * kicks at the next deadline. */
static void exec_set_running(Exec *ex, BbCpu *cpu)
{
    if (!ex->kicker) {
        return;
    }
    gint64 at = cpu ? exec_next_kick(ex) : 0;
    g_mutex_lock(&ex->kick_lock);
    ex->running = cpu;
    if (cpu) {
        if (ex->kick_idle || at < ex->kick_at) {
            g_cond_signal(&ex->kick_cond);
        }
        /* A later kick_at needs no signal: the kicker, waiting for the
         * old one, finds it moved and waits again. */
        ex->kick_at = at;
    }
    g_mutex_unlock(&ex->kick_lock);
}

/* Timer hook: a timer armed now comes first on @clock.  Normal mode: the
 * kicker may have to kick sooner.  Deterministic mode: a new virtual
 * deadline may fall inside the running chain's budget, so the chain
 * leaves at its next TB and the loop computes the budget again (at the
 * same instruction every run). */
static void exec_deadline_changed(void *opaque, BbClockType clock)
{
    Exec *ex = opaque;

    if (ex->deterministic) {
        if (clock == BB_CLOCK_VIRTUAL && ex->current) {
            budget_stop(ex->current);
        }
        return;
    }
    if (ex->kicker && ex->running) {
        gint64 at = exec_next_kick(ex);
        g_mutex_lock(&ex->kick_lock);
        exec_kick_sooner(ex, at);
        g_mutex_unlock(&ex->kick_lock);
    }
}

/* Timer hook (deterministic mode): what the running chain retired before
 * its current TB, so a device reading the virtual clock mid-chain sees the
 * time at the start of that TB, as if each TB had run from the loop. */
static uint64_t exec_inflight(void *opaque)
{
    Exec *ex = opaque;
    BbCpu *cpu = ex->current;

    if (!cpu) {
        return 0;
    }
    return (uint64_t)(cpu->priv->run_budget - (uint32_t)cpu->tb_budget);
}

/*
 * A cached TB's TbInfo is one block, its pcs after it (tb_info_dup()),
 * carved from a chunk that counts its live blocks: a malloc and a free
 * per TB were 1-2% of translating code that runs once.  A chunk goes when
 * its last block does and it is no longer the one being filled
 * (Exec.info_chunk).  A freed block is poisoned (tcg_mem_poison()), so
 * valgrind and ASan still report a stale TbInfo pointer.
 */
#define TB_INFO_CHUNK_SIZE (64u << 10)

typedef struct TbInfoChunk {
    unsigned live;            /* blocks not yet freed */
    bool filling;             /* the Exec's current chunk */
    size_t used, size;
    uint64_t data[];
} TbInfoChunk;

typedef struct TbInfoBlock {
    TbInfoChunk *chunk;
    size_t size;              /* of the whole block */
    TbInfo info;              /* then the pcs */
} TbInfoBlock;

static void tb_info_chunk_free(TbInfoChunk *c)
{
    tcg_mem_unpoison(c->data, c->used);
    g_free(c);
}

/* @c is no longer filled: free it now if it is empty. */
static void tb_info_chunk_retire(TbInfoChunk *c)
{
    if (c) {
        c->filling = false;
        if (c->live == 0) {
            tb_info_chunk_free(c);
        }
    }
}

static void tb_info_free(gpointer p)
{
    TbInfoBlock *b = (TbInfoBlock *)((char *)p - offsetof(TbInfoBlock, info));
    TbInfoChunk *c = b->chunk;

    tcg_mem_poison(b, b->size);
    if (--c->live == 0 && !c->filling) {
        tb_info_chunk_free(c);
    }
}


static const TcgCode *exec_lookup(void *env);

/* The hart's class without a checked cast: the hooks run per TB. */
static inline BbCpuClass *cpu_class(BbCpu *cpu)
{
    if (G_LIKELY(cpu->priv && cpu->priv->cc)) {
        return cpu->priv->cc;
    }
    return BB_CPU_GET_CLASS(cpu);
}

/* ------------------------------------------------------------ backends */

static char *exec_default_accel; /* --accel; NULL: the build's default */

bool exec_set_default_accel(const char *name)
{
    if (name && !exec_backend_by_name(name)) {
        return false;
    }
    g_free(exec_default_accel);
    exec_default_accel = g_strdup(name);
    return true;
}

const TcgBackend *exec_backend_by_name(const char *name)
{
#ifdef BB_HAVE_X86_64_BACKEND
    if (!name || !strcmp(name, "jit")) {
        return &tcg_backend_x86_64;
    }
#else
    if (!name) {
        return &tcg_backend_interp;
    }
#endif
    if (!strcmp(name, "interp")) {
        return &tcg_backend_interp;
    }
    return NULL;
}

static unsigned cpu_mmu_index(BbCpu *cpu, bool ifetch)
{
    BbCpuClass *cc = cpu_class(cpu);

    return cc->mmu_index ? cc->mmu_index(cpu, ifetch) : 0;
}

/* ------------------------------------------------------------ softmmu */

static void exec_restore_state(BbCpu *cpu, uintptr_t ra);

/* tlb_fill's *prot goes to the softmmu unchanged. */
G_STATIC_ASSERT(BB_PROT_READ == TLB_PROT_READ);
G_STATIC_ASSERT(BB_PROT_WRITE == TLB_PROT_WRITE);
G_STATIC_ASSERT(BB_PROT_EXEC == TLB_PROT_EXEC);
G_STATIC_ASSERT(BB_PROT_NO_CACHE == TLB_PROT_NO_CACHE);
G_STATIC_ASSERT(BB_PROT_PAGE_BITS(21) == TLB_PROT_PAGE_BITS(21));
/* BbCpu's ABI 1.5 fields came out of its padding: the size is unchanged. */
G_STATIC_ASSERT(offsetof(BbCpu, reserved) + sizeof(((BbCpu *)0)->reserved) ==
                offsetof(BbCpu, priv) + 9 * sizeof(void *));

/* The CPU's tlb_fill, told the access size through BbCpu.access_size
 * (exec_after_unwind() resets it when the fill raises). */
static bool exec_sm_tlb_fill(void *opaque, uint64_t vaddr, int access,
                             unsigned size, unsigned mmu_idx,
                             uint64_t *paddr, unsigned *prot)
{
    BbCpu *cpu = opaque;
    BbCpuClass *cc = cpu_class(cpu);
    bool ok;

    if (!cc->tlb_fill) {
        *paddr = vaddr;
        *prot = TLB_PROT_READ | TLB_PROT_WRITE | TLB_PROT_EXEC;
        return true;
    }
    cpu->access_size = size;
    ok = cc->tlb_fill(cpu, vaddr, (BbAccessType)access, mmu_idx, false,
                      paddr, prot);
    cpu->access_size = 0;
    if (ok && G_UNLIKELY(cpu->priv->exec->debug) &&
        exec_debug_page_watched(cpu->priv->exec->debug, vaddr)) {
        *prot |= TLB_PROT_NO_CACHE; /* every access takes the slow path */
    }
    return ok;
}

static void exec_sm_bus_error(void *opaque, uint64_t vaddr, uint64_t paddr,
                              int access, unsigned size, unsigned mmu_idx,
                              BbMemTxResult r)
{
    BbCpu *cpu = opaque;
    BbCpuClass *cc = cpu_class(cpu);

    if (cc->do_transaction_failed) {
        cc->do_transaction_failed(cpu, vaddr, paddr, (BbAccessType)access,
                                  size, mmu_idx);
    }
}

static bool exec_sm_misaligned(void *opaque, uint64_t vaddr, int access,
                               BbMemOp mop, unsigned mmu_idx)
{
    BbCpu *cpu = opaque;
    BbCpuClass *cc = cpu_class(cpu);

    if (!cc->do_unaligned_access) {
        return !(mop & BB_MO_ALIGN);
    }
    return cc->do_unaligned_access(cpu, vaddr, (BbAccessType)access, mop,
                                   mmu_idx);
}

static bool exec_sm_page_has_code(void *opaque, uint64_t page)
{
    BbCpu *cpu = opaque;

    return tb_cache_page_has_code(cpu->priv->exec->cache, page);
}

static void exec_sm_notify_code_write(void *opaque, uint64_t paddr,
                                      unsigned size)
{
    BbCpu *cpu = opaque;
    BbCpuPrivate *p = cpu->priv;

    if (tb_cache_invalidate_phys_range(p->exec->cache, paddr, paddr + size) &&
        p->cur_code && !p->ts) {
        /* The running code may be stale (it may even have been the
         * storing TB): stop at the storing instruction and do it again,
         * alone, from fresh code - a store to RAM may be repeated. */
        exec_restore_state(cpu, p->mem_ra);
        p->single_next = true;
        siglongjmp(p->unwind, EXEC_UNWIND_RESTART);
    }
}

static const SoftmmuOps exec_softmmu_ops = {
    .tlb_fill = exec_sm_tlb_fill,
    .bus_error = exec_sm_bus_error,
    .misaligned = exec_sm_misaligned,
    .page_has_code = exec_sm_page_has_code,
    .notify_code_write = exec_sm_notify_code_write,
};

/* A guest access of generated code about to touch a watchpoint: stop
 * before it (the instruction has not run; GDB steps over it itself). */
static void exec_check_watch(BbCpu *cpu, uint64_t vaddr, BbMemOp mop,
                             bool write)
{
    BbCpuPrivate *p = cpu->priv;
    uint64_t addr;
    ExecWatchKind kind;

    if (p->ts || !p->cur_code ||
        !exec_debug_watch_hit(p->exec->debug, vaddr, 1u << (mop & BB_MO_SIZE),
                              write, &addr, &kind)) {
        return;
    }
    exec_restore_state(cpu, p->mem_ra);
    p->dbg_stop = (ExecDebugStop){ .reason = EXEC_STOP_WATCHPOINT,
                                   .cpu = cpu, .addr = addr, .kind = kind };
    siglongjmp(p->unwind, EXEC_UNWIND_DEBUG);
}

/* The runtime's slow paths: remember the return address into generated
 * code, which locates the guest instruction if the access faults. */
static uint64_t exec_load_slow(void *opaque, uint64_t vaddr, BbMemOp mop,
                               unsigned mmu_idx)
{
    BbCpuPrivate *p = ((BbCpu *)opaque)->priv;
    uint64_t v;

    p->mem_ra = (uintptr_t)__builtin_return_address(0);
    if (G_UNLIKELY(p->exec->debug)) {
        exec_check_watch(opaque, vaddr, mop, false);
    }
    v = softmmu_load_slow(p->sm, vaddr, mop, mmu_idx);
    p->mem_ra = 0;
    return v;
}

static void exec_store_slow(void *opaque, uint64_t vaddr, uint64_t value,
                            BbMemOp mop, unsigned mmu_idx)
{
    BbCpuPrivate *p = ((BbCpu *)opaque)->priv;

    p->mem_ra = (uintptr_t)__builtin_return_address(0);
    if (G_UNLIKELY(p->exec->debug)) {
        exec_check_watch(opaque, vaddr, mop, true);
    }
    softmmu_store_slow(p->sm, vaddr, value, mop, mmu_idx);
    p->mem_ra = 0;
}

/* TbPageNotify: a page gained or lost code; tell every hart's TLBs. */
static void exec_page_notify(void *opaque, uint64_t page, bool has_code)
{
    Exec *ex = opaque;

    for (guint i = 0; i < ex->harts->len; i++) {
        BbCpu *cpu = ex->harts->pdata[i];
        tlb_code_page_changed(cpu->priv->sm, page, has_code);
    }
}

/* ------------------------------------------------------------ stats */

/* Timed only when asked: two clock reads per TB are cheap, but not free. */
static uint64_t exec_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One line on stderr with the totals so far.  Printed periodically too,
 * because a benchmark may kill the emulator (bench/boot/uboot-prompt.sh
 * stops it at the U-Boot prompt). */
static void exec_stats_print(const Exec *ex)
{
    const ExecStats *st = &ex->stats;
    double sec = st->ns / 1e9;

    fprintf(stderr,
            "tcg-stats: %" G_GUINT64_FORMAT " TBs, %" G_GUINT64_FORMAT
            " guest insns translated in %.3f ms: %.0f TBs/s, %.1f ns/insn, "
            "%.2f us/TB\n",
            st->tbs, st->insns, st->ns / 1e6, sec > 0 ? st->tbs / sec : 0.0,
            st->insns ? (double)st->ns / st->insns : 0.0,
            st->tbs ? st->ns / 1e3 / st->tbs : 0.0);
}

static void exec_stats_add(Exec *ex, uint64_t t0, unsigned insns)
{
    ex->stats.ns += exec_now_ns() - t0;
    ex->stats.tbs++;
    ex->stats.insns += insns;
    if (ex->stats.tbs % EXEC_STATS_EVERY == 0) {
        exec_stats_print(ex);
    }
}

/* ------------------------------------------------------------ harts */

/* The system left RUNNING (monitor stop, a debugger's breakpoint, a
 * shutdown): a hart inside chained generated code leaves at its next TB
 * entry instead of at the kicker's next tick. */
static void exec_on_run_state(void *opaque, BbRunState old, BbRunState now)
{
    Exec *ex = opaque;

    if (now == BB_RUN_STATE_RUNNING) {
        return;
    }
    for (guint i = 0; i < ex->harts->len; i++) {
        ((BbCpu *)ex->harts->pdata[i])->exit_request = 1;
    }
}

static void exec_free(gpointer opaque)
{
    Exec *ex = opaque;

    bb_system_remove_run_state_listener(ex->sys, ex->state_listener);
    if (ex->stats_on && ex->stats.tbs) {
        exec_stats_print(ex);
    }
    timer_context_set_hooks(bb_system_get_timers(ex->sys), NULL);

    if (ex->kicker) {
        g_mutex_lock(&ex->kick_lock);
        ex->kick_stop = true;
        g_cond_signal(&ex->kick_cond);
        g_mutex_unlock(&ex->kick_lock);
        g_thread_join(ex->kicker);
    }
    g_mutex_clear(&ex->kick_lock);
    g_cond_clear(&ex->kick_cond);
    for (guint i = 0; i < ex->harts->len; i++) {
        BbCpu *cpu = ex->harts->pdata[i];
        BbCpuPrivate *p = cpu->priv;

        tlb_listener_remove(ex->tl, p->sm);
        g_clear_pointer(&p->jc, tb_jump_cache_free);
        g_clear_pointer(&p->sm, softmmu_free);
        p->exec = NULL;
    }
    tlb_listener_free(ex->tl);
    exec_debug_free(ex->debug);
    tb_cache_free(ex->cache);
    tb_info_chunk_retire(ex->info_chunk); /* its TbInfos went with the TBs */
    g_ptr_array_unref(ex->harts);
    g_free(ex);
}

static Exec *exec_new(BbSystem *sys, GError **error)
{
    const char *accel = system_get_accel(sys) ? system_get_accel(sys)
                                              : exec_default_accel;
    const TcgBackend *backend = exec_backend_by_name(accel);
    Exec *ex;

    if (!backend) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "unknown accelerator '%s' (valid: jit, interp)", accel);
        return NULL;
    }
    ex = g_new0(Exec, 1);
    ex->sys = sys;
    ex->harts = g_ptr_array_new();
    ex->cache = tb_cache_new();
    tb_cache_set_page_notify(ex->cache, exec_page_notify, ex);
    /* A TB's TbInfo goes with it (a hash table owned them, and kept those
     * of TBs invalidated one by one until the next flush). */
    tb_cache_set_info_free(ex->cache, tb_info_free);
    ex->tl = tlb_listener_new(bb_system_get_address_space(sys));
    ex->backend = backend;
    ex->deterministic =
        bb_timer_context_is_deterministic(bb_system_get_timers(sys));
    ex->chaining = true;
    ex->stats_on = g_strcmp0(g_getenv("BB_TCG_STATS"), "1") == 0;
    g_mutex_init(&ex->kick_lock);
    g_cond_init(&ex->kick_cond);
    timer_context_set_hooks(bb_system_get_timers(sys),
                            &(TimerContextHooks){
                                .deadline_changed = exec_deadline_changed,
                                .inflight = exec_inflight,
                                .opaque = ex,
                            });
    if (!ex->deterministic) {
        ex->kicker = g_thread_new("bb-exec-kick", exec_kicker, ex);
    }
    ex->state_listener = bb_system_add_run_state_listener(
        sys, exec_on_run_state, ex);
    return ex;
}

void exec_invalidate_phys(BbSystem *sys, uint64_t start, uint64_t len)
{
    Exec *ex = sys ? system_get_exec_opaque(sys) : NULL;

    if (ex && len) {
        tb_cache_invalidate_phys_range(ex->cache, start,
                                       start + len < start ? UINT64_MAX
                                                           : start + len);
    }
}

void exec_get_schedule(BbSystem *sys, ExecSchedule *sched)
{
    Exec *ex = sys ? system_get_exec_opaque(sys) : NULL;

    memset(sched, 0, sizeof(*sched));
    if (ex && ex->deterministic) {
        sched->turn = ex->turn;
        sched->left = ex->turn_left;
        for (guint i = 0; i < ex->harts->len && i < EXEC_SCHED_MAX_HARTS;
             i++) {
            BbCpu *cpu = ex->harts->pdata[i];
            if (cpu->priv->short_turn) {
                sched->short_turns[i / 64] |= 1ull << (i % 64);
            }
        }
    }
}

bool exec_check_schedule(BbSystem *sys, const ExecSchedule *sched,
                         GError **error)
{
    unsigned harts = bb_system_get_cpu_count(sys);

    if ((harts || sched->turn) && sched->turn >= harts) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "hart %u's turn, but this VM has %u hart(s)",
                    sched->turn, harts);
        return false;
    }
    if (sched->left > EXEC_QUANTUM_INSNS) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "%" G_GUINT64_FORMAT " instructions left of a quantum "
                    "of %u", sched->left, EXEC_QUANTUM_INSNS);
        return false;
    }
    for (unsigned i = harts; i < EXEC_SCHED_MAX_HARTS; i++) {
        if (sched->short_turns[i / 64] & (1ull << (i % 64))) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "hart %u's next turn is short, but this VM has "
                        "%u hart(s)", i, harts);
            return false;
        }
    }
    return true;
}

void exec_set_schedule(BbSystem *sys, const ExecSchedule *sched)
{
    Exec *ex = sys ? system_get_exec_opaque(sys) : NULL;

    if (ex) {
        ex->turn = sched->turn;
        ex->turn_left = sched->left;
        for (guint i = 0; i < ex->harts->len; i++) {
            BbCpu *cpu = ex->harts->pdata[i];
            cpu->priv->short_turn = i < EXEC_SCHED_MAX_HARTS &&
                (sched->short_turns[i / 64] >> (i % 64)) & 1;
            cpu->priv->yielded = false;
        }
    }
}

unsigned bb_system_get_cpu_count(BbSystem *sys)
{
    Exec *ex = sys ? system_get_exec_opaque(sys) : NULL;

    return ex ? ex->harts->len : 0;
}

BbCpu *bb_system_get_cpu(BbSystem *sys, unsigned index)
{
    Exec *ex = sys ? system_get_exec_opaque(sys) : NULL;

    return ex && index < ex->harts->len ? ex->harts->pdata[index] : NULL;
}

int bb_cpu_get_index(BbCpu *cpu)
{
    Exec *ex = cpu->priv ? cpu->priv->exec : NULL;

    for (guint i = 0; ex && i < ex->harts->len; i++) {
        if (ex->harts->pdata[i] == cpu) {
            return (int)i;
        }
    }
    return -1;
}

static bool exec_check_class(BbCpu *cpu, GError **error)
{
    BbCpuClass *cc = cpu_class(cpu);

    if (!cc->globals || !cc->get_tb_key || !cc->translate_insn ||
        !cc->translate_end || !cc->do_exception) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "CPU type '%s' lacks globals, get_tb_key, "
                    "translate_insn, translate_end or do_exception",
                    bb_object_class_get_name((BbObjectClass *)cc));
        return false;
    }
    return true;
}

bool exec_register_hart(BbSystem *sys, BbCpu *cpu, GError **error)
{
    Exec *ex = system_get_exec_opaque(sys);
    BbCpuPrivate *p;

    if (!exec_check_class(cpu, error)) {
        return false;
    }
    if (!ex) {
        ex = exec_new(sys, error);
        if (!ex) {
            return false;
        }
        system_set_exec_full(sys, exec_run_slice, ex, exec_free);
    }
    p = g_new0(BbCpuPrivate, 1);
    p->cc = BB_CPU_GET_CLASS(cpu);
    p->exec = ex;
    p->sys = sys;
    p->sm = softmmu_new(bb_system_get_address_space(sys), &exec_softmmu_ops,
                        cpu);
    p->jc = tb_jump_cache_new(ex->cache);
    p->ctx = tcg_context_new(cpu_class(cpu)->globals);
    softmmu_init_runtime(p->sm, &p->rt);
    p->rt.load = exec_load_slow;
    p->rt.store = exec_store_slow;
    p->rt.opaque = cpu;
    p->rt.lookup = ex->chaining ? exec_lookup : NULL;
    p->rt.jc = ex->chaining ? tb_jump_cache_probe(p->jc) : NULL;
    p->rt.exit_owner = &p->exit_owner;
    tlb_listener_add(ex->tl, p->sm);
    cpu->priv = p;
    g_ptr_array_add(ex->harts, cpu);
    return true;
}

void exec_unregister_hart(BbCpu *cpu)
{
    BbCpuPrivate *p = cpu->priv;

    if (!p) {
        return;
    }
    if (p->exec) {
        tlb_listener_remove(p->exec->tl, p->sm);
        g_ptr_array_remove(p->exec->harts, cpu);
    }
    tb_jump_cache_free(p->jc);
    softmmu_free(p->sm);
    tcg_context_free(p->ctx);
    g_free(p->scratch.pcs);
    g_free(p);
    cpu->priv = NULL;
}

ExecDebug *exec_debug_get(BbSystem *sys)
{
    Exec *ex = system_get_exec_opaque(sys);

    if (!ex) {
        return NULL;
    }
    if (!ex->debug) {
        ex->debug = exec_debug_new(ex->harts, ex->cache);
    }
    return ex->debug;
}

/* ------------------------------------------------------------ unwinding */

#ifdef BB_HAVE_X86_64_BACKEND
/*
 * Which TB holds the host address @ra, and at which guest instruction.
 * The running TB first (the common case), then the TB cache's table of
 * host code ranges: a chained run may be anywhere in the TBs linked from
 * the running one, and a store that invalidated code has already
 * unlinked them (so walking the links from the running TB could not find
 * the storing TB; invalidated TBs stay in the table until freed).
 */
static bool exec_find_insn_x86(BbCpuPrivate *p, uintptr_t ra, uint64_t *pc,
                               uint64_t *extra, const TranslationBlock **at)
{
    TranslationBlock *tb;

    *at = NULL;
    if (tcg_x86_64_find_insn(p->cur_code, ra, pc, extra)) {
        *at = p->cur_tb;
        return true;
    }
    tb = tb_cache_find_host_pc(p->exec->cache, ra);
    if (tb && tb->backend == &tcg_backend_x86_64 &&
        tcg_x86_64_find_insn(tb->code, ra, pc, extra)) {
        *at = tb;
        return true;
    }
    return false;
}
#endif

/* Instructions @info's TB retired before the one at @pc. */
static unsigned tb_info_index(const TbInfo *info, uint64_t pc)
{
    for (unsigned i = 0; info && i < info->insns; i++) {
        if (info->pcs[i] == pc) {
            return i;
        }
    }
    return 0;
}

/* The guest instruction generated code is running (pc and marker extra
 * word) and the TbInfo of its TB; @ra is a host return address into that
 * code, or 0.  False if it cannot be found. */
static bool exec_locate_insn(BbCpu *cpu, uintptr_t ra, uint64_t *pc,
                             uint64_t *extra, const TbInfo **info)
{
    BbCpuPrivate *p = cpu->priv;

    *info = p->cur_info;
    if (p->cur_backend == &tcg_backend_interp) {
        *pc = tcg_interp_last_pc(p->cur_code);
        *extra = tcg_interp_last_extra(p->cur_code);
        return true;
    }
#ifdef BB_HAVE_X86_64_BACKEND
    if (ra) {
        const TranslationBlock *at;
        if (!exec_find_insn_x86(p, ra, pc, extra, &at)) {
            return false;
        }
        if (at && at != p->cur_tb) {
            *info = at->exec_info;
        }
        return true;
    }
#endif
    return false;
}

/* Set the guest pc (restore_state) of the instruction that raised while
 * generated code ran; @ra is a host return address into it, or 0.  Notes
 * what its TB retired before it (tb_icount) and the TB's length. */
static void exec_restore_state(BbCpu *cpu, uintptr_t ra)
{
    BbCpuPrivate *p = cpu->priv;
    BbCpuClass *cc = cpu_class(cpu);
    const TbInfo *info;
    uint64_t pc = 0, extra = 0;

    if (!exec_locate_insn(cpu, ra, &pc, &extra, &info)) {
        g_warning("hart %u: cannot locate the faulting guest instruction",
                  cpu->hartid);
        p->tb_icount = 0;
        p->tb_insns = p->cur_info ? p->cur_info->insns : 0;
        return;
    }
    p->tb_icount = tb_info_index(info, pc);
    p->tb_insns = info ? info->insns : 0;
    p->exc_pc = pc;
    if (cc->restore_state) {
        cc->restore_state(cpu, pc, extra);
    }
}

/* Instructions the running chain has retired, its current TB counted
 * whole (the budget it took; a TB that left at entry gave it back). */
static uint64_t exec_run_count(BbCpu *cpu)
{
    int32_t lo = *(volatile int32_t *)((char *)cpu + BUDGET_LO_OFFSET);

    return (uint32_t)(cpu->priv->run_budget - (uint32_t)lo);
}

/* The instruction count with the whole running TB: during a run from
 * the budget, else BbCpu.insn_count (exec_run() and unwinding update it
 * when a run ends). */
static uint64_t exec_insn_count(BbCpu *cpu)
{
    BbCpuPrivate *p = cpu->priv;

    return p->cur_code ? p->run_start + exec_run_count(cpu) : cpu->insn_count;
}

/*
 * exec_insn_count() includes every instruction of the running TB:
 * the TB takes its length from the budget at entry.  An instruction at
 * index i of a TB of n instructions therefore comes after count - n + i
 * retired ones; an unwind there sets insn_count to that.
 */
uint64_t bb_cpu_get_insn_count(BbCpu *cpu, uintptr_t host_ra)
{
    BbCpuPrivate *p = cpu->priv;
    const TbInfo *info;
    uint64_t pc, extra;

    if (!p || !p->cur_code || p->ts) {
        return cpu->insn_count; /* no TB is running */
    }
    if (!exec_locate_insn(cpu, host_ra ? host_ra : p->mem_ra, &pc, &extra,
                          &info)) {
        info = p->cur_info;
        pc = info && info->insns ? info->pcs[0] : 0; /* the TB's start */
    }
    if (!info) {
        return exec_insn_count(cpu);
    }
    return exec_insn_count(cpu) - info->insns + tb_info_index(info, pc);
}

void bb_cpu_raise_exception(BbCpu *cpu, uint32_t cause, uint64_t tval,
                            uintptr_t host_ra)
{
    BbCpuPrivate *p = cpu->priv;

    if (!p || !p->unwind_set) {
        g_error("bb_cpu_raise_exception(cause %u) outside the exec loop",
                cause);
    }
    p->exc_cause = cause;
    p->exc_tval = tval;
    p->exc_pc = 0;
    if (p->ts) {
        /* A fetch failed while translating: cut the TB before the
         * instruction, or deliver the fault if it is the first one. */
        p->exc_pc = p->ts->pc_next;
        if (p->ts->num_insns > 0) {
            p->retry_insns = p->ts->num_insns;
            siglongjmp(p->unwind, EXEC_UNWIND_RETRANSLATE);
        }
    } else if (p->cur_code) {
        exec_restore_state(cpu, host_ra ? host_ra : p->mem_ra);
    } else {
        /* Between TBs (a fetch fault while looking the next one up): the
         * faulting instruction is the one the hart is about to run. */
        uint64_t flags;
        p->cc->get_tb_key(cpu, &p->exc_pc, &flags);
    }
    siglongjmp(p->unwind, EXEC_UNWIND_EXCEPTION);
}

/* ------------------------------------------------------------ fetch */

/* Read @len code bytes at @vaddr that lie in one page; false if the
 * translation failed without unwinding. */
static bool exec_read_code(BbCpu *cpu, uint64_t vaddr, uint8_t *buf,
                           unsigned len)
{
    BbCpuPrivate *p = cpu->priv;
    uint64_t paddr;
    void *host;

    if (!softmmu_translate_code(p->sm, vaddr, len, cpu_mmu_index(cpu, true),
                                &paddr, &host)) {
        return false;
    }
    if (host) {
        memcpy(buf, host, len);
        return true;
    }
    if (bb_address_space_read(bb_cpu_get_address_space(cpu), paddr, buf,
                              len) != BB_MEMTX_OK) {
        BbCpuClass *cc = cpu_class(cpu);
        if (cc->do_transaction_failed) {
            cc->do_transaction_failed(cpu, vaddr, paddr, BB_ACCESS_EXEC, len,
                                      cpu_mmu_index(cpu, true));
        }
        return false;
    }
    return true;
}

uint32_t bb_cpu_fetch(BbCpu *cpu, uint64_t vaddr, unsigned size)
{
    uint8_t buf[8] = { 0 };
    unsigned first = size;
    uint32_t v = 0;

    if (!cpu->priv || size > 4 || size == 0) {
        return 0;
    }
    if ((vaddr & TLB_PAGE_MASK) != ((vaddr + size - 1) & TLB_PAGE_MASK)) {
        first = (unsigned)(TLB_PAGE_SIZE - (vaddr & ~TLB_PAGE_MASK));
    }
    if (!exec_read_code(cpu, vaddr, buf, first) ||
        (first < size &&
         !exec_read_code(cpu, vaddr + first, buf + first, size - first))) {
        return 0;
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)buf[i] << (8 * i); /* guest code is little-endian */
    }
    return v;
}

/* ------------------------------------------------------------ translation */

static void exec_log_in_asm(BbCpu *cpu, const TbInfo *info, uint64_t end)
{
    BbCpuClass *cc = cpu_class(cpu);
    g_autoptr(GString) out = g_string_new(NULL);

    g_string_append_printf(out, "IN: hart %u\n", cpu->hartid);
    for (unsigned i = 0; i < info->insns; i++) {
        uint64_t pc = info->pcs[i];
        uint64_t next = i + 1 < info->insns ? info->pcs[i + 1] : end;
        uint8_t buf[16] = { 0 };
        unsigned len = (unsigned)MIN(next - pc, sizeof(buf));

        if (len && (pc & TLB_PAGE_MASK) == ((pc + len - 1) & TLB_PAGE_MASK)) {
            exec_read_code(cpu, pc, buf, len);
        }
        g_string_append_printf(out, "0x%016" G_GINT64_MODIFIER "x:  ", pc);
        if (cc->disas_insn && cc->disas_insn(cpu, pc, buf, len, out)) {
            g_string_append_c(out, '\n');
            continue;
        }
        for (unsigned j = 0; j < len; j++) {
            g_string_append_printf(out, "%02x", buf[len - 1 - j]);
        }
        g_string_append_c(out, '\n');
    }
    g_string_append_c(out, '\n');
    log_write(out->str);
}

static void exec_log_ops(const BbTcgContext *s, const char *title)
{
    g_autoptr(GString) out = g_string_new(title);

    tcg_dump(s, out);
    g_string_append_c(out, '\n');
    log_write(out->str);
}

/* Should translation stop before the instruction at ts->pc_next? */
static bool exec_tb_full(const BbTranslateState *ts)
{
    return ts->num_insns >= ts->max_insns ||
           (ts->pc_next & TB_PAGE_MASK) != (ts->pc_first & TB_PAGE_MASK) ||
           ts->pc_next - ts->pc_first >= EXEC_TB_MAX_BYTES;
}

/* A breakpoint stops the hart before its instruction runs: the helper
 * unwinds from generated code with the pc restored from the marker. */
static void exec_helper_debug(void *env)
{
    BbCpu *cpu = env;
    BbCpuPrivate *p = cpu->priv;

    exec_restore_state(cpu, (uintptr_t)__builtin_return_address(0));
    p->dbg_stop = (ExecDebugStop){ .reason = EXEC_STOP_BREAKPOINT,
                                   .cpu = cpu };
    siglongjmp(p->unwind, EXEC_UNWIND_DEBUG);
}

static const BbTcgHelper exec_h_debug = {
    .fn = exec_helper_debug, .name = "debug_exit",
    .ret = BB_TCG_TYPE_VOID, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};

/* The "debug exit" TB at a breakpoint: one instruction (counted and
 * taken back by the unwind, like a faulting one) that only calls the
 * helper.  The same IR runs on every backend. */
static void exec_gen_debug_exit(BbTcgContext *s, BbTranslateState *ts,
                                TbInfo *info)
{
    const uint32_t env = BB_TCG_ARG_ENV;

    info->pcs[info->insns++] = ts->pc_next;
    bb_tcg_insn_start(s, ts->pc_next, 0);
    bb_tcg_call(s, &exec_h_debug, UINT32_MAX, &env);
    bb_tcg_exit_tb(s, TCG_EXIT_NOCHAIN); /* not reached */
    ts->num_insns++;
    ts->done = true;
}

/*
 * Emit the IR of the TB at @pc into the hart's context and describe it in
 * @desc and @info.  May unwind (a fetch fault).  False if the code cannot
 * be fetched (and nothing was raised) or the IR is malformed.
 */
static bool exec_translate(BbCpu *cpu, uint64_t pc, uint64_t flags,
                           unsigned max_insns, TbDesc *desc, TbInfo *info)
{
    BbCpuPrivate *p = cpu->priv;
    BbCpuClass *cc = cpu_class(cpu);
    BbTcgContext *s = p->ctx;
    BbTranslateState ts = { .pc_first = pc, .pc_next = pc, .flags = flags,
                            .max_insns = max_insns };
    unsigned idx = cpu_mmu_index(cpu, true);
    g_autoptr(GError) error = NULL;
    uint64_t last;
    void *host;

    tcg_context_reset(s);
    s->pc_first = pc;
    if (info->capacity < max_insns) {
        info->pcs = g_renew(uint64_t, info->pcs, max_insns);
        info->capacity = max_insns;
    }
    info->insns = 0;
    if (!softmmu_translate_code(p->sm, pc, 1, idx, &desc->phys_pc, &host)) {
        return false;
    }
    p->ts = &ts;
    /* With chaining, TBs run one after another without the loop seeing
     * them, so each starts by taking its length from the hart's budget
     * and leaves if the result is below BbCpu.budget_limit - 0 when the
     * budget is spent, INT64_MAX when an exit was requested (a TB that
     * leaves has not run).  In deterministic mode it also notes the budget it found
     * (what the chain retired before it: exec_inflight()).  The budget
     * is also the instruction count: a run retired what it took from the
     * budget (exec_run_count()).  The stores come before the test, so no
     * temporary lives across the branch (the backend would spill it),
     * and the budget store is 64 bits wide like the next TB's load (a
     * narrower one defeats store-to-load forwarding: +13% CPU time on the
     * int bench).  The stop is a field of its own, which generated code
     * only reads, so no TB store can erase it (budget_stop()).
     * The length constant is set once it is known. */
    BbTcgLabel exit_label = { 0 };
    unsigned budget_op = 0;
    if (p->exec->chaining) {
        BbTcgI64 budget = bb_tcg_temp_i64(s);
        BbTcgI64 left = bb_tcg_temp_i64(s);
        exit_label = bb_tcg_label(s);
        bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, budget,
                          offsetof(BbCpu, budget));
        budget_op = tcg_nb_ops(s);
        bb_tcg_sub_i64(s, left, budget, bb_tcg_const_i64(s, 0));
        bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, left, offsetof(BbCpu, budget));
        if (p->exec->deterministic) {
            bb_tcg_st_env_i64(s, BB_TCG_OP_ST32_I64, budget,
                              offsetof(BbCpu, tb_budget));
        }
        BbTcgI64 limit = bb_tcg_temp_i64(s);
        bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, limit,
                          offsetof(BbCpu, budget_limit));
        bb_tcg_brcond_i64(s, BB_TCG_COND_LT, left, limit, exit_label);
        s->budget_ops = tcg_nb_ops(s); /* the backend's loop form */
    }
    do {
        if (G_UNLIKELY(p->exec->debug) && !p->dbg_step &&
            exec_debug_breakpoint_at(p->exec->debug, ts.pc_next)) {
            if (ts.num_insns == 0) {
                exec_gen_debug_exit(s, &ts, info);
            } else {
                cc->translate_end(cpu, s, &ts); /* stop before it */
            }
            break;
        }
        info->pcs[info->insns++] = ts.pc_next;
        cc->translate_insn(cpu, s, &ts);
        ts.num_insns++;
        if (!ts.done && exec_tb_full(&ts)) {
            cc->translate_end(cpu, s, &ts);
            break;
        }
    } while (!ts.done);
    info->entry_pc = pc;
    info->entry_extra = 0;
    if (p->exec->chaining) {
        TcgOp *sub = &s->ops[budget_op];
        sub->args[2] = tcg_const_new(s, BB_TCG_TYPE_I64, info->insns);
        for (unsigned i = budget_op; i < tcg_nb_ops(s); i++) {
            const TcgOp *op = &s->ops[i];
            if (op->opc == BB_TCG_OP_INSN_START) {
                info->entry_extra = op->args[1];
                break;
            }
        }
        /* Leaving at entry: one exit_tb of the host's own code.  The loop
         * gives the length back (this TB did not run) and, since a chained
         * goto_tb jumps before the previous TB stores the pc, restores the
         * pc where this TB starts (exec_left_at_entry()).  This used to be
         * seven ops of IR per TB (load, add and store the budget, three
         * stores of pc, extra and tb_budget, exit): 13% of the ops of a
         * typical TB, all translated for a path that rarely runs. */
        bb_tcg_set_label(s, exit_label);
        s->entry_exit = true;
        bb_tcg_exit_tb(s, TCG_EXIT_ENTRY);
    }
    p->ts = NULL;

    desc->virt_pc = pc;
    desc->flags = flags;
    desc->size = (uint32_t)CLAMP(ts.pc_next - pc, 1, TB_PAGE_SIZE);
    desc->phys_page2 = 0;
    last = pc + desc->size - 1;
    if ((last & TB_PAGE_MASK) != (pc & TB_PAGE_MASK) &&
        !softmmu_translate_code(p->sm, last, 1, idx, &desc->phys_page2,
                                &host)) {
        return false;
    }
    if (log_enabled(LOG_IN_ASM)) {
        exec_log_in_asm(cpu, info, ts.pc_next);
    }
    if (log_enabled(LOG_OP)) {
        exec_log_ops(s, "OP:\n");
    }
    if (tcg_verify_enabled() && !tcg_verify(s, &error)) {
        g_warning("hart %u: bad IR for the TB at 0x%" G_GINT64_MODIFIER
                  "x: %s", cpu->hartid, pc, error->message);
        return false;
    }
    tcg_optimize(s);
    if (log_enabled(LOG_OP_OPT)) {
        exec_log_ops(s, "OP after optimization:\n");
    }
    return true;
}

static void exec_log_out_asm(const TcgBackend *backend, const TcgCode *code)
{
#ifdef BB_HAVE_X86_64_BACKEND
    if (log_enabled(LOG_OUT_ASM) && backend == &tcg_backend_x86_64) {
        g_autoptr(GString) out = g_string_new(NULL);
        tcg_x86_64_dump(code, out);
        g_string_append_c(out, '\n');
        log_write(out->str);
    }
#endif
}

/* A copy of the hart's scratch TbInfo (the TB just translated), in one
 * block with its pcs, from @ex's chunks (freed by tb_info_free()). */
static TbInfo *tb_info_dup(Exec *ex, const TbInfo *scratch)
{
    size_t size = sizeof(TbInfoBlock) + scratch->insns * sizeof(uint64_t);
    TbInfoChunk *c = ex->info_chunk;
    TbInfoBlock *b;
    TbInfo *info;

    size = (size + 7) & ~(size_t)7;
    if (!c || c->size - c->used < size) {
        size_t n = MAX(TB_INFO_CHUNK_SIZE, size);

        tb_info_chunk_retire(c);
        c = g_malloc(sizeof(TbInfoChunk) + n);
        c->live = 0;
        c->filling = true;
        c->used = 0;
        c->size = n;
        ex->info_chunk = c;
    }
    b = (TbInfoBlock *)((char *)c->data + c->used);
    c->used += size;
    c->live++;
    b->chunk = c;
    b->size = size;
    info = &b->info;
    info->insns = scratch->insns;
    info->entry_pc = scratch->entry_pc;
    info->entry_extra = scratch->entry_extra;
    info->capacity = 0;
    info->pcs = (uint64_t *)(info + 1);
    memcpy(info->pcs, scratch->pcs, scratch->insns * sizeof(uint64_t));
    return info;
}

/* Translate and cache the TB at (@pc, @flags). */
static TranslationBlock *exec_tb_gen(Exec *ex, BbCpu *cpu, uint64_t pc,
                                     uint64_t flags, unsigned max_insns)
{
    BbCpuPrivate *p = cpu->priv;
    g_autoptr(GError) error = NULL;
    TranslationBlock *tb;
    TbDesc desc;
    uint64_t t0 = ex->stats_on ? exec_now_ns() : 0;

    if (!exec_translate(cpu, pc, flags, max_insns, &desc, &p->scratch)) {
        return NULL;
    }
    /* A cached TB's keyed indirect jumps may probe the jump cache inline
     * (never a oneoff's: a step or a retry runs exactly that code). */
    p->ctx->keyed_lookup = ex->chaining;
    p->ctx->tb_flags = flags;
    /* Likewise only a cached TB may become a loop (docs/jit.md,
     * "Self-loops"): the TB cache chains a goto_tb to the TB itself only
     * after the loop found the same TB for the same pc and flags. */
    p->ctx->loop_ok = ex->chaining;
    tb = tb_cache_compile(ex->cache, ex->backend, p->ctx, &desc, &error);
    if (ex->stats_on && tb) {
        exec_stats_add(ex, t0, p->scratch.insns);
    }
    if (!tb) {
        g_warning("hart %u: cannot compile the TB at 0x%" G_GINT64_MODIFIER
                  "x: %s", cpu->hartid, pc, error->message);
        return NULL;
    }
    tb->exec_info = tb_info_dup(ex, &p->scratch);
#ifdef BB_HAVE_X86_64_BACKEND
    if (tb->backend == &tcg_backend_x86_64) {
        tcg_x86_64_set_owner(tb->code, tb); /* exits report their TB */
    }
#endif
    exec_log_out_asm(ex->backend, tb->code);
    return tb;
}

/* An uncached TB of at most @max_insns at (@pc, @flags): the hart's
 * oneoff, run once and freed; its TbInfo is the hart's scratch. */
static bool exec_tb_gen_oneoff(Exec *ex, BbCpu *cpu, uint64_t pc,
                               uint64_t flags, unsigned max_insns)
{
    BbCpuPrivate *p = cpu->priv;
    g_autoptr(GError) error = NULL;
    TbDesc desc;
    uint64_t t0 = ex->stats_on ? exec_now_ns() : 0;

    if (!exec_translate(cpu, pc, flags, max_insns, &desc, &p->scratch)) {
        return false;
    }
    p->oneoff = ex->backend->compile(p->ctx, &error);
    if (!p->oneoff && ex->backend->error_is_full &&
        ex->backend->error_is_full(error)) {
        tb_cache_flush(ex->cache);
        g_clear_error(&error);
        p->oneoff = ex->backend->compile(p->ctx, &error);
    }
    if (!p->oneoff) {
        g_warning("hart %u: cannot compile the TB at 0x%" G_GINT64_MODIFIER
                  "x: %s", cpu->hartid, pc, error->message);
        return false;
    }
    if (ex->stats_on) {
        exec_stats_add(ex, t0, p->scratch.insns);
    }
    exec_log_out_asm(ex->backend, p->oneoff);
    return true;
}

static unsigned exec_max_insns(BbCpu *cpu)
{
    BbCpuPrivate *p = cpu->priv;
    unsigned max = cpu_class(cpu)->max_insns;

    if (!max) {
        max = EXEC_DEFAULT_MAX_INSNS;
    }
    if (p->retry_insns) {
        max = MIN(max, p->retry_insns);
        p->retry_insns = 0;
    }
    return max;
}

/*
 * Is the second page of @tb, if it has one, still the physical page its
 * bytes came from?  The cache key holds only the first page's address, so
 * a TB whose last instruction crosses into a page that was remapped (new
 * PTE + sfence.vma) would otherwise keep running the old bytes.  The
 * translation comes from the TLB only (no fill, nothing can raise): when
 * the page is not cached the TB is treated as stale and translated again,
 * which fetches (and faults) exactly as the first time.
 */
static bool exec_tb_page2_current(BbCpu *cpu, const TranslationBlock *tb)
{
    uint64_t last = tb->virt_pc + tb->size - 1, phys;

    if (tb->page[1] == TB_NO_PAGE) {
        return true;
    }
    return softmmu_probe_code(cpu->priv->sm, last, cpu_mmu_index(cpu, true),
                              &phys) &&
           (phys & TB_PAGE_MASK) == tb->page[1];
}

/* The cached TB for (@pc, @flags): jump cache, TB cache (second page
 * compared too), translation. */
static TranslationBlock *exec_tb_find(Exec *ex, BbCpu *cpu, uint64_t pc,
                                      uint64_t flags)
{
    BbCpuPrivate *p = cpu->priv;
    TranslationBlock *tb = tb_jump_cache_lookup(p->jc, pc, flags);
    uint64_t phys;
    void *host;

    if (tb) {
        return tb;
    }
    if (!softmmu_translate_code(p->sm, pc, 1, cpu_mmu_index(cpu, true),
                                &phys, &host)) {
        return NULL;
    }
    tb = p->retry_insns ? NULL : tb_cache_lookup(ex->cache, phys, pc, flags);
    if (tb && !exec_tb_page2_current(cpu, tb)) {
        tb = NULL; /* the new TB replaces it (same key) */
    }
    if (!tb) {
        tb = exec_tb_gen(ex, cpu, pc, flags, exec_max_insns(cpu));
    }
    if (tb) {
        tb_jump_cache_insert(p->jc, tb);
    }
    return tb;
}

/* ------------------------------------------------------------ running */

static void exec_log_before_run(BbCpu *cpu, uint64_t pc, uint64_t flags)
{
    BbCpuClass *cc = cpu_class(cpu);

    if (log_enabled(LOG_CPU) && cc->dump_state) {
        g_autoptr(GString) out = g_string_new(NULL);
        cc->dump_state(cpu, out);
        g_string_append_c(out, '\n');
        log_write(out->str);
    }
    if (log_enabled(LOG_EXEC)) {
        log_printf("Trace hart %u: pc 0x%016" G_GINT64_MODIFIER
                   "x flags 0x%" G_GINT64_MODIFIER "x\n",
                   cpu->hartid, pc, flags);
    }
}

static void exec_account(Exec *ex, uint64_t insns)
{
    if (insns) {
        bb_icount_account(bb_system_get_timers(ex->sys), insns);
    }
}

/*
 * lookup_and_goto without the loop (normal mode): the jump-cache TB for
 * the hart's current (pc, flags), which becomes the running TB, so that
 * unwinding and bb_cpu_get_insn_count() search from it; NULL (return
 * TCG_EXIT_LOOKUP to the loop) on a miss, on a pending exit or interrupt
 * request, when halted, or while a one-off TB runs.  The TB counts its own
 * instructions at entry, like one entered through a chained goto_tb.
 * Also TcgRuntime.lookup on x86-64, called from generated code.
 */
static const TcgCode *exec_lookup(void *env)
{
    BbCpu *cpu = env;
    BbCpuPrivate *p = cpu->priv;
    TranslationBlock *tb;
    uint64_t pc, flags;

    if (cpu->exit_request || cpu->interrupt_request || cpu->halted ||
        !p->cur_tb || !p->exec->chaining) {
        return NULL;
    }
    p->cc->get_tb_key(cpu, &pc, &flags);
    tb = tb_jump_cache_lookup(p->jc, pc, flags);
    if (!tb || tb->backend != p->cur_backend) {
        return NULL;
    }
    p->cur_tb = tb;
    p->cur_code = tb->code;
    p->cur_info = tb->exec_info;
    return tb->code;
}

/* The TB whose goto_tb slot @exit the run that ended in @tb took, or NULL.
 * x86-64 code may have passed through chained jumps: it reports the TB
 * that left (rt.exit_owner, the TB itself, valid until the next safe
 * point; exec_chain() checks it was not invalidated since). */
static TranslationBlock *exec_exit_source(BbCpuPrivate *p,
                                          TranslationBlock *tb, TcgExit exit)
{
    if (tb->patched && (exit == TCG_EXIT_SLOT0 || exit == TCG_EXIT_SLOT1) &&
        p->exit_owner) {
        return p->exit_owner;
    }
    return tb_exit_source(tb, exit);
}

/* A run ended with TCG_EXIT_ENTRY: the TB that took it (@tb, the last one
 * the loop ran, or on x86-64 the one the code reported) found the budget
 * spent at its entry and did not run.  Give its length back, and say
 * where it starts (tb_budget -1: exec_run() restores the pc), which is
 * what its prologue's exit path did in generated code before. */
static void exec_left_at_entry(BbCpu *cpu, TranslationBlock *tb)
{
    BbCpuPrivate *p = cpu->priv;
    const TbInfo *info = p->cur_info;

    if (tb && tb->patched) {
        TranslationBlock *src = p->exit_owner;

        /* NULL: untagged code, i.e. the oneoff (chained and looked-up TBs
         * are cached, hence tagged). */
        info = src ? src->exec_info : p->cur_info;
    } else if (tb) {
        info = tb->exec_info;
    }
    if (!info) {
        return;
    }
    /* The same 64-bit update the code made: the prologue's subtraction
     * may have borrowed from the upper half.  (A TB of no instructions, a
     * debug exit, leaves here only when stopped.) */
    cpu->budget += info->insns;
    cpu->entry_pc = info->entry_pc;
    cpu->entry_extra = info->entry_extra;
    cpu->tb_budget = -1;
}

/* Run @tb (or, if NULL, the hart's oneoff) with a budget of @budget
 * instructions and, on the interpreter, the TBs linked after it or found
 * by exec_lookup() after a lookup_and_goto (x86-64 code follows both
 * itself).  Every TB takes its length from the budget: what the run
 * retired is what it took, added to BbCpu.insn_count at the end. */
static void exec_run(Exec *ex, BbCpu *cpu, TranslationBlock *tb,
                     uint32_t budget)
{
    BbCpuPrivate *p = cpu->priv;
    TcgExit exit;

    p->cur_tb = tb;
    p->cur_code = tb ? tb->code : p->oneoff;
    p->cur_backend = tb ? tb->backend : ex->backend;
    p->cur_info = tb ? tb->exec_info : &p->scratch;
    p->run_budget = budget;
    p->run_start = cpu->insn_count;
    /* All 64 bits (the stop is BbCpu.budget_limit, not the upper half). */
    cpu->budget = (int64_t)budget;
    cpu->tb_budget = (int32_t)budget;
    ex->current = cpu;
    softmmu_enter(p->sm); /* TLB resizes happen only here */
    exit = p->cur_backend->exec(p->cur_code, cpu, &p->rt);
    tb = p->cur_tb; /* x86-64: the last TB entered through exec_lookup() */
    while (tb && !cpu->exit_request && !cpu->interrupt_request) {
        TranslationBlock *next = tb_linked_next(tb, exit);
        if (!next && exit == TCG_EXIT_LOOKUP &&
            tb->backend == &tcg_backend_interp && exec_lookup(cpu)) {
            next = p->cur_tb;
        }
        if (!next) {
            break;
        }
        tb = next;
        p->cur_tb = tb;
        p->cur_code = tb->code;
        p->cur_info = tb->exec_info;
        softmmu_enter(p->sm);
        exit = tb->backend->exec(tb->code, cpu, &p->rt);
    }
    if (exit == TCG_EXIT_ENTRY) {
        exec_left_at_entry(cpu, tb);
    }
    ex->current = NULL;
    cpu->insn_count = p->run_start + exec_run_count(cpu);
    if (cpu->tb_budget == -1 && p->cc->restore_state) {
        p->cc->restore_state(cpu, cpu->entry_pc, cpu->entry_extra);
    }
    p->last = tb && ex->chaining ? exec_exit_source(p, tb, exit) : NULL;
    p->last_exit = exit;
    p->cur_tb = NULL;
    p->cur_code = NULL;
    p->cur_info = NULL;
}

/* Chain the last TB's exit to @tb if that is allowed and safe. */
static void exec_chain(Exec *ex, BbCpuPrivate *p, TranslationBlock *tb)
{
    if (ex->chaining && p->last &&
        p->last_gen == tb_cache_generation(ex->cache)) {
        tb_cache_chain(ex->cache, p->last, p->last_exit, tb);
    }
    p->last = NULL;
}

/* Consume an exit request: the hart's slice ends before the next TB. */
static bool exec_exit_requested(BbCpu *cpu)
{
    /* A stop set before this point is either for this request or stale;
     * one set after it makes the next TB leave (no kick is lost). */
    if (cpu->exit_request) {
        cpu->exit_request = 0;
        return true;
    }
    return false;
}

/* Will the hart run if given a slice? */
static bool exec_runnable(BbCpu *cpu)
{
    BbCpuClass *cc = cpu_class(cpu);

    if (G_UNLIKELY(cpu->priv->dbg_frozen)) {
        return false; /* a debugger keeps it stopped */
    }
    return !cpu->halted || (cc->has_work && cc->has_work(cpu));
}

/* Take a pending interrupt; wake a halted hart that has work.  False if
 * the hart stays asleep. */
static bool exec_service_requests(BbCpu *cpu)
{
    BbCpuClass *cc = cpu_class(cpu);

    if (cpu->halted) {
        if (!cc->has_work || !cc->has_work(cpu)) {
            return false;
        }
        cpu->halted = false;
    }
    if (cpu->interrupt_request && !cpu->priv->dbg_step) {
        /* (a debugger's step masks interrupts, as QEMU's does: the
         * request stays for when the hart runs freely again) */
        cpu->interrupt_request = 0;
        if (cc->exec_interrupt && cc->exec_interrupt(cpu)) {
            cpu->priv->last = NULL;
            if (log_enabled(LOG_INT)) {
                uint64_t pc, flags;
                cc->get_tb_key(cpu, &pc, &flags);
                log_printf("int: hart %u took an interrupt, pc now 0x%"
                           G_GINT64_MODIFIER "x\n", cpu->hartid, pc);
            }
        }
    }
    return true;
}

/* The loop stops the hart: a TB could not be made. */
static void exec_hart_failed(Exec *ex, BbCpu *cpu)
{
    cpu->halted = true;
    bb_system_stop(ex->sys, BB_RUN_STATE_INTERNAL_ERROR);
    bb_system_request_shutdown(ex->sys, BB_SHUTDOWN_HOST_ERROR, 0);
}

/*
 * The TB to run at (@pc, @flags): the cached one, or in the hart's oneoff
 * a TB of one instruction (after self-modifying code) or of exactly
 * @budget instructions.  *@tb is NULL for the oneoff.  False when the
 * hart cannot go on now (the quantum is spent, or a TB cannot be made).
 */
static bool exec_pick_tb(Exec *ex, BbCpu *cpu, uint64_t pc, uint64_t flags,
                         uint64_t budget, uint64_t quantum,
                         TranslationBlock **tb)
{
    BbCpuPrivate *p = cpu->priv;
    unsigned oneoff_insns = 0;
    const TbInfo *info;
    uint64_t insns;

    *tb = NULL;
    if (p->single_next || G_UNLIKELY(p->dbg_step)) {
        /* after self-modifying code, or a debugger's step: one
         * instruction, uncached and unchained */
        p->single_next = false;
        oneoff_insns = 1;
    } else {
        *tb = exec_tb_find(ex, cpu, pc, flags);
        if (!*tb) {
            exec_hart_failed(ex, cpu);
            return false;
        }
        info = (*tb)->exec_info;
        insns = info ? info->insns : 1;
        if (insns > quantum && quantum < EXEC_QUANTUM_INSNS) {
            return false; /* next slice: fairness between harts */
        }
        if (insns > budget) {
            oneoff_insns = (unsigned)budget;
        }
    }
    if (oneoff_insns) {
        *tb = NULL;
        if (!exec_tb_gen_oneoff(ex, cpu, pc, flags, oneoff_insns)) {
            exec_hart_failed(ex, cpu);
            return false;
        }
    } else {
        exec_chain(ex, p, *tb);
    }
    return true;
}

/* The stepping hart ran its instruction (or took a trap on it). */
static void exec_step_done(Exec *ex, BbCpu *cpu)
{
    ExecDebugStop stop = { .reason = EXEC_STOP_STEP, .cpu = cpu };

    cpu->priv->dbg_step = false;
    exec_debug_report(ex->debug, &stop);
}

/*
 * One run of @cpu from the loop: requests, lookup or translation of the
 * first TB, the run (chained TBs follow within the budget), accounting.
 * @quantum: instructions left in the hart's slice.  False when the
 * hart's slice is over.
 */
static bool exec_others_runnable(Exec *ex, BbCpu *cpu);

static bool exec_step(Exec *ex, BbCpu *cpu, uint64_t *quantum)
{
    BbCpuPrivate *p = cpu->priv;
    BbCpuClass *cc = cpu_class(cpu);
    uint64_t budget = MIN(*quantum, EXEC_RUN_MAX_INSNS), pc, flags, insns;
    TranslationBlock *tb;

    tb_cache_reclaim(ex->cache);
    budget_clear_stop(cpu);
    if (system_exec_should_stop(ex->sys)) {
        ex->keep_turn = true;
        return false;
    }
    if (!exec_service_requests(cpu)) {
        return false; /* asleep: its turn is over */
    }
    if (exec_exit_requested(cpu)) {
        /* Requests come from the host's side too (a stop, a load's TLB
         * flush): back to the loop, but the turn goes on - unless the
         * hart yielded and another can run (exec_cpu_yield()). */
        bool yielded = p->yielded;
        p->yielded = false;
        ex->keep_turn = !yielded || !exec_others_runnable(ex, cpu);
        return false;
    }
    if (ex->deterministic) {
        uint64_t left = bb_icount_budget(bb_system_get_timers(ex->sys));
        if (left == 0) {
            ex->keep_turn = true;
            return false; /* a timer is due: the system loop runs it */
        }
        budget = MIN(budget, left);
    }
    cc->get_tb_key(cpu, &pc, &flags);
    if (!exec_pick_tb(ex, cpu, pc, flags, budget, *quantum, &tb)) {
        return false;
    }
    p->last_gen = tb_cache_generation(ex->cache);
    exec_log_before_run(cpu, pc, flags);
    uint64_t count = cpu->insn_count;
    exec_run(ex, cpu, tb, (uint32_t)budget);
    if (!tb) {
        g_clear_pointer(&p->oneoff, ex->backend->free);
    }
    insns = cpu->insn_count - p->run_start;
    exec_account(ex, insns);
    *quantum -= MIN(*quantum, insns);
    if (G_UNLIKELY(p->dbg_step) && cpu->insn_count != count) {
        exec_step_done(ex, cpu); /* (not if it left before running) */
        return false;
    }
    return *quantum > 0;
}

/* After siglongjmp: account what the run retired, up to the faulting
 * instruction, and deliver the fault.  Returns the instructions
 * accounted. */
static uint64_t exec_after_unwind(Exec *ex, BbCpu *cpu, int why)
{
    BbCpuPrivate *p = cpu->priv;
    BbCpuClass *cc = cpu_class(cpu);
    uint64_t insns = 0;

    ex->current = NULL;
    if (p->cur_code) {
        /* the TB's length was taken in advance */
        cpu->insn_count = p->run_start + exec_run_count(cpu) -
                          (p->tb_insns - p->tb_icount);
        insns = cpu->insn_count - p->run_start;
        exec_account(ex, insns);
    }
    cpu->access_size = 0;
    p->ts = NULL;
    p->cur_tb = NULL;
    p->cur_code = NULL;
    p->cur_info = NULL;
    p->mem_ra = 0;
    p->last = NULL;
    p->tb_icount = 0;
    p->tb_insns = 0;
    if (p->oneoff) {
        g_clear_pointer(&p->oneoff, ex->backend->free);
    }
    if (why == EXEC_UNWIND_DEBUG) {
        ExecDebugStop stop = p->dbg_stop;
        p->dbg_step = false;
        exec_debug_report(ex->debug, &stop);
        return insns;
    }
    if (why != EXEC_UNWIND_EXCEPTION) {
        return insns;
    }
    if (log_enabled(LOG_INT)) {
        log_printf("int: hart %u exception cause %u tval 0x%"
                   G_GINT64_MODIFIER "x pc 0x%" G_GINT64_MODIFIER "x\n",
                   cpu->hartid, p->exc_cause, p->exc_tval, p->exc_pc);
    }
    cc->do_exception(cpu, p->exc_cause, p->exc_tval);
    if (G_UNLIKELY(p->dbg_step)) {
        exec_step_done(ex, cpu); /* stopped at the trap handler */
    }
    return insns;
}

/* Will a hart other than @cpu run if given a slice? */
static bool exec_others_runnable(Exec *ex, BbCpu *cpu)
{
    for (guint i = 0; i < ex->harts->len; i++) {
        if (ex->harts->pdata[i] != cpu && exec_runnable(ex->harts->pdata[i])) {
            return true;
        }
    }
    return false;
}

/*
 * Run @cpu for one slice.  @start: the instructions left of its quantum
 * from the slice before (deterministic mode; 0: a full quantum).
 * Returns what is left of the quantum when the run ended for a reason
 * outside the guest's instruction stream (a timer due, a stop, an exit
 * request, the slice's TB limit): the hart's turn then goes on in the
 * next slice, so that a timer that does not touch the guest - a
 * snapshot's, say - does not change which hart runs which instructions.
 * 0 when the turn is over (the quantum spent, the hart asleep).
 */
static uint64_t exec_hart_slice(Exec *ex, BbCpu *cpu, uint64_t start)
{
    BbCpuPrivate *p = cpu->priv;
    volatile unsigned tbs = 0;

    if (G_UNLIKELY(p->dbg_frozen)) {
        return 0; /* a debugger keeps it stopped */
    }
    /* A hart alone in normal mode (the others asleep) runs until a kick
     * or a request - an interrupt for a sleeping hart ends its slice,
     * exec_cpu_woken(); otherwise the quantum shares the thread (and, in
     * deterministic mode, bounds the time between two looks at I/O). */
    bool sharing = exec_others_runnable(ex, cpu);
    uint64_t full = ex->deterministic || sharing ? EXEC_QUANTUM_INSNS
                                                 : EXEC_RUN_MAX_INSNS;
    if (!start && p->short_turn) {
        /* the first turn after a yield (exec_cpu_yield()) */
        p->short_turn = false;
        if (sharing) {
            full = EXEC_YIELD_QUANTUM_INSNS;
        }
    }
    uint64_t quantum = start ? MIN(start, full) : full;
    volatile uint64_t quantum_left = quantum;
    int why;

    ex->keep_turn = false;
    p->last = NULL;
    exec_set_running(ex, cpu);
    why = sigsetjmp(p->unwind, 0);
    p->unwind_set = true;
    if (why) {
        uint64_t done = exec_after_unwind(ex, cpu, why);
        quantum_left -= MIN(quantum_left, done);
        tbs++;
    }
    quantum = quantum_left;
    while (tbs < EXEC_SLICE_TBS && exec_step(ex, cpu, &quantum)) {
        quantum_left = quantum;
        tbs++;
    }
    quantum_left = quantum;
    p->unwind_set = false;
    p->last = NULL;
    exec_set_running(ex, NULL);
    if (quantum_left && (ex->keep_turn || tbs >= EXEC_SLICE_TBS)) {
        return quantum_left;
    }
    return 0;
}

bool exec_run_slice(BbSystem *sys, void *opaque)
{
    Exec *ex = opaque;
    bool runnable = false;

    if (ex->deterministic && ex->harts->len) {
        /* From the hart whose turn it is, round the harts once; a turn
         * cut short goes on in the next slice (exec_hart_slice()). */
        for (guint n = 0; n < ex->harts->len; n++) {
            guint i = ex->turn < ex->harts->len ? ex->turn : 0;
            ex->turn_left = exec_hart_slice(ex, ex->harts->pdata[i],
                                            ex->turn_left);
            if (ex->turn_left) {
                break;
            }
            ex->turn = (i + 1) % ex->harts->len;
        }
    } else {
        for (guint i = 0; i < ex->harts->len; i++) {
            exec_hart_slice(ex, ex->harts->pdata[i], 0);
        }
    }
    /* Asked after every slice: a later hart may have woken an earlier one
     * (an IPI), and requests made on this thread do not wake the main
     * loop's poll (bb_cpu_request_interrupt()). */
    for (guint i = 0; i < ex->harts->len && !runnable; i++) {
        runnable = exec_runnable(ex->harts->pdata[i]);
    }
    return runnable;
}
