/*
 * edu.c - "edu" (1234:11e8): QEMU's educational PCI device, register for
 * register as docs/pci-devices.md describes it (facts: docs/hardware/
 * pci-devices.md).  A conventional PCI function with one 1 MiB memory
 * BAR of registers, INTA, and a one-vector 64-bit MSI capability at 0x40:
 *
 *   0x00 R   identification 0x010000ed
 *   0x04 RW  liveness: reads the bitwise NOT of the last value written
 *   0x08 RW  factorial: write N starts N! in the background (status b0);
 *            the result replaces N after EDU_FACT_DELAY_NS
 *   0x20 RW  status: b0 computing (RO), b7 raise interrupt 0x1 when done
 *   0x24 R   interrupt status
 *   0x60 W   raise interrupt bits; 0x64 W acknowledge them
 *   0x80/0x88/0x90/0x98 RW (4 or 8 bytes) DMA source, destination, count,
 *            command (b0 run, b1 direction, b2 raise 0x100 when done)
 *
 * Accesses are 4 or 8 bytes (others are bus errors, as QEMU declares);
 * below 0x80 only 4-byte accesses do anything, 8-byte ones read all-ones.
 * Unlisted offsets read all-ones.  The DMA engine's 4 KiB buffer sits at
 * device address 0x40000 and is reached only by DMA, 100 ms of virtual
 * time after the command is written, through bb_pci_dma_read/write (so
 * only while bus mastering is enabled).  Unlike QEMU, a buffer-side range
 * outside 0x40000..0x40fff, a zero count or an overflowing one is a
 * logged guest error and the copy is skipped (QEMU 7.2 aborts the
 * emulator; later QEMU copies out of bounds).
 */
#include <inttypes.h>
#include <string.h>

#include <breadboard/breadboard.h>
#include <breadboard/pci.h>

#define TYPE_EDU "edu"

#define EDU_BAR_SIZE (1u << 20)     /* BAR0: 1 MiB, as QEMU */
#define EDU_ID 0x010000edu          /* version 1.0, 0xed */
#define EDU_STATUS_COMPUTING 0x01u
#define EDU_STATUS_IRQFACT 0x80u
#define EDU_IRQ_FACT 0x001u         /* interrupt status of a factorial */
#define EDU_IRQ_DMA 0x100u          /* ... and of a DMA completion */
#define EDU_DMA_RUN 0x1u
#define EDU_DMA_DIR_TO_RAM 0x2u     /* 0: RAM -> buffer, 1: buffer -> RAM */
#define EDU_DMA_IRQ 0x4u
#define EDU_DMA_START 0x40000u      /* device address of the buffer */
#define EDU_DMA_SIZE 4096u
#define EDU_DMA_DELAY_NS 100000000  /* 100 ms, as QEMU's DMA timer */
/*
 * QEMU computes the factorial in a thread, so its latency is whatever the
 * host scheduler makes it (microseconds).  Ours is a fixed 1 us of virtual
 * time, long enough that a driver must poll status b0 (or wait for the
 * interrupt), short enough that no real driver notices.
 */
#define EDU_FACT_DELAY_NS 1000
#define EDU_DMA_MASK_DEFAULT UINT64_C(0x0fffffff) /* QEMU: 28 bits */

enum {
    EDU_REG_ID = 0x00,
    EDU_REG_LIVENESS = 0x04,
    EDU_REG_FACT = 0x08,
    EDU_REG_STATUS = 0x20,
    EDU_REG_IRQ_STATUS = 0x24,
    EDU_REG_IRQ_RAISE = 0x60,
    EDU_REG_IRQ_ACK = 0x64,
    EDU_REG_DMA_SRC = 0x80,
    EDU_REG_DMA_DST = 0x88,
    EDU_REG_DMA_CNT = 0x90,
    EDU_REG_DMA_CMD = 0x98,
};

typedef struct Edu {
    BbPciDevice parent_obj;
    uint64_t dma_mask;        /* property: bus address bits DMA keeps */
    BbTimer *fact_timer;      /* factorial done */
    BbTimer *dma_timer;       /* DMA transfer due */
    uint32_t liveness;        /* ~ the last value written to 0x04 */
    uint32_t fact;            /* N while computing, then N! */
    uint32_t status;          /* EDU_STATUS_* */
    uint32_t irq_status;      /* raised and not acknowledged */
    uint64_t dma_src;
    uint64_t dma_dst;
    uint64_t dma_cnt;
    uint64_t dma_cmd;
    uint8_t dma_buf[EDU_DMA_SIZE];
} Edu;

BB_DECLARE_TYPE(Edu, BbPciDeviceClass, EDU, TYPE_EDU)

/* ----------------------------------------------------------- interrupts */

static void edu_raise_irq(Edu *s, uint32_t bits)
{
    BbPciDevice *pdev = BB_PCI_DEVICE(s);

    s->irq_status |= bits;
    if (!s->irq_status) {
        return;
    }
    if (bb_pci_msi_enabled(pdev)) {
        bb_pci_msi_notify(pdev, 0); /* one message per raise, as QEMU */
    } else {
        bb_pci_set_irq(pdev, true);
    }
}

static void edu_lower_irq(Edu *s, uint32_t bits)
{
    BbPciDevice *pdev = BB_PCI_DEVICE(s);

    s->irq_status &= ~bits;
    if (!s->irq_status && !bb_pci_msi_enabled(pdev)) {
        bb_pci_set_irq(pdev, false);
    }
}

/* ------------------------------------------------------------ factorial */

/* N! modulo 2^32; 0! = 1.  From 34! on, 2^32 divides the product, so the
 * loop stops there whatever N the guest wrote. */
static uint32_t edu_factorial(uint32_t n)
{
    uint32_t r = 1;

    for (uint32_t i = 2; i <= n && r; i++) {
        r *= i;
    }
    return r;
}

static void edu_fact_done(void *opaque)
{
    Edu *s = opaque;

    s->fact = edu_factorial(s->fact);
    s->status &= ~EDU_STATUS_COMPUTING;
    if (s->status & EDU_STATUS_IRQFACT) {
        edu_raise_irq(s, EDU_IRQ_FACT);
    }
}

/* ------------------------------------------------------------------ DMA */

static uint64_t edu_clamp(Edu *s, uint64_t addr)
{
    uint64_t r = addr & s->dma_mask;

    if (r != addr) {
        bb_guest_error("edu: DMA address 0x%016" PRIx64 " clamped to "
                       "0x%016" PRIx64 " by dma_mask 0x%" PRIx64,
                       addr, r, s->dma_mask);
    }
    return r;
}

/* Offset in the buffer of [addr, addr + cnt), or -1 (logged) when that is
 * not a non-empty range inside it. */
static int64_t edu_buffer_offset(uint64_t addr, uint64_t cnt,
                                 const char *side)
{
    if (cnt == 0 || addr < EDU_DMA_START ||
        addr - EDU_DMA_START >= EDU_DMA_SIZE ||
        cnt > EDU_DMA_SIZE - (addr - EDU_DMA_START)) {
        bb_guest_error("edu: DMA %s 0x%" PRIx64 " count 0x%" PRIx64
                       " is not inside the buffer 0x%x..0x%x: skipped",
                       side, addr, cnt, EDU_DMA_START,
                       EDU_DMA_START + EDU_DMA_SIZE - 1);
        return -1;
    }
    return (int64_t)(addr - EDU_DMA_START);
}

static void edu_dma_done(void *opaque)
{
    Edu *s = opaque;
    BbPciDevice *pdev = BB_PCI_DEVICE(s);
    int64_t off;

    if (!(s->dma_cmd & EDU_DMA_RUN)) {
        return;
    }
    if (s->dma_cmd & EDU_DMA_DIR_TO_RAM) {
        off = edu_buffer_offset(s->dma_src, s->dma_cnt, "source");
        if (off >= 0) {
            /* A refused write is logged by the core. */
            bb_pci_dma_write(pdev, edu_clamp(s, s->dma_dst),
                             s->dma_buf + off, s->dma_cnt);
        }
    } else {
        off = edu_buffer_offset(s->dma_dst, s->dma_cnt, "destination");
        if (off >= 0) {
            uint8_t tmp[EDU_DMA_SIZE];

            /* Through a bounce buffer: a refused read (bus mastering off)
             * leaves the buffer as it was instead of zeroing it. */
            if (bb_pci_dma_read(pdev, edu_clamp(s, s->dma_src), tmp,
                                s->dma_cnt) == BB_MEMTX_OK) {
                memcpy(s->dma_buf + off, tmp, s->dma_cnt);
            }
        }
    }
    s->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
    if (s->dma_cmd & EDU_DMA_IRQ) {
        edu_raise_irq(s, EDU_IRQ_DMA);
    }
}

/* ------------------------------------------------------------ registers */

static uint64_t edu_read(void *opaque, uint64_t addr, unsigned size)
{
    Edu *s = opaque;

    if (addr < EDU_REG_DMA_SRC && size != 4) {
        bb_guest_error("edu: %u-byte read at 0x%" PRIx64 " (only 4-byte "
                       "accesses below 0x80)", size, addr);
        return UINT64_MAX;
    }
    switch (addr) {
    case EDU_REG_ID:
        return EDU_ID;
    case EDU_REG_LIVENESS:
        return s->liveness;
    case EDU_REG_FACT:
        return s->fact;
    case EDU_REG_STATUS:
        return s->status;
    case EDU_REG_IRQ_STATUS:
        return s->irq_status;
    case EDU_REG_DMA_SRC:
        return s->dma_src;
    case EDU_REG_DMA_DST:
        return s->dma_dst;
    case EDU_REG_DMA_CNT:
        return s->dma_cnt;
    case EDU_REG_DMA_CMD:
        return s->dma_cmd;
    default:
        return UINT64_MAX;
    }
}

/* DMA parameter registers are frozen while a transfer is pending. */
static void edu_dma_reg_write(Edu *s, uint64_t *reg, uint64_t v)
{
    if (s->dma_cmd & EDU_DMA_RUN) {
        bb_guest_error("edu: DMA register written while a transfer runs");
        return;
    }
    *reg = v;
}

static void edu_write(void *opaque, uint64_t addr, uint64_t v, unsigned size)
{
    Edu *s = opaque;
    BbTimerContext *timers =
        bb_system_get_timers(bb_device_get_system(BB_DEVICE(s)));

    if (addr < EDU_REG_DMA_SRC && size != 4) {
        bb_guest_error("edu: %u-byte write at 0x%" PRIx64 " ignored (only "
                       "4-byte accesses below 0x80)", size, addr);
        return;
    }
    switch (addr) {
    case EDU_REG_LIVENESS:
        s->liveness = ~(uint32_t)v;
        break;
    case EDU_REG_FACT:
        if (s->status & EDU_STATUS_COMPUTING) {
            break; /* ignored, as QEMU */
        }
        s->fact = (uint32_t)v;
        s->status |= EDU_STATUS_COMPUTING;
        bb_timer_mod(s->fact_timer, bb_clock_get_ns(timers, BB_CLOCK_VIRTUAL) +
                                        EDU_FACT_DELAY_NS);
        break;
    case EDU_REG_STATUS:
        s->status = (s->status & ~EDU_STATUS_IRQFACT) |
                    ((uint32_t)v & EDU_STATUS_IRQFACT);
        break;
    case EDU_REG_IRQ_RAISE:
        edu_raise_irq(s, (uint32_t)v);
        break;
    case EDU_REG_IRQ_ACK:
        edu_lower_irq(s, (uint32_t)v);
        break;
    case EDU_REG_DMA_SRC:
        edu_dma_reg_write(s, &s->dma_src, v);
        break;
    case EDU_REG_DMA_DST:
        edu_dma_reg_write(s, &s->dma_dst, v);
        break;
    case EDU_REG_DMA_CNT:
        edu_dma_reg_write(s, &s->dma_cnt, v);
        break;
    case EDU_REG_DMA_CMD:
        if (!(v & EDU_DMA_RUN) || (s->dma_cmd & EDU_DMA_RUN)) {
            /* Without b0 the write does nothing at all (QEMU); with a
             * transfer pending it is refused like the other registers. */
            if (s->dma_cmd & EDU_DMA_RUN) {
                bb_guest_error("edu: DMA command written while a transfer "
                               "runs");
            }
            break;
        }
        s->dma_cmd = v;
        bb_timer_mod(s->dma_timer, bb_clock_get_ns(timers, BB_CLOCK_VIRTUAL) +
                                       EDU_DMA_DELAY_NS);
        break;
    default:
        bb_guest_error("edu: write of 0x%" PRIx64 " to read-only or "
                       "unassigned offset 0x%" PRIx64, v, addr);
        break;
    }
}

static const BbMemoryOps edu_mmio_ops = {
    .read = edu_read,
    .write = edu_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ----------------------------------------------------------- life cycle */

static bool edu_realize(BbPciDevice *pdev, GError **error)
{
    Edu *s = EDU(pdev);
    BbDevice *dev = BB_DEVICE(pdev);
    BbSystem *sys = bb_device_get_system(dev);
    BbTimerContext *timers;
    BbMemoryRegion *mr;
    bool ok;

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "edu needs a machine with a system above it");
        return false;
    }
    timers = bb_system_get_timers(sys);
    if (!bb_pci_msi_init(pdev, 0x40, 1, true, false, error)) {
        return false;
    }
    mr = bb_memory_region_new_io(BB_OBJECT(dev), "edu-mmio", &edu_mmio_ops,
                                 s, EDU_BAR_SIZE);
    ok = bb_pci_register_bar(pdev, 0, BB_PCI_BAR_MEM32, mr, error);
    bb_memory_region_unref(mr); /* the core holds its own reference */
    if (!ok) {
        return false;
    }
    s->fact_timer = bb_timer_new(timers, BB_CLOCK_VIRTUAL, edu_fact_done, s);
    s->dma_timer = bb_timer_new(timers, BB_CLOCK_VIRTUAL, edu_dma_done, s);
    return true;
}

static void edu_exit(BbPciDevice *pdev)
{
    Edu *s = EDU(pdev);

    g_clear_pointer(&s->fact_timer, bb_timer_free);
    g_clear_pointer(&s->dma_timer, bb_timer_free);
}

/* After the core reset the function (decode, INTx and MSI off). */
static void edu_reset(BbPciDevice *pdev)
{
    Edu *s = EDU(pdev);

    bb_timer_del(s->fact_timer);
    bb_timer_del(s->dma_timer);
    s->liveness = 0;
    s->fact = 0;
    s->status = 0;
    s->irq_status = 0;
    s->dma_src = s->dma_dst = s->dma_cnt = s->dma_cmd = 0;
    memset(s->dma_buf, 0, sizeof(s->dma_buf));
}

/* ---------------------------------------------------------------- state */

/*
 * The core's state (config space, INTx level, MSI) comes first and
 * re-derives the BAR mappings and lines when loaded; the timers carry
 * their deadlines, so a snapshot taken in the middle of a factorial or a
 * DMA transfer finishes it at the same virtual time.
 */
static const BbStateField edu_state_fields[] = {
    BB_STATE_STRUCT(Edu, parent_obj, &bb_pci_device_state),
    BB_STATE_U32(Edu, liveness),
    BB_STATE_U32(Edu, fact),
    BB_STATE_U32(Edu, status),
    BB_STATE_U32(Edu, irq_status),
    BB_STATE_U64(Edu, dma_src),
    BB_STATE_U64(Edu, dma_dst),
    BB_STATE_U64(Edu, dma_cnt),
    BB_STATE_U64(Edu, dma_cmd),
    BB_STATE_BYTES(Edu, dma_buf),
    BB_STATE_TIMER(Edu, fact_timer),
    BB_STATE_TIMER(Edu, dma_timer),
    BB_STATE_END
};

static const BbStateDesc edu_state = {
    .name = TYPE_EDU,
    .version = 1,
    .min_version = 1,
    .fields = edu_state_fields,
    .size = sizeof(Edu),
};

static const BbPropertyInfo edu_props[] = {
    BB_PROP_UINT("dma_mask", Edu, dma_mask, EDU_DMA_MASK_DEFAULT,
                 "bus address bits the DMA engine keeps (QEMU's default: "
                 "28 bits; use 0xffffffffffffffff to reach RAM at "
                 "0x80000000)"),
    BB_PROP_END
};

static void edu_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);
    BbPciDeviceClass *pc = BB_PCI_DEVICE_CLASS(klass);

    dc->state = &edu_state;
    pc->realize = edu_realize;
    pc->exit = edu_exit;
    pc->reset = edu_reset;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x11e8;
    pc->revision = 0x10;
    pc->class_id = 0x00ff; /* unclassified / other */
    pc->subsystem_vendor_id = 0x1af4; /* QEMU's default subsystem */
    pc->subsystem_id = 0x1100;
    pc->header_type = BB_PCI_HEADER_TYPE_NORMAL;
    pc->interrupt_pin = 1; /* INTA */
    bb_object_class_add_properties(klass, edu_props);
}

static const BbTypeInfo edu_info = {
    .name = TYPE_EDU,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(Edu),
    .class_init = edu_class_init,
    .description = "QEMU's educational PCI device 1234:11e8 (liveness, "
                   "factorial, DMA engine, INTx/MSI)",
};

static bool edu_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &edu_info, error);
}

BB_PLUGIN_DEFINE("edu", "1.0.0", "MIT",
                 "QEMU-compatible edu PCI device", edu_plugin_init, TYPE_EDU)
