/*
 * mmu.c - address translation and memory protection of the RISC-V hart:
 * the Sv39/Sv48/Sv57 page walk with hardware A/D updates, physical memory
 * protection (16 entries, granularity 4 bytes), and the softmmu hooks
 * tlb_fill, do_transaction_failed and do_unaligned_access.  Follows the
 * RISC-V privileged architecture 1.12: "Physical Memory Protection"
 * (3.7) and "Sv32/Sv39/Sv48/Sv57" (4.3-4.6, the translation algorithm of
 * 4.3.2).  Svnapot and Svpbmt are not implemented, so PTE bits 63:54 are
 * reserved and must be zero.
 *
 * What tlb_fill grants is cached by the host in 4 KiB TLB entries per MMU
 * index (docs/jit.md, "Softmmu"): it grants only what the PTE and the PMP
 * allow for that index, grants write only once D is set (a store to a
 * clean page comes back here to set D), and marks superpages and pages
 * that a PMP boundary splits; on those it checks every byte of the
 * access (BbCpu.access_size), so that e.g. an 8-byte load half inside an
 * NA4 region fails.
 */
#include <string.h>

#include "riscv.h"

/* PTE bits */
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ull << 44) - 1) /* bits 53:10 */
#define PTE_RESERVED_SHIFT 54           /* N, PBMT and reserved: 63:54 */

#define PAGE_BITS 12
#define PAGE_SIZE (1ull << PAGE_BITS)
#define VPN_BITS 9

/* pmpNcfg bits */
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_A_SHIFT 3
#define PMP_A_MASK (3u << PMP_A_SHIFT)
#define PMP_L 0x80
#define PMP_CFG_MASK (PMP_R | PMP_W | PMP_X | PMP_A_MASK | PMP_L)
enum { PMP_OFF = 0, PMP_TOR = 1, PMP_NA4 = 2, PMP_NAPOT = 3 };
#define PMP_ADDR_BITS 54 /* pmpaddr holds physical address bits 55:2 */
#define PMP_ADDR_MASK ((1ull << PMP_ADDR_BITS) - 1)

#define PROT_RWX (BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC)

/* The causes of one kind of access: a load inside an AMO faults as the
 * AMO's store would. */
static uint32_t page_fault_cause(RiscvCpu *s, BbAccessType access)
{
    if (access == BB_ACCESS_EXEC) {
        return EXC_INSN_PAGE_FAULT;
    }
    return access == BB_ACCESS_WRITE || s->in_amo ? EXC_STORE_PAGE_FAULT
                                                  : EXC_LOAD_PAGE_FAULT;
}

static uint32_t access_fault_cause(RiscvCpu *s, BbAccessType access)
{
    if (access == BB_ACCESS_EXEC) {
        return EXC_INSN_ACCESS;
    }
    return access == BB_ACCESS_WRITE || s->in_amo ? EXC_STORE_ACCESS
                                                  : EXC_LOAD_ACCESS;
}

/* ------------------------------------------------------------ PMP */

static unsigned pmp_mode(uint8_t cfg)
{
    return (cfg & PMP_A_MASK) >> PMP_A_SHIFT;
}

/* The bytes entry @i covers, [*lo, *hi] inclusive; false if none. */
static bool pmp_entry_range(const RiscvCpu *s, unsigned i, uint64_t *lo,
                            uint64_t *hi)
{
    uint64_t addr = s->pmpaddr[i];

    switch (pmp_mode(s->pmpcfg[i])) {
    case PMP_TOR: {
        uint64_t base = i ? s->pmpaddr[i - 1] << 2 : 0;
        uint64_t top = addr << 2;

        if (base >= top) {
            return false;
        }
        *lo = base;
        *hi = top - 1;
        return true;
    }
    case PMP_NA4:
        *lo = addr << 2;
        *hi = *lo + 3;
        return true;
    case PMP_NAPOT: {
        /* yyyy0111: t trailing ones -> 2^(t+3) bytes; pmpaddr has 54
         * bits, so t <= 54 and the region stays below 2^57. */
        unsigned t = (unsigned)__builtin_ctzll(~addr);
        uint64_t ones = (1ull << t) - 1;

        *lo = (addr & ~ones) << 2;
        *hi = *lo + (1ull << (t + 3)) - 1;
        return true;
    }
    default:
        return false;
    }
}

typedef enum { PMP_MATCH_NONE, PMP_MATCH_FULL, PMP_MATCH_PARTIAL } PmpMatch;

/*
 * The PMP decision for the bytes [@lo, @hi] in privilege @priv: the
 * lowest-numbered entry matching any of them decides.  *@perms receives
 * the PMP_R/W/X the access may use when the result is FULL or NONE (a
 * PARTIAL match fails whatever the permissions).
 */
static PmpMatch pmp_lookup(const RiscvCpu *s, uint64_t lo, uint64_t hi,
                           unsigned priv, unsigned *perms)
{
    unsigned n = s->pmp_entries < RISCV_PMP_ENTRIES ? s->pmp_entries
                                                    : RISCV_PMP_ENTRIES;

    for (unsigned i = 0; i < n; i++) {
        uint64_t elo, ehi;

        if (!pmp_entry_range(s, i, &elo, &ehi) || hi < elo || lo > ehi) {
            continue;
        }
        if (lo < elo || hi > ehi) {
            *perms = 0;
            return PMP_MATCH_PARTIAL;
        }
        /* M-mode obeys locked entries only. */
        *perms = priv == PRV_M && !(s->pmpcfg[i] & PMP_L)
                     ? PMP_R | PMP_W | PMP_X
                     : s->pmpcfg[i] & (PMP_R | PMP_W | PMP_X);
        return PMP_MATCH_FULL;
    }
    /* No match: M-mode succeeds; S and U fail when any entry exists. */
    *perms = priv == PRV_M || n == 0 ? PMP_R | PMP_W | PMP_X : 0;
    return PMP_MATCH_NONE;
}

static unsigned pmp_perm_of(BbAccessType access)
{
    return access == BB_ACCESS_EXEC    ? PMP_X
           : access == BB_ACCESS_WRITE ? PMP_W
                                       : PMP_R;
}

bool riscv_pmp_check(RiscvCpu *s, uint64_t addr, unsigned size,
                     BbAccessType access, unsigned priv)
{
    uint64_t hi = addr + (size ? size - 1 : 0);
    unsigned perms;

    if (s->pmp_entries == 0) {
        return true;
    }
    if (hi < addr) {
        hi = UINT64_MAX; /* wraps past 2^64: the top bytes decide */
    }
    if (pmp_lookup(s, addr, hi, priv, &perms) == PMP_MATCH_PARTIAL) {
        return false;
    }
    return perms & pmp_perm_of(access);
}

/*
 * What the PMP lets @priv do in the 4 KiB page holding @paddr, as BB_PROT
 * bits.  When an entry boundary falls inside the page, only the access
 * itself - the @size bytes at @paddr, clipped to the page - is checked
 * for @access (@need: the PMP_* bits it requires; any byte outside the
 * entry matching the first one fails it, as a partial match), and the
 * result carries BB_PROT_NO_CACHE, so that every access to the page is
 * checked again.
 */
static unsigned pmp_page_prot(RiscvCpu *s, uint64_t paddr, unsigned size,
                              unsigned priv, BbAccessType access,
                              unsigned need)
{
    uint64_t page = paddr & ~(PAGE_SIZE - 1);
    uint64_t last = MIN(paddr + MAX(size, 1u) - 1, page + PAGE_SIZE - 1);
    unsigned perms, prot;

    if (s->pmp_entries == 0) {
        return PROT_RWX;
    }
    if (pmp_lookup(s, page, page + PAGE_SIZE - 1, priv, &perms) ==
        PMP_MATCH_PARTIAL) {
        if (pmp_lookup(s, paddr, last, priv, &perms) == PMP_MATCH_PARTIAL ||
            (perms & need) != need) {
            return 0;
        }
        return (1u << access) | BB_PROT_NO_CACHE;
    }
    if ((perms & need) != need) {
        return 0;
    }
    prot = 0;
    if (perms & PMP_R) {
        prot |= BB_PROT_READ;
    }
    if (perms & PMP_W) {
        prot |= BB_PROT_WRITE;
    }
    if (perms & PMP_X) {
        prot |= BB_PROT_EXEC;
    }
    return prot;
}

/* Whether pmpaddr[@i] ignores writes: its own entry is locked, or the
 * next entry is a locked TOR entry using it as its base. */
static bool pmpaddr_locked(const RiscvCpu *s, unsigned i)
{
    if (s->pmpcfg[i] & PMP_L) {
        return true;
    }
    return i + 1 < s->pmp_entries && i + 1 < RISCV_PMP_ENTRIES &&
           (s->pmpcfg[i + 1] & PMP_L) &&
           pmp_mode(s->pmpcfg[i + 1]) == PMP_TOR;
}

/* The entries of pmpcfg<@reg_index> on RV64 (8 per register, only even
 * registers exist): its first entry, or -1 if it holds none. */
static int pmpcfg_first_entry(const RiscvCpu *s, unsigned reg_index)
{
    if (reg_index & 1 || reg_index * 4 >= s->pmp_entries ||
        reg_index * 4 >= RISCV_PMP_ENTRIES) {
        return -1;
    }
    return (int)(reg_index * 4);
}

void riscv_pmpcfg_write(RiscvCpu *s, unsigned reg_index, uint64_t value)
{
    int first = pmpcfg_first_entry(s, reg_index);
    bool changed = false;

    if (first < 0) {
        return;
    }
    for (unsigned k = 0; k < 8; k++) {
        unsigned i = (unsigned)first + k;
        uint8_t cfg = (uint8_t)(value >> (8 * k)) & PMP_CFG_MASK;

        if (i >= s->pmp_entries || (s->pmpcfg[i] & PMP_L)) {
            continue;
        }
        if ((cfg & PMP_W) && !(cfg & PMP_R)) {
            cfg &= (uint8_t)~PMP_W; /* R=0 W=1 is reserved: WARL */
        }
        if (s->pmpcfg[i] != cfg) {
            s->pmpcfg[i] = cfg;
            changed = true;
        }
    }
    if (changed) {
        riscv_pmp_changed(s);
        bb_cpu_tlb_flush(&s->parent_obj);
    }
}

uint64_t riscv_pmpcfg_read(RiscvCpu *s, unsigned reg_index)
{
    int first = pmpcfg_first_entry(s, reg_index);
    uint64_t value = 0;

    if (first < 0) {
        return 0;
    }
    for (unsigned k = 0; k < 8; k++) {
        unsigned i = (unsigned)first + k;

        if (i < s->pmp_entries) {
            value |= (uint64_t)s->pmpcfg[i] << (8 * k);
        }
    }
    return value;
}

void riscv_pmpaddr_write(RiscvCpu *s, unsigned index, uint64_t value)
{
    value &= PMP_ADDR_MASK;
    if (index >= s->pmp_entries || index >= RISCV_PMP_ENTRIES ||
        pmpaddr_locked(s, index) || s->pmpaddr[index] == value) {
        return;
    }
    s->pmpaddr[index] = value;
    riscv_pmp_changed(s);
    bb_cpu_tlb_flush(&s->parent_obj);
}

uint64_t riscv_pmpaddr_read(RiscvCpu *s, unsigned index)
{
    if (index >= s->pmp_entries || index >= RISCV_PMP_ENTRIES) {
        return 0;
    }
    return s->pmpaddr[index];
}

/* ------------------------------------------------------------ page walk */

void riscv_pmp_changed(RiscvCpu *s)
{
    memset(s->ptw_pmp_valid, 0, sizeof(s->ptw_pmp_valid));
}

/*
 * What the PMP lets the walk's own (S-mode) accesses do to the PTE at
 * @pte_addr, read at walk level @level: PMP_R and/or PMP_W.  A walk reads
 * the same few table pages over and over, so the verdict on a whole page
 * is kept per level until the PMP changes.  When an entry boundary falls
 * inside the page, this PTE alone is checked, as riscv_pmp_check() does,
 * and nothing is kept.  (A page matched in full by one entry, or by none,
 * gives every PTE in it that entry's verdict, or the no-match one.)
 */
static unsigned ptw_pmp_perms(RiscvCpu *s, uint64_t pte_addr, int level)
{
    uint64_t page = pte_addr & ~(PAGE_SIZE - 1);
    unsigned perms;

    if (s->pmp_entries == 0) {
        return PMP_R | PMP_W;
    }
    if (s->ptw_pmp_valid[level] && s->ptw_pmp_page[level] == page) {
        return s->ptw_pmp_perms[level];
    }
    if (pmp_lookup(s, page, page + PAGE_SIZE - 1, PRV_S, &perms) ==
        PMP_MATCH_PARTIAL) {
        return (riscv_pmp_check(s, pte_addr, 8, BB_ACCESS_READ, PRV_S)
                    ? PMP_R
                    : 0) |
               (riscv_pmp_check(s, pte_addr, 8, BB_ACCESS_WRITE, PRV_S)
                    ? PMP_W
                    : 0);
    }
    perms &= PMP_R | PMP_W;
    s->ptw_pmp_page[level] = page;
    s->ptw_pmp_perms[level] = (uint8_t)perms;
    s->ptw_pmp_valid[level] = true;
    return perms;
}

/*
 * Read the PTE at @pte_addr.  A table in RAM (or ROM) is read through a
 * host pointer to it (the memory API's map), which spares the walk the
 * generic access path - flat-view dispatch and a memcpy per PTE - that
 * dominated Sv39 workloads; a table anywhere else (an I/O region, a
 * hole) goes through bb_address_space_load().  The pointer is used for
 * this PTE only: a device callback may change the memory map between two
 * walks.  Guest memory is little-endian.
 */
static BbMemTxResult pte_load(BbAddressSpace *as, uint64_t pte_addr,
                              uint64_t *pte)
{
    uint64_t len = 8;
    const void *host = bb_address_space_map(as, pte_addr, &len, false);

    if (host && len >= 8) {
        /* a fixed-size memcpy compiles to one load (a RAM region may
         * start at any address, so the pointer need not be aligned) */
        memcpy(pte, host, 8);
        *pte = GUINT64_FROM_LE(*pte);
        return BB_MEMTX_OK;
    }
    return bb_address_space_load(as, pte_addr, 8, pte);
}

/*
 * Write back a PTE with A/D set, in place when the table is in writable
 * RAM.  The harts of a board run round-robin on one thread, so nothing
 * can change the PTE between pte_load() and this store: a plain store is
 * as atomic as the specification's read-modify-write needs.  (With harts
 * on several threads this would become a compare-and-swap that restarts
 * the walk when the PTE changed.)  A table in ROM or I/O takes the
 * memory API, which ignores and logs stores to ROM as before.
 */
static BbMemTxResult pte_store(BbAddressSpace *as, uint64_t pte_addr,
                               uint64_t pte)
{
    uint64_t len = 8;
    void *host = bb_address_space_map(as, pte_addr, &len, true);

    if (host && len >= 8) {
        pte = GUINT64_TO_LE(pte);
        memcpy(host, &pte, 8);
        return BB_MEMTX_OK;
    }
    return bb_address_space_store(as, pte_addr, 8, pte);
}

/*
 * Walk the page table of satp for @vaddr (privileged spec 4.3.2): the
 * PTE reads and A/D writes are S-mode accesses for the PMP.  @priv is the
 * effective privilege (S or U), @store whether the access writes (a
 * store, or the load of an AMO).
 */
static bool mmu_walk(RiscvCpu *s, BbAddressSpace *as, uint64_t vaddr,
                     BbAccessType access, unsigned mmu_idx, bool store,
                     unsigned levels, uint64_t *paddr, unsigned *prot,
                     uint32_t *cause)
{
    unsigned priv = MMU_IDX_PRIV(mmu_idx);
    bool sum = mmu_idx & MMU_IDX_SUM, mxr = mmu_idx & MMU_IDX_MXR;
    bool fetch = access == BB_ACCESS_EXEC;
    unsigned va_bits = PAGE_BITS + VPN_BITS * levels;
    uint64_t table = (s->satp & SATP_PPN_MASK) << PAGE_BITS;
    int shift = 64 - (int)va_bits;

    /* Bits above the VA width must all equal its top bit. */
    if ((uint64_t)((int64_t)(vaddr << shift) >> shift) != vaddr) {
        *cause = page_fault_cause(s, access);
        return false;
    }

    for (int level = (int)levels - 1; level >= 0; level--) {
        unsigned page_bits = PAGE_BITS + VPN_BITS * (unsigned)level;
        uint64_t vpn = (vaddr >> page_bits) & ((1u << VPN_BITS) - 1);
        uint64_t pte_addr = table + vpn * 8;
        uint64_t pte, ppn, want, offset_mask;
        unsigned pmp = ptw_pmp_perms(s, pte_addr, level);
        bool u_ok_data, u_ok_fetch, allowed;

        if (!(pmp & PMP_R) ||
            pte_load(as, pte_addr, &pte) != BB_MEMTX_OK) {
            *cause = access_fault_cause(s, access);
            return false;
        }
        if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W) ||
            (pte >> PTE_RESERVED_SHIFT)) {
            break;
        }
        ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
        if (!(pte & (PTE_R | PTE_W | PTE_X))) {
            table = ppn << PAGE_BITS; /* pointer to the next level */
            continue;
        }

        /* A leaf.  U pages: U-mode only, and S-mode data with SUM;
         * S-mode never executes them. */
        if (priv == PRV_U) {
            u_ok_data = u_ok_fetch = pte & PTE_U;
        } else {
            u_ok_data = !(pte & PTE_U) || sum;
            u_ok_fetch = !(pte & PTE_U);
        }
        if (fetch) {
            allowed = u_ok_fetch && (pte & PTE_X);
        } else if (store) {
            allowed = u_ok_data && (pte & PTE_W);
        } else {
            allowed = u_ok_data &&
                      ((pte & PTE_R) || (mxr && (pte & PTE_X)));
        }
        /* A superpage's PPN must be aligned to its size. */
        if (!allowed || (ppn & ((1ull << (page_bits - PAGE_BITS)) - 1))) {
            break;
        }

        /* Hardware A/D update: A on any access, D on a write. */
        want = pte | PTE_A | (store ? PTE_D : 0);
        if (want != pte && s->mmu_debug) {
            pte = want; /* a debugger looks without touching the PTE */
        } else if (want != pte) {
            if (!(pmp & PMP_W) ||
                pte_store(as, pte_addr, want) != BB_MEMTX_OK) {
                *cause = access_fault_cause(s, access);
                return false;
            }
            pte = want;
        }

        offset_mask = (1ull << page_bits) - 1;
        *paddr = ((ppn << PAGE_BITS) & ~offset_mask) | (vaddr & offset_mask);
        *prot = 0;
        if (u_ok_data && ((pte & PTE_R) || (mxr && (pte & PTE_X)))) {
            *prot |= BB_PROT_READ;
        }
        if (u_ok_data && (pte & PTE_W) && (pte & PTE_D)) {
            *prot |= BB_PROT_WRITE;
        }
        if (u_ok_fetch && (pte & PTE_X)) {
            *prot |= BB_PROT_EXEC;
        }
        if (page_bits > PAGE_BITS) {
            *prot |= BB_PROT_PAGE_BITS(page_bits);
        }
        return true;
    }
    /* Invalid or reserved PTE, a pointer at the last level, a denied
     * permission or a misaligned superpage. */
    *cause = page_fault_cause(s, access);
    return false;
}

bool riscv_mmu_translate(RiscvCpu *s, BbAddressSpace *as, uint64_t vaddr,
                         unsigned size, BbAccessType access, unsigned mmu_idx,
                         uint64_t *paddr, unsigned *prot, uint32_t *cause)
{
    unsigned priv = MMU_IDX_PRIV(mmu_idx);
    /* The load of an AMO needs write permission too (it faults as a
     * store/AMO and the store half must not fault afterwards). */
    bool store = access == BB_ACCESS_WRITE ||
                 (access == BB_ACCESS_READ && s->in_amo);
    unsigned need = access == BB_ACCESS_EXEC    ? PMP_X
                    : access == BB_ACCESS_WRITE ? PMP_W
                    : store                     ? PMP_R | PMP_W
                                                : PMP_R;
    unsigned levels = 0, pmp_prot;

    if (priv != PRV_M) {
        switch (s->satp >> SATP_MODE_SHIFT) {
        case SATP_SV39:
            levels = 3;
            break;
        case SATP_SV48:
            levels = 4;
            break;
        case SATP_SV57:
            levels = 5;
            break;
        default:
            break; /* Bare (csr.c keeps satp's MODE valid) */
        }
    }
    if (levels) {
        if (!mmu_walk(s, as, vaddr, access, mmu_idx, store, levels, paddr,
                      prot, cause)) {
            return false;
        }
    } else {
        *paddr = vaddr;
        *prot = PROT_RWX;
    }

    pmp_prot = pmp_page_prot(s, *paddr, size, priv, access, need);
    if (!pmp_prot) {
        *cause = access_fault_cause(s, access);
        return false;
    }
    /* Keep the walk's page size; the PMP limits the rest. */
    *prot = (*prot & ~(unsigned)PROT_RWX) | (*prot & pmp_prot & PROT_RWX) |
            (pmp_prot & BB_PROT_NO_CACHE);
    return true;
}

/* ------------------------------------------------------------ CPU hooks */

/* The hooks are installed on the riscv64 class only. */
static RiscvCpu *riscv_of(BbCpu *cpu)
{
    return (RiscvCpu *)cpu;
}

/* Raise from a softmmu hook: the instruction is abandoned, so an AMO in
 * progress is over. */
static G_GNUC_NORETURN void mmu_raise(RiscvCpu *s, uint32_t cause,
                                      uint64_t tval)
{
    s->in_amo = 0;
    bb_cpu_raise_exception(&s->parent_obj, cause, tval, 0);
}

bool riscv_tlb_fill(BbCpu *cpu, uint64_t vaddr, BbAccessType access,
                    unsigned mmu_idx, bool probe, uint64_t *paddr,
                    unsigned *prot)
{
    RiscvCpu *s = riscv_of(cpu);
    uint32_t cause;

    /* the host tells the access's size (BbCpu.access_size, 0: 1 byte) */
    if (riscv_mmu_translate(s, bb_cpu_get_address_space(cpu), vaddr,
                            cpu->access_size, access, mmu_idx, paddr, prot,
                            &cause)) {
        return true;
    }
    if (probe) {
        return false;
    }
    mmu_raise(s, cause, vaddr);
}

void riscv_do_transaction_failed(BbCpu *cpu, uint64_t vaddr, uint64_t paddr,
                                 BbAccessType access, unsigned size,
                                 unsigned mmu_idx)
{
    RiscvCpu *s = riscv_of(cpu);

    mmu_raise(s, access_fault_cause(s, access), vaddr);
}

bool riscv_do_unaligned_access(BbCpu *cpu, uint64_t vaddr,
                               BbAccessType access, BbMemOp mop,
                               unsigned mmu_idx)
{
    RiscvCpu *s = riscv_of(cpu);

    if (access == BB_ACCESS_EXEC) {
        return true; /* fetches are split by the host, never misaligned */
    }
    /* Misaligned loads and stores trap; OpenSBI emulates them. */
    mmu_raise(s, access == BB_ACCESS_WRITE || s->in_amo
                     ? EXC_STORE_MISALIGNED
                     : EXC_LOAD_MISALIGNED,
              vaddr);
}
