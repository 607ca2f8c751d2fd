/*
 * board-error.c - how the board loader words its errors.
 *
 * Every message starts with where the problem is, "FILE:LINE:COL: " for
 * board text or "--set PATH=VALUE: " for a command-line override, then
 * says what is wrong, then lists the valid choices.  Suggestions for
 * misspelt names come from util_suggest(), which the object model uses
 * for property names too.
 */
#include <stdarg.h>
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"
#include "util/suggest.h"

char *board_loc_format(const BoardLoc *loc)
{
    const char *origin = loc && loc->origin ? loc->origin : "<board>";

    if (loc && loc->line > 0) {
        return g_strdup_printf("%s:%d:%d", origin, loc->line, loc->col);
    }
    return g_strdup(origin);
}

void board_error(GError **error, int code, const BoardLoc *loc,
                 const char *fmt, ...)
{
    g_autofree char *where = board_loc_format(loc);
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, BB_BOARD_ERROR, code, "%s: %s", where, msg);
}

void board_error_propagate(GError **dest, GError *src, const BoardLoc *loc)
{
    g_autofree char *where = board_loc_format(loc);

    /* The codes are shared by every Breadboard domain (error.h). */
    g_set_error(dest, BB_BOARD_ERROR, src->code, "%s: %s", where,
                src->message);
    g_error_free(src);
}

char *board_suggest(const char *word, const char *const *choices, guint n)
{
    return util_suggest(word, choices, n);
}

char *board_join_list(const char *const *items, guint n,
                      const char *none_text)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < n; i++) {
        g_string_append_printf(out, "%s%s", i ? ", " : "", items[i]);
    }
    if (!n) {
        g_string_append(out, none_text);
    }
    return g_string_free(out, false);
}
