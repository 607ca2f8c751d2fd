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

static int describe(const char *path, const CliBoardOptions *o)
{
    CliBoard cb = { 0 };
    GError *error = NULL;
    int status = CLI_EXIT_OK;

    if (!cli_board_open(&cb, path, o, NULL, &error)) {
        cli_report(error);
        status = CLI_EXIT_ERROR;
    } else {
        g_autoptr(GString) out = g_string_new(NULL);
        board_describe(cb.board, out);
        fwrite(out->str, 1, out->len, stdout);
    }
    cli_board_close(&cb);
    return status;
}

int cli_describe(int argc, char **argv)
{
    CliBoardOptions o = { { NULL } };
    g_autoptr(GOptionContext) ctx = g_option_context_new(
        "BOARD.yaml - print a board's object tree, memory map and IRQ "
        "wiring");
    GOptionGroup *group = g_option_group_new("describe", "describe options",
                                             "describe options", NULL, NULL);
    GError *error = NULL;
    int status;

    cli_add_board_options(group, &o);
    g_option_context_set_main_group(ctx, group);
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        cli_report(error);
        cli_board_options_clear(&o);
        return CLI_EXIT_USAGE;
    }
    if (argc != 2) {
        g_printerr("breadboard: describe: %s\n",
                   argc < 2 ? "missing BOARD argument (a .yaml file)"
                            : "expected exactly one BOARD argument");
        cli_board_options_clear(&o);
        return CLI_EXIT_USAGE;
    }
    status = describe(argv[1], &o);
    cli_board_options_clear(&o);
    return status;
}
