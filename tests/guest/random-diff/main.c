/*
 * main.c - the guest side of tests/guest/random-diff: maps the random
 * block's buffer (virtual RD_BUF_VA, a 4 KiB page, initially rd_data;
 * rd_ptes[] holds the PTEs for rd_data and rd_data2 and the PTE's
 * address, for the block's remaps) with RAM identity-mapped by a 1 GiB
 * page, installs the misaligned-access emulation of lib/emulate.h, runs
 * the generated random_block() (gen.c) once in S-mode and prints its
 * register dump and both buffer pages, one labelled 64-bit value a line,
 * for the runner to compare between QEMU and breadboard.
 */
#include <stdio.h>

#include "emulate.h"

#define RD_BUF_VA 0x40000000ul
#define RAM_BASE 0x80000000ul
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

extern const char rd_name[];
extern uint64_t rd_regs[32], rd_data[32], rd_data2[32];
void random_block(void);

uint64_t rd_ptes[3];
static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));

static uint64_t pte(const void *pa, uint64_t flags)
{
    return ((uint64_t)(uintptr_t)pa >> 12) << 10 | flags;
}

static long run(long arg)
{
    (void)arg;
    random_block();
    return 0;
}

int main(void)
{
    root[RAM_BASE >> 30] = pte((void *)RAM_BASE, LEAF | PTE_X);
    root[RD_BUF_VA >> 30] = pte(l1, PTE_V);
    l1[0] = pte(l0, PTE_V);
    rd_ptes[0] = pte(rd_data, LEAF);
    rd_ptes[1] = pte(rd_data2, LEAF);
    rd_ptes[2] = (uint64_t)(uintptr_t)&l0[0];
    l0[0] = rd_ptes[0];
    csr_write(satp, SATP_MODE_SV39 | (uint64_t)(uintptr_t)root >> 12);
    __asm__ volatile("sfence.vma" : : : "memory");
    hart()->m_hook = emulate_misaligned;

    enter_mode(PRV_S, run, 0);

    hart()->m_hook = NULL;
    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" : : : "memory");
    printf("%s\n", rd_name);
    for (int r = 1; r < 32; r++) {
        if (r != 3) {
            printf("x%-2d %016lx\n", r, (unsigned long)rd_regs[r]);
        }
    }
    for (int i = 0; i < 32; i++) {
        printf("m%02d %016lx\n", i, (unsigned long)rd_data[i]);
    }
    for (int i = 0; i < 32; i++) {
        printf("n%02d %016lx\n", i, (unsigned long)rd_data2[i]);
    }
    return 0;
}
