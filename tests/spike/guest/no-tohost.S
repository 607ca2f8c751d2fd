/*
 * no-tohost.S - a valid RISC-V executable without HTIF symbols, which
 * riscv-spike must refuse with a message naming the file.
 */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
1:  j 1b
