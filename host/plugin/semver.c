/*
 * semver.c - semantic version parsing and comparison for plugin versions
 * and board constraints ("edu >= 1.2").  Pre-release and build suffixes
 * are accepted and ignored for ordering.
 */
#include <string.h>

#include "plugin/registry.h"

bool semver_parse(const char *s, unsigned v[3])
{
    unsigned n = 0;

    v[0] = v[1] = v[2] = 0;
    if (!s || !g_ascii_isdigit(*s)) {
        return false;
    }
    for (;;) {
        guint64 part = 0;
        const char *start = s;
        while (g_ascii_isdigit(*s)) {
            part = part * 10 + (guint64)(*s++ - '0');
            if (part > G_MAXUINT) {
                return false;
            }
        }
        if (s == start || n == 3) {
            return false;
        }
        v[n++] = (unsigned)part;
        if (*s != '.') {
            break;
        }
        s++;
    }
    if (n < 2) {
        return false;
    }
    if (*s == '-' || *s == '+') {
        s++;
        if (!*s) {
            return false;
        }
        for (; *s; s++) {
            if (!g_ascii_isalnum(*s) && !strchr(".-+", *s)) {
                return false;
            }
        }
    }
    return *s == '\0';
}

int semver_compare(const unsigned a[3], const unsigned b[3])
{
    for (int i = 0; i < 3; i++) {
        if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return 0;
}
