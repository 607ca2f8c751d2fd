/*
 * ma-sbi.c - misaligned loads and stores emulated by OpenSBI (issue 13):
 * an S-mode test kernel for the riscv-virt board under Debian's OpenSBI
 * fw_jump.  breadboard's hart traps misaligned accesses (docs/riscv.md),
 * so every misaligned load or store below is carried out by OpenSBI's
 * M-mode trap handler, byte by byte with MPRV set (the accessing mode's
 * translation), and resumed; QEMU does them in hardware, which makes it
 * the oracle for the same binary.
 *
 * Each setup runs, from the same initial bytes, on a 64-byte-aligned
 * buffer (in a data page, in the page of the code that accesses it, or
 * 64 bytes before a page boundary), in S or U mode, with no paging, Sv39
 * identity, Sv39 through an alias gigapage, or Sv39 through 4 KiB pages
 * whose A and D bits the hart must set (also for OpenSBI's accesses) and
 * that may be mapped on demand (a page fault of OpenSBI's MPRV access is
 * redirected to S-mode, which maps the page and returns to the
 * instruction):
 *   - the 180 checks of riscv-tests' rv64ui ma_data in order, straight-
 *     line code as in the original (ma-checks.h; issue 13's failure was
 *     its check 156), expected values from a byte model;
 *   - a sweep of mixed-width stores (sb/sh/sw/sd) across the 8-, 16-,
 *     32- and 64-byte boundaries, each read back by every load width and
 *     signedness at every offset that overlaps it;
 *   - a comparison of the whole buffer with the model.
 * The code run in U-mode under Sv39 runs from an alias mapping, so it
 * touches nothing but its arguments, its stack and pc-relative calls.
 *
 * One line per setup on the SBI console, "ma-sbi: PASS" or "ma-sbi:
 * FAIL" and an SBI SRST shutdown (reason "system failure" on FAIL).
 * Built with -DMA_SBI_BREAK, the first setup expects the wrong value at
 * check 156, to show that a failing check is caught and reported.
 * Freestanding: no libc.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ma-checks.h"

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_SRST 0x53525354

#define RAM_BASE 0x80000000ull
#define BUF_SIZE 384            /* ma_data's 128 bytes + 255 of 0x50 */
#define NB_INIT 128
#define FILL 0x50

/* Sv39 gigapages: the identity one for S, an S alias and a U alias;
 * and windows of 4 KiB pages over the 2 MiB the kernel is in, for S and
 * for U, whose PTEs start with A and D clear (the hart sets them). */
#define S_ALIAS 0x140000000ull
#define U_ALIAS 0x100000000ull
#define S_4K 0x180000000ull
#define U_4K 0x1c0000000ull
#define KERNEL_2M 0x80200000ull
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define SATP_SV39 (8ull << 60)

extern uint8_t code_buf[BUF_SIZE];
extern char u_tramp[];
long run_user(uintptr_t fn, uintptr_t arg0, uintptr_t arg1,
              uintptr_t user_sp, uintptr_t tramp);
void ma_main(void);
void ma_trap(uint64_t cause, uint64_t epc, uint64_t tval, uint64_t user);
uint64_t ma_page_fault(uint64_t cause, uint64_t tval);

static uint8_t data_buf[BUF_SIZE] __attribute__((aligned(4096)));
/* Two pages: the buffer placed 64 bytes before the second makes ma_data's
 * "cacheline crossing" checks and the sweep's 64-byte boundary cross a
 * page (two translations per emulated access). */
static uint8_t cross_area[8192] __attribute__((aligned(4096)));
#define CROSS_BUF (cross_area + 4096 - 64)
static uint64_t root_pt[512] __attribute__((aligned(4096)));
static uint64_t l1_s[512] __attribute__((aligned(4096)));
static uint64_t l0_s[512] __attribute__((aligned(4096)));
static uint64_t l1_u[512] __attribute__((aligned(4096)));
static uint64_t l0_u[512] __attribute__((aligned(4096)));
static uint8_t user_stack[8192] __attribute__((aligned(16)));

/*
 * What the code under test reads and writes, passed by address (so an
 * alias works): the expected value of each ma_data check and, on a
 * mismatch, where and what.
 */
struct ctx {
    uint64_t want[MA_NB_CHECKS + 1];
    uint64_t fail_got, fail_want;
    uint64_t fail_where;        /* sweep: store, load and offsets */
    uint8_t model[BUF_SIZE];    /* the sweep's own copy */
};
static struct ctx ctx;

/* ------------------------------------------------------------ SBI */

static long sbi_call(long eid, long fid, long arg0, long arg1)
{
    register long a0 __asm__("a0") = arg0;
    register long a1 __asm__("a1") = arg1;
    register long a6 __asm__("a6") = fid;
    register long a7 __asm__("a7") = eid;

    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7)
                     : "memory");
    return a0;
}

static void put_str(const char *s)
{
    while (*s) {
        sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)*s++, 0);
    }
}

static void put_hex(uint64_t v)
{
    char b[19];

    b[0] = '0';
    b[1] = 'x';
    for (int i = 0; i < 16; i++) {
        b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    }
    b[18] = 0;
    put_str(b);
}

static void put_dec(uint64_t v)
{
    char b[21];
    int i = sizeof(b);

    b[--i] = 0;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_str(b + i);
}

static void __attribute__((noreturn)) shutdown(bool ok)
{
    sbi_call(SBI_EXT_SRST, 0, 0, ok ? 0 : 1);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void ma_trap(uint64_t cause, uint64_t epc, uint64_t tval, uint64_t user)
{
    put_str(user ? "FAIL unexpected trap from U: scause "
                 : "FAIL unexpected trap from S: scause ");
    put_hex(cause);
    put_str(" sepc ");
    put_hex(epc);
    put_str(" stval ");
    put_hex(tval);
    put_str("\nma-sbi: FAIL\n");
    shutdown(false);
}

/* ------------------------------------------------------------ model */

static uint64_t model_load(const uint8_t *m, unsigned off, unsigned size,
                           bool sign)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)m[off + i] << (8 * i);
    }
    if (sign && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

static void model_store(uint8_t *m, unsigned off, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        m[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static void model_init(uint8_t *m)
{
    for (unsigned i = 0; i < BUF_SIZE; i++) {
        m[i] = i < NB_INIT ? (uint8_t)i : FILL;
    }
}

static unsigned width(const char *insn)
{
    switch (insn[1]) {
    case 'b': return 1;
    case 'h': return 2;
    case 'w': return 4;
    default: return 8;
    }
}

static bool is_signed(const char *insn)
{
    return insn[1] != 'd' && insn[2] != 'u';
}

/* The final buffer of ma_data, in ctx.model. */
static void expect_ma_data(void)
{
    uint8_t *m = ctx.model;

    model_init(m);
#define E_LOAD(n, ld, off) \
    ctx.want[n] = model_load(m, off, width(#ld), is_signed(#ld));
#define E_STORE(n, st, ld, so, lo, v)                                         \
    model_store(m, so, width(#st), v);                                        \
    ctx.want[n] = model_load(m, lo, width(#ld), is_signed(#ld));
    MA_CHECKS(E_LOAD, E_STORE)
#undef E_LOAD
#undef E_STORE
}

/* --------------------------------------------------- code under test */

/*
 * ma_data's checks on @buf, straight-line as in the original (one TB
 * after another, each with several emulated accesses): 0 when all pass,
 * else the number of the first failing check, with what it loaded and
 * what it expected in @c.  Placed beside code_buf (same page).
 */
static uint64_t __attribute__((noinline, section(".text.start")))
run_ma_data(uintptr_t buf, struct ctx *c)
{
    register uintptr_t rbuf __asm__("a0") = buf;
    register uintptr_t rwant __asm__("a1") = (uintptr_t)c->want;
    register uint64_t num __asm__("a7");
    register uint64_t got __asm__("t2");
    register uint64_t want __asm__("t3");

#define A_LOAD(n, ld, off)                                                    \
    "li a7, " #n "\n"                                                         \
    "ld t3, " #n "*8(a1)\n"                                                   \
    #ld " t2, " #off "(a0)\n"                                                 \
    "beq t2, t3, 1f\n"                                                        \
    "j 9f\n"                                                                  \
    "1:\n"
#define A_STORE(n, st, ld, so, lo, v)                                         \
    "li a7, " #n "\n"                                                         \
    "li t1, " #v "\n"                                                         \
    #st " t1, " #so "(a0)\n"                                                  \
    #ld " t2, " #lo "(a0)\n"                                                  \
    "ld t3, " #n "*8(a1)\n"                                                   \
    "beq t2, t3, 1f\n"                                                        \
    "j 9f\n"                                                                  \
    "1:\n"
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     MA_CHECKS(A_LOAD, A_STORE)
                     "li a7, 0\n"
                     "9:\n"
                     ".option pop\n"
                     : "=r"(num), "=r"(got), "=r"(want)
                     : "r"(rbuf), "r"(rwant)
                     : "t1", "memory");
#undef A_LOAD
#undef A_STORE
    c->fail_got = got;
    c->fail_want = want;
    return num;
}

/* One access of @size bytes (no compressed forms: OpenSBI 1.1 emulates
 * those too, but ma_data has none). */
static uint64_t __attribute__((noinline)) load(uintptr_t a, unsigned size,
                                               bool sign)
{
    uint64_t v;

#define LD(insn) \
    __asm__ volatile(".option push\n.option norvc\n" insn " %0, 0(%1)\n" \
                     ".option pop" : "=r"(v) : "r"(a) : "memory")
    if (size == 1) {
        if (sign) {
            LD("lb");
        } else {
            LD("lbu");
        }
    } else if (size == 2) {
        if (sign) {
            LD("lh");
        } else {
            LD("lhu");
        }
    } else if (size == 4) {
        if (sign) {
            LD("lw");
        } else {
            LD("lwu");
        }
    } else {
        LD("ld");
    }
#undef LD
    return v;
}

static void __attribute__((noinline)) store(uintptr_t a, unsigned size,
                                            uint64_t v)
{
#define ST(insn) \
    __asm__ volatile(".option push\n.option norvc\n" insn " %0, 0(%1)\n" \
                     ".option pop" : : "r"(v), "r"(a) : "memory")
    if (size == 1) {
        ST("sb");
    } else if (size == 2) {
        ST("sh");
    } else if (size == 4) {
        ST("sw");
    } else {
        ST("sd");
    }
#undef ST
}

/*
 * Every store width at every offset from "just before" to "at" each of
 * the 8-, 16-, 32- and 64-byte boundaries (crossing it when misaligned),
 * each read back by every load width and signedness at every offset that
 * overlaps the stored bytes; c->model holds the buffer's bytes on entry.
 * Returns 0 when all loads matched the model, else 1 + the pair's index
 * (what and where in c->fail_*).  Uses no absolute addresses.
 */
static uint64_t __attribute__((noinline)) run_sweep(uintptr_t buf,
                                                    struct ctx *c)
{
    uint64_t n = 0;
    uint8_t val = 0x11;

    for (unsigned b = 0; b < 4; b++) {
        unsigned bound = b == 0 ? 8 : b == 1 ? 16 : b == 2 ? 32 : 64;
        for (unsigned ss = 1; ss <= 8; ss *= 2) {
            for (unsigned so = bound - ss; so <= bound; so++) {
                for (unsigned ls = 1; ls <= 8; ls *= 2) {
                    unsigned lo0 = so + 1 > ls ? so + 1 - ls : 0;
                    for (unsigned lo = lo0; lo < so + ss; lo++) {
                        for (int sign = 0; sign <= (ls < 8); sign++) {
                            uint64_t v = 0, got, want;

                            for (unsigned i = 0; i < ss; i++) {
                                v |= (uint64_t)(val++) << (8 * i);
                            }
                            store(buf + so, ss, v);
                            model_store(c->model, so, ss, v);
                            got = load(buf + lo, ls, sign);
                            want = model_load(c->model, lo, ls, sign);
                            n++;
                            if (got != want) {
                                c->fail_got = got;
                                c->fail_want = want;
                                c->fail_where = (uint64_t)ss << 48 |
                                                (uint64_t)so << 32 |
                                                (uint64_t)ls << 16 |
                                                (uint64_t)sign << 8 | lo;
                                return n;
                            }
                        }
                    }
                }
            }
        }
    }
    return 0;
}

/* Both parts, from any mode: 0 if all passed; ma_data's failing check
 * number; or 1000 + a failing sweep pair index. */
static uint64_t __attribute__((noinline)) run_all(uintptr_t buf,
                                                  uintptr_t c_addr)
{
    struct ctx *c = (struct ctx *)c_addr;
    uint64_t r = run_ma_data(buf, c);

    if (r) {
        return r;
    }
    r = run_sweep(buf, c);
    return r ? 1000 + r : 0;
}

/* ------------------------------------------------------------ setups */

enum paging { BARE, SV39_IDENT, SV39_ALIAS, SV39_4K, SV39_DEMAND };

/* SV39_DEMAND: the 4 KiB window whose invalid PTEs a page fault makes
 * valid (most faults come from OpenSBI's MPRV accesses, redirected to
 * S-mode), and how many it did. */
static uint64_t demand_va, *demand_l0;
static unsigned demand_faults;

uint64_t ma_page_fault(uint64_t cause, uint64_t tval)
{
    uint64_t *pte;

    if (!demand_l0 || (cause != 12 && cause != 13 && cause != 15) ||
        tval < demand_va + (KERNEL_2M - RAM_BASE) ||
        tval >= demand_va + (KERNEL_2M - RAM_BASE) + (2u << 20)) {
        return 0;
    }
    pte = &demand_l0[(tval - demand_va - (KERNEL_2M - RAM_BASE)) >> 12];
    if (*pte & PTE_V) {
        return 0;
    }
    *pte |= PTE_V;
    __asm__ volatile("sfence.vma %0" : : "r"(tval) : "memory");
    demand_faults++;
    return 1;
}

static uint64_t pte_of(const void *table_or_page)
{
    return ((uintptr_t)table_or_page >> 12) << 10;
}

/* The 4 KiB window at @va over KERNEL_2M: fresh PTEs, A and D clear. */
static void map_4k(uint64_t va, uint64_t *l1, uint64_t *l0, uint64_t u)
{
    for (unsigned i = 0; i < 512; i++) {
        l0[i] = pte_of((void *)(uintptr_t)(KERNEL_2M + i * 4096ull)) |
                PTE_V | PTE_R | PTE_W | PTE_X | u;
    }
    l1[((va + KERNEL_2M - RAM_BASE) >> 21) & 511] = pte_of(l0) | PTE_V;
    root_pt[va >> 30] = pte_of(l1) | PTE_V;
}

/* The PTE of @pa's page in a 4 KiB window. */
static uint64_t *pte_4k(uint64_t *l0, uintptr_t pa)
{
    return &l0[(pa - KERNEL_2M) >> 12];
}

static void paging_on(void)
{
    uint64_t ram = (RAM_BASE >> 12) << 10;
    uint64_t rwx = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;

    root_pt[RAM_BASE >> 30] = ram | rwx;
    root_pt[S_ALIAS >> 30] = ram | rwx;
    root_pt[U_ALIAS >> 30] = ram | rwx | PTE_U;
    map_4k(S_4K, l1_s, l0_s, 0);
    map_4k(U_4K, l1_u, l0_u, PTE_U);
    __asm__ volatile("sfence.vma\n"
                     "csrw satp, %0\n"
                     "sfence.vma"
                     : : "r"(SATP_SV39 | ((uintptr_t)root_pt >> 12))
                     : "memory");
}

static void paging_off(void)
{
    __asm__ volatile("csrw satp, zero\nsfence.vma" : : : "memory");
}

static unsigned failures;

static void setup(const char *name, bool user, enum paging pg, uint8_t *buf)
{
    uintptr_t delta = 0, r;

    model_init(buf);
    expect_ma_data();
    if (ctx.want[156] != 0x33c1c2be) { /* the literal */
        put_str("FAIL model: check 156 wants ");
        put_hex(ctx.want[156]);
        put_str("\n");
        failures++;
        return;
    }
    /* the sweep starts from ma_data's final bytes, in ctx.model */
#ifdef MA_SBI_BREAK
    /* the broken build: the first setup must report exactly this */
    if (buf == data_buf && pg == BARE && !user && !failures) {
        ctx.want[156] ^= 1;
    }
#endif
    if (pg != BARE) {
        paging_on();
        if (pg == SV39_ALIAS) {
            delta = (user ? U_ALIAS : S_ALIAS) - RAM_BASE;
        } else if (pg == SV39_4K || pg == SV39_DEMAND) {
            delta = (user ? U_4K : S_4K) - RAM_BASE;
        }
        if (pg == SV39_DEMAND) {
            demand_va = user ? U_4K : S_4K;
            demand_l0 = user ? l0_u : l0_s;
            demand_faults = 0;
            for (uintptr_t p = (uintptr_t)buf & ~4095ul;
                 p < (uintptr_t)buf + BUF_SIZE; p += 4096) {
                *pte_4k(demand_l0, p) &= ~(uint64_t)PTE_V;
            }
            __asm__ volatile("sfence.vma" : : : "memory");
        }
    }
    if (user) {
        r = run_user((uintptr_t)run_all + delta, (uintptr_t)buf + delta,
                     (uintptr_t)&ctx + delta,
                     (uintptr_t)user_stack + sizeof(user_stack) + delta,
                     (uintptr_t)u_tramp + delta);
    } else {
        r = run_all((uintptr_t)buf + delta, (uintptr_t)&ctx + delta);
    }
    paging_off();
    demand_l0 = NULL;

    put_str(name);
    if (r && r < 1000) {
        failures++;
        put_str(": FAIL ma_data check ");
        put_dec(r);
        put_str(" got ");
        put_hex(ctx.fail_got);
        put_str(" want ");
        put_hex(ctx.fail_want);
        put_str("\n");
        return;
    }
    if (r) {
        failures++;
        put_str(": FAIL sweep pair ");
        put_dec(r - 1000);
        put_str(" (store size<<48|off<<32|load size<<16|signed<<8|off ");
        put_hex(ctx.fail_where);
        put_str(") got ");
        put_hex(ctx.fail_got);
        put_str(" want ");
        put_hex(ctx.fail_want);
        put_str("\n");
        return;
    }
    for (unsigned i = 0; i < BUF_SIZE; i++) {
        if (buf[i] != ctx.model[i]) {
            failures++;
            put_str(": FAIL final byte ");
            put_dec(i);
            put_str(" is ");
            put_hex(buf[i]);
            put_str(" want ");
            put_hex(ctx.model[i]);
            put_str("\n");
            return;
        }
    }
    /* the emulated and direct stores dirtied the buffer's pages */
    for (uintptr_t p = (uintptr_t)buf & ~4095ul;
         (pg == SV39_4K || pg == SV39_DEMAND) &&
         p < (uintptr_t)buf + BUF_SIZE;
         p += 4096) {
        uint64_t pte = *pte_4k(user ? l0_u : l0_s, p);
        if ((pte & (PTE_A | PTE_D)) != (PTE_A | PTE_D)) {
            failures++;
            put_str(": FAIL PTE of ");
            put_hex(p);
            put_str(" is ");
            put_hex(pte);
            put_str(" (A and D not set)\n");
            return;
        }
    }
    if (pg == SV39_DEMAND && !demand_faults) {
        failures++;
        put_str(": FAIL no page fault was taken\n");
        return;
    }
    put_str(": ok\n");
}

void ma_main(void)
{
    put_str("ma-sbi: started\n");
    setup("S bare data-page", false, BARE, data_buf);
    setup("S bare code-page", false, BARE, code_buf);
    setup("S sv39-identity data-page", false, SV39_IDENT, data_buf);
    setup("S sv39-alias data-page", false, SV39_ALIAS, data_buf);
    setup("S sv39-alias code-page", false, SV39_ALIAS, code_buf);
    setup("U bare data-page", true, BARE, data_buf);
    setup("U bare code-page", true, BARE, code_buf);
    setup("U sv39-alias data-page", true, SV39_ALIAS, data_buf);
    setup("U sv39-alias code-page", true, SV39_ALIAS, code_buf);
    setup("S bare page-crossing", false, BARE, CROSS_BUF);
    setup("S sv39-alias page-crossing", false, SV39_ALIAS, CROSS_BUF);
    setup("U bare page-crossing", true, BARE, CROSS_BUF);
    setup("U sv39-alias page-crossing", true, SV39_ALIAS, CROSS_BUF);
    setup("S sv39-4k data-page", false, SV39_4K, data_buf);
    setup("S sv39-4k page-crossing", false, SV39_4K, CROSS_BUF);
    setup("U sv39-4k code-page", true, SV39_4K, code_buf);
    setup("U sv39-4k page-crossing", true, SV39_4K, CROSS_BUF);
    setup("S sv39-demand data-page", false, SV39_DEMAND, data_buf);
    setup("S sv39-demand page-crossing", false, SV39_DEMAND, CROSS_BUF);
    setup("U sv39-demand code-page", true, SV39_DEMAND, code_buf);
    setup("U sv39-demand page-crossing", true, SV39_DEMAND, CROSS_BUF);
    /* again, with every earlier mode's translations and TBs around */
    setup("S sv39-alias data-page again", false, SV39_ALIAS, data_buf);
    setup("S bare data-page again", false, BARE, data_buf);
    put_str(failures ? "ma-sbi: FAIL\n" : "ma-sbi: PASS\n");
    shutdown(!failures);
}
