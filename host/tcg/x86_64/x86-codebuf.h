/*
 * x86-codebuf.h - the memory generated code lives in.  One region is
 * mapped twice from a memfd: a read-write view the backend writes through
 * and a read-execute view the CPU runs, so no mapping is ever writable and
 * executable at once (W^X).  When memfd_create() or the second mapping is
 * unavailable, the region is mapped once and its protection toggled
 * between RW (while emitting) and RX (while running); that mode is only
 * safe while no other thread runs generated code.  Space is handed out by
 * a bump allocator and reclaimed only wholesale, by a flush.
 */
#ifndef HOST_TCG_X86_64_X86_CODEBUF_H
#define HOST_TCG_X86_64_X86_CODEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

typedef struct X86CodeBuffer {
    uint8_t *rw;        /* writable view */
    uint8_t *rx;        /* executable view (== rw in mprotect mode) */
    size_t size;        /* bytes, a multiple of the page size */
    size_t used;        /* bump pointer */
    size_t reserved;    /* bytes kept across flushes (shared stubs) */
    bool dual;          /* two views of a memfd, else mprotect toggling */
    bool writing;       /* between begin and commit */
    int fd;             /* the memfd, -1 in mprotect mode */
    unsigned generation; /* incremented by every flush */
    size_t populated;   /* dual mode: bytes mapped ahead in both views */
} X86CodeBuffer;

/* Map @size bytes (rounded up to pages).  @allow_dual false forces the
 * mprotect mode (for tests). */
X86CodeBuffer *x86_code_buffer_new(size_t size, bool allow_dual,
                                   GError **error);
void x86_code_buffer_free(X86CodeBuffer *b);

/* Start emitting at the bump pointer (aligned to 16): returns where to
 * write and sets *@cap to the space left and *@rx to the runtime address
 * of that spot (NULL if the protection cannot be changed). */
uint8_t *x86_code_buffer_begin(X86CodeBuffer *b, size_t *cap, uintptr_t *rx,
                               GError **error);
/* Finish: keep @len bytes (0 abandons the attempt) and make them
 * executable; *@start_rx (if not NULL) receives their runtime address. */
bool x86_code_buffer_commit(X86CodeBuffer *b, size_t len, uintptr_t *start_rx,
                            GError **error);
/* Keep everything committed so far (the shared stubs) across flushes. */
void x86_code_buffer_reserve(X86CodeBuffer *b);
/* Forget everything after the reserved stubs; bumps the generation. */
void x86_code_buffer_flush(X86CodeBuffer *b);
/* Overwrite @len committed bytes at runtime address @rx (patching);
 * false if the protection cannot be changed (mprotect mode). */
bool x86_code_buffer_patch(X86CodeBuffer *b, uintptr_t rx, const void *src,
                           size_t len);

static inline size_t x86_code_buffer_free_space(const X86CodeBuffer *b)
{
    return b->size - b->used;
}

#endif /* HOST_TCG_X86_64_X86_CODEBUF_H */
