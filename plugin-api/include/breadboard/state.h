/*
 * state.h - state descriptions: which fields of a device make up its
 * architectural state, so snapshots and hot reload can save it and put it
 * back into another instance of the same type.
 *
 * A description (BbStateDesc) is a versioned table of fields of one
 * struct: scalars and fixed arrays of them, timers (whether armed and the
 * deadline), nested structs (each a sub-section with its own name and
 * version), variable-length arrays whose length is another field, and
 * optional sub-sections that may be absent from a saved stream.  A field
 * added in a later version carries that version in @version_added;
 * loading state saved by an older version leaves such fields as reset set
 * them.  Pointers are never saved: what a pointer field refers to is saved
 * (BB_STATE_F_POINTER), never its value.
 *
 * The host checks a device type's description when its class is
 * initialised (offsets within the instance, element kinds and sizes,
 * count fields, sub-descriptions), so a bad table fails when the plugin's
 * type is first used, with the plugin, type and field named.
 *
 * Serialised form (all integers little-endian):
 *
 *   section  := name_len:u16 name[name_len] version:u32 body_len:u32 body
 *   body     := field* optional*     (fields present in that version, in
 *                                     table order; optional sub-sections
 *                                     last, each at most once, any order)
 *   field    := element*             (fixed: as many as the table says)
 *             | count:u32 element*   (BB_STATE_F_VARRAY)
 *   element  := scalar               (1/2/4/8 bytes; a bool is 1 byte 0/1)
 *             | armed:u8 deadline:i64          (BB_STATE_TIMER)
 *             | section              (BB_STATE_STRUCT: the sub-description;
 *                                     one section per array element, so
 *                                     element structs can grow by version)
 *   optional := section              (BB_STATE_F_OPTIONAL, by name)
 *
 * Loading is all-or-nothing: the whole stream is checked against the
 * description and the instance (names, versions, lengths, counts) before
 * any field is written, and if a post_load hook refuses the state the
 * instance gets its previous state back.  Timer deadlines are absolute
 * times on the timer's clock: whoever restores a whole machine restores
 * the virtual clock before the devices.
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
 * @BB_STATE_STRUCT: a struct described by the field's @sub (Since: ABI 2.0).
 * @BB_STATE_TIMER: a BbTimer * the device created; its armed state and
 *   deadline are saved, and load re-arms or cancels it (Since: ABI 2.0).
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
    BB_STATE_STRUCT,   /* nested struct: a sub-section (ABI 2.0) */
    BB_STATE_TIMER,    /* BbTimer *: armed + deadline (ABI 2.0) */
} BbStateKind;

/* BbStateField.flags (Since: ABI 2.0). */
#define BB_STATE_F_VARRAY (1u << 0)   /* element count in another field */
#define BB_STATE_F_POINTER (1u << 1)  /* the field points to the elements */
#define BB_STATE_F_OPTIONAL (1u << 2) /* a sub-section that may be absent */

typedef struct BbStateDesc BbStateDesc;

/**
 * struct BbStateField - one field (or array) of device state.
 * @name: field name, unique in the description.
 * @kind: element type.
 * @offset: offset in the struct.
 * @size: bytes the field occupies in the struct (a fixed or
 *   variable-length array: all its elements); with BB_STATE_F_POINTER,
 *   the size of one element (the struct holds only the pointer).
 * @version_added: first description version that contains the field.
 * @flags: BB_STATE_F_*.  Since: ABI 2.0
 * @sub: BB_STATE_STRUCT: the description of one element.  Since: ABI 2.0
 * @count_offset: BB_STATE_F_VARRAY: offset of the unsigned element count
 *   in the struct.  For an array in the struct (up to @size bytes) load
 *   sets the count; for BB_STATE_F_POINTER the count is configuration
 *   (the device allocated that many elements) and load refuses a stream
 *   with another count.  Since: ABI 2.0
 * @count_size: size of the count: 1, 2, 4 or 8 bytes.  Since: ABI 2.0
 *
 * Fill with the BB_STATE_* macros; a field added in a later version of a
 * kind without a _SINCE macro is a designated initializer with
 * .version_added set.  Array element structs (tables) keep reserved
 * padding so later minors can add members.
 * Since: ABI 1.0
 */
typedef struct BbStateField {
    const char *name;
    BbStateKind kind;
    size_t offset;
    size_t size;
    uint32_t version_added;
    uint32_t flags;
    const BbStateDesc *sub;
    size_t count_offset;
    uint32_t count_size;
    uint32_t reserved32; /* must be zero */
    void *reserved[4];   /* must be zero */
} BbStateField;

/**
 * struct BbStateDesc - the state of one struct (a device, or a struct
 * nested in one): a section of the serialised form.
 * @name: section name (a device's type name; a nested struct's own).
 * @version: version written by bb_state_save().
 * @min_version: oldest version bb_state_load() accepts.
 * @fields: table terminated by BB_STATE_END.
 * @size: size of the struct described; required for sub-descriptions
 *   (BbStateField.sub); for a device 0 (the instance size) or at most the
 *   instance size (a subclass may inherit its parent's description).
 *   Since: ABI 2.0
 * @needed: BB_STATE_F_OPTIONAL sub-sections: whether to save it (NULL:
 *   always); @opaque is the nested struct.  A section absent on load
 *   leaves its fields as they are.  Since: ABI 2.0
 * @pre_save: called before the fields are read (e.g. to turn a running
 *   counter into a value); optional.  Since: ABI 2.0
 * @post_load: called after the fields of this section (and its nested
 *   sections, which run theirs first) were written, with the version
 *   loaded: re-derive what is not saved (output lines, caches).  It may
 *   refuse the state by returning false with @error set; the instance
 *   then gets its previous state back (and post_load runs for that).
 *   Optional.  Since: ABI 2.0
 * Since: ABI 1.0
 */
struct BbStateDesc {
    const char *name;
    uint32_t version;
    uint32_t min_version;
    const BbStateField *fields;
    size_t size;
    bool (*needed)(const void *opaque);
    void (*pre_save)(void *opaque);
    bool (*post_load)(void *opaque, uint32_t version, GError **error);
    void *reserved[4]; /* must be zero */
};

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

/* A BbTimer * (or an array of them).  Since: ABI 2.0 */
#define BB_STATE_TIMER(State, field) BB_STATE_FIELD_(BB_STATE_TIMER, State, field, 0)

/* A struct (or fixed array of structs) described by @desc.
 * Since: ABI 2.0 */
#define BB_STATE_STRUCT(State, field, desc)                                   \
    { .name = #field, .kind = BB_STATE_STRUCT,                                \
      .offset = offsetof(State, field),                                       \
      .size = sizeof(((State *)0)->field), .sub = (desc) }

/* A struct saved only when @desc->needed says so, absent from older
 * streams; placed after the other fields in the stream.  Since: ABI 2.0 */
#define BB_STATE_OPTIONAL(State, field, desc)                                 \
    { .name = #field, .kind = BB_STATE_STRUCT,                                \
      .offset = offsetof(State, field),                                       \
      .size = sizeof(((State *)0)->field), .flags = BB_STATE_F_OPTIONAL,      \
      .sub = (desc) }

#define BB_STATE_COUNT_(State, count)                                         \
    .count_offset = offsetof(State, count),                                   \
    .count_size = sizeof(((State *)0)->count)

/* An array in the struct of which the first @count elements are in use;
 * load sets @count.  Since: ABI 2.0 */
#define BB_STATE_VARRAY(k, State, field, count)                               \
    { .name = #field, .kind = (k), .offset = offsetof(State, field),          \
      .size = sizeof(((State *)0)->field), .flags = BB_STATE_F_VARRAY,        \
      BB_STATE_COUNT_(State, count) }

/* A pointer to @count elements the device allocated (@count is
 * configuration, e.g. from a property).  Since: ABI 2.0 */
#define BB_STATE_VARRAY_PTR(k, State, field, count)                           \
    { .name = #field, .kind = (k), .offset = offsetof(State, field),          \
      .size = sizeof(*((State *)0)->field),                                   \
      .flags = BB_STATE_F_VARRAY | BB_STATE_F_POINTER,                        \
      BB_STATE_COUNT_(State, count) }

/* A pointer to @count structs described by @desc.  Since: ABI 2.0 */
#define BB_STATE_VARRAY_STRUCT_PTR(State, field, count, desc)                 \
    { .name = #field, .kind = BB_STATE_STRUCT,                                \
      .offset = offsetof(State, field),                                       \
      .size = sizeof(*((State *)0)->field),                                   \
      .flags = BB_STATE_F_VARRAY | BB_STATE_F_POINTER, .sub = (desc),         \
      BB_STATE_COUNT_(State, count) }

#define BB_STATE_END { .name = NULL }

/**
 * bb_state_validate() - check a description against the size of the
 * struct it describes: fields inside the struct, sizes multiples of the
 * element size, count fields inside it and of 1/2/4/8 bytes, flags that
 * fit the kind, sub-descriptions valid against their own @size, unique
 * names, versions in range.  The host calls it when a device class is
 * initialised.
 * Return: true if valid; otherwise @error names the section and field.
 * Since: ABI 1.0
 */
BB_API bool bb_state_validate(const BbStateDesc *desc, size_t instance_size,
                              GError **error);

/**
 * bb_state_save() - append the state of @obj to @out as one section (the
 * pre_save hooks run first).
 * Return: true on success.
 * Since: ABI 1.0 (@obj is no longer const since ABI 2.0: pre_save)
 */
BB_API bool bb_state_save(const BbStateDesc *desc, void *obj,
                          GByteArray *out, GError **error);

/**
 * bb_state_load() - restore the state of @obj from one section.
 * @len: length of @data; it must be exactly one section.
 * @error: set on a wrong section name, a version outside [min_version,
 *   version], a length or element count that does not match, an unknown
 *   optional sub-section, or a post_load hook's refusal; @obj is unchanged
 *   then.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_state_load(const BbStateDesc *desc, void *obj,
                          const guint8 *data, size_t len, GError **error);

G_END_DECLS

#endif /* BREADBOARD_STATE_H */
