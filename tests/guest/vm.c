/*
 * vm.c - virtual memory, privileged spec 1.12 section 4.3-4.6: Sv39,
 * Sv48 and Sv57 walks with 4 KiB pages and every superpage size (2 MiB,
 * 1 GiB, 512 GiB, 256 TiB), misaligned superpages, R/W/X permissions
 * (X-only, W without R reserved), U with SUM and MXR, S never executing
 * U pages, reserved PTE bits 63:54, a pointer PTE at the last level,
 * V = 0, the A and D bits set by the walker (breadboard's and QEMU's
 * choice: the PTE is checked in memory afterwards), non-canonical
 * addresses, page-fault causes 12/13/15 with xtval = the address and
 * xepc = the instruction (or the target, for fetches), delegation of page
 * faults to S, sfence.vma after changing a PTE, MPRV translating M-mode
 * loads and stores, AMO/LR/SC faults.
 *
 * Layout: page tables and test pages come from a pool at 16 MiB into RAM;
 * RAM is identity-mapped by a 1 GiB page (with U for the U-mode runs, a
 * second set of tables) so S runs the program and the M handler reads
 * it physically; test mappings at 0x4000_0000 (4 KiB), 0xc000_0000
 * (2 MiB), 0x1_0000_0000 (1 GiB) and the top of the address space.
 */
#include <string.h>

#include "insn.h"

#define POOL_BASE 0x81000000ul
#define POOL_PAGES 512
#define RAM_BASE 0x80000000ul

#define VA_4K 0x40000000ul         /* 4 KiB test pages: VA_4K + n * 4 KiB */
#define VA_2M 0xc0000000ul         /* 2 MiB pages */
#define VA_1G 0x100000000ul        /* 1 GiB page -> RAM_BASE */
#define PA_2M 0x82000000ul         /* a 2 MiB aligned block of RAM */

#define RWX (PTE_R | PTE_W | PTE_X)
#define AD (PTE_A | PTE_D)

static uint64_t pool_next;
static uint64_t root;
static int levels;                /* 3, 4, 5 */
static uint64_t satp_mode;

static uint64_t page_alloc(void)
{
    uint64_t pa = POOL_BASE + pool_next++ * 4096;

    CHECK(pool_next <= POOL_PAGES);
    memset((void *)pa, 0, 4096);
    return pa;
}

/* The PTE mapping @va at @level (0: 4 KiB), creating tables above it. */
static volatile uint64_t *pte_ptr(uint64_t va, int level)
{
    uint64_t table = root;

    for (int l = levels - 1; l > level; l--) {
        volatile uint64_t *pte =
            (uint64_t *)table + ((va >> (12 + 9 * l)) & 511);
        if (!(*pte & PTE_V)) {
            *pte = (page_alloc() >> 12) << 10 | PTE_V;
        }
        table = (*pte >> 10) << 12;
    }
    return (uint64_t *)table + ((va >> (12 + 9 * level)) & 511);
}

static void map(uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    *pte_ptr(va, level) = (pa >> 12) << 10 | flags;
}

/* New tables: RAM identity-mapped (user: with U), satp set, TLB flushed. */
static void vm_init(int nlevels, bool user)
{
    pool_next = 0;
    levels = nlevels;
    satp_mode = nlevels == 3 ? SATP_MODE_SV39
              : nlevels == 4 ? SATP_MODE_SV48 : SATP_MODE_SV57;
    root = page_alloc();
    map(RAM_BASE, RAM_BASE, 2, RWX | AD | PTE_V | (user ? PTE_U : 0));
    csr_write(satp, satp_mode | root >> 12);
    sfence_vma();
}

static void vm_off(void)
{
    csr_write(satp, 0);
    sfence_vma();
}

/* A fresh 4 KiB page of RAM filled with a pattern of @seed. */
static uint64_t data_page(uint64_t seed)
{
    uint64_t pa = page_alloc();

    for (int i = 0; i < 512; i++) {
        ((volatile uint64_t *)pa)[i] = seed * 0x100000001ull + i;
    }
    return pa;
}

/* A 4 KiB page holding "li a0, 42; ret". */
static uint64_t code_page(void)
{
    uint64_t pa = page_alloc();

    ((volatile uint32_t *)pa)[0] = 0x02a00513;
    ((volatile uint32_t *)pa)[1] = 0x00008067;
    __asm__ volatile("fence.i" : : : "memory");
    return pa;
}

/* ------------------------------------------------ access helpers (any mode) */

static uint64_t try_ld(uint64_t va)
{
    uint64_t v;

    trap_arm();
    v = ld_d(va);
    trap_disarm();
    return v;
}

static void try_sd(uint64_t va, uint64_t v)
{
    trap_arm();
    st_d(va, v);
    trap_disarm();
}

/* Call the code at @va ("li a0, 42; ret"): 42, or 0 after a fault. */
static uint64_t try_call(uint64_t va)
{
    uint64_t r;

    __asm__ volatile("fence.i" : : : "memory");
    trap_arm();
    __asm__ volatile("lla t0, 1f\n"
                     "sd t0, %1\n"
                     "li a0, 0\n"
                     "jalr ra, 0(%2)\n"
                     "1: mv %0, a0"
                     : "=&r"(r), "=m"(hart()->resume_pc) : "r"(va)
                     : "t0", "ra", "a0", "memory");
    trap_disarm();
    return r;
}

#define CHECK_OK_LD(va, want)                                                 \
    do {                                                                      \
        uint64_t v_ = try_ld(va);                                             \
        CHECK_NO_TRAP();                                                      \
        CHECK_EQ(v_, (want));                                                 \
    } while (0)
#define CHECK_FAULT_LD(va)                                                    \
    do {                                                                      \
        try_ld(va);                                                           \
        CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT, (va));                              \
    } while (0)
#define CHECK_OK_SD(va)                                                       \
    do {                                                                      \
        try_sd(va, 0x5d5d);                                                   \
        CHECK_NO_TRAP();                                                      \
    } while (0)
#define CHECK_FAULT_SD(va)                                                    \
    do {                                                                      \
        try_sd(va, 0x5d5d);                                                   \
        CHECK_TRAP(CAUSE_STORE_PAGE_FAULT, (va));                             \
    } while (0)
#define CHECK_OK_X(va)                                                        \
    do {                                                                      \
        CHECK_EQ(try_call(va), 42);                                           \
        CHECK_NO_TRAP();                                                      \
    } while (0)
#define CHECK_FAULT_X(va)                                                     \
    do {                                                                      \
        CHECK_EQ(try_call(va), 0);                                            \
        CHECK_TRAP(CAUSE_FETCH_PAGE_FAULT, (va));                             \
        CHECK_EQ(hart()->trap.epc, (va));                                     \
    } while (0)

/* ------------------------------------------------ page sizes */

static uint64_t pa_4k[8];
static uint64_t pa_code;
static volatile uint64_t marker = 0x6d61726b6572;

static long s_page_sizes(long arg)
{
    (void)arg;
    test_case("4K page", -1);
    CHECK_OK_LD(VA_4K + 8, 1 * 0x100000001ull + 1);
    CHECK_OK_LD(VA_4K + 0x1ff8, 2 * 0x100000001ull + 511);
    CHECK_OK_SD(VA_4K + 16);
    CHECK_EQ(((volatile uint64_t *)pa_4k[0])[2], 0x5d5d);
    test_case("2M page", -1);
    CHECK_OK_LD(VA_2M + 0x1234 * 8, *(volatile uint64_t *)(PA_2M + 0x1234 * 8));
    CHECK_OK_LD(VA_2M + 0x200000 + 0x10, 0x2222);
    test_case("1G page", -1);
    CHECK_OK_LD(VA_1G + ((uintptr_t)&marker - RAM_BASE), 0x6d61726b6572);
    CHECK_OK_SD(VA_1G + ((uintptr_t)&marker - RAM_BASE));
    CHECK_EQ(marker, 0x5d5d);
    marker = 0x6d61726b6572;
    test_case("top of the address space", -1);
    CHECK_OK_LD(0xffffffff80000000ul + ((uintptr_t)&marker - RAM_BASE),
                0x6d61726b6572);
    test_case("code page", -1);
    CHECK_OK_X(VA_4K + 3 * 0x1000);
    return 0;
}

static void setup_page_sizes(void)
{
    pa_4k[0] = data_page(1);
    pa_4k[1] = data_page(2);
    pa_code = code_page();
    map(VA_4K, pa_4k[0], 0, RWX | AD | PTE_V);
    map(VA_4K + 0x1000, pa_4k[1], 0, PTE_R | AD | PTE_V);
    map(VA_4K + 0x3000, pa_code, 0, PTE_X | AD | PTE_V);
    map(VA_2M, PA_2M, 1, PTE_R | PTE_W | AD | PTE_V);
    map(VA_2M + 0x200000, PA_2M + 0x200000, 1, PTE_R | AD | PTE_V);
    ((volatile uint64_t *)(PA_2M + 0x200000))[2] = 0x2222;
    for (int i = 0; i < 16; i++) {
        ((volatile uint64_t *)PA_2M)[0x1230 + i] = 0x777 + i;
    }
    map(VA_1G, RAM_BASE, 2, RWX | AD | PTE_V);
    map(0xffffffff80000000ul, RAM_BASE, 2, RWX | AD | PTE_V);
    sfence_vma();
}

/* ------------------------------------------------ invalid PTEs */

#define VA_BAD 0x40100000ul        /* one 4 KiB page per case */

static const struct {
    const char *name;
    int level;
    uint64_t pa, flags;
} bad[] = {
    { "V = 0", 0, 0, RWX | AD },
    { "W without R", 0, 0, PTE_W | AD | PTE_V },
    { "W and X without R", 0, 0, PTE_W | PTE_X | AD | PTE_V },
    { "reserved bit 54", 0, 0, RWX | AD | PTE_V | 1ull << 54 },
    { "reserved bit 60", 0, 0, RWX | AD | PTE_V | 1ull << 60 },
    { "PBMT without Svpbmt", 0, 0, RWX | AD | PTE_V | 1ull << 61 },
    { "N without Svnapot", 0, 0, RWX | AD | PTE_V | 1ull << 63 },
    { "pointer at level 0", 0, 0, PTE_V },
    { "misaligned 2M page", 1, PA_2M + 0x1000, RWX | AD | PTE_V },
    { "misaligned 1G page", 2, RAM_BASE + 0x200000, RWX | AD | PTE_V },
};

static uint64_t bad_va(unsigned i)
{
    return bad[i].level == 0 ? VA_BAD + i * 0x1000
         : bad[i].level == 1 ? VA_2M + 0x400000 + i * 0x200000
                             : VA_1G + 0x40000000ul * (1 + i);
}

static long s_bad_ptes(long arg)
{
    (void)arg;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t va = bad_va(i) + 0x40;

        test_case(bad[i].name, i);
        try_ld(va);
        if (hart()->count == 0 && i >= 3 && i <= 6) {
            guest_quirk("PTE bits 63:54 are not checked");
            continue;
        }
        CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT, va);
        CHECK_FAULT_SD(va);
        CHECK_FAULT_X(va);
    }
    return 0;
}

static void setup_bad_ptes(void)
{
    uint64_t pa = data_page(9);

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        map(bad_va(i), bad[i].pa ? bad[i].pa : pa, bad[i].level,
            bad[i].flags);
    }
    sfence_vma();
}

/* ------------------------------------------------ permissions */

#define VA_PERM 0x40200000ul
enum { P_RO, P_XO, P_RW, P_RX, P_U_RW, P_U_X, P_U_RO, P_NUM };
static const uint64_t perm_flags[P_NUM] = {
    [P_RO] = PTE_R, [P_XO] = PTE_X, [P_RW] = PTE_R | PTE_W,
    [P_RX] = PTE_R | PTE_X, [P_U_RW] = PTE_U | PTE_R | PTE_W,
    [P_U_X] = PTE_U | PTE_X, [P_U_RO] = PTE_U | PTE_R,
};
#define PV(p) (VA_PERM + (p) * 0x1000ul)

static long s_permissions(long arg)
{
    (void)arg;
    csr_clear(sstatus, MSTATUS_SUM | MSTATUS_MXR);
    test_case("S: read-only", -1);
    CHECK_OK_LD(PV(P_RO) + 8, 0xa0000000aull + 1);
    CHECK_FAULT_SD(PV(P_RO) + 8);
    CHECK_FAULT_X(PV(P_RO));
    test_case("S: execute-only", -1);
    CHECK_FAULT_LD(PV(P_XO) + 16);
    CHECK_FAULT_SD(PV(P_XO) + 16);
    CHECK_OK_X(PV(P_XO));
    test_case("S: read-write", -1);
    CHECK_OK_SD(PV(P_RW));
    CHECK_OK_LD(PV(P_RW), 0x5d5d);
    CHECK_FAULT_X(PV(P_RW));
    test_case("S: read-execute", -1);
    CHECK_OK_X(PV(P_RX));
    CHECK_OK_LD(PV(P_RX), 0x0000806702a00513ull);
    CHECK_FAULT_SD(PV(P_RX));
    /* MXR: execute-only pages become readable (not writable) */
    test_case("S: MXR", -1);
    csr_set(sstatus, MSTATUS_MXR);
    CHECK_OK_LD(PV(P_XO), 0x0000806702a00513ull);
    CHECK_FAULT_SD(PV(P_XO));
    csr_clear(sstatus, MSTATUS_MXR);
    /* U pages: S needs SUM for data, never executes them */
    test_case("S: U page, SUM 0", -1);
    CHECK_FAULT_LD(PV(P_U_RW) + 24);
    CHECK_FAULT_SD(PV(P_U_RW) + 24);
    CHECK_FAULT_X(PV(P_U_X));
    test_case("S: U page, SUM 1", -1);
    csr_set(sstatus, MSTATUS_SUM);
    CHECK_OK_LD(PV(P_U_RW) + 24, 0xe0000000eull + 3);
    CHECK_OK_SD(PV(P_U_RW) + 24);
    CHECK_FAULT_SD(PV(P_U_RO));
    CHECK_FAULT_X(PV(P_U_X));
    CHECK_FAULT_LD(PV(P_U_X));                  /* X-only: needs MXR */
    csr_set(sstatus, MSTATUS_MXR);
    CHECK_OK_LD(PV(P_U_X), 0x0000806702a00513ull);
    csr_clear(sstatus, MSTATUS_SUM | MSTATUS_MXR);
    return 0;
}

/* U-mode run (RAM identity-mapped with U). */
static long u_permissions(long mxr)
{
    test_case("U: U pages", mxr);
    CHECK_OK_LD(PV(P_U_RW) + 32, 0xe0000000eull + 4);
    CHECK_OK_SD(PV(P_U_RW) + 32);
    CHECK_OK_LD(PV(P_U_RO), 0x1000000010ull);
    CHECK_FAULT_SD(PV(P_U_RO));
    CHECK_OK_X(PV(P_U_X));
    if (mxr) {
        CHECK_OK_LD(PV(P_U_X), 0x0000806702a00513ull);
    } else {
        CHECK_FAULT_LD(PV(P_U_X));
    }
    test_case("U: S pages", mxr);
    CHECK_FAULT_LD(PV(P_RW));
    CHECK_FAULT_SD(PV(P_RW));
    CHECK_FAULT_X(PV(P_RX));
    CHECK_FAULT_LD(PV(P_RO));
    return 0;
}

static void setup_permissions(void)
{
    for (int p = 0; p < P_NUM; p++) {
        uint64_t pa = (perm_flags[p] & PTE_X) ? code_page()
                                              : data_page(0xa + p);
        map(PV(p), pa, 0, perm_flags[p] | AD | PTE_V);
    }
    sfence_vma();
}

/* ------------------------------------------------ A and D */

#define VA_AD 0x40300000ul

static long s_access_dirty(long arg)
{
    volatile uint64_t *pte = (volatile uint64_t *)arg;

    test_case("A/D", -1);
    CHECK_EQ(*pte & AD, 0);
    CHECK_OK_LD(VA_AD + 8, 0x1100000011ull + 1);
    CHECK_EQ(*pte & AD, PTE_A);                 /* loaded: A only */
    CHECK_OK_SD(VA_AD + 8);
    CHECK_EQ(*pte & AD, PTE_A | PTE_D);         /* stored: D too */
    /* a store first sets both */
    CHECK_EQ(pte[1] & AD, 0);
    CHECK_OK_SD(VA_AD + 0x1000);
    CHECK_EQ(pte[1] & AD, PTE_A | PTE_D);
    /* a fetch sets A */
    CHECK_EQ(pte[2] & AD, 0);
    CHECK_OK_X(VA_AD + 0x2000);
    CHECK_EQ(pte[2] & AD, PTE_A);
    /* a faulting access sets neither */
    CHECK_FAULT_SD(VA_AD + 0x3000);
    CHECK_EQ(pte[3] & AD, 0);
    return 0;
}

static uint64_t setup_access_dirty(void)
{
    map(VA_AD, data_page(0x11), 0, PTE_R | PTE_W | PTE_V);
    map(VA_AD + 0x1000, data_page(0x12), 0, PTE_R | PTE_W | PTE_V);
    map(VA_AD + 0x2000, code_page(), 0, PTE_X | PTE_V);
    map(VA_AD + 0x3000, data_page(0x13), 0, PTE_R | PTE_V);
    sfence_vma();
    return (uintptr_t)pte_ptr(VA_AD, 0);
}

/* ------------------------------------------------ sfence.vma */

#define VA_SF 0x40400000ul

static long s_sfence(long arg)
{
    volatile uint64_t *pte = (volatile uint64_t *)arg;
    uint64_t old = *pte;

    test_case("sfence.vma", -1);
    CHECK_OK_LD(VA_SF, 0x2100000021ull);
    /* point the PTE at another page: after sfence.vma va the new one */
    *pte = (pte[1] & ~0x3ffull) | (old & 0x3ff);
    __asm__ volatile("sfence.vma %0, zero" : : "r"(VA_SF) : "memory");
    CHECK_OK_LD(VA_SF, 0x2200000022ull);
    /* back, with sfence.vma of everything */
    *pte = old;
    __asm__ volatile("sfence.vma" : : : "memory");
    CHECK_OK_LD(VA_SF, 0x2100000021ull);
    /* invalidate: faults once flushed */
    *pte = old & ~PTE_V;
    __asm__ volatile("sfence.vma %0, zero" : : "r"(VA_SF) : "memory");
    CHECK_FAULT_LD(VA_SF);
    *pte = old;
    __asm__ volatile("sfence.vma zero, zero" : : : "memory");
    CHECK_OK_LD(VA_SF, 0x2100000021ull);
    /* read-only -> writable */
    *pte = old & ~PTE_W;
    __asm__ volatile("sfence.vma" : : : "memory");
    CHECK_FAULT_SD(VA_SF);
    *pte = old;
    __asm__ volatile("sfence.vma %0, zero" : : "r"(VA_SF) : "memory");
    CHECK_OK_SD(VA_SF);
    return 0;
}

static uint64_t setup_sfence(void)
{
    volatile uint64_t *pte;

    map(VA_SF, data_page(0x21), 0, PTE_R | PTE_W | AD | PTE_V);
    /* the second page is described by a PTE that is not valid: only its
     * PPN is borrowed */
    map(VA_SF + 0x1000, data_page(0x22), 0, PTE_R | AD);
    sfence_vma();
    pte = pte_ptr(VA_SF, 0);
    return (uintptr_t)pte;
}

/* ------------------------------------------------ addresses */

static long s_noncanonical(long arg)
{
    static const uint64_t sv39_bad[] = {
        0x0000008000000000ul, 0x4000000000000000ul, 0xffffff7ffffff000ul,
        0x8000000080000000ul,
    };
    static const uint64_t sv48_bad[] = {
        0x0000800000000000ul, 0xffff7ffffffff000ul,
    };
    static const uint64_t sv57_bad[] = {
        0x0100000000000000ul, 0xfeffffffffff0000ul,
    };
    const uint64_t *bad = arg == 3 ? sv39_bad : arg == 4 ? sv48_bad
                                                        : sv57_bad;
    unsigned n = arg == 3 ? 4 : 2;

    for (unsigned i = 0; i < n; i++) {
        test_case("non-canonical", i);
        CHECK_FAULT_LD(bad[i]);
        CHECK_FAULT_SD(bad[i]);
        CHECK_FAULT_X(bad[i]);
    }
    test_case("unmapped", -1);
    CHECK_FAULT_LD(0x7000ul);
    CHECK_FAULT_X(0x7000ul);
    return 0;
}

/* ------------------------------------------------ delegation, AMOs */

static void check_amo_fault(uint64_t va)
{
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.tval, va);
    if (hart()->trap.cause == CAUSE_LOAD_PAGE_FAULT) {
        guest_quirk("an AMO page fault is reported as a load fault (13)");
    } else {
        CHECK_EQ(hart()->trap.cause, CAUSE_STORE_PAGE_FAULT);
    }
}

static long s_delegated_faults(long arg)
{
    uint64_t r = 0;

    (void)arg;
    test_case("delegated page faults", -1);
    try_ld(0x7008ul);
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT, 0x7008ul);
    CHECK_EQ(hart()->trap.level, 'S');
    try_sd(PV(P_RO) + 8, 1);
    CHECK_TRAP(CAUSE_STORE_PAGE_FAULT, PV(P_RO) + 8);
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(try_call(0x7000ul), 0);
    CHECK_TRAP(CAUSE_FETCH_PAGE_FAULT, 0x7000ul);
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.epc, 0x7000ul);
    /* AMOs report store faults; LR a load fault, SC a store fault */
    test_case("AMO page faults", -1);
    trap_arm();
    __asm__ volatile("amoadd.d %0, %1, (%2)" : "=&r"(r)
                     : "r"(1ul), "r"(PV(P_RO)) : "memory");
    trap_disarm();
    check_amo_fault(PV(P_RO));
    trap_arm();
    __asm__ volatile("amoswap.w %0, %1, (%2)" : "=&r"(r)
                     : "r"(1ul), "r"(0x7000ul) : "memory");
    trap_disarm();
    check_amo_fault(0x7000ul);
    trap_arm();
    __asm__ volatile("lr.d %0, (%1)" : "=&r"(r) : "r"(0x7010ul) : "memory");
    trap_disarm();
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT, 0x7010ul);
    trap_arm();
    __asm__ volatile("lr.d %0, (%1)" : "=&r"(r) : "r"(PV(P_RO))
                     : "memory");
    __asm__ volatile("sc.d %0, %1, (%2)" : "=&r"(r) : "r"(1ul),
                     "r"(PV(P_RO)) : "memory");
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(hart()->trap.tval, PV(P_RO));
    return 0;
}

/* ------------------------------------------------ MPRV */

/* A load in M with MPRV set and @set (MPP, SUM, MXR) in mstatus; MPRV is
 * cleared right after it, before anything else touches memory (a trap
 * returns with MPP = U: the stack would then be a U access). */
static uint64_t mprv_ld(uint64_t va, uint64_t set)
{
    uint64_t v = 0;

    csr_clear(mstatus, MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR);
    trap_arm();
    __asm__ volatile("csrs mstatus, %2\n"
                     "ld %0, 0(%1)\n"
                     "csrc mstatus, %3"
                     : "+&r"(v)
                     : "r"(va), "r"(set | MSTATUS_MPRV),
                       "r"(MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR)
                     : "memory");
    trap_disarm();
    csr_set(mstatus, MSTATUS_MPP);
    return v;
}

static uint64_t mprv_sd(uint64_t va, uint64_t set)
{
    csr_clear(mstatus, MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR);
    trap_arm();
    __asm__ volatile("csrs mstatus, %2\n"
                     "sd %0, 0(%1)\n"
                     "csrc mstatus, %3"
                     : : "r"(0x5d5dul), "r"(va), "r"(set | MSTATUS_MPRV),
                       "r"(MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR)
                     : "memory");
    trap_disarm();
    csr_set(mstatus, MSTATUS_MPP);
    return 0;
}

static void check_mprv(void)
{
    uint64_t mpp_s = (uint64_t)PRV_S << 11, mpp_u = (uint64_t)PRV_U << 11;

    /* M with MPRV = 1: loads and stores are translated and checked as
     * MPP's; M itself (MPRV = 0) never is */
    test_case("MPRV, MPP = S", -1);
    CHECK_EQ(mprv_ld(VA_4K + 8, mpp_s), 1 * 0x100000001ull + 1);
    CHECK_NO_TRAP();
    mprv_sd(VA_4K + 0x1000, mpp_s);             /* read-only */
    CHECK_TRAP(CAUSE_STORE_PAGE_FAULT, VA_4K + 0x1000);
    mprv_ld(PV(P_U_RW), mpp_s);                 /* U page, SUM 0 */
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT, PV(P_U_RW));
    CHECK_EQ(mprv_ld(PV(P_U_RW) + 8, mpp_s | MSTATUS_SUM),
             0xe0000000eull + 1);
    CHECK_NO_TRAP();
    mprv_ld(PV(P_XO), mpp_s);                   /* X-only */
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT, PV(P_XO));
    CHECK_EQ(mprv_ld(PV(P_XO), mpp_s | MSTATUS_MXR), 0x0000806702a00513ull);
    CHECK_NO_TRAP();
    test_case("MPRV, MPP = U", -1);
    CHECK_EQ(mprv_ld(PV(P_U_RW) + 8, mpp_u), 0xe0000000eull + 1);
    CHECK_NO_TRAP();
    mprv_ld(VA_4K, mpp_u);                      /* not a U page */
    CHECK_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_4K);
    test_case("MPRV, MPP = M", -1);
    CHECK_EQ(mprv_ld((uintptr_t)&marker, MSTATUS_MPP), 0x6d61726b6572);
    CHECK_NO_TRAP();
    CHECK_EQ(ld_d((uintptr_t)&marker), 0x6d61726b6572);
}

/* ------------------------------------------------ Sv48 / Sv57 */

static long s_deep(long arg)
{
    uint64_t big = arg == 4 ? 0x0000400000000000ul : 0x0080000000000000ul;

    test_case(arg == 4 ? "Sv48" : "Sv57", -1);
    CHECK_OK_LD(VA_4K + 8, 1 * 0x100000001ull + 1);
    CHECK_OK_LD(VA_4K + 0x1ff8, 2 * 0x100000001ull + 511);
    CHECK_OK_LD(VA_1G + ((uintptr_t)&marker - RAM_BASE), 0x6d61726b6572);
    /* the largest page: 512 GiB (Sv48) / 256 TiB (Sv57) at PA 0 */
    CHECK_OK_LD(big + (uintptr_t)&marker, 0x6d61726b6572);
    CHECK_OK_SD(big + (uintptr_t)&marker);
    CHECK_EQ(marker, 0x5d5d);
    marker = 0x6d61726b6572;
    /* misaligned largest page */
    CHECK_FAULT_LD(big + (arg == 4 ? 0x8000000000ul : 0x1000000000000ul));
    return 0;
}

static void check_deep(int nlevels)
{
    uint64_t big = nlevels == 4 ? 0x0000400000000000ul : 0x0080000000000000ul;
    uint64_t mode = nlevels == 4 ? SATP_MODE_SV48 : SATP_MODE_SV57;

    csr_write(satp, mode);
    if (csr_read(satp) != mode) {
        /* not supported (the write left satp alone): nothing to test */
        csr_write(satp, 0);
        guest_puts(nlevels == 4 ? "note: no Sv48" : "note: no Sv57");
        return;
    }
    csr_write(satp, 0);
    vm_init(nlevels, false);
    pa_4k[0] = data_page(1);
    pa_4k[1] = data_page(2);
    map(VA_4K, pa_4k[0], 0, RWX | AD | PTE_V);
    map(VA_4K + 0x1000, pa_4k[1], 0, PTE_R | AD | PTE_V);
    map(VA_1G, RAM_BASE, 2, RWX | AD | PTE_V);
    map(big, 0, nlevels - 1, RWX | AD | PTE_V);
    /* the next largest-page slot, misaligned */
    map(big + (nlevels == 4 ? 0x8000000000ul : 0x1000000000000ul),
        RAM_BASE, nlevels - 1, RWX | AD | PTE_V);
    sfence_vma();
    CHECK_EQ(enter_mode(PRV_S, s_deep, nlevels), 0);
    CHECK_EQ(enter_mode(PRV_S, s_noncanonical, nlevels), 0);
    vm_off();
}

int main(void)
{
    uint64_t pte;

    /* Sv39 */
    vm_init(3, false);
    setup_page_sizes();
    setup_bad_ptes();
    setup_permissions();
    CHECK_EQ(enter_mode(PRV_S, s_page_sizes, 0), 0);
    CHECK_EQ(enter_mode(PRV_S, s_bad_ptes, 0), 0);
    CHECK_EQ(enter_mode(PRV_S, s_permissions, 0), 0);
    pte = setup_access_dirty();
    CHECK_EQ(enter_mode(PRV_S, s_access_dirty, pte), 0);
    pte = setup_sfence();
    CHECK_EQ(enter_mode(PRV_S, s_sfence, pte), 0);
    CHECK_EQ(enter_mode(PRV_S, s_noncanonical, 3), 0);
    check_mprv();
    csr_write(medeleg, 1u << CAUSE_LOAD_PAGE_FAULT |
                           1u << CAUSE_STORE_PAGE_FAULT |
                           1u << CAUSE_FETCH_PAGE_FAULT);
    CHECK_EQ(enter_mode(PRV_S, s_delegated_faults, 0), 0);
    csr_write(medeleg, 0);

    /* U-mode runs: the same test pages, RAM identity-mapped with U */
    vm_init(3, true);
    setup_permissions();
    CHECK_EQ(enter_mode(PRV_U, u_permissions, 0), 0);
    setup_permissions();                        /* fresh pages */
    CHECK_EQ(enter_mode_ex(PRV_U, u_permissions, 1, 0, MSTATUS_MXR), 0);
    csr_clear(mstatus, MSTATUS_MXR);
    vm_off();

    check_deep(4);
    check_deep(5);
    return 0;
}
