/*
 * chardev-io.c - the descriptor engine behind every character backend:
 * flow-controlled input, a bounded output queue and the main-loop watches
 * that drive both.
 *
 * Input: a readable descriptor is read only for as many bytes as the
 * frontend's can_receive allows; bytes read but not delivered (the stdio
 * filter can turn one byte into two, can_receive can shrink) wait in
 * 'pending' and go first.  While the frontend is full or bytes are
 * pending the watch asks only for hang-ups (G_IO_IN off), so the loop
 * neither reads nor spins; bb_chardev_accept_input() schedules the bottom
 * half that delivers and re-arms.  End of file, hang-up and read errors
 * end the input: what the descriptor still holds is read into 'pending'
 * (bounded by the kernel's buffers, even while the frontend is full), and
 * CLOSED follows the last byte.
 *
 * Output: bb_chardev_write() writes directly while nothing is queued and
 * queues the rest up to the limit; G_IO_OUT is watched only while bytes
 * are queued.  A short write owes the frontend write_ready, called from
 * the watch handler once at least half the limit is free again.  A
 * failed descriptor drops its output from then on (and, for a socket,
 * ends the connection through the bottom half).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chardev/chardev-internal.h"

/* Most bytes read from a descriptor after it hung up (its kernel buffer;
 * this only guards against a peer that keeps writing). */
#define HANGUP_DRAIN_MAX (4 * 1024 * 1024)

static void io_bh(void *opaque);
static void io_fd_ready(int fd, GIOCondition revents, void *opaque);

void chardev_io_init(BbChardev *chr)
{
    chr->in_fd = -1;
    chr->out_fd = -1;
    chr->pending = g_byte_array_new();
    chr->outq = g_byte_array_new();
    chr->bh = bb_bh_new(chr->loop, io_bh, chr);
}

void chardev_io_cleanup(BbChardev *chr)
{
    bb_bh_free(chr->bh);
    chr->bh = NULL;
    g_byte_array_unref(chr->pending);
    g_byte_array_unref(chr->outq);
}

/* ------------------------------------------------------------ watches */

static void io_apply_masks(BbChardev *chr)
{
    if (chr->in_watch && chr->in_watch == chr->out_watch) {
        GIOCondition mask = chr->in_mask | chr->out_mask;
        if (mask != chr->in_applied) {
            bb_main_loop_set_fd_events(chr->loop, chr->in_watch, mask);
            chr->in_applied = chr->out_applied = mask;
        }
        return;
    }
    if (chr->in_watch && chr->in_mask != chr->in_applied) {
        bb_main_loop_set_fd_events(chr->loop, chr->in_watch, chr->in_mask);
        chr->in_applied = chr->in_mask;
    }
    if (chr->out_watch && chr->out_mask != chr->out_applied) {
        bb_main_loop_set_fd_events(chr->loop, chr->out_watch, chr->out_mask);
        chr->out_applied = chr->out_mask;
    }
}

static void io_remove_watches(BbChardev *chr)
{
    if (chr->out_watch && chr->out_watch != chr->in_watch) {
        bb_main_loop_remove_fd(chr->loop, chr->out_watch);
    }
    if (chr->in_watch) {
        bb_main_loop_remove_fd(chr->loop, chr->in_watch);
    }
    chr->in_watch = chr->out_watch = 0;
    chr->in_mask = chr->out_mask = 0;
    chr->in_applied = chr->out_applied = 0;
}

/* A direction is over for good (ended, failed): stop watching for it.  A
 * watch shared by both directions goes when neither needs it, so a
 * descriptor stuck in hang-up cannot make the loop spin. */
static void io_prune_watches(BbChardev *chr)
{
    bool in_done = chr->in_ended;
    bool out_done = chr->out_dead || chr->out_fd < 0;

    if (chr->in_watch && chr->in_watch == chr->out_watch) {
        if (in_done && out_done) {
            bb_main_loop_remove_fd(chr->loop, chr->in_watch);
            chr->in_watch = chr->out_watch = 0;
        }
        return;
    }
    if (chr->in_watch && in_done) {
        bb_main_loop_remove_fd(chr->loop, chr->in_watch);
        chr->in_watch = 0;
    }
    if (chr->out_watch && out_done) {
        bb_main_loop_remove_fd(chr->loop, chr->out_watch);
        chr->out_watch = 0;
    }
}

static void io_drop_input_watch(BbChardev *chr)
{
    chr->in_mask = 0;
    io_prune_watches(chr);
    io_apply_masks(chr);
}

static void io_drop_output_watch(BbChardev *chr)
{
    chr->out_mask = 0;
    io_prune_watches(chr);
    io_apply_masks(chr);
}

void chardev_io_attach(BbChardev *chr, int in_fd, int out_fd, bool owned,
                       bool is_socket)
{
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->fds_owned = owned;
    chr->out_is_socket = is_socket;
    chr->in_ended = in_fd < 0;
    chr->out_dead = false;
    if (in_fd >= 0) {
        chr->in_watch = bb_main_loop_add_fd(chr->loop, in_fd, 0, io_fd_ready,
                                            chr);
    }
    if (out_fd >= 0) {
        chr->out_watch = out_fd == in_fd
                             ? chr->in_watch
                             : bb_main_loop_add_fd(chr->loop, out_fd, 0,
                                                   io_fd_ready, chr);
    }
    chardev_io_kick(chr);
}

void chardev_io_detach(BbChardev *chr)
{
    io_remove_watches(chr);
    if (chr->fds_owned) {
        if (chr->in_fd >= 0) {
            close(chr->in_fd);
        }
        if (chr->out_fd >= 0 && chr->out_fd != chr->in_fd) {
            close(chr->out_fd);
        }
    }
    chr->in_fd = chr->out_fd = -1;
    chr->fds_owned = false;
    chr->in_ended = true;
    g_byte_array_set_size(chr->outq, 0);
    chr->outq_off = 0;
    if (chr->out_blocked) {
        /* Writes are dropped from now on: let the frontend go on. */
        chr->bh_write_ready = true;
        bb_bh_schedule(chr->bh);
    }
}

/* -------------------------------------------------------------- input */

static size_t io_can_receive(BbChardev *chr)
{
    if (!chr->fe_attached || !chr->fe.receive) {
        return 0;
    }
    return chr->fe.can_receive ? chr->fe.can_receive(chr->fe_opaque)
                               : SIZE_MAX;
}

static size_t io_pending_len(const BbChardev *chr)
{
    return chr->pending->len - chr->pending_off;
}

/* Hand pending bytes to the frontend as far as it takes them. */
static void io_deliver(BbChardev *chr)
{
    while (io_pending_len(chr) > 0) {
        size_t n = MIN(io_can_receive(chr), io_pending_len(chr));
        if (n == 0) {
            return;
        }
        const uint8_t *data = chr->pending->data + chr->pending_off;
        chr->pending_off += n;
        chr->fe.receive(chr->fe_opaque, data, n);
    }
    g_byte_array_set_size(chr->pending, 0);
    chr->pending_off = 0;
}

/* Emit CLOSED once the input has ended and everything was delivered. */
static void io_finish_close(BbChardev *chr)
{
    if (!chr->close_owed || io_pending_len(chr) > 0) {
        return;
    }
    chr->close_owed = false;
    chardev_set_connected(chr, false);
    if (chr->ops->peer_closed) {
        chr->ops->peer_closed(chr);
    }
}

static void io_update_input(BbChardev *chr)
{
    bool want = chr->in_fd >= 0 && !chr->in_ended &&
                io_pending_len(chr) == 0 && io_can_receive(chr) > 0;

    /* Paused, a descriptor is still watched for hang-ups only, so a
     * client that leaves while the frontend is full is noticed (and its
     * last bytes kept) without reading anything else. */
    chr->in_mask = want ? G_IO_IN
                 : chr->in_fd >= 0 && !chr->in_ended ? G_IO_HUP : 0;
    io_apply_masks(chr);
}

void chardev_io_kick(BbChardev *chr)
{
    io_update_input(chr);
    if (io_pending_len(chr) > 0 || chr->close_owed) {
        bb_bh_schedule(chr->bh);
    }
}

/* Never blocks: our descriptors are non-blocking, sockets doubly so. */
static ssize_t io_raw_read(BbChardev *chr, void *buf, size_t len)
{
    ssize_t r;

    do {
        r = chr->out_is_socket && chr->in_fd == chr->out_fd
                ? recv(chr->in_fd, buf, len, MSG_DONTWAIT)
                : read(chr->in_fd, buf, len);
    } while (r < 0 && errno == EINTR);
    return r;
}

static void io_take_input(BbChardev *chr, const uint8_t *buf, size_t len)
{
    if (chr->ops->filter) {
        chr->ops->filter(chr, buf, len, chr->pending);
    } else {
        g_byte_array_append(chr->pending, buf, len);
    }
}

static void io_output_failed(BbChardev *chr);

/* The input is over: note it, let the kind react, close when delivered. */
static void io_end_input(BbChardev *chr, bool hangup)
{
    if (chr->in_ended) {
        return;
    }
    chr->in_ended = true;
    chr->close_owed = true;
    io_drop_input_watch(chr);
    if (hangup && chr->in_fd == chr->out_fd) {
        io_output_failed(chr);
    }
    if (chr->ops->input_ended) {
        chr->ops->input_ended(chr, hangup);
    }
    io_deliver(chr);
    io_finish_close(chr);
}

/* The descriptor hung up or failed: keep what it still holds, then end. */
static void io_input_hangup(BbChardev *chr)
{
    uint8_t buf[CHARDEV_READ_CHUNK];
    size_t total = 0;

    if (chr->in_ended) {
        /* Already ended by EOF; the shared watch reports the hang-up of
         * the output direction. */
        io_output_failed(chr);
        return;
    }
    while (total < HANGUP_DRAIN_MAX) {
        ssize_t r = io_raw_read(chr, buf, sizeof(buf));
        if (r <= 0) {
            break;
        }
        io_take_input(chr, buf, r);
        total += r;
    }
    io_end_input(chr, true);
}

static void io_input_ready(BbChardev *chr)
{
    uint8_t buf[CHARDEV_READ_CHUNK];

    io_deliver(chr);
    size_t room = io_pending_len(chr) ? 0 : io_can_receive(chr);
    if (chr->in_ended || room == 0) {
        io_update_input(chr);
        return;
    }
    ssize_t r = io_raw_read(chr, buf, MIN(room, sizeof(buf)));
    if (r > 0) {
        io_take_input(chr, buf, r);
        io_deliver(chr);
    } else if (r == 0) {
        io_end_input(chr, false);
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        io_end_input(chr, true);
    }
    io_update_input(chr);
}

/* ------------------------------------------------------------- output */

size_t chardev_io_queued(const BbChardev *chr)
{
    return chr->outq->len - chr->outq_off;
}

static ssize_t io_raw_write(BbChardev *chr, const void *buf, size_t len)
{
    ssize_t r;

    do {
        r = chr->out_is_socket
                ? send(chr->out_fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT)
                : write(chr->out_fd, buf, len);
    } while (r < 0 && errno == EINTR);
    return r;
}

static bool io_would_block(ssize_t r)
{
    return r == 0 || (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

static void io_consume_output(BbChardev *chr, size_t n)
{
    chr->outq_off += n;
    if (chr->outq_off == chr->outq->len) {
        g_byte_array_set_size(chr->outq, 0);
        chr->outq_off = 0;
    } else if (chr->outq_off >= 4096 && chr->outq_off * 2 >= chr->outq->len) {
        g_byte_array_remove_range(chr->outq, 0, chr->outq_off);
        chr->outq_off = 0;
    }
}

static void io_update_output(BbChardev *chr)
{
    bool want = chr->out_fd >= 0 && !chr->out_dead &&
                chardev_io_queued(chr) > 0;

    chr->out_mask = want ? G_IO_OUT : 0;
    io_apply_masks(chr);
}

/* The output descriptor failed: drop output from now on. */
static void io_output_failed(BbChardev *chr)
{
    if (chr->out_dead) {
        return;
    }
    chr->out_dead = true;
    g_byte_array_set_size(chr->outq, 0);
    chr->outq_off = 0;
    io_drop_output_watch(chr);
    if (chr->out_blocked) {
        chr->bh_write_ready = true;
    }
    if (chr->out_fd == chr->in_fd && !chr->in_ended) {
        /* A socket-like peer is gone: end its input too, but not from
         * inside whatever write found out. */
        chr->bh_hangup = true;
    }
    bb_bh_schedule(chr->bh);
}

/* Write queued bytes until the descriptor would block.  @max_chunk
 * bounds each write (flush uses PIPE_BUF so a descriptor that lost
 * O_NONBLOCK still cannot block after poll said writable). */
static void io_drain_output(BbChardev *chr, size_t max_chunk)
{
    while (chardev_io_queued(chr) > 0 && !chr->out_dead) {
        size_t n = MIN(chardev_io_queued(chr), max_chunk);
        ssize_t r = io_raw_write(chr, chr->outq->data + chr->outq_off, n);
        if (io_would_block(r)) {
            break;
        }
        if (r < 0) {
            io_output_failed(chr);
            break;
        }
        io_consume_output(chr, r);
    }
    io_update_output(chr);
}

static bool io_output_has_room(const BbChardev *chr)
{
    return chardev_io_queued(chr) <= chr->out_limit / 2;
}

static void io_output_ready(BbChardev *chr)
{
    io_drain_output(chr, SIZE_MAX);
    if (chr->out_blocked && io_output_has_room(chr)) {
        chr->out_blocked = false;
        if (chr->fe_attached && chr->fe.write_ready) {
            chr->fe.write_ready(chr->fe_opaque);
        }
    }
}

size_t chardev_io_write(BbChardev *chr, const void *buf, size_t len,
                        bool force)
{
    size_t done = 0;

    if (chr->out_fd < 0 || chr->out_dead || len == 0) {
        return len; /* no peer: accepted and dropped */
    }
    if (chardev_io_queued(chr) == 0) {
        ssize_t r = io_raw_write(chr, buf, len);
        if (r > 0) {
            done = r;
        } else if (!io_would_block(r)) {
            io_output_failed(chr);
            return len;
        }
    }
    size_t queued = chardev_io_queued(chr);
    size_t room = chr->out_limit > queued ? chr->out_limit - queued : 0;
    size_t n = force ? len - done : MIN(len - done, room);
    g_byte_array_append(chr->outq, (const uint8_t *)buf + done, n);
    done += n;
    if (done < len) {
        chr->out_blocked = true;
    }
    io_update_output(chr);
    return done;
}

static int io_remaining_ms(gint64 deadline)
{
    gint64 left = deadline - g_get_monotonic_time();

    return left <= 0 ? 0 : (int)MIN((left + 999) / 1000, INT_MAX);
}

bool chardev_io_flush(BbChardev *chr, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    io_drain_output(chr, PIPE_BUF);
    while (chardev_io_queued(chr) > 0 && !chr->out_dead) {
        int wait = timeout_ms < 0 ? -1 : io_remaining_ms(deadline);
        if (wait == 0) {
            break;
        }
        struct pollfd pfd = { .fd = chr->out_fd, .events = POLLOUT };
        int r = poll(&pfd, 1, wait);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        if (!(pfd.revents & POLLOUT)) {
            io_output_failed(chr);
            break;
        }
        io_drain_output(chr, PIPE_BUF);
    }
    if (chr->out_blocked && io_output_has_room(chr)) {
        chr->out_blocked = false;
        chr->bh_write_ready = true;
        bb_bh_schedule(chr->bh);
    }
    return chardev_io_queued(chr) == 0;
}

/* ------------------------------------------------- loop entry points */

static void io_fd_ready(int fd, GIOCondition revents, void *opaque)
{
    BbChardev *chr = opaque;
    bool failed = revents & (G_IO_HUP | G_IO_ERR);

    if (fd == chr->out_fd && fd != chr->in_fd) {
        if (revents & G_IO_OUT) {
            io_output_ready(chr);
        } else if (failed) {
            io_output_failed(chr);
        }
    }
    if (fd == chr->in_fd && fd == chr->out_fd && (revents & G_IO_OUT)) {
        io_output_ready(chr);
    }
    if (fd == chr->in_fd) {
        if (failed) {
            io_input_hangup(chr);
        } else if (revents & G_IO_IN) {
            io_input_ready(chr);
        }
    }
}

/* Deferred work: a peer found gone by a write, write_ready owed after a
 * flush or a failure, and delivery after bb_chardev_accept_input(). */
static void io_bh(void *opaque)
{
    BbChardev *chr = opaque;

    if (chr->bh_hangup) {
        chr->bh_hangup = false;
        if (chr->in_fd >= 0 && !chr->in_ended) {
            io_input_hangup(chr);
        }
    }
    if (chr->bh_write_ready) {
        chr->bh_write_ready = false;
        chr->out_blocked = false;
        if (chr->fe_attached && chr->fe.write_ready) {
            chr->fe.write_ready(chr->fe_opaque);
        }
    }
    io_deliver(chr);
    io_finish_close(chr);
    io_update_input(chr);
}
