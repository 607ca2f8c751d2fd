/*
 * int.c - integer benchmark for bench/guest, M-mode, small working set
 * (about 300 KiB, so the TLB always hits): table-driven CRC-32 (IEEE
 * 802.3, reflected polynomial 0xedb88320) over a 64 KiB buffer, a
 * recursive quicksort of 64 Ki pseudo-random words, and a bytecode
 * interpreter with switch dispatch (indirect jumps: the JIT's TB lookup)
 * running a small hashing program.  Each part feeds the next round's
 * input, and everything goes into the printed checksum.
 */
#include "bench.h"

#define ROUNDS 22
#define BUF_SIZE (64 * 1024)
#define SORT_N (64 * 1024)
#define VM_MEM 1024

static uint8_t buf[BUF_SIZE];
static uint32_t crc_table[256];
static uint32_t keys[SORT_N];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;

        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    while (n--) {
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

static void quicksort(uint32_t *a, long lo, long hi)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;

        while (i <= j) {
            while (a[i] < pivot) {
                i++;
            }
            while (a[j] > pivot) {
                j--;
            }
            if (i <= j) {
                uint32_t t = a[i];

                a[i++] = a[j];
                a[j--] = t;
            }
        }
        /* recurse into the smaller part, loop on the larger */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

/* The bytecode: 8 registers, word memory, one instruction per 32 bits
 * (op, a, b, c as bytes; IMM takes the next word). */
enum {
    OP_HALT, OP_IMM, OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHL,
    OP_SHR, OP_AND, OP_LOAD, OP_STORE, OP_JNZ, OP_DEC, OP_ROTL,
};
#define I(op, a, b, c) ((uint32_t)(op) | (a) << 8 | (b) << 16 | (c) << 24)

/*
 * r0 = counter, r1 = hash, r2 = index, r3 = scratch, r4 = mask,
 * r5 = multiplier, r6 = 1, r7 = constant 13
 *   loop: r3 = mem[r2]; r1 ^= r3; r1 = rotl(r1, r7); r1 *= r5;
 *         mem[r2] = r1; r2 = (r2 + r3 + 1) & r4; r0--; jnz r0, loop
 */
static const uint32_t vm_prog[] = {
    I(OP_IMM, 0, 0, 0), 20000,
    I(OP_IMM, 4, 0, 0), VM_MEM - 1,
    I(OP_IMM, 5, 0, 0), 0x9e3779b1u,
    I(OP_IMM, 6, 0, 0), 1,
    I(OP_IMM, 7, 0, 0), 13,
    I(OP_IMM, 2, 0, 0), 0,
    /* loop (index 12) */
    I(OP_LOAD, 3, 2, 0),
    I(OP_XOR, 1, 1, 3),
    I(OP_ROTL, 1, 1, 7),
    I(OP_MUL, 1, 1, 5),
    I(OP_STORE, 1, 2, 0),
    I(OP_ADD, 2, 2, 3),
    I(OP_ADD, 2, 2, 6),
    I(OP_AND, 2, 2, 4),
    I(OP_DEC, 0, 0, 0),
    I(OP_JNZ, 0, 12, 0),
    I(OP_HALT, 1, 0, 0),
};

static uint32_t vm_run(const uint32_t *prog, uint32_t *mem, uint32_t seed)
{
    uint32_t r[8] = { 0, seed };
    unsigned pc = 0;

    for (;;) {
        uint32_t insn = prog[pc++];
        unsigned a = (insn >> 8) & 7, b = (insn >> 16) & 0xff;
        unsigned c = (insn >> 24) & 7;

        switch (insn & 0xff) {
        case OP_HALT:
            return r[a];
        case OP_IMM:
            r[a] = prog[pc++];
            break;
        case OP_MOV:
            r[a] = r[b & 7];
            break;
        case OP_ADD:
            r[a] = r[b & 7] + r[c];
            break;
        case OP_SUB:
            r[a] = r[b & 7] - r[c];
            break;
        case OP_MUL:
            r[a] = r[b & 7] * r[c];
            break;
        case OP_XOR:
            r[a] = r[b & 7] ^ r[c];
            break;
        case OP_SHL:
            r[a] = r[b & 7] << (r[c] & 31);
            break;
        case OP_SHR:
            r[a] = r[b & 7] >> (r[c] & 31);
            break;
        case OP_AND:
            r[a] = r[b & 7] & r[c];
            break;
        case OP_ROTL: {
            unsigned s = r[c] & 31;

            r[a] = (r[b & 7] << s) | (r[b & 7] >> ((32 - s) & 31));
            break;
        }
        case OP_LOAD:
            r[a] = mem[r[b & 7] % VM_MEM];
            break;
        case OP_STORE:
            mem[r[b & 7] % VM_MEM] = r[a];
            break;
        case OP_DEC:
            r[a]--;
            break;
        case OP_JNZ:
            if (r[a]) {
                pc = b;
            }
            break;
        default:
            return 0xdeadu;
        }
    }
}

int main(void)
{
    static uint32_t vm_mem[VM_MEM];
    uint64_t rng = 0x1234567887654321ull;
    uint64_t sum = 0;
    uint32_t crc = 0;

    crc_init();
    for (size_t i = 0; i < BUF_SIZE; i++) {
        buf[i] = (uint8_t)bench_rand(&rng);
    }
    for (int round = 0; round < ROUNDS; round++) {
        /* CRC-32, several passes, each chained on the last */
        for (int pass = 0; pass < 16; pass++) {
            crc = crc32(buf, BUF_SIZE, crc);
        }
        sum = bench_mix(sum, crc);

        /* quicksort pseudo-random keys seeded by the CRC */
        rng ^= crc | 1;
        for (size_t i = 0; i < SORT_N; i++) {
            keys[i] = (uint32_t)(bench_rand(&rng) >> 32);
        }
        quicksort(keys, 0, SORT_N - 1);
        for (size_t i = 1; i < SORT_N; i++) {
            if (keys[i - 1] > keys[i]) {
                printf("int: not sorted at %lu\n", (unsigned long)i);
                return 1;
            }
        }
        for (size_t i = 0; i < SORT_N; i += 97) {
            sum = bench_mix(sum, keys[i]);
        }

        /* the interpreter over memory seeded by the sorted keys */
        for (size_t i = 0; i < VM_MEM; i++) {
            vm_mem[i] = keys[i * (SORT_N / VM_MEM)];
        }
        for (int run = 0; run < 8; run++) {
            sum = bench_mix(sum, vm_run(vm_prog, vm_mem, (uint32_t)sum));
        }

        /* feed the next round's CRC input */
        for (size_t i = 0; i < BUF_SIZE; i += 4) {
            buf[i] ^= (uint8_t)vm_mem[(i / 4) % VM_MEM];
        }
    }
    bench_report("int", sum);
    return 0;
}
