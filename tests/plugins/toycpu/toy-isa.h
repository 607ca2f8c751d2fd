/*
 * toy-isa.h - the encoding of the "toy" test ISA, shared by the toy-cpu
 * plugin (decoder, disassembler) and the program generator of the
 * execution tests (tests/exec/gen-programs.c, the assembler).
 *
 * Instructions are 32-bit little-endian words.  Bits 7..0 are the
 * opcode, 11..8 field A (rd; the data register of stores; the first
 * operand of branches), 15..12 field B (rs1; the base of loads and
 * stores; the second operand of branches), 19..16 field C (rs2 of
 * register-register ops) and 31..16 a 16-bit immediate for the other
 * formats (sign-extended unless noted).  Sixteen 64-bit registers r0..r15,
 * r0 reads as zero.  Branch and jal offsets count words from the branch
 * itself.  The word 0 (and every unknown opcode) is illegal: cause 2.
 *
 *   li rd, imm        rd = sext(imm)
 *   lui rd, imm       rd = zext(imm) << 16            (imm unsigned)
 *   addi rd, rs1, imm rd = rs1 + sext(imm)
 *   ori rd, rs1, imm  rd = rs1 | zext(imm)
 *   slli rd, rs1, imm rd = rs1 << (imm & 63)
 *   add..sltu rd, rs1, rs2   the R-type ops below (div/rem: the IR's
 *                     total semantics, x/0 = ~0, x%0 = x)
 *   beq/bne/blt/bltu a, b, off   if (a cond b) pc += off * 4
 *   jal rd, off       rd = pc + 4; pc += off * 4
 *   jalr rd, rs1, imm rd = pc + 4; pc = rs1 + imm
 *   lb..ld, lbu..lwu rd, imm(rs1)   sd/sw/sh/sb ra, imm(rs1)
 *   ecall             exception cause 8 (epc = its pc)
 *   wfi               sleep until an interrupt is pending
 *   eret              pc = epc; status.IE = status.PIE
 *   csrr rd, csr      csrw csr, rs1   (csr number in the immediate)
 *
 * CSRs: 0 status (bit 0 IE, bit 1 PIE), 1 cause, 2 epc, 3 vector, 4 tval,
 * 5 scratch, 6 cycle (the virtual clock in ns; read-only).  Exceptions
 * and interrupts set epc and cause, copy IE to PIE, clear IE and jump to
 * vector.  Causes: 1 fetch access fault, 2 illegal instruction, 5 load
 * access fault, 7 store access fault, 8 ecall, 0x8000000b the external
 * interrupt.
 */
#ifndef TOY_ISA_H
#define TOY_ISA_H

#include <stdint.h>

enum {
    TOY_ILLEGAL = 0x00,
    TOY_LI = 0x01, TOY_LUI = 0x02, TOY_ADDI = 0x03, TOY_ORI = 0x04,
    TOY_SLLI = 0x05,
    TOY_ADD = 0x10, TOY_SUB, TOY_MUL, TOY_DIV, TOY_REM, TOY_DIVU, TOY_REMU,
    TOY_AND, TOY_OR, TOY_XOR, TOY_SHL, TOY_SHR, TOY_SAR, TOY_SLTU,
    TOY_BEQ = 0x20, TOY_BNE, TOY_BLT, TOY_BLTU, TOY_JAL, TOY_JALR,
    TOY_LB = 0x30, TOY_LH, TOY_LW, TOY_LD, TOY_LBU, TOY_LHU, TOY_LWU,
    TOY_SB = 0x38, TOY_SH, TOY_SW, TOY_SD,
    TOY_ECALL = 0x40, TOY_WFI, TOY_ERET, TOY_CSRR, TOY_CSRW,
};

enum {
    TOY_CSR_STATUS = 0, TOY_CSR_CAUSE, TOY_CSR_EPC, TOY_CSR_VECTOR,
    TOY_CSR_TVAL, TOY_CSR_SCRATCH, TOY_CSR_CYCLE, TOY_CSR_COUNT
};

#define TOY_STATUS_IE 1u
#define TOY_STATUS_PIE 2u

#define TOY_CAUSE_FETCH_FAULT 1
#define TOY_CAUSE_ILLEGAL 2
#define TOY_CAUSE_LOAD_FAULT 5
#define TOY_CAUSE_STORE_FAULT 7
#define TOY_CAUSE_ECALL 8
#define TOY_CAUSE_IRQ 0x8000000bu

static inline uint32_t toy_enc(unsigned op, unsigned a, unsigned b,
                               unsigned c)
{
    return (op & 0xff) | (a & 15) << 8 | (b & 15) << 12 | (c & 15) << 16;
}

static inline uint32_t toy_enc_i(unsigned op, unsigned a, unsigned b,
                                 int32_t imm)
{
    return (op & 0xff) | (a & 15) << 8 | (b & 15) << 12 |
           ((uint32_t)imm & 0xffff) << 16;
}

#define TOY_OP(w) ((w) & 0xff)
#define TOY_A(w) (((w) >> 8) & 15)
#define TOY_B(w) (((w) >> 12) & 15)
#define TOY_C(w) (((w) >> 16) & 15)
#define TOY_IMM(w) ((int64_t)(int16_t)((w) >> 16))
#define TOY_UIMM(w) ((uint64_t)((w) >> 16))

#endif /* TOY_ISA_H */
