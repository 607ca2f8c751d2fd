/*
 * ns16550a.c - "ns16550a": the NS16550A UART of QEMU's virt board
 * (reference/hardware.md 2.1; National Semiconductor PC16550D data
 * sheet), connected to a character backend (chardev.h).
 *
 * Eight byte-wide registers at offsets 0-7 (reg-shift 0, reg-io-width 1)
 * in a window the size of the board's range (0x100 on virt): other sizes
 * are bus errors, offsets 8 and up read 0 and ignore writes; both are
 * guest errors (-d guest_errors).  Rules of this model:
 * - FIFOs: 16 bytes each way with FCR bit 0 set, one byte (RBR, THR)
 *   without.  Toggling FCR bit 0 empties both FIFOs; the other FCR bits
 *   only take effect in a write that sets bit 0.
 * - Transmission is immediate: a byte written to THR goes to the backend
 *   at once, so THRE and TEMT come back at once.  When the backend is full
 *   (a slow reader), bytes stay in the TX FIFO (THRE and TEMT clear) until
 *   write_ready; a THR write to a full FIFO is dropped (guest error).  In
 *   loopback (MCR bit 4) bytes go to the RX FIFO instead.
 * - Reception is flow-controlled: the backend is offered only the free
 *   space of the RX FIFO (one byte without FIFOs, none in loopback), so no
 *   input is lost; reading RBR (or emptying the FIFO) lets it resume.
 *   Only loopback can overrun (LSR.OE; the new byte is dropped in FIFO
 *   mode and overwrites RBR without).
 * - Character timeout (IIR 0xC, FIFO mode, with IER.ERBFI): data in the
 *   RX FIFO and nothing received or read for four character times on the
 *   virtual clock, a character being start + data + parity + stop bits
 *   at clock-frequency / (16 * divisor) bits per second (divisor 0 counts
 *   as 65536).
 * - Interrupt priorities: line status (OE, BI) > character timeout >
 *   received data (FIFO level >= trigger, or DR without FIFOs) > THR empty
 *   > modem status.  THR empty is requested when the TX FIFO drains, when
 *   IER.ETBEI goes 0 -> 1 while it is empty and when it is reset; reading
 *   IIR while it reports it, writing THR or clearing ETBEI withdraws it.
 *   The "irq" output is high while any enabled cause is pending.
 * - Modem lines: outside loopback DCD, DSR and CTS are asserted (a
 *   terminal is attached; MSR 0xB0); in loopback DTR, RTS, OUT1 and OUT2
 *   drive DSR, CTS, RI and DCD, with delta bits for every change.  A break
 *   sent in loopback (LCR bit 6 set) or reported by the backend receives
 *   a zero byte with LSR.BI.
 * - Reset (QEMU's values): IER 0, IIR 0x01, LCR 0, MCR 0x08, LSR 0x60,
 *   MSR 0xB0, SCR 0, divisor 12, FIFOs off and empty (bytes still queued
 *   for a full backend are dropped), input resumed.
 * The registers are a register block (regs.h): the helper stores LCR,
 * MCR (bits 7:5 read-only zeros), MSR and SCR and logs misuse; offsets 0-2
 * (banked by LCR.DLAB, or different for reads and writes) are all hooks.
 * Its device-tree node is /soc/serial@BASE (published in the read-only
 * property "fdt-path" for the machine's /chosen/stdout-path).  Its state
 * (state.h) is every register, both FIFOs in order, the pending
 * interrupt causes and the character-timeout timer; a load re-derives
 * the IRQ line and resumes the traffic with the backend.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "char-devices.h"

#define UART_FIFO_SIZE 16
#define UART_MSR_LINES_IDLE 0xb0 /* DCD, DSR, CTS: a terminal is there */
#define UART_CHAR_TIMEOUT 4      /* character times before IIR 0xC */

/* Registers (offsets). */
enum {
    UART_RBR = 0, /* THR on write, DLL with DLAB */
    UART_IER = 1, /* DLM with DLAB */
    UART_IIR = 2, /* FCR on write */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* THR empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */

#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c
#define IIR_FIFO 0xc0

#define FCR_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define FCR_TX_RESET 0x04
#define FCR_KEPT 0xc9 /* enable, DMA mode, trigger level */

#define LCR_STOP 0x04
#define LCR_PARITY 0x08
#define LCR_BREAK 0x40
#define LCR_DLAB 0x80

#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_FIFO_ERR 0x80
#define LSR_INT_ERRORS (LSR_OE | 0x04 | 0x08 | LSR_BI) /* OE PE FE BI */

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_DELTAS 0x0f

typedef struct Ns16550a {
    BbDevice parent_obj;
    char *chardev;            /* property: backend id or spec; NULL drops */
    uint32_t clock_frequency; /* property: input clock in Hz */
    char *fdt_path;           /* read-only property: the node's path */

    BbChardev *chr;           /* NULL: output dropped, no input */
    BbTimerContext *timers;
    BbTimer *rx_timer;        /* character timeout */
    char *name;               /* canonical path, for messages */
    BbRegBlock regs;          /* uart_regs bound to this device */

    uint8_t ier;              /* bits 3:0 */
    uint8_t lcr;
    uint8_t mcr;              /* bits 4:0 */
    uint8_t lsr_err;          /* LSR OE, BI, bit 7 (the rest is computed) */
    uint8_t msr;              /* lines 7:4, deltas 3:0 */
    uint8_t scr;
    uint8_t fcr;              /* FCR_KEPT bits */
    uint16_t divisor;
    uint8_t rbr;              /* last byte read (RBR read while empty) */
    uint8_t rx_fifo[UART_FIFO_SIZE];
    uint8_t rx_head, rx_count;
    uint8_t tx_fifo[UART_FIFO_SIZE];
    uint8_t tx_head, tx_count;
    bool thri_pending;        /* THR-empty interrupt requested */
    bool timeout_pending;     /* character timeout reached */
    bool rx_stalled;          /* can_receive said 0: owe accept_input
                                 (not state: about this backend) */
    int64_t rx_last_ns;       /* last byte received or read (timeout) */
} Ns16550a;

BB_DECLARE_TYPE(Ns16550a, BbDeviceClass, NS16550A, TYPE_NS16550A)

static const char *const ns16550a_compatible[] = { "ns16550a", NULL };

static bool uart_fifo_on(const Ns16550a *s)
{
    return s->fcr & FCR_ENABLE;
}

static unsigned uart_capacity(const Ns16550a *s)
{
    return uart_fifo_on(s) ? UART_FIFO_SIZE : 1;
}

static unsigned uart_trigger(const Ns16550a *s)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };
    return levels[s->fcr >> 6];
}

/* ---------------------------------------------------------- interrupts */

/* The highest-priority enabled cause, as IIR bits 3:0. */
static uint8_t uart_cause(const Ns16550a *s)
{
    if ((s->ier & IER_ELSI) && (s->lsr_err & LSR_INT_ERRORS)) {
        return IIR_RLSI;
    }
    if ((s->ier & IER_ERBFI) && uart_fifo_on(s) && s->timeout_pending &&
        s->rx_count) {
        return IIR_CTI;
    }
    if ((s->ier & IER_ERBFI) && s->rx_count &&
        s->rx_count >= (uart_fifo_on(s) ? uart_trigger(s) : 1)) {
        return IIR_RDI;
    }
    if ((s->ier & IER_ETBEI) && s->thri_pending) {
        return IIR_THRI;
    }
    if ((s->ier & IER_EDSSI) && (s->msr & MSR_DELTAS)) {
        return IIR_MSI;
    }
    return IIR_NONE;
}

static void uart_update_irq(Ns16550a *s)
{
    bb_irq_out_set(bb_device_get_irq_out(BB_DEVICE(s), "irq", 0),
                   uart_cause(s) != IIR_NONE);
}

/* -------------------------------------------------------------- receive */

/* Four character times at the current divisor and line format, in ns
 * (rounded up). */
static int64_t uart_timeout_ns(const Ns16550a *s)
{
    unsigned data_bits = 5 + (s->lcr & 3);
    /* Half bits per character: start, data, parity, 1 / 1.5 / 2 stop. */
    uint64_t half_bits = 2 * (1 + data_bits + !!(s->lcr & LCR_PARITY)) +
                         (!(s->lcr & LCR_STOP) ? 2 : data_bits == 5 ? 3 : 4);
    uint64_t divisor = s->divisor ? s->divisor : 65536;
    /* A bit is 16 * divisor clock cycles: a half bit is 8 * divisor.  At
     * most 4 * 22 * 8 * 65536 * 10^9 < 2^56: no overflow. */
    uint64_t num = UART_CHAR_TIMEOUT * half_bits * 8 * divisor *
                   UINT64_C(1000000000);

    return (int64_t)((num + s->clock_frequency - 1) / s->clock_frequency);
}

static void uart_arm_timeout(Ns16550a *s)
{
    bb_timer_mod(s->rx_timer, s->rx_last_ns + uart_timeout_ns(s));
}

/* Restart the timeout count from now (a byte arrived or was read). */
static void uart_restart_timeout(Ns16550a *s)
{
    if (uart_fifo_on(s) && s->rx_count) {
        s->rx_last_ns = bb_clock_get_ns(s->timers, BB_CLOCK_VIRTUAL);
        uart_arm_timeout(s);
    } else {
        bb_timer_del(s->rx_timer);
    }
}

static void uart_timeout_expired(void *opaque)
{
    Ns16550a *s = opaque;

    s->timeout_pending = uart_fifo_on(s) && s->rx_count;
    uart_update_irq(s);
}

/* Let the backend deliver again if it was told there was no room. */
static void uart_rx_resume(Ns16550a *s)
{
    if (s->rx_stalled && s->chr) {
        s->rx_stalled = false;
        bb_chardev_accept_input(s->chr);
    }
}

static void uart_rx_reset(Ns16550a *s)
{
    s->rx_count = 0;
    s->rx_head = 0;
    s->timeout_pending = false;
    bb_timer_del(s->rx_timer);
    uart_rx_resume(s);
}

/* A byte arrived from the backend or the loopback path. */
static void uart_rx_put(Ns16550a *s, uint8_t byte)
{
    if (s->rx_count == uart_capacity(s)) {
        s->lsr_err |= LSR_OE;
        if (!uart_fifo_on(s)) {
            s->rx_fifo[s->rx_head] = byte; /* overwrites RBR */
        }
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
    s->rx_count++;
    /* Once a timeout is indicated, only a read clears it (data sheet). */
    if (!s->timeout_pending) {
        uart_restart_timeout(s);
    }
}

static void uart_rx_break(Ns16550a *s)
{
    uart_rx_put(s, 0);
    s->lsr_err |= LSR_BI | (uart_fifo_on(s) ? LSR_FIFO_ERR : 0);
}

static uint8_t uart_read_rbr(Ns16550a *s)
{
    if (!s->rx_count) {
        /* QEMU's answer: 0 from an empty FIFO, else the last byte. */
        return uart_fifo_on(s) ? 0 : s->rbr;
    }
    s->rbr = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
    s->rx_count--;
    s->timeout_pending = false;
    uart_restart_timeout(s);
    uart_rx_resume(s);
    return s->rbr;
}

static size_t uart_can_receive(void *opaque)
{
    Ns16550a *s = opaque;
    size_t room = (s->mcr & MCR_LOOP) ? 0 : uart_capacity(s) - s->rx_count;

    if (!room) {
        s->rx_stalled = true;
    }
    return room;
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Ns16550a *s = opaque;

    for (size_t i = 0; i < len; i++) {
        uart_rx_put(s, buf[i]);
    }
    uart_update_irq(s);
}

static void uart_event(void *opaque, BbChardevEvent event)
{
    Ns16550a *s = opaque;

    if (event == BB_CHARDEV_BREAK && !(s->mcr & MCR_LOOP)) {
        uart_rx_break(s);
        uart_update_irq(s);
    }
}

/* ------------------------------------------------------------- transmit */

/* Send what the TX FIFO holds, as far as the backend takes it. */
static void uart_tx_flush(Ns16550a *s)
{
    if (!s->tx_count) {
        return;
    }
    while (s->tx_count) {
        unsigned chunk = MIN(s->tx_count, UART_FIFO_SIZE - s->tx_head);
        size_t n = chunk;

        if (s->mcr & MCR_LOOP) {
            for (unsigned i = 0; i < chunk; i++) {
                uart_rx_put(s, s->tx_fifo[s->tx_head + i]);
            }
        } else if (s->chr) {
            n = bb_chardev_write(s->chr, &s->tx_fifo[s->tx_head], chunk);
        }
        s->tx_head = (s->tx_head + n) % UART_FIFO_SIZE;
        s->tx_count -= n;
        if (n < chunk) {
            return; /* backend full: write_ready will call again */
        }
    }
    s->tx_head = 0;
    if (s->ier & IER_ETBEI) {
        s->thri_pending = true; /* the transmitter drained */
    }
}

static void uart_tx_reset(Ns16550a *s)
{
    s->tx_count = 0;
    s->tx_head = 0;
    s->thri_pending = s->ier & IER_ETBEI;
}

static void uart_write_thr(Ns16550a *s, uint8_t byte)
{
    s->thri_pending = false;
    if (s->tx_count == uart_capacity(s)) {
        bb_guest_error("%s: THR written while the transmitter is full "
                       "(LSR.THRE clear); byte 0x%02x dropped", s->name,
                       byte);
        return;
    }
    s->tx_fifo[(s->tx_head + s->tx_count) % UART_FIFO_SIZE] = byte;
    s->tx_count++;
    uart_tx_flush(s);
}

static void uart_write_ready(void *opaque)
{
    Ns16550a *s = opaque;

    uart_tx_flush(s);
    uart_update_irq(s);
}

static const BbChardevHandlers uart_chardev_handlers = {
    .can_receive = uart_can_receive,
    .receive = uart_receive,
    .event = uart_event,
    .write_ready = uart_write_ready,
};

/* ---------------------------------------------------------- modem lines */

/* The input lines MSR 7:4 show: looped back from MCR, or a terminal. */
static uint8_t uart_msr_lines(const Ns16550a *s)
{
    uint8_t m = s->mcr;

    if (!(m & MCR_LOOP)) {
        return UART_MSR_LINES_IDLE;
    }
    return (m & 0x01 ? MSR_DSR : 0) | (m & 0x02 ? MSR_CTS : 0) |
           (m & 0x04 ? MSR_RI : 0) | (m & 0x08 ? MSR_DCD : 0);
}

static void uart_update_msr(Ns16550a *s)
{
    uint8_t old = s->msr, now = uart_msr_lines(s);
    uint8_t delta = old & MSR_DELTAS;

    delta |= ((old ^ now) & MSR_CTS) ? MSR_DCTS : 0;
    delta |= ((old ^ now) & MSR_DSR) ? MSR_DDSR : 0;
    delta |= ((old & ~now) & MSR_RI) ? MSR_TERI : 0; /* trailing edge */
    delta |= ((old ^ now) & MSR_DCD) ? MSR_DDCD : 0;
    s->msr = now | delta;
}

/* ------------------------------------------------------------ registers */

/* Offsets 0 and 1 are RBR/THR and IER with LCR.DLAB clear, the divisor
 * latch with it set. */
static uint64_t uart_rbr_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Ns16550a *s = opaque;

    if (s->lcr & LCR_DLAB) {
        return s->divisor & 0xff;
    }
    v = uart_read_rbr(s);
    uart_update_irq(s);
    return v;
}

static uint64_t uart_ier_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Ns16550a *s = opaque;

    return (s->lcr & LCR_DLAB) ? s->divisor >> 8 : s->ier;
}

static void uart_write_divisor(Ns16550a *s, unsigned shift, uint8_t v)
{
    s->divisor = (uint16_t)((s->divisor & ~(0xff << shift)) | v << shift);
    if (bb_timer_is_pending(s->rx_timer)) {
        uart_arm_timeout(s); /* the character time changed */
    }
}

static void uart_thr_write(void *opaque, const BbRegInfo *reg, uint64_t old,
                           uint64_t v)
{
    Ns16550a *s = opaque;

    if (s->lcr & LCR_DLAB) {
        uart_write_divisor(s, 0, v);
    } else {
        uart_write_thr(s, v);
    }
    uart_update_irq(s);
}

static void uart_ier_write(void *opaque, const BbRegInfo *reg, uint64_t old,
                           uint64_t v)
{
    Ns16550a *s = opaque;
    uint8_t was = s->ier;

    if (s->lcr & LCR_DLAB) {
        uart_write_divisor(s, 8, v);
        return;
    }
    s->ier = v & 0x0f;
    if (!(s->ier & IER_ETBEI)) {
        s->thri_pending = false;
    } else if (!(was & IER_ETBEI) && !s->tx_count) {
        s->thri_pending = true; /* enabled while THR is empty */
    }
    uart_update_irq(s);
}

static uint64_t uart_iir_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Ns16550a *s = opaque;
    uint8_t cause = uart_cause(s);

    if (cause == IIR_THRI) {
        s->thri_pending = false; /* reading the cause withdraws it */
    }
    uart_update_irq(s);
    return cause | (uart_fifo_on(s) ? IIR_FIFO : 0);
}

static void uart_fcr_write(void *opaque, const BbRegInfo *reg, uint64_t old,
                           uint64_t v)
{
    Ns16550a *s = opaque;

    if ((v ^ s->fcr) & FCR_ENABLE) {
        /* Switching the FIFOs on or off empties both. */
        s->fcr = 0;
        uart_rx_reset(s);
        uart_tx_reset(s);
    }
    if (!(v & FCR_ENABLE)) {
        s->fcr = 0; /* the other bits are only written with bit 0 set */
    } else {
        s->fcr = v & FCR_KEPT;
        if (v & FCR_RX_RESET) {
            uart_rx_reset(s);
        }
        if (v & FCR_TX_RESET) {
            uart_tx_reset(s);
        }
    }
    uart_update_irq(s);
}

static void uart_lcr_write(void *opaque, const BbRegInfo *reg, uint64_t old,
                           uint64_t v)
{
    Ns16550a *s = opaque;

    if ((s->mcr & MCR_LOOP) && (v & ~old & LCR_BREAK)) {
        uart_rx_break(s); /* a break sent in loopback is received */
        uart_update_irq(s);
    }
    if (bb_timer_is_pending(s->rx_timer)) {
        uart_arm_timeout(s); /* the character time changed */
    }
}

static void uart_mcr_write(void *opaque, const BbRegInfo *reg, uint64_t old,
                           uint64_t v)
{
    Ns16550a *s = opaque;

    uart_update_msr(s);
    if ((old & MCR_LOOP) && !(v & MCR_LOOP)) {
        uart_rx_resume(s); /* the backend may deliver again */
    }
    uart_update_irq(s);
}

static uint64_t uart_lsr_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Ns16550a *s = opaque;

    v = s->lsr_err | (s->rx_count ? LSR_DR : 0) |
        (s->tx_count ? 0 : LSR_THRE | LSR_TEMT);
    s->lsr_err = 0; /* reading clears OE, BI and the FIFO error */
    uart_update_irq(s);
    return v;
}

static uint64_t uart_msr_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Ns16550a *s = opaque;

    s->msr &= ~MSR_DELTAS; /* reading clears the deltas */
    uart_update_irq(s);
    return v;
}

/* Names are the read side's (THR, FCR and the divisor latch share them). */
static const BbRegInfo uart_regs[] = {
    { .name = "RBR", .addr = UART_RBR, .size = 1,
      .read = uart_rbr_read, .post_write = uart_thr_write },
    { .name = "IER", .addr = UART_IER, .size = 1,
      .read = uart_ier_read, .post_write = uart_ier_write },
    { .name = "IIR", .addr = UART_IIR, .size = 1,
      .read = uart_iir_read, .post_write = uart_fcr_write },
    { .name = "LCR", .addr = UART_LCR, .size = 1,
      BB_REG_FIELD(Ns16550a, lcr), .post_write = uart_lcr_write },
    { .name = "MCR", .addr = UART_MCR, .size = 1,
      BB_REG_FIELD(Ns16550a, mcr), .reset = 0x08, /* OUT2, as QEMU */
      .ro_mask = (uint8_t)~MCR_MASK, .post_write = uart_mcr_write },
    { .name = "LSR", .addr = UART_LSR, .size = 1, .ro_mask = BB_REG_ALL,
      .read = uart_lsr_read },
    { .name = "MSR", .addr = UART_MSR, .size = 1,
      BB_REG_FIELD(Ns16550a, msr), .reset = UART_MSR_LINES_IDLE,
      .ro_mask = BB_REG_ALL, .read = uart_msr_read },
    { .name = "SCR", .addr = UART_SCR, .size = 1,
      BB_REG_FIELD(Ns16550a, scr) },
    BB_REG_END
};

/* reg-io-width 1: other sizes are bus errors (the core logs them). */
static const BbMemoryAccessRules uart_valid = { .min_access_size = 1,
                                                .max_access_size = 1 };

/* ----------------------------------------------------------- life cycle */

static void uart_instance_init(BbObject *obj)
{
    /* Cannot fail: a fresh name and one line. */
    bb_device_add_irq_out(BB_DEVICE(obj), "irq", 1, NULL);
}

static bool uart_realize(BbDevice *dev, GError **error)
{
    Ns16550a *s = NS16550A(dev);
    BbSystem *sys = bb_device_get_system(dev);
    uint64_t base, size;

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "ns16550a needs a machine with a system above it");
        return false;
    }
    if (bb_device_get_reg_count(dev) != 1 ||
        !bb_device_get_reg(dev, 0, &base, &size)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "ns16550a needs exactly one address range, not %u",
                    bb_device_get_reg_count(dev));
        return false;
    }
    /* The region first: nothing to undo if it cannot be made. */
    const char *id = bb_object_get_name(BB_OBJECT(dev));
    BbMemoryRegion *mr = NULL;
    if (!bb_reg_block_init(&s->regs, BB_OBJECT(dev), uart_regs,
                           BB_ENDIAN_LITTLE, s, error) ||
        !(mr = bb_reg_block_new_region(&s->regs, id ? id : TYPE_NS16550A,
                                       size, &uart_valid, error))) {
        return false;
    }
    bb_device_init_mmio(dev, mr);
    bb_memory_region_unref(mr);
    if (s->chardev) {
        s->chr = bb_system_get_chardev(sys, s->chardev, error);
        if (!s->chr) {
            return false;
        }
    }
    s->name = bb_object_get_canonical_path(BB_OBJECT(dev));
    g_free(s->fdt_path);
    s->fdt_path = g_strdup_printf("/soc/serial@%" PRIx64, base);
    s->timers = bb_system_get_timers(sys);
    s->rx_timer = bb_timer_new(s->timers, BB_CLOCK_VIRTUAL,
                               uart_timeout_expired, s);
    if (s->chr) {
        bb_chardev_set_handlers(s->chr, &uart_chardev_handlers, s);
    }
    return true;
}

static void uart_unrealize(BbDevice *dev)
{
    Ns16550a *s = NS16550A(dev);

    if (s->chr) {
        bb_chardev_set_handlers(s->chr, NULL, NULL);
        s->chr = NULL;
    }
    g_clear_pointer(&s->rx_timer, bb_timer_free);
    g_clear_pointer(&s->name, g_free);
    g_clear_pointer(&s->fdt_path, g_free);
}

static void uart_reset(BbDevice *dev)
{
    Ns16550a *s = NS16550A(dev);

    bb_reg_block_reset(&s->regs); /* LCR, MCR, MSR, SCR */
    s->ier = 0;
    s->lsr_err = 0;
    s->fcr = 0;
    s->divisor = 12;
    s->rbr = 0;
    uart_tx_reset(s); /* before the RX reset: IER is 0, no THRI */
    uart_rx_reset(s); /* also resumes input the full FIFO held back */
    uart_update_irq(s);
}

static bool uart_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    Ns16550a *s = NS16550A(dev);
    const char *path = s->fdt_path;

    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   ns16550a_compatible, error) &&
           bb_device_fdt_reg_prop(dev, fdt, path, error) &&
           bb_fdt_set_prop_u32(fdt, path, "clock-frequency",
                               s->clock_frequency, error) &&
           bb_device_fdt_interrupts(dev, fdt, path, "irq", false, error);
}

/* ---------------------------------------------------------------- state */

/* Rotate a ring of UART_FIFO_SIZE bytes so its oldest byte is at index 0:
 * the stream holds a FIFO's bytes in order, not our ring position. */
static void uart_fifo_linearize(uint8_t *fifo, uint8_t *head)
{
    uint8_t tmp[UART_FIFO_SIZE];

    for (unsigned i = 0; i < UART_FIFO_SIZE; i++) {
        tmp[i] = fifo[(*head + i) % UART_FIFO_SIZE];
    }
    memcpy(fifo, tmp, sizeof(tmp));
    *head = 0;
}

static void uart_pre_save(void *opaque)
{
    Ns16550a *s = opaque;

    uart_fifo_linearize(s->rx_fifo, &s->rx_head);
    uart_fifo_linearize(s->tx_fifo, &s->tx_head);
}

/* Set @error to a state refusal; returns false. */
G_GNUC_PRINTF(2, 3)
static bool uart_refuse(GError **error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, BB_DEVICE_ERROR, BB_ERROR_INVALID, msg);
    return false;
}

/* Whether the loaded fields are a state this model can be in: each rule
 * is an invariant the register and FIFO code keeps. */
static bool uart_check_state(const Ns16550a *s, GError **error)
{
    bool rx_timing = bb_timer_is_pending(s->rx_timer);
    bool rx_data = uart_fifo_on(s) && s->rx_count;
    unsigned cap = uart_capacity(s);

    if (s->ier & ~0x0f) {
        return uart_refuse(error, "IER 0x%02x: bits 7:4 are always zero",
                           s->ier);
    }
    if (s->mcr & ~MCR_MASK) {
        return uart_refuse(error, "MCR 0x%02x: bits 7:5 are always zero",
                           s->mcr);
    }
    if (s->fcr & ~FCR_KEPT) {
        return uart_refuse(error, "FCR 0x%02x: only bits 7:6, 3 and 0 are "
                           "kept", s->fcr);
    }
    if (s->lsr_err & ~(LSR_OE | LSR_BI | LSR_FIFO_ERR)) {
        return uart_refuse(error, "LSR errors 0x%02x: only OE, BI and bit 7 "
                           "are ever set", s->lsr_err);
    }
    if ((s->msr & ~MSR_DELTAS) != uart_msr_lines(s)) {
        return uart_refuse(error, "MSR 0x%02x: the modem lines do not "
                           "follow MCR 0x%02x (lines 0x%02x expected)",
                           s->msr, s->mcr, uart_msr_lines(s));
    }
    if (s->rx_count > cap || s->tx_count > cap) {
        bool rx = s->rx_count > cap;
        return uart_refuse(error, "%s FIFO holds %u bytes, at most %u with "
                           "FIFOs %s", rx ? "RX" : "TX",
                           rx ? s->rx_count : s->tx_count, cap,
                           uart_fifo_on(s) ? "on" : "off");
    }
    if ((s->timeout_pending || rx_timing) && !rx_data) {
        return uart_refuse(error, "character timeout %s without data in the "
                           "RX FIFO",
                           s->timeout_pending ? "reached" : "armed");
    }
    if (rx_data && !rx_timing && !s->timeout_pending) {
        return uart_refuse(error, "%u bytes in the RX FIFO, but the "
                           "character timeout is neither armed nor reached",
                           s->rx_count);
    }
    if (s->thri_pending && (!(s->ier & IER_ETBEI) || s->tx_count)) {
        return uart_refuse(error, "THR-empty interrupt requested with %s",
                           s->tx_count ? "bytes in the TX FIFO"
                                       : "IER.ETBEI clear");
    }
    return true;
}

/* The fields (and the timeout timer) are loaded: refuse what the UART
 * cannot hold, then re-derive what is not saved - the IRQ line, and the
 * traffic with the backend, which (a fresh one, after a hot reload) knows
 * nothing of this UART's FIFOs: bytes still queued for output are offered
 * again, and input is invited if the RX FIFO has room. */
static bool uart_post_load(void *opaque, uint32_t version, GError **error)
{
    Ns16550a *s = opaque;

    s->rx_head = 0; /* the stream holds the FIFOs in order (pre_save) */
    s->tx_head = 0;
    if (!s->rx_timer) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "the UART is not realized");
        return false;
    }
    if (!uart_check_state(s, error)) {
        return false;
    }
    uart_tx_flush(s);
    s->rx_stalled = true; /* whatever the backend was told before */
    uart_rx_resume(s);
    uart_update_irq(s);
    return true;
}

/* Configuration (chardev, clock-frequency, fdt-path), the backend and
 * timer handles and rx_stalled (bookkeeping with the backend) are not
 * state.  The FIFOs are saved in order, their size fixed at
 * UART_FIFO_SIZE: a stream holding more is refused.  The timer's deadline
 * is kept as saved (a UART with another clock-frequency finishes the
 * running timeout on time and times later ones at its own rate);
 * rx_last_ns is what a change of divisor or LCR re-times it from.
 * Version 1 (ABI 1.x) saved the rings raw and not the timer: refused. */
static const BbStateField uart_state_fields[] = {
    BB_STATE_U8(Ns16550a, ier),
    BB_STATE_U8(Ns16550a, lcr),
    BB_STATE_U8(Ns16550a, mcr),
    BB_STATE_U8(Ns16550a, lsr_err),
    BB_STATE_U8(Ns16550a, msr),
    BB_STATE_U8(Ns16550a, scr),
    BB_STATE_U8(Ns16550a, fcr),
    BB_STATE_U16(Ns16550a, divisor),
    BB_STATE_U8(Ns16550a, rbr),
    BB_STATE_VARRAY(BB_STATE_U8, Ns16550a, rx_fifo, rx_count),
    BB_STATE_VARRAY(BB_STATE_U8, Ns16550a, tx_fifo, tx_count),
    BB_STATE_BOOL(Ns16550a, thri_pending),
    BB_STATE_BOOL(Ns16550a, timeout_pending),
    BB_STATE_I64(Ns16550a, rx_last_ns),
    BB_STATE_TIMER(Ns16550a, rx_timer),
    BB_STATE_END
};

static const BbStateDesc uart_state = {
    .name = TYPE_NS16550A,
    .version = 2,
    .min_version = 2,
    .fields = uart_state_fields,
    .size = sizeof(Ns16550a),
    .pre_save = uart_pre_save,
    .post_load = uart_post_load,
};

static const BbPropertyInfo uart_props[] = {
    BB_PROP_STRING("chardev", Ns16550a, chardev, NULL,
                   "character backend (chardev id or spec); unset: output "
                   "is dropped and there is no input"),
    BB_PROP_UINT_RANGE("clock-frequency", Ns16550a, clock_frequency,
                       3686400, 1, UINT32_MAX,
                       "input clock in Hz (baud = clock / (16 * divisor))"),
    BB_PROP_READONLY("fdt-path", BB_PROP_STRING, Ns16550a, fdt_path,
                     "device-tree node path, set at realize (for "
                     "/chosen/stdout-path)"),
    BB_PROP_END
};

static void uart_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, uart_props);
    dc->realize = uart_realize;
    dc->unrealize = uart_unrealize;
    dc->reset = uart_reset;
    dc->fdt_populate = uart_fdt_populate;
    dc->state = &uart_state;
    dc->reg_size = 0x100;
    bb_device_class_set_compatible(dc, ns16550a_compatible);
}

const BbTypeInfo ns16550a_info = {
    .name = TYPE_NS16550A,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(Ns16550a),
    .instance_init = uart_instance_init,
    .class_init = uart_class_init,
    .description = "NS16550A UART with 16-byte FIFOs on a character backend",
};
