/*
 * qmp-stream.c - splitting a QMP client's byte stream into JSON texts
 * (monitor-internal.h).  QMP input is not line-based: a message ends
 * where its braces balance, and several may share a line (QEMU's
 * json-streamer; docs/monitor.md, "Wire protocol").  Only brackets outside
 * strings count, so a '}' inside "..." does not end anything.
 */
#include <string.h>

#include "monitor/monitor-internal.h"

void qmp_stream_init(QmpStream *st)
{
    memset(st, 0, sizeof(*st));
    st->buf = g_string_new(NULL);
}

void qmp_stream_clear(QmpStream *st)
{
    if (st->buf) {
        g_string_free(st->buf, true);
    }
    memset(st, 0, sizeof(*st));
}

void qmp_stream_feed(QmpStream *st, const char *data, size_t len)
{
    g_string_append_len(st->buf, data, (gssize)len);
}

static char *take(QmpStream *st, size_t end, size_t *len)
{
    char *text = g_strndup(st->buf->str + st->start, end - st->start);

    *len = end - st->start;
    g_string_erase(st->buf, 0, (gssize)end);
    st->scan = 0;
    st->start = 0;
    return text;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *qmp_stream_next(QmpStream *st, size_t *len, bool *error)
{
    *error = false;
    while (st->scan < st->buf->len) {
        char c = st->buf->str[st->scan];

        if (st->in_string) {
            if (st->escape) {
                st->escape = false;
            } else if (c == '\\') {
                st->escape = true;
            } else if (c == '"') {
                st->in_string = false;
            }
            st->scan++;
        } else if (st->in_scalar) {
            /* a bare token ends at a space or a bracket */
            if (is_space(c) || strchr("{}[]\"", c)) {
                st->in_scalar = false;
                return take(st, st->scan, len);
            }
            st->scan++;
        } else if (st->depth == 0 && is_space(c)) {
            st->scan++;
            st->start = st->scan;
        } else if (c == '"') {
            if (st->depth == 0) {
                st->start = st->scan;
                st->in_scalar = true; /* a top-level string: refused */
            }
            st->in_string = true;
            st->scan++;
        } else if (c == '{' || c == '[') {
            if (st->depth == 0) {
                st->start = st->scan;
            }
            if (++st->depth > QMP_MAX_DEPTH) {
                *error = true;
                return NULL;
            }
            st->scan++;
        } else if (c == '}' || c == ']') {
            st->scan++;
            if (st->depth == 0) {
                return take(st, st->scan, len); /* stray */
            }
            if (--st->depth == 0) {
                return take(st, st->scan, len);
            }
        } else {
            if (st->depth == 0) {
                st->start = st->scan;
                st->in_scalar = true;
            }
            st->scan++;
        }
        if (st->scan - st->start > QMP_MAX_MESSAGE) {
            *error = true;
            return NULL;
        }
    }
    if (st->depth == 0 && !st->in_scalar && !st->in_string) {
        /* only white space so far: drop it */
        g_string_truncate(st->buf, 0);
        st->scan = st->start = 0;
    }
    return NULL;
}
