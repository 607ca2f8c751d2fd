/*
 * registry.h - plugin discovery and loading (host-internal).
 *
 * A registry holds an ordered list of search directories.  Scanning reads
 * the descriptor of every "*.so" in them from the file, without loading it
 * (no plugin code runs), checks the ABI and records which plugin provides
 * which types; plugins that fail any check are kept as "refused" with the
 * reason.  A plugin's shared object is opened (local binding) and its init
 * run only when a type it provides is first needed
 * (registry_ensure_type).  Earlier directories take precedence:
 * a later plugin declaring a type or name already taken is refused.
 */
#ifndef HOST_PLUGIN_REGISTRY_H
#define HOST_PLUGIN_REGISTRY_H

#include <stdbool.h>

#include <glib.h>
#include <gmodule.h>

#include <breadboard/plugin.h>

typedef struct Registry Registry;

/* One plugin file found while scanning. */
typedef struct RegistryPlugin {
    char *path;               /* file it was found at */
    char *name;               /* descriptor name (NULL if refused early) */
    char *version;            /* descriptor version string */
    char *license;
    char *description;
    unsigned abi_major, abi_minor;
    char **types;             /* declared type names */
    GError *refused;          /* why it was refused, or NULL if usable */
    bool initialised;         /* init ran successfully */
    GModule *module;          /* open once a type of it was needed */
    const BbPluginDescriptor *desc; /* in @module, once open */
    char *loaded_from;        /* hot reload: the file the code running
                                 now came from (NULL: @path) */
    unsigned reloads;         /* hot reloads done */
} RegistryPlugin;

Registry *registry_new(void);
/* Load plugins from private copies of their files (all registries; set
 * before loading): with --watch-plugins, a file copied over in place must
 * not rewrite code that is running. */
void registry_set_private_copies(bool on);
void registry_free(Registry *reg);

/* Add a directory to scan.  @origin says where it came from, for messages
 * ("--plugin-dir", "BREADBOARD_PLUGIN_PATH", "board boards/x.yaml",
 * "build tree", "install prefix").  Missing directories are allowed,
 * still listed in the search path, and reported by
 * registry_missing_dirs(). */
void registry_add_dir(Registry *reg, const char *dir, const char *origin);

/* Add BREADBOARD_PLUGIN_PATH entries and the built-in directory (the build
 * tree when running from it, else the install prefix), in that order. */
void registry_add_default_dirs(Registry *reg);

/* Scan directories added since the last scan. */
void registry_scan(Registry *reg);

/* All plugins found, usable and refused, in scan order. */
GPtrArray *registry_get_plugins(Registry *reg); /* of RegistryPlugin * */

/* The usable plugin declaring @type, or NULL. */
RegistryPlugin *registry_find_provider(Registry *reg, const char *type);

/* Look a usable plugin up by its descriptor name, or NULL. */
RegistryPlugin *registry_find_plugin(Registry *reg, const char *name);

/* Make @type available: if it is not registered yet, initialise the plugin
 * providing it (and, transitively, the providers of its ancestors).  Fails
 * with BB_ERROR_NOT_FOUND naming the type and the search path when no
 * usable plugin provides it (mentioning refused plugins that declared it),
 * or with the plugin's init error. */
bool registry_ensure_type(Registry *reg, const char *type, GError **error);

/* Initialise every usable plugin (for `breadboard types`); errors of
 * individual plugins are recorded in their `refused` field. */
void registry_load_all(Registry *reg);

/*
 * Messages for the search directories that could not be read ("plugin
 * directory DIR (ORIGIN): does not exist"), NULL-terminated; the built-in
 * directory is included only if @builtin (a build without installed
 * plugins has none, which is not worth a warning).
 */
char **registry_missing_dirs(Registry *reg, bool builtin);

/*
 * What to append to a "not found" message for plugin @name and/or type
 * @type (either may be NULL): "; a plugin declaring it was refused: WHY"
 * for each refused plugin that names or declares it or whose file is named
 * like it, then a count of the other refused files; "" if none.
 */
char *registry_refusal_note(Registry *reg, const char *name,
                            const char *type);

/*
 * Hot reload (host/reload, docs/hot-reload.md).  registry_reload_open()
 * copies @path to a private temporary file, checks its descriptor (ABI,
 * same plugin name, same types) and opens it; no plugin code runs and the
 * type table is unchanged.  Once the old instances are gone (their code
 * casts by type name), registry_reload_init() takes the old code's types
 * out of the table (kept alive) and runs the new init, which must
 * register every type; on failure the old types are back.  Then either
 * registry_reload_commit() - frees the old types and closes the old
 * module - or registry_reload_abort(), which drops the new types and
 * module and puts the old types back.  Both free the RegistryReload.
 */
typedef struct RegistryReload RegistryReload;
RegistryReload *registry_reload_open(Registry *reg, RegistryPlugin *rp,
                                     const char *path, GError **error);
bool registry_reload_init(RegistryReload *r, GError **error);
const char *registry_reload_get_version(RegistryReload *r);
/* Live instances of the old code's types. */
unsigned registry_reload_old_instances(RegistryReload *r);
/* @close_old false: keep the old types and module (instances remain). */
void registry_reload_commit(RegistryReload *r, bool close_old);
void registry_reload_abort(RegistryReload *r);
/* The init handle of an initialised plugin, and back. */
BbPlugin *registry_plugin_handle(Registry *reg, RegistryPlugin *rp);
RegistryPlugin *registry_plugin_of(BbPlugin *handle);

/* "dir1 (--plugin-dir), dir2 (build tree)" */
char *registry_search_path_string(Registry *reg);

/* Parse "MAJOR.MINOR[.PATCH][-pre]"; returns false if malformed. */
bool semver_parse(const char *s, unsigned v[3]);
/* <0, 0, >0 like strcmp. */
int semver_compare(const unsigned a[3], const unsigned b[3]);

#endif /* HOST_PLUGIN_REGISTRY_H */
