/*
 * softmmu-test.c - unit tests of the softmmu (host/tcg/softmmu.c) and of
 * the TLB fast paths of both backends (the x86-64 inline hit path, the
 * interpreter's C test): a real address space (RAM, a second RAM, ROM, a
 * recording I/O device, a hole) behind a test CPU whose tlb_fill maps
 * virtual pages by a small table (else identity) with chosen permissions.
 * Checked: fill on the first access and hits afterwards (the slow path is
 * not called), every size and extension on the hit path, MMIO always
 * reaching the device with the access's size and value, misaligned and
 * page-crossing accesses (tlb_fill told the size of the piece on each
 * page), the misaligned policy, read-only pages and
 * refused fills (nothing stored), unassigned addresses (bus error), ROM,
 * use-once translations, the flushes (all, page, MMU index, superpages),
 * the memory listener,
 * code-page write protection, the victim TLB (hits, eviction order,
 * flushes, one per MMU index, code-page marks) and the table index that
 * keeps pages 32 MiB apart apart, instruction-fetch translation, the pc map
 * of a slow-path call, the tables' growth and shrinking, the I/O TLB on a
 * page of small regions and holes (same results as the memory API; map
 * changes between accesses and from a device callback during one), and
 * random access sequences on which both backends must agree with each
 * other and with a byte model.
 */
#include "tcg-programs.h"

#include "memory/memory-priv.h"
#include "tcg/softmmu.h"
#ifdef BB_HAVE_X86_64_BACKEND
#include "tcg/x86_64/tcg-x86_64.h"
#endif

#define RAM_BASE 0x80000000ull   /* physical */
#define RAM_SIZE 0x10000ull
#define RAM2_BASE 0x90000000ull
#define RAM2_SIZE 0x2000ull
#define ROM_BASE 0x1000ull
#define DEV_BASE 0x10000000ull
#define DEV_SIZE 0x1000ull
#define HOLE 0x20000000ull       /* nothing mapped */
/*
 * A page of small pieces and holes (the I/O TLB's hard cases):
 *   +0x00  16 bytes: window 0x800.. of the device (an alias)
 *   +0x40  8 bytes:  window 0x900.. of the device
 *   +0x60  8 bytes:  a register that takes only aligned 4-byte accesses
 *   +0x80  32 bytes: window 0x100.. of the ROM
 *   +0xc0  32 bytes: window 0x10.. of the second RAM
 *   +0x100 8 bytes:  the remapper (remaps from its write callback)
 * and nothing anywhere else.
 */
#define MIX 0x30000000ull
#define MIX_A 0x00
#define MIX_B 0x40
#define MIX_W4 0x60
#define MIX_ROM 0x80
#define MIX_RAM 0xc0
#define MIX_REMAP 0x100
#define VBASE 0x40000000ull      /* virtual: VBASE + x -> RAM_BASE + x */
#define WRAP 0x100000000ull      /* virtual, with Fix.wrap: WRAP + x ->
                                    RAM_BASE + x % RAM_SIZE */
#define PAGE TLB_PAGE_SIZE

/* ------------------------------------------------------------ device */

typedef struct DevCall {
    bool write;
    uint64_t addr;
    unsigned size;
    uint64_t value;
} DevCall;

typedef struct Dev {
    uint8_t regs[DEV_SIZE];
    GArray *calls; /* DevCall */
} Dev;

static uint64_t dev_read(void *opaque, uint64_t addr, unsigned size)
{
    Dev *d = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(addr + i) % DEV_SIZE] << (8 * i);
    }
    g_array_append_val(d->calls, ((DevCall){ false, addr, size, v }));
    return v;
}

static void dev_write(void *opaque, uint64_t addr, uint64_t value,
                      unsigned size)
{
    Dev *d = opaque;

    for (unsigned i = 0; i < size; i++) {
        d->regs[(addr + i) % DEV_SIZE] = (uint8_t)(value >> (8 * i));
    }
    g_array_append_val(d->calls, ((DevCall){ true, addr, size, value }));
}

static const BbMemoryOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .valid = { 1, 8, true },
    .impl = { 1, 8, true },
};

/* The same device through a register that refuses anything but aligned
 * 4-byte accesses (its offsets are the device's 0..7). */
static const BbMemoryOps dev_w4_ops = {
    .read = dev_read,
    .write = dev_write,
    .valid = { 4, 4, false },
    .impl = { 4, 4, false },
};

/* ------------------------------------------------------------ fixture */

typedef struct MapEntry {
    uint64_t vpage, ppage;
    unsigned prot;
} MapEntry;

typedef struct Fix {
    BbMemoryRegion *root, *ram, *ram2, *rom, *dev_mr;
    BbMemoryRegion *mix_a, *mix_b, *mix_w4, *mix_rom, *mix_ram, *remap_mr;
    BbMemoryRegion *over;    /* test_io_tlb_remap_*: an overlapping window */
    unsigned remaps;         /* remapper writes */
    BbAddressSpace *as;
    Dev dev;
    Softmmu *sm;
    TcgRuntime rt;
    TlbListener *listener;

    /* The test CPU. */
    MapEntry map[16];
    unsigned nb_map;
    unsigned extra_prot;     /* or-ed into every fill's prot */
    bool refuse;             /* tlb_fill fails everything */
    unsigned fills;
    int last_access;
    uint64_t last_fill_vaddr;
    unsigned last_fill_size; /* the access size tlb_fill was told */
    unsigned bus_errors;
    BbMemTxResult last_memtx;
    unsigned misaligned_calls;
    bool misaligned_ok;      /* the policy: carry out (split) or fault */
    uint64_t code_page;      /* page_has_code() is true here (or ~0) */
    unsigned code_writes;
    uint64_t code_write_paddr;
    unsigned code_write_size;
    bool code_gone_on_write; /* notify_code_write drops the code */
    bool wrap;               /* map WRAP.. onto the RAM over and over */
} Fix;

static bool t_fill(void *opaque, uint64_t vaddr, int access, unsigned size,
                   unsigned mmu_idx, uint64_t *paddr, unsigned *prot)
{
    Fix *f = opaque;
    uint64_t vpage = vaddr & TLB_PAGE_MASK;

    f->fills++;
    f->last_access = access;
    f->last_fill_vaddr = vaddr;
    f->last_fill_size = size;
    if (f->refuse) {
        return false;
    }
    *prot = TLB_PROT_READ | TLB_PROT_WRITE | TLB_PROT_EXEC;
    *paddr = vaddr;
    if (vaddr >= VBASE && vaddr < VBASE + 0x10000000ull) {
        *paddr = vaddr - VBASE + RAM_BASE;
    }
    if (f->wrap && vaddr >= WRAP) {
        *paddr = RAM_BASE + (vaddr - WRAP) % RAM_SIZE;
    }
    for (unsigned i = 0; i < f->nb_map; i++) {
        if (f->map[i].vpage == vpage) {
            *paddr = f->map[i].ppage | (vaddr & (PAGE - 1));
            *prot = f->map[i].prot;
        }
    }
    if (!(*prot & (1u << access))) {
        return false; /* a real CPU raises the page fault here */
    }
    *prot |= f->extra_prot;
    return true;
}

static void t_bus_error(void *opaque, uint64_t vaddr, uint64_t paddr,
                        int access, unsigned size, unsigned mmu_idx,
                        BbMemTxResult r)
{
    Fix *f = opaque;

    f->bus_errors++;
    f->last_memtx = r;
}

static bool t_misaligned(void *opaque, uint64_t vaddr, int access,
                         BbMemOp mop, unsigned mmu_idx)
{
    Fix *f = opaque;

    f->misaligned_calls++;
    return f->misaligned_ok;
}

static bool t_page_has_code(void *opaque, uint64_t page)
{
    Fix *f = opaque;

    assert_int_equal(page & (PAGE - 1), 0);
    return page == f->code_page;
}

static void t_code_write(void *opaque, uint64_t paddr, unsigned size)
{
    Fix *f = opaque;

    f->code_writes++;
    f->code_write_paddr = paddr;
    f->code_write_size = size;
    if (f->code_gone_on_write) {
        f->code_page = ~0ull;
    }
}

static const SoftmmuOps t_ops = {
    .tlb_fill = t_fill,
    .bus_error = t_bus_error,
    .misaligned = t_misaligned,
    .page_has_code = t_page_has_code,
    .notify_code_write = t_code_write,
};

static void map_region(Fix *f, uint64_t addr, BbMemoryRegion *mr)
{
    GError *err = NULL;

    assert_true(bb_memory_region_add_subregion(f->root, addr, mr, &err));
    assert_no_error(err);
}

/* ------------------------------------------------------------ remapper */

/* Commands of the remapper's register (the value written). */
enum {
    REMAP_MOVE_A = 1,    /* mix-a to MIX + 0x200 */
    REMAP_RESTORE_A,     /* and back */
    REMAP_OVERLAY_B,     /* device window 0xa00 over mix-b, priority 1 */
    REMAP_UNOVERLAY_B,
    REMAP_UNMAP_B,
    REMAP_MAP_B,
    REMAP_UNMAP_SELF,    /* unmap the remapper and drop the last reference
                            but the view's */
};

static void overlay_b(Fix *f, bool on)
{
    GError *err = NULL;

    if (!on) {
        bb_memory_region_del_subregion(f->root, f->over);
        return;
    }
    if (!f->over) {
        f->over = bb_memory_region_new_alias(NULL, "over", f->dev_mr, 0xa00,
                                             8);
    }
    assert_true(bb_memory_region_add_subregion_overlap(f->root, MIX + MIX_B,
                                                       f->over, 1, &err));
    assert_no_error(err);
}

static uint64_t remap_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0x5a5a5a5a;
}

/* Changes the memory map from inside an access, as a device whose
 * register moves a BAR does. */
static void remap_write(void *opaque, uint64_t addr, uint64_t value,
                        unsigned size)
{
    Fix *f = opaque;
    BbMemoryRegion *self = f->remap_mr;

    f->remaps++;
    switch (value) {
    case REMAP_MOVE_A:
        bb_memory_region_set_address(f->mix_a, 0x200 + MIX);
        break;
    case REMAP_RESTORE_A:
        bb_memory_region_set_address(f->mix_a, MIX + MIX_A);
        break;
    case REMAP_OVERLAY_B:
    case REMAP_UNOVERLAY_B:
        overlay_b(f, value == REMAP_OVERLAY_B);
        break;
    case REMAP_UNMAP_B:
        bb_memory_region_del_subregion(f->root, f->mix_b);
        break;
    case REMAP_MAP_B:
        map_region(f, MIX + MIX_B, f->mix_b);
        break;
    case REMAP_UNMAP_SELF:
        bb_memory_region_del_subregion(f->root, self);
        bb_memory_region_unref(self);
        f->remap_mr = NULL;
        /* Only the view this access came through keeps the region (and
         * so its callbacks' caller) alive now, until the access ends. */
        assert_int_equal(f->as->busy, 1);
        assert_non_null(f->as->retired);
        assert_int_equal(g_atomic_int_get(&self->ref), 1);
        break;
    }
}

/* 8 bytes the guest may write whole; the callbacks take 4 at a time, so
 * an 8-byte store is two calls and the second one follows a command. */
static const BbMemoryOps remap_ops = {
    .read = remap_read,
    .write = remap_write,
    .valid = { 1, 8, false },
    .impl = { 4, 4, false },
};

static uint8_t *ram_ptr(Fix *f, uint64_t paddr)
{
    uint64_t len = 1;
    uint8_t *p = bb_address_space_map(f->as, paddr, &len, false);

    assert_non_null(p);
    return p;
}

/* Fresh contents: RAM byte i = i * 7 + 1, RAM2 0xc0 + i, ROM 0x50 + i,
 * device registers 0xa0 + i. */
static void fix_reset_memory(Fix *f)
{
    uint8_t *ram = ram_ptr(f, RAM_BASE), *ram2 = ram_ptr(f, RAM2_BASE);
    uint8_t rom[PAGE];
    GError *err = NULL;

    for (uint64_t i = 0; i < RAM_SIZE; i++) {
        ram[i] = (uint8_t)(i * 7 + 1);
    }
    for (uint64_t i = 0; i < RAM2_SIZE; i++) {
        ram2[i] = (uint8_t)(0xc0 + i);
    }
    for (unsigned i = 0; i < PAGE; i++) {
        rom[i] = (uint8_t)(0x50 + i);
    }
    assert_true(bb_memory_region_write_rom(f->rom, 0, rom, PAGE, &err));
    assert_no_error(err);
    for (unsigned i = 0; i < DEV_SIZE; i++) {
        f->dev.regs[i] = (uint8_t)(0xa0 + i);
    }
    g_array_set_size(f->dev.calls, 0);
}

/* Back to the start state between backends. */
static void fix_reset(Fix *f)
{
    tlb_flush(f->sm);
    memset(&f->sm->stats, 0, sizeof(f->sm->stats));
    memset(&f->sm->fault, 0, sizeof(f->sm->fault));
    f->fills = f->bus_errors = f->misaligned_calls = f->code_writes = 0;
    f->last_access = -1;
    fix_reset_memory(f);
}

static int fix_setup(void **state)
{
    Fix *f = g_new0(Fix, 1);
    GError *err = NULL;

    f->root = bb_memory_region_new_container(NULL, "system", UINT64_MAX);
    f->as = bb_address_space_new(f->root, "memory", BB_UNASSIGNED_ERROR);
    f->ram = bb_memory_region_new_ram(NULL, "ram", RAM_SIZE, &err);
    assert_no_error(err);
    f->ram2 = bb_memory_region_new_ram(NULL, "ram2", RAM2_SIZE, &err);
    assert_no_error(err);
    f->rom = bb_memory_region_new_rom(NULL, "rom", PAGE, &err);
    assert_no_error(err);
    f->dev.calls = g_array_new(FALSE, FALSE, sizeof(DevCall));
    f->dev_mr = bb_memory_region_new_io(NULL, "dev", &dev_ops, &f->dev,
                                        DEV_SIZE);
    map_region(f, RAM_BASE, f->ram);
    map_region(f, RAM2_BASE, f->ram2);
    map_region(f, ROM_BASE, f->rom);
    map_region(f, DEV_BASE, f->dev_mr);
    f->mix_a = bb_memory_region_new_alias(NULL, "mix-a", f->dev_mr, 0x800,
                                          16);
    f->mix_b = bb_memory_region_new_alias(NULL, "mix-b", f->dev_mr, 0x900, 8);
    f->mix_w4 = bb_memory_region_new_io(NULL, "mix-w4", &dev_w4_ops, &f->dev,
                                        8);
    f->mix_rom = bb_memory_region_new_alias(NULL, "mix-rom", f->rom, 0x100,
                                            32);
    f->mix_ram = bb_memory_region_new_alias(NULL, "mix-ram", f->ram2, 0x10,
                                            32);
    f->remap_mr = bb_memory_region_new_io(NULL, "remapper", &remap_ops, f, 8);
    map_region(f, MIX + MIX_A, f->mix_a);
    map_region(f, MIX + MIX_B, f->mix_b);
    map_region(f, MIX + MIX_W4, f->mix_w4);
    map_region(f, MIX + MIX_ROM, f->mix_rom);
    map_region(f, MIX + MIX_RAM, f->mix_ram);
    map_region(f, MIX + MIX_REMAP, f->remap_mr);

    f->sm = softmmu_new(f->as, &t_ops, f);
    softmmu_init_runtime(f->sm, &f->rt);
    f->listener = tlb_listener_new(f->as);
    tlb_listener_add(f->listener, f->sm);
    f->misaligned_ok = true;
    f->code_page = ~0ull;
    fix_reset(f);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;

    tlb_listener_free(f->listener);
    softmmu_free(f->sm);
    bb_address_space_free(f->as);
    bb_memory_region_unref(f->ram);
    bb_memory_region_unref(f->ram2);
    bb_memory_region_unref(f->rom);
    bb_memory_region_unref(f->dev_mr);
    bb_memory_region_unref(f->mix_a);
    bb_memory_region_unref(f->mix_b);
    bb_memory_region_unref(f->mix_w4);
    bb_memory_region_unref(f->mix_rom);
    bb_memory_region_unref(f->mix_ram);
    bb_memory_region_unref(f->remap_mr); /* NULL once it freed itself */
    bb_memory_region_unref(f->over);
    bb_memory_region_unref(f->root);
    g_array_unref(f->dev.calls);
    g_free(f);
    return 0;
}

static void fix_map(Fix *f, uint64_t vpage, uint64_t ppage, unsigned prot)
{
    assert_true(f->nb_map < G_N_ELEMENTS(f->map));
    f->map[f->nb_map++] = (MapEntry){ vpage, ppage, prot };
}

/* ------------------------------------------------------------ TBs */

/* One guest access: a load into r1 (i64) or w1 (i32) from the address in
 * r0, or a store of r2 / w2 to it. */
typedef struct Acc {
    const TcgBackend *b;
    TcgCode *code;
    bool store, is64;
} Acc;

static Acc acc_new(const TcgBackend *b, bool store, bool is64, BbMemOp mop,
                   unsigned mmu_idx)
{
    const TpGlobals *g = tp_globals();
    BbTcgContext *s = tp_context();
    GError *err = NULL;
    Acc a = { .b = b, .store = store, .is64 = is64 };

    bb_tcg_insn_start(s, 0x1000, 0);
    if (store && is64) {
        bb_tcg_qemu_st_i64(s, g->r[2], g->r[0], mmu_idx, mop);
    } else if (store) {
        bb_tcg_qemu_st_i32(s, g->w[2], g->r[0], mmu_idx, mop);
    } else if (is64) {
        bb_tcg_qemu_ld_i64(s, g->r[1], g->r[0], mmu_idx, mop);
    } else {
        bb_tcg_qemu_ld_i32(s, g->w[1], g->r[0], mmu_idx, mop);
    }
    tp_exit(s);
    tp_assert_valid(s);
    a.code = b->compile(s, &err);
    assert_no_error(err);
    assert_non_null(a.code);
    tcg_context_free(s);
    return a;
}

static void acc_free(Acc *a)
{
    a->b->free(a->code);
}

/* Run it: returns the loaded value (or 0 for a store). */
static uint64_t acc_run(Fix *f, const Acc *a, uint64_t addr, uint64_t val)
{
    TpEnv env = { .r = { addr, 0xdeadbeefull, val }, .w = { 0, 0xbeef,
                                                           (uint32_t)val } };

    assert_int_equal(a->b->exec(a->code, &env, &f->rt), TCG_EXIT_NOCHAIN);
    return a->store ? 0 : a->is64 ? env.r[1] : env.w[1];
}

/* Compile, run once, free. */
static uint64_t ld1(Fix *f, const TcgBackend *b, BbMemOp mop, unsigned mmu,
                    uint64_t addr)
{
    Acc a = acc_new(b, false, true, mop, mmu);
    uint64_t v = acc_run(f, &a, addr, 0);

    acc_free(&a);
    return v;
}

static void st1(Fix *f, const TcgBackend *b, BbMemOp mop, unsigned mmu,
                uint64_t addr, uint64_t val)
{
    Acc a = acc_new(b, true, true, mop, mmu);

    acc_run(f, &a, addr, val);
    acc_free(&a);
}

static uint64_t le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

#define FOR_EACH_BACKEND(f, b)                                                \
    for (unsigned bi_ = 0; bi_ < TP_NB_BACKENDS && (fix_reset(f), 1); bi_++) \
        for (const TcgBackend *b = tp_backends[bi_]; b; b = NULL)

/* ------------------------------------------------------------ tests */

/* First access fills (one slow path, one tlb_fill), later ones hit. */
static void test_ram_fill_then_hit(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UQ, 0);
        Acc w = acc_new(b, true, true, BB_MO_UQ, 0);
        uint8_t *ram = ram_ptr(f, RAM_BASE);

        assert_int_equal(acc_run(f, &a, VBASE + 0x110, 0),
                         le(ram + 0x110, 8));
        assert_int_equal(f->sm->stats.slow_loads, 1);
        assert_int_equal(f->fills, 1);
        assert_int_equal(f->last_access, TLB_ACCESS_READ);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(acc_run(f, &a, VBASE + 0x118 + 8 * i, 0),
                             le(ram + 0x118 + 8 * i, 8));
        }
        /* The fill granted RWX: the store hits too. */
        acc_run(f, &w, VBASE + 0x200, 0x1122334455667788ull);
        assert_int_equal(le(ram + 0x200, 8), 0x1122334455667788ull);
        assert_int_equal(f->sm->stats.slow_loads, 1);
        assert_int_equal(f->sm->stats.slow_stores, 0);
        assert_int_equal(f->fills, 1);
        /* Another page: another fill. */
        acc_run(f, &w, VBASE + 0x3008, 0xabcdull);
        assert_int_equal(le(ram + 0x3008, 8), 0xabcdull);
        assert_int_equal(f->sm->stats.slow_stores, 1);
        assert_int_equal(f->fills, 2);
        assert_int_equal(f->last_access, TLB_ACCESS_WRITE);
        acc_free(&a);
        acc_free(&w);
    }
}

/* Every memop on the hit path: size, sign or zero extension, i32/i64. */
static void test_hit_sizes_and_extension(void **state)
{
    static const BbMemOp mops[] = {
        BB_MO_UB, BB_MO_SB, BB_MO_UW, BB_MO_SW, BB_MO_UL, BB_MO_SL, BB_MO_UQ,
    };
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        uint8_t *ram = ram_ptr(f, RAM_BASE);

        memset(ram + 0x400, 0x80, 8);
        ram[0x400] = 0xfe;
        for (unsigned m = 0; m < G_N_ELEMENTS(mops); m++) {
            for (int is64 = 0; is64 < 2; is64++) {
                BbMemOp mop = mops[m];
                unsigned size = 1u << (mop & BB_MO_SIZE);
                Acc a, w;
                uint64_t want = le(ram + 0x400, size), got;

                if (!is64 && size == 8) {
                    continue;
                }
                if ((mop & BB_MO_SIGN) && size < 8) {
                    want = (uint64_t)((int64_t)(want << (64 - 8 * size)) >>
                                      (64 - 8 * size));
                }
                if (!is64) {
                    want = (uint32_t)want;
                }
                a = acc_new(b, false, is64, mop, 3);
                w = acc_new(b, true, is64, mop & ~BB_MO_SIGN, 3);
                acc_run(f, &a, VBASE + 0x400, 0); /* may fill */
                uint64_t slow = f->sm->stats.slow_loads;
                got = acc_run(f, &a, VBASE + 0x400, 0);
                assert_int_equal(f->sm->stats.slow_loads, slow);
                if (got != want) {
                    fail_msg("%s: memop 0x%x i%d: got 0x%" PRIx64
                             ", want 0x%" PRIx64, b->name, mop,
                             is64 ? 64 : 32, got, want);
                }
                /* A store writes exactly its bytes. */
                memset(ram + 0x500, 0x11, 16);
                acc_run(f, &w, VBASE + 0x508, 0x8877665544332211ull);
                for (unsigned i = 0; i < 16; i++) {
                    uint8_t e = i >= 8 && i < 8 + size ? (uint8_t)(i - 7) * 0x11
                                                        : 0x11;
                    assert_int_equal(ram[0x500 + i], e);
                }
                assert_int_equal(f->sm->stats.slow_stores, 0);
                acc_free(&a);
                acc_free(&w);
            }
        }
        assert_int_equal(f->fills, 1);
    }
}

/* MMIO: every access is a slow path and reaches the device with its size
 * and value; the translation itself is cached (one fill). */
static void test_mmio_always_slow(void **state)
{
    static const BbMemOp mops[] = { BB_MO_UB, BB_MO_UW, BB_MO_UL, BB_MO_UQ };
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        unsigned n = 0;

        for (unsigned m = 0; m < G_N_ELEMENTS(mops); m++) {
            unsigned size = 1u << mops[m];
            Acc a = acc_new(b, false, true, mops[m], 0);
            Acc w = acc_new(b, true, true, mops[m], 0);
            uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;

            for (int rep = 0; rep < 2; rep++) {
                uint64_t off = 0x40 + 8 * m;
                DevCall *c;

                assert_int_equal(acc_run(f, &a, DEV_BASE + off, 0),
                                 le(&f->dev.regs[off], size));
                acc_run(f, &w, DEV_BASE + off + 0x100, 0x0123456789abcdefull);
                assert_int_equal(f->dev.calls->len, n + 2);
                c = &g_array_index(f->dev.calls, DevCall, n);
                assert_false(c->write);
                assert_int_equal(c->addr, off);
                assert_int_equal(c->size, size);
                c++;
                assert_true(c->write);
                assert_int_equal(c->addr, off + 0x100);
                assert_int_equal(c->size, size);
                assert_int_equal(c->value, 0x0123456789abcdefull & mask);
                n += 2;
            }
            acc_free(&a);
            acc_free(&w);
        }
        assert_int_equal(f->sm->stats.slow_loads, 8);
        assert_int_equal(f->sm->stats.slow_stores, 8);
        assert_int_equal(f->sm->stats.mmio, 16);
        assert_int_equal(f->fills, 1);
    }
}

/* Misaligned accesses inside a page and across pages: slow path, right
 * bytes; a page-crossing store is split over both pages. */
static void test_misaligned_and_crossing(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        uint8_t *ram = ram_ptr(f, RAM_BASE);

        /* Warm both pages, so only the misalignment sends us slow. */
        ld1(f, b, BB_MO_UQ, 0, VBASE + 0x1000);
        ld1(f, b, BB_MO_UQ, 0, VBASE + 0x2000);
        f->sm->stats.slow_loads = 0;
        f->fills = 0;

        assert_int_equal(ld1(f, b, BB_MO_UQ, 0, VBASE + 0x1003),
                         le(ram + 0x1003, 8));
        assert_int_equal(ld1(f, b, BB_MO_SW, 0, VBASE + 0x1011),
                         (uint64_t)(int64_t)(int16_t)le(ram + 0x1011, 2));
        assert_int_equal(ld1(f, b, BB_MO_UQ, 0, VBASE + 0x1ffd),
                         le(ram + 0x1ffd, 8));
        assert_int_equal(ld1(f, b, BB_MO_UL, 0, VBASE + 0x1fff),
                         le(ram + 0x1fff, 4));
        assert_int_equal(f->sm->stats.slow_loads, 4);
        assert_int_equal(f->misaligned_calls, 4);
        assert_int_equal(f->fills, 0);

        st1(f, b, BB_MO_UQ, 0, VBASE + 0x1ffa, 0x1122334455667788ull);
        assert_int_equal(le(ram + 0x1ffa, 8), 0x1122334455667788ull);
        st1(f, b, BB_MO_UL, 0, VBASE + 0x1005, 0xcafef00dull);
        assert_int_equal(le(ram + 0x1005, 4), 0xcafef00dull);
        assert_int_equal(f->sm->stats.slow_stores, 2);

        /* Crossing into a page nothing translated yet: it is filled,
         * for the 4 bytes of the access that lie there. */
        assert_int_equal(ld1(f, b, BB_MO_UQ, 0, VBASE + 0x2ffc),
                         le(ram + 0x2ffc, 8));
        assert_int_equal(f->fills, 1);
        assert_int_equal(f->last_fill_vaddr, VBASE + 0x3000);
        assert_int_equal(f->last_fill_size, 4);
    }
}

/* A page-crossing access from RAM into the device: bytes on each side. */
static void test_crossing_into_mmio(void **state)
{
    Fix *f = *state;

    fix_map(f, 0x50000000, RAM_BASE + 0x5000,
            TLB_PROT_READ | TLB_PROT_WRITE);
    fix_map(f, 0x50001000, DEV_BASE, TLB_PROT_READ | TLB_PROT_WRITE);
    FOR_EACH_BACKEND(f, b)
    {
        uint8_t *ram = ram_ptr(f, RAM_BASE);
        uint64_t want = le(ram + 0x5ffe, 2) | le(f->dev.regs, 6) << 16;

        assert_int_equal(ld1(f, b, BB_MO_UQ, 0, 0x50000ffe), want);
        st1(f, b, BB_MO_UL, 0, 0x50000fff, 0x44332211);
        assert_int_equal(ram[0x5fff], 0x11);
        assert_int_equal(le(f->dev.regs, 3), 0x443322);
        assert_int_equal(f->sm->fault.result, SOFTMMU_OK);
    }
}

/* The misaligned policy: BB_MO_ALIGN always faults, else the CPU says. */
static void test_misaligned_policy(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        uint8_t *ram = ram_ptr(f, RAM_BASE);
        uint8_t before[16];

        memcpy(before, ram + 0x7ff8, 16);
        /* Aligned BB_MO_ALIGN accesses are fine (and hit later). */
        st1(f, b, BB_MO_UQ | BB_MO_ALIGN, 0, VBASE + 0x700, 5);
        assert_int_equal(ld1(f, b, BB_MO_UQ | BB_MO_ALIGN, 0, VBASE + 0x700),
                         5);
        assert_int_equal(f->sm->fault.result, SOFTMMU_OK);

        assert_int_equal(ld1(f, b, BB_MO_UL | BB_MO_ALIGN, 0, VBASE + 0x702),
                         0);
        assert_int_equal(f->sm->fault.result, SOFTMMU_FAULT_MISALIGNED);
        assert_int_equal(f->sm->fault.vaddr, VBASE + 0x702);
        assert_int_equal(f->misaligned_calls, 1);

        f->misaligned_ok = false;
        st1(f, b, BB_MO_UQ, 0, VBASE + 0x7ffc, ~0ull);
        assert_memory_equal(ram + 0x7ff8, before, 16);
        assert_int_equal(f->sm->fault.result, SOFTMMU_FAULT_MISALIGNED);
        assert_int_equal(f->sm->fault.access, TLB_ACCESS_WRITE);
        f->misaligned_ok = true;
    }
}

/* A read-only page: loads hit, stores go to the slow path, which asks
 * tlb_fill for write access; refused, nothing is stored. */
static void test_readonly_store_faults(void **state)
{
    Fix *f = *state;

    fix_map(f, 0x60000000, RAM_BASE + 0x6000, TLB_PROT_READ);
    FOR_EACH_BACKEND(f, b)
    {
        uint8_t *ram = ram_ptr(f, RAM_BASE);
        uint64_t old = le(ram + 0x6010, 8);
        Acc a = acc_new(b, false, true, BB_MO_UQ, 1);
        Acc w = acc_new(b, true, true, BB_MO_UQ, 1);

        assert_int_equal(acc_run(f, &a, 0x60000010, 0), old);
        assert_int_equal(acc_run(f, &a, 0x60000010, 0), old);
        assert_int_equal(f->sm->stats.slow_loads, 1);
        assert_int_equal(f->fills, 1);

        acc_run(f, &w, 0x60000010, 0x1234);
        assert_int_equal(f->sm->stats.slow_stores, 1);
        assert_int_equal(f->fills, 2);
        assert_int_equal(f->last_access, TLB_ACCESS_WRITE);
        assert_int_equal(f->last_fill_vaddr, 0x60000010);
        assert_int_equal(le(ram + 0x6010, 8), old);
        assert_int_equal(f->sm->fault.result, SOFTMMU_FAULT_FILL);
        assert_int_equal(f->sm->fault.access, TLB_ACCESS_WRITE);
        assert_int_equal(f->sm->fault.mmu_idx, 1);
        /* The read translation survived the refused write. */
        assert_int_equal(acc_run(f, &a, 0x60000018, 0), le(ram + 0x6018, 8));
        assert_int_equal(f->sm->stats.slow_loads, 1);
        acc_free(&a);
        acc_free(&w);
    }
}

/* tlb_fill refuses: loads read 0, stores store nothing, every time. */
static void test_fill_refused(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        uint8_t *ram = ram_ptr(f, RAM_BASE);
        uint64_t old = le(ram + 0x20, 8);

        f->refuse = true;
        assert_int_equal(ld1(f, b, BB_MO_UQ, 0, VBASE + 0x20), 0);
        st1(f, b, BB_MO_UQ, 0, VBASE + 0x20, 77);
        st1(f, b, BB_MO_UQ, 0, VBASE + 0x20, 78);
        assert_int_equal(le(ram + 0x20, 8), old);
        assert_int_equal(f->fills, 3);
        assert_int_equal(f->sm->fault.result, SOFTMMU_FAULT_FILL);
        f->refuse = false;
        assert_int_equal(ld1(f, b, BB_MO_UQ, 0, VBASE + 0x20), old);
    }
}

/* Nothing mapped at the physical address: a bus error, reported through
 * the callback, every time. */
static void test_unassigned_bus_error(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        assert_int_equal(ld1(f, b, BB_MO_UL, 0, HOLE + 0x10), 0);
        assert_int_equal(f->bus_errors, 1);
        assert_int_equal(f->last_memtx, BB_MEMTX_DECODE_ERROR);
        assert_int_equal(f->sm->fault.result, SOFTMMU_FAULT_BUS);
        assert_int_equal(f->sm->fault.paddr, HOLE + 0x10);
        st1(f, b, BB_MO_UL, 0, HOLE + 0x14, 1);
        assert_int_equal(f->bus_errors, 2);
        assert_int_equal(f->fills, 1);
    }
}

/* ROM: reads and fetches from host memory, writes through the memory API
 * (ignored), without refilling. */
static void test_rom(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UL, 0);
        Acc w = acc_new(b, true, true, BB_MO_UL, 0);
        uint64_t paddr;
        void *host;

        assert_int_equal(acc_run(f, &a, ROM_BASE + 0x10, 0), 0x63626160);
        assert_int_equal(acc_run(f, &a, ROM_BASE + 0x10, 0), 0x63626160);
        assert_int_equal(f->sm->stats.slow_loads, 1);
        acc_run(f, &w, ROM_BASE + 0x10, 0);
        acc_run(f, &w, ROM_BASE + 0x10, 0);
        assert_int_equal(f->sm->stats.slow_stores, 2);
        assert_int_equal(acc_run(f, &a, ROM_BASE + 0x10, 0), 0x63626160);
        assert_int_equal(f->fills, 1);
        assert_int_equal(f->sm->fault.result, SOFTMMU_OK);

        assert_true(softmmu_translate_code(f->sm, ROM_BASE + 0x24, 1, 0,
                                           &paddr, &host));
        assert_int_equal(paddr, ROM_BASE + 0x24);
        assert_non_null(host);
        assert_int_equal(*(uint8_t *)host, 0x74);
        acc_free(&a);
        acc_free(&w);
    }
}

/* tlb_flush, tlb_flush_page and tlb_flush_mmuidx force refills of what
 * they drop, and only of that. */
static void test_flushes(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        Acc a0 = acc_new(b, false, true, BB_MO_UQ, 0);
        Acc a1 = acc_new(b, false, true, BB_MO_UQ, 1);

#define WARM()                                                                \
    do {                                                                      \
        acc_run(f, &a0, VBASE + 0x1000, 0);                                   \
        acc_run(f, &a0, VBASE + 0x2000, 0);                                   \
        acc_run(f, &a1, VBASE + 0x1000, 0);                                   \
        f->fills = 0;                                                         \
    } while (0)
        WARM();
        assert_int_equal(f->sm->used, 3);
        acc_run(f, &a0, VBASE + 0x1000, 0);
        acc_run(f, &a0, VBASE + 0x2000, 0);
        acc_run(f, &a1, VBASE + 0x1000, 0);
        assert_int_equal(f->fills, 0);

        tlb_flush(f->sm);
        acc_run(f, &a0, VBASE + 0x1000, 0);
        acc_run(f, &a1, VBASE + 0x1000, 0);
        assert_int_equal(f->fills, 2);

        WARM();
        tlb_flush_page(f->sm, VBASE + 0x1abc);
        acc_run(f, &a0, VBASE + 0x2000, 0);
        assert_int_equal(f->fills, 0);
        acc_run(f, &a0, VBASE + 0x1000, 0);
        acc_run(f, &a1, VBASE + 0x1000, 0);
        assert_int_equal(f->fills, 2);

        WARM();
        tlb_flush_page_mmuidx(f->sm, VBASE + 0x1000, 1u << 1);
        acc_run(f, &a0, VBASE + 0x1000, 0);
        assert_int_equal(f->fills, 0);
        acc_run(f, &a1, VBASE + 0x1000, 0);
        assert_int_equal(f->fills, 1);

        WARM();
        tlb_flush_mmuidx(f->sm, 1u << 0);
        acc_run(f, &a1, VBASE + 0x1000, 0);
        assert_int_equal(f->fills, 0);
        acc_run(f, &a0, VBASE + 0x1000, 0);
        acc_run(f, &a0, VBASE + 0x2000, 0);
        assert_int_equal(f->fills, 2);
#undef WARM
        acc_free(&a0);
        acc_free(&a1);
    }
}

/* A flush after a few fills clears just those entries, after more than
 * TLB_FILL_LOG the whole table: either way no tag survives, and the
 * pages are filled again.  (Pages past the RAM are holes: the loads fail,
 * but their entries are installed all the same.) */
static void test_flush_after_few_and_many_fills(void **state)
{
    Fix *f = *state;
    uint64_t v;

    fix_reset(f);
    for (unsigned round = 0; round < 2; round++) {
        unsigned n = round ? TLB_FILL_LOG + 10 : 3;

        f->fills = 0;
        for (unsigned k = 0; k < n; k++) {
            softmmu_load(f->sm, VBASE + k * 5 * PAGE, BB_MO_UB, 0, &v);
        }
        assert_int_equal(f->fills, n);
        assert_int_equal(f->sm->fill_count[0],
                         MIN(n, TLB_FILL_LOG + 1));
        tlb_flush(f->sm);
        assert_int_equal(f->sm->fill_count[0], 0);
        for (unsigned i = 0; i < tlb_entries(f->sm->tlb, 0); i++) {
            const TlbEntry *e = &f->sm->tlb->e[0][i];

            assert_int_equal(e->addr_read, TLB_TAG_NONE);
            assert_int_equal(e->addr_write, TLB_TAG_NONE);
            assert_int_equal(e->addr_code, TLB_TAG_NONE);
        }
        f->fills = 0;
        softmmu_load(f->sm, VBASE, BB_MO_UB, 0, &v);
        assert_int_equal(f->fills, 1);
        tlb_flush(f->sm);
    }
}

/* A superpage: flushing any 4 KiB page of it drops the others too. */
static void test_flush_superpage(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UQ, 0);

        f->extra_prot = TLB_PROT_PAGE_BITS(21);
        acc_run(f, &a, VBASE + 0x1000, 0);
        acc_run(f, &a, VBASE + 0x3000, 0);
        f->extra_prot = 0;
        acc_run(f, &a, VBASE + 0x400000, 0); /* another 2 MiB: 4 KiB */
        assert_int_equal(f->fills, 3);
        tlb_flush_page(f->sm, VBASE + 0x1ff000); /* never touched */
        acc_run(f, &a, VBASE + 0x1000, 0);
        acc_run(f, &a, VBASE + 0x3000, 0);
        assert_int_equal(f->fills, 5);
        acc_free(&a);
    }
}

/* TLB_PROT_NO_CACHE: the translation serves one access only. */
static void test_no_cache_translation(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UL, 0);
        uint8_t *ram = ram_ptr(f, RAM_BASE);

        f->extra_prot = TLB_PROT_NO_CACHE;
        for (unsigned i = 0; i < 3; i++) {
            assert_int_equal(acc_run(f, &a, VBASE + 0x1100 + 4 * i, 0),
                             le(ram + 0x1100 + 4 * i, 4));
        }
        assert_int_equal(f->fills, 3);
        assert_int_equal(f->last_fill_size, 4); /* the access's size */
        assert_int_equal(f->sm->stats.slow_loads, 3);
        f->extra_prot = 0;
        acc_run(f, &a, VBASE + 0x1100, 0);
        acc_run(f, &a, VBASE + 0x1104, 0);
        assert_int_equal(f->fills, 4);
        acc_free(&a);
    }
}

/* Moving RAM under a cached translation: the listener flushes, and the
 * next access sees what is mapped now. */
static void test_listener_flushes_on_map_change(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UB, 0);
        uint8_t *ram2 = ram_ptr(f, RAM2_BASE);

        fix_map(f, 0x70000000, RAM2_BASE, TLB_PROT_READ);
        assert_int_equal(acc_run(f, &a, 0x70000005, 0), ram2[5]);
        assert_int_equal(acc_run(f, &a, 0x70000005, 0), ram2[5]);
        assert_int_equal(f->fills, 1);

        /* ram2 moves away, the ROM takes its place. */
        bb_memory_transaction_begin();
        bb_memory_region_set_address(f->ram2, RAM2_BASE + 0x100000);
        bb_memory_region_set_address(f->rom, RAM2_BASE);
        bb_memory_transaction_commit();
        assert_int_equal(acc_run(f, &a, 0x70000005, 0), 0x55);
        assert_int_equal(f->fills, 2);

        bb_memory_transaction_begin();
        bb_memory_region_set_address(f->rom, ROM_BASE);
        bb_memory_region_set_address(f->ram2, RAM2_BASE);
        bb_memory_transaction_commit();
        assert_int_equal(acc_run(f, &a, 0x70000005, 0), ram2[5]);
        assert_int_equal(f->fills, 3);
        f->nb_map = 0;
        acc_free(&a);
    }
}

/* Stores to a page holding code go to the slow path and are reported;
 * once the code is gone the page gets its fast path back. */
static void test_code_page_protection(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        Acc w = acc_new(b, true, true, BB_MO_UL, 0);
        uint8_t *ram = ram_ptr(f, RAM_BASE);

        f->code_page = RAM_BASE + 0x4000;
        acc_run(f, &w, VBASE + 0x4010, 0xa1b2c3d4);
        acc_run(f, &w, VBASE + 0x4020, 0x01020304);
        assert_int_equal(le(ram + 0x4010, 4), 0xa1b2c3d4);
        assert_int_equal(le(ram + 0x4020, 4), 0x01020304);
        assert_int_equal(f->sm->stats.slow_stores, 2);
        assert_int_equal(f->code_writes, 2);
        assert_int_equal(f->code_write_paddr, RAM_BASE + 0x4020);
        assert_int_equal(f->code_write_size, 4);
        assert_int_equal(f->fills, 1);
        /* Loads from the page are not affected. */
        assert_int_equal(ld1(f, b, BB_MO_UL, 0, VBASE + 0x4010), 0xa1b2c3d4);
        assert_int_equal(f->sm->stats.slow_loads, 0);

        /* The code goes away on this write: later stores are fast. */
        f->code_gone_on_write = true;
        acc_run(f, &w, VBASE + 0x4030, 5);
        acc_run(f, &w, VBASE + 0x4034, 6);
        assert_int_equal(f->code_writes, 3);
        assert_int_equal(f->sm->stats.slow_stores, 3);
        f->code_gone_on_write = false;

        /* Code appears on a page with a fast write mapping. */
        f->code_page = RAM_BASE + 0x4000;
        tlb_code_page_changed(f->sm, RAM_BASE + 0x4000, true);
        acc_run(f, &w, VBASE + 0x4038, 7);
        assert_int_equal(f->code_writes, 4);
        assert_int_equal(f->sm->stats.slow_stores, 4);
        f->code_page = ~0ull;
        tlb_code_page_changed(f->sm, RAM_BASE + 0x4000, false);
        acc_run(f, &w, VBASE + 0x403c, 8);
        assert_int_equal(f->code_writes, 4);
        assert_int_equal(f->sm->stats.slow_stores, 4);
        assert_int_equal(le(ram + 0x4030, 8), 0x0000000600000005ull);
        assert_int_equal(le(ram + 0x4038, 8), 0x0000000800000007ull);
        assert_int_equal(f->fills, 1);
        acc_free(&w);
    }
}

/* @n virtual pages (the first is @first) that all share @first's table
 * entry, each mapped to its own RAM page (RAM_BASE + i pages). */
static void conflicting_pages(Fix *f, uint64_t first, uint64_t *va,
                              unsigned n)
{
    unsigned idx = softmmu_index(f->sm, 0, first);
    unsigned k = 0;

    for (uint64_t v = first; k < n; v += PAGE) {
        if (softmmu_index(f->sm, 0, v) == idx) {
            va[k] = v;
            fix_map(f, v, RAM_BASE + k * PAGE,
                    TLB_PROT_READ | TLB_PROT_WRITE | TLB_PROT_EXEC);
            k++;
        }
    }
}

/* Load 8 bytes at offset 0x18 of @va's page and check them against the
 * RAM page @page it maps. */
static void load_check(Fix *f, uint64_t va, unsigned page, unsigned mmu)
{
    uint64_t v = 0;

    assert_int_equal(softmmu_load(f->sm, va + 0x18, BB_MO_UQ, mmu, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, le(ram_ptr(f, RAM_BASE) + page * PAGE + 0x18, 8));
}

/* The victim TLB: a page evicted by a conflicting fill is found again
 * without a fill (and swaps back); of 1 + TLB_VICTIMS + 1 conflicting
 * pages the oldest is lost; flushes (all, page, MMU index) clear it;
 * each MMU index has its own; code-page marks reach it. */
static void test_victim_tlb(void **state)
{
    Fix *f = *state;
    uint64_t va[TLB_VICTIMS + 2];
    const unsigned n = TLB_VICTIMS + 2;

    fix_reset(f);
    conflicting_pages(f, 0x50000000, va, n);
    /* hit */
    load_check(f, va[0], 0, 0);
    load_check(f, va[1], 1, 0);
    assert_int_equal(f->fills, 2);
    load_check(f, va[0], 0, 0);
    load_check(f, va[1], 1, 0);
    load_check(f, va[0], 0, 0);
    assert_int_equal(f->fills, 2);
    assert_int_equal(f->sm->stats.victim_hits, 3);

    /* eviction: ten pages into one entry and eight victims */
    tlb_flush(f->sm);
    f->fills = 0;
    for (unsigned i = 0; i < n; i++) {
        load_check(f, va[i], i, 0);
    }
    assert_int_equal(f->fills, n);
    for (unsigned i = n - 1; i >= 1; i--) {
        load_check(f, va[i], i, 0);
    }
    assert_int_equal(f->fills, n);
    load_check(f, va[0], 0, 0);
    assert_int_equal(f->fills, n + 1);

    /* a full flush clears the victims */
    tlb_flush(f->sm);
    f->fills = 0;
    load_check(f, va[0], 0, 0);
    load_check(f, va[1], 1, 0); /* va[0] becomes a victim */
    tlb_flush(f->sm);
    load_check(f, va[0], 0, 0);
    assert_int_equal(f->fills, 3);

    /* a page flush finds the page among the victims, and only it */
    load_check(f, va[1], 1, 0);
    load_check(f, va[2], 2, 0); /* victims: va[0], va[1] */
    f->fills = 0;
    tlb_flush_page(f->sm, va[0] + 0x123);
    load_check(f, va[1], 1, 0);
    load_check(f, va[2], 2, 0);
    assert_int_equal(f->fills, 0);
    load_check(f, va[0], 0, 0);
    assert_int_equal(f->fills, 1);

    /* per MMU index: index 1 has none of index 0's victims, and
     * flushing index 1 leaves index 0's */
    tlb_flush(f->sm);
    load_check(f, va[0], 0, 0);
    load_check(f, va[1], 1, 0);
    f->fills = 0;
    load_check(f, va[0], 0, 1);
    assert_int_equal(f->fills, 1);
    tlb_flush_mmuidx(f->sm, 1u << 1);
    load_check(f, va[0], 0, 0);
    assert_int_equal(f->fills, 1);
    load_check(f, va[0], 0, 1);
    assert_int_equal(f->fills, 2);
    tlb_flush_mmuidx(f->sm, 1u << 0);
    load_check(f, va[1], 1, 0);
    assert_int_equal(f->fills, 3);

    /* code appearing on a victim's page: the store after the swap back
     * still takes the code-write path */
    tlb_flush(f->sm);
    assert_int_equal(softmmu_store(f->sm, va[0], 1, BB_MO_UB, 0),
                     SOFTMMU_OK);
    load_check(f, va[1], 1, 0); /* va[0] (writable) is a victim */
    f->code_page = RAM_BASE;
    tlb_code_page_changed(f->sm, RAM_BASE, true);
    f->fills = 0;
    assert_int_equal(softmmu_store(f->sm, va[0] + 8, 2, BB_MO_UB, 0),
                     SOFTMMU_OK);
    assert_int_equal(f->fills, 0);
    assert_int_equal(f->code_writes, 1);
    assert_int_equal(f->code_write_paddr, RAM_BASE + 8);
    f->code_page = ~0ull;
}

/* Pages 16 and 32 MiB apart (a copy between big buffers) get different
 * entries, on both backends' hit paths: after one fill each, alternating
 * accesses all hit. */
static void test_index_spreads_distant_pages(void **state)
{
    Fix *f = *state;
    static const uint64_t va[3] = {
        0x50000000, 0x50000000 + (16u << 20), 0x50000000 + (32u << 20),
    };

    assert_int_not_equal(softmmu_index(f->sm, 0, va[0]),
                         softmmu_index(f->sm, 0, va[1]));
    assert_int_not_equal(softmmu_index(f->sm, 0, va[0]),
                         softmmu_index(f->sm, 0, va[2]));
    assert_int_not_equal(softmmu_index(f->sm, 0, va[1]),
                         softmmu_index(f->sm, 0, va[2]));
    for (unsigned i = 0; i < 3; i++) {
        fix_map(f, va[i], RAM_BASE + i * PAGE,
                TLB_PROT_READ | TLB_PROT_WRITE | TLB_PROT_EXEC);
    }
    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UQ, 0);
        Acc w = acc_new(b, true, true, BB_MO_UQ, 0);

        for (unsigned round = 0; round < 4; round++) {
            for (unsigned i = 0; i < 3; i++) {
                uint64_t v = acc_run(f, &a, va[i] + 0x40, 0);

                acc_run(f, &w, va[(i + 1) % 3] + 0x80 + 8 * round, v);
            }
        }
        assert_int_equal(f->fills, 3);
        assert_int_equal(f->sm->stats.slow_loads + f->sm->stats.slow_stores,
                         3);
        assert_int_equal(f->sm->stats.victim_hits, 0);
        assert_int_equal(le(ram_ptr(f, RAM_BASE) + PAGE + 0x98, 8),
                         le(ram_ptr(f, RAM_BASE) + 0x40, 8));
        acc_free(&a);
        acc_free(&w);
    }
}

/* Instruction fetch translation: RAM gives a host pointer, the device
 * none; a refused fill says so. */
static void test_translate_code(void **state)
{
    Fix *f = *state;
    uint64_t paddr;
    void *host;

    fix_reset(f);
    assert_true(softmmu_translate_code(f->sm, VBASE + 0x1234, 4, 2, &paddr,
                                       &host));
    assert_int_equal(paddr, RAM_BASE + 0x1234);
    assert_ptr_equal(host, ram_ptr(f, RAM_BASE) + 0x1234);
    assert_int_equal(f->last_access, TLB_ACCESS_EXEC);
    assert_int_equal(f->last_fill_size, 4);
    assert_true(softmmu_translate_code(f->sm, VBASE + 0x1238, 2, 2, &paddr,
                                       &host));
    assert_int_equal(f->fills, 1);
    assert_true(softmmu_translate_code(f->sm, DEV_BASE + 8, 2, 2, &paddr,
                                       &host));
    assert_int_equal(paddr, DEV_BASE + 8);
    assert_null(host);
    fix_map(f, 0x60000000, RAM_BASE, TLB_PROT_READ);
    assert_false(softmmu_translate_code(f->sm, 0x60000000, 2, 2, &paddr,
                                        &host));
    assert_int_equal(f->sm->fault.result, SOFTMMU_FAULT_FILL);
    assert_int_equal(f->sm->fault.access, TLB_ACCESS_EXEC);
}

/* The C entry points: fast and slow paths, sign extension. */
static void test_c_access(void **state)
{
    Fix *f = *state;
    uint64_t v;

    fix_reset(f);
    assert_int_equal(softmmu_store(f->sm, VBASE + 0x10, 0xff80, BB_MO_UW, 0),
                     SOFTMMU_OK);
    assert_int_equal(softmmu_load(f->sm, VBASE + 0x10, BB_MO_SW, 0, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, (uint64_t)-128);
    assert_int_equal(f->sm->stats.slow_stores + f->sm->stats.slow_loads, 1);
    assert_int_equal(softmmu_load(f->sm, DEV_BASE + 1, BB_MO_UB, 0, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, 0xa1);
    assert_int_equal(softmmu_load(f->sm, HOLE, BB_MO_UB, 0, &v),
                     SOFTMMU_FAULT_BUS);
    assert_int_equal(v, 0);
}

/* No CPU hooks at all: identity mapping, every permission, no faults
 * raised (only recorded). */
static void test_default_ops(void **state)
{
    Fix *f = *state;
    Softmmu *sm = softmmu_new(f->as, NULL, NULL);
    uint64_t v;

    fix_reset(f);
    assert_int_equal(softmmu_store(sm, RAM_BASE + 0x30, 0x5a, BB_MO_UB, 4),
                     SOFTMMU_OK);
    assert_int_equal(ram_ptr(f, RAM_BASE)[0x30], 0x5a);
    assert_int_equal(softmmu_load(sm, RAM_BASE + 0x2f, BB_MO_UW, 4, &v),
                     SOFTMMU_OK);
    assert_int_equal(v, 0x5a00u | ram_ptr(f, RAM_BASE)[0x2f]);
    assert_int_equal(softmmu_load(sm, RAM_BASE + 1, BB_MO_UL | BB_MO_ALIGN,
                                  4, &v),
                     SOFTMMU_FAULT_MISALIGNED);
    assert_int_equal(softmmu_load(sm, HOLE, BB_MO_UQ, 4, &v),
                     SOFTMMU_FAULT_BUS);
    assert_int_equal(sm->stats.fills, 2);
    softmmu_free(sm);
}

#ifdef BB_HAVE_X86_64_BACKEND
static uintptr_t slow_ra;

static uint64_t ra_load(void *opaque, uint64_t addr, BbMemOp mop,
                        unsigned mmu_idx)
{
    slow_ra = (uintptr_t)__builtin_return_address(0);
    return softmmu_load_slow(opaque, addr, mop, mmu_idx);
}

/* The slow path's return address maps back to its guest instruction,
 * although the call sits in the cold section after the body. */
static void test_x86_slow_path_pc_map(void **state)
{
    Fix *f = *state;
    const TpGlobals *g = tp_globals();
    BbTcgContext *s = tp_context();
    TcgRuntime rt = f->rt;
    TpEnv env = { .r = { VBASE + 0x10, DEV_BASE } };
    GError *err = NULL;
    TcgCode *code;
    uint64_t pc, extra;

    fix_reset(f);
    rt.load = ra_load;
    bb_tcg_insn_start(s, 0x2000, 1);
    bb_tcg_qemu_ld_i64(s, g->r[2], g->r[0], 0, BB_MO_UQ);
    bb_tcg_insn_start(s, 0x2004, 2);
    bb_tcg_qemu_ld_i64(s, g->r[3], g->r[1], 0, BB_MO_UQ);
    bb_tcg_insn_start(s, 0x2008, 3);
    bb_tcg_add_i64(s, g->r[4], g->r[2], g->r[3]);
    tp_exit(s);
    code = tcg_backend_x86_64.compile(s, &err);
    assert_no_error(err);
    tcg_backend_x86_64.exec(code, &env, &rt);
    assert_true(tcg_x86_64_find_insn(code, slow_ra, &pc, &extra));
    assert_int_equal(pc, 0x2004);
    assert_int_equal(extra, 2);
    assert_int_equal(env.r[3], le(f->dev.regs, 8));
    env.r[0] = VBASE + 0x1010; /* first load misses now */
    env.r[1] = VBASE + 0x1018; /* second one hits (the same page) */
    tcg_backend_x86_64.exec(code, &env, &rt);
    assert_true(tcg_x86_64_find_insn(code, slow_ra, &pc, &extra));
    assert_int_equal(pc, 0x2000);
    assert_int_equal(env.r[4],
                     le(ram_ptr(f, RAM_BASE) + 0x1010, 8) +
                         le(ram_ptr(f, RAM_BASE) + 0x1018, 8));
    assert_int_equal(f->fills, 3);
    tcg_backend_x86_64.free(code);
    tcg_context_free(s);
}
#endif

/* ------------------------------------------------------------ random */

/*
 * Random sequences of accesses (every memop, i32 and i64, three MMU
 * indexes, RAM pages, page crossings, the device, ROM, a code page, and
 * now and then a misaligned BB_MO_ALIGN access that fails) run twice per
 * backend (the second run mostly hits); every backend must leave the same
 * env, RAM, device registers and device call log.
 */
#define RND_OPS 24

typedef struct RndState {
    TpEnv env;
    uint8_t ram[0x4000];
    uint8_t dev[64];
    GArray *calls;
    uint64_t code_writes;
} RndState;

static uint64_t rnd_addr(GRand *r)
{
    switch (g_rand_int_range(r, 0, 11)) {
    case 10: return MIX + (uint64_t)g_rand_int_range(r, 0, MIX_REMAP);
    case 0: return DEV_BASE + (uint64_t)g_rand_int_range(r, 0, 56);
    case 1: return ROM_BASE + (uint64_t)g_rand_int_range(r, 0, 64);
    case 2: return VBASE + 0x1ff8 + (uint64_t)g_rand_int_range(r, 0, 8);
    case 3: return VBASE + 0x3000 + (uint64_t)g_rand_int_range(r, 0, 64);
    default:
        return VBASE + (uint64_t)g_rand_int_range(r, 0, 3) * PAGE +
               ((uint64_t)g_rand_int_range(r, 0, 16) * 8 & (PAGE - 1));
    }
}

static void rnd_build(BbTcgContext *s, GRand *r)
{
    const TpGlobals *g = tp_globals();

    for (unsigned i = 0; i < RND_OPS; i++) {
        bool store = g_rand_boolean(r), is64 = g_rand_int_range(r, 0, 3) > 0;
        BbMemOp mop = (BbMemOp)g_rand_int_range(r, 0, is64 ? 4 : 3);
        unsigned mmu = (unsigned)g_rand_int_range(r, 0, 3);
        uint64_t addr = rnd_addr(r);
        unsigned v = (unsigned)g_rand_int_range(r, 1, TP_NB_REGS);

        if (g_rand_int_range(r, 0, 8) == 0) {
            addr &= ~7ull; /* naturally aligned unless the op is wider */
        }
        if (g_rand_int_range(r, 0, 12) == 0) {
            mop |= BB_MO_ALIGN;
        }
        if (!store && g_rand_boolean(r)) {
            mop |= BB_MO_SIGN;
        }
        bb_tcg_insn_start(s, 0x1000 + 4 * i, 0);
        if (store && is64) {
            bb_tcg_qemu_st_i64(s, g->r[v], tp_c64(s, (int64_t)addr), mmu,
                               mop);
        } else if (store) {
            bb_tcg_qemu_st_i32(s, g->w[v], tp_c64(s, (int64_t)addr), mmu,
                               mop);
        } else if (is64) {
            bb_tcg_qemu_ld_i64(s, g->r[v], tp_c64(s, (int64_t)addr), mmu,
                               mop);
        } else {
            bb_tcg_qemu_ld_i32(s, g->w[v], tp_c64(s, (int64_t)addr), mmu,
                               mop);
        }
        if (g_rand_int_range(r, 0, 4) == 0) {
            unsigned d = (unsigned)g_rand_int_range(r, 1, TP_NB_REGS);
            bb_tcg_add_i64(s, g->r[d], g->r[d], g->r[v]);
        }
    }
    tp_exit(s);
}

static void rnd_run(Fix *f, const TcgBackend *b, BbTcgContext *s,
                    RndState *out)
{
    GError *err = NULL;
    TcgCode *code = b->compile(s, &err);

    assert_no_error(err);
    fix_reset(f);
    f->code_page = RAM_BASE + 0x2000;
    memset(&out->env, 0, sizeof(out->env));
    for (unsigned i = 0; i < TP_NB_REGS; i++) {
        out->env.r[i] = 0x0102030405060708ull * (i + 1);
        out->env.w[i] = 0x90a0b0c0u + i;
    }
    b->exec(code, &out->env, &f->rt);
    b->exec(code, &out->env, &f->rt);
    memcpy(out->ram, ram_ptr(f, RAM_BASE), sizeof(out->ram));
    memcpy(out->dev, f->dev.regs, sizeof(out->dev));
    out->calls = g_array_copy(f->dev.calls);
    out->code_writes = f->sm->stats.code_writes;
    b->free(code);
    f->code_page = ~0ull;
}

static bool calls_equal(const GArray *a, const GArray *b)
{
    if (a->len != b->len) {
        return false;
    }
    for (guint i = 0; i < a->len; i++) {
        const DevCall *x = &g_array_index(a, DevCall, i);
        const DevCall *y = &g_array_index(b, DevCall, i);

        if (x->write != y->write || x->addr != y->addr ||
            x->size != y->size || x->value != y->value) {
            return false;
        }
    }
    return true;
}

static void test_random_backends_agree(void **state)
{
    Fix *f = *state;
    unsigned count = 300;
    const char *env = g_getenv("SOFTMMU_RND_COUNT");

    if (env) {
        count = (unsigned)g_ascii_strtoull(env, NULL, 10);
    }
    for (unsigned seed = 1; seed <= count; seed++) {
        GRand *r = g_rand_new_with_seed(seed);
        BbTcgContext *s = tp_context();
        RndState ref = { 0 }, got = { 0 };

        rnd_build(s, r);
        tp_assert_valid(s);
        for (int opt = 0; opt < 2; opt++) {
            if (opt) {
                tcg_optimize(s);
            }
            for (unsigned bi = 0; bi < TP_NB_BACKENDS; bi++) {
                RndState *st = bi == 0 && opt == 0 ? &ref : &got;

                rnd_run(f, tp_backends[bi], s, st);
                if (st == &ref) {
                    continue;
                }
                if (memcmp(ref.env.r, got.env.r, sizeof(got.env.r)) ||
                    memcmp(ref.env.w, got.env.w, sizeof(got.env.w)) ||
                    memcmp(ref.ram, got.ram, sizeof(got.ram)) ||
                    memcmp(ref.dev, got.dev, sizeof(got.dev)) ||
                    !calls_equal(ref.calls, got.calls) ||
                    ref.code_writes != got.code_writes) {
                    GString *d = g_string_new(NULL);

                    tcg_dump(s, d);
                    fail_msg("seed %u: %s%s differs from the interpreter\n%s",
                             seed, tp_backends[bi]->name,
                             opt ? " (optimized)" : "", d->str);
                }
                g_array_unref(got.calls);
            }
        }
        g_array_unref(ref.calls);
        tcg_context_free(s);
        g_rand_free(r);
    }
}



/* ------------------------------------------------------------ resizing */

/* Load a byte from each of the @n pages from @first on in MMU index 0. */
static void touch_pages(Fix *f, uint64_t first, unsigned n)
{
    uint64_t v;

    for (unsigned k = 0; k < n; k++) {
        assert_int_equal(softmmu_load(f->sm, first + k * PAGE, BB_MO_UB, 0,
                                      &v),
                         SOFTMMU_OK);
    }
}

/* The index of @v's page in a table of 2^@bits entries (tlb_index_of()). */
static unsigned index_at(uint64_t v, unsigned bits)
{
    uint32_t a = (uint32_t)v;

    return ((a >> TLB_PAGE_BITS) ^ (a >> (TLB_PAGE_BITS + TLB_HASH_SHIFT))) &
           ((1u << bits) - 1);
}

/* Two pages of WRAP.. that share an entry in a table of 2^@bits entries
 * but not in one of twice as many. */
static void pair_apart_when_doubled(unsigned bits, uint64_t *a, uint64_t *b)
{
    *a = WRAP + 5 * PAGE;
    for (*b = *a + PAGE;; *b += PAGE) {
        if (index_at(*a, bits) == index_at(*b, bits) &&
            index_at(*a, bits + 1) != index_at(*b, bits + 1)) {
            return;
        }
    }
}

/* A table whose fills keep evicting translations doubles - at the next
 * entry into generated code, not before - up to 2^TLB_MAX_BITS; the new
 * table is empty and both backends' hit paths use its size at once. */
static void test_tlb_grows_under_pressure(void **state)
{
    Fix *f = *state;

    f->wrap = true;
    assert_int_equal(tlb_entries(f->sm->tlb, 0), TLB_ENTRIES);
    /* As many pages as the table has entries, in one aligned region
     * (one to one): no evictions, no growth. */
    touch_pages(f, WRAP, TLB_ENTRIES);
    assert_int_equal(f->sm->resize_pending, 0);
    /* Twice as many: more than half of a table's worth evict. */
    touch_pages(f, WRAP + (uint64_t)TLB_ENTRIES * PAGE, TLB_ENTRIES);
    assert_int_equal(f->sm->resize_pending, 1);
    assert_int_equal(tlb_entries(f->sm->tlb, 0), TLB_ENTRIES); /* not yet */
    assert_int_equal(f->sm->stats.grows, 0);
    softmmu_enter(f->sm);
    assert_int_equal(f->sm->resize_pending, 0);
    assert_int_equal(f->sm->stats.grows, 1);
    assert_int_equal(tlb_entries(f->sm->tlb, 0), 2 * TLB_ENTRIES);
    for (unsigned i = 0; i < 2 * TLB_ENTRIES; i++) {
        assert_int_equal(f->sm->tlb->e[0][i].addr_read, TLB_TAG_NONE);
    }
    for (unsigned v = 0; v < TLB_VICTIMS; v++) {
        assert_int_equal(f->sm->victim[0][v].addr_read, TLB_TAG_NONE);
    }
    /* Other MMU indexes keep their size. */
    assert_int_equal(tlb_entries(f->sm->tlb, 1), TLB_ENTRIES);

    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UQ, 0);
        uint64_t p1, p2;
        uint64_t slow;

        /* Two pages that would share an entry in the old size: both stay
         * cached, so the generated code computed the index with the new
         * mask. */
        pair_apart_when_doubled(TLB_BITS, &p1, &p2);
        assert_int_not_equal(softmmu_index(f->sm, 0, p1),
                             softmmu_index(f->sm, 0, p2));
        acc_run(f, &a, p1 + 8, 0);
        acc_run(f, &a, p2 + 8, 0);
        slow = f->sm->stats.slow_loads;
        for (int i = 0; i < 4; i++) {
            assert_int_equal(acc_run(f, &a, p1 + 16, 0),
                             le(ram_ptr(f, RAM_BASE + (p1 - WRAP) % RAM_SIZE
                                               + 16), 8));
            acc_run(f, &a, p2 + 16, 0);
        }
        assert_int_equal(f->sm->stats.slow_loads, slow);
        acc_free(&a);
    }

    /* Up to the largest size and no further (the stats were reset since
     * the first growth). */
    f->sm->stats.grows = 1;
    for (int round = 0; round < 8; round++) {
        unsigned n = tlb_entries(f->sm->tlb, 0);

        touch_pages(f, WRAP, 2 * n);
        softmmu_enter(f->sm);
    }
    assert_int_equal(tlb_entries(f->sm->tlb, 0), 1u << TLB_MAX_BITS);
    assert_int_equal(f->sm->stats.grows, TLB_MAX_BITS - TLB_BITS);
    /* A full flush of the big table clears all of it. */
    tlb_flush(f->sm);
    for (unsigned i = 0; i < 1u << TLB_MAX_BITS; i++) {
        assert_int_equal(f->sm->tlb->e[0][i].addr_read, TLB_TAG_NONE);
    }
    f->wrap = false;
}

/* A table that stays mostly empty over a window of flushes halves, down
 * to 2^TLB_MIN_BITS; one busy flush in the window keeps its size; the
 * fill log still clears only what was filled. */
static void test_tlb_shrinks_when_idle(void **state)
{
    Fix *f = *state;

    f->wrap = true;
    /* Busy at the fifth flush of the window: no shrink. */
    for (unsigned i = 0; i < 16; i++) {
        touch_pages(f, WRAP, i == 4 ? TLB_ENTRIES / 4 : 3);
        tlb_flush(f->sm);
    }
    softmmu_enter(f->sm);
    assert_int_equal(tlb_entries(f->sm->tlb, 0), TLB_ENTRIES);
    /* Then idle windows: 4096 -> 2048 -> ... -> 256, and no further. */
    for (unsigned w = 0; w < 8; w++) {
        for (unsigned i = 0; i < 16; i++) {
            touch_pages(f, WRAP, 3);
            tlb_flush(f->sm);
        }
        softmmu_enter(f->sm);
        assert_int_equal(tlb_entries(f->sm->tlb, 0),
                         MAX(TLB_ENTRIES >> (w + 1), 1u << TLB_MIN_BITS));
    }
    assert_int_equal(f->sm->stats.shrinks, TLB_BITS - TLB_MIN_BITS);
    /* MMU index 1 was never used: untouched. */
    assert_int_equal(tlb_entries(f->sm->tlb, 1), TLB_ENTRIES);

    FOR_EACH_BACKEND(f, b)
    {
        Acc a = acc_new(b, false, true, BB_MO_UQ, 0);
        uint8_t *ram = ram_ptr(f, RAM_BASE);

        /* Fill then hit in the small table, on both backends. */
        for (unsigned k = 0; k < 3; k++) {
            assert_int_equal(acc_run(f, &a, VBASE + k * PAGE + 8, 0),
                             le(ram + k * PAGE + 8, 8));
        }
        uint64_t slow = f->sm->stats.slow_loads;
        for (unsigned k = 0; k < 3; k++) {
            assert_int_equal(acc_run(f, &a, VBASE + k * PAGE + 16, 0),
                             le(ram + k * PAGE + 16, 8));
        }
        assert_int_equal(f->sm->stats.slow_loads, slow);
        /* A page flush and the fill log work at this size too. */
        tlb_flush_page(f->sm, VBASE + PAGE);
        acc_run(f, &a, VBASE + PAGE, 0);
        assert_int_equal(f->sm->stats.slow_loads, slow + 1);
        acc_free(&a);
    }
    f->wrap = false;
}

/* ------------------------------------------------------------ I/O TLB */

/* The I/O TLB hint of MMU index 0's entry for @vaddr's page: the range of
 * the current view it names, or NULL. */
static const FlatRange *io_hint_range(Fix *f, uint64_t vaddr)
{
    uint32_t h = f->sm->info[0][softmmu_index(f->sm, 0, vaddr)].io_hint;

    return h && h - 1 < f->as->view->nr ? &f->as->view->ranges[h - 1]
                                        : NULL;
}

/* What one access did: its value, whether it was refused, the device
 * calls it made. */
typedef struct Outcome {
    uint64_t value;
    bool refused;
    GArray *calls;
} Outcome;

/* The access through the softmmu (generated code of backend @b). */
static Outcome via_tlb(Fix *f, const TcgBackend *b, uint64_t addr,
                       unsigned size, bool store, uint64_t val)
{
    BbMemOp mop = (BbMemOp)__builtin_ctz(size);
    unsigned errs = f->bus_errors;
    Outcome o = { 0 };

    g_array_set_size(f->dev.calls, 0);
    if (store) {
        st1(f, b, mop, 0, addr, val);
    } else {
        o.value = ld1(f, b, mop, 0, addr);
    }
    o.refused = f->bus_errors != errs;
    o.calls = g_array_copy(f->dev.calls);
    return o;
}

/* The same access straight through the memory API (what the slow path
 * did before it had the I/O TLB). */
static Outcome via_memory_api(Fix *f, uint64_t addr, unsigned size,
                              bool store, uint64_t val)
{
    Outcome o = { 0 };
    BbMemTxResult r;

    g_array_set_size(f->dev.calls, 0);
    r = store ? bb_address_space_store(f->as, addr, size, val)
              : bb_address_space_load(f->as, addr, size, &o.value);
    o.refused = r != BB_MEMTX_OK;
    o.calls = g_array_copy(f->dev.calls);
    return o;
}

static void assert_same_outcome(Outcome *a, Outcome *b, const char *what,
                                uint64_t addr, unsigned size, bool store)
{
    if (a->value != b->value || a->refused != b->refused ||
        !calls_equal(a->calls, b->calls)) {
        fail_msg("%s: %u-byte %s at %#" PRIx64 ": value %#" PRIx64
                 "/%#" PRIx64 ", refused %d/%d, %u/%u device calls", what,
                 size, store ? "store" : "load", addr, a->value, b->value,
                 a->refused, b->refused, a->calls->len, b->calls->len);
    }
    g_array_unref(a->calls);
    g_array_unref(b->calls);
}

/* One access three times: through the TLB (filling the hint), through
 * the memory API, and through the TLB again (through the hint): all
 * three must agree. */
static void check_like_memory_api(Fix *f, const TcgBackend *b, uint64_t addr,
                                  unsigned size, bool store, uint64_t val)
{
    Outcome t1 = via_tlb(f, b, addr, size, store, val);
    Outcome m = via_memory_api(f, addr, size, store, val);
    Outcome t2 = via_tlb(f, b, addr, size, store, val);
    Outcome m2 = via_memory_api(f, addr, size, store, val);

    assert_same_outcome(&t1, &m, b->name, addr, size, store);
    assert_same_outcome(&t2, &m2, b->name, addr, size, store);
}

/* A page of small regions, holes, ROM and RAM windows and a register that
 * refuses sizes: every access through the I/O TLB does what the memory
 * API does (value, bus error, device calls with offset/size/value), and
 * the entry's hint names the range the last access used. */
static void test_io_tlb_like_memory_api(void **state)
{
    static const struct {
        uint64_t off;
        unsigned size;
    } accs[] = {
        { MIX_A, 8 }, { MIX_A + 4, 4 }, { MIX_A + 6, 2 }, { MIX_A + 15, 1 },
        { MIX_A + 8, 8 },   /* the last bytes of mix-a */
        { MIX_A + 12, 8 },  /* (misaligned) spans mix-a and the hole */
        { MIX_A + 3, 4 },   /* misaligned inside */
        { MIX_B, 8 }, { MIX_B + 1, 1 }, { MIX_B + 4, 4 }, { MIX_B + 6, 4 },
        { MIX_W4, 4 }, { MIX_W4 + 4, 4 },
        { MIX_W4, 2 }, { MIX_W4, 8 }, { MIX_W4 + 2, 4 }, { MIX_W4 + 1, 1 },
        { MIX_ROM, 8 }, { MIX_ROM + 0x1c, 4 }, { MIX_ROM + 0x1e, 4 },
        { MIX_RAM, 8 }, { MIX_RAM + 0x1f, 1 }, { MIX_RAM + 0x1c, 8 },
        { 0x20, 4 }, { 0x3c, 8 }, { 0xff8, 8 }, { 0x10, 1 },
    };
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        for (unsigned i = 0; i < G_N_ELEMENTS(accs); i++) {
            uint64_t addr = MIX + accs[i].off;
            uint64_t val = 0x1122334455667788ull * (i + 1);

            check_like_memory_api(f, b, addr, accs[i].size, false, 0);
            check_like_memory_api(f, b, addr, accs[i].size, true, val);
            check_like_memory_api(f, b, addr, accs[i].size, false, 0);
        }
        /* One translation for the page; its hint names the page's first
         * range, and the registers further up are found from there. */
        assert_int_equal(f->fills, 1);
        g_array_unref(via_tlb(f, b, MIX + MIX_B + 2, 2, false, 0).calls);
        assert_non_null(io_hint_range(f, MIX));
        assert_int_equal(io_hint_range(f, MIX)->start, MIX + MIX_A);
        g_array_unref(via_tlb(f, b, MIX + MIX_A + 2, 2, true, 7).calls);
        assert_int_equal(g_array_index(f->dev.calls, DevCall, 0).addr, 0x802);
        g_array_unref(via_tlb(f, b, MIX + 0x20, 2, false, 0).calls);
        assert_int_equal(io_hint_range(f, MIX)->start, MIX + MIX_A);
        /* The page's first piece moves up: the hint is found useless at
         * the next access and set again (listener or not). */
        tlb_listener_remove(f->listener, f->sm);
        bb_memory_region_set_address(f->mix_a, MIX + 0x20);
        g_array_unref(via_tlb(f, b, MIX + MIX_B, 4, false, 0).calls);
        assert_int_equal(io_hint_range(f, MIX)->start, MIX + 0x20);
        assert_int_equal(g_array_index(f->dev.calls, DevCall, 0).addr, 0x900);
        g_array_unref(via_tlb(f, b, MIX + 0x24, 4, false, 0).calls);
        assert_int_equal(g_array_index(f->dev.calls, DevCall, 0).addr, 0x804);
        bb_memory_region_set_address(f->mix_a, MIX + MIX_A);
        tlb_listener_add(f->listener, f->sm);
    }
}

/* One load or store through backend @b; returns the value and sets
 * *@refused; @want_off >= 0: exactly one device call at that offset. */
static uint64_t io_acc(Fix *f, const TcgBackend *b, uint64_t addr,
                       unsigned size, bool store, uint64_t val,
                       int64_t want_off, bool *refused)
{
    Outcome o = via_tlb(f, b, addr, size, store, val);

    *refused = o.refused;
    if (want_off >= 0) {
        assert_int_equal(o.calls->len, 1);
        assert_int_equal(g_array_index(o.calls, DevCall, 0).addr,
                         (uint64_t)want_off);
        assert_int_equal(g_array_index(o.calls, DevCall, 0).size, size);
        assert_int_equal(g_array_index(o.calls, DevCall, 0).write, store);
        if (store) {
            assert_int_equal(g_array_index(o.calls, DevCall, 0).value, val);
        }
    } else {
        assert_int_equal(o.calls->len, 0);
    }
    g_array_unref(o.calls);
    return o.value;
}

#define IO_OK(f, b, addr, size, store, val, off)                             \
    do {                                                                      \
        bool refused_;                                                        \
        io_acc(f, b, addr, size, store, val, off, &refused_);                 \
        assert_false(refused_);                                               \
    } while (0)
#define IO_REFUSED(f, b, addr, size)                                          \
    do {                                                                      \
        bool refused_;                                                        \
        io_acc(f, b, addr, size, false, 0, -1, &refused_);                    \
        assert_true(refused_);                                                \
    } while (0)

/*
 * The map changes between accesses (move, unmap, disable, an overlapping
 * region of higher priority): the next access sees the new map - with the
 * listener flushing the TLB, and without it (the entry and its hint stay,
 * and the hint is found wrong at its next use).
 */
static void test_io_tlb_remap_between(void **state)
{
    Fix *f = *state;

    for (int listen = 1; listen >= 0; listen--) {
        if (!listen) {
            tlb_listener_remove(f->listener, f->sm);
        }
        FOR_EACH_BACKEND(f, b)
        {
            unsigned fills;

            IO_OK(f, b, MIX + MIX_A + 4, 4, false, 0, 0x804);
            IO_OK(f, b, MIX + MIX_B, 8, true, 0x42, 0x900);
            fills = f->fills;

            bb_memory_region_set_address(f->mix_a, MIX + 0x200);
            IO_REFUSED(f, b, MIX + MIX_A + 4, 4);
            IO_OK(f, b, MIX + 0x204, 4, false, 0, 0x804);
            bb_memory_region_set_address(f->mix_a, MIX + MIX_A);
            IO_OK(f, b, MIX + MIX_A + 4, 4, true, 9, 0x804);
            IO_REFUSED(f, b, MIX + 0x204, 4);

            overlay_b(f, true);
            IO_OK(f, b, MIX + MIX_B, 8, false, 0, 0xa00);
            IO_OK(f, b, MIX + MIX_B + 4, 4, true, 3, 0xa04);
            overlay_b(f, false);
            IO_OK(f, b, MIX + MIX_B + 4, 4, false, 0, 0x904);

            bb_memory_region_del_subregion(f->root, f->mix_b);
            IO_REFUSED(f, b, MIX + MIX_B, 8);
            map_region(f, MIX + MIX_B, f->mix_b);
            IO_OK(f, b, MIX + MIX_B, 8, false, 0, 0x900);

            bb_memory_region_set_enabled(f->mix_a, false);
            IO_REFUSED(f, b, MIX + MIX_A, 1);
            bb_memory_region_set_enabled(f->mix_a, true);
            IO_OK(f, b, MIX + MIX_A, 1, false, 0, 0x800);
            /* Without the listener the page was never translated again. */
            if (!listen) {
                assert_int_equal(f->fills, fills);
            } else {
                assert_true(f->fills > fills);
            }
        }
    }
    tlb_listener_add(f->listener, f->sm);
}

/* A device callback changes the map in the middle of an access: the next
 * access sees the change, and a region that unmaps itself and drops its
 * last reference lives until its access is over (the chunk after the
 * command still reaches it). */
static void test_io_tlb_remap_during_access(void **state)
{
    Fix *f = *state;

    FOR_EACH_BACKEND(f, b)
    {
        if (!f->remap_mr) {
            f->remap_mr = bb_memory_region_new_io(NULL, "remapper",
                                                  &remap_ops, f, 8);
            map_region(f, MIX + MIX_REMAP, f->remap_mr);
        }
        f->remaps = 0;
        IO_OK(f, b, MIX + MIX_A + 4, 4, false, 0, 0x804);
        st1(f, b, BB_MO_UL, 0, MIX + MIX_REMAP, REMAP_MOVE_A);
        IO_REFUSED(f, b, MIX + MIX_A + 4, 4);
        IO_OK(f, b, MIX + 0x204, 4, false, 0, 0x804);
        st1(f, b, BB_MO_UL, 0, MIX + MIX_REMAP, REMAP_RESTORE_A);
        IO_OK(f, b, MIX + MIX_A + 4, 4, false, 0, 0x804);

        IO_OK(f, b, MIX + MIX_B, 8, false, 0, 0x900);
        st1(f, b, BB_MO_UL, 0, MIX + MIX_REMAP, REMAP_OVERLAY_B);
        IO_OK(f, b, MIX + MIX_B, 8, false, 0, 0xa00);
        st1(f, b, BB_MO_UL, 0, MIX + MIX_REMAP, REMAP_UNOVERLAY_B);
        IO_OK(f, b, MIX + MIX_B, 8, false, 0, 0x900);
        st1(f, b, BB_MO_UL, 0, MIX + MIX_REMAP, REMAP_UNMAP_B);
        IO_REFUSED(f, b, MIX + MIX_B, 8);
        st1(f, b, BB_MO_UL, 0, MIX + MIX_REMAP, REMAP_MAP_B);
        IO_OK(f, b, MIX + MIX_B, 8, false, 0, 0x900);
        assert_int_equal(f->remaps, 6);

        /* 8 bytes: the command, then a second call with 0. */
        st1(f, b, BB_MO_UQ, 0, MIX + MIX_REMAP, REMAP_UNMAP_SELF);
        assert_int_equal(f->remaps, 8);
        assert_null(f->remap_mr);
        assert_null(f->as->retired); /* the old view went with the access */
        assert_int_equal(f->as->busy, 0);
        IO_REFUSED(f, b, MIX + MIX_REMAP, 4);
        IO_OK(f, b, MIX + MIX_A, 2, true, 0x77, 0x800);
    }
}

/* A byte model of the RAM part: plain loads/stores at random aligned and
 * misaligned addresses give the bytes a model computes. */
static void test_random_against_model(void **state)
{
    Fix *f = *state;
    GRand *r = g_rand_new_with_seed(42);

    FOR_EACH_BACKEND(f, b)
    {
        uint8_t model[3 * PAGE];

        memcpy(model, ram_ptr(f, RAM_BASE), sizeof(model));
        for (unsigned i = 0; i < 400; i++) {
            BbMemOp mop = (BbMemOp)g_rand_int_range(r, 0, 4);
            unsigned size = 1u << mop;
            uint64_t off = (uint64_t)g_rand_int_range(r, 0,
                                                      (int)(3 * PAGE - size));
            uint64_t val = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);

            if (g_rand_boolean(r)) {
                st1(f, b, mop, 0, VBASE + off, val);
                for (unsigned k = 0; k < size; k++) {
                    model[off + k] = (uint8_t)(val >> (8 * k));
                }
            } else {
                assert_int_equal(ld1(f, b, mop, 0, VBASE + off),
                                 le(model + off, size));
            }
        }
        assert_memory_equal(model, ram_ptr(f, RAM_BASE), sizeof(model));
        assert_int_equal(f->fills, 3);
    }
    g_rand_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)
        T(test_ram_fill_then_hit),
        T(test_hit_sizes_and_extension),
        T(test_mmio_always_slow),
        T(test_misaligned_and_crossing),
        T(test_crossing_into_mmio),
        T(test_misaligned_policy),
        T(test_readonly_store_faults),
        T(test_fill_refused),
        T(test_unassigned_bus_error),
        T(test_rom),
        T(test_flushes),
        T(test_flush_after_few_and_many_fills),
        T(test_flush_superpage),
        T(test_no_cache_translation),
        T(test_listener_flushes_on_map_change),
        T(test_code_page_protection),
        T(test_victim_tlb),
        T(test_index_spreads_distant_pages),
        T(test_translate_code),
        T(test_c_access),
        T(test_default_ops),
#ifdef BB_HAVE_X86_64_BACKEND
        T(test_x86_slow_path_pc_map),
#endif
        T(test_tlb_grows_under_pressure),
        T(test_tlb_shrinks_when_idle),
        T(test_io_tlb_like_memory_api),
        T(test_io_tlb_remap_between),
        T(test_io_tlb_remap_during_access),
        T(test_random_backends_agree),
        T(test_random_against_model),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
