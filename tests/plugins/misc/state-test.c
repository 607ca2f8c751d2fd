/*
 * state-test.c - save and load of the misc-devices plugin's devices
 * (plugins/misc), checked by behaviour: state saved from one machine is
 * loaded into a fresh device of a second machine, which then has to carry
 * on as the first would have.  goldfish-rtc: an armed alarm fires at the
 * same virtual nanosecond after the load (deterministic mode), a pending
 * interrupt is driven again, a host-clock RTC keeps its distance from
 * wall time and fires an alarm that passed while it was saved, streams of
 * the other time base, another version or truncated are refused with the
 * RTC unchanged, and version 1 streams still load.  sifive-test: its
 * empty section round-trips and anything in its body is refused.  The
 * devices are reached through the system address space only.
 */
#include "host-test.h"
#include "misc-devices.h"

#define TEST_BASE 0x100000u
#define RTC_BASE 0x101000u

#define TIME_LOW (RTC_BASE + 0x00)
#define TIME_HIGH (RTC_BASE + 0x04)
#define ALARM_LOW (RTC_BASE + 0x08)
#define ALARM_HIGH (RTC_BASE + 0x0c)
#define IRQ_ENABLED (RTC_BASE + 0x10)
#define CLEAR_ALARM (RTC_BASE + 0x14)
#define ALARM_STATUS (RTC_BASE + 0x18)
#define CLEAR_INTERRUPT (RTC_BASE + 0x1c)

/* Stream offsets (state.h): u16 name length, "goldfish-rtc", u32 version,
 * u32 body length; the body is offset i64, alarm u32[2], time_high u32,
 * alarm_running, irq_pending, irq_enabled, and (version 2) saved_base. */
#define RTC_HDR (2 + 12)
#define RTC_BODY (RTC_HDR + 8)
#define RTC_BODY_V2 (8 + 8 + 4 + 3 + 1)

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &goldfish_rtc_info,
                                               &sifive_test_info };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

/* ----------------------------------------------------------------- rig */

/* One machine with a finisher and an RTC at fixed addresses; virtual
 * time from instructions (deterministic) or from the host. */
typedef struct Rig {
    BbSystem *sys;
    BbObject *root;
    BbDevice *rtc, *finisher;
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

/* Give @dev its range and realize it: the device core maps it. */
static void map(BbDevice *dev, uint64_t base, uint64_t size)
{
    GError *err = NULL;

    assert_true(bb_device_add_reg(dev, base, size, &err));
    assert_true(bb_device_realize(dev, &err));
    assert_no_error(err);
}

static void rig_init(Rig *r, bool deterministic)
{
    BbSystemOptions opts = { .icount = deterministic };
    GError *err = NULL;

    r->sys = bb_system_new(&opts);
    r->root = bb_object_new(BB_TYPE_CONTAINER, &err);
    assert_no_error(err);
    BbMachine *m = BB_MACHINE(add(r->root, "machine", BB_TYPE_MACHINE));
    m->system = r->sys;
    r->finisher = BB_DEVICE(add(BB_OBJECT(m), "test", TYPE_SIFIVE_TEST));
    r->rtc = BB_DEVICE(add(BB_OBJECT(m), "rtc", TYPE_GOLDFISH_RTC));
    map(r->finisher, TEST_BASE, 0x1000);
    map(r->rtc, RTC_BASE, 0x1000);
    assert_true(bb_system_set_run_state(r->sys, BB_RUN_STATE_RUNNING, NULL));
}

static void rig_free(Rig *r)
{
    bb_object_unref(r->root);
    bb_system_free(r->sys);
}

static uint32_t rd(Rig *r, uint64_t addr)
{
    uint64_t v = 0;

    assert_int_equal(bb_address_space_load(
                         bb_system_get_address_space(r->sys), addr, 4, &v),
                     BB_MEMTX_OK);
    return (uint32_t)v;
}

static void wr(Rig *r, uint64_t addr, uint32_t v)
{
    assert_int_equal(bb_address_space_store(
                         bb_system_get_address_space(r->sys), addr, 4, v),
                     BB_MEMTX_OK);
}

static bool rtc_irq(Rig *r)
{
    return bb_irq_out_get(bb_device_get_irq_out(r->rtc, "irq", 0));
}

static uint64_t rtc_time(Rig *r)
{
    uint64_t low = rd(r, TIME_LOW); /* latches the high half */

    return (uint64_t)rd(r, TIME_HIGH) << 32 | low;
}

/* Virtual time passes (and due timers run); deterministic mode only. */
static void advance(Rig *r, uint64_t ns)
{
    bb_icount_account(bb_system_get_timers(r->sys), ns);
    bb_timer_context_run_due(bb_system_get_timers(r->sys));
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

static void load(BbDevice *dev, const guint8 *data, size_t len)
{
    GError *err = NULL;

    assert_true(bb_state_load(BB_DEVICE_GET_CLASS(dev)->state, dev, data,
                              len, &err));
    assert_no_error(err);
}

static void load_fails(BbDevice *dev, const guint8 *data, size_t len,
                       int code, const char *message)
{
    GError *err = NULL;

    assert_false(bb_state_load(BB_DEVICE_GET_CLASS(dev)->state, dev, data,
                               len, &err));
    assert_error(err, BB_DEVICE_ERROR, code);
    assert_string_equal(err->message, message);
    g_error_free(err);
}

static void put32(guint8 *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (guint8)(v >> (8 * i));
    }
}

/* ---------------------------------------------------------------- RTC */

/* A (deterministic): at virtual 1000 ns the guest sets TIME_HIGH to 1,
 * so the RTC reads 2^32 + virtual time; the alarm is 2^32 + 6000 (5000 ns
 * ahead) with the interrupt enabled; saved at virtual 3000. */
static GByteArray *rtc_save_armed(void)
{
    Rig a;

    rig_init(&a, true);
    advance(&a, 1000);
    wr(&a, TIME_HIGH, 1);
    wr(&a, IRQ_ENABLED, 1);
    wr(&a, ALARM_HIGH, 1);
    wr(&a, ALARM_LOW, 6000);
    advance(&a, 2000);
    assert_int_equal(rtc_time(&a), (UINT64_C(1) << 32) + 3000);
    assert_int_equal(rd(&a, ALARM_STATUS), 1);
    assert_false(rtc_irq(&a));
    GByteArray *saved = save(a.rtc);
    rig_free(&a);
    return saved;
}

/* The alarm fires at the same virtual nanosecond after the load, and the
 * time reads as it would have. */
static void rtc_alarm_fires_on_time_after_load(void **state)
{
    Rig b;
    g_autoptr(GByteArray) saved = rtc_save_armed();

    rig_init(&b, true);
    advance(&b, 3000); /* the snapshot's virtual clock comes back first */
    load(b.rtc, saved->data, saved->len);
    assert_int_equal(rd(&b, ALARM_STATUS), 1);
    assert_int_equal(rd(&b, IRQ_ENABLED), 1);
    assert_int_equal(rd(&b, ALARM_HIGH), 1);
    assert_int_equal(rd(&b, ALARM_LOW), 6000);
    assert_false(rtc_irq(&b));
    advance(&b, 2999);
    assert_int_equal(rtc_time(&b), (UINT64_C(1) << 32) + 5999);
    assert_false(rtc_irq(&b));
    assert_int_equal(rd(&b, ALARM_STATUS), 1);
    advance(&b, 1);
    assert_true(rtc_irq(&b));
    assert_int_equal(rd(&b, ALARM_STATUS), 0);
    wr(&b, CLEAR_INTERRUPT, 1);
    assert_false(rtc_irq(&b));
    rig_free(&b);
}

/* A fired alarm's pending interrupt is saved: driven at once when
 * enabled, held back while disabled. */
static void rtc_pending_interrupt_survives_load(void **state)
{
    Rig a, b;

    rig_init(&a, true);
    wr(&a, ALARM_LOW, 100);
    advance(&a, 100);
    assert_false(rtc_irq(&a));             /* pending, not enabled */
    g_autoptr(GByteArray) masked = save(a.rtc);
    wr(&a, IRQ_ENABLED, 1);
    assert_true(rtc_irq(&a));
    g_autoptr(GByteArray) raised = save(a.rtc);
    rig_free(&a);

    rig_init(&b, true);
    advance(&b, 100);
    load(b.rtc, raised->data, raised->len);
    assert_true(rtc_irq(&b));
    assert_int_equal(rd(&b, ALARM_STATUS), 0);
    load(b.rtc, masked->data, masked->len);
    assert_false(rtc_irq(&b));
    wr(&b, IRQ_ENABLED, 1);
    assert_true(rtc_irq(&b));
    rig_free(&b);
}

/* Normal mode: the RTC keeps its offset from wall time, so it counted the
 * time between save and load; an alarm that passed meanwhile fires at the
 * load, one still ahead stays armed. */
static void rtc_host_clock_counts_the_gap(void **state)
{
    Rig a, b;
    const uint64_t set = UINT64_C(0x100) << 32; /* about 1099 s after 1970 */

    rig_init(&a, false);
    wr(&a, TIME_LOW, 0);
    wr(&a, TIME_HIGH, 0x100);
    wr(&a, IRQ_ENABLED, 1);
    wr(&a, ALARM_HIGH, 0x100);
    wr(&a, ALARM_LOW, 200 * 1000 * 1000);   /* 200 ms after setting it */
    assert_int_equal(rd(&a, ALARM_STATUS), 1);
    g_autoptr(GByteArray) soon = save(a.rtc);
    wr(&a, ALARM_HIGH, 0x101);              /* 4295 s ahead */
    wr(&a, ALARM_LOW, 0);
    g_autoptr(GByteArray) later = save(a.rtc);
    rig_free(&a);

    g_usleep(250 * 1000);
    rig_init(&b, false);
    load(b.rtc, soon->data, soon->len);
    assert_true(rtc_irq(&b));               /* passed while saved */
    assert_int_equal(rd(&b, ALARM_STATUS), 0);
    uint64_t t = rtc_time(&b);
    assert_true(t >= set + 250 * 1000 * 1000);
    assert_true(t < set + UINT64_C(60) * 1000 * 1000 * 1000);
    wr(&b, CLEAR_INTERRUPT, 1);
    load(b.rtc, later->data, later->len);
    assert_false(rtc_irq(&b));
    assert_int_equal(rd(&b, ALARM_STATUS), 1);
    rig_free(&b);
}

/* B's own state: alarm registers 0x55/0x66 with the alarm disarmed and
 * an enabled pending interrupt (the line high). */
static void rtc_set_b(Rig *b)
{
    wr(b, IRQ_ENABLED, 1);
    wr(b, ALARM_HIGH, 0);
    wr(b, ALARM_LOW, 0);                   /* fires at once */
    wr(b, ALARM_HIGH, 0x66);
    wr(b, ALARM_LOW, 0x55);
    wr(b, CLEAR_ALARM, 1);
    assert_true(rtc_irq(b));
}

static void rtc_check_b(Rig *b)
{
    assert_int_equal(rd(b, ALARM_LOW), 0x55);
    assert_int_equal(rd(b, ALARM_HIGH), 0x66);
    assert_int_equal(rd(b, ALARM_STATUS), 0);
    assert_int_equal(rd(b, IRQ_ENABLED), 1);
    assert_true(rtc_irq(b));
}

/* Streams from an RTC on the other time base, with an unknown one, of
 * another version or truncated are refused; the RTC keeps its state. */
static void rtc_load_refuses_bad_streams(void **state)
{
    Rig b;
    g_autoptr(GByteArray) saved = rtc_save_armed();
    g_autoptr(GByteArray) bad = g_byte_array_new();

    assert_int_equal(saved->len, RTC_BODY + RTC_BODY_V2);
    rig_init(&b, false);
    rtc_set_b(&b);
    load_fails(b.rtc, saved->data, saved->len, BB_ERROR_INVALID,
               "state 'goldfish-rtc': saved by an RTC on the virtual clock "
               "(deterministic mode), this one runs on the host clock "
               "(normal mode): the time offset would be meaningless");
    rtc_check_b(&b);

    g_byte_array_append(bad, saved->data, saved->len);
    bad->data[bad->len - 1] = 7;
    load_fails(b.rtc, bad->data, bad->len, BB_ERROR_INVALID,
               "state 'goldfish-rtc': unknown time base 7 (corrupt state?)");
    rtc_check_b(&b);

    bad->data[bad->len - 1] = saved->data[saved->len - 1];
    put32(bad->data + RTC_HDR, 3);
    load_fails(b.rtc, bad->data, bad->len, BB_ERROR_VERSION,
               "state 'goldfish-rtc': version 3 is not supported (accepted: "
               "1 to 2)");
    rtc_check_b(&b);

    load_fails(b.rtc, saved->data, saved->len - 1, BB_ERROR_INVALID,
               "state 'goldfish-rtc': truncated data (in the section "
               "body)");
    rtc_check_b(&b);
    rig_free(&b);
}

/* A version 1 stream (no time base: taken as this RTC's) still loads,
 * and its armed alarm is armed again. */
static void rtc_loads_version_1(void **state)
{
    Rig b;
    g_autoptr(GByteArray) v1 = rtc_save_armed();

    /* version 1 is version 2 without its last field */
    g_byte_array_set_size(v1, v1->len - 1);
    put32(v1->data + RTC_HDR, 1);
    put32(v1->data + RTC_HDR + 4, RTC_BODY_V2 - 1);

    rig_init(&b, true);
    advance(&b, 3000);
    load(b.rtc, v1->data, v1->len);
    assert_int_equal(rd(&b, ALARM_STATUS), 1);
    advance(&b, 2999);
    assert_false(rtc_irq(&b));
    advance(&b, 1);
    assert_true(rtc_irq(&b));
    rig_free(&b);
}

/* -------------------------------------------------------- sifive-test */

/* The finisher's section is empty (the finisher has no state) and loads
 * into a finisher that works as before; a body is refused. */
static void finisher_state_is_empty(void **state)
{
    Rig a, b;
    const size_t hdr = 2 + strlen(TYPE_SIFIVE_TEST) + 8;

    rig_init(&a, true);
    g_autoptr(GByteArray) saved = save(a.finisher);
    rig_free(&a);
    assert_int_equal(saved->len, hdr);
    assert_int_equal(saved->data[0], strlen(TYPE_SIFIVE_TEST));
    assert_memory_equal(saved->data + 2, TYPE_SIFIVE_TEST,
                        strlen(TYPE_SIFIVE_TEST));
    assert_int_equal(saved->data[hdr - 8], 1);  /* version */
    assert_int_equal(saved->data[hdr - 4], 0);  /* body length */

    rig_init(&b, true);
    load(b.finisher, saved->data, saved->len);
    g_autoptr(GByteArray) bad = g_byte_array_new();
    g_byte_array_append(bad, saved->data, saved->len);
    g_byte_array_append(bad, (const guint8 *)"\0", 1);
    bad->data[hdr - 4] = 1;
    load_fails(b.finisher, bad->data, bad->len, BB_ERROR_INVALID,
               "state 'sifive-test': 1 bytes after the fields of version 1 "
               "that are no sub-section");
    wr(&b, TEST_BASE, 0x3333 | 42u << 16);
    assert_int_equal(bb_system_get_shutdown_cause(b.sys),
                     BB_SHUTDOWN_GUEST_FAILURE);
    assert_int_equal(bb_system_get_exit_code(b.sys), 42);
    rig_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rtc_alarm_fires_on_time_after_load),
        cmocka_unit_test(rtc_pending_interrupt_survives_load),
        cmocka_unit_test(rtc_host_clock_counts_the_gap),
        cmocka_unit_test(rtc_load_refuses_bad_streams),
        cmocka_unit_test(rtc_loads_version_1),
        cmocka_unit_test(finisher_state_is_empty),
    };
    return cmocka_run_group_tests_name("plugins/misc/state", tests,
                                       group_setup, NULL);
}
