/*
 * board-error.c - how the board loader words its errors.
 *
 * Every message starts with where the problem is, "FILE:LINE:COL: " for
 * board text or "--set PATH=VALUE: " for a command-line override, then
 * says what is wrong, then lists the valid choices.  Suggestions for
 * misspelt names use an edit distance that also counts swapped
 * neighbours as one edit, the usual "did you mean" heuristic.
 */
#include <stdarg.h>
#include <string.h>

#include <breadboard/error.h>

#include "board/board-internal.h"

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

/* Edit distance where swapping two neighbours counts as one edit
 * ("optimal string alignment"), so "iqr" is one edit from "irq". */
static guint edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    g_autofree guint *d = NULL;

    if (la > 64 || lb > 64) {
        return G_MAXUINT;
    }
    d = g_new(guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
    for (size_t i = 0; i <= la; i++) {
        D(i, 0) = i;
    }
    for (size_t j = 0; j <= lb; j++) {
        D(0, j) = j;
    }
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
            D(i, j) = MIN(MIN(D(i - 1, j) + 1, D(i, j - 1) + 1),
                          D(i - 1, j - 1) + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1]) {
                D(i, j) = MIN(D(i, j), D(i - 2, j - 2) + 1);
            }
        }
    }
    return D(la, lb);
#undef D
}

char *board_suggest(const char *word, const char *const *choices, guint n)
{
    GString *out = g_string_new(NULL);
    guint limit = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;
    guint found = 0;

    for (guint d = 1; d <= limit && found < 3; d++) {
        for (guint i = 0; i < n && found < 3; i++) {
            if (choices[i] && edit_distance(word, choices[i]) == d) {
                g_string_append_printf(out, "%s'%s'", found ? ", " : "",
                                       choices[i]);
                found++;
            }
        }
    }
    if (!found) {
        g_string_free(out, true);
        return NULL;
    }
    return g_string_free(out, false);
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
