/*
 * uart-thre.c - the console pattern of Linux on the virt board, without
 * Linux (board tests/guest/spike-uart.yaml; run by uart-thre.sh in both
 * time modes).  Issue 12: in normal time the ns16550a console stalled
 * after a line or two of userspace output.
 *
 * Part 1 (deterministic): mip.SEIP reads as the OR of its software bit
 * and the PLIC's line, but csrrs/csrrc modify the software bit alone
 * (privileged spec 1.12, 3.1.9).  With the UART's THR-empty interrupt
 * pending (line high), `csrs mip, STIP` - what OpenSBI does in its timer
 * handler - must not latch SEIP: once the line drops, SEIP reads 0.
 *
 * Part 2 (the 8250 driver's pattern): M-mode plays OpenSBI (the machine
 * timer interrupt injects STIP with `csrs mip`; an SBI set_timer ecall
 * clears it), S-mode plays the kernel: a 100 us timer tick, and a
 * transmit ring drained by THR-empty interrupts through the PLIC's S
 * context (claim, IIR, up to 16 bytes into THR, ETBEI off when the ring
 * is empty, complete), with WFI as the idle loop (SIE off around it, as
 * Linux's cpu_do_idle).  A claim that finds nothing (the latched-SEIP
 * storm) fails the program; so does not sending every byte in time.
 */
#include <stdio.h>
#include <string.h>

#include "clint.h"

#define PLIC_BASE 0x0c000000ul
#define PLIC_PRIO(src) ((volatile uint32_t *)(PLIC_BASE + 4 * (src)))
#define PLIC_ENABLE(ctx) \
    ((volatile uint32_t *)(PLIC_BASE + 0x2000 + 0x80 * (ctx)))
#define PLIC_THRESHOLD(ctx) \
    ((volatile uint32_t *)(PLIC_BASE + 0x200000 + 0x1000 * (ctx)))
#define PLIC_CLAIM(ctx) \
    ((volatile uint32_t *)(PLIC_BASE + 0x200004 + 0x1000 * (ctx)))
#define PLIC_CTX_S 1          /* hart 0's S context */
#define UART_SRC 10

#define UART_BASE 0x10000000ul
#define UART_THR ((volatile uint8_t *)(UART_BASE + 0))
#define UART_IER ((volatile uint8_t *)(UART_BASE + 1))
#define UART_IIR ((volatile uint8_t *)(UART_BASE + 2))
#define UART_FCR ((volatile uint8_t *)(UART_BASE + 2))
#define UART_LSR ((volatile uint8_t *)(UART_BASE + 5))
#define IER_ETBEI 0x02
#define IIR_ID 0x0f
#define IIR_THRI 0x02
#define LSR_TEMT 0x40

#define SBI_EXT_TIME 0x54494d45ul /* a7 of the set_timer ecall */
#define TICK 1000                 /* mtime ticks (10 MHz): 100 us */
#define LINES 200
#define LINE_LEN 64

/* ---------------------------------------------------------- M: "OpenSBI" */

static bool m_hook(struct trap_frame *f, uint64_t cause)
{
    if (cause == (CAUSE_INTR | 7)) {
        csr_set(mip, MIP_STIP);     /* the read-modify-write under test */
        csr_clear(mie, MIP_MTIP);
        return true;
    }
    if (cause == CAUSE_ECALL_S && f->x[17] == SBI_EXT_TIME) {
        *CLINT_MTIMECMP(0) = f->x[10];
        csr_clear(mip, MIP_STIP);
        csr_set(mie, MIP_MTIP);
        csr_write(mepc, csr_read(mepc) + 4);
        return true;
    }
    return false;
}

/* ---------------------------------------------------------- S: "Linux" */

static char ring[1024];
static volatile unsigned ring_head, ring_tail; /* tail: next to send */
static volatile unsigned long ticks, spurious, thr_irqs, sent;

static void sbi_set_timer(uint64_t when)
{
    register uint64_t a0 __asm__("a0") = when;
    register uint64_t a7 __asm__("a7") = SBI_EXT_TIME;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static void uart_irq(void)
{
    unsigned iir = *UART_IIR & IIR_ID;

    if (iir != IIR_THRI) {
        return;
    }
    thr_irqs++;
    for (int i = 0; i < 16 && ring_tail != ring_head; i++) {
        *UART_THR = (uint8_t)ring[ring_tail % sizeof(ring)];
        ring_tail++;
        sent++;
    }
    if (ring_tail == ring_head) {
        *UART_IER &= ~IER_ETBEI;    /* __stop_tx */
    }
    /* Some work with the line high again (THR empty): the window in
     * which a timer interrupt to M found SEIP set. */
    for (volatile int i = 0; i < 200; i++) {
    }
}

static bool s_hook(struct trap_frame *f, uint64_t cause)
{
    if (cause == (CAUSE_INTR | 9)) {
        uint32_t src = *PLIC_CLAIM(PLIC_CTX_S);
        if (src == 0) {
            if (++spurious > 1000) {
                CHECK_EQ(spurious, 0); /* an external-interrupt storm */
            }
            return true;
        }
        if (src == UART_SRC) {
            uart_irq();
        }
        *PLIC_CLAIM(PLIC_CTX_S) = src;
        return true;
    }
    if (cause == (CAUSE_INTR | 5)) {
        ticks++;
        sbi_set_timer(*CLINT_MTIME + TICK);
        return true;
    }
    return false;
}

/* Wait for an interrupt with SIE off around WFI, as Linux's idle does. */
static void idle(void)
{
    csr_clear(sstatus, MSTATUS_SIE);
    __asm__ volatile("wfi");
    csr_set(sstatus, MSTATUS_SIE);
}

static long kernel(long arg)
{
    char line[LINE_LEN + 1];
    uint64_t start = *CLINT_MTIME;

    csr_set(sstatus, MSTATUS_SIE);
    sbi_set_timer(*CLINT_MTIME + TICK);
    for (int n = 0; n < LINES; n++) {
        memset(line, 'a' + n % 26, LINE_LEN - 1);
        line[LINE_LEN - 1] = '\n';
        while (ring_head - ring_tail > sizeof(ring) - LINE_LEN) {
            idle();                 /* the writer blocks: ring full */
        }
        csr_clear(sstatus, MSTATUS_SIE);
        for (int i = 0; i < LINE_LEN; i++) {
            ring[ring_head % sizeof(ring)] = line[i];
            ring_head++;
        }
        *UART_IER |= IER_ETBEI;     /* start_tx */
        csr_set(sstatus, MSTATUS_SIE);
    }
    while (ring_tail != ring_head || !(*UART_LSR & LSR_TEMT)) {
        idle();
    }
    while (ticks < 3) {
        idle();                     /* the timer keeps ticking too */
    }
    csr_clear(sstatus, MSTATUS_SIE);
    return (long)((*CLINT_MTIME - start) / 10); /* us of guest time */
}

int main(void)
{
    uint64_t mip;
    long us;

    *PLIC_PRIO(UART_SRC) = 1;
    *PLIC_THRESHOLD(PLIC_CTX_S) = 0;
    *PLIC_ENABLE(PLIC_CTX_S) = 1u << UART_SRC;
    *UART_FCR = 0x01;               /* FIFOs on */

    test_case("csrs/csrc mip keep SEIP's software bit", -1);
    CHECK_EQ(csr_read(mip) & MIP_SEIP, 0);
    *UART_IER = IER_ETBEI;          /* THR empty: the line goes high */
    CHECK_EQ(csr_read(mip) & MIP_SEIP, MIP_SEIP);
    csr_set(mip, MIP_STIP);
    csr_clear(mip, MIP_STIP);
    *UART_IER = 0;                  /* the line goes low */
    mip = csr_read(mip);
    CHECK_EQ(mip & (MIP_SEIP | MIP_STIP), 0);
    csr_set(mip, MIP_SEIP);         /* the software bit alone */
    CHECK_EQ(csr_read(mip) & MIP_SEIP, MIP_SEIP);
    csr_clear(mip, MIP_SEIP);
    CHECK_EQ(csr_read(mip) & MIP_SEIP, 0);

    test_case("THR-empty driven transmit with WFI idle", -1);
    harts[0].m_hook = m_hook;
    harts[0].s_hook = s_hook;
    csr_write(mideleg, MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_write(mie, MIP_SEIP | MIP_STIP);
    csr_set(mstatus, MSTATUS_MIE);
    us = enter_mode(PRV_S, kernel, 0);
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
    *CLINT_MTIMECMP(0) = -1ull;
    harts[0].m_hook = NULL;
    harts[0].s_hook = NULL;
    CHECK_EQ(sent, LINES * LINE_LEN);
    CHECK_EQ(spurious, 0);
    CHECK(thr_irqs >= LINES * LINE_LEN / 16);
    printf("uart-thre: %d bytes in %lu THR-empty interrupts, %lu timer "
           "ticks, %ld us of guest time\n", LINES * LINE_LEN, thr_irqs,
           ticks, us);
    return 0;
}
