/*
 * state.c - saving and restoring device state from a state description
 * (state.h).  The format is a little-endian u32 version followed by the
 * fields present in that version, in table order, each element
 * little-endian.  Loading validates the whole buffer before writing any
 * field, so a rejected load leaves the device untouched.
 */
#include <string.h>

#include <breadboard/state.h>

#include "qom/object-internal.h"

static size_t elem_size(BbStateKind kind)
{
    switch (kind) {
    case BB_STATE_BOOL: return sizeof(bool);
    case BB_STATE_U8: case BB_STATE_BYTES: return 1;
    case BB_STATE_U16: return 2;
    case BB_STATE_U32: case BB_STATE_I32: return 4;
    case BB_STATE_U64: case BB_STATE_I64: return 8;
    }
    return 0;
}

bool bb_state_validate(const BbStateDesc *desc, size_t instance_size,
                       GError **error)
{
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

    if (!desc->name || !desc->fields || desc->min_version > desc->version) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': needs a name, fields and min_version <= "
                    "version",
                    desc->name ? desc->name : "(null)");
        return false;
    }
    for (const BbStateField *f = desc->fields; f->name; f++) {
        size_t es = elem_size(f->kind);
        const char *why = NULL;
        if (!es) {
            why = "invalid kind";
        } else if (f->size == 0 || f->size % es) {
            why = "size is not a multiple of the element size";
        } else if (f->offset + f->size > instance_size ||
                   f->offset + f->size < f->offset) {
            why = "lies outside the instance";
        } else if (f->version_added > desc->version) {
            why = "added in a version newer than the description";
        } else if (!g_hash_table_add(names, (gpointer)f->name)) {
            why = "name used twice";
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

static bool field_present(const BbStateField *f, uint32_t version)
{
    return f->version_added <= version;
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

bool bb_state_save(const BbStateDesc *desc, const void *obj, GByteArray *out,
                   GError **error)
{
    guint8 hdr[4];
    uint32_t v = GUINT32_TO_LE(desc->version);

    memcpy(hdr, &v, 4);
    g_byte_array_append(out, hdr, 4);
    for (const BbStateField *f = desc->fields; f->name; f++) {
        size_t es = elem_size(f->kind);
        guint len = out->len;
        g_byte_array_set_size(out, len + f->size);
        copy_le(out->data + len, (const guint8 *)obj + f->offset,
                f->size / es, es);
    }
    return true;
}

bool bb_state_load(const BbStateDesc *desc, void *obj, const guint8 *data,
                   size_t len, GError **error)
{
    uint32_t version;
    size_t need = 4;

    if (len < 4) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': truncated (%zu bytes)", desc->name, len);
        return false;
    }
    memcpy(&version, data, 4);
    version = GUINT32_FROM_LE(version);
    if (version > desc->version || version < desc->min_version) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_VERSION,
                    "state '%s': version %u is not supported (accepted: "
                    "%u to %u)",
                    desc->name, version, desc->min_version, desc->version);
        return false;
    }
    for (const BbStateField *f = desc->fields; f->name; f++) {
        need += field_present(f, version) ? f->size : 0;
    }
    if (need != len) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "state '%s': %zu bytes, version %u needs %zu",
                    desc->name, len, version, need);
        return false;
    }
    const guint8 *p = data + 4;
    for (const BbStateField *f = desc->fields; f->name; f++) {
        if (!field_present(f, version)) {
            continue;
        }
        size_t es = elem_size(f->kind);
        copy_le((guint8 *)obj + f->offset, p, f->size / es, es);
        if (f->kind == BB_STATE_BOOL) {
            for (size_t i = 0; i < f->size; i++) {
                ((guint8 *)obj)[f->offset + i] = p[i] != 0;
            }
        }
        p += f->size;
    }
    return true;
}
