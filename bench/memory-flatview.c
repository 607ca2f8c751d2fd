/*
 * memory-flatview.c - micro-benchmark of the memory API's flat views:
 * builds maps of 10k and 100k regions (I/O regions, every tenth one
 * overlapped by a higher-priority region, every hundredth an alias, over a
 * RAM background), and prints how long building the tree, rendering it
 * (one transaction commit) and re-rendering after one region moves take,
 * then how many lookups and I/O loads per second dispatch sustains, at
 * random addresses (binary search) and at repeated ones (last-hit cache).
 * Lookups are timed through bb_address_space_map(), which is a lookup and
 * nothing else.  Usage: memory-flatview [REGIONS...]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <breadboard/memory.h>

#define STRIDE 0x2000       /* one region every STRIDE bytes */
#define REGION_SIZE 0x1000
#define LOOKUPS 10000000u
#define LOADS 5000000u

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t io_read(void *opaque, uint64_t addr, unsigned size)
{
    return addr;
}

static const BbMemoryOps io_ops = {
    .read = io_read,
    .valid = { 1, 8 },
    .impl = { 1, 8 },
};

static void map_or_die(BbMemoryRegion *c, uint64_t off, BbMemoryRegion *mr,
                       int prio)
{
    GError *err = NULL;
    if (!bb_memory_region_add_subregion_overlap(c, off, mr, prio, &err)) {
        fprintf(stderr, "memory-flatview: %s\n", err->message);
        exit(1);
    }
    bb_memory_region_unref(mr);
}

/* The regions of one map, added to @root (an address space's root). */
static BbMemoryRegion *build_map(BbMemoryRegion *root, unsigned n)
{
    GError *err = NULL;
    BbMemoryRegion *ram = bb_memory_region_new_ram(NULL, "ram",
                                                   (uint64_t)n * STRIDE,
                                                   &err);
    if (!ram) {
        fprintf(stderr, "memory-flatview: %s\n", err->message);
        exit(1);
    }
    map_or_die(root, 0, bb_memory_region_ref(ram), -1);
    for (unsigned i = 0; i < n; i++) {
        uint64_t base = (uint64_t)i * STRIDE;
        BbMemoryRegion *mr;
        if (i % 100 == 99) {
            mr = bb_memory_region_new_alias(NULL, "alias", ram, base,
                                            REGION_SIZE);
        } else {
            mr = bb_memory_region_new_io(NULL, "io", &io_ops, NULL,
                                         REGION_SIZE);
        }
        map_or_die(root, base, mr, 0);
        if (i % 10 == 0) {
            map_or_die(root, base + REGION_SIZE / 2,
                       bb_memory_region_new_io(NULL, "over", &io_ops, NULL,
                                               REGION_SIZE),
                       1);
        }
    }
    return ram;
}

/* Random addresses inside the map, from a fixed seed. */
static uint64_t *random_addrs(unsigned n, unsigned count)
{
    uint64_t *a = malloc(count * sizeof(*a));
    GRand *rnd = g_rand_new_with_seed(1);
    for (unsigned i = 0; i < count; i++) {
        a[i] = (uint64_t)g_rand_int_range(rnd, 0, n) * STRIDE +
               (uint64_t)g_rand_int_range(rnd, 0, STRIDE / 8) * 8;
    }
    g_rand_free(rnd);
    return a;
}

static double time_lookups(BbAddressSpace *as, const uint64_t *addrs,
                           unsigned count, uint64_t *sink)
{
    double t = now_s();
    for (unsigned i = 0; i < LOOKUPS; i++) {
        uint64_t len = 8;
        *sink += (uintptr_t)bb_address_space_map(as, addrs[i % count], &len,
                                                 false) + len;
    }
    return LOOKUPS / (now_s() - t);
}

static double time_loads(BbAddressSpace *as, const uint64_t *addrs,
                         unsigned count, uint64_t *sink)
{
    double t = now_s();
    for (unsigned i = 0; i < LOADS; i++) {
        uint64_t v;
        bb_address_space_load(as, addrs[i % count], 8, &v);
        *sink += v;
    }
    return LOADS / (now_s() - t);
}

static void bench(unsigned n)
{
    enum { NADDR = 1 << 16 };
    BbMemoryRegion *root = bb_memory_region_new_container(NULL, "system",
                                                          UINT64_MAX);
    BbAddressSpace *as = bb_address_space_new(root, "bench",
                                              BB_UNASSIGNED_ERROR);
    uint64_t sink = 0;

    double t0 = now_s();
    bb_memory_transaction_begin();
    BbMemoryRegion *ram = build_map(root, n);
    double t1 = now_s();
    bb_memory_transaction_commit();
    double t2 = now_s();

    /* One region moves: a full re-render (a PCI BAR being programmed). */
    BbMemoryRegion *mover = bb_memory_region_new_io(NULL, "bar", &io_ops,
                                                    NULL, REGION_SIZE);
    map_or_die(root, (uint64_t)n * STRIDE, bb_memory_region_ref(mover), 0);
    double t3 = now_s();
    bb_memory_region_set_address(mover, (uint64_t)n * STRIDE + STRIDE);
    double t4 = now_s();

    uint64_t *addrs = random_addrs(n, NADDR);
    uint64_t same[1] = { addrs[0] };
    double rnd_lookups = time_lookups(as, addrs, NADDR, &sink);
    double hit_lookups = time_lookups(as, same, 1, &sink);
    double rnd_loads = time_loads(as, addrs, NADDR, &sink);
    double hit_loads = time_loads(as, same, 1, &sink);

    unsigned total = n + n / 10 + 1;
    printf("%7u regions (%u mapped): build %7.1f ms, render %7.1f ms, "
           "re-render after a move %7.1f ms\n", n, total + 1,
           (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t4 - t3) * 1e3);
    printf("%7s lookups/s: %6.1f M random, %6.1f M repeated; "
           "I/O loads/s: %6.1f M random, %6.1f M repeated\n", "",
           rnd_lookups / 1e6, hit_lookups / 1e6, rnd_loads / 1e6,
           hit_loads / 1e6);
    if (sink == 42) {
        printf("\n"); /* keeps the loops from being optimised away */
    }
    free(addrs);
    bb_memory_region_unref(mover);
    bb_memory_region_unref(ram);
    bb_address_space_free(as);
    bb_memory_region_unref(root);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        bench(10000);
        bench(100000);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        bench((unsigned)strtoul(argv[i], NULL, 0));
    }
    return 0;
}
