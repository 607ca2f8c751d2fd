/*
 * x86-regalloc.c - the local register allocator of the x86-64 backend.
 * It works op by op, in program order, with the liveness facts of
 * x86-liveness.c:
 *   - a value lives in at most one host register; its memory home is its
 *     env field (globals) or a spill slot in the frame (TB-local temps,
 *     assigned on first spill and recycled after the temp's last live
 *     point); .mem_ok says whether that home is current;
 *   - globals are loaded lazily on first use and written back only at
 *     sync points (TB exits, branches and labels, helper calls that may
 *     see them) and in the cold slow path of a guest memory access
 *     (x86_ra_cold_saves(): that call may fault);
 *   - at a label nothing is in a register: every predecessor stores the
 *     temps live there, so all incoming edges agree on the state;
 *   - when registers run out the least recently used unlocked one is
 *     evicted (moved to a free register if there is one, else spilled);
 *   - registers used by the op being lowered are locked until
 *     x86_ra_op_done(), which also frees the registers of temps that die.
 * Callee-saved registers are handed out first, so values survive calls.
 * In loop form (x86-loop.c) some callee-saved registers are pinned: each
 * holds one global (or the budget) for the whole TB, is never allocated,
 * evicted or reset, counts as dirty, and is stored only where the TB is
 * left or may unwind (x86_ra_sync_pinned(), x86_ra_cold_saves()).
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>

#include <breadboard/cpu.h>
#include <breadboard/error.h>

#include "tcg/x86_64/x86-gen.h"

static const X86Reg alloc_order[] = {
    X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_RSI, X86_RDI, X86_R8, X86_R9, X86_R10, X86_R11,
    X86_RDX, X86_RCX, X86_RAX,
};

void x86_gen_fail(X86Gen *g, const char *fmt, ...)
{
    va_list ap;

    if (g->failed) {
        return;
    }
    g->failed = true;
    va_start(ap, fmt);
    g->error = g_error_new_valist(TCG_ERROR, BB_ERROR_FAILED, fmt, ap);
    va_end(ap);
}

void x86_ra_init(X86Gen *g)
{
    unsigned n = tcg_nb_temps(g->s);

    g->ts = tcg_scratch_new0(g->s, X86TempState, n + 1); /* arena */
    for (unsigned t = 0; t < n; t++) {
        const TcgTemp *tt = x86_temp(g, t);

        g->ts[t].slot = -1;
        if (tt->kind == TEMP_GLOBAL) {
            g->ts[t].loc = X86_TS_MEM;
            g->ts[t].mem_ok = true;
            if (tt->env_offset > INT32_MAX - 8) {
                x86_gen_fail(g, "global %s: env offset %zu out of range",
                             tt->name, tt->env_offset);
            }
        }
    }
    for (int r = 0; r < X86_NB_REGS; r++) {
        g->reg_temp[r] = -1;
    }
    g->alloc_mask = X86_REGS_ALLOC;
    g->budget_reg = X86_NOREG;
    g->tlb_reg = X86_NOREG;
    g->pin_fix_dst = X86_NOREG;
}

void x86_ra_pin(X86Gen *g, uint32_t t, X86Reg r)
{
    g_assert(x86_temp(g, t)->kind == TEMP_GLOBAL && g->reg_temp[r] < 0);
    g->pinned |= X86_BIT(r);
    g->alloc_mask &= ~X86_BIT(r);
    g->reg_temp[r] = (int32_t)t;
    g->ts[t].loc = X86_TS_REG;
    g->ts[t].reg = (int8_t)r;
    g->ts[t].mem_ok = false; /* always written back at exits */
}

void x86_ra_destroy(X86Gen *g)
{
    g->ts = NULL; /* in the arena */
    memset(&g->free_slots, 0, sizeof(g->free_slots)); /* in the arena */
}

bool x86_ra_const(X86Gen *g, uint32_t t, int64_t *val)
{
    const TcgTemp *tt = x86_temp(g, t);

    if (tt->kind != TEMP_CONST) {
        return false;
    }
    *val = tt->type == BB_TCG_TYPE_I32 ? (int32_t)tt->val : tt->val;
    return true;
}

/* ------------------------------------------------------------ memory */

static bool is_global(const X86Gen *g, uint32_t t)
{
    return x86_temp(g, t)->kind == TEMP_GLOBAL;
}

/* Is temp @t pinned to a register (loop form)? */
static bool is_pinned(const X86Gen *g, uint32_t t)
{
    const X86TempState *ts = &g->ts[t];

    return ts->loc == X86_TS_REG && (g->pinned & X86_BIT(ts->reg));
}

static void ensure_slot(X86Gen *g, uint32_t t)
{
    X86TempState *ts = &g->ts[t];

    if (ts->slot >= 0) {
        return;
    }
    if (g->free_slots.len) {
        ts->slot = (int32_t)*tcg_vec_at(&g->free_slots, unsigned,
                                        --g->free_slots.len);
    } else if (g->nb_slots < X86_FRAME_SLOTS) {
        ts->slot = (int32_t)g->nb_slots++;
    } else {
        x86_gen_fail(g, "TB needs more than %d spill slots", X86_FRAME_SLOTS);
        ts->slot = 0; /* keep emitting; the result is discarded */
    }
}

static void temp_home(X86Gen *g, uint32_t t, X86Reg *base, int32_t *disp)
{
    if (is_global(g, t)) {
        *base = X86_ENV_REG;
        *disp = (int32_t)x86_temp(g, t)->env_offset;
    } else {
        ensure_slot(g, t);
        *base = X86_RSP;
        *disp = g->ts[t].slot * 8;
    }
}

static void temp_store(X86Gen *g, uint32_t t, X86Reg r)
{
    X86Reg base;
    int32_t disp;

    temp_home(g, t, &base, &disp);
    x86_store(&g->as, x86_is_i64(g, t) ? 8 : 4, r, base, disp);
    g->ts[t].mem_ok = true;
}

static void temp_load(X86Gen *g, uint32_t t, X86Reg r)
{
    X86Reg base;
    int32_t disp;

    temp_home(g, t, &base, &disp);
    x86_load(&g->as, x86_is_i64(g, t) ? 8 : 4, false, false, r, base, disp);
}

/* ------------------------------------------------------------ registers */

static void bind(X86Gen *g, uint32_t t, X86Reg r)
{
    g->reg_temp[r] = (int32_t)t;
    g->ts[t].loc = X86_TS_REG;
    g->ts[t].reg = (int8_t)r;
    g->reg_age[r] = ++g->clock;
}

/* Forget @r's temp; its value must be in memory (or be dead). */
static void unbind(X86Gen *g, X86Reg r, bool dead)
{
    int32_t t = g->reg_temp[r];

    if (t < 0) {
        return;
    }
    g->reg_temp[r] = -1;
    g->ts[t].loc = dead ? X86_TS_DEAD : X86_TS_MEM;
}

static bool reg_free(const X86Gen *g, X86Reg r)
{
    return g->reg_temp[r] < 0 && !(g->locked & X86_BIT(r));
}

/* A free, unlocked register of @mask in allocation order, or X86_NOREG. */
static X86Reg find_free(const X86Gen *g, uint32_t mask)
{
    mask &= g->alloc_mask;
    for (unsigned i = 0; i < G_N_ELEMENTS(alloc_order); i++) {
        X86Reg r = alloc_order[i];

        if ((mask & X86_BIT(r)) && reg_free(g, r)) {
            return r;
        }
    }
    return X86_NOREG;
}

/* Empty unlocked register @r: move its value to a free register outside
 * @avoid, or to memory. */
static void evict(X86Gen *g, X86Reg r, uint32_t avoid)
{
    int32_t t = g->reg_temp[r];
    X86Reg to;

    if (t < 0) {
        return;
    }
    to = find_free(g, X86_REGS_ALLOC & ~avoid & ~X86_BIT(r));
    if (to != X86_NOREG) {
        x86_mov_rr(&g->as, true, to, r);
        g->reg_temp[r] = -1;
        bind(g, (uint32_t)t, to);
        return;
    }
    if (!g->ts[t].mem_ok) {
        temp_store(g, (uint32_t)t, r);
    }
    unbind(g, r, false);
}

/* An unlocked register of @mask, emptied and locked (no temp). */
static X86Reg alloc_reg(X86Gen *g, uint32_t mask)
{
    X86Reg r, best = X86_NOREG;

    mask &= g->alloc_mask & ~g->locked;
    r = find_free(g, mask);
    if (r == X86_NOREG) {
        /* Evict: prefer values already in memory, then the oldest. */
        for (unsigned i = 0; i < G_N_ELEMENTS(alloc_order); i++) {
            X86Reg c = alloc_order[i];

            if (!(mask & X86_BIT(c))) {
                continue;
            }
            if (best == X86_NOREG) {
                best = c;
                continue;
            }
            bool cm = g->ts[g->reg_temp[c]].mem_ok;
            bool bm = g->ts[g->reg_temp[best]].mem_ok;
            if ((cm && !bm) ||
                (cm == bm && g->reg_age[c] < g->reg_age[best])) {
                best = c;
            }
        }
        g_assert(best != X86_NOREG);
        evict(g, best, mask | g->locked);
        r = best;
    }
    g->locked |= X86_BIT(r);
    g->reg_age[r] = ++g->clock;
    return r;
}

X86Reg x86_ra_scratch(X86Gen *g, uint32_t mask)
{
    return alloc_reg(g, mask);
}

void x86_ra_reserve(X86Gen *g, X86Reg r)
{
    g_assert(!(g->locked & X86_BIT(r)));
    evict(g, r, g->locked | X86_BIT(r));
    g->locked |= X86_BIT(r);
}

/* A temp without a value is read: fine in unreachable code, else the
 * liveness or the allocator lost track (a bug: fail the compile rather
 * than run wrong code). */
static void read_dead(X86Gen *g, uint32_t t)
{
    if (g->reachable) {
        x86_gen_fail(g, "x86-64 backend: internal error: tmp%u read while "
                     "dead at op %u", t, g->cur_op);
    }
}

static void materialize(X86Gen *g, uint32_t t, X86Reg r)
{
    int64_t v = 0;

    x86_ra_const(g, t, &v);
    x86_mov_ri(&g->as, x86_is_i64(g, t), r, (uint64_t)v);
}

X86Reg x86_ra_in(X86Gen *g, uint32_t t, uint32_t mask)
{
    X86TempState *ts = &g->ts[t];
    X86Reg r;

    if (x86_temp(g, t)->kind == TEMP_CONST) {
        r = alloc_reg(g, mask);
        materialize(g, t, r);
        return r;
    }
    if (ts->loc == X86_TS_REG) {
        X86Reg cur = ts->reg;

        if (mask & X86_BIT(cur)) {
            g->locked |= X86_BIT(cur);
            g->reg_age[cur] = ++g->clock;
            return cur;
        }
        r = alloc_reg(g, mask);
        x86_mov_rr(&g->as, true, r, cur);
        if (!(g->locked & X86_BIT(cur)) && !(g->pinned & X86_BIT(cur))) {
            /* Move the temp; else r is a copy for this op only. */
            g->reg_temp[cur] = -1;
            bind(g, t, r);
        }
        return r;
    }
    r = alloc_reg(g, mask);
    if (ts->loc == X86_TS_MEM) {
        temp_load(g, t, r);
        ts->mem_ok = true;
    } else {
        read_dead(g, t);
        x86_mov_ri(&g->as, false, r, 0);
        ts->mem_ok = false;
    }
    bind(g, t, r);
    return r;
}

/* Is temp @u dead after the current op? */
static bool dies_here(const X86Gen *g, uint32_t u)
{
    const TcgOp *op = tcg_op(g->s, g->cur_op);
    uint16_t dead = g->dead[g->cur_op];

    for (unsigned p = 0; p < op->nargs && p < 16; p++) {
        if ((dead & (1u << p)) && op->args[p] == u) {
            return true;
        }
    }
    return false;
}

X86Reg x86_ra_out(X86Gen *g, uint32_t t, uint32_t mask, X86Reg reuse1,
                  X86Reg reuse2)
{
    X86TempState *ts = &g->ts[t];
    X86Reg cand[2] = { reuse1, reuse2 }, r = X86_NOREG;

    if (is_pinned(g, t)) {
        X86Reg p = ts->reg;

        /* The pinned register is the output unless it is also an input
         * of this op (locked) that the lowering did not offer for reuse:
         * such a lowering relies on its output register being none of
         * its inputs, so it gets a scratch register, copied to the pinned
         * one when the op is done. */
        if ((mask & X86_BIT(p)) &&
            (!(g->locked & X86_BIT(p)) || p == reuse1 || p == reuse2)) {
            g->locked |= X86_BIT(p);
            g->pinned_stored = false;
            return p;
        }
        g->pinned_stored = false;
        r = alloc_reg(g, mask);
        g->pin_fix_src = r;
        g->pin_fix_dst = p;
        return r;
    }
    /* The old value is being replaced; if it sits in a register of this
     * op, that register stays locked (unbound) until the op is done. */
    if (ts->loc == X86_TS_REG) {
        g->reg_temp[ts->reg] = -1;
    }
    ts->loc = X86_TS_DEAD;
    for (int i = 0; i < 2 && r == X86_NOREG; i++) {
        X86Reg c = cand[i];
        int32_t u;

        if (c == X86_NOREG || !(mask & X86_BIT(c))) {
            continue;
        }
        u = g->reg_temp[c];
        if (u < 0) {
            r = c; /* scratch copy, constant, or t's own old register */
        } else if (x86_temp(g, (uint32_t)u)->kind == TEMP_NORMAL &&
                   dies_here(g, (uint32_t)u)) {
            unbind(g, c, true);
            r = c;
        }
    }
    if (r == X86_NOREG) {
        r = alloc_reg(g, mask);
    }
    g->locked |= X86_BIT(r);
    bind(g, t, r);
    ts->mem_ok = false;
    return r;
}

void x86_ra_op_done(X86Gen *g, const TcgOp *op)
{
    uint16_t dead = g->dead[g->cur_op];

    if (g->pin_fix_dst != X86_NOREG) {
        x86_mov_rr(&g->as, true, g->pin_fix_dst, g->pin_fix_src);
        g->pin_fix_dst = X86_NOREG;
    }

    for (unsigned p = 0; p < op->nargs && p < 16; p++) {
        if ((dead & (1u << p)) && !is_pinned(g, (uint32_t)op->args[p])) {
            X86TempState *ts = &g->ts[op->args[p]];

            if (ts->loc == X86_TS_REG) {
                g->reg_temp[ts->reg] = -1;
            }
            ts->loc = X86_TS_DEAD;
        }
    }
    g->locked = 0;
    for (unsigned t = g->release[g->cur_op]; t != UINT_MAX;
         t = g->release_next[t]) {
        X86TempState *ts = &g->ts[t];

        if (ts->loc == X86_TS_REG) {
            g->reg_temp[ts->reg] = -1;
        }
        ts->loc = X86_TS_DEAD;
        if (ts->slot >= 0) {
            unsigned s = (unsigned)ts->slot;

            *tcg_vec_push(&g->free_slots, g->s->arena, unsigned) = s;
            ts->slot = -1;
        }
    }
}

/* ------------------------------------------------------------ sync points */

void x86_ra_sync_globals(X86Gen *g, bool drop)
{
    for (int r = 0; r < X86_NB_REGS; r++) {
        int32_t t = g->reg_temp[r];

        if (t < 0 || !is_global(g, (uint32_t)t) ||
            (g->pinned & X86_BIT(r))) {
            continue;
        }
        if (!g->ts[t].mem_ok) {
            temp_store(g, (uint32_t)t, (X86Reg)r);
        }
        if (drop) {
            unbind(g, (X86Reg)r, false);
        }
    }
}

void x86_ra_sync_pinned(X86Gen *g)
{
    if (!g->loop || g->pinned_stored) {
        return; /* none, or unchanged since the last store (goto_tb) */
    }
    g->pinned_stored = true;
    for (int r = 0; r < X86_NB_REGS; r++) {
        int32_t t = g->reg_temp[r];

        if (t >= 0 && (g->pinned & X86_BIT(r))) {
            X86Reg base;
            int32_t disp;

            /* Not temp_store(): the register stays the value's home. */
            temp_home(g, (uint32_t)t, &base, &disp);
            x86_store(&g->as, x86_is_i64(g, (uint32_t)t) ? 8 : 4, (X86Reg)r,
                      base, disp);
        }
    }
    if (g->budget_reg != X86_NOREG) {
        x86_store(&g->as, 8, g->budget_reg, X86_ENV_REG,
                  (int32_t)offsetof(BbCpu, budget));
    }
}

void x86_ra_sync_temps(X86Gen *g, const TcgBits *live)
{
    for (int r = 0; r < X86_NB_REGS; r++) {
        int32_t t = g->reg_temp[r];

        if (t >= 0 && !is_global(g, (uint32_t)t) && !g->ts[t].mem_ok &&
            tcg_bit(live, (unsigned)t)) {
            temp_store(g, (uint32_t)t, (X86Reg)r);
        }
    }
}

void x86_ra_reset(X86Gen *g, const TcgBits *live)
{
    unsigned n = tcg_nb_temps(g->s);

    g->pinned_stored = false; /* other edges come here */
    for (int r = 0; r < X86_NB_REGS; r++) {
        int32_t t = g->reg_temp[r];

        if (t >= 0 && !(g->pinned & X86_BIT(r))) {
            bool global = is_global(g, (uint32_t)t);

            unbind(g, (X86Reg)r, !global);
            if (global) {
                g->ts[t].mem_ok = true; /* synced on every edge here */
            }
        }
    }
    /* A global outside a register is in env (MEM, mem_ok) already: only
     * the TB's own temps need a look (the globals come first, and were
     * half of this loop). */
    for (unsigned t = g->s->nb_globals; t < n; t++) {
        X86TempState *ts = &g->ts[t];

        if (x86_temp(g, t)->kind == TEMP_NORMAL) {
            if (tcg_bit(live, t)) {
                ensure_slot(g, t);
                ts->loc = X86_TS_MEM;
                ts->mem_ok = true;
            } else {
                ts->loc = X86_TS_DEAD;
            }
        }
    }
}

/* ------------------------------------------------------------ calls */

void x86_ra_prepare_call(X86Gen *g)
{
    uint32_t callee_saved = X86_REGS_ALLOC & ~X86_REGS_CALLER_SAVED;

    g_assert(g->locked == 0);
    for (int r = 0; r < X86_NB_REGS; r++) {
        int32_t t = g->reg_temp[r];
        X86Reg to;

        if (t < 0 || !(X86_REGS_CALLER_SAVED & X86_BIT(r)) ||
            (g->pinned & X86_BIT(r))) {
            continue;
        }
        if (g->ts[t].mem_ok && (is_global(g, (uint32_t)t) ||
                                dies_here(g, (uint32_t)t))) {
            unbind(g, (X86Reg)r, false);
            continue;
        }
        to = find_free(g, callee_saved);
        if (to != X86_NOREG) {
            x86_mov_rr(&g->as, true, to, (X86Reg)r);
            g->reg_temp[r] = -1;
            bind(g, (uint32_t)t, to);
        } else {
            if (!g->ts[t].mem_ok) {
                temp_store(g, (uint32_t)t, (X86Reg)r);
            }
            unbind(g, (X86Reg)r, false);
        }
    }
    g->locked = X86_REGS_CALLER_SAVED;
}

void x86_ra_load_into(X86Gen *g, uint32_t t, X86Reg r)
{
    X86TempState *ts;

    if (t == BB_TCG_ARG_ENV) {
        x86_mov_rr(&g->as, true, r, X86_ENV_REG);
        return;
    }
    ts = &g->ts[t];
    if (x86_temp(g, t)->kind == TEMP_CONST) {
        materialize(g, t, r);
    } else if (ts->loc == X86_TS_REG) {
        x86_mov_rr(&g->as, true, r, ts->reg);
    } else if (ts->loc == X86_TS_MEM) {
        temp_load(g, t, r);
    } else {
        read_dead(g, t);
        x86_mov_ri(&g->as, false, r, 0);
    }
}

void x86_ra_bind_result(X86Gen *g, uint32_t t, X86Reg r)
{
    X86TempState *ts = &g->ts[t];

    if (is_pinned(g, t)) {
        x86_mov_rr(&g->as, true, ts->reg, r);
        g->pinned_stored = false;
        return;
    }
    if (ts->loc == X86_TS_REG) {
        g->reg_temp[ts->reg] = -1;
    }
    bind(g, t, r);
    g->locked |= X86_BIT(r);
    ts->mem_ok = false;
}

/* ------------------------------------------------------------ cold calls */

void x86_ra_reserve_mask(X86Gen *g, uint32_t mask)
{
    g_assert(!(g->locked & mask));
    /* Lock the whole set first so an evicted value never lands in a
     * register of the set that is emptied next. */
    g->locked |= mask;
    for (int r = 0; r < X86_NB_REGS; r++) {
        if (!(mask & X86_BIT(r))) {
            continue;
        }
        g->locked &= ~X86_BIT(r);
        evict(g, (X86Reg)r, g->locked | X86_BIT(r));
        g->locked |= X86_BIT(r);
    }
}

unsigned x86_ra_cold_saves(X86Gen *g, X86ColdSave *out)
{
    unsigned n = 0;

    for (int r = 0; r < X86_NB_REGS; r++) {
        int32_t t = g->reg_temp[r];
        bool caller = (X86_REGS_CALLER_SAVED & X86_BIT(r)) != 0;
        bool stale;
        X86ColdSave *c;

        if (t < 0) {
            continue;
        }
        stale = !g->ts[t].mem_ok;
        /* A callee-saved register survives the call; only a dirty global
         * in it must reach env (the call may fault and unwind). */
        if (!caller && !(stale && is_global(g, (uint32_t)t))) {
            continue;
        }
        c = &out[n++];
        c->reg = (int8_t)r;
        c->size = x86_is_i64(g, (uint32_t)t) ? 8 : 4;
        c->store = stale;
        c->reload = caller;
        /* A TB-local temp's slot is its own until it dies, which is after
         * this op, so the cold code may use it. */
        temp_home(g, (uint32_t)t, &c->base, &c->disp);
    }
    if (g->budget_reg != X86_NOREG) {
        /* What the run has retired so far: a device model called from the
         * slow path may read the instruction count, an unwind reads it. */
        X86ColdSave *c = &out[n++];

        c->reg = (int8_t)g->budget_reg;
        c->size = 8;
        c->store = true;
        c->reload = false;
        c->base = X86_ENV_REG;
        c->disp = (int32_t)offsetof(BbCpu, budget);
    }
    return n;
}
