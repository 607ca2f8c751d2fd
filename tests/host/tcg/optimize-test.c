/*
 * optimize-test.c - what tcg_optimize() must do to the IR, not just that
 * results survive it (programs-test and ops-test check that): an
 * all-constant program folds to one mov of a constant; constants and
 * copies propagate but never across writes of their source, labels that
 * are branched to, or calls that may write globals; branches on constants
 * become br or vanish together with the code they skip; dead code goes
 * (temps, overwritten globals, pure calls with unused results, env loads)
 * while memory ops, side-effecting calls and global writes that a call,
 * memory op or exit may observe stay.  Also the builder (constant
 * deduplication, context reset) and tcg_dump()'s listing.
 */
#include "tcg-programs.h"

static const TpGlobals *G;

static int setup(void **state)
{
    G = tp_globals();
    return 0;
}

static char *dump(BbTcgContext *s)
{
    GString *d = g_string_new(NULL);

    tcg_dump(s, d);
    return g_string_free(d, false);
}

/* Optimize @s, which must stay valid; return the op count. */
static unsigned optimize(BbTcgContext *s)
{
    tp_assert_valid(s);
    tcg_optimize(s);
    tp_assert_valid(s);
    return s->nb_ops;
}

static void assert_op(BbTcgContext *s, unsigned i, BbTcgOpcode opc)
{
    if (i >= s->nb_ops || tcg_op(s, i)->opc != opc) {
        g_autofree char *d = dump(s);
        fail_msg("op %u is not %s:\n%s", i, tcg_op_defs[opc].name, d);
    }
}

static int64_t const_val(BbTcgContext *s, uint64_t id)
{
    assert_int_equal(tcg_temp(s, (uint32_t)id)->kind, TEMP_CONST);
    return tcg_temp(s, (uint32_t)id)->val;
}

/* ------------------------------------------------------------ folding */

static void test_fold_all_constant(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 a = bb_tcg_temp_i64(s), b = bb_tcg_temp_i64(s);
    BbTcgI32 w = bb_tcg_temp_i32(s);

    bb_tcg_mov_i64(s, a, tp_c64(s, 6));
    bb_tcg_mul_i64(s, b, a, tp_c64(s, 7));
    bb_tcg_shl_i64(s, b, b, tp_c64(s, 66));          /* << 2 */
    bb_tcg_extrl_i64_i32(s, w, b);
    bb_tcg_rotr_i32(s, w, w, tp_c32(s, 1));
    bb_tcg_exts_i32_i64(s, a, w);
    bb_tcg_deposit_i64(s, a, a, tp_c64(s, 0xf), 60, 4);
    bb_tcg_div_i64(s, b, a, tp_c64(s, 0));          /* -1 */
    bb_tcg_sub_i64(s, a, a, b);
    bb_tcg_mov_i64(s, G->r[0], a);
    tp_exit(s);

    assert_int_equal(optimize(s), 2);
    assert_op(s, 0, BB_TCG_OP_MOV_I64);
    assert_int_equal(tcg_op(s, 0)->args[0], G->r[0].id);
    assert_int_equal(const_val(s, tcg_op(s, 0)->args[1]),
                     (int64_t)(0xf000000000000000ull | 84) + 1);
    assert_op(s, 1, BB_TCG_OP_EXIT_TB);
    tcg_context_free(s);
}

static void test_identities(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_add_i64(s, t, G->r[0], tp_c64(s, 0));     /* r0 */
    bb_tcg_and_i64(s, G->r[1], tp_c64(s, -1), t);    /* r0 */
    bb_tcg_mul_i64(s, G->r[2], t, tp_c64(s, 0));     /* 0 */
    bb_tcg_xor_i64(s, G->r[3], G->r[4], G->r[4]);   /* 0 */
    bb_tcg_or_i64(s, G->r[5], t, t);                 /* r0 */
    bb_tcg_movcond_i64(s, BB_TCG_COND_LT, G->r[6], G->r[7], G->r[7],
                       G->r[0], G->r[1]);            /* r1 (= r0) */
    tp_exit(s);

    /* the mov to t is dead once its uses read r0 */
    assert_int_equal(optimize(s), 6);
    for (unsigned i = 0; i < 5; i++) {
        assert_op(s, i, BB_TCG_OP_MOV_I64);
    }
    assert_int_equal(tcg_op(s, 0)->args[1], G->r[0].id);
    assert_int_equal(const_val(s, tcg_op(s, 1)->args[1]), 0);
    assert_int_equal(const_val(s, tcg_op(s, 2)->args[1]), 0);
    assert_int_equal(tcg_op(s, 3)->args[1], G->r[0].id);
    assert_int_equal(tcg_op(s, 4)->args[0], G->r[6].id);
    assert_int_equal(tcg_op(s, 4)->args[1], G->r[0].id);
    tcg_context_free(s);
}

/* ------------------------------------------------------------ copies */

static void test_copy_propagation(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s), u = bb_tcg_temp_i64(s);

    bb_tcg_mov_i64(s, t, G->r[0]);
    bb_tcg_mov_i64(s, u, t);
    bb_tcg_add_i64(s, G->r[1], u, t);   /* add r1, r0, r0 */
    bb_tcg_mov_i64(s, G->r[0], tp_c64(s, 3));
    bb_tcg_add_i64(s, G->r[2], u, G->r[0]);   /* u is no copy of r0 now */
    tp_exit(s);

    optimize(s);
    assert_op(s, 1, BB_TCG_OP_ADD_I64);
    assert_int_equal(tcg_op(s, 1)->args[1], G->r[0].id);
    assert_int_equal(tcg_op(s, 1)->args[2], G->r[0].id);
    assert_op(s, 3, BB_TCG_OP_ADD_I64);
    assert_int_not_equal(tcg_op(s, 3)->args[1], G->r[0].id);
    assert_int_equal(const_val(s, tcg_op(s, 3)->args[2]), 3);
    tcg_context_free(s);
}

static void test_knowledge_reset_at_labels(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);
    BbTcgLabel l = bb_tcg_label(s);

    bb_tcg_mov_i64(s, t, tp_c64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, G->r[0], G->r[1], l);
    bb_tcg_mov_i64(s, t, tp_c64(s, 2));
    bb_tcg_set_label(s, l);
    bb_tcg_mov_i64(s, G->r[2], t);   /* 1 or 2: must stay a read of t */
    tp_exit(s);

    optimize(s);
    assert_op(s, 4, BB_TCG_OP_MOV_I64);
    assert_int_equal(tcg_op(s, 4)->args[1], t.id);
    tcg_context_free(s);
}

static const BbTcgHelper helper_writes = {
    .fn = (void *)abort, .name = "writes", .flags = BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_VOID, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};
static const BbTcgHelper helper_reads = {
    .fn = (void *)abort, .name = "reads",
    .flags = BB_TCG_CALL_NO_WRITE_GLOBALS | BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_VOID, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};
static const BbTcgHelper helper_raises = {
    .fn = (void *)abort, .name = "raises",
    .flags = BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS,
    .ret = BB_TCG_TYPE_VOID, .nargs = 0,
};
static const BbTcgHelper helper_quiet = {
    .fn = (void *)abort, .name = "quiet",
    .flags = BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS |
             BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_VOID, .nargs = 0,
};
static const BbTcgHelper helper_pure = {
    .fn = (void *)abort, .name = "pure", .flags = BB_TCG_CALL_PURE,
    .ret = BB_TCG_TYPE_I64, .nargs = 1, .args = { BB_TCG_TYPE_I64 },
};

static void test_calls_and_knowledge(void **state)
{
    BbTcgContext *s = tp_context();
    uint32_t env = BB_TCG_ARG_ENV;

    bb_tcg_mov_i64(s, G->r[0], tp_c64(s, 5));
    bb_tcg_call(s, &helper_reads, UINT32_MAX, &env);
    bb_tcg_add_i64(s, G->r[1], G->r[0], tp_c64(s, 1));   /* folds: 6 */
    bb_tcg_call(s, &helper_writes, UINT32_MAX, &env);
    bb_tcg_add_i64(s, G->r[2], G->r[0], tp_c64(s, 1));   /* must not fold */
    tp_exit(s);

    optimize(s);
    assert_op(s, 2, BB_TCG_OP_MOV_I64);
    assert_int_equal(const_val(s, tcg_op(s, 2)->args[1]), 6);
    assert_op(s, 4, BB_TCG_OP_ADD_I64);
    assert_int_equal(tcg_op(s, 4)->args[1], G->r[0].id);
    tcg_context_free(s);
}

/* ------------------------------------------------------------ branches */

static void test_brcond_folding(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgLabel skip = bb_tcg_label(s), never = bb_tcg_label(s);
    BbTcgI32 w = bb_tcg_temp_i32(s);

    bb_tcg_mov_i32(s, w, tp_c32(s, -1));
    /* not taken: removed, and the label it alone targeted with it */
    bb_tcg_brcond_i32(s, BB_TCG_COND_LT, tp_c32(s, 0), w, never);
    bb_tcg_mov_i64(s, G->r[0], tp_c64(s, 1));
    bb_tcg_set_label(s, never);
    /* taken: the skipped code is unreachable */
    bb_tcg_brcond_i32(s, BB_TCG_COND_LTU, tp_c32(s, 0), w, skip);
    bb_tcg_mov_i64(s, G->r[1], tp_c64(s, 2));
    bb_tcg_qemu_st_i64(s, G->r[1], G->r[1], 0, BB_MO_UQ);
    bb_tcg_set_label(s, skip);
    bb_tcg_mov_i64(s, G->r[2], G->r[0]);
    tp_exit(s);

    assert_int_equal(optimize(s), 3);
    assert_op(s, 0, BB_TCG_OP_MOV_I64);
    assert_op(s, 1, BB_TCG_OP_MOV_I64);
    assert_int_equal(const_val(s, tcg_op(s, 1)->args[1]), 1);
    assert_op(s, 2, BB_TCG_OP_EXIT_TB);
    tcg_context_free(s);
}

/* A loop keeps its branches and its carried temps. */
static void test_loop_kept(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 i = bb_tcg_temp_i64(s);
    BbTcgLabel head = bb_tcg_label(s);

    bb_tcg_mov_i64(s, i, tp_c64(s, 0));
    bb_tcg_set_label(s, head);
    bb_tcg_add_i64(s, i, i, tp_c64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_LT, i, tp_c64(s, 10), head);
    bb_tcg_mov_i64(s, G->r[0], i);
    tp_exit(s);

    assert_int_equal(optimize(s), 6);
    assert_op(s, 2, BB_TCG_OP_ADD_I64);
    assert_int_equal(tcg_op(s, 2)->args[1], i.id);
    tcg_context_free(s);
}

/* ------------------------------------------------------------ DCE */

static void test_dce(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s), u = bb_tcg_temp_i64(s);
    BbTcgI64 v = bb_tcg_temp_i64(s);

    bb_tcg_mul_i64(s, t, G->r[0], G->r[1]);                      /* dead */
    bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, u, TP_ENV_SCRATCH(0)); /* dead */
    bb_tcg_call(s, &helper_pure, v.id, &t.id);                    /* dead */
    bb_tcg_qemu_ld_i64(s, u, G->r[2], 0, BB_MO_UQ);               /* kept */
    bb_tcg_mov_i64(s, G->r[3], tp_c64(s, 1));                     /* dead */
    bb_tcg_mov_i64(s, G->r[3], tp_c64(s, 2));
    bb_tcg_call(s, &helper_quiet, UINT32_MAX, NULL);              /* kept */
    bb_tcg_call(s, &helper_pure, v.id, &G->r[4].id);              /* kept */
    bb_tcg_mov_i64(s, G->r[5], v);
    tp_exit(s);

    assert_int_equal(optimize(s), 6);
    assert_op(s, 0, BB_TCG_OP_QEMU_LD_I64);
    assert_op(s, 1, BB_TCG_OP_MOV_I64);
    assert_int_equal(const_val(s, tcg_op(s, 1)->args[1]), 2);
    assert_op(s, 2, BB_TCG_OP_CALL);
    assert_op(s, 3, BB_TCG_OP_CALL);
    assert_ptr_equal(tcg_call_helper(tcg_op(s, 3)), &helper_pure);
    tcg_context_free(s);
}

/* A global written before an op that may observe env stays written. */
static void test_globals_live_where_observed(void **state)
{
    static const struct {
        const BbTcgHelper *h;
        bool kept;
    } cases[] = {
        { &helper_reads, true }, { &helper_raises, true },
        { &helper_writes, true }, { &helper_quiet, false },
        { NULL, true }, /* a guest memory access (may fault) */
    };
    uint32_t env = BB_TCG_ARG_ENV;

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        BbTcgContext *s = tp_context();
        BbTcgI64 t = bb_tcg_temp_i64(s);

        bb_tcg_mov_i64(s, G->r[0], tp_c64(s, 1));
        if (cases[i].h) {
            bb_tcg_call(s, cases[i].h, UINT32_MAX,
                        cases[i].h->nargs ? &env : NULL);
        } else {
            bb_tcg_qemu_ld_i64(s, t, G->r[1], 0, BB_MO_UQ);
        }
        bb_tcg_mov_i64(s, G->r[0], tp_c64(s, 2));
        tp_exit(s);
        assert_int_equal(optimize(s), cases[i].kept ? 4 : 3);
        tcg_context_free(s);
    }
}

/* Globals are live at every exit, also on the path through a branch, and
 * at goto_tb (a chained jump leaves the TB). */
static void test_globals_live_at_exits(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgLabel l = bb_tcg_label(s);

    bb_tcg_mov_i64(s, G->r[0], tp_c64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, G->r[1], G->r[2], l);
    bb_tcg_mov_i64(s, G->r[0], tp_c64(s, 2));
    bb_tcg_goto_tb(s, 0);
    bb_tcg_exit_tb(s, 0);
    bb_tcg_set_label(s, l);
    bb_tcg_lookup_and_goto(s);

    assert_int_equal(optimize(s), 7);
    tcg_context_free(s);
}

/* Optimizing twice changes nothing more; dump of the result is stable. */
static void test_idempotent(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);
    BbTcgLabel l = bb_tcg_label(s);
    g_autofree char *once = NULL, *twice = NULL;

    bb_tcg_add_i64(s, t, G->r[0], tp_c64(s, 4));
    bb_tcg_set_label(s, l);
    bb_tcg_sub_i64(s, t, t, tp_c64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, t, tp_c64(s, 0), l);
    bb_tcg_mov_i64(s, G->r[1], t);
    tp_exit(s);
    optimize(s);
    once = dump(s);
    optimize(s);
    twice = dump(s);
    assert_string_equal(once, twice);
    tcg_context_free(s);
}

/* ------------------------------------------------------------ builder */

static void test_const_dedup_and_reset(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 a = tp_c64(s, 42), b = tp_c64(s, 42), c = tp_c64(s, 43);
    BbTcgI32 w = tp_c32(s, 42), x = tp_c32(s, -1);

    assert_int_equal(a.id, b.id);
    assert_int_not_equal(a.id, c.id);
    assert_int_not_equal(a.id, w.id);
    assert_int_equal(x.id, tcg_const_new(s, BB_TCG_TYPE_I32, 0xffffffff));
    assert_int_equal(tcg_temp(s, x.id)->val, -1);
    assert_int_equal(s->nb_globals, 2 * TP_NB_REGS);
    assert_true(a.id >= s->nb_globals);
    assert_int_equal(bb_tcg_label(s).id, 0);
    assert_int_equal(bb_tcg_label(s).id, 1);
    tp_exit(s);

    tcg_context_reset(s);
    assert_int_equal(s->nb_ops, 0);
    assert_int_equal(s->nb_temps, s->nb_globals);
    assert_int_equal(s->nb_labels, 0);
    assert_int_equal(tp_c64(s, 43).id, s->nb_globals);
    assert_string_equal(tcg_temp(s, G->w[3].id)->name, "w3");
    tcg_context_free(s);
}

static void test_dump(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);
    BbTcgLabel l = bb_tcg_label(s);
    uint32_t arg = G->r[1].id;
    g_autofree char *d = NULL;

    s->pc_first = 0x80000000;
    bb_tcg_insn_start(s, 0x80000000, 0);
    bb_tcg_add_i64(s, t, G->r[0], tp_c64(s, 16));
    bb_tcg_brcond_i64(s, BB_TCG_COND_GEU, t, tp_c64(s, -2), l);
    bb_tcg_call(s, &helper_pure, t.id, &arg);
    bb_tcg_qemu_ld_i32(s, G->w[0], t, 3, BB_MO_SW | BB_MO_ALIGN);
    bb_tcg_set_label(s, l);
    bb_tcg_extract_i64(s, t, t, 8, 4);
    bb_tcg_exit_tb(s, 1);
    d = dump(s);
    assert_contains(d, "TB 0x80000000: 8 ops");
    assert_contains(d, " ---- 0x80000000 0x0\n");
    g_autofree char *add = g_strdup_printf(" add_i64 tmp%u, r0, $0x10\n", t.id);
    assert_contains(d, add);
    assert_contains(d, ", $-2, geu, L0\n");
    assert_contains(d, "call pure, ret=tmp");
    assert_contains(d, "args=(r1) pure\n");
    assert_contains(d, " qemu_ld_i32 w0, tmp");
    assert_contains(d, ", s16+al, mmu3\n");
    assert_contains(d, "L0:\n");
    assert_contains(d, ", 8, 4\n");
    assert_contains(d, " exit_tb 1\n");
    tcg_context_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_all_constant),
        cmocka_unit_test(test_identities),
        cmocka_unit_test(test_copy_propagation),
        cmocka_unit_test(test_knowledge_reset_at_labels),
        cmocka_unit_test(test_calls_and_knowledge),
        cmocka_unit_test(test_brcond_folding),
        cmocka_unit_test(test_loop_kept),
        cmocka_unit_test(test_dce),
        cmocka_unit_test(test_globals_live_where_observed),
        cmocka_unit_test(test_globals_live_at_exits),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_const_dedup_and_reset),
        cmocka_unit_test(test_dump),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
