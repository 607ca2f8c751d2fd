/*
 * plugin.h - what a plugin shared object exports: one descriptor.
 *
 * A plugin is a shared object with exactly one BB_PLUGIN_DEFINE().  The
 * host reads the descriptor without running any plugin code, checks the
 * ABI it was built for (abi.h), records the types it declares, and calls
 * its init function only when a board needs one of those types.  Init must
 * register exactly the declared types with bb_plugin_register_type().
 *
 *   static bool uart_plugin_init(BbPlugin *plugin, GError **error)
 *   {
 *       return bb_plugin_register_type(plugin, &uart_type_info, error);
 *   }
 *   BB_PLUGIN_DEFINE("ns16550a", "1.0.0", "MIT", "16550A UART",
 *                    uart_plugin_init, TYPE_NS16550A)
 */
#ifndef BREADBOARD_PLUGIN_H
#define BREADBOARD_PLUGIN_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/object.h>

G_BEGIN_DECLS

typedef struct BbPlugin BbPlugin; /* the host's handle of a loaded plugin */

/**
 * typedef BbPluginInitFunc - registers the plugin's types.
 * Return: true on success; false with @error set otherwise.
 * Since: ABI 1.0
 */
typedef bool (*BbPluginInitFunc)(BbPlugin *plugin, GError **error);

#define BB_PLUGIN_MAGIC 0x4c504242u /* "BBPL" */
#define BB_PLUGIN_DESCRIPTOR_SYMBOL "bb_plugin_descriptor"

/**
 * struct BbPluginDescriptor - the one symbol a plugin exports.
 * @magic: BB_PLUGIN_MAGIC.
 * @abi_major: BB_ABI_MAJOR the plugin was compiled with.
 * @abi_minor: BB_ABI_MINOR the plugin was compiled with.
 * @size: sizeof(BbPluginDescriptor) as compiled.
 * @name: plugin name ("ns16550a"): letters, digits, '-', '_', '.'.
 * @version: semantic version "MAJOR.MINOR.PATCH".
 * @license: SPDX identifier.
 * @description: one line.
 * @init: registers the types.
 * @types: names of the types @init registers, NULL-terminated.
 * Since: ABI 1.0
 */
typedef struct BbPluginDescriptor {
    uint32_t magic;
    uint16_t abi_major;
    uint16_t abi_minor;
    uint32_t size;
    const char *name;
    const char *version;
    const char *license;
    const char *description;
    BbPluginInitFunc init;
    const char *const *types;
    void *reserved[8];
} BbPluginDescriptor;

/**
 * BB_PLUGIN_DEFINE() - define the plugin's descriptor; use once per plugin.
 * @name_: plugin name string.
 * @version_: semantic version string.
 * @license_: SPDX license string.
 * @description_: one line.
 * @init_: a BbPluginInitFunc.
 * @...: the type name strings @init_ registers.
 */
#define BB_PLUGIN_DEFINE(name_, version_, license_, description_, init_, ...)  \
    static const char *const bb_plugin_types_[] = { __VA_ARGS__, NULL };      \
    extern __attribute__((visibility("default")))                             \
    const BbPluginDescriptor bb_plugin_descriptor;                            \
    const BbPluginDescriptor bb_plugin_descriptor = {                         \
        .magic = BB_PLUGIN_MAGIC,                                             \
        .abi_major = BB_ABI_MAJOR,                                            \
        .abi_minor = BB_ABI_MINOR,                                            \
        .size = sizeof(BbPluginDescriptor),                                   \
        .name = (name_),                                                      \
        .version = (version_),                                                \
        .license = (license_),                                                \
        .description = (description_),                                       \
        .init = (init_),                                                      \
        .types = bb_plugin_types_,                                            \
    };

/**
 * bb_plugin_register_type() - register one of the plugin's declared types.
 * @plugin: the handle passed to init.
 * @info: static type description.
 * @error: set if the type is not in the descriptor's list or the name is
 *   taken.
 * Return: true on success.
 * Since: ABI 1.0
 */
BB_API bool bb_plugin_register_type(BbPlugin *plugin, const BbTypeInfo *info,
                                    GError **error);

/** bb_plugin_get_name() - the plugin's name.  Since: ABI 1.0 */
BB_API const char *bb_plugin_get_name(const BbPlugin *plugin);

/** bb_plugin_get_path() - the file the plugin was loaded from. */
BB_API const char *bb_plugin_get_path(const BbPlugin *plugin);

G_END_DECLS

#endif /* BREADBOARD_PLUGIN_H */
