/*
 * board-wire.c - connecting the IRQ lines a board names, after every
 * device is realized (some declare their groups at realize, sized by
 * properties).  `irq: REF` means line 0 of the source's first output
 * group, `irqs: {GROUP: [REF, ...]}` lines 0, 1, ... of GROUP; a
 * reference TARGET[.GROUP][:INDEX] names an input line of a device or
 * hart, the target's first input group by default.  Unknown groups and
 * out-of-range lines are reported at the reference, with the groups the
 * device does have and their sizes.
 */
#include <stdlib.h>
#include <string.h>

#include <breadboard/device.h>
#include <breadboard/error.h>

#include "board/board-internal.h"
#include "device/device-internal.h"
#include "qom/object-internal.h"

typedef struct IrqGroupInfo {
    const char *name;
    unsigned count;
} IrqGroupInfo;

static void add_group_info(const char *name, unsigned count, void *opaque)
{
    IrqGroupInfo g = { name, count };

    g_array_append_val((GArray *)opaque, g);
}

/* The group @name of @dev (NULL: the first one); false if there is none. */
static bool find_group(BbDevice *dev, bool inputs, const char *name,
                       IrqGroupInfo *out)
{
    g_autoptr(GArray) groups = g_array_new(false, false,
                                           sizeof(IrqGroupInfo));

    device_foreach_irq_group(dev, inputs, add_group_info, groups);
    for (guint i = 0; i < groups->len; i++) {
        IrqGroupInfo *g = &g_array_index(groups, IrqGroupInfo, i);
        if (!name || !strcmp(name, g->name)) {
            *out = *g;
            return true;
        }
    }
    return false;
}

static bool group_error(BbDevice *dev, bool inputs, const char *name,
                        const char *ref, const BoardLoc *loc, GError **error)
{
    g_autofree char *label = object_label(BB_OBJECT(dev));
    g_autofree char *groups = device_irq_group_names(dev, inputs);
    const char *kind = inputs ? "input" : "output";

    if (!*groups) {
        board_error(error, BB_ERROR_NOT_FOUND, loc,
                    "%s%s%s%s has no IRQ %ss", ref ? "IRQ reference '" : "",
                    ref ? ref : "", ref ? "': " : "", label, kind);
    } else {
        board_error(error, BB_ERROR_NOT_FOUND, loc,
                    "%s%s%s%s has no IRQ %s group '%s'; %s groups: %s",
                    ref ? "IRQ reference '" : "", ref ? ref : "",
                    ref ? "': " : "", label, kind, name, kind, groups);
    }
    return false;
}

static BbDevice *irq_target(Board *board, const char *id)
{
    const BoardSpec *spec = board->spec;

    if (board_spec_is_hart(spec, id)) {
        return BB_DEVICE(g_ptr_array_index(board->harts,
                                           strtoul(id + 4, NULL, 10)));
    }
    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *bd = g_ptr_array_index(spec->devices, i);
        if (!strcmp(bd->id, id)) {
            return BB_DEVICE(g_ptr_array_index(board->devices, i));
        }
    }
    return NULL;
}

static BbIrqOut *resolve_out(BbDevice *dev, const BoardIrqRef *ref,
                             GError **error)
{
    IrqGroupInfo g;

    if (!find_group(dev, false, ref->out_group, &g)) {
        group_error(dev, false, ref->out_group, NULL,
                    ref->out_group ? &ref->group_loc : &ref->loc, error);
        return NULL;
    }
    if (ref->out_index >= g.count) {
        g_autofree char *label = object_label(BB_OBJECT(dev));
        board_error(error, BB_ERROR_INVALID, &ref->loc,
                    "'%s' would drive line %u of IRQ output group '%s' of "
                    "%s, which has %u line%s (0-%u)", ref->text,
                    ref->out_index, g.name, label, g.count,
                    g.count == 1 ? "" : "s", g.count - 1);
        return NULL;
    }
    return bb_device_get_irq_out(dev, g.name, ref->out_index);
}

static BbIrqIn *resolve_in(Board *board, const BoardIrqRef *ref,
                           GError **error)
{
    BbDevice *target = irq_target(board, ref->target);
    IrqGroupInfo g;

    if (!find_group(target, true, ref->in_group, &g)) {
        group_error(target, true, ref->in_group, ref->text, &ref->loc,
                    error);
        return NULL;
    }
    if (ref->in_index >= g.count) {
        board_error(error, BB_ERROR_INVALID, &ref->loc,
                    "IRQ reference '%s': index %u is out of range for "
                    "'%s.%s', which has %u line%s (0-%u)", ref->text,
                    ref->in_index, ref->target, g.name, g.count,
                    g.count == 1 ? "" : "s", g.count - 1);
        return NULL;
    }
    return bb_device_get_irq_in(target, g.name, ref->in_index);
}

bool board_wire_irqs(Board *board, GError **error)
{
    const BoardSpec *spec = board->spec;

    for (guint i = 0; i < spec->devices->len; i++) {
        BoardDevice *bd = g_ptr_array_index(spec->devices, i);
        BbDevice *dev = BB_DEVICE(g_ptr_array_index(board->devices, i));
        for (guint j = 0; j < bd->irqs->len; j++) {
            BoardIrqRef *ref = g_ptr_array_index(bd->irqs, j);
            GError *err = NULL;
            BbIrqOut *out = resolve_out(dev, ref, error);
            BbIrqIn *in = out ? resolve_in(board, ref, error) : NULL;
            if (!in) {
                return false;
            }
            if (!bb_irq_connect(out, in, &err)) {
                board_error_propagate(error, err, &ref->loc);
                return false;
            }
        }
    }
    return true;
}
