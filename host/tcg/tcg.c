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

/* Copy the globals into a fresh temp array (they may have grown since the
 * context was created, as long as no TB is being built meanwhile). */
static void context_load_globals(BbTcgContext *s)
{
    g_array_set_size(s->temps, 0);
    if (s->globals) {
        g_array_append_vals(s->temps, s->globals->temps->data,
                            s->globals->temps->len);
    }
    s->nb_globals = s->temps->len;
}

BbTcgContext *tcg_context_new(const BbTcgGlobals *globals)
{
    BbTcgContext *s = g_new0(BbTcgContext, 1);

    s->globals = globals;
    s->temps = g_array_new(FALSE, TRUE, sizeof(TcgTemp));
    s->ops = g_array_new(FALSE, TRUE, sizeof(TcgOp));
    for (unsigned i = 0; i < 2; i++) {
        s->consts[i] = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                             g_free, NULL);
    }
    context_load_globals(s);
    return s;
}

void tcg_context_reset(BbTcgContext *s)
{
    context_load_globals(s);
    g_array_set_size(s->ops, 0);
    s->nb_labels = 0;
    s->pc_first = 0;
    for (unsigned i = 0; i < 2; i++) {
        g_hash_table_remove_all(s->consts[i]);
    }
}

void tcg_context_free(BbTcgContext *s)
{
    if (!s) {
        return;
    }
    g_array_unref(s->temps);
    g_array_unref(s->ops);
    for (unsigned i = 0; i < 2; i++) {
        g_hash_table_destroy(s->consts[i]);
    }
    g_free(s);
}

/* ------------------------------------------------------------ temps */

static uint32_t temp_append(BbTcgContext *s, const TcgTemp *t)
{
    g_array_append_val(s->temps, *t);
    return s->temps->len - 1;
}

uint32_t tcg_temp_new(BbTcgContext *s, BbTcgType type)
{
    TcgTemp t = { .kind = TEMP_NORMAL, .type = type };

    return temp_append(s, &t);
}

uint32_t tcg_const_new(BbTcgContext *s, BbTcgType type, int64_t value)
{
    GHashTable *h = s->consts[type == BB_TCG_TYPE_I64];
    TcgTemp t = { .kind = TEMP_CONST, .type = type };
    gpointer id;
    uint32_t new_id;
    int64_t *key;

    t.val = type == BB_TCG_TYPE_I32 ? (int64_t)(int32_t)value : value;
    if (g_hash_table_lookup_extended(h, &t.val, NULL, &id)) {
        return GPOINTER_TO_UINT(id);
    }
    new_id = temp_append(s, &t);
    key = g_new(int64_t, 1);
    *key = t.val;
    g_hash_table_insert(h, key, GUINT_TO_POINTER(new_id));
    return new_id;
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
static void op_append(BbTcgContext *s, BbTcgOpcode opc, unsigned nargs,
                      const uint64_t *args)
{
    TcgOp op = { .opc = opc, .nargs = nargs };

    memcpy(op.args, args, MIN(nargs, TCG_MAX_OP_ARGS) * sizeof(args[0]));
    g_array_append_val(s->ops, op);
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
