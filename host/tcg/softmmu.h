/*
 * softmmu.h - the JIT's software MMU (host-internal): per hart, one TLB
 * per MMU index that caches guest-virtual -> host translations of 4 KiB
 * pages, so that generated code (x86-64: an inline hit path; the
 * interpreter: the same test in C) reaches guest RAM without a call; and
 * the slow path behind it, which asks the CPU to translate (page walk,
 * permissions, PMP), refills the TLB from the address space's flat view
 * and carries out what the fast path cannot: MMIO, stores to pages that
 * hold translated code, misaligned and page-crossing accesses.
 * DESIGN.md §5 and §7; docs/jit.md, "Softmmu".
 *
 * A TLB entry holds one tag per access type.  A tag is the page-aligned
 * guest virtual address with flag bits below the page bits (TLB_MMIO,
 * TLB_NOTDIRTY, TLB_INVALID...), so the fast path is one compare:
 *
 *     addr & (TLB_PAGE_MASK | (size - 1)) == tag
 *
 * fails for a misaligned address (the size bits are folded in), for any
 * flagged entry and for an invalid one (TLB_INVALID is set in it); on a
 * match the host address is addr + addend.  Everything that fails the
 * compare calls the TcgRuntime's load/store callbacks, which softmmu.c
 * implements.
 *
 * Each table grows under pressure and shrinks when idle; the exec loop
 * calls softmmu_enter() before it runs generated code, which is where a
 * resize happens.
 *
 * The CPU support provides SoftmmuOps; softmmu_init_runtime() points a
 * TcgRuntime at the hart's Softmmu.  Not thread-safe: a Softmmu belongs to
 * the thread that runs its hart (flushes from other harts go through
 * that thread's exec loop).
 */
#ifndef HOST_TCG_SOFTMMU_H
#define HOST_TCG_SOFTMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <glib.h>

#include <breadboard/memory.h>

#include "tcg/tcg-internal.h"

/* ------------------------------------------------------------ layout */

#define TLB_PAGE_BITS 12
#define TLB_PAGE_SIZE ((uint64_t)1 << TLB_PAGE_BITS)
#define TLB_PAGE_MASK (~(TLB_PAGE_SIZE - 1))

/*
 * Entries per MMU index: 2^TLB_BITS to start with, between 2^TLB_MIN_BITS
 * and 2^TLB_MAX_BITS as the table grows under pressure and shrinks when
 * idle (softmmu.c, "resizing").
 */
#define TLB_BITS 12
#define TLB_MIN_BITS 8
#define TLB_MAX_BITS 15
#define TLB_ENTRIES (1u << TLB_BITS)
#define TLB_HASH_SHIFT 12            /* page-number bits folded: see
                                        tlb_index_of() */
#define TLB_ENTRY_BITS 5             /* sizeof(TlbEntry) == 32 */
#define TLB_FILL_LOG 64              /* fills remembered per MMU index */
#define TLB_VICTIMS 8                /* victim TLB entries per MMU index */

/*
 * Flags in the low bits of a tag.  They lie above the alignment bits of
 * any access (<= 8 bytes) and below the page bits, so the fast path's
 * masked address never has them and a flagged tag never matches.
 */
#define TLB_INVALID ((uint64_t)1 << 11)  /* no translation (-1 has it) */
#define TLB_MMIO ((uint64_t)1 << 10)     /* not plain RAM: the memory API
                                            at the physical address */
#define TLB_NOTDIRTY ((uint64_t)1 << 9)  /* write tag: the page holds
                                            translated code */
#define TLB_WATCH ((uint64_t)1 << 8)     /* reserved: watchpoints */
#define TLB_FLAGS_MASK (TLB_INVALID | TLB_MMIO | TLB_NOTDIRTY | TLB_WATCH)
#define TLB_TAG_NONE UINT64_MAX          /* an empty tag */

/* What generated code reads: 32 bytes, one cache line holds two. */
typedef struct TlbEntry {
    uint64_t addr_read;  /* tag for loads */
    uint64_t addr_write; /* tag for stores */
    uint64_t addr_code;  /* tag for instruction fetch (never inline) */
    uint64_t addend;     /* RAM: host address of the page - its vaddr */
} TlbEntry;

/*
 * A hart's TLBs (TcgRuntime.tlb): per MMU index, the mask that cuts a
 * hash to the table's size, and a slot of room for the largest table.
 * Each table lives at the start of its slot, so generated code reaches
 * entry i of MMU index m at a constant offset from e (m * slot + i * 32)
 * and only the mask varies; the x86-64 prologue copies the masks into
 * its frame.  The structure is 16 MiB of address space, mmap()ed: only
 * the pages of the tables' current sizes are ever touched.
 */
struct TlbTable {
    uint32_t mask[TCG_NB_MMU_IDX];  /* (entries - 1) << TLB_ENTRY_BITS */
    TlbEntry e[TCG_NB_MMU_IDX][1u << TLB_MAX_BITS];
};

G_STATIC_ASSERT(sizeof(TlbEntry) == 1u << TLB_ENTRY_BITS);
G_STATIC_ASSERT(offsetof(TlbTable, e) == 64); /* entries 64-byte aligned */
G_STATIC_ASSERT(TLB_PAGE_BITS >= TLB_ENTRY_BITS);

/* Byte offset of e[mmu_idx][0].<field> from e[0][0] (generated code adds
 * the masked index scaled by 32). */
#define TLB_TABLE_OFFSET(mmu_idx, field)                                      \
    ((mmu_idx) * (sizeof(TlbEntry) << TLB_MAX_BITS) +                         \
     offsetof(TlbEntry, field))

/* Entries of @mmu_idx's table now. */
static inline unsigned tlb_entries(const TlbTable *tlb, unsigned mmu_idx)
{
    return (tlb->mask[mmu_idx] >> TLB_ENTRY_BITS) + 1;
}

/*
 * The table index of @vaddr's page in @mmu_idx: the page number xor the
 * address bits 24..31 (the page number shifted by TLB_HASH_SHIFT; the
 * index is computed on the low 32 bits, as generated code does), cut to
 * the table's size.  Without the xor, pages a multiple of the table's
 * reach (16 MiB for 4096 entries) apart share an entry: a copy between
 * two buffers 32 MiB apart missed on every load and every store.  Within
 * an aligned region of as many pages as the table has entries the index
 * is still one to one, whatever the size (the xor only mixes in bits
 * above the index, or bits of the index itself).
 */
static inline unsigned tlb_index_of(const TlbTable *tlb, unsigned mmu_idx,
                                    uint64_t vaddr)
{
    uint32_t a = (uint32_t)vaddr;

    return ((a >> TLB_PAGE_BITS) ^ (a >> (TLB_PAGE_BITS + TLB_HASH_SHIFT))) &
           (tlb->mask[mmu_idx] >> TLB_ENTRY_BITS);
}

/* The entry of @vaddr's page in @mmu_idx's table. */
static inline TlbEntry *tlb_entry_of(const TlbTable *tlb, unsigned mmu_idx,
                                     uint64_t vaddr)
{
    return (TlbEntry *)&tlb->e[mmu_idx][tlb_index_of(tlb, mmu_idx, vaddr)];
}

/* Room for a TlbTable, every table of one entry, the rest untouched;
 * NULL if the host refuses the address space.  (Inline, as the other
 * helpers for tables without a Softmmu: benchmarks link no memory API.) */
static inline TlbTable *tlb_table_alloc(void)
{
    /* Anonymous memory: pages are only backed once touched, so the room
     * for the largest tables costs nothing until a table grows into it. */
    void *p = mmap(NULL, sizeof(TlbTable), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

static inline void tlb_table_release(TlbTable *tlb)
{
    if (tlb) {
        munmap(tlb, sizeof(TlbTable));
    }
}

/* Size @mmu_idx's table to 2^@bits entries, all empty. */
static inline void tlb_table_set_size(TlbTable *tlb, unsigned mmu_idx,
                                      unsigned bits)
{
    size_t old = (size_t)tlb_entries(tlb, mmu_idx) * sizeof(TlbEntry);
    size_t now = sizeof(TlbEntry) << bits;

    if (old > now) {
        /* Give the pages the table no longer uses back to the host. */
        uintptr_t from = ((uintptr_t)tlb->e[mmu_idx] + now + 4095) &
                         ~(uintptr_t)4095;
        uintptr_t to = ((uintptr_t)tlb->e[mmu_idx] + old) & ~(uintptr_t)4095;

        if (to > from) {
            madvise((void *)from, to - from, MADV_DONTNEED);
        }
    }
    tlb->mask[mmu_idx] = (uint32_t)(((1u << bits) - 1) << TLB_ENTRY_BITS);
    memset(tlb->e[mmu_idx], 0xff, now);
}

/* A TlbTable of empty tables of 2^@bits entries per MMU index, for tests
 * and benchmarks without a Softmmu; tlb_table_release() frees it. */
static inline TlbTable *tlb_table_new(unsigned bits)
{
    TlbTable *tlb = tlb_table_alloc();

    for (unsigned m = 0; tlb && m < TCG_NB_MMU_IDX; m++) {
        tlb_table_set_size(tlb, m, bits);
    }
    return tlb;
}

/* The fast path in C (the interpreter; C code reaching guest memory):
 * the host address of a naturally aligned access of @size bytes that
 * hits the TLB, else NULL. */
static inline void *tlb_hit(const TlbTable *tlb, uint64_t addr,
                            unsigned size, unsigned mmu_idx, bool is_write)
{
    const TlbEntry *e = tlb_entry_of(tlb, mmu_idx, addr);
    uint64_t tag = is_write ? e->addr_write : e->addr_read;

    if ((addr & (TLB_PAGE_MASK | (size - 1))) != tag) {
        return NULL;
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

/* Make @mmu_idx's entry for @vaddr's page a read/write RAM mapping of
 * the host page @host (tests and benchmarks that have no Softmmu). */
static inline void tlb_entry_set_ram(TlbTable *tlb, unsigned mmu_idx,
                                     uint64_t vaddr, void *host,
                                     bool writable)
{
    TlbEntry *e = tlb_entry_of(tlb, mmu_idx, vaddr);
    uint64_t page = vaddr & TLB_PAGE_MASK;

    e->addr_read = e->addr_code = page;
    e->addr_write = writable ? page : TLB_TAG_NONE;
    e->addend = (uint64_t)(uintptr_t)host - page;
}

/* ------------------------------------------------------------ the CPU */

/* Access types (the tlb_fill @access argument). */
typedef enum TlbAccess {
    TLB_ACCESS_READ = 0,
    TLB_ACCESS_WRITE = 1,
    TLB_ACCESS_EXEC = 2,
} TlbAccess;

/* tlb_fill's *prot: what the page may be used for, plus hints. */
#define TLB_PROT_READ (1u << 0)
#define TLB_PROT_WRITE (1u << 1)
#define TLB_PROT_EXEC (1u << 2)
#define TLB_PROT_NO_CACHE (1u << 3) /* use the translation for this access
                                       only (e.g. a PMP region smaller than
                                       the page) */
#define TLB_PROT_PAGE_SHIFT 8       /* bits 8..13: log2 of the mapping's
                                       size when it is a superpage (> 12),
                                       else 0 */
#define TLB_PROT_PAGE_BITS(n) ((unsigned)(n) << TLB_PROT_PAGE_SHIFT)

/*
 * What the CPU support provides.  Every callback gets SoftmmuOps' owner's
 * @opaque (softmmu_new()).  A callback that raises a guest exception
 * normally does not return: it unwinds to the exec loop (siglongjmp),
 * which restores the guest pc from the insn_start markers
 * (tcg_x86_64_find_insn() on the slow path's return address).  When it
 * does return, the slow path abandons the access (a load reads 0, a store
 * writes nothing) and records why in Softmmu.fault.
 */
typedef struct SoftmmuOps {
    /*
     * Translate @vaddr for @access (TlbAccess) in @mmu_idx: page walk,
     * permission and PMP checks.  The access is @size bytes (1..8) at
     * @vaddr, all in @vaddr's page (a data access or its piece on this
     * page; an instruction fetch's bytes; 1 for a code lookup): a check
     * finer than the page (a PMP boundary inside it) must cover them all
     * and answer TLB_PROT_NO_CACHE.  On success set *@paddr to the
     * physical address of @vaddr itself (only its page is used) and
     * *@prot to what the page may be used for in @mmu_idx (TLB_PROT_*;
     * the access asked for is implied), and return true.  On failure
     * raise the page/access fault and return false (if it returns at
     * all).  NULL: identity mapping with every permission.
     */
    bool (*tlb_fill)(void *opaque, uint64_t vaddr, int access, unsigned size,
                     unsigned mmu_idx, uint64_t *paddr, unsigned *prot);
    /*
     * The memory system refused a translated access (nothing mapped
     * under BB_UNASSIGNED_ERROR, or a device's bus error): raise the
     * access fault.  @r is BB_MEMTX_ERROR or BB_MEMTX_DECODE_ERROR.  NULL:
     * nothing is raised (the failure is still recorded).
     */
    void (*bus_error)(void *opaque, uint64_t vaddr, uint64_t paddr,
                      int access, unsigned size, unsigned mmu_idx,
                      BbMemTxResult r);
    /*
     * A misaligned access (@vaddr not a multiple of its size).  With
     * BB_MO_ALIGN in @mop it is refused whatever this returns: raise the
     * address-misaligned exception.  Otherwise return true to carry it
     * out (split at the page boundary when it crosses one; both pages are
     * translated before any byte is stored) or false after raising the
     * exception.  NULL: BB_MO_ALIGN accesses fail (nothing raised),
     * others are carried out.
     */
    bool (*misaligned)(void *opaque, uint64_t vaddr, int access, BbMemOp mop,
                       unsigned mmu_idx);
    /*
     * Does the physical page at @page (aligned) hold translated code?
     * Stores to such pages take the slow path (TLB_NOTDIRTY) and call
     * notify_code_write().  NULL: never.  (tb_cache_page_has_code().)
     */
    bool (*page_has_code)(void *opaque, uint64_t page);
    /*
     * A guest store of @size bytes at physical @paddr landed (it has been
     * done) on a page page_has_code() reported: invalidate the TBs there
     * (tb_cache_invalidate_phys_range()).  May call
     * tlb_code_page_changed().
     */
    void (*notify_code_write)(void *opaque, uint64_t paddr, unsigned size);
} SoftmmuOps;

/* Why the last access failed (Softmmu.fault.result). */
typedef enum SoftmmuResult {
    SOFTMMU_OK = 0,
    SOFTMMU_FAULT_FILL,       /* tlb_fill returned false */
    SOFTMMU_FAULT_MISALIGNED, /* refused misaligned access */
    SOFTMMU_FAULT_BUS,        /* the memory system refused it */
} SoftmmuResult;

typedef struct SoftmmuFault {
    SoftmmuResult result;
    uint64_t vaddr;      /* of the access */
    uint64_t paddr;      /* SOFTMMU_FAULT_BUS: where it went */
    int access;          /* TlbAccess */
    unsigned mmu_idx;
    BbMemTxResult memtx; /* SOFTMMU_FAULT_BUS */
} SoftmmuFault;

typedef struct SoftmmuStats {
    uint64_t slow_loads;    /* calls of the load slow path */
    uint64_t slow_stores;   /* calls of the store slow path */
    uint64_t fills;         /* tlb_fill calls */
    uint64_t mmio;          /* accesses dispatched to the memory API */
    uint64_t code_writes;   /* notify_code_write calls */
    uint64_t flushes;       /* tlb_flush/tlb_flush_mmuidx of used tables */
    uint64_t victim_hits;   /* misses served by the victim TLB */
    uint64_t grows;         /* tables doubled (pressure) */
    uint64_t shrinks;       /* tables halved (idle) */
} SoftmmuStats;

/*
 * Slow-path bookkeeping of an entry (not read by generated code).
 * @io_hint is the I/O TLB: where the address space's flat view has the
 * ranges of the entry's physical page (address_space_access_hinted()),
 * so that an MMIO access calls its region without searching the view.
 * It is an index checked against the current view at each use, not a
 * pointer: a map change (even one made by the device callback of the
 * access in progress) can make it useless, never dangling.
 */
typedef struct TlbEntryInfo {
    uint64_t paddr;     /* physical page address */
    uint32_t io_hint;   /* flat-view range index + 1; 0: none */
} TlbEntryInfo;

typedef struct Softmmu {
    TlbTable *tlb;            /* the descriptors; TcgRuntime.tlb */
    TlbEntryInfo *info[TCG_NB_MMU_IDX]; /* beside each table entry */
    /*
     * Resizing (softmmu.c).  A table grows when its fills keep evicting
     * valid entries (more pages in use than it holds), and shrinks when a
     * window of flushes saw it mostly empty.  The decision is made in a
     * fill or a flush and carried out by softmmu_enter() (resize_pending),
     * which the exec loop calls before it enters generated code: the
     * x86-64 prologue copies the masks, and no slow path is running.
     */
    uint8_t bits[TCG_NB_MMU_IDX];      /* log2 of the entries now */
    uint8_t want_bits[TCG_NB_MMU_IDX]; /* with resize_pending */
    uint32_t resize_pending;           /* MMU indexes to resize */
    uint32_t checked_fills[TCG_NB_MMU_IDX]; /* fills since the last check */
    uint32_t evictions[TCG_NB_MMU_IDX]; /* ... that evicted a translation */
    uint32_t fills_since_flush[TCG_NB_MMU_IDX];
    uint32_t window_max[TCG_NB_MMU_IDX]; /* most fills between flushes */
    uint32_t window_flushes[TCG_NB_MMU_IDX]; /* flushes in the window */
    BbAddressSpace *as;       /* the hart's physical address space */
    const SoftmmuOps *ops;
    void *opaque;             /* for the ops */
    uint32_t used;            /* MMU indexes with entries (bit mask) */
    uint32_t large;           /* MMU indexes holding superpage entries */
    uint64_t large_addr[TCG_NB_MMU_IDX]; /* with .large: a region covering */
    uint64_t large_mask[TCG_NB_MMU_IDX]; /* all of them (addr & mask) */
    /* The entries filled since each MMU index's last flush, so that a
     * flush after a few fills clears only those instead of the whole
     * table (fill_count > TLB_FILL_LOG: too many, clear all). */
    uint16_t fill_log[TCG_NB_MMU_IDX][TLB_FILL_LOG];
    uint32_t fill_count[TCG_NB_MMU_IDX];
    /*
     * The victim TLB: per MMU index, the last TLB_VICTIMS entries a fill
     * evicted from the direct-mapped table (with their physical pages),
     * searched in the slow path before asking the CPU.  Two pages the
     * same distance apart as the table's reach (a copy between buffers
     * 16 MiB apart) would otherwise evict each other on every access.
     * Flushes clear it like the table; an entry found here swaps places
     * with the one in the table.
     */
    TlbEntry victim[TCG_NB_MMU_IDX][TLB_VICTIMS];
    TlbEntryInfo victim_info[TCG_NB_MMU_IDX][TLB_VICTIMS];
    uint8_t victim_next[TCG_NB_MMU_IDX]; /* round-robin replacement */
    unsigned generation;      /* bumped by every flush */
    SoftmmuFault fault;       /* the last failed access */
    SoftmmuStats stats;
} Softmmu;

/* The table index of @vaddr's page in @sm's @mmu_idx. */
static inline unsigned softmmu_index(const Softmmu *sm, unsigned mmu_idx,
                                     uint64_t vaddr)
{
    return tlb_index_of(sm->tlb, mmu_idx, vaddr);
}

/**
 * softmmu_new() - a hart's TLBs, all empty.
 * @as: the physical address space the hart sees (not referenced: it must
 *      outlive the Softmmu)
 * @ops: the CPU's callbacks (kept; static storage)
 * @opaque: passed to them
 */
Softmmu *softmmu_new(BbAddressSpace *as, const SoftmmuOps *ops,
                     void *opaque);
/* Free @sm (NULL accepted); take it out of its TlbListener first. */
void softmmu_free(Softmmu *sm);


/* Point @rt at @sm: tlb = sm->tlb, load/store = the slow paths below,
 * opaque = sm. */
void softmmu_init_runtime(Softmmu *sm, TcgRuntime *rt);

/* Carry out the resizes of @sm's tables decided since the last call
 * (each leaves its table empty).  Only where no generated code of the
 * hart is running and no access is in progress: the exec loop, before it
 * enters a TB. */
void softmmu_resize_apply(Softmmu *sm);

static inline void softmmu_enter(Softmmu *sm)
{
    if (G_UNLIKELY(sm->resize_pending)) {
        softmmu_resize_apply(sm);
    }
}

/* The slow paths as TcgRuntime callbacks (@opaque is the Softmmu): what
 * generated code calls when the inline compare fails. */
uint64_t softmmu_load_slow(void *opaque, uint64_t vaddr, BbMemOp mop,
                           unsigned mmu_idx);
void softmmu_store_slow(void *opaque, uint64_t vaddr, uint64_t value,
                        BbMemOp mop, unsigned mmu_idx);

/*
 * A complete guest access from C (helpers, the gdb stub): the fast path,
 * then the slow path.  Return SOFTMMU_OK, or the failure (also in
 * sm->fault) when a callback that should have unwound returned; a failed
 * load sets *@value to 0.
 */
SoftmmuResult softmmu_load(Softmmu *sm, uint64_t vaddr, BbMemOp mop,
                           unsigned mmu_idx, uint64_t *value);
SoftmmuResult softmmu_store(Softmmu *sm, uint64_t vaddr, uint64_t value,
                            BbMemOp mop, unsigned mmu_idx);

/*
 * The physical address an instruction fetch at @vaddr would use, from
 * the TLB alone (never calls tlb_fill, so it cannot raise): true with
 * *@paddr when the code tag of @vaddr's page is cached.  The TB lookup
 * checks the second page of a page-crossing TB with it; on false the
 * caller treats the TB as stale (its translation does the real fill).
 */
bool softmmu_probe_code(Softmmu *sm, uint64_t vaddr, unsigned mmu_idx,
                        uint64_t *paddr);

/*
 * Translate an instruction fetch of @size bytes (1..8, in one page) at
 * @vaddr (the TB lookup by physical pc: 1): *@paddr gets the physical
 * address and *@host the host address of the byte for RAM/ROM, NULL for
 * anything else (fetch it through the memory API).  Fills the entry's
 * code tag.  False when tlb_fill refused (and returned).
 */
bool softmmu_translate_code(Softmmu *sm, uint64_t vaddr, unsigned size,
                            unsigned mmu_idx, uint64_t *paddr, void **host);

/* ------------------------------------------------------------ flushes */

/* Empty every TLB of the hart (satp write, sfence.vma with rs1 = x0). */
void tlb_flush(Softmmu *sm);
/* Empty the TLBs of the MMU indexes in @idxmap (bit i = index i). */
void tlb_flush_mmuidx(Softmmu *sm, uint32_t idxmap);
/* Drop @vaddr's page from every MMU index (sfence.vma rs1); an index that
 * holds a superpage covering @vaddr is emptied entirely. */
void tlb_flush_page(Softmmu *sm, uint64_t vaddr);
/* Drop @vaddr's page from the MMU indexes in @idxmap. */
void tlb_flush_page_mmuidx(Softmmu *sm, uint64_t vaddr, uint32_t idxmap);

/*
 * The physical page @page gained (@has_code) or lost its translated
 * code: mark or unmark the write tags that map it TLB_NOTDIRTY.  Has the
 * shape of the TB cache's TbPageNotify with @opaque a Softmmu; a system
 * with several harts calls it for each.
 */
void tlb_code_page_changed(void *opaque, uint64_t page, bool has_code);

/*
 * A memory listener that flushes a set of TLBs whenever the flat view of
 * an address space changes (a region added, removed, moved, enabled or
 * disabled): host pointers the TLBs hold become stale then.
 */
typedef struct TlbListener TlbListener;

TlbListener *tlb_listener_new(BbAddressSpace *as);
void tlb_listener_add(TlbListener *tl, Softmmu *sm);
void tlb_listener_remove(TlbListener *tl, Softmmu *sm);
/* Unregister and free (NULL accepted); before the address space goes. */
void tlb_listener_free(TlbListener *tl);

#endif /* HOST_TCG_SOFTMMU_H */
