/*
 * sifive-plic.c - "sifive-plic": the RISC-V Platform-Level Interrupt
 * Controller as SiFive built it and QEMU's virt board configures it (RISC-V
 * PLIC specification 1.0.0; reference/hardware.md sections 1.2, 1.3, 2.2).
 *
 * Sources 1..num-sources-1 arrive on input group "irq" (line 0 is the
 * reserved "no interrupt" and is ignored).  Their gateways are
 * level-triggered: a source is pending while its (wire-ORed) line is high
 * and it is not claimed; a claim clears its pending bit and puts it in
 * service, and its completion samples the line again.  Each hart has two
 * contexts, M then S, whose outputs (group "ctx", 2 * num-harts lines) are
 * high while the context has a claimable source: pending, enabled for it,
 * and of a priority above its threshold.  Priorities and thresholds are 3
 * bits (0-7) as on virt; a claim returns the highest priority, the lowest
 * ID among equals.  All registers are 32 bits wide; other sizes and
 * unaligned accesses are bus errors, and registers that do not exist read
 * as 0 and ignore writes, with a guest error, as on QEMU.  Its state
 * (priorities, pending and in-service bits, enables, thresholds) is
 * saved as arrays sized by the configuration; after a load the gateways
 * sample their lines again and the outputs follow.
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/breadboard.h>

#include "interrupt-controllers.h"

#define PLIC_PRIO_MASK 7u             /* 3 priority bits, as on virt */
#define PLIC_PENDING_BASE 0x1000u     /* pending bits, 32 sources a word */
#define PLIC_ENABLE_BASE 0x2000u      /* enable bits of context 0 */
#define PLIC_ENABLE_STRIDE 0x80u      /* per context */
#define PLIC_CONTEXT_BASE 0x200000u   /* threshold of context 0 */
#define PLIC_CONTEXT_STRIDE 0x1000u   /* per context */
#define PLIC_CLAIM 4u                 /* claim/complete, in a context */
#define PLIC_MAX_SOURCES 1024u        /* the register map's limit */
#define PLIC_MAX_CONTEXTS 15872u      /* (0x4000000 - 0x200000) / 0x1000 */
#define PLIC_SPEC_SIZE 0x4000000ull   /* the full register map */

typedef struct SifivePlic {
    BbDevice parent_obj;
    uint32_t num_sources;  /* property: IDs 0..num_sources-1; 0 reserved */
    uint32_t num_harts;    /* property: contexts M, S per hart */
    unsigned num_contexts; /* 2 * num_harts */
    unsigned words;        /* 32-bit words of a source bitmap */
    unsigned enable_words; /* num_contexts * words */
    BbMemoryRegion *mmio;
    BbIrqIn **lines;       /* [num_sources] the "irq" inputs */
    BbIrqOut **outs;       /* [num_contexts] the "ctx" outputs */
    uint32_t *priority;    /* [num_sources] */
    uint32_t *pending;     /* [words] */
    uint32_t *claimed;     /* [words] in service: claimed, not completed */
    uint32_t *enable;      /* [num_contexts][words] */
    uint32_t *threshold;   /* [num_contexts] */
} SifivePlic;

BB_DECLARE_TYPE(SifivePlic, BbDeviceClass, SIFIVE_PLIC, TYPE_SIFIVE_PLIC)

static bool bit_get(const uint32_t *map, unsigned n)
{
    return map[n / 32] >> (n % 32) & 1;
}

static void bit_set(uint32_t *map, unsigned n, bool v)
{
    if (v) {
        map[n / 32] |= 1u << (n % 32);
    } else {
        map[n / 32] &= ~(1u << (n % 32));
    }
}

/* The bits of word @w that name existing sources (not 0, not past the
 * last): enable bits outside it are hard-wired to 0. */
static uint32_t word_mask(const SifivePlic *s, unsigned w)
{
    unsigned first = w * 32;
    uint32_t m = UINT32_MAX;

    if (s->num_sources - first < 32) {
        m = (1u << (s->num_sources - first)) - 1;
    }
    return w == 0 ? m & ~1u : m;
}

/* The source context @ctx would claim now, 0 if none: the highest
 * priority above the threshold among pending enabled sources; the lowest
 * ID wins a tie because only a strictly higher priority replaces it. */
static unsigned plic_best(const SifivePlic *s, unsigned ctx)
{
    const uint32_t *en = &s->enable[ctx * s->words];
    uint32_t best_prio = s->threshold[ctx];
    unsigned best = 0;

    for (unsigned w = 0; w < s->words; w++) {
        for (uint32_t bits = s->pending[w] & en[w]; bits; bits &= bits - 1) {
            unsigned src = w * 32 + (unsigned)__builtin_ctz(bits);
            if (s->priority[src] > best_prio) {
                best_prio = s->priority[src];
                best = src;
            }
        }
    }
    return best;
}

static void plic_update(SifivePlic *s)
{
    for (unsigned ctx = 0; ctx < s->num_contexts; ctx++) {
        bb_irq_out_set(s->outs[ctx], plic_best(s, ctx) != 0);
    }
}

/* A source's gateway: pending follows the line unless in service. */
static void plic_sample(SifivePlic *s, unsigned src)
{
    if (!bit_get(s->claimed, src)) {
        bit_set(s->pending, src, bb_irq_in_get_level(s->lines[src]));
    }
}

static void plic_irq(void *opaque, unsigned n, bool level)
{
    SifivePlic *s = opaque;

    if (n == 0) {
        return; /* ID 0 means "no interrupt" */
    }
    plic_sample(s, n);
    plic_update(s);
}

static uint32_t plic_claim(SifivePlic *s, unsigned ctx)
{
    unsigned src = plic_best(s, ctx);

    if (src) {
        bit_set(s->pending, src, false);
        bit_set(s->claimed, src, true);
        plic_update(s);
    }
    return src;
}

static void plic_complete(SifivePlic *s, unsigned ctx, uint32_t src)
{
    if (src == 0 || src >= s->num_sources) {
        bb_guest_error("sifive-plic: context %u completes source %" PRIu32
                       ", which does not exist", ctx, src);
        return;
    }
    if (!bit_get(&s->enable[ctx * s->words], src)) {
        /* the spec: completions of sources not enabled are ignored */
        bb_guest_error("sifive-plic: context %u completes source %" PRIu32
                       ", which it has not enabled; ignored", ctx, src);
        return;
    }
    bit_set(s->claimed, src, false);
    plic_sample(s, src); /* a line still high asks again */
    plic_update(s);
}

/* Which register @addr is.  Returns false, after a guest error saying
 * what @what (read/write) missed, for holes and for registers of sources
 * or contexts that do not exist. */
typedef enum { REG_PRIORITY, REG_PENDING, REG_ENABLE, REG_THRESHOLD,
               REG_CLAIM } PlicReg;

static bool plic_decode(SifivePlic *s, uint64_t addr, const char *what,
                        PlicReg *reg, unsigned *idx, unsigned *ctx)
{
    if (addr < PLIC_PENDING_BASE) {
        *reg = REG_PRIORITY;
        *idx = addr / 4;
        if (*idx > 0 && *idx < s->num_sources) {
            return true;
        }
        bb_guest_error("sifive-plic: %s of the priority of source %u, which "
                       "does not exist", what, *idx);
    } else if (addr < PLIC_ENABLE_BASE) {
        *reg = REG_PENDING;
        *idx = (addr - PLIC_PENDING_BASE) / 4;
        if (*idx < s->words) {
            return true;
        }
        bb_guest_error("sifive-plic: %s of pending word %u (sources %u-%u), "
                       "which does not exist", what, *idx, *idx * 32,
                       *idx * 32 + 31);
    } else if (addr < PLIC_CONTEXT_BASE) {
        *reg = REG_ENABLE;
        *ctx = (addr - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        *idx = (addr - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;
        if (*ctx < s->num_contexts && *idx < s->words) {
            return true;
        }
        bb_guest_error("sifive-plic: %s of enable word %u of context %u, "
                       "which does not exist", what, *idx, *ctx);
    } else {
        uint64_t ctx64 = (addr - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        unsigned off = (addr - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        *ctx = ctx64 < s->num_contexts ? (unsigned)ctx64 : 0;
        *reg = off == 0 ? REG_THRESHOLD : REG_CLAIM;
        if (ctx64 >= s->num_contexts) {
            bb_guest_error("sifive-plic: %s of offset 0x%" PRIx64 " in "
                           "context %" PRIu64 ", which does not exist", what,
                           addr, ctx64);
        } else if (off > PLIC_CLAIM) {
            bb_guest_error("sifive-plic: %s of offset 0x%" PRIx64 " in "
                           "context %u: no such register", what, addr, *ctx);
        } else {
            return true;
        }
    }
    return false;
}

static uint64_t plic_read(void *opaque, uint64_t addr, unsigned size)
{
    SifivePlic *s = opaque;
    unsigned idx, ctx;
    PlicReg reg;

    if (!plic_decode(s, addr, "read", &reg, &idx, &ctx)) {
        return 0;
    }
    switch (reg) {
    case REG_PRIORITY:
        return s->priority[idx];
    case REG_PENDING:
        return s->pending[idx];
    case REG_ENABLE:
        return s->enable[ctx * s->words + idx];
    case REG_THRESHOLD:
        return s->threshold[ctx];
    case REG_CLAIM:
        return plic_claim(s, ctx);
    }
    return 0;
}

static void plic_write(void *opaque, uint64_t addr, uint64_t value,
                       unsigned size)
{
    SifivePlic *s = opaque;
    uint32_t v = (uint32_t)value;
    unsigned idx, ctx;
    PlicReg reg;

    if (!plic_decode(s, addr, "write", &reg, &idx, &ctx)) {
        return;
    }
    switch (reg) {
    case REG_PRIORITY:
        s->priority[idx] = v & PLIC_PRIO_MASK;
        break;
    case REG_PENDING:
        bb_guest_error("sifive-plic: write of 0x%" PRIx32 " to pending word "
                       "%u, which is read-only", v, idx);
        return;
    case REG_ENABLE:
        s->enable[ctx * s->words + idx] = v & word_mask(s, idx);
        break;
    case REG_THRESHOLD:
        s->threshold[ctx] = v & PLIC_PRIO_MASK;
        break;
    case REG_CLAIM:
        plic_complete(s, ctx, v);
        return;
    }
    plic_update(s);
}

static const BbMemoryOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool plic_realize(BbDevice *dev, GError **error)
{
    SifivePlic *s = SIFIVE_PLIC(dev);
    uint64_t need, base, size;

    s->num_contexts = 2 * s->num_harts;
    s->words = (s->num_sources + 31) / 32;
    s->enable_words = s->num_contexts * s->words;
    need = PLIC_CONTEXT_BASE + (uint64_t)s->num_contexts * PLIC_CONTEXT_STRIDE;
    if (!bb_device_add_irq_in(dev, "irq", s->num_sources, plic_irq, s,
                              error) ||
        !bb_device_add_irq_out(dev, "ctx", s->num_contexts, error)) {
        return false;
    }
    s->lines = g_new(BbIrqIn *, s->num_sources);
    for (unsigned i = 0; i < s->num_sources; i++) {
        s->lines[i] = bb_device_get_irq_in(dev, "irq", i);
    }
    s->outs = g_new(BbIrqOut *, s->num_contexts);
    for (unsigned i = 0; i < s->num_contexts; i++) {
        s->outs[i] = bb_device_get_irq_out(dev, "ctx", i);
    }
    s->priority = g_new0(uint32_t, s->num_sources);
    s->pending = g_new0(uint32_t, s->words);
    s->claimed = g_new0(uint32_t, s->words);
    s->enable = g_new0(uint32_t, s->enable_words);
    s->threshold = g_new0(uint32_t, s->num_contexts);
    /* Decode the whole range the board gives (QEMU's virt decodes
     * 0x600000 whatever the number of harts); the board refuses a range
     * smaller than the contexts need. */
    size = need;
    if (bb_device_get_reg(dev, 0, &base, &size) && size < need) {
        size = need;
    }
    s->mmio = bb_memory_region_new_io(BB_OBJECT(dev), "sifive-plic",
                                      &plic_ops, s, size);
    bb_device_init_mmio(dev, s->mmio);
    return true;
}

static void plic_unrealize(BbDevice *dev)
{
    SifivePlic *s = SIFIVE_PLIC(dev);

    g_clear_pointer(&s->mmio, bb_memory_region_unref);
    g_clear_pointer(&s->lines, g_free);
    g_clear_pointer(&s->outs, g_free);
    g_clear_pointer(&s->priority, g_free);
    g_clear_pointer(&s->pending, g_free);
    g_clear_pointer(&s->claimed, g_free);
    g_clear_pointer(&s->enable, g_free);
    g_clear_pointer(&s->threshold, g_free);
}

/* Everything 0, as the spec's reset and QEMU have it; lines that are
 * high stay pending (with priority 0 they interrupt nobody). */
static void plic_reset(BbDevice *dev)
{
    SifivePlic *s = SIFIVE_PLIC(dev);

    memset(s->priority, 0, s->num_sources * sizeof(uint32_t));
    memset(s->pending, 0, s->words * sizeof(uint32_t));
    memset(s->claimed, 0, s->words * sizeof(uint32_t));
    memset(s->enable, 0, s->enable_words * sizeof(uint32_t));
    memset(s->threshold, 0, s->num_contexts * sizeof(uint32_t));
    for (unsigned src = 1; src < s->num_sources; src++) {
        plic_sample(s, src);
    }
    plic_update(s);
}

/* The node QEMU's virt board writes (hardware.md 1.6), except that
 * riscv,ndev is the number of usable sources (num-sources - 1) where
 * QEMU 7.2 writes one more. */
static bool plic_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    SifivePlic *s = SIFIVE_PLIC(dev);
    uint64_t base = 0;

    bb_device_get_reg(dev, 0, &base, NULL);
    g_autofree char *path = g_strdup_printf("/soc/plic@%" PRIx64, base);
    /* Guests number the contexts by their position in
     * interrupts-extended, so each must be listed exactly once (or, as
     * for any device, none is: then the property is left out). */
    unsigned wired = 0;
    for (unsigned ctx = 0; ctx < s->num_contexts; ctx++) {
        wired += bb_irq_out_get_sink_count(s->outs[ctx]) != 0;
    }
    for (unsigned ctx = 0; wired && ctx < s->num_contexts; ctx++) {
        unsigned n = bb_irq_out_get_sink_count(s->outs[ctx]);
        if (n != 1) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "device tree node '%s': context %u (ctx[%u]) "
                        "drives %u inputs, but it must go to exactly one "
                        "hart input: guests number the contexts by their "
                        "position in interrupts-extended", path, ctx, ctx,
                        n);
            return false;
        }
    }
    return bb_fdt_add_node(fdt, path, error) &&
           bb_fdt_set_prop_u32(fdt, path, "#interrupt-cells", 1, error) &&
           bb_fdt_set_prop_u32(fdt, path, "#address-cells", 0, error) &&
           bb_fdt_set_prop_strings(fdt, path, "compatible",
                                   BB_DEVICE_GET_CLASS(dev)->compatible,
                                   error) &&
           bb_fdt_set_prop_empty(fdt, path, "interrupt-controller", error) &&
           bb_device_fdt_interrupts(dev, fdt, path, "ctx", true, error) &&
           bb_device_fdt_reg_prop(dev, fdt, path, error) &&
           bb_fdt_set_prop_u32(fdt, path, "riscv,ndev", s->num_sources - 1,
                               error) &&
           bb_fdt_set_prop_u32(fdt, path, "phandle",
                               bb_fdt_phandle(fdt, BB_OBJECT(dev)), error);
}

/* Input n of "irq" is source n: <n>.  Source 0 cannot be named. */
static unsigned plic_irq_specifier(BbDevice *dev, const char *group,
                                   unsigned n, uint32_t *cells)
{
    SifivePlic *s = SIFIVE_PLIC(dev);

    if (strcmp(group, "irq") || n == 0 || n >= s->num_sources) {
        return 0;
    }
    cells[0] = n;
    return 1;
}

/* A loaded register outside what the guest could have written, or NULL.
 * Pending and claimed bits of sources that do not exist, and the enable
 * bits that are hard-wired to 0, count as well. */
static const char *plic_state_problem(const SifivePlic *s, unsigned *at)
{
    for (*at = 0; *at < s->num_sources; (*at)++) {
        if (s->priority[*at] > PLIC_PRIO_MASK ||
            (*at == 0 && s->priority[0])) {
            return "priority of source";
        }
    }
    for (*at = 0; *at < s->words; (*at)++) {
        if ((s->pending[*at] | s->claimed[*at]) & ~word_mask(s, *at)) {
            return "pending or claimed bits of word";
        }
    }
    for (*at = 0; *at < s->enable_words; (*at)++) {
        if (s->enable[*at] & ~word_mask(s, *at % s->words)) {
            return "enable bits of word";
        }
    }
    for (*at = 0; *at < s->num_contexts; (*at)++) {
        if (s->threshold[*at] > PLIC_PRIO_MASK) {
            return "threshold of context";
        }
    }
    return NULL;
}

/* The registers are loaded; the gateways and outputs follow them.  A
 * source not in service is pending exactly while its line is high (the
 * line levels belong to the devices driving them, which restore their
 * own state), and each context's output is recomputed. */
static bool plic_post_load(void *opaque, uint32_t version, GError **error)
{
    SifivePlic *s = opaque;
    unsigned at;
    const char *bad = plic_state_problem(s, &at);

    if (bad) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "%s %u holds a value the PLIC cannot (corrupt state?)",
                    bad, at);
        return false;
    }
    for (unsigned src = 1; src < s->num_sources; src++) {
        plic_sample(s, src);
    }
    plic_update(s);
    return true;
}

/* The registers; their sizes follow num-sources and num-harts, so a
 * stream from a PLIC configured differently is refused. */
static const BbStateField plic_state_fields[] = {
    BB_STATE_VARRAY_PTR(BB_STATE_U32, SifivePlic, priority, num_sources),
    BB_STATE_VARRAY_PTR(BB_STATE_U32, SifivePlic, pending, words),
    BB_STATE_VARRAY_PTR(BB_STATE_U32, SifivePlic, claimed, words),
    BB_STATE_VARRAY_PTR(BB_STATE_U32, SifivePlic, enable, enable_words),
    BB_STATE_VARRAY_PTR(BB_STATE_U32, SifivePlic, threshold, num_contexts),
    BB_STATE_END
};

static const BbStateDesc plic_state = {
    .name = TYPE_SIFIVE_PLIC,
    .version = 1,
    .min_version = 1,
    .fields = plic_state_fields,
    .size = sizeof(SifivePlic),
    .post_load = plic_post_load,
};

static const BbPropertyInfo plic_props[] = {
    BB_PROP_UINT_RANGE("num-sources", SifivePlic, num_sources, 96, 2,
                       PLIC_MAX_SOURCES,
                       "interrupt sources including the reserved 0 "
                       "(riscv,ndev + 1)"),
    BB_PROP_UINT_RANGE("num-harts", SifivePlic, num_harts, 1, 1,
                       PLIC_MAX_CONTEXTS / 2,
                       "harts; each has an M and an S context"),
    BB_PROP_END
};

static void plic_class_init(BbObjectClass *klass, const void *data)
{
    static const char *const compatible[] = {
        "sifive,plic-1.0.0", "riscv,plic0", NULL
    };
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);
    BbFdtIntcClass *ic =
        (BbFdtIntcClass *)bb_object_class_dynamic_cast(klass,
                                                       BB_TYPE_FDT_INTC);

    bb_object_class_add_properties(klass, plic_props);
    dc->realize = plic_realize;
    dc->unrealize = plic_unrealize;
    dc->reset = plic_reset;
    dc->fdt_populate = plic_fdt_populate;
    dc->state = &plic_state;
    dc->reg_size = PLIC_SPEC_SIZE;
    bb_device_class_set_compatible(dc, compatible);
    ic->irq_specifier = plic_irq_specifier;
}

static const BbInterfaceInfo plic_interfaces[] = {
    { BB_TYPE_FDT_INTC }, { NULL }
};

const BbTypeInfo sifive_plic_info = {
    .name = TYPE_SIFIVE_PLIC,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(SifivePlic),
    .class_init = plic_class_init,
    .interfaces = plic_interfaces,
    .description = "SiFive platform-level interrupt controller (PLIC)",
};
