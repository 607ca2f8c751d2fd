/*
 * x86-loop.c - the loop form of a TB in the x86-64 backend (docs/jit.md,
 * "Self-loops").  A guest loop of one TB (picolibc's memset: store, two
 * adds and a branch back to the TB's own start) is chained to itself by
 * the TB cache; compiled as usual, each iteration would take its length
 * from the budget in env (load, subtract, store), write its guest
 * registers back before the chained jump and load them again after it,
 * so every loop-carried value went through memory.  In the loop form:
 *   - the budget and up to four of the TB's globals are pinned to
 *     callee-saved registers for the whole TB (a fifth register left
 *     over holds the TLB's address), loaded once at the body's
 *     start (where other TBs and the entry stub come in) and stored back
 *     only where the TB is left or may unwind: every exit, the goto_tb
 *     paths to other TBs, lookup_and_goto, the cold slow path of a guest
 *     memory access (which stores them before its call);
 *   - the body's start is followed by the loop head: the budget prologue
 *     on the pinned budget (subtract, compare with BbCpu.budget_limit,
 *     leave through the TB's "left at entry" exit, which stores the
 *     pinned values first); in deterministic mode it stores the low half
 *     of the budget it found to BbCpu.tb_budget on every iteration as the
 *     ordinary prologue does;
 *   - a goto_tb whose unchained path sets a global to the TB's own pc
 *     gets a second patchable jmp in front of the usual one: the "back
 *     edge", which tcg_x86_64_chain() points at the loop head when the TB
 *     cache chains that slot to the TB itself, that is, when the exec
 *     loop found this very TB for the pc and flags the exit left in env.
 *     That is what makes the loop provably the same as the chained jump
 *     to itself; the pc heuristic only keeps the extra jmp out of other
 *     TBs.  Until then (and after an unchain) the back edge falls through
 *     to the stores of the pinned values and the ordinary goto_tb;
 *   - the conditional branch to such a goto_tb (RISC-V's "bnez a2, top"
 *     ends the TB with "brcond ne -> L; goto_tb 0 ...; L: goto_tb 1") is
 *     patched along with the back edge, straight to the loop head, so an
 *     iteration takes one taken branch instead of two.
 * Only TBs the exec loop allows (cached, chaining on: BbTcgContext.loop_ok)
 * with the budget prologue it emits, no helper call and no env store
 * besides the prologue's get the loop form: a helper or an env store could
 * change what the TB's flags describe (privilege, FS...), or read guest
 * registers from env.
 */
#include <stddef.h>

#include <breadboard/cpu.h>

#include "tcg/x86_64/x86-gen.h"

/* Callee-saved registers for pinned values: the budget takes the first.
 * The other nine registers stay for temps and the memory ops' scratch. */
static const X86Reg pin_regs[] = {
    X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
};

#define LOOP_MAX_GLOBALS (G_N_ELEMENTS(pin_regs) - 1)

/* The exec loop's budget prologue (exec_translate()) at ops[0, n):
 *   ld_i64 b, budget; sub_i64 left, b, $len; st_i64 left, budget;
 *   [st32_i64 b, tb_budget;] ld_i64 lim, budget_limit;
 *   brcond_i64 left, lim, lt, leave
 * True when it is exactly that; *@len, *@tb_budget (deterministic mode)
 * and *@leave (the IR label) describe it. */
static bool match_prologue(X86Gen *g, unsigned n, int64_t *len,
                           bool *tb_budget, unsigned *leave)
{
    BbTcgContext *s = g->s;
    const TcgOp *o = s->ops;
    unsigned i = 3;

    if (n < 5 || n > 6 || n > tcg_nb_ops(s)) {
        return false;
    }
    if (o[0].opc != BB_TCG_OP_LD_I64 ||
        o[0].args[1] != offsetof(BbCpu, budget) ||
        o[1].opc != BB_TCG_OP_SUB_I64 || o[1].args[1] != o[0].args[0] ||
        !x86_ra_const(g, (uint32_t)o[1].args[2], len) ||
        *len < 0 || *len > INT32_MAX ||
        o[2].opc != BB_TCG_OP_ST_I64 || o[2].args[0] != o[1].args[0] ||
        o[2].args[1] != offsetof(BbCpu, budget)) {
        return false;
    }
    *tb_budget = n == 6;
    if (*tb_budget) {
        if (o[3].opc != BB_TCG_OP_ST32_I64 || o[3].args[0] != o[0].args[0] ||
            o[3].args[1] != offsetof(BbCpu, tb_budget)) {
            return false;
        }
        i = 4;
    }
    if (o[i].opc != BB_TCG_OP_LD_I64 ||
        o[i].args[1] != offsetof(BbCpu, budget_limit) ||
        o[i + 1].opc != BB_TCG_OP_BRCOND_I64 ||
        o[i + 1].args[0] != o[1].args[0] ||
        o[i + 1].args[1] != o[i].args[0] ||
        o[i + 1].args[2] != BB_TCG_COND_LT) {
        return false;
    }
    *leave = (unsigned)o[i + 1].args[3];
    return true;
}

/* Whether the unchained path of the goto_tb at op @i (up to its exit_tb)
 * sets a global to the TB's own pc. */
static bool slot_targets_self(X86Gen *g, unsigned i)
{
    BbTcgContext *s = g->s;

    for (unsigned j = i + 1; j < tcg_nb_ops(s); j++) {
        const TcgOp *op = tcg_op(s, j);
        int64_t v;

        if (op->opc == BB_TCG_OP_MOV_I64 &&
            tcg_temp(s, (uint32_t)op->args[0])->kind == TEMP_GLOBAL &&
            x86_ra_const(g, (uint32_t)op->args[1], &v) &&
            (uint64_t)v == s->pc_first) {
            return true;
        }
        if (tcg_op_defs[op->opc].flags & TCG_OPF_BB_END) {
            return false;
        }
    }
    return false;
}

static bool is_env_store(unsigned opc)
{
    switch (opc) {
    case BB_TCG_OP_ST8_I64: case BB_TCG_OP_ST16_I64:
    case BB_TCG_OP_ST32_I64: case BB_TCG_OP_ST_I64: case BB_TCG_OP_ST_I32:
        return true;
    default:
        return false;
    }
}

/* Count a use of @t if it is a global. */
static void count_global(X86Gen *g, unsigned *uses, uint64_t t)
{
    if (t < g->s->nb_globals) {
        uses[t]++;
    }
}

/* How many ops at the end of a TB are searched for its goto_tbs: they
 * come last (each followed by a pc store and its exit_tb), and a search
 * of the whole TB for every TB cost translation time (bench/guest's
 * transl) for the few TBs that loop. */
#define LOOP_TAIL_OPS 24

void x86_loop_plan(X86Gen *g)
{
    BbTcgContext *s = g->s;
    unsigned n = s->budget_ops, nops = tcg_nb_ops(s), leave;
    unsigned *uses;
    bool tb_budget, any = false, exit_path = false, mem = false;
    unsigned k;
    int64_t len;

    if (!s->loop_ok || n == 0 || nops <= n) {
        return;
    }
    /* Cheapest test first: a goto_tb back to this TB's pc near the end. */
    for (unsigned i = nops - 1; i >= n && i + LOOP_TAIL_OPS >= nops; i--) {
        const TcgOp *op = tcg_op(s, i);

        if (op->opc == BB_TCG_OP_GOTO_TB && op->args[0] < 2 &&
            slot_targets_self(g, i)) {
            g->loop_slot[op->args[0]] = true;
            any = true;
        }
    }
    if (!any || !match_prologue(g, n, &len, &tb_budget, &leave)) {
        g->loop_slot[0] = g->loop_slot[1] = false;
        return;
    }
    uses = tcg_scratch_new0(s, unsigned, s->nb_globals + 1);
    for (unsigned i = n; i < nops; i++) {
        const TcgOp *op = tcg_op(s, i);
        const TcgOpDef *def = &tcg_op_defs[op->opc];

        if (op->opc == BB_TCG_OP_CALL || is_env_store(op->opc)) {
            g->loop_slot[0] = g->loop_slot[1] = false;
            return;
        }
        mem |= (tcg_op_defs[op->opc].flags & TCG_OPF_MAY_RAISE) != 0;
        /* A goto_tb's unchained path (the pc store before its exit_tb)
         * does not run in the loop: its globals are not worth a pin. */
        if (op->opc == BB_TCG_OP_GOTO_TB) {
            exit_path = true;
        } else if (op->opc == BB_TCG_OP_SET_LABEL) {
            exit_path = false;
        }
        if (!exit_path) {
            for (unsigned a = 0; a < (unsigned)def->nb_oargs + def->nb_iargs &&
                                 a < op->nargs; a++) {
                count_global(g, uses, op->args[a]);
            }
        }
    }
    g->loop = true;
    g->budget_reg = pin_regs[0];
    g->pinned |= X86_BIT(pin_regs[0]);
    g->alloc_mask &= ~X86_BIT(pin_regs[0]);
    /* The most used globals, ties to the lower id. */
    for (k = 1; k <= LOOP_MAX_GLOBALS; k++) {
        unsigned best = UINT32_MAX;

        for (unsigned t = 0; t < s->nb_globals; t++) {
            if (uses[t] && (best == UINT32_MAX || uses[t] > uses[best])) {
                best = t;
            }
        }
        if (best == UINT32_MAX) {
            break;
        }
        uses[best] = 0;
        x86_ra_pin(g, best, pin_regs[k]);
    }
    /* A register left over holds the TLB's address for the guest memory
     * accesses (one load less each). */
    if (mem && k < G_N_ELEMENTS(pin_regs)) {
        g->tlb_reg = pin_regs[k];
        g->pinned |= X86_BIT(pin_regs[k]);
        g->alloc_mask &= ~X86_BIT(pin_regs[k]);
    }
    g->loop_label = x86_label_new(&g->as);
}

int x86_loop_label_slot(X86Gen *g, unsigned label)
{
    BbTcgContext *s = g->s;
    unsigned nops = tcg_nb_ops(s);

    if (!g->loop) {
        return -1;
    }
    for (unsigned j = g->cur_op + 1; j + 1 < nops; j++) {
        const TcgOp *op = tcg_op(s, j), *next;

        if (op->opc != BB_TCG_OP_SET_LABEL || op->args[0] != label) {
            continue;
        }
        next = tcg_op(s, j + 1);
        /* No fall-through into the label (the code before it left the
         * TB), so the label's address is the goto_tb's back edge. */
        if (tcg_op_falls_through(tcg_op(s, j - 1)) ||
            next->opc != BB_TCG_OP_GOTO_TB || next->args[0] > 1 ||
            !g->loop_slot[next->args[0]]) {
            return -1;
        }
        return (int)next->args[0];
    }
    return -1;
}

unsigned x86_loop_prologue(X86Gen *g)
{
    unsigned n = g->s->budget_ops, leave;
    bool tb_budget;
    int64_t len;

    g_assert(g->loop && match_prologue(g, n, &len, &tb_budget, &leave));
    x86_load(&g->as, 8, false, true, g->budget_reg, X86_ENV_REG,
             (int32_t)offsetof(BbCpu, budget));
    for (int r = 0; r < X86_NB_REGS; r++) {
        int32_t t = g->reg_temp[r];

        if (t >= 0 && (g->pinned & X86_BIT(r))) {
            x86_load(&g->as, x86_is_i64(g, (uint32_t)t) ? 8 : 4, false, false,
                     (X86Reg)r, X86_ENV_REG,
                     (int32_t)x86_temp(g, (uint32_t)t)->env_offset);
        }
    }
    if (g->tlb_reg != X86_NOREG) {
        x86_load(&g->as, 8, false, true, g->tlb_reg, X86_RSP, X86_TLB_OFFSET);
    }
    x86_align(&g->as, 16, 0);
    x86_label_bind(&g->as, g->loop_label);
    g->loop_head_ofs = (int32_t)g->as.len;
    if (tb_budget) {
        x86_store(&g->as, 4, g->budget_reg, X86_ENV_REG,
                  (int32_t)offsetof(BbCpu, tb_budget));
    }
    x86_alu_ri(&g->as, true, X86_SUB, g->budget_reg, (int32_t)len);
    x86_alu_rm(&g->as, true, X86_CMP, g->budget_reg, X86_ENV_REG,
               (int32_t)offsetof(BbCpu, budget_limit));
    x86_jcc_label(&g->as, X86_CC_L, leave, false);
    return n;
}
