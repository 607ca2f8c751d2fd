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
#include "sv39-map.h"

#define REGION_PAGES 4096                /* 16 MiB; a power of two */
#define VA_REGION 0x1000000000ul         /* root index 64 */
#define ROUNDS 400
#define PASSES 12

static uint32_t perm[2][REGION_PAGES];
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

    sv39_alloc_init();
    pool = alloc_pages(REGION_PAGES);
    for (size_t i = 0; i < REGION_PAGES * PAGE / 8; i++) {
        ((uint64_t *)pool)[i] = i * 0x9e3779b97f4a7c15ull;
    }
    for (int s = 0; s < 2; s++) {
        bench_shuffle(perm[s], REGION_PAGES, &rng);
        root[s] = new_table();
        map_program(root[s]);
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
