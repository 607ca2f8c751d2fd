/*
 * riscv-plugin.c - the plugin descriptor of the RISC-V hart plugin.
 */
#include "riscv.h"

extern const BbTypeInfo riscv_cpu_info; /* riscv-cpu.c */

static bool riscv_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &riscv_cpu_info, error);
}

BB_PLUGIN_DEFINE("riscv", "1.0.0", "MIT",
                 "RISC-V hart: RV64GC, M/S/U privilege, Sv39/48/57, PMP",
                 riscv_plugin_init, TYPE_RISCV64_CPU)
