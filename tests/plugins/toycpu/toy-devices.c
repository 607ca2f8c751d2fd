/*
 * toy-devices.c - the two small devices of the execution tests' board.
 *
 * "toy-timer" raises its one output line ("irq") a programmed delay of
 * virtual time after the guest writes the delay in ns to offset 0; a
 * write to offset 4 lowers the line (acknowledge); offset 0 reads the
 * virtual clock (low 32 bits).  "toy-console" writes every byte stored
 * at offset 0 to its chardev (output only; bytes the backend refuses are
 * dropped, which the tests' file backends never do).
 */
#include <breadboard/breadboard.h>

#define TYPE_TOY_TIMER "toy-timer"
#define TYPE_TOY_CONSOLE "toy-console"

typedef struct ToyTimer {
    BbDevice parent_obj;
    BbMemoryRegion *mmio;
    BbTimer *timer;
    BbIrqOut *irq;
} ToyTimer;

BB_DECLARE_TYPE(ToyTimer, BbDeviceClass, TOY_TIMER, TYPE_TOY_TIMER)

static BbTimerContext *toy_timers(BbDevice *dev)
{
    return bb_system_get_timers(bb_device_get_system(dev));
}

static uint64_t timer_read(void *opaque, uint64_t addr, unsigned size)
{
    ToyTimer *s = opaque;
    return addr == 0 ? (uint32_t)bb_clock_get_ns(toy_timers(BB_DEVICE(s)),
                                                 BB_CLOCK_VIRTUAL)
                     : 0;
}

static void timer_write(void *opaque, uint64_t addr, uint64_t value,
                        unsigned size)
{
    ToyTimer *s = opaque;

    if (addr == 0) {
        bb_timer_mod(s->timer, bb_clock_get_ns(toy_timers(BB_DEVICE(s)),
                                               BB_CLOCK_VIRTUAL) +
                                   (int64_t)(uint32_t)value);
    } else if (addr == 4) {
        bb_irq_out_set(s->irq, false);
    } else {
        bb_guest_error("toy-timer: write to unknown offset 0x%x",
                       (unsigned)addr);
    }
}

static const BbMemoryOps timer_ops = {
    .read = timer_read,
    .write = timer_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void timer_fire(void *opaque)
{
    ToyTimer *s = opaque;
    bb_irq_out_set(s->irq, true);
}

static bool timer_realize(BbDevice *dev, GError **error)
{
    ToyTimer *s = TOY_TIMER(dev);

    if (!bb_device_get_system(dev)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "toy-timer needs a system");
        return false;
    }
    if (!bb_device_add_irq_out(dev, "irq", 1, error)) {
        return false;
    }
    s->irq = bb_device_get_irq_out(dev, "irq", 0);
    s->mmio = bb_memory_region_new_io(BB_OBJECT(dev), "toy-timer",
                                      &timer_ops, s, 0x1000);
    bb_device_init_mmio(dev, s->mmio);
    s->timer = bb_timer_new(toy_timers(dev), BB_CLOCK_VIRTUAL, timer_fire,
                            s);
    return true;
}

static void timer_unrealize(BbDevice *dev)
{
    ToyTimer *s = TOY_TIMER(dev);

    g_clear_pointer(&s->timer, bb_timer_free);
    g_clear_pointer(&s->mmio, bb_memory_region_unref);
}

static void timer_reset(BbDevice *dev)
{
    ToyTimer *s = TOY_TIMER(dev);

    bb_timer_del(s->timer);
    bb_irq_out_set(s->irq, false);
}

static void timer_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    dc->realize = timer_realize;
    dc->unrealize = timer_unrealize;
    dc->reset = timer_reset;
    dc->reg_size = 0x1000;
}

const BbTypeInfo toy_timer_info = {
    .name = TYPE_TOY_TIMER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(ToyTimer),
    .class_init = timer_class_init,
    .description = "one-shot interrupt after a programmed delay (tests)",
};

/* ------------------------------------------------------------ console */

typedef struct ToyConsole {
    BbDevice parent_obj;
    char *chardev;         /* backend id or spec */
    BbChardev *chr;
    BbMemoryRegion *mmio;
} ToyConsole;

BB_DECLARE_TYPE(ToyConsole, BbDeviceClass, TOY_CONSOLE, TYPE_TOY_CONSOLE)

static uint64_t console_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void console_write(void *opaque, uint64_t addr, uint64_t value,
                          unsigned size)
{
    ToyConsole *s = opaque;
    uint8_t c = (uint8_t)value;

    if (addr == 0) {
        bb_chardev_write(s->chr, &c, 1);
    }
}

static const BbMemoryOps console_ops = {
    .read = console_read,
    .write = console_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool console_realize(BbDevice *dev, GError **error)
{
    ToyConsole *s = TOY_CONSOLE(dev);
    BbSystem *sys = bb_device_get_system(dev);

    if (!sys || !s->chardev) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "toy-console needs a system and a chardev");
        return false;
    }
    s->chr = bb_system_get_chardev(sys, s->chardev, error);
    if (!s->chr) {
        return false;
    }
    s->mmio = bb_memory_region_new_io(BB_OBJECT(dev), "toy-console",
                                      &console_ops, s, 0x1000);
    bb_device_init_mmio(dev, s->mmio);
    return true;
}

static void console_unrealize(BbDevice *dev)
{
    g_clear_pointer(&TOY_CONSOLE(dev)->mmio, bb_memory_region_unref);
}

static const BbPropertyInfo console_props[] = {
    BB_PROP_STRING("chardev", ToyConsole, chardev, NULL,
                   "character backend id or spec"),
    BB_PROP_END
};

static void console_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, console_props);
    dc->realize = console_realize;
    dc->unrealize = console_unrealize;
    dc->reg_size = 0x1000;
}

const BbTypeInfo toy_console_info = {
    .name = TYPE_TOY_CONSOLE,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(ToyConsole),
    .class_init = console_class_init,
    .description = "output-only byte console (tests)",
};
