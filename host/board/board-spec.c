/*
 * board-spec.c - from the YAML node tree to a BoardSpec.
 *
 * Each mapping of the format (the board, ram, harts, boot, plugins, a
 * device) has a table of its valid keys and one small loader per key; a
 * key not in the table is an error that lists the table (and suggests the
 * closest name).  The per-key loaders are shared with the command-line
 * overrides (board-override.c), so `--set ram.size=1G` is checked exactly
 * like `size: 1G` in the file.  Loading checks every item on its own
 * (syntax, numbers, ranges); checks between items are in board-check.c.
 * The format is documented in docs/boards.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <breadboard/error.h>

#include "board/board-internal.h"

const char *const board_boot_keys[BOARD_BOOT_N] = {
    "firmware", "kernel", "initrd", "append", "dtb",
};

/* Board-relative path: board text is relative to the directory of the
 * file it is written in (an included file's own directory, so a board
 * can be included from anywhere), command-line text to the current
 * directory. */
static char *resolve_path(const BoardSpec *spec, const BoardNode *node,
                          const char *path)
{
    g_autofree char *dir = NULL;

    if (g_path_is_absolute(path)) {
        return g_canonicalize_filename(path, NULL);
    }
    if (node->loc.line > 0) {
        dir = board_origin_dir(node->loc.origin);
        return g_canonicalize_filename(path, dir);
    }
    return g_canonicalize_filename(path, NULL);
}

bool board_spec_check_id(const char *what, const char *id,
                         const BoardLoc *loc, GError **error)
{
    bool ok = g_ascii_islower(id[0]) && strlen(id) <= 64;

    for (const char *p = id; ok && *p; p++) {
        ok = g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_' ||
             *p == '-';
    }
    if (!ok) {
        board_error(error, BB_ERROR_INVALID, loc,
                    "invalid %s id '%s': ids are 1-64 lowercase letters, "
                    "digits, '_' and '-', starting with a letter", what, id);
        return false;
    }
    if (!strcmp(what, "device") && g_str_has_prefix(id, "hart") && id[4] &&
        strspn(id + 4, "0123456789") == strlen(id + 4)) {
        board_error(error, BB_ERROR_INVALID, loc,
                    "device id '%s' is reserved: hartN names the harts", id);
        return false;
    }
    return true;
}

/* ----------------------------------------------------------------- ram */

static bool ram_base(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    if (!board_parse_u64(value, "ram.base", true, &spec->ram_base, error)) {
        return false;
    }
    spec->has_ram = spec->has_ram_base = true;
    return true;
}

static bool ram_size(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    if (!board_parse_u64(value, "ram.size", true, &spec->ram_size, error)) {
        return false;
    }
    if (!spec->ram_size) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "ram.size must not be 0 (leave 'ram' out for a board "
                    "without RAM)");
        return false;
    }
    spec->has_ram = spec->has_ram_size = true;
    return true;
}

static const BoardKeyDef ram_keys[] = {
    { "base", ram_base },
    { "size", ram_size },
    { NULL, NULL },
};

/* --------------------------------------------------------------- harts */

static bool harts_count(BoardSpec *spec, void *t, const BoardNode *key,
                        const BoardNode *value, GError **error)
{
    uint64_t n;

    if (!board_parse_u64(value, "harts.count", false, &n, error)) {
        return false;
    }
    if (n < 1 || n > BOARD_MAX_HARTS) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "harts.count %" G_GUINT64_FORMAT " is out of range "
                    "(1-%d)", n, BOARD_MAX_HARTS);
        return false;
    }
    spec->hart_count = (unsigned)n;
    spec->has_harts = true;
    return true;
}

static bool harts_type(BoardSpec *spec, void *t, const BoardNode *key,
                       const BoardNode *value, GError **error)
{
    spec->has_harts = true;
    return board_set_string(&spec->hart_type, &spec->hart_type_loc, value,
                            "harts.type", error);
}

static bool harts_isa(BoardSpec *spec, void *t, const BoardNode *key,
                      const BoardNode *value, GError **error)
{
    spec->has_harts = true;
    return board_set_string(&spec->hart_isa, &spec->hart_isa_loc, value,
                            "harts.isa", error);
}

static bool harts_props(BoardSpec *spec, void *t, const BoardNode *key,
                        const BoardNode *value, GError **error)
{
    return board_load_props(spec->hart_props, value, "harts.props", error);
}

static const BoardKeyDef harts_keys[] = {
    { "count", harts_count },
    { "type", harts_type },
    { "isa", harts_isa },
    { "props", harts_props },
    { NULL, NULL },
};

/* ---------------------------------------------------------------- boot */

static bool boot_key(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    g_autofree char *what = g_strdup_printf("boot.%s", key->value);
    guint i;
    const char *s;

    for (i = 0; strcmp(board_boot_keys[i], key->value); i++) {
    }
    if (board_node_is_null(value)) {
        g_clear_pointer(&spec->boot[i], g_free);
        return true;
    }
    if (i == BOARD_BOOT_APPEND) {
        if (!board_expect_kind(value, BOARD_NODE_SCALAR, what, error)) {
            return false;
        }
        s = value->value;
    } else {
        s = board_get_string(value, what, error);
        if (!s) {
            return false;
        }
    }
    g_free(spec->boot[i]);
    spec->boot[i] = i == BOARD_BOOT_APPEND ? g_strdup(s)
                                           : resolve_path(spec, value, s);
    spec->boot_loc[i] = value->loc;
    return true;
}

static const BoardKeyDef boot_keys[] = {
    { "firmware", boot_key },
    { "kernel", boot_key },
    { "initrd", boot_key },
    { "append", boot_key },
    { "dtb", boot_key },
    { NULL, NULL },
};

/* ------------------------------------------------------------- plugins */

static void board_require_free(gpointer p)
{
    BoardRequire *req = p;

    g_free(req->text);
    g_free(req->name);
    g_free(req);
}

/* A sequence of scalars, or one scalar. */
static bool foreach_scalar(const BoardNode *value, const char *what,
                           bool (*fn)(BoardSpec *, const BoardNode *,
                           GError **),
                           BoardSpec *spec, GError **error)
{
    if (value->kind == BOARD_NODE_SCALAR) {
        return board_node_is_null(value) || fn(spec, value, error);
    }
    if (!board_expect_kind(value, BOARD_NODE_SEQ, what, error)) {
        return false;
    }
    for (guint i = 0; i < value->items->len; i++) {
        const BoardNode *item = g_ptr_array_index(value->items, i);
        if (!board_expect_kind(item, BOARD_NODE_SCALAR, what, error) ||
            !fn(spec, item, error)) {
            return false;
        }
    }
    return true;
}

static bool add_plugin_path(BoardSpec *spec, const BoardNode *item,
                            GError **error)
{
    const char *s = board_get_string(item, "plugins.paths entry", error);

    if (s) {
        g_ptr_array_add(spec->plugin_dirs, resolve_path(spec, item, s));
    }
    return s != NULL;
}

static bool add_require(BoardSpec *spec, const BoardNode *item,
                        GError **error)
{
    BoardRequire *req = g_new0(BoardRequire, 1);

    if (!board_parse_require(item->value, req, &item->loc, error)) {
        board_require_free(req);
        return false;
    }
    g_ptr_array_add(spec->requires, req);
    return true;
}

/* A file adds to the lists of the boards it includes; --set replaces. */
static bool plugins_paths(BoardSpec *spec, void *t, const BoardNode *key,
                          const BoardNode *value, GError **error)
{
    if (key->loc.line == 0) {
        g_ptr_array_set_size(spec->plugin_dirs, 0);
    }
    return foreach_scalar(value, "plugins.paths", add_plugin_path, spec,
                          error);
}

static bool plugins_require(BoardSpec *spec, void *t, const BoardNode *key,
                            const BoardNode *value, GError **error)
{
    if (key->loc.line == 0) {
        g_ptr_array_set_size(spec->requires, 0);
    }
    return foreach_scalar(value, "plugins.require", add_require, spec,
                          error);
}

static const BoardKeyDef plugins_keys[] = {
    { "paths", plugins_paths },
    { "require", plugins_require },
    { NULL, NULL },
};

/* ------------------------------------------------------------ chardevs */

static void board_chardev_free(gpointer p)
{
    BoardChardev *cd = p;

    g_free(cd->id);
    g_free(cd->backend);
    g_free(cd);
}

bool board_spec_load_chardev(BoardSpec *spec, const BoardNode *key,
                             const BoardNode *value, GError **error)
{
    g_autofree char *what = g_strdup_printf("chardev '%s'", key->value);
    const char *backend;
    BoardChardev *cd;

    if (!board_spec_check_id("chardev", key->value, &key->loc, error)) {
        return false;
    }
    backend = board_get_string(value, what, error);
    if (!backend ||
        !board_parse_chardev(key->value, backend, &value->loc, error)) {
        return false;
    }
    for (guint i = 0; i < spec->chardevs->len; i++) {
        cd = g_ptr_array_index(spec->chardevs, i);
        if (!strcmp(cd->id, key->value)) {
            g_free(cd->backend);
            cd->backend = g_strdup(backend);
            cd->loc = value->loc;
            return true;
        }
    }
    cd = g_new0(BoardChardev, 1);
    cd->id = g_strdup(key->value);
    cd->backend = g_strdup(backend);
    cd->loc = value->loc;
    g_ptr_array_add(spec->chardevs, cd);
    return true;
}

/* ------------------------------------------------------------ top level */

static bool top_schema(BoardSpec *spec, void *t, const BoardNode *key,
                       const BoardNode *value, GError **error)
{
    uint64_t v;

    if (!board_parse_u64(value, "schema", false, &v, error)) {
        return false;
    }
    if (v > BOARD_SCHEMA_VERSION) {
        board_error(error, BB_ERROR_VERSION, &value->loc,
                    "board schema %" G_GUINT64_FORMAT " is newer than this "
                    "breadboard supports (%d): breadboard too old", v,
                    BOARD_SCHEMA_VERSION);
        return false;
    }
    if (v < 1) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "board schema 0 does not exist; schemas start at 1 "
                    "(this breadboard reads up to %d)", BOARD_SCHEMA_VERSION);
        return false;
    }
    spec->schema = (unsigned)v;
    spec->has_schema = true;
    spec->schema_loc = value->loc;
    return true;
}

static bool top_name(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    return board_set_string(&spec->name, NULL, value, "name", error);
}

static bool top_machine(BoardSpec *spec, void *t, const BoardNode *key,
                        const BoardNode *value, GError **error)
{
    return board_set_string(&spec->machine, &spec->machine_loc, value,
                            "machine", error);
}

static bool top_machine_props(BoardSpec *spec, void *t, const BoardNode *key,
                              const BoardNode *value, GError **error)
{
    return board_load_props(spec->machine_props, value, "machine-props",
                            error);
}

static bool top_ram(BoardSpec *spec, void *t, const BoardNode *key,
                    const BoardNode *value, GError **error)
{
    spec->ram_loc = key->loc;
    if (!board_expect_kind(value, BOARD_NODE_MAP, "ram", error)) {
        return false;
    }
    spec->has_ram = true;
    return board_load_map(spec, ram_keys, "ram", NULL, value, error);
}

static bool top_harts(BoardSpec *spec, void *t, const BoardNode *key,
                      const BoardNode *value, GError **error)
{
    spec->harts_loc = key->loc;
    if (!board_expect_kind(value, BOARD_NODE_MAP, "harts", error)) {
        return false;
    }
    spec->has_harts = true;
    return board_load_map(spec, harts_keys, "harts", NULL, value, error);
}

static bool top_chardevs(BoardSpec *spec, void *t, const BoardNode *key,
                         const BoardNode *value, GError **error)
{
    if (board_node_is_null(value)) {
        return true;
    }
    if (!board_expect_kind(value, BOARD_NODE_MAP, "chardevs", error)) {
        return false;
    }
    for (guint i = 0; i + 1 < value->items->len; i += 2) {
        if (!board_spec_load_chardev(spec, g_ptr_array_index(value->items, i),
                                     g_ptr_array_index(value->items, i + 1),
                                     error)) {
            return false;
        }
    }
    return true;
}

static bool top_boot(BoardSpec *spec, void *t, const BoardNode *key,
                     const BoardNode *value, GError **error)
{
    return board_load_map(spec, boot_keys, "boot", NULL, value, error);
}

static bool top_plugins(BoardSpec *spec, void *t, const BoardNode *key,
                        const BoardNode *value, GError **error)
{
    return board_load_map(spec, plugins_keys, "plugins", NULL, value, error);
}

static bool top_devices(BoardSpec *spec, void *t, const BoardNode *key,
                        const BoardNode *value, GError **error)
{
    if (board_node_is_null(value)) {
        return true;
    }
    if (value->loc.line == 0) {
        board_error(error, BB_ERROR_INVALID, &value->loc,
                    "devices cannot be replaced as a whole; use "
                    "devices.ID.KEY=VALUE or --device");
        return false;
    }
    if (!board_expect_kind(value, BOARD_NODE_SEQ, "devices", error)) {
        return false;
    }
    for (guint i = 0; i < value->items->len; i++) {
        if (!board_load_device(spec, g_ptr_array_index(value->items, i),
                               error)) {
            return false;
        }
    }
    return true;
}

/* Includes are loaded by load_root() before the file's other keys; this
 * entry makes `include` a known key, and refuses it from --set. */
static bool top_include(BoardSpec *spec, void *t, const BoardNode *key,
                        const BoardNode *value, GError **error)
{
    if (key->loc.line == 0) {
        board_error(error, BB_ERROR_INVALID, &key->loc,
                    "include can only be given in a board file");
        return false;
    }
    return true;
}

static const BoardKeyDef top_keys[] = {
    { "schema", top_schema },
    { "include", top_include },
    { "name", top_name },
    { "machine", top_machine },
    { "machine-props", top_machine_props },
    { "ram", top_ram },
    { "harts", top_harts },
    { "chardevs", top_chardevs },
    { "boot", top_boot },
    { "plugins", top_plugins },
    { "devices", top_devices },
    { NULL, NULL },
};

bool board_spec_load_top_key(BoardSpec *spec, const BoardNode *key,
                             const BoardNode *value, GError **error)
{
    return board_dispatch_key(spec, top_keys, "board", NULL, key, value,
                              error);
}

static const struct {
    const char *name;
    const BoardKeyDef *keys;
} sections[] = {
    { "ram", ram_keys },
    { "harts", harts_keys },
    { "boot", boot_keys },
    { "plugins", plugins_keys },
};

bool board_spec_is_section(const char *key)
{
    for (guint i = 0; i < G_N_ELEMENTS(sections); i++) {
        if (!strcmp(sections[i].name, key)) {
            return true;
        }
    }
    return false;
}

bool board_spec_load_section_key(BoardSpec *spec, const char *section,
                                 const BoardNode *key,
                                 const BoardNode *value, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(sections); i++) {
        if (!strcmp(sections[i].name, section)) {
            if (!strcmp(section, "ram")) {
                spec->ram_loc = key->loc;
            } else if (!strcmp(section, "harts")) {
                spec->harts_loc = key->loc;
            }
            return board_dispatch_key(spec, sections[i].keys, section, NULL,
                                      key, value, error);
        }
    }
    return false;
}

/* ----------------------------------------------------------- the spec */

BoardSpec *board_spec_new(const char *path)
{
    BoardSpec *spec = g_new0(BoardSpec, 1);

    spec->path = g_strdup(path);
    spec->strings = g_string_chunk_new(256);
    spec->file_loc = (BoardLoc){ board_spec_intern(spec, path), 1, 1 };
    spec->machine = g_strdup(BB_TYPE_MACHINE);
    spec->machine_loc = spec->file_loc;
    spec->machine_props = g_ptr_array_new_with_free_func(board_prop_free);
    spec->hart_props = g_ptr_array_new_with_free_func(board_prop_free);
    spec->chardevs = g_ptr_array_new_with_free_func(board_chardev_free);
    spec->plugin_dirs = g_ptr_array_new_with_free_func(g_free);
    spec->requires = g_ptr_array_new_with_free_func(board_require_free);
    spec->devices = g_ptr_array_new_with_free_func(
        (GDestroyNotify)board_device_free);
    spec->include_stack = g_ptr_array_new_with_free_func(g_free);
    spec->loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         NULL);
    return spec;
}

void board_spec_free(BoardSpec *spec)
{
    if (!spec) {
        return;
    }
    g_free(spec->path);
    g_string_chunk_free(spec->strings);
    g_free(spec->name);
    g_free(spec->machine);
    g_ptr_array_free(spec->machine_props, true);
    g_free(spec->hart_type);
    g_free(spec->hart_isa);
    g_ptr_array_free(spec->hart_props, true);
    g_ptr_array_free(spec->chardevs, true);
    for (guint i = 0; i < BOARD_BOOT_N; i++) {
        g_free(spec->boot[i]);
    }
    g_ptr_array_free(spec->plugin_dirs, true);
    g_ptr_array_free(spec->requires, true);
    g_ptr_array_free(spec->devices, true);
    g_ptr_array_free(spec->include_stack, true);
    g_hash_table_destroy(spec->loaded);
    g_free(spec);
}

const char *board_spec_intern(BoardSpec *spec, const char *s)
{
    return g_string_chunk_insert_const(spec->strings, s);
}

static char *read_board_file(const char *path, const BoardLoc *loc,
                             size_t *len, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    GString *buf;
    char chunk[8192];
    ssize_t n;

    if (fd < 0 || fstat(fd, &st) < 0) {
        int err = errno;
        board_error(error, BB_ERROR_IO, loc, "cannot read board file%s%s%s: "
                    "%s", loc->line ? " '" : "", loc->line ? path : "",
                    loc->line ? "'" : "", g_strerror(err));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    buf = g_string_new(NULL);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0 &&
           buf->len <= BOARD_FILE_MAX_SIZE) {
        g_string_append_len(buf, chunk, n);
    }
    if (n < 0 || buf->len > BOARD_FILE_MAX_SIZE) {
        int err = errno;
        board_error(error, BB_ERROR_IO, loc, "cannot read board file: %s",
                    n < 0 ? g_strerror(err) : "larger than 4 MiB");
        close(fd);
        g_string_free(buf, true);
        return NULL;
    }
    close(fd);
    *len = buf->len;
    return g_string_free(buf, false);
}

static bool load_root(BoardSpec *spec, const BoardNode *root, GError **error)
{
    const BoardNode *schema = NULL, *include = NULL;

    if (!board_expect_kind(root, BOARD_NODE_MAP, "a board file", error)) {
        return false;
    }
    /* The schema first: a newer board may use keys this host lacks. */
    for (guint i = 0; i + 1 < root->items->len; i += 2) {
        const BoardNode *key = g_ptr_array_index(root->items, i);
        if (!strcmp(key->value, "schema")) {
            schema = g_ptr_array_index(root->items, i + 1);
        } else if (!strcmp(key->value, "include")) {
            include = g_ptr_array_index(root->items, i + 1);
        }
    }
    if (!schema) {
        board_error(error, BB_ERROR_INVALID, &root->loc,
                    "missing required key 'schema' (this breadboard reads "
                    "board schema %d)", BOARD_SCHEMA_VERSION);
        return false;
    }
    if (!top_schema(spec, NULL, NULL, schema, error)) {
        return false;
    }
    /* Then the included boards, wherever `include` stands, so that every
     * other key of this file applies on top of them. */
    if (include && (!board_include(spec, include, error) ||
                    !top_schema(spec, NULL, NULL, schema, error))) {
        return false;
    }
    for (guint i = 0; i + 1 < root->items->len; i += 2) {
        const BoardNode *key = g_ptr_array_index(root->items, i);
        if (strcmp(key->value, "schema") &&
            !board_spec_load_top_key(spec, key,
                                     g_ptr_array_index(root->items, i + 1),
                                     error)) {
            return false;
        }
    }
    return true;
}

bool board_spec_load_file(BoardSpec *spec, const char *origin,
                          const BoardLoc *from, GError **error)
{
    BoardLoc loc = { board_spec_intern(spec, origin), 0, 0 };
    unsigned outer = spec->cur_file;
    g_autofree char *text = NULL;
    BoardNode *root;
    size_t len = 0;
    bool ok;

    text = read_board_file(origin, from ? from : &loc, &len, error);
    root = text ? board_yaml_parse(text, len, loc.origin, true, error) : NULL;
    spec->cur_file = ++spec->n_files;
    ok = root && load_root(spec, root, error);
    spec->cur_file = outer;
    board_node_free(root);
    return ok;
}

BoardSpec *board_spec_load(const char *path, GError **error)
{
    BoardSpec *spec = board_spec_new(path);

    if (!board_include_enter(spec, path, NULL, error) ||
        !board_include_first(spec) ||
        !board_spec_load_file(spec, path, NULL, error)) {
        board_spec_free(spec);
        return NULL;
    }
    board_include_leave(spec);
    return spec;
}

/* A board given as text (the device-test API): @origin names it in
 * messages and stands for its path, so relative paths in it resolve
 * from the current directory. */
BoardSpec *board_spec_load_string(const char *text, const char *origin,
                                  GError **error)
{
    BoardSpec *spec = board_spec_new(origin);
    BoardNode *root = NULL;
    unsigned outer;
    bool ok;

    /* The same include bookkeeping as a file: a string board may
     * include others (relative to the current directory, board_origin_dir
     * of a bare origin). */
    if (!board_include_enter(spec, origin, NULL, error) ||
        !board_include_first(spec)) {
        board_spec_free(spec);
        return NULL;
    }
    outer = spec->cur_file;
    root = board_yaml_parse(text, strlen(text), spec->file_loc.origin, true,
                            error);
    spec->cur_file = ++spec->n_files;
    ok = root && load_root(spec, root, error);
    spec->cur_file = outer;
    board_node_free(root);
    if (!ok) {
        board_spec_free(spec);
        return NULL;
    }
    board_include_leave(spec);
    return spec;
}

/* ------------------------------------------------------------- queries */

BoardDevice *board_spec_find_device(const BoardSpec *spec, const char *id)
{
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        if (!g_strcmp0(dev->id, id)) {
            return dev;
        }
    }
    return NULL;
}

bool board_spec_is_hart(const BoardSpec *spec, const char *id)
{
    uint64_t n;
    char *end;

    if (!g_str_has_prefix(id, "hart") || !g_ascii_isdigit(id[4]) ||
        (id[4] == '0' && id[5])) {
        return false;
    }
    n = g_ascii_strtoull(id + 4, &end, 10);
    return !*end && spec->has_harts && n < spec->hart_count;
}

char *board_spec_list_ids(const BoardSpec *spec, bool with_harts)
{
    GString *out = g_string_new(NULL);
    unsigned harts = with_harts && spec->has_harts ? spec->hart_count : 0;

    for (unsigned i = 0; i < harts && i < 4; i++) {
        g_string_append_printf(out, "%shart%u", i ? ", " : "", i);
    }
    if (harts > 4) {
        g_string_append_printf(out, ", ... hart%u", harts - 1);
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *dev = g_ptr_array_index(spec->devices, i);
        g_string_append_printf(out, "%s%s", out->len ? ", " : "", dev->id);
    }
    if (!out->len) {
        g_string_append(out, "(none)");
    }
    return g_string_free(out, false);
}

char **board_spec_plugin_dirs(const BoardSpec *spec)
{
    char **dirs = g_new0(char *, spec->plugin_dirs->len + 1);

    for (guint i = 0; i < spec->plugin_dirs->len; i++) {
        dirs[i] = g_strdup(g_ptr_array_index(spec->plugin_dirs, i));
    }
    return dirs;
}
