/*
 * mem.c - memory benchmark for bench/guest, M-mode (no paging, but every
 * access still goes through the emulators' software TLB): pointer chasing
 * through a linked list of 512 Ki 32-byte nodes (16 MiB) linked in a
 * random order, and an open-addressing hash table of 512 Ki 16-byte slots
 * (8 MiB) filled to 75% and probed with hits and misses.  About 26 MiB
 * touched at random, 6500 pages: far more than a small TLB holds.
 */
#include "bench.h"

#define NODES (512 * 1024)
#define HASH_SLOTS (512 * 1024)          /* a power of two */
#define HASH_KEYS (HASH_SLOTS / 4 * 3)
#define LIST_PASSES 4
#define HASH_ROUNDS 2
#define LOOKUPS (1024 * 1024)

struct node {
    struct node *next;
    uint64_t value;
    uint64_t pad[2];
};

struct slot {
    uint64_t key;                        /* 0: empty */
    uint64_t value;
};

static struct node nodes[NODES];
static uint32_t order[NODES];
static struct slot table[HASH_SLOTS];

static uint64_t hash64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static void hash_insert(uint64_t key, uint64_t value)
{
    uint64_t i = hash64(key) & (HASH_SLOTS - 1);

    while (table[i].key != 0 && table[i].key != key) {
        i = (i + 1) & (HASH_SLOTS - 1);
    }
    table[i].key = key;
    table[i].value = value;
}

static bool hash_lookup(uint64_t key, uint64_t *value)
{
    uint64_t i = hash64(key) & (HASH_SLOTS - 1);

    while (table[i].key != 0) {
        if (table[i].key == key) {
            *value = table[i].value;
            return true;
        }
        i = (i + 1) & (HASH_SLOTS - 1);
    }
    return false;
}

int main(void)
{
    uint64_t rng = 0x0badc0ffee123457ull;
    uint64_t sum = 0;

    /* a random cyclic order of the nodes (Fisher-Yates) */
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
        n->value = i;
    }

    /* chase the list, updating every node */
    for (int pass = 0; pass < LIST_PASSES; pass++) {
        struct node *n = &nodes[order[0]];
        uint64_t acc = pass;

        for (uint32_t i = 0; i < NODES; i++) {
            acc = acc * 31 + n->value;
            n->value = acc >> 7;
            n = n->next;
        }
        sum = bench_mix(sum, acc);
    }

    /* the hash table: fill, probe (every other key is absent), clear */
    for (int round = 0; round < HASH_ROUNDS; round++) {
        uint64_t base = hash64(sum + round) | 1;
        uint64_t hits = 0, acc = 0;

        for (uint32_t i = 0; i < HASH_KEYS; i++) {
            /* keys base + 2i: odd (never 0), absent ones even */
            hash_insert(base + 2 * (uint64_t)i, nodes[i].value ^ i);
        }
        for (uint32_t i = 0; i < LOOKUPS; i++) {
            uint64_t k = base + (bench_rand(&rng) % (2 * HASH_KEYS));
            uint64_t v;

            if (hash_lookup(k, &v)) {
                hits++;
                acc += v;
            }
        }
        sum = bench_mix(sum, hits);
        sum = bench_mix(sum, acc);
        for (uint32_t i = 0; i < HASH_SLOTS; i++) {
            table[i].key = 0;
        }
    }
    bench_report("mem", sum);
    return 0;
}
