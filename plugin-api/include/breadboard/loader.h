/*
 * loader.h - loading guest images (ELF executables, raw binaries, Linux
 * RISC-V Image kernels) into guest memory, for machine plugins.
 *
 * Image files are hostile input: every header field, offset, size and
 * count is checked against the file before anything is used, arithmetic
 * that could overflow is refused, and an image is only written to guest
 * memory once all of it has been checked and every byte it would occupy
 * was found to be RAM or ROM of the address space (never a device, never
 * a hole).  RAM is written with bb_address_space_write(); ROM, which
 * ignores guest writes, is filled from the host side like
 * bb_memory_region_write_rom() does.  Errors are in the BB_LOADER_ERROR
 * domain and their messages start with the file's path as given, then
 * say what is wrong, with offsets and sizes in hex (ranges as
 * START+LENGTH, which cannot overflow when printed):
 *   "boot.elf: program header 3: file range 0x40+0x1000 exceeds the file
 *    size 0x800"
 * Codes: BB_ERROR_NOT_FOUND (no such file), BB_ERROR_IO (not a regular
 * file, read failure), BB_ERROR_INVALID (malformed image, or it does not
 * fit where it must go).
 *
 * The formats and where they land (reference/hardware.md section 5):
 *   ELF    64-bit little-endian RISC-V executables (ET_EXEC).  Every
 *          PT_LOAD segment is placed at its *physical* address p_paddr
 *          (as QEMU does for -bios and -kernel ELF files): p_filesz bytes
 *          from the file, then zeros up to p_memsz.  Segments may not
 *          overlap.  The entry point is e_entry, translated to physical
 *          when it lies in a segment whose p_vaddr differs from p_paddr.
 *   raw    the whole file at a given address, up to a size limit.
 *   Linux  a RISC-V "Image" (64-byte header with "RSC\x05" at 0x38, or
 *          the older "RISCV\0\0\0" at 0x30): loaded 2 MiB-aligned at
 *          RAM base + text_offset (or higher, see
 *          bb_load_linux_image()); RAM must hold image_size bytes there,
 *          BSS included.
 */
#ifndef BREADBOARD_LOADER_H
#define BREADBOARD_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/error.h>
#include <breadboard/memory.h>

G_BEGIN_DECLS

/**
 * bb_loader_error_quark() - error domain of the image loaders.
 * Since: ABI 1.3
 */
BB_API GQuark bb_loader_error_quark(void);
#define BB_LOADER_ERROR (bb_loader_error_quark())

/**
 * enum BbImageFormat - what bb_image_detect() found.
 * @BB_IMAGE_ERROR: the file could not be read (the error says why).
 * @BB_IMAGE_RAW: neither of the below: a raw binary.
 * @BB_IMAGE_ELF: starts with the ELF magic (it may still be malformed).
 * @BB_IMAGE_LINUX: a Linux RISC-V Image header.
 * Since: ABI 1.3
 */
typedef enum {
    BB_IMAGE_ERROR = 0,
    BB_IMAGE_RAW,
    BB_IMAGE_ELF,
    BB_IMAGE_LINUX,
} BbImageFormat;

/**
 * BB_LINUX_IMAGE_ALIGN - the alignment bb_load_linux_image() places RV64
 * kernels at (2 MiB).
 * Since: ABI 1.3
 */
#define BB_LINUX_IMAGE_ALIGN 0x200000u

/**
 * bb_image_detect() - tell an image's format from its first bytes.
 * @path: the file.
 * @error: set when the file cannot be opened or read (BB_IMAGE_ERROR).
 *
 * Only the magic numbers are looked at: "\x7fELF" at 0 is ELF, the Image
 * magic "RSC\x05" at 0x38 or "RISCV\0\0\0" at 0x30 (in a file of at least
 * 64 bytes) is a Linux Image, anything else - including an empty file -
 * is raw.  The loaders check the rest.
 * Return: the format, or BB_IMAGE_ERROR.
 * Since: ABI 1.3
 */
BB_API BbImageFormat bb_image_detect(const char *path, GError **error);

/** bb_image_format_name() - "raw", "ELF", "Linux Image"; "error" for
 * BB_IMAGE_ERROR.  Since: ABI 1.3 */
BB_API const char *bb_image_format_name(BbImageFormat format);

/* ------------------------------------------------------------------ ELF */

/**
 * typedef BbElfInfo - what bb_load_elf() learnt about an image: entry
 * point, extent of the loaded bytes and the symbol table.  Opaque; free
 * with bb_elf_info_free().
 * Since: ABI 1.3
 */
typedef struct BbElfInfo BbElfInfo;

/**
 * bb_load_elf() - load an ELF64 RISC-V executable into @as.
 * @as: the address space (normally the system's).
 * @path: the file.
 * @info: if not NULL, set to a new BbElfInfo on success.
 * @error: the file's path and what is wrong with it (see the top of this
 *   header).  Nothing has been written to @as when the contents or the
 *   placement are refused; only a file that shrinks or fails to read
 *   while its segments are copied can leave part of it written.
 *
 * Checked: the identification (magic, 64-bit, little-endian, version 1),
 * ET_EXEC, EM_RISCV, header sizes, the program header table lying inside
 * the file (with e_phnum below 0xffff: extended numbering is refused),
 * each PT_LOAD's file range inside the file, p_filesz <= p_memsz,
 * p_paddr + p_memsz not passing 2^64 - 1, no two segments overlapping,
 * at least one non-empty segment, every byte of every segment being RAM
 * or ROM in @as; and, when the file has section headers, the section
 * table, the symbol table and its string table lying inside the file
 * with well-formed entries.  Symbols are read from the first SHT_SYMTAB
 * section; a file without one (stripped) loads with no symbols.
 * Return: true on success.
 * Since: ABI 1.3
 */
BB_API bool bb_load_elf(BbAddressSpace *as, const char *path,
                        BbElfInfo **info, GError **error);

/**
 * bb_elf_info_entry() - the entry point: e_entry, translated from virtual
 * to physical when it lies in an executable segment whose p_vaddr differs
 * from p_paddr (so it is where the code was loaded).
 * Since: ABI 1.3
 */
BB_API uint64_t bb_elf_info_entry(const BbElfInfo *info);

/**
 * bb_elf_info_get_extent() - the physical addresses the image occupies.
 * @lowest: set to the first byte of the lowest segment (may be NULL).
 * @end: set to one past the last byte of the highest segment, BSS
 *   included (may be NULL).  Gaps between segments are not loaded.
 * Since: ABI 1.3
 */
BB_API void bb_elf_info_get_extent(const BbElfInfo *info, uint64_t *lowest,
                                   uint64_t *end);

/**
 * bb_elf_info_symbol() - look up a defined symbol of the image.
 * @name: symbol name, e.g. "tohost".
 * @value: set to its st_value (a link-time address; for bare-metal
 *   images linked where they load, also the physical address - Spike and
 *   QEMU's spike machine use it as such) when found.
 *
 * Undefined symbols, section and file symbols are not looked at.  When a
 * name occurs several times, a global (or weak) definition wins over
 * local ones, and otherwise the first in the table.
 * Return: whether the symbol exists.
 * Since: ABI 1.3
 */
BB_API bool bb_elf_info_symbol(const BbElfInfo *info, const char *name,
                               uint64_t *value);

/** bb_elf_info_free() - free (NULL accepted).  Since: ABI 1.3 */
BB_API void bb_elf_info_free(BbElfInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(BbElfInfo, bb_elf_info_free)

/* -------------------------------------------------------- raw and Linux */

/**
 * bb_load_raw() - copy a whole file to @addr in @as.
 * @max_size: the largest file accepted (UINT64_MAX: no limit beyond the
 *   memory at @addr).
 * @size: if not NULL, set to the file's size on success.
 * @error: an empty file, a file larger than @max_size, or a range
 *   [@addr, @addr + size) that is not all RAM/ROM is an error naming the
 *   file; nothing is written then.
 * Return: true on success.
 * Since: ABI 1.3
 */
BB_API bool bb_load_raw(BbAddressSpace *as, const char *path, uint64_t addr,
                        uint64_t max_size, uint64_t *size, GError **error);

/**
 * bb_load_linux_image() - load a Linux RISC-V Image kernel.
 * @ram_base: start of the RAM the kernel runs in.
 * @min_addr: lowest address the kernel may start at (the end of the
 *   firmware below it; @ram_base when there is none).
 * @load_addr: if not NULL, set to where the image was loaded (its entry
 *   point).
 * @end: if not NULL, set to one past the image's last byte, BSS
 *   included.
 *
 * The header (64 bytes, little-endian; hardware.md section 5.7) must
 * carry the magic, a little-endian flag (flags bit 0 clear) and a
 * text_offset.  The kernel goes at
 *   round_up(max(@ram_base + text_offset, @min_addr), 2 MiB)
 * (so 0x8020_0000 for a 6.1 kernel and RAM at 0x8000_0000, as QEMU
 * places it) and occupies max(image_size, file size) bytes there, all of
 * which must be RAM.
 * Return: true on success.
 * Since: ABI 1.3
 */
BB_API bool bb_load_linux_image(BbAddressSpace *as, const char *path,
                                uint64_t ram_base, uint64_t min_addr,
                                uint64_t *load_addr, uint64_t *end,
                                GError **error);

G_END_DECLS

#endif /* BREADBOARD_LOADER_H */
