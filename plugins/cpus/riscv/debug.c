/*
 * debug.c - what debuggers and the monitor see of a RISC-V hart: the
 * register table in GDB's remote numbering (x0-x31 = 0-31, pc = 32,
 * f0-f31 = 33-64, the privilege level = 65, CSR n = 66 + n, as the
 * riscv target description features org.gnu.gdb.riscv.cpu/fpu/virtual/
 * csr number them, with fflags/frm/fcsr in the fpu feature; docs/riscv.md, "Registers"), register reads and
 * writes without privilege checks, and address translation that raises
 * nothing and writes no accessed/dirty bits.
 */
#include <string.h>

#include "riscv.h"

#define FEATURE_CPU "org.gnu.gdb.riscv.cpu"
#define FEATURE_FPU "org.gnu.gdb.riscv.fpu"
#define FEATURE_VIRTUAL "org.gnu.gdb.riscv.virtual"
#define FEATURE_CSR "org.gnu.gdb.riscv.csr"

/* GDB's ABI names: x8 is "fp" in the target description. */
static const char *const gdb_xreg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static BbCpuRegInfo *reg_table;
static unsigned reg_count;

static const char *xreg_type(unsigned i)
{
    switch (i) {
    case 1:
        return "code_ptr";
    case 2: case 3: case 4: case 8:
        return "data_ptr";
    default:
        return "int";
    }
}

/* Built once: every CSR the table implements, whatever the ISA string
 * (a register a hart lacks reads as what its CSR read hook returns). */
static void build_table(void)
{
    GArray *t = g_array_new(false, true, sizeof(BbCpuRegInfo));
    BbCpuRegInfo r;

    for (unsigned i = 0; i < 32; i++) {
        r = (BbCpuRegInfo){ gdb_xreg_names[i], i, 64, FEATURE_CPU,
                            xreg_type(i), "general", { 0 } };
        g_array_append_val(t, r);
    }
    r = (BbCpuRegInfo){ "pc", RISCV_REGNO_PC, 64, FEATURE_CPU, "code_ptr",
                        "general", { 0 } };
    g_array_append_val(t, r);
    for (unsigned i = 0; i < 32; i++) {
        r = (BbCpuRegInfo){ riscv_freg_names[i], RISCV_REGNO_FPR0 + i, 64,
                            FEATURE_FPU, "ieee_double", "float", { 0 } };
        g_array_append_val(t, r);
    }
    /* fflags, frm, fcsr (CSRs 1-3) in the FPU feature, where GDB's own
     * riscv-64bit-fpu.xml has them (32-bit); QEMU 7.2 lost them */
    for (unsigned csr = 1; csr <= 3; csr++) {
        r = (BbCpuRegInfo){ riscv_csr_name(csr), RISCV_REGNO_CSR0 + csr, 32,
                            FEATURE_FPU, "int", "float", { 0 } };
        g_array_append_val(t, r);
    }
    r = (BbCpuRegInfo){ "priv", RISCV_REGNO_PRIV, 64, FEATURE_VIRTUAL,
                        "int", "system", { 0 } };
    g_array_append_val(t, r);
    for (unsigned csr = 4; csr < 4096; csr++) {
        const char *name = riscv_csr_name(csr);
        if (name) {
            r = (BbCpuRegInfo){ name, RISCV_REGNO_CSR0 + csr, 64,
                                FEATURE_CSR, "int", "system", { 0 } };
            g_array_append_val(t, r);
        }
    }
    reg_count = t->len;
    reg_table = (BbCpuRegInfo *)g_array_free(t, false);
}

static const BbCpuRegInfo *riscv_get_registers(BbCpu *cpu, unsigned *count)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        build_table();
        g_once_init_leave(&once, 1);
    }
    *count = reg_count;
    return reg_table;
}

static bool riscv_access_register(BbCpu *cpu, unsigned regno,
                                  uint64_t *value, bool write)
{
    RiscvCpu *s = (RiscvCpu *)cpu;

    if (regno < 32) {
        if (write) {
            if (regno) {
                s->gpr[regno] = *value; /* x0 stays 0 */
            }
        } else {
            *value = s->gpr[regno];
        }
        return true;
    }
    if (regno == RISCV_REGNO_PC) {
        if (write) {
            s->pc = *value;
            s->reset_pc_pending = false;
        } else {
            if (s->reset_pc_pending) {
                riscv_resolve_reset_pc(s); /* where it will start */
            }
            *value = s->pc;
        }
        return true;
    }
    if (regno >= RISCV_REGNO_FPR0 && regno < RISCV_REGNO_FPR0 + 32) {
        if (write) {
            s->fpr[regno - RISCV_REGNO_FPR0] = *value;
        } else {
            *value = s->fpr[regno - RISCV_REGNO_FPR0];
        }
        return true;
    }
    if (regno == RISCV_REGNO_PRIV) {
        if (write) {
            /* QEMU's rule: the low two bits, and the reserved 2 means S */
            unsigned prv = *value & 3;
            s->priv = prv == 2 ? PRV_S : prv;
            bb_cpu_tlb_flush(cpu);
            riscv_update_interrupts(s);
        } else {
            *value = s->priv;
        }
        return true;
    }
    if (regno >= RISCV_REGNO_CSR0 && regno < RISCV_REGNO_CSR0 + 4096) {
        unsigned csr = regno - RISCV_REGNO_CSR0;
        return write ? riscv_csr_poke(s, csr, *value)
                     : riscv_csr_peek(s, csr, value);
    }
    return false;
}

static bool riscv_debug_translate(BbCpu *cpu, uint64_t vaddr,
                                  uint64_t *paddr)
{
    RiscvCpu *s = (RiscvCpu *)cpu;
    BbAddressSpace *as = bb_cpu_get_address_space(cpu);
    unsigned prot;
    uint32_t cause;
    bool ok;

    if (!as) {
        return false;
    }
    s->mmu_debug = true;
    /* A data read in the current mode; an execute-only page is still
     * code the debugger wants to see. */
    ok = riscv_mmu_translate(s, as, vaddr, 1, BB_ACCESS_READ,
                             riscv_mmu_index(cpu, false), paddr, &prot,
                             &cause) ||
         riscv_mmu_translate(s, as, vaddr, 1, BB_ACCESS_EXEC,
                             riscv_mmu_index(cpu, true), paddr, &prot,
                             &cause);
    s->mmu_debug = false;
    return ok;
}

void riscv_debug_init(BbCpuClass *cc)
{
    cc->get_registers = riscv_get_registers;
    cc->access_register = riscv_access_register;
    cc->debug_translate = riscv_debug_translate;
}
