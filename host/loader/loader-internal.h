/*
 * loader-internal.h - what the image loaders (loader.h) share: a
 * bounds-checked view of an image file read with pread(), error messages
 * prefixed with the file's path, and the placement of bytes in guest
 * memory (checking that a range is all RAM/ROM, then writing it).
 */
#ifndef HOST_LOADER_LOADER_INTERNAL_H
#define HOST_LOADER_LOADER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/loader.h>

/* An open image file.  @size is fixed when it is opened: every range is
 * checked against it, and a file that shrinks later fails to read. */
typedef struct LoaderFile {
    const char *path; /* as given, for messages (borrowed) */
    int fd;
    uint64_t size;
} LoaderFile;

/* Open @path read-only; it must be a regular file. */
bool loader_file_open(LoaderFile *f, const char *path, GError **error);
void loader_file_close(LoaderFile *f);

/* Whether [@off, @off + @len) lies inside the file (overflow-safe). */
bool loader_file_has_range(const LoaderFile *f, uint64_t off, uint64_t len);

/* Read exactly @len bytes at @off (the caller checked the range); a short
 * read is an error naming @what. */
bool loader_file_read(const LoaderFile *f, uint64_t off, void *buf,
                      size_t len, const char *what, GError **error);

/* Set @error (BB_LOADER_ERROR, @code) to "PATH: " followed by @fmt. */
void loader_error(GError **error, int code, const LoaderFile *f,
                  const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/*
 * Whether [@addr, @addr + @len) (@len > 0, not wrapping) is all RAM or
 * ROM in @as; otherwise an error "PATH: WHAT: memory range ... is not
 * RAM or ROM (ADDR is unmapped | is I/O region 'NAME')".
 */
bool loader_check_placement(BbAddressSpace *as, const LoaderFile *f,
                            const char *what, uint64_t addr, uint64_t len,
                            GError **error);

/* Copy @len bytes at file offset @off to @addr (placement checked). */
bool loader_copy(BbAddressSpace *as, const LoaderFile *f, uint64_t off,
                 uint64_t addr, uint64_t len, const char *what,
                 GError **error);

/* Write @len zero bytes at @addr (placement checked). */
bool loader_zero(BbAddressSpace *as, const LoaderFile *f, uint64_t addr,
                 uint64_t len, const char *what, GError **error);

/* Little-endian fields of a header in a byte buffer. */
static inline uint16_t loader_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t loader_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t loader_le64(const uint8_t *p)
{
    return (uint64_t)loader_le32(p) | (uint64_t)loader_le32(p + 4) << 32;
}

#endif /* HOST_LOADER_LOADER_INTERNAL_H */
