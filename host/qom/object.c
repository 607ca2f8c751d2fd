/*
 * object.c - the type table, class initialisation, instances, casts and
 * the composition tree of the Breadboard object model (object.h).
 *
 * Types are registered by name and initialised lazily: the first time a
 * class is needed its parent is initialised, the parent's class struct is
 * copied into a new, larger one (inheriting method pointers), inherited
 * interfaces are copied the same way, and the type's class_init runs.  A
 * type whose initialisation fails stays "broken" and reports the same
 * error every time.  The table is process-wide, like the set of loaded
 * plugins; instances and trees are not.
 */
#include <string.h>

#include "builtin-types.h"
#include "qom/object-internal.h"
#include "qom/property-internal.h"
#include "qom/state-internal.h"

struct BbType {
    const BbTypeInfo *info;
    BbPlugin *owner;          /* plugin that registered it, or NULL */
    BbType *parent;           /* resolved at class init */
    BbObjectClass *klass;     /* NULL until initialised */
    size_t instance_size;     /* resolved at class init */
    size_t class_size;
    GError *broken;           /* sticky initialisation failure */
    bool initialising;        /* cycle detection */
    GPtrArray *props;         /* const BbPropertyInfo *, inherited first */
    GHashTable *prop_index;   /* name -> const BbPropertyInfo * */
    GPtrArray *ifaces;        /* BbInterfaceClass * implemented */
    unsigned instances;       /* live instances of exactly this type */
};

typedef struct ChildSlot {
    BbPropertyInfo info;      /* kind BB_PROP_CHILD, name owned */
    BbObject *child;
} ChildSlot;

struct BbObjectPrivate {
    char *name;               /* name in the parent */
    GPtrArray *children;      /* ChildSlot *, insertion order */
    GHashTable *set_props;    /* names set explicitly (static strings) */
};

static GHashTable *type_table; /* name -> BbType * */
/* Bumped whenever types go away, so cached cast results die with them. */
static gint type_generation = 1;


static void builtin_types_register(void);

static GHashTable *types(void)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
        builtin_types_register();
        g_once_init_leave(&once, 1);
    }
    return type_table;
}

static BbType *type_lookup(const char *name)
{
    return name ? g_hash_table_lookup(types(), name) : NULL;
}

static bool type_name_valid(const char *name)
{
    if (!name || !*name) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-_.,", *p)) {
            return false;
        }
    }
    return true;
}

bool type_register_internal(const BbTypeInfo *info, BbPlugin *owner,
                            GError **error)
{
    GHashTable *table = types();

    if (!info || !type_name_valid(info->name)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "invalid type name '%s' (letters, digits, '-', '_', "
                    "'.', ',' only)",
                    info && info->name ? info->name : "(null)");
        return false;
    }
    if (!info->parent && strcmp(info->name, BB_TYPE_OBJECT) != 0) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "type '%s' has no parent type", info->name);
        return false;
    }
    if (g_hash_table_contains(table, info->name)) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_EXISTS,
                    "type '%s' is already registered", info->name);
        return false;
    }
    BbType *t = g_new0(BbType, 1);
    t->info = info;
    t->owner = owner;
    g_hash_table_insert(table, (gpointer)info->name, t);
    return true;
}

bool bb_type_register(const BbTypeInfo *info, GError **error)
{
    return type_register_internal(info, NULL, error);
}

bool type_is_registered(const char *name)
{
    return type_lookup(name) != NULL;
}

const char *type_get_parent_name(const char *name)
{
    BbType *t = type_lookup(name);
    return t ? t->info->parent : NULL;
}

const BbInterfaceInfo *type_get_interfaces(const char *name)
{
    BbType *t = type_lookup(name);
    return t ? t->info->interfaces : NULL;
}

static gint type_cmp(gconstpointer a, gconstpointer b)
{
    const BbType *ta = *(BbType *const *)a, *tb = *(BbType *const *)b;
    return strcmp(ta->info->name, tb->info->name);
}

void type_foreach(void (*fn)(const BbTypeInfo *info, BbPlugin *owner,
                             void *opaque),
                  void *opaque)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, types());
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        g_ptr_array_add(all, value);
    }

    g_ptr_array_sort(all, type_cmp);
    for (guint i = 0; i < all->len; i++) {
        BbType *t = all->pdata[i];
        fn(t->info, t->owner, opaque);
    }
}

static void type_free(BbType *t)
{
    if (t->klass) {
        for (guint i = 0; t->ifaces && i < t->ifaces->len; i++) {
            g_free(t->ifaces->pdata[i]);
        }
        g_free(t->klass);
    }
    g_clear_pointer(&t->ifaces, g_ptr_array_unref);
    g_clear_pointer(&t->props, g_ptr_array_unref);
    g_clear_pointer(&t->prop_index, g_hash_table_unref);
    g_clear_error(&t->broken);
    g_free(t);
}

void type_unregister_owner(BbPlugin *owner)
{
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init(&it, types());
    while (g_hash_table_iter_next(&it, &key, &value)) {
        BbType *t = value;
        if (owner && t->owner == owner) {
            g_hash_table_iter_remove(&it);
            type_free(t);
        }
    }
    g_atomic_int_inc(&type_generation);
}

/* Hot reload (host/reload): an owner's types leave the table but stay
 * alive - their classes serve the old instances until those are gone, and
 * are put back if the new plugin fails. */
GPtrArray *type_detach_owner(BbPlugin *owner)
{
    GPtrArray *out = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, types());
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        BbType *t = value;
        if (owner && t->owner == owner) {
            g_ptr_array_add(out, t);
            g_hash_table_iter_remove(&it);
        }
    }
    g_atomic_int_inc(&type_generation);
    return out;
}

void type_reattach(GPtrArray *detached)
{
    for (guint i = 0; i < detached->len; i++) {
        BbType *t = detached->pdata[i];
        g_hash_table_insert(types(), (gpointer)t->info->name, t);
    }
    g_atomic_int_inc(&type_generation);
    g_ptr_array_unref(detached);
}

void type_free_detached(GPtrArray *detached)
{
    for (guint i = 0; i < detached->len; i++) {
        type_free(detached->pdata[i]);
    }
    g_atomic_int_inc(&type_generation);
    g_ptr_array_unref(detached);
}

unsigned type_owner_instances(BbPlugin *owner, GPtrArray *detached)
{
    unsigned n = 0;
    GHashTableIter it;
    gpointer value;

    for (guint i = 0; detached && i < detached->len; i++) {
        n += ((BbType *)detached->pdata[i])->instances;
    }
    if (!owner) {
        return n;
    }
    g_hash_table_iter_init(&it, types());
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        BbType *t = value;
        if (t->owner == owner) {
            n += t->instances;
        }
    }
    return n;
}

const char *type_derived_from_owner(BbPlugin *owner)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, types());
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        BbType *t = value;
        if (t->owner != owner && t->parent && t->parent->owner == owner) {
            return t->info->name;
        }
    }
    return NULL;
}

BbPlugin *type_get_owner(const char *name)
{
    BbType *t = type_lookup(name);
    return t ? t->owner : NULL;
}

/* ------------------------------------------------------ class init */

static bool type_is_a(const BbType *t, const BbType *target)
{
    for (; t; t = t->parent) {
        if (t == target) {
            return true;
        }
    }
    return false;
}

static bool type_initialize(BbType *t, GError **error);

static BbInterfaceClass *iface_class_new(BbType *iface, BbObjectClass *owner)
{
    BbInterfaceClass *ic = g_malloc0(iface->class_size);

    memcpy(ic, iface->klass, iface->class_size);
    ic->concrete_class = owner;
    return ic;
}

static BbInterfaceClass *iface_find(BbType *t, BbType *target)
{
    for (guint i = 0; t->ifaces && i < t->ifaces->len; i++) {
        BbInterfaceClass *ic = t->ifaces->pdata[i];
        if (type_is_a(ic->parent_class.type, target)) {
            return ic;
        }
    }
    return NULL;
}

static bool type_add_interfaces(BbType *t, GError **error)
{
    BbType *iface_root = type_lookup(BB_TYPE_INTERFACE);

    t->ifaces = g_ptr_array_new();
    if (t->parent && t->parent->ifaces) {
        for (guint i = 0; i < t->parent->ifaces->len; i++) {
            BbInterfaceClass *pic = t->parent->ifaces->pdata[i];
            BbInterfaceClass *ic = g_malloc0(pic->parent_class.type->class_size);
            memcpy(ic, pic, pic->parent_class.type->class_size);
            ic->concrete_class = t->klass;
            g_ptr_array_add(t->ifaces, ic);
        }
    }
    for (const BbInterfaceInfo *ii = t->info->interfaces; ii && ii->type;
         ii++) {
        BbType *iface = type_lookup(ii->type);
        if (!iface) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                        "type '%s': interface '%s' is not registered",
                        t->info->name, ii->type);
            return false;
        }
        if (!type_initialize(iface, error)) {
            return false;
        }
        if (!type_is_a(iface, iface_root) || iface == iface_root) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                        "type '%s': '%s' is not an interface type",
                        t->info->name, ii->type);
            return false;
        }
        if (!iface_find(t, iface)) {
            g_ptr_array_add(t->ifaces, iface_class_new(iface, t->klass));
        }
    }
    return true;
}

static bool type_resolve_sizes(BbType *t, GError **error)
{
    const BbTypeInfo *info = t->info;
    size_t min_inst = t->parent ? t->parent->instance_size : sizeof(BbObject);
    size_t min_class = t->parent ? t->parent->class_size : sizeof(BbObjectClass);

    t->instance_size = info->instance_size ? info->instance_size : min_inst;
    t->class_size = info->class_size ? info->class_size : min_class;
    if (t->instance_size < min_inst || t->class_size < min_class) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "type '%s': %s size %zu is smaller than its parent's "
                    "(%zu)",
                    info->name,
                    t->instance_size < min_inst ? "instance" : "class",
                    t->instance_size < min_inst ? t->instance_size
                                                : t->class_size,
                    t->instance_size < min_inst ? min_inst : min_class);
        return false;
    }
    return true;
}

static bool type_initialize_locked(BbType *t, GError **error)
{
    const BbTypeInfo *info = t->info;

    if (info->parent) {
        t->parent = type_lookup(info->parent);
        if (!t->parent) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                        "type '%s': parent type '%s' is not registered",
                        info->name, info->parent);
            return false;
        }
        if (!type_initialize(t->parent, error)) {
            g_prefix_error(error, "type '%s': ", info->name);
            return false;
        }
    }
    if (!type_resolve_sizes(t, error)) {
        return false;
    }
    t->klass = g_malloc0(t->class_size);
    if (t->parent) {
        memcpy(t->klass, t->parent->klass, t->parent->class_size);
    }
    t->klass->type = t;
    t->props = g_ptr_array_new();
    t->prop_index = g_hash_table_new(g_str_hash, g_str_equal);
    if (t->parent) {
        for (guint i = 0; i < t->parent->props->len; i++) {
            const BbPropertyInfo *p = t->parent->props->pdata[i];
            g_ptr_array_add(t->props, (gpointer)p);
            g_hash_table_insert(t->prop_index, (gpointer)p->name, (gpointer)p);
        }
    }
    if (!type_add_interfaces(t, error)) {
        return false;
    }
    if (info->class_init) {
        info->class_init(t->klass, info->class_data);
    }
    if (t->broken) {
        g_propagate_error(error, g_error_copy(t->broken));
        return false;
    }
    /* A bad state table fails here, when the type is first used, rather
     * than at the first snapshot. */
    BbType *device = type_lookup(BB_TYPE_DEVICE);
    if (device && type_is_a(t, device) &&
        !state_check_device_class((const BbDeviceClass *)t->klass,
                                  t->instance_size, error)) {
        if (t->owner) {
            g_prefix_error(error, "plugin '%s': type '%s': ",
                           bb_plugin_get_name(t->owner), info->name);
        } else {
            g_prefix_error(error, "type '%s': ", info->name);
        }
        return false;
    }
    return true;
}

static bool type_initialize(BbType *t, GError **error)
{
    if (t->broken) {
        g_propagate_error(error, g_error_copy(t->broken));
        return false;
    }
    if (t->klass && !t->initialising) {
        return true;
    }
    if (t->initialising) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "type '%s' is its own ancestor", t->info->name);
        return false;
    }
    t->initialising = true;
    GError *local = NULL;
    bool ok = type_initialize_locked(t, &local);
    t->initialising = false;
    if (!ok) {
        if (!t->broken) {
            t->broken = g_error_copy(local);
        }
        g_propagate_error(error, local);
        /* Keep the class allocated: other classes may already point into
         * it; the sticky error keeps it from being used. */
    }
    return ok;
}

void type_mark_broken(BbObjectClass *klass, GError *error)
{
    BbType *t = klass->type;

    if (!t->broken) {
        t->broken = error;
    } else {
        g_error_free(error);
    }
}

BbObjectClass *bb_object_class_by_name(const char *name, GError **error)
{
    BbType *t = type_lookup(name);

    if (!t) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND,
                    "unknown type '%s'", name ? name : "(null)");
        return NULL;
    }
    return type_initialize(t, error) ? t->klass : NULL;
}

const char *bb_object_class_get_name(const BbObjectClass *klass)
{
    return klass->type->info->name;
}

BbObjectClass *bb_object_class_get_parent(const BbObjectClass *klass)
{
    BbType *p = klass->type->parent;
    return p ? p->klass : NULL;
}

bool bb_object_class_is_abstract(const BbObjectClass *klass)
{
    return klass->type->info->abstract;
}

/* The class's own type, or for an interface class copy, the type of the
 * class implementing it.  Interface class copies carry the interface's
 * BbType in parent_class.type. */
static BbObjectClass *class_concrete(BbObjectClass *klass)
{
    BbType *iface_root = type_lookup(BB_TYPE_INTERFACE);

    if (type_is_a(klass->type, iface_root)) {
        BbObjectClass *c = ((BbInterfaceClass *)klass)->concrete_class;
        return c ? c : klass;
    }
    return klass;
}

static BbObjectClass *class_dynamic_cast_slow(BbObjectClass *klass,
                                              const char *type_name)
{
    BbType *target = type_lookup(type_name);

    if (!klass || !target) {
        return NULL;
    }
    klass = class_concrete(klass);
    if (type_is_a(klass->type, target)) {
        return klass;
    }
    BbInterfaceClass *ic = iface_find(klass->type, target);
    return ic ? &ic->parent_class : NULL;
}

/*
 * Checked casts (BB_DECLARE_TYPE's CAST()) sit on hot paths - a CPU's
 * hooks run them per translation block - so successful results are
 * cached per thread, keyed by the class and the *address* of the type
 * name (casts pass string literals, so a repeat is two pointer compares
 * instead of two hash lookups).  An entry is valid for one type
 * generation.
 */
#define CAST_CACHE_SIZE 64

typedef struct CastCacheEntry {
    const BbObjectClass *klass;
    const char *type_name;
    BbObjectClass *result;
    gint generation;
} CastCacheEntry;

static _Thread_local CastCacheEntry cast_cache[CAST_CACHE_SIZE]
    __attribute__((tls_model("initial-exec")));

BbObjectClass *bb_object_class_dynamic_cast(BbObjectClass *klass,
                                            const char *type_name)
{
    unsigned i = (((uintptr_t)klass >> 4) ^ ((uintptr_t)type_name >> 2)) &
                 (CAST_CACHE_SIZE - 1);
    CastCacheEntry *e = &cast_cache[i];
    gint gen = g_atomic_int_get(&type_generation);
    BbObjectClass *ret;

    if (e->klass == klass && e->type_name == type_name &&
        e->generation == gen && klass) {
        return e->result;
    }
    ret = class_dynamic_cast_slow(klass, type_name);
    if (ret) {
        *e = (CastCacheEntry){ klass, type_name, ret, gen };
    }
    return ret;
}

BbObjectClass *bb_object_class_cast_checked(BbObjectClass *klass,
                                            const char *type_name,
                                            const char *cast_name)
{
    BbObjectClass *ret = bb_object_class_dynamic_cast(klass, type_name);

    if (!ret) {
        g_printerr("breadboard: %s: class '%s' is not a subclass of '%s' "
                   "and does not implement it\n",
                   cast_name, klass ? bb_object_class_get_name(klass) : "(null)",
                   type_name);
        abort();
    }
    return ret;
}

/* ------------------------------------------------------ properties */

GPtrArray *class_props(BbObjectClass *klass)
{
    return klass->type->props;
}

const BbPropertyInfo *bb_object_class_find_property(BbObjectClass *klass,
                                                    const char *name)
{
    return g_hash_table_lookup(klass->type->prop_index, name);
}

void bb_object_class_foreach_property(BbObjectClass *klass,
                                      void (*fn)(const BbPropertyInfo *prop,
                                                 void *opaque),
                                      void *opaque)
{
    GPtrArray *props = klass->type->props;

    for (guint i = 0; i < props->len; i++) {
        fn(props->pdata[i], opaque);
    }
}

void bb_object_class_add_properties(BbObjectClass *klass,
                                    const BbPropertyInfo *props)
{
    BbType *t = klass->type;

    for (const BbPropertyInfo *p = props; p && p->name; p++) {
        GError *err = NULL;
        if (g_hash_table_contains(t->prop_index, p->name)) {
            err = g_error_new(BB_OBJECT_ERROR, BB_ERROR_EXISTS,
                              "type '%s': property '%s' is declared twice",
                              t->info->name, p->name);
        } else if (!prop_info_check(p, t->instance_size, &err)) {
            g_prefix_error(&err, "type '%s': ", t->info->name);
        }
        if (err) {
            type_mark_broken(klass, err);
            continue;
        }
        g_ptr_array_add(t->props, (gpointer)p);
        g_hash_table_insert(t->prop_index, (gpointer)p->name, (gpointer)p);
    }
}

/* ------------------------------------------------------ instances */

BbObject *bb_object_new(const char *type_name, GError **error)
{
    BbObjectClass *klass = bb_object_class_by_name(type_name, error);

    if (!klass) {
        return NULL;
    }
    BbType *t = klass->type;
    if (t->info->abstract) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "type '%s' is abstract and cannot be instantiated",
                    type_name);
        return NULL;
    }
    BbObject *obj = g_malloc0(t->instance_size);
    t->instances++;
    obj->klass = klass;
    obj->ref = 1;
    obj->priv = g_new0(BbObjectPrivate, 1);
    obj->priv->children = g_ptr_array_new();
    obj->priv->set_props = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < t->props->len; i++) {
        prop_apply_default(obj, t->props->pdata[i]);
    }
    /* instance_init parent-first */
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    for (BbType *c = t; c; c = c->parent) {
        g_ptr_array_insert(chain, 0, c);
    }
    for (guint i = 0; i < chain->len; i++) {
        BbType *c = chain->pdata[i];
        if (c->info->instance_init) {
            c->info->instance_init(obj);
        }
    }
    return obj;
}

BbObject *bb_object_ref(BbObject *obj)
{
    g_atomic_int_inc(&obj->ref);
    return obj;
}

static void object_finalize(BbObject *obj)
{
    BbObjectPrivate *priv = obj->priv;

    while (priv->children->len) {
        ChildSlot *slot = priv->children->pdata[priv->children->len - 1];
        bb_object_unparent(slot->child);
    }
    if (obj->klass->release) {
        obj->klass->release(obj);
    }
    for (BbType *c = obj->klass->type; c; c = c->parent) {
        if (c->info->instance_finalize) {
            c->info->instance_finalize(obj);
        }
    }
    GPtrArray *props = obj->klass->type->props;
    for (guint i = 0; i < props->len; i++) {
        prop_release(obj, props->pdata[i]);
    }
    g_ptr_array_unref(priv->children);
    g_hash_table_unref(priv->set_props);
    g_free(priv->name);
    g_free(priv);
    obj->klass->type->instances--;
    g_free(obj);
}

void bb_object_unref(BbObject *obj)
{
    if (obj && g_atomic_int_dec_and_test(&obj->ref)) {
        object_finalize(obj);
    }
}

BbObjectClass *bb_object_get_class(const BbObject *obj)
{
    return obj->klass;
}

const char *bb_object_get_type_name(const BbObject *obj)
{
    return obj->klass->type->info->name;
}

BbObject *bb_object_dynamic_cast(BbObject *obj, const char *type_name)
{
    if (!obj) {
        return NULL;
    }
    return bb_object_class_dynamic_cast(obj->klass, type_name) ? obj : NULL;
}

bool bb_object_check_cast(BbObject *obj, const char *type_name,
                          GError **error)
{
    if (bb_object_dynamic_cast(obj, type_name)) {
        return true;
    }
    if (!obj) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "cannot cast NULL to '%s'", type_name);
        return false;
    }
    g_autofree char *label = object_label(obj);
    g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                "%s is not an instance of '%s'%s", label, type_name,
                type_lookup(type_name) ? "" : " (no such type)");
    return false;
}

BbObject *bb_object_cast_checked(BbObject *obj, const char *type_name,
                                 const char *cast_name)
{
    g_autoptr(GError) error = NULL;

    if (!bb_object_check_cast(obj, type_name, &error)) {
        g_printerr("breadboard: %s: %s\n", cast_name, error->message);
        abort();
    }
    return obj;
}

char *object_label(const BbObject *obj)
{
    if (obj->parent) {
        g_autofree char *path = bb_object_get_canonical_path(obj);
        return g_strdup_printf("'%s' (%s)", path, bb_object_get_type_name(obj));
    }
    return g_strdup_printf("a '%s' object", bb_object_get_type_name(obj));
}

bool object_prop_was_set(BbObject *obj, const char *name)
{
    return g_hash_table_contains(obj->priv->set_props, name);
}

void object_mark_prop_set(BbObject *obj, const BbPropertyInfo *prop)
{
    g_hash_table_add(obj->priv->set_props, (gpointer)prop->name);
}

static ChildSlot *child_slot(BbObject *obj, const char *name)
{
    GPtrArray *ch = obj->priv->children;

    for (guint i = 0; i < ch->len; i++) {
        ChildSlot *slot = ch->pdata[i];
        if (strcmp(slot->info.name, name) == 0) {
            return slot;
        }
    }
    return NULL;
}

const BbPropertyInfo *bb_object_find_property(BbObject *obj,
                                              const char *name)
{
    const BbPropertyInfo *p = bb_object_class_find_property(obj->klass, name);

    if (p) {
        return p;
    }
    ChildSlot *slot = child_slot(obj, name);
    return slot ? &slot->info : NULL;
}

char *object_property_names(BbObject *obj)
{
    GPtrArray *props = obj->klass->type->props;
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < props->len; i++) {
        const BbPropertyInfo *p = props->pdata[i];
        g_string_append_printf(s, "%s%s", s->len ? ", " : "", p->name);
    }
    return g_string_free(s, false);
}

/* ------------------------------------------------------ composition tree */

bool bb_object_add_child(BbObject *parent, const char *name, BbObject *child,
                         GError **error)
{
    if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") ||
        !strcmp(name, "..")) {
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                    "invalid child name '%s'", name ? name : "(null)");
        return false;
    }
    if (child->parent) {
        g_autofree char *path = bb_object_get_canonical_path(child);
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_STATE,
                    "cannot add '%s' as '%s': it already is '%s'",
                    bb_object_get_type_name(child), name, path);
        return false;
    }
    if (bb_object_find_property(parent, name)) {
        g_autofree char *label = object_label(parent);
        g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_EXISTS,
                    "%s already has a child or property named '%s'", label,
                    name);
        return false;
    }
    for (BbObject *a = parent; a; a = a->parent) {
        if (a == child) {
            g_set_error(error, BB_OBJECT_ERROR, BB_ERROR_INVALID,
                        "cannot add '%s' below itself", name);
            return false;
        }
    }
    ChildSlot *slot = g_new0(ChildSlot, 1);
    slot->info.name = g_strdup(name);
    slot->info.kind = BB_PROP_CHILD;
    slot->info.link_type = bb_object_get_type_name(child);
    slot->info.description = "composition child";
    slot->child = bb_object_ref(child);
    g_ptr_array_add(parent->priv->children, slot);
    child->parent = parent;
    child->priv->name = g_strdup(name);
    return true;
}

void bb_object_unparent(BbObject *obj)
{
    BbObject *parent = obj->parent;

    if (!parent) {
        return;
    }
    GPtrArray *ch = parent->priv->children;
    for (guint i = 0; i < ch->len; i++) {
        ChildSlot *slot = ch->pdata[i];
        if (slot->child == obj) {
            g_ptr_array_remove_index(ch, i);
            g_free((char *)slot->info.name);
            g_free(slot);
            break;
        }
    }
    obj->parent = NULL;
    g_clear_pointer(&obj->priv->name, g_free);
    bb_object_unref(obj);
}

int object_child_index(const BbObject *obj)
{
    GPtrArray *ch = obj->parent ? obj->parent->priv->children : NULL;

    for (guint i = 0; ch && i < ch->len; i++) {
        if (((ChildSlot *)ch->pdata[i])->child == obj) {
            return (int)i;
        }
    }
    return -1;
}

void object_child_move(BbObject *obj, int index)
{
    int from = object_child_index(obj);
    GPtrArray *ch = from >= 0 ? obj->parent->priv->children : NULL;

    if (ch && index >= 0 && (guint)index < ch->len && index != from) {
        gpointer slot = g_ptr_array_steal_index(ch, (guint)from);
        g_ptr_array_insert(ch, index, slot);
    }
}

BbObject *bb_object_get_parent(const BbObject *obj)
{
    return obj->parent;
}

const char *bb_object_get_name(const BbObject *obj)
{
    return obj->priv->name;
}

char *bb_object_get_canonical_path(const BbObject *obj)
{
    if (!obj->parent) {
        return g_strdup("/");
    }
    GString *path = g_string_new(NULL);
    for (const BbObject *o = obj; o->parent; o = o->parent) {
        g_string_prepend(path, o->priv->name);
        g_string_prepend_c(path, '/');
    }
    return g_string_free(path, false);
}

BbObject *bb_object_get_root(BbObject *obj)
{
    while (obj->parent) {
        obj = obj->parent;
    }
    return obj;
}

BbObject *bb_object_get_child(BbObject *obj, const char *name)
{
    ChildSlot *slot = child_slot(obj, name);
    return slot ? slot->child : NULL;
}

BbObject *bb_object_resolve_path(BbObject *from, const char *path)
{
    BbObject *cur = path[0] == '/' ? bb_object_get_root(from) : from;
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);

    for (char **p = parts; *p && cur; p++) {
        if (!**p || !strcmp(*p, ".")) {
            continue;
        }
        cur = !strcmp(*p, "..") ? cur->parent : bb_object_get_child(cur, *p);
    }
    return cur;
}

void bb_object_foreach_child(BbObject *obj,
                             bool (*fn)(BbObject *child, void *opaque),
                             void *opaque)
{
    /* Copy first: @fn may unparent children. */
    GPtrArray *ch = obj->priv->children;
    g_autoptr(GPtrArray) snapshot = g_ptr_array_new_with_free_func(
        (GDestroyNotify)bb_object_unref);

    for (guint i = 0; i < ch->len; i++) {
        g_ptr_array_add(snapshot,
                        bb_object_ref(((ChildSlot *)ch->pdata[i])->child));
    }
    for (guint i = 0; i < snapshot->len; i++) {
        if (!fn(snapshot->pdata[i], opaque)) {
            break;
        }
    }
}

/* ------------------------------------------------------ built-in types */

static const BbTypeInfo object_type_info = {
    .name = BB_TYPE_OBJECT,
    .instance_size = sizeof(BbObject),
    .class_size = sizeof(BbObjectClass),
    .abstract = true,
    .description = "root of all types",
};

static const BbTypeInfo interface_type_info = {
    .name = BB_TYPE_INTERFACE,
    .parent = BB_TYPE_OBJECT,
    .class_size = sizeof(BbInterfaceClass),
    .abstract = true,
    .description = "parent of all interfaces",
};

static const BbTypeInfo container_type_info = {
    .name = BB_TYPE_CONTAINER,
    .parent = BB_TYPE_OBJECT,
    .description = "a plain node of the composition tree",
};

static void builtin_type_insert(const BbTypeInfo *info)
{
    BbType *t = g_new0(BbType, 1);

    t->info = info;
    g_hash_table_insert(type_table, (gpointer)info->name, t);
}

static void builtin_types_register(void)
{
    builtin_type_insert(&object_type_info);
    builtin_type_insert(&interface_type_info);
    builtin_type_insert(&container_type_info);
    for (const BbTypeInfo *const *i = host_builtin_types(); *i; i++) {
        builtin_type_insert(*i);
    }
}
