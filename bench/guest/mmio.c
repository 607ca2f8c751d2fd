/*
 * mmio.c - device register access benchmark for bench/guest: M-mode
 * loads and stores to the HTIF registers (`fromhost`, `tohost`), the one
 * device both breadboard's riscv-spike board and QEMU's `-M spike` have
 * at the same place (the addresses of the program's own symbols, in a
 * page of their own with RAM around them).  Each round reads fromhost
 * (8 bytes), writes 0 to it (consuming no response: nothing is pending),
 * reads its high half (4 bytes) and reads tohost (8 bytes, 0 while no
 * command runs): 4 Mi rounds, 16 Mi accesses, each a trip through the
 * emulator's I/O path (the software TLB's MMIO entries, the region's
 * callbacks) rather than generated code.  Two registers in one page also
 * make the I/O path tell neighbouring regions apart.
 */
#include "bench.h"

#define ROUNDS (4u * 1024 * 1024)

extern volatile uint64_t tohost, fromhost;

int main(void)
{
    volatile uint32_t *from_hi = (volatile uint32_t *)&fromhost + 1;
    uint64_t sum = 0;

    for (uint32_t i = 0; i < ROUNDS; i++) {
        uint64_t a = fromhost;

        fromhost = 0;
        a += *from_hi;
        a += tohost;
        /* The registers read 0 here; the sum still depends on them. */
        sum = sum * 31 + (a ^ i);
    }
    bench_report("mmio", sum);
    return 0;
}
