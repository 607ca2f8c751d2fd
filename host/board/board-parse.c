/*
 * board-parse.c - the little languages inside board scalars: numbers with
 * size suffixes, IRQ references, character backend specs and plugin
 * version requirements.
 *
 * Each parser accepts exactly the grammar docs/boards.md gives and says,
 * on failure, what it expected.  Numbers are 64-bit unsigned: decimal,
 * 0x hex or 0b binary, '_' allowed between digits, and where sizes make
 * sense a K/M/G/T suffix (powers of 1024); overflow is an error, never a
 * wrap.  Versions are compared with the plugin registry's semver helpers.
 */
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"
#include "chardev/chardev-internal.h"
#include "qom/object-internal.h"

static const char number_help[] =
    "expected decimal, 0x hex or 0b binary digits";

static bool number_error(const BoardNode *node, const char *what,
                         bool suffix, QomNumResult res, const char *rest,
                         GError **error)
{
    if (res == QOM_NUM_OVERFLOW) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "%s '%s' does not fit in 64 bits", what, node->value);
    } else if (res == QOM_NUM_SUFFIX) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "invalid size suffix '%s' in '%s' for %s; valid "
                    "suffixes: K, M, G, T, P, E (powers of 1024)",
                    rest, node->value, what);
    } else {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "invalid number '%s' for %s: %s%s", node->value, what,
                    number_help,
                    suffix ? ", optionally followed by K, M, G, T, P or E"
                           : "");
    }
    return false;
}

bool board_parse_u64(const BoardNode *node, const char *what, bool suffix,
                     uint64_t *out, GError **error)
{
    const char *rest;

    if (node->kind != BOARD_NODE_SCALAR) {
        board_error(error, BB_ERROR_INVALID, &node->loc,
                    "%s must be a number, not %s", what,
                    board_node_kind_name(node));
        return false;
    }
    QomNumResult res = qom_parse_number(node->value, suffix, out, &rest);
    return res == QOM_NUM_OK ||
           number_error(node, what, suffix, res, rest, error);
}

/* Plain decimal digits only (IRQ indexes, ports, address bytes), at most
 * @max. */
static bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (!g_ascii_isdigit(*s) || v > (max - (uint64_t)(*s - '0')) / 10) {
            return false;
        }
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

/* ----------------------------------------------------------- IRQ refs */

static bool is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static bool is_group_char(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-';
}

static bool irq_ref_error(const char *text, const BoardLoc *loc,
                          GError **error)
{
    board_error(error, BB_ERROR_INVALID, loc,
                "invalid IRQ reference '%s': expected "
                "TARGET[.INPUT-GROUP][:INDEX], e.g. plic:10 or hart0.mtip",
                text);
    return false;
}

bool board_parse_irq_ref(const char *text, BoardIrqRef *ref,
                         const BoardLoc *loc, GError **error)
{
    const char *p = text, *start;
    uint64_t index = 0;

    while (is_id_char(*p)) {
        p++;
    }
    if (p == text) {
        return irq_ref_error(text, loc, error);
    }
    ref->target = g_strndup(text, p - text);
    if (*p == '.') {
        start = ++p;
        while (is_group_char(*p)) {
            p++;
        }
        if (p == start) {
            return irq_ref_error(text, loc, error);
        }
        ref->in_group = g_strndup(start, p - start);
    }
    if (*p == ':') {
        if (!parse_decimal(p + 1, G_MAXUINT16, &index)) {
            return irq_ref_error(text, loc, error);
        }
    } else if (*p) {
        return irq_ref_error(text, loc, error);
    }
    ref->in_index = (unsigned)index;
    ref->text = g_strdup(text);
    ref->loc = *loc;
    return true;
}

void board_irq_ref_free(BoardIrqRef *ref)
{
    if (ref) {
        g_free(ref->out_group);
        g_free(ref->text);
        g_free(ref->target);
        g_free(ref->in_group);
        g_free(ref);
    }
}

/* ------------------------------------------------------------ chardevs */

bool board_parse_chardev(const char *id, const char *backend,
                         const BoardLoc *loc, GError **error)
{
    GError *err = NULL;

    if (!chardev_check_spec(id, backend, &err)) {
        board_error_propagate(error, err, loc);
        return false;
    }
    return true;
}

/* -------------------------------------------------------- requirements */

static const char *const require_ops[] = { ">=", "<=", "==", "!=", ">",
                                           "<" };

static bool require_error(const char *text, const BoardLoc *loc,
                          const char *why, GError **error)
{
    board_error(error, BB_ERROR_INVALID, loc,
                "malformed plugin requirement '%s' (%s): expected NAME "
                "[OP VERSION[, OP VERSION]...] with OP one of >=, >, <=, <, "
                "==, !=", text, why);
    return false;
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* One "OP VERSION" starting at @p; returns the end or NULL. */
static const char *parse_constraint(const char *p, BoardRequire *req,
                                    const char **why)
{
    const char *start;
    g_autofree char *ver = NULL;
    guint i;

    for (i = 0; i < G_N_ELEMENTS(require_ops); i++) {
        if (g_str_has_prefix(p, require_ops[i])) {
            break;
        }
    }
    if (i == G_N_ELEMENTS(require_ops)) {
        *why = "unknown operator";
        return NULL;
    }
    if (req->n == BOARD_MAX_CONSTRAINTS) {
        *why = "too many constraints";
        return NULL;
    }
    g_strlcpy(req->op[req->n], require_ops[i], sizeof(req->op[0]));
    p = skip_spaces(p + strlen(require_ops[i]));
    start = p;
    while (*p && *p != ',' && *p != ' ' && *p != '\t') {
        p++;
    }
    ver = g_strndup(start, p - start);
    if (*ver && strspn(ver, "0123456789") == strlen(ver)) {
        char *full = g_strconcat(ver, ".0", NULL); /* "2" means 2.0 */
        g_free(ver);
        ver = full;
    }
    if (!*ver || !semver_parse(ver, req->version[req->n])) {
        *why = *ver ? "bad version" : "missing version";
        return NULL;
    }
    req->n++;
    return skip_spaces(p);
}

bool board_parse_require(const char *text, BoardRequire *req,
                         const BoardLoc *loc, GError **error)
{
    const char *p = skip_spaces(text), *start = p;
    const char *why = NULL;

    while (g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.') {
        p++;
    }
    if (p == start) {
        return require_error(text, loc, "missing plugin name", error);
    }
    req->name = g_strndup(start, p - start);
    p = skip_spaces(p);
    while (*p) {
        p = parse_constraint(p, req, &why);
        if (!p) {
            return require_error(text, loc, why, error);
        }
        if (*p == ',') {
            p = skip_spaces(p + 1);
            if (!*p) {
                return require_error(text, loc, "trailing comma", error);
            }
        } else if (*p) {
            return require_error(text, loc, "expected ',' between "
                                 "constraints", error);
        }
    }
    req->text = g_strdup(text);
    req->loc = *loc;
    return true;
}
