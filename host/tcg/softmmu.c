/*
 * softmmu.c - the slow path of guest memory accesses and the TLB upkeep
 * (softmmu.h).  An access that fails the fast path's tag compare lands
 * here: misaligned addresses go to the CPU's policy first; a page with no
 * usable tag is translated by the CPU's tlb_fill hook and classified in
 * the address space's flat view (whole 4 KiB page of RAM: a host addend;
 * ROM: reads and fetches from host memory, writes through the memory API;
 * anything else, I/O or nothing: TLB_MMIO, every access through the
 * memory API; a page evicted lately is found again in the victim TLB
 * without asking the CPU); then the access is done - from host memory,
 * through the memory API on the physical address (helped by the entry's
 * I/O TLB hint, which finds the region without searching the flat view),
 * or, for a store to a page holding translated code (TLB_NOTDIRTY), to
 * host memory followed by notify_code_write.  Accesses crossing a page
 * are split in two, after both pages are translated.  Fills and flushes
 * also decide when a table should grow or shrink (carried out by
 * softmmu_enter()).  The model is QEMU's softmmu (tags with flag bits,
 * an addend per entry, dynamically sized tables); no code is taken from
 * it.
 */
#include <string.h>

#include "memory/memory-internal.h"
#include "tcg/softmmu.h"

#define PAGE_OFFSET(a) ((a) & (TLB_PAGE_SIZE - 1))
#define ALL_MMU_IDX ((1u << TCG_NB_MMU_IDX) - 1)

/* One page translated for one access type. */
typedef struct Xlat {
    uint64_t ppage;  /* physical page */
    uint8_t *host;   /* host address of the page, NULL: memory API */
    uint64_t flags;  /* TLB_NOTDIRTY (RAM) */
    uint32_t *io_hint; /* memory API: the entry's I/O TLB hint, or a
                          scratch one (an uncached translation) */
    uint32_t scratch;
} Xlat;

#define TLB_SHRINK_WINDOW 16 /* flushes that must all find a table mostly
                                idle before it shrinks */

static inline unsigned tlb_index(const Softmmu *sm, unsigned mmu_idx,
                                 uint64_t vaddr)
{
    return softmmu_index(sm, mmu_idx, vaddr);
}

static inline TlbEntry *entry_of(Softmmu *sm, unsigned mmu_idx,
                                 uint64_t vaddr)
{
    return tlb_entry_of(sm->tlb, mmu_idx, vaddr);
}

static inline TlbEntryInfo *info_of(Softmmu *sm, unsigned mmu_idx,
                                    uint64_t vaddr)
{
    return &sm->info[mmu_idx][tlb_index(sm, mmu_idx, vaddr)];
}

static inline uint64_t *tag_of(TlbEntry *e, int access)
{
    return access == TLB_ACCESS_WRITE ? &e->addr_write
           : access == TLB_ACCESS_EXEC ? &e->addr_code : &e->addr_read;
}

/* Does @tag translate @vaddr's page (flags aside)? */
static inline bool tag_matches(uint64_t tag, uint64_t vaddr)
{
    return (tag & (TLB_PAGE_MASK | TLB_INVALID)) == (vaddr & TLB_PAGE_MASK);
}

static SoftmmuResult record_fault(Softmmu *sm, SoftmmuResult result,
                                  uint64_t vaddr, uint64_t paddr, int access,
                                  unsigned mmu_idx, BbMemTxResult memtx)
{
    sm->fault = (SoftmmuFault){
        .result = result, .vaddr = vaddr, .paddr = paddr, .access = access,
        .mmu_idx = mmu_idx, .memtx = memtx,
    };
    return result;
}

/* ------------------------------------------------------------ setup */

/* Give @mmu_idx a new, empty table of 2^@bits entries. */
static void table_replace(Softmmu *sm, unsigned mmu_idx, unsigned bits)
{
    tlb_table_set_size(sm->tlb, mmu_idx, bits);
    g_free(sm->info[mmu_idx]);
    sm->info[mmu_idx] = g_new0(TlbEntryInfo, (size_t)1 << bits);
    sm->bits[mmu_idx] = (uint8_t)bits;
}

Softmmu *softmmu_new(BbAddressSpace *as, const SoftmmuOps *ops, void *opaque)
{
    static const SoftmmuOps no_ops;
    Softmmu *sm = g_new0(Softmmu, 1);

    sm->as = as;
    sm->ops = ops ? ops : &no_ops;
    sm->opaque = opaque;
    sm->tlb = tlb_table_alloc();
    if (!sm->tlb) {
        g_error("softmmu: cannot reserve %zu bytes of address space for "
                "the TLBs", sizeof(TlbTable));
    }
    for (unsigned m = 0; m < TCG_NB_MMU_IDX; m++) {
        table_replace(sm, m, TLB_BITS);
    }
    memset(sm->victim, 0xff, sizeof(sm->victim));
    return sm;
}

void softmmu_free(Softmmu *sm)
{
    if (!sm) {
        return;
    }
    for (unsigned m = 0; m < TCG_NB_MMU_IDX; m++) {
        g_free(sm->info[m]);
    }
    tlb_table_release(sm->tlb);
    g_free(sm);
}

/* ------------------------------------------------------------ resizing */

/*
 * Tables start at 2^TLB_BITS entries.  Under pressure - more than half of
 * a table's worth of fills evicted a translation of another page - one
 * doubles, up to 2^TLB_MAX_BITS: a guest touching more pages than the
 * table holds between flushes (pointer chasing over 64 MiB) otherwise
 * misses on nearly every access.  When TLB_SHRINK_WINDOW flushes in a row
 * each found fewer fills than an eighth of the table, it halves, down to
 * 2^TLB_MIN_BITS: a flush clears the whole table once the fill log
 * overflowed, and that is cheaper in a smaller one.  The new table is
 * empty (nothing is rehashed: a resize is rare).
 */
static void resize_request(Softmmu *sm, unsigned mmu_idx, unsigned bits)
{
    sm->want_bits[mmu_idx] = (uint8_t)bits;
    sm->resize_pending |= 1u << mmu_idx;
}

/* A fill of @mmu_idx evicted (@evicted) a translation or not. */
static void resize_note_fill(Softmmu *sm, unsigned mmu_idx, bool evicted)
{
    uint32_t n = 1u << sm->bits[mmu_idx];

    sm->evictions[mmu_idx] += evicted;
    if (++sm->checked_fills[mmu_idx] < n) {
        return;
    }
    if (sm->evictions[mmu_idx] > n / 2 && sm->bits[mmu_idx] < TLB_MAX_BITS) {
        resize_request(sm, mmu_idx, sm->bits[mmu_idx] + 1u);
    }
    sm->checked_fills[mmu_idx] = sm->evictions[mmu_idx] = 0;
}

/* @mmu_idx is being flushed. */
static void resize_note_flush(Softmmu *sm, unsigned mmu_idx)
{
    uint32_t n = 1u << sm->bits[mmu_idx];

    sm->window_max[mmu_idx] =
        MAX(sm->window_max[mmu_idx], sm->fills_since_flush[mmu_idx]);
    sm->fills_since_flush[mmu_idx] = 0;
    if (++sm->window_flushes[mmu_idx] < TLB_SHRINK_WINDOW) {
        return;
    }
    if (sm->window_max[mmu_idx] < n / 8 && sm->bits[mmu_idx] > TLB_MIN_BITS &&
        !(sm->resize_pending & (1u << mmu_idx))) {
        resize_request(sm, mmu_idx, sm->bits[mmu_idx] - 1u);
    }
    sm->window_max[mmu_idx] = sm->window_flushes[mmu_idx] = 0;
}

void softmmu_resize_apply(Softmmu *sm)
{
    uint32_t todo = sm->resize_pending;

    sm->resize_pending = 0;
    for (unsigned m = 0; todo; m++, todo >>= 1) {
        if (!(todo & 1) || sm->want_bits[m] == sm->bits[m]) {
            continue;
        }
        if (sm->want_bits[m] > sm->bits[m]) {
            sm->stats.grows++;
        } else {
            sm->stats.shrinks++;
        }
        table_replace(sm, m, sm->want_bits[m]);
        memset(sm->victim[m], 0xff, sizeof(sm->victim[m]));
        sm->fill_count[m] = sm->fills_since_flush[m] = 0;
        sm->checked_fills[m] = sm->evictions[m] = 0;
        sm->window_max[m] = sm->window_flushes[m] = 0;
        sm->used &= ~(1u << m);
        sm->large &= ~(1u << m);
    }
    sm->generation++;
}

void softmmu_init_runtime(Softmmu *sm, TcgRuntime *rt)
{
    rt->load = softmmu_load_slow;
    rt->store = softmmu_store_slow;
    rt->opaque = sm;
    rt->tlb = sm->tlb;
}

/* ------------------------------------------------------------ fill */

/* Note a superpage, so that flushing one of its 4 KiB pages can empty the
 * whole MMU index (only the 4 KiB pages touched are in the TLB, and the
 * page flush names one address of the superpage). */
static void note_large_page(Softmmu *sm, unsigned mmu_idx, uint64_t vaddr,
                            unsigned bits)
{
    uint64_t mask = bits >= 64 ? 0 : ~(((uint64_t)1 << bits) - 1);

    if (sm->large & (1u << mmu_idx)) {
        mask &= sm->large_mask[mmu_idx];
        while ((sm->large_addr[mmu_idx] ^ vaddr) & mask) {
            mask <<= 1; /* widen until the region covers both */
        }
    }
    sm->large |= 1u << mmu_idx;
    sm->large_mask[mmu_idx] = mask;
    sm->large_addr[mmu_idx] = vaddr & mask;
}

static inline bool entry_empty(const TlbEntry *e)
{
    return (e->addr_read & e->addr_write & e->addr_code & TLB_INVALID) != 0;
}

static inline void entry_clear(TlbEntry *e)
{
    e->addr_read = e->addr_write = e->addr_code = TLB_TAG_NONE;
}

/* Does @e translate @vaddr's page for any access? */
static inline bool entry_maps(const TlbEntry *e, uint64_t vaddr)
{
    return tag_matches(e->addr_read, vaddr) ||
           tag_matches(e->addr_write, vaddr) ||
           tag_matches(e->addr_code, vaddr);
}

/* The table entry at @idx of @mmu_idx is about to be overwritten: keep
 * it in the victim TLB if it holds a translation. */
static bool evict_to_victim(Softmmu *sm, unsigned mmu_idx, unsigned idx)
{
    TlbEntry *e = &sm->tlb->e[mmu_idx][idx];
    unsigned v;

    if (entry_empty(e)) {
        return false;
    }
    v = sm->victim_next[mmu_idx]++ % TLB_VICTIMS;
    sm->victim[mmu_idx][v] = *e;
    sm->victim_info[mmu_idx][v] = sm->info[mmu_idx][idx];
    return true;
}

/* Look for @vaddr's page with a tag for @access in the victim TLB; on a
 * hit swap it with the table entry it belongs in (which becomes the
 * victim) and return that table entry.  Entries get into the victims
 * only from the table after the last flush, so the table index is in
 * the fill log already (or the log overflowed). */
static TlbEntry *victim_lookup(Softmmu *sm, unsigned mmu_idx, uint64_t vaddr,
                               int access)
{
    for (unsigned v = 0; v < TLB_VICTIMS; v++) {
        TlbEntry *ve = &sm->victim[mmu_idx][v];

        if (tag_matches(*tag_of(ve, access), vaddr)) {
            unsigned idx = tlb_index(sm, mmu_idx, vaddr);
            TlbEntry *e = &sm->tlb->e[mmu_idx][idx];
            TlbEntry te = *e;
            TlbEntryInfo ti = sm->info[mmu_idx][idx];

            *e = *ve;
            sm->info[mmu_idx][idx] = sm->victim_info[mmu_idx][v];
            *ve = te;
            sm->victim_info[mmu_idx][v] = ti;
            sm->stats.victim_hits++;
            return e;
        }
    }
    return NULL;
}

/* Ask the CPU for a translation of @vaddr's page for an access of @size
 * bytes there, classify the physical page and (unless TLB_PROT_NO_CACHE)
 * install it. */
static SoftmmuResult fill(Softmmu *sm, uint64_t vaddr, int access,
                          unsigned size, unsigned mmu_idx, Xlat *x)
{
    const SoftmmuOps *ops = sm->ops;
    uint64_t vpage = vaddr & TLB_PAGE_MASK;
    uint64_t paddr = vaddr, len, base, wtag, tag;
    unsigned prot = TLB_PROT_READ | TLB_PROT_WRITE | TLB_PROT_EXEC;
    uint8_t *host;
    TlbEntryInfo *info;
    bool ram, writable = false, code = false;

    sm->stats.fills++;
    if (ops->tlb_fill) {
        prot = 0;
        if (!ops->tlb_fill(sm->opaque, vaddr, access, size, mmu_idx,
                           &paddr, &prot)) {
            return record_fault(sm, SOFTMMU_FAULT_FILL, vaddr, 0, access,
                                mmu_idx, BB_MEMTX_OK);
        }
    }
    prot |= 1u << access; /* what was asked for was granted */
    x->ppage = paddr & TLB_PAGE_MASK;
    x->scratch = 0;
    x->io_hint = &x->scratch;

    /* RAM only when the whole page is one host-backed range. */
    len = TLB_PAGE_SIZE;
    host = bb_address_space_map(sm->as, x->ppage, &len, false);
    ram = host && len == TLB_PAGE_SIZE;
    if (ram) {
        len = TLB_PAGE_SIZE;
        writable = bb_address_space_map(sm->as, x->ppage, &len, true) &&
                   len == TLB_PAGE_SIZE;
    }
    if (writable && (prot & TLB_PROT_WRITE) && ops->page_has_code) {
        code = ops->page_has_code(sm->opaque, x->ppage);
    }

    base = vpage | (ram ? 0 : TLB_MMIO);
    wtag = !(prot & TLB_PROT_WRITE) ? TLB_TAG_NONE
           : ram && !writable       ? vpage | TLB_MMIO /* ROM */
                                    : base | (code ? TLB_NOTDIRTY : 0);
    tag = access == TLB_ACCESS_WRITE ? wtag : base;
    x->flags = tag & TLB_NOTDIRTY;
    x->host = (tag & TLB_MMIO) ? NULL : host;

    if (!(prot & TLB_PROT_NO_CACHE)) {
        unsigned idx = tlb_index(sm, mmu_idx, vaddr);
        TlbEntry *e = &sm->tlb->e[mmu_idx][idx];
        unsigned bits = (prot >> TLB_PROT_PAGE_SHIFT) & 63;

        resize_note_fill(sm, mmu_idx,
                         !entry_maps(e, vaddr) &&
                             evict_to_victim(sm, mmu_idx, idx));
        e->addr_read = (prot & TLB_PROT_READ) ? base : TLB_TAG_NONE;
        e->addr_write = wtag;
        e->addr_code = (prot & TLB_PROT_EXEC) ? base : TLB_TAG_NONE;
        e->addend = ram ? (uint64_t)(uintptr_t)host - vpage : 0;
        info = &sm->info[mmu_idx][idx];
        if (info->paddr != x->ppage) {
            /* (The same page again, after a flush, keeps its hint.) */
            info->paddr = x->ppage;
            info->io_hint = 0;
        }
        x->io_hint = &info->io_hint;
        sm->used |= 1u << mmu_idx;
        sm->fills_since_flush[mmu_idx]++;
        if (sm->fill_count[mmu_idx] < TLB_FILL_LOG) {
            sm->fill_log[mmu_idx][sm->fill_count[mmu_idx]] = (uint16_t)idx;
        }
        if (sm->fill_count[mmu_idx] <= TLB_FILL_LOG) {
            sm->fill_count[mmu_idx]++;
        }
        if (bits > TLB_PAGE_BITS) {
            note_large_page(sm, mmu_idx, vaddr, bits);
        }
    }
    return SOFTMMU_OK;
}

/* The translation of @vaddr's page for @access of @size bytes: from the
 * TLB when a tag is there (whatever its flags: a cached page has the
 * same permissions throughout), else by a fill. */
static SoftmmuResult translate(Softmmu *sm, uint64_t vaddr, int access,
                               unsigned size, unsigned mmu_idx, Xlat *x)
{
    unsigned idx = tlb_index(sm, mmu_idx, vaddr);
    TlbEntry *e = &sm->tlb->e[mmu_idx][idx];
    TlbEntryInfo *info = &sm->info[mmu_idx][idx];
    uint64_t tag = *tag_of(e, access);

    if (!tag_matches(tag, vaddr)) {
        e = victim_lookup(sm, mmu_idx, vaddr, access); /* (into idx) */
        if (!e) {
            return fill(sm, vaddr, access, size, mmu_idx, x);
        }
        tag = *tag_of(e, access);
    }
    x->ppage = info->paddr;
    x->io_hint = &info->io_hint;
    x->flags = tag & TLB_NOTDIRTY;
    x->host = (tag & TLB_MMIO)
                  ? NULL
                  : (uint8_t *)(uintptr_t)((vaddr & TLB_PAGE_MASK) +
                                           e->addend);
    return SOFTMMU_OK;
}

/* ------------------------------------------------------------ access */

static bool is_pow2_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* A store to a page with code landed: tell the CPU (the TB cache), and
 * give the page its fast path back once the code is gone. */
static void code_written(Softmmu *sm, uint64_t vaddr, uint64_t paddr,
                         unsigned size, unsigned mmu_idx)
{
    const SoftmmuOps *ops = sm->ops;
    TlbEntry *e;

    sm->stats.code_writes++;
    if (ops->notify_code_write) {
        ops->notify_code_write(sm->opaque, paddr, size);
    }
    e = entry_of(sm, mmu_idx, vaddr);
    if (tag_matches(e->addr_write, vaddr) &&
        (e->addr_write & TLB_NOTDIRTY) &&
        info_of(sm, mmu_idx, vaddr)->paddr == (paddr & TLB_PAGE_MASK) &&
        !(ops->page_has_code &&
          ops->page_has_code(sm->opaque, paddr & TLB_PAGE_MASK))) {
        e->addr_write &= ~TLB_NOTDIRTY;
    }
}

/* @size bytes (1..8) at @vaddr, all in the page @x translates; *@val
 * holds/receives them little-endian in its low bytes. */
static SoftmmuResult access_page(Softmmu *sm, const Xlat *x, uint64_t vaddr,
                                 unsigned size, int access, unsigned mmu_idx,
                                 uint64_t *val)
{
    uint64_t paddr = x->ppage | PAGE_OFFSET(vaddr);
    BbMemTxResult r = BB_MEMTX_OK;

    if (x->host) {
        uint8_t *p = x->host + PAGE_OFFSET(vaddr);

        /* Little-endian guest on a little-endian host. */
        if (access == TLB_ACCESS_WRITE) {
            memcpy(p, val, size);
            if (x->flags & TLB_NOTDIRTY) {
                code_written(sm, vaddr, paddr, size, mmu_idx);
            }
        } else {
            *val = 0;
            memcpy(val, p, size);
        }
        return SOFTMMU_OK;
    }

    sm->stats.mmio++;
    if (is_pow2_size(size)) {
        /* The I/O TLB: the region the page's last access went to. */
        r = address_space_access_hinted(sm->as, x->io_hint, x->ppage, paddr,
                                        size, val, access == TLB_ACCESS_WRITE);
    } else {
        /* A piece of a split access: byte by byte. */
        uint64_t v = 0;

        for (unsigned i = 0; i < size && r == BB_MEMTX_OK; i++) {
            uint64_t b = (*val >> (8 * i)) & 0xff;

            r = address_space_access_hinted(sm->as, x->io_hint, x->ppage,
                                            paddr + i, 1, &b,
                                            access == TLB_ACCESS_WRITE);
            v |= b << (8 * i);
        }
        if (access != TLB_ACCESS_WRITE) {
            *val = v;
        }
    }
    if (r != BB_MEMTX_OK) {
        if (access != TLB_ACCESS_WRITE) {
            *val = 0;
        }
        record_fault(sm, SOFTMMU_FAULT_BUS, vaddr, paddr, access, mmu_idx, r);
        if (sm->ops->bus_error) {
            sm->ops->bus_error(sm->opaque, vaddr, paddr, access, size,
                               mmu_idx, r);
        }
        return SOFTMMU_FAULT_BUS;
    }
    return SOFTMMU_OK;
}

/* An access that crosses into the next page: translate both pages, then
 * do the two pieces in address order. */
static SoftmmuResult access_split(Softmmu *sm, uint64_t vaddr, unsigned size,
                                  int access, unsigned mmu_idx, uint64_t *val)
{
    unsigned n1 = (unsigned)(TLB_PAGE_SIZE - PAGE_OFFSET(vaddr));
    unsigned n2 = size - n1;
    uint64_t v1 = *val & (((uint64_t)1 << (8 * n1)) - 1);
    uint64_t v2 = *val >> (8 * n1);
    uint64_t vaddr2 = vaddr + n1;
    unsigned gen;
    SoftmmuResult r;
    Xlat x1, x2;

    if ((r = translate(sm, vaddr, access, n1, mmu_idx, &x1)) != SOFTMMU_OK ||
        (r = translate(sm, vaddr2, access, n2, mmu_idx, &x2)) != SOFTMMU_OK) {
        return r;
    }
    gen = sm->generation;
    if ((r = access_page(sm, &x1, vaddr, n1, access, mmu_idx, &v1)) !=
        SOFTMMU_OK) {
        return r;
    }
    /* A device callback may have changed the memory map (flushing us). */
    if (sm->generation != gen &&
        (r = translate(sm, vaddr2, access, n2, mmu_idx, &x2)) != SOFTMMU_OK) {
        return r;
    }
    if ((r = access_page(sm, &x2, vaddr2, n2, access, mmu_idx, &v2)) !=
        SOFTMMU_OK) {
        return r;
    }
    if (access != TLB_ACCESS_WRITE) {
        *val = v1 | (v2 << (8 * n1));
    }
    return SOFTMMU_OK;
}

/* The whole slow path of one access. */
static SoftmmuResult access_slow(Softmmu *sm, uint64_t vaddr, BbMemOp mop,
                                 int access, unsigned mmu_idx, uint64_t *val)
{
    unsigned size = 1u << (mop & BB_MO_SIZE);
    SoftmmuResult r;
    Xlat x;

    if (mmu_idx >= TCG_NB_MMU_IDX) {
        return record_fault(sm, SOFTMMU_FAULT_FILL, vaddr, 0, access, mmu_idx,
                            BB_MEMTX_OK);
    }
    if (!(vaddr & (size - 1))) {
        /* An aligned access to a page the TLB holds as plain MMIO (the
         * usual device register access): what translate() would find,
         * without its detour. */
        unsigned idx = tlb_index(sm, mmu_idx, vaddr);
        TlbEntry *e = &sm->tlb->e[mmu_idx][idx];

        if (*tag_of(e, access) == ((vaddr & TLB_PAGE_MASK) | TLB_MMIO)) {
            TlbEntryInfo *info = &sm->info[mmu_idx][idx];

            x = (Xlat){ .ppage = info->paddr, .io_hint = &info->io_hint };
            return access_page(sm, &x, vaddr, size, access, mmu_idx, val);
        }
    } else {
        /* Address-misaligned has priority over page faults (RISC-V). */
        if (mop & BB_MO_ALIGN) {
            record_fault(sm, SOFTMMU_FAULT_MISALIGNED, vaddr, 0, access,
                         mmu_idx, BB_MEMTX_OK);
            if (sm->ops->misaligned) {
                sm->ops->misaligned(sm->opaque, vaddr, access, mop, mmu_idx);
            }
            return SOFTMMU_FAULT_MISALIGNED;
        }
        if (sm->ops->misaligned &&
            !sm->ops->misaligned(sm->opaque, vaddr, access, mop, mmu_idx)) {
            return record_fault(sm, SOFTMMU_FAULT_MISALIGNED, vaddr, 0,
                                access, mmu_idx, BB_MEMTX_OK);
        }
        if (PAGE_OFFSET(vaddr) + size > TLB_PAGE_SIZE) {
            return access_split(sm, vaddr, size, access, mmu_idx, val);
        }
    }
    if ((r = translate(sm, vaddr, access, size, mmu_idx, &x)) != SOFTMMU_OK) {
        return r;
    }
    return access_page(sm, &x, vaddr, size, access, mmu_idx, val);
}

uint64_t softmmu_load_slow(void *opaque, uint64_t vaddr, BbMemOp mop,
                           unsigned mmu_idx)
{
    Softmmu *sm = opaque;
    uint64_t v = 0;

    sm->stats.slow_loads++;
    if (access_slow(sm, vaddr, mop, TLB_ACCESS_READ, mmu_idx, &v) !=
        SOFTMMU_OK) {
        return 0;
    }
    return v;
}

void softmmu_store_slow(void *opaque, uint64_t vaddr, uint64_t value,
                        BbMemOp mop, unsigned mmu_idx)
{
    Softmmu *sm = opaque;
    unsigned size = 1u << (mop & BB_MO_SIZE);

    sm->stats.slow_stores++;
    if (size < 8) {
        value &= ((uint64_t)1 << (8 * size)) - 1;
    }
    access_slow(sm, vaddr, mop, TLB_ACCESS_WRITE, mmu_idx, &value);
}

SoftmmuResult softmmu_load(Softmmu *sm, uint64_t vaddr, BbMemOp mop,
                           unsigned mmu_idx, uint64_t *value)
{
    unsigned size = 1u << (mop & BB_MO_SIZE);
    void *host = mmu_idx < TCG_NB_MMU_IDX
                     ? tlb_hit(sm->tlb, vaddr, size, mmu_idx, false)
                     : NULL;
    SoftmmuResult r = SOFTMMU_OK;
    uint64_t v = 0;

    if (host) {
        memcpy(&v, host, size);
    } else {
        sm->stats.slow_loads++;
        r = access_slow(sm, vaddr, mop, TLB_ACCESS_READ, mmu_idx, &v);
    }
    if (r != SOFTMMU_OK) {
        v = 0;
    } else if ((mop & BB_MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;

        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    *value = v;
    return r;
}

SoftmmuResult softmmu_store(Softmmu *sm, uint64_t vaddr, uint64_t value,
                            BbMemOp mop, unsigned mmu_idx)
{
    unsigned size = 1u << (mop & BB_MO_SIZE);
    void *host = mmu_idx < TCG_NB_MMU_IDX
                     ? tlb_hit(sm->tlb, vaddr, size, mmu_idx, true)
                     : NULL;

    if (host) {
        memcpy(host, &value, size);
        return SOFTMMU_OK;
    }
    sm->stats.slow_stores++;
    if (size < 8) {
        value &= ((uint64_t)1 << (8 * size)) - 1;
    }
    return access_slow(sm, vaddr, mop, TLB_ACCESS_WRITE, mmu_idx, &value);
}

bool softmmu_probe_code(Softmmu *sm, uint64_t vaddr, unsigned mmu_idx,
                        uint64_t *paddr)
{
    TlbEntry *e;

    if (mmu_idx >= TCG_NB_MMU_IDX) {
        return false;
    }
    e = entry_of(sm, mmu_idx, vaddr);
    if (tag_matches(e->addr_code, vaddr)) {
        *paddr = info_of(sm, mmu_idx, vaddr)->paddr | PAGE_OFFSET(vaddr);
        return true;
    }
    for (unsigned v = 0; v < TLB_VICTIMS; v++) {
        if (tag_matches(sm->victim[mmu_idx][v].addr_code, vaddr)) {
            *paddr = sm->victim_info[mmu_idx][v].paddr | PAGE_OFFSET(vaddr);
            return true;
        }
    }
    return false;
}

bool softmmu_translate_code(Softmmu *sm, uint64_t vaddr, unsigned size,
                            unsigned mmu_idx, uint64_t *paddr, void **host)
{
    Xlat x;

    if (mmu_idx >= TCG_NB_MMU_IDX) {
        record_fault(sm, SOFTMMU_FAULT_FILL, vaddr, 0, TLB_ACCESS_EXEC,
                     mmu_idx, BB_MEMTX_OK);
        return false;
    }
    if (translate(sm, vaddr, TLB_ACCESS_EXEC, size, mmu_idx, &x) !=
        SOFTMMU_OK) {
        return false;
    }
    *paddr = x.ppage | PAGE_OFFSET(vaddr);
    *host = x.host ? x.host + PAGE_OFFSET(vaddr) : NULL;
    return true;
}

/* ------------------------------------------------------------ flushes */

/* Empty one MMU index's table: only the entries filled since its last
 * flush, when they are few (a guest switching address spaces often
 * touches a handful of pages in between), else all of it. */
static void flush_one(Softmmu *sm, unsigned mmu_idx)
{
    uint32_t n = sm->fill_count[mmu_idx];

    if (n <= TLB_FILL_LOG) {
        for (uint32_t k = 0; k < n; k++) {
            TlbEntry *e =
                &sm->tlb->e[mmu_idx][sm->fill_log[mmu_idx][k]];

            e->addr_read = e->addr_write = e->addr_code = TLB_TAG_NONE;
        }
    } else {
        memset(sm->tlb->e[mmu_idx], 0xff,
               sizeof(TlbEntry) << sm->bits[mmu_idx]);
    }
    resize_note_flush(sm, mmu_idx);
    memset(sm->victim[mmu_idx], 0xff, sizeof(sm->victim[mmu_idx]));
    sm->fill_count[mmu_idx] = 0;
    sm->large &= ~(1u << mmu_idx);
    sm->stats.flushes++;
}

void tlb_flush_mmuidx(Softmmu *sm, uint32_t idxmap)
{
    uint32_t todo = idxmap & sm->used;

    for (unsigned i = 0; todo; i++, todo >>= 1) {
        if (todo & 1) {
            flush_one(sm, i);
        }
    }
    sm->used &= ~idxmap;
    sm->generation++;
}

void tlb_flush(Softmmu *sm)
{
    tlb_flush_mmuidx(sm, ALL_MMU_IDX);
}

void tlb_flush_page_mmuidx(Softmmu *sm, uint64_t vaddr, uint32_t idxmap)
{
    uint32_t todo = idxmap & sm->used;

    for (unsigned i = 0; todo; i++, todo >>= 1) {
        TlbEntry *e;

        if (!(todo & 1)) {
            continue;
        }
        if ((sm->large & (1u << i)) &&
            (vaddr & sm->large_mask[i]) == sm->large_addr[i]) {
            flush_one(sm, i);
            sm->used &= ~(1u << i);
            continue;
        }
        e = entry_of(sm, i, vaddr);
        if (entry_maps(e, vaddr)) {
            entry_clear(e);
        }
        for (unsigned v = 0; v < TLB_VICTIMS; v++) {
            if (entry_maps(&sm->victim[i][v], vaddr)) {
                entry_clear(&sm->victim[i][v]);
            }
        }
    }
    sm->generation++;
}

void tlb_flush_page(Softmmu *sm, uint64_t vaddr)
{
    tlb_flush_page_mmuidx(sm, vaddr, ALL_MMU_IDX);
}

/* Set or clear TLB_NOTDIRTY on @e if it maps RAM page @page writably
 * (only such mappings carry it). */
static void entry_mark_code(TlbEntry *e, const TlbEntryInfo *info,
                            uint64_t page, bool has_code)
{
    if (info->paddr != page ||
        (e->addr_write & (TLB_INVALID | TLB_MMIO))) {
        return;
    }
    if (has_code) {
        e->addr_write |= TLB_NOTDIRTY;
    } else {
        e->addr_write &= ~TLB_NOTDIRTY;
    }
}

void tlb_code_page_changed(void *opaque, uint64_t page, bool has_code)
{
    Softmmu *sm = opaque;
    uint32_t todo = sm->used;

    page &= TLB_PAGE_MASK;
    for (unsigned m = 0; todo; m++, todo >>= 1) {
        if (!(todo & 1)) {
            continue;
        }
        for (unsigned i = 0, n = 1u << sm->bits[m]; i < n; i++) {
            entry_mark_code(&sm->tlb->e[m][i], &sm->info[m][i], page,
                            has_code);
        }
        for (unsigned v = 0; v < TLB_VICTIMS; v++) {
            entry_mark_code(&sm->victim[m][v], &sm->victim_info[m][v], page,
                            has_code);
        }
    }
}

/* ------------------------------------------------------------ listener */

struct TlbListener {
    BbMemoryListener l;
    BbAddressSpace *as;
    GPtrArray *harts; /* Softmmu *, not owned */
};

/* Any change of the view ends with a commit: drop every translation. */
static void tlb_listener_commit(BbMemoryListener *l)
{
    TlbListener *tl = l->opaque;

    for (guint i = 0; i < tl->harts->len; i++) {
        tlb_flush(g_ptr_array_index(tl->harts, i));
    }
}

TlbListener *tlb_listener_new(BbAddressSpace *as)
{
    TlbListener *tl = g_new0(TlbListener, 1);

    tl->as = as;
    tl->harts = g_ptr_array_new();
    tl->l.commit = tlb_listener_commit;
    tl->l.opaque = tl;
    bb_address_space_add_listener(as, &tl->l);
    return tl;
}

void tlb_listener_add(TlbListener *tl, Softmmu *sm)
{
    g_ptr_array_add(tl->harts, sm);
}

void tlb_listener_remove(TlbListener *tl, Softmmu *sm)
{
    g_ptr_array_remove(tl->harts, sm);
}

void tlb_listener_free(TlbListener *tl)
{
    if (!tl) {
        return;
    }
    bb_address_space_remove_listener(tl->as, &tl->l);
    g_ptr_array_free(tl->harts, TRUE);
    g_free(tl);
}
