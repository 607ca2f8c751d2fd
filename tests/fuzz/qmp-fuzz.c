/*
 * qmp-fuzz.c - libFuzzer harness over the monitor's QMP stream splitter,
 * dispatcher and commands, and through human-monitor-command the human
 * monitor's parser (docs/monitor.md).  Each input is a byte stream a
 * client might send; it is split into messages and every message is
 * dispatched, on a session that starts negotiated or not (first byte).
 * The system is a device-test board (a PLIC and an mmio-tester, no
 * harts), built once; pmemsave/memsave are kept from writing files.
 *
 * Built twice (tests/monitor/CMakeLists.txt): with -fsanitize=fuzzer in a
 * clang tree that has libFuzzer (qmp-fuzz, `ctest -L fuzz` runs it
 * briefly), and everywhere as qmp-fuzz-replay, whose main() runs the
 * files named on its command line (the seed corpus, tests/fuzz/
 * qmp-corpus) once each.
 *
 * The harness links the monitor's sources directly; the few host-private
 * functions they call that live elsewhere are given here (the machine is
 * the test board's, the dumps are short, there is no plugin registry).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <breadboard/devtest.h>
#include <breadboard/machine.h>

#include "device/device-internal.h"
#include "memory/memory-internal.h"
#include "monitor/monitor-internal.h"
#include "plugin/registry.h"
#include "snapshot/snapshot.h"
#include "system/system-internal.h"
#include "tcg/exec.h"

static const char fuzz_board[] =
    "schema: 1\n"
    "name: qmp-fuzz\n"
    "devices:\n"
    "  - type: sifive-plic\n"
    "    id: plic\n"
    "    reg: [0x0C00_0000, 0x60_0000]\n"
    "    props: {num-sources: 8, num-harts: 1}\n";

static BbDevtest *fuzz_test;
static BbMachine *fuzz_machine;
static bool fuzz_verbose;

/* ---------------------------------------------------------- host stand-ins */

BbMachine *system_get_machine(BbSystem *sys)
{
    return fuzz_machine;
}

void memory_region_dump_tree(BbMemoryRegion *root, GString *out)
{
    g_string_append_printf(out, "%s\n", bb_memory_region_name(root));
}

void address_space_dump_flatview(BbAddressSpace *as, GString *out)
{
    g_string_append(out, "flat view\n");
}

void device_foreach_irq_group(BbDevice *dev, bool inputs,
                              void (*fn)(const char *name, unsigned count,
                                         void *opaque),
                              void *opaque)
{
    if (inputs) {
        fn("irq", 2, opaque);
    }
}

GPtrArray *registry_get_plugins(Registry *reg)
{
    return NULL;
}

void exec_invalidate_phys(BbSystem *sys, uint64_t start, uint64_t len)
{
}

/* The snapshot commands never get this far: file access is off. */
bool snapshot_save(BbSystem *sys, const char *path, GError **error)
{
    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE, "not in the fuzzer");
    return false;
}

bool snapshot_load(BbSystem *sys, const char *path, GError **error)
{
    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE, "not in the fuzzer");
    return false;
}

/* ---------------------------------------------------------- the harness */

static void fuzz_init(void)
{
    GError *err = NULL;
    BbDevice *plic;

    if (fuzz_test) {
        return;
    }
    fuzz_test = bb_devtest_new_from_string(fuzz_board, "qmp-fuzz", NULL,
                                           &err);
    if (!fuzz_test) {
        fprintf(stderr, "qmp-fuzz: %s\n", err->message);
        abort();
    }
    plic = bb_devtest_get_device(fuzz_test, "plic");
    BbObject *root = bb_object_get_root(BB_OBJECT(plic));
    BbObject *m = bb_object_resolve_path(root, "/machine");
    if (m && bb_object_dynamic_cast(m, BB_TYPE_MACHINE)) {
        fuzz_machine = BB_MACHINE(m);
    }
    qmp_set_file_access(false);
    fuzz_verbose = g_getenv("QMP_FUZZ_VERBOSE") != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BbSystem *sys;
    QmpSession sess = { 0 };
    QmpStream st;

    fuzz_init();
    sys = bb_devtest_get_system(fuzz_test);
    if (size > 0) {
        sess.negotiated = data[0] & 1;
        data++;
        size--;
    }
    qmp_stream_init(&st);
    qmp_stream_feed(&st, (const char *)data, size);
    for (;;) {
        size_t len;
        bool error;
        char *text = qmp_stream_next(&st, &len, &error);
        if (!text) {
            break;
        }
        char *reply = qmp_handle_text(sys, &sess, text, len);
        if (fuzz_verbose && reply) {
            printf("%s\n", reply); /* replay with QMP_FUZZ_VERBOSE=1 */
        }
        g_free(reply);
        g_free(text);
    }
    qmp_stream_clear(&st);
    /* what a command asked of the run loop is carried out here, so the
     * next input starts from a running system */
    bb_system_process_requests(sys);
    bb_system_resume(sys, NULL);
    return 0;
}

#ifndef BB_LIBFUZZER
/* Replay: run each file once (the seed corpus in the normal test suite). */
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        gchar *data;
        gsize len;
        GError *err = NULL;

        if (!g_file_get_contents(argv[i], &data, &len, &err)) {
            fprintf(stderr, "qmp-fuzz-replay: %s\n", err->message);
            return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        g_free(data);
    }
    printf("qmp-fuzz-replay: %d input(s) ran\n", argc - 1);
    bb_devtest_free(fuzz_test);
    return 0;
}
#endif
