/*
 * main.c - `breadboard` command dispatch (bb_main) and the helpers every
 * subcommand shares: plugin-directory options, registry set-up, error
 * reporting.
 */
#include <stdio.h>
#include <string.h>

#include <breadboard/abi.h>
#include <breadboard/main.h>

#include "cli/cli.h"
#include "config.h"

typedef struct CliCommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} CliCommand;

static const CliCommand commands[] = {
    { "describe", cli_describe,
      "print a board's object tree, memory map and IRQ wiring" },
    { "dtb", cli_dtb, "write the device tree a board's machine generates" },
    { "plugins", cli_plugins, "list the plugins found and their types" },
    { "qmp", cli_qmp, "send one QMP command to a running breadboard" },
    { "run", cli_run, "run a board until it shuts down" },
    { "snapshot", cli_snapshot, "describe a snapshot file (snapshot info)" },
    { "types", cli_types, "list the registered types and their properties" },
};

void cli_add_plugin_options(GOptionGroup *group, CliPluginOptions *opts)
{
    GOptionEntry entries[] = {
        { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY,
          &opts->plugin_dirs, "Also load plugins from DIR (repeatable)",
          "DIR" },
        { NULL },
    };
    g_option_group_add_entries(group, entries);
}

Registry *cli_make_registry(const CliPluginOptions *opts, char **extra_dirs,
                            const char *extra_origin)
{
    Registry *reg = registry_new();

    for (char **d = opts ? opts->plugin_dirs : NULL; d && *d; d++) {
        registry_add_dir(reg, *d, "--plugin-dir");
    }
    for (char **d = extra_dirs; d && *d; d++) {
        registry_add_dir(reg, *d, extra_origin);
    }
    registry_add_default_dirs(reg);
    registry_scan(reg);
    /* A directory the user named but that cannot be read is most likely a
     * typo; say so before a "no plugin provides" error leaves them to
     * guess. */
    g_auto(GStrv) missing = registry_missing_dirs(reg, false);
    for (char **m = missing; *m; m++) {
        g_printerr("breadboard: warning: %s\n", *m);
    }
    return reg;
}

void cli_report(GError *error)
{
    g_printerr("breadboard: %s\n", error->message);
    g_error_free(error);
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: breadboard COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(out, "\nRun 'breadboard COMMAND --help' for a command's options."
                 "\n");
}

int bb_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
        !strcmp(cmd, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("breadboard %s (plugin ABI %d.%d)\n", BB_VERSION,
               BB_ABI_MAJOR, BB_ABI_MINOR);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!strcmp(cmd, commands[i].name)) {
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    g_printerr("breadboard: unknown command '%s'; commands: ", cmd);
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_printerr("%s%s", i ? ", " : "", commands[i].name);
    }
    g_printerr("\n");
    return CLI_EXIT_USAGE;
}
