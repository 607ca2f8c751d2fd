/*
 * ns16550a-devtest.c - the ns16550a's character timeout (the checks of
 * tests/devices/uart-timeout) through the C device-test API: one byte of
 * input at a receive trigger of 8 (what Linux programs) raises the IRQ
 * only through the character timeout, exactly four character times after
 * the byte arrived: 4 x 10 bits / 115200 baud = 347222.2 ns, so the line
 * is still low at 347222 ns and high at 347223 ns.  The byte comes from
 * a pipe behind an "fd:" chardev, written before the first step, so it
 * arrives at virtual time 0.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include <breadboard/breadboard.h>

#define UART 0x10000000u
#define RBR 0 /* receive buffer / divisor latch low */
#define IER 1 /* interrupt enable / divisor latch high */
#define IIR 2 /* interrupt identification (read) / FIFO control (write) */
#define LCR 3
#define LSR 5

static const char board_fmt[] =
    "schema: 1\n"
    "name: uart-timeout\n"
    "chardevs: {serial0: 'fd:%d,%d'}\n"
    "devices:\n"
    "  - type: ns16550a\n"
    "    id: uart0\n"
    "    reg: [0x1000_0000, 0x100]\n"
    "    props: {chardev: serial0, clock-frequency: 3686400}\n";

typedef struct Rig {
    BbDevtest *t;
    int irq;
    int in[2]; /* the UART's input */
    int out;   /* its output: /dev/null */
} Rig;

static int rig_setup(void **state)
{
    Rig *r = g_new0(Rig, 1);
    GError *err = NULL;

    assert_int_equal(pipe(r->in), 0);
    r->out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    assert_true(r->out >= 0);
    g_autofree char *yaml = g_strdup_printf(board_fmt, r->in[0], r->out);
    r->t = bb_devtest_new_from_string(yaml, "uart-timeout", NULL, &err);
    if (!r->t) {
        fail_msg("%s", err->message);
    }
    r->irq = bb_devtest_add_probe(r->t, "uart0.irq:0", &err);
    assert_int_equal(r->irq, 0);
    *state = r;
    return 0;
}

static int rig_teardown(void **state)
{
    Rig *r = *state;

    bb_devtest_free(r->t);
    close(r->in[0]);
    close(r->in[1]);
    close(r->out);
    g_free(r);
    return 0;
}

static uint64_t reg_read(Rig *r, unsigned reg)
{
    uint64_t v = 0;

    assert_int_equal(bb_devtest_read(r->t, UART + reg, 1, &v), BB_MEMTX_OK);
    return v;
}

static void reg_write(Rig *r, unsigned reg, uint64_t v)
{
    assert_int_equal(bb_devtest_write(r->t, UART + reg, 1, v), BB_MEMTX_OK);
}

static void one_byte_interrupts_after_four_character_times(void **state)
{
    Rig *r = *state;

    /* 115200 8N1 from 3.6864 MHz (divisor 2), FIFOs on, trigger 8, the
     * receive interrupt enabled: what Linux sets up. */
    reg_write(r, LCR, 0x83);
    reg_write(r, RBR, 0x02);
    reg_write(r, IER, 0x00);
    reg_write(r, LCR, 0x03);
    reg_write(r, IIR, 0x81);
    reg_write(r, IER, 0x01);
    assert_int_equal(write(r->in[1], "q", 1), 1);

    assert_true(bb_devtest_step(r->t, 347222));
    assert_int_equal(reg_read(r, LSR), 0x61);  /* data ready */
    assert_false(bb_devtest_get_probe(r->t, r->irq));
    assert_int_equal(bb_devtest_get_probe_rises(r->t, r->irq), 0);
    assert_int_equal(reg_read(r, IIR), 0xc1);  /* FIFOs on, none pending */

    assert_true(bb_devtest_step(r->t, 1));
    assert_true(bb_devtest_get_probe(r->t, r->irq));
    assert_int_equal(reg_read(r, IIR), 0xcc);  /* character timeout */
    assert_int_equal(reg_read(r, RBR), 'q');
    assert_false(bb_devtest_get_probe(r->t, r->irq));
    assert_int_equal(reg_read(r, IIR), 0xc1);
    assert_int_equal(reg_read(r, LSR), 0x60);
    assert_int_equal(bb_devtest_get_probe_rises(r->t, r->irq), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            one_byte_interrupts_after_four_character_times, rig_setup,
            rig_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
