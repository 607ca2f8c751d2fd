/*
 * state-test.c - unit tests of state descriptions (state.h,
 * host/qom/state.c): validation (a field outside the struct, a size that
 * is not a multiple of the element size, a name used twice, a field newer
 * than its description, a bad kind or version range, struct fields
 * without a usable sub-description, bad count fields and flags, errors in
 * a nested description naming both levels), the check of a device class's
 * table when the class is initialised, the serialised form (named,
 * versioned, length-prefixed sections, little-endian fields, appended to
 * the output), save/load round trips of every kind including arrays,
 * BYTES, nested structs, variable-length arrays in the struct and behind
 * pointers, timers (re-armed or cancelled, and firing after load) and
 * optional sub-sections (present, absent, unknown), the pre-save and
 * post-load hooks, loading state saved by an older version (newer fields,
 * also in element structs, keep their values), and loads refused with
 * the target left unchanged (version too new or too old, wrong section
 * name, truncated or overlong data, counts that do not fit, a post-load
 * hook's refusal, which puts the previous state and timers back).
 */
#include "host-test.h"

typedef struct StDev {
    uint8_t pad0; /* not part of the state */
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    int64_t i64;
    uint32_t regs[4];
    uint16_t shorts[3];
    int64_t i64s[2];
    uint8_t blob[5];
    bool flags[2];
    uint32_t added_v2; /* since version 2 */
    uint64_t added_v3; /* since version 3 */
    uint32_t not_saved;
} StDev;

#define ST_BASE_FIELDS                                                        \
    BB_STATE_BOOL(StDev, flag), BB_STATE_U8(StDev, u8),                       \
        BB_STATE_U16(StDev, u16), BB_STATE_U32(StDev, u32),                   \
        BB_STATE_U64(StDev, u64), BB_STATE_I32(StDev, i32),                   \
        BB_STATE_I64(StDev, i64), BB_STATE_U32(StDev, regs),                  \
        BB_STATE_U16(StDev, shorts), BB_STATE_I64(StDev, i64s),               \
        BB_STATE_BYTES(StDev, blob), BB_STATE_BOOL(StDev, flags)

static const BbStateField fields_v1[] = { ST_BASE_FIELDS, BB_STATE_END };
static const BbStateField fields_v2[] = {
    ST_BASE_FIELDS,
    BB_STATE_SINCE(BB_STATE_U32, StDev, added_v2, 2),
    BB_STATE_END,
};
static const BbStateField fields_v3[] = {
    ST_BASE_FIELDS,
    BB_STATE_SINCE(BB_STATE_U32, StDev, added_v2, 2),
    BB_STATE_SINCE(BB_STATE_U64, StDev, added_v3, 3),
    BB_STATE_END,
};

static const BbStateDesc desc_v1 = { "st", 1, 1, fields_v1 };
static const BbStateDesc desc_v2 = { "st", 2, 1, fields_v2 };
static const BbStateDesc desc_v3 = { "st", 3, 1, fields_v3 };
static const BbStateDesc desc_v2_strict = { "st", 2, 2, fields_v2 };

/* Section header of "st": name length, name, version, body length. */
#define ST_HDR (2 + 2 + 4 + 4)

/* Bytes ST_BASE_FIELDS serialise to (after the header). */
static size_t base_bytes(void)
{
    return 1 + 1 + 2 + 4 + 8 + 4 + 8 + 16 + 6 + 16 + 5 + 2;
}

static void fill(StDev *s)
{
    memset(s, 0, sizeof(*s));
    s->pad0 = 0x5a;
    s->flag = true;
    s->u8 = 0xa5;
    s->u16 = 0xbeef;
    s->u32 = 0xdeadbeef;
    s->u64 = 0x0123456789abcdefULL;
    s->i32 = -123456;
    s->i64 = INT64_MIN + 7;
    for (int i = 0; i < 4; i++) {
        s->regs[i] = 0x11111111u * (i + 1);
    }
    s->shorts[0] = 1;
    s->shorts[1] = 0xfffe;
    s->shorts[2] = 0x8001;
    s->i64s[0] = -1;
    s->i64s[1] = INT64_MAX;
    memcpy(s->blob, "\x01\x02\x03\xfe\xff", 5);
    s->flags[0] = false;
    s->flags[1] = true;
    s->added_v2 = 0xcafef00d;
    s->added_v3 = 0xfeedfacecafebeefULL;
    s->not_saved = 0x77;
}

/* Everything ST_BASE_FIELDS covers is equal. */
static void assert_base_equal(const StDev *a, const StDev *b)
{
    assert_int_equal(a->flag, b->flag);
    assert_int_equal(a->u8, b->u8);
    assert_int_equal(a->u16, b->u16);
    assert_int_equal(a->u32, b->u32);
    assert_true(a->u64 == b->u64);
    assert_int_equal(a->i32, b->i32);
    assert_true(a->i64 == b->i64);
    assert_memory_equal(a->regs, b->regs, sizeof(a->regs));
    assert_memory_equal(a->shorts, b->shorts, sizeof(a->shorts));
    assert_memory_equal(a->i64s, b->i64s, sizeof(a->i64s));
    assert_memory_equal(a->blob, b->blob, sizeof(a->blob));
    assert_memory_equal(a->flags, b->flags, sizeof(a->flags));
}

static GByteArray *save(const BbStateDesc *desc, StDev *s)
{
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    assert_true(bb_state_save(desc, s, out, &err));
    assert_no_error(err);
    return out;
}

/* Expect loading to fail with @code and leave @s byte-for-byte as it was. */
static void load_fails(const BbStateDesc *desc, StDev *s, const guint8 *data,
                       size_t len, int code)
{
    StDev before = *s;
    GError *err = NULL;

    assert_false(bb_state_load(desc, s, data, len, &err));
    assert_error(err, BB_DEVICE_ERROR, code);
    assert_contains(err->message, desc->name);
    g_error_free(err);
    assert_memory_equal(s, &before, sizeof(before));
}

/* ------------------------------------------------------------ validate */

static void bb_state_validate_accepts_good_descriptions(void **state)
{
    GError *err = NULL;

    assert_true(bb_state_validate(&desc_v1, sizeof(StDev), &err));
    assert_true(bb_state_validate(&desc_v2, sizeof(StDev), &err));
    assert_true(bb_state_validate(&desc_v3, sizeof(StDev), &err));
    assert_true(bb_state_validate(&desc_v2_strict, sizeof(StDev), &err));
    assert_no_error(err);
    /* a struct that ends exactly at the last field */
    assert_true(bb_state_validate(&desc_v1, offsetof(StDev, flags) + 2, &err));
    assert_no_error(err);
}

static void validate_fails(const BbStateDesc *desc, size_t instance_size,
                           const char *field)
{
    GError *err = NULL;

    assert_false(bb_state_validate(desc, instance_size, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_autofree char *quoted = g_strdup_printf("'%s'", field);
    assert_contains(err->message, quoted);
    g_error_free(err);
}

static void bb_state_validate_field_outside_struct_fails(void **state)
{
    static const BbStateField beyond[] = {
        { "beyond", BB_STATE_U32, sizeof(StDev), 4, 0 },
        BB_STATE_END,
    };
    static const BbStateField straddle[] = {
        { "straddle", BB_STATE_U64, sizeof(StDev) - 4, 8, 0 },
        BB_STATE_END,
    };
    static const BbStateField huge[] = {
        { "huge", BB_STATE_BYTES, SIZE_MAX - 2, 8, 0 },
        BB_STATE_END,
    };
    static const BbStateDesc d1 = { "st-beyond", 1, 1, beyond };
    static const BbStateDesc d2 = { "st-straddle", 1, 1, straddle };
    static const BbStateDesc d3 = { "st-huge", 1, 1, huge };

    validate_fails(&d1, sizeof(StDev), "beyond");
    validate_fails(&d2, sizeof(StDev), "straddle");
    validate_fails(&d3, sizeof(StDev), "huge");
    /* a good table against a struct that is too small */
    validate_fails(&desc_v1, offsetof(StDev, flags) + 1, "flags");
}

static void bb_state_validate_size_not_multiple_fails(void **state)
{
    static const BbStateField odd32[] = {
        { "odd32", BB_STATE_U32, offsetof(StDev, regs), 6, 0 },
        BB_STATE_END,
    };
    static const BbStateField odd16[] = {
        { "odd16", BB_STATE_U16, offsetof(StDev, shorts), 3, 0 },
        BB_STATE_END,
    };
    static const BbStateField odd64[] = {
        { "odd64", BB_STATE_I64, offsetof(StDev, i64s), 12, 0 },
        BB_STATE_END,
    };
    static const BbStateField empty[] = {
        { "empty", BB_STATE_U32, offsetof(StDev, u32), 0, 0 },
        BB_STATE_END,
    };
    static const BbStateDesc d1 = { "st-odd32", 1, 1, odd32 };
    static const BbStateDesc d2 = { "st-odd16", 1, 1, odd16 };
    static const BbStateDesc d3 = { "st-odd64", 1, 1, odd64 };
    static const BbStateDesc d4 = { "st-empty", 1, 1, empty };

    validate_fails(&d1, sizeof(StDev), "odd32");
    validate_fails(&d2, sizeof(StDev), "odd16");
    validate_fails(&d3, sizeof(StDev), "odd64");
    validate_fails(&d4, sizeof(StDev), "empty");
}

static void bb_state_validate_duplicate_name_fails(void **state)
{
    static const BbStateField dup[] = {
        { "twice", BB_STATE_U32, offsetof(StDev, u32), 4, 0 },
        { "other", BB_STATE_U8, offsetof(StDev, u8), 1, 0 },
        { "twice", BB_STATE_U64, offsetof(StDev, u64), 8, 0 },
        BB_STATE_END,
    };
    static const BbStateDesc d = { "st-dup", 1, 1, dup };

    validate_fails(&d, sizeof(StDev), "twice");
}

static void bb_state_validate_version_added_too_new_fails(void **state)
{
    static const BbStateField newer[] = {
        BB_STATE_U32(StDev, u32),
        BB_STATE_SINCE(BB_STATE_U64, StDev, added_v3, 3),
        BB_STATE_END,
    };
    static const BbStateDesc d = { "st-newer", 2, 1, newer };

    validate_fails(&d, sizeof(StDev), "added_v3");
}

static void bb_state_validate_bad_kind_fails(void **state)
{
    static const BbStateField kind0[] = {
        { "kind0", (BbStateKind)0, offsetof(StDev, u32), 4, 0 },
        BB_STATE_END,
    };
    static const BbStateField kind99[] = {
        { "kind99", (BbStateKind)99, offsetof(StDev, u32), 4, 0 },
        BB_STATE_END,
    };
    static const BbStateDesc d1 = { "st-kind0", 1, 1, kind0 };
    static const BbStateDesc d2 = { "st-kind99", 1, 1, kind99 };

    validate_fails(&d1, sizeof(StDev), "kind0");
    validate_fails(&d2, sizeof(StDev), "kind99");
}

static void bb_state_validate_min_version_above_version_fails(void **state)
{
    static const BbStateDesc d = { "st-minmax", 1, 2, fields_v1 };
    GError *err = NULL;

    assert_false(bb_state_validate(&d, sizeof(StDev), &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "st-minmax");
    g_error_free(err);
}

/* -------------------------------------------------------- save and load */

static void bb_state_save_writes_header_then_little_endian_fields(
    void **state)
{
    static const BbStateField fields[] = {
        BB_STATE_U32(StDev, u32),
        BB_STATE_U16(StDev, shorts),
        BB_STATE_I32(StDev, i32),
        BB_STATE_END,
    };
    static const BbStateDesc d = { "st-le", 7, 1, fields };
    static const guint8 expected[] = {
        'X', 'Y',                     /* what was in the buffer */
        5, 0, 's', 't', '-', 'l', 'e', /* name */
        7, 0, 0, 0,                   /* version */
        14, 0, 0, 0,                  /* body length */
        0x44, 0x33, 0x22, 0x11,       /* u32 */
        0x66, 0x55, 0x01, 0x00, 0xff, 0x7f, /* shorts[3] */
        0xfe, 0xff, 0xff, 0xff,       /* i32 = -2 */
    };
    StDev s = { 0 };
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    s.u32 = 0x11223344;
    s.shorts[0] = 0x5566;
    s.shorts[1] = 1;
    s.shorts[2] = 0x7fff;
    s.i32 = -2;
    g_byte_array_append(out, (const guint8 *)"XY", 2);
    assert_true(bb_state_save(&d, &s, out, &err));
    assert_no_error(err);
    assert_int_equal(out->len, sizeof(expected));
    assert_memory_equal(out->data, expected, sizeof(expected));
    g_byte_array_unref(out);
}

static void bb_state_save_writes_fields_of_its_version(void **state)
{
    StDev s;
    fill(&s);
    GByteArray *v1 = save(&desc_v1, &s);
    GByteArray *v2 = save(&desc_v2, &s);
    GByteArray *v3 = save(&desc_v3, &s);

    assert_int_equal(v1->len, ST_HDR + base_bytes());
    assert_int_equal(v2->len, ST_HDR + base_bytes() + 4);
    assert_int_equal(v3->len, ST_HDR + base_bytes() + 4 + 8);
    g_byte_array_unref(v1);
    g_byte_array_unref(v2);
    g_byte_array_unref(v3);
}

static void bb_state_load_round_trips_every_kind(void **state)
{
    StDev src, dst;
    GError *err = NULL;

    fill(&src);
    memset(&dst, 0xcc, sizeof(dst));
    dst.flag = false;
    dst.flags[0] = true;
    dst.flags[1] = false;
    GByteArray *out = save(&desc_v3, &src);
    assert_true(bb_state_load(&desc_v3, &dst, out->data, out->len, &err));
    assert_no_error(err);
    assert_base_equal(&dst, &src);
    assert_int_equal(dst.added_v2, src.added_v2);
    assert_true(dst.added_v3 == src.added_v3);
    /* fields outside the description are not touched */
    assert_int_equal(dst.pad0, 0xcc);
    assert_int_equal(dst.not_saved, 0xcccccccc);
    g_byte_array_unref(out);
}

static void bb_state_load_older_version_keeps_newer_fields(void **state)
{
    StDev src, dst;
    GError *err = NULL;

    fill(&src);
    memset(&dst, 0, sizeof(dst));
    dst.added_v2 = 0xabcd; /* as reset left it */
    dst.added_v3 = 0x1234;
    GByteArray *v1 = save(&desc_v1, &src);
    assert_true(bb_state_load(&desc_v3, &dst, v1->data, v1->len, &err));
    assert_no_error(err);
    assert_base_equal(&dst, &src);
    assert_int_equal(dst.added_v2, 0xabcd);
    assert_int_equal(dst.added_v3, 0x1234);
    g_byte_array_unref(v1);
    /* version 2 data restores added_v2 but not added_v3 */
    GByteArray *v2 = save(&desc_v2, &src);
    assert_true(bb_state_load(&desc_v3, &dst, v2->data, v2->len, &err));
    assert_no_error(err);
    assert_int_equal(dst.added_v2, src.added_v2);
    assert_int_equal(dst.added_v3, 0x1234);
    g_byte_array_unref(v2);
}

static void bb_state_load_newer_version_fails(void **state)
{
    StDev src, dst;

    fill(&src);
    memset(&dst, 0x33, sizeof(dst));
    GByteArray *v3 = save(&desc_v3, &src);
    load_fails(&desc_v2, &dst, v3->data, v3->len, BB_ERROR_VERSION);
    g_byte_array_unref(v3);
}

static void bb_state_load_too_old_version_fails(void **state)
{
    StDev src, dst;

    fill(&src);
    memset(&dst, 0x33, sizeof(dst));
    GByteArray *v1 = save(&desc_v1, &src);
    load_fails(&desc_v2_strict, &dst, v1->data, v1->len, BB_ERROR_VERSION);
    g_byte_array_unref(v1);
}

static void bb_state_load_truncated_fails(void **state)
{
    StDev src, dst;

    fill(&src);
    memset(&dst, 0x33, sizeof(dst));
    GByteArray *v2 = save(&desc_v2, &src);
    load_fails(&desc_v2, &dst, v2->data, v2->len - 1, BB_ERROR_INVALID);
    /* missing exactly the field version 2 added */
    load_fails(&desc_v2, &dst, v2->data, v2->len - 4, BB_ERROR_INVALID);
    load_fails(&desc_v2, &dst, v2->data, ST_HDR, BB_ERROR_INVALID);
    load_fails(&desc_v2, &dst, v2->data, ST_HDR - 1, BB_ERROR_INVALID);
    load_fails(&desc_v2, &dst, v2->data, 3, BB_ERROR_INVALID);
    load_fails(&desc_v2, &dst, v2->data, 0, BB_ERROR_INVALID);
    g_byte_array_unref(v2);
}

static void bb_state_load_overlong_fails(void **state)
{
    StDev src, dst;

    fill(&src);
    memset(&dst, 0x33, sizeof(dst));
    GByteArray *v2 = save(&desc_v2, &src);
    g_byte_array_append(v2, (const guint8 *)"\0", 1);
    load_fails(&desc_v2, &dst, v2->data, v2->len, BB_ERROR_INVALID);
    g_byte_array_unref(v2);
    /* version 1 data carrying a version-2 field is overlong too */
    GByteArray *v1 = save(&desc_v1, &src);
    g_byte_array_append(v1, (const guint8 *)"abcd", 4);
    load_fails(&desc_v2, &dst, v1->data, v1->len, BB_ERROR_INVALID);
    g_byte_array_unref(v1);
}

static void bb_state_load_normalises_bools(void **state)
{
    static const BbStateField fields[] = { BB_STATE_BOOL(StDev, flags),
                                           BB_STATE_END };
    static const BbStateDesc d = { "st-bool", 1, 1, fields };
    static const guint8 data[] = { 7, 0, 's', 't', '-', 'b', 'o', 'o', 'l',
                                   1, 0, 0, 0, 2, 0, 0, 0, 0x02, 0x00 };
    StDev s;
    GError *err = NULL;

    memset(&s, 0, sizeof(s));
    assert_true(bb_state_load(&d, &s, data, sizeof(data), &err));
    assert_no_error(err);
    /* any non-zero byte is a valid true, never an out-of-range bool */
    guint8 raw[2];
    memcpy(raw, s.flags, 2);
    assert_int_equal(raw[0], 1);
    assert_int_equal(raw[1], 0);
}

/* --------------------------------------------- structured descriptions */

typedef struct StElem {
    uint32_t a;
    uint64_t b;
    uint16_t c_v2; /* since version 2 of the element */
} StElem;

typedef struct StExtra {
    uint32_t x;
    bool on;       /* saved only while set */
} StExtra;

typedef struct StNest {
    uint32_t id;
    StElem one;
    StElem pair[2];
    uint8_t fifo[8];
    uint8_t fifo_len;
    uint32_t nwords;
    uint32_t *words;
    uint16_t nelems;
    StElem *elems;
    BbTimer *timers[2];
    StExtra extra;
    /* not state: what the hooks saw */
    int pre_saves, post_loads, elem_post_loads;
    uint32_t loaded_version;
} StNest;

static int elem_post_loads; /* StElem has no way back to its StNest */

static bool elem_post_load(void *opaque, uint32_t version, GError **error)
{
    elem_post_loads++;
    return true;
}

static bool extra_needed(const void *opaque)
{
    return ((const StExtra *)opaque)->on;
}

static void nest_pre_save(void *opaque)
{
    ((StNest *)opaque)->pre_saves++;
}

/* Refuses an id of 0xdead, as a device refuses a value it cannot run
 * with. */
static bool nest_post_load(void *opaque, uint32_t version, GError **error)
{
    StNest *s = opaque;

    s->post_loads++;
    s->loaded_version = version;
    if (s->id == 0xdead) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "id 0xdead is reserved");
        return false;
    }
    return true;
}

static const BbStateField elem_fields_v1[] = {
    BB_STATE_U32(StElem, a),
    BB_STATE_U64(StElem, b),
    BB_STATE_END,
};
static const BbStateField elem_fields_v2[] = {
    BB_STATE_U32(StElem, a),
    BB_STATE_U64(StElem, b),
    BB_STATE_SINCE(BB_STATE_U16, StElem, c_v2, 2),
    BB_STATE_END,
};
static const BbStateDesc elem_v1 = {
    .name = "st-elem", .version = 1, .min_version = 1,
    .fields = elem_fields_v1, .size = sizeof(StElem),
    .post_load = elem_post_load,
};
static const BbStateDesc elem_v2 = {
    .name = "st-elem", .version = 2, .min_version = 1,
    .fields = elem_fields_v2, .size = sizeof(StElem),
    .post_load = elem_post_load,
};
static const BbStateField extra_fields[] = {
    BB_STATE_U32(StExtra, x),
    BB_STATE_BOOL(StExtra, on),
    BB_STATE_END,
};
static const BbStateDesc extra_desc = {
    .name = "st-extra", .version = 1, .min_version = 1,
    .fields = extra_fields, .size = sizeof(StExtra),
    .needed = extra_needed,
};

#define NEST_FIELDS(elem)                                                     \
    BB_STATE_U32(StNest, id), BB_STATE_STRUCT(StNest, one, elem),             \
        BB_STATE_STRUCT(StNest, pair, elem),                                  \
        BB_STATE_VARRAY(BB_STATE_U8, StNest, fifo, fifo_len),                 \
        BB_STATE_VARRAY_PTR(BB_STATE_U32, StNest, words, nwords),             \
        BB_STATE_VARRAY_STRUCT_PTR(StNest, elems, nelems, elem),              \
        BB_STATE_TIMER(StNest, timers)

static const BbStateField nest_fields[] = {
    NEST_FIELDS(&elem_v2),
    BB_STATE_OPTIONAL(StNest, extra, &extra_desc),
    BB_STATE_END,
};
/* The same with version 1 elements and without the optional section. */
static const BbStateField nest_fields_old[] = {
    NEST_FIELDS(&elem_v1),
    BB_STATE_END,
};
static const BbStateDesc nest_desc = {
    .name = "st-nest", .version = 1, .min_version = 1,
    .fields = nest_fields, .pre_save = nest_pre_save,
    .post_load = nest_post_load,
};
/* Current elements, but no optional section. */
static const BbStateField nest_fields_noopt[] = {
    NEST_FIELDS(&elem_v2),
    BB_STATE_END,
};
static const BbStateDesc nest_desc_noopt = {
    .name = "st-nest", .version = 1, .min_version = 1,
    .fields = nest_fields_noopt,
};
static const BbStateDesc nest_desc_old = {
    .name = "st-nest", .version = 1, .min_version = 1,
    .fields = nest_fields_old, .pre_save = nest_pre_save,
    .post_load = nest_post_load,
};

typedef struct Nest {
    BbTimerContext *ctx;
    int fired[2];
} Nest;

static Nest nest_rig;

static void nest_timer0(void *opaque) { ((int *)opaque)[0]++; }
static void nest_timer1(void *opaque) { ((int *)opaque)[1]++; }

/* A realized-looking StNest: @n words and elements, its own timers, and
 * contents derived from @seed. */
static void nest_init(StNest *s, unsigned n, uint32_t seed, int *fired)
{
    memset(s, 0, sizeof(*s));
    s->id = seed;
    s->one = (StElem){ seed + 1, seed * 3ull << 32, (uint16_t)seed };
    s->pair[0] = (StElem){ seed + 2, 5, 6 };
    s->pair[1] = (StElem){ seed + 3, 7, 8 };
    s->fifo_len = 3 + seed % 5;
    for (unsigned i = 0; i < sizeof(s->fifo); i++) {
        s->fifo[i] = (uint8_t)(seed + i);
    }
    s->nwords = n;
    s->words = g_new(uint32_t, n);
    s->nelems = (uint16_t)n;
    s->elems = g_new0(StElem, n);
    for (unsigned i = 0; i < n; i++) {
        s->words[i] = seed * 1000 + i;
        s->elems[i] = (StElem){ seed + 10 + i, i, (uint16_t)(seed + i) };
    }
    s->timers[0] = bb_timer_new(nest_rig.ctx, BB_CLOCK_VIRTUAL, nest_timer0,
                                fired);
    s->timers[1] = bb_timer_new(nest_rig.ctx, BB_CLOCK_VIRTUAL, nest_timer1,
                                fired);
}

static void nest_free(StNest *s)
{
    g_free(s->words);
    g_free(s->elems);
    bb_timer_free(s->timers[0]);
    bb_timer_free(s->timers[1]);
}

/* What a failed load must leave alone: every state field, the arrays
 * behind the pointers and the timers (FIFO bytes past the count are not
 * state). */
typedef struct NestImage {
    StNest s;
    uint32_t words[8];
    StElem elems[8];
    int64_t deadline[2];
} NestImage;

static void nest_image(const StNest *s, NestImage *img)
{
    memset(img, 0, sizeof(*img));
    img->s = *s;
    img->s.pre_saves = img->s.post_loads = img->s.elem_post_loads = 0;
    img->s.loaded_version = 0;
    memset(img->s.fifo + s->fifo_len, 0, sizeof(s->fifo) - s->fifo_len);
    memcpy(img->words, s->words, s->nwords * sizeof(uint32_t));
    memcpy(img->elems, s->elems, s->nelems * sizeof(StElem));
    for (int i = 0; i < 2; i++) {
        img->deadline[i] = s->timers[i] ? bb_timer_get_deadline(s->timers[i])
                                        : -1;
    }
}

static void assert_nest_unchanged(const StNest *s, const NestImage *before)
{
    NestImage now;

    nest_image(s, &now);
    assert_memory_equal(&now, before, sizeof(now));
}

static int nest_setup(void **state)
{
    nest_rig.ctx = bb_timer_context_new(true, 0);
    bb_timer_context_resume(nest_rig.ctx);
    return 0;
}

static int nest_teardown(void **state)
{
    bb_timer_context_free(nest_rig.ctx);
    return 0;
}

static GByteArray *nest_save(const BbStateDesc *desc, StNest *s)
{
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    assert_true(bb_state_save(desc, s, out, &err));
    assert_no_error(err);
    return out;
}

/* Load must fail with @code and a message containing @msg, leaving @s as
 * it was. */
static void nest_load_fails(const BbStateDesc *desc, StNest *s,
                            const GByteArray *data, size_t len, int code,
                            const char *msg)
{
    NestImage before;
    GError *err = NULL;

    nest_image(s, &before);
    assert_false(bb_state_load(desc, s, data->data, len, &err));
    assert_error(err, BB_DEVICE_ERROR, code);
    assert_contains(err->message, msg);
    g_error_free(err);
    assert_nest_unchanged(s, &before);
}

static void bb_state_load_round_trips_structs_arrays_and_timers(void **state)
{
    StNest a, b;
    GError *err = NULL;

    nest_init(&a, 4, 100, nest_rig.fired);
    nest_init(&b, 4, 7, nest_rig.fired + 0); /* same callbacks */
    int64_t now = bb_clock_get_ns(nest_rig.ctx, BB_CLOCK_VIRTUAL);
    bb_timer_mod(a.timers[0], now + 100);
    bb_timer_mod(b.timers[1], now + 50); /* to be cancelled by the load */
    GByteArray *out = nest_save(&nest_desc, &a);
    assert_int_equal(a.pre_saves, 1);
    elem_post_loads = 0;
    assert_true(bb_state_load(&nest_desc, &b, out->data, out->len, &err));
    assert_no_error(err);
    /* one, pair[2], elems[4]: each element section ran its hook, and the
     * device's ran once, last */
    assert_int_equal(elem_post_loads, 7);
    assert_int_equal(b.post_loads, 1);
    assert_int_equal(b.loaded_version, 1);
    assert_int_equal(b.id, 100);
    assert_memory_equal(&b.one, &a.one, sizeof(StElem));
    assert_memory_equal(b.pair, a.pair, sizeof(a.pair));
    assert_int_equal(b.fifo_len, a.fifo_len);
    assert_memory_equal(b.fifo, a.fifo, a.fifo_len);
    assert_memory_equal(b.words, a.words, 4 * sizeof(uint32_t));
    assert_memory_equal(b.elems, a.elems, 4 * sizeof(StElem));
    /* the loaded instance's own timers: armed as a's, b's own cancelled */
    assert_true(bb_timer_is_pending(b.timers[0]));
    assert_true(bb_timer_get_deadline(b.timers[0]) == now + 100);
    assert_false(bb_timer_is_pending(b.timers[1]));
    /* a goes away; b's timer fires at the saved deadline, not before */
    nest_free(&a);
    nest_rig.fired[0] = nest_rig.fired[1] = 0;
    bb_icount_account(nest_rig.ctx, 99);
    bb_timer_context_run_due(nest_rig.ctx);
    assert_int_equal(nest_rig.fired[0], 0);
    bb_icount_account(nest_rig.ctx, 1);
    bb_timer_context_run_due(nest_rig.ctx);
    assert_int_equal(nest_rig.fired[0], 1);
    assert_int_equal(nest_rig.fired[1], 0);
    g_byte_array_unref(out);
    nest_free(&b);
}

static void bb_state_load_optional_section_present_absent_unknown(
    void **state)
{
    StNest a, b;
    GError *err = NULL;

    nest_init(&a, 2, 10, nest_rig.fired);
    nest_init(&b, 2, 20, nest_rig.fired);
    a.extra = (StExtra){ 0x1234, false };
    b.extra = (StExtra){ 0x5678, true };
    /* not needed: absent from the stream, b's own values stay */
    GByteArray *without = nest_save(&nest_desc, &a);
    assert_true(bb_state_load(&nest_desc, &b, without->data, without->len,
                              &err));
    assert_no_error(err);
    assert_int_equal(b.extra.x, 0x5678);
    assert_true(b.extra.on);
    /* needed: present and loaded */
    a.extra = (StExtra){ 0x9abc, true };
    GByteArray *with = nest_save(&nest_desc, &a);
    assert_int_equal(with->len, without->len + 2 + 8 + 4 + 4 + 4 + 1);
    b.extra = (StExtra){ 0, false };
    assert_true(bb_state_load(&nest_desc, &b, with->data, with->len, &err));
    assert_no_error(err);
    assert_int_equal(b.extra.x, 0x9abc);
    assert_true(b.extra.on);
    /* a reader without it refuses rather than drop it */
    nest_load_fails(&nest_desc_noopt, &b, with, with->len, BB_ERROR_INVALID,
                    "state 'st-nest': unknown sub-section 'st-extra'");
    g_byte_array_unref(with);
    g_byte_array_unref(without);
    nest_free(&a);
    nest_free(&b);
}

static void bb_state_load_older_element_version_keeps_new_fields(
    void **state)
{
    StNest a, b;
    GError *err = NULL;

    nest_init(&a, 2, 30, nest_rig.fired);
    nest_init(&b, 2, 40, nest_rig.fired);
    GByteArray *old = nest_save(&nest_desc_old, &a);
    assert_true(bb_state_load(&nest_desc, &b, old->data, old->len, &err));
    assert_no_error(err);
    assert_int_equal(b.one.a, a.one.a);
    assert_int_equal(b.elems[1].a, a.elems[1].a);
    assert_int_equal(b.one.c_v2, 40);      /* as b had it */
    assert_int_equal(b.elems[1].c_v2, 41);
    /* a version-1 element reader refuses version-2 elements */
    GByteArray *cur = nest_save(&nest_desc, &a);
    nest_load_fails(&nest_desc_old, &b, cur, cur->len, BB_ERROR_VERSION,
                    "state 'st-nest': field 'one'[0]: state 'st-elem': "
                    "version 2 is not supported (accepted: 1 to 1)");
    g_byte_array_unref(cur);
    g_byte_array_unref(old);
    nest_free(&a);
    nest_free(&b);
}

static void bb_state_load_refusals_leave_the_instance_alone(void **state)
{
    StNest a, b, small;
    static const BbStateField short_fifo[] = {
        BB_STATE_U32(StNest, id),
        { .name = "fifo", .kind = BB_STATE_U8,
          .offset = offsetof(StNest, fifo), .size = 4,
          .flags = BB_STATE_F_VARRAY,
          .count_offset = offsetof(StNest, fifo_len), .count_size = 1 },
        BB_STATE_END,
    };
    static const BbStateField long_fifo[] = {
        BB_STATE_U32(StNest, id),
        BB_STATE_VARRAY(BB_STATE_U8, StNest, fifo, fifo_len),
        BB_STATE_END,
    };
    static const BbStateDesc d_short = { "st-fifo", 1, 1, short_fifo };
    static const BbStateDesc d_long = { "st-fifo", 1, 1, long_fifo };
    static const BbStateDesc d_other = {
        .name = "st-other", .version = 1, .min_version = 1,
        .fields = nest_fields,
    };

    nest_init(&a, 3, 50, nest_rig.fired);
    nest_init(&b, 3, 60, nest_rig.fired);
    bb_timer_mod(a.timers[1], 5000);
    bb_timer_mod(b.timers[0], 7000);
    GByteArray *out = nest_save(&nest_desc, &a);
    /* every truncation, down to nothing */
    for (size_t len = 0; len < out->len; len++) {
        nest_load_fails(&nest_desc, &b, out, len, BB_ERROR_INVALID,
                        "state 'st-nest'");
    }
    nest_load_fails(&d_other, &b, out, out->len, BB_ERROR_INVALID,
                    "state 'st-other': the data is section 'st-nest', not "
                    "this one");
    /* a pointer array sized differently (another configuration) */
    nest_init(&small, 2, 70, nest_rig.fired);
    nest_load_fails(&nest_desc, &small, out, out->len, BB_ERROR_INVALID,
                    "state 'st-nest': field 'words': 3 elements saved, this "
                    "instance has 2 (configured differently)");
    /* an array in the struct too small for the count saved */
    a.fifo_len = 6;
    GByteArray *fifo = nest_save(&d_long, &a);
    nest_load_fails(&d_short, &b, fifo, fifo->len, BB_ERROR_INVALID,
                    "state 'st-fifo': field 'fifo': 6 elements saved, the "
                    "array holds 4");
    /* an armed timer for an instance that has none */
    BbTimer *t = small.timers[1];
    small.nwords = small.nelems = 3;
    small.words = g_renew(uint32_t, small.words, 3);
    small.elems = g_renew(StElem, small.elems, 3);
    small.elems[2] = (StElem){ 0 };
    small.words[2] = 0;
    small.timers[1] = NULL;
    nest_load_fails(&nest_desc, &small, out, out->len, BB_ERROR_STATE,
                    "state 'st-nest': field 'timers': an armed timer, but "
                    "this instance has not created it");
    small.timers[1] = t;
    /* post_load refuses: every field and timer goes back, and post_load
     * ran again for the state put back */
    a.id = 0xdead;
    GByteArray *bad = nest_save(&nest_desc, &a);
    b.post_loads = 0;
    nest_load_fails(&nest_desc, &b, bad, bad->len, BB_ERROR_INVALID,
                    "state 'st-nest': id 0xdead is reserved");
    assert_int_equal(b.post_loads, 2);
    assert_true(bb_timer_get_deadline(b.timers[0]) == 7000);
    assert_false(bb_timer_is_pending(b.timers[1]));
    /* trailing bytes */
    g_byte_array_append(out, (const guint8 *)"z", 1);
    nest_load_fails(&nest_desc, &b, out, out->len, BB_ERROR_INVALID,
                    "state 'st-nest': 1 bytes after the section");
    g_byte_array_unref(bad);
    g_byte_array_unref(fifo);
    g_byte_array_unref(out);
    nest_free(&a);
    nest_free(&b);
    nest_free(&small);
}

/* -------------------------------------------- validating the new kinds */

static const BbStateDesc loop_desc; /* refers to itself */
static const BbStateField loop_fields[] = {
    { .name = "self", .kind = BB_STATE_STRUCT, .offset = 0,
      .size = sizeof(StNest), .sub = &loop_desc },
    BB_STATE_END,
};
static const BbStateDesc loop_desc = {
    .name = "st-loop", .version = 1, .min_version = 1,
    .fields = loop_fields, .size = sizeof(StNest),
};

static void bb_state_validate_structured_fields_fail(void **state)
{
    static const BbStateDesc no_size = { "st-nosize", 1, 1, elem_fields_v1 };
    static const BbStateField bad_elem_fields[] = {
        BB_STATE_U32(StElem, a),
        { "zz", BB_STATE_U64, sizeof(StElem), 8, 0 },
        BB_STATE_END,
    };
    static const BbStateDesc bad_elem = {
        .name = "st-elem-bad", .version = 1, .min_version = 1,
        .fields = bad_elem_fields, .size = sizeof(StElem),
    };
    static const struct {
        BbStateField field;
        const char *message;
    } cases[] = {
        { { .name = "nosub", .kind = BB_STATE_STRUCT,
            .offset = offsetof(StNest, one), .size = sizeof(StElem) },
          "state 'st-case': field 'nosub': a struct field needs a "
          "sub-description" },
        { { .name = "unsized", .kind = BB_STATE_STRUCT,
            .offset = offsetof(StNest, one), .size = sizeof(StElem),
            .sub = &no_size },
          "state 'st-case': field 'unsized': its sub-description has no "
          "size" },
        { BB_STATE_STRUCT(StNest, one, &bad_elem),
          "state 'st-case': field 'one': state 'st-elem-bad': field 'zz': "
          "lies outside the instance" },
        { { .name = "subscalar", .kind = BB_STATE_U32,
            .offset = offsetof(StNest, id), .size = 4, .sub = &elem_v1 },
          "state 'st-case': field 'subscalar': only struct fields have a "
          "sub-description" },
        { { .name = "optscalar", .kind = BB_STATE_U32,
            .offset = offsetof(StNest, id), .size = 4,
            .flags = BB_STATE_F_OPTIONAL },
          "state 'st-case': field 'optscalar': only a single struct can be "
          "an optional sub-section" },
        { { .name = "ptr", .kind = BB_STATE_U32,
            .offset = offsetof(StNest, words), .size = 4,
            .flags = BB_STATE_F_POINTER },
          "state 'st-case': field 'ptr': a pointer field needs an element "
          "count (BB_STATE_F_VARRAY)" },
        { { .name = "count3", .kind = BB_STATE_U8,
            .offset = offsetof(StNest, fifo), .size = 8,
            .flags = BB_STATE_F_VARRAY,
            .count_offset = offsetof(StNest, fifo_len), .count_size = 3 },
          "state 'st-case': field 'count3': its count field is not 1, 2, 4 "
          "or 8 bytes" },
        { { .name = "countout", .kind = BB_STATE_U8,
            .offset = offsetof(StNest, fifo), .size = 8,
            .flags = BB_STATE_F_VARRAY,
            .count_offset = sizeof(StNest) - 2, .count_size = 4 },
          "state 'st-case': field 'countout': its count field lies outside "
          "the instance" },
        { { .name = "countin", .kind = BB_STATE_U8,
            .offset = offsetof(StNest, fifo), .size = 8,
            .flags = BB_STATE_F_VARRAY,
            .count_offset = offsetof(StNest, fifo) + 7, .count_size = 1 },
          "state 'st-case': field 'countin': its count field overlaps it" },
        { { .name = "flags", .kind = BB_STATE_U32,
            .offset = offsetof(StNest, id), .size = 4, .flags = 1u << 9 },
          "state 'st-case': field 'flags': unknown flags" },
        { { .name = "reserved", .kind = BB_STATE_U32,
            .offset = offsetof(StNest, id), .size = 4, .reserved32 = 1 },
          "state 'st-case': field 'reserved': reserved members must be "
          "zero" },
        { { .name = "timer", .kind = BB_STATE_TIMER,
            .offset = offsetof(StNest, timers), .size = 3 },
          "state 'st-case': field 'timer': size is not a multiple of the "
          "element size" },
        { { .name = "self", .kind = BB_STATE_STRUCT, .offset = 0,
            .size = sizeof(StNest), .sub = &loop_desc },
          "nest too deep" },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        BbStateField fields[2] = { cases[i].field, BB_STATE_END };
        BbStateDesc d = { "st-case", 1, 1, fields };
        GError *err = NULL;

        assert_false(bb_state_validate(&d, sizeof(StNest), &err));
        assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
        assert_contains(err->message, cases[i].message);
        g_error_free(err);
    }
}

/* ------------------------------------------------ checked at class init */

#define TYPE_ST_GOOD_DEV "st-good-dev"
#define TYPE_ST_BAD_DEV "st-bad-dev"

typedef struct StDevObj {
    BbDevice parent_obj;
    uint32_t reg;
} StDevObj;

static const BbStateField dev_good_fields[] = {
    BB_STATE_U32(StDevObj, reg),
    BB_STATE_END,
};
static const BbStateField dev_bad_fields[] = {
    BB_STATE_U32(StDevObj, reg),
    { "beyond", BB_STATE_U32, sizeof(StDevObj), 4, 0 },
    BB_STATE_END,
};
static const BbStateDesc dev_good_state = { TYPE_ST_GOOD_DEV, 1, 1,
                                            dev_good_fields };
static const BbStateDesc dev_bad_state = { TYPE_ST_BAD_DEV, 1, 1,
                                           dev_bad_fields };

/* A description of a struct larger than the instance. */
static const BbStateDesc dev_big_state = {
    .name = "st-big-dev", .version = 1, .min_version = 1,
    .fields = dev_good_fields, .size = sizeof(StDevObj) + 8,
};
/* The good description inherited by a larger subclass. */
static const BbStateDesc dev_sized_state = {
    .name = "st-sized-dev", .version = 1, .min_version = 1,
    .fields = dev_good_fields, .size = sizeof(StDevObj),
};

static void st_dev_class_init(BbObjectClass *klass, const void *data)
{
    BB_DEVICE_CLASS(klass)->state = data;
}

static const BbTypeInfo st_good_dev_info = {
    .name = TYPE_ST_GOOD_DEV,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(StDevObj),
    .class_init = st_dev_class_init,
    .class_data = &dev_good_state,
};
static const BbTypeInfo st_bad_dev_info = {
    .name = TYPE_ST_BAD_DEV,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(StDevObj),
    .class_init = st_dev_class_init,
    .class_data = &dev_bad_state,
};

static const BbTypeInfo st_big_dev_info = {
    .name = "st-big-dev",
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(StDevObj),
    .class_init = st_dev_class_init,
    .class_data = &dev_big_state,
};
static const BbTypeInfo st_sized_dev_info = {
    .name = "st-sized-dev",
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(StDevObj),
    .class_init = st_dev_class_init,
    .class_data = &dev_sized_state,
};
static const BbTypeInfo st_sub_dev_info = {
    .name = "st-sub-dev",
    .parent = "st-sized-dev",
    .instance_size = sizeof(StDevObj) + 16,
};

static void class_init_refuses_a_bad_state_table(void **state)
{
    GError *err = NULL;

    assert_true(bb_type_register(&st_big_dev_info, &err));
    assert_true(bb_type_register(&st_sized_dev_info, &err));
    assert_true(bb_type_register(&st_sub_dev_info, &err));
    assert_no_error(err);
    assert_null(bb_object_class_by_name("st-big-dev", &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_autofree char *big = g_strdup_printf(
        "type 'st-big-dev': state 'st-big-dev': size %zu is larger than "
        "the instance (%zu)", sizeof(StDevObj) + 8, sizeof(StDevObj));
    assert_string_equal(err->message, big);
    g_clear_error(&err);
    /* a subclass inherits its parent's description */
    assert_non_null(bb_object_class_by_name("st-sub-dev", &err));
    assert_no_error(err);

    assert_true(bb_type_register(&st_good_dev_info, &err));
    assert_true(bb_type_register(&st_bad_dev_info, &err));
    assert_no_error(err);
    assert_non_null(bb_object_class_by_name(TYPE_ST_GOOD_DEV, &err));
    assert_no_error(err);
    /* the exact message, every time the type is asked for */
    for (int i = 0; i < 2; i++) {
        assert_null(bb_object_new(TYPE_ST_BAD_DEV, &err));
        assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
        assert_string_equal(err->message,
                            "type 'st-bad-dev': state 'st-bad-dev': field "
                            "'beyond': lies outside the instance");
        g_clear_error(&err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bb_state_validate_accepts_good_descriptions),
        cmocka_unit_test(bb_state_validate_field_outside_struct_fails),
        cmocka_unit_test(bb_state_validate_size_not_multiple_fails),
        cmocka_unit_test(bb_state_validate_duplicate_name_fails),
        cmocka_unit_test(bb_state_validate_version_added_too_new_fails),
        cmocka_unit_test(bb_state_validate_bad_kind_fails),
        cmocka_unit_test(bb_state_validate_min_version_above_version_fails),
        cmocka_unit_test(bb_state_save_writes_header_then_little_endian_fields),
        cmocka_unit_test(bb_state_save_writes_fields_of_its_version),
        cmocka_unit_test(bb_state_load_round_trips_every_kind),
        cmocka_unit_test(bb_state_load_older_version_keeps_newer_fields),
        cmocka_unit_test(bb_state_load_newer_version_fails),
        cmocka_unit_test(bb_state_load_too_old_version_fails),
        cmocka_unit_test(bb_state_load_truncated_fails),
        cmocka_unit_test(bb_state_load_overlong_fails),
        cmocka_unit_test(bb_state_load_normalises_bools),
        cmocka_unit_test(bb_state_load_round_trips_structs_arrays_and_timers),
        cmocka_unit_test(bb_state_load_optional_section_present_absent_unknown),
        cmocka_unit_test(bb_state_load_older_element_version_keeps_new_fields),
        cmocka_unit_test(bb_state_load_refusals_leave_the_instance_alone),
        cmocka_unit_test(bb_state_validate_structured_fields_fail),
        cmocka_unit_test(class_init_refuses_a_bad_state_table),
    };
    return cmocka_run_group_tests_name("host/qom/state", tests, nest_setup,
                                       nest_teardown);
}
