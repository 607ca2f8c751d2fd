/*
 * tcg-arena.c - the per-TB scratch arena (tcg-internal.h, TcgArena): the
 * verifier, the optimizer, the CFG and the x86-64 backend's liveness and
 * register state take their per-TB memory from here instead of the heap,
 * so translating a TB costs a few pointer bumps instead of a few hundred
 * malloc/free pairs (docs/jit.md, "Translation cost").  Memory is a list
 * of chunks kept for the context's life: a pass marks the arena before it
 * allocates and releases to the mark when done, and tcg_context_reset()
 * empties it for the next TB, so the chunks are reused and the heap is
 * only touched while the arena grows to the largest TB seen.
 *
 * Overflows stay visible: every allocation is followed by a red zone, and
 * under AddressSanitizer (or valgrind's memcheck) everything outside the
 * live allocations is marked inaccessible, so a pass that writes past its
 * array, or keeps a pointer past its release, is reported as with malloc.
 */
#include <stddef.h>
#include <string.h>

#include "tcg/tcg-internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#elif defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
/* Client requests are a few no-op instructions outside valgrind. */
#define ARENA_POISON(p, n) VALGRIND_MAKE_MEM_NOACCESS((p), (n))
#define ARENA_UNPOISON(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#endif
#endif
#ifndef ARENA_POISON
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_ALIGN 16
#define ARENA_REDZONE 16          /* after every allocation */
#define ARENA_CHUNK_MIN (64 << 10) /* a typical TB needs well under this */

struct TcgArenaChunk {
    TcgArenaChunk *next;
    size_t size;  /* bytes of data[] */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

static TcgArenaChunk *chunk_new(size_t min)
{
    size_t size = MAX(min, (size_t)ARENA_CHUNK_MIN);
    TcgArenaChunk *c = g_malloc(sizeof(*c) + size);

    c->next = NULL;
    c->size = size;
    c->used = 0;
    ARENA_POISON(c->data, size);
    return c;
}

/* Like tcg_arena_alloc(), contents undefined (valgrind's memcheck sees
 * them as such). */
static void *arena_alloc_raw(TcgArena *a, size_t size)
{
    size_t need = (size + ARENA_REDZONE + ARENA_ALIGN - 1) &
                  ~(size_t)(ARENA_ALIGN - 1);
    TcgArenaChunk *c = a->cur;
    void *p;

    /* Move on to the next chunk (kept from an earlier, bigger TB) or add
     * one; the rest of this chunk stays unused until the next reset. */
    while (!c || c->used + need > c->size) {
        TcgArenaChunk *next = c ? c->next : a->first;

        if (!next || next->size < need) {
            TcgArenaChunk *n = chunk_new(need * 2);

            n->next = next; /* a too-small next chunk stays in the list */
            if (c) {
                c->next = n;
            } else {
                a->first = n;
            }
            next = n;
        }
        c = next;
        c->used = 0;
    }
    a->cur = c;
    p = c->data + c->used;
    c->used += need;
    ARENA_UNPOISON(p, size);
    return p;
}

void *tcg_arena_alloc(TcgArena *a, size_t size)
{
    return memset(arena_alloc_raw(a, size), 0, size);
}

TcgArenaMark tcg_arena_mark(const TcgArena *a)
{
    return (TcgArenaMark){ a->cur, a->cur ? a->cur->used : 0 };
}

void tcg_arena_release(TcgArena *a, TcgArenaMark m)
{
    /* Poison what the released allocations used, in every chunk after
     * the mark's, so that a stale pointer into them is caught. */
    for (TcgArenaChunk *c = m.chunk ? m.chunk : a->first;
         c; c = c == a->cur ? NULL : c->next) {
        size_t from = c == m.chunk ? m.used : 0;

        if (c->used > from) {
            ARENA_POISON(c->data + from, c->used - from);
        }
        c->used = from;
        if (c == a->cur) {
            break;
        }
    }
    a->cur = m.chunk;
}

void tcg_arena_reset(TcgArena *a)
{
    tcg_arena_release(a, (TcgArenaMark){ NULL, 0 });
}

void tcg_arena_destroy(TcgArena *a)
{
    TcgArenaChunk *c = a->first;

    while (c) {
        TcgArenaChunk *next = c->next;

        ARENA_UNPOISON(c->data, c->size);
        g_free(c);
        c = next;
    }
    a->first = a->cur = NULL;
}

/* ------------------------------------------------------------ vectors */

void tcg_vec_grow(TcgVec *v, TcgArena *arena, size_t elt)
{
    /* A compile's lists start big enough for most TBs (growing one was
     * 1.4% of translation); heap lists (a TB's incoming links) small. */
    unsigned cap = v->cap ? v->cap * 2 : arena ? 64 : 2;
    void *data;

    if (v->cap > G_MAXUINT / 2) {
        g_error("tcg: per-TB list too long");
    }
    if (arena) {
        /* The old block stays in the arena until its release: doubling
         * keeps the waste under the final size. */
        data = arena_alloc_raw(arena, (size_t)cap * elt);
        if (v->len) {
            memcpy(data, v->data, (size_t)v->len * elt);
        }
    } else {
        data = g_realloc_n(v->data, cap, elt);
    }
    v->data = data;
    v->cap = cap;
}

void tcg_vec_free(TcgVec *v, TcgArena *arena)
{
    if (!arena) {
        g_free(v->data);
    }
    memset(v, 0, sizeof(*v));
}

void tcg_mem_poison(void *p, size_t n)
{
    ARENA_POISON(p, n);
}

void tcg_mem_unpoison(void *p, size_t n)
{
    ARENA_UNPOISON(p, n);
}
