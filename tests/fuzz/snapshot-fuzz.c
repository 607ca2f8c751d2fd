/*
 * snapshot-fuzz.c - a fuzz harness over the snapshot loader
 * (host/snapshot/snapshot.c, docs/snapshots.md): mutated snapshot files
 * are loaded into a small board (CLINT, PLIC, gpex with an edu: timers,
 * nested sections, PCI config space) built with the device-test harness.
 * Nothing may crash, leak or trip a sanitizer; a refused file must leave
 * every device's state as it was.
 *
 * Like qmp-fuzz.c it compiles the subsystem's source in (the loader is
 * hidden in the library) and stands in for the few host internals the
 * loader calls: the machine, one 64 KiB RAM region of its own, the clock
 * (a variable), and the dry-run check of a section (done with the public
 * bb_state_save/bb_state_load and a restore).  Record checksums are
 * recomputed before each load so mutations reach the parsers behind
 * them (the checksum check itself is tested by snapshot.refuse).
 *
 * Builds: snapshot-fuzz (libFuzzer, BB_LIBFUZZER) and snapshot-fuzz-self
 * (every tree): saves a valid snapshot, checks it loads, then loads
 * thousands of deterministic mutations of it (bit flips, byte values,
 * truncations, records dropped, duplicated or reordered).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <breadboard/devtest.h>
#include <breadboard/machine.h>
#include <breadboard/memory.h>
#include <breadboard/state.h>

#include "memory/memory-internal.h"
#include "qom/state-internal.h"
#include "snapshot/snapshot.h"
#include "system/system-internal.h"
#include "tcg/exec.h"
#include "timer/timer-internal.h"

#define FUZZ_RAM_SIZE (64 * 1024)

static const char fuzz_board[] =
    "schema: 1\n"
    "name: snapshot-fuzz\n"
    "ram: {base: 0x8000_0000, size: 64K}\n"
    "devices:\n"
    "  - type: sifive-clint\n"
    "    id: clint\n"
    "    reg: [0x0200_0000, 0x10000]\n"
    "    props: {num-harts: 1}\n"
    "  - type: sifive-plic\n"
    "    id: plic\n"
    "    reg: [0x0C00_0000, 0x60_0000]\n"
    "    props: {num-sources: 8, num-harts: 1}\n"
    "  - type: gpex-pcie-host\n"
    "    id: pcie0\n"
    "    reg: [[0x3000_0000, 0x1000_0000], [0x4000_0000, 0x4000_0000],\n"
    "          [0x4_0000_0000, 0x4_0000_0000], [0x300_0000, 0x1_0000]]\n"
    "  - type: edu\n"
    "    id: edu\n"
    "    bus: pcie0\n"
    "    slot: 1\n";

static BbDevtest *fuzz_test;
static BbMachine *fuzz_machine;
static BbMemoryRegion *fuzz_ram_mr;
static uint8_t fuzz_ram[FUZZ_RAM_SIZE];
static TimerClockState fuzz_clock = { .icount = true };

/* ---------------------------------------------------------- host stand-ins */

BbMachine *system_get_machine(BbSystem *sys)
{
    return fuzz_machine;
}

const char *system_get_board_name(const BbSystem *sys)
{
    return "snapshot-fuzz";
}

BbObject *memory_region_get_owner(const BbMemoryRegion *mr)
{
    return NULL;
}

void memory_region_foreach_ram(BbMemoryRegion *root, MemoryRamFunc fn,
                               void *opaque)
{
    fn(fuzz_ram_mr, fuzz_ram, FUZZ_RAM_SIZE, false, opaque);
}

void timer_context_get_clock(const BbTimerContext *ctx, TimerClockState *st)
{
    *st = fuzz_clock;
}

bool timer_context_set_clock(BbTimerContext *ctx, const TimerClockState *st)
{
    fuzz_clock = *st;
    return true;
}

void exec_invalidate_phys(BbSystem *sys, uint64_t start, uint64_t len)
{
}

/* The schedule as a VM of one hart has it. */
static ExecSchedule fuzz_sched;

void exec_get_schedule(BbSystem *sys, ExecSchedule *sched)
{
    *sched = fuzz_sched;
}

bool exec_check_schedule(BbSystem *sys, const ExecSchedule *sched,
                         GError **error)
{
    if (sched->turn >= 1 || sched->left > 10000) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID, "bad");
        return false;
    }
    return true;
}

void exec_set_schedule(BbSystem *sys, const ExecSchedule *sched)
{
    fuzz_sched = *sched;
}

/* The dry run: load, and put the previous state back. */
bool state_load_check(const BbStateDesc *desc, void *obj,
                      const guint8 *data, size_t len, GError **error)
{
    g_autoptr(GByteArray) backup = g_byte_array_new();

    if (!bb_state_save(desc, obj, backup, error)) {
        return false;
    }
    if (!bb_state_load(desc, obj, data, len, error)) {
        return false;
    }
    if (!bb_state_load(desc, obj, backup->data, backup->len, NULL)) {
        fprintf(stderr, "snapshot-fuzz: state '%s' does not load its own "
                        "save\n", desc->name);
        abort();
    }
    return true;
}

/* ---------------------------------------------------------- the harness */

static void fuzz_init(void)
{
    GError *err = NULL;

    if (fuzz_test) {
        return;
    }
    fuzz_test = bb_devtest_new_from_string(fuzz_board, "snapshot-fuzz",
                                           NULL, &err);
    if (!fuzz_test) {
        fprintf(stderr, "snapshot-fuzz: %s\n", err->message);
        abort();
    }
    BbDevice *clint = bb_devtest_get_device(fuzz_test, "clint");
    BbObject *root = bb_object_get_root(BB_OBJECT(clint));
    BbObject *m = bb_object_resolve_path(root, "/machine");
    if (!m || !bb_object_dynamic_cast(m, BB_TYPE_MACHINE)) {
        fprintf(stderr, "snapshot-fuzz: no /machine\n");
        abort();
    }
    fuzz_machine = BB_MACHINE(m);
    fuzz_ram_mr = bb_memory_region_new_ram(NULL, "ram", FUZZ_RAM_SIZE, NULL);
}

/* Every device's state, concatenated: what a refused load must keep. */
static GByteArray *all_state(void)
{
    static const char *const ids[] = { "clint", "plic", "pcie0", "edu" };
    GByteArray *out = g_byte_array_new();

    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        BbDevice *dev = bb_devtest_get_device(fuzz_test, ids[i]);
        const BbStateDesc *desc = BB_DEVICE_GET_CLASS(dev)->state;
        if (desc && !bb_state_save(desc, dev, out, NULL)) {
            abort();
        }
    }
    g_byte_array_append(out, fuzz_ram, FUZZ_RAM_SIZE);
    g_byte_array_append(out, (const guint8 *)&fuzz_clock,
                        sizeof(fuzz_clock));
    return out;
}

/* Recompute the CRC of every complete record of @buf. */
static void fix_crcs(guint8 *buf, size_t len)
{
    size_t pos = 8;

    while (len >= pos + 12) {
        uint32_t n = (uint32_t)buf[pos + 4] | (uint32_t)buf[pos + 5] << 8 |
                     (uint32_t)buf[pos + 6] << 16 |
                     (uint32_t)buf[pos + 7] << 24;
        if (len - pos - 12 < n) {
            return;
        }
        uLong crc = crc32(0L, buf + pos, (uInt)(8 + n));
        for (int i = 0; i < 4; i++) {
            buf[pos + 8 + n + i] = (guint8)(crc >> (8 * i));
        }
        pos += 12 + n;
    }
}

/* Load @data (CRCs fixed); a refusal must change nothing.  Returns
 * whether it loaded. */
static bool load_one(const uint8_t *data, size_t size)
{
    BbSystem *sys = bb_devtest_get_system(fuzz_test);
    g_autofree guint8 *buf = g_memdup2(data, size ? size : 1);
    g_autoptr(GByteArray) before = all_state();
    GError *err = NULL;

    fix_crcs(buf, size);
    if (snapshot_load_data(sys, buf, size, &err)) {
        return true;
    }
    g_autoptr(GByteArray) after = all_state();
    if (before->len != after->len ||
        memcmp(before->data, after->data, before->len)) {
        fprintf(stderr, "snapshot-fuzz: a refused load changed the VM "
                        "(%s)\n", err->message);
        abort();
    }
    g_error_free(err);
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    load_one(data, size);
    return 0;
}

#ifndef BB_LIBFUZZER
/* xorshift: the self-test's mutations are the same on every run. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A mutation of @seed into @out. */
static void mutate(const GByteArray *seed, GByteArray *out)
{
    g_byte_array_set_size(out, 0);
    g_byte_array_append(out, seed->data, seed->len);
    unsigned edits = 1 + rng() % 4;
    for (unsigned e = 0; e < edits && out->len; e++) {
        size_t at = rng() % out->len;
        switch (rng() % 5) {
        case 0:
            out->data[at] ^= (guint8)(1u << (rng() % 8));
            break;
        case 1:
            out->data[at] = (guint8)(rng() % 3 == 0 ? 0xff : rng());
            break;
        case 2:
            g_byte_array_set_size(out, (guint)at);
            break;
        case 3: { /* a run of bytes copied from elsewhere */
            size_t from = rng() % out->len;
            size_t n = MIN(rng() % 64, MIN(out->len - at, out->len - from));
            memmove(out->data + at, out->data + from, n);
            break;
        }
        default: /* 32-bit values that are lengths or versions */
            if (out->len - at >= 4) {
                static const uint32_t v[] = { 0, 1, 2, 0xffff, 0x10000,
                                              0x7fffffff, 0xffffffff };
                uint32_t x = v[rng() % G_N_ELEMENTS(v)];
                memcpy(out->data + at, &x, 4);
            }
        }
    }
}

int main(int argc, char **argv)
{
    fuzz_init();
    if (argc == 3 && !strcmp(argv[1], "--write-seed")) {
        /* the libFuzzer run's seed: a valid snapshot of this board */
        g_autoptr(GByteArray) seed = g_byte_array_new();
        GError *err = NULL;
        if (!snapshot_save_data(bb_devtest_get_system(fuzz_test), seed,
                                &err) ||
            !g_file_set_contents(argv[2], (const char *)seed->data,
                                 seed->len, &err)) {
            fprintf(stderr, "snapshot-fuzz: %s\n", err->message);
            return 1;
        }
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--self-test")) {
        BbSystem *sys = bb_devtest_get_system(fuzz_test);
        g_autoptr(GByteArray) seed = g_byte_array_new();
        g_autoptr(GByteArray) m = g_byte_array_new();
        GError *err = NULL;
        long n = strtol(argv[2], NULL, 10);
        unsigned loaded = 0;

        /* some state worth saving: RAM contents, a DMA in flight */
        for (size_t i = 0; i < FUZZ_RAM_SIZE; i += 4096) {
            fuzz_ram[i + 7] = (uint8_t)(i >> 12);
        }
        fuzz_clock.insns = 12345;
        if (!snapshot_save_data(sys, seed, &err)) {
            fprintf(stderr, "snapshot-fuzz: save: %s\n", err->message);
            return 1;
        }
        memset(fuzz_ram, 0, sizeof(fuzz_ram));
        fuzz_clock.insns = 0;
        if (!load_one(seed->data, seed->len) || fuzz_ram[4096 + 7] != 1 ||
            fuzz_clock.insns != 12345) {
            fprintf(stderr, "snapshot-fuzz: the valid snapshot does not "
                            "load back\n");
            return 1;
        }
        for (long i = 0; i < n; i++) {
            mutate(seed, m);
            loaded += load_one(m->data, m->len);
        }
        printf("snapshot-fuzz: %ld mutations of a %u-byte snapshot, %u "
               "loaded, the rest refused without a change\n", n, seed->len,
               loaded);
        if (loaded == (unsigned)n) {
            fprintf(stderr, "snapshot-fuzz: every mutation loaded: the "
                            "loader checks nothing?\n");
            return 1;
        }
        return 0;
    }
    /* Replay: each file once. */
    for (int i = 1; i < argc; i++) {
        gchar *data;
        gsize len;
        GError *err = NULL;

        if (!g_file_get_contents(argv[i], &data, &len, &err)) {
            fprintf(stderr, "snapshot-fuzz: %s\n", err->message);
            return 1;
        }
        load_one((const uint8_t *)data, len);
        g_free(data);
    }
    return 0;
}
#endif
