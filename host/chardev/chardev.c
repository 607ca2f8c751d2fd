/*
 * chardev.c - the character backend object (chardev.h): spec parsing and
 * dispatch to a backend kind, the frontend handlers and events, and the
 * public entry points.  Moving bytes is chardev-io.c's job; opening and
 * closing descriptors is each kind's (chardev-fd.c, chardev-socket.c,
 * chardev-stdio.c).
 */
#include <stdarg.h>
#include <string.h>

#include "chardev/chardev-internal.h"

static const ChardevOps *const chardev_kinds[] = {
    &chardev_null_ops, &chardev_stdio_ops, &chardev_file_ops,
    &chardev_pipe_ops, &chardev_fd_ops,    &chardev_unix_ops,
    &chardev_tcp_ops,
};

void chardev_error(BbChardev *chr, GError **error, BbErrorCode code,
                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, BB_DEVICE_ERROR, code, "chardev '%s' (%s): %s",
                chr->id, chr->spec, msg);
}

static const char *kinds_list(void)
{
    return "expected null, stdio, file:PATH, pipe:PATH, fd:IN[,OUT], "
           "unix:PATH or tcp:HOST:PORT";
}

/* The kind named by @spec and where its argument starts (NULL: none). */
static const ChardevOps *find_kind(BbChardev *chr, const char **arg,
                                   GError **error)
{
    const char *spec = chr->spec;
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

    for (size_t i = 0; i < G_N_ELEMENTS(chardev_kinds); i++) {
        const ChardevOps *ops = chardev_kinds[i];
        if (strlen(ops->kind) != len || strncmp(spec, ops->kind, len)) {
            continue;
        }
        if (ops->has_arg && (!colon || !colon[1])) {
            chardev_error(chr, error, BB_ERROR_INVALID,
                          "missing argument; expected %s", ops->syntax);
            return NULL;
        }
        if (!ops->has_arg && colon) {
            chardev_error(chr, error, BB_ERROR_INVALID,
                          "'%s' takes no argument; expected %s", ops->kind,
                          ops->syntax);
            return NULL;
        }
        *arg = colon ? colon + 1 : NULL;
        return ops;
    }
    chardev_error(chr, error, BB_ERROR_NOT_FOUND,
                  "unknown backend kind '%.*s'; %s", (int)len, spec,
                  kinds_list());
    return NULL;
}

bool chardev_check_spec(const char *id, const char *spec, GError **error)
{
    BbChardev chr = { .id = (char *)id, .spec = (char *)spec };
    const char *arg = NULL;
    const ChardevOps *ops = find_kind(&chr, &arg, error);

    return ops && (!ops->check || ops->check(&chr, arg, error));
}

static void chardev_destroy(BbChardev *chr)
{
    chardev_io_cleanup(chr);
    g_free(chr->id);
    g_free(chr->spec);
    g_free(chr);
}

BbChardev *bb_chardev_new(BbMainLoop *loop, const char *id, const char *spec,
                          const BbChardevOptions *opts, GError **error)
{
    g_return_val_if_fail(loop != NULL, NULL);
    g_return_val_if_fail(spec != NULL, NULL);

    BbChardev *chr = g_new0(BbChardev, 1);
    const char *arg = NULL;

    chr->loop = loop;
    chr->id = g_strdup(id ? id : spec);
    chr->spec = g_strdup(spec);
    if (opts) {
        chr->opts = *opts;
    }
    chr->out_limit = chr->opts.output_limit ? chr->opts.output_limit
                                            : CHARDEV_DEFAULT_OUTPUT_LIMIT;
    chardev_io_init(chr);
    chr->ops = find_kind(chr, &arg, error);
    if (!chr->ops || (chr->ops->check && !chr->ops->check(chr, arg, error)) ||
        !chr->ops->open(chr, arg, error)) {
        chardev_destroy(chr);
        return NULL;
    }
    return chr;
}

void bb_chardev_free(BbChardev *chr)
{
    if (!chr) {
        return;
    }
    chardev_io_flush(chr, 0);
    chardev_io_detach(chr);
    if (chr->ops->close) {
        chr->ops->close(chr);
    }
    chardev_destroy(chr);
}

const char *bb_chardev_get_id(const BbChardev *chr)
{
    return chr->id;
}

const char *bb_chardev_get_spec(const BbChardev *chr)
{
    return chr->spec;
}

void chardev_emit_event(BbChardev *chr, BbChardevEvent event)
{
    if (chr->fe_attached && chr->fe.event) {
        chr->fe.event(chr->fe_opaque, event);
    }
}

void chardev_set_connected(BbChardev *chr, bool connected)
{
    if (chr->connected == connected) {
        return;
    }
    chr->connected = connected;
    chardev_emit_event(chr, connected ? BB_CHARDEV_OPENED
                                      : BB_CHARDEV_CLOSED);
}

void bb_chardev_set_handlers(BbChardev *chr,
                             const BbChardevHandlers *handlers,
                             void *opaque)
{
    if (handlers) {
        chr->fe = *handlers;
        chr->fe_opaque = opaque;
        chr->fe_attached = true;
    } else {
        memset(&chr->fe, 0, sizeof(chr->fe));
        chr->fe_opaque = NULL;
        chr->fe_attached = false;
    }
    if (chr->fe_attached && chr->connected) {
        chardev_emit_event(chr, BB_CHARDEV_OPENED);
    }
    chardev_io_kick(chr);
}

size_t bb_chardev_write(BbChardev *chr, const void *buf, size_t len)
{
    return chardev_io_write(chr, buf, len, false);
}

void bb_chardev_accept_input(BbChardev *chr)
{
    bb_bh_schedule(chr->bh);
}

bool bb_chardev_is_connected(const BbChardev *chr)
{
    return chr->connected;
}

bool bb_chardev_flush(BbChardev *chr, int timeout_ms)
{
    return chardev_io_flush(chr, timeout_ms);
}
