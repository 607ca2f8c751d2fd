/*
 * ops-test.c - every pure IR op (arithmetic, logic, shifts, rotates,
 * multiplies and divides, setcond, movcond, brcond, deposit, extract,
 * bswaps, clz/ctz/ctpop, conversions) on edge values: 0, 1, -1, the
 * signed and unsigned extremes of both widths, shift counts around the
 * width, division by zero and MIN / -1, bit fields at the edges, clz/ctz
 * of 0, each condition on signed/unsigned boundary pairs.  Expected values
 * come from the independent model in tcg-ref.h (itself anchored by a table
 * of literal results).  Each op runs on every backend with inputs from env
 * and with constant inputs, as built and after tcg_optimize(); with
 * constant inputs the optimizer must fold every instance away.
 */
#include "tcg-programs.h"
#include "tcg-ref.h"

static const uint64_t edges64[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 127,
    0xff, 0x80, 0x8000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
    0x0123456789abcdef, 0xfedcba9876543210, (uint64_t)INT64_MAX,
    (uint64_t)INT64_MIN, (uint64_t)INT64_MIN + 1, (uint64_t)-1,
    (uint64_t)-2, (uint64_t)-7,
};

static const uint64_t edges32[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0xff, 0x80, 0x8000, 0xffff,
    0x12345678, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff,
    0xfffffffe, 0xfffffff9,
    /* upper bits must be ignored on i32 inputs */
    0xabcdef0000000005ull,
};

/* Bit fields (ofs, len) at the edges of each width. */
static const unsigned fields32[][2] = {
    { 0, 1 }, { 0, 32 }, { 31, 1 }, { 1, 31 }, { 0, 8 }, { 8, 8 },
    { 24, 8 }, { 3, 5 }, { 16, 16 }, { 0, 31 }, { 4, 28 },
};
static const unsigned fields64[][2] = {
    { 0, 1 }, { 0, 64 }, { 63, 1 }, { 1, 63 }, { 0, 8 }, { 8, 8 },
    { 56, 8 }, { 3, 5 }, { 32, 32 }, { 0, 32 }, { 31, 2 }, { 0, 63 },
    { 12, 40 },
};

static const BbTcgCond all_conds[] = {
    BB_TCG_COND_NEVER, BB_TCG_COND_ALWAYS, BB_TCG_COND_EQ, BB_TCG_COND_NE,
    BB_TCG_COND_LT, BB_TCG_COND_GE, BB_TCG_COND_LE, BB_TCG_COND_GT,
    BB_TCG_COND_LTU, BB_TCG_COND_GEU, BB_TCG_COND_LEU, BB_TCG_COND_GTU,
};

/* ------------------------------------------------------------ runner */

static const char *variant_name(bool const_inputs, bool opt)
{
    return const_inputs ? (opt ? "const, optimized" : "const")
                        : (opt ? "env, optimized" : "env");
}

/* Check env.out against the model for every case. */
static void check_outputs(BbTcgOpcode opc, const TpOpCase *cases,
                          unsigned n, const TpEnv *env, const char *backend,
                          const char *variant)
{
    unsigned w = tcg_op_arg_type(opc, 0) == BB_TCG_TYPE_I32 ? 32 : 64;

    for (unsigned i = 0; i < n; i++) {
        uint64_t want, got = env->out[i];

        if (opc == BB_TCG_OP_BRCOND_I32 || opc == BB_TCG_OP_BRCOND_I64) {
            want = ref_cond((BbTcgCond)cases[i].c[0], cases[i].in[0],
                            cases[i].in[1], w);
        } else {
            assert_true(ref_eval(opc, cases[i].in, cases[i].c, &want));
        }
        if (w == 32 && opc != BB_TCG_OP_BRCOND_I32) {
            got &= 0xffffffffu; /* st_i32 wrote the low half only */
        }
        if (got != want) {
            fail_msg("%s (%s, %s) in 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
                     " 0x%" PRIx64 " c %" PRIu64 " %" PRIu64
                     ": got 0x%" PRIx64 ", expected 0x%" PRIx64,
                     tcg_op_defs[opc].name, backend, variant, cases[i].in[0],
                     cases[i].in[1], cases[i].in[2], cases[i].in[3],
                     cases[i].c[0], cases[i].c[1], got, want);
        }
    }
}

/* After folding constant inputs, only stores and the exit may remain. */
static void assert_folded(BbTcgContext *s, BbTcgOpcode opc)
{
    for (unsigned i = 0; i < s->nb_ops; i++) {
        BbTcgOpcode o = tcg_op(s, i)->opc;

        if (o != BB_TCG_OP_ST_I64 && o != BB_TCG_OP_ST_I32 &&
            o != BB_TCG_OP_EXIT_TB) {
            GString *d = g_string_new(NULL);
            tcg_dump(s, d);
            fail_msg("%s with constant inputs not folded:\n%s",
                     tcg_op_defs[opc].name, d->str);
        }
    }
}

static void run_cases_on(const TcgBackend *b, BbTcgOpcode opc,
                         const TpOpCase *cases, unsigned n, bool const_inputs,
                         bool opt)
{
    BbTcgContext *s = tp_context();
    TpEnv *env = g_new0(TpEnv, 1);
    TpMem *mem = g_new0(TpMem, 1);
    bool is_br = opc == BB_TCG_OP_BRCOND_I32 || opc == BB_TCG_OP_BRCOND_I64;

    if (is_br) {
        tp_build_brcond_cases(s, opc, cases, n, const_inputs);
    } else {
        tp_build_op_cases(s, opc, cases, n, const_inputs);
    }
    tp_assert_valid(s);
    if (opt) {
        tcg_optimize(s);
        tp_assert_valid(s);
        if (const_inputs) {
            assert_folded(s, opc);
        }
    }
    tp_setup_op_cases(env, cases, n);
    assert_int_equal(tp_exec(b, s, env, mem).exit, TCG_EXIT_NOCHAIN);
    check_outputs(opc, cases, n, env, b->name,
                  variant_name(const_inputs, opt));
    g_free(env);
    g_free(mem);
    tcg_context_free(s);
}

static void run_cases(BbTcgOpcode opc, const TpOpCase *cases, unsigned n)
{
    assert_true(n <= TP_MAX_VALUES);
    for (unsigned b = 0; b < TP_NB_BACKENDS; b++) {
        for (int variant = 0; variant < 4; variant++) {
            run_cases_on(tp_backends[b], opc, cases, n, variant & 1,
                         variant & 2);
        }
    }
}

/* ------------------------------------------------------------ case sets */

static const uint64_t *edges_for(BbTcgOpcode opc, unsigned *n)
{
    /* Conversions from i32 take i32 inputs. */
    bool in32 = tcg_op_arg_type(opc, 1) == BB_TCG_TYPE_I32;

    *n = in32 ? G_N_ELEMENTS(edges32) : G_N_ELEMENTS(edges64);
    return in32 ? edges32 : edges64;
}

/* Unary ops (and clz/ctz with each edge as the zero value). */
static void test_unary_op(BbTcgOpcode opc)
{
    unsigned ne;
    const uint64_t *e = edges_for(opc, &ne);
    g_autofree TpOpCase *cases = g_new0(TpOpCase, TP_MAX_VALUES);

    for (unsigned i = 0; i < ne; i++) {
        cases[i].in[0] = e[i];
    }
    run_cases(opc, cases, ne);
}

/* Every pair of edge values; @c0 is the constant parameter if any. */
static unsigned pairs(BbTcgOpcode opc, TpOpCase *cases, uint64_t c0)
{
    unsigned ne, n = 0;
    const uint64_t *e = edges_for(opc, &ne);

    for (unsigned i = 0; i < ne; i++) {
        for (unsigned j = 0; j < ne; j++) {
            cases[n].in[0] = e[i];
            cases[n].in[1] = e[j];
            cases[n].in[2] = 0x1111111111111111ull * (1 + i % 7);
            cases[n].in[3] = 0x2222222222222222ull ^ e[j];
            cases[n].c[0] = c0;
            n++;
        }
    }
    return n;
}

static void test_binary_op(BbTcgOpcode opc)
{
    g_autofree TpOpCase *cases = g_new0(TpOpCase, TP_MAX_VALUES);

    run_cases(opc, cases, pairs(opc, cases, 0));
}

static void test_cond_op(BbTcgOpcode opc)
{
    g_autofree TpOpCase *cases = g_new0(TpOpCase, TP_MAX_VALUES);

    for (unsigned c = 0; c < G_N_ELEMENTS(all_conds); c++) {
        run_cases(opc, cases, pairs(opc, cases, all_conds[c]));
    }
}

static void test_field_op(BbTcgOpcode opc)
{
    bool is32 = tcg_op_arg_type(opc, 0) == BB_TCG_TYPE_I32;
    const unsigned (*f)[2] = is32 ? fields32 : fields64;
    unsigned nf = is32 ? G_N_ELEMENTS(fields32) : G_N_ELEMENTS(fields64);
    unsigned ne, n = 0;
    const uint64_t *e = edges_for(opc, &ne);
    g_autofree TpOpCase *cases = g_new0(TpOpCase, TP_MAX_VALUES);

    for (unsigned k = 0; k < nf; k++) {
        for (unsigned i = 0; i < ne; i++) {
            cases[n].in[0] = e[i];
            cases[n].in[1] = e[(i * 7 + k) % ne];
            cases[n].c[0] = f[k][0];
            cases[n].c[1] = f[k][1];
            n++;
        }
    }
    run_cases(opc, cases, n);
}

/* ------------------------------------------------------------ tests */

#define UNARY(x) BB_TCG_OP_##x##_I32, BB_TCG_OP_##x##_I64
static const BbTcgOpcode unary_ops[] = {
    UNARY(MOV), UNARY(NOT), UNARY(NEG), UNARY(BSWAP16), UNARY(BSWAP32),
    UNARY(CTPOP), BB_TCG_OP_BSWAP64_I64,
    BB_TCG_OP_EXT8S_I64, BB_TCG_OP_EXT8U_I64, BB_TCG_OP_EXT16S_I64,
    BB_TCG_OP_EXT16U_I64, BB_TCG_OP_EXT32S_I64, BB_TCG_OP_EXT32U_I64,
    BB_TCG_OP_EXTU_I32_I64, BB_TCG_OP_EXTS_I32_I64,
    BB_TCG_OP_EXTRL_I64_I32, BB_TCG_OP_EXTRH_I64_I32,
};
static const BbTcgOpcode binary_ops[] = {
    UNARY(ADD), UNARY(SUB), UNARY(MUL), UNARY(MULSH), UNARY(MULUH),
    BB_TCG_OP_MULSUH_I64, UNARY(DIV), UNARY(DIVU), UNARY(REM), UNARY(REMU),
    UNARY(AND), UNARY(OR), UNARY(XOR), UNARY(SHL), UNARY(SHR), UNARY(SAR),
    UNARY(ROTL), UNARY(ROTR), UNARY(CLZ), UNARY(CTZ),
};
static const BbTcgOpcode cond_ops[] = {
    UNARY(SETCOND), UNARY(MOVCOND), UNARY(BRCOND),
};
static const BbTcgOpcode field_ops[] = {
    UNARY(DEPOSIT), UNARY(EXTRACT), UNARY(SEXTRACT),
};
#undef UNARY

static void test_unary_ops(void **state)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(unary_ops); i++) {
        test_unary_op(unary_ops[i]);
    }
}

static void test_binary_ops(void **state)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(binary_ops); i++) {
        test_binary_op(binary_ops[i]);
    }
}

static void test_cond_ops(void **state)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(cond_ops); i++) {
        test_cond_op(cond_ops[i]);
    }
}

static void test_field_ops(void **state)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(field_ops); i++) {
        test_field_op(field_ops[i]);
    }
}

/* Every pure opcode of tcg.h (mov_i32 .. extrh_i64_i32) is covered
 * exactly once by the lists above. */
static void test_all_ops_covered(void **state)
{
    const BbTcgOpcode *lists[] = { unary_ops, binary_ops, cond_ops,
                                   field_ops };
    size_t lens[] = { G_N_ELEMENTS(unary_ops), G_N_ELEMENTS(binary_ops),
                      G_N_ELEMENTS(cond_ops), G_N_ELEMENTS(field_ops) };
    unsigned seen[BB_TCG_OP__COUNT] = { 0 };

    for (unsigned l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (size_t i = 0; i < lens[l]; i++) {
            seen[lists[l][i]]++;
        }
    }
    for (unsigned o = BB_TCG_OP_MOV_I32; o <= BB_TCG_OP_EXTRH_I64_I32; o++) {
        if (seen[o] != 1) {
            fail_msg("%s covered %u times", tcg_op_defs[o].name, seen[o]);
        }
    }
}

/* ------------------------------------------------------------ literals */

typedef struct Literal {
    BbTcgOpcode opc;
    uint64_t a, b;
    uint64_t c0, c1;
    uint64_t want;
} Literal;

#define L(op, a, b, w) { BB_TCG_OP_##op, (uint64_t)(a), (uint64_t)(b), 0, 0, \
                         (uint64_t)(w) }
#define LC(op, a, b, c0, c1, w) { BB_TCG_OP_##op, (uint64_t)(a),              \
                                  (uint64_t)(b), c0, c1, (uint64_t)(w) }
static const Literal literals[] = {
    L(DIV_I64, 7, 0, -1), L(DIVU_I64, 7, 0, UINT64_MAX),
    L(REM_I64, 7, 0, 7), L(REMU_I64, 7, 0, 7),
    L(DIV_I64, INT64_MIN, -1, INT64_MIN), L(REM_I64, INT64_MIN, -1, 0),
    L(DIV_I32, 7, 0, 0xffffffff), L(REM_I32, -7, 0, 0xfffffff9),
    L(DIV_I32, 0x80000000, -1, 0x80000000), L(REM_I32, 0x80000000, -1, 0),
    L(DIV_I64, -7, 2, -3), L(REM_I64, -7, 2, -1),
    L(DIVU_I32, 0xffffffff, 2, 0x7fffffff),
    L(SHL_I32, 1, 32, 1), L(SHL_I32, 1, 31, 0x80000000),
    L(SHL_I64, 1, 64, 1), L(SHL_I64, 1, 63, 0x8000000000000000),
    L(SHR_I64, 0x8000000000000000, 65, 0x4000000000000000),
    L(SAR_I32, 0x80000000, 31, 0xffffffff), L(SAR_I64, INT64_MIN, 63, -1),
    L(ROTL_I32, 0x80000001, 1, 3), L(ROTR_I64, 1, 1, 0x8000000000000000),
    L(ROTL_I64, 0x8000000000000000, 64, 0x8000000000000000),
    L(CLZ_I32, 0, 32, 32), L(CLZ_I64, 0, 99, 99), L(CTZ_I64, 0, 64, 64),
    L(CLZ_I64, 1, 0, 63), L(CTZ_I32, 0x80000000, 0, 31),
    L(CTPOP_I64, -1, 0, 64), L(CTPOP_I32, 0xf0f0, 0, 8),
    L(BSWAP16_I64, 0xffffffffffff1234, 0, 0x3412),
    L(BSWAP32_I32, 0x12345678, 0, 0x78563412),
    L(BSWAP32_I64, 0xaaaaaaaa12345678, 0, 0x78563412),
    L(BSWAP64_I64, 0x0102030405060708, 0, 0x0807060504030201),
    L(MULUH_I64, -1, -1, 0xfffffffffffffffe), L(MULSH_I64, -1, -1, 0),
    L(MULSUH_I64, -1, -1, -1), L(MULSH_I32, 0x80000000, 0x80000000, 0x40000000),
    L(MULUH_I32, 0xffffffff, 0xffffffff, 0xfffffffe),
    L(EXT8S_I64, 0x80, 0, 0xffffffffffffff80), L(EXT16U_I64, -1, 0, 0xffff),
    L(EXTS_I32_I64, 0x80000000, 0, 0xffffffff80000000),
    L(EXTRH_I64_I32, 0x123456789abcdef0, 0, 0x12345678),
    LC(DEPOSIT_I64, 0, -1, 60, 4, 0xf000000000000000),
    LC(DEPOSIT_I32, -1, 0, 0, 32, 0),
    LC(EXTRACT_I64, 0xf000000000000000, 0, 60, 4, 0xf),
    LC(SEXTRACT_I64, 0x80, 0, 4, 4, -8),
    LC(SEXTRACT_I32, 0x80000000, 0, 31, 1, 0xffffffff),
    LC(SETCOND_I64, -1, 0, BB_TCG_COND_LT, 0, 1),
    LC(SETCOND_I64, -1, 0, BB_TCG_COND_LTU, 0, 0),
    LC(SETCOND_I32, 0x7fffffff, 0x80000000, BB_TCG_COND_GT, 0, 1),
    LC(SETCOND_I32, 0x7fffffff, 0x80000000, BB_TCG_COND_GTU, 0, 0),
};
#undef L
#undef LC

/* The model agrees with the literals, and so does every backend. */
static void test_literals(void **state)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(literals); i++) {
        const Literal *l = &literals[i];
        TpOpCase c = { .in = { l->a, l->b }, .c = { l->c0, l->c1 } };
        uint64_t got;

        assert_true(ref_eval(l->opc, c.in, c.c, &got));
        if (got != l->want) {
            fail_msg("model: %s(0x%" PRIx64 ", 0x%" PRIx64 ") = 0x%" PRIx64
                     ", literal says 0x%" PRIx64, tcg_op_defs[l->opc].name,
                     l->a, l->b, got, l->want);
        }
        run_cases(l->opc, &c, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_ops_covered),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_unary_ops),
        cmocka_unit_test(test_binary_ops),
        cmocka_unit_test(test_cond_ops),
        cmocka_unit_test(test_field_ops),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
