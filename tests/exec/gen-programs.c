/*
 * gen-programs.c - assembles the execution tests' guest programs for the
 * toy ISA (tests/plugins/toycpu/toy-isa.h) and writes each as a raw
 * image NAME.bin, plus NAME.expect holding the exit status the run must
 * end with.  Usage: gen-programs OUTDIR.  No external toolchain: a
 * two-pass assembler in a few functions (labels are resolved at the end),
 * and where a program computes something, a C model here computes the
 * expected value the program checks against.
 *
 * Board addresses (tests/exec/toy-board.yaml): RAM at 0x8000_0000 (the
 * program is loaded there and starts at its first word), test-finisher
 * at 0x10_0000 (0x5555: pass; code << 16 | 0x3333: exit code), console
 * at 0x10_1000, timer at 0x10_2000 (write ns to arm, write offset 4 to
 * acknowledge), nothing at 0x4000_0000.  Register use: r13 finisher,
 * r12 console, r11 timer, r15 link, r14 scratch of the checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../plugins/toycpu/toy-isa.h"

#define RAM_BASE 0x80000000u
#define UNMAPPED 0x40000000u
#define MAX_WORDS 4096
#define MAX_LABELS 256

enum { FIX_REL, FIX_ABS };

typedef struct Asm {
    uint32_t w[MAX_WORDS];
    unsigned n;
    int label[MAX_LABELS];
    unsigned nlabels;
    struct { unsigned at; unsigned lab; int kind; } fix[1024];
    unsigned nfix;
} Asm;

static Asm A;
static const char *outdir;

static void emit(uint32_t w)
{
    if (A.n >= MAX_WORDS) {
        fprintf(stderr, "gen-programs: program too long\n");
        exit(1);
    }
    A.w[A.n++] = w;
}

static unsigned newlabel(void) { A.label[A.nlabels] = -1; return A.nlabels++; }
static void L(unsigned l) { A.label[l] = (int)A.n; }

static void I(unsigned op, unsigned a, unsigned b, int32_t imm)
{
    emit(toy_enc_i(op, a, b, imm));
}
static void R(unsigned op, unsigned d, unsigned s1, unsigned s2)
{
    emit(toy_enc(op, d, s1, s2));
}
static void fixup(unsigned lab, int kind)
{
    A.fix[A.nfix].at = A.n;
    A.fix[A.nfix].lab = lab;
    A.fix[A.nfix++].kind = kind;
}
static void B(unsigned op, unsigned a, unsigned b, unsigned lab)
{
    fixup(lab, FIX_REL);
    I(op, a, b, 0);
}
static void JAL(unsigned rd, unsigned lab) { B(TOY_JAL, rd, 0, lab); }
static void CSRR(unsigned rd, unsigned csr) { I(TOY_CSRR, rd, 0, (int32_t)csr); }
static void CSRW(unsigned csr, unsigned rs) { I(TOY_CSRW, 0, rs, (int32_t)csr); }

/* rd = v, in as few instructions as it takes. */
static void li64(unsigned rd, uint64_t v)
{
    if ((int64_t)v >= -32768 && (int64_t)v <= 32767) {
        I(TOY_LI, rd, 0, (int32_t)v);
    } else if (v <= 0xffffffffu) {
        I(TOY_LUI, rd, 0, (int32_t)(v >> 16));
        I(TOY_ORI, rd, rd, (int32_t)(v & 0xffff));
    } else {
        I(TOY_LUI, rd, 0, (int32_t)(v >> 48));
        I(TOY_ORI, rd, rd, (int32_t)((v >> 32) & 0xffff));
        I(TOY_SLLI, rd, rd, 16);
        I(TOY_ORI, rd, rd, (int32_t)((v >> 16) & 0xffff));
        I(TOY_SLLI, rd, rd, 16);
        I(TOY_ORI, rd, rd, (int32_t)(v & 0xffff));
    }
}

/* rd = the address of label @lab (resolved at the end). */
static void la(unsigned rd, unsigned lab)
{
    fixup(lab, FIX_ABS);
    I(TOY_LUI, rd, 0, 0);
    I(TOY_ORI, rd, rd, 0);
}

static void prologue(void)
{
    li64(13, 0x100000);
    li64(12, 0x101000);
    li64(11, 0x102000);
}

static void halt_here(void)
{
    unsigned l = newlabel();
    L(l);
    B(TOY_BEQ, 0, 0, l);
}

static void pass(void)
{
    li64(14, 0x5555);
    I(TOY_SW, 14, 13, 0);
    halt_here();
}

static void fail(unsigned code)
{
    li64(14, (uint64_t)code << 16 | 0x3333);
    I(TOY_SW, 14, 13, 0);
    halt_here();
}

/* Exit with code (reg & 0xff). */
static void exit_reg(unsigned reg)
{
    li64(14, 0xff);
    R(TOY_AND, 14, reg, 14);
    I(TOY_SLLI, 14, 14, 16);
    I(TOY_ORI, 14, 14, 0x3333);
    I(TOY_SW, 14, 13, 0);
    halt_here();
}

/* Unless reg == v, exit with @code. */
static void expect_eq(unsigned reg, uint64_t v, unsigned code)
{
    unsigned ok = newlabel();
    li64(14, v);
    B(TOY_BEQ, reg, 14, ok);
    fail(code);
    L(ok);
}

/* Unless reg == other, exit with @code. */
static void expect_reg(unsigned reg, unsigned other, unsigned code)
{
    unsigned ok = newlabel();
    B(TOY_BEQ, reg, other, ok);
    fail(code);
    L(ok);
}

static void putc_(char c)
{
    li64(14, (uint8_t)c);
    I(TOY_SB, 14, 12, 0);
}

static void puts_(const char *s)
{
    while (*s) {
        putc_(*s++);
    }
}

/* The subroutine puthex: prints r1 as 16 hex digits; uses r2-r4, returns
 * through r15. */
static void emit_puthex(unsigned entry)
{
    unsigned loop = newlabel(), digit = newlabel();
    L(entry);
    li64(2, 60);
    L(loop);
    R(TOY_SHR, 3, 1, 2);
    li64(4, 15);
    R(TOY_AND, 3, 3, 4);
    li64(4, 10);
    B(TOY_BLT, 3, 4, digit);
    I(TOY_ADDI, 3, 3, 'a' - 10 - '0');
    L(digit);
    I(TOY_ADDI, 3, 3, '0');
    I(TOY_SB, 3, 12, 0);
    I(TOY_ADDI, 2, 2, -4);
    li64(4, -4);
    B(TOY_BNE, 2, 4, loop);
    I(TOY_JALR, 0, 15, 0);
}

static void finish(const char *name, int expect)
{
    char path[4096];
    FILE *f;

    for (unsigned i = 0; i < A.nfix; i++) {
        unsigned at = A.fix[i].at;
        int target = A.label[A.fix[i].lab];
        if (target < 0) {
            fprintf(stderr, "gen-programs: %s: unplaced label\n", name);
            exit(1);
        }
        if (A.fix[i].kind == FIX_REL) {
            A.w[at] = (A.w[at] & 0xffff) |
                      ((uint32_t)(target - (int)at) & 0xffff) << 16;
        } else {
            uint32_t addr = RAM_BASE + 4u * (unsigned)target;
            A.w[at] = (A.w[at] & 0xffff) | (addr >> 16) << 16;
            A.w[at + 1] = (A.w[at + 1] & 0xffff) | (addr & 0xffff) << 16;
        }
    }
    snprintf(path, sizeof(path), "%s/%s.bin", outdir, name);
    f = fopen(path, "wb");
    for (unsigned i = 0; f && i < A.n; i++) {
        uint8_t b[4] = { (uint8_t)A.w[i], (uint8_t)(A.w[i] >> 8),
                         (uint8_t)(A.w[i] >> 16), (uint8_t)(A.w[i] >> 24) };
        fwrite(b, 1, 4, f);
    }
    if (!f || fclose(f)) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s.expect", outdir, name);
    f = fopen(path, "w");
    if (!f || fprintf(f, "%d\n", expect) < 0 || fclose(f)) {
        perror(path);
        exit(1);
    }
    memset(&A, 0, sizeof(A));
}

/* ----------------------------------------------------------- programs */

/* A checksum loop over every ALU op; exits with checksum & 0xff after
 * checking all 64 bits and the IR's total division semantics. */
static void gen_arith(void)
{
    uint64_t acc = 0;
    unsigned loop = newlabel();

    for (uint64_t i = 1; i <= 200; i++) {
        acc = acc * 31 + i;
        acc ^= i << 7;
        acc += (uint64_t)((int64_t)acc % 7);
        acc -= acc / 13;
        acc ^= (uint64_t)((int64_t)acc >> 3);
        acc += (uint64_t)((int64_t)acc / -5);
        acc = (acc & 0xfffffffffff0ull) | (acc >> 60) | ((acc & 3) << 62);
        acc |= i;
        acc -= (uint64_t)((int64_t)acc / 3 < 0) + (acc < i);
    }
    if ((acc & 0xff) < 2) {
        fprintf(stderr, "gen-programs: arith checksum low byte %u is an "
                        "ambiguous exit code; change the model\n",
                (unsigned)(acc & 0xff));
        exit(1);
    }
    prologue();
    li64(1, 0);                  /* acc */
    li64(2, 1);                  /* i */
    li64(3, 200);
    li64(4, 31);
    L(loop);
    R(TOY_MUL, 1, 1, 4);
    R(TOY_ADD, 1, 1, 2);
    I(TOY_SLLI, 5, 2, 7);
    R(TOY_XOR, 1, 1, 5);
    li64(6, 7);
    R(TOY_REM, 5, 1, 6);
    R(TOY_ADD, 1, 1, 5);
    li64(6, 13);
    R(TOY_DIVU, 5, 1, 6);
    R(TOY_SUB, 1, 1, 5);
    li64(6, 3);
    R(TOY_SAR, 5, 1, 6);
    R(TOY_XOR, 1, 1, 5);
    li64(6, -5);
    R(TOY_DIV, 5, 1, 6);
    R(TOY_ADD, 1, 1, 5);
    li64(6, 0xfffffffffff0ull);
    R(TOY_AND, 5, 1, 6);         /* acc & mask */
    li64(6, 60);
    R(TOY_SHR, 7, 1, 6);
    R(TOY_OR, 5, 5, 7);
    li64(6, 3);
    R(TOY_AND, 7, 1, 6);
    li64(6, 62);
    R(TOY_SHL, 7, 7, 6);
    R(TOY_OR, 1, 5, 7);
    R(TOY_OR, 1, 1, 2);
    li64(6, 3);
    R(TOY_DIV, 5, 1, 6);
    li64(6, 63);                 /* q < 0: its sign bit */
    R(TOY_SHR, 5, 5, 6);         /* (q < 0) */
    R(TOY_SLTU, 7, 1, 2);        /* (acc < i) */
    R(TOY_ADD, 5, 5, 7);
    R(TOY_SUB, 1, 1, 5);
    I(TOY_ADDI, 2, 2, 1);
    {
        unsigned done = newlabel();
        B(TOY_BLTU, 3, 2, done);     /* 200 < i: done */
        B(TOY_BEQ, 0, 0, loop);
        L(done);
    }
    expect_eq(1, acc, 250);
    /* Total semantics: x/0 = ~0, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0. */
    li64(5, 1234);
    R(TOY_DIV, 6, 5, 0);
    expect_eq(6, ~0ull, 240);
    R(TOY_REM, 6, 5, 0);
    expect_eq(6, 1234, 241);
    R(TOY_DIVU, 6, 5, 0);
    expect_eq(6, ~0ull, 242);
    li64(5, 0x8000000000000000ull);
    li64(7, -1);
    R(TOY_DIV, 6, 5, 7);
    expect_eq(6, 0x8000000000000000ull, 243);
    R(TOY_REM, 6, 5, 7);
    expect_eq(6, 0, 244);
    li64(7, 65);                 /* shift counts modulo 64 */
    R(TOY_SAR, 6, 5, 7);
    expect_eq(6, 0xc000000000000000ull, 245);
    R(TOY_SHR, 6, 5, 7);
    expect_eq(6, 0x4000000000000000ull, 246);
    li64(7, 0);                  /* writes to r0 are dropped */
    I(TOY_ADDI, 0, 5, 1);
    expect_reg(0, 7, 247);
    exit_reg(1);
    finish("arith", (int)(acc & 0xff));
}

/* Loads and stores of every size against a byte model of the data area,
 * aligned, misaligned and across a page boundary. */
static uint8_t mem_model[0x3000];
static unsigned mem_check;

static void m_store(unsigned op, uint64_t off, uint64_t val)
{
    unsigned size = 1u << (op - TOY_SB);
    li64(5, val);
    li64(6, off);
    R(TOY_ADD, 6, 6, 1);
    I(op, 5, 6, 0);
    for (unsigned i = 0; i < size; i++) {
        mem_model[off + i] = (uint8_t)(val >> (8 * i));
    }
}

static void m_load(unsigned op, uint64_t off)
{
    static const unsigned sizes[] = { 1, 2, 4, 8, 1, 2, 4 };
    unsigned size = sizes[op - TOY_LB];
    bool sign = op <= TOY_LD;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)mem_model[off + i] << (8 * i);
    }
    if (sign && size < 8 && (v >> (8 * size - 1)) & 1) {
        v |= ~0ull << (8 * size);
    }
    li64(6, off);
    R(TOY_ADD, 6, 6, 1);
    I(op, 7, 6, 0);
    expect_eq(7, v, 10 + mem_check++);
}

static void gen_mem(void)
{
    memset(mem_model, 0, sizeof(mem_model));
    mem_check = 0;
    prologue();
    li64(1, RAM_BASE + 0x10000);
    m_store(TOY_SD, 0, 0x8877665544332211ull);
    m_store(TOY_SD, 8, 0);
    m_store(TOY_SD, 16, 0);
    for (unsigned op = TOY_LB; op <= TOY_LWU; op++) {
        m_load(op, 0);
        m_load(op, 4);
    }
    m_load(TOY_LB, 7);
    m_load(TOY_LH, 6);
    m_store(TOY_SB, 1, 0xaa);
    m_store(TOY_SH, 2, 0xbbcc);
    m_store(TOY_SW, 4, 0xdeadbeef);
    m_load(TOY_LD, 0);
    m_store(TOY_SD, 9, 0x0102030405f60788ull);   /* misaligned */
    m_load(TOY_LD, 9);
    m_load(TOY_LW, 11);
    m_load(TOY_LH, 13);
    m_load(TOY_LHU, 13);
    m_load(TOY_LB, 13);
    m_load(TOY_LD, 8);
    m_store(TOY_SH, 21, 0x8001);
    m_load(TOY_LW, 19);
    m_store(TOY_SD, 0xffc, 0xfedcba9876543210ull); /* across a page */
    m_load(TOY_LD, 0xffc);
    m_load(TOY_LW, 0xffe);
    m_load(TOY_LWU, 0xffe);
    m_store(TOY_SW, 0x1ffe, 0x80706050);
    m_load(TOY_LH, 0x1ffe);
    m_load(TOY_LW, 0x1ffe);
    li64(7, -2);
    expect_eq(7, 0xfffffffffffffffeull, 9);
    pass();
    finish("mem", 0);
}

/* A vector that checks cause/epc (and tval), counts in r5, resumes at r6
 * (or epc + 4 when r6 is 0), and returns with eret.  Expected values:
 * r8 tval, r9 epc, r10 cause. */
static void emit_checking_handler(unsigned entry, bool check_tval)
{
    unsigned resume = newlabel(), ret = newlabel();
    L(entry);
    CSRR(3, TOY_CSR_CAUSE);
    expect_reg(3, 10, 20);
    CSRR(3, TOY_CSR_EPC);
    expect_reg(3, 9, 21);
    if (check_tval) {
        CSRR(3, TOY_CSR_TVAL);
        expect_reg(3, 8, 22);
    }
    CSRR(3, TOY_CSR_STATUS);     /* IE cleared, PIE holds the old IE */
    expect_eq(3, TOY_STATUS_PIE, 23);
    I(TOY_ADDI, 5, 5, 1);
    B(TOY_BNE, 6, 0, resume);
    CSRR(3, TOY_CSR_EPC);
    I(TOY_ADDI, 3, 3, 4);
    CSRW(TOY_CSR_EPC, 3);
    B(TOY_BEQ, 0, 0, ret);
    L(resume);
    CSRW(TOY_CSR_EPC, 6);
    L(ret);
    I(TOY_ERET, 0, 0, 0);
}

static void set_vector(unsigned handler)
{
    la(1, handler);
    CSRW(TOY_CSR_VECTOR, 1);
}

static void enable_ie(void)
{
    li64(1, TOY_STATUS_IE);
    CSRW(TOY_CSR_STATUS, 1);
}

static void gen_ecall(void)
{
    unsigned handler = newlabel(), e1 = newlabel(), e2 = newlabel();

    prologue();
    set_vector(handler);
    enable_ie();
    li64(5, 0);
    li64(6, 0);
    li64(10, TOY_CAUSE_ECALL);
    la(9, e1);
    L(e1);
    I(TOY_ECALL, 0, 0, 0);
    expect_eq(5, 1, 1);
    la(9, e2);
    L(e2);
    I(TOY_ECALL, 0, 0, 0);
    expect_eq(5, 2, 2);
    CSRR(3, TOY_CSR_STATUS);     /* eret restored IE */
    expect_eq(3, TOY_STATUS_IE | TOY_STATUS_PIE, 3);
    pass();
    emit_checking_handler(handler, false);
    finish("ecall", 0);
}

static void gen_illegal(void)
{
    unsigned handler = newlabel();
    const uint32_t bad[] = { 0x00000000u, 0x123456ffu,
                             toy_enc_i(TOY_CSRW, 0, 1, TOY_CSR_CYCLE),
                             toy_enc_i(TOY_CSRR, 1, 0, 99) };

    prologue();
    set_vector(handler);
    enable_ie();
    li64(5, 0);
    li64(6, 0);
    li64(10, TOY_CAUSE_ILLEGAL);
    for (unsigned i = 0; i < 4; i++) {
        unsigned at = newlabel();
        la(9, at);
        li64(8, bad[i]);
        L(at);
        emit(bad[i]);
        expect_eq(5, i + 1, 1 + i);
    }
    pass();
    emit_checking_handler(handler, true);
    finish("illegal", 0);
}

/* Nested loops over every branch kind, a call through jal/jalr. */
static void gen_branch(void)
{
    unsigned outer = newlabel(), inner = newlabel(), low = newlabel(),
             next = newlabel(), sub = newlabel(), neg = newlabel(),
             pos = newlabel();
    uint64_t count = 0, calls = 0, negs = 0;

    for (uint64_t i = 0; i < 300; i++) {
        for (uint64_t j = 0; j < 100; j++) {
            count += j < 37 ? 1 : 3;
            if ((int64_t)(j - 50) < 0) {
                negs++;
            }
        }
        calls += i;
    }
    prologue();
    li64(1, 0);                  /* count */
    li64(2, 0);                  /* i */
    li64(3, 300);
    li64(7, 0);                  /* sum of i through the subroutine */
    li64(8, 0);                  /* negs */
    li64(9, 37);
    li64(10, 50);
    L(outer);
    li64(4, 0);                  /* j */
    li64(5, 100);
    L(inner);
    B(TOY_BLTU, 4, 9, low);
    I(TOY_ADDI, 1, 1, 2);
    L(low);
    I(TOY_ADDI, 1, 1, 1);
    R(TOY_SUB, 6, 4, 10);
    B(TOY_BLT, 6, 0, neg);
    B(TOY_BEQ, 0, 0, pos);
    L(neg);
    I(TOY_ADDI, 8, 8, 1);
    L(pos);
    I(TOY_ADDI, 4, 4, 1);
    B(TOY_BNE, 4, 5, inner);
    JAL(15, sub);
    I(TOY_ADDI, 2, 2, 1);
    B(TOY_BEQ, 2, 3, next);
    B(TOY_BEQ, 0, 0, outer);
    L(next);
    expect_eq(1, count, 1);
    expect_eq(7, calls, 2);
    expect_eq(8, negs, 3);
    pass();
    L(sub);
    R(TOY_ADD, 7, 7, 2);
    I(TOY_JALR, 0, 15, 0);
    finish("branch", 0);
}

/* Self-modifying code: a loop stores a new instruction over its first
 * one after running it; the next iterations must run the new one. */
static void gen_smc(void)
{
    unsigned loop = newlabel(), target = newlabel();

    prologue();
    li64(5, 0);
    li64(6, 0);
    li64(7, 3);
    la(8, target);
    li64(9, toy_enc_i(TOY_ADDI, 5, 5, 100));
    L(loop);
    L(target);
    I(TOY_ADDI, 5, 5, 1);
    I(TOY_SW, 9, 8, 0);
    I(TOY_ADDI, 6, 6, 1);
    B(TOY_BNE, 6, 7, loop);
    expect_eq(5, 201, 1);
    pass();
    finish("smc", 0);
}

/* Self-modifying code ahead of the store in the same TB (precise SMC). */
static void gen_smc_ahead(void)
{
    unsigned target = newlabel();

    prologue();
    li64(10, 0);
    la(8, target);
    li64(9, toy_enc_i(TOY_ADDI, 10, 10, 7));
    I(TOY_SW, 9, 8, 0);
    L(target);
    I(TOY_ADDI, 10, 10, 1);
    expect_eq(10, 7, 1);
    pass();
    finish("smc-ahead", 0);
}

/* Sleep in wfi until the timer's interrupt; the handler acknowledges.
 * The flag is checked and wfi entered with interrupts off (wfi wakes on
 * the pending line whatever the enable), then they are enabled to take
 * it: with the check after wfi, an interrupt taken just before the wfi
 * (the host descheduled us past the 100 us) left it asleep for good. */
static void gen_wfi(void)
{
    unsigned handler = newlabel(), wait = newlabel(), sleep = newlabel();
    unsigned done = newlabel();

    prologue();
    set_vector(handler);
    li64(5, 0);
    li64(1, 100000);             /* 100 us */
    I(TOY_SW, 1, 11, 0);
    L(wait);
    B(TOY_BEQ, 5, 0, sleep);
    B(TOY_BEQ, 0, 0, done);
    L(sleep);
    I(TOY_WFI, 0, 0, 0);
    enable_ie();                 /* taken here */
    CSRW(TOY_CSR_STATUS, 0);
    B(TOY_BEQ, 0, 0, wait);
    L(done);
    expect_eq(5, 1, 1);
    pass();
    L(handler);
    CSRR(3, TOY_CSR_CAUSE);
    expect_eq(3, TOY_CAUSE_IRQ, 2);
    I(TOY_SW, 0, 11, 4);         /* acknowledge */
    I(TOY_ADDI, 5, 5, 1);
    I(TOY_ERET, 0, 0, 0);
    finish("wfi", 0);
}

/* Spin until the timer interrupt, then print the loop count and the
 * cycle CSR: under --icount both are the same on every run. */
static void gen_icount(void)
{
    unsigned handler = newlabel(), spin = newlabel(), puthex = newlabel();

    prologue();
    set_vector(handler);
    li64(7, 0);
    li64(1, 200000);             /* 200 us */
    I(TOY_SW, 1, 11, 0);
    enable_ie();
    L(spin);
    I(TOY_ADDI, 7, 7, 1);
    B(TOY_BEQ, 0, 0, spin);
    L(handler);
    CSRR(8, TOY_CSR_CYCLE);
    I(TOY_SW, 0, 11, 4);
    puts_("count=");
    R(TOY_ADD, 1, 7, 0);
    JAL(15, puthex);
    puts_(" cycle=");
    R(TOY_ADD, 1, 8, 0);
    JAL(15, puthex);
    puts_("\n");
    pass();
    emit_puthex(puthex);
    finish("icount", 0);
}

/* Loads, stores and a fetch where nothing is mapped: access faults with
 * the faulting instruction's pc in epc and the address in tval. */
static void gen_fault(void)
{
    unsigned handler = newlabel();
    struct { unsigned op, cause; uint64_t off; } cases[] = {
        { TOY_LD, TOY_CAUSE_LOAD_FAULT, 0 },
        { TOY_LBU, TOY_CAUSE_LOAD_FAULT, 0x123 },
        { TOY_SW, TOY_CAUSE_STORE_FAULT, 8 },
        { TOY_SB, TOY_CAUSE_STORE_FAULT, 0x7ff },
    };

    prologue();
    set_vector(handler);
    enable_ie();
    li64(5, 0);
    li64(1, UNMAPPED);
    li64(7, 0x5a5a);
    for (unsigned i = 0; i < 4; i++) {
        unsigned at = newlabel(), after = newlabel();
        li64(10, cases[i].cause);
        li64(8, UNMAPPED + cases[i].off);
        la(6, after);
        la(9, at);
        L(at);
        I(cases[i].op, 7, 1, (int32_t)cases[i].off);
        L(after);
        expect_eq(5, i + 1, 1 + i);
        expect_eq(7, 0x5a5a, 10 + i); /* a faulting load writes nothing */
    }
    {                            /* instruction fetch */
        unsigned after = newlabel();
        li64(10, TOY_CAUSE_FETCH_FAULT);
        li64(8, UNMAPPED);
        li64(9, UNMAPPED);
        la(6, after);
        I(TOY_JALR, 0, 1, 0);
        L(after);
        expect_eq(5, 5, 5);
    }
    pass();
    emit_checking_handler(handler, true);
    finish("fault", 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen-programs OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    gen_arith();
    gen_mem();
    gen_ecall();
    gen_illegal();
    gen_branch();
    gen_smc();
    gen_smc_ahead();
    gen_wfi();
    gen_icount();
    gen_fault();
    return 0;
}
