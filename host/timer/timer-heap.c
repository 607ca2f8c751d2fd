/*
 * timer-heap.c - a binary min-heap of timers keyed by (deadline, sequence
 * number).  The sequence number is unique per arming, so the order is
 * total and timers with equal deadlines leave the heap in the order they
 * were armed, whatever the heap's internal shape; that is what makes
 * timer dispatch deterministic.
 */
#include <glib.h>

#include "timer/timer-heap.h"

static bool node_before(const TimerHeapNode *a, const TimerHeapNode *b)
{
    return a->deadline < b->deadline ||
           (a->deadline == b->deadline && a->seq < b->seq);
}

static bool slot_before(const TimerHeap *heap, size_t i, size_t j)
{
    return node_before(timer_heap_node(heap->v[i]),
                       timer_heap_node(heap->v[j]));
}

static void slot_set(TimerHeap *heap, size_t i, BbTimer *timer)
{
    heap->v[i] = timer;
    timer_heap_node(timer)->index = i;
}

static void slot_swap(TimerHeap *heap, size_t i, size_t j)
{
    BbTimer *t = heap->v[i];

    slot_set(heap, i, heap->v[j]);
    slot_set(heap, j, t);
}

static void sift_up(TimerHeap *heap, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!slot_before(heap, i, parent)) {
            break;
        }
        slot_swap(heap, i, parent);
        i = parent;
    }
}

static void sift_down(TimerHeap *heap, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, min = i;
        if (l < heap->len && slot_before(heap, l, min)) {
            min = l;
        }
        if (r < heap->len && slot_before(heap, r, min)) {
            min = r;
        }
        if (min == i) {
            return;
        }
        slot_swap(heap, i, min);
        i = min;
    }
}

void timer_heap_init(TimerHeap *heap)
{
    heap->v = NULL;
    heap->len = heap->cap = 0;
}

void timer_heap_destroy(TimerHeap *heap)
{
    g_free(heap->v);
    timer_heap_init(heap);
}

void timer_heap_push(TimerHeap *heap, BbTimer *timer)
{
    TimerHeapNode *node = timer_heap_node(timer);

    g_assert(node->heap == NULL);
    if (heap->len == heap->cap) {
        heap->cap = heap->cap ? heap->cap * 2 : 16;
        heap->v = g_renew(BbTimer *, heap->v, heap->cap);
    }
    node->heap = heap;
    slot_set(heap, heap->len++, timer);
    sift_up(heap, node->index);
}

void timer_heap_remove(BbTimer *timer)
{
    TimerHeapNode *node = timer_heap_node(timer);
    TimerHeap *heap = node->heap;
    size_t i = node->index;

    g_assert(heap != NULL && heap->v[i] == timer);
    node->heap = NULL;
    heap->len--;
    if (i == heap->len) {
        return;
    }
    /* Fill the hole with the last timer, which may belong above or below. */
    BbTimer *moved = heap->v[heap->len];
    slot_set(heap, i, moved);
    sift_up(heap, i);
    sift_down(heap, timer_heap_node(moved)->index);
}
