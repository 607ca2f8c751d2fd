/*
 * gpex.c - "gpex-pcie-host", the generic ECAM PCI Express host bridge of
 * QEMU's `virt` machines (Linux and U-Boot bind it as
 * "pci-host-ecam-generic"), and "gpex-root", its own function at 00.0
 * (Red Hat 1b36:0008, class 0600 host bridge, a plain type 0 header).
 *
 * The board gives four address ranges, in this order: the ECAM window
 * (1 MiB per bus: bus << 20 | device << 15 | function << 12 | register),
 * the 32-bit memory window, the 64-bit memory window and the I/O window.
 * The bridge owns two bus-side spaces - the PCI memory space and the PCI
 * I/O space - into which the PCI core maps the BARs; the memory windows
 * show the memory space at the same address (bus address = CPU address,
 * as on QEMU's virt), the I/O window shows I/O ports from 0.  Whatever no
 * BAR backs reads as all-ones and ignores writes, as an unclaimed PCI
 * transaction does.  INTA..INTD of the root bus leave on the output lines
 * intx[0..3] (the board wires them to the PLIC), and the device-tree node
 * is the one QEMU writes (docs/pci-host.md has the layout and the facts).
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/breadboard.h>
#include <breadboard/pci.h>

#define TYPE_GPEX_HOST "gpex-pcie-host"
#define TYPE_GPEX_ROOT "gpex-root"

#define GPEX_NUM_IRQS 4        /* INTA..INTD */
#define GPEX_ECAM_BUS_SIZE (1u << 20)
#define GPEX_MAX_BUSES 256

/* The board's ranges, in reg order. */
enum { GPEX_ECAM, GPEX_MMIO32, GPEX_MMIO64, GPEX_IO, GPEX_NUM_RANGES };

/* Space codes of a PCI address's phys.hi cell (IEEE 1275 PCI binding). */
#define GPEX_SS_IO 0x01000000u
#define GPEX_SS_MEM32 0x02000000u
#define GPEX_SS_MEM64 0x03000000u

typedef struct GpexHost {
    BbDevice parent_obj;
    uint64_t mmio32_bus_base;     /* property; 0: the CPU address */
    uint64_t mmio64_bus_base;     /* property; 0: the CPU address */
    uint64_t io_bus_base;         /* property: first I/O port shown */
    uint32_t num_buses;           /* from the ECAM range's size */
    BbMemoryRegion *mem_space;    /* PCI memory space (BARs) */
    BbMemoryRegion *io_space;     /* PCI I/O space (BARs) */
    BbMemoryRegion *mem_unbacked; /* all-ones under the memory BARs */
    BbMemoryRegion *io_unbacked;  /* all-ones under the I/O BARs */
    BbPciBus *bus;                /* root bus, while realized */
    BbObject *root_fn;            /* gpex-root at 00.0, while realized */
    BbIrqOut *intx[GPEX_NUM_IRQS];
} GpexHost;

BB_DECLARE_TYPE(GpexHost, BbDeviceClass, GPEX_HOST, TYPE_GPEX_HOST)

/* ------------------------------------------------------------ ECAM */

static uint64_t gpex_ecam_read(void *opaque, uint64_t addr, unsigned size)
{
    GpexHost *s = opaque;

    return bb_pci_bus_config_read(s->bus, (addr >> 20) & 0xff,
                                  (addr >> 12) & 0xff, addr & 0xfff, size);
}

static void gpex_ecam_write(void *opaque, uint64_t addr, uint64_t value,
                            unsigned size)
{
    GpexHost *s = opaque;

    bb_pci_bus_config_write(s->bus, (addr >> 20) & 0xff,
                            (addr >> 12) & 0xff, addr & 0xfff,
                            (uint32_t)value, size);
}

/* 1-, 2- and 4-byte accesses at their natural alignment (the widths
 * Linux and U-Boot use for each field); an 8-byte access is two dwords,
 * as on QEMU. */
static const BbMemoryOps gpex_ecam_ops = {
    .read = gpex_ecam_read,
    .write = gpex_ecam_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ------------------------------------------------------ unbacked windows */

static uint64_t gpex_unbacked_read(void *opaque, uint64_t addr,
                                   unsigned size)
{
    return UINT64_MAX; /* the core keeps the @size bytes asked for */
}

static void gpex_unbacked_write(void *opaque, uint64_t addr, uint64_t value,
                                unsigned size)
{
}

static const BbMemoryOps gpex_unbacked_ops = {
    .read = gpex_unbacked_read,
    .write = gpex_unbacked_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8,
              .unaligned = true },
};

/* ------------------------------------------------------------ INTx */

static void gpex_set_irq(void *opaque, unsigned line, bool level)
{
    GpexHost *s = opaque;

    if (line < GPEX_NUM_IRQS) {
        bb_irq_out_set(s->intx[line], level);
    }
}

/* ------------------------------------------------------------ life cycle */

static void gpex_instance_init(BbObject *obj)
{
    GpexHost *s = GPEX_HOST(obj);

    bb_device_add_irq_out(BB_DEVICE(obj), "intx", GPEX_NUM_IRQS, NULL);
    for (unsigned i = 0; i < GPEX_NUM_IRQS; i++) {
        s->intx[i] = bb_device_get_irq_out(BB_DEVICE(obj), "intx", i);
    }
    /* The bus-side spaces exist from creation so that they, and the
     * all-ones background below any BAR, outlive every realize. */
    s->mem_space = bb_memory_region_new_container(obj, "pci-memory",
                                                  UINT64_MAX);
    s->io_space = bb_memory_region_new_container(obj, "pci-io",
                                                 UINT64_C(1) << 32);
    s->mem_unbacked = bb_memory_region_new_io(obj, "pci-memory-unbacked",
                                              &gpex_unbacked_ops, s,
                                              UINT64_MAX);
    s->io_unbacked = bb_memory_region_new_io(obj, "pci-io-unbacked",
                                             &gpex_unbacked_ops, s,
                                             UINT64_C(1) << 32);
    /* Priority -1: any BAR the core maps (priority 0) wins over it. */
    bb_memory_region_add_subregion_overlap(s->mem_space, 0, s->mem_unbacked,
                                           -1, NULL);
    bb_memory_region_add_subregion_overlap(s->io_space, 0, s->io_unbacked,
                                           -1, NULL);
}

static void gpex_instance_finalize(BbObject *obj)
{
    GpexHost *s = GPEX_HOST(obj);

    bb_memory_region_del_subregion(s->mem_space, s->mem_unbacked);
    bb_memory_region_del_subregion(s->io_space, s->io_unbacked);
    bb_memory_region_unref(s->mem_unbacked);
    bb_memory_region_unref(s->io_unbacked);
    bb_memory_region_unref(s->mem_space);
    bb_memory_region_unref(s->io_space);
}

/* The bus address a window of the board shows at its CPU address. */
static uint64_t gpex_bus_base(const GpexHost *s, unsigned range)
{
    uint64_t cpu = 0;

    bb_device_get_reg(BB_DEVICE((GpexHost *)s), range, &cpu, NULL);
    switch (range) {
    case GPEX_MMIO32:
        return s->mmio32_bus_base ? s->mmio32_bus_base : cpu;
    case GPEX_MMIO64:
        return s->mmio64_bus_base ? s->mmio64_bus_base : cpu;
    default:
        return s->io_bus_base;
    }
}

static bool gpex_check_ranges(BbDevice *dev, GError **error)
{
    GpexHost *s = GPEX_HOST(dev);
    uint64_t ecam_size = 0, io_size = 0;

    if (bb_device_get_reg_count(dev) != GPEX_NUM_RANGES) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "expected 4 address ranges (reg: [[ECAM base, size], "
                    "[MMIO32 base, size], [MMIO64 base, size], [IO base, "
                    "size]]), got %u", bb_device_get_reg_count(dev));
        return false;
    }
    bb_device_get_reg(dev, GPEX_ECAM, NULL, &ecam_size);
    if (ecam_size % GPEX_ECAM_BUS_SIZE ||
        ecam_size > (uint64_t)GPEX_MAX_BUSES * GPEX_ECAM_BUS_SIZE) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "the ECAM range (0x%" PRIx64 " bytes) must be 1 to 256 "
                    "MiB in whole MiB: 1 MiB per bus", ecam_size);
        return false;
    }
    bb_device_get_reg(dev, GPEX_IO, NULL, &io_size);
    if (s->io_bus_base + io_size > (UINT64_C(1) << 32) ||
        s->io_bus_base + io_size < s->io_bus_base) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "the I/O window (ports 0x%" PRIx64 " + 0x%" PRIx64
                    ") must lie below 4 GiB", s->io_bus_base, io_size);
        return false;
    }
    s->num_buses = ecam_size / GPEX_ECAM_BUS_SIZE;
    return true;
}

/* Declare the four regions the host maps at the board's ranges. */
static void gpex_init_windows(GpexHost *s)
{
    BbObject *obj = BB_OBJECT(s);
    static const char *const names[] = {
        [GPEX_MMIO32] = "pcie-mmio", [GPEX_MMIO64] = "pcie-mmio-high",
        [GPEX_IO] = "pcie-io",
    };
    uint64_t size;
    BbMemoryRegion *mr;

    bb_device_get_reg(BB_DEVICE(s), GPEX_ECAM, NULL, &size);
    mr = bb_memory_region_new_io(obj, "pcie-ecam", &gpex_ecam_ops, s, size);
    bb_device_init_mmio(BB_DEVICE(s), mr);
    bb_memory_region_unref(mr);
    for (unsigned r = GPEX_MMIO32; r <= GPEX_IO; r++) {
        bb_device_get_reg(BB_DEVICE(s), r, NULL, &size);
        mr = bb_memory_region_new_alias(obj, names[r],
                                        r == GPEX_IO ? s->io_space
                                                     : s->mem_space,
                                        gpex_bus_base(s, r), size);
        bb_device_init_mmio(BB_DEVICE(s), mr);
        bb_memory_region_unref(mr);
    }
}

/* The host bridge's own function, 00.0. */
static bool gpex_add_root_fn(GpexHost *s, GError **error)
{
    BbObject *fn = bb_object_new(TYPE_GPEX_ROOT, error);

    if (!fn) {
        return false;
    }
    if (!bb_object_add_child(BB_OBJECT(s), "root-function", fn, error)) {
        bb_object_unref(fn);
        return false;
    }
    bb_object_unref(fn); /* the bridge holds it as a child */
    s->root_fn = fn;
    if (!bb_pci_bus_plug(s->bus, BB_PCI_DEVICE(fn), 0, 0, error)) {
        return false;
    }
    return bb_device_realize(BB_DEVICE(fn), error);
}

static void gpex_remove_root_fn(GpexHost *s)
{
    if (!s->root_fn) {
        return;
    }
    bb_device_unrealize(BB_DEVICE(s->root_fn));
    if (bb_pci_get_bus(BB_PCI_DEVICE(s->root_fn))) {
        bb_pci_bus_unplug(s->bus, BB_PCI_DEVICE(s->root_fn));
    }
    bb_object_unparent(s->root_fn);
    s->root_fn = NULL;
}

static void gpex_unrealize(BbDevice *dev)
{
    GpexHost *s = GPEX_HOST(dev);

    gpex_remove_root_fn(s);
    if (s->bus) {
        bb_pci_bus_free(s->bus);
        s->bus = NULL;
    }
}

static bool gpex_realize(BbDevice *dev, GError **error)
{
    GpexHost *s = GPEX_HOST(dev);
    BbSystem *sys = bb_device_get_system(dev);
    BbPciBusOptions opts = {
        .name = "pcie.0",
        .mem_window = s->mem_space,
        .io_window = s->io_space,
        .set_irq = gpex_set_irq,
        .irq_opaque = s,
    };

    if (!gpex_check_ranges(dev, error)) {
        return false;
    }
    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "a PCI host bridge needs a machine with a system (its "
                    "devices' DMA goes to the system address space)");
        return false;
    }
    opts.dma_as = bb_system_get_address_space(sys);
    s->bus = bb_pci_root_bus_new(dev, &opts);
    if (!s->bus) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_FAILED,
                    "cannot create the root bus");
        return false;
    }
    gpex_init_windows(s);
    if (!gpex_add_root_fn(s, error)) {
        gpex_unrealize(dev);
        return false;
    }
    return true;
}

/* A board places a PCI function on the root bus (`bus: pcie0`). */
static bool gpex_plug(BbDevice *owner, BbDevice *child, int slot, int func,
                      GError **error)
{
    GpexHost *s = GPEX_HOST(owner);
    BbPciDevice *pdev = (BbPciDevice *)bb_object_dynamic_cast(
        BB_OBJECT(child), BB_TYPE_PCI_DEVICE);

    if (!pdev) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "'%s' (%s) is not a PCI device",
                    bb_object_get_name(BB_OBJECT(child)),
                    bb_object_get_type_name(BB_OBJECT(child)));
        return false;
    }
    return bb_pci_bus_plug(s->bus, pdev, slot, func, error);
}

static void gpex_unplug(BbDevice *owner, BbDevice *child)
{
    GpexHost *s = GPEX_HOST(owner);
    BbPciDevice *pdev = (BbPciDevice *)bb_object_dynamic_cast(
        BB_OBJECT(child), BB_TYPE_PCI_DEVICE);

    if (pdev && s->bus && bb_pci_get_bus(pdev)) {
        bb_pci_bus_unplug(bb_pci_get_bus(pdev), pdev);
    }
}

/* ------------------------------------------------------------ device tree */

/* One "ranges" entry: PCI address (3 cells), CPU address (2), size (2). */
static void gpex_range(GpexHost *s, GArray *cells, uint32_t ss,
                       unsigned range)
{
    uint64_t cpu = 0, size = 0, bus = gpex_bus_base(s, range);

    bb_device_get_reg(BB_DEVICE(s), range, &cpu, &size);
    uint32_t e[7] = { ss, bus >> 32, (uint32_t)bus, cpu >> 32,
                      (uint32_t)cpu, size >> 32, (uint32_t)size };
    g_array_append_vals(cells, e, 7);
}

/* interrupt-map: for slots 0-3 (the mask keeps device-number bits 12:11)
 * and pins INTA-INTD, the input INTx line (slot + pin - 1) % 4 of the
 * root bus is wired to - the standard swizzle.  Each entry: PCI unit
 * address (3 cells), pin, the controller's phandle, its specifier (the
 * PLIC has #address-cells 0, so no parent unit address). */
static bool gpex_interrupt_map(GpexHost *s, BbFdt *fdt, const char *path,
                               GError **error)
{
    g_autoptr(GArray) map = g_array_new(false, false, sizeof(uint32_t));
    static const uint32_t mask[4] = { 0x1800, 0, 0, 7 };

    for (unsigned slot = 0; slot < 4; slot++) {
        for (unsigned pin = 1; pin <= 4; pin++) {
            unsigned line = (slot + pin - 1) % GPEX_NUM_IRQS;
            BbIrqIn *in;
            BbDevice *ctrl;
            BbFdtIntcClass *ic;
            uint32_t spec[BB_FDT_MAX_IRQ_CELLS];
            uint32_t head[5] = { BB_PCI_DEVFN(slot, 0) << 8, 0, 0, pin, 0 };
            unsigned n = 0;

            if (bb_irq_out_get_sink_count(s->intx[line]) != 1) {
                g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                            "device tree node '%s': intx[%u] must go to "
                            "exactly one interrupt controller input (it "
                            "goes to %u) for interrupt-map", path, line,
                            bb_irq_out_get_sink_count(s->intx[line]));
                return false;
            }
            in = bb_irq_out_get_sink(s->intx[line], 0);
            ctrl = bb_irq_in_get_device(in);
            ic = (BbFdtIntcClass *)bb_object_class_dynamic_cast(
                bb_object_get_class(BB_OBJECT(ctrl)), BB_TYPE_FDT_INTC);
            if (ic && ic->irq_specifier) {
                n = ic->irq_specifier(ctrl, bb_irq_in_get_group(in),
                                      bb_irq_in_get_index(in), spec);
            }
            if (n == 0 || n > BB_FDT_MAX_IRQ_CELLS) {
                g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                            "device tree node '%s': intx[%u] goes to '%s', "
                            "which cannot be named in a device tree", path,
                            line, bb_object_get_name(BB_OBJECT(ctrl)));
                return false;
            }
            head[4] = bb_fdt_phandle(fdt, BB_OBJECT(ctrl));
            g_array_append_vals(map, head, 5);
            g_array_append_vals(map, spec, n);
        }
    }
    return bb_fdt_set_prop_cells(fdt, path, "interrupt-map-mask", mask, 4,
                                 error) &&
           bb_fdt_set_prop_cells(fdt, path, "interrupt-map",
                                 (uint32_t *)map->data, map->len, error);
}

static bool gpex_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    GpexHost *s = GPEX_HOST(dev);
    uint64_t ecam = 0, ecam_size = 0;
    g_autofree char *path = NULL;
    g_autoptr(GArray) ranges = g_array_new(false, false, sizeof(uint32_t));
    const uint32_t bus_range[2] = { 0, s->num_buses - 1 };
    bool wired = false;

    bb_device_get_reg(dev, GPEX_ECAM, &ecam, &ecam_size);
    /* reg is the ECAM window alone (the windows are in ranges). */
    const uint32_t reg[4] = { ecam >> 32, (uint32_t)ecam, ecam_size >> 32,
                              (uint32_t)ecam_size };
    path = g_strdup_printf("/soc/pci@%" PRIx64, ecam);
    gpex_range(s, ranges, GPEX_SS_IO, GPEX_IO);
    gpex_range(s, ranges, GPEX_SS_MEM32, GPEX_MMIO32);
    gpex_range(s, ranges, GPEX_SS_MEM64, GPEX_MMIO64);
    for (unsigned i = 0; i < GPEX_NUM_IRQS; i++) {
        wired |= bb_irq_out_get_sink_count(s->intx[i]) != 0;
    }
    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_u32(fdt, path, "#address-cells", 3, error) &&
           bb_fdt_set_prop_u32(fdt, path, "#interrupt-cells", 1, error) &&
           bb_fdt_set_prop_u32(fdt, path, "#size-cells", 2, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   BB_DEVICE_GET_CLASS(dev)->compatible,
                                   error) &&
           bb_fdt_set_prop_string(fdt, path, "device_type", "pci", error) &&
           bb_fdt_set_prop_u32(fdt, path, "linux,pci-domain", 0, error) &&
           bb_fdt_set_prop_cells(fdt, path, "bus-range", bus_range, 2,
                                 error) &&
           bb_fdt_set_prop_empty(fdt, path, "dma-coherent", error) &&
           bb_fdt_set_prop_cells(fdt, path, "reg", reg, 4, error) &&
           bb_fdt_set_prop_cells(fdt, path, "ranges",
                                 (uint32_t *)ranges->data, ranges->len,
                                 error) &&
           (!wired || gpex_interrupt_map(s, fdt, path, error));
}

/* ------------------------------------------------------------ types */

static const BbPropertyInfo gpex_props[] = {
    BB_PROP_UINT("mmio32-bus-base", GpexHost, mmio32_bus_base, 0,
                 "PCI bus address of the 32-bit memory window (0: its CPU "
                 "address)"),
    BB_PROP_UINT("mmio64-bus-base", GpexHost, mmio64_bus_base, 0,
                 "PCI bus address of the 64-bit memory window (0: its CPU "
                 "address)"),
    BB_PROP_UINT("io-bus-base", GpexHost, io_bus_base, 0,
                 "first I/O port the I/O window shows"),
    BB_PROP_END
};

static void gpex_class_init(BbObjectClass *klass, const void *data)
{
    static const char *const compatible[] = { "pci-host-ecam-generic",
                                              NULL };
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, gpex_props);
    dc->realize = gpex_realize;
    dc->unrealize = gpex_unrealize;
    dc->plug = gpex_plug;
    dc->unplug = gpex_unplug;
    dc->fdt_populate = gpex_fdt_populate;
    bb_device_class_set_compatible(dc, compatible);
}

static const BbTypeInfo gpex_host_info = {
    .name = TYPE_GPEX_HOST,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(GpexHost),
    .instance_init = gpex_instance_init,
    .instance_finalize = gpex_instance_finalize,
    .class_init = gpex_class_init,
    .description = "generic ECAM PCI Express host bridge (QEMU's gpex, "
                   "pci-host-ecam-generic): ECAM, MMIO32/MMIO64/IO "
                   "windows, INTA-D on intx[0..3]",
};

static void gpex_root_class_init(BbObjectClass *klass, const void *data)
{
    BbPciDeviceClass *pc = BB_PCI_DEVICE_CLASS(klass);

    pc->vendor_id = 0x1b36; /* Red Hat */
    pc->device_id = 0x0008; /* PCIe host bridge */
    pc->revision = 0;
    pc->class_id = 0x0600;  /* bridge: host bridge */
    pc->subsystem_vendor_id = 0x1af4;
    pc->subsystem_id = 0x1100;
    pc->header_type = BB_PCI_HEADER_TYPE_NORMAL;
}

static const BbTypeInfo gpex_root_info = {
    .name = TYPE_GPEX_ROOT,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(BbPciDevice),
    .class_init = gpex_root_class_init,
    .description = "function 00.0 of the gpex host bridge (1b36:0008, "
                   "host bridge); created by gpex-pcie-host itself",
};

static bool gpex_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &gpex_host_info, error) &&
           bb_plugin_register_type(plugin, &gpex_root_info, error);
}

BB_PLUGIN_DEFINE("gpex", "1.0.0", "MIT",
                 "generic ECAM PCI Express host bridge (QEMU's gpex)",
                 gpex_plugin_init, TYPE_GPEX_HOST, TYPE_GPEX_ROOT)
