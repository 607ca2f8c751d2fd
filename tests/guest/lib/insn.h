/*
 * insn.h - running single instructions that may trap, for the C tests
 * of tests/guest: TRY_INSN("asm") arms the trap recorder, runs the
 * instruction (it may use t0, preset to -1, and t1; a7 is 0 for ecall;
 * assembled without C unless the string says .option rvc) and returns its
 * address; EXPECT_ILLEGAL / EXPECT_OK check the outcome, including
 * mepc = the instruction and mtval = its encoding (or 0, a quirk).
 * Usable in M, S and U mode (without paging, or identity-mapped).
 */
#ifndef GUEST_INSN_H
#define GUEST_INSN_H

#include "guest.h"

#define TRY_INSN(insn)                                                        \
    ({                                                                        \
        uint64_t pc_;                                                         \
        test_case(insn, -1);                                                  \
        trap_arm();                                                           \
        __asm__ volatile("li t0, -1\n"                                        \
                         "li a7, 0\n"                                         \
                         "lla %0, 881f\n"                                     \
                         "881: .option push\n"                                \
                         ".option norvc\n"                                    \
                         insn "\n"                                            \
                         ".option pop\n"                                      \
                         : "=&r"(pc_) : : "t0", "t1", "a7", "memory");        \
        trap_disarm();                                                        \
        pc_;                                                                  \
    })

#define EXPECT_TRAP_AT(insn, cause_)                                          \
    do {                                                                      \
        uint64_t at_ = TRY_INSN(insn);                                        \
        CHECK_EQ(cur_hart->count, 1);                                         \
        CHECK_EQ(cur_hart->trap.cause, (cause_));                             \
        CHECK_EQ(cur_hart->trap.epc, at_);                                    \
    } while (0)

/* The 32-bit encoding at @pc (only 2-byte aligned with C). */
static inline uint32_t insn_at(uint64_t pc)
{
    const volatile uint16_t *p = (const volatile uint16_t *)(uintptr_t)pc;

    return p[0] | (uint32_t)p[1] << 16;
}

#define EXPECT_ILLEGAL(insn)                                                  \
    do {                                                                      \
        uint64_t at_ = TRY_INSN(insn);                                        \
        CHECK_EQ(cur_hart->trap.epc, at_);                                    \
        CHECK_ILLEGAL(insn_at(at_));                                          \
    } while (0)

#define EXPECT_OK(insn)                                                       \
    do {                                                                      \
        TRY_INSN(insn);                                                       \
        CHECK_NO_TRAP();                                                      \
    } while (0)

#endif /* GUEST_INSN_H */
