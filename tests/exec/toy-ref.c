/*
 * toy-ref.c - a reference interpreter of the toy ISA (toy-isa.h) with the
 * execution tests' board (toy-board.yaml: RAM, test-finisher, console,
 * timer), independent of breadboard: `toy-ref PROGRAM.bin` runs a program
 * and exits with the status breadboard would.  It checks the programs and
 * the generator's C models on their own (test exec.toy-ref), so a failure
 * of exec.toy points at the emulator, not at the test program.  Virtual
 * time is one nanosecond per instruction (like --icount with shift 0);
 * console output goes to stdout.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../plugins/toycpu/toy-isa.h"

#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x100000u
#define MAX_STEPS 100000000ull

static uint8_t ram[RAM_SIZE];
static uint64_t r[16], pc, csr[TOY_CSR_COUNT], now, timer_at;
static bool irq;
static int exit_status = -1;

/* Device and RAM access; false on a bus error. */
static bool bus(uint64_t a, unsigned size, uint64_t *v, bool write)
{
    if (a >= RAM_BASE && a + size <= RAM_BASE + RAM_SIZE) {
        for (unsigned i = 0; i < size; i++) {
            if (write) {
                ram[a - RAM_BASE + i] = (uint8_t)(*v >> (8 * i));
            } else {
                *v = (i ? *v : 0) | (uint64_t)ram[a - RAM_BASE + i] << (8 * i);
            }
        }
        return true;
    }
    if (a >= 0x100000 && a < 0x103000) {
        if (!write) {
            *v = a == 0x102000 ? (uint32_t)now : 0;
        } else if (a == 0x100000) {
            if ((*v & 0xffff) == 0x5555) {
                exit_status = 0;
            } else if ((*v & 0xffff) == 0x3333) {
                exit_status = (int)((*v >> 16) & 0xff) ? (int)((*v >> 16) & 0xff) : 1;
            }
        } else if (a == 0x101000) {
            putchar((int)(*v & 0xff));
        } else if (a == 0x102000) {
            timer_at = now + (uint32_t)*v;
        } else if (a == 0x102004) {
            irq = false;
        }
        return true;
    }
    return false;
}

static void trap(uint64_t cause, uint64_t tval)
{
    csr[TOY_CSR_EPC] = pc;
    csr[TOY_CSR_CAUSE] = cause;
    csr[TOY_CSR_TVAL] = tval;
    csr[TOY_CSR_STATUS] = (csr[TOY_CSR_STATUS] & TOY_STATUS_IE) ? TOY_STATUS_PIE : 0;
    pc = csr[TOY_CSR_VECTOR];
}

static void wr(unsigned d, uint64_t v)
{
    if (d) {
        r[d] = v;
    }
}

/* Execute one instruction; false when it trapped. */
static bool step(void)
{
    uint64_t w64;
    if (!bus(pc, 4, &w64, false)) {
        trap(TOY_CAUSE_FETCH_FAULT, pc);
        return false;
    }
    uint32_t w = (uint32_t)w64;
    unsigned op = TOY_OP(w), a = TOY_A(w), b = TOY_B(w), c = TOY_C(w);
    uint64_t x = r[b], y = r[c], imm = (uint64_t)TOY_IMM(w), next = pc + 4;
    int64_t sx = (int64_t)x, sy = (int64_t)y;
    static const unsigned lsz[] = { 1, 2, 4, 8, 1, 2, 4 };

    switch (op) {
    case TOY_LI: wr(a, imm); break;
    case TOY_LUI: wr(a, TOY_UIMM(w) << 16); break;
    case TOY_ADDI: wr(a, x + imm); break;
    case TOY_ORI: wr(a, x | TOY_UIMM(w)); break;
    case TOY_SLLI: wr(a, x << (TOY_UIMM(w) & 63)); break;
    case TOY_ADD: wr(a, x + y); break;
    case TOY_SUB: wr(a, x - y); break;
    case TOY_MUL: wr(a, x * y); break;
    case TOY_DIV:
        wr(a, !y ? ~0ull : (sx == INT64_MIN && sy == -1) ? x : (uint64_t)(sx / sy));
        break;
    case TOY_REM:
        wr(a, !y ? x : (sx == INT64_MIN && sy == -1) ? 0 : (uint64_t)(sx % sy));
        break;
    case TOY_DIVU: wr(a, y ? x / y : ~0ull); break;
    case TOY_REMU: wr(a, y ? x % y : x); break;
    case TOY_AND: wr(a, x & y); break;
    case TOY_OR: wr(a, x | y); break;
    case TOY_XOR: wr(a, x ^ y); break;
    case TOY_SHL: wr(a, x << (y & 63)); break;
    case TOY_SHR: wr(a, x >> (y & 63)); break;
    case TOY_SAR: wr(a, (uint64_t)(sx >> (y & 63))); break;
    case TOY_SLTU: wr(a, x < y); break;
    case TOY_BEQ: case TOY_BNE: case TOY_BLT: case TOY_BLTU: {
        uint64_t p = r[a], q = r[b];
        bool t = op == TOY_BEQ ? p == q : op == TOY_BNE ? p != q
               : op == TOY_BLT ? (int64_t)p < (int64_t)q : p < q;
        if (t) {
            next = pc + imm * 4;
        }
        break;
    }
    case TOY_JAL: wr(a, pc + 4); next = pc + imm * 4; break;
    case TOY_JALR: next = x + imm; wr(a, pc + 4); break;
    case TOY_LB ... TOY_LWU: {
        unsigned n = lsz[op - TOY_LB];
        uint64_t v;
        if (!bus(x + imm, n, &v, false)) {
            trap(TOY_CAUSE_LOAD_FAULT, x + imm);
            return false;
        }
        if (op <= TOY_LD && n < 8 && (v >> (8 * n - 1)) & 1) {
            v |= ~0ull << (8 * n);
        }
        wr(a, v);
        break;
    }
    case TOY_SB ... TOY_SD: {
        uint64_t v = r[a];
        if (!bus(x + imm, 1u << (op - TOY_SB), &v, true)) {
            trap(TOY_CAUSE_STORE_FAULT, x + imm);
            return false;
        }
        break;
    }
    case TOY_ECALL: trap(TOY_CAUSE_ECALL, 0); return false;
    case TOY_WFI:
        if (!irq && timer_at) {
            now = timer_at > now ? timer_at : now;
        }
        break;
    case TOY_ERET:
        next = csr[TOY_CSR_EPC];
        csr[TOY_CSR_STATUS] = TOY_STATUS_PIE |
            ((csr[TOY_CSR_STATUS] & TOY_STATUS_PIE) ? TOY_STATUS_IE : 0);
        break;
    case TOY_CSRR:
        if (TOY_UIMM(w) >= TOY_CSR_COUNT) {
            goto illegal;
        }
        wr(a, TOY_UIMM(w) == TOY_CSR_CYCLE ? now : csr[TOY_UIMM(w)]);
        break;
    case TOY_CSRW:
        if (TOY_UIMM(w) >= TOY_CSR_CYCLE) {
            goto illegal;
        }
        csr[TOY_UIMM(w)] = x;
        break;
    default:
    illegal:
        trap(TOY_CAUSE_ILLEGAL, w);
        return false;
    }
    pc = next;
    return true;
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;

    if (!f) {
        fprintf(stderr, "usage: toy-ref PROGRAM.bin\n");
        return 2;
    }
    if (fread(ram, 1, sizeof(ram), f) == 0) {
        fprintf(stderr, "toy-ref: %s: empty\n", argv[1]);
        return 2;
    }
    fclose(f);
    pc = RAM_BASE;
    for (uint64_t n = 0; n < MAX_STEPS && exit_status < 0; n++) {
        if (timer_at && now >= timer_at) {
            irq = true;
            timer_at = 0;
        }
        if (irq && (csr[TOY_CSR_STATUS] & TOY_STATUS_IE)) {
            trap(TOY_CAUSE_IRQ, 0);
        }
        step();
        now++;
    }
    if (exit_status < 0) {
        fprintf(stderr, "toy-ref: %s: no exit after %llu instructions "
                "(pc 0x%llx)\n", argv[1], (unsigned long long)MAX_STEPS,
                (unsigned long long)pc);
        return 124;
    }
    fflush(stdout);
    return exit_status;
}
