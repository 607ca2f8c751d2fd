/*
 * suggest.c - suggestions for misspelt names.  The distance is the
 * "optimal string alignment" edit distance: insertions, deletions,
 * substitutions and swaps of two neighbours each count as one edit, so
 * "iqr" is one edit from "irq".  How far a suggestion may be grows with
 * the length of the word, so short words only get near-misses.
 */
#include <stdbool.h>
#include <string.h>

#include "util/suggest.h"

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

char *util_suggest(const char *word, const char *const *choices, guint n)
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
