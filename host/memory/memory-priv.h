/*
 * memory-priv.h - what the files of host/memory share and nobody else
 * sees: the layout of a memory region, of a flat view and of an address
 * space, and the calls between region.c (the tree), flatview.c (rendering),
 * address-space.c (views, transactions, listeners), access.c (one access)
 * and dma.c (buffers).  Other host subsystems use memory-internal.h.
 *
 * Sizes and ranges are kept as inclusive last offsets ("size - 1"), so a
 * region or range of 2^64 bytes is simply [0, UINT64_MAX] and no address
 * computation ever needs a 65th bit; see region_last_from_size().
 */
#ifndef HOST_MEMORY_MEMORY_PRIV_H
#define HOST_MEMORY_MEMORY_PRIV_H

#include <inttypes.h>

#include <breadboard/memory.h>

#include "memory-internal.h"

typedef enum {
    MR_RAM,
    MR_ROM,
    MR_IO,
    MR_ALIAS,
    MR_CONTAINER,
} MemoryRegionKind;

struct BbMemoryRegion {
    gint ref;               /* references; the last one frees */
    MemoryRegionKind kind;
    char *name;
    BbObject *owner;        /* borrowed: owners hold their regions */
    uint64_t last;          /* size - 1 */
    bool enabled;

    /* Where the region is mapped (container NULL when it is not). */
    BbMemoryRegion *container; /* borrowed: the container refs us */
    uint64_t addr;          /* offset in the container */
    int priority;
    uint64_t seq;           /* insertion stamp: later wins at equal prio */

    /* Who can see the region, for deciding whether a change matters. */
    unsigned root_count;    /* address spaces whose root this is */
    unsigned alias_count;   /* aliases targeting this region */

    uint8_t *ram;           /* RAM/ROM: host mapping of last + 1 bytes */
    BbMemoryOps ops;        /* I/O: normalised copy of the table */
    void *opaque;           /* I/O: for the callbacks */
    BbMemoryRegion *alias;  /* ALIAS: target (referenced) */
    uint64_t alias_offset;  /* ALIAS: window start in the target */
    GPtrArray *subregions;  /* CONTAINER: BbMemoryRegion *, referenced */
    bool sub_sorted;        /* CONTAINER: subregions sorted by (priority,
                               seq), lowest first */
};

/* The region size for a public size argument: UINT64_MAX means 2^64. */
static inline uint64_t region_last_from_size(uint64_t size)
{
    return size == UINT64_MAX ? UINT64_MAX : size - 1;
}

/* A flat view: sorted, disjoint ranges.  The address space holds one
 * reference; a DMA transfer holds another while it walks the view.  The
 * count is atomic, but the I/O access path does not touch it (see
 * BbAddressSpace.busy). */
typedef struct FlatView {
    gint ref;
    unsigned nr;            /* number of ranges */
    FlatRange *ranges;      /* sorted by start */
} FlatView;

struct BbAddressSpace {
    AddressSpaceIo io;      /* first (memory-internal.h) */
    char *name;
    BbMemoryRegion *root;   /* referenced */
    BbUnassignedPolicy policy;
    FlatView *view;         /* current view (referenced) */
    unsigned last_hit;      /* index of the last lookup's range: a hint,
                               checked before use */
    GPtrArray *listeners;   /* BbMemoryListener *, registration order */
    /*
     * I/O callbacks of this space running now (nested ones counted).  A
     * callback may change the map; the view replaced meanwhile (whose
     * references keep its regions alive) is kept in @retired until the
     * outermost callback returns, so that the region whose callback is
     * running, and the range the caller found it through, outlive the
     * access.  Plain counters: all accesses run on the main loop's thread
     * (docs/architecture.md), so no atomic operation is needed.
     */
    unsigned busy;
    GPtrArray *retired;     /* FlatView *, referenced; NULL when none */
};

/* region.c: sort a container's subregions by (priority, seq), lowest
 * first, if an insertion disturbed that order. */
void memory_region_sort_subregions(BbMemoryRegion *mr);

/* flatview.c */
FlatView *flatview_render(BbMemoryRegion *root);
FlatView *flatview_ref(FlatView *view);
void flatview_unref(FlatView *view);
/* Index of the first range ending at or after @addr (nr if none). */
unsigned flatview_search(const FlatView *view, uint64_t addr);

/* address-space.c: a region changed in a way that may alter views. */
void memory_map_changed(BbMemoryRegion *mr);
/* address-space.c: release the views retired while callbacks ran. */
void address_space_drop_retired(BbAddressSpace *as);

/* Around an I/O callback reached through @as's view (BbAddressSpace.busy). */
static inline void address_space_io_begin(BbAddressSpace *as)
{
    as->busy++;
}

static inline void address_space_io_end(BbAddressSpace *as)
{
    if (--as->busy == 0 && as->retired) {
        address_space_drop_retired(as);
    }
}
/* The range of @as's current view holding @addr, or NULL; updates the
 * last-hit cache. */
const FlatRange *address_space_find(BbAddressSpace *as, const FlatView *view,
                                    uint64_t addr);

/* access.c: one access of @size (1, 2, 4, 8) bytes at @offset of I/O
 * region @mr, after the guest-validity checks; @attrs reach callbacks
 * that take them. */
BbMemTxResult memory_region_io_access(BbMemoryRegion *mr, uint64_t offset,
                                      unsigned size, uint64_t *value,
                                      bool is_write, BbMemTxAttrs attrs);
/* access.c: whether the guest may make that access (logs if not). */
bool memory_region_io_valid(BbMemoryRegion *mr, uint64_t offset,
                            unsigned size, bool is_write);
/* access.c: AddressSpaceIo.access_hinted. */
BbMemTxResult address_space_access_hinted_impl(BbAddressSpace *as,
                                               uint32_t *hint, uint64_t base,
                                               uint64_t addr, unsigned size,
                                               uint64_t *value, bool is_write);
/* access.c: a guest write that hit ROM. */
void memory_rom_write_ignored(const FlatRange *fr, uint64_t addr,
                              uint64_t len);

/* Whether @size is an access size: 1, 2, 4 or 8. */
static inline bool access_size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Little-endian byte (de)composition of guest values. */
static inline uint64_t memory_ld_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = size; i-- > 0;) {
        v = (v << 8) | p[i];
    }
    return v;
}

static inline void memory_st_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

#endif /* HOST_MEMORY_MEMORY_PRIV_H */
