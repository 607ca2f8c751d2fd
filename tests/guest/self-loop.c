/*
 * self-loop.c - loops of one translation block, which the x86-64 JIT
 * compiles in loop form (docs/jit.md, "Self-loops"): the TB is chained
 * to itself and keeps guest registers and the instruction budget in host
 * registers across the back edge, storing them to the hart's state only
 * where something can see it.  Each case checks that nothing shows:
 *   - a counting loop of 3 instructions over 400000 iterations (many
 *     budget quanta and kicks) with the machine timer interrupting it
 *     every 300 ticks: at every interrupt the saved registers must agree
 *     with mepc (a0 + a1 = N, or N + 1 between the two adds) and with
 *     minstret (the same offset between minstret in the handler and the
 *     instructions the loop retired, at every interrupt);
 *   - a loop of 7 instructions on more guest registers than the JIT pins
 *     (six live ones) storing words across 8 pages (TLB misses: the slow
 *     path stores the pinned registers before its call);
 *   - a loop whose store faults on its 37th iteration (nothing mapped):
 *     precise mepc, mtval, registers and minstret; and in S-mode under
 *     Sv39 a loop storing words across a mapped page into an unmapped
 *     one (store page fault on the 513th iteration);
 *   - a loop storing into its own code page, and once into its own store
 *     instruction (unchanged bytes: the TB is invalidated under the
 *     running loop): no instruction may run twice (minstret exact);
 *   - MMIO loads and stores in a loop: mtime read 64 times (the CLINT
 *     derives it from the instruction count under --icount, so the count
 *     must be in the hart's state at the slow path's call) and mtimecmp
 *     written 64 times.
 * CLINT group, both backends; also run without --icount (CHAINED), where
 * the loops are chained.  self-loop-icount.c is the same program that
 * also prints where the interrupts hit and the mtime samples: under
 * --icount the JIT must print exactly what the interpreter prints.
 */
#include "clint.h"
#include "guest.h"

#ifndef SELF_LOOP_PRINT
#define SELF_LOOP_PRINT 0
#endif

#if SELF_LOOP_PRINT
#include <stdio.h>
#endif

#define MAX_RECS 256

struct rec {
    uint64_t epc, a0, a1, instret;
};

static struct rec recs[MAX_RECS];
static volatile unsigned nrecs, ticks_total;
static volatile uint64_t period = 300;

/* The store-fault case: what the hook saw and where it resumes. */
static volatile uint64_t fault_epc, fault_tval, fault_cause, fault_instret;
static volatile uint64_t fault_a2, fault_a3, fault_t1, fault_resume;
static volatile unsigned nfaults;

static bool hook(struct trap_frame *f, uint64_t cause)
{
    uint64_t instret = csr_read(minstret);

    if (cause == (CAUSE_INTR | 7)) {
        unsigned n = nrecs;

        if (n < MAX_RECS) {
            recs[n].epc = csr_read(mepc);
            recs[n].a0 = f->x[10];
            recs[n].a1 = f->x[11];
            recs[n].instret = instret;
            nrecs = n + 1;
        }
        ticks_total++;
        *CLINT_MTIMECMP(0) = *CLINT_MTIME + period;
        return true;
    }
    if ((cause == CAUSE_STORE_ACCESS || cause == CAUSE_STORE_PAGE_FAULT) &&
        fault_resume) {
        fault_cause = cause;
        fault_epc = csr_read(mepc);
        fault_tval = csr_read(mtval);
        fault_instret = instret;
        fault_a2 = f->x[12];
        fault_a3 = f->x[13];
        fault_t1 = f->x[6];
        nfaults++;
        csr_write(mepc, fault_resume);
        fault_resume = 0;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------ counting */

#define COUNT_N 400000

static void check_count(void)
{
    uint64_t a0, a1, loop, before, after;
    uint64_t offset0 = 0, handler = 0;
    unsigned inside = 0, first = 0;

    test_case("counting loop under timer interrupts", -1);
    nrecs = 0;
    *CLINT_MTIMECMP(0) = *CLINT_MTIME + period;
    csr_set(mie, MIP_MTIP);
    csr_set(mstatus, MSTATUS_MIE);
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "    li a0, 0\n"
        "    li a1, %[n]\n"
        "    lla %[loop], 1f\n"
        "    .balign 64\n"
        "    csrr %[before], minstret\n"
        "1:  addi a0, a0, 1\n"
        "    addi a1, a1, -1\n"
        "    bnez a1, 1b\n"
        "    csrr %[after], minstret\n"
        "    mv %[a0], a0\n"
        "    mv %[a1], a1\n"
        ".option pop\n"
        : [a0] "=r"(a0), [a1] "=r"(a1), [loop] "=&r"(loop),
          [before] "=&r"(before), [after] "=&r"(after)
        : [n] "i"(COUNT_N)
        : "a0", "a1", "memory");
    csr_clear(mstatus, MSTATUS_MIE);
    csr_clear(mie, MIP_MTIP);
    *CLINT_MTIMECMP(0) = -1ull;
    CHECK_EQ(a0, COUNT_N);
    CHECK_EQ(a1, 0);
    /* the loop, the csrr after it, and no instruction more (an
     * interrupt's handler runs between, but minstret counts it too, so
     * only the loop's own count is checked when none came) */
    if (ticks_total == 0) {
        CHECK_EQ(after - before, 3 * COUNT_N + 1);
    }
    for (unsigned i = 0; i < nrecs && i < MAX_RECS; i++) {
        const struct rec *r = &recs[i];
        uint64_t k, retired;

        if (r->epc < loop || r->epc >= loop + 12) {
            continue; /* before or after the loop */
        }
        test_case("interrupt in the counting loop", i);
        k = (r->epc - loop) / 4;
        CHECK_EQ(r->a0 + r->a1, COUNT_N + (k == 1));
        /* instructions the loop had retired at the interrupt */
        retired = 3 * r->a0 + (k == 0 ? 0 : k - 3);
        /* minstret also counts the handlers that ran before this one:
         * the same number of instructions each, so the offset between
         * minstret and the loop's own count grows by that per interrupt
         * (the first two in the loop tell how much) */
        if (inside == 0) {
            offset0 = r->instret - retired;
            first = i;
            CHECK_RANGE(offset0, before, before + 100000);
        } else {
            if (inside == 1) {
                handler = (r->instret - retired - offset0) / (i - first);
                CHECK_RANGE(handler, 10, 2000);
            }
            CHECK_EQ(r->instret - retired, offset0 + handler * (i - first));
        }
        inside++;
#if SELF_LOOP_PRINT
        if (i < 40) {
            printf("interrupt %u: iteration %lu, instruction %lu\n", i,
                   (unsigned long)r->a0, (unsigned long)k);
        }
#endif
    }
#if SELF_LOOP_PRINT
    printf("%u interrupts, %u in the loop\n", nrecs, inside);
#endif
}

/* ------------------------------------------------------------ registers */

#define REGS_N 4096
static uint64_t words[REGS_N] __attribute__((aligned(4096)));

static void check_registers(void)
{
    register uint64_t a2 __asm__("a2") = 5;
    register uint64_t a3 __asm__("a3") = 0;
    register uint64_t a4 __asm__("a4") = 0x1234;
    register uint64_t a5 __asm__("a5") = REGS_N;
    register uint64_t *t1 __asm__("t1") = words;
    uint64_t before, after;
    uint64_t e2 = 5, e3 = 0, e4 = 0x1234;

    test_case("loop on six registers", -1);
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "    .balign 64\n"
        "    csrr %[before], minstret\n"
        "1:  sd a2, 0(t1)\n"
        "    add a3, a3, a2\n"
        "    xor a4, a4, a3\n"
        "    addi t1, t1, 8\n"
        "    addi a2, a2, 3\n"
        "    addi a5, a5, -1\n"
        "    bnez a5, 1b\n"
        "    csrr %[after], minstret\n"
        ".option pop\n"
        : [before] "=&r"(before), [after] "=&r"(after), "+r"(a2),
          "+r"(a3), "+r"(a4), "+r"(a5), "+r"(t1)
        :
        : "memory");
    CHECK_EQ(after - before, 7 * REGS_N + 1);
    for (unsigned i = 0; i < REGS_N; i++) {
        if (words[i] != e2) {
            test_case("stored word", i);
            CHECK_EQ(words[i], e2);
        }
        e3 += e2;
        e4 ^= e3;
        e2 += 3;
    }
    CHECK_EQ(a2, e2);
    CHECK_EQ(a3, e3);
    CHECK_EQ(a4, e4);
    CHECK_EQ(a5, 0);
    CHECK_EQ((uint64_t)t1, (uint64_t)&words[REGS_N]);
}

/* ------------------------------------------------------------ fault */

#define FAULT_N 100
#define FAULT_K 37
#define UNMAPPED 0x40000000ul /* no device, no RAM (riscv-spike, QEMU) */

static uint32_t fault_buf[FAULT_N];
static uint64_t fault_table[FAULT_N];

static void check_fault(void)
{
    uint64_t store_pc, before, resume;

    test_case("store fault in a loop", -1);
    for (unsigned i = 0; i < FAULT_N; i++) {
        fault_table[i] = i == FAULT_K ? UNMAPPED + 8 * i
                                      : (uint64_t)&fault_buf[i];
        fault_buf[i] = 0;
    }
    nfaults = 0;
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "    lla t0, 2f\n"
        "    sd t0, %[resume]\n"
        "    lla %[store], 3f\n"
        "    li a1, 0x5a5a\n"
        "    mv a3, %[table]\n"
        "    li a2, %[n]\n"
        "    .balign 64\n"
        "    csrr %[before], minstret\n"
        "1:  ld t1, 0(a3)\n"
        "3:  sw a1, 0(t1)\n"
        "    addi a3, a3, 8\n"
        "    addi a2, a2, -1\n"
        "    bnez a2, 1b\n"
        "2:  nop\n"
        ".option pop\n"
        : [store] "=&r"(store_pc), [before] "=&r"(before),
          [resume] "=m"(fault_resume)
        : [table] "r"(fault_table), [n] "i"(FAULT_N)
        : "t0", "t1", "a1", "a2", "a3", "memory");
    resume = fault_resume;
    CHECK_EQ(resume, 0);
    CHECK_EQ(nfaults, 1);
    CHECK_EQ(fault_cause, CAUSE_STORE_ACCESS);
    CHECK_EQ(fault_epc, store_pc);
    CHECK_EQ(fault_tval, UNMAPPED + 8 * FAULT_K);
    CHECK_EQ(fault_t1, UNMAPPED + 8 * FAULT_K);
    CHECK_EQ(fault_a3, (uint64_t)&fault_table[FAULT_K]);
    CHECK_EQ(fault_a2, FAULT_N - FAULT_K);
    /* minstret in the hook: the loop's 5 K + 1 instructions, then the
     * trap path, whose length the first fault-free run cannot tell; it
     * is the same for every hook call: compare with a store fault taken
     * straight after a csrr (below) */
    for (unsigned i = 0; i < FAULT_N; i++) {
        test_case("stored before the fault", i);
        CHECK_EQ(fault_buf[i], i < FAULT_K ? 0x5a5a : 0);
    }
    {
        uint64_t before2, first_instret = fault_instret - before;

        test_case("store fault straight after csrr", -1);
        __asm__ volatile(
            ".option push\n"
            ".option norvc\n"
            "    lla t0, 2f\n"
            "    sd t0, %[resume]\n"
            "    li t1, %[bad]\n"
            "    csrr %[before], minstret\n"
            "    sw zero, 0(t1)\n"
            "2:  nop\n"
            ".option pop\n"
            : [before] "=&r"(before2), [resume] "=m"(fault_resume)
            : [bad] "i"(UNMAPPED)
            : "t0", "t1", "memory");
        CHECK_EQ(nfaults, 2);
        CHECK_EQ(first_instret - (fault_instret - before2), 5 * FAULT_K + 1);
    }
}

/* ------------------------------------------------------------ page fault */

#define PAGE 4096
#define PTE(pa, flags) (((uint64_t)(pa) >> 12) << 10 | (flags))
#define VA_LOOP 0x1000ul /* mapped to loop_page; VA_LOOP + PAGE is not */

static volatile uint64_t pt_root[512] __attribute__((aligned(PAGE)));
static volatile uint64_t pt_l1[512] __attribute__((aligned(PAGE)));
static volatile uint64_t pt_l0[512] __attribute__((aligned(PAGE)));
static volatile uint64_t loop_page[512] __attribute__((aligned(PAGE)));

static long s_page_loop(long arg)
{
    register uint64_t t1 __asm__("t1") = VA_LOOP;
    register uint64_t a2 __asm__("a2") = 1000;
    register uint64_t a1 __asm__("a1") = (uint64_t)arg;
    uint64_t store_pc;

    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "    lla t0, 2f\n"
        "    sd t0, %[resume]\n"
        "    lla %[store], 1f\n"
        "    .balign 64\n"
        "1:  sd a1, 0(t1)\n"
        "    addi a1, a1, 1\n"
        "    addi t1, t1, 8\n"
        "    addi a2, a2, -1\n"
        "    bnez a2, 1b\n"
        "2:  nop\n"
        ".option pop\n"
        : [store] "=&r"(store_pc), [resume] "=m"(fault_resume), "+r"(t1),
          "+r"(a2), "+r"(a1)
        :
        : "t0", "memory");
    return (long)store_pc;
}

static void check_page_fault(void)
{
    uint64_t store_pc;

    test_case("page fault in an S-mode loop", -1);
    pt_root[2] = PTE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A |
                                       PTE_D);
    pt_root[0] = PTE(pt_l1, PTE_V);
    pt_l1[0] = PTE(pt_l0, PTE_V);
    pt_l0[VA_LOOP >> 12] = PTE(loop_page, PTE_V | PTE_R | PTE_W | PTE_A |
                                              PTE_D);
    for (unsigned i = 0; i < 512; i++) {
        loop_page[i] = 0;
    }
    nfaults = 0;
    csr_write(satp, SATP_MODE_SV39 | (uintptr_t)pt_root >> 12);
    __asm__ volatile("sfence.vma" : : : "memory");
    store_pc = (uint64_t)enter_mode(PRV_S, s_page_loop, 7);
    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" : : : "memory");
    CHECK_EQ(nfaults, 1);
    CHECK_EQ(fault_cause, CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(fault_epc, store_pc);
    CHECK_EQ(fault_tval, VA_LOOP + PAGE);
    CHECK_EQ(fault_t1, VA_LOOP + PAGE);
    CHECK_EQ(fault_a2, 1000 - 512);
    for (unsigned i = 0; i < 512; i++) {
        if (loop_page[i] != 7 + i) {
            test_case("word stored before the page fault", i);
            CHECK_EQ(loop_page[i], 7 + i);
        }
    }
}

/* ------------------------------------------------------------ code page */

#define SMC_N 200
#define SMC_K 120

static volatile uint32_t smc_data[16] __attribute__((aligned(64)));

/* One page: the loop, then data it stores to, then (through the
 * alternate address) its own store instruction. */
extern char smc_page[], smc_loop[], smc_store[], smc_words[];
__asm__(".pushsection .text.smcpage, \"ax\"\n"
        ".option push\n"
        ".option norvc\n"
        ".balign 4096\n"
        "smc_page:\n"
        "smc_loop:\n"
        "    xor t0, a2, a6\n"       /* a2 == K ? code : data */
        "    seqz t0, t0\n"
        "    neg t0, t0\n"
        "    and t0, t0, t1\n"
        "    xor t2, t0, t4\n"
        "smc_store:\n"
        "    sw a3, 0(t2)\n"
        "    sw a4, 0(t5)\n"         /* into this code page, not code */
        "    addi a4, a4, 1\n"
        "    addi a2, a2, -1\n"
        "    bnez a2, smc_loop\n"
        "    ret\n"
        ".balign 64\n"
        "smc_words:\n"
        ".zero 64\n"
        ".option pop\n"
        ".popsection\n");

static void check_smc(unsigned target)
{
    uint64_t before, after, a4;
    uint64_t code = target ? (uint64_t)smc_store : (uint64_t)smc_loop;
    uint64_t data = (uint64_t)&smc_data[0];
    uint32_t word = *(volatile uint32_t *)code;

    test_case(target ? "store into its own store" : "store into its head",
              -1);
    __asm__ volatile(
        "    mv t1, %[cx]\n"
        "    mv t4, %[data]\n"
        "    mv a3, %[word]\n"
        "    li a6, %[k]\n"
        "    li a2, %[n]\n"
        "    li a4, 0\n"
        "    mv t5, %[words]\n"
        "    fence.i\n"
        "    csrr %[before], minstret\n"
        "    jalr ra, 0(%[loop])\n"
        "    csrr %[after], minstret\n"
        "    mv %[a4], a4\n"
        : [before] "=&r"(before), [after] "=&r"(after), [a4] "=r"(a4)
        : [cx] "r"(code ^ data), [data] "r"(data), [word] "r"(word),
          [k] "i"(SMC_K), [n] "i"(SMC_N), [words] "r"(smc_words),
          [loop] "r"(smc_loop)
        : "t0", "t1", "t2", "t4", "t5", "a2", "a3", "a4", "a6", "ra",
          "memory");
    CHECK_EQ(a4, SMC_N);
    CHECK_EQ(*(volatile uint32_t *)smc_words, SMC_N - 1);
    CHECK_EQ(smc_data[0], word);
    /* csrr, jalr, 10 N loop instructions, ret */
    CHECK_EQ(after - before, 1 + 1 + 10 * SMC_N + 1);
}

/* ------------------------------------------------------------ MMIO */

#define MMIO_N 64
static uint64_t samples[MMIO_N];

static void check_mmio(void)
{
    register uint64_t *t2 __asm__("t2") = samples;
    register uint64_t t1 __asm__("t1") = (uint64_t)CLINT_MTIME;
    register uint64_t a2 __asm__("a2") = MMIO_N;
    register uint64_t a1 __asm__("a1") = 1ull << 60;
    register uint64_t t3 __asm__("t3") = (uint64_t)CLINT_MTIMECMP(0);

    test_case("MMIO in a loop", -1);
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "    .balign 64\n"
        "1:  ld a0, 0(t1)\n"
        "    sd a0, 0(t2)\n"
        "    sd a1, 0(t3)\n"
        "    addi a1, a1, 1\n"
        "    addi t2, t2, 8\n"
        "    addi a2, a2, -1\n"
        "    bnez a2, 1b\n"
        ".option pop\n"
        : "+r"(t2), "+r"(a2), "+r"(a1)
        : "r"(t1), "r"(t3)
        : "a0", "memory");
    CHECK_EQ(*CLINT_MTIMECMP(0), (1ull << 60) + MMIO_N - 1);
    CHECK_EQ(a1, (1ull << 60) + MMIO_N);
    *CLINT_MTIMECMP(0) = -1ull;
    for (unsigned i = 1; i < MMIO_N; i++) {
        test_case("mtime samples in order", i);
        CHECK(samples[i] >= samples[i - 1]);
    }
#if SELF_LOOP_PRINT
    printf("mtime samples:");
    for (unsigned i = 0; i < MMIO_N; i += 8) {
        printf(" %lu", (unsigned long)(samples[i] - samples[0]));
    }
    printf(" .. %lu\n", (unsigned long)(samples[MMIO_N - 1] - samples[0]));
#endif
}

int main(void)
{
    hart()->m_hook = hook;
    *CLINT_MTIMECMP(0) = -1ull;
    for (int rep = 0; rep < 2; rep++) {
        check_count();
        check_registers();
        check_fault();
        check_page_fault();
        check_smc(0);
        check_smc(1);
        check_mmio();
    }
    return 0;
}
