/*
 * error.c - the GError domains of the SDK (error.h), one per subsystem.
 */
#include <breadboard/error.h>

G_DEFINE_QUARK(bb-object-error-quark, bb_object_error)
G_DEFINE_QUARK(bb-device-error-quark, bb_device_error)
G_DEFINE_QUARK(bb-plugin-error-quark, bb_plugin_error)
G_DEFINE_QUARK(bb-board-error-quark, bb_board_error)
