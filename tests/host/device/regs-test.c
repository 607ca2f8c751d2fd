/*
 * regs-test.c - unit tests of register blocks (regs.h, host/device/
 * regs.c): table validation, reset values, masked writes (read-only bits
 * kept, write-1-to-clear, write-only bits reading 0), read-only and
 * write-only registers, the read / pre-write / post-write hooks, offsets
 * with no register, fields narrower than their register, and accesses
 * through a memory region: narrower and wider than a register, unaligned,
 * big-endian, and sizes the @valid rules refuse; register fields saved
 * and restored by a state table.
 *
 * Guest errors are checked word for word: this program defines its own
 * bb_guest_error(), which takes precedence over the library's (the
 * executable's definition interposes on the library's exported one), so
 * every message the helper logs lands in guest_log whatever -d says.
 */
#include <inttypes.h>

#include "host-test.h"

/* ------------------------------------------------ guest-error capture */

static GString *guest_log;

void bb_guest_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(guest_log, fmt, ap);
    va_end(ap);
    g_string_append_c(guest_log, '\n');
}

/* Fail unless the guest errors logged since the last check are exactly
 * @expected (one per line, "" for none); then forget them. */
#define assert_guest_log(expected)                                            \
    do {                                                                      \
        assert_string_equal(guest_log->str, (expected));                      \
        g_string_truncate(guest_log, 0);                                      \
    } while (0)

/* ------------------------------------------------------- test device */

/*
 * 0x00 CTRL    32 bits, field; bits 31:16 read-only (reset 0x00010000)
 * 0x04 STATUS  32 bits, field; bits 7:0 write-1-to-clear, 31:8 read-only
 * 0x08 KEY     32 bits, field; bits 15:0 write-only
 * 0x0c HALF    16 bits, field; plain
 * 0x0e ID       8 bits, field; read-only (reset 0x5a)
 * 0x0f          (no register)
 * 0x10 COUNT   64 bits, field; read hook adds the number of reads so far
 * 0x18 CMD     32 bits, no field; write-only; post-write records
 * 0x1c FIFO    32 bits, no field; read hook pops; pre-write vetoes
 *              values above 0xff and doubles the others
 * 0x20 NARROW  32 bits, uint8_t field; bits 31:8 read-only
 * 0x24 SR      32 bits, no field; read-only; read hook
 */
typedef struct Dev {
    uint32_t ctrl;
    uint32_t status;
    uint32_t key;
    uint16_t half;
    uint8_t id;
    uint64_t count;
    uint8_t narrow;
    unsigned reads;      /* COUNT read hook calls */
    GString *trace;      /* hook calls */
    uint32_t fifo[4];
    unsigned fifo_len;
    BbRegBlock regs;
} Dev;

static uint64_t count_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Dev *d = opaque;

    d->reads++;
    g_string_append_printf(d->trace, "read %s 0x%" PRIx64 ";", reg->name, v);
    return v + d->reads;
}

static void trace_post(void *opaque, const BbRegInfo *reg, uint64_t old,
                       uint64_t v)
{
    Dev *d = opaque;

    g_string_append_printf(d->trace, "post %s 0x%" PRIx64 "->0x%" PRIx64 ";",
                           reg->name, old, v);
}

static uint64_t fifo_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Dev *d = opaque;

    g_string_append_printf(d->trace, "pop;");
    if (!d->fifo_len) {
        return 0xdead;
    }
    v = d->fifo[0];
    memmove(d->fifo, d->fifo + 1, --d->fifo_len * sizeof(d->fifo[0]));
    return v;
}

static bool fifo_pre(void *opaque, const BbRegInfo *reg, uint64_t *v)
{
    Dev *d = opaque;

    g_string_append_printf(d->trace, "pre %s 0x%" PRIx64 ";", reg->name, *v);
    if (*v > 0xff) {
        return false;
    }
    *v *= 2;
    return true;
}

static void fifo_post(void *opaque, const BbRegInfo *reg, uint64_t old,
                      uint64_t v)
{
    Dev *d = opaque;

    trace_post(opaque, reg, old, v);
    if (d->fifo_len < G_N_ELEMENTS(d->fifo)) {
        d->fifo[d->fifo_len++] = (uint32_t)v;
    }
}

static uint64_t sr_read(void *opaque, const BbRegInfo *reg, uint64_t v)
{
    Dev *d = opaque;

    return d->fifo_len;
}

static const BbRegInfo dev_regs[] = {
    { .name = "CTRL", .addr = 0x00, .size = 4, BB_REG_FIELD(Dev, ctrl),
      .reset = 0x00010000, .ro_mask = 0xffff0000, .post_write = trace_post },
    { .name = "STATUS", .addr = 0x04, .size = 4, BB_REG_FIELD(Dev, status),
      .reset = 0x0000aa00, .ro_mask = 0xffffff00, .w1c_mask = 0xff,
      .post_write = trace_post },
    { .name = "KEY", .addr = 0x08, .size = 4, BB_REG_FIELD(Dev, key),
      .wo_mask = 0xffff },
    { .name = "HALF", .addr = 0x0c, .size = 2, BB_REG_FIELD(Dev, half),
      .reset = 0xbeef },
    { .name = "ID", .addr = 0x0e, .size = 1, BB_REG_FIELD(Dev, id),
      .reset = 0x5a, .ro_mask = BB_REG_ALL },
    { .name = "COUNT", .addr = 0x10, .size = 8, BB_REG_FIELD(Dev, count),
      .read = count_read },
    { .name = "CMD", .addr = 0x18, .size = 4, .wo_mask = BB_REG_ALL,
      .post_write = trace_post },
    { .name = "FIFO", .addr = 0x1c, .size = 4, .read = fifo_read,
      .pre_write = fifo_pre, .post_write = fifo_post },
    { .name = "NARROW", .addr = 0x20, .size = 4, BB_REG_FIELD(Dev, narrow),
      .ro_mask = 0xffffff00 },
    { .name = "SR", .addr = 0x24, .size = 4, .ro_mask = BB_REG_ALL,
      .read = sr_read },
    BB_REG_END
};

static int dev_setup(void **state)
{
    Dev *d = g_new0(Dev, 1);
    GError *err = NULL;

    d->trace = g_string_new(NULL);
    if (!bb_reg_block_init(&d->regs, NULL, dev_regs, BB_ENDIAN_LITTLE, d,
                           &err)) {
        print_error("init: %s\n", err->message);
        return -1;
    }
    memset(&d->ctrl, 0xcc, sizeof(d->ctrl)); /* reset must overwrite it */
    bb_reg_block_reset(&d->regs);
    g_string_truncate(guest_log, 0);
    *state = d;
    return 0;
}

static int dev_teardown(void **state)
{
    Dev *d = *state;

    assert_guest_log(""); /* every test checks all it logged */
    g_string_free(d->trace, true);
    g_free(d);
    return 0;
}

#define assert_trace(d, expected)                                             \
    do {                                                                      \
        assert_string_equal((d)->trace->str, (expected));                     \
        g_string_truncate((d)->trace, 0);                                     \
    } while (0)

static uint64_t rd(Dev *d, uint64_t addr, unsigned size)
{
    return bb_reg_block_read(&d->regs, addr, size);
}

static void wr(Dev *d, uint64_t addr, unsigned size, uint64_t v)
{
    bb_reg_block_write(&d->regs, addr, v, size);
}

/* ----------------------------------------------------------- init */

static void init_table_fields_set(void **state)
{
    Dev *d = *state;

    assert_ptr_equal(d->regs.regs, dev_regs);
    assert_int_equal(d->regs.count, 10);
    assert_int_equal(d->regs.max_size, 8);
    assert_ptr_equal(d->regs.opaque, d);
}

/* Each malformed entry is refused with a message naming it and what is
 * wrong with it. */
static void init_malformed_tables_refused(void **state)
{
    static const struct {
        BbRegInfo regs[3];
        const char *message;
    } cases[] = {
        { { { .name = "A", .addr = 0, .size = 3 } },
          "register table entry 0, 'A' at offset 0x0: its size is not 1, 2, "
          "4 or 8 bytes" },
        { { { .name = "A", .addr = 2, .size = 4 } },
          "register table entry 0, 'A' at offset 0x2: its offset is not a "
          "multiple of its size" },
        { { { .name = "A", .addr = 4, .size = 4 },
            { .name = "B", .addr = 0, .size = 4 } },
          "register table entry 1, 'B' at offset 0x0: it overlaps or "
          "precedes the register before it (the table must be sorted by "
          "offset)" },
        { { { .name = "A", .addr = 0, .size = 8 },
            { .name = "B", .addr = 4, .size = 4 } },
          "entry 1, 'B' at offset 0x4: it overlaps" },
        { { { .name = "A", .size = 2, .field_offset = 0, .field_size = 4 } },
          "'A' at offset 0x0: its field is wider than the register" },
        { { { .name = "A", .size = 8, .field_size = 3 } },
          "'A' at offset 0x0: its field is not 1, 2, 4 or 8 bytes" },
        { { { .name = "A", .size = 4, .field_size = 1, .ro_mask = 0xff00 } },
          "its field is narrower than the register but the bits above the "
          "field are not read-only" },
        { { { .name = "A", .size = 2, .reset = 0x10000 } },
          "its reset value is wider than the register" },
        { { { .name = "A", .size = 4, .field_size = 1,
              .ro_mask = 0xffffff00, .reset = 0x100 } },
          "its reset value does not fit its field" },
        { { { .name = "A", .size = 4, .field_size = 4, .ro_mask = 1,
              .w1c_mask = 3 } },
          "bits are both read-only and write-1-to-clear" },
        { { { .name = "A", .size = 4, .ro_mask = 0x10, .wo_mask = 0x30 } },
          "bits are both read-only and write-only" },
        { { { .name = "A", .size = 4, .w1c_mask = 1 } },
          "it has write-1-to-clear bits but no field to clear them in" },
        { { { .name = "A", .size = 4, .reserved = { (void *)1 } } },
          "its reserved members are not zero" },
        { { { .name = NULL } }, "register table has no registers" },
    };
    Dev d = { 0 };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        assert_false(bb_reg_block_init(&d.regs, NULL, cases[i].regs,
                                       BB_ENDIAN_LITTLE, &d, &err));
        assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
        assert_contains(err->message, cases[i].message);
        g_error_free(err);
    }
}

/* ---------------------------------------------------------- reset */

static void reset_stores_reset_values(void **state)
{
    Dev *d = *state;

    assert_int_equal(d->ctrl, 0x00010000);
    assert_int_equal(d->status, 0xaa00);
    assert_int_equal(d->half, 0xbeef);
    assert_int_equal(d->id, 0x5a);
    d->ctrl = 0x1234;
    d->count = 99;
    bb_reg_block_reset(&d->regs);
    assert_int_equal(d->ctrl, 0x00010000);
    assert_int_equal(d->count, 0);
    assert_trace(d, ""); /* no hooks */
}

/* ------------------------------------------------ masks and hooks */

static void write_plain_register_stored(void **state)
{
    Dev *d = *state;

    wr(d, 0x0c, 2, 0x1234);
    assert_int_equal(d->half, 0x1234);
    assert_int_equal(rd(d, 0x0c, 2), 0x1234);
}

static void write_read_only_bits_kept_and_logged(void **state)
{
    Dev *d = *state;

    /* Writing the read-only half back unchanged (read-modify-write) is
     * fine and silent. */
    wr(d, 0x00, 4, 0x00011234);
    assert_int_equal(d->ctrl, 0x00011234);
    assert_trace(d, "post CTRL 0x10000->0x11234;");
    assert_guest_log("");
    /* Changing it is logged; the writable half still takes the write. */
    wr(d, 0x00, 4, 0xffff5678);
    assert_int_equal(d->ctrl, 0x00015678);
    assert_trace(d, "post CTRL 0x11234->0x15678;");
    assert_guest_log("register block: write of 0xffff5678 to CTRL at offset "
                     "0x0 would change read-only bits 0xfffe0000; they keep "
                     "their value\n");
}

static void write_w1c_bits_clear_on_one(void **state)
{
    Dev *d = *state;

    d->status = 0xaa0f; /* the device set four status bits */
    wr(d, 0x04, 4, 0xaa05);
    assert_int_equal(d->status, 0xaa0a);
    assert_trace(d, "post STATUS 0xaa0f->0xaa0a;");
    wr(d, 0x04, 4, 0xaa00); /* zeros clear nothing */
    assert_int_equal(d->status, 0xaa0a);
    assert_trace(d, "post STATUS 0xaa0a->0xaa0a;");
    assert_guest_log("");
}

static void read_write_only_bits_as_zero(void **state)
{
    Dev *d = *state;

    wr(d, 0x08, 4, 0x12345678);
    assert_int_equal(d->key, 0x12345678);
    assert_int_equal(rd(d, 0x08, 4), 0x12340000);
    assert_guest_log(""); /* partly write-only: reading is fine */
}

static void write_read_only_register_refused(void **state)
{
    Dev *d = *state;

    wr(d, 0x0e, 1, 0x5a); /* even its own value */
    wr(d, 0x24, 4, 7);
    assert_int_equal(d->id, 0x5a);
    assert_trace(d, "");
    assert_guest_log("register block: write of 0x5a to read-only register "
                     "ID at offset 0xe ignored\n"
                     "register block: write of 0x00000007 to read-only "
                     "register SR at offset 0x24 ignored\n");
    assert_int_equal(rd(d, 0x0e, 1), 0x5a);
}

static void read_write_only_register_refused(void **state)
{
    Dev *d = *state;

    assert_int_equal(rd(d, 0x18, 4), 0);
    assert_guest_log("register block: read of write-only register CMD at "
                     "offset 0x18 (reads as 0)\n");
    wr(d, 0x18, 4, 0xc0ffee);
    assert_trace(d, "post CMD 0x0->0xc0ffee;"); /* no field: old is reset */
    assert_guest_log("");
}

static void read_hook_sees_value_and_decides(void **state)
{
    Dev *d = *state;

    d->count = 0x100;
    assert_int_equal(rd(d, 0x10, 8), 0x101);
    assert_int_equal(rd(d, 0x10, 8), 0x102);
    assert_trace(d, "read COUNT 0x100;read COUNT 0x100;");
    assert_int_equal(d->count, 0x100); /* the hook's value is not stored */
    /* A register without a field: the hook alone says what it reads. */
    d->fifo_len = 3;
    assert_int_equal(rd(d, 0x24, 4), 3);
}

static void pre_write_transforms_and_vetoes(void **state)
{
    Dev *d = *state;

    wr(d, 0x1c, 4, 0x21);
    assert_trace(d, "pre FIFO 0x21;post FIFO 0x0->0x42;");
    wr(d, 0x1c, 4, 0x100); /* vetoed: no post-write, nothing pushed */
    assert_trace(d, "pre FIFO 0x100;");
    assert_int_equal(d->fifo_len, 1);
    assert_int_equal(rd(d, 0x1c, 4), 0x42);
    assert_int_equal(rd(d, 0x1c, 4), 0xdead);
    assert_trace(d, "pop;pop;");
}

static void narrow_field_high_bits_read_zero(void **state)
{
    Dev *d = *state;

    wr(d, 0x20, 4, 0xa5);
    assert_int_equal(d->narrow, 0xa5);
    assert_int_equal(rd(d, 0x20, 4), 0xa5);
    wr(d, 0x20, 4, 0x1ff);
    assert_int_equal(d->narrow, 0xff);
    assert_guest_log("register block: write of 0x000001ff to NARROW at "
                     "offset 0x20 would change read-only bits 0x00000100; "
                     "they keep their value\n");
}

/* ------------------------------------------------- unmapped offsets */

static void unmapped_offsets_logged(void **state)
{
    Dev *d = *state;

    assert_int_equal(rd(d, 0x0f, 1), 0);
    wr(d, 0x0f, 1, 0x77);
    assert_int_equal(rd(d, 0x40, 4), 0);
    wr(d, 0x40, 4, 1);
    assert_guest_log(
        "register block: 1-byte read at offset 0xf: no register there "
        "(registers are at 0x0-0x27)\n"
        "register block: 1-byte write of 0x77 at offset 0xf: no register "
        "there (registers are at 0x0-0x27)\n"
        "register block: 4-byte read at offset 0x40: no register there "
        "(registers are at 0x0-0x27)\n"
        "register block: 4-byte write of 0x00000001 at offset 0x40: no "
        "register there (registers are at 0x0-0x27)\n");
    /* Nothing changed (the registers next to the holes included). */
    assert_int_equal(d->ctrl, 0x00010000);
    assert_int_equal(d->half, 0xbeef);
    assert_int_equal(d->id, 0x5a);
    assert_int_equal(d->narrow, 0);
    assert_int_equal(d->reads, 0);
    assert_trace(d, "");
}

/* A chunk covering registers and a hole: the registers take their share,
 * the hole is logged once. */
static void partly_unmapped_access_logged(void **state)
{
    Dev *d = *state;

    /* 0x0c HALF (0xbeef), 0x0e ID (0x5a), 0x0f nothing. */
    assert_int_equal(rd(d, 0x0c, 4), 0x005abeef);
    assert_guest_log("register block: 4-byte read at offset 0xc: 1 of its "
                     "bytes hit no register (registers are at 0x0-0x27); "
                     "they read as 0\n");
    wr(d, 0x0c, 4, 0x005a1234);
    assert_int_equal(d->half, 0x1234);
    assert_guest_log("register block: write of 0x5a to read-only register "
                     "ID at offset 0xe ignored\n"
                     "register block: 4-byte write of 0x005a1234 at offset "
                     "0xc: 1 of its bytes hit no register (registers are at "
                     "0x0-0x27); they are ignored\n");
}

/* ----------------------------------------------- sizes and byte order */

/* A narrow write changes only its bytes; W1C bits of other bytes stay. */
static void narrow_write_merges_with_field(void **state)
{
    Dev *d = *state;

    d->status = 0xaaff;
    wr(d, 0x04, 1, 0x01); /* clears bit 0 */
    assert_int_equal(d->status, 0xaafe);
    assert_trace(d, "post STATUS 0xaaff->0xaafe;");
    wr(d, 0x05, 1, 0xaa); /* the read-only byte, unchanged */
    assert_int_equal(d->status, 0xaafe);
    assert_trace(d, "post STATUS 0xaafe->0xaafe;");
    wr(d, 0x02, 2, 0x0001); /* CTRL's read-only half, unchanged */
    wr(d, 0x00, 2, 0x4321);
    assert_int_equal(d->ctrl, 0x00014321);
    assert_trace(d, "post CTRL 0x10000->0x10000;post CTRL 0x10000->0x14321;");
    assert_guest_log("");
}

/* A register wider than the access: its read hook runs once per access;
 * a partial write merges into the field. */
static void register_wider_than_access(void **state)
{
    Dev *d = *state;

    d->count = 0x1111111122222220;
    assert_int_equal(rd(d, 0x10, 4), 0x22222221);
    assert_int_equal(rd(d, 0x14, 4), 0x11111111);
    assert_int_equal(rd(d, 0x13, 1), 0x22);
    assert_trace(d, "read COUNT 0x1111111122222220;"
                    "read COUNT 0x1111111122222220;"
                    "read COUNT 0x1111111122222220;");
    wr(d, 0x14, 4, 0x33333333);
    assert_int_equal(d->count, 0x3333333322222220);
}

/* One access over several registers: each in ascending order. */
static void access_over_several_registers(void **state)
{
    Dev *d = *state;

    wr(d, 0x00, 8, 0x0000aa0100015555);
    assert_int_equal(d->ctrl, 0x00015555);
    assert_int_equal(d->status, 0xaa00);
    assert_trace(d, "post CTRL 0x10000->0x15555;"
                    "post STATUS 0xaa00->0xaa00;");
    assert_int_equal(rd(d, 0x00, 8), 0x0000aa0000015555);
    /* HALF and ID together (the hole at 0x0f is another test). */
    assert_int_equal(rd(d, 0x0c, 2), 0xbeef);
    assert_int_equal(rd(d, 0x0e, 1), 0x5a);
    assert_guest_log("");
}

/* Register values are plain fields: a state table names them, and what
 * it restores is what the guest reads. */
static void state_table_names_register_fields(void **state)
{
    static const BbStateField fields[] = {
        BB_STATE_U32(Dev, ctrl),
        BB_STATE_U32(Dev, status),
        BB_STATE_U64(Dev, count),
        BB_STATE_END
    };
    static const BbStateDesc desc = { .name = "dev", .version = 1,
                                      .min_version = 1, .fields = fields };
    Dev *d = *state;
    g_autoptr(GByteArray) saved = g_byte_array_new();
    GError *err = NULL;

    wr(d, 0x00, 4, 0x00014444);
    d->status = 0xaa0f;
    wr(d, 0x14, 4, 0x7);
    assert_true(bb_state_save(&desc, d, saved, &err));
    assert_no_error(err);
    bb_reg_block_reset(&d->regs);
    assert_true(bb_state_load(&desc, d, saved->data, saved->len, &err));
    assert_no_error(err);
    assert_int_equal(rd(d, 0x00, 4), 0x00014444);
    assert_int_equal(rd(d, 0x04, 4), 0xaa0f);
    assert_int_equal(d->count, UINT64_C(0x700000000));
}

/* --------------------------------------------- through a memory region */

typedef struct Bus {
    BbMemoryRegion *root;
    BbAddressSpace *as;
} Bus;

static Bus *bus_new(BbMemoryRegion *mr)
{
    Bus *bus = g_new0(Bus, 1);
    GError *err = NULL;

    bus->root = bb_memory_region_new_container(NULL, "root", 0x10000);
    bus->as = bb_address_space_new(bus->root, "as", BB_UNASSIGNED_ERROR);
    assert_true(bb_memory_region_add_subregion(bus->root, 0x1000, mr, &err));
    assert_no_error(err);
    bb_memory_region_unref(mr);
    return bus;
}

static void bus_free(Bus *bus)
{
    bb_address_space_free(bus->as);
    bb_memory_region_unref(bus->root);
    g_free(bus);
}

static uint64_t ld(Bus *bus, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(bb_address_space_load(bus->as, addr, size, &v),
                     BB_MEMTX_OK);
    return v;
}

static void st(Bus *bus, uint64_t addr, unsigned size, uint64_t v)
{
    assert_int_equal(bb_address_space_store(bus->as, addr, size, v),
                     BB_MEMTX_OK);
}

static void region_serves_block(void **state)
{
    Dev *d = *state;
    GError *err = NULL;
    BbMemoryRegion *mr = bb_reg_block_new_region(&d->regs, "dev", 0x100,
                                                 NULL, &err);
    assert_no_error(err);
    assert_int_equal(bb_memory_region_size(mr), 0x100);
    Bus *bus = bus_new(mr);

    st(bus, 0x1000, 4, 0x00012222);
    assert_int_equal(d->ctrl, 0x00012222);
    assert_int_equal(ld(bus, 0x1000, 4), 0x00012222);
    /* Narrow accesses: merged here, not read-modify-written by the core
     * (which would have cleared every set W1C bit of STATUS). */
    d->status = 0xaa03;
    st(bus, 0x1004, 1, 0x01);
    assert_int_equal(d->status, 0xaa02);
    assert_int_equal(ld(bus, 0x1006, 2), 0);
    /* 8-byte COUNT through 4-byte halves. */
    d->count = 0x0102030405060700;
    assert_int_equal(ld(bus, 0x1014, 4), 0x01020304);
    assert_int_equal(d->reads, 1);
    /* Wider than the widest register: NULL @valid allows at most 8. */
    assert_int_equal(bb_address_space_load(bus->as, 0x1000, 8, &(uint64_t){0}),
                     BB_MEMTX_OK);
    /* Past the registers, inside the region: a guest error, reads 0. */
    assert_int_equal(ld(bus, 0x10f0, 4), 0);
    assert_guest_log("register block: 4-byte read at offset 0xf0: no "
                     "register there (registers are at 0x0-0x27)\n");
    bus_free(bus);
}

/* The core enforces @valid (bus errors) and splits what is wider than the
 * widest register it allows through. */
static void region_valid_rules_and_splitting(void **state)
{
    Dev *d = *state;
    GError *err = NULL;
    const BbMemoryAccessRules valid = { .min_access_size = 2,
                                        .max_access_size = 8,
                                        .unaligned = true };
    BbMemoryRegion *mr = bb_reg_block_new_region(&d->regs, "dev", 0x28,
                                                 &valid, &err);
    assert_no_error(err);
    Bus *bus = bus_new(mr);
    uint64_t v = 1;

    assert_int_equal(bb_address_space_load(bus->as, 0x1000, 1, &v),
                     BB_MEMTX_ERROR);
    assert_int_equal(v, 0);
    g_string_truncate(guest_log, 0); /* the core's message, not ours */
    /* Two bytes at 0x0e: ID and the hole.  Two unaligned bytes at 0x0f:
     * the hole and COUNT's lowest byte, in two aligned chunks cut by the
     * core (the read hook runs for the second). */
    d->count = 0x8877;
    assert_int_equal(ld(bus, 0x100e, 2), 0x005a);
    g_string_truncate(guest_log, 0);
    assert_int_equal(ld(bus, 0x100f, 2), 0x7800);
    assert_int_equal(d->reads, 1);
    g_string_truncate(guest_log, 0);
    bus_free(bus);
}

static void region_too_small_refused(void **state)
{
    Dev *d = *state;
    GError *err = NULL;
    const BbMemoryAccessRules bad = { .min_access_size = 4,
                                      .max_access_size = 2 };

    assert_null(bb_reg_block_new_region(&d->regs, "dev", 0x27, NULL, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    assert_string_equal(err->message, "register region 'dev' of 0x27 bytes "
                        "is too small: register SR ends at 0x28");
    g_clear_error(&err);
    assert_null(bb_reg_block_new_region(&d->regs, "dev", 0x28, &bad, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
}

/* Big-endian registers: the bytes of a narrow access are those at its
 * address in big-endian order. */
static void big_endian_block(void **state)
{
    static const BbRegInfo be_regs[] = {
        { .name = "W", .addr = 0, .size = 4, BB_REG_FIELD(Dev, ctrl) },
        BB_REG_END
    };
    Dev d = { 0 };
    GError *err = NULL;

    assert_true(bb_reg_block_init(&d.regs, NULL, be_regs, BB_ENDIAN_BIG, &d,
                                  &err));
    BbMemoryRegion *mr = bb_reg_block_new_region(&d.regs, "be", 4, NULL,
                                                 &err);
    assert_no_error(err);
    Bus *bus = bus_new(mr);

    d.ctrl = 0x11223344;
    assert_int_equal(ld(bus, 0x1000, 1), 0x11);
    assert_int_equal(ld(bus, 0x1003, 1), 0x44);
    assert_int_equal(ld(bus, 0x1002, 2), 0x4433); /* guest is little-endian */
    st(bus, 0x1000, 1, 0xaa);
    assert_int_equal(d.ctrl, 0xaa223344);
    st(bus, 0x1000, 4, 0x04030201); /* bytes 01 02 03 04 in memory */
    assert_int_equal(d.ctrl, 0x01020304);
    bus_free(bus);
}

/* Messages name the owning device by its canonical path. */
static void messages_name_owner(void **state)
{
    static const BbRegInfo one[] = {
        { .name = "R", .addr = 0, .size = 4, .ro_mask = BB_REG_ALL },
        BB_REG_END
    };
    GError *err = NULL;
    BbObject *root = bb_object_new(BB_TYPE_CONTAINER, &err);
    BbObject *obj = bb_object_new(BB_TYPE_CONTAINER, &err);
    BbRegBlock b;

    assert_no_error(err);
    assert_true(bb_reg_block_init(&b, obj, one, BB_ENDIAN_LITTLE, NULL,
                                  &err));
    bb_reg_block_write(&b, 0, 1, 4);
    assert_guest_log("container: write of 0x00000001 to read-only register "
                     "R at offset 0x0 ignored\n");
    assert_true(bb_object_add_child(root, "soc", obj, &err));
    assert_no_error(err);
    bb_reg_block_write(&b, 0, 1, 4);
    assert_guest_log("/soc: write of 0x00000001 to read-only register R at "
                     "offset 0x0 ignored\n");
    bb_object_unref(obj);
    bb_object_unref(root);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, dev_setup, dev_teardown)
    const struct CMUnitTest tests[] = {
        T(init_table_fields_set),
        cmocka_unit_test(init_malformed_tables_refused),
        T(reset_stores_reset_values),
        T(write_plain_register_stored),
        T(write_read_only_bits_kept_and_logged),
        T(write_w1c_bits_clear_on_one),
        T(read_write_only_bits_as_zero),
        T(write_read_only_register_refused),
        T(read_write_only_register_refused),
        T(read_hook_sees_value_and_decides),
        T(pre_write_transforms_and_vetoes),
        T(narrow_field_high_bits_read_zero),
        T(unmapped_offsets_logged),
        T(partly_unmapped_access_logged),
        T(narrow_write_merges_with_field),
        T(register_wider_than_access),
        T(access_over_several_registers),
        T(state_table_names_register_fields),
        T(region_serves_block),
        T(region_valid_rules_and_splitting),
        T(region_too_small_refused),
        cmocka_unit_test(big_endian_block),
        cmocka_unit_test(messages_name_owner),
    };
#undef T
    guest_log = g_string_new(NULL);
    return cmocka_run_group_tests_name("host/device/regs", tests, NULL,
                                       NULL);
}
