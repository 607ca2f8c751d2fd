/*
 * tcg.c - the IR builder: the SDK entry points a CPU plugin uses to build a
 * translation block (globals, temps, constants, labels, ops, helper calls)
 * and the host-internal context life cycle.  Storage follows
 * tcg-internal.h: one temp array per TB whose first entries are a copy of
 * the CPU type's globals, constants deduplicated per TB, ops appended in
 * emission order with their operands copied.  The builder checks nothing
 * beyond what keeps its own memory safe; tcg_verify() (verify.c) judges
 * the program.
 */
#include <string.h>

#include "tcg/tcg-internal.h"

G_DEFINE_QUARK(bb-tcg-error-quark, tcg_error)

/* ------------------------------------------------------------ globals */

BbTcgGlobals *bb_tcg_globals_new(void)
{
    BbTcgGlobals *g = g_new0(BbTcgGlobals, 1);

    g->temps = g_array_new(FALSE, TRUE, sizeof(TcgTemp));
    return g;
}

void bb_tcg_globals_free(BbTcgGlobals *g)
{
    if (!g) {
        return;
    }
    g_array_unref(g->temps);
    g_free(g);
}

static uint32_t globals_add(BbTcgGlobals *g, BbTcgType type, size_t offset,
                            const char *name)
{
    TcgTemp t = {
        .kind = TEMP_GLOBAL,
        .type = type,
        .env_offset = offset,
        .name = g_intern_string(name ? name : "?"),
    };

    g_array_append_val(g->temps, t);
    return g->temps->len - 1;
}

BbTcgI64 bb_tcg_global_i64(BbTcgGlobals *g, size_t offset, const char *name)
{
    return (BbTcgI64){ globals_add(g, BB_TCG_TYPE_I64, offset, name) };
}

BbTcgI32 bb_tcg_global_i32(BbTcgGlobals *g, size_t offset, const char *name)
{
    return (BbTcgI32){ globals_add(g, BB_TCG_TYPE_I32, offset, name) };
}

/* ------------------------------------------------------------ contexts */

/* Make room for @need elements in *@data (of @size bytes each, *@cap of
 * them allocated), doubling: amortized O(1) appends. */
static void array_reserve(void **data, unsigned *cap, unsigned need,
                          size_t size)
{
    unsigned n;

    if (need <= *cap) {
        return;
    }
    n = *cap ? *cap : 64;
    while (n < need) {
        if (n > G_MAXUINT / 2) {
            g_error("tcg: IR array too large");
        }
        n *= 2;
    }
    *data = g_realloc_n(*data, n, size);
    *cap = n;
}

/* Copy the globals into the temp array (they may have grown since the
 * context was created, as long as no TB is being built meanwhile).  A
 * declared global never changes and nothing writes the context's copies,
 * so only new ones are copied (the 64 of a RISC-V hart were 0.6% of
 * translating code that runs once). */
static void context_load_globals(BbTcgContext *s, bool fresh)
{
    unsigned n = s->globals ? s->globals->temps->len : 0;

    array_reserve((void **)&s->temps, &s->temps_cap, n, sizeof(TcgTemp));
    if (fresh || n != s->nb_globals) {
        if (n) {
            memcpy(s->temps, s->globals->temps->data, n * sizeof(TcgTemp));
        }
    }
    s->nb_temps = n;
    s->nb_globals = n;
}

BbTcgContext *tcg_context_new(const BbTcgGlobals *globals)
{
    BbTcgContext *s = g_new0(BbTcgContext, 1);

    s->globals = globals;
    s->arena = g_new0(TcgArena, 1);
    s->const_stamp = 1; /* slots start at stamp 0: empty */
    context_load_globals(s, true);
    return s;
}

void tcg_context_reset(BbTcgContext *s)
{
    context_load_globals(s, false);
    s->nb_ops = 0;
    s->nb_labels = 0;
    s->pc_first = 0;
    s->keyed_lookup = false;
    s->tb_flags = 0;
    s->entry_exit = false;
    s->budget_ops = 0;
    s->loop_ok = false;
    s->live = NULL;
    tcg_arena_reset(s->arena);
    /* A new stamp empties the constant tables; on wrap-around (after 4
     * billion TBs) clear them for real so old stamps cannot match. */
    if (++s->const_stamp == 0) {
        for (unsigned i = 0; i < 2; i++) {
            if (s->consts[i].slots) {
                memset(s->consts[i].slots, 0, (s->consts[i].mask + 1) *
                                                  sizeof(TcgConstSlot));
            }
        }
        s->const_stamp = 1;
    }
    s->consts[0].count = s->consts[1].count = 0;
}

void tcg_context_free(BbTcgContext *s)
{
    if (!s) {
        return;
    }
    g_free(s->temps);
    g_free(s->ops);
    for (unsigned i = 0; i < 2; i++) {
        g_free(s->consts[i].slots);
    }
    tcg_arena_destroy(s->arena);
    g_free(s->arena);
    g_free(s);
}

/* ------------------------------------------------------------ temps */

static uint32_t temp_append(BbTcgContext *s, const TcgTemp *t)
{
    if (s->nb_temps == s->temps_cap) {
        array_reserve((void **)&s->temps, &s->temps_cap, s->nb_temps + 1,
                      sizeof(TcgTemp));
    }
    s->temps[s->nb_temps] = *t;
    return s->nb_temps++;
}

uint32_t tcg_temp_new(BbTcgContext *s, BbTcgType type)
{
    TcgTemp t = { .kind = TEMP_NORMAL, .type = type };

    return temp_append(s, &t);
}

static unsigned const_hash(int64_t v, unsigned mask)
{
    uint64_t h = (uint64_t)v * 0x9e3779b97f4a7c15ull; /* Fibonacci */

    return (unsigned)(h >> 32) & mask;
}

/* The slot of @val in @t: its own, or the empty one where it belongs. */
static TcgConstSlot *const_slot(TcgConstTable *t, uint32_t stamp,
                                int64_t val)
{
    for (unsigned i = const_hash(val, t->mask);; i = (i + 1) & t->mask) {
        TcgConstSlot *slot = &t->slots[i];

        if (slot->stamp != stamp || slot->val == val) {
            return slot;
        }
    }
}

/* Keep the table at most half full (so probes stay short and end). */
static void const_table_grow(TcgConstTable *t, uint32_t stamp)
{
    TcgConstTable old = *t;

    if (t->slots && (t->count + 1) * 2 <= t->mask + 1) {
        return;
    }
    t->mask = t->slots ? t->mask * 2 + 1 : 63;
    t->slots = g_new0(TcgConstSlot, t->mask + 1);
    for (unsigned i = 0; old.slots && i <= old.mask; i++) {
        if (old.slots[i].stamp == stamp) {
            *const_slot(t, stamp, old.slots[i].val) = old.slots[i];
        }
    }
    g_free(old.slots);
}

uint32_t tcg_const_new(BbTcgContext *s, BbTcgType type, int64_t value)
{
    TcgConstTable *tab = &s->consts[type == BB_TCG_TYPE_I64];
    TcgTemp t = { .kind = TEMP_CONST, .type = type };
    TcgConstSlot *slot;

    t.val = type == BB_TCG_TYPE_I32 ? (int64_t)(int32_t)value : value;
    const_table_grow(tab, s->const_stamp);
    slot = const_slot(tab, s->const_stamp, t.val);
    if (slot->stamp == s->const_stamp) {
        return slot->id;
    }
    slot->stamp = s->const_stamp;
    slot->val = t.val;
    slot->id = temp_append(s, &t);
    tab->count++;
    return slot->id;
}

BbTcgI32 bb_tcg_temp_i32(BbTcgContext *s)
{
    return (BbTcgI32){ tcg_temp_new(s, BB_TCG_TYPE_I32) };
}

BbTcgI64 bb_tcg_temp_i64(BbTcgContext *s)
{
    return (BbTcgI64){ tcg_temp_new(s, BB_TCG_TYPE_I64) };
}

BbTcgI32 bb_tcg_const_i32(BbTcgContext *s, int32_t value)
{
    return (BbTcgI32){ tcg_const_new(s, BB_TCG_TYPE_I32, value) };
}

BbTcgI64 bb_tcg_const_i64(BbTcgContext *s, int64_t value)
{
    return (BbTcgI64){ tcg_const_new(s, BB_TCG_TYPE_I64, value) };
}

BbTcgLabel bb_tcg_label(BbTcgContext *s)
{
    return (BbTcgLabel){ s->nb_labels++ };
}

/* ------------------------------------------------------------ ops */

/* Append an op.  Operands beyond TCG_MAX_OP_ARGS are dropped but nargs is
 * kept as given, so that tcg_verify() reports the wrong count. */
static const TcgOp op_zero;

TcgOp *tcg_op_push(BbTcgContext *s)
{
    TcgOp *op;

    if (s->nb_ops == s->ops_cap) {
        array_reserve((void **)&s->ops, &s->ops_cap, s->nb_ops + 1,
                      sizeof(TcgOp));
    }
    op = &s->ops[s->nb_ops++];
    s->live = NULL;
    /* A struct copy: gcc turns memset() of this size into "rep stosq",
     * whose start-up cost made this 3% of translation. */
    *op = op_zero;
    return op;
}

static void op_append(BbTcgContext *s, BbTcgOpcode opc, unsigned nargs,
                      const uint64_t *args)
{
    TcgOp *op = tcg_op_push(s);
    unsigned n = MIN(nargs, TCG_MAX_OP_ARGS);

    op->opc = opc;
    op->nargs = nargs;
    /* Word by word: gcc made the memcpy() of these few words a "rep
     * movsq", whose start-up cost was 1.5% of translation. */
    switch (n) {
    case 6: op->args[5] = args[5]; /* fall through */
    case 5: op->args[4] = args[4]; /* fall through */
    case 4: op->args[3] = args[3]; /* fall through */
    case 3: op->args[2] = args[2]; /* fall through */
    case 2: op->args[1] = args[1]; /* fall through */
    case 1: op->args[0] = args[0]; /* fall through */
    case 0: break;
    default:
        memcpy(op->args, args, n * sizeof(args[0]));
        break;
    }
}

#ifndef NDEBUG
static void emit_check(BbTcgOpcode opc, unsigned nargs)
{
    const TcgOpDef *def;

    if (opc <= BB_TCG_OP_INVALID || opc >= BB_TCG_OP__COUNT) {
        g_critical("bb_tcg_emit: invalid opcode %d", (int)opc);
        return;
    }
    def = &tcg_op_defs[opc];
    if (def->flags & TCG_OPF_CALL) {
        g_critical("bb_tcg_emit: use bb_tcg_call() for calls");
    } else if (nargs != (unsigned)(def->nb_oargs + def->nb_iargs +
                                   def->nb_cargs)) {
        g_critical("bb_tcg_emit: %s takes %u operands, got %u", def->name,
                   def->nb_oargs + def->nb_iargs + def->nb_cargs, nargs);
    }
}
#endif

void bb_tcg_emit(BbTcgContext *s, BbTcgOpcode op, unsigned nargs,
                 const uint64_t *args)
{
#ifndef NDEBUG
    emit_check(op, nargs);
#endif
    op_append(s, op, nargs, args);
}

void bb_tcg_call(BbTcgContext *s, const BbTcgHelper *helper, uint32_t ret,
                 const uint32_t *args)
{
    uint64_t a[TCG_MAX_OP_ARGS] = { (uintptr_t)helper, ret };
    unsigned n = helper ? helper->nargs : 0;

    for (unsigned i = 0; i < n && i + 2 < TCG_MAX_OP_ARGS; i++) {
        a[i + 2] = args[i];
    }
    op_append(s, BB_TCG_OP_CALL, 2 + n, a);
}
