/*
 * cmd-plugins.c - `breadboard plugins [--json]`: every plugin file found
 * on the search path, usable or refused, with name, version, ABI, path
 * and types; refused ones with the reason.
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli/cli.h"

static void print_text(Registry *reg)
{
    GPtrArray *plugins = registry_get_plugins(reg);
    g_autofree char *path = registry_search_path_string(reg);
    g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func(g_free);
    int wname = 20, wtypes = 30; /* at least; wider when a cell is */
    unsigned refused = 0;

    for (guint i = 0; i < plugins->len; i++) {
        RegistryPlugin *rp = plugins->pdata[i];
        char *t = rp->refused ? NULL : g_strjoinv(",", rp->types);
        g_ptr_array_add(types, t);
        if (t) {
            wname = MAX(wname, (int)strlen(rp->name));
            wtypes = MAX(wtypes, (int)strlen(t));
        }
    }
    printf("Search path: %s\n\n", path);
    printf("%-*s %-10s %-5s %-*s %s\n", wname, "NAME", "VERSION", "ABI",
           wtypes, "TYPES", "PATH");
    for (guint i = 0; i < plugins->len; i++) {
        RegistryPlugin *rp = plugins->pdata[i];
        if (rp->refused) {
            refused++;
            continue;
        }
        g_autofree char *abi = g_strdup_printf("%u.%u", rp->abi_major,
                                               rp->abi_minor);
        printf("%-*s %-10s %-5s %-*s %s\n", wname, rp->name, rp->version,
               abi, wtypes, (char *)types->pdata[i], rp->path);
    }
    if (refused) {
        printf("\nRefused:\n");
        for (guint i = 0; i < plugins->len; i++) {
            RegistryPlugin *rp = plugins->pdata[i];
            if (rp->refused) {
                printf("  %s\n", rp->refused->message);
            }
        }
    }
}

static void print_json(Registry *reg)
{
    GPtrArray *plugins = registry_get_plugins(reg);
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_array(b);
    for (guint i = 0; i < plugins->len; i++) {
        RegistryPlugin *rp = plugins->pdata[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "path");
        json_builder_add_string_value(b, rp->path);
        json_builder_set_member_name(b, "status");
        json_builder_add_string_value(b, rp->refused ? "refused" : "ok");
        if (rp->name) {
            json_builder_set_member_name(b, "name");
            json_builder_add_string_value(b, rp->name);
        }
        if (rp->refused) {
            json_builder_set_member_name(b, "error");
            json_builder_add_string_value(b, rp->refused->message);
        } else {
            g_autofree char *abi = g_strdup_printf("%u.%u", rp->abi_major,
                                                   rp->abi_minor);
            json_builder_set_member_name(b, "version");
            json_builder_add_string_value(b, rp->version);
            json_builder_set_member_name(b, "abi");
            json_builder_add_string_value(b, abi);
            json_builder_set_member_name(b, "license");
            json_builder_add_string_value(b, rp->license);
            json_builder_set_member_name(b, "description");
            json_builder_add_string_value(b, rp->description);
            json_builder_set_member_name(b, "types");
            json_builder_begin_array(b);
            for (char **t = rp->types; *t; t++) {
                json_builder_add_string_value(b, *t);
            }
            json_builder_end_array(b);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, true);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

int cli_plugins(int argc, char **argv)
{
    CliPluginOptions popts = { 0 };
    gboolean json = false;
    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(
        "- list the plugins found on the search path");
    GError *error = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    cli_add_plugin_options(g_option_context_get_main_group(ctx), &popts);
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        cli_report(error);
        return CLI_EXIT_USAGE;
    }
    if (argc > 1) {
        g_printerr("breadboard: plugins: unexpected argument '%s'\n",
                   argv[1]);
        return CLI_EXIT_USAGE;
    }
    Registry *reg = cli_make_registry(&popts, NULL, NULL);
    if (json) {
        print_json(reg);
    } else {
        print_text(reg);
    }
    registry_free(reg);
    g_strfreev(popts.plugin_dirs);
    return CLI_EXIT_OK;
}
