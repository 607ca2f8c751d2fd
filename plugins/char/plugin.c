/*
 * plugin.c - descriptor and init of the "char-devices" plugin (serial
 * ports; see char-devices.h).
 */
#include "char-devices.h"

static bool char_devices_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &ns16550a_info, error);
}

BB_PLUGIN_DEFINE("char-devices", "1.0.0", "MIT",
                 "serial ports: NS16550A UART", char_devices_init,
                 TYPE_NS16550A)
