/*
 * cpu-test.c - the CPU base type (cpu.h, host/cpu/cpu.c) and the
 * execution loop behind it (host/tcg/exec.c), driven by a minimal CPU
 * type defined here: a fake ISA of 32-bit words read from guest RAM with
 * bb_cpu_fetch() (low byte the opcode, the upper 24 bits a signed
 * immediate).  Checks the abstract type and its "hartid" property, that
 * a subclass's own realize still runs, registration with the system,
 * translation and TB exits, exact instruction accounting in
 * deterministic mode (one-off TBs cut at a timer deadline), and
 * unwinding from a helper and from a bus error to do_exception() with
 * the faulting instruction's pc restored, and (normal mode) that an exit
 * request stops a chain of TBs at the next TB's entry.  Runs on the
 * default backend.
 */
#include "host-test.h"

#define TYPE_FAKE_CPU "fake-cpu"
#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x10000u

enum {
    FK_ADDI = 1, /* acc += imm */
    FK_HALT,     /* power off; ends the TB */
    FK_LOAD,     /* acc = 8 bytes at address imm */
    FK_JMP,      /* pc += imm * 4; ends the TB */
    FK_TRAP,     /* exception 8 from a helper */
    FK_STOPIF,   /* if acc >= imm: power off and request an exit; the TB
                    goes on */
};
#define FK(op, imm) ((uint32_t)(op) | ((uint32_t)(imm) << 8))

typedef struct FakeCpu {
    BbCpu parent_obj;
    uint64_t acc;
    uint64_t pc;
    uint64_t vector;        /* do_exception jumps here */
    uint32_t cause;         /* last exception */
    uint64_t epc, tval;
    unsigned exceptions;
    unsigned own_realizes;  /* the subclass's realize ran */
} FakeCpu;

BB_DECLARE_TYPE(FakeCpu, BbCpuClass, FAKE_CPU, TYPE_FAKE_CPU)

static BbTcgI64 fk_acc, fk_pc;

static void helper_halt(void *env)
{
    bb_system_request_shutdown(bb_device_get_system(BB_DEVICE(env)),
                               BB_SHUTDOWN_GUEST_POWEROFF, 0);
    bb_cpu_request_exit(BB_CPU(env));
}

static void helper_trap(void *env)
{
    bb_cpu_raise_exception(BB_CPU(env), 8, 0x1234,
                           (uintptr_t)__builtin_return_address(0));
}

static void helper_stopif(void *env, uint64_t limit)
{
    if (FAKE_CPU(env)->acc >= limit) {
        helper_halt(env);
    }
}

static const BbTcgHelper h_stopif = {
    .fn = helper_stopif, .name = "fk_stopif", .ret = BB_TCG_TYPE_VOID,
    .nargs = 2, .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I64 },
};

static const BbTcgHelper h_halt = {
    .fn = helper_halt, .name = "fk_halt", .ret = BB_TCG_TYPE_VOID,
    .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};
static const BbTcgHelper h_trap = {
    .fn = helper_trap, .name = "fk_trap", .ret = BB_TCG_TYPE_VOID,
    .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};

static void fk_exit(BbTcgContext *s, uint64_t next)
{
    bb_tcg_mov_i64(s, fk_pc, bb_tcg_const_i64(s, (int64_t)next));
    bb_tcg_goto_tb(s, 0);
    bb_tcg_exit_tb(s, 0);
}

static void fk_translate_insn(BbCpu *cpu, BbTcgContext *s,
                              BbTranslateState *ts)
{
    uint64_t pc = ts->pc_next;
    uint32_t w = bb_cpu_fetch(cpu, pc, 4);
    int64_t imm = (int32_t)w >> 8;
    uint32_t env = BB_TCG_ARG_ENV;

    bb_tcg_insn_start(s, pc, 0);
    ts->pc_next = pc + 4;
    switch (w & 0xff) {
    case FK_ADDI:
        bb_tcg_add_i64(s, fk_acc, fk_acc, bb_tcg_const_i64(s, imm));
        break;
    case FK_LOAD:
        bb_tcg_qemu_ld_i64(s, fk_acc, bb_tcg_const_i64(s, imm), 0,
                           BB_MO_UQ);
        break;
    case FK_JMP:
        fk_exit(s, pc + (uint64_t)(imm * 4));
        ts->done = true;
        break;
    case FK_STOPIF: {
        uint32_t args[] = { BB_TCG_ARG_ENV,
                            bb_tcg_const_i64(s, imm).id };
        bb_tcg_call(s, &h_stopif, UINT32_MAX, args);
        break;
    }
    case FK_HALT:
        bb_tcg_call(s, &h_halt, UINT32_MAX, &env);
        fk_exit(s, pc + 4);
        ts->done = true;
        break;
    default:
        bb_tcg_call(s, &h_trap, UINT32_MAX, &env);
        fk_exit(s, pc + 4);
        ts->done = true;
        break;
    }
}

static void fk_translate_end(BbCpu *cpu, BbTcgContext *s,
                             BbTranslateState *ts)
{
    fk_exit(s, ts->pc_next);
}

static void fk_get_tb_key(BbCpu *cpu, uint64_t *pc, uint64_t *flags)
{
    *pc = FAKE_CPU(cpu)->pc;
    *flags = 0;
}

static void fk_do_exception(BbCpu *cpu, uint32_t cause, uint64_t tval)
{
    FakeCpu *f = FAKE_CPU(cpu);

    f->cause = cause;
    f->tval = tval;
    f->epc = f->pc;
    f->pc = f->vector;
    f->exceptions++;
}

static void fk_restore_state(BbCpu *cpu, uint64_t pc, uint64_t extra)
{
    FAKE_CPU(cpu)->pc = pc;
}

static void fk_transaction_failed(BbCpu *cpu, uint64_t vaddr, uint64_t paddr,
                                  BbAccessType access, unsigned size,
                                  unsigned mmu_idx)
{
    bb_cpu_raise_exception(cpu, 5, vaddr, 0);
}

static bool fk_realize(BbDevice *dev, GError **error)
{
    FAKE_CPU(dev)->own_realizes++;
    return true;
}

static void fk_class_init(BbObjectClass *klass, const void *data)
{
    BbCpuClass *cc = (BbCpuClass *)klass;
    BbTcgGlobals *g = bb_tcg_globals_new();

    fk_acc = bb_tcg_global_i64(g, offsetof(FakeCpu, acc), "acc");
    fk_pc = bb_tcg_global_i64(g, offsetof(FakeCpu, pc), "pc");
    cc->globals = g;
    cc->get_tb_key = fk_get_tb_key;
    cc->translate_insn = fk_translate_insn;
    cc->translate_end = fk_translate_end;
    cc->do_exception = fk_do_exception;
    cc->restore_state = fk_restore_state;
    cc->do_transaction_failed = fk_transaction_failed;
    cc->max_insns = 8;
    BB_DEVICE_CLASS(klass)->realize = fk_realize;
}

static const BbTypeInfo fk_info = {
    .name = TYPE_FAKE_CPU,
    .parent = BB_TYPE_CPU,
    .instance_size = sizeof(FakeCpu),
    .class_init = fk_class_init,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &fk_info };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

/* ------------------------------------------------------------ the rig */

typedef struct Rig {
    BbSystem *sys;
    BbObject *root;
    BbMachine *machine;
    FakeCpu *cpu;
} Rig;

static void rig_init_mode(Rig *r, const uint32_t *code, size_t n,
                          bool icount)
{
    GError *err = NULL;

    r->sys = bb_system_new(&(BbSystemOptions){ .icount = icount });
    r->root = bb_object_new(BB_TYPE_CONTAINER, &err);
    r->machine = BB_MACHINE(bb_object_new(BB_TYPE_MACHINE, &err));
    assert_true(bb_object_add_child(r->root, "machine",
                                    BB_OBJECT(r->machine), &err));
    bb_object_unref(BB_OBJECT(r->machine));
    r->machine->system = r->sys;
    assert_true(bb_object_set_uint(BB_OBJECT(r->machine), "ram-base",
                                   RAM_BASE, &err));
    assert_true(bb_object_set_uint(BB_OBJECT(r->machine), "ram-size",
                                   RAM_SIZE, &err));
    assert_true(bb_device_realize(BB_DEVICE(r->machine), &err));
    assert_no_error(err);
    assert_int_equal(bb_address_space_write(
                         bb_system_get_address_space(r->sys), RAM_BASE,
                         code, n * sizeof(uint32_t)),
                     BB_MEMTX_OK);
    r->cpu = FAKE_CPU(bb_object_new(TYPE_FAKE_CPU, &err));
    assert_no_error(err);
    assert_true(bb_object_add_child(BB_OBJECT(r->machine), "cpu0",
                                    BB_OBJECT(r->cpu), &err));
    bb_object_unref(BB_OBJECT(r->cpu));
    r->cpu->pc = RAM_BASE;
    assert_true(bb_device_realize(BB_DEVICE(r->cpu), &err));
    assert_no_error(err);
}

/* Deterministic time unless a test needs chaining (normal mode). */
static void rig_init(Rig *r, const uint32_t *code, size_t n)
{
    rig_init_mode(r, code, n, true);
}

static void rig_free(Rig *r)
{
    bb_object_unref(r->root);
    bb_system_free(r->sys);
}

/* ------------------------------------------------------------ tests */

/*
 * Normal mode chains TB A (words 0-2) into TB B (words 3-4) after the
 * first pass.  On the second pass a helper in A requests power-off and an
 * exit: B, entered through the patched jump, must leave at its entry
 * (exit-request check) instead of running its ADDI 100.
 */
static void exit_request_stops_a_chain_at_the_next_tb(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_STOPIF, 2), FK(FK_JMP, 1),
        FK(FK_ADDI, 100), FK(FK_JMP, -4),
    };
    Rig r;

    rig_init_mode(&r, code, G_N_ELEMENTS(code), false);
    assert_int_equal(bb_system_run(r.sys), 0);
    assert_int_equal(r.cpu->acc, 102);          /* B's body did not run */
    assert_int_equal(r.cpu->pc, RAM_BASE + 3 * 4); /* resumes at B */
    rig_free(&r);
}

static void cpu_type_is_abstract_with_hartid(void **state)
{
    GError *err = NULL;
    BbObjectClass *klass = bb_object_class_by_name(BB_TYPE_CPU, &err);

    assert_no_error(err);
    assert_true(bb_object_class_is_abstract(klass));
    assert_non_null(bb_object_class_find_property(klass, "hartid"));
    assert_null(bb_object_new(BB_TYPE_CPU, &err));
    g_clear_error(&err);
}

static void a_cpu_outside_a_system_realizes(void **state)
{
    GError *err = NULL;
    FakeCpu *cpu = FAKE_CPU(bb_object_new(TYPE_FAKE_CPU, &err));

    assert_true(bb_object_set_uint(BB_OBJECT(cpu), "hartid", 3, &err));
    assert_true(bb_device_realize(BB_DEVICE(cpu), &err));
    assert_no_error(err);
    assert_int_equal(cpu->parent_obj.hartid, 3);
    assert_int_equal(cpu->own_realizes, 1);
    assert_null(cpu->parent_obj.priv);
    bb_object_unref(BB_OBJECT(cpu));
}

static void runs_straight_line_code_to_power_off(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_ADDI, 2), FK(FK_ADDI, 3), FK(FK_JMP, 2),
        FK(FK_ADDI, 100), FK(FK_HALT, 0),
    };
    Rig r;

    rig_init(&r, code, G_N_ELEMENTS(code));
    assert_int_equal(r.cpu->own_realizes, 1);
    assert_non_null(r.cpu->parent_obj.priv);
    assert_int_equal(bb_system_run(r.sys), 0);
    assert_int_equal(r.cpu->acc, 6);
    assert_int_equal(r.cpu->pc, RAM_BASE + 6 * 4);
    /* ADDI x3, JMP, HALT; the skipped ADDI never ran. */
    assert_int_equal(bb_icount_get(bb_system_get_timers(r.sys)), 5);
    assert_int_equal(r.cpu->exceptions, 0);
    rig_free(&r);
}

/* A timer at 7 ns with shift 0 fires after exactly 7 instructions, in
 * the middle of a TB: the loop cuts a one-off TB at the deadline. */
typedef struct Deadline {
    Rig *r;
    uint64_t icount_seen;
    uint64_t acc_seen;
} Deadline;

static void deadline_fired(void *opaque)
{
    Deadline *d = opaque;

    d->icount_seen = bb_icount_get(bb_system_get_timers(d->r->sys));
    d->acc_seen = d->r->cpu->acc;
    bb_system_request_shutdown(d->r->sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
}

static void deterministic_budget_is_exact(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_ADDI, 1), FK(FK_ADDI, 1), FK(FK_ADDI, 1),
        FK(FK_ADDI, 1), FK(FK_JMP, -5),
    };
    Rig r;
    Deadline d = { .r = &r };

    rig_init(&r, code, G_N_ELEMENTS(code));
    BbTimer *t = bb_timer_new(bb_system_get_timers(r.sys), BB_CLOCK_VIRTUAL,
                              deadline_fired, &d);
    bb_timer_mod(t, 7);
    bb_system_run(r.sys);
    assert_int_equal(d.icount_seen, 7);
    assert_int_equal(d.acc_seen, 6); /* A A A A A J A */
    bb_timer_free(t);
    rig_free(&r);
}

static void helper_exception_restores_pc(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_ADDI, 1), FK(FK_TRAP, 0), FK(FK_ADDI, 100),
        FK(FK_HALT, 0),
    };
    Rig r;

    rig_init(&r, code, G_N_ELEMENTS(code));
    r.cpu->vector = RAM_BASE + 4 * 4;
    bb_system_run(r.sys);
    assert_int_equal(r.cpu->exceptions, 1);
    assert_int_equal(r.cpu->cause, 8);
    assert_int_equal(r.cpu->tval, 0x1234);
    assert_int_equal(r.cpu->epc, RAM_BASE + 2 * 4);
    assert_int_equal(r.cpu->acc, 2);
    /* Two ADDIs before the trap, then the HALT at the vector. */
    assert_int_equal(bb_icount_get(bb_system_get_timers(r.sys)), 3);
    rig_free(&r);
}

static void bus_error_unwinds_from_the_softmmu(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_LOAD, 0x1000), FK(FK_ADDI, 100),
        FK(FK_HALT, 0),
    };
    Rig r;

    rig_init(&r, code, G_N_ELEMENTS(code));
    r.cpu->vector = RAM_BASE + 3 * 4;
    bb_system_run(r.sys);
    assert_int_equal(r.cpu->exceptions, 1);
    assert_int_equal(r.cpu->cause, 5);
    assert_int_equal(r.cpu->tval, 0x1000);
    assert_int_equal(r.cpu->epc, RAM_BASE + 4);
    assert_int_equal(r.cpu->acc, 1);
    assert_int_equal(bb_icount_get(bb_system_get_timers(r.sys)), 2);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_request_stops_a_chain_at_the_next_tb),
        cmocka_unit_test(cpu_type_is_abstract_with_hartid),
        cmocka_unit_test(a_cpu_outside_a_system_realizes),
        cmocka_unit_test(runs_straight_line_code_to_power_off),
        cmocka_unit_test(deterministic_budget_is_exact),
        cmocka_unit_test(helper_exception_restores_pc),
        cmocka_unit_test(bus_error_unwinds_from_the_softmmu),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
