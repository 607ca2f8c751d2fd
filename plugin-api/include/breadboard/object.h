/*
 * object.h - the Breadboard object model: types, classes, interfaces,
 * reference-counted instances, typed properties and the composition tree.
 *
 * The shape is QEMU's QOM with less ceremony.  A type is described by a
 * BbTypeInfo and registered by name; its class struct is allocated and
 * initialised lazily, parent first (the parent's class is copied in, so
 * methods are inherited and may be overridden in class_init).  Instances
 * embed their parent's instance struct as first member; casts between them
 * are checked against the type hierarchy.  Properties are declared per class
 * as a table of typed fields (BbPropertyInfo) and can be set from strings,
 * which is how the board loader configures devices.  Objects form a
 * composition tree of named children with canonical paths such as
 * "/machine/uart0".
 */
#ifndef BREADBOARD_OBJECT_H
#define BREADBOARD_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/error.h>

G_BEGIN_DECLS

typedef struct BbObject BbObject;
typedef struct BbObjectClass BbObjectClass;
typedef struct BbObjectPrivate BbObjectPrivate;
typedef struct BbType BbType;
typedef struct BbPropertyInfo BbPropertyInfo;

#define BB_TYPE_OBJECT "object"       /* root of all types */
#define BB_TYPE_INTERFACE "interface" /* parent of all interface types */
#define BB_TYPE_CONTAINER "container" /* plain node of the composition tree */

/**
 * struct BbInterfaceInfo - one interface a type implements.
 * @type: name of the interface type (a descendant of BB_TYPE_INTERFACE).
 *
 * A type's list of interfaces is terminated by an entry with @type NULL.
 * Since: ABI 1.0
 */
typedef struct BbInterfaceInfo {
    const char *type;
} BbInterfaceInfo;

/**
 * struct BbTypeInfo - description of a type, passed to bb_type_register().
 * @name: unique type name, e.g. "ns16550a".
 * @parent: parent type name; NULL only for BB_TYPE_OBJECT itself.
 * @instance_size: size of the instance struct; 0 inherits the parent's.
 * @instance_init: called parent-first on a zeroed instance whose property
 *   defaults are already applied.
 * @instance_finalize: called child-first when the last reference goes.
 * @abstract: abstract types cannot be instantiated.
 * @class_size: size of the class struct; 0 inherits the parent's.
 * @class_init: called once, after the parent's class has been copied in.
 * @class_data: passed to @class_init.
 * @interfaces: interfaces implemented, terminated by a NULL entry.
 * @description: one line shown by `breadboard types`.
 *
 * The struct may grow into @reserved within one ABI major.
 * Since: ABI 1.0
 */
typedef struct BbTypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;
    void (*instance_init)(BbObject *obj);
    void (*instance_finalize)(BbObject *obj);
    bool abstract;
    size_t class_size;
    void (*class_init)(BbObjectClass *klass, const void *data);
    const void *class_data;
    const BbInterfaceInfo *interfaces;
    const char *description;
    void *reserved[6]; /* must be zero */
} BbTypeInfo;

/**
 * struct BbObjectClass - base of every class struct.
 * @type: the type this class belongs to (set by the object model).
 * @check_set_property: optional veto on property writes; the device type
 *   uses it to freeze properties once a device is realized.  Not consulted
 *   for read-only properties (BB_PROP_F_READONLY), which only the object's
 *   own code writes (since ABI 2.0).
 * @release: optional; runs when the last reference goes, before any
 *   instance_finalize, while the whole instance is still intact (the
 *   device type unrealizes here).
 */
struct BbObjectClass {
    BbType *type;
    bool (*check_set_property)(BbObject *obj, const BbPropertyInfo *prop,
                               GError **error);
    void (*release)(BbObject *obj);
    void *reserved[7]; /* object-model private; do not touch */
};

/**
 * struct BbInterfaceClass - base of every interface class struct.
 * @parent_class: the interface's own class header.
 * @concrete_class: the class of the type implementing the interface.
 */
typedef struct BbInterfaceClass {
    BbObjectClass parent_class;
    BbObjectClass *concrete_class;
} BbInterfaceClass;

/**
 * struct BbObject - base of every instance struct.  All fields are
 * managed by the object model; use the accessor functions.
 */
struct BbObject {
    BbObjectClass *klass;  /* class of the instance's dynamic type */
    gint ref;              /* reference count */
    BbObject *parent;      /* composition parent, NULL at the root */
    BbObjectPrivate *priv; /* name in the parent, children, ... */
    void *reserved[4];
};

/* ---------------------------------------------------------------- types */

/**
 * bb_type_register() - register a type.
 * @info: the description; it must stay valid for the life of the process
 *   (plugins pass static data).
 * @error: set when the name is taken or the description is malformed.
 *
 * The parent need not be registered yet; it is resolved when the class is
 * first needed.  Plugins call bb_plugin_register_type() instead, so the
 * loader knows which plugin provides the type.
 *
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_type_register(const BbTypeInfo *info, GError **error);

/**
 * bb_object_class_by_name() - the class of a named type, initialised.
 * @name: type name.
 * @error: set if the type (or an ancestor or interface) is unknown or its
 *   class could not be initialised.
 *
 * Return: the class (owned by the object model), or NULL.
 * Since: ABI 1.0
 */
BB_API BbObjectClass *bb_object_class_by_name(const char *name,
                                              GError **error);

/**
 * bb_object_class_get_name() - the type name of a class.
 * Since: ABI 1.0
 */
BB_API const char *bb_object_class_get_name(const BbObjectClass *klass);

/**
 * bb_object_class_get_parent() - the parent class, or NULL for "object".
 * Since: ABI 1.0
 */
BB_API BbObjectClass *bb_object_class_get_parent(const BbObjectClass *klass);

/**
 * bb_object_class_is_abstract() - whether the class's type is abstract.
 * Since: ABI 1.0
 */
BB_API bool bb_object_class_is_abstract(const BbObjectClass *klass);

/**
 * bb_object_class_dynamic_cast() - view a class as an ancestor or interface.
 * @klass: a class.
 * @type_name: an ancestor type or an implemented interface.
 *
 * Return: @klass itself for an ancestor, the interface class for an
 * interface, NULL if @klass is neither.
 * Since: ABI 1.0
 */
BB_API BbObjectClass *bb_object_class_dynamic_cast(BbObjectClass *klass,
                                                   const char *type_name);

/**
 * bb_object_class_cast_checked() - bb_object_class_dynamic_cast() that
 * aborts with a message naming both types on failure.  Used by the casts
 * BB_DECLARE_TYPE generates.
 * Since: ABI 1.0
 */
BB_API BbObjectClass *bb_object_class_cast_checked(BbObjectClass *klass,
                                                   const char *type_name,
                                                   const char *cast_name);

/**
 * bb_object_class_add_properties() - declare properties of a class.
 * @klass: the class being initialised (call from class_init).
 * @props: table terminated by BB_PROP_END; must stay valid (static).
 *
 * Subclasses inherit their parent's properties and may add more; a name
 * may not be declared twice along one hierarchy.  A malformed entry makes
 * the type unusable: bb_object_new() then fails with a message naming the
 * type and the property.
 * Since: ABI 1.0
 */
BB_API void bb_object_class_add_properties(BbObjectClass *klass,
                                           const BbPropertyInfo *props);

/**
 * bb_object_class_find_property() - look a property up by name.
 * Return: the property, or NULL.
 * Since: ABI 1.0
 */
BB_API const BbPropertyInfo *
bb_object_class_find_property(BbObjectClass *klass, const char *name);

/**
 * bb_object_class_foreach_property() - call @fn on each property of a
 * class, ancestors' first, in declaration order.
 * Since: ABI 1.0
 */
BB_API void bb_object_class_foreach_property(
    BbObjectClass *klass,
    void (*fn)(const BbPropertyInfo *prop, void *opaque), void *opaque);

/* ------------------------------------------------------------ instances */

/**
 * bb_object_new() - create an instance of a named type.
 * @type_name: a registered, non-abstract type.
 * @error: set if the type is unknown, abstract or broken.
 *
 * Return: a new object with one reference, or NULL.
 * Since: ABI 1.0
 */
BB_API BbObject *bb_object_new(const char *type_name, GError **error);

/**
 * bb_object_ref() - take a reference.  Return: @obj.
 * Since: ABI 1.0
 */
BB_API BbObject *bb_object_ref(BbObject *obj);

/**
 * bb_object_unref() - drop a reference; the last one finalizes the
 * object (its children are unparented first).  NULL is accepted.
 * Since: ABI 1.0
 */
BB_API void bb_object_unref(BbObject *obj);

/**
 * bb_object_get_class() - the class of an object.
 * Since: ABI 1.0
 */
BB_API BbObjectClass *bb_object_get_class(const BbObject *obj);

/**
 * bb_object_get_type_name() - the dynamic type name of an object.
 * Since: ABI 1.0
 */
BB_API const char *bb_object_get_type_name(const BbObject *obj);

/**
 * bb_object_dynamic_cast() - @obj if it is an instance of @type_name (or
 * its class implements that interface), else NULL.  NULL is accepted.
 * Since: ABI 1.0
 */
BB_API BbObject *bb_object_dynamic_cast(BbObject *obj, const char *type_name);

/**
 * bb_object_check_cast() - whether @obj may be cast to @type_name.
 * @error: on failure, names the object's type and the requested one.
 * Since: ABI 1.0
 */
BB_API bool bb_object_check_cast(BbObject *obj, const char *type_name,
                                 GError **error);

/**
 * bb_object_cast_checked() - bb_object_dynamic_cast() that aborts with a
 * message naming both types on failure.  Used by BB_DECLARE_TYPE casts.
 * Since: ABI 1.0
 */
BB_API BbObject *bb_object_cast_checked(BbObject *obj, const char *type_name,
                                        const char *cast_name);

/**
 * BB_DECLARE_TYPE() - declare the casts of a type, once, next to its struct.
 * @InstanceType: the instance struct.
 * @ClassType: the class struct (the parent's if the type adds no methods).
 * @CAST: name of the generated cast, e.g. NS16550A; also generates
 *   CAST_GET_CLASS(obj) and CAST_CLASS(klass).
 * @TYPE_NAME: the type name string constant.
 */
#define BB_DECLARE_TYPE(InstanceType, ClassType, CAST, TYPE_NAME)            \
    static inline G_GNUC_UNUSED InstanceType *CAST(const void *obj)           \
    {                                                                         \
        return (InstanceType *)bb_object_cast_checked((BbObject *)obj,        \
                                                      TYPE_NAME, #CAST);      \
    }                                                                         \
    static inline G_GNUC_UNUSED ClassType *CAST##_GET_CLASS(const void *obj)  \
    {                                                                         \
        return (ClassType *)bb_object_class_cast_checked(                     \
            bb_object_get_class((const BbObject *)obj), TYPE_NAME,            \
            #CAST "_GET_CLASS");                                              \
    }                                                                         \
    static inline G_GNUC_UNUSED ClassType *CAST##_CLASS(const void *klass)    \
    {                                                                         \
        return (ClassType *)bb_object_class_cast_checked(                     \
            (BbObjectClass *)klass, TYPE_NAME, #CAST "_CLASS");               \
    }

/** BB_OBJECT() - view any instance as a BbObject. */
#define BB_OBJECT(obj) ((BbObject *)(obj))

/* ----------------------------------------------------------- properties */

/**
 * enum BbPropKind - the type of a property and of the field behind it.
 * @BB_PROP_BOOL: bool field; strings true/false, on/off, yes/no, 1/0.
 * @BB_PROP_INT: signed integer field of 1, 2, 4 or 8 bytes.
 * @BB_PROP_UINT: unsigned integer field of 1, 2, 4 or 8 bytes.
 * @BB_PROP_SIZE: unsigned integer field; strings accept K, M, G, T
 *   suffixes (powers of 1024).
 * @BB_PROP_STRING: char * field owned by the object (NULL allowed).
 * @BB_PROP_ENUM: int field holding an index into @choices; set by name.
 * @BB_PROP_LINK: BbObject * field holding a reference to another object of
 *   type @link_type; set by canonical path.
 * @BB_PROP_CHILD: a composition child (not declared in tables; see
 *   bb_object_add_child()).
 * Since: ABI 1.0
 */
typedef enum {
    BB_PROP_BOOL = 1,
    BB_PROP_INT,
    BB_PROP_UINT,
    BB_PROP_SIZE,
    BB_PROP_STRING,
    BB_PROP_ENUM,
    BB_PROP_LINK,
    BB_PROP_CHILD,
} BbPropKind;

/**
 * enum BbPropFlags - property flags.
 * @BB_PROP_F_REQUIRED: a board must set the property before realize.
 * @BB_PROP_F_READONLY: the object's own code sets the value (with the
 *   typed setters, e.g. in realize, or by writing its field); boards,
 *   --set, --device and every string setter (bb_object_set_prop(),
 *   bb_object_set_prop_list()) are refused.  It is readable and shown by
 *   `breadboard types` like any other property.  Since: ABI 2.0
 * Since: ABI 1.0
 */
typedef enum {
    BB_PROP_F_REQUIRED = 1 << 0,
    BB_PROP_F_READONLY = 1 << 1,
} BbPropFlags;

/* Most elements an array property takes when it declares no @count_max.
 * Since: ABI 2.0 */
#define BB_PROP_ARRAY_MAX 4096

/**
 * struct BbPropertyInfo - one typed property backed by an instance field.
 * Fill it with the BB_PROP_* macros below rather than by hand.
 * @name: property name ("clock-frequency").
 * @kind: its type.
 * @offset: offset of the field in the instance struct.
 * @size: size of the field (checked against @kind at class init).
 * @description: one line for `breadboard types`.
 * @def_i: default of INT and BOOL properties and the index of ENUM ones.
 * @def_u: default of UINT and SIZE properties.
 * @def_s: default of STRING properties.
 * @min: lowest accepted value of INT properties (ignored when @min and
 *   @max are both 0: the field's range applies).
 * @max: highest accepted value of INT properties.
 * @umin: lowest accepted value of UINT/SIZE properties.
 * @umax: highest accepted value of UINT/SIZE properties (0: the field's
 *   range).
 * @choices: ENUM choices, NULL-terminated.
 * @link_type: required type of a LINK's target.
 * @flags: BbPropFlags.
 * @count_offset: non-zero for an array property (since ABI 2.0): the
 *   offset of its element count, an unsigned integer field of
 *   @count_size bytes.  The field at @offset is then a pointer to the
 *   elements (uint32_t *, char **, BbObject **...), @size is the size of
 *   one element and @kind their type (INT, UINT, SIZE, STRING or LINK);
 *   @min/@max/@umin/@umax/@link_type apply to every element.  The object
 *   model owns the elements (g_new; strings g_strdup'd, links referenced;
 *   string and link arrays have a NULL after the last element) and
 *   replaces them whole on every write; an unset array is NULL with a
 *   count of 0.
 * @count_size: size of the count field (1, 2, 4 or 8).
 * @count_max: most elements accepted; 0 means BB_PROP_ARRAY_MAX.
 *
 * Since: ABI 1.0; @count_offset, @count_size and @count_max since ABI 2.0.
 */
struct BbPropertyInfo {
    const char *name;
    BbPropKind kind;
    size_t offset;
    size_t size;
    const char *description;
    int64_t def_i;
    uint64_t def_u;
    const char *def_s;
    int64_t min, max;
    uint64_t umin, umax;
    const char *const *choices;
    const char *link_type;
    unsigned flags;
    size_t count_offset;
    size_t count_size;
    unsigned count_max;
    void *reserved[4];
};

#define BB_PROP_FIELD_(State, field)                                          \
    .offset = offsetof(State, field), .size = sizeof(((State *)0)->field)

/** BB_PROP_BOOL() - a bool property.  Since: ABI 1.0 */
#define BB_PROP_BOOL(n, State, field, def, desc)                              \
    { .name = (n), .kind = BB_PROP_BOOL, BB_PROP_FIELD_(State, field),        \
      .def_i = (def), .description = (desc) }
/** BB_PROP_INT() - a signed integer property.  Since: ABI 1.0 */
#define BB_PROP_INT(n, State, field, def, desc)                               \
    { .name = (n), .kind = BB_PROP_INT, BB_PROP_FIELD_(State, field),         \
      .def_i = (def), .description = (desc) }
/** BB_PROP_INT_RANGE() - a signed integer property in [lo, hi]. */
#define BB_PROP_INT_RANGE(n, State, field, def, lo, hi, desc)                 \
    { .name = (n), .kind = BB_PROP_INT, BB_PROP_FIELD_(State, field),         \
      .def_i = (def), .min = (lo), .max = (hi), .description = (desc) }
/** BB_PROP_UINT() - an unsigned integer property.  Since: ABI 1.0 */
#define BB_PROP_UINT(n, State, field, def, desc)                              \
    { .name = (n), .kind = BB_PROP_UINT, BB_PROP_FIELD_(State, field),        \
      .def_u = (def), .description = (desc) }
/** BB_PROP_UINT_RANGE() - an unsigned integer property in [lo, hi]. */
#define BB_PROP_UINT_RANGE(n, State, field, def, lo, hi, desc)                \
    { .name = (n), .kind = BB_PROP_UINT, BB_PROP_FIELD_(State, field),        \
      .def_u = (def), .umin = (lo), .umax = (hi), .description = (desc) }
/** BB_PROP_SIZE() - a size property (K/M/G/T suffixes).  Since: ABI 1.0 */
#define BB_PROP_SIZE(n, State, field, def, desc)                              \
    { .name = (n), .kind = BB_PROP_SIZE, BB_PROP_FIELD_(State, field),        \
      .def_u = (def), .description = (desc) }
/** BB_PROP_STRING() - a string property.  Since: ABI 1.0 */
#define BB_PROP_STRING(n, State, field, def, desc)                            \
    { .name = (n), .kind = BB_PROP_STRING, BB_PROP_FIELD_(State, field),      \
      .def_s = (def), .description = (desc) }
/** BB_PROP_ENUM() - an enumeration property.  Since: ABI 1.0 */
#define BB_PROP_ENUM(n, State, field, def, choices_, desc)                    \
    { .name = (n), .kind = BB_PROP_ENUM, BB_PROP_FIELD_(State, field),        \
      .def_i = (def), .choices = (choices_), .description = (desc) }
/** BB_PROP_LINK() - a link to another object.  Since: ABI 1.0 */
#define BB_PROP_LINK(n, State, field, type, desc)                             \
    { .name = (n), .kind = BB_PROP_LINK, BB_PROP_FIELD_(State, field),        \
      .link_type = (type), .description = (desc) }
/**
 * BB_PROP_READONLY() - a read-only property of kind @kind_ (BOOL, INT,
 * UINT, SIZE, STRING or LINK of any object type), default 0/NULL; the
 * object's own code sets it (BB_PROP_F_READONLY).  Since: ABI 2.0
 */
#define BB_PROP_READONLY(n, kind_, State, field, desc)                        \
    { .name = (n), .kind = (kind_), BB_PROP_FIELD_(State, field),             \
      .link_type = BB_TYPE_OBJECT, .flags = BB_PROP_F_READONLY,               \
      .description = (desc) }

/*
 * BB_PROP_ARRAY_FIELD_() - the field part of an array entry, for
 * hand-written entries the macros below do not cover (INT or SIZE
 * elements, .count_max): { .name = "x", .kind = BB_PROP_INT,
 * BB_PROP_ARRAY_FIELD_(State, xs, nr_xs), .min = -5, .max = 5 }.
 * Since: ABI 2.0
 */
#define BB_PROP_ARRAY_FIELD_(State, field, count)                             \
    .offset = offsetof(State, field),                                         \
    .size = sizeof(*((State *)0)->field),                                     \
    .count_offset = offsetof(State, count),                                   \
    .count_size = sizeof(((State *)0)->count)

/**
 * BB_PROP_UINT_ARRAY() - an array of unsigned integers: @field points to
 * them (uint32_t *...), @count holds how many.  Since: ABI 2.0
 */
#define BB_PROP_UINT_ARRAY(n, State, field, count, desc)                      \
    { .name = (n), .kind = BB_PROP_UINT,                                      \
      BB_PROP_ARRAY_FIELD_(State, field, count), .description = (desc) }
/** BB_PROP_UINT_ARRAY_RANGE() - an array of unsigned integers, each in
 * [lo, hi].  Since: ABI 2.0 */
#define BB_PROP_UINT_ARRAY_RANGE(n, State, field, count, lo, hi, desc)        \
    { .name = (n), .kind = BB_PROP_UINT,                                      \
      BB_PROP_ARRAY_FIELD_(State, field, count), .umin = (lo), .umax = (hi), \
      .description = (desc) }
/** BB_PROP_STRING_ARRAY() - an array of strings (char **, NULL after the
 * last).  Since: ABI 2.0 */
#define BB_PROP_STRING_ARRAY(n, State, field, count, desc)                    \
    { .name = (n), .kind = BB_PROP_STRING,                                    \
      BB_PROP_ARRAY_FIELD_(State, field, count), .description = (desc) }
/** BB_PROP_LINK_ARRAY() - an array of links to objects of type @type
 * (BbObject **, NULL after the last).  Since: ABI 2.0 */
#define BB_PROP_LINK_ARRAY(n, State, field, count, type, desc)                \
    { .name = (n), .kind = BB_PROP_LINK,                                      \
      BB_PROP_ARRAY_FIELD_(State, field, count), .link_type = (type),        \
      .description = (desc) }
/** BB_PROP_END - terminates a property table. */
#define BB_PROP_END { .name = NULL }

/**
 * bb_prop_kind_name() - "bool", "int", "uint", "size", "string", "enum",
 * "link<T>"... as shown to users (static string; links show "link").
 * Since: ABI 1.0
 */
BB_API const char *bb_prop_kind_name(BbPropKind kind);

/**
 * bb_object_find_property() - look a property of an object up by name,
 * including its composition children (kind BB_PROP_CHILD).
 * Return: the property, or NULL.
 * Since: ABI 1.0
 */
BB_API const BbPropertyInfo *bb_object_find_property(BbObject *obj,
                                                     const char *name);

/**
 * bb_object_set_prop() - set a property from its string form.
 * @obj: the object.
 * @name: property name.
 * @value: "true", "42", "0x10", "-3", "128M", "ns16550a", "/machine/plic"...
 *   For an array property (since ABI 2.0), the elements separated by
 *   commas, optionally in brackets: "[1,2,3]", "1, 2", "[]" (empty); no
 *   element may contain a comma here (bb_object_set_prop_list() has no
 *   such limit).
 * @error: set when the property is unknown (the message lists the valid
 *   ones and, since ABI 2.0, suggests near misses), the value does not
 *   parse or is out of range (the message says what was expected), the
 *   property is read-only (since ABI 2.0), or the object refuses the write
 *   (realized device).
 *
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_object_set_prop(BbObject *obj, const char *name,
                               const char *value, GError **error);

/**
 * bb_object_set_prop_list() - set an array property from the string forms
 * of its elements (as bb_object_set_prop() takes them one at a time); a
 * board's YAML sequence arrives here.
 * @obj: the object.
 * @name: property name.
 * @values: @n strings; NULL when @n is 0.
 * @n: element count (0 empties the array).
 * @error: as bb_object_set_prop(); a bad element is named by its index
 *   ("property 'harts', element 2: no object at path '/machine/hart9'"),
 *   too many elements by the limit.  Refused for read-only properties and
 *   for properties that are not arrays.
 *
 * The array is replaced only if every element is valid.
 * Return: true on success.
 * Since: ABI 2.0
 */
BB_API bool bb_object_set_prop_list(BbObject *obj, const char *name,
                                    const char *const *values, size_t n,
                                    GError **error);

/**
 * bb_object_set_uint_array() - typed setter of a UINT or SIZE array
 * property; every element is range-checked before any is stored.
 * @values: @n values; NULL when @n is 0.
 * Return: true on success.
 * Since: ABI 2.0
 */
BB_API bool bb_object_set_uint_array(BbObject *obj, const char *name,
                                     const uint64_t *values, size_t n,
                                     GError **error);

/**
 * bb_object_set_link_array() - typed setter of a LINK array property.
 * @targets: @n objects of the property's link type (NULL entries
 *   allowed); the array takes a reference to each.
 * Return: true on success.
 * Since: ABI 2.0
 */
BB_API bool bb_object_set_link_array(BbObject *obj, const char *name,
                                     BbObject *const *targets, size_t n,
                                     GError **error);

/**
 * bb_object_get_array_length() - the element count of an array property.
 * Return: the count; 0 with @error set if @name is unknown or not an
 * array.
 * Since: ABI 2.0
 */
BB_API size_t bb_object_get_array_length(BbObject *obj, const char *name,
                                         GError **error);

/**
 * bb_prop_is_array() - whether @prop is an array property (non-zero
 * @count_offset).
 * Since: ABI 2.0
 */
BB_API bool bb_prop_is_array(const BbPropertyInfo *prop);

/**
 * bb_object_get_prop() - the string form of a property (the form
 * bb_object_set_prop() accepts; integers in decimal, links as paths,
 * children as paths, arrays as "[a,b,c]").
 * Return: a newly allocated string, or NULL with @error set.
 * Since: ABI 1.0
 */
BB_API char *bb_object_get_prop(BbObject *obj, const char *name,
                                GError **error);

/** bb_object_set_bool() - typed setter.  Since: ABI 1.0 */
BB_API bool bb_object_set_bool(BbObject *obj, const char *name, bool value,
                               GError **error);
/** bb_object_set_int() - typed setter (INT; range-checked).  Since: ABI 1.0 */
BB_API bool bb_object_set_int(BbObject *obj, const char *name, int64_t value,
                              GError **error);
/** bb_object_set_uint() - typed setter (UINT, SIZE).  Since: ABI 1.0 */
BB_API bool bb_object_set_uint(BbObject *obj, const char *name,
                               uint64_t value, GError **error);
/** bb_object_set_str() - typed setter (STRING, ENUM by name, LINK by
 * path).  Since: ABI 1.0 */
BB_API bool bb_object_set_str(BbObject *obj, const char *name,
                              const char *value, GError **error);
/** bb_object_set_link() - typed setter (LINK; @target may be NULL).
 * Since: ABI 1.0 */
BB_API bool bb_object_set_link(BbObject *obj, const char *name,
                               BbObject *target, GError **error);

/** bb_object_get_bool() - typed getter; false with @error on mismatch. */
BB_API bool bb_object_get_bool(BbObject *obj, const char *name,
                               GError **error);
/** bb_object_get_int() - typed getter (INT, ENUM index).  Since: ABI 1.0 */
BB_API int64_t bb_object_get_int(BbObject *obj, const char *name,
                                 GError **error);
/** bb_object_get_uint() - typed getter (UINT, SIZE).  Since: ABI 1.0 */
BB_API uint64_t bb_object_get_uint(BbObject *obj, const char *name,
                                   GError **error);
/** bb_object_get_link() - typed getter (LINK, CHILD); borrowed.  Since:
 * ABI 1.0 */
BB_API BbObject *bb_object_get_link(BbObject *obj, const char *name,
                                    GError **error);

/* ----------------------------------------------------- composition tree */

/**
 * bb_object_add_child() - make @child a named child of @parent.
 * @name: unique among @parent's children and properties; no '/'.
 *
 * The parent takes its own reference.  A child has one parent.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_object_add_child(BbObject *parent, const char *name,
                                BbObject *child, GError **error);

/**
 * bb_object_unparent() - remove @obj from its parent (dropping the
 * parent's reference).  No-op at the root.
 * Since: ABI 1.0
 */
BB_API void bb_object_unparent(BbObject *obj);

/** bb_object_get_parent() - composition parent or NULL.  Since: ABI 1.0 */
BB_API BbObject *bb_object_get_parent(const BbObject *obj);

/** bb_object_get_name() - name in the parent, or NULL at the root.
 * Since: ABI 1.0 */
BB_API const char *bb_object_get_name(const BbObject *obj);

/**
 * bb_object_get_canonical_path() - "/machine/soc/uart0"; "/" for a root.
 * Return: a newly allocated string.
 * Since: ABI 1.0
 */
BB_API char *bb_object_get_canonical_path(const BbObject *obj);

/** bb_object_get_root() - the root of @obj's composition tree. */
BB_API BbObject *bb_object_get_root(BbObject *obj);

/**
 * bb_object_resolve_path() - find an object by path.
 * @from: any object of the tree; absolute paths start at its root,
 *   relative ones at @from.
 * @path: "/machine/uart0" or "uart0".
 * Return: borrowed pointer, or NULL.
 * Since: ABI 1.0
 */
BB_API BbObject *bb_object_resolve_path(BbObject *from, const char *path);

/** bb_object_get_child() - a named child, borrowed, or NULL. */
BB_API BbObject *bb_object_get_child(BbObject *obj, const char *name);

/**
 * bb_object_foreach_child() - call @fn on each child in insertion order;
 * stop early when it returns false.
 * Since: ABI 1.0
 */
BB_API void bb_object_foreach_child(BbObject *obj,
                                    bool (*fn)(BbObject *child, void *opaque),
                                    void *opaque);

G_END_DECLS

#endif /* BREADBOARD_OBJECT_H */
