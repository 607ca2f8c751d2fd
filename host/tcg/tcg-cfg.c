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

/* One pass over the ops: the blocks array is sized for the worst case (a
 * block per op) rather than counted first; a second walk setting each
 * block's bounds was half of this function's time. */
void tcg_cfg_build(const BbTcgContext *s, TcgCfg *cfg)
{
    unsigned nops = s->nb_ops, n = 0;
    unsigned *label_op = tcg_scratch_new0(s, unsigned, s->nb_labels + 1);
    bool start = true;

    cfg->back_edges = false;
    cfg->block_of_op = tcg_scratch_new0(s, unsigned, nops + 1);
    cfg->blocks = tcg_scratch_new0(s, TcgBlock, nops + 1);
    for (unsigned i = 0; i < nops; i++) {
        const TcgOp *op = &s->ops[i];

        if (op->opc == BB_TCG_OP_SET_LABEL) {
            label_op[op->args[0]] = i;
            start |= i > 0;
        }
        if (start) {
            cfg->blocks[n++].first = i;
            start = false;
        }
        cfg->block_of_op[i] = n - 1;
        cfg->blocks[n - 1].end = i + 1;
        start = op_ends_block(op);
    }
    cfg->nb_blocks = n;
    cfg_link(s, cfg, label_op);
}
