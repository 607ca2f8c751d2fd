/*
 * tcg-programs.h - the JIT test harness shared by the tests under
 * tests/host/tcg: a test CPU state (env) with i64 globals r0..r7 and i32
 * globals w0..w7, a fake guest memory (a byte array behind a TcgRuntime,
 * faulting through siglongjmp), the list of backends under test, and a
 * runner that builds a program, verifies it, runs it on every backend both
 * as built and after tcg_optimize(), checks the result and requires every
 * run to leave the same env, memory and exit.  The interpreter is always
 * tested; the x86-64 backend joins when BB_HAVE_X86_64_BACKEND is defined
 * (bb_tcg_internal exports the definition when the backend is built).
 * Programs are data: a TpProgram names a builder, an env/memory setup and
 * a check, so any backend's test can run the same list.
 */
#ifndef TESTS_HOST_TCG_TCG_PROGRAMS_H
#define TESTS_HOST_TCG_TCG_PROGRAMS_H

#include <inttypes.h>

#include "host-test.h"

#include <breadboard/error.h>
#include <breadboard/tcg.h>

#include "tcg/tcg-internal.h"

#define TP_NB_REGS 8
#define TP_MAX_VALUES 1024        /* values per op-test TB */
#define TP_MEM_SIZE 4096          /* fake guest memory */
#define TP_FAULT_BASE 0xdead0000u /* loads/stores at or above fault */

/* The test CPU state.  Only r[] and w[] are globals; the rest is reached
 * with env ld/st ops. */
typedef struct TpEnv {
    uint64_t r[TP_NB_REGS];
    uint32_t w[TP_NB_REGS];
    uint64_t scratch[8];
    uint64_t in[4][TP_MAX_VALUES]; /* op tests: inputs per operand */
    uint64_t out[TP_MAX_VALUES];   /* op tests: results */
} TpEnv;

#define TP_ENV_SCRATCH(i) (offsetof(TpEnv, scratch) + 8 * (i))
#define TP_ENV_IN(k, i) (offsetof(TpEnv, in) + 8 * ((k) * TP_MAX_VALUES + (i)))
#define TP_ENV_OUT(i) (offsetof(TpEnv, out) + 8 * (i))

typedef struct TpGlobals {
    BbTcgGlobals *g;
    BbTcgI64 r[TP_NB_REGS];
    BbTcgI32 w[TP_NB_REGS];
} TpGlobals;

/* The globals of the test CPU, created once per process. */
static inline const TpGlobals *tp_globals(void)
{
    static TpGlobals tg;
    static const char *const rn[] = { "r0", "r1", "r2", "r3",
                                      "r4", "r5", "r6", "r7" };
    static const char *const wn[] = { "w0", "w1", "w2", "w3",
                                      "w4", "w5", "w6", "w7" };

    if (!tg.g) {
        tg.g = bb_tcg_globals_new();
        for (unsigned i = 0; i < TP_NB_REGS; i++) {
            tg.r[i] = bb_tcg_global_i64(tg.g, offsetof(TpEnv, r[i]), rn[i]);
        }
        for (unsigned i = 0; i < TP_NB_REGS; i++) {
            tg.w[i] = bb_tcg_global_i32(tg.g, offsetof(TpEnv, w[i]), wn[i]);
        }
    }
    return &tg;
}

/* ------------------------------------------------------------ memory */

typedef struct TpMem {
    uint8_t bytes[TP_MEM_SIZE];
    unsigned loads, stores;
    unsigned last_mmu_idx;
    sigjmp_buf *fault_jb;     /* where a faulting access unwinds to */
    uint64_t fault_addr;
} TpMem;

static inline bool tp_mem_faults(TpMem *m, uint64_t addr, BbMemOp mop)
{
    unsigned size = 1u << (mop & BB_MO_SIZE);

    return addr >= TP_FAULT_BASE || addr + size > TP_MEM_SIZE ||
           ((mop & BB_MO_ALIGN) && (addr & (size - 1)));
}

static inline void tp_mem_fault(TpMem *m, uint64_t addr)
{
    m->fault_addr = addr;
    if (m->fault_jb) {
        siglongjmp(*m->fault_jb, 1);
    }
    fail_msg("unexpected guest memory fault at 0x%" PRIx64, addr);
}

/* Little-endian; returns the value zero-extended (the backend extends). */
static inline uint64_t tp_mem_load(void *opaque, uint64_t addr, BbMemOp mop,
                                   unsigned mmu_idx)
{
    TpMem *m = opaque;
    unsigned size = 1u << (mop & BB_MO_SIZE);
    uint64_t v = 0;

    m->loads++;
    m->last_mmu_idx = mmu_idx;
    if (tp_mem_faults(m, addr, mop)) {
        tp_mem_fault(m, addr);
        return 0;
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)m->bytes[addr + i] << (8 * i);
    }
    return v;
}

static inline void tp_mem_store(void *opaque, uint64_t addr, uint64_t value,
                                BbMemOp mop, unsigned mmu_idx)
{
    TpMem *m = opaque;
    unsigned size = 1u << (mop & BB_MO_SIZE);

    m->stores++;
    m->last_mmu_idx = mmu_idx;
    if (tp_mem_faults(m, addr, mop)) {
        tp_mem_fault(m, addr);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        m->bytes[addr + i] = (uint8_t)(value >> (8 * i));
    }
}

/* ------------------------------------------------------------ backends */

static const TcgBackend *const tp_backends[] = {
    &tcg_backend_interp,
#ifdef BB_HAVE_X86_64_BACKEND
    &tcg_backend_x86_64,
#endif
};
#define TP_NB_BACKENDS G_N_ELEMENTS(tp_backends)

/* A TB under construction for the test CPU. */
static inline BbTcgContext *tp_context(void)
{
    return tcg_context_new(tp_globals()->g);
}

/* Verify @s; fail the test with the error and a dump otherwise. */
static inline void tp_assert_valid(const BbTcgContext *s)
{
    GError *err = NULL;

    if (!tcg_verify(s, &err)) {
        GString *d = g_string_new(NULL);
        tcg_dump(s, d);
        fail_msg("tcg_verify: %s\n%s", err->message, d->str);
    }
}

/* How one run ended. */
typedef struct TpResult {
    TcgExit exit;
    bool faulted;
} TpResult;

/* Compile @s with @b and run it once on @env and @mem. */
static inline TpResult tp_exec(const TcgBackend *b, BbTcgContext *s,
                               TpEnv *env, TpMem *mem)
{
    GError *err = NULL;
    TcgCode *code = b->compile(s, &err);
    TcgRuntime rt = { tp_mem_load, tp_mem_store, mem };
    sigjmp_buf jb;
    volatile TpResult res = { TCG_EXIT_NOCHAIN, false };

    assert_no_error(err);
    assert_non_null(code);
    mem->fault_jb = &jb;
    if (sigsetjmp(jb, 0) == 0) {
        res.exit = b->exec(code, env, &rt);
    } else {
        res.faulted = true;
    }
    mem->fault_jb = NULL;
    b->free(code);
    return res;
}

/* ------------------------------------------------------------ programs */

typedef struct TpProgram {
    const char *name;
    void (*build)(BbTcgContext *s, const TpGlobals *g);
    void (*setup)(TpEnv *env, TpMem *mem);         /* may be NULL */
    void (*check)(const TpEnv *env, const TpMem *mem, TpResult res);
} TpProgram;

/* One complete run: build, verify, optionally optimize (and verify
 * again), set up, execute, check. */
static inline TpResult tp_run_once(const TpProgram *p, const TcgBackend *b,
                                   bool optimize, TpEnv *env, TpMem *mem)
{
    BbTcgContext *s = tp_context();
    TpResult res;

    p->build(s, tp_globals());
    tp_assert_valid(s);
    if (optimize) {
        tcg_optimize(s);
        tp_assert_valid(s);
    }
    if (p->setup) {
        p->setup(env, mem);
    }
    res = tp_exec(b, s, env, mem);
    tcg_context_free(s);
    if (p->check) {
        p->check(env, mem, res);
    }
    return res;
}

/*
 * tp_run_program() - run @p on every backend, unoptimized and optimized;
 * each run must pass the program's check and leave exactly the same env,
 * memory bytes and exit as the first.
 */
static inline void tp_run_program(const TpProgram *p)
{
    TpEnv *first_env = g_new0(TpEnv, 1), *env = g_new0(TpEnv, 1);
    TpMem *first_mem = g_new0(TpMem, 1), *mem = g_new0(TpMem, 1);
    TpResult first = { 0 };

    for (unsigned b = 0; b < TP_NB_BACKENDS; b++) {
        for (int opt = 0; opt < 2; opt++) {
            bool is_first = b == 0 && opt == 0;
            TpEnv *e = is_first ? first_env : env;
            TpMem *m = is_first ? first_mem : mem;
            TpResult r;

            memset(e, 0, sizeof(*e));
            memset(m, 0, sizeof(*m));
            r = tp_run_once(p, tp_backends[b], opt, e, m);
            if (is_first) {
                first = r;
                continue;
            }
            if (r.exit != first.exit || r.faulted != first.faulted ||
                memcmp(e, first_env, sizeof(*e)) ||
                memcmp(m->bytes, first_mem->bytes, sizeof(m->bytes))) {
                fail_msg("%s: %s%s differs from interp", p->name,
                         tp_backends[b]->name, opt ? " (optimized)" : "");
            }
        }
    }
    g_free(first_env);
    g_free(env);
    g_free(first_mem);
    g_free(mem);
}

static inline void tp_run_programs(const TpProgram *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tp_run_program(&list[i]);
    }
}

/* ------------------------------------------------------------ builders */

/* Shorthands for programs: constants and the usual TB end. */
static inline BbTcgI64 tp_c64(BbTcgContext *s, int64_t v)
{
    return bb_tcg_const_i64(s, v);
}
static inline BbTcgI32 tp_c32(BbTcgContext *s, int32_t v)
{
    return bb_tcg_const_i32(s, v);
}
static inline void tp_exit(BbTcgContext *s)
{
    bb_tcg_exit_tb(s, TCG_EXIT_NOCHAIN);
}

/* Load operand @k of case @i of an op test from env. */
static inline uint32_t tp_load_input(BbTcgContext *s, BbTcgType type,
                                     unsigned k, unsigned i)
{
    if (type == BB_TCG_TYPE_I32) {
        BbTcgI32 t = bb_tcg_temp_i32(s);
        bb_tcg_ld_env_i32(s, t, TP_ENV_IN(k, i));
        return t.id;
    } else {
        BbTcgI64 t = bb_tcg_temp_i64(s);
        bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, t, TP_ENV_IN(k, i));
        return t.id;
    }
}

static inline void tp_store_output(BbTcgContext *s, BbTcgType type,
                                   uint32_t id, unsigned i)
{
    if (type == BB_TCG_TYPE_I32) {
        bb_tcg_st_env_i32(s, (BbTcgI32){ id }, TP_ENV_OUT(i));
    } else {
        bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, (BbTcgI64){ id },
                          TP_ENV_OUT(i));
    }
}

/* One op-test case: inputs (the upper bits of i32 values are ignored)
 * and constant parameters. */
typedef struct TpOpCase {
    uint64_t in[4];
    uint64_t c[2];
} TpOpCase;

/*
 * tp_build_op_cases() - a TB that applies the pure op @opc to every case:
 * inputs come from env.in (or are constants if @const_inputs, so the
 * optimizer can fold them), each result goes to env.out[i].  Works for
 * every op with one output and only value inputs plus constant params.
 */
static inline void tp_build_op_cases(BbTcgContext *s, BbTcgOpcode opc,
                                     const TpOpCase *cases, unsigned n,
                                     bool const_inputs)
{
    const TcgOpDef *def = &tcg_op_defs[opc];
    BbTcgType otype = tcg_op_arg_type(opc, 0);

    for (unsigned i = 0; i < n; i++) {
        uint64_t args[TCG_MAX_OP_ARGS];
        uint32_t out = tcg_temp_new(s, otype);
        unsigned na = 0;

        args[na++] = out;
        for (unsigned k = 0; k < def->nb_iargs; k++) {
            BbTcgType t = tcg_op_arg_type(opc, 1 + k);
            args[na++] = const_inputs
                ? tcg_const_new(s, t, (int64_t)cases[i].in[k])
                : tp_load_input(s, t, k, i);
        }
        for (unsigned k = 0; k < def->nb_cargs; k++) {
            args[na++] = cases[i].c[k];
        }
        bb_tcg_emit(s, opc, na, args);
        tp_store_output(s, otype, out, i);
    }
    tp_exit(s);
}

/* Put the inputs of @cases into @env (for tp_build_op_cases()). */
static inline void tp_setup_op_cases(TpEnv *env, const TpOpCase *cases,
                                     unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        for (unsigned k = 0; k < 4; k++) {
            env->in[k][i] = cases[i].in[k];
        }
    }
}

/*
 * tp_build_brcond_cases() - like tp_build_op_cases() for brcond: case i
 * stores 1 to env.out[i] if the branch is taken, else 0.
 */
static inline void tp_build_brcond_cases(BbTcgContext *s, BbTcgOpcode opc,
                                         const TpOpCase *cases, unsigned n,
                                         bool const_inputs)
{
    BbTcgType type = tcg_op_arg_type(opc, 0);

    for (unsigned i = 0; i < n; i++) {
        BbTcgLabel taken = bb_tcg_label(s), done = bb_tcg_label(s);
        BbTcgI64 flag = bb_tcg_temp_i64(s);
        uint64_t args[4];

        for (unsigned k = 0; k < 2; k++) {
            args[k] = const_inputs
                ? tcg_const_new(s, type, (int64_t)cases[i].in[k])
                : tp_load_input(s, type, k, i);
        }
        args[2] = cases[i].c[0];
        args[3] = taken.id;
        bb_tcg_emit(s, opc, 4, args);
        bb_tcg_mov_i64(s, flag, tp_c64(s, 0));
        bb_tcg_br(s, done);
        bb_tcg_set_label(s, taken);
        bb_tcg_mov_i64(s, flag, tp_c64(s, 1));
        bb_tcg_set_label(s, done);
        tp_store_output(s, BB_TCG_TYPE_I64, flag.id, i);
    }
    tp_exit(s);
}

/* Number of ops with opcode @opc in @s. */
static inline unsigned tp_count_ops(BbTcgContext *s, BbTcgOpcode opc)
{
    unsigned n = 0;

    for (unsigned i = 0; i < s->nb_ops; i++) {
        n += tcg_op(s, i)->opc == opc;
    }
    return n;
}

#endif /* TESTS_HOST_TCG_TCG_PROGRAMS_H */
