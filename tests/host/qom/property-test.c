/*
 * property-test.c - unit tests of typed properties (object.h,
 * host/qom/property.c): defaults applied before instance_init; every kind
 * (bool, int, uint, size, string, enum, link) set from strings and typed
 * setters and read back in string and typed form; parse errors, per-width
 * and declared ranges, size suffixes and their overflow, enum choices,
 * links (by path, type-checked, holding a reference); unknown names listing
 * the valid ones and suggesting near misses; kind mismatches of the typed
 * accessors; inheritance and declaration order; and the property tables
 * that make a type unusable (a name declared twice along the hierarchy,
 * malformed entries).  Since ABI 2.0 also array properties (uint, int,
 * size, string, link: string and list forms, typed setters, element
 * ranges and types named by index, count limits, all-or-nothing writes,
 * references) and read-only properties (refused from strings, written by
 * typed setters, exempt from the class's write veto).
 */
#include "host-test.h"

#define TYPE_PT_PROPS "pt-props"
#define TYPE_PT_PROPS_SUB "pt-props-sub"
#define TYPE_PT_TARGET "pt-target"
#define TYPE_PT_TARGET_SUB "pt-target-sub"
#define TYPE_PT_DUP "pt-dup"

typedef struct PtProps {
    BbObject parent_obj;
    bool enabled;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint64_t mem_size;
    uint32_t size32;
    char *label;
    char *nolabel;
    int mode;
    BbObject *target;
    int32_t ranged;
    uint32_t uranged;
    /* what instance_init saw */
    bool init_enabled;
    int64_t init_i64;
    uint64_t init_mem_size;
    char *init_label;
    int init_mode;
} PtProps;

typedef struct PtPropsSub {
    PtProps parent_obj;
    uint32_t extra;
    bool dup_enabled;
} PtPropsSub;

static const char *const mode_choices[] = { "slow", "fast", "auto", NULL };

static const BbPropertyInfo props_props[] = {
    BB_PROP_BOOL("enabled", PtProps, enabled, true, "a bool"),
    BB_PROP_INT("i8", PtProps, i8, -5, "1-byte int"),
    BB_PROP_INT("i16", PtProps, i16, -300, "2-byte int"),
    BB_PROP_INT("i32", PtProps, i32, -70000, "4-byte int"),
    BB_PROP_INT("i64", PtProps, i64, -5000000000LL, "8-byte int"),
    BB_PROP_UINT("u8", PtProps, u8, 200, "1-byte uint"),
    BB_PROP_UINT("u16", PtProps, u16, 60000, "2-byte uint"),
    BB_PROP_UINT("u32", PtProps, u32, 0x1000, "4-byte uint"),
    BB_PROP_UINT("u64", PtProps, u64, 0x100000000ULL, "8-byte uint"),
    BB_PROP_SIZE("mem-size", PtProps, mem_size, 64 * 1024, "a size"),
    BB_PROP_SIZE("size32", PtProps, size32, 0, "a 4-byte size"),
    BB_PROP_STRING("label", PtProps, label, "hello", "a string"),
    BB_PROP_STRING("nolabel", PtProps, nolabel, NULL, "a NULL string"),
    BB_PROP_ENUM("mode", PtProps, mode, 1, mode_choices, "an enum"),
    BB_PROP_LINK("target", PtProps, target, TYPE_PT_TARGET, "a link"),
    BB_PROP_INT_RANGE("ranged", PtProps, ranged, 0, -10, 10, "in [-10, 10]"),
    BB_PROP_UINT_RANGE("uranged", PtProps, uranged, 8, 4, 16, "in [4, 16]"),
    BB_PROP_END,
};

static const char *const props_names[] = {
    "enabled", "i8",    "i16",     "i32",    "i64",   "u8",
    "u16",     "u32",   "u64",     "mem-size", "size32", "label",
    "nolabel", "mode",  "target",  "ranged", "uranged",
};

static const BbPropertyInfo sub_props[] = {
    BB_PROP_UINT("extra", PtPropsSub, extra, 7, "added by the subclass"),
    BB_PROP_END,
};

static const BbPropertyInfo dup_props[] = {
    BB_PROP_UINT("fine", PtPropsSub, extra, 7, "a new name"),
    BB_PROP_BOOL("enabled", PtPropsSub, dup_enabled, false,
                 "declared by the parent already"),
    BB_PROP_END,
};

static unsigned targets_finalized;

static void props_instance_init(BbObject *obj)
{
    PtProps *s = (PtProps *)obj;
    s->init_enabled = s->enabled;
    s->init_i64 = s->i64;
    s->init_mem_size = s->mem_size;
    s->init_label = g_strdup(s->label);
    s->init_mode = s->mode;
}

static void props_instance_finalize(BbObject *obj)
{
    g_free(((PtProps *)obj)->init_label);
}

static void target_finalize(BbObject *obj)
{
    targets_finalized++;
}

/* class_init of every type here: add the table passed as class_data. */
static void add_props_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, data);
}

static const BbTypeInfo props_info = {
    .name = TYPE_PT_PROPS,
    .parent = BB_TYPE_OBJECT,
    .instance_size = sizeof(PtProps),
    .instance_init = props_instance_init,
    .instance_finalize = props_instance_finalize,
    .class_init = add_props_class_init,
    .class_data = props_props,
};

static const BbTypeInfo props_sub_info = {
    .name = TYPE_PT_PROPS_SUB,
    .parent = TYPE_PT_PROPS,
    .instance_size = sizeof(PtPropsSub),
    .class_init = add_props_class_init,
    .class_data = sub_props,
};

static const BbTypeInfo dup_info = {
    .name = TYPE_PT_DUP,
    .parent = TYPE_PT_PROPS,
    .instance_size = sizeof(PtPropsSub),
    .class_init = add_props_class_init,
    .class_data = dup_props,
};

static const BbTypeInfo target_info = {
    .name = TYPE_PT_TARGET,
    .parent = BB_TYPE_OBJECT,
    .instance_finalize = target_finalize,
};

static const BbTypeInfo target_sub_info = {
    .name = TYPE_PT_TARGET_SUB,
    .parent = TYPE_PT_TARGET,
};

/* ------------------------------------------- malformed property tables */

typedef struct PtBad {
    BbObject parent_obj;
    int32_t word;
    uint8_t three[3];
    int choice;
    BbObject *ptr;
    int8_t small;
    uint8_t usmall;
} PtBad;

#define BAD_TABLE(ident, ...)                                                 \
    static const BbPropertyInfo ident[] = { __VA_ARGS__, BB_PROP_END }

BAD_TABLE(bad_bool, BB_PROP_BOOL("flag", PtBad, word, false, "bool on int"));
BAD_TABLE(bad_width, BB_PROP_INT("odd", PtBad, three, 0, "3-byte int"));
BAD_TABLE(bad_uwidth, BB_PROP_UINT("uodd", PtBad, three, 0, "3-byte uint"));
BAD_TABLE(bad_string, BB_PROP_STRING("text", PtBad, word, NULL, "string "
                                     "on int"));
BAD_TABLE(bad_enum, BB_PROP_ENUM("pick", PtBad, choice, 0, NULL, "no "
                                 "choices"));
BAD_TABLE(bad_enum_def, BB_PROP_ENUM("pick2", PtBad, choice, 3, mode_choices,
                                     "default past the choices"));
BAD_TABLE(bad_enum_size, BB_PROP_ENUM("pick3", PtBad, small, 0, mode_choices,
                                      "enum on int8"));
BAD_TABLE(bad_link, BB_PROP_LINK("peer", PtBad, ptr, NULL, "no link type"));
BAD_TABLE(bad_link_size, BB_PROP_LINK("peer2", PtBad, word, TYPE_PT_TARGET,
                                      "link on int"));
BAD_TABLE(bad_int_def, BB_PROP_INT("tiny", PtBad, small, 300, "default "
                                   "out of range"));
BAD_TABLE(bad_uint_def, BB_PROP_UINT("utiny", PtBad, usmall, 256, "default "
                                     "out of range"));
BAD_TABLE(bad_range_def, BB_PROP_UINT_RANGE("urange", PtBad, word, 20, 4, 16,
                                            "default outside the range"));
BAD_TABLE(bad_offset, { .name = "far", .kind = BB_PROP_UINT,
                        .offset = sizeof(PtBad), .size = 4 });
BAD_TABLE(bad_header, { .name = "inside-header", .kind = BB_PROP_UINT,
                        .offset = 0, .size = 4 });
BAD_TABLE(bad_kind, { .name = "kindless", .kind = (BbPropKind)0,
                      .offset = offsetof(PtBad, word), .size = 4 });
BAD_TABLE(bad_child, { .name = "childish", .kind = BB_PROP_CHILD,
                       .offset = offsetof(PtBad, ptr),
                       .size = sizeof(BbObject *) });

BAD_TABLE(bad_array_kind, { .name = "flags", .kind = BB_PROP_BOOL,
                            .offset = offsetof(PtBad, ptr), .size = 1,
                            .count_offset = offsetof(PtBad, word),
                            .count_size = 4 });
BAD_TABLE(bad_array_count_size, { .name = "odd-count", .kind = BB_PROP_UINT,
                                  .offset = offsetof(PtBad, ptr), .size = 4,
                                  .count_offset = offsetof(PtBad, three),
                                  .count_size = 3 });
BAD_TABLE(bad_array_count_far, { .name = "far-count", .kind = BB_PROP_UINT,
                                 .offset = offsetof(PtBad, ptr), .size = 4,
                                 .count_offset = sizeof(PtBad),
                                 .count_size = 4 });
BAD_TABLE(bad_array_elem, { .name = "odd-elems", .kind = BB_PROP_UINT,
                            .offset = offsetof(PtBad, ptr), .size = 3,
                            .count_offset = offsetof(PtBad, word),
                            .count_size = 4 });
BAD_TABLE(bad_array_link, { .name = "links", .kind = BB_PROP_LINK,
                            .offset = offsetof(PtBad, ptr),
                            .size = sizeof(BbObject *),
                            .count_offset = offsetof(PtBad, word),
                            .count_size = 4 });
BAD_TABLE(bad_ro_required, { .name = "both", .kind = BB_PROP_UINT,
                             .offset = offsetof(PtBad, word), .size = 4,
                             .flags = BB_PROP_F_READONLY |
                                      BB_PROP_F_REQUIRED });

typedef struct BadCase {
    BbTypeInfo info;
    const char *prop; /* the entry the error must name */
} BadCase;

#define BAD_CASE(tname, table, pname)                                         \
    { { .name = (tname), .parent = BB_TYPE_OBJECT,                            \
        .instance_size = sizeof(PtBad), .class_init = add_props_class_init,   \
        .class_data = (table) },                                              \
      (pname) }

static const BadCase bad_cases[] = {
    BAD_CASE("pt-bad-bool", bad_bool, "flag"),
    BAD_CASE("pt-bad-width", bad_width, "odd"),
    BAD_CASE("pt-bad-uwidth", bad_uwidth, "uodd"),
    BAD_CASE("pt-bad-string", bad_string, "text"),
    BAD_CASE("pt-bad-enum", bad_enum, "pick"),
    BAD_CASE("pt-bad-enum-def", bad_enum_def, "pick2"),
    BAD_CASE("pt-bad-enum-size", bad_enum_size, "pick3"),
    BAD_CASE("pt-bad-link", bad_link, "peer"),
    BAD_CASE("pt-bad-link-size", bad_link_size, "peer2"),
    BAD_CASE("pt-bad-int-def", bad_int_def, "tiny"),
    BAD_CASE("pt-bad-uint-def", bad_uint_def, "utiny"),
    BAD_CASE("pt-bad-range-def", bad_range_def, "urange"),
    BAD_CASE("pt-bad-offset", bad_offset, "far"),
    BAD_CASE("pt-bad-header", bad_header, "inside-header"),
    BAD_CASE("pt-bad-kind", bad_kind, "kindless"),
    BAD_CASE("pt-bad-child", bad_child, "childish"),
    BAD_CASE("pt-bad-array-kind", bad_array_kind, "flags"),
    BAD_CASE("pt-bad-array-count-size", bad_array_count_size, "odd-count"),
    BAD_CASE("pt-bad-array-count-far", bad_array_count_far, "far-count"),
    BAD_CASE("pt-bad-array-elem", bad_array_elem, "odd-elems"),
    BAD_CASE("pt-bad-array-link", bad_array_link, "links"),
    BAD_CASE("pt-bad-ro-required", bad_ro_required, "both"),
};

/* ------------------------------------------- arrays and read-only */

#define TYPE_PT_ARRAYS "pt-arrays"

typedef struct PtArrays {
    BbObject parent_obj;
    uint16_t *u16s;      /* uint array in [1, 1000], at most 4 */
    unsigned n_u16s;
    int32_t *ints;       /* int array in [-5, 5], 1-byte count */
    uint8_t n_ints;
    uint64_t *sizes;     /* size array */
    size_t n_sizes;
    char **names;        /* string array */
    unsigned n_names;
    BbObject **targets;  /* link array of pt-target */
    unsigned n_targets;
    uint32_t *ro_list;   /* read-only uint array */
    unsigned n_ro_list;
    uint32_t ro;         /* read-only uint */
    char *ro_s;          /* read-only string */
    BbObject *ro_link;   /* read-only link */
    uint32_t plain;      /* ordinary uint, for the veto */
} PtArrays;

static const BbPropertyInfo arrays_props[] = {
    { .name = "u16s", .kind = BB_PROP_UINT,
      BB_PROP_ARRAY_FIELD_(PtArrays, u16s, n_u16s), .umin = 1, .umax = 1000,
      .count_max = 4, .description = "at most 4, each in [1, 1000]" },
    { .name = "ints", .kind = BB_PROP_INT,
      BB_PROP_ARRAY_FIELD_(PtArrays, ints, n_ints), .min = -5, .max = 5,
      .description = "each in [-5, 5]; a 1-byte count" },
    { .name = "sizes", .kind = BB_PROP_SIZE,
      BB_PROP_ARRAY_FIELD_(PtArrays, sizes, n_sizes),
      .description = "sizes" },
    BB_PROP_STRING_ARRAY("names", PtArrays, names, n_names, "strings"),
    BB_PROP_LINK_ARRAY("targets", PtArrays, targets, n_targets,
                       TYPE_PT_TARGET, "links"),
    { .name = "ro-list", .kind = BB_PROP_UINT,
      BB_PROP_ARRAY_FIELD_(PtArrays, ro_list, n_ro_list),
      .flags = BB_PROP_F_READONLY, .description = "read-only array" },
    BB_PROP_READONLY("ro", BB_PROP_UINT, PtArrays, ro, "read-only"),
    BB_PROP_READONLY("ro-s", BB_PROP_STRING, PtArrays, ro_s, "read-only"),
    BB_PROP_READONLY("ro-link", BB_PROP_LINK, PtArrays, ro_link,
                     "read-only"),
    BB_PROP_UINT("plain", PtArrays, plain, 0, "ordinary"),
    BB_PROP_END,
};

static bool veto_writes; /* pt-arrays' check_set_property refuses all */

static bool arrays_check_set(BbObject *obj, const BbPropertyInfo *prop,
                             GError **error)
{
    if (veto_writes) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_STATE, "vetoed '%s'",
                    prop->name);
        return false;
    }
    return true;
}

static void arrays_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, arrays_props);
    klass->check_set_property = arrays_check_set;
}

static const BbTypeInfo arrays_info = {
    .name = TYPE_PT_ARRAYS,
    .parent = BB_TYPE_OBJECT,
    .instance_size = sizeof(PtArrays),
    .class_init = arrays_class_init,
};

static const BbTypeInfo bad_sub_info = {
    .name = "pt-bad-bool-sub",
    .parent = "pt-bad-bool",
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = {
        &props_info, &props_sub_info, &dup_info, &target_info,
        &target_sub_info, &bad_sub_info, &arrays_info,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        const BbTypeInfo *info = &bad_cases[i].info;
        if (host_test_register_types(&info, 1)) {
            return -1;
        }
    }
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

/* ------------------------------------------------------------- fixture */

typedef struct Fix {
    BbObject *root;   /* container */
    BbObject *obj;    /* a pt-props at /props */
    PtProps *s;
    BbObject *t1;     /* a pt-target at /t1 */
    BbObject *box;    /* a container at /box */
    BbObject *arr;    /* a pt-arrays at /arrays */
    PtArrays *a;
} Fix;

static BbObject *new_obj(const char *type)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(type, &err);
    assert_no_error(err);
    assert_non_null(obj);
    return obj;
}

static BbObject *add(BbObject *parent, const char *name, const char *type)
{
    GError *err = NULL;
    BbObject *obj = new_obj(type);
    assert_true(bb_object_add_child(parent, name, obj, &err));
    assert_no_error(err);
    bb_object_unref(obj);
    return obj;
}

static int fix_setup(void **state)
{
    Fix *f = g_new0(Fix, 1);
    f->root = new_obj(BB_TYPE_CONTAINER);
    f->obj = add(f->root, "props", TYPE_PT_PROPS);
    f->s = (PtProps *)f->obj;
    f->t1 = add(f->root, "t1", TYPE_PT_TARGET);
    f->box = add(f->root, "box", BB_TYPE_CONTAINER);
    f->arr = add(f->root, "arrays", TYPE_PT_ARRAYS);
    f->a = (PtArrays *)f->arr;
    targets_finalized = 0;
    veto_writes = false;
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    bb_object_unref(f->root);
    g_free(f);
    return 0;
}

/* Set @name to @value from a string and expect success. */
static void set_ok(BbObject *obj, const char *name, const char *value)
{
    GError *err = NULL;
    if (!bb_object_set_prop(obj, name, value, &err)) {
        fail_msg("setting %s=%s failed: %s", name, value,
                 err ? err->message : "(no error)");
    }
    assert_null(err);
}

/* Expect setting @name to @value to fail with BB_ERROR_INVALID, naming the
 * property, and to leave its string form unchanged. */
static void set_invalid(BbObject *obj, const char *name, const char *value)
{
    GError *err = NULL;
    g_autofree char *before = bb_object_get_prop(obj, name, NULL);

    if (bb_object_set_prop(obj, name, value, &err)) {
        fail_msg("setting %s=%s succeeded", name, value);
    }
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_autofree char *quoted = g_strdup_printf("'%s'", name);
    assert_contains(err->message, quoted);
    g_error_free(err);
    g_autofree char *after = bb_object_get_prop(obj, name, NULL);
    assert_string_equal(before, after);
}

static void assert_prop(BbObject *obj, const char *name, const char *expected)
{
    GError *err = NULL;
    g_autofree char *v = bb_object_get_prop(obj, name, &err);
    assert_no_error(err);
    assert_non_null(v);
    assert_string_equal(v, expected);
}

/* ------------------------------------------------------------ defaults */

static void bb_object_new_applies_defaults_before_instance_init(void **state)
{
    Fix *f = *state;
    PtProps *s = f->s;

    assert_true(s->init_enabled);
    assert_int_equal(s->init_i64, -5000000000LL);
    assert_int_equal(s->init_mem_size, 64 * 1024);
    assert_non_null(s->init_label);
    assert_string_equal(s->init_label, "hello");
    assert_int_equal(s->init_mode, 1);
    /* and the fields hold them */
    assert_true(s->enabled);
    assert_int_equal(s->i8, -5);
    assert_int_equal(s->i16, -300);
    assert_int_equal(s->i32, -70000);
    assert_int_equal(s->u8, 200);
    assert_int_equal(s->u16, 60000);
    assert_int_equal(s->u32, 0x1000);
    assert_int_equal(s->u64, 0x100000000ULL);
    assert_null(s->nolabel);
    assert_null(s->target);
    assert_int_equal(s->uranged, 8);
}

static void bb_object_new_copies_default_string(void **state)
{
    Fix *f = *state;

    /* the object owns its string: not the table's literal */
    assert_ptr_not_equal(f->s->label, props_props[11].def_s);
    assert_string_equal(props_props[11].name, "label");
}

static void bb_object_get_prop_default_string_forms(void **state)
{
    Fix *f = *state;

    assert_prop(f->obj, "enabled", "true");
    assert_prop(f->obj, "i8", "-5");
    assert_prop(f->obj, "i16", "-300");
    assert_prop(f->obj, "i32", "-70000");
    assert_prop(f->obj, "i64", "-5000000000");
    assert_prop(f->obj, "u8", "200");
    assert_prop(f->obj, "u16", "60000");
    assert_prop(f->obj, "u32", "4096");
    assert_prop(f->obj, "u64", "4294967296");
    assert_prop(f->obj, "mem-size", "65536");
    assert_prop(f->obj, "label", "hello");
    assert_prop(f->obj, "nolabel", "");
    assert_prop(f->obj, "mode", "fast");
    assert_prop(f->obj, "target", "");
    assert_prop(f->obj, "uranged", "8");
}

/* ---------------------------------------------------------------- bool */

static void bb_object_set_prop_bool_accepts_all_spellings(void **state)
{
    Fix *f = *state;
    static const struct { const char *s; bool v; } cases[] = {
        { "false", false }, { "true", true }, { "off", false },
        { "on", true },     { "no", false },  { "yes", true },
        { "0", false },     { "1", true },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        set_ok(f->obj, "enabled", cases[i].s);
        assert_int_equal(f->s->enabled, cases[i].v);
        assert_prop(f->obj, "enabled", cases[i].v ? "true" : "false");
    }
}

static void bb_object_set_prop_bool_invalid_fails(void **state)
{
    Fix *f = *state;
    const char *bad[] = { "maybe", "", "2", "truex", "-1" };
    GError *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        set_invalid(f->obj, "enabled", bad[i]);
    }
    assert_false(bb_object_set_prop(f->obj, "enabled", "maybe", &err));
    assert_contains(err->message, "'maybe'");
    assert_contains(err->message, "true or false");
    g_error_free(err);
    assert_true(f->s->enabled);
}

static void bb_object_set_bool_sets_field(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_object_set_bool(f->obj, "enabled", false, &err));
    assert_no_error(err);
    assert_false(f->s->enabled);
    assert_false(bb_object_get_bool(f->obj, "enabled", &err));
    assert_no_error(err);
    assert_true(bb_object_set_bool(f->obj, "enabled", true, &err));
    assert_true(bb_object_get_bool(f->obj, "enabled", &err));
    assert_no_error(err);
}

/* ----------------------------------------------------------------- int */

static void bb_object_set_prop_int_parses_forms(void **state)
{
    Fix *f = *state;

    set_ok(f->obj, "i32", "42");
    assert_int_equal(f->s->i32, 42);
    set_ok(f->obj, "i32", "-3");
    assert_int_equal(f->s->i32, -3);
    assert_prop(f->obj, "i32", "-3");
    set_ok(f->obj, "i32", "0x10");
    assert_int_equal(f->s->i32, 16);
    assert_prop(f->obj, "i32", "16"); /* read back in decimal */
    set_ok(f->obj, "i32", "0");
    assert_int_equal(f->s->i32, 0);
}

static void bb_object_set_prop_int_invalid_fails(void **state)
{
    Fix *f = *state;
    const char *bad[] = { "abc", "12abc", "", "1.5", " 1", "-", "0x", "--1",
                          "4K" };
    GError *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        set_invalid(f->obj, "i32", bad[i]);
    }
    assert_false(bb_object_set_prop(f->obj, "i32", "abc", &err));
    assert_contains(err->message, "'abc'");
    assert_contains(err->message, "integer");
    g_error_free(err);
    assert_int_equal(f->s->i32, -70000);
}

static void bb_object_set_prop_int_width_limits(void **state)
{
    Fix *f = *state;
    static const struct {
        const char *name, *min, *max, *below, *above;
    } cases[] = {
        { "i8", "-128", "127", "-129", "128" },
        { "i16", "-32768", "32767", "-32769", "32768" },
        { "i32", "-2147483648", "2147483647", "-2147483649", "2147483648" },
        { "i64", "-9223372036854775808", "9223372036854775807",
          "-9223372036854775809", "9223372036854775808" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        set_ok(f->obj, cases[i].name, cases[i].min);
        assert_prop(f->obj, cases[i].name, cases[i].min);
        set_ok(f->obj, cases[i].name, cases[i].max);
        assert_prop(f->obj, cases[i].name, cases[i].max);
        set_invalid(f->obj, cases[i].name, cases[i].below);
        set_invalid(f->obj, cases[i].name, cases[i].above);
        assert_prop(f->obj, cases[i].name, cases[i].max);
    }
    /* neighbouring fields were not clobbered by the narrow writes */
    assert_int_equal(f->s->u8, 200);
    assert_true(f->s->enabled);
}

static void bb_object_set_int_width_limits(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_object_set_int(f->obj, "i8", -128, &err));
    assert_int_equal(f->s->i8, -128);
    assert_false(bb_object_set_int(f->obj, "i8", 128, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'i8'");
    g_clear_error(&err);
    assert_false(bb_object_set_int(f->obj, "i16", -32769, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_int(f->obj, "i32", (int64_t)INT32_MAX + 1,
                                   &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_true(bb_object_set_int(f->obj, "i64", INT64_MIN, &err));
    assert_int_equal(bb_object_get_int(f->obj, "i64", &err), INT64_MIN);
    assert_no_error(err);
    assert_int_equal(f->s->i8, -128);
    assert_int_equal(f->s->i16, -300);
    assert_int_equal(f->s->i32, -70000);
}

static void bb_object_set_prop_int_range_enforced(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->obj, "ranged", "-10");
    set_ok(f->obj, "ranged", "10");
    set_invalid(f->obj, "ranged", "11");
    set_invalid(f->obj, "ranged", "-11");
    assert_int_equal(f->s->ranged, 10);
    assert_false(bb_object_set_prop(f->obj, "ranged", "11", &err));
    assert_contains(err->message, "-10");
    assert_contains(err->message, "10");
    g_clear_error(&err);
    assert_false(bb_object_set_int(f->obj, "ranged", -11, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
    assert_int_equal(f->s->ranged, 10);
}

/* ---------------------------------------------------------------- uint */

static void bb_object_set_prop_uint_width_limits(void **state)
{
    Fix *f = *state;
    static const struct {
        const char *name, *max, *above;
    } cases[] = {
        { "u8", "255", "256" },
        { "u16", "65535", "65536" },
        { "u32", "4294967295", "4294967296" },
        { "u64", "18446744073709551615", "18446744073709551616" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        set_ok(f->obj, cases[i].name, "0");
        assert_prop(f->obj, cases[i].name, "0");
        set_ok(f->obj, cases[i].name, cases[i].max);
        assert_prop(f->obj, cases[i].name, cases[i].max);
        set_invalid(f->obj, cases[i].name, cases[i].above);
        set_invalid(f->obj, cases[i].name, "-1");
        set_invalid(f->obj, cases[i].name, "x1");
        assert_prop(f->obj, cases[i].name, cases[i].max);
    }
    assert_int_equal(f->s->i64, -5000000000LL);
    assert_int_equal(f->s->mem_size, 64 * 1024);
}

static void bb_object_set_prop_uint_parses_hex(void **state)
{
    Fix *f = *state;

    set_ok(f->obj, "u32", "0xdeadBEEF");
    assert_int_equal(f->s->u32, 0xdeadbeef);
    assert_prop(f->obj, "u32", "3735928559");
    set_invalid(f->obj, "u32", "0x1g");
    set_invalid(f->obj, "u32", "4K"); /* suffixes are for sizes only */
}

static void bb_object_set_uint_width_limits(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_object_set_uint(f->obj, "u8", 255, &err));
    assert_false(bb_object_set_uint(f->obj, "u8", 256, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'u8'");
    g_clear_error(&err);
    assert_false(bb_object_set_uint(f->obj, "u16", 65536, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_uint(f->obj, "u32", 1ULL << 32, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_true(bb_object_set_uint(f->obj, "u64", UINT64_MAX, &err));
    assert_no_error(err);
    assert_true(bb_object_get_uint(f->obj, "u64", &err) == UINT64_MAX);
    assert_int_equal(f->s->u8, 255);
    assert_int_equal(f->s->u16, 60000);
    assert_int_equal(f->s->u32, 0x1000);
}

static void bb_object_set_prop_uint_range_enforced(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->obj, "uranged", "4");
    set_ok(f->obj, "uranged", "16");
    set_invalid(f->obj, "uranged", "3");
    set_invalid(f->obj, "uranged", "17");
    set_invalid(f->obj, "uranged", "0");
    assert_false(bb_object_set_prop(f->obj, "uranged", "17", &err));
    assert_contains(err->message, "4");
    assert_contains(err->message, "16");
    g_clear_error(&err);
    assert_false(bb_object_set_uint(f->obj, "uranged", 3, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
    assert_int_equal(f->s->uranged, 16);
}

/* ---------------------------------------------------------------- size */

static void bb_object_set_prop_size_suffixes(void **state)
{
    Fix *f = *state;
    static const struct { const char *s; uint64_t v; } cases[] = {
        { "100", 100 },
        { "0x10", 16 },
        { "4K", 4096 },
        { "2M", 2ULL << 20 },
        { "3G", 3ULL << 30 },
        { "1T", 1ULL << 40 },
        { "0x10K", 16 * 1024 },
        { "16383P", 16383ULL << 50 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        set_ok(f->obj, "mem-size", cases[i].s);
        assert_true(f->s->mem_size == cases[i].v);
        g_autofree char *dec = g_strdup_printf("%" G_GUINT64_FORMAT,
                                               cases[i].v);
        assert_prop(f->obj, "mem-size", dec); /* decimal, no suffix */
    }
}

static void bb_object_set_prop_size_overflow_fails(void **state)
{
    Fix *f = *state;
    const char *bad[] = { "16E", "99999999999T", "18446744073709551616",
                          "16384P", "1Q", "K", "", "-1K", "1.5G", "4 K" };
    GError *err = NULL;

    set_ok(f->obj, "mem-size", "15E"); /* the largest whole exbibyte count */
    assert_true(f->s->mem_size == 15ULL << 60);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        set_invalid(f->obj, "mem-size", bad[i]);
    }
    assert_false(bb_object_set_prop(f->obj, "mem-size", "16E", &err));
    assert_contains(err->message, "'16E'");
    assert_contains(err->message, "K, M, G");
    g_error_free(err);
    assert_true(f->s->mem_size == 15ULL << 60);
}

static void bb_object_set_prop_size_narrow_field(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->obj, "size32", "4095M");
    assert_int_equal(f->s->size32, 4095u << 20);
    set_invalid(f->obj, "size32", "4G");
    assert_false(bb_object_set_uint(f->obj, "size32", 1ULL << 32, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
    assert_int_equal(f->s->size32, 4095u << 20);
    assert_true(f->s->mem_size == 64 * 1024);
}

/* -------------------------------------------------------------- string */

static void bb_object_set_prop_string_copies_value(void **state)
{
    Fix *f = *state;
    char buf[] = "world";
    GError *err = NULL;

    set_ok(f->obj, "label", buf);
    buf[0] = 'W';
    assert_string_equal(f->s->label, "world");
    assert_prop(f->obj, "label", "world");
    assert_true(bb_object_set_str(f->obj, "label", "again", &err));
    assert_no_error(err);
    assert_string_equal(f->s->label, "again");
    set_ok(f->obj, "label", "");
    assert_prop(f->obj, "label", "");
    set_ok(f->obj, "nolabel", "set");
    assert_string_equal(f->s->nolabel, "set");
}

static void bb_object_set_str_null_clears_string(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_object_set_str(f->obj, "label", NULL, &err));
    assert_no_error(err);
    assert_null(f->s->label);
    assert_prop(f->obj, "label", "");
}

/* ---------------------------------------------------------------- enum */

static void bb_object_set_prop_enum_by_name(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->obj, "mode", "slow");
    assert_int_equal(f->s->mode, 0);
    assert_prop(f->obj, "mode", "slow");
    assert_int_equal(bb_object_get_int(f->obj, "mode", &err), 0);
    assert_no_error(err);
    assert_true(bb_object_set_str(f->obj, "mode", "auto", &err));
    assert_no_error(err);
    assert_int_equal(f->s->mode, 2);
    assert_prop(f->obj, "mode", "auto");
}

static void bb_object_set_prop_enum_unknown_lists_choices(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_invalid(f->obj, "mode", "turbo");
    set_invalid(f->obj, "mode", "1"); /* by name, not index */
    set_invalid(f->obj, "mode", "");
    assert_false(bb_object_set_prop(f->obj, "mode", "turbo", &err));
    assert_contains(err->message, "'turbo'");
    assert_contains(err->message, "slow");
    assert_contains(err->message, "fast");
    assert_contains(err->message, "auto");
    g_error_free(err);
    assert_int_equal(f->s->mode, 1);
}

/* ---------------------------------------------------------------- link */

static void bb_object_set_prop_link_by_path(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->obj, "target", "/t1");
    assert_ptr_equal(f->s->target, f->t1);
    assert_ptr_equal(bb_object_get_link(f->obj, "target", &err), f->t1);
    assert_no_error(err);
    assert_prop(f->obj, "target", "/t1");
}

static void bb_object_set_prop_link_relative_path(void **state)
{
    Fix *f = *state;
    BbObject *t2 = add(f->box, "t2", TYPE_PT_TARGET);

    set_ok(f->obj, "target", "../box/t2");
    assert_ptr_equal(f->s->target, t2);
    assert_prop(f->obj, "target", "/box/t2");
}

static void bb_object_set_prop_link_accepts_subtype(void **state)
{
    Fix *f = *state;
    BbObject *sub = add(f->box, "sub", TYPE_PT_TARGET_SUB);

    set_ok(f->obj, "target", "/box/sub");
    assert_ptr_equal(f->s->target, sub);
}

static void bb_object_set_prop_link_wrong_type_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->obj, "target", "/t1");
    assert_false(bb_object_set_prop(f->obj, "target", "/box", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'target'");
    assert_contains(err->message, TYPE_PT_TARGET);
    assert_contains(err->message, "/box");
    g_clear_error(&err);
    assert_false(bb_object_set_link(f->obj, "target", f->box, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
    assert_ptr_equal(f->s->target, f->t1);
}

static void bb_object_set_prop_link_missing_path_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_object_set_prop(f->obj, "target", "/nope", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "'target'");
    assert_contains(err->message, "/nope");
    g_error_free(err);
    assert_null(f->s->target);
}

static void bb_object_set_prop_link_empty_clears(void **state)
{
    Fix *f = *state;

    set_ok(f->obj, "target", "/t1");
    set_ok(f->obj, "target", "");
    assert_null(f->s->target);
    assert_prop(f->obj, "target", "");
}

static void bb_object_set_link_holds_reference(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_object_set_link(f->obj, "target", f->t1, &err));
    assert_no_error(err);
    assert_int_equal(f->t1->ref, 2);
    bb_object_unparent(f->t1); /* the tree's reference goes */
    assert_int_equal(targets_finalized, 0);
    assert_ptr_equal(bb_object_get_link(f->obj, "target", &err), f->t1);
    assert_true(bb_object_set_link(f->obj, "target", NULL, &err));
    assert_no_error(err);
    assert_null(f->s->target);
    assert_int_equal(targets_finalized, 1);
}

static void bb_object_set_link_replaces_reference(void **state)
{
    Fix *f = *state;
    BbObject *t2 = new_obj(TYPE_PT_TARGET);
    GError *err = NULL;

    assert_true(bb_object_set_link(f->obj, "target", t2, &err));
    bb_object_unref(t2); /* only the link holds it */
    assert_int_equal(targets_finalized, 0);
    assert_true(bb_object_set_link(f->obj, "target", f->t1, &err));
    assert_no_error(err);
    assert_int_equal(targets_finalized, 1); /* t2 released */
    assert_int_equal(f->t1->ref, 2);
}

static void bb_object_unref_releases_link(void **state)
{
    Fix *f = *state;
    BbObject *holder = new_obj(TYPE_PT_PROPS);
    BbObject *t2 = new_obj(TYPE_PT_TARGET);
    GError *err = NULL;

    assert_true(bb_object_set_link(holder, "target", t2, &err));
    assert_no_error(err);
    bb_object_unref(t2);
    assert_int_equal(targets_finalized, 0);
    bb_object_unref(holder);
    assert_int_equal(targets_finalized, 1);
    (void)f;
}

/* ---------------------------------------------------- unknown, mismatch */

static void bb_object_set_prop_unknown_lists_valid_names(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_object_set_prop(f->obj, "nope", "1", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "'nope'");
    for (size_t i = 0; i < G_N_ELEMENTS(props_names); i++) {
        assert_contains(err->message, props_names[i]);
    }
    g_clear_error(&err);
    assert_null(bb_object_get_prop(f->obj, "nope", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_false(bb_object_set_bool(f->obj, "nope", true, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_false(bb_object_set_uint(f->obj, "nope", 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_int_equal(bb_object_get_uint(f->obj, "nope", &err), 0);
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_null(bb_object_find_property(f->obj, "nope"));
}

static void bb_object_set_prop_unknown_without_properties(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_object_set_prop(f->t1, "nope", "1", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "'nope'");
    g_error_free(err);
}

static void typed_setters_kind_mismatch_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_object_set_bool(f->obj, "i8", true, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'i8'");
    g_clear_error(&err);
    assert_false(bb_object_set_int(f->obj, "label", 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_uint(f->obj, "enabled", 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_str(f->obj, "enabled", "true", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_link(f->obj, "label", f->t1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_int(f->obj, "u8", -1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_int_equal(f->s->i8, -5);
    assert_string_equal(f->s->label, "hello");
    assert_true(f->s->enabled);
    assert_int_equal(f->s->u8, 200);
}

static void typed_getters_kind_mismatch_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_object_get_bool(f->obj, "i8", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_int_equal(bb_object_get_uint(f->obj, "label", &err), 0);
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_int_equal(bb_object_get_int(f->obj, "u8", &err), 0);
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_null(bb_object_get_link(f->obj, "enabled", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
}

static void typed_getters_read_fields(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_true(bb_object_get_bool(f->obj, "enabled", &err));
    assert_int_equal(bb_object_get_int(f->obj, "i8", &err), -5);
    assert_int_equal(bb_object_get_int(f->obj, "i16", &err), -300);
    assert_int_equal(bb_object_get_int(f->obj, "i32", &err), -70000);
    assert_int_equal(bb_object_get_uint(f->obj, "u8", &err), 200);
    assert_int_equal(bb_object_get_uint(f->obj, "u64", &err),
                     0x100000000ULL);
    assert_int_equal(bb_object_get_uint(f->obj, "mem-size", &err), 65536);
    assert_int_equal(bb_object_get_int(f->obj, "mode", &err), 1);
    assert_null(bb_object_get_link(f->obj, "target", &err));
    assert_no_error(err);
}

/* ---------------------------------------------------------- hierarchy */

static void bb_object_find_property_inherited_in_subclass(void **state)
{
    GError *err = NULL;
    BbObject *sub = new_obj(TYPE_PT_PROPS_SUB);
    PtPropsSub *s = (PtPropsSub *)sub;

    assert_non_null(bb_object_find_property(sub, "enabled"));
    assert_non_null(bb_object_find_property(sub, "extra"));
    assert_null(bb_object_class_find_property(
        bb_object_class_by_name(TYPE_PT_PROPS, NULL), "extra"));
    /* parent's defaults and instance_init still apply */
    assert_int_equal(s->parent_obj.i8, -5);
    assert_string_equal(s->parent_obj.init_label, "hello");
    assert_int_equal(s->extra, 7);
    assert_true(bb_object_set_prop(sub, "enabled", "off", &err));
    assert_no_error(err);
    assert_false(s->parent_obj.enabled);
    assert_true(bb_object_set_prop(sub, "extra", "9", &err));
    assert_int_equal(s->extra, 9);
    bb_object_unref(sub);
}

static void bb_object_class_find_property_returns_entry(void **state)
{
    BbObjectClass *klass = bb_object_class_by_name(TYPE_PT_PROPS, NULL);
    const BbPropertyInfo *p = bb_object_class_find_property(klass, "mode");

    assert_non_null(p);
    assert_string_equal(p->name, "mode");
    assert_int_equal(p->kind, BB_PROP_ENUM);
    assert_ptr_equal(p->choices, mode_choices);
    assert_null(bb_object_class_find_property(klass, "nope"));
}

static void collect_name(const BbPropertyInfo *prop, void *opaque)
{
    g_ptr_array_add(opaque, (gpointer)prop->name);
}

static void bb_object_class_foreach_property_parent_first(void **state)
{
    BbObjectClass *klass = bb_object_class_by_name(TYPE_PT_PROPS_SUB, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    assert_non_null(klass);
    bb_object_class_foreach_property(klass, collect_name, names);
    assert_int_equal(names->len, G_N_ELEMENTS(props_names) + 1);
    for (size_t i = 0; i < G_N_ELEMENTS(props_names); i++) {
        assert_string_equal(names->pdata[i], props_names[i]);
    }
    assert_string_equal(names->pdata[names->len - 1], "extra");
}

static void bb_object_new_duplicate_property_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_new(TYPE_PT_DUP, &err));
    assert_non_null(err);
    assert_int_equal(err->domain, BB_OBJECT_ERROR);
    assert_int_equal(err->code, BB_ERROR_EXISTS);
    assert_contains(err->message, "'" TYPE_PT_DUP "'");
    assert_contains(err->message, "'enabled'");
    g_clear_error(&err);
    /* unusable for good, not only the first time */
    assert_null(bb_object_new(TYPE_PT_DUP, &err));
    assert_non_null(err);
    g_error_free(err);
    /* the parent is not affected */
    bb_object_unref(new_obj(TYPE_PT_PROPS));
}

static void bb_object_new_malformed_property_fails(void **state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        GError *err = NULL;
        BbObject *obj = bb_object_new(bad_cases[i].info.name, &err);
        if (obj) {
            fail_msg("type '%s' (property '%s') was usable",
                     bad_cases[i].info.name, bad_cases[i].prop);
        }
        assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
        g_autofree char *tname = g_strdup_printf("'%s'",
                                                 bad_cases[i].info.name);
        g_autofree char *pname = g_strdup_printf("'%s'", bad_cases[i].prop);
        assert_contains(err->message, tname);
        assert_contains(err->message, pname);
        g_error_free(err);
    }
}

static void bb_object_new_subclass_of_malformed_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_new("pt-bad-bool-sub", &err));
    assert_non_null(err);
    assert_contains(err->message, "pt-bad-bool");
    assert_contains(err->message, "'flag'");
    g_error_free(err);
}

/* ----------------------------------------------------- did you mean */

static void bb_object_set_prop_unknown_suggests_near_names(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_object_set_prop(f->obj, "enabeld", "1", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "(did you mean 'enabled'?)");
    assert_contains(err->message, "valid properties: enabled, i8");
    g_clear_error(&err);
    /* up to three candidates, nearest first */
    assert_false(bb_object_set_prop(f->obj, "u6", "1", &err));
    assert_contains(err->message, "(did you mean 'u8', 'u16', 'u64'?)");
    g_clear_error(&err);
    /* getters and typed setters suggest too */
    assert_null(bb_object_get_prop(f->obj, "lable", &err));
    assert_contains(err->message, "(did you mean 'label'?)");
    g_clear_error(&err);
    /* nothing close: no suggestion */
    assert_false(bb_object_set_uint(f->obj, "frobnicate", 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    if (strstr(err->message, "did you mean")) {
        fail_msg("unexpected suggestion: %s", err->message);
    }
    g_error_free(err);
}

/* -------------------------------------------------------------- arrays */

static void array_props_start_empty(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_null(f->a->u16s);
    assert_int_equal(f->a->n_u16s, 0);
    assert_null(f->a->names);
    assert_prop(f->arr, "u16s", "[]");
    assert_prop(f->arr, "targets", "[]");
    assert_int_equal(bb_object_get_array_length(f->arr, "names", &err), 0);
    assert_no_error(err);
}

static void bb_object_set_prop_uint_array_string_forms(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->arr, "u16s", "[1, 2,3]");
    assert_int_equal(f->a->n_u16s, 3);
    assert_int_equal(f->a->u16s[0], 1);
    assert_int_equal(f->a->u16s[1], 2);
    assert_int_equal(f->a->u16s[2], 3);
    assert_prop(f->arr, "u16s", "[1,2,3]");
    assert_int_equal(bb_object_get_array_length(f->arr, "u16s", &err), 3);
    assert_no_error(err);
    set_ok(f->arr, "u16s", "0x3e8"); /* one element, no brackets */
    assert_int_equal(f->a->n_u16s, 1);
    assert_int_equal(f->a->u16s[0], 1000);
    set_ok(f->arr, "u16s", " 7 , 8 ");
    assert_prop(f->arr, "u16s", "[7,8]");
    set_ok(f->arr, "u16s", "[]");
    assert_int_equal(f->a->n_u16s, 0);
    assert_null(f->a->u16s);
    set_ok(f->arr, "u16s", "9");
    set_ok(f->arr, "u16s", "");
    assert_int_equal(f->a->n_u16s, 0);
    set_ok(f->arr, "sizes", "[4K, 0x10, 1M]");
    assert_int_equal(f->a->n_sizes, 3);
    assert_true(f->a->sizes[0] == 4096 && f->a->sizes[2] == 1 << 20);
    assert_prop(f->arr, "sizes", "[4096,16,1048576]");
}

static void bb_object_set_prop_array_bad_element_named_by_index(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    set_ok(f->arr, "u16s", "[5, 6]");
    assert_false(bb_object_set_prop(f->arr, "u16s", "[1, 2, 1001]", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message, "property 'u16s', element 2: value "
                                      "1001 out of range [1, 1000]");
    g_clear_error(&err);
    assert_false(bb_object_set_prop(f->arr, "u16s", "[1, x]", &err));
    assert_string_equal(err->message,
                        "property 'u16s', element 1: invalid value 'x': "
                        "expected an unsigned integer");
    g_clear_error(&err);
    set_invalid(f->arr, "u16s", "[0]");
    set_invalid(f->arr, "u16s", "[1,,2]"); /* an empty element */
    /* all or nothing: the old value stays */
    assert_prop(f->arr, "u16s", "[5,6]");
    assert_int_equal(f->a->n_u16s, 2);
    set_ok(f->arr, "ints", "[-5, 0, 5]");
    assert_int_equal(f->a->ints[0], -5);
    assert_prop(f->arr, "ints", "[-5,0,5]");
    assert_false(bb_object_set_prop(f->arr, "ints", "[1, -6]", &err));
    assert_string_equal(err->message, "property 'ints', element 1: value "
                                      "-6 out of range [-5, 5]");
    g_error_free(err);
    assert_prop(f->arr, "ints", "[-5,0,5]");
}

static void bb_object_set_prop_list_count_limits(void **state)
{
    Fix *f = *state;
    const char *five[] = { "1", "2", "3", "4", "5" };
    g_autofree const char **many = g_new0(const char *, 256);
    GError *err = NULL;

    assert_true(bb_object_set_prop_list(f->arr, "u16s", five, 4, &err));
    assert_no_error(err);
    assert_int_equal(f->a->n_u16s, 4);
    assert_false(bb_object_set_prop_list(f->arr, "u16s", five, 5, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message,
                        "property 'u16s': 5 elements, at most 4 allowed");
    g_clear_error(&err);
    assert_int_equal(f->a->n_u16s, 4);
    /* the default limit is clipped to what a 1-byte count holds */
    for (size_t i = 0; i < 256; i++) {
        many[i] = "1";
    }
    assert_true(bb_object_set_prop_list(f->arr, "ints", many, 255, &err));
    assert_int_equal(f->a->n_ints, 255);
    assert_false(bb_object_set_prop_list(f->arr, "ints", many, 256, &err));
    assert_contains(err->message, "at most 255");
    g_clear_error(&err);
    assert_int_equal(f->a->n_ints, 255);
    assert_true(bb_object_set_prop_list(f->arr, "ints", NULL, 0, &err));
    assert_no_error(err);
    assert_int_equal(f->a->n_ints, 0);
    assert_null(f->a->ints);
}

static void bb_object_set_prop_list_strings_keep_commas(void **state)
{
    Fix *f = *state;
    const char *values[] = { "a, b", "", "c" };
    GError *err = NULL;

    assert_true(bb_object_set_prop_list(f->arr, "names", values, 3, &err));
    assert_no_error(err);
    assert_int_equal(f->a->n_names, 3);
    assert_string_equal(f->a->names[0], "a, b");
    assert_string_equal(f->a->names[1], "");
    assert_null(f->a->names[3]); /* NULL after the last */
    assert_ptr_not_equal(f->a->names[0], values[0]); /* copies */
    /* the string form splits at commas */
    set_ok(f->arr, "names", "x, y");
    assert_int_equal(f->a->n_names, 2);
    assert_string_equal(f->a->names[1], "y");
    assert_prop(f->arr, "names", "[x,y]");
}

static void bb_object_set_prop_link_array_by_path(void **state)
{
    Fix *f = *state;
    BbObject *t2 = add(f->box, "t2", TYPE_PT_TARGET_SUB);
    const char *paths[] = { "/t1", "../box/t2", "/t1" };
    GError *err = NULL;

    assert_true(bb_object_set_prop_list(f->arr, "targets", paths, 3, &err));
    assert_no_error(err);
    assert_int_equal(f->a->n_targets, 3);
    assert_ptr_equal(f->a->targets[0], f->t1);
    assert_ptr_equal(f->a->targets[1], t2);
    assert_null(f->a->targets[3]);
    assert_int_equal(f->t1->ref, 3); /* the tree and two elements */
    assert_prop(f->arr, "targets", "[/t1,/box/t2,/t1]");
    /* replacing drops the old references */
    set_ok(f->arr, "targets", "[/box/t2]");
    assert_int_equal(f->t1->ref, 1);
    assert_int_equal(t2->ref, 2);
}

static void bb_object_set_prop_link_array_bad_element(void **state)
{
    Fix *f = *state;
    const char *wrong_type[] = { "/t1", "/box" };
    const char *missing[] = { "/t1", "/t1", "/nope" };
    GError *err = NULL;

    set_ok(f->arr, "targets", "/t1");
    assert_false(bb_object_set_prop_list(f->arr, "targets", wrong_type, 2,
                                         &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message,
                        "property 'targets', element 1: '/box' (container) "
                        "is not a '" TYPE_PT_TARGET "'");
    g_clear_error(&err);
    assert_false(bb_object_set_prop_list(f->arr, "targets", missing, 3,
                                         &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "element 2");
    assert_contains(err->message, "'/nope'");
    g_error_free(err);
    /* unchanged, and the references the failed writes took are back */
    assert_int_equal(f->a->n_targets, 1);
    assert_int_equal(f->t1->ref, 2);
}

static void bb_object_set_link_array_holds_references(void **state)
{
    Fix *f = *state;
    BbObject *t2 = new_obj(TYPE_PT_TARGET);
    BbObject *targets[] = { t2, NULL, f->t1 };
    BbObject *bad[] = { f->t1, f->box };
    GError *err = NULL;

    assert_true(bb_object_set_link_array(f->arr, "targets", targets, 3,
                                         &err));
    assert_no_error(err);
    bb_object_unref(t2); /* only the array holds it */
    assert_int_equal(targets_finalized, 0);
    assert_null(f->a->targets[1]);
    /* t2 has no parent, so its path is "/"; NULL reads back as "" */
    assert_prop(f->arr, "targets", "[/,,/t1]");
    assert_false(bb_object_set_link_array(f->arr, "targets", bad, 2, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "element 1");
    g_clear_error(&err);
    assert_int_equal(f->a->n_targets, 3);
    assert_true(bb_object_set_link_array(f->arr, "targets", NULL, 0, &err));
    assert_int_equal(targets_finalized, 1); /* t2 released */
    assert_int_equal(f->t1->ref, 1);
}

static void bb_object_unref_releases_arrays(void **state)
{
    Fix *f = *state;
    BbObject *holder = new_obj(TYPE_PT_ARRAYS);
    BbObject *t2 = new_obj(TYPE_PT_TARGET);
    GError *err = NULL;

    assert_true(bb_object_set_link_array(holder, "targets", &t2, 1, &err));
    assert_true(bb_object_set_prop(holder, "names", "a,b", &err));
    assert_no_error(err);
    bb_object_unref(t2);
    assert_int_equal(targets_finalized, 0);
    bb_object_unref(holder); /* strings freed too: valgrind/ASan check */
    assert_int_equal(targets_finalized, 1);
    (void)f;
}

static void bb_object_set_uint_array_typed(void **state)
{
    Fix *f = *state;
    const uint64_t ok[] = { 1, 1000 };
    const uint64_t bad[] = { 1, 70000 };
    GError *err = NULL;

    assert_true(bb_object_set_uint_array(f->arr, "u16s", ok, 2, &err));
    assert_no_error(err);
    assert_int_equal(f->a->u16s[1], 1000);
    assert_false(bb_object_set_uint_array(f->arr, "u16s", bad, 2, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message, "property 'u16s', element 1: value "
                                      "70000 out of range [1, 1000]");
    g_clear_error(&err);
    assert_prop(f->arr, "u16s", "[1,1000]");
    assert_true(bb_object_set_uint_array(f->arr, "sizes", bad, 2, &err));
    assert_true(f->a->sizes[1] == 70000);
    /* not for string or link arrays, nor for INT ones (unsigned values) */
    assert_false(bb_object_set_uint_array(f->arr, "names", ok, 2, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "string[]");
    g_clear_error(&err);
    assert_false(bb_object_set_uint_array(f->arr, "ints", ok, 2, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
}

static void array_and_scalar_accessors_do_not_mix(void **state)
{
    Fix *f = *state;
    const char *one[] = { "1" };
    GError *err = NULL;

    assert_false(bb_object_set_uint(f->arr, "u16s", 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "uint[]");
    g_clear_error(&err);
    assert_false(bb_object_set_str(f->arr, "names", "a", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_link(f->arr, "targets", f->t1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_int_equal(bb_object_get_uint(f->arr, "u16s", &err), 0);
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_null(bb_object_get_link(f->arr, "targets", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_object_set_prop_list(f->arr, "plain", one, 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'plain'");
    g_clear_error(&err);
    assert_false(bb_object_set_prop_list(f->arr, "nope", one, 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_int_equal(bb_object_get_array_length(f->arr, "plain", &err), 0);
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    /* a string property takes brackets and commas literally */
    set_ok(f->obj, "label", "[a,b]");
    assert_string_equal(f->s->label, "[a,b]");
    assert_true(bb_prop_is_array(bb_object_find_property(f->arr, "names")));
    assert_false(bb_prop_is_array(bb_object_find_property(f->obj, "label")));
}

/* ----------------------------------------------------------- read-only */

static void read_only_refused_from_strings(void **state)
{
    Fix *f = *state;
    const char *one[] = { "1" };
    GError *err = NULL;

    assert_false(bb_object_set_prop(f->arr, "ro", "5", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message, "property 'ro' of '/arrays' "
                                      "(pt-arrays) is read-only");
    g_clear_error(&err);
    assert_false(bb_object_set_prop(f->arr, "ro-list", "[1]", &err));
    assert_contains(err->message, "read-only");
    g_clear_error(&err);
    assert_false(bb_object_set_prop_list(f->arr, "ro-list", one, 1, &err));
    assert_contains(err->message, "read-only");
    g_clear_error(&err);
    assert_int_equal(f->a->ro, 0);
    assert_int_equal(f->a->n_ro_list, 0);
}

static void read_only_written_by_typed_setters(void **state)
{
    Fix *f = *state;
    const uint64_t vals[] = { 4, 5 };
    GError *err = NULL;

    assert_true(bb_object_set_uint(f->arr, "ro", 42, &err));
    assert_true(bb_object_set_str(f->arr, "ro-s", "set by code", &err));
    assert_true(bb_object_set_link(f->arr, "ro-link", f->t1, &err));
    assert_true(bb_object_set_uint_array(f->arr, "ro-list", vals, 2, &err));
    assert_no_error(err);
    /* readable like any other property */
    assert_prop(f->arr, "ro", "42");
    assert_int_equal(bb_object_get_uint(f->arr, "ro", &err), 42);
    assert_prop(f->arr, "ro-s", "set by code");
    assert_prop(f->arr, "ro-link", "/t1");
    assert_prop(f->arr, "ro-list", "[4,5]");
    assert_no_error(err);
    /* still range-checked */
    assert_false(bb_object_set_uint(f->arr, "ro", 1ULL << 32, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
    assert_int_equal(f->a->ro, 42);
}

static void read_only_not_vetoed_by_class(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    veto_writes = true; /* as a realized device's class does */
    assert_false(bb_object_set_uint(f->arr, "plain", 1, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_STATE);
    g_clear_error(&err);
    assert_true(bb_object_set_uint(f->arr, "ro", 7, &err));
    assert_no_error(err);
    assert_int_equal(f->a->ro, 7);
    /* strings are refused as read-only, not by the veto */
    assert_false(bb_object_set_prop(f->arr, "ro", "8", &err));
    assert_contains(err->message, "read-only");
    g_error_free(err);
}

static void bb_prop_kind_name_names_kinds(void **state)
{
    assert_string_equal(bb_prop_kind_name(BB_PROP_BOOL), "bool");
    assert_string_equal(bb_prop_kind_name(BB_PROP_INT), "int");
    assert_string_equal(bb_prop_kind_name(BB_PROP_UINT), "uint");
    assert_string_equal(bb_prop_kind_name(BB_PROP_SIZE), "size");
    assert_string_equal(bb_prop_kind_name(BB_PROP_STRING), "string");
    assert_string_equal(bb_prop_kind_name(BB_PROP_ENUM), "enum");
    assert_string_equal(bb_prop_kind_name(BB_PROP_LINK), "link");
    assert_string_equal(bb_prop_kind_name(BB_PROP_CHILD), "child");
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bb_object_new_applies_defaults_before_instance_init),
        T(bb_object_new_copies_default_string),
        T(bb_object_get_prop_default_string_forms),
        T(bb_object_set_prop_bool_accepts_all_spellings),
        T(bb_object_set_prop_bool_invalid_fails),
        T(bb_object_set_bool_sets_field),
        T(bb_object_set_prop_int_parses_forms),
        T(bb_object_set_prop_int_invalid_fails),
        T(bb_object_set_prop_int_width_limits),
        T(bb_object_set_int_width_limits),
        T(bb_object_set_prop_int_range_enforced),
        T(bb_object_set_prop_uint_width_limits),
        T(bb_object_set_prop_uint_parses_hex),
        T(bb_object_set_uint_width_limits),
        T(bb_object_set_prop_uint_range_enforced),
        T(bb_object_set_prop_size_suffixes),
        T(bb_object_set_prop_size_overflow_fails),
        T(bb_object_set_prop_size_narrow_field),
        T(bb_object_set_prop_string_copies_value),
        T(bb_object_set_str_null_clears_string),
        T(bb_object_set_prop_enum_by_name),
        T(bb_object_set_prop_enum_unknown_lists_choices),
        T(bb_object_set_prop_link_by_path),
        T(bb_object_set_prop_link_relative_path),
        T(bb_object_set_prop_link_accepts_subtype),
        T(bb_object_set_prop_link_wrong_type_fails),
        T(bb_object_set_prop_link_missing_path_fails),
        T(bb_object_set_prop_link_empty_clears),
        T(bb_object_set_link_holds_reference),
        T(bb_object_set_link_replaces_reference),
        T(bb_object_unref_releases_link),
        T(bb_object_set_prop_unknown_lists_valid_names),
        T(bb_object_set_prop_unknown_without_properties),
        T(typed_setters_kind_mismatch_fails),
        T(typed_getters_kind_mismatch_fails),
        T(typed_getters_read_fields),
        T(bb_object_find_property_inherited_in_subclass),
        T(bb_object_class_find_property_returns_entry),
        T(bb_object_class_foreach_property_parent_first),
        T(bb_object_new_duplicate_property_fails),
        T(bb_object_new_malformed_property_fails),
        T(bb_object_new_subclass_of_malformed_fails),
        T(bb_prop_kind_name_names_kinds),
        T(bb_object_set_prop_unknown_suggests_near_names),
        T(array_props_start_empty),
        T(bb_object_set_prop_uint_array_string_forms),
        T(bb_object_set_prop_array_bad_element_named_by_index),
        T(bb_object_set_prop_list_count_limits),
        T(bb_object_set_prop_list_strings_keep_commas),
        T(bb_object_set_prop_link_array_by_path),
        T(bb_object_set_prop_link_array_bad_element),
        T(bb_object_set_link_array_holds_references),
        T(bb_object_unref_releases_arrays),
        T(bb_object_set_uint_array_typed),
        T(array_and_scalar_accessors_do_not_mix),
        T(read_only_refused_from_strings),
        T(read_only_written_by_typed_setters),
        T(read_only_not_vetoed_by_class),
    };
    return cmocka_run_group_tests_name("host/qom/property", tests,
                                       group_setup, NULL);
}
