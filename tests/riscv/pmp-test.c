/*
 * pmp-test.c - physical memory protection of the RISC-V hart (mmu.c) on a
 * plain RiscvCpu struct: the pmpcfg/pmpaddr WARL rules (54 address bits,
 * R=0 W=1 reserved, reserved cfg bits, unimplemented entries, odd pmpcfg
 * registers on RV64), lock bits (a locked TOR entry also locks the
 * previous pmpaddr), and riscv_pmp_check(): TOR, NA4 and NAPOT matching
 * with exact boundaries, partial matches, priority of the lowest entry,
 * M-mode obeying locked entries only, and the no-match rule; and
 * riscv_mmu_translate() checking every byte of an access on a page that
 * an entry boundary splits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "riscv.h"

#define RD BB_ACCESS_READ
#define WR BB_ACCESS_WRITE
#define EX BB_ACCESS_EXEC

/* pmpNcfg values */
#define C_R 0x01
#define C_W 0x02
#define C_X 0x04
#define C_TOR 0x08
#define C_NA4 0x10
#define C_NAPOT 0x18
#define C_L 0x80

/* pmpaddr of a NAPOT region of @size (a power of two >= 8) at @base. */
static uint64_t napot(uint64_t base, uint64_t size)
{
    return (base >> 2) | ((size >> 3) - 1);
}

static RiscvCpu *new_hart(unsigned entries)
{
    RiscvCpu *s = g_new0(RiscvCpu, 1);

    s->pmp_entries = entries;
    return s;
}

/* Set entry @i's cfg byte through its pmpcfg register. */
static void set_cfg(RiscvCpu *s, unsigned i, uint8_t cfg)
{
    unsigned reg = (i / 8) * 2, shift = (i % 8) * 8;
    uint64_t v = riscv_pmpcfg_read(s, reg);

    v = (v & ~(0xffull << shift)) | (uint64_t)cfg << shift;
    riscv_pmpcfg_write(s, reg, v);
}

/* 1 if @size bytes at @addr pass for @access in @priv, else 0. */
static int ok(RiscvCpu *s, uint64_t addr, unsigned size, BbAccessType access,
              unsigned priv)
{
    return riscv_pmp_check(s, addr, size, access, priv) ? 1 : 0;
}

/* ------------------------------------------------------------ CSRs */

static void csr_warl_rules(void **state)
{
    g_autofree RiscvCpu *s = new_hart(16);

    /* OpenSBI's probe: all ones reads back 54 address bits. */
    riscv_pmpaddr_write(s, 0, UINT64_MAX);
    assert_int_equal(riscv_pmpaddr_read(s, 0), 0x003fffffffffffffull);
    riscv_pmpaddr_write(s, 15, 0x123456789abcdef0ull);
    assert_int_equal(riscv_pmpaddr_read(s, 15), 0x003456789abcdef0ull);
    /* Beyond the implemented entries: read 0, writes ignored. */
    riscv_pmpaddr_write(s, 16, 0x1234);
    assert_int_equal(riscv_pmpaddr_read(s, 16), 0);
    assert_int_equal(riscv_pmpaddr_read(s, 63), 0);

    /* Bits 6:5 read as 0; R=0 W=1 becomes R=0 W=0 (X and A kept). */
    riscv_pmpcfg_write(s, 0, 0x0706051e6a9f1f62ull);
    assert_int_equal(riscv_pmpcfg_read(s, 0), 0x0704051c089f1f00ull);
    /* Entry 2 (0x9f) is locked now: it keeps its value. */
    riscv_pmpcfg_write(s, 0, 0);
    assert_int_equal(riscv_pmpcfg_read(s, 0), 0x9f0000ull);

    /* pmpcfg2 holds entries 8-15; the odd registers do not exist. */
    riscv_pmpcfg_write(s, 2, 0x1f1e1d1c1b1a1918ull);
    assert_int_equal(riscv_pmpcfg_read(s, 2), 0x1f1c1d1c1b181918ull);
    riscv_pmpcfg_write(s, 1, 0x1f1f1f1f1f1f1f1full);
    riscv_pmpcfg_write(s, 3, 0x1f1f1f1f1f1f1f1full);
    assert_int_equal(riscv_pmpcfg_read(s, 1), 0);
    assert_int_equal(riscv_pmpcfg_read(s, 3), 0);
    assert_int_equal(riscv_pmpcfg_read(s, 0), 0x9f0000ull);
    assert_int_equal(riscv_pmpcfg_read(s, 2), 0x1f1c1d1c1b181918ull);
    assert_int_equal(riscv_pmpcfg_read(s, 4), 0);
}

static void no_pmp_reads_zero(void **state)
{
    g_autofree RiscvCpu *s = new_hart(0);

    riscv_pmpaddr_write(s, 0, UINT64_MAX);
    riscv_pmpcfg_write(s, 0, 0x1f);
    assert_int_equal(riscv_pmpaddr_read(s, 0), 0);
    assert_int_equal(riscv_pmpcfg_read(s, 0), 0);
    /* No PMP: nothing is checked. */
    assert_int_equal(ok(s, 0x1000, 8, WR, PRV_U), 1);
    assert_int_equal(ok(s, 0x80000000, 4, EX, PRV_S), 1);
}

static void locks(void **state)
{
    g_autofree RiscvCpu *s = new_hart(16);

    riscv_pmpaddr_write(s, 0, 0x100);
    set_cfg(s, 0, C_L | C_NAPOT | C_R);
    /* A locked entry ignores cfg and address writes. */
    riscv_pmpaddr_write(s, 0, 0x200);
    set_cfg(s, 0, C_NAPOT | C_R | C_W | C_X);
    assert_int_equal(riscv_pmpaddr_read(s, 0), 0x100);
    assert_int_equal(riscv_pmpcfg_read(s, 0) & 0xff, C_L | C_NAPOT | C_R);

    /* A locked TOR entry also locks the previous address ... */
    riscv_pmpaddr_write(s, 2, 0x300);
    riscv_pmpaddr_write(s, 3, 0x400);
    set_cfg(s, 3, C_L | C_TOR | C_R);
    riscv_pmpaddr_write(s, 2, 0x333);
    riscv_pmpaddr_write(s, 3, 0x444);
    assert_int_equal(riscv_pmpaddr_read(s, 2), 0x300);
    assert_int_equal(riscv_pmpaddr_read(s, 3), 0x400);
    /* ... but not its cfg byte ... */
    set_cfg(s, 2, C_NA4 | C_X);
    assert_int_equal(riscv_pmpcfg_read(s, 0) >> 16 & 0xff, C_NA4 | C_X);
    /* ... and a locked NAPOT or NA4 entry does not. */
    riscv_pmpaddr_write(s, 5, 0x500);
    set_cfg(s, 6, C_L | C_NAPOT);
    set_cfg(s, 8, C_L | C_NA4);
    riscv_pmpaddr_write(s, 5, 0x555);
    riscv_pmpaddr_write(s, 7, 0x777);
    assert_int_equal(riscv_pmpaddr_read(s, 5), 0x555);
    assert_int_equal(riscv_pmpaddr_read(s, 7), 0x777);
    /* The last entry, locked TOR, locks pmpaddr14. */
    riscv_pmpaddr_write(s, 14, 0xe00);
    set_cfg(s, 15, C_L | C_TOR);
    riscv_pmpaddr_write(s, 14, 0xeee);
    assert_int_equal(riscv_pmpaddr_read(s, 14), 0xe00);
    assert_int_equal(riscv_pmpcfg_read(s, 2), 0x8800000000000090ull);
}

/* ------------------------------------------------------------ matching */

static void tor_matching(void **state)
{
    g_autofree RiscvCpu *s = new_hart(16);

    /* e0: [0, 0x1000) R; e1: [0x1000, 0x3000) RW; e2: empty (base >
     * top); e3: [0x2000, 0x4000) X (its base is pmpaddr2). */
    riscv_pmpaddr_write(s, 0, 0x1000 >> 2);
    riscv_pmpaddr_write(s, 1, 0x3000 >> 2);
    riscv_pmpaddr_write(s, 2, 0x2000 >> 2);
    riscv_pmpaddr_write(s, 3, 0x4000 >> 2);
    riscv_pmpcfg_write(s, 0, (uint64_t)(C_TOR | C_X) << 24 |
                                 (uint64_t)(C_TOR | C_R | C_W) << 16 |
                                 (uint64_t)(C_TOR | C_R | C_W) << 8 |
                                 (C_TOR | C_R));
    assert_int_equal(ok(s, 0x0, 8, RD, PRV_S), 1);
    assert_int_equal(ok(s, 0xff8, 8, RD, PRV_U), 1);
    assert_int_equal(ok(s, 0xff8, 8, WR, PRV_S), 0);
    /* 0xffc-0x1003 straddles e0 and e1: e0 matches partially. */
    assert_int_equal(ok(s, 0xffc, 8, RD, PRV_S), 0);
    assert_int_equal(ok(s, 0x1000, 8, WR, PRV_S), 1);
    assert_int_equal(ok(s, 0x2ff8, 8, WR, PRV_S), 1);
    assert_int_equal(ok(s, 0x2ff8, 8, EX, PRV_S), 0);
    /* e2 (base 0x3000 >= top 0x2000) matches nothing; e3 covers
     * [0x2000, 0x4000) but e1 wins below 0x3000. */
    assert_int_equal(ok(s, 0x2000, 4, EX, PRV_S), 0);
    assert_int_equal(ok(s, 0x3000, 4, EX, PRV_S), 1);
    assert_int_equal(ok(s, 0x3ffc, 4, EX, PRV_S), 1);
    assert_int_equal(ok(s, 0x3ffc, 4, RD, PRV_S), 0);
    /* e1 partially matches 0x2ffc-0x3003, so it fails. */
    assert_int_equal(ok(s, 0x2ffc, 8, EX, PRV_S), 0);
    /* Past every entry. */
    assert_int_equal(ok(s, 0x4000, 1, RD, PRV_S), 0);
    assert_int_equal(ok(s, 0x4000, 1, RD, PRV_M), 1);
}

static void na4_and_napot_matching(void **state)
{
    g_autofree RiscvCpu *s = new_hart(16);

    riscv_pmpaddr_write(s, 0, 0x5000 >> 2);                  /* NA4 */
    riscv_pmpaddr_write(s, 1, napot(0x6000, 8));             /* 8 B */
    riscv_pmpaddr_write(s, 2, napot(0x80000000, 0x80000));   /* 512 KiB */
    riscv_pmpaddr_write(s, 3, UINT64_MAX);                   /* all */
    assert_int_equal(riscv_pmpaddr_read(s, 1), 0x1800);
    assert_int_equal(riscv_pmpaddr_read(s, 2), 0x2000ffff);
    riscv_pmpcfg_write(s, 0, (uint64_t)(C_NAPOT | C_R | C_W | C_X) << 24 |
                                 (uint64_t)C_NAPOT << 16 |
                                 (uint64_t)(C_NAPOT | C_W | C_R) << 8 |
                                 (C_NA4 | C_X));

    /* NA4: exactly 0x5000-0x5003. */
    assert_int_equal(ok(s, 0x5000, 4, EX, PRV_S), 1);
    assert_int_equal(ok(s, 0x5002, 2, EX, PRV_S), 1);
    assert_int_equal(ok(s, 0x5003, 1, RD, PRV_S), 0);
    assert_int_equal(ok(s, 0x5000, 8, EX, PRV_S), 0); /* partial */
    assert_int_equal(ok(s, 0x4ffe, 4, EX, PRV_S), 0); /* partial */
    assert_int_equal(ok(s, 0x5004, 4, EX, PRV_S), 1); /* e3 */

    /* The smallest NAPOT region: 8 bytes. */
    assert_int_equal(ok(s, 0x6000, 8, WR, PRV_U), 1);
    assert_int_equal(ok(s, 0x6004, 8, WR, PRV_U), 0); /* partial */
    assert_int_equal(ok(s, 0x6008, 8, WR, PRV_U), 1); /* e3 */

    /* The firmware region denies S/U, not (unlocked) M. */
    assert_int_equal(ok(s, 0x80000000, 4, RD, PRV_S), 0);
    assert_int_equal(ok(s, 0x8007fffc, 4, EX, PRV_U), 0);
    assert_int_equal(ok(s, 0x8007fffc, 8, RD, PRV_S), 0); /* partial */
    assert_int_equal(ok(s, 0x80080000, 8, RD, PRV_S), 1);
    assert_int_equal(ok(s, 0x7ffffff8, 8, WR, PRV_S), 1);
    assert_int_equal(ok(s, 0x80000000, 8, WR, PRV_M), 1);

    /* All-ones NAPOT: the whole 2^56 physical space and beyond, up to
     * 2^57. */
    assert_int_equal(ok(s, 0x0, 8, WR, PRV_S), 1);
    assert_int_equal(ok(s, 0x00fffffffffffff8ull, 8, EX, PRV_S), 1);
    assert_int_equal(ok(s, 0x01fffffffffffff8ull, 8, EX, PRV_S), 1);
    assert_int_equal(ok(s, 0x0200000000000000ull, 8, EX, PRV_S), 0);
}

static void priority_and_m_mode(void **state)
{
    g_autofree RiscvCpu *s = new_hart(16);

    /* OpenSBI on virt: e0 CLINT 64 KiB and e1 firmware 512 KiB without
     * permissions, e2 everything RWX. */
    riscv_pmpaddr_write(s, 0, napot(0x02000000, 0x10000));
    riscv_pmpaddr_write(s, 1, napot(0x80000000, 0x80000));
    riscv_pmpaddr_write(s, 2, UINT64_MAX);
    riscv_pmpcfg_write(s, 0, (uint64_t)(C_NAPOT | C_R | C_W | C_X) << 16 |
                                 (uint64_t)C_NAPOT << 8 | C_NAPOT);
    assert_int_equal(ok(s, 0x02004000, 8, WR, PRV_S), 0);
    assert_int_equal(ok(s, 0x0200bff8, 8, RD, PRV_S), 0);
    assert_int_equal(ok(s, 0x02010000, 8, RD, PRV_S), 1);
    assert_int_equal(ok(s, 0x80200000, 4, EX, PRV_S), 1);
    assert_int_equal(ok(s, 0x80001000, 4, EX, PRV_S), 0);
    assert_int_equal(ok(s, 0x80001000, 4, EX, PRV_M), 1);
    assert_int_equal(ok(s, 0x02004000, 8, WR, PRV_M), 1);

    /* Locking e1 subjects M-mode to it too; e2 still comes later. */
    set_cfg(s, 1, C_L | C_NAPOT | C_R);
    assert_int_equal(ok(s, 0x80001000, 8, RD, PRV_M), 1);
    assert_int_equal(ok(s, 0x80001000, 8, WR, PRV_M), 0);
    assert_int_equal(ok(s, 0x80001000, 4, EX, PRV_M), 0);
    assert_int_equal(ok(s, 0x80001000, 8, RD, PRV_S), 1);
    assert_int_equal(ok(s, 0x80080000, 8, WR, PRV_M), 1);
    /* A partial match fails M-mode too, locked entry or not. */
    assert_int_equal(ok(s, 0x8007fffc, 8, RD, PRV_M), 0);
    assert_int_equal(ok(s, 0x0200fffc, 8, RD, PRV_M), 0);

    /* All entries off: M-mode succeeds, S and U fail (an entry is
     * implemented). */
    g_autofree RiscvCpu *t = new_hart(16);
    assert_int_equal(ok(t, 0x80000000, 4, RD, PRV_M), 1);
    assert_int_equal(ok(t, 0x80000000, 4, RD, PRV_S), 0);
    assert_int_equal(ok(t, 0x80000000, 4, EX, PRV_U), 0);
}

/* Translate an access of @size bytes at @addr (bare S/U or M: no page
 * walk, so no address space); -1 on success with *@prot, else the cause. */
static int xl(RiscvCpu *s, uint64_t addr, unsigned size, BbAccessType access,
              unsigned priv, unsigned *prot)
{
    uint64_t pa = 0;
    unsigned pr = 0;
    uint32_t cause = 0;

    if (!riscv_mmu_translate(s, NULL, addr, size, access, priv, &pa, &pr,
                             &cause)) {
        return (int)cause;
    }
    assert_int_equal(pa, addr);
    if (prot) {
        *prot = pr;
    }
    return -1;
}

/*
 * tlb_fill on a page that a PMP boundary splits checks the whole access
 * (BbCpu.access_size), not just its first byte: an NA4 region with R
 * inside an RWX NAPOT region, as tests/guest/pmp.c lays it out.
 */
static void whole_access_on_a_split_page(void **state)
{
    g_autofree RiscvCpu *s = new_hart(16);
    unsigned prot;

    riscv_pmpaddr_write(s, 0, 0x5000 >> 2);                  /* NA4 R */
    riscv_pmpaddr_write(s, 1, napot(0x4000, 0x2000));        /* RWX */
    riscv_pmpcfg_write(s, 0, (uint64_t)(C_NAPOT | C_R | C_W | C_X) << 8 |
                                 (C_NA4 | C_R));

    /* Inside the NA4 entry: allowed, for this access only. */
    assert_int_equal(xl(s, 0x5000, 4, RD, PRV_S, &prot), -1);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_NO_CACHE);
    assert_int_equal(xl(s, 0x5002, 2, RD, PRV_U, &prot), -1);
    /* 8 bytes from its start: the first 4 match it, the rest do not -
     * a partial match fails, in M-mode too. */
    assert_int_equal(xl(s, 0x5000, 8, RD, PRV_S, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(s, 0x5000, 8, RD, PRV_U, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(s, 0x5000, 8, RD, PRV_M, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(s, 0x5002, 4, RD, PRV_S, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(s, 0x5000, 4, EX, PRV_S, NULL), EXC_INSN_ACCESS);
    s->in_amo = 1;
    assert_int_equal(xl(s, 0x5000, 8, RD, PRV_S, NULL), EXC_STORE_ACCESS);
    s->in_amo = 0;
    /* Size 0 means one byte (BbCpu.access_size outside tlb_fill). */
    assert_int_equal(xl(s, 0x5003, 0, RD, PRV_S, &prot), -1);
    /* Just past it, entry 1 alone: allowed, still checked per access. */
    assert_int_equal(xl(s, 0x5008, 8, WR, PRV_S, &prot), -1);
    assert_int_equal(prot, BB_PROT_WRITE | BB_PROT_NO_CACHE);
    assert_int_equal(xl(s, 0x5004, 4, EX, PRV_S, &prot), -1);
    /* A page entry 0 does not touch: cached whole, whatever the size. */
    assert_int_equal(xl(s, 0x4ff8, 8, RD, PRV_S, &prot), -1);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csr_warl_rules),
        cmocka_unit_test(no_pmp_reads_zero),
        cmocka_unit_test(locks),
        cmocka_unit_test(tor_matching),
        cmocka_unit_test(na4_and_napot_matching),
        cmocka_unit_test(priority_and_m_mode),
        cmocka_unit_test(whole_access_on_a_split_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
