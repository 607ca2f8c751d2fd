/*
 * snapshot.c - whole-VM snapshot files (snapshot.h, docs/snapshots.md).
 *
 * A file is a magic string and a list of records, each with a tag, a
 * length and a CRC-32 of both and the payload: the header (format
 * version, board name, a SHA-256 digest of the board's structure), the
 * virtual clock, one record per device or hart that has a state table
 * (its object path, its type, and the section bb_state_save() writes,
 * which carries the table's version), one per RAM/ROM region (its name,
 * size, and its non-zero 4 KiB pages compressed with zstd), and an end
 * record.  Loading parses and checks the whole file against the running
 * VM first - checksums, structure, every device section dry-run against
 * its table, RAM decompressed into buffers - and only then writes: the
 * clock, the devices (a post_load hook can still refuse; the devices
 * already loaded and the clock are then put back from a backup taken
 * just before), and RAM.  So a refused file leaves the VM as it was.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>
#include <glib/gstdio.h>
#include <zstd.h>

#include <breadboard/cpu.h>
#include <breadboard/device.h>
#include <breadboard/error.h>
#include <breadboard/machine.h>
#include <breadboard/memory.h>
#include <breadboard/state.h>
#include <breadboard/system.h>

#include "memory/memory-internal.h"
#include "qom/state-internal.h"
#include "snapshot/snapshot.h"
#include "system/system-internal.h"
#include "tcg/exec.h"
#include "timer/timer-internal.h"

#define SNAP_MAGIC "BBSNAP\r\n"
#define SNAP_MAGIC_LEN 8
#define SNAP_PAGE 4096u
#define SNAP_DIGEST_LEN 32 /* SHA-256 */
#define SNAP_ZSTD_LEVEL 3
#define REC_HEAD_LEN 8     /* tag[4] len:u32 */
#define REC_CRC_LEN 4

#define TAG_HEAD "HEAD"
#define TAG_CLOCK "CLCK"
#define TAG_SCHED "SCHD"
#define TAG_DEV "DEV "
#define TAG_RAM "RAM "
#define TAG_END "END "

/* ------------------------------------------------------------ the VM */

/* A RAM or ROM region of the VM. */
typedef struct SnapRam {
    char *name;       /* owner path ":" region name */
    uint8_t *host;
    uint64_t size;
    bool rom;
} SnapRam;

/* What a snapshot covers of a VM: its devices (machine and harts
 * included) in tree order, and its memory. */
typedef struct SnapVm {
    BbSystem *sys;
    GPtrArray *devices;   /* BbDevice *, realized */
    GArray *ram;          /* SnapRam */
    guint8 digest[SNAP_DIGEST_LEN];
} SnapVm;

static bool collect_device(BbObject *obj, void *opaque)
{
    GPtrArray *devs = opaque;
    BbObject *dev = bb_object_dynamic_cast(obj, BB_TYPE_DEVICE);

    if (dev && bb_device_is_realized(BB_DEVICE(dev))) {
        g_ptr_array_add(devs, dev);
    }
    bb_object_foreach_child(obj, collect_device, opaque);
    return true;
}

static void collect_ram(BbMemoryRegion *mr, uint8_t *host, uint64_t size,
                        bool rom, void *opaque)
{
    GArray *ram = opaque;
    BbObject *owner = memory_region_get_owner(mr);
    g_autofree char *path = owner ? bb_object_get_canonical_path(owner)
                                  : g_strdup("");
    SnapRam r = { g_strdup_printf("%s:%s", path, bb_memory_region_name(mr)),
                  host, size, rom };

    g_array_append_val(ram, r);
}

static void snap_ram_clear(gpointer p)
{
    g_free(((SnapRam *)p)->name);
}

static const BbStateDesc *device_state(BbDevice *dev)
{
    return BB_DEVICE_GET_CLASS(dev)->state;
}

static void snap_vm_init(SnapVm *vm, BbSystem *sys)
{
    BbMachine *machine = system_get_machine(sys);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    gsize dlen = SNAP_DIGEST_LEN;

    vm->sys = sys;
    vm->devices = g_ptr_array_new();
    vm->ram = g_array_new(false, true, sizeof(SnapRam));
    g_array_set_clear_func(vm->ram, snap_ram_clear);
    if (machine) {
        collect_device(BB_OBJECT(machine), vm->devices);
    }
    memory_region_foreach_ram(bb_system_get_memory(sys), collect_ram,
                              vm->ram);
    /* The structure: every device (with state or not) and the memory. */
    for (guint i = 0; i < vm->devices->len; i++) {
        BbObject *o = vm->devices->pdata[i];
        g_autofree char *path = bb_object_get_canonical_path(o);
        g_autofree char *line = g_strdup_printf(
            "dev %s %s\n", path, bb_object_get_type_name(o));
        g_checksum_update(sum, (const guchar *)line, (gssize)strlen(line));
    }
    for (guint i = 0; i < vm->ram->len; i++) {
        SnapRam *r = &g_array_index(vm->ram, SnapRam, i);
        g_autofree char *line = g_strdup_printf(
            "%s %s %" G_GUINT64_FORMAT "\n", r->rom ? "rom" : "ram", r->name,
            r->size);
        g_checksum_update(sum, (const guchar *)line, (gssize)strlen(line));
    }
    g_checksum_get_digest(sum, vm->digest, &dlen);
}

static void snap_vm_clear(SnapVm *vm)
{
    g_ptr_array_unref(vm->devices);
    g_array_unref(vm->ram);
}

/* ------------------------------------------------------------ writing */

static void put_str(GByteArray *out, const char *s)
{
    size_t n = MIN(strlen(s), UINT16_MAX);

    state_put_le(out, n, 2);
    g_byte_array_append(out, (const guint8 *)s, (guint)n);
}

/* Start a record; returns where its length goes. */
static guint rec_begin(GByteArray *out, const char *tag)
{
    g_byte_array_append(out, (const guint8 *)tag, 4);
    state_put_le(out, 0, 4);
    return out->len - REC_HEAD_LEN;
}

static bool rec_end(GByteArray *out, guint start, GError **error)
{
    uint64_t len = out->len - start - REC_HEAD_LEN;

    if (len > UINT32_MAX) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: a record of more than 4 GiB");
        return false;
    }
    for (unsigned i = 0; i < 4; i++) {
        out->data[start + 4 + i] = (guint8)(len >> (8 * i));
    }
    uLong crc = crc32(0L, out->data + start, (uInt)(out->len - start));
    state_put_le(out, crc, 4);
    return true;
}

static bool page_is_zero(const uint8_t *p, size_t n)
{
    return p[0] == 0 && !memcmp(p, p + 1, n - 1);
}

static bool save_ram(GByteArray *out, const SnapRam *r, GError **error)
{
    g_autoptr(GByteArray) raw = g_byte_array_new();
    guint start = rec_begin(out, TAG_RAM);

    for (uint64_t off = 0; off < r->size; off += SNAP_PAGE) {
        size_t n = (size_t)MIN((uint64_t)SNAP_PAGE, r->size - off);
        if (!page_is_zero(r->host + off, n)) {
            state_put_le(raw, off / SNAP_PAGE, 8);
            g_byte_array_append(raw, r->host + off, (guint)n);
        }
    }
    put_str(out, r->name);
    state_put_le(out, r->size, 8);
    state_put_le(out, r->rom, 1);
    state_put_le(out, raw->len, 8);
    size_t bound = ZSTD_compressBound(raw->len);
    guint at = out->len;
    g_byte_array_set_size(out, at + (guint)bound);
    size_t z = ZSTD_compress(out->data + at, bound, raw->data, raw->len,
                             SNAP_ZSTD_LEVEL);
    if (ZSTD_isError(z)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_FAILED,
                    "snapshot: compressing RAM '%s': %s", r->name,
                    ZSTD_getErrorName(z));
        return false;
    }
    g_byte_array_set_size(out, at + (guint)z);
    return rec_end(out, start, error);
}

bool snapshot_save_data(BbSystem *sys, GByteArray *out, GError **error)
{
    SnapVm vm;
    TimerClockState clk;
    guint start;
    bool ok = false;

    snap_vm_init(&vm, sys);
    g_byte_array_append(out, (const guint8 *)SNAP_MAGIC, SNAP_MAGIC_LEN);

    start = rec_begin(out, TAG_HEAD);
    state_put_le(out, SNAPSHOT_FORMAT_VERSION, 4);
    put_str(out, system_get_board_name(sys));
    g_byte_array_append(out, vm.digest, SNAP_DIGEST_LEN);
    if (!rec_end(out, start, error)) {
        goto out;
    }

    timer_context_get_clock(bb_system_get_timers(sys), &clk);
    start = rec_begin(out, TAG_CLOCK);
    state_put_le(out, clk.icount, 1);
    state_put_le(out, clk.shift, 1);
    state_put_le(out, clk.insns, 8);
    state_put_le(out, (uint64_t)clk.warp_ns, 8);
    state_put_le(out, (uint64_t)clk.vbase, 8);
    if (!rec_end(out, start, error)) {
        goto out;
    }

    /* Deterministic mode's hart schedule (exec.h), after the clock. */
    ExecSchedule sched;
    exec_get_schedule(sys, &sched);
    start = rec_begin(out, TAG_SCHED);
    state_put_le(out, sched.turn, 4);
    state_put_le(out, sched.left, 8);
    /* then the harts whose next turn is short: count, indices */
    uint32_t nshort = 0;
    for (unsigned i = 0; i < EXEC_SCHED_MAX_HARTS; i++) {
        nshort += (sched.short_turns[i / 64] >> (i % 64)) & 1;
    }
    state_put_le(out, nshort, 4);
    for (unsigned i = 0; i < EXEC_SCHED_MAX_HARTS; i++) {
        if ((sched.short_turns[i / 64] >> (i % 64)) & 1) {
            state_put_le(out, i, 4);
        }
    }
    if (!rec_end(out, start, error)) {
        goto out;
    }

    for (guint i = 0; i < vm.devices->len; i++) {
        BbDevice *dev = vm.devices->pdata[i];
        const BbStateDesc *desc = device_state(dev);
        if (!desc) {
            continue;
        }
        g_autofree char *path = bb_object_get_canonical_path(BB_OBJECT(dev));
        start = rec_begin(out, TAG_DEV);
        put_str(out, path);
        put_str(out, bb_object_get_type_name(BB_OBJECT(dev)));
        if (!bb_state_save(desc, dev, out, error)) {
            g_prefix_error(error, "snapshot: saving %s: ", path);
            goto out;
        }
        if (!rec_end(out, start, error)) {
            goto out;
        }
    }
    for (guint i = 0; i < vm.ram->len; i++) {
        if (!save_ram(out, &g_array_index(vm.ram, SnapRam, i), error)) {
            goto out;
        }
    }
    start = rec_begin(out, TAG_END);
    ok = rec_end(out, start, error);
out:
    snap_vm_clear(&vm);
    return ok;
}

bool snapshot_save(BbSystem *sys, const char *path, GError **error)
{
    g_autoptr(GByteArray) data = g_byte_array_new();

    if (!snapshot_save_data(sys, data, error)) {
        return false;
    }
    /* g_file_set_contents writes a temporary file and renames it: a
     * crash never leaves half a snapshot under the name. */
    if (!g_file_set_contents(path, (const char *)data->data, data->len,
                             error)) {
        g_prefix_error(error, "snapshot: ");
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ parsing */

typedef struct Rec {
    char tag[5];
    const guint8 *data;
    size_t len;
    size_t offset;    /* of the record in the file */
} Rec;

typedef struct Cursor {
    const guint8 *p;
    size_t left;
} Cursor;

static bool cur_take(Cursor *c, size_t n, const guint8 **out)
{
    if (c->left < n) {
        return false;
    }
    *out = c->p;
    c->p += n;
    c->left -= n;
    return true;
}

static bool cur_u(Cursor *c, unsigned bytes, uint64_t *v)
{
    const guint8 *p;

    if (!cur_take(c, bytes, &p)) {
        return false;
    }
    *v = state_get_le(p, bytes);
    return true;
}

/* A length-prefixed string (g_free), printable. */
static bool cur_str(Cursor *c, char **s)
{
    uint64_t n;
    const guint8 *p;

    if (!cur_u(c, 2, &n) || !cur_take(c, n, &p)) {
        return false;
    }
    *s = g_strndup((const char *)p, n);
    if (strlen(*s) != n || !g_utf8_validate(*s, -1, NULL)) {
        g_free(*s);
        *s = g_strdup("(invalid name)");
    }
    return true;
}

/* Split @data into records, checking the magic, each length and CRC,
 * and that the file ends with the end record. */
static GArray *split_records(const guint8 *data, size_t len, GError **error)
{
    g_autoptr(GArray) recs = g_array_new(false, true, sizeof(Rec));
    size_t pos = SNAP_MAGIC_LEN;

    if (len < SNAP_MAGIC_LEN || memcmp(data, SNAP_MAGIC, SNAP_MAGIC_LEN)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: not a breadboard snapshot (bad magic)");
        return NULL;
    }
    for (;;) {
        Rec r = { { 0 } };
        if (len - pos < REC_HEAD_LEN) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "snapshot: truncated file: record %u at offset %zu "
                        "has no complete header (no end record)",
                        recs->len, pos);
            return NULL;
        }
        memcpy(r.tag, data + pos, 4);
        for (int i = 0; i < 4; i++) {
            if (r.tag[i] < 0x20 || r.tag[i] > 0x7e) {
                r.tag[i] = '?';
            }
        }
        r.len = state_get_le(data + pos + 4, 4);
        r.offset = pos;
        if (len - pos - REC_HEAD_LEN < (uint64_t)r.len + REC_CRC_LEN) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "snapshot: truncated file: record %u ('%s') at "
                        "offset %zu needs %zu bytes, %zu left", recs->len,
                        r.tag, pos, r.len + REC_HEAD_LEN + REC_CRC_LEN,
                        len - pos);
            return NULL;
        }
        r.data = data + pos + REC_HEAD_LEN;
        uLong crc = crc32(0L, data + pos, (uInt)(REC_HEAD_LEN + r.len));
        if (crc != state_get_le(r.data + r.len, 4)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "snapshot: record %u ('%s') at offset %zu is "
                        "corrupted (checksum mismatch)", recs->len, r.tag,
                        pos);
            return NULL;
        }
        pos += REC_HEAD_LEN + r.len + REC_CRC_LEN;
        g_array_append_val(recs, r);
        if (!strcmp(r.tag, TAG_END)) {
            break;
        }
    }
    if (pos != len) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: %zu bytes after the end record", len - pos);
        return NULL;
    }
    return g_steal_pointer(&recs);
}

typedef struct SnapHeader {
    uint32_t version;
    char *board;
    guint8 digest[SNAP_DIGEST_LEN];
} SnapHeader;

static bool parse_header(const GArray *recs, SnapHeader *h, GError **error)
{
    const Rec *r = recs->len ? &g_array_index(recs, Rec, 0) : NULL;
    Cursor c;
    uint64_t v;
    const guint8 *d;

    if (!r || strcmp(r->tag, TAG_HEAD)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: the first record is not the header");
        return false;
    }
    c = (Cursor){ r->data, r->len };
    if (!cur_u(&c, 4, &v)) {
        goto bad;
    }
    h->version = (uint32_t)v;
    if (h->version != SNAPSHOT_FORMAT_VERSION) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_VERSION,
                    "snapshot: header: format version %u is not supported "
                    "(this host reads version %u)", h->version,
                    SNAPSHOT_FORMAT_VERSION);
        return false;
    }
    if (!cur_str(&c, &h->board)) {
        goto bad;
    }
    if (!cur_take(&c, SNAP_DIGEST_LEN, &d) || c.left) {
        goto bad;
    }
    memcpy(h->digest, d, SNAP_DIGEST_LEN);
    return true;
bad:
    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                "snapshot: header: malformed record");
    return false;
}

/* The hart schedule record: turn:u32 left:u64, then (optional: none)
 * n:u32 and the n harts whose next turn is short.  Only its format is
 * checked; exec_check_schedule() checks it against a VM. */
static bool sched_decode(const Rec *r, ExecSchedule *sched, GError **error)
{
    Cursor c = { r->data, r->len };
    uint64_t turn, left, n, hart = 0;

    memset(sched, 0, sizeof(*sched));
    if (!cur_u(&c, 4, &turn) || !cur_u(&c, 8, &left) ||
        (c.left && (!cur_u(&c, 4, &n) || n > EXEC_SCHED_MAX_HARTS ||
                    c.left != n * 4))) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: schedule: malformed record");
        return false;
    }
    while (c.left) {
        if (!cur_u(&c, 4, &hart) || hart >= EXEC_SCHED_MAX_HARTS) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "snapshot: schedule: hart %" G_GUINT64_FORMAT
                        " out of range", hart);
            return false;
        }
        sched->short_turns[hart / 64] |= 1ull << (hart % 64);
    }
    sched->turn = (uint32_t)turn;
    sched->left = left;
    return true;
}

/* ------------------------------------------------------------ info */

static void describe_record(const Rec *r, GString *out)
{
    Cursor c = { r->data, r->len };
    ExecSchedule sched;
    uint64_t a, b, v;
    char *s1 = NULL, *s2 = NULL;

    if (!strcmp(r->tag, TAG_HEAD)) {
        /* printed by the caller */
    } else if (!strcmp(r->tag, TAG_CLOCK) && r->len == 26) {
        cur_u(&c, 1, &a);
        cur_u(&c, 1, &b);
        uint64_t insns, warp, vbase;
        cur_u(&c, 8, &insns);
        cur_u(&c, 8, &warp);
        cur_u(&c, 8, &vbase);
        if (a) {
            g_string_append_printf(out, "clock: deterministic, shift %u, %"
                                   G_GUINT64_FORMAT " instructions, "
                                   "virtual time %" G_GINT64_FORMAT " ns\n",
                                   (unsigned)b, insns,
                                   (int64_t)((insns << b) + warp));
        } else {
            g_string_append_printf(out, "clock: host time, virtual time %"
                                   G_GINT64_FORMAT " ns\n", (int64_t)vbase);
        }
    } else if (!strcmp(r->tag, TAG_SCHED) && sched_decode(r, &sched, NULL)) {
        g_string_append_printf(out, "schedule: hart %u's turn, %"
                               G_GUINT64_FORMAT " instructions of its "
                               "quantum left (0: a full one)",
                               sched.turn, sched.left);
        for (unsigned i = 0, first = 1; i < EXEC_SCHED_MAX_HARTS; i++) {
            if ((sched.short_turns[i / 64] >> (i % 64)) & 1) {
                g_string_append_printf(out, "%s hart %u",
                                       first ? "; next turn short:" : "", i);
                first = 0;
            }
        }
        g_string_append_c(out, '\n');
    } else if (!strcmp(r->tag, TAG_DEV) && cur_str(&c, &s1) &&
               cur_str(&c, &s2)) {
        char *name = NULL;
        uint64_t body = 0;
        if (cur_str(&c, &name) && cur_u(&c, 4, &v) && cur_u(&c, 4, &body)) {
            g_string_append_printf(out, "device %s: type %s, section '%s' "
                                   "version %u, %" G_GUINT64_FORMAT
                                   " bytes\n", s1, s2, name, (unsigned)v,
                                   body);
        } else {
            g_string_append_printf(out, "device %s: type %s, malformed "
                                   "section\n", s1, s2);
        }
        g_free(name);
    } else if (!strcmp(r->tag, TAG_RAM) && cur_str(&c, &s1) &&
               cur_u(&c, 8, &a) && cur_u(&c, 1, &b) && cur_u(&c, 8, &v)) {
        uint64_t pages = v / (8 + SNAP_PAGE);
        g_string_append_printf(out, "%s %s: %" G_GUINT64_FORMAT " bytes, "
                               "%" G_GUINT64_FORMAT " non-zero pages, %zu "
                               "bytes compressed\n", b ? "rom" : "ram", s1,
                               a, pages, c.left);
    } else if (!strcmp(r->tag, TAG_END)) {
        g_string_append(out, "end\n");
    } else {
        g_string_append_printf(out, "record '%s': %zu bytes (malformed or "
                               "unknown)\n", r->tag, r->len);
    }
    g_free(s1);
    g_free(s2);
}

/* Read a snapshot file whole: only a regular file (a FIFO or /dev/zero
 * named by mistake would block or grow without end). */
static bool snap_read_file(const char *path, char **data, gsize *len,
                           GError **error)
{
    GStatBuf st;

    if (g_stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: %s: not a regular file", path);
        return false;
    }
    if (!g_file_get_contents(path, data, len, error)) {
        g_prefix_error(error, "snapshot: ");
        return false;
    }
    return true;
}

bool snapshot_describe(const char *path, GString *out, GError **error)
{
    g_autofree char *data = NULL;
    gsize len;
    SnapHeader h = { 0 };

    if (!snap_read_file(path, &data, &len, error)) {
        return false;
    }
    g_autoptr(GArray) recs = split_records((const guint8 *)data, len, error);
    if (!recs || !parse_header(recs, &h, error)) {
        g_free(h.board);
        return false;
    }
    g_autofree char *digest = g_malloc(2 * SNAP_DIGEST_LEN + 1);
    for (unsigned i = 0; i < SNAP_DIGEST_LEN; i++) {
        g_snprintf(digest + 2 * i, 3, "%02x", h.digest[i]);
    }
    g_string_append_printf(out, "snapshot format %u, board %s, structure "
                           "digest %s\n", h.version, h.board, digest);
    for (guint i = 1; i < recs->len; i++) {
        describe_record(&g_array_index(recs, Rec, i), out);
    }
    g_free(h.board);
    return true;
}

/* ------------------------------------------------------------ loading */

/* A device section of the file matched to a device of the VM. */
typedef struct DevLoad {
    BbDevice *dev;
    const BbStateDesc *desc;
    const guint8 *section;
    size_t len;
} DevLoad;

/* A RAM record matched to a region, decompressed. */
typedef struct RamLoad {
    SnapRam *ram;
    guint8 *raw;      /* page index:u64 + page, repeated */
    size_t raw_len;
} RamLoad;

typedef struct LoadPlan {
    TimerClockState clock;
    ExecSchedule sched;       /* { 0, 0 } when the file has none */
    GArray *devs;     /* DevLoad */
    GArray *rams;     /* RamLoad */
} LoadPlan;

static void ram_load_clear(gpointer p)
{
    g_free(((RamLoad *)p)->raw);
}

static bool parse_clock(const Rec *r, TimerClockState *clk, BbSystem *sys,
                        GError **error)
{
    Cursor c = { r->data, r->len };
    uint64_t icount, shift, insns, warp, vbase;
    TimerClockState now;

    if (!cur_u(&c, 1, &icount) || !cur_u(&c, 1, &shift) ||
        !cur_u(&c, 8, &insns) || !cur_u(&c, 8, &warp) ||
        !cur_u(&c, 8, &vbase) || c.left || icount > 1) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: clock: malformed record");
        return false;
    }
    timer_context_get_clock(bb_system_get_timers(sys), &now);
    if (icount != now.icount || (icount && shift != now.shift)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: clock: saved in %s mode (shift %u), this VM "
                    "runs in %s mode (shift %u): use the same --icount",
                    icount ? "deterministic" : "host-time", (unsigned)shift,
                    now.icount ? "deterministic" : "host-time", now.shift);
        return false;
    }
    *clk = (TimerClockState){ icount != 0, (unsigned)shift, insns,
                              (int64_t)warp, (int64_t)vbase };
    return true;
}

/* The hart schedule; optional (files written before it existed start
 * with hart 0 and a full quantum, as a fresh VM does). */
static bool parse_sched(const Rec *r, ExecSchedule *sched, BbSystem *sys,
                        bool twice, GError **error)
{
    GError *err = NULL;

    if (twice) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: schedule: appears twice");
        return false;
    }
    if (!sched_decode(r, sched, error)) {
        return false;
    }
    if (!exec_check_schedule(sys, sched, &err)) {
        g_propagate_prefixed_error(error, err, "snapshot: schedule: ");
        return false;
    }
    return true;
}

static bool plan_device(LoadPlan *plan, const Rec *r, GHashTable *by_path,
                        GHashTable *done, GError **error)
{
    Cursor c = { r->data, r->len };
    g_autofree char *path = NULL;
    g_autofree char *type = NULL;

    if (!cur_str(&c, &path) || !cur_str(&c, &type)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: device record at offset %zu: malformed",
                    r->offset);
        return false;
    }
    BbDevice *dev = g_hash_table_lookup(by_path, path);
    if (!dev) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                    "snapshot: section %s (%s): extra device: this board "
                    "has no such device", path, type);
        return false;
    }
    const char *have = bb_object_get_type_name(BB_OBJECT(dev));
    if (strcmp(have, type)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: section %s: saved from a %s, this board's "
                    "device is a %s", path, type, have);
        return false;
    }
    const BbStateDesc *desc = device_state(dev);
    if (!desc) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: section %s (%s): this device has no state "
                    "table", path, type);
        return false;
    }
    if (!g_hash_table_add(done, dev)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: section %s appears twice", path);
        return false;
    }
    GError *err = NULL;
    if (!state_load_check(desc, dev, c.p, c.left, &err)) {
        g_propagate_prefixed_error(error, err, "snapshot: section %s: ",
                                   path);
        return false;
    }
    DevLoad d = { dev, desc, c.p, c.left };
    g_array_append_val(plan->devs, d);
    return true;
}

static bool plan_ram(LoadPlan *plan, const Rec *r, SnapVm *vm,
                     GHashTable *done, GError **error)
{
    Cursor c = { r->data, r->len };
    g_autofree char *name = NULL;
    uint64_t size, rom, raw_len;
    SnapRam *ram = NULL;

    if (!cur_str(&c, &name) || !cur_u(&c, 8, &size) || !cur_u(&c, 1, &rom) ||
        !cur_u(&c, 8, &raw_len)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: RAM record at offset %zu: malformed",
                    r->offset);
        return false;
    }
    for (guint i = 0; i < vm->ram->len && !ram; i++) {
        SnapRam *x = &g_array_index(vm->ram, SnapRam, i);
        if (!strcmp(x->name, name)) {
            ram = x;
        }
    }
    if (!ram) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                    "snapshot: RAM %s: this board has no such region", name);
        return false;
    }
    if (ram->size != size) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: RAM %s: saved with %" G_GUINT64_FORMAT
                    " bytes, this board has %" G_GUINT64_FORMAT, name, size,
                    ram->size);
        return false;
    }
    if (!g_hash_table_add(done, ram)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: RAM %s appears twice", name);
        return false;
    }
    /* At most every page once: bounds the buffer before decompressing. */
    uint64_t pages = size / SNAP_PAGE + (size % SNAP_PAGE != 0);
    if (raw_len > pages * (8 + SNAP_PAGE)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: RAM %s: %" G_GUINT64_FORMAT " bytes of pages "
                    "do not fit the region", name, raw_len);
        return false;
    }
    RamLoad rl = { ram, g_malloc(raw_len ? raw_len : 1), raw_len };
    size_t got = ZSTD_decompress(rl.raw, raw_len, c.p, c.left);
    if (ZSTD_isError(got) || got != raw_len) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: RAM %s: compressed pages are corrupted (%s)",
                    name, ZSTD_isError(got) ? ZSTD_getErrorName(got)
                                            : "wrong length");
        g_free(rl.raw);
        return false;
    }
    /* Every page index inside the region, each page whole. */
    for (size_t pos = 0; pos < raw_len;) {
        uint64_t idx = raw_len - pos >= 8 ? state_get_le(rl.raw + pos, 8) : pages;
        size_t n = idx < pages ? (size_t)MIN((uint64_t)SNAP_PAGE,
                                             size - idx * SNAP_PAGE) : 0;
        if (idx >= pages || raw_len - pos - 8 < n) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "snapshot: RAM %s: page list is malformed at byte "
                        "%zu", name, pos);
            g_free(rl.raw);
            return false;
        }
        pos += 8 + n;
    }
    g_array_append_val(plan->rams, rl);
    return true;
}

/* Parse and check everything; fills @plan. */
static bool plan_load(SnapVm *vm, const guint8 *data, size_t len,
                      LoadPlan *plan, GError **error)
{
    g_autoptr(GArray) recs = split_records(data, len, error);
    g_autoptr(GHashTable) by_path = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) done = g_hash_table_new(NULL, NULL);
    SnapHeader h = { 0 };
    bool have_clock = false;
    bool have_sched = false;
    bool ok = false;

    if (!recs || !parse_header(recs, &h, error)) {
        goto out;
    }
    for (guint i = 0; i < vm->devices->len; i++) {
        g_hash_table_insert(by_path,
                            bb_object_get_canonical_path(vm->devices->pdata[i]),
                            vm->devices->pdata[i]);
    }
    for (guint i = 1; i < recs->len; i++) {
        const Rec *r = &g_array_index(recs, Rec, i);
        if (!strcmp(r->tag, TAG_CLOCK)) {
            if (have_clock) {
                g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                            "snapshot: clock: appears twice");
                goto out;
            }
            if (!parse_clock(r, &plan->clock, vm->sys, error)) {
                goto out;
            }
            have_clock = true;
        } else if (!strcmp(r->tag, TAG_SCHED)) {
            if (!parse_sched(r, &plan->sched, vm->sys, have_sched, error)) {
                goto out;
            }
            have_sched = true;
        } else if (!strcmp(r->tag, TAG_DEV)) {
            if (!plan_device(plan, r, by_path, done, error)) {
                goto out;
            }
        } else if (!strcmp(r->tag, TAG_RAM)) {
            if (!plan_ram(plan, r, vm, done, error)) {
                goto out;
            }
        } else if (strcmp(r->tag, TAG_END)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "snapshot: record '%s' at offset %zu: unknown kind",
                        r->tag, r->offset);
            goto out;
        }
    }
    if (!have_clock) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: no clock record");
        goto out;
    }
    for (guint i = 0; i < vm->devices->len; i++) {
        BbDevice *dev = vm->devices->pdata[i];
        if (device_state(dev) && !g_hash_table_contains(done, dev)) {
            g_autofree char *path = bb_object_get_canonical_path(
                BB_OBJECT(dev));
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                        "snapshot: section %s (%s): missing: the snapshot "
                        "has no state for this device", path,
                        bb_object_get_type_name(BB_OBJECT(dev)));
            goto out;
        }
    }
    for (guint i = 0; i < vm->ram->len; i++) {
        SnapRam *r = &g_array_index(vm->ram, SnapRam, i);
        if (!g_hash_table_contains(done, r)) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                        "snapshot: RAM %s: missing from the snapshot",
                        r->name);
            goto out;
        }
    }
    /* Sections matched one to one: a digest mismatch left is a device
     * without state added, removed or retyped, or a region moved. */
    if (memcmp(h.digest, vm->digest, SNAP_DIGEST_LEN)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "snapshot: header: the board's structure differs from "
                    "the one saved (board %s; devices without state or "
                    "memory regions were added, removed or changed)",
                    h.board);
        goto out;
    }
    ok = true;
out:
    g_free(h.board);
    return ok;
}

static void apply_ram(SnapVm *vm, const RamLoad *rl)
{
    SnapRam *ram = rl->ram;

    /* Zero only what is not zero: reading an untouched page of a lazily
     * mapped region costs nothing, writing it would commit it. */
    for (uint64_t off = 0; off < ram->size; off += SNAP_PAGE) {
        size_t n = (size_t)MIN((uint64_t)SNAP_PAGE, ram->size - off);
        if (!page_is_zero(ram->host + off, n)) {
            memset(ram->host + off, 0, n);
        }
    }
    for (size_t pos = 0; pos < rl->raw_len;) {
        uint64_t idx = state_get_le(rl->raw + pos, 8);
        size_t n = (size_t)MIN((uint64_t)SNAP_PAGE,
                               ram->size - idx * SNAP_PAGE);
        memcpy(ram->host + idx * SNAP_PAGE, rl->raw + pos + 8, n);
        pos += 8 + n;
    }
    (void)vm;
}

bool snapshot_load_data(BbSystem *sys, const guint8 *data, size_t len,
                        GError **error)
{
    SnapVm vm;
    LoadPlan plan = { { 0 } };
    BbTimerContext *timers = bb_system_get_timers(sys);
    TimerClockState old_clock;
    bool ok = false;
    bool resume = bb_system_get_run_state(sys) == BB_RUN_STATE_RUNNING;
    GPtrArray *backups = NULL;

    snap_vm_init(&vm, sys);
    plan.devs = g_array_new(false, true, sizeof(DevLoad));
    plan.rams = g_array_new(false, true, sizeof(RamLoad));
    g_array_set_clear_func(plan.rams, ram_load_clear);
    if (!plan_load(&vm, data, len, &plan, error)) {
        goto out;
    }
    if (resume) {
        bb_system_stop(sys, BB_RUN_STATE_PAUSED);
    }
    /* Everything checked.  Keep the devices' current state: a post_load
     * hook may still refuse, and then all go back. */
    backups = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_byte_array_unref);
    for (guint i = 0; i < plan.devs->len; i++) {
        DevLoad *d = &g_array_index(plan.devs, DevLoad, i);
        GByteArray *b = g_byte_array_new();
        g_ptr_array_add(backups, b);
        if (!bb_state_save(d->desc, d->dev, b, error)) {
            g_prefix_error(error, "snapshot: keeping the current state: ");
            goto resume_out;
        }
    }
    timer_context_get_clock(timers, &old_clock);
    /* The clock first: timer deadlines in the sections are absolute. */
    timer_context_set_clock(timers, &plan.clock);
    for (guint i = 0; i < plan.devs->len; i++) {
        DevLoad *d = &g_array_index(plan.devs, DevLoad, i);
        GError *err = NULL;
        if (!bb_state_load(d->desc, d->dev, d->section, d->len, &err)) {
            g_autofree char *path = bb_object_get_canonical_path(
                BB_OBJECT(d->dev));
            g_propagate_prefixed_error(error, err, "snapshot: section %s: ",
                                       path);
            timer_context_set_clock(timers, &old_clock);
            for (guint j = 0; j < i; j++) {
                DevLoad *u = &g_array_index(plan.devs, DevLoad, j);
                GByteArray *b = backups->pdata[j];
                bb_state_load(u->desc, u->dev, b->data, b->len, NULL);
            }
            goto resume_out;
        }
    }
    for (guint i = 0; i < plan.rams->len; i++) {
        apply_ram(&vm, &g_array_index(plan.rams, RamLoad, i));
    }
    exec_set_schedule(sys, &plan.sched);
    /* Code translated from the old RAM is stale. */
    exec_invalidate_phys(sys, 0, UINT64_MAX);
    for (unsigned i = 0; i < bb_system_get_cpu_count(sys); i++) {
        bb_cpu_tlb_flush(bb_system_get_cpu(sys, i));
    }
    ok = true;
resume_out:
    if (resume) {
        bb_system_resume(sys, NULL);
    }
out:
    if (backups) {
        g_ptr_array_unref(backups);
    }
    g_array_unref(plan.devs);
    g_array_unref(plan.rams);
    snap_vm_clear(&vm);
    return ok;
}

bool snapshot_load(BbSystem *sys, const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len;

    if (!snap_read_file(path, &data, &len, error)) {
        return false;
    }
    return snapshot_load_data(sys, (const guint8 *)data, len, error);
}
