/*
 * error.h - GError domains of the Breadboard SDK.
 *
 * One domain per subsystem; codes say what kind of failure it was so that
 * callers (and tests) can tell them apart without parsing messages.
 */
#ifndef BREADBOARD_ERROR_H
#define BREADBOARD_ERROR_H

#include <glib.h>

#include <breadboard/abi.h>

G_BEGIN_DECLS

/**
 * BbErrorCode - error codes shared by all Breadboard error domains.
 * @BB_ERROR_FAILED: anything not covered below.
 * @BB_ERROR_NOT_FOUND: a named type, property, object, plugin or file is
 *   unknown.
 * @BB_ERROR_INVALID: a value has the wrong syntax or is out of range.
 * @BB_ERROR_EXISTS: a name is already taken.
 * @BB_ERROR_STATE: the operation is not allowed in the object's state (for
 *   example setting a property of a realized device).
 * @BB_ERROR_VERSION: a version is incompatible (ABI, schema, plugin).
 * @BB_ERROR_IO: reading or writing a file failed.
 *
 * Since: ABI 1.0
 */
typedef enum {
    BB_ERROR_FAILED,
    BB_ERROR_NOT_FOUND,
    BB_ERROR_INVALID,
    BB_ERROR_EXISTS,
    BB_ERROR_STATE,
    BB_ERROR_VERSION,
    BB_ERROR_IO,
} BbErrorCode;

/**
 * bb_object_error_quark() - error domain of the object model.
 * Since: ABI 1.0
 */
BB_API GQuark bb_object_error_quark(void);
#define BB_OBJECT_ERROR (bb_object_error_quark())

/**
 * bb_device_error_quark() - error domain of devices (realize, IRQs, FDT).
 * Since: ABI 1.0
 */
BB_API GQuark bb_device_error_quark(void);
#define BB_DEVICE_ERROR (bb_device_error_quark())

/**
 * bb_plugin_error_quark() - error domain of the plugin loader.
 * Since: ABI 1.0
 */
BB_API GQuark bb_plugin_error_quark(void);
#define BB_PLUGIN_ERROR (bb_plugin_error_quark())

/**
 * bb_board_error_quark() - error domain of the board loader.
 * Since: ABI 1.0
 */
BB_API GQuark bb_board_error_quark(void);
#define BB_BOARD_ERROR (bb_board_error_quark())

G_END_DECLS

#endif /* BREADBOARD_ERROR_H */
