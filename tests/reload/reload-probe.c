/*
 * reload-probe.c - the device of the hot-reload tests (tests/reload,
 * docs/hot-reload.md), built several times from this one source:
 *
 *   (none)              version 1: ID 0x52500001, state version 1
 *   PROBE_V2            version 2: ID 0x52500002, state version 2 with an
 *                       added field "bonus" (BONUS register) that
 *                       post_load derives from COUNT when it loads a
 *                       version-1 section
 *   PROBE_BAD_TYPE      declares and registers "reload-probe-x" instead
 *                       (the type a reload needs is missing)
 *   PROBE_REFUSE        version 2 whose post_load refuses every state
 *   PROBE_OLD_ABI       a descriptor for ABI 1 (refused before loading)
 *
 * Registers (32-bit, little-endian): 0x0 ID; 0x4 COUNT, incremented by
 * every read (so a guest reading it once per line sees +1 per line, and
 * a reload that lost the state would show a restart); 0x8 TICKS,
 * incremented by a virtual-clock timer every 100 us (the timer is in the
 * state table: it must keep running across a reload); 0xc BONUS (0 in
 * version 1).  Other offsets read 0 and ignore writes (logged).
 */
#include <breadboard/breadboard.h>

#ifdef PROBE_BAD_TYPE
#define TYPE_RELOAD_PROBE "reload-probe-x"
#else
#define TYPE_RELOAD_PROBE "reload-probe"
#endif

#if defined(PROBE_V2) || defined(PROBE_REFUSE)
#define PROBE_VERSION 2
#else
#define PROBE_VERSION 1
#endif

#define PROBE_ID (0x52500000u | PROBE_VERSION)
#define TICK_NS 100000
#define PROBE_SIZE 0x10

typedef struct ReloadProbe {
    BbDevice parent_obj;
    BbTimerContext *clocks;
    BbTimer *timer;
    int64_t deadline; /* the timer's, derived (a callback sees it unarmed) */
    uint32_t count;
    uint32_t ticks;
    uint32_t bonus; /* state version 2 */
} ReloadProbe;

BB_DECLARE_TYPE(ReloadProbe, BbDeviceClass, RELOAD_PROBE, TYPE_RELOAD_PROBE)

static void probe_tick(void *opaque)
{
    ReloadProbe *s = opaque;

    s->ticks++;
    s->deadline += TICK_NS;
    bb_timer_mod(s->timer, s->deadline);
}

static uint64_t probe_read(void *opaque, uint64_t addr, unsigned size)
{
    ReloadProbe *s = opaque;

    switch (addr) {
    case 0x0:
        return PROBE_ID;
    case 0x4:
        return ++s->count;
    case 0x8:
        return s->ticks;
    case 0xc:
        return PROBE_VERSION >= 2 ? s->bonus : 0;
    default:
        bb_guest_error("reload-probe: read of offset 0x%x", (unsigned)addr);
        return 0;
    }
}

static void probe_write(void *opaque, uint64_t addr, uint64_t v,
                        unsigned size)
{
    bb_guest_error("reload-probe: write of offset 0x%x", (unsigned)addr);
}

static const BbMemoryOps probe_ops = {
    .read = probe_read,
    .write = probe_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static bool probe_post_load(void *opaque, uint32_t version, GError **error)
{
    ReloadProbe *s = opaque;

#ifdef PROBE_REFUSE
    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                "reload-probe: this build refuses every state (count %u)",
                s->count);
    return false;
#else
    s->deadline = bb_timer_get_deadline(s->timer);
    if (version < 2) {
        s->bonus = 0xb0000000u | s->count; /* converted from version 1 */
    }
    return true;
#endif
}

static const BbStateField probe_state_fields[] = {
    BB_STATE_U32(ReloadProbe, count),
    BB_STATE_U32(ReloadProbe, ticks),
    BB_STATE_TIMER(ReloadProbe, timer),
#if PROBE_VERSION >= 2
    { .name = "bonus", .kind = BB_STATE_U32,
      .offset = offsetof(ReloadProbe, bonus), .size = sizeof(uint32_t),
      .version_added = 2 },
#endif
    BB_STATE_END
};

static const BbStateDesc probe_state = {
    .name = "reload-probe", .version = PROBE_VERSION, .min_version = 1,
    .fields = probe_state_fields, .post_load = probe_post_load,
};

static bool probe_realize(BbDevice *dev, GError **error)
{
    ReloadProbe *s = RELOAD_PROBE(dev);
    BbSystem *sys = bb_device_get_system(dev);
    BbMemoryRegion *mr;

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "reload-probe needs a system");
        return false;
    }
    mr = bb_memory_region_new_io(BB_OBJECT(dev), "reload-probe", &probe_ops,
                                 s, PROBE_SIZE);
    s->clocks = bb_system_get_timers(sys);
    s->timer = bb_timer_new(s->clocks, BB_CLOCK_VIRTUAL, probe_tick, s);
    bb_device_init_mmio(dev, mr);
    bb_memory_region_unref(mr);
    return true;
}

static void probe_unrealize(BbDevice *dev)
{
    g_clear_pointer(&RELOAD_PROBE(dev)->timer, bb_timer_free);
}

static void probe_reset(BbDevice *dev)
{
    ReloadProbe *s = RELOAD_PROBE(dev);

    s->count = s->ticks = s->bonus = 0;
    s->deadline = bb_clock_get_ns(s->clocks, BB_CLOCK_VIRTUAL) + TICK_NS;
    bb_timer_mod(s->timer, s->deadline);
}

static void probe_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    dc->realize = probe_realize;
    dc->unrealize = probe_unrealize;
    dc->reset = probe_reset;
    dc->reg_size = PROBE_SIZE;
    dc->state = &probe_state;
}

static const BbTypeInfo probe_info = {
    .name = TYPE_RELOAD_PROBE,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(ReloadProbe),
    .class_size = sizeof(BbDeviceClass),
    .class_init = probe_class_init,
    .description = "hot-reload test device (tests/reload)",
};

static bool probe_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &probe_info, error);
}

#ifdef PROBE_OLD_ABI
#undef BB_ABI_MAJOR
#define BB_ABI_MAJOR 1
#endif

#if PROBE_VERSION >= 2
#define PROBE_PLUGIN_VERSION "2.0.0"
#else
#define PROBE_PLUGIN_VERSION "1.0.0"
#endif

BB_PLUGIN_DEFINE("reload-probe", PROBE_PLUGIN_VERSION, "MIT",
                 "hot-reload test device", probe_init, TYPE_RELOAD_PROBE)
