/*
 * object-internal.h - host-private parts of the object model: the type
 * table as the plugin loader, the CLI and the device core see it.
 */
#ifndef HOST_QOM_OBJECT_INTERNAL_H
#define HOST_QOM_OBJECT_INTERNAL_H

#include <breadboard/object.h>
#include <breadboard/plugin.h>

/* Register @info on behalf of @owner (NULL for the host itself). */
bool type_register_internal(const BbTypeInfo *info, BbPlugin *owner,
                            GError **error);
bool type_is_registered(const char *name);
/* The parent name a registered type declared, or NULL. */
const char *type_get_parent_name(const char *name);
/* The interface names a registered type declared (info->interfaces). */
const BbInterfaceInfo *type_get_interfaces(const char *name);
/* Call @fn on every registered type, sorted by name. */
void type_foreach(void (*fn)(const BbTypeInfo *info, BbPlugin *owner,
                             void *opaque),
                  void *opaque);
/* Forget every type a plugin registered (its init failed half-way). */
void type_unregister_owner(BbPlugin *owner);

/* Hot reload (host/reload): take @owner's types out of the table without
 * freeing them (their classes still serve live instances); put them back
 * (type_reattach) or free them once no instance is left
 * (type_free_detached).  Both consume @detached. */
GPtrArray *type_detach_owner(BbPlugin *owner);
void type_reattach(GPtrArray *detached);
void type_free_detached(GPtrArray *detached);
/* Live instances of @owner's registered types plus those of @detached
 * (either may be NULL). */
unsigned type_owner_instances(BbPlugin *owner, GPtrArray *detached);
/* A type of another owner whose class was built on one of @owner's (it
 * copied the parent class), or NULL. */
const char *type_derived_from_owner(BbPlugin *owner);
/* The plugin that registered @name (NULL: the host, or not registered). */
BbPlugin *type_get_owner(const char *name);

/* The position of @obj among its parent's children (-1: no parent), and
 * moving it to @index: a hot-reloaded device takes its predecessor's
 * place, so tree order (snapshots, describe) does not change. */
int object_child_index(const BbObject *obj);
void object_child_move(BbObject *obj, int index);

/* Called by bb_object_set_* after a successful write: remembers that the
 * property was set explicitly (for BB_PROP_F_REQUIRED). */
bool object_prop_was_set(BbObject *obj, const char *name);

/* "'/machine/uart0' (ns16550a)" or "a 'ns16550a' object" when unparented. */
char *object_label(const BbObject *obj);

/* Comma-separated property names of @obj ("a, b, c"), for messages. */
char *object_property_names(BbObject *obj);

/* bb_object_set_prop_list(); on failure *@failed (optional) is the index
 * of the bad element, or SIZE_MAX when no single element is to blame
 * (unknown or read-only property, too many elements), so the board
 * loader can point at the element in the board text. */
bool object_set_prop_list(BbObject *obj, const char *name,
                          const char *const *values, size_t n,
                          size_t *failed, GError **error);

/* "uint", "link", "uint[]"...: the property's type as messages show it. */
char *prop_type_name(const BbPropertyInfo *p);

/* The declared range of an INT (*@min, *@max) or UINT/SIZE (*@umin,
 * *@umax) property or array; false when it declares none (the field's
 * width is the only limit). */
bool prop_range(const BbPropertyInfo *p, int64_t *min, int64_t *max,
                uint64_t *umin, uint64_t *umax);

/* How a number failed to parse. */
typedef enum {
    QOM_NUM_OK,
    QOM_NUM_SYNTAX,   /* no digits, or junk after them */
    QOM_NUM_SUFFIX,   /* letters after the digits that are not a suffix */
    QOM_NUM_OVERFLOW, /* does not fit in 64 bits */
} QomNumResult;

/* The one number syntax of properties and board files: decimal, 0x hex or
 * 0b binary digits with '_' allowed between digits, and with
 * @allow_suffix one of K, M, G, T, P, E (powers of 1024).  The whole
 * string must be consumed.  *@rest (optional) is set to where the digits
 * ended. */
QomNumResult qom_parse_number(const char *s, bool allow_suffix,
                              uint64_t *out, const char **rest);
/* qom_parse_number() without / with suffix, as a bool. */
bool qom_parse_uint(const char *s, uint64_t *out);
bool qom_parse_size(const char *s, uint64_t *out);

#endif /* HOST_QOM_OBJECT_INTERNAL_H */
