/*
 * tb-cache.c - the translation-block cache (tb-cache.h): a GHashTable of
 * TBs keyed by (physical pc, virtual pc, flags); a page index (GHashTable
 * from physical page address to the TBs with bytes in that page) for
 * invalidation and for the softmmu's "does this page hold code?"; links
 * between TBs kept on both ends (outgoing per goto_tb slot, incoming as a
 * list) so invalidating a TB unpatches everything jumping into it; one
 * generation counter that invalidates every hart's jump cache at once;
 * a list of invalidated TBs whose code is freed at the next safe point;
 * and the TBs' host code ranges sorted by address, to map a host return
 * address to its TB.  The x86-64 specifics (patching, the full-buffer
 * error, the buffer flush, host code ranges) come through the backend's
 * TcgBackend hooks.
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/error.h>

#include "tcg/tb-cache.h"


#define TB_CODE_FILTER 4096  /* buckets of TbCache.code_filter, a power of 2 */

/* The TBs with at least one byte in one physical page. */
typedef struct TbPage {
    uint64_t addr;   /* page address; the hash key points here */
    GPtrArray *tbs;  /* TranslationBlock * (not owned) */
} TbPage;

/* Where a TB's host code is: (start, start + size]. */
typedef struct TbHostRange {
    uintptr_t start;
    uintptr_t end;            /* start + size */
    TranslationBlock *tb;
} TbHostRange;

/*
 * TBs live in slabs of TB_SLAB_TBS, reused through a free list: a malloc
 * per TB, and a free per TB in hash-table order at exit (each a cache
 * miss), were 3-4% of translating code that runs once; at exit the slabs
 * are walked in order and freed whole.  A slot without a TB has phys_pc
 * TB_SLOT_FREE (the last byte of a 64-bit physical address space: no
 * CPU model here has code up there) and the rest of it poisoned
 * (tcg_mem_poison()), so a stale TB pointer is still reported by valgrind
 * and ASan as a freed block's would be.
 */
#define TB_SLAB_TBS 256
#define TB_SLOT_FREE UINT64_MAX

typedef struct TbSlab {
    struct TbSlab *next;
    unsigned used;            /* slots handed out at least once */
    TranslationBlock tbs[TB_SLAB_TBS];
} TbSlab;

struct TbCache {
    GHashTable *tbs;          /* TranslationBlock * set, by key; owns them */
    TbSlab *slabs;            /* where the TBs live, newest first */
    GPtrArray *free_tbs;      /* slab slots given back */
    GArray *by_host;          /* TbHostRange sorted by start: TBs not yet
                                 freed whose backend has host_range, and
                                 tombstones (tb NULL) of freed ones */
    guint by_host_dead;       /* tombstones in by_host */
    /* pages with code per bucket of page addresses: most pages a TLB fill
     * asks about have none, and a zero here answers without the hash */
    uint32_t code_filter[TB_CODE_FILTER];
    GHashTable *pages;        /* &TbPage.addr -> TbPage (owned) */
    GPtrArray *zombies;       /* invalidated, freed at the next safe point */
    uint64_t generation;      /* bumped by invalidations and flushes */
    GPtrArray *backends;      /* backends with code here (flush resets) */
    TbPageNotify *notify;
    void *notify_opaque;
    GDestroyNotify info_free; /* of TranslationBlock.exec_info */
    TbCacheStats stats;       /* tbs and pages are filled in on reading */
};

struct TbJumpCache {
    TbJumpProbe probe;        /* first: generated code reads it */
    TbCache *cache;
    TbJumpEntry entry[TB_JMP_CACHE_SIZE];
};

/* ------------------------------------------------------------ keys */

static guint tb_hash(gconstpointer p)
{
    const TranslationBlock *tb = p;
    uint64_t h = tb->phys_pc ^ (tb->virt_pc * 0x9e3779b97f4a7c15ull) ^
                 (tb->flags * 0xc2b2ae3d27d4eb4full);

    h ^= h >> 31;
    h *= 0xff51afd7ed558ccdull;
    return (guint)(h ^ (h >> 32));
}

static gboolean tb_equal(gconstpointer a, gconstpointer b)
{
    const TranslationBlock *x = a, *y = b;

    return x->phys_pc == y->phys_pc && x->virt_pc == y->virt_pc &&
           x->flags == y->flags;
}

/* Bytes of @tb in its first page. */
static uint64_t tb_len0(const TranslationBlock *tb)
{
    return MIN((uint64_t)tb->size, TB_PAGE_SIZE - (tb->phys_pc & ~TB_PAGE_MASK));
}

/* Do [a, a + len) and the inclusive range [first, last] share a byte? */
static bool overlaps(uint64_t a, uint64_t len, uint64_t first, uint64_t last)
{
    return len && a <= last && first <= a + (len - 1);
}

static bool tb_overlaps(const TranslationBlock *tb, uint64_t first,
                        uint64_t last)
{
    uint64_t len0 = tb_len0(tb);

    return overlaps(tb->phys_pc, len0, first, last) ||
           (tb->page[1] != TB_NO_PAGE &&
            overlaps(tb->page[1], tb->size - len0, first, last));
}

/* ------------------------------------------------------------ page index */

static void page_free(gpointer p)
{
    TbPage *page = p;

    g_ptr_array_unref(page->tbs);
    g_free(page);
}

static unsigned code_filter_index(uint64_t page_addr)
{
    return (unsigned)(page_addr / TB_PAGE_SIZE) & (TB_CODE_FILTER - 1);
}

static void page_add(TbCache *cache, uint64_t addr, TranslationBlock *tb)
{
    TbPage *page = g_hash_table_lookup(cache->pages, &addr);

    if (!page) {
        page = g_new(TbPage, 1);
        page->addr = addr;
        page->tbs = g_ptr_array_new();
        g_hash_table_insert(cache->pages, &page->addr, page);
        cache->code_filter[code_filter_index(addr)]++;
        if (cache->notify) {
            cache->notify(cache->notify_opaque, addr, true);
        }
    }
    g_ptr_array_add(page->tbs, tb);
}

static void page_remove(TbCache *cache, uint64_t addr, TranslationBlock *tb)
{
    TbPage *page = g_hash_table_lookup(cache->pages, &addr);

    g_return_if_fail(page && g_ptr_array_remove_fast(page->tbs, tb));
    if (page->tbs->len == 0) {
        g_hash_table_remove(cache->pages, &addr);
        cache->code_filter[code_filter_index(addr)]--;
        if (cache->notify) {
            cache->notify(cache->notify_opaque, addr, false);
        }
    }
}

/* The distinct pages @tb is listed in: 1 or 2. */
static unsigned tb_nb_pages(const TranslationBlock *tb)
{
    return tb->page[1] != TB_NO_PAGE && tb->page[1] != tb->page[0] ? 2 : 1;
}

bool tb_cache_page_has_code(const TbCache *cache, uint64_t phys_addr)
{
    uint64_t addr = phys_addr & TB_PAGE_MASK;

    if (!cache->code_filter[code_filter_index(addr)]) {
        return false; /* (a TLB fill per data page: 3-4% of sv39 hashed) */
    }
    return g_hash_table_contains(cache->pages, &addr);
}

void tb_cache_set_info_free(TbCache *cache, GDestroyNotify info_free)
{
    cache->info_free = info_free;
}

void tb_cache_set_page_notify(TbCache *cache, TbPageNotify *notify,
                              void *opaque)
{
    cache->notify = notify;
    cache->notify_opaque = opaque;
}

/* ------------------------------------------------------------ links */

/* Point goto_tb @slot of @src back at its own exit. */
static void unpatch(TranslationBlock *src, unsigned slot)
{
    if (src->patched) {
        /* Fails only for code a buffer flush already made stale. */
        src->backend->unchain(src->code, slot);
    }
}

/* Remove the link of @src's @slot from both of its ends. */
static void unlink_slot(TranslationBlock *src, unsigned slot)
{
    TranslationBlock *dst = src->jmp_dest[slot];

    if (!dst) {
        return;
    }
    for (unsigned i = 0; i < dst->jmp_in.len; i++) {
        TbLink *l = tcg_vec_at(&dst->jmp_in, TbLink, i);

        if (l->src == src && l->slot == slot) {
            *l = *tcg_vec_at(&dst->jmp_in, TbLink, --dst->jmp_in.len);
            break;
        }
    }
    unpatch(src, slot);
    src->jmp_dest[slot] = NULL;
}

static bool vpage_covered(const TranslationBlock *src, uint64_t vpc)
{
    uint64_t vpage = vpc & TB_PAGE_MASK;

    return vpage == (src->virt_pc & TB_PAGE_MASK) ||
           vpage == ((src->virt_pc + src->size - 1) & TB_PAGE_MASK);
}

bool tb_cache_chain(TbCache *cache, TranslationBlock *src, unsigned slot,
                    TranslationBlock *dst)
{
    TbLink link = { src, slot };

    if (slot >= TB_NB_SLOTS || !src->valid || !dst->valid ||
        src->backend != dst->backend || src->flags != dst->flags ||
        !vpage_covered(src, dst->virt_pc) ||
        !vpage_covered(src, dst->virt_pc + dst->size - 1)) {
        return false;
    }
    if (src->jmp_dest[slot] == dst) {
        return true;
    }
    unlink_slot(src, slot);
    if (src->patched && !src->backend->chain(src->code, slot, dst->code)) {
        return false;
    }
    src->jmp_dest[slot] = dst;
    *tcg_vec_push(&dst->jmp_in, NULL, TbLink) = link;
    cache->stats.chains++;
    return true;
}

/* ------------------------------------------------------------ host code */

/* Index of the first range with start >= @host_pc (by_host->len if none). */
static guint host_range_lower(const TbCache *cache, uintptr_t host_pc)
{
    guint lo = 0, hi = cache->by_host->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(cache->by_host, TbHostRange, mid).start < host_pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void host_range_add(TbCache *cache, TranslationBlock *tb)
{
    TbHostRange r = { .tb = tb };
    size_t size;

    if (!tb->backend->host_range) {
        return;
    }
    tb->backend->host_range(tb->code, &r.start, &size);
    r.end = r.start + size;
    /* New code comes after the old (bump allocation): usually appended.
     * Code at the start of a freed TB's takes over its tombstone, so one
     * start never has two entries. */
    guint i = host_range_lower(cache, r.start);
    if (i < cache->by_host->len) {
        TbHostRange *at = &g_array_index(cache->by_host, TbHostRange, i);
        if (at->start == r.start && !at->tb) {
            *at = r;
            cache->by_host_dead--;
            return;
        }
    }
    g_array_insert_val(cache->by_host, i, r);
}

/* Drop the tombstones in one pass once they are half the array: removing
 * each freed TB's entry on its own moved the whole tail every time (a
 * booting Linux kernel invalidates TBs all the time: 2.6% of its boot in
 * memmove). */
static void host_range_compact(TbCache *cache)
{
    guint n = cache->by_host->len, out = 0;
    TbHostRange *r = (TbHostRange *)cache->by_host->data;

    if (cache->by_host_dead < 64 || cache->by_host_dead * 2 < n) {
        return;
    }
    for (guint i = 0; i < n; i++) {
        if (r[i].tb) {
            r[out++] = r[i];
        }
    }
    g_array_set_size(cache->by_host, out);
    cache->by_host_dead = 0;
}

static void host_range_remove(TbCache *cache, TranslationBlock *tb)
{
    uintptr_t start;
    size_t size;
    guint i;

    if (!tb->backend->host_range) {
        return;
    }
    tb->backend->host_range(tb->code, &start, &size);
    for (i = host_range_lower(cache, start); i < cache->by_host->len; i++) {
        TbHostRange *r = &g_array_index(cache->by_host, TbHostRange, i);

        if (r->start != start) {
            break;
        }
        if (r->tb == tb) {
            r->tb = NULL; /* a tombstone: host_range_compact() */
            cache->by_host_dead++;
            return;
        }
    }
}

TranslationBlock *tb_cache_find_host_pc(const TbCache *cache,
                                        uintptr_t host_pc)
{
    /* A return address lies after its call: in (start, end]. */
    guint i = host_range_lower(cache, host_pc);

    if (i == 0) {
        return NULL;
    }
    const TbHostRange *r = &g_array_index(cache->by_host, TbHostRange, i - 1);
    /* (a tombstone's tb is NULL: its code is gone) */
    return host_pc > r->start && host_pc <= r->end ? r->tb : NULL;
}

/* ------------------------------------------------------------ invalidation */

/* A zeroed TB from the slabs. */
static TranslationBlock *tb_alloc(TbCache *cache)
{
    TranslationBlock *tb;

    if (cache->free_tbs->len) {
        tb = g_ptr_array_steal_index_fast(cache->free_tbs,
                                          cache->free_tbs->len - 1);
        tcg_mem_unpoison(tb, sizeof(*tb));
    } else {
        TbSlab *slab = cache->slabs;

        if (!slab || slab->used == TB_SLAB_TBS) {
            slab = g_new(TbSlab, 1);
            slab->next = cache->slabs;
            slab->used = 0;
            cache->slabs = slab;
        }
        tb = &slab->tbs[slab->used++];
    }
    memset(tb, 0, sizeof(*tb));
    return tb;
}

/* Free what @tb owns, not @tb itself. */
static void tb_free_parts(TbCache *cache, TranslationBlock *tb)
{
    if (tb->exec_info && cache->info_free) {
        cache->info_free(tb->exec_info);
    }
    tb->backend->free(tb->code);
    tcg_vec_free(&tb->jmp_in, NULL);
}

static void tb_free(TbCache *cache, TranslationBlock *tb)
{
    tb_free_parts(cache, tb);
    tb->phys_pc = TB_SLOT_FREE;
    tcg_mem_poison((uint8_t *)tb + sizeof(tb->phys_pc),
                   sizeof(*tb) - sizeof(tb->phys_pc));
    g_ptr_array_add(cache->free_tbs, tb);
}

void tb_cache_invalidate(TbCache *cache, TranslationBlock *tb)
{
    if (!tb->valid) {
        return;
    }
    tb->valid = false;
    for (unsigned slot = 0; slot < TB_NB_SLOTS; slot++) {
        unlink_slot(tb, slot);
    }
    /* Everyone jumping here now leaves through their own exit_tb. */
    while (tb->jmp_in.len) {
        TbLink l = *tcg_vec_at(&tb->jmp_in, TbLink, tb->jmp_in.len - 1);

        unlink_slot(l.src, l.slot);
    }
    g_hash_table_steal(cache->tbs, tb);
    page_remove(cache, tb->page[0], tb);
    if (tb_nb_pages(tb) == 2) {
        page_remove(cache, tb->page[1], tb);
    }
    g_ptr_array_add(cache->zombies, tb);
    cache->generation++;
    cache->stats.invalidations++;
}

unsigned tb_cache_invalidate_phys_range(TbCache *cache, uint64_t start,
                                        uint64_t end)
{
    g_autoptr(GPtrArray) hit = NULL;
    uint64_t last = end - 1;
    uint64_t first_page = start >> TB_PAGE_BITS, last_page;
    unsigned n = 0;

    if (start >= end || g_hash_table_size(cache->pages) == 0) {
        return 0;
    }
    last_page = last >> TB_PAGE_BITS;
    hit = g_ptr_array_new();
    if (last_page - first_page >= g_hash_table_size(cache->pages)) {
        /* A large range: walk the pages with code instead. */
        GHashTableIter it;
        gpointer value;

        g_hash_table_iter_init(&it, cache->pages);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
            TbPage *page = value;
            uint64_t pn = page->addr >> TB_PAGE_BITS;

            if (pn >= first_page && pn <= last_page) {
                g_ptr_array_extend(hit, page->tbs, NULL, NULL);
            }
        }
    } else {
        for (uint64_t pn = first_page;; pn++) {
            uint64_t addr = pn << TB_PAGE_BITS;
            TbPage *page = g_hash_table_lookup(cache->pages, &addr);

            if (page) {
                g_ptr_array_extend(hit, page->tbs, NULL, NULL);
            }
            if (pn == last_page) {
                break;
            }
        }
    }
    /* A TB on two pages may be listed twice; the second time it is
     * already invalid. */
    for (guint i = 0; i < hit->len; i++) {
        TranslationBlock *tb = hit->pdata[i];

        if (tb->valid && tb_overlaps(tb, start, last)) {
            tb_cache_invalidate(cache, tb);
            n++;
        }
    }
    return n;
}

unsigned tb_cache_invalidate_virt(TbCache *cache, uint64_t vaddr)
{
    g_autoptr(GPtrArray) hit = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, cache->tbs);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        TranslationBlock *tb = key;

        if (vaddr >= tb->virt_pc && vaddr - tb->virt_pc < tb->size) {
            g_ptr_array_add(hit, tb);
        }
    }
    for (guint i = 0; i < hit->len; i++) {
        tb_cache_invalidate(cache, hit->pdata[i]);
    }
    return hit->len;
}

void tb_cache_reclaim(TbCache *cache)
{
    if (G_LIKELY(cache->zombies->len == 0)) {
        return; /* the loop calls this per TB */
    }
    for (guint i = 0; i < cache->zombies->len; i++) {
        host_range_remove(cache, cache->zombies->pdata[i]);
        tb_free(cache, cache->zombies->pdata[i]);
    }
    g_ptr_array_set_size(cache->zombies, 0);
    host_range_compact(cache);
}

void tb_cache_flush(TbCache *cache)
{
    GHashTableIter it;
    gpointer key;

    tb_cache_reclaim(cache);
    g_array_set_size(cache->by_host, 0);
    cache->by_host_dead = 0;
    g_hash_table_iter_init(&it, cache->tbs);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        g_hash_table_iter_steal(&it);
        tb_free(cache, key);
    }
    g_hash_table_iter_init(&it, cache->pages);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        uint64_t addr = *(const uint64_t *)key;

        g_hash_table_iter_remove(&it);
        if (cache->notify) {
            cache->notify(cache->notify_opaque, addr, false);
        }
    }
    memset(cache->code_filter, 0, sizeof(cache->code_filter));
    for (guint i = 0; i < cache->backends->len; i++) {
        const TcgBackend *b = cache->backends->pdata[i];
        if (b->flush) {
            b->flush();
        }
    }
    g_ptr_array_set_size(cache->backends, 0);
    cache->generation++;
    cache->stats.flushes++;
}

/* ------------------------------------------------------------ insertion */

/* Remember that @backend has code here, so a flush resets its buffer. */
static void note_backend(TbCache *cache, const TcgBackend *backend)
{
    if (!g_ptr_array_find(cache->backends, backend, NULL)) {
        g_ptr_array_add(cache->backends, (gpointer)backend);
    }
}

static bool desc_ok(const TbDesc *desc)
{
    return desc->size >= 1 && desc->size <= TB_PAGE_SIZE;
}

TranslationBlock *tb_cache_insert(TbCache *cache, const TbDesc *desc,
                                  const TcgBackend *backend, TcgCode *code)
{
    TranslationBlock *tb, *old;

    if (!desc_ok(desc)) {
        g_critical("TB cache: bad TB size %" PRIu32, desc->size);
        backend->free(code);
        return NULL;
    }
    tb_cache_reclaim(cache);
    tb = tb_alloc(cache);
    tb->phys_pc = desc->phys_pc;
    tb->virt_pc = desc->virt_pc;
    tb->flags = desc->flags;
    tb->size = desc->size;
    tb->valid = true;
    tb->page[0] = desc->phys_pc & TB_PAGE_MASK;
    tb->page[1] = tb_len0(tb) < tb->size ? desc->phys_page2 & TB_PAGE_MASK
                                         : TB_NO_PAGE;
    tb->backend = backend;
    tb->code = code;
    tb->patched = backend->chain != NULL;
    note_backend(cache, backend);

    old = g_hash_table_lookup(cache->tbs, tb);
    if (old) {
        tb_cache_invalidate(cache, old);
    }
    g_hash_table_add(cache->tbs, tb);
    host_range_add(cache, tb);
    page_add(cache, tb->page[0], tb);
    if (tb_nb_pages(tb) == 2) {
        page_add(cache, tb->page[1], tb);
    }
    cache->stats.inserted++;
    return tb;
}

TranslationBlock *tb_cache_compile(TbCache *cache, const TcgBackend *backend,
                                   BbTcgContext *s, const TbDesc *desc,
                                   GError **error)
{
    GError *local = NULL;
    TcgCode *code;

    if (!desc_ok(desc)) {
        g_set_error(error, TCG_ERROR, BB_ERROR_INVALID,
                    "TB size %" PRIu32 " outside 1..%" PRIu64, desc->size,
                    TB_PAGE_SIZE);
        return NULL;
    }
    tb_cache_reclaim(cache);
    code = backend->compile(s, &local);
    if (!code && backend->error_is_full && backend->error_is_full(local)) {
        g_clear_error(&local);
        note_backend(cache, backend); /* its buffer must be emptied anyway */
        tb_cache_flush(cache);
        cache->stats.full_flushes++;
        code = backend->compile(s, &local);
    }
    if (!code) {
        g_propagate_error(error, local);
        return NULL;
    }
    return tb_cache_insert(cache, desc, backend, code);
}

TranslationBlock *tb_cache_lookup(TbCache *cache, uint64_t phys_pc,
                                  uint64_t virt_pc, uint64_t flags)
{
    const TranslationBlock key = {
        .phys_pc = phys_pc, .virt_pc = virt_pc, .flags = flags,
    };
    TranslationBlock *tb = g_hash_table_lookup(cache->tbs, &key);

    cache->stats.lookups++;
    cache->stats.hits += tb != NULL;
    return tb;
}

/* ------------------------------------------------------------ lifetime */

TbCache *tb_cache_new(void)
{
    TbCache *cache = g_new0(TbCache, 1);

    cache->tbs = g_hash_table_new(tb_hash, tb_equal);
    cache->pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
                                         page_free);
    cache->zombies = g_ptr_array_new();
    cache->free_tbs = g_ptr_array_new();
    cache->backends = g_ptr_array_new();
    cache->by_host = g_array_new(FALSE, FALSE, sizeof(TbHostRange));
    cache->generation = 1; /* zeroed jump cache entries are never valid */
    return cache;
}

void tb_cache_free(TbCache *cache)
{
    if (!cache) {
        return;
    }
    tb_cache_reclaim(cache);
    /* Every slot with a TB is in the table: free them in memory order,
     * then the slabs whole. */
    while (cache->slabs) {
        TbSlab *slab = cache->slabs;

        for (unsigned i = 0; i < slab->used; i++) {
            if (slab->tbs[i].phys_pc != TB_SLOT_FREE) {
                tb_free_parts(cache, &slab->tbs[i]);
            }
        }
        cache->slabs = slab->next;
        tcg_mem_unpoison(slab->tbs, sizeof(slab->tbs));
        g_free(slab);
    }
    g_ptr_array_unref(cache->free_tbs);
    /* Not g_hash_table_destroy(): it empties the table first, which
     * allocates a fresh small one, and that calloc consolidated the heap
     * after the TBs' frees (2% of a run of code run once). */
    g_hash_table_unref(cache->tbs);
    g_hash_table_unref(cache->pages);
    g_ptr_array_unref(cache->zombies);
    g_ptr_array_unref(cache->backends);
    g_array_free(cache->by_host, TRUE);
    g_free(cache);
}

uint64_t tb_cache_generation(const TbCache *cache)
{
    return cache->generation;
}

void tb_cache_get_stats(const TbCache *cache, TbCacheStats *stats)
{
    *stats = cache->stats;
    stats->tbs = g_hash_table_size(cache->tbs);
    stats->pages = g_hash_table_size(cache->pages);
}

void tb_cache_format_stats(const TbCache *cache, GString *out)
{
    TbCacheStats st;

    tb_cache_get_stats(cache, &st);
    g_string_append_printf(out,
        "TBs %u on %u pages; inserted %" PRIu64 "; lookups %" PRIu64
        " (hits %" PRIu64 "); jump cache %" PRIu64 " (hits %" PRIu64
        "); chains %" PRIu64 "; invalidated %" PRIu64 "; flushes %" PRIu64
        " (buffer full %" PRIu64 ")\n",
        st.tbs, st.pages, st.inserted, st.lookups, st.hits, st.jc_lookups,
        st.jc_hits, st.chains, st.invalidations, st.flushes, st.full_flushes);
}

/* ------------------------------------------------------------ jump cache */

static TbJumpEntry *jc_entry(TbJumpCache *jc, uint64_t virt_pc)
{
    return &jc->entry[TB_JMP_CACHE_HASH(virt_pc)];
}

TbJumpCache *tb_jump_cache_new(TbCache *cache)
{
    TbJumpCache *jc = g_new0(TbJumpCache, 1);

    jc->cache = cache;
    jc->probe.entry = jc->entry;
    jc->probe.generation = &cache->generation;
    return jc;
}

const TbJumpProbe *tb_jump_cache_probe(const TbJumpCache *jc)
{
    return &jc->probe;
}

void tb_jump_cache_free(TbJumpCache *jc)
{
    g_free(jc);
}

TranslationBlock *tb_jump_cache_lookup(TbJumpCache *jc, uint64_t virt_pc,
                                       uint64_t flags)
{
    TbJumpEntry *e = jc_entry(jc, virt_pc);
    TbCache *cache = jc->cache;

    cache->stats.jc_lookups++;
    /* The stamp is checked first: a stale entry's TB may be freed. */
    if (e->stamp != cache->generation + jc->probe.clears ||
        e->pc != virt_pc || e->flags != flags) {
        return NULL;
    }
    cache->stats.jc_hits++;
    return e->tb;
}

void tb_jump_cache_insert(TbJumpCache *jc, TranslationBlock *tb)
{
    TbJumpEntry *e = jc_entry(jc, tb->virt_pc);

    g_return_if_fail(tb->valid);
    e->tb = tb;
    e->pc = tb->virt_pc;
    e->flags = tb->flags;
    e->host = tb->backend->goto_entry ? tb->backend->goto_entry(tb->code)
                                      : NULL;
    e->stamp = jc->cache->generation + jc->probe.clears;
}

void tb_jump_cache_clear(TbJumpCache *jc)
{
    /* generation and clears only grow, so their sum never repeats. */
    jc->probe.clears++;
}
