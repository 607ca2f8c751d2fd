/*
 * verify.c - tcg_verify(): decides whether a TB's IR is well formed, so
 * that the optimizer and the backends may assume it (the interpreter must
 * not crash on anything accepted here).  Checks, in this order: each op's
 * opcode, operand count, operand ids and types (tcg_op_arg_type()),
 * constant parameters (conditions, labels, bit-field ranges, memops,
 * mmu indexes, env offsets, exit slots, helper signatures); then that
 * every used label is set exactly once, that goto_tb slots are unique and
 * that the TB cannot run off its end; finally that every TB-local temp is
 * written on every path before it is read (a forward must-analysis over
 * the control-flow graph; a discard ends the temp's value).  The first
 * error is reported as "op N (name): what is wrong" in TCG_ERROR /
 * BB_ERROR_INVALID.
 */
#include <stdarg.h>

#include <breadboard/error.h>

#include "tcg/tcg-pass.h"

typedef struct Verifier {
    const BbTcgContext *s;
    GError **error;
    unsigned index;    /* op being checked */
    const TcgOp *op;
} Verifier;

G_GNUC_PRINTF(2, 3)
static bool fail(Verifier *v, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (v->op) {
        BbTcgOpcode opc = v->op->opc;
        const char *name = opc > BB_TCG_OP_INVALID && opc < BB_TCG_OP__COUNT
                               ? tcg_op_defs[opc].name : "?";
        g_set_error(v->error, TCG_ERROR, BB_ERROR_INVALID, "op %u (%s): %s",
                    v->index, name, msg);
    } else {
        g_set_error(v->error, TCG_ERROR, BB_ERROR_INVALID, "%s", msg);
    }
    return false;
}

static const TcgTemp *temp_at(const Verifier *v, uint64_t id)
{
    return id < v->s->nb_temps ? tcg_temp(v->s, (uint32_t)id) : NULL;
}

static const char *type_name(BbTcgType t)
{
    switch (t) {
    case BB_TCG_TYPE_I32: return "i32";
    case BB_TCG_TYPE_I64: return "i64";
    case BB_TCG_TYPE_PTR: return "ptr";
    default: return "void";
    }
}

/* ------------------------------------------------------------ operands */

static bool check_value(Verifier *v, unsigned pos, BbTcgType want,
                        bool output)
{
    uint64_t id = v->op->args[pos];
    const TcgTemp *t = temp_at(v, id);

    if (!t) {
        return fail(v, "operand %u: no temp %" G_GUINT64_FORMAT, pos, id);
    }
    if (want != BB_TCG_TYPE_VOID && t->type != want) {
        return fail(v, "operand %u: %s temp where %s is required", pos,
                    type_name(t->type), type_name(want));
    }
    if (output && t->kind == TEMP_CONST) {
        return fail(v, "operand %u: writes a constant", pos);
    }
    if (v->op->opc == BB_TCG_OP_DISCARD && t->kind != TEMP_NORMAL) {
        return fail(v, "discards a global or constant");
    }
    return true;
}

static bool check_values(Verifier *v)
{
    const TcgOpDef *def = &tcg_op_defs[v->op->opc];

    for (unsigned i = 0; i < def->nb_oargs + def->nb_iargs; i++) {
        if (!check_value(v, i, tcg_op_arg_type(v->op->opc, i),
                         i < def->nb_oargs)) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------ calls */

static bool check_call_ret(Verifier *v, const BbTcgHelper *h)
{
    uint32_t ret = tcg_call_ret(v->op);

    if (h->ret != BB_TCG_TYPE_VOID && h->ret != BB_TCG_TYPE_I32 &&
        h->ret != BB_TCG_TYPE_I64) {
        return fail(v, "helper %s: bad return type %d", h->name, h->ret);
    }
    if (ret == UINT32_MAX) {
        return true;
    }
    if (h->ret == BB_TCG_TYPE_VOID) {
        return fail(v, "helper %s returns nothing but a result temp is given",
                    h->name);
    }
    return check_value(v, 1, h->ret, true);
}

static bool check_call_arg(Verifier *v, const BbTcgHelper *h, unsigned i)
{
    uint64_t a = v->op->args[2 + i];

    if (h->args[i] == BB_TCG_TYPE_PTR || a == BB_TCG_ARG_ENV) {
        if (h->args[i] != BB_TCG_TYPE_PTR || a != BB_TCG_ARG_ENV) {
            return fail(v, "helper %s: argument %u: env is passed exactly "
                        "where the helper takes a pointer", h->name, i);
        }
        return true;
    }
    if (h->args[i] != BB_TCG_TYPE_I32 && h->args[i] != BB_TCG_TYPE_I64) {
        return fail(v, "helper %s: argument %u has bad type %d", h->name, i,
                    h->args[i]);
    }
    return check_value(v, 2 + i, h->args[i], false);
}

static bool check_call(Verifier *v)
{
    const BbTcgHelper *h;

    if (v->op->nargs < 2 || !tcg_call_helper(v->op)) {
        return fail(v, "no helper");
    }
    h = tcg_call_helper(v->op);
    if (!h->fn) {
        return fail(v, "helper %s has no function", h->name);
    }
    if (h->nargs > BB_TCG_MAX_HELPER_ARGS) {
        return fail(v, "helper %s takes %u arguments, at most %d allowed",
                    h->name, h->nargs, BB_TCG_MAX_HELPER_ARGS);
    }
    if (v->op->nargs != 2 + h->nargs) {
        return fail(v, "helper %s takes %u arguments, the op has %u",
                    h->name, h->nargs, v->op->nargs - 2);
    }
    for (unsigned i = 0; i < h->nargs; i++) {
        if (!check_call_arg(v, h, i)) {
            return false;
        }
    }
    return check_call_ret(v, h);
}

/* ------------------------------------------------------------ parameters */

static bool check_cond(Verifier *v, uint64_t c)
{
    if (c > BB_TCG_COND_GTU) {
        return fail(v, "bad condition %" G_GUINT64_FORMAT, c);
    }
    return true;
}

static bool check_label(Verifier *v, uint64_t l)
{
    if (l >= v->s->nb_labels) {
        return fail(v, "label %" G_GUINT64_FORMAT " was never created "
                    "(%u labels)", l, v->s->nb_labels);
    }
    return true;
}

static bool check_field(Verifier *v, uint64_t ofs, uint64_t len, unsigned w)
{
    if (len < 1 || ofs >= w || len > w - ofs) {
        return fail(v, "bit field ofs %" G_GUINT64_FORMAT " len %"
                    G_GUINT64_FORMAT " outside %u bits", ofs, len, w);
    }
    return true;
}

/* Size in bytes of an env access, 0 for other ops. */
static unsigned env_access_size(BbTcgOpcode opc)
{
    switch (opc) {
    case BB_TCG_OP_LD8U_I64: case BB_TCG_OP_LD8S_I64: case BB_TCG_OP_ST8_I64:
        return 1;
    case BB_TCG_OP_LD16U_I64: case BB_TCG_OP_LD16S_I64:
    case BB_TCG_OP_ST16_I64:
        return 2;
    case BB_TCG_OP_LD32U_I64: case BB_TCG_OP_LD32S_I64:
    case BB_TCG_OP_ST32_I64: case BB_TCG_OP_LD_I32: case BB_TCG_OP_ST_I32:
        return 4;
    case BB_TCG_OP_LD_I64: case BB_TCG_OP_ST_I64:
        return 8;
    default:
        return 0;
    }
}

static bool check_env(Verifier *v, uint64_t ofs, unsigned size)
{
    if (ofs > TCG_MAX_ENV_OFFSET - size) {
        return fail(v, "env offset %" G_GUINT64_FORMAT " out of range", ofs);
    }
    for (unsigned i = 0; i < v->s->nb_globals; i++) {
        const TcgTemp *g = tcg_temp(v->s, i);
        uint64_t gsize = g->type == BB_TCG_TYPE_I64 ? 8 : 4;

        if (ofs < g->env_offset + gsize && g->env_offset < ofs + size) {
            return fail(v, "env access at %" G_GUINT64_FORMAT " overlaps "
                        "global %s", ofs, g->name);
        }
    }
    return true;
}

static bool check_memop(Verifier *v, bool is64, bool store)
{
    uint64_t mop = v->op->args[2], mmu_idx = v->op->args[3];

    if (mop & ~(uint64_t)(BB_MO_SIZE | BB_MO_SIGN | BB_MO_ALIGN)) {
        return fail(v, "unknown memop bits 0x%" G_GINT64_MODIFIER "x", mop);
    }
    if (!is64 && (mop & BB_MO_SIZE) == BB_MO_64) {
        return fail(v, "64-bit access with an i32 value");
    }
    if (store && (mop & BB_MO_SIGN)) {
        return fail(v, "sign extension on a store");
    }
    if (mmu_idx >= TCG_NB_MMU_IDX) {
        return fail(v, "mmu_idx %" G_GUINT64_FORMAT " >= %d", mmu_idx,
                    TCG_NB_MMU_IDX);
    }
    return true;
}

static bool check_slot(Verifier *v, uint64_t slot, uint64_t max)
{
    if (slot > max) {
        return fail(v, "slot %" G_GUINT64_FORMAT " > %" G_GUINT64_FORMAT,
                    slot, max);
    }
    return true;
}

static bool check_params(Verifier *v)
{
    const uint64_t *a = v->op->args;
    unsigned env_size = env_access_size(v->op->opc);

    if (env_size) {
        return check_env(v, a[1], env_size);
    }
    switch (v->op->opc) {
    case BB_TCG_OP_SETCOND_I32: case BB_TCG_OP_SETCOND_I64:
        return check_cond(v, a[3]);
    case BB_TCG_OP_MOVCOND_I32: case BB_TCG_OP_MOVCOND_I64:
        return check_cond(v, a[5]);
    case BB_TCG_OP_BRCOND_I32: case BB_TCG_OP_BRCOND_I64:
        return check_cond(v, a[2]) && check_label(v, a[3]);
    case BB_TCG_OP_SET_LABEL: case BB_TCG_OP_BR:
        return check_label(v, a[0]);
    case BB_TCG_OP_DEPOSIT_I32: return check_field(v, a[3], a[4], 32);
    case BB_TCG_OP_DEPOSIT_I64: return check_field(v, a[3], a[4], 64);
    case BB_TCG_OP_EXTRACT_I32: case BB_TCG_OP_SEXTRACT_I32:
        return check_field(v, a[2], a[3], 32);
    case BB_TCG_OP_EXTRACT_I64: case BB_TCG_OP_SEXTRACT_I64:
        return check_field(v, a[2], a[3], 64);
    case BB_TCG_OP_QEMU_LD_I32: return check_memop(v, false, false);
    case BB_TCG_OP_QEMU_ST_I32: return check_memop(v, false, true);
    case BB_TCG_OP_QEMU_LD_I64: return check_memop(v, true, false);
    case BB_TCG_OP_QEMU_ST_I64: return check_memop(v, true, true);
    case BB_TCG_OP_GOTO_TB: return check_slot(v, a[0], 1);
    case BB_TCG_OP_EXIT_TB:
        /* The host's own exit code, only where the exec loop asked. */
        return (v->s->entry_exit && a[0] == TCG_EXIT_ENTRY) ||
               check_slot(v, a[0], 2);
    default: return true;
    }
}

/* ------------------------------------------------------------ one op */

static bool check_op(Verifier *v)
{
    BbTcgOpcode opc = v->op->opc;
    const TcgOpDef *def;
    unsigned want;

    if (opc <= BB_TCG_OP_INVALID || opc >= BB_TCG_OP__COUNT) {
        return fail(v, "invalid opcode %d", (int)opc);
    }
    if (opc == BB_TCG_OP_CALL) {
        return check_call(v);
    }
    def = &tcg_op_defs[opc];
    want = def->nb_oargs + def->nb_iargs + def->nb_cargs;
    if (v->op->nargs != want) {
        return fail(v, "%u operands, %u expected", v->op->nargs, want);
    }
    return check_values(v) && check_params(v);
}

/* ------------------------------------------------------------ labels */

static bool check_labels(Verifier *v)
{
    const BbTcgContext *s = v->s;
    unsigned *sets = tcg_scratch_new0(s, unsigned, s->nb_labels + 1);
    int *first_use = tcg_scratch_new0(s, int, s->nb_labels + 1);
    bool goto_tb_seen[2] = { false, false };

    for (unsigned l = 0; l < s->nb_labels; l++) {
        first_use[l] = -1;
    }
    for (unsigned i = 0; i < s->nb_ops; i++) {
        const TcgOp *op = &s->ops[i];
        int64_t l = tcg_op_label(op);

        v->index = i;
        v->op = op;
        if (op->opc == BB_TCG_OP_SET_LABEL && ++sets[l] > 1) {
            return fail(v, "label %" G_GINT64_FORMAT " set twice", l);
        }
        if (l >= 0 && op->opc != BB_TCG_OP_SET_LABEL && first_use[l] < 0) {
            first_use[l] = (int)i;
        }
        if (op->opc == BB_TCG_OP_GOTO_TB) {
            if (goto_tb_seen[op->args[0]]) {
                return fail(v, "goto_tb slot %" G_GUINT64_FORMAT
                            " used twice", op->args[0]);
            }
            goto_tb_seen[op->args[0]] = true;
        }
    }
    for (unsigned l = 0; l < s->nb_labels; l++) {
        if (first_use[l] >= 0 && sets[l] == 0) {
            v->index = (unsigned)first_use[l];
            v->op = &s->ops[v->index];
            return fail(v, "label %u is used but never set", l);
        }
    }
    return true;
}

static bool check_end(Verifier *v)
{
    const BbTcgContext *s = v->s;

    v->op = NULL;
    if (s->nb_ops == 0) {
        return fail(v, "empty TB (it must end with an exit)");
    }
    v->index = s->nb_ops - 1;
    v->op = &s->ops[v->index];
    if (tcg_op_falls_through(v->op)) {
        return fail(v, "the TB runs off its end (end it with exit_tb, "
                    "lookup_and_goto or br)");
    }
    return true;
}

/* ------------------------------------------------------------ defs */

/* Apply the writes of block @b to @defined; with @check, first report
 * any read of a TB-local temp not in @defined. */
static bool block_defs(Verifier *v, const TcgBlock *b, TcgBits *defined,
                       bool check)
{
    unsigned pos[TCG_MAX_OP_ARGS];

    for (unsigned i = b->first; i < b->end; i++) {
        const TcgOp *op = &v->s->ops[i];
        unsigned n = tcg_op_inputs(op, pos);

        for (unsigned k = 0; check && k < n; k++) {
            uint32_t id = (uint32_t)op->args[pos[k]];
            char buf[TCG_TEMP_NAME_MAX];

            if (tcg_temp(v->s, id)->kind == TEMP_NORMAL &&
                !tcg_bit(defined, id)) {
                v->index = i;
                v->op = op;
                return fail(v, "%s may be read before it is written",
                            tcg_temp_name(v->s, id, buf));
            }
        }
        n = tcg_op_outputs(op, pos);
        for (unsigned k = 0; k < n; k++) {
            if (op->opc == BB_TCG_OP_DISCARD) {
                tcg_bit_clear(defined, (uint32_t)op->args[pos[k]]);
            } else {
                tcg_bit_set(defined, (uint32_t)op->args[pos[k]]);
            }
        }
    }
    return true;
}

/* The predecessors of each block, as lists in one array. */
typedef struct Preds {
    unsigned *start; /* block b's predecessors: list[start[b]..start[b+1]) */
    unsigned *list;
} Preds;

static void preds_build(const BbTcgContext *s, const TcgCfg *cfg, Preds *p)
{
    unsigned nb = cfg->nb_blocks, *fill;

    p->start = tcg_scratch_new0(s, unsigned, nb + 2);
    for (unsigned b = 0; b < nb; b++) {
        for (unsigned k = 0; k < 2; k++) {
            if (cfg->blocks[b].succ[k] >= 0) {
                p->start[cfg->blocks[b].succ[k] + 1]++;
            }
        }
    }
    for (unsigned b = 0; b < nb; b++) {
        p->start[b + 1] += p->start[b];
    }
    p->list = tcg_scratch_new0(s, unsigned, p->start[nb] + 1);
    fill = tcg_scratch_new0(s, unsigned, nb + 1);
    for (unsigned b = 0; b < nb; b++) {
        for (unsigned k = 0; k < 2; k++) {
            int succ = cfg->blocks[b].succ[k];

            if (succ >= 0) {
                p->list[p->start[succ] + fill[succ]++] = b;
            }
        }
    }
}

/* in(b) = intersection of out(pred); the entry block starts empty. */
static void block_in(const Preds *preds, TcgBits *out, unsigned b,
                     TcgBits *in)
{
    tcg_bits_fill(in, b != 0);
    for (unsigned k = preds->start[b]; k < preds->start[b + 1]; k++) {
        tcg_bits_and(in, &out[preds->list[k]]);
    }
}

static bool check_defs(Verifier *v)
{
    TcgCfg cfg;
    unsigned nt = v->s->nb_temps, nb;
    TcgBits *out, cur;
    Preds preds;
    bool changed = true, ok = true;

    tcg_cfg_build(v->s, &cfg);
    nb = cfg.nb_blocks;
    out = tcg_scratch_new0(v->s, TcgBits, nb + 1);
    tcg_bits_init(v->s, &cur, nt);
    for (unsigned b = 0; b < nb; b++) {
        tcg_bits_init(v->s, &out[b], nt);
        tcg_bits_fill(&out[b], true);
    }
    preds_build(v->s, &cfg, &preds);
    while (changed) {
        changed = false;
        for (unsigned b = 0; b < nb; b++) {
            block_in(&preds, out, b, &cur);
            block_defs(v, &cfg.blocks[b], &cur, false);
            changed |= tcg_bits_and(&out[b], &cur);
        }
    }
    for (unsigned b = 0; b < nb && ok; b++) {
        block_in(&preds, out, b, &cur);
        ok = block_defs(v, &cfg.blocks[b], &cur, true);
    }
    return ok;
}

/* ------------------------------------------------------------ entry */

/*
 * Whether the pipeline verifies every TB (docs/jit.md, "Verifier"):
 * BB_TCG_VERIFY=1 or 0 in the environment decides; without it, builds
 * with assertions (no NDEBUG: CMake's Debug) verify and optimized builds
 * do not.  Verifying (twice per TB) took a quarter of the translation
 * time (bench/guest/README.md), and the IR it judges comes from CPU
 * plugins and passes that the test suite checks with it on (it sets
 * BB_TCG_VERIFY=1 for every test).  Read once: the answer must not
 * change between the checks of one TB.
 */
static int verify_enabled = -1; /* -1: not read yet */

bool tcg_verify_enabled(void)
{
    int v = g_atomic_int_get(&verify_enabled);

    if (v < 0) {
        const char *env = g_getenv("BB_TCG_VERIFY");

#ifdef NDEBUG
        v = 0;
#else
        v = 1;
#endif
        if (env && *env) {
            v = strcmp(env, "0") != 0;
        }
        g_atomic_int_set(&verify_enabled, v);
    }
    return v;
}

void tcg_verify_set_enabled(bool on)
{
    g_atomic_int_set(&verify_enabled, on);
}

bool tcg_verify(const BbTcgContext *s, GError **error)
{
    Verifier v = { .s = s, .error = error };
    TcgArenaMark mark = tcg_arena_mark(s->arena);
    bool ok = true;

    for (unsigned i = 0; i < s->nb_ops && ok; i++) {
        v.index = i;
        v.op = &s->ops[i];
        ok = check_op(&v);
    }
    ok = ok && check_labels(&v) && check_end(&v) && check_defs(&v);
    tcg_arena_release(s->arena, mark);
    return ok;
}
