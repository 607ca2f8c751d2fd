/*
 * reload-guest.c - the guest of the hot-reload tests (tests/reload): a
 * bare-metal program for riscv-virt, run as the firmware (--bios), that
 * prints one line on the UART every millisecond of guest time (waiting in
 * WFI on the CLINT timer) with what it reads from the reload-probe device
 * at 0x10100000 (its ID, COUNT, TICKS and BONUS registers), until the test
 * sets the flag whose address the first line names (x-bb-memory-write);
 * then it powers off through the SiFive test device with exit code 0.
 * After MAX_LINES without the flag it exits with code 3.  The test reads
 * the lines while it reloads the probe or the UART under the guest.
 */
#include <stdint.h>

#define UART 0x10000000ul
#define TEST_DEV 0x100000ul
#define PROBE 0x10100000ul
#define CLINT_MTIMECMP 0x02004000ul
#define CLINT_MTIME 0x0200bff8ul
#define MAX_LINES 200000
#define PERIOD 10000 /* 1 ms at 10 MHz */

#define R8(a) (*(volatile uint8_t *)(a))
#define R32(a) (*(volatile uint32_t *)(a))
#define R64(a) (*(volatile uint64_t *)(a))

__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "  la sp, stack + 8192\n"
        "  call main\n"
        "1: j 1b\n");

__attribute__((used, aligned(16))) static uint8_t stack[8192];
static volatile uint32_t stop_flag;

static void putc_(char c)
{
    while (!(R8(UART + 5) & 0x20)) {
    }
    R8(UART) = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s) {
        putc_(*s++);
    }
}

static void putx(uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
    }
}

static void putu(uint64_t v)
{
    char b[24];
    int n = 0;

    do {
        b[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        putc_(b[--n]);
    }
}

static void finish(uint32_t code)
{
    R32(TEST_DEV) = code;
    for (;;) {
    }
}

int main(void)
{
    puts_("flag 0x");
    putx((uintptr_t)&stop_flag, 16);
    putc_('\n');
    __asm__ volatile("csrw mie, %0" : : "r"(1ul << 7)); /* MTIE; MIE off */
    for (uint32_t n = 0; n < MAX_LINES; n++) {
        uint64_t next = R64(CLINT_MTIME) + PERIOD;
        R64(CLINT_MTIMECMP) = next;
        while (R64(CLINT_MTIME) < next) {
            __asm__ volatile("wfi");
        }
        uint32_t id = R32(PROBE), count = R32(PROBE + 4);
        uint32_t ticks = R32(PROBE + 8), bonus = R32(PROBE + 12);
        puts_("line ");
        putu(n);
        puts_(" id ");
        putx(id, 8);
        puts_(" count ");
        putu(count);
        puts_(" ticks ");
        putu(ticks);
        puts_(" bonus ");
        putx(bonus, 8);
        putc_('\n');
        if (stop_flag) {
            puts_("stopped\n");
            R64(CLINT_MTIMECMP) = ~0ull;
            finish(0x5555); /* pass: exit code 0 */
        }
    }
    finish((3u << 16) | 0x3333); /* fail, exit code 3 */
    return 0;
}
