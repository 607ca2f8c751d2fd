/*
 * smc-chained.c - self-modifying code stored from a chained translation
 * block (issue 13).  A loop of two blocks, A ("addi a0; j B") and B
 * (select an address, "sw" to it, "addi a5; addi a4; bne a0, N, A"),
 * entered through a block E ("csrr minstret; addi a0; j B"), runs N
 * times.  B's store goes to a data word, except in iteration K, where it
 * writes an instruction of E, A or B back unchanged: the code stays the
 * same, but the store hits translated code.  In normal mode the JIT runs
 * E, B, A, B, ... as chained TBs without returning to its loop, so the
 * store comes from a TB entered through a chained jump, and may
 * invalidate the TB the loop entered (E) or the storing TB itself (B).
 * Execution must restart exactly at the store: no instruction runs twice
 * (a0, a4 and a5 are each N) and minstret counts exactly the
 * instructions retired (11 N + 1 between the two reads).  Both backends,
 * deterministic and normal mode.
 */
#include "guest.h"

#define N 200
#define K 120

struct result {
    uint64_t a0, a4, a5, instret;
};

static volatile uint32_t scratch[1024] __attribute__((aligned(4096)));

/* @target: 0 = E's first instruction, 1 = A's, 2 = B's store itself. */
static struct result run(unsigned target)
{
    struct result r;
    uint64_t t = target;

    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "    li a0, 0\n"
        "    li a4, 0\n"
        "    li a5, 0\n"
        "    li a1, %[n]\n"
        "    li a6, %[k]\n"
        "    lla a7, 7f\n"           /* E */
        "    li t0, 1\n"
        "    bne %[t], t0, 8f\n"
        "    lla a7, 1f\n"           /* A */
        "8:  li t0, 2\n"
        "    bne %[t], t0, 9f\n"
        "    lla a7, 2f\n"           /* B */
        "9:  lw a3, 0(a7)\n"         /* the word stored back */
        "    mv t2, %[data]\n"
        "    xor t1, t2, a7\n"
        "    fence.i\n"
        "    j 7f\n"
        "    .balign 64\n"
        "7:  csrr t6, minstret\n"    /* E */
        "    addi a0, a0, 1\n"
        "    j 3f\n"
        "    .balign 64\n"
        "1:  addi a0, a0, 1\n"       /* A */
        "    j 3f\n"
        "    .balign 64\n"
        "3:  xor t0, a0, a6\n"       /* B: a2 = a0 == K ? a7 : data */
        "    seqz t0, t0\n"
        "    neg t0, t0\n"
        "    and t0, t0, t1\n"
        "    xor a2, t0, t2\n"
        "2:  sw a3, 0(a2)\n"
        "    addi a5, a5, 1\n"
        "    addi a4, a4, 1\n"
        "    bne a0, a1, 1b\n"
        "    csrr t5, minstret\n"
        "    sub t5, t5, t6\n"
        "    mv %[a0], a0\n"
        "    mv %[a4], a4\n"
        "    mv %[a5], a5\n"
        "    mv %[ic], t5\n"
        ".option pop\n"
        : [a0] "=r"(r.a0), [a4] "=r"(r.a4), [a5] "=r"(r.a5),
          [ic] "=r"(r.instret)
        : [n] "i"(N), [k] "i"(K), [t] "r"(t), [data] "r"(&scratch[0])
        : "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2",
          "t5", "t6", "memory");
    return r;
}

int main(void)
{
    static const char *const what[] = {
        "store into the entry block", "store into A", "store into B itself",
    };

    for (unsigned i = 0; i < 3; i++) {
        for (int rep = 0; rep < 2; rep++) {
            struct result r = run(i);

            test_case(what[i], rep);
            CHECK_EQ(r.a0, N);
            CHECK_EQ(r.a4, N);
            CHECK_EQ(r.a5, N);
            /* from the first csrr: E (3), B (9) N times, A (2) N - 1 */
            CHECK_EQ(r.instret, 3 + 9 * N + 2 * (N - 1));
        }
    }
    return 0;
}
