/*
 * decode.c - the RISC-V instruction decoder: pattern lookup in the tables
 * of the trans-*.c files, operand extraction per format, and the
 * expansion of every RV64C instruction to its 32-bit equivalent.
 *
 * The tables are indexed by major opcode (bits 6:2) at first use; within
 * a bucket patterns are tried in table order (rvi, rvm, rva, system, rvf),
 * so a specialisation must come before the pattern it narrows (the
 * overlap test in tests/riscv/decode-test.c lists the intended ones).
 * Compressed encodings follow the unprivileged spec's chapter "C"
 * ("Compressed" instruction-set listings for RV64): reserved encodings
 * expand to 0, HINTs to an instruction with no architectural effect.
 */
#include <glib.h>

#include "riscv.h"

/* ------------------------------------------------------------ the index */

#define NB_MAJOR 32 /* bits 6:2 of a 32-bit encoding */

typedef struct {
    const RiscvInsnDesc **descs;
    unsigned count;
} DecodeBucket;

static DecodeBucket decode_index[NB_MAJOR];

const RiscvInsnDesc *const *riscv_decode_tables(void)
{
    static const RiscvInsnDesc *tables[6];

    tables[0] = riscv_insns_rvi;
    tables[1] = riscv_insns_rvm;
    tables[2] = riscv_insns_rva;
    tables[3] = riscv_insns_system;
    tables[4] = riscv_insns_rvf;
    tables[5] = NULL;
    return tables;
}

/* Whether @d can match an encoding whose bits 6:0 are (major << 2) | 3. */
static bool desc_in_bucket(const RiscvInsnDesc *d, unsigned major)
{
    uint32_t low = (major << 2) | 3;

    return ((low ^ d->match) & d->mask & 0x7f) == 0;
}

static void decode_build_index(void)
{
    const RiscvInsnDesc *const *tables = riscv_decode_tables();

    for (unsigned major = 0; major < NB_MAJOR; major++) {
        GPtrArray *list = g_ptr_array_new();

        for (unsigned t = 0; tables[t]; t++) {
            for (const RiscvInsnDesc *d = tables[t]; d->name; d++) {
                if (desc_in_bucket(d, major)) {
                    g_ptr_array_add(list, (gpointer)d);
                }
            }
        }
        decode_index[major].count = list->len;
        decode_index[major].descs =
            (const RiscvInsnDesc **)g_ptr_array_free(list, FALSE);
    }
}

static const DecodeBucket *decode_bucket(uint32_t insn)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        decode_build_index();
        g_once_init_leave(&once, 1);
    }
    return &decode_index[(insn >> 2) & (NB_MAJOR - 1)];
}

/* ------------------------------------------------------------ operands */

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static int64_t extract_imm(uint32_t insn, RiscvFmt fmt)
{
    switch (fmt) {
    case FMT_I:
        return sext(insn >> 20, 12);
    case FMT_S:
        return sext(((insn >> 25) << 5) | ((insn >> 7) & 31), 12);
    case FMT_B:
        return sext(((insn >> 31) & 1) << 12 | ((insn >> 7) & 1) << 11 |
                        ((insn >> 25) & 63) << 5 | ((insn >> 8) & 15) << 1,
                    13);
    case FMT_U:
        return (int32_t)(insn & 0xfffff000u);
    case FMT_J:
        return sext(((insn >> 31) & 1) << 20 | ((insn >> 12) & 255) << 12 |
                        ((insn >> 20) & 1) << 11 |
                        ((insn >> 21) & 1023) << 1,
                    21);
    case FMT_SHIFT:
        return (insn >> 20) & 63;
    case FMT_SHIFTW:
        return (insn >> 20) & 31;
    case FMT_CSRI:
        return (insn >> 15) & 31;
    case FMT_FENCE:
        return (insn >> 20) & 0xfff;
    default:
        return 0;
    }
}

static void extract_args(uint32_t insn, RiscvFmt fmt, RiscvArgs *a)
{
    a->insn = insn;
    a->rd = (insn >> 7) & 31;
    a->rs1 = (insn >> 15) & 31;
    a->rs2 = (insn >> 20) & 31;
    a->rs3 = (insn >> 27) & 31;
    a->rm = (insn >> 12) & 7;
    a->csr = insn >> 20;
    a->aq = (insn >> 26) & 1;
    a->rl = (insn >> 25) & 1;
    a->imm = extract_imm(insn, fmt);
}

const RiscvInsnDesc *riscv_decode(uint32_t insn, uint64_t misa,
                                  RiscvArgs *a)
{
    const DecodeBucket *b;

    if ((insn & 3) != 3) {
        return NULL;
    }
    b = decode_bucket(insn);
    for (unsigned i = 0; i < b->count; i++) {
        const RiscvInsnDesc *d = b->descs[i];

        if ((insn & d->mask) == d->match && (d->ext & misa) == d->ext) {
            if (a) {
                extract_args(insn, d->fmt, a);
            }
            return d;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ RV64C */

/* 32-bit encoders */
enum {
    OP_LOAD = 0x03, OP_LOAD_FP = 0x07, OP_IMM = 0x13, OP_IMM_32 = 0x1b,
    OP_STORE = 0x23, OP_STORE_FP = 0x27, OP_OP = 0x33, OP_LUI = 0x37,
    OP_OP_32 = 0x3b, OP_BRANCH = 0x63, OP_JALR = 0x67, OP_JAL = 0x6f,
};

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3,
                      unsigned rd, unsigned op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd,
                      unsigned op)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
           op;
}

static uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3,
                      unsigned op)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u & 31) << 7 | op;
}

static uint32_t enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 |
           rs1 << 15 | f3 << 12 | ((u >> 1) & 15) << 8 |
           ((u >> 11) & 1) << 7 | OP_BRANCH;
}

static uint32_t enc_j(int32_t imm, unsigned rd)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
           ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | rd << 7 |
           OP_JAL;
}

/* bit @from of @x placed at bit @to */
#define CB(x, from, to) ((((uint32_t)(x) >> (from)) & 1u) << (to))
/* bits [hi:lo] of @x placed at bit @to */
#define CF(x, hi, lo, to)                                                     \
    ((((uint32_t)(x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1)) << (to))

static int32_t csext(uint32_t v, unsigned bits)
{
    return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* Quadrant 0: stack-pointer-based addi and loads/stores with x8..x15. */
static uint32_t expand_q0(uint16_t c, uint64_t misa, const char **name)
{
    unsigned rdp = 8 + ((c >> 2) & 7), rs1p = 8 + ((c >> 7) & 7);
    uint32_t uimm_w = CF(c, 12, 10, 3) | CB(c, 6, 2) | CB(c, 5, 6);
    uint32_t uimm_d = CF(c, 12, 10, 3) | CF(c, 6, 5, 6);

    switch (c >> 13) {
    case 0: {
        uint32_t imm = CF(c, 12, 11, 4) | CF(c, 10, 7, 6) | CB(c, 6, 2) |
                       CB(c, 5, 3);
        *name = "c.addi4spn";
        return imm ? enc_i((int32_t)imm, 2, 0, rdp, OP_IMM) : 0;
    }
    case 1:
        *name = "c.fld";
        return (misa & RVD) ? enc_i((int32_t)uimm_d, rs1p, 3, rdp, OP_LOAD_FP)
                            : 0;
    case 2:
        *name = "c.lw";
        return enc_i((int32_t)uimm_w, rs1p, 2, rdp, OP_LOAD);
    case 3:
        *name = "c.ld";
        return enc_i((int32_t)uimm_d, rs1p, 3, rdp, OP_LOAD);
    case 5:
        *name = "c.fsd";
        return (misa & RVD) ? enc_s((int32_t)uimm_d, rdp, rs1p, 3, OP_STORE_FP)
                            : 0;
    case 6:
        *name = "c.sw";
        return enc_s((int32_t)uimm_w, rdp, rs1p, 2, OP_STORE);
    case 7:
        *name = "c.sd";
        return enc_s((int32_t)uimm_d, rdp, rs1p, 3, OP_STORE);
    default: /* 4: reserved */
        return 0;
    }
}

/* Quadrant 1: immediates, arithmetic on x8..x15, jumps and branches. */
static uint32_t expand_q1(uint16_t c, const char **name)
{
    unsigned rd = (c >> 7) & 31, rdp = 8 + ((c >> 7) & 7);
    unsigned rs2p = 8 + ((c >> 2) & 7);
    int32_t imm6 = csext(CB(c, 12, 5) | CF(c, 6, 2, 0), 6);
    unsigned shamt = CB(c, 12, 5) | CF(c, 6, 2, 0);

    switch (c >> 13) {
    case 0: /* rd = 0: c.nop (imm != 0: a HINT); imm = 0: a HINT */
        *name = rd || imm6 ? "c.addi" : "c.nop";
        return enc_i(imm6, rd, 0, rd, OP_IMM);
    case 1:
        *name = "c.addiw";
        return rd ? enc_i(imm6, rd, 0, rd, OP_IMM_32) : 0;
    case 2: /* rd = 0: a HINT */
        *name = "c.li";
        return enc_i(imm6, 0, 0, rd, OP_IMM);
    case 3:
        if (rd == 2) {
            int32_t imm = csext(CB(c, 12, 9) | CB(c, 6, 4) | CB(c, 5, 6) |
                                    CF(c, 4, 3, 7) | CB(c, 2, 5),
                                10);
            *name = "c.addi16sp";
            return imm ? enc_i(imm, 2, 0, 2, OP_IMM) : 0;
        }
        *name = "c.lui"; /* rd = 0: a HINT */
        return imm6 ? ((uint32_t)imm6 << 12) | rd << 7 | OP_LUI : 0;
    case 4:
        switch ((c >> 10) & 3) {
        case 0: /* shamt = 0: a HINT */
            *name = "c.srli";
            return enc_r(0, 0, rdp, 5, rdp, OP_IMM) | shamt << 20;
        case 1:
            *name = "c.srai";
            return enc_r(0x20, 0, rdp, 5, rdp, OP_IMM) | shamt << 20;
        case 2:
            *name = "c.andi";
            return enc_i(imm6, rdp, 7, rdp, OP_IMM);
        default: {
            static const char *const names[8] = {
                "c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw",
            };
            static const uint8_t f3[4] = { 0, 4, 6, 7 };
            unsigned op2 = (c >> 5) & 3;

            if (c & (1u << 12)) {
                if (op2 >= 2) {
                    return 0; /* reserved */
                }
                *name = names[4 + op2];
                return enc_r(op2 ? 0 : 0x20, rs2p, rdp, 0, rdp, OP_OP_32);
            }
            *name = names[op2];
            return enc_r(op2 ? 0 : 0x20, rs2p, rdp, f3[op2], rdp, OP_OP);
        }
        }
    case 5: {
        int32_t off = csext(CB(c, 12, 11) | CB(c, 11, 4) | CF(c, 10, 9, 8) |
                                CB(c, 8, 10) | CB(c, 7, 6) | CB(c, 6, 7) |
                                CF(c, 5, 3, 1) | CB(c, 2, 5),
                            12);
        *name = "c.j";
        return enc_j(off, 0);
    }
    default: { /* 6, 7 */
        int32_t off = csext(CB(c, 12, 8) | CF(c, 11, 10, 3) |
                                CF(c, 6, 5, 6) | CF(c, 4, 3, 1) |
                                CB(c, 2, 5),
                            9);
        bool bnez = (c >> 13) == 7;
        *name = bnez ? "c.bnez" : "c.beqz";
        return enc_b(off, 0, rdp, bnez ? 1 : 0);
    }
    }
}

/* Quadrant 2: sp-relative loads/stores, slli, jr/jalr/mv/add/ebreak. */
static uint32_t expand_q2(uint16_t c, uint64_t misa, const char **name)
{
    unsigned rd = (c >> 7) & 31, rs2 = (c >> 2) & 31;
    uint32_t lwsp = CB(c, 12, 5) | CF(c, 6, 4, 2) | CF(c, 3, 2, 6);
    uint32_t ldsp = CB(c, 12, 5) | CF(c, 6, 5, 3) | CF(c, 4, 2, 6);
    uint32_t swsp = CF(c, 12, 9, 2) | CF(c, 8, 7, 6);
    uint32_t sdsp = CF(c, 12, 10, 3) | CF(c, 9, 7, 6);

    switch (c >> 13) {
    case 0: /* rd = 0 or shamt = 0: a HINT */
        *name = "c.slli";
        return enc_r(0, 0, rd, 1, rd, OP_IMM) |
               (CB(c, 12, 5) | CF(c, 6, 2, 0)) << 20;
    case 1:
        *name = "c.fldsp";
        return (misa & RVD) ? enc_i((int32_t)ldsp, 2, 3, rd, OP_LOAD_FP) : 0;
    case 2:
        *name = "c.lwsp";
        return rd ? enc_i((int32_t)lwsp, 2, 2, rd, OP_LOAD) : 0;
    case 3:
        *name = "c.ldsp";
        return rd ? enc_i((int32_t)ldsp, 2, 3, rd, OP_LOAD) : 0;
    case 4:
        if (!(c & (1u << 12))) {
            if (rs2 == 0) {
                *name = "c.jr";
                return rd ? enc_i(0, rd, 0, 0, OP_JALR) : 0;
            }
            *name = "c.mv"; /* rd = 0: a HINT */
            return enc_r(0, rs2, 0, 0, rd, OP_OP);
        }
        if (rs2 == 0) {
            if (rd == 0) {
                *name = "c.ebreak";
                return 0x00100073;
            }
            *name = "c.jalr";
            return enc_i(0, rd, 0, 1, OP_JALR);
        }
        *name = "c.add"; /* rd = 0: a HINT */
        return enc_r(0, rs2, rd, 0, rd, OP_OP);
    case 5:
        *name = "c.fsdsp";
        return (misa & RVD) ? enc_s((int32_t)sdsp, rs2, 2, 3, OP_STORE_FP)
                            : 0;
    case 6:
        *name = "c.swsp";
        return enc_s((int32_t)swsp, rs2, 2, 2, OP_STORE);
    default:
        *name = "c.sdsp";
        return enc_s((int32_t)sdsp, rs2, 2, 3, OP_STORE);
    }
}

uint32_t riscv_expand_compressed(uint16_t insn, uint64_t misa,
                                 const char **cname)
{
    const char *name = NULL;
    uint32_t r;

    if (insn == 0 || !(misa & RVC)) {
        r = 0; /* all zeros: defined illegal */
    } else {
        switch (insn & 3) {
        case 0:
            r = expand_q0(insn, misa, &name);
            break;
        case 1:
            r = expand_q1(insn, &name);
            break;
        case 2:
            r = expand_q2(insn, misa, &name);
            break;
        default:
            r = 0; /* not a compressed encoding */
        }
    }
    if (cname) {
        *cname = r ? name : NULL;
    }
    return r;
}
