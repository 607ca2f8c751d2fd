/*
 * isa-mix.S - a mixed bag of instruction checks across RV64I/M/A/C and
 * Zicsr: W forms and shift-amount masking, load sign/zero extension,
 * jal/jalr links (jalr clearing bit 0), M edge cases (division by zero,
 * overflow, W forms on values with upper bits set), every AMO at 32 and
 * 64 bits with signed/unsigned boundaries, LR/SC success and failure,
 * misaligned stores/AMOs/LR, ecall/ebreak/c.ebreak and illegal encodings
 * (mtval), the Zicsr read-modify-write forms, explicit C forms (stack
 * pointer forms, FP loads/stores), self-modifying code with fence.i, and
 * a 32-bit instruction straddling into an unmapped page (fetch page
 * fault: mepc = the instruction, mtval = the second page), both inside a
 * translation block and as its first instruction.  Spec: unprivileged
 * 20191213 chapters 2, 5, 7, 8, 9, 16; privileged 1.12 sections 3.1.15-16
 * and 4.3.  Quirks (QEMU 7.2): misaligned stores done in hardware, cause
 * 4 for a misaligned AMO, ebreak's mtval 0.  Where the spec leaves the
 * reservation set and its loss open, the checks hold the behaviour QEMU
 * and breadboard share: the set is the LR's address; the hart's own
 * store of another value, and a trap with its mret, end it.
 */
#include "guest-asm.h"

/* Preserving every caller-saved register around runtime calls: the
 * checks below keep values live in a and t registers. */
.macro save_caller
    addi sp, sp, -128
    sd ra, 0(sp)
    sd t0, 8(sp)
    sd t1, 16(sp)
    sd t2, 24(sp)
    sd t3, 32(sp)
    sd t4, 40(sp)
    sd t5, 48(sp)
    sd t6, 56(sp)
    sd a0, 64(sp)
    sd a1, 72(sp)
    sd a2, 80(sp)
    sd a3, 88(sp)
    sd a4, 96(sp)
    sd a5, 104(sp)
    sd a6, 112(sp)
    sd a7, 120(sp)
.endm
.macro restore_caller
    ld ra, 0(sp)
    ld t0, 8(sp)
    ld t1, 16(sp)
    ld t2, 24(sp)
    ld t3, 32(sp)
    ld t4, 40(sp)
    ld t5, 48(sp)
    ld t6, 56(sp)
    ld a0, 64(sp)
    ld a1, 72(sp)
    ld a2, 80(sp)
    ld a3, 88(sp)
    ld a4, 96(sp)
    ld a5, 104(sp)
    ld a6, 112(sp)
    ld a7, 120(sp)
    addi sp, sp, 128
.endm

/* trap_arm(): the next trap resumes at @label; registers preserved */
#define TRAP_AT(label)                                                        \
    save_caller;                                                              \
    la a0, label;                                                             \
    call trap_arm_resume;                                                     \
    restore_caller

/* Exactly one trap since TRAP_AT, with @cause, mepc = the address in
 * @epcreg and mtval = @tvalreg; disarms; registers preserved. */
#define CHECK_TRAP_RR(cause, epcreg, tvalreg)                                 \
    addi sp, sp, -16;                                                         \
    sd epcreg, 0(sp);                                                         \
    sd tvalreg, 8(sp);                                                        \
    save_caller;                                                              \
    call trap_disarm;                                                         \
    call trap_count;                                                          \
    CHECK_IMM(a0, 1);                                                         \
    call trap_cause;                                                          \
    CHECK_IMM(a0, cause);                                                     \
    call trap_epc;                                                            \
    ld t0, 128(sp);                                                           \
    CHECK(a0, t0);                                                            \
    call trap_tval;                                                           \
    ld t0, 136(sp);                                                           \
    CHECK(a0, t0);                                                            \
    restore_caller;                                                           \
    addi sp, sp, 16
/* ...with mepc = @label (uses t6) */
#define CHECK_TRAP_R(cause, label, tvalreg)                                   \
    la t6, label;                                                             \
    CHECK_TRAP_RR(cause, t6, tvalreg)

/* One illegal-instruction trap at @label, mtval @enc (or 0: a quirk) */
#define CHECK_ILLEGAL_AT(label, enc)                                          \
    save_caller;                                                              \
    call trap_disarm;                                                         \
    call trap_count;                                                          \
    CHECK_IMM(a0, 1);                                                         \
    call trap_cause;                                                          \
    CHECK_IMM(a0, CAUSE_ILLEGAL);                                             \
    call trap_epc;                                                            \
    la t0, label;                                                             \
    CHECK(a0, t0);                                                            \
    li a0, enc;                                                               \
    call check_illegal_tval;                                                  \
    restore_caller

/* One breakpoint trap at @label, mtval = @label (or 0: a quirk) */
#define CHECK_EBREAK_AT(label)                                                \
    save_caller;                                                              \
    call trap_disarm;                                                         \
    call trap_count;                                                          \
    CHECK_IMM(a0, 1);                                                         \
    call trap_cause;                                                          \
    CHECK_IMM(a0, CAUSE_BREAKPOINT);                                          \
    call trap_epc;                                                            \
    la t0, label;                                                             \
    CHECK(a0, t0);                                                            \
    call trap_tval;                                                           \
    beqz a0, 8f;                                                              \
    la t0, label;                                                             \
    CHECK(a0, t0);                                                            \
    j 9f;                                                                     \
8:  la a0, quirk_ebreak;                                                      \
    call guest_quirk;                                                         \
9:  restore_caller

/* The number of traps since TRAP_AT into s9; disarms */
#define TRAP_COUNT_S9                                                         \
    save_caller;                                                              \
    call trap_disarm;                                                         \
    call trap_count;                                                          \
    mv s9, a0;                                                                \
    restore_caller

#define QUIRK(msg)                                                            \
    save_caller;                                                              \
    la a0, msg;                                                               \
    call guest_quirk;                                                         \
    restore_caller

/* Reached only when an expected trap (or branch) did not happen. */
#define NOT_REACHED                                                           \
    li t6, 1;                                                                 \
    GUEST_CHECK __LINE__, zero, t6, "reached", __FILE__

/* PTE bits V R W X A D (guest.h's constants are C-only) */
#define PTE_VALID 0x01
#define PTE_RWX_AD 0xcf
#define SATP_SV39 (8 << 60)

TEST_BEGIN
    /* --- RV64I W forms and shifts */
    li a1, 0x7fffffff
    addiw a0, a1, 1
    CHECK_IMM(a0, 0xffffffff80000000)
    addw a0, a1, a1
    CHECK_IMM(a0, 0xfffffffffffffffe)
    li a1, 1
    li a2, 33
    sllw a0, a1, a2
    CHECK_IMM(a0, 2)
    li a2, 65
    sll a0, a1, a2
    CHECK_IMM(a0, 2)
    li a1, 0x80000000
    li a2, 31
    srlw a0, a1, a2
    CHECK_IMM(a0, 1)
    sraw a0, a1, a2
    CHECK_IMM(a0, -1)
    li a1, -1
    srliw a0, a1, 1
    CHECK_IMM(a0, 0x7fffffff)
    srliw a0, a1, 0
    CHECK_IMM(a0, -1)
    li a1, 0x123456780
    sraiw a0, a1, 4
    CHECK_IMM(a0, 0x23456780 >> 4)
    slliw a0, a1, 4
    CHECK_IMM(a0, 0x34567800)
    li a1, 5
    sltiu a0, a1, -1
    CHECK_IMM(a0, 1)
    slti a0, a1, -1
    CHECK_IMM(a0, 0)
    li a2, -3
    sltu a0, a1, a2
    CHECK_IMM(a0, 1)
    slt a0, a1, a2
    CHECK_IMM(a0, 0)
    li a1, -16
    srai a0, a1, 2
    CHECK_IMM(a0, -4)
    srli a0, a1, 60
    CHECK_IMM(a0, 15)
    lui a0, 0x80000
    CHECK_IMM(a0, 0xffffffff80000000)
1:  auipc a0, 0
    la a1, 1b
    sub a0, a0, a1
    CHECK_IMM(a0, 0)
    /* x0 stays zero */
    li zero, 5
    addi a0, zero, 0
    CHECK_IMM(a0, 0)
    /* loads sign/zero extension */
    la a1, data
    lb a0, 0(a1)
    CHECK_IMM(a0, -128)
    lbu a0, 0(a1)
    CHECK_IMM(a0, 0x80)
    lh a0, 0(a1)
    CHECK_IMM(a0, 0xffffffffffff8080)
    lhu a0, 0(a1)
    CHECK_IMM(a0, 0x8080)
    lw a0, 0(a1)
    CHECK_IMM(a0, 0xffffffff80808080)
    lwu a0, 0(a1)
    CHECK_IMM(a0, 0x80808080)
    ld a0, 0(a1)
    CHECK_IMM(a0, 0x0102030480808080)
    li a2, 0x1122334455667788
    sd a2, 8(a1)
    ld a0, 8(a1)
    CHECK_IMM(a0, 0x1122334455667788)
    sb a2, 16(a1)
    lbu a0, 16(a1)
    CHECK_IMM(a0, 0x88)
    /* misaligned store: traps (cause 6, mtval = the address) without
     * writing, or is done in hardware (a quirk) */
    TRAP_AT(1f)
    addi a3, a1, 17
2:  sh a2, 0(a3)
1:  TRAP_COUNT_S9
    bnez s9, 3f
    QUIRK(quirk_misaligned_store)
    ld a0, 16(a1)
    CHECK_IMM(a0, 0x778888)
    j 4f
3:  CHECK_TRAP_R(CAUSE_MISALIGNED_STORE, 2b, a3)
    ld a0, 16(a1)
    CHECK_IMM(a0, 0x88)
4:
    /* jal: link = next pc */
    jal ra, 1f
2:  NOT_REACHED
1:  la a0, 2b
    sub a0, ra, a0
    CHECK_IMM(a0, 0)
    /* jalr clears bit 0 of the target, rd == rs1 */
    la a5, 1f
    addi a5, a5, 1
    jalr a5, 0(a5)
3:  NOT_REACHED
1:  la a0, 3b
    sub a0, a5, a0
    CHECK_IMM(a0, 0)
    /* branches both ways */
    li a1, -1
    li a2, 1
    blt a1, a2, 1f
    NOT_REACHED
1:  bltu a1, a2, 2f
    bge a2, a1, 1f
2:  NOT_REACHED
1:  bgeu a2, a1, 2f
    beq a1, a1, 1f
2:  NOT_REACHED
1:  bne a1, a1, 2f
    j 1f
2:  NOT_REACHED
1:
    /* --- M */
    li a1, -1
    mulh a0, a1, a1
    CHECK_IMM(a0, 0)
    mulhu a0, a1, a1
    CHECK_IMM(a0, 0xfffffffffffffffe)
    mulhsu a0, a1, a1
    CHECK_IMM(a0, -1)
    li a2, 3
    mulhsu a0, a2, a1
    CHECK_IMM(a0, 2)
    mul a0, a1, a2
    CHECK_IMM(a0, -3)
    li a1, 5
    div a0, a1, zero
    CHECK_IMM(a0, -1)
    divu a0, a1, zero
    CHECK_IMM(a0, -1)
    rem a0, a1, zero
    CHECK_IMM(a0, 5)
    remu a0, a1, zero
    CHECK_IMM(a0, 5)
    li a1, 0x8000000000000000
    li a2, -1
    div a0, a1, a2
    CHECK_IMM(a0, 0x8000000000000000)
    rem a0, a1, a2
    CHECK_IMM(a0, 0)
    li a1, -7
    li a2, 2
    div a0, a1, a2
    CHECK_IMM(a0, -3)
    rem a0, a1, a2
    CHECK_IMM(a0, -1)
    li a1, 0x80000000        /* low word INT32_MIN, upper bits zero */
    li a2, -1
    divw a0, a1, a2
    CHECK_IMM(a0, 0xffffffff80000000)
    remw a0, a1, a2
    CHECK_IMM(a0, 0)
    divw a0, a1, zero
    CHECK_IMM(a0, -1)
    divuw a0, a1, zero
    CHECK_IMM(a0, -1)
    li a1, 0x123456789
    remw a0, a1, zero
    CHECK_IMM(a0, 0x23456789)
    li a1, 0x5f0000000
    remuw a0, a1, zero
    CHECK_IMM(a0, 0xfffffffff0000000)
    li a1, 0x1ffffffff
    li a2, 2
    divuw a0, a1, a2
    CHECK_IMM(a0, 0x7fffffff)
    remuw a0, a1, a2
    CHECK_IMM(a0, 1)
    li a1, -7
    remw a0, a1, a2
    CHECK_IMM(a0, -1)
    divw a0, a1, a2
    CHECK_IMM(a0, -3)
    li a1, 0x8000
    li a2, 0x10000
    mulw a0, a1, a2
    CHECK_IMM(a0, 0xffffffff80000000)
    li a1, 0x10000
    mulw a0, a1, a2
    CHECK_IMM(a0, 0)

    /* --- A */
    la a1, amo
    li a2, 0x7fffffff
    sd a2, 0(a1)
    li a2, 1
    amoadd.w a0, a2, (a1)
    CHECK_IMM(a0, 0x7fffffff)
    lwu a0, 0(a1)
    CHECK_IMM(a0, 0x80000000)
    lw a0, 4(a1)
    CHECK_IMM(a0, 0)        /* upper word untouched */
    li a2, -5
    amomin.w a0, a2, (a1)   /* min(INT32_MIN, -5) */
    CHECK_IMM(a0, 0xffffffff80000000)
    lw a0, 0(a1)
    CHECK_IMM(a0, 0xffffffff80000000)
    li a2, 0x17fffffff       /* low word 0x7fffffff: bigger as signed */
    amomax.w a0, a2, (a1)
    lw a0, 0(a1)
    CHECK_IMM(a0, 0x7fffffff)
    li a2, 0xffffffff00000001
    amominu.w a0, a2, (a1)  /* minu(0x7fffffff, 1) */
    lw a0, 0(a1)
    CHECK_IMM(a0, 1)
    li a2, 0x00000000fffffffe
    amomaxu.w a0, a2, (a1)
    CHECK_IMM(a0, 1)
    lwu a0, 0(a1)
    CHECK_IMM(a0, 0xfffffffe)
    li a2, 0x0f0f
    amoand.w a0, a2, (a1)
    amoor.w a0, a2, (a1)
    amoxor.w a0, a2, (a1)
    CHECK_IMM(a0, 0x0f0f)
    lw a0, 0(a1)
    CHECK_IMM(a0, 0)
    li a2, 0x123456789abcdef0
    amoswap.d a0, a2, (a1)
    ld a0, 0(a1)
    CHECK_IMM(a0, 0x123456789abcdef0)
    li a2, -1
    amominu.d a0, a2, (a1)
    CHECK_IMM(a0, 0x123456789abcdef0)
    amomin.d a0, a2, (a1)
    ld a0, 0(a1)
    CHECK_IMM(a0, -1)
    amomaxu.d zero, zero, (a1)
    amoadd.d a0, a2, (a1)
    ld a0, 0(a1)
    CHECK_IMM(a0, -2)
    /* rd == rs2 */
    li a2, 7
    amoswap.d a2, a2, (a1)
    CHECK_IMM(a2, -2)
    ld a0, 0(a1)
    CHECK_IMM(a0, 7)
    /* LR/SC */
    lr.d a0, (a1)
    CHECK_IMM(a0, 7)
    li a2, 9
    sc.d a3, a2, (a1)
    CHECK_IMM(a3, 0)
    ld a0, 0(a1)
    CHECK_IMM(a0, 9)
    sc.d a3, a2, (a1)       /* reservation gone */
    CHECK_IMM(a3, 1)
    li a2, 0xfffffff0
    sw a2, 8(a1)
    addi a4, a1, 8
    lr.w a0, (a4)
    CHECK_IMM(a0, 0xfffffffffffffff0)
    sc.w a3, zero, (a1)     /* other address: fails */
    CHECK_IMM(a3, 1)
    lr.w a0, (a4)
    sw zero, 8(a1)          /* the value changed behind it */
    sc.w a3, a2, (a4)
    CHECK_IMM(a3, 1)
    lr.w a0, (a4)
    sc.w a3, a2, (a4)
    CHECK_IMM(a3, 0)
    lw a0, 8(a1)
    CHECK_IMM(a0, 0xfffffffffffffff0)
    /* misaligned AMO: store/AMO address misaligned (cause 6; 4 is a
     * quirk), memory untouched */
    TRAP_AT(1f)
    addi a4, a1, 2
2:  amoadd.w a0, a2, (a4)
    NOT_REACHED
1:  save_caller
    call trap_cause
    mv s9, a0
    restore_caller
    li t0, CAUSE_MISALIGNED_LOAD
    bne s9, t0, 3f
    QUIRK(quirk_amo_cause)
    CHECK_TRAP_R(CAUSE_MISALIGNED_LOAD, 2b, a4)
    j 4f
3:  CHECK_TRAP_R(CAUSE_MISALIGNED_STORE, 2b, a4)
4:  lw a0, 8(a1)
    CHECK_IMM(a0, 0xfffffffffffffff0)
    /* misaligned LR: load address misaligned */
    TRAP_AT(1f)
2:  lr.d a0, (a4)
    NOT_REACHED
1:  CHECK_TRAP_R(CAUSE_MISALIGNED_LOAD, 2b, a4)
    /* a trap (and the mret) drops the reservation: the SC fails */
    TRAP_AT(1f)
    li a7, 0
    lr.d a0, (a1)
2:  ecall
    NOT_REACHED
1:  sc.d a3, a0, (a1)
    CHECK_TRAP_R(CAUSE_ECALL_M, 2b, zero)
    beqz a3, 3f
    CHECK_IMM(a3, 1)
    j 4f
3:  QUIRK(quirk_reservation)
4:
    /* --- traps */
    TRAP_AT(1f)
    li a7, 0
2:  ecall
    NOT_REACHED
1:  CHECK_TRAP_R(CAUSE_ECALL_M, 2b, zero)
    TRAP_AT(1f)
2:  ebreak
    NOT_REACHED
1:  CHECK_EBREAK_AT(2b)
    TRAP_AT(1f)
2:  c.ebreak
    NOT_REACHED
1:  CHECK_EBREAK_AT(2b)
    TRAP_AT(1f)
2:  .4byte 0xffffffff
    NOT_REACHED
1:  CHECK_ILLEGAL_AT(2b, 0xffffffff)
    TRAP_AT(1f)
2:  .2byte 0x0000
    NOT_REACHED
1:  CHECK_ILLEGAL_AT(2b, 0)
    TRAP_AT(1f)
2:  .2byte 0x4002        /* c.lwsp with rd = 0: reserved */
    NOT_REACHED
1:  CHECK_ILLEGAL_AT(2b, 0x4002)
    TRAP_AT(1f)
2:  .4byte 0x1015a52f    /* lr.w with rs2 != 0 */
    NOT_REACHED
1:  CHECK_ILLEGAL_AT(2b, 0x1015a52f)
    TRAP_AT(1f)
2:  csrr a0, 0x7c0       /* no such CSR */
    NOT_REACHED
1:  CHECK_ILLEGAL_AT(2b, 0x7c002573)

    /* (mscratch belongs to the runtime's trap vector: restored after) */
    csrr s8, mscratch
    /* --- Zicsr */
    li a1, 0x1234
    csrw mscratch, a1
    csrrs a0, mscratch, 0x0f
    CHECK_IMM(a0, 0x1234)
    csrrc a0, mscratch, zero
    CHECK_IMM(a0, 0x123f)
    csrrci a0, mscratch, 0x1f
    CHECK_IMM(a0, 0x123f)
    csrrsi a0, mscratch, 1
    CHECK_IMM(a0, 0x1220)
    csrrwi a0, mscratch, 31
    CHECK_IMM(a0, 0x1221)
    csrrw a0, mscratch, zero
    CHECK_IMM(a0, 31)
    csrr a0, mscratch
    CHECK_IMM(a0, 0)
    csrw mscratch, s8

    /* --- C (the assembler uses rvc forms where it can; these are
     * explicit) */
    li s0, 0x100
    c.addi s0, -1
    CHECK_IMM(s0, 0xff)
    c.li s1, -32
    CHECK_IMM(s1, -32)
    c.lui a5, 0xfffe1
    CHECK_IMM(a5, 0xfffffffffffe1000)
    c.mv a4, s1
    c.add a4, s0
    CHECK_IMM(a4, 0xdf)
    li a3, 0x7fffffff
    c.addiw a3, 1
    CHECK_IMM(a3, 0xffffffff80000000)
    c.srli a3, 1
    CHECK_IMM(a3, 0x7fffffffc0000000)
    c.srai s1, 2
    CHECK_IMM(s1, -8)
    c.slli s1, 60
    CHECK_IMM(s1, 0x8000000000000000)
    c.andi s0, 0x1f
    CHECK_IMM(s0, 0x1f)
    li a2, 0x7fffffff
    li a3, 1
    c.addw a2, a3
    CHECK_IMM(a2, 0xffffffff80000000)
    c.subw a3, a2
    CHECK_IMM(a3, 0xffffffff80000001)
    c.sub a3, a3
    CHECK_IMM(a3, 0)
    li a2, 0xf0
    li a3, 0x3c
    c.xor a2, a3
    CHECK_IMM(a2, 0xcc)
    c.or a2, a3
    CHECK_IMM(a2, 0xfc)
    c.and a2, a3
    CHECK_IMM(a2, 0x3c)
    mv s1, sp
    c.addi16sp sp, -64
    c.addi4spn a2, sp, 16
    addi a2, a2, 48
    sub a2, a2, s1
    CHECK_IMM(a2, 0)
    li a3, 0x1122334455667788
    c.sdsp a3, 8(sp)
    c.ldsp a4, 8(sp)
    CHECK_IMM(a4, 0x1122334455667788)
    c.lwsp a4, 12(sp)
    CHECK_IMM(a4, 0x11223344)
    c.swsp a3, 16(sp)
    mv a5, sp
    c.lw a4, 16(a5)
    CHECK_IMM(a4, 0x55667788)
    c.sw a4, 20(a5)
    c.ld a4, 16(a5)
    CHECK_IMM(a4, 0x5566778855667788)
    c.sd a3, 24(a5)
    ld a4, 24(sp)
    CHECK_IMM(a4, 0x1122334455667788)
    li t0, 1 << 13          /* mstatus.FS = Initial */
    csrs mstatus, t0
    c.fld fa0, 8(a5)
    c.fsd fa0, 32(a5)
    c.fldsp fa1, 32(sp)
    c.fsdsp fa1, 40(sp)
    ld a4, 40(sp)
    CHECK_IMM(a4, 0x1122334455667788)
    c.addi16sp sp, 64
    sub a2, sp, s1
    CHECK_IMM(a2, 0)
    c.li a0, 0
    c.beqz a0, 1f
    NOT_REACHED
1:  c.bnez a0, 2f
    c.li a0, 3
    c.bnez a0, 1f
2:  NOT_REACHED
1:  c.j 1f
    NOT_REACHED
1:  la a1, 1f
    c.jr a1
    NOT_REACHED
1:  la a1, 2f
    c.jalr a1
1:  j 3f
2:  la a2, 1b
    sub a2, ra, a2
    CHECK_IMM(a2, 0)
    ret
3:
    /* --- self-modifying code with fence.i */
    la a1, smc
    lw a2, smc_new
    sw a2, 0(a1)
    fence.i
    jal smc
    CHECK_IMM(a0, 42)

    /* --- a 32-bit instruction across a page boundary, the second page
     * unmapped: fetch page fault with mtval = the second page and mepc =
     * the instruction.  S-mode, Sv39: virtual 0x40000000 -> cross_page,
     * 0x40001000 unmapped; the program itself identity-mapped (a
     * gigapage) for the runtime. */
    la a1, pt_root
    la a2, pt_l1
    srli a2, a2, 2
    ori a2, a2, PTE_VALID
    sd a2, 8(a1)            /* root[1]: 0x40000000.. */
    li a2, ((0x80000000 >> 12) << 10) | PTE_RWX_AD
    sd a2, 16(a1)           /* root[2]: 0x80000000.., identity */
    la a1, pt_l1
    la a2, pt_l0
    srli a2, a2, 2
    ori a2, a2, PTE_VALID
    sd a2, 0(a1)
    la a1, pt_l0
    la a2, cross_page
    srli a2, a2, 2
    ori a2, a2, PTE_RWX_AD
    sd a2, 0(a1)            /* page 0 mapped, page 1 not */
    la a1, pt_root
    srli a1, a1, 12
    li a2, SATP_SV39
    or a1, a1, a2
    csrw satp, a1
    sfence.vma
    /* inside a translation block (after a c.nop) */
    TRAP_ARM_AT(s_return)
    li a0, PRV_S
    la a1, jump_a0
    li a2, 0x40000ffc
    call enter_mode
    li s2, 0x40000ffe
    li s3, 0x40001000
    CHECK_TRAP_RR(CAUSE_FETCH_PAGE_FAULT, s2, s3)
    /* and as the first instruction of one */
    TRAP_ARM_AT(s_return)
    li a0, PRV_S
    la a1, jump_a0
    li a2, 0x40000ffe
    call enter_mode
    CHECK_TRAP_RR(CAUSE_FETCH_PAGE_FAULT, s2, s3)
    csrw satp, zero
    sfence.vma
TEST_END

/* enter_mode's function for the page-crossing case: jump to a0 */
jump_a0:
    jr a0
/* where the fetch fault resumes: back to enter_mode's trampoline */
s_return:
    ret

    .align 2
    .option push
    .option norvc
smc:
    li a0, 1
    ret
    .option pop

    .section .rodata
quirk_ebreak:
    .asciz "ebreak leaves mtval 0, not the pc"
quirk_misaligned_store:
    .asciz "misaligned stores are done in hardware"
quirk_amo_cause:
    .asciz "misaligned AMO raises cause 4, not 6"
quirk_reservation:
    .asciz "an LR reservation survives a trap and mret"

    .data
    .align 3
data:
    .8byte 0x0102030480808080
    .8byte 0, 0, 0
amo:
    .8byte 0, 0, 0, 0
smc_new:
    .4byte 0x02a00513       /* li a0, 42 (addi a0, zero, 42) */

    /* executed in S-mode through the page tables */
    .align 12
cross_page:
    .skip 0xffc
    .option push
    .option norvc
    .2byte 0x0001           /* c.nop */
    addi a0, a0, 1          /* at 0x...ffe: crosses into the next page */
    .option pop
    .skip 4096

    .bss
    .align 12
pt_root: .skip 4096
pt_l1: .skip 4096
pt_l0: .skip 4096
