/*
 * fpu-test.c - unit tests of the F/D helpers (plugins/cpus/riscv/fpu.c)
 * and of the F/D pattern table (trans-rvf.c).
 *
 * The helpers are called directly on a zeroed RiscvCpu.  The expected
 * results and flags are literal: they were computed from the IEEE 754 /
 * RISC-V F and D semantics with exact rational arithmetic (Python
 * fractions), independently of fpu.c, and agree with the x86-64 host
 * (SSE/AVX-512, which detects tininess after rounding) for RNE, RTZ, RDN
 * and RUP.  They cover each rounding mode on ties and inexact cases, RMM
 * ties, overflow per mode, underflow with tininess after rounding, fused
 * multiply-add cases that double rounding gets wrong, canonical NaNs and
 * NV, NaN boxing, minimumNumber/maximumNumber, the fcvt saturation table
 * and every fclass class.  The pattern table is checked against encodings
 * produced by the GNU assembler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fpu.h"
#include "riscv.h"

#define S(x) (FPU_BOX_S | (uint32_t)(x))
#define RNE RM_RNE
#define RTZ RM_RTZ
#define RDN RM_RDN
#define RUP RM_RUP
#define RMM RM_RMM
#define NV FFLAG_NV
#define DZ FFLAG_DZ
#define OF FFLAG_OF
#define UF FFLAG_UF
#define NX FFLAG_NX

typedef void (*FpuFn)(void);
#define OP(name) #name, (FpuFn)riscv_helper_##name

/* One operation in one rounding mode. */
typedef struct FpuVec {
    const char *what;
    const char *op;
    FpuFn fn;
    uint32_t rm;
    uint64_t a, b, c;
    uint64_t want;
    uint32_t flags;
} FpuVec;

/* One operation in RNE, RTZ, RDN, RUP, RMM. */
typedef struct FpuVec5 {
    const char *what;
    const char *op;
    FpuFn fn;
    uint64_t a, b, c;
    uint64_t want[5];
    uint32_t flags[5];
} FpuVec5;

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Call helper @fn (named @op) with the operand list its kind takes. */
static uint64_t call_op(RiscvCpu *cpu, const char *op, FpuFn fn,
                        uint32_t rm, uint64_t a, uint64_t b, uint64_t c)
{
    typedef uint64_t (*Fn3Rm)(void *, uint64_t, uint64_t, uint64_t, uint32_t);
    typedef uint64_t (*Fn2Rm)(void *, uint64_t, uint64_t, uint32_t);
    typedef uint64_t (*Fn2)(void *, uint64_t, uint64_t);
    typedef uint64_t (*Fn1Rm)(void *, uint64_t, uint32_t);
    typedef uint64_t (*Pure1)(uint64_t);

    if (has_prefix(op, "fmadd") || has_prefix(op, "fmsub") ||
        has_prefix(op, "fnmsub") || has_prefix(op, "fnmadd")) {
        return ((Fn3Rm)fn)(cpu, a, b, c, rm);
    }
    if (has_prefix(op, "fadd") || has_prefix(op, "fsub") ||
        has_prefix(op, "fmul") || has_prefix(op, "fdiv")) {
        return ((Fn2Rm)fn)(cpu, a, b, rm);
    }
    if (has_prefix(op, "fmin") || has_prefix(op, "fmax") ||
        has_prefix(op, "feq") || has_prefix(op, "flt") ||
        has_prefix(op, "fle")) {
        return ((Fn2)fn)(cpu, a, b);
    }
    if (has_prefix(op, "fclass")) {
        return ((Pure1)fn)(a);
    }
    return ((Fn1Rm)fn)(cpu, a, rm); /* fsqrt, fcvt */
}

static int failures;

static void check_one(const char *what, const char *op, FpuFn fn,
                      uint32_t rm, uint64_t a, uint64_t b, uint64_t c,
                      uint64_t want, uint32_t flags)
{
    RiscvCpu cpu;
    uint64_t got;

    memset(&cpu, 0, sizeof(cpu));
    got = call_op(&cpu, op, fn, rm, a, b, c);
    if (got != want || cpu.fflags != flags) {
        print_error("%s (%s) rm=%u a=%016llx b=%016llx c=%016llx: got "
                    "%016llx flags %02x, want %016llx flags %02x\n", op,
                    what, rm, (unsigned long long)a, (unsigned long long)b,
                    (unsigned long long)c, (unsigned long long)got,
                    cpu.fflags, (unsigned long long)want, flags);
        failures++;
    }
}

/* ------------------------------------------------------------ vectors */

static const FpuVec5 vectors5[] = {
    { "1 + 2^-24: tie", OP(fadd_s), S(0x3f800000), S(0x33800000), 0,
      { S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001),
        S(0x3f800001) },
      { NX, NX, NX, NX, NX } },
    { "-1 - 2^-24: tie", OP(fadd_s), S(0xbf800000), S(0xb3800000), 0,
      { S(0xbf800000), S(0xbf800000), S(0xbf800001), S(0xbf800000),
        S(0xbf800001) },
      { NX, NX, NX, NX, NX } },
    { "(1+ulp) + ulp/2: tie to even up", OP(fadd_s), S(0x3f800001),
      S(0x33800000), 0,
      { S(0x3f800002), S(0x3f800001), S(0x3f800001), S(0x3f800002),
        S(0x3f800002) },
      { NX, NX, NX, NX, NX } },
    { "1 + 2^-25: inexact", OP(fadd_s), S(0x3f800000), S(0x33000000), 0,
      { S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001),
        S(0x3f800000) },
      { NX, NX, NX, NX, NX } },
    { "1 + 2^-53: tie", OP(fadd_d), 0x3ff0000000000000, 0x3ca0000000000000,
      0,
      { 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000,
        0x3ff0000000000001, 0x3ff0000000000001 },
      { NX, NX, NX, NX, NX } },
    { "-1 - 2^-53: tie", OP(fsub_d), 0xbff0000000000000,
      0x3ca0000000000000, 0,
      { 0xbff0000000000000, 0xbff0000000000000, 0xbff0000000000001,
        0xbff0000000000000, 0xbff0000000000001 },
      { NX, NX, NX, NX, NX } },
    { "1 - 2^-54: inexact", OP(fsub_d), 0x3ff0000000000000,
      0x3c90000000000000, 0,
      { 0x3ff0000000000000, 0x3fefffffffffffff, 0x3fefffffffffffff,
        0x3ff0000000000000, 0x3ff0000000000000 },
      { NX, NX, NX, NX, NX } },
    { "(1+2^-12)^2: tie", OP(fmul_s), S(0x3f800800), S(0x3f800800), 0,
      { S(0x3f801000), S(0x3f801000), S(0x3f801000), S(0x3f801001),
        S(0x3f801001) },
      { NX, NX, NX, NX, NX } },
    { "-1.333.. * 3: inexact", OP(fmul_s), S(0xbfaaaaab), S(0x40400000), 0,
      { S(0xc0800000), S(0xc0800000), S(0xc0800001), S(0xc0800000),
        S(0xc0800000) },
      { NX, NX, NX, NX, NX } },
    { "(1+2^-26)^2: tie", OP(fmul_d), 0x3ff0000004000000,
      0x3ff0000004000000, 0,
      { 0x3ff0000008000001, 0x3ff0000008000001, 0x3ff0000008000001,
        0x3ff0000008000001, 0x3ff0000008000001 },
      { 0, 0, 0, 0, 0 } },
    { "0.333.. * 3: inexact", OP(fmul_d), 0x3fd5555555555555,
      0x4008000000000000, 0,
      { 0x3ff0000000000000, 0x3fefffffffffffff, 0x3fefffffffffffff,
        0x3ff0000000000000, 0x3ff0000000000000 },
      { NX, NX, NX, NX, NX } },
    { "1/3", OP(fdiv_s), S(0x3f800000), S(0x40400000), 0,
      { S(0x3eaaaaab), S(0x3eaaaaaa), S(0x3eaaaaaa), S(0x3eaaaaab),
        S(0x3eaaaaab) },
      { NX, NX, NX, NX, NX } },
    { "-1/3", OP(fdiv_s), S(0xbf800000), S(0x40400000), 0,
      { S(0xbeaaaaab), S(0xbeaaaaaa), S(0xbeaaaaab), S(0xbeaaaaaa),
        S(0xbeaaaaab) },
      { NX, NX, NX, NX, NX } },
    { "subnormal tie", OP(fdiv_s), S(0x00800001), S(0x40000000), 0,
      { S(0x00400000), S(0x00400000), S(0x00400000), S(0x00400001),
        S(0x00400001) },
      { UF|NX, UF|NX, UF|NX, UF|NX, UF|NX } },
    { "1/3", OP(fdiv_d), 0x3ff0000000000000, 0x4008000000000000, 0,
      { 0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555555,
        0x3fd5555555555556, 0x3fd5555555555555 },
      { NX, NX, NX, NX, NX } },
    { "2/-3", OP(fdiv_d), 0x4000000000000000, 0xc008000000000000, 0,
      { 0xbfe5555555555555, 0xbfe5555555555555, 0xbfe5555555555556,
        0xbfe5555555555555, 0xbfe5555555555555 },
      { NX, NX, NX, NX, NX } },
    { "sqrt 2", OP(fsqrt_s), S(0x40000000), 0, 0,
      { S(0x3fb504f3), S(0x3fb504f3), S(0x3fb504f3), S(0x3fb504f4),
        S(0x3fb504f3) },
      { NX, NX, NX, NX, NX } },
    { "sqrt 2", OP(fsqrt_d), 0x4000000000000000, 0, 0,
      { 0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcc,
        0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcd },
      { NX, NX, NX, NX, NX } },
    { "sqrt 3", OP(fsqrt_d), 0x4008000000000000, 0, 0,
      { 0x3ffbb67ae8584caa, 0x3ffbb67ae8584caa, 0x3ffbb67ae8584caa,
        0x3ffbb67ae8584cab, 0x3ffbb67ae8584caa },
      { NX, NX, NX, NX, NX } },
    { "1*1 + 2^-24: tie", OP(fmadd_s), S(0x3f800000), S(0x3f800000),
      S(0x33800000),
      { S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001),
        S(0x3f800001) },
      { NX, NX, NX, NX, NX } },
    { "fused: no product rounding", OP(fmadd_s), S(0x3f800800),
      S(0x3f800800), S(0xbf801000),
      { S(0x33800000), S(0x33800000), S(0x33800000), S(0x33800000),
        S(0x33800000) },
      { 0, 0, 0, 0, 0 } },
    { "double rounding via double fails", OP(fmadd_s), S(0x3f9f8fb2),
      S(0x334d5cf2), S(0x3f800000),
      { S(0x3f800001), S(0x3f800000), S(0x3f800000), S(0x3f800001),
        S(0x3f800001) },
      { NX, NX, NX, NX, NX } },
    { "double rounding via x87 fails", OP(fmadd_d), 0x3fff2a7452e6b438,
      0x3c906da16fa1f856, 0x3ff0000000000000,
      { 0x3ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000000,
        0x3ff0000000000001, 0x3ff0000000000001 },
      { NX, NX, NX, NX, NX } },
    { "3*0.333.. - 1", OP(fmsub_s), S(0x40400000), S(0x3eaaaaab),
      S(0x3f800000),
      { S(0x33000000), S(0x33000000), S(0x33000000), S(0x33000000),
        S(0x33000000) },
      { 0, 0, 0, 0, 0 } },
    { "-(3*0.333..) + 1", OP(fnmsub_d), 0x4008000000000000,
      0x3fd5555555555555, 0x3ff0000000000000,
      { 0x3c90000000000000, 0x3c90000000000000, 0x3c90000000000000,
        0x3c90000000000000, 0x3c90000000000000 },
      { 0, 0, 0, 0, 0 } },
    { "-(1*1) - 2^-24: tie", OP(fnmadd_s), S(0x3f800000), S(0x3f800000),
      S(0x33800000),
      { S(0xbf800000), S(0xbf800000), S(0xbf800001), S(0xbf800000),
        S(0xbf800001) },
      { NX, NX, NX, NX, NX } },
    { "1*1 - 1: +0", OP(fmsub_d), 0x3ff0000000000000, 0x3ff0000000000000,
      0x3ff0000000000000,
      { 0, 0, 0x8000000000000000, 0, 0 },
      { 0, 0, 0, 0, 0 } },
    { "2^24+1: tie", OP(fcvt_from_w_s), 0x1000001, 0, 0,
      { S(0x4b800000), S(0x4b800000), S(0x4b800000), S(0x4b800001),
        S(0x4b800001) },
      { NX, NX, NX, NX, NX } },
    { "2^25+1: inexact", OP(fcvt_from_w_s), 0x2000001, 0, 0,
      { S(0x4c000000), S(0x4c000000), S(0x4c000000), S(0x4c000001),
        S(0x4c000000) },
      { NX, NX, NX, NX, NX } },
    { "-(2^24+1)", OP(fcvt_from_w_s), 0xfeffffff, 0, 0,
      { S(0xcb800000), S(0xcb800000), S(0xcb800001), S(0xcb800000),
        S(0xcb800001) },
      { NX, NX, NX, NX, NX } },
    { "2^24+1: tie", OP(fcvt_from_wu_s), 0x1000001, 0, 0,
      { S(0x4b800000), S(0x4b800000), S(0x4b800000), S(0x4b800001),
        S(0x4b800001) },
      { NX, NX, NX, NX, NX } },
    { "2^25+1: inexact", OP(fcvt_from_wu_s), 0x2000001, 0, 0,
      { S(0x4c000000), S(0x4c000000), S(0x4c000000), S(0x4c000001),
        S(0x4c000000) },
      { NX, NX, NX, NX, NX } },
    { "2^32-1", OP(fcvt_from_wu_s), 0xffffffffffffffff, 0, 0,
      { S(0x4f800000), S(0x4f7fffff), S(0x4f7fffff), S(0x4f800000),
        S(0x4f800000) },
      { NX, NX, NX, NX, NX } },
    { "2^24+1: tie", OP(fcvt_from_l_s), 0x1000001, 0, 0,
      { S(0x4b800000), S(0x4b800000), S(0x4b800000), S(0x4b800001),
        S(0x4b800001) },
      { NX, NX, NX, NX, NX } },
    { "2^25+1: inexact", OP(fcvt_from_l_s), 0x2000001, 0, 0,
      { S(0x4c000000), S(0x4c000000), S(0x4c000000), S(0x4c000001),
        S(0x4c000000) },
      { NX, NX, NX, NX, NX } },
    { "-(2^24+1)", OP(fcvt_from_l_s), 0xfffffffffeffffff, 0, 0,
      { S(0xcb800000), S(0xcb800000), S(0xcb800001), S(0xcb800000),
        S(0xcb800001) },
      { NX, NX, NX, NX, NX } },
    { "2^24+1: tie", OP(fcvt_from_lu_s), 0x1000001, 0, 0,
      { S(0x4b800000), S(0x4b800000), S(0x4b800000), S(0x4b800001),
        S(0x4b800001) },
      { NX, NX, NX, NX, NX } },
    { "2^25+1: inexact", OP(fcvt_from_lu_s), 0x2000001, 0, 0,
      { S(0x4c000000), S(0x4c000000), S(0x4c000000), S(0x4c000001),
        S(0x4c000000) },
      { NX, NX, NX, NX, NX } },
    { "2^64-1", OP(fcvt_from_lu_s), 0xffffffffffffffff, 0, 0,
      { S(0x5f800000), S(0x5f7fffff), S(0x5f7fffff), S(0x5f800000),
        S(0x5f800000) },
      { NX, NX, NX, NX, NX } },
    { "2^53+1: tie", OP(fcvt_from_l_d), 0x0020000000000001, 0, 0,
      { 0x4340000000000000, 0x4340000000000000, 0x4340000000000000,
        0x4340000000000001, 0x4340000000000001 },
      { NX, NX, NX, NX, NX } },
    { "2^64-1", OP(fcvt_from_lu_d), 0xffffffffffffffff, 0, 0,
      { 0x43f0000000000000, 0x43efffffffffffff, 0x43efffffffffffff,
        0x43f0000000000000, 0x43f0000000000000 },
      { NX, NX, NX, NX, NX } },
    { "2.5", OP(fcvt_w_s), S(0x40200000), 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_w_s), S(0xc0200000), 0, 0,
      { 0xfffffffffffffffe, 0xfffffffffffffffe, 0xfffffffffffffffd,
        0xfffffffffffffffe, 0xfffffffffffffffd },
      { NX, NX, NX, NX, NX } },
    { "-0.3", OP(fcvt_w_s), S(0xbe99999a), 0, 0,
      { 0, 0, 0xffffffffffffffff, 0, 0 },
      { NX, NX, NX, NX, NX } },
    { "2.5", OP(fcvt_wu_s), S(0x40200000), 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_wu_s), S(0xc0200000), 0, 0,
      { 0, 0, 0, 0, 0 },
      { NV, NV, NV, NV, NV } },
    { "-0.3", OP(fcvt_wu_s), S(0xbe99999a), 0, 0,
      { 0, 0, 0, 0, 0 },
      { NX, NX, NV, NX, NX } },
    { "2.5", OP(fcvt_l_s), S(0x40200000), 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_l_s), S(0xc0200000), 0, 0,
      { 0xfffffffffffffffe, 0xfffffffffffffffe, 0xfffffffffffffffd,
        0xfffffffffffffffe, 0xfffffffffffffffd },
      { NX, NX, NX, NX, NX } },
    { "-0.3", OP(fcvt_l_s), S(0xbe99999a), 0, 0,
      { 0, 0, 0xffffffffffffffff, 0, 0 },
      { NX, NX, NX, NX, NX } },
    { "2.5", OP(fcvt_lu_s), S(0x40200000), 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_lu_s), S(0xc0200000), 0, 0,
      { 0, 0, 0, 0, 0 },
      { NV, NV, NV, NV, NV } },
    { "-0.3", OP(fcvt_lu_s), S(0xbe99999a), 0, 0,
      { 0, 0, 0, 0, 0 },
      { NX, NX, NV, NX, NX } },
    { "2.5", OP(fcvt_w_d), 0x4004000000000000, 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_w_d), 0xc004000000000000, 0, 0,
      { 0xfffffffffffffffe, 0xfffffffffffffffe, 0xfffffffffffffffd,
        0xfffffffffffffffe, 0xfffffffffffffffd },
      { NX, NX, NX, NX, NX } },
    { "-0.3", OP(fcvt_w_d), 0xbfd3333333333333, 0, 0,
      { 0, 0, 0xffffffffffffffff, 0, 0 },
      { NX, NX, NX, NX, NX } },
    { "2.5", OP(fcvt_wu_d), 0x4004000000000000, 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_wu_d), 0xc004000000000000, 0, 0,
      { 0, 0, 0, 0, 0 },
      { NV, NV, NV, NV, NV } },
    { "-0.3", OP(fcvt_wu_d), 0xbfd3333333333333, 0, 0,
      { 0, 0, 0, 0, 0 },
      { NX, NX, NV, NX, NX } },
    { "2.5", OP(fcvt_l_d), 0x4004000000000000, 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_l_d), 0xc004000000000000, 0, 0,
      { 0xfffffffffffffffe, 0xfffffffffffffffe, 0xfffffffffffffffd,
        0xfffffffffffffffe, 0xfffffffffffffffd },
      { NX, NX, NX, NX, NX } },
    { "-0.3", OP(fcvt_l_d), 0xbfd3333333333333, 0, 0,
      { 0, 0, 0xffffffffffffffff, 0, 0 },
      { NX, NX, NX, NX, NX } },
    { "2.5", OP(fcvt_lu_d), 0x4004000000000000, 0, 0,
      { 0x2, 0x2, 0x2, 0x3, 0x3 },
      { NX, NX, NX, NX, NX } },
    { "-2.5", OP(fcvt_lu_d), 0xc004000000000000, 0, 0,
      { 0, 0, 0, 0, 0 },
      { NV, NV, NV, NV, NV } },
    { "-0.3", OP(fcvt_lu_d), 0xbfd3333333333333, 0, 0,
      { 0, 0, 0, 0, 0 },
      { NX, NX, NV, NX, NX } },
    { "1+2^-24: tie", OP(fcvt_s_d), 0x3ff0000001000000, 0, 0,
      { S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001),
        S(0x3f800000) },
      { NX, NX, NX, NX, NX } },
    { "1/3", OP(fcvt_s_d), 0x3fd5555555555555, 0, 0,
      { S(0x3eaaaaab), S(0x3eaaaaaa), S(0x3eaaaaaa), S(0x3eaaaaab),
        S(0x3eaaaaab) },
      { NX, NX, NX, NX, NX } },
    { "-1/3", OP(fcvt_s_d), 0xbfd5555555555555, 0, 0,
      { S(0xbeaaaaab), S(0xbeaaaaaa), S(0xbeaaaaab), S(0xbeaaaaaa),
        S(0xbeaaaaab) },
      { NX, NX, NX, NX, NX } },
    { "just below FLT_MAX + ulp/2", OP(fcvt_s_d), 0x47efffffefffffff, 0, 0,
      { S(0x7f7fffff), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000),
        S(0x7f7fffff) },
      { NX, NX, NX, OF|NX, NX } },
    { "FLT_MAX + ulp/2: tie", OP(fcvt_s_d), 0x47efffffe0000000, 0, 0,
      { S(0x7f7fffff), S(0x7f7fffff), S(0x7f7fffff), S(0x7f7fffff),
        S(0x7f7fffff) },
      { 0, 0, 0, 0, 0 } },
    { "DBL_MAX", OP(fcvt_s_d), 0x7fefffffffffffff, 0, 0,
      { S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000),
        S(0x7f800000) },
      { OF|NX, OF|NX, OF|NX, OF|NX, OF|NX } },
    { "-DBL_MAX", OP(fcvt_s_d), 0xffefffffffffffff, 0, 0,
      { S(0xff800000), S(0xff7fffff), S(0xff800000), S(0xff7fffff),
        S(0xff800000) },
      { OF|NX, OF|NX, OF|NX, OF|NX, OF|NX } },
    { "2^-126-2^-151: rounds to min normal, no UF", OP(fcvt_s_d),
      0x380ffffff0000000, 0, 0,
      { S(0x00800000), S(0x007fffff), S(0x007fffff), S(0x00800000),
        S(0x00800000) },
      { NX, UF|NX, UF|NX, NX, NX } },
    { "2^-150: tie to zero", OP(fcvt_s_d), 0x3690000000000000, 0, 0,
      { S(0x00000000), S(0x00000000), S(0x00000000), S(0x00000001),
        S(0x00000001) },
      { UF|NX, UF|NX, UF|NX, UF|NX, UF|NX } },
    { "FLT_MAX*2", OP(fmul_s), S(0x7f7fffff), S(0x40000000), 0,
      { S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000),
        S(0x7f800000) },
      { OF|NX, OF|NX, OF|NX, OF|NX, OF|NX } },
    { "-FLT_MAX*2", OP(fmul_s), S(0xff7fffff), S(0x40000000), 0,
      { S(0xff800000), S(0xff7fffff), S(0xff800000), S(0xff7fffff),
        S(0xff800000) },
      { OF|NX, OF|NX, OF|NX, OF|NX, OF|NX } },
    { "FLT_MAX + ulp/2: tie", OP(fadd_s), S(0x7f7fffff), S(0x73000000), 0,
      { S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000),
        S(0x7f800000) },
      { OF|NX, NX, NX, OF|NX, OF|NX } },
    { "FLT_MAX + ulp/4", OP(fadd_s), S(0x7f7fffff), S(0x72800000), 0,
      { S(0x7f7fffff), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000),
        S(0x7f7fffff) },
      { NX, NX, NX, OF|NX, NX } },
    { "DBL_MAX*(1+ulp)", OP(fmul_d), 0x7fefffffffffffff,
      0x3ff0000000000001, 0,
      { 0x7ff0000000000000, 0x7fefffffffffffff, 0x7fefffffffffffff,
        0x7ff0000000000000, 0x7ff0000000000000 },
      { OF|NX, OF|NX, OF|NX, OF|NX, OF|NX } },
    { "-DBL_MAX*2", OP(fmul_d), 0xffefffffffffffff, 0x4000000000000000, 0,
      { 0xfff0000000000000, 0xffefffffffffffff, 0xfff0000000000000,
        0xffefffffffffffff, 0xfff0000000000000 },
      { OF|NX, OF|NX, OF|NX, OF|NX, OF|NX } },
    { "tiny, rounds to min normal: UF", OP(fmul_s), S(0x00ffffff),
      S(0x3f000000), 0,
      { S(0x00800000), S(0x007fffff), S(0x007fffff), S(0x00800000),
        S(0x00800000) },
      { UF|NX, UF|NX, UF|NX, UF|NX, UF|NX } },
    { "rounds to min normal, not tiny after rounding", OP(fmul_s),
      S(0x3fc5a94d), S(0x0052e3a6), 0,
      { S(0x00800000), S(0x007fffff), S(0x007fffff), S(0x00800000),
        S(0x00800000) },
      { NX, UF|NX, UF|NX, NX, NX } },
    { "rounds to min normal, not tiny after rounding", OP(fmul_d),
      0x3ff781f9d6645fa9, 0x000ae3d9ad502c64, 0,
      { 0x0010000000000000, 0x000fffffffffffff, 0x000fffffffffffff,
        0x0010000000000000, 0x0010000000000000 },
      { NX, UF|NX, UF|NX, NX, NX } },
    { "min subnormal/2: tie", OP(fmul_s), S(0x00000001), S(0x3f000000), 0,
      { S(0x00000000), S(0x00000000), S(0x00000000), S(0x00000001),
        S(0x00000001) },
      { UF|NX, UF|NX, UF|NX, UF|NX, UF|NX } },
    { "-3*min subnormal/2: tie", OP(fmul_s), S(0x80000003), S(0x3f000000),
      0,
      { S(0x80000002), S(0x80000001), S(0x80000002), S(0x80000001),
        S(0x80000002) },
      { UF|NX, UF|NX, UF|NX, UF|NX, UF|NX } },
    { "min subnormal*0.75", OP(fmul_d), 0x1, 0x3fe8000000000000, 0,
      { 0x1, 0, 0, 0x1, 0x1 },
      { UF|NX, UF|NX, UF|NX, UF|NX, UF|NX } },
    { "subnormal tie", OP(fmul_d), 0x0010000000000001, 0x3fe0000000000000,
      0,
      { 0x0008000000000000, 0x0008000000000000, 0x0008000000000000,
        0x0008000000000001, 0x0008000000000001 },
      { UF|NX, UF|NX, UF|NX, UF|NX, UF|NX } },
    { "2^-511^2: total underflow", OP(fmul_d), 0x2000000000000000,
      0x2000000000000000, 0,
      { 0x0010000000000000, 0x0010000000000000, 0x0010000000000000,
        0x0010000000000000, 0x0010000000000000 },
      { 0, 0, 0, 0, 0 } },
};

static const FpuVec vectors[] = {
    { "sqrt 4 exact", OP(fsqrt_s), RNE, S(0x40800000), 0, 0, S(0x40000000),
      0 },
    { "sqrt subnormal", OP(fsqrt_d), RNE, 0x2, 0, 0, 0x1e66a09e667f3bcd, NX },
    { "sqrt subnormal", OP(fsqrt_d), RTZ, 0x2, 0, 0, 0x1e66a09e667f3bcc, NX },
    { "fused: exact 2^-52", OP(fmadd_d), RNE, 0x3ff0000004000000,
      0x3ff0000004000000, 0xbff0000008000000, 0x3cb0000000000000, 0 },
    { "-(0*1) - 0: -0", OP(fnmadd_d), RNE, 0, 0x3ff0000000000000, 0,
      0x8000000000000000, 0 },
    { "-(0*1) - 0: -0", OP(fnmadd_d), RDN, 0, 0x3ff0000000000000, 0,
      0x8000000000000000, 0 },
    { "1*-0 + 0", OP(fmadd_s), RNE, S(0x3f800000), S(0x80000000),
      S(0x00000000), S(0x00000000), 0 },
    { "1*-0 + 0", OP(fmadd_s), RDN, S(0x3f800000), S(0x80000000),
      S(0x00000000), S(0x80000000), 0 },
    { "-0 + 0", OP(fadd_d), RNE, 0x8000000000000000, 0, 0, 0, 0 },
    { "-0 + 0", OP(fadd_d), RDN, 0x8000000000000000, 0, 0,
      0x8000000000000000, 0 },
    { "x - x", OP(fsub_s), RNE, S(0x3fc00000), S(0x3fc00000), 0,
      S(0x00000000), 0 },
    { "x - x", OP(fsub_s), RDN, S(0x3fc00000), S(0x3fc00000), 0,
      S(0x80000000), 0 },
    { "-0 + -0", OP(fadd_s), RNE, S(0x80000000), S(0x80000000), 0,
      S(0x80000000), 0 },
    { "upper bits ignored", OP(fcvt_from_w_s), RNE, 0x123456780000ffff, 0,
      0, S(0x477fff00), 0 },
    { "-(2^24+1)", OP(fcvt_from_w_d), RNE, 0xfeffffff, 0, 0,
      0xc170000010000000, 0 },
    { "upper bits ignored", OP(fcvt_from_w_d), RNE, 0x123456780000ffff, 0,
      0, 0x40efffe000000000, 0 },
    { "2^32-1", OP(fcvt_from_wu_d), RNE, 0xffffffffffffffff, 0, 0,
      0x41efffffffe00000, 0 },
    { "-(2^24+1)", OP(fcvt_from_l_d), RNE, 0xfffffffffeffffff, 0, 0,
      0xc170000010000000, 0 },
    { "INT64_MIN", OP(fcvt_from_l_d), RNE, 0x8000000000000000, 0, 0,
      0xc3e0000000000000, 0 },
    { "0 -> +0", OP(fcvt_from_w_s), RNE, 0, 0, 0, S(0x00000000), 0 },
    { "2.3", OP(fcvt_w_s), RNE, S(0x40133333), 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_w_s), RUP, S(0x40133333), 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_w_s), RMM, S(0x40133333), 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_w_s), RNE, S(0x7fc00000), 0, 0, 0x7fffffff, NV },
    { "sNaN", OP(fcvt_w_s), RNE, S(0x7fa00000), 0, 0, 0x7fffffff, NV },
    { "+inf", OP(fcvt_w_s), RNE, S(0x7f800000), 0, 0, 0x7fffffff, NV },
    { "-inf", OP(fcvt_w_s), RNE, S(0xff800000), 0, 0, 0xffffffff80000000,
      NV },
    { "-0", OP(fcvt_w_s), RNE, S(0x80000000), 0, 0, 0, 0 },
    { "-1", OP(fcvt_w_s), RNE, S(0xbf800000), 0, 0, 0xffffffffffffffff, 0 },
    { "2147483648", OP(fcvt_w_s), RNE, S(0x4f000000), 0, 0, 0x7fffffff, NV },
    { "-2147483648", OP(fcvt_w_s), RNE, S(0xcf000000), 0, 0,
      0xffffffff80000000, 0 },
    { "largest below 2^32", OP(fcvt_w_s), RNE, S(0x4effffff), 0, 0,
      0x7fffff80, 0 },
    { "2.3", OP(fcvt_wu_s), RNE, S(0x40133333), 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_wu_s), RUP, S(0x40133333), 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_wu_s), RMM, S(0x40133333), 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_wu_s), RNE, S(0x7fc00000), 0, 0, 0xffffffffffffffff,
      NV },
    { "sNaN", OP(fcvt_wu_s), RNE, S(0x7fa00000), 0, 0, 0xffffffffffffffff,
      NV },
    { "+inf", OP(fcvt_wu_s), RNE, S(0x7f800000), 0, 0, 0xffffffffffffffff,
      NV },
    { "-inf", OP(fcvt_wu_s), RNE, S(0xff800000), 0, 0, 0, NV },
    { "-0", OP(fcvt_wu_s), RNE, S(0x80000000), 0, 0, 0, 0 },
    { "-1", OP(fcvt_wu_s), RNE, S(0xbf800000), 0, 0, 0, NV },
    { "4294967296", OP(fcvt_wu_s), RNE, S(0x4f800000), 0, 0,
      0xffffffffffffffff, NV },
    { "-1", OP(fcvt_wu_s), RNE, S(0xbf800000), 0, 0, 0, NV },
    { "0", OP(fcvt_wu_s), RNE, S(0x00000000), 0, 0, 0, 0 },
    { "largest below 2^33", OP(fcvt_wu_s), RNE, S(0x4f7fffff), 0, 0,
      0xffffffffffffff00, 0 },
    { "2.3", OP(fcvt_l_s), RNE, S(0x40133333), 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_l_s), RUP, S(0x40133333), 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_l_s), RMM, S(0x40133333), 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_l_s), RNE, S(0x7fc00000), 0, 0, 0x7fffffffffffffff,
      NV },
    { "sNaN", OP(fcvt_l_s), RNE, S(0x7fa00000), 0, 0, 0x7fffffffffffffff,
      NV },
    { "+inf", OP(fcvt_l_s), RNE, S(0x7f800000), 0, 0, 0x7fffffffffffffff,
      NV },
    { "-inf", OP(fcvt_l_s), RNE, S(0xff800000), 0, 0, 0x8000000000000000,
      NV },
    { "-0", OP(fcvt_l_s), RNE, S(0x80000000), 0, 0, 0, 0 },
    { "-1", OP(fcvt_l_s), RNE, S(0xbf800000), 0, 0, 0xffffffffffffffff, 0 },
    { "9223372036854775808", OP(fcvt_l_s), RNE, S(0x5f000000), 0, 0,
      0x7fffffffffffffff, NV },
    { "-9223372036854775808", OP(fcvt_l_s), RNE, S(0xdf000000), 0, 0,
      0x8000000000000000, 0 },
    { "largest below 2^64", OP(fcvt_l_s), RNE, S(0x5effffff), 0, 0,
      0x7fffff8000000000, 0 },
    { "2.3", OP(fcvt_lu_s), RNE, S(0x40133333), 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_lu_s), RUP, S(0x40133333), 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_lu_s), RMM, S(0x40133333), 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_lu_s), RNE, S(0x7fc00000), 0, 0, 0xffffffffffffffff,
      NV },
    { "sNaN", OP(fcvt_lu_s), RNE, S(0x7fa00000), 0, 0, 0xffffffffffffffff,
      NV },
    { "+inf", OP(fcvt_lu_s), RNE, S(0x7f800000), 0, 0, 0xffffffffffffffff,
      NV },
    { "-inf", OP(fcvt_lu_s), RNE, S(0xff800000), 0, 0, 0, NV },
    { "-0", OP(fcvt_lu_s), RNE, S(0x80000000), 0, 0, 0, 0 },
    { "-1", OP(fcvt_lu_s), RNE, S(0xbf800000), 0, 0, 0, NV },
    { "18446744073709551616", OP(fcvt_lu_s), RNE, S(0x5f800000), 0, 0,
      0xffffffffffffffff, NV },
    { "-1", OP(fcvt_lu_s), RNE, S(0xbf800000), 0, 0, 0, NV },
    { "0", OP(fcvt_lu_s), RNE, S(0x00000000), 0, 0, 0, 0 },
    { "largest below 2^65", OP(fcvt_lu_s), RNE, S(0x5f7fffff), 0, 0,
      0xffffff0000000000, 0 },
    { "near INT32_MAX", OP(fcvt_w_s), RNE, S(0x4effffff), 0, 0, 0x7fffff80,
      0 },
    { "near INT32_MAX", OP(fcvt_w_s), RTZ, S(0x4effffff), 0, 0, 0x7fffff80,
      0 },
    { "2.3", OP(fcvt_w_d), RNE, 0x4002666666666666, 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_w_d), RUP, 0x4002666666666666, 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_w_d), RMM, 0x4002666666666666, 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_w_d), RNE, 0x7ff8000000000000, 0, 0, 0x7fffffff, NV },
    { "sNaN", OP(fcvt_w_d), RNE, 0x7ff4000000000000, 0, 0, 0x7fffffff, NV },
    { "+inf", OP(fcvt_w_d), RNE, 0x7ff0000000000000, 0, 0, 0x7fffffff, NV },
    { "-inf", OP(fcvt_w_d), RNE, 0xfff0000000000000, 0, 0,
      0xffffffff80000000, NV },
    { "-0", OP(fcvt_w_d), RNE, 0x8000000000000000, 0, 0, 0, 0 },
    { "-1", OP(fcvt_w_d), RNE, 0xbff0000000000000, 0, 0,
      0xffffffffffffffff, 0 },
    { "2147483648", OP(fcvt_w_d), RNE, 0x41e0000000000000, 0, 0,
      0x7fffffff, NV },
    { "-2147483649", OP(fcvt_w_d), RNE, 0xc1e0000000200000, 0, 0,
      0xffffffff80000000, NV },
    { "-2147483648", OP(fcvt_w_d), RNE, 0xc1e0000000000000, 0, 0,
      0xffffffff80000000, 0 },
    { "4294967295/2", OP(fcvt_w_d), RNE, 0x41dfffffffe00000, 0, 0,
      0x7fffffff, NV },
    { "4294967295/2", OP(fcvt_w_d), RTZ, 0x41dfffffffe00000, 0, 0,
      0x7fffffff, NX },
    { "8589934591/2", OP(fcvt_w_d), RNE, 0x41effffffff00000, 0, 0,
      0x7fffffff, NV },
    { "8589934591/2", OP(fcvt_w_d), RTZ, 0x41effffffff00000, 0, 0,
      0x7fffffff, NV },
    { "largest below 2^32", OP(fcvt_w_d), RNE, 0x41dfffffffffffff, 0, 0,
      0x7fffffff, NV },
    { "2.3", OP(fcvt_wu_d), RNE, 0x4002666666666666, 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_wu_d), RUP, 0x4002666666666666, 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_wu_d), RMM, 0x4002666666666666, 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_wu_d), RNE, 0x7ff8000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "sNaN", OP(fcvt_wu_d), RNE, 0x7ff4000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "+inf", OP(fcvt_wu_d), RNE, 0x7ff0000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "-inf", OP(fcvt_wu_d), RNE, 0xfff0000000000000, 0, 0, 0, NV },
    { "-0", OP(fcvt_wu_d), RNE, 0x8000000000000000, 0, 0, 0, 0 },
    { "-1", OP(fcvt_wu_d), RNE, 0xbff0000000000000, 0, 0, 0, NV },
    { "4294967296", OP(fcvt_wu_d), RNE, 0x41f0000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "-1", OP(fcvt_wu_d), RNE, 0xbff0000000000000, 0, 0, 0, NV },
    { "0", OP(fcvt_wu_d), RNE, 0, 0, 0, 0, 0 },
    { "4294967295/2", OP(fcvt_wu_d), RNE, 0x41dfffffffe00000, 0, 0,
      0xffffffff80000000, NX },
    { "4294967295/2", OP(fcvt_wu_d), RTZ, 0x41dfffffffe00000, 0, 0,
      0x7fffffff, NX },
    { "8589934591/2", OP(fcvt_wu_d), RNE, 0x41effffffff00000, 0, 0,
      0xffffffffffffffff, NV },
    { "8589934591/2", OP(fcvt_wu_d), RTZ, 0x41effffffff00000, 0, 0,
      0xffffffffffffffff, NX },
    { "largest below 2^33", OP(fcvt_wu_d), RNE, 0x41efffffffffffff, 0, 0,
      0xffffffffffffffff, NV },
    { "2.3", OP(fcvt_l_d), RNE, 0x4002666666666666, 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_l_d), RUP, 0x4002666666666666, 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_l_d), RMM, 0x4002666666666666, 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_l_d), RNE, 0x7ff8000000000000, 0, 0,
      0x7fffffffffffffff, NV },
    { "sNaN", OP(fcvt_l_d), RNE, 0x7ff4000000000000, 0, 0,
      0x7fffffffffffffff, NV },
    { "+inf", OP(fcvt_l_d), RNE, 0x7ff0000000000000, 0, 0,
      0x7fffffffffffffff, NV },
    { "-inf", OP(fcvt_l_d), RNE, 0xfff0000000000000, 0, 0,
      0x8000000000000000, NV },
    { "-0", OP(fcvt_l_d), RNE, 0x8000000000000000, 0, 0, 0, 0 },
    { "-1", OP(fcvt_l_d), RNE, 0xbff0000000000000, 0, 0,
      0xffffffffffffffff, 0 },
    { "9223372036854775808", OP(fcvt_l_d), RNE, 0x43e0000000000000, 0, 0,
      0x7fffffffffffffff, NV },
    { "-9223372036854775808", OP(fcvt_l_d), RNE, 0xc3e0000000000000, 0, 0,
      0x8000000000000000, 0 },
    { "4294967295/2", OP(fcvt_l_d), RNE, 0x41dfffffffe00000, 0, 0,
      0x80000000, NX },
    { "4294967295/2", OP(fcvt_l_d), RTZ, 0x41dfffffffe00000, 0, 0,
      0x7fffffff, NX },
    { "8589934591/2", OP(fcvt_l_d), RNE, 0x41effffffff00000, 0, 0,
      0x0000000100000000, NX },
    { "8589934591/2", OP(fcvt_l_d), RTZ, 0x41effffffff00000, 0, 0,
      0xffffffff, NX },
    { "largest below 2^64", OP(fcvt_l_d), RNE, 0x43dfffffffffffff, 0, 0,
      0x7ffffffffffffc00, 0 },
    { "2.3", OP(fcvt_lu_d), RNE, 0x4002666666666666, 0, 0, 0x2, NX },
    { "2.3", OP(fcvt_lu_d), RUP, 0x4002666666666666, 0, 0, 0x3, NX },
    { "2.3", OP(fcvt_lu_d), RMM, 0x4002666666666666, 0, 0, 0x2, NX },
    { "qNaN", OP(fcvt_lu_d), RNE, 0x7ff8000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "sNaN", OP(fcvt_lu_d), RNE, 0x7ff4000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "+inf", OP(fcvt_lu_d), RNE, 0x7ff0000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "-inf", OP(fcvt_lu_d), RNE, 0xfff0000000000000, 0, 0, 0, NV },
    { "-0", OP(fcvt_lu_d), RNE, 0x8000000000000000, 0, 0, 0, 0 },
    { "-1", OP(fcvt_lu_d), RNE, 0xbff0000000000000, 0, 0, 0, NV },
    { "18446744073709551616", OP(fcvt_lu_d), RNE, 0x43f0000000000000, 0, 0,
      0xffffffffffffffff, NV },
    { "-1", OP(fcvt_lu_d), RNE, 0xbff0000000000000, 0, 0, 0, NV },
    { "0", OP(fcvt_lu_d), RNE, 0, 0, 0, 0, 0 },
    { "4294967295/2", OP(fcvt_lu_d), RNE, 0x41dfffffffe00000, 0, 0,
      0x80000000, NX },
    { "4294967295/2", OP(fcvt_lu_d), RTZ, 0x41dfffffffe00000, 0, 0,
      0x7fffffff, NX },
    { "8589934591/2", OP(fcvt_lu_d), RNE, 0x41effffffff00000, 0, 0,
      0x0000000100000000, NX },
    { "8589934591/2", OP(fcvt_lu_d), RTZ, 0x41effffffff00000, 0, 0,
      0xffffffff, NX },
    { "largest below 2^65", OP(fcvt_lu_d), RNE, 0x43efffffffffffff, 0, 0,
      0xfffffffffffff800, 0 },
    { "near INT32_MAX", OP(fcvt_w_d), RNE, 0x41dfffffffe00000, 0, 0,
      0x7fffffff, NV },
    { "near INT32_MAX", OP(fcvt_w_d), RTZ, 0x41dfffffffe00000, 0, 0,
      0x7fffffff, NX },
    { "unboxed -> NaN -> max", OP(fcvt_wu_s), RNE, 0x3f800000, 0, 0,
      0xffffffffffffffff, NV },
    { "2^-126-2^-150 (exact)", OP(fcvt_s_d), RNE, 0x380fffffe0000000, 0, 0,
      S(0x00800000), UF|NX },
    { "just below: tiny", OP(fcvt_s_d), RNE, 0x380fffffefffffff, 0, 0,
      S(0x00800000), UF|NX },
    { "just below: tiny", OP(fcvt_s_d), RUP, 0x380fffffefffffff, 0, 0,
      S(0x00800000), NX },
    { "DBL_TRUE_MIN", OP(fcvt_s_d), RNE, 0x1, 0, 0, S(0x00000000), UF|NX },
    { "DBL_TRUE_MIN", OP(fcvt_s_d), RUP, 0x1, 0, 0, S(0x00000001), UF|NX },
    { "sNaN", OP(fcvt_s_d), RNE, 0x7ff0000000000001, 0, 0, S(0x7fc00000),
      NV },
    { "qNaN payload", OP(fcvt_s_d), RNE, 0xfff8000000000123, 0, 0,
      S(0x7fc00000), 0 },
    { "-inf", OP(fcvt_s_d), RNE, 0xfff0000000000000, 0, 0, S(0xff800000), 0 },
    { "-0", OP(fcvt_s_d), RNE, 0x8000000000000000, 0, 0, S(0x80000000), 0 },
    { "FLT_TRUE_MIN exact", OP(fcvt_d_s), RNE, S(0x00000001), 0, 0,
      0x36a0000000000000, 0 },
    { "-pi exact", OP(fcvt_d_s), RNE, S(0xc0490fdb), 0, 0,
      0xc00921fb60000000, 0 },
    { "sNaN", OP(fcvt_d_s), RNE, S(0x7f800001), 0, 0, 0x7ff8000000000000,
      NV },
    { "qNaN payload", OP(fcvt_d_s), RNE, S(0xffc01234), 0, 0,
      0x7ff8000000000000, 0 },
    { "unboxed -> canonical NaN", OP(fcvt_d_s), RNE, 0x3f800000, 0, 0,
      0x7ff8000000000000, 0 },
    { "-inf", OP(fcvt_d_s), RNE, S(0xff800000), 0, 0, 0xfff0000000000000, 0 },
    { "2^1023/0.5", OP(fdiv_d), RNE, 0x7fe0000000000000,
      0x3fe0000000000000, 0, 0x7ff0000000000000, OF|NX },
    { "2^1023/0.5", OP(fdiv_d), RTZ, 0x7fe0000000000000,
      0x3fe0000000000000, 0, 0x7fefffffffffffff, OF|NX },
    { "fma: no intermediate overflow", OP(fmadd_d), RNE,
      0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff,
      0x7fefffffffffffff, 0 },
    { "min normal/2: exact subnormal", OP(fmul_s), RNE, S(0x00800000),
      S(0x3f000000), 0, S(0x00400000), 0 },
    { "exact subnormal", OP(fdiv_s), RNE, S(0x00800000), S(0x4b000000), 0,
      S(0x00000001), 0 },
    { "subnormal difference exact", OP(fsub_s), RNE, S(0x00800000),
      S(0x007fffff), 0, S(0x00000001), 0 },
    { "fma: exact subnormal", OP(fmadd_s), RNE, S(0x00800000),
      S(0x3f000000), S(0x80000001), S(0x003fffff), 0 },
    { "exact subnormal result", OP(fadd_d), RNE, 0x0010000000000000,
      0x8000000000000001, 0, 0x000fffffffffffff, 0 },
    { "qNaN + 1", OP(fadd_s), RNE, S(0x7fc00001), S(0x3f800000), 0,
      S(0x7fc00000), 0 },
    { "1 + sNaN", OP(fadd_s), RNE, S(0x3f800000), S(0x7f800001), 0,
      S(0x7fc00000), NV },
    { "inf - inf", OP(fadd_s), RNE, S(0x7f800000), S(0xff800000), 0,
      S(0x7fc00000), NV },
    { "inf - inf", OP(fsub_s), RNE, S(0x7f800000), S(0x7f800000), 0,
      S(0x7fc00000), NV },
    { "inf + 1", OP(fadd_s), RNE, S(0x7f800000), S(0x3f800000), 0,
      S(0x7f800000), 0 },
    { "0 * -inf", OP(fmul_s), RNE, S(0x00000000), S(0xff800000), 0,
      S(0x7fc00000), NV },
    { "-sNaN * 1", OP(fmul_s), RNE, S(0xffa00000), S(0x3f800000), 0,
      S(0x7fc00000), NV },
    { "0/0", OP(fdiv_s), RNE, S(0x00000000), S(0x00000000), 0,
      S(0x7fc00000), NV },
    { "inf/inf", OP(fdiv_s), RNE, S(0x7f800000), S(0xff800000), 0,
      S(0x7fc00000), NV },
    { "1/0", OP(fdiv_s), RNE, S(0x3f800000), S(0x00000000), 0,
      S(0x7f800000), DZ },
    { "1/-0", OP(fdiv_s), RNE, S(0x3f800000), S(0x80000000), 0,
      S(0xff800000), DZ },
    { "-inf/0", OP(fdiv_s), RNE, S(0xff800000), S(0x00000000), 0,
      S(0xff800000), 0 },
    { "1/-inf", OP(fdiv_s), RNE, S(0x3f800000), S(0xff800000), 0,
      S(0x80000000), 0 },
    { "qNaN/0", OP(fdiv_s), RNE, S(0x7fc00001), S(0x00000000), 0,
      S(0x7fc00000), 0 },
    { "sqrt -1", OP(fsqrt_s), RNE, S(0xbf800000), 0, 0, S(0x7fc00000), NV },
    { "sqrt -0", OP(fsqrt_s), RNE, S(0x80000000), 0, 0, S(0x80000000), 0 },
    { "sqrt -inf", OP(fsqrt_s), RNE, S(0xff800000), 0, 0, S(0x7fc00000), NV },
    { "sqrt inf", OP(fsqrt_s), RNE, S(0x7f800000), 0, 0, S(0x7f800000), 0 },
    { "sqrt sNaN", OP(fsqrt_s), RNE, S(0x7f800001), 0, 0, S(0x7fc00000), NV },
    { "0*inf + qNaN: NV", OP(fmadd_s), RNE, S(0x00000000), S(0x7f800000),
      S(0x7fc00001), S(0x7fc00000), NV },
    { "inf*1 - inf", OP(fmadd_s), RNE, S(0x7f800000), S(0x3f800000),
      S(0xff800000), S(0x7fc00000), NV },
    { "1*1 + sNaN", OP(fmadd_s), RNE, S(0x3f800000), S(0x3f800000),
      S(0x7f800001), S(0x7fc00000), NV },
    { "qNaN*0 + inf", OP(fmadd_s), RNE, S(0x7fc00001), S(0x00000000),
      S(0x7f800000), S(0x7fc00000), 0 },
    { "1*1 - inf", OP(fmadd_s), RNE, S(0x3f800000), S(0x3f800000),
      S(0xff800000), S(0xff800000), 0 },
    { "-(inf*1) - -inf", OP(fnmadd_s), RNE, S(0x7f800000), S(0x3f800000),
      S(0xff800000), S(0x7fc00000), NV },
    { "min(+0, -0)", OP(fmin_s), RNE, S(0x00000000), S(0x80000000), 0,
      S(0x80000000), 0 },
    { "min(-0, +0)", OP(fmin_s), RNE, S(0x80000000), S(0x00000000), 0,
      S(0x80000000), 0 },
    { "max(+0, -0)", OP(fmax_s), RNE, S(0x00000000), S(0x80000000), 0,
      S(0x00000000), 0 },
    { "max(-0, +0)", OP(fmax_s), RNE, S(0x80000000), S(0x00000000), 0,
      S(0x00000000), 0 },
    { "min(qNaN, 1)", OP(fmin_s), RNE, S(0x7fc00001), S(0x3f800000), 0,
      S(0x3f800000), 0 },
    { "max(1, qNaN)", OP(fmax_s), RNE, S(0x3f800000), S(0x7fc00001), 0,
      S(0x3f800000), 0 },
    { "min(sNaN, 1)", OP(fmin_s), RNE, S(0x7f800001), S(0x3f800000), 0,
      S(0x3f800000), NV },
    { "max(-inf, sNaN)", OP(fmax_s), RNE, S(0xff800000), S(0x7f800001), 0,
      S(0xff800000), NV },
    { "min(qNaN, qNaN)", OP(fmin_s), RNE, S(0x7fc00001), S(0x7fc00001), 0,
      S(0x7fc00000), 0 },
    { "max(sNaN, qNaN)", OP(fmax_s), RNE, S(0x7f800001), S(0x7fc00001), 0,
      S(0x7fc00000), NV },
    { "min(-3, -2)", OP(fmin_s), RNE, S(0xc0400000), S(0xc0000000), 0,
      S(0xc0400000), 0 },
    { "max(-3, -2)", OP(fmax_s), RNE, S(0xc0400000), S(0xc0000000), 0,
      S(0xc0000000), 0 },
    { "max(inf, 1)", OP(fmax_s), RNE, S(0x7f800000), S(0x3f800000), 0,
      S(0x7f800000), 0 },
    { "+0 == -0", OP(feq_s), RNE, S(0x00000000), S(0x80000000), 0, 0x1, 0 },
    { "-0 < +0", OP(flt_s), RNE, S(0x80000000), S(0x00000000), 0, 0, 0 },
    { "-0 <= +0", OP(fle_s), RNE, S(0x80000000), S(0x00000000), 0, 0x1, 0 },
    { "qNaN == qNaN: quiet", OP(feq_s), RNE, S(0x7fc00001), S(0x7fc00001),
      0, 0, 0 },
    { "1 == sNaN", OP(feq_s), RNE, S(0x3f800000), S(0x7f800001), 0, 0, NV },
    { "qNaN < 1: signals", OP(flt_s), RNE, S(0x7fc00001), S(0x3f800000), 0,
      0, NV },
    { "1 <= qNaN: signals", OP(fle_s), RNE, S(0x3f800000), S(0x7fc00001),
      0, 0, NV },
    { "-inf < 1", OP(flt_s), RNE, S(0xff800000), S(0x3f800000), 0, 0x1, 0 },
    { "1 <= 1", OP(fle_s), RNE, S(0x3f800000), S(0x3f800000), 0, 0x1, 0 },
    { "1 < 1", OP(flt_s), RNE, S(0x3f800000), S(0x3f800000), 0, 0, 0 },
    { "-3 < -2", OP(flt_s), RNE, S(0xc0400000), S(0xc0000000), 0, 0x1, 0 },
    { "1 == -1", OP(feq_s), RNE, S(0x3f800000), S(0xbf800000), 0, 0, 0 },
    { "-inf", OP(fclass_s), RNE, S(0xff800000), 0, 0, 0x1, 0 },
    { "-normal", OP(fclass_s), RNE, S(0xbfc00000), 0, 0, 0x2, 0 },
    { "-subnormal", OP(fclass_s), RNE, S(0x80000005), 0, 0, 0x4, 0 },
    { "-0", OP(fclass_s), RNE, S(0x80000000), 0, 0, 0x8, 0 },
    { "+0", OP(fclass_s), RNE, S(0x00000000), 0, 0, 0x10, 0 },
    { "+subnormal", OP(fclass_s), RNE, S(0x007fffff), 0, 0, 0x20, 0 },
    { "+normal", OP(fclass_s), RNE, S(0x3f800000), 0, 0, 0x40, 0 },
    { "+inf", OP(fclass_s), RNE, S(0x7f800000), 0, 0, 0x80, 0 },
    { "sNaN", OP(fclass_s), RNE, S(0x7f800001), 0, 0, 0x100, 0 },
    { "qNaN", OP(fclass_s), RNE, S(0x7fc00001), 0, 0, 0x200, 0 },
    { "-sNaN", OP(fclass_s), RNE, S(0xffa00000), 0, 0, 0x100, 0 },
    { "-qNaN", OP(fclass_s), RNE, S(0xffc00000), 0, 0, 0x200, 0 },
    { "qNaN + 1", OP(fadd_d), RNE, 0x7ff8000000000001, 0x3ff0000000000000,
      0, 0x7ff8000000000000, 0 },
    { "1 + sNaN", OP(fadd_d), RNE, 0x3ff0000000000000, 0x7ff0000000000001,
      0, 0x7ff8000000000000, NV },
    { "inf - inf", OP(fadd_d), RNE, 0x7ff0000000000000, 0xfff0000000000000,
      0, 0x7ff8000000000000, NV },
    { "inf - inf", OP(fsub_d), RNE, 0x7ff0000000000000, 0x7ff0000000000000,
      0, 0x7ff8000000000000, NV },
    { "inf + 1", OP(fadd_d), RNE, 0x7ff0000000000000, 0x3ff0000000000000,
      0, 0x7ff0000000000000, 0 },
    { "0 * -inf", OP(fmul_d), RNE, 0, 0xfff0000000000000, 0,
      0x7ff8000000000000, NV },
    { "-sNaN * 1", OP(fmul_d), RNE, 0xfff4000000000000, 0x3ff0000000000000,
      0, 0x7ff8000000000000, NV },
    { "0/0", OP(fdiv_d), RNE, 0, 0, 0, 0x7ff8000000000000, NV },
    { "inf/inf", OP(fdiv_d), RNE, 0x7ff0000000000000, 0xfff0000000000000,
      0, 0x7ff8000000000000, NV },
    { "1/0", OP(fdiv_d), RNE, 0x3ff0000000000000, 0, 0, 0x7ff0000000000000,
      DZ },
    { "1/-0", OP(fdiv_d), RNE, 0x3ff0000000000000, 0x8000000000000000, 0,
      0xfff0000000000000, DZ },
    { "-inf/0", OP(fdiv_d), RNE, 0xfff0000000000000, 0, 0,
      0xfff0000000000000, 0 },
    { "1/-inf", OP(fdiv_d), RNE, 0x3ff0000000000000, 0xfff0000000000000, 0,
      0x8000000000000000, 0 },
    { "qNaN/0", OP(fdiv_d), RNE, 0x7ff8000000000001, 0, 0,
      0x7ff8000000000000, 0 },
    { "sqrt -1", OP(fsqrt_d), RNE, 0xbff0000000000000, 0, 0,
      0x7ff8000000000000, NV },
    { "sqrt -0", OP(fsqrt_d), RNE, 0x8000000000000000, 0, 0,
      0x8000000000000000, 0 },
    { "sqrt -inf", OP(fsqrt_d), RNE, 0xfff0000000000000, 0, 0,
      0x7ff8000000000000, NV },
    { "sqrt inf", OP(fsqrt_d), RNE, 0x7ff0000000000000, 0, 0,
      0x7ff0000000000000, 0 },
    { "sqrt sNaN", OP(fsqrt_d), RNE, 0x7ff0000000000001, 0, 0,
      0x7ff8000000000000, NV },
    { "0*inf + qNaN: NV", OP(fmadd_d), RNE, 0, 0x7ff0000000000000,
      0x7ff8000000000001, 0x7ff8000000000000, NV },
    { "inf*1 - inf", OP(fmadd_d), RNE, 0x7ff0000000000000,
      0x3ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, NV },
    { "1*1 + sNaN", OP(fmadd_d), RNE, 0x3ff0000000000000,
      0x3ff0000000000000, 0x7ff0000000000001, 0x7ff8000000000000, NV },
    { "qNaN*0 + inf", OP(fmadd_d), RNE, 0x7ff8000000000001, 0,
      0x7ff0000000000000, 0x7ff8000000000000, 0 },
    { "1*1 - inf", OP(fmadd_d), RNE, 0x3ff0000000000000,
      0x3ff0000000000000, 0xfff0000000000000, 0xfff0000000000000, 0 },
    { "-(inf*1) - -inf", OP(fnmadd_d), RNE, 0x7ff0000000000000,
      0x3ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, NV },
    { "min(+0, -0)", OP(fmin_d), RNE, 0, 0x8000000000000000, 0,
      0x8000000000000000, 0 },
    { "min(-0, +0)", OP(fmin_d), RNE, 0x8000000000000000, 0, 0,
      0x8000000000000000, 0 },
    { "max(+0, -0)", OP(fmax_d), RNE, 0, 0x8000000000000000, 0, 0, 0 },
    { "max(-0, +0)", OP(fmax_d), RNE, 0x8000000000000000, 0, 0, 0, 0 },
    { "min(qNaN, 1)", OP(fmin_d), RNE, 0x7ff8000000000001,
      0x3ff0000000000000, 0, 0x3ff0000000000000, 0 },
    { "max(1, qNaN)", OP(fmax_d), RNE, 0x3ff0000000000000,
      0x7ff8000000000001, 0, 0x3ff0000000000000, 0 },
    { "min(sNaN, 1)", OP(fmin_d), RNE, 0x7ff0000000000001,
      0x3ff0000000000000, 0, 0x3ff0000000000000, NV },
    { "max(-inf, sNaN)", OP(fmax_d), RNE, 0xfff0000000000000,
      0x7ff0000000000001, 0, 0xfff0000000000000, NV },
    { "min(qNaN, qNaN)", OP(fmin_d), RNE, 0x7ff8000000000001,
      0x7ff8000000000001, 0, 0x7ff8000000000000, 0 },
    { "max(sNaN, qNaN)", OP(fmax_d), RNE, 0x7ff0000000000001,
      0x7ff8000000000001, 0, 0x7ff8000000000000, NV },
    { "min(-3, -2)", OP(fmin_d), RNE, 0xc008000000000000,
      0xc000000000000000, 0, 0xc008000000000000, 0 },
    { "max(-3, -2)", OP(fmax_d), RNE, 0xc008000000000000,
      0xc000000000000000, 0, 0xc000000000000000, 0 },
    { "max(inf, 1)", OP(fmax_d), RNE, 0x7ff0000000000000,
      0x3ff0000000000000, 0, 0x7ff0000000000000, 0 },
    { "+0 == -0", OP(feq_d), RNE, 0, 0x8000000000000000, 0, 0x1, 0 },
    { "-0 < +0", OP(flt_d), RNE, 0x8000000000000000, 0, 0, 0, 0 },
    { "-0 <= +0", OP(fle_d), RNE, 0x8000000000000000, 0, 0, 0x1, 0 },
    { "qNaN == qNaN: quiet", OP(feq_d), RNE, 0x7ff8000000000001,
      0x7ff8000000000001, 0, 0, 0 },
    { "1 == sNaN", OP(feq_d), RNE, 0x3ff0000000000000, 0x7ff0000000000001,
      0, 0, NV },
    { "qNaN < 1: signals", OP(flt_d), RNE, 0x7ff8000000000001,
      0x3ff0000000000000, 0, 0, NV },
    { "1 <= qNaN: signals", OP(fle_d), RNE, 0x3ff0000000000000,
      0x7ff8000000000001, 0, 0, NV },
    { "-inf < 1", OP(flt_d), RNE, 0xfff0000000000000, 0x3ff0000000000000,
      0, 0x1, 0 },
    { "1 <= 1", OP(fle_d), RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0,
      0x1, 0 },
    { "1 < 1", OP(flt_d), RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0,
      0, 0 },
    { "-3 < -2", OP(flt_d), RNE, 0xc008000000000000, 0xc000000000000000, 0,
      0x1, 0 },
    { "1 == -1", OP(feq_d), RNE, 0x3ff0000000000000, 0xbff0000000000000, 0,
      0, 0 },
    { "-inf", OP(fclass_d), RNE, 0xfff0000000000000, 0, 0, 0x1, 0 },
    { "-normal", OP(fclass_d), RNE, 0xbff8000000000000, 0, 0, 0x2, 0 },
    { "-subnormal", OP(fclass_d), RNE, 0x8000000000000005, 0, 0, 0x4, 0 },
    { "-0", OP(fclass_d), RNE, 0x8000000000000000, 0, 0, 0x8, 0 },
    { "+0", OP(fclass_d), RNE, 0, 0, 0, 0x10, 0 },
    { "+subnormal", OP(fclass_d), RNE, 0x000fffffffffffff, 0, 0, 0x20, 0 },
    { "+normal", OP(fclass_d), RNE, 0x3ff0000000000000, 0, 0, 0x40, 0 },
    { "+inf", OP(fclass_d), RNE, 0x7ff0000000000000, 0, 0, 0x80, 0 },
    { "sNaN", OP(fclass_d), RNE, 0x7ff0000000000001, 0, 0, 0x100, 0 },
    { "qNaN", OP(fclass_d), RNE, 0x7ff8000000000001, 0, 0, 0x200, 0 },
    { "-sNaN", OP(fclass_d), RNE, 0xfff4000000000000, 0, 0, 0x100, 0 },
    { "-qNaN", OP(fclass_d), RNE, 0xfff8000000000000, 0, 0, 0x200, 0 },
    { "unboxed: qNaN", OP(fclass_s), RNE, 0x3f800000, 0, 0, 0x200, 0 },
    { "unboxed: qNaN", OP(fclass_s), RNE, 0xfffffffe3f800000, 0, 0, 0x200,
      0 },
    { "unboxed operand", OP(fadd_s), RNE, 0x3f800000, S(0x3f800000), 0,
      S(0x7fc00000), 0 },
    { "unboxed operand", OP(fmul_s), RNE, S(0x3f800000),
      0x7fffffff3f800000, 0, S(0x7fc00000), 0 },
    { "unboxed = qNaN: other", OP(fmin_s), RNE, 0x3f800000, S(0x3f800000),
      0, S(0x3f800000), 0 },
    { "both unboxed", OP(fmax_s), RNE, 0, 0, 0, S(0x7fc00000), 0 },
    { "unboxed", OP(feq_s), RNE, 0x3f800000, 0x3f800000, 0, 0, 0 },
    { "unboxed -4: no NV", OP(fsqrt_s), RNE, 0xc0800000, 0, 0,
      S(0x7fc00000), 0 },
    { "unboxed addend", OP(fmadd_s), RNE, S(0x3f800000), S(0x3f800000), 0,
      S(0x7fc00000), 0 },
};

static void test_all_rounding_modes(void **state)
{
    failures = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(vectors5); i++) {
        const FpuVec5 *v = &vectors5[i];
        for (uint32_t rm = 0; rm < 5; rm++) {
            check_one(v->what, v->op, v->fn, rm, v->a, v->b, v->c,
                      v->want[rm], v->flags[rm]);
        }
    }
    assert_int_equal(failures, 0);
}

static void test_vectors(void **state)
{
    failures = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(vectors); i++) {
        const FpuVec *v = &vectors[i];
        check_one(v->what, v->op, v->fn, v->rm, v->a, v->b, v->c, v->want,
                  v->flags);
    }
    assert_int_equal(failures, 0);
}

/* rm = 7 takes the mode from frm. */
static void test_dynamic_rounding(void **state)
{
    RiscvCpu cpu;
    static const uint64_t want[5] = {
        S(0x3eaaaaab), S(0x3eaaaaaa), S(0x3eaaaaaa), S(0x3eaaaaab),
        S(0x3eaaaaab),
    };

    memset(&cpu, 0, sizeof(cpu));
    for (uint32_t frm = 0; frm < 5; frm++) {
        cpu.frm = frm;
        cpu.fflags = 0;
        assert_int_equal(riscv_helper_fdiv_s(&cpu, S(0x3f800000),
                                             S(0x40400000), RM_DYN),
                         want[frm]);
        assert_int_equal(cpu.fflags, NX);
        /* a static mode ignores frm */
        assert_int_equal(riscv_helper_fdiv_s(&cpu, S(0x3f800000),
                                             S(0x40400000), RM_RTZ),
                         S(0x3eaaaaaa));
        /* frm within range: the run-time check returns */
        riscv_helper_check_frm(&cpu, 0x0124f453);
    }
    cpu.frm = RM_RDN;
    assert_int_equal(riscv_helper_fcvt_w_d(&cpu, 0xc004000000000000ull,
                                           RM_DYN),
                     (uint64_t)-3);    /* -2.5 rounded down */
    assert_int_equal(riscv_helper_fcvt_from_l_s(&cpu, 16777217, RM_DYN),
                     S(0x4b800000));
}

/* Flags accrue (OR) across operations and are never cleared. */
static void test_flags_accrue(void **state)
{
    RiscvCpu cpu;

    memset(&cpu, 0, sizeof(cpu));
    riscv_helper_fdiv_d(&cpu, 0x3ff0000000000000ull, 0, RNE);
    assert_int_equal(cpu.fflags, DZ);
    riscv_helper_fadd_d(&cpu, 0x3ff0000000000000ull,
                        0x3ca0000000000000ull, RNE);
    assert_int_equal(cpu.fflags, DZ | NX);
    riscv_helper_fadd_d(&cpu, 0x3ff0000000000000ull,
                        0x3ff0000000000000ull, RNE);    /* exact */
    assert_int_equal(cpu.fflags, DZ | NX);
    riscv_helper_flt_s(&cpu, S(0x7fc00000), S(0));
    assert_int_equal(cpu.fflags, DZ | NX | NV);
    riscv_helper_fmul_s(&cpu, S(0x7f7fffff), S(0x7f7fffff), RNE);
    riscv_helper_fmul_s(&cpu, S(0x00800000), S(0x00800000), RNE);
    assert_int_equal(cpu.fflags, NV | DZ | OF | UF | NX);
}


/* ------------------------------------- host FPU fast path vs soft-float */

/*
 * The fast path (riscv_fpu_hardfloat, fpu.c) must give the same value and
 * flags as the soft-float path for every input it accepts.  Random
 * operands of every class (zeros, subnormals, normals of every exponent
 * and near the underflow and overflow thresholds, infinities, quiet and
 * signalling NaNs, unboxed singles, the smallest normal and 1 - 2^-p,
 * whose product is tiny but rounds to a normal), with the operands of add/sub and fma
 * often chosen to cancel; every rounding mode and dynamic frm; fflags
 * preset at random (NX set half the time, which the fast path needs).
 * Each case runs with the fast path on and off and the results and
 * fflags must agree.  The test also counts the cases that took the fast
 * path's preconditions (RNE with NX set, all operands zero or normal) so a
 * generator that never reaches it fails.
 */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* A random value of format @dbl (64 or 32 bits, raw) from a random class. */
static uint64_t rnd_operand(bool dbl)
{
    unsigned ebits = dbl ? 11 : 8, fbits = dbl ? 52 : 23;
    uint64_t emax = (1ull << ebits) - 1, bias = emax >> 1;
    uint64_t frac = rnd() & ((1ull << fbits) - 1);
    uint64_t sign = rnd() & 1, e;
    unsigned k = rnd() % 32;

    if (k == 0) {
        e = 0, frac = 0;                                /* zero */
    } else if (k == 1) {
        e = 0;                                          /* subnormal */
    } else if (k == 2) {
        e = emax, frac = 0;                             /* infinity */
    } else if (k == 3) {
        e = emax, frac |= 1ull << (fbits - 1);          /* qNaN */
    } else if (k == 4) {
        e = emax, frac &= ~(1ull << (fbits - 1));       /* sNaN */
        frac |= frac == 0;
    } else if (k == 5) {
        e = bias - 1, frac = (1ull << fbits) - 1;       /* 1 - 2^-p */
    } else if (k == 6) {
        /* the smallest normal: times 1 - 2^-p it rounds up to itself
         * and is tiny (UF) */
        e = 1, frac = 0;
    } else if (k < 8) {
        e = 1 + rnd() % 3;                              /* near emin */
    } else if (k < 10) {
        e = emax - 1 - rnd() % 3;                       /* near emax */
    } else if (k < 14) {
        e = 1 + rnd() % (emax - 1);                     /* any normal */
    } else if (k < 16) {
        /* halfway exponents: products and quotients near the limits */
        e = (rnd() & 1 ? bias / 2 : bias + bias / 2) + rnd() % 8 - 4;
    } else {
        e = bias + rnd() % 16 - 8;                      /* ordinary */
    }
    if (rnd() % 4 == 0) {
        frac &= ~0ull << (rnd() % fbits);               /* short mantissas */
    }
    return sign << (ebits + fbits) | e << fbits | frac;
}

static bool rnd_zero_or_normal(bool dbl, uint64_t x)
{
    unsigned ebits = dbl ? 11 : 8, fbits = dbl ? 52 : 23;
    uint64_t emax = (1ull << ebits) - 1, e = (x >> fbits) & emax;
    uint64_t frac = x & ((1ull << fbits) - 1);

    return (e != 0 && e != emax) || frac == 0;
}

static void hardfloat_differential(void)
{
    static const struct {
        const char *op;
        FpuFn fn;
        int nargs;
    } ops[] = {
        { OP(fadd_s), 2 }, { OP(fadd_d), 2 }, { OP(fsub_s), 2 },
        { OP(fsub_d), 2 }, { OP(fmul_s), 2 }, { OP(fmul_d), 2 },
        { OP(fdiv_s), 2 }, { OP(fdiv_d), 2 }, { OP(fsqrt_s), 1 },
        { OP(fsqrt_d), 1 }, { OP(fmadd_s), 3 }, { OP(fmadd_d), 3 },
        { OP(fmsub_s), 3 }, { OP(fmsub_d), 3 }, { OP(fnmsub_s), 3 },
        { OP(fnmsub_d), 3 }, { OP(fnmadd_s), 3 }, { OP(fnmadd_d), 3 },
    };
    static const uint32_t rms[] = { RNE, RNE, RNE, RTZ, RDN, RUP, RMM,
                                    RM_DYN, RM_DYN };
    const unsigned per_op = 200000;
    unsigned eligible = 0, bad = 0;

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        bool dbl = ops[i].op[strlen(ops[i].op) - 1] == 'd';
        for (unsigned n = 0; n < per_op; n++) {
            uint64_t v[3], got[2];
            uint32_t rm = rms[rnd() % (sizeof(rms) / sizeof(rms[0]))];
            uint32_t preset = rnd() & 31, frm = rnd() % 5;
            uint32_t flags[2];
            bool all_ok = true;

            if (rnd() & 1) {
                preset |= NX;
                frm = rnd() & 1 ? RNE : frm;
            }
            for (int k = 0; k < 3; k++) {
                v[k] = rnd_operand(dbl);
            }
            if (ops[i].nargs == 2 && rnd() % 4 == 0) {
                /* b close to +-a: cancellation, exact zeros */
                v[1] = v[0] ^ (rnd() % 4) ^ ((rnd() & 1) << (dbl ? 63 : 31));
            }
            if (ops[i].nargs == 3 && rnd() % 4 == 0) {
                /* c close to the product: cancellation in the fma */
                RiscvCpu tmp;
                memset(&tmp, 0, sizeof(tmp));
                riscv_fpu_hardfloat = false;
                v[2] = call_op(&tmp, dbl ? "fmul_d" : "fmul_s",
                               dbl ? (FpuFn)riscv_helper_fmul_d
                                   : (FpuFn)riscv_helper_fmul_s,
                               RNE, dbl ? v[0] : S(v[0]), dbl ? v[1] : S(v[1]),
                               0);
                v[2] = (dbl ? v[2] : (uint32_t)v[2]) ^ (rnd() % 4) ^
                       ((rnd() & 1) << (dbl ? 63 : 31));
            }
            for (int k = 0; k < ops[i].nargs; k++) {
                all_ok = all_ok && rnd_zero_or_normal(dbl, v[k]);
            }
            if (!dbl) {
                for (int k = 0; k < 3; k++) {
                    /* now and then a single that is not NaN-boxed */
                    v[k] = rnd() % 64 ? S(v[k]) : v[k];
                    all_ok = all_ok && (k >= ops[i].nargs ||
                                        (v[k] >> 32) == 0xffffffffu);
                }
            }
            for (int hf = 0; hf < 2; hf++) {
                RiscvCpu cpu;
                memset(&cpu, 0, sizeof(cpu));
                cpu.fflags = preset;
                cpu.frm = frm;
                riscv_fpu_hardfloat = hf;
                got[hf] = call_op(&cpu, ops[i].op, ops[i].fn, rm, v[0], v[1],
                                  v[2]);
                flags[hf] = cpu.fflags;
            }
            if ((preset & NX) && all_ok &&
                (rm == RNE || (rm == RM_DYN && frm == RNE))) {
                eligible++;
            }
            if (got[0] != got[1] || flags[0] != flags[1]) {
                if (bad++ < 20) {
                    print_error("%s rm=%u frm=%u fflags=%02x a=%016llx "
                                "b=%016llx c=%016llx: hardfloat %016llx "
                                "flags %02x, soft-float %016llx flags "
                                "%02x\n", ops[i].op, rm, frm, preset,
                                (unsigned long long)v[0],
                                (unsigned long long)v[1],
                                (unsigned long long)v[2],
                                (unsigned long long)got[1], flags[1],
                                (unsigned long long)got[0], flags[0]);
                }
            }
        }
    }
    riscv_fpu_hardfloat = true;
    print_message("hardfloat differential (fma: %s): %zu cases, %u "
                  "eligible for the fast path, %u mismatches\n",
                  riscv_fpu_host_fma ? "FMA3" : "libm",
                  per_op * (sizeof(ops) / sizeof(ops[0])), eligible, bad);
    assert_int_equal(bad, 0);
    /* the generator must reach the fast path often */
    assert_true(eligible > per_op);
}

/* Both fma flavours: the host's FMA3 (if it has it) and libm's fma(). */
static void test_hardfloat_differential(void **state)
{
    bool host_fma = riscv_fpu_host_fma;

    hardfloat_differential();
    if (host_fma) {
        riscv_fpu_host_fma = false;
        hardfloat_differential();
        riscv_fpu_host_fma = true;
    }
}

/* ------------------------------------------------------ pattern table */

static const struct {
    uint32_t insn;
    const char *name;
} encodings[] = {
    { 0x0085a507, "flw" },
    { 0xff85b507, "fld" },
    { 0x00c12627, "fsw" },
    { 0xfec13827, "fsd" },
    { 0x1820f043, "fmadd.s" },
    { 0x18209047, "fmsub.s" },
    { 0x1820f04b, "fnmsub.s" },
    { 0x1820f04f, "fnmadd.s" },
    { 0x6ac58543, "fmadd.d" },
    { 0x6ac5f547, "fmsub.d" },
    { 0x6ac5f54b, "fnmsub.d" },
    { 0x6ac5c54f, "fnmadd.d" },
    { 0x0124f453, "fadd.s" },
    { 0x0924a453, "fsub.s" },
    { 0x1124f453, "fmul.s" },
    { 0x1924f453, "fdiv.s" },
    { 0x5804f453, "fsqrt.s" },
    { 0x03eebe53, "fadd.d" },
    { 0x0beefe53, "fsub.d" },
    { 0x13eefe53, "fmul.d" },
    { 0x1beefe53, "fdiv.d" },
    { 0x5a0efe53, "fsqrt.d" },
    { 0x20c58553, "fsgnj.s" },
    { 0x20c59553, "fsgnjn.s" },
    { 0x20c5a553, "fsgnjx.s" },
    { 0x22c58553, "fsgnj.d" },
    { 0x22c59553, "fsgnjn.d" },
    { 0x22c5a553, "fsgnjx.d" },
    { 0x28c58553, "fmin.s" },
    { 0x28c59553, "fmax.s" },
    { 0x2ac58553, "fmin.d" },
    { 0x2ac59553, "fmax.d" },
    { 0x4015f553, "fcvt.s.d" },
    { 0x42058553, "fcvt.d.s" },
    { 0xa0c5a553, "feq.s" },
    { 0xa0c59553, "flt.s" },
    { 0xa0c58553, "fle.s" },
    { 0xa2c5a553, "feq.d" },
    { 0xa2c59553, "flt.d" },
    { 0xa2c58553, "fle.d" },
    { 0xe0059553, "fclass.s" },
    { 0xe2059553, "fclass.d" },
    { 0xc0059553, "fcvt.w.s" },
    { 0xc015f553, "fcvt.wu.s" },
    { 0xc025f553, "fcvt.l.s" },
    { 0xc035f553, "fcvt.lu.s" },
    { 0xc2059553, "fcvt.w.d" },
    { 0xc215f553, "fcvt.wu.d" },
    { 0xc225f553, "fcvt.l.d" },
    { 0xc235f553, "fcvt.lu.d" },
    { 0xd005f553, "fcvt.s.w" },
    { 0xd015f553, "fcvt.s.wu" },
    { 0xd025f553, "fcvt.s.l" },
    { 0xd035f553, "fcvt.s.lu" },
    { 0xd2058553, "fcvt.d.w" },
    { 0xd2158553, "fcvt.d.wu" },
    { 0xd225f553, "fcvt.d.l" },
    { 0xd235f553, "fcvt.d.lu" },
    { 0xe0058553, "fmv.x.w" },
    { 0xf0058553, "fmv.w.x" },
    { 0xe2058553, "fmv.x.d" },
    { 0xf2058553, "fmv.d.x" },
};

static const RiscvInsnDesc *find_rvf(uint32_t insn, unsigned *count)
{
    const RiscvInsnDesc *found = NULL;

    *count = 0;
    for (const RiscvInsnDesc *d = riscv_insns_rvf; d->name; d++) {
        if ((insn & d->mask) == d->match) {
            found = d;
            (*count)++;
        }
    }
    return found;
}

/* Every F/D instruction the assembler knows matches exactly its entry. */
static void test_table_encodings(void **state)
{
    size_t entries = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(encodings); i++) {
        unsigned count;
        const RiscvInsnDesc *d = find_rvf(encodings[i].insn, &count);

        assert_int_equal(count, 1);
        assert_string_equal(d->name, encodings[i].name);
        assert_non_null(d->trans);
        assert_true(d->ext & RVF);
        /* D: fld, fsd and every name with a ".d" part */
        assert_int_equal((d->ext & RVD) != 0,
                         strstr(d->name, ".d") != NULL ||
                         !strcmp(d->name, "fld") ||
                         !strcmp(d->name, "fsd"));
    }
    for (const RiscvInsnDesc *d = riscv_insns_rvf; d->name; d++) {
        entries++;
    }
    assert_int_equal(entries, G_N_ELEMENTS(encodings));
    /* reserved encodings: fsqrt with rs2 != 0, fmt 2/3 of fmadd, funct3
     * 3 of fsgnj, fcvt.w.s with rs2 = 4 */
    {
        static const uint32_t bad[] = { 0x5814f453, 0x1c20f043,
                                        0x20c5b553, 0xc045f553,
                                        0xe0159553 };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
            unsigned count;
            assert_null(find_rvf(bad[i], &count));
        }
    }
}

/* No two patterns can match the same encoding. */
static void test_table_no_overlap(void **state)
{
    for (const RiscvInsnDesc *a = riscv_insns_rvf; a->name; a++) {
        assert_int_equal(a->match & ~a->mask, 0);
        for (const RiscvInsnDesc *b = a + 1; b->name; b++) {
            uint32_t common = a->mask & b->mask;
            if (((a->match ^ b->match) & common) == 0) {
                fail_msg("%s overlaps %s", a->name, b->name);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_rounding_modes),
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_dynamic_rounding),
        cmocka_unit_test(test_flags_accrue),
        cmocka_unit_test(test_hardfloat_differential),
        cmocka_unit_test(test_table_encodings),
        cmocka_unit_test(test_table_no_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
