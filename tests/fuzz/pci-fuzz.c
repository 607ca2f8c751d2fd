/*
 * pci-fuzz.c - one libFuzzer harness for every PCI function type: a
 * CPU-less board (devtest.h) with the ECAM host bridge, 64 KiB of RAM and
 * the device under test, driven by a little op-stream language decoded
 * from the fuzz input: configuration reads and writes at any offset and
 * width, BAR accesses after the BARs were programmed to fixed addresses
 * with decode and bus mastering on (so the device's DMA reaches the RAM),
 * RAM contents for DMA to find, raw ECAM accesses to any bus (bridge
 * bus-number programming), virtual-time steps and resets.
 *
 * The device is chosen with `--device=NAME` on the command line (libFuzzer
 * ignores flags starting with "--") or BB_FUZZ_DEVICE; see the target
 * table below and docs/fuzzing.md, which also describes the op stream.
 * Each input starts from the same state: a system reset, zeroed RAM, the
 * BARs and the command register programmed again.  Besides the
 * sanitizers, two invariants are checked after each input: the
 * function's identity registers are read-only, and an absent function
 * still reads all-ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <breadboard/breadboard.h>

/* The riscv-virt layout (docs/pci.md): ECAM, the 32-bit memory window
 * (bus address = CPU address) and the I/O window (port 0 at IO_CPU). */
#define ECAM_BASE UINT64_C(0x30000000)
#define MMIO_BASE UINT64_C(0x40000000)
#define MMIO_SIZE UINT64_C(0x40000000)
#define IO_CPU UINT64_C(0x03000000)
#define IO_SIZE UINT64_C(0x10000)
#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE UINT64_C(0x10000)

/* Where setup puts the BARs: memory from MMIO_BASE, I/O from port
 * 0x1000, as U-Boot does.  A BAR larger than BAR_MAX stays unprogrammed
 * (only its sizing is exercised). */
#define IO_START UINT64_C(0x1000)
#define BAR_MAX UINT64_C(0x1000000)

typedef struct FuzzTarget {
    const char *name;    /* --device=NAME */
    const char *devices; /* board YAML: the devices besides the bridge */
    bool behind_bridge;  /* the DUT is at 01:00.0 behind a root port at
                          * 00:01.0; else at 00:01.0 */
} FuzzTarget;

static const FuzzTarget targets[] = {
    { "edu",
      "  - {type: edu, id: dut, bus: pcie0, slot: 1,\n"
      "     props: {dma_mask: 0xffffffffffffffff}}\n", false },
    { "strng", "  - {type: strng, id: dut, bus: pcie0, slot: 1}\n", false },
    { "pci-testdev",
      "  - {type: pci-testdev, id: dut, bus: pcie0, slot: 1,\n"
      "     props: {membar: 0x100000}}\n", false },
    { "pci-counter",
      "  - {type: pci-counter, id: dut, bus: pcie0, slot: 1}\n", false },
    /* The root port's own config space and bus routing, with a device on
     * its secondary bus. */
    { "pcie-root-port",
      "  - {type: pcie-root-port, id: rp, bus: pcie0, slot: 1}\n"
      "  - {type: pci-testdev, id: dut, bus: rp, slot: 0}\n", true },
};

static const char board_head[] =
    "schema: 1\n"
    "name: pci-fuzz\n"
    "ram: {base: 0x8000_0000, size: 64K}\n"
    "devices:\n"
    "  - type: " BB_FUZZ_HOST_BRIDGE "\n"
    "    id: pcie0\n"
    "    reg: [[0x3000_0000, 0x1000_0000], [0x4000_0000, 0x4000_0000],\n"
    "          [0x4_0000_0000, 0x4_0000_0000], [0x0300_0000, 0x1_0000]]\n";

typedef struct Bar {
    unsigned index; /* 0-5 */
    bool io;
    bool mem64;
    uint64_t size;
    uint64_t addr; /* bus address (port number for I/O) */
    uint64_t cpu;  /* where the test reaches it */
} Bar;

static struct {
    const FuzzTarget *target;
    BbDevtest *t;
    BbAddressSpace *as;
    unsigned dut_bus, dut_devfn;
    uint32_t id;     /* vendor | device << 16 of the DUT */
    uint8_t header;  /* its header type, low 7 bits */
    Bar bars[6];
    unsigned nbars;
} fz;

/* ------------------------------------------------------------ config */

static uint64_t ecam_addr(unsigned bus, unsigned devfn, unsigned off)
{
    return ECAM_BASE + ((uint64_t)(bus & 0xff) << 20) +
           ((uint64_t)(devfn & 0xff) << 12) + (off & 0xfff);
}

static uint32_t cfg_read(unsigned bus, unsigned devfn, unsigned off,
                         unsigned len)
{
    uint64_t v = 0;

    bb_devtest_read(fz.t, ecam_addr(bus, devfn, off), len, &v);
    return (uint32_t)v;
}

static void cfg_write(unsigned bus, unsigned devfn, unsigned off,
                      unsigned len, uint32_t v)
{
    bb_devtest_write(fz.t, ecam_addr(bus, devfn, off), len, v);
}

/* ------------------------------------------------------------ setup */

/* Size the DUT's BARs once (the sizing protocol of docs/hardware/pci.md)
 * and choose their addresses. */
static void size_bars(void)
{
    uint64_t mem = MMIO_BASE, io = IO_START;
    unsigned b = fz.dut_bus, d = fz.dut_devfn;

    for (unsigned i = 0; i < 6; i++) {
        unsigned off = BB_PCI_BASE_ADDRESS_0 + 4 * i;
        uint32_t v, hi = 0;
        Bar bar = { .index = i };

        cfg_write(b, d, off, 4, 0xffffffff);
        v = cfg_read(b, d, off, 4);
        cfg_write(b, d, off, 4, 0);
        if (v == 0) {
            continue;
        }
        bar.io = v & 1;
        bar.mem64 = !bar.io && (v & 6) == 4 && i < 5;
        if (bar.io) {
            bar.size = (uint32_t)(~(v & ~3u) + 1) & 0xffff;
        } else if (bar.mem64) {
            cfg_write(b, d, off + 4, 4, 0xffffffff);
            hi = cfg_read(b, d, off + 4, 4);
            cfg_write(b, d, off + 4, 4, 0);
            bar.size = ~(((uint64_t)hi << 32) | (v & ~0xfu)) + 1;
            i++;
        } else {
            bar.size = (uint32_t)(~(v & ~0xfu) + 1);
        }
        if (bar.size == 0 || bar.size > BAR_MAX ||
            (bar.size & (bar.size - 1))) {
            continue;
        }
        if (bar.io) {
            io = (io + bar.size - 1) & ~(bar.size - 1);
            bar.addr = io;
            bar.cpu = IO_CPU + io;
            io += bar.size;
        } else {
            mem = (mem + bar.size - 1) & ~(bar.size - 1);
            bar.addr = mem;
            bar.cpu = mem;
            mem += bar.size;
        }
        fz.bars[fz.nbars++] = bar;
    }
}

/* Bridge bus numbers and windows, BAR addresses, decode and bus master
 * on, as a firmware would leave them. */
static void program(void)
{
    unsigned b = fz.dut_bus, d = fz.dut_devfn;

    if (fz.target->behind_bridge) {
        unsigned rp = BB_PCI_DEVFN(1, 0);

        cfg_write(0, rp, BB_PCI_PRIMARY_BUS, 1, 0);
        cfg_write(0, rp, BB_PCI_SECONDARY_BUS, 1, 1);
        cfg_write(0, rp, BB_PCI_SUBORDINATE_BUS, 1, 1);
        /* Windows: memory 0x4000_0000-0x40ff_ffff, I/O 0x1000-0x1fff. */
        cfg_write(0, rp, BB_PCI_MEMORY_BASE, 2, 0x4000);
        cfg_write(0, rp, BB_PCI_MEMORY_LIMIT, 2, 0x40f0);
        cfg_write(0, rp, BB_PCI_IO_BASE, 1, 0x10);
        cfg_write(0, rp, BB_PCI_IO_LIMIT, 1, 0x10);
        cfg_write(0, rp, BB_PCI_COMMAND, 2, BB_PCI_COMMAND_IO |
                  BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_MASTER);
    }
    for (unsigned k = 0; k < fz.nbars; k++) {
        const Bar *bar = &fz.bars[k];
        unsigned off = BB_PCI_BASE_ADDRESS_0 + 4 * bar->index;

        cfg_write(b, d, off, 4, (uint32_t)bar->addr);
        if (bar->mem64) {
            cfg_write(b, d, off + 4, 4, (uint32_t)(bar->addr >> 32));
        }
    }
    cfg_write(b, d, BB_PCI_COMMAND, 2, BB_PCI_COMMAND_IO |
              BB_PCI_COMMAND_MEMORY | BB_PCI_COMMAND_MASTER);
}

/* The state every input starts from. */
static void setup(void)
{
    bb_devtest_reset(fz.t);
    bb_address_space_fill(fz.as, RAM_BASE, 0, RAM_SIZE);
    program();
}

/* ------------------------------------------------------------ invariants */

static void check(void)
{
    uint32_t id = cfg_read(fz.dut_bus, fz.dut_devfn, 0, 4);
    uint32_t hdr = cfg_read(fz.dut_bus, fz.dut_devfn, BB_PCI_HEADER_TYPE, 1);
    uint32_t absent = cfg_read(0, BB_PCI_DEVFN(31, 0), 0, 4);

    if (fz.target->behind_bridge) {
        /* The input may have moved the bridge's bus numbers: look at the
         * DUT only where setup put it. */
        setup();
        id = cfg_read(fz.dut_bus, fz.dut_devfn, 0, 4);
        hdr = cfg_read(fz.dut_bus, fz.dut_devfn, BB_PCI_HEADER_TYPE, 1);
    }
    if (id != fz.id || (hdr & 0x7f) != fz.header) {
        fprintf(stderr, "pci-fuzz: %s: identity changed: id %08x -> %08x, "
                "header type %02x -> %02x\n", fz.target->name, fz.id, id,
                fz.header, hdr & 0x7f);
        abort();
    }
    if (absent != 0xffffffff) {
        fprintf(stderr, "pci-fuzz: absent function 00:1f.0 reads %08x\n",
                absent);
        abort();
    }
}

/* ------------------------------------------------------------ op stream */

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

/* Little-endian field of @n bytes; past the end, zeros. */
static uint64_t take(Input *in, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        if (in->left) {
            v |= (uint64_t)*in->p++ << (8 * i);
            in->left--;
        }
    }
    return v;
}

static const unsigned widths[4] = { 1, 2, 4, 8 };

enum {
    OP_CFG_READ,  /* off:2 width:1 */
    OP_CFG_WRITE, /* off:2 width:1 value:4 */
    OP_BAR_READ,  /* bar:1 off:4 width:1 */
    OP_BAR_WRITE, /* bar:1 off:4 width:1 value:8 */
    OP_STEP,      /* shift:1 ns:2 -> ns << (shift % 15) */
    OP_RAM_WRITE, /* off:2 value:8 */
    OP_ECAM_READ, /* bus:1 devfn:1 off:2 width:1, any alignment */
    OP_ECAM_WRITE,/* bus:1 devfn:1 off:2 width:1 value:4 */
    OP_WINDOW,    /* flags:1 off:4 width:1 value:8: bit 0 write, bit 1
                   * the I/O window, else the 32-bit memory window;
                   * any alignment (BARs the input moved) */
    OP_SETUP,     /* program(): BARs, bridge, command register again */
    OP_RESET,     /* setup(): system reset, zeroed RAM, program() */
    OP_COUNT
};

static void run_op(Input *in)
{
    unsigned op = take(in, 1) % OP_COUNT;
    unsigned b = fz.dut_bus, d = fz.dut_devfn;

    switch (op) {
    case OP_CFG_READ:
    case OP_CFG_WRITE: {
        unsigned off = take(in, 2) & 0xfff;
        unsigned w = widths[take(in, 1) % 3];
        uint32_t v = op == OP_CFG_WRITE ? take(in, 4) : 0;

        off &= ~(w - 1); /* ECAM: naturally aligned */
        if (op == OP_CFG_READ) {
            cfg_read(b, d, off, w);
        } else {
            cfg_write(b, d, off, w, v);
        }
        break;
    }
    case OP_BAR_READ:
    case OP_BAR_WRITE: {
        unsigned k = take(in, 1);
        uint64_t off = take(in, 4);
        unsigned w = widths[take(in, 1) % 4];
        uint64_t v = op == OP_BAR_WRITE ? take(in, 8) : 0;
        const Bar *bar;

        if (!fz.nbars) {
            break;
        }
        bar = &fz.bars[k % fz.nbars];
        off = (off % bar->size) & ~(uint64_t)(w - 1);
        if (op == OP_BAR_READ) {
            bb_devtest_read(fz.t, bar->cpu + off, w, NULL);
        } else {
            bb_devtest_write(fz.t, bar->cpu + off, w, v);
        }
        break;
    }
    case OP_STEP: {
        unsigned shift = take(in, 1) % 15;

        bb_devtest_step(fz.t, take(in, 2) << shift);
        break;
    }
    case OP_RAM_WRITE: {
        uint64_t off = take(in, 2) & (RAM_SIZE - 8);

        bb_devtest_write(fz.t, RAM_BASE + off, 8, take(in, 8));
        break;
    }
    case OP_ECAM_READ:
    case OP_ECAM_WRITE: {
        unsigned bus = take(in, 1), devfn = take(in, 1);
        unsigned off = take(in, 2) & 0xfff;
        unsigned w = widths[take(in, 1) % 4];
        uint32_t v = op == OP_ECAM_WRITE ? take(in, 4) : 0;

        /* Mostly the buses and slots that exist; any width and alignment
         * (what the host bridge refuses is its business). */
        bus %= 4;
        devfn %= 0x20;
        if (op == OP_ECAM_READ) {
            cfg_read(bus, devfn, off, w);
        } else {
            cfg_write(bus, devfn, off, w, v);
        }
        break;
    }
    case OP_WINDOW: {
        unsigned flags = take(in, 1);
        bool io = flags & 2;
        uint64_t off = take(in, 4) % (io ? IO_SIZE : MMIO_SIZE);
        uint64_t addr = (io ? IO_CPU : MMIO_BASE) + off;
        unsigned w = widths[take(in, 1) % 4];
        uint64_t v = take(in, 8);

        if (flags & 1) {
            bb_devtest_write(fz.t, addr, w, v);
        } else {
            bb_devtest_read(fz.t, addr, w, NULL);
        }
        break;
    }
    case OP_SETUP:
        program();
        break;
    case OP_RESET:
        setup();
        break;
    }
}

/* ------------------------------------------------------------ libFuzzer */

static const FuzzTarget *find_target(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(targets); i++) {
        if (!strcmp(targets[i].name, name)) {
            return &targets[i];
        }
    }
    fprintf(stderr, "pci-fuzz: unknown device '%s'; known:", name);
    for (size_t i = 0; i < G_N_ELEMENTS(targets); i++) {
        fprintf(stderr, " %s", targets[i].name);
    }
    fprintf(stderr, "\n");
    exit(2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *name = getenv("BB_FUZZ_DEVICE");
    const char *dirs[] = { getenv("BB_FUZZ_PLUGIN_DIR"), NULL };
    BbDevtestOptions opts = { .plugin_dirs = dirs };
    g_autofree char *yaml = NULL;
    GError *err = NULL;

    for (int i = 1; i < *argc; i++) {
        if (g_str_has_prefix((*argv)[i], "--device=")) {
            name = (*argv)[i] + strlen("--device=");
        }
    }
    if (!name) {
        fprintf(stderr, "pci-fuzz: say which device: --device=NAME or "
                "BB_FUZZ_DEVICE=NAME\n");
        exit(2);
    }
    fz.target = find_target(name);
    if (!dirs[0]) {
        dirs[0] = BB_FUZZ_PLUGIN_DIR; /* the sample, built for fuzzing */
    }
    yaml = g_strconcat(board_head, fz.target->devices, NULL);
    fz.t = bb_devtest_new_from_string(yaml, "pci-fuzz", &opts, &err);
    if (!fz.t) {
        fprintf(stderr, "pci-fuzz: %s\n", err->message);
        exit(2);
    }
    fz.as = bb_system_get_address_space(bb_devtest_get_system(fz.t));
    if (fz.target->behind_bridge) {
        fz.dut_bus = 1;
        fz.dut_devfn = BB_PCI_DEVFN(0, 0);
        program(); /* bus numbers, so the DUT can be reached */
    } else {
        fz.dut_bus = 0;
        fz.dut_devfn = BB_PCI_DEVFN(1, 0);
    }
    fz.id = cfg_read(fz.dut_bus, fz.dut_devfn, 0, 4);
    fz.header = cfg_read(fz.dut_bus, fz.dut_devfn, BB_PCI_HEADER_TYPE, 1) &
                0x7f;
    if (fz.id == 0xffffffff) {
        fprintf(stderr, "pci-fuzz: %s: no function at %02x:%02x.%u\n",
                name, fz.dut_bus, BB_PCI_SLOT(fz.dut_devfn),
                BB_PCI_FUNC(fz.dut_devfn));
        exit(2);
    }
    size_bars();
    if (getenv("BB_FUZZ_VERBOSE")) {
        fprintf(stderr, "pci-fuzz: %s at %02x:%02x.%u, id %08x\n", name,
                fz.dut_bus, BB_PCI_SLOT(fz.dut_devfn),
                BB_PCI_FUNC(fz.dut_devfn), fz.id);
        for (unsigned k = 0; k < fz.nbars; k++) {
            const Bar *bar = &fz.bars[k];

            fprintf(stderr, "pci-fuzz:   bar %u: BAR%u %s, 0x%" PRIx64
                    " bytes at bus address 0x%" PRIx64 " (CPU 0x%" PRIx64
                    ")\n", k, bar->index, bar->io ? "I/O" :
                    bar->mem64 ? "64-bit memory" : "32-bit memory",
                    bar->size, bar->addr, bar->cpu);
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = { data, size };

    setup();
    while (in.left) {
        run_op(&in);
    }
    check();
    return 0;
}
