/*
 * property-internal.h - the property code's interface to object.c.
 */
#ifndef HOST_QOM_PROPERTY_INTERNAL_H
#define HOST_QOM_PROPERTY_INTERNAL_H

#include <breadboard/object.h>

/* Validate a BbPropertyInfo against the instance size of its type. */
bool prop_info_check(const BbPropertyInfo *p, size_t instance_size,
                     GError **error);
/* Write the declared default into a fresh instance. */
void prop_apply_default(BbObject *obj, const BbPropertyInfo *p);
/* Free a string / drop a link reference at finalize. */
void prop_release(BbObject *obj, const BbPropertyInfo *p);
/* The class's properties, inherited first (object.c). */
GPtrArray *class_props(BbObjectClass *klass);
void object_mark_prop_set(BbObject *obj, const BbPropertyInfo *prop);
/* Record a class-init failure; the type becomes unusable (takes @error). */
void type_mark_broken(BbObjectClass *klass, GError *error);

#endif /* HOST_QOM_PROPERTY_INTERNAL_H */
