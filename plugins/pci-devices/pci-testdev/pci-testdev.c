/*
 * pci-testdev.c - "pci-testdev" (1b36:0005): QEMU's PCI test device, used
 * by kvm-unit-tests to time and count guest MMIO and port I/O writes.
 * BAR0 is 4 KiB of memory, BAR1 256 bytes of I/O, and with the `membar`
 * property BAR2 is a 64-bit prefetchable memory BAR of that size with
 * nothing behind it.  Both BARs behave alike, byte by byte (wider
 * accesses are split into bytes, as QEMU does):
 *
 *   - writing N < 3 to offset 0 selects test N of that BAR's kind (MMIO
 *     tests 0-2, port tests 3-5) and zeroes its counter; N >= 3 selects
 *     none;
 *   - reading offset k of either BAR returns byte k of the selected
 *     test's header (test, width 1, offset, data, count, name), 0 past it
 *     or with no test selected;
 *   - a write to the test's offset (0x800 + t on BAR0, 0x80 + t on BAR1)
 *     counts if the test takes any value (the "wildcard" tests) or the
 *     byte written is its data byte 0xfa.
 *
 * There are no eventfds here: every accepted write is counted by the
 * device itself.  Header layout: docs/pci-devices.md.
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/breadboard.h>
#include <breadboard/pci.h>

#define TYPE_PCI_TESTDEV "pci-testdev"

#define TESTDEV_MEM_SIZE 4096   /* BAR0 */
#define TESTDEV_IO_SIZE 256     /* BAR1 */
#define TESTDEV_NTESTS 3        /* per BAR kind */
#define TESTDEV_NKINDS 2        /* MMIO, port I/O */
#define TESTDEV_DATAMATCH 0xfa  /* data byte a matching test wants */
#define TESTDEV_NOMATCH 0xce    /* data byte shown by the wildcard test */
#define TESTDEV_HDR_NAME 16     /* offset of the name in the header */
#define TESTDEV_HDR_MAX 48      /* header with the longest name fits */

static const char *const testdev_test_name[TESTDEV_NTESTS] = {
    "no-eventfd", "wildcard-eventfd", "datamatch-eventfd",
};
static const char *const testdev_kind_name[TESTDEV_NKINDS] = {
    "mmio", "portio",
};

typedef struct PciTestdev {
    BbPciDevice parent_obj;
    uint64_t membar_size;   /* property: BAR2 size, 0 for none */
    int32_t current;        /* selected test 0..5, or -1 */
    uint32_t count[TESTDEV_NTESTS * TESTDEV_NKINDS];
} PciTestdev;

BB_DECLARE_TYPE(PciTestdev, BbPciDeviceClass, PCI_TESTDEV, TYPE_PCI_TESTDEV)

/* Header of test @t: test, width, pad[2], offset (LE32), data, pad[3],
 * count (LE32), name with its NUL.  Returns its length. */
static unsigned testdev_header(const PciTestdev *s, unsigned t,
                               uint8_t hdr[TESTDEV_HDR_MAX])
{
    unsigned kind = t / TESTDEV_NTESTS, n = t % TESTDEV_NTESTS;
    uint32_t offset = (kind ? TESTDEV_IO_SIZE / 2 : TESTDEV_MEM_SIZE / 2) + t;
    g_autofree char *name = g_strdup_printf("%s-%s", testdev_kind_name[kind],
                                            testdev_test_name[n]);
    size_t len = strlen(name) + 1;

    memset(hdr, 0, TESTDEV_HDR_MAX);
    hdr[0] = (uint8_t)t;
    hdr[1] = 1; /* the tests use byte accesses */
    for (unsigned i = 0; i < 4; i++) {
        hdr[4 + i] = (uint8_t)(offset >> (8 * i));
        hdr[12 + i] = (uint8_t)(s->count[t] >> (8 * i));
    }
    hdr[8] = n == 1 ? TESTDEV_NOMATCH : TESTDEV_DATAMATCH;
    g_assert(TESTDEV_HDR_NAME + len <= TESTDEV_HDR_MAX);
    memcpy(hdr + TESTDEV_HDR_NAME, name, len);
    return TESTDEV_HDR_NAME + (unsigned)len;
}

static uint64_t testdev_read(PciTestdev *s, uint64_t addr)
{
    uint8_t hdr[TESTDEV_HDR_MAX];
    unsigned len;

    if (s->current < 0) {
        return 0;
    }
    len = testdev_header(s, (unsigned)s->current, hdr);
    return addr < len ? hdr[addr] : 0;
}

static void testdev_write(PciTestdev *s, unsigned kind, uint64_t addr,
                          uint8_t v)
{
    uint8_t hdr[TESTDEV_HDR_MAX];
    unsigned t;

    if (addr == 0) {
        s->current = v < TESTDEV_NTESTS ? (int32_t)(kind * TESTDEV_NTESTS + v)
                                        : -1;
        if (s->current >= 0) {
            s->count[s->current] = 0;
        }
        return;
    }
    if (s->current < 0) {
        return;
    }
    t = (unsigned)s->current;
    testdev_header(s, t, hdr);
    if (addr != (uint64_t)(hdr[4] | hdr[5] << 8 | hdr[6] << 16 |
                           (uint32_t)hdr[7] << 24)) {
        return;
    }
    if (t % TESTDEV_NTESTS != 1 && v != hdr[8]) {
        return; /* a data-matching test and another byte */
    }
    s->count[t]++;
}

static uint64_t testdev_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return testdev_read(opaque, addr);
}

static void testdev_mmio_write(void *opaque, uint64_t addr, uint64_t v,
                               unsigned size)
{
    testdev_write(opaque, 0, addr, (uint8_t)v);
}

static uint64_t testdev_pio_read(void *opaque, uint64_t addr, unsigned size)
{
    return testdev_read(opaque, addr);
}

static void testdev_pio_write(void *opaque, uint64_t addr, uint64_t v,
                              unsigned size)
{
    testdev_write(opaque, 1, addr, (uint8_t)v);
}

/* Any access of 1 to 4 bytes, handled a byte at a time (QEMU's impl). */
static const BbMemoryOps testdev_mmio_ops = {
    .read = testdev_mmio_read,
    .write = testdev_mmio_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const BbMemoryOps testdev_pio_ops = {
    .read = testdev_pio_read,
    .write = testdev_pio_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool testdev_realize(BbPciDevice *pdev, GError **error)
{
    PciTestdev *s = PCI_TESTDEV(pdev);
    BbObject *owner = BB_OBJECT(pdev);
    BbMemoryRegion *mmio, *pio, *membar = NULL;
    bool ok;

    if (s->membar_size &&
        (s->membar_size & (s->membar_size - 1) || s->membar_size < 16)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "pci-testdev: membar 0x%" PRIx64 " is not a power of "
                    "two of at least 16 bytes", s->membar_size);
        return false;
    }
    mmio = bb_memory_region_new_io(owner, "pci-testdev-mmio",
                                   &testdev_mmio_ops, s, TESTDEV_MEM_SIZE);
    pio = bb_memory_region_new_io(owner, "pci-testdev-portio",
                                  &testdev_pio_ops, s, TESTDEV_IO_SIZE);
    ok = bb_pci_register_bar(pdev, 0, BB_PCI_BAR_MEM32, mmio, error) &&
         bb_pci_register_bar(pdev, 1, BB_PCI_BAR_IO, pio, error);
    if (ok && s->membar_size) {
        /* An empty container: accesses fall through to the window, where
         * nothing answers (reads all-ones), as QEMU's unbacked region. */
        membar = bb_memory_region_new_container(owner, "pci-testdev-membar",
                                                s->membar_size);
        ok = bb_pci_register_bar(pdev, 2,
                                 BB_PCI_BAR_MEM64 | BB_PCI_BAR_PREFETCH,
                                 membar, error);
    }
    bb_memory_region_unref(mmio); /* the core holds its own references */
    bb_memory_region_unref(pio);
    if (membar) {
        bb_memory_region_unref(membar);
    }
    return ok;
}

static void testdev_reset(BbPciDevice *pdev)
{
    PciTestdev *s = PCI_TESTDEV(pdev);

    s->current = -1;
    memset(s->count, 0, sizeof(s->count));
}

static void testdev_instance_init(BbObject *obj)
{
    PciTestdev *s = PCI_TESTDEV(obj);

    s->current = -1;
}

static bool testdev_post_load(void *opaque, uint32_t version, GError **error)
{
    PciTestdev *s = opaque;

    if (s->current < -1 || s->current >= TESTDEV_NTESTS * TESTDEV_NKINDS) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "pci-testdev: test %d out of range (corrupt state?)",
                    s->current);
        return false;
    }
    return true;
}

static const BbStateField testdev_state_fields[] = {
    BB_STATE_STRUCT(PciTestdev, parent_obj, &bb_pci_device_state),
    BB_STATE_I32(PciTestdev, current),
    BB_STATE_U32(PciTestdev, count),
    BB_STATE_END
};

static const BbStateDesc testdev_state = {
    .name = TYPE_PCI_TESTDEV,
    .version = 1,
    .min_version = 1,
    .fields = testdev_state_fields,
    .size = sizeof(PciTestdev),
    .post_load = testdev_post_load,
};

static const BbPropertyInfo testdev_props[] = {
    BB_PROP_SIZE("membar", PciTestdev, membar_size, 0,
                 "size of BAR2, a 64-bit prefetchable memory BAR with "
                 "nothing behind it (power of two; 0: no BAR2)"),
    BB_PROP_END
};

static void testdev_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);
    BbPciDeviceClass *pc = BB_PCI_DEVICE_CLASS(klass);

    dc->state = &testdev_state;
    pc->realize = testdev_realize;
    pc->reset = testdev_reset;
    pc->vendor_id = 0x1b36; /* Red Hat */
    pc->device_id = 0x0005;
    pc->revision = 0x00;
    pc->class_id = 0x00ff;
    pc->subsystem_vendor_id = 0x1af4; /* QEMU's default subsystem */
    pc->subsystem_id = 0x1100;
    pc->header_type = BB_PCI_HEADER_TYPE_NORMAL;
    pc->interrupt_pin = 0;
    bb_object_class_add_properties(klass, testdev_props);
}

static const BbTypeInfo testdev_info = {
    .name = TYPE_PCI_TESTDEV,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(PciTestdev),
    .instance_init = testdev_instance_init,
    .class_init = testdev_class_init,
    .description = "QEMU's PCI test device 1b36:0005: MMIO and port I/O "
                   "write counters for the six test headers",
};

static bool testdev_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &testdev_info, error);
}

BB_PLUGIN_DEFINE("pci-testdev", "1.0.0", "MIT",
                 "QEMU-compatible pci-testdev PCI device",
                 testdev_plugin_init, TYPE_PCI_TESTDEV)
