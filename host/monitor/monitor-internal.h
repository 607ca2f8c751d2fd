/*
 * monitor-internal.h - what the monitor's files share: the QMP error
 * classes, a QMP session's negotiation state, the command dispatcher
 * (qmp.c), the JSON stream splitter (qmp-stream.c) and the helpers the
 * human monitor (hmp.c) reuses.
 */
#ifndef HOST_MONITOR_MONITOR_INTERNAL_H
#define HOST_MONITOR_MONITOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <breadboard/cpu.h>
#include <breadboard/system.h>

/* QMP's error classes (QEMU's QapiErrorClass); GError codes of
 * QMP_ERROR. */
typedef enum {
    QMP_ERROR_GENERIC,
    QMP_ERROR_COMMAND_NOT_FOUND,
    QMP_ERROR_DEVICE_NOT_FOUND,
} QmpErrorClass;

#define QMP_ERROR qmp_error_quark()
GQuark qmp_error_quark(void);
const char *qmp_error_class_name(int code);

/* The most bytes one QMP message may take; a longer one is refused and
 * the client disconnected. */
#define QMP_MAX_MESSAGE (1024 * 1024)
/* The deepest nesting of arrays/objects in a message. */
#define QMP_MAX_DEPTH 1024

typedef struct QmpSession {
    bool negotiated;  /* qmp_capabilities done: commands and events */
} QmpSession;

/* The greeting object, as a JSON text without the line end. */
char *qmp_greeting(void);

/*
 * Handle one complete JSON text (@len bytes) from a client: parse it,
 * check the envelope, run the command.  Return the reply as a JSON text
 * without the line end (NULL: none).  Parse errors, protocol errors and
 * command errors are replies too.
 */
char *qmp_handle_text(BbSystem *sys, QmpSession *sess, const char *text,
                      size_t len);

/* Whether pmemsave/memsave may write files (the fuzzer turns it off). */
void qmp_set_file_access(bool allowed);
/* Whether they may (the human monitor's savevm/loadvm ask too). */
bool qmp_get_file_access(void);

/* A reply to send without a parsed message (stray bytes, a message over
 * the limit): {"error": {"class": "GenericError", "desc": @desc}}. */
char *qmp_error_text(const char *desc);

/*
 * The stream splitter: feed bytes, take complete top-level JSON texts.
 * Braces/brackets outside strings are counted; a text ends where they
 * balance.  A stray closing bracket or a scalar at the top level is a
 * text on its own (the dispatcher refuses it).
 */
typedef struct QmpStream {
    GString *buf;     /* bytes not yet returned */
    size_t scan;      /* scanned up to here */
    size_t start;     /* start of the current text in buf */
    int depth;
    bool in_string;
    bool escape;
    bool in_scalar;   /* a bare top-level token */
} QmpStream;

void qmp_stream_init(QmpStream *st);
void qmp_stream_clear(QmpStream *st);
void qmp_stream_feed(QmpStream *st, const char *data, size_t len);
/* The next complete text (g_free it) with its length, or NULL.  *@error
 * is set (and the stream should be dropped) when the pending text is
 * over QMP_MAX_MESSAGE or nests deeper than QMP_MAX_DEPTH. */
char *qmp_stream_next(QmpStream *st, size_t *len, bool *error);

/* Helpers the human monitor shares. */
BbObject *monitor_qom_root(BbSystem *sys);
BbCpu *monitor_cpu(BbSystem *sys, int64_t index, GError **error);
/* "running", or "paused" / "paused (debug)" / ... as QEMU's info status. */
char *monitor_status_text(BbSystem *sys);
/* Register dump of @cpu, grouped ("info registers"). */
void monitor_dump_registers(BbCpu *cpu, GString *out);
/* The memory tree and the flat view, as --info mtree prints them. */
void monitor_dump_mtree(BbSystem *sys, GString *out);
/* One line per device under the machine: path, type. */
void monitor_dump_devices(BbSystem *sys, GString *out);

/* The events QMP sessions get: installed once per system by the server. */
typedef void (*MonitorEventSink)(void *opaque, const char *json_line);

#endif /* HOST_MONITOR_MONITOR_INTERNAL_H */
