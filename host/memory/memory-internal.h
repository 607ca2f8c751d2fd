/*
 * memory-internal.h - the host-side view of guest memory, for the system
 * code, the CLI's `describe` and the JIT's softmmu slow path: ranges of an
 * address space's current flat view, the owner of a region, and the
 * memory-map dumps.  Plugins use memory.h only.
 *
 * A FlatRange and any host pointer derived from it are valid until the
 * memory map next changes; memory listeners (memory.h) hear about every
 * change, which is when a TLB must drop what it cached.
 */
#ifndef HOST_MEMORY_MEMORY_INTERNAL_H
#define HOST_MEMORY_MEMORY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/memory.h>

/*
 * One range of a flat view.  @last is inclusive, so a range may cover the
 * whole 2^64-byte space.  Read-only for users.
 */
typedef struct FlatRange {
    uint64_t start;            /* first address in the address space */
    uint64_t last;             /* last address (inclusive) */
    BbMemoryRegion *mr;        /* terminal region: RAM, ROM or I/O */
    uint64_t offset_in_region; /* offset of @start in @mr */
    uint8_t *host;             /* RAM/ROM: host address of @start; else NULL */
    bool readonly;             /* ROM: guest writes are ignored */
} FlatRange;

/* The range holding @addr in @as's current view, or NULL (unassigned). */
const FlatRange *address_space_lookup(BbAddressSpace *as, uint64_t addr);

/*
 * address_space_access_hinted() - bb_address_space_load() (@is_write
 * false) or bb_address_space_store() (true) of @size bytes at @addr, with
 * the same results, guest errors and bus errors, for callers that access
 * the same few I/O registers over and over (the softmmu's TLB_MMIO pages,
 * @base their page's address, <= @addr).  *@hint (0: none yet) is where
 * the view's ranges from @base on begin: the I/O region holding @addr is
 * found from there in a step or two, without a search of the view, and
 * called.  Everything else (holes, RAM and ROM pieces, accesses across
 * two ranges, a hint that does not fit) takes the general path, which
 * also sets *@hint.  A hint is an index checked against the current view
 * at each use, never a pointer: after a map change it is at worst
 * useless once, never dangling.
 *
 * It is reached through a pointer at the start of every address space,
 * not by its symbol: the JIT's unit tests link a static copy of the JIT
 * (bb_tcg_internal) against the shared library, whose internal symbols
 * are hidden.
 */
typedef BbMemTxResult (*AddressSpaceAccessFn)(BbAddressSpace *as,
                                              uint32_t *hint, uint64_t base,
                                              uint64_t addr, unsigned size,
                                              uint64_t *value, bool is_write);

/* The first member of every BbAddressSpace (memory-priv.h). */
typedef struct AddressSpaceIo {
    AddressSpaceAccessFn access_hinted;
} AddressSpaceIo;

static inline BbMemTxResult address_space_access_hinted(BbAddressSpace *as,
                                                        uint32_t *hint,
                                                        uint64_t base,
                                                        uint64_t addr,
                                                        unsigned size,
                                                        uint64_t *value,
                                                        bool is_write)
{
    return ((const AddressSpaceIo *)(void *)as)
        ->access_hinted(as, hint, base, addr, size, value, is_write);
}

/* Whether @addr lies in @fr. */
static inline bool flat_range_contains(const FlatRange *fr, uint64_t addr)
{
    return addr >= fr->start && addr <= fr->last;
}

/* Bytes from @addr to the end of @fr, minus one (never overflows). */
static inline uint64_t flat_range_remaining_m1(const FlatRange *fr,
                                               uint64_t addr)
{
    return fr->last - addr;
}

/* Host pointer for @addr (inside @fr) of a RAM/ROM range, else NULL. */
static inline uint8_t *flat_range_ram_ptr(const FlatRange *fr, uint64_t addr)
{
    return fr->host ? fr->host + (addr - fr->start) : NULL;
}

/* Offset of @addr (inside @fr) in the range's region. */
static inline uint64_t flat_range_region_offset(const FlatRange *fr,
                                                uint64_t addr)
{
    return fr->offset_in_region + (addr - fr->start);
}

/* The object an I/O (or any) region belongs to, or NULL. */
BbObject *memory_region_get_owner(const BbMemoryRegion *mr);

/*
 * Append the region tree below @root to @out, one region per line,
 * indented two spaces per level, subregions sorted by address:
 *   0000000010000000-00000000100000ff (prio 0, i/o): uart0
 * Kinds are ram, rom, i/o, container and alias; an alias line adds its
 * target and the window in it ("@ram0 0000000000001000-0000000000001fff");
 * disabled regions end in " [disabled]".  Alias targets that are not in
 * @root's tree are dumped after it, each under "memory-region: <name>".
 */
void memory_region_dump_tree(BbMemoryRegion *root, GString *out);

/*
 * Append @as's flat view to @out, one range per line:
 *   0000000080000000-0000000087ffffff ram0 (ram)
 * with " @0000000000001000" (the offset in the region) when that is not 0.
 */
void address_space_dump_flatview(BbAddressSpace *as, GString *out);

/*
 * Call @fn for every RAM and ROM region reachable from @root (through
 * containers and alias targets), each once, in a stable order (tree
 * order, subregions by insertion): snapshots save and restore their
 * bytes.  @host is the region's host mapping of @size bytes.
 */
typedef void (*MemoryRamFunc)(BbMemoryRegion *mr, uint8_t *host,
                              uint64_t size, bool rom, void *opaque);
void memory_region_foreach_ram(BbMemoryRegion *root, MemoryRamFunc fn,
                               void *opaque);

#endif /* HOST_MEMORY_MEMORY_INTERNAL_H */
