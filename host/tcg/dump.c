/*
 * dump.c - tcg_dump(): a readable listing of a TB's IR, one op per line,
 * for -d op style traces and for test failures.  Globals appear by name,
 * constants as "$value", TB-local temps as "tmpN" (N = temp id), labels as
 * "L<n>", conditions and memops by name, calls by helper name, and each
 * insn_start as a "---- pc" separator.  It never trusts the program: bad
 * opcodes, operand counts and temp ids are printed, not followed, so a
 * dump can show what tcg_verify() rejected.
 */
#include <inttypes.h>

#include "tcg/tcg-pass.h"

static const char *const cond_names[] = {
    [BB_TCG_COND_NEVER] = "never", [BB_TCG_COND_ALWAYS] = "always",
    [BB_TCG_COND_EQ] = "eq",       [BB_TCG_COND_NE] = "ne",
    [BB_TCG_COND_LT] = "lt",       [BB_TCG_COND_GE] = "ge",
    [BB_TCG_COND_LE] = "le",       [BB_TCG_COND_GT] = "gt",
    [BB_TCG_COND_LTU] = "ltu",     [BB_TCG_COND_GEU] = "geu",
    [BB_TCG_COND_LEU] = "leu",     [BB_TCG_COND_GTU] = "gtu",
};

const char *tcg_temp_name(const BbTcgContext *s, uint32_t id,
                          char buf[TCG_TEMP_NAME_MAX])
{
    const TcgTemp *t;

    if (id == BB_TCG_ARG_ENV) {
        return "env";
    }
    if (id >= s->nb_temps) {
        g_snprintf(buf, TCG_TEMP_NAME_MAX, "?%" PRIu32, id);
        return buf;
    }
    t = tcg_temp(s, id);
    switch (t->kind) {
    case TEMP_GLOBAL:
        return t->name;
    case TEMP_CONST:
        if (t->val < 0 && t->val > -4096) {
            g_snprintf(buf, TCG_TEMP_NAME_MAX, "$%" PRId64, t->val);
        } else {
            g_snprintf(buf, TCG_TEMP_NAME_MAX, "$0x%" PRIx64,
                       t->type == BB_TCG_TYPE_I32 ? (uint32_t)t->val
                                                  : (uint64_t)t->val);
        }
        return buf;
    default:
        g_snprintf(buf, TCG_TEMP_NAME_MAX, "tmp%" PRIu32, id);
        return buf;
    }
}

static void dump_temp(const BbTcgContext *s, GString *out, uint64_t id)
{
    char buf[TCG_TEMP_NAME_MAX];

    g_string_append(out, id > UINT32_MAX ? "?"
                         : tcg_temp_name(s, (uint32_t)id, buf));
}

static void dump_cond(GString *out, uint64_t c)
{
    if (c < G_N_ELEMENTS(cond_names)) {
        g_string_append(out, cond_names[c]);
    } else {
        g_string_append_printf(out, "cond?%" PRIu64, c);
    }
}

static void dump_memop(GString *out, uint64_t mop)
{
    static const char *const sizes[] = { "8", "16", "32", "64" };

    g_string_append_printf(out, "%c%s%s",
                           mop & BB_MO_SIGN ? 's' : 'u',
                           sizes[mop & BB_MO_SIZE],
                           mop & BB_MO_ALIGN ? "+al" : "");
    if (mop & ~(uint64_t)(BB_MO_SIZE | BB_MO_SIGN | BB_MO_ALIGN)) {
        g_string_append_printf(out, "(0x%" PRIx64 ")", mop);
    }
}

/* The constant parameters of @op, starting at args[@first]. */
static void dump_params(GString *out, const TcgOp *op, unsigned first)
{
    const uint64_t *a = op->args + first;

    switch (op->opc) {
    case BB_TCG_OP_SETCOND_I32: case BB_TCG_OP_SETCOND_I64:
    case BB_TCG_OP_MOVCOND_I32: case BB_TCG_OP_MOVCOND_I64:
        dump_cond(out, a[0]);
        return;
    case BB_TCG_OP_BRCOND_I32: case BB_TCG_OP_BRCOND_I64:
        dump_cond(out, a[0]);
        g_string_append_printf(out, ", L%" PRIu64, a[1]);
        return;
    case BB_TCG_OP_BR:
        g_string_append_printf(out, "L%" PRIu64, a[0]);
        return;
    case BB_TCG_OP_QEMU_LD_I32: case BB_TCG_OP_QEMU_ST_I32:
    case BB_TCG_OP_QEMU_LD_I64: case BB_TCG_OP_QEMU_ST_I64:
        dump_memop(out, a[0]);
        g_string_append_printf(out, ", mmu%" PRIu64, a[1]);
        return;
    default:
        break;
    }
    for (unsigned i = first; i < op->nargs && i < TCG_MAX_OP_ARGS; i++) {
        const char *fmt = tcg_op_defs[op->opc].nb_iargs +
                          tcg_op_defs[op->opc].nb_oargs == 1 &&
                          op->opc != BB_TCG_OP_DISCARD
                              ? "%s0x%" PRIx64 : "%s%" PRIu64;
        g_string_append_printf(out, fmt, i > first ? ", " : "", op->args[i]);
    }
}

static void dump_call(const BbTcgContext *s, GString *out, const TcgOp *op)
{
    const BbTcgHelper *h = op->nargs >= 2 ? tcg_call_helper(op) : NULL;

    g_string_append_printf(out, "call %s", h && h->name ? h->name : "?");
    if (op->nargs >= 2 && tcg_call_ret(op) != UINT32_MAX) {
        g_string_append(out, ", ret=");
        dump_temp(s, out, tcg_call_ret(op));
    }
    g_string_append(out, ", args=(");
    for (unsigned i = 2; i < op->nargs && i < TCG_MAX_OP_ARGS; i++) {
        g_string_append(out, i > 2 ? ", " : "");
        dump_temp(s, out, op->args[i]);
    }
    g_string_append_printf(out, ")%s",
                           h && (h->flags & BB_TCG_CALL_NO_SIDE_EFFECTS)
                               ? " pure" : "");
}

static void dump_op(const BbTcgContext *s, GString *out, const TcgOp *op)
{
    const TcgOpDef *def;
    unsigned nvals;

    if (op->opc <= BB_TCG_OP_INVALID || op->opc >= BB_TCG_OP__COUNT) {
        g_string_append_printf(out, " invalid opcode %d\n", (int)op->opc);
        return;
    }
    if (op->opc == BB_TCG_OP_INSN_START) {
        g_string_append_printf(out, " ---- 0x%" PRIx64 " 0x%" PRIx64 "\n",
                               op->args[0], op->args[1]);
        return;
    }
    if (op->opc == BB_TCG_OP_SET_LABEL) {
        g_string_append_printf(out, "L%" PRIu64 ":\n", op->args[0]);
        return;
    }
    g_string_append_c(out, ' ');
    if (op->opc == BB_TCG_OP_CALL) {
        dump_call(s, out, op);
        g_string_append_c(out, '\n');
        return;
    }
    def = &tcg_op_defs[op->opc];
    nvals = MIN((unsigned)(def->nb_oargs + def->nb_iargs), op->nargs);
    g_string_append_printf(out, "%s ", def->name);
    for (unsigned i = 0; i < nvals; i++) {
        g_string_append(out, i ? ", " : "");
        dump_temp(s, out, op->args[i]);
    }
    if (op->nargs > nvals) {
        g_string_append(out, nvals ? ", " : "");
        dump_params(out, op, nvals);
    }
    if (op->nargs != (unsigned)(def->nb_oargs + def->nb_iargs +
                                def->nb_cargs)) {
        g_string_append_printf(out, "  <%u operands>", op->nargs);
    }
    g_string_append_c(out, '\n');
}

void tcg_dump(const BbTcgContext *s, GString *out)
{
    g_string_append_printf(out, "TB 0x%" PRIx64 ": %u ops, %u temps "
                           "(%u globals), %u labels\n", s->pc_first,
                           s->nb_ops, s->nb_temps, s->nb_globals,
                           s->nb_labels);
    for (unsigned i = 0; i < s->nb_ops; i++) {
        dump_op(s, out, &s->ops[i]);
    }
}
