/*
 * fpu.c - IEEE 754-2008 arithmetic for the F and D extensions of the
 * RISC-V hart, in software with integer arithmetic only, so results and
 * flags are the same on every host.  Semantics follow the RISC-V
 * unprivileged spec, chapters "F" and "D": the five rounding modes,
 * tininess detected after rounding, canonical NaN results, NaN boxing of
 * singles, minimumNumber/maximumNumber for fmin/fmax, saturating
 * float-to-integer conversions, and fused multiply-add rounded once.
 *
 * Every operation works on an exact (or exact-plus-sticky) intermediate
 * held in a 64- or 128-bit integer and rounds it once in fp_round_pack().
 *
 * In front of that, add/sub/mul/div/sqrt and the fused multiply-adds have
 * a fast path on the host FPU ("hardfloat", see hf_* below) for the cases
 * where its result and flags are provably the ones the spec asks for; all
 * other cases take the soft-float path.  This file is compiled with
 * -ffp-contract=off so the compiler does not fuse the host operations.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fpu.h"

typedef unsigned __int128 u128;

/* A binary interchange format: precision (with the hidden bit) and
 * exponent field width; bias = 2^(ebits-1) - 1, emin = 1 - bias. */
typedef struct FpFmt {
    unsigned p;
    unsigned ebits;
    int bias;
} FpFmt;

static const FpFmt fmt_s = { 24, 8, 127 };
static const FpFmt fmt_d = { 53, 11, 1023 };

typedef enum { FP_ZERO, FP_FINITE, FP_INF, FP_QNAN, FP_SNAN } FpClass;

/*
 * An unpacked value.  FP_FINITE (non-zero): value = sig * 2^(exp - 63)
 * with bit 63 of sig set, i.e. exp is the exponent of the leading bit.
 */
typedef struct FpVal {
    FpClass cls;
    bool sign;
    int exp;
    uint64_t sig;
} FpVal;

static inline uint64_t fmt_sign_bit(const FpFmt *f)
{
    return 1ull << (f->p - 1 + f->ebits);
}

static inline uint64_t fmt_frac_mask(const FpFmt *f)
{
    return (1ull << (f->p - 1)) - 1;
}

static inline unsigned fmt_emax_field(const FpFmt *f)
{
    return (1u << f->ebits) - 1;
}

static inline uint64_t fmt_canon(const FpFmt *f)
{
    return f == &fmt_s ? FPU_CANON_S : FPU_CANON_D;
}

static inline uint64_t fmt_inf(const FpFmt *f, bool sign)
{
    return (sign ? fmt_sign_bit(f) : 0) |
           (uint64_t)fmt_emax_field(f) << (f->p - 1);
}

static inline uint64_t fmt_zero(const FpFmt *f, bool sign)
{
    return sign ? fmt_sign_bit(f) : 0;
}

static FpVal fp_unpack(const FpFmt *f, uint64_t bits)
{
    FpVal v = { 0 };
    unsigned bexp = (bits >> (f->p - 1)) & fmt_emax_field(f);
    uint64_t frac = bits & fmt_frac_mask(f);

    v.sign = (bits & fmt_sign_bit(f)) != 0;
    if (bexp == fmt_emax_field(f)) {
        if (frac == 0) {
            v.cls = FP_INF;
        } else {
            v.cls = (frac >> (f->p - 2)) & 1 ? FP_QNAN : FP_SNAN;
        }
    } else if (bexp == 0) {
        if (frac == 0) {
            v.cls = FP_ZERO;
        } else {
            /* subnormal: frac * 2^(emin - (p - 1)) */
            int msb = 63 - __builtin_clzll(frac);
            v.cls = FP_FINITE;
            v.sig = frac << (63 - msb);
            v.exp = (1 - f->bias) - (int)(f->p - 1) + msb;
        }
    } else {
        v.cls = FP_FINITE;
        v.sig = (frac | (1ull << (f->p - 1))) << (64 - f->p);
        v.exp = (int)bexp - f->bias;
    }
    return v;
}

static inline bool fp_is_nan(const FpVal *v)
{
    return v->cls == FP_QNAN || v->cls == FP_SNAN;
}

/* Resolve the rm operand (the translator validated it). */
static unsigned fp_rm(RiscvCpu *env, uint32_t rm)
{
    if (rm == RM_DYN) {
        rm = env->frm;
    }
    return rm <= RM_RMM ? rm : RM_RNE;
}

/*
 * sig / 2^n rounded to an integer per @rm (@sign: the value's sign, for
 * the directed modes); *inexact tells whether bits were lost.  Any n.
 */
static uint64_t fp_shift_round(uint64_t sig, unsigned n, bool sign,
                               unsigned rm, bool *inexact)
{
    uint64_t q;
    bool round_bit, sticky, inc = false;

    if (n == 0) {
        *inexact = false;
        return sig;
    }
    if (n > 64) {
        q = 0;
        round_bit = false;
        sticky = sig != 0;
    } else if (n == 64) {
        q = 0;
        round_bit = sig >> 63;
        sticky = (sig << 1) != 0;
    } else {
        q = sig >> n;
        round_bit = (sig >> (n - 1)) & 1;
        sticky = (sig & ((1ull << (n - 1)) - 1)) != 0;
    }
    *inexact = round_bit || sticky;
    switch (rm) {
    case RM_RNE:
        inc = round_bit && (sticky || (q & 1));
        break;
    case RM_RTZ:
        break;
    case RM_RDN:
        inc = *inexact && sign;
        break;
    case RM_RUP:
        inc = *inexact && !sign;
        break;
    case RM_RMM:
        inc = round_bit;
        break;
    }
    return q + inc;
}

/*
 * Round sig * 2^(exp - 63) (bit 63 of sig set; lower bits may hold a
 * sticky bit) to format @f and encode it, accruing flags.
 */
static uint64_t fp_round_pack(const FpFmt *f, bool sign, int exp,
                              uint64_t sig, unsigned rm, uint32_t *flags)
{
    const int emin = 1 - f->bias;
    const int emax = f->bias;
    const unsigned shift = 64 - f->p;
    uint64_t s = sign ? fmt_sign_bit(f) : 0;
    uint64_t m;
    bool inexact;

    if (exp >= emin) {
        m = fp_shift_round(sig, shift, sign, rm, &inexact);
        if (m >> f->p) {        /* carried out: 2^p */
            m >>= 1;
            exp++;
        }
        if (exp > emax) {
            bool to_inf = rm == RM_RNE || rm == RM_RMM ||
                          (rm == RM_RDN && sign) || (rm == RM_RUP && !sign);
            *flags |= FFLAG_OF | FFLAG_NX;
            if (to_inf) {
                return fmt_inf(f, sign);
            }
            return s | (uint64_t)(emax + f->bias) << (f->p - 1) |
                   fmt_frac_mask(f);
        }
        if (inexact) {
            *flags |= FFLAG_NX;
        }
        return s | (uint64_t)(exp + f->bias) << (f->p - 1) |
               (m & fmt_frac_mask(f));
    }

    /*
     * Below the normal range.  Tininess after rounding: the value is tiny
     * unless rounding it to p bits with an unbounded exponent reaches
     * 2^emin, which only happens from exp == emin - 1 with a carry.
     */
    bool tiny = true;
    if (exp == emin - 1) {
        bool dummy;
        m = fp_shift_round(sig, shift, sign, rm, &dummy);
        tiny = !(m >> f->p);
    }
    /* The subnormal encoding: a carry into bit p-1 yields the smallest
     * normal number's encoding by itself. */
    unsigned n = shift + (unsigned)(emin - exp);
    m = fp_shift_round(sig, n, sign, rm, &inexact);
    if (inexact) {
        *flags |= FFLAG_NX;
        if (tiny) {
            *flags |= FFLAG_UF;
        }
    }
    return s | m;
}

static inline int clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* Shift right by @n, ORing the lost bits into bit 0 (sticky). */
static inline u128 shift_right_jam128(u128 x, unsigned n)
{
    if (n == 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

/* Round the non-zero sig * 2^lsb_exp to format @f. */
static uint64_t fp_round_pack128(const FpFmt *f, bool sign, int lsb_exp,
                                 u128 sig, unsigned rm, uint32_t *flags)
{
    int msb = 127 - clz128(sig);
    uint64_t s64;

    if (msb > 63) {
        s64 = (uint64_t)shift_right_jam128(sig, (unsigned)(msb - 63));
    } else {
        s64 = (uint64_t)sig << (63 - msb);
    }
    return fp_round_pack(f, sign, lsb_exp + msb, s64, rm, flags);
}

/* Encode any non-NaN unpacked value (finite ones rounded). */
static uint64_t fp_pack(const FpFmt *f, const FpVal *v, unsigned rm,
                        uint32_t *flags)
{
    switch (v->cls) {
    case FP_ZERO:
        return fmt_zero(f, v->sign);
    case FP_INF:
        return fmt_inf(f, v->sign);
    case FP_FINITE:
        return fp_round_pack(f, v->sign, v->exp, v->sig, rm, flags);
    default:
        return fmt_canon(f);
    }
}

/* NaN operands: NV for a signalling one; the result is the canonical
 * NaN.  Returns true (with *res set) when an operand is a NaN. */
static bool fp_nan_operands(const FpFmt *f, const FpVal *v, unsigned n,
                            uint64_t *res, uint32_t *flags)
{
    bool nan = false;

    for (unsigned i = 0; i < n; i++) {
        if (v[i].cls == FP_SNAN) {
            *flags |= FFLAG_NV;
        }
        nan |= fp_is_nan(&v[i]);
    }
    if (nan) {
        *res = fmt_canon(f);
    }
    return nan;
}

static uint64_t fp_invalid(const FpFmt *f, uint32_t *flags)
{
    *flags |= FFLAG_NV;
    return fmt_canon(f);
}

/* The exact sum of two finite non-zero values, rounded. */
static uint64_t fp_add_finite(const FpFmt *f, FpVal a, FpVal b,
                              unsigned rm, uint32_t *flags)
{
    u128 x, y, sum;
    bool sign;

    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        FpVal t = a;
        a = b;
        b = t;
    }
    /* |a| >= |b|; both leading bits at 125, b aligned to a */
    x = (u128)a.sig << 62;
    y = shift_right_jam128((u128)b.sig << 62, (unsigned)(a.exp - b.exp));
    sign = a.sign;
    if (a.sign == b.sign) {
        sum = x + y;
    } else {
        sum = x - y;
        if (sum == 0) {
            return fmt_zero(f, rm == RM_RDN);
        }
    }
    return fp_round_pack128(f, sign, a.exp - 125, sum, rm, flags);
}

static uint64_t fp_add(const FpFmt *f, uint64_t abits, uint64_t bbits,
                       bool negate_b, unsigned rm, uint32_t *flags)
{
    FpVal v[2] = { fp_unpack(f, abits), fp_unpack(f, bbits) };
    uint64_t res;

    v[1].sign ^= negate_b;
    if (fp_nan_operands(f, v, 2, &res, flags)) {
        return res;
    }
    if (v[0].cls == FP_INF) {
        if (v[1].cls == FP_INF && v[0].sign != v[1].sign) {
            return fp_invalid(f, flags);
        }
        return fmt_inf(f, v[0].sign);
    }
    if (v[1].cls == FP_INF) {
        return fmt_inf(f, v[1].sign);
    }
    if (v[0].cls == FP_ZERO && v[1].cls == FP_ZERO) {
        if (v[0].sign == v[1].sign) {
            return fmt_zero(f, v[0].sign);
        }
        return fmt_zero(f, rm == RM_RDN);
    }
    if (v[0].cls == FP_ZERO) {
        return fp_pack(f, &v[1], rm, flags);
    }
    if (v[1].cls == FP_ZERO) {
        return fp_pack(f, &v[0], rm, flags);
    }
    return fp_add_finite(f, v[0], v[1], rm, flags);
}

static uint64_t fp_mul(const FpFmt *f, uint64_t abits, uint64_t bbits,
                       unsigned rm, uint32_t *flags)
{
    FpVal v[2] = { fp_unpack(f, abits), fp_unpack(f, bbits) };
    bool sign = v[0].sign ^ v[1].sign;
    uint64_t res;

    if (fp_nan_operands(f, v, 2, &res, flags)) {
        return res;
    }
    if (v[0].cls == FP_INF || v[1].cls == FP_INF) {
        if (v[0].cls == FP_ZERO || v[1].cls == FP_ZERO) {
            return fp_invalid(f, flags);
        }
        return fmt_inf(f, sign);
    }
    if (v[0].cls == FP_ZERO || v[1].cls == FP_ZERO) {
        return fmt_zero(f, sign);
    }
    return fp_round_pack128(f, sign, v[0].exp + v[1].exp - 126,
                            (u128)v[0].sig * v[1].sig, rm, flags);
}

static uint64_t fp_div(const FpFmt *f, uint64_t abits, uint64_t bbits,
                       unsigned rm, uint32_t *flags)
{
    FpVal v[2] = { fp_unpack(f, abits), fp_unpack(f, bbits) };
    bool sign = v[0].sign ^ v[1].sign;
    uint64_t res;
    u128 n, q;

    if (fp_nan_operands(f, v, 2, &res, flags)) {
        return res;
    }
    if (v[0].cls == FP_INF) {
        if (v[1].cls == FP_INF) {
            return fp_invalid(f, flags);
        }
        return fmt_inf(f, sign);
    }
    if (v[1].cls == FP_INF) {
        return fmt_zero(f, sign);
    }
    if (v[1].cls == FP_ZERO) {
        if (v[0].cls == FP_ZERO) {
            return fp_invalid(f, flags);
        }
        *flags |= FFLAG_DZ;
        return fmt_inf(f, sign);
    }
    if (v[0].cls == FP_ZERO) {
        return fmt_zero(f, sign);
    }
    /* (a.sig * 2^64) / b.sig: a quotient of 64 or 65 bits, the remainder
     * as a sticky bit */
    n = (u128)v[0].sig << 64;
    q = n / v[1].sig;
    q |= (n % v[1].sig) != 0;
    return fp_round_pack128(f, sign, v[0].exp - v[1].exp - 64, q, rm, flags);
}

/* floor(sqrt(x)); *exact tells whether the root is exact. */
static uint64_t isqrt128(u128 x, bool *exact)
{
    u128 rem = x, res = 0, one = (u128)1 << 126;

    while (one > rem) {
        one >>= 2;
    }
    while (one) {
        if (rem >= res + one) {
            rem -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *exact = rem == 0;
    return (uint64_t)res;
}

static uint64_t fp_sqrt(const FpFmt *f, uint64_t abits, unsigned rm,
                        uint32_t *flags)
{
    FpVal v = fp_unpack(f, abits);
    uint64_t res;
    unsigned k;
    bool exact;

    if (fp_nan_operands(f, &v, 1, &res, flags)) {
        return res;
    }
    if (v.cls == FP_ZERO) {
        return fmt_zero(f, v.sign);
    }
    if (v.sign) {
        return fp_invalid(f, flags);
    }
    if (v.cls == FP_INF) {
        return fmt_inf(f, false);
    }
    /* value = (sig << k) * 2^(exp - 63 - k) with an even exponent; the
     * root of a 126/127-bit integer has 63/64 bits */
    k = ((v.exp - 63) & 1) ? 63 : 62;
    res = isqrt128((u128)v.sig << k, &exact);
    return fp_round_pack128(f, false, (v.exp - 63 - (int)k) / 2,
                            (u128)(res | !exact), rm, flags);
}

/* (-1)^neg_prod * a * b + (-1)^neg_c * c, rounded once. */
static uint64_t fp_fma(const FpFmt *f, uint64_t abits, uint64_t bbits,
                       uint64_t cbits, bool neg_prod, bool neg_c,
                       unsigned rm, uint32_t *flags)
{
    FpVal v[3] = { fp_unpack(f, abits), fp_unpack(f, bbits),
                   fp_unpack(f, cbits) };
    bool psign = v[0].sign ^ v[1].sign ^ neg_prod;
    bool csign = v[2].sign ^ neg_c;
    bool pinf = v[0].cls == FP_INF || v[1].cls == FP_INF;
    bool pzero = v[0].cls == FP_ZERO || v[1].cls == FP_ZERO;
    uint64_t res;
    u128 p, c, x, y, sum;
    int pexp, xexp, d;
    bool xsign, ysign;

    /* inf * 0 is invalid even when the addend is a quiet NaN */
    if (pinf && pzero) {
        fp_nan_operands(f, v, 3, &res, flags);
        return fp_invalid(f, flags);
    }
    if (fp_nan_operands(f, v, 3, &res, flags)) {
        return res;
    }
    if (pinf) {
        if (v[2].cls == FP_INF && csign != psign) {
            return fp_invalid(f, flags);
        }
        return fmt_inf(f, psign);
    }
    if (v[2].cls == FP_INF) {
        return fmt_inf(f, csign);
    }
    if (pzero) {
        if (v[2].cls == FP_ZERO) {
            if (psign == csign) {
                return fmt_zero(f, psign);
            }
            return fmt_zero(f, rm == RM_RDN);
        }
        v[2].sign = csign;
        return fp_pack(f, &v[2], rm, flags);
    }
    p = (u128)v[0].sig * v[1].sig; /* value p * 2^(pexp - 126) */
    pexp = v[0].exp + v[1].exp;
    if (v[2].cls == FP_ZERO) {
        return fp_round_pack128(f, psign, pexp - 126, p, rm, flags);
    }
    /*
     * Leading bits of both at bit 125.  The product has at least 20 zero
     * bits at the bottom and the addend 73, so an alignment shift of up
     * to 20 is exact; beyond it, the smaller operand is under half the
     * larger one, at most one bit cancels, and the sticky bit lies far
     * below the rounding position.
     */
    if (p >> 127) {
        p >>= 2;
        pexp += 1;  /* leading bit exponent: pexp + 1 */
    } else {
        p >>= 1;
    }
    /* now p * 2^(pexp - 125) with the leading bit at 125 */
    c = (u128)v[2].sig << 62; /* c * 2^(c.exp - 125) */
    d = pexp - v[2].exp;
    if (d >= 0) {
        x = p;
        xexp = pexp;
        xsign = psign;
        y = shift_right_jam128(c, (unsigned)d);
        ysign = csign;
    } else {
        x = c;
        xexp = v[2].exp;
        xsign = csign;
        y = shift_right_jam128(p, (unsigned)-d);
        ysign = psign;
    }
    if (xsign == ysign) {
        sum = x + y;
    } else if (x >= y) {
        sum = x - y;
    } else {
        sum = y - x;
        xsign = ysign;
    }
    if (sum == 0) {
        return fmt_zero(f, rm == RM_RDN);
    }
    return fp_round_pack128(f, xsign, xexp - 125, sum, rm, flags);
}

/* Total order key of a non-NaN value (-0 below +0). */
static uint64_t fp_order_key(const FpFmt *f, uint64_t bits)
{
    uint64_t sb = fmt_sign_bit(f);
    return (bits & sb) ? ~bits & (sb | (sb - 1)) : bits | sb;
}

/* minimumNumber (is_max false) / maximumNumber */
static uint64_t fp_minmax(const FpFmt *f, uint64_t abits, uint64_t bbits,
                          bool is_max, uint32_t *flags)
{
    FpVal a = fp_unpack(f, abits), b = fp_unpack(f, bbits);
    bool a_lt_b;

    if (a.cls == FP_SNAN || b.cls == FP_SNAN) {
        *flags |= FFLAG_NV;
    }
    if (fp_is_nan(&a) && fp_is_nan(&b)) {
        return fmt_canon(f);
    }
    if (fp_is_nan(&a)) {
        return bbits;
    }
    if (fp_is_nan(&b)) {
        return abits;
    }
    a_lt_b = fp_order_key(f, abits) < fp_order_key(f, bbits);
    return (a_lt_b != is_max) ? abits : bbits;
}

enum { CMP_EQ, CMP_LT, CMP_LE };

static uint64_t fp_compare(const FpFmt *f, uint64_t abits, uint64_t bbits,
                           int op, uint32_t *flags)
{
    FpVal a = fp_unpack(f, abits), b = fp_unpack(f, bbits);
    uint64_t ka, kb;

    if (fp_is_nan(&a) || fp_is_nan(&b)) {
        /* feq is quiet; flt and fle signal on any NaN */
        if (op != CMP_EQ || a.cls == FP_SNAN || b.cls == FP_SNAN) {
            *flags |= FFLAG_NV;
        }
        return 0;
    }
    if (a.cls == FP_ZERO && b.cls == FP_ZERO) {
        return op != CMP_LT;
    }
    ka = fp_order_key(f, abits);
    kb = fp_order_key(f, bbits);
    switch (op) {
    case CMP_EQ:
        return ka == kb;
    case CMP_LT:
        return ka < kb;
    default:
        return ka <= kb;
    }
}

static uint64_t fp_classify(const FpFmt *f, uint64_t bits)
{
    FpVal v = fp_unpack(f, bits);
    unsigned bexp = (bits >> (f->p - 1)) & fmt_emax_field(f);

    switch (v.cls) {
    case FP_INF:
        return v.sign ? 1u << 0 : 1u << 7;
    case FP_ZERO:
        return v.sign ? 1u << 3 : 1u << 4;
    case FP_SNAN:
        return 1u << 8;
    case FP_QNAN:
        return 1u << 9;
    default:
        if (bexp == 0) {
            return v.sign ? 1u << 2 : 1u << 5;
        }
        return v.sign ? 1u << 1 : 1u << 6;
    }
}

typedef enum { INT_W, INT_WU, INT_L, INT_LU } IntKind;

/* Float to integer, saturating, as the spec's conversion table says;
 * W/WU results are sign-extended from 32 bits. */
static uint64_t fp_to_int(const FpFmt *f, uint64_t bits, IntKind kind,
                          unsigned rm, uint32_t *flags)
{
    static const uint64_t max_pos[] = {
        [INT_W] = INT32_MAX, [INT_WU] = UINT32_MAX,
        [INT_L] = INT64_MAX, [INT_LU] = UINT64_MAX,
    };
    static const uint64_t max_neg[] = {  /* magnitude */
        [INT_W] = 1ull << 31, [INT_WU] = 0,
        [INT_L] = 1ull << 63, [INT_LU] = 0,
    };
    FpVal v = fp_unpack(f, bits);
    uint64_t mag = 0, res;
    bool inexact = false, overflow;

    switch (v.cls) {
    case FP_QNAN:
    case FP_SNAN:
        overflow = true;
        v.sign = false;
        break;
    case FP_INF:
        overflow = true;
        break;
    case FP_ZERO:
        return 0;
    default:
        if (v.exp >= 64) {
            overflow = true;
            break;
        }
        mag = fp_shift_round(v.sig, (unsigned)(63 - v.exp), v.sign, rm,
                             &inexact);
        overflow = mag > (v.sign ? max_neg[kind] : max_pos[kind]);
        break;
    }
    if (overflow) {
        *flags |= FFLAG_NV;
        res = v.sign ? -max_neg[kind] : max_pos[kind];
    } else {
        if (inexact) {
            *flags |= FFLAG_NX;
        }
        res = v.sign ? -mag : mag;
    }
    if (kind == INT_W || kind == INT_WU) {
        res = (uint64_t)(int64_t)(int32_t)res;
    }
    return res;
}

static uint64_t fp_from_int(const FpFmt *f, uint64_t x, bool is_signed,
                            unsigned rm, uint32_t *flags)
{
    bool sign = is_signed && (int64_t)x < 0;
    uint64_t mag = sign ? -x : x;

    if (mag == 0) {
        return 0;
    }
    return fp_round_pack128(f, sign, 0, mag, rm, flags);
}


/* ------------------------------------------------ host FPU fast path */

/*
 * The host (x86-64 SSE; C float/double arithmetic and libm's fma(),
 * correctly rounded, in the default round-to-nearest-even mode without
 * flush-to-zero) gives the IEEE result of an operation.  Its value is the
 * RISC-V value when the effective rounding mode is RNE and no NaN is
 * involved; the flags are harder, so the fast path is taken only when
 * they are known without looking at the host's:
 *  - fflags.NX is already set (hf_usable()), so whether this operation
 *    is inexact does not matter (the guest cannot tell);
 *  - the inputs are zero or normal (no NaN, infinity or subnormal), so
 *    NV can only come from inf-inf, 0*inf, 0/0, sqrt(-x), which the
 *    input checks exclude, and DZ only from x/0, excluded too;
 *  - the result is normal and larger in magnitude than the smallest
 *    normal (so no OF: not infinite; no UF: with tininess detected after
 *    rounding, a result of exactly the smallest normal may still be tiny),
 *    or a zero that is exact (the checks per operation say when).
 * Everything else returns false and the caller runs the soft-float path.
 * riscv_fpu_hardfloat = false turns the fast path off (the differential
 * test in tests/riscv/fpu-test.c compares the two).  It starts off where
 * C arithmetic has excess precision (x87), and hf_host_check() turns it
 * off if the host FPU is not in the default state (round to nearest, no
 * flush-to-zero or denormals-are-zero) when the plugin is loaded; nothing
 * in breadboard changes that state.
 */
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ == 0
bool riscv_fpu_hardfloat = true;
#else
bool riscv_fpu_hardfloat = false;
#endif

bool riscv_fpu_host_fma;        /* use FMA3 (hf_fma_fn_d) */

__attribute__((constructor)) static void hf_host_check(void)
{
    volatile double one = 1.0, tiny = 0x1p-1022, half = 0.5, two = 2.0;
    volatile double sub = 0x1p-1074;

    if (one + 0x1p-53 != one || one - 0x1p-54 != one ||   /* not RNE */
        tiny * half == 0 ||                               /* FTZ */
        sub * two == 0) {                                 /* DAZ */
        riscv_fpu_hardfloat = false;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    riscv_fpu_host_fma = __builtin_cpu_supports("fma");
#endif
}

static inline bool hf_usable(const RiscvCpu *s, uint32_t rm)
{
    return (s->fflags & FFLAG_NX) &&
           (rm == RM_RNE || (rm == RM_DYN && s->frm == RM_RNE)) &&
           riscv_fpu_hardfloat;
}

/*
 * Per format @sfx (d: double in uint64_t, s: float in uint32_t):
 * hf_in: zero or normal; hf_zero: +-0; hf_out: normal and above the
 * smallest normal, finite.
 */
#define HF_FORMAT_(sfx, T, U, EMASK, MINNORM)                                 \
    static inline T hf_val_##sfx(U x)                                         \
    {                                                                         \
        T v;                                                                  \
        memcpy(&v, &x, sizeof(v));                                            \
        return v;                                                             \
    }                                                                         \
    static inline U hf_bits_##sfx(T v)                                        \
    {                                                                         \
        U x;                                                                  \
        memcpy(&x, &v, sizeof(x));                                            \
        return x;                                                             \
    }                                                                         \
    static inline bool hf_zero_##sfx(U x)                                     \
    {                                                                         \
        return (U)(x << 1) == 0;                                              \
    }                                                                         \
    static inline bool hf_in_##sfx(U x)                                       \
    {                                                                         \
        U e = x & (EMASK);                                                    \
        return (e != 0 && e != (EMASK)) || hf_zero_##sfx(x);                  \
    }                                                                         \
    static inline bool hf_out_##sfx(U x)                                      \
    {                                                                         \
        U m = (U)(x << 1) >> 1;                                               \
        return m > (MINNORM) && m < (EMASK);                                  \
    }                                                                         \
    /* a + b: a zero sum of zero/normal operands is exact (no underflow   \
     * to zero: every such sum is a multiple of the smallest subnormal). */ \
    static inline bool hf_add_##sfx(U a, U b, bool sub, U *res)               \
    {                                                                         \
        T x = hf_val_##sfx(a), y = hf_val_##sfx(b);                           \
        if (!hf_in_##sfx(a) || !hf_in_##sfx(b)) {                             \
            return false;                                                     \
        }                                                                     \
        *res = hf_bits_##sfx(sub ? x - y : x + y);                            \
        return hf_out_##sfx(*res) || hf_zero_##sfx(*res);                     \
    }                                                                         \
    /* a * b: zero only when an operand is (otherwise it underflowed). */     \
    static inline bool hf_mul_##sfx(U a, U b, U *res)                         \
    {                                                                         \
        if (!hf_in_##sfx(a) || !hf_in_##sfx(b)) {                             \
            return false;                                                     \
        }                                                                     \
        *res = hf_bits_##sfx(hf_val_##sfx(a) * hf_val_##sfx(b));              \
        return hf_out_##sfx(*res) || hf_zero_##sfx(a) || hf_zero_##sfx(b);    \
    }                                                                         \
    /* a / b, b normal: zero only when a is. */                               \
    static inline bool hf_div_##sfx(U a, U b, U *res)                         \
    {                                                                         \
        if (!hf_in_##sfx(a) || !hf_in_##sfx(b) || hf_zero_##sfx(b)) {        \
            return false;                                                     \
        }                                                                     \
        *res = hf_bits_##sfx(hf_val_##sfx(a) / hf_val_##sfx(b));              \
        return hf_out_##sfx(*res) || hf_zero_##sfx(a);                        \
    }                                                                         \
    /* sqrt of +normal is normal; sqrt(+-0) = +-0 exactly. */                 \
    static inline bool hf_sqrt_##sfx(U a, U *res)                             \
    {                                                                         \
        if (!hf_in_##sfx(a) || (a >> (sizeof(U) * 8 - 1) &&                   \
                                !hf_zero_##sfx(a))) {                         \
            return false;                                                     \
        }                                                                     \
        *res = hf_bits_##sfx(hf_sqrt_fn_##sfx(hf_val_##sfx(a)));              \
        return true;                                                          \
    }                                                                         \
    /* (+-a) * b + (+-c), rounded once: zero only when a or b is zero     \
     * (then the sum is +-c or a signed zero, exact; otherwise an exact   \
     * product far below the smallest normal may have been rounded). */   \
    static inline bool hf_fma_##sfx(U a, U b, U c, bool np, bool nc, U *res) \
    {                                                                         \
        T x = hf_val_##sfx(a), y = hf_val_##sfx(b), z = hf_val_##sfx(c);      \
        if (!hf_in_##sfx(a) || !hf_in_##sfx(b) || !hf_in_##sfx(c)) {         \
            return false;                                                     \
        }                                                                     \
        *res = hf_bits_##sfx(hf_fma_fn_##sfx(np ? -x : x, y, nc ? -z : z));   \
        return hf_out_##sfx(*res) || hf_zero_##sfx(a) || hf_zero_##sfx(b);   \
    }

/*
 * The builtins: <math.h> would clash with FP_ZERO & co. above.  Fused
 * multiply-add: FMA3 is not baseline x86-64, so without it the builtin is
 * a call to libm's fma() (correctly rounded on every host, through a PLT
 * and an ifunc); with it the instruction
 * itself (riscv_fpu_host_fma, checked at load), about 5% faster on the
 * fp benchmark.
 */
#define hf_sqrt_fn_d __builtin_sqrt
#define hf_sqrt_fn_s __builtin_sqrtf
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("fma"))) static double hf_fma3_d(double a, double b,
                                                        double c)
{
    return __builtin_fma(a, b, c);
}

__attribute__((target("fma"))) static float hf_fma3_s(float a, float b,
                                                       float c)
{
    return __builtin_fmaf(a, b, c);
}

#define hf_fma_fn_d(a, b, c)                                                  \
    (riscv_fpu_host_fma ? hf_fma3_d(a, b, c) : __builtin_fma(a, b, c))
#define hf_fma_fn_s(a, b, c)                                                  \
    (riscv_fpu_host_fma ? hf_fma3_s(a, b, c) : __builtin_fmaf(a, b, c))
#else
#define hf_fma_fn_d __builtin_fma
#define hf_fma_fn_s __builtin_fmaf
#endif

HF_FORMAT_(d, double, uint64_t, 0x7ff0000000000000ull, 0x0010000000000000ull)
HF_FORMAT_(s, float, uint32_t, 0x7f800000u, 0x00800000u)

#undef HF_FORMAT_

/* --------------------------------------------------------- the helpers */

static inline uint64_t unbox_s(uint64_t v)
{
    return (v >> 32) == 0xffffffffu ? (uint32_t)v : FPU_CANON_S;
}

static inline uint64_t box_s(uint64_t v)
{
    return FPU_BOX_S | (uint32_t)v;
}

void riscv_helper_check_frm(void *env, uint32_t insn)
{
    RiscvCpu *s = env;

    if (s->frm > RM_RMM) {
        bb_cpu_raise_exception((BbCpu *)s, EXC_ILLEGAL_INSN, insn,
                               (uintptr_t)__builtin_return_address(0));
    }
}

const BbTcgHelper riscv_h_check_frm = {
    .fn = riscv_helper_check_frm, .name = "riscv_check_frm",
    .flags = BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS,
    .ret = BB_TCG_TYPE_VOID, .nargs = 2,
    .args = { BB_TCG_TYPE_PTR, BB_TCG_TYPE_I32 },
};

/* Helpers touch env->frm/fflags only: no globals, no exceptions. */
#define FPU_FLAGS_                                                            \
    (BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS |            \
     BB_TCG_CALL_NO_RAISE)
#define FPU_HELPER_(nm, flg, n, ...)                                          \
    const BbTcgHelper riscv_h_##nm = {                                        \
        .fn = riscv_helper_##nm, .name = "riscv_" #nm, .flags = (flg),        \
        .ret = BB_TCG_TYPE_I64, .nargs = (n), .args = { __VA_ARGS__ },        \
    };

#define ENV_ BB_TCG_TYPE_PTR
#define I64_ BB_TCG_TYPE_I64
#define I32_ BB_TCG_TYPE_I32

/*
 * Wrap an operation for both formats: singles unboxed in, boxed out.
 * @fast(a, b, &res) is the host FPU attempt (hf_*), tried first in RNE.
 */
#define FPU_BINOP_RM_(nm, expr, fast)                                         \
    uint64_t riscv_helper_##nm##_s(void *env, uint64_t a, uint64_t b,         \
                                   uint32_t rm)                               \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        const FpFmt *f = &fmt_s;                                              \
        unsigned r;                                                           \
        uint32_t res;                                                         \
        a = unbox_s(a);                                                       \
        b = unbox_s(b);                                                       \
        if (hf_usable(s, rm) && fast(s, a, b, &res)) {                        \
            return box_s(res);                                                \
        }                                                                     \
        r = fp_rm(s, rm);                                                     \
        return box_s(expr);                                                   \
    }                                                                         \
    uint64_t riscv_helper_##nm##_d(void *env, uint64_t a, uint64_t b,         \
                                   uint32_t rm)                               \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        const FpFmt *f = &fmt_d;                                              \
        unsigned r;                                                           \
        uint64_t res;                                                         \
        if (hf_usable(s, rm) && fast(d, a, b, &res)) {                        \
            return res;                                                       \
        }                                                                     \
        r = fp_rm(s, rm);                                                     \
        return expr;                                                          \
    }                                                                         \
    FPU_HELPER_(nm##_s, FPU_FLAGS_, 4, ENV_, I64_, I64_, I32_)                \
    FPU_HELPER_(nm##_d, FPU_FLAGS_, 4, ENV_, I64_, I64_, I32_)

#define HF_ADD_(sfx, a, b, res) hf_add_##sfx(a, b, false, res)
#define HF_SUB_(sfx, a, b, res) hf_add_##sfx(a, b, true, res)
#define HF_MUL_(sfx, a, b, res) hf_mul_##sfx(a, b, res)
#define HF_DIV_(sfx, a, b, res) hf_div_##sfx(a, b, res)

FPU_BINOP_RM_(fadd, fp_add(f, a, b, false, r, &s->fflags), HF_ADD_)
FPU_BINOP_RM_(fsub, fp_add(f, a, b, true, r, &s->fflags), HF_SUB_)
FPU_BINOP_RM_(fmul, fp_mul(f, a, b, r, &s->fflags), HF_MUL_)
FPU_BINOP_RM_(fdiv, fp_div(f, a, b, r, &s->fflags), HF_DIV_)

#define FPU_FMA_(nm, np, nc)                                                  \
    uint64_t riscv_helper_##nm##_s(void *env, uint64_t a, uint64_t b,         \
                                   uint64_t c, uint32_t rm)                   \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        uint32_t res;                                                         \
        a = unbox_s(a);                                                       \
        b = unbox_s(b);                                                       \
        c = unbox_s(c);                                                       \
        if (hf_usable(s, rm) && hf_fma_s(a, b, c, np, nc, &res)) {           \
            return box_s(res);                                                \
        }                                                                     \
        return box_s(fp_fma(&fmt_s, a, b, c, np, nc, fp_rm(s, rm),            \
                            &s->fflags));                                     \
    }                                                                         \
    uint64_t riscv_helper_##nm##_d(void *env, uint64_t a, uint64_t b,         \
                                   uint64_t c, uint32_t rm)                   \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        uint64_t res;                                                         \
        if (hf_usable(s, rm) && hf_fma_d(a, b, c, np, nc, &res)) {           \
            return res;                                                       \
        }                                                                     \
        return fp_fma(&fmt_d, a, b, c, np, nc, fp_rm(s, rm), &s->fflags);     \
    }                                                                         \
    FPU_HELPER_(nm##_s, FPU_FLAGS_, 5, ENV_, I64_, I64_, I64_, I32_)          \
    FPU_HELPER_(nm##_d, FPU_FLAGS_, 5, ENV_, I64_, I64_, I64_, I32_)

FPU_FMA_(fmadd, false, false)
FPU_FMA_(fmsub, false, true)
FPU_FMA_(fnmsub, true, false)
FPU_FMA_(fnmadd, true, true)

uint64_t riscv_helper_fsqrt_s(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *s = env;
    uint32_t res;

    a = unbox_s(a);
    if (hf_usable(s, rm) && hf_sqrt_s(a, &res)) {
        return box_s(res);
    }
    return box_s(fp_sqrt(&fmt_s, a, fp_rm(s, rm), &s->fflags));
}

uint64_t riscv_helper_fsqrt_d(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *s = env;
    uint64_t res;

    if (hf_usable(s, rm) && hf_sqrt_d(a, &res)) {
        return res;
    }
    return fp_sqrt(&fmt_d, a, fp_rm(s, rm), &s->fflags);
}

FPU_HELPER_(fsqrt_s, FPU_FLAGS_, 3, ENV_, I64_, I32_)
FPU_HELPER_(fsqrt_d, FPU_FLAGS_, 3, ENV_, I64_, I32_)

/* Two operands, no rounding: min/max (f-register result), compares. */
#define FPU_BINOP_(nm, boxed, expr)                                           \
    uint64_t riscv_helper_##nm##_s(void *env, uint64_t a, uint64_t b)         \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        const FpFmt *f = &fmt_s;                                              \
        uint64_t res;                                                         \
        a = unbox_s(a);                                                       \
        b = unbox_s(b);                                                       \
        res = expr;                                                           \
        return boxed ? box_s(res) : res;                                      \
    }                                                                         \
    uint64_t riscv_helper_##nm##_d(void *env, uint64_t a, uint64_t b)         \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        const FpFmt *f = &fmt_d;                                              \
        return expr;                                                          \
    }                                                                         \
    FPU_HELPER_(nm##_s, FPU_FLAGS_, 3, ENV_, I64_, I64_)                      \
    FPU_HELPER_(nm##_d, FPU_FLAGS_, 3, ENV_, I64_, I64_)

FPU_BINOP_(fmin, true, fp_minmax(f, a, b, false, &s->fflags))
FPU_BINOP_(fmax, true, fp_minmax(f, a, b, true, &s->fflags))
FPU_BINOP_(feq, false, fp_compare(f, a, b, CMP_EQ, &s->fflags))
FPU_BINOP_(flt, false, fp_compare(f, a, b, CMP_LT, &s->fflags))
FPU_BINOP_(fle, false, fp_compare(f, a, b, CMP_LE, &s->fflags))

uint64_t riscv_helper_fclass_s(uint64_t a)
{
    return fp_classify(&fmt_s, unbox_s(a));
}

uint64_t riscv_helper_fclass_d(uint64_t a)
{
    return fp_classify(&fmt_d, a);
}

FPU_HELPER_(fclass_s, BB_TCG_CALL_PURE, 1, I64_)
FPU_HELPER_(fclass_d, BB_TCG_CALL_PURE, 1, I64_)

/* Float to integer. */
#define FPU_TO_INT_(nm, kind)                                                 \
    uint64_t riscv_helper_##nm##_s(void *env, uint64_t a, uint32_t rm)        \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        return fp_to_int(&fmt_s, unbox_s(a), kind, fp_rm(s, rm),              \
                         &s->fflags);                                         \
    }                                                                         \
    uint64_t riscv_helper_##nm##_d(void *env, uint64_t a, uint32_t rm)        \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        return fp_to_int(&fmt_d, a, kind, fp_rm(s, rm), &s->fflags);          \
    }                                                                         \
    FPU_HELPER_(nm##_s, FPU_FLAGS_, 3, ENV_, I64_, I32_)                      \
    FPU_HELPER_(nm##_d, FPU_FLAGS_, 3, ENV_, I64_, I32_)

FPU_TO_INT_(fcvt_w, INT_W)
FPU_TO_INT_(fcvt_wu, INT_WU)
FPU_TO_INT_(fcvt_l, INT_L)
FPU_TO_INT_(fcvt_lu, INT_LU)

/* Integer to float: @conv turns the x register into the operand. */
#define FPU_FROM_INT_(nm, conv, is_signed)                                    \
    uint64_t riscv_helper_##nm##_s(void *env, uint64_t x, uint32_t rm)        \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        return box_s(fp_from_int(&fmt_s, conv(x), is_signed, fp_rm(s, rm),    \
                                 &s->fflags));                                \
    }                                                                         \
    uint64_t riscv_helper_##nm##_d(void *env, uint64_t x, uint32_t rm)        \
    {                                                                         \
        RiscvCpu *s = env;                                                    \
        return fp_from_int(&fmt_d, conv(x), is_signed, fp_rm(s, rm),          \
                           &s->fflags);                                       \
    }                                                                         \
    FPU_HELPER_(nm##_s, FPU_FLAGS_, 3, ENV_, I64_, I32_)                      \
    FPU_HELPER_(nm##_d, FPU_FLAGS_, 3, ENV_, I64_, I32_)

#define SEXT32_(x) ((uint64_t)(int64_t)(int32_t)(x))
#define ZEXT32_(x) ((uint64_t)(uint32_t)(x))
#define ID64_(x) (x)

FPU_FROM_INT_(fcvt_from_w, SEXT32_, true)
FPU_FROM_INT_(fcvt_from_wu, ZEXT32_, false)
FPU_FROM_INT_(fcvt_from_l, ID64_, true)
FPU_FROM_INT_(fcvt_from_lu, ID64_, false)

uint64_t riscv_helper_fcvt_s_d(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *s = env;
    FpVal v = fp_unpack(&fmt_d, a);
    uint64_t res;

    if (fp_nan_operands(&fmt_s, &v, 1, &res, &s->fflags)) {
        return box_s(res);
    }
    return box_s(fp_pack(&fmt_s, &v, fp_rm(s, rm), &s->fflags));
}

uint64_t riscv_helper_fcvt_d_s(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *s = env;
    FpVal v = fp_unpack(&fmt_s, unbox_s(a));
    uint64_t res;

    if (fp_nan_operands(&fmt_d, &v, 1, &res, &s->fflags)) {
        return res;
    }
    return fp_pack(&fmt_d, &v, fp_rm(s, rm), &s->fflags);
}

FPU_HELPER_(fcvt_s_d, FPU_FLAGS_, 3, ENV_, I64_, I32_)
FPU_HELPER_(fcvt_d_s, FPU_FLAGS_, 3, ENV_, I64_, I32_)
