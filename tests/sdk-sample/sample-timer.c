/*
 * sample-timer.c - "sample-timer", the SDK's example device: a 32-bit
 * countdown timer with one interrupt line, written against the installed
 * SDK only.  It shows every part of the device contract: registers from a
 * table (regs.h), an IRQ output, a timer on the virtual clock, a
 * property with a range, a state table for snapshots and its own
 * device-tree node.
 *
 *   0x00 LOAD    period in ticks; writing it while enabled restarts
 *   0x04 VALUE   read-only: ticks left until expiry (0 when stopped)
 *   0x08 CTRL    bit 0 EN (start/stop), bit 1 IE (interrupt enable),
 *                bit 2 PERIODIC (reload on expiry; else EN clears)
 *   0x0c STATUS  bit 0 EXPIRED, write 1 to clear
 *   0x10 ID      read-only: 0x534d5431 ("SMT1")
 *
 * A tick lasts "ns-per-tick" ns of virtual time (default 100: 10 MHz).
 * The IRQ line "irq" is EXPIRED && IE, a level.
 */
#include <inttypes.h>

#include <breadboard/breadboard.h>

#define TYPE_SAMPLE_TIMER "sample-timer"

enum {
    SMT_LOAD = 0x00,
    SMT_VALUE = 0x04,
    SMT_CTRL = 0x08,
    SMT_STATUS = 0x0c,
    SMT_ID = 0x10,
    SMT_SIZE = 0x14, /* decoded bytes */
};

#define CTRL_EN (1u << 0)
#define CTRL_IE (1u << 1)
#define CTRL_PERIODIC (1u << 2)
#define STATUS_EXPIRED (1u << 0)

typedef struct SampleTimer {
    BbDevice parent_obj;
    uint32_t ns_per_tick;    /* property */
    BbTimerContext *clocks;
    BbTimer *timer;          /* armed while CTRL.EN is set */
    int64_t deadline;        /* when it fires (the timer's, kept for the
                              * callback, where the timer is disarmed) */
    BbRegBlock regs;
    uint32_t load, ctrl, status; /* register values */
} SampleTimer;

BB_DECLARE_TYPE(SampleTimer, BbDeviceClass, SAMPLE_TIMER, TYPE_SAMPLE_TIMER)

static const BbPropertyInfo smt_props[] = {
    BB_PROP_UINT_RANGE("ns-per-tick", SampleTimer, ns_per_tick, 100, 1,
                       1000000, "length of one tick in ns of virtual time"),
    BB_PROP_END
};

static const char *const smt_compatible[] = { "breadboard,sample-timer",
                                              NULL };

static void smt_update_irq(SampleTimer *s)
{
    bb_irq_out_set(bb_device_get_irq_out(BB_DEVICE(s), "irq", 0),
                   (s->status & STATUS_EXPIRED) && (s->ctrl & CTRL_IE));
}

/* Arm the timer one period after @from (ns on the virtual clock). */
static void smt_start(SampleTimer *s, int64_t from)
{
    s->deadline = from + (int64_t)s->load * s->ns_per_tick;
    bb_timer_mod(s->timer, s->deadline);
}

static void smt_expired(void *opaque)
{
    SampleTimer *s = opaque;

    s->status |= STATUS_EXPIRED;
    if (s->ctrl & CTRL_PERIODIC) {
        /* From the deadline, not from now: a late callback adds no drift. */
        smt_start(s, s->deadline);
    } else {
        s->ctrl &= ~CTRL_EN;
    }
    smt_update_irq(s);
}

/* ------------------------------------------------------------ registers */

static uint64_t smt_value_read(void *opaque, const BbRegInfo *reg,
                               uint64_t v)
{
    SampleTimer *s = opaque;
    int64_t left;

    if (!bb_timer_is_pending(s->timer)) {
        return 0;
    }
    /* Computed from the clock, so it is exact whenever it is read. */
    left = s->deadline - bb_clock_get_ns(s->clocks, BB_CLOCK_VIRTUAL);
    return left <= 0 ? 0 : ((uint64_t)left + s->ns_per_tick - 1) /
                               s->ns_per_tick;
}

/* Starting with LOAD 0 would expire at once, forever: refuse it. */
static bool smt_ctrl_pre_write(void *opaque, const BbRegInfo *reg,
                               uint64_t *v)
{
    SampleTimer *s = opaque;

    if ((*v & CTRL_EN) && !(s->ctrl & CTRL_EN) && s->load == 0) {
        bb_guest_error("sample-timer: CTRL.EN set while LOAD is 0; "
                       "not started");
        *v &= ~(uint64_t)CTRL_EN;
    }
    return true;
}

static void smt_ctrl_written(void *opaque, const BbRegInfo *reg,
                             uint64_t old, uint64_t v)
{
    SampleTimer *s = opaque;

    if ((v & CTRL_EN) && !(old & CTRL_EN)) {
        smt_start(s, bb_clock_get_ns(s->clocks, BB_CLOCK_VIRTUAL));
    } else if (!(v & CTRL_EN)) {
        bb_timer_del(s->timer);
    }
    smt_update_irq(s);
}

static void smt_load_written(void *opaque, const BbRegInfo *reg,
                             uint64_t old, uint64_t v)
{
    SampleTimer *s = opaque;

    if (s->ctrl & CTRL_EN) {
        if (v == 0) {
            bb_guest_error("sample-timer: LOAD set to 0 while running; "
                           "stopped");
            s->ctrl &= ~CTRL_EN;
            bb_timer_del(s->timer);
            return;
        }
        smt_start(s, bb_clock_get_ns(s->clocks, BB_CLOCK_VIRTUAL));
    }
}

static void smt_status_written(void *opaque, const BbRegInfo *reg,
                               uint64_t old, uint64_t v)
{
    smt_update_irq(opaque);
}

static const BbRegInfo smt_regs[] = {
    { .name = "LOAD", .addr = SMT_LOAD, .size = 4,
      BB_REG_FIELD(SampleTimer, load), .post_write = smt_load_written },
    { .name = "VALUE", .addr = SMT_VALUE, .size = 4,
      .ro_mask = BB_REG_ALL, .read = smt_value_read },
    { .name = "CTRL", .addr = SMT_CTRL, .size = 4,
      BB_REG_FIELD(SampleTimer, ctrl), .ro_mask = ~UINT64_C(7),
      .pre_write = smt_ctrl_pre_write, .post_write = smt_ctrl_written },
    { .name = "STATUS", .addr = SMT_STATUS, .size = 4,
      BB_REG_FIELD(SampleTimer, status), .ro_mask = ~UINT64_C(1),
      .w1c_mask = STATUS_EXPIRED, .post_write = smt_status_written },
    { .name = "ID", .addr = SMT_ID, .size = 4, .reset = 0x534d5431,
      .ro_mask = BB_REG_ALL },
    BB_REG_END
};

/* Whole 32-bit registers only; anything else is a bus error. */
static const BbMemoryAccessRules smt_valid = { .min_access_size = 4,
                                               .max_access_size = 4 };

/* ---------------------------------------------------------------- state */

/* The timer is saved too; EN and "timer armed" must agree. */
static bool smt_post_load(void *opaque, uint32_t version, GError **error)
{
    SampleTimer *s = opaque;

    if (!(s->ctrl & CTRL_EN) != !bb_timer_is_pending(s->timer)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "sample-timer: CTRL.EN is %u but the timer is %s",
                    s->ctrl & CTRL_EN,
                    bb_timer_is_pending(s->timer) ? "armed" : "stopped");
        return false;
    }
    s->deadline = bb_timer_get_deadline(s->timer); /* derived, not saved */
    smt_update_irq(s);                             /* so is the line */
    return true;
}

static const BbStateField smt_state_fields[] = {
    BB_STATE_U32(SampleTimer, load),
    BB_STATE_U32(SampleTimer, ctrl),
    BB_STATE_U32(SampleTimer, status),
    BB_STATE_TIMER(SampleTimer, timer),
    BB_STATE_END
};

static const BbStateDesc smt_state = {
    .name = TYPE_SAMPLE_TIMER, .version = 1, .min_version = 1,
    .fields = smt_state_fields, .post_load = smt_post_load,
};

/* ----------------------------------------------------------- life cycle */

static void smt_instance_init(BbObject *obj)
{
    /* Cannot fail: a fresh name and one line. */
    bb_device_add_irq_out(BB_DEVICE(obj), "irq", 1, NULL);
}

static bool smt_realize(BbDevice *dev, GError **error)
{
    SampleTimer *s = SAMPLE_TIMER(dev);
    BbSystem *sys = bb_device_get_system(dev);
    BbMemoryRegion *mr;

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "sample-timer needs a system (a board) to run in");
        return false;
    }
    if (!bb_reg_block_init(&s->regs, BB_OBJECT(dev), smt_regs,
                           BB_ENDIAN_LITTLE, s, error) ||
        !(mr = bb_reg_block_new_region(&s->regs, "sample-timer", SMT_SIZE,
                                       &smt_valid, error))) {
        return false;
    }
    s->clocks = bb_system_get_timers(sys);
    s->timer = bb_timer_new(s->clocks, BB_CLOCK_VIRTUAL, smt_expired, s);
    bb_device_init_mmio(dev, mr); /* the host maps it at reg[0] */
    bb_memory_region_unref(mr);
    return true;
}

static void smt_unrealize(BbDevice *dev)
{
    /* The host has unmapped the registers already. */
    g_clear_pointer(&SAMPLE_TIMER(dev)->timer, bb_timer_free);
}

static void smt_reset(BbDevice *dev)
{
    SampleTimer *s = SAMPLE_TIMER(dev);

    bb_timer_del(s->timer);
    bb_reg_block_reset(&s->regs); /* load, ctrl, status = 0 */
    smt_update_irq(s);
}

static bool smt_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    uint64_t base = 0;

    bb_device_get_reg(dev, 0, &base, NULL);
    g_autofree char *path = g_strdup_printf("/soc/timer@%" PRIx64, base);

    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible", smt_compatible,
                                   error) &&
           bb_device_fdt_reg_prop(dev, fdt, path, error) &&
           bb_device_fdt_interrupts(dev, fdt, path, "irq", false, error);
}

static void smt_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, smt_props);
    dc->realize = smt_realize;
    dc->unrealize = smt_unrealize;
    dc->reset = smt_reset;
    dc->fdt_populate = smt_fdt_populate;
    dc->state = &smt_state;
    dc->reg_size = 0x1000; /* when a board gives only a base */
    bb_device_class_set_compatible(dc, smt_compatible);
}

static const BbTypeInfo smt_info = {
    .name = TYPE_SAMPLE_TIMER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(SampleTimer),
    .instance_init = smt_instance_init,
    .class_init = smt_class_init,
    .description = "sample countdown timer with an interrupt",
};

static bool smt_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &smt_info, error);
}

BB_PLUGIN_DEFINE("sample-timer", "1.0.0", "MIT",
                 "sample out-of-tree device: a countdown timer",
                 smt_plugin_init, TYPE_SAMPLE_TIMER)
