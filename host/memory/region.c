/*
 * region.c - memory regions (memory.h): creating RAM, ROM, I/O, alias and
 * container regions, reference counting, and editing the tree (mapping,
 * unmapping, moving, enabling subregions).  Every edit that can change
 * what an address space sees is reported to address-space.c, which
 * re-renders the flat views at the end of the current transaction.
 *
 * RAM and ROM are anonymous private mappings made with MAP_NORESERVE, so
 * host memory is only committed for pages the guest touches; regions of
 * 2 MiB or more are 2 MiB-aligned and marked MADV_HUGEPAGE, so that the
 * host can back them with transparent huge pages (fewer host TLB misses
 * when a guest roams over its RAM).  Errors are
 * reported in the BB_DEVICE_ERROR domain (regions are created by devices
 * and machines while they realize).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "memory-priv.h"

static uint64_t region_next_seq; /* insertion stamps, for equal priorities */

static BbMemoryRegion *region_new(MemoryRegionKind kind, BbObject *owner,
                                  const char *name, uint64_t size)
{
    BbMemoryRegion *mr = g_new0(BbMemoryRegion, 1);

    mr->ref = 1;
    mr->kind = kind;
    mr->owner = owner;
    mr->name = g_strdup(name ? name : "anonymous");
    mr->last = region_last_from_size(size);
    mr->enabled = true;
    return mr;
}

#define HUGE_PAGE_SIZE ((size_t)2 << 20)

/*
 * @size bytes of anonymous memory, 2 MiB-aligned when @size is at least
 * that (a huge page can only back an aligned 2 MiB range): reserve 2 MiB
 * more, then unmap the unaligned head and the tail, so the mapping is
 * exactly [p, p + size) and munmap(p, size) frees it.  MADV_HUGEPAGE is
 * a hint: where transparent huge pages are off it fails, harmlessly.
 */
static void *host_memory_map(size_t size)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    uint8_t *p, *aligned;

    if (size < HUGE_PAGE_SIZE || size > SIZE_MAX - HUGE_PAGE_SIZE) {
        return mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
    }
    p = mmap(NULL, size + HUGE_PAGE_SIZE, PROT_READ | PROT_WRITE, flags, -1,
             0);
    if (p == MAP_FAILED) {
        return p;
    }
    aligned = (uint8_t *)(((uintptr_t)p + HUGE_PAGE_SIZE - 1) &
                          ~(uintptr_t)(HUGE_PAGE_SIZE - 1));
    if (aligned > p) {
        munmap(p, (size_t)(aligned - p));
    }
    if (aligned + size < p + size + HUGE_PAGE_SIZE) {
        munmap(aligned + size, (size_t)(p + size + HUGE_PAGE_SIZE -
                                        (aligned + size)));
    }
#ifdef MADV_HUGEPAGE
    madvise(aligned, size, MADV_HUGEPAGE);
#endif
    return aligned;
}

/* Map @size bytes of lazily committed host memory into a RAM/ROM region. */
static BbMemoryRegion *region_new_host_backed(MemoryRegionKind kind,
                                              BbObject *owner,
                                              const char *name,
                                              uint64_t size, GError **error)
{
    if (size == 0 || size == UINT64_MAX || size > SIZE_MAX) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "memory region '%s': cannot back %#" PRIx64
                    " bytes with host memory", name ? name : "anonymous",
                    size);
        return NULL;
    }
    void *p = host_memory_map((size_t)size);
    if (p == MAP_FAILED) {
        int err = errno;
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_FAILED,
                    "memory region '%s': cannot reserve %#" PRIx64
                    " bytes of host memory: %s", name ? name : "anonymous",
                    size, g_strerror(err));
        return NULL;
    }
    BbMemoryRegion *mr = region_new(kind, owner, name, size);
    mr->ram = p;
    return mr;
}

BbMemoryRegion *bb_memory_region_new_ram(BbObject *owner, const char *name,
                                         uint64_t size, GError **error)
{
    return region_new_host_backed(MR_RAM, owner, name, size, error);
}

BbMemoryRegion *bb_memory_region_new_rom(BbObject *owner, const char *name,
                                         uint64_t size, GError **error)
{
    return region_new_host_backed(MR_ROM, owner, name, size, error);
}

/* Apply the "0 means default" rules; false if the rules are malformed. */
static bool access_rules_normalise(BbMemoryAccessRules *r)
{
    if (r->min_access_size == 0) {
        r->min_access_size = 1;
    }
    if (r->max_access_size == 0) {
        r->max_access_size = 4;
    }
    return access_size_ok(r->min_access_size) &&
           access_size_ok(r->max_access_size) &&
           r->min_access_size <= r->max_access_size;
}

BbMemoryRegion *bb_memory_region_new_io(BbObject *owner, const char *name,
                                        const BbMemoryOps *ops, void *opaque,
                                        uint64_t size)
{
    g_return_val_if_fail(ops != NULL, NULL);
    g_return_val_if_fail(size != 0, NULL);

    BbMemoryOps copy = *ops;
    if (!access_rules_normalise(&copy.valid) ||
        !access_rules_normalise(&copy.impl) ||
        copy.endianness > BB_ENDIAN_BIG) {
        g_critical("memory region '%s': malformed access rules in its ops "
                   "(sizes must be 1, 2, 4 or 8 with min <= max)",
                   name ? name : "anonymous");
        return NULL;
    }
    BbMemoryRegion *mr = region_new(MR_IO, owner, name, size);
    mr->ops = copy;
    mr->opaque = opaque;
    return mr;
}

BbMemoryRegion *bb_memory_region_new_container(BbObject *owner,
                                               const char *name,
                                               uint64_t size)
{
    g_return_val_if_fail(size != 0, NULL);

    BbMemoryRegion *mr = region_new(MR_CONTAINER, owner, name, size);
    mr->subregions = g_ptr_array_new();
    mr->sub_sorted = true;
    return mr;
}

BbMemoryRegion *bb_memory_region_new_alias(BbObject *owner, const char *name,
                                           BbMemoryRegion *target,
                                           uint64_t offset, uint64_t size)
{
    g_return_val_if_fail(target != NULL, NULL);
    g_return_val_if_fail(size != 0, NULL);

    BbMemoryRegion *mr = region_new(MR_ALIAS, owner, name, size);
    mr->alias = bb_memory_region_ref(target);
    mr->alias_offset = offset;
    target->alias_count++;
    return mr;
}

BbMemoryRegion *bb_memory_region_ref(BbMemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, NULL);
    g_atomic_int_inc(&mr->ref);
    return mr;
}

/* Drop every subregion of a container that is going away.  Nothing can
 * see the container any more, so no view changes. */
static void region_drop_subregions(BbMemoryRegion *mr)
{
    for (guint i = 0; i < mr->subregions->len; i++) {
        BbMemoryRegion *sub = mr->subregions->pdata[i];
        sub->container = NULL;
        bb_memory_region_unref(sub);
    }
    g_ptr_array_free(mr->subregions, true);
}

static void region_free(BbMemoryRegion *mr)
{
    switch (mr->kind) {
    case MR_RAM:
    case MR_ROM:
        munmap(mr->ram, (size_t)mr->last + 1);
        break;
    case MR_ALIAS:
        mr->alias->alias_count--;
        bb_memory_region_unref(mr->alias);
        break;
    case MR_CONTAINER:
        region_drop_subregions(mr);
        break;
    case MR_IO:
        break;
    }
    g_free(mr->name);
    g_free(mr);
}

void bb_memory_region_unref(BbMemoryRegion *mr)
{
    if (mr && g_atomic_int_dec_and_test(&mr->ref)) {
        region_free(mr);
    }
}

/* ------------------------------------------------------------ the tree */

/* Whether @needle is @mr or lies below it (through subregions or alias
 * targets): mapping @mr into @needle would then make a cycle. */
static bool region_reaches(const BbMemoryRegion *mr,
                           const BbMemoryRegion *needle)
{
    if (mr == needle) {
        return true;
    }
    if (mr->kind == MR_ALIAS) {
        return region_reaches(mr->alias, needle);
    }
    if (mr->kind == MR_CONTAINER) {
        for (guint i = 0; i < mr->subregions->len; i++) {
            if (region_reaches(mr->subregions->pdata[i], needle)) {
                return true;
            }
        }
    }
    return false;
}

/* Storage order: lower priority first; at equal priority, earlier first.
 * Rendering walks from the end, and the common case (equal priorities,
 * added in order) appends without disturbing the order. */
static gint subregion_cmp(gconstpointer a, gconstpointer b)
{
    const BbMemoryRegion *x = *(BbMemoryRegion *const *)a;
    const BbMemoryRegion *y = *(BbMemoryRegion *const *)b;

    if (x->priority != y->priority) {
        return x->priority < y->priority ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : (x->seq > y->seq ? 1 : 0);
}

void memory_region_sort_subregions(BbMemoryRegion *mr)
{
    if (!mr->sub_sorted) {
        g_ptr_array_sort(mr->subregions, subregion_cmp);
        mr->sub_sorted = true;
    }
}

static bool subregion_check(BbMemoryRegion *container, uint64_t offset,
                            BbMemoryRegion *sub, GError **error)
{
    if (container->kind != MR_CONTAINER) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "cannot map '%s' into '%s': not a container",
                    sub->name, container->name);
        return false;
    }
    if (sub->container) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "cannot map '%s' into '%s': already mapped in '%s'",
                    sub->name, container->name, sub->container->name);
        return false;
    }
    if (offset > container->last || sub->last > container->last - offset) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "cannot map '%s' (%#" PRIx64 " bytes) at %#" PRIx64
                    " in '%s': it does not fit", sub->name,
                    bb_memory_region_size(sub), offset, container->name);
        return false;
    }
    if (region_reaches(sub, container)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "cannot map '%s' into '%s': it would contain itself",
                    sub->name, container->name);
        return false;
    }
    return true;
}

bool bb_memory_region_add_subregion_overlap(BbMemoryRegion *container,
                                            uint64_t offset,
                                            BbMemoryRegion *sub, int priority,
                                            GError **error)
{
    g_return_val_if_fail(container != NULL && sub != NULL, false);
    if (!subregion_check(container, offset, sub, error)) {
        return false;
    }
    sub->container = container;
    sub->addr = offset;
    sub->priority = priority;
    sub->seq = ++region_next_seq;
    bb_memory_region_ref(sub);

    GPtrArray *subs = container->subregions;
    if (subs->len && subregion_cmp(&subs->pdata[subs->len - 1], &sub) > 0) {
        container->sub_sorted = false; /* sorted again when rendered */
    }
    g_ptr_array_add(subs, sub);
    bb_memory_transaction_begin();
    memory_map_changed(sub);
    bb_memory_transaction_commit();
    return true;
}

bool bb_memory_region_add_subregion(BbMemoryRegion *container,
                                    uint64_t offset, BbMemoryRegion *sub,
                                    GError **error)
{
    return bb_memory_region_add_subregion_overlap(container, offset, sub, 0,
                                                  error);
}

void bb_memory_region_del_subregion(BbMemoryRegion *container,
                                    BbMemoryRegion *sub)
{
    g_return_if_fail(container != NULL && sub != NULL);
    if (sub->container != container) {
        return;
    }
    bb_memory_transaction_begin();
    memory_map_changed(sub); /* while it is still attached */
    /* Removing keeps the others' relative order. */
    g_ptr_array_remove(container->subregions, sub);
    sub->container = NULL;
    bb_memory_transaction_commit();
    bb_memory_region_unref(sub);
}

void bb_memory_region_set_enabled(BbMemoryRegion *mr, bool enabled)
{
    g_return_if_fail(mr != NULL);
    if (mr->enabled != enabled) {
        bb_memory_transaction_begin();
        mr->enabled = enabled;
        memory_map_changed(mr);
        bb_memory_transaction_commit();
    }
}

void bb_memory_region_set_address(BbMemoryRegion *mr, uint64_t offset)
{
    g_return_if_fail(mr != NULL);
    if (mr->container && mr->addr != offset) {
        bb_memory_transaction_begin();
        mr->addr = offset;
        memory_map_changed(mr);
        bb_memory_transaction_commit();
    }
}

void bb_memory_region_set_alias_offset(BbMemoryRegion *alias,
                                       uint64_t offset)
{
    g_return_if_fail(alias != NULL && alias->kind == MR_ALIAS);
    if (alias->alias_offset != offset) {
        bb_memory_transaction_begin();
        alias->alias_offset = offset;
        memory_map_changed(alias);
        bb_memory_transaction_commit();
    }
}

/* ------------------------------------------------------------ getters */

uint64_t bb_memory_region_size(const BbMemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, 0);
    return mr->last == UINT64_MAX ? UINT64_MAX : mr->last + 1;
}

const char *bb_memory_region_name(const BbMemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, NULL);
    return mr->name;
}

bool bb_memory_region_is_ram(const BbMemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, false);
    return mr->kind == MR_RAM || mr->kind == MR_ROM;
}

BbObject *memory_region_get_owner(const BbMemoryRegion *mr)
{
    return mr->owner;
}

static void foreach_ram(BbMemoryRegion *mr, GHashTable *seen,
                        MemoryRamFunc fn, void *opaque)
{
    if (!mr || !g_hash_table_add(seen, mr)) {
        return;
    }
    switch (mr->kind) {
    case MR_RAM:
    case MR_ROM:
        fn(mr, mr->ram, mr->last + 1, mr->kind == MR_ROM, opaque);
        break;
    case MR_ALIAS:
        foreach_ram(mr->alias, seen, fn, opaque);
        break;
    case MR_CONTAINER:
        for (guint i = 0; mr->subregions && i < mr->subregions->len; i++) {
            foreach_ram(mr->subregions->pdata[i], seen, fn, opaque);
        }
        break;
    case MR_IO:
        break;
    }
}

void memory_region_foreach_ram(BbMemoryRegion *root, MemoryRamFunc fn,
                               void *opaque)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

    foreach_ram(root, seen, fn, opaque);
}

bool bb_memory_region_write_rom(BbMemoryRegion *mr, uint64_t offset,
                                const void *data, size_t len, GError **error)
{
    g_return_val_if_fail(mr != NULL && (data != NULL || len == 0), false);
    if (!bb_memory_region_is_ram(mr)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "memory region '%s' is not RAM or ROM", mr->name);
        return false;
    }
    if (offset > mr->last || (len && len - 1 > mr->last - offset)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "cannot write %zu bytes at %#" PRIx64 " into '%s' "
                    "(%#" PRIx64 " bytes)", len, offset, mr->name,
                    bb_memory_region_size(mr));
        return false;
    }
    if (len) {
        memcpy(mr->ram + offset, data, len);
    }
    return true;
}
