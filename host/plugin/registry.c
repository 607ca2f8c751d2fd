/*
 * registry.c - plugin discovery, ABI checks and lazy loading (registry.h).
 *
 * Scanning reads each "*.so"'s BbPluginDescriptor from the ELF file
 * (elf-descriptor.c) without loading it, so no plugin code - not even a
 * constructor - runs at scan, and checks it in the order in which trusting
 * it is safe: the magic and ABI fields first (their offsets are fixed for
 * every ABI), the rest only once the ABI is known to match.  The shared
 * object is opened (local binding, lazy symbols) only when a board needs
 * one of the plugin's types; then its init registers them, and must
 * register exactly what it declared.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include <gmodule.h>
#include <glib/gstdio.h>

#include "config.h"
#include "plugin/elf-descriptor.h"
#include "plugin/registry.h"
#include "qom/object-internal.h"

struct BbPlugin {
    RegistryPlugin *rp;
    Registry *reg;
};

typedef struct SearchDir {
    char *dir;
    char *origin;
    bool scanned;
    bool builtin;  /* the build tree's or install prefix's directory */
    char *missing; /* why it could not be read, once scanned */
} SearchDir;

struct Registry {
    GPtrArray *dirs;        /* SearchDir * in precedence order */
    GPtrArray *plugins;     /* RegistryPlugin * in scan order */
    GHashTable *by_type;    /* type name -> RegistryPlugin * (usable) */
    GHashTable *by_name;    /* plugin name -> RegistryPlugin * (usable) */
    GHashTable *seen_paths; /* canonical file paths already scanned */
    GPtrArray *handles;     /* BbPlugin * */
};

static void search_dir_free(SearchDir *sd)
{
    g_free(sd->dir);
    g_free(sd->origin);
    g_free(sd->missing);
    g_free(sd);
}

static void plugin_free(RegistryPlugin *rp)
{
    /* Modules of initialised plugins stay loaded: their types live in the
     * process-wide type table and instances may outlive the registry. */
    if (rp->module && !rp->initialised) {
        g_module_close(rp->module);
    }
    g_free(rp->path);
    g_free(rp->loaded_from);
    g_free(rp->name);
    g_free(rp->version);
    g_free(rp->license);
    g_free(rp->description);
    g_strfreev(rp->types);
    g_clear_error(&rp->refused);
    g_free(rp);
}

Registry *registry_new(void)
{
    Registry *reg = g_new0(Registry, 1);

    reg->dirs = g_ptr_array_new_with_free_func((GDestroyNotify)search_dir_free);
    reg->plugins = g_ptr_array_new_with_free_func((GDestroyNotify)plugin_free);
    reg->by_type = g_hash_table_new(g_str_hash, g_str_equal);
    reg->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    reg->seen_paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
    reg->handles = g_ptr_array_new_with_free_func(g_free);
    return reg;
}

void registry_free(Registry *reg)
{
    if (!reg) {
        return;
    }
    g_hash_table_unref(reg->by_type);
    g_hash_table_unref(reg->by_name);
    g_hash_table_unref(reg->seen_paths);
    g_ptr_array_unref(reg->plugins);
    g_ptr_array_unref(reg->dirs);
    /* Handles of initialised plugins are referenced by the type table as
     * owners; they are small and live as long as the process. */
    g_ptr_array_set_free_func(reg->handles, NULL);
    g_ptr_array_unref(reg->handles);
    g_free(reg);
}

static SearchDir *add_dir(Registry *reg, const char *dir, const char *origin)
{
    SearchDir *sd = g_new0(SearchDir, 1);

    sd->dir = g_canonicalize_filename(dir, NULL);
    sd->origin = g_strdup(origin);
    g_ptr_array_add(reg->dirs, sd);
    return sd;
}

void registry_add_dir(Registry *reg, const char *dir, const char *origin)
{
    add_dir(reg, dir, origin);
}

/* The plugin directory that belongs with the running libbreadboard.so:
 * the build tree's when running from it, else the install prefix's. */
static char *builtin_plugin_dir(const char **origin)
{
    Dl_info info;

    if (!dladdr((void *)registry_new, &info) || !info.dli_fname) {
        *origin = "install prefix";
        return g_strdup(BB_INSTALL_PLUGIN_DIR);
    }
    g_autofree char *lib = realpath(info.dli_fname, NULL);
    g_autofree char *libdir = g_path_get_dirname(lib ? lib : info.dli_fname);
    g_autofree char *build_lib = realpath(BB_BUILD_LIB_DIR, NULL);
    if (build_lib && !strcmp(libdir, build_lib)) {
        *origin = "build tree";
        return g_strdup(BB_BUILD_PLUGIN_DIR);
    }
    *origin = "install prefix";
    const char *suffix = "/" BB_INSTALL_LIBDIR;
    size_t len = strlen(libdir), slen = strlen(suffix);
    if (len > slen && !strcmp(libdir + len - slen, suffix)) {
        g_autofree char *prefix = g_strndup(libdir, len - slen);
        return g_build_filename(prefix, BB_INSTALL_PLUGIN_DIR, NULL);
    }
    return g_build_filename(libdir, "..", BB_INSTALL_PLUGIN_DIR, NULL);
}

void registry_add_default_dirs(Registry *reg)
{
    const char *env = g_getenv("BREADBOARD_PLUGIN_PATH");

    if (env) {
        g_auto(GStrv) parts = g_strsplit(env, ":", -1);
        for (char **p = parts; *p; p++) {
            if (**p) {
                registry_add_dir(reg, *p, "BREADBOARD_PLUGIN_PATH");
            }
        }
    }
    const char *origin;
    g_autofree char *dir = builtin_plugin_dir(&origin);
    add_dir(reg, dir, origin)->builtin = true;
}

/* ------------------------------------------------------ scanning */

static void refuse(RegistryPlugin *rp, GError *error)
{
    g_prefix_error(&error, "%s: ", rp->path);
    rp->refused = error;
    if (rp->module) {
        g_module_close(rp->module);
        rp->module = NULL;
    }
    rp->desc = NULL;
}

static bool name_valid(const char *name)
{
    if (!name || !*name) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-_.", *p)) {
            return false;
        }
    }
    return true;
}

static GError *malformed(const char *fmt, const char *arg)
{
    g_autofree char *what = g_strdup_printf(fmt, arg);
    return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                       "malformed plugin descriptor: %s", what);
}

static GError *check_abi(uint32_t magic, unsigned abi_major,
                         unsigned abi_minor)
{
    if (magic != BB_PLUGIN_MAGIC) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                           "malformed plugin descriptor: bad magic 0x%08x "
                           "(expected 0x%08x)",
                           magic, BB_PLUGIN_MAGIC);
    }
    if (abi_major != BB_ABI_MAJOR) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_VERSION,
                           "plugin built for ABI %u.%u, but this breadboard "
                           "provides ABI %u.%u: major versions differ; "
                           "rebuild the plugin against this SDK",
                           abi_major, abi_minor, BB_ABI_MAJOR,
                           BB_ABI_MINOR);
    }
    if (abi_minor > BB_ABI_MINOR) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_VERSION,
                           "plugin built for ABI %u.%u, newer than this "
                           "breadboard's ABI %u.%u; update breadboard or "
                           "rebuild the plugin against this SDK",
                           abi_major, abi_minor, BB_ABI_MAJOR,
                           BB_ABI_MINOR);
    }
    return NULL;
}

static GError *check_fields(const ElfDescriptor *d)
{
    unsigned v[3];

    if (d->size < offsetof(BbPluginDescriptor, reserved)) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                           "malformed plugin descriptor: size %u is too "
                           "small",
                           d->size);
    }
    if (!name_valid(d->name)) {
        return malformed("invalid name '%s' (letters, digits, '-', '_', '.')",
                         d->name ? d->name : "(null)");
    }
    if (!d->version || !semver_parse(d->version, v) ||
        strchr(strchr(d->version, '.') + 1, '.') == NULL) {
        return malformed("version '%s' is not MAJOR.MINOR.PATCH",
                         d->version ? d->version : "(null)");
    }
    if (!d->has_init) {
        return malformed("plugin '%s' has no init function", d->name);
    }
    if (!d->types || !d->types[0]) {
        return malformed("plugin '%s' declares no types", d->name);
    }
    for (char **t = d->types; *t; t++) {
        if (!name_valid(*t)) {
            return malformed("invalid type name '%s'", *t);
        }
    }
    return NULL;
}

static GError *check_duplicates(Registry *reg, const ElfDescriptor *d)
{
    RegistryPlugin *other = g_hash_table_lookup(reg->by_name, d->name);

    if (other) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_EXISTS,
                           "plugin '%s' is already provided by %s", d->name,
                           other->path);
    }
    for (char **t = d->types; *t; t++) {
        other = g_hash_table_lookup(reg->by_type, *t);
        if (other) {
            return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_EXISTS,
                               "type '%s' is already provided by %s", *t,
                               other->path);
        }
        if (type_is_registered(*t)) {
            return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_EXISTS,
                               "type '%s' is already registered by the host "
                               "or a loaded plugin",
                               *t);
        }
        for (char **u = d->types; u < t; u++) {
            if (!strcmp(*u, *t)) {
                return malformed("type '%s' is listed twice", *t);
            }
        }
    }
    return NULL;
}

static void accept(Registry *reg, RegistryPlugin *rp, ElfDescriptor *d)
{
    rp->name = g_steal_pointer(&d->name);
    rp->version = g_steal_pointer(&d->version);
    rp->license = d->license ? g_steal_pointer(&d->license) : g_strdup("");
    rp->description = d->description ? g_steal_pointer(&d->description)
                                     : g_strdup("");
    rp->types = g_steal_pointer(&d->types);
    g_hash_table_insert(reg->by_name, rp->name, rp);
    for (char **t = rp->types; *t; t++) {
        g_hash_table_insert(reg->by_type, *t, rp);
    }
}

/* Read and check one file's descriptor; no plugin code runs. */
static void scan_file(Registry *reg, const char *path)
{
    RegistryPlugin *rp = g_new0(RegistryPlugin, 1);
    ElfDescriptor d;
    GError *err = NULL;

    rp->path = g_strdup(path);
    g_ptr_array_add(reg->plugins, rp);
    if (!elf_descriptor_read(path, &d, &err)) {
        elf_descriptor_clear(&d);
        refuse(rp, err);
        return;
    }
    rp->abi_major = d.magic == BB_PLUGIN_MAGIC ? d.abi_major : 0;
    rp->abi_minor = d.magic == BB_PLUGIN_MAGIC ? d.abi_minor : 0;
    if ((err = check_abi(d.magic, d.abi_major, d.abi_minor)) ||
        (err = check_fields(&d)) || (err = check_duplicates(reg, &d))) {
        /* Keep what can be trusted for messages: a refused plugin is
         * named where a board needs its name or types. */
        if ((d.fields_read || d.hint_only) && name_valid(d.name)) {
            rp->name = g_strdup(d.name);
        }
        if (d.fields_read || d.hint_only) {
            rp->types = g_steal_pointer(&d.types);
        }
        refuse(rp, err);
    } else {
        accept(reg, rp, &d);
    }
    elf_descriptor_clear(&d);
}

static gint str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_dir(Registry *reg, SearchDir *sd)
{
    const char *dir = sd->dir;
    GError *err = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &err);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (!d) {
        sd->missing = g_strdup(g_file_test(dir, G_FILE_TEST_EXISTS)
                                   ? err->message
                                   : "does not exist");
        g_error_free(err);
        return;
    }
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".so")) {
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
        }
    }
    g_ptr_array_sort(files, str_cmp);
    for (guint i = 0; i < files->len; i++) {
        const char *path = files->pdata[i];
        char *canon = realpath(path, NULL);
        /* (g_hash_table_add() of a key already there stores the new one
         * and frees the old: a file seen twice must not reach it) */
        if (!canon || !g_file_test(canon, G_FILE_TEST_IS_REGULAR) ||
            g_hash_table_contains(reg->seen_paths, canon)) {
            free(canon);
            continue;
        }
        g_hash_table_add(reg->seen_paths, canon);
        scan_file(reg, path);
    }
}

void registry_scan(Registry *reg)
{
    for (guint i = 0; i < reg->dirs->len; i++) {
        SearchDir *sd = reg->dirs->pdata[i];
        if (!sd->scanned) {
            sd->scanned = true;
            scan_dir(reg, sd);
        }
    }
}

GPtrArray *registry_get_plugins(Registry *reg)
{
    return reg->plugins;
}

RegistryPlugin *registry_find_provider(Registry *reg, const char *type)
{
    return g_hash_table_lookup(reg->by_type, type);
}

RegistryPlugin *registry_find_plugin(Registry *reg, const char *name)
{
    return g_hash_table_lookup(reg->by_name, name);
}

char **registry_missing_dirs(Registry *reg, bool builtin)
{
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < reg->dirs->len; i++) {
        SearchDir *sd = reg->dirs->pdata[i];
        if (sd->missing && (builtin || !sd->builtin)) {
            g_ptr_array_add(out, g_strdup_printf("plugin directory %s (%s): "
                                                 "%s",
                                                 sd->dir, sd->origin,
                                                 sd->missing));
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, false);
}

char *registry_search_path_string(Registry *reg)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < reg->dirs->len; i++) {
        SearchDir *sd = reg->dirs->pdata[i];
        g_string_append_printf(s, "%s%s (%s)", i ? ", " : "", sd->dir,
                               sd->origin);
    }
    return g_string_free(s, false);
}

/* ------------------------------------------------------ loading */

bool bb_plugin_register_type(BbPlugin *plugin, const BbTypeInfo *info,
                             GError **error)
{
    RegistryPlugin *rp = plugin->rp;

    if (!info || !info->name ||
        !g_strv_contains((const char *const *)rp->types, info->name)) {
        g_set_error(error, BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                    "plugin '%s' registers type '%s', which its descriptor "
                    "does not declare",
                    rp->name, info && info->name ? info->name : "(null)");
        return false;
    }
    return type_register_internal(info, plugin, error);
}

const char *bb_plugin_get_name(const BbPlugin *plugin)
{
    return plugin->rp->name;
}

const char *bb_plugin_get_path(const BbPlugin *plugin)
{
    return plugin->rp->path;
}

/* Withdraw a usable plugin whose init failed. */
static void plugin_withdraw(Registry *reg, RegistryPlugin *rp, BbPlugin *h,
                            GError *error)
{
    type_unregister_owner(h);
    g_hash_table_remove(reg->by_name, rp->name);
    for (char **t = rp->types; *t; t++) {
        g_hash_table_remove(reg->by_type, *t);
    }
    refuse(rp, error);
}

#define PLUGIN_FILE_MAX (G_GINT64_CONSTANT(1) << 30)

/* registry_set_private_copies(): load every plugin from a copy. */
static bool private_copies;

void registry_set_private_copies(bool on)
{
    private_copies = on;
}

/* g_module_error() naming @path instead of its private copy @copy. */
static char *module_error_for(const char *copy, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(g_module_error(), copy, -1);

    return g_strjoinv(path, parts);
}

/*
 * Copy @path into a private temporary file, let @check look at it (may be
 * NULL), open it, and remove the file: the code loaded is exactly what was
 * read, whatever happens to @path later (a `cp` over a mapped .so rewrites
 * the running code in place), and never the same dlopen() handle as
 * earlier code from @path (the dynamic loader would hand back the old one
 * for the same path).  Errors name @path, not the copy.
 */
static GModule *module_open_copy(const char *path,
                                 GError *(*check)(RegistryPlugin *,
                                                  const char *),
                                 RegistryPlugin *rp, GError **error)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autofree char *dir = NULL;
    g_autofree char *copy = NULL;
    GModule *module = NULL;
    GError *err = NULL;
    GStatBuf st;

    /* Only a regular file of sane size is read whole: /dev/zero or a FIFO
     * named on the monitor must not hang or exhaust the host. */
    if (g_stat(path, &st) == 0 &&
        (!S_ISREG(st.st_mode) || st.st_size > PLUGIN_FILE_MAX)) {
        g_set_error(error, BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                    "%s: %s", path,
                    !S_ISREG(st.st_mode) ? "not a regular file"
                                         : "larger than 1 GiB");
        return NULL;
    }
    dir = g_dir_make_tmp("breadboard-plugin-XXXXXX", error);
    if (!dir) {
        return NULL;
    }
    copy = g_build_filename(dir, "plugin.so", NULL);
    if (!g_file_get_contents(path, &data, &len, &err) ||
        !g_file_set_contents(copy, data, (gssize)len, &err)) {
        g_set_error(error, BB_PLUGIN_ERROR, BB_ERROR_IO, "%s", err->message);
        g_error_free(err);
        goto out;
    }
    if (check && (err = check(rp, copy))) {
        g_auto(GStrv) parts = g_strsplit(err->message, copy, -1);
        g_free(err->message);
        err->message = g_strjoinv(path, parts);
        g_propagate_error(error, err);
        goto out;
    }
    module = g_module_open(copy, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
    if (!module) {
        g_autofree char *msg = module_error_for(copy, path);
        g_set_error(error, BB_PLUGIN_ERROR, BB_ERROR_IO,
                    "cannot load plugin: %s", msg);
    }
out:
    g_unlink(copy);
    g_rmdir(dir);
    return module;
}

/*
 * Open the shared object of a plugin the scan accepted - the first time
 * any of its code runs - and check that the descriptor the dynamic loader
 * sees is the one the scan read (the file may have been replaced since).
 */
static GError *plugin_open(RegistryPlugin *rp)
{
    gpointer sym = NULL;
    const BbPluginDescriptor *d;
    GError *err;

    if (private_copies) {
        err = NULL;
        rp->module = module_open_copy(rp->path, NULL, rp, &err);
        if (!rp->module) {
            return err;
        }
    } else {
        rp->module = g_module_open(rp->path,
                                   G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
    }
    if (!rp->module) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_IO,
                           "cannot load plugin: %s", g_module_error());
    }
    if (!g_module_symbol(rp->module, BB_PLUGIN_DESCRIPTOR_SYMBOL, &sym) ||
        !sym) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                           "not a breadboard plugin: no '%s' symbol "
                           "(define one with BB_PLUGIN_DEFINE)",
                           BB_PLUGIN_DESCRIPTOR_SYMBOL);
    }
    d = sym;
    if ((err = check_abi(d->magic, d->abi_major, d->abi_minor))) {
        return err;
    }
    bool same = d->init && d->name && !strcmp(d->name, rp->name) &&
                d->types;
    for (guint i = 0; same && rp->types[i]; i++) {
        same = d->types[i] && !strcmp(d->types[i], rp->types[i]);
    }
    if (!same || d->types[g_strv_length(rp->types)]) {
        return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                           "the loaded descriptor differs from the one "
                           "scanned (was the file replaced?)");
    }
    rp->desc = d;
    return NULL;
}

static bool plugin_init(Registry *reg, RegistryPlugin *rp, GError **error)
{
    BbPlugin *h = g_new0(BbPlugin, 1);
    GError *err = NULL;

    h->rp = rp;
    h->reg = reg;
    g_ptr_array_add(reg->handles, h);
    if (!rp->desc && (err = plugin_open(rp))) {
        /* reported below like an init failure, naming the file */
    } else if (!rp->desc->init(h, &err)) {
        if (!err) {
            err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_FAILED,
                              "no reason given");
        }
        g_prefix_error(&err, "plugin '%s' init failed: ", rp->name);
    } else {
        for (char **t = rp->types; *t && !err; t++) {
            if (!type_is_registered(*t)) {
                err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                                  "plugin '%s' declares type '%s' but its "
                                  "init did not register it",
                                  rp->name, *t);
            }
        }
    }
    if (err) {
        plugin_withdraw(reg, rp, h, err);
        g_ptr_array_remove(reg->handles, h);
        g_propagate_error(error, g_error_copy(rp->refused));
        return false;
    }
    rp->initialised = true;
    return true;
}

/* "edu" for ".../edu.so" and ".../libedu.so". */
static char *file_stem(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    const char *b = g_str_has_prefix(base, "lib") ? base + 3 : base;

    return g_strndup(b, strlen(b) - (g_str_has_suffix(b, ".so") ? 3 : 0));
}

char *registry_refusal_note(Registry *reg, const char *name, const char *type)
{
    GString *msg = g_string_new(NULL);
    unsigned others = 0;

    for (guint i = 0; i < reg->plugins->len; i++) {
        RegistryPlugin *rp = reg->plugins->pdata[i];
        g_autofree char *stem = file_stem(rp->path);
        if (!rp->refused) {
            continue;
        }
        if (type && rp->types &&
            g_strv_contains((const char *const *)rp->types, type)) {
            g_string_append_printf(msg, "; a plugin declaring it was "
                                   "refused: %s",
                                   rp->refused->message);
        } else if (name && rp->name && !strcmp(rp->name, name)) {
            g_string_append_printf(msg, "; a plugin named '%s' was "
                                   "refused: %s",
                                   name, rp->refused->message);
        } else if ((name && !strcmp(stem, name)) ||
                   (type && !strcmp(stem, type))) {
            g_string_append_printf(msg, "; a plugin file named like it was "
                                   "refused: %s",
                                   rp->refused->message);
        } else {
            others++;
        }
    }
    if (others) {
        g_string_append_printf(msg, "; %u other plugin file%s on the search "
                               "path %s refused (see 'breadboard plugins')",
                               others, others == 1 ? "" : "s",
                               others == 1 ? "was" : "were");
    }
    return g_string_free(msg, false);
}

static GError *not_found(Registry *reg, const char *type)
{
    g_autofree char *path = registry_search_path_string(reg);
    g_autofree char *note = registry_refusal_note(reg, NULL, type);

    return g_error_new(BB_PLUGIN_ERROR, BB_ERROR_NOT_FOUND,
                       "no plugin provides type '%s' (search path: %s)%s",
                       type, *path ? path : "empty", note);
}

bool registry_ensure_type(Registry *reg, const char *type, GError **error)
{
    for (const char *t = type; t; t = type_get_parent_name(t)) {
        if (!type_is_registered(t)) {
            RegistryPlugin *rp = registry_find_provider(reg, t);
            if (!rp) {
                GError *err = not_found(reg, t);
                if (t != type) {
                    g_prefix_error(&err, "type '%s' derives from '%s': ",
                                   type, t);
                }
                g_propagate_error(error, err);
                return false;
            }
            if (!plugin_init(reg, rp, error)) {
                return false;
            }
        }
        for (const BbInterfaceInfo *ii = type_get_interfaces(t);
             ii && ii->type; ii++) {
            if (!registry_ensure_type(reg, ii->type, error)) {
                return false;
            }
        }
    }
    return true;
}

void registry_load_all(Registry *reg)
{
    for (guint i = 0; i < reg->plugins->len; i++) {
        RegistryPlugin *rp = reg->plugins->pdata[i];
        if (!rp->refused && !rp->initialised) {
            plugin_init(reg, rp, NULL);
        }
    }
}

/* ------------------------------------------------------ hot reload */

struct RegistryReload {
    Registry *reg;
    RegistryPlugin *rp;
    BbPlugin *old_handle;
    GPtrArray *old_types;    /* detached BbType * of the old code */
    BbPlugin *new_handle;
    GModule *new_module;
    const BbPluginDescriptor *new_desc;
    char *file;              /* the file the new code came from */
};

BbPlugin *registry_plugin_handle(Registry *reg, RegistryPlugin *rp)
{
    for (guint i = 0; i < reg->handles->len; i++) {
        BbPlugin *h = reg->handles->pdata[i];
        if (h->rp == rp) {
            return h;
        }
    }
    return NULL;
}

RegistryPlugin *registry_plugin_of(BbPlugin *handle)
{
    return handle ? handle->rp : NULL;
}

/* The new file's descriptor, read without running its code: the same ABI
 * major, a well-formed descriptor, the same plugin name and types. */
static GError *reload_check_file(RegistryPlugin *rp, const char *copy)
{
    ElfDescriptor d;
    GError *err = NULL;

    if (!elf_descriptor_read(copy, &d, &err) ||
        (err = check_abi(d.magic, d.abi_major, d.abi_minor)) ||
        (err = check_fields(&d))) {
        elf_descriptor_clear(&d);
        return err;
    }
    if (strcmp(d.name, rp->name)) {
        err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                          "it is plugin '%s', not '%s'", d.name, rp->name);
    }
    for (char **t = rp->types; !err && *t; t++) {
        if (!g_strv_contains((const char *const *)d.types, *t)) {
            err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_NOT_FOUND,
                              "it does not declare type '%s'", *t);
        }
    }
    for (char **t = d.types; !err && *t; t++) {
        if (!g_strv_contains((const char *const *)rp->types, *t)) {
            err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                              "it declares type '%s', which the loaded "
                              "version does not (a reload keeps the set of "
                              "types)", *t);
        }
    }
    elf_descriptor_clear(&d);
    return err;
}

/* A reload's new code: checked (same plugin, same types) and opened from
 * a private copy (module_open_copy()). */
static GModule *reload_open_copy(RegistryPlugin *rp, const char *path,
                                 GError **error)
{
    return module_open_copy(path, reload_check_file, rp, error);
}

RegistryReload *registry_reload_open(Registry *reg, RegistryPlugin *rp,
                                     const char *path, GError **error)
{
    RegistryReload *r = g_new0(RegistryReload, 1);
    gpointer sym = NULL;
    GError *err = NULL;

    r->reg = reg;
    r->rp = rp;
    r->file = g_strdup(path);
    r->old_handle = registry_plugin_handle(reg, rp);
    r->new_module = reload_open_copy(rp, path, &err);
    if (!r->new_module) {
        goto fail;
    }
    if (!g_module_symbol(r->new_module, BB_PLUGIN_DESCRIPTOR_SYMBOL, &sym) ||
        !sym) {
        err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                          "not a breadboard plugin: no '%s' symbol",
                          BB_PLUGIN_DESCRIPTOR_SYMBOL);
        goto fail;
    }
    r->new_desc = sym;
    if ((err = check_abi(r->new_desc->magic, r->new_desc->abi_major,
                         r->new_desc->abi_minor))) {
        goto fail;
    }
    if (!r->new_desc->init) {
        err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                          "the plugin has no init function");
        goto fail;
    }
    return r;
fail:
    g_prefix_error(&err, "plugin '%s' from %s: ", rp->name, path);
    g_propagate_error(error, err);
    registry_reload_abort(r);
    return NULL;
}

bool registry_reload_init(RegistryReload *r, GError **error)
{
    RegistryPlugin *rp = r->rp;
    GError *err = NULL;

    /* The old types leave the table (kept alive); the new init registers
     * the same names. */
    r->old_types = type_detach_owner(r->old_handle);
    r->new_handle = g_new0(BbPlugin, 1);
    r->new_handle->rp = rp;
    r->new_handle->reg = r->reg;
    if (!r->new_desc->init(r->new_handle, &err)) {
        if (!err) {
            err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_FAILED,
                              "no reason given");
        }
        g_prefix_error(&err, "init failed: ");
    }
    for (char **t = rp->types; !err && *t; t++) {
        if (type_get_owner(*t) != r->new_handle) {
            err = g_error_new(BB_PLUGIN_ERROR, BB_ERROR_INVALID,
                              "its init did not register type '%s'", *t);
        }
    }
    if (err) {
        /* back to the old types; the module stays open until abort */
        type_unregister_owner(r->new_handle);
        g_clear_pointer(&r->new_handle, g_free);
        type_reattach(g_steal_pointer(&r->old_types));
        g_prefix_error(&err, "plugin '%s' from %s: ", rp->name, r->file);
        g_propagate_error(error, err);
        return false;
    }
    g_ptr_array_add(r->reg->handles, r->new_handle);
    return true;
}

const char *registry_reload_get_version(RegistryReload *r)
{
    return r->new_desc->version;
}

void registry_reload_abort(RegistryReload *r)
{
    if (!r) {
        return;
    }
    if (r->new_handle) {
        type_unregister_owner(r->new_handle);
        /* handles frees what it holds */
        if (!g_ptr_array_remove(r->reg->handles, r->new_handle)) {
            g_free(r->new_handle);
        }
    }
    if (r->old_types) {
        type_reattach(r->old_types);
    }
    if (r->new_module) {
        g_module_close(r->new_module);
    }
    g_free(r->file);
    g_free(r);
}

unsigned registry_reload_old_instances(RegistryReload *r)
{
    return type_owner_instances(NULL, r->old_types);
}

void registry_reload_commit(RegistryReload *r, bool close_old)
{
    RegistryPlugin *rp = r->rp;

    if (close_old) {
        /* No instance of the old classes is left: free them, then the
         * code they point into. */
        type_free_detached(r->old_types);
        if (r->old_handle) {
            g_ptr_array_remove(r->reg->handles, r->old_handle); /* frees */
        }
        if (rp->module) {
            g_module_close(rp->module);
        }
    } else {
        g_ptr_array_unref(r->old_types); /* the types leak with the code */
    }
    rp->module = r->new_module;
    rp->desc = r->new_desc;
    g_free(rp->version);
    rp->version = g_strdup(r->new_desc->version ? r->new_desc->version
                                                : "");
    g_free(rp->loaded_from);
    rp->loaded_from = g_steal_pointer(&r->file);
    rp->reloads++;
    g_free(r);
}
