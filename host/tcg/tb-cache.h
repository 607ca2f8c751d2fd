/*
 * tb-cache.h - the translation-block cache of the JIT (host-internal): one
 * TbCache per system holds every compiled TB, keyed by (guest physical pc,
 * guest virtual pc, CPU flags word), with a per-hart direct-mapped jump
 * cache in front of it (TbJumpCache), block chaining (patched direct jumps
 * on x86-64, recorded links the exec loop follows on the interpreter), an
 * index of the guest physical pages that hold translated code (so the
 * softmmu can send writes to them to a slow path that invalidates the TBs
 * there: self-modifying code), precise invalidation by physical range,
 * and a flush-all that also empties the x86-64 code buffer, done
 * automatically when a compile finds the buffer full.  DESIGN.md §7;
 * docs/jit.md, "Translation cache".
 *
 * Not thread-safe: one thread runs the TBs of a system and calls all of
 * this.  A TB is only freed at a "safe point" (tb_cache_reclaim(),
 * tb_cache_compile(), tb_cache_insert(), tb_cache_flush()), never inside
 * an invalidation, because an invalidation may come from a guest store
 * made by the very TB being invalidated.
 */
#ifndef HOST_TCG_TB_CACHE_H
#define HOST_TCG_TB_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "tcg/tcg-internal.h"

/* The granule of code tracking, shared with the softmmu: 4 KiB. */
#define TB_PAGE_BITS 12
#define TB_PAGE_SIZE ((uint64_t)1 << TB_PAGE_BITS)
#define TB_PAGE_MASK (~(TB_PAGE_SIZE - 1))

#define TB_NB_SLOTS 2          /* goto_tb slots 0 and 1 */
#define TB_JMP_CACHE_BITS 12   /* entries per hart: 4096 */
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
/* The entry for a virtual pc (instructions are at least 2-byte aligned:
 * RISC-V C).  Generated code computes the same (x86-lower-ctl.c). */
#define TB_JMP_CACHE_HASH(pc)                                                 \
    ((((pc) >> 1) ^ ((pc) >> (1 + TB_JMP_CACHE_BITS))) &                      \
     (TB_JMP_CACHE_SIZE - 1))

typedef struct TbCache TbCache;
typedef struct TbJumpCache TbJumpCache;
typedef struct TranslationBlock TranslationBlock;

/* What the translator tells the cache about a TB it made. */
typedef struct TbDesc {
    uint64_t phys_pc;    /* guest physical address of the first byte */
    uint64_t virt_pc;    /* guest virtual address the code was made for */
    uint64_t flags;      /* CPU mode/flags word the translation depends on */
    uint32_t size;       /* guest bytes translated, 1..TB_PAGE_SIZE */
    uint64_t phys_page2; /* if the bytes cross a page boundary: a physical
                            address in the second page; else ignored */
} TbDesc;

/* An incoming link: goto_tb @slot of @src jumps to the TB holding it. */
typedef struct TbLink {
    TranslationBlock *src;
    unsigned slot;
} TbLink;

/*
 * A cached TB.  Owned by its TbCache; everything here is read-only outside
 * tb-cache.c.  A pointer to a TB stays usable until the next safe point
 * after the TB was invalidated (valid == false); see tb_cache_generation()
 * for how the exec loop knows.
 */
struct TranslationBlock {
    uint64_t phys_pc;             /* key */
    uint64_t virt_pc;             /* key */
    uint64_t flags;               /* key */
    uint32_t size;                /* guest bytes */
    bool valid;                   /* false once invalidated */
    bool patched;                 /* links are patched jumps (x86-64) */
    uint64_t page[2];             /* physical page address(es) of the
                                     bytes; page[1] = TB_NO_PAGE if one */
    const TcgBackend *backend;    /* compiled by */
    TcgCode *code;                /* owned */
    TranslationBlock *jmp_dest[TB_NB_SLOTS]; /* outgoing links */
    TcgVec jmp_in;                /* TbLink: incoming links (heap) */
    void *exec_info;              /* the exec loop's TbInfo, freed with
                                     the TB (tb_cache_set_info_free()) */
};

#define TB_NO_PAGE UINT64_MAX

/* Counters for -d and the monitor. */
typedef struct TbCacheStats {
    unsigned tbs;              /* TBs in the cache now */
    unsigned pages;            /* physical pages holding code now */
    uint64_t inserted;         /* TBs ever inserted */
    uint64_t lookups, hits;    /* tb_cache_lookup() */
    uint64_t jc_lookups, jc_hits; /* every hart's jump cache */
    uint64_t chains;           /* links made */
    uint64_t invalidations;    /* TBs invalidated one by one */
    uint64_t flushes;          /* tb_cache_flush(), any reason */
    uint64_t full_flushes;     /* ... because the code buffer was full */
} TbCacheStats;

/**
 * TbPageNotify - told when a physical page gains its first TB
 * (@has_code true) or loses its last one (false).
 * @opaque: as given to tb_cache_set_page_notify()
 * @page: the page's physical address (aligned to TB_PAGE_SIZE)
 * @has_code: whether tb_cache_page_has_code() is now true for it
 *
 * The softmmu uses it to drop write fast paths to a page that just got
 * code (on every hart) and may restore them when the code is gone.  The
 * false call may come from inside tb_cache_invalidate_phys_range(), i.e.
 * from the softmmu's own store slow path.
 */
typedef void TbPageNotify(void *opaque, uint64_t page, bool has_code);

/* ------------------------------------------------------------ the cache */

/**
 * tb_cache_new() - an empty cache.
 *
 * Return: the cache; free it with tb_cache_free().
 */
TbCache *tb_cache_new(void);

/**
 * tb_cache_free() - free every TB (and its code) and the cache.
 * @cache: the cache, or NULL
 *
 * No jump cache of @cache may be used afterwards.
 */
void tb_cache_free(TbCache *cache);

/**
 * tb_cache_set_info_free() - how to free TranslationBlock.exec_info.
 * @cache: the cache
 * @info_free: called on a TB's non-NULL exec_info when the TB is freed,
 *   or NULL (the owner frees them itself)
 */
void tb_cache_set_info_free(TbCache *cache, GDestroyNotify info_free);

/**
 * tb_cache_set_page_notify() - install the page-index observer.
 * @cache: the cache
 * @notify: called on every change of tb_cache_page_has_code(), or NULL
 * @opaque: passed to @notify
 */
void tb_cache_set_page_notify(TbCache *cache, TbPageNotify *notify,
                              void *opaque);

/**
 * tb_cache_compile() - compile @s with @backend and insert the result.
 * @cache: the cache
 * @backend: the backend to compile with
 * @s: the TB's IR (verified; optimize it first if wanted); not modified
 * @desc: where the guest code came from
 * @error: return location for an error
 *
 * A safe point (frees invalidated TBs).  When the x86-64 code buffer is
 * full the whole cache is flushed (tb_cache_flush()) and the compile is
 * retried once, so every TB pointer held before may be gone: compare
 * tb_cache_generation() before and after.
 *
 * Return: the new TB, or NULL with @error set (the cache is unchanged
 * unless it was flushed).
 */
TranslationBlock *tb_cache_compile(TbCache *cache, const TcgBackend *backend,
                                   BbTcgContext *s, const TbDesc *desc,
                                   GError **error);

/**
 * tb_cache_insert() - add an already compiled TB.
 * @cache: the cache
 * @desc: where the guest code came from (size 1..TB_PAGE_SIZE)
 * @backend: the backend that made @code
 * @code: the code; the cache owns it from now on
 *
 * A safe point.  A TB with the same key (pcs and flags) is invalidated and
 * replaced.  The pages of the TB join the page index.
 *
 * Return: the new TB; NULL (and @code freed) only if @desc is malformed,
 * a programming error.
 */
TranslationBlock *tb_cache_insert(TbCache *cache, const TbDesc *desc,
                                  const TcgBackend *backend, TcgCode *code);

/**
 * tb_cache_lookup() - find the TB for a guest pc in a CPU mode.
 * @cache: the cache
 * @phys_pc: guest physical address of the next instruction
 * @virt_pc: its virtual address (generated code may depend on it)
 * @flags: the CPU's current flags word
 *
 * Return: the valid TB with exactly this key, or NULL.
 */
TranslationBlock *tb_cache_lookup(TbCache *cache, uint64_t phys_pc,
                                  uint64_t virt_pc, uint64_t flags);

/**
 * tb_cache_chain() - make goto_tb @slot of @src go straight to @dst.
 * @cache: the cache
 * @src: a valid TB that left through exit_tb @slot
 * @slot: 0 or 1
 * @dst: the valid TB the exec loop looked up for the next pc
 *
 * On backends with a chain hook (x86-64) the jump is patched; on
 * the interpreter the link is only recorded and tb_linked_next() gives it
 * to the exec loop.  Refused when the TBs use different backends or flags,
 * when @dst starts on a virtual page @src does not cover (a direct jump
 * must not outlive a page-table change: on one the exec loop only needs
 * to clear its jump caches), or when @src has no such goto_tb (x86-64).
 * An existing link of the slot is replaced.
 *
 * Return: whether the link is in place.
 */
bool tb_cache_chain(TbCache *cache, TranslationBlock *src, unsigned slot,
                    TranslationBlock *dst);

/**
 * tb_linked_next() - the TB the exec loop runs next without a lookup.
 * @tb: the TB whose run returned @exit
 * @exit: how the run ended
 *
 * Only for backends whose chaining is bookkeeping (the interpreter): when
 * @exit is TCG_EXIT_SLOT0/1 and that slot of @tb is linked, the target.
 * NULL otherwise, and always for patched TBs (x86-64), where a linked
 * slot never exits: such an exit came from a TB further down the chain.
 */
static inline TranslationBlock *tb_linked_next(const TranslationBlock *tb,
                                               TcgExit exit)
{
    if (tb->patched || (exit != TCG_EXIT_SLOT0 && exit != TCG_EXIT_SLOT1)) {
        return NULL;
    }
    return tb->jmp_dest[exit];
}

/**
 * tb_exit_source() - the TB whose goto_tb slot @exit was taken, if known.
 * @tb: the TB the exec loop ran last (after following tb_linked_next())
 * @exit: how that run ended
 *
 * The exec loop chains this TB's slot to the TB it looks up next.  On the
 * interpreter that is @tb.  A patched (x86-64) run may have passed through
 * chained jumps and the exit alone does not say which TB took it: @tb is
 * only certain when none of its slots is linked.  The x86-64 backend
 * reports the exiting TB (TcgRuntime.exit_owner), which the exec loop
 * uses first; this is the fall-back for untagged code.
 *
 * Return: @tb or NULL (do not chain).
 */
static inline TranslationBlock *tb_exit_source(TranslationBlock *tb,
                                               TcgExit exit)
{
    if (exit != TCG_EXIT_SLOT0 && exit != TCG_EXIT_SLOT1) {
        return NULL;
    }
    if (tb->patched && (tb->jmp_dest[0] || tb->jmp_dest[1])) {
        return NULL;
    }
    return tb;
}

/**
 * tb_cache_invalidate() - invalidate one TB.
 * @cache: the cache
 * @tb: a TB of @cache (nothing happens if it is already invalid)
 *
 * Unlinks every jump into and out of @tb (unpatching x86-64 code), drops
 * it from the lookup table and the page index, and bumps the generation
 * (which empties every jump cache).  The TB and its code are freed at the
 * next safe point, so the TB that made the store may still be running.
 */
void tb_cache_invalidate(TbCache *cache, TranslationBlock *tb);

/**
 * tb_cache_invalidate_phys_range() - invalidate the TBs made from guest
 * physical bytes in [@start, @end).
 * @cache: the cache
 * @start: first physical address written
 * @end: one past the last (an empty range invalidates nothing)
 *
 * What the softmmu calls on a write to a page with code (or DMA, or a
 * fence.i the front-end implements this way).  Every TB with at least one
 * byte in the range goes, on either of its pages.
 *
 * Return: the number of TBs invalidated.  If non-zero the storing TB may
 * be among them: the exec loop should leave it after the store.
 */
unsigned tb_cache_invalidate_phys_range(TbCache *cache, uint64_t start,
                                        uint64_t end);

/**
 * tb_cache_invalidate_virt() - invalidate the TBs whose guest virtual
 * range holds @vaddr, whatever physical page they came from.
 * @cache: the cache
 * @vaddr: a guest virtual address
 *
 * For debugger breakpoints, which are virtual addresses and must reach
 * TBs made in any mode.  Walks every TB: O(TBs).
 *
 * Return: the number of TBs invalidated.
 */
unsigned tb_cache_invalidate_virt(TbCache *cache, uint64_t vaddr);

/**
 * tb_cache_find_host_pc() - the TB whose host code contains @host_pc.
 * @cache: the cache
 * @host_pc: a host address, e.g. the return address of a memory callback
 *           or helper called from generated code
 *
 * For backends that run host code (TcgBackend.host_range).  Code is
 * bump-allocated, so the cache keeps its TBs' host ranges in a table
 * sorted by address: a binary search, O(log n).  Invalidated TBs are
 * found too until they are freed at the next safe point, so this works
 * after a guest store invalidated the TB making it (or the TB the exec
 * loop entered, unlinking the chained jumps that led to it).
 *
 * Return: the TB (valid or not), or NULL.
 */
TranslationBlock *tb_cache_find_host_pc(const TbCache *cache,
                                        uintptr_t host_pc);

/**
 * tb_cache_page_has_code() - does a guest physical page hold code?
 * @cache: the cache
 * @phys_addr: any physical address in the page (the low TB_PAGE_BITS
 *             bits are ignored)
 *
 * Return: whether some valid TB was made from bytes of that page.
 */
bool tb_cache_page_has_code(const TbCache *cache, uint64_t phys_addr);

/**
 * tb_cache_flush() - forget every TB.
 * @cache: the cache
 *
 * A safe point: no TB may be running.  Frees all TBs, empties the page
 * index (notifying each page), bumps the generation, and if the cache
 * holds x86-64 code, empties the process-wide x86-64 code buffer
 * (tcg_x86_64_flush()).
 */
void tb_cache_flush(TbCache *cache);

/**
 * tb_cache_reclaim() - free the TBs invalidated since the last safe point.
 * @cache: the cache
 *
 * Call only when no TB is running (e.g. at the top of the exec loop).
 */
void tb_cache_reclaim(TbCache *cache);

/**
 * tb_cache_generation() - a counter bumped by every invalidation and flush.
 * @cache: the cache
 *
 * A TB pointer obtained while the generation was G may be used for as
 * long as it still is G; once it changed, look the TB up again.
 *
 * Return: the generation (never 0).
 */
uint64_t tb_cache_generation(const TbCache *cache);

/**
 * tb_cache_get_stats() - read the counters.
 * @cache: the cache
 * @stats: filled in
 */
void tb_cache_get_stats(const TbCache *cache, TbCacheStats *stats);

/**
 * tb_cache_format_stats() - append the counters as one line to @out.
 * @cache: the cache
 * @out: the string to append to
 */
void tb_cache_format_stats(const TbCache *cache, GString *out);

/* ------------------------------------------------------------ jump cache */

/*
 * One jump-cache entry, laid out for generated code that probes it
 * without calling the host (lookup_and_goto with a key, docs/jit.md
 * "Indirect jumps"): the key is copied out of the TB, so a stale entry is
 * rejected by its stamp before anything it points to is touched.  64
 * bytes: the index is a shift.
 */
typedef struct TbJumpEntry {
    uint64_t pc;              /* the TB's virt_pc */
    uint64_t flags;           /* the TB's flags */
    uint64_t stamp;           /* valid iff == *generation + clears */
    const void *host;         /* TcgBackend.goto_entry of the TB, or NULL */
    TranslationBlock *tb;
    uint64_t pad[3];
} TbJumpEntry;

#define TB_JMP_ENTRY_SHIFT 6
G_STATIC_ASSERT(sizeof(TbJumpEntry) == 1u << TB_JMP_ENTRY_SHIFT);

/* What generated code needs to probe a hart's jump cache (TcgRuntime.jc). */
typedef struct TbJumpProbe {
    const TbJumpEntry *entry;     /* TB_JMP_CACHE_SIZE entries */
    const uint64_t *generation;   /* the TbCache's */
    uint64_t clears;              /* tb_jump_cache_clear() calls */
} TbJumpProbe;

/**
 * tb_jump_cache_probe() - @jc's description for inline probes.
 * @jc: the hart's jump cache
 *
 * Return: the probe, valid as long as @jc.
 */
const TbJumpProbe *tb_jump_cache_probe(const TbJumpCache *jc);

/**
 * tb_jump_cache_new() - a hart's jump cache in front of @cache.
 * @cache: the system's TB cache (must outlive the jump cache)
 *
 * A direct-mapped array of TB_JMP_CACHE_SIZE entries indexed by virtual
 * pc; an entry is valid only while neither @cache's generation nor the
 * jump cache's own clear count changed since it was stored.
 *
 * Return: the jump cache; free with tb_jump_cache_free().
 */
TbJumpCache *tb_jump_cache_new(TbCache *cache);

/**
 * tb_jump_cache_free() - free a jump cache.
 * @jc: the jump cache, or NULL
 */
void tb_jump_cache_free(TbJumpCache *jc);

/**
 * tb_jump_cache_lookup() - the TB recently used at a virtual pc.
 * @jc: the hart's jump cache
 * @virt_pc: the hart's pc
 * @flags: the hart's flags word
 *
 * Return: a valid TB with this virtual pc and flags, or NULL (then
 * translate the pc and use tb_cache_lookup()).
 */
TranslationBlock *tb_jump_cache_lookup(TbJumpCache *jc, uint64_t virt_pc,
                                       uint64_t flags);

/**
 * tb_jump_cache_insert() - remember @tb for its virtual pc.
 * @jc: the hart's jump cache
 * @tb: a valid TB of the jump cache's TbCache
 */
void tb_jump_cache_insert(TbJumpCache *jc, TranslationBlock *tb);

/**
 * tb_jump_cache_clear() - forget every entry, in O(1).
 * @jc: the hart's jump cache
 *
 * For the hart's page-table changes (satp write, sfence.vma, TLB flush):
 * entries are keyed by virtual pc, whose physical page may now differ.
 */
void tb_jump_cache_clear(TbJumpCache *jc);

#endif /* HOST_TCG_TB_CACHE_H */
