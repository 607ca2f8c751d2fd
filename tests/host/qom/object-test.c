/*
 * object-test.c - unit tests of the object model's types, classes,
 * interfaces, casts and reference counting (object.h, host/qom/object.c):
 * registration and its refusals, lazy class initialisation with an unknown
 * parent or interface, abstract types, parent-first class initialisation
 * with inherited and overridden methods, class_data, the order of
 * instance_init and instance_finalize, inherited instance and class sizes,
 * interface classes and their concrete_class, checked casts (the GError
 * form and the aborting BB_DECLARE_TYPE casts, observed in a forked
 * child), and reference counting including children released with their
 * parent.
 */
#include <malloc.h>

#include "host-test.h"

/* ------------------------------------------------------------ the types */

#define TYPE_OT_BASE "ot-base"
#define TYPE_OT_DERIVED "ot-derived"
#define TYPE_OT_LEAF "ot-leaf"
#define TYPE_OT_ABSTRACT "ot-abstract"
#define TYPE_OT_ORPHAN "ot-orphan"
#define TYPE_OT_GRAND_ORPHAN "ot-grand-orphan"
#define TYPE_OT_MISSING_PARENT "ot-missing-parent"
#define TYPE_OT_IFACE "ot-iface"
#define TYPE_OT_IMPL "ot-impl"
#define TYPE_OT_IMPL_SUB "ot-impl-sub"
#define TYPE_OT_IMPL_OVERRIDE "ot-impl-override"
#define TYPE_OT_BAD_IFACE "ot-bad-iface"
#define TYPE_OT_MISSING_IFACE "ot-missing-iface"
#define TYPE_OT_NOT_IFACE "ot-not-iface"

typedef struct OtBase {
    BbObject parent_obj;
    int a; /* set by instance_init */
} OtBase;

typedef struct OtBaseClass {
    BbObjectClass parent_class;
    int (*value)(void);
    int (*other)(void);
    const char *data; /* class_data seen by the last class_init */
} OtBaseClass;

typedef struct OtDerived {
    OtBase parent_obj;
    uint8_t payload[256]; /* makes the instance clearly larger */
    int b;
    int a_seen_at_init; /* parent's field as instance_init saw it */
} OtDerived;

typedef struct OtIfaceClass {
    BbInterfaceClass parent_class;
    int (*hello)(void);
    int (*bye)(void); /* set only by the interface's own class_init */
} OtIfaceClass;

BB_DECLARE_TYPE(OtBase, OtBaseClass, OT_BASE, TYPE_OT_BASE)
BB_DECLARE_TYPE(OtDerived, OtBaseClass, OT_DERIVED, TYPE_OT_DERIVED)

static GPtrArray *trace; /* static strings, in call order */

static char *trace_joined(void)
{
    g_ptr_array_add(trace, NULL);
    char *s = g_strjoinv(",", (char **)trace->pdata);
    g_ptr_array_remove_index(trace, trace->len - 1);
    return s;
}

static unsigned trace_count(const char *what)
{
    unsigned n = 0;
    for (guint i = 0; i < trace->len; i++) {
        n += strcmp(trace->pdata[i], what) == 0;
    }
    return n;
}

static int base_value(void) { return 1; }
static int base_other(void) { return 10; }
static int derived_value(void) { return 2; }
static int impl_hello(void) { return 42; }
static int override_hello(void) { return 43; }
static int iface_bye(void) { return 99; }

static unsigned base_class_inits;

static void base_class_init(BbObjectClass *klass, const void *data)
{
    OtBaseClass *bc = (OtBaseClass *)klass;
    base_class_inits++;
    bc->value = base_value;
    bc->other = base_other;
    bc->data = data;
}

static void base_instance_init(BbObject *obj)
{
    g_ptr_array_add(trace, "base-init");
    ((OtBase *)obj)->a = 1;
}

static void base_instance_finalize(BbObject *obj)
{
    g_ptr_array_add(trace, "base-fin");
}

static void derived_class_init(BbObjectClass *klass, const void *data)
{
    OtBaseClass *bc = (OtBaseClass *)klass;
    bc->value = derived_value;
    bc->data = data;
}

static void derived_instance_init(BbObject *obj)
{
    OtDerived *d = (OtDerived *)obj;
    g_ptr_array_add(trace, "derived-init");
    d->a_seen_at_init = d->parent_obj.a;
    d->b = 2;
}

static void derived_instance_finalize(BbObject *obj)
{
    g_ptr_array_add(trace, "derived-fin");
}

static void iface_class_init(BbObjectClass *klass, const void *data)
{
    ((OtIfaceClass *)klass)->bye = iface_bye;
}

static OtIfaceClass *impl_iface_seen; /* what impl_class_init got */

static void impl_class_init(BbObjectClass *klass, const void *data)
{
    OtIfaceClass *ic =
        (OtIfaceClass *)bb_object_class_dynamic_cast(klass, TYPE_OT_IFACE);
    impl_iface_seen = ic;
    if (ic) {
        ic->hello = impl_hello;
    }
}

static void impl_override_class_init(BbObjectClass *klass, const void *data)
{
    OtIfaceClass *ic =
        (OtIfaceClass *)bb_object_class_dynamic_cast(klass, TYPE_OT_IFACE);
    if (ic) {
        ic->hello = override_hello;
    }
}

static const char base_data[] = "base-data";
static const char derived_data[] = "derived-data";

static const BbTypeInfo base_info = {
    .name = TYPE_OT_BASE,
    .parent = BB_TYPE_OBJECT,
    .instance_size = sizeof(OtBase),
    .instance_init = base_instance_init,
    .instance_finalize = base_instance_finalize,
    .class_size = sizeof(OtBaseClass),
    .class_init = base_class_init,
    .class_data = base_data,
};

static const BbTypeInfo derived_info = {
    .name = TYPE_OT_DERIVED,
    .parent = TYPE_OT_BASE,
    .instance_size = sizeof(OtDerived),
    .instance_init = derived_instance_init,
    .instance_finalize = derived_instance_finalize,
    .class_size = 0, /* inherits OtBaseClass */
    .class_init = derived_class_init,
    .class_data = derived_data,
};

static const BbTypeInfo leaf_info = {
    .name = TYPE_OT_LEAF,
    .parent = TYPE_OT_DERIVED, /* both sizes 0: inherit OtDerived's */
};

static const BbTypeInfo abstract_info = {
    .name = TYPE_OT_ABSTRACT,
    .parent = TYPE_OT_BASE,
    .abstract = true,
};

static const BbTypeInfo orphan_info = {
    .name = TYPE_OT_ORPHAN,
    .parent = TYPE_OT_MISSING_PARENT,
};

static const BbTypeInfo grand_orphan_info = {
    .name = TYPE_OT_GRAND_ORPHAN,
    .parent = TYPE_OT_ORPHAN,
};

static const BbTypeInfo iface_info = {
    .name = TYPE_OT_IFACE,
    .parent = BB_TYPE_INTERFACE,
    .class_size = sizeof(OtIfaceClass),
    .class_init = iface_class_init,
    .abstract = true,
};

static const BbInterfaceInfo impl_ifaces[] = { { TYPE_OT_IFACE }, { NULL } };

static const BbTypeInfo impl_info = {
    .name = TYPE_OT_IMPL,
    .parent = TYPE_OT_BASE,
    .class_init = impl_class_init,
    .interfaces = impl_ifaces,
};

static const BbTypeInfo impl_sub_info = {
    .name = TYPE_OT_IMPL_SUB,
    .parent = TYPE_OT_IMPL,
};

static const BbTypeInfo impl_override_info = {
    .name = TYPE_OT_IMPL_OVERRIDE,
    .parent = TYPE_OT_IMPL,
    .class_init = impl_override_class_init,
};

static const BbInterfaceInfo bad_ifaces[] = { { TYPE_OT_MISSING_IFACE },
                                              { NULL } };

static const BbTypeInfo bad_iface_info = {
    .name = TYPE_OT_BAD_IFACE,
    .parent = TYPE_OT_BASE,
    .interfaces = bad_ifaces,
};

static const BbInterfaceInfo not_ifaces[] = { { TYPE_OT_BASE }, { NULL } };

static const BbTypeInfo not_iface_info = {
    .name = TYPE_OT_NOT_IFACE,
    .parent = TYPE_OT_BASE,
    .interfaces = not_ifaces,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = {
        /* the child before its parent: parents resolve lazily */
        &derived_info, &base_info, &leaf_info, &abstract_info, &orphan_info,
        &grand_orphan_info, &iface_info, &impl_info, &impl_sub_info,
        &impl_override_info, &bad_iface_info, &not_iface_info,
    };
    trace = g_ptr_array_new();
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

static int group_teardown(void **state)
{
    g_ptr_array_unref(trace);
    return 0;
}

static int test_setup(void **state)
{
    g_ptr_array_set_size(trace, 0);
    return 0;
}

static BbObject *new_obj(const char *type)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(type, &err);
    assert_no_error(err);
    assert_non_null(obj);
    return obj;
}

static BbObjectClass *class_of(const char *type)
{
    GError *err = NULL;
    BbObjectClass *klass = bb_object_class_by_name(type, &err);
    assert_no_error(err);
    assert_non_null(klass);
    return klass;
}

/* --------------------------------------------------------- registration */

static void bb_type_register_duplicate_name_fails(void **state)
{
    static const BbTypeInfo dup_info = {
        .name = TYPE_OT_BASE,
        .parent = BB_TYPE_OBJECT,
        .class_data = "impostor",
    };
    GError *err = NULL;

    assert_false(bb_type_register(&dup_info, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_EXISTS);
    assert_contains(err->message, TYPE_OT_BASE);
    g_error_free(err);
    /* the original registration is untouched */
    OtBaseClass *bc = (OtBaseClass *)class_of(TYPE_OT_BASE);
    assert_ptr_equal(bc->data, base_data);
}

static void bb_type_register_builtin_name_fails(void **state)
{
    static const BbTypeInfo dup_info = {
        .name = BB_TYPE_CONTAINER,
        .parent = BB_TYPE_OBJECT,
    };
    GError *err = NULL;

    assert_false(bb_type_register(&dup_info, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_EXISTS);
    g_error_free(err);
}

static void bb_type_register_missing_name_fails(void **state)
{
    static const BbTypeInfo noname_info = { .parent = BB_TYPE_OBJECT };
    GError *err = NULL;

    assert_false(bb_type_register(&noname_info, &err));
    assert_non_null(err);
    assert_int_equal(err->domain, BB_OBJECT_ERROR);
    g_error_free(err);
}

static void bb_type_register_missing_parent_fails(void **state)
{
    static const BbTypeInfo noparent_info = { .name = "ot-parentless" };
    GError *err = NULL;

    assert_false(bb_type_register(&noparent_info, &err));
    assert_non_null(err);
    assert_int_equal(err->domain, BB_OBJECT_ERROR);
    assert_contains(err->message, "ot-parentless");
    g_clear_error(&err);
    /* and it was not registered */
    assert_null(bb_object_class_by_name("ot-parentless", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    g_error_free(err);
}

static void bb_type_register_malformed_name_fails(void **state)
{
    static const BbTypeInfo slash_info = { .name = "ot/slash",
                                           .parent = BB_TYPE_OBJECT };
    static const BbTypeInfo empty_info = { .name = "",
                                           .parent = BB_TYPE_OBJECT };
    GError *err = NULL;

    assert_false(bb_type_register(&slash_info, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(bb_type_register(&empty_info, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
}

/* ------------------------------------------------------ class lookup */

static void bb_object_class_by_name_unknown_type_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_class_by_name("ot-never-registered", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "ot-never-registered");
    g_clear_error(&err);
    assert_null(bb_object_new("ot-never-registered", &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, "ot-never-registered");
    g_error_free(err);
}

static void bb_object_class_by_name_unknown_parent_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_class_by_name(TYPE_OT_ORPHAN, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, TYPE_OT_MISSING_PARENT);
    assert_contains(err->message, TYPE_OT_ORPHAN);
    g_clear_error(&err);
    /* the failure is sticky, not a half-initialised class */
    assert_null(bb_object_class_by_name(TYPE_OT_ORPHAN, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, TYPE_OT_MISSING_PARENT);
    g_error_free(err);
}

static void bb_object_new_unknown_parent_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_new(TYPE_OT_ORPHAN, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, TYPE_OT_MISSING_PARENT);
    g_clear_error(&err);
    /* a grandchild names the missing ancestor too */
    assert_null(bb_object_new(TYPE_OT_GRAND_ORPHAN, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, TYPE_OT_MISSING_PARENT);
    assert_contains(err->message, TYPE_OT_GRAND_ORPHAN);
    g_error_free(err);
    assert_int_equal(trace->len, 0);
}

static void bb_object_new_abstract_type_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_new(TYPE_OT_ABSTRACT, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, TYPE_OT_ABSTRACT);
    g_clear_error(&err);
    assert_int_equal(trace->len, 0); /* no instance_init ran */
    /* the built-in roots are abstract too */
    assert_null(bb_object_new(BB_TYPE_OBJECT, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_null(bb_object_new(TYPE_OT_IFACE, &err));
    assert_non_null(err);
    g_error_free(err);
}

static void bb_object_class_is_abstract_reports_flag(void **state)
{
    assert_true(bb_object_class_is_abstract(class_of(TYPE_OT_ABSTRACT)));
    assert_false(bb_object_class_is_abstract(class_of(TYPE_OT_BASE)));
    assert_false(bb_object_class_is_abstract(class_of(BB_TYPE_CONTAINER)));
}

static void bb_object_class_get_name_returns_type_name(void **state)
{
    assert_string_equal(bb_object_class_get_name(class_of(TYPE_OT_DERIVED)),
                        TYPE_OT_DERIVED);
    assert_string_equal(bb_object_class_get_name(class_of(BB_TYPE_OBJECT)),
                        BB_TYPE_OBJECT);
}

static void bb_object_class_get_parent_walks_hierarchy(void **state)
{
    BbObjectClass *leaf = class_of(TYPE_OT_LEAF);
    BbObjectClass *derived = bb_object_class_get_parent(leaf);
    assert_ptr_equal(derived, class_of(TYPE_OT_DERIVED));
    BbObjectClass *base = bb_object_class_get_parent(derived);
    assert_ptr_equal(base, class_of(TYPE_OT_BASE));
    BbObjectClass *object = bb_object_class_get_parent(base);
    assert_ptr_equal(object, class_of(BB_TYPE_OBJECT));
    assert_null(bb_object_class_get_parent(object));
}

/* ------------------------------------------------------- class init */

static void bb_object_class_by_name_inherits_parent_methods(void **state)
{
    OtBaseClass *dc = (OtBaseClass *)class_of(TYPE_OT_DERIVED);
    OtBaseClass *lc = (OtBaseClass *)class_of(TYPE_OT_LEAF);

    assert_non_null(dc->other);
    assert_int_equal(dc->other(), 10); /* set only in base's class_init */
    assert_int_equal(dc->value(), 2);  /* overridden */
    assert_int_equal(lc->other(), 10); /* two levels down */
    assert_int_equal(lc->value(), 2);  /* the nearest override wins */
}

static void bb_object_class_by_name_override_keeps_parent_class(void **state)
{
    OtBaseClass *dc = (OtBaseClass *)class_of(TYPE_OT_DERIVED);
    OtBaseClass *bc = (OtBaseClass *)class_of(TYPE_OT_BASE);

    assert_ptr_not_equal(dc, bc);
    assert_ptr_equal(bc->value, base_value);
    assert_int_equal(bc->value(), 1);
    assert_ptr_equal(dc->value, derived_value);
}

static void bb_object_class_by_name_passes_class_data(void **state)
{
    OtBaseClass *bc = (OtBaseClass *)class_of(TYPE_OT_BASE);
    OtBaseClass *dc = (OtBaseClass *)class_of(TYPE_OT_DERIVED);
    OtBaseClass *lc = (OtBaseClass *)class_of(TYPE_OT_LEAF);

    assert_ptr_equal(bc->data, base_data);
    assert_ptr_equal(dc->data, derived_data);
    assert_ptr_equal(lc->data, derived_data); /* copied from the parent */
}

static void bb_object_class_by_name_initialises_class_once(void **state)
{
    BbObjectClass *a = class_of(TYPE_OT_BASE);
    unsigned inits = base_class_inits;

    class_of(TYPE_OT_LEAF);
    bb_object_unref(new_obj(TYPE_OT_BASE));
    assert_ptr_equal(class_of(TYPE_OT_BASE), a);
    assert_int_equal(base_class_inits, inits);
    assert_int_equal(base_class_inits, 1);
}

static void bb_object_new_zero_sizes_inherit_parent_sizes(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_LEAF);
    OtDerived *d = (OtDerived *)obj;

    /* instance_size 0 must allocate the parent's size, not BbObject's */
    assert_true(malloc_usable_size(obj) >= sizeof(OtDerived));
    assert_true(malloc_usable_size(bb_object_get_class(obj)) >=
                sizeof(OtBaseClass));
    assert_int_equal(d->b, 2);
    assert_int_equal(d->payload[sizeof(d->payload) - 1], 0);
    bb_object_unref(obj);
}

static void bb_object_new_runs_instance_init_parent_first(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_LEAF);
    g_autofree char *t = trace_joined();

    assert_string_equal(t, "base-init,derived-init");
    assert_int_equal(((OtDerived *)obj)->a_seen_at_init, 1);
    bb_object_unref(obj);
}

static void bb_object_new_zeroes_instance(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_DERIVED);
    OtDerived *d = (OtDerived *)obj;

    for (size_t i = 0; i < sizeof(d->payload); i++) {
        assert_int_equal(d->payload[i], 0);
    }
    assert_int_equal(obj->ref, 1);
    assert_null(bb_object_get_parent(obj));
    assert_null(bb_object_get_name(obj));
    bb_object_unref(obj);
}

static void bb_object_unref_finalizes_child_first(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_LEAF);

    g_ptr_array_set_size(trace, 0);
    bb_object_unref(obj);
    g_autofree char *t = trace_joined();
    assert_string_equal(t, "derived-fin,base-fin");
}

static void bb_object_get_type_name_returns_dynamic_type(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_LEAF);

    assert_string_equal(bb_object_get_type_name(obj), TYPE_OT_LEAF);
    assert_ptr_equal(bb_object_get_class(obj), class_of(TYPE_OT_LEAF));
    bb_object_unref(obj);
}

/* ------------------------------------------------------- interfaces */

static void bb_object_class_dynamic_cast_interface_returns_iface_class(
    void **state)
{
    BbObjectClass *impl = class_of(TYPE_OT_IMPL);
    OtIfaceClass *ic =
        (OtIfaceClass *)bb_object_class_dynamic_cast(impl, TYPE_OT_IFACE);

    assert_non_null(ic);
    assert_ptr_not_equal(ic, impl);
    assert_ptr_equal(ic, impl_iface_seen); /* what class_init saw */
    assert_ptr_equal(ic->parent_class.concrete_class, impl);
    assert_ptr_equal(ic->hello, impl_hello); /* set by the implementer */
    assert_ptr_equal(ic->bye, iface_bye);    /* from the interface itself */
    assert_string_equal(bb_object_class_get_name(&ic->parent_class.parent_class),
                        TYPE_OT_IFACE);
    /* the interface's own class is not modified by the implementer */
    OtIfaceClass *own = (OtIfaceClass *)class_of(TYPE_OT_IFACE);
    assert_null(own->hello);
    assert_ptr_equal(own->bye, iface_bye);
}

static void bb_object_class_dynamic_cast_interface_to_interface_root(
    void **state)
{
    BbObjectClass *impl = class_of(TYPE_OT_IMPL);
    BbObjectClass *ic = bb_object_class_dynamic_cast(impl, TYPE_OT_IFACE);

    /* an interface class is an instance of "interface" */
    assert_non_null(bb_object_class_dynamic_cast(impl, BB_TYPE_INTERFACE));
    /* casting the interface class back gives the implementing class */
    assert_ptr_equal(bb_object_class_dynamic_cast(ic, TYPE_OT_BASE), impl);
    /* a class without the interface has none */
    assert_null(bb_object_class_dynamic_cast(class_of(TYPE_OT_BASE),
                                             TYPE_OT_IFACE));
}

static void bb_object_dynamic_cast_interface_returns_object(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_IMPL);
    BbObject *plain = new_obj(TYPE_OT_BASE);

    assert_ptr_equal(bb_object_dynamic_cast(obj, TYPE_OT_IFACE), obj);
    assert_null(bb_object_dynamic_cast(plain, TYPE_OT_IFACE));
    bb_object_unref(obj);
    bb_object_unref(plain);
}

static void bb_object_class_dynamic_cast_subclass_inherits_interface(
    void **state)
{
    BbObjectClass *sub = class_of(TYPE_OT_IMPL_SUB);
    OtIfaceClass *ic =
        (OtIfaceClass *)bb_object_class_dynamic_cast(sub, TYPE_OT_IFACE);
    BbObject *obj = new_obj(TYPE_OT_IMPL_SUB);

    assert_non_null(ic);
    assert_ptr_equal(ic->hello, impl_hello);
    assert_ptr_equal(ic->parent_class.concrete_class, sub);
    assert_ptr_equal(bb_object_dynamic_cast(obj, TYPE_OT_IFACE), obj);
    bb_object_unref(obj);
}

static void bb_object_class_dynamic_cast_subclass_override_is_private(
    void **state)
{
    OtIfaceClass *over = (OtIfaceClass *)bb_object_class_dynamic_cast(
        class_of(TYPE_OT_IMPL_OVERRIDE), TYPE_OT_IFACE);
    OtIfaceClass *impl = (OtIfaceClass *)bb_object_class_dynamic_cast(
        class_of(TYPE_OT_IMPL), TYPE_OT_IFACE);

    assert_non_null(over);
    assert_non_null(impl);
    assert_ptr_not_equal(over, impl);
    assert_int_equal(over->hello(), 43);
    assert_int_equal(impl->hello(), 42);
}

static void bb_object_class_by_name_unknown_interface_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_class_by_name(TYPE_OT_BAD_IFACE, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, TYPE_OT_MISSING_IFACE);
    g_clear_error(&err);
    assert_null(bb_object_new(TYPE_OT_BAD_IFACE, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_NOT_FOUND);
    assert_contains(err->message, TYPE_OT_MISSING_IFACE);
    g_error_free(err);
}

static void bb_object_class_by_name_non_interface_fails(void **state)
{
    GError *err = NULL;

    assert_null(bb_object_class_by_name(TYPE_OT_NOT_IFACE, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, TYPE_OT_NOT_IFACE);
    assert_contains(err->message, "'" TYPE_OT_BASE "'");
    g_error_free(err);
}

/* ---------------------------------------------------------------- casts */

static void bb_object_class_dynamic_cast_ancestor_returns_class(void **state)
{
    BbObjectClass *leaf = class_of(TYPE_OT_LEAF);

    assert_ptr_equal(bb_object_class_dynamic_cast(leaf, TYPE_OT_BASE), leaf);
    assert_ptr_equal(bb_object_class_dynamic_cast(leaf, TYPE_OT_LEAF), leaf);
    assert_ptr_equal(bb_object_class_dynamic_cast(leaf, BB_TYPE_OBJECT), leaf);
    assert_null(bb_object_class_dynamic_cast(leaf, TYPE_OT_ABSTRACT));
    assert_null(bb_object_class_dynamic_cast(leaf, "ot-never-registered"));
    /* a parent is not an instance of its child */
    assert_null(bb_object_class_dynamic_cast(class_of(TYPE_OT_BASE),
                                             TYPE_OT_DERIVED));
}

static void bb_object_dynamic_cast_unrelated_returns_null(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_DERIVED);

    assert_ptr_equal(bb_object_dynamic_cast(obj, TYPE_OT_BASE), obj);
    assert_ptr_equal(bb_object_dynamic_cast(obj, BB_TYPE_OBJECT), obj);
    assert_null(bb_object_dynamic_cast(obj, TYPE_OT_LEAF));
    assert_null(bb_object_dynamic_cast(obj, BB_TYPE_CONTAINER));
    assert_null(bb_object_dynamic_cast(obj, "ot-never-registered"));
    assert_null(bb_object_dynamic_cast(NULL, TYPE_OT_BASE));
    bb_object_unref(obj);
}

static void bb_object_check_cast_ancestor_succeeds(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_DERIVED);
    GError *err = NULL;

    assert_true(bb_object_check_cast(obj, TYPE_OT_BASE, &err));
    assert_null(err);
    assert_true(bb_object_check_cast(obj, TYPE_OT_DERIVED, &err));
    assert_null(err);
    bb_object_unref(obj);
}

static void bb_object_check_cast_wrong_type_names_both_types(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_BASE);
    GError *err = NULL;

    assert_false(bb_object_check_cast(obj, TYPE_OT_DERIVED, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "'" TYPE_OT_BASE "'");
    assert_contains(err->message, "'" TYPE_OT_DERIVED "'");
    assert_string_equal(err->message,
                        "a 'ot-base' object is not an instance of "
                        "'ot-derived'");
    g_error_free(err);
    bb_object_unref(obj);
}

static void bb_object_check_cast_parented_names_path(void **state)
{
    BbObject *root = new_obj(BB_TYPE_CONTAINER);
    BbObject *obj = new_obj(TYPE_OT_BASE);
    GError *err = NULL;

    assert_true(bb_object_add_child(root, "thing", obj, &err));
    assert_false(bb_object_check_cast(obj, TYPE_OT_DERIVED, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "/thing");
    assert_contains(err->message, TYPE_OT_BASE);
    assert_contains(err->message, "'" TYPE_OT_DERIVED "'");
    g_error_free(err);
    bb_object_unref(obj);
    bb_object_unref(root);
}

static void bb_object_check_cast_null_fails(void **state)
{
    GError *err = NULL;

    assert_false(bb_object_check_cast(NULL, TYPE_OT_BASE, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, TYPE_OT_BASE);
    g_error_free(err);
}

static void cast_macro_right_type_returns_pointer(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_LEAF);

    assert_ptr_equal(OT_DERIVED(obj), obj);
    assert_ptr_equal(OT_BASE(obj), obj);
    assert_ptr_equal(OT_DERIVED_GET_CLASS(obj), bb_object_get_class(obj));
    assert_ptr_equal(OT_BASE_CLASS(bb_object_get_class(obj)),
                     bb_object_get_class(obj));
    assert_int_equal(OT_BASE_GET_CLASS(obj)->value(), 2);
    bb_object_unref(obj);
}

static void cast_object_to_derived(void *opaque)
{
    OT_DERIVED(opaque);
}

static void cast_class_to_derived(void *opaque)
{
    OT_DERIVED_CLASS(opaque);
}

static void cast_get_class_to_derived(void *opaque)
{
    OT_DERIVED_GET_CLASS(opaque);
}

static void check_child_aborts(void (*fn)(void *), void *opaque,
                               const char *cast_name)
{
    g_autofree char *text = NULL;
    int status = host_test_run_in_child(fn, opaque, &text);

    if (!host_test_child_aborted(status)) {
        fail_msg("%s did not abort (status 0x%x); stderr: %s", cast_name,
                 status, text);
    }
    assert_contains(text, TYPE_OT_BASE);
    assert_contains(text, TYPE_OT_DERIVED);
    assert_contains(text, cast_name);
}

static void cast_macro_wrong_type_aborts(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_BASE);

    check_child_aborts(cast_object_to_derived, obj, "OT_DERIVED");
    bb_object_unref(obj);
}

static void cast_macro_class_wrong_type_aborts(void **state)
{
    check_child_aborts(cast_class_to_derived, class_of(TYPE_OT_BASE),
                       "OT_DERIVED_CLASS");
}

static void cast_macro_get_class_wrong_type_aborts(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_BASE);

    check_child_aborts(cast_get_class_to_derived, obj, "OT_DERIVED_GET_CLASS");
    bb_object_unref(obj);
}

static void cast_null(void *opaque)
{
    OT_BASE(NULL);
}

static void cast_macro_null_aborts(void **state)
{
    g_autofree char *text = NULL;
    int status = host_test_run_in_child(cast_null, NULL, &text);

    assert_true(host_test_child_aborted(status));
    assert_contains(text, TYPE_OT_BASE);
}

/* --------------------------------------------------- reference counting */

static void bb_object_ref_keeps_object_alive(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_BASE);

    assert_ptr_equal(bb_object_ref(obj), obj);
    assert_ptr_equal(bb_object_ref(obj), obj);
    bb_object_unref(obj);
    bb_object_unref(obj);
    assert_int_equal(trace_count("base-fin"), 0);
    assert_int_equal(((OtBase *)obj)->a, 1); /* still valid */
    bb_object_unref(obj);
    assert_int_equal(trace_count("base-fin"), 1);
}

static void bb_object_unref_last_reference_finalizes_once(void **state)
{
    BbObject *obj = new_obj(TYPE_OT_DERIVED);

    bb_object_unref(obj);
    assert_int_equal(trace_count("derived-fin"), 1);
    assert_int_equal(trace_count("base-fin"), 1);
}

static void bb_object_unref_null_is_noop(void **state)
{
    bb_object_unref(NULL);
    assert_int_equal(trace->len, 0);
}

static void bb_object_unref_releases_children(void **state)
{
    BbObject *root = new_obj(BB_TYPE_CONTAINER);
    BbObject *mid = new_obj(BB_TYPE_CONTAINER);
    BbObject *leaf = new_obj(TYPE_OT_BASE);
    GError *err = NULL;

    assert_true(bb_object_add_child(root, "mid", mid, &err));
    assert_true(bb_object_add_child(mid, "leaf", leaf, &err));
    assert_no_error(err);
    bb_object_unref(leaf); /* the tree holds the only references now */
    bb_object_unref(mid);
    assert_int_equal(trace_count("base-fin"), 0);
    bb_object_unref(root);
    assert_int_equal(trace_count("base-fin"), 1);
}

static void bb_object_unref_parent_unparents_held_children(void **state)
{
    BbObject *root = new_obj(BB_TYPE_CONTAINER);
    BbObject *child = new_obj(TYPE_OT_BASE);
    GError *err = NULL;

    assert_true(bb_object_add_child(root, "kept", child, &err));
    assert_no_error(err);
    bb_object_unref(root);
    /* our reference keeps the child; it is no longer in a tree */
    assert_int_equal(trace_count("base-fin"), 0);
    assert_null(bb_object_get_parent(child));
    assert_null(bb_object_get_name(child));
    g_autofree char *path = bb_object_get_canonical_path(child);
    assert_string_equal(path, "/");
    bb_object_unref(child);
    assert_int_equal(trace_count("base-fin"), 1);
}

#define T(f) cmocka_unit_test_setup(f, test_setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bb_type_register_duplicate_name_fails),
        T(bb_type_register_builtin_name_fails),
        T(bb_type_register_missing_name_fails),
        T(bb_type_register_missing_parent_fails),
        T(bb_type_register_malformed_name_fails),
        T(bb_object_class_by_name_unknown_type_fails),
        T(bb_object_class_by_name_unknown_parent_fails),
        T(bb_object_new_unknown_parent_fails),
        T(bb_object_new_abstract_type_fails),
        T(bb_object_class_is_abstract_reports_flag),
        T(bb_object_class_get_name_returns_type_name),
        T(bb_object_class_get_parent_walks_hierarchy),
        T(bb_object_class_by_name_inherits_parent_methods),
        T(bb_object_class_by_name_override_keeps_parent_class),
        T(bb_object_class_by_name_passes_class_data),
        T(bb_object_class_by_name_initialises_class_once),
        T(bb_object_new_zero_sizes_inherit_parent_sizes),
        T(bb_object_new_runs_instance_init_parent_first),
        T(bb_object_new_zeroes_instance),
        T(bb_object_unref_finalizes_child_first),
        T(bb_object_get_type_name_returns_dynamic_type),
        T(bb_object_class_dynamic_cast_interface_returns_iface_class),
        T(bb_object_class_dynamic_cast_interface_to_interface_root),
        T(bb_object_dynamic_cast_interface_returns_object),
        T(bb_object_class_dynamic_cast_subclass_inherits_interface),
        T(bb_object_class_dynamic_cast_subclass_override_is_private),
        T(bb_object_class_by_name_unknown_interface_fails),
        T(bb_object_class_by_name_non_interface_fails),
        T(bb_object_class_dynamic_cast_ancestor_returns_class),
        T(bb_object_dynamic_cast_unrelated_returns_null),
        T(bb_object_check_cast_ancestor_succeeds),
        T(bb_object_check_cast_wrong_type_names_both_types),
        T(bb_object_check_cast_parented_names_path),
        T(bb_object_check_cast_null_fails),
        T(cast_macro_right_type_returns_pointer),
        T(cast_macro_wrong_type_aborts),
        T(cast_macro_class_wrong_type_aborts),
        T(cast_macro_get_class_wrong_type_aborts),
        T(cast_macro_null_aborts),
        T(bb_object_ref_keeps_object_alive),
        T(bb_object_unref_last_reference_finalizes_once),
        T(bb_object_unref_null_is_noop),
        T(bb_object_unref_releases_children),
        T(bb_object_unref_parent_unparents_held_children),
    };
    return cmocka_run_group_tests_name("host/qom/object", tests, group_setup,
                                       group_teardown);
}
