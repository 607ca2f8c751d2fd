/*
 * tb-cross-page.c - a translation block whose last instruction crosses
 * into a page that is then remapped (issue 13).  S-mode runs code at
 * VA_CODE through Sv39: page 0 ends with "li a0, 0; c.nop" and the low
 * half of "addi a0, a0, K", whose high half (K) and a "ret" are on page
 * 1.  Page 1 is first mapped to a copy with K = 1, then to one with
 * K = 2 (new PTE + sfence.vma), and then that copy is rewritten to K = 3
 * (a store to the second page of the TB + fence.i).  Each time the code
 * must return the new K, entered directly (jalr to the TB) and through a
 * TB on page 0 that jumps to it (a direct jump the JIT may chain).
 * Translation caches must compare the second page's physical address,
 * not only the first (privileged spec 1.12 section 4.2: after
 * sfence.vma the new mapping is used).
 */
#include <string.h>

#include "guest.h"

#define POOL_BASE 0x81000000ul
#define RAM_BASE 0x80000000ul
#define VA_CODE 0x40000000ul       /* page 0; page 1 at VA_CODE + 4 KiB */
#define ENTRY_DIRECT (VA_CODE + 0xff8)
#define ENTRY_JUMP (VA_CODE + 0xf00)
#define RWX (PTE_R | PTE_W | PTE_X)
#define AD (PTE_A | PTE_D)

static uint64_t pool_next;
static uint64_t root, l1, l0;
static uint64_t page0, page1[3];

static uint64_t page_alloc(void)
{
    uint64_t pa = POOL_BASE + pool_next++ * 4096;

    memset((void *)pa, 0, 4096);
    return pa;
}

static void put16(uint64_t pa, uint16_t v)
{
    *(volatile uint16_t *)pa = v;
}

/* "addi a0, a0, k" */
static uint32_t addi_a0(unsigned k)
{
    return (uint32_t)k << 20 | 10u << 15 | 10u << 7 | 0x13;
}

/* Page 1 of the code with K = @k at its start (the high half of the
 * crossing addi), then "ret" (2-byte aligned). */
static void fill_page1(uint64_t pa, unsigned k)
{
    put16(pa + 0, (uint16_t)(addi_a0(k) >> 16));
    put16(pa + 2, 0x8067);  /* ret = jalr x0, 0(ra): 0x00008067 */
    put16(pa + 4, 0x0000);
}

static void map_page1(uint64_t pa)
{
    ((volatile uint64_t *)l0)[1] = (pa >> 12) << 10 | RWX | AD | PTE_V;
}

static long s_call(long entry)
{
    long r;

    __asm__ volatile("li a0, -1\n"
                     "jalr ra, 0(%1)\n"
                     "mv %0, a0"
                     : "=r"(r) : "r"(entry) : "a0", "ra", "memory");
    return r;
}

/* Remap page 1 in S-mode: the PTE store and sfence.vma of the page. */
static long s_remap(long pa)
{
    map_page1((uint64_t)pa);
    __asm__ volatile("sfence.vma %0" : : "r"(VA_CODE + 4096) : "memory");
    return 0;
}

static void check_both(unsigned k)
{
    for (int i = 0; i < 3; i++) {
        test_case("via jump", k);
        CHECK_EQ(enter_mode(PRV_S, s_call, (long)ENTRY_JUMP), k);
        test_case("direct", k);
        CHECK_EQ(enter_mode(PRV_S, s_call, (long)ENTRY_DIRECT), k);
    }
}

int main(void)
{
    uint32_t lo;

    root = page_alloc();
    l1 = page_alloc();
    l0 = page_alloc();
    page0 = page_alloc();
    for (int i = 0; i < 3; i++) {
        page1[i] = page_alloc();
        fill_page1(page1[i], (unsigned)i + 1);
    }
    /* RAM identity-mapped by a gigapage; VA_CODE through l1/l0. */
    ((volatile uint64_t *)root)[RAM_BASE >> 30] =
        (RAM_BASE >> 12) << 10 | RWX | AD | PTE_V;
    ((volatile uint64_t *)root)[VA_CODE >> 30] = (l1 >> 12) << 10 | PTE_V;
    ((volatile uint64_t *)l1)[0] = (l0 >> 12) << 10 | PTE_V;
    ((volatile uint64_t *)l0)[0] = (page0 >> 12) << 10 | RWX | AD | PTE_V;

    /* page 0: at 0xf00 "li a0, 0; j 0xff8"... padding ... at 0xff8
     * "li a0, 0; c.nop; addi a0, a0, K (low half)" */
    *(volatile uint32_t *)(page0 + 0xf00) = 0x00000513;  /* li a0, 0 */
    /* jal x0, +0xf4 (0xf04 -> 0xff8) */
    *(volatile uint32_t *)(page0 + 0xf04) =
        (0u << 31) | (0x7a << 21) | (0u << 20) | (0u << 12) | 0x6f;
    *(volatile uint32_t *)(page0 + 0xff8) = 0x00000513;  /* li a0, 0 */
    put16(page0 + 0xffc, 0x0001);                        /* c.nop */
    lo = addi_a0(1) & 0xffff; /* the same for every K */
    put16(page0 + 0xffe, (uint16_t)lo);
    map_page1(page1[0]);
    __asm__ volatile("fence.i" : : : "memory");
    csr_write(satp, SATP_MODE_SV39 | root >> 12);
    sfence_vma();

    check_both(1);

    /* a new PTE for page 1, sfence.vma of that page */
    enter_mode(PRV_S, s_remap, (long)page1[1]);
    check_both(2);

    /* a store to the TB's second page */
    fill_page1(page1[1], 3);
    __asm__ volatile("fence.i" : : : "memory");
    check_both(3);

    /* and back to the first copy */
    enter_mode(PRV_S, s_remap, (long)page1[0]);
    check_both(1);

    csr_write(satp, 0);
    sfence_vma();
    return 0;
}
