/*
 * emulate.h - trap-and-emulate of misaligned loads and stores for the
 * guest tests, the way firmware does it for a kernel (OpenSBI): an M-mode
 * hook (struct hart.m_hook) that decodes the 32-bit load or store at
 * mepc, carries the access out byte by byte, writes the loaded value to
 * the trap frame and resumes after the instruction.  breadboard's hart
 * traps misaligned accesses (causes 4 and 6); QEMU does them in hardware
 * and never calls the hook, so a program using it behaves the same on
 * both.  Compressed instructions are not emulated (the hook declines and
 * the trap is reported as unexpected).  The instruction is read at mepc
 * as is (identity-mapped code); the data bytes are accessed with MPRV
 * when the trap came from S or U, so they go through that mode's paging.
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

/* One byte at @a as the trapping mode sees it: with MPRV when that mode
 * was not M (its translation and permissions; as OpenSBI does). */
static uint8_t emu_load8(uint64_t a, bool mprv)
{
    uint64_t v;

    if (!mprv) {
        return *(volatile uint8_t *)(uintptr_t)a;
    }
    __asm__ volatile("csrs mstatus, %1\n"
                     "lbu %0, 0(%2)\n"
                     "csrc mstatus, %1"
                     : "=&r"(v) : "r"(MSTATUS_MPRV), "r"(a) : "memory");
    return (uint8_t)v;
}

static void emu_store8(uint64_t a, uint8_t v, bool mprv)
{
    if (!mprv) {
        *(volatile uint8_t *)(uintptr_t)a = v;
        return;
    }
    __asm__ volatile("csrs mstatus, %0\n"
                     "sb %1, 0(%2)\n"
                     "csrc mstatus, %0"
                     : : "r"(MSTATUS_MPRV), "r"(v), "r"(a) : "memory");
}

static bool emulate_misaligned(struct trap_frame *f, uint64_t cause)
{
    bool mprv = (csr_read(mstatus) & MSTATUS_MPP) != MSTATUS_MPP;
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
            v |= (uint64_t)emu_load8(addr + i, mprv) << (8 * i);
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
            emu_store8(addr + i, (uint8_t)(v >> 8 * i), mprv);
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
