/*
 * monitor.c - the monitor's transports (monitor.h): QMP servers on unix
 * and tcp (loopback) sockets, any number of clients each, and the human
 * monitor on stdio.  Sockets are served by the system's main loop, which
 * keeps iterating while the guest is stopped, so the monitor answers in
 * every run state.
 *
 * A client that sends garbage gets QMP's error replies; one whose message
 * grows over QMP_MAX_MESSAGE, or that does not read its replies and
 * events (output over MONITOR_MAX_OUTPUT), is disconnected: nothing a
 * client does blocks the guest.  Output is written without blocking and
 * queued; at exit what is queued is flushed with a short deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <breadboard/main-loop.h>

#include "chardev/chardev-internal.h"
#include "monitor/monitor-internal.h"
#include "monitor/monitor.h"

#define MONITOR_MAX_OUTPUT (8 * 1024 * 1024)
#define MONITOR_READ_CHUNK 65536

typedef struct MonitorClient MonitorClient;

typedef struct MonitorListener {
    Monitor *mon;
    int fd;
    guint watch;
    char *unix_path; /* unlinked at the end */
} MonitorListener;

struct MonitorClient {
    Monitor *mon;
    int fd;
    guint watch;
    bool hmp;          /* human monitor (stdio): lines, not JSON */
    int out_fd;        /* where output goes (stdout for stdio) */
    QmpSession sess;
    QmpStream stream;
    GString *line;     /* hmp: the line being typed */
    GString *out;      /* queued output */
    bool closing;
};

struct Monitor {
    BbSystem *sys;
    BbMainLoop *loop;
    GPtrArray *listeners; /* MonitorListener * */
    GPtrArray *clients;   /* MonitorClient * */
    guint state_listener;
    guint event_listener;
    BbBottomHalf *reap;   /* frees closed clients outside their handlers */
    GString *mux_line;    /* Ctrl-A c: the line being typed, or NULL */
    int stdin_flags;      /* --monitor stdio: fd 0's flags before, or -1 */
};

static void client_close(MonitorClient *c);

/* ------------------------------------------------------------ output */

static void client_update_watch(MonitorClient *c)
{
    GIOCondition ev = c->closing ? 0 : G_IO_IN;

    if (c->out->len && c->out_fd == c->fd) {
        ev |= G_IO_OUT;
    }
    bb_main_loop_set_fd_events(c->mon->loop, c->watch, ev);
}

static void client_flush(MonitorClient *c)
{
    while (c->out->len) {
        ssize_t n = write(c->out_fd, c->out->str, c->out->len);
        if (n > 0) {
            g_string_erase(c->out, 0, n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            client_close(c); /* the peer went away */
            return;
        }
    }
    if (c->closing && !c->out->len) {
        client_close(c);
        return;
    }
    client_update_watch(c);
}

static void client_send(MonitorClient *c, const char *text, bool newline)
{
    if (c->closing) {
        return;
    }
    g_string_append(c->out, text);
    if (newline) {
        g_string_append(c->out, "\r\n");
    }
    if (c->out->len > MONITOR_MAX_OUTPUT) {
        /* a client that does not read: drop it rather than the guest */
        g_string_truncate(c->out, 0);
        client_close(c);
        return;
    }
    client_flush(c);
}

/* ------------------------------------------------------------ events */

static void broadcast(Monitor *mon, const char *event, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *top = json_object_new();
    JsonObject *ts = json_object_new();
    JsonNode *root = json_node_new(JSON_NODE_OBJECT);

    json_object_set_string_member(top, "event", event);
    if (data) {
        json_object_set_object_member(top, "data", data);
    }
    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(top, "timestamp", ts);
    json_node_take_object(root, top);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_root(gen, root);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    json_node_unref(root);

    g_autoptr(GPtrArray) snapshot = g_ptr_array_copy(mon->clients, NULL,
                                                     NULL);
    for (guint i = 0; i < snapshot->len; i++) {
        MonitorClient *c = snapshot->pdata[i];
        if (!c->hmp && c->sess.negotiated) {
            client_send(c, text, true);
        }
    }
}

void monitor_event_device_reload(Monitor *mon, const char *plugin,
                                 const char *file, GPtrArray *paths,
                                 const char *error)
{
    JsonObject *d = json_object_new();
    JsonArray *a = json_array_new();

    json_object_set_string_member(d, "plugin", plugin);
    json_object_set_string_member(d, "file", file);
    for (guint i = 0; paths && i < paths->len; i++) {
        json_array_add_string_element(a, paths->pdata[i]);
    }
    json_object_set_array_member(d, "devices", a);
    json_object_set_boolean_member(d, "ok", error == NULL);
    if (error) {
        json_object_set_string_member(d, "error", error);
    }
    broadcast(mon, "x-bb-device-reload", d);
}

static void on_run_state(void *opaque, BbRunState old, BbRunState now)
{
    Monitor *mon = opaque;
    JsonObject *d = json_object_new();

    json_object_set_string_member(d, "old", bb_run_state_name(old));
    json_object_set_string_member(d, "new", bb_run_state_name(now));
    broadcast(mon, "x-bb-run-state", d);
    /* QEMU: STOP only when leaving running, RESUME on entering it; a
     * reset passes through without either */
    if (old == BB_RUN_STATE_RUNNING && now != BB_RUN_STATE_RESET) {
        broadcast(mon, "STOP", NULL);
    } else if (now == BB_RUN_STATE_RUNNING && old != BB_RUN_STATE_RESET) {
        broadcast(mon, "RESUME", NULL);
    }
}

static void on_event(void *opaque, BbSystemEvent event, BbShutdownCause cause)
{
    Monitor *mon = opaque;
    JsonObject *d;

    if (event == BB_SYSTEM_EVENT_POWERDOWN) {
        broadcast(mon, "POWERDOWN", NULL);
        return;
    }
    d = json_object_new();
    json_object_set_boolean_member(d, "guest",
                                   bb_shutdown_cause_is_guest(cause));
    json_object_set_string_member(d, "reason", bb_shutdown_cause_name(cause));
    broadcast(mon, event == BB_SYSTEM_EVENT_RESET ? "RESET" : "SHUTDOWN", d);
}

/* ------------------------------------------------------------ input */

static void client_handle_qmp(MonitorClient *c, const char *data, size_t len)
{
    qmp_stream_feed(&c->stream, data, len);
    for (;;) {
        size_t tlen;
        bool error;
        g_autofree char *text = qmp_stream_next(&c->stream, &tlen, &error);

        if (error) {
            g_autofree char *e = qmp_error_text(
                "JSON message over the size or nesting limit; "
                "disconnecting");
            client_send(c, e, true);
            c->closing = true;
            client_flush(c);
            return;
        }
        if (!text) {
            return;
        }
        g_autofree char *reply = qmp_handle_text(c->mon->sys, &c->sess, text,
                                                 tlen);
        if (reply) {
            client_send(c, reply, true);
        }
        if (c->closing) {
            return;
        }
    }
}

static void client_prompt(MonitorClient *c)
{
    client_send(c, "(breadboard) ", false);
}

static void client_handle_hmp(MonitorClient *c, const char *data, size_t len)
{
    for (size_t i = 0; i < len && !c->closing; i++) {
        if (data[i] == '\n' || data[i] == '\r') {
            if (data[i] == '\n' || c->line->len) {
                g_autofree char *out = monitor_hmp_execute(c->mon->sys,
                                                           c->line->str, -1);
                g_string_truncate(c->line, 0);
                client_send(c, out, false);
                client_prompt(c);
            }
        } else if (c->line->len < 4096) {
            g_string_append_c(c->line, data[i]);
        }
    }
}

static void client_io(int fd, GIOCondition revents, void *opaque)
{
    MonitorClient *c = opaque;
    char buf[MONITOR_READ_CHUNK];

    if (revents & G_IO_OUT) {
        client_flush(c);
        if (c->closing) {
            return;
        }
    }
    if (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            return;
        }
        if (n <= 0) {
            /* EOF or error, possibly mid-message: drop what was pending */
            client_close(c);
            return;
        }
        if (c->hmp) {
            client_handle_hmp(c, buf, (size_t)n);
        } else {
            client_handle_qmp(c, buf, (size_t)n);
        }
    }
    if (revents & G_IO_NVAL) {
        client_close(c);
    }
}

static void client_free(MonitorClient *c)
{
    qmp_stream_clear(&c->stream);
    g_string_free(c->line, true);
    g_string_free(c->out, true);
    g_free(c);
}

static void reap(void *opaque)
{
    Monitor *mon = opaque;

    for (guint i = 0; i < mon->clients->len;) {
        MonitorClient *c = mon->clients->pdata[i];
        if (c->fd < 0) {
            g_ptr_array_remove_index(mon->clients, i);
            client_free(c);
        } else {
            i++;
        }
    }
}

static void client_close(MonitorClient *c)
{
    if (c->fd < 0) {
        return;
    }
    bb_main_loop_remove_fd(c->mon->loop, c->watch);
    if (!c->hmp) {
        close(c->fd);
    }
    c->fd = -1;
    c->closing = true;
    bb_bh_schedule(c->mon->reap);
}

static MonitorClient *client_new(Monitor *mon, int fd, int out_fd, bool hmp)
{
    MonitorClient *c = g_new0(MonitorClient, 1);

    c->mon = mon;
    c->fd = fd;
    c->out_fd = out_fd;
    c->hmp = hmp;
    c->line = g_string_new(NULL);
    c->out = g_string_new(NULL);
    qmp_stream_init(&c->stream);
    g_ptr_array_add(mon->clients, c);
    c->watch = bb_main_loop_add_fd(mon->loop, fd, G_IO_IN, client_io, c);
    return c;
}

static void set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void listener_accept(int fd, GIOCondition revents, void *opaque)
{
    MonitorListener *l = opaque;
    int cfd = accept(fd, NULL, NULL);

    if (cfd < 0) {
        return;
    }
    set_nonblock(cfd);
    MonitorClient *c = client_new(l->mon, cfd, cfd, false);
    g_autofree char *greeting = qmp_greeting();
    client_send(c, greeting, true);
}

/* ------------------------------------------------------------ set-up */

Monitor *monitor_new(BbSystem *sys)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->sys = sys;
    mon->loop = bb_system_get_main_loop(sys);
    mon->listeners = g_ptr_array_new();
    mon->clients = g_ptr_array_new();
    mon->reap = bb_bh_new(mon->loop, reap, mon);
    mon->stdin_flags = -1;
    mon->state_listener = bb_system_add_run_state_listener(sys, on_run_state,
                                                           mon);
    mon->event_listener = bb_system_add_event_listener(sys, on_event, mon);
    return mon;
}

/* Parse "unix:PATH[,opt...]" / "tcp:HOST:PORT[,opt...]"; options server,
 * nowait, wait=on|off (server is implied: we only listen). */
static int listen_on(const char *spec, bool *wait, char **unix_path,
                     GError **error)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    const char *addr = parts[0];
    int fd = -1;

    *wait = false;
    for (char **o = parts + 1; *o; o++) {
        if (!strcmp(*o, "server") || !strcmp(*o, "server=on")) {
            /* the only mode */
        } else if (!strcmp(*o, "nowait") || !strcmp(*o, "wait=off")) {
            *wait = false;
        } else if (!strcmp(*o, "wait") || !strcmp(*o, "wait=on")) {
            *wait = true;
        } else {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "--qmp %s: unknown option '%s' (valid: server, "
                        "nowait, wait=on|off)", spec, *o);
            return -1;
        }
    }
    if (g_str_has_prefix(addr, "unix:")) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *path = addr + 5;
        if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "--qmp %s: the socket path must be 1 to %zu bytes",
                        spec, sizeof(sa.sun_path) - 1);
            return -1;
        }
        strcpy(sa.sun_path, path);
        unlink(path); /* a stale socket from an earlier run */
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(fd, 64) < 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                        "--qmp %s: cannot listen on %s: %s", spec, path,
                        g_strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            return -1;
        }
        *unix_path = g_strdup(path);
    } else if (g_str_has_prefix(addr, "tcp:")) {
        const char *hp = addr + 4;
        const char *colon = strrchr(hp, ':');
        g_autofree char *host = colon ? g_strndup(hp, colon - hp) : NULL;
        char *end;
        unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
        struct sockaddr_in sa = { .sin_family = AF_INET };
        int one = 1;

        if (!colon || !colon[1] || *end || port > 65535) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "--qmp %s: expected tcp:127.0.0.1:PORT", spec);
            return -1;
        }
        if (!*host || !strcmp(host, "localhost")) {
            g_free(host);
            host = g_strdup("127.0.0.1");
        }
        /* the monitor controls the machine: loopback only */
        if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
            (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "--qmp %s: only loopback addresses (127.x.x.x, "
                        "localhost) are allowed", spec);
            return -1;
        }
        sa.sin_port = htons((uint16_t)port);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        }
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(fd, 64) < 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                        "--qmp %s: cannot listen: %s", spec,
                        g_strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            return -1;
        }
    } else {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--qmp %s: expected unix:PATH[,server,nowait] or "
                    "tcp:127.0.0.1:PORT", spec);
        return -1;
    }
    set_nonblock(fd);
    return fd;
}

bool monitor_add_qmp(Monitor *mon, const char *spec, GError **error)
{
    bool wait;
    char *unix_path = NULL;
    int fd = listen_on(spec, &wait, &unix_path, error);
    MonitorListener *l;

    if (fd < 0) {
        return false;
    }
    l = g_new0(MonitorListener, 1);
    l->mon = mon;
    l->fd = fd;
    l->unix_path = unix_path;
    l->watch = bb_main_loop_add_fd(mon->loop, fd, G_IO_IN, listener_accept,
                                   l);
    g_ptr_array_add(mon->listeners, l);
    if (wait) {
        /* QEMU's wait: the guest starts once a client is there */
        struct pollfd p = { .fd = fd, .events = POLLIN };
        while (poll(&p, 1, -1) < 0 && errno == EINTR) {
        }
        listener_accept(fd, G_IO_IN, l);
    }
    return true;
}

/* The console's Ctrl-A c: a raw terminal, so echo what is typed and end
 * lines with \r\n. */
static void mux_write(const char *text)
{
    g_autoptr(GString) crlf = g_string_new(NULL);

    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(crlf, '\r');
        }
        g_string_append_c(crlf, *p);
    }
    chardev_stdio_mux_write(crlf->str);
}

static void mux_input(void *opaque, const uint8_t *buf, size_t len)
{
    Monitor *mon = opaque;

    if (!len) {
        mux_write("\n(breadboard) ");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = (char)buf[i];
        if (ch == '\r' || ch == '\n') {
            mux_write("\n");
            g_autofree char *out = monitor_hmp_execute(
                mon->sys, mon->mux_line->str, -1);
            g_string_truncate(mon->mux_line, 0);
            mux_write(out);
            mux_write("(breadboard) ");
        } else if ((ch == 0x7f || ch == '\b') && mon->mux_line->len) {
            g_string_truncate(mon->mux_line, mon->mux_line->len - 1);
            chardev_stdio_mux_write("\b \b");
        } else if (g_ascii_isprint(ch) && mon->mux_line->len < 4096) {
            char echo[2] = { ch, 0 };
            g_string_append_c(mon->mux_line, ch);
            chardev_stdio_mux_write(echo);
        }
    }
}

void monitor_attach_console(Monitor *mon)
{
    if (chardev_stdio_in_use() && !mon->mux_line) {
        mon->mux_line = g_string_new(NULL);
        chardev_stdio_set_mux(mux_input, mon);
    }
}

bool monitor_add_hmp_stdio(Monitor *mon, GError **error)
{
    MonitorClient *c;

    /* put back at the end: the shell shares the terminal's flags */
    mon->stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
    fcntl(STDIN_FILENO, F_SETFL, mon->stdin_flags | O_NONBLOCK);
    c = client_new(mon, STDIN_FILENO, STDOUT_FILENO, true);
    client_prompt(c);
    return true;
}

void monitor_free(Monitor *mon)
{
    if (!mon) {
        return;
    }
    bb_system_remove_run_state_listener(mon->sys, mon->state_listener);
    bb_system_remove_event_listener(mon->sys, mon->event_listener);
    if (mon->mux_line) {
        chardev_stdio_set_mux(NULL, NULL);
        g_string_free(mon->mux_line, true);
    }
    /* what is queued (the last events, quit's reply) gets a short chance
     * to leave */
    gint64 deadline = g_get_monotonic_time() + 500 * 1000;
    for (guint i = 0; i < mon->clients->len; i++) {
        MonitorClient *c = mon->clients->pdata[i];
        while (c->fd >= 0 && c->out->len &&
               g_get_monotonic_time() < deadline) {
            struct pollfd p = { .fd = c->out_fd, .events = POLLOUT };
            if (poll(&p, 1, 50) > 0) {
                ssize_t n = write(c->out_fd, c->out->str, c->out->len);
                if (n <= 0 && errno != EAGAIN && errno != EINTR) {
                    break;
                }
                if (n > 0) {
                    g_string_erase(c->out, 0, n);
                }
            }
        }
        client_close(c);
    }
    reap(mon);
    for (guint i = 0; i < mon->listeners->len; i++) {
        MonitorListener *l = mon->listeners->pdata[i];
        bb_main_loop_remove_fd(mon->loop, l->watch);
        close(l->fd);
        if (l->unix_path) {
            unlink(l->unix_path);
            g_free(l->unix_path);
        }
        g_free(l);
    }
    if (mon->stdin_flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, mon->stdin_flags);
    }
    bb_bh_free(mon->reap);
    g_ptr_array_unref(mon->listeners);
    g_ptr_array_unref(mon->clients);
    g_free(mon);
}
