/*
 * timer-heap.h - the priority queue behind the timer lists: a binary
 * min-heap of armed timers ordered by (deadline, arming sequence number),
 * so equal deadlines pop in arming order.  Each timer records its heap
 * and its slot, which makes removal O(log n) as well as insertion.
 */
#ifndef HOST_TIMER_TIMER_HEAP_H
#define HOST_TIMER_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <breadboard/timer.h>

typedef struct TimerHeap {
    BbTimer **v; /* v[0] is the earliest */
    size_t len;
    size_t cap;
} TimerHeap;

/* The fields of BbTimer the heap maintains. */
typedef struct TimerHeapNode {
    int64_t deadline; /* ns on the timer's clock */
    uint64_t seq;     /* arming order: tiebreak for equal deadlines */
    TimerHeap *heap;  /* the heap holding the timer, NULL when idle */
    size_t index;     /* slot in heap->v */
} TimerHeapNode;

/* Each BbTimer embeds a TimerHeapNode; the heap reaches it through this. */
TimerHeapNode *timer_heap_node(BbTimer *timer);

void timer_heap_init(TimerHeap *heap);
void timer_heap_destroy(TimerHeap *heap);
void timer_heap_push(TimerHeap *heap, BbTimer *timer);
void timer_heap_remove(BbTimer *timer);
static inline BbTimer *timer_heap_peek(const TimerHeap *heap)
{
    return heap->len ? heap->v[0] : NULL;
}

#endif /* HOST_TIMER_TIMER_HEAP_H */
