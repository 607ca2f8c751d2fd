/*
 * irq.h - interrupt lines between devices.
 *
 * Lines are level-triggered.  A device declares named groups of input
 * lines (with a handler) and of output lines; the board connects outputs
 * to inputs.  An input may have several sources: its level is the OR of
 * the levels of every connected output (wire-OR), and its handler runs
 * only when that OR changes.  An output may drive several inputs.
 * Once a device's unrealize has begun (and until it is realized again),
 * its input handlers are no longer called: levels are still tracked, so
 * a device that others keep driving during teardown sees nothing.
 */
#ifndef BREADBOARD_IRQ_H
#define BREADBOARD_IRQ_H

#include <stdbool.h>

#include <glib.h>

#include <breadboard/abi.h>

G_BEGIN_DECLS

typedef struct BbDevice BbDevice;
typedef struct BbIrqIn BbIrqIn;   /* one input line of a device */
typedef struct BbIrqOut BbIrqOut; /* one output line of a device */

/**
 * typedef BbIrqHandler - called when the level of input @n changes.
 * @opaque: as given to bb_device_add_irq_in().
 * @n: index of the line within its group.
 * @level: the new (wire-ORed) level.
 * Since: ABI 1.0
 */
typedef void (*BbIrqHandler)(void *opaque, unsigned n, bool level);

/**
 * bb_device_add_irq_in() - declare a group of @count input lines.
 * @dev: the device (call from instance_init or realize).
 * @name: group name, unique among the device's inputs ("irq", "meip").
 * @count: number of lines, at least 1.
 * @handler: level-change callback.
 * @opaque: passed to @handler.
 * @error: set if the name is taken or @count is 0.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_device_add_irq_in(BbDevice *dev, const char *name,
                                 unsigned count, BbIrqHandler handler,
                                 void *opaque, GError **error);

/**
 * bb_device_add_irq_out() - declare a group of @count output lines.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_device_add_irq_out(BbDevice *dev, const char *name,
                                  unsigned count, GError **error);

/**
 * bb_device_get_irq_in() - input line @n of group @name.
 * Return: the line (owned by the device), or NULL if there is none.
 * Since: ABI 1.0
 */
BB_API BbIrqIn *bb_device_get_irq_in(BbDevice *dev, const char *name,
                                     unsigned n);

/**
 * bb_device_get_irq_out() - output line @n of group @name, or NULL.
 * Since: ABI 1.0
 */
BB_API BbIrqOut *bb_device_get_irq_out(BbDevice *dev, const char *name,
                                       unsigned n);

/**
 * bb_irq_out_set() - drive an output to @level.  Setting the level it
 * already has does nothing.  NULL is accepted (unconnected optional line).
 * Since: ABI 1.0
 */
BB_API void bb_irq_out_set(BbIrqOut *out, bool level);

/** bb_irq_out_get() - the level an output drives.  Since: ABI 1.0 */
BB_API bool bb_irq_out_get(const BbIrqOut *out);

/**
 * bb_irq_connect() - connect an output to an input.  If the output is
 * high, the input sees it at once.  Connecting the same pair twice fails.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_irq_connect(BbIrqOut *out, BbIrqIn *in, GError **error);

/** bb_irq_in_get_level() - the wire-ORed level of an input. */
BB_API bool bb_irq_in_get_level(const BbIrqIn *in);

/** bb_irq_in_get_device() - the device owning an input.  Since: ABI 1.0 */
BB_API BbDevice *bb_irq_in_get_device(const BbIrqIn *in);

/** bb_irq_in_get_group() - the group name of an input.  Since: ABI 1.0 */
BB_API const char *bb_irq_in_get_group(const BbIrqIn *in);

/** bb_irq_in_get_index() - the index of an input in its group. */
BB_API unsigned bb_irq_in_get_index(const BbIrqIn *in);

/** bb_irq_out_get_sink_count() - number of inputs an output drives. */
BB_API unsigned bb_irq_out_get_sink_count(const BbIrqOut *out);

/** bb_irq_out_get_sink() - the @i-th input an output drives, or NULL. */
BB_API BbIrqIn *bb_irq_out_get_sink(const BbIrqOut *out, unsigned i);

G_END_DECLS

#endif /* BREADBOARD_IRQ_H */
