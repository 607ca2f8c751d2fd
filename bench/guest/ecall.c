/*
 * ecall.c - trap round-trip benchmark for bench/guest: S-mode calls into
 * M-mode with `ecall` 1 Mi times (an SBI call, a system call), and a
 * minimal M-mode handler advances mepc and returns with `mret`; between
 * calls S-mode writes and reads sscratch (a CSR write that changes nothing
 * the translator depends on).  Each iteration is a trap entry, a few
 * instructions in the handler, a trap return and a CSR write: what the
 * exec loop costs around privilege changes, not the generated code.
 */
#include "bench.h"

#define CALLS (1024 * 1024)
#define BENCH_CALL 0x62656e63ul          /* a7 of the benchmark's ecall */

/*
 * The handler: the benchmark's ecall (a7 == BENCH_CALL) returns
 * a0 * 33 + a1 past the ecall, clobbering t0 and t1; anything else (the
 * runtime's ecall ending enter_mode) goes to the runtime's vector.
 */
__asm__(
    "    .text\n"
    "    .align 4\n"
    "bench_m_vector:\n"
    "    li t0, 0x62656e63\n"
    "    bne a7, t0, 1f\n"
    "    csrr t0, mepc\n"
    "    addi t0, t0, 4\n"
    "    csrw mepc, t0\n"
    "    slli t1, a0, 5\n"
    "    add a0, a0, t1\n"
    "    add a0, a0, a1\n"
    "    mret\n"
    "1:  la t0, m_trap_vector\n"
    "    jr t0\n");

extern char bench_m_vector[], m_trap_vector[];

static long s_loop(long arg)
{
    uint64_t acc = (uint64_t)arg;

    for (unsigned long i = 0; i < CALLS; i++) {
        register uint64_t a0 __asm__("a0") = acc;
        register uint64_t a1 __asm__("a1") = i;
        register uint64_t a7 __asm__("a7") = BENCH_CALL;

        __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7)
                         : "t0", "t1", "memory");
        csr_write(sscratch, a0 ^ i);
        acc = a0 + (csr_read(sscratch) >> 7);
    }
    return (long)acc;
}

int main(void)
{
    long acc;

    csr_write(mtvec, (uintptr_t)bench_m_vector);
    acc = enter_mode(PRV_S, s_loop, 7);
    csr_write(mtvec, (uintptr_t)m_trap_vector);
    bench_report("ecall", (uint64_t)acc);
    return 0;
}
