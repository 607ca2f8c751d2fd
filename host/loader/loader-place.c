/*
 * loader-place.c - putting image bytes into guest memory.  Before anything
 * is written the loaders check that every byte of a range is RAM or ROM
 * in the address space's current flat view, so an image can neither poke
 * device registers nor vanish into a hole.  RAM is then written with
 * bb_address_space_write() (whose result is checked); ROM, which drops
 * guest writes, is filled host-side through its region, as QEMU's ROM
 * loader does.  No host pointer into guest memory is ever taken.
 */
#include <inttypes.h>

#include "loader/loader-internal.h"
#include "memory/memory-internal.h"

#define COPY_CHUNK (64 * 1024) /* bytes moved from the file per step */

static const uint8_t zero_chunk[COPY_CHUNK];

bool loader_check_placement(BbAddressSpace *as, const LoaderFile *f,
                            const char *what, uint64_t addr, uint64_t len,
                            GError **error)
{
    uint64_t last = addr + (len - 1), a = addr;

    for (;;) {
        const FlatRange *fr = address_space_lookup(as, a);
        if (!fr || !fr->host) {
            g_autofree char *where =
                fr ? g_strdup_printf("0x%" PRIx64 " is I/O region '%s'", a,
                                     bb_memory_region_name(fr->mr))
                   : g_strdup_printf("0x%" PRIx64 " is unmapped", a);
            loader_error(error, BB_ERROR_INVALID, f,
                         "%s: memory range 0x%" PRIx64 "+0x%" PRIx64
                         " is not RAM or ROM (%s)", what, addr, len, where);
            return false;
        }
        if (fr->last >= last) {
            return true;
        }
        a = fr->last + 1;
    }
}

/* Write @len bytes of @buf at @addr, range by range of the flat view. */
static bool place_bytes(BbAddressSpace *as, const LoaderFile *f,
                        uint64_t addr, const uint8_t *buf, uint64_t len,
                        const char *what, GError **error)
{
    while (len > 0) {
        const FlatRange *fr = address_space_lookup(as, addr);
        if (!fr || !fr->host) { /* the map changed under the loader */
            return loader_check_placement(as, f, what, addr, len, error);
        }
        uint64_t n = MIN(len - 1, fr->last - addr) + 1;
        if (fr->readonly) {
            GError *err = NULL;
            if (!bb_memory_region_write_rom(fr->mr,
                                            flat_range_region_offset(fr, addr),
                                            buf, n, &err)) {
                loader_error(error, BB_ERROR_INVALID, f, "%s: %s", what,
                             err->message);
                g_error_free(err);
                return false;
            }
        } else if (bb_address_space_write(as, addr, buf, n) != BB_MEMTX_OK) {
            loader_error(error, BB_ERROR_INVALID, f,
                         "%s: writing 0x%" PRIx64 "+0x%" PRIx64 " failed",
                         what, addr, n);
            return false;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

bool loader_copy(BbAddressSpace *as, const LoaderFile *f, uint64_t off,
                 uint64_t addr, uint64_t len, const char *what,
                 GError **error)
{
    g_autofree uint8_t *chunk = g_malloc(MIN(len, COPY_CHUNK) + 1);

    for (uint64_t done = 0; done < len;) {
        size_t n = (size_t)MIN(len - done, COPY_CHUNK);
        if (!loader_file_read(f, off + done, chunk, n, what, error) ||
            !place_bytes(as, f, addr + done, chunk, n, what, error)) {
            return false;
        }
        done += n;
    }
    return true;
}

bool loader_zero(BbAddressSpace *as, const LoaderFile *f, uint64_t addr,
                 uint64_t len, const char *what, GError **error)
{
    for (uint64_t done = 0; done < len;) {
        uint64_t n = MIN(len - done, COPY_CHUNK);
        if (!place_bytes(as, f, addr + done, zero_chunk, n, what, error)) {
            return false;
        }
        done += n;
    }
    return true;
}
