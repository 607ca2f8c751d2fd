/*
 * property.c - typed properties of the object model (object.h): checking
 * property tables, defaults, parsing values from strings (the board
 * loader's path), formatting them back, and the typed setters/getters.
 *
 * Every property is backed by a field of the instance struct at a fixed
 * offset; integer fields may be 1, 2, 4 or 8 bytes wide and values are
 * range-checked against the field width and any declared range before
 * they are stored, so a board can never write past a field.
 */
#include <errno.h>
#include <string.h>

#include "qom/object-internal.h"
#include "qom/property-internal.h"

static void *field_ptr(BbObject *obj, const BbPropertyInfo *p)
{
    return (char *)obj + p->offset;
}

const char *bb_prop_kind_name(BbPropKind kind)
{
    switch (kind) {
    case BB_PROP_BOOL: return "bool";
    case BB_PROP_INT: return "int";
    case BB_PROP_UINT: return "uint";
    case BB_PROP_SIZE: return "size";
    case BB_PROP_STRING: return "string";
    case BB_PROP_ENUM: return "enum";
    case BB_PROP_LINK: return "link";
    case BB_PROP_CHILD: return "child";
    }
    return "invalid";
}

static bool int_width_ok(size_t size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static int64_t int_field_min(const BbPropertyInfo *p)
{
    if (p->min || p->max) {
        return p->min;
    }
    return p->size == 8 ? INT64_MIN : -(INT64_C(1) << (p->size * 8 - 1));
}

static int64_t int_field_max(const BbPropertyInfo *p)
{
    if (p->min || p->max) {
        return p->max;
    }
    return p->size == 8 ? INT64_MAX : (INT64_C(1) << (p->size * 8 - 1)) - 1;
}

static uint64_t uint_field_max(const BbPropertyInfo *p)
{
    uint64_t width_max = p->size == 8 ? UINT64_MAX
                                      : (UINT64_C(1) << (p->size * 8)) - 1;
    return p->umax && p->umax < width_max ? p->umax : width_max;
}

static size_t choices_count(const char *const *choices)
{
    size_t n = 0;
    while (choices && choices[n]) {
        n++;
    }
    return n;
}

static bool size_fail(const BbPropertyInfo *p, const char *expected,
                      GError **error)
{
    g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                "property '%s' (%s): field size %zu, expected %s", p->name,
                bb_prop_kind_name(p->kind), p->size, expected);
    return false;
}

bool prop_info_check(const BbPropertyInfo *p, size_t instance_size,
                     GError **error)
{
    if (!*p->name) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property with an empty name");
        return false;
    }
    if (p->offset < sizeof(BbObject) || p->offset + p->size > instance_size) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': field at %zu+%zu lies outside the "
                    "instance (%zu bytes)",
                    p->name, p->offset, p->size, instance_size);
        return false;
    }
    switch (p->kind) {
    case BB_PROP_BOOL:
        return p->size == sizeof(bool) || size_fail(p, "1 (bool)", error);
    case BB_PROP_INT:
        if (!int_width_ok(p->size)) {
            return size_fail(p, "1, 2, 4 or 8", error);
        }
        if (p->def_i < int_field_min(p) || p->def_i > int_field_max(p)) {
            break;
        }
        return true;
    case BB_PROP_UINT:
    case BB_PROP_SIZE:
        if (!int_width_ok(p->size)) {
            return size_fail(p, "1, 2, 4 or 8", error);
        }
        if (p->def_u < p->umin || p->def_u > uint_field_max(p)) {
            break;
        }
        return true;
    case BB_PROP_STRING:
        return p->size == sizeof(char *) || size_fail(p, "a char *", error);
    case BB_PROP_ENUM:
        if (p->size != sizeof(int)) {
            return size_fail(p, "an int", error);
        }
        if (!choices_count(p->choices)) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                        "property '%s': enum without choices", p->name);
            return false;
        }
        if (p->def_i < 0 || (size_t)p->def_i >= choices_count(p->choices)) {
            break;
        }
        return true;
    case BB_PROP_LINK:
        if (p->size != sizeof(BbObject *)) {
            return size_fail(p, "a pointer", error);
        }
        if (!p->link_type) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                        "property '%s': link without a target type",
                        p->name);
            return false;
        }
        return true;
    default:
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': invalid kind %d", p->name, p->kind);
        return false;
    }
    g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                "property '%s': default value out of range", p->name);
    return false;
}

static void store_int(void *field, size_t size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)field = v; break;
    case 2: *(uint16_t *)field = v; break;
    case 4: *(uint32_t *)field = v; break;
    default: *(uint64_t *)field = v; break;
    }
}

static uint64_t load_uint(const void *field, size_t size)
{
    switch (size) {
    case 1: return *(const uint8_t *)field;
    case 2: return *(const uint16_t *)field;
    case 4: return *(const uint32_t *)field;
    default: return *(const uint64_t *)field;
    }
}

static int64_t load_int(const void *field, size_t size)
{
    switch (size) {
    case 1: return *(const int8_t *)field;
    case 2: return *(const int16_t *)field;
    case 4: return *(const int32_t *)field;
    default: return *(const int64_t *)field;
    }
}

void prop_apply_default(BbObject *obj, const BbPropertyInfo *p)
{
    void *f = field_ptr(obj, p);

    switch (p->kind) {
    case BB_PROP_BOOL: *(bool *)f = p->def_i != 0; break;
    case BB_PROP_INT: store_int(f, p->size, (uint64_t)p->def_i); break;
    case BB_PROP_UINT:
    case BB_PROP_SIZE: store_int(f, p->size, p->def_u); break;
    case BB_PROP_STRING: *(char **)f = g_strdup(p->def_s); break;
    case BB_PROP_ENUM: *(int *)f = (int)p->def_i; break;
    default: break;
    }
}

void prop_release(BbObject *obj, const BbPropertyInfo *p)
{
    void *f = field_ptr(obj, p);

    if (p->kind == BB_PROP_STRING) {
        g_clear_pointer((char **)f, g_free);
    } else if (p->kind == BB_PROP_LINK) {
        g_clear_pointer((BbObject **)f, bb_object_unref);
    }
}

/* ------------------------------------------------------ lookup, checks */

static const BbPropertyInfo *prop_find(BbObject *obj, const char *name,
                                       GError **error)
{
    const BbPropertyInfo *p = bb_object_find_property(obj, name);

    if (!p) {
        g_autofree char *label = object_label(obj);
        g_autofree char *names = object_property_names(obj);
        if (*names) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                        "%s has no property '%s'; valid properties: %s",
                        label, name, names);
        } else {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                        "%s has no property '%s'; it has no properties",
                        label, name);
        }
    }
    return p;
}

static bool prop_check_write(BbObject *obj, const BbPropertyInfo *p,
                             GError **error)
{
    if (p->kind == BB_PROP_CHILD) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "'%s' is a child object, not a settable property",
                    p->name);
        return false;
    }
    BbObjectClass *klass = bb_object_get_class(obj);
    return !klass->check_set_property ||
           klass->check_set_property(obj, p, error);
}

static bool kind_mismatch(const BbPropertyInfo *p, const char *wanted,
                          GError **error)
{
    g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                "property '%s' is of type %s, not %s", p->name,
                bb_prop_kind_name(p->kind), wanted);
    return false;
}

/* ------------------------------------------------------ parsing */

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "true", "on", "yes", "1" };
    static const char *const no[] = { "false", "off", "no", "0" };

    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (!g_ascii_strcasecmp(s, yes[i])) {
            *out = true;
            return true;
        }
        if (!g_ascii_strcasecmp(s, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

static int digit_value(char c, unsigned base)
{
    int d = g_ascii_xdigit_value(c);
    return d >= 0 && (unsigned)d < base ? d : -1;
}

QomNumResult qom_parse_number(const char *s, bool allow_suffix,
                              uint64_t *out, const char **rest)
{
    static const char units[] = "KMGTPE";
    unsigned base = 10;
    uint64_t v = 0;
    bool any = false, overflow = false;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s += 2;
    }
    for (;; s++) {
        int d = digit_value(*s, base);
        if (d < 0) {
            if (*s == '_' && any && digit_value(s[1], base) >= 0) {
                continue;
            }
            break;
        }
        overflow |= v > (UINT64_MAX - (uint64_t)d) / base;
        v = v * base + (uint64_t)d;
        any = true;
    }
    if (rest) {
        *rest = s;
    }
    if (!any) {
        return QOM_NUM_SYNTAX;
    }
    unsigned shift = 0;
    if (*s) {
        const char *u = allow_suffix && !s[1] ? strchr(units, *s) : NULL;
        if (!u) {
            bool word = allow_suffix;
            for (const char *c = s; word && *c; c++) {
                word = g_ascii_isalpha(*c);
            }
            return word ? QOM_NUM_SUFFIX : QOM_NUM_SYNTAX;
        }
        shift = 10 * (unsigned)(u - units + 1);
    }
    if (overflow || (shift && v > (UINT64_MAX >> shift))) {
        return QOM_NUM_OVERFLOW;
    }
    *out = v << shift;
    return QOM_NUM_OK;
}

bool qom_parse_uint(const char *s, uint64_t *out)
{
    return qom_parse_number(s, false, out, NULL) == QOM_NUM_OK;
}

bool qom_parse_size(const char *s, uint64_t *out)
{
    return qom_parse_number(s, true, out, NULL) == QOM_NUM_OK;
}

static bool parse_int(const char *s, int64_t *out)
{
    bool neg = s[0] == '-';
    uint64_t mag;

    if (!qom_parse_uint(s + (neg || s[0] == '+'), &mag)) {
        return false;
    }
    if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > INT64_MAX) {
        return false;
    }
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}

static bool bad_value(const BbPropertyInfo *p, const char *value,
                      const char *expected, GError **error)
{
    g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                "property '%s': invalid value '%s': expected %s", p->name,
                value, expected);
    return false;
}

/* ------------------------------------------------------ raw writes */

static bool write_int(BbObject *obj, const BbPropertyInfo *p, int64_t v,
                      GError **error)
{
    if (v < int_field_min(p) || v > int_field_max(p)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': value %" G_GINT64_FORMAT
                    " out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                    "]",
                    p->name, v, int_field_min(p), int_field_max(p));
        return false;
    }
    store_int(field_ptr(obj, p), p->size, (uint64_t)v);
    return true;
}

static bool write_uint(BbObject *obj, const BbPropertyInfo *p, uint64_t v,
                       GError **error)
{
    if (v < p->umin || v > uint_field_max(p)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': value %" G_GUINT64_FORMAT
                    " out of range [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                    "]",
                    p->name, v, p->umin, uint_field_max(p));
        return false;
    }
    store_int(field_ptr(obj, p), p->size, v);
    return true;
}

static bool write_link(BbObject *obj, const BbPropertyInfo *p,
                       BbObject *target, GError **error)
{
    if (target && !bb_object_dynamic_cast(target, p->link_type)) {
        g_autofree char *label = object_label(target);
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': %s is not a '%s'", p->name, label,
                    p->link_type);
        return false;
    }
    BbObject **f = field_ptr(obj, p);
    BbObject *old = *f;
    *f = target ? bb_object_ref(target) : NULL;
    bb_object_unref(old);
    return true;
}

static GString *choices_list(const char *const *choices)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; choices[i]; i++) {
        g_string_append_printf(s, "%s%s", i ? ", " : "", choices[i]);
    }
    return s;
}

static bool write_from_string(BbObject *obj, const BbPropertyInfo *p,
                              const char *value, GError **error)
{
    switch (p->kind) {
    case BB_PROP_BOOL: {
        bool b;
        if (!parse_bool(value, &b)) {
            return bad_value(p, value, "true or false", error);
        }
        *(bool *)field_ptr(obj, p) = b;
        return true;
    }
    case BB_PROP_INT: {
        int64_t v;
        if (!parse_int(value, &v)) {
            return bad_value(p, value, "an integer", error);
        }
        return write_int(obj, p, v, error);
    }
    case BB_PROP_UINT: {
        uint64_t v;
        if (!qom_parse_uint(value, &v)) {
            return bad_value(p, value, "an unsigned integer", error);
        }
        return write_uint(obj, p, v, error);
    }
    case BB_PROP_SIZE: {
        uint64_t v;
        if (!qom_parse_size(value, &v)) {
            return bad_value(p, value,
                             "a size (a number with an optional K, M, G, "
                             "T, P or E suffix, powers of 1024)",
                             error);
        }
        return write_uint(obj, p, v, error);
    }
    case BB_PROP_STRING: {
        char **f = field_ptr(obj, p);
        g_free(*f);
        *f = g_strdup(value);
        return true;
    }
    case BB_PROP_ENUM: {
        for (int i = 0; p->choices[i]; i++) {
            if (!strcmp(p->choices[i], value)) {
                *(int *)field_ptr(obj, p) = i;
                return true;
            }
        }
        g_autoptr(GString) list = choices_list(p->choices);
        g_autofree char *expected = g_strdup_printf("one of: %s", list->str);
        return bad_value(p, value, expected, error);
    }
    case BB_PROP_LINK: {
        if (!*value) {
            return write_link(obj, p, NULL, error);
        }
        BbObject *target = bb_object_resolve_path(obj, value);
        if (!target) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                        "property '%s': no object at path '%s'", p->name,
                        value);
            return false;
        }
        return write_link(obj, p, target, error);
    }
    default:
        return kind_mismatch(p, "settable from a string", error);
    }
}

/* ------------------------------------------------------ public setters */

typedef bool (*PropWriter)(BbObject *obj, const BbPropertyInfo *p,
                           const void *arg, GError **error);

static bool prop_set(BbObject *obj, const char *name, PropWriter writer,
                     const void *arg, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p || !prop_check_write(obj, p, error)) {
        return false;
    }
    if (!writer(obj, p, arg, error)) {
        return false;
    }
    object_mark_prop_set(obj, p);
    return true;
}

static bool writer_string(BbObject *obj, const BbPropertyInfo *p,
                          const void *arg, GError **error)
{
    return write_from_string(obj, p, arg, error);
}

static bool writer_bool(BbObject *obj, const BbPropertyInfo *p,
                        const void *arg, GError **error)
{
    if (p->kind != BB_PROP_BOOL) {
        return kind_mismatch(p, "bool", error);
    }
    *(bool *)field_ptr(obj, p) = *(const bool *)arg;
    return true;
}

static bool writer_int(BbObject *obj, const BbPropertyInfo *p,
                       const void *arg, GError **error)
{
    int64_t v = *(const int64_t *)arg;

    if (p->kind == BB_PROP_INT) {
        return write_int(obj, p, v, error);
    }
    if ((p->kind == BB_PROP_UINT || p->kind == BB_PROP_SIZE) && v >= 0) {
        return write_uint(obj, p, (uint64_t)v, error);
    }
    return kind_mismatch(p, "int", error);
}

static bool writer_uint(BbObject *obj, const BbPropertyInfo *p,
                        const void *arg, GError **error)
{
    uint64_t v = *(const uint64_t *)arg;

    if (p->kind == BB_PROP_UINT || p->kind == BB_PROP_SIZE) {
        return write_uint(obj, p, v, error);
    }
    if (p->kind == BB_PROP_INT && v <= INT64_MAX) {
        return write_int(obj, p, (int64_t)v, error);
    }
    return kind_mismatch(p, "uint", error);
}

static bool writer_str(BbObject *obj, const BbPropertyInfo *p,
                       const void *arg, GError **error)
{
    if (p->kind != BB_PROP_STRING && p->kind != BB_PROP_ENUM &&
        p->kind != BB_PROP_LINK) {
        return kind_mismatch(p, "string", error);
    }
    if (p->kind == BB_PROP_STRING && !arg) {
        g_clear_pointer((char **)field_ptr(obj, p), g_free);
        return true;
    }
    return write_from_string(obj, p, arg ? arg : "", error);
}

static bool writer_link(BbObject *obj, const BbPropertyInfo *p,
                        const void *arg, GError **error)
{
    if (p->kind != BB_PROP_LINK) {
        return kind_mismatch(p, "link", error);
    }
    return write_link(obj, p, (BbObject *)arg, error);
}

bool bb_object_set_prop(BbObject *obj, const char *name, const char *value,
                        GError **error)
{
    return prop_set(obj, name, writer_string, value ? value : "", error);
}

bool bb_object_set_bool(BbObject *obj, const char *name, bool value,
                        GError **error)
{
    return prop_set(obj, name, writer_bool, &value, error);
}

bool bb_object_set_int(BbObject *obj, const char *name, int64_t value,
                       GError **error)
{
    return prop_set(obj, name, writer_int, &value, error);
}

bool bb_object_set_uint(BbObject *obj, const char *name, uint64_t value,
                        GError **error)
{
    return prop_set(obj, name, writer_uint, &value, error);
}

bool bb_object_set_str(BbObject *obj, const char *name, const char *value,
                       GError **error)
{
    return prop_set(obj, name, writer_str, value, error);
}

bool bb_object_set_link(BbObject *obj, const char *name, BbObject *target,
                        GError **error)
{
    return prop_set(obj, name, writer_link, target, error);
}

/* ------------------------------------------------------ getters */

char *bb_object_get_prop(BbObject *obj, const char *name, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return NULL;
    }
    if (p->kind == BB_PROP_CHILD) {
        return bb_object_get_canonical_path(bb_object_get_child(obj, name));
    }
    void *f = field_ptr(obj, p);
    switch (p->kind) {
    case BB_PROP_BOOL:
        return g_strdup(*(bool *)f ? "true" : "false");
    case BB_PROP_INT:
        return g_strdup_printf("%" G_GINT64_FORMAT, load_int(f, p->size));
    case BB_PROP_UINT:
    case BB_PROP_SIZE:
        return g_strdup_printf("%" G_GUINT64_FORMAT, load_uint(f, p->size));
    case BB_PROP_STRING:
        return g_strdup(*(char **)f ? *(char **)f : "");
    case BB_PROP_ENUM:
        return g_strdup(p->choices[*(int *)f]);
    case BB_PROP_LINK:
        return *(BbObject **)f ? bb_object_get_canonical_path(*(BbObject **)f)
                               : g_strdup("");
    default:
        kind_mismatch(p, "readable", error);
        return NULL;
    }
}

bool bb_object_get_bool(BbObject *obj, const char *name, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return false;
    }
    if (p->kind != BB_PROP_BOOL) {
        return kind_mismatch(p, "bool", error);
    }
    return *(bool *)field_ptr(obj, p);
}

int64_t bb_object_get_int(BbObject *obj, const char *name, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return 0;
    }
    if (p->kind == BB_PROP_ENUM) {
        return *(int *)field_ptr(obj, p);
    }
    if (p->kind != BB_PROP_INT) {
        kind_mismatch(p, "int", error);
        return 0;
    }
    return load_int(field_ptr(obj, p), p->size);
}

uint64_t bb_object_get_uint(BbObject *obj, const char *name, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return 0;
    }
    if (p->kind != BB_PROP_UINT && p->kind != BB_PROP_SIZE) {
        kind_mismatch(p, "uint", error);
        return 0;
    }
    return load_uint(field_ptr(obj, p), p->size);
}

BbObject *bb_object_get_link(BbObject *obj, const char *name, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return NULL;
    }
    if (p->kind == BB_PROP_CHILD) {
        return bb_object_get_child(obj, name);
    }
    if (p->kind != BB_PROP_LINK) {
        kind_mismatch(p, "link", error);
        return NULL;
    }
    return *(BbObject **)field_ptr(obj, p);
}
