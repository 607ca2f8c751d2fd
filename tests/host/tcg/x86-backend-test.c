/*
 * x86-backend-test.c - the x86-64 JIT backend's own contract, beyond the
 * shared program suite: instruction encodings of the assembler, more live
 * values than host registers, globals kept in registers across ops and
 * written back at the exit, helper calls under every combination of
 * flags (what each promise lets the helper see and change, and the state
 * a raising helper leaves behind), branches that merge different register
 * states, a loop starting at the TB's first op, the SysV stack alignment
 * seen by helpers, near (rel32) and far helper calls, running without a
 * runtime, W^X of the code buffer in both mapping modes, the buffer-full
 * error and the flush, goto_tb patching (chaining), the insn_start
 * host-pc map used for unwinding, the out_asm dump, ctpop without popcnt
 * and the spill-slot limit; the loop form of a TB chained to itself
 * (x86-loop.c): when it is chosen and when not, the back edge, the budget
 * and kicks at the loop head, the registers in env at every exit and at
 * the slow path of a guest store.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include <breadboard/cpu.h>

#include "tcg-programs.h"

#include "tcg/x86_64/tcg-x86_64.h"
#include "tcg/x86_64/x86-asm.h"

#define X86 (&tcg_backend_x86_64)
#define INTERP (&tcg_backend_interp)

/* Compile @s on @b (failing the test on error). */
static TcgCode *compile_ok(const TcgBackend *b, BbTcgContext *s)
{
    GError *err = NULL;
    TcgCode *code = b->compile(s, &err);

    assert_no_error(err);
    assert_non_null(code);
    return code;
}

/* Run @build on both backends from the same @init env; return the x86
 * env (and check it matches the interpreter's). */
static void run_both(void (*build)(BbTcgContext *, const TpGlobals *),
                     const TpEnv *init, TpEnv *out, TcgExit *exit)
{
    TpEnv *ref = g_new0(TpEnv, 1);
    TpMem *mem = g_new0(TpMem, 1);
    TpResult r1, r2;

    for (int i = 0; i < 2; i++) {
        BbTcgContext *s = tp_context();
        TpEnv *e = i ? out : ref;

        build(s, tp_globals());
        tp_assert_valid(s);
        *e = *init;
        memset(mem, 0, sizeof(*mem));
        if (i) {
            r2 = tp_exec(X86, s, e, mem);
        } else {
            r1 = tp_exec(INTERP, s, e, mem);
        }
        tcg_context_free(s);
    }
    assert_int_equal(r1.exit, r2.exit);
    assert_memory_equal(ref, out, sizeof(*ref));
    if (exit) {
        *exit = r2.exit;
    }
    g_free(ref);
    g_free(mem);
}

/* ------------------------------------------------------------ assembler */

static void test_encodings(void **state)
{
    static const uint8_t want[] = {
        0x48, 0x89, 0x74, 0x24, 0x08,             /* mov [rsp+8], rsi */
        0x49, 0x8b, 0x04, 0x24,                   /* mov rax, [r12] */
        0x49, 0x8b, 0x45, 0x00,                   /* mov rax, [r13+0] */
        0x48, 0x8b, 0x45, 0x10,                   /* mov rax, [rbp+0x10] */
        0x40, 0x0f, 0x94, 0xc6,                   /* sete sil */
        0x40, 0x0f, 0xb6, 0xf6,                   /* movzx esi, sil */
        0x49, 0xb9, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, /* movabs r9 */
        0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, /* mov rax, -1 */
        0xb8, 0xff, 0xff, 0xff, 0xff,             /* mov eax, 0xffffffff */
        0x49, 0x81, 0xc7, 0x00, 0x01, 0x00, 0x00, /* add r15, 0x100 */
        0x41, 0xd3, 0xe2,                         /* shl r10d, cl */
        0xf3, 0x49, 0x0f, 0xb8, 0xc0,             /* popcnt rax, r8 */
        0x49, 0x0f, 0xcb,                         /* bswap r11 */
        0x4d, 0x6b, 0xc1, 0x05,                   /* imul r8, r9, 5 */
        0x41, 0x88, 0x9c, 0x24, 0x00, 0x02, 0, 0, /* mov [r12+0x200], bl */
        0x66, 0xc7, 0x45, 0x02, 0x34, 0x12,       /* mov word [rbp+2], .. */
        0x48, 0x63, 0xc1,                         /* movsxd rax, ecx */
        0x4c, 0x0f, 0x44, 0xc0,                   /* cmove r8, rax */
        0xeb, 0xfe,                               /* l: jmp l */
    };
    uint8_t buf[256];
    X86Asm a;
    unsigned l;

    x86_asm_init(&a, buf, sizeof(buf), 0x10000);
    x86_store(&a, 8, X86_RSI, X86_RSP, 8);
    x86_load(&a, 8, false, true, X86_RAX, X86_R12, 0);
    x86_load(&a, 8, false, true, X86_RAX, X86_R13, 0);
    x86_load(&a, 8, false, true, X86_RAX, X86_RBP, 0x10);
    x86_setcc(&a, X86_CC_E, X86_RSI);
    x86_movzx(&a, 1, X86_RSI, X86_RSI);
    x86_mov_ri(&a, true, X86_R9, 0x123456789ull);
    x86_mov_ri(&a, true, X86_RAX, UINT64_MAX);
    x86_mov_ri(&a, false, X86_RAX, UINT64_MAX);
    x86_alu_ri(&a, true, X86_ADD, X86_R15, 0x100);
    x86_shift_cl(&a, false, X86_SHL, X86_R10);
    x86_popcnt(&a, true, X86_RAX, X86_R8);
    x86_bswap(&a, true, X86_R11);
    x86_imul_rri(&a, true, X86_R8, X86_R9, 5);
    x86_store(&a, 1, X86_RBX, X86_R12, 0x200);
    x86_store_imm(&a, 2, 0x1234, X86_RBP, 2);
    x86_movsx(&a, 4, true, X86_RAX, X86_RCX);
    x86_cmov(&a, true, X86_CC_E, X86_R8, X86_RAX);
    l = x86_label_new(&a);
    x86_label_bind(&a, l);
    x86_jmp_label(&a, l, false); /* backward: picks rel8 */
    assert_false(a.overflow);
    assert_int_equal(a.len, sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
    x86_asm_destroy(&a);

    /* Overflow is sticky and writes nothing past the capacity. */
    memset(buf, 0xaa, sizeof(buf));
    x86_asm_init(&a, buf, 4, 0);
    x86_mov_ri(&a, true, X86_R9, 0x123456789ull);
    assert_true(a.overflow);
    assert_int_equal(buf[4], 0xaa);
    x86_asm_destroy(&a);
}

/* ------------------------------------------------------------ pressure */

#define NB_LIVE64 40
#define NB_LIVE32 24

/* Many values computed first and all consumed at the end. */
static void build_pressure(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 t[NB_LIVE64], acc = bb_tcg_temp_i64(s);
    BbTcgI32 u[NB_LIVE32], acc32 = bb_tcg_temp_i32(s);

    for (unsigned i = 0; i < NB_LIVE64; i++) {
        t[i] = bb_tcg_temp_i64(s);
        bb_tcg_mul_i64(s, t[i], g->r[i % 8], tp_c64(s, i + 1));
        bb_tcg_add_i64(s, t[i], t[i], tp_c64(s, (int64_t)i << 40));
    }
    for (unsigned i = 0; i < NB_LIVE32; i++) {
        u[i] = bb_tcg_temp_i32(s);
        bb_tcg_xor_i32(s, u[i], g->w[i % 8], tp_c32(s, (int32_t)(i * 0x01010101u)));
    }
    bb_tcg_mov_i64(s, acc, tp_c64(s, 0));
    for (unsigned i = NB_LIVE64; i-- > 0;) {
        bb_tcg_mul_i64(s, acc, acc, tp_c64(s, 3));
        bb_tcg_add_i64(s, acc, acc, t[i]);
    }
    bb_tcg_mov_i32(s, acc32, tp_c32(s, 0));
    for (unsigned i = 0; i < NB_LIVE32; i++) {
        bb_tcg_rotl_i32(s, acc32, acc32, tp_c32(s, 5));
        bb_tcg_add_i32(s, acc32, acc32, u[i]);
    }
    bb_tcg_mov_i64(s, g->r[0], acc);
    bb_tcg_mov_i32(s, g->w[0], acc32);
    tp_exit(s);
}

static void test_register_pressure(void **state)
{
    TpEnv init = { 0 }, out;
    uint64_t acc = 0;
    uint32_t acc32 = 0;

    for (unsigned i = 0; i < 8; i++) {
        init.r[i] = 0x1111111111111111ull * (i + 1) + i;
        init.w[i] = 0x01020304u * (i + 3);
    }
    for (unsigned i = NB_LIVE64; i-- > 0;) {
        acc = acc * 3 + (init.r[i % 8] * (i + 1) + ((uint64_t)i << 40));
    }
    for (unsigned i = 0; i < NB_LIVE32; i++) {
        acc32 = (acc32 << 5 | acc32 >> 27) + (init.w[i % 8] ^ (i * 0x01010101u));
    }
    run_both(build_pressure, &init, &out, NULL);
    assert_int_equal(out.r[0], acc);
    assert_int_equal(out.w[0], acc32);
}

/* ------------------------------------------------------------ globals */

#define NB_GLOBAL_OPS 200

static void build_global_chain(BbTcgContext *s, const TpGlobals *g)
{
    for (unsigned i = 0; i < NB_GLOBAL_OPS; i++) {
        bb_tcg_add_i64(s, g->r[0], g->r[0], g->r[1]);
        bb_tcg_xor_i32(s, g->w[0], g->w[0], g->w[1]);
    }
    tp_exit(s);
}

static void test_globals_in_registers(void **state)
{
    TpEnv init = { .r = { 5, 7 }, .w = { 0x10, 0x3 } }, out;
    BbTcgContext *s = tp_context();
    TcgCode *code;

    run_both(build_global_chain, &init, &out, NULL);
    assert_int_equal(out.r[0], 5 + 7 * NB_GLOBAL_OPS);
    assert_int_equal(out.r[1], 7);
    assert_int_equal(out.w[0], 0x10); /* an even number of xors */
    /* Kept in registers: about 6 bytes per pair of ops; a store per op
     * (or a call per op) would need well over 10. */
    build_global_chain(s, tp_globals());
    code = compile_ok(X86, s);
    assert_true(tcg_x86_64_code_size(code) < NB_GLOBAL_OPS * 8);
    X86->free(code);
    tcg_context_free(s);
}

/* ------------------------------------------------------------ helper flags */

static bool helper_raise;
static sigjmp_buf *helper_jb;
static unsigned helper_flags;

/* Does exactly what its flags allow: reads r1 if it may read globals,
 * writes r3 if it may write them, unwinds if it may raise and is told
 * to. */
static uint64_t h_flags(TpEnv *env, uint64_t x)
{
    uint64_t ret = x * 7;

    if (!(helper_flags & BB_TCG_CALL_NO_READ_GLOBALS)) {
        ret = env->r[1] + x;
    }
    if (!(helper_flags & BB_TCG_CALL_NO_WRITE_GLOBALS)) {
        env->r[3] = 77 + x;
    }
    if (!(helper_flags & BB_TCG_CALL_NO_RAISE) && helper_raise) {
        siglongjmp(*helper_jb, 1);
    }
    return ret;
}

static BbTcgHelper helper_flags_def = {
    .fn = (void *)h_flags, .name = "flags", .ret = BB_TCG_TYPE_I64,
    .nargs = 2, .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I64 },
};

static void build_flags(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_add_i64(s, g->r[1], g->r[1], tp_c64(s, 5)); /* dirty */
    bb_tcg_mov_i64(s, g->r[3], tp_c64(s, 5));            /* dirty */
    bb_tcg_call(s, &helper_flags_def, t.id,
                (uint32_t[]){ BB_TCG_ARG_ENV, g->r[0].id });
    bb_tcg_mov_i64(s, g->r[2], t);
    bb_tcg_add_i64(s, g->r[4], g->r[3], tp_c64(s, 1));
    bb_tcg_add_i64(s, g->r[1], g->r[1], tp_c64(s, 1));
    tp_exit(s);
}

/* Run build_flags with a helper that unwinds. */
static void check_raise(const TcgBackend *be, bool may_write)
{
    BbTcgContext *s = tp_context();
    TcgCode *code;
    TpEnv env = { .r = { 1000, 20 } };
    sigjmp_buf jb;
    volatile bool raised = false;

    build_flags(s, tp_globals());
    code = compile_ok(be, s);
    helper_raise = true;
    helper_jb = &jb;
    if (sigsetjmp(jb, 0) == 0) {
        be->exec(code, &env, NULL);
    } else {
        raised = true;
    }
    helper_raise = false;
    assert_true(raised);
    assert_int_equal(env.r[1], 25);
    assert_int_equal(env.r[3], may_write ? 1077 : 5);
    assert_int_equal(env.r[2], 0);
    be->free(code);
    tcg_context_free(s);
}

static void test_helper_flags(void **state)
{
    const TpEnv init = { .r = { 1000, 20, 0, 0, 0 } };

    for (unsigned f = 0; f < 16; f++) {
        TpEnv out;
        bool may_read = !(f & BB_TCG_CALL_NO_READ_GLOBALS);
        bool may_write = !(f & BB_TCG_CALL_NO_WRITE_GLOBALS);

        helper_flags = helper_flags_def.flags = f;
        helper_raise = false;
        run_both(build_flags, &init, &out, NULL);
        assert_int_equal(out.r[1], 26);
        assert_int_equal(out.r[2], may_read ? 25 + 1000 : 7000);
        assert_int_equal(out.r[3], may_write ? 1077 : 5);
        assert_int_equal(out.r[4], out.r[3] + 1);

        if (f & BB_TCG_CALL_NO_RAISE) {
            continue;
        }
        /* Raising: env holds every global written before the call. */
        check_raise(INTERP, may_write);
        check_raise(X86, may_write);
    }
}

/* ------------------------------------------------------------ branches */

/* Two paths leave different values in registers; the merge point must
 * see the right ones whichever path ran. */
static void build_merge(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgLabel l_else = bb_tcg_label(s), l_join = bb_tcg_label(s);
    BbTcgI64 t1 = bb_tcg_temp_i64(s), t2 = bb_tcg_temp_i64(s);
    BbTcgI32 u = bb_tcg_temp_i32(s);

    bb_tcg_add_i64(s, t1, g->r[0], tp_c64(s, 1));
    bb_tcg_mul_i64(s, t2, g->r[1], tp_c64(s, 3));
    bb_tcg_mov_i32(s, u, g->w[0]);
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, g->r[2], tp_c64(s, 0), l_else);
    /* then: globals r3, r4, w1 into registers, t1 and u redefined */
    bb_tcg_add_i64(s, t1, t1, g->r[3]);
    bb_tcg_mov_i64(s, g->r[4], t2);
    bb_tcg_add_i32(s, u, u, g->w[1]);
    bb_tcg_br(s, l_join);
    bb_tcg_set_label(s, l_else);
    /* else: other globals, t2 redefined */
    bb_tcg_sub_i64(s, t2, t2, g->r[5]);
    bb_tcg_mov_i64(s, g->r[6], t1);
    bb_tcg_sub_i32(s, u, u, g->w[2]);
    bb_tcg_set_label(s, l_join);
    bb_tcg_xor_i64(s, g->r[7], t1, t2);
    bb_tcg_mov_i32(s, g->w[3], u);
    bb_tcg_add_i64(s, g->r[0], g->r[0], g->r[4]);
    tp_exit(s);
}

static void test_branch_merge(void **state)
{
    for (int taken = 0; taken < 2; taken++) {
        TpEnv init = {
            .r = { 100, 200, taken ? 0 : 1, 300, 400, 500, 600, 700 },
            .w = { 10, 20, 30 },
        };
        TpEnv out;
        uint64_t t1 = 101, t2 = 600;
        uint32_t u = 10;

        run_both(build_merge, &init, &out, NULL);
        if (!taken) {
            t1 += 300;
            u += 20;
            assert_int_equal(out.r[4], 600);
            assert_int_equal(out.r[6], 600);
        } else {
            t2 -= 500;
            u -= 30;
            assert_int_equal(out.r[4], 400);
            assert_int_equal(out.r[6], 101);
        }
        assert_int_equal(out.r[7], t1 ^ t2);
        assert_int_equal(out.w[3], u);
        assert_int_equal(out.r[0], 100 + out.r[4]);
    }
}

/* A loop whose label is the TB's first op, with a temp carried around
 * the back edge. */
static void build_loop_at_start(BbTcgContext *s, const TpGlobals *g)
{
    BbTcgLabel top = bb_tcg_label(s);
    BbTcgI64 t = bb_tcg_temp_i64(s);

    bb_tcg_set_label(s, top);
    bb_tcg_mul_i64(s, t, g->r[0], g->r[0]);
    bb_tcg_add_i64(s, g->r[1], g->r[1], t);
    bb_tcg_sub_i64(s, g->r[0], g->r[0], tp_c64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, g->r[0], tp_c64(s, 0), top);
    bb_tcg_mov_i64(s, g->r[2], t);
    tp_exit(s);
}

static void test_loop_at_start(void **state)
{
    TpEnv init = { .r = { 5, 100 } }, out;

    run_both(build_loop_at_start, &init, &out, NULL);
    assert_int_equal(out.r[0], 0);
    assert_int_equal(out.r[1], 100 + 25 + 16 + 9 + 4 + 1);
    assert_int_equal(out.r[2], 1);
}

/* ------------------------------------------------------------ stack */

static uint64_t h_frame_misalign(void)
{
    /* With a frame pointer, rbp = rsp after "push rbp", i.e. 16-aligned
     * when the call was made with an aligned stack (SysV). */
    return (uintptr_t)__builtin_frame_address(0) & 15;
}

static const BbTcgHelper helper_align = {
    .fn = (void *)h_frame_misalign, .name = "align",
    .flags = BB_TCG_CALL_PURE, .ret = BB_TCG_TYPE_I64, .nargs = 0,
};

static void build_align_call(BbTcgContext *s, const TpGlobals *g)
{
    bb_tcg_call(s, &helper_align, g->r[0].id, NULL);
    tp_exit(s);
}

static void test_stack_alignment(void **state)
{
    TpEnv init = { .r = { 99 } }, out;

    run_both(build_align_call, &init, &out, NULL);
    assert_int_equal(out.r[0], 0);
}

/* A helper in a shared library (libc), usually within rel32 reach of the
 * code buffer, next to those in the executable, which are not. */
static const BbTcgHelper helper_llabs = {
    .fn = (void *)llabs, .name = "llabs", .flags = BB_TCG_CALL_PURE,
    .ret = BB_TCG_TYPE_I64, .nargs = 1, .args = { BB_TCG_TYPE_I64 },
};

static void build_far_near_calls(BbTcgContext *s, const TpGlobals *g)
{
    bb_tcg_call(s, &helper_llabs, g->r[1].id, (uint32_t[]){ g->r[0].id });
    bb_tcg_call(s, &helper_align, g->r[2].id, NULL);
    tp_exit(s);
}

static void test_call_targets(void **state)
{
    TpEnv init = { .r = { (uint64_t)-12345, 0, 7 } }, out;

    BbTcgContext *s = tp_context();
    TcgCode *code;
    const uint8_t *p;
    int64_t dist;
    bool direct = false;

    run_both(build_far_near_calls, &init, &out, NULL);
    assert_int_equal(out.r[1], 12345);
    assert_int_equal(out.r[2], 0);

    /* When llabs is within reach the call is a direct call rel32. */
    build_far_near_calls(s, tp_globals());
    code = compile_ok(X86, s);
    p = (const uint8_t *)tcg_x86_64_code_entry(code);
    dist = (int64_t)((uintptr_t)llabs - (uintptr_t)p);
    for (size_t i = 12; i + 5 <= tcg_x86_64_code_size(code); i++) {
        int32_t rel;

        memcpy(&rel, p + i + 1, 4);
        direct |= p[i] == 0xe8 &&
                  (uintptr_t)p + i + 5 + (intptr_t)rel == (uintptr_t)llabs;
    }
    if (dist > -(1ll << 30) && dist < (1ll << 30)) {
        assert_true(direct);
    }
    X86->free(code);
    tcg_context_free(s);
}

/* Without a runtime, guest loads read 0 and stores vanish, as in the
 * interpreter. */
static void build_mem_no_rt(BbTcgContext *s, const TpGlobals *g)
{
    bb_tcg_qemu_st_i64(s, g->r[0], tp_c64(s, 8), 0, BB_MO_UQ);
    bb_tcg_qemu_ld_i64(s, g->r[1], tp_c64(s, 8), 0, BB_MO_UQ);
    bb_tcg_qemu_ld_i32(s, g->w[1], tp_c64(s, 8), 1, BB_MO_SB);
    tp_exit(s);
}

static void test_no_runtime(void **state)
{
    BbTcgContext *s = tp_context();
    TcgCode *code;
    TpEnv env = { .r = { 5, 6 }, .w = { 0, 9 } };

    build_mem_no_rt(s, tp_globals());
    code = compile_ok(X86, s);
    assert_int_equal(X86->exec(code, &env, NULL), TCG_EXIT_NOCHAIN);
    assert_int_equal(env.r[0], 5);
    assert_int_equal(env.r[1], 0);
    assert_int_equal(env.w[1], 0);
    X86->free(code);
    tcg_context_free(s);
}

/* ------------------------------------------------------------ W^X */

/* Permissions ("r-xp") of the mapping holding @addr; also fail if a
 * mapping of the code buffer (the memfd views, or the range starting at
 * @buf) is writable and executable.  Other mappings are not ours (a tool
 * such as valgrind has its own). */
static void maps_check(uintptr_t addr, uintptr_t buf, char perms[5])
{
    g_autofree char *maps = NULL;
    g_auto(GStrv) lines = NULL;

    perms[0] = 0;
    assert_true(g_file_get_contents("/proc/self/maps", &maps, NULL, NULL));
    lines = g_strsplit(maps, "\n", -1);
    for (char **l = lines; *l && **l; l++) {
        unsigned long lo, hi;
        char p[5];
        bool ours;

        assert_int_equal(sscanf(*l, "%lx-%lx %4s", &lo, &hi, p), 3);
        ours = strstr(*l, "breadboard-jit") || (buf >= lo && buf < hi);
        if (ours && p[1] == 'w' && p[2] == 'x') {
            fail_msg("writable and executable mapping: %s", *l);
        }
        if (addr >= lo && addr < hi) {
            memcpy(perms, p, 5);
        }
    }
}

static void check_wx_mode(bool dual)
{
    GError *err = NULL;
    BbTcgContext *s = tp_context();
    TcgCode *code;
    TpEnv env = { .r = { 1, 2 } };
    char perms[5];
    bool is_dual;
    uintptr_t buf;

    assert_true(tcg_x86_64_set_buffer(1 << 20, dual, &err));
    assert_no_error(err);
    tcg_x86_64_buffer_info(NULL, NULL, &is_dual, &buf);
    assert_int_equal(is_dual, dual);
    build_global_chain(s, tp_globals());
    code = compile_ok(X86, s);
    maps_check(tcg_x86_64_code_entry(code), buf, perms);
    assert_string_equal(perms, dual ? "r-xs" : "r-xp");
    X86->exec(code, &env, NULL);
    assert_int_equal(env.r[0], 1 + 2 * NB_GLOBAL_OPS);
    maps_check(tcg_x86_64_code_entry(code), buf, perms);
    assert_int_equal(perms[1], '-');
    X86->free(code);
    tcg_context_free(s);
}

static void test_wx(void **state)
{
    GError *err = NULL;

    check_wx_mode(true);
    check_wx_mode(false);
    assert_true(tcg_x86_64_set_buffer(64 << 20, true, &err));
    assert_no_error(err);
}

/* ------------------------------------------------------------ buffer full */

static void test_buffer_full(void **state)
{
    GError *err = NULL;
    GPtrArray *codes = g_ptr_array_new();
    BbTcgContext *s = tp_context();
    size_t used, size, used_empty;
    TcgCode *code;

    assert_true(tcg_x86_64_set_buffer(64 << 10, true, &err));
    assert_no_error(err);
    tcg_x86_64_buffer_info(&used_empty, &size, NULL, NULL);
    build_pressure(s, tp_globals());
    for (;;) {
        code = X86->compile(s, &err);
        if (!code) {
            break;
        }
        g_ptr_array_add(codes, code);
        assert_true(codes->len < 1000);
    }
    assert_true(tcg_x86_64_error_is_full(err));
    g_clear_error(&err);
    assert_true(codes->len > 2);
    tcg_x86_64_buffer_info(&used, NULL, NULL, NULL);
    assert_true(used <= size);

    /* Everything compiled before still runs. */
    for (guint i = 0; i < codes->len; i++) {
        TpEnv env = { .r = { 1 } };

        X86->exec(codes->pdata[i], &env, NULL);
        assert_true(env.r[0] != 0);
    }
    /* Freeing the last TB reclaims the buffer. */
    for (guint i = 0; i < codes->len; i++) {
        X86->free(codes->pdata[i]);
    }
    g_ptr_array_set_size(codes, 0);
    assert_int_equal(tcg_x86_64_live_codes(), 0);
    tcg_x86_64_buffer_info(&used, NULL, NULL, NULL);
    assert_int_equal(used, used_empty);

    /* An explicit flush makes room while TBs are still held. */
    code = compile_ok(X86, s);
    tcg_x86_64_flush();
    tcg_x86_64_buffer_info(&used, NULL, NULL, NULL);
    assert_int_equal(used, used_empty);
    X86->free(code);
    code = compile_ok(X86, s);
    X86->free(code);

    tcg_context_free(s);
    g_ptr_array_unref(codes);
    assert_true(tcg_x86_64_set_buffer(64 << 20, true, &err));
    assert_no_error(err);
}

/* ------------------------------------------------------------ exits */

static uintptr_t load_ra, store_ra;

static uint64_t ra_load(void *opaque, uint64_t addr, BbMemOp mop,
                        unsigned mmu_idx)
{
    load_ra = (uintptr_t)__builtin_return_address(0);
    return 0x42;
}

static void ra_store(void *opaque, uint64_t addr, uint64_t value, BbMemOp mop,
                     unsigned mmu_idx)
{
    store_ra = (uintptr_t)__builtin_return_address(0);
}

static void build_markers(BbTcgContext *s, const TpGlobals *g)
{
    bb_tcg_insn_start(s, 0x1000, 7);
    bb_tcg_qemu_ld_i64(s, g->r[0], tp_c64(s, 0x100), 0, BB_MO_UQ);
    bb_tcg_insn_start(s, 0x1004, 8);
    bb_tcg_add_i64(s, g->r[1], g->r[0], tp_c64(s, 1));
    bb_tcg_qemu_st_i64(s, g->r[1], tp_c64(s, 0x108), 0, BB_MO_UQ);
    bb_tcg_goto_tb(s, 0);
    bb_tcg_exit_tb(s, 0);
}

static void test_insn_markers_and_dump(void **state)
{
    BbTcgContext *s = tp_context();
    TcgCode *code;
    TcgRuntime rt = { ra_load, ra_store, NULL };
    TpEnv env = { 0 };
    uint64_t pc, extra;
    g_autoptr(GString) dump = g_string_new(NULL);

    s->pc_first = 0x1000;
    build_markers(s, tp_globals());
    code = compile_ok(X86, s);
    assert_int_equal(X86->exec(code, &env, &rt), TCG_EXIT_SLOT0);
    assert_int_equal(env.r[1], 0x43);
    assert_true(tcg_x86_64_find_insn(code, load_ra, &pc, &extra));
    assert_int_equal(pc, 0x1000);
    assert_int_equal(extra, 7);
    assert_true(tcg_x86_64_find_insn(code, store_ra, &pc, &extra));
    assert_int_equal(pc, 0x1004);
    assert_int_equal(extra, 8);
    assert_false(tcg_x86_64_find_insn(code, tcg_x86_64_code_entry(code) + 1,
                                      &pc, NULL));
    assert_false(tcg_x86_64_find_insn(code, 16, &pc, NULL));

    tcg_x86_64_dump(code, dump);
    assert_contains(dump->str, "TB pc 0x1000");
    assert_contains(dump->str, "guest pc 0x1000 (extra 0x7)");
    assert_contains(dump->str, "guest pc 0x1004 (extra 0x8)");
    assert_contains(dump->str, "goto_tb 0");
    assert_contains(dump->str, "  0000: 48 8d 15");
    /* Disassembled: the entry stub loads the body address and jumps. */
    assert_contains(dump->str, " lea     rdx, [rip");
    assert_contains(dump->str, " jmp     ");
    X86->free(code);
    tcg_context_free(s);
}

/* Marks with extra words of 0 are stored packed (pc relative to the TB's
 * first), unless a pc is 4 GiB or more away: both read back the same. */
static void test_insn_markers_packed(void **state)
{
    static const uint64_t first[2] = { 0x80001000, 0x80001000 };
    static const uint64_t second[2] = { 0x80001004, 0x180001004ull };

    for (unsigned k = 0; k < 2; k++) {
        BbTcgContext *s = tp_context();
        const TpGlobals *g = tp_globals();
        TcgCode *code;
        TcgRuntime rt = { ra_load, ra_store, NULL };
        TpEnv env = { 0 };
        uint64_t pc, extra = 99;
        g_autoptr(GString) dump = g_string_new(NULL);
        g_autofree char *want = NULL;

        s->pc_first = first[k];
        bb_tcg_insn_start(s, first[k], 0);
        bb_tcg_qemu_ld_i64(s, g->r[0], tp_c64(s, 0x100), 0, BB_MO_UQ);
        bb_tcg_insn_start(s, second[k], 0);
        bb_tcg_qemu_st_i64(s, g->r[0], tp_c64(s, 0x108), 0, BB_MO_UQ);
        bb_tcg_exit_tb(s, TCG_EXIT_NOCHAIN);
        code = compile_ok(X86, s);
        assert_int_equal(X86->exec(code, &env, &rt), TCG_EXIT_NOCHAIN);
        assert_true(tcg_x86_64_find_insn(code, load_ra, &pc, &extra));
        assert_true(pc == first[k]);
        assert_int_equal(extra, 0);
        assert_true(tcg_x86_64_find_insn(code, store_ra, &pc, &extra));
        assert_true(pc == second[k]);
        assert_int_equal(extra, 0);
        tcg_x86_64_dump(code, dump);
        want = g_strdup_printf("guest pc 0x%" PRIx64 " (extra 0x0)",
                               second[k]);
        assert_contains(dump->str, want);
        X86->free(code);
        tcg_context_free(s);
    }
}

/* A: r0 += 1, goto_tb 0 / exit 0.  B: r1 += 10, exit 2. */
static void build_chain_a(BbTcgContext *s, const TpGlobals *g)
{
    bb_tcg_add_i64(s, g->r[0], g->r[0], tp_c64(s, 1));
    bb_tcg_goto_tb(s, 0);
    bb_tcg_exit_tb(s, 0);
}

static void build_chain_b(BbTcgContext *s, const TpGlobals *g)
{
    bb_tcg_add_i64(s, g->r[1], g->r[1], tp_c64(s, 10));
    bb_tcg_exit_tb(s, TCG_EXIT_NOCHAIN);
}

static void test_goto_tb_chaining(void **state)
{
    BbTcgContext *sa = tp_context(), *sb = tp_context();
    TcgCode *a, *b;
    TpEnv env = { 0 };
    const uint8_t *jmp;
    int ofs;

    build_chain_a(sa, tp_globals());
    build_chain_b(sb, tp_globals());
    a = compile_ok(X86, sa);
    b = compile_ok(X86, sb);
    ofs = tcg_x86_64_goto_tb_offset(a, 0);
    assert_true(ofs > 0);
    assert_int_equal(tcg_x86_64_goto_tb_offset(a, 1), -1);
    assert_int_equal(tcg_x86_64_goto_tb_offset(b, 0), -1);
    jmp = (const uint8_t *)(tcg_x86_64_code_entry(a) + (unsigned)ofs);
    assert_int_equal(jmp[0], 0xe9);
    assert_int_equal(((uintptr_t)jmp + 1) % 4, 0);
    assert_int_equal(jmp[1] | jmp[2] | jmp[3] | jmp[4], 0);

    assert_int_equal(X86->exec(a, &env, NULL), TCG_EXIT_SLOT0);
    assert_true(tcg_x86_64_chain(a, 0, b));
    assert_false(tcg_x86_64_chain(a, 1, b));
    assert_int_equal(X86->exec(a, &env, NULL), TCG_EXIT_NOCHAIN);
    assert_int_equal(env.r[0], 2);
    assert_int_equal(env.r[1], 10);
    assert_true(tcg_x86_64_unchain(a, 0));
    assert_int_equal(X86->exec(a, &env, NULL), TCG_EXIT_SLOT0);
    assert_int_equal(env.r[0], 3);
    assert_int_equal(env.r[1], 10);
    X86->free(a);
    X86->free(b);
    tcg_context_free(sa);
    tcg_context_free(sb);
}

/* ------------------------------------------------------------ loop form */

/* A hart as the exec loop has it: BbCpu, then the guest registers. */
typedef struct LoopEnv {
    BbCpu cpu;
    uint64_t r[6];
    uint64_t pc;
    uint64_t other;           /* not a global */
    uint64_t seen_budget[64]; /* BbCpu.budget at each store callback */
    unsigned stores;
} LoopEnv;

typedef struct LoopGlobals {
    BbTcgGlobals *g;
    BbTcgI64 r[6], pc;
} LoopGlobals;

static const LoopGlobals *loop_globals(void)
{
    static LoopGlobals lg;
    static const char *const rn[] = { "r0", "r1", "r2", "r3", "r4", "r5" };

    if (!lg.g) {
        lg.g = bb_tcg_globals_new();
        for (unsigned i = 0; i < 6; i++) {
            lg.r[i] = bb_tcg_global_i64(lg.g, offsetof(LoopEnv, r[i]), rn[i]);
        }
        lg.pc = bb_tcg_global_i64(lg.g, offsetof(LoopEnv, pc), "pc");
    }
    return &lg;
}

enum { LOOP_PLAIN, LOOP_CALL, LOOP_ENV_STORE, LOOP_STORE, LOOP_OTHER_PC };

#define LOOP_PC 0x1000
#define LOOP_LEN 3 /* guest instructions per iteration */

/*
 * The exec loop's budget prologue, then "r0 += 1 (+ r4 + r5); [guest
 * store of r0 at r2 | a pure call | an env store]; r1 -= 1; r1 != 0 ?
 * goto_tb 1 (pc = LOOP_PC) : goto_tb 0 (pc = next)", the way the RISC-V
 * front-end ends a loop; with LOOP_OTHER_PC the taken branch goes
 * elsewhere.
 */
static BbTcgContext *build_loop(unsigned kind)
{
    const LoopGlobals *g = loop_globals();
    BbTcgContext *s = tcg_context_new(g->g);
    BbTcgI64 budget = bb_tcg_temp_i64(s), left = bb_tcg_temp_i64(s);
    BbTcgI64 limit = bb_tcg_temp_i64(s);
    BbTcgLabel leave = bb_tcg_label(s), back = bb_tcg_label(s);

    s->pc_first = LOOP_PC;
    bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, budget, offsetof(BbCpu, budget));
    bb_tcg_sub_i64(s, left, budget, bb_tcg_const_i64(s, LOOP_LEN));
    bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, left, offsetof(BbCpu, budget));
    bb_tcg_ld_env_i64(s, BB_TCG_OP_LD_I64, limit,
                      offsetof(BbCpu, budget_limit));
    bb_tcg_brcond_i64(s, BB_TCG_COND_LT, left, limit, leave);
    s->budget_ops = tcg_nb_ops(s);
    s->loop_ok = true;
    s->entry_exit = true;
    bb_tcg_insn_start(s, LOOP_PC, 0);
    bb_tcg_add_i64(s, g->r[0], g->r[0], bb_tcg_const_i64(s, 1));
    bb_tcg_add_i64(s, g->r[3], g->r[4], g->r[5]);
    bb_tcg_add_i64(s, g->r[4], g->r[5], g->r[3]);
    if (kind == LOOP_CALL) {
        bb_tcg_call(s, &helper_llabs, g->r[5].id, &g->r[5].id);
    } else if (kind == LOOP_ENV_STORE) {
        bb_tcg_st_env_i64(s, BB_TCG_OP_ST_I64, g->r[0],
                          offsetof(LoopEnv, other));
    } else if (kind == LOOP_STORE) {
        bb_tcg_qemu_st_i64(s, g->r[0], g->r[2], 0, BB_MO_64);
        bb_tcg_add_i64(s, g->r[2], g->r[2], bb_tcg_const_i64(s, 8));
    }
    bb_tcg_insn_start(s, LOOP_PC + 4, 0);
    bb_tcg_sub_i64(s, g->r[1], g->r[1], bb_tcg_const_i64(s, 1));
    bb_tcg_insn_start(s, LOOP_PC + 8, 0);
    bb_tcg_brcond_i64(s, BB_TCG_COND_NE, g->r[1], bb_tcg_const_i64(s, 0),
                      back);
    bb_tcg_goto_tb(s, 0);
    bb_tcg_mov_i64(s, g->pc, bb_tcg_const_i64(s, LOOP_PC + 12));
    bb_tcg_exit_tb(s, 0);
    bb_tcg_set_label(s, back);
    bb_tcg_goto_tb(s, 1);
    bb_tcg_mov_i64(s, g->pc, bb_tcg_const_i64(s, kind == LOOP_OTHER_PC
                                                     ? LOOP_PC + 0x40
                                                     : LOOP_PC));
    bb_tcg_exit_tb(s, 1);
    bb_tcg_set_label(s, leave);
    bb_tcg_exit_tb(s, TCG_EXIT_ENTRY);
    tp_assert_valid(s);
    return s;
}

static void loop_store(void *opaque, uint64_t addr, uint64_t value,
                       BbMemOp mop, unsigned mmu_idx)
{
    LoopEnv *e = opaque;

    /* the cold path stored the pinned budget and registers first */
    assert_int_equal(addr, 0x100 + 8 * e->stores);
    assert_int_equal(value, e->r[0]);
    if (e->stores < 64) {
        e->seen_budget[e->stores] = (uint64_t)e->cpu.budget;
    }
    e->stores++;
}

static uint64_t loop_load(void *opaque, uint64_t addr, BbMemOp mop,
                          unsigned mmu_idx)
{
    return 0;
}

static void test_self_loop_form(void **state)
{
    static const unsigned not_loops[] = {
        LOOP_CALL, LOOP_ENV_STORE, LOOP_OTHER_PC,
    };
    BbTcgContext *s = build_loop(LOOP_PLAIN);
    LoopEnv *e = g_new0(LoopEnv, 1);
    TcgCode *code = compile_ok(X86, s);
    g_autoptr(GString) dump = g_string_new(NULL);

    assert_true(tcg_x86_64_code_is_loop(code));
    tcg_x86_64_dump(code, dump);
    assert_contains(dump->str, "-- loop head");
    assert_contains(dump->str, "-- goto_tb 1 back edge");

    /* Unchained: one iteration, out through exit 1 with pc set. */
    e->cpu.budget = 1000;
    e->r[1] = 10;
    e->r[4] = 1;
    e->r[5] = 2;
    assert_int_equal(X86->exec(code, e, NULL), TCG_EXIT_SLOT1);
    assert_int_equal(e->r[0], 1);
    assert_int_equal(e->r[1], 9);
    assert_int_equal(e->pc, LOOP_PC);
    assert_int_equal(e->cpu.budget, 1000 - LOOP_LEN);

    /* Chained to itself: the back edge; every register and the budget
     * are in env when the loop ends through exit 0. */
    assert_true(tcg_x86_64_chain(code, 1, code));
    e->pc = 0;
    assert_int_equal(X86->exec(code, e, NULL), TCG_EXIT_SLOT0);
    assert_int_equal(e->r[0], 10);
    assert_int_equal(e->r[1], 0);
    assert_int_equal(e->pc, LOOP_PC + 12);
    assert_int_equal(e->cpu.budget, 1000 - 10 * LOOP_LEN);
    {
        uint64_t a = 1, b = 2, c = 0;

        for (int i = 0; i < 10; i++) {
            c = a + b;
            a = b + c;
        }
        assert_int_equal(e->r[3], c);
        assert_int_equal(e->r[4], a);
    }

    /* The budget runs out at the loop head: 7 iterations of 3 fit in 22,
     * the 8th takes it below 0 and leaves at entry, not having run. */
    e->r[1] = 100;
    e->cpu.budget = 22;
    e->pc = 0;
    assert_int_equal(X86->exec(code, e, NULL), TCG_EXIT_ENTRY);
    assert_int_equal(e->r[0], 17);
    assert_int_equal(e->r[1], 93);
    assert_int_equal(e->cpu.budget, 22 - 8 * LOOP_LEN);
    assert_int_equal(e->pc, 0);

    /* A kick (the stop) leaves at the first loop head. */
    e->cpu.budget = 1000;
    e->cpu.budget_limit = INT64_MAX;
    assert_int_equal(X86->exec(code, e, NULL), TCG_EXIT_ENTRY);
    assert_int_equal(e->r[0], 17);
    assert_int_equal(e->r[1], 93);
    e->cpu.budget_limit = 0;

    /* Unchained again: one iteration per run. */
    assert_true(tcg_x86_64_unchain(code, 1));
    assert_int_equal(X86->exec(code, e, NULL), TCG_EXIT_SLOT1);
    assert_int_equal(e->r[1], 92);
    X86->free(code);
    tcg_context_free(s);

    /* A guest store in the loop: its slow path (no TLB here) sees the
     * budget and the registers of the iteration in env. */
    s = build_loop(LOOP_STORE);
    code = compile_ok(X86, s);
    assert_true(tcg_x86_64_code_is_loop(code));
    assert_true(tcg_x86_64_chain(code, 1, code));
    memset(e, 0, sizeof(*e));
    e->cpu.budget = 500;
    e->r[1] = 20;
    e->r[2] = 0x100;
    {
        TcgRuntime rt = { .load = loop_load, .store = loop_store,
                          .opaque = e };

        assert_int_equal(X86->exec(code, e, &rt), TCG_EXIT_SLOT0);
    }
    assert_int_equal(e->stores, 20);
    for (unsigned i = 0; i < 20; i++) {
        assert_int_equal(e->seen_budget[i], 500 - LOOP_LEN * (i + 1));
    }
    assert_int_equal(e->r[2], 0x100 + 8 * 20);
    assert_int_equal(e->cpu.budget, 500 - 20 * LOOP_LEN);
    X86->free(code);
    tcg_context_free(s);

    /* Not a loop: a helper call, an env store besides the prologue's,
     * no goto_tb back to the TB's own pc, or not allowed by the loop. */
    for (unsigned i = 0; i < G_N_ELEMENTS(not_loops); i++) {
        s = build_loop(not_loops[i]);
        code = compile_ok(X86, s);
        assert_false(tcg_x86_64_code_is_loop(code));
        X86->free(code);
        tcg_context_free(s);
    }
    s = build_loop(LOOP_PLAIN);
    s->loop_ok = false;
    code = compile_ok(X86, s);
    assert_false(tcg_x86_64_code_is_loop(code));
    X86->free(code);
    tcg_context_free(s);
    g_free(e);
}

/* ------------------------------------------------------------ features */

static void build_ctpop(BbTcgContext *s, const TpGlobals *g)
{
    for (unsigned i = 0; i < 4; i++) {
        bb_tcg_ctpop_i64(s, g->r[4 + i], g->r[i]);
        bb_tcg_ctpop_i32(s, g->w[4 + i], g->w[i]);
    }
    tp_exit(s);
}

static void test_ctpop_without_popcnt(void **state)
{
    TpEnv init = {
        .r = { 0, UINT64_MAX, 0x8000000000000001ull, 0x123456789abcdef0ull },
        .w = { 0, UINT32_MAX, 0x80000001u, 0x9abcdef0u },
    }, out;
    unsigned old = tcg_x86_64_set_features(0);

    for (int pass = 0; pass < 2; pass++) {
        run_both(build_ctpop, &init, &out, NULL);
        for (unsigned i = 0; i < 4; i++) {
            assert_int_equal(out.r[4 + i], __builtin_popcountll(init.r[i]));
            assert_int_equal(out.w[4 + i], __builtin_popcount(init.w[i]));
        }
        tcg_x86_64_set_features(old);
    }
}

/* ------------------------------------------------------------ limits */

/* More simultaneously live TB-local values than the frame has slots:
 * a compile error, not a crash. */
static void test_too_many_live_temps(void **state)
{
    BbTcgContext *s = tp_context();
    GError *err = NULL;
    BbTcgI64 t[300];
    TcgCode *code;

    for (unsigned i = 0; i < 300; i++) {
        t[i] = bb_tcg_temp_i64(s);
        bb_tcg_add_i64(s, t[i], tp_globals()->r[i % 8], tp_c64(s, i));
    }
    for (unsigned i = 0; i < 300; i++) {
        bb_tcg_add_i64(s, tp_globals()->r[0], tp_globals()->r[0], t[i]);
    }
    tp_exit(s);
    code = X86->compile(s, &err);
    assert_null(code);
    assert_non_null(err);
    assert_contains(err->message, "spill slots");
    g_clear_error(&err);
    tcg_context_free(s);
}

/* With the verifier on, the backend rejects a TB that reads a temp no op
 * wrote before compiling it. */
static void test_verifies_when_enabled(void **state)
{
    BbTcgContext *s = tp_context();
    GError *err = NULL;
    BbTcgI64 t = bb_tcg_temp_i64(s);
    bool was = tcg_verify_enabled();

    tcg_verify_set_enabled(true);
    bb_tcg_add_i64(s, tp_globals()->r[0], tp_globals()->r[0], t);
    tp_exit(s);
    assert_null(X86->compile(s, &err));
    assert_error(err, TCG_ERROR, BB_ERROR_INVALID);
    g_clear_error(&err);
    tcg_context_free(s);
    tcg_verify_set_enabled(was);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_register_pressure),
        cmocka_unit_test(test_globals_in_registers),
        cmocka_unit_test(test_helper_flags),
        cmocka_unit_test(test_branch_merge),
        cmocka_unit_test(test_loop_at_start),
        cmocka_unit_test(test_stack_alignment),
        cmocka_unit_test(test_call_targets),
        cmocka_unit_test(test_no_runtime),
        cmocka_unit_test(test_wx),
        cmocka_unit_test(test_buffer_full),
        cmocka_unit_test(test_insn_markers_and_dump),
        cmocka_unit_test(test_insn_markers_packed),
        cmocka_unit_test(test_goto_tb_chaining),
        cmocka_unit_test(test_self_loop_form),
        cmocka_unit_test(test_ctpop_without_popcnt),
        cmocka_unit_test(test_too_many_live_temps),
        cmocka_unit_test(test_verifies_when_enabled),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
