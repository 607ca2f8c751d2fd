/*
 * sifive-clint.c - "sifive-clint": the SiFive Core-Local Interruptor of
 * QEMU's virt board, i.e. an ACLINT MSWI at +0 and MTIMER at +0x4000 in
 * one range (RISC-V ACLINT specification 1.0; reference/hardware.md
 * section 2.3).
 *
 * msip[h] (offset 4h, bit 0) drives output msip[h], the hart's
 * machine-software interrupt.  mtime (offset 0xbff8) counts at
 * timebase-frequency on the virtual clock and may be written; output
 * mtip[h] is high while mtime >= mtimecmp[h] (offset 0x4000 + 8h).  Each
 * hart has a timer armed for the exact virtual nanosecond at which that
 * comparison changes (mtime reaching mtimecmp, or wrapping to 0),
 * re-armed whenever mtimecmp or mtime is written, so nothing polls.
 * The 64-bit registers take 32-bit accesses to either half and 64-bit
 * accesses; msip takes 32-bit accesses only; anything else, and offsets
 * from 0xc000 up (unassigned on QEMU), is a bus error.  msip and mtimecmp
 * of harts that do not exist read as 0 and ignore writes, with a guest
 * error.  Saved state: msip and mtimecmp per hart and mtime's offset
 * from the virtual clock; a load re-drives the outputs and re-arms the
 * timers.
 */
#include <inttypes.h>

#include <breadboard/breadboard.h>

#include "interrupt-controllers.h"

#define CLINT_MSIP_BASE 0x0000u
#define CLINT_MTIMECMP_BASE 0x4000u
#define CLINT_MTIME 0xbff8u
#define CLINT_END 0xc000u          /* what QEMU decodes */
#define CLINT_SIZE 0x10000u        /* what the device tree advertises */
#define CLINT_MAX_HARTS 4095u      /* (0xbff8 - 0x4000) / 8 */
#define NS_PER_S 1000000000u

typedef struct SifiveClint SifiveClint;

typedef struct ClintHart {
    SifiveClint *clint;
    unsigned index;
    BbTimer *timer;        /* fires when mtime reaches mtimecmp */
    BbIrqOut *msip_out;
    BbIrqOut *mtip_out;
    uint32_t msip;         /* bit 0 */
    uint64_t mtimecmp;
} ClintHart;

struct SifiveClint {
    BbDevice parent_obj;
    uint32_t num_harts;       /* property */
    uint64_t timebase_freq;   /* property: mtime ticks per second */
    BbMemoryRegion *mmio;
    BbTimerContext *timers;
    ClintHart *harts;         /* [num_harts] */
    uint64_t mtime_offset;    /* mtime = ticks(virtual now) + this */
};

BB_DECLARE_TYPE(SifiveClint, BbDeviceClass, SIFIVE_CLINT, TYPE_SIFIVE_CLINT)

static int64_t clint_now(SifiveClint *s)
{
    return bb_clock_get_ns(s->timers, BB_CLOCK_VIRTUAL);
}

/* Ticks of the free-running counter at virtual time @ns (>= 0). */
static uint64_t clint_ticks(SifiveClint *s, int64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * s->timebase_freq / NS_PER_S);
}

static uint64_t clint_mtime(SifiveClint *s)
{
    return clint_ticks(s, clint_now(s)) + s->mtime_offset;
}

/* Set mtip from the comparison and arm the timer for the first
 * nanosecond at which it changes: when the counter reaches mtimecmp
 * while it is below, when mtime wraps to 0 while it is above.  For a
 * counter value T that instant is ceil(T * 1e9 / f) exactly. */
static void clint_update_timer(ClintHart *h)
{
    SifiveClint *s = h->clint;
    uint64_t raw = clint_ticks(s, clint_now(s));
    uint64_t mtime = raw + s->mtime_offset;
    bool high = mtime >= h->mtimecmp;
    unsigned __int128 delta = high ? ((unsigned __int128)1 << 64) - mtime
                                   : h->mtimecmp - mtime;
    unsigned __int128 target = raw + delta;
    unsigned __int128 ns = (target * NS_PER_S + s->timebase_freq - 1) /
                           s->timebase_freq;

    bb_irq_out_set(h->mtip_out, high);
    if (ns >= (unsigned __int128)BB_TIME_NEVER) {
        bb_timer_del(h->timer); /* centuries away */
    } else {
        bb_timer_mod(h->timer, (int64_t)ns);
    }
}

static void clint_timer_cb(void *opaque)
{
    clint_update_timer(opaque);
}

static void clint_set_mtime(SifiveClint *s, uint64_t value)
{
    s->mtime_offset = value - clint_ticks(s, clint_now(s));
    for (unsigned i = 0; i < s->num_harts; i++) {
        clint_update_timer(&s->harts[i]);
    }
}

static void clint_set_msip(ClintHart *h, uint32_t value)
{
    h->msip = value & 1;
    bb_irq_out_set(h->msip_out, h->msip);
}

/* @value with the @size bytes at byte @shift of @reg replaced. */
static uint64_t merge(uint64_t reg, uint64_t value, unsigned shift,
                      unsigned size)
{
    uint64_t mask = size == 8 ? UINT64_MAX : UINT32_MAX;
    return (reg & ~(mask << (8 * shift))) | (value & mask) << (8 * shift);
}

/* The hart of a per-hart register, or NULL after a guest error. */
static ClintHart *clint_hart(SifiveClint *s, uint64_t index, const char *reg,
                             const char *what)
{
    if (index < s->num_harts) {
        return &s->harts[index];
    }
    bb_guest_error("sifive-clint: %s of %s of hart %" PRIu64 ", which does "
                   "not exist", what, reg, index);
    return NULL;
}

static bool clint_bad_access(uint64_t addr, unsigned size, const char *what)
{
    if (addr >= CLINT_END) {
        bb_guest_error("sifive-clint: %s of offset 0x%" PRIx64 ": no such "
                       "register", what, addr);
        return true;
    }
    if (addr < CLINT_MTIMECMP_BASE && size != 4) {
        bb_guest_error("sifive-clint: %u-byte %s of msip at 0x%" PRIx64
                       ": msip takes 4-byte accesses only", size, what, addr);
        return true;
    }
    return false;
}

static BbMemTxResult clint_read(void *opaque, uint64_t addr, uint64_t *value,
                                unsigned size)
{
    SifiveClint *s = opaque;
    ClintHart *h;
    uint64_t reg;

    *value = 0;
    if (clint_bad_access(addr, size, "read")) {
        return BB_MEMTX_ERROR;
    }
    if (addr < CLINT_MTIMECMP_BASE) {
        h = clint_hart(s, addr / 4, "msip", "read");
        *value = h ? h->msip : 0;
        return BB_MEMTX_OK;
    }
    if (addr >= CLINT_MTIME) {
        reg = clint_mtime(s);
    } else {
        h = clint_hart(s, (addr - CLINT_MTIMECMP_BASE) / 8, "mtimecmp",
                       "read");
        if (!h) {
            return BB_MEMTX_OK;
        }
        reg = h->mtimecmp;
    }
    *value = size == 8 ? reg : (uint32_t)(reg >> (8 * (addr & 4)));
    return BB_MEMTX_OK;
}

static BbMemTxResult clint_write(void *opaque, uint64_t addr, uint64_t value,
                                 unsigned size)
{
    SifiveClint *s = opaque;
    ClintHart *h;

    if (clint_bad_access(addr, size, "write")) {
        return BB_MEMTX_ERROR;
    }
    if (addr < CLINT_MTIMECMP_BASE) {
        h = clint_hart(s, addr / 4, "msip", "write");
        if (h) {
            clint_set_msip(h, (uint32_t)value);
        }
    } else if (addr >= CLINT_MTIME) {
        clint_set_mtime(s, merge(clint_mtime(s), value, addr & 4, size));
    } else {
        h = clint_hart(s, (addr - CLINT_MTIMECMP_BASE) / 8, "mtimecmp",
                       "write");
        if (h) {
            h->mtimecmp = merge(h->mtimecmp, value, addr & 4, size);
            clint_update_timer(h);
        }
    }
    return BB_MEMTX_OK;
}

static const BbMemoryOps clint_ops = {
    .read_with_result = clint_read,
    .write_with_result = clint_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static bool clint_realize(BbDevice *dev, GError **error)
{
    SifiveClint *s = SIFIVE_CLINT(dev);
    BbSystem *sys = bb_device_get_system(dev);

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "sifive-clint needs a system (its clock)");
        return false;
    }
    if (!bb_device_add_irq_out(dev, "msip", s->num_harts, error) ||
        !bb_device_add_irq_out(dev, "mtip", s->num_harts, error)) {
        return false;
    }
    s->timers = bb_system_get_timers(sys);
    s->harts = g_new0(ClintHart, s->num_harts);
    for (unsigned i = 0; i < s->num_harts; i++) {
        ClintHart *h = &s->harts[i];
        h->clint = s;
        h->index = i;
        h->timer = bb_timer_new(s->timers, BB_CLOCK_VIRTUAL, clint_timer_cb,
                                h);
        h->msip_out = bb_device_get_irq_out(dev, "msip", i);
        h->mtip_out = bb_device_get_irq_out(dev, "mtip", i);
    }
    s->mmio = bb_memory_region_new_io(BB_OBJECT(dev), "sifive-clint",
                                      &clint_ops, s, CLINT_SIZE);
    bb_device_init_mmio(dev, s->mmio);
    return true;
}

static void clint_unrealize(BbDevice *dev)
{
    SifiveClint *s = SIFIVE_CLINT(dev);

    for (unsigned i = 0; s->harts && i < s->num_harts; i++) {
        bb_timer_free(s->harts[i].timer);
    }
    g_clear_pointer(&s->harts, g_free);
    g_clear_pointer(&s->mmio, bb_memory_region_unref);
}

/* As QEMU resets it: mtime 0, mtimecmp 0 (the spec leaves it undefined),
 * so mtip is high until software raises mtimecmp; msip clear. */
static void clint_reset(BbDevice *dev)
{
    SifiveClint *s = SIFIVE_CLINT(dev);

    for (unsigned i = 0; i < s->num_harts; i++) {
        s->harts[i].mtimecmp = 0;
        clint_set_msip(&s->harts[i], 0);
    }
    clint_set_mtime(s, 0);
}

/* Append <&controller specifier> for every input @out drives. */
static bool fdt_append_sinks(GArray *cells, BbFdt *fdt, BbIrqOut *out,
                             const char *path, GError **error)
{
    for (unsigned i = 0; i < bb_irq_out_get_sink_count(out); i++) {
        BbIrqIn *in = bb_irq_out_get_sink(out, i);
        BbDevice *ctrl = bb_irq_in_get_device(in);
        BbFdtIntcClass *ic = (BbFdtIntcClass *)bb_object_class_dynamic_cast(
            bb_object_get_class(BB_OBJECT(ctrl)), BB_TYPE_FDT_INTC);
        uint32_t spec[BB_FDT_MAX_IRQ_CELLS];
        unsigned n = ic && ic->irq_specifier
                         ? ic->irq_specifier(ctrl, bb_irq_in_get_group(in),
                                             bb_irq_in_get_index(in), spec)
                         : 0;
        if (n == 0 || n > BB_FDT_MAX_IRQ_CELLS) {
            g_autofree char *where = bb_object_get_canonical_path(
                BB_OBJECT(ctrl));
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "device tree node '%s': input %s[%u] of '%s' cannot "
                        "be named in a device tree", path,
                        bb_irq_in_get_group(in), bb_irq_in_get_index(in),
                        where);
            return false;
        }
        uint32_t ph = bb_fdt_phandle(fdt, BB_OBJECT(ctrl));
        g_array_append_val(cells, ph);
        g_array_append_vals(cells, spec, n);
    }
    return true;
}

/* QEMU's node (hardware.md 1.6): interrupts-extended lists msip then
 * mtip per hart, <&cpu0 3 &cpu0 7 &cpu1 3 &cpu1 7>, which is not one
 * group after the other as bb_device_fdt_interrupts() writes them. */
static bool clint_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    SifiveClint *s = SIFIVE_CLINT(dev);
    g_autoptr(GArray) cells = g_array_new(false, false, sizeof(uint32_t));
    uint64_t base = 0;

    bb_device_get_reg(dev, 0, &base, NULL);
    g_autofree char *path = g_strdup_printf("/soc/clint@%" PRIx64, base);
    for (unsigned i = 0; i < s->num_harts; i++) {
        if (!fdt_append_sinks(cells, fdt, s->harts[i].msip_out, path,
                              error) ||
            !fdt_append_sinks(cells, fdt, s->harts[i].mtip_out, path,
                              error)) {
            return false;
        }
    }
    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   BB_DEVICE_GET_CLASS(dev)->compatible,
                                   error) &&
           bb_device_fdt_reg_prop(dev, fdt, path, error) &&
           (!cells->len ||
            bb_fdt_set_prop_cells(fdt, path, "interrupts-extended",
                                  (const uint32_t *)cells->data, cells->len,
                                  error));
}

/* The registers are loaded: drive msip, and recompute mtip and the
 * timer from mtime and mtimecmp (the deadline is derived state, so it is
 * not saved; mtime_offset is relative to the virtual clock, which a
 * snapshot restores before the devices). */
static bool clint_post_load(void *opaque, uint32_t version, GError **error)
{
    SifiveClint *s = opaque;

    for (unsigned i = 0; i < s->num_harts; i++) {
        if (s->harts[i].msip > 1) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "msip of hart %u is %u: only bit 0 exists", i,
                        s->harts[i].msip);
            return false;
        }
    }
    for (unsigned i = 0; i < s->num_harts; i++) {
        clint_set_msip(&s->harts[i], s->harts[i].msip);
        clint_update_timer(&s->harts[i]);
    }
    return true;
}

static const BbStateField clint_hart_state_fields[] = {
    BB_STATE_U32(ClintHart, msip),
    BB_STATE_U64(ClintHart, mtimecmp),
    BB_STATE_END
};

/* One per hart: element structs are sections of their own, so a later
 * version can add per-hart registers. */
static const BbStateDesc clint_hart_state = {
    .name = "sifive-clint-hart",
    .version = 1,
    .min_version = 1,
    .fields = clint_hart_state_fields,
    .size = sizeof(ClintHart),
};

/* The number of harts is configuration: a stream from a CLINT with
 * another num-harts is refused. */
static const BbStateField clint_state_fields[] = {
    BB_STATE_U64(SifiveClint, mtime_offset),
    BB_STATE_VARRAY_STRUCT_PTR(SifiveClint, harts, num_harts,
                               &clint_hart_state),
    BB_STATE_END
};

static const BbStateDesc clint_state = {
    .name = TYPE_SIFIVE_CLINT,
    .version = 1,
    .min_version = 1,
    .fields = clint_state_fields,
    .size = sizeof(SifiveClint),
    .post_load = clint_post_load,
};

static const BbPropertyInfo clint_props[] = {
    BB_PROP_UINT_RANGE("num-harts", SifiveClint, num_harts, 1, 1,
                       CLINT_MAX_HARTS, "harts (msip, mtimecmp each)"),
    BB_PROP_UINT_RANGE("timebase-frequency", SifiveClint, timebase_freq,
                       10000000, 1, UINT64_MAX,
                       "mtime ticks per second of virtual time"),
    BB_PROP_END
};

static void clint_class_init(BbObjectClass *klass, const void *data)
{
    static const char *const compatible[] = {
        "sifive,clint0", "riscv,clint0", NULL
    };
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, clint_props);
    dc->realize = clint_realize;
    dc->unrealize = clint_unrealize;
    dc->reset = clint_reset;
    dc->fdt_populate = clint_fdt_populate;
    dc->state = &clint_state;
    dc->reg_size = CLINT_SIZE;
    bb_device_class_set_compatible(dc, compatible);
}

const BbTypeInfo sifive_clint_info = {
    .name = TYPE_SIFIVE_CLINT,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(SifiveClint),
    .class_init = clint_class_init,
    .description = "SiFive core-local interruptor (CLINT: msip, mtime)",
};
