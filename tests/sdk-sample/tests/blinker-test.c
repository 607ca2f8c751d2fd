/*
 * blinker-test.c - the sample blinker tested from C with the installed
 * device-test API (devtest.h) and cmocka: the board comes from a YAML
 * string, the plugin from BREADBOARD_PLUGIN_PATH (set by
 * breadboard_add_device_test()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <breadboard/breadboard.h>

static const char board[] =
    "schema: 1\n"
    "name: sample-blinker-c\n"
    "ram: {base: 0x8000_0000, size: 64K}\n"
    "devices:\n"
    "  - type: sample-blinker\n"
    "    id: blinker0\n"
    "    reg: 0x1000_0000\n"
    "    props: {period-ms: 250}\n";

static void blinker_starts_dark_with_its_period(void **state)
{
    GError *err = NULL;
    BbDevtest *t = bb_devtest_new_from_string(board, "blinker-test", NULL,
                                              &err);
    uint64_t v = 0;

    if (!t) {
        fail_msg("%s", err->message);
    }
    BbDevice *dev = bb_devtest_get_device(t, "blinker0");
    assert_non_null(dev);
    assert_int_equal(bb_object_get_uint(BB_OBJECT(dev), "period-ms", NULL),
                     250);
    int led = bb_devtest_add_probe(t, "blinker0.irq:0", &err);
    assert_int_equal(led, 0);
    assert_false(bb_devtest_get_probe(t, led));

    assert_int_equal(bb_devtest_write(t, 0x80000000, 4, 0x12345678),
                     BB_MEMTX_OK);
    assert_int_equal(bb_devtest_read(t, 0x80000000, 4, &v), BB_MEMTX_OK);
    assert_int_equal(v, 0x12345678);

    assert_true(bb_devtest_step(t, 1000));
    assert_int_equal(bb_devtest_now(t), 1000);
    assert_false(bb_devtest_get_probe(t, led));
    bb_devtest_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blinker_starts_dark_with_its_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
