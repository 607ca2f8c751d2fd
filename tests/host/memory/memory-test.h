/*
 * memory-test.h - helpers shared by the memory suites: a recording I/O
 * device (a byte array of registers in a chosen byte order whose callbacks
 * log every call), a way to read an address space's whole flat view
 * through the public listener API, and an assertion on that view.
 */
#ifndef TESTS_HOST_MEMORY_MEMORY_TEST_H
#define TESTS_HOST_MEMORY_MEMORY_TEST_H

#include <inttypes.h>

#include "host-test.h"

#define REC_DEV_BYTES 256

/* One callback call. */
typedef struct RecCall {
    bool write;
    uint64_t addr;
    unsigned size;
    uint64_t value;
} RecCall;

/* A device whose registers are @bytes, laid out in @big or little order. */
typedef struct RecDev {
    uint8_t bytes[REC_DEV_BYTES];
    bool big;
    GArray *calls;        /* RecCall */
    BbMemTxResult fail;   /* returned by the *_with_result callbacks */
} RecDev;

static inline uint64_t rec_get(const RecDev *d, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = d->big ? 8 * (size - 1 - i) : 8 * i;
        v |= (uint64_t)d->bytes[(addr + i) % REC_DEV_BYTES] << shift;
    }
    return v;
}

static inline void rec_set(RecDev *d, uint64_t addr, unsigned size,
                           uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = d->big ? 8 * (size - 1 - i) : 8 * i;
        d->bytes[(addr + i) % REC_DEV_BYTES] = (uint8_t)(v >> shift);
    }
}

static inline void rec_log(RecDev *d, bool write, uint64_t addr,
                           unsigned size, uint64_t value)
{
    RecCall c = { write, addr, size, value };
    g_array_append_val(d->calls, c);
}

static inline uint64_t rec_read(void *opaque, uint64_t addr, unsigned size)
{
    RecDev *d = opaque;
    uint64_t v = rec_get(d, addr, size);
    rec_log(d, false, addr, size, v);
    return v;
}

static inline void rec_write(void *opaque, uint64_t addr, uint64_t value,
                             unsigned size)
{
    RecDev *d = opaque;
    rec_log(d, true, addr, size, value);
    rec_set(d, addr, size, value);
}

static inline BbMemTxResult rec_read_res(void *opaque, uint64_t addr,
                                         uint64_t *value, unsigned size)
{
    RecDev *d = opaque;
    *value = rec_read(opaque, addr, size);
    return d->fail;
}

static inline BbMemTxResult rec_write_res(void *opaque, uint64_t addr,
                                          uint64_t value, unsigned size)
{
    RecDev *d = opaque;
    rec_write(opaque, addr, value, size);
    return d->fail;
}

static inline RecDev *rec_dev_new(bool big)
{
    RecDev *d = g_new0(RecDev, 1);
    d->big = big;
    d->calls = g_array_new(false, false, sizeof(RecCall));
    for (unsigned i = 0; i < REC_DEV_BYTES; i++) {
        d->bytes[i] = (uint8_t)(0x80 + i);
    }
    return d;
}

static inline void rec_dev_free(RecDev *d)
{
    g_array_unref(d->calls);
    g_free(d);
}

static inline void rec_clear(RecDev *d)
{
    g_array_set_size(d->calls, 0);
}

static inline const RecCall *rec_call(const RecDev *d, unsigned i)
{
    return &g_array_index(d->calls, RecCall, i);
}

/* Assert that call @i was (@write, @addr, @size, @value). */
#define assert_call(d, i, write_, addr_, size_, value_)                       \
    do {                                                                      \
        assert_true((i) < (d)->calls->len);                                   \
        const RecCall *c_ = rec_call((d), (i));                               \
        if (c_->write != (write_) || c_->addr != (addr_) ||                   \
            c_->size != (size_) || c_->value != (value_)) {                   \
            fail_msg("call %u: got %s(%#" PRIx64 ", %u, %#" PRIx64 "), "      \
                     "expected %s(%#" PRIx64 ", %u, %#" PRIx64 ")",           \
                     (unsigned)(i), c_->write ? "write" : "read", c_->addr,   \
                     c_->size, c_->value, (write_) ? "write" : "read",        \
                     (uint64_t)(addr_), (unsigned)(size_),                    \
                     (uint64_t)(value_));                                     \
        }                                                                     \
    } while (0)

/* An I/O region of @size bytes over @d. */
static inline BbMemoryRegion *rec_region(RecDev *d, const char *name,
                                         uint64_t size,
                                         const BbMemoryOps *ops)
{
    BbMemoryRegion *mr = bb_memory_region_new_io(NULL, name, ops, d, size);
    assert_non_null(mr);
    return mr;
}

static inline BbMemoryRegion *ram_new(const char *name, uint64_t size)
{
    GError *err = NULL;
    BbMemoryRegion *mr = bb_memory_region_new_ram(NULL, name, size, &err);
    assert_no_error(err);
    assert_non_null(mr);
    return mr;
}

/* Map @sub into @c at @off with @prio and drop the caller's reference. */
static inline void map_sub(BbMemoryRegion *c, uint64_t off,
                           BbMemoryRegion *sub, int prio)
{
    GError *err = NULL;
    assert_true(bb_memory_region_add_subregion_overlap(c, off, sub, prio,
                                                       &err));
    assert_no_error(err);
    bb_memory_region_unref(sub);
}

/* ------------------------------------------------------- the flat view */

static inline void view_collect_add(BbMemoryListener *l,
                                    const BbMemorySection *s)
{
    g_array_append_val((GArray *)l->opaque, *s);
}

/* The current flat view of @as, as the sections a new listener hears. */
static inline GArray *view_of(BbAddressSpace *as)
{
    GArray *v = g_array_new(false, false, sizeof(BbMemorySection));
    BbMemoryListener l = { .region_add = view_collect_add, .opaque = v };
    bb_address_space_add_listener(as, &l);
    bb_address_space_remove_listener(as, &l);
    return v;
}

/* Expected view entry: [addr, addr + size) shows @mr from @offset. */
typedef struct ViewExp {
    uint64_t addr, size;
    BbMemoryRegion *mr;
    uint64_t offset;
} ViewExp;

static inline void assert_view_(BbAddressSpace *as, const ViewExp *exp,
                                size_t n)
{
    g_autoptr(GArray) v = view_of(as);
    GString *got = g_string_new(NULL);
    bool ok = v->len == n;

    for (guint i = 0; i < v->len; i++) {
        const BbMemorySection *s = &g_array_index(v, BbMemorySection, i);
        g_string_append_printf(got, "  %#" PRIx64 "+%#" PRIx64 " %s@%#"
                               PRIx64 "\n", s->addr, s->size,
                               bb_memory_region_name(s->mr),
                               s->offset_in_region);
        if (i < n && (s->addr != exp[i].addr || s->size != exp[i].size ||
                      s->mr != exp[i].mr ||
                      s->offset_in_region != exp[i].offset)) {
            ok = false;
        }
    }
    if (!ok) {
        GString *want = g_string_new(NULL);
        for (size_t i = 0; i < n; i++) {
            g_string_append_printf(want, "  %#" PRIx64 "+%#" PRIx64
                                   " %s@%#" PRIx64 "\n", exp[i].addr,
                                   exp[i].size,
                                   bb_memory_region_name(exp[i].mr),
                                   exp[i].offset);
        }
        fail_msg("flat view mismatch\ngot:\n%swant:\n%s", got->str,
                 want->str);
    }
    g_string_free(got, true);
}

#define assert_view(as, ...)                                                  \
    do {                                                                      \
        const ViewExp exp_[] = { __VA_ARGS__ };                               \
        assert_view_((as), exp_, G_N_ELEMENTS(exp_));                         \
    } while (0)

#define assert_view_empty(as)                                                 \
    do {                                                                      \
        g_autoptr(GArray) v_ = view_of(as);                                   \
        assert_int_equal(v_->len, 0);                                         \
    } while (0)

#endif /* TESTS_HOST_MEMORY_MEMORY_TEST_H */
