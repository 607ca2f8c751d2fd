/*
 * elf.c - the ELF loader (bb_load_elf): 64-bit little-endian RISC-V
 * executables, following the System V gABI's ELF-64 layout (headers are
 * decoded field by field from little-endian bytes, never cast onto
 * structs).  The whole file is validated first - identification, program
 * headers, segment ranges, overlaps, the symbol table - then every
 * segment's placement in guest memory, and only then are segments copied
 * (p_filesz bytes) and zero-filled (up to p_memsz) at their physical
 * addresses.  Symbols (.symtab) are kept for bb_elf_info_symbol(), which
 * the riscv-spike machine uses to find tohost/fromhost.
 */
#include <inttypes.h>
#include <string.h>

#include "loader/loader-internal.h"

#define ELF_EHDR_SIZE 64
#define ELF_PHDR_SIZE 56
#define ELF_SHDR_SIZE 64
#define ELF_SYM_SIZE 24

#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_RISCV 243
#define PN_XNUM 0xffff
#define PT_LOAD 1
#define PF_X 1
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHN_UNDEF 0
#define STB_LOCAL 0
#define STT_SECTION 3
#define STT_FILE 4

/* The fields of the file header the loader uses. */
typedef struct ElfHeader {
    uint16_t type, machine, ehsize;
    uint16_t phentsize, phnum, shentsize, shnum;
    uint32_t version;
    uint64_t entry, phoff, shoff;
} ElfHeader;

/* One non-empty PT_LOAD program header. */
typedef struct ElfSegment {
    unsigned index; /* program header number, for messages */
    uint32_t flags;
    uint64_t offset, vaddr, paddr, filesz, memsz;
} ElfSegment;

/* A defined symbol. */
typedef struct ElfSymbol {
    uint64_t value;
    bool global; /* global or weak binding */
} ElfSymbol;

struct BbElfInfo {
    uint64_t entry;        /* physical entry point */
    uint64_t lowest, end;  /* loaded extent, end exclusive */
    GHashTable *symbols;   /* name -> ElfSymbol */
};

/* ------------------------------------------------------------- header */

static bool elf_check_ident(const LoaderFile *f, const uint8_t *e,
                            GError **error)
{
    if (f->size < 4 || memcmp(e, "\x7f" "ELF", 4) != 0) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "not an ELF file (no \\x7fELF magic)");
        return false;
    }
    if (f->size < ELF_EHDR_SIZE) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "truncated ELF header: the file has 0x%" PRIx64
                     " bytes, the header needs 0x%x", f->size,
                     ELF_EHDR_SIZE);
        return false;
    }
    if (e[4] != ELFCLASS64) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "ELF class %u is not ELFCLASS64 (only 64-bit images "
                     "are loaded)", e[4]);
        return false;
    }
    if (e[5] != ELFDATA2LSB) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "ELF data encoding %u is not ELFDATA2LSB "
                     "(little-endian)", e[5]);
        return false;
    }
    if (e[6] != EV_CURRENT) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "ELF identification version %u is not 1", e[6]);
        return false;
    }
    return true;
}

static bool elf_parse_header(const LoaderFile *f, const uint8_t *e,
                             ElfHeader *h, GError **error)
{
    h->type = loader_le16(e + 0x10);
    h->machine = loader_le16(e + 0x12);
    h->version = loader_le32(e + 0x14);
    h->entry = loader_le64(e + 0x18);
    h->phoff = loader_le64(e + 0x20);
    h->shoff = loader_le64(e + 0x28);
    h->ehsize = loader_le16(e + 0x34);
    h->phentsize = loader_le16(e + 0x36);
    h->phnum = loader_le16(e + 0x38);
    h->shentsize = loader_le16(e + 0x3a);
    h->shnum = loader_le16(e + 0x3c);

    if (h->type != ET_EXEC) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "ELF type %u is not an executable (ET_EXEC)%s", h->type,
                     h->type == ET_DYN ? "; position-independent images "
                                         "(ET_DYN) are not loaded" : "");
        return false;
    }
    if (h->machine != EM_RISCV) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "ELF machine %u is not RISC-V (EM_RISCV, 243)",
                     h->machine);
        return false;
    }
    if (h->version != EV_CURRENT || h->ehsize != ELF_EHDR_SIZE) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "bad ELF header: version %u (expected 1), header size "
                     "0x%x (expected 0x%x)", h->version, h->ehsize,
                     ELF_EHDR_SIZE);
        return false;
    }
    return true;
}

/* ---------------------------------------------------- program headers */

static bool elf_check_phdr_table(const LoaderFile *f, const ElfHeader *h,
                                 GError **error)
{
    if (h->phnum == 0) {
        loader_error(error, BB_ERROR_INVALID, f, "has no program headers");
        return false;
    }
    if (h->phnum == PN_XNUM) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "extended program header numbering (e_phnum 0xffff) "
                     "is not supported");
        return false;
    }
    if (h->phentsize != ELF_PHDR_SIZE) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "program header size 0x%x is not 0x%x", h->phentsize,
                     ELF_PHDR_SIZE);
        return false;
    }
    uint64_t len = (uint64_t)h->phnum * ELF_PHDR_SIZE;
    if (!loader_file_has_range(f, h->phoff, len)) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "program header table (%u entries) at file range "
                     "0x%" PRIx64 "+0x%" PRIx64 " exceeds the file size 0x%"
                     PRIx64, h->phnum, h->phoff, len, f->size);
        return false;
    }
    return true;
}

/* Check one PT_LOAD entry against the file and the address space. */
static bool elf_check_segment(const LoaderFile *f, const ElfSegment *s,
                              GError **error)
{
    if (s->filesz > s->memsz) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "program header %u: p_filesz 0x%" PRIx64
                     " exceeds p_memsz 0x%" PRIx64, s->index, s->filesz,
                     s->memsz);
        return false;
    }
    if (!loader_file_has_range(f, s->offset, s->filesz)) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "program header %u: file range 0x%" PRIx64 "+0x%" PRIx64
                     " exceeds the file size 0x%" PRIx64, s->index,
                     s->offset, s->filesz, f->size);
        return false;
    }
    if (s->memsz > UINT64_MAX - s->paddr) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "program header %u: memory range 0x%" PRIx64 "+0x%"
                     PRIx64 " runs past the end of the address space",
                     s->index, s->paddr, s->memsz);
        return false;
    }
    return true;
}

static gint segment_cmp(gconstpointer a, gconstpointer b)
{
    const ElfSegment *x = a, *y = b;
    return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/* Segments sorted by address may not overlap. */
static bool elf_check_overlaps(const LoaderFile *f, GArray *segs,
                               GError **error)
{
    g_array_sort(segs, segment_cmp);
    for (guint i = 1; i < segs->len; i++) {
        const ElfSegment *a = &g_array_index(segs, ElfSegment, i - 1);
        const ElfSegment *b = &g_array_index(segs, ElfSegment, i);
        if (b->paddr < a->paddr + a->memsz) {
            loader_error(error, BB_ERROR_INVALID, f,
                         "program header %u (memory 0x%" PRIx64 "+0x%" PRIx64
                         ") overlaps program header %u (memory 0x%" PRIx64
                         "+0x%" PRIx64 ")", b->index, b->paddr, b->memsz,
                         a->index, a->paddr, a->memsz);
            return false;
        }
    }
    return true;
}

/* The non-empty PT_LOAD segments, checked, sorted by address. */
static GArray *elf_read_segments(const LoaderFile *f, const ElfHeader *h,
                                 GError **error)
{
    g_autoptr(GArray) segs = g_array_new(false, false, sizeof(ElfSegment));
    size_t len = (size_t)h->phnum * ELF_PHDR_SIZE;
    g_autofree uint8_t *tab = g_malloc(len);

    if (!loader_file_read(f, h->phoff, tab, len, "program header table",
                          error)) {
        return NULL;
    }
    for (unsigned i = 0; i < h->phnum; i++) {
        const uint8_t *p = tab + (size_t)i * ELF_PHDR_SIZE;
        ElfSegment s = {
            .index = i, .flags = loader_le32(p + 4),
            .offset = loader_le64(p + 0x08), .vaddr = loader_le64(p + 0x10),
            .paddr = loader_le64(p + 0x18), .filesz = loader_le64(p + 0x20),
            .memsz = loader_le64(p + 0x28),
        };
        if (loader_le32(p) != PT_LOAD) {
            continue;
        }
        if (!elf_check_segment(f, &s, error)) {
            return NULL;
        }
        if (s.memsz) {
            g_array_append_val(segs, s);
        }
    }
    if (segs->len == 0) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "has no loadable (non-empty PT_LOAD) segments");
        return NULL;
    }
    return elf_check_overlaps(f, segs, error) ? g_steal_pointer(&segs)
                                              : NULL;
}

/* e_entry, moved to the physical address of the code it points at. */
static uint64_t elf_entry(const ElfHeader *h, GArray *segs)
{
    for (guint i = 0; i < segs->len; i++) {
        const ElfSegment *s = &g_array_index(segs, ElfSegment, i);
        if ((s->flags & PF_X) && s->vaddr != s->paddr &&
            h->entry >= s->vaddr && h->entry - s->vaddr < s->memsz) {
            return h->entry - s->vaddr + s->paddr;
        }
    }
    return h->entry;
}

/* ------------------------------------------------------------ symbols */

/* One section header's location fields. */
typedef struct ElfSection {
    uint32_t type, link;
    uint64_t offset, size, entsize;
} ElfSection;

static void elf_section_at(const uint8_t *tab, unsigned i, ElfSection *s)
{
    const uint8_t *p = tab + (size_t)i * ELF_SHDR_SIZE;

    s->type = loader_le32(p + 0x04);
    s->offset = loader_le64(p + 0x18);
    s->size = loader_le64(p + 0x20);
    s->link = loader_le32(p + 0x28);
    s->entsize = loader_le64(p + 0x38);
}

/* Read section @i's contents (after checking they lie in the file). */
static uint8_t *elf_read_section(const LoaderFile *f, const ElfSection *s,
                                 unsigned i, const char *what,
                                 GError **error)
{
    g_autofree char *label = g_strdup_printf("section %u (%s)", i, what);
    uint8_t *data;

    if (!loader_file_has_range(f, s->offset, s->size)) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "%s: file range 0x%" PRIx64 "+0x%" PRIx64
                     " exceeds the file size 0x%" PRIx64, label, s->offset,
                     s->size, f->size);
        return NULL;
    }
    data = g_malloc(s->size + 1);
    if (!loader_file_read(f, s->offset, data, s->size, label, error)) {
        g_free(data);
        return NULL;
    }
    return data;
}

/* Add the symbols of symtab @sym (@count entries) named in @str. */
static bool elf_add_symbols(const LoaderFile *f, GHashTable *table,
                            const uint8_t *sym, uint64_t count,
                            const uint8_t *str, uint64_t str_size,
                            GError **error)
{
    for (uint64_t i = 1; i < count; i++) {
        const uint8_t *p = sym + i * ELF_SYM_SIZE;
        uint32_t name = loader_le32(p);
        uint8_t info = p[4];
        ElfSymbol s = { loader_le64(p + 8), (info >> 4) != STB_LOCAL };

        if (name == 0 || loader_le16(p + 6) == SHN_UNDEF ||
            (info & 0xf) == STT_SECTION || (info & 0xf) == STT_FILE) {
            continue;
        }
        if (name >= str_size || !memchr(str + name, 0, str_size - name)) {
            loader_error(error, BB_ERROR_INVALID, f,
                         "symbol %" PRIu64 ": name at 0x%x is not a string "
                         "inside the string table (0x%" PRIx64 " bytes)",
                         i, name, str_size);
            return false;
        }
        const char *key = (const char *)str + name;
        const ElfSymbol *old = g_hash_table_lookup(table, key);
        if (!old || (s.global && !old->global)) {
            ElfSymbol *copy = g_new(ElfSymbol, 1);
            *copy = s;
            g_hash_table_replace(table, g_strdup(key), copy);
        }
    }
    return true;
}

/* Load the first SHT_SYMTAB of section table @tab into @table. */
static bool elf_read_symtab(const LoaderFile *f, const uint8_t *tab,
                            unsigned shnum, GHashTable *table,
                            GError **error)
{
    ElfSection sym, str;
    unsigned i;

    for (i = 0; i < shnum; i++) {
        elf_section_at(tab, i, &sym);
        if (sym.type == SHT_SYMTAB) {
            break;
        }
    }
    if (i == shnum) {
        return true; /* stripped: no symbols */
    }
    if (sym.entsize != ELF_SYM_SIZE || sym.size % ELF_SYM_SIZE) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "section %u (symbol table): entry size 0x%" PRIx64
                     " and size 0x%" PRIx64 " do not describe 0x%x-byte "
                     "symbols", i, sym.entsize, sym.size, ELF_SYM_SIZE);
        return false;
    }
    if (sym.link >= shnum) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "section %u (symbol table): string table section %u "
                     "does not exist (%u sections)", i, sym.link, shnum);
        return false;
    }
    elf_section_at(tab, sym.link, &str);
    if (str.type != SHT_STRTAB) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "section %u (symbol table): linked section %u is not a "
                     "string table (type %u)", i, sym.link, str.type);
        return false;
    }
    g_autofree uint8_t *syms = elf_read_section(f, &sym, i, "symbol table",
                                                error);
    g_autofree uint8_t *strs = syms ? elf_read_section(f, &str, sym.link,
                                                       "string table", error)
                                    : NULL;
    return strs && elf_add_symbols(f, table, syms, sym.size / ELF_SYM_SIZE,
                                   strs, str.size, error);
}

static bool elf_read_symbols(const LoaderFile *f, const ElfHeader *h,
                             GHashTable *table, GError **error)
{
    if (h->shoff == 0) {
        return true; /* no section headers */
    }
    if (h->shnum == 0 || h->shentsize != ELF_SHDR_SIZE) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "section header table: %u entries of 0x%x bytes (need "
                     "0x%x-byte entries; extended numbering is not "
                     "supported)", h->shnum, h->shentsize, ELF_SHDR_SIZE);
        return false;
    }
    uint64_t len = (uint64_t)h->shnum * ELF_SHDR_SIZE;
    if (!loader_file_has_range(f, h->shoff, len)) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "section header table (%u entries) at file range 0x%"
                     PRIx64 "+0x%" PRIx64 " exceeds the file size 0x%" PRIx64,
                     h->shnum, h->shoff, len, f->size);
        return false;
    }
    g_autofree uint8_t *tab = g_malloc(len);
    return loader_file_read(f, h->shoff, tab, len, "section header table",
                            error) &&
           elf_read_symtab(f, tab, h->shnum, table, error);
}

/* ------------------------------------------------------------ loading */

static char *segment_label(const ElfSegment *s)
{
    return g_strdup_printf("program header %u", s->index);
}

static bool elf_place(BbAddressSpace *as, const LoaderFile *f, GArray *segs,
                      GError **error)
{
    for (guint i = 0; i < segs->len; i++) {
        const ElfSegment *s = &g_array_index(segs, ElfSegment, i);
        g_autofree char *what = segment_label(s);
        if (!loader_check_placement(as, f, what, s->paddr, s->memsz, error)) {
            return false;
        }
    }
    for (guint i = 0; i < segs->len; i++) {
        const ElfSegment *s = &g_array_index(segs, ElfSegment, i);
        g_autofree char *what = segment_label(s);
        if (!loader_copy(as, f, s->offset, s->paddr, s->filesz, what,
                         error) ||
            !loader_zero(as, f, s->paddr + s->filesz, s->memsz - s->filesz,
                         what, error)) {
            return false;
        }
    }
    return true;
}

static BbElfInfo *elf_info_new(const ElfHeader *h, GArray *segs)
{
    BbElfInfo *info = g_new0(BbElfInfo, 1);

    info->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          g_free);
    info->entry = elf_entry(h, segs);
    info->lowest = g_array_index(segs, ElfSegment, 0).paddr;
    for (guint i = 0; i < segs->len; i++) {
        const ElfSegment *s = &g_array_index(segs, ElfSegment, i);
        info->end = MAX(info->end, s->paddr + s->memsz);
    }
    return info;
}

static bool elf_load(BbAddressSpace *as, const LoaderFile *f,
                     BbElfInfo **info_out, GError **error)
{
    uint8_t ehdr[ELF_EHDR_SIZE] = { 0 };
    ElfHeader h;

    if (!loader_file_read(f, 0, ehdr, MIN(f->size, sizeof(ehdr)),
                          "ELF header", error) ||
        !elf_check_ident(f, ehdr, error) ||
        !elf_parse_header(f, ehdr, &h, error) ||
        !elf_check_phdr_table(f, &h, error)) {
        return false;
    }
    g_autoptr(GArray) segs = elf_read_segments(f, &h, error);
    if (!segs) {
        return false;
    }
    g_autoptr(BbElfInfo) info = elf_info_new(&h, segs);
    if (!elf_read_symbols(f, &h, info->symbols, error) ||
        !elf_place(as, f, segs, error)) {
        return false;
    }
    if (info_out) {
        *info_out = g_steal_pointer(&info);
    }
    return true;
}

bool bb_load_elf(BbAddressSpace *as, const char *path, BbElfInfo **info,
                 GError **error)
{
    LoaderFile f;

    g_return_val_if_fail(as != NULL && path != NULL, false);
    if (!loader_file_open(&f, path, error)) {
        return false;
    }
    bool ok = elf_load(as, &f, info, error);
    loader_file_close(&f);
    return ok;
}

/* ---------------------------------------------------------- accessors */

uint64_t bb_elf_info_entry(const BbElfInfo *info)
{
    g_return_val_if_fail(info != NULL, 0);
    return info->entry;
}

void bb_elf_info_get_extent(const BbElfInfo *info, uint64_t *lowest,
                            uint64_t *end)
{
    g_return_if_fail(info != NULL);
    if (lowest) {
        *lowest = info->lowest;
    }
    if (end) {
        *end = info->end;
    }
}

bool bb_elf_info_symbol(const BbElfInfo *info, const char *name,
                        uint64_t *value)
{
    g_return_val_if_fail(info != NULL && name != NULL, false);

    const ElfSymbol *s = g_hash_table_lookup(info->symbols, name);
    if (s && value) {
        *value = s->value;
    }
    return s != NULL;
}

void bb_elf_info_free(BbElfInfo *info)
{
    if (info) {
        g_hash_table_destroy(info->symbols);
        g_free(info);
    }
}
