/*
 * riscv.h - the RISC-V hart plugin ("riscv64"): architectural state and
 * the interfaces between its parts.
 *
 *   riscv-cpu.c    type registration, properties (ISA string -> misa),
 *                  reset, register dump, plugin descriptor
 *   decode.c       instruction tables -> decoder (32-bit and compressed),
 *                  operand extraction; disas.c the disassembler
 *   translate.c    translate_insn/translate_end and the gen_* utilities
 *   trans-*.c      one translate function per instruction, with the
 *                  table of patterns each file owns
 *   csr.c          CSR table, WARL rules, the CSR instruction helper
 *   priv.c         traps, delegation, interrupts, xRET, WFI, sfence.vma
 *   mmu.c          Sv39/48/57 page walk, PMP, tlb_fill and fault hooks
 *   fpu.c          IEEE-754 helpers for F and D
 *   debug.c        register table and access for debuggers and the
 *                  monitor, side-effect-free address translation
 *
 * Design decisions (docs/riscv.md has the user-facing list):
 *   - Misaligned loads/stores trap (cause 4/6); OpenSBI emulates them.
 *   - A/D bits are updated by the page walker (as QEMU does), not faulted.
 *   - cycle/instret/time derive from the virtual clock: exact and
 *     reproducible in deterministic mode.
 *   - LR/SC: one host thread runs every hart, so a reservation is lost
 *     when another hart ran since the LR (riscv_get_tb_key clears it),
 *     on traps and on xRET; SC then compares the address.
 */
#ifndef PLUGINS_CPUS_RISCV_RISCV_H
#define PLUGINS_CPUS_RISCV_RISCV_H

#include <stddef.h>
#include <stdint.h>

#include <breadboard/breadboard.h>

#define TYPE_RISCV64_CPU "riscv64"

/* ------------------------------------------------------------ modes */

enum { PRV_U = 0, PRV_S = 1, PRV_M = 3 };

/* misa extension bits */
#define RVA (1ull << ('A' - 'A'))
#define RVC (1ull << ('C' - 'A'))
#define RVD (1ull << ('D' - 'A'))
#define RVF (1ull << ('F' - 'A'))
#define RVI (1ull << ('I' - 'A'))
#define RVM (1ull << ('M' - 'A'))
#define RVS (1ull << ('S' - 'A'))
#define RVU (1ull << ('U' - 'A'))
#define MISA_MXL_64 (2ull << 62)

/* mstatus */
#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_VS (3ull << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ull << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3ull << 13)
#define MSTATUS_XS (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)
#define MSTATUS_UXL (3ull << 32)
#define MSTATUS_SXL (3ull << 34)
#define MSTATUS_SBE (1ull << 36)
#define MSTATUS_MBE (1ull << 37)
#define MSTATUS_SD (1ull << 63)
enum { FS_OFF = 0, FS_INITIAL = 1, FS_CLEAN = 2, FS_DIRTY = 3 };

/* mip / mie bits (= interrupt cause numbers) */
enum {
    IRQ_S_SOFT = 1, IRQ_M_SOFT = 3, IRQ_S_TIMER = 5, IRQ_M_TIMER = 7,
    IRQ_S_EXT = 9, IRQ_M_EXT = 11,
};
#define MIP_SSIP (1ull << IRQ_S_SOFT)
#define MIP_MSIP (1ull << IRQ_M_SOFT)
#define MIP_STIP (1ull << IRQ_S_TIMER)
#define MIP_MTIP (1ull << IRQ_M_TIMER)
#define MIP_SEIP (1ull << IRQ_S_EXT)
#define MIP_MEIP (1ull << IRQ_M_EXT)

/* menvcfg.STCE (Sstc): stimecmp drives STIP and S-mode may access it */
#define MENVCFG_STCE (1ull << 63)

/* exception causes */
enum {
    EXC_INSN_MISALIGNED = 0, EXC_INSN_ACCESS = 1, EXC_ILLEGAL_INSN = 2,
    EXC_BREAKPOINT = 3, EXC_LOAD_MISALIGNED = 4, EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6, EXC_STORE_ACCESS = 7, EXC_ECALL_U = 8,
    EXC_ECALL_S = 9, EXC_ECALL_M = 11, EXC_INSN_PAGE_FAULT = 12,
    EXC_LOAD_PAGE_FAULT = 13, EXC_STORE_PAGE_FAULT = 15,
};
/* do_exception's cause: an interrupt has this bit set (as mcause). */
#define CAUSE_INTERRUPT (1u << 31)

/* satp */
#define SATP_MODE_SHIFT 60
#define SATP_ASID_SHIFT 44
#define SATP_ASID_BITS 16
#define SATP_PPN_MASK ((1ull << 44) - 1)
enum { SATP_BARE = 0, SATP_SV39 = 8, SATP_SV48 = 9, SATP_SV57 = 10 };

/* CSR numbers (privileged spec 1.12, tables 2.2-2.5) */
enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,

    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
    CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a,
    CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_STIMECMP = 0x14d,
    CSR_SATP = 0x180,

    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302,
    CSR_MIDELEG = 0x303, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
    CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a,
    CSR_MCOUNTINHIBIT = 0x320, CSR_MHPMEVENT3 = 0x323,
    CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343, CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG15 = 0x3af,
    CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR63 = 0x3ef,

    CSR_TSELECT = 0x7a0, CSR_TDATA1 = 0x7a1, CSR_TDATA2 = 0x7a2,
    CSR_TDATA3 = 0x7a3,

    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02, CSR_MHPMCOUNTER3 = 0xb03,
    CSR_MHPMCOUNTER31 = 0xb1f,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03, CSR_HPMCOUNTER31 = 0xc1f,

    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13,
    CSR_MHARTID = 0xf14, CSR_MCONFIGPTR = 0xf15,
};

#define RISCV_PMP_ENTRIES 16
#define RISCV_PTW_LEVELS 5   /* Sv57 */

/*
 * TB flags (riscv_get_tb_key): what translation depends on besides the
 * PC.  Anything here that a CSR write changes ends the TB after the write.
 */
#define TB_FLAGS_PRIV(f) ((unsigned)(f) & 3)           /* PRV_* */
#define TB_FLAGS_FS(f) (((unsigned)(f) >> 2) & 3)      /* mstatus.FS */
#define TB_FLAGS_MEM_IDX(f) (((unsigned)(f) >> 4) & 15) /* data MMU index */
#define TB_FLAGS_MAKE(priv, fs, mem_idx)                                      \
    ((uint64_t)(priv) | (uint64_t)(fs) << 2 | (uint64_t)(mem_idx) << 4)

/*
 * MMU indexes: instruction fetch uses the privilege (0, 1, 3); data
 * accesses the effective privilege (MPRV/MPP applied) plus SUM (4) and MXR
 * (8) so that those bits never need a TLB flush.
 */
#define MMU_IDX_SUM 4
#define MMU_IDX_MXR 8
#define MMU_IDX_PRIV(idx) ((idx) & 3)

/* ------------------------------------------------------------ state */

typedef struct RiscvCpu {
    BbCpu parent_obj;

    /* IR globals: gpr[1..31] and pc */
    uint64_t gpr[32];        /* gpr[0] is never written */
    uint64_t pc;

    /* F/D: NaN-boxed values (singles have the upper 32 bits all ones) */
    uint64_t fpr[32];
    uint32_t fflags;         /* accrued exceptions NV DZ OF UF NX (4..0) */
    uint32_t frm;            /* dynamic rounding mode */

    uint32_t priv;           /* PRV_* */
    uint32_t in_amo;         /* set around an AMO's load: faults report
                                store/AMO causes */
    uintptr_t csr_ra;        /* while a CSR instruction's helper runs: its
                                host return address (the counters find
                                the instruction with it), else 0 */

    /* LR/SC */
    uint64_t load_res;       /* reserved address, UINT64_MAX: none */
    uint64_t load_val;       /* value LR read */

    /* machine-level CSRs */
    uint64_t misa;
    uint64_t mstatus;        /* full register; sstatus is a view */
    uint64_t medeleg, mideleg;
    uint64_t mie;
    uint64_t mip;            /* software-written bits (SSIP, STIP, SEIP) */
    uint64_t mtvec, mscratch, mepc, mcause, mtval;
    uint64_t mcounteren, mcountinhibit, menvcfg;
    uint64_t mcycle_offset, minstret_offset; /* counter - retired insns
                                                (the frozen value while
                                                mcountinhibit stops it) */
    uint64_t mcycle_saved, minstret_saved; /* the counters' values, for
                                              the state description only
                                              (pre_save, post_load) */

    /* supervisor-level CSRs */
    uint64_t stvec, sscratch, sepc, scause, stval, satp;
    uint64_t scounteren, senvcfg;
    uint64_t stimecmp;       /* Sstc: STIP = time >= stimecmp (menvcfg.STCE) */

    /* interrupt input lines, as mip bits (MSIP MTIP MEIP SEIP, and STIP
     * SSIP when wired); mip reads as mip | irq_lines */
    uint64_t irq_lines;

    /* PMP */
    uint8_t pmpcfg[RISCV_PMP_ENTRIES];
    uint64_t pmpaddr[RISCV_PMP_ENTRIES];
    /* the page walk's PMP verdict per level on the last page-table page
     * it read there (mmu.c); riscv_pmp_changed() drops them */
    uint64_t ptw_pmp_page[RISCV_PTW_LEVELS];
    uint8_t ptw_pmp_perms[RISCV_PTW_LEVELS]; /* PMP_R/W for S-mode */
    bool ptw_pmp_valid[RISCV_PTW_LEVELS];

    /* configuration (properties) */
    char *isa;               /* "rv64imafdc_zicsr_zifencei" */
    uint64_t resetvec;       /* PC after reset when the machine has no
                                "entry" property */
    uint64_t timebase_freq;  /* time CSR rate (Hz), default 10 MHz */
    uint32_t pmp_entries;    /* 0 or 16 */
    bool pmp;                /* property "pmp": pmp_entries = pmp ? 16 : 0 */
    char *mmu;               /* deepest satp mode: "sv39"/"sv48"/"sv57" */
    uint32_t satp_mode_max;  /* SATP_SV* derived from mmu */
    bool ext_zicsr, ext_zifencei; /* from the ISA string */
    bool ext_sstc;           /* "_sstc": stimecmp, menvcfg.STCE */
    BbTimerContext *timers;  /* the system's, for the time CSR; NULL
                                outside a system (unit tests: time 0) */
    BbTimer *stimer;         /* Sstc: fires at the stimecmp deadline; NULL
                                outside a system (unit tests) */
    bool reset_pc_pending;   /* take the PC from the machine's "entry"
                                when the hart first runs */
    bool mmu_debug;          /* a debugger's translation: the page walk
                                writes no A/D bits (debug.c) */
} RiscvCpu;

BB_DECLARE_TYPE(RiscvCpu, BbCpuClass, RISCV_CPU, TYPE_RISCV64_CPU)

/* IR globals (translate.c creates them in riscv_translate_init()). */
extern BbTcgI64 cpu_gpr[32]; /* cpu_gpr[0] is unused */
extern BbTcgI64 cpu_fpr[32]; /* f0-f31 (RiscvCpu.fpr[]) */
extern BbTcgI64 cpu_pc;

/* ------------------------------------------------------------ decoding */

/*
 * Operand extraction formats of the 32-bit encodings.  A compressed
 * instruction is expanded to its 32-bit equivalent first, so every
 * instruction goes through one table lookup and one translate function.
 */
typedef enum {
    FMT_NONE,   /* no operands (ecall, mret...) */
    FMT_R,      /* rd, rs1, rs2 (and rm in bits 14:12 for FP) */
    FMT_R4,     /* rd, rs1, rs2, rs3, rm */
    FMT_I,      /* rd, rs1, imm[11:0] */
    FMT_S,      /* rs1, rs2, imm (store) */
    FMT_B,      /* rs1, rs2, branch offset */
    FMT_U,      /* rd, imm[31:12] << 12 (sign-extended) */
    FMT_J,      /* rd, jump offset */
    FMT_SHIFT,  /* rd, rs1, shamt[5:0] */
    FMT_SHIFTW, /* rd, rs1, shamt[4:0] */
    FMT_CSR,    /* rd, rs1, csr */
    FMT_CSRI,   /* rd, uimm[4:0] in rs1's field (-> imm), csr */
    FMT_AMO,    /* rd, rs1, rs2, aq, rl */
    FMT_FENCE,  /* pred/succ in imm */
} RiscvFmt;

/* Decoded operands of one (expanded) instruction. */
typedef struct RiscvArgs {
    uint32_t insn;          /* the 32-bit encoding (expanded from C) */
    unsigned rd, rs1, rs2, rs3;
    unsigned rm;            /* bits 14:12 */
    unsigned csr;
    bool aq, rl;
    int64_t imm;
} RiscvArgs;

typedef struct DisasContext DisasContext;

/* One translate function per instruction: emit its IR; return false if
 * the encoding is illegal (reserved operand values, missing extension
 * state...): the caller then raises illegal-instruction. */
typedef bool (*RiscvTransFn)(DisasContext *ctx, const RiscvArgs *a);

/*
 * One instruction pattern: (insn & mask) == match.  @args is the
 * disassembler's operand template, a comma-separated list of:
 *   d s t     x registers rd, rs1, rs2
 *   D S T R   f registers rd, rs1, rs2, rs3
 *   j         signed immediate (decimal)
 *   o         imm(xrs1): a load/store address
 *   A         (xrs1): an AMO/LR/SC address
 *   b         branch/jump target (pc + imm, hex)
 *   u         U-immediate (imm >> 12, hex)
 *   >         shift amount
 *   c         CSR name
 *   Z         5-bit immediate of csrr*i (imm)
 *   m         rounding mode (omitted when dynamic)
 *   p         fence predecessor/successor sets ("iorw, iorw")
 * @name may end in ".aqrl"-able forms: the disassembler appends ".aq",
 * ".rl" or ".aqrl" for FMT_AMO.  @ext: misa bits that must all be
 * present (0: base ISA).
 */
typedef struct RiscvInsnDesc {
    const char *name;
    uint32_t mask, match;
    RiscvFmt fmt;
    const char *args;
    uint64_t ext;
    RiscvTransFn trans;
} RiscvInsnDesc;

/* The pattern tables, each ending with an entry whose name is NULL.  Each
 * trans-*.c file owns one; decode.c consults them all. */
extern const RiscvInsnDesc riscv_insns_rvi[];      /* trans-rvi.c: RV64I,
                                                      fence, fence.i */
extern const RiscvInsnDesc riscv_insns_rvm[];      /* trans-rvm.c */
extern const RiscvInsnDesc riscv_insns_rva[];      /* trans-rva.c */
extern const RiscvInsnDesc riscv_insns_system[];   /* trans-system.c:
                                                      Zicsr, ecall, ebreak,
                                                      xret, wfi, sfence */
extern const RiscvInsnDesc riscv_insns_rvf[];      /* trans-rvf.c: F and D */

/*
 * riscv_decode() - find the pattern of a 32-bit encoding (NULL if none,
 * or if its extension is not in @misa) and extract its operands.
 * riscv_expand_compressed() - the 32-bit equivalent of a 16-bit encoding,
 * or 0 if it is illegal/reserved in RV64 (or its extension is missing);
 * @cname receives the compressed mnemonic ("c.addi") when not NULL.
 */
const RiscvInsnDesc *riscv_decode(uint32_t insn, uint64_t misa,
                                  RiscvArgs *a);
/* Every pattern table decode.c consults, NULL-terminated (tests walk
 * them). */
const RiscvInsnDesc *const *riscv_decode_tables(void);
uint32_t riscv_expand_compressed(uint16_t insn, uint64_t misa,
                                 const char **cname);

/* disas.c: append the disassembly of the instruction at @pc (16- or
 * 32-bit encoding @raw, @len bytes) to @out. */
void riscv_disas(uint64_t pc, uint32_t raw, unsigned len, uint64_t misa,
                 GString *out);
const char *riscv_csr_name(unsigned csr); /* csr.c; NULL if unknown */
extern const char *const riscv_xreg_names[32]; /* "zero", "ra"... */
extern const char *const riscv_freg_names[32]; /* "ft0"... */

/* ------------------------------------------------------------ translation */

struct DisasContext {
    RiscvCpu *cpu;
    BbTcgContext *s;
    BbTranslateState *ts;
    uint64_t pc;            /* this instruction */
    uint64_t pc_next;       /* pc + len */
    uint32_t raw;           /* the encoding as fetched (tval of illegal) */
    unsigned len;           /* 2 or 4 */
    unsigned priv;          /* TB_FLAGS_PRIV */
    unsigned mem_idx;       /* TB_FLAGS_MEM_IDX */
    unsigned fs;            /* mstatus.FS as the TB's code now knows it:
                               riscv_gen_set_fs_dirty() raises it */
    bool frm_checked;       /* this TB already checks frm (dynamic rm):
                               frm cannot change within a TB, as a CSR
                               write to it ends the TB */
    uint64_t misa;
};

/* translate.c: building blocks for the trans functions */
BbTcgI64 gen_get_gpr(DisasContext *ctx, unsigned r);  /* x0 -> const 0 */
BbTcgI64 gen_dest_gpr(DisasContext *ctx, unsigned r); /* x0 -> scratch */
BbTcgI64 gen_const(DisasContext *ctx, int64_t v);
/* The address of a load or store: x[rs1] + imm. */
BbTcgI64 gen_mem_addr(DisasContext *ctx, const RiscvArgs *a);
/* End the TB: raise @cause with @tval at this instruction. */
void gen_raise(DisasContext *ctx, uint32_t cause, uint64_t tval);
/* Raise @cause with a run-time @tval (e.g. a jalr target) without ending
 * the TB: code after it on another path still runs. */
void gen_raise_tval(DisasContext *ctx, uint32_t cause, BbTcgI64 tval);
void gen_illegal(DisasContext *ctx); /* tval = the raw encoding */
/* End the TB with a chained jump to @target through @slot (0 or 1);
 * raises instruction-address-misaligned when @target is not 2-aligned
 * (or 4-aligned without C). */
void gen_goto_tb(DisasContext *ctx, unsigned slot, uint64_t target);
/* End the TB at pc_next without chaining (the loop then looks at
 * interrupts and the new TB flags): after CSR writes, xRET, fences. */
void gen_exit_to_next(DisasContext *ctx);
/* Call a helper taking (env, insn) (the raw encoding as an i32). */
void gen_helper_env_insn(DisasContext *ctx, const BbTcgHelper *h,
                         uint32_t ret);
/* Mark the TB as ended by this instruction. */
void gen_set_done(DisasContext *ctx);

/* trans-rvf.c: mstatus.FS = Dirty (and SD) once per TB; F/D translate
 * functions call it before writing an f register or fflags.  They must
 * also check ctx->fs != FS_OFF (else illegal). */
void riscv_gen_set_fs_dirty(DisasContext *ctx);

/* ------------------------------------------------------------ helpers */

/*
 * Helpers generated code calls (defined in csr.c and priv.c).  Each takes
 * the env and the raw instruction (for the illegal-instruction tval):
 *   riscv_h_csr(env, insn, src) -> old value.  Executes csrrw/s/c[i]
 *     with the semantics of funct3 (for the i forms the translator passes
 *     the zero-extended uimm as src); decides read/write side effects from
 *     rd/rs1 as the spec says; raises illegal-instruction when the CSR
 *     does not exist, the privilege is too low, it is read-only and
 *     written, or FS is Off for fflags/frm/fcsr.  The translator writes
 *     the result to rd and ends the TB (gen_exit_to_next) if the
 *     instruction writes.
 *   riscv_h_mret(env, insn), riscv_h_sret(env, insn): check privilege and
 *     TSR, set pc, priv, mstatus; the translator then exits the TB with
 *     exit_tb(2) (pc is already set).
 *   riscv_h_wfi(env, insn): check privilege/TW; sleep the hart unless an
 *     enabled interrupt is pending; translator: pc = next, exit.
 *   riscv_h_sfence_vma(env, insn, vaddr, asid): check privilege/TVM and
 *     flush the TLBs (all, or the page when rs1 != x0).
 */
extern const BbTcgHelper riscv_h_csr;
extern const BbTcgHelper riscv_h_mret;
extern const BbTcgHelper riscv_h_sret;
extern const BbTcgHelper riscv_h_wfi;
extern const BbTcgHelper riscv_h_sfence_vma;

/* ------------------------------------------------------------ CPU hooks */

/* translate.c */
void riscv_translate_init(BbCpuClass *cc); /* globals, hooks */
void riscv_translate_insn(BbCpu *cpu, BbTcgContext *s, BbTranslateState *ts);
void riscv_translate_end(BbCpu *cpu, BbTcgContext *s, BbTranslateState *ts);
unsigned riscv_disas_insn(BbCpu *cpu, uint64_t pc, const uint8_t *buf,
                          size_t len, GString *out);

/* priv.c */
void riscv_get_tb_key(BbCpu *cpu, uint64_t *pc, uint64_t *flags);
bool riscv_exec_interrupt(BbCpu *cpu);
bool riscv_has_work(BbCpu *cpu);
void riscv_do_exception(BbCpu *cpu, uint32_t cause, uint64_t tval);
void riscv_restore_state(BbCpu *cpu, uint64_t pc, uint64_t extra);
unsigned riscv_mmu_index(BbCpu *cpu, bool ifetch);
/* Take the pc from the machine's "entry" (pending after a reset until
 * the hart first runs, or a debugger looks at it). */
void riscv_resolve_reset_pc(RiscvCpu *s);
/* Interrupt state changed (mip, mie, mideleg, mstatus, priv): ask the
 * loop to look if something is now pending and enabled. */
void riscv_update_interrupts(RiscvCpu *s);
/* The pending-and-enabled interrupt to take now, or -1. */
int riscv_pending_interrupt(RiscvCpu *s);
uint64_t riscv_read_mip(RiscvCpu *s); /* mip | irq_lines */
/* State description hooks: a reservation only lives in the hart that ran
 * last, so save drops a stale one and load makes the loaded hart hold
 * its live one. */
void riscv_reservation_save(RiscvCpu *s);
void riscv_reservation_load(RiscvCpu *s);
void riscv_irq_input(void *opaque, unsigned n, bool level); /* per line */

/* csr.c */
void riscv_csr_reset(RiscvCpu *s);
/* mcycle/minstret as values (the offsets are relative to this hart's
 * retired-instruction count, which another hart object does not share):
 * into mcycle_saved/minstret_saved, and back into the offsets. */
void riscv_counters_save(RiscvCpu *s);
void riscv_counters_load(RiscvCpu *s);
/* Read/write a CSR as the debugger and tests do (no privilege checks);
 * false if it does not exist. */
bool riscv_csr_peek(RiscvCpu *s, unsigned csr, uint64_t *value);
/* Write a CSR as a debugger does (no privilege checks, the write's side
 * effects apply); false if it does not exist or is read-only. */
bool riscv_csr_poke(RiscvCpu *s, unsigned csr, uint64_t value);
/* The time CSR: the virtual clock at timebase_freq. */
uint64_t riscv_read_time(RiscvCpu *s);
/* Sstc: is STIP driven by stimecmp and is time >= stimecmp (csr.c)? */
bool riscv_sstc_stip(RiscvCpu *s);
/* Sstc: re-arm the stimecmp timer and re-evaluate interrupts after a
 * write to stimecmp or menvcfg, a reset or a state load (csr.c). */
void riscv_sstc_update(RiscvCpu *s);
/* The stimecmp timer's callback (csr.c). */
void riscv_sstc_timer_cb(void *opaque);
/* riscv_h_csr without the raise (unit tests): execute the CSR instruction
 * @insn with @src; false if it is illegal. */
bool riscv_csr_op(RiscvCpu *s, uint32_t insn, uint64_t src, uint64_t *old);
/* priv.c: mret (@mret) or sret without the raise; false if illegal. */
bool riscv_do_xret(RiscvCpu *s, bool mret);

/* mmu.c */
bool riscv_tlb_fill(BbCpu *cpu, uint64_t vaddr, BbAccessType access,
                    unsigned mmu_idx, bool probe, uint64_t *paddr,
                    unsigned *prot);
void riscv_do_transaction_failed(BbCpu *cpu, uint64_t vaddr, uint64_t paddr,
                                 BbAccessType access, unsigned size,
                                 unsigned mmu_idx);
bool riscv_do_unaligned_access(BbCpu *cpu, uint64_t vaddr,
                               BbAccessType access, BbMemOp mop,
                               unsigned mmu_idx);
/* What riscv_tlb_fill does, minus raising (tests call it on a plain
 * RiscvCpu struct and their own address space): translate @vaddr, with
 * A/D updates in @as, and the PMP for the @size bytes at @vaddr (0 and 1:
 * one byte; they must lie in @vaddr's page); true with *@paddr and
 * *@prot, else false with the exception *@cause (tval is @vaddr). */
bool riscv_mmu_translate(RiscvCpu *s, BbAddressSpace *as, uint64_t vaddr,
                         unsigned size, BbAccessType access, unsigned mmu_idx,
                         uint64_t *paddr, unsigned *prot, uint32_t *cause);
/* The PMP registers changed (or were reset or loaded): forget what the
 * page walk cached about them. */
void riscv_pmp_changed(RiscvCpu *s);
/* PMP: whether @size bytes at physical @addr may be accessed for @access
 * in privilege @priv (M-mode: only locked entries apply). */
bool riscv_pmp_check(RiscvCpu *s, uint64_t addr, unsigned size,
                     BbAccessType access, unsigned priv);
/* A pmpcfg/pmpaddr write (csr.c calls these; they honour the lock bits
 * and flush the TLBs). */
void riscv_pmpcfg_write(RiscvCpu *s, unsigned reg_index, uint64_t value);
void riscv_pmpaddr_write(RiscvCpu *s, unsigned index, uint64_t value);
uint64_t riscv_pmpcfg_read(RiscvCpu *s, unsigned reg_index);
uint64_t riscv_pmpaddr_read(RiscvCpu *s, unsigned index);

/* debug.c: BbCpuClass.get_registers/access_register/debug_translate */
void riscv_debug_init(BbCpuClass *cc);
/* GDB remote register numbers (docs/riscv.md, "Registers") */
#define RISCV_REGNO_PC 32
#define RISCV_REGNO_FPR0 33
#define RISCV_REGNO_PRIV 65
#define RISCV_REGNO_CSR0 66

/* fpu.c: see the helpers' table there (riscv_h_f*) */

#endif /* PLUGINS_CPUS_RISCV_RISCV_H */
