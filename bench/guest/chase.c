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
#include "bench.h"
#ifdef CHASE_SV39
#include "sv39-map.h"
#endif

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


int main(void)
{
    uint64_t rng = 0x63686173653634aull;
    long acc;

    bench_shuffle(order, NODES, &rng);
    for (uint32_t i = 0; i < NODES; i++) {
        struct node *n = &nodes[order[i]];

        n->next = &nodes[order[(i + 1) % NODES]];
        n->value = bench_rand(&rng);
    }
#ifdef CHASE_SV39
    {
        uint64_t *root;

        sv39_alloc_init();
        root = new_table();
        map_program(root);
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
