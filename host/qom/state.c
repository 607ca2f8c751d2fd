/*
 * state.c - saving and restoring device state from a state description
 * (state.h, which documents the serialised form): validation of a
 * description against the struct it describes, the writer, and a loader
 * that reads a stream twice - once to check every header, length, count
 * and timer against the description and the instance without writing
 * anything, then to write the fields - so a rejected stream leaves the
 * device untouched.  A post_load hook that refuses the loaded state gets
 * the state saved just before the load put back.
 */
#include <string.h>

#include <breadboard/device.h>
#include <breadboard/state.h>
#include <breadboard/timer.h>

#include "qom/object-internal.h"
#include "qom/state-internal.h"

#define STATE_MAX_DEPTH 8      /* nesting of sub-descriptions */
#define TIMER_WIRE_SIZE 9      /* armed:u8 deadline:i64 */

/* Bytes of one element in the struct (0: invalid kind or no sub). */
static size_t elem_size(const BbStateField *f)
{
    switch (f->kind) {
    case BB_STATE_BOOL: return sizeof(bool);
    case BB_STATE_U8: case BB_STATE_BYTES: return 1;
    case BB_STATE_U16: return 2;
    case BB_STATE_U32: case BB_STATE_I32: return 4;
    case BB_STATE_U64: case BB_STATE_I64: return 8;
    case BB_STATE_STRUCT: return f->sub ? f->sub->size : 0;
    case BB_STATE_TIMER: return sizeof(BbTimer *);
    }
    return 0;
}

/* Bytes of one scalar element in the stream (a bool is one byte). */
static size_t wire_size(const BbStateField *f)
{
    return f->kind == BB_STATE_BOOL ? 1 : elem_size(f);
}

static bool is_scalar(BbStateKind kind)
{
    return kind != BB_STATE_STRUCT && kind != BB_STATE_TIMER;
}

/* ------------------------------------------------------------ validate */

/* Why @f is wrong in a struct of @size bytes, or NULL; *@inner is set
 * when a sub-description is wrong (its own error). */
static const char *field_problem(const BbStateDesc *desc,
                                 const BbStateField *f, size_t size,
                                 unsigned depth, GError **inner);

static bool validate_desc(const BbStateDesc *desc, size_t size,
                          unsigned depth, GError **error)
{
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

    if (!desc->name || !desc->name[0] || strlen(desc->name) > UINT16_MAX ||
        !desc->fields || desc->min_version > desc->version) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': needs a name, fields and min_version <= "
                    "version",
                    desc->name ? desc->name : "(null)");
        return false;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(desc->reserved); i++) {
        if (desc->reserved[i]) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "state '%s': reserved members must be zero",
                        desc->name);
            return false;
        }
    }
    for (const BbStateField *f = desc->fields; f->name; f++) {
        GError *inner = NULL;
        const char *why = field_problem(desc, f, size, depth, &inner);
        if (!why && !g_hash_table_add(names, (gpointer)f->name)) {
            why = "name used twice";
        }
        if (inner) {
            g_prefix_error(&inner, "state '%s': field '%s': ", desc->name,
                           f->name);
            g_propagate_error(error, inner);
            return false;
        }
        if (why) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "state '%s': field '%s': %s", desc->name, f->name,
                        why);
            return false;
        }
    }
    return true;
}

/* Whether [off, off + len) lies in a struct of @size bytes. */
static bool inside(size_t off, size_t len, size_t size)
{
    return off + len >= off && off + len <= size;
}

static const char *field_problem(const BbStateDesc *desc,
                                 const BbStateField *f, size_t size,
                                 unsigned depth, GError **inner)
{
    const uint32_t known = BB_STATE_F_VARRAY | BB_STATE_F_POINTER |
                           BB_STATE_F_OPTIONAL;
    bool ptr = f->flags & BB_STATE_F_POINTER;
    size_t es;

    if (f->kind < BB_STATE_BOOL || f->kind > BB_STATE_TIMER) {
        return "invalid kind";
    }
    if (f->flags & ~known) {
        return "unknown flags";
    }
    if (f->reserved32 || f->reserved[0] || f->reserved[1] ||
        f->reserved[2] || f->reserved[3]) {
        return "reserved members must be zero";
    }
    if (f->kind == BB_STATE_STRUCT) {
        if (!f->sub) {
            return "a struct field needs a sub-description";
        }
        if (!f->sub->size) {
            return "its sub-description has no size";
        }
        if (depth + 1 >= STATE_MAX_DEPTH) {
            return "sub-descriptions nest too deep (a cycle?)";
        }
        if (!validate_desc(f->sub, f->sub->size, depth + 1, inner)) {
            return NULL;
        }
    } else if (f->sub) {
        return "only struct fields have a sub-description";
    }
    if ((f->flags & BB_STATE_F_OPTIONAL) &&
        (f->kind != BB_STATE_STRUCT || (f->flags & BB_STATE_F_VARRAY) ||
         f->size != f->sub->size)) {
        return "only a single struct can be an optional sub-section";
    }
    if (ptr && !(f->flags & BB_STATE_F_VARRAY)) {
        return "a pointer field needs an element count (BB_STATE_F_VARRAY)";
    }
    es = elem_size(f);
    if (ptr ? f->size != es : f->size == 0 || f->size % es) {
        return ptr ? "size is not the element size"
                   : "size is not a multiple of the element size";
    }
    if (!inside(f->offset, ptr ? sizeof(void *) : f->size, size)) {
        return "lies outside the instance";
    }
    if (f->flags & BB_STATE_F_VARRAY) {
        if (f->count_size != 1 && f->count_size != 2 && f->count_size != 4 &&
            f->count_size != 8) {
            return "its count field is not 1, 2, 4 or 8 bytes";
        }
        if (!inside(f->count_offset, f->count_size, size)) {
            return "its count field lies outside the instance";
        }
        size_t len = ptr ? sizeof(void *) : f->size;
        if (f->count_offset < f->offset + len &&
            f->offset < f->count_offset + f->count_size) {
            return "its count field overlaps it";
        }
    } else if (f->count_offset || f->count_size) {
        return "only a variable-length array has a count field";
    }
    if (f->version_added > desc->version) {
        return "added in a version newer than the description";
    }
    return NULL;
}

bool bb_state_validate(const BbStateDesc *desc, size_t instance_size,
                       GError **error)
{
    return validate_desc(desc, instance_size, 0, error);
}

bool state_check_device_class(const BbDeviceClass *dc, size_t instance_size,
                              GError **error)
{
    if (!dc->state) {
        return true;
    }
    /* A subclass may inherit its parent's description: it then describes
     * the start of a larger instance. */
    if (dc->state->size > instance_size) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': size %zu is larger than the instance (%zu)",
                    dc->state->name ? dc->state->name : "(null)",
                    dc->state->size, instance_size);
        return false;
    }
    return bb_state_validate(dc->state, dc->state->size ? dc->state->size
                                                        : instance_size,
                             error);
}

/* ---------------------------------------------------------- elements */

static uint64_t get_count(const void *obj, const BbStateField *f)
{
    const guint8 *p = (const guint8 *)obj + f->count_offset;

    switch (f->count_size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static void set_count(void *obj, const BbStateField *f, uint64_t n)
{
    guint8 *p = (guint8 *)obj + f->count_offset;

    switch (f->count_size) {
    case 1: *p = (uint8_t)n; break;
    case 2: { uint16_t v = (uint16_t)n; memcpy(p, &v, 2); break; }
    case 4: { uint32_t v = (uint32_t)n; memcpy(p, &v, 4); break; }
    default: memcpy(p, &n, 8);
    }
}

/* Where the elements of @f are in @obj (NULL: a pointer not set). */
static guint8 *elements(void *obj, const BbStateField *f)
{
    guint8 *field = (guint8 *)obj + f->offset;
    guint8 *p = field;

    if (f->flags & BB_STATE_F_POINTER) {
        memcpy(&p, field, sizeof(guint8 *)); /* the pointer stored there */
    }
    return p;
}

/* Copy @n elements of @es bytes between host order and little-endian (the
 * same operation both ways). */
static void copy_le(guint8 *dst, const guint8 *src, size_t n, size_t es)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t b = 0; b < es; b++) {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
            dst[i * es + b] = src[i * es + b];
#else
            dst[i * es + b] = src[i * es + es - 1 - b];
#endif
        }
    }
}

/* ------------------------------------------------------------- save */

static bool save_section(const BbStateDesc *desc, void *obj, GByteArray *out,
                         bool all_optional, GError **error);

static bool save_field(const BbStateDesc *desc, const BbStateField *f,
                       void *obj, GByteArray *out, bool all_optional,
                       GError **error)
{
    size_t es = elem_size(f);
    guint8 *base = elements(obj, f);
    uint64_t n = f->size / es;

    if (f->flags & BB_STATE_F_VARRAY) {
        uint64_t cap = (f->flags & BB_STATE_F_POINTER) ? UINT32_MAX : n;
        n = get_count(obj, f);
        if (n > cap || (n && !base)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                        "state '%s': field '%s': %s (count %" G_GUINT64_FORMAT
                        ")", desc->name, f->name,
                        n > cap ? "count exceeds the array"
                                : "elements not allocated", n);
            return false;
        }
        state_put_le(out, n, 4);
    }
    if (is_scalar(f->kind)) {
        size_t ws = wire_size(f);
        guint len = out->len;
        g_byte_array_set_size(out, len + n * ws);
        copy_le(out->data + len, base, n, ws);
        return true;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (f->kind == BB_STATE_TIMER) {
            BbTimer *t;
            memcpy(&t, base + i * es, sizeof(t));
            bool armed = t && bb_timer_is_pending(t);
            state_put_le(out, armed, 1);
            state_put_le(out, (uint64_t)(armed ? bb_timer_get_deadline(t) : 0), 8);
        } else if (!save_section(f->sub, base + i * es, out, all_optional,
                                 error)) {
            g_prefix_error(error, "state '%s': field '%s'[%" G_GUINT64_FORMAT
                           "]: ", desc->name, f->name, i);
            return false;
        }
    }
    return true;
}

static bool save_section(const BbStateDesc *desc, void *obj, GByteArray *out,
                         bool all_optional, GError **error)
{
    size_t name_len = strlen(desc->name);
    guint len_at, body_at;

    if (desc->pre_save) {
        desc->pre_save(obj);
    }
    state_put_le(out, name_len, 2);
    g_byte_array_append(out, (const guint8 *)desc->name, (guint)name_len);
    state_put_le(out, desc->version, 4);
    len_at = out->len;
    state_put_le(out, 0, 4);
    body_at = out->len;
    for (const BbStateField *f = desc->fields; f->name; f++) {
        if (!(f->flags & BB_STATE_F_OPTIONAL) &&
            !save_field(desc, f, obj, out, all_optional, error)) {
            return false;
        }
    }
    for (const BbStateField *f = desc->fields; f->name; f++) {
        void *sub = (guint8 *)obj + f->offset;
        if ((f->flags & BB_STATE_F_OPTIONAL) &&
            (all_optional || !f->sub->needed || f->sub->needed(sub)) &&
            !save_section(f->sub, sub, out, all_optional, error)) {
            g_prefix_error(error, "state '%s': field '%s': ", desc->name,
                           f->name);
            return false;
        }
    }
    if (out->len - body_at > UINT32_MAX) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': more than 4 GiB", desc->name);
        return false;
    }
    uint32_t body = GUINT32_TO_LE((uint32_t)(out->len - body_at));
    memcpy(out->data + len_at, &body, 4);
    return true;
}

static bool save_all(const BbStateDesc *desc, void *obj, GByteArray *out,
                     bool all_optional, GError **error)
{
    guint start = out->len;

    if (!validate_desc(desc, desc->size ? desc->size : SIZE_MAX, 0, error)) {
        return false;
    }
    if (!save_section(desc, obj, out, all_optional, error)) {
        g_byte_array_set_size(out, start);
        return false;
    }
    return true;
}

bool bb_state_save(const BbStateDesc *desc, void *obj, GByteArray *out,
                   GError **error)
{
    return save_all(desc, obj, out, false, error);
}

/* ------------------------------------------------------------- load */

typedef struct Reader {
    const guint8 *data;
    size_t len;
    size_t pos;
} Reader;

/* The next @n bytes, or NULL if fewer are left. */
static const guint8 *take(Reader *r, size_t n)
{
    if (r->len - r->pos < n) {
        return NULL;
    }
    r->pos += n;
    return r->data + r->pos - n;
}

static bool truncated(const BbStateDesc *desc, const char *what,
                      GError **error)
{
    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                "state '%s': truncated data (in %s)", desc->name, what);
    return false;
}

static bool load_section(const BbStateDesc *desc, void *obj, Reader *r,
                         bool apply, GError **error);

static bool load_field(const BbStateDesc *desc, const BbStateField *f,
                       void *obj, Reader *body, bool apply, GError **error)
{
    size_t es = elem_size(f);
    guint8 *base = elements(obj, f);
    uint64_t n = f->size / es;
    const guint8 *p;

    if (f->flags & BB_STATE_F_VARRAY) {
        if (!(p = take(body, 4))) {
            return truncated(desc, f->name, error);
        }
        n = state_get_le(p, 4);
        if (f->flags & BB_STATE_F_POINTER) {
            uint64_t have = get_count(obj, f);
            if (n != have) {
                g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                            "state '%s': field '%s': %" G_GUINT64_FORMAT
                            " elements saved, this instance has %"
                            G_GUINT64_FORMAT " (configured differently)",
                            desc->name, f->name, n, have);
                return false;
            }
            if (n && !base) {
                g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                            "state '%s': field '%s': elements not allocated "
                            "(device not realized?)", desc->name, f->name);
                return false;
            }
        } else if (n > f->size / es) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "state '%s': field '%s': %" G_GUINT64_FORMAT
                        " elements saved, the array holds %zu", desc->name,
                        f->name, n, f->size / es);
            return false;
        }
    }
    if (is_scalar(f->kind)) {
        size_t ws = wire_size(f);
        if (n > (body->len - body->pos) / ws || !(p = take(body, n * ws))) {
            return truncated(desc, f->name, error);
        }
        if (apply) {
            copy_le(base, p, n, ws);
            for (size_t i = 0; f->kind == BB_STATE_BOOL && i < n; i++) {
                base[i] = p[i] != 0; /* never an out-of-range bool */
            }
        }
    } else {
        for (uint64_t i = 0; i < n; i++) {
            if (f->kind == BB_STATE_TIMER) {
                BbTimer *t;
                memcpy(&t, base + i * es, sizeof(t));
                if (!(p = take(body, TIMER_WIRE_SIZE))) {
                    return truncated(desc, f->name, error);
                }
                int64_t deadline = (int64_t)state_get_le(p + 1, 8);
                if (p[0] && !t) {
                    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                                "state '%s': field '%s': an armed timer, but "
                                "this instance has not created it (device "
                                "not realized?)", desc->name, f->name);
                    return false;
                }
                if (apply && t) {
                    if (p[0]) {
                        bb_timer_mod(t, deadline);
                    } else {
                        bb_timer_del(t);
                    }
                }
            } else if (!load_section(f->sub, base + i * es, body, apply,
                                     error)) {
                g_prefix_error(error, "state '%s': field '%s'[%"
                               G_GUINT64_FORMAT "]: ", desc->name, f->name,
                               i);
                return false;
            }
        }
    }
    if (apply && (f->flags & BB_STATE_F_VARRAY) &&
        !(f->flags & BB_STATE_F_POINTER)) {
        set_count(obj, f, n);
    }
    return true;
}

/* @len bytes of a name read from a stream, printable (g_free). */
static char *stream_name(const guint8 *name, size_t len)
{
    g_autofree char *raw = g_strndup((const char *)name, MIN(len, 64));
    return g_strescape(raw, NULL);
}

/* Whether @len bytes at @name (with @left - 2 bytes available) could be
 * a section name: then an unknown one is reported by name. */
static bool looks_like_name(const guint8 *name, size_t len, size_t left)
{
    if (left < 2 || len == 0 || len > left - 2) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (name[i] < 0x20 || name[i] > 0x7e) {
            return false;
        }
    }
    return true;
}

/* The optional field of @desc whose sub-section is called @name. */
static const BbStateField *find_optional(const BbStateDesc *desc,
                                         const guint8 *name, size_t len)
{
    for (const BbStateField *f = desc->fields; f->name; f++) {
        if ((f->flags & BB_STATE_F_OPTIONAL) &&
            strlen(f->sub->name) == len && !memcmp(f->sub->name, name, len)) {
            return f;
        }
    }
    return NULL;
}

static bool load_optional(const BbStateDesc *desc, void *obj, Reader *body,
                          bool apply, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

    while (body->pos < body->len) {
        const guint8 *p = body->data + body->pos;
        size_t left = body->len - body->pos;
        size_t name_len = left >= 2 ? state_get_le(p, 2) : SIZE_MAX;
        const BbStateField *f = name_len <= left - 2
                                    ? find_optional(desc, p + 2, name_len)
                                    : NULL;
        if (!f && !looks_like_name(p + 2, name_len, left)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "state '%s': %zu bytes after the fields of version "
                        "%u that are no sub-section", desc->name, left,
                        desc->version);
            return false;
        }
        if (!f) {
            g_autofree char *name = stream_name(p + 2, name_len);
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "state '%s': unknown sub-section '%s' (not in "
                        "version %u of the description)", desc->name, name,
                        desc->version);
            return false;
        }
        if (!g_hash_table_add(seen, (gpointer)f)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "state '%s': sub-section '%s' appears twice",
                        desc->name, f->sub->name);
            return false;
        }
        if (!load_section(f->sub, (guint8 *)obj + f->offset, body, apply,
                          error)) {
            g_prefix_error(error, "state '%s': field '%s': ", desc->name,
                           f->name);
            return false;
        }
    }
    return true;
}

static bool load_section(const BbStateDesc *desc, void *obj, Reader *r,
                         bool apply, GError **error)
{
    const guint8 *p = take(r, 2);
    size_t name_len = p ? state_get_le(p, 2) : 0;
    const guint8 *name = p ? take(r, name_len) : NULL;
    const guint8 *hdr = name ? take(r, 8) : NULL;

    if (!hdr) {
        return truncated(desc, "the section header", error);
    }
    if (name_len != strlen(desc->name) ||
        memcmp(name, desc->name, name_len)) {
        g_autofree char *other = stream_name(name, name_len);
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': the data is section '%s', not this one",
                    desc->name, other);
        return false;
    }
    uint32_t version = (uint32_t)state_get_le(hdr, 4);
    uint32_t body_len = (uint32_t)state_get_le(hdr + 4, 4);
    if (version > desc->version || version < desc->min_version) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_VERSION,
                    "state '%s': version %u is not supported (accepted: "
                    "%u to %u)",
                    desc->name, version, desc->min_version, desc->version);
        return false;
    }
    const guint8 *data = take(r, body_len);
    if (!data) {
        return truncated(desc, "the section body", error);
    }
    Reader body = { data, body_len, 0 };
    for (const BbStateField *f = desc->fields; f->name; f++) {
        if (!(f->flags & BB_STATE_F_OPTIONAL) && f->version_added <= version &&
            !load_field(desc, f, obj, &body, apply, error)) {
            return false;
        }
    }
    if (!load_optional(desc, obj, &body, apply, error)) {
        return false;
    }
    if (apply && desc->post_load && !desc->post_load(obj, version, error)) {
        g_prefix_error(error, "state '%s': ", desc->name);
        return false;
    }
    return true;
}

bool bb_state_load(const BbStateDesc *desc, void *obj, const guint8 *data,
                   size_t len, GError **error)
{
    Reader r = { data, len, 0 };
    GError *err = NULL;

    if (!state_load_check(desc, obj, data, len, error)) {
        return false;
    }
    /* Everything checked: only a post_load hook can still refuse.  Keep
     * the current state (optional sections included) to put it back. */
    g_autoptr(GByteArray) backup = g_byte_array_new();
    if (!save_all(desc, obj, backup, true, error)) {
        g_prefix_error(error, "state '%s': cannot keep the current state: ",
                       desc->name);
        return false;
    }
    r.pos = 0;
    if (!load_section(desc, obj, &r, true, &err)) {
        Reader back = { backup->data, backup->len, 0 };
        load_section(desc, obj, &back, true, NULL);
        g_propagate_error(error, err);
        return false;
    }
    return true;
}

bool state_load_check(const BbStateDesc *desc, void *obj,
                      const guint8 *data, size_t len, GError **error)
{
    Reader r = { data, len, 0 };

    if (!validate_desc(desc, desc->size ? desc->size : SIZE_MAX, 0, error) ||
        !load_section(desc, obj, &r, false, error)) {
        return false;
    }
    if (r.pos != len) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': %zu bytes after the section", desc->name,
                    len - r.pos);
        return false;
    }
    return true;
}
