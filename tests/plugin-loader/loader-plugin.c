/*
 * loader-plugin.c - one source, many deliberately good and bad plugins for
 * the loader tests.  CMake builds it once per case with -DCASE_<NAME>; each
 * case differs from a well-formed plugin in exactly one way.
 */
#include <stdio.h>

#include <breadboard/breadboard.h>

#ifndef CASE_NO_DESCRIPTOR

typedef struct LoaderDev {
    BbDevice parent_obj;
    uint32_t value;
} LoaderDev;

static const BbPropertyInfo loader_dev_props[] = {
    BB_PROP_UINT("value", LoaderDev, value, 7, "a number"),
    BB_PROP_END
};

static void loader_dev_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, loader_dev_props);
}

static G_GNUC_UNUSED const BbTypeInfo loader_dev_info = {
    .name = TYPE_NAME,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(LoaderDev),
    .class_init = loader_dev_class_init,
    .description = "loader test device",
};

#ifdef CASE_UNDECLARED_TYPE
static const BbTypeInfo undeclared_info = {
    .name = "loader-undeclared",
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(LoaderDev),
};
#endif

static G_GNUC_UNUSED bool loader_init(BbPlugin *plugin, GError **error)
{
#if defined(CASE_INIT_FAILS)
    g_set_error(error, BB_PLUGIN_ERROR, BB_ERROR_FAILED,
                "deliberate failure");
    return false;
#elif defined(CASE_UNDECLARED_TYPE)
    return bb_plugin_register_type(plugin, &undeclared_info, error);
#elif defined(CASE_FORGETS_TYPE)
    return true;
#else
    return bb_plugin_register_type(plugin, &loader_dev_info, error);
#endif
}

#ifdef CASE_CONSTRUCTOR
/* Runs when the shared object is loaded: the scan must not load it. */
__attribute__((constructor)) static void loader_constructor(void)
{
    fputs("loader-constructor: plugin code ran\n", stderr);
}
#endif

#if defined(CASE_GOOD) || defined(CASE_INIT_FAILS) ||                        \
    defined(CASE_UNDECLARED_TYPE) || defined(CASE_FORGETS_TYPE) ||           \
    defined(CASE_DUPLICATE_TYPE) || defined(CASE_CONSTRUCTOR)
BB_PLUGIN_DEFINE(PLUGIN_NAME, "1.2.3", "MIT", "loader test plugin",
                 loader_init, TYPE_NAME)
#else
/* Hand-written descriptors, each wrong in one field. */
#ifdef CASE_EXPORTED
/* Exported (default visibility) init and type list: the descriptor then
 * reaches them through symbol relocations (R_X86_64_64 against the
 * symbol) rather than relative ones, which the scan must resolve too. */
#define loader_types loader_exported_types
#define loader_init loader_exported_init
__attribute__((visibility("default"))) const char *const loader_types[] = {
    TYPE_NAME, NULL
};
__attribute__((visibility("default"))) bool loader_init(BbPlugin *plugin,
                                                        GError **error);
bool loader_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &loader_dev_info, error);
}
#else
static G_GNUC_UNUSED const char *const loader_types[] = { TYPE_NAME, NULL };
#endif
extern __attribute__((visibility("default")))
const BbPluginDescriptor bb_plugin_descriptor;
const BbPluginDescriptor bb_plugin_descriptor = {
#ifdef CASE_BAD_MAGIC
    .magic = 0x12345678,
#else
    .magic = BB_PLUGIN_MAGIC,
#endif
#ifdef CASE_WRONG_MAJOR
    .abi_major = BB_ABI_MAJOR + 1,
#else
    .abi_major = BB_ABI_MAJOR,
#endif
#ifdef CASE_NEWER_MINOR
    .abi_minor = BB_ABI_MINOR + 1,
#else
    .abi_minor = BB_ABI_MINOR,
#endif
    .size = sizeof(BbPluginDescriptor),
#ifdef CASE_BAD_NAME
    .name = "bad name!",
#else
    .name = PLUGIN_NAME,
#endif
#ifdef CASE_BAD_VERSION
    .version = "1.x",
#else
    .version = "1.0.0",
#endif
    .license = "MIT",
    .description = "loader test plugin",
#ifndef CASE_NO_INIT
    .init = loader_init,
#endif
#ifndef CASE_NO_TYPES
    .types = loader_types,
#endif
};
#endif

#else /* CASE_NO_DESCRIPTOR: a shared object that is not a plugin */
int loader_not_a_plugin(void);
int loader_not_a_plugin(void)
{
    return 42;
}
#endif
