/*
 * pci-counter.c - "pci-counter", the SDK's example PCI device, written
 * against the installed SDK only (pci.h for the PCI side).  One function
 * (vendor 0x1234, device 0xbb01, class "unclassified/other") with a 4 KiB
 * memory BAR 0, INTA and a one-vector MSI capability:
 *
 *   0x00 ID       read-only 0x50434e31 ("PCN1")
 *   0x04 COUNT    a 32-bit up-counter, one tick every "tick-ns" ns of
 *                 virtual time while CTRL.EN; writable (restarts the tick)
 *   0x08 CTRL     bit 0 EN (count), bit 1 IE_MATCH, bit 2 IE_DMA
 *   0x0c COMPARE  STATUS.MATCH is set when COUNT ticks onto this value
 *   0x10 STATUS   bit 0 MATCH, bit 1 DMA_DONE, bit 2 DMA_ERROR; write 1
 *                 to clear
 *   0x20 DMA_SRC  64-bit bus address the copy reads from
 *   0x28 DMA_DST  64-bit bus address the copy writes to
 *   0x30 DMA_LEN  bytes to copy, 1..4096
 *   0x34 DMA_CMD  write 1: copy DMA_LEN bytes from DMA_SRC to DMA_DST
 *                 now, through the device's 4 KiB buffer, as a bus master;
 *                 then DMA_DONE, or DMA_DONE | DMA_ERROR if the length was
 *                 out of range, an address range wrapped, or the bus
 *                 refused an access (bus mastering off, nothing there)
 *
 * Registers take 4-byte accesses (and 8 for the 64-bit ones).  The
 * interrupt is (STATUS.MATCH && IE_MATCH) || (STATUS.DMA_* && IE_DMA): a
 * level on INTA while the guest has MSI off, one MSI message each time it
 * becomes true while MSI is on.
 */
#include <inttypes.h>

#include <breadboard/breadboard.h>

#define TYPE_PCI_COUNTER "pci-counter"

enum {
    PCC_ID = 0x00,
    PCC_COUNT = 0x04,
    PCC_CTRL = 0x08,
    PCC_COMPARE = 0x0c,
    PCC_STATUS = 0x10,
    PCC_DMA_SRC = 0x20,
    PCC_DMA_DST = 0x28,
    PCC_DMA_LEN = 0x30,
    PCC_DMA_CMD = 0x34,
    PCC_BAR_SIZE = 0x1000,
    PCC_DMA_MAX = 0x1000, /* the device's buffer */
};

#define CTRL_EN (1u << 0)
#define CTRL_IE_MATCH (1u << 1)
#define CTRL_IE_DMA (1u << 2)
#define STATUS_MATCH (1u << 0)
#define STATUS_DMA_DONE (1u << 1)
#define STATUS_DMA_ERROR (1u << 2)

typedef struct PciCounter {
    BbPciDevice parent_obj;
    uint32_t tick_ns;         /* property */
    BbTimerContext *clocks;
    BbTimer *match;           /* armed for the next COMPARE match */
    BbRegBlock regs;
    unsigned msi_cap;         /* config offset of the MSI capability */
    uint32_t count_base;      /* COUNT at start_ns */
    int64_t start_ns;         /* when COUNT was count_base */
    uint32_t ctrl, compare, status;
    uint64_t dma_src, dma_dst;
    uint32_t dma_len;
    bool irq;                 /* the interrupt condition, last seen */
    uint8_t buf[PCC_DMA_MAX]; /* the copy goes through it */
} PciCounter;

BB_DECLARE_TYPE(PciCounter, BbPciDeviceClass, PCI_COUNTER, TYPE_PCI_COUNTER)

static const BbPropertyInfo pcc_props[] = {
    BB_PROP_UINT_RANGE("tick-ns", PciCounter, tick_ns, 1000, 1, 1000000,
                       "ns of virtual time per COUNT tick"),
    BB_PROP_END
};

/* ------------------------------------------------------------ interrupt */

/* INTx follows the condition as a level; MSI sends one message on each
 * rising edge.  The pin must stay low while MSI is on (pci.h). */
static void pcc_update_irq(PciCounter *s)
{
    BbPciDevice *pdev = BB_PCI_DEVICE(s);
    bool level = ((s->status & STATUS_MATCH) && (s->ctrl & CTRL_IE_MATCH)) ||
                 ((s->status & (STATUS_DMA_DONE | STATUS_DMA_ERROR)) &&
                  (s->ctrl & CTRL_IE_DMA));

    if (bb_pci_msi_enabled(pdev)) {
        if (level && !s->irq) {
            bb_pci_msi_notify(pdev, 0);
        }
    } else {
        bb_pci_set_irq(pdev, level);
    }
    s->irq = level;
}

/* ------------------------------------------------------------ counter */

static int64_t pcc_now(PciCounter *s)
{
    return bb_clock_get_ns(s->clocks, BB_CLOCK_VIRTUAL);
}

/* Whole ticks since start_ns (the counter runs only while EN). */
static uint64_t pcc_ticks(PciCounter *s, int64_t now)
{
    return (s->ctrl & CTRL_EN) ? (uint64_t)(now - s->start_ns) / s->tick_ns
                               : 0;
}

static uint32_t pcc_count(PciCounter *s, int64_t now)
{
    return s->count_base + (uint32_t)pcc_ticks(s, now);
}

/* Arm the match timer for the next tick on which COUNT becomes COMPARE:
 * the counter is computed from virtual time, so the timer fires once per
 * match, not once per tick. */
static void pcc_arm(PciCounter *s, int64_t now)
{
    uint64_t ticks, need;

    if (!(s->ctrl & CTRL_EN)) {
        bb_timer_del(s->match);
        return;
    }
    ticks = pcc_ticks(s, now);
    need = (uint32_t)(s->compare - (s->count_base + (uint32_t)ticks));
    if (need == 0) {
        need = UINT64_C(1) << 32; /* matched on this tick: next wrap */
    }
    bb_timer_mod(s->match, s->start_ns + (int64_t)((ticks + need) *
                                                   s->tick_ns));
}

/* Restart counting at @now from @count (the tick phase restarts too). */
static void pcc_restart(PciCounter *s, int64_t now, uint32_t count)
{
    s->count_base = count;
    s->start_ns = now;
    pcc_arm(s, now);
}

static void pcc_matched(void *opaque)
{
    PciCounter *s = opaque;

    s->status |= STATUS_MATCH;
    pcc_arm(s, bb_timer_get_deadline(s->match));
    pcc_update_irq(s);
}

/* ------------------------------------------------------------ DMA */

/* The copy: every check before any access, so a bad command moves no
 * byte; bus refusals (bus mastering off, nothing mapped) are reported by
 * the core as guest errors and end the copy with DMA_ERROR. */
static void pcc_dma(PciCounter *s)
{
    BbPciDevice *pdev = BB_PCI_DEVICE(s);
    uint32_t len = s->dma_len;
    bool ok;

    if (len == 0 || len > PCC_DMA_MAX) {
        bb_guest_error("pci-counter: DMA_LEN %" PRIu32 " not in 1..%u",
                       len, PCC_DMA_MAX);
        ok = false;
    } else if (s->dma_src > UINT64_MAX - (len - 1) ||
               s->dma_dst > UINT64_MAX - (len - 1)) {
        bb_guest_error("pci-counter: DMA range wraps the address space");
        ok = false;
    } else {
        ok = bb_pci_dma_read(pdev, s->dma_src, s->buf, len) == BB_MEMTX_OK &&
             bb_pci_dma_write(pdev, s->dma_dst, s->buf, len) == BB_MEMTX_OK;
    }
    s->status |= STATUS_DMA_DONE | (ok ? 0 : STATUS_DMA_ERROR);
}

/* ------------------------------------------------------------ registers */

static uint64_t pcc_count_read(void *opaque, const BbRegInfo *reg,
                               uint64_t v)
{
    PciCounter *s = opaque;

    return pcc_count(s, pcc_now(s));
}

static void pcc_count_written(void *opaque, const BbRegInfo *reg,
                              uint64_t old, uint64_t v)
{
    PciCounter *s = opaque;

    pcc_restart(s, pcc_now(s), (uint32_t)v);
}

/* EN changes freeze or restart the counter where it stands. */
static bool pcc_ctrl_pre_write(void *opaque, const BbRegInfo *reg,
                               uint64_t *v)
{
    PciCounter *s = opaque;
    int64_t now = pcc_now(s);

    if ((*v ^ s->ctrl) & CTRL_EN) {
        s->count_base = pcc_count(s, now);
        s->start_ns = now;
    }
    return true;
}

static void pcc_ctrl_written(void *opaque, const BbRegInfo *reg,
                             uint64_t old, uint64_t v)
{
    PciCounter *s = opaque;

    pcc_arm(s, pcc_now(s));
    pcc_update_irq(s);
}

static void pcc_compare_written(void *opaque, const BbRegInfo *reg,
                                uint64_t old, uint64_t v)
{
    PciCounter *s = opaque;

    pcc_arm(s, pcc_now(s));
}

static void pcc_status_written(void *opaque, const BbRegInfo *reg,
                               uint64_t old, uint64_t v)
{
    pcc_update_irq(opaque);
}

static void pcc_cmd_written(void *opaque, const BbRegInfo *reg,
                            uint64_t old, uint64_t v)
{
    PciCounter *s = opaque;

    if (v & 1) {
        pcc_dma(s);
        pcc_update_irq(s);
    }
}

static const BbRegInfo pcc_regs[] = {
    { .name = "ID", .addr = PCC_ID, .size = 4, .reset = 0x50434e31,
      .ro_mask = BB_REG_ALL },
    { .name = "COUNT", .addr = PCC_COUNT, .size = 4,
      .read = pcc_count_read, .post_write = pcc_count_written },
    { .name = "CTRL", .addr = PCC_CTRL, .size = 4,
      BB_REG_FIELD(PciCounter, ctrl), .ro_mask = ~UINT64_C(7),
      .pre_write = pcc_ctrl_pre_write, .post_write = pcc_ctrl_written },
    { .name = "COMPARE", .addr = PCC_COMPARE, .size = 4,
      BB_REG_FIELD(PciCounter, compare), .post_write = pcc_compare_written },
    { .name = "STATUS", .addr = PCC_STATUS, .size = 4,
      BB_REG_FIELD(PciCounter, status), .ro_mask = ~UINT64_C(7),
      .w1c_mask = 7, .post_write = pcc_status_written },
    { .name = "DMA_SRC", .addr = PCC_DMA_SRC, .size = 8,
      BB_REG_FIELD(PciCounter, dma_src) },
    { .name = "DMA_DST", .addr = PCC_DMA_DST, .size = 8,
      BB_REG_FIELD(PciCounter, dma_dst) },
    { .name = "DMA_LEN", .addr = PCC_DMA_LEN, .size = 4,
      BB_REG_FIELD(PciCounter, dma_len) },
    { .name = "DMA_CMD", .addr = PCC_DMA_CMD, .size = 4,
      .wo_mask = BB_REG_ALL, .post_write = pcc_cmd_written },
    BB_REG_END
};

/* 4-byte accesses, and 8-byte ones for the 64-bit registers. */
static const BbMemoryAccessRules pcc_valid = { .min_access_size = 4,
                                               .max_access_size = 8 };

/* ------------------------------------------------------------ config */

/* A write that may turn MSI on must find the pin low: lower it first,
 * let the core apply the write, then re-evaluate in the new mode. */
static void pcc_config_write(BbPciDevice *pdev, uint32_t addr,
                             uint32_t value, unsigned len)
{
    PciCounter *s = PCI_COUNTER(pdev);
    unsigned ctl = s->msi_cap + 2;
    bool touches_msi = addr < ctl + 2 && addr + len > ctl;

    if (touches_msi && !bb_pci_msi_enabled(pdev)) {
        bb_pci_set_irq(pdev, false);
        s->irq = false;
    }
    bb_pci_default_config_write(pdev, addr, value, len);
    if (touches_msi) {
        pcc_update_irq(s);
    }
}

/* ------------------------------------------------------------ state */

static bool pcc_post_load(void *opaque, uint32_t version, GError **error)
{
    PciCounter *s = opaque;

    if (!(s->ctrl & CTRL_EN) != !bb_timer_is_pending(s->match)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "pci-counter: CTRL.EN is %u but the match timer is %s",
                    s->ctrl & CTRL_EN,
                    bb_timer_is_pending(s->match) ? "armed" : "stopped");
        return false;
    }
    return true;
}

/* The core's part (configuration space, MSI, the pin) comes first. */
static const BbStateField pcc_state_fields[] = {
    BB_STATE_STRUCT(PciCounter, parent_obj, &bb_pci_device_state),
    BB_STATE_U32(PciCounter, count_base),
    BB_STATE_I64(PciCounter, start_ns),
    BB_STATE_U32(PciCounter, ctrl),
    BB_STATE_U32(PciCounter, compare),
    BB_STATE_U32(PciCounter, status),
    BB_STATE_U64(PciCounter, dma_src),
    BB_STATE_U64(PciCounter, dma_dst),
    BB_STATE_U32(PciCounter, dma_len),
    BB_STATE_BOOL(PciCounter, irq),
    BB_STATE_TIMER(PciCounter, match),
    BB_STATE_END
};

static const BbStateDesc pcc_state = {
    .name = TYPE_PCI_COUNTER, .version = 1, .min_version = 1,
    .fields = pcc_state_fields, .post_load = pcc_post_load,
};

/* ------------------------------------------------------------ life cycle */

static bool pcc_realize(BbPciDevice *pdev, GError **error)
{
    PciCounter *s = PCI_COUNTER(pdev);
    BbSystem *sys = bb_device_get_system(BB_DEVICE(pdev));
    BbMemoryRegion *mr;
    bool ok;

    if (!sys) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "pci-counter needs a system (a board) to run in");
        return false;
    }
    if (!bb_reg_block_init(&s->regs, BB_OBJECT(pdev), pcc_regs,
                           BB_ENDIAN_LITTLE, s, error) ||
        !(mr = bb_reg_block_new_region(&s->regs, "pci-counter-bar0",
                                       PCC_BAR_SIZE, &pcc_valid, error))) {
        return false;
    }
    /* The core maps the BAR while the guest has memory decode on. */
    ok = bb_pci_register_bar(pdev, 0, BB_PCI_BAR_MEM32, mr, error);
    bb_memory_region_unref(mr);
    if (!ok) {
        return false;
    }
    s->msi_cap = bb_pci_msi_init(pdev, 0, 1, true, false, error);
    if (!s->msi_cap) {
        return false;
    }
    s->clocks = bb_system_get_timers(sys);
    s->match = bb_timer_new(s->clocks, BB_CLOCK_VIRTUAL, pcc_matched, s);
    return true;
}

static void pcc_exit(BbPciDevice *pdev)
{
    g_clear_pointer(&PCI_COUNTER(pdev)->match, bb_timer_free);
}

/* After the core's reset of the function (header back to power-on, BARs
 * unmapped, pin low, MSI off). */
static void pcc_reset(BbPciDevice *pdev)
{
    PciCounter *s = PCI_COUNTER(pdev);

    bb_timer_del(s->match);
    bb_reg_block_reset(&s->regs);
    s->count_base = 0;
    s->start_ns = 0;
    s->irq = false;
}

static void pcc_class_init(BbObjectClass *klass, const void *data)
{
    BbPciDeviceClass *pc = BB_PCI_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, pcc_props);
    pc->realize = pcc_realize;
    pc->exit = pcc_exit;
    pc->config_write = pcc_config_write;
    pc->reset = pcc_reset;
    pc->parent_class.state = &pcc_state;
    pc->vendor_id = 0x1234;
    pc->device_id = 0xbb01;
    pc->revision = 1;
    pc->class_id = 0x00ff; /* unclassified device, "other" */
    pc->interrupt_pin = 1; /* INTA */
}

static const BbTypeInfo pcc_info = {
    .name = TYPE_PCI_COUNTER,
    .parent = BB_TYPE_PCI_DEVICE,
    .instance_size = sizeof(PciCounter),
    .class_size = sizeof(BbPciDeviceClass),
    .class_init = pcc_class_init,
    .description = "sample PCI device: counter, DMA copy, INTx and MSI",
};

static bool pcc_plugin_init(BbPlugin *plugin, GError **error)
{
    return bb_plugin_register_type(plugin, &pcc_info, error);
}

BB_PLUGIN_DEFINE("pci-counter", "1.0.0", "MIT",
                 "sample out-of-tree PCI device: a counter with DMA",
                 pcc_plugin_init, TYPE_PCI_COUNTER)
