/*
 * property.c - typed properties of the object model (object.h): checking
 * property tables, defaults, parsing values from strings (the board
 * loader's path), formatting them back, and the typed setters/getters.
 *
 * Every property is backed by a field of the instance struct at a fixed
 * offset; integer fields may be 1, 2, 4 or 8 bytes wide and values are
 * range-checked against the field width and any declared range before
 * they are stored, so a board can never write past a field.  An array
 * property is a pointer field to elements the object model allocates plus
 * a count field; a write builds and checks the whole new array before it
 * replaces the old one, so a bad element leaves the property as it was.
 * Read-only properties are written only by the object's own code: the
 * string setters, which boards and the command line go through, refuse
 * them.
 */
#include <errno.h>
#include <string.h>

#include "qom/object-internal.h"
#include "qom/property-internal.h"
#include "util/suggest.h"

/* Big enough for one scalar value of any kind (the widest is 8 bytes). */
typedef union PropSlot {
    uint64_t u;
    void *ptr;
} PropSlot;

static void *field_ptr(BbObject *obj, const BbPropertyInfo *p)
{
    return (char *)obj + p->offset;
}

bool bb_prop_is_array(const BbPropertyInfo *prop)
{
    return prop->count_offset != 0;
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

char *prop_type_name(const BbPropertyInfo *p)
{
    return g_strdup_printf("%s%s", bb_prop_kind_name(p->kind),
                           bb_prop_is_array(p) ? "[]" : "");
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

static uint64_t width_max(size_t size)
{
    return size == 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static uint64_t uint_field_max(const BbPropertyInfo *p)
{
    uint64_t wmax = width_max(p->size);
    return p->umax && p->umax < wmax ? p->umax : wmax;
}

bool prop_range(const BbPropertyInfo *p, int64_t *min, int64_t *max,
                uint64_t *umin, uint64_t *umax)
{
    if (p->kind == BB_PROP_INT && (p->min || p->max)) {
        *min = p->min;
        *max = p->max;
        return true;
    }
    if ((p->kind == BB_PROP_UINT || p->kind == BB_PROP_SIZE) &&
        (p->umin || p->umax)) {
        *umin = p->umin;
        *umax = uint_field_max(p);
        return true;
    }
    return false;
}

/* Most elements an array takes: the declared limit (or the default one),
 * and never more than its count field holds. */
static uint64_t array_max(const BbPropertyInfo *p)
{
    uint64_t max = p->count_max ? p->count_max : BB_PROP_ARRAY_MAX;
    return MIN(max, width_max(p->count_size));
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

static bool array_info_check(const BbPropertyInfo *p, size_t instance_size,
                             GError **error)
{
    if (p->count_offset < sizeof(BbObject) ||
        p->count_offset + p->count_size > instance_size) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': count field at %zu+%zu lies outside "
                    "the instance (%zu bytes)",
                    p->name, p->count_offset, p->count_size, instance_size);
        return false;
    }
    if (!int_width_ok(p->count_size)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': count field size %zu, expected 1, 2, "
                    "4 or 8", p->name, p->count_size);
        return false;
    }
    switch (p->kind) {
    case BB_PROP_INT:
    case BB_PROP_UINT:
    case BB_PROP_SIZE:
        return int_width_ok(p->size) ||
               size_fail(p, "1, 2, 4 or 8 per element", error);
    case BB_PROP_STRING:
        return p->size == sizeof(char *) ||
               size_fail(p, "a char * per element", error);
    case BB_PROP_LINK:
        if (p->size != sizeof(BbObject *)) {
            return size_fail(p, "a pointer per element", error);
        }
        if (!p->link_type) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                        "property '%s': link array without a target type",
                        p->name);
            return false;
        }
        return true;
    default:
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': arrays of %s are not supported "
                    "(int, uint, size, string and link are)",
                    p->name, bb_prop_kind_name(p->kind));
        return false;
    }
}

bool prop_info_check(const BbPropertyInfo *p, size_t instance_size,
                     GError **error)
{
    bool array = bb_prop_is_array(p);
    size_t field_size = array ? sizeof(void *) : p->size;

    if (!*p->name) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property with an empty name");
        return false;
    }
    if (p->offset < sizeof(BbObject) ||
        p->offset + field_size > instance_size) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': field at %zu+%zu lies outside the "
                    "instance (%zu bytes)",
                    p->name, p->offset, field_size, instance_size);
        return false;
    }
    if ((p->flags & BB_PROP_F_READONLY) && (p->flags & BB_PROP_F_REQUIRED)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': read-only and required at once (a "
                    "board cannot set a read-only property)", p->name);
        return false;
    }
    if (array) {
        return array_info_check(p, instance_size, error);
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

static size_t array_count(BbObject *obj, const BbPropertyInfo *p)
{
    return load_uint((char *)obj + p->count_offset, p->count_size);
}

static void *array_elem(const BbPropertyInfo *p, void *elems, size_t i)
{
    return (char *)elems + i * p->size;
}

/* Drop what @n elements own (strings, link references). */
static void release_elems(const BbPropertyInfo *p, void *elems, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void *e = array_elem(p, elems, i);
        if (p->kind == BB_PROP_STRING) {
            g_free(*(char **)e);
        } else if (p->kind == BB_PROP_LINK) {
            bb_object_unref(*(BbObject **)e);
        }
    }
}

/* Install @elems (@n of them, owned) as the array's value. */
static void replace_array(BbObject *obj, const BbPropertyInfo *p,
                          void *elems, size_t n)
{
    void **f = field_ptr(obj, p);
    void *old = *f;

    release_elems(p, old, array_count(obj, p));
    g_free(old);
    *f = elems;
    store_int((char *)obj + p->count_offset, p->count_size, n);
}

/* Zeroed room for @n elements, plus a NULL terminator for pointer
 * arrays; NULL for none. */
static void *alloc_elems(const BbPropertyInfo *p, size_t n)
{
    bool terminated = p->kind == BB_PROP_STRING || p->kind == BB_PROP_LINK;
    return n ? g_malloc0(p->size * (n + terminated)) : NULL;
}

void prop_apply_default(BbObject *obj, const BbPropertyInfo *p)
{
    void *f = field_ptr(obj, p);

    if (bb_prop_is_array(p)) {
        return; /* empty: the instance is zeroed */
    }
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

    if (bb_prop_is_array(p)) {
        replace_array(obj, p, NULL, 0);
    } else if (p->kind == BB_PROP_STRING) {
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
        GPtrArray *props = class_props(bb_object_get_class(obj));
        g_autofree const char **list = g_new0(const char *, props->len + 1);
        for (guint i = 0; i < props->len; i++) {
            list[i] = ((const BbPropertyInfo *)props->pdata[i])->name;
        }
        g_autofree char *hint = util_suggest(name, list, props->len);
        if (*names) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                        "%s has no property '%s'%s%s%s; valid properties: "
                        "%s",
                        label, name, hint ? " (did you mean " : "",
                        hint ? hint : "", hint ? "?)" : "", names);
        } else {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                        "%s has no property '%s'; it has no properties",
                        label, name);
        }
    }
    return p;
}

/* Whether the write may go ahead.  @from_string: the value comes in
 * string form (boards, the command line), which read-only properties
 * refuse; the object's own code uses the typed setters. */
static bool prop_check_write(BbObject *obj, const BbPropertyInfo *p,
                             bool from_string, GError **error)
{
    if (p->kind == BB_PROP_CHILD) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "'%s' is a child object, not a settable property",
                    p->name);
        return false;
    }
    if (p->flags & BB_PROP_F_READONLY) {
        if (from_string) {
            g_autofree char *label = object_label(obj);
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                        "property '%s' of %s is read-only", p->name, label);
            return false;
        }
        return true; /* the object's own bookkeeping: no veto */
    }
    BbObjectClass *klass = bb_object_get_class(obj);
    return !klass->check_set_property ||
           klass->check_set_property(obj, p, error);
}

static bool kind_mismatch(const BbPropertyInfo *p, const char *wanted,
                          GError **error)
{
    g_autofree char *type = prop_type_name(p);
    g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                "property '%s' is of type %s, not %s", p->name, type,
                wanted);
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

/* ------------------------------------------------------ values */

/* How messages name what is being written: "property 'x'" or, for an
 * element of an array, "property 'x', element 3". */
static char *prop_what(const BbPropertyInfo *p, size_t index)
{
    if (index == SIZE_MAX) {
        return g_strdup_printf("property '%s'", p->name);
    }
    return g_strdup_printf("property '%s', element %zu", p->name, index);
}

static bool bad_value(const char *what, const char *value,
                      const char *expected, GError **error)
{
    g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                "%s: invalid value '%s': expected %s", what, value,
                expected);
    return false;
}

static bool check_int(const BbPropertyInfo *p, const char *what, int64_t v,
                      GError **error)
{
    if (v < int_field_min(p) || v > int_field_max(p)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "%s: value %" G_GINT64_FORMAT
                    " out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                    "]",
                    what, v, int_field_min(p), int_field_max(p));
        return false;
    }
    return true;
}

static bool check_uint(const BbPropertyInfo *p, const char *what,
                       uint64_t v, GError **error)
{
    if (v < p->umin || v > uint_field_max(p)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "%s: value %" G_GUINT64_FORMAT
                    " out of range [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                    "]",
                    what, v, p->umin, uint_field_max(p));
        return false;
    }
    return true;
}

static bool check_link(const BbPropertyInfo *p, const char *what,
                       BbObject *target, GError **error)
{
    if (target && !bb_object_dynamic_cast(target, p->link_type)) {
        g_autofree char *label = object_label(target);
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "%s: %s is not a '%s'", what, label, p->link_type);
        return false;
    }
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

/* Parse one value of @p's kind from @value into @slot (p->size bytes that
 * own nothing yet); a string is copied, a link referenced. */
static bool parse_value(BbObject *obj, const BbPropertyInfo *p,
                        const char *what, const char *value, void *slot,
                        GError **error)
{
    switch (p->kind) {
    case BB_PROP_BOOL: {
        bool b;
        if (!parse_bool(value, &b)) {
            return bad_value(what, value, "true or false", error);
        }
        *(bool *)slot = b;
        return true;
    }
    case BB_PROP_INT: {
        int64_t v;
        if (!parse_int(value, &v)) {
            return bad_value(what, value, "an integer", error);
        }
        if (!check_int(p, what, v, error)) {
            return false;
        }
        store_int(slot, p->size, (uint64_t)v);
        return true;
    }
    case BB_PROP_UINT:
    case BB_PROP_SIZE: {
        uint64_t v;
        if (p->kind == BB_PROP_UINT && !qom_parse_uint(value, &v)) {
            return bad_value(what, value, "an unsigned integer", error);
        }
        if (p->kind == BB_PROP_SIZE && !qom_parse_size(value, &v)) {
            return bad_value(what, value,
                             "a size (a number with an optional K, M, G, "
                             "T, P or E suffix, powers of 1024)",
                             error);
        }
        if (!check_uint(p, what, v, error)) {
            return false;
        }
        store_int(slot, p->size, v);
        return true;
    }
    case BB_PROP_STRING:
        *(char **)slot = g_strdup(value);
        return true;
    case BB_PROP_ENUM: {
        for (int i = 0; p->choices[i]; i++) {
            if (!strcmp(p->choices[i], value)) {
                *(int *)slot = i;
                return true;
            }
        }
        g_autoptr(GString) list = choices_list(p->choices);
        g_autofree char *expected = g_strdup_printf("one of: %s", list->str);
        return bad_value(what, value, expected, error);
    }
    case BB_PROP_LINK: {
        BbObject *target = NULL;
        if (*value) {
            target = bb_object_resolve_path(obj, value);
            if (!target) {
                g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                            "%s: no object at path '%s'", what, value);
                return false;
            }
        }
        if (!check_link(p, what, target, error)) {
            return false;
        }
        *(BbObject **)slot = target ? bb_object_ref(target) : NULL;
        return true;
    }
    default:
        return kind_mismatch(p, "settable from a string", error);
    }
}

/* Store a scalar value parsed into @slot, releasing the old one. */
static void replace_scalar(BbObject *obj, const BbPropertyInfo *p,
                           const void *slot)
{
    void *f = field_ptr(obj, p);

    if (p->kind == BB_PROP_STRING) {
        g_free(*(char **)f);
    } else if (p->kind == BB_PROP_LINK) {
        bb_object_unref(*(BbObject **)f);
    }
    memcpy(f, slot, p->size);
}

/* ------------------------------------------------------ array writes */

static bool check_array_len(const BbPropertyInfo *p, size_t n,
                            GError **error)
{
    if (n > array_max(p)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "property '%s': %zu elements, at most %" G_GUINT64_FORMAT
                    " allowed",
                    p->name, n, array_max(p));
        return false;
    }
    return true;
}

/* Replace an array by the elements parsed from @values; on failure
 * *@failed is the index of the bad element (or SIZE_MAX when the list as
 * a whole is wrong) and the array is unchanged. */
static bool write_list(BbObject *obj, const BbPropertyInfo *p,
                       const char *const *values, size_t n, size_t *failed,
                       GError **error)
{
    *failed = SIZE_MAX;
    if (!check_array_len(p, n, error)) {
        return false;
    }
    void *elems = alloc_elems(p, n);
    for (size_t i = 0; i < n; i++) {
        g_autofree char *what = prop_what(p, i);
        if (!parse_value(obj, p, what, values[i], array_elem(p, elems, i),
                         error)) {
            release_elems(p, elems, i);
            g_free(elems);
            *failed = i;
            return false;
        }
    }
    replace_array(obj, p, elems, n);
    return true;
}

/* "[a, b]", "a,b", "[]", "": the elements of an array's string form. */
static char **split_list(const char *value)
{
    g_autofree char *text = g_strstrip(g_strdup(value));
    size_t len = strlen(text);
    char *inner = text;

    if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
        text[len - 1] = '\0';
        inner = g_strstrip(text + 1);
    }
    if (!*inner) {
        return g_new0(char *, 1);
    }
    char **elems = g_strsplit(inner, ",", -1);
    for (char **e = elems; *e; e++) {
        g_strstrip(*e);
    }
    return elems;
}

/* ------------------------------------------------------ setters */

typedef bool (*PropWriter)(BbObject *obj, const BbPropertyInfo *p,
                           const void *arg, GError **error);

static bool prop_set(BbObject *obj, const char *name, PropWriter writer,
                     const void *arg, bool from_string, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p || !prop_check_write(obj, p, from_string, error)) {
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
    if (bb_prop_is_array(p)) {
        g_auto(GStrv) elems = split_list(arg);
        size_t failed;
        return write_list(obj, p, (const char *const *)elems,
                          g_strv_length(elems), &failed, error);
    }
    g_autofree char *what = prop_what(p, SIZE_MAX);
    PropSlot slot = { 0 };
    if (!parse_value(obj, p, what, arg, &slot, error)) {
        return false;
    }
    replace_scalar(obj, p, &slot);
    return true;
}

static bool writer_bool(BbObject *obj, const BbPropertyInfo *p,
                        const void *arg, GError **error)
{
    if (p->kind != BB_PROP_BOOL || bb_prop_is_array(p)) {
        return kind_mismatch(p, "bool", error);
    }
    *(bool *)field_ptr(obj, p) = *(const bool *)arg;
    return true;
}

/* An int or uint for an INT, UINT or SIZE element or field: range-checked
 * and stored at @slot. */
static bool store_number(const BbPropertyInfo *p, const char *what,
                         bool negative, uint64_t v, void *slot,
                         GError **error)
{
    if (p->kind == BB_PROP_INT) {
        if (!negative && v > INT64_MAX) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                        "%s: value %" G_GUINT64_FORMAT " out of range",
                        what, v);
            return false;
        }
        if (!check_int(p, what, (int64_t)v, error)) {
            return false;
        }
    } else if (!check_uint(p, what, v, error)) {
        return false;
    }
    store_int(slot, p->size, v);
    return true;
}

static bool writer_int(BbObject *obj, const BbPropertyInfo *p,
                       const void *arg, GError **error)
{
    int64_t v = *(const int64_t *)arg;
    g_autofree char *what = prop_what(p, SIZE_MAX);

    if (bb_prop_is_array(p)) {
        return kind_mismatch(p, "int", error);
    }
    if (p->kind == BB_PROP_INT) {
        return store_number(p, what, v < 0, (uint64_t)v, field_ptr(obj, p),
                            error);
    }
    if ((p->kind == BB_PROP_UINT || p->kind == BB_PROP_SIZE) && v >= 0) {
        return store_number(p, what, false, (uint64_t)v, field_ptr(obj, p),
                            error);
    }
    return kind_mismatch(p, "int", error);
}

static bool writer_uint(BbObject *obj, const BbPropertyInfo *p,
                        const void *arg, GError **error)
{
    uint64_t v = *(const uint64_t *)arg;
    g_autofree char *what = prop_what(p, SIZE_MAX);

    if (bb_prop_is_array(p)) {
        return kind_mismatch(p, "uint", error);
    }
    if (p->kind == BB_PROP_UINT || p->kind == BB_PROP_SIZE ||
        (p->kind == BB_PROP_INT && v <= INT64_MAX)) {
        return store_number(p, what, false, v, field_ptr(obj, p), error);
    }
    return kind_mismatch(p, "uint", error);
}

static bool writer_str(BbObject *obj, const BbPropertyInfo *p,
                       const void *arg, GError **error)
{
    if ((p->kind != BB_PROP_STRING && p->kind != BB_PROP_ENUM &&
         p->kind != BB_PROP_LINK) || bb_prop_is_array(p)) {
        return kind_mismatch(p, "string", error);
    }
    if (p->kind == BB_PROP_STRING && !arg) {
        g_clear_pointer((char **)field_ptr(obj, p), g_free);
        return true;
    }
    return writer_string(obj, p, arg ? arg : "", error);
}

static bool writer_link(BbObject *obj, const BbPropertyInfo *p,
                        const void *arg, GError **error)
{
    BbObject *target = (BbObject *)arg;
    g_autofree char *what = prop_what(p, SIZE_MAX);

    if (p->kind != BB_PROP_LINK || bb_prop_is_array(p)) {
        return kind_mismatch(p, "link", error);
    }
    if (!check_link(p, what, target, error)) {
        return false;
    }
    PropSlot slot = { .ptr = target ? bb_object_ref(target) : NULL };
    replace_scalar(obj, p, &slot);
    return true;
}

typedef struct ListArg {
    const void *values; /* const char *const *, uint64_t *, BbObject ** */
    size_t n;
    size_t failed;      /* out: index of the bad element, or SIZE_MAX */
} ListArg;

static bool writer_list(BbObject *obj, const BbPropertyInfo *p,
                        const void *arg, GError **error)
{
    ListArg *la = (ListArg *)arg;

    la->failed = SIZE_MAX;
    if (!bb_prop_is_array(p)) {
        return kind_mismatch(p, "an array", error);
    }
    return write_list(obj, p, la->values, la->n, &la->failed, error);
}

static bool writer_uint_array(BbObject *obj, const BbPropertyInfo *p,
                              const void *arg, GError **error)
{
    const ListArg *la = arg;
    const uint64_t *values = la->values;

    if (!bb_prop_is_array(p) ||
        (p->kind != BB_PROP_UINT && p->kind != BB_PROP_SIZE)) {
        return kind_mismatch(p, "a uint array", error);
    }
    if (!check_array_len(p, la->n, error)) {
        return false;
    }
    void *elems = alloc_elems(p, la->n);
    for (size_t i = 0; i < la->n; i++) {
        g_autofree char *what = prop_what(p, i);
        if (!store_number(p, what, false, values[i], array_elem(p, elems, i),
                          error)) {
            g_free(elems);
            return false;
        }
    }
    replace_array(obj, p, elems, la->n);
    return true;
}

static bool writer_link_array(BbObject *obj, const BbPropertyInfo *p,
                              const void *arg, GError **error)
{
    const ListArg *la = arg;
    BbObject *const *targets = la->values;

    if (!bb_prop_is_array(p) || p->kind != BB_PROP_LINK) {
        return kind_mismatch(p, "a link array", error);
    }
    if (!check_array_len(p, la->n, error)) {
        return false;
    }
    for (size_t i = 0; i < la->n; i++) {
        g_autofree char *what = prop_what(p, i);
        if (!check_link(p, what, targets[i], error)) {
            return false;
        }
    }
    BbObject **elems = alloc_elems(p, la->n);
    for (size_t i = 0; i < la->n; i++) {
        elems[i] = targets[i] ? bb_object_ref(targets[i]) : NULL;
    }
    replace_array(obj, p, elems, la->n);
    return true;
}

bool bb_object_set_prop(BbObject *obj, const char *name, const char *value,
                        GError **error)
{
    return prop_set(obj, name, writer_string, value ? value : "", true,
                    error);
}

bool object_set_prop_list(BbObject *obj, const char *name,
                          const char *const *values, size_t n,
                          size_t *failed, GError **error)
{
    ListArg la = { .values = values, .n = n, .failed = SIZE_MAX };
    bool ok = prop_set(obj, name, writer_list, &la, true, error);

    if (failed) {
        *failed = ok ? SIZE_MAX : la.failed;
    }
    return ok;
}

bool bb_object_set_prop_list(BbObject *obj, const char *name,
                             const char *const *values, size_t n,
                             GError **error)
{
    return object_set_prop_list(obj, name, values, n, NULL, error);
}

bool bb_object_set_uint_array(BbObject *obj, const char *name,
                              const uint64_t *values, size_t n,
                              GError **error)
{
    ListArg la = { .values = values, .n = n };
    return prop_set(obj, name, writer_uint_array, &la, false, error);
}

bool bb_object_set_link_array(BbObject *obj, const char *name,
                              BbObject *const *targets, size_t n,
                              GError **error)
{
    ListArg la = { .values = targets, .n = n };
    return prop_set(obj, name, writer_link_array, &la, false, error);
}

bool bb_object_set_bool(BbObject *obj, const char *name, bool value,
                        GError **error)
{
    return prop_set(obj, name, writer_bool, &value, false, error);
}

bool bb_object_set_int(BbObject *obj, const char *name, int64_t value,
                       GError **error)
{
    return prop_set(obj, name, writer_int, &value, false, error);
}

bool bb_object_set_uint(BbObject *obj, const char *name, uint64_t value,
                        GError **error)
{
    return prop_set(obj, name, writer_uint, &value, false, error);
}

bool bb_object_set_str(BbObject *obj, const char *name, const char *value,
                       GError **error)
{
    return prop_set(obj, name, writer_str, value, false, error);
}

bool bb_object_set_link(BbObject *obj, const char *name, BbObject *target,
                        GError **error)
{
    return prop_set(obj, name, writer_link, target, false, error);
}

/* ------------------------------------------------------ getters */

/* The string form of the value at @slot. */
static char *format_value(const BbPropertyInfo *p, const void *slot)
{
    switch (p->kind) {
    case BB_PROP_BOOL:
        return g_strdup(*(const bool *)slot ? "true" : "false");
    case BB_PROP_INT:
        return g_strdup_printf("%" G_GINT64_FORMAT, load_int(slot, p->size));
    case BB_PROP_UINT:
    case BB_PROP_SIZE:
        return g_strdup_printf("%" G_GUINT64_FORMAT,
                               load_uint(slot, p->size));
    case BB_PROP_STRING:
        return g_strdup(*(char *const *)slot ? *(char *const *)slot : "");
    case BB_PROP_ENUM:
        return g_strdup(p->choices[*(const int *)slot]);
    case BB_PROP_LINK:
        return *(BbObject *const *)slot
                   ? bb_object_get_canonical_path(*(BbObject *const *)slot)
                   : g_strdup("");
    default:
        return NULL;
    }
}

char *bb_object_get_prop(BbObject *obj, const char *name, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return NULL;
    }
    if (p->kind == BB_PROP_CHILD) {
        return bb_object_get_canonical_path(bb_object_get_child(obj, name));
    }
    if (bb_prop_is_array(p)) {
        void *elems = *(void **)field_ptr(obj, p);
        size_t n = array_count(obj, p);
        GString *s = g_string_new("[");
        for (size_t i = 0; i < n; i++) {
            g_autofree char *v = format_value(p, array_elem(p, elems, i));
            g_string_append_printf(s, "%s%s", i ? "," : "", v);
        }
        g_string_append_c(s, ']');
        return g_string_free(s, false);
    }
    char *v = format_value(p, field_ptr(obj, p));
    if (!v) {
        kind_mismatch(p, "readable", error);
    }
    return v;
}

/* The property @name if it is a scalar of one of @kinds (0-terminated). */
static const BbPropertyInfo *find_scalar(BbObject *obj, const char *name,
                                         const BbPropKind *kinds,
                                         const char *wanted, GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return NULL;
    }
    for (; *kinds && !bb_prop_is_array(p); kinds++) {
        if (p->kind == *kinds) {
            return p;
        }
    }
    kind_mismatch(p, wanted, error);
    return NULL;
}

bool bb_object_get_bool(BbObject *obj, const char *name, GError **error)
{
    static const BbPropKind kinds[] = { BB_PROP_BOOL, 0 };
    const BbPropertyInfo *p = find_scalar(obj, name, kinds, "bool", error);

    return p && *(bool *)field_ptr(obj, p);
}

int64_t bb_object_get_int(BbObject *obj, const char *name, GError **error)
{
    static const BbPropKind kinds[] = { BB_PROP_INT, BB_PROP_ENUM, 0 };
    const BbPropertyInfo *p = find_scalar(obj, name, kinds, "int", error);

    if (!p) {
        return 0;
    }
    if (p->kind == BB_PROP_ENUM) {
        return *(int *)field_ptr(obj, p);
    }
    return load_int(field_ptr(obj, p), p->size);
}

uint64_t bb_object_get_uint(BbObject *obj, const char *name, GError **error)
{
    static const BbPropKind kinds[] = { BB_PROP_UINT, BB_PROP_SIZE, 0 };
    const BbPropertyInfo *p = find_scalar(obj, name, kinds, "uint", error);

    return p ? load_uint(field_ptr(obj, p), p->size) : 0;
}

BbObject *bb_object_get_link(BbObject *obj, const char *name, GError **error)
{
    static const BbPropKind kinds[] = { BB_PROP_LINK, BB_PROP_CHILD, 0 };
    const BbPropertyInfo *p = find_scalar(obj, name, kinds, "link", error);

    if (!p) {
        return NULL;
    }
    if (p->kind == BB_PROP_CHILD) {
        return bb_object_get_child(obj, name);
    }
    return *(BbObject **)field_ptr(obj, p);
}

size_t bb_object_get_array_length(BbObject *obj, const char *name,
                                  GError **error)
{
    const BbPropertyInfo *p = prop_find(obj, name, error);

    if (!p) {
        return 0;
    }
    if (!bb_prop_is_array(p)) {
        kind_mismatch(p, "an array", error);
        return 0;
    }
    return array_count(obj, p);
}
