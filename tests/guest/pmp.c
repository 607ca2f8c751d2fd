/*
 * pmp.c - physical memory protection, privileged spec 1.12 section 3.7,
 * on a hart with 16 entries and 4-byte granularity (breadboard's riscv64
 * and QEMU's): pmpcfg/pmpaddr WARL (odd pmpcfg illegal on RV64 is in
 * csr.c; R=0 W=1 never reads back), TOR (also entry 0 from address 0),
 * NA4 and NAPOT matching, the lowest-numbered matching entry deciding, an
 * access only partly inside the matching entry failing, S and U denied
 * where no entry matches, M only bound by locked entries (and by all
 * through MPRV), the lock bit ignoring writes to the entry (and to the
 * address below a locked TOR entry), access faults 1/5/7 with mtval =
 * the address.  The locking cases come last: only a reset unlocks.
 */
#include "insn.h"

#define T 0x81000000ul             /* 16 KiB of test memory */

static void pmp_set(unsigned i, uint64_t addr, unsigned cfg)
{
    uint64_t c;

    switch (i) {
#define A(n)                                                                  \
    case n:                                                                   \
        csr_write(pmpaddr##n, addr);                                          \
        break;
        A(0) A(1) A(2) A(3) A(4) A(5) A(6) A(7)
        A(8) A(9) A(10) A(11) A(12) A(13) A(14) A(15)
#undef A
    }
    if (i < 8) {
        c = csr_read(pmpcfg0);
        c = (c & ~(0xffull << (8 * i))) | (uint64_t)cfg << (8 * i);
        csr_write(pmpcfg0, c);
    } else {
        c = csr_read(pmpcfg2);
        c = (c & ~(0xffull << (8 * (i - 8)))) | (uint64_t)cfg << (8 * (i - 8));
        csr_write(pmpcfg2, c);
    }
}

static uint64_t pmp_addr(unsigned i)
{
    switch (i) {
#define A(n)                                                                  \
    case n:                                                                   \
        return csr_read(pmpaddr##n);
        A(0) A(1) A(2) A(3) A(4) A(5) A(6) A(7)
        A(8) A(9) A(10) A(11) A(12) A(13) A(14) A(15)
#undef A
    }
    return 0;
}

static unsigned pmp_cfg(unsigned i)
{
    return (i < 8 ? csr_read(pmpcfg0) >> (8 * i)
                  : csr_read(pmpcfg2) >> (8 * (i - 8))) & 0xff;
}

static uint64_t napot(uint64_t base, uint64_t size)
{
    return (base >> 2) | ((size >> 3) - 1);
}

/* ------------------------------------------------ accesses (any mode) */

static uint64_t try_ld(uint64_t a)
{
    uint64_t v;

    trap_arm();
    v = ld_d(a);
    trap_disarm();
    return v;
}

static uint64_t try_lw(uint64_t a)
{
    uint64_t v;

    trap_arm();
    v = ld_w(a);
    trap_disarm();
    return v;
}

static void try_sd(uint64_t a)
{
    trap_arm();
    st_d(a, 0x5d5d);
    trap_disarm();
}

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

#define LD_OK(a)                                                              \
    do {                                                                      \
        try_ld(a);                                                            \
        CHECK_NO_TRAP();                                                      \
    } while (0)
#define LD_FAULT(a)                                                           \
    do {                                                                      \
        try_ld(a);                                                            \
        CHECK_TRAP(CAUSE_LOAD_ACCESS, (a));                                   \
    } while (0)
#define SD_OK(a)                                                              \
    do {                                                                      \
        try_sd(a);                                                            \
        CHECK_NO_TRAP();                                                      \
    } while (0)
#define SD_FAULT(a)                                                           \
    do {                                                                      \
        try_sd(a);                                                            \
        CHECK_TRAP(CAUSE_STORE_ACCESS, (a));                                  \
    } while (0)
#define X_OK(a)                                                               \
    do {                                                                      \
        CHECK_EQ(try_call(a), 42);                                            \
        CHECK_NO_TRAP();                                                      \
    } while (0)
#define X_FAULT(a)                                                            \
    do {                                                                      \
        CHECK_EQ(try_call(a), 0);                                             \
        CHECK_TRAP(CAUSE_FETCH_ACCESS, (a));                                  \
    } while (0)

static void put_code(uint64_t a)
{
    ((volatile uint32_t *)a)[0] = 0x02a00513;   /* li a0, 42 */
    ((volatile uint32_t *)a)[1] = 0x00008067;   /* ret */
}

/*
 * The layout for S and U:
 *   0  NA4    T+0x000        R
 *   1  NAPOT  T+0x100 +0x100 RW
 *   2  OFF    (T+0x200: base of 3)
 *   3  TOR    T+0x200..0x300 X
 *   4  NAPOT  T+0x400 +0x400 none
 *   5  NAPOT  T+0x800 +0x800 R        (inside 6: 5 wins)
 *   6  NAPOT  T       +0x2000 RWX
 *   15 NAPOT  everything     RWX      (the program itself)
 */
static void layout(void)
{
    pmp_clear_all();
    pmp_set(0, T >> 2, PMP_NA4 | PMP_R);
    pmp_set(1, napot(T + 0x100, 0x100), PMP_NAPOT | PMP_R | PMP_W);
    pmp_set(2, (T + 0x200) >> 2, PMP_OFF);
    pmp_set(3, (T + 0x300) >> 2, PMP_TOR | PMP_X);
    pmp_set(4, napot(T + 0x400, 0x400), PMP_NAPOT);
    pmp_set(5, napot(T + 0x800, 0x800), PMP_NAPOT | PMP_R);
    pmp_set(6, napot(T, 0x2000), PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    pmp_set(15, -1ul, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    sfence_vma();
}

static long lower_checks(long priv)
{
    test_case(priv == PRV_S ? "S: NA4 R" : "U: NA4 R", -1);
    CHECK_EQ(try_lw(T), 0x11111111);
    CHECK_NO_TRAP();
    SD_FAULT(T);
    try_ld(T);                          /* 8 bytes: only half inside NA4 */
    CHECK_TRAP(CAUSE_LOAD_ACCESS, T);
    LD_OK(T + 8);                       /* entry 6 */
    test_case("NAPOT RW", priv);
    SD_OK(T + 0x100);
    SD_OK(T + 0x1f8);
    X_FAULT(T + 0x180);
    test_case("TOR X", priv);
    X_OK(T + 0x200);
    LD_FAULT(T + 0x200);
    SD_FAULT(T + 0x2f8);
    test_case("NAPOT none", priv);
    LD_FAULT(T + 0x400);
    SD_FAULT(T + 0x7f8);
    X_FAULT(T + 0x500);
    test_case("priority", priv);
    LD_OK(T + 0x800);
    SD_FAULT(T + 0x800);                /* 5 (R) before 6 (RW) */
    SD_FAULT(T + 0xff8);
    SD_OK(T + 0x1000);                  /* only 6 */
    X_OK(T + 0x1800);
    X_FAULT(T + 0xc00);
    return 0;
}

static void check_warl(void)
{
    test_case("pmpaddr/pmpcfg WARL", -1);
    pmp_clear_all();
    /* 4-byte granularity: every pmpaddr bit (53:0) is writable */
    pmp_set(3, -1ul, PMP_OFF);
    CHECK_EQ(pmp_addr(3) & ((1ull << 54) - 1), (1ull << 54) - 1);
    if (pmp_addr(3) >> 54) {
        guest_quirk("pmpaddr bits 63:54 are writable");
    }
    pmp_set(3, 0x123456789ul, PMP_OFF);
    CHECK_EQ(pmp_addr(3), 0x123456789ul);
    for (unsigned cfg = 0; cfg < 0x80; cfg++) {
        unsigned v;

        test_case("pmpcfg value", cfg);
        if (cfg & 0x60) {
            continue;                   /* bits 6:5 are reserved (WARL 0) */
        }
        pmp_set(10, 0, cfg);
        v = pmp_cfg(10);
        if ((cfg & (PMP_R | PMP_W)) == PMP_W) {
            /* reserved: must not read back as R=0 W=1 */
            if ((v & (PMP_R | PMP_W)) == PMP_W) {
                guest_quirk("pmpcfg holds the reserved R=0 W=1");
            }
        } else {
            CHECK_EQ(v, cfg);
        }
    }
    pmp_clear_all();
    pmp_open_all();
}

/* M-mode: unlocked entries do not apply; MPRV makes them apply. */
static uint64_t mprv_ld(uint64_t a, uint64_t mpp)
{
    uint64_t v = 0;

    csr_clear(mstatus, MSTATUS_MPP);
    trap_arm();
    __asm__ volatile("csrs mstatus, %2\n"
                     "ld %0, 0(%1)\n"
                     "csrc mstatus, %3"
                     : "+&r"(v) : "r"(a), "r"(mpp << 11 | MSTATUS_MPRV),
                       "r"(MSTATUS_MPRV) : "memory");
    trap_disarm();
    csr_set(mstatus, MSTATUS_MPP);
    return v;
}

static void check_m_mode(void)
{
    test_case("M ignores unlocked entries", -1);
    LD_OK(T + 0x400);
    SD_OK(T + 0x400);
    trap_arm();
    st_w(T, 0x11111111);                /* NA4, R only */
    trap_disarm();
    CHECK_NO_TRAP();
    X_OK(T + 0x500);
    try_ld(T);                          /* half inside NA4: still fails */
    if (hart()->count == 0) {
        guest_quirk("an M access partly inside a PMP entry succeeds");
    } else {
        CHECK_TRAP(CAUSE_LOAD_ACCESS, T);
    }
    test_case("MPRV", -1);
    mprv_ld(T + 0x400, PRV_S);
    CHECK_TRAP(CAUSE_LOAD_ACCESS, T + 0x400);
    mprv_ld(T + 0x400, PRV_U);
    CHECK_TRAP(CAUSE_LOAD_ACCESS, T + 0x400);
    CHECK_EQ(mprv_ld(T + 0x800, PRV_U), 0x5555555555555555ull);
    CHECK_NO_TRAP();
    /* no entry matches: S and U fail, M succeeds */
    pmp_set(15, 0, PMP_OFF);
    sfence_vma();
    mprv_ld(T + 0x3000, PRV_S);
    CHECK_TRAP(CAUSE_LOAD_ACCESS, T + 0x3000);
    LD_OK(T + 0x3000);
    pmp_set(15, -1ul, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    sfence_vma();
    /* TOR in entry 0: from address 0 up to pmpaddr0 */
    test_case("TOR entry 0", -1);
    pmp_set(0, (T + 0x20) >> 2, PMP_TOR);
    sfence_vma();
    mprv_ld(T + 0x18, PRV_S);
    CHECK_TRAP(CAUSE_LOAD_ACCESS, T + 0x18);
    mprv_ld(0x80000000ul + 0x1000, PRV_S);
    CHECK_TRAP(CAUSE_LOAD_ACCESS, 0x80001000ul);
    CHECK_EQ(mprv_ld(T + 0x20, PRV_S), 0x5555555555555555ull);
    CHECK_NO_TRAP();
    layout();
}

/* Locking: last, only a reset undoes it. */
static void check_lock(void)
{
    test_case("lock", -1);
    pmp_set(7, napot(T + 0x3000, 0x400), PMP_NAPOT | PMP_L);
    pmp_set(8, (T + 0x3800) >> 2, PMP_OFF);   /* the base of 9 */
    pmp_set(9, (T + 0x3900) >> 2, PMP_TOR | PMP_R | PMP_L);
    sfence_vma();
    CHECK_EQ(pmp_cfg(7), PMP_NAPOT | PMP_L);
    CHECK_EQ(pmp_cfg(9), PMP_TOR | PMP_R | PMP_L);
    /* a locked entry binds M */
    LD_FAULT(T + 0x3000);
    SD_FAULT(T + 0x33f8);
    X_FAULT(T + 0x3100);
    /* writes to a locked entry and the pmpaddr below a locked TOR are
     * ignored */
    pmp_set(7, 0x1234, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    CHECK_EQ(pmp_cfg(7), PMP_NAPOT | PMP_L);
    CHECK_EQ(pmp_addr(7), napot(T + 0x3000, 0x400));
    pmp_set(8, (T + 0x3a00) >> 2, PMP_OFF);
    CHECK_EQ(pmp_addr(8), (T + 0x3800) >> 2);
    pmp_set(9, (T + 0x3a00) >> 2, PMP_TOR | PMP_R | PMP_W | PMP_X);
    CHECK_EQ(pmp_addr(9), (T + 0x3900) >> 2);
    CHECK_EQ(pmp_cfg(9), PMP_TOR | PMP_R | PMP_L);
    sfence_vma();
    /* entry 9, [T + 0x3800, T + 0x3900) R: M may read but not write or
     * execute there */
    LD_OK(T + 0x3800);
    SD_FAULT(T + 0x38f8);
    X_FAULT(T + 0x3880);
    SD_OK(T + 0x3900);                  /* above it */
    /* entry 8 is not locked: its cfg may change (addr is frozen) */
    pmp_set(8, 0, PMP_NA4 | PMP_R);
    CHECK_EQ(pmp_cfg(8), PMP_NA4 | PMP_R);
    pmp_set(8, 0, PMP_OFF);
}

static long s_fetch_everywhere(long arg)
{
    (void)arg;
    return 7;
}

int main(void)
{
    check_warl();

    /* test memory: T+0 words of 1s, 5s elsewhere, code at 0x200, 0x500,
     * 0x1800, 0x2400, 0x3100, 0x3880 */
    for (uint64_t a = T; a < T + 0x4000; a += 8) {
        *(volatile uint64_t *)a = 0x5555555555555555ull;
    }
    *(volatile uint64_t *)T = 0x1111111111111111ull;
    put_code(T + 0x180);
    put_code(T + 0x200);
    put_code(T + 0x500);
    put_code(T + 0xc00);
    put_code(T + 0x1800);
    put_code(T + 0x2400);
    put_code(T + 0x3100);
    put_code(T + 0x3880);
    __asm__ volatile("fence.i" : : : "memory");

    layout();
    CHECK_EQ(enter_mode(PRV_S, lower_checks, PRV_S), 0);
    layout();
    CHECK_EQ(enter_mode(PRV_U, lower_checks, PRV_U), 0);
    layout();
    check_m_mode();
    layout();
    check_lock();
    /* S and U still run (entry 15) */
    CHECK_EQ(enter_mode(PRV_S, s_fetch_everywhere, 0), 7);
    return 0;
}
