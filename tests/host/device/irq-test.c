/*
 * irq-test.c - unit tests of IRQ lines (irq.h, host/device/irq.c):
 * declaring input and output groups and the refusals (a name taken, zero
 * lines), looking lines up by name and index, connecting, level-triggered
 * delivery (the handler runs only when the level changes), wire-OR of
 * several outputs into one input, fan-out of one output to several inputs,
 * connecting an output that is already high, refusing a duplicate
 * connection, a NULL output, and the introspection getters.
 */
#include "host-test.h"

#define TYPE_IT_DEV "it-dev"

static const BbTypeInfo it_info = {
    .name = TYPE_IT_DEV,
    .parent = BB_TYPE_DEVICE,
};

typedef struct Event {
    void *opaque;
    unsigned n;
    bool level;
} Event;

static GArray *events; /* Event, in delivery order */

static void record_irq(void *opaque, unsigned n, bool level)
{
    Event e = { opaque, n, level };
    g_array_append_val(events, e);
}

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &it_info };
    events = g_array_new(false, false, sizeof(Event));
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

static int group_teardown(void **state)
{
    g_array_unref(events);
    return 0;
}

/*
 * The fixture: src with outputs "out"[4]; src2 with outputs "out"[1];
 * sink with inputs "irq"[4]; sink2 with inputs "irq"[2].  The handlers'
 * opaque is the receiving device.
 */
typedef struct Fix {
    BbDevice *src, *src2, *sink, *sink2;
} Fix;

static BbDevice *new_dev(void)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(TYPE_IT_DEV, &err);
    assert_no_error(err);
    assert_non_null(obj);
    return BB_DEVICE(obj);
}

static int fix_setup(void **state)
{
    Fix *f = g_new0(Fix, 1);
    GError *err = NULL;

    f->src = new_dev();
    f->src2 = new_dev();
    f->sink = new_dev();
    f->sink2 = new_dev();
    assert_true(bb_device_add_irq_out(f->src, "out", 4, &err));
    assert_true(bb_device_add_irq_out(f->src2, "out", 1, &err));
    assert_true(bb_device_add_irq_in(f->sink, "irq", 4, record_irq, f->sink,
                                     &err));
    assert_true(bb_device_add_irq_in(f->sink2, "irq", 2, record_irq, f->sink2,
                                     &err));
    assert_no_error(err);
    g_array_set_size(events, 0);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    bb_object_unref(BB_OBJECT(f->src));
    bb_object_unref(BB_OBJECT(f->src2));
    bb_object_unref(BB_OBJECT(f->sink));
    bb_object_unref(BB_OBJECT(f->sink2));
    g_free(f);
    return 0;
}

static BbIrqOut *out_line(BbDevice *dev, unsigned n)
{
    BbIrqOut *out = bb_device_get_irq_out(dev, "out", n);
    assert_non_null(out);
    return out;
}

static BbIrqIn *in_line(BbDevice *dev, unsigned n)
{
    BbIrqIn *in = bb_device_get_irq_in(dev, "irq", n);
    assert_non_null(in);
    return in;
}

static void connect_ok(BbIrqOut *out, BbIrqIn *in)
{
    GError *err = NULL;
    assert_true(bb_irq_connect(out, in, &err));
    assert_no_error(err);
}

static void assert_event(unsigned i, void *opaque, unsigned n, bool level)
{
    assert_true(i < events->len);
    Event *e = &g_array_index(events, Event, i);
    assert_ptr_equal(e->opaque, opaque);
    assert_int_equal(e->n, n);
    assert_int_equal(e->level, level);
}

/* --------------------------------------------------------- declaration */

static void bb_device_get_irq_in_by_name_and_index(void **state)
{
    Fix *f = *state;

    for (unsigned i = 0; i < 4; i++) {
        BbIrqIn *in = in_line(f->sink, i);
        assert_ptr_equal(bb_irq_in_get_device(in), f->sink);
        assert_string_equal(bb_irq_in_get_group(in), "irq");
        assert_int_equal(bb_irq_in_get_index(in), i);
        assert_false(bb_irq_in_get_level(in));
        for (unsigned j = 0; j < i; j++) {
            assert_ptr_not_equal(in, in_line(f->sink, j));
        }
    }
    assert_ptr_equal(bb_device_get_irq_in(f->sink, "irq", 2),
                     bb_device_get_irq_in(f->sink, "irq", 2));
    assert_null(bb_device_get_irq_in(f->sink, "irq", 4));
    assert_null(bb_device_get_irq_in(f->sink, "irq", UINT_MAX));
    assert_null(bb_device_get_irq_in(f->sink, "nope", 0));
    /* inputs and outputs are looked up separately */
    assert_null(bb_device_get_irq_in(f->src, "out", 0));
    assert_null(bb_device_get_irq_out(f->sink, "irq", 0));
}

static void bb_device_get_irq_out_by_name_and_index(void **state)
{
    Fix *f = *state;

    for (unsigned i = 0; i < 4; i++) {
        BbIrqOut *out = out_line(f->src, i);
        assert_false(bb_irq_out_get(out));
        assert_int_equal(bb_irq_out_get_sink_count(out), 0);
        assert_null(bb_irq_out_get_sink(out, 0));
    }
    assert_null(bb_device_get_irq_out(f->src, "out", 4));
    assert_null(bb_device_get_irq_out(f->src2, "out", 1));
    assert_null(bb_device_get_irq_out(f->src, "nope", 0));
}

static void bb_device_add_irq_in_duplicate_name_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_device_add_irq_in(f->sink, "irq", 8, record_irq, NULL,
                                      &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_EXISTS);
    assert_contains(err->message, "'irq'");
    g_error_free(err);
    /* the original group is intact */
    assert_null(bb_device_get_irq_in(f->sink, "irq", 4));
    assert_non_null(bb_device_get_irq_in(f->sink, "irq", 3));
}

static void bb_device_add_irq_out_duplicate_name_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_device_add_irq_out(f->src, "out", 8, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_EXISTS);
    assert_contains(err->message, "'out'");
    g_error_free(err);
    assert_null(bb_device_get_irq_out(f->src, "out", 4));
}

static void bb_device_add_irq_same_name_in_and_out_succeeds(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    /* names are unique among inputs, and among outputs */
    assert_true(bb_device_add_irq_out(f->sink, "irq", 1, &err));
    assert_true(bb_device_add_irq_in(f->src, "out", 1, record_irq, f->src,
                                     &err));
    assert_no_error(err);
    assert_non_null(bb_device_get_irq_out(f->sink, "irq", 0));
    assert_non_null(bb_device_get_irq_in(f->src, "out", 0));
}

static void bb_device_add_irq_in_zero_count_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_device_add_irq_in(f->sink, "none", 0, record_irq, NULL,
                                      &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_null(bb_device_get_irq_in(f->sink, "none", 0));
    /* the name was not taken by the failed attempt */
    assert_true(bb_device_add_irq_in(f->sink, "none", 1, record_irq, NULL,
                                     &err));
    assert_no_error(err);
}

static void bb_device_add_irq_out_zero_count_fails(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_device_add_irq_out(f->src, "none", 0, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_error_free(err);
    assert_null(bb_device_get_irq_out(f->src, "none", 0));
}

/* ----------------------------------------------------------- delivery */

static void bb_irq_out_set_delivers_level_changes_only(void **state)
{
    Fix *f = *state;
    BbIrqOut *out = out_line(f->src, 1);
    BbIrqIn *in = in_line(f->sink, 2);

    connect_ok(out, in);
    assert_int_equal(events->len, 0); /* connecting a low line: nothing */
    bb_irq_out_set(out, true);
    assert_int_equal(events->len, 1);
    assert_event(0, f->sink, 2, true);
    assert_true(bb_irq_out_get(out));
    assert_true(bb_irq_in_get_level(in));
    bb_irq_out_set(out, true); /* same level: no call */
    assert_int_equal(events->len, 1);
    bb_irq_out_set(out, false);
    assert_int_equal(events->len, 2);
    assert_event(1, f->sink, 2, false);
    assert_false(bb_irq_in_get_level(in));
    bb_irq_out_set(out, false);
    assert_int_equal(events->len, 2);
}

static void bb_irq_out_set_unconnected_keeps_level(void **state)
{
    Fix *f = *state;
    BbIrqOut *out = out_line(f->src, 0);

    bb_irq_out_set(out, true);
    assert_true(bb_irq_out_get(out));
    assert_int_equal(events->len, 0);
    bb_irq_out_set(out, false);
    assert_false(bb_irq_out_get(out));
}

static void bb_irq_out_set_lines_are_independent(void **state)
{
    Fix *f = *state;

    connect_ok(out_line(f->src, 0), in_line(f->sink, 0));
    connect_ok(out_line(f->src, 1), in_line(f->sink, 3));
    bb_irq_out_set(out_line(f->src, 1), true);
    assert_int_equal(events->len, 1);
    assert_event(0, f->sink, 3, true);
    assert_false(bb_irq_in_get_level(in_line(f->sink, 0)));
    bb_irq_out_set(out_line(f->src, 0), true);
    assert_event(1, f->sink, 0, true);
    assert_int_equal(events->len, 2);
}

static void bb_irq_connect_wire_or(void **state)
{
    Fix *f = *state;
    BbIrqOut *a = out_line(f->src, 0);
    BbIrqOut *b = out_line(f->src, 1);
    BbIrqOut *c = out_line(f->src2, 0);
    BbIrqIn *in = in_line(f->sink, 1);

    connect_ok(a, in);
    connect_ok(b, in);
    connect_ok(c, in);
    bb_irq_out_set(a, true);
    assert_int_equal(events->len, 1);
    assert_event(0, f->sink, 1, true);
    bb_irq_out_set(b, true); /* already high: no second call */
    bb_irq_out_set(c, true);
    assert_int_equal(events->len, 1);
    bb_irq_out_set(a, false); /* b and c still drive it */
    bb_irq_out_set(c, false);
    assert_int_equal(events->len, 1);
    assert_true(bb_irq_in_get_level(in));
    bb_irq_out_set(b, false); /* the last source goes low */
    assert_int_equal(events->len, 2);
    assert_event(1, f->sink, 1, false);
    assert_false(bb_irq_in_get_level(in));
    /* and it rises again */
    bb_irq_out_set(c, true);
    assert_int_equal(events->len, 3);
    assert_event(2, f->sink, 1, true);
}

static void bb_irq_connect_fan_out(void **state)
{
    Fix *f = *state;
    BbIrqOut *out = out_line(f->src, 2);
    BbIrqIn *in0 = in_line(f->sink, 0);
    BbIrqIn *in1 = in_line(f->sink2, 1);

    connect_ok(out, in0);
    connect_ok(out, in1);
    assert_int_equal(bb_irq_out_get_sink_count(out), 2);
    assert_ptr_equal(bb_irq_out_get_sink(out, 0), in0);
    assert_ptr_equal(bb_irq_out_get_sink(out, 1), in1);
    assert_null(bb_irq_out_get_sink(out, 2));
    bb_irq_out_set(out, true);
    assert_int_equal(events->len, 2);
    assert_event(0, f->sink, 0, true);
    assert_event(1, f->sink2, 1, true);
    assert_true(bb_irq_in_get_level(in0));
    assert_true(bb_irq_in_get_level(in1));
    bb_irq_out_set(out, false);
    assert_int_equal(events->len, 4);
    assert_event(2, f->sink, 0, false);
    assert_event(3, f->sink2, 1, false);
}

static void bb_irq_connect_high_output_raises_input(void **state)
{
    Fix *f = *state;
    BbIrqOut *out = out_line(f->src, 3);
    BbIrqIn *in = in_line(f->sink2, 0);

    bb_irq_out_set(out, true);
    assert_int_equal(events->len, 0);
    connect_ok(out, in);
    assert_int_equal(events->len, 1);
    assert_event(0, f->sink2, 0, true);
    assert_true(bb_irq_in_get_level(in));
    /* a second high source on the same input changes nothing */
    bb_irq_out_set(out_line(f->src2, 0), true);
    connect_ok(out_line(f->src2, 0), in);
    assert_int_equal(events->len, 1);
    bb_irq_out_set(out, false);
    assert_int_equal(events->len, 1);
    bb_irq_out_set(out_line(f->src2, 0), false);
    assert_int_equal(events->len, 2);
    assert_event(1, f->sink2, 0, false);
}

static void bb_irq_connect_duplicate_fails(void **state)
{
    Fix *f = *state;
    BbIrqOut *out = out_line(f->src, 0);
    BbIrqIn *in = in_line(f->sink, 0);
    GError *err = NULL;

    connect_ok(out, in);
    assert_false(bb_irq_connect(out, in, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_EXISTS);
    g_error_free(err);
    assert_int_equal(bb_irq_out_get_sink_count(out), 1);
    /* the line still behaves as a single connection */
    bb_irq_out_set(out, true);
    bb_irq_out_set(out, false);
    assert_int_equal(events->len, 2);
    assert_false(bb_irq_in_get_level(in));
}

static void bb_irq_connect_duplicate_while_high_fails(void **state)
{
    Fix *f = *state;
    BbIrqOut *out = out_line(f->src, 0);
    BbIrqIn *in = in_line(f->sink, 0);
    GError *err = NULL;

    bb_irq_out_set(out, true);
    connect_ok(out, in);
    assert_false(bb_irq_connect(out, in, &err));
    g_clear_error(&err);
    bb_irq_out_set(out, false);
    assert_false(bb_irq_in_get_level(in));
    assert_int_equal(events->len, 2);
}

static void bb_irq_out_set_null_is_noop(void **state)
{
    bb_irq_out_set(NULL, true);
    bb_irq_out_set(NULL, false);
    assert_int_equal(events->len, 0);
}

/* After unrealize the sink's handler stays quiet, but the level is still
 * tracked; a new realize brings the handler back. */
static void bb_irq_unrealized_sink_handler_not_called(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    connect_ok(out_line(f->src, 0), in_line(f->sink, 0));
    assert_true(bb_device_realize(f->sink, &err));
    bb_device_unrealize(f->sink);
    g_array_set_size(events, 0);
    bb_irq_out_set(out_line(f->src, 0), true);
    assert_int_equal(events->len, 0);
    assert_true(bb_irq_in_get_level(in_line(f->sink, 0)));
    assert_true(bb_device_realize(f->sink, &err));
    bb_irq_out_set(out_line(f->src, 0), false);
    assert_int_equal(events->len, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bb_device_get_irq_in_by_name_and_index),
        T(bb_device_get_irq_out_by_name_and_index),
        T(bb_device_add_irq_in_duplicate_name_fails),
        T(bb_device_add_irq_out_duplicate_name_fails),
        T(bb_device_add_irq_same_name_in_and_out_succeeds),
        T(bb_device_add_irq_in_zero_count_fails),
        T(bb_device_add_irq_out_zero_count_fails),
        T(bb_irq_out_set_delivers_level_changes_only),
        T(bb_irq_out_set_unconnected_keeps_level),
        T(bb_irq_out_set_lines_are_independent),
        T(bb_irq_connect_wire_or),
        T(bb_irq_connect_fan_out),
        T(bb_irq_connect_high_output_raises_input),
        T(bb_irq_connect_duplicate_fails),
        T(bb_irq_connect_duplicate_while_high_fails),
        T(bb_irq_out_set_null_is_noop),
        T(bb_irq_unrealized_sink_handler_not_called),
    };
    return cmocka_run_group_tests_name("host/qom/irq", tests, group_setup,
                                       group_teardown);
}
