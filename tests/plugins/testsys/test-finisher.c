/*
 * test-finisher.c - "test-finisher": a SiFive-test-like register (write
 * 0x5555 = power off, 0x3333 | code << 16 = fail with code, 0x7777 =
 * reset) that can also drive itself from a script, so run-state and
 * exit-code tests need no CPU.
 *
 * The "script" property is a list of "DELAY_NS:VALUE" steps separated by
 * commas.  After each reset the device waits DELAY_NS of virtual time and
 * stores VALUE into its own register *through the system address space*,
 * exactly as a guest store would, then moves to the next step.  The step
 * index survives resets, so "1000:0x7777,1000:0x5555" resets once and then
 * powers off.
 */
#include <stdlib.h>

#include <breadboard/breadboard.h>

#define TYPE_TEST_FINISHER "test-finisher"

typedef struct TestFinisher {
    BbDevice parent_obj;
    char *script;          /* "DELAY_NS:VALUE,..." */
    BbMemoryRegion *mmio;
    BbTimer *timer;
    GArray *steps;         /* Step */
    guint next_step;
    uint32_t resets;       /* times reset ran (read at offset 4) */
} TestFinisher;

typedef struct Step {
    int64_t delay_ns;
    uint32_t value;
} Step;

BB_DECLARE_TYPE(TestFinisher, BbDeviceClass, TEST_FINISHER,
                TYPE_TEST_FINISHER)

static uint64_t finisher_read(void *opaque, uint64_t addr, unsigned size)
{
    TestFinisher *s = opaque;
    return addr == 4 ? s->resets : 0;
}

static void finisher_write(void *opaque, uint64_t addr, uint64_t value,
                           unsigned size)
{
    TestFinisher *s = opaque;
    BbSystem *sys = bb_device_get_system(BB_DEVICE(s));

    if (addr != 0) {
        bb_guest_error("test-finisher: write to unknown offset 0x%x",
                       (unsigned)addr);
        return;
    }
    switch (value & 0xffff) {
    case 0x5555:
        bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
        break;
    case 0x3333:
        bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_FAILURE,
                                   (int)(value >> 16));
        break;
    case 0x7777:
        bb_system_request_reset(sys);
        break;
    default:
        bb_guest_error("test-finisher: unknown command 0x%x",
                       (unsigned)value);
    }
}

static const BbMemoryOps finisher_ops = {
    .read = finisher_read,
    .write = finisher_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 2, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void finisher_step(void *opaque)
{
    TestFinisher *s = opaque;
    BbSystem *sys = bb_device_get_system(BB_DEVICE(s));
    uint64_t base;

    if (s->next_step >= s->steps->len) {
        return;
    }
    Step *st = &g_array_index(s->steps, Step, s->next_step++);
    bb_device_get_reg(BB_DEVICE(s), 0, &base, NULL);
    bb_address_space_store(bb_system_get_address_space(sys), base, 4,
                           st->value);
    if (s->next_step < s->steps->len) {
        Step *nx = &g_array_index(s->steps, Step, s->next_step);
        BbTimerContext *t = bb_system_get_timers(sys);
        bb_timer_mod(s->timer,
                     bb_clock_get_ns(t, BB_CLOCK_VIRTUAL) + nx->delay_ns);
    }
}

static bool parse_script(TestFinisher *s, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(s->script ? s->script : "", ",", -1);

    for (char **p = parts; *p; p++) {
        char *colon = strchr(*p, ':'), *end;
        Step st;
        if (!**p) {
            continue;
        }
        st.delay_ns = colon ? strtoll(*p, &end, 0) : -1;
        if (!colon || end != colon || st.delay_ns < 0) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "script step '%s': expected DELAY_NS:VALUE", *p);
            return false;
        }
        st.value = (uint32_t)strtoul(colon + 1, &end, 0);
        if (*end) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "script step '%s': bad value", *p);
            return false;
        }
        g_array_append_val(s->steps, st);
    }
    return true;
}

static bool finisher_realize(BbDevice *dev, GError **error)
{
    TestFinisher *s = TEST_FINISHER(dev);
    BbSystem *sys = bb_device_get_system(dev);

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "test-finisher needs a system");
        return false;
    }
    s->steps = g_array_new(false, false, sizeof(Step));
    if (!parse_script(s, error)) {
        return false;
    }
    s->mmio = bb_memory_region_new_io(BB_OBJECT(dev), "test-finisher",
                                      &finisher_ops, s, 0x1000);
    bb_device_init_mmio(dev, s->mmio);
    s->timer = bb_timer_new(bb_system_get_timers(sys), BB_CLOCK_VIRTUAL,
                            finisher_step, s);
    return true;
}

static void finisher_unrealize(BbDevice *dev)
{
    TestFinisher *s = TEST_FINISHER(dev);

    g_clear_pointer(&s->timer, bb_timer_free);
    g_clear_pointer(&s->mmio, bb_memory_region_unref);
    g_clear_pointer(&s->steps, g_array_unref);
}

static void finisher_reset(BbDevice *dev)
{
    TestFinisher *s = TEST_FINISHER(dev);
    BbTimerContext *t = bb_system_get_timers(bb_device_get_system(dev));

    s->resets++;
    if (s->next_step < s->steps->len) {
        Step *st = &g_array_index(s->steps, Step, s->next_step);
        bb_timer_mod(s->timer,
                     bb_clock_get_ns(t, BB_CLOCK_VIRTUAL) + st->delay_ns);
    }
}

static const BbPropertyInfo finisher_props[] = {
    BB_PROP_STRING("script", TestFinisher, script, NULL,
                   "DELAY_NS:VALUE steps, comma-separated"),
    BB_PROP_END
};

static void finisher_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, finisher_props);
    dc->realize = finisher_realize;
    dc->unrealize = finisher_unrealize;
    dc->reset = finisher_reset;
    dc->reg_size = 0x1000;
}

const BbTypeInfo test_finisher_info = {
    .name = TYPE_TEST_FINISHER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestFinisher),
    .class_init = finisher_class_init,
    .description = "scriptable power-off/fail/reset register",
};
