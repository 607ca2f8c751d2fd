/*
 * guest-asm.h - the checks of guest.h for assembler tests (.S files,
 * which go through the C preprocessor).  A test defines main with
 * TEST_BEGIN ... TEST_END and may use every register but sp, gp and tp.
 *
 *   CHECK(got_reg, exp_reg)          registers equal, else FAIL and exit
 *   CHECK_IMM(got_reg, value)        register equals a constant (uses t6)
 *   TEST_RR(op, exp, a, b)           op a0, a1, a2 with a1 = a, a2 = b
 *   TEST_RI(op, exp, a, imm)         op a0, a1, imm
 *   TEST_R(op, exp, a)               op a0, a1
 *   TRAP_ARM                         trap_arm(): next traps are expected
 *   TRAP_ARM_AT(label)               ...and the next one resumes at label
 *   CHECK_TRAP(cause, tval)          exactly one trap, with these values
 *
 * The test point number (the exit code) counts CHECKs in the file.
 */
#ifndef GUEST_ASM_H
#define GUEST_ASM_H

#include "guest.h"

.set guest_chk, 0

.macro GUEST_CHECK line, got, exp, text, file
    .set guest_chk, guest_chk + 1
    beq \got, \exp, .Lguest_ok\@
    mv t5, \got
    mv t6, \exp
    mv a3, t5
    mv a4, t6
    .pushsection .rodata.str1.1, "aMS", @progbits, 1
.Lguest_file\@:
    .asciz "\file"
.Lguest_text\@:
    .asciz "\text"
    .popsection
    la a0, .Lguest_file\@
    li a1, \line
    la a2, .Lguest_text\@
    li a5, (guest_chk % 254) + 1
    call guest_check_fail
.Lguest_ok\@:
.endm

#define CHECK(got, exp) GUEST_CHECK __LINE__, got, exp, #got, __FILE__
#define CHECK_IMM(got, value)                                                 \
    li t6, value;                                                             \
    GUEST_CHECK __LINE__, got, t6, #got, __FILE__

#define TEST_RR(op, exp, a, b)                                                \
    li a1, a;                                                                 \
    li a2, b;                                                                 \
    op a0, a1, a2;                                                            \
    li a3, exp;                                                               \
    GUEST_CHECK __LINE__, a0, a3, #op, __FILE__
#define TEST_RI(op, exp, a, imm)                                              \
    li a1, a;                                                                 \
    op a0, a1, imm;                                                           \
    li a3, exp;                                                               \
    GUEST_CHECK __LINE__, a0, a3, #op, __FILE__
#define TEST_R(op, exp, a)                                                    \
    li a1, a;                                                                 \
    op a0, a1;                                                                \
    li a3, exp;                                                               \
    GUEST_CHECK __LINE__, a0, a3, #op, __FILE__

#define TEST_BEGIN                                                            \
    .text;                                                                    \
    .globl main;                                                              \
    .align 2;                                                                 \
main:                                                                         \
    addi sp, sp, -16;                                                         \
    sd ra, 8(sp)

#define TEST_END                                                              \
    li a0, 0;                                                                 \
    ld ra, 8(sp);                                                             \
    addi sp, sp, 16;                                                          \
    ret

#define TRAP_ARM call trap_arm
#define TRAP_ARM_AT(label)                                                    \
    la a0, label;                                                             \
    call trap_arm_resume
#define CHECK_TRAP(cause, tval)                                               \
    call trap_count;                                                          \
    CHECK_IMM(a0, 1);                                                         \
    call trap_cause;                                                          \
    CHECK_IMM(a0, cause);                                                     \
    call trap_tval;                                                           \
    CHECK_IMM(a0, tval)

#endif /* GUEST_ASM_H */
