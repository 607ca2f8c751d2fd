/*
 * toycpu.c - the "toycpu" test plugin: a hart for a tiny test ISA
 * (toy-cpu), the machine that loads its raw program images
 * (toy-machine), and a timer and a console for the execution tests in
 * tests/exec/.  Not installed.
 */
#include <breadboard/breadboard.h>

extern const BbTypeInfo toy_cpu_info;
extern const BbTypeInfo toy_machine_info;
extern const BbTypeInfo toy_timer_info;
extern const BbTypeInfo toy_console_info;

static bool toycpu_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &toy_cpu_info, error) &&
           bb_plugin_register_type(plugin, &toy_machine_info, error) &&
           bb_plugin_register_type(plugin, &toy_timer_info, error) &&
           bb_plugin_register_type(plugin, &toy_console_info, error);
}

BB_PLUGIN_DEFINE("toycpu", "1.0.0", "MIT",
                 "tiny test CPU, machine, timer and console (exec tests)",
                 toycpu_init, "toy-cpu", "toy-machine", "toy-timer",
                 "toy-console")
