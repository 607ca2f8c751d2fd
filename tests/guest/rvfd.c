/*
 * rvfd.c - the F and D extensions end to end: every rounding mode
 * (static and dynamic) on a tie, fflags accrual, fused multiply-add
 * rounded once, NaN boxing (flw, fmv.w.x, unboxed operands, fsgnj on an
 * unboxed value), fmv.x.w sign extension, fmin/fmax on signed zeros and
 * NaNs, the fcvt saturation table, fclass, loads/stores (with the
 * compressed forms), mstatus.FS (Off traps, Dirty after a write) and the
 * illegal rounding modes (static 5/6, dynamic with frm 5-7).  Expected
 * values: the RISC-V unprivileged spec (20191213), chapters 11 and 12,
 * and IEEE 754-2008.
 */
#include <stddef.h>
#include <stdint.h>

#include "guest.h"

#define BOX(x) (0xffffffff00000000ul | (uint32_t)(x))

/* f = op(a, b) with an explicit rounding-mode suffix ("" = dynamic) */
#define FOP2(insn, rm, a, b)                                                  \
    ({                                                                        \
        uint64_t r_;                                                          \
        __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn       \
                         " ft2, ft0, ft1" rm "\n\tfmv.x.d %0, ft2"            \
                         : "=r"(r_) : "r"(a), "r"(b) : "ft0", "ft1", "ft2");  \
        r_;                                                                   \
    })
#define FOP3(insn, rm, a, b, c)                                               \
    ({                                                                        \
        uint64_t r_;                                                          \
        __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t"            \
                         "fmv.d.x ft2, %3\n\t" insn " ft3, ft0, ft1, ft2" rm  \
                         "\n\tfmv.x.d %0, ft3"                                \
                         : "=r"(r_) : "r"(a), "r"(b), "r"(c)                  \
                         : "ft0", "ft1", "ft2", "ft3");                       \
        r_;                                                                   \
    })
/* x = op(f) or f = op(f) */
#define FOP1(insn, rm, a)                                                     \
    ({                                                                        \
        uint64_t r_;                                                          \
        __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " ft1, ft0" rm           \
                         "\n\tfmv.x.d %0, ft1"                                \
                         : "=r"(r_) : "r"(a) : "ft0", "ft1");                 \
        r_;                                                                   \
    })
#define F2X(insn, rm, a)                                                      \
    ({                                                                        \
        uint64_t r_;                                                          \
        __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " %0, ft0" rm             \
                         : "=r"(r_) : "r"(a) : "ft0");                        \
        r_;                                                                   \
    })
#define X2F(insn, rm, x)                                                      \
    ({                                                                        \
        uint64_t r_;                                                          \
        __asm__ volatile(insn " ft0, %1" rm "\n\tfmv.x.d %0, ft0"             \
                         : "=r"(r_) : "r"(x) : "ft0");                        \
        r_;                                                                   \
    })
#define CMP(insn, a, b)                                                       \
    ({                                                                        \
        uint64_t r_;                                                          \
        __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn       \
                         " %0, ft0, ft1"                                      \
                         : "=r"(r_) : "r"(a), "r"(b) : "ft0", "ft1");         \
        r_;                                                                   \
    })

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

static uint64_t take_flags(void)
{
    return csr_swap(fflags, 0);
}

static void test_rounding(void)
{
    const uint64_t one = BOX(0x3f800000), half_ulp = BOX(0x33800000);

    /* 1 + 2^-24: a tie */
    take_flags();
    CHECK_EQ(FOP2("fadd.s", ", rne", one, half_ulp), BOX(0x3f800000));
    CHECK_EQ(FOP2("fadd.s", ", rtz", one, half_ulp), BOX(0x3f800000));
    CHECK_EQ(FOP2("fadd.s", ", rdn", one, half_ulp), BOX(0x3f800000));
    CHECK_EQ(FOP2("fadd.s", ", rup", one, half_ulp), BOX(0x3f800001));
    CHECK_EQ(FOP2("fadd.s", ", rmm", one, half_ulp), BOX(0x3f800001));
    CHECK_EQ(take_flags(), NX);
    /* dynamic: frm */
    csr_write(frm, 4);
    CHECK_EQ(FOP2("fadd.s", "", one, half_ulp), BOX(0x3f800001));
    csr_write(frm, 2);
    CHECK_EQ(FOP2("fsub.d", "", 0xbff0000000000000ul, 0x3ca0000000000000ul),
             0xbff0000000000001ul);
    csr_write(frm, 0);
    CHECK_EQ(FOP2("fsub.d", "", 0xbff0000000000000ul, 0x3ca0000000000000ul),
             0xbff0000000000000ul);
    /* 1 - 2^-25: a tie between 1 - 2^-24 and 1 */
    CHECK_EQ(FOP2("fsub.s", ", rne", BOX(0x3f800000), BOX(0x33000000)),
             BOX(0x3f800000));
    CHECK_EQ(FOP2("fsub.s", ", rdn", BOX(0x3f800000), BOX(0x33000000)),
             BOX(0x3f7fffff));
    /* 1/3 */
    CHECK_EQ(FOP2("fdiv.s", ", rup", BOX(0x3f800000), BOX(0x40400000)),
             BOX(0x3eaaaaab));
    CHECK_EQ(FOP2("fdiv.s", ", rtz", BOX(0x3f800000), BOX(0x40400000)),
             BOX(0x3eaaaaaa));
    CHECK_EQ(FOP2("fdiv.d", ", rup", 0x3ff0000000000000ul,
                  0x4008000000000000ul), 0x3fd5555555555556ul);
    CHECK_EQ(FOP2("fdiv.d", ", rtz", 0x3ff0000000000000ul,
                  0x4008000000000000ul), 0x3fd5555555555555ul);
    CHECK_EQ(FOP1("fsqrt.s", ", rup", BOX(0x40000000)), BOX(0x3fb504f4));
    CHECK_EQ(FOP1("fsqrt.d", ", rne", 0x4000000000000000ul),
             0x3ff6a09e667f3bcdul);
    CHECK_EQ(take_flags(), NX);
    /* overflow: inf or the largest finite number */
    CHECK_EQ(FOP2("fmul.s", ", rne", BOX(0x7f7fffff), BOX(0x40000000)),
             BOX(0x7f800000));
    CHECK_EQ(FOP2("fmul.s", ", rtz", BOX(0x7f7fffff), BOX(0x40000000)),
             BOX(0x7f7fffff));
    CHECK_EQ(FOP2("fmul.d", ", rup", 0xffefffffffffffff, 0x4000000000000000),
             0xffefffffffffffff);
    CHECK_EQ(take_flags(), OF | NX);
    /* tiny before rounding, not after: no UF */
    CHECK_EQ(FOP2("fmul.s", ", rne", BOX(0x3fc5a94d), BOX(0x0052e3a6)),
             BOX(0x00800000));
    CHECK_EQ(take_flags(), NX);
    CHECK_EQ(FOP2("fmul.s", ", rtz", BOX(0x3fc5a94d), BOX(0x0052e3a6)),
             BOX(0x007fffff));
    CHECK_EQ(take_flags(), UF | NX);
    CHECK_EQ(FOP2("fdiv.d", "", 0x3ff0000000000000ul, 0), 0x7ff0000000000000);
    CHECK_EQ(take_flags(), DZ);
}

static void test_fma(void)
{
    /* (1+2^-12)^2 - (1+2^-11) = 2^-24: no rounding of the product */
    CHECK_EQ(FOP3("fmadd.s", "", BOX(0x3f800800), BOX(0x3f800800),
                  BOX(0xbf801000)), BOX(0x33800000));
    /* just above a tie: rounding through double would give 1.0 */
    CHECK_EQ(FOP3("fmadd.s", ", rne", BOX(0x3f9f8fb2), BOX(0x334d5cf2),
                  BOX(0x3f800000)), BOX(0x3f800001));
    CHECK_EQ(FOP3("fmadd.d", ", rne", 0x3fff2a7452e6b438ul,
                  0x3c906da16fa1f856ul, 0x3ff0000000000000ul),
             0x3ff0000000000001ul);
    CHECK_EQ(FOP3("fmsub.d", "", 0x3ff0000000000000ul, 0x3ff0000000000000ul,
                  0x3ff0000000000000ul), 0);
    CHECK_EQ(FOP3("fnmadd.s", ", rmm", BOX(0x3f800000), BOX(0x3f800000),
                  BOX(0x33800000)), BOX(0xbf800001));
    CHECK_EQ(FOP3("fnmsub.d", "", 0x4008000000000000ul, 0x3fd5555555555555ul,
                  0x3ff0000000000000ul), 0x3c90000000000000ul);
    CHECK_EQ(take_flags(), NX);
    /* 3 * 0x1.555556p-2 = 1 + 2^-25 exactly */
    CHECK_EQ(FOP3("fmsub.s", "", BOX(0x40400000), BOX(0x3eaaaaab),
                  BOX(0x3f800000)), BOX(0x33000000));
    CHECK_EQ(FOP3("fnmsub.s", "", BOX(0x40400000), BOX(0x3eaaaaab),
                  BOX(0x3f800000)), BOX(0xb3000000));
    CHECK_EQ(take_flags(), 0);
    CHECK_EQ(FOP3("fnmadd.d", ", rmm", 0x3ff0000000000000ul,
                  0x3ff0000000000000ul, 0x3ca0000000000000ul),
             0xbff0000000000001ul);
    CHECK_EQ(take_flags(), NX);
    /* inf * 0 + qNaN: invalid */
    CHECK_EQ(FOP3("fmadd.d", "", 0x7ff0000000000000ul, 0,
                  0x7ff8000000000000ul), 0x7ff8000000000000ul);
    CHECK_EQ(take_flags(), NV);
}

static void test_nan_boxing(void)
{
    static volatile uint64_t mem[2] = { 0x1122334455667788ul, 0 };
    uint64_t r;

    /* unboxed operand = canonical NaN: quiet, no NV */
    CHECK_EQ(FOP2("fadd.s", "", 0x000000003f800000ul, BOX(0x3f800000)),
             BOX(0x7fc00000));
    CHECK_EQ(FOP2("fadd.s", "", BOX(0x7f800001), BOX(0x3f800000)),
             BOX(0x7fc00000));
    CHECK_EQ(take_flags(), NV);
    CHECK_EQ(FOP2("fadd.d", "", 0x7ff0000000000001ul, 0x7ff8000000000123ul),
             0x7ff8000000000000ul);
    CHECK_EQ(take_flags(), NV);
    /* fsgnj.s: fneg.s / fabs.s / fmv.s of an unboxed value */
    CHECK_EQ(FOP2("fsgnjn.s", "", 0x123456783f800000ul,
                  0x123456783f800000ul), BOX(0xffc00000));
    CHECK_EQ(FOP2("fsgnj.s", "", BOX(0xbf800000), 0x0ul), BOX(0x3f800000));
    CHECK_EQ(FOP2("fsgnjx.s", "", BOX(0xbf800000), BOX(0x80000000)),
             BOX(0x3f800000));
    CHECK_EQ(FOP2("fsgnjn.d", "", 0x3ff0000000000000ul, 0),
             0xbff0000000000000ul);
    CHECK_EQ(FOP2("fsgnjx.d", "", 0xbff0000000000000ul, 0x8000000000000000ul),
             0x3ff0000000000000ul);
    CHECK_EQ(take_flags(), 0);
    /* fmv.x.w sign-extends without unboxing; fmv.w.x boxes */
    CHECK_EQ(F2X("fmv.x.w", "", 0x12345678cafef00dul), 0xffffffffcafef00dul);
    CHECK_EQ(X2F("fmv.w.x", "", 0x1234567800000001ul), BOX(0x00000001));
    CHECK_EQ(X2F("fmv.d.x", "", 0x1234567800000001ul), 0x1234567800000001ul);
    /* flw boxes; fsw stores the low half as it is */
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0"
                     : "=r"(r) : "r"(&mem[0]) : "ft0", "memory");
    CHECK_EQ(r, BOX(0x55667788));
    __asm__ volatile("fmv.d.x ft0, %0\n\tfsw ft0, 12(%1)"
                     : : "r"(0xabcdef0112345678ul), "r"(&mem[0])
                     : "ft0", "memory");
    CHECK_EQ(mem[1], 0x1234567800000000ul);
    __asm__ volatile("fld ft0, 0(%1)\n\tfsd ft0, 8(%1)\n\tfmv.x.d %0, ft0"
                     : "=r"(r) : "r"(&mem[0]) : "ft0", "memory");
    CHECK_EQ(r, 0x1122334455667788ul);
    CHECK_EQ(mem[1], 0x1122334455667788ul);
    /* compressed forms: c.fsdsp/c.fldsp, c.fsd/c.fld */
    __asm__ volatile("fmv.d.x fa0, %1\n\taddi sp, sp, -16\n\t"
                     "c.fsdsp fa0, 8(sp)\n\tc.fldsp fa1, 8(sp)\n\t"
                     "addi sp, sp, 16\n\tmv a5, %2\n\tc.fsd fa1, 8(a5)\n\t"
                     "c.fld fa2, 8(a5)\n\tfmv.x.d %0, fa2"
                     : "=r"(r) : "r"(0x400921fb54442d18ul), "r"(&mem[0])
                     : "fa0", "fa1", "fa2", "a5", "memory");
    CHECK_EQ(r, 0x400921fb54442d18ul);
    CHECK_EQ(mem[1], 0x400921fb54442d18ul);
}

static void test_minmax_compare(void)
{
    const uint64_t pz = BOX(0), nz = BOX(0x80000000);

    CHECK_EQ(FOP2("fmin.s", "", pz, nz), nz);
    CHECK_EQ(FOP2("fmax.s", "", nz, pz), pz);
    CHECK_EQ(FOP2("fmin.d", "", 0, 0x8000000000000000ul),
             0x8000000000000000ul);
    CHECK_EQ(FOP2("fmax.d", "", 0x7ff8000000000000ul, 0xc000000000000000ul),
             0xc000000000000000ul);
    CHECK_EQ(FOP2("fmin.s", "", BOX(0x7fc00000), BOX(0x7fc00000)),
             BOX(0x7fc00000));
    CHECK_EQ(take_flags(), 0);
    CHECK_EQ(FOP2("fmin.s", "", BOX(0x7f800001), BOX(0x40000000)),
             BOX(0x40000000));
    CHECK_EQ(take_flags(), NV);
    CHECK_EQ(CMP("feq.s", pz, nz), 1);
    CHECK_EQ(CMP("flt.d", 0x8000000000000000ul, 0), 0);
    CHECK_EQ(CMP("fle.d", 0x8000000000000000ul, 0), 1);
    CHECK_EQ(CMP("feq.d", 0x7ff8000000000000ul, 0x7ff8000000000000ul), 0);
    CHECK_EQ(CMP("fle.s", BOX(0x3f800000), BOX(0x3f800000)), 1);
    CHECK_EQ(take_flags(), 0);
    CHECK_EQ(CMP("flt.s", BOX(0x7fc00000), pz), 0);
    CHECK_EQ(take_flags(), NV);
    CHECK_EQ(CMP("feq.s", BOX(0x7f800001), pz), 0);
    CHECK_EQ(take_flags(), NV);
    CHECK_EQ(CMP("fle.s", pz, BOX(0x7fc00000)), 0);
    CHECK_EQ(take_flags(), NV);
}

static void test_convert(void)
{
    /* saturation */
    CHECK_EQ(F2X("fcvt.w.s", ", rtz", BOX(0x7fc00000)), 0x7ffffffful);
    CHECK_EQ(F2X("fcvt.w.d", ", rtz", 0xfff0000000000000ul),
             0xffffffff80000000ul);
    CHECK_EQ(F2X("fcvt.wu.d", ", rtz", 0x41f0000000000000ul), ~0ul);
    CHECK_EQ(F2X("fcvt.wu.s", ", rne", BOX(0xbf800000)), 0);
    CHECK_EQ(F2X("fcvt.l.d", ", rne", 0x43e0000000000000ul),
             0x7ffffffffffffffful);
    CHECK_EQ(F2X("fcvt.lu.s", ", rne", BOX(0xff800000)), 0);
    CHECK_EQ(take_flags(), NV);
    /* -0.3 to unsigned: RNE rounds to 0 (NX), RDN to -1 (NV) */
    CHECK_EQ(F2X("fcvt.wu.d", ", rne", 0xbfd3333333333333ul), 0);
    CHECK_EQ(take_flags(), NX);
    CHECK_EQ(F2X("fcvt.lu.d", ", rdn", 0xbfd3333333333333ul), 0);
    CHECK_EQ(take_flags(), NV);
    /* 2.5 in every mode */
    CHECK_EQ(F2X("fcvt.l.s", ", rne", BOX(0x40200000)), 2);
    CHECK_EQ(F2X("fcvt.l.s", ", rmm", BOX(0x40200000)), 3);
    CHECK_EQ(F2X("fcvt.w.d", ", rdn", 0xc004000000000000ul), (uint64_t)-3);
    CHECK_EQ(F2X("fcvt.w.d", ", rup", 0xc004000000000000ul), (uint64_t)-2);
    CHECK_EQ(F2X("fcvt.w.d", ", rtz", 0xc004000000000000ul), (uint64_t)-2);
    CHECK_EQ(F2X("fcvt.l.d", "", 0xc3e0000000000000ul), 1ul << 63);
    CHECK_EQ(take_flags(), NX);
    /* integer to float: 2^24 + 1 ties */
    CHECK_EQ(X2F("fcvt.s.w", ", rne", 16777217), BOX(0x4b800000));
    CHECK_EQ(X2F("fcvt.s.w", ", rmm", 16777217), BOX(0x4b800001));
    CHECK_EQ(X2F("fcvt.s.wu", ", rtz", ~0ul), BOX(0x4f7fffff));
    CHECK_EQ(X2F("fcvt.d.lu", ", rne", ~0ul), 0x43f0000000000000ul);
    CHECK_EQ(X2F("fcvt.s.lu", ", rne", ~0ul), BOX(0x5f800000));
    CHECK_EQ(X2F("fcvt.s.lu", ", rtz", ~0ul), BOX(0x5f7fffff));
    CHECK_EQ(X2F("fcvt.s.l", ", rdn", -3ul), BOX(0xc0400000));
    CHECK_EQ(X2F("fcvt.d.w", "", 0x80000000ul), 0xc1e0000000000000ul);
    CHECK_EQ(X2F("fcvt.d.wu", "", 0x80000000ul), 0x41e0000000000000ul);
    CHECK_EQ(X2F("fcvt.d.l", ", rne", (1ul << 53) + 1), 0x4340000000000000ul);
    /* single <-> double */
    CHECK_EQ(FOP1("fcvt.s.d", ", rup", 0x3fd5555555555555ul), BOX(0x3eaaaaab));
    CHECK_EQ(FOP1("fcvt.s.d", ", rtz", 0x3fd5555555555555ul), BOX(0x3eaaaaaa));
    CHECK_EQ(FOP1("fcvt.s.d", ", rne", 0x7fefffffffffffff), BOX(0x7f800000));
    CHECK_EQ(take_flags(), OF | NX);
    CHECK_EQ(FOP1("fcvt.d.s", "", BOX(0x00000001)), 0x36a0000000000000ul);
    CHECK_EQ(FOP1("fcvt.d.s", "", BOX(0x7f800001)), 0x7ff8000000000000ul);
    CHECK_EQ(take_flags(), NV);
    CHECK_EQ(FOP1("fcvt.d.s", "", 0x3f800000ul), 0x7ff8000000000000ul);
    CHECK_EQ(take_flags(), 0);
}

static void test_fclass(void)
{
    static const struct {
        uint64_t s, d;
    } v[10] = {
        { BOX(0xff800000), 0xfff0000000000000ul },
        { BOX(0xbf800000), 0xbff0000000000000ul },
        { BOX(0x80000001), 0x8000000000000001ul },
        { BOX(0x80000000), 0x8000000000000000ul },
        { BOX(0x00000000), 0x0000000000000000ul },
        { BOX(0x007fffff), 0x000ffffffffffffful },
        { BOX(0x3f800000), 0x3ff0000000000000ul },
        { BOX(0x7f800000), 0x7ff0000000000000ul },
        { BOX(0x7f800001), 0x7ff0000000000001ul },
        { BOX(0x7fc00000), 0x7ff8000000000000ul },
    };

    for (int i = 0; i < 10; i++) {
        test_case("fclass", i);
        CHECK_EQ(F2X("fclass.s", "", v[i].s), 1ul << i);
        CHECK_EQ(F2X("fclass.d", "", v[i].d), 1ul << i);
    }
    test_case(NULL, -1);
    CHECK_EQ(F2X("fclass.s", "", 0x7f800000ul), 1ul << 9); /* unboxed */
    CHECK_EQ(take_flags(), 0);
}

static void test_fs_and_rm(void)
{
    /* fadd.s ft0, ft0, ft0 with rm 5 / 6 / 7 */
    static const uint32_t rm5 = 0x00005053, rm6 = 0x00006053;
    uint64_t st;

    /* FS = Initial; a write makes it Dirty (and SD) */
    csr_clear(mstatus, MSTATUS_FS);
    csr_set(mstatus, 1ul << 13);
    CHECK_EQ(csr_read(mstatus) & (MSTATUS_FS | MSTATUS_SD), 1ul << 13);
    FOP2("fadd.d", "", 0, 0);
    st = csr_read(mstatus);
    CHECK_EQ(st & MSTATUS_FS, MSTATUS_FS);
    CHECK(st & MSTATUS_SD);

    /* static rm 5 and 6 are reserved */
    trap_arm();
    __asm__ volatile(".word 0x00005053");
    CHECK_ILLEGAL(rm5);
    trap_arm();
    __asm__ volatile(".word 0x00006053");
    CHECK_ILLEGAL(rm6);
    /* dynamic rm with frm = 5..7 */
    for (unsigned frm = 5; frm < 8; frm++) {
        csr_write(frm, frm);
        trap_arm();
        __asm__ volatile("fadd.s ft0, ft0, ft0");
        CHECK_ILLEGAL(0x00007053);
        trap_arm();
        __asm__ volatile("fcvt.w.d t0, ft0" : : : "t0");
        CHECK_ILLEGAL(0xc2007053 | (5 << 7));
        /* no rounding mode: fine */
        trap_arm();
        CMP("feq.d", 0ul, 0ul);
        FOP2("fsgnj.d", "", 0ul, 0ul);
        CHECK_NO_TRAP();
        trap_disarm();
    }
    csr_write(frm, 0);

    /* FS = Off: every F/D instruction is illegal, even moves and stores */
    csr_clear(mstatus, MSTATUS_FS);
    trap_arm();
    __asm__ volatile("fmv.x.d t0, ft0" : : : "t0");
    CHECK_ILLEGAL(0xe20002d3);
    trap_arm();
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "fsd ft0, 0(sp)\n\t.option pop" : : : "memory");
    CHECK_ILLEGAL(0x00013027);
    trap_arm();
    __asm__ volatile("c.fsdsp ft0, 0(sp)" : : : "memory");
    CHECK_ILLEGAL(0xa002);
    trap_disarm();
    csr_set(mstatus, MSTATUS_FS);
}

int main(void)
{
    csr_write(fcsr, 0);
    test_rounding();
    test_fma();
    test_nan_boxing();
    test_minmax_compare();
    test_convert();
    test_fclass();
    test_fs_and_rm();
    return 0;
}
