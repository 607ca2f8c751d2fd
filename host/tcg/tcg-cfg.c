/*
 * tcg-cfg.c - the control-flow graph of a TB for the passes (tcg-pass.h):
 * a basic block starts at the first op, at every set_label and after
 * every op that ends a block (branches, goto_tb, exits); its successors are
 * the fall-through block and the branch target.  The program's labels must
 * be valid (tcg_verify() checks that before building the graph).  The
 * graph lives in the TB's scratch arena.
 */
#include "tcg/tcg-pass.h"

static bool op_ends_block(const TcgOp *op)
{
    return op->opc != BB_TCG_OP_SET_LABEL &&
           (tcg_op_defs[op->opc].flags & TCG_OPF_BB_END);
}

/* Mark block starts and count the blocks. */
static unsigned cfg_split(const BbTcgContext *s, unsigned *block_of_op)
{
    unsigned n = 0, nops = s->nb_ops;
    bool start = true;

    for (unsigned i = 0; i < nops; i++) {
        const TcgOp *op = &s->ops[i];

        if (op->opc == BB_TCG_OP_SET_LABEL && i > 0) {
            start = true;
        }
        if (start) {
            n++;
            start = false;
        }
        block_of_op[i] = n - 1;
        start = op_ends_block(op);
    }
    return n;
}

static void cfg_link(const BbTcgContext *s, TcgCfg *cfg,
                     const unsigned *label_op)
{
    for (unsigned b = 0; b < cfg->nb_blocks; b++) {
        TcgBlock *blk = &cfg->blocks[b];
        const TcgOp *last = &s->ops[blk->end - 1];

        blk->succ[0] = blk->succ[1] = -1;
        blk->exits = last->opc == BB_TCG_OP_GOTO_TB ||
                     last->opc == BB_TCG_OP_EXIT_TB ||
                     last->opc == BB_TCG_OP_LOOKUP_AND_GOTO;
        if (tcg_op_falls_through(last)) {
            if (b + 1 < cfg->nb_blocks) {
                blk->succ[0] = (int)b + 1;
            } else {
                blk->exits = true;
            }
        }
        if (tcg_op_branches(last)) {
            blk->succ[1] = (int)cfg->block_of_op[label_op[tcg_op_label(last)]];
            cfg->back_edges |= blk->succ[1] <= (int)b;
        }
    }
}

void tcg_cfg_build(const BbTcgContext *s, TcgCfg *cfg)
{
    unsigned nops = s->nb_ops;
    unsigned *label_op = tcg_scratch_new0(s, unsigned, s->nb_labels + 1);

    cfg->back_edges = false;
    cfg->block_of_op = tcg_scratch_new0(s, unsigned, nops + 1);
    cfg->nb_blocks = cfg_split(s, cfg->block_of_op);
    cfg->blocks = tcg_scratch_new0(s, TcgBlock, cfg->nb_blocks + 1);
    for (unsigned i = 0; i < nops; i++) {
        const TcgOp *op = &s->ops[i];
        TcgBlock *blk = &cfg->blocks[cfg->block_of_op[i]];

        if (i == 0 || cfg->block_of_op[i - 1] != cfg->block_of_op[i]) {
            blk->first = i;
        }
        blk->end = i + 1;
        if (op->opc == BB_TCG_OP_SET_LABEL) {
            label_op[op->args[0]] = i;
        }
    }
    cfg_link(s, cfg, label_op);
}
