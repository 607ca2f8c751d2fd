/*
 * fp.c - the F and D extensions (unprivileged spec 20191213, chapters 11
 * and 12; IEEE 754-2008): results as bit patterns and fflags for every
 * rounding mode (RNE RTZ RDN RUP RMM, static and dynamic) on ties and
 * inexact results, each exception flag (NV DZ OF UF NX), the canonical
 * NaN (no payload propagation), NaN boxing of singles (improperly boxed
 * inputs read as the canonical NaN; single results boxed), fmin/fmax
 * with signed zeros and NaNs, saturating conversions (NaN and overflow,
 * W results sign-extended), fused multiply-add rounding once (and
 * inf * 0 + qNaN invalid), fclass, comparisons (signalling flt/fle,
 * quiet feq), reserved rounding modes (illegal), and mstatus.FS (Off:
 * every FP instruction and fcsr access illegal; any FP state write sets
 * Dirty and SD).  Expected values are worked out from IEEE semantics
 * (the comments say how) and agree with QEMU's softfloat.
 */
#include "insn.h"

enum { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 };
enum { RNE, RTZ, RDN, RUP, RMM, DYN = 7 };

#define S(x) (0xffffffff00000000ull | (uint32_t)(x))   /* boxed single */
#define QNAN_S S(0x7fc00000)
#define QNAN_D 0x7ff8000000000000ull

/* Run an FP instruction on raw 64-bit patterns (in x or f registers as
 * the instruction needs) with rounding mode @rm (DYN: the frm field);
 * return the raw result and the fflags it raised. */
#define RM_SWITCH(KIND, insn)                                                 \
    switch (rm) {                                                             \
    case RNE: KIND(insn, ", rne"); break;                                     \
    case RTZ: KIND(insn, ", rtz"); break;                                     \
    case RDN: KIND(insn, ", rdn"); break;                                     \
    case RUP: KIND(insn, ", rup"); break;                                     \
    case RMM: KIND(insn, ", rmm"); break;                                     \
    default: KIND(insn, ", dyn"); break;                                      \
    }

#define PRE "csrw fflags, zero\n"
#define POST "csrr %1, fflags\n"
#define FF_RR(insn, RM)                                                       \
    __asm__ volatile("fmv.d.x ft0, %2\nfmv.d.x ft1, %3\n" PRE insn           \
                     " ft2, ft0, ft1" RM "\n" POST "fmv.x.d %0, ft2"          \
                     : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b)                   \
                     : "ft0", "ft1", "ft2")
#define FF_RRR(insn, RM)                                                      \
    __asm__ volatile("fmv.d.x ft0, %2\nfmv.d.x ft1, %3\nfmv.d.x ft2, %4\n"   \
                     PRE insn " ft3, ft0, ft1, ft2" RM "\n" POST              \
                     "fmv.x.d %0, ft3"                                        \
                     : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b), "r"(c)           \
                     : "ft0", "ft1", "ft2", "ft3")
#define FF_R(insn, RM)                                                        \
    __asm__ volatile("fmv.d.x ft0, %2\n" PRE insn " ft2, ft0" RM "\n"        \
                     POST "fmv.x.d %0, ft2"                                   \
                     : "=&r"(r), "=&r"(fl) : "r"(a) : "ft0", "ft2")
#define XF_R(insn, RM)                                                        \
    __asm__ volatile("fmv.d.x ft0, %2\n" PRE insn " %0, ft0" RM "\n" POST    \
                     : "=&r"(r), "=&r"(fl) : "r"(a) : "ft0")
#define XF_RR(insn, RM)                                                       \
    __asm__ volatile("fmv.d.x ft0, %2\nfmv.d.x ft1, %3\n" PRE insn           \
                     " %0, ft0, ft1" RM "\n" POST                             \
                     : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "ft0", "ft1")
#define FX_R(insn, RM)                                                        \
    __asm__ volatile(PRE insn " ft2, %2" RM "\n" POST "fmv.x.d %0, ft2"      \
                     : "=&r"(r), "=&r"(fl) : "r"(a) : "ft2")

#define OPS(X)                                                                \
    X(FADD_S, "fadd.s", FF_RR, 1) X(FSUB_S, "fsub.s", FF_RR, 1)               \
    X(FMUL_S, "fmul.s", FF_RR, 1) X(FDIV_S, "fdiv.s", FF_RR, 1)               \
    X(FSQRT_S, "fsqrt.s", FF_R, 1) X(FMADD_S, "fmadd.s", FF_RRR, 1)           \
    X(FMSUB_S, "fmsub.s", FF_RRR, 1) X(FNMADD_S, "fnmadd.s", FF_RRR, 1)       \
    X(FNMSUB_S, "fnmsub.s", FF_RRR, 1) X(FMIN_S, "fmin.s", FF_RR, 0)          \
    X(FMAX_S, "fmax.s", FF_RR, 0) X(FSGNJ_S, "fsgnj.s", FF_RR, 0)             \
    X(FSGNJN_S, "fsgnjn.s", FF_RR, 0) X(FSGNJX_S, "fsgnjx.s", FF_RR, 0)       \
    X(FEQ_S, "feq.s", XF_RR, 0) X(FLT_S, "flt.s", XF_RR, 0)                   \
    X(FLE_S, "fle.s", XF_RR, 0) X(FCLASS_S, "fclass.s", XF_R, 0)              \
    X(FCVT_W_S, "fcvt.w.s", XF_R, 1) X(FCVT_WU_S, "fcvt.wu.s", XF_R, 1)       \
    X(FCVT_L_S, "fcvt.l.s", XF_R, 1) X(FCVT_LU_S, "fcvt.lu.s", XF_R, 1)       \
    X(FCVT_S_W, "fcvt.s.w", FX_R, 1) X(FCVT_S_WU, "fcvt.s.wu", FX_R, 1)       \
    X(FCVT_S_L, "fcvt.s.l", FX_R, 1) X(FCVT_S_LU, "fcvt.s.lu", FX_R, 1)       \
    X(FMV_X_W, "fmv.x.w", XF_R, 0) X(FMV_W_X, "fmv.w.x", FX_R, 0)             \
    X(FADD_D, "fadd.d", FF_RR, 1) X(FSUB_D, "fsub.d", FF_RR, 1)               \
    X(FMUL_D, "fmul.d", FF_RR, 1) X(FDIV_D, "fdiv.d", FF_RR, 1)               \
    X(FSQRT_D, "fsqrt.d", FF_R, 1) X(FMADD_D, "fmadd.d", FF_RRR, 1)           \
    X(FMSUB_D, "fmsub.d", FF_RRR, 1) X(FNMADD_D, "fnmadd.d", FF_RRR, 1)       \
    X(FNMSUB_D, "fnmsub.d", FF_RRR, 1) X(FMIN_D, "fmin.d", FF_RR, 0)          \
    X(FMAX_D, "fmax.d", FF_RR, 0) X(FSGNJ_D, "fsgnj.d", FF_RR, 0)             \
    X(FSGNJN_D, "fsgnjn.d", FF_RR, 0) X(FSGNJX_D, "fsgnjx.d", FF_RR, 0)       \
    X(FEQ_D, "feq.d", XF_RR, 0) X(FLT_D, "flt.d", XF_RR, 0)                   \
    X(FLE_D, "fle.d", XF_RR, 0) X(FCLASS_D, "fclass.d", XF_R, 0)              \
    X(FCVT_W_D, "fcvt.w.d", XF_R, 1) X(FCVT_WU_D, "fcvt.wu.d", XF_R, 1)       \
    X(FCVT_L_D, "fcvt.l.d", XF_R, 1) X(FCVT_LU_D, "fcvt.lu.d", XF_R, 1)       \
    X(FCVT_D_W, "fcvt.d.w", FX_R, 0) X(FCVT_D_WU, "fcvt.d.wu", FX_R, 0)       \
    X(FCVT_D_L, "fcvt.d.l", FX_R, 1) X(FCVT_D_LU, "fcvt.d.lu", FX_R, 1)       \
    X(FCVT_S_D, "fcvt.s.d", FF_R, 1) X(FCVT_D_S, "fcvt.d.s", FF_R, 0)         \
    X(FMV_X_D, "fmv.x.d", XF_R, 0) X(FMV_D_X, "fmv.d.x", FX_R, 0)

enum {
#define ENUM(OP, name, KIND, has_rm) OP,
    OPS(ENUM)
#undef ENUM
};

static const char *const op_names[] = {
#define NAME(OP, name, KIND, has_rm) name,
    OPS(NAME)
#undef NAME
};

static const bool op_has_rm[] = {
#define HAS(OP, name, KIND, has_rm) has_rm,
    OPS(HAS)
#undef HAS
};

static uint64_t run(int op, int rm, uint64_t a, uint64_t b, uint64_t c,
                    uint64_t *flags)
{
    uint64_t r = 0, fl = 0;

    switch (op) {
#define CASE_1(KIND, name) RM_SWITCH(KIND, name)
#define CASE_0(KIND, name) KIND(name, "");
#define CASE(OP, name, KIND, has_rm)                                          \
    case OP:                                                                  \
        CASE_##has_rm(KIND, name)                                             \
        break;
        OPS(CASE)
#undef CASE
    }
    (void)c;
    *flags = fl;
    return r;
}

/* ------------------------------------------------ the table */

#define ONE_S S(0x3f800000)
#define M_ONE_S S(0xbf800000)
#define TWO_S S(0x40000000)
#define INF_S S(0x7f800000)
#define M_INF_S S(0xff800000)
#define SNAN_S S(0x7f800001)
#define MAX_S S(0x7f7fffff)
#define ONE_D 0x3ff0000000000000ull
#define M_ONE_D 0xbff0000000000000ull
#define TWO_D 0x4000000000000000ull
#define INF_D 0x7ff0000000000000ull
#define M_INF_D 0xfff0000000000000ull
#define SNAN_D 0x7ff0000000000001ull
#define MAX_D 0x7fefffffffffffffull
#define ALL5(op, a, b, c, rne, rtz, rdn, rup, rmm, fl)                        \
    { op, RNE, a, b, c, rne, fl }, { op, RTZ, a, b, c, rtz, fl },             \
    { op, RDN, a, b, c, rdn, fl }, { op, RUP, a, b, c, rup, fl },             \
    { op, RMM, a, b, c, rmm, fl }

static const struct fcase {
    int op, rm;
    uint64_t a, b, c, result, flags;
} cases[] = {
    /* ties and inexact results in all five modes */
    /* 1 + 2^-24: halfway between 1 and 1 + 2^-23 (even: 1) */
    ALL5(FADD_S, ONE_S, S(0x33800000), 0, ONE_S, ONE_S, ONE_S,
         S(0x3f800001), S(0x3f800001), NX),
    /* (1 + 2^-23) + 2^-24: halfway, the even neighbour is above */
    ALL5(FADD_S, S(0x3f800001), S(0x33800000), 0, S(0x3f800002),
         S(0x3f800001), S(0x3f800001), S(0x3f800002), S(0x3f800002), NX),
    /* -1 - 2^-24 */
    ALL5(FSUB_S, M_ONE_S, S(0x33800000), 0, M_ONE_S, M_ONE_S, S(0xbf800001),
         M_ONE_S, S(0xbf800001), NX),
    /* 1/3 = 1.0101...b * 2^-2: above the halfway point */
    ALL5(FDIV_S, ONE_S, S(0x40400000), 0, S(0x3eaaaaab), S(0x3eaaaaaa),
         S(0x3eaaaaaa), S(0x3eaaaaab), S(0x3eaaaaab), NX),
    ALL5(FDIV_S, M_ONE_S, S(0x40400000), 0, S(0xbeaaaaab), S(0xbeaaaaaa),
         S(0xbeaaaaab), S(0xbeaaaaaa), S(0xbeaaaaab), NX),
    /* sqrt(2) = 1.41421356..: 0x3fb504f3 is 2.4e-8 below, f4 9.5e-8 above */
    ALL5(FSQRT_S, TWO_S, 0, 0, S(0x3fb504f3), S(0x3fb504f3), S(0x3fb504f3),
         S(0x3fb504f4), S(0x3fb504f3), NX),
    /* fma rounds like an add: 1 * 1 + 2^-24 */
    ALL5(FMADD_S, ONE_S, ONE_S, S(0x33800000), ONE_S, ONE_S, ONE_S,
         S(0x3f800001), S(0x3f800001), NX),
    /* 1 + 2^-53 (double) */
    ALL5(FADD_D, ONE_D, 0x3ca0000000000000ull, 0, ONE_D, ONE_D, ONE_D,
         0x3ff0000000000001ull, 0x3ff0000000000001ull, NX),
    ALL5(FSUB_D, M_ONE_D, 0x3ca0000000000000ull, 0, M_ONE_D, M_ONE_D,
         0xbff0000000000001ull, M_ONE_D, 0xbff0000000000001ull, NX),
    /* sqrt(2): ...3bcd is 9.7e-17 above, ...3bcc 1.25e-16 below */
    ALL5(FSQRT_D, TWO_D, 0, 0, 0x3ff6a09e667f3bcdull, 0x3ff6a09e667f3bccull,
         0x3ff6a09e667f3bccull, 0x3ff6a09e667f3bcdull, 0x3ff6a09e667f3bcdull,
         NX),
    /* 1/3 (double): below the halfway point */
    ALL5(FDIV_D, ONE_D, 0x4008000000000000ull, 0, 0x3fd5555555555555ull,
         0x3fd5555555555555ull, 0x3fd5555555555555ull, 0x3fd5555555555556ull,
         0x3fd5555555555555ull, NX),
    /* float -> integer: 2.5, -2.5, 1.5 */
    ALL5(FCVT_W_S, S(0x40200000), 0, 0, 2, 2, 2, 3, 3, NX),
    ALL5(FCVT_W_S, S(0xc0200000), 0, 0, -2ull, -2ull, -3ull, -2ull, -3ull, NX),
    ALL5(FCVT_W_S, S(0x3fc00000), 0, 0, 2, 1, 1, 2, 2, NX),
    ALL5(FCVT_L_D, 0x4004000000000000ull, 0, 0, 2, 2, 2, 3, 3, NX),
    ALL5(FCVT_L_D, 0xc004000000000000ull, 0, 0, -2ull, -2ull, -3ull, -2ull,
         -3ull, NX),
    /* -2147483648.5 to int32: fits unless rounded away from zero */
    { FCVT_W_D, RNE, 0xc1e0000000100000ull, 0, 0, 0xffffffff80000000ull, NX },
    { FCVT_W_D, RTZ, 0xc1e0000000100000ull, 0, 0, 0xffffffff80000000ull, NX },
    { FCVT_W_D, RDN, 0xc1e0000000100000ull, 0, 0, 0xffffffff80000000ull, NV },
    { FCVT_W_D, RUP, 0xc1e0000000100000ull, 0, 0, 0xffffffff80000000ull, NX },
    { FCVT_W_D, RMM, 0xc1e0000000100000ull, 0, 0, 0xffffffff80000000ull, NV },
    /* integer -> float: 2^24 + 1 is halfway (even: 2^24) */
    ALL5(FCVT_S_W, 0x1000001, 0, 0, S(0x4b800000), S(0x4b800000),
         S(0x4b800000), S(0x4b800001), S(0x4b800001), NX),
    ALL5(FCVT_S_W, 0xfffffffffeffffffull, 0, 0, S(0xcb800000), S(0xcb800000),
         S(0xcb800001), S(0xcb800000), S(0xcb800001), NX),
    ALL5(FCVT_S_WU, 0xffffffff, 0, 0, S(0x4f800000), S(0x4f7fffff),
         S(0x4f7fffff), S(0x4f800000), S(0x4f800000), NX),
    ALL5(FCVT_S_LU, 0xffffffffffffffffull, 0, 0, S(0x5f800000), S(0x5f7fffff),
         S(0x5f7fffff), S(0x5f800000), S(0x5f800000), NX),
    ALL5(FCVT_S_L, 0x1000003, 0, 0, S(0x4b800002), S(0x4b800001),
         S(0x4b800001), S(0x4b800002), S(0x4b800002), NX),
    ALL5(FCVT_D_L, 0x20000000000001ull, 0, 0, 0x4340000000000000ull,
         0x4340000000000000ull, 0x4340000000000000ull, 0x4340000000000001ull,
         0x4340000000000001ull, NX),
    ALL5(FCVT_D_LU, 0xffffffffffffffffull, 0, 0, 0x43f0000000000000ull,
         0x43efffffffffffffull, 0x43efffffffffffffull, 0x43f0000000000000ull,
         0x43f0000000000000ull, NX),
    /* double -> single: 0.1 */
    ALL5(FCVT_S_D, 0x3fb999999999999aull, 0, 0, S(0x3dcccccd), S(0x3dcccccc),
         S(0x3dcccccc), S(0x3dcccccd), S(0x3dcccccd), NX),
    /* overflow: max * 2 is infinite or the largest finite number */
    ALL5(FMUL_S, MAX_S, TWO_S, 0, INF_S, MAX_S, MAX_S, INF_S, INF_S, OF | NX),
    ALL5(FMUL_S, S(0xff7fffff), TWO_S, 0, M_INF_S, S(0xff7fffff), M_INF_S,
         S(0xff7fffff), M_INF_S, OF | NX),
    ALL5(FMUL_D, MAX_D, TWO_D, 0, INF_D, MAX_D, MAX_D, INF_D, INF_D, OF | NX),
    /* underflow: 2^-126 * 2^-24 = 2^-150, half the smallest subnormal */
    ALL5(FMUL_S, S(0x00800000), S(0x33800000), 0, S(0), S(0), S(0), S(1),
         S(1), UF | NX),
    /* exact conversions and results: no flags */
    { FCVT_D_S, RNE, S(0x3dcccccd), 0, 0, 0x3fb99999a0000000ull, 0 },
    { FCVT_D_W, RNE, 0xfffffffb, 0, 0, 0xc014000000000000ull, 0 },
    { FCVT_D_WU, RNE, 0x12345678ffffffffull, 0, 0, 0x41efffffffe00000ull, 0 },
    { FADD_S, RNE, ONE_S, ONE_S, 0, TWO_S, 0 },
    { FMUL_S, RNE, S(0x00800000), S(0x3f000000), 0, S(0x00400000), 0 },
    { FCVT_W_S, RNE, S(0xcf000000), 0, 0, 0xffffffff80000000ull, 0 },
    { FCVT_WU_S, RNE, S(0x4f32d05e), 0, 0, 0xffffffffb2d05e00ull, 0 },
    { FCVT_L_D, RNE, 0xc3e0000000000000ull, 0, 0, 0x8000000000000000ull, 0 },
    { FCVT_WU_S, RTZ, S(0xbf000000), 0, 0, 0, NX },   /* -0.5 -> -0 */

    /* invalid operations and division by zero */
    { FDIV_S, RNE, S(0), S(0), 0, QNAN_S, NV },
    { FDIV_S, RNE, ONE_S, S(0), 0, INF_S, DZ },
    { FDIV_S, RNE, M_ONE_S, S(0), 0, M_INF_S, DZ },
    { FDIV_D, RNE, ONE_D, 0x8000000000000000ull, 0, M_INF_D, DZ },
    { FDIV_D, RNE, 0, 0, 0, QNAN_D, NV },
    { FSQRT_S, RNE, M_ONE_S, 0, 0, QNAN_S, NV },
    { FSQRT_S, RNE, S(0x80000000), 0, 0, S(0x80000000), 0 },
    { FSQRT_D, RNE, M_ONE_D, 0, 0, QNAN_D, NV },
    { FADD_S, RNE, INF_S, M_INF_S, 0, QNAN_S, NV },
    { FMUL_S, RNE, INF_S, S(0), 0, QNAN_S, NV },
    { FSUB_D, RNE, INF_D, INF_D, 0, QNAN_D, NV },

    /* NaNs: results are the canonical NaN; only signalling inputs raise NV */
    { FADD_S, RNE, S(0x7fc12345), ONE_S, 0, QNAN_S, 0 },
    { FADD_S, RNE, SNAN_S, ONE_S, 0, QNAN_S, NV },
    { FMUL_S, RNE, S(0xffc00000), ONE_S, 0, QNAN_S, 0 },
    { FADD_D, RNE, 0x7ff8000000012345ull, ONE_D, 0, QNAN_D, 0 },
    { FMUL_D, RNE, 0xfff8000000000000ull, ONE_D, 0, QNAN_D, 0 },
    { FDIV_D, RNE, ONE_D, SNAN_D, 0, QNAN_D, NV },
    { FCVT_S_D, RNE, 0x7ff8000012345678ull, 0, 0, QNAN_S, 0 },
    { FCVT_S_D, RNE, SNAN_D, 0, 0, QNAN_S, NV },
    { FCVT_D_S, RNE, S(0x7fc12345), 0, 0, QNAN_D, 0 },
    { FCVT_D_S, RNE, SNAN_S, 0, 0, QNAN_D, NV },

    /* NaN boxing: a single not boxed (upper bits not all ones) reads as
     * the canonical NaN; moves and sign injection of boxed NaNs keep the
     * bits */
    { FADD_S, RNE, 0x000000003f800000ull, ONE_S, 0, QNAN_S, 0 },
    { FSGNJ_S, RNE, 0x000000003f800000ull, M_ONE_S, 0, S(0xffc00000), 0 },
    { FSGNJ_S, RNE, ONE_S, 0x00000000bf800000ull, 0, ONE_S, 0 },
    { FCLASS_S, RNE, 0xfffffffe3f800000ull, 0, 0, 0x200, 0 },
    { FMIN_S, RNE, 0x7fffffff3f800000ull, TWO_S, 0, TWO_S, 0 },
    { FCVT_D_S, RNE, 0x000000003f800000ull, 0, 0, QNAN_D, 0 },
    { FCVT_W_S, RNE, 0x0000000040000000ull, 0, 0, 0x7fffffff, NV },
    { FMV_X_W, RNE, 0x123456789abcdef0ull, 0, 0, 0xffffffff9abcdef0ull, 0 },
    { FMV_X_W, RNE, S(0x7f800001), 0, 0, 0x7f800001, 0 },
    { FMV_W_X, RNE, 0x123456789abcdef0ull, 0, 0, S(0x9abcdef0), 0 },
    { FMV_X_D, RNE, SNAN_D, 0, 0, SNAN_D, 0 },
    { FMV_D_X, RNE, 0x7ff4000000000001ull, 0, 0, 0x7ff4000000000001ull, 0 },
    { FSGNJN_S, RNE, SNAN_S, S(0), 0, S(0xff800001), 0 },
    { FSGNJ_D, RNE, QNAN_D, M_ONE_D, 0, 0xfff8000000000000ull, 0 },

    /* fmin/fmax: -0 < +0; a NaN operand gives the other operand */
    { FMIN_S, RNE, S(0x80000000), S(0), 0, S(0x80000000), 0 },
    { FMIN_S, RNE, S(0), S(0x80000000), 0, S(0x80000000), 0 },
    { FMAX_S, RNE, S(0x80000000), S(0), 0, S(0), 0 },
    { FMAX_S, RNE, S(0), S(0x80000000), 0, S(0), 0 },
    { FMIN_S, RNE, QNAN_S, ONE_S, 0, ONE_S, 0 },
    { FMIN_S, RNE, ONE_S, S(0x7fc12345), 0, ONE_S, 0 },
    { FMAX_S, RNE, QNAN_S, QNAN_S, 0, QNAN_S, 0 },
    { FMIN_S, RNE, SNAN_S, ONE_S, 0, ONE_S, NV },
    { FMAX_S, RNE, SNAN_S, SNAN_S, 0, QNAN_S, NV },
    { FMAX_S, RNE, M_INF_S, S(0xff7fffff), 0, S(0xff7fffff), 0 },
    { FMIN_D, RNE, 0x8000000000000000ull, 0, 0, 0x8000000000000000ull, 0 },
    { FMAX_D, RNE, 0, 0x8000000000000000ull, 0, 0, 0 },
    { FMAX_D, RNE, QNAN_D, M_INF_D, 0, M_INF_D, 0 },
    { FMIN_D, RNE, SNAN_D, TWO_D, 0, TWO_D, NV },
    { FMIN_D, RNE, QNAN_D, 0x7ff8000000000123ull, 0, QNAN_D, 0 },

    /* conversions saturate; W results are sign-extended */
    { FCVT_W_S, RNE, INF_S, 0, 0, 0x7fffffff, NV },
    { FCVT_W_S, RNE, M_INF_S, 0, 0, 0xffffffff80000000ull, NV },
    { FCVT_W_S, RNE, QNAN_S, 0, 0, 0x7fffffff, NV },
    { FCVT_W_S, RNE, S(0xffc00000), 0, 0, 0x7fffffff, NV },
    { FCVT_W_S, RNE, S(0x4f000000), 0, 0, 0x7fffffff, NV },
    { FCVT_WU_S, RNE, M_ONE_S, 0, 0, 0, NV },
    { FCVT_WU_S, RNE, S(0x4f800000), 0, 0, 0xffffffffffffffffull, NV },
    { FCVT_WU_S, RNE, QNAN_S, 0, 0, 0xffffffffffffffffull, NV },
    { FCVT_L_S, RNE, INF_S, 0, 0, 0x7fffffffffffffffull, NV },
    { FCVT_L_S, RNE, QNAN_S, 0, 0, 0x7fffffffffffffffull, NV },
    { FCVT_L_S, RNE, M_INF_S, 0, 0, 0x8000000000000000ull, NV },
    { FCVT_LU_S, RNE, M_INF_S, 0, 0, 0, NV },
    { FCVT_LU_S, RNE, M_ONE_S, 0, 0, 0, NV },
    { FCVT_LU_S, RNE, SNAN_S, 0, 0, 0xffffffffffffffffull, NV },
    { FCVT_W_D, RNE, 0x41e0000000000000ull, 0, 0, 0x7fffffff, NV },
    { FCVT_WU_D, RNE, M_ONE_D, 0, 0, 0, NV },
    { FCVT_L_D, RNE, 0x43e0000000000000ull, 0, 0, 0x7fffffffffffffffull, NV },
    { FCVT_LU_D, RNE, 0x43f0000000000000ull, 0, 0, 0xffffffffffffffffull, NV },
    { FCVT_LU_D, RNE, QNAN_D, 0, 0, 0xffffffffffffffffull, NV },

    /* fused multiply-add: one rounding.  (1 + 2^-30)(1 - 2^-30) - 1 is
     * -2^-60 exactly; rounding the product first would give 0 */
    { FMADD_D, RNE, 0x3ff0000000400000ull, 0x3fefffffff800000ull, M_ONE_D,
      0xbc30000000000000ull, 0 },
    { FMSUB_D, RNE, 0x3ff0000000400000ull, 0x3fefffffff800000ull, ONE_D,
      0xbc30000000000000ull, 0 },
    { FNMSUB_D, RNE, 0x3ff0000000400000ull, 0x3fefffffff800000ull, ONE_D,
      0x3c30000000000000ull, 0 },
    { FNMADD_D, RNE, 0x3ff0000000400000ull, 0x3fefffffff800000ull, ONE_D,
      0xc000000000000000ull, NX },
    /* single: (1 + 2^-13)(1 - 2^-13) - 1 = -2^-26 */
    { FMADD_S, RNE, S(0x3f800400), S(0x3f7ff800), M_ONE_S, S(0xb2800000), 0 },
    { FNMADD_S, RNE, S(0x3f800400), S(0x3f7ff800), M_ONE_S, S(0x32800000),
      0 },
    { FMSUB_S, RNE, TWO_S, TWO_S, ONE_S, S(0x40400000), 0 },
    { FNMSUB_S, RNE, TWO_S, TWO_S, ONE_S, S(0xc0400000), 0 },
    /* inf * 0 + qNaN is invalid; 1 * 1 + qNaN is not */
    { FMADD_S, RNE, INF_S, S(0), QNAN_S, QNAN_S, NV },
    { FMADD_D, RNE, 0, INF_D, QNAN_D, QNAN_D, NV },
    { FMADD_S, RNE, ONE_S, ONE_S, QNAN_S, QNAN_S, 0 },

    /* fclass: one bit per class */
    { FCLASS_S, RNE, M_INF_S, 0, 0, 0x001, 0 },
    { FCLASS_S, RNE, M_ONE_S, 0, 0, 0x002, 0 },
    { FCLASS_S, RNE, S(0x80000001), 0, 0, 0x004, 0 },
    { FCLASS_S, RNE, S(0x80000000), 0, 0, 0x008, 0 },
    { FCLASS_S, RNE, S(0), 0, 0, 0x010, 0 },
    { FCLASS_S, RNE, S(0x007fffff), 0, 0, 0x020, 0 },
    { FCLASS_S, RNE, ONE_S, 0, 0, 0x040, 0 },
    { FCLASS_S, RNE, INF_S, 0, 0, 0x080, 0 },
    { FCLASS_S, RNE, SNAN_S, 0, 0, 0x100, 0 },
    { FCLASS_S, RNE, QNAN_S, 0, 0, 0x200, 0 },
    { FCLASS_D, RNE, M_INF_D, 0, 0, 0x001, 0 },
    { FCLASS_D, RNE, M_ONE_D, 0, 0, 0x002, 0 },
    { FCLASS_D, RNE, 0x800fffffffffffffull, 0, 0, 0x004, 0 },
    { FCLASS_D, RNE, 0x8000000000000000ull, 0, 0, 0x008, 0 },
    { FCLASS_D, RNE, 0, 0, 0, 0x010, 0 },
    { FCLASS_D, RNE, 1, 0, 0, 0x020, 0 },
    { FCLASS_D, RNE, ONE_D, 0, 0, 0x040, 0 },
    { FCLASS_D, RNE, INF_D, 0, 0, 0x080, 0 },
    { FCLASS_D, RNE, 0x7ff4000000000000ull, 0, 0, 0x100, 0 },
    { FCLASS_D, RNE, 0xfff8000000000000ull, 0, 0, 0x200, 0 },

    /* comparisons: feq is quiet, flt/fle signal on any NaN */
    { FEQ_S, RNE, QNAN_S, ONE_S, 0, 0, 0 },
    { FEQ_S, RNE, SNAN_S, ONE_S, 0, 0, NV },
    { FLT_S, RNE, QNAN_S, ONE_S, 0, 0, NV },
    { FLE_S, RNE, ONE_S, QNAN_S, 0, 0, NV },
    { FEQ_S, RNE, S(0x80000000), S(0), 0, 1, 0 },
    { FLT_S, RNE, S(0x80000000), S(0), 0, 0, 0 },
    { FLE_S, RNE, S(0x80000000), S(0), 0, 1, 0 },
    { FLT_S, RNE, M_INF_S, S(0xff7fffff), 0, 1, 0 },
    { FLE_S, RNE, TWO_S, ONE_S, 0, 0, 0 },
    { FEQ_D, RNE, QNAN_D, QNAN_D, 0, 0, 0 },
    { FLE_D, RNE, SNAN_D, ONE_D, 0, 0, NV },
    { FLT_D, RNE, M_ONE_D, 0x8000000000000000ull, 0, 1, 0 },
    { FEQ_D, RNE, ONE_D, ONE_D, 0, 1, 0 },

    /* sign injection */
    { FSGNJ_S, RNE, ONE_S, S(0xc0000000), 0, M_ONE_S, 0 },
    { FSGNJN_S, RNE, ONE_S, S(0xc0000000), 0, ONE_S, 0 },
    { FSGNJX_S, RNE, M_ONE_S, S(0xc0000000), 0, ONE_S, 0 },
    { FSGNJX_S, RNE, ONE_S, S(0xc0000000), 0, M_ONE_S, 0 },
    { FSGNJN_D, RNE, ONE_D, ONE_D, 0, M_ONE_D, 0 },
    { FSGNJX_D, RNE, M_ONE_D, M_ONE_D, 0, ONE_D, 0 },
};

static void check_table(void)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct fcase *t = &cases[i];
        uint64_t r, fl;

        test_case(op_names[t->op], i);
        r = run(t->op, t->rm, t->a, t->b, t->c, &fl);
        CHECK_EQ(r, t->result);
        CHECK_EQ(fl, t->flags);
        if (op_has_rm[t->op]) {
            /* the same through the dynamic rounding mode */
            csr_write(frm, t->rm);
            r = run(t->op, DYN, t->a, t->b, t->c, &fl);
            CHECK_EQ(r, t->result);
            CHECK_EQ(fl, t->flags);
            csr_write(frm, 0);
        }
    }
}

/* Reserved rounding modes: static 5 and 6, dynamic with frm 5-7. */
static void check_reserved_rm(void)
{
    test_case("reserved rm", -1);
    EXPECT_ILLEGAL(".word 0x0020d053");         /* fadd.s ft0,ft1,ft2,rm=5 */
    EXPECT_ILLEGAL(".word 0x0020e053");         /* rm=6 */
    EXPECT_ILLEGAL(".word 0x0220e053");         /* fadd.d, rm=6 */
    EXPECT_OK(".word 0x0020f053");              /* dyn, frm = 0 */
    for (unsigned frm = 5; frm < 8; frm++) {
        test_case("dynamic rm with frm", frm);
        csr_write(frm, frm);
        EXPECT_ILLEGAL(".word 0x0020f053");
        EXPECT_ILLEGAL("fcvt.w.s t1, ft0, dyn");
        EXPECT_OK("fmin.s ft0, ft1, ft2");    /* no rounding: fine */
        csr_write(frm, 0);
    }
    /* Several dynamic-rm instructions in one block (the translator checks
     * frm once per TB): each traps, and a static rm before them does not
     * (the trap handler skips the trapping instruction). */
    for (unsigned frm = 5; frm < 8; frm++) {
        uint64_t at;

        test_case("dynamic rm, three in a row, frm", frm);
        csr_write(frm, frm);
        at = TRY_INSN("fadd.d ft0, ft1, ft2, rne\n"
                      "fmul.d ft0, ft1, ft2, dyn\n"
                      "fmadd.d ft0, ft1, ft2, ft3, dyn\n"
                      "fsqrt.s ft0, ft1, rtz\n"
                      "fcvt.w.d t1, ft0, dyn");
        csr_write(frm, 0);
        CHECK_EQ(cur_hart->count, 3);
        CHECK_EQ(cur_hart->first.epc, at + 4);
        CHECK_EQ(cur_hart->first.cause, CAUSE_ILLEGAL);
        CHECK_EQ(cur_hart->trap.epc, at + 16);
        CHECK_EQ(cur_hart->trap.cause, CAUSE_ILLEGAL);
    }
}

/* Loads and stores move bits: flw boxes, fsw stores the low half. */
static void check_load_store(void)
{
    static volatile uint64_t mem[2];
    uint64_t v;

    test_case("flw/fsw/fld/fsd", -1);
    mem[0] = 0x123456783f800000ull;
    __asm__ volatile("flw ft0, 0(%1)\nfmv.x.d %0, ft0" : "=r"(v)
                     : "r"(mem) : "ft0", "memory");
    CHECK_EQ(v, ONE_S);
    __asm__ volatile("fmv.d.x ft0, %0\nfsw ft0, 8(%1)"
                     : : "r"(0x123456789abcdef0ull), "r"(mem)
                     : "ft0", "memory");
    CHECK_EQ(mem[1], 0x9abcdef0);
    mem[1] = 0;
    __asm__ volatile("fld ft0, 0(%1)\nfsd ft0, 8(%1)\nfmv.x.d %0, ft0"
                     : "=r"(v) : "r"(mem) : "ft0", "memory");
    CHECK_EQ(v, 0x123456783f800000ull);
    CHECK_EQ(mem[1], 0x123456783f800000ull);
    /* a signalling NaN loaded and stored is not quieted */
    mem[0] = SNAN_D;
    __asm__ volatile("fld ft0, 0(%0)\nfsd ft0, 8(%0)" : : "r"(mem)
                     : "ft0", "memory");
    CHECK_EQ(mem[1], SNAN_D);
}

/* mstatus.FS: Off makes every FP instruction and FP CSR illegal; a write
 * of FP state makes it Dirty (and SD = 1). */
static void set_fs(unsigned fs)
{
    csr_clear(mstatus, MSTATUS_FS);
    csr_set(mstatus, (uint64_t)fs << 13);
}

static unsigned get_fs(void)
{
    return (csr_read(mstatus) >> 13) & 3;
}

static long s_fs_off(long arg)
{
    (void)arg;
    EXPECT_ILLEGAL("fadd.d ft0, ft1, ft2");
    EXPECT_ILLEGAL("csrr t1, fflags");
    return 0;
}

static void check_fs(void)
{
    test_case("FS = Off", -1);
    set_fs(0);
    EXPECT_ILLEGAL("fadd.s ft0, ft1, ft2");
    EXPECT_ILLEGAL("fmadd.d ft0, ft1, ft2, ft3");
    EXPECT_ILLEGAL("fmv.x.w t1, ft0");
    EXPECT_ILLEGAL("fmv.d.x ft0, t0");
    EXPECT_ILLEGAL("fcvt.d.l ft0, t0");
    EXPECT_ILLEGAL("flw ft0, 0(sp)");
    EXPECT_ILLEGAL("fsd ft0, 0(sp)");
    EXPECT_ILLEGAL("fclass.d t1, ft0");
    EXPECT_ILLEGAL("csrr t1, fcsr");
    EXPECT_ILLEGAL("csrr t1, fflags");
    EXPECT_ILLEGAL("csrw frm, t0");
    EXPECT_ILLEGAL("csrrsi t1, fflags, 0");
    /* compressed: c.fld/c.fsdsp (16 bits: only the cause is checked) */
    TRY_INSN(".option push\n.option rvc\nc.fldsp ft0, 0(sp)\n.option pop");
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, CAUSE_ILLEGAL);
    TRY_INSN(".option push\n.option rvc\nc.fsdsp ft0, 0(sp)\n.option pop");
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.cause, CAUSE_ILLEGAL);
    CHECK_EQ(get_fs(), 0);
    CHECK_EQ(csr_read(mstatus) >> 63, 0);
    CHECK_EQ(enter_mode(PRV_S, s_fs_off, 0), 0);

    /* writes of FP state: Dirty */
    static const char *const what[] = { "fadd", "fmv.w.x", "flw", "fflags",
                                        "frm", "fcvt" };
    for (unsigned from = 1; from <= 2; from++) {
        for (unsigned i = 0; i < 6; i++) {
            uint64_t m;

            test_case(what[i], from);
            set_fs(from);
            CHECK_EQ(get_fs(), from);
            switch (i) {
            case 0:
                __asm__ volatile("fadd.d ft0, ft1, ft2" : : : "ft0");
                break;
            case 1:
                __asm__ volatile("fmv.w.x ft0, zero" : : : "ft0");
                break;
            case 2:
                __asm__ volatile("flw ft0, 0(sp)" : : : "ft0", "memory");
                break;
            case 3:
                csr_write(fflags, 0);
                break;
            case 4:
                csr_write(frm, 0);
                break;
            default:
                __asm__ volatile("fcvt.s.l ft0, zero" : : : "ft0");
                break;
            }
            m = csr_read(mstatus);
            CHECK_EQ((m >> 13) & 3, 3);
            CHECK_EQ(m >> 63, 1);
            CHECK_EQ(csr_read(sstatus) >> 63, 1);
        }
    }
    set_fs(1);
}

int main(void)
{
    csr_write(fcsr, 0);
    check_table();
    check_reserved_rm();
    check_load_store();
    check_fs();
    return 0;
}
