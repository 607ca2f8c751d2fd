/*
 * rv64m.S - every RV64M instruction with edge operands: full products
 * (mulh/mulhu/mulhsu signs), mulw sign extension, division by zero
 * (quotient all ones, remainder the dividend), signed overflow
 * (INT64_MIN / -1 = INT64_MIN, remainder 0), W forms using only the low
 * 32 bits of their operands and sign-extending the 32-bit result.
 * Expected values are the spec's (unprivileged 20191213, chapter 7,
 * table 7.1), computed exactly (mulh* as 128-bit products).
 */
#include "guest-asm.h"

TEST_BEGIN
    TEST_RR(mul, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR(mul, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(mul, 0x0000000000000001, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(mul, 0x2236d88fe5618cf0, 0x123456789abcdef0, 0x0fedcba987654321)
    TEST_RR(mul, 0xfffffffffffffff1, 0x0000000000000003, 0xfffffffffffffffb)
    TEST_RR(mul, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff)
    TEST_RR(mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(mulh, 0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(mulh, 0x0000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR(mulh, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
    TEST_RR(mulh, 0xc000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(mulh, 0xffeb49923cc09532, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR(mulh, 0x0000000000000000, 0x0000000000000005, 0x0000000000000007)
    TEST_RR(mulhu, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(mulhu, 0x0000000000000001, 0x8000000000000000, 0x0000000000000002)
    TEST_RR(mulhu, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(mulhu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR(mulhu, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000001)
    TEST_RR(mulhu, 0x0000000000000000, 0x0000000000000005, 0x0000000000000007)
    TEST_RR(mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(mulhsu, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR(mulhsu, 0x7ffffffffffffffe, 0x7fffffffffffffff, 0xffffffffffffffff)
    TEST_RR(mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
    TEST_RR(mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(mulhsu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR(mulhsu, 0xffffffffffffffff, 0xfffffffffffffffb, 0x0000000000000007)
    TEST_RR(mulw, 0xfffffffffffffffe, 0x000000007fffffff, 0x0000000000000002)
    TEST_RR(mulw, 0xffffffff80000000, 0x0000000080000000, 0xffffffffffffffff)
    TEST_RR(mulw, 0x000000000000000f, 0xffffffff00000003, 0x0001234500000005)
    TEST_RR(mulw, 0x0000000000000000, 0x0000000000010000, 0x0000000000010000)
    TEST_RR(mulw, 0x00000000242d2080, 0x0000000012345678, 0x000000009abcdef0)
    TEST_RR(div, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR(div, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(div, 0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000)
    TEST_RR(div, 0xffffffffffffffff, 0x8000000000000000, 0x0000000000000000)
    TEST_RR(div, 0xfffffffffffffffd, 0xfffffffffffffff9, 0x0000000000000002)
    TEST_RR(div, 0xfffffffffffffffd, 0x0000000000000007, 0xfffffffffffffffe)
    TEST_RR(div, 0x0000000000000003, 0xfffffffffffffff9, 0xfffffffffffffffe)
    TEST_RR(div, 0x0000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_RR(div, 0x8000000000000000, 0x8000000000000000, 0x0000000000000001)
    TEST_RR(div, 0xc000000000000000, 0x8000000000000000, 0x0000000000000002)
    TEST_RR(divu, 0x0000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR(divu, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(divu, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
    TEST_RR(divu, 0x7fffffffffffffff, 0xffffffffffffffff, 0x0000000000000002)
    TEST_RR(divu, 0x7ffffffffffffffc, 0xfffffffffffffff9, 0x0000000000000002)
    TEST_RR(divu, 0x2aaaaaaaaaaaaaaa, 0x8000000000000000, 0x0000000000000003)
    TEST_RR(rem, 0x0000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR(rem, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(rem, 0x8000000000000000, 0x8000000000000000, 0x0000000000000000)
    TEST_RR(rem, 0xffffffffffffffff, 0xfffffffffffffff9, 0x0000000000000002)
    TEST_RR(rem, 0x0000000000000001, 0x0000000000000007, 0xfffffffffffffffe)
    TEST_RR(rem, 0xffffffffffffffff, 0xfffffffffffffff9, 0xfffffffffffffffe)
    TEST_RR(rem, 0xfffffffffffffffe, 0x8000000000000000, 0x0000000000000003)
    TEST_RR(remu, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(remu, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000000)
    TEST_RR(remu, 0x0000000000000005, 0xffffffffffffffff, 0x000000000000000a)
    TEST_RR(remu, 0x0000000000000001, 0xfffffffffffffff9, 0x0000000000000002)
    TEST_RR(remu, 0x0000000000000002, 0x8000000000000000, 0x0000000000000003)
    TEST_RR(divw, 0xffffffff80000000, 0x0000000080000000, 0xffffffffffffffff)
    TEST_RR(divw, 0xffffffff80000000, 0xffffffff80000000, 0x00000000ffffffff)
    TEST_RR(divw, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(divw, 0x0000000000000003, 0x0000000100000007, 0x0000000000000002)
    TEST_RR(divw, 0xfffffffffffffffd, 0xfffffffffffffff9, 0x0000000000000002)
    TEST_RR(divw, 0xffffffff80000001, 0x000000007fffffff, 0x00000000ffffffff)
    TEST_RR(divw, 0xffffffffffffffff, 0x0000000080000000, 0x0000000100000000)
    TEST_RR(divuw, 0x0000000040000000, 0xffffffff80000000, 0x0000000000000002)
    TEST_RR(divuw, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(divuw, 0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000001)
    TEST_RR(divuw, 0x0000000000000000, 0x00000000fffffffe, 0x00000000ffffffff)
    TEST_RR(divuw, 0x0000000000000003, 0x0000000100000007, 0x0000000100000002)
    TEST_RR(divuw, 0xffffffff80000000, 0x0000000080000000, 0x0000000000000001)
    TEST_RR(remw, 0x0000000000000000, 0x0000000080000000, 0xffffffffffffffff)
    TEST_RR(remw, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(remw, 0xffffffff80000000, 0x0000000080000000, 0x0000000000000000)
    TEST_RR(remw, 0xffffffffffffffff, 0x00000001ffffffff, 0x0000000000000000)
    TEST_RR(remw, 0xffffffffffffffff, 0xfffffffffffffff9, 0x0000000000000002)
    TEST_RR(remw, 0x0000000000000001, 0x0000000000000007, 0xfffffffffffffffe)
    TEST_RR(remw, 0x0000000000000001, 0x0000000100000007, 0x0000000100000002)
    TEST_RR(remuw, 0xffffffff80000000, 0x0000000080000000, 0x0000000000000000)
    TEST_RR(remuw, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000)
    TEST_RR(remuw, 0x000000000000000f, 0x00000000ffffffff, 0x00000000fffffff0)
    TEST_RR(remuw, 0x0000000000000007, 0x00000000fffffff7, 0x0000000000000010)
    TEST_RR(remuw, 0x0000000023456789, 0x0000000123456789, 0x0000000100000000)
    /* rd = rs1 = rs2 */
    li a0, -3
    mul a0, a0, a0
    CHECK_IMM(a0, 9)
    li a0, 1000
    div a0, a0, a0
    CHECK_IMM(a0, 1)
    /* results into x0 are discarded, even of a division by zero */
    li a1, 5
    div x0, a1, x0
    CHECK_IMM(x0, 0)
TEST_END
