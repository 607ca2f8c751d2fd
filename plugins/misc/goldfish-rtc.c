/*
 * goldfish-rtc.c - "goldfish-rtc": the Goldfish real-time clock of QEMU's
 * virt board (reference/hardware.md section 2.5; Linux's rtc-goldfish
 * driver is its user).  Time is nanoseconds since the Unix epoch; the
 * registers are 32 bits wide and decoded in the first 0x24 bytes (the rest
 * of the range is unassigned, as in QEMU).
 *
 *   0x00 TIME_LOW        read: low half of now, latches the high half;
 *                        write: replace the low half of the time
 *   0x04 TIME_HIGH       read: the latched high half; write: replace the
 *                        high half of the time
 *   0x08 ALARM_LOW       low half of the alarm; a write arms it
 *   0x0c ALARM_HIGH      high half of the alarm (a write does not arm)
 *   0x10 IRQ_ENABLED     bit 0
 *   0x14 CLEAR_ALARM     write: disarm
 *   0x18 ALARM_STATUS    read: 1 while armed
 *   0x1c CLEAR_INTERRUPT write: clear the pending interrupt
 *
 * An alarm at or before now fires at once; firing disarms and sets the
 * pending flag, and IRQ output "irq" is pending AND enabled.
 *
 * The register block helper (regs.h) stores ALARM_* and IRQ_ENABLED
 * (bits 31:1 reserved) and logs misuse of the registers as guest errors.
 *
 * "Now" is the host's wall clock (BB_CLOCK_HOST) normally and the virtual
 * clock in deterministic mode (--icount, where the RTC starts at the epoch
 * and runs with guest time, so runs repeat exactly), plus an offset that
 * guest writes to TIME_LOW/TIME_HIGH adjust and a reset clears.  Unlike
 * QEMU, setting the time re-evaluates an armed alarm against the new time.
 * Saved state (state.h) keeps the offset on the same clock: see the
 * comment above rtc_state_fields for how the time survives a load.
 */
#include <inttypes.h>

#include "misc-devices.h"

#define GOLDFISH_RTC_SIZE 0x24     /* decoded registers */
#define GOLDFISH_RTC_RANGE 0x1000  /* default board range */

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

typedef struct GoldfishRtc {
    BbDevice parent_obj;
    uint64_t base;           /* guest-physical address, for the node name */
    BbTimerContext *timers;
    BbClockType clock;       /* host time, or virtual in deterministic mode */
    BbTimer *alarm_timer;
    BbRegBlock regs;         /* rtc_regs bound to this device */
    int64_t offset;          /* RTC time = clock + offset (ns) */
    uint32_t alarm[2];       /* ALARM_LOW, ALARM_HIGH: ns since the epoch */
    uint32_t time_high;      /* high half latched by reading TIME_LOW */
    bool alarm_running;      /* ALARM_STATUS: armed and not fired */
    bool irq_pending;
    bool irq_enabled;        /* IRQ_ENABLED */
    uint8_t saved_base;      /* state only: RTC_BASE_* of a saved offset */
} GoldfishRtc;

BB_DECLARE_TYPE(GoldfishRtc, BbDeviceClass, GOLDFISH_RTC, TYPE_GOLDFISH_RTC)

static const char *const goldfish_rtc_compatible[] = {
    "google,goldfish-rtc", NULL
};

static uint64_t rtc_now(GoldfishRtc *s)
{
    return (uint64_t)bb_clock_get_ns(s->timers, s->clock) +
           (uint64_t)s->offset;
}

static void rtc_update_irq(GoldfishRtc *s)
{
    bb_irq_out_set(bb_device_get_irq_out(BB_DEVICE(s), "irq", 0),
                   s->irq_pending && s->irq_enabled);
}

static void rtc_fire(GoldfishRtc *s)
{
    bb_timer_del(s->alarm_timer);
    s->alarm_running = false;
    s->irq_pending = true;
    rtc_update_irq(s);
}

static void rtc_alarm_expired(void *opaque)
{
    rtc_fire(opaque);
}

/* Arm the alarm for s->alarm, or fire it now if that has passed. */
static void rtc_arm(GoldfishRtc *s)
{
    uint64_t alarm = (uint64_t)s->alarm[1] << 32 | s->alarm[0];
    uint64_t now = rtc_now(s);
    uint64_t delta;

    if (alarm <= now) {
        rtc_fire(s);
        return;
    }
    delta = alarm - now;
    s->alarm_running = true;
    if (delta > (uint64_t)(INT64_MAX / 2)) {
        /* Centuries away: it will never fire while we run. */
        bb_timer_del(s->alarm_timer);
        return;
    }
    bb_timer_mod(s->alarm_timer,
                 bb_clock_get_ns(s->timers, s->clock) + (int64_t)delta);
}

static void rtc_set_time(GoldfishRtc *s, uint64_t t)
{
    /* Modulo 2^64, as rtc_now() adds it: the guest may set any time, and
     * a signed sum could overflow. */
    uint64_t clock = (uint64_t)bb_clock_get_ns(s->timers, s->clock);

    s->offset = (int64_t)(t - clock);
    if (s->alarm_running) {
        rtc_arm(s);
    }
}

/* ---------------------------------------------------------- registers */

static uint64_t rtc_time_low_read(void *opaque, const BbRegInfo *reg,
                                  uint64_t v)
{
    GoldfishRtc *s = opaque;
    uint64_t now = rtc_now(s);

    s->time_high = (uint32_t)(now >> 32);
    return (uint32_t)now;
}

static uint64_t rtc_time_high_read(void *opaque, const BbRegInfo *reg,
                                   uint64_t v)
{
    return GOLDFISH_RTC(opaque)->time_high;
}

/* The side effects of writes; the helper has stored ALARM_* and
 * IRQ_ENABLED already. */
static void rtc_write(void *opaque, const BbRegInfo *reg, uint64_t old,
                      uint64_t v)
{
    GoldfishRtc *s = opaque;
    uint64_t now = rtc_now(s);

    switch (reg->addr) {
    case RTC_TIME_LOW:
        rtc_set_time(s, (now & ~(uint64_t)UINT32_MAX) | v);
        break;
    case RTC_TIME_HIGH:
        rtc_set_time(s, (v << 32) | (now & UINT32_MAX));
        break;
    case RTC_ALARM_LOW:
        rtc_arm(s);
        break;
    case RTC_CLEAR_ALARM:
        bb_timer_del(s->alarm_timer);
        s->alarm_running = false;
        break;
    case RTC_CLEAR_INTERRUPT:
        s->irq_pending = false;
        break;
    }
    rtc_update_irq(s);
}

static const BbRegInfo rtc_regs[] = {
    { .name = "TIME_LOW", .addr = RTC_TIME_LOW, .size = 4,
      .read = rtc_time_low_read, .post_write = rtc_write },
    { .name = "TIME_HIGH", .addr = RTC_TIME_HIGH, .size = 4,
      .read = rtc_time_high_read, .post_write = rtc_write },
    { .name = "ALARM_LOW", .addr = RTC_ALARM_LOW, .size = 4,
      BB_REG_FIELD(GoldfishRtc, alarm[0]), .post_write = rtc_write },
    { .name = "ALARM_HIGH", .addr = RTC_ALARM_HIGH, .size = 4,
      BB_REG_FIELD(GoldfishRtc, alarm[1]) },
    { .name = "IRQ_ENABLED", .addr = RTC_IRQ_ENABLED, .size = 4,
      BB_REG_FIELD(GoldfishRtc, irq_enabled), .ro_mask = ~UINT64_C(1),
      .post_write = rtc_write },
    { .name = "CLEAR_ALARM", .addr = RTC_CLEAR_ALARM, .size = 4,
      .wo_mask = BB_REG_ALL, .post_write = rtc_write },
    { .name = "ALARM_STATUS", .addr = RTC_ALARM_STATUS, .size = 4,
      BB_REG_FIELD(GoldfishRtc, alarm_running), .ro_mask = BB_REG_ALL },
    { .name = "CLEAR_INTERRUPT", .addr = RTC_CLEAR_INTERRUPT, .size = 4,
      .wo_mask = BB_REG_ALL, .post_write = rtc_write },
    BB_REG_END
};

/* 32-bit accesses only, as QEMU. */
static const BbMemoryAccessRules rtc_valid = { .min_access_size = 4,
                                               .max_access_size = 4 };

/* ----------------------------------------------------------- life cycle */

static void rtc_instance_init(BbObject *obj)
{
    /* Cannot fail: a fresh name and one line. */
    bb_device_add_irq_out(BB_DEVICE(obj), "irq", 1, NULL);
}

static bool rtc_realize(BbDevice *dev, GError **error)
{
    GoldfishRtc *s = GOLDFISH_RTC(dev);
    BbSystem *sys = bb_device_get_system(dev);
    BbMemoryRegion *mr;
    uint64_t size;

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "goldfish-rtc needs a machine with a system above it");
        return false;
    }
    if (bb_device_get_reg_count(dev) != 1 ||
        !bb_device_get_reg(dev, 0, &s->base, &size)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "goldfish-rtc needs exactly one address range, not %u",
                    bb_device_get_reg_count(dev));
        return false;
    }
    s->timers = bb_system_get_timers(sys);
    s->clock = bb_timer_context_is_deterministic(s->timers)
                   ? BB_CLOCK_VIRTUAL : BB_CLOCK_HOST;
    if (!bb_reg_block_init(&s->regs, BB_OBJECT(dev), rtc_regs,
                           BB_ENDIAN_LITTLE, s, error) ||
        !(mr = bb_reg_block_new_region(&s->regs, "goldfish-rtc",
                                       GOLDFISH_RTC_SIZE, &rtc_valid,
                                       error))) {
        return false;
    }
    s->alarm_timer = bb_timer_new(s->timers, s->clock, rtc_alarm_expired, s);
    bb_device_init_mmio(dev, mr);
    bb_memory_region_unref(mr);
    return true;
}

static void rtc_unrealize(BbDevice *dev)
{
    GoldfishRtc *s = GOLDFISH_RTC(dev);

    g_clear_pointer(&s->alarm_timer, bb_timer_free);
}

static void rtc_reset(BbDevice *dev)
{
    GoldfishRtc *s = GOLDFISH_RTC(dev);

    bb_timer_del(s->alarm_timer);
    bb_reg_block_reset(&s->regs); /* alarm, irq_enabled, alarm_running */
    s->offset = 0;
    s->time_high = 0;
    s->irq_pending = false;
    rtc_update_irq(s);
}

static bool rtc_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    GoldfishRtc *s = GOLDFISH_RTC(dev);
    g_autofree char *path = g_strdup_printf("/soc/rtc@%" PRIx64, s->base);

    /* QEMU's order of properties, for the same blob layout. */
    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   goldfish_rtc_compatible, error) &&
           bb_device_fdt_reg_prop(dev, fdt, path, error) &&
           bb_device_fdt_interrupts(dev, fdt, path, "irq", false, error);
}

/* ---------------------------------------------------------------- state */

/* How a saved offset is to be read: the clock it is relative to. */
enum {
    RTC_BASE_HOST = 0,    /* host wall clock (normal mode) */
    RTC_BASE_VIRTUAL = 1, /* virtual clock (deterministic mode) */
};

static uint8_t rtc_time_base(const GoldfishRtc *s)
{
    return s->clock == BB_CLOCK_VIRTUAL ? RTC_BASE_VIRTUAL : RTC_BASE_HOST;
}

static void rtc_pre_save(void *opaque)
{
    GoldfishRtc *s = opaque;

    s->saved_base = rtc_time_base(s);
}

/* The fields are loaded: the offset applies to this RTC's clock, and the
 * alarm timer is derived state (its deadline is the alarm minus the
 * offset on that clock), so it is armed again from the alarm - an alarm
 * that passed meanwhile (host clock) fires now - and the IRQ line is
 * driven again. */
static bool rtc_post_load(void *opaque, uint32_t version, GError **error)
{
    GoldfishRtc *s = opaque;
    static const char *const base_name[] = {
        [RTC_BASE_HOST] = "the host clock (normal mode)",
        [RTC_BASE_VIRTUAL] = "the virtual clock (deterministic mode)",
    };

    if (!s->alarm_timer) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "the RTC is not realized");
        return false;
    }
    /* A version 1 stream does not say: taken as saved on this clock. */
    if (version >= 2 && s->saved_base != rtc_time_base(s)) {
        if (s->saved_base > RTC_BASE_VIRTUAL) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "unknown time base %u (corrupt state?)",
                        s->saved_base);
        } else {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "saved by an RTC on %s, this one runs on %s: the "
                        "time offset would be meaningless",
                        base_name[s->saved_base],
                        base_name[rtc_time_base(s)]);
        }
        return false;
    }
    if (s->alarm_running) {
        rtc_arm(s);
    } else {
        bb_timer_del(s->alarm_timer);
    }
    rtc_update_irq(s);
    return true;
}

/*
 * The time survives a load as "RTC time = clock + offset" with the saved
 * offset.  Deterministic mode: the virtual clock is restored before the
 * devices, so the RTC reads exactly what it read when saved.  Normal
 * mode: the host clock is wall time since the Unix epoch on any host, so
 * the RTC keeps its distance from real time (a guest that set its clock
 * an hour ahead is still an hour ahead) and, like a battery-backed RTC,
 * counted the time between save and load.  The two offsets mean
 * different things, so a stream from one mode is refused by the other
 * (saved_base).  Version 2 adds saved_base and the post_load hook that
 * arms the alarm timer again (under version 1 a load left it as it was).
 */
static const BbStateField rtc_state_fields[] = {
    BB_STATE_I64(GoldfishRtc, offset),
    BB_STATE_U32(GoldfishRtc, alarm), /* as the u64 it was: low half first */
    BB_STATE_U32(GoldfishRtc, time_high),
    BB_STATE_BOOL(GoldfishRtc, alarm_running),
    BB_STATE_BOOL(GoldfishRtc, irq_pending),
    BB_STATE_BOOL(GoldfishRtc, irq_enabled),
    BB_STATE_SINCE(BB_STATE_U8, GoldfishRtc, saved_base, 2),
    BB_STATE_END
};

static const BbStateDesc rtc_state = {
    .name = TYPE_GOLDFISH_RTC,
    .version = 2,
    .min_version = 1,
    .fields = rtc_state_fields,
    .size = sizeof(GoldfishRtc),
    .pre_save = rtc_pre_save,
    .post_load = rtc_post_load,
};

static void rtc_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    dc->realize = rtc_realize;
    dc->unrealize = rtc_unrealize;
    dc->reset = rtc_reset;
    dc->fdt_populate = rtc_fdt_populate;
    dc->state = &rtc_state;
    dc->reg_size = GOLDFISH_RTC_RANGE;
    bb_device_class_set_compatible(dc, goldfish_rtc_compatible);
}

const BbTypeInfo goldfish_rtc_info = {
    .name = TYPE_GOLDFISH_RTC,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(GoldfishRtc),
    .instance_init = rtc_instance_init,
    .class_init = rtc_class_init,
    .description = "Goldfish real-time clock with an alarm interrupt",
};
