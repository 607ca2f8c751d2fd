/*
 * edu-dma.c - the guest of snapshot.edu-dma: bare metal in M-mode on
 * riscv-virt (firmware slot, no OpenSBI) with an edu at pcie0 slot 1.  It
 * sets up edu's BAR0 through ECAM, starts a factorial and a DMA from RAM
 * into edu's buffer, prints a numbered line every 5 ms of guest time
 * while the 100 ms DMA is in flight, then a DMA back from the buffer into
 * other RAM, and prints the results: the test saves a snapshot while a
 * DMA is pending and checks that the run from it prints the same.
 * Ends through the SiFive test device (0x5555 pass, 0x3333 fail).
 */
#include "virt-bare.h"

#define MTIME 0x0200bff8ul
#define ECAM 0x30000000ul
#define EDU_CFG (ECAM + (1ul << 15))   /* bus 0, slot 1, function 0 */
#define EDU_BAR 0x40000000ul
#define EDU_DMA_BUF 0x40000ul

static uint8_t src[64], dst[64];

static void say(const char *what, uint64_t v)
{
    puts_(what);
    putu(v);
    puts_(" mtime ");
    putu(R64(MTIME));
    putc_('\n');
}

/* Wait for the running DMA, printing a line every 5 ms (50000 ticks)
 * with the number of polls so far: a run from a snapshot whose virtual
 * clock was not restored would poll a different number of times. */
static void wait_dma(const char *what)
{
    uint64_t next = R64(MTIME) + 50000;
    uint64_t polls = 0;

    while (R64(EDU_BAR + 0x98) & 1) {
        polls++;
        if (R64(MTIME) >= next) {
            say(what, polls);
            next += 50000;
        }
    }
}

int main(void)
{
    uint64_t sum = 0;

    if (R32(EDU_CFG) != 0x11e81234u) {
        say("no edu: id ", R32(EDU_CFG));
        finish(0x13333);
    }
    R32(EDU_CFG + 0x10) = (uint32_t)EDU_BAR;
    R16(EDU_CFG + 0x04) = 0x6;                 /* memory, bus master */
    say("edu id ", R32(EDU_BAR));
    for (int i = 0; i < 64; i++) {
        src[i] = (uint8_t)(i * 7 + 3);
    }
    R32(EDU_BAR + 0x08) = 10;                  /* factorial of 10 */
    R64(EDU_BAR + 0x80) = (uint64_t)(uintptr_t)src;
    R64(EDU_BAR + 0x88) = EDU_DMA_BUF;
    R64(EDU_BAR + 0x90) = sizeof(src);
    R64(EDU_BAR + 0x98) = 1;                   /* RAM -> buffer */
    say("dma1 start ", 0);
    wait_dma("dma1 wait ");
    say("factorial ", R32(EDU_BAR + 0x08));
    R64(EDU_BAR + 0x80) = EDU_DMA_BUF;
    R64(EDU_BAR + 0x88) = (uint64_t)(uintptr_t)dst;
    R64(EDU_BAR + 0x90) = sizeof(dst);
    R64(EDU_BAR + 0x98) = 1 | 2;               /* buffer -> RAM */
    say("dma2 start ", 0);
    wait_dma("dma2 wait ");
    for (int i = 0; i < 64; i++) {
        sum = sum * 131 + dst[i];
    }
    say("dma2 sum ", sum);
    finish(0x5555);
    return 0;
}
