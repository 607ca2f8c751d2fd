/*
 * state-internal.h - what the object model asks of state descriptions
 * (state.c): the check of a device class's description when the class is
 * initialised.
 */
#ifndef HOST_QOM_STATE_INTERNAL_H
#define HOST_QOM_STATE_INTERNAL_H

#include <breadboard/device.h>

/* Validate the state description of device class @dc, if it has one,
 * against the instance size. */
bool state_check_device_class(const BbDeviceClass *dc, size_t instance_size,
                              GError **error);

/* Check one section (@len bytes) against @desc and @obj as
 * bb_state_load() would, writing nothing (snapshots check every section
 * before loading any). */
bool state_load_check(const BbStateDesc *desc, void *obj,
                      const guint8 *data, size_t len, GError **error);

#endif /* HOST_QOM_STATE_INTERNAL_H */
