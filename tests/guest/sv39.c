/*
 * sv39.c - the MMU and PMP end to end, from S-mode through hand-built
 * Sv39 tables (privileged spec 1.12 sections 3.1.6.3, 3.7, 4.3-4.4):
 * M-mode loads through the tables with MPRV and MPP = S; the hardware
 * sets A on a load and D on a store; stores and AMOs to a read-only page
 * fault (15) while LR does not, and an sfence.vma of the page makes a
 * new W bit visible; S never executes a U page (not even with SUM, after
 * a data access has filled it: QEMU 7.2 runs it, a quirk) and reads it
 * only with SUM; an execute-only page is readable only with MXR; a
 * non-canonical or unmapped address page-faults; the gigapage's high
 * alias reads the same memory; a leaf pointing at nothing or at a
 * PMP-denied page gives an access fault (5) with mtval the virtual
 * address; misaligned loads/stores/AMOs trap (4/6/6; QEMU 7.2 does the
 * loads and stores in hardware and reports 4 for the AMO: quirks).  No
 * delegation: every trap goes to M, which records it.
 */
#include "guest.h"

#define PAGE 4096
#define PTE(pa, flags) (((uint64_t)(pa) >> 12) << 10 | (flags))

static volatile uint64_t root[512] __attribute__((aligned(PAGE)));
static volatile uint64_t l1[512] __attribute__((aligned(PAGE)));
static volatile uint64_t l0[512] __attribute__((aligned(PAGE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE)));
static volatile uint64_t data2[512] __attribute__((aligned(PAGE)));
static volatile uint64_t upage[512] __attribute__((aligned(PAGE)));
static volatile uint64_t secret[512] __attribute__((aligned(PAGE)));

/* The virtual pages S-mode probes (l0[n] maps 0x1000 * n). */
#define VA_DATA 0x1000ul     /* data, RW, A and D clear */
#define VA_RO 0x2000ul       /* data2, R, A */
#define VA_USER 0x3000ul     /* upage, RWX U, A D */
#define VA_XONLY 0x4000ul    /* data2, X only, A */
#define VA_NOTHING 0x5000ul  /* 0x10000000: no device, no RAM */
#define VA_SECRET 0x6000ul   /* secret: denied to S/U by PMP */
#define VA_UNMAPPED 0x7000ul
#define HIGH_ALIAS 0xffffffc000000000ul /* root[256]: the 0x80000000 GiB */
#define RAM_GIGAPAGE 0x80000000ul

/* After trap_arm() and an access: exactly one trap / none (disarms) */
#define EXPECT_TRAP(cause, tval)                                              \
    do {                                                                      \
        trap_disarm();                                                        \
        CHECK_TRAP(cause, tval);                                              \
    } while (0)
#define EXPECT_NONE()                                                         \
    do {                                                                      \
        trap_disarm();                                                        \
        CHECK_NO_TRAP();                                                      \
    } while (0)

/* Jump to @va and come back: a fetch fault resumes after the jalr, and
 * so does the code there if it runs (a "ret"). */
static void try_fetch(uint64_t va)
{
    trap_arm();
    __asm__ volatile("lla t1, 1f\n"
                     "sd t1, 0(%0)\n"
                     "jalr ra, 0(%1)\n"
                     "1:"
                     : : "r"(&cur_hart->resume_pc), "r"(va)
                     : "t1", "ra", "memory");
}

static uint64_t amoadd_d(uintptr_t a, uint64_t v)
{
    uint64_t r;

    __asm__ volatile("amoadd.d %0, %1, (%2)" : "=&r"(r) : "r"(v), "r"(a)
                     : "memory");
    return r;
}

static uint64_t amoswap_d(uintptr_t a, uint64_t v)
{
    uint64_t r;

    __asm__ volatile("amoswap.d %0, %1, (%2)" : "=&r"(r) : "r"(v), "r"(a)
                     : "memory");
    return r;
}

static uint64_t lr_d(uintptr_t a)
{
    uint64_t r;

    __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(a) : "memory");
    return r;
}

static void setup(void)
{
    /* PMP: entry 0 denies the secret page to S/U, entry 1 allows all */
    csr_write(pmpaddr0, ((uintptr_t)secret >> 2) | ((PAGE >> 3) - 1));
    csr_write(pmpaddr1, -1);
    csr_write(pmpcfg0, (PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8 | PMP_NAPOT);

    root[2] = PTE(RAM_GIGAPAGE, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A |
                  PTE_D);
    root[256] = root[2];
    root[0] = PTE(l1, PTE_V);
    l1[0] = PTE(l0, PTE_V);
    l0[VA_DATA >> 12] = PTE(data, PTE_V | PTE_R | PTE_W);
    l0[VA_RO >> 12] = PTE(data2, PTE_V | PTE_R | PTE_A);
    l0[VA_USER >> 12] = PTE(upage, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U |
                                       PTE_A | PTE_D);
    l0[VA_XONLY >> 12] = PTE(data2, PTE_V | PTE_X | PTE_A);
    l0[VA_NOTHING >> 12] = PTE(0x10000000, PTE_V | PTE_R | PTE_A);
    l0[VA_SECRET >> 12] = PTE(secret, PTE_V | PTE_R | PTE_A);

    upage[0] = 0x00008067;   /* ret */
    data[0] = 0x1122334455667788ul;
    data2[0] = 0x99;
    csr_write(satp, SATP_MODE_SV39 | (uintptr_t)root >> 12);
    sfence_vma();
}

/* M-mode with MPRV and MPP = S: loads go through the page tables. */
static void check_mprv(void)
{
    uint64_t v;

    test_case("MPRV", -1);
    csr_clear(mstatus, MSTATUS_MPP);
    __asm__ volatile("csrs mstatus, %1\n"
                     "ld %0, 0(%2)\n"
                     "csrc mstatus, %1"
                     : "=&r"(v)
                     : "r"(MSTATUS_MPRV | (uint64_t)PRV_S << 11), "r"(VA_RO)
                     : "memory");
    CHECK_EQ(v, 0x99);
}

static void check_accessed_dirty(void)
{
    test_case("A/D", -1);
    trap_arm();
    CHECK_EQ(ld_d(VA_DATA), 0x1122334455667788ul);
    EXPECT_NONE();
    CHECK_EQ(l0[VA_DATA >> 12] & (PTE_A | PTE_D), PTE_A);
    trap_arm();
    st_d(VA_DATA + 8, 0x55);
    EXPECT_NONE();
    CHECK_EQ(l0[VA_DATA >> 12] & (PTE_A | PTE_D), PTE_A | PTE_D);
    CHECK_EQ(ld_d(VA_DATA + 8), 0x55);
}

static void check_read_only(void)
{
    test_case("read-only page", -1);
    trap_arm();
    st_d(VA_RO + 8, 0);
    EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_RO + 8);
    trap_arm();
    amoadd_d(VA_RO + 8, 1);
    EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_RO + 8);
    trap_arm();
    lr_d(VA_RO + 8);
    EXPECT_NONE();
    /* writable now: sfence.vma of just that page */
    l0[VA_RO >> 12] |= PTE_W | PTE_D;
    __asm__ volatile("sfence.vma %0" : : "r"(VA_RO + 8) : "memory");
    trap_arm();
    st_d(VA_RO + 8, 0x77);
    EXPECT_NONE();
    CHECK_EQ(ld_d(VA_RO + 8), 0x77);
}

static void check_user_page(void)
{
    test_case("U page", -1);
    try_fetch(VA_USER);
    EXPECT_TRAP(CAUSE_FETCH_PAGE_FAULT, VA_USER);
    trap_arm();
    ld_d(VA_USER);
    EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_USER);
    trap_arm();
    st_d(VA_USER + 8, 0);
    EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_USER + 8);

    csr_set(sstatus, MSTATUS_SUM);
    trap_arm();
    CHECK_EQ(ld_d(VA_USER), 0x00008067);
    EXPECT_NONE();
    /* SUM is about loads and stores: still no execution */
    try_fetch(VA_USER);
    trap_disarm();
    if (hart()->count == 0) {
        guest_quirk("S-mode executed a U page (SUM set, after a load)");
    } else {
        CHECK_TRAP(CAUSE_FETCH_PAGE_FAULT, VA_USER);
    }
    csr_clear(sstatus, MSTATUS_SUM);
}

static void check_execute_only(void)
{
    test_case("X-only page", -1);
    trap_arm();
    ld_d(VA_XONLY);
    EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_XONLY);
    csr_set(sstatus, MSTATUS_MXR);
    trap_arm();
    CHECK_EQ(ld_d(VA_XONLY), 0x99);
    EXPECT_NONE();
    csr_clear(sstatus, MSTATUS_MXR);
}

static void check_bad_addresses(void)
{
    uintptr_t alias = (uintptr_t)data - RAM_GIGAPAGE + HIGH_ALIAS;

    test_case("non-canonical", -1);
    trap_arm();
    ld_d(0x0000004000000000ul);
    EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, 0x0000004000000000ul);
    test_case("unmapped", -1);
    trap_arm();
    st_w(VA_UNMAPPED, 0);
    EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_UNMAPPED);
    test_case("high alias", -1);
    CHECK_EQ(ld_d(alias), 0x1122334455667788ul);

    /* access faults: nothing at the physical address; PMP-denied */
    test_case("access fault", -1);
    trap_arm();
    ld_d(VA_NOTHING + 0x10);
    EXPECT_TRAP(CAUSE_LOAD_ACCESS, VA_NOTHING + 0x10);
    trap_arm();
    ld_w(VA_SECRET);
    EXPECT_TRAP(CAUSE_LOAD_ACCESS, VA_SECRET);
}

static void check_misaligned(void)
{
    uint64_t v;

    test_case("misaligned ld", -1);
    trap_arm();
    v = ld_d(VA_DATA + 1);
    trap_disarm();
    if (hart()->count == 0) {
        guest_quirk("misaligned loads are done in hardware");
        CHECK_EQ(v, data[0] >> 8 | data[1] << 56);
    } else {
        CHECK_TRAP(CAUSE_MISALIGNED_LOAD, VA_DATA + 1);
    }
    test_case("misaligned sw", -1);
    trap_arm();
    st_w(VA_DATA + 1, data[0]);
    trap_disarm();
    if (hart()->count == 0) {
        guest_quirk("misaligned stores are done in hardware");
    } else {
        CHECK_TRAP(CAUSE_MISALIGNED_STORE, VA_DATA + 1);
    }
    test_case("misaligned amoswap.d", -1);
    trap_arm();
    amoswap_d(VA_DATA + 4, 0);
    trap_disarm();
    if (hart()->count == 1 && hart()->trap.cause == CAUSE_MISALIGNED_LOAD) {
        guest_quirk("misaligned AMO raises cause 4, not 6");
    } else {
        CHECK_TRAP(CAUSE_MISALIGNED_STORE, VA_DATA + 4);
    }
}

static long s_main(long arg)
{
    (void)arg;
    check_accessed_dirty();
    check_read_only();
    check_user_page();
    check_execute_only();
    check_bad_addresses();
    check_misaligned();
    return 0;
}

int main(void)
{
    setup();
    check_mprv();
    CHECK_EQ(enter_mode(PRV_S, s_main, 0), 0);
    csr_write(satp, 0);
    sfence_vma();
    pmp_clear_all();
    pmp_open_all();
    return 0;
}
