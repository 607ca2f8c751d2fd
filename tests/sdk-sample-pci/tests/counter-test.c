/*
 * counter-test.c - pci-counter tested from C through configuration
 * space and its BAR only, with the installed device-test API (devtest.h)
 * and cmocka: enumeration through ECAM, BAR sizing and decode, the
 * counter and its compare match on INTA (after the host bridge's
 * swizzle), the INTx-disable and status bits, the DMA copy with and
 * without bus mastering and with bad lengths, MSI into RAM, reset, and
 * a snapshot (the core's configuration space with it) loaded into a
 * fresh instance.
 * The plugin is found through BREADBOARD_PLUGIN_PATH, which
 * breadboard_add_device_test() sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <breadboard/breadboard.h>

/* The board: the installed ECAM host bridge at the riscv-virt addresses,
 * RAM for the DMA, and the device in slot 1 of the root bus. */
static const char board[] =
    "schema: 1\n"
    "name: pci-counter-c\n"
    "ram: {base: 0x8000_0000, size: 64K}\n"
    "devices:\n"
    "  - type: gpex-pcie-host\n"
    "    id: pcie0\n"
    "    reg: [[0x3000_0000, 0x1000_0000], [0x4000_0000, 0x4000_0000],\n"
    "          [0x4_0000_0000, 0x4_0000_0000], [0x0300_0000, 0x1_0000]]\n"
    "  - {type: pci-counter, id: counter, bus: pcie0, slot: 1}\n";

/* Configuration space of 00:01.0 in ECAM: bus << 20 | devfn << 12. */
#define CFG (0x30000000u + (BB_PCI_DEVFN(1, 0) << 12))
#define BAR0 0x40000000u /* where the tests put BAR 0 */
#define RAM 0x80000000u

#define ID (BAR0 + 0x00)
#define COUNT (BAR0 + 0x04)
#define CTRL (BAR0 + 0x08)
#define COMPARE (BAR0 + 0x0c)
#define STATUS (BAR0 + 0x10)
#define DMA_SRC (BAR0 + 0x20)
#define DMA_DST (BAR0 + 0x28)
#define DMA_LEN (BAR0 + 0x30)
#define DMA_CMD (BAR0 + 0x34)

typedef struct Fixture {
    BbDevtest *t;
    int intx; /* probe on the host bridge line INTA of slot 1 reaches */
} Fixture;

static uint64_t rd(Fixture *f, uint64_t addr, unsigned size)
{
    uint64_t v = ~0ull;

    assert_int_equal(bb_devtest_read(f->t, addr, size, &v), BB_MEMTX_OK);
    return v;
}

static void wr(Fixture *f, uint64_t addr, unsigned size, uint64_t v)
{
    assert_int_equal(bb_devtest_write(f->t, addr, size, v), BB_MEMTX_OK);
}

/* The board, with BAR 0 at BAR0 and memory decode and bus mastering on,
 * as firmware leaves a device. */
static Fixture start(void)
{
    GError *err = NULL;
    Fixture f = { bb_devtest_new_from_string(board, "counter-test", NULL,
                                             &err), -1 };

    if (!f.t) {
        fail_msg("%s", err->message);
    }
    /* Slot 1, pin INTA: line (1 + 1 - 1) % 4 = 1 of the root bus. */
    f.intx = bb_devtest_add_probe(f.t, "pcie0:1", &err);
    if (f.intx < 0) {
        fail_msg("%s", err->message);
    }
    wr(&f, CFG + BB_PCI_BASE_ADDRESS_0, 4, BAR0);
    wr(&f, CFG + BB_PCI_COMMAND, 2,
       BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_MASTER);
    return f;
}

static void enumerates_through_ecam(void **state)
{
    Fixture f = start();
    unsigned cap;

    assert_int_equal(rd(&f, CFG + BB_PCI_VENDOR_ID, 4), 0xbb011234);
    assert_int_equal(rd(&f, CFG + BB_PCI_REVISION_ID, 4), 0x00ff0001);
    assert_int_equal(rd(&f, CFG + BB_PCI_HEADER_TYPE, 1), 0);
    assert_int_equal(rd(&f, CFG + BB_PCI_INTERRUPT_PIN, 1), 1);
    wr(&f, CFG + BB_PCI_VENDOR_ID, 4, 0);   /* read-only */
    assert_int_equal(rd(&f, CFG + BB_PCI_VENDOR_ID, 2), 0x1234);
    /* The capability list holds exactly one MSI capability, 64-bit. */
    assert_true(rd(&f, CFG + BB_PCI_STATUS, 2) & BB_PCI_STATUS_CAP_LIST);
    cap = rd(&f, CFG + BB_PCI_CAPABILITY_LIST, 1);
    assert_true(cap >= 0x40 && cap % 4 == 0);
    assert_int_equal(rd(&f, CFG + cap, 1), BB_PCI_CAP_ID_MSI);
    assert_int_equal(rd(&f, CFG + cap + 1, 1), 0);
    assert_int_equal(rd(&f, CFG + cap + 2, 2) & 0x81, 0x80);
    /* Conventional PCI: 256 bytes; slot 2 is empty. */
    assert_int_equal(rd(&f, CFG + 0x100, 4), 0xffffffff);
    assert_int_equal(rd(&f, CFG + (1u << 15), 4), 0xffffffff);
    bb_devtest_free(f.t);
}

static void bar_sizes_and_decodes(void **state)
{
    Fixture f = start();

    assert_int_equal(rd(&f, ID, 4), 0x50434e31);
    wr(&f, CFG + BB_PCI_COMMAND, 2, 0);           /* decode off */
    assert_int_equal(rd(&f, ID, 4), 0xffffffff);  /* the bare window */
    wr(&f, CFG + BB_PCI_BASE_ADDRESS_0, 4, 0xffffffff);
    assert_int_equal(rd(&f, CFG + BB_PCI_BASE_ADDRESS_0, 4), 0xfffff000);
    wr(&f, CFG + BB_PCI_BASE_ADDRESS_0, 4, BAR0 + 0x10000);
    wr(&f, CFG + BB_PCI_COMMAND, 2, BB_PCI_COMMAND_MEMORY);
    assert_int_equal(rd(&f, BAR0 + 0x10000, 4), 0x50434e31);
    assert_int_equal(rd(&f, ID, 4), 0xffffffff);  /* moved away */
    /* Only 4- and 8-byte accesses; BB_MEMTX_ERROR is a bus error. */
    assert_int_equal(bb_devtest_read(f.t, BAR0 + 0x10000, 2, NULL),
                     BB_MEMTX_ERROR);
    bb_devtest_free(f.t);
}

static void counter_matches_on_intx(void **state)
{
    Fixture f = start();

    wr(&f, COMPARE, 4, 5);
    wr(&f, CTRL, 4, 3);                 /* EN | IE_MATCH, at 0 ns */
    assert_true(bb_devtest_step(f.t, 4999));
    assert_int_equal(rd(&f, COUNT, 4), 4);
    assert_false(bb_devtest_get_probe(f.t, f.intx));
    assert_true(bb_devtest_step(f.t, 1)); /* tick 5 at 5000 ns */
    assert_int_equal(rd(&f, COUNT, 4), 5);
    assert_int_equal(rd(&f, STATUS, 4), 1);
    assert_true(bb_devtest_get_probe(f.t, f.intx));
    assert_true(rd(&f, CFG + BB_PCI_STATUS, 2) & BB_PCI_STATUS_INTERRUPT);

    /* INTx disable holds the line low; the status bit still shows it. */
    wr(&f, CFG + BB_PCI_COMMAND, 2, BB_PCI_COMMAND_MEMORY |
       BB_PCI_COMMAND_MASTER | BB_PCI_COMMAND_INTX_DISABLE);
    assert_false(bb_devtest_get_probe(f.t, f.intx));
    assert_true(rd(&f, CFG + BB_PCI_STATUS, 2) & BB_PCI_STATUS_INTERRUPT);
    wr(&f, CFG + BB_PCI_COMMAND, 2,
       BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_MASTER);
    assert_true(bb_devtest_get_probe(f.t, f.intx));

    wr(&f, STATUS, 4, 1);               /* write 1 to clear */
    assert_false(bb_devtest_get_probe(f.t, f.intx));
    assert_false(rd(&f, CFG + BB_PCI_STATUS, 2) & BB_PCI_STATUS_INTERRUPT);

    /* Stopped, the count holds; COUNT is writable and keeps counting
     * from the new value once enabled. */
    wr(&f, CTRL, 4, 0);
    assert_true(bb_devtest_step(f.t, 10000));
    assert_int_equal(rd(&f, COUNT, 4), 5);
    wr(&f, COUNT, 4, 0xfffffffe);
    wr(&f, COMPARE, 4, 1);
    wr(&f, CTRL, 4, 3);
    assert_true(bb_devtest_step(f.t, 2999)); /* ...ff, 0, then 1 */
    assert_int_equal(rd(&f, STATUS, 4), 0);
    assert_true(bb_devtest_step(f.t, 1));
    assert_int_equal(rd(&f, COUNT, 4), 1);
    assert_int_equal(rd(&f, STATUS, 4), 1);
    assert_int_equal(bb_devtest_get_probe_rises(f.t, f.intx), 3);
    bb_devtest_free(f.t);
}

static void dma_copies_as_bus_master(void **state)
{
    Fixture f = start();

    wr(&f, RAM + 0x00, 8, 0x0807060504030201);
    wr(&f, RAM + 0x08, 8, 0x100f0e0d0c0b0a09);
    wr(&f, DMA_SRC, 8, RAM);
    wr(&f, DMA_DST, 8, RAM + 0x100);
    wr(&f, DMA_LEN, 4, 12);
    wr(&f, CTRL, 4, 4);                   /* IE_DMA */
    wr(&f, DMA_CMD, 4, 1);
    assert_int_equal(rd(&f, STATUS, 4), 2); /* DMA_DONE, no error */
    assert_true(bb_devtest_get_probe(f.t, f.intx));
    assert_int_equal(rd(&f, RAM + 0x100, 8), 0x0807060504030201);
    assert_int_equal(rd(&f, RAM + 0x108, 8), 0x0c0b0a09); /* 12 bytes */
    wr(&f, STATUS, 4, 2);
    assert_false(bb_devtest_get_probe(f.t, f.intx));

    /* Bad lengths move nothing and report an error. */
    wr(&f, DMA_DST, 8, RAM + 0x200);
    wr(&f, DMA_LEN, 4, 0);
    wr(&f, DMA_CMD, 4, 1);
    assert_int_equal(rd(&f, STATUS, 4), 6);
    wr(&f, STATUS, 4, 6);
    wr(&f, DMA_LEN, 4, 4097);
    wr(&f, DMA_CMD, 4, 1);
    assert_int_equal(rd(&f, STATUS, 4), 6);
    wr(&f, STATUS, 4, 6);
    assert_int_equal(rd(&f, RAM + 0x200, 8), 0);

    /* Without bus mastering the core refuses the device's accesses. */
    wr(&f, CFG + BB_PCI_COMMAND, 2, BB_PCI_COMMAND_MEMORY);
    wr(&f, DMA_LEN, 4, 8);
    wr(&f, DMA_CMD, 4, 1);
    assert_int_equal(rd(&f, STATUS, 4), 6);
    assert_int_equal(rd(&f, RAM + 0x200, 8), 0);
    bb_devtest_free(f.t);
}

static void msi_is_a_write_into_ram(void **state)
{
    Fixture f = start();
    unsigned cap;

    cap = rd(&f, CFG + BB_PCI_CAPABILITY_LIST, 1);
    wr(&f, CFG + cap + 4, 4, RAM + 0x800);   /* address low */
    wr(&f, CFG + cap + 8, 4, 0);             /* address high */
    wr(&f, CFG + cap + 12, 2, 0x4321);       /* data */
    wr(&f, CFG + cap + 2, 2, 1);             /* enable */
    wr(&f, COMPARE, 4, 2);
    wr(&f, CTRL, 4, 3);
    assert_true(bb_devtest_step(f.t, 2000));
    assert_int_equal(rd(&f, STATUS, 4), 1);
    assert_int_equal(rd(&f, RAM + 0x800, 4), 0x4321);
    assert_false(bb_devtest_get_probe(f.t, f.intx)); /* no INTx with MSI */
    /* One message per rising edge: clear, and the next match sends
     * again. */
    wr(&f, RAM + 0x800, 4, 0);
    assert_true(bb_devtest_step(f.t, 1000));
    assert_int_equal(rd(&f, RAM + 0x800, 4), 0);
    wr(&f, STATUS, 4, 1);
    wr(&f, COUNT, 4, 1);
    assert_true(bb_devtest_step(f.t, 1000));
    assert_int_equal(rd(&f, RAM + 0x800, 4), 0x4321);
    bb_devtest_free(f.t);
}

static void reset_returns_to_power_on(void **state)
{
    Fixture f = start();

    wr(&f, COMPARE, 4, 1);
    wr(&f, CTRL, 4, 3);
    assert_true(bb_devtest_step(f.t, 1000));
    assert_true(bb_devtest_get_probe(f.t, f.intx));
    bb_devtest_reset(f.t);
    assert_false(bb_devtest_get_probe(f.t, f.intx));
    assert_int_equal(rd(&f, CFG + BB_PCI_COMMAND, 2), 0);
    assert_int_equal(rd(&f, CFG + BB_PCI_BASE_ADDRESS_0, 4), 0);
    wr(&f, CFG + BB_PCI_BASE_ADDRESS_0, 4, BAR0);
    wr(&f, CFG + BB_PCI_COMMAND, 2, BB_PCI_COMMAND_MEMORY);
    assert_int_equal(rd(&f, CTRL, 4), 0);
    assert_int_equal(rd(&f, COMPARE, 4), 0);
    assert_int_equal(rd(&f, STATUS, 4), 0);
    assert_true(bb_devtest_step(f.t, 10000));
    assert_int_equal(rd(&f, COUNT, 4), 0);
    bb_devtest_free(f.t);
}

static void state_moves_to_a_fresh_instance(void **state)
{
    Fixture a = start(), b = start();
    BbDevice *da = bb_devtest_get_device(a.t, "counter");
    BbDevice *db = bb_devtest_get_device(b.t, "counter");
    const BbStateDesc *desc = BB_DEVICE_GET_CLASS(da)->state;
    g_autoptr(GByteArray) saved = g_byte_array_new();
    GError *err = NULL;

    wr(&a, COMPARE, 4, 10);
    wr(&a, CTRL, 4, 3);
    assert_true(bb_devtest_step(a.t, 5000));   /* COUNT 5 of 10 */
    assert_true(bb_state_save(desc, da, saved, &err));

    /* b has its BAR elsewhere and runs to the same time. */
    wr(&b, CFG + BB_PCI_BASE_ADDRESS_0, 4, BAR0 + 0x10000);
    assert_true(bb_devtest_step(b.t, 5000));
    assert_false(bb_state_load(desc, db, saved->data, saved->len - 1,
                               &err));                /* cut short */
    g_clear_error(&err);
    assert_true(bb_state_load(desc, db, saved->data, saved->len, &err));
    /* The configuration space came along: BAR 0 is back at BAR0. */
    assert_int_equal(rd(&b, BAR0 + 0x10000, 4), 0xffffffff);
    assert_int_equal(rd(&b, COUNT, 4), 5);
    assert_int_equal(rd(&b, CTRL, 4), 3);
    assert_true(bb_devtest_step(b.t, 4999));
    assert_false(bb_devtest_get_probe(b.t, b.intx));
    assert_true(bb_devtest_step(b.t, 1));      /* the loaded timer */
    assert_int_equal(rd(&b, STATUS, 4), 1);
    assert_true(bb_devtest_get_probe(b.t, b.intx));
    bb_devtest_free(a.t);
    bb_devtest_free(b.t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enumerates_through_ecam),
        cmocka_unit_test(bar_sizes_and_decodes),
        cmocka_unit_test(counter_matches_on_intx),
        cmocka_unit_test(dma_copies_as_bus_master),
        cmocka_unit_test(msi_is_a_write_into_ram),
        cmocka_unit_test(reset_returns_to_power_on),
        cmocka_unit_test(state_moves_to_a_fresh_instance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
