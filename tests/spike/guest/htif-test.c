/*
 * htif-test.c - a bare-metal program for the riscv-spike machine: it
 * prints through the HTIF console (device 1, command 1) and through a
 * proxied SYS_write, then exits with EXIT_CODE through tohost.
 *
 * Until a CPU plugin exists it never runs: the CPU-less tests in
 * tests/spike drive HTIF with a test device instead, using this
 * program's symbols (tohost, fromhost, write_block, enosys_block) the way
 * the program itself would.  The syscall blocks are therefore
 * initialised data, ready to be handed to tohost as they are.
 */
#include <stdint.h>

#ifndef EXIT_CODE
#define EXIT_CODE 0
#endif

#define HTIF(dev, cmd, data) ((uint64_t)(dev) << 56 | (uint64_t)(cmd) << 48 | (data))

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

static const char hello[] = "hello from SYS_write\n";

/* SYS_write(1, hello, len), and a syscall nobody implements. */
volatile uint64_t write_block[8]
    __attribute__((section(".magic"), aligned(64))) = {
        64, 1, (uintptr_t)hello, sizeof(hello) - 1 };
volatile uint64_t enosys_block[8]
    __attribute__((section(".magic"), aligned(64))) = { 1234 };

static void htif_send(uint64_t cmd)
{
    while (tohost) {
    }
    tohost = cmd;
}

static uint64_t htif_syscall(volatile uint64_t *block)
{
    fromhost = 0;
    htif_send((uintptr_t)block);
    while (!fromhost) {
    }
    fromhost = 0;
    return block[0];
}

void htif_exit(int code)
{
    htif_send(((uint64_t)code << 1) | 1);
    for (;;) {
    }
}

int main(void)
{
    for (const char *p = "OK\n"; *p; p++) {
        htif_send(HTIF(1, 1, (uint8_t)*p));
    }
    if (htif_syscall(write_block) != sizeof(hello) - 1) {
        return 3;
    }
    if (htif_syscall(enosys_block) != (uint64_t)-38) {
        return 4;
    }
    return EXIT_CODE;
}
