/*
 * regs.h - register blocks: a device's registers declared as a table,
 * with reset values, read-only / write-1-to-clear / write-only bits and
 * optional hooks, served to the guest through an I/O memory region.
 *
 * A device lists its registers in a static table of BbRegInfo (offset,
 * size, where the value lives, reset value, masks, hooks) and embeds a
 * BbRegBlock in its instance struct.  The helper then implements what
 * every device would otherwise write by hand: reset, masked writes,
 * accesses narrower than a register, and guest errors (bb_guest_error())
 * for offsets where no register is, writes to read-only registers or
 * bits, and reads of write-only registers.
 *
 * Register values live in the device: each register names a plain field
 * of the instance struct (BB_REG_FIELD), so the device's own code reads
 * and writes them directly and its state table (state.h) names the same
 * fields for snapshots.  A register without a field (a FIFO window, a
 * command port, a value computed on each read) is served by its hooks
 * alone.
 *
 * Accesses.  bb_reg_block_new_region() creates the I/O region: the guest
 * sizes and alignment it accepts are the @valid rules of memory.h (other
 * accesses are bus errors there), and the memory core splits accesses
 * wider than the widest register into register-sized aligned chunks and
 * converts byte order.  The helper then takes each chunk as follows:
 * - a chunk covering whole registers accesses each in ascending order;
 * - a chunk covering part of a register (a 32-bit read of a 64-bit
 *   register) reads the whole register (its read hook runs) and returns
 *   the covered bytes; a partial write merges the written bytes into the
 *   register's current value, with write-1-to-clear bits of the bytes not
 *   written taken as 0, then writes the whole register (its hooks run
 *   once, with the merged value);
 * - bytes where no register is read as 0 and ignore writes, logged.
 * The core's own read-modify-write is not used (the helper asks for
 * accesses down to one byte): it would run read hooks and write back
 * set write-1-to-clear bits.
 *
 * A write goes: refused (logged, no hooks) if every bit is read-only;
 * pre_write (may transform the value or veto the write); masks applied
 * (read-only bits keep their value - a write that would change one is
 * logged - and a 1 in a write-1-to-clear bit clears it); the field is
 * stored; post_write.  A read goes: refused (logged, returns 0, no hook)
 * if every bit is write-only; the field's value (the reset value for a
 * register without a field) with write-only bits as 0; the read hook,
 * whose result the guest sees.
 */
#ifndef BREADBOARD_REGS_H
#define BREADBOARD_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/memory.h>
#include <breadboard/object.h>

G_BEGIN_DECLS

typedef struct BbRegInfo BbRegInfo;

/**
 * BbRegReadHook - called on every guest read of the register.
 * @opaque: the block's opaque (the device).
 * @reg: the register's table entry.
 * @value: what the helper would return: the field (or @reset) with
 *   write-only bits cleared.
 * Return: the value the guest reads (cut to the register's width).  The
 * hook may have side effects (clear-on-read bits, popping a FIFO).
 * Since: ABI 2.0
 */
typedef uint64_t (*BbRegReadHook)(void *opaque, const BbRegInfo *reg,
                                  uint64_t value);

/**
 * BbRegPreWriteHook - called on a guest write before the masks apply.
 * @value: in: the full register value written (merged, for a partial
 *   write); out: the value to apply instead, if the hook changes it.
 * Return: false to veto the write (nothing is stored and post_write does
 * not run; the hook logs a guest error if the write is one).
 * Since: ABI 2.0
 */
typedef bool (*BbRegPreWriteHook)(void *opaque, const BbRegInfo *reg,
                                  uint64_t *value);

/**
 * BbRegPostWriteHook - called after a guest write was applied.
 * @old: the register's value before the write (@reset for a register
 *   without a field).
 * @value: its value now, after the masks (what was stored in the field).
 * Since: ABI 2.0
 */
typedef void (*BbRegPostWriteHook)(void *opaque, const BbRegInfo *reg,
                                   uint64_t old, uint64_t value);

/**
 * struct BbRegInfo - one register of a block (an entry of a static table
 * ended by BB_REG_END).
 * @name: name for messages ("LSR").  NULL ends the table.
 * @addr: offset in the block, a multiple of @size.  Entries are sorted by
 *   offset and do not overlap.
 * @size: width in bytes: 1, 2, 4 or 8.
 * @field_offset: offset of the value's field from the block's opaque
 *   pointer (set with BB_REG_FIELD).
 * @field_size: size of the field (1, 2, 4 or 8 bytes, an unsigned
 *   integer in host byte order); 0 for a register without a field.  A
 *   field narrower than the register is allowed when the bits above it
 *   are read-only (they read as 0).  A bool field works for a register
 *   whose bits other than bit 0 are all read-only.
 * @reset: value at reset (bb_reg_block_reset()); also the "current value"
 *   of a register without a field.
 * @ro_mask: read-only bits: writes leave them as they are (BB_REG_ALL: a
 *   read-only register, every write to it is refused).
 * @w1c_mask: write-1-to-clear bits: writing 1 clears, 0 keeps.  Needs a
 *   field; disjoint from @ro_mask.
 * @wo_mask: write-only bits: read as 0 (BB_REG_ALL: a write-only
 *   register, every read of it is refused).  Disjoint from @ro_mask.
 * @read: optional read hook.
 * @pre_write: optional hook before a write.
 * @post_write: optional hook after a write.
 *
 * Masks are cut to the register's width.  The table may grow into
 * @reserved within one ABI major; leave it zero.
 * Since: ABI 2.0
 */
struct BbRegInfo {
    const char *name;
    uint64_t addr;
    unsigned size;
    size_t field_offset;
    size_t field_size;
    uint64_t reset;
    uint64_t ro_mask;
    uint64_t w1c_mask;
    uint64_t wo_mask;
    BbRegReadHook read;
    BbRegPreWriteHook pre_write;
    BbRegPostWriteHook post_write;
    void *reserved[4]; /* must be zero */
};

/* All bits of a register, for @ro_mask or @wo_mask.  Since: ABI 2.0 */
#define BB_REG_ALL UINT64_MAX

/* The field of @State holding a register's value, inside a BbRegInfo
 * initializer: { .name = "LCR", ..., BB_REG_FIELD(MyDev, lcr) }.
 * Since: ABI 2.0 */
#define BB_REG_FIELD(State, field)                                            \
    .field_offset = offsetof(State, field),                                   \
    .field_size = sizeof(((State *)0)->field)

/* Ends a register table.  Since: ABI 2.0 */
#define BB_REG_END { .name = NULL }

/**
 * struct BbRegBlock - a register table bound to a device; embed it in the
 * instance struct and set it up with bb_reg_block_init().  Fields are the
 * helper's; they are configuration, not state (leave them out of the
 * state table).
 * Since: ABI 2.0
 */
typedef struct BbRegBlock {
    const BbRegInfo *regs;   /* the table (static; not copied) */
    unsigned count;          /* entries before BB_REG_END */
    unsigned max_size;       /* widest register, in bytes */
    BbEndianness endianness; /* byte order of the registers */
    BbObject *owner;         /* named in guest errors; not referenced */
    void *opaque;            /* base of the fields; first hook argument */
    void *reserved[4];       /* zero */
} BbRegBlock;

/**
 * bb_reg_block_init() - check a register table and bind it to a device.
 * @block: storage, normally a member of the device's instance struct.
 * @owner: the device; guest errors start with its canonical path (or its
 *   type name while it has no parent).  May be NULL ("register block").
 * @regs: the table, ended by BB_REG_END; must outlive @block.
 * @endianness: byte order of the registers in guest memory (what a chunk
 *   narrower than a register selects).
 * @opaque: the struct the fields' offsets are relative to (normally the
 *   device instance) and the hooks' first argument.
 * @error: BB_DEVICE_ERROR/BB_ERROR_INVALID naming the register when the
 *   table is malformed: no registers, a size other than 1, 2, 4 or 8, an
 *   offset that is not a multiple of the size, entries out of order or
 *   overlapping, a field wider than the register or of another size, a
 *   narrower field with writable bits above it, a reset value wider than
 *   the register, @ro_mask overlapping @w1c_mask or @wo_mask, @w1c_mask
 *   without a field, or non-zero @reserved.
 * Return: true on success (call bb_reg_block_reset() before first use;
 * a device normally does that in its reset hook).
 * Since: ABI 2.0
 */
BB_API bool bb_reg_block_init(BbRegBlock *block, BbObject *owner,
                              const BbRegInfo *regs, BbEndianness endianness,
                              void *opaque, GError **error);

/**
 * bb_reg_block_reset() - store every register's reset value in its field.
 * No hooks run and nothing is logged.
 * Since: ABI 2.0
 */
BB_API void bb_reg_block_reset(BbRegBlock *block);

/**
 * bb_reg_block_new_region() - an I/O region serving @block (pass it to
 * bb_device_init_mmio()).
 * @name: region name for memory-map dumps and bus-error messages.
 * @size: region size; at least the end of the last register.  Offsets
 *   past the last register are guest errors like holes between registers.
 * @valid: the sizes and alignment the guest may use (memory.h), other
 *   accesses being bus errors; NULL for aligned accesses of 1 byte up to
 *   the widest register.
 * @error: BB_DEVICE_ERROR/BB_ERROR_INVALID if @size is smaller than the
 *   table or @valid is malformed (see struct BbMemoryAccessRules).
 * Return: a new region with one reference, or NULL.  The region uses
 * bb_reg_block_read() and bb_reg_block_write() with impl sizes from one
 * byte up to the widest register, aligned.
 * Since: ABI 2.0
 */
BB_API BbMemoryRegion *bb_reg_block_new_region(BbRegBlock *block,
                                               const char *name,
                                               uint64_t size,
                                               const BbMemoryAccessRules *valid,
                                               GError **error);

/**
 * bb_reg_block_read() - a guest read of @size bytes at offset @addr in the
 * block, with the signature of BbMemoryOps.read.  For devices that build
 * their own BbMemoryOps (a region holding registers and something else):
 * call it with the BbRegBlock as @opaque.  Any chunk size and alignment
 * works; declare impl.min_access_size 1 so the core never reads a
 * register to merge a narrow write (see the file comment).
 * Return: the value, in host order as BbMemoryOps expects.
 * Since: ABI 2.0
 */
BB_API uint64_t bb_reg_block_read(void *opaque, uint64_t addr, unsigned size);

/**
 * bb_reg_block_write() - a guest write; see bb_reg_block_read().
 * Since: ABI 2.0
 */
BB_API void bb_reg_block_write(void *opaque, uint64_t addr, uint64_t value,
                               unsigned size);

G_END_DECLS

#endif /* BREADBOARD_REGS_H */
