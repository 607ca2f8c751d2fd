/*
 * rvc.S - every RV64C instruction (explicit c.* mnemonics, so each is
 * the 16-bit encoding), with immediate extremes and sign extension,
 * c.jalr's link (pc + 2), 32-bit instructions at 2-byte-aligned
 * addresses and one straddling a 4 KiB page boundary, and the reserved
 * encodings that must raise illegal-instruction (cause 2, mtval the
 * 16-bit encoding or 0): the all-zero parcel, c.addi4spn/c.addi16sp/c.lui
 * with a zero immediate, c.lwsp/c.ldsp with rd = x0, c.jr with rs1 = x0,
 * c.addiw with rd = x0.  Spec: unprivileged 20191213, chapter 16.
 */
#include "guest-asm.h"

/* CHECK_ILLEGAL(encoding): one trap, cause 2, mtval the encoding or 0 */
#define CHECK_ILLEGAL(enc)                                                    \
    call trap_count;                                                          \
    CHECK_IMM(a0, 1);                                                         \
    call trap_cause;                                                          \
    CHECK_IMM(a0, CAUSE_ILLEGAL);                                             \
    li a0, enc;                                                               \
    call check_illegal_tval

#define ILLEGAL(enc)                                                          \
    TRAP_ARM;                                                                 \
    .2byte enc;                                                               \
    call trap_disarm;                                                         \
    CHECK_ILLEGAL(enc)

    .option rvc
TEST_BEGIN
    addi sp, sp, -256
    mv s11, sp

    /* c.addi4spn: rd' = sp + nzuimm (4..1020, multiple of 4) */
    c.addi4spn s0, sp, 4
    addi t0, s11, 4
    CHECK(s0, t0)
    c.addi4spn a5, sp, 1020
    addi t0, s11, 1020
    CHECK(a5, t0)

    /* c.li, c.addi, c.addiw, c.lui, c.addi16sp */
    c.li a0, -32
    CHECK_IMM(a0, -32)
    c.li a0, 31
    CHECK_IMM(a0, 31)
    c.addi a0, -32
    CHECK_IMM(a0, -1)
    c.addi a0, 31
    CHECK_IMM(a0, 30)
    li a0, 0x7fffffff
    c.addiw a0, 1
    CHECK_IMM(a0, 0xffffffff80000000)
    li a0, 0x1ffffffff
    c.addiw a0, 0                   /* sext.w */
    CHECK_IMM(a0, -1)
    li a0, 0x80000000
    c.addiw a0, -1
    CHECK_IMM(a0, 0x7fffffff)
    c.lui a0, 1
    CHECK_IMM(a0, 0x1000)
    c.lui a0, 0x1f
    CHECK_IMM(a0, 0x1f000)
    c.lui a0, 0xfffe0
    CHECK_IMM(a0, 0xfffffffffffe0000)
    c.lui a0, 0xfffff
    CHECK_IMM(a0, 0xfffffffffffff000)
    c.addi16sp sp, -512
    addi t0, s11, -512
    CHECK(sp, t0)
    c.addi16sp sp, 496
    addi t0, s11, -16
    CHECK(sp, t0)
    c.addi16sp sp, 16
    CHECK(sp, s11)
    c.nop

    /* shifts and logic on x8-x15 */
    li a0, 0x8000000000000001
    c.srli a0, 63
    CHECK_IMM(a0, 1)
    li a0, 0x8000000000000000
    c.srai a0, 63
    CHECK_IMM(a0, -1)
    li a0, 0x8000000000000000
    c.srli a0, 1
    CHECK_IMM(a0, 0x4000000000000000)
    li a0, 0x8000000000000000
    c.srai a0, 32
    CHECK_IMM(a0, 0xffffffff80000000)
    li a0, 1
    c.slli a0, 63
    CHECK_IMM(a0, 0x8000000000000000)
    li t3, 3                        /* c.slli takes any rd */
    c.slli t3, 1
    CHECK_IMM(t3, 6)
    li a0, 0x123456789abcdef0
    c.andi a0, -32
    CHECK_IMM(a0, 0x123456789abcdee0)
    li a0, 0x123456789abcdef0
    c.andi a0, 0xf
    CHECK_IMM(a0, 0)
    li a0, 0x123456789abcdef7
    c.andi a0, 0x1f
    CHECK_IMM(a0, 0x17)
    li a0, 10
    li a1, 15
    c.sub a0, a1
    CHECK_IMM(a0, -5)
    li a0, 0xff00
    li a1, 0x0ff0
    c.xor a0, a1
    CHECK_IMM(a0, 0xf0f0)
    li a0, 0xff00
    c.or a0, a1
    CHECK_IMM(a0, 0xfff0)
    li a0, 0xff00
    c.and a0, a1
    CHECK_IMM(a0, 0x0f00)
    li a0, 0x80000000
    li a1, 1
    c.subw a0, a1
    CHECK_IMM(a0, 0x7fffffff)
    li a0, 0
    c.subw a0, a1
    CHECK_IMM(a0, -1)
    li a0, 0x7fffffff
    c.addw a0, a1
    CHECK_IMM(a0, 0xffffffff80000000)
    li a0, 0x500000000
    li a1, 0x600000000
    c.addw a0, a1
    CHECK_IMM(a0, 0)

    /* c.mv, c.add with any registers */
    li t4, 0x1234
    c.mv t5, t4
    CHECK_IMM(t5, 0x1234)
    li s9, 0x7fffffffffffffff
    li s10, 1
    c.add s9, s10
    CHECK_IMM(s9, 0x8000000000000000)

    /* loads and stores through rs1' */
    la a4, cdata
    c.lw a0, 0(a4)
    CHECK_IMM(a0, 0xffffffff80000001)
    c.lw a0, 124(a4)
    CHECK_IMM(a0, 0x7ffffffe)
    c.ld a0, 0(a4)
    CHECK_IMM(a0, 0x1234567880000001)
    c.ld a0, 248(a4)
    CHECK_IMM(a0, 0xfedcba9876543210)
    li a1, 0xaabbccdd11223344
    c.sw a1, 8(a4)
    c.sd a1, 16(a4)
    ld a0, 8(a4)
    CHECK_IMM(a0, 0x11223344)
    ld a0, 16(a4)
    CHECK(a0, a1)
    c.fld fa0, 248(a4)
    fmv.x.d a0, fa0
    CHECK_IMM(a0, 0xfedcba9876543210)
    c.fsd fa0, 24(a4)
    ld a0, 24(a4)
    CHECK_IMM(a0, 0xfedcba9876543210)

    /* sp-relative loads and stores */
    li a1, 0x8877665544332211
    c.sdsp a1, 504(sp)              /* beyond our frame: into the caller's */
    c.swsp a1, 252(sp)
    c.sdsp a1, 0(sp)
    c.ldsp a0, 0(sp)
    CHECK(a0, a1)
    c.lwsp a0, 252(sp)
    CHECK_IMM(a0, 0x44332211)
    c.ldsp a2, 504(sp)
    CHECK(a2, a1)
    li a1, 0x99
    c.swsp a1, 4(sp)
    c.lwsp a0, 4(sp)
    CHECK_IMM(a0, 0x99)
    li a1, 0x80000000
    c.swsp a1, 8(sp)
    c.lwsp a0, 8(sp)
    CHECK_IMM(a0, 0xffffffff80000000)
    fmv.d.x fa1, a1
    c.fsdsp fa1, 16(sp)
    c.fldsp fa2, 16(sp)
    fmv.x.d a0, fa2
    CHECK(a0, a1)

    /* control transfer: c.j, c.beqz, c.bnez (taken, not taken), c.jr,
     * c.jalr (ra = pc + 2) */
    li a0, 0
    c.j 1f
    li a0, 5
1:  CHECK_IMM(a0, 0)
    li a0, 0
    li s0, 0
    c.beqz s0, 1f
    li a0, 5
1:  CHECK_IMM(a0, 0)
    li s0, 1
    c.beqz s0, 1f
    li a0, 6
1:  CHECK_IMM(a0, 6)
    li a0, 0
    c.bnez s0, 1f
    li a0, 5
1:  CHECK_IMM(a0, 0)
    li s0, 0
    c.bnez s0, 1f
    li a0, 7
1:  CHECK_IMM(a0, 7)
    /* backward c.bnez loop */
    li s1, 5
    li a0, 0
1:  addi a0, a0, 2
    addi s1, s1, -1
    c.bnez s1, 1b
    CHECK_IMM(a0, 10)
    la t1, 1f
    li a0, 0
    c.jr t1
    li a0, 5
1:  CHECK_IMM(a0, 0)
    la t1, cfunc
    mv s2, ra
    c.jalr t1
2:  mv t2, ra
    mv ra, s2
    la t3, 2b
    CHECK(t2, t3)
    CHECK_IMM(a0, 0x5a)
    /* 32-bit instructions at 2-byte aligned addresses, and a jump there */
    .balign 4
    c.nop
    li a0, 0x12345                  /* lui + addiw, both at pc % 4 == 2 */
    CHECK_IMM(a0, 0x12345)
    jal ra, straddle
    mv ra, s2
    CHECK_IMM(a0, 0x7a5)

    /* c.ebreak: breakpoint at its own pc, 2 bytes to skip */
    TRAP_ARM
1:  c.ebreak
    call trap_disarm
    call trap_count
    CHECK_IMM(a0, 1)
    call trap_cause
    CHECK_IMM(a0, CAUSE_BREAKPOINT)
    call trap_epc
    la t0, 1b
    CHECK(a0, t0)

    /* reserved encodings */
    ILLEGAL(0x0000)                 /* all zeros */
    ILLEGAL(0x0004)                 /* c.addi4spn s1, sp, 0 */
    ILLEGAL(0x6101)                 /* c.addi16sp sp, 0 */
    ILLEGAL(0x6081)                 /* c.lui ra, 0 */
    ILLEGAL(0x6501)                 /* c.lui a0, 0 */
    ILLEGAL(0x8002)                 /* c.jr x0 */
    ILLEGAL(0x4002)                 /* c.lwsp x0 */
    ILLEGAL(0x6002)                 /* c.ldsp x0 */
    ILLEGAL(0x2001)                 /* c.addiw x0, 0 */
    ILLEGAL(0x2005)                 /* c.addiw x0, 1 */

    addi sp, sp, 256
TEST_END

cfunc:
    li a0, 0x5a
    c.jr ra

/* A 32-bit instruction straddling a 4 KiB boundary (fetched in two
 * halves from two pages). */
    .balign 4096
straddle:
    .rept 2046
    c.nop
    .endr
    c.li a0, 0                      /* at offset 4092 */
    addi a0, a0, 0x7a5              /* at offset 4094..4097 */
    c.jr ra

    .data
    .align 3
cdata:
    .dword 0x1234567880000001       /* +0 */
    .fill 116, 1, 0
    .word 0x7ffffffe                /* +124 */
    .fill 120, 1, 0
    .dword 0xfedcba9876543210       /* +248 */
