/*
 * gen.c - the generator of tests/guest/random-diff: writes a RISC-V
 * assembler file holding random_block(), a random straight-line (with
 * short forward branches and jumps) sequence of RV64IMAC instructions on
 * random register values and a random 256-byte buffer, followed by a dump
 * of x1..x31 into rd_regs[] (x3 is the buffer's base, not dumped).  The
 * mix: register/immediate ALU ops and their W forms, shifts, lui/auipc,
 * the M extension (division by zero and overflow included), compressed
 * ALU forms, loads and stores of every width, AMOs, LR/SC pairs (with
 * and without an instruction between), branches and jal over one
 * instruction, and three things aimed at the JIT (issue 13):
 *
 *   - misaligned loads and stores (any offset in the buffer): QEMU does
 *     them in hardware, breadboard traps and main.c's M-mode hook
 *     (lib/emulate.h) emulates them, so the results agree;
 *   - self-modifying code: a store of a new "addi" over an instruction a
 *     few instructions ahead, then fence.i; the new one must run;
 *   - page remaps: the buffer is at virtual address RD_BUF_VA, mapped by
 *     main.c's Sv39 tables to one of two physical pages (rd_data,
 *     rd_data2); the block rewrites that PTE from rd_ptes[] and executes
 *     sfence.vma, so later accesses must reach the other page.
 *
 * AMOs and LR/SC stay naturally aligned.  The program runs in S-mode and
 * never takes a trap other than the emulated misaligned ones, and its
 * dump (registers and both pages) is a pure function of the ISA: QEMU's
 * and breadboard's must be identical.  random_block saves and restores
 * the runtime's registers (ra, sp, gp, tp, s0-s11).
 *
 *   guest-random-gen SEED COUNT OUT.S
 *
 * The same SEED and COUNT always give the same file (splitmix64).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* 0 <= result < n */
static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

#define PICK(array) ((array)[below(sizeof(array) / sizeof((array)[0]))])

static FILE *out;

/* A destination: any register but x0 and x3 (gp, the buffer base). */
static unsigned dst(void)
{
    unsigned r;

    do {
        r = 1 + below(31);
    } while (r == 3);
    return r;
}

/* A destination that is neither x3 nor x31 (the AMO address). */
static unsigned dst_not31(void)
{
    unsigned r;

    do {
        r = dst();
    } while (r == 31);
    return r;
}

/* A source: any register. */
static unsigned src(void)
{
    return below(32);
}

/* An initial register value: boundary values half of the time. */
static uint64_t value(void)
{
    static const uint64_t special[] = {
        0, ~0ull, 1ull << 63, 1ull << 31, (1ull << 31) - 1, 1,
        0xffffffff00000000ull, 0x00000000ffffffffull,
    };

    return below(2) ? PICK(special) : rnd();
}

static const char *const rr_ops[] = {
    "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
    "addw", "subw", "sllw", "srlw", "sraw",
    "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
    "mulw", "divw", "divuw", "remw", "remuw",
};
static const char *const ri_ops[] = {
    "addi", "slti", "sltiu", "xori", "ori", "andi", "addiw",
};
static const char *const sh_ops[] = { "slli", "srli", "srai" };
static const char *const shw_ops[] = { "slliw", "srliw", "sraiw" };
static const char *const branches[] = {
    "beq", "bne", "blt", "bge", "bltu", "bgeu",
};
static const char *const amo_ops[] = {
    "amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax",
    "amominu", "amomaxu",
};
static const struct {
    const char *op;
    unsigned size;
} loads[] = {
    { "lb", 1 }, { "lh", 2 }, { "lw", 4 }, { "ld", 8 },
    { "lbu", 1 }, { "lhu", 2 }, { "lwu", 4 },
}, stores[] = {
    { "sb", 1 }, { "sh", 2 }, { "sw", 4 }, { "sd", 8 },
};

#define BUF_SIZE 256
#define RD_BUF_VA 0x40000000ul /* main.c maps it */
#define RD_ROUNDS 3            /* times the body runs */

static void rr_to(unsigned rd)
{
    fprintf(out, "    %s x%u, x%u, x%u\n", PICK(rr_ops), rd, src(), src());
}

static void rr(void)
{
    rr_to(dst());
}

/* A signed 6-bit immediate. */
static int imm6(void)
{
    return (int)below(64) - 32;
}

/* One compressed ALU instruction (c.* mnemonics: always 16 bits). */
static void compressed(void)
{
    static const char *const ca_ops[] = {
        "c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw",
    };
    unsigned rd = dst(), rp = 8 + below(8), rp2 = 8 + below(8);
    int imm = imm6();

    switch (below(9)) {
    case 0:
        if (imm) {
            fprintf(out, "    c.addi x%u, %d\n", rd, imm);
        } else {
            fprintf(out, "    c.nop\n");
        }
        break;
    case 1:
        fprintf(out, "    c.addiw x%u, %d\n", rd, imm);
        break;
    case 2:
        fprintf(out, "    c.li x%u, %d\n", rd, imm);
        break;
    case 3:
        /* nonzero 6-bit immediate, sign-extended into lui's 20 bits */
        if (rd == 2 || imm == 0) {
            rd = 1;
            imm = 1;
        }
        fprintf(out, "    c.lui x%u, 0x%x\n", rd,
                imm > 0 ? (unsigned)imm : 0x100000u + imm);
        break;
    case 4:
        fprintf(out, "    %s x%u, %u\n", below(2) ? "c.srli" : "c.srai", rp,
                1 + below(63));
        break;
    case 5:
        fprintf(out, "    c.andi x%u, %d\n", rp, imm);
        break;
    case 6:
        fprintf(out, "    %s x%u, x%u\n", PICK(ca_ops), rp, rp2);
        break;
    case 7:
        fprintf(out, "    c.slli x%u, %u\n", rd, 1 + below(63));
        break;
    default:
        fprintf(out, "    %s x%u, x%u\n", below(2) ? "c.mv" : "c.add", rd,
                dst());
        break;
    }
}

/* A load or store offset in the buffer: aligned three times out of four,
 * else anything that stays inside it (misaligned). */
static unsigned offset(unsigned size)
{
    if (size > 1 && below(4) == 0) {
        return below(BUF_SIZE - size + 1);
    }
    return size * below(BUF_SIZE / size);
}

static void instruction(unsigned *label);

/* The patch slots emitted so far (their label numbers), and per store
 * event the slot it writes in the last round. */
static unsigned smc_slots[4096], nb_smc_slots;
static unsigned smc_target[4096], nb_smc_events;

/*
 * Self-modifying code: store a new "addi rP, rP, imm" (random rP) over a
 * 4-byte patch slot, then fence.i.  Only in the last of the RD_ROUNDS
 * rounds (the earlier ones store to a data word, through the same code:
 * the address comes from a table indexed by the rounds left, with no
 * branch), so that by then the code before the store runs as chained
 * TBs.  The slot is usually a new one a few instructions ahead, which
 * must run the new instruction; one time in three an earlier one, mostly
 * the last: fence.i ends its TB without chaining, so the code after it is
 * entered from the exec loop and chained from there up to this store,
 * which then invalidates a TB on that chain (the TB the loop entered).
 */
static void self_modify(unsigned *label)
{
    unsigned n = ++*label, rv = dst_not31(), rp = dst_not31();
    int imm_old = (int)below(4096) - 2048, imm_new = (int)below(4096) - 2048;
    uint32_t enc = (uint32_t)(imm_new & 0xfff) << 20 | rp << 15 | rp << 7 |
                   0x13;
    bool behind = nb_smc_slots && below(3) == 0;
    unsigned event = nb_smc_events;

    if (event >= sizeof(smc_target) / sizeof(smc_target[0]) ||
        nb_smc_slots >= sizeof(smc_slots) / sizeof(smc_slots[0])) {
        rr();
        return;
    }
    smc_target[nb_smc_events++] = !behind     ? n
                                  : below(4)  ? smc_slots[nb_smc_slots - 1]
                                              : smc_slots[below(nb_smc_slots)];
    fprintf(out, "    la x31, rd_rounds\n");
    fprintf(out, "    lw x%u, 0(x31)\n", rv);
    fprintf(out, "    slli x%u, x%u, 3\n", rv, rv);
    fprintf(out, "    la x31, rd_smc%u\n", event);
    fprintf(out, "    add x31, x31, x%u\n", rv);
    fprintf(out, "    ld x31, 0(x31)\n");
    fprintf(out, "    li x%u, 0x%x\n", rv, enc);
    fprintf(out, "    sw x%u, 0(x31)\n", rv);
    fprintf(out, "    fence.i\n");
    for (unsigned i = below(4); i > 0; i--) {
        instruction(label);
    }
    rp = dst_not31();
    smc_slots[nb_smc_slots++] = n;
    fprintf(out, "    .balign 4\n");
    fprintf(out, ".Lsmc%u:\n", n);
    fprintf(out, "    .option push\n    .option norvc\n");
    fprintf(out, "    addi x%u, x%u, %d\n", rp, rp, imm_old);
    fprintf(out, "    .option pop\n");
}

/* Point the buffer's virtual page at physical page 0 or 1 (rd_ptes[0/1];
 * rd_ptes[2] is the PTE's address) and sfence.vma. */
static void remap(void)
{
    unsigned rv = dst_not31();

    fprintf(out, "    la x31, rd_ptes\n");
    fprintf(out, "    ld x%u, %u(x31)\n", rv, 8 * below(2));
    fprintf(out, "    ld x31, 16(x31)\n");
    fprintf(out, "    sd x%u, 0(x31)\n", rv);
    if (below(2)) {
        fprintf(out, "    sfence.vma x3\n");
    } else {
        fprintf(out, "    sfence.vma\n");
    }
}

static void instruction(unsigned *label)
{
    unsigned k = below(100), size, off;

    if (k < 31) {
        rr();
    } else if (k < 46) {
        fprintf(out, "    %s x%u, x%u, %d\n", PICK(ri_ops), dst(), src(),
                (int)below(4096) - 2048);
    } else if (k < 51) {
        fprintf(out, "    %s x%u, x%u, %u\n", PICK(sh_ops), dst(), src(),
                below(64));
    } else if (k < 54) {
        fprintf(out, "    %s x%u, x%u, %u\n", PICK(shw_ops), dst(), src(),
                below(32));
    } else if (k < 56) {
        fprintf(out, "    lui x%u, 0x%x\n", dst(), below(1u << 20));
    } else if (k < 57) {
        fprintf(out, "    auipc x%u, 0x%x\n", dst(), below(1u << 20));
    } else if (k < 67) {
        compressed();
    } else if (k < 75) {
        unsigned i = below(sizeof(loads) / sizeof(loads[0]));

        size = loads[i].size;
        fprintf(out, "    %s x%u, %u(x3)\n", loads[i].op, dst(),
                offset(size));
    } else if (k < 82) {
        unsigned i = below(sizeof(stores) / sizeof(stores[0]));

        size = stores[i].size;
        fprintf(out, "    %s x%u, %u(x3)\n", stores[i].op, src(),
                offset(size));
    } else if (k < 87) {
        size = below(2) ? 8 : 4;
        off = size * below(BUF_SIZE / size);
        fprintf(out, "    addi x31, x3, %u\n", off);
        fprintf(out, "    %s.%c x%u, x%u, (x31)\n", PICK(amo_ops),
                size == 8 ? 'd' : 'w', dst_not31(), src());
    } else if (k < 90) {
        size = below(2) ? 8 : 4;
        off = size * below(BUF_SIZE / size);
        fprintf(out, "    addi x31, x3, %u\n", off);
        fprintf(out, "    lr.%c x%u, (x31)\n", size == 8 ? 'd' : 'w',
                dst_not31());
        if (below(2)) {
            rr_to(dst_not31());   /* keeps the address */
        }
        fprintf(out, "    sc.%c x%u, x%u, (x31)\n", size == 8 ? 'd' : 'w',
                dst_not31(), src());
    } else if (k < 96) {
        ++*label;
        fprintf(out, "    %s x%u, x%u, .Lfwd%u\n", PICK(branches), src(),
                src(), *label);
        rr();
        fprintf(out, ".Lfwd%u:\n", *label);
    } else if (k < 97) {
        ++*label;
        fprintf(out, "    jal x%u, .Lfwd%u\n", dst(), *label);
        rr();
        fprintf(out, ".Lfwd%u:\n", *label);
    } else if (k < 99) {
        self_modify(label);
    } else {
        remap();
    }
}

static void generate(uint64_t seed, unsigned count)
{
    static const char *const saved[] = {
        "ra", "sp", "gp", "tp", "s0", "s1", "s2", "s3", "s4", "s5", "s6",
        "s7", "s8", "s9", "s10", "s11",
    };
    unsigned label = 0;

    rng_state = seed;
    fprintf(out,
            "/* random-diff program: generated by guest-random-gen %" PRIu64
            " %u */\n"
            "    .section .rodata\n"
            "    .globl rd_name\n"
            "rd_name:\n"
            "    .asciz \"seed %" PRIu64 ", %u instructions\"\n"
            "    .text\n"
            "    .globl random_block\n"
            "    .align 2\n"
            "random_block:\n"
            "    la t0, rd_save\n",
            seed, count, seed, count);
    for (unsigned i = 0; i < 16; i++) {
        fprintf(out, "    sd %s, %u(t0)\n", saved[i], 8 * i);
    }
    fprintf(out, "    li x3, 0x%lx\n", RD_BUF_VA);
    for (unsigned r = 1; r < 32; r++) {
        if (r != 3) {
            fprintf(out, "    li x%u, 0x%" PRIx64 "\n", r, value());
        }
    }
    /* The body runs RD_ROUNDS times, so that its TBs also run chained
     * (and its stores into code come from chained TBs); the round count
     * lives in memory (x3 is reloaded with the buffer's address). */
    fprintf(out, ".Lbody:\n    li x3, 0x%lx\n", RD_BUF_VA);
    for (unsigned i = 0; i < count; i++) {
        instruction(&label);
    }
    fprintf(out,
            "    la x31, rd_rounds\n"
            "    lw x3, 0(x31)\n"
            "    addi x3, x3, -1\n"
            "    sw x3, 0(x31)\n"
            "    beqz x3, .Ldone\n"
            "    j .Lbody\n"
            ".Ldone:\n");
    fprintf(out, "    la x3, rd_regs\n");
    for (unsigned r = 1; r < 32; r++) {
        if (r != 3) {
            fprintf(out, "    sd x%u, %u(x3)\n", r, 8 * r);
        }
    }
    fprintf(out, "    la t0, rd_save\n");
    for (unsigned i = 0; i < 16; i++) {
        fprintf(out, "    ld %s, %u(t0)\n", saved[i], 8 * i);
    }
    fprintf(out,
            "    ret\n"
            "    .data\n"
            "    .balign 64\n"
            "    .globl rd_regs\n"
            "rd_regs:\n"
            "    .skip 256\n"
            "rd_rounds:\n"
            "    .word %u\n"
            "    .balign 8\n"
            "rd_save:\n"
            "    .skip 128\n"
            "    .balign 4096\n"
            "    .globl rd_data\n"
            "rd_data:\n", RD_ROUNDS);
    for (unsigned i = 0; i < BUF_SIZE / 8; i++) {
        fprintf(out, "    .8byte 0x%016" PRIx64 "\n", rnd());
    }
    fprintf(out,
            "    .balign 4096\n"
            "    .globl rd_data2\n"
            "rd_data2:\n");
    for (unsigned i = 0; i < BUF_SIZE / 8; i++) {
        fprintf(out, "    .8byte 0x%016" PRIx64 "\n", rnd());
    }
    fprintf(out,
            "    .balign 4096\n"
            "    .balign 8\n"
            "rd_smc_dummy:\n"
            "    .8byte 0\n");
    /* per store event: the address to store to, by rounds left (1: the
     * last round, the code; 2..RD_ROUNDS: the dummy word) */
    for (unsigned e = 0; e < nb_smc_events; e++) {
        fprintf(out, "rd_smc%u:\n    .8byte 0, .Lsmc%u", e, smc_target[e]);
        for (unsigned r = 2; r <= RD_ROUNDS; r++) {
            fprintf(out, ", rd_smc_dummy");
        }
        fprintf(out, "\n");
    }
}

int main(int argc, char **argv)
{
    char *end;
    uint64_t seed;
    unsigned long count;

    if (argc != 4) {
        fprintf(stderr, "usage: %s SEED COUNT OUT.S\n", argv[0]);
        return 2;
    }
    errno = 0;
    seed = strtoull(argv[1], &end, 0);
    if (errno || *end || end == argv[1]) {
        fprintf(stderr, "%s: bad seed '%s'\n", argv[0], argv[1]);
        return 2;
    }
    count = strtoul(argv[2], &end, 0);
    if (errno || *end || end == argv[2] || count > 100000) {
        fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[2]);
        return 2;
    }
    out = fopen(argv[3], "w");
    if (!out) {
        fprintf(stderr, "%s: %s: %s\n", argv[0], argv[3], strerror(errno));
        return 1;
    }
    generate(seed, (unsigned)count);
    if (fclose(out) != 0) {
        fprintf(stderr, "%s: %s: write error\n", argv[0], argv[3]);
        return 1;
    }
    return 0;
}
