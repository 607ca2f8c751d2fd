/*
 * ns16550a-test.c - unit tests of the "ns16550a" UART (plugins/char)
 * for what the script-driven device tests (tests/devices/uart-*) cannot
 * set up: output back-pressure from a backend whose reader stalls (an
 * fd backend on a pipe nobody reads), with no byte lost; its device-tree
 * node and "fdt-path"; realize errors.  The UART is driven through the
 * system address space only, as a CPU would.
 */
#define _GNU_SOURCE /* pipe2, F_SETPIPE_SZ */
#include <fcntl.h>
#include <libfdt.h>

#include "char-devices.h"
#include "host-test.h"

#define UART_BASE 0x10000000u
#define TYPE_NT_INTC "nt-intc"

static void nt_ignore(void *opaque, unsigned n, bool level)
{
}

static void nt_intc_init(BbObject *obj)
{
    bb_device_add_irq_in(BB_DEVICE(obj), "irq", 16, nt_ignore, obj, NULL);
}

static unsigned nt_intc_specifier(BbDevice *dev, const char *group,
                                  unsigned n, uint32_t *cells)
{
    cells[0] = n;
    return 1;
}

static void nt_intc_class_init(BbObjectClass *klass, const void *data)
{
    BbFdtIntcClass *ic = (BbFdtIntcClass *)bb_object_class_dynamic_cast(
        klass, BB_TYPE_FDT_INTC);
    ic->irq_specifier = nt_intc_specifier;
}

static const BbInterfaceInfo nt_intc_ifaces[] = {
    { BB_TYPE_FDT_INTC }, { NULL }
};

/* A PLIC stand-in: 16 inputs named <n> in a device tree. */
static const BbTypeInfo nt_intc_info = {
    .name = TYPE_NT_INTC,
    .parent = BB_TYPE_DEVICE,
    .instance_init = nt_intc_init,
    .class_init = nt_intc_class_init,
    .interfaces = nt_intc_ifaces,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &ns16550a_info,
                                               &nt_intc_info };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

/* ----------------------------------------------------------------- rig */

typedef struct Rig {
    BbSystem *sys;
    BbObject *root;
    BbDevice *uart;
    BbDevice *intc;
    int in[2], out[2]; /* pipes: input to the UART, output from it */
} Rig;

static BbObject *add(BbObject *parent, const char *name, const char *type)
{
    GError *err = NULL;
    BbObject *o = bb_object_new(type, &err);

    assert_no_error(err);
    assert_true(bb_object_add_child(parent, name, o, &err));
    bb_object_unref(o);
    return o;
}

/* A machine with a UART on fd:IN,OUT pipes and its IRQ on intc input 10;
 * the UART not yet realized. */
static void rig_init(Rig *r)
{
    BbSystemOptions opts = { .icount = true };
    GError *err = NULL;

    r->sys = bb_system_new(&opts);
    r->root = bb_object_new(BB_TYPE_CONTAINER, &err);
    BbMachine *m = BB_MACHINE(add(r->root, "machine", BB_TYPE_MACHINE));
    m->system = r->sys;
    r->intc = BB_DEVICE(add(BB_OBJECT(m), "plic", TYPE_NT_INTC));
    r->uart = BB_DEVICE(add(BB_OBJECT(m), "uart0", TYPE_NS16550A));
    assert_int_equal(pipe2(r->in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(r->out, O_CLOEXEC), 0);
    /* The smallest pipe, so back-pressure comes soon. */
    assert_true(fcntl(r->out[1], F_SETPIPE_SZ, 4096) > 0);
    g_autofree char *spec = g_strdup_printf("fd:%d,%d", r->in[0],
                                            r->out[1]);
    assert_true(bb_system_add_chardev(r->sys, "serial0", spec, &err));
    assert_true(bb_object_set_str(BB_OBJECT(r->uart), "chardev", "serial0",
                                  &err));
    assert_true(bb_device_add_reg(r->uart, UART_BASE, 0x100, &err));
    assert_true(bb_device_realize(r->intc, &err));
    assert_no_error(err);
    assert_true(bb_system_set_run_state(r->sys, BB_RUN_STATE_RUNNING, NULL));
}

static void rig_realize(Rig *r)
{
    GError *err = NULL;

    assert_true(bb_device_realize(r->uart, &err)); /* the host maps it */
    assert_no_error(err);
    assert_true(bb_irq_connect(bb_device_get_irq_out(r->uart, "irq", 0),
                               bb_device_get_irq_in(r->intc, "irq", 10),
                               &err));
    assert_no_error(err);
}

static void rig_free(Rig *r)
{
    bb_object_unref(r->root);
    bb_system_free(r->sys);
    for (int i = 0; i < 2; i++) {
        close(r->in[i]);
        close(r->out[i]);
    }
}

static uint8_t rd(Rig *r, unsigned reg)
{
    uint64_t v = 0;

    assert_int_equal(bb_address_space_load(bb_system_get_address_space(
                                               r->sys),
                                           UART_BASE + reg, 1, &v),
                     BB_MEMTX_OK);
    return (uint8_t)v;
}

static void wr(Rig *r, unsigned reg, uint8_t v)
{
    assert_int_equal(bb_address_space_store(bb_system_get_address_space(
                                                r->sys),
                                            UART_BASE + reg, 1, v),
                     BB_MEMTX_OK);
}

static bool irq_level(Rig *r)
{
    return bb_irq_out_get(bb_device_get_irq_out(r->uart, "irq", 0));
}

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 7 + (i >> 8));
}

/* ------------------------------------------------------------- output */

/* A stalled reader keeps bytes in the TX FIFO (THRE, TEMT clear) until
 * write_ready; then they all go out, in order, and THRE comes back with
 * its interrupt.  A THR write to the full FIFO is dropped. */
static void tx_back_pressure_loses_nothing(void **state)
{
    Rig r;
    size_t sent = 0;

    rig_init(&r);
    rig_realize(&r);
    wr(&r, 3, 0x03);
    wr(&r, 2, 0x07);                       /* FIFOs on */
    wr(&r, 1, 0x02);                       /* ETBEI */
    assert_int_equal(rd(&r, 2), 0xc2);
    /* Nobody reads the pipe: fill it and the backend's 64 KiB queue. */
    while (rd(&r, 5) & 0x20) {
        assert_true(sent < 1024 * 1024);
        wr(&r, 0, pattern(sent++));
    }
    assert_true(sent > 64 * 1024);
    assert_int_equal(rd(&r, 5), 0x00);     /* THRE and TEMT clear */
    assert_false(irq_level(&r));           /* no THR-empty request */
    assert_int_equal(rd(&r, 2), 0xc1);
    /* One byte is in the FIFO; 15 more fit, the next one does not. */
    for (int i = 0; i < 15; i++) {
        wr(&r, 0, pattern(sent++));
    }
    wr(&r, 0, 0xee);                       /* dropped: guest error */
    assert_int_equal(rd(&r, 5), 0x00);

    /* Read everything while the loop runs; write_ready drains the FIFO. */
    g_autoptr(GByteArray) got = g_byte_array_new();
    BbMainLoop *loop = bb_system_get_main_loop(r.sys);
    int flags = fcntl(r.out[0], F_GETFL);
    fcntl(r.out[0], F_SETFL, flags | O_NONBLOCK);
    for (int spins = 0; got->len < sent && spins < 100000; spins++) {
        uint8_t buf[4096];
        ssize_t n = read(r.out[0], buf, sizeof(buf));
        if (n > 0) {
            g_byte_array_append(got, buf, (guint)n);
        }
        bb_main_loop_iterate(loop, false);
    }
    assert_int_equal(got->len, sent);
    for (size_t i = 0; i < sent; i++) {
        if (got->data[i] != pattern(i)) {
            fail_msg("byte %zu: 0x%02x, expected 0x%02x", i, got->data[i],
                     pattern(i));
        }
    }
    assert_int_equal(rd(&r, 5), 0x60);     /* drained */
    assert_true(irq_level(&r));            /* with a THR-empty request */
    assert_int_equal(rd(&r, 2), 0xc2);
    assert_false(irq_level(&r));
    rig_free(&r);
}

/* A reset drops what a stalled backend left in the TX FIFO and reports
 * an empty transmitter; later output flows again. */
static void reset_empties_stalled_tx_fifo(void **state)
{
    Rig r;
    size_t sent = 0;

    rig_init(&r);
    rig_realize(&r);
    wr(&r, 2, 0x01);
    while (rd(&r, 5) & 0x20) {
        assert_true(sent < 1024 * 1024);
        wr(&r, 0, 'x');
        sent++;
    }
    bb_device_reset(r.uart);
    assert_int_equal(rd(&r, 5), 0x60);
    assert_int_equal(rd(&r, 2), 0x01);
    assert_false(irq_level(&r));
    rig_free(&r);
}

/* ------------------------------------------------------------ input */

/* Input is taken only as fast as the FIFO drains: 40 bytes in the pipe,
 * 16 in the FIFO however often the loop runs; reading frees room and
 * the rest follows in order. */
static void rx_flow_control_loses_nothing(void **state)
{
    Rig r;
    const char *msg = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
    BbMainLoop *loop;
    g_autoptr(GString) got = g_string_new(NULL);

    rig_init(&r);
    rig_realize(&r);
    loop = bb_system_get_main_loop(r.sys);
    wr(&r, 2, 0xc7);                       /* FIFOs, trigger 14 */
    wr(&r, 1, 0x01);
    assert_int_equal(write(r.in[1], msg, strlen(msg)), (ssize_t)strlen(msg));
    for (int i = 0; i < 20; i++) {
        bb_main_loop_iterate(loop, false);
    }
    assert_true(irq_level(&r));
    assert_int_equal(rd(&r, 2), 0xc4);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(rd(&r, 5) & 0x01, 1);
        g_string_append_c(got, (char)rd(&r, 0));
    }
    assert_int_equal(rd(&r, 5), 0x60);     /* exactly 16 were taken */
    for (int spins = 0; got->len < strlen(msg) && spins < 1000; spins++) {
        bb_main_loop_iterate(loop, false);
        while (rd(&r, 5) & 0x01) {
            g_string_append_c(got, (char)rd(&r, 0));
        }
    }
    assert_string_equal(got->str, msg);
    rig_free(&r);
}

/* -------------------------------------------------------- device tree */

static void fdt_node_matches_qemu(void **state)
{
    Rig r;
    GError *err = NULL;
    int len;

    rig_init(&r);
    rig_realize(&r);
    g_autofree char *path = bb_object_get_prop(BB_OBJECT(r.uart),
                                               "fdt-path", &err);
    assert_no_error(err);
    assert_string_equal(path, "/soc/serial@10000000");

    BbFdt *fdt = bb_fdt_new();
    assert_true(bb_device_fdt_populate(r.uart, fdt, &err));
    assert_no_error(err);
    const void *blob = bb_fdt_get_blob(fdt, NULL);
    int off = fdt_path_offset(blob, path);
    assert_true(off >= 0);
    const char *compat = fdt_getprop(blob, off, "compatible", &len);
    assert_int_equal(len, sizeof("ns16550a"));
    assert_string_equal(compat, "ns16550a");
    const fdt32_t *reg = fdt_getprop(blob, off, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(reg[0]), 0);
    assert_int_equal(fdt32_to_cpu(reg[1]), UART_BASE);
    assert_int_equal(fdt32_to_cpu(reg[2]), 0);
    assert_int_equal(fdt32_to_cpu(reg[3]), 0x100);
    const fdt32_t *v = fdt_getprop(blob, off, "clock-frequency", &len);
    assert_int_equal(len, 4);
    assert_int_equal(fdt32_to_cpu(*v), 3686400);
    v = fdt_getprop(blob, off, "interrupts", &len);
    assert_int_equal(len, 4);
    assert_int_equal(fdt32_to_cpu(*v), 10);
    v = fdt_getprop(blob, off, "interrupt-parent", &len);
    assert_int_equal(len, 4);
    assert_int_equal(fdt32_to_cpu(*v),
                     bb_fdt_phandle(fdt, BB_OBJECT(r.intc)));
    bb_fdt_free(fdt);
    rig_free(&r);
}

/* -------------------------------------------------------------- state */

/* The state description fits the instance and round-trips the registers
 * and FIFO contents. */
static void state_round_trips(void **state)
{
    Rig r;
    GError *err = NULL;
    g_autoptr(GByteArray) saved = g_byte_array_new();

    rig_init(&r);
    rig_realize(&r);
    const BbStateDesc *desc = BB_DEVICE_GET_CLASS(r.uart)->state;
    assert_non_null(desc);
    assert_true(bb_state_validate(desc, ns16550a_info.instance_size, &err));
    wr(&r, 7, 0x5a);
    wr(&r, 2, 0x01);
    wr(&r, 4, 0x10);                       /* loopback */
    wr(&r, 0, 0x31);
    wr(&r, 0, 0x32);
    assert_true(bb_state_save(desc, r.uart, saved, &err));
    bb_device_reset(r.uart);
    assert_int_equal(rd(&r, 7), 0x00);
    assert_true(bb_state_load(desc, r.uart, saved->data, saved->len, &err));
    assert_no_error(err);
    assert_int_equal(rd(&r, 7), 0x5a);
    assert_int_equal(rd(&r, 4), 0x10);
    assert_int_equal(rd(&r, 0), 0x31);
    assert_int_equal(rd(&r, 0), 0x32);
    assert_int_equal(rd(&r, 5), 0x60);
    rig_free(&r);
}

/* ------------------------------------------------------------ realize */

static void realize_refuses_a_board_fdt_path(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    assert_true(bb_object_set_str(BB_OBJECT(r.uart), "fdt-path", "/x",
                                  &err));
    assert_false(bb_device_realize(r.uart, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'fdt-path' is set by the device");
    g_error_free(err);
    rig_free(&r);
}

static void realize_needs_one_range(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    assert_true(bb_device_add_reg(r.uart, 0x20000000, 0x100, &err));
    assert_false(bb_device_realize(r.uart, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "exactly one address range, not 2");
    g_error_free(err);
    rig_free(&r);
}

static void realize_reports_a_bad_chardev(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    assert_true(bb_object_set_str(BB_OBJECT(r.uart), "chardev",
                                  "nonsense:x", &err));
    assert_false(bb_device_realize(r.uart, &err));
    assert_contains(err->message, "unknown backend kind 'nonsense'");
    g_error_free(err);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tx_back_pressure_loses_nothing),
        cmocka_unit_test(reset_empties_stalled_tx_fifo),
        cmocka_unit_test(rx_flow_control_loses_nothing),
        cmocka_unit_test(fdt_node_matches_qemu),
        cmocka_unit_test(state_round_trips),
        cmocka_unit_test(realize_refuses_a_board_fdt_path),
        cmocka_unit_test(realize_needs_one_range),
        cmocka_unit_test(realize_reports_a_bad_chardev),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
