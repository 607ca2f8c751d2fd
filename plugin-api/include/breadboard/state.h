/*
 * state.h - state descriptions: which fields of a device make up its
 * architectural state, so snapshots can save and restore it.
 *
 * A description is a versioned table of fields.  A field added in a later
 * version carries that version in @version_added; loading state saved by
 * an older version leaves such fields as reset set them.  The serialised
 * form is little-endian and positional, prefixed with the version it was
 * written at.
 */
#ifndef BREADBOARD_STATE_H
#define BREADBOARD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>

G_BEGIN_DECLS

/**
 * enum BbStateKind - element type of a state field.
 * Since: ABI 1.0
 */
typedef enum {
    BB_STATE_BOOL = 1, /* bool */
    BB_STATE_U8,       /* uint8_t */
    BB_STATE_U16,      /* uint16_t */
    BB_STATE_U32,      /* uint32_t */
    BB_STATE_U64,      /* uint64_t */
    BB_STATE_I32,      /* int32_t */
    BB_STATE_I64,      /* int64_t */
    BB_STATE_BYTES,    /* opaque bytes (a buffer embedded in the struct) */
} BbStateKind;

/**
 * struct BbStateField - one field (or fixed-size array) of device state.
 * @name: field name, unique in the description.
 * @kind: element type.
 * @offset: offset in the instance struct.
 * @size: total size of the field in bytes (checked against @kind).
 * @version_added: first description version that contains the field.
 * Since: ABI 1.0
 */
typedef struct BbStateField {
    const char *name;
    BbStateKind kind;
    size_t offset;
    size_t size;
    uint32_t version_added;
} BbStateField;

/**
 * struct BbStateDesc - the state of one device type.
 * @name: section name (usually the type name).
 * @version: version written by bb_state_save().
 * @min_version: oldest version bb_state_load() accepts.
 * @fields: table terminated by BB_STATE_END.
 * Since: ABI 1.0
 */
typedef struct BbStateDesc {
    const char *name;
    uint32_t version;
    uint32_t min_version;
    const BbStateField *fields;
    void *reserved[4];
} BbStateDesc;

#define BB_STATE_FIELD_(k, State, field, v)                                   \
    { .name = #field, .kind = (k), .offset = offsetof(State, field),          \
      .size = sizeof(((State *)0)->field), .version_added = (v) }

/* One macro per element type; arrays use the same macro (size says). */
#define BB_STATE_BOOL(State, field) BB_STATE_FIELD_(BB_STATE_BOOL, State, field, 0)
#define BB_STATE_U8(State, field) BB_STATE_FIELD_(BB_STATE_U8, State, field, 0)
#define BB_STATE_U16(State, field) BB_STATE_FIELD_(BB_STATE_U16, State, field, 0)
#define BB_STATE_U32(State, field) BB_STATE_FIELD_(BB_STATE_U32, State, field, 0)
#define BB_STATE_U64(State, field) BB_STATE_FIELD_(BB_STATE_U64, State, field, 0)
#define BB_STATE_I32(State, field) BB_STATE_FIELD_(BB_STATE_I32, State, field, 0)
#define BB_STATE_I64(State, field) BB_STATE_FIELD_(BB_STATE_I64, State, field, 0)
#define BB_STATE_BYTES(State, field) BB_STATE_FIELD_(BB_STATE_BYTES, State, field, 0)
/* A field that first appeared in description version @v. */
#define BB_STATE_SINCE(kind, State, field, v) BB_STATE_FIELD_(kind, State, field, v)
#define BB_STATE_END { .name = NULL }

/**
 * bb_state_validate() - check a description against its instance size:
 * fields inside the struct, sizes multiples of the element size, unique
 * names, versions in range.
 * Return: true if valid; otherwise @error names the field.
 * Since: ABI 1.0
 */
BB_API bool bb_state_validate(const BbStateDesc *desc, size_t instance_size,
                              GError **error);

/**
 * bb_state_save() - append the state of @obj to @out.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_state_save(const BbStateDesc *desc, const void *obj,
                          GByteArray *out, GError **error);

/**
 * bb_state_load() - restore the state of @obj from @data.
 * @len: length of @data; it must be exactly what the saved version wrote.
 * @error: set on a version outside [min_version, version] or a length
 *   mismatch; @obj is unchanged then.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_state_load(const BbStateDesc *desc, void *obj,
                          const guint8 *data, size_t len, GError **error);

G_END_DECLS

#endif /* BREADBOARD_STATE_H */
