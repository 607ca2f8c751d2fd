/*
 * suggest.h - "did you mean" for misspelt names: the board loader's keys
 * and type names, and the object model's property names, share it.
 */
#ifndef HOST_UTIL_SUGGEST_H
#define HOST_UTIL_SUGGEST_H

#include <glib.h>

/* Up to three of @choices within a small edit distance of @word (nearest
 * first, ties in @choices order), as "'a', 'b'"; NULL if none.  NULL
 * entries of @choices are skipped. */
char *util_suggest(const char *word, const char *const *choices, guint n);

#endif /* HOST_UTIL_SUGGEST_H */
