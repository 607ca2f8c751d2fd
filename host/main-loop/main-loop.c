/*
 * main-loop.c - the event loop between guest time slices (main-loop.h):
 * file-descriptor watches, bottom halves and timer dispatch around one
 * ppoll(2) per iteration.
 *
 * The poll timeout is the timer context's next deadline (nanosecond
 * precision, so a sleep never ends just short of a deadline and spins),
 * zero when a bottom half waits or the caller may not block, and infinite
 * when nothing is armed.  An eventfd is always in the poll set: writing it
 * is async-signal-safe, and a wakeup that arrives before the poll stays
 * pending in the counter, so none is lost.  Watches removed while the
 * loop is dispatching are only marked and freed at the end of the
 * iteration, so a handler may remove its own or any other watch.  Bottom
 * halves scheduled for a run phase are moved to a private queue first, so
 * one scheduled from a bottom half (or a timer) runs in the next iteration,
 * whose poll then does not block.  Everything but bb_main_loop_wakeup()
 * belongs to the thread that iterates the loop.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <breadboard/main-loop.h>

typedef struct FdWatch {
    guint id;
    int fd;
    GIOCondition events;  /* 0: paused */
    BbFdHandler handler;
    void *opaque;
    bool removed;         /* freed at the end of the iteration */
} FdWatch;

struct BbBottomHalf {
    BbMainLoop *loop;
    void (*cb)(void *opaque);
    void *opaque;
    GList link;           /* in *queue while scheduled */
    GQueue *queue;        /* &loop->scheduled, &loop->running or NULL */
};

struct BbMainLoop {
    BbTimerContext *timers; /* borrowed */
    GPtrArray *watches;     /* FdWatch *, in the order added */
    guint next_watch_id;
    GQueue scheduled;       /* bottom halves for the next run phase */
    GQueue running;         /* bottom halves of this phase, not yet run */
    unsigned nbhs;          /* bottom halves alive */
    bool iterating;         /* inside bb_main_loop_iterate() */
    int wake_fd;            /* eventfd for bb_main_loop_wakeup() */
    GArray *pollfds;        /* struct pollfd; [0] is wake_fd */
    GPtrArray *polled;      /* FdWatch * of pollfds[1..] */
};

/* ------------------------------------------------------------ loop */

BbMainLoop *bb_main_loop_new(BbTimerContext *timers)
{
    g_return_val_if_fail(timers != NULL, NULL);

    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        g_critical("bb_main_loop_new: eventfd: %s", g_strerror(errno));
        return NULL;
    }
    BbMainLoop *loop = g_new0(BbMainLoop, 1);
    loop->timers = timers;
    loop->watches = g_ptr_array_new();
    loop->next_watch_id = 1;
    g_queue_init(&loop->scheduled);
    g_queue_init(&loop->running);
    loop->wake_fd = fd;
    loop->pollfds = g_array_new(false, false, sizeof(struct pollfd));
    loop->polled = g_ptr_array_new();
    return loop;
}

void bb_main_loop_free(BbMainLoop *loop)
{
    if (!loop) {
        return;
    }
    if (loop->watches->len || loop->nbhs) {
        g_critical("bb_main_loop_free: %u fd watches and %u bottom halves "
                   "still exist; leaking the loop",
                   loop->watches->len, loop->nbhs);
        return;
    }
    close(loop->wake_fd);
    g_ptr_array_free(loop->watches, true);
    g_array_free(loop->pollfds, true);
    g_ptr_array_free(loop->polled, true);
    g_free(loop);
}

BbTimerContext *bb_main_loop_get_timers(BbMainLoop *loop)
{
    return loop->timers;
}

void bb_main_loop_wakeup(BbMainLoop *loop)
{
    int saved_errno = errno; /* we may run inside a signal handler */
    uint64_t one = 1;

    /* EAGAIN means the counter is saturated: a wakeup is pending anyway. */
    if (write(loop->wake_fd, &one, sizeof(one)) < 0) {
        /* nothing to do */
    }
    errno = saved_errno;
}

static void wakeup_drain(BbMainLoop *loop)
{
    uint64_t count;

    if (read(loop->wake_fd, &count, sizeof(count)) < 0) {
        /* EAGAIN: already drained */
    }
}

/* ------------------------------------------------------------ fd watches */

static FdWatch *watch_find(BbMainLoop *loop, guint id)
{
    /* A linear scan: a machine watches a handful of descriptors. */
    for (guint i = 0; i < loop->watches->len; i++) {
        FdWatch *w = loop->watches->pdata[i];
        if (w->id == id && !w->removed) {
            return w;
        }
    }
    return NULL;
}

guint bb_main_loop_add_fd(BbMainLoop *loop, int fd, GIOCondition events,
                          BbFdHandler handler, void *opaque)
{
    g_return_val_if_fail(fd >= 0, 0);
    g_return_val_if_fail(handler != NULL, 0);

    FdWatch *w = g_new0(FdWatch, 1);
    w->id = loop->next_watch_id++;
    w->fd = fd;
    w->events = events;
    w->handler = handler;
    w->opaque = opaque;
    g_ptr_array_add(loop->watches, w);
    return w->id;
}

void bb_main_loop_set_fd_events(BbMainLoop *loop, guint id,
                                GIOCondition events)
{
    FdWatch *w = watch_find(loop, id);

    g_return_if_fail(w != NULL);
    w->events = events;
}

void bb_main_loop_remove_fd(BbMainLoop *loop, guint id)
{
    FdWatch *w = watch_find(loop, id);

    g_return_if_fail(w != NULL);
    if (loop->iterating) {
        w->removed = true; /* pollfds and polled may still point at it */
        return;
    }
    g_ptr_array_remove(loop->watches, w);
    g_free(w);
}

static void watches_sweep(BbMainLoop *loop)
{
    for (guint i = loop->watches->len; i-- > 0;) {
        FdWatch *w = loop->watches->pdata[i];
        if (w->removed) {
            g_ptr_array_remove_index(loop->watches, i);
            g_free(w);
        }
    }
}

static short events_to_poll(GIOCondition events)
{
    return ((events & G_IO_IN) ? POLLIN : 0) |
           ((events & G_IO_OUT) ? POLLOUT : 0) |
           ((events & G_IO_PRI) ? POLLPRI : 0);
}

static GIOCondition revents_from_poll(short revents)
{
    return ((revents & POLLIN) ? G_IO_IN : 0) |
           ((revents & POLLOUT) ? G_IO_OUT : 0) |
           ((revents & POLLPRI) ? G_IO_PRI : 0) |
           ((revents & POLLHUP) ? G_IO_HUP : 0) |
           ((revents & POLLERR) ? G_IO_ERR : 0) |
           ((revents & POLLNVAL) ? G_IO_NVAL : 0);
}

/* The poll set: the wakeup eventfd, then every watch that is not paused. */
static void pollfds_build(BbMainLoop *loop)
{
    struct pollfd wake = { .fd = loop->wake_fd, .events = POLLIN };

    g_array_set_size(loop->pollfds, 0);
    g_ptr_array_set_size(loop->polled, 0);
    g_array_append_val(loop->pollfds, wake);
    for (guint i = 0; i < loop->watches->len; i++) {
        FdWatch *w = loop->watches->pdata[i];
        if (w->events) {
            struct pollfd p = {
                .fd = w->fd,
                .events = events_to_poll(w->events),
            };
            g_array_append_val(loop->pollfds, p);
            g_ptr_array_add(loop->polled, w);
        }
    }
}

/* Sleep at most @timeout_ns (-1: no limit); false on failure or signal. */
static bool pollfds_wait(BbMainLoop *loop, int64_t timeout_ns)
{
    struct timespec ts = {
        .tv_sec = timeout_ns / 1000000000,
        .tv_nsec = timeout_ns % 1000000000,
    };
    struct pollfd *fds = (struct pollfd *)loop->pollfds->data;

    if (ppoll(fds, loop->pollfds->len, timeout_ns < 0 ? NULL : &ts,
              NULL) >= 0) {
        return true;
    }
    if (errno != EINTR) {
        g_warning("main loop: ppoll: %s", g_strerror(errno));
    }
    for (guint i = 0; i < loop->pollfds->len; i++) {
        fds[i].revents = 0;
    }
    return false;
}

/* Call the handler of every ready watch; a watch paused or removed by an
 * earlier handler of this iteration is skipped, and only conditions it
 * still waits for (plus errors) are reported. */
static bool watches_dispatch(BbMainLoop *loop)
{
    const struct pollfd *fds = (const struct pollfd *)loop->pollfds->data;
    bool dispatched = false;

    for (guint i = 0; i < loop->polled->len; i++) {
        FdWatch *w = loop->polled->pdata[i];
        GIOCondition rev = revents_from_poll(fds[i + 1].revents) &
                           (w->events | G_IO_HUP | G_IO_ERR | G_IO_NVAL);
        if (w->removed || !w->events || !rev) {
            continue;
        }
        w->handler(w->fd, rev, w->opaque);
        dispatched = true;
    }
    return dispatched;
}

/* ------------------------------------------------------------ bottom halves */

BbBottomHalf *bb_bh_new(BbMainLoop *loop, void (*cb)(void *opaque),
                        void *opaque)
{
    g_return_val_if_fail(loop != NULL, NULL);
    g_return_val_if_fail(cb != NULL, NULL);

    BbBottomHalf *bh = g_new0(BbBottomHalf, 1);
    bh->loop = loop;
    bh->cb = cb;
    bh->opaque = opaque;
    bh->link.data = bh;
    loop->nbhs++;
    return bh;
}

void bb_bh_schedule(BbBottomHalf *bh)
{
    if (bh->queue) {
        return; /* already waiting to run */
    }
    bh->queue = &bh->loop->scheduled;
    g_queue_push_tail_link(bh->queue, &bh->link);
}

void bb_bh_cancel(BbBottomHalf *bh)
{
    if (bh->queue) {
        g_queue_unlink(bh->queue, &bh->link);
        bh->queue = NULL;
    }
}

void bb_bh_free(BbBottomHalf *bh)
{
    if (!bh) {
        return;
    }
    bb_bh_cancel(bh);
    bh->loop->nbhs--;
    g_free(bh);
}

/* Run the bottom halves scheduled before this phase, in scheduling order;
 * those they schedule wait for the next phase. */
static bool bhs_run(BbMainLoop *loop)
{
    bool ran = false;
    GList *l;

    loop->running = loop->scheduled;
    g_queue_init(&loop->scheduled);
    for (l = loop->running.head; l; l = l->next) {
        ((BbBottomHalf *)l->data)->queue = &loop->running;
    }
    while ((l = loop->running.head)) {
        BbBottomHalf *bh = l->data;
        bb_bh_cancel(bh);
        bh->cb(bh->opaque); /* may free, re-schedule or cancel any BH */
        ran = true;
    }
    return ran;
}

/* ------------------------------------------------------------ iteration */

static int64_t poll_timeout_ns(BbMainLoop *loop, bool blocking)
{
    if (!blocking || loop->scheduled.length) {
        return 0;
    }
    return bb_timer_context_next_deadline_ns(loop->timers);
}

bool bb_main_loop_iterate(BbMainLoop *loop, bool blocking)
{
    bool dispatched = false;

    g_return_val_if_fail(!loop->iterating, false);
    loop->iterating = true;

    pollfds_build(loop);
    if (pollfds_wait(loop, poll_timeout_ns(loop, blocking))) {
        if (g_array_index(loop->pollfds, struct pollfd, 0).revents) {
            wakeup_drain(loop);
        }
        dispatched |= watches_dispatch(loop);
    }
    dispatched |= bhs_run(loop);
    dispatched |= bb_timer_context_run_due(loop->timers) > 0;

    loop->iterating = false;
    watches_sweep(loop);
    return dispatched;
}
