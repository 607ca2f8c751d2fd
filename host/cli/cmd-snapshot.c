/*
 * cmd-snapshot.c - `breadboard snapshot info FILE`: list the records of a
 * snapshot file (header, clock, one line per device or hart section with
 * its type and state version, RAM regions), after checking every
 * record's checksum.  The format is in docs/snapshots.md.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "snapshot/snapshot.h"

int cli_snapshot(int argc, char **argv)
{
    GError *error = NULL;

    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        g_print("Usage: breadboard snapshot info FILE\n\n"
                "List a snapshot's header, clock, device sections (with "
                "their state versions)\nand RAM regions.\n");
        return 0;
    }
    if (argc != 3 || strcmp(argv[1], "info")) {
        g_printerr("breadboard: snapshot: usage: breadboard snapshot info "
                   "FILE\n");
        return CLI_EXIT_USAGE;
    }
    g_autoptr(GString) out = g_string_new(NULL);
    if (!snapshot_describe(argv[2], out, &error)) {
        cli_report(error);
        return CLI_EXIT_ERROR;
    }
    fputs(out->str, stdout);
    return 0;
}
