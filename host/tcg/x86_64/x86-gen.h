/*
 * x86-gen.h - what the parts of the x86-64 backend share while compiling
 * one TB: the code generator state (X86Gen) with the assembler, the
 * liveness facts (x86-liveness.c), the register allocator's view of every
 * temp and host register (x86-regalloc.c) and the results the op lowering
 * (x86-lower-*.c) records for the finished code (x86-backend.c).
 *
 * Host conventions of generated code:
 *   rbp        the env pointer (callee-saved, never allocated)
 *   rsp        16-byte aligned inside a TB; [rsp + 8*i] are the spill
 *              slots of TB-local temps, [rsp + X86_RT_OFFSET] holds the
 *              TcgRuntime pointer (never NULL in exec),
 *              [rsp + X86_TLB_OFFSET] the address of its rt->tlb->e and
 *              [rsp + X86_TLB_MASK_OFFSET] a copy of rt->tlb->mask[]
 *              (copied at entry: the TLB fast path of guest memory
 *              accesses reads them without a dependent load; tables are
 *              only resized outside generated code)
 *   others     allocatable (callee-saved ones are preferred, so values
 *              survive helper calls); in a TB in loop form rbx and up to
 *              four of r12-r15 are pinned instead (x86-loop.c)
 * An i32 value in a host register is always zero-extended: bits 63..32
 * are 0 (32-bit instructions guarantee it; the few that do not, such as
 * helper returns and setcc, are followed by an explicit zero extension).
 * In memory an i32 global or spill slot is 4 bytes.
 */
#ifndef HOST_TCG_X86_64_X86_GEN_H
#define HOST_TCG_X86_64_X86_GEN_H

#include "tcg/tcg-internal.h"
#include "tcg/tcg-pass.h"
#include "tcg/x86_64/tcg-x86_64.h"
#include "tcg/x86_64/x86-asm.h"

/* ------------------------------------------------------------ frame */

#define X86_FRAME_SLOTS 256 /* spill slots, even (keeps rsp aligned) */
#define X86_RT_OFFSET (X86_FRAME_SLOTS * 8)
#define X86_TLB_OFFSET (X86_RT_OFFSET + 8)
#define X86_TLB_MASK_OFFSET (X86_TLB_OFFSET + 8)
#define X86_TLB_MASK_SIZE (TCG_NB_MMU_IDX * 4)
/* Below the six pushed callee-saved registers: slots, the rt pointer,
 * rt->tlb->e, the masks and 8 bytes of padding (rsp stays 16-byte
 * aligned). */
#define X86_FRAME_SIZE (X86_FRAME_SLOTS * 8 + 24 + X86_TLB_MASK_SIZE)
#define X86_ENV_REG X86_RBP

#define X86_REGS_ALL 0xffffu
#define X86_REGS_ALLOC (X86_REGS_ALL & ~(X86_BIT(X86_RSP) | X86_BIT(X86_RBP)))
#define X86_REGS_CALLER_SAVED                                                 \
    (X86_BIT(X86_RAX) | X86_BIT(X86_RCX) | X86_BIT(X86_RDX) |                 \
     X86_BIT(X86_RSI) | X86_BIT(X86_RDI) | X86_BIT(X86_R8) |                  \
     X86_BIT(X86_R9) | X86_BIT(X86_R10) | X86_BIT(X86_R11))

extern const X86Reg x86_call_arg_regs[6];

/* ------------------------------------------------------------ state */

typedef enum {
    X86_TS_DEAD = 0, /* no value (TB-local temp not live here) */
    X86_TS_MEM,      /* only in memory: env field or spill slot */
    X86_TS_REG,      /* in .reg (and in memory too if .mem_ok) */
} X86TempLoc;

typedef struct X86TempState {
    uint8_t loc;     /* X86TempLoc */
    int8_t reg;      /* X86_TS_REG: the host register */
    bool mem_ok;     /* the memory copy is current */
    int32_t slot;    /* TB-local temp: spill slot, -1 while none */
} X86TempState;

/* A host offset -> guest pc pair recorded at each insn_start. */
typedef struct X86InsnMark {
    uint32_t host_ofs; /* from the start of the TB's code */
    uint64_t pc;
    uint64_t extra;
} X86InsnMark;

typedef struct X86Gen {
    BbTcgContext *s;
    X86Asm as;
    unsigned features;    /* TCG_X86_64_FEAT_* */
    uintptr_t epilogue;   /* runtime address of the shared epilogue */
    uintptr_t self;       /* the X86Code being made: exit_tb 0/1 leave it
                             in rdx for exec() */
    unsigned cur_op;      /* index of the op being lowered */
    bool reachable;       /* can control reach the current position? */
    bool failed;          /* an error was recorded in .error */
    GError *error;
    /* The per-TB arrays below are in the TB's scratch arena, released to
     * this mark when the compile ends (gen_destroy()). */
    TcgArenaMark arena_mark;

    /* Liveness (x86-liveness.c) of TB-local temps (the sets may have bits
     * of others set when they come from the optimizer: ignore them). */
    TcgCfg cfg;
    TcgBits *live_in;     /* per block */
    TcgBits *live_out;    /* per block */
    uint16_t *dead;       /* per op: bit p set = temp args[p] dead after */
    unsigned *release;    /* per op: first temp whose last use it is */
    unsigned *release_next; /* per temp: next in that list */

    /* Register allocator (x86-regalloc.c). */
    X86TempState *ts;     /* per temp */
    int32_t reg_temp[X86_NB_REGS]; /* temp held by each register, or -1 */
    uint32_t locked;      /* registers in use by the current op */
    uint32_t reg_age[X86_NB_REGS];
    uint32_t clock;
    TcgVec free_slots;    /* unsigned slot numbers (arena) */
    unsigned nb_slots;

    /* Guest memory slow paths, emitted after the body (x86-lower-ctl.c). */
    TcgVec slow_paths;    /* X86SlowPath (arena) */

    /* Loop form (x86-loop.c): registers that hold one value for the
     * whole TB and never take part in allocation. */
    bool loop;            /* this TB is compiled in loop form */
    uint32_t pinned;      /* pinned registers (globals and the budget) */
    uint32_t alloc_mask;  /* X86_REGS_ALLOC minus the pinned registers */
    X86Reg budget_reg;    /* BbCpu.budget in loop form, else X86_NOREG */
    X86Reg tlb_reg;       /* loop form: the frame's copy of rt->tlb, when
                             a register was left (else X86_NOREG) */
    bool loop_slot[2];    /* goto_tb slot may be the loop's back edge */
    unsigned loop_label;  /* assembler label of the loop head */
    X86Reg pin_fix_src;   /* an op's output, to be copied to its */
    X86Reg pin_fix_dst;   /* pinned register (X86_NOREG: none) */
    bool pinned_stored;   /* env has the pinned values (straight-line
                             code since x86_ra_sync_pinned()) */

    /* Results. */
    TcgVec insns;         /* X86InsnMark (arena) */
    int32_t goto_tb_ofs[2]; /* offset of each goto_tb jmp, -1 if none */
    int32_t loop_ofs[2];  /* offset of each back-edge jmp, -1 if none */
    int32_t loop_head_ofs; /* offset of the loop head, -1 if no loop form */
    int32_t loop_jcc_ofs[2]; /* a jcc to the slot's goto_tb, -1 if none */
    unsigned loop_jcc_label[2]; /* ...and the IR label it jumps to */
} X86Gen;

/* A TB's entry stub, "lea rdx, [rip + 5]; jmp rel32" to the prologue; its
 * body (where chained jumps and lookup_and_goto enter) follows it. */
#define X86_ENTRY_STUB_SIZE 12

/* The patch points of a TB in loop form (x86-loop.c), offsets from its
 * entry; allocated only for such TBs (most have none). */
typedef struct X86LoopInfo {
    int32_t head_ofs;     /* the loop head, where the back edges go */
    int32_t back_ofs[2];  /* back-edge jmp of goto_tb slot, -1 if none */
    int32_t jcc_ofs[2];   /* a jcc (rel32) whose target is that back edge
                             and so can go to the loop head directly */
    int32_t jcc_home[2];  /* where that jcc jumps when unchained */
} X86LoopInfo;

/* A compiled TB (the backend's TcgCode). */
typedef struct X86Code {
    uintptr_t entry;      /* runtime address; TcgExit fn(env, rt) */
    size_t size;
    unsigned generation;  /* of the code buffer when compiled */
    uint64_t pc_first;
    /* The marks, after the struct (same allocation): pairs of uint32_t
     * (host_ofs, pc - pc_first) when every extra word is 0 and every pc
     * within 4 GiB of pc_first (a third of the size: with a mark per
     * instruction they were most of a TB's metadata), else X86InsnMarks
     * (wide).  Read them with x86_code_mark(). */
    void *marks;
    bool wide;
    unsigned nb_insns;
    unsigned max_insns;   /* room there */
    int32_t goto_tb_ofs[2];
    struct X86LoopInfo *loop; /* loop form (x86-loop.c), else NULL */
    void *owner;          /* tcg_x86_64_set_owner(): what exec() reports
                             when this TB's exit_tb 0/1 ends a run */
} X86Code;

static inline X86Code *x86_code(const TcgCode *c)
{
    return (X86Code *)c;
}

/* Mark @i of @c. */
static inline X86InsnMark x86_code_mark(const X86Code *c, unsigned i)
{
    const uint32_t *p = (const uint32_t *)c->marks + 2 * i;

    if (c->wide) {
        return ((const X86InsnMark *)c->marks)[i];
    }
    return (X86InsnMark){ .host_ofs = p[0], .pc = c->pc_first + p[1] };
}

void x86_gen_fail(X86Gen *g, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static inline const TcgTemp *x86_temp(const X86Gen *g, uint32_t t)
{
    return tcg_temp(g->s, t);
}
static inline bool x86_is_i64(const X86Gen *g, uint32_t t)
{
    return tcg_temp(g->s, t)->type == BB_TCG_TYPE_I64;
}

/* ------------------------------------------------------------ liveness */

void x86_liveness_compute(X86Gen *g);
void x86_liveness_free(X86Gen *g);

/* ------------------------------------------------------------ allocator */

void x86_ra_init(X86Gen *g);
void x86_ra_destroy(X86Gen *g);
/* Is temp @t a constant (value in *@val, i32 sign-extended)? */
bool x86_ra_const(X86Gen *g, uint32_t t, int64_t *val);
/* Put input @t in a register of @mask and lock it for this op.  A
 * constant is materialized in a scratch register. */
X86Reg x86_ra_in(X86Gen *g, uint32_t t, uint32_t mask);
/* A register of @mask for output @t, locked; @reuse1/@reuse2 (input
 * registers of this op, or X86_NOREG) are taken when their value is not
 * needed after the op, so "d = a op b" can be computed in place. */
X86Reg x86_ra_out(X86Gen *g, uint32_t t, uint32_t mask, X86Reg reuse1,
                  X86Reg reuse2);
/* A scratch register of @mask, free for this op. */
X86Reg x86_ra_scratch(X86Gen *g, uint32_t mask);
/* Make @r a scratch register of this op (moving its temp away). */
void x86_ra_reserve(X86Gen *g, X86Reg r);
/* The op is lowered: unlock registers, release temps that died. */
void x86_ra_op_done(X86Gen *g, const TcgOp *op);
/* Write dirty globals back to env; with @drop, forget the copies too.
 * Pinned globals (loop form) are left alone: x86_ra_sync_pinned(). */
void x86_ra_sync_globals(X86Gen *g, bool drop);
/* Loop form: store the pinned globals and the budget to env (before
 * anything that leaves the TB); their registers keep them. */
void x86_ra_sync_pinned(X86Gen *g);
/* Loop form: pin global @t to callee-saved register @r for the TB. */
void x86_ra_pin(X86Gen *g, uint32_t t, X86Reg r);
/* Store TB-local temps in @live whose memory copy is stale. */
void x86_ra_sync_temps(X86Gen *g, const TcgBits *live);
/* At a label: nothing in registers, temps in @live are in their slots. */
void x86_ra_reset(X86Gen *g, const TcgBits *live);
/* Empty the caller-saved registers (moving values to callee-saved ones or
 * to memory) and lock them as scratch for a call. */
void x86_ra_prepare_call(X86Gen *g);
/* Load input @t (or BB_TCG_ARG_ENV) into @r without binding it; @r must
 * be a scratch register of this op. */
void x86_ra_load_into(X86Gen *g, uint32_t t, X86Reg r);
/* After a call: temp @t's value is in @r (a scratch register). */
void x86_ra_bind_result(X86Gen *g, uint32_t t, X86Reg r);
/* Make every register of @mask a scratch register of this op, moving
 * their temps to registers outside @mask (or to memory). */
void x86_ra_reserve_mask(X86Gen *g, uint32_t mask);

/* What a cold call site (a guest access's slow path) must do around its
 * call so that the hot path keeps its registers: each entry is a value
 * held in a register at the access, stored to its home (env for a dirty
 * global, so an unwind from the call sees it; a spill slot for a
 * caller-saved TB-local temp) before the call and, when the register is
 * caller-saved, loaded back after it. */
typedef struct X86ColdSave {
    int8_t reg;
    uint8_t size;   /* 4 or 8 */
    bool store;     /* the home is stale: store before the call */
    bool reload;    /* caller-saved: reload after the call */
    X86Reg base;
    int32_t disp;
} X86ColdSave;
/* Fill @out (room for X86_NB_REGS) for a call made at this point; the
 * allocation itself is unchanged.  Returns the number of entries. */
unsigned x86_ra_cold_saves(X86Gen *g, X86ColdSave *out);

/* ------------------------------------------------------------ loop form */

/* Decide whether the TB gets the loop form (docs/jit.md, "Self-loops")
 * and, if so, pin its registers; call after x86_ra_init(). */
void x86_loop_plan(X86Gen *g);
/* Loop form: emit the entry (load the pinned values), the loop head and
 * the budget check in place of the TB's budget prologue; returns the
 * index of the first op after the prologue. */
unsigned x86_loop_prologue(X86Gen *g);
/* Loop form: the goto_tb slot whose back edge IR label @label leads
 * straight to (nothing else reaches the label), or -1. */
int x86_loop_label_slot(X86Gen *g, unsigned label);

/* ------------------------------------------------------------ lowering */

/* Arithmetic, logic, shifts, compares, bit fields, conversions
 * (x86-lower-alu.c); false if @op is not one of them. */
bool x86_lower_alu(X86Gen *g, const TcgOp *op);
/* env and guest memory access, calls, labels, branches, exits
 * (x86-lower-ctl.c). */
bool x86_lower_ctl(X86Gen *g, const TcgOp *op);
/* Leave the TB with exit code @code (globals synced first); exits 0/1
 * also leave g->self in rdx. */
void x86_emit_exit(X86Gen *g, unsigned code);
/* After the body: emit the out-of-line slow paths of guest memory
 * accesses (the TB's cold section) and free their list; also call it
 * when the compile failed. */
void x86_lower_finish(X86Gen *g);
/* A TLB whose every tag is empty: what generated code reads when the
 * runtime has none, so every access takes the slow path (the callbacks).
 * Built on first use (it is megabytes: not worth carrying in the
 * library's read-only data). */
const TlbTable *x86_tlb_none(void);

/* A comparison of setcond/movcond/brcond, operands loaded: prepare
 * before allocating the output, emit right before the flags are used.
 * The condition must not be NEVER or ALWAYS. */
typedef struct X86Cmp {
    bool w;        /* 64-bit compare */
    X86Reg ra;     /* left operand */
    X86Reg rb;     /* right operand, X86_NOREG if immediate */
    int32_t imm;
    X86Cond cc;    /* true when the condition holds */
} X86Cmp;

void x86_cmp_prepare(X86Gen *g, uint32_t a, uint32_t b, BbTcgCond c, bool w,
                     X86Cmp *cmp);
void x86_cmp_emit(X86Gen *g, const X86Cmp *cmp);

#endif /* HOST_TCG_X86_64_X86_GEN_H */
