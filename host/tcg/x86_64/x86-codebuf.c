/*
 * x86-codebuf.c - the W^X code buffer of x86-codebuf.h.  Preferred layout:
 * an anonymous memfd of the buffer's size mapped PROT_READ|PROT_WRITE for
 * the emitter and PROT_READ|PROT_EXEC for execution (MAP_SHARED, so both
 * views see the same pages).  Fallback: one private anonymous mapping
 * whose free part is made RW by begin() and RX again by commit().  When
 * running under valgrind, freshly written code is announced with
 * VALGRIND_DISCARD_TRANSLATIONS, since valgrind cannot see writes made
 * through the other view.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <breadboard/error.h>

#include "tcg/tcg-internal.h"
#include "tcg/x86_64/x86-codebuf.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef VALGRIND_DISCARD_TRANSLATIONS
#define VALGRIND_DISCARD_TRANSLATIONS(addr, len) ((void)(addr), (void)(len))
#endif

#define CODE_ALIGN 16

static size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

static bool map_dual(X86CodeBuffer *b)
{
    int fd = memfd_create("breadboard-jit", MFD_CLOEXEC);
    void *rw, *rx;

    if (fd < 0) {
        return false;
    }
    if (ftruncate(fd, (off_t)b->size) < 0) {
        close(fd);
        return false;
    }
    rw = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED) {
        close(fd);
        return false;
    }
    rx = mmap(NULL, b->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (rx == MAP_FAILED) {
        munmap(rw, b->size);
        close(fd);
        return false;
    }
    b->fd = fd;
    b->rw = rw;
    b->rx = rx;
    b->dual = true;
    return true;
}

static bool map_single(X86CodeBuffer *b, GError **error)
{
    void *p = mmap(NULL, b->size, PROT_READ | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        g_set_error(error, TCG_ERROR, BB_ERROR_FAILED,
                    "cannot map %zu bytes of JIT code buffer: %s", b->size,
                    g_strerror(errno));
        return false;
    }
    b->fd = -1;
    b->rw = b->rx = p;
    b->dual = false;
    return true;
}

X86CodeBuffer *x86_code_buffer_new(size_t size, bool allow_dual,
                                   GError **error)
{
    X86CodeBuffer *b = g_new0(X86CodeBuffer, 1);
    size_t ps = page_size();

    b->size = (MAX(size, ps) + ps - 1) / ps * ps;
    if (!(allow_dual && map_dual(b)) && !map_single(b, error)) {
        g_free(b);
        return NULL;
    }
    return b;
}

void x86_code_buffer_free(X86CodeBuffer *b)
{
    if (!b) {
        return;
    }
    munmap(b->rx, b->size);
    if (b->dual) {
        munmap(b->rw, b->size);
        close(b->fd);
    }
    g_free(b);
}

/* mprotect mode: the pages from the bump pointer to the end. */
static bool protect_tail(X86CodeBuffer *b, int prot, GError **error)
{
    size_t ps = page_size();
    size_t start = b->used / ps * ps;

    if (start < b->size &&
        mprotect(b->rw + start, b->size - start, prot) != 0) {
        g_set_error(error, TCG_ERROR, BB_ERROR_FAILED,
                    "JIT code buffer: mprotect failed: %s",
                    g_strerror(errno));
        return false;
    }
    return true;
}

/*
 * Dual mode: map the pages ahead of the bump pointer in both views, 256 KiB
 * at a time, with one madvise() per view instead of a page fault per page
 * and view (writing code through one view, then running it through the
 * other, faulted each 4 KiB page twice: about 3% of translating code that
 * runs once).  Best effort: kernels before 5.14 lack MADV_POPULATE_*, and
 * then the pages fault in as before.
 */
#define POPULATE_AHEAD (256u << 10)

static void populate_ahead(X86CodeBuffer *b)
{
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
    while (b->dual && b->populated < b->size &&
           b->used + POPULATE_AHEAD / 2 >= b->populated) {
        size_t n = MIN((size_t)POPULATE_AHEAD, b->size - b->populated);

        if (madvise(b->rw + b->populated, n, MADV_POPULATE_WRITE) != 0 ||
            madvise(b->rx + b->populated, n, MADV_POPULATE_READ) != 0) {
            b->populated = b->size; /* unsupported: stop trying */
            return;
        }
        b->populated += n;
    }
#endif
}

uint8_t *x86_code_buffer_begin(X86CodeBuffer *b, size_t *cap, uintptr_t *rx,
                               GError **error)
{
    g_assert(!b->writing);
    b->used = MIN((b->used + CODE_ALIGN - 1) / CODE_ALIGN * CODE_ALIGN,
                  b->size);
    populate_ahead(b);
    if (!b->dual && !protect_tail(b, PROT_READ | PROT_WRITE, error)) {
        return NULL;
    }
    b->writing = true;
    *cap = b->size - b->used;
    *rx = (uintptr_t)(b->rx + b->used);
    return b->rw + b->used;
}

bool x86_code_buffer_commit(X86CodeBuffer *b, size_t len, uintptr_t *start_rx,
                            GError **error)
{
    uintptr_t start = (uintptr_t)(b->rx + b->used);

    g_assert(b->writing && len <= b->size - b->used);
    b->writing = false;
    if (!b->dual && !protect_tail(b, PROT_READ | PROT_EXEC, error)) {
        return false;
    }
    b->used += len;
    if (len) {
        VALGRIND_DISCARD_TRANSLATIONS((void *)start, len);
    }
    if (start_rx) {
        *start_rx = start;
    }
    return true;
}

void x86_code_buffer_reserve(X86CodeBuffer *b)
{
    b->reserved = b->used;
}

void x86_code_buffer_flush(X86CodeBuffer *b)
{
    g_assert(!b->writing);
    if (b->used > b->reserved) {
        VALGRIND_DISCARD_TRANSLATIONS(b->rx + b->reserved,
                                      b->used - b->reserved);
    }
    b->used = b->reserved;
    b->generation++;
}

bool x86_code_buffer_patch(X86CodeBuffer *b, uintptr_t rx, const void *src,
                           size_t len)
{
    size_t off = rx - (uintptr_t)b->rx;

    g_assert(rx >= (uintptr_t)b->rx && off + len <= b->used);
    if (!b->dual) {
        size_t ps = page_size();
        size_t start = off / ps * ps, end = (off + len + ps - 1) / ps * ps;

        if (mprotect(b->rw + start, end - start, PROT_READ | PROT_WRITE)) {
            return false;
        }
        memcpy(b->rw + off, src, len);
        if (mprotect(b->rw + start, end - start, PROT_READ | PROT_EXEC)) {
            return false;
        }
    } else if (len == 4 && off % 4 == 0) {
        uint32_t v;

        /* An aligned 4-byte store is atomic: a thread running the code
         * sees the old or the new jump target, never a mix. */
        memcpy(&v, src, 4);
        __atomic_store_n((uint32_t *)(void *)(b->rw + off), v,
                         __ATOMIC_RELEASE);
    } else {
        memcpy(b->rw + off, src, len);
    }
    VALGRIND_DISCARD_TRANSLATIONS((void *)rx, len);
    return true;
}
