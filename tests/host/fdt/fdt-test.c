/*
 * fdt-test.c - unit tests of the device-tree builder (fdt.h,
 * host/fdt/fdt.c), read back with libfdt: the initial tree (root cells,
 * the /soc simple-bus), adding nodes by path (missing parent, existing
 * node, bad paths), every property helper with its exact encoding
 * (raw, empty, u32, u64, cells, string, string list), overwriting,
 * errors naming the path, phandles stable per object and distinct across
 * objects, "reg" written from a device's address ranges as 2+2 cells, the
 * packed blob (valid header, totalsize, later changes), and trees and
 * properties large enough to force the buffer to grow.
 */
#include <libfdt.h>

#include "host-test.h"

#define TYPE_FT_DEV "ft-dev"

static const BbTypeInfo ft_dev_info = {
    .name = TYPE_FT_DEV,
    .parent = BB_TYPE_DEVICE,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &ft_dev_info };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

static int fdt_setup(void **state)
{
    *state = bb_fdt_new();
    assert_non_null(*state);
    return 0;
}

static int fdt_teardown(void **state)
{
    bb_fdt_free(*state);
    return 0;
}

/* The packed blob, checked for a valid header. */
static const void *blob_of(BbFdt *fdt)
{
    size_t size = 0;
    const void *blob = bb_fdt_get_blob(fdt, &size);

    assert_non_null(blob);
    assert_int_equal(fdt_check_header(blob), 0);
    assert_int_equal(size, fdt_totalsize(blob));
    return blob;
}

static int node(const void *blob, const char *path)
{
    int off = fdt_path_offset(blob, path);
    if (off < 0) {
        fail_msg("node %s: %s", path, fdt_strerror(off));
    }
    return off;
}

/* The value of @path's property @name; its length in *@len. */
static const guint8 *prop(const void *blob, const char *path,
                          const char *name, int *len)
{
    const void *v = fdt_getprop(blob, node(blob, path), name, len);
    if (!v) {
        fail_msg("property %s of %s: %s", name, path, fdt_strerror(*len));
    }
    return v;
}

static uint32_t prop_u32(const void *blob, const char *path, const char *name)
{
    int len;
    const guint8 *v = prop(blob, path, name, &len);
    assert_int_equal(len, 4);
    return fdt32_to_cpu(*(const fdt32_t *)v);
}

/* Expect @call (which reports into @err) to succeed; @call runs first. */
#define ok(call, err)                                                         \
    do {                                                                      \
        bool ret_ = (call);                                                   \
        assert_no_error(err);                                                 \
        assert_true(ret_);                                                    \
    } while (0)

/* -------------------------------------------------------- initial tree */

static void bb_fdt_new_root_cells_and_soc(void **state)
{
    const void *blob = blob_of(*state);
    int len;

    assert_int_equal(prop_u32(blob, "/", "#address-cells"), 2);
    assert_int_equal(prop_u32(blob, "/", "#size-cells"), 2);
    int soc = node(blob, "/soc");
    assert_int_equal(fdt_parent_offset(blob, soc), 0);
    const guint8 *compat = prop(blob, "/soc", "compatible", &len);
    assert_int_equal(len, sizeof("simple-bus"));
    assert_memory_equal(compat, "simple-bus", sizeof("simple-bus"));
    assert_int_equal(prop_u32(blob, "/soc", "#address-cells"), 2);
    assert_int_equal(prop_u32(blob, "/soc", "#size-cells"), 2);
    prop(blob, "/soc", "ranges", &len);
    assert_int_equal(len, 0); /* identity mapping */
    /* empty: no nodes below /soc */
    assert_int_equal(fdt_first_subnode(blob, soc), -FDT_ERR_NOTFOUND);
}

static void bb_fdt_free_null_is_noop(void **state)
{
    bb_fdt_free(NULL);
}

/* --------------------------------------------------------------- nodes */

static void bb_fdt_add_node_creates_nested_nodes(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;

    ok(bb_fdt_add_node(fdt, "/cpus", &err), err);
    ok(bb_fdt_add_node(fdt, "/cpus/cpu@0", &err), err);
    ok(bb_fdt_add_node(fdt, "/cpus/cpu@1", &err), err);
    ok(bb_fdt_add_node(fdt, "/cpus/cpu@0/interrupt-controller", &err), err);
    const void *blob = blob_of(fdt);
    int cpu0 = node(blob, "/cpus/cpu@0");
    int cpu1 = node(blob, "/cpus/cpu@1");
    assert_int_not_equal(cpu0, cpu1);
    assert_string_equal(fdt_get_name(blob, cpu1, NULL), "cpu@1");
    assert_int_equal(fdt_parent_offset(blob, cpu0), node(blob, "/cpus"));
    node(blob, "/cpus/cpu@0/interrupt-controller");
}

static void bb_fdt_add_node_missing_parent_fails(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;

    assert_false(bb_fdt_add_node(fdt, "/a/b", &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "/a/b");
    g_error_free(err);
    const void *blob = blob_of(fdt);
    assert_true(fdt_path_offset(blob, "/a") < 0);
    assert_true(fdt_path_offset(blob, "/a/b") < 0);
}

static void bb_fdt_add_node_existing_succeeds(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;

    ok(bb_fdt_add_node(fdt, "/cpus", &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/cpus", "timebase-frequency", 10000000,
                           &err), err);
    ok(bb_fdt_add_node(fdt, "/cpus", &err), err);
    ok(bb_fdt_add_node(fdt, "/soc", &err), err);
    const void *blob = blob_of(fdt);
    assert_int_equal(prop_u32(blob, "/cpus", "timebase-frequency"),
                     10000000);
    /* still one /cpus next to /soc */
    unsigned n = 0;
    int child;
    fdt_for_each_subnode(child, blob, 0) {
        n++;
    }
    assert_int_equal(n, 2);
}

static void bb_fdt_add_node_bad_path_fails(void **state)
{
    BbFdt *fdt = *state;
    const char *bad[] = { "relative", "/", "" };
    GError *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_false(bb_fdt_add_node(fdt, bad[i], &err));
        assert_non_null(err);
        assert_int_equal(err->domain, BB_DEVICE_ERROR);
        g_clear_error(&err);
    }
    assert_false(bb_fdt_add_node(fdt, NULL, &err));
    assert_non_null(err);
    g_clear_error(&err);
}

static void bb_fdt_add_node_unit_address_is_part_of_name(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;

    /* "serial" and "serial@1000" are different nodes */
    ok(bb_fdt_add_node(fdt, "/soc/serial@1000", &err), err);
    ok(bb_fdt_add_node(fdt, "/soc/serial", &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/soc/serial", "which", 1, &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/soc/serial@1000", "which", 2, &err), err);
    const void *blob = blob_of(fdt);
    unsigned n = 0;
    int child;
    fdt_for_each_subnode(child, blob, node(blob, "/soc")) {
        const char *name = fdt_get_name(blob, child, NULL);
        uint32_t which = fdt32_to_cpu(
            *(const fdt32_t *)fdt_getprop(blob, child, "which", NULL));
        assert_int_equal(which, strcmp(name, "serial") == 0 ? 1 : 2);
        n++;
    }
    assert_int_equal(n, 2);
    /* the other way round as well */
    ok(bb_fdt_add_node(fdt, "/uart", &err), err);
    ok(bb_fdt_add_node(fdt, "/uart@2000", &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/uart@2000", "which", 3, &err), err);
    blob = blob_of(fdt);
    assert_int_equal(prop_u32(blob, "/uart@2000", "which"), 3);
    /* (libfdt's own path lookup would let "/uart" match "uart@2000") */
    int uart = -1;
    fdt_for_each_subnode(child, blob, 0) {
        if (!strcmp(fdt_get_name(blob, child, NULL), "uart")) {
            uart = child;
        }
    }
    assert_true(uart >= 0);
    assert_null(fdt_getprop(blob, uart, "which", NULL));
}

/* ---------------------------------------------------------- properties */

static void bb_fdt_set_prop_raw_bytes(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;
    int len;

    ok(bb_fdt_set_prop(fdt, "/soc", "raw", "\x01\x00\x03", 3, &err), err);
    const guint8 *v = prop(blob_of(fdt), "/soc", "raw", &len);
    assert_int_equal(len, 3);
    assert_memory_equal(v, "\x01\x00\x03", 3);
}

static void bb_fdt_set_prop_empty_has_no_value(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;
    int len = -1;

    ok(bb_fdt_set_prop_empty(fdt, "/", "dma-coherent", &err), err);
    prop(blob_of(fdt), "/", "dma-coherent", &len);
    assert_int_equal(len, 0);
}

static void bb_fdt_set_prop_u32_big_endian(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;
    int len;

    ok(bb_fdt_set_prop_u32(fdt, "/soc", "v", 0x12345678, &err), err);
    const guint8 *v = prop(blob_of(fdt), "/soc", "v", &len);
    assert_int_equal(len, 4);
    assert_memory_equal(v, "\x12\x34\x56\x78", 4);
}

static void bb_fdt_set_prop_u64_two_cells(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;
    int len;

    ok(bb_fdt_set_prop_u64(fdt, "/soc", "v", 0x0102030405060708ULL, &err),
       err);
    const guint8 *v = prop(blob_of(fdt), "/soc", "v", &len);
    assert_int_equal(len, 8);
    assert_memory_equal(v, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
}

static void bb_fdt_set_prop_cells_big_endian_array(void **state)
{
    BbFdt *fdt = *state;
    static const uint32_t cells[] = { 1, 0xdeadbeef, 0 };
    GError *err = NULL;
    int len;

    ok(bb_fdt_set_prop_cells(fdt, "/soc", "c", cells, 3, &err), err);
    ok(bb_fdt_set_prop_cells(fdt, "/soc", "none", cells, 0, &err), err);
    const void *blob = blob_of(fdt);
    const guint8 *v = prop(blob, "/soc", "c", &len);
    assert_int_equal(len, 12);
    assert_memory_equal(v, "\0\0\0\x01\xde\xad\xbe\xef\0\0\0\0", 12);
    prop(blob, "/soc", "none", &len);
    assert_int_equal(len, 0);
}

static void bb_fdt_set_prop_string_nul_terminated(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;
    int len;

    ok(bb_fdt_set_prop_string(fdt, "/", "model", "breadboard,test", &err),
       err);
    ok(bb_fdt_set_prop_string(fdt, "/", "empty", "", &err), err);
    const void *blob = blob_of(fdt);
    const guint8 *v = prop(blob, "/", "model", &len);
    assert_int_equal(len, sizeof("breadboard,test"));
    assert_memory_equal(v, "breadboard,test", sizeof("breadboard,test"));
    v = prop(blob, "/", "empty", &len);
    assert_int_equal(len, 1);
    assert_int_equal(v[0], 0);
}

static void bb_fdt_set_prop_strings_string_list(void **state)
{
    BbFdt *fdt = *state;
    static const char *const strv[] = { "vendor,dev-v2", "vendor,dev", "ns",
                                        NULL };
    static const char expected[] = "vendor,dev-v2\0vendor,dev\0ns";
    GError *err = NULL;
    int len;

    ok(bb_fdt_set_prop_strings(fdt, "/soc", "compatible", strv, &err), err);
    const void *blob = blob_of(fdt);
    const guint8 *v = prop(blob, "/soc", "compatible", &len);
    assert_int_equal(len, sizeof(expected));
    assert_memory_equal(v, expected, sizeof(expected));
    int soc = node(blob, "/soc");
    assert_int_equal(fdt_stringlist_count(blob, soc, "compatible"), 3);
    assert_string_equal(fdt_stringlist_get(blob, soc, "compatible", 1, NULL),
                        "vendor,dev");
    assert_int_equal(fdt_node_check_compatible(blob, soc, "ns"), 0);
}

static void bb_fdt_set_prop_overwrites_value(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;
    int len;

    ok(bb_fdt_set_prop_u32(fdt, "/soc", "v", 1, &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/soc", "v", 2, &err), err);
    assert_int_equal(prop_u32(blob_of(fdt), "/soc", "v"), 2);
    ok(bb_fdt_set_prop_string(fdt, "/soc", "v", "longer now", &err), err);
    const guint8 *v = prop(blob_of(fdt), "/soc", "v", &len);
    assert_int_equal(len, sizeof("longer now"));
    assert_memory_equal(v, "longer now", len);
}

static void bb_fdt_set_prop_missing_node_names_path(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;

    assert_false(bb_fdt_set_prop_u32(fdt, "/soc/nope@0", "v", 1, &err));
    assert_non_null(err);
    assert_int_equal(err->domain, BB_DEVICE_ERROR);
    assert_contains(err->message, "/soc/nope@0");
    g_clear_error(&err);
    assert_false(bb_fdt_set_prop_string(fdt, "/gone", "s", "x", &err));
    assert_contains(err->message, "/gone");
    g_clear_error(&err);
    assert_false(bb_fdt_set_prop_empty(fdt, "/gone", "e", &err));
    assert_contains(err->message, "/gone");
    g_clear_error(&err);
    static const char *const strv[] = { "a", NULL };
    assert_false(bb_fdt_set_prop_strings(fdt, "/gone", "c", strv, &err));
    assert_contains(err->message, "/gone");
    g_clear_error(&err);
    assert_false(bb_fdt_set_prop_u64(fdt, "/gone", "c", 1, &err));
    assert_contains(err->message, "/gone");
    g_clear_error(&err);
    assert_false(bb_fdt_set_prop_cells(fdt, "/gone", "c", NULL, 0, &err));
    assert_contains(err->message, "/gone");
    g_clear_error(&err);
    assert_false(bb_fdt_set_prop(fdt, "/gone", "c", "x", 1, &err));
    assert_contains(err->message, "/gone");
    g_clear_error(&err);
}

/* ------------------------------------------------------------ phandles */

static void bb_fdt_phandle_stable_per_object(void **state)
{
    BbFdt *fdt = *state;
    BbObject *a = bb_object_new(BB_TYPE_CONTAINER, NULL);
    BbObject *b = bb_object_new(BB_TYPE_CONTAINER, NULL);
    BbObject *c = bb_object_new(BB_TYPE_CONTAINER, NULL);

    assert_int_equal(bb_fdt_phandle(fdt, a), 1);
    assert_int_equal(bb_fdt_phandle(fdt, b), 2);
    assert_int_equal(bb_fdt_phandle(fdt, a), 1);
    assert_int_equal(bb_fdt_phandle(fdt, c), 3);
    assert_int_equal(bb_fdt_phandle(fdt, b), 2);
    /* each tree numbers its own phandles */
    BbFdt *other = bb_fdt_new();
    assert_int_equal(bb_fdt_phandle(other, c), 1);
    assert_int_equal(bb_fdt_phandle(other, a), 2);
    bb_fdt_free(other);
    bb_object_unref(a);
    bb_object_unref(b);
    bb_object_unref(c);
}

static void bb_fdt_phandle_written_and_found(void **state)
{
    BbFdt *fdt = *state;
    BbObject *intc = bb_object_new(BB_TYPE_CONTAINER, NULL);
    BbObject *uart = bb_object_new(BB_TYPE_CONTAINER, NULL);
    GError *err = NULL;

    /* the user asks first, the owner writes its node later */
    ok(bb_fdt_add_node(fdt, "/soc/serial@1000", &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/soc/serial@1000", "interrupt-parent",
                           bb_fdt_phandle(fdt, intc), &err), err);
    ok(bb_fdt_add_node(fdt, "/soc/plic@c000000", &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/soc/plic@c000000", "phandle",
                           bb_fdt_phandle(fdt, intc), &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/soc/serial@1000", "phandle",
                           bb_fdt_phandle(fdt, uart), &err), err);
    const void *blob = blob_of(fdt);
    uint32_t ph = prop_u32(blob, "/soc/serial@1000", "interrupt-parent");
    assert_int_equal(fdt_node_offset_by_phandle(blob, ph),
                     node(blob, "/soc/plic@c000000"));
    assert_int_equal(fdt_get_phandle(blob, node(blob, "/soc/serial@1000")),
                     2);
    bb_object_unref(intc);
    bb_object_unref(uart);
}

/* ------------------------------------------------------------------ reg */

static BbDevice *new_dev(void)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(TYPE_FT_DEV, &err);
    assert_no_error(err);
    return BB_DEVICE(obj);
}

static void bb_device_fdt_reg_prop_two_plus_two_cells(void **state)
{
    BbFdt *fdt = *state;
    BbDevice *dev = new_dev();
    GError *err = NULL;
    int len;
    static const guint8 expected[] = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, /* base 0x10000000 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, /* size 0x100 */
        0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, /* base 0x123456789 */
        0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, /* size 8 GiB */
    };

    ok(bb_device_add_reg(dev, 0x10000000, 0x100, &err), err);
    ok(bb_device_add_reg(dev, 0x123456789ULL, 0x200000000ULL, &err), err);
    ok(bb_fdt_add_node(fdt, "/soc/dev@10000000", &err), err);
    ok(bb_device_fdt_reg_prop(dev, fdt, "/soc/dev@10000000", &err), err);
    const guint8 *v = prop(blob_of(fdt), "/soc/dev@10000000", "reg", &len);
    assert_int_equal(len, sizeof(expected));
    assert_memory_equal(v, expected, sizeof(expected));
    bb_object_unref(BB_OBJECT(dev));
}

static void bb_device_fdt_reg_prop_no_ranges_fails(void **state)
{
    BbFdt *fdt = *state;
    BbDevice *dev = new_dev();
    GError *err = NULL;

    ok(bb_fdt_add_node(fdt, "/soc/dev@0", &err), err);
    assert_false(bb_device_fdt_reg_prop(dev, fdt, "/soc/dev@0", &err));
    assert_non_null(err);
    assert_contains(err->message, "/soc/dev@0");
    g_error_free(err);
    const void *blob = blob_of(fdt);
    assert_null(fdt_getprop(blob, node(blob, "/soc/dev@0"), "reg", NULL));
    bb_object_unref(BB_OBJECT(dev));
}

static void bb_device_fdt_reg_prop_missing_node_fails(void **state)
{
    BbFdt *fdt = *state;
    BbDevice *dev = new_dev();
    GError *err = NULL;

    ok(bb_device_add_reg(dev, 0x1000, 0x10, &err), err);
    assert_false(bb_device_fdt_reg_prop(dev, fdt, "/soc/absent@1000", &err));
    assert_non_null(err);
    assert_contains(err->message, "/soc/absent@1000");
    g_error_free(err);
    bb_object_unref(BB_OBJECT(dev));
}

/* ----------------------------------------------------------------- blob */

static void bb_fdt_get_blob_packed(void **state)
{
    BbFdt *fdt = *state;
    size_t size = 0;
    const void *blob = bb_fdt_get_blob(fdt, &size);

    assert_int_equal(fdt_check_header(blob), 0);
    assert_int_equal(size, fdt_totalsize(blob));
    /* packed: no free space left behind the structure and strings */
    assert_true(size < 1024);
    assert_int_equal(fdt_off_dt_strings(blob) + fdt_size_dt_strings(blob),
                     size);
    assert_non_null(bb_fdt_get_blob(fdt, NULL));
}

static void bb_fdt_get_blob_reflects_later_changes(void **state)
{
    BbFdt *fdt = *state;
    GError *err = NULL;
    size_t before, after;

    bb_fdt_get_blob(fdt, &before);
    ok(bb_fdt_add_node(fdt, "/chosen", &err), err);
    ok(bb_fdt_set_prop_string(fdt, "/chosen", "bootargs", "console=ttyS0",
                              &err), err);
    const void *blob = bb_fdt_get_blob(fdt, &after);
    assert_true(after > before);
    int len;
    const guint8 *v = prop(blob, "/chosen", "bootargs", &len);
    assert_string_equal((const char *)v, "console=ttyS0");
}

static void bb_fdt_add_node_large_tree_grows(void **state)
{
    BbFdt *fdt = *state;
    enum { N = 2000 };
    static const char *const compat[] = { "vendor,some-long-device-name",
                                          "vendor,generic-device", NULL };
    GError *err = NULL;

    for (unsigned i = 0; i < N; i++) {
        g_autofree char *path = g_strdup_printf("/soc/device@%x", i * 0x1000);
        ok(bb_fdt_add_node(fdt, path, &err), err);
        ok(bb_fdt_set_prop_strings(fdt, path, "compatible", compat, &err),
           err);
        ok(bb_fdt_set_prop_u32(fdt, path, "index", i, &err), err);
    }
    size_t size;
    const void *blob = bb_fdt_get_blob(fdt, &size);
    assert_int_equal(fdt_check_header(blob), 0);
    assert_true(size > 64 * 1024); /* larger than any first guess */
    unsigned n = 0;
    int child;
    fdt_for_each_subnode(child, blob, node(blob, "/soc")) {
        n++;
    }
    assert_int_equal(n, N);
    const unsigned probe[] = { 0, 1, N / 2, N - 1 };
    for (size_t i = 0; i < G_N_ELEMENTS(probe); i++) {
        g_autofree char *path = g_strdup_printf("/soc/device@%x",
                                                probe[i] * 0x1000);
        assert_int_equal(prop_u32(blob, path, "index"), probe[i]);
        assert_int_equal(fdt_stringlist_count(blob, node(blob, path),
                                              "compatible"), 2);
    }
    /* the initial properties survived the moves */
    assert_int_equal(prop_u32(blob, "/", "#address-cells"), 2);
}

static void bb_fdt_add_node_many_nodes_grow(void **state)
{
    BbFdt *fdt = *state;
    enum { N = 2000 };
    GError *err = NULL;

    /* nodes only, no properties: adding a node must grow the buffer */
    for (unsigned i = 0; i < N; i++) {
        g_autofree char *path = g_strdup_printf(
            "/soc/node-with-a-rather-long-name-number-%05u", i);
        ok(bb_fdt_add_node(fdt, path, &err), err);
    }
    size_t size;
    const void *blob = bb_fdt_get_blob(fdt, &size);
    assert_int_equal(fdt_check_header(blob), 0);
    assert_true(size > 64 * 1024);
    node(blob, "/soc/node-with-a-rather-long-name-number-00000");
    node(blob, "/soc/node-with-a-rather-long-name-number-01999");
}

static void bb_fdt_set_prop_large_value_grows(void **state)
{
    BbFdt *fdt = *state;
    enum { LEN = 300 * 1024 };
    g_autofree guint8 *data = g_malloc(LEN);
    GError *err = NULL;
    int len;

    for (size_t i = 0; i < LEN; i++) {
        data[i] = (guint8)(i * 7 + 3);
    }
    ok(bb_fdt_set_prop(fdt, "/", "big", data, LEN, &err), err);
    ok(bb_fdt_set_prop_u32(fdt, "/soc", "after", 5, &err), err);
    const void *blob = blob_of(fdt);
    const guint8 *v = prop(blob, "/", "big", &len);
    assert_int_equal(len, LEN);
    assert_memory_equal(v, data, LEN);
    assert_int_equal(prop_u32(blob, "/soc", "after"), 5);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fdt_setup, fdt_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bb_fdt_new_root_cells_and_soc),
        T(bb_fdt_free_null_is_noop),
        T(bb_fdt_add_node_creates_nested_nodes),
        T(bb_fdt_add_node_missing_parent_fails),
        T(bb_fdt_add_node_existing_succeeds),
        T(bb_fdt_add_node_bad_path_fails),
        T(bb_fdt_add_node_unit_address_is_part_of_name),
        T(bb_fdt_set_prop_raw_bytes),
        T(bb_fdt_set_prop_empty_has_no_value),
        T(bb_fdt_set_prop_u32_big_endian),
        T(bb_fdt_set_prop_u64_two_cells),
        T(bb_fdt_set_prop_cells_big_endian_array),
        T(bb_fdt_set_prop_string_nul_terminated),
        T(bb_fdt_set_prop_strings_string_list),
        T(bb_fdt_set_prop_overwrites_value),
        T(bb_fdt_set_prop_missing_node_names_path),
        T(bb_fdt_phandle_stable_per_object),
        T(bb_fdt_phandle_written_and_found),
        T(bb_device_fdt_reg_prop_two_plus_two_cells),
        T(bb_device_fdt_reg_prop_no_ranges_fails),
        T(bb_device_fdt_reg_prop_missing_node_fails),
        T(bb_fdt_get_blob_packed),
        T(bb_fdt_get_blob_reflects_later_changes),
        T(bb_fdt_add_node_large_tree_grows),
        T(bb_fdt_add_node_many_nodes_grow),
        T(bb_fdt_set_prop_large_value_grows),
    };
    return cmocka_run_group_tests_name("host/fdt/fdt", tests, group_setup,
                                       NULL);
}
