/*
 * verify-test.c - tcg_verify() on one bad program per error kind (opcode,
 * operand count, temp ids, operand types including the mixed-width ops,
 * writes to constants, discards, def-before-use over branches and loops,
 * labels never created / never set / set twice, conditions, bit fields,
 * memops and mmu indexes, env offsets overlapping globals, exit and
 * goto_tb slots, every way a call can disagree with its helper, TBs that
 * are empty or run off their end), checking that the error names the op
 * index and the problem; and a few tricky programs it must accept.  Also
 * the switch that runs it in the pipeline (tcg_verify_enabled()): the
 * test suite (scripts/test) turns it on for every test through
 * BB_TCG_VERIFY=1.
 */
#include "tcg-programs.h"

/* Append an op as is, bypassing the builder's debug checks. */
static void raw_op(BbTcgContext *s, BbTcgOpcode opc, unsigned nargs,
                   const uint64_t *args)
{
    TcgOp *op = tcg_op_push(s);

    op->opc = opc;
    op->nargs = nargs;
    memcpy(op->args, args, MIN(nargs, TCG_MAX_OP_ARGS) * sizeof(uint64_t));
}
#define RAW(s, opc, ...)                                                      \
    do {                                                                      \
        const uint64_t a_[] = { __VA_ARGS__ };                                \
        raw_op((s), (opc), G_N_ELEMENTS(a_), a_);                             \
    } while (0)

/* Verify @s and expect an error containing every one of the following
 * strings (NULL-terminated); frees @s. */
static void expect_error(BbTcgContext *s, ...)
{
    GError *err = NULL;
    va_list ap;
    const char *want;

    assert_false(tcg_verify(s, &err));
    assert_error(err, TCG_ERROR, BB_ERROR_INVALID);
    va_start(ap, s);
    while ((want = va_arg(ap, const char *)) != NULL) {
        assert_contains(err->message, want);
    }
    va_end(ap);
    g_error_free(err);
    tcg_context_free(s);
}

static void expect_ok(BbTcgContext *s)
{
    GError *err = NULL;

    if (!tcg_verify(s, &err)) {
        fail_msg("rejected: %s", err->message);
    }
    tcg_context_free(s);
}

static const TpGlobals *G;

static uint64_t h_any(void)
{
    return 0;
}

static int setup(void **state)
{
    G = tp_globals();
    return 0;
}

/* ------------------------------------------------------------ shape */

static void test_bad_opcode(void **state)
{
    BbTcgContext *s = tp_context();

    RAW(s, BB_TCG_OP_INVALID, 0);
    tp_exit(s);
    expect_error(s, "op 0", "invalid opcode 0", NULL);

    s = tp_context();
    tp_exit(s);
    RAW(s, (BbTcgOpcode)999, 0);
    expect_error(s, "op 1", "invalid opcode 999", NULL);
}

static void test_bad_nargs(void **state)
{
    BbTcgContext *s = tp_context();

    RAW(s, BB_TCG_OP_ADD_I64, G->r[0].id, G->r[1].id);
    tp_exit(s);
    expect_error(s, "op 0 (add_i64)", "2 operands, 3 expected", NULL);

    s = tp_context();
    RAW(s, BB_TCG_OP_EXIT_TB, 2, 0);
    expect_error(s, "op 0 (exit_tb)", "2 operands, 1 expected", NULL);
}

static void test_bad_temp_id(void **state)
{
    BbTcgContext *s = tp_context();

    bb_tcg_mov_i64(s, G->r[0], (BbTcgI64){ 4711 });
    tp_exit(s);
    expect_error(s, "op 0 (mov_i64)", "operand 1: no temp 4711", NULL);
}

static void test_type_mismatch(void **state)
{
    BbTcgContext *s = tp_context();

    RAW(s, BB_TCG_OP_ADD_I64, G->r[0].id, G->w[0].id, G->r[1].id);
    tp_exit(s);
    expect_error(s, "op 0 (add_i64)", "operand 1: i32 temp where i64", NULL);

    s = tp_context();
    tp_exit(s);
    RAW(s, BB_TCG_OP_EXTU_I32_I64, G->r[0].id, G->r[1].id);
    expect_error(s, "op 1 (extu_i32_i64)", "operand 1: i64 temp where i32",
                 NULL);

    s = tp_context();
    RAW(s, BB_TCG_OP_EXTRL_I64_I32, G->r[0].id, G->r[1].id);
    tp_exit(s);
    expect_error(s, "extrl_i64_i32", "operand 0: i64 temp where i32", NULL);

    s = tp_context();
    RAW(s, BB_TCG_OP_QEMU_LD_I32, G->w[0].id, G->w[1].id, BB_MO_UL, 0);
    tp_exit(s);
    expect_error(s, "qemu_ld_i32", "operand 1: i32 temp where i64", NULL);
}

static void test_write_const(void **state)
{
    BbTcgContext *s = tp_context();

    bb_tcg_mov_i64(s, tp_c64(s, 1), G->r[0]);
    tp_exit(s);
    expect_error(s, "op 0 (mov_i64)", "writes a constant", NULL);
}

static void test_discard_global(void **state)
{
    BbTcgContext *s = tp_context();

    bb_tcg_discard_i64(s, G->r[0]);
    tp_exit(s);
    expect_error(s, "op 0 (discard)", "discards a global", NULL);
}

/* ------------------------------------------------------------ defs */

static void test_use_before_def(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_insn_start(s, 0, 0);
    bb_tcg_add_i64(s, G->r[0], t, G->r[1]);
    tp_exit(s);
    expect_error(s, "op 1 (add_i64)", "may be read before it is written",
                 NULL);
}

/* Written on one path only. */
static void test_use_after_one_arm(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);
    BbTcgLabel l = bb_tcg_label(s);

    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, G->r[0], G->r[1], l);
    bb_tcg_mov_i64(s, t, G->r[2]);
    bb_tcg_set_label(s, l);
    bb_tcg_mov_i64(s, G->r[3], t);
    tp_exit(s);
    expect_error(s, "op 3 (mov_i64)", "tmp", "before it is written", NULL);
}

/* Written in a loop body but read at the loop head. */
static void test_use_in_loop_head(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);
    BbTcgLabel head = bb_tcg_label(s);

    bb_tcg_set_label(s, head);
    bb_tcg_add_i64(s, G->r[0], G->r[0], t);
    bb_tcg_mov_i64(s, t, G->r[1]);
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, G->r[0], G->r[2], head);
    tp_exit(s);
    expect_error(s, "op 1 (add_i64)", "before it is written", NULL);
}

static void test_use_after_discard(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_mov_i64(s, t, G->r[0]);
    bb_tcg_discard_i64(s, t);
    bb_tcg_mov_i64(s, G->r[1], t);
    tp_exit(s);
    expect_error(s, "op 2 (mov_i64)", "before it is written", NULL);
}

static void test_call_arg_before_def(void **state)
{
    static const BbTcgHelper h = {
        .fn = (void *)h_any, .name = "h", .ret = BB_TCG_TYPE_VOID,
        .nargs = 1, .args = { BB_TCG_TYPE_I32 },
    };
    BbTcgContext *s = tp_context();
    BbTcgI32 t = bb_tcg_temp_i32(s);

    bb_tcg_call(s, &h, UINT32_MAX, &t.id);
    tp_exit(s);
    expect_error(s, "op 0 (call)", "before it is written", NULL);
}

/* Both arms write; a loop whose temp is written before the head; code
 * after an exit (unreachable) reading anything. */
static void test_defs_accepted(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s), u = bb_tcg_temp_i64(s);
    BbTcgLabel els = bb_tcg_label(s), join = bb_tcg_label(s);
    BbTcgLabel head = bb_tcg_label(s);

    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, G->r[0], G->r[1], els);
    bb_tcg_mov_i64(s, t, G->r[2]);
    bb_tcg_br(s, join);
    bb_tcg_set_label(s, els);
    bb_tcg_mov_i64(s, t, G->r[3]);
    bb_tcg_set_label(s, join);
    bb_tcg_mov_i64(s, u, t);
    bb_tcg_set_label(s, head);
    bb_tcg_add_i64(s, u, u, t);
    bb_tcg_discard_i64(s, t);
    bb_tcg_mov_i64(s, t, u);
    bb_tcg_brcond_i64(s, BB_TCG_COND_LT, u, G->r[4], head);
    tp_exit(s);
    expect_ok(s);
}

/* ------------------------------------------------------------ labels */

static void test_label_never_created(void **state)
{
    BbTcgContext *s = tp_context();

    bb_tcg_br(s, (BbTcgLabel){ 3 });
    expect_error(s, "op 0 (br)", "label 3 was never created", NULL);
}

static void test_label_never_set(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgLabel l = bb_tcg_label(s);

    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, G->r[0], G->r[1], l);
    tp_exit(s);
    expect_error(s, "op 0 (brcond_i64)", "label 0 is used but never set",
                 NULL);
}

static void test_label_set_twice(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgLabel l = bb_tcg_label(s);

    bb_tcg_set_label(s, l);
    bb_tcg_set_label(s, l);
    tp_exit(s);
    expect_error(s, "op 1 (set_label)", "label 0 set twice", NULL);
}

/* ------------------------------------------------------------ params */

static void test_bad_cond(void **state)
{
    BbTcgContext *s = tp_context();

    bb_tcg_setcond_i64(s, (BbTcgCond)12, G->r[0], G->r[1], G->r[2]);
    tp_exit(s);
    expect_error(s, "op 0 (setcond_i64)", "bad condition 12", NULL);

    s = tp_context();
    bb_tcg_movcond_i32(s, (BbTcgCond)99, G->w[0], G->w[1], G->w[2],
                       G->w[3], G->w[4]);
    tp_exit(s);
    expect_error(s, "movcond_i32", "bad condition 99", NULL);

    s = tp_context();
    BbTcgLabel l = bb_tcg_label(s);
    bb_tcg_brcond_i32(s, (BbTcgCond)13, G->w[0], G->w[1], l);
    bb_tcg_set_label(s, l);
    tp_exit(s);
    expect_error(s, "brcond_i32", "bad condition 13", NULL);
}

static void test_bad_fields(void **state)
{
    static const struct {
        BbTcgOpcode opc;
        unsigned ofs, len;
    } bad[] = {
        { BB_TCG_OP_DEPOSIT_I32, 0, 33 }, { BB_TCG_OP_DEPOSIT_I32, 31, 2 },
        { BB_TCG_OP_DEPOSIT_I64, 0, 0 }, { BB_TCG_OP_DEPOSIT_I64, 64, 1 },
        { BB_TCG_OP_EXTRACT_I32, 32, 1 }, { BB_TCG_OP_SEXTRACT_I32, 1, 32 },
        { BB_TCG_OP_EXTRACT_I64, 60, 5 }, { BB_TCG_OP_SEXTRACT_I64, 0, 65 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        BbTcgContext *s = tp_context();
        bool is32 = tcg_op_arg_type(bad[i].opc, 0) == BB_TCG_TYPE_I32;
        uint32_t d = is32 ? G->w[0].id : G->r[0].id;
        uint32_t a = is32 ? G->w[1].id : G->r[1].id;

        if (bad[i].opc == BB_TCG_OP_DEPOSIT_I32 ||
            bad[i].opc == BB_TCG_OP_DEPOSIT_I64) {
            RAW(s, bad[i].opc, d, a, a, bad[i].ofs, bad[i].len);
        } else {
            RAW(s, bad[i].opc, d, a, bad[i].ofs, bad[i].len);
        }
        tp_exit(s);
        expect_error(s, tcg_op_defs[bad[i].opc].name, "bit field", NULL);
    }
}

static void test_bad_memop(void **state)
{
    BbTcgContext *s = tp_context();

    bb_tcg_qemu_ld_i64(s, G->r[0], G->r[1], 0, BB_MO_UQ | (1u << 4));
    tp_exit(s);
    expect_error(s, "qemu_ld_i64", "unknown memop bits 0x13", NULL);

    s = tp_context();
    bb_tcg_qemu_ld_i32(s, G->w[0], G->r[1], 0, BB_MO_64);
    tp_exit(s);
    expect_error(s, "qemu_ld_i32", "64-bit access with an i32", NULL);

    s = tp_context();
    bb_tcg_qemu_st_i64(s, G->r[0], G->r[1], 0, BB_MO_SL);
    tp_exit(s);
    expect_error(s, "qemu_st_i64", "sign extension on a store", NULL);

    s = tp_context();
    bb_tcg_qemu_st_i32(s, G->w[0], G->r[1], TCG_NB_MMU_IDX, BB_MO_UL);
    tp_exit(s);
    expect_error(s, "qemu_st_i32", "mmu_idx 16", NULL);
}

static void test_env_overlaps_global(void **state)
{
    BbTcgContext *s = tp_context();
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_ld_env_i64(s, BB_TCG_OP_LD8U_I64, t, offsetof(TpEnv, r[2]) + 7);
    tp_exit(s);
    expect_error(s, "op 0 (ld8u_i64)", "overlaps global r2", NULL);

    s = tp_context();
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, G->r[0], offsetof(TpEnv, w[7]));
    tp_exit(s);
    expect_error(s, "op 0 (st_i64)", "overlaps global w7", NULL);

    s = tp_context();
    bb_tcg_st_env_i32(s, G->w[0], (size_t)1 << 40);
    tp_exit(s);
    expect_error(s, "st_i32", "out of range", NULL);

    s = tp_context();
    bb_tcg_ld_env_i32(s, G->w[0], (size_t)-4);
    tp_exit(s);
    expect_error(s, "ld_i32", "out of range", NULL);

    /* right next to the globals is fine */
    s = tp_context();
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, G->r[0], TP_ENV_SCRATCH(0));
    bb_tcg_ld_env_i32(s, G->w[0], offsetof(TpEnv, w[7]) + 4);
    tp_exit(s);
    expect_ok(s);
}

static void test_bad_slots(void **state)
{
    BbTcgContext *s = tp_context();

    bb_tcg_goto_tb(s, 2);
    tp_exit(s);
    expect_error(s, "op 0 (goto_tb)", "slot 2 > 1", NULL);

    s = tp_context();
    bb_tcg_exit_tb(s, 3);
    expect_error(s, "op 0 (exit_tb)", "slot 3 > 2", NULL);

    /* The host's own exit code: only where the exec loop allows it. */
    s = tp_context();
    bb_tcg_exit_tb(s, TCG_EXIT_ENTRY);
    expect_error(s, "op 0 (exit_tb)", "slot 4 > 2", NULL);
    s = tp_context();
    s->entry_exit = true;
    bb_tcg_exit_tb(s, TCG_EXIT_ENTRY);
    expect_ok(s);
    s = tp_context();
    s->entry_exit = true;
    bb_tcg_exit_tb(s, 5);
    expect_error(s, "op 0 (exit_tb)", "slot 5 > 2", NULL);
    /* A reset (the next TB) forgets the permission. */
    s = tp_context();
    s->entry_exit = true;
    tcg_context_reset(s);
    bb_tcg_exit_tb(s, TCG_EXIT_ENTRY);
    expect_error(s, "op 0 (exit_tb)", "slot 4 > 2", NULL);

    s = tp_context();
    bb_tcg_goto_tb(s, 1);
    bb_tcg_goto_tb(s, 1);
    tp_exit(s);
    expect_error(s, "op 1 (goto_tb)", "slot 1 used twice", NULL);
}

/* ------------------------------------------------------------ calls */

static void call_error(const BbTcgHelper *h, uint32_t ret,
                       const uint32_t *args, const char *want)
{
    BbTcgContext *s = tp_context();

    tp_exit(s);
    bb_tcg_call(s, h, ret, args);
    tp_exit(s);
    expect_error(s, "op 1 (call)", want, NULL);
}

static void test_bad_calls(void **state)
{
    BbTcgHelper h = {
        .fn = (void *)h_any, .name = "h", .ret = BB_TCG_TYPE_I64,
        .nargs = 2, .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I64 },
    };
    BbTcgHelper bad;
    uint32_t ok_args[] = { BB_TCG_ARG_ENV, G->r[1].id };
    BbTcgContext *s;

    call_error(NULL, UINT32_MAX, NULL, "no helper");

    bad = h;
    bad.fn = NULL;
    call_error(&bad, G->r[0].id, ok_args, "helper h has no function");

    bad = h;
    bad.nargs = 7;
    call_error(&bad, G->r[0].id,
               (uint32_t[]){ 0, 0, 0, 0, 0, 0, 0 }, "at most 6");

    call_error(&h, G->r[0].id, (uint32_t[]){ G->r[1].id, G->r[1].id },
               "argument 0: env is passed exactly where");
    call_error(&h, G->r[0].id, (uint32_t[]){ BB_TCG_ARG_ENV, BB_TCG_ARG_ENV },
               "argument 1: env is passed exactly where");
    call_error(&h, G->r[0].id, (uint32_t[]){ BB_TCG_ARG_ENV, G->w[1].id },
               "operand 3: i32 temp where i64");
    call_error(&h, G->w[0].id, ok_args, "operand 1: i32 temp where i64");
    call_error(&h, tp_globals()->r[0].id + 9999, ok_args, "no temp");

    bad = h;
    bad.ret = BB_TCG_TYPE_VOID;
    call_error(&bad, G->r[0].id, ok_args, "returns nothing");

    bad = h;
    bad.ret = BB_TCG_TYPE_PTR;
    call_error(&bad, UINT32_MAX, ok_args, "bad return type");

    bad = h;
    bad.args[1] = BB_TCG_TYPE_VOID;
    call_error(&bad, UINT32_MAX, ok_args, "argument 1 has bad type");

    /* the op's argument count disagrees with the helper's */
    s = tp_context();
    RAW(s, BB_TCG_OP_CALL, (uintptr_t)&h, UINT32_MAX, BB_TCG_ARG_ENV);
    tp_exit(s);
    expect_error(s, "op 0 (call)", "takes 2 arguments, the op has 1", NULL);

    /* a constant as the result */
    s = tp_context();
    bb_tcg_call(s, &h, tp_c64(s, 3).id, ok_args);
    tp_exit(s);
    expect_error(s, "op 0 (call)", "writes a constant", NULL);

    /* and the good one, with the result ignored */
    s = tp_context();
    bb_tcg_call(s, &h, UINT32_MAX, ok_args);
    tp_exit(s);
    expect_ok(s);
}

/* ------------------------------------------------------------ the end */

static void test_bad_end(void **state)
{
    BbTcgContext *s = tp_context();

    expect_error(s, "empty TB", NULL);

    s = tp_context();
    bb_tcg_mov_i64(s, G->r[0], G->r[1]);
    expect_error(s, "op 0 (mov_i64)", "runs off its end", NULL);

    s = tp_context();
    BbTcgLabel l = bb_tcg_label(s);
    tp_exit(s);
    bb_tcg_set_label(s, l);
    expect_error(s, "op 1 (set_label)", "runs off its end", NULL);

    s = tp_context();
    bb_tcg_goto_tb(s, 0);
    expect_error(s, "op 0 (goto_tb)", "runs off its end", NULL);

    /* a loop back edge or lookup_and_goto may end a TB */
    s = tp_context();
    l = bb_tcg_label(s);
    bb_tcg_set_label(s, l);
    bb_tcg_add_i64(s, G->r[0], G->r[0], tp_c64(s, 1));
    bb_tcg_br(s, l);
    expect_ok(s);

    s = tp_context();
    bb_tcg_lookup_and_goto(s);
    expect_ok(s);
}

/* A TB the verifier accepts keeps being accepted after optimization, and
 * the error leaves *error untouched on success. */
static void test_no_error_on_success(void **state)
{
    BbTcgContext *s = tp_context();
    GError *err = NULL;

    bb_tcg_add_i64(s, G->r[0], G->r[0], tp_c64(s, 1));
    tp_exit(s);
    assert_true(tcg_verify(s, &err));
    assert_null(err);
    assert_true(tcg_verify(s, NULL));
    tcg_context_free(s);
}

/* The switch decides whether the interpreter-independent pipeline checks:
 * the interpreter verifies regardless, so a bad TB is still rejected
 * there with the switch off. */
static void test_switch(void **state)
{
    BbTcgContext *s = tp_context();
    GError *err = NULL;
    uint64_t r0 = G->r[0].id;

    RAW(s, BB_TCG_OP_ADD_I64, 3, r0, r0, 9999); /* no temp 9999 */
    tp_exit(s);
    tcg_verify_set_enabled(false);
    assert_false(tcg_verify_enabled());
    assert_null(tcg_backend_interp.compile(s, &err));
    assert_error(err, TCG_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    tcg_verify_set_enabled(true);
    assert_true(tcg_verify_enabled());
    tcg_context_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_opcode),
        cmocka_unit_test(test_bad_nargs),
        cmocka_unit_test(test_bad_temp_id),
        cmocka_unit_test(test_type_mismatch),
        cmocka_unit_test(test_write_const),
        cmocka_unit_test(test_discard_global),
        cmocka_unit_test(test_use_before_def),
        cmocka_unit_test(test_use_after_one_arm),
        cmocka_unit_test(test_use_in_loop_head),
        cmocka_unit_test(test_use_after_discard),
        cmocka_unit_test(test_call_arg_before_def),
        cmocka_unit_test(test_defs_accepted),
        cmocka_unit_test(test_label_never_created),
        cmocka_unit_test(test_label_never_set),
        cmocka_unit_test(test_label_set_twice),
        cmocka_unit_test(test_bad_cond),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_bad_memop),
        cmocka_unit_test(test_env_overlaps_global),
        cmocka_unit_test(test_bad_slots),
        cmocka_unit_test(test_bad_calls),
        cmocka_unit_test(test_bad_end),
        cmocka_unit_test(test_no_error_on_success),
        cmocka_unit_test(test_switch),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
