/*
 * dma.c - buffer transfers between devices and an address space
 * (bb_address_space_read/write/fill and the _attrs variants, whose
 * attributes reach I/O callbacks) and direct host mappings of guest RAM
 * (bb_address_space_map).
 *
 * A transfer walks the flat view range by range: RAM is copied, ROM
 * ignores writes, holes follow the address space's unassigned policy, and
 * I/O regions get one access per step of the widest naturally aligned size
 * their @valid rules allow, values in guest (little-endian) byte order as
 * a CPU would see them.  The first failure stops the transfer; a read then
 * zero-fills the rest of the buffer.  A transfer that would run past the
 * top of the 64-bit space fails with BB_MEMTX_DECODE_ERROR before touching
 * anything.  The view is held for the whole transfer, so a callback that
 * changes the map cannot pull memory from under it.
 */
#include <string.h>

#include <breadboard/system.h>

#include "memory-priv.h"

#define FILL_CHUNK 4096 /* bytes written per step of a fill */

/* The widest access to I/O offset @off that is naturally aligned, no
 * longer than @len and allowed by @valid (it may still be below the
 * minimum: the access then fails as the guest's would). */
static unsigned dma_io_size(const BbMemoryAccessRules *valid, uint64_t off,
                            uint64_t len)
{
    unsigned size = valid->max_access_size;

    while (size > 1 && (size > len || (off & (size - 1)))) {
        size >>= 1;
    }
    return size;
}

/* @len bytes of I/O range @fr at @addr; *@done counts the bytes moved. */
static BbMemTxResult dma_io(const FlatRange *fr, uint64_t addr, uint8_t *buf,
                            uint64_t len, bool is_write, uint64_t *done,
                            BbMemTxAttrs attrs)
{
    BbMemoryRegion *mr = fr->mr;

    for (uint64_t pos = 0; pos < len;) {
        uint64_t off = flat_range_region_offset(fr, addr + pos);
        unsigned size = dma_io_size(&mr->ops.valid, off, len - pos);
        uint64_t v = is_write ? memory_ld_le(buf + pos, size) : 0;
        if (!memory_region_io_valid(mr, off, size, is_write)) {
            return BB_MEMTX_ERROR;
        }
        BbMemTxResult r = memory_region_io_access(mr, off, size, &v,
                                                  is_write, attrs);
        if (r != BB_MEMTX_OK) {
            return r;
        }
        if (!is_write) {
            memory_st_le(buf + pos, size, v);
        }
        pos += size;
        *done += size;
    }
    return BB_MEMTX_OK;
}

/* @len bytes of range @fr (RAM, ROM or I/O) at @addr. */
static BbMemTxResult dma_range(const FlatRange *fr, uint64_t addr,
                               uint8_t *buf, uint64_t len, bool is_write,
                               uint64_t *done, BbMemTxAttrs attrs)
{
    if (!fr->host) {
        return dma_io(fr, addr, buf, len, is_write, done, attrs);
    }
    if (!is_write) {
        memcpy(buf, flat_range_ram_ptr(fr, addr), len);
    } else if (fr->readonly) {
        memory_rom_write_ignored(fr, addr, len);
    } else {
        memcpy(flat_range_ram_ptr(fr, addr), buf, len);
    }
    *done += len;
    return BB_MEMTX_OK;
}

/* @len bytes of unassigned space at @addr. */
static BbMemTxResult dma_hole(BbAddressSpace *as, uint64_t addr,
                              uint8_t *buf, uint64_t len, bool is_write,
                              uint64_t *done)
{
    if (as->policy != BB_UNASSIGNED_IGNORE) {
        bb_guest_error("%s: DMA %s at unassigned address %#" PRIx64,
                       as->name, is_write ? "write" : "read", addr);
        return BB_MEMTX_DECODE_ERROR;
    }
    if (!is_write) {
        memset(buf, 0xff, len);
    }
    *done += len;
    return BB_MEMTX_OK;
}

/* One step: the part of [addr, addr + left_m1] in one range or hole. */
static BbMemTxResult dma_step(BbAddressSpace *as, const FlatView *view,
                              uint64_t addr, uint8_t *buf, uint64_t left_m1,
                              bool is_write, uint64_t *done,
                              BbMemTxAttrs attrs)
{
    unsigned i = flatview_search(view, addr);
    const FlatRange *fr = i < view->nr ? &view->ranges[i] : NULL;

    if (fr && fr->start <= addr) {
        uint64_t n_m1 = MIN(left_m1, fr->last - addr);
        return dma_range(fr, addr, buf, n_m1 + 1, is_write, done, attrs);
    }
    uint64_t hole_last = fr ? fr->start - 1 : UINT64_MAX;
    uint64_t n_m1 = MIN(left_m1, hole_last - addr);
    return dma_hole(as, addr, buf, n_m1 + 1, is_write, done);
}

/* Whether [addr, addr + len) runs past the top of the space (logged). */
static bool dma_wraps(BbAddressSpace *as, uint64_t addr, size_t len)
{
    if (len == 0 || len - 1 <= UINT64_MAX - addr) {
        return false;
    }
    bb_guest_error("%s: DMA of %zu bytes at %#" PRIx64 " wraps around the "
                   "address space", as->name, len, addr);
    return true;
}

static BbMemTxResult dma_rw(BbAddressSpace *as, uint64_t addr, uint8_t *buf,
                            size_t len, bool is_write, BbMemTxAttrs attrs)
{
    BbMemTxResult r = BB_MEMTX_OK;
    uint64_t done = 0;

    if (dma_wraps(as, addr, len)) {
        r = BB_MEMTX_DECODE_ERROR;
    }
    FlatView *view = flatview_ref(as->view);
    while (r == BB_MEMTX_OK && done < len) {
        r = dma_step(as, view, addr + done, buf + done, len - done - 1,
                     is_write, &done, attrs);
    }
    flatview_unref(view);
    if (r != BB_MEMTX_OK && !is_write) {
        memset(buf + done, 0, len - done);
    }
    return r;
}

BbMemTxResult bb_address_space_read(BbAddressSpace *as, uint64_t addr,
                                    void *buf, size_t len)
{
    g_return_val_if_fail(as != NULL && (buf != NULL || len == 0),
                         BB_MEMTX_ERROR);
    return dma_rw(as, addr, buf, len, false, BB_MEMTXATTRS_UNSPECIFIED);
}

BbMemTxResult bb_address_space_read_attrs(BbAddressSpace *as, uint64_t addr,
                                          void *buf, size_t len,
                                          BbMemTxAttrs attrs)
{
    g_return_val_if_fail(as != NULL && (buf != NULL || len == 0),
                         BB_MEMTX_ERROR);
    return dma_rw(as, addr, buf, len, false, attrs);
}

BbMemTxResult bb_address_space_write_attrs(BbAddressSpace *as, uint64_t addr,
                                           const void *buf, size_t len,
                                           BbMemTxAttrs attrs)
{
    g_return_val_if_fail(as != NULL && (buf != NULL || len == 0),
                         BB_MEMTX_ERROR);
    return dma_rw(as, addr, (uint8_t *)buf, len, true, attrs);
}

BbMemTxResult bb_address_space_write(BbAddressSpace *as, uint64_t addr,
                                     const void *buf, size_t len)
{
    g_return_val_if_fail(as != NULL && (buf != NULL || len == 0),
                         BB_MEMTX_ERROR);
    return dma_rw(as, addr, (uint8_t *)buf, len, true,
                  BB_MEMTXATTRS_UNSPECIFIED);
}

BbMemTxResult bb_address_space_fill(BbAddressSpace *as, uint64_t addr,
                                    uint8_t byte, size_t len)
{
    uint8_t chunk[FILL_CHUNK];

    g_return_val_if_fail(as != NULL, BB_MEMTX_ERROR);
    if (dma_wraps(as, addr, len)) {
        return BB_MEMTX_DECODE_ERROR;
    }
    memset(chunk, byte, MIN(len, sizeof(chunk)));
    for (size_t done = 0; done < len;) {
        size_t n = MIN(len - done, sizeof(chunk));
        BbMemTxResult r = dma_rw(as, addr + done, chunk, n, true,
                                 BB_MEMTXATTRS_UNSPECIFIED);
        if (r != BB_MEMTX_OK) {
            return r;
        }
        done += n;
    }
    return BB_MEMTX_OK;
}

void *bb_address_space_map(BbAddressSpace *as, uint64_t addr, uint64_t *len,
                           bool is_write)
{
    g_return_val_if_fail(as != NULL && len != NULL, NULL);

    const FlatRange *fr = address_space_lookup(as, addr);
    if (!fr || !fr->host || (is_write && fr->readonly)) {
        *len = 0;
        return NULL;
    }
    uint64_t avail_m1 = fr->last - addr;
    if (*len > 0 && *len - 1 > avail_m1) {
        *len = avail_m1 + 1;
    }
    return flat_range_ram_ptr(fr, addr);
}
