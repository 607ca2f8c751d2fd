/*
 * optimize.c - tcg_optimize(): the IR passes run on every verified TB.
 *
 * A forward pass does constant and copy propagation (inputs are replaced
 * by the constant or the original temp they are known to hold), constant
 * folding (a pure op whose inputs are all constants becomes a mov of its
 * result, computed by tcg-eval.h exactly as the interpreter computes it),
 * a few algebraic identities (x + 0, x & -1, x * 0, x ^ x ...), folding
 * of branches with constant operands or conditions, and removal of code
 * that cannot run (after br/exit until the next label something jumps
 * to).  Knowledge lives within an extended basic block: it is reset at
 * labels that are still branched to, and knowledge of globals is dropped
 * at calls that may write them.  A backward pass then removes dead code:
 * a least-fixpoint liveness analysis over the control-flow graph in which
 * globals are live at TB exits, before guest memory ops and before calls
 * that may read globals or raise; an op without side effects whose
 * outputs are all dead is removed (calls only with NO_SIDE_EFFECTS).  On
 * a TB without back edges that is one backward walk, which also leaves
 * what the backend's register allocator needs (TcgLiveInfo, s->live)
 * when it removed nothing, so the backend does not walk the TB again.
 */
#include "tcg/tcg-eval.h"
#include "tcg/tcg-pass.h"

/* ------------------------------------------------------------ op kinds */

/* tcg_eval_kind() of every opcode: it probes up to four evaluators, and
 * the forward pass asks twice per op. */
static uint8_t eval_kinds[BB_TCG_OP__COUNT];

static void eval_kinds_init(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        for (unsigned opc = 0; opc < BB_TCG_OP__COUNT; opc++) {
            eval_kinds[opc] = (uint8_t)tcg_eval_kind((BbTcgOpcode)opc);
        }
        g_once_init_leave(&done, 1);
    }
}

static inline TcgEvalKind eval_kind(BbTcgOpcode opc)
{
    return (TcgEvalKind)eval_kinds[opc];
}

/* ------------------------------------------------------------ knowledge */

#define NO_TEMP UINT32_MAX

typedef struct TempInfo {
    uint32_t epoch;     /* valid iff equal to Opt.epoch */
    bool is_const;
    uint64_t val;       /* is_const */
    uint32_t copy_of;   /* else a temp holding the same value, or NO_TEMP */
    uint32_t copy_ver;  /* version of copy_of when the copy was made */
} TempInfo;

typedef struct Opt {
    BbTcgContext *s;
    unsigned nb_temps;  /* temps before the pass (new ones are consts) */
    TempInfo *info;
    uint32_t *version;  /* bumped on every write of a temp */
    uint32_t epoch;
    unsigned *label_refs; /* branches still targeting each label */
    bool reachable;
} Opt;

static bool temp_is_const(const Opt *o, uint32_t id, uint64_t *val)
{
    const TcgTemp *t = tcg_temp(o->s, id);

    if (t->kind == TEMP_CONST) {
        *val = (uint64_t)t->val;
        return true;
    }
    if (o->info[id].epoch == o->epoch && o->info[id].is_const) {
        *val = o->info[id].val;
        return true;
    }
    return false;
}

/* The temp to read instead of @id: a constant or the copy's source. */
static uint32_t resolve(Opt *o, uint32_t id)
{
    const TempInfo *in;
    uint64_t val;

    if (tcg_temp(o->s, id)->kind == TEMP_CONST) {
        return id;
    }
    if (temp_is_const(o, id, &val)) {
        return tcg_const_new(o->s, tcg_temp(o->s, id)->type, (int64_t)val);
    }
    in = &o->info[id];
    if (in->epoch == o->epoch && in->copy_of != NO_TEMP &&
        o->version[in->copy_of] == in->copy_ver) {
        return in->copy_of;
    }
    return id;
}

static void note_write(Opt *o, uint32_t id)
{
    o->version[id]++;
    o->info[id] = (TempInfo){ .epoch = o->epoch, .copy_of = NO_TEMP };
}

static void note_const(Opt *o, uint32_t id, uint64_t val)
{
    note_write(o, id);
    o->info[id].is_const = true;
    o->info[id].val = val;
}

static void note_copy(Opt *o, uint32_t d, uint32_t src)
{
    uint64_t val;

    if (temp_is_const(o, src, &val)) {
        note_const(o, d, val);
        return;
    }
    note_write(o, d);
    o->info[d].copy_of = src;
    o->info[d].copy_ver = o->version[src];
}

static void forget_all(Opt *o)
{
    o->epoch++;
}

static void forget_globals(Opt *o)
{
    for (unsigned g = 0; g < o->s->nb_globals; g++) {
        note_write(o, g);
    }
}

/* ------------------------------------------------------------ rewriting */

static void op_remove(Opt *o, TcgOp *op)
{
    if (tcg_op_branches(op)) {
        o->label_refs[tcg_op_label(op)]--;
    }
    op->opc = BB_TCG_OP_INVALID;
}

static bool op_is64(const TcgOp *op)
{
    return tcg_op_arg_type(op->opc, 0) == BB_TCG_TYPE_I64;
}

static void op_to_mov(Opt *o, TcgOp *op, uint32_t src)
{
    uint32_t d = (uint32_t)op->args[0];

    if (src == d) {
        op_remove(o, op);
        return;
    }
    op->opc = op_is64(op) ? BB_TCG_OP_MOV_I64 : BB_TCG_OP_MOV_I32;
    op->nargs = 2;
    op->args[1] = src;
    note_copy(o, d, src);
}

static void op_to_movi(Opt *o, TcgOp *op, uint64_t val)
{
    BbTcgType type = tcg_op_arg_type(op->opc, 0);

    op_to_mov(o, op, tcg_const_new(o->s, type, (int64_t)val));
}

static void op_to_br(TcgOp *op, uint64_t label)
{
    op->opc = BB_TCG_OP_BR;
    op->nargs = 1;
    op->args[0] = label;
}

/* ------------------------------------------------------------ folding */

static bool is_commutative(BbTcgOpcode opc)
{
    switch (opc) {
    case BB_TCG_OP_ADD_I32: case BB_TCG_OP_ADD_I64:
    case BB_TCG_OP_MUL_I32: case BB_TCG_OP_MUL_I64:
    case BB_TCG_OP_AND_I32: case BB_TCG_OP_AND_I64:
    case BB_TCG_OP_OR_I32: case BB_TCG_OP_OR_I64:
    case BB_TCG_OP_XOR_I32: case BB_TCG_OP_XOR_I64:
        return true;
    default:
        return false;
    }
}

/* x op x. */
static bool simplify_same(Opt *o, TcgOp *op)
{
    switch (op->opc) {
    case BB_TCG_OP_SUB_I32: case BB_TCG_OP_SUB_I64:
    case BB_TCG_OP_XOR_I32: case BB_TCG_OP_XOR_I64:
        op_to_movi(o, op, 0);
        return true;
    case BB_TCG_OP_AND_I32: case BB_TCG_OP_AND_I64:
    case BB_TCG_OP_OR_I32: case BB_TCG_OP_OR_I64:
        op_to_mov(o, op, (uint32_t)op->args[1]);
        return true;
    default:
        return false;
    }
}

/* x op c, with @c the constant's value truncated to the width. */
static bool simplify_const(Opt *o, TcgOp *op, uint64_t c)
{
    uint64_t ones = op_is64(op) ? UINT64_MAX : UINT32_MAX;
    uint32_t x = (uint32_t)op->args[1];

    switch (op->opc) {
    case BB_TCG_OP_ADD_I32: case BB_TCG_OP_ADD_I64:
    case BB_TCG_OP_SUB_I32: case BB_TCG_OP_SUB_I64:
    case BB_TCG_OP_OR_I32: case BB_TCG_OP_OR_I64:
    case BB_TCG_OP_XOR_I32: case BB_TCG_OP_XOR_I64:
    case BB_TCG_OP_SHL_I32: case BB_TCG_OP_SHL_I64:
    case BB_TCG_OP_SHR_I32: case BB_TCG_OP_SHR_I64:
    case BB_TCG_OP_SAR_I32: case BB_TCG_OP_SAR_I64:
    case BB_TCG_OP_ROTL_I32: case BB_TCG_OP_ROTL_I64:
    case BB_TCG_OP_ROTR_I32: case BB_TCG_OP_ROTR_I64:
        if (c == 0) {
            op_to_mov(o, op, x);
            return true;
        }
        return false;
    case BB_TCG_OP_AND_I32: case BB_TCG_OP_AND_I64:
        if (c == 0 || c == ones) {
            c == 0 ? op_to_movi(o, op, 0) : op_to_mov(o, op, x);
            return true;
        }
        return false;
    case BB_TCG_OP_MUL_I32: case BB_TCG_OP_MUL_I64:
        if (c == 0 || c == 1) {
            c == 0 ? op_to_movi(o, op, 0) : op_to_mov(o, op, x);
            return true;
        }
        return false;
    default:
        return false;
    }
}

static bool simplify_binary(Opt *o, TcgOp *op)
{
    uint64_t c, mask = op_is64(op) ? UINT64_MAX : UINT32_MAX;
    TcgEvalKind k = eval_kind(op->opc);

    if (k != TCG_EVAL_BIN32 && k != TCG_EVAL_BIN64) {
        return false;
    }
    if (op->args[1] == op->args[2]) {
        return simplify_same(o, op);
    }
    if (is_commutative(op->opc) && temp_is_const(o, (uint32_t)op->args[1], &c)) {
        uint64_t t = op->args[1];

        op->args[1] = op->args[2];
        op->args[2] = t;
    }
    return temp_is_const(o, (uint32_t)op->args[2], &c) &&
           simplify_const(o, op, c & mask);
}

/* A pure op: fold it if all inputs are constants. */
static bool fold_pure(Opt *o, TcgOp *op, TcgEvalKind kind)
{
    const TcgOpDef *def = &tcg_op_defs[op->opc];
    uint64_t in[4] = { 0 }, c[2] = { 0 };

    for (unsigned i = 0; i < def->nb_iargs; i++) {
        if (!temp_is_const(o, (uint32_t)op->args[1 + i], &in[i])) {
            return false;
        }
    }
    for (unsigned i = 0; i < def->nb_cargs; i++) {
        c[i] = op->args[1 + def->nb_iargs + i];
    }
    op_to_movi(o, op, tcg_eval_kinded(kind, op->opc, in, c));
    return true;
}

/* movcond with a decided condition, or equal values, is a mov. */
static bool fold_movcond(Opt *o, TcgOp *op)
{
    bool is64 = op->opc == BB_TCG_OP_MOVCOND_I64;
    BbTcgCond cond = (BbTcgCond)op->args[5];
    uint64_t a = 0, b = 0;

    if (op->args[3] == op->args[4]) {
        op_to_mov(o, op, (uint32_t)op->args[3]);
        return true;
    }
    if (cond == BB_TCG_COND_ALWAYS || cond == BB_TCG_COND_NEVER ||
        (temp_is_const(o, (uint32_t)op->args[1], &a) &&
         temp_is_const(o, (uint32_t)op->args[2], &b))) {
        bool t = cond == BB_TCG_COND_ALWAYS ||
                 (cond != BB_TCG_COND_NEVER &&
                  tcg_eval_cond(cond, a, b, is64));
        op_to_mov(o, op, (uint32_t)op->args[t ? 3 : 4]);
        return true;
    }
    return false;
}

static void opt_pure(Opt *o, TcgOp *op, TcgEvalKind kind)
{
    if (op->opc == BB_TCG_OP_MOV_I32 || op->opc == BB_TCG_OP_MOV_I64) {
        op_to_mov(o, op, (uint32_t)op->args[1]);
        return;
    }
    if (fold_pure(o, op, kind)) {
        return;
    }
    if ((op->opc == BB_TCG_OP_MOVCOND_I32 ||
         op->opc == BB_TCG_OP_MOVCOND_I64) && fold_movcond(o, op)) {
        return;
    }
    if (simplify_binary(o, op)) {
        return;
    }
    note_write(o, (uint32_t)op->args[0]);
}

/*
 * A br at op @i whose target is the next op that can run (after ops that
 * are unreachable behind it and labels nothing jumps to) does nothing:
 * remove it and that dead stretch, so the label may disappear too and
 * knowledge flows on.
 */
static void opt_br(Opt *o, unsigned i)
{
    TcgOp *br = tcg_op(o->s, i);
    unsigned j;

    for (j = i + 1; j < o->s->nb_ops; j++) {
        TcgOp *op = tcg_op(o->s, j);

        if (op->opc == BB_TCG_OP_SET_LABEL && o->label_refs[op->args[0]]) {
            break;
        }
    }
    if (j == o->s->nb_ops || tcg_op(o->s, j)->args[0] != br->args[0]) {
        o->reachable = false;
        return;
    }
    for (unsigned k = i; k < j; k++) {
        if (tcg_op(o->s, k)->opc != BB_TCG_OP_INVALID) {
            op_remove(o, tcg_op(o->s, k));
        }
    }
}

static void opt_brcond(Opt *o, unsigned i)
{
    TcgOp *op = tcg_op(o->s, i);
    bool is64 = op->opc == BB_TCG_OP_BRCOND_I64;
    BbTcgCond cond = (BbTcgCond)op->args[2];
    uint64_t a = 0, b = 0;
    bool known = cond == BB_TCG_COND_ALWAYS || cond == BB_TCG_COND_NEVER ||
                 op->args[0] == op->args[1] ||
                 (temp_is_const(o, (uint32_t)op->args[0], &a) &&
                  temp_is_const(o, (uint32_t)op->args[1], &b));

    if (!known) {
        return;
    }
    if (tcg_eval_cond(cond, a, b, is64)) {
        op_to_br(op, op->args[3]);
        opt_br(o, i);
    } else {
        op_remove(o, op);
    }
}

static void opt_call(Opt *o, TcgOp *op)
{
    if (!(tcg_op_call_flags(op) & BB_TCG_CALL_NO_WRITE_GLOBALS)) {
        forget_globals(o);
    }
    if (tcg_call_ret(op) != UINT32_MAX) {
        note_write(o, tcg_call_ret(op));
    }
}

static void opt_label(Opt *o, TcgOp *op)
{
    if (o->label_refs[op->args[0]] > 0) {
        o->reachable = true;
        forget_all(o);
    } else {
        op_remove(o, op); /* nothing jumps here: the block just goes on */
    }
}

static void opt_resolve_inputs(Opt *o, TcgOp *op)
{
    unsigned pos[TCG_MAX_OP_ARGS];
    unsigned n = tcg_op_inputs(op, pos);

    for (unsigned k = 0; k < n; k++) {
        op->args[pos[k]] = resolve(o, (uint32_t)op->args[pos[k]]);
    }
}

static void opt_op(Opt *o, unsigned i)
{
    TcgOp *op = tcg_op(o->s, i);
    unsigned pos[TCG_MAX_OP_ARGS], n;
    TcgEvalKind kind;

    if (op->opc == BB_TCG_OP_INVALID) {
        return; /* removed by opt_br() */
    }
    if (op->opc == BB_TCG_OP_SET_LABEL) {
        opt_label(o, op);
        return;
    }
    if (!o->reachable) {
        op_remove(o, op);
        return;
    }
    opt_resolve_inputs(o, op);
    kind = eval_kind(op->opc);
    if (kind != TCG_EVAL_NONE) {
        opt_pure(o, op, kind);
        return;
    }
    switch (op->opc) {
    case BB_TCG_OP_BRCOND_I32: case BB_TCG_OP_BRCOND_I64:
        opt_brcond(o, i);
        return;
    case BB_TCG_OP_CALL:
        opt_call(o, op);
        return;
    case BB_TCG_OP_BR:
        opt_br(o, i);
        return;
    case BB_TCG_OP_EXIT_TB:
    case BB_TCG_OP_LOOKUP_AND_GOTO:
        o->reachable = false;
        return;
    default:
        n = tcg_op_outputs(op, pos);
        for (unsigned k = 0; k < n; k++) {
            note_write(o, (uint32_t)op->args[pos[k]]);
        }
        return;
    }
}

static void compact(BbTcgContext *s)
{
    unsigned j = 0;

    /* Ops before the first removed one stay where they are (often all of
     * them: copying every 88-byte op was 2% of translation). */
    while (j < s->nb_ops && tcg_op(s, j)->opc != BB_TCG_OP_INVALID) {
        j++;
    }
    for (unsigned i = j; i < s->nb_ops; i++) {
        if (tcg_op(s, i)->opc != BB_TCG_OP_INVALID) {
            *tcg_op(s, j++) = *tcg_op(s, i);
        }
    }
    s->nb_ops = j;
}

static void forward_pass(BbTcgContext *s)
{
    Opt o = { .s = s, .nb_temps = s->nb_temps, .epoch = 1,
              .reachable = true };

    eval_kinds_init();
    o.info = tcg_scratch_new0(s, TempInfo, o.nb_temps + 1);
    o.version = tcg_scratch_new0(s, uint32_t, o.nb_temps + 1);
    o.label_refs = tcg_scratch_new0(s, unsigned, s->nb_labels + 1);
    for (unsigned i = 0; i < s->nb_ops; i++) {
        if (tcg_op_branches(tcg_op(s, i))) {
            o.label_refs[tcg_op_label(tcg_op(s, i))]++;
        }
    }
    for (unsigned i = 0; i < s->nb_ops; i++) {
        opt_op(&o, i);
    }
    compact(s);
}

/* ------------------------------------------------------------ liveness */

typedef struct Live {
    BbTcgContext *s;
    TcgCfg cfg;
    TcgBits *in;        /* live at each block's entry */
    TcgBits globals;    /* all globals */
} Live;

/* Must every global be in env before @op runs? */
static bool op_needs_globals(const TcgOp *op)
{
    unsigned f;

    if (op->opc == BB_TCG_OP_CALL) {
        f = tcg_op_call_flags(op);
        return !(f & BB_TCG_CALL_NO_READ_GLOBALS) ||
               !(f & BB_TCG_CALL_NO_RAISE);
    }
    return tcg_op_defs[op->opc].flags & TCG_OPF_MAY_RAISE;
}

/* op_removable() given the op's @n outputs at @pos. */
static inline bool op_removable_outs(const TcgOp *op, const TcgBits *live,
                                     const unsigned *pos, unsigned n)
{
    if (op->opc == BB_TCG_OP_CALL) {
        if (!(tcg_op_call_flags(op) & BB_TCG_CALL_NO_SIDE_EFFECTS)) {
            return false;
        }
    } else if ((tcg_op_defs[op->opc].flags &
                (TCG_OPF_SIDE_EFFECTS | TCG_OPF_BB_END)) ||
               op->opc == BB_TCG_OP_DISCARD) {
        return false;
    }
    for (unsigned k = 0; k < n; k++) {
        if (tcg_bit(live, (uint32_t)op->args[pos[k]])) {
            return false;
        }
    }
    return op->opc == BB_TCG_OP_CALL || n > 0;
}

static bool op_removable(const TcgOp *op, const TcgBits *live)
{
    unsigned pos[TCG_MAX_OP_ARGS];
    unsigned n = tcg_op_outputs(op, pos);

    return op_removable_outs(op, live, pos, n);
}

/* Step @live backwards over @op (which is kept). */
static void live_step(const TcgOp *op, TcgBits *live, const TcgBits *globals)
{
    unsigned pos[TCG_MAX_OP_ARGS];
    unsigned n = tcg_op_outputs(op, pos);

    for (unsigned k = 0; k < n; k++) {
        tcg_bit_clear(live, (uint32_t)op->args[pos[k]]);
    }
    n = tcg_op_inputs(op, pos);
    for (unsigned k = 0; k < n; k++) {
        tcg_bit_set(live, (uint32_t)op->args[pos[k]]);
    }
    if (op_needs_globals(op)) {
        tcg_bits_or(live, globals);
    }
}

static void live_out(const Live *l, unsigned b, TcgBits *live)
{
    const TcgBlock *blk = &l->cfg.blocks[b];

    tcg_bits_fill(live, false);
    if (blk->exits) {
        tcg_bits_or(live, &l->globals);
    }
    for (unsigned k = 0; k < 2; k++) {
        if (blk->succ[k] >= 0) {
            tcg_bits_or(live, &l->in[blk->succ[k]]);
        }
    }
}

/* Run block @b backwards from its live-out; with @remove, delete the
 * dead ops.  Leaves the block's live-in in @live. */
static void live_block(Live *l, unsigned b, TcgBits *live, bool remove)
{
    const TcgBlock *blk = &l->cfg.blocks[b];

    live_out(l, b, live);
    for (unsigned i = blk->end; i-- > blk->first;) {
        TcgOp *op = tcg_op(l->s, i);

        if (op_removable(op, live)) {
            if (remove) {
                op->opc = BB_TCG_OP_INVALID;
            }
            continue;
        }
        live_step(op, live, &l->globals);
    }
}

/* Is @id a TB-local temp (the backend's register allocator tracks their
 * liveness; globals and constants it does not)? */
static bool is_local(const BbTcgContext *s, uint64_t id)
{
    return id < s->nb_temps && s->temps[id].kind == TEMP_NORMAL;
}

/*
 * live_block() with removal for a TB without back edges, which also
 * records, for each kept op, its TB-local operands that are dead after
 * it, and each temp's last live op (TcgLiveInfo).  Leaves the block's
 * live-in in @live.  Returns whether it removed an op.
 */
static bool live_block_info(Live *l, unsigned b, TcgBits *live,
                            TcgLiveInfo *li)
{
    const TcgBlock *blk = &l->cfg.blocks[b];
    BbTcgContext *s = l->s;
    unsigned opos[TCG_MAX_OP_ARGS], ipos[TCG_MAX_OP_ARGS];
    bool removed = false;

    live_out(l, b, live);
    tcg_bits_copy(&li->live_out[b], live);
    /* Temps live at the block's end are live at its last op.  The
     * globals come first and are all live at exits: skip their bits. */
    for (unsigned w = s->nb_globals / 64; w < live->nwords; w++) {
        uint64_t bits = live->w[w];

        if (w == s->nb_globals / 64) {
            bits &= UINT64_MAX << (s->nb_globals % 64);
        }
        while (bits) {
            unsigned t = w * 64 + (unsigned)__builtin_ctzll(bits);

            bits &= bits - 1;
            if (is_local(s, t) && li->last[t] == UINT32_MAX) {
                li->last[t] = blk->end - 1;
            }
        }
    }
    for (unsigned i = blk->end; i-- > blk->first;) {
        TcgOp *op = tcg_op(s, i);
        unsigned nout, nin;
        uint16_t dead = 0;

        nout = tcg_op_outputs(op, opos);
        if (op_removable_outs(op, live, opos, nout)) {
            op->opc = BB_TCG_OP_INVALID;
            removed = true;
            continue;
        }
        nin = tcg_op_inputs(op, ipos);
        /* Decided for every operand against what is live after the op,
         * before its own outputs and inputs change the set.  Walking
         * backwards, the first op that sees a temp is its last. */
        for (unsigned k = 0; k < nout + nin; k++) {
            unsigned p = k < nout ? opos[k] : ipos[k - nout];
            uint64_t t = op->args[p];

            if (is_local(s, t)) {
                if (li->last[t] == UINT32_MAX) {
                    li->last[t] = i;
                }
                if (!tcg_bit(live, (unsigned)t)) {
                    dead |= (uint16_t)(1u << p);
                }
            }
        }
        li->dead[i] = dead;
        for (unsigned k = 0; k < nout; k++) {
            tcg_bit_clear(live, (uint32_t)op->args[opos[k]]);
        }
        for (unsigned k = 0; k < nin; k++) {
            tcg_bit_set(live, (uint32_t)op->args[ipos[k]]);
        }
        if (op_needs_globals(op)) {
            tcg_bits_or(live, &l->globals);
        }
    }
    return removed;
}

/* The DCE of a TB without back edges: every successor comes later, so one
 * backward pass is the fixpoint, and it can remove as it goes (a removed
 * op is skipped the same way when only computing).  When it removes
 * nothing, what it learned stays for the backend (s->live). */
static void dce_straight(Live *l, TcgBits *cur, TcgArenaMark mark)
{
    BbTcgContext *s = l->s;
    unsigned nb = l->cfg.nb_blocks, nt = s->nb_temps;
    TcgLiveInfo *li = tcg_scratch_new0(s, TcgLiveInfo, 1);
    bool removed = false;

    li->nb_ops = s->nb_ops;
    li->nb_temps = nt;
    li->cfg = l->cfg;
    li->live_in = l->in;
    li->live_out = tcg_scratch_new0(s, TcgBits, nb + 1);
    tcg_bits_init_n(s, li->live_out, nb, nt);
    li->dead = tcg_scratch_new0(s, uint16_t, s->nb_ops + 1);
    li->last = tcg_scratch_new0(s, uint32_t, nt + 1);
    memset(li->last, 0xff, nt * sizeof(uint32_t));
    for (unsigned b = nb; b-- > 0;) {
        removed |= live_block_info(l, b, cur, li);
        tcg_bits_copy(&l->in[b], cur);
    }
    if (removed) {
        /* Indexes and blocks change: the backend works it out again. */
        tcg_arena_release(s->arena, mark);
        compact(s);
    } else {
        li->start = mark;
        li->end = tcg_arena_mark(s->arena);
        s->live = li;
    }
}

static void dce_pass(BbTcgContext *s)
{
    Live l = { .s = s };
    unsigned nt = s->nb_temps, nb;
    TcgArenaMark mark = tcg_arena_mark(s->arena);
    TcgBits cur;
    bool changed = true;

    tcg_cfg_build(s, &l.cfg);
    nb = l.cfg.nb_blocks;
    l.in = tcg_scratch_new0(s, TcgBits, nb + 1);
    tcg_bits_init_n(s, l.in, nb, nt);
    tcg_bits_init(s, &l.globals, nt);
    tcg_bits_set_first(&l.globals, s->nb_globals);
    tcg_bits_init(s, &cur, nt);
    if (!l.cfg.back_edges) {
        dce_straight(&l, &cur, mark);
        return;
    }
    while (changed) {
        changed = false;
        for (unsigned b = nb; b-- > 0;) {
            live_block(&l, b, &cur, false);
            changed |= tcg_bits_or(&l.in[b], &cur);
        }
    }
    for (unsigned b = 0; b < nb; b++) {
        live_block(&l, b, &cur, true);
    }
    tcg_arena_release(s->arena, mark);
    compact(s);
}

/*
 * The forward pass's memory is released at the end; the dead-code pass's
 * too, unless it leaves liveness facts for the backend (s->live, which
 * stay in the arena until the next reset or the next tcg_optimize()).
 */
void tcg_optimize(BbTcgContext *s)
{
    TcgArenaMark mark = tcg_arena_mark(s->arena);

    if (s->live && s->live->end.chunk == mark.chunk &&
        s->live->end.used == mark.used) {
        /* Optimizing again (tests): the old facts go, and their memory. */
        mark = s->live->start;
        tcg_arena_release(s->arena, mark);
    }
    s->live = NULL;
    forward_pass(s);
    tcg_arena_release(s->arena, mark);
    dce_pass(s);
}
