/*
 * board-override.c - command-line changes to a loaded board:
 * `--set PATH=VALUE` and `--device TYPE,key=value,...`.
 *
 * Both are turned into the same nodes the YAML loader produces and fed to
 * the same per-key loaders (board-spec.c), so a value is checked exactly
 * as it would be in the file.  Their "location" is the option itself
 * ("--set ram.size=1Q: invalid size suffix ...").  A --set VALUE is taken
 * literally, except that one starting with '[' or '{' is parsed as a YAML
 * flow collection (`--set devices.clint.reg=[[0x2000000,0x10000]]`).
 */
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"

static const char set_paths_help[] =
    "schema, name, machine, machine-props.PROP, ram.KEY, harts.KEY, "
    "harts.props.PROP, chardevs.ID, boot.KEY, plugins.KEY, devices.ID.KEY, "
    "devices.ID.PROP, devices.ID.props.PROP, devices.ID.irqs.GROUP";

static BoardNode *value_node(const char *text, const BoardLoc *loc,
                             GError **error)
{
    if (text[0] == '[' || text[0] == '{') {
        return board_yaml_parse(text, strlen(text), loc->origin, false,
                                error);
    }
    if (!strcmp(text, "\"\"") || !strcmp(text, "''")) {
        /* As in the file: a quoted empty string, not "no value". */
        BoardNode *node = board_node_new_scalar("", loc);
        node->plain = false;
        return node;
    }
    return board_node_new_scalar(text, loc);
}

static bool set_device(BoardSpec *spec, char **segs, guint n,
                       const BoardNode *value, const BoardLoc *loc,
                       GError **error)
{
    BoardDevice *dev = board_spec_find_device(spec, segs[1]);
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(
        (GDestroyNotify)board_node_free);
    BoardNode *key;

    if (!dev) {
        g_autofree char *ids = board_spec_list_ids(spec, false);
        board_error(error, BB_ERROR_NOT_FOUND, loc,
                    "no device '%s'; devices are: %s", segs[1], ids);
        return false;
    }
    key = board_node_new_scalar(segs[n - 1], loc);
    g_ptr_array_add(keys, key);
    if (n == 3 && board_spec_is_device_key(segs[2]) &&
        strcmp(segs[2], "props") && strcmp(segs[2], "irqs")) {
        return board_spec_load_device_key(spec, dev, key, value, error);
    }
    if (n == 3) {
        return board_spec_load_prop(dev->props, key, value, error);
    }
    if (n == 4 && !strcmp(segs[2], "props")) {
        return board_spec_load_prop(dev->props, key, value, error);
    }
    if (n == 4 && !strcmp(segs[2], "irqs")) {
        dev->has_irqs = true;
        return board_spec_load_irq_group(spec, dev, key, value, error);
    }
    board_error(error, BB_ERROR_INVALID, loc,
                "cannot set this path; valid paths: %s", set_paths_help);
    return false;
}

static bool set_path(BoardSpec *spec, char **segs, const BoardNode *value,
                     const BoardLoc *loc, GError **error)
{
    guint n = g_strv_length(segs);
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(
        (GDestroyNotify)board_node_free);
    BoardNode *key = board_node_new_scalar(segs[n - 1], loc);

    g_ptr_array_add(keys, key);
    if (!strcmp(segs[0], "devices") && n >= 3) {
        return set_device(spec, segs, n, value, loc, error);
    }
    if (n == 1) {
        return board_spec_load_top_key(spec, key, value, error);
    }
    if (n == 2 && !strcmp(segs[0], "machine-props")) {
        return board_spec_load_prop(spec->machine_props, key, value, error);
    }
    if (n == 3 && !strcmp(segs[0], "harts") && !strcmp(segs[1], "props")) {
        spec->has_harts = true;
        return board_spec_load_prop(spec->hart_props, key, value, error);
    }
    if (n == 2 && !strcmp(segs[0], "chardevs")) {
        return board_spec_load_chardev(spec, key, value, error);
    }
    if (n == 2 && board_spec_is_section(segs[0])) {
        return board_spec_load_section_key(spec, segs[0], key, value, error);
    }
    board_error(error, BB_ERROR_INVALID, loc,
                "cannot set this path; valid paths: %s", set_paths_help);
    return false;
}

bool board_spec_set(BoardSpec *spec, const char *assignment, GError **error)
{
    g_autofree char *opt = g_strdup_printf("--set %s", assignment);
    BoardLoc loc = { board_spec_intern(spec, opt), 0, 0 };
    const char *eq = strchr(assignment, '=');
    g_autofree char *path = NULL;
    g_auto(GStrv) segs = NULL;
    BoardNode *value;
    bool ok;

    if (!eq || eq == assignment) {
        board_error(error, BB_ERROR_INVALID, &loc,
                    "expected PATH=VALUE, e.g. ram.size=256M");
        return false;
    }
    path = g_strndup(assignment, eq - assignment);
    segs = g_strsplit(path, ".", 8);
    for (guint i = 0; segs[i]; i++) {
        if (!*segs[i]) {
            board_error(error, BB_ERROR_INVALID, &loc,
                        "empty component in path '%s'", path);
            return false;
        }
    }
    value = value_node(eq + 1, &loc, error);
    if (!value) {
        return false;
    }
    ok = set_path(spec, segs, value, &loc, error);
    board_node_free(value);
    return ok;
}

/* ------------------------------------------------------------ --device */

/* Split at ',' with ",," standing for a literal comma; commas inside
 * [...] (an array value, "harts=[hart0,hart1]") do not split. */
static GPtrArray *split_device_desc(const char *desc)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    int depth = 0;

    for (const char *p = desc; *p; p++) {
        depth += *p == '[' ? 1 : *p == ']' && depth ? -1 : 0;
        if (*p == ',' && p[1] == ',' && !depth) {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' && !depth) {
            g_ptr_array_add(parts, g_string_free(cur, false));
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(parts, g_string_free(cur, false));
    return parts;
}

static char *auto_id(const BoardSpec *spec, const char *type)
{
    GString *base = g_string_new(NULL);

    for (const char *p = type; *p; p++) {
        char c = g_ascii_tolower(*p);
        g_string_append_c(base, g_ascii_isalnum(c) || c == '-' ? c : '_');
    }
    if (!g_ascii_islower(base->str[0])) {
        g_string_prepend(base, "dev-");
    }
    for (unsigned n = 0;; n++) {
        char *id = g_strdup_printf("%s%u", base->str, n);
        if (!board_spec_find_device(spec, id)) {
            g_string_free(base, true);
            return id;
        }
        g_free(id);
    }
}

static BoardNode *seq_node(const BoardLoc *loc)
{
    BoardNode *seq = g_new0(BoardNode, 1);

    seq->kind = BOARD_NODE_SEQ;
    seq->loc = *loc;
    seq->items = g_ptr_array_new();
    return seq;
}

/* "BASE" or "BASE:SIZE" as the entry [BASE] / [BASE, SIZE] of a list of
 * ranges. */
static BoardNode *reg_node(const char *text, const BoardLoc *loc)
{
    g_auto(GStrv) parts = g_strsplit(text, ":", 2);
    BoardNode *seq = seq_node(loc);

    g_ptr_array_add(seq->items, board_node_new_scalar(parts[0], loc));
    if (parts[0] && parts[1]) {
        g_ptr_array_add(seq->items, board_node_new_scalar(parts[1], loc));
    }
    return seq;
}

/* One KEY=VALUE of --device; regs and IRQ groups are collected. */
static bool device_option(BoardSpec *spec, BoardDevice *dev, const char *kv,
                          BoardNode *regs, GHashTable *groups,
                          const BoardLoc *loc, GError **error)
{
    const char *eq = strchr(kv, '=');
    g_autofree char *k = NULL;
    BoardNode *key, *value;
    bool ok;

    if (!eq || eq == kv) {
        board_error(error, BB_ERROR_INVALID, loc,
                    "'%s' is not KEY=VALUE (the type comes first: "
                    "TYPE,KEY=VALUE,...)", kv);
        return false;
    }
    k = g_strndup(kv, eq - kv);
    if (!strcmp(k, "reg")) {
        g_ptr_array_add(regs->items, reg_node(eq + 1, loc));
        return true;
    }
    if (g_str_has_prefix(k, "irqs.") && k[5]) {
        BoardNode *seq = g_hash_table_lookup(groups, k + 5);
        if (!seq) {
            seq = seq_node(loc);
            g_hash_table_insert(groups, g_strdup(k + 5), seq);
        }
        g_ptr_array_add(seq->items, board_node_new_scalar(eq + 1, loc));
        return true;
    }
    /* "[a,b]": an array, parsed as --set parses it. */
    value = eq[1] == '[' ? value_node(eq + 1, loc, error)
                         : board_node_new_scalar(eq + 1, loc);
    if (!value) {
        return false;
    }
    key = board_node_new_scalar(k, loc);
    if (board_spec_is_device_key(k) && strcmp(k, "props") &&
        strcmp(k, "irqs")) {
        ok = board_spec_load_device_key(spec, dev, key, value, error);
    } else {
        ok = board_spec_load_prop(dev->props, key, value, error);
    }
    board_node_free(key);
    board_node_free(value);
    return ok;
}

static bool apply_collected(BoardSpec *spec, BoardDevice *dev,
                            BoardNode *regs, GHashTable *groups,
                            const BoardLoc *loc, GError **error)
{
    g_autoptr(GList) names = g_hash_table_get_keys(groups);
    BoardNode *key = board_node_new_scalar("reg", loc);
    bool ok = true;

    names = g_list_sort(names, (GCompareFunc)strcmp);
    if (regs->items->len) {
        ok = board_spec_load_device_key(spec, dev, key, regs, error);
    }
    for (GList *l = names; ok && l; l = l->next) {
        BoardNode *gkey = board_node_new_scalar(l->data, loc);
        dev->has_irqs = true;
        ok = board_spec_load_irq_group(spec, dev, gkey,
                                       g_hash_table_lookup(groups, l->data),
                                       error);
        board_node_free(gkey);
    }
    board_node_free(key);
    return ok;
}

/* addr=SS.F names slot and function; it cannot be combined with them. */
static bool check_addr_keys(GPtrArray *parts, const BoardLoc *loc,
                            GError **error)
{
    const char *other = NULL;
    bool addr = false;

    for (guint i = 1; i < parts->len; i++) {
        const char *kv = g_ptr_array_index(parts, i);
        addr |= g_str_has_prefix(kv, "addr=");
        other = g_str_has_prefix(kv, "slot=") ? "slot"
                : g_str_has_prefix(kv, "function=") ? "function" : other;
    }
    if (addr && other) {
        board_error(error, BB_ERROR_INVALID, loc,
                    "'%s' and 'addr' cannot both be given (addr=SS.F is "
                    "slot and function)", other);
        return false;
    }
    return true;
}

bool board_spec_add_device(BoardSpec *spec, const char *desc, GError **error)
{
    g_autofree char *opt = g_strdup_printf("--device %s", desc);
    BoardLoc loc = { board_spec_intern(spec, opt), 0, 0 };
    g_autoptr(GPtrArray) parts = split_device_desc(desc);
    g_autoptr(GHashTable) groups = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, (GDestroyNotify)board_node_free);
    BoardNode *regs = seq_node(&loc);
    BoardDevice *dev = board_device_new();
    const char *type = g_ptr_array_index(parts, 0);
    bool ok = true;

    if (!*type || strchr(type, '=')) {
        board_error(error, BB_ERROR_INVALID, &loc,
                    "expected TYPE[,KEY=VALUE...], e.g. "
                    "edu,bus=pcie0,slot=2");
        ok = false;
    }
    dev->type = g_strdup(type);
    dev->loc = dev->type_loc = dev->id_loc = dev->bus_loc = loc;
    dev->slot_loc = dev->func_loc = loc;
    ok = ok && check_addr_keys(parts, &loc, error);
    for (guint i = 1; ok && i < parts->len; i++) {
        ok = device_option(spec, dev, g_ptr_array_index(parts, i), regs,
                           groups, &loc, error);
    }
    ok = ok && apply_collected(spec, dev, regs, groups, &loc, error);
    board_node_free(regs);
    if (!ok) {
        board_device_free(dev);
        return false;
    }
    if (!dev->id) {
        dev->id = auto_id(spec, dev->type);
    }
    g_ptr_array_add(spec->devices, dev);
    return true;
}
