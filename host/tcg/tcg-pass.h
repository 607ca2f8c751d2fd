/*
 * tcg-pass.h - what the IR passes share (host-internal to host/tcg): small
 * bit sets over temps, operand accessors that hide the CALL layout, and
 * the control-flow graph of a TB (basic blocks split at labels and after
 * branches and exits) used by the verifier's def-before-use check and by
 * the optimizer's liveness analysis.  Everything here assumes the labels
 * and operand shapes of the program are valid (tcg_verify() checks them
 * first).
 */
#ifndef HOST_TCG_TCG_PASS_H
#define HOST_TCG_TCG_PASS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tcg/tcg-internal.h"

/* ------------------------------------------------------------ bit sets */

typedef struct TcgBits {
    unsigned nwords;
    uint64_t *w;
} TcgBits;

/* An empty set of @nbits bits in @s's arena (valid until the caller's
 * tcg_arena_release() or the next TB). */
static inline void tcg_bits_init(const BbTcgContext *s, TcgBits *b,
                                 unsigned nbits)
{
    b->nwords = (nbits + 63) / 64;
    b->w = tcg_scratch_new0(s, uint64_t, b->nwords ? b->nwords : 1);
}
/* @count empty sets of @nbits bits, b[0..count), from one allocation (a
 * per-block set each was a few percent of translation in arena calls). */
static inline void tcg_bits_init_n(const BbTcgContext *s, TcgBits *b,
                                   unsigned count, unsigned nbits)
{
    unsigned nw = (nbits + 63) / 64;
    unsigned stride = nw ? nw : 1;
    uint64_t *w = tcg_scratch_new0(s, uint64_t, (size_t)stride * count + 1);

    for (unsigned i = 0; i < count; i++) {
        b[i].nwords = nw;
        b[i].w = w + (size_t)stride * i;
    }
}
static inline bool tcg_bit(const TcgBits *b, unsigned i)
{
    return (b->w[i / 64] >> (i % 64)) & 1;
}
static inline void tcg_bit_set(TcgBits *b, unsigned i)
{
    b->w[i / 64] |= (uint64_t)1 << (i % 64);
}
static inline void tcg_bit_clear(TcgBits *b, unsigned i)
{
    b->w[i / 64] &= ~((uint64_t)1 << (i % 64));
}
/* Word by word for the usual sizes (a TB's temps fit in 2-4 words): as
 * calls, memset() and memcpy() of 16 bytes were 2% of translation. */
static inline void tcg_bits_fill(TcgBits *b, bool v)
{
    uint64_t x = v ? UINT64_MAX : 0;

    switch (b->nwords) {
    case 4: b->w[3] = x; /* fall through */
    case 3: b->w[2] = x; /* fall through */
    case 2: b->w[1] = x; /* fall through */
    case 1: b->w[0] = x; /* fall through */
    case 0: break;
    default:
        memset(b->w, v ? 0xff : 0, b->nwords * sizeof(uint64_t));
        break;
    }
}
/* Set bits 0..@n-1 (a word at a time: the 64 globals of a RISC-V hart
 * took 64 iterations per TB). */
static inline void tcg_bits_set_first(TcgBits *b, unsigned n)
{
    unsigned i = 0;

    for (; i + 64 <= n; i += 64) {
        b->w[i / 64] = UINT64_MAX;
    }
    if (i < n) {
        b->w[i / 64] |= UINT64_MAX >> (64 - (n - i));
    }
}
static inline void tcg_bits_copy(TcgBits *d, const TcgBits *s)
{
    switch (d->nwords) {
    case 4: d->w[3] = s->w[3]; /* fall through */
    case 3: d->w[2] = s->w[2]; /* fall through */
    case 2: d->w[1] = s->w[1]; /* fall through */
    case 1: d->w[0] = s->w[0]; /* fall through */
    case 0: break;
    default:
        memcpy(d->w, s->w, d->nwords * sizeof(uint64_t));
        break;
    }
}
/* d &= s (or |=); returns true if d changed. */
static inline bool tcg_bits_and(TcgBits *d, const TcgBits *s)
{
    bool changed = false;

    for (unsigned i = 0; i < d->nwords; i++) {
        uint64_t v = d->w[i] & s->w[i];
        changed |= v != d->w[i];
        d->w[i] = v;
    }
    return changed;
}
static inline bool tcg_bits_or(TcgBits *d, const TcgBits *s)
{
    bool changed = false;

    for (unsigned i = 0; i < d->nwords; i++) {
        uint64_t v = d->w[i] | s->w[i];
        changed |= v != d->w[i];
        d->w[i] = v;
    }
    return changed;
}

/* ------------------------------------------------------------ operands */

/* Value outputs / inputs of an op; for CALL, the ret temp (if any) and
 * the argument temps other than BB_TCG_ARG_ENV.  Return the count and
 * fill @ids (TCG_MAX_OP_ARGS entries) with their positions in op->args. */
static inline unsigned tcg_op_outputs(const TcgOp *op, unsigned *pos)
{
    if (op->opc == BB_TCG_OP_CALL) {
        if (tcg_call_ret(op) == UINT32_MAX) {
            return 0;
        }
        pos[0] = 1;
        return 1;
    }
    /* The counts in locals: a store to pos[] may alias the uint8_t
     * table as far as the compiler knows, which reloaded it per operand
     * (these run several times per op in every pass). */
    unsigned no = tcg_op_defs[op->opc].nb_oargs;

    for (unsigned i = 0; i < no; i++) {
        pos[i] = i;
    }
    return no;
}

static inline unsigned tcg_op_inputs(const TcgOp *op, unsigned *pos)
{
    unsigned n = 0;

    if (op->opc == BB_TCG_OP_CALL) {
        for (unsigned i = 2; i < op->nargs; i++) {
            if (op->args[i] != BB_TCG_ARG_ENV) {
                pos[n++] = i;
            }
        }
        return n;
    }
    unsigned no = tcg_op_defs[op->opc].nb_oargs;
    unsigned ni = tcg_op_defs[op->opc].nb_iargs;

    for (unsigned i = 0; i < ni; i++) {
        pos[i] = no + i;
    }
    return ni;
}

/* Label parameter of a branch or set_label, or -1. */
static inline int64_t tcg_op_label(const TcgOp *op)
{
    switch (op->opc) {
    case BB_TCG_OP_SET_LABEL:
    case BB_TCG_OP_BR:
        return (int64_t)op->args[0];
    case BB_TCG_OP_BRCOND_I32:
    case BB_TCG_OP_BRCOND_I64:
        return (int64_t)op->args[3];
    default:
        return -1;
    }
}

/* Does control continue with the next op (for some execution)? */
static inline bool tcg_op_falls_through(const TcgOp *op)
{
    switch (op->opc) {
    case BB_TCG_OP_BR:
    case BB_TCG_OP_EXIT_TB:
    case BB_TCG_OP_LOOKUP_AND_GOTO:
        return false;
    case BB_TCG_OP_BRCOND_I32:
    case BB_TCG_OP_BRCOND_I64:
        return op->args[2] != BB_TCG_COND_ALWAYS;
    default:
        return true;
    }
}

/* Does the op branch to its label (for some execution)? */
static inline bool tcg_op_branches(const TcgOp *op)
{
    switch (op->opc) {
    case BB_TCG_OP_BR:
        return true;
    case BB_TCG_OP_BRCOND_I32:
    case BB_TCG_OP_BRCOND_I64:
        return op->args[2] != BB_TCG_COND_NEVER;
    default:
        return false;
    }
}

/* Call flags of a call op (0 for other ops). */
static inline unsigned tcg_op_call_flags(const TcgOp *op)
{
    return op->opc == BB_TCG_OP_CALL ? tcg_call_helper(op)->flags : 0;
}

/* ------------------------------------------------------------ CFG */

typedef struct TcgBlock {
    unsigned first, end;   /* ops [first, end) */
    int succ[2];           /* successor blocks, -1 if none */
    bool exits;            /* may leave the TB (exit, goto_tb, end) */
} TcgBlock;

typedef struct TcgCfg {
    unsigned nb_blocks;
    TcgBlock *blocks;
    unsigned *block_of_op; /* op index -> block */
    /* Does some edge go backwards (succ <= block)?  Without one (most
     * TBs), one pass in block order (or reverse order) solves a dataflow
     * problem: no fixpoint iteration needed. */
    bool back_edges;
} TcgCfg;

/* Build the CFG of @s in @s's arena: it lives until the caller releases
 * the arena (there is nothing to free). */
void tcg_cfg_build(const BbTcgContext *s, TcgCfg *cfg);

/* ------------------------------------------------------------ liveness */

/*
 * What the optimizer's dead-code pass learns about a TB without back
 * edges, in one backward walk, kept for the backend so that it need not
 * build the CFG and walk the ops again (bench/guest/README.md,
 * "Translation cost, third round").  TB-local temps are TEMP_NORMAL ones;
 * "live after op i" is what the backward walk has before stepping over
 * op i.  Lives in the arena until the context's next reset or
 * tcg_optimize().
 */
typedef struct TcgLiveInfo {
    unsigned nb_ops, nb_temps; /* of the program it describes */
    TcgCfg cfg;
    /* Per block: live at its entry and at its end (globals' bits may be
     * set too: they are not TB-local and carry no meaning here). */
    TcgBits *live_in, *live_out;
    /* Per op: bit p set if args[p] is a TB-local temp (operand) that is
     * not live after the op. */
    uint16_t *dead;
    /* Per temp: the last op at which a TB-local temp is live (an operand
     * of it, or live at the end of its block), UINT32_MAX if none. */
    uint32_t *last;
    /* The arena before and after these facts: a new tcg_optimize() of
     * the same TB gives them back if nothing came after them. */
    TcgArenaMark start, end;
} TcgLiveInfo;

/* @s's liveness facts if they still describe its ops, else NULL. */
static inline const TcgLiveInfo *tcg_live_info(const BbTcgContext *s)
{
    const TcgLiveInfo *li = s->live;

    return li && li->nb_ops == s->nb_ops && li->nb_temps == s->nb_temps
               ? li : NULL;
}

/* ------------------------------------------------------------ names */

#define TCG_TEMP_NAME_MAX 48
/* A temp as dumps and error messages show it: a global by its name, a
 * constant as its value ("$0x10"), a temp as "tmpN" (N = its id). */
const char *tcg_temp_name(const BbTcgContext *s, uint32_t id,
                          char buf[TCG_TEMP_NAME_MAX]);

#endif /* HOST_TCG_TCG_PASS_H */
