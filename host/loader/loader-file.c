/*
 * loader-file.c - reading image files for the loaders: open a regular file
 * once, remember its size, and read exact ranges with pread() so that no
 * header field can make the loader look past what it checked.  Also the
 * loader error domain and its "PATH: ..." messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/loader-internal.h"

G_DEFINE_QUARK(bb-loader-error-quark, bb_loader_error)

void loader_error(GError **error, int code, const LoaderFile *f,
                  const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, BB_LOADER_ERROR, code, "%s: %s", f->path, msg);
}

bool loader_file_open(LoaderFile *f, const char *path, GError **error)
{
    struct stat st;

    f->path = path;
    f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (f->fd < 0) {
        int err = errno;
        loader_error(error, err == ENOENT ? BB_ERROR_NOT_FOUND : BB_ERROR_IO,
                     f, "cannot open: %s", g_strerror(err));
        return false;
    }
    if (fstat(f->fd, &st) < 0) {
        loader_error(error, BB_ERROR_IO, f, "cannot stat: %s",
                     g_strerror(errno));
        loader_file_close(f);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        loader_error(error, BB_ERROR_IO, f, "%s",
                     S_ISDIR(st.st_mode) ? "is a directory, not an image"
                                         : "is not a regular file");
        loader_file_close(f);
        return false;
    }
    f->size = (uint64_t)st.st_size;
    return true;
}

void loader_file_close(LoaderFile *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
}

bool loader_file_has_range(const LoaderFile *f, uint64_t off, uint64_t len)
{
    return off <= f->size && len <= f->size - off;
}

bool loader_file_read(const LoaderFile *f, uint64_t off, void *buf,
                      size_t len, const char *what, GError **error)
{
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pread(f->fd, p, MIN(len, (size_t)1 << 30), (off_t)off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            loader_error(error, BB_ERROR_IO, f,
                         "%s: reading 0x%zx bytes at offset 0x%" PRIx64
                         " failed: %s", what, len, off,
                         n < 0 ? g_strerror(errno)
                               : "the file ended early (did it change?)");
            return false;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return true;
}
