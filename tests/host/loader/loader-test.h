/*
 * loader-test.h - helpers shared by the loader suites: a guest memory map
 * with RAM, ROM, a recording I/O region and holes; image files written
 * to a temporary directory; and a small ELF64 writer that lays out
 * headers, segments, a symbol table and section headers at known offsets
 * so that tests can corrupt any field of an otherwise valid image.
 *
 * Memory map of the fixture:
 *   0x00001000-0x00001fff  ROM "rom"
 *   0x10000000-0x10000fff  I/O "dev" (counts writes)
 *   0x80000000-0x807fffff  RAM "ram" (8 MiB)
 *   everything else        unassigned (bus error)
 */
#ifndef TESTS_HOST_LOADER_LOADER_TEST_H
#define TESTS_HOST_LOADER_LOADER_TEST_H

#include <glib/gstdio.h>

#include "host-test.h"

#define ROM_BASE 0x1000u
#define ROM_SIZE 0x1000u
#define DEV_BASE 0x10000000u
#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x800000u

typedef struct Fix {
    BbMemoryRegion *root;
    BbAddressSpace *as;
    unsigned dev_writes; /* writes that reached "dev" */
    char *dir;           /* temporary directory for image files */
} Fix;

static void dev_write(void *opaque, uint64_t addr, uint64_t value,
                      unsigned size)
{
    ((Fix *)opaque)->dev_writes++;
}

static const BbMemoryOps dev_ops = {
    .write = dev_write,
    .valid = { 1, 8 },
    .impl = { 1, 8 },
};

static inline void fix_map(Fix *f, uint64_t base, BbMemoryRegion *mr)
{
    GError *err = NULL;
    assert_non_null(mr);
    assert_true(bb_memory_region_add_subregion(f->root, base, mr, &err));
    assert_no_error(err);
    bb_memory_region_unref(mr);
}

static int fix_setup(void **state)
{
    Fix *f = g_new0(Fix, 1);
    GError *err = NULL;

    f->root = bb_memory_region_new_container(NULL, "root", UINT64_MAX);
    f->as = bb_address_space_new(f->root, "test", BB_UNASSIGNED_ERROR);
    fix_map(f, ROM_BASE, bb_memory_region_new_rom(NULL, "rom", ROM_SIZE,
                                                  &err));
    fix_map(f, DEV_BASE, bb_memory_region_new_io(NULL, "dev", &dev_ops, f,
                                                 0x1000));
    fix_map(f, RAM_BASE, bb_memory_region_new_ram(NULL, "ram", RAM_SIZE,
                                                  &err));
    assert_no_error(err);
    f->dir = g_dir_make_tmp("bb-loader-XXXXXX", &err);
    assert_no_error(err);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fix *f = *state;
    GDir *d = g_dir_open(f->dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);
        g_remove(p);
    }
    if (d) {
        g_dir_close(d);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
    bb_address_space_free(f->as);
    bb_memory_region_unref(f->root);
    g_free(f);
    return 0;
}

/* Write @len bytes to a file @name in the fixture's directory. */
static inline char *fix_file(Fix *f, const char *name, const void *data,
                             size_t len)
{
    char *path = g_build_filename(f->dir, name, NULL);
    GError *err = NULL;

    assert_true(g_file_set_contents(path, data, (gssize)len, &err));
    assert_no_error(err);
    return path;
}

/* Fill guest memory at @addr with @byte (RAM through DMA, for checks). */
static inline void fix_fill(Fix *f, uint64_t addr, uint8_t byte, size_t len)
{
    assert_int_equal(bb_address_space_fill(f->as, addr, byte, len),
                     BB_MEMTX_OK);
}

/* Whether @len bytes at @addr all equal @byte. */
static inline bool fix_all(Fix *f, uint64_t addr, uint8_t byte, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    assert_int_equal(bb_address_space_read(f->as, addr, buf, len),
                     BB_MEMTX_OK);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != byte) {
            return false;
        }
    }
    return true;
}

/* Fail unless @err is a loader error with @code whose message starts with
 * "@path: " and contains @needle. */
#define assert_loader_error(err, code, path, needle)                          \
    do {                                                                      \
        assert_error((err), BB_LOADER_ERROR, (code));                         \
        g_autofree char *prefix_ = g_strdup_printf("%s: ", (path));           \
        if (!g_str_has_prefix((err)->message, prefix_)) {                     \
            fail_msg("'%s' does not start with '%s'", (err)->message,         \
                     prefix_);                                                \
        }                                                                     \
        assert_contains((err)->message, (needle));                            \
    } while (0)

/* ------------------------------------------------------------ ELF writer */

static inline void put16(GByteArray *b, size_t off, uint16_t v)
{
    for (int i = 0; i < 2; i++) {
        b->data[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static inline void put32(GByteArray *b, size_t off, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        b->data[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static inline void put64(GByteArray *b, size_t off, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        b->data[off + i] = (uint8_t)(v >> (8 * i));
    }
}

typedef struct TestSeg {
    uint32_t type, flags;
    uint64_t vaddr, paddr, filesz, memsz;
    uint8_t fill; /* the segment's file bytes */
} TestSeg;

typedef struct TestSym {
    const char *name;
    uint64_t value;
    uint8_t info;   /* (binding << 4) | type */
    uint16_t shndx; /* 0 = undefined */
} TestSym;

#define SYM_GLOBAL_OBJECT 0x11 /* STB_GLOBAL, STT_OBJECT */
#define SYM_LOCAL_OBJECT 0x01  /* STB_LOCAL, STT_OBJECT */
#define SYM_GLOBAL_FUNC 0x12

typedef struct TestElf {
    uint64_t entry;
    TestSeg segs[6];
    unsigned nsegs;
    TestSym syms[6];
    unsigned nsyms;
    bool no_sections;
} TestElf;

/* Where the writer put things, for corrupting them. */
typedef struct ElfLayout {
    size_t phoff;               /* program headers: phoff + 56 * i */
    size_t seg_off[6];          /* file offset of each segment's bytes */
    size_t symtab_off, strtab_off;
    size_t shoff;               /* section headers: null, symtab, strtab */
} ElfLayout;

#define PH_OFF(lay, i, field) ((lay)->phoff + 56 * (i) + (field))
#define P_OFFSET 0x08
#define P_VADDR 0x10
#define P_PADDR 0x18
#define P_FILESZ 0x20
#define P_MEMSZ 0x28
#define SH_OFF(lay, i, field) ((lay)->shoff + 64 * (i) + (field))
#define SH_TYPE 0x04
#define SH_OFFSET 0x18
#define SH_SIZE 0x20
#define SH_LINK 0x28
#define SH_ENTSIZE 0x38

static inline size_t elf_grow(GByteArray *b, size_t len)
{
    size_t off = b->len;
    g_byte_array_set_size(b, (guint)(off + len));
    memset(b->data + off, 0, len);
    return off;
}

static inline void elf_write_ehdr(GByteArray *b, const TestElf *e,
                                  unsigned nsegs)
{
    elf_grow(b, 64);
    memcpy(b->data, "\x7f" "ELF\x02\x01\x01", 7);
    put16(b, 0x10, 2);   /* ET_EXEC */
    put16(b, 0x12, 243); /* EM_RISCV */
    put32(b, 0x14, 1);
    put64(b, 0x18, e->entry);
    put64(b, 0x20, 64);  /* phoff */
    put16(b, 0x34, 64);
    put16(b, 0x36, 56);
    put16(b, 0x38, (uint16_t)nsegs);
}

static inline void elf_write_symbols(GByteArray *b, const TestElf *e,
                                     ElfLayout *lay)
{
    GString *str = g_string_new_len("", 1);
    size_t names[6];

    for (unsigned i = 0; i < e->nsyms; i++) {
        names[i] = str->len;
        g_string_append_len(str, e->syms[i].name,
                            (gssize)strlen(e->syms[i].name) + 1);
    }
    lay->strtab_off = elf_grow(b, str->len);
    memcpy(b->data + lay->strtab_off, str->str, str->len);
    lay->symtab_off = elf_grow(b, 24 * (e->nsyms + 1));
    for (unsigned i = 0; i < e->nsyms; i++) {
        size_t s = lay->symtab_off + 24 * (i + 1);
        put32(b, s, (uint32_t)names[i]);
        b->data[s + 4] = e->syms[i].info;
        put16(b, s + 6, e->syms[i].shndx);
        put64(b, s + 8, e->syms[i].value);
    }
    lay->shoff = elf_grow(b, 64 * 3);
    put32(b, SH_OFF(lay, 1, SH_TYPE), 2); /* SHT_SYMTAB */
    put64(b, SH_OFF(lay, 1, SH_OFFSET), lay->symtab_off);
    put64(b, SH_OFF(lay, 1, SH_SIZE), 24 * (e->nsyms + 1));
    put32(b, SH_OFF(lay, 1, SH_LINK), 2);
    put64(b, SH_OFF(lay, 1, SH_ENTSIZE), 24);
    put32(b, SH_OFF(lay, 2, SH_TYPE), 3); /* SHT_STRTAB */
    put64(b, SH_OFF(lay, 2, SH_OFFSET), lay->strtab_off);
    put64(b, SH_OFF(lay, 2, SH_SIZE), str->len);
    put64(b, 0x28, lay->shoff);
    put16(b, 0x3a, 64);
    put16(b, 0x3c, 3);
    g_string_free(str, true);
}

/* Lay @e out: ELF header, program headers, segment bytes, then (unless
 * @no_sections) string table, symbol table and section headers. */
static inline GByteArray *elf_build(const TestElf *e, ElfLayout *lay)
{
    GByteArray *b = g_byte_array_new();

    memset(lay, 0, sizeof(*lay));
    elf_write_ehdr(b, e, e->nsegs);
    lay->phoff = elf_grow(b, 56 * e->nsegs);
    for (unsigned i = 0; i < e->nsegs; i++) {
        const TestSeg *s = &e->segs[i];
        lay->seg_off[i] = elf_grow(b, s->filesz);
        memset(b->data + lay->seg_off[i], s->fill, s->filesz);
        put32(b, PH_OFF(lay, i, 0), s->type ? s->type : 1 /* PT_LOAD */);
        put32(b, PH_OFF(lay, i, 4), s->flags);
        put64(b, PH_OFF(lay, i, P_OFFSET), lay->seg_off[i]);
        put64(b, PH_OFF(lay, i, P_VADDR), s->vaddr ? s->vaddr : s->paddr);
        put64(b, PH_OFF(lay, i, P_PADDR), s->paddr);
        put64(b, PH_OFF(lay, i, P_FILESZ), s->filesz);
        put64(b, PH_OFF(lay, i, P_MEMSZ), s->memsz);
    }
    if (!e->no_sections) {
        elf_write_symbols(b, e, lay);
    }
    return b;
}

/* A typical bare-metal test: code + data + BSS, tohost/fromhost. */
static inline TestElf elf_typical(void)
{
    TestElf e = {
        .entry = RAM_BASE,
        .segs = {
            { .flags = 5, .paddr = RAM_BASE, .filesz = 0x100,
              .memsz = 0x100, .fill = 0x13 },
            { .flags = 6, .paddr = RAM_BASE + 0x1000, .filesz = 0x10,
              .memsz = 0x1000, .fill = 0x5a },
        },
        .nsegs = 2,
        .syms = {
            { "tohost", RAM_BASE + 0x1000, SYM_GLOBAL_OBJECT, 2 },
            { "fromhost", RAM_BASE + 0x1040, SYM_GLOBAL_OBJECT, 2 },
            { "_start", RAM_BASE, SYM_GLOBAL_FUNC, 1 },
        },
        .nsyms = 3,
    };
    return e;
}

#endif /* TESTS_HOST_LOADER_LOADER_TEST_H */
