/*
 * elf-test.c - unit tests of the ELF loader (host/loader/elf.c): a good
 * image (segments, zero fill, entry, extent, symbols), placement in ROM,
 * the physical entry of an image whose vaddr differs from paddr, and
 * every way the file can be malformed - each must fail with a message
 * naming the file and the problem, and without writing guest memory.
 * Images are written by the ELF writer in loader-test.h; a last test
 * mutates a good image at random (fixed seed) and only asks that the
 * loader never crashes, which valgrind turns into a memory-safety check.
 */
#include "loader-test.h"

/* Write @b as NAME in the fixture's directory and load it. */
static bool load(Fix *f, GByteArray *b, char **path, BbElfInfo **info,
                 GError **err)
{
    *path = fix_file(f, "image.elf", b->data, b->len);
    return bb_load_elf(f->as, *path, info, err);
}

/* Build, corrupt with @mutate, load: must fail with @code and @needle,
 * leaving RAM untouched (pre-filled with 0xee). */
typedef void (*Mutate)(GByteArray *b, const ElfLayout *lay);

static void expect_refused(Fix *f, const TestElf *e, Mutate mutate,
                           int code, const char *needle)
{
    ElfLayout lay;
    GByteArray *b = elf_build(e, &lay);
    g_autofree char *path = NULL;
    BbElfInfo *info = NULL;
    GError *err = NULL;

    fix_fill(f, RAM_BASE, 0xee, 0x3000);
    if (mutate) {
        mutate(b, &lay);
    }
    assert_false(load(f, b, &path, &info, &err));
    assert_null(info);
    assert_loader_error(err, code, path, needle);
    assert_true(fix_all(f, RAM_BASE, 0xee, 0x3000));
    assert_int_equal(f->dev_writes, 0);
    g_error_free(err);
    g_byte_array_free(b, true);
}

/* ------------------------------------------------------------- success */

static void load_elf_typical_image(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *b = elf_build(&e, &lay);
    g_autofree char *path = NULL;
    g_autoptr(BbElfInfo) info = NULL;
    GError *err = NULL;
    uint64_t lowest, end, v;

    fix_fill(f, RAM_BASE, 0xee, 0x3000);
    assert_true(load(f, b, &path, &info, &err));
    assert_no_error(err);
    assert_true(fix_all(f, RAM_BASE, 0x13, 0x100));
    assert_true(fix_all(f, RAM_BASE + 0x100, 0xee, 0xf00)); /* gap */
    assert_true(fix_all(f, RAM_BASE + 0x1000, 0x5a, 0x10));
    assert_true(fix_all(f, RAM_BASE + 0x1010, 0, 0xff0)); /* BSS */
    assert_true(fix_all(f, RAM_BASE + 0x2000, 0xee, 0x1000));
    assert_int_equal(bb_elf_info_entry(info), RAM_BASE);
    bb_elf_info_get_extent(info, &lowest, &end);
    assert_int_equal(lowest, RAM_BASE);
    assert_int_equal(end, RAM_BASE + 0x2000);
    assert_true(bb_elf_info_symbol(info, "tohost", &v));
    assert_int_equal(v, RAM_BASE + 0x1000);
    assert_true(bb_elf_info_symbol(info, "fromhost", &v));
    assert_int_equal(v, RAM_BASE + 0x1040);
    assert_true(bb_elf_info_symbol(info, "_start", NULL));
    g_byte_array_free(b, true);
}

static void load_elf_without_info(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *b = elf_build(&e, &lay);
    g_autofree char *path = fix_file(f, "image.elf", b->data, b->len);
    GError *err = NULL;

    assert_true(bb_load_elf(f->as, path, NULL, &err));
    assert_no_error(err);
    assert_true(fix_all(f, RAM_BASE, 0x13, 0x100));
    g_byte_array_free(b, true);
}

static void load_elf_into_rom(void **state)
{
    Fix *f = *state;
    TestElf e = {
        .entry = ROM_BASE,
        .segs = { { .flags = 5, .paddr = ROM_BASE, .filesz = 0x20,
                    .memsz = 0x40, .fill = 0x97 } },
        .nsegs = 1,
    };
    ElfLayout lay;
    GByteArray *b = elf_build(&e, &lay);
    g_autofree char *path = NULL;
    g_autoptr(BbElfInfo) info = NULL;
    GError *err = NULL;

    assert_true(load(f, b, &path, &info, &err));
    assert_no_error(err);
    assert_true(fix_all(f, ROM_BASE, 0x97, 0x20));
    assert_true(fix_all(f, ROM_BASE + 0x20, 0, 0x20));
    g_byte_array_free(b, true);
}

static void load_elf_entry_translated_to_paddr(void **state)
{
    Fix *f = *state;
    const uint64_t va = 0xffffffff80000000ull;
    TestElf e = {
        .entry = va + 0x10,
        .segs = { { .flags = 5, .vaddr = va, .paddr = RAM_BASE,
                    .filesz = 0x100, .memsz = 0x100, .fill = 1 } },
        .nsegs = 1,
    };
    ElfLayout lay;
    GByteArray *b = elf_build(&e, &lay);
    g_autofree char *path = NULL;
    g_autoptr(BbElfInfo) info = NULL;
    GError *err = NULL;
    uint64_t lowest;

    assert_true(load(f, b, &path, &info, &err));
    assert_no_error(err);
    assert_int_equal(bb_elf_info_entry(info), RAM_BASE + 0x10);
    bb_elf_info_get_extent(info, &lowest, NULL);
    assert_int_equal(lowest, RAM_BASE); /* paddr, not vaddr */
    assert_true(fix_all(f, RAM_BASE, 1, 0x100));
    g_byte_array_free(b, true);
}

static void load_elf_skips_empty_and_non_load_segments(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    g_autofree char *path = NULL;
    g_autoptr(BbElfInfo) info = NULL;
    GError *err = NULL;

    /* PT_NOTE pointing at unmapped memory, and an empty PT_LOAD there. */
    e.segs[2] = (TestSeg){ .type = 4, .paddr = 0x5000, .filesz = 8,
                           .memsz = 8 };
    e.segs[3] = (TestSeg){ .paddr = 0x6000, .filesz = 0, .memsz = 0 };
    e.nsegs = 4;
    GByteArray *b = elf_build(&e, &lay);
    assert_true(load(f, b, &path, &info, &err));
    assert_no_error(err);
    g_byte_array_free(b, true);
}

/* ------------------------------------------------------------- symbols */

static void elf_info_symbol_absent(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *b;
    g_autofree char *path = NULL;
    g_autoptr(BbElfInfo) info = NULL;
    GError *err = NULL;
    uint64_t v = 42;

    e.syms[3] = (TestSym){ "undefined_one", 0x1234, SYM_GLOBAL_OBJECT, 0 };
    e.syms[4] = (TestSym){ "a_section", 0x1234, 0x03, 1 }; /* STT_SECTION */
    e.nsyms = 5;
    b = elf_build(&e, &lay);
    assert_true(load(f, b, &path, &info, &err));
    assert_false(bb_elf_info_symbol(info, "nothere", &v));
    assert_false(bb_elf_info_symbol(info, "undefined_one", &v));
    assert_false(bb_elf_info_symbol(info, "a_section", &v));
    assert_false(bb_elf_info_symbol(info, "", &v));
    assert_int_equal(v, 42); /* untouched */
    g_byte_array_free(b, true);
}

static void elf_info_symbol_global_beats_local(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *b;
    g_autofree char *path = NULL;
    g_autoptr(BbElfInfo) info = NULL;
    GError *err = NULL;
    uint64_t v;

    e.syms[0] = (TestSym){ "dup", 0x100, SYM_LOCAL_OBJECT, 2 };
    e.syms[1] = (TestSym){ "dup", 0x200, SYM_GLOBAL_OBJECT, 2 };
    e.syms[2] = (TestSym){ "dup", 0x300, SYM_GLOBAL_OBJECT, 2 };
    e.syms[3] = (TestSym){ "loc", 0x400, SYM_LOCAL_OBJECT, 2 };
    e.syms[4] = (TestSym){ "loc", 0x500, SYM_LOCAL_OBJECT, 2 };
    e.nsyms = 5;
    b = elf_build(&e, &lay);
    assert_true(load(f, b, &path, &info, &err));
    assert_true(bb_elf_info_symbol(info, "dup", &v));
    assert_int_equal(v, 0x200);
    assert_true(bb_elf_info_symbol(info, "loc", &v));
    assert_int_equal(v, 0x400);
    g_byte_array_free(b, true);
}

static void load_elf_stripped_has_no_symbols(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *b;
    g_autofree char *path = NULL;
    g_autoptr(BbElfInfo) info = NULL;
    GError *err = NULL;

    e.no_sections = true;
    b = elf_build(&e, &lay);
    assert_true(load(f, b, &path, &info, &err));
    assert_no_error(err);
    assert_false(bb_elf_info_symbol(info, "tohost", NULL));
    g_byte_array_free(b, true);
}

/* ------------------------------------------------- malformed: the file */

static void load_elf_missing_file(void **state)
{
    Fix *f = *state;
    g_autofree char *path = g_build_filename(f->dir, "nope.elf", NULL);
    GError *err = NULL;

    assert_false(bb_load_elf(f->as, path, NULL, &err));
    assert_loader_error(err, BB_ERROR_NOT_FOUND, path, "cannot open");
    g_error_free(err);
}

static void load_elf_directory(void **state)
{
    Fix *f = *state;
    GError *err = NULL;

    assert_false(bb_load_elf(f->as, f->dir, NULL, &err));
    assert_loader_error(err, BB_ERROR_IO, f->dir, "is a directory");
    g_error_free(err);
}

static void load_elf_empty_file(void **state)
{
    Fix *f = *state;
    g_autofree char *path = fix_file(f, "empty.elf", "", 0);
    GError *err = NULL;

    assert_false(bb_load_elf(f->as, path, NULL, &err));
    assert_loader_error(err, BB_ERROR_INVALID, path, "not an ELF file");
    g_error_free(err);
}

static void truncate_header(GByteArray *b, const ElfLayout *lay)
{
    g_byte_array_set_size(b, 40);
}

static void load_elf_truncated_header(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, truncate_header, BB_ERROR_INVALID,
                   "truncated ELF header: the file has 0x28 bytes, the "
                   "header needs 0x40");
}

static void bad_magic(GByteArray *b, const ElfLayout *lay)
{
    b->data[1] = 'X';
}

static void load_elf_bad_magic(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, bad_magic, BB_ERROR_INVALID,
                   "not an ELF file (no \\x7fELF magic)");
}

static void class32(GByteArray *b, const ElfLayout *lay)
{
    b->data[4] = 1;
}

static void load_elf_wrong_class(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, class32, BB_ERROR_INVALID,
                   "ELF class 1 is not ELFCLASS64");
}

static void big_endian(GByteArray *b, const ElfLayout *lay)
{
    b->data[5] = 2;
}

static void load_elf_wrong_endianness(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, big_endian, BB_ERROR_INVALID,
                   "ELF data encoding 2 is not ELFDATA2LSB");
}

static void ident_version(GByteArray *b, const ElfLayout *lay)
{
    b->data[6] = 0;
}

static void load_elf_wrong_ident_version(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, ident_version, BB_ERROR_INVALID,
                   "identification version 0 is not 1");
}

static void machine_x86(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x12, 62);
}

static void load_elf_wrong_machine(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, machine_x86, BB_ERROR_INVALID,
                   "ELF machine 62 is not RISC-V (EM_RISCV, 243)");
}

static void type_dyn(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x10, 3);
}

static void load_elf_not_executable(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, type_dyn, BB_ERROR_INVALID,
                   "ELF type 3 is not an executable (ET_EXEC); "
                   "position-independent images (ET_DYN) are not loaded");
}

static void ehsize_small(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x34, 52);
}

static void load_elf_wrong_header_size(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, ehsize_small, BB_ERROR_INVALID,
                   "header size 0x34 (expected 0x40)");
}

/* --------------------------------------- malformed: program headers */

static void phoff_far(GByteArray *b, const ElfLayout *lay)
{
    put64(b, 0x20, 0x100000);
}

static void load_elf_phdr_table_outside_file(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *b = elf_build(&e, &lay);
    g_autofree char *needle = g_strdup_printf(
        "program header table (2 entries) at file range 0x100000+0x70 "
        "exceeds the file size 0x%x", b->len);

    g_byte_array_free(b, true);
    expect_refused(f, &e, phoff_far, BB_ERROR_INVALID, needle);
}

static void phoff_wraps(GByteArray *b, const ElfLayout *lay)
{
    put64(b, 0x20, UINT64_MAX - 8);
}

static void load_elf_phdr_table_offset_overflow(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, phoff_wraps, BB_ERROR_INVALID,
                   "at file range 0xfffffffffffffff7+0x70 exceeds");
}

static void phnum_huge(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x38, 0xfff0);
}

static void load_elf_huge_phnum(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, phnum_huge, BB_ERROR_INVALID,
                   "program header table (65520 entries) at file range "
                   "0x40+0x37fc80 exceeds the file size");
}

static void phnum_xnum(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x38, 0xffff);
}

static void load_elf_extended_phnum(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, phnum_xnum, BB_ERROR_INVALID,
                   "extended program header numbering");
}

static void phnum_zero(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x38, 0);
}

static void load_elf_no_program_headers(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, phnum_zero, BB_ERROR_INVALID,
                   "has no program headers");
}

static void phentsize_bad(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x36, 32);
}

static void load_elf_wrong_phentsize(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, phentsize_bad, BB_ERROR_INVALID,
                   "program header size 0x20 is not 0x38");
}

static void seg_beyond_file(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 1, P_FILESZ), 0x800);
    put64(b, PH_OFF(lay, 1, P_MEMSZ), 0x800);
}

static void load_elf_segment_outside_file(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *b = elf_build(&e, &lay);
    g_autofree char *needle = g_strdup_printf(
        "program header 1: file range 0x%zx+0x800 exceeds the file size "
        "0x%x", lay.seg_off[1], b->len);

    g_byte_array_free(b, true);
    expect_refused(f, &e, seg_beyond_file, BB_ERROR_INVALID, needle);
}

static void seg_offset_wraps(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 0, P_OFFSET), UINT64_MAX - 0x10);
}

static void load_elf_segment_offset_overflow(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, seg_offset_wraps, BB_ERROR_INVALID,
                   "program header 0: file range 0xffffffffffffffef+0x100 "
                   "exceeds the file size");
}

static void filesz_over_memsz(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 1, P_MEMSZ), 0x8);
}

static void load_elf_filesz_exceeds_memsz(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, filesz_over_memsz, BB_ERROR_INVALID,
                   "program header 1: p_filesz 0x10 exceeds p_memsz 0x8");
}

static void addr_wraps(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 1, P_PADDR), 0xfffffffffffff800ull);
}

static void load_elf_address_overflow(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, addr_wraps, BB_ERROR_INVALID,
                   "program header 1: memory range 0xfffffffffffff800+0x1000"
                   " runs past the end of the address space");
}

static void addr_unmapped(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 1, P_PADDR), 0x40000000);
}

static void load_elf_segment_in_unmapped_memory(void **state)
{
    TestElf e = elf_typical();
    /* Segment 0 is fine, but nothing may be written: RAM stays 0xee. */
    expect_refused(*state, &e, addr_unmapped, BB_ERROR_INVALID,
                   "program header 1: memory range 0x40000000+0x1000 is not "
                   "RAM or ROM (0x40000000 is unmapped)");
}

static void addr_device(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 1, P_PADDR), DEV_BASE + 0x800);
}

static void load_elf_segment_on_a_device(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, addr_device, BB_ERROR_INVALID,
                   "program header 1: memory range 0x10000800+0x1000 is not "
                   "RAM or ROM (0x10000800 is I/O region 'dev')");
}

static void addr_ram_end(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 1, P_PADDR), RAM_BASE + RAM_SIZE - 0x800);
}

static void load_elf_segment_past_end_of_ram(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, addr_ram_end, BB_ERROR_INVALID,
                   "memory range 0x807ff800+0x1000 is not RAM or ROM "
                   "(0x80800000 is unmapped)");
}

static void overlap(GByteArray *b, const ElfLayout *lay)
{
    put64(b, PH_OFF(lay, 1, P_PADDR), RAM_BASE + 0xf0);
}

static void load_elf_overlapping_segments(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, overlap, BB_ERROR_INVALID,
                   "program header 1 (memory 0x800000f0+0x1000) overlaps "
                   "program header 0 (memory 0x80000000+0x100)");
}

static void no_load(GByteArray *b, const ElfLayout *lay)
{
    put32(b, PH_OFF(lay, 0, 0), 4);
    put32(b, PH_OFF(lay, 1, 0), 6);
}

static void load_elf_no_loadable_segments(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, no_load, BB_ERROR_INVALID,
                   "has no loadable (non-empty PT_LOAD) segments");
}

/* ----------------------------------------- malformed: symbol table */

static void symtab_outside(GByteArray *b, const ElfLayout *lay)
{
    put64(b, SH_OFF(lay, 1, SH_SIZE), 24 * 10000);
}

static void load_elf_symtab_outside_file(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, symtab_outside, BB_ERROR_INVALID,
                   "section 1 (symbol table): file range");
}

static void symtab_entsize(GByteArray *b, const ElfLayout *lay)
{
    put64(b, SH_OFF(lay, 1, SH_ENTSIZE), 16);
}

static void load_elf_symtab_bad_entsize(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, symtab_entsize, BB_ERROR_INVALID,
                   "section 1 (symbol table): entry size 0x10");
}

static void symtab_link(GByteArray *b, const ElfLayout *lay)
{
    put32(b, SH_OFF(lay, 1, SH_LINK), 77);
}

static void load_elf_symtab_bad_link(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, symtab_link, BB_ERROR_INVALID,
                   "string table section 77 does not exist (3 sections)");
}

static void strtab_type(GByteArray *b, const ElfLayout *lay)
{
    put32(b, SH_OFF(lay, 1, SH_LINK), 0);
}

static void load_elf_symtab_link_not_strtab(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, strtab_type, BB_ERROR_INVALID,
                   "linked section 0 is not a string table (type 0)");
}

static void strtab_outside(GByteArray *b, const ElfLayout *lay)
{
    put64(b, SH_OFF(lay, 2, SH_OFFSET), 0xfffffffffff0ull);
}

static void load_elf_strtab_outside_file(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, strtab_outside, BB_ERROR_INVALID,
                   "section 2 (string table): file range 0xfffffffffff0+");
}

static void sym_name_outside(GByteArray *b, const ElfLayout *lay)
{
    put32(b, lay->symtab_off + 24 * 2, 0x7fffffff);
}

static void load_elf_symbol_name_outside_strtab(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, sym_name_outside, BB_ERROR_INVALID,
                   "symbol 2: name at 0x7fffffff is not a string inside the "
                   "string table");
}

static void strtab_unterminated(GByteArray *b, const ElfLayout *lay)
{
    /* Cut the string table just before the last name's NUL. */
    uint64_t size = 1 + strlen("tohost") + 1 + strlen("fromhost") + 1 +
                    strlen("_start");
    put64(b, SH_OFF(lay, 2, SH_SIZE), size);
}

static void load_elf_symbol_name_unterminated(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, strtab_unterminated, BB_ERROR_INVALID,
                   "symbol 3: name at 0x11 is not a string");
}

static void shentsize_bad(GByteArray *b, const ElfLayout *lay)
{
    put16(b, 0x3a, 40);
}

static void load_elf_wrong_shentsize(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, shentsize_bad, BB_ERROR_INVALID,
                   "section header table: 3 entries of 0x28 bytes");
}

static void shoff_far(GByteArray *b, const ElfLayout *lay)
{
    put64(b, 0x28, 0x7fff0000);
}

static void load_elf_section_table_outside_file(void **state)
{
    TestElf e = elf_typical();
    expect_refused(*state, &e, shoff_far, BB_ERROR_INVALID,
                   "section header table (3 entries) at file range "
                   "0x7fff0000+0xc0 exceeds the file size");
}

/* ------------------------------------------------------ random damage */

/* Flip bytes of the headers of a good image, many times: every outcome
 * is fine except a crash, a leak or an error without the file's name. */
static void load_elf_survives_random_damage(void **state)
{
    Fix *f = *state;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *good = elf_build(&e, &lay);
    g_autoptr(GRand) rand = g_rand_new_with_seed(20261121);
    g_autofree char *prefix = NULL;
    unsigned loaded = 0;

    for (int iter = 0; iter < 400; iter++) {
        GByteArray *b = g_byte_array_new();
        g_byte_array_append(b, good->data, good->len);
        for (int n = g_rand_int_range(rand, 1, 5); n > 0; n--) {
            /* Mostly the ELF/program headers and the section data. */
            guint32 at = g_rand_boolean(rand)
                             ? g_rand_int_range(rand, 0, 64 + 2 * 56)
                             : g_rand_int_range(rand, 0, (gint32)b->len);
            b->data[at] = (uint8_t)g_rand_int(rand);
        }
        g_autofree char *path = fix_file(f, "fuzz.elf", b->data, b->len);
        g_autoptr(BbElfInfo) info = NULL;
        GError *err = NULL;
        if (bb_load_elf(f->as, path, &info, &err)) {
            assert_non_null(info);
            loaded++;
        } else {
            g_free(prefix);
            prefix = g_strdup_printf("%s: ", path);
            assert_true(g_str_has_prefix(err->message, prefix));
            g_error_free(err);
        }
        g_byte_array_free(b, true);
    }
    assert_true(loaded > 0 && loaded < 400);
    g_byte_array_free(good, true);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(load_elf_typical_image),
        T(load_elf_without_info),
        T(load_elf_into_rom),
        T(load_elf_entry_translated_to_paddr),
        T(load_elf_skips_empty_and_non_load_segments),
        T(elf_info_symbol_absent),
        T(elf_info_symbol_global_beats_local),
        T(load_elf_stripped_has_no_symbols),
        T(load_elf_missing_file),
        T(load_elf_directory),
        T(load_elf_empty_file),
        T(load_elf_truncated_header),
        T(load_elf_bad_magic),
        T(load_elf_wrong_class),
        T(load_elf_wrong_endianness),
        T(load_elf_wrong_ident_version),
        T(load_elf_wrong_machine),
        T(load_elf_not_executable),
        T(load_elf_wrong_header_size),
        T(load_elf_phdr_table_outside_file),
        T(load_elf_phdr_table_offset_overflow),
        T(load_elf_huge_phnum),
        T(load_elf_extended_phnum),
        T(load_elf_no_program_headers),
        T(load_elf_wrong_phentsize),
        T(load_elf_segment_outside_file),
        T(load_elf_segment_offset_overflow),
        T(load_elf_filesz_exceeds_memsz),
        T(load_elf_address_overflow),
        T(load_elf_segment_in_unmapped_memory),
        T(load_elf_segment_on_a_device),
        T(load_elf_segment_past_end_of_ram),
        T(load_elf_overlapping_segments),
        T(load_elf_no_loadable_segments),
        T(load_elf_symtab_outside_file),
        T(load_elf_symtab_bad_entsize),
        T(load_elf_symtab_bad_link),
        T(load_elf_symtab_link_not_strtab),
        T(load_elf_strtab_outside_file),
        T(load_elf_symbol_name_outside_strtab),
        T(load_elf_symbol_name_unterminated),
        T(load_elf_wrong_shentsize),
        T(load_elf_section_table_outside_file),
        T(load_elf_survives_random_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
