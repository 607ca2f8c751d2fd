/*
 * plugin.c - descriptor and init of the "misc-devices" plugin (see
 * misc-devices.h).
 */
#include "misc-devices.h"

static bool misc_devices_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &sifive_test_info, error) &&
           bb_plugin_register_type(plugin, &goldfish_rtc_info, error) &&
           bb_plugin_register_type(plugin, &loader_info, error);
}

BB_PLUGIN_DEFINE("misc-devices", "1.0.0", "MIT",
                 "SiFive test finisher, Goldfish RTC and file loader",
                 misc_devices_init, TYPE_SIFIVE_TEST, TYPE_GOLDFISH_RTC,
                 TYPE_LOADER)
