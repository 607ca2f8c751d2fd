/*
 * board.h - YAML board descriptions (host-internal).
 *
 * board_spec_load() parses a board file into a BoardSpec, checking each
 * entry on its own (syntax, known keys, numbers, reference syntax);
 * command-line overrides are applied to the spec; board_spec_check()
 * checks the whole (ids, references between entries, overlapping
 * ranges); board_build() runs that check again, resolves the types
 * through the plugin registry, creates the object tree under a fresh root,
 * sets properties, realizes everything and wires the IRQs.  Errors name
 * FILE:LINE:COLUMN (or the command-line option) and list the valid
 * choices; all of them are in the BB_BOARD_ERROR domain.  The format is
 * documented in docs/boards.md; the pieces are in board-internal.h.
 */
#ifndef HOST_BOARD_BOARD_H
#define HOST_BOARD_BOARD_H

#include <stdbool.h>

#include <glib.h>

#include <breadboard/machine.h>
#include <breadboard/system.h>

#include "plugin/registry.h"

#define BOARD_SCHEMA_VERSION 1 /* newest schema this host understands */

typedef struct BoardSpec BoardSpec;
typedef struct Board Board;

BoardSpec *board_spec_load(const char *path, GError **error);
/* The same from YAML text; @origin names it in messages (and relative
 * paths in it resolve from the current directory). */
BoardSpec *board_spec_load_string(const char *text, const char *origin,
                                  GError **error);
void board_spec_free(BoardSpec *spec);
/* --set PATH=VALUE */
bool board_spec_set(BoardSpec *spec, const char *assignment, GError **error);
/* --device TYPE,key=value,... */
bool board_spec_add_device(BoardSpec *spec, const char *desc, GError **error);
/* Whole-board checks run after overrides. */
bool board_spec_check(BoardSpec *spec, GError **error);
/* Plugin directories named by the board, absolute, NULL-terminated. */
char **board_spec_plugin_dirs(const BoardSpec *spec);

/* @spec is borrowed and must outlive the board. */
/* How to build a board. */
typedef struct BoardBuildOptions {
    bool icount;           /* deterministic time */
    unsigned icount_shift; /* 2^shift ns per instruction */
    bool open_backends;    /* open chardevs for real; else as "null" */
} BoardBuildOptions;

/* @opts may be NULL (host time, backends replaced by "null"). */
Board *board_build(BoardSpec *spec, Registry *reg,
                   const BoardBuildOptions *opts, GError **error);
/* The run-time system the board's machine uses. */
BbSystem *board_get_system(Board *board);
void board_free(Board *board);
BbObject *board_get_root(Board *board);
BbMachine *board_get_machine(Board *board);
/* Object tree, memory map and IRQ wiring, as `breadboard describe` prints. */
void board_describe(Board *board, GString *out);
/* The same as one JSON object (board-describe-json.c) and as a Graphviz
 * graph (board-describe-dot.c); shapes in docs/boards.md. */
void board_describe_json(Board *board, GString *out);
void board_describe_dot(Board *board, GString *out);

#endif /* HOST_BOARD_BOARD_H */
