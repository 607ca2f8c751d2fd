/*
 * board-cmd.c - what the commands that take a board share (describe, run,
 * dtb): the --set/--device/--plugin-dir options and the boot shorthands,
 * loading the board file with its overrides (every --device first, then
 * every --set, each in command-line order, then --bios/--kernel/--initrd/
 * --append as boot.* settings, so that the explicit shorthand wins),
 * building the plugin registry with the board's own plugin directories,
 * and building the board.
 */
#include "cli/cli.h"

void cli_add_board_options(GOptionGroup *group, CliBoardOptions *o)
{
    GOptionEntry entries[] = {
        { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->sets,
          "Override a board setting, e.g. devices.uart0.chardev=null "
          "(repeatable)", "PATH=VALUE" },
        { "device", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->devices,
          "Add a device, e.g. edu,bus=pcie0,slot=2,function=0 or "
          "edu,bus=pcie0,addr=02.0 (repeatable)",
          "TYPE,KEY=VALUE,..." },
        { "bios", 0, 0, G_OPTION_ARG_FILENAME, &o->bios,
          "Firmware image (boot.firmware)", "FILE" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &o->kernel,
          "Kernel image (boot.kernel)", "FILE" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &o->initrd,
          "Initial ramdisk (boot.initrd)", "FILE" },
        { "append", 0, 0, G_OPTION_ARG_STRING, &o->append,
          "Kernel command line (boot.append)", "ARGS" },
        { NULL },
    };
    g_option_group_add_entries(group, entries);
    cli_add_plugin_options(group, &o->plugins);
}

void cli_board_options_clear(CliBoardOptions *o)
{
    g_strfreev(o->plugins.plugin_dirs);
    g_strfreev(o->sets);
    g_strfreev(o->devices);
    g_free(o->bios);
    g_free(o->kernel);
    g_free(o->initrd);
    g_free(o->append);
}

static BoardSpec *load_spec(const char *path, const CliBoardOptions *o,
                            GError **error)
{
    BoardSpec *spec = board_spec_load(path, error);

    for (char **d = o->devices; spec && d && *d; d++) {
        if (!board_spec_add_device(spec, *d, error)) {
            g_clear_pointer(&spec, board_spec_free);
        }
    }
    for (char **s = o->sets; spec && s && *s; s++) {
        if (!board_spec_set(spec, *s, error)) {
            g_clear_pointer(&spec, board_spec_free);
        }
    }
    const struct { const char *key; const char *value; } boot[] = {
        { "firmware", o->bios }, { "kernel", o->kernel },
        { "initrd", o->initrd }, { "append", o->append },
    };
    for (size_t i = 0; spec && i < G_N_ELEMENTS(boot); i++) {
        if (boot[i].value) {
            g_autofree char *set = g_strdup_printf("boot.%s=%s", boot[i].key,
                                                   boot[i].value);
            if (!board_spec_set(spec, set, error)) {
                g_clear_pointer(&spec, board_spec_free);
            }
        }
    }
    if (spec && !board_spec_check(spec, error)) {
        g_clear_pointer(&spec, board_spec_free);
    }
    return spec;
}

bool cli_board_open(CliBoard *cb, const char *path, const CliBoardOptions *o,
                    const BoardBuildOptions *bo, GError **error)
{
    g_auto(GStrv) dirs = NULL;
    g_autofree char *origin = NULL;

    cb->spec = load_spec(path, o, error);
    if (!cb->spec) {
        return false;
    }
    dirs = board_spec_plugin_dirs(cb->spec);
    origin = g_strdup_printf("board %s", path);
    cb->registry = cli_make_registry(&o->plugins, dirs, origin);
    cb->board = board_build(cb->spec, cb->registry, bo, error);
    return cb->board != NULL;
}

void cli_board_close(CliBoard *cb)
{
    g_clear_pointer(&cb->board, board_free);
    g_clear_pointer(&cb->spec, board_spec_free);
    g_clear_pointer(&cb->registry, registry_free);
}
