/*
 * state-test.c - unit tests of state descriptions (state.h,
 * host/qom/state.c): validation (a field outside the struct, a size that
 * is not a multiple of the element size, a name used twice, a field newer
 * than its description, a bad kind or version range), the serialised form
 * (little-endian, positional, prefixed with the version, appended to the
 * output), save/load round trips of every kind including arrays and
 * BYTES, loading state saved by an older version (newer fields keep their
 * values), and loads refused with the target left unchanged (version too
 * new or too old, truncated or overlong data).
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

/* Bytes ST_BASE_FIELDS serialise to (after the 4-byte version). */
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

static GByteArray *save(const BbStateDesc *desc, const StDev *s)
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

static void bb_state_save_writes_version_then_little_endian_fields(
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
        7, 0, 0, 0,                   /* version */
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

    assert_int_equal(v1->len, 4 + base_bytes());
    assert_int_equal(v2->len, 4 + base_bytes() + 4);
    assert_int_equal(v3->len, 4 + base_bytes() + 4 + 8);
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
    load_fails(&desc_v2, &dst, v2->data, 4, BB_ERROR_INVALID);
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
    static const guint8 data[] = { 1, 0, 0, 0, 0x02, 0x00 };
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
        cmocka_unit_test(bb_state_save_writes_version_then_little_endian_fields),
        cmocka_unit_test(bb_state_save_writes_fields_of_its_version),
        cmocka_unit_test(bb_state_load_round_trips_every_kind),
        cmocka_unit_test(bb_state_load_older_version_keeps_newer_fields),
        cmocka_unit_test(bb_state_load_newer_version_fails),
        cmocka_unit_test(bb_state_load_too_old_version_fails),
        cmocka_unit_test(bb_state_load_truncated_fails),
        cmocka_unit_test(bb_state_load_overlong_fails),
        cmocka_unit_test(bb_state_load_normalises_bools),
    };
    return cmocka_run_group_tests_name("host/qom/state", tests, NULL, NULL);
}
