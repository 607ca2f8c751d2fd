/*
 * rv64i.S - every RV64I instruction with edge operands: arithmetic and
 * W-form sign extension, shifts by 0/31/32/63 and masked amounts,
 * comparisons (sltiu with -1), lui/auipc values, jal/jalr link values and
 * jalr clearing bit 0, all branches on signed/unsigned boundaries, loads
 * and stores of every width with sign/zero extension, x0, fence and
 * fence.i over self-modifying code.  Expected values follow the RISC-V
 * unprivileged spec (20191213), chapters 2 and 5.
 */
#include "guest-asm.h"

#define MIN 0x8000000000000000
#define MAX 0x7fffffffffffffff

/* TEST_BR(op, a, b, taken): branch op a1, a2 is taken iff taken == 1 */
#define TEST_BR(op, a, b, taken)                                              \
    li a1, a;                                                                 \
    li a2, b;                                                                 \
    li a0, 0;                                                                 \
    op a1, a2, 1f;                                                            \
    j 2f;                                                                     \
1:  li a0, 1;                                                                 \
2:  li a3, taken;                                                             \
    GUEST_CHECK __LINE__, a0, a3, #op, __FILE__

    .option norvc          /* the 32-bit encodings; rvc.S has the others */
TEST_BEGIN
    /* add/sub and their W forms */
    TEST_RR(add, MIN, MAX, 1)
    TEST_RR(add, 0, -1, 1)
    TEST_RR(add, 0xfffffffffffffffe, -1, -1)
    TEST_RR(sub, MAX, MIN, 1)
    TEST_RR(sub, MIN, 0, MIN)
    TEST_RR(sub, -1, 0, 1)
    TEST_RR(addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(addw, 0xffffffffa1111100, 0x123456789abcdef0, 0x6543210)
    TEST_RR(addw, 0x000000007fffffff, 0xffffffff80000000, -1)
    TEST_RR(addw, 0xffffffff80000000, 0x180000000, 0)  /* upper bits ignored */
    TEST_RR(subw, 0x7fffffff, 0xffffffff80000000, 1)
    TEST_RR(subw, 0xffffffff80000000, 0, 0x80000000)
    TEST_RR(subw, 0, 0x100000000, 0)
    TEST_RI(addi, MIN, MAX, 1)
    TEST_RI(addi, 0xfffffffffffff800, 0, -2048)
    TEST_RI(addi, 0x7ff, 0, 2047)
    TEST_RI(addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RI(addiw, 0x7fffffff, 0xffffffff80000000, -1)
    TEST_RI(addiw, 0xffffffffffffffff, 0x00000000ffffffff, 0) /* sext.w */
    TEST_RI(addiw, 0x12345678, 0xabcdef0012345678, 0)

    /* logic */
    TEST_RR(and, 0x0f0f0f0f0f0f0f0f & 0x00ff00ff00ff00ff, 0x0f0f0f0f0f0f0f0f, 0x00ff00ff00ff00ff)
    TEST_RR(or, 0x0fff0fff0fff0fff, 0x0f0f0f0f0f0f0f0f, 0x00ff00ff00ff00ff)
    TEST_RR(xor, 0x0ff00ff00ff00ff0, 0x0f0f0f0f0f0f0f0f, 0x00ff00ff00ff00ff)
    TEST_RI(andi, 0x123456789abcd800, 0x123456789abcdef0, -2048)
    TEST_RI(andi, 0x0f0, 0x123456789abcdef0, 0x0ff)
    TEST_RI(ori, 0xfffffffffffff8f0, 0xf0, -2048)
    TEST_RI(xori, 0xedcba9876543210f, 0x123456789abcdef0, -1)  /* not */
    TEST_RI(xori, 0x123456789abcd9f0, 0x123456789abcdef0, 0x700)

    /* shifts: amounts use the low 6 bits (low 5 for W forms) */
    TEST_RR(sll, MIN, 1, 63)
    TEST_RR(sll, 1, 1, 64)
    TEST_RR(sll, 0x02468acf13579bde, 0x123456789abcdef, 0xffffffffffffffc1) /* by 1 */
    TEST_RR(srl, 1, MIN, 63)
    TEST_RR(srl, MIN, MIN, 64)
    TEST_RR(srl, 0x7fffffffffffffff, -1, 1)
    TEST_RR(sra, -1, MIN, 63)
    TEST_RR(sra, 0xc000000000000000, MIN, 1)
    TEST_RR(sra, MIN, MIN, 128)
    TEST_RR(sra, 0x3fffffffffffffff, MAX, 1)
    TEST_RR(sllw, 0xffffffff80000000, 1, 31)
    TEST_RR(sllw, 1, 1, 32)
    TEST_RR(sllw, 0x0000000012345678, 0xffffffff12345678, 0)
    TEST_RR(sllw, 0x23456780, 0x12345678, 0xffffffffffffffe4) /* by 4 */
    TEST_RR(srlw, 0xffffffff80000000, 0x80000000, 0)   /* sign-extends */
    TEST_RR(srlw, 0x40000000, 0x80000000, 1)
    TEST_RR(srlw, 1, 0xffffffff80000000, 31)
    TEST_RR(srlw, 0xffffffff80000000, 0x80000000, 32)
    TEST_RR(srlw, 0x7fffffff, 0xaaaaaaaaffffffff, 1)   /* upper bits ignored */
    TEST_RR(sraw, 0xffffffffc0000000, 0x80000000, 1)
    TEST_RR(sraw, -1, 0x80000000, 31)
    TEST_RR(sraw, 0x3fffffff, 0xffffffff7fffffff, 1)
    TEST_RR(sraw, 0xffffffff80000000, 0x80000000, 0xffffffe0) /* by 0 */
    TEST_RI(slli, MIN, 1, 63)
    TEST_RI(slli, 0x123456789abcdef0, 0x123456789abcdef0, 0)
    TEST_RI(srli, 1, MIN, 63)
    TEST_RI(srli, 0x00000000ffffffff, -1, 32)
    TEST_RI(srai, -1, MIN, 63)
    TEST_RI(srai, 0xffffffff80000000, MIN, 32)
    TEST_RI(slliw, 0xffffffff80000000, 1, 31)
    TEST_RI(slliw, 0x0000000012345678, 0x7f12345678, 0)
    TEST_RI(srliw, 1, 0x80000000, 31)
    TEST_RI(srliw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RI(srliw, 0x7fffffff, -1, 1)
    TEST_RI(sraiw, -1, 0x80000000, 31)
    TEST_RI(sraiw, 0xfffffffff8000000, 0x80000000, 4)
    TEST_RI(sraiw, 0x07ffffff, 0xff7fffffff, 4)

    /* comparisons */
    TEST_RR(slt, 1, MIN, MAX)
    TEST_RR(slt, 0, MAX, MIN)
    TEST_RR(slt, 1, -1, 0)
    TEST_RR(slt, 0, 5, 5)
    TEST_RR(sltu, 0, MIN, MAX)
    TEST_RR(sltu, 1, 0, -1)
    TEST_RR(sltu, 0, -1, 0)
    TEST_RI(slti, 1, -2049, -2048)
    TEST_RI(slti, 0, -2048, -2048)
    TEST_RI(slti, 1, MIN, 0)
    TEST_RI(slti, 0, 2047, 2047)
    TEST_RI(sltiu, 1, 0, -1)           /* -1 is 0xffff_ffff_ffff_ffff */
    TEST_RI(sltiu, 1, 0xfffffffffffffffe, -1)
    TEST_RI(sltiu, 0, -1, -1)
    TEST_RI(sltiu, 1, 0, 1)            /* seqz */
    TEST_RI(sltiu, 0, 1, 1)
    TEST_RI(sltiu, 0, MIN, 2047)
    TEST_RR(sltu, 1, 0, 1)             /* snez via sltu rd, x0, rs */

    /* lui sign-extends bit 31; auipc adds to its own pc */
    lui a0, 0x80000
    CHECK_IMM(a0, 0xffffffff80000000)
    lui a0, 0x7ffff
    CHECK_IMM(a0, 0x7ffff000)
    lui a0, 0xfffff
    CHECK_IMM(a0, 0xfffffffffffff000)
1:  auipc a0, 0
    la a1, 1b
    CHECK(a0, a1)
1:  auipc a0, 1
    la a1, 1b
    li t0, 0x1000
    add a1, a1, t0
    CHECK(a0, a1)
1:  auipc a0, 0xfffff               /* pc - 0x1000 */
    la a1, 1b
    li t0, -0x1000
    add a1, a1, t0
    CHECK(a0, a1)

    /* x0 stays zero */
    addi x0, x0, 5
    lui x0, 0x12345
    CHECK_IMM(x0, 0)
    mv a0, x0
    CHECK_IMM(a0, 0)

    /* jal: link = pc + 4; jal x0 links nothing */
    jal a0, 1f
2:  j jal_bad
1:  la a1, 2b
    CHECK(a0, a1)
    li a0, 7
    jal x0, 1f
    j jal_bad
1:  CHECK_IMM(a0, 7)

    /* jalr: target (rs1 + imm) & ~1, link = pc + 4 */
    la a1, 1f
    jalr a0, 0(a1)
2:  j jal_bad
1:  la a2, 2b
    CHECK(a0, a2)
    la a1, 1f + 1                  /* odd address: bit 0 cleared */
    jalr a0, 0(a1)
2:  j jal_bad
1:  la a2, 2b
    CHECK(a0, a2)
    la a1, 1f - 3                  /* odd sum of rs1 and imm */
    jalr a0, 4(a1)
2:  j jal_bad
1:  la a2, 2b
    CHECK(a0, a2)
    la a1, 1f + 16                 /* negative offset */
    jalr a0, -16(a1)
2:  j jal_bad
1:  la a2, 2b
    CHECK(a0, a2)
    la a1, 1f                      /* rd == rs1: target uses the old value */
    jalr a1, 0(a1)
2:  j jal_bad
1:  la a2, 2b
    CHECK(a1, a2)
    j 1f
jal_bad:
    li a0, 0                       /* fails the check below */
    CHECK_IMM(a0, 1)
1:

    /* branches */
    TEST_BR(beq, 5, 5, 1)
    TEST_BR(beq, 5, 6, 0)
    TEST_BR(beq, MIN, MIN, 1)
    TEST_BR(bne, 5, 6, 1)
    TEST_BR(bne, -1, -1, 0)
    TEST_BR(blt, -1, 1, 1)
    TEST_BR(blt, 1, -1, 0)
    TEST_BR(blt, MIN, MAX, 1)
    TEST_BR(blt, 3, 3, 0)
    TEST_BR(bge, 3, 3, 1)
    TEST_BR(bge, -1, 1, 0)
    TEST_BR(bge, MAX, MIN, 1)
    TEST_BR(bltu, -1, 1, 0)
    TEST_BR(bltu, 1, -1, 1)
    TEST_BR(bltu, MAX, MIN, 1)
    TEST_BR(bltu, 0, 0, 0)
    TEST_BR(bgeu, -1, 1, 1)
    TEST_BR(bgeu, 1, -1, 0)
    TEST_BR(bgeu, 0, 0, 1)
    /* a backward branch loop: 10 iterations */
    li a0, 0
    li a1, 10
1:  addi a0, a0, 3
    addi a1, a1, -1
    bnez a1, 1b
    CHECK_IMM(a0, 30)

    /* loads: every width, sign and zero extension, negative offsets */
    la s0, ldata
    lb a0, 0(s0)
    CHECK_IMM(a0, 0xffffffffffffff80)
    lbu a0, 0(s0)
    CHECK_IMM(a0, 0x80)
    lb a0, 1(s0)
    CHECK_IMM(a0, 0x7f)
    lh a0, 2(s0)
    CHECK_IMM(a0, 0xffffffffffff8001)
    lhu a0, 2(s0)
    CHECK_IMM(a0, 0x8001)
    lh a0, 0(s0)
    CHECK_IMM(a0, 0x7f80)
    lw a0, 4(s0)
    CHECK_IMM(a0, 0xffffffff89abcdef)
    lwu a0, 4(s0)
    CHECK_IMM(a0, 0x89abcdef)
    lw a0, 8(s0)
    CHECK_IMM(a0, 0x76543210)
    ld a0, 8(s0)
    CHECK_IMM(a0, 0xfedcba9876543210)
    addi s1, s0, 16
    ld a0, -16(s1)
    CHECK_IMM(a0, 0x89abcdef80017f80)
    lbu a0, -1(s1)
    CHECK_IMM(a0, 0xfe)
    lhu a0, -2(s1)
    CHECK_IMM(a0, 0xfedc)
    lh a0, -2(s1)
    CHECK_IMM(a0, 0xfffffffffffffedc)
    lw a0, -4(s1)
    CHECK_IMM(a0, 0xfffffffffedcba98)
    /* load into x0: no effect, no trap */
    lw x0, 0(s0)
    CHECK_IMM(x0, 0)

    /* stores: only the addressed bytes change */
    la s0, sdata
    li a0, -1
    sd a0, 0(s0)
    sd a0, 8(s0)
    li a1, 0x1122334455667788
    sb a1, 0(s0)
    ld a0, 0(s0)
    CHECK_IMM(a0, 0xffffffffffffff88)
    sh a1, 2(s0)
    ld a0, 0(s0)
    CHECK_IMM(a0, 0xffffffff7788ff88)
    sw a1, 4(s0)
    ld a0, 0(s0)
    CHECK_IMM(a0, 0x556677887788ff88)
    sd a1, 8(s0)
    ld a0, 8(s0)
    CHECK(a0, a1)
    addi s1, s0, 16
    sb zero, -1(s1)
    ld a0, 8(s0)
    CHECK_IMM(a0, 0x0022334455667788)
    sh zero, -16(s1)
    ld a0, 0(s0)
    CHECK_IMM(a0, 0x556677887788ffff & 0xffffffffffff0000)

    /* fence variants execute */
    fence
    fence rw, rw
    fence r, r
    fence w, w
    fence i, o
    fence.tso
    fence.i

    /* fence.i makes a stored instruction visible: patch "li a0, 1" into
     * "li a0, 2" (addi a0, zero, 2 = 0x00200513), run it twice */
    li s2, 2
1:  la s0, patch
    li a0, 0
    jal ra, patch
    li a1, 1
    CHECK(a0, a1)
    li t0, 0x00200513
    sw t0, 0(s0)
    fence.i
    jal ra, patch
    CHECK_IMM(a0, 2)
    li t0, 0x00100513              /* restore "li a0, 1" */
    sw t0, 0(s0)
    fence.i
    jal ra, patch
    CHECK_IMM(a0, 1)
    addi s2, s2, -1
    bnez s2, 1b

    /* ecall/ebreak in rv64i: tested in traps.c */
TEST_END

    .align 2
patch:
    li a0, 1
    ret

    .data
    .align 3
ldata:
    .byte 0x80, 0x7f, 0x01, 0x80
    .word 0x89abcdef
    .dword 0xfedcba9876543210
sdata:
    .dword 0, 0
