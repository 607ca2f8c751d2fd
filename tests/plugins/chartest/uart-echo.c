/*
 * uart-echo.c - the "chartest" plugin's "uart-echo": a bus master that
 * plays a small 16550 driver for device tests, so that a large stream can
 * go through a UART with no CPU (tests/devices/uart-bulk).  After each
 * reset it programs the UART at "base" through the system address space
 * (divisor 2, 8N1, FIFOs with an 8-byte trigger, IER.ERBFI) once the
 * system runs, then every "period-ns" of virtual time it
 *   - checks that its "irq" input (the UART's interrupt) is high exactly
 *     when IIR says an interrupt is pending;
 *   - on a received-data or character-timeout cause, reads RBR while
 *     LSR.DR, at most "burst" bytes (a slow driver, so the input must
 *     wait for the FIFO), into a buffer of its own (and stops reading
 *     when that is full, so back-pressure reaches the backend);
 *   - while LSR.THRE, writes up to 16 buffered bytes to THR.
 * Once "count" bytes went out it raises its "done" output (a tester probe
 * line).  A broken invariant prints "uart-echo: ..." and fails the run
 * with exit code 1.
 */
#include <inttypes.h>

#include <breadboard/breadboard.h>

#define TYPE_UART_ECHO "uart-echo"
#define ECHO_BUF 4096

typedef struct UartEcho {
    BbDevice parent_obj;
    uint64_t base;         /* property: UART registers */
    uint64_t count;        /* property: bytes to echo before "done" */
    uint64_t period;       /* property: poll period in ns */
    uint32_t burst;        /* property: RBR reads per poll, 0: no limit */
    BbTimer *timer;
    uint8_t buf[ECHO_BUF]; /* received, not yet written to THR */
    size_t head, len;
    uint64_t echoed;       /* bytes written to THR since reset */
    bool configured;       /* the UART was programmed since reset */
    bool failed;
} UartEcho;

BB_DECLARE_TYPE(UartEcho, BbDeviceClass, UART_ECHO, TYPE_UART_ECHO)

static BbSystem *echo_system(UartEcho *s)
{
    return bb_device_get_system(BB_DEVICE(s));
}

static void echo_fail(UartEcho *s, const char *msg, uint64_t v)
{
    g_printerr("uart-echo: %s (0x%" PRIx64 ") after %" PRIu64 " bytes\n",
               msg, v, s->echoed);
    s->failed = true;
    bb_system_request_shutdown(echo_system(s), BB_SHUTDOWN_GUEST_FAILURE, 1);
}

static bool echo_load(UartEcho *s, unsigned reg, uint64_t *v)
{
    BbAddressSpace *as = bb_system_get_address_space(echo_system(s));

    if (bb_address_space_load(as, s->base + reg, 1, v) != BB_MEMTX_OK) {
        echo_fail(s, "load failed at register", reg);
        return false;
    }
    return true;
}

static bool echo_store(UartEcho *s, unsigned reg, uint8_t v)
{
    BbAddressSpace *as = bb_system_get_address_space(echo_system(s));

    if (bb_address_space_store(as, s->base + reg, 1, v) != BB_MEMTX_OK) {
        echo_fail(s, "store failed at register", reg);
        return false;
    }
    return true;
}

/* Read RBR while LSR.DR and there is room. */
static bool echo_drain_rx(UartEcho *s)
{
    uint64_t lsr, v;

    for (uint32_t n = 0; s->len < ECHO_BUF && (!s->burst || n < s->burst);
         n++) {
        if (!echo_load(s, 5, &lsr)) {
            return false;
        }
        if (!(lsr & 0x01)) {
            return true;
        }
        if (!echo_load(s, 0, &v)) {
            return false;
        }
        s->buf[(s->head + s->len) % ECHO_BUF] = (uint8_t)v;
        s->len++;
    }
    return true;
}

/* Write up to a FIFO's worth while LSR.THRE. */
static bool echo_fill_tx(UartEcho *s)
{
    uint64_t lsr;

    if (!s->len || !echo_load(s, 5, &lsr)) {
        return !s->failed;
    }
    if (!(lsr & 0x20)) {
        return true; /* the backend is slow: come back later */
    }
    for (int i = 0; i < 16 && s->len; i++) {
        if (!echo_store(s, 0, s->buf[s->head])) {
            return false;
        }
        s->head = (s->head + 1) % ECHO_BUF;
        s->len--;
        s->echoed++;
    }
    return true;
}

/* Program the UART as a driver would at start-up. */
static bool echo_setup(UartEcho *s)
{
    static const uint8_t setup[][2] = {
        { 3, 0x83 }, { 0, 2 }, { 1, 0 }, /* DLAB: divisor 2 */
        { 3, 0x03 },                     /* 8N1 */
        { 2, 0x87 },                     /* FIFOs, reset, trigger 8 */
        { 1, 0x01 },                     /* IER.ERBFI */
    };

    for (size_t i = 0; i < G_N_ELEMENTS(setup); i++) {
        if (!echo_store(s, setup[i][0], setup[i][1])) {
            return false;
        }
    }
    s->configured = true;
    return true;
}

static void echo_tick(void *opaque)
{
    UartEcho *s = opaque;
    BbDevice *dev = BB_DEVICE(s);
    bool level = bb_irq_in_get_level(bb_device_get_irq_in(dev, "irq", 0));
    uint64_t iir;

    if (s->failed || (!s->configured && !echo_setup(s)) ||
        !echo_load(s, 2, &iir)) {
        return;
    }
    if (!(iir & 1) != level) {
        echo_fail(s, level ? "IRQ line high but IIR shows nothing pending"
                           : "IRQ line low but IIR shows a cause", iir);
        return;
    }
    if ((iir & 0x0f) == 0x04 || (iir & 0x0f) == 0x0c) {
        if (!echo_drain_rx(s)) {
            return;
        }
    } else if ((iir & 0x0f) != 0x01) {
        echo_fail(s, "unexpected IIR cause", iir);
        return;
    }
    if (!echo_fill_tx(s)) {
        return;
    }
    if (s->echoed > s->count) {
        echo_fail(s, "more bytes than expected", s->echoed);
        return;
    }
    bb_irq_out_set(bb_device_get_irq_out(dev, "done", 0),
                   s->echoed == s->count);
    bb_timer_mod(s->timer, bb_clock_get_ns(bb_system_get_timers(
                               echo_system(s)), BB_CLOCK_VIRTUAL) +
                               (int64_t)s->period);
}

static void echo_irq(void *opaque, unsigned n, bool level)
{
    /* Sampled by the poll; the line only has to exist. */
}

static void echo_instance_init(BbObject *obj)
{
    BbDevice *dev = BB_DEVICE(obj);

    bb_device_add_irq_in(dev, "irq", 1, echo_irq, obj, NULL);
    bb_device_add_irq_out(dev, "done", 1, NULL);
}

static bool echo_realize(BbDevice *dev, GError **error)
{
    UartEcho *s = UART_ECHO(dev);
    BbSystem *sys = bb_device_get_system(dev);

    if (!sys || !s->period) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "uart-echo needs a system and a non-zero period-ns");
        return false;
    }
    s->timer = bb_timer_new(bb_system_get_timers(sys), BB_CLOCK_VIRTUAL,
                            echo_tick, s);
    return true;
}

static void echo_unrealize(BbDevice *dev)
{
    g_clear_pointer(&UART_ECHO(dev)->timer, bb_timer_free);
}

static void echo_reset(BbDevice *dev)
{
    UartEcho *s = UART_ECHO(dev);

    s->head = s->len = 0;
    s->echoed = 0;
    s->configured = false;
    s->failed = false;
    bb_irq_out_set(bb_device_get_irq_out(dev, "done", 0), false);
    bb_timer_mod(s->timer, bb_clock_get_ns(bb_system_get_timers(
                               echo_system(s)), BB_CLOCK_VIRTUAL));
}

static const BbPropertyInfo echo_props[] = {
    BB_PROP_UINT("base", UartEcho, base, 0x10000000,
                 "address of the UART's registers"),
    BB_PROP_UINT("count", UartEcho, count, 0,
                 "bytes to echo before raising 'done'"),
    BB_PROP_UINT("period-ns", UartEcho, period, 10000,
                 "poll period in ns of virtual time"),
    BB_PROP_UINT("burst", UartEcho, burst, 0,
                 "RBR reads per poll (0: while LSR.DR)"),
    BB_PROP_END
};

static void echo_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, echo_props);
    dc->realize = echo_realize;
    dc->unrealize = echo_unrealize;
    dc->reset = echo_reset;
}

static const BbTypeInfo uart_echo_info = {
    .name = TYPE_UART_ECHO,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(UartEcho),
    .instance_init = echo_instance_init,
    .class_init = echo_class_init,
    .description = "polling 16550 echo driver for device tests",
};

static bool chartest_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &uart_echo_info, error);
}

BB_PLUGIN_DEFINE("chartest", "1.0.0", "MIT",
                 "character-device test helpers (uart-echo)", chartest_init,
                 TYPE_UART_ECHO)
