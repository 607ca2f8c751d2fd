/*
 * board-include.c - `include:`, one board built on top of others.
 *
 * A board file may name other board files; they are loaded, in order and
 * recursively, into the same BoardSpec before the including file's own
 * keys, so the including file overrides and extends them key by key
 * (docs/boards.md, "Including boards", gives the merge rules; the device
 * merge is in board-device.c).  An include is found relative to the file
 * that names it; a bare file name that is not there is looked up among
 * the shipped boards (the source tree's boards/ when running from the
 * build tree, PREFIX/share/breadboard/boards when installed), so an
 * out-of-tree board can say `include: riscv-virt.yaml`.  A file is loaded
 * once even if several included boards include it.  Every node keeps
 * the file it was read from, so errors in an included file name that
 * file's line; cycles and missing files are errors at the include.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"
#include "config.h"

#define BOARD_MAX_INCLUDE_DEPTH 16 /* nesting limit (hostile input) */

char *board_origin_dir(const char *origin)
{
    g_autofree char *dir = g_path_get_dirname(origin);

    return g_canonicalize_filename(dir, NULL);
}

/* The shipped boards that belong with the running libbreadboard.so: the
 * source tree's when it runs from the build tree, else the install
 * prefix's (the same rule as the built-in plugin directory). */
static char *shipped_board_dir(void)
{
    static const char suffix[] = "/" BB_INSTALL_LIBDIR;
    g_autofree char *lib = NULL, *libdir = NULL, *build_lib = NULL;
    Dl_info info;
    size_t len;

    if (!dladdr((void *)shipped_board_dir, &info) || !info.dli_fname) {
        return g_strdup(BB_SOURCE_BOARD_DIR);
    }
    lib = realpath(info.dli_fname, NULL);
    libdir = g_path_get_dirname(lib ? lib : info.dli_fname);
    build_lib = realpath(BB_BUILD_LIB_DIR, NULL);
    if (build_lib && !strcmp(libdir, build_lib)) {
        return g_strdup(BB_SOURCE_BOARD_DIR);
    }
    len = strlen(libdir);
    if (len > strlen(suffix) &&
        !strcmp(libdir + len - strlen(suffix), suffix)) {
        g_autofree char *prefix = g_strndup(libdir, len - strlen(suffix));
        return g_build_filename(prefix, BB_INSTALL_BOARD_DIR, NULL);
    }
    return g_build_filename(libdir, "..", BB_INSTALL_BOARD_DIR, NULL);
}

/* @name as the path to open and to show in messages: relative to the
 * directory of the including file (kept relative if that file's path
 * is), else, for a bare file name, among the shipped boards. */
static char *find_include(const BoardNode *item, const char *name,
                          GError **error)
{
    g_autofree char *dir = g_path_get_dirname(item->loc.origin);
    g_autofree char *near = NULL, *shipped = NULL, *in_shipped = NULL;

    if (g_path_is_absolute(name)) {
        near = g_strdup(name);
    } else {
        near = strcmp(dir, ".") ? g_build_filename(dir, name, NULL)
                                : g_strdup(name);
    }
    if (g_file_test(near, G_FILE_TEST_EXISTS)) {
        return g_steal_pointer(&near);
    }
    if (strchr(name, '/')) {
        board_error(error, BB_ERROR_NOT_FOUND, &item->loc,
                    "cannot include '%s': %s does not exist", name, near);
        return NULL;
    }
    shipped = shipped_board_dir();
    in_shipped = g_build_filename(shipped, name, NULL);
    if (g_file_test(in_shipped, G_FILE_TEST_EXISTS)) {
        return g_steal_pointer(&in_shipped);
    }
    board_error(error, BB_ERROR_NOT_FOUND, &item->loc,
                "cannot include '%s': neither %s nor the shipped board %s "
                "exists", name, near, in_shipped);
    return NULL;
}

/* The identity of a file for cycle detection. */
static char *file_key(const char *path)
{
    char *real = realpath(path, NULL);
    char *key;

    if (!real) {
        return g_canonicalize_filename(path, NULL);
    }
    key = g_strdup(real);
    free(real);
    return key;
}

bool board_include_enter(BoardSpec *spec, const char *origin,
                         const BoardLoc *from, GError **error)
{
    char *key = file_key(origin);

    for (guint i = 0; i < spec->include_stack->len; i += 2) {
        if (!strcmp(g_ptr_array_index(spec->include_stack, i), key)) {
            g_autoptr(GString) chain = g_string_new(NULL);
            for (guint j = 1; j < spec->include_stack->len; j += 2) {
                g_string_append_printf(chain, "%s -> ", (char *)
                                       g_ptr_array_index(spec->include_stack,
                                                         j));
            }
            g_string_append(chain, origin);
            board_error(error, BB_ERROR_INVALID, from,
                        "include cycle: %s", chain->str);
            g_free(key);
            return false;
        }
    }
    if (spec->include_stack->len / 2 > BOARD_MAX_INCLUDE_DEPTH) {
        board_error(error, BB_ERROR_INVALID, from,
                    "includes nested more than %d deep",
                    BOARD_MAX_INCLUDE_DEPTH);
        g_free(key);
        return false;
    }
    g_ptr_array_add(spec->include_stack, key);
    g_ptr_array_add(spec->include_stack, g_strdup(origin));
    return true;
}

/* Record that the file on top of the chain is being loaded; false if it
 * was loaded before (a board two included boards both include). */
bool board_include_first(BoardSpec *spec)
{
    const char *key = g_ptr_array_index(spec->include_stack,
                                        spec->include_stack->len - 2);

    if (g_hash_table_contains(spec->loaded, key)) {
        return false;
    }
    g_hash_table_add(spec->loaded, g_strdup(key));
    return true;
}

void board_include_leave(BoardSpec *spec)
{
    g_ptr_array_set_size(spec->include_stack,
                         spec->include_stack->len - 2);
}

static bool include_one(BoardSpec *spec, const BoardNode *item,
                        GError **error)
{
    const char *name = board_get_string(item, "include", error);
    g_autofree char *origin = NULL;
    bool ok;

    origin = name ? find_include(item, name, error) : NULL;
    if (!origin || !board_include_enter(spec, origin, &item->loc, error)) {
        return false;
    }
    /* Loaded once: loading it again would undo what the boards included
     * in between changed in it. */
    ok = !board_include_first(spec) ||
         board_spec_load_file(spec, origin, &item->loc, error);
    board_include_leave(spec);
    return ok;
}

bool board_include(BoardSpec *spec, const BoardNode *value, GError **error)
{
    if (board_node_is_null(value)) {
        return true;
    }
    if (value->kind == BOARD_NODE_SCALAR) {
        return include_one(spec, value, error);
    }
    if (value->kind != BOARD_NODE_SEQ) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "include must be a board file or a list of them, not %s",
                    board_node_kind_name(value));
        return false;
    }
    for (guint i = 0; i < value->items->len; i++) {
        if (!include_one(spec, g_ptr_array_index(value->items, i), error)) {
            return false;
        }
    }
    return true;
}
