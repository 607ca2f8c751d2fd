/*
 * builtin-types.c - the list behind host_builtin_types(): every type the
 * host subsystems define, in an order where parents come first.
 */
#include "builtin-types.h"
#include "cpu/cpu-internal.h"
#include "device/device-internal.h"
#include "fdt/fdt-internal.h"
#include "pci/pci-internal.h"

const BbTypeInfo *const *host_builtin_types(void)
{
    static const BbTypeInfo *const infos[] = {
        &device_type_info, &machine_type_info, &cpu_type_info,
        &fdt_intc_type_info, &pci_device_type_info, NULL
    };
    return infos;
}
