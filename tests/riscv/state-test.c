/*
 * state-test.c - the "riscv64" hart's state description (riscv-cpu.c),
 * checked by behaviour: a small program (M-mode setup with mtvec,
 * mscratch, mepc, mstatus.MPP/FS, mcounteren and a PMP entry S mode
 * needs, mret to S mode, a loop
 * of integer and double-precision arithmetic, instret read from S mode,
 * ecall to the M-mode handler, which writes its results to an exit
 * device) is stopped after N instructions in deterministic time, the
 * hart's state saved and loaded into a fresh hart of a fresh machine,
 * which runs it to the end: the results must be those of a run that was
 * never interrupted, for stops in every phase.  Also loaded into a hart
 * that is itself running the program elsewhere (from a timer callback,
 * between two instructions): the JIT's TLBs and jump cache must follow,
 * which a loaded PMP configuration without execute permission shows.
 * A stream holding a state the hart cannot be in (privilege 2, PMP
 * entries on a hart configured without PMP) is refused and changes
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "riscv.h"

extern const BbTypeInfo riscv_cpu_info; /* riscv-cpu.c */

#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x10000u
#define EXIT_BASE 0x10000000u
#define N_RESULTS 5

/* ---------------------------------------------------------- encodings */

enum { T0 = 5, T1 = 6, A0 = 10, A1, A2, A3, A4, A5, A6, A7 };

static uint32_t i_type(unsigned op, unsigned f3, unsigned rd, unsigned rs1,
                       int32_t imm)
{
    return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
           op;
}

static uint32_t r_type(unsigned op, unsigned f7, unsigned f3, unsigned rd,
                       unsigned rs1, unsigned rs2)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t s_type(unsigned op, unsigned f3, unsigned rs1, unsigned rs2,
                       int32_t imm)
{
    return (uint32_t)(imm >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 |
           f3 << 12 | (uint32_t)(imm & 0x1f) << 7 | op;
}

#define ADDI(rd, rs1, imm) i_type(0x13, 0, rd, rs1, imm)
#define ADD(rd, rs1, rs2) r_type(0x33, 0, 0, rd, rs1, rs2)
#define MUL(rd, rs1, rs2) r_type(0x33, 1, 0, rd, rs1, rs2)
#define AUIPC(rd, imm20) ((uint32_t)(imm20) << 12 | (rd) << 7 | 0x17)
#define LUI(rd, imm20) ((uint32_t)(imm20) << 12 | (rd) << 7 | 0x37)
#define CSRRW(rd, csr, rs1) i_type(0x73, 1, rd, rs1, csr)
#define CSRRS(rd, csr, rs1) i_type(0x73, 2, rd, rs1, csr)
#define SD(rs2, rs1, imm) s_type(0x23, 3, rs1, rs2, imm)
#define MRET 0x30200073u
#define ECALL 0x00000073u
#define JAL_SELF 0x0000006fu
#define FMV_D_X(fd, rs1) r_type(0x53, 0x79, 0, fd, rs1, 0)
#define FMV_X_D(rd, fs1) r_type(0x53, 0x71, 0, rd, fs1, 0)
#define FCVT_D_L(fd, rs1) r_type(0x53, 0x69, 7, fd, rs1, 2)
#define FADD_D(fd, fs1, fs2) r_type(0x53, 0x01, 7, fd, fs1, fs2)

/* bge rs1, rs2, off (off a multiple of 2, |off| < 4096) */
static uint32_t bge(unsigned rs1, unsigned rs2, int32_t off)
{
    uint32_t o = (uint32_t)off;
    return (o >> 12 & 1) << 31 | (o >> 5 & 0x3f) << 25 | rs2 << 20 |
           rs1 << 15 | 5 << 12 | (o >> 1 & 0xf) << 8 | (o >> 11 & 1) << 7 |
           0x63;
}

#define LOOP_N 200
/* Instructions retired before the csrr instret: 18 in M mode, 4 before
 * the loop, 6 per iteration. */
#define INSTRET_AT_READ (18 + 4 + 6 * LOOP_N)

/* The program, as words at RAM_BASE (M code at 0, S code at 0x100, the
 * trap handler at 0x200). */
static void program(uint32_t *w)
{
    memset(w, 0, 0x300);
    unsigned i = 0;
    w[i++] = AUIPC(T0, 0);
    w[i++] = ADDI(T0, T0, 0x200);
    w[i++] = CSRRW(0, 0x305, T0);                /* mtvec = handler */
    w[i++] = ADDI(T1, 0, 0x5a5);
    w[i++] = CSRRW(0, 0x340, T1);                /* mscratch */
    w[i++] = AUIPC(T0, 0);
    w[i++] = ADDI(T0, T0, 0x100 - 5 * 4);
    w[i++] = CSRRW(0, 0x341, T0);                /* mepc = S code */
    w[i++] = LUI(T0, 3);
    w[i++] = ADDI(T0, T0, -0x800);               /* MPP = S, FS = 1 */
    w[i++] = CSRRS(0, 0x300, T0);
    w[i++] = ADDI(T1, 0, 7);
    w[i++] = CSRRW(0, 0x306, T1);                /* mcounteren */
    w[i++] = ADDI(T1, 0, -1);
    w[i++] = CSRRW(0, 0x3b0, T1);                /* pmpaddr0: all */
    w[i++] = ADDI(T1, 0, 0x1f);
    w[i++] = CSRRW(0, 0x3a0, T1);                /* pmpcfg0: NAPOT RWX */
    w[i++] = MRET;
    i = 0x100 / 4;
    w[i++] = ADDI(A0, 0, 0);                     /* sum of squares */
    w[i++] = ADDI(A1, 0, 1);                     /* i */
    w[i++] = ADDI(A2, 0, LOOP_N);
    w[i++] = FMV_D_X(1, 0);                      /* f1 = 0.0 */
    w[i++] = MUL(A3, A1, A1);                    /* loop: */
    w[i++] = ADD(A0, A0, A3);
    w[i++] = FCVT_D_L(2, A1);
    w[i++] = FADD_D(1, 1, 2);                    /* f1 += i */
    w[i++] = ADDI(A1, A1, 1);
    w[i++] = bge(A2, A1, -5 * 4);
    w[i++] = CSRRS(A4, 0xc02, 0);                /* instret */
    w[i++] = ECALL;
    i = 0x200 / 4;
    w[i++] = CSRRS(A5, 0x342, 0);                /* mcause */
    w[i++] = CSRRS(A6, 0x340, 0);                /* mscratch */
    w[i++] = FMV_X_D(A7, 1);
    w[i++] = LUI(T0, EXIT_BASE >> 12);
    w[i++] = SD(A0, T0, 0);
    w[i++] = SD(A4, T0, 8);
    w[i++] = SD(A5, T0, 16);
    w[i++] = SD(A6, T0, 24);
    w[i++] = SD(A7, T0, 32);
    w[i++] = SD(0, T0, 56);                      /* exit */
    w[i++] = JAL_SELF;
}

/* What the handler reports (sum, instret, mcause, mscratch, f1 bits). */
typedef struct Results {
    uint64_t v[N_RESULTS];
    bool done;
} Results;

static void expect_correct(const Results *r)
{
    double f;

    assert_true(r->done);
    /* 1^2 + ... + 200^2 = 200 * 201 * 401 / 6 */
    assert_int_equal(r->v[0], 2686700);
    assert_int_equal(r->v[1], INSTRET_AT_READ);
    assert_int_equal(r->v[2], 9);                /* ecall from S */
    assert_int_equal(r->v[3], 0x5a5);
    memcpy(&f, &r->v[4], 8);
    assert_true(f == 20100.0);                   /* 1 + ... + 200 */
}

/* ---------------------------------------------------------------- rig */

typedef struct Rig {
    BbSystem *sys;
    BbObject *root;
    BbMachine *machine;
    RiscvCpu *cpu;
    BbTimer *stop;
    Results results;
    /* for the timer callback */
    const GByteArray *to_load;
    bool loaded;
} Rig;

static void exit_write(void *opaque, uint64_t addr, uint64_t value,
                       unsigned size)
{
    Rig *r = opaque;

    if (addr / 8 < N_RESULTS) {
        r->results.v[addr / 8] = value;
    } else {
        r->results.done = true;
        bb_system_request_shutdown(r->sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
    }
}

static uint64_t exit_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static const BbMemoryOps exit_ops = {
    .read = exit_read,
    .write = exit_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 8, .max_access_size = 8 },
    .impl = { .min_access_size = 8, .max_access_size = 8 },
};

static int register_types(void **state)
{
    GError *err = NULL;

    if (!bb_type_register(&riscv_cpu_info, &err)) {
        g_error_free(err);
        return -1;
    }
    return 0;
}

static void rig_init_pmp(Rig *r, bool pmp)
{
    GError *err = NULL;
    uint32_t code[0x300 / 4];

    memset(r, 0, sizeof(*r));
    r->sys = bb_system_new(&(BbSystemOptions){ .icount = true });
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
    assert_null(err);
    program(code);
    assert_int_equal(bb_address_space_write(
                         bb_system_get_address_space(r->sys), RAM_BASE,
                         code, sizeof(code)),
                     BB_MEMTX_OK);
    BbMemoryRegion *mr = bb_memory_region_new_io(BB_OBJECT(r->machine),
                                                 "exit", &exit_ops, r, 64);
    assert_true(bb_memory_region_add_subregion(bb_system_get_memory(r->sys),
                                               EXIT_BASE, mr, &err));
    bb_memory_region_unref(mr);
    r->cpu = RISCV_CPU(bb_object_new(TYPE_RISCV64_CPU, &err));
    assert_null(err);
    assert_true(bb_object_add_child(BB_OBJECT(r->machine), "cpu0",
                                    BB_OBJECT(r->cpu), &err));
    bb_object_unref(BB_OBJECT(r->cpu));
    assert_true(bb_object_set_uint(BB_OBJECT(r->cpu), "resetvec", RAM_BASE,
                                   &err));
    assert_true(bb_object_set_prop(BB_OBJECT(r->cpu), "pmp",
                                   pmp ? "true" : "false", &err));
    assert_true(bb_device_realize(BB_DEVICE(r->cpu), &err));
    assert_null(err);
}

static void rig_init(Rig *r)
{
    rig_init_pmp(r, true);
}

static void rig_free(Rig *r)
{
    bb_timer_free(r->stop);
    bb_object_unref(r->root);
    bb_system_free(r->sys);
}

/* The timer ending run A: stop after exactly as many instructions. */
static void stop_cb(void *opaque)
{
    Rig *r = opaque;
    bb_system_request_shutdown(r->sys, BB_SHUTDOWN_HOST_QUIT, 0);
}

/* The timer of run B: the other hart's state replaces this one's. */
static void load_cb(void *opaque)
{
    Rig *r = opaque;
    GError *err = NULL;

    r->loaded = bb_state_load(BB_DEVICE_GET_CLASS(r->cpu)->state, r->cpu,
                              r->to_load->data, r->to_load->len, &err);
    if (err) {
        fprintf(stderr, "load failed: %s\n", err->message);
        g_error_free(err);
    }
}

static void arm(Rig *r, BbTimerCallback cb, uint64_t insns)
{
    r->stop = bb_timer_new(bb_system_get_timers(r->sys), BB_CLOCK_VIRTUAL,
                           cb, r);
    bb_timer_mod(r->stop, (int64_t)insns); /* 1 ns per instruction */
}

/* The hart's state after @insns instructions of the program. */
static GByteArray *state_after(uint64_t insns)
{
    GByteArray *saved = g_byte_array_new();
    GError *err = NULL;
    Rig a;

    rig_init(&a);
    arm(&a, stop_cb, insns);
    bb_system_run(a.sys);
    assert_false(a.results.done);
    assert_int_equal(bb_cpu_get_insn_count(&a.cpu->parent_obj, 0), insns);
    assert_true(bb_state_save(BB_DEVICE_GET_CLASS(a.cpu)->state, a.cpu,
                              saved, &err));
    assert_null(err);
    rig_free(&a);
    return saved;
}

/* ---------------------------------------------------------------- tests */

static void uninterrupted_run_is_correct(void **state)
{
    Rig r;

    rig_init(&r);
    assert_int_equal(bb_system_run(r.sys), 0);
    expect_correct(&r.results);
    rig_free(&r);
}

static void resumes_in_a_fresh_hart_from_any_point(void **state)
{
    /* in M-mode setup, right after mret, in the S prologue, in the loop
     * (twice), right before the csrr instret */
    static const uint64_t points[] = { 3, 18, 20, 101, 777,
                                       INSTRET_AT_READ };

    for (unsigned i = 0; i < G_N_ELEMENTS(points); i++) {
        g_autoptr(GByteArray) saved = state_after(points[i]);
        GError *err = NULL;
        Rig b;

        rig_init(&b);
        assert_true(bb_state_load(BB_DEVICE_GET_CLASS(b.cpu)->state, b.cpu,
                                  saved->data, saved->len, &err));
        assert_null(err);
        assert_int_equal(bb_system_run(b.sys), 0);
        expect_correct(&b.results);
        /* b itself retired only the rest of the program */
        assert_true(bb_cpu_get_insn_count(&b.cpu->parent_obj, 0) <
                    INSTRET_AT_READ + 20 - points[i] + 1);
        rig_free(&b);
    }
}

static void loads_into_a_running_hart(void **state)
{
    g_autoptr(GByteArray) saved = state_after(777);
    Rig b;

    rig_init(&b);
    b.to_load = saved;
    arm(&b, load_cb, 300); /* b is in its loop then, at i = 48 */
    assert_int_equal(bb_system_run(b.sys), 0);
    assert_true(b.loaded);
    expect_correct(&b.results);
    rig_free(&b);
}

/* The state loaded into the running hart takes execute permission away
 * (PMP entry 0 without X): the very next fetch in S mode must fault, so
 * nothing translated under the old permissions may be used - not the
 * TLB entry of the code page, not the jump cache, not a chained TB. */
static void load_into_a_running_hart_drops_its_translations(void **state)
{
    g_autoptr(GByteArray) saved = state_after(777);
    g_autoptr(GByteArray) no_exec = g_byte_array_new();
    GError *err = NULL;
    Rig b, c;

    rig_init(&c);
    assert_true(bb_state_load(BB_DEVICE_GET_CLASS(c.cpu)->state, c.cpu,
                              saved->data, saved->len, &err));
    assert_int_equal(c.cpu->pmpcfg[0], 0x1f);
    c.cpu->pmpcfg[0] = 0x1b;                     /* NAPOT, R W */
    assert_true(bb_state_save(BB_DEVICE_GET_CLASS(c.cpu)->state, c.cpu,
                              no_exec, &err));
    assert_null(err);
    rig_free(&c);

    rig_init(&b);
    b.to_load = no_exec;
    arm(&b, load_cb, 300); /* b's S-mode loop is translated and chained */
    assert_int_equal(bb_system_run(b.sys), 0);
    assert_true(b.loaded);
    assert_true(b.results.done);
    assert_int_equal(b.results.v[2], 1);         /* instruction access */
    rig_free(&b);
}

static void impossible_state_is_refused(void **state)
{
    g_autoptr(GByteArray) saved = state_after(101);
    GError *err = NULL;
    Rig b;
    /* Header ("riscv64"), gpr[32], pc, fpr[32], fflags, frm, then priv. */
    const size_t priv_at = 2 + 7 + 4 + 4 + 32 * 8 + 8 + 32 * 8 + 4 + 4;

    assert_int_equal(saved->data[priv_at], PRV_S);
    saved->data[priv_at] = 2;
    rig_init(&b);
    RiscvCpu before = *b.cpu;
    assert_false(bb_state_load(BB_DEVICE_GET_CLASS(b.cpu)->state, b.cpu,
                               saved->data, saved->len, &err));
    assert_non_null(err);
    assert_string_equal(err->message, "state 'riscv64': privilege level 2 "
                                      "does not exist");
    g_clear_error(&err);
    assert_int_equal(b.cpu->priv, PRV_M);
    assert_int_equal(b.cpu->pc, before.pc);
    assert_memory_equal(b.cpu->gpr, before.gpr, sizeof(before.gpr));
    assert_int_equal(b.cpu->mstatus, before.mstatus);
    /* and it still runs the program from the start */
    assert_int_equal(bb_system_run(b.sys), 0);
    expect_correct(&b.results);
    rig_free(&b);

    /* a hart configured without PMP cannot take PMP entries */
    g_autoptr(GByteArray) with_pmp = state_after(101);
    rig_init_pmp(&b, false);
    assert_false(bb_state_load(BB_DEVICE_GET_CLASS(b.cpu)->state, b.cpu,
                               with_pmp->data, with_pmp->len, &err));
    assert_non_null(err);
    assert_string_equal(err->message, "state 'riscv64': a PMP entry this "
                                      "hart does not implement is set");
    g_clear_error(&err);
    assert_int_equal(b.cpu->priv, PRV_M);
    assert_int_equal(b.cpu->pmpcfg[0], 0);
    rig_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uninterrupted_run_is_correct),
        cmocka_unit_test(resumes_in_a_fresh_hart_from_any_point),
        cmocka_unit_test(loads_into_a_running_hart),
        cmocka_unit_test(load_into_a_running_hart_drops_its_translations),
        cmocka_unit_test(impossible_state_is_refused),
    };
    return cmocka_run_group_tests_name("riscv/state", tests, register_types,
                                       NULL);
}
