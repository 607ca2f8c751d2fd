/*
 * ns16550a-test.c - unit tests of the "ns16550a" UART (plugins/char)
 * for what the script-driven device tests (tests/devices/uart-*) cannot
 * set up: output back-pressure from a backend whose reader stalls (an
 * fd backend on a pipe nobody reads), with no byte lost; its device-tree
 * node and the read-only "fdt-path"; realize errors; save and load into
 * a fresh UART checked by behaviour (an armed character timeout fires on
 * time, a THR-empty request survives, held-back output goes out) and
 * bad streams refused with the UART unchanged.  The UART is driven
 * through the system address space only, as a CPU would.
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

/* Save and load into a fresh UART of a second machine, checked by what
 * the guest then sees.  Offsets in the stream (state.h): the section
 * header is u16 name length, "ns16550a", u32 version, u32 body length;
 * then IER, LCR, MCR, LSR errors, MSR, SCR, FCR, u16 divisor, RBR, and
 * the RX FIFO as u32 count + bytes. */
#define ST_VERSION (2 + 8)
#define ST_IER (2 + 8 + 4 + 4)
#define ST_FCR (ST_IER + 6)
#define ST_RX_COUNT (ST_IER + 10)

/* Four character times of 8N1 (10 bits) at the default divisor 12 and
 * clock 3686400 Hz: 4 * 10 * 16 * 12 / 3686400 s = 2083333.3 ns, which
 * the UART rounds up. */
#define CHAR_TIMEOUT_NS 2083334

static GByteArray *uart_save(Rig *r)
{
    GByteArray *data = g_byte_array_new();
    GError *err = NULL;

    assert_true(bb_state_save(BB_DEVICE_GET_CLASS(r->uart)->state, r->uart,
                              data, &err));
    assert_no_error(err);
    return data;
}

static void uart_load(Rig *r, const GByteArray *data)
{
    GError *err = NULL;

    assert_true(bb_state_load(BB_DEVICE_GET_CLASS(r->uart)->state, r->uart,
                              data->data, data->len, &err));
    assert_no_error(err);
}

/* A load of @len bytes of @data is refused with @code and a message that
 * contains @message. */
static void uart_load_fails(Rig *r, const guint8 *data, size_t len, int code,
                            const char *message)
{
    GError *err = NULL;

    assert_false(bb_state_load(BB_DEVICE_GET_CLASS(r->uart)->state, r->uart,
                               data, len, &err));
    assert_error(err, BB_DEVICE_ERROR, code);
    assert_contains(err->message, message);
    g_error_free(err);
}

/* Virtual time passes (and due timers run). */
static void advance(Rig *r, uint64_t ns)
{
    bb_icount_account(bb_system_get_timers(r->sys), ns);
    bb_timer_context_run_due(bb_system_get_timers(r->sys));
}

static int64_t now(Rig *r)
{
    return bb_clock_get_ns(bb_system_get_timers(r->sys), BB_CLOCK_VIRTUAL);
}

/* Bytes arrive from the backend: the loop runs until the UART took
 * @n more (the loop does not move virtual time). */
static void deliver(Rig *r, const char *bytes)
{
    size_t n = strlen(bytes);
    BbMainLoop *loop = bb_system_get_main_loop(r->sys);

    assert_int_equal(write(r->in[1], bytes, n), (ssize_t)n);
    for (int i = 0; i < 50; i++) {
        bb_main_loop_iterate(loop, false);
    }
}

/* A: FIFOs on with trigger level 14, ERBFI; "abcdefghij" arrives at 0 ns
 * and 8 bytes are read (the ring's head moves to 8), then "klmnopqrst" at
 * 1000 ns: 12 bytes, below the trigger, so only the character timeout
 * can interrupt, at 1000 + CHAR_TIMEOUT_NS.  Saved half-way there. */
static GByteArray *uart_save_armed_timeout(void)
{
    Rig a;

    rig_init(&a);
    rig_realize(&a);
    wr(&a, 3, 0x03);                       /* 8N1 */
    wr(&a, 2, 0xc7);                       /* FIFOs, trigger 14 */
    wr(&a, 1, 0x01);                       /* ERBFI */
    deliver(&a, "abcdefghij");
    for (int i = 0; i < 8; i++) {
        assert_int_equal(rd(&a, 0), 'a' + i);
    }
    advance(&a, 1000);
    deliver(&a, "klmnopqrst");
    advance(&a, 500000);
    assert_false(irq_level(&a));
    assert_int_equal(rd(&a, 2), 0xc1);
    GByteArray *saved = uart_save(&a);
    rig_free(&a);
    return saved;
}

/* The loaded UART's character timeout fires at exactly the saved
 * deadline, raises the IRQ with IIR 0xC, and the bytes read back in
 * order (the ring was not at index 0 when saved). */
static void state_char_timeout_fires_after_load(void **state)
{
    Rig b;
    const int64_t deadline = 1000 + CHAR_TIMEOUT_NS;
    g_autoptr(GByteArray) saved = uart_save_armed_timeout();

    rig_init(&b);
    rig_realize(&b);
    /* the snapshot's virtual clock comes back before the devices */
    advance(&b, 501000);
    uart_load(&b, saved);
    assert_int_equal(rd(&b, 3), 0x03);
    assert_int_equal(rd(&b, 1), 0x01);
    assert_int_equal(rd(&b, 5), 0x61);     /* DR, THRE, TEMT */
    assert_int_equal(rd(&b, 2), 0xc1);
    assert_false(irq_level(&b));
    advance(&b, (uint64_t)(deadline - 1 - now(&b)));
    assert_false(irq_level(&b));
    assert_int_equal(rd(&b, 2), 0xc1);
    advance(&b, 1);
    assert_int_equal(now(&b), deadline);
    assert_true(irq_level(&b));
    assert_int_equal(rd(&b, 2), 0xcc);     /* character timeout */
    for (const char *c = "ijklmnopqrst"; *c; c++) {
        assert_int_equal(rd(&b, 5) & 0x01, 1);
        assert_int_equal(rd(&b, 0), *c);
        assert_false(irq_level(&b));       /* a read ends the timeout */
    }
    assert_int_equal(rd(&b, 5), 0x60);
    rig_free(&b);
}

/* A requested THR-empty interrupt is still requested after a load (and
 * reading IIR withdraws it); one withdrawn before the save stays away. */
static void state_thre_interrupt_survives_load(void **state)
{
    Rig a, b;

    rig_init(&a);
    rig_realize(&a);
    wr(&a, 2, 0x01);
    wr(&a, 1, 0x02);                       /* ETBEI while THR is empty */
    assert_true(irq_level(&a));
    g_autoptr(GByteArray) requested = uart_save(&a);
    assert_int_equal(rd(&a, 2), 0xc2);     /* withdraws it */
    assert_false(irq_level(&a));
    g_autoptr(GByteArray) withdrawn = uart_save(&a);
    rig_free(&a);

    rig_init(&b);
    rig_realize(&b);
    assert_false(irq_level(&b));
    uart_load(&b, requested);
    assert_true(irq_level(&b));
    assert_int_equal(rd(&b, 2), 0xc2);
    assert_false(irq_level(&b));
    assert_int_equal(rd(&b, 2), 0xc1);
    uart_load(&b, requested);              /* again: requested again */
    assert_true(irq_level(&b));
    uart_load(&b, withdrawn);
    assert_false(irq_level(&b));
    assert_int_equal(rd(&b, 2), 0xc1);
    assert_int_equal(rd(&b, 1), 0x02);
    rig_free(&b);
}

/* Bytes a stalled backend left in the TX FIFO are saved and go out to
 * the new backend after the load, in order; then THRE and its interrupt
 * come back. */
static void state_queued_output_goes_out_after_load(void **state)
{
    Rig a, b;
    size_t sent = 0;

    rig_init(&a);
    rig_realize(&a);
    wr(&a, 2, 0x01);
    wr(&a, 1, 0x02);
    while (rd(&a, 5) & 0x20) {
        assert_true(sent < 1024 * 1024);
        wr(&a, 0, pattern(sent++));
    }
    for (int i = 0; i < 15; i++) {
        wr(&a, 0, pattern(sent++));
    }
    assert_int_equal(rd(&a, 5), 0x00);     /* 16 bytes held back */
    assert_false(irq_level(&a));
    g_autoptr(GByteArray) saved = uart_save(&a);
    rig_free(&a);

    rig_init(&b);
    rig_realize(&b);
    uart_load(&b, saved);
    g_autoptr(GByteArray) got = g_byte_array_new();
    BbMainLoop *loop = bb_system_get_main_loop(b.sys);
    fcntl(b.out[0], F_SETFL, fcntl(b.out[0], F_GETFL) | O_NONBLOCK);
    for (int spins = 0; got->len < 16 && spins < 1000; spins++) {
        uint8_t buf[64];
        bb_main_loop_iterate(loop, false);
        ssize_t n = read(b.out[0], buf, sizeof(buf));
        if (n > 0) {
            g_byte_array_append(got, buf, (guint)n);
        }
    }
    assert_int_equal(got->len, 16);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(got->data[i], pattern(sent - 16 + i));
    }
    assert_int_equal(rd(&b, 5), 0x60);
    assert_true(irq_level(&b));
    assert_int_equal(rd(&b, 2), 0xc2);
    rig_free(&b);
}

/* B's state, different from A's in every register checked: SCR 0x77,
 * FIFOs off, THR-empty interrupt requested. */
static void uart_set_b(Rig *b)
{
    wr(b, 7, 0x77);
    wr(b, 1, 0x02);
    assert_true(irq_level(b));
}

static void uart_check_b(Rig *b)
{
    assert_int_equal(rd(b, 7), 0x77);
    assert_int_equal(rd(b, 1), 0x02);
    assert_int_equal(rd(b, 5), 0x60);
    assert_true(irq_level(b));
    assert_int_equal(rd(b, 2), 0x02);      /* FIFOs off, THRI (withdrawn) */
    wr(b, 1, 0x00);
    wr(b, 1, 0x02);                        /* requested again */
}

/* Truncated streams, another version, counts the arrays or the FIFOs
 * cannot hold and register values the UART never has are refused, and
 * the UART keeps its state. */
static void state_load_refuses_bad_streams(void **state)
{
    Rig b;
    g_autoptr(GByteArray) saved = uart_save_armed_timeout();
    g_autoptr(GByteArray) bad = g_byte_array_new();

    assert_int_equal(saved->data[ST_VERSION], 2);
    assert_int_equal(saved->data[ST_RX_COUNT], 12);
    rig_init(&b);
    rig_realize(&b);
    uart_set_b(&b);

    uart_load_fails(&b, saved->data, saved->len - 1, BB_ERROR_INVALID,
                    "state 'ns16550a': truncated data");
    uart_load_fails(&b, saved->data, ST_RX_COUNT + 6, BB_ERROR_INVALID,
                    "state 'ns16550a': truncated data");
    uart_check_b(&b);

    /* version 1 (ABI 1.x) kept the rings raw and no timer */
    g_byte_array_append(g_byte_array_set_size(bad, 0), saved->data,
                        saved->len);
    bad->data[ST_VERSION] = 1;
    uart_load_fails(&b, bad->data, bad->len, BB_ERROR_VERSION,
                    "state 'ns16550a': version 1 is not supported "
                    "(accepted: 2 to 2)");
    uart_check_b(&b);

    /* more bytes than the 16-byte FIFO */
    g_byte_array_append(g_byte_array_set_size(bad, 0), saved->data,
                        saved->len);
    bad->data[ST_RX_COUNT] = 17;
    uart_load_fails(&b, bad->data, bad->len, BB_ERROR_INVALID,
                    "state 'ns16550a': field 'rx_fifo': 17 elements saved, "
                    "the array holds 16");
    uart_check_b(&b);

    /* 12 bytes with the FIFOs off, where the RX buffer holds one */
    g_byte_array_append(g_byte_array_set_size(bad, 0), saved->data,
                        saved->len);
    bad->data[ST_FCR] = 0x00;
    uart_load_fails(&b, bad->data, bad->len, BB_ERROR_INVALID,
                    "state 'ns16550a': RX FIFO holds 12 bytes, at most 1 "
                    "with FIFOs off");
    uart_check_b(&b);

    /* an IER bit that does not exist */
    g_byte_array_append(g_byte_array_set_size(bad, 0), saved->data,
                        saved->len);
    bad->data[ST_IER] = 0x81;
    uart_load_fails(&b, bad->data, bad->len, BB_ERROR_INVALID,
                    "state 'ns16550a': IER 0x81: bits 7:4 are always zero");
    uart_check_b(&b);

    /* the stream itself was fine */
    advance(&b, 501000);
    uart_load(&b, saved);
    assert_int_equal(rd(&b, 7), 0x00);
    assert_int_equal(rd(&b, 2), 0xc1);
    assert_false(irq_level(&b));
    rig_free(&b);
}

/* ------------------------------------------------------------ realize */

/* "fdt-path" is read-only: a board (any string setter) is refused by
 * name, and realize publishes the path. */
static void board_cannot_set_fdt_path(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r);
    assert_false(bb_object_set_prop(BB_OBJECT(r.uart), "fdt-path", "/x",
                                    &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message, "property 'fdt-path' of "
                        "'/machine/uart0' (ns16550a) is read-only");
    g_error_free(err);
    err = NULL;
    rig_realize(&r);
    g_autofree char *path = bb_object_get_prop(BB_OBJECT(r.uart),
                                               "fdt-path", &err);
    assert_no_error(err);
    assert_string_equal(path, "/soc/serial@10000000");
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
        cmocka_unit_test(state_char_timeout_fires_after_load),
        cmocka_unit_test(state_thre_interrupt_survives_load),
        cmocka_unit_test(state_queued_output_goes_out_after_load),
        cmocka_unit_test(state_load_refuses_bad_streams),
        cmocka_unit_test(board_cannot_set_fdt_path),
        cmocka_unit_test(realize_needs_one_range),
        cmocka_unit_test(realize_reports_a_bad_chardev),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
