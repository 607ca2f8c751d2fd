/*
 * programs-test.c - whole IR programs on every backend, as built and
 * optimized, with identical results required across all runs: loops over
 * labels and branches (factorial, popcount, gcd), globals of both widths
 * next to each other, env loads and stores of every size, guest memory
 * through the fake runtime (every size, sign, mmu index, and a fault that
 * unwinds with the globals already written back), helper calls with each
 * flag, up to six mixed arguments and results of both widths, a helper
 * that writes a global the program then reads, TB exits and chaining
 * slots, copy-propagation hazards, discards and insn_start markers.
 */
#include "tcg-programs.h"

#include "tcg/interp/interp.h"

/* ------------------------------------------------------------ loops */

/* r1 = r0! by a countdown loop. */
static void build_factorial(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgLabel loop = bb_tcg_label(s), done = bb_tcg_label(s);
    BbTcgI64 n = bb_tcg_temp_i64(s), acc = bb_tcg_temp_i64(s);

    bb_tcg_insn_start(s, 0x1000, 0);
    bb_tcg_mov_i64(s, n, g->r[0]);
    bb_tcg_mov_i64(s, acc, tp_c64(s, 1));
    bb_tcg_set_label(s, loop);
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, n, tp_c64(s, 0), done);
    bb_tcg_mul_i64(s, acc, acc, n);
    bb_tcg_sub_i64(s, n, n, tp_c64(s, 1));
    bb_tcg_br(s, loop);
    bb_tcg_set_label(s, done);
    bb_tcg_mov_i64(s, g->r[1], acc);
    tp_exit(s);
}

static void setup_factorial(TpEnv *env, TpMem *mem)
{
    env->r[0] = 20;
}

static void check_factorial(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->r[1], 2432902008176640000ull);
    assert_int_equal(env->r[0], 20);
    assert_int_equal(r.exit, TCG_EXIT_NOCHAIN);
}

/* w0 = popcount(r2) by shifting, counting in an i32 temp. */
static void build_popcount(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgLabel loop = bb_tcg_label(s), done = bb_tcg_label(s);
    BbTcgI64 v = bb_tcg_temp_i64(s), bit = bb_tcg_temp_i64(s);
    BbTcgI32 cnt = bb_tcg_temp_i32(s), b32 = bb_tcg_temp_i32(s);

    bb_tcg_mov_i64(s, v, g->r[2]);
    bb_tcg_mov_i32(s, cnt, tp_c32(s, 0));
    bb_tcg_set_label(s, loop);
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, v, tp_c64(s, 0), done);
    bb_tcg_and_i64(s, bit, v, tp_c64(s, 1));
    bb_tcg_extrl_i64_i32(s, b32, bit);
    bb_tcg_add_i32(s, cnt, cnt, b32);
    bb_tcg_shr_i64(s, v, v, tp_c64(s, 1));
    bb_tcg_br(s, loop);
    bb_tcg_set_label(s, done);
    bb_tcg_mov_i32(s, g->w[0], cnt);
    tp_exit(s);
}

static void setup_popcount(TpEnv *env, TpMem *mem)
{
    env->r[2] = 0xf0f0f0f0f0f0f0f1ull;
}

static void check_popcount(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->w[0], 33);
}

/* w2 = gcd(w0, w1) with rem_i32, a while loop testing at the top. */
static void build_gcd(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgLabel loop = bb_tcg_label(s), done = bb_tcg_label(s);
    BbTcgI32 a = bb_tcg_temp_i32(s), b = bb_tcg_temp_i32(s);
    BbTcgI32 t = bb_tcg_temp_i32(s);

    bb_tcg_mov_i32(s, a, g->w[0]);
    bb_tcg_mov_i32(s, b, g->w[1]);
    bb_tcg_set_label(s, loop);
    bb_tcg_brcond_i32(s, BB_TCG_COND_EQ, b, tp_c32(s, 0), done);
    bb_tcg_remu_i32(s, t, a, b);
    bb_tcg_mov_i32(s, a, b);
    bb_tcg_mov_i32(s, b, t);
    bb_tcg_br(s, loop);
    bb_tcg_set_label(s, done);
    bb_tcg_mov_i32(s, g->w[2], a);
    tp_exit(s);
}

static void setup_gcd(TpEnv *env, TpMem *mem)
{
    env->w[0] = 1071u * 97u;
    env->w[1] = 462u * 97u;
}

static void check_gcd(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->w[2], 21u * 97u);
}

/* A constant-trip loop the optimizer cannot unroll: sum 1..100 and an
 * xor-shift mix, with setcond and movcond inside the loop. */
static void build_sum_loop(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgLabel loop = bb_tcg_label(s);
    BbTcgI64 i = bb_tcg_temp_i64(s), sum = bb_tcg_temp_i64(s);
    BbTcgI64 x = bb_tcg_temp_i64(s), t = bb_tcg_temp_i64(s);
    BbTcgI64 odd = bb_tcg_temp_i64(s);

    bb_tcg_mov_i64(s, i, tp_c64(s, 1));
    bb_tcg_mov_i64(s, sum, tp_c64(s, 0));
    bb_tcg_mov_i64(s, x, tp_c64(s, 88172645463325252ll));
    bb_tcg_mov_i64(s, odd, tp_c64(s, 0));
    bb_tcg_set_label(s, loop);
    bb_tcg_add_i64(s, sum, sum, i);
    bb_tcg_shl_i64(s, t, x, tp_c64(s, 13));
    bb_tcg_xor_i64(s, x, x, t);
    bb_tcg_shr_i64(s, t, x, tp_c64(s, 7));
    bb_tcg_xor_i64(s, x, x, t);
    bb_tcg_shl_i64(s, t, x, tp_c64(s, 17));
    bb_tcg_xor_i64(s, x, x, t);
    bb_tcg_and_i64(s, t, i, tp_c64(s, 1));
    bb_tcg_movcond_i64(s, BB_TCG_COND_NE, t, t, tp_c64(s, 0), i,
                       tp_c64(s, 0));
    bb_tcg_add_i64(s, odd, odd, t);
    bb_tcg_add_i64(s, i, i, tp_c64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_LEU, i, tp_c64(s, 100), loop);
    bb_tcg_mov_i64(s, g->r[0], sum);
    bb_tcg_mov_i64(s, g->r[1], x);
    bb_tcg_setcond_i64(s, BB_TCG_COND_GT, g->r[2], odd, tp_c64(s, 2499));
    bb_tcg_mov_i64(s, g->r[3], odd);
    tp_exit(s);
}

static uint64_t xorshift_100(void)
{
    uint64_t x = 88172645463325252ull;

    for (int i = 0; i < 100; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static void check_sum_loop(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->r[0], 5050);
    assert_int_equal(env->r[1], xorshift_100());
    assert_int_equal(env->r[3], 2500);
    assert_int_equal(env->r[2], 1);
}

/* ------------------------------------------------------------ globals */

/* Writes of i32 globals touch exactly their 32 bits; conversions between
 * the widths; globals read after being written in the same TB. */
static void build_globals(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_mov_i32(s, g->w[1], tp_c32(s, -1));
    bb_tcg_exts_i32_i64(s, g->r[4], g->w[1]);
    bb_tcg_extu_i32_i64(s, g->r[5], g->w[1]);
    bb_tcg_add_i32(s, g->w[3], g->w[3], tp_c32(s, 1));
    bb_tcg_extrh_i64_i32(s, g->w[4], g->r[6]);
    bb_tcg_extrl_i64_i32(s, g->w[5], g->r[6]);
    bb_tcg_add_i64(s, t, g->r[6], g->r[6]);
    bb_tcg_mov_i64(s, g->r[6], t);
    bb_tcg_mov_i64(s, g->r[7], g->r[6]);
    tp_exit(s);
}

static void setup_globals(TpEnv *env, TpMem *mem)
{
    for (unsigned i = 0; i < TP_NB_REGS; i++) {
        env->w[i] = 0x5a5a5a5a;
        env->r[i] = 0xa5a5a5a5a5a5a5a5ull;
    }
    env->w[3] = 0xffffffff;
    env->r[6] = 0x1234567887654321ull;
}

static void check_globals(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->w[0], 0x5a5a5a5a);
    assert_int_equal(env->w[1], 0xffffffff);
    assert_int_equal(env->w[2], 0x5a5a5a5a);
    assert_int_equal(env->w[3], 0);
    assert_int_equal(env->w[4], 0x12345678);
    assert_int_equal(env->w[5], 0x87654321);
    assert_int_equal(env->w[6], 0x5a5a5a5a);
    assert_int_equal(env->r[4], UINT64_MAX);
    assert_int_equal(env->r[5], 0xffffffffull);
    assert_int_equal(env->r[6], 0x2468acf10eca8642ull);
    assert_int_equal(env->r[7], 0x2468acf10eca8642ull);
    assert_int_equal(env->r[0], 0xa5a5a5a5a5a5a5a5ull);
}

/* Env loads and stores of every size, outside the globals. */
static void build_env_ops(BbTcgContext *s, const TpGlobals *g)
{
    static const BbTcgOpcode loads[] = {
        BB_TCG_OP_LD8U_I64, BB_TCG_OP_LD8S_I64, BB_TCG_OP_LD16U_I64,
        BB_TCG_OP_LD16S_I64, BB_TCG_OP_LD32U_I64, BB_TCG_OP_LD32S_I64,
        BB_TCG_OP_LD_I64,
    };
    BbTcgI32 w = bb_tcg_temp_i32(s);

    for (unsigned i = 0; i < G_N_ELEMENTS(loads); i++) {
        bb_tcg_ld_env_i64(s, loads[i], g->r[i], TP_ENV_SCRATCH(0));
    }
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST8_I64, g->r[6], TP_ENV_SCRATCH(1));
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST16_I64, g->r[6], TP_ENV_SCRATCH(2));
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST32_I64, g->r[6], TP_ENV_SCRATCH(3));
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, g->r[6], TP_ENV_SCRATCH(4));
    bb_tcg_ld_env_i32(s, w, TP_ENV_SCRATCH(0) + 4);
    bb_tcg_st_env_i32(s, w, TP_ENV_SCRATCH(5) + 4);
    bb_tcg_mov_i32(s, g->w[0], w);
    tp_exit(s);
}

static void setup_env_ops(TpEnv *env, TpMem *mem)
{
    env->scratch[0] = 0x89abcdef8765c3f1ull;
    for (unsigned i = 1; i < 8; i++) {
        env->scratch[i] = 0x1111111111111111ull * i;
    }
}

static void check_env_ops(const TpEnv *env, const TpMem *mem, TpResult r)
{
    uint64_t ld_i64 = 0x89abcdef8765c3f1ull; /* r5 is overwritten below */

    assert_int_equal(env->r[0], 0xf1);
    assert_int_equal(env->r[1], 0xfffffffffffffff1ull);
    assert_int_equal(env->r[2], 0xc3f1);
    assert_int_equal(env->r[3], 0xffffffffffffc3f1ull);
    assert_int_equal(env->r[4], 0x8765c3f1);
    assert_int_equal(env->r[5], 0xffffffff8765c3f1ull);
    assert_int_equal(env->r[6], ld_i64);
    assert_int_equal(env->scratch[1], 0x11111111111111f1ull);
    assert_int_equal(env->scratch[2], 0x222222222222c3f1ull);
    assert_int_equal(env->scratch[3], 0x333333338765c3f1ull);
    assert_int_equal(env->scratch[4], ld_i64);
    assert_int_equal(env->scratch[5], 0x89abcdef55555555ull);
    assert_int_equal(env->w[0], 0x89abcdef);
}

/* ------------------------------------------------------------ memory */

/* Store r0 at every size, load back with and without sign extension into
 * both widths, with distinct mmu indexes. */
static void build_memory(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 a = bb_tcg_temp_i64(s);

    bb_tcg_insn_start(s, 0x2000, 0);
    bb_tcg_qemu_st_i64(s, g->r[0], tp_c64(s, 0x100), 1, BB_MO_UQ);
    bb_tcg_qemu_st_i64(s, g->r[0], tp_c64(s, 0x108), 1, BB_MO_UL);
    bb_tcg_qemu_st_i64(s, g->r[0], tp_c64(s, 0x110), 2, BB_MO_UW);
    bb_tcg_qemu_st_i32(s, g->w[0], tp_c64(s, 0x118), 3, BB_MO_UB);
    bb_tcg_qemu_st_i32(s, g->w[0], tp_c64(s, 0x11c),
                       3, BB_MO_UL | BB_MO_ALIGN);
    bb_tcg_insn_start(s, 0x2004, 0);
    bb_tcg_mov_i64(s, a, tp_c64(s, 0x100));
    bb_tcg_qemu_ld_i64(s, g->r[1], a, 0, BB_MO_SB);
    bb_tcg_qemu_ld_i64(s, g->r[2], a, 0, BB_MO_SW);
    bb_tcg_qemu_ld_i64(s, g->r[3], a, 0, BB_MO_SL);
    bb_tcg_qemu_ld_i64(s, g->r[4], a, 0, BB_MO_UL);
    bb_tcg_qemu_ld_i64(s, g->r[5], a, 0, BB_MO_UQ | BB_MO_ALIGN);
    bb_tcg_qemu_ld_i32(s, g->w[1], a, 0, BB_MO_SB);
    bb_tcg_qemu_ld_i32(s, g->w[2], a, 0, BB_MO_UW);
    bb_tcg_qemu_ld_i32(s, g->w[3], a, 0, BB_MO_SW);
    bb_tcg_qemu_ld_i32(s, g->w[4], a, 0, BB_MO_SL);
    bb_tcg_add_i64(s, a, a, tp_c64(s, 0x1c));
    bb_tcg_qemu_ld_i32(s, g->w[5], a, 5, BB_MO_UL);
    tp_exit(s);
}

static void setup_memory(TpEnv *env, TpMem *mem)
{
    env->r[0] = 0xfedcba9876548382ull;
    env->w[0] = 0x8badf00d;
}

static void check_memory(const TpEnv *env, const TpMem *mem, TpResult r)
{
    static const uint8_t want[] = {
        0x82, 0x83, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, /* 0x100 */
        0x82, 0x83, 0x54, 0x76, 0, 0, 0, 0,             /* 0x108 */
        0x82, 0x83, 0, 0, 0, 0, 0, 0,                   /* 0x110 */
        0x0d, 0, 0, 0, 0x0d, 0xf0, 0xad, 0x8b,          /* 0x118 */
    };

    assert_memory_equal(mem->bytes + 0x100, want, sizeof(want));
    assert_int_equal(env->r[1], 0xffffffffffffff82ull);
    assert_int_equal(env->r[2], 0xffffffffffff8382ull);
    assert_int_equal(env->r[3], 0x0000000076548382ull);
    assert_int_equal(env->r[4], 0x76548382ull);
    assert_int_equal(env->r[5], 0xfedcba9876548382ull);
    assert_int_equal(env->w[1], 0xffffff82);
    assert_int_equal(env->w[2], 0x8382);
    assert_int_equal(env->w[3], 0xffff8382);
    assert_int_equal(env->w[4], 0x76548382);
    assert_int_equal(env->w[5], 0x8badf00d);
    assert_int_equal(mem->last_mmu_idx, 5);
    assert_int_equal(mem->loads, 10);
    assert_int_equal(mem->stores, 5);
}

/* A load faults after globals were written: they must be in env when the
 * access unwinds, and nothing after it runs. */
static void build_fault(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_insn_start(s, 0x3000, 0);
    bb_tcg_add_i64(s, g->r[0], g->r[0], tp_c64(s, 5));
    bb_tcg_mov_i32(s, g->w[0], tp_c32(s, 3));
    bb_tcg_insn_start(s, 0x3004, 0x55);
    bb_tcg_qemu_ld_i64(s, t, tp_c64(s, TP_FAULT_BASE + 8), 0, BB_MO_UQ);
    bb_tcg_mov_i64(s, g->r[0], t);
    bb_tcg_mov_i32(s, g->w[0], tp_c32(s, 4));
    tp_exit(s);
}

static void setup_fault(TpEnv *env, TpMem *mem)
{
    env->r[0] = 10;
}

static void check_fault(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_true(r.faulted);
    assert_int_equal(mem->fault_addr, TP_FAULT_BASE + 8);
    assert_int_equal(env->r[0], 15);
    assert_int_equal(env->w[0], 3);
}

/* A misaligned access with BB_MO_ALIGN faults; without it, it works. */
static void build_align(BbTcgContext *s, const TpGlobals *g)
{
    bb_tcg_qemu_ld_i64(s, g->r[0], tp_c64(s, 0x101), 0, BB_MO_UW);
    bb_tcg_qemu_st_i64(s, g->r[0], tp_c64(s, 0x203), 0, BB_MO_UL | BB_MO_ALIGN);
    bb_tcg_mov_i64(s, g->r[1], tp_c64(s, 1));
    tp_exit(s);
}

static void setup_align(TpEnv *env, TpMem *mem)
{
    mem->bytes[0x101] = 0x34;
    mem->bytes[0x102] = 0x12;
}

static void check_align(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_true(r.faulted);
    assert_int_equal(mem->fault_addr, 0x203);
    assert_int_equal(env->r[0], 0x1234);
    assert_int_equal(env->r[1], 0);
}

/* ------------------------------------------------------------ helpers */

typedef struct HelperLog {
    unsigned calls;
} HelperLog;

static HelperLog helper_log;

static uint64_t h_add(uint64_t a, uint64_t b)
{
    return a + b;
}

/* Writes r3 (a global) through env and counts its calls in scratch[7]. */
static void h_write_r3(TpEnv *env, uint64_t v)
{
    env->r[3] = v * 2;
    env->scratch[7]++;
}

/* Reads r5 and w6 through env. */
static uint64_t h_read_globals(TpEnv *env)
{
    return env->r[5] * 1000 + env->w[6];
}

static uint32_t h_mix6(uint32_t a, uint64_t b, uint32_t c, uint64_t d,
                       uint32_t e, TpEnv *env)
{
    env->scratch[6] = (uint64_t)a + b + c + d + e;
    return a ^ c ^ e ^ (uint32_t)(b >> 32) ^ (uint32_t)d;
}

static uint64_t h_const(void)
{
    helper_log.calls++; /* host-side only, not env */
    return 0x77;
}

static const BbTcgHelper helper_add = {
    .fn = (void *)h_add, .name = "add", .flags = BB_TCG_CALL_PURE,
    .ret = BB_TCG_TYPE_I64, .nargs = 2,
    .args = { BB_TCG_TYPE_I64, BB_TCG_TYPE_I64 },
};
static const BbTcgHelper helper_write_r3 = {
    .fn = (void *)h_write_r3, .name = "write_r3", .flags = 0,
    .ret = BB_TCG_TYPE_VOID, .nargs = 2,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I64 },
};
static const BbTcgHelper helper_read_globals = {
    .fn = (void *)h_read_globals, .name = "read_globals",
    .flags = BB_TCG_CALL_NO_WRITE_GLOBALS | BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_I64, .nargs = 1, .args = { BB_TCG_TYPE_PTR },
};
static const BbTcgHelper helper_mix6 = {
    .fn = (void *)h_mix6, .name = "mix6",
    .flags = BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS,
    .ret = BB_TCG_TYPE_I32, .nargs = 6,
    .args = { BB_TCG_TYPE_I32, BB_TCG_TYPE_I64, BB_TCG_TYPE_I32,
              BB_TCG_TYPE_I64, BB_TCG_TYPE_I32, BB_TCG_TYPE_PTR },
};
static const BbTcgHelper helper_const = {
    .fn = (void *)h_const, .name = "const",
    .flags = BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS |
             BB_TCG_CALL_NO_RAISE,
    .ret = BB_TCG_TYPE_I64, .nargs = 0,
};

static void build_calls(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 t = bb_tcg_temp_i64(s), u = bb_tcg_temp_i64(s);
    BbTcgI32 w = bb_tcg_temp_i32(s);

    /* pure, with a used result */
    bb_tcg_call(s, &helper_add, t.id, (uint32_t[]){ g->r[0].id, g->r[1].id });
    bb_tcg_mov_i64(s, g->r[2], t);
    /* writes a global the TB read before and reads after */
    bb_tcg_mov_i64(s, g->r[3], tp_c64(s, 1));
    bb_tcg_mov_i64(s, u, g->r[3]);
    bb_tcg_call(s, &helper_write_r3, UINT32_MAX,
                (uint32_t[]){ BB_TCG_ARG_ENV, g->r[0].id });
    bb_tcg_add_i64(s, g->r[4], g->r[3], u);
    /* reads globals written just before */
    bb_tcg_mov_i64(s, g->r[5], tp_c64(s, 9));
    bb_tcg_mov_i32(s, g->w[6], tp_c32(s, 7));
    bb_tcg_call(s, &helper_read_globals, g->r[6].id,
                (uint32_t[]){ BB_TCG_ARG_ENV });
    /* six mixed arguments, an i32 result into an i32 global */
    bb_tcg_mov_i32(s, w, tp_c32(s, -1));
    bb_tcg_call(s, &helper_mix6, g->w[0].id,
                (uint32_t[]){ w.id, g->r[1].id, tp_c32(s, 0x10).id,
                              tp_c64(s, 0x300000004ll).id, g->w[1].id,
                              BB_TCG_ARG_ENV });
    /* no arguments */
    bb_tcg_call(s, &helper_const, g->r[7].id, NULL);
    tp_exit(s);
}

static void setup_calls(TpEnv *env, TpMem *mem)
{
    env->r[0] = 40;
    env->r[1] = 0x500000002ull;
    env->w[1] = 0x100;
}

static void check_calls(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->r[2], 40 + 0x500000002ull);
    assert_int_equal(env->r[3], 80);
    assert_int_equal(env->r[4], 81);
    assert_int_equal(env->scratch[7], 1);
    assert_int_equal(env->r[6], 9007);
    assert_int_equal(env->scratch[6], 0xffffffffull + 0x500000002ull + 0x10 +
                                          0x300000004ull + 0x100);
    assert_int_equal(env->w[0], 0xffffffffu ^ 0x10 ^ 0x100 ^ 5 ^ 4);
    assert_int_equal(env->r[7], 0x77);
}

/* ------------------------------------------------------------ exits */

/* r0 selects: 0 -> goto_tb 0 + exit 0, 1 -> goto_tb 1 + exit 1,
 * 2 -> lookup_and_goto, else exit 2; r1 records the path. */
static void build_exits(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgLabel l1 = bb_tcg_label(s), l2 = bb_tcg_label(s);
    BbTcgLabel l3 = bb_tcg_label(s);

    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, g->r[0], tp_c64(s, 0), l1);
    bb_tcg_goto_tb(s, 0);
    bb_tcg_mov_i64(s, g->r[1], tp_c64(s, 100));
    bb_tcg_exit_tb(s, 0);
    bb_tcg_set_label(s, l1);
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, g->r[0], tp_c64(s, 1), l2);
    bb_tcg_goto_tb(s, 1);
    bb_tcg_mov_i64(s, g->r[1], tp_c64(s, 101));
    bb_tcg_exit_tb(s, 1);
    bb_tcg_set_label(s, l2);
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, g->r[0], tp_c64(s, 2), l3);
    bb_tcg_mov_i64(s, g->r[1], tp_c64(s, 102));
    bb_tcg_lookup_and_goto(s);
    bb_tcg_set_label(s, l3);
    bb_tcg_mov_i64(s, g->r[1], tp_c64(s, 103));
    bb_tcg_exit_tb(s, 2);
}

#define EXIT_CASE(n)                                                          \
    static void setup_exit##n(TpEnv *env, TpMem *mem) { env->r[0] = n; }      \
    static void check_exit##n(const TpEnv *env, const TpMem *mem,             \
                              TpResult r)                                     \
    {                                                                         \
        static const TcgExit want[] = { TCG_EXIT_SLOT0, TCG_EXIT_SLOT1,       \
                                        TCG_EXIT_LOOKUP, TCG_EXIT_NOCHAIN };  \
        assert_int_equal(r.exit, want[n]);                                    \
        assert_int_equal(env->r[1], 100 + n);                                 \
    }
EXIT_CASE(0)
EXIT_CASE(1)
EXIT_CASE(2)
EXIT_CASE(3)

/* ------------------------------------------------------------ hazards */

/* Copies whose source is overwritten, through temps, globals and calls;
 * discards; a temp defined on both arms of a branch. */
static void build_hazards(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 t = bb_tcg_temp_i64(s), u = bb_tcg_temp_i64(s);
    BbTcgLabel other = bb_tcg_label(s), join = bb_tcg_label(s);

    bb_tcg_mov_i64(s, t, g->r[0]);
    bb_tcg_mov_i64(s, g->r[0], tp_c64(s, 5));
    bb_tcg_add_i64(s, g->r[1], t, tp_c64(s, 1));     /* old r0 + 1 */
    bb_tcg_mov_i64(s, u, t);
    bb_tcg_mov_i64(s, t, tp_c64(s, 7));
    bb_tcg_add_i64(s, g->r[2], u, t);                /* old r0 + 7 */
    bb_tcg_discard_i64(s, u);
    bb_tcg_mov_i64(s, g->r[3], g->r[2]);
    bb_tcg_call(s, &helper_write_r3, UINT32_MAX,
                (uint32_t[]){ BB_TCG_ARG_ENV, t.id });
    bb_tcg_mov_i64(s, g->r[4], g->r[3]);             /* 14, not old r2 */
    bb_tcg_brcond_i64(s, BB_TCG_COND_LTU, g->r[0], g->r[4], other);
    bb_tcg_mov_i64(s, u, tp_c64(s, 1000));
    bb_tcg_br(s, join);
    bb_tcg_set_label(s, other);
    bb_tcg_mov_i64(s, u, tp_c64(s, 2000));
    bb_tcg_set_label(s, join);
    bb_tcg_mov_i64(s, g->r[5], u);
    tp_exit(s);
}

static void setup_hazards(TpEnv *env, TpMem *mem)
{
    env->r[0] = 100;
}

static void check_hazards(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->r[0], 5);
    assert_int_equal(env->r[1], 101);
    assert_int_equal(env->r[2], 107);
    assert_int_equal(env->r[3], 14);
    assert_int_equal(env->r[4], 14);
    assert_int_equal(env->r[5], 2000);
}

/* Work that is all dead or constant: every backend must still agree. */
static void build_dead(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 t = bb_tcg_temp_i64(s), u = bb_tcg_temp_i64(s);
    BbTcgLabel skip = bb_tcg_label(s);

    bb_tcg_mul_i64(s, t, g->r[0], g->r[0]);
    bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, u, TP_ENV_SCRATCH(0));
    bb_tcg_call(s, &helper_add, u.id, (uint32_t[]){ t.id, t.id });
    bb_tcg_mov_i64(s, g->r[1], tp_c64(s, 1));
    bb_tcg_mov_i64(s, g->r[1], tp_c64(s, 2));
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, tp_c64(s, 3), tp_c64(s, 3), skip);
    bb_tcg_mov_i64(s, g->r[2], tp_c64(s, 99));
    bb_tcg_set_label(s, skip);
    bb_tcg_div_i64(s, t, tp_c64(s, INT64_MIN), tp_c64(s, -1));
    bb_tcg_rem_i64(s, u, tp_c64(s, 5), tp_c64(s, 0));
    bb_tcg_add_i64(s, g->r[3], t, u);
    tp_exit(s);
}

static void check_dead(const TpEnv *env, const TpMem *mem, TpResult r)
{
    assert_int_equal(env->r[1], 2);
    assert_int_equal(env->r[2], 0);
    assert_int_equal(env->r[3], (uint64_t)INT64_MIN + 5);
}

/* ------------------------------------------------------------ the list */

static const TpProgram programs[] = {
    { "factorial", build_factorial, setup_factorial, check_factorial },
    { "popcount", build_popcount, setup_popcount, check_popcount },
    { "gcd", build_gcd, setup_gcd, check_gcd },
    { "sum_loop", build_sum_loop, NULL, check_sum_loop },
    { "globals", build_globals, setup_globals, check_globals },
    { "env_ops", build_env_ops, setup_env_ops, check_env_ops },
    { "memory", build_memory, setup_memory, check_memory },
    { "fault", build_fault, setup_fault, check_fault },
    { "align", build_align, setup_align, check_align },
    { "calls", build_calls, setup_calls, check_calls },
    { "exit0", build_exits, setup_exit0, check_exit0 },
    { "exit1", build_exits, setup_exit1, check_exit1 },
    { "exit2", build_exits, setup_exit2, check_exit2 },
    { "exit3", build_exits, setup_exit3, check_exit3 },
    { "hazards", build_hazards, setup_hazards, check_hazards },
    { "dead", build_dead, NULL, check_dead },
};

static void test_program(void **state)
{
    tp_run_program(*state);
}

/* The interpreter records the last insn_start (pc and extra word) for
 * unwinding. */
static void test_interp_last_pc(void **state)
{
    BbTcgContext *s = tp_context();
    TpEnv *env = g_new0(TpEnv, 1);
    TpMem *mem = g_new0(TpMem, 1);
    TcgCode *code;
    TcgRuntime rt = { tp_mem_load, tp_mem_store, mem };
    sigjmp_buf jb;

    build_fault(s, tp_globals());
    code = tcg_backend_interp.compile(s, NULL);
    assert_non_null(code);
    assert_int_equal(tcg_interp_last_pc(code), 0);
    mem->fault_jb = &jb;
    if (sigsetjmp(jb, 0) == 0) {
        tcg_backend_interp.exec(code, env, &rt);
        fail_msg("the load did not fault");
    }
    assert_int_equal(tcg_interp_last_pc(code), 0x3004);
    assert_int_equal(tcg_interp_last_extra(code), 0x55);
    tcg_backend_interp.free(code);
    tcg_context_free(s);
    g_free(env);
    g_free(mem);
}

/* Compiling an invalid TB fails with the verifier's error. */
static void test_interp_rejects_invalid(void **state)
{
    BbTcgContext *s = tp_context();
    GError *err = NULL;

    bb_tcg_mov_i64(s, tp_globals()->r[0], bb_tcg_temp_i64(s));
    tp_exit(s);
    assert_null(tcg_backend_interp.compile(s, &err));
    assert_error(err, TCG_ERROR, BB_ERROR_INVALID);
    assert_contains(err->message, "op 0 (mov_i64)");
    g_error_free(err);
    tcg_context_free(s);
}

int main(void)
{
    struct CMUnitTest tests[G_N_ELEMENTS(programs) + 2];

    for (unsigned i = 0; i < G_N_ELEMENTS(programs); i++) {
        tests[i] = (struct CMUnitTest){
            .name = programs[i].name,
            .test_func = test_program,
            .initial_state = (void *)&programs[i],
        };
    }
    tests[G_N_ELEMENTS(programs)] = (struct CMUnitTest)
        cmocka_unit_test(test_interp_last_pc);
    tests[G_N_ELEMENTS(programs) + 1] = (struct CMUnitTest)
        cmocka_unit_test(test_interp_rejects_invalid);
    return _cmocka_run_group_tests("programs", tests, G_N_ELEMENTS(tests),
                                   NULL, NULL);
}
