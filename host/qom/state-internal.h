/*
 * state-internal.h - what the object model asks of state descriptions
 * (state.c): the check of a device class's description when the class is
 * initialised; and what snapshots share with it: the section dry-run and
 * the little-endian integers both formats are made of.
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

/* Append the low @bytes (1..8) of @v, least significant first. */
static inline void state_put_le(GByteArray *out, uint64_t v, unsigned bytes)
{
    guint8 b[8];

    for (unsigned i = 0; i < bytes; i++) {
        b[i] = (guint8)(v >> (8 * i));
    }
    g_byte_array_append(out, b, bytes);
}

/* The @bytes-byte (1..8) little-endian integer at @p. */
static inline uint64_t state_get_le(const guint8 *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = bytes; i-- > 0;) {
        v = v << 8 | p[i];
    }
    return v;
}

#endif /* HOST_QOM_STATE_INTERNAL_H */
