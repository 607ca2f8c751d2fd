/*
 * chase.c - pointer chasing over 64 MiB for bench/guest: 1 Mi 64-byte
 * nodes (one per cache line, 16384 pages, four times what a 4096-entry
 * TLB holds) linked into one cycle in a random order, followed PASSES
 * times around.  Every step is a dependent load from a random page: TLB
 * misses and refills, the victim TLB, the host's own cache and TLB misses.
 * Built twice: chase (M-mode, no paging: the softmmu alone) and
 * chase-sv39 (chase-sv39.c: the same walk in S-mode through Sv39 4 KiB
 * pages mapping the program one to one, so each refill is a page walk).
 */
#include <string.h>

#include "bench.h"

#ifndef CHASE_NAME
#define CHASE_NAME "chase"
#endif

#define NODES (1024 * 1024)
#define PASSES 3

struct node {
    struct node *next;
    uint64_t value;
    uint64_t pad[6];
};

static struct node nodes[NODES] __attribute__((aligned(4096)));
static uint32_t order[NODES];

/* follow the cycle from @arg (a node) PASSES times around */
static long chase(long arg)
{
    const struct node *n = (const struct node *)arg;
    uint64_t acc = 0;

    for (int pass = 0; pass < PASSES; pass++) {
        for (uint32_t i = 0; i < NODES; i++) {
            acc = acc * 31 + n->value;
            n = n->next;
        }
        acc ^= (uint64_t)(n - nodes);
    }
    return (long)acc;
}

#ifdef CHASE_SV39
#define PAGE 4096ul
#define PTE(pa, flags) (((uint64_t)(pa) >> 12) << 10 | (flags))
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

static uintptr_t next_free;

static uint64_t *new_table(void)
{
    uint64_t *t = (uint64_t *)next_free;

    next_free += PAGE;
    memset(t, 0, PAGE);
    return t;
}

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
#endif

int main(void)
{
    uint64_t rng = 0x63686173653634aull;
    long acc;

    for (uint32_t i = 0; i < NODES; i++) {
        order[i] = i;
    }
    for (uint32_t i = NODES - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(bench_rand(&rng) % (i + 1));
        uint32_t t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < NODES; i++) {
        struct node *n = &nodes[order[i]];

        n->next = &nodes[order[(i + 1) % NODES]];
        n->value = bench_rand(&rng);
    }
#ifdef CHASE_SV39
    {
        uint64_t *root;

        next_free = ((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1);
        root = new_table();
        for (uintptr_t pa = (uintptr_t)_text_start; pa < (uintptr_t)_end;
             pa += PAGE) {
            map_page(root, pa, pa, LEAF | PTE_X);
        }
        csr_write(satp, SATP_MODE_SV39 | (uintptr_t)root >> 12);
        sfence_vma();
        acc = enter_mode(PRV_S, chase, (long)&nodes[order[0]]);
        csr_write(satp, 0);
        sfence_vma();
    }
#else
    acc = chase((long)&nodes[order[0]]);
#endif
    bench_report(CHASE_NAME, (uint64_t)acc);
    return 0;
}
