/*
 * tb-cache-test.c - tests of the translation-block cache (host/tcg/
 * tb-cache.c): lookup by (pc, flags), the per-hart jump cache and its
 * generation-based invalidation, chaining on both backends (patched jumps
 * on x86-64: a chained run passes from TB A into TB B without returning;
 * recorded links on the interpreter), unchaining on invalidation,
 * invalidation by physical range (partial overlap, TBs on two pages, a
 * store from the running TB itself), the page index and its observer,
 * flush, and the flush-and-retry when the x86-64 code buffer is full.
 * TBs are small IR programs on the shared test CPU of tcg-programs.h.
 */
#include "tcg-programs.h"

#include "tcg/tb-cache.h"

#ifdef BB_HAVE_X86_64_BACKEND
#include "tcg/x86_64/tcg-x86_64.h"
#endif

#define INTERP (&tcg_backend_interp)

static TbDesc desc(uint64_t phys_pc, uint64_t virt_pc, uint32_t size)
{
    return (TbDesc){ .phys_pc = phys_pc, .virt_pc = virt_pc, .size = size };
}

/* r[reg] += add, then goto_tb 0 / exit_tb 0 (or exit_tb 2 if !chainable). */
static BbTcgContext *prog_add(unsigned reg, int64_t add, bool chainable)
{
    BbTcgContext *s = tp_context();
    const TpGlobals *g = tp_globals();

    bb_tcg_add_i64(s, g->r[reg], g->r[reg], tp_c64(s, add));
    if (chainable) {
        bb_tcg_goto_tb(s, 0);
        bb_tcg_exit_tb(s, 0);
    } else {
        tp_exit(s);
    }
    return s;
}

/* Store r[1] to guest address @addr, then as prog_add(0, 1, true). */
static BbTcgContext *prog_store(uint64_t addr)
{
    BbTcgContext *s = tp_context();
    const TpGlobals *g = tp_globals();

    bb_tcg_qemu_st_i64(s, g->r[1], tp_c64(s, (int64_t)addr), 0, BB_MO_UQ);
    bb_tcg_add_i64(s, g->r[0], g->r[0], tp_c64(s, 1));
    bb_tcg_goto_tb(s, 0);
    bb_tcg_exit_tb(s, 0);
    return s;
}

static TranslationBlock *compile_tb(TbCache *cache, const TcgBackend *b,
                                    BbTcgContext *s, TbDesc d)
{
    GError *err = NULL;
    TranslationBlock *tb = tb_cache_compile(cache, b, s, &d, &err);

    assert_no_error(err);
    assert_non_null(tb);
    tcg_context_free(s);
    return tb;
}

/* What the exec loop does between lookups: follow recorded links. */
static TcgExit run(TranslationBlock *tb, TpEnv *env, const TcgRuntime *rt)
{
    for (;;) {
        TcgExit e = tb->backend->exec(tb->code, env, rt);
        TranslationBlock *next = tb_linked_next(tb, e);

        if (!next) {
            return e;
        }
        tb = next;
    }
}

static TbCacheStats stats(const TbCache *cache)
{
    TbCacheStats st;

    tb_cache_get_stats(cache, &st);
    return st;
}

/* ------------------------------------------------------------ lookup */

static void test_lookup_by_flags(void **state)
{
    TbCache *cache = tb_cache_new();
    TbDesc d0 = desc(0x80001000, 0x1000, 4), d1 = d0;
    TranslationBlock *a, *b, *c;

    d1.flags = 3;
    a = compile_tb(cache, INTERP, prog_add(0, 1, false), d0);
    b = compile_tb(cache, INTERP, prog_add(0, 2, false), d1);
    assert_ptr_not_equal(a, b);
    assert_ptr_equal(tb_cache_lookup(cache, 0x80001000, 0x1000, 0), a);
    assert_ptr_equal(tb_cache_lookup(cache, 0x80001000, 0x1000, 3), b);
    assert_null(tb_cache_lookup(cache, 0x80001000, 0x1000, 1));
    assert_null(tb_cache_lookup(cache, 0x80001000, 0x2000, 0)); /* alias */
    assert_null(tb_cache_lookup(cache, 0x80001004, 0x1000, 0));
    assert_int_equal(a->flags, 0);
    assert_int_equal(b->flags, 3);
    assert_int_equal(stats(cache).tbs, 2);
    assert_int_equal(stats(cache).lookups, 5);
    assert_int_equal(stats(cache).hits, 2);

    /* The same key again replaces the old TB. */
    c = compile_tb(cache, INTERP, prog_add(0, 3, false), d0);
    assert_false(a->valid);
    assert_ptr_equal(tb_cache_lookup(cache, 0x80001000, 0x1000, 0), c);
    assert_int_equal(stats(cache).tbs, 2);
    assert_int_equal(stats(cache).inserted, 3);
    tb_cache_free(cache);
}

static void test_bad_desc(void **state)
{
    TbCache *cache = tb_cache_new();
    BbTcgContext *s = prog_add(0, 1, false);
    TbDesc d = desc(0x1000, 0x1000, TB_PAGE_SIZE + 1);
    GError *err = NULL;

    assert_null(tb_cache_compile(cache, INTERP, s, &d, &err));
    assert_error(err, TCG_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    d.size = 0;
    assert_null(tb_cache_compile(cache, INTERP, s, &d, &err));
    assert_error(err, TCG_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_int_equal(stats(cache).tbs, 0);
    tcg_context_free(s);
    tb_cache_free(cache);
}

/* ------------------------------------------------------------ jump cache */

static void test_jump_cache(void **state)
{
    TbCache *cache = tb_cache_new();
    TbJumpCache *jc = tb_jump_cache_new(cache), *jc2 = tb_jump_cache_new(cache);
    TranslationBlock *a, *b, *c;
    uint64_t gen;

    a = compile_tb(cache, INTERP, prog_add(0, 1, false),
                   desc(0x5000, 0x1000, 4));
    b = compile_tb(cache, INTERP, prog_add(0, 1, false),
                   desc(0x6000, 0x2000, 4));
    assert_null(tb_jump_cache_lookup(jc, 0x1000, 0));
    tb_jump_cache_insert(jc, a);
    tb_jump_cache_insert(jc, b);
    tb_jump_cache_insert(jc2, a);
    assert_ptr_equal(tb_jump_cache_lookup(jc, 0x1000, 0), a);
    assert_ptr_equal(tb_jump_cache_lookup(jc, 0x2000, 0), b);
    assert_null(tb_jump_cache_lookup(jc, 0x1000, 1));   /* other flags */
    /* The same entry as 0x1000, but another pc: entries are validated by
     * the TB's own pc. */
    assert_null(tb_jump_cache_lookup(jc, 0x1000 + (2ull << 32), 0));
    assert_int_equal(stats(cache).jc_hits, 2);

    /* What generated code probes (x86-lower-ctl.c): the entry at the
     * pc's hash holds the TB's key, a current stamp, and no host entry
     * for an interpreter TB (its probe always falls to the call). */
    {
        const TbJumpProbe *jp = tb_jump_cache_probe(jc);
        const TbJumpEntry *e = &jp->entry[TB_JMP_CACHE_HASH(0x2000ull)];

        assert_int_equal(e->pc, 0x2000);
        assert_int_equal(e->flags, 0);
        assert_int_equal(e->stamp, *jp->generation + jp->clears);
        assert_null(e->host);
        assert_ptr_equal(e->tb, b);
        assert_ptr_equal(jp->entry + TB_JMP_CACHE_HASH(0x2000ull),
                         (const TbJumpEntry *)((const char *)jp->entry +
                             (TB_JMP_CACHE_HASH(0x2000ull)
                              << TB_JMP_ENTRY_SHIFT)));
    }

    /* Invalidating any TB empties every hart's jump cache. */
    gen = tb_cache_generation(cache);
    c = compile_tb(cache, INTERP, prog_add(0, 1, false),
                   desc(0x7000, 0x3000, 4));
    assert_int_equal(tb_cache_generation(cache), gen);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x7000, 0x7001), 1);
    assert_false(c->valid);
    assert_true(tb_cache_generation(cache) > gen);
    assert_null(tb_jump_cache_lookup(jc, 0x1000, 0));
    assert_null(tb_jump_cache_lookup(jc, 0x2000, 0));
    assert_null(tb_jump_cache_lookup(jc2, 0x1000, 0));
    {
        const TbJumpProbe *jp = tb_jump_cache_probe(jc);
        const TbJumpEntry *e = &jp->entry[TB_JMP_CACHE_HASH(0x2000ull)];

        assert_int_not_equal(e->stamp, *jp->generation + jp->clears);
    }
    tb_cache_reclaim(cache);

    /* A hart's own clear affects only its jump cache. */
    tb_jump_cache_insert(jc, a);
    tb_jump_cache_insert(jc2, a);
    tb_jump_cache_clear(jc);
    assert_null(tb_jump_cache_lookup(jc, 0x1000, 0));
    assert_ptr_equal(tb_jump_cache_lookup(jc2, 0x1000, 0), a);
    tb_jump_cache_insert(jc, a);
    assert_ptr_equal(tb_jump_cache_lookup(jc, 0x1000, 0), a);

    /* A flush empties them too (and frees the TBs they pointed to). */
    tb_cache_flush(cache);
    assert_null(tb_jump_cache_lookup(jc, 0x1000, 0));
    assert_null(tb_jump_cache_lookup(jc2, 0x1000, 0));
    assert_int_equal(stats(cache).jc_lookups, 13);
    assert_int_equal(stats(cache).jc_hits, 4);
    tb_jump_cache_free(jc);
    tb_jump_cache_free(jc2);
    tb_cache_free(cache);
}

/* ------------------------------------------------------------ chaining */

/* A (pc 0x1000): r0 += 1, goto_tb 0.  B (pc 0x1040): r1 += 10, exit 2. */
static void check_chaining(const TcgBackend *backend)
{
    TbCache *cache = tb_cache_new();
    TranslationBlock *a, *b, *far, *other_flags;
    TpEnv env = { 0 };
    TbDesc d;

    a = compile_tb(cache, backend, prog_add(0, 1, true),
                   desc(0x80001000, 0x1000, 8));
    b = compile_tb(cache, backend, prog_add(1, 10, false),
                   desc(0x80001040, 0x1040, 8));
    far = compile_tb(cache, backend, prog_add(1, 10, false),
                     desc(0x80002000, 0x2000, 8));
    d = desc(0x80001080, 0x1080, 8);
    d.flags = 1;
    other_flags = compile_tb(cache, backend, prog_add(1, 10, false), d);

    assert_int_equal(run(a, &env, NULL), TCG_EXIT_SLOT0);
    assert_int_equal(env.r[0], 1);
    assert_ptr_equal(tb_exit_source(a, TCG_EXIT_SLOT0), a);
    assert_null(tb_exit_source(b, TCG_EXIT_NOCHAIN));

    assert_false(tb_cache_chain(cache, a, 0, far));         /* other page */
    assert_false(tb_cache_chain(cache, a, 0, other_flags)); /* other flags */
    assert_false(tb_cache_chain(cache, a, 2, b));
    assert_true(tb_cache_chain(cache, a, 0, b));
    assert_true(tb_cache_chain(cache, a, 0, b));            /* already */
    assert_ptr_equal(a->jmp_dest[0], b);
    assert_int_equal(b->jmp_in.len, 1);
    assert_int_equal(stats(cache).chains, 1);
    assert_int_equal(a->patched, backend != INTERP);
    if (a->patched) {
        /* x86-64: A has no goto_tb 1 to patch. */
        assert_false(tb_cache_chain(cache, a, 1, b));
        /* One exec call runs A then B; the exit is B's. */
        assert_int_equal(backend->exec(a->code, &env, NULL),
                         TCG_EXIT_NOCHAIN);
        assert_null(tb_linked_next(a, TCG_EXIT_SLOT0));
        /* A is linked, so an exit of a run entered at A is ambiguous. */
        assert_null(tb_exit_source(a, TCG_EXIT_SLOT1));
    } else {
        assert_int_equal(backend->exec(a->code, &env, NULL), TCG_EXIT_SLOT0);
        assert_ptr_equal(tb_linked_next(a, TCG_EXIT_SLOT0), b);
        assert_null(tb_linked_next(a, TCG_EXIT_SLOT1));
        assert_null(tb_linked_next(a, TCG_EXIT_NOCHAIN));
        assert_ptr_equal(tb_exit_source(a, TCG_EXIT_SLOT1), a);
        assert_int_equal(backend->exec(b->code, &env, NULL),
                         TCG_EXIT_NOCHAIN);
    }
    assert_int_equal(env.r[0], 2);
    assert_int_equal(env.r[1], 10);
    assert_int_equal(run(a, &env, NULL), TCG_EXIT_NOCHAIN);
    assert_int_equal(env.r[0], 3);
    assert_int_equal(env.r[1], 20);

    /* Invalidating B (one byte of it) unchains A. */
    assert_int_equal(
        tb_cache_invalidate_phys_range(cache, 0x80001047, 0x80001048), 1);
    assert_false(b->valid);
    assert_null(a->jmp_dest[0]);
    assert_int_equal(b->jmp_in.len, 0);
    assert_null(tb_cache_lookup(cache, 0x80001040, 0x1040, 0));
    assert_int_equal(run(a, &env, NULL), TCG_EXIT_SLOT0);
    assert_int_equal(env.r[0], 4);
    assert_int_equal(env.r[1], 20);
    assert_false(tb_cache_chain(cache, a, 0, b));           /* invalid */

    /* Invalidating the source drops its outgoing link from the target. */
    b = compile_tb(cache, backend, prog_add(1, 10, false),
                   desc(0x80001040, 0x1040, 8));
    assert_true(tb_cache_chain(cache, a, 0, b));
    tb_cache_invalidate(cache, a);
    assert_int_equal(b->jmp_in.len, 0);
    assert_int_equal(run(b, &env, NULL), TCG_EXIT_NOCHAIN);
    assert_int_equal(env.r[1], 30);
    assert_int_equal(stats(cache).invalidations, 2);
    tb_cache_free(cache);
}

static void test_chaining(void **state)
{
    for (unsigned i = 0; i < TP_NB_BACKENDS; i++) {
        check_chaining(tp_backends[i]);
    }
}

/* Self-loops and re-targeting are pure bookkeeping on the interpreter. */
static void test_link_bookkeeping(void **state)
{
    TbCache *cache = tb_cache_new();
    TranslationBlock *a, *b, *c;

    a = compile_tb(cache, INTERP, prog_add(0, 1, true), desc(0x1000, 0x1000, 4));
    b = compile_tb(cache, INTERP, prog_add(0, 1, true), desc(0x1004, 0x1004, 4));
    c = compile_tb(cache, INTERP, prog_add(0, 1, true), desc(0x1008, 0x1008, 4));
    assert_true(tb_cache_chain(cache, a, 0, a));
    assert_true(tb_cache_chain(cache, a, 1, b));
    assert_true(tb_cache_chain(cache, b, 0, c));
    assert_true(tb_cache_chain(cache, c, 0, a));
    assert_true(tb_cache_chain(cache, a, 1, c)); /* re-target: b loses it */
    assert_int_equal(b->jmp_in.len, 0);
    assert_int_equal(c->jmp_in.len, 2);
    assert_int_equal(a->jmp_in.len, 2);

    tb_cache_invalidate(cache, a);
    assert_null(a->jmp_dest[0]);
    assert_null(a->jmp_dest[1]);
    assert_null(c->jmp_dest[0]);
    assert_int_equal(c->jmp_in.len, 1); /* b -> c stays */
    assert_ptr_equal(b->jmp_dest[0], c);
    tb_cache_invalidate(cache, a);       /* twice: nothing happens */
    assert_int_equal(stats(cache).invalidations, 1);
    tb_cache_free(cache);
}

/* A link is only made when the source covers every virtual page of the
 * target: a TB crossing into a page the source does not cover would be
 * entered without the lookup that compares its second page. */
static void test_chain_cross_page(void **state)
{
    TbCache *cache = tb_cache_new();
    TranslationBlock *a, *cross, *b;

    /* a: one page (0x1000); cross: 0x1ffe..0x2001 on pages 1 and 2 */
    a = compile_tb(cache, INTERP, prog_add(0, 1, true),
                   desc(0x11f00, 0x1f00, 8));
    cross = compile_tb(cache, INTERP, prog_add(0, 1, true),
                       (TbDesc){ .phys_pc = 0x11ffe, .virt_pc = 0x1ffe,
                                 .size = 4, .phys_page2 = 0x35000 });
    b = compile_tb(cache, INTERP, prog_add(0, 1, true),
                   desc(0x35010, 0x2010, 4));
    assert_int_equal(cross->page[1], 0x35000);
    assert_false(tb_cache_chain(cache, a, 0, cross));
    assert_null(a->jmp_dest[0]);
    /* a TB covering both pages may jump into it, and it to either page */
    assert_true(tb_cache_chain(cache, cross, 0, cross));
    assert_true(tb_cache_chain(cache, cross, 1, b));
    assert_true(tb_cache_chain(cache, cross, 0, a));
    /* the second page is part of the TB: a write there invalidates it */
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x35001, 0x35002),
                     1);
    assert_false(cross->valid);
    assert_true(b->valid);
    tb_cache_free(cache);
}

/* ------------------------------------------------------------ invalidation */

static void test_partial_range(void **state)
{
    TbCache *cache = tb_cache_new();
    TranslationBlock *tb;

    tb = compile_tb(cache, INTERP, prog_add(0, 1, false),
                    desc(0x2100, 0x2100, 16));
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x2110, 0x2200), 0);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x20f0, 0x2100), 0);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x2108, 0x2108), 0);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x3000, 0x2000), 0);
    assert_true(tb->valid);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x210c, 0x2110), 1);
    assert_false(tb->valid);
    assert_null(tb_cache_lookup(cache, 0x2100, 0x2100, 0));
    assert_false(tb_cache_page_has_code(cache, 0x2000));

    /* A range far larger than the page index walks the index instead. */
    tb = compile_tb(cache, INTERP, prog_add(0, 1, false),
                    desc(0xfffffffffffff000ull, 0x1000, 4));
    compile_tb(cache, INTERP, prog_add(0, 1, false), desc(0x4000, 0x1000, 4));
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x5000,
                                                    UINT64_MAX), 1);
    assert_false(tb->valid);
    assert_int_equal(stats(cache).tbs, 1);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0, 0x4001), 1);
    assert_int_equal(stats(cache).tbs, 0);
    tb_cache_free(cache);
}

/* "Has code" answers from a counting filter over page buckets when a
 * bucket is empty: pages sharing a bucket (4096 pages apart) stay exact,
 * through invalidation and flush. */
static void test_code_filter(void **state)
{
    TbCache *cache = tb_cache_new();
    const uint64_t a = 0x5000, b = 0x5000 + 4096ull * 4096;

    compile_tb(cache, INTERP, prog_add(0, 1, false), desc(a, a, 4));
    assert_true(tb_cache_page_has_code(cache, a + 8));
    assert_false(tb_cache_page_has_code(cache, b));      /* same bucket */
    assert_false(tb_cache_page_has_code(cache, a + 0x1000));
    compile_tb(cache, INTERP, prog_add(0, 1, false), desc(b, 0x6000, 4));
    assert_true(tb_cache_page_has_code(cache, a));
    assert_true(tb_cache_page_has_code(cache, b));
    assert_int_equal(tb_cache_invalidate_phys_range(cache, a, a + 1), 1);
    assert_false(tb_cache_page_has_code(cache, a));
    assert_true(tb_cache_page_has_code(cache, b));
    tb_cache_flush(cache);
    assert_false(tb_cache_page_has_code(cache, b));
    compile_tb(cache, INTERP, prog_add(0, 1, false), desc(a, a, 4));
    assert_true(tb_cache_page_has_code(cache, a));
    assert_false(tb_cache_page_has_code(cache, b));
    tb_cache_free(cache);
}

static void test_two_pages(void **state)
{
    TbCache *cache = tb_cache_new();
    TranslationBlock *tb, *other;
    TbDesc d = desc(0x3ff8, 0x7ff8, 16); /* 8 bytes in each page */

    d.phys_page2 = 0x9000;               /* not the next physical page */
    tb = compile_tb(cache, INTERP, prog_add(0, 1, false), d);
    assert_int_equal(tb->page[0], 0x3000);
    assert_int_equal(tb->page[1], 0x9000);
    assert_true(tb_cache_page_has_code(cache, 0x3000));
    assert_true(tb_cache_page_has_code(cache, 0x9fff));
    assert_false(tb_cache_page_has_code(cache, 0x4000));
    assert_int_equal(stats(cache).pages, 2);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x4000, 0x4008), 0);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x9008, 0x9010), 0);
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x3ff0, 0x3ff8), 0);
    /* The second page... */
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x9004, 0x9005), 1);
    assert_false(tb_cache_page_has_code(cache, 0x3000));
    assert_false(tb_cache_page_has_code(cache, 0x9000));

    /* ...or the first; a TB of its own keeps the second page marked. */
    tb = compile_tb(cache, INTERP, prog_add(0, 1, false), d);
    other = compile_tb(cache, INTERP, prog_add(0, 1, false),
                       desc(0x9800, 0x5800, 4));
    assert_int_equal(tb_cache_invalidate_phys_range(cache, 0x3ffc, 0x3ffd), 1);
    assert_false(tb->valid);
    assert_true(other->valid);
    assert_false(tb_cache_page_has_code(cache, 0x3000));
    assert_true(tb_cache_page_has_code(cache, 0x9000));

    /* A TB that ends exactly at the page end is on one page. */
    tb = compile_tb(cache, INTERP, prog_add(0, 1, false),
                    desc(0x3ff8, 0x7ff8, 8));
    assert_int_equal(tb->page[1], TB_NO_PAGE);
    assert_int_equal(stats(cache).pages, 2);
    tb_cache_free(cache);
}

typedef struct NotifyLog {
    GArray *events; /* uint64_t: page | has_code */
} NotifyLog;

static void log_notify(void *opaque, uint64_t page, bool has_code)
{
    NotifyLog *log = opaque;
    uint64_t ev = page | has_code;

    g_array_append_val(log->events, ev);
}

static void test_page_index(void **state)
{
    TbCache *cache = tb_cache_new();
    NotifyLog log = { g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
    TranslationBlock *a, *b;

    tb_cache_set_page_notify(cache, log_notify, &log);
    a = compile_tb(cache, INTERP, prog_add(0, 1, false),
                   desc(0x10000, 0x1000, 4));
    b = compile_tb(cache, INTERP, prog_add(0, 1, false),
                   desc(0x10800, 0x1800, 4));
    compile_tb(cache, INTERP, prog_add(0, 1, false), desc(0x20000, 0x2000, 4));
    assert_int_equal(log.events->len, 2);
    assert_int_equal(g_array_index(log.events, uint64_t, 0), 0x10001);
    assert_int_equal(g_array_index(log.events, uint64_t, 1), 0x20001);
    assert_int_equal(stats(cache).pages, 2);

    tb_cache_invalidate(cache, a);
    assert_true(tb_cache_page_has_code(cache, 0x10000));
    assert_int_equal(log.events->len, 2);
    tb_cache_invalidate(cache, b);
    assert_false(tb_cache_page_has_code(cache, 0x10000));
    assert_int_equal(log.events->len, 3);
    assert_int_equal(g_array_index(log.events, uint64_t, 2), 0x10000);

    tb_cache_flush(cache);
    assert_false(tb_cache_page_has_code(cache, 0x20000));
    assert_int_equal(log.events->len, 4);
    assert_int_equal(g_array_index(log.events, uint64_t, 3), 0x20000);
    assert_int_equal(stats(cache).pages, 0);
    g_array_unref(log.events);
    tb_cache_free(cache);
}

/* ------------------------------------------------------------ SMC */

/* A guest store that hits code: what the softmmu's slow path will do. */
typedef struct SmcMem {
    TpMem mem;
    TbCache *cache;
    unsigned invalidated;
} SmcMem;

static void smc_store(void *opaque, uint64_t addr, uint64_t value,
                      BbMemOp mop, unsigned mmu_idx)
{
    SmcMem *m = opaque;
    unsigned size = 1u << (mop & BB_MO_SIZE);

    tp_mem_store(&m->mem, addr, value, mop, mmu_idx);
    if (tb_cache_page_has_code(m->cache, addr)) {
        m->invalidated +=
            tb_cache_invalidate_phys_range(m->cache, addr, addr + size);
    }
}

/* A (0x100) stores into B (0x140), to which it is chained: the store
 * unchains A, so A leaves through its own exit and B does not run.  Then
 * A stores into itself: it finishes, invalid, and is freed later. */
static void check_smc(const TcgBackend *backend)
{
    TbCache *cache = tb_cache_new();
    SmcMem *m = g_new0(SmcMem, 1);
    TcgRuntime rt = { .load = tp_mem_load, .store = smc_store, .opaque = m };
    TranslationBlock *a, *b;
    TpEnv env = { .r = { 0, 0x1234 } };

    m->cache = cache;
    a = compile_tb(cache, backend, prog_store(0x140), desc(0x100, 0x100, 8));
    b = compile_tb(cache, backend, prog_add(1, 10, false),
                   desc(0x140, 0x140, 8));
    assert_true(tb_cache_chain(cache, a, 0, b));
    assert_int_equal(run(a, &env, &rt), TCG_EXIT_SLOT0);
    assert_int_equal(m->invalidated, 1);
    assert_int_equal(env.r[0], 1);
    assert_int_equal(env.r[1], 0x1234);
    assert_int_equal(m->mem.bytes[0x140], 0x34);
    assert_false(b->valid);
    assert_true(a->valid);

    a = compile_tb(cache, backend, prog_store(0x104), desc(0x100, 0x100, 8));
    assert_int_equal(stats(cache).tbs, 1);
    assert_int_equal(run(a, &env, &rt), TCG_EXIT_SLOT0);
    assert_int_equal(m->invalidated, 2);
    assert_int_equal(stats(cache).invalidations, 3); /* + the replaced A */
    assert_int_equal(env.r[0], 2);
    assert_false(a->valid);
    assert_int_equal(stats(cache).tbs, 0);
    assert_false(tb_cache_page_has_code(cache, 0x100));
    tb_cache_reclaim(cache);
    g_free(m);
    tb_cache_free(cache);
}

static void test_smc(void **state)
{
    for (unsigned i = 0; i < TP_NB_BACKENDS; i++) {
        check_smc(tp_backends[i]);
    }
}

/* ------------------------------------------------------------ exec loop */

/*
 * The guest: pc 0x1000 counts r0 up to 10, looping on itself through
 * goto_tb 0 and leaving through goto_tb 1 to 0x1010, which sets
 * r1 = 2 * r0 and halts (pc 0).  r7 is the pc.
 */
static BbTcgContext *translate(uint64_t pc)
{
    BbTcgContext *s = tp_context();
    const TpGlobals *g = tp_globals();
    BbTcgLabel done = bb_tcg_label(s);

    s->pc_first = pc;
    if (pc == 0x1000) {
        bb_tcg_add_i64(s, g->r[0], g->r[0], tp_c64(s, 1));
        bb_tcg_brcond_i64(s, BB_TCG_COND_GEU, g->r[0], tp_c64(s, 10), done);
        bb_tcg_goto_tb(s, 0);
        bb_tcg_mov_i64(s, g->r[7], tp_c64(s, 0x1000));
        bb_tcg_exit_tb(s, 0);
        bb_tcg_set_label(s, done);
        bb_tcg_goto_tb(s, 1);
        bb_tcg_mov_i64(s, g->r[7], tp_c64(s, 0x1010));
        bb_tcg_exit_tb(s, 1);
    } else {
        bb_tcg_add_i64(s, g->r[1], g->r[0], g->r[0]);
        bb_tcg_mov_i64(s, g->r[7], tp_c64(s, 0));
        tp_exit(s);
    }
    return s;
}

/* What the exec loop will do (identity-mapped, no interrupts); returns
 * how many times control came back to it. */
static unsigned exec_loop(TbCache *cache, TbJumpCache *jc,
                          const TcgBackend *backend, TpEnv *env)
{
    TranslationBlock *last = NULL;
    TcgExit last_exit = TCG_EXIT_NOCHAIN;
    uint64_t last_gen = 0;
    unsigned returns = 0;

    while (env->r[7] != 0) {
        uint64_t pc = env->r[7], flags = 0;
        TranslationBlock *tb;
        TcgExit exit;

        tb_cache_reclaim(cache);
        tb = tb_jump_cache_lookup(jc, pc, flags);
        if (!tb) {
            tb = tb_cache_lookup(cache, pc, pc, flags);
        }
        if (!tb) {
            BbTcgContext *s = translate(pc);
            TbDesc d = { .phys_pc = pc, .virt_pc = pc, .flags = flags,
                         .size = 8 };

            tcg_optimize(s);
            tb = compile_tb(cache, backend, s, d);
        }
        tb_jump_cache_insert(jc, tb);
        if (last && tb_cache_generation(cache) == last_gen) {
            tb_cache_chain(cache, last, last_exit, tb);
        }
        last_gen = tb_cache_generation(cache);
        exit = tb->backend->exec(tb->code, env, NULL);
        for (TranslationBlock *next; (next = tb_linked_next(tb, exit));) {
            tb = next;
            exit = tb->backend->exec(tb->code, env, NULL);
        }
        last = tb_exit_source(tb, exit);
        last_exit = exit;
        returns++;
    }
    return returns;
}

static void test_exec_loop(void **state)
{
    for (unsigned i = 0; i < TP_NB_BACKENDS; i++) {
        TbCache *cache = tb_cache_new();
        TbJumpCache *jc = tb_jump_cache_new(cache);
        TpEnv env = { .r = { [7] = 0x1000 } };
        unsigned returns = exec_loop(cache, jc, tp_backends[i], &env);

        assert_int_equal(env.r[0], 10);
        assert_int_equal(env.r[1], 20);
        /* The first loop iteration returns, then the loop runs linked;
         * on x86-64 the ambiguous exit into 0x1010 is not chained. */
        assert_int_equal(returns, 3);
        assert_int_equal(stats(cache).tbs, 2);
        assert_int_equal(stats(cache).chains, i == 0 ? 2 : 1);

        env.r[0] = 0;
        env.r[7] = 0x1000;
        returns = exec_loop(cache, jc, tp_backends[i], &env);
        assert_int_equal(env.r[1], 20);
        assert_int_equal(returns, i == 0 ? 1 : 2);
        assert_int_equal(stats(cache).inserted, 2);
        tb_jump_cache_free(jc);
        tb_cache_free(cache);
    }
}

/* ------------------------------------------------------------ flush */

static void test_flush(void **state)
{
    TbCache *cache = tb_cache_new();
    TbJumpCache *jc = tb_jump_cache_new(cache);
    TranslationBlock *tbs[TP_NB_BACKENDS * 2];
    uint64_t gen;
    g_autoptr(GString) line = g_string_new(NULL);

    for (unsigned i = 0; i < G_N_ELEMENTS(tbs); i++) {
        const TcgBackend *b = tp_backends[i / 2];

        tbs[i] = compile_tb(cache, b, prog_add(0, 1, true),
                            desc(0x1000 + 0x40 * i, 0x1000 + 0x40 * i, 8));
        tb_jump_cache_insert(jc, tbs[i]);
        if (i % 2) {
            assert_true(tb_cache_chain(cache, tbs[i - 1], 0, tbs[i]));
        }
    }
    tb_cache_invalidate(cache, tbs[0]);  /* a zombie, freed by the flush */
    gen = tb_cache_generation(cache);
    tb_cache_flush(cache);
    assert_true(tb_cache_generation(cache) > gen);
    assert_int_equal(stats(cache).tbs, 0);
    assert_int_equal(stats(cache).pages, 0);
    assert_int_equal(stats(cache).flushes, 1);
    assert_null(tb_cache_lookup(cache, 0x1040, 0x1040, 0));
    assert_null(tb_jump_cache_lookup(jc, 0x1040, 0));
    assert_false(tb_cache_page_has_code(cache, 0x1000));
#ifdef BB_HAVE_X86_64_BACKEND
    assert_int_equal(tcg_x86_64_live_codes(), 0);
#endif
    tb_cache_format_stats(cache, line);
    assert_contains(line->str, "TBs 0 on 0 pages");
    assert_contains(line->str, "flushes 1 (buffer full 0)");
    tb_jump_cache_free(jc);
    tb_cache_free(cache);
}

#ifdef BB_HAVE_X86_64_BACKEND
/* A TB big enough to fill a small buffer quickly. */
static BbTcgContext *prog_big(void)
{
    BbTcgContext *s = tp_context();
    const TpGlobals *g = tp_globals();

    for (unsigned i = 0; i < 64; i++) {
        bb_tcg_xor_i64(s, g->r[i % 4], g->r[(i + 1) % 4], tp_c64(s, i));
        bb_tcg_add_i64(s, g->r[4 + i % 4], g->r[4 + i % 4], g->r[i % 4]);
    }
    bb_tcg_add_i64(s, g->r[0], g->r[0], tp_c64(s, 1));
    bb_tcg_goto_tb(s, 0);
    bb_tcg_exit_tb(s, 0);
    return s;
}

static void test_x86_flush_and_buffer_full(void **state)
{
    TbCache *cache;
    GError *err = NULL;
    BbTcgContext *s;
    TranslationBlock *tb = NULL;
    TcgCode *ref;
    size_t used, used_empty;
    unsigned n = 0;
    TpEnv env = { 0 }, env_ref = { 0 };

    assert_int_equal(tcg_x86_64_live_codes(), 0);
    assert_true(tcg_x86_64_set_buffer(64 << 10, true, &err));
    assert_no_error(err);
    tcg_x86_64_buffer_info(&used_empty, NULL, NULL, NULL);
    cache = tb_cache_new();

    /* A flush resets the buffer. */
    compile_tb(cache, &tcg_backend_x86_64, prog_add(0, 1, false),
               desc(0x1000, 0x1000, 4));
    tcg_x86_64_buffer_info(&used, NULL, NULL, NULL);
    assert_true(used > used_empty);
    tb_cache_flush(cache);
    tcg_x86_64_buffer_info(&used, NULL, NULL, NULL);
    assert_int_equal(used, used_empty);

    /* Fill the buffer: the compile that finds it full flushes and
     * retries, so every compile succeeds. */
    s = prog_big();
    while (stats(cache).full_flushes == 0) {
        TbDesc d = desc(0x10000 + 16 * n, 0x10000 + 16 * n, 16);

        tb = tb_cache_compile(cache, &tcg_backend_x86_64, s, &d, &err);
        assert_no_error(err);
        assert_non_null(tb);
        n++;
        assert_true(n < 10000);
    }
    assert_true(n > 2);
    assert_int_equal(stats(cache).tbs, 1);
    assert_int_equal(stats(cache).flushes, 2);
    assert_int_equal(tcg_x86_64_live_codes(), 1);
    assert_null(tb_cache_lookup(cache, 0x10000, 0x10000, 0));
    assert_ptr_equal(tb_cache_lookup(cache, 0x10000 + 16 * (n - 1),
                                     0x10000 + 16 * (n - 1), 0), tb);
    tcg_x86_64_buffer_info(&used, NULL, NULL, NULL);
    assert_true(used > used_empty);
    assert_true(used <= used_empty + tcg_x86_64_code_size(tb->code) + 15);

    /* The retried TB runs, and computes what the interpreter does. */
    assert_int_equal(tb->backend->exec(tb->code, &env, NULL), TCG_EXIT_SLOT0);
    ref = INTERP->compile(s, &err);
    assert_no_error(err);
    assert_int_equal(INTERP->exec(ref, &env_ref, NULL), TCG_EXIT_SLOT0);
    INTERP->free(ref);
    assert_memory_equal(env.r, env_ref.r, sizeof(env.r));
    assert_true(env.r[0] != 0);
    tcg_context_free(s);
    tb_cache_free(cache);

    assert_int_equal(tcg_x86_64_live_codes(), 0);
    assert_true(tcg_x86_64_set_buffer(64 << 20, true, &err));
    assert_no_error(err);
}
#endif

#ifdef BB_HAVE_X86_64_BACKEND
/* Host return addresses map to their TB through the sorted table, also
 * for an invalidated TB (until it is freed) and after links are gone. */
static void test_find_host_pc(void **state)
{
    TbCache *cache = tb_cache_new();
    TranslationBlock *tb[3];
    uintptr_t entry[3];
    size_t size[3];

    for (unsigned i = 0; i < 3; i++) {
        tb[i] = compile_tb(cache, &tcg_backend_x86_64, prog_add(0, 1, true),
                           desc(0x1000 + 16 * i, 0x1000 + 16 * i, 4));
        entry[i] = tcg_x86_64_code_entry(tb[i]->code);
        size[i] = tcg_x86_64_code_size(tb[i]->code);
    }
    assert_true(tb_cache_chain(cache, tb[0], 0, tb[1]));
    for (unsigned i = 0; i < 3; i++) {
        assert_ptr_equal(tb_cache_find_host_pc(cache, entry[i] + 1), tb[i]);
        assert_ptr_equal(tb_cache_find_host_pc(cache, entry[i] + size[i]),
                         tb[i]);
        assert_ptr_not_equal(tb_cache_find_host_pc(cache, entry[i]), tb[i]);
    }
    assert_null(tb_cache_find_host_pc(cache, 0));
    assert_null(tb_cache_find_host_pc(cache, entry[2] + size[2] + 4096));

    /* invalidated (and unlinked): still found until the safe point */
    tb_cache_invalidate(cache, tb[1]);
    assert_null(tb[0]->jmp_dest[0]);
    assert_ptr_equal(tb_cache_find_host_pc(cache, entry[1] + 1), tb[1]);
    tb_cache_reclaim(cache);
    assert_null(tb_cache_find_host_pc(cache, entry[1] + 1));
    assert_ptr_equal(tb_cache_find_host_pc(cache, entry[2] + 1), tb[2]);
    tb_cache_flush(cache);
    assert_null(tb_cache_find_host_pc(cache, entry[0] + 1));
    tb_cache_free(cache);
}

/* Freed TBs leave tombstones that are compacted in bulk: with hundreds
 * invalidated in several rounds, the live ones are still found, the
 * freed ones are not, and TBs compiled afterwards are found too. */
static void test_find_host_pc_many(void **state)
{
    enum { N = 300 };
    TbCache *cache = tb_cache_new();
    TranslationBlock *tb[N + 50];
    uintptr_t entry[N + 50];
    bool live[N + 50];

    for (unsigned i = 0; i < N; i++) {
        tb[i] = compile_tb(cache, &tcg_backend_x86_64, prog_add(0, 1, true),
                           desc(0x1000 + 16 * i, 0x1000 + 16 * i, 4));
        entry[i] = tcg_x86_64_code_entry(tb[i]->code);
        live[i] = true;
    }
    /* three rounds: every third, then every other, then 1 in 5 left */
    for (unsigned round = 0; round < 3; round++) {
        for (unsigned i = 0; i < N; i++) {
            bool kill = round == 0 ? i % 3 == 0
                      : round == 1 ? i % 2 == 0 : i % 5 != 0;
            if (live[i] && kill) {
                tb_cache_invalidate(cache, tb[i]);
                live[i] = false;
            }
        }
        tb_cache_reclaim(cache);
        for (unsigned i = 0; i < N; i++) {
            assert_ptr_equal(tb_cache_find_host_pc(cache, entry[i] + 1),
                             live[i] ? tb[i] : NULL);
        }
    }
    for (unsigned i = N; i < N + 50; i++) {
        tb[i] = compile_tb(cache, &tcg_backend_x86_64, prog_add(0, 1, true),
                           desc(0x9000 + 16 * i, 0x9000 + 16 * i, 4));
        entry[i] = tcg_x86_64_code_entry(tb[i]->code);
        live[i] = true;
    }
    for (unsigned i = 0; i < N + 50; i++) {
        assert_ptr_equal(tb_cache_find_host_pc(cache, entry[i] + 1),
                         live[i] ? tb[i] : NULL);
    }
    tb_cache_free(cache);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_by_flags),
        cmocka_unit_test(test_bad_desc),
        cmocka_unit_test(test_jump_cache),
        cmocka_unit_test(test_chaining),
        cmocka_unit_test(test_link_bookkeeping),
        cmocka_unit_test(test_chain_cross_page),
        cmocka_unit_test(test_partial_range),
        cmocka_unit_test(test_two_pages),
        cmocka_unit_test(test_code_filter),
        cmocka_unit_test(test_page_index),
        cmocka_unit_test(test_smc),
        cmocka_unit_test(test_exec_loop),
        cmocka_unit_test(test_flush),
#ifdef BB_HAVE_X86_64_BACKEND
        cmocka_unit_test(test_x86_flush_and_buffer_full),
        cmocka_unit_test(test_find_host_pc),
        cmocka_unit_test(test_find_host_pc_many),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
