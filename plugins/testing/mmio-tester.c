/*
 * mmio-tester.c - "mmio-tester": a scriptable bus master for device tests,
 * in the spirit of QEMU's qtest.  It reads a script file (property
 * "script") at realize and, after every reset, runs its commands in order
 * on the virtual clock: loads and stores through the system address space
 * exactly as a CPU would, checks of the values read, of its 32 probe IRQ
 * inputs ("probe") and of bus errors, waits, and levels on its 32 IRQ
 * outputs ("drive").  A failed check prints "mmio-tester: FILE:LINE:
 * COMMAND: expected X got Y" and shuts the system down with exit code 1;
 * `end` (or the end of the script) powers it off with exit code 0.
 * `storm` plays a hostile guest: a deterministic pseudo-random sequence of
 * accesses of every size and alignment, drive-line changes and short waits
 * in a window, which checks nothing itself (bus errors are counted) and
 * leaves it to the checks after it, to valgrind and to the sanitizers to
 * catch a device that misbehaves.  The syntax is described in
 * docs/device-tests.md.  Shipped and installed with the other plugins so
 * that out-of-tree device projects can run script tests too
 * (breadboard_add_device_test() in cmake/BreadboardDeviceTest.cmake).
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/breadboard.h>

#define TYPE_MMIO_TESTER "mmio-tester"
#define TESTER_LINES 32

typedef enum {
    OP_WRITE,
    OP_READ,
    OP_READMASK,
    OP_READANY,
    OP_ERROR_READ,
    OP_ERROR_WRITE,
    OP_IRQ,
    OP_WAIT,
    OP_WAIT_IRQ,
    OP_SET,
    OP_ECHO,
    OP_FAIL,
    OP_BOOT,
    OP_END,
    OP_STORM,
    OP_STORM_FOCUS,
    OP_STORM_SKIP,
    OP_UNREALIZE,
} Op;

/* A sub-window a storm aims at more often (storm-focus). */
typedef struct StormFocus {
    uint64_t addr;
    uint64_t len;
} StormFocus;

/* A write a storm must not make (storm-skip): at addr, value & mask. */
typedef struct StormSkip {
    uint64_t addr;
    uint64_t mask;
    uint64_t value;
} StormSkip;

typedef struct Cmd {
    Op op;
    unsigned line;   /* 1-based line in the script */
    uint64_t addr;   /* accesses */
    unsigned size;   /* accesses: 1, 2, 4 or 8 */
    uint64_t value;  /* value written/expected, IRQ level, boot number */
    uint64_t mask;   /* readmask */
    uint64_t ns;     /* wait, wait-irq timeout */
    unsigned n;      /* IRQ line */
    char *source;    /* the command as written, for messages */
    char *text;      /* echo / fail */
    uint64_t count;  /* storm: accesses */
    uint64_t len;    /* storm: window size (addr is its base) */
    GArray *focus;   /* storm: StormFocus inside the window, or NULL */
    GArray *skip;    /* storm: StormSkip declared above it, or NULL */
} Cmd;

/* A storm in progress: it may span several waits. */
typedef struct StormRun {
    bool active;
    uint64_t rng;          /* PRNG state */
    uint64_t reads, writes, skipped, bus_errors, unassigned;
    uint64_t sets, waits, wait_ns;
    uint32_t wired;        /* drive lines that are connected */
    uint32_t moved;        /* drive lines the storm has set */
} StormRun;

typedef struct MmioTester {
    BbDevice parent_obj;
    char *script;          /* path of the script file */
    GArray *cmds;          /* Cmd */
    BbTimer *timer;
    guint pc;              /* next command */
    unsigned boot;         /* runs of the script: 1 after power-on */
    bool waiting;          /* in a wait-irq */
    bool grace;            /* wait-irq timed out once: look again */
    bool done;             /* stopped: end, failure or shutdown */
    StormRun storm;        /* the storm at pc, if active */
} MmioTester;

BB_DECLARE_TYPE(MmioTester, BbDeviceClass, MMIO_TESTER, TYPE_MMIO_TESTER)

/* ------------------------------------------------------------- parsing */

static const char *const op_names[] = {
    [OP_WRITE] = "write",       [OP_READ] = "read",
    [OP_READMASK] = "readmask", [OP_READANY] = "readany",
    [OP_ERROR_READ] = "expect-error", [OP_ERROR_WRITE] = "expect-error",
    [OP_IRQ] = "irq",           [OP_WAIT] = "wait",
    [OP_WAIT_IRQ] = "wait-irq", [OP_SET] = "set",
    [OP_ECHO] = "echo",         [OP_FAIL] = "fail",
    [OP_BOOT] = "boot",         [OP_END] = "end",
    [OP_STORM] = "storm",       [OP_STORM_FOCUS] = "storm-focus",
    [OP_STORM_SKIP] = "storm-skip", [OP_UNREALIZE] = "unrealize",
};

static const char *const op_usage[] = {
    [OP_WRITE] = "ADDR SIZE VALUE",
    [OP_READ] = "ADDR SIZE EXPECT",
    [OP_READMASK] = "ADDR SIZE MASK EXPECT",
    [OP_READANY] = "ADDR SIZE",
    [OP_ERROR_READ] = "read|write ADDR SIZE",
    [OP_ERROR_WRITE] = "read|write ADDR SIZE",
    [OP_IRQ] = "N 0|1",
    [OP_WAIT] = "NS",
    [OP_WAIT_IRQ] = "N 0|1 TIMEOUT_NS",
    [OP_SET] = "N 0|1",
    [OP_BOOT] = "N",
    [OP_END] = "no arguments",
    [OP_STORM] = "SEED COUNT BASE SIZE",
    [OP_STORM_FOCUS] = "ADDR SIZE",
    [OP_STORM_SKIP] = "ADDR MASK VALUE",
    [OP_UNREALIZE] = "ID",
};

typedef struct Parser {
    const char *file;
    unsigned line;
    GError **error;
    GArray *focus;   /* StormFocus declared so far */
    GArray *skip;    /* StormSkip declared so far */
} Parser;

static bool parse_fail(Parser *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool parse_fail(Parser *p, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(p->error, BB_DEVICE_ERROR, BB_ERROR_INVALID, "%s:%u: %s",
                p->file, p->line, msg);
    return false;
}

/* A number: decimal, 0x hex or 0b binary, '_' between digits. */
static bool parse_number(Parser *p, const char *what, const char *tok,
                         uint64_t *out)
{
    g_autoptr(GString) digits = g_string_new(NULL);
    guint base = 10;
    const char *s = tok;
    guint64 v;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s += 2;
    } else if (s[0] == '0' && s[1]) {
        return parse_fail(p, "%s '%s': leading zero (octal is not "
                          "supported; write 0x... or decimal)", what, tok);
    }
    for (; *s; s++) {
        if (*s == '_' && digits->len && s[1] && s[1] != '_') {
            continue;
        }
        g_string_append_c(digits, *s);
    }
    if (!digits->len ||
        !g_ascii_string_to_unsigned(digits->str, base, 0, UINT64_MAX, &v,
                                    NULL)) {
        return parse_fail(p, "%s '%s': expected a number (decimal, 0x hex "
                          "or 0b binary, '_' allowed between digits)",
                          what, tok);
    }
    *out = v;
    return true;
}

static bool parse_size(Parser *p, const char *tok, unsigned *out)
{
    uint64_t v;

    if (!parse_number(p, "SIZE", tok, &v)) {
        return false;
    }
    if (v != 1 && v != 2 && v != 4 && v != 8) {
        return parse_fail(p, "SIZE '%s': expected 1, 2, 4 or 8", tok);
    }
    *out = (unsigned)v;
    return true;
}

static bool parse_fits(Parser *p, const char *what, const char *tok,
                       unsigned size, uint64_t *out)
{
    if (!parse_number(p, what, tok, out)) {
        return false;
    }
    if (size < 8 && *out >> (size * 8)) {
        return parse_fail(p, "%s '%s' does not fit in %u byte%s", what, tok,
                          size, size == 1 ? "" : "s");
    }
    return true;
}

static bool parse_line_no(Parser *p, const char *tok, unsigned *out)
{
    uint64_t v;

    if (!parse_number(p, "N", tok, &v)) {
        return false;
    }
    if (v >= TESTER_LINES) {
        return parse_fail(p, "line '%s': expected 0 to %u", tok,
                          TESTER_LINES - 1);
    }
    *out = (unsigned)v;
    return true;
}

static bool parse_level(Parser *p, const char *tok, uint64_t *out)
{
    if (strcmp(tok, "0") && strcmp(tok, "1")) {
        return parse_fail(p, "level '%s': expected 0 or 1", tok);
    }
    *out = tok[0] == '1';
    return true;
}

/* ADDR SIZE of a window: SIZE at least 1, not past 2^64 - 1. */
static bool parse_window(Parser *p, const char *addr_tok,
                         const char *size_tok, uint64_t *addr,
                         uint64_t *len)
{
    if (!parse_number(p, "ADDR", addr_tok, addr) ||
        !parse_number(p, "SIZE", size_tok, len)) {
        return false;
    }
    if (*len == 0 || *len - 1 > UINT64_MAX - *addr) {
        return parse_fail(p, "window %s + %s: SIZE must be at least 1 and "
                          "the window must end below 2^64", addr_tok,
                          size_tok);
    }
    return true;
}

/* Give storm @c the storm-skip lines above it and the storm-focus
 * windows above it that overlap its window, clipped to it. */
static bool storm_snapshot(Parser *p, Cmd *c)
{
    uint64_t last = c->addr + (c->len - 1);

    c->skip = g_array_copy(p->skip);
    c->focus = g_array_new(false, false, sizeof(StormFocus));
    for (guint i = 0; i < p->focus->len; i++) {
        StormFocus f = g_array_index(p->focus, StormFocus, i);
        uint64_t f_last = f.addr + (f.len - 1);
        uint64_t lo = MAX(f.addr, c->addr), hi = MIN(f_last, last);

        if (lo <= hi) {
            f.addr = lo;
            f.len = hi - lo + 1;
            g_array_append_val(c->focus, f);
        }
    }
    return true;
}

static bool parse_args(Parser *p, Cmd *c, char **arg, unsigned argc)
{
    static const unsigned want[] = {
        [OP_WRITE] = 3, [OP_READ] = 3, [OP_READMASK] = 4, [OP_READANY] = 2,
        [OP_ERROR_READ] = 3, [OP_ERROR_WRITE] = 3, [OP_IRQ] = 2, [OP_WAIT] = 1,
        [OP_WAIT_IRQ] = 3, [OP_SET] = 2, [OP_BOOT] = 1, [OP_END] = 0,
        [OP_STORM] = 4, [OP_STORM_FOCUS] = 2, [OP_STORM_SKIP] = 3,
        [OP_UNREALIZE] = 1,
    };

    if (argc != want[c->op]) {
        return parse_fail(p, "'%s' takes %u argument%s (%s), got %u",
                          op_names[c->op], want[c->op],
                          want[c->op] == 1 ? "" : "s", op_usage[c->op],
                          argc);
    }
    switch (c->op) {
    case OP_WRITE:
        return parse_number(p, "ADDR", arg[0], &c->addr) &&
               parse_size(p, arg[1], &c->size) &&
               parse_fits(p, "VALUE", arg[2], c->size, &c->value);
    case OP_READ:
        return parse_number(p, "ADDR", arg[0], &c->addr) &&
               parse_size(p, arg[1], &c->size) &&
               parse_fits(p, "EXPECT", arg[2], c->size, &c->value);
    case OP_READMASK:
        if (!parse_number(p, "ADDR", arg[0], &c->addr) ||
            !parse_size(p, arg[1], &c->size) ||
            !parse_fits(p, "MASK", arg[2], c->size, &c->mask) ||
            !parse_fits(p, "EXPECT", arg[3], c->size, &c->value)) {
            return false;
        }
        if (c->value & ~c->mask) {
            return parse_fail(p, "EXPECT '%s' has bits outside MASK '%s': "
                              "the check could never pass", arg[3], arg[2]);
        }
        return true;
    case OP_READANY:
    case OP_ERROR_READ:
    case OP_ERROR_WRITE:
        return parse_number(p, "ADDR", arg[argc - 2], &c->addr) &&
               parse_size(p, arg[argc - 1], &c->size);
    case OP_IRQ:
    case OP_SET:
        return parse_line_no(p, arg[0], &c->n) &&
               parse_level(p, arg[1], &c->value);
    case OP_WAIT:
        return parse_number(p, "NS", arg[0], &c->ns);
    case OP_WAIT_IRQ:
        return parse_line_no(p, arg[0], &c->n) &&
               parse_level(p, arg[1], &c->value) &&
               parse_number(p, "TIMEOUT_NS", arg[2], &c->ns);
    case OP_UNREALIZE:
        c->text = g_strdup(arg[0]);
        return true;
    case OP_BOOT:
        if (!parse_number(p, "N", arg[0], &c->value)) {
            return false;
        }
        if (c->value == 0) {
            return parse_fail(p, "boot '%s': runs are counted from 1",
                              arg[0]);
        }
        return true;
    case OP_STORM:
        return parse_number(p, "SEED", arg[0], &c->value) &&
               parse_number(p, "COUNT", arg[1], &c->count) &&
               parse_window(p, arg[2], arg[3], &c->addr, &c->len) &&
               storm_snapshot(p, c);
    case OP_STORM_FOCUS: {
        StormFocus f;
        if (!parse_window(p, arg[0], arg[1], &f.addr, &f.len)) {
            return false;
        }
        g_array_append_val(p->focus, f);
        return true;
    }
    case OP_STORM_SKIP: {
        StormSkip k;
        if (!parse_number(p, "ADDR", arg[0], &k.addr) ||
            !parse_number(p, "MASK", arg[1], &k.mask) ||
            !parse_number(p, "VALUE", arg[2], &k.value)) {
            return false;
        }
        if (k.value & ~k.mask) {
            return parse_fail(p, "VALUE '%s' has bits outside MASK '%s': "
                              "no write could match", arg[2], arg[1]);
        }
        g_array_append_val(p->skip, k);
        return true;
    }
    default:
        return true;
    }
}

static bool parse_command(Parser *p, const char *line, Cmd *c)
{
    g_autofree char *code = NULL;
    g_auto(GStrv) tok = NULL;
    const char *rest;
    size_t kwlen = strcspn(line, " \t");
    unsigned argc;

    unsigned i;

    memset(c, 0, sizeof(*c));
    c->line = p->line;
    for (i = 0; i < G_N_ELEMENTS(op_names); i++) {
        if (strlen(op_names[i]) == kwlen &&
            !strncmp(line, op_names[i], kwlen)) {
            break;
        }
    }
    if (i == G_N_ELEMENTS(op_names)) {
        return parse_fail(p, "unknown command '%.*s'; expected write, read, "
                          "readmask, readany, expect-error, irq, wait, "
                          "wait-irq, set, echo, fail, boot, end, storm, "
                          "storm-focus, storm-skip or unrealize",
                          (int)kwlen, line);
    }
    c->op = i;
    rest = line + kwlen;
    if (c->op == OP_ECHO || c->op == OP_FAIL) {
        /* The rest of the line verbatim, '#' included. */
        c->text = g_strstrip(g_strdup(rest));
        c->source = g_strdup(op_names[c->op]);
        return true;
    }
    code = g_strdup(line);
    code[strcspn(code, "#")] = '\0';
    g_strstrip(code);
    c->source = g_strdup(code);
    tok = g_strsplit_set(code + kwlen, " \t", -1);
    argc = 0;
    for (char **t = tok; *t; t++) {
        if (**t) {
            tok[argc++] = *t;
        } else {
            g_free(*t);
        }
    }
    tok[argc] = NULL;
    if (c->op == OP_ERROR_READ) {
        if (argc < 1 || (strcmp(tok[0], "read") && strcmp(tok[0], "write"))) {
            return parse_fail(p, "expect-error: expected 'read' or 'write' "
                              "then ADDR SIZE");
        }
        c->op = strcmp(tok[0], "read") ? OP_ERROR_WRITE : OP_ERROR_READ;
    }
    return parse_args(p, c, tok, argc);
}

static void cmd_clear(void *data)
{
    Cmd *c = data;

    g_free(c->source);
    g_free(c->text);
    if (c->focus) {
        g_array_unref(c->focus);
    }
    if (c->skip) {
        g_array_unref(c->skip);
    }
}

static bool tester_parse(MmioTester *s, GError **error)
{
    g_autofree char *contents = NULL;
    g_autoptr(GError) local = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GArray) focus = g_array_new(false, false, sizeof(StormFocus));
    g_autoptr(GArray) skip = g_array_new(false, false, sizeof(StormSkip));
    Parser p = { .file = s->script, .error = error, .focus = focus,
                 .skip = skip };

    if (!g_file_get_contents(s->script, &contents, NULL, &local)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_IO,
                    "cannot read script: %s", local->message);
        return false;
    }
    lines = g_strsplit(contents, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *line = g_strstrip(*l);
        Cmd c;

        p.line++;
        if (!*line || *line == '#') {
            continue;
        }
        if (!parse_command(&p, line, &c)) {
            cmd_clear(&c);
            return false;
        }
        g_array_append_val(s->cmds, c);
    }
    return true;
}

/* ----------------------------------------------------------- execution */

static BbSystem *tester_system(MmioTester *s)
{
    return bb_device_get_system(BB_DEVICE(s));
}

static int64_t tester_now(MmioTester *s)
{
    return bb_clock_get_ns(bb_system_get_timers(tester_system(s)),
                           BB_CLOCK_VIRTUAL);
}

static bool probe_level(MmioTester *s, unsigned n)
{
    return bb_irq_in_get_level(bb_device_get_irq_in(BB_DEVICE(s), "probe",
                                                    n));
}

static const char *memtx_name(BbMemTxResult r)
{
    switch (r) {
    case BB_MEMTX_OK: return "OK";
    case BB_MEMTX_ERROR: return "bus error";
    case BB_MEMTX_DECODE_ERROR: return "decode error (unassigned)";
    default: return "unknown result";
    }
}

static void tester_fail(MmioTester *s, const Cmd *c, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void tester_fail(MmioTester *s, const Cmd *c, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_printerr("mmio-tester: %s:%u: %s: %s\n", s->script, c->line,
               c->source, msg);
    s->done = true;
    bb_system_request_shutdown(tester_system(s), BB_SHUTDOWN_GUEST_FAILURE,
                               1);
}

/* Skip from a `boot` line that is not this run's to the next `boot`. */
static void skip_section(MmioTester *s)
{
    while (++s->pc < s->cmds->len &&
           g_array_index(s->cmds, Cmd, s->pc).op != OP_BOOT) {
    }
}

/* ------------------------------------------------------------- storms */

/* SplitMix64: a small, well-mixed generator; one seed, one sequence. */
static uint64_t storm_next(StormRun *st)
{
    uint64_t z = (st->rng += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A number in [0, n), n >= 1 (the modulo bias does not matter here). */
static uint64_t storm_below(StormRun *st, uint64_t n)
{
    return storm_next(st) % n;
}

/* Where the next access starts: inside the window, aimed at the focus
 * windows, at the two ends, at addresses aligned to a random power of
 * two (register and context boundaries) or anywhere; aligned to the
 * access size three times in four. */
static uint64_t storm_addr(StormRun *st, const Cmd *c, unsigned size)
{
    uint64_t last = c->addr + (c->len - 1);
    uint64_t edge = MIN(c->len, 16);
    uint64_t roll = storm_below(st, 100), a;

    if (roll < 40) {
        if (c->focus->len) {
            const StormFocus *f = &g_array_index(
                c->focus, StormFocus, storm_below(st, c->focus->len));
            a = f->addr + storm_below(st, f->len);
        } else {
            a = c->addr + storm_below(st, c->len);
        }
    } else if (roll < 50) {
        a = c->addr + storm_below(st, edge);
    } else if (roll < 60) {
        a = last - storm_below(st, edge);
    } else {
        unsigned k = (unsigned)storm_below(st, 17);
        a = c->addr + storm_below(st, c->len);
        a &= ~((UINT64_C(1) << k) - 1);
    }
    if (storm_below(st, 4)) {
        a &= ~(uint64_t)(size - 1);
    } else if (size > 1) {
        a = (a & ~(uint64_t)(size - 1)) + 1 + storm_below(st, size - 1);
    }
    return MIN(MAX(a, c->addr), last);
}

/* A value of @size bytes: 0, all-ones, small, one bit or anything. */
static uint64_t storm_value(StormRun *st, unsigned size)
{
    uint64_t roll = storm_below(st, 100), v;

    if (roll < 25) {
        v = 0;
    } else if (roll < 40) {
        v = UINT64_MAX;
    } else if (roll < 65) {
        v = storm_below(st, 16);
    } else if (roll < 75) {
        v = UINT64_C(1) << storm_below(st, size * 8);
    } else {
        v = storm_next(st);
    }
    return size == 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

static bool storm_skipped(const Cmd *c, uint64_t addr, uint64_t value)
{
    for (guint i = 0; i < c->skip->len; i++) {
        const StormSkip *k = &g_array_index(c->skip, StormSkip, i);
        if (addr == k->addr && (value & k->mask) == k->value) {
            return true;
        }
    }
    return false;
}

static void storm_begin(MmioTester *s, const Cmd *c)
{
    StormRun *st = &s->storm;

    memset(st, 0, sizeof(*st));
    st->active = true;
    st->rng = c->value;
    for (unsigned i = 0; i < TESTER_LINES; i++) {
        BbIrqOut *out = bb_device_get_irq_out(BB_DEVICE(s), "drive", i);
        if (bb_irq_out_get_sink_count(out)) {
            st->wired |= 1u << i;
        }
    }
}

/* Print what the storm did; @how says why it ended. */
static void storm_report(MmioTester *s, const Cmd *c, const char *how)
{
    const StormRun *st = &s->storm;

    g_printerr("mmio-tester: %s:%u: %s: %" PRIu64 " accesses (%" PRIu64
               " reads, %" PRIu64 " writes, %" PRIu64 " writes skipped), %"
               PRIu64 " bus errors, %" PRIu64 " unassigned; %" PRIu64
               " sets, %" PRIu64 " waits (%" PRIu64 " ns)%s\n", s->script,
               c->line, c->source, st->reads + st->writes + st->skipped,
               st->reads, st->writes, st->skipped, st->bus_errors,
               st->unassigned, st->sets, st->waits, st->wait_ns, how);
}

static void storm_end(MmioTester *s, const Cmd *c, const char *how)
{
    for (unsigned i = 0; i < TESTER_LINES; i++) {
        if (s->storm.moved & (1u << i)) {
            bb_irq_out_set(bb_device_get_irq_out(BB_DEVICE(s), "drive", i),
                           false);
        }
    }
    storm_report(s, c, how);
    s->storm.active = false;
}

/* One random access, drive-line change or wait.  Return the ns to wait
 * (0: go on at once). */
static uint64_t storm_step(MmioTester *s, const Cmd *c, BbAddressSpace *as)
{
    StormRun *st = &s->storm;
    uint64_t roll = storm_below(st, 1000);
    unsigned size, n;
    uint64_t addr, v = 0;
    BbMemTxResult r;

    if (roll < 30 && st->wired) {
        do {
            n = (unsigned)storm_below(st, TESTER_LINES);
        } while (!(st->wired & (1u << n)));
        BbIrqOut *out = bb_device_get_irq_out(BB_DEVICE(s), "drive", n);
        bb_irq_out_set(out, storm_below(st, 2) ? !bb_irq_out_get(out)
                                               : storm_below(st, 2));
        st->moved |= 1u << n;
        st->sets++;
        return 0;
    }
    if (roll >= 30 && roll < 45) {
        /* Mostly short, sometimes long enough for device timers. */
        uint64_t kind = storm_below(st, 10);
        uint64_t ns = kind < 6 ? 1 + storm_below(st, 100)
                    : kind < 9 ? 1 + storm_below(st, 10000)
                               : 1 + storm_below(st, 1000000);
        st->waits++;
        st->wait_ns += ns;
        return ns;
    }
    size = 1u << storm_below(st, 4);
    addr = storm_addr(st, c, size);
    if (storm_below(st, 2)) {
        r = bb_address_space_load(as, addr, size, &v);
        st->reads++;
    } else {
        v = storm_value(st, size);
        if (storm_skipped(c, addr, v)) {
            st->skipped++;
            return 0;
        }
        r = bb_address_space_store(as, addr, size, v);
        st->writes++;
    }
    if (r == BB_MEMTX_DECODE_ERROR) {
        st->unassigned++;
    } else if (r != BB_MEMTX_OK) {
        st->bus_errors++;
    }
    return 0;
}

/* Run storm @c on from where it stopped.  Return: true when it is over,
 * false when it waits (the timer is armed). */
static bool storm_run(MmioTester *s, const Cmd *c)
{
    BbSystem *sys = tester_system(s);
    BbAddressSpace *as = bb_system_get_address_space(sys);
    StormRun *st = &s->storm;

    if (!st->active) {
        storm_begin(s, c);
    }
    while (st->reads + st->writes + st->skipped < c->count) {
        uint64_t ns = storm_step(s, c, as);

        if (bb_system_get_shutdown_cause(sys) != BB_SHUTDOWN_NONE) {
            storm_end(s, c, ", cut short by a shutdown");
            return true;
        }
        if (ns) {
            bb_timer_mod(s->timer, tester_now(s) + (int64_t)ns);
            return false;
        }
    }
    storm_end(s, c, "");
    return true;
}

/*
 * Run the command at pc.  Return: true to go on with the next one, false
 * to stop for now (a wait armed the timer, or the script is done).
 */
static bool tester_step(MmioTester *s, Cmd *c)
{
    BbAddressSpace *as = bb_system_get_address_space(tester_system(s));
    BbMemTxResult r;
    uint64_t v = 0;

    switch (c->op) {
    case OP_WRITE:
        r = bb_address_space_store(as, c->addr, c->size, c->value);
        if (r != BB_MEMTX_OK) {
            tester_fail(s, c, "expected OK got %s", memtx_name(r));
            return false;
        }
        break;
    case OP_READ:
    case OP_READMASK:
    case OP_READANY:
        r = bb_address_space_load(as, c->addr, c->size, &v);
        if (r != BB_MEMTX_OK) {
            tester_fail(s, c, "expected OK got %s", memtx_name(r));
            return false;
        }
        if (c->op == OP_READ && v != c->value) {
            tester_fail(s, c, "expected 0x%" PRIx64 " got 0x%" PRIx64,
                        c->value, v);
            return false;
        }
        if (c->op == OP_READMASK && (v & c->mask) != c->value) {
            tester_fail(s, c, "expected 0x%" PRIx64 " got 0x%" PRIx64
                        " (0x%" PRIx64 " & mask 0x%" PRIx64 ")", c->value,
                        v & c->mask, v, c->mask);
            return false;
        }
        break;
    case OP_ERROR_READ:
    case OP_ERROR_WRITE:
        r = c->op == OP_ERROR_READ
                ? bb_address_space_load(as, c->addr, c->size, &v)
                : bb_address_space_store(as, c->addr, c->size, 0);
        if (r == BB_MEMTX_OK) {
            tester_fail(s, c, "expected a bus error got OK (0x%" PRIx64 ")",
                        c->op == OP_ERROR_READ ? v : c->value);
            return false;
        }
        break;
    case OP_IRQ:
        if (probe_level(s, c->n) != c->value) {
            tester_fail(s, c, "expected 0x%x got 0x%x", (unsigned)c->value,
                        !c->value);
            return false;
        }
        break;
    case OP_WAIT:
        s->pc++;
        bb_timer_mod(s->timer, tester_now(s) + (int64_t)MIN(c->ns,
                                                            INT64_MAX / 2));
        return false;
    case OP_WAIT_IRQ:
        if (probe_level(s, c->n) == c->value) {
            break;
        }
        s->waiting = true;
        s->grace = false;
        bb_timer_mod(s->timer, tester_now(s) + (int64_t)MIN(c->ns,
                                                            INT64_MAX / 2));
        return false;
    case OP_SET:
        bb_irq_out_set(bb_device_get_irq_out(BB_DEVICE(s), "drive", c->n),
                       c->value);
        break;
    case OP_ECHO:
        g_printerr("%s\n", c->text);
        break;
    case OP_FAIL:
        tester_fail(s, c, "%s", c->text[0] ? c->text : "failed");
        return false;
    case OP_BOOT:
        if (c->value != s->boot) {
            skip_section(s);
            return true;
        }
        break;
    case OP_END:
        s->done = true;
        bb_system_request_shutdown(tester_system(s),
                                   BB_SHUTDOWN_GUEST_POWEROFF, 0);
        return false;
    case OP_STORM:
        if (!storm_run(s, c)) {
            return false;
        }
        break;
    case OP_STORM_FOCUS:
    case OP_STORM_SKIP:
        break; /* declarations: the storms below took them at parsing */
    case OP_UNREALIZE: {
        BbObject *o = bb_object_get_child(
            bb_object_get_parent(BB_OBJECT(s)), c->text);
        if (!o || !bb_object_dynamic_cast(o, BB_TYPE_DEVICE) ||
            o == BB_OBJECT(s)) {
            tester_fail(s, c, "no other device '%s' beside the tester",
                        c->text);
            return false;
        }
        bb_device_unrealize(BB_DEVICE(o));
        break;
    }
    }
    s->pc++;
    return true;
}

static void tester_run(MmioTester *s)
{
    BbSystem *sys = tester_system(s);

    while (!s->done) {
        if (s->pc >= s->cmds->len) {
            s->done = true;
            bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
            return;
        }
        if (!tester_step(s, &g_array_index(s->cmds, Cmd, s->pc))) {
            return;
        }
        /* A device shut the system down: nothing after that runs. */
        if (bb_system_get_shutdown_cause(sys) != BB_SHUTDOWN_NONE) {
            s->done = true;
        }
    }
}

static void tester_timer(void *opaque)
{
    MmioTester *s = opaque;

    if (s->done) {
        return;
    }
    if (s->waiting) {
        Cmd *c = &g_array_index(s->cmds, Cmd, s->pc);

        if (probe_level(s, c->n) != c->value) {
            if (!s->grace) {
                /* Let events due at this same instant run first. */
                s->grace = true;
                bb_timer_mod(s->timer, tester_now(s));
                return;
            }
            tester_fail(s, c, "expected 0x%x got 0x%x after %" PRIu64 " ns",
                        (unsigned)c->value, !c->value, c->ns);
            return;
        }
        s->waiting = false;
        s->pc++;
    }
    tester_run(s);
}

static void tester_probe(void *opaque, unsigned n, bool level)
{
    MmioTester *s = opaque;
    Cmd *c;

    if (!s->waiting || s->done) {
        return;
    }
    c = &g_array_index(s->cmds, Cmd, s->pc);
    if (n == c->n && level == c->value) {
        /* Resume from the timer, not from inside the device raising it. */
        s->waiting = false;
        s->pc++;
        bb_timer_mod(s->timer, tester_now(s));
    }
}

/* ----------------------------------------------------------- life cycle */

static bool tester_realize(BbDevice *dev, GError **error)
{
    MmioTester *s = MMIO_TESTER(dev);
    BbSystem *sys = bb_device_get_system(dev);

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "mmio-tester needs a system");
        return false;
    }
    if (!s->script || !*s->script) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "mmio-tester needs a script: set property 'script' to "
                    "the path of a script file");
        return false;
    }
    s->cmds = g_array_new(false, false, sizeof(Cmd));
    g_array_set_clear_func(s->cmds, cmd_clear);
    if (!tester_parse(s, error) ||
        !bb_device_add_irq_in(dev, "probe", TESTER_LINES, tester_probe, s,
                              error) ||
        !bb_device_add_irq_out(dev, "drive", TESTER_LINES, error)) {
        g_clear_pointer(&s->cmds, g_array_unref);
        return false;
    }
    s->timer = bb_timer_new(bb_system_get_timers(sys), BB_CLOCK_VIRTUAL,
                            tester_timer, s);
    return true;
}

static void tester_unrealize(BbDevice *dev)
{
    MmioTester *s = MMIO_TESTER(dev);

    g_clear_pointer(&s->timer, bb_timer_free);
    g_clear_pointer(&s->cmds, g_array_unref);
}

static void tester_reset(BbDevice *dev)
{
    MmioTester *s = MMIO_TESTER(dev);

    if (s->storm.active && s->pc < s->cmds->len) {
        storm_report(s, &g_array_index(s->cmds, Cmd, s->pc),
                     ", cut short by a reset");
    }
    s->storm.active = false;
    for (unsigned i = 0; i < TESTER_LINES; i++) {
        bb_irq_out_set(bb_device_get_irq_out(dev, "drive", i), false);
    }
    s->boot++;
    s->pc = 0;
    s->waiting = false;
    s->done = false;
    bb_timer_mod(s->timer, tester_now(s));
}

static const BbPropertyInfo tester_props[] = {
    BB_PROP_STRING("script", MmioTester, script, NULL,
                   "path of the test script (docs/device-tests.md)"),
    BB_PROP_END
};

static void tester_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, tester_props);
    dc->realize = tester_realize;
    dc->unrealize = tester_unrealize;
    dc->reset = tester_reset;
}

static const BbTypeInfo mmio_tester_info = {
    .name = TYPE_MMIO_TESTER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(MmioTester),
    .class_init = tester_class_init,
    .description = "scripted MMIO/IRQ bus master for device tests",
};

static bool mmiotest_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &mmio_tester_info, error);
}

BB_PLUGIN_DEFINE("mmiotest", "1.0.0", "MIT",
                 "scripted MMIO/IRQ tester for device tests", mmiotest_init,
                 TYPE_MMIO_TESTER)
