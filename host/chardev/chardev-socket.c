/*
 * chardev-socket.c - listening-socket backends: unix:PATH and
 * tcp:HOST:PORT (loopback hosts only: 127.x.x.x, localhost meaning
 * 127.0.0.1, ::1 or [::1]).
 *
 * One client at a time: while a client is served the listening socket is
 * not watched, so further clients wait in the kernel's backlog (their
 * connect() succeeds, nothing is read from them) and are accepted in turn
 * once the current client has gone.  The client's end of file, hang-up or
 * a failed write ends the connection; CLOSED follows once the bytes it
 * sent have been delivered, and then the next client is accepted.  Output
 * while no client is connected is dropped.
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "chardev/chardev-internal.h"

#define ACCEPT_RETRY_NS (100 * 1000 * 1000) /* after EMFILE and the like */

typedef struct SocketBackend {
    int listen_fd;
    guint listen_watch;
    BbTimer *retry;        /* re-arms accepting after a failed accept */
    bool tcp;
    char *unix_path;       /* to unlink on close, if still ours */
    dev_t unix_dev;
    ino_t unix_ino;
} SocketBackend;

static void socket_listen_pause(BbChardev *chr, bool paused)
{
    SocketBackend *s = chr->backend;

    bb_main_loop_set_fd_events(chr->loop, s->listen_watch,
                               paused ? 0 : G_IO_IN);
}

static void socket_accept(int fd, GIOCondition revents, void *opaque)
{
    BbChardev *chr = opaque;
    SocketBackend *s = chr->backend;

    if (chr->in_fd >= 0 || chr->close_owed) {
        socket_listen_pause(chr, true); /* still serving a client */
        return;
    }
    int cfd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
            errno != ECONNABORTED) {
            /* Out of descriptors or memory: try again later, not at once
             * (the listening socket stays readable). */
            g_warning("chardev '%s' (%s): accepting a client failed: %s; "
                      "retrying", chr->id, chr->spec, g_strerror(errno));
            socket_listen_pause(chr, true);
            BbTimerContext *timers = bb_main_loop_get_timers(chr->loop);
            bb_timer_mod(s->retry, bb_clock_get_ns(timers, BB_CLOCK_REALTIME) +
                                       ACCEPT_RETRY_NS);
        }
        return;
    }
    if (s->tcp) {
        int one = 1;
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    socket_listen_pause(chr, true);
    chardev_io_attach(chr, cfd, cfd, true, true);
    chardev_set_connected(chr, true);
}

static void socket_retry(void *opaque)
{
    socket_listen_pause(opaque, false);
}

static void socket_input_ended(BbChardev *chr, bool hangup)
{
    chardev_io_detach(chr); /* closes the client */
}

static void socket_peer_closed(BbChardev *chr)
{
    socket_listen_pause(chr, false);
}

/* Listen on @addr; @what names it in messages. */
static bool socket_listen(BbChardev *chr, const struct sockaddr *addr,
                          socklen_t len, const char *what, GError **error)
{
    SocketBackend *s = chr->backend;
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
                                         SOCK_CLOEXEC, 0);
    int one = 1;

    if (fd < 0) {
        chardev_error(chr, error, BB_ERROR_IO, "cannot create a socket: %s",
                      g_strerror(errno));
        return false;
    }
    if (s->tcp) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (bind(fd, addr, len) < 0 || listen(fd, 1) < 0) {
        int err = errno;
        chardev_error(chr, error,
                      err == EADDRINUSE ? BB_ERROR_EXISTS : BB_ERROR_IO,
                      "cannot listen on %s: %s", what, g_strerror(err));
        close(fd);
        return false;
    }
    s->listen_fd = fd;
    s->listen_watch = bb_main_loop_add_fd(chr->loop, fd, G_IO_IN,
                                          socket_accept, chr);
    s->retry = bb_timer_new(bb_main_loop_get_timers(chr->loop),
                            BB_CLOCK_REALTIME, socket_retry, chr);
    return true;
}

static SocketBackend *socket_backend_new(BbChardev *chr, bool tcp)
{
    SocketBackend *s = g_new0(SocketBackend, 1);

    s->listen_fd = -1;
    s->tcp = tcp;
    chr->backend = s;
    return s;
}

static void socket_close(BbChardev *chr)
{
    SocketBackend *s = chr->backend;
    struct stat st;

    if (s->listen_watch) {
        bb_main_loop_remove_fd(chr->loop, s->listen_watch);
    }
    bb_timer_free(s->retry);
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    if (s->unix_path && stat(s->unix_path, &st) == 0 &&
        st.st_dev == s->unix_dev && st.st_ino == s->unix_ino) {
        unlink(s->unix_path);
    }
    g_free(s->unix_path);
    g_free(s);
    chr->backend = NULL;
}

static bool socket_open_failed(BbChardev *chr)
{
    socket_close(chr);
    return false;
}

/* --------------------------------------------------------------- unix */

/* Whether a server answers on the unix socket @addr. */
static bool unix_in_use(const struct sockaddr_un *addr)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    bool used;

    if (fd < 0) {
        return false;
    }
    used = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 ||
           errno == EAGAIN || errno == EINPROGRESS;
    close(fd);
    return used;
}

/* Remove a stale socket file at @path; refuse anything else. */
static bool unix_clear_path(BbChardev *chr, const struct sockaddr_un *addr,
                            GError **error)
{
    struct stat st;

    if (lstat(addr->sun_path, &st) < 0) {
        return true;
    }
    if (!S_ISSOCK(st.st_mode)) {
        chardev_error(chr, error, BB_ERROR_EXISTS,
                      "'%s' exists and is not a socket; expected a new "
                      "path or a stale socket", addr->sun_path);
        return false;
    }
    if (unix_in_use(addr)) {
        chardev_error(chr, error, BB_ERROR_EXISTS,
                      "'%s' is in use by a running server", addr->sun_path);
        return false;
    }
    unlink(addr->sun_path);
    return true;
}

static bool unix_open(BbChardev *chr, const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    SocketBackend *s;
    struct stat st;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        chardev_error(chr, error, BB_ERROR_INVALID,
                      "socket path is %zu bytes long; expected at most %zu",
                      strlen(path), sizeof(addr.sun_path) - 1);
        return false;
    }
    strcpy(addr.sun_path, path);
    if (!unix_clear_path(chr, &addr, error)) {
        return false;
    }
    s = socket_backend_new(chr, false);
    if (!socket_listen(chr, (struct sockaddr *)&addr, sizeof(addr), path,
                       error)) {
        return socket_open_failed(chr);
    }
    if (stat(path, &st) == 0) {
        s->unix_path = g_strdup(path);
        s->unix_dev = st.st_dev;
        s->unix_ino = st.st_ino;
    }
    return true;
}

const ChardevOps chardev_unix_ops = {
    .kind = "unix",
    .syntax = "unix:PATH",
    .has_arg = true,
    .open = unix_open,
    .close = socket_close,
    .input_ended = socket_input_ended,
    .peer_closed = socket_peer_closed,
};

/* ---------------------------------------------------------------- tcp */

/* Fill @ss from a loopback @host; false if it is not one. */
static bool tcp_loopback_addr(const char *host, guint16 port,
                              struct sockaddr_storage *ss, socklen_t *len)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (!strcmp(host, "localhost")) {
        host = "127.0.0.1";
    }
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        *len = sizeof(*in4);
        return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        *len = sizeof(*in6);
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

/* Split "HOST:PORT" (HOST may be "[::1]") and resolve a loopback HOST. */
static bool tcp_parse(BbChardev *chr, const char *arg, char **host_out,
                      guint64 *port, struct sockaddr_storage *ss,
                      socklen_t *len, GError **error)
{
    const char *colon = strrchr(arg, ':');
    g_autofree char *host = colon ? g_strndup(arg, colon - arg) : NULL;

    if (!colon || !*host) {
        chardev_error(chr, error, BB_ERROR_INVALID,
                      "missing host or port; expected tcp:HOST:PORT");
        return false;
    }
    if (!g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, port, NULL)) {
        chardev_error(chr, error, BB_ERROR_INVALID,
                      "invalid port '%s'; expected tcp:HOST:PORT with PORT "
                      "1-65535", colon + 1);
        return false;
    }
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    if (!tcp_loopback_addr(host, *port, ss, len)) {
        chardev_error(chr, error, BB_ERROR_INVALID,
                      "host '%s' is not a loopback address; expected "
                      "127.x.x.x, localhost or ::1", host);
        return false;
    }
    if (host_out) {
        *host_out = g_steal_pointer(&host);
    }
    return true;
}

static bool tcp_check(BbChardev *chr, const char *arg, GError **error)
{
    struct sockaddr_storage ss;
    socklen_t len;
    guint64 port;

    return tcp_parse(chr, arg, NULL, &port, &ss, &len, error);
}

static bool tcp_open(BbChardev *chr, const char *arg, GError **error)
{
    g_autofree char *host = NULL;
    struct sockaddr_storage ss;
    socklen_t len;
    guint64 port;

    if (!tcp_parse(chr, arg, &host, &port, &ss, &len, error)) {
        return false;
    }
    socket_backend_new(chr, true);
    g_autofree char *what = g_strdup_printf(
        ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
    if (!socket_listen(chr, (struct sockaddr *)&ss, len, what, error)) {
        return socket_open_failed(chr);
    }
    return true;
}

const ChardevOps chardev_tcp_ops = {
    .kind = "tcp",
    .syntax = "tcp:HOST:PORT",
    .has_arg = true,
    .check = tcp_check,
    .open = tcp_open,
    .close = socket_close,
    .input_ended = socket_input_ended,
    .peer_closed = socket_peer_closed,
};
