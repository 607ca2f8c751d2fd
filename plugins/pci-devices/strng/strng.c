/*
 * strng.c - "strng" (1234:11e9): the PCI side of the Blizzard CTF 2017
 * "Sombra True Random Number Generator" (strng-core.c has the registers).
 * BAR0 is 256 bytes of memory (registers 0..63, 4-byte accesses), BAR1 8
 * bytes of I/O (an index latch at +0, the indexed register at +4); no
 * interrupt, no capabilities, conventional PCI.  Register index, seeds
 * and the deliberate bound on the port window: docs/pci-devices.md.
 */
#include <inttypes.h>

#include <breadboard/breadboard.h>
#include <breadboard/pci.h>

#include "strng-core.h"

#define TYPE_STRNG "strng"

typedef struct Strng {
    BbPciDevice parent_obj;
    StrngCore core;
} Strng;

BB_DECLARE_TYPE(Strng, BbPciDeviceClass, STRNG, TYPE_STRNG)

/* Only aligned 4-byte accesses do anything (as the original); others
 * read all-ones and are ignored. */
static bool strng_access_ok(const char *bar, uint64_t addr, unsigned size)
{
    if (size != 4 || (addr & 3)) {
        bb_guest_error("strng: %u-byte access at %s+0x%" PRIx64 " (only "
                       "aligned 4-byte accesses)", size, bar, addr);
        return false;
    }
    return true;
}

static uint64_t strng_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    Strng *s = opaque;

    if (!strng_access_ok("BAR0", addr, size)) {
        return UINT64_MAX;
    }
    return strng_mmio_read_reg(&s->core, (uint32_t)addr);
}

static void strng_mmio_write(void *opaque, uint64_t addr, uint64_t v,
                             unsigned size)
{
    Strng *s = opaque;

    if (strng_access_ok("BAR0", addr, size)) {
        strng_mmio_write_reg(&s->core, (uint32_t)addr, (uint32_t)v);
    }
}

static uint64_t strng_pio_read(void *opaque, uint64_t addr, unsigned size)
{
    Strng *s = opaque;

    if (!strng_access_ok("BAR1", addr, size)) {
        return UINT64_MAX;
    }
    return strng_pio_read_reg(&s->core, (uint32_t)addr);
}

static void strng_pio_write(void *opaque, uint64_t addr, uint64_t v,
                            unsigned size)
{
    Strng *s = opaque;

    if (strng_access_ok("BAR1", addr, size)) {
        strng_pio_write_reg(&s->core, (uint32_t)addr, (uint32_t)v);
    }
}

static const BbMemoryOps strng_mmio_ops = {
    .read = strng_mmio_read,
    .write = strng_mmio_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4,
              .unaligned = true },
};

static const BbMemoryOps strng_pio_ops = {
    .read = strng_pio_read,
    .write = strng_pio_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4,
              .unaligned = true },
};

static bool strng_realize(BbPciDevice *pdev, GError **error)
{
    Strng *s = STRNG(pdev);
    BbObject *owner = BB_OBJECT(pdev);
    BbMemoryRegion *mmio, *pio;
    bool ok;

    mmio = bb_memory_region_new_io(owner, "strng-mmio", &strng_mmio_ops, s,
                                   STRNG_MMIO_SIZE);
    pio = bb_memory_region_new_io(owner, "strng-pmio", &strng_pio_ops, s,
                                  STRNG_PIO_SIZE);
    ok = bb_pci_register_bar(pdev, 0, BB_PCI_BAR_MEM32, mmio, error) &&
         bb_pci_register_bar(pdev, 1, BB_PCI_BAR_IO, pio, error);
    bb_memory_region_unref(mmio); /* the core holds its own references */
    bb_memory_region_unref(pio);
    return ok;
}

static void strng_reset(BbPciDevice *pdev)
{
    strng_core_reset(&STRNG(pdev)->core);
}

static void strng_instance_init(BbObject *obj)
{
    strng_core_reset(&STRNG(obj)->core);
}

/* The core's state first (it re-derives the BAR mappings), then the
 * registers, latch and generator.  Loaded generator indices are brought
 * back into the table whatever the stream held. */
static bool strng_post_load(void *opaque, uint32_t version, GError **error)
{
    Strng *s = opaque;

    s->core.rand.f %= STRNG_RAND_DEG;
    s->core.rand.r %= STRNG_RAND_DEG;
    return true;
}

static const BbStateField strng_state_fields[] = {
    BB_STATE_STRUCT(Strng, parent_obj, &bb_pci_device_state),
    BB_STATE_U32(Strng, core.regs),
    BB_STATE_U32(Strng, core.addr),
    BB_STATE_U32(Strng, core.rand.tbl),
    BB_STATE_U32(Strng, core.rand.f),
    BB_STATE_U32(Strng, core.rand.r),
    BB_STATE_END
};

static const BbStateDesc strng_state = {
    .name = TYPE_STRNG,
    .version = 1,
    .min_version = 1,
    .fields = strng_state_fields,
    .size = sizeof(Strng),
    .post_load = strng_post_load,
};

static void strng_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);
    BbPciDeviceClass *pc = BB_PCI_DEVICE_CLASS(klass);

    dc->state = &strng_state;
    pc->realize = strng_realize;
    pc->reset = strng_reset;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x11e9;
    pc->revision = 0x10;
    pc->class_id = 0x00ff; /* unclassified / other, like edu */
    pc->subsystem_vendor_id = 0x1af4; /* QEMU's default subsystem */
    pc->subsystem_id = 0x1100;
    pc->header_type = BB_PCI_HEADER_TYPE_NORMAL;
    pc->interrupt_pin = 0;
}

static const BbTypeInfo strng_info = {
    .name = TYPE_STRNG,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(Strng),
    .instance_init = strng_instance_init,
    .class_init = strng_class_init,
    .description = "Blizzard CTF 2017 STRNG 1234:11e9: glibc-compatible "
                   "srand/rand/rand_r behind BAR0 (MMIO) and BAR1 (port "
                   "I/O), port index bounded",
};

static bool strng_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &strng_info, error);
}

BB_PLUGIN_DEFINE("strng", "1.0.0", "MIT",
                 "Blizzard CTF 2017 STRNG PCI device (bounded)",
                 strng_plugin_init, TYPE_STRNG)
