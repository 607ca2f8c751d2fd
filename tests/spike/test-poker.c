/*
 * test-poker.c - the "spiketest" plugin's "test-poker": a CPU-less
 * stand-in for a guest program, so the riscv-spike machine's HTIF can be
 * tested before a CPU exists.  After each reset it walks a script of
 * steps, each after a delay of virtual time, doing its loads and stores
 * *through the system address space* exactly as a hart's would:
 *
 *   DELAY_NS:ADDR:SIZE:VALUE    store VALUE (SIZE = 1, 2, 4 or 8 bytes)
 *   DELAY_NS:ADDR:SIZE:=VALUE   load and check that it equals VALUE
 *   DELAY_NS:ADDR:SIZE:~VALUE   load every DELAY_NS until it equals
 *                               VALUE (at most 100000 tries)
 *   DELAY_NS:reset              request a system reset
 *
 * Steps are separated by commas.  A failed check or access prints
 * "test-poker: step N: ..." on stderr and ends the run as a guest failure
 * with code 99, so it cannot pass for an HTIF exit code.  The step index
 * survives resets (like test-finisher's).
 */
#include <stdlib.h>
#include <string.h>

#include <breadboard/breadboard.h>

#define TYPE_TEST_POKER "test-poker"
#define POKER_FAIL_CODE 99
#define POKER_MAX_POLLS 100000

typedef enum { STEP_STORE, STEP_CHECK, STEP_POLL, STEP_RESET } StepKind;

typedef struct PokerStep {
    StepKind kind;
    int64_t delay_ns;
    uint64_t addr, value;
    unsigned size;
} PokerStep;

typedef struct TestPoker {
    BbDevice parent_obj;
    char *script;        /* the steps, see above */
    GArray *steps;       /* PokerStep */
    guint next;          /* index of the next step */
    unsigned polls;      /* tries of the current poll step */
    BbTimer *timer;
} TestPoker;

BB_DECLARE_TYPE(TestPoker, BbDeviceClass, TEST_POKER, TYPE_TEST_POKER)

static void poker_fail(TestPoker *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void poker_fail(TestPoker *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_printerr("test-poker: step %u: %s\n", s->next, msg);
    bb_system_request_shutdown(bb_device_get_system(BB_DEVICE(s)),
                               BB_SHUTDOWN_GUEST_FAILURE, POKER_FAIL_CODE);
}

static void poker_arm(TestPoker *s)
{
    BbTimerContext *t = bb_system_get_timers(
        bb_device_get_system(BB_DEVICE(s)));

    if (s->next < s->steps->len) {
        const PokerStep *st = &g_array_index(s->steps, PokerStep, s->next);
        bb_timer_mod(s->timer,
                     bb_clock_get_ns(t, BB_CLOCK_VIRTUAL) + st->delay_ns);
    }
}

/* Run step @st; false to stay on it (a poll that has not matched yet). */
static bool poker_do(TestPoker *s, const PokerStep *st, BbAddressSpace *as)
{
    uint64_t v = 0;
    BbMemTxResult r;

    if (st->kind == STEP_RESET) {
        bb_system_request_reset(bb_device_get_system(BB_DEVICE(s)));
        return true;
    }
    if (st->kind == STEP_STORE) {
        r = bb_address_space_store(as, st->addr, st->size, st->value);
    } else {
        r = bb_address_space_load(as, st->addr, st->size, &v);
    }
    if (r != BB_MEMTX_OK) {
        poker_fail(s, "%u-byte access at 0x%" G_GINT64_MODIFIER "x failed "
                   "(%d)", st->size, st->addr, r);
        return true;
    }
    if (st->kind == STEP_POLL && v != st->value &&
        ++s->polls < POKER_MAX_POLLS) {
        return false;
    }
    if (st->kind != STEP_STORE && v != st->value) {
        poker_fail(s, "0x%" G_GINT64_MODIFIER "x holds 0x%" G_GINT64_MODIFIER
                   "x, expected 0x%" G_GINT64_MODIFIER "x", st->addr, v,
                   st->value);
    }
    s->polls = 0;
    return true;
}

static void poker_step(void *opaque)
{
    TestPoker *s = opaque;
    BbSystem *sys = bb_device_get_system(BB_DEVICE(s));

    if (s->next >= s->steps->len) {
        return;
    }
    const PokerStep *st = &g_array_index(s->steps, PokerStep, s->next);
    if (poker_do(s, st, bb_system_get_address_space(sys))) {
        s->next++;
    }
    poker_arm(s);
}

/* Parse one "DELAY:ADDR:SIZE:[=~]VALUE" or "DELAY:reset". */
static bool parse_step(const char *text, PokerStep *st, GError **error)
{
    g_auto(GStrv) f = g_strsplit(text, ":", 4);
    guint n = g_strv_length(f);
    char *end;

    memset(st, 0, sizeof(*st));
    st->delay_ns = strtoll(f[0], &end, 0);
    if (*end || st->delay_ns < 0) {
        goto bad;
    }
    if (n == 2 && !strcmp(f[1], "reset")) {
        st->kind = STEP_RESET;
        return true;
    }
    if (n != 4) {
        goto bad;
    }
    st->addr = strtoull(f[1], &end, 0);
    if (*end) {
        goto bad;
    }
    st->size = (unsigned)strtoul(f[2], &end, 0);
    if (*end || (st->size != 1 && st->size != 2 && st->size != 4 &&
                 st->size != 8)) {
        goto bad;
    }
    const char *v = f[3];
    st->kind = *v == '=' ? STEP_CHECK : *v == '~' ? STEP_POLL : STEP_STORE;
    st->value = strtoull(v + (st->kind != STEP_STORE), &end, 0);
    if (!*end) {
        return true;
    }
bad:
    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                "script step '%s': expected DELAY_NS:ADDR:SIZE:[=~]VALUE or "
                "DELAY_NS:reset", text);
    return false;
}

static bool poker_realize(BbDevice *dev, GError **error)
{
    TestPoker *s = TEST_POKER(dev);
    BbSystem *sys = bb_device_get_system(dev);
    g_auto(GStrv) parts = g_strsplit(s->script ? s->script : "", ",", -1);

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "test-poker needs a system");
        return false;
    }
    s->steps = g_array_new(false, false, sizeof(PokerStep));
    for (char **p = parts; *p; p++) {
        PokerStep st;
        if (!**p) {
            continue;
        }
        if (!parse_step(*p, &st, error)) {
            g_clear_pointer(&s->steps, g_array_unref);
            return false;
        }
        g_array_append_val(s->steps, st);
    }
    s->timer = bb_timer_new(bb_system_get_timers(sys), BB_CLOCK_VIRTUAL,
                            poker_step, s);
    return true;
}

static void poker_unrealize(BbDevice *dev)
{
    TestPoker *s = TEST_POKER(dev);

    g_clear_pointer(&s->timer, bb_timer_free);
    g_clear_pointer(&s->steps, g_array_unref);
}

static void poker_reset(BbDevice *dev)
{
    TestPoker *s = TEST_POKER(dev);

    s->polls = 0;
    poker_arm(s);
}

static const BbPropertyInfo poker_props[] = {
    BB_PROP_STRING("script", TestPoker, script, NULL,
                   "DELAY_NS:ADDR:SIZE:[=~]VALUE or DELAY_NS:reset steps, "
                   "comma-separated"),
    BB_PROP_END
};

static void poker_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, poker_props);
    dc->realize = poker_realize;
    dc->unrealize = poker_unrealize;
    dc->reset = poker_reset;
}

static const BbTypeInfo test_poker_info = {
    .name = TYPE_TEST_POKER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestPoker),
    .class_init = poker_class_init,
    .description = "scripted loads and stores through the system address "
                   "space (CPU-less HTIF tests)",
};

static bool spiketest_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &test_poker_info, error);
}

BB_PLUGIN_DEFINE("spiketest", "1.0.0", "MIT",
                 "test-only device for the riscv-spike tests (test-poker)",
                 spiketest_init, TYPE_TEST_POKER)
