/*
 * irq.c - IRQ lines between devices (irq.h).
 *
 * IRQ lines are level-triggered wires.  Each input counts how many of its
 * connected outputs are high; its handler runs when that count goes from
 * zero to non-zero or back, which gives wire-OR semantics for shared lines
 * without the devices knowing about each other.  Both ends keep a list of
 * the other, so a device that goes away disconnects cleanly.  A device
 * declares its lines in named groups (instance_init or realize); the
 * board connects them by name and index.
 */
#include <string.h>

#include <breadboard/device.h>

#include "device/device-internal.h"
#include "qom/object-internal.h"

typedef struct IrqGroup {
    char *name;
    unsigned count;
    bool input;
    BbIrqHandler handler;
    void *opaque;
    BbIrqIn *in;   /* count entries when input */
    BbIrqOut *out; /* count entries when output */
} IrqGroup;

struct BbIrqIn {
    BbDevice *dev;
    IrqGroup *group;
    unsigned index;
    unsigned nasserted; /* connected outputs currently high */
    GPtrArray *sources; /* BbIrqOut * */
};

struct BbIrqOut {
    BbDevice *dev;
    IrqGroup *group;
    unsigned index;
    bool level;
    GPtrArray *sinks; /* BbIrqIn * */
};


static IrqGroup *irq_group_find(BbDevice *dev, const char *name, bool input)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        IrqGroup *g = groups->pdata[i];
        if (g->input == input && !strcmp(g->name, name)) {
            return g;
        }
    }
    return NULL;
}

static IrqGroup *irq_group_add(BbDevice *dev, const char *name,
                               unsigned count, bool input, GError **error)
{
    if (!name || !*name || count == 0) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "IRQ %s group '%s': needs a name and at least one line",
                    input ? "input" : "output", name ? name : "(null)");
        return NULL;
    }
    if (irq_group_find(dev, name, input)) {
        g_autofree char *label = object_label(BB_OBJECT(dev));
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_EXISTS,
                    "%s already has an IRQ %s group '%s'", label,
                    input ? "input" : "output", name);
        return NULL;
    }
    IrqGroup *g = g_new0(IrqGroup, 1);
    g->name = g_strdup(name);
    g->count = count;
    g->input = input;
    g_ptr_array_add(dev->priv->irq_groups, g);
    return g;
}

bool bb_device_add_irq_in(BbDevice *dev, const char *name, unsigned count,
                          BbIrqHandler handler, void *opaque, GError **error)
{
    IrqGroup *g = irq_group_add(dev, name, count, true, error);

    if (!g) {
        return false;
    }
    g->handler = handler;
    g->opaque = opaque;
    g->in = g_new0(BbIrqIn, count);
    for (unsigned i = 0; i < count; i++) {
        g->in[i] = (BbIrqIn){ .dev = dev, .group = g, .index = i,
                              .sources = g_ptr_array_new() };
    }
    return true;
}

bool bb_device_add_irq_out(BbDevice *dev, const char *name, unsigned count,
                           GError **error)
{
    IrqGroup *g = irq_group_add(dev, name, count, false, error);

    if (!g) {
        return false;
    }
    g->out = g_new0(BbIrqOut, count);
    for (unsigned i = 0; i < count; i++) {
        g->out[i] = (BbIrqOut){ .dev = dev, .group = g, .index = i,
                                .sinks = g_ptr_array_new() };
    }
    return true;
}

BbIrqIn *bb_device_get_irq_in(BbDevice *dev, const char *name, unsigned n)
{
    IrqGroup *g = irq_group_find(dev, name, true);
    return g && n < g->count ? &g->in[n] : NULL;
}

BbIrqOut *bb_device_get_irq_out(BbDevice *dev, const char *name, unsigned n)
{
    IrqGroup *g = irq_group_find(dev, name, false);
    return g && n < g->count ? &g->out[n] : NULL;
}

static void irq_in_adjust(BbIrqIn *in, bool raise)
{
    bool old = in->nasserted > 0;

    if (raise) {
        in->nasserted++;
    } else if (in->nasserted) {
        in->nasserted--;
    }
    bool now = in->nasserted > 0;
    if (old != now && in->group->handler && !in->dev->priv->unrealized) {
        in->group->handler(in->group->opaque, in->index, now);
    }
}

void bb_irq_out_set(BbIrqOut *out, bool level)
{
    if (!out || out->level == level) {
        return;
    }
    out->level = level;
    for (guint i = 0; i < out->sinks->len; i++) {
        irq_in_adjust(out->sinks->pdata[i], level);
    }
}

bool bb_irq_out_get(const BbIrqOut *out)
{
    return out->level;
}

bool bb_irq_connect(BbIrqOut *out, BbIrqIn *in, GError **error)
{
    for (guint i = 0; i < out->sinks->len; i++) {
        if (out->sinks->pdata[i] == in) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_EXISTS,
                        "IRQ %s[%u] is already connected to %s[%u]",
                        out->group->name, out->index, in->group->name,
                        in->index);
            return false;
        }
    }
    g_ptr_array_add(out->sinks, in);
    g_ptr_array_add(in->sources, out);
    if (out->level) {
        irq_in_adjust(in, true);
    }
    return true;
}

bool bb_irq_in_get_level(const BbIrqIn *in)
{
    return in->nasserted > 0;
}

BbDevice *bb_irq_in_get_device(const BbIrqIn *in)
{
    return in->dev;
}

const char *bb_irq_in_get_group(const BbIrqIn *in)
{
    return in->group->name;
}

unsigned bb_irq_in_get_index(const BbIrqIn *in)
{
    return in->index;
}

unsigned bb_irq_out_get_sink_count(const BbIrqOut *out)
{
    return out->sinks->len;
}

BbIrqIn *bb_irq_out_get_sink(const BbIrqOut *out, unsigned i)
{
    return i < out->sinks->len ? out->sinks->pdata[i] : NULL;
}

/* Disconnect every line of @g from the other ends; a high output being
 * removed lowers its sinks, as a vanished source would. */
static void irq_group_free(IrqGroup *g)
{
    for (unsigned i = 0; i < g->count; i++) {
        if (g->input) {
            BbIrqIn *in = &g->in[i];
            for (guint j = 0; j < in->sources->len; j++) {
                g_ptr_array_remove(((BbIrqOut *)in->sources->pdata[j])->sinks,
                                   in);
            }
            g_ptr_array_unref(in->sources);
        } else {
            BbIrqOut *out = &g->out[i];
            bb_irq_out_set(out, false);
            for (guint j = 0; j < out->sinks->len; j++) {
                g_ptr_array_remove(((BbIrqIn *)out->sinks->pdata[j])->sources,
                                   out);
            }
            g_ptr_array_unref(out->sinks);
        }
    }
    g_free(g->in);
    g_free(g->out);
    g_free(g->name);
    g_free(g);
}

void device_foreach_irq_group(BbDevice *dev, bool inputs,
                              void (*fn)(const char *name, unsigned count,
                                         void *opaque),
                              void *opaque)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        IrqGroup *g = groups->pdata[i];
        if (g->input == inputs) {
            fn(g->name, g->count, opaque);
        }
    }
}

static void append_group(const char *name, unsigned count, void *opaque)
{
    GString *s = opaque;
    g_string_append_printf(s, "%s%s[%u]", s->len ? ", " : "", name, count);
}

char *device_irq_group_names(BbDevice *dev, bool inputs)
{
    GString *s = g_string_new(NULL);
    device_foreach_irq_group(dev, inputs, append_group, s);
    return g_string_free(s, false);
}

void device_irq_groups_free(BbDevice *dev)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        irq_group_free(groups->pdata[i]);
    }
    g_ptr_array_unref(groups);
    dev->priv->irq_groups = NULL;
}

void device_irq_outputs_lower(BbDevice *dev)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        IrqGroup *g = groups->pdata[i];
        for (unsigned j = 0; !g->input && j < g->count; j++) {
            bb_irq_out_set(&g->out[j], false);
        }
    }
}

void device_foreach_irq_sink(BbDevice *dev,
                             void (*fn)(const char *group, unsigned index,
                                        BbIrqIn *sink, void *opaque),
                             void *opaque)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        IrqGroup *g = groups->pdata[i];
        for (unsigned j = 0; !g->input && j < g->count; j++) {
            GPtrArray *sinks = g->out[j].sinks;
            for (guint k = 0; k < sinks->len; k++) {
                fn(g->name, j, sinks->pdata[k], opaque);
            }
        }
    }
}

BbDevice *device_irq_first_source(BbDevice *dev)
{
    GPtrArray *groups = dev->priv->irq_groups;

    for (guint i = 0; i < groups->len; i++) {
        IrqGroup *g = groups->pdata[i];
        for (unsigned j = 0; g->input && j < g->count; j++) {
            if (g->in[j].sources->len) {
                return ((BbIrqOut *)g->in[j].sources->pdata[0])->dev;
            }
        }
    }
    return NULL;
}
