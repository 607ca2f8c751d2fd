/*
 * fdt-irq-test.c - unit tests of device-tree interrupt properties
 * (fdt.h, host/fdt/fdt-irq.c): the built-in "fdt-interrupt-controller"
 * interface, and bb_device_fdt_interrupts() writing the exact cells of
 * "interrupt-parent" + "interrupts" and of "interrupts-extended" from the
 * IRQ wiring of fake devices (a PLIC-like controller with one- and
 * two-cell specifiers, harts with the cpu-intc numbers, a source with
 * fan-out and unconnected lines), and its errors: unknown group, a sink
 * that is no interrupt controller or cannot name its input, and lines
 * going to two controllers without @extended.
 */
#include <libfdt.h>

#include "host-test.h"

#define TYPE_FI_INTC "fi-intc"   /* "irq"[16] -> <n>, "wide"[4] -> <n 4> */
#define TYPE_FI_HART "fi-hart"   /* msip 3, mtip 7, seip 9, meip 11 */
#define TYPE_FI_PLAIN "fi-plain" /* inputs, but not an interrupt controller */
#define TYPE_FI_SRC "fi-src"     /* outputs "out"[4], "ctx"[4], "none"[2] */

static void ignore_irq(void *opaque, unsigned n, bool level)
{
}

static void fi_intc_init(BbObject *obj)
{
    bb_device_add_irq_in(BB_DEVICE(obj), "irq", 16, ignore_irq, obj, NULL);
    bb_device_add_irq_in(BB_DEVICE(obj), "wide", 4, ignore_irq, obj, NULL);
}

/* Input 0 of "irq" is the PLIC's "no interrupt": it has no specifier. */
static unsigned fi_intc_specifier(BbDevice *dev, const char *group,
                                  unsigned n, uint32_t *cells)
{
    if (!strcmp(group, "wide")) {
        cells[0] = n;
        cells[1] = 4;
        return 2;
    }
    if (n == 0) {
        return 0;
    }
    cells[0] = n;
    return 1;
}

static void fi_intc_class_init(BbObjectClass *klass, const void *data)
{
    BbFdtIntcClass *ic =
        (BbFdtIntcClass *)bb_object_class_dynamic_cast(klass,
                                                       BB_TYPE_FDT_INTC);
    ic->irq_specifier = fi_intc_specifier;
}

static const BbInterfaceInfo fdt_intc_ifaces[] = {
    { BB_TYPE_FDT_INTC }, { NULL }
};

static const BbTypeInfo fi_intc_info = {
    .name = TYPE_FI_INTC,
    .parent = BB_TYPE_DEVICE,
    .instance_init = fi_intc_init,
    .class_init = fi_intc_class_init,
    .interfaces = fdt_intc_ifaces,
};

static const char *const hart_groups[] = { "msip", "mtip", "seip", "meip" };
static const uint32_t hart_causes[] = { 3, 7, 9, 11 };

static void fi_hart_init(BbObject *obj)
{
    for (size_t i = 0; i < G_N_ELEMENTS(hart_groups); i++) {
        bb_device_add_irq_in(BB_DEVICE(obj), hart_groups[i], 1, ignore_irq,
                             obj, NULL);
    }
}

static unsigned fi_hart_specifier(BbDevice *dev, const char *group,
                                  unsigned n, uint32_t *cells)
{
    for (size_t i = 0; i < G_N_ELEMENTS(hart_groups); i++) {
        if (!strcmp(group, hart_groups[i])) {
            cells[0] = hart_causes[i];
            return 1;
        }
    }
    return 0;
}

static void fi_hart_class_init(BbObjectClass *klass, const void *data)
{
    BbFdtIntcClass *ic =
        (BbFdtIntcClass *)bb_object_class_dynamic_cast(klass,
                                                       BB_TYPE_FDT_INTC);
    ic->irq_specifier = fi_hart_specifier;
}

static const BbTypeInfo fi_hart_info = {
    .name = TYPE_FI_HART,
    .parent = BB_TYPE_DEVICE,
    .instance_init = fi_hart_init,
    .class_init = fi_hart_class_init,
    .interfaces = fdt_intc_ifaces,
};

static void fi_plain_init(BbObject *obj)
{
    bb_device_add_irq_in(BB_DEVICE(obj), "irq", 4, ignore_irq, obj, NULL);
}

static const BbTypeInfo fi_plain_info = {
    .name = TYPE_FI_PLAIN,
    .parent = BB_TYPE_DEVICE,
    .instance_init = fi_plain_init,
};

static void fi_src_init(BbObject *obj)
{
    bb_device_add_irq_out(BB_DEVICE(obj), "out", 4, NULL);
    bb_device_add_irq_out(BB_DEVICE(obj), "ctx", 4, NULL);
    bb_device_add_irq_out(BB_DEVICE(obj), "none", 2, NULL);
}

static const BbTypeInfo fi_src_info = {
    .name = TYPE_FI_SRC,
    .parent = BB_TYPE_DEVICE,
    .instance_init = fi_src_init,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = {
        &fi_intc_info, &fi_hart_info, &fi_plain_info, &fi_src_info,
    };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

/* A machine-like tree so that error messages carry canonical paths. */
typedef struct Fixture {
    BbFdt *fdt;
    BbObject *root;
    BbDevice *intc, *intc2, *hart0, *hart1, *plain, *src;
} Fixture;

static BbDevice *add_dev(BbObject *root, const char *name, const char *type)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(type, &err);

    assert_no_error(err);
    assert_true(bb_object_add_child(root, name, obj, &err));
    assert_no_error(err);
    bb_object_unref(obj); /* the parent holds it */
    return BB_DEVICE(obj);
}

static int fix_setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    GError *err = NULL;

    f->fdt = bb_fdt_new();
    f->root = bb_object_new(BB_TYPE_CONTAINER, NULL);
    BbObject *m = bb_object_new(BB_TYPE_CONTAINER, NULL);
    assert_true(bb_object_add_child(f->root, "machine", m, &err));
    bb_object_unref(m);
    f->intc = add_dev(m, "plic", TYPE_FI_INTC);
    f->intc2 = add_dev(m, "plic2", TYPE_FI_INTC);
    f->hart0 = add_dev(m, "hart0", TYPE_FI_HART);
    f->hart1 = add_dev(m, "hart1", TYPE_FI_HART);
    f->plain = add_dev(m, "plain", TYPE_FI_PLAIN);
    f->src = add_dev(m, "src", TYPE_FI_SRC);
    assert_true(bb_fdt_add_node(f->fdt, "/soc/src@1000", &err));
    assert_no_error(err);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    Fixture *f = *state;

    bb_fdt_free(f->fdt);
    bb_object_unref(f->root);
    g_free(f);
    return 0;
}

/* Connect output @group[@n] of @from to input @in_group[@m] of @to. */
static void wire(BbDevice *from, const char *group, unsigned n, BbDevice *to,
                 const char *in_group, unsigned m)
{
    GError *err = NULL;

    assert_true(bb_irq_connect(bb_device_get_irq_out(from, group, n),
                               bb_device_get_irq_in(to, in_group, m), &err));
    assert_no_error(err);
}

/* Expect property @name of /soc/src@1000 to be exactly @n cells. */
static void expect_cells(Fixture *f, const char *name, const uint32_t *want,
                         size_t n)
{
    const void *blob = bb_fdt_get_blob(f->fdt, NULL);
    int off = fdt_path_offset(blob, "/soc/src@1000");
    int len;

    assert_true(off >= 0);
    const fdt32_t *v = fdt_getprop(blob, off, name, &len);
    if (!v) {
        fail_msg("no property %s: %s", name, fdt_strerror(len));
    }
    assert_int_equal(len, n * 4);
    for (size_t i = 0; i < n; i++) {
        if (fdt32_to_cpu(v[i]) != want[i]) {
            fail_msg("%s cell %zu: 0x%x, expected 0x%x", name, i,
                     fdt32_to_cpu(v[i]), want[i]);
        }
    }
}

static void expect_absent(Fixture *f, const char *name)
{
    const void *blob = bb_fdt_get_blob(f->fdt, NULL);
    int off = fdt_path_offset(blob, "/soc/src@1000");

    assert_true(off >= 0);
    assert_null(fdt_getprop(blob, off, name, NULL));
}

static bool interrupts(Fixture *f, const char *group, bool extended,
                       GError **err)
{
    return bb_device_fdt_interrupts(f->src, f->fdt, "/soc/src@1000", group,
                                    extended, err);
}

/* ----------------------------------------------------------- interface */

static void fdt_intc_is_a_builtin_interface(void **state)
{
    GError *err = NULL;
    BbObjectClass *k = bb_object_class_by_name(BB_TYPE_FDT_INTC, &err);

    assert_no_error(err);
    assert_non_null(k);
    assert_true(bb_object_class_is_abstract(k));
    assert_non_null(bb_object_class_dynamic_cast(k, BB_TYPE_INTERFACE));
    Fixture *f = *state;
    assert_non_null(bb_object_dynamic_cast(BB_OBJECT(f->intc),
                                           BB_TYPE_FDT_INTC));
    assert_null(bb_object_dynamic_cast(BB_OBJECT(f->plain),
                                       BB_TYPE_FDT_INTC));
}

/* --------------------------------------------------------- interrupts */

static void interrupts_one_line_names_parent(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    bb_fdt_phandle(f->fdt, BB_OBJECT(f->hart0)); /* takes phandle 1 */
    wire(f->src, "out", 0, f->intc, "irq", 10);
    assert_true(interrupts(f, "out", false, &err));
    assert_no_error(err);
    expect_cells(f, "interrupts", (const uint32_t[]){ 10 }, 1);
    expect_cells(f, "interrupt-parent", (const uint32_t[]){ 2 }, 1);
    assert_int_equal(bb_fdt_phandle(f->fdt, BB_OBJECT(f->intc)), 2);
    expect_absent(f, "interrupts-extended");
}

static void interrupts_lines_in_order_skip_unconnected_list_fanout(
    void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    wire(f->src, "out", 0, f->intc, "irq", 3);
    /* out[1] unconnected */
    wire(f->src, "out", 2, f->intc, "irq", 15);
    wire(f->src, "out", 3, f->intc, "irq", 6);
    wire(f->src, "out", 3, f->intc, "irq", 7); /* one line, two inputs */
    assert_true(interrupts(f, "out", false, &err));
    assert_no_error(err);
    expect_cells(f, "interrupts", (const uint32_t[]){ 3, 15, 6, 7 }, 4);
    expect_cells(f, "interrupt-parent", (const uint32_t[]){ 1 }, 1);
}

static void interrupts_multi_cell_specifier(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    wire(f->src, "out", 0, f->intc, "wide", 2);
    wire(f->src, "out", 1, f->intc, "wide", 3);
    assert_true(interrupts(f, "out", false, &err));
    assert_no_error(err);
    expect_cells(f, "interrupts", (const uint32_t[]){ 2, 4, 3, 4 }, 4);
}

static void interrupts_nothing_connected_writes_nothing(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    assert_true(interrupts(f, "none", false, &err));
    assert_no_error(err);
    assert_true(interrupts(f, "none", true, &err));
    assert_no_error(err);
    expect_absent(f, "interrupts");
    expect_absent(f, "interrupt-parent");
    expect_absent(f, "interrupts-extended");
}

/* ------------------------------------------------ interrupts-extended */

/* The PLIC's contexts: M then S per hart, as QEMU writes them. */
static void interrupts_extended_plic_contexts(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    /* QEMU numbers cpu@1 first with 2 harts: hart1 gets 1, hart0 2 */
    assert_int_equal(bb_fdt_phandle(f->fdt, BB_OBJECT(f->hart1)), 1);
    assert_int_equal(bb_fdt_phandle(f->fdt, BB_OBJECT(f->hart0)), 2);
    wire(f->src, "ctx", 0, f->hart0, "meip", 0);
    wire(f->src, "ctx", 1, f->hart0, "seip", 0);
    wire(f->src, "ctx", 2, f->hart1, "meip", 0);
    wire(f->src, "ctx", 3, f->hart1, "seip", 0);
    assert_true(interrupts(f, "ctx", true, &err));
    assert_no_error(err);
    expect_cells(f, "interrupts-extended",
                 (const uint32_t[]){ 2, 11, 2, 9, 1, 11, 1, 9 }, 8);
    expect_absent(f, "interrupts");
    expect_absent(f, "interrupt-parent");
}

static void interrupts_extended_mixed_controllers_and_widths(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    wire(f->src, "out", 0, f->intc, "irq", 5);
    wire(f->src, "out", 1, f->hart0, "mtip", 0);
    wire(f->src, "out", 1, f->intc2, "wide", 1);
    /* out[2] unconnected */
    wire(f->src, "out", 3, f->hart0, "msip", 0);
    assert_true(interrupts(f, "out", true, &err));
    assert_no_error(err);
    /* phandles in order of first use: plic 1, hart0 2, plic2 3 */
    expect_cells(f, "interrupts-extended",
                 (const uint32_t[]){ 1, 5, 2, 7, 3, 1, 4, 2, 3 }, 9);
}

/* ------------------------------------------------------------- errors */

static void interrupts_unknown_group_fails(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    assert_false(interrupts(f, "nosuch", true, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "/soc/src@1000");
    assert_contains(err->message, "'nosuch'");
    assert_contains(err->message, "/machine/src");
    g_error_free(err);
}

static void interrupts_sink_without_interface_fails(void **state)
{
    Fixture *f = *state;

    for (int extended = 0; extended < 2; extended++) {
        GError *err = NULL;
        if (!extended) {
            wire(f->src, "out", 0, f->intc, "irq", 1);
            wire(f->src, "out", 1, f->plain, "irq", 2);
        }
        assert_false(interrupts(f, "out", extended, &err));
        assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
        assert_contains(err->message, "/soc/src@1000");
        assert_contains(err->message, "'/machine/plain' (fi-plain)");
        assert_contains(err->message, "irq[2]");
        assert_contains(err->message, "not an interrupt controller");
        g_error_free(err);
    }
    expect_absent(f, "interrupts");
    expect_absent(f, "interrupt-parent");
    expect_absent(f, "interrupts-extended");
}

static void interrupts_input_without_specifier_fails(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    wire(f->src, "out", 0, f->intc, "irq", 0);
    assert_false(interrupts(f, "out", true, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'/machine/plic' (fi-intc)");
    assert_contains(err->message, "irq[0]");
    g_error_free(err);
    expect_absent(f, "interrupts-extended");
}

static void interrupts_two_controllers_need_extended(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    wire(f->src, "out", 0, f->intc, "irq", 4);
    wire(f->src, "out", 1, f->intc2, "irq", 4);
    assert_false(interrupts(f, "out", false, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "/soc/src@1000");
    assert_contains(err->message, "'/machine/plic' (fi-intc)");
    assert_contains(err->message, "'/machine/plic2' (fi-intc)");
    assert_contains(err->message, "interrupts-extended");
    g_clear_error(&err);
    expect_absent(f, "interrupts");
    expect_absent(f, "interrupt-parent");
    /* the same wiring is fine as interrupts-extended */
    assert_true(interrupts(f, "out", true, &err));
    assert_no_error(err);
    expect_cells(f, "interrupts-extended",
                 (const uint32_t[]){ 1, 4, 2, 4 }, 4);
}

static void interrupts_missing_node_fails(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;

    wire(f->src, "out", 0, f->intc, "irq", 9);
    assert_false(bb_device_fdt_interrupts(f->src, f->fdt, "/soc/absent@0",
                                          "out", false, &err));
    assert_non_null(err);
    assert_contains(err->message, "/soc/absent@0");
    g_error_free(err);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(fdt_intc_is_a_builtin_interface),
        T(interrupts_one_line_names_parent),
        T(interrupts_lines_in_order_skip_unconnected_list_fanout),
        T(interrupts_multi_cell_specifier),
        T(interrupts_nothing_connected_writes_nothing),
        T(interrupts_extended_plic_contexts),
        T(interrupts_extended_mixed_controllers_and_widths),
        T(interrupts_unknown_group_fails),
        T(interrupts_sink_without_interface_fails),
        T(interrupts_input_without_specifier_fails),
        T(interrupts_two_controllers_need_extended),
        T(interrupts_missing_node_fails),
    };
    return cmocka_run_group_tests_name("host/fdt/fdt-irq", tests,
                                       group_setup, NULL);
}
