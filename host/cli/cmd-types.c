/*
 * cmd-types.c - `breadboard types [--json] [TYPE...]`: every registered
 * type (host built-ins and all usable plugins, loaded for the purpose) with
 * its parent, providing plugin, interfaces and properties (type, default,
 * declared range, enum choices, required / read-only, arrays).
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli/cli.h"
#include "qom/object-internal.h"

typedef struct TypesCtx {
    char **only;       /* restrict to these names, or NULL */
    JsonBuilder *json; /* NULL for text output */
} TypesCtx;

static char *prop_default(const BbPropertyInfo *p)
{
    switch (p->kind) {
    case BB_PROP_BOOL: return g_strdup(p->def_i ? "true" : "false");
    case BB_PROP_INT: return g_strdup_printf("%" G_GINT64_FORMAT, p->def_i);
    case BB_PROP_UINT:
    case BB_PROP_SIZE: return g_strdup_printf("%" G_GUINT64_FORMAT, p->def_u);
    case BB_PROP_STRING: return p->def_s ? g_strdup_printf("\"%s\"", p->def_s)
                                         : NULL;
    case BB_PROP_ENUM: return g_strdup(p->choices[p->def_i]);
    default: return NULL;
    }
}

static char *prop_kind(const BbPropertyInfo *p)
{
    const char *array = bb_prop_is_array(p) ? "[]" : "";

    if (p->kind == BB_PROP_LINK) {
        return g_strdup_printf("link<%s>%s", p->link_type, array);
    }
    if (p->kind == BB_PROP_ENUM) {
        g_autofree char *c = g_strjoinv("|", (char **)p->choices);
        return g_strdup_printf("enum(%s)", c);
    }
    return g_strdup_printf("%s%s", bb_prop_kind_name(p->kind), array);
}

/* "[0, 15]" for a declared range, else NULL (the field's width). */
static char *prop_range_text(const BbPropertyInfo *p)
{
    int64_t min, max;
    uint64_t umin, umax;

    if (!prop_range(p, &min, &max, &umin, &umax)) {
        return NULL;
    }
    if (p->kind == BB_PROP_INT) {
        return g_strdup_printf("[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                               min, max);
    }
    return g_strdup_printf("[%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
                           umin, umax);
}

static void prop_text(const BbPropertyInfo *p, void *opaque)
{
    g_autofree char *kind = prop_kind(p);
    g_autofree char *def = bb_prop_is_array(p) ? NULL : prop_default(p);
    g_autofree char *range = prop_range_text(p);

    printf("    %-22s %-16s", p->name, kind);
    if (p->flags & BB_PROP_F_REQUIRED) {
        printf(" (required)");
    } else if (p->flags & BB_PROP_F_READONLY) {
        printf(" (read-only)");
    } else if (def) {
        printf(" = %s", def);
    }
    if (range) {
        printf(" in %s", range);
    }
    if (bb_prop_is_array(p) && p->count_max) {
        printf(" (at most %u)", p->count_max);
    }
    printf("%s%s\n", p->description ? "  - " : "",
           p->description ? p->description : "");
}

/* A bound as a JSON number, or as a decimal string past INT64_MAX. */
static void json_add_u64(JsonBuilder *b, const char *name, uint64_t v)
{
    json_builder_set_member_name(b, name);
    if (v <= INT64_MAX) {
        json_builder_add_int_value(b, (int64_t)v);
    } else {
        g_autofree char *s = g_strdup_printf("%" G_GUINT64_FORMAT, v);
        json_builder_add_string_value(b, s);
    }
}

/* "min"/"max" of a declared range, "choices" of an enum, "max_count" of
 * an array. */
static void prop_json_limits(const BbPropertyInfo *p, JsonBuilder *b)
{
    int64_t min, max;
    uint64_t umin, umax;

    if (prop_range(p, &min, &max, &umin, &umax)) {
        if (p->kind == BB_PROP_INT) {
            json_builder_set_member_name(b, "min");
            json_builder_add_int_value(b, min);
            json_builder_set_member_name(b, "max");
            json_builder_add_int_value(b, max);
        } else {
            json_add_u64(b, "min", umin);
            json_add_u64(b, "max", umax);
        }
    }
    if (p->kind == BB_PROP_ENUM) {
        json_builder_set_member_name(b, "choices");
        json_builder_begin_array(b);
        for (size_t i = 0; p->choices[i]; i++) {
            json_builder_add_string_value(b, p->choices[i]);
        }
        json_builder_end_array(b);
    }
    if (bb_prop_is_array(p)) {
        json_add_u64(b, "max_count",
                     p->count_max ? p->count_max : BB_PROP_ARRAY_MAX);
    }
}

static void prop_json(const BbPropertyInfo *p, void *opaque)
{
    JsonBuilder *b = opaque;
    g_autofree char *kind = prop_kind(p);
    g_autofree char *def = bb_prop_is_array(p) ? NULL : prop_default(p);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, p->name);
    json_builder_set_member_name(b, "type");
    json_builder_add_string_value(b, kind);
    json_builder_set_member_name(b, "required");
    json_builder_add_boolean_value(b, p->flags & BB_PROP_F_REQUIRED);
    json_builder_set_member_name(b, "read_only");
    json_builder_add_boolean_value(b, (p->flags & BB_PROP_F_READONLY) != 0);
    json_builder_set_member_name(b, "array");
    json_builder_add_boolean_value(b, bb_prop_is_array(p));
    prop_json_limits(p, b);
    if (def) {
        json_builder_set_member_name(b, "default");
        json_builder_add_string_value(b, def);
    }
    json_builder_set_member_name(b, "description");
    json_builder_add_string_value(b, p->description ? p->description : "");
    json_builder_end_object(b);
}

static void type_json(const BbTypeInfo *info, BbPlugin *owner,
                      BbObjectClass *klass, GError *err, JsonBuilder *b)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, info->name);
    json_builder_set_member_name(b, "parent");
    info->parent ? json_builder_add_string_value(b, info->parent)
                 : json_builder_add_null_value(b);
    json_builder_set_member_name(b, "abstract");
    json_builder_add_boolean_value(b, info->abstract);
    json_builder_set_member_name(b, "plugin");
    owner ? json_builder_add_string_value(b, bb_plugin_get_name(owner))
          : json_builder_add_null_value(b);
    json_builder_set_member_name(b, "description");
    json_builder_add_string_value(b, info->description ? info->description
                                                       : "");
    json_builder_set_member_name(b, "interfaces");
    json_builder_begin_array(b);
    for (const BbInterfaceInfo *ii = info->interfaces; ii && ii->type; ii++) {
        json_builder_add_string_value(b, ii->type);
    }
    json_builder_end_array(b);
    if (err) {
        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, err->message);
    } else {
        json_builder_set_member_name(b, "properties");
        json_builder_begin_array(b);
        bb_object_class_foreach_property(klass, prop_json, b);
        json_builder_end_array(b);
    }
    json_builder_end_object(b);
}

static void type_text(const BbTypeInfo *info, BbPlugin *owner,
                      BbObjectClass *klass, GError *err)
{
    printf("%s", info->name);
    if (info->parent) {
        printf(" : %s", info->parent);
    }
    if (info->abstract) {
        printf(" (abstract)");
    }
    printf("  [%s]\n", owner ? bb_plugin_get_name(owner) : "host");
    if (info->description) {
        printf("    %s\n", info->description);
    }
    for (const BbInterfaceInfo *ii = info->interfaces; ii && ii->type; ii++) {
        printf("    implements %s\n", ii->type);
    }
    if (err) {
        printf("    error: %s\n", err->message);
    } else {
        bb_object_class_foreach_property(klass, prop_text, NULL);
    }
}

static void one_type(const BbTypeInfo *info, BbPlugin *owner, void *opaque)
{
    TypesCtx *ctx = opaque;
    GError *err = NULL;

    if (ctx->only && !g_strv_contains((const char *const *)ctx->only,
                                      info->name)) {
        return;
    }
    BbObjectClass *klass = bb_object_class_by_name(info->name, &err);
    if (ctx->json) {
        type_json(info, owner, klass, err, ctx->json);
    } else {
        type_text(info, owner, klass, err);
    }
    g_clear_error(&err);
}

int cli_types(int argc, char **argv)
{
    CliPluginOptions popts = { 0 };
    gboolean json = false;
    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(
        "[TYPE...] - list registered types and their properties");
    GError *error = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    cli_add_plugin_options(g_option_context_get_main_group(ctx), &popts);
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        cli_report(error);
        return CLI_EXIT_USAGE;
    }
    Registry *reg = cli_make_registry(&popts, NULL, NULL);
    registry_load_all(reg);
    GPtrArray *plugins = registry_get_plugins(reg);
    for (guint i = 0; i < plugins->len; i++) {
        RegistryPlugin *rp = plugins->pdata[i];
        if (rp->refused) {
            g_printerr("breadboard: warning: %s\n", rp->refused->message);
        }
    }
    TypesCtx tc = { .only = argc > 1 ? argv + 1 : NULL };
    int status = CLI_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (!type_is_registered(argv[i])) {
            g_printerr("breadboard: types: unknown type '%s'\n", argv[i]);
            status = CLI_EXIT_ERROR;
        }
    }
    if (json) {
        tc.json = json_builder_new();
        json_builder_begin_array(tc.json);
    }
    type_foreach(one_type, &tc);
    if (json) {
        json_builder_end_array(tc.json);
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autoptr(JsonNode) root = json_builder_get_root(tc.json);
        json_generator_set_root(gen, root);
        json_generator_set_pretty(gen, true);
        g_autofree char *text = json_generator_to_data(gen, NULL);
        printf("%s\n", text);
        g_object_unref(tc.json);
    }
    registry_free(reg);
    g_strfreev(popts.plugin_dirs);
    return status;
}
