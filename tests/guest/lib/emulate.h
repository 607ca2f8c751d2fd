/*
 * emulate.h - trap-and-emulate of misaligned loads and stores for the
 * guest tests, the way firmware does it for a kernel (OpenSBI): an M-mode
 * hook (struct hart.m_hook) that decodes the 32-bit load or store at
 * mepc, carries the access out byte by byte, writes the loaded value to
 * the trap frame and resumes after the instruction.  breadboard's hart
 * traps misaligned accesses (causes 4 and 6); QEMU does them in hardware
 * and never calls the hook, so a program using it behaves the same on
 * both.  Compressed instructions are not emulated (the hook declines and
 * the trap is reported as unexpected).  Usable from M with the trapping
 * code in any mode, without paging or identity-mapped.
 */
#ifndef GUEST_EMULATE_H
#define GUEST_EMULATE_H

#include "insn.h"

/* Accesses the hook carried out (0 on QEMU). */
static unsigned emulated;

static uint64_t emu_sext(uint64_t v, unsigned bits)
{
    return bits == 64 ? v : (uint64_t)((int64_t)(v << (64 - bits)) >>
                                       (64 - bits));
}

static bool emulate_misaligned(struct trap_frame *f, uint64_t cause)
{
    uint64_t epc = csr_read(mepc);
    uint32_t insn;
    unsigned rd, rs1, rs2, f3, size;
    uint64_t addr, v = 0;
    int64_t imm;

    if (cause != CAUSE_MISALIGNED_LOAD && cause != CAUSE_MISALIGNED_STORE) {
        return false;
    }
    insn = insn_at(epc);
    if ((insn & 3) != 3) {
        return false;
    }
    rd = (insn >> 7) & 31;
    rs1 = (insn >> 15) & 31;
    rs2 = (insn >> 20) & 31;
    f3 = (insn >> 12) & 7;
    size = 1u << (f3 & 3);
    if ((insn & 0x7f) == 0x03 && cause == CAUSE_MISALIGNED_LOAD) {
        imm = (int32_t)insn >> 20;
        addr = (rs1 ? f->x[rs1] : 0) + imm;
        for (unsigned i = 0; i < size; i++) {
            v |= (uint64_t)*(volatile uint8_t *)(uintptr_t)(addr + i)
                 << (8 * i);
        }
        if (!(f3 & 4)) {
            v = emu_sext(v, 8 * size);
        }
        if (rd) {
            f->x[rd] = v;
        }
    } else if ((insn & 0x7f) == 0x23 && cause == CAUSE_MISALIGNED_STORE) {
        imm = ((int32_t)insn >> 25 << 5) | ((insn >> 7) & 31);
        addr = (rs1 ? f->x[rs1] : 0) + imm;
        v = rs2 ? f->x[rs2] : 0;
        for (unsigned i = 0; i < size; i++) {
            *(volatile uint8_t *)(uintptr_t)(addr + i) = (uint8_t)(v >> 8 * i);
        }
    } else {
        return false;
    }
    if (addr != csr_read(mtval)) {
        return false; /* the hart reported another address: fail */
    }
    emulated++;
    csr_write(mepc, epc + 4);
    return true;
}

#endif /* GUEST_EMULATE_H */
