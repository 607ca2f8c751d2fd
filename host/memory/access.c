/*
 * access.c - single guest accesses (bb_address_space_load/store) and the
 * adaptation of an access to what an I/O region's callbacks implement.
 *
 * An I/O access is first checked against the region's @valid rules (what
 * the guest may do: anything else is a bus error).  It is then carried out
 * in "chunks" of the size the callbacks implement: clamp(size, impl.min,
 * impl.max).  Chunks are aligned to their size unless impl.unaligned says
 * the callbacks cope (then a split access is cut into chunks starting at
 * its own address).  Bytes are the common currency: the guest's value is
 * laid out in guest byte order (little-endian: the only guest is RISC-V),
 * each chunk's register value in the region's byte order, and bytes are
 * copied between the two.  A chunk only partly covered by a write is
 * read first and written back with the new bytes merged in
 * (read-modify-write), so a device never sees a size it did not declare.
 *
 * Devices may start DMA from their callbacks; an access that would re-enter
 * a region (or another region of the same owner) already in a callback on
 * this thread is refused as a bus error, which bounds the recursion a
 * guest can build out of a device whose DMA targets its own registers.
 */
#include <string.h>

#include <breadboard/system.h>

#include "memory-priv.h"

#define IO_MAX_NESTING 8 /* I/O callbacks active at once on one thread */

/* Initial-exec: the general TLS model costs a __tls_get_addr() call per
 * use, which was 13% of an MMIO-bound guest (bench/guest mmio). */
static _Thread_local const BbMemoryRegion *io_active[IO_MAX_NESTING]
    __attribute__((tls_model("initial-exec")));
static _Thread_local unsigned io_nesting
    __attribute__((tls_model("initial-exec")));

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

static uint64_t bswap_sized(uint64_t v, unsigned size)
{
    switch (size) {
    case 2:
        return GUINT16_SWAP_LE_BE((uint16_t)v);
    case 4:
        return GUINT32_SWAP_LE_BE((uint32_t)v);
    case 8:
        return GUINT64_SWAP_LE_BE(v);
    default:
        return v & 0xff;
    }
}

/* The chunk value @v of @size bytes as bytes in the region's order. */
static void chunk_to_bytes(uint8_t *p, unsigned size, uint64_t v, bool big)
{
    memory_st_le(p, size, big ? bswap_sized(v, size) : v);
}

static uint64_t bytes_to_chunk(const uint8_t *p, unsigned size, bool big)
{
    uint64_t v = memory_ld_le(p, size);
    return big ? bswap_sized(v, size) : v;
}

/* ------------------------------------------------------------ callbacks */

static bool io_enter(BbMemoryRegion *mr)
{
    for (unsigned i = 0; i < io_nesting; i++) {
        const BbMemoryRegion *a = io_active[i];
        if (a == mr || (mr->owner && a->owner == mr->owner)) {
            bb_guest_error("memory region '%s': re-entrant access from its "
                           "own callback refused", mr->name);
            return false;
        }
    }
    if (io_nesting == IO_MAX_NESTING) {
        bb_guest_error("memory region '%s': I/O callbacks nested more than "
                       "%d deep; access refused", mr->name, IO_MAX_NESTING);
        return false;
    }
    io_active[io_nesting++] = mr;
    return true;
}

static void io_leave(void)
{
    io_nesting--;
}

static BbMemTxResult io_call_read(BbMemoryRegion *mr, uint64_t addr,
                                  unsigned size, uint64_t *value,
                                  BbMemTxAttrs attrs)
{
    const BbMemoryOps *ops = &mr->ops;

    *value = 0;
    if (ops->read_with_attrs) {
        BbMemTxResult r = ops->read_with_attrs(mr->opaque, addr, value, size,
                                               attrs);
        if (r != BB_MEMTX_OK) {
            *value = 0;
            return r;
        }
    } else if (ops->read_with_result) {
        BbMemTxResult r = ops->read_with_result(mr->opaque, addr, value, size);
        if (r != BB_MEMTX_OK) {
            *value = 0;
            return r;
        }
    } else if (ops->read) {
        *value = ops->read(mr->opaque, addr, size);
    }
    *value &= size_mask(size);
    return BB_MEMTX_OK;
}

static BbMemTxResult io_call_write(BbMemoryRegion *mr, uint64_t addr,
                                   unsigned size, uint64_t value,
                                   BbMemTxAttrs attrs)
{
    const BbMemoryOps *ops = &mr->ops;

    value &= size_mask(size);
    if (ops->write_with_attrs) {
        return ops->write_with_attrs(mr->opaque, addr, value, size, attrs);
    }
    if (ops->write_with_result) {
        return ops->write_with_result(mr->opaque, addr, value, size);
    }
    if (ops->write) {
        ops->write(mr->opaque, addr, value, size);
    }
    return BB_MEMTX_OK;
}

/* ------------------------------------------------------- size adaption */

/* One chunk [ca, ca + c) of the access [offset, offset + size), whose
 * bytes in guest order are @bytes. */
static BbMemTxResult io_chunk(BbMemoryRegion *mr, uint64_t ca, unsigned c,
                              uint64_t offset, unsigned size, uint8_t *bytes,
                              bool is_write, BbMemTxAttrs attrs)
{
    bool big = mr->ops.endianness == BB_ENDIAN_BIG;
    uint64_t lo = MAX(ca, offset);
    uint64_t hi = MIN(ca + (c - 1), offset + (size - 1));
    size_t n = hi - lo + 1;
    uint8_t cb[8];
    uint64_t cv;

    if (!is_write || n < c) {
        BbMemTxResult r = io_call_read(mr, ca, c, &cv, attrs);
        if (r != BB_MEMTX_OK) {
            return r;
        }
        chunk_to_bytes(cb, c, cv, big);
    }
    if (!is_write) {
        memcpy(bytes + (lo - offset), cb + (lo - ca), n);
        return BB_MEMTX_OK;
    }
    memcpy(cb + (lo - ca), bytes + (lo - offset), n);
    return io_call_write(mr, ca, c, bytes_to_chunk(cb, c, big), attrs);
}

/* An access the callbacks cannot take as it is: cut it into chunks. */
static BbMemTxResult io_access_chunked(BbMemoryRegion *mr, uint64_t offset,
                                       unsigned size, uint64_t *value,
                                       unsigned c, bool is_write,
                                       BbMemTxAttrs attrs)
{
    uint64_t last = offset + (size - 1);
    uint64_t first;
    uint64_t n;
    uint8_t bytes[8];

    if (mr->ops.impl.unaligned && c <= size) {
        first = offset;
        n = size / c;
    } else {
        first = offset & ~(uint64_t)(c - 1);
        n = ((last & ~(uint64_t)(c - 1)) - first) / c + 1;
    }
    if (is_write) {
        memory_st_le(bytes, size, *value);
    }
    for (uint64_t i = 0; i < n; i++) {
        BbMemTxResult r = io_chunk(mr, first + i * c, c, offset, size, bytes,
                                   is_write, attrs);
        if (r != BB_MEMTX_OK) {
            if (!is_write) {
                *value = 0;
            }
            return r;
        }
    }
    if (!is_write) {
        *value = memory_ld_le(bytes, size);
    }
    return BB_MEMTX_OK;
}

static BbMemTxResult io_access_adapted(BbMemoryRegion *mr, uint64_t offset,
                                       unsigned size, uint64_t *value,
                                       bool is_write, BbMemTxAttrs attrs)
{
    const BbMemoryAccessRules *impl = &mr->ops.impl;
    unsigned c = CLAMP(size, impl->min_access_size, impl->max_access_size);
    bool big = mr->ops.endianness == BB_ENDIAN_BIG;

    if (c != size || (!impl->unaligned && (offset & (size - 1)))) {
        return io_access_chunked(mr, offset, size, value, c, is_write,
                                 attrs);
    }
    if (is_write) {
        return io_call_write(mr, offset, size,
                             big ? bswap_sized(*value, size) : *value, attrs);
    }
    BbMemTxResult r = io_call_read(mr, offset, size, value, attrs);
    if (big) {
        *value = bswap_sized(*value, size);
    }
    return r;
}

bool memory_region_io_valid(BbMemoryRegion *mr, uint64_t offset,
                            unsigned size, bool is_write)
{
    const BbMemoryAccessRules *valid = &mr->ops.valid;

    if (size < valid->min_access_size || size > valid->max_access_size) {
        bb_guest_error("memory region '%s': %u-byte %s at %#" PRIx64
                       " refused (allowed: %u to %u bytes)", mr->name, size,
                       is_write ? "write" : "read", offset,
                       valid->min_access_size, valid->max_access_size);
        return false;
    }
    if (!valid->unaligned && (offset & (size - 1))) {
        bb_guest_error("memory region '%s': unaligned %u-byte %s at %#"
                       PRIx64 " refused", mr->name, size,
                       is_write ? "write" : "read", offset);
        return false;
    }
    return true;
}

BbMemTxResult memory_region_io_access(BbMemoryRegion *mr, uint64_t offset,
                                      unsigned size, uint64_t *value,
                                      bool is_write, BbMemTxAttrs attrs)
{
    if (!io_enter(mr)) {
        if (!is_write) {
            *value = 0;
        }
        return BB_MEMTX_ERROR;
    }
    BbMemTxResult r = io_access_adapted(mr, offset, size, value, is_write,
                                        attrs);
    io_leave();
    return r;
}

/* ------------------------------------------------- address-space access */

void memory_rom_write_ignored(const FlatRange *fr, uint64_t addr,
                              uint64_t len)
{
    bb_guest_error("write of %" PRIu64 " bytes at %#" PRIx64 " to ROM '%s' "
                   "ignored", len, addr, fr->mr->name);
}

static BbMemTxResult unassigned_access(BbAddressSpace *as, uint64_t addr,
                                       unsigned size, uint64_t *value,
                                       bool is_write)
{
    if (as->policy == BB_UNASSIGNED_IGNORE) {
        if (!is_write) {
            *value = size_mask(size);
        }
        return BB_MEMTX_OK;
    }
    bb_guest_error("%s: %u-byte %s at unassigned address %#" PRIx64,
                   as->name, size, is_write ? "write" : "read", addr);
    return BB_MEMTX_DECODE_ERROR;
}

static uint64_t ram_load(const uint8_t *p, unsigned size)
{
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;

    switch (size) {
    case 1:
        return *p;
    case 2:
        memcpy(&v16, p, 2);
        return GUINT16_FROM_LE(v16);
    case 4:
        memcpy(&v32, p, 4);
        return GUINT32_FROM_LE(v32);
    default:
        memcpy(&v64, p, 8);
        return GUINT64_FROM_LE(v64);
    }
}

static void ram_store(uint8_t *p, unsigned size, uint64_t value)
{
    uint16_t v16 = GUINT16_TO_LE((uint16_t)value);
    uint32_t v32 = GUINT32_TO_LE((uint32_t)value);
    uint64_t v64 = GUINT64_TO_LE(value);

    switch (size) {
    case 1:
        *p = (uint8_t)value;
        break;
    case 2:
        memcpy(p, &v16, 2);
        break;
    case 4:
        memcpy(p, &v32, 4);
        break;
    default:
        memcpy(p, &v64, 8);
        break;
    }
}

static BbMemTxResult address_space_access(BbAddressSpace *as, uint64_t addr,
                                          unsigned size, uint64_t *value,
                                          bool is_write);

/* An access that spans several ranges: one byte at a time, in guest
 * (little-endian) order, stopping at the first failure. */
static BbMemTxResult access_bytewise(BbAddressSpace *as, uint64_t addr,
                                     unsigned size, uint64_t *value,
                                     bool is_write)
{
    uint64_t result = 0;

    for (unsigned i = 0; i < size; i++) {
        uint64_t byte = is_write ? (*value >> (8 * i)) & 0xff : 0;
        BbMemTxResult r = address_space_access(as, addr + i, 1, &byte,
                                               is_write);
        if (r != BB_MEMTX_OK) {
            if (!is_write) {
                *value = 0;
            }
            return r;
        }
        result |= byte << (8 * i);
    }
    if (!is_write) {
        *value = result;
    }
    return BB_MEMTX_OK;
}

static BbMemTxResult io_range_access(BbAddressSpace *as, const FlatRange *fr,
                                     uint64_t addr, unsigned size,
                                     uint64_t *value, bool is_write)
{
    BbMemoryRegion *mr = fr->mr;
    uint64_t offset = flat_range_region_offset(fr, addr);

    if (!memory_region_io_valid(mr, offset, size, is_write)) {
        if (!is_write) {
            *value = 0;
        }
        return BB_MEMTX_ERROR;
    }
    /* If a callback changes the map, the view @fr belongs to (and with
     * it @mr) lives on until the access is over. */
    address_space_io_begin(as);
    BbMemTxResult r = memory_region_io_access(mr, offset, size, value,
                                              is_write,
                                              BB_MEMTXATTRS_UNSPECIFIED);
    address_space_io_end(as);
    return r;
}

static BbMemTxResult address_space_access(BbAddressSpace *as, uint64_t addr,
                                          unsigned size, uint64_t *value,
                                          bool is_write)
{
    const FlatRange *fr = address_space_find(as, as->view, addr);

    if (!fr) {
        return unassigned_access(as, addr, size, value, is_write);
    }
    if (size - 1 > fr->last - addr) {
        return access_bytewise(as, addr, size, value, is_write);
    }
    if (fr->host) {
        if (!is_write) {
            *value = ram_load(flat_range_ram_ptr(fr, addr), size);
        } else if (fr->readonly) {
            memory_rom_write_ignored(fr, addr, size);
        } else {
            ram_store(flat_range_ram_ptr(fr, addr), size, *value);
        }
        return BB_MEMTX_OK;
    }
    return io_range_access(as, fr, addr, size, value, is_write);
}

/* Common checks of load and store: the size and the top of the space. */
static BbMemTxResult access_check(BbAddressSpace *as, uint64_t addr,
                                  unsigned size)
{
    if (!access_size_ok(size)) {
        bb_guest_error("%s: %u-byte access at %#" PRIx64 " refused",
                       as->name, size, addr);
        return BB_MEMTX_ERROR;
    }
    if (addr > UINT64_MAX - (size - 1)) {
        bb_guest_error("%s: %u-byte access at %#" PRIx64 " wraps around "
                       "the address space", as->name, size, addr);
        return BB_MEMTX_DECODE_ERROR;
    }
    return BB_MEMTX_OK;
}

BbMemTxResult bb_address_space_load(BbAddressSpace *as, uint64_t addr,
                                    unsigned size, uint64_t *value)
{
    g_return_val_if_fail(as != NULL && value != NULL, BB_MEMTX_ERROR);
    *value = 0;
    BbMemTxResult r = access_check(as, addr, size);
    if (r != BB_MEMTX_OK) {
        return r;
    }
    return address_space_access(as, addr, size, value, false);
}

BbMemTxResult bb_address_space_store(BbAddressSpace *as, uint64_t addr,
                                     unsigned size, uint64_t value)
{
    g_return_val_if_fail(as != NULL, BB_MEMTX_ERROR);
    BbMemTxResult r = access_check(as, addr, size);
    if (r != BB_MEMTX_OK) {
        return r;
    }
    value &= size_mask(size);
    return address_space_access(as, addr, size, &value, true);
}

/* Ranges the hinted path walks forward from its hint before it gives up
 * and searches (a page holding more pieces than that is unusual). */
#define HINT_SCAN 8

BbMemTxResult address_space_access_hinted_impl(BbAddressSpace *as,
                                               uint32_t *hint, uint64_t base,
                                               uint64_t addr, unsigned size,
                                               uint64_t *value, bool is_write)
{
    const FlatView *view = as->view;
    uint32_t i = *hint - 1; /* 0 (no hint) wraps to UINT32_MAX */

    /*
     * The hint is only an index, checked here against the current view:
     * any range that starts at or below @addr will do, since the ranges
     * are sorted and disjoint - walking forward to the first one that
     * ends at or after @addr finds the one holding @addr, or shows that
     * @addr is in a hole.  One that ends before @base is not taken (a
     * stale hint far behind would make every walk too long).
     */
    if (i < view->nr && view->ranges[i].start <= addr &&
        view->ranges[i].last >= base && access_size_ok(size)) {
        for (unsigned n = 0; n < HINT_SCAN && i < view->nr; n++, i++) {
            const FlatRange *fr = &view->ranges[i];

            if (fr->last < addr) {
                continue;
            }
            if (fr->start > addr || size - 1 > fr->last - addr) {
                break; /* a hole, or across ranges: the general path */
            }
            if (!fr->host) {
                if (is_write) {
                    *value &= size_mask(size);
                }
                return io_range_access(as, fr, addr, size, value, is_write);
            }
            break; /* RAM or ROM: the general path */
        }
    } else if (base <= addr) {
        /* The first range that ends at or after @base (the start of what
         * the caller caches, its page) is a good hint for every address
         * from @base on. */
        i = flatview_search(view, base);
        if (i < view->nr && view->ranges[i].start <= addr) {
            *hint = i + 1;
        }
    }
    if (!is_write) {
        return bb_address_space_load(as, addr, size, value);
    }
    return bb_address_space_store(as, addr, size, *value);
}
