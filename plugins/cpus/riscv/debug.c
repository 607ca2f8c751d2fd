/*
 * debug.c - the hart's registers as debuggers and the monitor see them
 * (BbCpuClass.get_registers and access_register, cpu.h): one table in
 * the order of the GDB target description the host serves, with QEMU's
 * remote register numbers so that scripts written against QEMU's gdbstub
 * keep working (docs/debugging.md, "Registers"):
 *
 *   0-31    x0-x31 as zero, ra, sp...   org.gnu.gdb.riscv.cpu
 *   32      pc                          org.gnu.gdb.riscv.cpu
 *   33-64   f0-f31 as ft0, ft1...       org.gnu.gdb.riscv.fpu (with F/D)
 *   66+n    fflags, frm, fcsr (n 1-3)   org.gnu.gdb.riscv.fpu (with F/D)
 *   65      priv (0 U, 1 S, 3 M)        org.gnu.gdb.riscv.virtual
 *   66+n    every other CSR n the hart  org.gnu.gdb.riscv.csr
 *           has
 *
 * Unlike QEMU 7.2, fflags/frm/fcsr are served (in the FPU feature, where
 * GDB's own riscv-64bit-fpu.xml has them) whatever mstatus.FS is.
 */
#include "riscv.h"

#define REGNUM_PC 32
#define REGNUM_F0 33
#define REGNUM_PRIV 65
#define REGNUM_CSR0 66

#define FEATURE_CPU "org.gnu.gdb.riscv.cpu"
#define FEATURE_FPU "org.gnu.gdb.riscv.fpu"
#define FEATURE_VIRTUAL "org.gnu.gdb.riscv.virtual"
#define FEATURE_CSR "org.gnu.gdb.riscv.csr"

static const char *xreg_type(unsigned i)
{
    switch (i) {
    case 1:
        return "code_ptr"; /* ra */
    case 2: case 3: case 4: case 8:
        return "data_ptr"; /* sp, gp, tp, fp */
    default:
        return "int";
    }
}

static void add(GArray *t, const char *name, const char *feature,
                const char *type, const char *group, unsigned bits,
                unsigned regnum)
{
    BbCpuRegister r = { .name = name, .feature = feature, .type = type,
                        .group = group, .bitsize = bits, .regnum = regnum };

    g_array_append_val(t, r);
}

static void build_table(RiscvCpu *s)
{
    GArray *t = g_array_new(false, true, sizeof(BbCpuRegister));
    bool f = s->misa & RVF, d = s->misa & RVD;

    for (unsigned i = 0; i < 32; i++) {
        add(t, riscv_xreg_names[i], FEATURE_CPU, xreg_type(i), "general", 64,
            i);
    }
    add(t, "pc", FEATURE_CPU, "code_ptr", "general", 64, REGNUM_PC);
    if (f) {
        for (unsigned i = 0; i < 32; i++) {
            add(t, riscv_freg_names[i], FEATURE_FPU,
                d ? "ieee_double" : "ieee_single", "float", d ? 64 : 32,
                REGNUM_F0 + i);
        }
        add(t, "fflags", FEATURE_FPU, "int", "float", 32, REGNUM_CSR0 + 1);
        add(t, "frm", FEATURE_FPU, "int", "float", 32, REGNUM_CSR0 + 2);
        add(t, "fcsr", FEATURE_FPU, "int", "float", 32, REGNUM_CSR0 + 3);
    }
    add(t, "priv", FEATURE_VIRTUAL, "int", NULL, 64, REGNUM_PRIV);
    for (unsigned csr = 4; csr < 4096; csr++) {
        const char *name = riscv_csr_name(csr);
        if (name) {
            add(t, name, FEATURE_CSR, "int", NULL, 64, REGNUM_CSR0 + csr);
        }
    }
    s->dbg_nregs = t->len;
    s->dbg_regs = (BbCpuRegister *)g_array_free(t, false);
}

const BbCpuRegister *riscv_get_registers(BbCpu *cpu, unsigned *count)
{
    RiscvCpu *s = (RiscvCpu *)cpu;

    if (!s->dbg_regs) {
        build_table(s);
    }
    *count = s->dbg_nregs;
    return s->dbg_regs;
}

bool riscv_access_register(BbCpu *cpu, unsigned index, uint64_t *value,
                           bool write)
{
    RiscvCpu *s = (RiscvCpu *)cpu;
    unsigned n;

    if (!s->dbg_regs) {
        build_table(s);
    }
    if (index >= s->dbg_nregs) {
        return false;
    }
    if (s->reset_pc_pending) {
        riscv_resolve_reset_pc(s); /* show the pc the hart will start at */
    }
    n = s->dbg_regs[index].regnum;
    if (n < 32) {
        if (!write) {
            *value = s->gpr[n];
        } else if (n) {
            s->gpr[n] = *value; /* x0 stays 0 */
        }
        return true;
    }
    if (n == REGNUM_PC) {
        if (write) {
            s->pc = *value;
        } else {
            *value = s->pc;
        }
        return true;
    }
    if (n >= REGNUM_F0 && n < REGNUM_F0 + 32) {
        bool single = s->dbg_regs[index].bitsize == 32;
        if (write) {
            /* a single is NaN-boxed in the 64-bit register */
            s->fpr[n - REGNUM_F0] =
                single ? *value | 0xffffffff00000000ull : *value;
        } else {
            *value = single ? (uint32_t)s->fpr[n - REGNUM_F0]
                            : s->fpr[n - REGNUM_F0];
        }
        return true;
    }
    if (n == REGNUM_PRIV) {
        if (write) {
            unsigned p = *value & 3;
            s->priv = p == 2 ? PRV_S : p; /* 2 is reserved: QEMU makes S */
            riscv_update_interrupts(s);
        } else {
            *value = s->priv;
        }
        return true;
    }
    if (write) {
        return riscv_csr_poke(s, n - REGNUM_CSR0, *value);
    }
    return riscv_csr_peek(s, n - REGNUM_CSR0, value);
}
