/*
 * guest.c - a bare-metal RISC-V program that uses the sample timer on
 * sample-board.yaml: it runs in M-mode straight from reset (given to
 * `breadboard run` as the firmware, --bios), starts the timer periodic
 * with its interrupt routed through the PLIC, sleeps (WFI) until each
 * interrupt, claims it, checks it came from the timer one period after
 * the last (on the CLINT's mtime, also 10 MHz), acknowledges it, prints
 * what it saw on the UART and powers off through the SiFive test device:
 * exit status 0 when every check passed, else the number of the first
 * failed check.  Freestanding: no C library.
 */
#include <stdint.h>

#define UART 0x10000000ul           /* ns16550a: THR at 0, LSR at 5 */
#define FINISHER 0x100000ul         /* sifive-test */
#define MTIME 0x200bff8ul           /* CLINT: 10 MHz */
#define PLIC 0xc000000ul
#define PLIC_PRIORITY(src) (PLIC + 4 * (src))
#define PLIC_ENABLE_CTX0 (PLIC + 0x2000)    /* hart 0, M-mode */
#define PLIC_THRESHOLD_CTX0 (PLIC + 0x200000)
#define PLIC_CLAIM_CTX0 (PLIC + 0x200004)
#define TIMER 0x10010000ul          /* sample-timer, PLIC source 12 */
#define TIMER_IRQ 12
#define T_LOAD 0x00
#define T_VALUE 0x04
#define T_CTRL 0x08
#define T_STATUS 0x0c
#define T_ID 0x10
#define PERIOD 1000                 /* ticks: 100 us */
#define ROUNDS 3

void guest_main(void) __attribute__((noreturn));
uint8_t guest_stack[4096] __attribute__((aligned(16)));

/* Reset lands here (the ELF entry): a stack, then C. */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "  lla sp, guest_stack + 4096\n"
        "  j guest_main\n");

static uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static void wr32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static uint64_t mtime(void) { return *(volatile uint64_t *)MTIME; }

static void putc_(char c)
{
    while (!(*(volatile uint8_t *)(UART + 5) & 0x20)) {
        /* wait for THR empty */
    }
    *(volatile uint8_t *)UART = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s) {
        putc_(*s++);
    }
}

static void putu(uint64_t v)
{
    char buf[21];
    int i = 20;

    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts_(&buf[i]);
}

static __attribute__((noreturn)) void finish(unsigned failed)
{
    puts_(failed ? "sample-guest: FAIL\n" : "sample-guest: PASS\n");
    wr32(FINISHER, failed ? (failed << 16) | 0x3333 : 0x5555);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static void check(unsigned n, const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        puts_("check ");
        putu(n);
        puts_(" failed: ");
        puts_(what);
        puts_(" = ");
        putu(got);
        puts_(", expected ");
        putu(want);
        puts_("\n");
        finish(n);
    }
}

void guest_main(void)
{
    uint64_t last, now;

    puts_("sample-guest: start\n");
    check(1, "ID", rd32(TIMER + T_ID), 0x534d5431);

    /* Route source 12 to hart 0's M-mode context, and let the external
     * interrupt wake WFI (mstatus.MIE stays 0: no trap, we poll). */
    wr32(PLIC_PRIORITY(TIMER_IRQ), 1);
    wr32(PLIC_ENABLE_CTX0, 1u << TIMER_IRQ);
    wr32(PLIC_THRESHOLD_CTX0, 0);
    __asm__ volatile("csrs mie, %0" : : "r"(1ul << 11)); /* MEIE */

    wr32(TIMER + T_LOAD, PERIOD);
    last = mtime();
    wr32(TIMER + T_CTRL, 7); /* EN | IE | PERIODIC */
    for (unsigned i = 1; i <= ROUNDS; i++) {
        uint64_t mip;
        do {
            __asm__ volatile("wfi");
            __asm__ volatile("csrr %0, mip" : "=r"(mip));
        } while (!(mip & (1ul << 11)));
        now = mtime();
        uint32_t src = rd32(PLIC_CLAIM_CTX0);
        check(10 * i + 1, "claimed source", src, TIMER_IRQ);
        check(10 * i + 2, "STATUS", rd32(TIMER + T_STATUS), 1);
        /* One period after the last expiry, to within the few
         * instructions between the wake-up and reading mtime. */
        check(10 * i + 3, "period in mtime ticks >= 1000",
              now - last >= PERIOD, 1);
        check(10 * i + 4, "period in mtime ticks <= 1010",
              now - last <= PERIOD + 10, 1);
        wr32(TIMER + T_STATUS, 1); /* W1C: the line falls */
        wr32(PLIC_CLAIM_CTX0, src); /* complete */
        puts_("interrupt ");
        putu(i);
        puts_(" after ");
        putu(now - last);
        puts_(" ticks\n");
        last += PERIOD;
    }
    wr32(TIMER + T_CTRL, 0);
    check(40, "VALUE when stopped", rd32(TIMER + T_VALUE), 0);
    finish(0);
}
