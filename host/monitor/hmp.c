/*
 * hmp.c - the human monitor (HMP; docs/monitor.md, "Human monitor"): a
 * command line in, readable text out, over the same operations as QMP.
 * Used by --monitor stdio, the console's Ctrl-A c, QMP's
 * human-monitor-command and the gdbstub's "monitor" command.  Output
 * lines end in "\n" (QMP turns them into "\r\n" as QEMU sends them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/monitor-internal.h"
#include "monitor/monitor.h"
#include "snapshot/snapshot.h"

static const char hmp_help[] =
    "cont|c                  resume emulation\n"
    "device_reload ID [FILE] hot-reload a device's plugin (docs/hot-reload.md)\n"
    "help|?                  this text\n"
    "info status             the run state\n"
    "info registers          the current hart's registers\n"
    "info cpus               the harts\n"
    "info mtree              the memory tree and flat view\n"
    "info qtree              the devices\n"
    "loadvm FILE             load a snapshot file (docs/snapshots.md)\n"
    "quit|q                  quit the emulator\n"
    "savevm FILE             save the VM to a snapshot file\n"
    "stop                    stop emulation\n"
    "system_powerdown        ask the guest to power down\n"
    "system_reset            reset the system\n"
    "x /fmt addr             virtual memory dump (fmt: count, x/d/u, b/h/w/g)\n"
    "xp /fmt addr            physical memory dump\n";

void monitor_dump_registers(BbCpu *cpu, GString *out)
{
    unsigned n;
    const BbCpuRegInfo *regs = bb_cpu_get_registers(cpu, &n);
    const char *group = NULL;
    unsigned col = 0;

    g_string_append_printf(out, "CPU#%d\n", bb_cpu_get_index(cpu));
    for (unsigned i = 0; i < n; i++) {
        uint64_t v;
        if (!bb_cpu_read_register(cpu, regs[i].regno, &v)) {
            continue;
        }
        if (g_strcmp0(group, regs[i].group)) {
            if (col) {
                g_string_append_c(out, '\n');
            }
            col = 0;
            group = regs[i].group;
        }
        g_string_append_printf(out, " %-9s %016" G_GINT64_MODIFIER "x",
                               regs[i].name, v);
        if (++col == 4) {
            g_string_append_c(out, '\n');
            col = 0;
        }
    }
    if (col) {
        g_string_append_c(out, '\n');
    }
}

/* x/xp: "/fmt" with count, format (x, d, u; i is not supported), size
 * (b, h, w, g); QEMU's defaults are 1, x and w. */
static void hmp_memory_dump(BbSystem *sys, BbCpu *cpu, const char *args,
                            bool physical, GString *out)
{
    unsigned long count = 1;
    char fmt = 'x';
    unsigned size = 4;
    const char *p = args;
    char *end;
    uint64_t addr;

    while (*p == ' ') {
        p++;
    }
    if (*p == '/') {
        p++;
        if (g_ascii_isdigit(*p)) {
            count = strtoul(p, &end, 10);
            p = end;
        }
        for (; *p && *p != ' '; p++) {
            switch (*p) {
            case 'x': case 'd': case 'u':
                fmt = *p;
                break;
            case 'b': size = 1; break;
            case 'h': size = 2; break;
            case 'w': size = 4; break;
            case 'g': size = 8; break;
            default:
                g_string_append_printf(out, "invalid char in format: '%c'\n",
                                       *p);
                return;
            }
        }
    }
    while (*p == ' ') {
        p++;
    }
    errno = 0;
    addr = g_ascii_strtoull(p, &end, 0);
    if (!*p || errno || (*end && *end != ' ')) {
        g_string_append(out, "x/xp: expected an address, e.g. "
                             "x /4xw 0x80000000\n");
        return;
    }
    if (count > 4096) {
        count = 4096; /* a screenful is the point; bounded allocation */
    }
    for (unsigned long i = 0; i < count; i++) {
        uint64_t a = addr + i * size, v = 0;
        uint8_t b[8] = { 0 };
        bool ok;

        if (physical) {
            ok = bb_address_space_read(bb_system_get_address_space(sys), a,
                                       b, size) == BB_MEMTX_OK;
        } else {
            ok = bb_cpu_memory_rw_debug(cpu, a, b, size, false);
        }
        if (!ok) {
            g_string_append_printf(out, "%s%016" G_GINT64_MODIFIER
                                   "x: Cannot access memory\n",
                                   i % (16 / size) ? "\n" : "", a);
            return;
        }
        for (unsigned k = 0; k < size; k++) {
            v |= (uint64_t)b[k] << (8 * k);
        }
        if (i % (16 / size) == 0) {
            g_string_append_printf(out, "%s%016" G_GINT64_MODIFIER "x:",
                                   i ? "\n" : "", a);
        }
        if (fmt == 'x') {
            g_string_append_printf(out, " 0x%0*" G_GINT64_MODIFIER "x",
                                   (int)size * 2, v);
        } else if (fmt == 'u') {
            g_string_append_printf(out, " %" G_GUINT64_FORMAT, v);
        } else {
            int64_t sv = size == 8 ? (int64_t)v
                                   : (int64_t)(v << (64 - 8 * size)) >>
                                         (64 - 8 * size);
            g_string_append_printf(out, " %" G_GINT64_FORMAT, sv);
        }
    }
    g_string_append_c(out, '\n');
}

char *monitor_hmp_execute(BbSystem *sys, const char *cmdline, int cpu_index)
{
    const char *in = cmdline ? cmdline : "";
    /* one byte of room: "x/4xw" becomes "x" "/4xw" below */
    g_autofree char *line = g_malloc0(strlen(in) + 2);
    GString *out = g_string_new(NULL);
    char *rest = line;
    char *word = line;
    BbCpu *cpu = bb_system_get_cpu(sys, cpu_index < 0 ? 0
                                                      : (unsigned)cpu_index);

    strcpy(line, in);
    g_strstrip(line);

    while (*rest && *rest != ' ' && *rest != '/') {
        rest++;
    }
    if (*rest == ' ') {
        *rest++ = '\0';
    } else if (*rest == '/') {
        /* "x/4xw addr": the format follows the command without a space */
        memmove(rest + 1, rest, strlen(rest) + 1);
        *rest++ = '\0';
    }
    while (*rest == ' ') {
        rest++;
    }

    if (!*word) {
        /* an empty line does nothing */
    } else if (!strcmp(word, "help") || !strcmp(word, "?")) {
        g_string_append(out, hmp_help);
    } else if (!strcmp(word, "info") && !strcmp(rest, "status")) {
        g_autofree char *st = monitor_status_text(sys);
        g_string_append_printf(out, "VM status: %s\n", st);
    } else if (!strcmp(word, "info") && !strcmp(rest, "registers")) {
        if (cpu) {
            monitor_dump_registers(cpu, out);
        } else {
            g_string_append(out, "no CPU\n");
        }
    } else if (!strcmp(word, "info") && !strcmp(rest, "cpus")) {
        for (unsigned i = 0; i < bb_system_get_cpu_count(sys); i++) {
            BbCpu *c = bb_system_get_cpu(sys, i);
            uint64_t pc = 0;
            const BbCpuRegInfo *r = bb_cpu_find_register(c, "pc");
            if (r) {
                bb_cpu_read_register(c, r->regno, &pc);
            }
            g_autofree char *path = bb_object_get_canonical_path(
                BB_OBJECT(c));
            g_string_append_printf(out, "%c CPU #%u: pc=0x%016"
                                   G_GINT64_MODIFIER "x %s%s\n",
                                   c == cpu ? '*' : ' ', i, pc, path,
                                   c->halted ? " (halted)" : "");
        }
    } else if (!strcmp(word, "info") && !strcmp(rest, "mtree")) {
        monitor_dump_mtree(sys, out);
    } else if (!strcmp(word, "info") && !strcmp(rest, "qtree")) {
        monitor_dump_devices(sys, out);
    } else if (!strcmp(word, "info")) {
        g_string_append_printf(out, "info: unknown item '%s' (status, "
                               "registers, cpus, mtree, qtree)\n", rest);
    } else if (!strcmp(word, "stop")) {
        bb_system_stop(sys, BB_RUN_STATE_PAUSED);
    } else if (!strcmp(word, "cont") || !strcmp(word, "c")) {
        GError *err = NULL;
        if (!bb_system_resume(sys, &err)) {
            g_string_append_printf(out, "Error: %s\n", err->message);
            g_error_free(err);
        }
    } else if (!strcmp(word, "system_reset")) {
        bb_system_request_reset_with_cause(sys,
                                           BB_SHUTDOWN_HOST_MONITOR_RESET);
    } else if (!strcmp(word, "system_powerdown")) {
        bb_system_request_powerdown(sys);
    } else if (!strcmp(word, "quit") || !strcmp(word, "q")) {
        bb_system_request_shutdown(sys, BB_SHUTDOWN_HOST_MONITOR_QUIT, 0);
    } else if (!strcmp(word, "savevm") || !strcmp(word, "loadvm")) {
        GError *err = NULL;
        if (!*rest) {
            g_string_append_printf(out, "%s: needs a FILE\n", word);
        } else if (!qmp_get_file_access()) {
            g_string_append(out, "Error: file access is disabled\n");
        } else if (word[0] == 's' ? !snapshot_save(sys, rest, &err)
                                  : !snapshot_load(sys, rest, &err)) {
            g_string_append_printf(out, "Error: %s\n", err->message);
            g_error_free(err);
        }
    } else if (!strcmp(word, "device_reload")) {
        g_auto(GStrv) args = g_strsplit_set(rest, " \t", 2);
        g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
        GError *err = NULL;
        if (!*rest) {
            g_string_append(out, "device_reload: needs a device ID\n");
        } else if (!monitor_device_reload(args[0],
                                          args[1] && *args[1] ? args[1]
                                                              : NULL,
                                          paths, &err)) {
            g_string_append_printf(out, "Error: %s\n", err->message);
            g_error_free(err);
        } else {
            for (guint i = 0; i < paths->len; i++) {
                g_string_append_printf(out, "reloaded %s\n",
                                       (char *)paths->pdata[i]);
            }
        }
    } else if (!strcmp(word, "x") || !strcmp(word, "xp")) {
        if (!cpu && word[1] != 'p') {
            g_string_append(out, "no CPU\n");
        } else {
            hmp_memory_dump(sys, cpu, rest, word[1] == 'p', out);
        }
    } else {
        g_string_append_printf(out, "unknown command: '%s'\n", word);
    }
    return g_string_free(out, false);
}
