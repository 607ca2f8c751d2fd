/*
 * elf-descriptor.c - read a plugin's BbPluginDescriptor straight from its
 * ELF file, without loading it (elf-descriptor.h).
 *
 * dlopen() runs a shared object's constructors (and those of every library
 * it pulls in), so scanning a directory of plugins by opening them would
 * run code from each one, including plugins that end up refused.  Instead
 * we parse the file with libelf: find the exported descriptor symbol in
 * .dynsym, map its virtual address to file bytes through the PT_LOAD
 * program headers, and follow its pointers.  In a position-independent
 * object those pointers are not in the file's bytes but in dynamic
 * relocations (R_*_RELATIVE, whose addend is the target address, or an
 * absolute relocation against a symbol defined in the same file), so the
 * relocation sections are indexed by the address they patch first.
 *
 * The file may be corrupt or hostile: every offset, size and count read
 * from it is checked against the file before use, strings must end within
 * their segment and within a length cap, and lists are capped, so a bad
 * file yields a refusal message and never an out-of-bounds read.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <breadboard/error.h>

#include "plugin/elf-descriptor.h"

/* The host's own ELF flavour: a plugin must match it to be loadable. */
#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#define RELOC_RELATIVE R_X86_64_RELATIVE
#define RELOC_ABS R_X86_64_64
#define RELOC_GLOB_DAT R_X86_64_GLOB_DAT
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#define RELOC_RELATIVE R_AARCH64_RELATIVE
#define RELOC_ABS R_AARCH64_ABS64
#define RELOC_GLOB_DAT R_AARCH64_GLOB_DAT
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_MACHINE EM_RISCV
#define RELOC_RELATIVE R_RISCV_RELATIVE
#define RELOC_ABS R_RISCV_64
#define RELOC_GLOB_DAT R_RISCV_64 /* RISC-V has no separate GLOB_DAT */
#else
#error "elf-descriptor.c: add this host's ELF machine and relocation types"
#endif

#if UINTPTR_MAX == UINT64_MAX
#define HOST_CLASS ELFCLASS64
#define EHDR_SIZE sizeof(Elf64_Ehdr)
#else
#define HOST_CLASS ELFCLASS32
#define EHDR_SIZE sizeof(Elf32_Ehdr)
#endif
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define HOST_DATA ELFDATA2LSB
#else
#define HOST_DATA ELFDATA2MSB
#endif

/* Caps on what a descriptor may point to: generous for real plugins,
 * small enough that a hostile file cannot make the host allocate much. */
#define MAX_STRING 4096
#define MAX_TYPES 1024
#define MAX_RELOCS (1u << 22)
#define MAX_LOADS 64

typedef struct Segment {
    uint64_t vaddr, memsz, offset, filesz;
} Segment;

/* A resolved dynamic relocation: the value the loader would store. */
typedef struct Reloc {
    bool resolved; /* false: refers to a symbol defined elsewhere */
    uint64_t value;
} Reloc;

typedef struct ElfFile {
    const char *path;
    Elf *elf;
    const uint8_t *image; /* the whole file, mapped by libelf */
    size_t size;
    Segment loads[MAX_LOADS];
    unsigned n_loads;
    GHashTable *relocs; /* target vaddr (uint64_t *) -> Reloc * */
    bool relocs_loaded;
} ElfFile;

static GError *io_error(const ElfFile *f, const char *what)
{
    return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_IO,
                       "cannot load plugin: %s: %s", f->path, what);
}

static GError *malformed(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static GError *malformed(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_autofree char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                       "malformed plugin descriptor: %s", what);
}

/* ------------------------------------------------ address translation */

/*
 * Copy @len bytes at virtual address @vaddr into @out.  Bytes past a
 * segment's file size but within its memory size are zero (.bss).  Fails
 * if any byte lies outside every PT_LOAD segment.
 */
static bool read_vaddr(const ElfFile *f, uint64_t vaddr, void *out,
                       size_t len)
{
    for (unsigned i = 0; i < f->n_loads; i++) {
        const Segment *s = &f->loads[i];
        if (vaddr < s->vaddr || vaddr - s->vaddr > s->memsz ||
            len > s->memsz - (vaddr - s->vaddr)) {
            continue;
        }
        uint64_t rel = vaddr - s->vaddr;
        size_t in_file = 0;
        if (rel < s->filesz) {
            in_file = MIN((uint64_t)len, s->filesz - rel);
            memcpy(out, f->image + s->offset + rel, in_file);
        }
        memset((uint8_t *)out + in_file, 0, len - in_file);
        return true;
    }
    return false;
}

/*
 * The pointer the dynamic loader would store at @vaddr: a relocation's
 * result if one targets it, else the word in the file (a non-PIC object,
 * or a REL/RELR relocation whose addend is that word; the load base does
 * not matter here since we only follow addresses back into the file).
 */
static GError *read_pointer(const ElfFile *f, uint64_t vaddr,
                            const char *field, uint64_t *out)
{
    const Reloc *r = g_hash_table_lookup(f->relocs, &vaddr);
    uint64_t word = 0;

    if (r) {
        if (!r->resolved) {
            return malformed("field '%s' points to a symbol outside the "
                             "plugin",
                             field);
        }
        *out = r->value;
        return NULL;
    }
    if (!read_vaddr(f, vaddr, &word, sizeof(void *))) {
        return malformed("field '%s' lies outside the file's segments",
                         field);
    }
    *out = word;
    return NULL;
}

/* The NUL-terminated string at @vaddr, or NULL for address 0. */
static GError *read_string(const ElfFile *f, uint64_t vaddr,
                           const char *field, char **out)
{
    *out = NULL;
    if (!vaddr) {
        return NULL;
    }
    for (unsigned i = 0; i < f->n_loads; i++) {
        const Segment *s = &f->loads[i];
        if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz) {
            continue;
        }
        const char *p = (const char *)f->image + s->offset +
                        (vaddr - s->vaddr);
        size_t avail = MIN(s->filesz - (vaddr - s->vaddr),
                           (uint64_t)MAX_STRING);
        const char *nul = memchr(p, 0, avail);
        if (!nul) {
            return malformed("string '%s' is not terminated within %u "
                             "bytes",
                             field, MAX_STRING);
        }
        if (!g_utf8_validate(p, nul - p, NULL)) {
            return malformed("string '%s' is not valid UTF-8", field);
        }
        *out = g_strndup(p, nul - p);
        return NULL;
    }
    return malformed("field '%s' points outside the file's segments",
                     field);
}

/* ------------------------------------------------------ ELF structure */

static GError *load_segments(ElfFile *f)
{
    size_t n;

    if (elf_getphdrnum(f->elf, &n) != 0) {
        return io_error(f, "cannot read program headers");
    }
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(f->elf, (int)i, &ph)) {
            return io_error(f, "cannot read program headers");
        }
        if (ph.p_type != PT_LOAD) {
            continue;
        }
        if (f->n_loads == MAX_LOADS) {
            return io_error(f, "too many PT_LOAD segments");
        }
        if (ph.p_offset > f->size || ph.p_filesz > f->size - ph.p_offset ||
            ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr) {
            return io_error(f, "a PT_LOAD segment lies outside the file");
        }
        f->loads[f->n_loads++] = (Segment){ ph.p_vaddr, ph.p_memsz,
                                            ph.p_offset, ph.p_filesz };
    }
    if (!f->n_loads) {
        return io_error(f, "no loadable segments");
    }
    return NULL;
}

/* The symbol @index of the symbol table in section @symtab. */
static bool get_symbol(ElfFile *f, size_t symtab, uint64_t index,
                       GElf_Sym *sym)
{
    Elf_Scn *scn = elf_getscn(f->elf, symtab);
    GElf_Shdr sh;
    Elf_Data *data;

    if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM ||
        !sh.sh_entsize || !(data = elf_getdata(scn, NULL))) {
        return false;
    }
    if (index > INT_MAX || index >= sh.sh_size / sh.sh_entsize) {
        return false;
    }
    return gelf_getsym(data, (int)index, sym) != NULL;
}

static void add_reloc(ElfFile *f, uint64_t where, bool resolved,
                      uint64_t value)
{
    uint64_t *key = g_new(uint64_t, 1);
    Reloc *r = g_new(Reloc, 1);

    *key = where;
    r->resolved = resolved;
    r->value = value;
    g_hash_table_replace(f->relocs, key, r);
}

/* Index the RELA sections' pointer relocations by target address. */
static GError *load_relocs(ElfFile *f)
{
    Elf_Scn *scn = NULL;
    size_t total = 0;

    while ((scn = elf_nextscn(f->elf, scn))) {
        GElf_Shdr sh;
        Elf_Data *data;
        if (!gelf_getshdr(scn, &sh)) {
            return io_error(f, "cannot read section headers");
        }
        if (sh.sh_type != SHT_RELA) {
            continue;
        }
        if (!sh.sh_entsize || !(data = elf_getdata(scn, NULL))) {
            return io_error(f, "cannot read a relocation section");
        }
        size_t n = data->d_size / sh.sh_entsize;
        if (n > MAX_RELOCS || total + n > MAX_RELOCS) {
            return io_error(f, "too many relocations");
        }
        total += n;
        for (size_t i = 0; i < n; i++) {
            GElf_Rela rela;
            GElf_Sym sym;
            if (!gelf_getrela(data, (int)i, &rela)) {
                return io_error(f, "cannot read a relocation");
            }
            uint64_t type = GELF_R_TYPE(rela.r_info);
            uint64_t symi = GELF_R_SYM(rela.r_info);
            if (type == RELOC_RELATIVE) {
                add_reloc(f, rela.r_offset, true, rela.r_addend);
            } else if (type == RELOC_ABS || type == RELOC_GLOB_DAT) {
                bool defined = get_symbol(f, sh.sh_link, symi, &sym) &&
                               sym.st_shndx != SHN_UNDEF;
                add_reloc(f, rela.r_offset, defined,
                          defined ? sym.st_value + rela.r_addend : 0);
            }
        }
    }
    return NULL;
}

/* Find the descriptor's address and size in .dynsym. */
static GError *find_descriptor(ElfFile *f, uint64_t *addr, uint64_t *size)
{
    Elf_Scn *scn = NULL;

    while ((scn = elf_nextscn(f->elf, scn))) {
        GElf_Shdr sh;
        Elf_Data *data;
        if (!gelf_getshdr(scn, &sh)) {
            return io_error(f, "cannot read section headers");
        }
        if (sh.sh_type != SHT_DYNSYM) {
            continue;
        }
        if (!sh.sh_entsize || !(data = elf_getdata(scn, NULL))) {
            return io_error(f, "cannot read the dynamic symbol table");
        }
        size_t n = data->d_size / sh.sh_entsize;
        for (size_t i = 1; i < n && i <= INT_MAX; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym)) {
                return io_error(f, "cannot read the dynamic symbol table");
            }
            const char *name = elf_strptr(f->elf, sh.sh_link, sym.st_name);
            if (!name || strcmp(name, BB_PLUGIN_DESCRIPTOR_SYMBOL) ||
                sym.st_shndx == SHN_UNDEF) {
                continue;
            }
            if (GELF_ST_TYPE(sym.st_info) != STT_OBJECT) {
                return malformed("'%s' is not a data object",
                                 BB_PLUGIN_DESCRIPTOR_SYMBOL);
            }
            *addr = sym.st_value;
            *size = sym.st_size;
            return NULL;
        }
    }
    return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                       "not a breadboard plugin: no '%s' symbol (define one "
                       "with BB_PLUGIN_DEFINE)",
                       BB_PLUGIN_DESCRIPTOR_SYMBOL);
}

/* ------------------------------------------------------- descriptor */

#define FIELD_ADDR(base, field) ((base) + offsetof(BbPluginDescriptor, field))

static GError *read_fields(ElfFile *f, uint64_t base,
                           ElfDescriptor *out)
{
    uint64_t p, types;
    GError *err;

    static const struct {
        size_t offset;
        const char *name;
        size_t out;
    } strings[] = {
        { offsetof(BbPluginDescriptor, name), "name",
          offsetof(ElfDescriptor, name) },
        { offsetof(BbPluginDescriptor, version), "version",
          offsetof(ElfDescriptor, version) },
        { offsetof(BbPluginDescriptor, license), "license",
          offsetof(ElfDescriptor, license) },
        { offsetof(BbPluginDescriptor, description), "description",
          offsetof(ElfDescriptor, description) },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(strings); i++) {
        char **dst = (char **)((char *)out + strings[i].out);
        if ((err = read_pointer(f, base + strings[i].offset, strings[i].name,
                                &p)) ||
            (err = read_string(f, p, strings[i].name, dst))) {
            return err;
        }
    }
    if ((err = read_pointer(f, FIELD_ADDR(base, init), "init", &p))) {
        return err;
    }
    out->has_init = p != 0;
    if ((err = read_pointer(f, FIELD_ADDR(base, types), "types", &types))) {
        return err;
    }
    if (!types) {
        return NULL;
    }
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    for (unsigned i = 0;; i++) {
        char *t;
        if (i == MAX_TYPES) {
            return malformed("more than %u types", MAX_TYPES);
        }
        if ((err = read_pointer(f, types + (uint64_t)i * sizeof(void *),
                                "types[]", &p))) {
            return err;
        }
        if (!p) {
            break;
        }
        if ((err = read_string(f, p, "types[]", &t))) {
            return err;
        }
        g_ptr_array_add(list, t);
    }
    g_ptr_array_add(list, NULL);
    out->types = (char **)g_ptr_array_free(g_steal_pointer(&list), false);
    return NULL;
}

static GError *read_rest(ElfFile *f, uint64_t addr, uint64_t size,
                         ElfDescriptor *out);

static GError *read_file(ElfFile *f, ElfDescriptor *out)
{
    GError *err;
    uint64_t addr = 0, size = 0;
    BbPluginDescriptor raw;

    /* The same words as the dynamic loader's, for the same faults. */
    if (f->size < EHDR_SIZE) {
        return io_error(f, "file too short");
    }
    if (memcmp(f->image, ELFMAG, SELFMAG)) {
        return io_error(f, "invalid ELF header");
    }
    if (f->image[EI_CLASS] != HOST_CLASS || f->image[EI_DATA] != HOST_DATA) {
        return io_error(f, "wrong ELF class or byte order for this host");
    }
    GElf_Ehdr eh;
    if (elf_kind(f->elf) != ELF_K_ELF || !gelf_getehdr(f->elf, &eh)) {
        return io_error(f, "file too short");
    }
    if (eh.e_machine != HOST_MACHINE) {
        return io_error(f, "built for another machine architecture");
    }
    if (eh.e_type != ET_DYN) {
        return io_error(f, "not a shared object");
    }
    if ((err = load_segments(f)) || (err = find_descriptor(f, &addr, &size))) {
        return err;
    }
    /* Magic and ABI come first and sit at the same offsets in every ABI. */
    size_t header = offsetof(BbPluginDescriptor, size);
    memset(&raw, 0, sizeof(raw));
    if (size < header || !read_vaddr(f, addr, &raw, header)) {
        return malformed("'%s' is too small or lies outside the file",
                         BB_PLUGIN_DESCRIPTOR_SYMBOL);
    }
    out->magic = raw.magic;
    out->abi_major = raw.abi_major;
    out->abi_minor = raw.abi_minor;
    if (raw.magic != BB_PLUGIN_MAGIC) {
        return NULL; /* the caller refuses it from these fields */
    }
    /* A compatible ABI: the rest of the layout is ours.  Another one is
     * refused by the caller, but the name and types are still worth
     * reading the way our layout has them (it has not changed since 1.0)
     * to name the refused plugin in "not found" messages. */
    bool ours = raw.abi_major == BB_ABI_MAJOR && raw.abi_minor <= BB_ABI_MINOR;
    if (!ours) {
        ElfDescriptor hint = { 0 };
        if (!read_rest(f, addr, size, &hint)) {
            out->name = g_steal_pointer(&hint.name);
            out->types = g_steal_pointer(&hint.types);
            out->hint_only = true;
        }
        elf_descriptor_clear(&hint);
        return NULL;
    }
    err = read_rest(f, addr, size, out);
    out->fields_read = !err;
    return err;
}

/* Everything after the ABI fields, laid out as this host's ABI has it. */
static GError *read_rest(ElfFile *f, uint64_t addr, uint64_t size,
                         ElfDescriptor *out)
{
    uint32_t declared;
    GError *err;

    /* The pointers are followed by address, so the symbol must cover them
     * all: a shorter one would have us read its neighbours. */
    if (size < offsetof(BbPluginDescriptor, reserved)) {
        return malformed("symbol '%s' is only %" G_GUINT64_FORMAT " bytes",
                         BB_PLUGIN_DESCRIPTOR_SYMBOL, size);
    }
    if (!read_vaddr(f, FIELD_ADDR(addr, size), &declared, sizeof(declared))) {
        return malformed("'%s' lies outside the file",
                         BB_PLUGIN_DESCRIPTOR_SYMBOL);
    }
    out->size = declared;
    if (!f->relocs_loaded && (err = load_relocs(f))) {
        return err;
    }
    f->relocs_loaded = true;
    return read_fields(f, addr, out);
}

bool elf_descriptor_read(const char *path, ElfDescriptor *out,
                         GError **error)
{
    ElfFile f = { .path = path };
    struct stat st;
    GError *err = NULL;
    int fd;

    memset(out, 0, sizeof(*out));
    if (elf_version(EV_CURRENT) == EV_NONE) {
        g_set_error(error, BB_PLUGIN_ERROR, BB_ERROR_IO,
                    "cannot load plugin: libelf is unusable: %s",
                    elf_errmsg(-1));
        return false;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        g_set_error(error, BB_PLUGIN_ERROR, BB_ERROR_IO,
                    "cannot load plugin: %s: %s", path, g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    if (st.st_size < (off_t)EHDR_SIZE) {
        err = io_error(&f, "file too short");
    } else if (!(f.elf = elf_begin(fd, ELF_C_READ_MMAP, NULL)) ||
               !(f.image = (const uint8_t *)elf_rawfile(f.elf, &f.size))) {
        err = io_error(&f, "cannot map the file");
    } else {
        f.relocs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                         g_free);
        err = read_file(&f, out);
        g_hash_table_unref(f.relocs);
    }
    if (f.elf) {
        elf_end(f.elf);
    }
    close(fd);
    if (err) {
        g_propagate_error(error, err);
        return false;
    }
    return true;
}

void elf_descriptor_clear(ElfDescriptor *d)
{
    g_clear_pointer(&d->name, g_free);
    g_clear_pointer(&d->version, g_free);
    g_clear_pointer(&d->license, g_free);
    g_clear_pointer(&d->description, g_free);
    g_clear_pointer(&d->types, g_strfreev);
}
