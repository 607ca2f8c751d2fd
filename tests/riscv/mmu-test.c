/*
 * mmu-test.c - the RISC-V hart's address translation (mmu.c) through
 * riscv_mmu_translate(): page tables are built in the RAM of a real
 * address space and walked for a plain RiscvCpu struct (no object, so no
 * other part of the plugin is needed).  Checks Sv39/Sv48/Sv57 walks to
 * 4 KiB pages and every superpage size with its alignment rule, the
 * canonical-address check, invalid and reserved PTEs, U/SUM/MXR and the
 * R/W/X checks with their exact causes (AMO loads report store causes),
 * the granted permissions (write only once D is set), hardware A/D
 * updates in memory, access faults for PTEs outside memory or denied by
 * the PMP, and the PMP on the final address (BB_PROT_NO_CACHE when a
 * region boundary splits the page).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "riscv.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x01000000ull /* 16 MiB */
#define TABLES (RAM_BASE + 0x00100000ull) /* page tables, 4 KiB each */
#define TABLE(n) (TABLES + (n) * 0x1000ull)

#define V (1ull << 0)
#define R (1ull << 1)
#define W (1ull << 2)
#define X (1ull << 3)
#define U (1ull << 4)
#define A (1ull << 6)
#define D (1ull << 7)

#define RD BB_ACCESS_READ
#define WR BB_ACCESS_WRITE
#define EX BB_ACCESS_EXEC
#define PRWX (BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC)

typedef struct Fixture {
    BbMemoryRegion *root, *ram;
    BbAddressSpace *as;
    RiscvCpu *s;
} Fixture;

static int setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    GError *err = NULL;

    f->root = bb_memory_region_new_container(NULL, "root", UINT64_MAX);
    f->ram = bb_memory_region_new_ram(NULL, "ram", RAM_SIZE, &err);
    assert_non_null(f->ram);
    assert_true(bb_memory_region_add_subregion(f->root, RAM_BASE, f->ram,
                                               &err));
    f->as = bb_address_space_new(f->root, "test", BB_UNASSIGNED_ERROR);
    f->s = g_new0(RiscvCpu, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    bb_address_space_free(f->as);
    bb_memory_region_unref(f->ram);
    bb_memory_region_unref(f->root);
    g_free(f->s);
    g_free(f);
    return 0;
}

static void wr64(Fixture *f, uint64_t pa, uint64_t v)
{
    assert_int_equal(bb_address_space_store(f->as, pa, 8, v), BB_MEMTX_OK);
}

static uint64_t rd64(Fixture *f, uint64_t pa)
{
    uint64_t v;

    assert_int_equal(bb_address_space_load(f->as, pa, 8, &v), BB_MEMTX_OK);
    return v;
}

/* A PTE pointing at physical address @pa. */
static uint64_t pte(uint64_t pa, uint64_t flags)
{
    return (pa >> 12) << 10 | flags;
}

/* The PTE slot of @va at @level in the table at @table. */
static uint64_t slot(uint64_t table, uint64_t va, unsigned level)
{
    return table + ((va >> (12 + 9 * level)) & 511) * 8;
}

static void set_satp(Fixture *f, unsigned mode, uint64_t root)
{
    f->s->satp = (uint64_t)mode << SATP_MODE_SHIFT | root >> 12;
}

/* Translate; return -1 on success, else the cause. */
static int xl(Fixture *f, uint64_t va, BbAccessType access, unsigned idx,
              uint64_t *pa, unsigned *prot)
{
    uint64_t p = 0xdead;
    unsigned pr = 0xdead;
    uint32_t cause = 0xdead;

    if (riscv_mmu_translate(f->s, f->as, va, 1, access, idx, &p, &pr,
                            &cause)) {
        if (pa) {
            *pa = p;
        }
        if (prot) {
            *prot = pr;
        }
        return -1;
    }
    return (int)cause;
}

/* Map the 4 KiB page @va -> @pa with @flags in Sv39, tables 0-2. */
static void map_sv39_4k(Fixture *f, uint64_t va, uint64_t pa,
                        uint64_t flags)
{
    set_satp(f, SATP_SV39, TABLE(0));
    wr64(f, slot(TABLE(0), va, 2), pte(TABLE(1), V));
    wr64(f, slot(TABLE(1), va, 1), pte(TABLE(2), V));
    wr64(f, slot(TABLE(2), va, 0), pte(pa, flags));
}

/* ------------------------------------------------------------ basics */

static void bare_and_m_mode_are_identity(void **state)
{
    Fixture *f = *state;
    uint64_t pa;
    unsigned prot;

    /* Bare: S and U see physical addresses. */
    assert_int_equal(xl(f, 0x80001234, RD, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x80001234);
    assert_int_equal(prot, PRWX);
    assert_int_equal(xl(f, 0x1000, EX, PRV_U, &pa, &prot), -1);
    assert_int_equal(pa, 0x1000);

    /* Sv39 with an empty root: M-mode (also with SUM/MXR in its index)
     * is not translated, S-mode faults. */
    set_satp(f, SATP_SV39, TABLE(0));
    assert_int_equal(xl(f, 0x12345678, WR, PRV_M | MMU_IDX_MXR, &pa, &prot),
                     -1);
    assert_int_equal(pa, 0x12345678);
    assert_int_equal(prot, PRWX);
    assert_int_equal(xl(f, 0x12345678, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);
}

static void sv39_4k_page(void **state)
{
    Fixture *f = *state;
    uint64_t va = 0x0000001234567abcull, pa;
    unsigned prot;

    map_sv39_4k(f, va, 0x80400000, V | R | W | X | A | D);
    assert_int_equal(xl(f, va, RD, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x80400abc);
    assert_int_equal(prot, PRWX); /* 4 KiB: no page-size bits */
    assert_int_equal(xl(f, va, WR, PRV_S, &pa, NULL), -1);
    assert_int_equal(pa, 0x80400abc);
    assert_int_equal(xl(f, va, EX, PRV_S, &pa, NULL), -1);
    assert_int_equal(pa, 0x80400abc);
    /* The neighbouring page is not mapped (zero PTE). */
    assert_int_equal(xl(f, va + 0x1000, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);
    assert_int_equal(xl(f, va + 0x1000, WR, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(xl(f, va + 0x1000, EX, PRV_S, NULL, NULL),
                     EXC_INSN_PAGE_FAULT);
    /* An AMO's load reports the store/AMO cause. */
    f->s->in_amo = 1;
    assert_int_equal(xl(f, va + 0x1000, RD, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
}

/* ------------------------------------------------------------ A and D */

/* A debugger's walk (mmu_debug) translates like the hart but writes no
 * A/D bits. */
static void debug_walk_leaves_a_and_d(void **state)
{
    Fixture *f = *state;
    uint64_t va = 0x5000, leaf = slot(TABLE(2), va, 0), pa = 0;

    map_sv39_4k(f, va, 0x80500000, V | R | W | X);
    f->s->mmu_debug = true;
    assert_int_equal(xl(f, va + 0x10, RD, PRV_S, &pa, NULL), -1);
    assert_int_equal(pa, 0x80500010);
    assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL), -1);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R | W | X));
    f->s->mmu_debug = false;
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), -1);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R | W | X | A));
}

static void hardware_updates_a_and_d(void **state)
{
    Fixture *f = *state;
    uint64_t va = 0x5000, leaf = slot(TABLE(2), va, 0), pa;
    unsigned prot;

    map_sv39_4k(f, va, 0x80500000, V | R | W | X);
    /* A read sets A only, and does not grant write while D is clear. */
    assert_int_equal(xl(f, va, RD, PRV_S, &pa, &prot), -1);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R | W | X | A));
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_EXEC);
    /* The store sets D and then grants write. */
    assert_int_equal(xl(f, va, WR, PRV_S, &pa, &prot), -1);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R | W | X | A | D));
    assert_int_equal(prot, PRWX);
    /* Non-leaf PTEs are left alone. */
    assert_int_equal(rd64(f, slot(TABLE(0), va, 2)), pte(TABLE(1), V));
    assert_int_equal(rd64(f, slot(TABLE(1), va, 1)), pte(TABLE(2), V));

    /* A fetch sets A only. */
    wr64(f, leaf, pte(0x80500000, V | R | W | X));
    assert_int_equal(xl(f, va, EX, PRV_S, NULL, &prot), -1);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R | W | X | A));
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_EXEC);

    /* An AMO's load sets A and D (it will store). */
    wr64(f, leaf, pte(0x80500000, V | R | W));
    f->s->in_amo = 1;
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, &prot), -1);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R | W | A | D));
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_WRITE);
    /* ... and faults as a store on a read-only page, leaving A clear. */
    wr64(f, leaf, pte(0x80500000, V | R));
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R));
    f->s->in_amo = 0;

    /* A faulting access updates nothing. */
    wr64(f, leaf, pte(0x80500000, V | R));
    assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(rd64(f, leaf), pte(0x80500000, V | R));
}

/* ------------------------------------------------------------ superpages */

static void sv39_superpages(void **state)
{
    Fixture *f = *state;
    uint64_t pa;
    unsigned prot;

    set_satp(f, SATP_SV39, TABLE(0));
    /* 1 GiB page at VA 0x40000000 -> PA 0xc0000000. */
    wr64(f, slot(TABLE(0), 0x40000000, 2),
         pte(0xc0000000, V | R | W | A | D));
    assert_int_equal(xl(f, 0x7fedcba9, RD, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0xffedcba9);
    assert_int_equal(prot,
                     BB_PROT_READ | BB_PROT_WRITE | BB_PROT_PAGE_BITS(30));

    /* 2 MiB page at VA 0x80200000 -> PA 0x80600000. */
    wr64(f, slot(TABLE(0), 0x80200000, 2), pte(TABLE(1), V));
    wr64(f, slot(TABLE(1), 0x80200000, 1), pte(0x80600000, V | X | A));
    assert_int_equal(xl(f, 0x803fff02, EX, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x807fff02);
    assert_int_equal(prot, BB_PROT_EXEC | BB_PROT_PAGE_BITS(21));

    /* Misaligned superpages fault: PPN[0] != 0 for 2 MiB ... */
    wr64(f, slot(TABLE(1), 0x80200000, 1), pte(0x80601000, V | X | A));
    assert_int_equal(xl(f, 0x80200000, EX, PRV_S, NULL, NULL),
                     EXC_INSN_PAGE_FAULT);
    /* ... PPN[1] != 0 (PPN[0] = 0) for 1 GiB. */
    wr64(f, slot(TABLE(0), 0x40000000, 2),
         pte(0xc0200000, V | R | W | A | D));
    assert_int_equal(xl(f, 0x40000000, WR, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    /* A pointer at the last level faults. */
    wr64(f, slot(TABLE(1), 0x80200000, 1), pte(TABLE(2), V));
    wr64(f, slot(TABLE(2), 0x80200000, 0), pte(TABLE(3), V));
    assert_int_equal(xl(f, 0x80200000, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);
}

static void sv48_walk(void **state)
{
    Fixture *f = *state;
    uint64_t va = 0x00007f123456789aull, pa;
    unsigned prot;

    set_satp(f, SATP_SV48, TABLE(0));
    wr64(f, slot(TABLE(0), va, 3), pte(TABLE(1), V));
    wr64(f, slot(TABLE(1), va, 2), pte(TABLE(2), V));
    wr64(f, slot(TABLE(2), va, 1), pte(TABLE(3), V));
    wr64(f, slot(TABLE(3), va, 0), pte(0x80abc000, V | R | A));
    assert_int_equal(xl(f, va, RD, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x80abc89a);
    assert_int_equal(prot, BB_PROT_READ);

    /* 512 GiB page: VA 0x0000_0080_0000_0000 -> PA 0x100_0000_0000. */
    wr64(f, slot(TABLE(0), 0x8000000000ull, 3),
         pte(0x10000000000ull, V | R | W | X | A | D));
    assert_int_equal(xl(f, 0xffedcba987ull, WR, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x17fedcba987ull);
    assert_int_equal(prot, PRWX | BB_PROT_PAGE_BITS(39));
    /* Misaligned: PPN[2] non-zero. */
    wr64(f, slot(TABLE(0), 0x8000000000ull, 3),
         pte(0x10040000000ull, V | R | W | X | A | D));
    assert_int_equal(xl(f, 0x8000000000ull, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);

    /* Canonical: bits 63:48 equal bit 47. */
    assert_int_equal(xl(f, 0x0000800000000000ull, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);
    wr64(f, slot(TABLE(0), 0xffff800000000000ull, 3),
         pte(0x80000000, V | R | A)); /* a (misaligned) 512 GiB leaf */
    assert_int_equal(xl(f, 0xffff800000000000ull, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);
    wr64(f, slot(TABLE(0), 0xffff800000000000ull, 3),
         pte(0, V | R | A));
    assert_int_equal(xl(f, 0xffff800000001234ull, RD, PRV_S, &pa, NULL),
                     -1);
    assert_int_equal(pa, 0x1234);
    /* An Sv39 address in an Sv48 slot: bit 38 is just a VPN bit. */
    assert_int_equal(xl(f, 0x0000004000000000ull, EX, PRV_S, NULL, NULL),
                     EXC_INSN_PAGE_FAULT);
}

static void sv57_walk(void **state)
{
    Fixture *f = *state;
    uint64_t va = 0x00fedcba98765432ull, pa;
    unsigned prot;

    set_satp(f, SATP_SV57, TABLE(0));
    wr64(f, slot(TABLE(0), va, 4), pte(TABLE(1), V));
    wr64(f, slot(TABLE(1), va, 3), pte(TABLE(2), V));
    wr64(f, slot(TABLE(2), va, 2), pte(TABLE(3), V));
    wr64(f, slot(TABLE(3), va, 1), pte(TABLE(4), V));
    wr64(f, slot(TABLE(4), va, 0), pte(0x80777000, V | R | W | A | D));
    assert_int_equal(xl(f, va, WR, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x80777432);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_WRITE);

    /* 256 TiB page at level 4. */
    wr64(f, slot(TABLE(0), 0x0001000000000000ull, 4),
         pte(0x0003000000000000ull, V | X | A));
    assert_int_equal(xl(f, 0x0001123456789abcull, EX, PRV_S, &pa, &prot),
                     -1);
    assert_int_equal(pa, 0x0003123456789abcull);
    assert_int_equal(prot, BB_PROT_EXEC | BB_PROT_PAGE_BITS(48));

    /* Canonical: bits 63:57 equal bit 56. */
    assert_int_equal(xl(f, 0x0100000000000000ull, WR, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(xl(f, 0x8000000000000000ull, EX, PRV_S, NULL, NULL),
                     EXC_INSN_PAGE_FAULT);
    assert_int_equal(xl(f, 0xff00000000000000ull, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT); /* canonical, but unmapped */
}

static void sv39_canonical(void **state)
{
    Fixture *f = *state;
    uint64_t pa;

    set_satp(f, SATP_SV39, TABLE(0));
    /* Top half: VPN[2] = 256 -> 1 GiB leaf at PA 0x80000000. */
    wr64(f, TABLE(0) + 256 * 8, pte(0x80000000, V | R | W | A | D));
    assert_int_equal(xl(f, 0xffffffc000000010ull, RD, PRV_S, &pa, NULL),
                     -1);
    assert_int_equal(pa, 0x80000010);
    /* Bit 38 set, bits 63:39 clear: not canonical, even though VPN[2]
     * would select the same slot. */
    assert_int_equal(xl(f, 0x0000004000000010ull, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);
    assert_int_equal(xl(f, 0xffffff8000000010ull, WR, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(xl(f, 0x7fffffc000000010ull, EX, PRV_S, NULL, NULL),
                     EXC_INSN_PAGE_FAULT);
}

/* ------------------------------------------------------------ bad PTEs */

static void invalid_and_reserved_ptes(void **state)
{
    Fixture *f = *state;
    static const uint64_t bad_leaf[] = {
        R | W | X | A | D,                 /* V = 0 */
        V | W | A | D,                     /* W without R */
        V | W | X | A | D,                 /* W without R */
        V | R | W | X | A | D | 1ull << 54, /* reserved */
        V | R | W | X | A | D | 1ull << 60, /* reserved */
        V | R | W | X | A | D | 1ull << 61, /* PBMT (no Svpbmt) */
        V | R | W | X | A | D | 1ull << 63, /* N (no Svnapot) */
    };
    uint64_t va = 0x7000;

    for (size_t i = 0; i < G_N_ELEMENTS(bad_leaf); i++) {
        map_sv39_4k(f, va, 0x80700000, bad_leaf[i]);
        assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL),
                         EXC_LOAD_PAGE_FAULT);
        assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL),
                         EXC_STORE_PAGE_FAULT);
        assert_int_equal(xl(f, va, EX, PRV_S, NULL, NULL),
                         EXC_INSN_PAGE_FAULT);
        /* Nothing was written back. */
        assert_int_equal(rd64(f, slot(TABLE(2), va, 0)),
                         pte(0x80700000, bad_leaf[i]));
    }
    /* Reserved bits in a pointer PTE fault too. */
    map_sv39_4k(f, va, 0x80700000, V | R | A);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), -1);
    wr64(f, slot(TABLE(1), va, 1), pte(TABLE(2), V | 1ull << 55));
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_PAGE_FAULT);
    wr64(f, slot(TABLE(1), va, 1), pte(TABLE(2), 0));
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_PAGE_FAULT);
}

/* ------------------------------------------------------------ U/SUM/MXR */

static void user_pages_sum_and_mxr(void **state)
{
    Fixture *f = *state;
    uint64_t va = 0x9000, leaf = slot(TABLE(2), va, 0);
    unsigned prot;

    /* A user page: U-mode may use it, S-mode data only with SUM, S-mode
     * never executes it. */
    map_sv39_4k(f, va, 0x80900000, V | R | W | X | U | A | D);
    assert_int_equal(xl(f, va, RD, PRV_U, NULL, &prot), -1);
    assert_int_equal(prot, PRWX);
    assert_int_equal(xl(f, va, WR, PRV_U, NULL, NULL), -1);
    assert_int_equal(xl(f, va, EX, PRV_U, NULL, NULL), -1);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_PAGE_FAULT);
    assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(xl(f, va, EX, PRV_S, NULL, NULL), EXC_INSN_PAGE_FAULT);
    assert_int_equal(xl(f, va, RD, PRV_S | MMU_IDX_SUM, NULL, &prot), -1);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_WRITE);
    assert_int_equal(xl(f, va, WR, PRV_S | MMU_IDX_SUM, NULL, NULL), -1);
    assert_int_equal(xl(f, va, EX, PRV_S | MMU_IDX_SUM, NULL, NULL),
                     EXC_INSN_PAGE_FAULT);
    /* SUM means nothing to U-mode. */
    assert_int_equal(xl(f, va, RD, PRV_U | MMU_IDX_SUM, NULL, NULL), -1);

    /* A supervisor page: U-mode never, S-mode always. */
    wr64(f, leaf, pte(0x80900000, V | R | W | X | A | D));
    assert_int_equal(xl(f, va, RD, PRV_U, NULL, NULL), EXC_LOAD_PAGE_FAULT);
    assert_int_equal(xl(f, va, WR, PRV_U | MMU_IDX_SUM, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(xl(f, va, EX, PRV_U, NULL, NULL), EXC_INSN_PAGE_FAULT);
    assert_int_equal(xl(f, va, RD, PRV_S | MMU_IDX_SUM, NULL, &prot), -1);
    assert_int_equal(prot, PRWX);

    /* Execute-only: readable with MXR only. */
    wr64(f, leaf, pte(0x80900000, V | X | A));
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_PAGE_FAULT);
    assert_int_equal(xl(f, va, EX, PRV_S, NULL, &prot), -1);
    assert_int_equal(prot, BB_PROT_EXEC);
    assert_int_equal(xl(f, va, RD, PRV_S | MMU_IDX_MXR, NULL, &prot), -1);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_EXEC);
    assert_int_equal(xl(f, va, WR, PRV_S | MMU_IDX_MXR, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    /* MXR with a user execute-only page: U-mode reads it; S-mode needs
     * SUM as well. */
    wr64(f, leaf, pte(0x80900000, V | X | U | A));
    assert_int_equal(xl(f, va, RD, PRV_U | MMU_IDX_MXR, NULL, &prot), -1);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_EXEC);
    assert_int_equal(xl(f, va, RD, PRV_S | MMU_IDX_MXR, NULL, NULL),
                     EXC_LOAD_PAGE_FAULT);
    assert_int_equal(xl(f, va, RD, PRV_S | MMU_IDX_MXR | MMU_IDX_SUM, NULL,
                        &prot),
                     -1);
    assert_int_equal(prot, BB_PROT_READ);

    /* Read-only and write permissions. */
    wr64(f, leaf, pte(0x80900000, V | R | A | D));
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, &prot), -1);
    assert_int_equal(prot, BB_PROT_READ);
    assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL),
                     EXC_STORE_PAGE_FAULT);
    assert_int_equal(xl(f, va, EX, PRV_S, NULL, NULL), EXC_INSN_PAGE_FAULT);
}

/* ------------------------------------------------------------ faults */

static void pte_access_faults(void **state)
{
    Fixture *f = *state;
    uint64_t va = 0xa000;

    /* Root table outside memory. */
    set_satp(f, SATP_SV39, 0x10000000);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL), EXC_STORE_ACCESS);
    assert_int_equal(xl(f, va, EX, PRV_S, NULL, NULL), EXC_INSN_ACCESS);
    f->s->in_amo = 1;
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_STORE_ACCESS);
    f->s->in_amo = 0;
    /* A pointer leaving memory at level 1. */
    map_sv39_4k(f, va, 0x80a00000, V | R | A);
    wr64(f, slot(TABLE(0), va, 2), pte(0x20000000, V));
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
}

static void pmp_on_walk_and_result(void **state)
{
    Fixture *f = *state;
    RiscvCpu *s = f->s;
    uint64_t va = 0xb000, pa;
    unsigned prot;

    map_sv39_4k(f, va, 0x80b00000, V | R | W | X);
    s->pmp_entries = 16;
    /* Entry 0: the page tables (TABLES, 16 KiB) read-only; entry 1:
     * RAM, RWX. */
    riscv_pmpaddr_write(s, 0, (TABLES >> 2) | ((0x4000 >> 3) - 1));
    riscv_pmpaddr_write(s, 1, (RAM_BASE >> 2) | ((RAM_SIZE >> 3) - 1));
    riscv_pmpcfg_write(s, 0, 0x1f18 | 0x01); /* e0 NAPOT R, e1 NAPOT RWX */
    assert_int_equal(riscv_pmpcfg_read(s, 0), 0x1f19);

    /* The walk may read but not write A/D back: access fault. */
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(f, va, EX, PRV_S, NULL, NULL), EXC_INSN_ACCESS);
    assert_int_equal(rd64(f, slot(TABLE(2), va, 0)),
                     pte(0x80b00000, V | R | W | X));
    /* With A and D already set it succeeds. */
    wr64(f, slot(TABLE(2), va, 0), pte(0x80b00000, V | R | W | X | A | D));
    assert_int_equal(xl(f, va, WR, PRV_S, &pa, &prot), -1);
    assert_int_equal(prot, PRWX);
    /* No read permission on the tables: access fault. */
    riscv_pmpcfg_write(s, 0, 0x1f18);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
    /* M-mode ignores unlocked entries (and is not translated). */
    assert_int_equal(xl(f, TABLES, WR, PRV_M, &pa, &prot), -1);
    assert_int_equal(prot, PRWX);

    /* The final address: entry 0 makes the page read/execute only. */
    riscv_pmpaddr_write(s, 0, (0x80b00000 >> 2) | ((0x1000 >> 3) - 1));
    riscv_pmpcfg_write(s, 0, 0x1f1d); /* e0 NAPOT R|X, e1 NAPOT RWX */
    assert_int_equal(xl(f, va, RD, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x80b00000);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_EXEC);
    assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL), EXC_STORE_ACCESS);
    f->s->in_amo = 1;
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_STORE_ACCESS);
    f->s->in_amo = 0;

    /* An NA4 entry inside the page: every access is checked alone. */
    riscv_pmpaddr_write(s, 0, (0x80b00100 >> 2));
    riscv_pmpcfg_write(s, 0, 0x1f10); /* e0 NA4, no permissions */
    assert_int_equal(xl(f, va + 0x100, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_ACCESS);
    assert_int_equal(xl(f, va + 0x103, EX, PRV_S, NULL, NULL),
                     EXC_INSN_ACCESS);
    assert_int_equal(xl(f, va + 0x104, WR, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x80b00104);
    assert_int_equal(prot, BB_PROT_WRITE | BB_PROT_NO_CACHE);
    assert_int_equal(xl(f, va + 0xff, RD, PRV_S, NULL, &prot), -1);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_NO_CACHE);

    /* Bare S-mode is checked the same way. */
    s->satp = 0;
    assert_int_equal(xl(f, 0x80b00100, RD, PRV_S, NULL, NULL),
                     EXC_LOAD_ACCESS);
    assert_int_equal(xl(f, 0x80c00000, RD, PRV_S, NULL, &prot), -1);
    assert_int_equal(prot, PRWX);
    /* Outside every entry: S-mode fails, M-mode succeeds. */
    assert_int_equal(xl(f, 0x1000, EX, PRV_U, NULL, NULL), EXC_INSN_ACCESS);
    assert_int_equal(xl(f, 0x1000, EX, PRV_M, NULL, &prot), -1);
    assert_int_equal(prot, PRWX);
}

/* The walk reads tables in ROM through its host pointer too; the A/D
 * write-back to ROM is dropped (and logged) and the walk goes on, as with
 * the memory API. */
static void tables_in_rom(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;
    BbMemoryRegion *rom =
        bb_memory_region_new_rom(NULL, "rom", 0x3000, &err);
    uint64_t rom_base = 0x10000000, va = 0xc000, pa;
    uint64_t t[3][512] = { { 0 } };
    unsigned prot;

    assert_non_null(rom);
    assert_true(bb_memory_region_add_subregion(f->root, rom_base, rom,
                                               &err));
    t[0][(va >> 30) & 511] = pte(rom_base + 0x1000, V);
    t[1][(va >> 21) & 511] = pte(rom_base + 0x2000, V);
    t[2][(va >> 12) & 511] = pte(0x80c00000, V | R | X); /* A clear */
    assert_true(bb_memory_region_write_rom(rom, 0, t, sizeof(t), &err));
    set_satp(f, SATP_SV39, rom_base);
    assert_int_equal(xl(f, va, RD, PRV_S, &pa, &prot), -1);
    assert_int_equal(pa, 0x80c00000);
    assert_int_equal(prot, BB_PROT_READ | BB_PROT_EXEC);
    assert_int_equal(rd64(f, rom_base + 0x2000 + ((va >> 12) & 511) * 8),
                     pte(0x80c00000, V | R | X));
    assert_int_equal(xl(f, va, WR, PRV_S, NULL, NULL), EXC_STORE_PAGE_FAULT);
    bb_memory_region_del_subregion(f->root, rom);
    bb_memory_region_unref(rom);
}

/* A PMP entry boundary inside a page-table page: each PTE is checked on
 * its own, and what the walk remembers about a table page goes when the
 * PMP changes. */
static void pmp_boundary_in_table_page(void **state)
{
    Fixture *f = *state;
    RiscvCpu *s = f->s;
    uint64_t va = 0xd000, va2 = 0xe000;

    map_sv39_4k(f, va, 0x80d00000, V | R | W | A | D);
    map_sv39_4k(f, va2, 0x80e00000, V | R | W | A | D);
    s->pmp_entries = 16;
    /* Entry 0: NA4 over the low half of va's leaf PTE, no permissions;
     * entry 1: RAM, RWX. */
    riscv_pmpaddr_write(s, 0, slot(TABLE(2), va, 0) >> 2);
    riscv_pmpaddr_write(s, 1, (RAM_BASE >> 2) | ((RAM_SIZE >> 3) - 1));
    riscv_pmpcfg_write(s, 0, 0x1f10);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(f, va2, RD, PRV_S, NULL, NULL), -1);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
    /* Entry 0 now covers the whole leaf table read-only: va's PTE reads
     * again (the earlier verdicts are forgotten). */
    riscv_pmpaddr_write(s, 0, (TABLE(2) >> 2) | ((0x1000 >> 3) - 1));
    riscv_pmpcfg_write(s, 0, 0x1f19);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), -1);
    /* and no read at all: both fault */
    riscv_pmpcfg_write(s, 0, 0x1f18);
    assert_int_equal(xl(f, va, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
    assert_int_equal(xl(f, va2, RD, PRV_S, NULL, NULL), EXC_LOAD_ACCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(bare_and_m_mode_are_identity, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sv39_4k_page, setup, teardown),
        cmocka_unit_test_setup_teardown(hardware_updates_a_and_d, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sv39_superpages, setup, teardown),
        cmocka_unit_test_setup_teardown(sv48_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(sv57_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(sv39_canonical, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_and_reserved_ptes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(user_pages_sum_and_mxr, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pte_access_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(pmp_on_walk_and_result, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(tables_in_rom, setup, teardown),
        cmocka_unit_test_setup_teardown(debug_walk_leaves_a_and_d, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pmp_boundary_in_table_page, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
