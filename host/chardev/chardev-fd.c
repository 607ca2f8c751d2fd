/*
 * chardev-fd.c - the backends on plain descriptors: null (nothing), file
 * (append-only output), pipe (FIFOs PATH.in/PATH.out, or PATH both ways)
 * and fd (descriptors inherited from whoever started us).
 *
 * All of them are "connected" from the start.  Descriptors we open are
 * ours and closed on free; fd: descriptors are borrowed: they stay open,
 * and the file status flags we changed (O_NONBLOCK) are put back.  FIFOs
 * are opened read-write so opening never blocks, a writer going away is
 * no end of file (the next one just continues) and having no reader is
 * back-pressure rather than SIGPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chardev/chardev-internal.h"

void chardev_ignore_sigpipe(void)
{
    struct sigaction old;

    /* A reader that went away is a write error we handle, not death. */
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
        !(old.sa_flags & SA_SIGINFO)) {
        signal(SIGPIPE, SIG_IGN);
    }
}

int chardev_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0 && !(flags & O_NONBLOCK)) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
    return flags;
}

static bool fd_is_socket(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* --------------------------------------------------------------- null */

static bool null_open(BbChardev *chr, const char *arg, GError **error)
{
    chardev_set_connected(chr, true);
    return true;
}

const ChardevOps chardev_null_ops = {
    .kind = "null",
    .syntax = "null",
    .open = null_open,
};

/* --------------------------------------------------------------- file */

static bool file_open(BbChardev *chr, const char *path, GError **error)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
                  O_NONBLOCK | O_NOCTTY, 0666);

    if (fd < 0) {
        chardev_error(chr, error, BB_ERROR_IO,
                      "cannot open '%s' for appending: %s", path,
                      g_strerror(errno));
        return false;
    }
    chardev_io_attach(chr, -1, fd, true, false);
    chardev_set_connected(chr, true);
    return true;
}

const ChardevOps chardev_file_ops = {
    .kind = "file",
    .syntax = "file:PATH",
    .has_arg = true,
    .open = file_open,
};

/* --------------------------------------------------------------- pipe */

static int pipe_open_one(BbChardev *chr, const char *path, GError **error)
{
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

    if (fd < 0) {
        chardev_error(chr, error, BB_ERROR_IO, "cannot open '%s': %s", path,
                      g_strerror(errno));
    }
    return fd;
}

static bool pipe_open(BbChardev *chr, const char *path, GError **error)
{
    g_autofree char *in_path = g_strconcat(path, ".in", NULL);
    g_autofree char *out_path = g_strconcat(path, ".out", NULL);
    bool has_in = access(in_path, F_OK) == 0;
    bool has_out = access(out_path, F_OK) == 0;
    int in_fd, out_fd;

    if (has_in != has_out) {
        chardev_error(chr, error, BB_ERROR_NOT_FOUND,
                      "'%s' exists but '%s' does not; expected both FIFOs "
                      "or neither (then '%s' is used both ways)",
                      has_in ? in_path : out_path,
                      has_in ? out_path : in_path, path);
        return false;
    }
    if (!has_in) {
        in_fd = out_fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK |
                              O_NOCTTY);
        if (in_fd < 0) {
            chardev_error(chr, error, BB_ERROR_IO,
                          "cannot open '%s': %s; expected FIFOs '%s' and "
                          "'%s', or '%s'", path, g_strerror(errno), in_path,
                          out_path, path);
            return false;
        }
    } else {
        in_fd = pipe_open_one(chr, in_path, error);
        if (in_fd < 0) {
            return false;
        }
        out_fd = pipe_open_one(chr, out_path, error);
        if (out_fd < 0) {
            close(in_fd);
            return false;
        }
    }
    chardev_ignore_sigpipe();
    chardev_io_attach(chr, in_fd, out_fd, true, false);
    chardev_set_connected(chr, true);
    return true;
}

const ChardevOps chardev_pipe_ops = {
    .kind = "pipe",
    .syntax = "pipe:PATH",
    .has_arg = true,
    .open = pipe_open,
};

/* ----------------------------------------------------------------- fd */

typedef struct FdBackend {
    int in_fd, out_fd;
    int in_flags, out_flags;  /* file status flags to put back */
} FdBackend;

static bool fd_parse_one(BbChardev *chr, const char *text, int *fd,
                         GError **error)
{
    guint64 v;

    if (!g_ascii_string_to_unsigned(text, 10, 0, INT_MAX, &v, NULL)) {
        chardev_error(chr, error, BB_ERROR_INVALID,
                      "invalid descriptor '%s'; expected fd:IN[,OUT] with "
                      "descriptor numbers", text);
        return false;
    }
    *fd = (int)v;
    return true;
}

/* @fd must be open for @mode (O_RDONLY: reading, O_WRONLY: writing). */
static bool fd_check(BbChardev *chr, int fd, int mode, GError **error)
{
    int flags = fcntl(fd, F_GETFL);
    int acc = flags & O_ACCMODE;

    if (flags < 0) {
        chardev_error(chr, error, BB_ERROR_NOT_FOUND,
                      "descriptor %d is not open; expected an inherited "
                      "open descriptor", fd);
        return false;
    }
    if (acc != O_RDWR && acc != mode) {
        chardev_error(chr, error, BB_ERROR_INVALID,
                      "descriptor %d is not open for %s", fd,
                      mode == O_RDONLY ? "reading" : "writing");
        return false;
    }
    return true;
}

/* "IN[,OUT]" into two descriptor numbers (OUT defaults to IN). */
static bool fd_parse(BbChardev *chr, const char *arg, int *in_fd,
                     int *out_fd, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);

    if (g_strv_length(parts) > 2) {
        chardev_error(chr, error, BB_ERROR_INVALID,
                      "too many descriptors; expected fd:IN[,OUT]");
        return false;
    }
    if (!fd_parse_one(chr, parts[0], in_fd, error) ||
        (parts[1] && !fd_parse_one(chr, parts[1], out_fd, error))) {
        return false;
    }
    if (!parts[1]) {
        *out_fd = *in_fd;
    }
    return true;
}

static bool fd_syntax(BbChardev *chr, const char *arg, GError **error)
{
    int in_fd, out_fd;
    return fd_parse(chr, arg, &in_fd, &out_fd, error);
}

static bool fd_open(BbChardev *chr, const char *arg, GError **error)
{
    int in_fd, out_fd;

    if (!fd_parse(chr, arg, &in_fd, &out_fd, error)) {
        return false;
    }
    if (!fd_check(chr, in_fd, O_RDONLY, error) ||
        !fd_check(chr, out_fd, O_WRONLY, error)) {
        return false;
    }

    FdBackend *s = g_new0(FdBackend, 1);
    s->in_fd = in_fd;
    s->out_fd = out_fd;
    s->in_flags = chardev_set_nonblock(in_fd);
    s->out_flags = out_fd == in_fd ? s->in_flags
                                   : chardev_set_nonblock(out_fd);
    chr->backend = s;
    chardev_ignore_sigpipe();
    chardev_io_attach(chr, in_fd, out_fd, false, fd_is_socket(out_fd));
    chardev_set_connected(chr, true);
    return true;
}

static void fd_close(BbChardev *chr)
{
    FdBackend *s = chr->backend;

    fcntl(s->in_fd, F_SETFL, s->in_flags);
    if (s->out_fd != s->in_fd) {
        fcntl(s->out_fd, F_SETFL, s->out_flags);
    }
    g_free(s);
}

const ChardevOps chardev_fd_ops = {
    .kind = "fd",
    .syntax = "fd:IN[,OUT]",
    .has_arg = true,
    .check = fd_syntax,
    .open = fd_open,
    .close = fd_close,
};
