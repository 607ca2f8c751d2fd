/*
 * gdb-target.c - the program the debugger tests drive with gdb-multiarch
 * (tests/control; docs/debugging.md): functions to break at, a global
 * variable to print and watch, an ecall to single-step into the trap
 * vector, and a second hart to switch to.  Run alone (2 harts) it checks
 * that it works without a debugger: hart 0 adds 1+2+3 to `counter`,
 * takes one expected ecall, sets `counter` to 42 and waits until hart 1,
 * which counts in `hart1_ticks`, has run; both then finish.
 */
#include "guest.h"

volatile uint64_t counter;      /* printed and watched by the tests */
volatile uint64_t hart1_ticks;  /* hart 1's loop counter */
volatile uint32_t finished;

__attribute__((noinline)) void add_to_counter(uint64_t n)
{
    counter += n;
}

/* ecall_insn: a symbol on the ecall, so a debugger can stop right at it */
__attribute__((noinline)) void make_ecall(void)
{
    trap_arm();
    __asm__ volatile(".globl ecall_insn\n"
                     "ecall_insn: ecall" ::: "memory");
    trap_disarm();
}

__attribute__((noinline)) void set_counter(uint64_t v)
{
    counter = v;
}

int main(void)
{
    for (uint64_t i = 1; i <= 3; i++) {
        add_to_counter(i);
    }
    CHECK_EQ(counter, 6);
    make_ecall();
    CHECK_EQ(hart()->trap.cause, 11); /* ecall from M */
    set_counter(42);
    while (hart1_ticks == 0) {
    }
    finished = 1;
    CHECK_EQ(counter, 42);
    return 0;
}

int secondary_main(unsigned hartid)
{
    while (!finished) {
        hart1_ticks++;
    }
    return 0;
}
