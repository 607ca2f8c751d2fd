/*
 * image-test.c - unit tests of raw images, Linux RISC-V Image kernels and
 * format detection (host/loader/image.c): raw loads and their size limit,
 * empty files, placement outside RAM and past 2^64; Image header parsing
 * (both magics, big-endian flag, short files), placement at RAM base +
 * text_offset rounded up to 2 MiB and above a firmware, BSS from
 * image_size, and detection of ELF, Image and raw files.
 */
#include "loader-test.h"

/* ---------------------------------------------------------------- raw */

static void load_raw_copies_the_file(void **state)
{
    Fix *f = *state;
    uint8_t data[300];
    GError *err = NULL;
    uint64_t size = 0;

    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7);
    }
    g_autofree char *path = fix_file(f, "fw.bin", data, sizeof(data));
    assert_true(bb_load_raw(f->as, path, RAM_BASE + 0x10, 0x1000, &size,
                            &err));
    assert_no_error(err);
    assert_int_equal(size, sizeof(data));
    uint8_t back[sizeof(data)];
    assert_int_equal(bb_address_space_read(f->as, RAM_BASE + 0x10, back,
                                           sizeof(back)), BB_MEMTX_OK);
    assert_memory_equal(back, data, sizeof(data));
}

static void load_raw_into_rom(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = fix_file(f, "rom.bin", "\x97\x02\x00\x00", 4);

    assert_true(bb_load_raw(f->as, path, ROM_BASE, ROM_SIZE, NULL, &err));
    assert_no_error(err);
    assert_true(fix_all(f, ROM_BASE + 1, 0x02, 1));
}

static void load_raw_over_size_limit(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = fix_file(f, "big.bin", "0123456789", 10);

    fix_fill(f, RAM_BASE, 0xee, 16);
    assert_false(bb_load_raw(f->as, path, RAM_BASE, 9, NULL, &err));
    assert_loader_error(err, BB_ERROR_INVALID, path,
                        "0xa bytes exceed the limit of 0x9 bytes");
    assert_true(fix_all(f, RAM_BASE, 0xee, 16));
    g_error_free(err);
}

static void load_raw_at_exact_size_limit(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = fix_file(f, "fit.bin", "0123456789", 10);

    assert_true(bb_load_raw(f->as, path, RAM_BASE, 10, NULL, &err));
    assert_no_error(err);
}

static void load_raw_empty_file(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = fix_file(f, "empty.bin", "", 0);

    assert_false(bb_load_raw(f->as, path, RAM_BASE, UINT64_MAX, NULL, &err));
    assert_loader_error(err, BB_ERROR_INVALID, path, "the file is empty");
    g_error_free(err);
}

static void load_raw_outside_ram(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = fix_file(f, "fw.bin", "0123456789", 10);

    assert_false(bb_load_raw(f->as, path, RAM_BASE + RAM_SIZE - 4,
                             UINT64_MAX, NULL, &err));
    assert_loader_error(err, BB_ERROR_INVALID, path,
                        "raw image: memory range 0x807ffffc+0xa is not RAM "
                        "or ROM (0x80800000 is unmapped)");
    g_clear_error(&err);
    assert_false(bb_load_raw(f->as, path, DEV_BASE, UINT64_MAX, NULL, &err));
    assert_loader_error(err, BB_ERROR_INVALID, path, "I/O region 'dev'");
    assert_int_equal(f->dev_writes, 0);
    g_error_free(err);
}

static void load_raw_wraps_address_space(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = fix_file(f, "fw.bin", "0123456789", 10);

    assert_false(bb_load_raw(f->as, path, UINT64_MAX - 4, UINT64_MAX, NULL,
                             &err));
    assert_loader_error(err, BB_ERROR_INVALID, path,
                        "run past the end of the address space");
    g_error_free(err);
}

static void load_raw_missing_file(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = g_build_filename(f->dir, "none.bin", NULL);

    assert_false(bb_load_raw(f->as, path, RAM_BASE, UINT64_MAX, NULL, &err));
    assert_loader_error(err, BB_ERROR_NOT_FOUND, path,
                        "cannot open: No such file or directory");
    g_error_free(err);
}

/* -------------------------------------------------------- Linux Image */

/* A 64-byte Image header followed by @body bytes of 0x33. */
static GByteArray *image_build(uint64_t text_offset, uint64_t image_size,
                               size_t body)
{
    GByteArray *b = g_byte_array_new();

    g_byte_array_set_size(b, (guint)(64 + body));
    memset(b->data, 0, 64);
    memset(b->data + 64, 0x33, body);
    put32(b, 0x00, 0x0000006f); /* j . (code0) */
    put64(b, 0x08, text_offset);
    put64(b, 0x10, image_size);
    put32(b, 0x20, 2);          /* version 0.2 */
    memcpy(b->data + 0x30, "RISCV\0\0\0", 8);
    memcpy(b->data + 0x38, "RSC\x05", 4);
    return b;
}

static void load_linux_image_at_text_offset(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(0x200000, 0x3000, 0x1000 - 64);
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    GError *err = NULL;
    uint64_t addr = 0, end = 0;

    fix_fill(f, RAM_BASE + 0x200000, 0xee, 0x4000);
    assert_true(bb_load_linux_image(f->as, path, RAM_BASE, RAM_BASE, &addr,
                                    &end, &err));
    assert_no_error(err);
    assert_int_equal(addr, RAM_BASE + 0x200000);
    assert_int_equal(end, RAM_BASE + 0x203000);
    assert_true(fix_all(f, addr + 0x08, 0, 2) && fix_all(f, addr + 0x0a, 0x20, 1));
    assert_true(fix_all(f, addr + 64, 0x33, 0x1000 - 64));
    assert_true(fix_all(f, addr + 0x1000, 0, 0x2000)); /* BSS */
    assert_true(fix_all(f, end, 0xee, 0x1000));
    g_byte_array_free(b, true);
}

static void load_linux_image_above_firmware(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(0x200000, 0x1000, 64);
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    GError *err = NULL;
    uint64_t addr = 0;

    /* Firmware ends at +0x200001: the kernel moves to the next 2 MiB. */
    assert_true(bb_load_linux_image(f->as, path, RAM_BASE,
                                    RAM_BASE + 0x200001, &addr, NULL, &err));
    assert_no_error(err);
    assert_int_equal(addr, RAM_BASE + 0x400000);
    g_byte_array_free(b, true);
}

static void load_linux_image_aligns_text_offset(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(0x1000, 0, 64); /* odd offset, no size */
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    GError *err = NULL;
    uint64_t addr = 0, end = 0;

    assert_true(bb_load_linux_image(f->as, path, RAM_BASE, 0, &addr, &end,
                                    &err));
    assert_no_error(err);
    assert_int_equal(addr, RAM_BASE + 0x200000);
    assert_int_equal(end, addr + 128); /* image_size 0: the file's size */
    g_byte_array_free(b, true);
}

static void load_linux_image_old_magic_only(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(0, 0x100, 64);
    GError *err = NULL;
    uint64_t addr;

    memset(b->data + 0x38, 0, 4);
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    assert_true(bb_load_linux_image(f->as, path, RAM_BASE, 0, &addr, NULL,
                                    &err));
    assert_no_error(err);
    assert_int_equal(addr, RAM_BASE); /* M-mode kernels: text_offset 0 */
    g_byte_array_free(b, true);
}

static void load_linux_image_bss_past_ram(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(0x200000, RAM_SIZE, 64);
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    GError *err = NULL;

    assert_false(bb_load_linux_image(f->as, path, RAM_BASE, 0, NULL, NULL,
                                     &err));
    assert_loader_error(err, BB_ERROR_INVALID, path,
                        "Linux Image: memory range 0x80200000+0x800000 is "
                        "not RAM or ROM (0x80800000 is unmapped)");
    g_error_free(err);
    g_byte_array_free(b, true);
}

static void load_linux_image_offset_overflow(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(UINT64_MAX - 0x1000, 0x1000, 64);
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    GError *err = NULL;

    assert_false(bb_load_linux_image(f->as, path, RAM_BASE, 0, NULL, NULL,
                                     &err));
    assert_loader_error(err, BB_ERROR_INVALID, path,
                        "runs past the end of the address space");
    g_clear_error(&err);
    put64(b, 0x08, UINT64_MAX - RAM_BASE - 0x1000); /* alignment wraps */
    g_autofree char *path2 = fix_file(f, "Image2", b->data, b->len);
    assert_false(bb_load_linux_image(f->as, path2, RAM_BASE, 0, NULL, NULL,
                                     &err));
    assert_loader_error(err, BB_ERROR_INVALID, path2,
                        "run past the end of the address space");
    g_error_free(err);
    g_byte_array_free(b, true);
}

static void load_linux_image_big_endian(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(0x200000, 0x1000, 64);
    GError *err = NULL;

    put64(b, 0x18, 1);
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    assert_false(bb_load_linux_image(f->as, path, RAM_BASE, 0, NULL, NULL,
                                     &err));
    assert_loader_error(err, BB_ERROR_INVALID, path, "big-endian (flags 0x1)");
    g_error_free(err);
    g_byte_array_free(b, true);
}

static void load_linux_image_without_magic(void **state)
{
    Fix *f = *state;
    GByteArray *b = image_build(0x200000, 0x1000, 64);
    GError *err = NULL;

    memset(b->data + 0x30, 0, 12);
    g_autofree char *path = fix_file(f, "Image", b->data, b->len);
    assert_false(bb_load_linux_image(f->as, path, RAM_BASE, 0, NULL, NULL,
                                     &err));
    assert_loader_error(err, BB_ERROR_INVALID, path,
                        "not a Linux RISC-V Image");
    g_error_free(err);
    g_byte_array_free(b, true);
}

static void load_linux_image_too_short(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = fix_file(f, "Image", "RSC\x05", 4);

    assert_false(bb_load_linux_image(f->as, path, RAM_BASE, 0, NULL, NULL,
                                     &err));
    assert_loader_error(err, BB_ERROR_INVALID, path,
                        "0x4 bytes are too short for a Linux Image header");
    g_error_free(err);
}

/* ---------------------------------------------------------- detection */

static void image_detect_formats(void **state)
{
    Fix *f = *state;
    GByteArray *img = image_build(0x200000, 0x1000, 16);
    GByteArray *old = image_build(0x200000, 0x1000, 16);
    GError *err = NULL;
    TestElf e = elf_typical();
    ElfLayout lay;
    GByteArray *elf = elf_build(&e, &lay);

    memset(old->data + 0x38, 0, 4);
    g_autofree char *p_elf = fix_file(f, "a.elf", elf->data, elf->len);
    g_autofree char *p_img = fix_file(f, "Image", img->data, img->len);
    g_autofree char *p_old = fix_file(f, "Image.old", old->data, old->len);
    g_autofree char *p_raw = fix_file(f, "fw.bin", "\x6f\x00\x00\x00", 4);
    g_autofree char *p_empty = fix_file(f, "empty", "", 0);
    g_autofree char *p_short = fix_file(f, "short.elf", "\x7f" "ELF", 4);
    /* The Image magic in a file shorter than a header is raw. */
    g_autofree char *p_cut = fix_file(f, "cut", img->data, 0x3c);

    assert_int_equal(bb_image_detect(p_elf, &err), BB_IMAGE_ELF);
    assert_int_equal(bb_image_detect(p_img, &err), BB_IMAGE_LINUX);
    assert_int_equal(bb_image_detect(p_old, &err), BB_IMAGE_LINUX);
    assert_int_equal(bb_image_detect(p_raw, &err), BB_IMAGE_RAW);
    assert_int_equal(bb_image_detect(p_empty, &err), BB_IMAGE_RAW);
    assert_int_equal(bb_image_detect(p_short, &err), BB_IMAGE_ELF);
    assert_int_equal(bb_image_detect(p_cut, &err), BB_IMAGE_RAW);
    assert_no_error(err);
    assert_string_equal(bb_image_format_name(BB_IMAGE_LINUX), "Linux Image");
    assert_string_equal(bb_image_format_name(BB_IMAGE_ERROR), "error");
    g_byte_array_free(img, true);
    g_byte_array_free(old, true);
    g_byte_array_free(elf, true);
}

static void image_detect_unreadable(void **state)
{
    Fix *f = *state;
    GError *err = NULL;
    g_autofree char *path = g_build_filename(f->dir, "none", NULL);

    assert_int_equal(bb_image_detect(path, &err), BB_IMAGE_ERROR);
    assert_loader_error(err, BB_ERROR_NOT_FOUND, path, "cannot open");
    g_clear_error(&err);
    assert_int_equal(bb_image_detect(f->dir, &err), BB_IMAGE_ERROR);
    assert_loader_error(err, BB_ERROR_IO, f->dir, "is a directory");
    g_error_free(err);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(load_raw_copies_the_file),
        T(load_raw_into_rom),
        T(load_raw_over_size_limit),
        T(load_raw_at_exact_size_limit),
        T(load_raw_empty_file),
        T(load_raw_outside_ram),
        T(load_raw_wraps_address_space),
        T(load_raw_missing_file),
        T(load_linux_image_at_text_offset),
        T(load_linux_image_above_firmware),
        T(load_linux_image_aligns_text_offset),
        T(load_linux_image_old_magic_only),
        T(load_linux_image_bss_past_ram),
        T(load_linux_image_offset_overflow),
        T(load_linux_image_big_endian),
        T(load_linux_image_without_magic),
        T(load_linux_image_too_short),
        T(image_detect_formats),
        T(image_detect_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
