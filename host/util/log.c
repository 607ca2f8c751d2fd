/*
 * log.c - the -d switches, the log sink (-D) and guest-error logging.
 * Guest errors are off by default; on with -d guest_errors.
 * A misbehaving guest can trigger the same message millions of times, so
 * each distinct format string is printed at most LOG_BURST times per
 * second and the number of suppressed repeats is reported when it prints
 * again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <breadboard/system.h>

#include "util/log.h"

#define LOG_BURST 10

typedef struct LogRate {
    gint64 window_start; /* monotonic us */
    unsigned printed;
    unsigned suppressed;
} LogRate;

static unsigned log_mask;
static FILE *log_file;
static GHashTable *log_rates; /* format string -> LogRate */
static GMutex log_lock;

bool log_parse_mask(const char *spec, unsigned *mask, GError **error)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        { "guest_errors", LOG_GUEST_ERRORS },
        { "in_asm", LOG_IN_ASM },
        { "op", LOG_OP },
        { "op_opt", LOG_OP_OPT },
        { "out_asm", LOG_OUT_ASM },
        { "exec", LOG_EXEC },
        { "int", LOG_INT },
        { "cpu", LOG_CPU },
    };
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    unsigned m = 0;

    for (char **p = parts; *p; p++) {
        size_t i;
        for (i = 0; i < G_N_ELEMENTS(names); i++) {
            if (!strcmp(*p, names[i].name)) {
                m |= names[i].bit;
                break;
            }
        }
        if (i == G_N_ELEMENTS(names)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "-d: unknown log item '%s'; valid: guest_errors, "
                        "in_asm, op, op_opt, out_asm, exec, int, cpu", *p);
            return false;
        }
    }
    *mask = m;
    return true;
}

void log_set_mask(unsigned mask)
{
    log_mask = mask;
}

unsigned log_get_mask(void)
{
    return log_mask;
}

bool log_set_file(const char *path, GError **error)
{
    FILE *f = NULL;

    if (path) {
        f = fopen(path, "a");
        if (!f) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_IO,
                        "cannot open log file '%s': %s", path,
                        g_strerror(errno));
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0);
    }
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    return true;
}

void log_write(const char *text)
{
    FILE *out = log_file ? log_file : stderr;

    fputs(text, out);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_write(msg);
}

/* Whether to print now; *suppressed gets the repeats dropped before. */
static bool log_rate_ok(const char *fmt, unsigned *suppressed)
{
    gint64 now = g_get_monotonic_time();
    bool ok;

    g_mutex_lock(&log_lock);
    if (!log_rates) {
        log_rates = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                          NULL, g_free);
    }
    LogRate *r = g_hash_table_lookup(log_rates, fmt);
    if (!r) {
        r = g_new0(LogRate, 1);
        g_hash_table_insert(log_rates, (gpointer)fmt, r);
    }
    if (now - r->window_start >= G_USEC_PER_SEC) {
        r->window_start = now;
        r->printed = 0;
    }
    ok = r->printed < LOG_BURST;
    if (ok) {
        r->printed++;
        *suppressed = r->suppressed;
        r->suppressed = 0;
    } else {
        r->suppressed++;
    }
    g_mutex_unlock(&log_lock);
    return ok;
}

void bb_guest_error(const char *fmt, ...)
{
    unsigned suppressed;
    va_list ap;

    if (!(log_mask & LOG_GUEST_ERRORS) || !log_rate_ok(fmt, &suppressed)) {
        return;
    }
    FILE *out = log_file ? log_file : stderr;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (suppressed) {
        fprintf(out, "guest error: %s (%u similar messages suppressed)\n",
                msg, suppressed);
    } else {
        fprintf(out, "guest error: %s\n", msg);
    }
}
