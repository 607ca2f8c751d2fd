/*
 * hmp.c - the human monitor's command interpreter (monitor.h): a line in,
 * text out.
 */
#include <string.h>

#include "monitor/monitor.h"

static Registry *monitor_registry;

void monitor_set_registry(Registry *registry)
{
    monitor_registry = registry;
}

char *monitor_hmp_execute(BbSystem *sys, const char *cmdline, int cpu_index)
{
    g_autofree char *line = g_strstrip(g_strdup(cmdline ? cmdline : ""));

    (void)cpu_index;
    if (!*line) {
        return g_strdup("");
    }
    if (!strcmp(line, "info status")) {
        BbRunState st = bb_system_get_run_state(sys);
        return g_strdup_printf("VM status: %s\n",
                               st == BB_RUN_STATE_RUNNING ? "running"
                                                          : "paused");
    }
    return g_strdup_printf("unknown command: '%s'\n", line);
}
