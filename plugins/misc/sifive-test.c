/*
 * sifive-test.c - "sifive-test": the SiFive test finisher of QEMU's virt
 * board (reference/hardware.md sections 2.4 and 2.7).  One write-only
 * register at offset 0, written with 16- or 32-bit stores: the low 16
 * bits are a command, the high 16 bits a code.  0x5555 powers the system
 * off (exit status 0), 0x3333 fails with exit status = code, 0x7777 resets
 * the system; anything else is a guest error.  Reads return 0.
 *
 * One deliberate difference from QEMU 7.2: a failure with code 0 (a bare
 * 16-bit 0x3333) exits with status 1 here, where QEMU exits with 0; a
 * failure is never reported as success (system.h maps guest failure code
 * 0 to 1, and codes to their low 8 bits).
 *
 * The device also writes the /reboot and /poweroff nodes (syscon-reboot,
 * syscon-poweroff) that point at its own node as their regmap, as QEMU
 * does; OpenSBI, U-Boot and Linux find the finisher through them.  Its
 * state description is empty (see sifive_test_state).
 */
#include <inttypes.h>

#include "misc-devices.h"

#define SIFIVE_TEST_SIZE 0x1000

enum {
    FINISHER_FAIL = 0x3333,
    FINISHER_PASS = 0x5555,
    FINISHER_RESET = 0x7777,
};

typedef struct SifiveTest {
    BbDevice parent_obj;
    uint64_t base;          /* guest-physical address, for the node name */
} SifiveTest;

BB_DECLARE_TYPE(SifiveTest, BbDeviceClass, SIFIVE_TEST, TYPE_SIFIVE_TEST)

static const char *const sifive_test_compatible[] = {
    "sifive,test1", "sifive,test0", "syscon", NULL
};

static uint64_t sifive_test_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, uint64_t addr, uint64_t value,
                              unsigned size)
{
    SifiveTest *s = opaque;
    BbSystem *sys = bb_device_get_system(BB_DEVICE(s));
    unsigned code = (unsigned)(value >> 16) & 0xffff;

    if (addr != 0) {
        bb_guest_error("sifive-test: write of 0x%" PRIx64 " to offset 0x%"
                       PRIx64 " (only offset 0 is a register)", value, addr);
        return;
    }
    switch (value & 0xffff) {
    case FINISHER_PASS:
        bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
        break;
    case FINISHER_FAIL:
        bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_FAILURE,
                                   (int)code);
        break;
    case FINISHER_RESET:
        bb_system_request_reset(sys);
        break;
    default:
        bb_guest_error("sifive-test: unknown command 0x%04x (code 0x%x); "
                       "expected 0x3333, 0x5555 or 0x7777",
                       (unsigned)(value & 0xffff), code);
    }
}

static const BbMemoryOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .endianness = BB_ENDIAN_LITTLE,
    /* OpenSBI stores 16 bits, Linux's syscon regmap 32: both as QEMU. */
    .valid = { .min_access_size = 2, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 4 },
};

static bool sifive_test_realize(BbDevice *dev, GError **error)
{
    SifiveTest *s = SIFIVE_TEST(dev);
    BbMemoryRegion *mr;
    uint64_t size;

    if (!bb_device_get_system(dev)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "sifive-test needs a machine with a system above it");
        return false;
    }
    if (bb_device_get_reg_count(dev) != 1 ||
        !bb_device_get_reg(dev, 0, &s->base, &size)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "sifive-test needs exactly one address range, not %u",
                    bb_device_get_reg_count(dev));
        return false;
    }
    mr = bb_memory_region_new_io(BB_OBJECT(dev), "sifive-test",
                                 &sifive_test_ops, s, MIN(size,
                                                          SIFIVE_TEST_SIZE));
    bb_device_init_mmio(dev, mr);
    bb_memory_region_unref(mr);
    return true;
}

/*
 * /poweroff or /reboot: a store of @value to the finisher's register.
 * Nodes and properties are written in the order QEMU writes them, so the
 * blob has QEMU's layout (libfdt puts each new one first).
 */
static bool syscon_node(BbFdt *fdt, const char *path, const char *compat,
                        uint32_t regmap, uint32_t value, GError **error)
{
    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_string(fdt, path, "compatible", compat, error) &&
           bb_fdt_set_prop_u32(fdt, path, "regmap", regmap, error) &&
           bb_fdt_set_prop_u32(fdt, path, "offset", 0, error) &&
           bb_fdt_set_prop_u32(fdt, path, "value", value, error);
}

static bool sifive_test_fdt_populate(BbDevice *dev, BbFdt *fdt,
                                     GError **error)
{
    SifiveTest *s = SIFIVE_TEST(dev);
    g_autofree char *path = g_strdup_printf("/soc/test@%" PRIx64, s->base);
    uint32_t phandle = bb_fdt_phandle(fdt, BB_OBJECT(dev));

    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   sifive_test_compatible, error) &&
           bb_device_fdt_reg_prop(dev, fdt, path, error) &&
           bb_fdt_set_prop_u32(fdt, path, "phandle", phandle, error) &&
           syscon_node(fdt, "/reboot", "syscon-reboot", phandle,
                       FINISHER_RESET, error) &&
           syscon_node(fdt, "/poweroff", "syscon-poweroff", phandle,
                       FINISHER_PASS, error);
}

/* The finisher has no state: a command acts on the system at once and
 * leaves nothing behind in the device (base is configuration).  The
 * description is empty on purpose, so a snapshot names the device with a
 * section of its own and can tell "nothing to save" from "no description"
 * (and a later version with state can still read these streams). */
static const BbStateField sifive_test_state_fields[] = {
    BB_STATE_END
};

static const BbStateDesc sifive_test_state = {
    .name = TYPE_SIFIVE_TEST,
    .version = 1,
    .min_version = 1,
    .fields = sifive_test_state_fields,
    .size = sizeof(SifiveTest),
};

static void sifive_test_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    dc->realize = sifive_test_realize;
    dc->fdt_populate = sifive_test_fdt_populate;
    dc->state = &sifive_test_state;
    dc->reg_size = SIFIVE_TEST_SIZE;
    bb_device_class_set_compatible(dc, sifive_test_compatible);
}

const BbTypeInfo sifive_test_info = {
    .name = TYPE_SIFIVE_TEST,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(SifiveTest),
    .class_init = sifive_test_class_init,
    .description = "SiFive test finisher: power-off, failure exit, reset",
};
