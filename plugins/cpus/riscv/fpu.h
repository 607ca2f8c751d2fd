/*
 * fpu.h - the F and D helpers of the RISC-V hart (fpu.c) as translated
 * code and the unit tests see them.
 *
 * Operands and results are f-register images: 64-bit values, singles
 * NaN-boxed (a single operand that is not properly boxed reads as the
 * canonical NaN; single results are returned boxed).  @rm is the
 * instruction's rounding-mode field, 0-4 or 7 (dynamic: env->frm); the
 * translator has already rejected 5/6 and checked frm for 7
 * (riscv_h_check_frm).  Exception flags accrue in env->fflags.  Integer
 * results of fcvt.w[u] and fmv.x.w are sign-extended from 32 bits.
 */
#ifndef PLUGINS_CPUS_RISCV_FPU_H
#define PLUGINS_CPUS_RISCV_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "riscv.h"

/* rounding modes (frm / the rm field) */
enum { RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4,
       RM_DYN = 7 };

/* fflags bits */
#define FFLAG_NX (1u << 0)
#define FFLAG_UF (1u << 1)
#define FFLAG_OF (1u << 2)
#define FFLAG_DZ (1u << 3)
#define FFLAG_NV (1u << 4)

#define FPU_BOX_S 0xffffffff00000000ull  /* upper half of a boxed single */
#define FPU_CANON_S 0x7fc00000u
#define FPU_CANON_D 0x7ff8000000000000ull

/*
 * Host FPU fast path of add/sub/mul/div/sqrt/fma on (default true); the
 * unit tests turn it off to compare it with the soft-float path.
 */
extern bool riscv_fpu_hardfloat;
/* Its fma uses the host's FMA3 instruction (true when the x86-64 host has
 * it; only ever set true where it exists) rather than libm's fma(). */
extern bool riscv_fpu_host_fma;

/* Raise illegal-instruction (tval @insn) when env->frm is not 0-4. */
void riscv_helper_check_frm(void *env, uint32_t insn);

#define FPU_DECL_(name, ...)                                                  \
    uint64_t riscv_helper_##name(__VA_ARGS__);                                \
    extern const BbTcgHelper riscv_h_##name;
#define FPU_DECL_BOTH_(op, ...)                                               \
    FPU_DECL_(op##_s, __VA_ARGS__) FPU_DECL_(op##_d, __VA_ARGS__)

/* (env, a, b, rm) */
FPU_DECL_BOTH_(fadd, void *env, uint64_t a, uint64_t b, uint32_t rm)
FPU_DECL_BOTH_(fsub, void *env, uint64_t a, uint64_t b, uint32_t rm)
FPU_DECL_BOTH_(fmul, void *env, uint64_t a, uint64_t b, uint32_t rm)
FPU_DECL_BOTH_(fdiv, void *env, uint64_t a, uint64_t b, uint32_t rm)
/* (env, a, rm) */
FPU_DECL_BOTH_(fsqrt, void *env, uint64_t a, uint32_t rm)
/* (env, a, b, c, rm): a*b+c, a*b-c, -(a*b)+c, -(a*b)-c */
FPU_DECL_BOTH_(fmadd, void *env, uint64_t a, uint64_t b, uint64_t c,
               uint32_t rm)
FPU_DECL_BOTH_(fmsub, void *env, uint64_t a, uint64_t b, uint64_t c,
               uint32_t rm)
FPU_DECL_BOTH_(fnmsub, void *env, uint64_t a, uint64_t b, uint64_t c,
               uint32_t rm)
FPU_DECL_BOTH_(fnmadd, void *env, uint64_t a, uint64_t b, uint64_t c,
               uint32_t rm)
/* (env, a, b): minimumNumber / maximumNumber */
FPU_DECL_BOTH_(fmin, void *env, uint64_t a, uint64_t b)
FPU_DECL_BOTH_(fmax, void *env, uint64_t a, uint64_t b)
/* (env, a, b) -> 0/1 */
FPU_DECL_BOTH_(feq, void *env, uint64_t a, uint64_t b)
FPU_DECL_BOTH_(flt, void *env, uint64_t a, uint64_t b)
FPU_DECL_BOTH_(fle, void *env, uint64_t a, uint64_t b)
/* (a) -> the 10-bit class mask (pure) */
FPU_DECL_BOTH_(fclass, uint64_t a)
/* float -> integer (env, a, rm) */
FPU_DECL_BOTH_(fcvt_w, void *env, uint64_t a, uint32_t rm)
FPU_DECL_BOTH_(fcvt_wu, void *env, uint64_t a, uint32_t rm)
FPU_DECL_BOTH_(fcvt_l, void *env, uint64_t a, uint32_t rm)
FPU_DECL_BOTH_(fcvt_lu, void *env, uint64_t a, uint32_t rm)
/* integer (the x register) -> float (env, x, rm); _s_w is fcvt.s.w */
FPU_DECL_BOTH_(fcvt_from_w, void *env, uint64_t x, uint32_t rm)
FPU_DECL_BOTH_(fcvt_from_wu, void *env, uint64_t x, uint32_t rm)
FPU_DECL_BOTH_(fcvt_from_l, void *env, uint64_t x, uint32_t rm)
FPU_DECL_BOTH_(fcvt_from_lu, void *env, uint64_t x, uint32_t rm)
/* fcvt.s.d, fcvt.d.s (env, a, rm) */
FPU_DECL_(fcvt_s_d, void *env, uint64_t a, uint32_t rm)
FPU_DECL_(fcvt_d_s, void *env, uint64_t a, uint32_t rm)

extern const BbTcgHelper riscv_h_check_frm;

#undef FPU_DECL_BOTH_
#undef FPU_DECL_

#endif /* PLUGINS_CPUS_RISCV_FPU_H */
