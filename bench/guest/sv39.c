/*
 * sv39.c - paging benchmark for bench/guest (privileged spec 1.12,
 * section 4.4 Sv39): M-mode builds two Sv39 address spaces out of 4 KiB
 * pages - the program identity-mapped, and a 16 MiB region at VA_REGION
 * whose 4096 pages map the same physical pool in two different random
 * orders - and runs the workload in S-mode.  Every round switches satp
 * between the two spaces (with sfence.vma), then walks the region's pages
 * in strided orders, one load and one store per page visit: page-table
 * walks, TLB refills and flushes, with A and D preset so no emulator
 * writes PTEs.  The checksum depends on both mappings.
 */
#include <string.h>

#include "bench.h"

#define PAGE 4096ul
#define REGION_PAGES 4096                /* 16 MiB; a power of two */
#define VA_REGION 0x1000000000ul         /* root index 64 */
#define ROUNDS 400
#define PASSES 12
#define PTE(pa, flags) (((uint64_t)(pa) >> 12) << 10 | (flags))
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

static uint16_t perm[2][REGION_PAGES];
static uintptr_t next_free;              /* bump allocator over free RAM */

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

static uint64_t satp_val[2];

/* S-mode: the workload.  Returns the checksum. */
static long s_work(long arg)
{
    static const unsigned steps[PASSES] = {
        1, 4095, 257, 1021, 3, 2047, 65, 511, 129, 4093, 17, 1025,
    };
    volatile uint64_t *region = (volatile uint64_t *)VA_REGION;
    uint64_t acc = (uint64_t)arg;

    for (unsigned round = 0; round < ROUNDS; round++) {
        csr_write(satp, satp_val[round & 1]);
        sfence_vma();
        for (unsigned pass = 0; pass < PASSES; pass++) {
            unsigned p = round * 7 + pass;

            for (unsigned i = 0; i < REGION_PAGES; i++) {
                volatile uint64_t *w;

                p = (p + steps[pass]) & (REGION_PAGES - 1);
                w = &region[p * (PAGE / 8) + ((i + pass * 8) & 511)];
                acc = acc * 0x100000001b3ull + *w;
                *w = acc >> 17;
            }
        }
    }
    return (long)acc;
}

int main(void)
{
    uint64_t rng = 0x5eed5eed12345679ull;
    uint64_t *root[2];
    uintptr_t pool;

    next_free = ((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1);
    pool = alloc_pages(REGION_PAGES);
    for (size_t i = 0; i < REGION_PAGES * PAGE / 8; i++) {
        ((uint64_t *)pool)[i] = i * 0x9e3779b97f4a7c15ull;
    }
    for (int s = 0; s < 2; s++) {
        for (unsigned i = 0; i < REGION_PAGES; i++) {
            perm[s][i] = i;
        }
        for (unsigned i = REGION_PAGES - 1; i > 0; i--) {
            unsigned j = bench_rand(&rng) % (i + 1);
            uint16_t t = perm[s][i];

            perm[s][i] = perm[s][j];
            perm[s][j] = t;
        }
        root[s] = new_table();
        for (uintptr_t pa = (uintptr_t)_text_start; pa < (uintptr_t)_end;
             pa += PAGE) {
            map_page(root[s], pa, pa, LEAF | PTE_X);
        }
        for (unsigned i = 0; i < REGION_PAGES; i++) {
            map_page(root[s], VA_REGION + i * PAGE,
                     pool + perm[s][i] * PAGE, LEAF);
        }
        satp_val[s] = SATP_MODE_SV39 | (uint64_t)(s + 1) << 44 |
                  (uintptr_t)root[s] >> 12;
    }
    bench_report("sv39", (uint64_t)enter_mode(PRV_S, s_work, 1));
    return 0;
}
