/*
 * interp.c - a switch-dispatched bytecode interpreter on its own, for
 * bench/guest, M-mode, small working set: a register machine of 16
 * registers and 24 opcodes (one `switch` compiled to a jump table, so
 * one indirect jump per bytecode, mostly to a different target than the
 * last) runs three programs - a sieve of Eratosthenes, Collatz chain
 * lengths and an FNV-style hash over its memory - as a scripting language
 * or an emulator would.  The JIT's indirect-jump path and the TB chaining
 * around it are what this measures.
 */
#include "bench.h"

#define VM_MEM 8192                      /* words; a power of two */
#define ROUNDS 10

enum {
    OP_HALT, OP_LI, OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_OR, OP_XOR,
    OP_SHL, OP_SHR, OP_ADDI, OP_LD, OP_ST, OP_JMP, OP_JZ, OP_JNZ, OP_JLT,
    OP_JGE, OP_CALL, OP_RET, OP_INC, OP_DEC, OP_ODD,
};

/* op | a << 8 | b << 12 | c << 16 (c: register, or a 16-bit immediate) */
#define I(op, a, b, c) ((uint32_t)(op) | (a) << 8 | (b) << 12 | \
                        (uint32_t)(c) << 16)

/* sieve: r1 = n; counts primes below n into r0 (memory as flags) */
static const uint32_t prog_sieve[] = {
    /* 0 */ I(OP_LI, 2, 0, 0),            /* i = 0: clear mem[0..n) */
    /* 1 */ I(OP_LI, 3, 0, 0),
    /* 2 */ I(OP_ST, 3, 2, 0),            /* mem[r2] = r3 */
    /* 3 */ I(OP_INC, 2, 0, 0),
    /* 4 */ I(OP_JLT, 2, 1, 2),           /* if r2 < r1 goto 2 */
    /* 5 */ I(OP_LI, 0, 0, 0),            /* count = 0 */
    /* 6 */ I(OP_LI, 2, 0, 2),            /* i = 2 */
    /* 7 */ I(OP_LD, 4, 2, 0),            /* r4 = mem[i] */
    /* 8 */ I(OP_JNZ, 4, 0, 15),          /* composite: next */
    /* 9 */ I(OP_INC, 0, 0, 0),
    /* 10 */ I(OP_MUL, 5, 2, 2),          /* j = i * i */
    /* 11 */ I(OP_LI, 6, 0, 1),
    /* 12 */ I(OP_JGE, 5, 1, 15),         /* while j < n */
    /* 13 */ I(OP_ST, 6, 5, 0),           /*   mem[j] = 1 */
    /* 14 */ I(OP_CALL, 0, 0, 22),        /*   j += i (a subroutine) */
    /* 15 */ I(OP_JLT, 5, 1, 12),
    /* 16 */ I(OP_INC, 2, 0, 0),
    /* 17 */ I(OP_JLT, 2, 1, 7),
    /* 18 */ I(OP_HALT, 0, 0, 0),
    /* 19 */ I(OP_HALT, 0, 0, 0),
    /* 20 */ I(OP_HALT, 0, 0, 0),
    /* 21 */ I(OP_HALT, 0, 0, 0),
    /* 22 */ I(OP_ADD, 5, 5, 2),
    /* 23 */ I(OP_RET, 0, 0, 0),
};

/* collatz: r1 = limit; r0 = sum of chain lengths of 1..limit */
static const uint32_t prog_collatz[] = {
    /* 0 */ I(OP_LI, 0, 0, 0),
    /* 1 */ I(OP_LI, 2, 0, 1),            /* k = 1 */
    /* 2 */ I(OP_MOV, 3, 2, 0),           /* x = k */
    /* 3 */ I(OP_LI, 7, 0, 1),
    /* 4 */ I(OP_SUB, 4, 3, 7),           /* while x != 1 */
    /* 5 */ I(OP_JZ, 4, 0, 14),
    /* 6 */ I(OP_INC, 0, 0, 0),
    /* 7 */ I(OP_ODD, 5, 3, 0),
    /* 8 */ I(OP_JNZ, 5, 0, 11),
    /* 9 */ I(OP_SHR, 3, 3, 7),           /* x >>= 1 */
    /* 10 */ I(OP_JMP, 0, 0, 4),
    /* 11 */ I(OP_ADD, 6, 3, 3),          /* x = 3x + 1 */
    /* 12 */ I(OP_ADD, 3, 6, 3),
    /* 13 */ I(OP_ADDI, 3, 3, 1),
    /* 14 */ I(OP_JZ, 4, 0, 16),
    /* 15 */ I(OP_JMP, 0, 0, 4),
    /* 16 */ I(OP_INC, 2, 0, 0),
    /* 17 */ I(OP_JGE, 1, 2, 2),          /* while limit >= k */
    /* 18 */ I(OP_HALT, 0, 0, 0),
};

/* hash: r1 = words; r0 = FNV-like hash of mem[0..r1) with a store back */
static const uint32_t prog_hash[] = {
    /* 0 */ I(OP_LI, 0, 0, 0x9dc5),
    /* 1 */ I(OP_LI, 2, 0, 0),
    /* 2 */ I(OP_LI, 8, 0, 0x193),        /* multiplier */
    /* 3 */ I(OP_LI, 9, 0, 7),
    /* 4 */ I(OP_LD, 4, 2, 0),
    /* 5 */ I(OP_XOR, 0, 0, 4),
    /* 6 */ I(OP_MUL, 0, 0, 8),
    /* 7 */ I(OP_SHR, 5, 0, 9),
    /* 8 */ I(OP_OR, 6, 5, 2),
    /* 9 */ I(OP_AND, 6, 6, 0),
    /* 10 */ I(OP_ST, 6, 2, 0),
    /* 11 */ I(OP_SHL, 5, 4, 9),
    /* 12 */ I(OP_ADD, 0, 0, 5),
    /* 13 */ I(OP_INC, 2, 0, 0),
    /* 14 */ I(OP_JLT, 2, 1, 4),
    /* 15 */ I(OP_HALT, 0, 0, 0),
};

static uint32_t vm_mem[VM_MEM];

static uint64_t vm_run(const uint32_t *prog, uint64_t arg)
{
    uint64_t r[16] = { 0, arg };
    uint32_t stack[16];
    unsigned pc = 0, sp = 0;

    for (;;) {
        uint32_t insn = prog[pc++];
        unsigned a = (insn >> 8) & 15, b = (insn >> 12) & 15;
        unsigned c = insn >> 16;

        switch (insn & 0xff) {
        case OP_HALT:
            return r[a];
        case OP_LI:
            r[a] = c;
            break;
        case OP_MOV:
            r[a] = r[b];
            break;
        case OP_ADD:
            r[a] = r[b] + r[c & 15];
            break;
        case OP_SUB:
            r[a] = r[b] - r[c & 15];
            break;
        case OP_MUL:
            r[a] = r[b] * r[c & 15];
            break;
        case OP_AND:
            r[a] = r[b] & r[c & 15];
            break;
        case OP_OR:
            r[a] = r[b] | r[c & 15];
            break;
        case OP_XOR:
            r[a] = r[b] ^ r[c & 15];
            break;
        case OP_SHL:
            r[a] = r[b] << (r[c & 15] & 63);
            break;
        case OP_SHR:
            r[a] = r[b] >> (r[c & 15] & 63);
            break;
        case OP_ADDI:
            r[a] = r[b] + c;
            break;
        case OP_LD:
            r[a] = vm_mem[r[b] & (VM_MEM - 1)];
            break;
        case OP_ST:
            vm_mem[r[b] & (VM_MEM - 1)] = (uint32_t)r[a];
            break;
        case OP_JMP:
            pc = c;
            break;
        case OP_JZ:
            if (r[a] == 0) {
                pc = c;
            }
            break;
        case OP_JNZ:
            if (r[a] != 0) {
                pc = c;
            }
            break;
        case OP_JLT:
            if (r[a] < r[b]) {
                pc = c;
            }
            break;
        case OP_JGE:
            if (r[a] >= r[b]) {
                pc = c;
            }
            break;
        case OP_CALL:
            stack[sp++ & 15] = pc;
            pc = c;
            break;
        case OP_RET:
            pc = stack[--sp & 15];
            break;
        case OP_INC:
            r[a]++;
            break;
        case OP_DEC:
            r[a]--;
            break;
        case OP_ODD:
            r[a] = r[b] & 1;
            break;
        default:
            return 0xdead;
        }
    }
}

int main(void)
{
    uint64_t sum = 0;

    for (int round = 0; round < ROUNDS; round++) {
        sum = bench_mix(sum, vm_run(prog_sieve, VM_MEM - round));
        sum = bench_mix(sum, vm_run(prog_collatz, 3000 + round));
        sum = bench_mix(sum, vm_run(prog_hash, VM_MEM - round * 3));
    }
    bench_report("interp", sum);
    return 0;
}
