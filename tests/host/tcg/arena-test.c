/*
 * arena-test.c - the per-TB scratch arena (host/tcg/tcg-arena.c) and the
 * builder's constant table that replaced a GHashTable (host/tcg/tcg.c):
 * allocations are zeroed, aligned and disjoint, a release gives the
 * memory back for reuse (so passes run twice on one TB do not grow it), a
 * reset reuses the chunks, big allocations get a chunk of their own,
 * constants stay deduplicated per TB across table growth and resets, and
 * TcgVec lists keep their elements as they grow (arena and heap).
 * Under valgrind and ASan builds the arena also marks everything outside
 * live allocations inaccessible (exec.valgrind, the BB_SANITIZE build).
 */
#include "tcg-programs.h"

static void test_alloc_zeroed_aligned_disjoint(void **state)
{
    TcgArena a = { 0 };
    unsigned char *p[100];

    for (unsigned i = 0; i < G_N_ELEMENTS(p); i++) {
        size_t n = 1 + i * 37;

        p[i] = tcg_arena_alloc(&a, n);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(p[i][k], 0);
        }
        memset(p[i], 0xa5, n);
    }
    /* Later allocations (zeroed) did not touch earlier ones. */
    for (unsigned i = 0; i < G_N_ELEMENTS(p); i++) {
        for (size_t k = 0; k < 1 + i * 37; k++) {
            assert_int_equal(p[i][k], 0xa5);
        }
    }
    tcg_arena_destroy(&a);
}

static void test_mark_release_reuses(void **state)
{
    TcgArena a = { 0 };
    void *base = tcg_arena_alloc(&a, 64);
    TcgArenaMark m = tcg_arena_mark(&a);
    unsigned char *first = tcg_arena_alloc(&a, 1000), *again;

    memset(first, 0xff, 1000);
    tcg_arena_alloc(&a, 200 << 10); /* forces a second chunk */
    tcg_arena_release(&a, m);
    again = tcg_arena_alloc(&a, 1000);
    assert_ptr_equal(again, first);
    assert_int_equal(again[0], 0);   /* zeroed again */
    assert_int_equal(again[999], 0);
    tcg_arena_reset(&a);
    assert_ptr_equal(tcg_arena_alloc(&a, 64), base);
    tcg_arena_destroy(&a);
}

/* A reset keeps the chunks: after a big TB, the same sizes fit again at
 * the same addresses (no new heap memory per TB). */
static void test_reset_keeps_chunks(void **state)
{
    TcgArena a = { 0 };
    void *p1, *p2;

    tcg_arena_alloc(&a, 100);
    p1 = tcg_arena_alloc(&a, 300 << 10);
    tcg_arena_reset(&a);
    tcg_arena_alloc(&a, 100);
    p2 = tcg_arena_alloc(&a, 300 << 10);
    assert_ptr_equal(p1, p2);
    tcg_arena_destroy(&a);
}

/* Passes release what they allocate: verifying leaves the arena where
 * it was; optimizing keeps only its liveness facts for the backend
 * (TcgLiveInfo), and optimizing the same TB again replaces them. */
static void test_passes_release(void **state)
{
    BbTcgContext *s = tp_context();
    const TpGlobals *g = tp_globals();
    BbTcgLabel l = bb_tcg_label(s);
    TcgArenaMark m0, m1;

    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, g->r[0], tp_c64(s, 3), l);
    bb_tcg_add_i64(s, g->r[1], g->r[1], tp_c64(s, 1));
    bb_tcg_set_label(s, l);
    tp_exit(s);
    m0 = tcg_arena_mark(s->arena);
    assert_true(tcg_verify(s, NULL));
    m1 = tcg_arena_mark(s->arena);
    assert_ptr_equal(m0.chunk, m1.chunk);
    assert_int_equal(m0.used, m1.used);
    tcg_optimize(s);
    assert_non_null(s->live);
    m0 = tcg_arena_mark(s->arena);
    assert_true(tcg_verify(s, NULL));
    tcg_optimize(s);
    assert_non_null(s->live);
    m1 = tcg_arena_mark(s->arena);
    assert_ptr_equal(m0.chunk, m1.chunk);
    assert_int_equal(m0.used, m1.used);
    tcg_context_reset(s);
    assert_null(s->live);
    tcg_context_free(s);
}

static void test_const_dedup(void **state)
{
    BbTcgContext *s = tp_context();
    uint32_t ids[500], id, n;

    /* Enough values to grow the table several times. */
    for (unsigned i = 0; i < G_N_ELEMENTS(ids); i++) {
        ids[i] = tcg_const_new(s, BB_TCG_TYPE_I64, (int64_t)i * 4096 - 7);
        for (unsigned k = 0; k < i; k++) {
            assert_int_not_equal(ids[i], ids[k]);
        }
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(ids); i++) {
        id = tcg_const_new(s, BB_TCG_TYPE_I64, (int64_t)i * 4096 - 7);
        assert_int_equal(id, ids[i]);
        assert_int_equal(tcg_temp(s, id)->val, (int64_t)i * 4096 - 7);
    }
    /* I32 constants are a separate table, sign-extended. */
    assert_int_equal(tcg_const_new(s, BB_TCG_TYPE_I32, 0xffffffff),
                     bb_tcg_const_i32(s, -1).id);
    assert_int_not_equal(bb_tcg_const_i32(s, -1).id,
                         bb_tcg_const_i64(s, -1).id);
    /* A new TB starts with no constants: ids are new temps again. */
    tcg_context_reset(s);
    n = tcg_nb_temps(s);
    id = tcg_const_new(s, BB_TCG_TYPE_I64, 5);
    assert_int_equal(id, n);
    assert_int_equal(tcg_const_new(s, BB_TCG_TYPE_I64, 5), n);
    assert_int_equal(tcg_temp(s, n)->kind, TEMP_CONST);
    assert_int_equal(tcg_temp(s, n)->val, 5);
    id = tcg_const_new(s, BB_TCG_TYPE_I64, -7);
    assert_int_equal(id, n + 1);
    assert_int_equal(tcg_nb_temps(s), n + 2);
    tcg_context_free(s);
}

/* TcgVec: appends keep every element across growth, in an arena (where
 * the old blocks are simply left behind) and on the heap. */
static void vec_fill_check(TcgArena *arena)
{
    TcgVec v = { 0 };

    for (uint64_t i = 0; i < 5000; i++) {
        *tcg_vec_push(&v, arena, uint64_t) = i * 0x9e3779b97f4a7c15ull;
        assert_true(v.len <= v.cap);
    }
    assert_int_equal(v.len, 5000);
    for (uint64_t i = 0; i < 5000; i++) {
        assert_true(*tcg_vec_at(&v, uint64_t, i) ==
                    i * 0x9e3779b97f4a7c15ull);
    }
    tcg_vec_free(&v, arena);
    assert_null(v.data);
    assert_int_equal(v.len, 0);
    assert_int_equal(v.cap, 0);
}

static void test_vec(void **state)
{
    TcgArena a = { 0 };

    vec_fill_check(&a);
    vec_fill_check(NULL);
    tcg_arena_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_zeroed_aligned_disjoint),
        cmocka_unit_test(test_mark_release_reuses),
        cmocka_unit_test(test_reset_keeps_chunks),
        cmocka_unit_test(test_passes_release),
        cmocka_unit_test(test_const_dedup),
        cmocka_unit_test(test_vec),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
