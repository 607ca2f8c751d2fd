/*
 * devtest-test.c - tests of the C device-test API (devtest.h) itself:
 * building from a string and from a file, board errors with their
 * position, device lookup, bus status of accesses, probe and drive
 * references and their errors, stepping the virtual clock exactly to
 * timer deadlines (the goldfish RTC's alarm), resets, a finisher's
 * shutdown, overrides, and two systems at once.  The devices are the
 * shipped plugins, found in the build tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <breadboard/breadboard.h>

#define RTC 0x101000u  /* goldfish-rtc */
#define TEST 0x100000u /* sifive-test */
#define PLIC 0xc000000u
#define RAM 0x80000000u

static const char board[] =
    "schema: 1\n"
    "name: devtest\n"
    "ram: {base: 0x8000_0000, size: 64K}\n"
    "devices:\n"
    "  - {type: goldfish-rtc, id: rtc, reg: 0x10_1000}\n"
    "  - {type: sifive-test, id: test, reg: 0x10_0000}\n"
    "  - type: sifive-plic\n"
    "    id: plic\n"
    "    reg: [0x0C00_0000, 0x60_0000]\n"
    "    props: {num-sources: 8, num-harts: 1}\n";

static BbDevtest *make(const char *yaml, const BbDevtestOptions *opts)
{
    GError *err = NULL;
    BbDevtest *t = bb_devtest_new_from_string(yaml, "devtest-board", opts,
                                              &err);

    if (!t) {
        fail_msg("bb_devtest_new_from_string: %s", err->message);
    }
    return t;
}

static void expect_error(GError **errp, GQuark domain, const char *want)
{
    GError *err = *errp;

    *errp = NULL;
    assert_non_null(err);
    assert_int_equal(err->domain, domain);
    if (!strstr(err->message, want)) {
        fail_msg("error '%s' lacks '%s'", err->message, want);
    }
    g_error_free(err);
}

/* ------------------------------------------------------------ building */

static void new_from_string_syntax_error_names_line_and_column(void **state)
{
    GError *err = NULL;

    assert_null(bb_devtest_new_from_string(
        "schema: 1\ndevices:\n  - {type: goldfish-rtc, id: rtc, reg: 0x10_1000, "
        "frobs: 3}\n", "my-test", NULL, &err));
    /* The key's own position: line 3, column 51. */
    expect_error(&err, BB_BOARD_ERROR, "my-test:3:51: ");
}

static void new_from_string_unknown_type_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_devtest_new_from_string(
        "schema: 1\ndevices:\n  - {type: no-such-device, id: x}\n", NULL,
        NULL, &err));
    expect_error(&err, BB_BOARD_ERROR, "<string>:3:");
}

static void new_missing_file_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_devtest_new("/nonexistent/board.yaml", NULL, &err));
    expect_error(&err, BB_BOARD_ERROR, "/nonexistent/board.yaml");
}

static void new_from_file_builds_the_board(void **state)
{
    g_autofree char *path = g_build_filename(g_getenv("BB_TEST_SRC"),
                                             "devtest-board.yaml", NULL);
    GError *err = NULL;
    BbDevtest *t = bb_devtest_new(path, NULL, &err);
    uint64_t v = 1;

    assert_null(err);
    assert_non_null(t);
    assert_non_null(bb_devtest_get_device(t, "rtc"));
    assert_int_equal(bb_devtest_read(t, RTC + 0x18, 4, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0); /* ALARM_STATUS: idle */
    bb_devtest_free(t);
}

static void get_device_finds_board_ids(void **state)
{
    BbDevtest *t = make(board, NULL);
    BbDevice *rtc = bb_devtest_get_device(t, "rtc");

    assert_non_null(rtc);
    assert_true(bb_device_is_realized(rtc));
    assert_non_null(bb_object_dynamic_cast(BB_OBJECT(rtc), "goldfish-rtc"));
    assert_null(bb_devtest_get_device(t, "nope"));
    assert_null(bb_devtest_get_device(t, NULL));
    assert_int_equal(bb_system_get_run_state(bb_devtest_get_system(t)),
                     BB_RUN_STATE_RUNNING);
    assert_int_equal(bb_devtest_now(t), 0);
    bb_devtest_free(t);
}

static void options_sets_and_plugin_dirs_apply(void **state)
{
    const char *const sets[] = { "devices.plic.props.num-sources=4", NULL };
    const char *const dirs[] = { "/nonexistent/plugins", NULL };
    BbDevtestOptions opts = { .sets = sets, .plugin_dirs = dirs };
    const char *const bad[] = { "devices.nope.reg=0x1000", NULL };
    BbDevtestOptions bad_opts = { .sets = bad };
    BbDevtest *t = make(board, &opts);
    GError *err = NULL;

    /* Four sources: source 4's priority register is beyond them. */
    assert_int_equal(bb_devtest_write(t, PLIC + 4 * 4, 4, 1), BB_MEMTX_OK);
    assert_int_equal(bb_devtest_add_drive(t, "plic:4", &err), -1);
    expect_error(&err, BB_DEVICE_ERROR, "index 4 is out of range");
    bb_devtest_free(t);

    assert_null(bb_devtest_new_from_string(board, NULL, &bad_opts, &err));
    expect_error(&err, BB_BOARD_ERROR, "nope");
}

/* ------------------------------------------------------------ accesses */

static void read_write_return_the_bus_status(void **state)
{
    BbDevtest *t = make(board, NULL);
    uint64_t v = 0;

    assert_int_equal(bb_devtest_write(t, RAM + 8, 8, 0x1122334455667788u),
                     BB_MEMTX_OK);
    assert_int_equal(bb_devtest_read(t, RAM + 8, 8, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0x1122334455667788u);
    assert_int_equal(bb_devtest_read(t, RAM + 9, 2, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0x6677);
    assert_int_equal(bb_devtest_read(t, RAM + 8, 1, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0x88);
    assert_int_equal(bb_devtest_read(t, RAM + 8, 3, &v), BB_MEMTX_ERROR);
    /* Nothing mapped: the system's unassigned accesses are errors. */
    v = 7;
    assert_int_equal(bb_devtest_read(t, 0x2000, 4, &v),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(v, 0);
    assert_int_equal(bb_devtest_write(t, 0x2000, 4, 1),
                     BB_MEMTX_DECODE_ERROR);
    assert_int_equal(bb_devtest_read(t, RAM, 4, NULL), BB_MEMTX_OK);
    bb_devtest_free(t);
}

/* ----------------------------------------------------------- IRQ lines */

static void probe_and_drive_references_are_checked(void **state)
{
    BbDevtest *t = make(board, NULL);
    GError *err = NULL;

    assert_int_equal(bb_devtest_add_probe(t, "rtc", &err), 0);
    assert_null(err);
    assert_int_equal(bb_devtest_add_probe(t, "plic.ctx:0", &err), 1);
    assert_int_equal(bb_devtest_add_probe(t, "plic:1", &err), 2);
    assert_int_equal(bb_devtest_add_probe(t, "nope:1", &err), -1);
    expect_error(&err, BB_DEVICE_ERROR,
                 "probe 'nope:1': no device 'nope' on the board; devices: "
                 "rtc, test, plic");
    assert_int_equal(bb_devtest_add_probe(t, "rtc.alarm", &err), -1);
    expect_error(&err, BB_DEVICE_ERROR,
                 "rtc has no IRQ output group 'alarm'; output groups: "
                 "irq[1]");
    assert_int_equal(bb_devtest_add_probe(t, "rtc:1", &err), -1);
    expect_error(&err, BB_DEVICE_ERROR, "index 1 is out of range for "
                 "'rtc.irq', which has 1 line (0-0)");
    assert_int_equal(bb_devtest_add_probe(t, "test", &err), -1);
    expect_error(&err, BB_DEVICE_ERROR, "test has no IRQ outputs");
    assert_int_equal(bb_devtest_add_probe(t, "rtc irq", &err), -1);
    expect_error(&err, BB_DEVICE_ERROR, "'rtc irq'");
    assert_int_equal(bb_devtest_add_drive(t, "rtc", &err), -1);
    expect_error(&err, BB_DEVICE_ERROR, "rtc has no IRQ inputs");
    assert_int_equal(bb_devtest_add_drive(t, "plic:1", &err), 0);
    assert_int_equal(bb_devtest_add_drive(t, "plic.irq:2", &err), 1);
    assert_null(err);
    /* Numbers that are not lines are ignored. */
    assert_false(bb_devtest_get_probe(t, 7));
    assert_false(bb_devtest_get_probe(t, -1));
    assert_int_equal(bb_devtest_get_probe_rises(t, 7), 0);
    bb_devtest_set_drive(t, 9, true);
    bb_devtest_free(t);
}

static void drive_reaches_the_input_and_probe_counts_rises(void **state)
{
    BbDevtest *t = make(board, NULL);
    BbDevice *plic = bb_devtest_get_device(t, "plic");
    int src1 = bb_devtest_add_drive(t, "plic:1", NULL);
    int ctx = bb_devtest_add_probe(t, "plic.ctx:0", NULL);
    uint64_t v;

    assert_true(src1 >= 0 && ctx >= 0);
    bb_devtest_write(t, PLIC + 4, 4, 1);          /* priority 1 */
    bb_devtest_write(t, PLIC + 0x2000, 4, 0x2);   /* context 0: source 1 */
    assert_false(bb_devtest_get_probe(t, ctx));
    bb_devtest_set_drive(t, src1, true);
    assert_true(bb_irq_in_get_level(bb_device_get_irq_in(plic, "irq", 1)));
    assert_true(bb_devtest_get_probe(t, ctx));
    assert_int_equal(bb_devtest_get_probe_rises(t, ctx), 1);
    bb_devtest_read(t, PLIC + 0x200004, 4, &v);   /* claim */
    assert_int_equal(v, 1);
    assert_false(bb_devtest_get_probe(t, ctx));
    bb_devtest_write(t, PLIC + 0x200004, 4, 1);   /* complete: still high */
    assert_true(bb_devtest_get_probe(t, ctx));
    assert_int_equal(bb_devtest_get_probe_rises(t, ctx), 2);
    /* A probe added while its line is high sees the level, no edge. */
    int late = bb_devtest_add_probe(t, "plic.ctx:0", NULL);
    assert_true(bb_devtest_get_probe(t, late));
    assert_int_equal(bb_devtest_get_probe_rises(t, late), 0);

    /* A reset lowers the test's drive lines, as power-on would. */
    bb_devtest_reset(t);
    assert_false(bb_irq_in_get_level(bb_device_get_irq_in(plic, "irq", 1)));
    assert_false(bb_devtest_get_probe(t, ctx));
    bb_devtest_read(t, PLIC + 0x1000, 4, &v);     /* pending */
    assert_int_equal(v, 0);
    bb_devtest_free(t);
}

/* ---------------------------------------------------------------- time */

static void step_runs_timers_exactly_at_their_deadline(void **state)
{
    BbDevtest *t = make(board, NULL);
    int irq = bb_devtest_add_probe(t, "rtc", NULL);
    uint64_t v;

    bb_devtest_write(t, RTC + 0x10, 4, 1);     /* IRQ_ENABLED */
    bb_devtest_write(t, RTC + 0x0c, 4, 0);     /* ALARM_HIGH */
    bb_devtest_write(t, RTC + 0x08, 4, 5000);  /* ALARM_LOW: arms */
    assert_true(bb_devtest_step(t, 4999));
    assert_int_equal(bb_devtest_now(t), 4999);
    assert_false(bb_devtest_get_probe(t, irq));
    assert_true(bb_devtest_step(t, 1));
    assert_int_equal(bb_devtest_now(t), 5000);
    assert_true(bb_devtest_get_probe(t, irq));
    bb_devtest_read(t, RTC + 0x18, 4, &v);     /* ALARM_STATUS: fired */
    assert_int_equal(v, 0);
    bb_devtest_write(t, RTC + 0x1c, 4, 0);     /* CLEAR_INTERRUPT */
    assert_false(bb_devtest_get_probe(t, irq));

    /* Several deadlines inside one step each run at their own time: the
     * RTC's time register reads the virtual clock (ns) when the alarm
     * raises the line, and the line is raised once per alarm. */
    bb_devtest_write(t, RTC + 0x08, 4, 6000);
    assert_true(bb_devtest_step(t, 10000));
    assert_int_equal(bb_devtest_now(t), 15000);
    assert_int_equal(bb_devtest_get_probe_rises(t, irq), 2);
    bb_devtest_read(t, RTC + 0x00, 4, &v);     /* TIME_LOW */
    assert_int_equal(v, 15000);

    /* Step 0 runs what is due now: an alarm in the past fires. */
    bb_devtest_write(t, RTC + 0x1c, 4, 0);
    bb_devtest_write(t, RTC + 0x08, 4, 100);
    assert_true(bb_devtest_step(t, 0));
    assert_int_equal(bb_devtest_now(t), 15000);
    assert_true(bb_devtest_get_probe(t, irq));
    bb_devtest_free(t);
}

static void reset_resets_devices_but_not_time(void **state)
{
    BbDevtest *t = make(board, NULL);
    int irq = bb_devtest_add_probe(t, "rtc", NULL);
    uint64_t v;

    bb_devtest_write(t, RTC + 0x10, 4, 1);
    bb_devtest_write(t, RTC + 0x08, 4, 50);
    bb_devtest_step(t, 100);
    assert_true(bb_devtest_get_probe(t, irq));
    bb_devtest_reset(t);
    assert_false(bb_devtest_get_probe(t, irq));
    bb_devtest_read(t, RTC + 0x10, 4, &v);     /* IRQ_ENABLED: reset */
    assert_int_equal(v, 0);
    assert_int_equal(bb_devtest_now(t), 100);
    assert_true(bb_devtest_step(t, 10));
    assert_int_equal(bb_devtest_now(t), 110);
    bb_devtest_free(t);
}

static void finisher_shutdown_ends_the_step(void **state)
{
    BbDevtest *t = make(board, NULL);
    BbSystem *sys = bb_devtest_get_system(t);

    assert_int_equal(bb_devtest_write(t, TEST, 4, 0x00033333), BB_MEMTX_OK);
    assert_false(bb_devtest_step(t, 1000));
    assert_int_equal(bb_system_get_shutdown_cause(sys),
                     BB_SHUTDOWN_GUEST_FAILURE);
    assert_int_equal(bb_system_get_exit_code(sys), 3);
    assert_false(bb_devtest_step(t, 1000));
    bb_devtest_free(t);

    t = make(board, NULL);
    sys = bb_devtest_get_system(t);
    bb_devtest_write(t, TEST, 4, 0x5555);
    assert_false(bb_devtest_step(t, 0));
    assert_int_equal(bb_system_get_shutdown_cause(sys),
                     BB_SHUTDOWN_GUEST_POWEROFF);
    bb_devtest_free(t);
}

static void guest_reset_request_is_carried_out_by_step(void **state)
{
    BbDevtest *t = make(board, NULL);
    uint64_t v;

    bb_devtest_write(t, RTC + 0x10, 4, 1);
    bb_devtest_write(t, TEST, 4, 0x7777);      /* sifive-test: reset */
    assert_true(bb_devtest_step(t, 1));
    bb_devtest_read(t, RTC + 0x10, 4, &v);
    assert_int_equal(v, 0);
    bb_devtest_free(t);
}

static void two_systems_are_independent(void **state)
{
    BbDevtest *a = make(board, NULL);
    BbDevtest *b = make(board, NULL);
    uint64_t v;

    bb_devtest_write(a, RAM, 4, 0xaaaa);
    bb_devtest_write(b, RAM, 4, 0xbbbb);
    bb_devtest_step(a, 1000);
    bb_devtest_read(a, RAM, 4, &v);
    assert_int_equal(v, 0xaaaa);
    bb_devtest_read(b, RAM, 4, &v);
    assert_int_equal(v, 0xbbbb);
    assert_int_equal(bb_devtest_now(a), 1000);
    assert_int_equal(bb_devtest_now(b), 0);
    bb_devtest_free(a);
    bb_devtest_free(b);
    bb_devtest_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_from_string_syntax_error_names_line_and_column),
        cmocka_unit_test(new_from_string_unknown_type_fails),
        cmocka_unit_test(new_missing_file_fails),
        cmocka_unit_test(new_from_file_builds_the_board),
        cmocka_unit_test(get_device_finds_board_ids),
        cmocka_unit_test(options_sets_and_plugin_dirs_apply),
        cmocka_unit_test(read_write_return_the_bus_status),
        cmocka_unit_test(probe_and_drive_references_are_checked),
        cmocka_unit_test(drive_reaches_the_input_and_probe_counts_rises),
        cmocka_unit_test(step_runs_timers_exactly_at_their_deadline),
        cmocka_unit_test(reset_resets_devices_but_not_time),
        cmocka_unit_test(finisher_shutdown_ends_the_step),
        cmocka_unit_test(guest_reset_request_is_carried_out_by_step),
        cmocka_unit_test(two_systems_are_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
