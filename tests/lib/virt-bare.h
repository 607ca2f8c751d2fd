/*
 * virt-bare.h - the runtime of the small bare-metal guests some tests
 * build for riscv-virt and run as the firmware (--bios), M-mode, no
 * libc: the entry (a stack, then main), MMIO accessors, the ns16550a
 * console (polled) and the SiFive test device to end the run.  Used by
 * tests/reload/reload-guest.c and tests/snapshot/edu-dma.c; built with
 * bb_virt_bare_guest() (tests/CMakeLists.txt).  Everything is static: one
 * translation unit per guest.
 */
#ifndef TESTS_LIB_VIRT_BARE_H
#define TESTS_LIB_VIRT_BARE_H

#include <stdint.h>

#define VIRT_UART 0x10000000ul      /* ns16550a, THR at 0, LSR at 5 */
#define VIRT_TEST_DEV 0x100000ul    /* SiFive test: 0x5555 pass, 0x3333 fail */
#define VIRT_MTIME 0x0200bff8ul     /* ACLINT mtime, 10 MHz */

#define R8(a) (*(volatile uint8_t *)(a))
#define R16(a) (*(volatile uint16_t *)(a))
#define R32(a) (*(volatile uint32_t *)(a))
#define R64(a) (*(volatile uint64_t *)(a))

/* The entry (the ELF's, where the machine starts the hart): a stack,
 * then main. */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "  la sp, bare_stack + 8192\n"
        "  call main\n"
        "1: j 1b\n");

__attribute__((used, aligned(16))) static uint8_t bare_stack[8192];

int main(void);

static void putc_(char c)
{
    while (!(R8(VIRT_UART + 5) & 0x20)) {
    }
    R8(VIRT_UART) = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s) {
        putc_(*s++);
    }
}

static void __attribute__((unused)) putu(uint64_t v)
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

static void __attribute__((unused)) putx(uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
    }
}

/* Write @code to the test device: the machine powers off (0x5555 with
 * exit status 0, 0x3333 | status << 16 with that status). */
static void __attribute__((noreturn, unused)) finish(uint32_t code)
{
    R32(VIRT_TEST_DEV) = code;
    for (;;) {
    }
}

#endif /* TESTS_LIB_VIRT_BARE_H */
