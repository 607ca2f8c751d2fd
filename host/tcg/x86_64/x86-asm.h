/*
 * x86-asm.h - a small x86-64 assembler for the JIT backend: register and
 * condition-code names, an output buffer that tracks its runtime
 * (executable) address, the instruction encoders the op lowering needs
 * (REX, ModRM/SIB, imm8/imm32/imm64 forms) and labels with rel8/rel32
 * fixups.  It knows nothing about the IR; encodings follow the Intel SDM,
 * volume 2.  Writes past the capacity are counted but dropped and set
 * .overflow, so a caller checks once at the end instead of per byte.
 */
#ifndef HOST_TCG_X86_64_X86_ASM_H
#define HOST_TCG_X86_64_X86_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "tcg/tcg-internal.h" /* TcgVec */

typedef enum X86Reg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NOREG = -1,
} X86Reg;

#define X86_NB_REGS 16
#define X86_BIT(r) (1u << (r))

/* Condition codes (the low nibble of jcc/setcc/cmovcc); cc ^ 1 negates. */
typedef enum X86Cond {
    X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE,
    X86_CC_BE, X86_CC_A, X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP,
    X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G,
} X86Cond;

/* ALU group 1 (the /digit of 0x81/0x83 and the opcode row of the r/m
 * forms). */
typedef enum X86Alu {
    X86_ADD = 0, X86_OR = 1, X86_ADC = 2, X86_SBB = 3,
    X86_AND = 4, X86_SUB = 5, X86_XOR = 6, X86_CMP = 7,
} X86Alu;

/* Shift group 2 (the /digit of 0xC1/0xD3). */
typedef enum X86Shift {
    X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7,
} X86Shift;

/* Unary group 3 (the /digit of 0xF7). */
typedef enum X86Unary {
    X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6,
    X86_IDIV = 7,
} X86Unary;

typedef struct X86Fixup {
    unsigned label;
    size_t pos;  /* of the displacement */
    unsigned size; /* 1 or 4 bytes */
} X86Fixup;

typedef struct X86Asm {
    uint8_t *buf;      /* where bytes go (the writable view) */
    uintptr_t rx_base; /* address of buf[0] when the code runs */
    size_t len;        /* bytes emitted (may exceed cap) */
    size_t cap;
    bool overflow;     /* len > cap: the output is unusable */
    TcgVec label_pos;  /* gssize per label, -1 while unbound */
    TcgVec fixups;     /* X86Fixup of forward references */
    TcgArena *arena;   /* where the lists live: NULL (the heap, as
                          x86_asm_init() leaves it) or a TB's arena, set
                          before the first label */
} X86Asm;

void x86_asm_init(X86Asm *a, uint8_t *buf, size_t cap, uintptr_t rx_base);
void x86_asm_destroy(X86Asm *a);
static inline uintptr_t x86_asm_rx(const X86Asm *a)
{
    return a->rx_base + a->len;
}

/* Raw bytes.  Inline: every encoder emits through these, and as calls
 * they were about 5% of translation. */
static inline void x86_byte(X86Asm *a, uint8_t b)
{
    if (G_LIKELY(a->len < a->cap)) {
        a->buf[a->len] = b;
    } else {
        a->overflow = true;
    }
    a->len++;
}
static inline void x86_u32(X86Asm *a, uint32_t v)
{
    if (G_LIKELY(a->cap - a->len >= 4 && a->len <= a->cap)) {
        memcpy(a->buf + a->len, &v, 4); /* little-endian host */
        a->len += 4;
        return;
    }
    for (int i = 0; i < 4; i++) {
        x86_byte(a, (v >> (8 * i)) & 0xff);
    }
}
void x86_u16(X86Asm *a, uint16_t v);
void x86_u64(X86Asm *a, uint64_t v);
void x86_patch_u32(X86Asm *a, size_t pos, uint32_t v);
void x86_nops(X86Asm *a, unsigned n);
/* Pad with nops until (len + @bias) is a multiple of @align. */
void x86_align(X86Asm *a, unsigned align, unsigned bias);

/* Labels. */
unsigned x86_label_new(X86Asm *a);
void x86_label_bind(X86Asm *a, unsigned label);
bool x86_label_bound(const X86Asm *a, unsigned label);

/* Flags of the generic encoders. */
#define X86_W (1u << 0)       /* REX.W: 64-bit operand size */
#define X86_P66 (1u << 1)     /* 16-bit operand size prefix */
#define X86_PF3 (1u << 2)     /* F3 prefix (popcnt, lzcnt, tzcnt) */
#define X86_0F (1u << 3)      /* two-byte opcode 0F xx */
#define X86_BREG (1u << 4)    /* the reg field names a byte register */
#define X86_BRM (1u << 5)     /* the r/m field names a byte register */

/* Generic forms: opcode with ModRM reg field @reg (a register or a /digit)
 * and a register (rr) or [base + disp] (rm) operand. */
void x86_op_rr(X86Asm *a, unsigned flags, uint8_t opc, int reg, int rm);
void x86_op_rm(X86Asm *a, unsigned flags, uint8_t opc, int reg, X86Reg base,
               int32_t disp);

/* Moves. */
void x86_mov_rr(X86Asm *a, bool w, X86Reg d, X86Reg s);
/* d = imm, zero- or sign-extended as needed; never touches the flags. */
void x86_mov_ri(X86Asm *a, bool w, X86Reg d, uint64_t imm);
/* Load @size bytes (1, 2, 4, 8) from [base+disp], extended to 64 bits
 * (@sign) or zero-extended; @w: 64-bit destination for sign extension. */
void x86_load(X86Asm *a, unsigned size, bool sign, bool w, X86Reg d,
              X86Reg base, int32_t disp);
void x86_store(X86Asm *a, unsigned size, X86Reg s, X86Reg base,
               int32_t disp);
/* Store an immediate (sign-extended imm32 for size 8). */
void x86_store_imm(X86Asm *a, unsigned size, int32_t imm, X86Reg base,
                   int32_t disp);
void x86_lea(X86Asm *a, bool w, X86Reg d, X86Reg base, int32_t disp);
/* d = zero- or sign-extension of the low @size bytes (1, 2, 4) of s;
 * @w: 64-bit destination (for sign extension). */
void x86_movzx(X86Asm *a, unsigned size, X86Reg d, X86Reg s);
void x86_movsx(X86Asm *a, unsigned size, bool w, X86Reg d, X86Reg s);

/* Arithmetic. */
void x86_alu_rr(X86Asm *a, bool w, X86Alu op, X86Reg d, X86Reg s);
void x86_alu_ri(X86Asm *a, bool w, X86Alu op, X86Reg d, int32_t imm);
/* d = d op [base + disp] (cmp: flags of d - [base + disp]). */
void x86_alu_rm(X86Asm *a, bool w, X86Alu op, X86Reg d, X86Reg base,
                int32_t disp);
void x86_test_rr(X86Asm *a, bool w, X86Reg r1, X86Reg r2);
void x86_shift_ri(X86Asm *a, bool w, X86Shift op, X86Reg d, unsigned n);
void x86_shift_cl(X86Asm *a, bool w, X86Shift op, X86Reg d);
void x86_unary(X86Asm *a, bool w, X86Unary op, X86Reg r);
void x86_imul_rr(X86Asm *a, bool w, X86Reg d, X86Reg s);
void x86_imul_rri(X86Asm *a, bool w, X86Reg d, X86Reg s, int32_t imm);
void x86_cqo(X86Asm *a, bool w);
void x86_setcc(X86Asm *a, X86Cond cc, X86Reg d);
void x86_cmov(X86Asm *a, bool w, X86Cond cc, X86Reg d, X86Reg s);
void x86_bswap(X86Asm *a, bool w, X86Reg r);
void x86_bsr(X86Asm *a, bool w, X86Reg d, X86Reg s);
void x86_bsf(X86Asm *a, bool w, X86Reg d, X86Reg s);
void x86_popcnt(X86Asm *a, bool w, X86Reg d, X86Reg s);

/* Stack and control. */
void x86_push(X86Asm *a, X86Reg r);
void x86_pop(X86Asm *a, X86Reg r);
void x86_ret(X86Asm *a);
void x86_jmp_reg(X86Asm *a, X86Reg r);
void x86_call_reg(X86Asm *a, X86Reg r);
void x86_call_mem(X86Asm *a, X86Reg base, int32_t disp);
/* Jump/call to an absolute runtime address: rel32 when it reaches, else
 * through @scratch (jmp/call only). */
void x86_jmp_abs(X86Asm *a, uintptr_t target);
void x86_call_abs(X86Asm *a, uintptr_t target, X86Reg scratch);
bool x86_rel32_reaches(const X86Asm *a, uintptr_t target, unsigned insn_len);
/* lea d, [rip + (target - next insn)] for a runtime address. */
void x86_lea_rip(X86Asm *a, X86Reg d, uintptr_t target);
/* Jumps to labels: rel32, or rel8 (@short_) when the caller knows the
 * distance is small; backward jumps pick rel8 by themselves when it fits. */
void x86_jmp_label(X86Asm *a, unsigned label, bool short_);
void x86_jcc_label(X86Asm *a, X86Cond cc, unsigned label, bool short_);

#endif /* HOST_TCG_X86_64_X86_ASM_H */
