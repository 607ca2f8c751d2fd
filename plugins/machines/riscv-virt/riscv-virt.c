/*
 * riscv-virt.c - the "riscv-virt" machine: the boot flow of QEMU's riscv64
 * `virt` board (reference/hardware.md sections 1 and 5), so that the
 * firmware and kernels built for it run unchanged.  The devices
 * themselves (CLINT, PLIC, UART, test finisher...) are separate plugins
 * named by the board file; this machine owns:
 *
 *   - the reset-vector ROM at 0x1000 (every hart starts there: a0 = its
 *     hart ID, a1 = the FDT address, a2 = the fw_dynamic_info block, then
 *     a jump to the firmware), published as the "entry" property the
 *     hart plugin takes its reset PC from;
 *   - image placement: the firmware ("bios", ELF or raw) at the start of
 *     RAM; the kernel (ELF, Linux Image or raw) at the next 2 MiB boundary
 *     after it; the initrd at kernel + min(RAM / 2, 128 MiB); the FDT at
 *     the top of RAM (below 3 GiB) aligned down to 2 MiB;
 *   - the device tree root: /cpus properties, /memory, /chosen; every
 *     device and hart writes its own node (bb_machine_build_fdt()).
 *
 * Like QEMU, a system reset puts every image back as it was loaded.
 */
#include <string.h>

#include <breadboard/breadboard.h>

#define TYPE_RISCV_VIRT "riscv-virt"

#define VIRT_MROM_BASE 0x1000u
#define VIRT_MROM_SIZE 0xf000u
#define VIRT_FDT_LIMIT 0xc0000000ull /* 3 GiB: FDT below it */
#define VIRT_KERNEL_ALIGN 0x200000ull
#define VIRT_INITRD_MAX_OFFSET (128ull << 20)

#define FW_DYNAMIC_MAGIC 0x4942534full /* "OSBI" */
#define FW_DYNAMIC_VERSION 2
#define FW_NEXT_MODE_S 1

typedef struct RiscvVirt {
    BbMachine parent_obj;
    /* properties */
    uint64_t entry;            /* the reset vector (read-only) */
    char *stdout_dev;          /* id of the console device (/chosen) */
    uint64_t timebase;         /* /cpus timebase-frequency */
    /* placement, computed by realize */
    uint64_t start_addr;       /* where the ROM jumps */
    uint64_t fw_end;           /* end of the firmware (RAM base if none) */
    uint64_t kernel_entry;     /* 0: no kernel */
    uint64_t initrd_start, initrd_end; /* equal: no initrd */
    uint64_t fdt_addr;
    GBytes *fdt;               /* the blob placed at fdt_addr */
    BbMemoryRegion *mrom;
    bool fresh;                /* loaded by realize, not yet reset */
} RiscvVirt;

BB_DECLARE_TYPE(RiscvVirt, BbMachineClass, RISCV_VIRT, TYPE_RISCV_VIRT)

static bool (*parent_realize)(BbDevice *dev, GError **error);
static void (*parent_unrealize)(BbDevice *dev);

static uint64_t round_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) & ~(align - 1);
}

/* ------------------------------------------------------------ images */

/* The firmware: ELF at its own addresses, anything else raw at the start
 * of RAM.  Sets fw_end and the ROM's jump target. */
static bool load_firmware(RiscvVirt *s, BbAddressSpace *as, GError **error)
{
    BbMachine *m = BB_MACHINE(s);
    BbImageFormat fmt;

    s->fw_end = m->ram_base;
    s->start_addr = m->ram_base;
    if (!m->firmware) {
        return true;
    }
    fmt = bb_image_detect(m->firmware, error);
    if (fmt == BB_IMAGE_ERROR) {
        return false;
    }
    if (fmt == BB_IMAGE_ELF) {
        g_autoptr(BbElfInfo) info = NULL;
        if (!bb_load_elf(as, m->firmware, &info, error)) {
            return false;
        }
        bb_elf_info_get_extent(info, NULL, &s->fw_end);
        s->start_addr = bb_elf_info_entry(info);
        return true;
    }
    uint64_t size;
    if (!bb_load_raw(as, m->firmware, m->ram_base, m->ram_size, &size,
                     error)) {
        return false;
    }
    s->fw_end = m->ram_base + size;
    return true;
}

/* The kernel, after the firmware.  Without firmware the ROM jumps to it
 * directly (QEMU's -bios none). */
static bool load_kernel(RiscvVirt *s, BbAddressSpace *as, GError **error)
{
    BbMachine *m = BB_MACHINE(s);
    uint64_t min_addr = round_up(s->fw_end, VIRT_KERNEL_ALIGN);
    BbImageFormat fmt;

    s->kernel_entry = 0;
    if (!m->kernel) {
        return true;
    }
    fmt = bb_image_detect(m->kernel, error);
    switch (fmt) {
    case BB_IMAGE_ERROR:
        return false;
    case BB_IMAGE_ELF: {
        g_autoptr(BbElfInfo) info = NULL;
        if (!bb_load_elf(as, m->kernel, &info, error)) {
            return false;
        }
        s->kernel_entry = bb_elf_info_entry(info);
        break;
    }
    case BB_IMAGE_LINUX:
        if (!bb_load_linux_image(as, m->kernel, m->ram_base, s->fw_end,
                                 &s->kernel_entry, NULL, error)) {
            return false;
        }
        break;
    case BB_IMAGE_RAW:
        if (min_addr >= m->ram_base + m->ram_size) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "%s: no RAM left for the kernel after the firmware "
                        "(it would start at 0x%" G_GINT64_MODIFIER "x)",
                        m->kernel, min_addr);
            return false;
        }
        if (!bb_load_raw(as, m->kernel, min_addr, UINT64_MAX, NULL, error)) {
            return false;
        }
        s->kernel_entry = min_addr;
        break;
    }
    if (!m->firmware) {
        s->start_addr = s->kernel_entry;
    }
    return true;
}

static bool load_initrd(RiscvVirt *s, BbAddressSpace *as, GError **error)
{
    BbMachine *m = BB_MACHINE(s);
    uint64_t size, base;

    s->initrd_start = s->initrd_end = 0;
    if (!m->initrd) {
        return true;
    }
    base = s->kernel_entry ? s->kernel_entry : m->ram_base;
    base += MIN(m->ram_size / 2, VIRT_INITRD_MAX_OFFSET);
    if (!bb_load_raw(as, m->initrd, base, UINT64_MAX, &size, error)) {
        g_prefix_error(error, "initrd at 0x%" G_GINT64_MODIFIER "x: ", base);
        return false;
    }
    s->initrd_start = base;
    s->initrd_end = base + size;
    return true;
}

/* The FDT: the board's "dtb" file, or the tree built from the devices. */
static GBytes *make_fdt(RiscvVirt *s, GError **error)
{
    BbMachine *m = BB_MACHINE(s);

    if (m->dtb) {
        g_autofree char *data = NULL;
        gsize len;
        if (!g_file_get_contents(m->dtb, &data, &len, error)) {
            return NULL;
        }
        /* header: magic, then totalsize (big-endian) */
        if (len < 40 || GUINT32_FROM_BE(((uint32_t *)data)[0]) !=
                            0xd00dfeedu ||
            GUINT32_FROM_BE(((uint32_t *)data)[1]) > len) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "%s: not a flattened device tree (bad magic or "
                        "size)", m->dtb);
            return NULL;
        }
        len = GUINT32_FROM_BE(((uint32_t *)data)[1]);
        return g_bytes_new(data, len);
    }
    BbFdt *fdt = bb_machine_build_fdt(m, error);
    if (!fdt) {
        return NULL;
    }
    size_t size;
    const void *blob = bb_fdt_get_blob(fdt, &size);
    GBytes *b = g_bytes_new(blob, size);
    bb_fdt_free(fdt);
    return b;
}

static bool place_fdt(RiscvVirt *s, BbAddressSpace *as, GError **error)
{
    BbMachine *m = BB_MACHINE(s);
    uint64_t top = m->ram_base + m->ram_size;
    size_t size;
    const void *blob;

    g_clear_pointer(&s->fdt, g_bytes_unref);
    s->fdt = make_fdt(s, error);
    if (!s->fdt) {
        return false;
    }
    blob = g_bytes_get_data(s->fdt, &size);
    if (m->ram_base < VIRT_FDT_LIMIT) {
        top = MIN(top, VIRT_FDT_LIMIT);
    }
    if (size > top - m->ram_base) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "the device tree (%zu bytes) does not fit in RAM", size);
        return false;
    }
    s->fdt_addr = (top - size) & ~(VIRT_KERNEL_ALIGN - 1);
    if (s->fdt_addr < s->fw_end ||
        (s->initrd_end > s->fdt_addr && s->initrd_start < s->fdt_addr +
                                                              size)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "RAM too small: the device tree at 0x%" G_GINT64_MODIFIER
                    "x would overlap the images loaded below it",
                    s->fdt_addr);
        return false;
    }
    if (bb_address_space_write(as, s->fdt_addr, blob, size) != BB_MEMTX_OK) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "cannot write the device tree at 0x%" G_GINT64_MODIFIER
                    "x", s->fdt_addr);
        return false;
    }
    return true;
}

/* The reset vector and its data (hardware.md section 5.2), then
 * fw_dynamic_info (section 5.3). */
static bool write_rom(RiscvVirt *s, GError **error)
{
    static const uint32_t code[] = {
        0x00000297, /* auipc t0, 0          t0 = 0x1000 */
        0x02828613, /* addi  a2, t0, 40     a2 = &fw_dynamic_info */
        0xf1402573, /* csrr  a0, mhartid */
        0x0202b583, /* ld    a1, 32(t0)     a1 = FDT */
        0x0182b283, /* ld    t0, 24(t0)     t0 = start address */
        0x00028067, /* jr    t0 */
    };
    uint8_t rom[24 + 2 * 8 + 6 * 8];
    uint64_t data[2 + 6] = {
        s->start_addr, s->fdt_addr,
        FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, s->kernel_entry,
        FW_NEXT_MODE_S, 0 /* options */, 0 /* boot hart */,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(code); i++) {
        uint32_t le = GUINT32_TO_LE(code[i]);
        memcpy(rom + 4 * i, &le, 4);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(data); i++) {
        uint64_t le = GUINT64_TO_LE(data[i]);
        memcpy(rom + 24 + 8 * i, &le, 8);
    }
    return bb_memory_region_write_rom(s->mrom, 0, rom, sizeof(rom), error);
}

/* Everything realize and reset load, in order. */
static bool load_all(RiscvVirt *s, GError **error)
{
    BbAddressSpace *as = bb_system_get_address_space(BB_MACHINE(s)->system);

    return load_firmware(s, as, error) && load_kernel(s, as, error) &&
           load_initrd(s, as, error) && place_fdt(s, as, error) &&
           write_rom(s, error);
}

/* ------------------------------------------------------------ device tree */

/* The console device's node path, for /chosen/stdout-path: what its
 * "fdt-path" property says (the UART publishes the node it writes).
 * *@path is NULL when the machine has no "stdout" device. */
static bool stdout_path(RiscvVirt *s, char **path, GError **error)
{
    BbObject *dev;

    *path = NULL;
    if (!s->stdout_dev || !*s->stdout_dev) {
        return true;
    }
    dev = bb_object_get_child(BB_OBJECT(s), s->stdout_dev);
    if (!dev) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                    "stdout: no device '%s' on the board", s->stdout_dev);
        return false;
    }
    if (!bb_object_find_property(dev, "fdt-path")) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "stdout: device '%s' (%s) is not a console: it has no "
                    "'fdt-path' property", s->stdout_dev,
                    bb_object_get_type_name(dev));
        return false;
    }
    *path = bb_object_get_prop(dev, "fdt-path", error);
    return *path != NULL;
}

static bool virt_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    static const char *const compat[] = { "riscv-virtio", NULL };
    RiscvVirt *s = RISCV_VIRT(dev);
    BbMachine *m = BB_MACHINE(dev);
    g_autofree char *mem = g_strdup_printf("/memory@%" G_GINT64_MODIFIER "x",
                                           m->ram_base);
    g_autofree char *out = NULL;
    uint64_t reg[2] = { GUINT64_TO_BE(m->ram_base),
                        GUINT64_TO_BE(m->ram_size) };

    if (!stdout_path(s, &out, error) ||
        !bb_fdt_set_prop_strings(fdt, "/", "compatible", compat, error) ||
        !bb_fdt_set_prop_string(fdt, "/", "model", "riscv-virtio,qemu",
                                error) ||
        !bb_fdt_add_node(fdt, "/chosen", error) ||
        !bb_fdt_add_node(fdt, mem, error) ||
        !bb_fdt_set_prop_string(fdt, mem, "device_type", "memory", error) ||
        !bb_fdt_set_prop(fdt, mem, "reg", reg, sizeof(reg), error) ||
        !bb_fdt_add_node(fdt, "/cpus", error) ||
        !bb_fdt_set_prop_u32(fdt, "/cpus", "#address-cells", 1, error) ||
        !bb_fdt_set_prop_u32(fdt, "/cpus", "#size-cells", 0, error) ||
        !bb_fdt_set_prop_u32(fdt, "/cpus", "timebase-frequency",
                             (uint32_t)s->timebase, error)) {
        return false;
    }
    if (out && *out && !bb_fdt_set_prop_string(fdt, "/chosen", "stdout-path", out,
                                       error)) {
        return false;
    }
    if (m->append && !bb_fdt_set_prop_string(fdt, "/chosen", "bootargs",
                                             m->append, error)) {
        return false;
    }
    if (s->initrd_end > s->initrd_start &&
        (!bb_fdt_set_prop_u64(fdt, "/chosen", "linux,initrd-start",
                              s->initrd_start, error) ||
         !bb_fdt_set_prop_u64(fdt, "/chosen", "linux,initrd-end",
                              s->initrd_end, error))) {
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ life cycle */

static bool virt_realize(BbDevice *dev, GError **error)
{
    RiscvVirt *s = RISCV_VIRT(dev);
    BbMachine *m = BB_MACHINE(dev);

    if (s->entry != VIRT_MROM_BASE) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "property 'entry' is the reset vector 0x%x of the boot "
                    "ROM; a board cannot change it", VIRT_MROM_BASE);
        return false;
    }
    if (!m->system) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "riscv-virt needs a system to load its images into");
        return false;
    }
    if (!m->ram_size) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "riscv-virt needs RAM (ram: {base, size})");
        return false;
    }
    if (!parent_realize(dev, error)) {
        return false;
    }
    s->mrom = bb_memory_region_new_rom(BB_OBJECT(s), "mrom", VIRT_MROM_SIZE,
                                       error);
    if (!s->mrom ||
        !bb_device_map_region(dev, s->mrom, VIRT_MROM_BASE, 0, error) ||
        !load_all(s, error)) {
        /* the host unmaps what was mapped when realize fails */
        g_clear_pointer(&s->mrom, bb_memory_region_unref);
        g_clear_pointer(&s->fdt, g_bytes_unref);
        parent_unrealize(dev);
        return false;
    }
    s->fresh = true;
    return true;
}

static void virt_unrealize(BbDevice *dev)
{
    RiscvVirt *s = RISCV_VIRT(dev);

    g_clear_pointer(&s->mrom, bb_memory_region_unref); /* host unmapped it */
    g_clear_pointer(&s->fdt, g_bytes_unref);
    parent_unrealize(dev);
}

static void virt_reset(BbDevice *dev)
{
    RiscvVirt *s = RISCV_VIRT(dev);
    GError *err = NULL;

    if (s->fresh) {
        s->fresh = false; /* realize just loaded everything */
        return;
    }
    if (!load_all(s, &err)) {
        g_warning("riscv-virt: reloading the images on reset failed: %s",
                  err->message);
        g_error_free(err);
        bb_system_request_shutdown(BB_MACHINE(s)->system,
                                   BB_SHUTDOWN_HOST_ERROR, 0);
    }
}

static const BbPropertyInfo virt_props[] = {
    BB_PROP_UINT("entry", RiscvVirt, entry, VIRT_MROM_BASE,
                 "reset vector: the boot ROM (harts start here)"),
    BB_PROP_STRING("stdout", RiscvVirt, stdout_dev, "uart0",
                   "id of the console UART (/chosen/stdout-path)"),
    BB_PROP_UINT("timebase-frequency", RiscvVirt, timebase, 10000000,
                 "/cpus/timebase-frequency in Hz (the CLINT's rate)"),
    BB_PROP_END
};

static void virt_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, virt_props);
    parent_realize = dc->realize;
    parent_unrealize = dc->unrealize;
    dc->realize = virt_realize;
    dc->unrealize = virt_unrealize;
    dc->reset = virt_reset;
    dc->fdt_populate = virt_fdt_populate;
}

static const BbTypeInfo virt_info = {
    .name = TYPE_RISCV_VIRT,
    .parent = BB_TYPE_MACHINE,
    .instance_size = sizeof(RiscvVirt),
    .class_init = virt_class_init,
    .description = "QEMU-virt-compatible boot flow: reset ROM with "
                   "fw_dynamic_info, image placement, generated FDT",
};

static bool virt_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &virt_info, error);
}

BB_PLUGIN_DEFINE("riscv-virt", "1.0.0", "MIT",
                 "QEMU-virt-compatible RISC-V machine (boot flow, FDT)",
                 virt_plugin_init, TYPE_RISCV_VIRT)
