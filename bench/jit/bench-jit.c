/*
 * bench-jit.c - a microbenchmark of the JIT backends: one translation
 * block holding a whole loop (an xor-shift generator whose outputs are
 * summed and xor-folded, with a rotate, a multiply and a conditional move
 * per iteration, closed by a brcond back edge) is optimized, compiled and
 * run on every available backend (the interpreter, plus x86-64 when
 * BB_HAVE_X86_64_BACKEND is defined); the program prints each backend's
 * compile and run time, its speed relative to the interpreter, and checks
 * that all backends and a plain C loop agree on the results.  A second
 * loop does one guest load and one guest store per iteration over 64 KiB
 * of guest RAM, run with a TLB that maps it (the softmmu fast path: x86-64
 * inline hit code, the interpreter's C test) and without one (every
 * access calls the runtime's load/store callbacks).
 *
 * Usage: bench-jit [iterations]   (default 10,000,000)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <breadboard/tcg.h>

#include "tcg/softmmu.h"
#include "tcg/tcg-internal.h"

typedef struct BenchEnv {
    uint64_t n;     /* iterations */
    uint64_t sum;   /* results */
    uint64_t fold;
    uint64_t x;
} BenchEnv;

static const TcgBackend *const backends[] = {
    &tcg_backend_interp,
#ifdef BB_HAVE_X86_64_BACKEND
    &tcg_backend_x86_64,
#endif
};

typedef struct BenchGlobals {
    BbTcgGlobals *g;
    BbTcgI64 n, sum, fold, x;
} BenchGlobals;

static void build_loop(BbTcgContext *s, const BenchGlobals *bg)
{
    BbTcgI64 i = bb_tcg_temp_i64(s), x = bb_tcg_temp_i64(s);
    BbTcgI64 t = bb_tcg_temp_i64(s), sum = bb_tcg_temp_i64(s);
    BbTcgI64 fold = bb_tcg_temp_i64(s);
    BbTcgLabel loop = bb_tcg_label(s), done = bb_tcg_label(s);

    bb_tcg_insn_start(s, 0x1000, 0);
    bb_tcg_mov_i64(s, i, bb_tcg_const_i64(s, 0));
    bb_tcg_mov_i64(s, x, bb_tcg_const_i64(s, 88172645463325252ll));
    bb_tcg_mov_i64(s, sum, bb_tcg_const_i64(s, 0));
    bb_tcg_mov_i64(s, fold, bb_tcg_const_i64(s, 0));
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, bg->n, bb_tcg_const_i64(s, 0), done);
    bb_tcg_set_label(s, loop);
    bb_tcg_shl_i64(s, t, x, bb_tcg_const_i64(s, 13));
    bb_tcg_xor_i64(s, x, x, t);
    bb_tcg_shr_i64(s, t, x, bb_tcg_const_i64(s, 7));
    bb_tcg_xor_i64(s, x, x, t);
    bb_tcg_shl_i64(s, t, x, bb_tcg_const_i64(s, 17));
    bb_tcg_xor_i64(s, x, x, t);
    bb_tcg_add_i64(s, sum, sum, x);
    bb_tcg_rotl_i64(s, fold, fold, bb_tcg_const_i64(s, 5));
    bb_tcg_mul_i64(s, t, x, bb_tcg_const_i64(s, 0x9e3779b97f4a7c15ll));
    bb_tcg_movcond_i64(s, BB_TCG_COND_LT, t, t, bb_tcg_const_i64(s, 0), x, t);
    bb_tcg_xor_i64(s, fold, fold, t);
    bb_tcg_add_i64(s, i, i, bb_tcg_const_i64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_LTU, i, bg->n, loop);
    bb_tcg_set_label(s, done);
    bb_tcg_mov_i64(s, bg->sum, sum);
    bb_tcg_mov_i64(s, bg->fold, fold);
    bb_tcg_mov_i64(s, bg->x, x);
    bb_tcg_exit_tb(s, TCG_EXIT_NOCHAIN);
}

/* The same loop in C, for the expected results and a native baseline. */
static void native_loop(BenchEnv *e)
{
    uint64_t x = 88172645463325252ull, sum = 0, fold = 0;

    for (uint64_t i = 0; i < e->n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += x;
        fold = (fold << 5) | (fold >> 59);
        uint64_t t = x * 0x9e3779b97f4a7c15ull;
        fold ^= (int64_t)t < 0 ? x : t;
    }
    e->sum = sum;
    e->fold = fold;
    e->x = x;
}

static double now(void)
{
    return (double)g_get_monotonic_time() / 1e6;
}

/* ------------------------------------------------------------ memory */

#define MEM_VBASE 0x80000000ull /* guest virtual address of the buffer */
#define MEM_SIZE 0x10000u       /* 16 pages */

/* for i < n: a = MEM_VBASE + (i * 8 & (MEM_SIZE - 8)); x += ld64 [a];
 *            st64 [a] = x ^ i */
static void build_mem_loop(BbTcgContext *s, const BenchGlobals *bg)
{
    BbTcgI64 i = bb_tcg_temp_i64(s), x = bb_tcg_temp_i64(s);
    BbTcgI64 a = bb_tcg_temp_i64(s), t = bb_tcg_temp_i64(s);
    BbTcgLabel loop = bb_tcg_label(s), done = bb_tcg_label(s);

    bb_tcg_insn_start(s, 0x2000, 0);
    bb_tcg_mov_i64(s, i, bb_tcg_const_i64(s, 0));
    bb_tcg_mov_i64(s, x, bb_tcg_const_i64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_EQ, bg->n, bb_tcg_const_i64(s, 0), done);
    bb_tcg_set_label(s, loop);
    bb_tcg_shl_i64(s, a, i, bb_tcg_const_i64(s, 3));
    bb_tcg_and_i64(s, a, a, bb_tcg_const_i64(s, MEM_SIZE - 8));
    bb_tcg_add_i64(s, a, a, bb_tcg_const_i64(s, (int64_t)MEM_VBASE));
    bb_tcg_qemu_ld_i64(s, t, a, 0, BB_MO_UQ);
    bb_tcg_add_i64(s, x, x, t);
    bb_tcg_xor_i64(s, t, x, i);
    bb_tcg_qemu_st_i64(s, t, a, 0, BB_MO_UQ);
    bb_tcg_add_i64(s, i, i, bb_tcg_const_i64(s, 1));
    bb_tcg_brcond_i64(s, BB_TCG_COND_LTU, i, bg->n, loop);
    bb_tcg_set_label(s, done);
    bb_tcg_mov_i64(s, bg->x, x);
    bb_tcg_exit_tb(s, TCG_EXIT_NOCHAIN);
}

static uint64_t mem_native(uint64_t n, uint8_t *buf)
{
    uint64_t x = 1;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t *p = (uint64_t *)(buf + (i * 8 & (MEM_SIZE - 8)));

        x += *p;
        *p = x ^ i;
    }
    return x;
}

/* The callbacks of a runtime without a TLB (the slow path's cost floor:
 * a call, no translation). */
static uint64_t mem_cb_load(void *opaque, uint64_t addr, BbMemOp mop,
                            unsigned mmu_idx)
{
    uint64_t v;

    memcpy(&v, (uint8_t *)opaque + (addr - MEM_VBASE), 8);
    return v;
}

static void mem_cb_store(void *opaque, uint64_t addr, uint64_t value,
                         BbMemOp mop, unsigned mmu_idx)
{
    memcpy((uint8_t *)opaque + (addr - MEM_VBASE), &value, 8);
}

static int bench_memory(const BenchGlobals *bg, uint64_t n)
{
    uint8_t *buf = g_malloc0(MEM_SIZE), *ref = g_malloc0(MEM_SIZE);
    TlbTable *tlb = tlb_table_new(TLB_BITS);
    uint64_t want;
    double t0, t_native;
    int status = 0;

    for (unsigned p = 0; p < MEM_SIZE; p += TLB_PAGE_SIZE) {
        tlb_entry_set_ram(tlb, 0, MEM_VBASE + p, buf + p, true);
    }
    t0 = now();
    want = mem_native(n, ref);
    t_native = now() - t0;
    printf("\nmemory loop: one 8-byte load and store per iteration\n");
    printf("%-8s %-10s %9s %12s\n", "backend", "memory", "run", "ns/iter");
    printf("%-8s %-10s %8.3fs %12.2f\n", "C", "-", t_native,
           t_native * 1e9 / (double)(n ? n : 1));
    for (unsigned b = 0; b < G_N_ELEMENTS(backends); b++) {
        for (int use_tlb = 1; use_tlb >= 0; use_tlb--) {
            BbTcgContext *s = tcg_context_new(bg->g);
            TcgRuntime rt = { mem_cb_load, mem_cb_store, buf,
                              use_tlb ? tlb : NULL };
            BenchEnv env = { .n = n };
            GError *err = NULL;
            TcgCode *code;
            double t_run;

            build_mem_loop(s, bg);
            tcg_optimize(s);
            code = backends[b]->compile(s, &err);
            if (!code) {
                fprintf(stderr, "%s: %s\n", backends[b]->name, err->message);
                g_error_free(err);
                tcg_context_free(s);
                status = 1;
                continue;
            }
            memset(buf, 0, MEM_SIZE);
            t0 = now();
            backends[b]->exec(code, &env, &rt);
            t_run = now() - t0;
            printf("%-8s %-10s %8.3fs %12.2f\n", backends[b]->name,
                   use_tlb ? "TLB hits" : "callbacks", t_run,
                   t_run * 1e9 / (double)(n ? n : 1));
            if (env.x != want || memcmp(buf, ref, MEM_SIZE) != 0) {
                fprintf(stderr, "%s: wrong memory loop result\n",
                        backends[b]->name);
                status = 1;
            }
            backends[b]->free(code);
            tcg_context_free(s);
        }
    }
    tlb_table_release(tlb);
    g_free(buf);
    g_free(ref);
    return status;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000;
    BenchGlobals bg = { .g = bb_tcg_globals_new() };
    BenchEnv want = { .n = n };
    double t0, t_native, t_interp = 0;
    int status = 0;

    bg.n = bb_tcg_global_i64(bg.g, offsetof(BenchEnv, n), "n");
    bg.sum = bb_tcg_global_i64(bg.g, offsetof(BenchEnv, sum), "sum");
    bg.fold = bb_tcg_global_i64(bg.g, offsetof(BenchEnv, fold), "fold");
    bg.x = bb_tcg_global_i64(bg.g, offsetof(BenchEnv, x), "x");

    t0 = now();
    native_loop(&want);
    t_native = now() - t0;
    printf("%" PRIu64 " iterations, 13 IR ops per iteration\n", n);
    printf("%-8s %10s %10s %12s %10s\n", "backend", "compile", "run",
           "ns/iter", "vs interp");
    printf("%-8s %10s %9.3fs %12.2f %10s\n", "C", "-", t_native,
           t_native * 1e9 / (double)(n ? n : 1), "");

    for (unsigned b = 0; b < G_N_ELEMENTS(backends); b++) {
        BbTcgContext *s = tcg_context_new(bg.g);
        BenchEnv env = { .n = n };
        GError *err = NULL;
        TcgCode *code;
        double t_compile, t_run;

        t0 = now();
        build_loop(s, &bg);
        tcg_optimize(s);
        code = backends[b]->compile(s, &err);
        t_compile = now() - t0;
        if (!code) {
            fprintf(stderr, "%s: %s\n", backends[b]->name, err->message);
            g_error_free(err);
            tcg_context_free(s);
            status = 1;
            continue;
        }
        t0 = now();
        backends[b]->exec(code, &env, NULL);
        t_run = now() - t0;
        if (b == 0) {
            t_interp = t_run;
        }
        printf("%-8s %9.1fus %9.3fs %12.2f %9.1fx\n", backends[b]->name,
               t_compile * 1e6, t_run, t_run * 1e9 / (double)(n ? n : 1),
               t_run > 0 ? t_interp / t_run : 0);
        if (env.sum != want.sum || env.fold != want.fold || env.x != want.x) {
            fprintf(stderr, "%s: wrong result\n", backends[b]->name);
            status = 1;
        }
        backends[b]->free(code);
        tcg_context_free(s);
    }
    status |= bench_memory(&bg, n);
    bb_tcg_globals_free(bg.g);
    return status;
}
