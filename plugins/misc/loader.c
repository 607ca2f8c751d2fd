/*
 * loader.c - "loader": puts a file into guest memory at a fixed address,
 * like QEMU's generic loader (`-device loader,file=F,addr=A`; here the
 * key is `address`, as `addr` is --device's PCI slot key), so a firmware
 * that loads nothing itself -- U-Boot at its prompt, without a disk or
 * network -- finds a kernel and an initrd in RAM:
 *
 *   breadboard run boards/riscv-virt.yaml \
 *     --device loader,file=Image,address=0x82000000 ...   then `booti` in U-Boot
 *
 * Properties: file (required) and address (guest-physical; the whole file
 * must land in RAM or ROM).  The file is loaded when the system starts
 * running and again on every system reset, as the machine reloads its
 * own images; one that does not fit ends the run with a host error
 * naming it.  The loader has no registers, no device-tree node and no state
 * of its own (the data it placed is RAM's).  Unlike QEMU's, it never
 * starts a CPU: the board's boot flow does that.
 */
#include <inttypes.h>

#include "misc-devices.h"

typedef struct Loader {
    BbDevice parent_obj;
    char *file;          /* property: the file to load */
    uint64_t addr;       /* property "address": guest-physical address */
    guint listener;      /* run-state listener id (0: none) */
} Loader;

BB_DECLARE_TYPE(Loader, BbDeviceClass, LOADER, TYPE_LOADER)

/* bb_load_raw() writes nothing unless the whole file lands in RAM/ROM; a
 * file that does not fit ends the run before (or instead of) the guest
 * running on with half its images. */
static void loader_load(Loader *s)
{
    BbSystem *sys = bb_device_get_system(BB_DEVICE(s));
    g_autoptr(GError) error = NULL;

    if (!bb_load_raw(bb_system_get_address_space(sys), s->file, s->addr,
                     UINT64_MAX, NULL, &error)) {
        g_warning("loader: %s", error->message);
        bb_system_request_shutdown(sys, BB_SHUTDOWN_HOST_ERROR, 0);
    }
}

/* RAM is mapped by the machine, which realizes after the devices, so the
 * first load happens when the system starts running (after the machine
 * placed its own images: where they overlap, the loader's file wins, as
 * QEMU's loader does). */
static void loader_run_state(void *opaque, BbRunState old, BbRunState now)
{
    if (old == BB_RUN_STATE_CREATED && now == BB_RUN_STATE_RUNNING) {
        loader_load(opaque);
    }
}

static bool loader_realize(BbDevice *dev, GError **error)
{
    Loader *s = LOADER(dev);
    BbSystem *sys = bb_device_get_system(dev);

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "loader needs a machine with a system above it");
        return false;
    }
    if (!s->file || !*s->file) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "loader needs a file (e.g. --device "
                    "loader,file=Image,address=0x82000000)");
        return false;
    }
    if (!g_file_test(s->file, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_IO,
                    "loader: %s is not a readable file", s->file);
        return false;
    }
    s->listener = bb_system_add_run_state_listener(sys, loader_run_state, s);
    return true;
}

static void loader_unrealize(BbDevice *dev)
{
    Loader *s = LOADER(dev);

    if (s->listener) {
        bb_system_remove_run_state_listener(bb_device_get_system(dev),
                                            s->listener);
        s->listener = 0;
    }
}

/* A system reset puts the file back (the guest may have overwritten it);
 * the reset that follows realize, before the start, has nothing to do. */
static void loader_reset(BbDevice *dev)
{
    Loader *s = LOADER(dev);

    if (bb_system_get_run_state(bb_device_get_system(dev)) !=
        BB_RUN_STATE_CREATED) {
        loader_load(s);
    }
}

static const BbPropertyInfo loader_props[] = {
    BB_PROP_STRING("file", Loader, file, NULL, "file to put in memory"),
    BB_PROP_UINT("address", Loader, addr, 0, "guest-physical load address"),
    BB_PROP_END
};

/* Nothing to save: the loaded bytes are RAM's state, and file/addr are
 * configuration. */
static const BbStateField loader_state_fields[] = {
    BB_STATE_END
};

static const BbStateDesc loader_state = {
    .name = TYPE_LOADER,
    .version = 1,
    .min_version = 1,
    .fields = loader_state_fields,
    .size = sizeof(Loader),
};

static void loader_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, loader_props);
    dc->realize = loader_realize;
    dc->unrealize = loader_unrealize;
    dc->reset = loader_reset;
    dc->state = &loader_state;
}

const BbTypeInfo loader_info = {
    .name = TYPE_LOADER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(Loader),
    .class_init = loader_class_init,
    .description = "puts a file into guest memory at a fixed address "
                   "(QEMU's generic loader)",
};
