/*
 * builtin-types.h - the types the host library defines beyond the object
 * model's own (object, interface, container): devices, machines, CPUs,
 * device-tree interrupt controllers.  The object model registers them
 * with its own on first use without knowing what they are, so host/qom
 * does not depend on the subsystems built on it.
 */
#ifndef HOST_BUILTIN_TYPES_H
#define HOST_BUILTIN_TYPES_H

#include <breadboard/object.h>

/* NULL-terminated, parents before children. */
const BbTypeInfo *const *host_builtin_types(void);

#endif /* HOST_BUILTIN_TYPES_H */
