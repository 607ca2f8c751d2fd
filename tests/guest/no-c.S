/*
 * no-c.S - a hart without the C extension (IALIGN = 32; built and run
 * with NO_C): misa.C reads 0; a taken jal, branch or jalr to an address
 * that is only 2-byte aligned raises instruction-address-misaligned
 * (cause 0, mtval = the target, mepc = the jump) without writing rd, a
 * branch not taken does not; jalr ignores bit 0 of the target; and a
 * 16-bit parcel (low bits not 11) is an illegal instruction whose mtval
 * is that parcel (or 0).  QEMU 7.2 gives a jal or branch to a misaligned
 * target a stale mtval (the start of its translation block): a quirk.
 * Spec: unprivileged 20191213 sections 1.2, 1.5, 2.5; privileged 1.12
 * sections 3.1.1 and 3.1.16.
 */
#include "guest-asm.h"

/* One misaligned-fetch trap at @epc_label, mtval = the target in s2 (any
 * other value: a quirk) */
#define CHECK_MISALIGNED_AT(epc_label)                                        \
    call trap_disarm;                                                         \
    call trap_count;                                                          \
    CHECK_IMM(a0, 1);                                                         \
    call trap_cause;                                                          \
    CHECK_IMM(a0, CAUSE_MISALIGNED_FETCH);                                    \
    call trap_epc;                                                            \
    la t0, epc_label;                                                         \
    CHECK(a0, t0);                                                            \
    call trap_tval;                                                           \
    beq a0, s2, 9f;                                                           \
    la a0, quirk_tval;                                                        \
    call guest_quirk;                                                         \
9:

/* Reached only when an expected trap did not happen. */
#define NOT_REACHED                                                           \
    li t6, 1;                                                                 \
    GUEST_CHECK __LINE__, zero, t6, "reached (no trap)", __FILE__

TEST_BEGIN
    csrr a0, misa
    srli a0, a0, 2
    andi a0, a0, 1
    CHECK_IMM(a0, 0)

    /* jal to a 2-byte aligned target: traps on the jal, ra untouched */
    li s1, 77
    TRAP_ARM_AT(1f)
    mv ra, s1
2:  jal ra, odd_target
    NOT_REACHED
1:  mv s1, ra
    la s2, odd_target
    CHECK_MISALIGNED_AT(2b)
    CHECK_IMM(s1, 77)

    /* taken branch: traps; not taken: falls through */
    TRAP_ARM_AT(1f)
    li a1, 1
2:  bne a1, zero, odd_target
    NOT_REACHED
1:  la s2, odd_target
    CHECK_MISALIGNED_AT(2b)
    call trap_arm
    li a1, 1
    beq a1, zero, odd_target
    call trap_disarm
    call trap_count
    CHECK_IMM(a0, 0)

    /* jalr: bit 0 is cleared, bit 1 traps with mtval = the target */
    la s2, odd_target
    li s1, 5
    TRAP_ARM_AT(1f)
    addi a3, s2, 1
    mv a4, s1
2:  jalr a4, 0(a3)
    NOT_REACHED
1:  mv s1, a4
    CHECK_MISALIGNED_AT(2b)
    CHECK_IMM(s1, 5)
    la a3, 1f
    addi a3, a3, 1
2:  jalr a4, 0(a3)
    NOT_REACHED
1:  la a0, 2b + 4
    CHECK(a4, a0)

    /* a compressed encoding (c.nop) is illegal: mtval the 16-bit parcel */
    TRAP_ARM_AT(1f)
2:  .2byte 0x0001, 0x0001
    NOT_REACHED
1:  call trap_disarm
    call trap_count
    CHECK_IMM(a0, 1)
    call trap_cause
    CHECK_IMM(a0, CAUSE_ILLEGAL)
    call trap_epc
    la t0, 2b
    CHECK(a0, t0)
    li a0, 0x0001
    call check_illegal_tval
TEST_END

    .balign 4
    .2byte 0
odd_target:
    NOT_REACHED
    ret

    .section .rodata
quirk_tval:
    .asciz "mtval of a jump to a misaligned target is not the target"
