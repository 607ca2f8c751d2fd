/*
 * cmd-describe.c - `breadboard describe BOARD.yaml [--device ...]
 * [--set ...]`: load a board, apply the command-line overrides (every
 * --device first, then every --set, each in command-line order), build it
 * with the plugins it needs, and print its object tree, memory map, IRQ
 * wiring, buses, chardevs and boot images (board-describe.c).  Nothing
 * runs: this is the way to check a board file.
 */
#include <stdio.h>

#include "board/board.h"
#include "cli/cli.h"

typedef struct DescribeOptions {
    CliPluginOptions plugins;
    char **sets;    /* --set PATH=VALUE */
    char **devices; /* --device TYPE,KEY=VALUE,... */
} DescribeOptions;

static void describe_options_clear(DescribeOptions *o)
{
    g_strfreev(o->plugins.plugin_dirs);
    g_strfreev(o->sets);
    g_strfreev(o->devices);
}

/* Load, override and check the board; NULL with @error on failure. */
static BoardSpec *load_spec(const char *path, const DescribeOptions *o,
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
    if (spec && !board_spec_check(spec, error)) {
        g_clear_pointer(&spec, board_spec_free);
    }
    return spec;
}

static int describe(const char *path, const DescribeOptions *o)
{
    GError *error = NULL;
    BoardSpec *spec = load_spec(path, o, &error);
    g_auto(GStrv) dirs = NULL;
    g_autofree char *origin = NULL;
    Registry *reg;
    Board *board;

    if (!spec) {
        cli_report(error);
        return CLI_EXIT_ERROR;
    }
    dirs = board_spec_plugin_dirs(spec);
    origin = g_strdup_printf("board %s", path);
    reg = cli_make_registry(&o->plugins, dirs, origin);
    board = board_build(spec, reg, &error);
    if (!board) {
        cli_report(error);
    } else {
        g_autoptr(GString) out = g_string_new(NULL);
        board_describe(board, out);
        fwrite(out->str, 1, out->len, stdout);
        board_free(board);
    }
    board_spec_free(spec);
    registry_free(reg);
    return board ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

int cli_describe(int argc, char **argv)
{
    DescribeOptions o = { { NULL }, NULL, NULL };
    GOptionEntry entries[] = {
        { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sets,
          "Override a board setting, e.g. devices.uart0.chardev=null "
          "(repeatable)", "PATH=VALUE" },
        { "device", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.devices,
          "Add a device, e.g. edu,bus=pcie0,slot=2 (repeatable)",
          "TYPE,KEY=VALUE,..." },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(
        "BOARD.yaml - print a board's object tree, memory map and IRQ "
        "wiring");
    GError *error = NULL;
    int status;

    g_option_context_add_main_entries(ctx, entries, NULL);
    cli_add_plugin_options(g_option_context_get_main_group(ctx), &o.plugins);
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        cli_report(error);
        describe_options_clear(&o);
        return CLI_EXIT_USAGE;
    }
    if (argc != 2) {
        g_printerr("breadboard: describe: %s\n",
                   argc < 2 ? "missing BOARD argument (a .yaml file)"
                            : "expected exactly one BOARD argument");
        describe_options_clear(&o);
        return CLI_EXIT_USAGE;
    }
    status = describe(argv[1], &o);
    describe_options_clear(&o);
    return status;
}
