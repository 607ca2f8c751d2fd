/*
 * memory.h - guest memory: regions, address spaces and DMA.
 *
 * A BbMemoryRegion is RAM, ROM, I/O (callbacks), an alias (a window into
 * another region) or a container of subregions.  Subregions sit at an
 * offset in their container with a signed priority; where they overlap,
 * the higher priority wins and, at equal priority, the one added later.
 * A BbAddressSpace renders its root region into a flat view - sorted,
 * non-overlapping ranges - and dispatches accesses by binary search in it.
 * The view is re-rendered whenever the map changes (a region is added,
 * removed, moved, enabled or disabled) and listeners hear about every
 * range that appeared or went away.
 *
 * I/O regions describe two sets of access constraints: @valid, what the
 * guest may do (anything else is a bus error), and @impl, what the
 * callbacks implement.  The core splits wider accesses and widens narrower
 * ones (read-modify-write for writes), and converts endianness, so a
 * device only ever sees the sizes it declared.
 *
 * Devices reach guest memory only through bb_address_space_read(),
 * bb_address_space_write() and bb_address_space_fill(); a host pointer is
 * only ever handed out for RAM, by bb_address_space_map().
 *
 * Sizes: a region may span the whole 64-bit space.  Wherever a size is
 * passed in or returned as uint64_t, UINT64_MAX stands for 2^64 (so no
 * region has exactly 2^64 - 1 bytes), and a size of 0 is refused.
 *
 * Errors are reported in the BB_DEVICE_ERROR domain (BB_ERROR_INVALID for
 * bad arguments, BB_ERROR_STATE for a region already mapped,
 * BB_ERROR_FAILED when the host cannot provide memory).  Guest-triggered
 * problems (bus errors, writes to ROM, unassigned accesses under
 * BB_UNASSIGNED_ERROR) are logged with bb_guest_error().
 *
 * Threads: the memory map is edited, and transactions are opened, from one
 * thread at a time (transactions are process-wide).  An access holds the
 * flat view it started with, so a callback may change the map.
 */
#ifndef BREADBOARD_MEMORY_H
#define BREADBOARD_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/object.h>

G_BEGIN_DECLS

typedef struct BbMemoryRegion BbMemoryRegion;
typedef struct BbAddressSpace BbAddressSpace;

/**
 * enum BbMemTxResult - outcome of a memory transaction.
 * @BB_MEMTX_OK: done.
 * @BB_MEMTX_ERROR: the target refused the access (bad size, alignment, or
 *   the device said so): a bus error; the CPU raises an access fault.
 * @BB_MEMTX_DECODE_ERROR: nothing is mapped there and the address space's
 *   policy is BB_UNASSIGNED_ERROR.
 * Since: ABI 1.1
 */
typedef enum {
    BB_MEMTX_OK = 0,
    BB_MEMTX_ERROR = 1,
    BB_MEMTX_DECODE_ERROR = 2,
} BbMemTxResult;

/**
 * struct BbMemTxAttrs - attributes of a memory transaction, passed by
 * value to the *_attrs accesses and to I/O callbacks that want them.
 * @requester_id: PCI requester ID (bus << 8 | devfn) of the function
 *   that issued a DMA or MSI write; 0 otherwise.
 * @unspecified: nothing is known about the requester (CPU accesses and
 *   every access made without attributes).
 * @reserved8, @reserved: must be zero; later minors may use them.
 * Since: ABI 2.1
 */
typedef struct BbMemTxAttrs {
    uint16_t requester_id;
    uint8_t unspecified;
    uint8_t reserved8;
    uint32_t reserved;
} BbMemTxAttrs;

/** BB_MEMTXATTRS_UNSPECIFIED - the attributes of an access made without
 * any.  Since: ABI 2.1 */
#define BB_MEMTXATTRS_UNSPECIFIED ((BbMemTxAttrs){ .unspecified = 1 })

/**
 * enum BbEndianness - byte order of an I/O region's registers.
 * @BB_ENDIAN_NATIVE: the guest's (little-endian for RISC-V).
 * Since: ABI 1.1
 */
typedef enum {
    BB_ENDIAN_NATIVE = 0,
    BB_ENDIAN_LITTLE,
    BB_ENDIAN_BIG,
} BbEndianness;

/**
 * struct BbMemoryAccessRules - access sizes and alignment.
 * @min_access_size: smallest access in bytes (0 means 1).
 * @max_access_size: largest access in bytes (0 means 4).
 * @unaligned: whether accesses not aligned to their size are allowed.
 *
 * Sizes are 1, 2, 4 or 8 with min <= max.  Alignment is checked on the
 * offset within the region.
 * Since: ABI 1.1
 */
typedef struct BbMemoryAccessRules {
    unsigned min_access_size;
    unsigned max_access_size;
    bool unaligned;
} BbMemoryAccessRules;

/**
 * struct BbMemoryOps - callbacks of an I/O region.
 * @read: return the value of the @size-byte register at @addr (offset in
 *   the region).  Optional: without it reads return 0.
 * @write: store @value into the @size-byte register at @addr.  Optional.
 * @read_with_result: like @read but may fail the access (the guest sees a
 *   bus error); used instead of @read when set.
 * @write_with_result: like @write but may fail the access.
 * @read_with_attrs: like @read_with_result, and also given the
 *   transaction's attributes (who issued it); used instead of the others
 *   when set.  (Since: ABI 2.1)
 * @write_with_attrs: like @write_with_result with the attributes.
 *   (Since: ABI 2.1)
 * @endianness: register byte order.
 * @valid: what the guest may do; anything else is a bus error.
 * @impl: what the callbacks handle; the core adapts other sizes.
 *
 * Values are passed in host order, already converted from @endianness;
 * @addr is always inside the region.  The table may grow into @reserved
 * within one ABI major.
 *
 * How the core adapts an access of @size bytes: the callbacks are called
 * with chunks of clamp(size, impl.min, impl.max) bytes, in ascending
 * address order.  Unless impl.unaligned is set, chunks are aligned to
 * their size, so an unaligned guest access (allowed by valid.unaligned)
 * becomes the aligned chunks that cover it.  A chunk only partly covered
 * by a write is read first and written back with the new bytes merged in
 * (read-modify-write): a device with read side effects should declare an
 * impl.min no larger than its narrowest register.  A widened chunk may
 * extend past the end of a region whose size is not a multiple of
 * impl.min.  Bits a read returns above @size bytes are ignored.  The
 * first failing chunk ends the access with its result.
 *
 * Re-entrancy: an access that reaches a region while that region, or
 * another region with the same owner, is inside one of its callbacks on
 * the same thread (a device whose DMA targets its own registers) is
 * refused with BB_MEMTX_ERROR, as is nesting callbacks more than 8 deep.
 * Since: ABI 1.1
 */
typedef struct BbMemoryOps {
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t value, unsigned size);
    BbMemTxResult (*read_with_result)(void *opaque, uint64_t addr,
                                      uint64_t *value, unsigned size);
    BbMemTxResult (*write_with_result)(void *opaque, uint64_t addr,
                                       uint64_t value, unsigned size);
    BbEndianness endianness;
    BbMemoryAccessRules valid;
    BbMemoryAccessRules impl;
    BbMemTxResult (*read_with_attrs)(void *opaque, uint64_t addr,
                                     uint64_t *value, unsigned size,
                                     BbMemTxAttrs attrs);
    BbMemTxResult (*write_with_attrs)(void *opaque, uint64_t addr,
                                      uint64_t value, unsigned size,
                                      BbMemTxAttrs attrs);
    void *reserved[4]; /* must be zero */
} BbMemoryOps;

/* ------------------------------------------------------------ regions */

/**
 * bb_memory_region_new_ram() - guest RAM of @size bytes, backed by host
 * memory that is only committed when first touched (so a board may
 * declare more RAM than the host has).
 * @owner: the object the region belongs to (for names and messages); may
 *   be NULL.  Not referenced: the owner keeps its regions, not the
 *   reverse.
 * @name: short name shown in memory-map dumps.
 * @size: at least 1 and no more than the host can map (so not 2^64).
 * @error: set when the size is unusable (BB_ERROR_INVALID) or the host
 *   cannot reserve the address range (BB_ERROR_FAILED).
 * Return: a new region with one reference, or NULL.
 * Since: ABI 1.1
 */
BB_API BbMemoryRegion *bb_memory_region_new_ram(BbObject *owner,
                                                const char *name,
                                                uint64_t size,
                                                GError **error);

/**
 * bb_memory_region_new_rom() - like RAM, but guest writes are ignored (and
 * logged as guest errors).  Fill it with bb_memory_region_write_rom().
 * Since: ABI 1.1
 */
BB_API BbMemoryRegion *bb_memory_region_new_rom(BbObject *owner,
                                                const char *name,
                                                uint64_t size,
                                                GError **error);

/**
 * bb_memory_region_new_io() - a region whose accesses call @ops.
 * @ops: copied; the region does not keep the pointer.
 * @opaque: passed to every callback.
 * @size: size in bytes (at least 1; UINT64_MAX for 2^64).
 * Return: a new region with one reference, or NULL (with a critical
 * warning) when @size is 0 or @ops has malformed access rules (see
 * struct BbMemoryAccessRules) or endianness.
 * Since: ABI 1.1
 */
BB_API BbMemoryRegion *bb_memory_region_new_io(BbObject *owner,
                                               const char *name,
                                               const BbMemoryOps *ops,
                                               void *opaque, uint64_t size);

/**
 * bb_memory_region_new_container() - a region that only holds subregions;
 * accesses that hit none of them fall through to what lies below the
 * container.  @size may be UINT64_MAX (2^64: a whole address space).
 * Since: ABI 1.1
 */
BB_API BbMemoryRegion *bb_memory_region_new_container(BbObject *owner,
                                                      const char *name,
                                                      uint64_t size);

/**
 * bb_memory_region_new_alias() - a window of @size bytes into @target
 * starting at @offset in @target.  Aliases of aliases are allowed.  The
 * part of the window past the end of @target shows nothing (accesses fall
 * through to what lies below the alias), and a disabled @target is hidden
 * through its aliases too.
 * Return: a new region holding a reference to @target.
 * Since: ABI 1.1
 */
BB_API BbMemoryRegion *bb_memory_region_new_alias(BbObject *owner,
                                                  const char *name,
                                                  BbMemoryRegion *target,
                                                  uint64_t offset,
                                                  uint64_t size);

/** bb_memory_region_ref() - take a reference.  Since: ABI 1.1 */
BB_API BbMemoryRegion *bb_memory_region_ref(BbMemoryRegion *mr);

/** bb_memory_region_unref() - drop a reference (NULL accepted).
 * Since: ABI 1.1 */
BB_API void bb_memory_region_unref(BbMemoryRegion *mr);

/**
 * bb_memory_region_add_subregion() - map @sub at @offset in @container
 * with priority 0.  The container takes a reference.
 * @error: set if @sub is already mapped somewhere (BB_ERROR_STATE),
 *   @container is not a container, @sub does not fit inside @container,
 *   or @container is @sub or lies below it, through subregions or alias
 *   targets (BB_ERROR_INVALID: the map would contain itself).
 * Return: true on success.
 * Since: ABI 1.1
 */
BB_API bool bb_memory_region_add_subregion(BbMemoryRegion *container,
                                           uint64_t offset,
                                           BbMemoryRegion *sub,
                                           GError **error);

/**
 * bb_memory_region_add_subregion_overlap() - map @sub with @priority;
 * higher priorities hide lower ones where they overlap.
 * Since: ABI 1.1
 */
BB_API bool bb_memory_region_add_subregion_overlap(BbMemoryRegion *container,
                                                   uint64_t offset,
                                                   BbMemoryRegion *sub,
                                                   int priority,
                                                   GError **error);

/**
 * bb_memory_region_del_subregion() - unmap @sub from its container
 * (dropping the container's reference).  No-op if it is not mapped there.
 * Since: ABI 1.1
 */
BB_API void bb_memory_region_del_subregion(BbMemoryRegion *container,
                                           BbMemoryRegion *sub);

/**
 * bb_memory_region_set_enabled() - hide or show a region (a disabled
 * region is as if unmapped, and what it covered shows through).
 * Since: ABI 1.1
 */
BB_API void bb_memory_region_set_enabled(BbMemoryRegion *mr, bool enabled);

/**
 * bb_memory_region_set_address() - move a mapped region to @offset in its
 * container (a PCI BAR being reprogrammed).  Any offset is accepted, since
 * a guest may program one: the parts of the region that then lie outside
 * the container are not visible.  No-op for a region that is not mapped.
 * Since: ABI 1.1
 */
BB_API void bb_memory_region_set_address(BbMemoryRegion *mr,
                                         uint64_t offset);

/** bb_memory_region_set_alias_offset() - point an alias elsewhere in its
 * target.  Since: ABI 1.1 */
BB_API void bb_memory_region_set_alias_offset(BbMemoryRegion *alias,
                                              uint64_t offset);

/** bb_memory_region_size() - size in bytes; UINT64_MAX for 2^64.
 * Since: ABI 1.1 */
BB_API uint64_t bb_memory_region_size(const BbMemoryRegion *mr);

/** bb_memory_region_name() - the region's name.  Since: ABI 1.1 */
BB_API const char *bb_memory_region_name(const BbMemoryRegion *mr);

/** bb_memory_region_is_ram() - RAM or ROM (host-backed).  Since: ABI 1.1 */
BB_API bool bb_memory_region_is_ram(const BbMemoryRegion *mr);

/**
 * bb_memory_region_write_rom() - fill part of a RAM or ROM region from the
 * host side (firmware loading).  Writes even to ROM.
 * Return: false with @error (BB_ERROR_INVALID) if the range lies outside
 * the region or it is not host-backed.
 * Since: ABI 1.1
 */
BB_API bool bb_memory_region_write_rom(BbMemoryRegion *mr, uint64_t offset,
                                       const void *data, size_t len,
                                       GError **error);

/**
 * bb_memory_transaction_begin() - defer re-rendering flat views until the
 * matching bb_memory_transaction_commit(); nests.  Use around a batch of
 * map changes.  Every single change is a transaction of its own, so
 * building a large map outside one renders it once per region.  Edits of
 * regions no address space can see (not below a root or an alias target)
 * cost no rendering at all.
 * Since: ABI 1.1
 */
BB_API void bb_memory_transaction_begin(void);
/** bb_memory_transaction_commit() - see bb_memory_transaction_begin(). */
BB_API void bb_memory_transaction_commit(void);

/* ------------------------------------------------------ address spaces */

/**
 * enum BbUnassignedPolicy - what accesses to unmapped addresses do.
 * @BB_UNASSIGNED_ERROR: bus error (BB_MEMTX_DECODE_ERROR).
 * @BB_UNASSIGNED_IGNORE: reads return all-ones, writes are dropped (PCI
 *   windows).
 * Since: ABI 1.1
 */
typedef enum {
    BB_UNASSIGNED_ERROR = 0,
    BB_UNASSIGNED_IGNORE,
} BbUnassignedPolicy;

/**
 * bb_address_space_new() - an address space viewing @root.
 * Return: a new address space (holding a reference to @root).
 * Since: ABI 1.1
 */
BB_API BbAddressSpace *bb_address_space_new(BbMemoryRegion *root,
                                            const char *name,
                                            BbUnassignedPolicy policy);

/** bb_address_space_free() - free an address space (NULL accepted).
 * Since: ABI 1.1 */
BB_API void bb_address_space_free(BbAddressSpace *as);

/** bb_address_space_get_root() - the root region.  Since: ABI 1.1 */
BB_API BbMemoryRegion *bb_address_space_get_root(BbAddressSpace *as);

/**
 * bb_address_space_load() - one access of @size (1, 2, 4 or 8) bytes, as
 * a CPU load does it.  @value receives the value in host order.
 *
 * Guest byte order is little-endian (RISC-V).  RAM and ROM accept any
 * size and alignment (alignment faults are the CPU's business).  An access
 * that spans two ranges of the flat view (say RAM and a device) is made
 * one byte at a time.  Unassigned addresses under BB_UNASSIGNED_IGNORE
 * read as all-ones of @size bytes.
 * Return: BB_MEMTX_OK, or why the access failed (*@value is then 0):
 * BB_MEMTX_ERROR for a @size other than 1, 2, 4 or 8 and for bus errors,
 * BB_MEMTX_DECODE_ERROR for unassigned addresses (policy permitting) and
 * for an access running past 2^64 - 1.
 * Since: ABI 1.1
 */
BB_API BbMemTxResult bb_address_space_load(BbAddressSpace *as, uint64_t addr,
                                           unsigned size, uint64_t *value);

/** bb_address_space_store() - one store of @size bytes; see
 * bb_address_space_load().  Stores to ROM are ignored (and logged) and
 * return BB_MEMTX_OK.  Since: ABI 1.1 */
BB_API BbMemTxResult bb_address_space_store(BbAddressSpace *as,
                                            uint64_t addr, unsigned size,
                                            uint64_t value);

/**
 * bb_address_space_read() - DMA read of @len bytes at @addr into @buf.
 * Accesses to I/O regions are made with the widest naturally aligned size
 * the region accepts.  On failure the rest of @buf is zero-filled and the
 * first failure is returned.
 *
 * The transfer stops at the first failure (bytes before it are
 * transferred).  Holes follow the address space's policy (all-ones reads
 * and dropped writes, or BB_MEMTX_DECODE_ERROR); writes to ROM are
 * ignored and logged.  A transfer running past 2^64 - 1 fails with
 * BB_MEMTX_DECODE_ERROR before anything is transferred.
 * Since: ABI 1.1
 */
BB_API BbMemTxResult bb_address_space_read(BbAddressSpace *as, uint64_t addr,
                                           void *buf, size_t len);

/** bb_address_space_write() - DMA write; see bb_address_space_read().
 * Since: ABI 1.1 */
BB_API BbMemTxResult bb_address_space_write(BbAddressSpace *as,
                                            uint64_t addr, const void *buf,
                                            size_t len);

/**
 * bb_address_space_read_attrs() - bb_address_space_read() with the
 * transaction's attributes, which I/O regions with read_with_attrs see
 * (a PCI function's DMA carries its requester ID).
 * Since: ABI 2.1
 */
BB_API BbMemTxResult bb_address_space_read_attrs(BbAddressSpace *as,
                                                 uint64_t addr, void *buf,
                                                 size_t len,
                                                 BbMemTxAttrs attrs);

/** bb_address_space_write_attrs() - bb_address_space_write() with the
 * transaction's attributes.  Since: ABI 2.1 */
BB_API BbMemTxResult bb_address_space_write_attrs(BbAddressSpace *as,
                                                  uint64_t addr,
                                                  const void *buf,
                                                  size_t len,
                                                  BbMemTxAttrs attrs);

/** bb_address_space_fill() - DMA write of @len copies of @byte.
 * Since: ABI 1.1 */
BB_API BbMemTxResult bb_address_space_fill(BbAddressSpace *as, uint64_t addr,
                                           uint8_t byte, size_t len);

/**
 * bb_address_space_map() - a host pointer to guest RAM for direct access.
 * @len: in: bytes wanted; out: bytes usable at the pointer (up to the end
 *   of the RAM range, never beyond).
 * @is_write: whether the caller will write (ROM cannot be mapped for
 *   writing).
 * Return: the pointer, or NULL (with *@len set to 0) when @addr is not
 * RAM, or is ROM and @is_write is set (use the read/write helpers
 * instead).  *@len stops at the end of the flat-view range, even if RAM
 * continues in the next one.  Valid until the memory map changes; do not
 * keep it.
 * Since: ABI 1.1
 */
BB_API void *bb_address_space_map(BbAddressSpace *as, uint64_t addr,
                                  uint64_t *len, bool is_write);

/* ------------------------------------------------------------ listeners */

/**
 * struct BbMemorySection - one range of a flat view.
 * @mr: the terminal region (RAM, ROM or I/O) the range resolves to.
 * @addr: start address in the address space.
 * @size: length in bytes (UINT64_MAX for a range of 2^64 bytes).
 * @offset_in_region: offset of @addr within @mr.
 * Since: ABI 1.1
 */
typedef struct BbMemorySection {
    BbMemoryRegion *mr;
    uint64_t addr;
    uint64_t size;
    uint64_t offset_in_region;
} BbMemorySection;

/**
 * struct BbMemoryListener - callbacks on flat-view changes.
 * @region_add: a range appeared (or changed) in the view.
 * @region_del: a range went away (or changed).
 * @commit: a batch of changes is complete.
 * @opaque: for the callbacks.
 *
 * Callbacks may be NULL.  On registration the listener hears region_add
 * for every range already in the view, then commit.
 *
 * After a transaction that changed an address space's view, each of its
 * listeners, in registration order, hears region_del for every range of
 * the old view that is not in the new one, then region_add for every new
 * range, then commit once; a range that changed (moved, resized, shows
 * another region or offset) is deleted and added again.  A listener hears
 * nothing when its view did not change.  The new view is already in place
 * during the callbacks.  Callbacks may edit the map (their edits are
 * rendered, and heard, in a following round) but must not add or remove
 * listeners.  Removing a listener calls nothing.
 * Since: ABI 1.1
 */
typedef struct BbMemoryListener {
    void (*region_add)(struct BbMemoryListener *l,
                       const BbMemorySection *section);
    void (*region_del)(struct BbMemoryListener *l,
                       const BbMemorySection *section);
    void (*commit)(struct BbMemoryListener *l);
    void *opaque;
    void *reserved[4];
} BbMemoryListener;

/** bb_address_space_add_listener() - register @l.  Since: ABI 1.1 */
BB_API void bb_address_space_add_listener(BbAddressSpace *as,
                                          BbMemoryListener *l);
/** bb_address_space_remove_listener() - unregister @l.  Since: ABI 1.1 */
BB_API void bb_address_space_remove_listener(BbAddressSpace *as,
                                             BbMemoryListener *l);

G_END_DECLS

#endif /* BREADBOARD_MEMORY_H */
