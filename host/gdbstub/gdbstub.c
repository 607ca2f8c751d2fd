/*
 * gdbstub.c - the GDB remote serial protocol server (gdbstub.h), as
 * gdb-multiarch 13 speaks it (GDB manual, appendix "Remote Protocol";
 * the facts the stub relies on are in docs/debugging.md, "Protocol").
 *
 * One debugger at a time talks to the stub through a listening character
 * backend; every packet is handled on the main loop's thread, between
 * time slices.  Harts are threads p1.1, p1.2... in registration order.
 * Resuming ("c", "s", "vCont") sets the system running and leaves a stop
 * reply owed; the reply goes out when the execution loop reports a
 * breakpoint, watchpoint or finished step (the stub then pauses the
 * system), when Ctrl-C arrives, or when something else stops or shuts the
 * system down.  Registers come from the CPU's register table
 * (BbCpuClass.get_registers) and also make the target description;
 * memory goes through the selected hart's debug translation.
 */
#include <stdio.h>
#include <string.h>

#include <breadboard/cpu.h>
#include <breadboard/error.h>

#include "gdbstub/gdb-packet.h"
#include "gdbstub/gdbstub.h"
#include "monitor/monitor.h"
#include "tcg/exec-debug.h"

#define GDB_OUTPUT_LIMIT (1u << 20)  /* replies queued before writes are
                                        short (never, in practice) */
#define GDB_MAX_MEM (GDB_PACKET_SIZE / 2) /* bytes per m reply */

struct Gdbstub {
    BbSystem *sys;
    ExecDebug *dbg;
    BbChardev *chr;
    GdbParser parser;
    GString *last;            /* the last packet sent, for a "-" */
    GString *xml;             /* target.xml, made on first request */
    GHashTable *hw_bps;       /* pcs inserted with Z1 (for hwbreak:) */
    guint listener;           /* run-state listener */
    unsigned g_cpu, c_cpu;    /* Hg / Hc hart index */
    bool connected;
    bool no_ack;              /* QStartNoAckMode done */
    bool multiprocess;        /* thread ids as pP.T */
    bool running;             /* resumed by us: a stop reply is owed */
    bool holding;             /* the system is paused by us */
    bool changing;            /* we change the run state ourselves */
};

/* ------------------------------------------------------------ output */

static void gdb_send_raw(Gdbstub *g, const char *buf, size_t len)
{
    if (g->chr && bb_chardev_write(g->chr, buf, len) < len) {
        g_warning("gdbstub: output dropped (the debugger does not read)");
    }
}

static void gdb_send_len(Gdbstub *g, const char *data, size_t len)
{
    g_string_truncate(g->last, 0);
    gdb_frame(g->last, data, len);
    gdb_send_raw(g, g->last->str, g->last->len);
}

static void gdb_send(Gdbstub *g, const char *data)
{
    gdb_send_len(g, data, strlen(data));
}

/* ------------------------------------------------------------ harts */

static unsigned gdb_nharts(Gdbstub *g)
{
    return exec_debug_nharts(g->dbg);
}

static BbCpu *gdb_hart(Gdbstub *g, unsigned i)
{
    return exec_debug_hart(g->dbg, i < gdb_nharts(g) ? i : 0);
}

static void gdb_append_tid(Gdbstub *g, GString *out, unsigned index)
{
    if (g->multiprocess) {
        g_string_append_printf(out, "p01.%02x", index + 1);
    } else {
        g_string_append_printf(out, "%02x", index + 1);
    }
}

/* A thread id: "T", "-1", "0", "pP.T", "pP.-1"... -> *@index (a hart),
 * -1 for all, -2 for any.  False if malformed or unknown. */
static bool gdb_parse_tid(Gdbstub *g, const char **s, int *index)
{
    const char *p = *s;
    uint64_t v;

    if (*p == 'p') {
        p++;
        if (p[0] == '-' && p[1] == '1') {
            p += 2;
        } else if (!gdb_parse_hex(&p, &v)) {
            return false;
        }
        if (*p != '.') {
            *s = p;
            *index = -1; /* the whole process */
            return true;
        }
        p++;
    }
    if (p[0] == '-' && p[1] == '1') {
        *s = p + 2;
        *index = -1;
        return true;
    }
    if (!gdb_parse_hex(&p, &v)) {
        return false;
    }
    *s = p;
    if (v == 0) {
        *index = -2;
        return true;
    }
    if (v > gdb_nharts(g)) {
        return false;
    }
    *index = (int)v - 1;
    return true;
}

static unsigned gdb_hart_index(Gdbstub *g, BbCpu *cpu)
{
    for (unsigned i = 0; i < gdb_nharts(g); i++) {
        if (exec_debug_hart(g->dbg, i) == cpu) {
            return i;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ registers */

/* The table entry of remote register @regnum (GDB numbering), or NULL. */
static const BbCpuRegInfo *gdb_reg(BbCpu *cpu, uint64_t regnum)
{
    unsigned n;
    const BbCpuRegInfo *r = bb_cpu_get_registers(cpu, &n);

    for (unsigned i = 0; i < n; i++) {
        if (r[i].regno == regnum) {
            return &r[i];
        }
    }
    return NULL;
}

static bool gdb_read_reg(BbCpu *cpu, const BbCpuRegInfo *r, GString *out)
{
    uint64_t v = 0;
    uint8_t bytes[8];

    if (!r || !bb_cpu_read_register(cpu, r->regno, &v)) {
        return false;
    }
    for (unsigned i = 0; i < 8; i++) {
        bytes[i] = (uint8_t)(v >> (8 * i)); /* target byte order: LE */
    }
    gdb_hex_encode(out, bytes, MIN(r->bitsize / 8, 8u));
    return true;
}

/* Write register @r from the hex at *@s (its size's worth); advances
 * *@s.  False on bad hex or a refused write. */
static bool gdb_write_reg(BbCpu *cpu, const BbCpuRegInfo *r, const char **s)
{
    uint8_t bytes[8] = { 0 };
    uint64_t v = 0;
    unsigned size;

    if (!r) {
        return false;
    }
    size = MIN(r->bitsize / 8, 8u);
    if (strlen(*s) < size * 2 || !gdb_hex_decode(*s, size * 2, bytes)) {
        return false;
    }
    *s += size * 2;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)bytes[i] << (8 * i);
    }
    return bb_cpu_write_register(cpu, r->regno, v);
}

static uint64_t gdb_get_pc(BbCpu *cpu)
{
    uint64_t pc = 0;

    bb_cpu_read_register(cpu, 32, &pc); /* pc is 32 in GDB's numbering */
    return pc;
}

/* "g": the registers numbered 0, 1, 2... while they exist (the cpu
 * feature: x0-x31 and pc on RISC-V, as QEMU sends); the rest by "p". */
static void gdb_cmd_g(Gdbstub *g)
{
    BbCpu *cpu = gdb_hart(g, g->g_cpu);
    g_autoptr(GString) out = g_string_new(NULL);
    const BbCpuRegInfo *r, *first = gdb_reg(cpu, 0);

    for (unsigned regnum = 0; (r = gdb_reg(cpu, regnum)); regnum++) {
        if (g_strcmp0(r->feature, first->feature)) {
            break; /* only the first feature */
        }
        if (!gdb_read_reg(cpu, r, out)) {
            gdb_send(g, "E14");
            return;
        }
    }
    gdb_send(g, out->str);
}

static void gdb_cmd_G(Gdbstub *g, const char *args)
{
    BbCpu *cpu = gdb_hart(g, g->g_cpu);
    const BbCpuRegInfo *r;

    for (unsigned regnum = 0; *args && (r = gdb_reg(cpu, regnum)); regnum++) {
        if (!gdb_write_reg(cpu, r, &args)) {
            gdb_send(g, "E14");
            return;
        }
    }
    gdb_send(g, "OK");
}

/* ------------------------------------------------------------ memory */

/* "ADDR,LEN" at *@s; advances it. */
static bool gdb_parse_addr_len(const char **s, uint64_t *addr, uint64_t *len)
{
    return gdb_parse_hex(s, addr) && *(*s)++ == ',' && gdb_parse_hex(s, len);
}

static void gdb_cmd_m(Gdbstub *g, const char *args)
{
    uint64_t addr, len;
    g_autofree uint8_t *buf = NULL;
    g_autoptr(GString) out = g_string_new(NULL);

    if (!gdb_parse_addr_len(&args, &addr, &len) || *args ||
        len > GDB_MAX_MEM) {
        gdb_send(g, "E22");
        return;
    }
    buf = g_malloc0(len ? len : 1);
    if (!bb_cpu_memory_rw_debug(gdb_hart(g, g->g_cpu), addr, buf, len,
                                false)) {
        gdb_send(g, "E14");
        return;
    }
    gdb_hex_encode(out, buf, len);
    gdb_send(g, out->str);
}

/* M (hex data) or X (binary data; @data_len is the bytes after ':'). */
static void gdb_cmd_write_mem(Gdbstub *g, const char *args, size_t total,
                              bool binary)
{
    const char *start = args;
    uint64_t addr, len;
    g_autofree uint8_t *buf = NULL;
    size_t avail;

    if (!gdb_parse_addr_len(&args, &addr, &len) || *args++ != ':' ||
        len > GDB_PACKET_SIZE) {
        gdb_send(g, "E22");
        return;
    }
    avail = total - (size_t)(args - start);
    buf = g_malloc0(len ? len : 1);
    if (binary) {
        if (avail != len) {
            gdb_send(g, "E22");
            return;
        }
        memcpy(buf, args, len);
    } else if (avail != len * 2 || !gdb_hex_decode(args, len * 2, buf)) {
        gdb_send(g, "E22");
        return;
    }
    if (len &&
        !bb_cpu_memory_rw_debug(gdb_hart(g, g->g_cpu), addr, buf, len, true)) {
        gdb_send(g, "E14");
        return;
    }
    gdb_send(g, "OK");
}

/* ------------------------------------------------------------ stops */

/* Stop the system for the debugger: @state DEBUG for a breakpoint,
 * watchpoint or step, PAUSED for Ctrl-C and attaching (as QEMU). */
static void gdb_pause(Gdbstub *g, BbRunState state)
{
    g->changing = true;
    if (bb_system_stop(g->sys, state)) {
        g->holding = true;
    }
    g->changing = false;
}

static void gdb_clear_run_flags(Gdbstub *g)
{
    for (unsigned i = 0; i < gdb_nharts(g); i++) {
        exec_debug_set_step(exec_debug_hart(g->dbg, i), false);
        exec_debug_set_frozen(exec_debug_hart(g->dbg, i), false);
    }
}

static void gdb_send_stop(Gdbstub *g, unsigned sig, unsigned index,
                          const char *extra)
{
    g_autoptr(GString) out = g_string_new(NULL);

    g_string_append_printf(out, "T%02xthread:", sig);
    gdb_append_tid(g, out, index);
    g_string_append_c(out, ';');
    if (extra) {
        g_string_append(out, extra);
    }
    gdb_send(g, out->str);
}

/* The execution loop stopped a hart (exec-debug.h). */
static void gdb_on_debug_stop(void *opaque, const ExecDebugStop *stop)
{
    Gdbstub *g = opaque;
    unsigned index = gdb_hart_index(g, stop->cpu);
    g_autofree char *extra = NULL;

    gdb_pause(g, BB_RUN_STATE_DEBUG);
    gdb_clear_run_flags(g);
    g->g_cpu = g->c_cpu = index; /* as QEMU: the stopping hart */
    if (!g->connected) {
        return;
    }
    if (stop->reason == EXEC_STOP_WATCHPOINT) {
        static const char *const names[] = { "", "watch", "rwatch",
                                             "awatch" };
        extra = g_strdup_printf("%s:%016" G_GINT64_MODIFIER "x;",
                                names[stop->kind], stop->addr);
    } else if (stop->reason == EXEC_STOP_BREAKPOINT) {
        uint64_t pc = gdb_get_pc(stop->cpu);
        extra = g_strdup(g_hash_table_contains(g->hw_bps, &pc) ? "hwbreak:;"
                                                               : "swbreak:;");
    }
    g->running = false;
    gdb_send_stop(g, 5, index, extra);
}

/* Anything else changed the run state: a QMP stop, a shutdown... */
static void gdb_on_run_state(void *opaque, BbRunState old, BbRunState now)
{
    Gdbstub *g = opaque;

    if (g->changing) {
        return;
    }
    if (now == BB_RUN_STATE_RUNNING) {
        g->holding = false;
        return;
    }
    if (now == BB_RUN_STATE_SHUTDOWN) {
        if (g->connected) {
            char w[8];
            snprintf(w, sizeof(w), "W%02x",
                     bb_system_get_exit_code(g->sys) & 0xff);
            gdb_send(g, w);
        }
        g->running = false;
        return;
    }
    if (old == BB_RUN_STATE_RUNNING && g->running && g->connected) {
        g->running = false;
        gdb_clear_run_flags(g); /* a later monitor cont runs every hart */
        /* as QEMU: SIGABRT for an internal error, else SIGINT */
        gdb_send_stop(g, now == BB_RUN_STATE_INTERNAL_ERROR ? 6 : 2,
                      g->c_cpu, NULL);
    }
}

/* Resume the system (the harts' step/frozen flags are set): from
 * prelaunch (--wait-gdb), paused or debug. */
static void gdb_resume(Gdbstub *g)
{
    g_autoptr(GError) error = NULL;

    g->changing = true;
    if (!bb_system_resume(g->sys, &error)) {
        char w[8];
        g->changing = false;
        snprintf(w, sizeof(w), "W%02x",
                 bb_system_get_exit_code(g->sys) & 0xff);
        gdb_send(g, w); /* shut down: there is nothing to run */
        return;
    }
    g->changing = false;
    g->running = true;
    g->holding = false;
}

/* ------------------------------------------------------------ run control */

/* An optional "ADDR" resume address: set the pc of hart @index. */
static bool gdb_set_pc(Gdbstub *g, unsigned index, const char *args)
{
    uint64_t addr;

    if (!*args) {
        return true;
    }
    return gdb_parse_hex(&args, &addr) && !*args &&
           bb_cpu_write_register(gdb_hart(g, index), 32, addr);
}

/* c/s/C/S: step hart c_cpu (@step) or not; every other hart runs. */
static void gdb_cmd_continue(Gdbstub *g, const char *args, bool step,
                             bool with_signal)
{
    if (with_signal) {
        uint64_t sig;
        if (!gdb_parse_hex(&args, &sig)) {
            gdb_send(g, "E22");
            return;
        }
        if (*args == ';') {
            args++;
        }
    }
    if (!gdb_set_pc(g, g->c_cpu, args)) {
        gdb_send(g, "E22");
        return;
    }
    gdb_clear_run_flags(g);
    if (step) {
        exec_debug_set_step(gdb_hart(g, g->c_cpu), true);
    }
    gdb_resume(g);
}

/* "vCont;ACTION[:TID];...": each hart takes the first action naming it;
 * harts no action names stay stopped. */
static void gdb_cmd_vcont(Gdbstub *g, const char *args)
{
    unsigned n = gdb_nharts(g);
    g_autofree char *act = g_new0(char, n);
    bool any = false;

    while (*args == ';') {
        char a = *++args;
        int index = -1;

        if (a != 'c' && a != 'C' && a != 's' && a != 'S') {
            gdb_send(g, a == 't' || a == 'r' ? "" : "E22");
            return;
        }
        args++;
        if (a == 'C' || a == 'S') {
            uint64_t sig;
            if (!gdb_parse_hex(&args, &sig)) {
                gdb_send(g, "E22");
                return;
            }
            a = a == 'C' ? 'c' : 's';
        }
        if (*args == ':') {
            args++;
            if (!gdb_parse_tid(g, &args, &index)) {
                gdb_send(g, "E22");
                return;
            }
            if (index == -2) {
                index = 0;
            }
        }
        for (unsigned i = 0; i < n; i++) {
            if (!act[i] && (index < 0 || (unsigned)index == i)) {
                act[i] = a;
            }
        }
    }
    if (*args) {
        gdb_send(g, "E22");
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        BbCpu *cpu = exec_debug_hart(g->dbg, i);
        exec_debug_set_step(cpu, act[i] == 's');
        exec_debug_set_frozen(cpu, !act[i]);
        if (act[i] == 's') {
            g->c_cpu = i;
        }
        any |= act[i] != 0;
    }
    if (!any) {
        gdb_send(g, "E22");
        return;
    }
    gdb_resume(g);
}

/* ------------------------------------------------------------ break/watch */

static void gdb_cmd_z(Gdbstub *g, const char *args, bool insert)
{
    static const ExecWatchKind kinds[] = { 0, 0, EXEC_WATCH_WRITE,
                                           EXEC_WATCH_READ,
                                           EXEC_WATCH_ACCESS };
    uint64_t type, addr, kind;

    if (!gdb_parse_hex(&args, &type) || type > 4) {
        gdb_send(g, ""); /* unsupported type */
        return;
    }
    if (*args++ != ',' || !gdb_parse_addr_len(&args, &addr, &kind) ||
        (*args && *args != ';')) {
        gdb_send(g, "E22");
        return;
    }
    if (type <= 1) {
        if (insert) {
            exec_debug_breakpoint_insert(g->dbg, addr);
            if (type == 1) {
                uint64_t *key = g_new(uint64_t, 1);
                *key = addr;
                g_hash_table_add(g->hw_bps, key);
            } else {
                g_hash_table_remove(g->hw_bps, &addr);
            }
        } else {
            exec_debug_breakpoint_remove(g->dbg, addr);
            g_hash_table_remove(g->hw_bps, &addr);
        }
    } else if (kind == 0) {
        gdb_send(g, "E22");
        return;
    } else if (insert) {
        exec_debug_watchpoint_insert(g->dbg, addr, kind, kinds[type]);
    } else if (!exec_debug_watchpoint_remove(g->dbg, addr, kind,
                                             kinds[type])) {
        gdb_send(g, "E22");
        return;
    }
    gdb_send(g, "OK");
}

/* ------------------------------------------------------------ queries */

/* target.xml from hart 0's register table: one <feature> per run of
 * registers with the same feature, every register numbered. */
static const GString *gdb_target_xml(Gdbstub *g)
{
    BbCpu *cpu = gdb_hart(g, 0);
    unsigned n;
    const BbCpuRegInfo *r = bb_cpu_get_registers(cpu, &n);
    const char *feature = NULL;

    if (g->xml) {
        return g->xml;
    }
    g->xml = g_string_new("<?xml version=\"1.0\"?>"
                          "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
                          "<target version=\"1.0\">"
                          "<architecture>riscv:rv64</architecture>");
    for (unsigned i = 0; i < n; i++) {
        if (!r[i].feature) {
            continue; /* not part of the target description */
        }
        if (!feature || strcmp(feature, r[i].feature)) {
            if (feature) {
                g_string_append(g->xml, "</feature>");
            }
            feature = r[i].feature;
            g_string_append_printf(g->xml, "<feature name=\"%s\">", feature);
        }
        g_string_append_printf(g->xml,
                               "<reg name=\"%s\" bitsize=\"%u\" "
                               "regnum=\"%u\" type=\"%s\"",
                               r[i].name, r[i].bitsize, r[i].regno,
                               r[i].type ? r[i].type : "int");
        if (r[i].group) {
            g_string_append_printf(g->xml, " group=\"%s\"", r[i].group);
        }
        g_string_append(g->xml, "/>");
    }
    if (feature) {
        g_string_append(g->xml, "</feature>");
    }
    g_string_append(g->xml, "</target>");
    return g->xml;
}

/* qXfer:features:read:ANNEX:OFF,LEN */
static void gdb_cmd_qxfer(Gdbstub *g, const char *args)
{
    const char *colon = strchr(args, ':');
    uint64_t off, len;
    const GString *xml;
    g_autoptr(GString) out = g_string_new(NULL);

    if (!colon || strncmp(args, "target.xml", (size_t)(colon - args)) ||
        colon - args != 10) {
        gdb_send(g, "E00");
        return;
    }
    args = colon + 1;
    if (!gdb_parse_addr_len(&args, &off, &len) || *args) {
        gdb_send(g, "E00");
        return;
    }
    xml = gdb_target_xml(g);
    if (off > xml->len) {
        gdb_send(g, "E00");
        return;
    }
    len = MIN(len, (uint64_t)GDB_PACKET_SIZE / 2 - 5); /* room to escape */
    len = MIN(len, xml->len - off);
    g_string_append_c(out, off + len < xml->len ? 'm' : 'l');
    g_string_append_len(out, xml->str + off, (gssize)len);
    gdb_send_len(g, out->str, out->len);
}

static void gdb_cmd_threads(Gdbstub *g)
{
    g_autoptr(GString) out = g_string_new("m");

    for (unsigned i = 0; i < gdb_nharts(g); i++) {
        if (i) {
            g_string_append_c(out, ',');
        }
        gdb_append_tid(g, out, i);
    }
    gdb_send(g, out->str);
}

static void gdb_cmd_thread_extra(Gdbstub *g, const char *args)
{
    int index;
    g_autofree char *text = NULL;
    g_autoptr(GString) out = g_string_new(NULL);

    if (!gdb_parse_tid(g, &args, &index) || index < 0) {
        gdb_send(g, "E22");
        return;
    }
    BbCpu *cpu = gdb_hart(g, (unsigned)index);
    text = g_strdup_printf("hart %u [%s]", cpu->hartid,
                           cpu->halted ? "halted" : "running");
    gdb_hex_encode(out, text, strlen(text));
    gdb_send(g, out->str);
}

/* qRcmd,HEX: a monitor command; its output as O packets, then OK. */
static void gdb_cmd_rcmd(Gdbstub *g, const char *hex)
{
    size_t len = strlen(hex);
    g_autofree char *cmd = g_malloc0(len / 2 + 1);
    g_autofree char *text = NULL;
    size_t text_len;

    if (!gdb_hex_decode(hex, len, (uint8_t *)cmd)) {
        gdb_send(g, "E01");
        return;
    }
    /* the human monitor, on the selected hart */
    text = monitor_hmp_execute(g->sys, cmd, (int)g->g_cpu);
    text_len = strlen(text);
    /* O packets within the packet size: hex doubles the bytes */
    for (size_t off = 0; off < text_len; off += GDB_MAX_MEM - 8) {
        g_autoptr(GString) o = g_string_new("O");
        gdb_hex_encode(o, text + off,
                       MIN(text_len - off, (size_t)GDB_MAX_MEM - 8));
        gdb_send(g, o->str);
    }
    gdb_send(g, "OK");
}

static void gdb_cmd_qsupported(Gdbstub *g, const char *features)
{
    g->multiprocess = strstr(features, "multiprocess+") != NULL;
    gdb_send(g, "PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+;"
                "vContSupported+;QStartNoAckMode+;multiprocess+");
}

static void gdb_cmd_detach(Gdbstub *g)
{
    exec_debug_remove_all(g->dbg);
    g_hash_table_remove_all(g->hw_bps);
    gdb_clear_run_flags(g);
    gdb_send(g, "OK");
    if (g->holding) {
        g->running = false;
        gdb_resume(g);
        g->running = false;
    }
}

/* ------------------------------------------------------------ dispatch */

static void gdb_handle_packet(Gdbstub *g, const char *pkt, size_t len)
{
    const char *a = pkt + 1;
    int index;

    switch (pkt[0]) {
    case '?':
        exec_debug_remove_all(g->dbg); /* a new session starts clean */
        g_hash_table_remove_all(g->hw_bps);
        gdb_pause(g, BB_RUN_STATE_PAUSED);
        g->running = false;
        gdb_send_stop(g, 5, g->c_cpu, NULL);
        return;
    case 'g':
        gdb_cmd_g(g);
        return;
    case 'G':
        gdb_cmd_G(g, a);
        return;
    case 'p': {
        uint64_t regnum;
        g_autoptr(GString) out = g_string_new(NULL);
        BbCpu *cpu = gdb_hart(g, g->g_cpu);
        if (!gdb_parse_hex(&a, &regnum) || *a) {
            gdb_send(g, "E22");
        } else if (!gdb_read_reg(cpu, gdb_reg(cpu, regnum), out)) {
            gdb_send(g, "E14");
        } else {
            gdb_send(g, out->str);
        }
        return;
    }
    case 'P': {
        uint64_t regnum;
        BbCpu *cpu = gdb_hart(g, g->g_cpu);
        if (!gdb_parse_hex(&a, &regnum) || *a++ != '=') {
            gdb_send(g, "E22");
        } else if (!gdb_write_reg(cpu, gdb_reg(cpu, regnum), &a) ||
                   *a) {
            gdb_send(g, "E14");
        } else {
            gdb_send(g, "OK");
        }
        return;
    }
    case 'm':
        gdb_cmd_m(g, a);
        return;
    case 'M':
        gdb_cmd_write_mem(g, a, len - 1, false);
        return;
    case 'X':
        gdb_cmd_write_mem(g, a, len - 1, true);
        return;
    case 'c':
        gdb_cmd_continue(g, a, false, false);
        return;
    case 's':
        gdb_cmd_continue(g, a, true, false);
        return;
    case 'C':
        gdb_cmd_continue(g, a, false, true);
        return;
    case 'S':
        gdb_cmd_continue(g, a, true, true);
        return;
    case 'H':
        if ((*a != 'g' && *a != 'c') || (a++, !gdb_parse_tid(g, &a, &index)) ||
            *a) {
            gdb_send(g, "E22");
            return;
        }
        if (index >= 0 || index == -2) {
            unsigned i = index == -2 ? 0 : (unsigned)index;
            if (pkt[1] == 'g') {
                g->g_cpu = i;
            } else {
                g->c_cpu = i;
            }
        }
        gdb_send(g, "OK");
        return;
    case 'T':
        gdb_send(g, gdb_parse_tid(g, &a, &index) && !*a ? "OK" : "E22");
        return;
    case 'Z':
    case 'z':
        gdb_cmd_z(g, a, pkt[0] == 'Z');
        return;
    case 'D':
        if (g->multiprocess && *a != ';') {
            gdb_send(g, "E22"); /* GDB sends D;PID in multiprocess mode */
            return;
        }
        gdb_cmd_detach(g);
        return;
    case 'k':
        bb_system_request_shutdown(g->sys, BB_SHUTDOWN_HOST_QUIT, 0);
        return; /* no reply */
    case '!':
        gdb_send(g, "OK");
        return;
    case 'q':
        if (g_str_has_prefix(pkt, "qSupported")) {
            gdb_cmd_qsupported(g, pkt);
        } else if (g_str_has_prefix(pkt, "qXfer:features:read:")) {
            gdb_cmd_qxfer(g, pkt + strlen("qXfer:features:read:"));
        } else if (!strcmp(pkt, "qfThreadInfo")) {
            gdb_cmd_threads(g);
        } else if (!strcmp(pkt, "qsThreadInfo")) {
            gdb_send(g, "l");
        } else if (!strcmp(pkt, "qC")) {
            g_autoptr(GString) out = g_string_new("QC");
            gdb_append_tid(g, out, 0); /* as QEMU: the first thread */
            gdb_send(g, out->str);
        } else if (g_str_has_prefix(pkt, "qAttached")) {
            gdb_send(g, "1");
        } else if (g_str_has_prefix(pkt, "qThreadExtraInfo,")) {
            gdb_cmd_thread_extra(g, pkt + strlen("qThreadExtraInfo,"));
        } else if (g_str_has_prefix(pkt, "qRcmd,")) {
            gdb_cmd_rcmd(g, pkt + strlen("qRcmd,"));
        } else {
            gdb_send(g, "");
        }
        return;
    case 'Q':
        if (!strcmp(pkt, "QStartNoAckMode")) {
            gdb_send(g, "OK");
            g->no_ack = true; /* GDB still acks this OK; we ignore acks */
        } else {
            gdb_send(g, "");
        }
        return;
    case 'v':
        if (!strcmp(pkt, "vCont?")) {
            gdb_send(g, "vCont;c;C;s;S");
        } else if (g_str_has_prefix(pkt, "vCont;")) {
            gdb_cmd_vcont(g, pkt + 5);
        } else if (g_str_has_prefix(pkt, "vKill")) {
            gdb_send(g, "OK");
            bb_system_request_shutdown(g->sys, BB_SHUTDOWN_HOST_QUIT, 0);
        } else if (g_str_has_prefix(pkt, "vAttach")) {
            gdb_pause(g, BB_RUN_STATE_PAUSED);
            gdb_send_stop(g, 5, g->c_cpu, NULL);
        } else {
            gdb_send(g, ""); /* vMustReplyEmpty and anything unknown */
        }
        return;
    default:
        gdb_send(g, "");
        return;
    }
}

/* ------------------------------------------------------------ transport */

static void gdb_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Gdbstub *g = opaque;

    for (size_t i = 0; i < len; i++) {
        switch (gdb_parser_feed(&g->parser, buf[i])) {
        case GDB_EVENT_PACKET:
            if (!g->no_ack) {
                gdb_send_raw(g, "+", 1);
            }
            gdb_handle_packet(g, (const char *)g->parser.data->data,
                              g->parser.data->len);
            break;
        case GDB_EVENT_BAD_CHECKSUM:
            if (!g->no_ack) {
                gdb_send_raw(g, "-", 1); /* the debugger sends it again */
            }
            break;
        case GDB_EVENT_OVERSIZED:
            if (!g->no_ack) {
                gdb_send_raw(g, "+", 1); /* a resend would not fit either */
            }
            gdb_send(g, "E22");
            break;
        case GDB_EVENT_NACK:
            if (!g->no_ack && g->last->len) {
                gdb_send_raw(g, g->last->str, g->last->len);
            }
            break;
        case GDB_EVENT_INTERRUPT:
            if (bb_system_get_run_state(g->sys) == BB_RUN_STATE_RUNNING) {
                gdb_pause(g, BB_RUN_STATE_PAUSED);
                gdb_clear_run_flags(g);
                g->running = false;
                gdb_send_stop(g, 2, g->c_cpu, NULL);
            }
            break;
        default:
            break; /* acks and stray bytes */
        }
    }
}

/* The debugger went away without detaching: detach for it, so that a
 * lost connection neither leaves breakpoints behind nor the guest held. */
static void gdb_disconnected(Gdbstub *g)
{
    g->connected = false;
    exec_debug_remove_all(g->dbg);
    g_hash_table_remove_all(g->hw_bps);
    gdb_clear_run_flags(g);
    g->running = false;
    if (g->holding) {
        gdb_resume(g);
        g->running = false;
    }
}

static void gdb_event(void *opaque, BbChardevEvent event)
{
    Gdbstub *g = opaque;

    if (event == BB_CHARDEV_OPENED) {
        g->connected = true;
        g->no_ack = false;
        g->multiprocess = false;
        g->running = false;
        g->g_cpu = g->c_cpu = 0;
        gdb_parser_clear(&g->parser);
        gdb_parser_init(&g->parser);
        g_string_truncate(g->last, 0);
        gdb_pause(g, BB_RUN_STATE_PAUSED); /* as QEMU: attaching stops */
    } else if (event == BB_CHARDEV_CLOSED) {
        gdb_disconnected(g);
    }
}

Gdbstub *gdbstub_new(BbSystem *sys, const char *spec, bool wait,
                     GError **error)
{
    static const BbChardevHandlers handlers = {
        .receive = gdb_receive,
        .event = gdb_event,
    };
    BbChardevOptions opts = { .output_limit = GDB_OUTPUT_LIMIT };
    ExecDebug *dbg = exec_debug_get(sys);
    g_autofree char *chr_spec = NULL;
    Gdbstub *g;

    if (!dbg || exec_debug_nharts(dbg) == 0) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "--gdb: the board has no harts to debug");
        return NULL;
    }
    if (g_str_has_prefix(spec, "tcp::")) {
        chr_spec = g_strconcat("tcp:127.0.0.1:", spec + 5, NULL);
    } else if (g_str_has_prefix(spec, "tcp:") ||
               g_str_has_prefix(spec, "unix:")) {
        chr_spec = g_strdup(spec);
    } else {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "--gdb: '%s' is not tcp:HOST:PORT, tcp::PORT or "
                    "unix:PATH", spec);
        return NULL;
    }
    g = g_new0(Gdbstub, 1);
    g->sys = sys;
    g->dbg = dbg;
    g->last = g_string_new(NULL);
    g->hw_bps = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                      NULL);
    gdb_parser_init(&g->parser);
    g->chr = bb_chardev_new(bb_system_get_main_loop(sys), "gdb", chr_spec,
                            &opts, error);
    if (!g->chr) {
        gdbstub_free(g);
        return NULL;
    }
    exec_debug_set_handler(dbg, gdb_on_debug_stop, g);
    g->listener = bb_system_add_run_state_listener(sys, gdb_on_run_state, g);
    if (wait) {
        bb_system_set_start_paused(sys, true); /* prelaunch until resumed */
    }
    bb_chardev_set_handlers(g->chr, &handlers, g);
    return g;
}

void gdbstub_free(Gdbstub *g)
{
    if (!g) {
        return;
    }
    if (g->listener) {
        bb_system_remove_run_state_listener(g->sys, g->listener);
    }
    if (g->chr) {
        exec_debug_set_handler(g->dbg, NULL, NULL);
        bb_chardev_flush(g->chr, 100);
        bb_chardev_free(g->chr);
    }
    gdb_parser_clear(&g->parser);
    g_string_free(g->last, true);
    if (g->xml) {
        g_string_free(g->xml, true);
    }
    g_hash_table_unref(g->hw_bps);
    g_free(g);
}
