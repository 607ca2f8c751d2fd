/*
 * tree-test.c - unit tests of the composition tree (object.h,
 * host/qom/object.c): adding named children and the refusals (duplicate
 * name, a name clashing with a property, '/', "." and "..", a child that
 * already has a parent, a cycle), canonical paths, path resolution
 * (absolute, relative, "." and ".."), child lookup, iteration in insertion
 * order with early stop, unparenting and the references the tree holds,
 * and children seen as properties of kind BB_PROP_CHILD.
 */
#include "host-test.h"

#define TYPE_TT_NODE "tt-node"

typedef struct TtNode {
    BbObject parent_obj;
    uint32_t speed;
} TtNode;

static unsigned finalized; /* tt-node instances finalized */

static void node_finalize(BbObject *obj)
{
    finalized++;
}

static const BbPropertyInfo node_props[] = {
    BB_PROP_UINT("speed", TtNode, speed, 9600, "a property to clash with"),
    BB_PROP_END,
};

static void node_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, node_props);
}

static const BbTypeInfo node_info = {
    .name = TYPE_TT_NODE,
    .parent = BB_TYPE_OBJECT,
    .instance_size = sizeof(TtNode),
    .instance_finalize = node_finalize,
    .class_init = node_class_init,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &node_info };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

/* The fixture: / -> machine -> soc -> uart0 (a tt-node), plus /machine/ram. */
typedef struct Tree {
    BbObject *root, *machine, *soc, *uart0, *ram;
} Tree;

static BbObject *new_obj(const char *type)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(type, &err);
    assert_no_error(err);
    assert_non_null(obj);
    return obj;
}

static BbObject *add(BbObject *parent, const char *name, const char *type)
{
    GError *err = NULL;
    BbObject *obj = new_obj(type);
    assert_true(bb_object_add_child(parent, name, obj, &err));
    assert_no_error(err);
    bb_object_unref(obj); /* the parent's reference keeps it */
    return obj;
}

static int tree_setup(void **state)
{
    Tree *t = g_new0(Tree, 1);
    t->root = new_obj(BB_TYPE_CONTAINER);
    t->machine = add(t->root, "machine", BB_TYPE_CONTAINER);
    t->soc = add(t->machine, "soc", BB_TYPE_CONTAINER);
    t->uart0 = add(t->soc, "uart0", TYPE_TT_NODE);
    t->ram = add(t->machine, "ram", TYPE_TT_NODE);
    finalized = 0;
    *state = t;
    return 0;
}

static int tree_teardown(void **state)
{
    Tree *t = *state;
    bb_object_unref(t->root);
    g_free(t);
    return 0;
}

/* ------------------------------------------------------------ add_child */

static void bb_object_add_child_sets_parent_and_name(void **state)
{
    Tree *t = *state;

    assert_ptr_equal(bb_object_get_parent(t->uart0), t->soc);
    assert_ptr_equal(bb_object_get_parent(t->machine), t->root);
    assert_null(bb_object_get_parent(t->root));
    assert_string_equal(bb_object_get_name(t->uart0), "uart0");
    assert_null(bb_object_get_name(t->root));
}

static void bb_object_add_child_takes_reference(void **state)
{
    Tree *t = *state;
    BbObject *child = new_obj(TYPE_TT_NODE);
    GError *err = NULL;

    assert_int_equal(child->ref, 1);
    assert_true(bb_object_add_child(t->root, "extra", child, &err));
    assert_int_equal(child->ref, 2);
    bb_object_unref(child);
    assert_int_equal(finalized, 0); /* the tree still holds it */
    assert_ptr_equal(bb_object_get_child(t->root, "extra"), child);
}

static void bb_object_add_child_duplicate_name_fails(void **state)
{
    Tree *t = *state;
    BbObject *other = new_obj(TYPE_TT_NODE);
    GError *err = NULL;

    assert_false(bb_object_add_child(t->soc, "uart0", other, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_EXISTS);
    assert_contains(err->message, "uart0");
    g_error_free(err);
    assert_null(bb_object_get_parent(other));
    assert_int_equal(other->ref, 1);
    assert_ptr_equal(bb_object_get_child(t->soc, "uart0"), t->uart0);
    bb_object_unref(other);
    assert_int_equal(finalized, 1);
}

static void bb_object_add_child_property_name_fails(void **state)
{
    Tree *t = *state;
    BbObject *other = new_obj(BB_TYPE_CONTAINER);
    GError *err = NULL;

    /* uart0 has a property "speed": a child may not shadow it */
    assert_false(bb_object_add_child(t->uart0, "speed", other, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_EXISTS);
    assert_contains(err->message, "speed");
    g_error_free(err);
    assert_null(bb_object_get_parent(other));
    bb_object_unref(other);
}

static void bb_object_add_child_bad_name_fails(void **state)
{
    Tree *t = *state;
    BbObject *other = new_obj(BB_TYPE_CONTAINER);
    const char *bad[] = { "a/b", "/", "", ".", ".." };
    GError *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_false(bb_object_add_child(t->root, bad[i], other, &err));
        assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
        g_clear_error(&err);
    }
    assert_false(bb_object_add_child(t->root, NULL, other, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    assert_null(bb_object_get_parent(other));
    assert_int_equal(other->ref, 1);
    bb_object_unref(other);
}

static void bb_object_add_child_already_parented_fails(void **state)
{
    Tree *t = *state;
    GError *err = NULL;

    assert_false(bb_object_add_child(t->root, "uart-again", t->uart0, &err));
    assert_error(err, BB_OBJECT_ERROR, BB_ERROR_STATE);
    assert_contains(err->message, "/machine/soc/uart0");
    g_error_free(err);
    assert_ptr_equal(bb_object_get_parent(t->uart0), t->soc);
    assert_string_equal(bb_object_get_name(t->uart0), "uart0");
    assert_null(bb_object_get_child(t->root, "uart-again"));
}

static void bb_object_add_child_cycle_fails(void **state)
{
    Tree *t = *state;
    GError *err = NULL;

    /* the root has no parent, but adding it below itself makes a cycle */
    assert_false(bb_object_add_child(t->uart0, "loop", t->root, &err));
    assert_non_null(err);
    g_clear_error(&err);
    assert_false(bb_object_add_child(t->root, "self", t->root, &err));
    assert_non_null(err);
    g_clear_error(&err);
    assert_null(bb_object_get_parent(t->root));
}

/* ---------------------------------------------------------------- paths */

static void bb_object_get_canonical_path_names_each_level(void **state)
{
    Tree *t = *state;
    g_autofree char *root = bb_object_get_canonical_path(t->root);
    g_autofree char *machine = bb_object_get_canonical_path(t->machine);
    g_autofree char *uart = bb_object_get_canonical_path(t->uart0);

    assert_string_equal(root, "/");
    assert_string_equal(machine, "/machine");
    assert_string_equal(uart, "/machine/soc/uart0");
}

static void bb_object_get_root_finds_top(void **state)
{
    Tree *t = *state;

    assert_ptr_equal(bb_object_get_root(t->uart0), t->root);
    assert_ptr_equal(bb_object_get_root(t->root), t->root);
}

static void bb_object_resolve_path_absolute(void **state)
{
    Tree *t = *state;

    assert_ptr_equal(bb_object_resolve_path(t->ram, "/machine/soc/uart0"),
                     t->uart0);
    assert_ptr_equal(bb_object_resolve_path(t->uart0, "/machine"), t->machine);
    assert_ptr_equal(bb_object_resolve_path(t->uart0, "/"), t->root);
    assert_null(bb_object_resolve_path(t->root, "/machine/soc/uart1"));
    assert_null(bb_object_resolve_path(t->root, "/soc"));
}

static void bb_object_resolve_path_relative(void **state)
{
    Tree *t = *state;

    assert_ptr_equal(bb_object_resolve_path(t->machine, "soc/uart0"),
                     t->uart0);
    assert_ptr_equal(bb_object_resolve_path(t->root, "machine/ram"), t->ram);
    assert_ptr_equal(bb_object_resolve_path(t->soc, "uart0"), t->uart0);
    /* relative paths start at @from, not at the root */
    assert_null(bb_object_resolve_path(t->soc, "machine"));
}

static void bb_object_resolve_path_dot_components(void **state)
{
    Tree *t = *state;

    assert_ptr_equal(bb_object_resolve_path(t->uart0, ".."), t->soc);
    assert_ptr_equal(bb_object_resolve_path(t->uart0, "../../ram"), t->ram);
    assert_ptr_equal(bb_object_resolve_path(t->soc, "./uart0"), t->uart0);
    assert_ptr_equal(bb_object_resolve_path(t->soc, "."), t->soc);
    assert_ptr_equal(bb_object_resolve_path(t->root, "/machine/soc/../ram"),
                     t->ram);
    /* above the root there is nothing */
    assert_null(bb_object_resolve_path(t->root, ".."));
}

static void bb_object_resolve_path_canonical_round_trip(void **state)
{
    Tree *t = *state;
    BbObject *all[] = { t->root, t->machine, t->soc, t->uart0, t->ram };

    for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
        g_autofree char *path = bb_object_get_canonical_path(all[i]);
        assert_ptr_equal(bb_object_resolve_path(t->uart0, path), all[i]);
    }
}

static void bb_object_get_child_finds_direct_children_only(void **state)
{
    Tree *t = *state;

    assert_ptr_equal(bb_object_get_child(t->machine, "soc"), t->soc);
    assert_ptr_equal(bb_object_get_child(t->machine, "ram"), t->ram);
    assert_null(bb_object_get_child(t->machine, "uart0"));
    assert_null(bb_object_get_child(t->machine, "nope"));
    assert_null(bb_object_get_child(t->uart0, "speed")); /* a property */
}

/* -------------------------------------------------------------- foreach */

typedef struct Visit {
    GPtrArray *names;
    unsigned stop_after; /* 0: never stop */
} Visit;

static bool record_child(BbObject *child, void *opaque)
{
    Visit *v = opaque;
    g_ptr_array_add(v->names, (gpointer)bb_object_get_name(child));
    return v->stop_after == 0 || v->names->len < v->stop_after;
}

static void bb_object_foreach_child_insertion_order(void **state)
{
    Tree *t = *state;
    BbObject *box = add(t->root, "box", BB_TYPE_CONTAINER);
    const char *names[] = { "zeta", "alpha", "mid", "beta" };
    Visit v = { g_ptr_array_new(), 0 };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        add(box, names[i], BB_TYPE_CONTAINER);
    }
    bb_object_foreach_child(box, record_child, &v);
    assert_int_equal(v.names->len, G_N_ELEMENTS(names));
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        assert_string_equal(v.names->pdata[i], names[i]);
    }
    g_ptr_array_unref(v.names);
}

static void bb_object_foreach_child_stops_early(void **state)
{
    Tree *t = *state;
    BbObject *box = add(t->root, "box", BB_TYPE_CONTAINER);
    Visit v = { g_ptr_array_new(), 2 };

    add(box, "a", BB_TYPE_CONTAINER);
    add(box, "b", BB_TYPE_CONTAINER);
    add(box, "c", BB_TYPE_CONTAINER);
    bb_object_foreach_child(box, record_child, &v);
    assert_int_equal(v.names->len, 2);
    assert_string_equal(v.names->pdata[0], "a");
    assert_string_equal(v.names->pdata[1], "b");
    g_ptr_array_unref(v.names);
}

static void bb_object_foreach_child_no_children(void **state)
{
    Tree *t = *state;
    Visit v = { g_ptr_array_new(), 0 };

    bb_object_foreach_child(t->uart0, record_child, &v);
    assert_int_equal(v.names->len, 0);
    g_ptr_array_unref(v.names);
}

static bool unparent_child(BbObject *child, void *opaque)
{
    (*(unsigned *)opaque)++;
    bb_object_unparent(child);
    return true;
}

static void bb_object_foreach_child_callback_may_unparent(void **state)
{
    Tree *t = *state;
    unsigned calls = 0;

    bb_object_foreach_child(t->machine, unparent_child, &calls);
    assert_int_equal(calls, 2);
    assert_null(bb_object_get_child(t->machine, "soc"));
    assert_null(bb_object_get_child(t->machine, "ram"));
    assert_int_equal(finalized, 2); /* uart0 (with soc) and ram */
}

/* ------------------------------------------------------------- unparent */

static void bb_object_unparent_drops_parent_reference(void **state)
{
    Tree *t = *state;
    BbObject *ram = bb_object_ref(t->ram);

    assert_int_equal(ram->ref, 2);
    bb_object_unparent(ram);
    assert_int_equal(ram->ref, 1);
    assert_null(bb_object_get_parent(ram));
    assert_null(bb_object_get_name(ram));
    assert_null(bb_object_get_child(t->machine, "ram"));
    assert_null(bb_object_find_property(t->machine, "ram"));
    assert_int_equal(finalized, 0);
    bb_object_unref(ram);
    assert_int_equal(finalized, 1);
}

static void bb_object_unparent_last_reference_finalizes(void **state)
{
    Tree *t = *state;

    bb_object_unparent(t->ram);
    assert_int_equal(finalized, 1);
    assert_null(bb_object_get_child(t->machine, "ram"));
}

static void bb_object_unparent_subtree_keeps_its_children(void **state)
{
    Tree *t = *state;
    BbObject *soc = bb_object_ref(t->soc);

    bb_object_unparent(soc);
    assert_ptr_equal(bb_object_get_child(soc, "uart0"), t->uart0);
    g_autofree char *path = bb_object_get_canonical_path(t->uart0);
    assert_string_equal(path, "/uart0"); /* soc is now a root */
    assert_ptr_equal(bb_object_get_root(t->uart0), soc);
    assert_int_equal(finalized, 0);
    bb_object_unref(soc);
    assert_int_equal(finalized, 1);
}

static void bb_object_unparent_root_is_noop(void **state)
{
    Tree *t = *state;

    bb_object_unparent(t->root);
    assert_int_equal(t->root->ref, 1);
    assert_ptr_equal(bb_object_get_child(t->root, "machine"), t->machine);
}

static void bb_object_add_child_after_unparent_succeeds(void **state)
{
    Tree *t = *state;
    BbObject *ram = bb_object_ref(t->ram);
    GError *err = NULL;

    bb_object_unparent(ram);
    assert_true(bb_object_add_child(t->soc, "ram", ram, &err));
    assert_no_error(err);
    bb_object_unref(ram);
    g_autofree char *path = bb_object_get_canonical_path(ram);
    assert_string_equal(path, "/machine/soc/ram");
    /* the old name is free again */
    assert_null(bb_object_get_child(t->machine, "ram"));
}

/* ------------------------------------------------- children as properties */

static void bb_object_find_property_child_kind(void **state)
{
    Tree *t = *state;
    const BbPropertyInfo *p = bb_object_find_property(t->machine, "soc");

    assert_non_null(p);
    assert_string_equal(p->name, "soc");
    assert_int_equal(p->kind, BB_PROP_CHILD);
    assert_null(bb_object_find_property(t->machine, "uart0"));
    /* class properties are found as well */
    p = bb_object_find_property(t->uart0, "speed");
    assert_non_null(p);
    assert_int_equal(p->kind, BB_PROP_UINT);
    /* a child is not a class property */
    assert_null(bb_object_class_find_property(bb_object_get_class(t->machine),
                                              "soc"));
}

static void bb_object_get_prop_child_returns_path(void **state)
{
    Tree *t = *state;
    GError *err = NULL;
    g_autofree char *soc = bb_object_get_prop(t->machine, "soc", &err);
    assert_no_error(err);
    g_autofree char *uart = bb_object_get_prop(t->soc, "uart0", &err);
    assert_no_error(err);

    assert_string_equal(soc, "/machine/soc");
    assert_string_equal(uart, "/machine/soc/uart0");
}

static void bb_object_get_link_child_returns_child(void **state)
{
    Tree *t = *state;
    GError *err = NULL;

    assert_ptr_equal(bb_object_get_link(t->machine, "soc", &err), t->soc);
    assert_no_error(err);
}

static void bb_object_set_prop_child_fails(void **state)
{
    Tree *t = *state;
    GError *err = NULL;

    assert_false(bb_object_set_prop(t->machine, "soc", "/machine/ram", &err));
    assert_non_null(err);
    g_error_free(err);
    assert_ptr_equal(bb_object_get_child(t->machine, "soc"), t->soc);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bb_object_add_child_sets_parent_and_name),
        T(bb_object_add_child_takes_reference),
        T(bb_object_add_child_duplicate_name_fails),
        T(bb_object_add_child_property_name_fails),
        T(bb_object_add_child_bad_name_fails),
        T(bb_object_add_child_already_parented_fails),
        T(bb_object_add_child_cycle_fails),
        T(bb_object_get_canonical_path_names_each_level),
        T(bb_object_get_root_finds_top),
        T(bb_object_resolve_path_absolute),
        T(bb_object_resolve_path_relative),
        T(bb_object_resolve_path_dot_components),
        T(bb_object_resolve_path_canonical_round_trip),
        T(bb_object_get_child_finds_direct_children_only),
        T(bb_object_foreach_child_insertion_order),
        T(bb_object_foreach_child_stops_early),
        T(bb_object_foreach_child_no_children),
        T(bb_object_foreach_child_callback_may_unparent),
        T(bb_object_unparent_drops_parent_reference),
        T(bb_object_unparent_last_reference_finalizes),
        T(bb_object_unparent_subtree_keeps_its_children),
        T(bb_object_unparent_root_is_noop),
        T(bb_object_add_child_after_unparent_succeeds),
        T(bb_object_find_property_child_kind),
        T(bb_object_get_prop_child_returns_path),
        T(bb_object_get_link_child_returns_child),
        T(bb_object_set_prop_child_fails),
    };
    return cmocka_run_group_tests_name("host/qom/tree", tests, group_setup,
                                       NULL);
}
