/*
 * x86-liveness.c - liveness of TB-local temps for the x86-64 register
 * allocator.  A backward data-flow analysis over the TB's basic blocks
 * (tcg_cfg_build()) gives each block's live-in and live-out sets, iterated
 * to a fixed point so loops (backward branches) are handled.  From them:
 *   - per op, which temp operands are dead after the op (their registers
 *     are freed as soon as the op is lowered);
 *   - per temp, the last op (in program order) at which it is live
 *     anywhere: its spill slot is recycled only after that op, so two
 *     temps that are live at the same point never share a slot, whatever
 *     path led there.
 * Globals are not tracked: they are always live and are synced instead.
 * When the optimizer's dead-code pass left these facts for the TB
 * (TcgLiveInfo: no back edges, nothing removed), they are taken as they
 * are; without back edges, one backward walk over the blocks gives them.
 */
#include <limits.h>

#include "tcg/x86_64/x86-gen.h"

static bool is_local(const X86Gen *g, uint64_t id)
{
    return id != BB_TCG_ARG_ENV && id < tcg_nb_temps(g->s) &&
           x86_temp(g, (uint32_t)id)->kind == TEMP_NORMAL;
}

/* Gen (upward-exposed uses) and kill (definitions) of one block. */
static void block_use_def(X86Gen *g, const TcgBlock *b, TcgBits *use,
                          TcgBits *def)
{
    unsigned pos[TCG_MAX_OP_ARGS];

    for (unsigned i = b->first; i < b->end; i++) {
        const TcgOp *op = tcg_op(g->s, i);
        unsigned n = tcg_op_inputs(op, pos);

        for (unsigned k = 0; k < n; k++) {
            uint64_t t = op->args[pos[k]];

            if (is_local(g, t) && !tcg_bit(def, (unsigned)t)) {
                tcg_bit_set(use, (unsigned)t);
            }
        }
        n = tcg_op_outputs(op, pos);
        for (unsigned k = 0; k < n; k++) {
            uint64_t t = op->args[pos[k]];

            if (is_local(g, t)) {
                tcg_bit_set(def, (unsigned)t);
            }
        }
    }
}

static void solve(X86Gen *g, TcgBits *use, TcgBits *def, unsigned ntemps)
{
    unsigned nb = g->cfg.nb_blocks;
    TcgBits tmp;
    bool changed = true;

    tcg_bits_init(g->s, &tmp, ntemps);
    while (changed) {
        changed = false;
        for (unsigned bi = nb; bi-- > 0;) {
            const TcgBlock *b = &g->cfg.blocks[bi];

            for (int k = 0; k < 2; k++) {
                if (b->succ[k] >= 0) {
                    tcg_bits_or(&g->live_out[bi], &g->live_in[b->succ[k]]);
                }
            }
            /* in = use | (out & ~def) */
            tcg_bits_copy(&tmp, &g->live_out[bi]);
            for (unsigned w = 0; w < tmp.nwords; w++) {
                tmp.w[w] = (tmp.w[w] & ~def[bi].w[w]) | use[bi].w[w];
            }
            changed |= tcg_bits_or(&g->live_in[bi], &tmp);
        }
        /* Without back edges the first backward pass was exact. */
        changed &= g->cfg.back_edges;
    }
}

static void note_last(X86Gen *g, unsigned *last, uint64_t t, unsigned i)
{
    if (is_local(g, t) && (last[t] == UINT_MAX || last[t] < i)) {
        last[t] = i;
    }
}

/* Per-op dead flags of one block, walking backwards from its live-out. */
static void block_dead_flags(X86Gen *g, unsigned bi, TcgBits *live,
                             unsigned *last)
{
    const TcgBlock *b = &g->cfg.blocks[bi];
    unsigned opos[TCG_MAX_OP_ARGS], ipos[TCG_MAX_OP_ARGS];

    tcg_bits_copy(live, &g->live_out[bi]);
    for (unsigned i = b->end; i-- > b->first;) {
        const TcgOp *op = tcg_op(g->s, i);
        unsigned nout = tcg_op_outputs(op, opos);
        unsigned nin = tcg_op_inputs(op, ipos);
        uint16_t dead = 0;

        /* Dead after the op = not live after it; decided for every
         * operand before this op's own defs and uses change the set. */
        for (unsigned k = 0; k < nout + nin; k++) {
            unsigned p = k < nout ? opos[k] : ipos[k - nout];
            uint64_t t = op->args[p];

            if (is_local(g, t)) {
                note_last(g, last, t, i);
                if (!tcg_bit(live, (unsigned)t)) {
                    dead |= (uint16_t)(1u << p);
                }
            }
        }
        g->dead[i] = dead;
        for (unsigned k = 0; k < nout; k++) {
            if (is_local(g, op->args[opos[k]])) {
                tcg_bit_clear(live, (unsigned)op->args[opos[k]]);
            }
        }
        for (unsigned k = 0; k < nin; k++) {
            if (is_local(g, op->args[ipos[k]])) {
                tcg_bit_set(live, (unsigned)op->args[ipos[k]]);
            }
        }
    }
}

/* Temps live through the end of block @bi live at least until its last
 * op. */
static void note_live_out(X86Gen *g, unsigned bi, unsigned *last)
{
    const TcgBlock *b = &g->cfg.blocks[bi];

    for (unsigned w = 0; w < g->live_out[bi].nwords; w++) {
        uint64_t bits = g->live_out[bi].w[w];

        while (bits) {
            unsigned t = w * 64 + (unsigned)__builtin_ctzll(bits);

            bits &= bits - 1;
            note_last(g, last, t, b->end - 1);
        }
    }
}

/* Per op, the list of temps whose last live point it is. */
static void release_lists(X86Gen *g, const uint32_t *last)
{
    unsigned ntemps = tcg_nb_temps(g->s), nops = tcg_nb_ops(g->s);

    g->release = tcg_scratch_new0(g->s, unsigned, nops + 1);
    g->release_next = tcg_scratch_new0(g->s, unsigned, ntemps + 1);
    memset(g->release, 0xff, (nops + 1) * sizeof(unsigned));
    for (unsigned t = g->s->nb_globals; t < ntemps; t++) {
        if (last[t] != UINT32_MAX) {
            g->release_next[t] = g->release[last[t]];
            g->release[last[t]] = t;
        }
    }
}

void x86_liveness_compute(X86Gen *g)
{
    unsigned ntemps = tcg_nb_temps(g->s), nops = tcg_nb_ops(g->s);
    unsigned nb;
    TcgBits *use, *def, live;
    const TcgLiveInfo *li = tcg_live_info(g->s);
    unsigned *last;

    if (li) {
        /* The optimizer's dead-code pass walked this very program (a TB
         * without back edges from which it removed nothing) and left
         * what we need: same CFG, same liveness of the TB's temps. */
        g->cfg = li->cfg;
        g->live_in = li->live_in;
        g->live_out = li->live_out;
        g->dead = li->dead;
        release_lists(g, li->last);
        return;
    }
    last = tcg_scratch_new0(g->s, unsigned, ntemps + 1);
    /* Everything here is in the TB's arena (released by the caller). */
    tcg_cfg_build(g->s, &g->cfg);
    nb = g->cfg.nb_blocks;
    g->live_in = tcg_scratch_new0(g->s, TcgBits, nb + 1);
    g->live_out = tcg_scratch_new0(g->s, TcgBits, nb + 1);
    tcg_bits_init_n(g->s, g->live_in, nb, ntemps);
    tcg_bits_init_n(g->s, g->live_out, nb, ntemps);
    g->dead = tcg_scratch_new0(g->s, uint16_t, nops + 1);
    for (unsigned t = 0; t < ntemps; t++) {
        last[t] = UINT_MAX;
    }
    tcg_bits_init(g->s, &live, ntemps);
    if (!g->cfg.back_edges) {
        /* Every successor comes later: walking the blocks backwards, each
         * one's live-out is final when it is reached, and the walk that
         * sets the dead flags leaves its live-in.  One pass over the ops
         * instead of three (gen/kill sets, solve, dead flags): the
         * liveness was 8% of translating code that runs once. */
        for (unsigned bi = nb; bi-- > 0;) {
            const TcgBlock *b = &g->cfg.blocks[bi];

            for (int k = 0; k < 2; k++) {
                if (b->succ[k] >= 0) {
                    tcg_bits_or(&g->live_out[bi], &g->live_in[b->succ[k]]);
                }
            }
            block_dead_flags(g, bi, &live, last);
            tcg_bits_copy(&g->live_in[bi], &live);
            note_live_out(g, bi, last);
        }
    } else {
        use = tcg_scratch_new0(g->s, TcgBits, nb + 1);
        def = tcg_scratch_new0(g->s, TcgBits, nb + 1);
        tcg_bits_init_n(g->s, use, nb, ntemps);
        tcg_bits_init_n(g->s, def, nb, ntemps);
        for (unsigned bi = 0; bi < nb; bi++) {
            block_use_def(g, &g->cfg.blocks[bi], &use[bi], &def[bi]);
        }
        solve(g, use, def, ntemps);
    }
    for (unsigned bi = 0; bi < nb && g->cfg.back_edges; bi++) {
        block_dead_flags(g, bi, &live, last);
        note_live_out(g, bi, last);
    }

    release_lists(g, last);
}

/* The arrays are in the arena (gen_destroy() releases it); forget them. */
void x86_liveness_free(X86Gen *g)
{
    g->live_in = g->live_out = NULL;
    g->dead = NULL;
    g->release = g->release_next = NULL;
    memset(&g->cfg, 0, sizeof(g->cfg));
}
