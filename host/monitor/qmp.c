/*
 * qmp.c - the QMP command dispatcher and commands (docs/monitor.md): one
 * JSON text in, one reply out.  The envelope is checked as QEMU 7.2 does
 * (capabilities negotiation first; "execute", "arguments", "id"; the same
 * error classes and wording), arguments are checked against each
 * command's table before the command runs, and commands that exist in
 * QEMU keep QEMU's names, arguments and reply shapes.  Breadboard's own
 * commands carry the x-bb- prefix.
 *
 * Everything runs on the main loop's thread between the harts' slices,
 * so a command sees the harts stopped; a command that changes the run
 * state (stop, cont) only changes it, and the run loop acts on it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <breadboard/cpu.h>
#include <breadboard/machine.h>

#include "config.h"
#include "device/device-internal.h"
#include "memory/memory-internal.h"
#include "monitor/monitor-internal.h"
#include "monitor/monitor.h"
#include "plugin/registry.h"
#include "snapshot/snapshot.h"
#include "system/system-internal.h"
#include "tcg/exec.h"

G_DEFINE_QUARK(qmp-error-quark, qmp_error)

const char *qmp_error_class_name(int code)
{
    switch (code) {
    case QMP_ERROR_COMMAND_NOT_FOUND: return "CommandNotFound";
    case QMP_ERROR_DEVICE_NOT_FOUND: return "DeviceNotFound";
    default: return "GenericError";
    }
}

/* The biggest memory transfer a command makes in one go (pmemsave,
 * x-bb-memory-read): a bound on what one client can make us allocate. */
#define QMP_MAX_TRANSFER (64u * 1024 * 1024)
#define QMP_MAX_READ_JSON (1024u * 1024) /* x-bb-memory-read's hex */

/* ------------------------------------------------------------ JSON */

static char *to_text(JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();

    json_generator_set_root(gen, node);
    return json_generator_to_data(gen, NULL);
}

static JsonNode *obj_node(JsonObject *o)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(n, o);
    return n;
}

static JsonNode *error_node(const GError *err, JsonNode *id)
{
    JsonObject *e = json_object_new();
    JsonObject *top = json_object_new();

    json_object_set_string_member(
        e, "class",
        qmp_error_class_name(err->domain == QMP_ERROR ? err->code : 0));
    json_object_set_string_member(e, "desc", err->message);
    json_object_set_object_member(top, "error", e);
    if (id) {
        json_object_set_member(top, "id", json_node_copy(id));
    }
    return obj_node(top);
}

char *qmp_error_text(const char *desc)
{
    g_autoptr(GError) err = g_error_new_literal(QMP_ERROR,
                                                QMP_ERROR_GENERIC, desc);
    g_autoptr(JsonNode) n = error_node(err, NULL);

    return to_text(n);
}

static JsonObject *version_object(void)
{
    unsigned v[3] = { 0, 0, 0 };
    JsonObject *q = json_object_new();
    JsonObject *ver = json_object_new();

    sscanf(BB_VERSION, "%u.%u.%u", &v[0], &v[1], &v[2]);
    json_object_set_int_member(q, "major", v[0]);
    json_object_set_int_member(q, "minor", v[1]);
    json_object_set_int_member(q, "micro", v[2]);
    json_object_set_object_member(ver, "qemu", q);
    json_object_set_string_member(ver, "package", "breadboard " BB_VERSION);
    return ver;
}

char *qmp_greeting(void)
{
    JsonObject *qmp = json_object_new();
    JsonObject *top = json_object_new();

    json_object_set_object_member(qmp, "version", version_object());
    json_object_set_array_member(qmp, "capabilities", json_array_new());
    json_object_set_object_member(top, "QMP", qmp);
    g_autoptr(JsonNode) n = obj_node(top);
    return to_text(n);
}

/* ------------------------------------------------------------ arguments */

/* One argument of a command: name, type letter (s string, i integer, b
 * boolean, a array, * any), optional. */
typedef struct QmpArg {
    const char *name;
    char type;
    bool optional;
} QmpArg;

typedef struct QmpCall {
    BbSystem *sys;
    QmpSession *sess;
    JsonObject *args; /* never NULL */
} QmpCall;

typedef JsonNode *(*QmpFn)(QmpCall *c, GError **error);

typedef struct QmpCommand {
    const char *name;
    QmpFn fn;
    QmpArg args[6];
} QmpCommand;

static const char *type_word(char t)
{
    switch (t) {
    case 's': return "string";
    case 'i': return "integer";
    case 'b': return "boolean";
    case 'a': return "array";
    default: return "any";
    }
}

static bool type_ok(JsonNode *n, char t)
{
    switch (t) {
    case 's':
        return JSON_NODE_HOLDS_VALUE(n) &&
               json_node_get_value_type(n) == G_TYPE_STRING;
    case 'i':
        return JSON_NODE_HOLDS_VALUE(n) &&
               json_node_get_value_type(n) == G_TYPE_INT64;
    case 'b':
        return JSON_NODE_HOLDS_VALUE(n) &&
               json_node_get_value_type(n) == G_TYPE_BOOLEAN;
    case 'a':
        return JSON_NODE_HOLDS_ARRAY(n);
    default:
        return true;
    }
}

static bool check_args(const QmpCommand *cmd, JsonObject *args,
                       GError **error)
{
    g_autoptr(GList) names = json_object_get_members(args);

    for (GList *l = names; l; l = l->next) {
        const QmpArg *a = NULL;
        for (const QmpArg *p = cmd->args; p->name; p++) {
            if (!strcmp(p->name, l->data)) {
                a = p;
            }
        }
        if (!a) {
            g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                        "Parameter '%s' is unexpected", (char *)l->data);
            return false;
        }
    }
    for (const QmpArg *p = cmd->args; p->name; p++) {
        JsonNode *n = json_object_get_member(args, p->name);
        if (!n) {
            if (!p->optional) {
                g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                            "Parameter '%s' is missing", p->name);
                return false;
            }
            continue;
        }
        if (!type_ok(n, p->type)) {
            g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                        "Invalid parameter type for '%s', expected: %s",
                        p->name, type_word(p->type));
            return false;
        }
    }
    return true;
}

static const char *arg_str(QmpCall *c, const char *name)
{
    return json_object_has_member(c->args, name)
               ? json_object_get_string_member(c->args, name)
               : NULL;
}

static int64_t arg_int(QmpCall *c, const char *name, int64_t def)
{
    return json_object_has_member(c->args, name)
               ? json_object_get_int_member(c->args, name)
               : def;
}

static bool arg_bool(QmpCall *c, const char *name, bool def)
{
    return json_object_has_member(c->args, name)
               ? json_object_get_boolean_member(c->args, name)
               : def;
}

static JsonNode *empty_return(void)
{
    return obj_node(json_object_new());
}

/* ------------------------------------------------------------ helpers */

BbObject *monitor_qom_root(BbSystem *sys)
{
    BbMachine *m = system_get_machine(sys);

    return m ? bb_object_get_root(BB_OBJECT(m)) : NULL;
}

BbCpu *monitor_cpu(BbSystem *sys, int64_t index, GError **error)
{
    BbCpu *cpu = index >= 0 && index <= G_MAXUINT
                     ? bb_system_get_cpu(sys, (unsigned)index)
                     : NULL;

    if (!cpu) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Parameter 'cpu-index' expects a CPU number");
    }
    return cpu;
}

char *monitor_status_text(BbSystem *sys)
{
    BbRunState st = bb_system_get_run_state(sys);

    if (st == BB_RUN_STATE_RUNNING) {
        return g_strdup("running");
    }
    if (st == BB_RUN_STATE_PAUSED) {
        return g_strdup("paused");
    }
    return g_strdup_printf("paused (%s)", bb_run_state_name(st));
}

/* Resolve a QOM path: absolute, or a partial path that names exactly one
 * object (QEMU accepts "harts[1]" for /machine/soc0/harts[1]). */
typedef struct PartialCtx {
    const char *name;
    BbObject *found;
    unsigned hits;
} PartialCtx;

static bool find_partial(BbObject *obj, void *opaque)
{
    PartialCtx *p = opaque;
    const char *name = bb_object_get_name(obj);

    if (name && !strcmp(name, p->name)) {
        p->found = obj;
        p->hits++;
    }
    bb_object_foreach_child(obj, find_partial, p);
    return true;
}

static BbObject *resolve(BbSystem *sys, const char *path, GError **error)
{
    BbObject *root = monitor_qom_root(sys);
    BbObject *obj = NULL;

    if (root && path[0] == '/') {
        obj = !strcmp(path, "/") ? root : bb_object_resolve_path(root, path);
    } else if (root && *path && !strchr(path, '/')) {
        PartialCtx p = { path, NULL, 0 };
        find_partial(root, &p);
        obj = p.hits == 1 ? p.found : NULL;
    }
    if (!obj) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", path);
    }
    return obj;
}

/* ------------------------------------------------------------ commands */

static JsonNode *cmd_capabilities(QmpCall *c, GError **error)
{
    JsonNode *en = json_object_get_member(c->args, "enable");

    if (c->sess->negotiated) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_COMMAND_NOT_FOUND,
                    "Capabilities negotiation is already complete, command "
                    "ignored");
        return NULL;
    }
    if (en) {
        JsonArray *a = json_node_get_array(en);
        for (guint i = 0; i < json_array_get_length(a); i++) {
            JsonNode *e = json_array_get_element(a, i);
            const char *name = type_ok(e, 's') ? json_node_get_string(e)
                                               : NULL;
            if (!name) {
                g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                            "Invalid parameter type for 'enable[%u]', "
                            "expected: string", i);
                return NULL;
            }
            g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                        "Capability %s not available", name);
            return NULL;
        }
    }
    c->sess->negotiated = true;
    return empty_return();
}

static JsonNode *cmd_query_status(QmpCall *c, GError **error)
{
    JsonObject *o = json_object_new();
    BbRunState st = bb_system_get_run_state(c->sys);

    json_object_set_boolean_member(o, "running", st == BB_RUN_STATE_RUNNING);
    json_object_set_boolean_member(o, "singlestep", false);
    json_object_set_string_member(o, "status", bb_run_state_name(st));
    return obj_node(o);
}

static JsonNode *cmd_query_version(QmpCall *c, GError **error)
{
    return obj_node(version_object());
}

static const QmpCommand *command_table(unsigned *n);

static JsonNode *cmd_query_commands(QmpCall *c, GError **error)
{
    unsigned n;
    const QmpCommand *t = command_table(&n);
    JsonArray *a = json_array_new();

    for (unsigned i = 0; i < n; i++) {
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "name", t[i].name);
        json_array_add_object_element(a, o);
    }
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, a);
    return node;
}

static JsonNode *cmd_stop(QmpCall *c, GError **error)
{
    bb_system_stop(c->sys, BB_RUN_STATE_PAUSED);
    return empty_return();
}

static JsonNode *cmd_cont(QmpCall *c, GError **error)
{
    GError *err = NULL;

    if (!bb_system_resume(c->sys, &err)) {
        g_set_error_literal(error, QMP_ERROR, QMP_ERROR_GENERIC,
                            err->message);
        g_error_free(err);
        return NULL;
    }
    return empty_return();
}

static JsonNode *cmd_system_reset(QmpCall *c, GError **error)
{
    bb_system_request_reset_with_cause(c->sys,
                                       BB_SHUTDOWN_HOST_MONITOR_RESET);
    return empty_return();
}

static JsonNode *cmd_system_powerdown(QmpCall *c, GError **error)
{
    bb_system_request_powerdown(c->sys);
    return empty_return();
}

static JsonNode *cmd_quit(QmpCall *c, GError **error)
{
    bb_system_request_shutdown(c->sys, BB_SHUTDOWN_HOST_MONITOR_QUIT, 0);
    return empty_return();
}

static JsonNode *cmd_query_cpus_fast(QmpCall *c, GError **error)
{
    JsonArray *a = json_array_new();
    /* one host thread runs every hart: QEMU's thread-id is per vCPU */
    gint64 tid = (gint64)syscall(SYS_gettid);

    for (unsigned i = 0; i < bb_system_get_cpu_count(c->sys); i++) {
        BbCpu *cpu = bb_system_get_cpu(c->sys, i);
        JsonObject *o = json_object_new();
        JsonObject *props = json_object_new();
        g_autofree char *path = bb_object_get_canonical_path(BB_OBJECT(cpu));

        json_object_set_int_member(o, "cpu-index", i);
        json_object_set_string_member(o, "qom-path", path);
        json_object_set_int_member(o, "thread-id", tid);
        json_object_set_int_member(props, "core-id", i);
        json_object_set_object_member(o, "props", props);
        json_object_set_string_member(o, "target", "riscv64");
        json_array_add_object_element(a, o);
    }
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, a);
    return node;
}

/* QEMU's type names for our property kinds. */
static char *prop_type(const BbPropertyInfo *p)
{
    switch (p->kind) {
    case BB_PROP_BOOL: return g_strdup("bool");
    case BB_PROP_INT: return g_strdup("int64");
    case BB_PROP_UINT: return g_strdup("uint64");
    case BB_PROP_SIZE: return g_strdup("size");
    case BB_PROP_STRING: return g_strdup("str");
    case BB_PROP_ENUM: return g_strdup("str");
    case BB_PROP_LINK:
        return g_strdup_printf("link<%s>",
                               p->link_type ? p->link_type : "object");
    default: return g_strdup("str");
    }
}

typedef struct ListCtx {
    JsonArray *a;
    BbObject *obj;
} ListCtx;

static void list_prop(const BbPropertyInfo *p, void *opaque)
{
    ListCtx *l = opaque;
    JsonObject *o;

    if (p->kind == BB_PROP_CHILD) {
        return; /* children are listed from the tree */
    }
    o = json_object_new();
    g_autofree char *type = prop_type(p);
    json_object_set_string_member(o, "name", p->name);
    json_object_set_string_member(o, "type", type);
    if (p->description) {
        json_object_set_string_member(o, "description", p->description);
    }
    json_array_add_object_element(l->a, o);
}

static bool list_child(BbObject *child, void *opaque)
{
    ListCtx *l = opaque;
    JsonObject *o = json_object_new();
    g_autofree char *type = g_strdup_printf("child<%s>",
                                            bb_object_get_type_name(child));

    json_object_set_string_member(o, "name", bb_object_get_name(child));
    json_object_set_string_member(o, "type", type);
    json_array_add_object_element(l->a, o);
    return true;
}

static JsonNode *cmd_qom_list(QmpCall *c, GError **error)
{
    BbObject *obj = resolve(c->sys, arg_str(c, "path"), error);
    ListCtx l;

    if (!obj) {
        return NULL;
    }
    l.a = json_array_new();
    l.obj = obj;
    JsonObject *t = json_object_new();
    json_object_set_string_member(t, "name", "type");
    json_object_set_string_member(t, "type", "string");
    json_array_add_object_element(l.a, t);
    bb_object_class_foreach_property(bb_object_get_class(obj), list_prop, &l);
    bb_object_foreach_child(obj, list_child, &l);
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, l.a);
    return node;
}

static const BbPropertyInfo *find_prop(BbObject *obj, const char *name,
                                       GError **error)
{
    const BbPropertyInfo *p = bb_object_find_property(obj, name);

    if (!p) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Property '%s.%s' not found",
                    bb_object_get_type_name(obj), name);
    }
    return p;
}

static JsonNode *cmd_qom_get(QmpCall *c, GError **error)
{
    BbObject *obj = resolve(c->sys, arg_str(c, "path"), error);
    const char *name = arg_str(c, "property");
    const BbPropertyInfo *p;
    JsonNode *n;
    GError *err = NULL;

    if (!obj) {
        return NULL;
    }
    if (!strcmp(name, "type")) {
        n = json_node_new(JSON_NODE_VALUE);
        json_node_set_string(n, bb_object_get_type_name(obj));
        return n;
    }
    p = bb_object_find_property(obj, name);
    if (!p) {
        BbObject *child = bb_object_get_child(obj, name);
        if (child) {
            g_autofree char *path = bb_object_get_canonical_path(child);
            n = json_node_new(JSON_NODE_VALUE);
            json_node_set_string(n, path);
            return n;
        }
        find_prop(obj, name, error);
        return NULL;
    }
    n = json_node_new(JSON_NODE_VALUE);
    if (p->kind == BB_PROP_BOOL && !bb_prop_is_array(p)) {
        json_node_set_boolean(n, bb_object_get_bool(obj, name, &err));
    } else if (p->kind == BB_PROP_INT && !bb_prop_is_array(p)) {
        json_node_set_int(n, bb_object_get_int(obj, name, &err));
    } else if ((p->kind == BB_PROP_UINT || p->kind == BB_PROP_SIZE) &&
               !bb_prop_is_array(p)) {
        /* JSON integers here are signed 64-bit: QEMU's int, too */
        json_node_set_int(n, (gint64)bb_object_get_uint(obj, name, &err));
    } else {
        g_autofree char *s = bb_object_get_prop(obj, name, &err);
        json_node_set_string(n, s ? s : "");
    }
    if (err) {
        json_node_unref(n);
        g_set_error_literal(error, QMP_ERROR, QMP_ERROR_GENERIC,
                            err->message);
        g_error_free(err);
        return NULL;
    }
    return n;
}

static JsonNode *cmd_qom_set(QmpCall *c, GError **error)
{
    BbObject *obj = resolve(c->sys, arg_str(c, "path"), error);
    const char *name = arg_str(c, "property");
    JsonNode *v = json_object_get_member(c->args, "value");
    const BbPropertyInfo *p;
    GError *err = NULL;
    bool ok;

    if (!obj || !(p = find_prop(obj, name, error))) {
        return NULL;
    }
    if (bb_object_dynamic_cast(obj, BB_TYPE_DEVICE) &&
        bb_device_is_realized(BB_DEVICE(obj))) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Attempt to set property '%s' on device '%s' (type "
                    "'%s') after it was realized", name,
                    bb_object_get_name(obj), bb_object_get_type_name(obj));
        return NULL;
    }
    if (p->kind == BB_PROP_BOOL && type_ok(v, 'b')) {
        ok = bb_object_set_bool(obj, name, json_node_get_boolean(v), &err);
    } else if (p->kind == BB_PROP_BOOL) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Invalid parameter type for 'value', expected: boolean");
        return NULL;
    } else if ((p->kind == BB_PROP_INT || p->kind == BB_PROP_UINT ||
                p->kind == BB_PROP_SIZE) && !type_ok(v, 'i') &&
               !type_ok(v, 's')) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Invalid parameter type for 'value', expected: integer");
        return NULL;
    } else if (type_ok(v, 'i')) {
        g_autofree char *s = g_strdup_printf("%" G_GINT64_FORMAT,
                                             json_node_get_int(v));
        ok = bb_object_set_prop(obj, name, s, &err);
    } else if (type_ok(v, 's')) {
        ok = bb_object_set_prop(obj, name, json_node_get_string(v), &err);
    } else {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Invalid parameter type for 'value', expected: %s",
                    p->kind == BB_PROP_BOOL ? "boolean" : "string");
        return NULL;
    }
    if (!ok) {
        g_set_error_literal(error, QMP_ERROR, QMP_ERROR_GENERIC,
                            err->message);
        g_error_free(err);
        return NULL;
    }
    return empty_return();
}

/* Read @size bytes at @addr (physical, or virtual through @cpu) into a
 * new buffer; NULL with @error. */
static uint8_t *read_guest(BbSystem *sys, BbCpu *cpu, uint64_t addr,
                           uint64_t size, GError **error)
{
    uint8_t *buf;
    bool ok;

    if (size > QMP_MAX_TRANSFER) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "size %" G_GUINT64_FORMAT " is over the %u-byte limit",
                    size, QMP_MAX_TRANSFER);
        return NULL;
    }
    buf = g_malloc0(size ? size : 1);
    if (cpu) {
        ok = bb_cpu_memory_rw_debug(cpu, addr, buf, size, false);
    } else {
        /* QEMU does not check physical addresses: holes read per the
         * address space's policy (zeros here). */
        bb_address_space_read(bb_system_get_address_space(sys), addr, buf,
                              size);
        ok = true;
    }
    if (!ok) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Invalid addr 0x%016" G_GINT64_MODIFIER "x/size %"
                    G_GUINT64_FORMAT " specified", addr, size);
        g_free(buf);
        return NULL;
    }
    return buf;
}

static bool qmp_file_access = true;

void qmp_set_file_access(bool allowed)
{
    qmp_file_access = allowed;
}

bool qmp_get_file_access(void)
{
    return qmp_file_access;
}

static JsonNode *save_to_file(QmpCall *c, BbCpu *cpu, GError **error)
{
    uint64_t addr = (uint64_t)arg_int(c, "val", 0);
    int64_t size = arg_int(c, "size", 0);
    const char *file = arg_str(c, "filename");
    g_autofree uint8_t *buf = NULL;
    FILE *f;

    if (size < 0) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Invalid parameter 'size'");
        return NULL;
    }
    if (!qmp_file_access) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Could not open '%s': file access is disabled", file);
        return NULL;
    }
    buf = read_guest(c->sys, cpu, addr, (uint64_t)size, error);
    if (!buf) {
        return NULL;
    }
    f = fopen(file, "wb");
    if (!f) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Could not open '%s': %s", file, g_strerror(errno));
        return NULL;
    }
    if (fwrite(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "An IO error has occurred");
        return NULL;
    }
    if (fclose(f) != 0) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "An IO error has occurred");
        return NULL;
    }
    return empty_return();
}

/* x-bb-snapshot-save / -load {"file"} (host/snapshot, docs/snapshots.md):
 * errors become GenericError with the snapshot's own message. */
static JsonNode *snapshot_cmd(QmpCall *c, bool save, GError **error)
{
    const char *file = arg_str(c, "file");
    GError *err = NULL;

    if (!qmp_file_access) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Could not open '%s': file access is disabled", file);
        return NULL;
    }
    if (save ? !snapshot_save(c->sys, file, &err)
             : !snapshot_load(c->sys, file, &err)) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC, "%s", err->message);
        g_error_free(err);
        return NULL;
    }
    return empty_return();
}

static JsonNode *cmd_snapshot_save(QmpCall *c, GError **error)
{
    return snapshot_cmd(c, true, error);
}

static JsonNode *cmd_snapshot_load(QmpCall *c, GError **error)
{
    return snapshot_cmd(c, false, error);
}

/* x-bb-device-reload {"id", "plugin"?} (host/reload, docs/hot-reload.md):
 * through the hook the CLI installs; the reply lists the devices
 * reloaded (every board device of the plugin's types). */
static MonitorReloadFn qmp_reload_fn;
static void *qmp_reload_opaque;

void monitor_set_device_reload(MonitorReloadFn fn, void *opaque)
{
    qmp_reload_fn = fn;
    qmp_reload_opaque = opaque;
}

bool monitor_device_reload(const char *id, const char *file,
                           GPtrArray *paths, GError **error)
{
    GError *err = NULL;

    if (!qmp_reload_fn) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "hot reload is not available here");
        return false;
    }
    if (file && !qmp_file_access) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Could not open '%s': file access is disabled", file);
        return false;
    }
    if (!qmp_reload_fn(qmp_reload_opaque, id, file, paths, &err)) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC, "%s", err->message);
        g_error_free(err);
        return false;
    }
    return true;
}

static JsonNode *cmd_device_reload(QmpCall *c, GError **error)
{
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    JsonObject *o;
    JsonArray *a;

    if (!monitor_device_reload(arg_str(c, "id"), arg_str(c, "plugin"),
                               paths, error)) {
        return NULL;
    }
    o = json_object_new();
    a = json_array_new();
    for (guint i = 0; i < paths->len; i++) {
        json_array_add_string_element(a, paths->pdata[i]);
    }
    json_object_set_array_member(o, "devices", a);
    return obj_node(o);
}

static JsonNode *cmd_pmemsave(QmpCall *c, GError **error)
{
    return save_to_file(c, NULL, error);
}

static JsonNode *cmd_memsave(QmpCall *c, GError **error)
{
    BbCpu *cpu = monitor_cpu(c->sys, arg_int(c, "cpu-index", 0), error);

    return cpu ? save_to_file(c, cpu, error) : NULL;
}

static JsonNode *cmd_hmp(QmpCall *c, GError **error)
{
    int64_t idx = arg_int(c, "cpu-index", -1);
    JsonNode *n;

    if (json_object_has_member(c->args, "cpu-index") &&
        !monitor_cpu(c->sys, idx, error)) {
        return NULL;
    }
    g_autofree char *out = monitor_hmp_execute(
        c->sys, arg_str(c, "command-line"), (int)idx);
    /* QEMU's HMP output has \r\n line ends */
    GString *crlf = g_string_new(NULL);
    for (const char *p = out; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(crlf, '\r');
        }
        g_string_append_c(crlf, *p);
    }
    n = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(n, crlf->str);
    g_string_free(crlf, true);
    return n;
}

/* ------------------------------------------------------------ x-bb- */

static BbCpu *optional_cpu(QmpCall *c, bool physical, GError **error)
{
    if (physical) {
        return NULL;
    }
    return monitor_cpu(c->sys, arg_int(c, "cpu-index", 0), error);
}

static JsonNode *cmd_memory_read(QmpCall *c, GError **error)
{
    uint64_t addr = (uint64_t)arg_int(c, "address", 0);
    int64_t size = arg_int(c, "size", 0);
    bool physical = arg_bool(c, "physical", false);
    BbCpu *cpu = NULL;
    g_autofree uint8_t *buf = NULL;

    if (size < 0 || (uint64_t)size > QMP_MAX_READ_JSON) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Parameter 'size' must be 0 to %u", QMP_MAX_READ_JSON);
        return NULL;
    }
    if (!physical && !(cpu = optional_cpu(c, false, error))) {
        return NULL;
    }
    buf = read_guest(c->sys, cpu, addr, (uint64_t)size, error);
    if (!buf) {
        return NULL;
    }
    GString *hex = g_string_sized_new((gsize)size * 2 + 1);
    for (int64_t i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", buf[i]);
    }
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "address", (gint64)addr);
    json_object_set_int_member(o, "size", size);
    json_object_set_string_member(o, "data", hex->str);
    g_string_free(hex, true);
    return obj_node(o);
}

static int hexval(char ch)
{
    return g_ascii_xdigit_value(ch);
}

static JsonNode *cmd_memory_write(QmpCall *c, GError **error)
{
    uint64_t addr = (uint64_t)arg_int(c, "address", 0);
    const char *data = arg_str(c, "data");
    bool physical = arg_bool(c, "physical", false);
    size_t n = strlen(data);
    BbCpu *cpu = NULL;
    g_autofree uint8_t *buf = NULL;
    bool ok;

    if (n % 2 || n / 2 > QMP_MAX_READ_JSON) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Parameter 'data' must be an even number of hex digits "
                    "(at most %u bytes)", QMP_MAX_READ_JSON);
        return NULL;
    }
    buf = g_malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(data[2 * i]), lo = hexval(data[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                        "Parameter 'data' is not hexadecimal at offset %zu",
                        2 * i);
            return NULL;
        }
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    if (!physical && !(cpu = optional_cpu(c, false, error))) {
        return NULL;
    }
    if (cpu) {
        ok = bb_cpu_memory_rw_debug(cpu, addr, buf, n / 2, true);
    } else {
        ok = bb_address_space_write(bb_system_get_address_space(c->sys),
                                    addr, buf, n / 2) == BB_MEMTX_OK;
        exec_invalidate_phys(c->sys, addr, n / 2); /* code may change */
    }
    if (!ok) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "Invalid addr 0x%016" G_GINT64_MODIFIER "x/size %zu "
                    "specified", addr, n / 2);
        return NULL;
    }
    return empty_return();
}

static JsonNode *cmd_registers(QmpCall *c, GError **error)
{
    BbCpu *cpu = monitor_cpu(c->sys, arg_int(c, "cpu-index", 0), error);
    const BbCpuRegInfo *regs;
    unsigned n;

    if (!cpu) {
        return NULL;
    }
    regs = bb_cpu_get_registers(cpu, &n);
    JsonObject *o = json_object_new();
    JsonObject *groups = json_object_new();
    json_object_set_int_member(o, "cpu-index", bb_cpu_get_index(cpu));
    for (unsigned i = 0; i < n; i++) {
        uint64_t v;
        if (!bb_cpu_read_register(cpu, regs[i].regno, &v)) {
            continue;
        }
        const char *g = regs[i].group ? regs[i].group : "other";
        if (!json_object_has_member(groups, g)) {
            json_object_set_object_member(groups, g, json_object_new());
        }
        g_autofree char *hex = g_strdup_printf("0x%016" G_GINT64_MODIFIER
                                               "x", v);
        json_object_set_string_member(json_object_get_object_member(groups, g),
                                      regs[i].name, hex);
        if (!strcmp(regs[i].name, "pc")) {
            json_object_set_string_member(o, "pc", hex);
        }
    }
    json_object_set_object_member(o, "registers", groups);
    return obj_node(o);
}

void monitor_dump_mtree(BbSystem *sys, GString *out)
{
    g_string_append(out, "memory tree:\n");
    memory_region_dump_tree(bb_system_get_memory(sys), out);
    g_string_append(out, "flat view:\n");
    address_space_dump_flatview(bb_system_get_address_space(sys), out);
}

static JsonNode *text_lines(const char *text)
{
    JsonArray *a = json_array_new();
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (char **l = lines; *l; l++) {
        if (**l) {
            json_array_add_string_element(a, *l);
        }
    }
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(n, a);
    return n;
}

static JsonNode *cmd_mtree(QmpCall *c, GError **error)
{
    g_autoptr(GString) tree = g_string_new(NULL);
    g_autoptr(GString) flat = g_string_new(NULL);
    JsonObject *o = json_object_new();

    memory_region_dump_tree(bb_system_get_memory(c->sys), tree);
    address_space_dump_flatview(bb_system_get_address_space(c->sys), flat);
    json_object_set_member(o, "tree", text_lines(tree->str));
    json_object_set_member(o, "flat-view", text_lines(flat->str));
    return obj_node(o);
}

static bool collect_device(BbObject *obj, void *opaque)
{
    BbObject *dev = bb_object_dynamic_cast(obj, BB_TYPE_DEVICE);

    if (dev) {
        g_ptr_array_add(opaque, dev);
    }
    bb_object_foreach_child(obj, collect_device, opaque);
    return true;
}

static GPtrArray *all_devices(BbSystem *sys)
{
    GPtrArray *devs = g_ptr_array_new();
    BbMachine *m = system_get_machine(sys);

    if (m) {
        collect_device(BB_OBJECT(m), devs);
    }
    return devs;
}

void monitor_dump_devices(BbSystem *sys, GString *out)
{
    g_autoptr(GPtrArray) devs = all_devices(sys);

    for (guint i = 0; i < devs->len; i++) {
        g_autofree char *path = bb_object_get_canonical_path(devs->pdata[i]);
        g_string_append_printf(out, "%s (%s)%s\n", path,
                               bb_object_get_type_name(devs->pdata[i]),
                               bb_device_is_realized(devs->pdata[i])
                                   ? "" : " [not realized]");
    }
}

static JsonNode *cmd_devices(QmpCall *c, GError **error)
{
    g_autoptr(GPtrArray) devs = all_devices(c->sys);
    JsonArray *a = json_array_new();

    for (guint i = 0; i < devs->len; i++) {
        JsonObject *o = json_object_new();
        g_autofree char *path = bb_object_get_canonical_path(devs->pdata[i]);
        json_object_set_string_member(o, "path", path);
        json_object_set_string_member(o, "type",
                                      bb_object_get_type_name(devs->pdata[i]));
        json_object_set_boolean_member(o, "realized",
                                       bb_device_is_realized(devs->pdata[i]));
        json_array_add_object_element(a, o);
    }
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(n, a);
    return n;
}

static Registry *qmp_registry;

void monitor_set_registry(Registry *registry)
{
    qmp_registry = registry;
}

static JsonNode *cmd_plugins(QmpCall *c, GError **error)
{
    JsonArray *a = json_array_new();
    GPtrArray *plugins = qmp_registry ? registry_get_plugins(qmp_registry)
                                      : NULL;

    for (guint i = 0; plugins && i < plugins->len; i++) {
        RegistryPlugin *p = plugins->pdata[i];
        JsonObject *o = json_object_new();
        JsonArray *types = json_array_new();
        g_autofree char *abi = g_strdup_printf("%u.%u", p->abi_major,
                                               p->abi_minor);

        json_object_set_string_member(o, "name", p->name ? p->name : "");
        json_object_set_string_member(o, "version",
                                      p->version ? p->version : "");
        json_object_set_string_member(o, "abi", abi);
        json_object_set_string_member(o, "file", p->path);
        json_object_set_boolean_member(o, "loaded", p->module != NULL);
        for (char **t = p->types; t && *t; t++) {
            json_array_add_string_element(types, *t);
        }
        json_object_set_array_member(o, "types", types);
        if (p->refused) {
            json_object_set_string_member(o, "refused", p->refused->message);
        }
        json_array_add_object_element(a, o);
    }
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(n, a);
    return n;
}

typedef struct IrqCtx {
    BbDevice *dev;
    JsonArray *lines;
    bool inputs;
} IrqCtx;

static void irq_group(const char *group, unsigned count, void *opaque)
{
    IrqCtx *ctx = opaque;
    JsonObject *o = json_object_new();
    JsonArray *levels = json_array_new();

    for (unsigned i = 0; i < count; i++) {
        bool level;
        if (ctx->inputs) {
            BbIrqIn *in = bb_device_get_irq_in(ctx->dev, group, i);
            level = in && bb_irq_in_get_level(in);
        } else {
            BbIrqOut *out = bb_device_get_irq_out(ctx->dev, group, i);
            level = out && bb_irq_out_get(out);
        }
        json_array_add_int_element(levels, level);
    }
    json_object_set_string_member(o, "name", group);
    json_object_set_string_member(o, "direction",
                                  ctx->inputs ? "in" : "out");
    json_object_set_array_member(o, "levels", levels);
    json_array_add_object_element(ctx->lines, o);
}

static JsonNode *cmd_irqs(QmpCall *c, GError **error)
{
    g_autoptr(GPtrArray) devs = all_devices(c->sys);
    JsonArray *a = json_array_new();

    for (guint i = 0; i < devs->len; i++) {
        IrqCtx ctx = { devs->pdata[i], json_array_new(), true };
        device_foreach_irq_group(ctx.dev, true, irq_group, &ctx);
        ctx.inputs = false;
        device_foreach_irq_group(ctx.dev, false, irq_group, &ctx);
        if (!json_array_get_length(ctx.lines)) {
            json_array_unref(ctx.lines);
            continue;
        }
        JsonObject *o = json_object_new();
        g_autofree char *path = bb_object_get_canonical_path(devs->pdata[i]);
        json_object_set_string_member(o, "device", path);
        json_object_set_array_member(o, "lines", ctx.lines);
        json_array_add_object_element(a, o);
    }
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(n, a);
    return n;
}

/* ------------------------------------------------------------ table */

static const QmpCommand commands[] = {
    { "qmp_capabilities", cmd_capabilities, { { "enable", 'a', true } } },
    { "query-status", cmd_query_status, { { 0 } } },
    { "query-version", cmd_query_version, { { 0 } } },
    { "query-commands", cmd_query_commands, { { 0 } } },
    { "stop", cmd_stop, { { 0 } } },
    { "cont", cmd_cont, { { 0 } } },
    { "system_reset", cmd_system_reset, { { 0 } } },
    { "system_powerdown", cmd_system_powerdown, { { 0 } } },
    { "quit", cmd_quit, { { 0 } } },
    { "query-cpus-fast", cmd_query_cpus_fast, { { 0 } } },
    { "qom-list", cmd_qom_list, { { "path", 's', false } } },
    { "qom-get", cmd_qom_get,
      { { "path", 's', false }, { "property", 's', false } } },
    { "qom-set", cmd_qom_set,
      { { "path", 's', false }, { "property", 's', false },
        { "value", '*', false } } },
    { "pmemsave", cmd_pmemsave,
      { { "val", 'i', false }, { "size", 'i', false },
        { "filename", 's', false } } },
    { "memsave", cmd_memsave,
      { { "val", 'i', false }, { "size", 'i', false },
        { "filename", 's', false }, { "cpu-index", 'i', true } } },
    { "human-monitor-command", cmd_hmp,
      { { "command-line", 's', false }, { "cpu-index", 'i', true } } },
    { "x-bb-memory-read", cmd_memory_read,
      { { "address", 'i', false }, { "size", 'i', false },
        { "physical", 'b', true }, { "cpu-index", 'i', true } } },
    { "x-bb-memory-write", cmd_memory_write,
      { { "address", 'i', false }, { "data", 's', false },
        { "physical", 'b', true }, { "cpu-index", 'i', true } } },
    { "x-bb-registers", cmd_registers, { { "cpu-index", 'i', true } } },
    { "x-bb-mtree", cmd_mtree, { { 0 } } },
    { "x-bb-devices", cmd_devices, { { 0 } } },
    { "x-bb-plugins", cmd_plugins, { { 0 } } },
    { "x-bb-irqs", cmd_irqs, { { 0 } } },
    { "x-bb-snapshot-save", cmd_snapshot_save, { { "file", 's', false } } },
    { "x-bb-snapshot-load", cmd_snapshot_load, { { "file", 's', false } } },
    { "x-bb-device-reload", cmd_device_reload,
      { { "id", 's', false }, { "plugin", 's', true } } },
};

static const QmpCommand *command_table(unsigned *n)
{
    *n = G_N_ELEMENTS(commands);
    return commands;
}

/* ------------------------------------------------------------ dispatch */

static JsonNode *dispatch(BbSystem *sys, QmpSession *sess, JsonNode *root,
                          JsonNode **id, GError **error)
{
    JsonObject *req;
    JsonNode *exec, *args;
    const QmpCommand *cmd = NULL;
    const char *name;

    *id = NULL;
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "QMP input must be a JSON object");
        return NULL;
    }
    req = json_node_get_object(root);
    *id = json_object_get_member(req, "id");
    g_autoptr(GList) members = json_object_get_members(req);
    for (GList *l = members; l; l = l->next) {
        const char *m = l->data;
        if (strcmp(m, "execute") && strcmp(m, "arguments") &&
            strcmp(m, "id")) {
            g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                        "QMP input member '%s' is unexpected", m);
            return NULL;
        }
    }
    exec = json_object_get_member(req, "execute");
    if (!exec) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "QMP input lacks member 'execute'");
        return NULL;
    }
    if (!type_ok(exec, 's')) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "QMP input member 'execute' must be a string");
        return NULL;
    }
    args = json_object_get_member(req, "arguments");
    if (args && !JSON_NODE_HOLDS_OBJECT(args)) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_GENERIC,
                    "QMP input member 'arguments' must be an object");
        return NULL;
    }
    name = json_node_get_string(exec);
    if (!sess->negotiated && strcmp(name, "qmp_capabilities")) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_COMMAND_NOT_FOUND,
                    "Expecting capabilities negotiation with "
                    "'qmp_capabilities'");
        return NULL;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!strcmp(commands[i].name, name)) {
            cmd = &commands[i];
        }
    }
    if (!cmd) {
        g_set_error(error, QMP_ERROR, QMP_ERROR_COMMAND_NOT_FOUND,
                    "The command %s has not been found", name);
        return NULL;
    }
    g_autoptr(JsonObject) empty = json_object_new();
    QmpCall call = { sys, sess, args ? json_node_get_object(args) : empty };
    if (!check_args(cmd, call.args, error)) {
        return NULL;
    }
    return cmd->fn(&call, error);
}

char *qmp_handle_text(BbSystem *sys, QmpSession *sess, const char *text,
                      size_t len)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GError) err = NULL;
    JsonNode *id = NULL, *ret;

    if (len && (text[0] == '}' || text[0] == ']')) {
        g_autofree char *msg = g_strdup_printf("JSON parse error, stray '%c'",
                                               text[0]);
        return qmp_error_text(msg);
    }
    if (!json_parser_load_from_data(parser, text, (gssize)len, &err)) {
        g_autofree char *msg = g_strdup_printf("JSON parse error, %s",
                                               err->message);
        return qmp_error_text(msg);
    }
    JsonNode *root = json_parser_get_root(parser);
    if (!root) {
        return NULL;
    }
    ret = dispatch(sys, sess, root, &id, &err);
    if (!ret) {
        if (!err) {
            g_set_error(&err, QMP_ERROR, QMP_ERROR_GENERIC,
                        "command failed");
        }
        g_autoptr(JsonNode) e = error_node(err, id);
        return to_text(e);
    }
    JsonObject *top = json_object_new();
    json_object_set_member(top, "return", ret);
    if (id) {
        json_object_set_member(top, "id", json_node_copy(id));
    }
    g_autoptr(JsonNode) reply = obj_node(top);
    return to_text(reply);
}
