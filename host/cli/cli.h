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

#include "board/board.h"
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

/* Options of commands that take a board (describe, run). */
typedef struct CliBoardOptions {
    CliPluginOptions plugins;
    char **sets;    /* --set PATH=VALUE */
    char **devices; /* --device TYPE,KEY=VALUE,... */
    char *bios, *kernel, *initrd, *append; /* --bios... = --set boot.* */
} CliBoardOptions;

/* A board opened by a command, and what it needs alive. */
typedef struct CliBoard {
    BoardSpec *spec;
    Registry *registry;
    Board *board;
} CliBoard;

/* Add --set, --device, --plugin-dir and the boot shorthands (--bios,
 * --kernel, --initrd, --append) to @group. */
void cli_add_board_options(GOptionGroup *group, CliBoardOptions *o);
void cli_board_options_clear(CliBoardOptions *o);
/* Load @path with the overrides, make the registry, build the board. */
bool cli_board_open(CliBoard *cb, const char *path, const CliBoardOptions *o,
                    const BoardBuildOptions *bo, GError **error);
void cli_board_close(CliBoard *cb);

int cli_plugins(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_qmp(int argc, char **argv);
int cli_types(int argc, char **argv);
int cli_describe(int argc, char **argv);
int cli_dtb(int argc, char **argv);
int cli_snapshot(int argc, char **argv);

#endif /* HOST_CLI_CLI_H */
