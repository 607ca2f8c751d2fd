/*
 * csr-test.c - the privileged architecture of the RISC-V hart (csr.c,
 * priv.c, riscv-cpu.c).  On a plain RiscvCpu struct: the CSR
 * instruction semantics (which forms read and write), privilege and
 * read-only checks, unimplemented registers, the WARL rules of mstatus,
 * sstatus, the delegation and interrupt registers, xtvec, xepc, satp
 * (the mode probe Linux does), counters and counteren gating, FP CSRs
 * and FS, envcfg; trap delivery with delegation and vectoring, interrupt
 * priority and enable rules, xRET, the MMU index and TB flags, and
 * reservations lost to another hart.  On real "riscv64" objects: ISA
 * string parsing into misa and its errors, reset state, the reset PC
 * taken from the machine's "entry", interrupt input lines, the
 * device-tree node and the state description.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "riscv.h"

extern const BbTypeInfo riscv_cpu_info; /* riscv-cpu.c */

#define MISA_RV64GC 0x800000000014112dull /* imafdc + S + U */

/* CSR instruction encodings */
enum { F_RW = 1, F_RS = 2, F_RC = 3, F_RWI = 5, F_RSI = 6, F_RCI = 7 };

static uint32_t csr_insn(unsigned funct3, unsigned rd, unsigned csr,
                         unsigned rs1)
{
    return csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73;
}

static RiscvCpu *new_hart(void)
{
    RiscvCpu *s = g_new0(RiscvCpu, 1);

    s->misa = MISA_RV64GC;
    s->satp_mode_max = SATP_SV57;
    s->pmp_entries = 16;
    s->timebase_freq = 10000000;
    riscv_csr_reset(s);
    s->priv = PRV_M;
    s->load_res = UINT64_MAX;
    return s;
}

/* csrrw csr, src (x5 -> x6); true if legal. */
static bool csr_write(RiscvCpu *s, unsigned csr, uint64_t v)
{
    uint64_t old;
    return riscv_csr_op(s, csr_insn(F_RW, 6, csr, 5), v, &old);
}

/* csrr (csrrs rd, csr, x0); the value, or 0xdead if illegal. */
static uint64_t csr_read(RiscvCpu *s, unsigned csr)
{
    uint64_t v;
    if (!riscv_csr_op(s, csr_insn(F_RS, 6, csr, 0), 0, &v)) {
        return 0xdead;
    }
    return v;
}

static bool csr_readable(RiscvCpu *s, unsigned csr)
{
    uint64_t v;
    return riscv_csr_op(s, csr_insn(F_RS, 6, csr, 0), 0, &v);
}

/* ------------------------------------------------------------ CSR insns */

static void insn_forms(void **state)
{
    g_autofree RiscvCpu *s = new_hart();
    uint64_t old;

    s->mscratch = 0xf0;
    /* csrrw returns the old value and writes */
    assert_true(riscv_csr_op(s, csr_insn(F_RW, 6, 0x340, 5), 0x0f, &old));
    assert_int_equal(old, 0xf0);
    assert_int_equal(s->mscratch, 0x0f);
    /* csrrs sets, csrrc clears */
    assert_true(riscv_csr_op(s, csr_insn(F_RS, 6, 0x340, 5), 0x30, &old));
    assert_int_equal(old, 0x0f);
    assert_int_equal(s->mscratch, 0x3f);
    assert_true(riscv_csr_op(s, csr_insn(F_RC, 6, 0x340, 5), 0x0c, &old));
    assert_int_equal(old, 0x3f);
    assert_int_equal(s->mscratch, 0x33);
    /* the immediate forms: uimm in rs1's field, value passed as src */
    assert_true(riscv_csr_op(s, csr_insn(F_RWI, 6, 0x340, 7), 7, &old));
    assert_int_equal(s->mscratch, 7);
    assert_true(riscv_csr_op(s, csr_insn(F_RSI, 6, 0x340, 8), 8, &old));
    assert_int_equal(s->mscratch, 15);
    assert_true(riscv_csr_op(s, csr_insn(F_RCI, 6, 0x340, 1), 1, &old));
    assert_int_equal(old, 15);
    assert_int_equal(s->mscratch, 14);
    /* csrrs/csrrc with rs1 = x0 (or uimm 0) do not write: src ignored */
    assert_true(riscv_csr_op(s, csr_insn(F_RS, 6, 0x340, 0), 0xff, &old));
    assert_true(riscv_csr_op(s, csr_insn(F_RCI, 6, 0x340, 0), 0xff, &old));
    assert_int_equal(s->mscratch, 14);
    /* csrrw with rd = x0 writes and yields 0 */
    assert_true(riscv_csr_op(s, csr_insn(F_RW, 0, 0x340, 5), 99, &old));
    assert_int_equal(old, 0);
    assert_int_equal(s->mscratch, 99);
    /* funct3 0 and 4 are not CSR instructions */
    assert_false(riscv_csr_op(s, csr_insn(0, 6, 0x340, 5), 0, &old));
    assert_false(riscv_csr_op(s, csr_insn(4, 6, 0x340, 5), 0, &old));
}

static void read_only_and_privilege(void **state)
{
    g_autofree RiscvCpu *s = new_hart();
    uint64_t v;

    s->parent_obj.hartid = 3;
    assert_int_equal(csr_read(s, 0xf14), 3);              /* mhartid */
    assert_false(csr_write(s, 0xf14, 5));
    /* csrrs with rs1 != x0 writes, even with a zero value */
    assert_false(riscv_csr_op(s, csr_insn(F_RS, 6, 0xf14, 5), 0, &v));
    assert_false(riscv_csr_op(s, csr_insn(F_RWI, 6, 0xf11, 0), 0, &v));
    assert_int_equal(csr_read(s, 0xf11), 0);              /* mvendorid */
    assert_int_equal(csr_read(s, 0xf12), 0);
    assert_int_equal(csr_read(s, 0xf13), 0);
    assert_int_equal(csr_read(s, 0xf15), 0);              /* mconfigptr */
    assert_false(csr_write(s, 0xc01, 0));                 /* time */

    s->priv = PRV_S;
    assert_false(csr_readable(s, 0x300));                 /* mstatus */
    assert_false(csr_readable(s, 0xf14));
    assert_true(csr_readable(s, 0x100));                  /* sstatus */
    assert_true(csr_readable(s, 0x180));                  /* satp */
    s->priv = PRV_U;
    assert_false(csr_readable(s, 0x100));
    assert_false(csr_readable(s, 0x140));
    assert_false(csr_readable(s, 0x180));
}

static void unimplemented(void **state)
{
    static const unsigned absent[] = {
        0x3a1, 0x3a3, 0x3af,   /* odd pmpcfg: RV32 only */
        0x310,                 /* mstatush: RV32 only */
        0x30c, 0xfb0,          /* mstateen0, mtopi */
        0xda0,                 /* scountovf */
        0x7c0, 0x5c0, 0x800,   /* custom */
        0x200, 0x600, 0x680,   /* hypervisor */
        0x7b0, 0x7a4,          /* dcsr, tinfo */
        0x004, 0x105 + 0x100,
    };
    g_autofree RiscvCpu *s = new_hart();

    for (unsigned i = 0; i < G_N_ELEMENTS(absent); i++) {
        if (csr_readable(s, absent[i])) {
            fail_msg("CSR 0x%x should not exist", absent[i]);
        }
        assert_null(riscv_csr_name(absent[i]));
    }
    assert_string_equal(riscv_csr_name(0x300), "mstatus");
    assert_string_equal(riscv_csr_name(0x3b5), "pmpaddr5");
    assert_string_equal(riscv_csr_name(0x3a2), "pmpcfg2");
    assert_string_equal(riscv_csr_name(0xc03), "hpmcounter3");
    assert_string_equal(riscv_csr_name(0xb1f), "mhpmcounter31");
    assert_string_equal(riscv_csr_name(0x323), "mhpmevent3");
    assert_string_equal(riscv_csr_name(0x001), "fflags");
}

/* ------------------------------------------------------------ status */

static void mstatus_warl(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    assert_int_equal(csr_read(s, 0x300), 0x0000000a00000000ull);
    assert_true(csr_write(s, 0x300, UINT64_MAX));
    /* SIE MIE SPIE MPIE SPP MPP FS MPRV SUM MXR TVM TW TSR, UXL = SXL = 2,
     * SD from FS; UBE/SBE/MBE, VS, XS stay 0 */
    assert_int_equal(csr_read(s, 0x300), 0x8000000a007e79aaull);
    /* sstatus: its view */
    assert_int_equal(csr_read(s, 0x100), 0x80000002000c6122ull);
    /* MPP = 2 is reserved: the previous mode stays */
    assert_true(csr_write(s, 0x300, 1ull << MSTATUS_MPP_SHIFT));
    assert_true(csr_write(s, 0x300, 2ull << MSTATUS_MPP_SHIFT));
    assert_int_equal(csr_read(s, 0x300) & MSTATUS_MPP,
                     1ull << MSTATUS_MPP_SHIFT);
    /* FS Initial: SD clear */
    assert_true(csr_write(s, 0x300, 1ull << MSTATUS_FS_SHIFT));
    assert_int_equal(csr_read(s, 0x300), 0x0000000a00002000ull);
    /* UXL/SXL cannot be changed */
    assert_true(csr_write(s, 0x300, 0));
    assert_int_equal(csr_read(s, 0x300), 0x0000000a00000000ull);

    /* without F, FS is read-only zero */
    s->misa &= ~(RVF | RVD);
    assert_true(csr_write(s, 0x300, MSTATUS_FS));
    assert_int_equal(csr_read(s, 0x300) & MSTATUS_FS, 0);
}

static void sstatus_writes(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    s->mstatus |= MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_TSR;
    s->priv = PRV_S;
    assert_true(csr_write(s, 0x100, UINT64_MAX));
    assert_int_equal(s->mstatus, 0x8000000a004c61aaull);
    assert_true(csr_write(s, 0x100, 0));
    /* the M-only bits are untouched */
    assert_int_equal(s->mstatus, 0x0000000a00400088ull);
}

static void misa_and_envcfg(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    assert_int_equal(csr_read(s, 0x301), MISA_RV64GC);
    assert_true(csr_write(s, 0x301, 0));
    assert_int_equal(csr_read(s, 0x301), MISA_RV64GC);
    /* menvcfg/senvcfg: only FIOM; CBIE/CBCFE/CBZE/PBMTE/STCE read 0 */
    assert_true(csr_write(s, 0x30a, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x30a), 1);
    assert_true(csr_write(s, 0x10a, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x10a), 1);
    /* no triggers */
    assert_true(csr_write(s, 0x7a0, 0));
    assert_int_equal(csr_read(s, 0x7a0), 0);
    assert_true(csr_write(s, 0x7a1, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x7a1), 0);
}

/* Sstc on a bare hart: time reads 0 (no system), so STIP with STCE is
 * (stimecmp == 0). */
static void sstc_csrs(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    assert_false(csr_readable(s, 0x14d));    /* no Sstc: no stimecmp */
    assert_true(csr_write(s, 0x30a, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x30a), 1); /* ...and no STCE */
    s->ext_sstc = true;
    assert_true(csr_write(s, 0x14d, 5));
    assert_int_equal(csr_read(s, 0x14d), 5);
    assert_string_equal(riscv_csr_name(0x14d), "stimecmp");
    /* STCE = 0: STIP is M's software bit, S may not touch stimecmp */
    assert_true(csr_write(s, 0x344, MIP_STIP));
    assert_int_equal(csr_read(s, 0x344) & MIP_STIP, MIP_STIP);
    assert_true(csr_write(s, 0x344, 0));
    s->mcounteren = 2;
    s->priv = PRV_S;
    assert_false(csr_readable(s, 0x14d));
    s->priv = PRV_M;
    /* STCE = 1: STIP = time >= stimecmp, read-only */
    assert_true(csr_write(s, 0x30a, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x30a), MENVCFG_STCE | 1);
    assert_int_equal(csr_read(s, 0x344) & MIP_STIP, 0);
    assert_true(csr_write(s, 0x344, MIP_STIP));
    assert_int_equal(csr_read(s, 0x344) & MIP_STIP, 0);
    assert_true(csr_write(s, 0x14d, 0));
    assert_int_equal(csr_read(s, 0x344) & MIP_STIP, MIP_STIP);
    assert_true(csr_write(s, 0x344, 0));
    assert_int_equal(csr_read(s, 0x344) & MIP_STIP, MIP_STIP);
    assert_int_equal(riscv_pending_interrupt(s), -1);  /* mie = 0 */
    s->mie = MIP_STIP;
    s->priv = PRV_S;                     /* below M: M-level ones taken */
    assert_int_equal(riscv_pending_interrupt(s), IRQ_S_TIMER);
    /* S access: both mcounteren.TM and STCE */
    assert_true(csr_readable(s, 0x14d));
    s->mcounteren = 0;
    assert_false(csr_readable(s, 0x14d));
    s->priv = PRV_M;
    /* reset clears STCE: the software bit (0) again */
    riscv_csr_reset(s);
    assert_int_equal(csr_read(s, 0x30a), 0);
    assert_int_equal(csr_read(s, 0x344) & MIP_STIP, 0);
}

/* --------------------------------------------- delegation and interrupts */

static void deleg_and_enables(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    assert_true(csr_write(s, 0x302, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x302), 0xb3ff);     /* not 11 */
    assert_true(csr_write(s, 0x302, 0xb109));         /* OpenSBI's */
    assert_int_equal(csr_read(s, 0x302), 0xb109);
    assert_true(csr_write(s, 0x303, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x303), 0x222);
    assert_true(csr_write(s, 0x304, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x304), 0xaaa);
    /* sie is mie restricted to the delegated bits */
    assert_int_equal(csr_read(s, 0x104), 0x222);
    s->priv = PRV_S;
    assert_true(csr_write(s, 0x104, 0));
    assert_int_equal(s->mie, 0x888);
    assert_true(csr_write(s, 0x104, 0x20));
    assert_int_equal(s->mie, 0x8a8);
    s->priv = PRV_M;
    assert_true(csr_write(s, 0x303, 0x020));          /* only STIP */
    s->priv = PRV_S;
    assert_int_equal(csr_read(s, 0x104), 0x20);
    assert_true(csr_write(s, 0x104, 0x202));           /* not delegated */
    assert_int_equal(s->mie, 0x888);
}

static void mip_rules(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    /* M writes the S-level software bits only */
    assert_true(csr_write(s, 0x344, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x344), 0x222);
    assert_true(csr_write(s, 0x344, 0));
    assert_int_equal(csr_read(s, 0x344), 0);
    /* lines: read-only through mip; a high STIP line cannot be cleared */
    riscv_irq_input(s, IRQ_M_TIMER, true);
    riscv_irq_input(s, IRQ_S_TIMER, true);
    assert_int_equal(csr_read(s, 0x344), 0xa0);
    assert_true(csr_write(s, 0x344, 0));
    assert_int_equal(csr_read(s, 0x344), 0xa0);
    riscv_irq_input(s, IRQ_S_TIMER, false);
    riscv_irq_input(s, IRQ_M_TIMER, false);
    assert_int_equal(csr_read(s, 0x344), 0);

    /* sip: the delegated bits; S may write SSIP only, when delegated */
    s->mip = MIP_STIP | MIP_SSIP | MIP_SEIP;
    s->mideleg = MIP_STIP;
    s->priv = PRV_S;
    assert_int_equal(csr_read(s, 0x144), MIP_STIP);
    assert_true(csr_write(s, 0x144, 0));
    assert_int_equal(s->mip, MIP_STIP | MIP_SSIP | MIP_SEIP);
    s->mideleg = 0x222;
    assert_int_equal(csr_read(s, 0x144), 0x222);
    assert_true(csr_write(s, 0x144, 0));
    assert_int_equal(s->mip, MIP_STIP | MIP_SEIP);
    assert_true(csr_write(s, 0x144, MIP_SSIP));
    assert_int_equal(s->mip, MIP_STIP | MIP_SEIP | MIP_SSIP);
}

/* ------------------------------------------------------------ traps */

static void tvec_and_epc(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    assert_true(csr_write(s, 0x305, 0x80000103));     /* mode 3: kept 0 */
    assert_int_equal(csr_read(s, 0x305), 0x80000100);
    assert_true(csr_write(s, 0x305, 0x80000201));     /* vectored */
    assert_int_equal(csr_read(s, 0x305), 0x80000201);
    assert_true(csr_write(s, 0x305, 0x80000302));     /* mode 2: kept 1 */
    assert_int_equal(csr_read(s, 0x305), 0x80000301);
    assert_true(csr_write(s, 0x105, 0x80000006));
    assert_int_equal(csr_read(s, 0x105), 0x80000004);

    assert_true(csr_write(s, 0x341, 0x80000003));
    assert_int_equal(csr_read(s, 0x341), 0x80000002);
    assert_true(csr_write(s, 0x141, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x141), 0xfffffffffffffffeull);
    s->misa &= ~RVC;                                  /* bit 1 reads 0 */
    assert_int_equal(csr_read(s, 0x341), 0x80000000);
    assert_int_equal(csr_read(s, 0x141), 0xfffffffffffffffcull);
    /* cause and tval keep any value */
    assert_true(csr_write(s, 0x342, 0x8000000000000007ull));
    assert_int_equal(csr_read(s, 0x342), 0x8000000000000007ull);
    assert_true(csr_write(s, 0x143, 0x1234));
    assert_int_equal(csr_read(s, 0x143), 0x1234);
}

static void trap_to_m(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    s->priv = PRV_S;
    s->pc = 0x80200010;
    s->mtvec = 0x80000101;              /* vectored: exceptions at base */
    s->mstatus |= MSTATUS_MIE | MSTATUS_SIE;
    s->medeleg = 1u << EXC_ECALL_U;     /* not S-ecall */
    s->load_res = 0x80001000;
    riscv_do_exception(&s->parent_obj, EXC_ECALL_S, 0);
    assert_int_equal(s->priv, PRV_M);
    assert_int_equal(s->pc, 0x80000100);
    assert_int_equal(s->mepc, 0x80200010);
    assert_int_equal(s->mcause, EXC_ECALL_S);
    assert_int_equal(s->mtval, 0);
    /* MPIE = MIE, MIE = 0, MPP = S; SIE untouched */
    assert_int_equal(s->mstatus & 0x1fff,
                     MSTATUS_MPIE | MSTATUS_SIE | (1ull << 11));
    assert_int_equal(s->load_res, UINT64_MAX);

    /* an exception in M is never delegated */
    s->medeleg = 0xb3ff;
    s->pc = 0x80000120;
    riscv_do_exception(&s->parent_obj, EXC_ILLEGAL_INSN, 0x30200073);
    assert_int_equal(s->priv, PRV_M);
    assert_int_equal(s->mepc, 0x80000120);
    assert_int_equal(s->mcause, EXC_ILLEGAL_INSN);
    assert_int_equal(s->mtval, 0x30200073);
    assert_int_equal(s->mstatus & 0x1fff, MSTATUS_SIE | (3ull << 11));
}

static void trap_to_s(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    s->priv = PRV_U;
    s->pc = 0x1000;
    s->stvec = 0x80200000;
    s->mtvec = 0x80000000;
    s->mstatus |= MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MIE;
    s->medeleg = 0xb109;
    riscv_do_exception(&s->parent_obj, EXC_LOAD_PAGE_FAULT, 0xdead000);
    assert_int_equal(s->priv, PRV_S);
    assert_int_equal(s->pc, 0x80200000);
    assert_int_equal(s->sepc, 0x1000);
    assert_int_equal(s->scause, EXC_LOAD_PAGE_FAULT);
    assert_int_equal(s->stval, 0xdead000);
    /* SPIE = SIE, SIE = 0, SPP = U; M fields untouched */
    assert_int_equal(s->mstatus & 0x1fff, MSTATUS_SPIE | MSTATUS_MIE);
    assert_int_equal(s->mepc, 0);

    /* from S to S: SPP = S */
    s->pc = 0x80200040;
    riscv_do_exception(&s->parent_obj, EXC_BREAKPOINT, 0x80200040);
    assert_int_equal(s->priv, PRV_S);
    assert_int_equal(s->sepc, 0x80200040);
    assert_int_equal(s->mstatus & 0x1fff, MSTATUS_SPP | MSTATUS_MIE);

    /* not delegated: to M */
    riscv_do_exception(&s->parent_obj, EXC_LOAD_MISALIGNED, 0x3);
    assert_int_equal(s->priv, PRV_M);
    assert_int_equal(s->mcause, EXC_LOAD_MISALIGNED);
    assert_int_equal(s->pc, 0x80000000);
}

static void interrupt_delivery(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    s->mtvec = 0x80000001;              /* vectored */
    s->stvec = 0x80200001;
    s->mstatus |= MSTATUS_MIE;
    s->mie = MIP_MTIP;
    riscv_irq_input(s, IRQ_M_TIMER, true);
    assert_true(riscv_has_work(&s->parent_obj));
    s->pc = 0x80000400;
    assert_true(riscv_exec_interrupt(&s->parent_obj));
    assert_int_equal(s->pc, 0x80000000 + 4 * 7);
    assert_int_equal(s->mcause, 0x8000000000000007ull);
    assert_int_equal(s->mepc, 0x80000400);
    assert_int_equal(s->mtval, 0);
    /* MIE now 0: nothing more in M */
    assert_false(riscv_exec_interrupt(&s->parent_obj));
    assert_true(riscv_has_work(&s->parent_obj)); /* WFI would still wake */

    /* a delegated one, from U, vectored into S */
    riscv_irq_input(s, IRQ_M_TIMER, false);
    s->priv = PRV_U;
    s->mideleg = 0x222;
    s->mie = 0x222;
    s->mip = MIP_SSIP;
    s->pc = 0x2000;
    assert_true(riscv_exec_interrupt(&s->parent_obj));
    assert_int_equal(s->priv, PRV_S);
    assert_int_equal(s->pc, 0x80200000 + 4 * 1);
    assert_int_equal(s->scause, 0x8000000000000001ull);
    assert_int_equal(s->sepc, 0x2000);
}

static void interrupt_priority(void **state)
{
    static const int order[] = { 11, 3, 7, 9, 1, 5 };
    g_autofree RiscvCpu *s = new_hart();

    s->mie = 0xaaa;
    s->mip = 0x222;
    s->irq_lines = 0x888;
    s->mstatus |= MSTATUS_MIE;
    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        assert_int_equal(riscv_pending_interrupt(s), order[i]);
        s->mip &= ~(1ull << order[i]);
        s->irq_lines &= ~(1ull << order[i]);
    }
    assert_int_equal(riscv_pending_interrupt(s), -1);
    assert_false(riscv_has_work(&s->parent_obj));
}

static void interrupt_enables(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    /* M-level: in M only with MIE; below M always */
    s->mie = MIP_MSIP | MIP_SSIP;
    s->irq_lines = MIP_MSIP;
    assert_int_equal(riscv_pending_interrupt(s), -1);
    assert_true(riscv_has_work(&s->parent_obj));
    s->priv = PRV_S;
    assert_int_equal(riscv_pending_interrupt(s), IRQ_M_SOFT);
    s->priv = PRV_U;
    assert_int_equal(riscv_pending_interrupt(s), IRQ_M_SOFT);
    s->mie = MIP_SSIP;
    assert_int_equal(riscv_pending_interrupt(s), -1); /* not pending */

    /* a non-delegated S-level interrupt goes to M: M's rules */
    s->mip = MIP_SSIP;
    s->priv = PRV_S;
    assert_int_equal(riscv_pending_interrupt(s), IRQ_S_SOFT);
    s->priv = PRV_M;
    assert_int_equal(riscv_pending_interrupt(s), -1);
    s->mstatus |= MSTATUS_MIE;
    assert_int_equal(riscv_pending_interrupt(s), IRQ_S_SOFT);

    /* delegated: never in M; in S only with SIE; in U always */
    s->mideleg = MIP_SSIP;
    assert_int_equal(riscv_pending_interrupt(s), -1);
    s->priv = PRV_S;
    assert_int_equal(riscv_pending_interrupt(s), -1);
    s->mstatus |= MSTATUS_SIE;
    assert_int_equal(riscv_pending_interrupt(s), IRQ_S_SOFT);
    s->mstatus &= ~MSTATUS_SIE;
    s->priv = PRV_U;
    assert_int_equal(riscv_pending_interrupt(s), IRQ_S_SOFT);

    /* M-level before S-level when both can be taken */
    s->irq_lines = MIP_MTIP;
    s->mie |= MIP_MTIP;
    assert_int_equal(riscv_pending_interrupt(s), IRQ_M_TIMER);
}

static void xret(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    /* mret to S: MIE = MPIE, MPIE = 1, MPP = U, MPRV cleared */
    s->mstatus |= MSTATUS_MPIE | MSTATUS_MPRV | (1ull << 11);
    s->mepc = 0x80200000;
    s->load_res = 0x80000000;
    assert_true(riscv_do_xret(s, true));
    assert_int_equal(s->priv, PRV_S);
    assert_int_equal(s->pc, 0x80200000);
    assert_int_equal(s->mstatus, 0x0000000a00000088ull);
    assert_int_equal(s->load_res, UINT64_MAX);
    /* from S: mret is illegal, sret returns to SPP */
    assert_false(riscv_do_xret(s, true));
    s->mstatus |= MSTATUS_SPIE | MSTATUS_SPP;
    s->sepc = 0x80200100;
    assert_true(riscv_do_xret(s, false));
    assert_int_equal(s->priv, PRV_S);
    assert_int_equal(s->pc, 0x80200100);
    assert_int_equal(s->mstatus & 0x1ff, MSTATUS_SIE | MSTATUS_SPIE |
                                         MSTATUS_MIE | MSTATUS_MPIE);
    s->sepc = 0x1000;
    assert_true(riscv_do_xret(s, false));
    assert_int_equal(s->priv, PRV_U);
    assert_int_equal(s->pc, 0x1000);
    /* from U neither */
    assert_false(riscv_do_xret(s, false));
    assert_false(riscv_do_xret(s, true));
    /* TSR: sret in S traps, in M it does not */
    s->priv = PRV_S;
    s->mstatus |= MSTATUS_TSR;
    assert_false(riscv_do_xret(s, false));
    s->priv = PRV_M;
    assert_true(riscv_do_xret(s, false));
    /* mret to M keeps MPRV */
    s->priv = PRV_M;
    s->mstatus |= MSTATUS_MPRV | MSTATUS_MPP;
    s->mepc = 0x80000006;
    s->misa &= ~RVC;
    assert_true(riscv_do_xret(s, true));
    assert_int_equal(s->priv, PRV_M);
    assert_int_equal(s->pc, 0x80000004);
    assert_true(s->mstatus & MSTATUS_MPRV);
    assert_int_equal(s->mstatus & MSTATUS_MPP, 0);
}

static void helpers_without_raise(void **state)
{
    g_autofree RiscvCpu *s = new_hart();
    uint64_t (*csr)(void *, uint32_t, uint64_t) = riscv_h_csr.fn;
    void (*wfi)(void *, uint32_t) = riscv_h_wfi.fn;
    void (*mret)(void *, uint32_t) = riscv_h_mret.fn;

    s->mscratch = 5;
    assert_int_equal(csr(s, csr_insn(F_RW, 6, 0x340, 5), 9), 5);
    assert_int_equal(s->mscratch, 9);
    /* WFI: sleeps unless something is pending and locally enabled */
    wfi(s, 0x10500073);
    assert_true(s->parent_obj.halted);
    s->parent_obj.halted = false;
    s->mie = MIP_MTIP;
    s->irq_lines = MIP_MTIP;
    wfi(s, 0x10500073);
    assert_false(s->parent_obj.halted);
    /* Sstc's STIP turns on with time alone, before the stimecmp timer
     * has fired: WFI must ask the loop to look, or a WFI loop spins
     * past a pending interrupt (seen in normal time). */
    s->irq_lines = 0;
    s->ext_sstc = true;
    s->menvcfg = MENVCFG_STCE;
    s->stimecmp = 0;                     /* time (0 here) >= stimecmp */
    s->mie = MIP_STIP;
    s->parent_obj.interrupt_request = 0;
    wfi(s, 0x10500073);
    assert_false(s->parent_obj.halted);
    assert_int_equal(s->parent_obj.interrupt_request, 1);
    s->menvcfg = 0;
    s->mepc = 0x80000100;
    mret(s, 0x30200073);
    assert_int_equal(s->pc, 0x80000100);
    assert_int_equal(s->priv, PRV_U);
}

/* ------------------------------------------------------------ satp */

static void satp_probe(void **state)
{
    g_autofree RiscvCpu *s = new_hart();
    uint64_t sv57 = 10ull << 60 | 0xffffull << 44 | 0x80123;
    uint64_t sv48 = 9ull << 60 | 0x80456;
    uint64_t sv39 = 8ull << 60 | 0x80789;

    assert_true(csr_write(s, 0x180, sv57));
    assert_int_equal(csr_read(s, 0x180), sv57);    /* 16 ASID bits */
    assert_true(csr_write(s, 0x180, 0));
    assert_int_equal(csr_read(s, 0x180), 0);

    s->satp_mode_max = SATP_SV39;
    assert_true(csr_write(s, 0x180, sv39));
    assert_int_equal(csr_read(s, 0x180), sv39);
    /* unsupported modes leave satp completely unchanged */
    assert_true(csr_write(s, 0x180, sv57));
    assert_int_equal(csr_read(s, 0x180), sv39);
    assert_true(csr_write(s, 0x180, sv48));
    assert_int_equal(csr_read(s, 0x180), sv39);
    assert_true(csr_write(s, 0x180, 1ull << 60 | 5));   /* Sv32 */
    assert_int_equal(csr_read(s, 0x180), sv39);
    assert_true(csr_write(s, 0x180, 15ull << 60));
    assert_int_equal(csr_read(s, 0x180), sv39);
    s->satp_mode_max = SATP_SV48;
    assert_true(csr_write(s, 0x180, sv48));
    assert_int_equal(csr_read(s, 0x180), sv48);

    /* TVM: S-mode may not touch satp */
    s->mstatus |= MSTATUS_TVM;
    s->priv = PRV_S;
    assert_false(csr_readable(s, 0x180));
    assert_false(csr_write(s, 0x180, 0));
    s->mstatus &= ~MSTATUS_TVM;
    assert_true(csr_write(s, 0x180, 0));
    assert_int_equal(s->satp, 0);
}

/* ------------------------------------------------------------ counters */

static void counters(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    /* no system: the clock reads 0 */
    assert_int_equal(csr_read(s, 0xc01), 0);
    assert_true(csr_write(s, 0xb00, 1234));
    assert_int_equal(csr_read(s, 0xb00), 1234);
    assert_int_equal(csr_read(s, 0xc00), 1234);
    assert_true(csr_write(s, 0xb02, 77));
    assert_int_equal(csr_read(s, 0xc02), 77);
    assert_false(csr_write(s, 0xc00, 0));
    /* inhibit freezes; writes while frozen stick */
    assert_true(csr_write(s, 0x320, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x320), 5);
    assert_int_equal(csr_read(s, 0xb00), 1234);
    assert_true(csr_write(s, 0xb00, 99));
    assert_int_equal(csr_read(s, 0xb00), 99);
    assert_true(csr_write(s, 0x320, 0));
    assert_int_equal(csr_read(s, 0xb00), 99);
    /* no programmable counters (OpenSBI counts none) */
    assert_true(csr_write(s, 0xb03, 1));
    assert_int_equal(csr_read(s, 0xb03), 0);
    assert_true(csr_write(s, 0x33f, 1));
    assert_int_equal(csr_read(s, 0x33f), 0);
    assert_true(csr_write(s, 0x306, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x306), 0xffffffff);
    assert_true(csr_write(s, 0x106, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x106), 0xffffffff);
}

static void counteren_gating(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    s->priv = PRV_S;
    assert_false(csr_readable(s, 0xc01));
    s->mcounteren = 2;                  /* TM */
    assert_true(csr_readable(s, 0xc01));
    assert_false(csr_readable(s, 0xc00));
    assert_false(csr_readable(s, 0xc03));
    s->priv = PRV_U;
    assert_false(csr_readable(s, 0xc01));
    s->scounteren = 7;
    assert_true(csr_readable(s, 0xc01));
    assert_false(csr_readable(s, 0xc00));  /* mcounteren.CY = 0 */
    s->mcounteren = UINT32_MAX;
    assert_true(csr_readable(s, 0xc00));
    assert_true(csr_readable(s, 0xc02));
    assert_false(csr_readable(s, 0xc03));  /* scounteren.HPM3 = 0 */
    s->priv = PRV_S;
    assert_int_equal(csr_read(s, 0xc03), 0);
    assert_int_equal(csr_read(s, 0xc1f), 0);
}

/* ------------------------------------------------------------ FP, PMP */

static void fp_csrs(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    assert_false(csr_readable(s, 0x001));   /* FS = Off */
    assert_false(csr_readable(s, 0x002));
    assert_false(csr_readable(s, 0x003));
    s->mstatus |= 1ull << MSTATUS_FS_SHIFT; /* Initial */
    assert_int_equal(csr_read(s, 0x003), 0);
    assert_true(csr_write(s, 0x003, 0x1ff));
    assert_int_equal(s->frm, 7);
    assert_int_equal(s->fflags, 0x1f);
    assert_int_equal(s->mstatus & (MSTATUS_FS | MSTATUS_SD),
                     MSTATUS_FS | MSTATUS_SD);
    assert_int_equal(csr_read(s, 0x003), 0xff);
    assert_true(csr_write(s, 0x002, 0x1a));
    assert_int_equal(csr_read(s, 0x002), 2);
    assert_true(csr_write(s, 0x001, 0x23));
    assert_int_equal(csr_read(s, 0x001), 3);
    assert_int_equal(csr_read(s, 0x003), 0x43);
    /* from U too (no privilege needed) */
    s->priv = PRV_U;
    assert_int_equal(csr_read(s, 0x003), 0x43);
    /* no F: the registers do not exist */
    s->misa &= ~(RVF | RVD);
    assert_false(csr_readable(s, 0x003));
}

static void pmp_csrs(void **state)
{
    g_autofree RiscvCpu *s = new_hart();

    /* OpenSBI's probe: pmpaddr0 = ~0 reads back the address bits */
    assert_true(csr_write(s, 0x3b0, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x3b0), riscv_pmpaddr_read(s, 0));
    assert_int_not_equal(csr_read(s, 0x3b0), 0);
    assert_true(csr_write(s, 0x3bf, 0x1234));
    assert_int_equal(csr_read(s, 0x3bf), 0x1234);
    /* entries 16-63 and pmpcfg4-14 read 0 */
    assert_true(csr_write(s, 0x3c0, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x3c0), 0);
    assert_true(csr_write(s, 0x3a4, UINT64_MAX));
    assert_int_equal(csr_read(s, 0x3a4), 0);
    assert_true(csr_write(s, 0x3a2, 0x0f));
    assert_int_equal(csr_read(s, 0x3a2), 0x0f);
    assert_int_equal(s->pmpcfg[8], 0x0f);
    /* S-mode cannot touch them */
    s->priv = PRV_S;
    assert_false(csr_readable(s, 0x3b0));

    /* without PMP: all read 0 */
    g_autofree RiscvCpu *n = new_hart();
    n->pmp_entries = 0;
    assert_true(csr_write(n, 0x3b0, UINT64_MAX));
    assert_int_equal(csr_read(n, 0x3b0), 0);
    assert_true(csr_write(n, 0x3a0, 0x1f));
    assert_int_equal(csr_read(n, 0x3a0), 0);
}

/* ------------------------------------------------------------ MMU index */

static void mmu_index_and_flags(void **state)
{
    g_autofree RiscvCpu *s = new_hart();
    BbCpu *cpu = &s->parent_obj;
    uint64_t pc, flags;

    assert_int_equal(riscv_mmu_index(cpu, false), 3);
    s->mstatus |= MSTATUS_SUM | MSTATUS_MXR;
    assert_int_equal(riscv_mmu_index(cpu, false), 3);  /* M: bare */
    s->mstatus |= MSTATUS_MPRV | (1ull << 11);         /* MPP = S */
    assert_int_equal(riscv_mmu_index(cpu, false), 1 | MMU_IDX_SUM |
                                                  MMU_IDX_MXR);
    assert_int_equal(riscv_mmu_index(cpu, true), 3);
    s->mstatus &= ~MSTATUS_MPP;                         /* MPP = U */
    assert_int_equal(riscv_mmu_index(cpu, false), 0 | MMU_IDX_MXR);
    s->mstatus &= ~(MSTATUS_MPRV | MSTATUS_MXR);
    s->priv = PRV_S;
    assert_int_equal(riscv_mmu_index(cpu, false), 1 | MMU_IDX_SUM);
    assert_int_equal(riscv_mmu_index(cpu, true), 1);
    /* MPRV does nothing outside M */
    s->mstatus |= MSTATUS_MPRV;
    assert_int_equal(riscv_mmu_index(cpu, false), 1 | MMU_IDX_SUM);
    s->priv = PRV_U;
    assert_int_equal(riscv_mmu_index(cpu, false), 0);

    s->priv = PRV_S;
    s->pc = 0x80200000;
    s->mstatus |= 3ull << MSTATUS_FS_SHIFT;
    riscv_get_tb_key(cpu, &pc, &flags);
    assert_int_equal(pc, 0x80200000);
    assert_int_equal(TB_FLAGS_PRIV(flags), PRV_S);
    assert_int_equal(TB_FLAGS_FS(flags), FS_DIRTY);
    assert_int_equal(TB_FLAGS_MEM_IDX(flags), 1 | MMU_IDX_SUM);
    assert_int_equal(flags, TB_FLAGS_MAKE(1, 3, 5));
}

static void reservation_lost_to_other_hart(void **state)
{
    g_autofree RiscvCpu *a = new_hart();
    g_autofree RiscvCpu *b = new_hart();
    uint64_t pc, flags;

    riscv_get_tb_key(&a->parent_obj, &pc, &flags);
    a->load_res = 0x80001000;
    riscv_get_tb_key(&a->parent_obj, &pc, &flags);
    assert_int_equal(a->load_res, 0x80001000);     /* same hart: kept */
    riscv_get_tb_key(&b->parent_obj, &pc, &flags);
    assert_int_equal(a->load_res, 0x80001000);
    riscv_get_tb_key(&a->parent_obj, &pc, &flags);
    assert_int_equal(a->load_res, UINT64_MAX);      /* b ran meanwhile */
}

/* ------------------------------------------------------------ objects */

#define TYPE_TEST_BOARD "riscv-test-board"

/* A machine with an "entry" property and outputs to drive the inputs. */
typedef struct TestBoard {
    BbMachine parent_obj;
    uint64_t entry;
} TestBoard;

static const BbPropertyInfo test_board_props[] = {
    BB_PROP_UINT("entry", TestBoard, entry, 0, "reset PC for the harts"),
    BB_PROP_END
};

static void test_board_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, test_board_props);
}

static void test_board_instance_init(BbObject *obj)
{
    bb_device_add_irq_out((BbDevice *)obj, "out", 6, NULL);
}

static const BbTypeInfo test_board_info = {
    .name = TYPE_TEST_BOARD,
    .parent = BB_TYPE_MACHINE,
    .instance_size = sizeof(TestBoard),
    .instance_init = test_board_instance_init,
    .class_init = test_board_class_init,
};

static int register_types(void **state)
{
    GError *err = NULL;

    if (!bb_type_register(&riscv_cpu_info, &err) ||
        !bb_type_register(&test_board_info, &err)) {
        print_error("%s\n", err->message);
        g_error_free(err);
        return -1;
    }
    return 0;
}

/* A realized hart with @isa (NULL: default) and @mmu (NULL: default);
 * NULL with *@error set if realize fails. */
static RiscvCpu *make_hart(const char *isa, const char *mmu, GError **error)
{
    BbObject *obj = bb_object_new(TYPE_RISCV64_CPU, error);

    assert_non_null(obj);
    if ((isa && !bb_object_set_str(obj, "isa", isa, error)) ||
        (mmu && !bb_object_set_str(obj, "mmu", mmu, error)) ||
        !bb_device_realize(BB_DEVICE(obj), error)) {
        bb_object_unref(obj);
        return NULL;
    }
    return RISCV_CPU(obj);
}

static void isa_strings(void **state)
{
    static const struct {
        const char *isa;
        uint64_t misa;
    } good[] = {
        { "rv64imafdc_zicsr_zifencei", MISA_RV64GC },
        { "RV64GC", MISA_RV64GC },
        { "rv64gc_zicsr", MISA_RV64GC },
        { "rv64imac", 0x8000000000141105ull },
        { "rv64i", 0x8000000000140100ull },
        { "rv64gc_sstc", MISA_RV64GC },
    };
    static const struct {
        const char *isa, *message;
    } bad[] = {
        { "rv32imac", "'rv32imac'" },
        { "rv64imafdcv_zicsr", "'v'" },
        { "rv64gc_zba", "'zba'" },
        { "rv64gc_sstcx", "'sstcx'" },
        { "rv64gc__zicsr", "(empty)" },
        { "rv64mac", "'i'" },
        { "rv64imadc_zicsr", "'d' needs 'f'" },
        { "rv64imafdc", "zicsr" },
        { "x86_64", "'x86_64'" },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(good); i++) {
        GError *err = NULL;
        RiscvCpu *s = make_hart(good[i].isa, NULL, &err);
        if (!s) {
            fail_msg("%s: %s", good[i].isa, err->message);
        }
        assert_int_equal(s->misa, good[i].misa);
        bb_object_unref(BB_OBJECT(s));
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        RiscvCpu *s = make_hart(bad[i].isa, NULL, &err);
        if (s) {
            fail_msg("%s was accepted", bad[i].isa);
        }
        if (!strstr(err->message, bad[i].message)) {
            fail_msg("%s: '%s' lacks %s", bad[i].isa, err->message,
                     bad[i].message);
        }
        g_error_free(err);
    }
}

static void properties_and_reset(void **state)
{
    GError *err = NULL;
    RiscvCpu *s = make_hart(NULL, "SV48", &err);

    assert_non_null(s);
    assert_string_equal(s->isa, "rv64imafdc_zicsr_zifencei_sstc");
    assert_int_equal(s->misa, MISA_RV64GC);
    assert_true(s->ext_zicsr && s->ext_zifencei && s->ext_sstc);
    assert_null(s->stimer);              /* no system: no timer */
    assert_int_equal(s->satp_mode_max, SATP_SV48);
    assert_int_equal(s->pmp_entries, 16);
    assert_int_equal(s->timebase_freq, 10000000);
    /* reset state */
    assert_int_equal(s->pc, 0x1000);
    assert_int_equal(s->priv, PRV_M);
    assert_int_equal(s->mstatus, 0x0000000a00000000ull);
    assert_int_equal(s->load_res, UINT64_MAX);
    assert_int_equal(s->mie | s->mip | s->medeleg | s->mideleg | s->satp, 0);
    /* the snapshot description fits the struct */
    assert_true(bb_state_validate(BB_DEVICE_GET_CLASS(s)->state,
                                  sizeof(RiscvCpu), &err));
    bb_object_unref(BB_OBJECT(s));

    assert_null(make_hart(NULL, "sv32", &err));
    assert_non_null(strstr(err->message, "'sv32'"));
    g_clear_error(&err);

    BbObject *obj = bb_object_new(TYPE_RISCV64_CPU, &err);
    assert_true(bb_object_set_prop(obj, "pmp", "false", &err));
    assert_true(bb_object_set_prop(obj, "resetvec", "0x2000", &err));
    assert_true(bb_object_set_prop(obj, "hartid", "2", &err));
    assert_true(bb_device_realize(BB_DEVICE(obj), &err));
    s = RISCV_CPU(obj);
    assert_int_equal(s->pmp_entries, 0);
    uint64_t pc, flags, v;
    riscv_get_tb_key(&s->parent_obj, &pc, &flags);  /* no machine */
    assert_int_equal(pc, 0x2000);
    assert_int_equal(flags, TB_FLAGS_MAKE(PRV_M, 0, PRV_M));
    assert_true(riscv_csr_peek(s, 0xf14, &v));
    assert_int_equal(v, 2);
    bb_object_unref(obj);
}

static void reset_pc_from_machine(void **state)
{
    GError *err = NULL;
    BbObject *m = bb_object_new(TYPE_TEST_BOARD, &err);
    BbObject *h = bb_object_new(TYPE_RISCV64_CPU, &err);
    uint64_t pc, flags;

    assert_non_null(m);
    assert_non_null(h);
    assert_true(bb_object_add_child(m, "hart0", h, &err));
    assert_true(bb_device_realize(BB_DEVICE(h), &err));
    /* the machine loads its image after the harts were reset */
    assert_true(bb_object_set_uint(m, "entry", 0x80000000, &err));
    riscv_get_tb_key(BB_CPU(h), &pc, &flags);
    assert_int_equal(pc, 0x80000000);
    /* only once per reset: the guest's jumps are its own */
    RISCV_CPU(h)->pc = 0x80000100;
    riscv_get_tb_key(BB_CPU(h), &pc, &flags);
    assert_int_equal(pc, 0x80000100);
    bb_device_reset(BB_DEVICE(h));
    riscv_get_tb_key(BB_CPU(h), &pc, &flags);
    assert_int_equal(pc, 0x80000000);
    bb_object_unref(h);
    bb_object_unref(m);
}

static void irq_inputs(void **state)
{
    static const struct {
        const char *group;
        uint64_t bit;
    } lines[] = {
        { "msip", MIP_MSIP }, { "mtip", MIP_MTIP }, { "meip", MIP_MEIP },
        { "seip", MIP_SEIP }, { "ssip", MIP_SSIP }, { "stip", MIP_STIP },
    };
    GError *err = NULL;
    BbObject *m = bb_object_new(TYPE_TEST_BOARD, &err);
    RiscvCpu *s = make_hart(NULL, NULL, &err);

    assert_non_null(s);
    for (unsigned i = 0; i < G_N_ELEMENTS(lines); i++) {
        BbIrqOut *out = bb_device_get_irq_out(BB_DEVICE(m), "out", i);
        BbIrqIn *in = bb_device_get_irq_in(BB_DEVICE(s), lines[i].group, 0);
        assert_non_null(in);
        assert_null(bb_device_get_irq_in(BB_DEVICE(s), lines[i].group, 1));
        assert_true(bb_irq_connect(out, in, &err));
        s->parent_obj.interrupt_request = 0;
        bb_irq_out_set(out, true);
        assert_int_equal(s->irq_lines, lines[i].bit);
        assert_int_equal(riscv_read_mip(s), lines[i].bit);
        /* masked by mie: the loop is not bothered */
        assert_int_equal(s->parent_obj.interrupt_request, 0);
        bb_irq_out_set(out, false);
        s->mie = lines[i].bit;
        bb_irq_out_set(out, true);
        assert_int_equal(s->parent_obj.interrupt_request, 1);
        bb_irq_out_set(out, false);
        assert_int_equal(s->irq_lines, 0);
        s->mie = 0;
    }
    bb_object_unref(BB_OBJECT(s));
    bb_object_unref(m);
}

static const char *fdt_str(const void *blob, const char *path,
                           const char *name)
{
    int off = fdt_path_offset(blob, path);
    if (off < 0) {
        fail_msg("no node %s", path);
    }
    const char *v = fdt_getprop(blob, off, name, NULL);
    if (!v) {
        fail_msg("no property %s in %s", name, path);
    }
    return v;
}

static uint32_t fdt_u32(const void *blob, const char *path, const char *name)
{
    int off = fdt_path_offset(blob, path), len;
    const fdt32_t *v = fdt_getprop(blob, off, name, &len);

    if (!v || len != 4) {
        fail_msg("no u32 %s in %s", name, path);
    }
    return fdt32_to_cpu(*v);
}

static void device_tree(void **state)
{
    GError *err = NULL;
    BbObject *obj = bb_object_new(TYPE_RISCV64_CPU, &err);
    BbFdt *fdt = bb_fdt_new();
    uint32_t cells[BB_FDT_MAX_IRQ_CELLS];

    assert_true(bb_object_set_str(obj, "isa", "RV64GC", &err));
    assert_true(bb_object_set_str(obj, "mmu", "sv39", &err));
    assert_true(bb_object_set_prop(obj, "hartid", "1", &err));
    assert_true(bb_device_realize(BB_DEVICE(obj), &err));
    assert_true(bb_device_fdt_populate(BB_DEVICE(obj), fdt, &err));
    /* populating twice (or after another hart) is fine */
    assert_true(bb_device_fdt_populate(BB_DEVICE(obj), fdt, &err));

    const void *blob = bb_fdt_get_blob(fdt, NULL);
    assert_int_equal(fdt_u32(blob, "/cpus", "#address-cells"), 1);
    assert_int_equal(fdt_u32(blob, "/cpus", "#size-cells"), 0);
    assert_string_equal(fdt_str(blob, "/cpus/cpu@1", "device_type"), "cpu");
    assert_int_equal(fdt_u32(blob, "/cpus/cpu@1", "reg"), 1);
    assert_string_equal(fdt_str(blob, "/cpus/cpu@1", "status"), "okay");
    assert_string_equal(fdt_str(blob, "/cpus/cpu@1", "compatible"), "riscv");
    assert_string_equal(fdt_str(blob, "/cpus/cpu@1", "riscv,isa"),
                        "rv64imafdc_zicsr_zifencei");
    assert_string_equal(fdt_str(blob, "/cpus/cpu@1", "mmu-type"),
                        "riscv,sv39");
    const char *intc = "/cpus/cpu@1/interrupt-controller";
    assert_int_equal(fdt_u32(blob, intc, "#interrupt-cells"), 1);
    assert_string_equal(fdt_str(blob, intc, "compatible"), "riscv,cpu-intc");
    assert_non_null(fdt_getprop(blob, fdt_path_offset(blob, intc),
                                "interrupt-controller", NULL));
    assert_int_equal(fdt_u32(blob, intc, "phandle"),
                     bb_fdt_phandle(fdt, obj));

    /* the interrupt specifiers other nodes use */
    BbFdtIntcClass *ic = (BbFdtIntcClass *)bb_object_class_dynamic_cast(
        bb_object_get_class(obj), BB_TYPE_FDT_INTC);
    assert_non_null(ic);
    assert_int_equal(ic->irq_specifier(BB_DEVICE(obj), "msip", 0, cells), 1);
    assert_int_equal(cells[0], 3);
    ic->irq_specifier(BB_DEVICE(obj), "mtip", 0, cells);
    assert_int_equal(cells[0], 7);
    ic->irq_specifier(BB_DEVICE(obj), "meip", 0, cells);
    assert_int_equal(cells[0], 11);
    ic->irq_specifier(BB_DEVICE(obj), "seip", 0, cells);
    assert_int_equal(cells[0], 9);
    ic->irq_specifier(BB_DEVICE(obj), "ssip", 0, cells);
    assert_int_equal(cells[0], 1);
    ic->irq_specifier(BB_DEVICE(obj), "stip", 0, cells);
    assert_int_equal(cells[0], 5);
    assert_int_equal(ic->irq_specifier(BB_DEVICE(obj), "irq", 0, cells), 0);
    assert_int_equal(ic->irq_specifier(BB_DEVICE(obj), "mtip", 1, cells), 0);

    bb_fdt_free(fdt);
    bb_object_unref(obj);
}

int main(void)
{
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(insn_forms),
        cmocka_unit_test(read_only_and_privilege),
        cmocka_unit_test(unimplemented),
        cmocka_unit_test(mstatus_warl),
        cmocka_unit_test(sstatus_writes),
        cmocka_unit_test(misa_and_envcfg),
        cmocka_unit_test(sstc_csrs),
        cmocka_unit_test(deleg_and_enables),
        cmocka_unit_test(mip_rules),
        cmocka_unit_test(tvec_and_epc),
        cmocka_unit_test(trap_to_m),
        cmocka_unit_test(trap_to_s),
        cmocka_unit_test(interrupt_delivery),
        cmocka_unit_test(interrupt_priority),
        cmocka_unit_test(interrupt_enables),
        cmocka_unit_test(xret),
        cmocka_unit_test(helpers_without_raise),
        cmocka_unit_test(satp_probe),
        cmocka_unit_test(counters),
        cmocka_unit_test(counteren_gating),
        cmocka_unit_test(fp_csrs),
        cmocka_unit_test(pmp_csrs),
        cmocka_unit_test(mmu_index_and_flags),
        cmocka_unit_test(reservation_lost_to_other_hart),
    };
    const struct CMUnitTest objects[] = {
        cmocka_unit_test(isa_strings),
        cmocka_unit_test(properties_and_reset),
        cmocka_unit_test(reset_pc_from_machine),
        cmocka_unit_test(irq_inputs),
        cmocka_unit_test(device_tree),
    };

    return cmocka_run_group_tests_name("csr", plain, NULL, NULL) |
           cmocka_run_group_tests_name("hart", objects, register_types,
                                       NULL);
}
