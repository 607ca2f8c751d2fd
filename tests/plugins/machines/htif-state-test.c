/*
 * htif-state-test.c - save and load of the riscv-spike machine's HTIF
 * (plugins/machines/riscv-spike/htif.c), checked by behaviour: the
 * registers and pending console work saved from one machine carry on in
 * a fresh HTIF of another, whose console is a pair of pipes.  A console
 * acknowledgement not yet consumed is still in fromhost after the load; a
 * console read issued before the save is answered by the new console
 * once the guest frees fromhost.  A truncated stream or one for a
 * program without a fromhost symbol is refused and changes nothing.
 */
#define _GNU_SOURCE /* pipe2 */
#include <fcntl.h>

#include "host-test.h"
#include "htif.h"

#define TOHOST 0x80001000u
#define FROMHOST 0x80001040u
#define CONSOLE_ACK (1ull << 56 | 1ull << 48)

typedef struct Rig {
    BbSystem *sys;
    BbObject *owner;
    Htif htif;
    int in[2], out[2]; /* pipes: console input, console output */
} Rig;

static void rig_init(Rig *r, bool has_fromhost)
{
    GError *err = NULL;

    r->sys = bb_system_new(NULL);
    /* HTIF maps its words through its owner (bb_device_map_region), so
     * the owner is a machine with the system, as in riscv-spike. */
    r->owner = bb_object_new(BB_TYPE_MACHINE, &err);
    BB_MACHINE(r->owner)->system = r->sys;
    assert_int_equal(pipe2(r->in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(r->out, O_CLOEXEC | O_NONBLOCK), 0);
    g_autofree char *spec = g_strdup_printf("fd:%d,%d", r->in[0],
                                            r->out[1]);
    assert_true(bb_system_add_chardev(r->sys, "con", spec, &err));
    BbChardev *chr = bb_system_get_chardev(r->sys, "con", &err);
    assert_no_error(err);
    assert_true(htif_init(&r->htif, r->owner, r->sys, chr, TOHOST,
                          has_fromhost, FROMHOST, &err));
    assert_no_error(err);
}

static void rig_free(Rig *r)
{
    htif_cleanup(&r->htif);
    bb_object_unref(r->owner);
    bb_system_free(r->sys);
    for (int i = 0; i < 2; i++) {
        close(r->in[i]);
        close(r->out[i]);
    }
}

static uint64_t rd(Rig *r, uint64_t addr)
{
    uint64_t v = 0;

    assert_int_equal(bb_address_space_load(
                         bb_system_get_address_space(r->sys), addr, 8, &v),
                     BB_MEMTX_OK);
    return v;
}

static void wr(Rig *r, uint64_t addr, uint64_t v)
{
    assert_int_equal(bb_address_space_store(
                         bb_system_get_address_space(r->sys), addr, 8, v),
                     BB_MEMTX_OK);
}

/* Run the main loop until fromhost changes (or give up). */
static uint64_t wait_fromhost(Rig *r, uint64_t old)
{
    BbMainLoop *loop = bb_system_get_main_loop(r->sys);

    for (int spins = 0; rd(r, FROMHOST) == old && spins < 10000; spins++) {
        bb_main_loop_iterate(loop, false);
    }
    return rd(r, FROMHOST);
}

/* A's guest printed 'a' (acknowledged, not yet consumed) and then asked
 * for a console byte. */
static GByteArray *saved_midway(void)
{
    Rig a;
    GError *err = NULL;
    GByteArray *saved = g_byte_array_new();
    char c = 0;

    rig_init(&a, true);
    wr(&a, TOHOST, 1ull << 56 | 1ull << 48 | 'a');
    assert_int_equal(read(a.out[0], &c, 1), 1);
    assert_int_equal(c, 'a');
    assert_true(rd(&a, FROMHOST) == CONSOLE_ACK);
    wr(&a, TOHOST, 1ull << 56);          /* console read */
    assert_int_equal(rd(&a, TOHOST), 0);
    assert_true(a.htif.getc_pending);
    assert_true(bb_state_save(&htif_state, &a.htif, saved, &err));
    assert_no_error(err);
    rig_free(&a);
    return saved;
}

static void htif_console_read_is_answered_after_load(void **state)
{
    g_autoptr(GByteArray) saved = saved_midway();
    GError *err = NULL;
    Rig b;

    rig_init(&b, true);
    assert_true(bb_state_load(&htif_state, &b.htif, saved->data, saved->len,
                              &err));
    assert_no_error(err);
    assert_int_equal(rd(&b, TOHOST), 0);
    assert_true(rd(&b, FROMHOST) == CONSOLE_ACK);
    /* input waits while fromhost holds the acknowledgement */
    assert_int_equal(write(b.in[1], "x", 1), 1);
    assert_true(wait_fromhost(&b, CONSOLE_ACK) == CONSOLE_ACK);
    /* the guest consumes it: the pending read gets the byte */
    wr(&b, FROMHOST, 0);
    assert_true(wait_fromhost(&b, 0) == (1ull << 56 | 'x'));
    assert_false(b.htif.getc_pending);
    rig_free(&b);
}

static void htif_load_refusals_change_nothing(void **state)
{
    g_autoptr(GByteArray) saved = saved_midway();
    GError *err = NULL;
    Rig b, c;

    rig_init(&b, true);
    wr(&b, FROMHOST, 0x1234);
    assert_false(bb_state_load(&htif_state, &b.htif, saved->data,
                               saved->len - 1, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message,
                        "state 'htif': truncated data (in the section body)");
    g_clear_error(&err);
    assert_int_equal(rd(&b, FROMHOST), 0x1234);
    assert_false(b.htif.getc_pending);
    rig_free(&b);

    /* a program without fromhost cannot take a pending response */
    rig_init(&c, false);
    assert_false(bb_state_load(&htif_state, &c.htif, saved->data,
                               saved->len, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message,
                        "state 'htif': a response through fromhost, but "
                        "this program has no fromhost symbol");
    g_clear_error(&err);
    assert_int_equal(c.htif.fromhost, 0);
    assert_false(c.htif.getc_pending);
    rig_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(htif_console_read_is_answered_after_load),
        cmocka_unit_test(htif_load_refusals_change_nothing),
    };
    return cmocka_run_group_tests_name("plugins/machines/htif-state", tests,
                                       NULL, NULL);
}
