/*
 * state-test.c - save and load of the interrupt-controllers plugin's
 * devices (plugins/interrupt-controllers), checked by behaviour: state
 * saved from one machine is loaded into a fresh device of a second
 * machine wired the same way, which then has to carry on as the first
 * would have.  PLIC: a claimed interrupt is completed after the load and
 * its line, still high, asks again; another pending source is claimable.
 * CLINT: msip is driven again, mtime continues from the saved value and
 * an armed mtimecmp raises mtip at the right virtual nanosecond.  Loads
 * from a device configured differently, or of a stream holding values
 * the device cannot hold, are refused and leave the device as it was.
 * The devices are reached through the system address space only, as a
 * hart would reach them.
 */
#include "host-test.h"
#include "interrupt-controllers.h"

#define PLIC_BASE 0x0c000000u
#define CLINT_BASE 0x02000000u
#define TYPE_IC_SOURCE "ic-source"

/* A device with 16 interrupt outputs that the test drives. */
static void ic_source_init(BbObject *obj)
{
    bb_device_add_irq_out(BB_DEVICE(obj), "out", 16, NULL);
}

static const BbTypeInfo ic_source_info = {
    .name = TYPE_IC_SOURCE,
    .parent = BB_TYPE_DEVICE,
    .instance_init = ic_source_init,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = {
        &sifive_plic_info, &sifive_clint_info, &ic_source_info
    };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

/* ----------------------------------------------------------------- rig */

/* One machine: a source of interrupt lines wired to PLIC sources 1-15, a
 * PLIC for @harts harts and a CLINT for @harts harts, mapped at virt's
 * addresses, in deterministic time (1 ns per instruction). */
typedef struct Rig {
    BbSystem *sys;
    BbObject *root;
    BbDevice *src, *plic, *clint;
} Rig;

static BbObject *add(BbObject *parent, const char *name, const char *type)
{
    GError *err = NULL;
    BbObject *o = bb_object_new(type, &err);

    assert_no_error(err);
    assert_true(bb_object_add_child(parent, name, o, &err));
    bb_object_unref(o);
    return o;
}

/* Give @dev its range and realize it: the device core maps the region
 * there (device.h). */
static void map(Rig *r, BbDevice *dev, uint64_t base, uint64_t size)
{
    GError *err = NULL;

    assert_true(bb_device_add_reg(dev, base, size, &err));
    assert_true(bb_device_realize(dev, &err));
    assert_no_error(err);
}

static void rig_init(Rig *r, unsigned harts)
{
    BbSystemOptions opts = { .icount = true };
    GError *err = NULL;
    g_autofree char *n = g_strdup_printf("%u", harts);

    r->sys = bb_system_new(&opts);
    r->root = bb_object_new(BB_TYPE_CONTAINER, &err);
    BbMachine *m = BB_MACHINE(add(r->root, "machine", BB_TYPE_MACHINE));
    m->system = r->sys;
    r->src = BB_DEVICE(add(BB_OBJECT(m), "src", TYPE_IC_SOURCE));
    r->plic = BB_DEVICE(add(BB_OBJECT(m), "plic", TYPE_SIFIVE_PLIC));
    r->clint = BB_DEVICE(add(BB_OBJECT(m), "clint", TYPE_SIFIVE_CLINT));
    assert_true(bb_object_set_prop(BB_OBJECT(r->plic), "num-sources", "32",
                                   &err));
    assert_true(bb_object_set_prop(BB_OBJECT(r->plic), "num-harts", n,
                                   &err));
    assert_true(bb_object_set_prop(BB_OBJECT(r->clint), "num-harts", n,
                                   &err));
    assert_no_error(err);
    assert_true(bb_device_realize(r->src, &err));
    map(r, r->plic, PLIC_BASE, 0x600000);
    map(r, r->clint, CLINT_BASE, 0x10000);
    for (unsigned i = 1; i < 16; i++) {
        assert_true(bb_irq_connect(bb_device_get_irq_out(r->src, "out", i),
                                   bb_device_get_irq_in(r->plic, "irq", i),
                                   &err));
    }
    assert_no_error(err);
    assert_true(bb_system_set_run_state(r->sys, BB_RUN_STATE_RUNNING, NULL));
}

static void rig_free(Rig *r)
{
    bb_object_unref(r->root);
    bb_system_free(r->sys);
}

static uint64_t rd(Rig *r, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(bb_address_space_load(
                         bb_system_get_address_space(r->sys), addr, size,
                         &v),
                     BB_MEMTX_OK);
    return v;
}

static void wr(Rig *r, uint64_t addr, unsigned size, uint64_t v)
{
    assert_int_equal(bb_address_space_store(
                         bb_system_get_address_space(r->sys), addr, size,
                         v),
                     BB_MEMTX_OK);
}

static void line(Rig *r, unsigned src, bool level)
{
    bb_irq_out_set(bb_device_get_irq_out(r->src, "out", src), level);
}

static bool out(BbDevice *dev, const char *group, unsigned n)
{
    return bb_irq_out_get(bb_device_get_irq_out(dev, group, n));
}

/* Virtual time passes (and due timers run). */
static void advance(Rig *r, uint64_t ns)
{
    bb_icount_account(bb_system_get_timers(r->sys), ns);
    bb_timer_context_run_due(bb_system_get_timers(r->sys));
}

static int64_t now(Rig *r)
{
    return bb_clock_get_ns(bb_system_get_timers(r->sys), BB_CLOCK_VIRTUAL);
}

static GByteArray *save(BbDevice *dev)
{
    GByteArray *data = g_byte_array_new();
    GError *err = NULL;

    assert_true(bb_state_save(BB_DEVICE_GET_CLASS(dev)->state, dev, data,
                              &err));
    assert_no_error(err);
    return data;
}

static void load(BbDevice *dev, const GByteArray *data)
{
    GError *err = NULL;

    assert_true(bb_state_load(BB_DEVICE_GET_CLASS(dev)->state, dev,
                              data->data, data->len, &err));
    assert_no_error(err);
}

static void load_fails(BbDevice *dev, const GByteArray *data,
                       const char *message)
{
    GError *err = NULL;

    assert_false(bb_state_load(BB_DEVICE_GET_CLASS(dev)->state, dev,
                               data->data, data->len, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message, message);
    g_error_free(err);
}

/* ---------------------------------------------------------------- PLIC */

#define PRIO(src) (PLIC_BASE + 4 * (src))
#define PENDING0 (PLIC_BASE + 0x1000)
#define ENABLE0(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (THRESHOLD(ctx) + 4)

/* Context 1 (hart 0, S mode) has source 5 (priority 3) claimed and
 * source 9 (priority 2) pending above its threshold 1; both lines high. */
static void plic_program(Rig *a)
{
    wr(a, PRIO(5), 4, 3);
    wr(a, PRIO(9), 4, 2);
    wr(a, ENABLE0(1), 4, 1u << 5 | 1u << 9);
    wr(a, THRESHOLD(1), 4, 1);
    line(a, 5, true);
    line(a, 9, true);
    assert_true(out(a->plic, "ctx", 1));
    assert_int_equal(rd(a, CLAIM(1), 4), 5);
    assert_true(out(a->plic, "ctx", 1)); /* 9 still pending */
    assert_false(out(a->plic, "ctx", 0)); /* M context: nothing enabled */
}

static void plic_claimed_interrupt_completes_after_load(void **state)
{
    Rig a, b;

    rig_init(&a, 1);
    plic_program(&a);
    g_autoptr(GByteArray) saved = save(a.plic);
    rig_free(&a);

    /* The machine B: the devices driving the lines restored theirs. */
    rig_init(&b, 1);
    line(&b, 5, true);
    line(&b, 9, true);
    assert_int_equal(rd(&b, PENDING0, 4), 1u << 5 | 1u << 9);
    load(b.plic, saved);
    assert_int_equal(rd(&b, PRIO(5), 4), 3);
    assert_int_equal(rd(&b, ENABLE0(1), 4), 1u << 5 | 1u << 9);
    assert_int_equal(rd(&b, THRESHOLD(1), 4), 1);
    /* 5 is in service, so not pending though its line is high */
    assert_int_equal(rd(&b, PENDING0, 4), 1u << 9);
    assert_true(out(b.plic, "ctx", 1));
    assert_false(out(b.plic, "ctx", 0));
    /* 9 is claimed next; with both in service the output drops */
    assert_int_equal(rd(&b, CLAIM(1), 4), 9);
    assert_false(out(b.plic, "ctx", 1));
    /* completing 5, whose line is still high: it asks again */
    wr(&b, CLAIM(1), 4, 5);
    assert_true(out(b.plic, "ctx", 1));
    assert_int_equal(rd(&b, CLAIM(1), 4), 5);
    /* 9's device went quiet: its completion leaves nothing pending */
    line(&b, 9, false);
    wr(&b, CLAIM(1), 4, 9);
    assert_int_equal(rd(&b, PENDING0, 4), 0);
    assert_false(out(b.plic, "ctx", 1));
    rig_free(&b);
}

static void plic_load_refuses_another_configuration(void **state)
{
    Rig a, b;

    rig_init(&a, 1);
    plic_program(&a);
    g_autoptr(GByteArray) saved = save(a.plic);
    rig_free(&a);

    rig_init(&b, 2);
    wr(&b, PRIO(5), 4, 6);
    wr(&b, THRESHOLD(3), 4, 2);
    load_fails(b.plic, saved,
               "state 'sifive-plic': field 'enable': 2 elements saved, "
               "this instance has 4 (configured differently)");
    assert_int_equal(rd(&b, PRIO(5), 4), 6);
    assert_int_equal(rd(&b, PRIO(9), 4), 0);
    assert_int_equal(rd(&b, THRESHOLD(3), 4), 2);
    rig_free(&b);
}

static void plic_load_refuses_impossible_values(void **state)
{
    Rig a, b;
    /* Section header: name length, "sifive-plic", version, body length;
     * then the count of the priority array and priority[0..]. */
    const size_t prio5 = 2 + strlen(TYPE_SIFIVE_PLIC) + 4 + 4 + 4 + 5 * 4;

    rig_init(&a, 1);
    plic_program(&a);
    g_autoptr(GByteArray) saved = save(a.plic);
    rig_free(&a);
    assert_int_equal(saved->data[prio5], 3);
    saved->data[prio5] = 9;

    rig_init(&b, 1);
    wr(&b, PRIO(5), 4, 1);
    wr(&b, ENABLE0(1), 4, 1u << 5);
    line(&b, 5, true);
    assert_true(out(b.plic, "ctx", 1));
    load_fails(b.plic, saved,
               "state 'sifive-plic': priority of source 5 holds a value "
               "the PLIC cannot (corrupt state?)");
    /* everything as before, the output included */
    assert_int_equal(rd(&b, PRIO(5), 4), 1);
    assert_int_equal(rd(&b, PRIO(9), 4), 0);
    assert_int_equal(rd(&b, ENABLE0(1), 4), 1u << 5);
    assert_int_equal(rd(&b, PENDING0, 4), 1u << 5);
    assert_true(out(b.plic, "ctx", 1));
    assert_int_equal(rd(&b, CLAIM(1), 4), 5);
    rig_free(&b);
}

/* --------------------------------------------------------------- CLINT */

#define MSIP(h) (CLINT_BASE + 4 * (h))
#define MTIMECMP(h) (CLINT_BASE + 0x4000 + 8 * (h))
#define MTIME (CLINT_BASE + 0xbff8)

static void clint_timer_fires_on_time_after_load(void **state)
{
    Rig a, b;

    /* A: mtime set to 1000 ticks at virtual time 3000 ns; hart 1's
     * mtimecmp 50 ticks (5000 ns at 10 MHz) ahead; hart 0's msip set and
     * its mtimecmp far away. */
    rig_init(&a, 2);
    advance(&a, 3000);
    wr(&a, MTIME, 8, 1000);
    wr(&a, MTIMECMP(0), 8, UINT64_MAX);
    wr(&a, MTIMECMP(1), 8, 1050);
    wr(&a, MSIP(0), 4, 1);
    assert_true(out(a.clint, "msip", 0));
    assert_false(out(a.clint, "mtip", 1));
    int64_t saved_at = now(&a);
    g_autoptr(GByteArray) saved = save(a.clint);
    rig_free(&a);

    /* B: a fresh CLINT; the snapshot's virtual clock is restored first
     * (here: B's clock simply reaches the same time). */
    rig_init(&b, 2);
    advance(&b, (uint64_t)saved_at);
    assert_int_equal(now(&b), saved_at);
    assert_true(out(b.clint, "mtip", 1)); /* reset: mtimecmp 0 */
    load(b.clint, saved);
    assert_int_equal(rd(&b, MTIME, 8), 1000);
    assert_int_equal(rd(&b, MTIMECMP(1), 8), 1050);
    assert_int_equal(rd(&b, MSIP(0), 4), 1);
    assert_true(out(b.clint, "msip", 0));
    assert_false(out(b.clint, "msip", 1));
    assert_false(out(b.clint, "mtip", 0));
    assert_false(out(b.clint, "mtip", 1));
    /* mtip of hart 1 rises exactly when mtime reaches 1050 */
    advance(&b, 4999);
    assert_false(out(b.clint, "mtip", 1));
    advance(&b, 1);
    assert_true(out(b.clint, "mtip", 1));
    assert_int_equal(rd(&b, MTIME, 8), 1050);
    assert_false(out(b.clint, "mtip", 0));
    rig_free(&b);
}

static void clint_load_refuses_another_configuration(void **state)
{
    Rig a, b;

    rig_init(&a, 2);
    wr(&a, MTIMECMP(1), 8, 77);
    g_autoptr(GByteArray) saved = save(a.clint);
    rig_free(&a);

    rig_init(&b, 1);
    wr(&b, MTIMECMP(0), 8, 1234);
    wr(&b, MSIP(0), 4, 1);
    load_fails(b.clint, saved,
               "state 'sifive-clint': field 'harts': 2 elements saved, this "
               "instance has 1 (configured differently)");
    assert_int_equal(rd(&b, MTIMECMP(0), 8), 1234);
    assert_int_equal(rd(&b, MSIP(0), 4), 1);
    rig_free(&b);
}

static void clint_load_refuses_bad_msip(void **state)
{
    Rig a, b;
    /* Header, mtime_offset, harts count, then hart 0's section: header
     * ("sifive-clint-hart"), msip. */
    const size_t msip0 = 2 + strlen(TYPE_SIFIVE_CLINT) + 8 + 8 + 4 + 2 +
                         strlen("sifive-clint-hart") + 8;

    rig_init(&a, 1);
    wr(&a, MSIP(0), 4, 1);
    g_autoptr(GByteArray) saved = save(a.clint);
    rig_free(&a);
    assert_int_equal(saved->data[msip0], 1);
    saved->data[msip0] = 2;

    rig_init(&b, 1);
    load_fails(b.clint, saved,
               "state 'sifive-clint': msip of hart 0 is 2: only bit 0 "
               "exists");
    assert_int_equal(rd(&b, MSIP(0), 4), 0);
    assert_false(out(b.clint, "msip", 0));
    rig_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plic_claimed_interrupt_completes_after_load),
        cmocka_unit_test(plic_load_refuses_another_configuration),
        cmocka_unit_test(plic_load_refuses_impossible_values),
        cmocka_unit_test(clint_timer_fires_on_time_after_load),
        cmocka_unit_test(clint_load_refuses_another_configuration),
        cmocka_unit_test(clint_load_refuses_bad_msip),
    };
    return cmocka_run_group_tests_name("plugins/interrupt-controllers/state",
                                       tests, group_setup, NULL);
}
