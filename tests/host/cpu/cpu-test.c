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
 * default backend, except bb_cpu_get_insn_count(), which is checked on
 * both backends (BbSystemOptions.accel), in both timing modes: exact
 * mid-TB, in TBs entered through a chained jump, in one-off TBs cut at a
 * deadline, and after an exception; and that indirect jumps
 * (lookup_and_goto), followed without the loop in normal mode, keep the
 * count and unwinding exact and stop on an exit request.
 */
#include <inttypes.h>

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
    FK_COUNT,    /* record bb_cpu_get_insn_count() from a helper */
    FK_JR,       /* pc += imm * 4 through lookup_and_goto; ends the TB */
};
#define FK_MAX_COUNTS 32
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
    uint64_t counts[FK_MAX_COUNTS]; /* FK_COUNT's readings, in order */
    unsigned nb_counts;
    uint64_t exc_count;     /* bb_cpu_get_insn_count() in do_exception */
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

static void helper_count(void *env)
{
    FakeCpu *f = FAKE_CPU(env);

    if (f->nb_counts < FK_MAX_COUNTS) {
        f->counts[f->nb_counts++] = bb_cpu_get_insn_count(
            BB_CPU(env), (uintptr_t)__builtin_return_address(0));
    }
}

static const BbTcgHelper h_count = {
    .fn = helper_count, .name = "fk_count", .ret = BB_TCG_TYPE_VOID,
    .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};

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
    case FK_JR:
        bb_tcg_mov_i64(s, fk_pc,
                       bb_tcg_const_i64(s, (int64_t)pc + imm * 4));
        bb_tcg_lookup_and_goto(s);
        ts->done = true;
        break;
    case FK_STOPIF: {
        uint32_t args[] = { BB_TCG_ARG_ENV,
                            bb_tcg_const_i64(s, imm).id };
        bb_tcg_call(s, &h_stopif, UINT32_MAX, args);
        break;
    }
    case FK_COUNT:
        bb_tcg_call(s, &h_count, UINT32_MAX, &env);
        break;
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
    f->exc_count = bb_cpu_get_insn_count(cpu, 0);
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

/* @accel: the backend (NULL: the default, "jit" where it is built). */
static void rig_init_accel(Rig *r, const uint32_t *code, size_t n,
                           bool icount, const char *accel)
{
    GError *err = NULL;

    r->sys = bb_system_new(&(BbSystemOptions){ .icount = icount,
                                               .accel = accel });
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

static void rig_init_mode(Rig *r, const uint32_t *code, size_t n,
                          bool icount)
{
    rig_init_accel(r, code, n, icount, NULL);
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

/* ------------------------------------------------- instruction count */

/* Every backend, in both timing modes. */
typedef struct CountMode {
    const char *accel;
    bool icount;
} CountMode;

static const CountMode count_modes[] = {
    { NULL, true }, { NULL, false }, { "interp", true }, { "interp", false },
};

static void assert_counts(const Rig *r, const CountMode *m,
                          const uint64_t *want, unsigned n)
{
    if (r->cpu->nb_counts != n) {
        fail_msg("%s, icount %d: %u readings, expected %u",
                 m->accel ? m->accel : "default", m->icount,
                 r->cpu->nb_counts, n);
    }
    for (unsigned i = 0; i < n; i++) {
        if (r->cpu->counts[i] != want[i]) {
            fail_msg("%s, icount %d: reading %u is %" PRIu64 ", expected %"
                     PRIu64, m->accel ? m->accel : "default", m->icount, i,
                     r->cpu->counts[i], want[i]);
        }
    }
}

/* Readings in the middle of one TB, back to back, and after a TB exit:
 * each is the number of instructions before the reading one. */
static void insn_count_is_exact_mid_tb(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_COUNT, 0), FK(FK_COUNT, 0), FK(FK_ADDI, 1),
        FK(FK_ADDI, 1), FK(FK_COUNT, 0), FK(FK_JMP, 1), FK(FK_ADDI, 1),
        FK(FK_COUNT, 0), FK(FK_HALT, 0),
    };
    static const uint64_t want[] = { 1, 2, 5, 8 };

    for (unsigned i = 0; i < G_N_ELEMENTS(count_modes); i++) {
        const CountMode *m = &count_modes[i];
        Rig r;

        rig_init_accel(&r, code, G_N_ELEMENTS(code), m->icount, m->accel);
        assert_int_equal(bb_cpu_get_insn_count(BB_CPU(r.cpu), 0), 0);
        bb_system_run(r.sys);
        assert_counts(&r, m, want, G_N_ELEMENTS(want));
        /* outside generated code: everything, the HALT included */
        assert_int_equal(bb_cpu_get_insn_count(BB_CPU(r.cpu), 0), 10);
        rig_free(&r);
    }
}

/*
 * A loop of TB A (words 0-1) and TB B (words 2-5).  In normal mode A's
 * exit is chained to B after the first pass, so from then on B's reading
 * comes from a TB that the loop never entered itself (on x86-64 the
 * chained jump; on the interpreter the loop follows the link).  A's
 * length differs from what follows B's reading, so taking A's TbInfo
 * for B's would show.
 */
static void insn_count_is_exact_in_chained_tbs(void **state)
{
    static const uint32_t code[] = {
        FK(FK_COUNT, 0), FK(FK_JMP, 1),
        FK(FK_ADDI, 1), FK(FK_COUNT, 0), FK(FK_STOPIF, 5), FK(FK_JMP, -5),
    };
    uint64_t want[10];

    for (unsigned j = 0; j < 5; j++) {
        want[2 * j] = 6 * j;          /* word 0 of pass j */
        want[2 * j + 1] = 6 * j + 3;  /* word 3 */
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(count_modes); i++) {
        const CountMode *m = &count_modes[i];
        Rig r;

        rig_init_accel(&r, code, G_N_ELEMENTS(code), m->icount, m->accel);
        bb_system_run(r.sys);
        assert_counts(&r, m, want, G_N_ELEMENTS(want));
        assert_int_equal(bb_cpu_get_insn_count(BB_CPU(r.cpu), 0), 30);
        rig_free(&r);
    }
}

/*
 * Indirect jumps (lookup_and_goto) between TB A (words 0-2) and TB B
 * (words 3-4, whose trap vectors back to A).  In normal mode the second
 * pass enters B from A's lookup_and_goto without the loop (x86-64:
 * generated code calls the lookup; the interpreter's loop follows it), so
 * B's count reading and the unwinding from its trap must find B, not the
 * TB the loop started.  On the third pass A requests an exit: the lookup
 * must not go on into B.
 */
static void indirect_jumps_keep_counts_and_stop_on_exit(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_STOPIF, 3), FK(FK_JR, 1),
        FK(FK_COUNT, 0), FK(FK_TRAP, 0),
    };
    static const uint64_t want[] = { 3, 7 };

    for (unsigned i = 0; i < G_N_ELEMENTS(count_modes); i++) {
        const CountMode *m = &count_modes[i];
        Rig r;

        rig_init_accel(&r, code, G_N_ELEMENTS(code), m->icount, m->accel);
        r.cpu->vector = RAM_BASE;
        bb_system_run(r.sys);
        assert_counts(&r, m, want, G_N_ELEMENTS(want));
        assert_int_equal(r.cpu->exceptions, 2);
        assert_int_equal(r.cpu->epc, RAM_BASE + 4 * 4);
        assert_int_equal(r.cpu->exc_count, 8);
        assert_int_equal(r.cpu->acc, 3);
        assert_int_equal(r.cpu->pc, RAM_BASE + 3 * 4); /* B did not run */
        assert_int_equal(bb_cpu_get_insn_count(BB_CPU(r.cpu), 0), 11);
        rig_free(&r);
    }
}

/* A helper exception mid-TB: the raising instruction does not count,
 * neither do the ones after it in its TB. */
static void insn_count_skips_a_raising_instruction(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_COUNT, 0), FK(FK_TRAP, 0), FK(FK_ADDI, 100),
        FK(FK_ADDI, 1), FK(FK_COUNT, 0), FK(FK_HALT, 0),
    };
    static const uint64_t want[] = { 1, 3 };

    for (unsigned i = 0; i < G_N_ELEMENTS(count_modes); i++) {
        const CountMode *m = &count_modes[i];
        Rig r;

        rig_init_accel(&r, code, G_N_ELEMENTS(code), m->icount, m->accel);
        r.cpu->vector = RAM_BASE + 4 * 4;
        bb_system_run(r.sys);
        assert_int_equal(r.cpu->exceptions, 1);
        assert_int_equal(r.cpu->exc_count, 2);
        assert_counts(&r, m, want, G_N_ELEMENTS(want));
        assert_int_equal(bb_cpu_get_insn_count(BB_CPU(r.cpu), 0), 5);
        rig_free(&r);
    }
}

/* Deterministic mode, a deadline after 5 instructions of an 8-instruction
 * TB: a one-off TB of 5 runs (its last instruction reads), the timer sees
 * 5, the rest of the code follows in a new TB. */
typedef struct CountDeadline {
    Rig *r;
    uint64_t count_seen;
} CountDeadline;

static void count_deadline_fired(void *opaque)
{
    CountDeadline *d = opaque;

    d->count_seen = bb_cpu_get_insn_count(BB_CPU(d->r->cpu), 0);
}

static void insn_count_is_exact_in_oneoff_tbs(void **state)
{
    static const uint32_t code[] = {
        FK(FK_ADDI, 1), FK(FK_ADDI, 1), FK(FK_ADDI, 1), FK(FK_ADDI, 1),
        FK(FK_COUNT, 0), FK(FK_ADDI, 1), FK(FK_COUNT, 0), FK(FK_HALT, 0),
    };
    static const uint64_t want[] = { 4, 6 };
    static const CountMode modes[] = { { NULL, true }, { "interp", true } };

    for (unsigned i = 0; i < G_N_ELEMENTS(modes); i++) {
        Rig r;
        CountDeadline d = { .r = &r };

        rig_init_accel(&r, code, G_N_ELEMENTS(code), true, modes[i].accel);
        BbTimer *t = bb_timer_new(bb_system_get_timers(r.sys),
                                  BB_CLOCK_VIRTUAL, count_deadline_fired, &d);
        bb_timer_mod(t, 5);
        bb_system_run(r.sys);
        assert_int_equal(d.count_seen, 5);
        assert_counts(&r, &modes[i], want, G_N_ELEMENTS(want));
        assert_int_equal(bb_cpu_get_insn_count(BB_CPU(r.cpu), 0), 8);
        assert_int_equal(bb_icount_get(bb_system_get_timers(r.sys)), 8);
        bb_timer_free(t);
        rig_free(&r);
    }
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
        cmocka_unit_test(insn_count_is_exact_mid_tb),
        cmocka_unit_test(insn_count_is_exact_in_chained_tbs),
        cmocka_unit_test(insn_count_skips_a_raising_instruction),
        cmocka_unit_test(indirect_jumps_keep_counts_and_stop_on_exit),
        cmocka_unit_test(insn_count_is_exact_in_oneoff_tbs),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
