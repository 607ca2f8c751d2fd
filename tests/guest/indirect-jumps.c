/*
 * indirect-jumps.c - indirect jumps and returns, which the JIT resolves
 * inside generated code (a jump-cache probe, docs/jit.md "Indirect
 * jumps"), checked against the same work done with direct calls: calls
 * through a table of functions on eight different pages, mutual
 * recursion between two pages (returns across pages), a dense switch
 * (a jump table), the same calls from S-mode (other TB flags), an FP
 * instruction that dirties mstatus.FS just before an indirect call (the
 * flags change inside the TB), and calls into a RAM stub spanning two
 * pages that is rewritten between calls (stale code must never run).
 * Runs on both backends, deterministic and normal (chained) mode.
 */
#include "guest.h"

#define PAGE_FN __attribute__((noinline, aligned(4096)))

typedef long (*fn_t)(long);

static PAGE_FN long f0(long x) { return x * 3 + 1; }
static PAGE_FN long f1(long x) { return x ^ 0x5a5a; }
static PAGE_FN long f2(long x) { return x + 77; }
static PAGE_FN long f3(long x) { return (x << 2) - x; }
static PAGE_FN long f4(long x) { return x - 12345; }
static PAGE_FN long f5(long x) { return ~x; }
static PAGE_FN long f6(long x) { return x * 7 - 3; }
static PAGE_FN long f7(long x) { return (x >> 1) + 9; }

static fn_t volatile table[8] = { f0, f1, f2, f3, f4, f5, f6, f7 };

/* The same functions called directly (jal), the reference. */
static long direct(unsigned i, long x)
{
    switch (i) {
    case 0: return f0(x);
    case 1: return f1(x);
    case 2: return f2(x);
    case 3: return f3(x);
    case 4: return f4(x);
    case 5: return f5(x);
    case 6: return f6(x);
    default: return f7(x);
    }
}

/* Index sequence: a small LCG, so the targets change at every call. */
static long through_table(long n)
{
    uint64_t seed = 12345;
    long acc = 1;

    for (long k = 0; k < n; k++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        acc = table[seed >> 61](acc) & 0xffffffffff;
    }
    return acc;
}

static long through_direct(long n)
{
    uint64_t seed = 12345;
    long acc = 1;

    for (long k = 0; k < n; k++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        acc = direct((unsigned)(seed >> 61), acc) & 0xffffffffff;
    }
    return acc;
}

/* Fibonacci by mutual recursion across two pages: every return is a
 * jalr to the other page (or the same one). */
static PAGE_FN long rec_b(long n);
static PAGE_FN long rec_a(long n)
{
    return n < 2 ? n : rec_b(n - 1) + rec_a(n - 2);
}
static PAGE_FN long rec_b(long n)
{
    return n < 2 ? n : rec_a(n - 1) + rec_b(n - 2);
}

static long fib_iter(long n)
{
    long a = 0, b = 1;

    for (long i = 0; i < n; i++) {
        long t = a + b;
        a = b;
        b = t;
    }
    return a;
}

/* A bytecode machine with a dense switch: GCC dispatches through a jump
 * table (jr). */
static uint64_t vm_run(const uint8_t *code, unsigned len, unsigned rounds)
{
    uint64_t r = 1;

    for (unsigned k = 0; k < rounds; k++) {
        for (unsigned pc = 0; pc < len; pc++) {
            switch (code[pc]) {
            case 0: r += 3; break;
            case 1: r ^= r >> 7; break;
            case 2: r *= 5; break;
            case 3: r -= 11; break;
            case 4: r = (r << 3) | (r >> 61); break;
            case 5: r += pc; break;
            case 6: r ^= 0xdeadbeef; break;
            case 7: r = ~r; break;
            case 8: r += k; break;
            default: r++; break;
            }
        }
    }
    return r;
}

/* The same program as straight-line if/else (no jump table). */
static uint64_t vm_ref(const uint8_t *code, unsigned len, unsigned rounds)
{
    uint64_t r = 1;

    for (unsigned k = 0; k < rounds; k++) {
        for (unsigned pc = 0; pc < len; pc++) {
            unsigned c = code[pc];
            if (c == 0) r += 3;
            else if (c == 1) r ^= r >> 7;
            else if (c == 2) r *= 5;
            else if (c == 3) r -= 11;
            else if (c == 4) r = (r << 3) | (r >> 61);
            else if (c == 5) r += pc;
            else if (c == 6) r ^= 0xdeadbeef;
            else if (c == 7) r = ~r;
            else if (c == 8) r += k;
            else r++;
            __asm__ volatile("" : "+r"(r)); /* keep it a chain of ifs */
        }
    }
    return r;
}

/* FS set to clean, then an FP add and an indirect call in one TB: the
 * flags at the jump differ from the TB's. */
static PAGE_FN long fp_then_call(fn_t f, long x)
{
    double d = (double)x;

    __asm__ volatile("fadd.d %0, %0, %0" : "+f"(d));
    return f((long)d);
}

static long fs_changes(long n)
{
    long acc = 0;

    for (long k = 0; k < n; k++) {
        /* mstatus.FS = clean (2) */
        __asm__ volatile("li t0, 0x6000\n csrc mstatus, t0\n"
                         "li t0, 0x4000\n csrs mstatus, t0" ::: "t0");
        acc += fp_then_call(table[k & 7], k);
    }
    return acc;
}

/* A stub spanning two pages in RAM: three addi a0 on the first page's
 * last two words and the second page's first, then ret (two TBs).  The
 * first or the third addi is rewritten before every call. */
static uint32_t stub_area[2048] __attribute__((aligned(4096)));

static uint32_t addi_a0(int imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | 10u << 15 | 10u << 7 | 0x13;
}

static long smc_calls(long n)
{
    uint32_t *stub = &stub_area[1024 - 2];
    fn_t f = (fn_t)(uintptr_t)stub;
    long acc = 0, expect = 0;

    stub[0] = addi_a0(1);
    stub[1] = addi_a0(2);
    stub[2] = addi_a0(0);
    stub[3] = 0x00008067; /* ret */
    for (long k = 0; k < n; k++) {
        int imm = (int)(k % 1000) - 500;

        /* the first page (the TB the call jumps to) or the second (the
         * TB chained after it) */
        stub[(k & 1) * 2] = addi_a0(imm);
        stub[2 - (k & 1) * 2] = addi_a0(k & 1 ? 1 : 0);
        __asm__ volatile("fence.i" ::: "memory");
        /* several calls, so the stub's TB is in the jump cache */
        for (int j = 0; j < 3; j++) {
            acc += f(k);
            expect += k + imm + 2 + (k & 1);
        }
    }
    return acc == expect;
}

static long s_mode_table(long n)
{
    return through_table(n);
}

int main(void)
{
    static const uint8_t code[] = { 0, 2, 1, 4, 3, 5, 6, 2, 7, 8, 1,
                                    9, 0, 4, 6, 5, 3, 2, 8, 7 };
    long ref = through_direct(20000);

    test_case("function table", 0);
    CHECK_EQ(through_table(20000), ref);
    test_case("function table from S-mode", 0);
    CHECK_EQ(enter_mode(PRV_S, s_mode_table, 20000), ref);
    test_case("mutual recursion across pages", 0);
    CHECK_EQ(rec_a(20), fib_iter(20));
    test_case("switch jump table", 0);
    CHECK_EQ(vm_run(code, sizeof(code), 2000),
             vm_ref(code, sizeof(code), 2000));
    test_case("FS dirtied before the jump", 0);
    {
        long acc = 0;
        for (long k = 0; k < 300; k++) {
            acc += direct((unsigned)(k & 7), 2 * k);
        }
        CHECK_EQ(fs_changes(300), acc);
    }
    test_case("rewritten stub across a page boundary", 0);
    CHECK_EQ(smc_calls(400), 1);
    return 0;
}
