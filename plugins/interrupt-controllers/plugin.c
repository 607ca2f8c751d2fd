/*
 * plugin.c - the "interrupt-controllers" plugin: the SiFive PLIC
 * (sifive-plic.c) and CLINT (sifive-clint.c) of QEMU's virt board.
 */
#include "interrupt-controllers.h"

static bool intc_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &sifive_plic_info, error) &&
           bb_plugin_register_type(plugin, &sifive_clint_info, error);
}

BB_PLUGIN_DEFINE("interrupt-controllers", "1.0.0", "MIT",
                 "SiFive PLIC and CLINT (QEMU virt)", intc_plugin_init,
                 TYPE_SIFIVE_PLIC, TYPE_SIFIVE_CLINT)
