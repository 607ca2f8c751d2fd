/*
 * cli.h - the subcommands of `breadboard` (host-internal).
 *
 * Each subcommand parses its own options (GOptionContext) and returns the
 * process exit status: 0 success, 1 error, 2 usage error.  Errors go to
 * stderr as "breadboard: MESSAGE".
 */
#ifndef HOST_CLI_CLI_H
#define HOST_CLI_CLI_H

#include <glib.h>

#include "plugin/registry.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 1
#define CLI_EXIT_USAGE 2

/* Options every subcommand that loads plugins accepts. */
typedef struct CliPluginOptions {
    char **plugin_dirs; /* --plugin-dir DIR, repeatable */
} CliPluginOptions;

/* Add --plugin-dir to @group, storing into @opts. */
void cli_add_plugin_options(GOptionGroup *group, CliPluginOptions *opts);
/* A registry with --plugin-dir dirs first, then @extra_dirs (board paths,
 * with their origin "board FILE"), then the defaults; scanned. */
Registry *cli_make_registry(const CliPluginOptions *opts,
                            char **extra_dirs, const char *extra_origin);
/* Print "breadboard: MESSAGE" and free the error. */
void cli_report(GError *error);

int cli_plugins(int argc, char **argv);
int cli_types(int argc, char **argv);
int cli_describe(int argc, char **argv);

#endif /* HOST_CLI_CLI_H */
