/*
 * sv39-map.h - Sv39 page tables for the guest benchmarks that run in
 * S-mode (sv39.c, chase-sv39.c; privileged spec 1.12 section 4.4): a bump
 * allocator over the free RAM after the program, 4 KiB leaf mappings
 * built three levels deep, and the program's own identity mapping.
 * Static functions, one translation unit per benchmark.
 */
#ifndef BENCH_SV39_MAP_H
#define BENCH_SV39_MAP_H

#include <string.h>

#include "bench.h"

#define PAGE 4096ul
#define PTE(pa, flags) (((uint64_t)(pa) >> 12) << 10 | (flags))
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

static uintptr_t next_free;              /* bump allocator over free RAM */

/* Start the allocator at the first page after the program. */
static void sv39_alloc_init(void)
{
    next_free = ((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1);
}

static uintptr_t alloc_pages(size_t n)
{
    uintptr_t p = next_free;

    next_free += n * PAGE;
    return p;
}

static uint64_t *new_table(void)
{
    uint64_t *t = (uint64_t *)alloc_pages(1);

    memset(t, 0, PAGE);
    return t;
}

/* Map the 4 KiB page @va to @pa in the Sv39 tree under @root. */
static void map_page(uint64_t *root, uint64_t va, uint64_t pa,
                     uint64_t flags)
{
    uint64_t *t = root;

    for (int level = 2; level > 0; level--) {
        unsigned idx = (va >> (12 + 9 * level)) & 511;

        if (!(t[idx] & PTE_V)) {
            t[idx] = PTE((uintptr_t)new_table(), PTE_V);
        }
        t = (uint64_t *)(uintptr_t)((t[idx] >> 10) << 12);
    }
    t[(va >> 12) & 511] = PTE(pa, flags);
}

/* Map the program (its text to its end) one to one, executable. */
static void map_program(uint64_t *root)
{
    for (uintptr_t pa = (uintptr_t)_text_start; pa < (uintptr_t)_end;
         pa += PAGE) {
        map_page(root, pa, pa, LEAF | PTE_X);
    }
}

#endif /* BENCH_SV39_MAP_H */
