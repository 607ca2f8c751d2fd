/*
 * testsys.c - the "testsys" plugin: devices that exercise the run-time
 * system (memory dispatch, timers, chardevs, run states) without a CPU.
 */
#include <breadboard/breadboard.h>

extern const BbTypeInfo test_finisher_info;
extern const BbTypeInfo test_chatter_info;

static bool testsys_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &test_finisher_info, error) &&
           bb_plugin_register_type(plugin, &test_chatter_info, error);
}

BB_PLUGIN_DEFINE("testsys", "1.0.0", "MIT",
                 "run-time test devices (finisher, chatter)", testsys_init,
                 "test-finisher", "test-chatter")
