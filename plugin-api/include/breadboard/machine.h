/*
 * machine.h - the machine base type: board-level behaviour.
 *
 * The board file names one machine type; the loader creates it at
 * "/machine", sets the properties below from the board's top-level keys
 * (ram, harts, boot), and places every device and hart under it.  A
 * machine plugin (riscv-virt, riscv-spike) derives from this type and
 * implements the boot flow and the device-tree root in its realize hook.
 * The base type itself is concrete: a board without a boot flow (device
 * tests) uses it as is.  Its realize creates main RAM ("ram-size" bytes,
 * mapped at "ram-base" in the system's memory); a machine plugin that
 * overrides realize calls the parent's first.
 */
#ifndef BREADBOARD_MACHINE_H
#define BREADBOARD_MACHINE_H

#include <breadboard/device.h>

G_BEGIN_DECLS

#define BB_TYPE_MACHINE "machine"

typedef struct BbMachineClass {
    BbDeviceClass parent_class;
    void *reserved[8]; /* must be zero */
} BbMachineClass;

/*
 * Property names and the board keys they come from:
 *   "ram-base", "ram-size"   ram: {base, size}
 *   "harts"                  harts: {count}
 *   "firmware", "kernel", "initrd", "append", "dtb"   boot: {...}
 */
typedef struct BbMachine {
    BbDevice parent_obj;
    uint64_t ram_base; /* guest-physical base of main RAM */
    uint64_t ram_size; /* bytes of main RAM; 0 = none */
    uint32_t harts;    /* number of harts the board created */
    char *firmware;    /* firmware image path, or NULL */
    char *kernel;      /* kernel image path, or NULL */
    char *initrd;      /* initrd path, or NULL */
    char *append;      /* kernel command line, or NULL */
    char *dtb;         /* device tree to use instead of a generated one */
    struct BbSystem *system; /* run-time context, set by the board */
    struct BbMemoryRegion *ram; /* main RAM, mapped at ram_base by realize */
    void *reserved[6];
} BbMachine;

BB_DECLARE_TYPE(BbMachine, BbMachineClass, BB_MACHINE, BB_TYPE_MACHINE)

/**
 * bb_machine_build_fdt() - the board's device tree: a new builder filled
 * by the machine's own fdt_populate hook (root properties, /cpus,
 * /memory, /chosen) and then by the hook of every realized device under
 * the machine (harts included), depth first in board order.  A machine
 * calls it once its images are placed; `breadboard dtb` calls it on a
 * built board, so the hooks must depend only on the board's state.
 * Return: the builder (free with bb_fdt_free()), or NULL with @error
 * naming the device whose hook failed.
 * Since: ABI 1.5
 */
BB_API BbFdt *bb_machine_build_fdt(BbMachine *m, GError **error);

G_END_DECLS

#endif /* BREADBOARD_MACHINE_H */
