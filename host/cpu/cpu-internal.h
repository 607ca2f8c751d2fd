/*
 * cpu-internal.h - the host side of the CPU base type (cpu.h): its type
 * description, which object.c registers with the other built-in types.
 */
#ifndef HOST_CPU_CPU_INTERNAL_H
#define HOST_CPU_CPU_INTERNAL_H

#include <breadboard/cpu.h>

/* The abstract "cpu" type (parent "device"). */
extern const BbTypeInfo cpu_type_info;

#endif /* HOST_CPU_CPU_INTERNAL_H */
