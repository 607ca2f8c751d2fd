/*
 * cmd-describe.c - `breadboard describe BOARD.yaml [--format FORMAT]
 * [--device ...] [--set ...]`: load a board, apply the command-line
 * overrides (every --device first, then every --set, each in command-line
 * order), build it with the plugins it needs, and print its object tree,
 * memory map, IRQ wiring, buses, chardevs and boot images as text
 * (board-describe.c), JSON (board-describe-json.c) or a Graphviz graph
 * (board-describe-dot.c).  Nothing runs: this is the way to check a board
 * file.
 */
#include <stdio.h>
#include <string.h>

#include "board/board.h"
#include "cli/cli.h"

typedef void (*DescribeFn)(Board *board, GString *out);

static const struct {
    const char *name;
    DescribeFn fn;
} formats[] = {
    { "text", board_describe },
    { "json", board_describe_json },
    { "dot", board_describe_dot },
};

static int describe(const char *path, const CliBoardOptions *o,
                    DescribeFn fn)
{
    CliBoard cb = { 0 };
    GError *error = NULL;
    int status = CLI_EXIT_OK;

    if (!cli_board_open(&cb, path, o, NULL, &error)) {
        cli_report(error);
        status = CLI_EXIT_ERROR;
    } else {
        g_autoptr(GString) out = g_string_new(NULL);
        fn(cb.board, out);
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
    g_autofree char *format = NULL;
    GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format,
          "Output format: text (default), json or dot (Graphviz)",
          "FORMAT" },
        { NULL },
    };
    DescribeFn fn = board_describe;
    GError *error = NULL;
    int status;

    g_option_group_add_entries(group, entries);
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
    if (format) {
        guint i = 0;
        while (i < G_N_ELEMENTS(formats) && strcmp(formats[i].name, format)) {
            i++;
        }
        if (i == G_N_ELEMENTS(formats)) {
            g_printerr("breadboard: describe: unknown format '%s'; formats: "
                       "text, json, dot\n", format);
            cli_board_options_clear(&o);
            return CLI_EXIT_USAGE;
        }
        fn = formats[i].fn;
    }
    status = describe(argv[1], &o, fn);
    cli_board_options_clear(&o);
    return status;
}
