/*
 * cmd-dtb.c - `breadboard dtb BOARD.yaml [-o FILE] [board options]`:
 * build a board (nothing runs) and write the flattened device tree its
 * machine and devices describe (bb_machine_build_fdt()) - the tree the
 * riscv-virt machine hands to the firmware.  Without -o, or with "-o -",
 * the blob goes to standard output; decompile it with
 * `dtc -I dtb -O dts`.
 */
#include <errno.h>
#include <stdio.h>

#include <breadboard/machine.h>

#include "board/board.h"
#include "cli/cli.h"

/* Write the blob to @out, or to standard output for NULL or "-". */
static bool write_blob(const char *out, const void *blob, size_t size,
                       GError **error)
{
    bool to_stdout = !out || !strcmp(out, "-");
    FILE *f = to_stdout ? stdout : fopen(out, "wb");
    bool ok = f && fwrite(blob, 1, size, f) == size;

    if (f && (to_stdout ? fflush(f) : fclose(f)) != 0) {
        ok = false;
    }
    if (!ok) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_IO,
                    "cannot write the device tree to %s: %s",
                    to_stdout ? "standard output" : out, g_strerror(errno));
    }
    return ok;
}

static int dtb(const char *path, const CliBoardOptions *o, const char *out)
{
    CliBoard cb = { 0 };
    GError *error = NULL;
    int status = CLI_EXIT_ERROR;
    BbFdt *fdt = NULL;

    if (cli_board_open(&cb, path, o, NULL, &error) &&
        (fdt = bb_machine_build_fdt(board_get_machine(cb.board), &error))) {
        size_t size;
        const void *blob = bb_fdt_get_blob(fdt, &size);
        if (write_blob(out, blob, size, &error)) {
            status = CLI_EXIT_OK;
        }
    }
    if (error) {
        cli_report(error);
    }
    bb_fdt_free(fdt);
    cli_board_close(&cb);
    return status;
}

int cli_dtb(int argc, char **argv)
{
    CliBoardOptions o = { { NULL } };
    char *out = NULL;
    GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
          "Write the blob to FILE (default: standard output)", "FILE" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(
        "BOARD.yaml - write the board's flattened device tree");
    GOptionGroup *group = g_option_group_new("dtb", "dtb options",
                                             "dtb options", NULL, NULL);
    GError *error = NULL;
    int status = CLI_EXIT_USAGE;

    g_option_group_add_entries(group, entries);
    cli_add_board_options(group, &o);
    g_option_context_set_main_group(ctx, group);
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        cli_report(error);
    } else if (argc != 2) {
        g_printerr("breadboard: dtb: %s\n",
                   argc < 2 ? "missing BOARD argument (a .yaml file)"
                            : "expected exactly one BOARD argument");
    } else {
        status = dtb(argv[1], &o, out);
    }
    g_free(out);
    cli_board_options_clear(&o);
    return status;
}
