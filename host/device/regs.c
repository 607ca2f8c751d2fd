/*
 * regs.c - register blocks (regs.h): a device's register table checked
 * once at realize, then guest accesses served from it - reset values,
 * read-only, write-1-to-clear and write-only bits, hooks, accesses
 * narrower or wider than a register, and guest errors for what a guest
 * may not do.
 *
 * An access (one chunk handed over by the memory core, or a direct call
 * from a device's own ops) is done in bytes: the chunk's value is laid
 * out in the block's byte order, each register overlapping the chunk
 * reads or writes its share of the bytes, and bytes that no register
 * covers are reported once per access.  Registers are naturally aligned
 * and the core's chunks are aligned and no wider than the widest
 * register, so in practice a chunk lies inside one register or covers
 * whole registers; the byte walk also copes with any other chunk a
 * device's own ops may pass.
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/regs.h>
#include <breadboard/system.h>

static uint64_t width_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

static bool size_ok(size_t size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static bool reserved_zero(const BbRegInfo *r)
{
    for (size_t i = 0; i < G_N_ELEMENTS(r->reserved); i++) {
        if (r->reserved[i]) {
            return false;
        }
    }
    return true;
}

/* Why @r cannot be used, or NULL; @prev is the entry before it. */
static const char *reg_problem(const BbRegInfo *r, const BbRegInfo *prev)
{
    uint64_t wm = width_mask(r->size);

    if (!size_ok(r->size)) {
        return "its size is not 1, 2, 4 or 8 bytes";
    }
    if (r->addr % r->size) {
        return "its offset is not a multiple of its size";
    }
    if (prev && r->addr <= prev->addr + (prev->size - 1)) {
        return "it overlaps or precedes the register before it (the table "
               "must be sorted by offset)";
    }
    if (r->field_size && !size_ok(r->field_size)) {
        return "its field is not 1, 2, 4 or 8 bytes";
    }
    if (r->field_size > r->size) {
        return "its field is wider than the register";
    }
    if (r->field_size &&
        (wm & ~width_mask(r->field_size) & ~r->ro_mask)) {
        return "its field is narrower than the register but the bits "
               "above the field are not read-only";
    }
    if (r->reset & ~wm) {
        return "its reset value is wider than the register";
    }
    if (r->field_size && (r->reset & ~width_mask(r->field_size))) {
        return "its reset value does not fit its field";
    }
    if (r->ro_mask & r->w1c_mask & wm) {
        return "bits are both read-only and write-1-to-clear";
    }
    if (r->ro_mask & r->wo_mask & wm) {
        return "bits are both read-only and write-only";
    }
    if ((r->w1c_mask & wm) && !r->field_size) {
        return "it has write-1-to-clear bits but no field to clear them in";
    }
    if (!reserved_zero(r)) {
        return "its reserved members are not zero";
    }
    return NULL;
}

bool bb_reg_block_init(BbRegBlock *block, BbObject *owner,
                       const BbRegInfo *regs, BbEndianness endianness,
                       void *opaque, GError **error)
{
    unsigned n = 0, max_size = 0;

    g_return_val_if_fail(block != NULL && regs != NULL, false);

    for (const BbRegInfo *r = regs; r->name; r++, n++) {
        const char *problem = reg_problem(r, n ? r - 1 : NULL);
        if (problem) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "register table entry %u, '%s' at offset 0x%" PRIx64
                        ": %s", n, r->name, r->addr, problem);
            return false;
        }
        max_size = MAX(max_size, r->size);
    }
    if (!n) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "register table has no registers");
        return false;
    }
    if (endianness > BB_ENDIAN_BIG) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "register block: unknown byte order %d", endianness);
        return false;
    }
    *block = (BbRegBlock){
        .regs = regs,
        .count = n,
        .max_size = max_size,
        .endianness = endianness,
        .owner = owner,
        .opaque = opaque,
    };
    return true;
}

/* ------------------------------------------------------------- storage */

static uint64_t field_load(const BbRegBlock *b, const BbRegInfo *r)
{
    const uint8_t *p = (const uint8_t *)b->opaque + r->field_offset;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    /* memcpy: the fields are the device's, of its declared width. */
    switch (r->field_size) {
    case 1: memcpy(&u8, p, 1); return u8;
    case 2: memcpy(&u16, p, 2); return u16;
    case 4: memcpy(&u32, p, 4); return u32;
    case 8: memcpy(&u64, p, 8); return u64;
    }
    return r->reset; /* no field: the reset value stands for it */
}

static void field_store(const BbRegBlock *b, const BbRegInfo *r,
                        uint64_t v)
{
    uint8_t *p = (uint8_t *)b->opaque + r->field_offset;
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;

    switch (r->field_size) {
    case 1: memcpy(p, &u8, 1); break;
    case 2: memcpy(p, &u16, 2); break;
    case 4: memcpy(p, &u32, 4); break;
    case 8: memcpy(p, &v, 8); break;
    }
}

void bb_reg_block_reset(BbRegBlock *block)
{
    for (unsigned i = 0; i < block->count; i++) {
        field_store(block, &block->regs[i], block->regs[i].reset);
    }
}

/* ------------------------------------------------------- guest errors */

/* The device named in messages. */
static char *block_label(const BbRegBlock *b)
{
    if (!b->owner) {
        return g_strdup("register block");
    }
    if (bb_object_get_parent(b->owner)) {
        return bb_object_get_canonical_path(b->owner);
    }
    return g_strdup(bb_object_get_type_name(b->owner));
}

/* Where the registers are, for "no register there" messages. */
static char *block_span(const BbRegBlock *b)
{
    const BbRegInfo *last = &b->regs[b->count - 1];

    return g_strdup_printf("0x%" PRIx64 "-0x%" PRIx64, b->regs[0].addr,
                           last->addr + last->size - 1);
}

/* A @size-byte access at @addr touched @gap bytes where no register is. */
static void log_unmapped(const BbRegBlock *b, uint64_t addr, unsigned size,
                         unsigned gap, const uint64_t *written)
{
    g_autofree char *who = block_label(b);
    g_autofree char *span = block_span(b);
    g_autofree char *what = written
        ? g_strdup_printf("%u-byte write of 0x%0*" PRIx64, size, 2 * size,
                          *written)
        : g_strdup_printf("%u-byte read", size);

    if (gap == size) {
        bb_guest_error("%s: %s at offset 0x%" PRIx64 ": no register there "
                       "(registers are at %s)", who, what, addr, span);
    } else {
        bb_guest_error("%s: %s at offset 0x%" PRIx64 ": %u of its bytes "
                       "hit no register (registers are at %s); they %s",
                       who, what, addr, gap, span,
                       written ? "are ignored" : "read as 0");
    }
}

/* ----------------------------------------------------- one register */

static uint64_t reg_read(const BbRegBlock *b, const BbRegInfo *r)
{
    uint64_t wm = width_mask(r->size);
    uint64_t v;

    if ((r->wo_mask & wm) == wm) {
        g_autofree char *who = block_label(b);
        bb_guest_error("%s: read of write-only register %s at offset 0x%"
                       PRIx64 " (reads as 0)", who, r->name, r->addr);
        return 0;
    }
    v = field_load(b, r) & ~r->wo_mask & wm;
    if (r->read) {
        v = r->read(b->opaque, r, v) & wm;
    }
    return v;
}

static void reg_write(const BbRegBlock *b, const BbRegInfo *r, uint64_t v)
{
    uint64_t wm = width_mask(r->size);
    uint64_t ro = r->ro_mask & wm, w1c = r->w1c_mask & wm;
    uint64_t old, now;

    if (ro == wm) {
        g_autofree char *who = block_label(b);
        bb_guest_error("%s: write of 0x%0*" PRIx64 " to read-only register "
                       "%s at offset 0x%" PRIx64 " ignored", who,
                       2 * r->size, v, r->name, r->addr);
        return;
    }
    if (r->pre_write && !r->pre_write(b->opaque, r, &v)) {
        return;
    }
    v &= wm;
    old = field_load(b, r);
    if ((v ^ old) & ro) {
        g_autofree char *who = block_label(b);
        bb_guest_error("%s: write of 0x%0*" PRIx64 " to %s at offset 0x%"
                       PRIx64 " would change read-only bits 0x%0*" PRIx64
                       "; they keep their value", who, 2 * r->size, v,
                       r->name, r->addr, 2 * r->size, (v ^ old) & ro);
    }
    now = (old & ro) | (old & w1c & ~v) | (v & ~ro & ~w1c);
    if (r->field_size) {
        field_store(b, r, now);
    }
    if (r->post_write) {
        r->post_write(b->opaque, r, old, now);
    }
}

/* ------------------------------------------------------------ accesses */

/* Bit position of byte @i of an @n-byte value in byte order @big. */
static unsigned byte_shift(unsigned i, unsigned n, bool big)
{
    return 8 * (big ? n - 1 - i : i);
}

/* The first register that ends after @addr (count if none). */
static unsigned first_reg_after(const BbRegBlock *b, uint64_t addr)
{
    unsigned lo = 0, hi = b->count;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const BbRegInfo *r = &b->regs[mid];
        if (r->addr + (r->size - 1) < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/*
 * Run @size-byte access at @addr register by register.  @bytes holds the
 * access's bytes in guest memory order (in for writes, out for reads).
 * Return: the number of bytes no register covered.
 */
static unsigned block_access(const BbRegBlock *b, uint64_t addr,
                             unsigned size, uint8_t *bytes, bool is_write)
{
    bool big = b->endianness == BB_ENDIAN_BIG;
    uint64_t last = addr + (size - 1);
    unsigned covered = 0;

    for (unsigned i = first_reg_after(b, addr); i < b->count; i++) {
        const BbRegInfo *r = &b->regs[i];
        uint64_t lo, hi, v, mask = 0;

        if (r->addr > last) {
            break;
        }
        lo = MAX(addr, r->addr);
        hi = MIN(last, r->addr + (r->size - 1));
        covered += (unsigned)(hi - lo + 1);
        if (!is_write) {
            v = reg_read(b, r);
            for (uint64_t a = lo; a <= hi; a++) {
                bytes[a - addr] =
                    (uint8_t)(v >> byte_shift(a - r->addr, r->size, big));
            }
            continue;
        }
        v = 0;
        for (uint64_t a = lo; a <= hi; a++) {
            unsigned sh = byte_shift(a - r->addr, r->size, big);
            v |= (uint64_t)bytes[a - addr] << sh;
            mask |= UINT64_C(0xff) << sh;
        }
        if (mask != width_mask(r->size)) {
            /* Partial write: the other bytes keep their value, and no
             * write-1-to-clear bit outside the written bytes clears. */
            v |= field_load(b, r) & ~mask & ~r->w1c_mask;
        }
        reg_write(b, r, v);
    }
    return size - covered;
}

uint64_t bb_reg_block_read(void *opaque, uint64_t addr, unsigned size)
{
    BbRegBlock *b = opaque;
    bool big = b->endianness == BB_ENDIAN_BIG;
    uint8_t bytes[8] = { 0 };
    uint64_t v = 0;
    unsigned gap;

    if (!size_ok(size) || addr + (size - 1) < addr) {
        return 0; /* not a size the memory core passes */
    }
    gap = block_access(b, addr, size, bytes, false);
    if (gap) {
        log_unmapped(b, addr, size, gap, NULL);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)bytes[i] << byte_shift(i, size, big);
    }
    return v;
}

void bb_reg_block_write(void *opaque, uint64_t addr, uint64_t value,
                        unsigned size)
{
    BbRegBlock *b = opaque;
    bool big = b->endianness == BB_ENDIAN_BIG;
    uint8_t bytes[8];
    unsigned gap;

    if (!size_ok(size) || addr + (size - 1) < addr) {
        return;
    }
    value &= width_mask(size);
    for (unsigned i = 0; i < size; i++) {
        bytes[i] = (uint8_t)(value >> byte_shift(i, size, big));
    }
    gap = block_access(b, addr, size, bytes, true);
    if (gap) {
        log_unmapped(b, addr, size, gap, &value);
    }
}

/* ---------------------------------------------------------------- region */

BbMemoryRegion *bb_reg_block_new_region(BbRegBlock *block, const char *name,
                                        uint64_t size,
                                        const BbMemoryAccessRules *valid,
                                        GError **error)
{
    g_return_val_if_fail(block != NULL && block->count > 0, NULL);

    const BbRegInfo *last = &block->regs[block->count - 1];
    BbMemoryOps ops = {
        .read = bb_reg_block_read,
        .write = bb_reg_block_write,
        .endianness = block->endianness,
        .valid = { .min_access_size = 1,
                   .max_access_size = block->max_size },
        /* Down to one byte: narrow writes are merged here, from the
         * fields, not by the core reading the register (see regs.h). */
        .impl = { .min_access_size = 1, .max_access_size = block->max_size },
    };

    if (size < last->addr + last->size) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "register region '%s' of 0x%" PRIx64 " bytes is too "
                    "small: register %s ends at 0x%" PRIx64, name, size,
                    last->name, last->addr + last->size);
        return NULL;
    }
    if (valid) {
        unsigned lo = valid->min_access_size ? valid->min_access_size : 1;
        unsigned hi = valid->max_access_size ? valid->max_access_size : 4;
        if (!size_ok(lo) || !size_ok(hi) || lo > hi) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "register region '%s': malformed access rules "
                        "(sizes must be 1, 2, 4 or 8 with min <= max)", name);
            return NULL;
        }
        ops.valid = *valid;
    }
    return bb_memory_region_new_io(block->owner, name, &ops, block, size);
}
