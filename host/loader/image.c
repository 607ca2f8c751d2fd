/*
 * image.c - raw binaries, Linux RISC-V Image kernels and format detection
 * (loader.h).  The Image header is the 64-byte little-endian one of the
 * kernel's Documentation/riscv/boot-image-header.rst (summarised in
 * reference/hardware.md section 5.7); placement follows QEMU's for
 * -kernel (section 5.1): 2 MiB-aligned, above the firmware.
 */
#include <inttypes.h>
#include <string.h>

#include "loader/loader-internal.h"

#define IMAGE_HDR_SIZE 64
#define IMAGE_MAGIC_OFF 0x30  /* "RISCV\0\0\0", deprecated since 0.2 */
#define IMAGE_MAGIC2_OFF 0x38 /* "RSC\x05" */

static const char image_magic[8] = "RISCV\0\0";
static const char image_magic2[4] = "RSC\x05";

/* Whether a 64-byte header carries either Image magic. */
static bool image_has_magic(const uint8_t *hdr)
{
    return !memcmp(hdr + IMAGE_MAGIC2_OFF, image_magic2, 4) ||
           !memcmp(hdr + IMAGE_MAGIC_OFF, image_magic, 8);
}

/* ---------------------------------------------------------- detection */

BbImageFormat bb_image_detect(const char *path, GError **error)
{
    uint8_t hdr[IMAGE_HDR_SIZE] = { 0 };
    BbImageFormat format = BB_IMAGE_RAW;
    LoaderFile f;

    g_return_val_if_fail(path != NULL, BB_IMAGE_ERROR);
    if (!loader_file_open(&f, path, error)) {
        return BB_IMAGE_ERROR;
    }
    if (!loader_file_read(&f, 0, hdr, MIN(f.size, sizeof(hdr)), "header",
                          error)) {
        format = BB_IMAGE_ERROR;
    } else if (f.size >= 4 && !memcmp(hdr, "\x7f" "ELF", 4)) {
        format = BB_IMAGE_ELF;
    } else if (f.size >= IMAGE_HDR_SIZE && image_has_magic(hdr)) {
        format = BB_IMAGE_LINUX;
    }
    loader_file_close(&f);
    return format;
}

const char *bb_image_format_name(BbImageFormat format)
{
    switch (format) {
    case BB_IMAGE_RAW: return "raw";
    case BB_IMAGE_ELF: return "ELF";
    case BB_IMAGE_LINUX: return "Linux Image";
    default: return "error";
    }
}

/* ---------------------------------------------------------------- raw */

static bool raw_load(BbAddressSpace *as, const LoaderFile *f, uint64_t addr,
                     uint64_t max_size, GError **error)
{
    if (f->size == 0) {
        loader_error(error, BB_ERROR_INVALID, f, "the file is empty");
        return false;
    }
    if (f->size > max_size) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "0x%" PRIx64 " bytes exceed the limit of 0x%" PRIx64
                     " bytes for this image", f->size, max_size);
        return false;
    }
    if (f->size - 1 > UINT64_MAX - addr) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "0x%" PRIx64 " bytes at 0x%" PRIx64 " run past the end "
                     "of the address space", f->size, addr);
        return false;
    }
    return loader_check_placement(as, f, "raw image", addr, f->size, error) &&
           loader_copy(as, f, 0, addr, f->size, "raw image", error);
}

bool bb_load_raw(BbAddressSpace *as, const char *path, uint64_t addr,
                 uint64_t max_size, uint64_t *size, GError **error)
{
    LoaderFile f;

    g_return_val_if_fail(as != NULL && path != NULL, false);
    if (!loader_file_open(&f, path, error)) {
        return false;
    }
    bool ok = raw_load(as, &f, addr, max_size, error);
    if (ok && size) {
        *size = f.size;
    }
    loader_file_close(&f);
    return ok;
}

/* -------------------------------------------------------- Linux Image */

/* The header fields the loader uses. */
typedef struct ImageHeader {
    uint64_t text_offset, image_size, flags;
} ImageHeader;

static bool image_parse_header(const LoaderFile *f, ImageHeader *h,
                               GError **error)
{
    uint8_t hdr[IMAGE_HDR_SIZE];

    if (f->size < IMAGE_HDR_SIZE) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "0x%" PRIx64 " bytes are too short for a Linux Image "
                     "header (0x%x)", f->size, IMAGE_HDR_SIZE);
        return false;
    }
    if (!loader_file_read(f, 0, hdr, sizeof(hdr), "Image header", error)) {
        return false;
    }
    if (!image_has_magic(hdr)) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "not a Linux RISC-V Image (no \"RSC\\x05\" magic at "
                     "0x38)");
        return false;
    }
    h->text_offset = loader_le64(hdr + 0x08);
    h->image_size = loader_le64(hdr + 0x10);
    h->flags = loader_le64(hdr + 0x18);
    if (h->flags & 1) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "the Image header says the kernel is big-endian "
                     "(flags 0x%" PRIx64 ")", h->flags);
        return false;
    }
    return true;
}

/* Where the kernel goes; false if the arithmetic leaves the 64-bit space. */
static bool image_place(const LoaderFile *f, const ImageHeader *h,
                        uint64_t ram_base, uint64_t min_addr, uint64_t size,
                        uint64_t *addr, GError **error)
{
    const uint64_t mask = BB_LINUX_IMAGE_ALIGN - 1;

    if (h->text_offset > UINT64_MAX - ram_base) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "text_offset 0x%" PRIx64 " above RAM at 0x%" PRIx64
                     " runs past the end of the address space",
                     h->text_offset, ram_base);
        return false;
    }
    uint64_t a = MAX(ram_base + h->text_offset, min_addr);
    if (a > UINT64_MAX - mask || ((a + mask) & ~mask) > UINT64_MAX - size) {
        loader_error(error, BB_ERROR_INVALID, f,
                     "0x%" PRIx64 " bytes aligned above 0x%" PRIx64 " run "
                     "past the end of the address space", size, a);
        return false;
    }
    *addr = (a + mask) & ~mask;
    return true;
}

static bool image_load(BbAddressSpace *as, const LoaderFile *f,
                       uint64_t ram_base, uint64_t min_addr,
                       uint64_t *load_addr, uint64_t *end, GError **error)
{
    ImageHeader h;
    uint64_t addr;

    if (!image_parse_header(f, &h, error)) {
        return false;
    }
    /* image_size includes BSS; older headers may leave it 0. */
    uint64_t size = MAX(h.image_size, f->size);
    if (!image_place(f, &h, ram_base, min_addr, size, &addr, error) ||
        !loader_check_placement(as, f, "Linux Image", addr, size, error) ||
        !loader_copy(as, f, 0, addr, f->size, "Linux Image", error) ||
        !loader_zero(as, f, addr + f->size, size - f->size, "Linux Image",
                     error)) {
        return false;
    }
    if (load_addr) {
        *load_addr = addr;
    }
    if (end) {
        *end = addr + size;
    }
    return true;
}

bool bb_load_linux_image(BbAddressSpace *as, const char *path,
                         uint64_t ram_base, uint64_t min_addr,
                         uint64_t *load_addr, uint64_t *end, GError **error)
{
    LoaderFile f;

    g_return_val_if_fail(as != NULL && path != NULL, false);
    if (!loader_file_open(&f, path, error)) {
        return false;
    }
    bool ok = image_load(as, &f, ram_base, min_addr, load_addr, end, error);
    loader_file_close(&f);
    return ok;
}
