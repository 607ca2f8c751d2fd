/*
 * toy-cpu.c - "toy-cpu": a hart for the tiny test ISA of toy-isa.h, the
 * smallest CPU that exercises the whole execution path of the host:
 * translation to IR (globals at offsets into the instance, helper calls,
 * guest loads and stores through the softmmu, insn_start markers,
 * goto_tb chaining on both edges of a branch, lookup_and_goto for jalr),
 * exceptions raised from helpers and from the memory system (restore_state
 * + do_exception), one level-triggered interrupt input "irq" taken by
 * exec_interrupt, WFI through bb_cpu_halt, identity tlb_fill, a one-line
 * disassembler and a register dump.  It follows the contract of
 * plugin-api/include/breadboard/cpu.h; the reset PC is the property
 * "reset-pc" (a board sets it with harts.props.reset-pc).
 */
#include <stddef.h>

#include <breadboard/breadboard.h>

#include "toy-isa.h"

#define TYPE_TOY_CPU "toy-cpu"

typedef struct ToyCpu {
    BbCpu parent_obj;
    uint64_t r[16];          /* r0 stays 0 (never a global) */
    uint64_t pc;
    uint64_t csr[TOY_CSR_COUNT]; /* status, cause, epc, vector, tval,
                                    scratch; cycle is computed */
    uint64_t reset_pc;       /* property "reset-pc" */
    bool irq_level;          /* level of input "irq" */
} ToyCpu;

BB_DECLARE_TYPE(ToyCpu, BbCpuClass, TOY_CPU, TYPE_TOY_CPU)

static BbTcgI64 cpu_r[16], cpu_pc, cpu_csr[TOY_CSR_COUNT];

/* ------------------------------------------------------------- helpers */

static void helper_raise(void *env, uint32_t cause, uint64_t tval)
{
    bb_cpu_raise_exception((BbCpu *)env, cause, tval,
                           (uintptr_t)__builtin_return_address(0));
}

/* A pending interrupt may have become deliverable: tell the loop. */
static void toy_check_irq(ToyCpu *s)
{
    if (s->irq_level && (s->csr[TOY_CSR_STATUS] & TOY_STATUS_IE)) {
        bb_cpu_request_interrupt((BbCpu *)s);
    }
}

static void helper_wfi(void *env)
{
    bb_cpu_halt((BbCpu *)env);
}

static void helper_eret(void *env)
{
    ToyCpu *s = env;
    uint64_t st = s->csr[TOY_CSR_STATUS];

    s->pc = s->csr[TOY_CSR_EPC];
    st = (st & ~(uint64_t)TOY_STATUS_IE) |
         ((st & TOY_STATUS_PIE) ? TOY_STATUS_IE : 0);
    s->csr[TOY_CSR_STATUS] = st | TOY_STATUS_PIE;
    toy_check_irq(s);
}

static void helper_status_written(void *env)
{
    toy_check_irq(env);
}

static uint64_t helper_cycle(void *env)
{
    BbSystem *sys = bb_device_get_system(BB_DEVICE(env));
    return (uint64_t)bb_clock_get_ns(bb_system_get_timers(sys),
                                     BB_CLOCK_VIRTUAL);
}

static const BbTcgHelper h_raise = {
    .fn = helper_raise, .name = "toy_raise", .ret = BB_TCG_TYPE_VOID,
    .nargs = 3,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32, BB_TCG_TYPE_I64 },
};
static const BbTcgHelper h_wfi = {
    .fn = helper_wfi, .name = "toy_wfi",
    .flags = BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS |
             BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_VOID, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};
static const BbTcgHelper h_eret = {
    .fn = helper_eret, .name = "toy_eret", .flags = BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_VOID, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};
static const BbTcgHelper h_status = {
    .fn = helper_status_written, .name = "toy_status_written",
    .flags = BB_TCG_CALL_NO_WRITE_GLOBALS | BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_VOID, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};
static const BbTcgHelper h_cycle = {
    .fn = helper_cycle, .name = "toy_cycle",
    .flags = BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS |
             BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_I64, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};

/* ---------------------------------------------------------- translation */

static BbTcgI64 src(BbTcgContext *s, unsigned r)
{
    return r ? cpu_r[r] : bb_tcg_const_i64(s, 0);
}

/* Where to write rd: writes to r0 go to a scratch temp. */
static BbTcgI64 dst(BbTcgContext *s, unsigned r)
{
    return r ? cpu_r[r] : bb_tcg_temp_i64(s);
}

static BbTcgI64 konst(BbTcgContext *s, int64_t v)
{
    return bb_tcg_const_i64(s, v);
}

/* End the TB with a chained jump to the known @target through @slot. */
static void goto_pc(BbTcgContext *s, unsigned slot, uint64_t target)
{
    bb_tcg_goto_tb(s, slot);
    bb_tcg_mov_i64(s, cpu_pc, konst(s, (int64_t)target));
    bb_tcg_exit_tb(s, slot);
}

/* End the TB at @next without chaining (the loop looks at interrupts). */
static void exit_to(BbTcgContext *s, uint64_t next)
{
    bb_tcg_mov_i64(s, cpu_pc, konst(s, (int64_t)next));
    bb_tcg_exit_tb(s, 2);
}

static void gen_raise(BbTcgContext *s, uint64_t pc, uint32_t cause,
                      uint64_t tval)
{
    BbTcgI32 c = bb_tcg_const_i32(s, (int32_t)cause);
    uint32_t args[3] = { BB_TCG_ARG_ENV, c.id, konst(s, (int64_t)tval).id };

    bb_tcg_mov_i64(s, cpu_pc, konst(s, (int64_t)pc));
    bb_tcg_call(s, &h_raise, UINT32_MAX, args);
    bb_tcg_exit_tb(s, 2); /* not reached: the helper unwinds */
}

static void gen_call_env(BbTcgContext *s, const BbTcgHelper *h, uint32_t ret)
{
    uint32_t args[1] = { BB_TCG_ARG_ENV };
    bb_tcg_call(s, h, ret, args);
}

static bool gen_alu(BbTcgContext *s, uint32_t w)
{
    BbTcgI64 d = dst(s, TOY_A(w)), a = src(s, TOY_B(w)), b = src(s, TOY_C(w));

    switch (TOY_OP(w)) {
    case TOY_ADD: bb_tcg_add_i64(s, d, a, b); break;
    case TOY_SUB: bb_tcg_sub_i64(s, d, a, b); break;
    case TOY_MUL: bb_tcg_mul_i64(s, d, a, b); break;
    case TOY_DIV: bb_tcg_div_i64(s, d, a, b); break;
    case TOY_REM: bb_tcg_rem_i64(s, d, a, b); break;
    case TOY_DIVU: bb_tcg_divu_i64(s, d, a, b); break;
    case TOY_REMU: bb_tcg_remu_i64(s, d, a, b); break;
    case TOY_AND: bb_tcg_and_i64(s, d, a, b); break;
    case TOY_OR: bb_tcg_or_i64(s, d, a, b); break;
    case TOY_XOR: bb_tcg_xor_i64(s, d, a, b); break;
    case TOY_SHL: bb_tcg_shl_i64(s, d, a, b); break;
    case TOY_SHR: bb_tcg_shr_i64(s, d, a, b); break;
    case TOY_SAR: bb_tcg_sar_i64(s, d, a, b); break;
    case TOY_SLTU: bb_tcg_setcond_i64(s, BB_TCG_COND_LTU, d, a, b); break;
    default: return false;
    }
    return true;
}

static bool gen_branch(BbTcgContext *s, BbTranslateState *ts, uint32_t w,
                       uint64_t pc)
{
    static const BbTcgCond conds[] = { BB_TCG_COND_EQ, BB_TCG_COND_NE,
                                       BB_TCG_COND_LT, BB_TCG_COND_LTU };
    BbTcgLabel taken = bb_tcg_label(s);

    bb_tcg_brcond_i64(s, conds[TOY_OP(w) - TOY_BEQ], src(s, TOY_A(w)),
                      src(s, TOY_B(w)), taken);
    goto_pc(s, 0, pc + 4);
    bb_tcg_set_label(s, taken);
    goto_pc(s, 1, pc + (uint64_t)(TOY_IMM(w) * 4));
    ts->done = true;
    return true;
}

static bool gen_mem(BbTcgContext *s, uint32_t w)
{
    static const BbMemOp mops[] = { BB_MO_SB, BB_MO_SW, BB_MO_SL, BB_MO_UQ,
                                    BB_MO_UB, BB_MO_UW, BB_MO_UL };
    unsigned op = TOY_OP(w);
    BbTcgI64 addr = bb_tcg_temp_i64(s);

    bb_tcg_add_i64(s, addr, src(s, TOY_B(w)), konst(s, TOY_IMM(w)));
    if (op >= TOY_LB && op <= TOY_LWU) {
        bb_tcg_qemu_ld_i64(s, dst(s, TOY_A(w)), addr, 0, mops[op - TOY_LB]);
    } else if (op >= TOY_SB && op <= TOY_SD) {
        bb_tcg_qemu_st_i64(s, src(s, TOY_A(w)), addr, 0, op - TOY_SB);
    } else {
        return false;
    }
    return true;
}

static bool gen_csr(BbTcgContext *s, BbTranslateState *ts, uint32_t w)
{
    uint64_t csr = TOY_UIMM(w);

    if (csr >= TOY_CSR_COUNT) {
        return false;
    }
    if (TOY_OP(w) == TOY_CSRR) {
        if (csr == TOY_CSR_CYCLE) {
            gen_call_env(s, &h_cycle, dst(s, TOY_A(w)).id);
        } else {
            bb_tcg_mov_i64(s, dst(s, TOY_A(w)), cpu_csr[csr]);
        }
        return true;
    }
    if (csr == TOY_CSR_CYCLE) {
        return false; /* read-only */
    }
    bb_tcg_mov_i64(s, cpu_csr[csr], src(s, TOY_B(w)));
    if (csr == TOY_CSR_STATUS) {
        gen_call_env(s, &h_status, UINT32_MAX);
        exit_to(s, ts->pc_next);
        ts->done = true;
    }
    return true;
}

static void toy_translate_insn(BbCpu *cpu, BbTcgContext *s,
                               BbTranslateState *ts)
{
    uint64_t pc = ts->pc_next;
    uint32_t w = bb_cpu_fetch(cpu, pc, 4);
    unsigned op = TOY_OP(w);
    bool ok = true;

    bb_tcg_insn_start(s, pc, 0);
    ts->pc_next = pc + 4;
    switch (op) {
    case TOY_LI:
        bb_tcg_mov_i64(s, dst(s, TOY_A(w)), konst(s, TOY_IMM(w)));
        break;
    case TOY_LUI:
        bb_tcg_mov_i64(s, dst(s, TOY_A(w)),
                       konst(s, (int64_t)(TOY_UIMM(w) << 16)));
        break;
    case TOY_ADDI:
        bb_tcg_add_i64(s, dst(s, TOY_A(w)), src(s, TOY_B(w)),
                       konst(s, TOY_IMM(w)));
        break;
    case TOY_ORI:
        bb_tcg_or_i64(s, dst(s, TOY_A(w)), src(s, TOY_B(w)),
                      konst(s, (int64_t)TOY_UIMM(w)));
        break;
    case TOY_SLLI:
        bb_tcg_shl_i64(s, dst(s, TOY_A(w)), src(s, TOY_B(w)),
                       konst(s, (int64_t)(TOY_UIMM(w) & 63)));
        break;
    case TOY_ADD ... TOY_SLTU:
        ok = gen_alu(s, w);
        break;
    case TOY_BEQ ... TOY_BLTU:
        ok = gen_branch(s, ts, w, pc);
        break;
    case TOY_JAL:
        bb_tcg_mov_i64(s, dst(s, TOY_A(w)), konst(s, (int64_t)(pc + 4)));
        goto_pc(s, 0, pc + (uint64_t)(TOY_IMM(w) * 4));
        ts->done = true;
        break;
    case TOY_JALR: {
        BbTcgI64 t = bb_tcg_temp_i64(s); /* rs1 may be rd */
        bb_tcg_add_i64(s, t, src(s, TOY_B(w)), konst(s, TOY_IMM(w)));
        bb_tcg_mov_i64(s, dst(s, TOY_A(w)), konst(s, (int64_t)(pc + 4)));
        bb_tcg_mov_i64(s, cpu_pc, t);
        bb_tcg_lookup_and_goto(s);
        ts->done = true;
        break;
    }
    case TOY_LB ... TOY_SD:
        ok = gen_mem(s, w);
        break;
    case TOY_ECALL:
        gen_raise(s, pc, TOY_CAUSE_ECALL, 0);
        ts->done = true;
        break;
    case TOY_WFI:
        gen_call_env(s, &h_wfi, UINT32_MAX);
        exit_to(s, pc + 4);
        ts->done = true;
        break;
    case TOY_ERET:
        gen_call_env(s, &h_eret, UINT32_MAX);
        bb_tcg_exit_tb(s, 2);
        ts->done = true;
        break;
    case TOY_CSRR:
    case TOY_CSRW:
        ok = gen_csr(s, ts, w);
        break;
    default:
        ok = false;
    }
    if (!ok) {
        gen_raise(s, pc, TOY_CAUSE_ILLEGAL, w);
        ts->done = true;
    }
}

static void toy_translate_end(BbCpu *cpu, BbTcgContext *s,
                              BbTranslateState *ts)
{
    goto_pc(s, 0, ts->pc_next);
}

/* ------------------------------------------------- traps and interrupts */

static void toy_trap(ToyCpu *s, uint64_t cause, uint64_t tval)
{
    uint64_t st = s->csr[TOY_CSR_STATUS];

    s->csr[TOY_CSR_EPC] = s->pc;
    s->csr[TOY_CSR_CAUSE] = cause;
    s->csr[TOY_CSR_TVAL] = tval;
    st &= ~(uint64_t)(TOY_STATUS_IE | TOY_STATUS_PIE);
    if (s->csr[TOY_CSR_STATUS] & TOY_STATUS_IE) {
        st |= TOY_STATUS_PIE;
    }
    s->csr[TOY_CSR_STATUS] = st;
    s->pc = s->csr[TOY_CSR_VECTOR];
}

static void toy_do_exception(BbCpu *cpu, uint32_t cause, uint64_t tval)
{
    toy_trap(TOY_CPU(cpu), cause, tval);
}

static bool toy_exec_interrupt(BbCpu *cpu)
{
    ToyCpu *s = TOY_CPU(cpu);

    if (!s->irq_level || !(s->csr[TOY_CSR_STATUS] & TOY_STATUS_IE)) {
        return false;
    }
    toy_trap(s, TOY_CAUSE_IRQ, 0);
    return true;
}

static bool toy_has_work(BbCpu *cpu)
{
    return TOY_CPU(cpu)->irq_level;
}

static void toy_irq(void *opaque, unsigned n, bool level)
{
    ToyCpu *s = opaque;

    s->irq_level = level;
    if (level) {
        bb_cpu_request_interrupt(BB_CPU(s));
    }
}

static void toy_get_tb_key(BbCpu *cpu, uint64_t *pc, uint64_t *flags)
{
    *pc = TOY_CPU(cpu)->pc;
    *flags = 0;
}

static bool toy_tlb_fill(BbCpu *cpu, uint64_t vaddr, BbAccessType access,
                         unsigned mmu_idx, bool probe, uint64_t *paddr,
                         unsigned *prot)
{
    *paddr = vaddr;
    *prot = BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC;
    return true;
}

static void toy_transaction_failed(BbCpu *cpu, uint64_t vaddr,
                                   uint64_t paddr, BbAccessType access,
                                   unsigned size, unsigned mmu_idx)
{
    static const uint32_t causes[] = {
        [BB_ACCESS_READ] = TOY_CAUSE_LOAD_FAULT,
        [BB_ACCESS_WRITE] = TOY_CAUSE_STORE_FAULT,
        [BB_ACCESS_EXEC] = TOY_CAUSE_FETCH_FAULT,
    };
    bb_cpu_raise_exception(cpu, causes[access], vaddr, 0);
}

static void toy_restore_state(BbCpu *cpu, uint64_t pc, uint64_t extra)
{
    TOY_CPU(cpu)->pc = pc;
}

/* ------------------------------------------------------ introspection */

static unsigned toy_disas_insn(BbCpu *cpu, uint64_t pc, const uint8_t *buf,
                               size_t len, GString *out)
{
    static const char *const names[256] = {
        [TOY_LI] = "li", [TOY_LUI] = "lui", [TOY_ADDI] = "addi",
        [TOY_ORI] = "ori", [TOY_SLLI] = "slli", [TOY_ADD] = "add",
        [TOY_SUB] = "sub", [TOY_MUL] = "mul", [TOY_DIV] = "div",
        [TOY_REM] = "rem", [TOY_DIVU] = "divu", [TOY_REMU] = "remu",
        [TOY_AND] = "and", [TOY_OR] = "or", [TOY_XOR] = "xor",
        [TOY_SHL] = "shl", [TOY_SHR] = "shr", [TOY_SAR] = "sar",
        [TOY_SLTU] = "sltu", [TOY_BEQ] = "beq", [TOY_BNE] = "bne",
        [TOY_BLT] = "blt", [TOY_BLTU] = "bltu", [TOY_JAL] = "jal",
        [TOY_JALR] = "jalr", [TOY_LB] = "lb", [TOY_LH] = "lh",
        [TOY_LW] = "lw", [TOY_LD] = "ld", [TOY_LBU] = "lbu",
        [TOY_LHU] = "lhu", [TOY_LWU] = "lwu", [TOY_SB] = "sb",
        [TOY_SH] = "sh", [TOY_SW] = "sw", [TOY_SD] = "sd",
        [TOY_ECALL] = "ecall", [TOY_WFI] = "wfi", [TOY_ERET] = "eret",
        [TOY_CSRR] = "csrr", [TOY_CSRW] = "csrw",
    };
    uint32_t w;
    unsigned op;

    if (len < 4) {
        return 0;
    }
    w = buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24;
    op = TOY_OP(w);
    if (!names[op]) {
        g_string_append_printf(out, ".word 0x%08x", w);
        return 4;
    }
    g_string_append(out, names[op]);
    switch (op) {
    case TOY_LI: case TOY_LUI: case TOY_JAL:
        g_string_append_printf(out, " r%u, %" G_GINT64_FORMAT, TOY_A(w),
                               op == TOY_LUI ? (int64_t)TOY_UIMM(w)
                                             : TOY_IMM(w));
        break;
    case TOY_ADDI: case TOY_ORI: case TOY_SLLI: case TOY_JALR:
        g_string_append_printf(out, " r%u, r%u, %" G_GINT64_FORMAT, TOY_A(w),
                               TOY_B(w), TOY_IMM(w));
        break;
    case TOY_ADD ... TOY_SLTU:
        g_string_append_printf(out, " r%u, r%u, r%u", TOY_A(w), TOY_B(w),
                               TOY_C(w));
        break;
    case TOY_BEQ ... TOY_BLTU:
        g_string_append_printf(out, " r%u, r%u, 0x%" G_GINT64_MODIFIER "x",
                               TOY_A(w), TOY_B(w),
                               pc + (uint64_t)(TOY_IMM(w) * 4));
        break;
    case TOY_LB ... TOY_SD:
        g_string_append_printf(out, " r%u, %" G_GINT64_FORMAT "(r%u)",
                               TOY_A(w), TOY_IMM(w), TOY_B(w));
        break;
    case TOY_CSRR:
        g_string_append_printf(out, " r%u, csr%u", TOY_A(w),
                               (unsigned)TOY_UIMM(w));
        break;
    case TOY_CSRW:
        g_string_append_printf(out, " csr%u, r%u", (unsigned)TOY_UIMM(w),
                               TOY_B(w));
        break;
    }
    return 4;
}

static void toy_dump_state(BbCpu *cpu, GString *out)
{
    static const char *const csrs[] = { "status", "cause", "epc", "vector",
                                        "tval", "scratch" };
    ToyCpu *s = TOY_CPU(cpu);

    g_string_append_printf(out, "pc  %016" G_GINT64_MODIFIER "x\n", s->pc);
    for (int i = 0; i < 16; i++) {
        g_string_append_printf(out, "r%-2d %016" G_GINT64_MODIFIER "x%s", i,
                               s->r[i], i % 4 == 3 ? "\n" : " ");
    }
    for (int i = 0; i < TOY_CSR_CYCLE; i++) {
        g_string_append_printf(out, "%s %" G_GINT64_MODIFIER "x%s", csrs[i],
                               s->csr[i], i == TOY_CSR_CYCLE - 1 ? "\n" : " ");
    }
}

/* --------------------------------------------------------- life cycle */

static void (*parent_reset)(BbDevice *dev);

static void toy_reset(BbDevice *dev)
{
    ToyCpu *s = TOY_CPU(dev);

    if (parent_reset) {
        parent_reset(dev);
    }
    memset(s->r, 0, sizeof(s->r));
    memset(s->csr, 0, sizeof(s->csr));
    s->pc = s->reset_pc;
}

static void toy_instance_init(BbObject *obj)
{
    bb_device_add_irq_in(BB_DEVICE(obj), "irq", 1, toy_irq, obj, NULL);
}

static const BbPropertyInfo toy_props[] = {
    BB_PROP_UINT("reset-pc", ToyCpu, reset_pc, 0, "PC after reset"),
    BB_PROP_END
};

static void toy_class_init(BbObjectClass *klass, const void *data)
{
    static const char *const csr_names[] = { "status", "cause", "epc",
                                             "vector", "tval", "scratch" };
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);
    BbCpuClass *cc = BB_CPU_CLASS(klass);
    BbTcgGlobals *g = bb_tcg_globals_new();

    for (int i = 1; i < 16; i++) {
        g_autofree char *name = g_strdup_printf("r%d", i);
        cpu_r[i] = bb_tcg_global_i64(g, offsetof(ToyCpu, r[i]), name);
    }
    cpu_pc = bb_tcg_global_i64(g, offsetof(ToyCpu, pc), "pc");
    for (int i = 0; i < TOY_CSR_CYCLE; i++) {
        cpu_csr[i] = bb_tcg_global_i64(g, offsetof(ToyCpu, csr[i]),
                                       csr_names[i]);
    }
    bb_object_class_add_properties(klass, toy_props);
    parent_reset = dc->reset;
    dc->reset = toy_reset;
    cc->globals = g;
    cc->get_tb_key = toy_get_tb_key;
    cc->translate_insn = toy_translate_insn;
    cc->translate_end = toy_translate_end;
    cc->exec_interrupt = toy_exec_interrupt;
    cc->has_work = toy_has_work;
    cc->do_exception = toy_do_exception;
    cc->tlb_fill = toy_tlb_fill;
    cc->restore_state = toy_restore_state;
    cc->dump_state = toy_dump_state;
    cc->disas_insn = toy_disas_insn;
    cc->do_transaction_failed = toy_transaction_failed;
}

const BbTypeInfo toy_cpu_info = {
    .name = TYPE_TOY_CPU,
    .parent = BB_TYPE_CPU,
    .instance_size = sizeof(ToyCpu),
    .instance_init = toy_instance_init,
    .class_init = toy_class_init,
    .description = "hart of the tiny test ISA (execution tests)",
};
