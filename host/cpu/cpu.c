/*
 * cpu.c - the CPU base type "cpu" (cpu.h; DESIGN.md §7): an abstract
 * device with the "hartid" property whose realize registers the hart with
 * its system's execution loop (host/tcg/exec.c), and the simple SDK
 * functions a CPU plugin calls (exit and interrupt requests, WFI, TLB
 * flushes).  Unwinding and instruction fetch live in exec.c, next to the
 * loop they belong to.
 *
 * A plugin's CPU class may set BbDeviceClass.realize/unrealize like any
 * device.  The base type adopts them when the first instance of the class
 * is made (instance_init): it records them per class and puts its own
 * realize/unrealize in their place, which run the subclass's hooks around
 * the hart's registration.
 */
#include <breadboard/cpu.h>
#include <breadboard/main-loop.h>
#include <breadboard/system.h>

#include "cpu/cpu-internal.h"
#include "system/system-internal.h"
#include "tcg/exec.h"

/* A CPU class's own realize/unrealize, adopted by the base type. */
typedef struct CpuHooks {
    bool (*realize)(BbDevice *dev, GError **error);
    void (*unrealize)(BbDevice *dev);
} CpuHooks;

static GMutex cpu_hooks_lock;
static GHashTable *cpu_hooks; /* BbDeviceClass * -> CpuHooks * */

static bool cpu_realize(BbDevice *dev, GError **error);
static void cpu_unrealize(BbDevice *dev);

/* The hooks recorded for @klass or its nearest ancestor (lock held). */
static const CpuHooks *cpu_hooks_find_locked(BbObjectClass *klass)
{
    for (; klass && cpu_hooks; klass = bb_object_class_get_parent(klass)) {
        const CpuHooks *h = g_hash_table_lookup(cpu_hooks, klass);
        if (h) {
            return h;
        }
    }
    return NULL;
}

static CpuHooks cpu_hooks_find(BbDeviceClass *dc)
{
    CpuHooks h = { 0 };

    g_mutex_lock(&cpu_hooks_lock);
    const CpuHooks *found = cpu_hooks_find_locked((BbObjectClass *)dc);
    if (found) {
        h = *found;
    }
    g_mutex_unlock(&cpu_hooks_lock);
    return h;
}

/* Put the base type's realize/unrealize back in front of a subclass's. */
static void cpu_adopt_hooks(BbDeviceClass *dc)
{
    g_mutex_lock(&cpu_hooks_lock);
    if (dc->realize != cpu_realize || dc->unrealize != cpu_unrealize) {
        const CpuHooks *inherited = cpu_hooks_find_locked(
            bb_object_class_get_parent((BbObjectClass *)dc));
        CpuHooks *h = g_new0(CpuHooks, 1);

        if (inherited) {
            *h = *inherited;
        }
        if (dc->realize != cpu_realize) {
            h->realize = dc->realize;
        }
        if (dc->unrealize != cpu_unrealize) {
            h->unrealize = dc->unrealize;
        }
        if (!cpu_hooks) {
            cpu_hooks = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                              NULL, g_free);
        }
        g_hash_table_replace(cpu_hooks, dc, h);
        dc->realize = cpu_realize;
        dc->unrealize = cpu_unrealize;
    }
    g_mutex_unlock(&cpu_hooks_lock);
}

static bool cpu_realize(BbDevice *dev, GError **error)
{
    CpuHooks h = cpu_hooks_find(BB_DEVICE_GET_CLASS(dev));
    BbSystem *sys;

    if (h.realize && !h.realize(dev, error)) {
        return false;
    }
    sys = bb_device_get_system(dev);
    if (sys && !exec_register_hart(sys, BB_CPU(dev), error)) {
        if (h.unrealize) {
            h.unrealize(dev);
        }
        return false;
    }
    return true;
}

static void cpu_unrealize(BbDevice *dev)
{
    CpuHooks h = cpu_hooks_find(BB_DEVICE_GET_CLASS(dev));

    exec_unregister_hart(BB_CPU(dev));
    if (h.unrealize) {
        h.unrealize(dev);
    }
}

static void cpu_instance_init(BbObject *obj)
{
    cpu_adopt_hooks(BB_DEVICE_GET_CLASS(obj));
}

static const BbPropertyInfo cpu_props[] = {
    BB_PROP_UINT("hartid", BbCpu, hartid, 0, "hart ID (mhartid)"),
    BB_PROP_END
};

static void cpu_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, cpu_props);
    dc->realize = cpu_realize;
    dc->unrealize = cpu_unrealize;
}

const BbTypeInfo cpu_type_info = {
    .name = BB_TYPE_CPU,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(BbCpu),
    .class_size = sizeof(BbCpuClass),
    .abstract = true,
    .instance_init = cpu_instance_init,
    .class_init = cpu_class_init,
    .description = "a hart run by the JIT (base of all CPUs)",
};

/* ------------------------------------------------------------ SDK */

/* Requests are seen at the next TB entry: the flag first, then the stop
 * in the budget (exec.c clears the stop before reading the flags). */
void bb_cpu_request_exit(BbCpu *cpu)
{
    cpu->exit_request = 1;
    exec_cpu_kick(cpu);
}

/* The loop runs on the thread that iterates the main loop, so a request
 * made there (a device model, a helper, a CSR write) needs no wakeup: the
 * loop looks at the hart before it next polls.  Only another thread must
 * interrupt a blocking poll (an eventfd write and read per request made
 * the main loop's profile when a guest took interrupts often). */
void bb_cpu_request_interrupt(BbCpu *cpu)
{
    cpu->interrupt_request = 1;
    cpu->exit_request = 1;
    exec_cpu_kick(cpu);
    exec_cpu_woken(cpu);
    if (cpu->priv && cpu->priv->sys && !system_on_loop_thread(cpu->priv->sys)) {
        bb_main_loop_wakeup(bb_system_get_main_loop(cpu->priv->sys));
    }
}

void bb_cpu_yield(BbCpu *cpu)
{
    g_return_if_fail(cpu != NULL);
    if (cpu->priv && cpu->priv->exec) {
        exec_cpu_yield(cpu);
    }
}

void bb_cpu_halt(BbCpu *cpu)
{
    cpu->halted = true;
    cpu->exit_request = 1;
    exec_cpu_kick(cpu);
}

void bb_cpu_tlb_flush(BbCpu *cpu)
{
    if (cpu->priv && cpu->priv->sm) {
        tlb_flush(cpu->priv->sm);
        tb_jump_cache_clear(cpu->priv->jc);
    }
}

void bb_cpu_tlb_flush_page(BbCpu *cpu, uint64_t vaddr)
{
    if (cpu->priv && cpu->priv->sm) {
        tlb_flush_page(cpu->priv->sm, vaddr);
        tb_jump_cache_clear(cpu->priv->jc);
    }
}

BbAddressSpace *bb_cpu_get_address_space(BbCpu *cpu)
{
    if (cpu->priv && cpu->priv->sys) {
        return bb_system_get_address_space(cpu->priv->sys);
    }
    BbSystem *sys = bb_device_get_system(BB_DEVICE(cpu));
    return sys ? bb_system_get_address_space(sys) : NULL;
}

/* ------------------------------------------------------------ debug access */

const BbCpuRegInfo *bb_cpu_get_registers(BbCpu *cpu, unsigned *count)
{
    BbCpuClass *cc = BB_CPU_GET_CLASS(cpu);
    const BbCpuRegInfo *regs = NULL;
    unsigned n = 0;

    if (cc->get_registers) {
        regs = cc->get_registers(cpu, &n);
    }
    *count = regs ? n : 0;
    return regs;
}

const BbCpuRegInfo *bb_cpu_find_register(BbCpu *cpu, const char *name)
{
    unsigned n;
    const BbCpuRegInfo *regs = bb_cpu_get_registers(cpu, &n);

    for (unsigned i = 0; name && i < n; i++) {
        if (!g_ascii_strcasecmp(regs[i].name, name)) {
            return &regs[i];
        }
    }
    return NULL;
}

bool bb_cpu_read_register(BbCpu *cpu, unsigned regno, uint64_t *value)
{
    BbCpuClass *cc = BB_CPU_GET_CLASS(cpu);

    *value = 0;
    return cc->access_register && cc->access_register(cpu, regno, value,
                                                      false);
}

bool bb_cpu_write_register(BbCpu *cpu, unsigned regno, uint64_t value)
{
    BbCpuClass *cc = BB_CPU_GET_CLASS(cpu);

    if (!cc->access_register || !cc->access_register(cpu, regno, &value,
                                                      true)) {
        return false;
    }
    /* pc, mode or translation may have changed: no chained jump from the
     * last TB, and the next TB is looked up from the new state. */
    if (cpu->priv) {
        cpu->priv->last = NULL;
        if (cpu->priv->jc) {
            tb_jump_cache_clear(cpu->priv->jc);
        }
    }
    cpu->exit_request = 1;
    return true;
}

bool bb_cpu_debug_translate(BbCpu *cpu, uint64_t vaddr, uint64_t *paddr)
{
    BbCpuClass *cc = BB_CPU_GET_CLASS(cpu);

    if (!cc->debug_translate) {
        *paddr = vaddr;
        return true;
    }
    return cc->debug_translate(cpu, vaddr, paddr);
}

bool bb_cpu_memory_rw_debug(BbCpu *cpu, uint64_t vaddr, void *buf, size_t len,
                            bool write)
{
    BbAddressSpace *as = bb_cpu_get_address_space(cpu);
    uint8_t *p = buf;

    if (!as) {
        return false;
    }
    while (len) {
        /* One 4 KiB page at a time: each may map elsewhere. */
        size_t chunk = MIN(len, 4096 - (vaddr & 4095));
        uint64_t paddr;
        BbMemTxResult r;

        if (!bb_cpu_debug_translate(cpu, vaddr, &paddr)) {
            return false;
        }
        r = write ? bb_address_space_write(as, paddr, p, chunk)
                  : bb_address_space_read(as, paddr, p, chunk);
        if (write && cpu->priv && cpu->priv->sys) {
            /* a debugger may patch code: no stale translation may run */
            exec_invalidate_phys(cpu->priv->sys, paddr, chunk);
        }
        if (r != BB_MEMTX_OK) {
            return false;
        }
        p += chunk;
        vaddr += chunk;
        len -= chunk;
    }
    return true;
}
