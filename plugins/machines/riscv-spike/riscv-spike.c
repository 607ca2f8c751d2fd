/*
 * riscv-spike.c - the "riscv-spike" machine: Spike's bare-metal test
 * platform (as also modelled by QEMU's `-M spike`).  RAM (from the board,
 * normally 0x8000_0000), one ELF image, and HTIF (htif.c) at the
 * addresses of the image's `tohost` and `fromhost` symbols, so that
 * `breadboard run boards/riscv-spike.yaml --kernel test.elf` runs a test
 * program and exits with its code.
 *
 * Realize chains to the machine base type (which creates and maps RAM),
 * loads the ELF named by "kernel" (or "firmware"; not both) into the
 * system address space at its physical addresses (loader.h), finds
 * tohost (required) and fromhost (optional), maps HTIF over them and
 * opens the console chardev.  The entry point is published as the
 * machine's "entry" property, for a CPU plugin to read
 * (bb_object_get_uint(machine, "entry")) as its reset PC.  The board
 * realizes harts before the machine, so a hart's very first reset comes
 * before the image is loaded: read "entry" when the hart starts running
 * and on every later reset (system resets reset the harts first and the
 * machine last; "entry" does not change).  Every system reset after the
 * first reloads the image (the program restarts as it was built) and
 * clears HTIF.
 */
#include "htif.h"

#define TYPE_RISCV_SPIKE "riscv-spike"

typedef struct RiscvSpike {
    BbMachine parent_obj;
    char *console;      /* chardev id or spec for HTIF output; NULL drops it */
    uint64_t entry;     /* set by realize: the image's entry point */
    const char *image;  /* the image loaded (kernel or firmware; borrowed) */
    bool fresh;         /* loaded by realize, not yet through a reset */
    Htif htif;
} RiscvSpike;

BB_DECLARE_TYPE(RiscvSpike, BbMachineClass, RISCV_SPIKE, TYPE_RISCV_SPIKE)

/* The machine base type's hooks (RAM). */
static bool (*parent_realize)(BbDevice *dev, GError **error);
static void (*parent_unrealize)(BbDevice *dev);

/* The one image to run: "kernel" or "firmware". */
static const char *spike_image(BbMachine *m, GError **error)
{
    if (m->kernel && m->firmware) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "riscv-spike runs one ELF image, but both a kernel "
                    "(%s) and a firmware (%s) were given", m->kernel,
                    m->firmware);
        return NULL;
    }
    if (!m->kernel && !m->firmware) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "riscv-spike needs an ELF image to run: give boot.kernel "
                    "in the board or --kernel FILE");
        return NULL;
    }
    return m->kernel ? m->kernel : m->firmware;
}

/* Load the image and map HTIF at its tohost/fromhost symbols. */
static bool spike_load(RiscvSpike *s, BbSystem *sys, GError **error)
{
    g_autoptr(BbElfInfo) info = NULL;
    uint64_t tohost, fromhost = 0;
    BbChardev *chr = NULL;

    if (!bb_load_elf(bb_system_get_address_space(sys), s->image, &info,
                     error)) {
        return false;
    }
    if (!bb_elf_info_symbol(info, "tohost", &tohost)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "%s: no 'tohost' symbol: riscv-spike talks to the program "
                    "through HTIF at the ELF symbols tohost and fromhost",
                    s->image);
        return false;
    }
    bool has_fromhost = bb_elf_info_symbol(info, "fromhost", &fromhost);
    if (s->console) {
        chr = bb_system_get_chardev(sys, s->console, error);
        if (!chr) {
            return false;
        }
    }
    if (!htif_init(&s->htif, BB_OBJECT(s), sys, chr, tohost, has_fromhost,
                   fromhost, error)) {
        g_prefix_error(error, "%s: ", s->image);
        return false;
    }
    s->entry = bb_elf_info_entry(info);
    return true;
}

static bool spike_realize(BbDevice *dev, GError **error)
{
    RiscvSpike *s = RISCV_SPIKE(dev);
    BbMachine *m = BB_MACHINE(dev);

    if (s->entry) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "property 'entry' is set by the machine from the loaded "
                    "image; a board cannot set it");
        return false;
    }
    if (!m->system) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "riscv-spike needs a system to load its image into");
        return false;
    }
    s->image = spike_image(m, error);
    if (!s->image || !parent_realize(dev, error)) {
        return false;
    }
    if (!spike_load(s, m->system, error)) {
        parent_unrealize(dev);
        return false;
    }
    s->fresh = true;
    return true;
}

static void spike_unrealize(BbDevice *dev)
{
    RiscvSpike *s = RISCV_SPIKE(dev);

    htif_cleanup(&s->htif);
    parent_unrealize(dev);
}

/* Put the image back as it was built; HTIF is hidden meanwhile so the
 * .tohost section lands in RAM and the placement check passes. */
static void spike_reload(RiscvSpike *s)
{
    BbSystem *sys = BB_MACHINE(s)->system;
    GError *err = NULL;

    htif_set_enabled(&s->htif, false);
    if (!bb_load_elf(bb_system_get_address_space(sys), s->image, NULL,
                     &err)) {
        g_warning("riscv-spike: reloading the image on reset failed: %s",
                  err->message);
        g_error_free(err);
        bb_system_request_shutdown(sys, BB_SHUTDOWN_HOST_ERROR, 0);
    }
    htif_set_enabled(&s->htif, true);
}

static void spike_reset(BbDevice *dev)
{
    RiscvSpike *s = RISCV_SPIKE(dev);

    if (s->fresh) {
        s->fresh = false; /* realize just loaded it */
    } else {
        spike_reload(s);
    }
    htif_reset(&s->htif);
}

/* Loaded state belongs to a machine that has run: the next system reset
 * reloads the image. */
static bool spike_post_load(void *opaque, uint32_t version, GError **error)
{
    RISCV_SPIKE(opaque)->fresh = false;
    return true;
}

/* HTIF is the machine's only device state (RAM is saved as RAM). */
static const BbStateField spike_state_fields[] = {
    BB_STATE_STRUCT(RiscvSpike, htif, &htif_state),
    BB_STATE_END
};

static const BbStateDesc spike_state = {
    .name = TYPE_RISCV_SPIKE,
    .version = 1,
    .min_version = 1,
    .fields = spike_state_fields,
    .size = sizeof(RiscvSpike),
    .post_load = spike_post_load,
};

static const BbPropertyInfo spike_props[] = {
    BB_PROP_STRING("console", RiscvSpike, console, NULL,
                   "chardev id (or backend spec) for HTIF console I/O; "
                   "unset: output is dropped"),
    BB_PROP_UINT("entry", RiscvSpike, entry, 0,
                 "entry point of the loaded image (set by the machine at "
                 "realize; CPU plugins use it as the reset PC)"),
    BB_PROP_END
};

static void spike_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, spike_props);
    parent_realize = dc->realize;
    parent_unrealize = dc->unrealize;
    dc->realize = spike_realize;
    dc->unrealize = spike_unrealize;
    dc->reset = spike_reset;
    dc->state = &spike_state;
}

static const BbTypeInfo spike_info = {
    .name = TYPE_RISCV_SPIKE,
    .parent = BB_TYPE_MACHINE,
    .instance_size = sizeof(RiscvSpike),
    .class_init = spike_class_init,
    .description = "Spike bare-metal test machine: RAM, one ELF, HTIF "
                   "tohost/fromhost",
};

static bool spike_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &spike_info, error);
}

BB_PLUGIN_DEFINE("riscv-spike", "1.0.0", "MIT",
                 "Spike-compatible bare-metal test machine with HTIF",
                 spike_plugin_init, TYPE_RISCV_SPIKE)
