/*
 * timer-test.c - the sample timer tested from C with the installed
 * device-test API (devtest.h) and cmocka: periodic expiry at exact
 * virtual times, the write-1-to-clear STATUS, the IRQ level, reset,
 * guest misuse, and its state saved and loaded into a fresh instance.
 * The plugin is found through BREADBOARD_PLUGIN_PATH, which
 * breadboard_add_device_test() sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <breadboard/breadboard.h>

#define BASE 0x10010000u
#define LOAD (BASE + 0x00)
#define VALUE (BASE + 0x04)
#define CTRL (BASE + 0x08)
#define STATUS (BASE + 0x0c)

static const char board[] =
    "schema: 1\n"
    "name: sample-timer-c\n"
    "devices:\n"
    "  - type: sample-timer\n"
    "    id: stimer\n"
    "    reg: 0x1001_0000\n"
    "    props: {ns-per-tick: 100}\n";

typedef struct Fixture {
    BbDevtest *t;
    int irq; /* probe on the timer's line */
} Fixture;

static Fixture start(void)
{
    GError *err = NULL;
    Fixture f = { bb_devtest_new_from_string(board, "timer-test", NULL,
                                             &err), -1 };

    if (!f.t) {
        fail_msg("%s", err->message);
    }
    f.irq = bb_devtest_add_probe(f.t, "stimer.irq:0", &err);
    assert_int_equal(f.irq, 0);
    return f;
}

static uint64_t rd(Fixture *f, uint64_t addr)
{
    uint64_t v = ~0ull;

    assert_int_equal(bb_devtest_read(f->t, addr, 4, &v), BB_MEMTX_OK);
    return v;
}

static void wr(Fixture *f, uint64_t addr, uint64_t v)
{
    assert_int_equal(bb_devtest_write(f->t, addr, 4, v), BB_MEMTX_OK);
}

static void periodic_expiry_at_exact_ns(void **state)
{
    Fixture f = start();

    wr(&f, LOAD, 10);   /* 1000 ns */
    wr(&f, CTRL, 7);    /* EN | IE | PERIODIC, at 0 ns */
    for (unsigned n = 1; n <= 3; n++) {
        assert_true(bb_devtest_step(f.t, 999));
        assert_false(bb_devtest_get_probe(f.t, f.irq));
        assert_int_equal(rd(&f, VALUE), 1);
        assert_true(bb_devtest_step(f.t, 1));
        assert_int_equal(bb_devtest_now(f.t), 1000 * n);
        assert_true(bb_devtest_get_probe(f.t, f.irq));
        assert_int_equal(bb_devtest_get_probe_rises(f.t, f.irq), n);
        assert_int_equal(rd(&f, VALUE), 10); /* reloaded */
        assert_int_equal(rd(&f, STATUS), 1);
        wr(&f, STATUS, 0);                   /* 0 keeps the bit */
        assert_int_equal(rd(&f, STATUS), 1);
        wr(&f, STATUS, 1);                   /* 1 clears it */
        assert_int_equal(rd(&f, STATUS), 0);
        assert_false(bb_devtest_get_probe(f.t, f.irq));
    }
    wr(&f, CTRL, 0); /* stop: nothing more fires */
    assert_int_equal(rd(&f, VALUE), 0);
    assert_true(bb_devtest_step(f.t, 5000));
    assert_int_equal(rd(&f, STATUS), 0);
    bb_devtest_free(f.t);
}

static void irq_is_expired_and_enabled(void **state)
{
    Fixture f = start();

    wr(&f, LOAD, 5);
    wr(&f, CTRL, 1); /* EN, IE clear, one-shot */
    assert_true(bb_devtest_step(f.t, 500));
    assert_int_equal(rd(&f, STATUS), 1);
    assert_int_equal(rd(&f, CTRL), 0); /* one-shot: EN cleared */
    assert_false(bb_devtest_get_probe(f.t, f.irq));
    wr(&f, CTRL, 2); /* IE: the pending expiry shows */
    assert_true(bb_devtest_get_probe(f.t, f.irq));
    wr(&f, CTRL, 0);
    assert_false(bb_devtest_get_probe(f.t, f.irq));
    bb_devtest_free(f.t);
}

static void reset_stops_everything(void **state)
{
    Fixture f = start();

    wr(&f, LOAD, 10);
    wr(&f, CTRL, 7);
    assert_true(bb_devtest_step(f.t, 1500));
    assert_true(bb_devtest_get_probe(f.t, f.irq));
    bb_devtest_reset(f.t);
    assert_false(bb_devtest_get_probe(f.t, f.irq));
    assert_int_equal(rd(&f, LOAD), 0);
    assert_int_equal(rd(&f, CTRL), 0);
    assert_int_equal(rd(&f, STATUS), 0);
    assert_true(bb_devtest_step(f.t, 5000));
    assert_int_equal(rd(&f, STATUS), 0);
    assert_int_equal(bb_devtest_get_probe_rises(f.t, f.irq), 1);
    bb_devtest_free(f.t);
}

static void guest_misuse_is_refused(void **state)
{
    Fixture f = start();
    uint64_t v;

    wr(&f, CTRL, 3);                   /* EN with LOAD 0: refused */
    assert_int_equal(rd(&f, CTRL), 2);
    wr(&f, VALUE, 5);                  /* read-only: ignored */
    assert_int_equal(rd(&f, VALUE), 0);
    wr(&f, CTRL, 0xfffffff8);          /* reserved bits stay 0 */
    assert_int_equal(rd(&f, CTRL), 0);
    assert_int_equal(bb_devtest_read(f.t, CTRL, 2, &v), BB_MEMTX_ERROR);
    wr(&f, LOAD, 10);
    wr(&f, CTRL, 1);
    wr(&f, LOAD, 0);                   /* stops it */
    assert_int_equal(rd(&f, CTRL), 0);
    assert_true(bb_devtest_step(f.t, 5000));
    assert_int_equal(rd(&f, STATUS), 0);
    bb_devtest_free(f.t);
}

static void state_moves_to_a_fresh_instance(void **state)
{
    Fixture a = start(), b = start();
    BbDevice *da = bb_devtest_get_device(a.t, "stimer");
    BbDevice *db = bb_devtest_get_device(b.t, "stimer");
    const BbStateDesc *desc = BB_DEVICE_GET_CLASS(da)->state;
    g_autoptr(GByteArray) saved = g_byte_array_new();
    GError *err = NULL;

    assert_non_null(desc);
    wr(&a, LOAD, 10);
    wr(&a, CTRL, 7);
    assert_true(bb_devtest_step(a.t, 1500)); /* expired once, at 1000 */
    assert_true(bb_state_save(desc, da, saved, &err));

    /* A stream cut short is refused and changes nothing; so is one that
     * says "stopped" with the timer armed (post_load refuses it).  CTRL
     * follows the section header (u16 + "sample-timer" + two u32) and
     * LOAD. */
    assert_false(bb_state_load(desc, db, saved->data, saved->len - 1,
                               &err));
    g_clear_error(&err);
    saved->data[2 + 12 + 4 + 4 + 4] &= ~1u;
    assert_false(bb_state_load(desc, db, saved->data, saved->len, &err));
    assert_non_null(strstr(err->message, "CTRL.EN is 0"));
    g_clear_error(&err);
    saved->data[2 + 12 + 4 + 4 + 4] |= 1u;
    assert_int_equal(rd(&b, CTRL), 0);
    assert_int_equal(rd(&b, LOAD), 0);

    assert_true(bb_devtest_step(b.t, 1500)); /* the same time as a */
    assert_true(bb_state_load(desc, db, saved->data, saved->len, &err));
    assert_int_equal(rd(&b, LOAD), 10);
    assert_int_equal(rd(&b, CTRL), 7);
    assert_int_equal(rd(&b, STATUS), 1);
    assert_int_equal(rd(&b, VALUE), 5);
    assert_true(bb_devtest_get_probe(b.t, b.irq)); /* post_load drove it */
    wr(&b, STATUS, 1);
    assert_true(bb_devtest_step(b.t, 499));
    assert_false(bb_devtest_get_probe(b.t, b.irq));
    assert_true(bb_devtest_step(b.t, 1));      /* the loaded timer fires */
    assert_int_equal(bb_devtest_now(b.t), 2000);
    assert_true(bb_devtest_get_probe(b.t, b.irq));
    bb_devtest_free(a.t);
    bb_devtest_free(b.t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(periodic_expiry_at_exact_ns),
        cmocka_unit_test(irq_is_expired_and_enabled),
        cmocka_unit_test(reset_stops_everything),
        cmocka_unit_test(guest_misuse_is_refused),
        cmocka_unit_test(state_moves_to_a_fresh_instance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
