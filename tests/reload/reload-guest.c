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
#include "virt-bare.h"

#define PROBE 0x10100000ul
#define CLINT_MTIMECMP 0x02004000ul
#define CLINT_MTIME 0x0200bff8ul
#define MAX_LINES 200000
#define PERIOD 10000 /* 1 ms at 10 MHz */

static volatile uint32_t stop_flag;

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
