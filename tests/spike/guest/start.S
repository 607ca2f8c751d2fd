/*
 * start.S - entry of the riscv-spike test programs: set up the stack,
 * call main, and report its return value through HTIF as the exit code.
 */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    la sp, _stack_top
    call main
    call htif_exit
1:  j 1b
