/*
 * decode-test.c - unit tests of the RISC-V hart's decoder tables, the
 * RV64C expansion and the disassembler (plugins/cpus/riscv/decode.c,
 * disas.c and the tables of the trans-*.c files).
 *
 *   - no two patterns of all the tables overlap, except the listed
 *     specialisations, which must be found first; every pattern decodes
 *     its own match value, and only when its extension is in misa;
 *   - every RV64C instruction and every reserved or HINT encoding
 *     expands to the 32-bit word the assembler produces for the
 *     equivalent instruction (the table was made with
 *     riscv64-unknown-elf-as: the compressed form with .option rvc, its
 *     expansion with .option norvc), and every 16-bit encoding expands to
 *     0 or to something the decoder knows;
 *   - the disassembly of one instance of every instruction equals GNU
 *     objdump's (-M no-aliases, -b binary, --adjust-vma=0x80000000) but
 *     for the noted deviations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "riscv.h"

#define MISA_ALL                                                              \
    (MISA_MXL_64 | RVI | RVM | RVA | RVF | RVD | RVC | RVS | RVU)

/* ------------------------------------------------------------ patterns */

/* Intentional overlaps: (specialisation, the pattern it narrows).  None
 * today; an entry here must overlap and decode to the specialisation. */
static const struct {
    const char *specific, *general;
} specialisations[] = {
    { NULL, NULL },
};

static bool overlap(const RiscvInsnDesc *a, const RiscvInsnDesc *b)
{
    return ((a->match ^ b->match) & a->mask & b->mask) == 0;
}

static bool is_specialisation(const RiscvInsnDesc *a, const RiscvInsnDesc *b)
{
    for (size_t i = 0; i < G_N_ELEMENTS(specialisations); i++) {
        const char *sp = specialisations[i].specific;
        const char *ge = specialisations[i].general;

        if (sp && ((!strcmp(a->name, sp) && !strcmp(b->name, ge)) ||
                   (!strcmp(b->name, sp) && !strcmp(a->name, ge)))) {
            return true;
        }
    }
    return false;
}

static const RiscvInsnDesc *find_desc(const char *name)
{
    for (const RiscvInsnDesc *const *t = riscv_decode_tables(); *t; t++) {
        for (const RiscvInsnDesc *d = *t; d->name; d++) {
            if (!strcmp(d->name, name)) {
                return d;
            }
        }
    }
    return NULL;
}

static void test_no_overlap(void **state)
{
    const RiscvInsnDesc *const *t = riscv_decode_tables();
    unsigned count = 0, bad = 0;

    (void)state;
    for (unsigned i = 0; t[i]; i++) {
        for (const RiscvInsnDesc *a = t[i]; a->name; a++) {
            count++;
            for (unsigned j = i; t[j]; j++) {
                for (const RiscvInsnDesc *b = j == i ? a + 1 : t[j]; b->name;
                     b++) {
                    if (overlap(a, b) && !is_specialisation(a, b)) {
                        print_error("%s (%08x/%08x) overlaps %s (%08x/%08x)\n",
                                    a->name, a->match, a->mask, b->name,
                                    b->match, b->mask);
                        bad++;
                    }
                }
            }
        }
    }
    assert_int_equal(bad, 0);
    /* rvi 51, rvm 13, rva 22, system 12, rvf 58 at least */
    assert_true(count >= 51 + 13 + 22 + 12);
    for (size_t i = 0; i < G_N_ELEMENTS(specialisations); i++) {
        const RiscvInsnDesc *sp, *ge;
        RiscvArgs args;

        if (!specialisations[i].specific) {
            continue;
        }
        sp = find_desc(specialisations[i].specific);
        ge = find_desc(specialisations[i].general);
        assert_non_null(sp);
        assert_non_null(ge);
        assert_true(overlap(sp, ge));
        assert_ptr_equal(riscv_decode(sp->match, MISA_ALL, &args), sp);
    }
}

static void test_patterns_decode(void **state)
{
    (void)state;
    for (const RiscvInsnDesc *const *t = riscv_decode_tables(); *t; t++) {
        for (const RiscvInsnDesc *d = *t; d->name; d++) {
            RiscvArgs args;

            /* a match bit outside the mask could never match */
            if (d->match & ~d->mask) {
                fail_msg("%s: match %08x outside mask %08x", d->name,
                         d->match, d->mask);
            }
            assert_int_equal(d->match & 3, 3);
            assert_non_null(d->trans);
            assert_non_null(d->args);
            if (riscv_decode(d->match, MISA_ALL, &args) != d) {
                fail_msg("%s: its match %08x decodes elsewhere", d->name,
                         d->match);
            }
            assert_int_equal(args.insn, d->match);
            /* without its extension, nothing decodes it */
            if (d->ext && riscv_decode(d->match, MISA_ALL & ~d->ext, NULL)) {
                fail_msg("%s decodes without its extension", d->name);
            }
        }
    }
}

/* Operand extraction of each immediate format, negative extremes. */
static void test_operands(void **state)
{
    static const struct {
        uint32_t insn;
        const char *name;
        int64_t imm;
        unsigned rd, rs1, rs2;
    } cases[] = {
        { 0x80010503, "lb", -2048, 10, 2, 0 },         /* lb a0,-2048(sp) */
        { 0x7e813fa3, "sd", 2047, 31, 2, 8 },          /* sd s0,2047(sp) */
        { 0x8062d063, "bge", -4096, 0, 5, 6 },         /* bge t0,t1,.-4096 */
        { 0x7f24cfe3, "blt", 4094, 31, 9, 18 },        /* blt s1,s2,.+4094 */
        { 0x8000046f, "jal", -0x100000, 8, 0, 0 },     /* jal s0,.-1MiB */
        { 0x7ffff06f, "jal", 0xffffe, 0, 31, 31 },     /* jal zero,.+1MiB-2 */
        { 0xfffff537, "lui", -4096, 10, 31, 31 },      /* lui a0,0xfffff */
        { 0x4205d513, "srai", 32, 10, 11, 0 },         /* srai a0,a1,32 */
        { 0x4117569b, "sraiw", 17, 13, 14, 17 },       /* sraiw a3,a4,17 */
        { 0x100fe073, "csrrsi", 31, 0, 31, 0 }, /* csrrsi zero,sstatus,31 */
    };

    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        RiscvArgs a;
        const RiscvInsnDesc *d = riscv_decode(cases[i].insn, MISA_ALL, &a);

        assert_non_null(d);
        assert_string_equal(d->name, cases[i].name);
        if (a.imm != cases[i].imm || a.rd != cases[i].rd ||
            a.rs1 != cases[i].rs1 || a.rs2 != cases[i].rs2) {
            fail_msg("%08x: imm %" PRId64 " rd %u rs1 %u rs2 %u", cases[i].insn,
                     a.imm, a.rd, a.rs1, a.rs2);
        }
    }
    {
        RiscvArgs a;
        const RiscvInsnDesc *d = riscv_decode(0xe663b2af, MISA_ALL, &a);

        assert_non_null(d); /* amomaxu.d.aqrl t0,t1,(t2) */
        assert_string_equal(d->name, "amomaxu.d");
        assert_true(a.aq && a.rl);
        assert_int_equal(riscv_decode(0x1405b52f, MISA_ALL, &a) != NULL, 1);
        assert_true(a.aq && !a.rl); /* lr.d.aq */
        assert_int_equal(riscv_decode(0x100fe073, MISA_ALL, &a) != NULL, 1);
        assert_int_equal(a.csr, 0x100);
    }
    /* lr with rs2 != 0, and an unknown word, decode to nothing */
    assert_null(riscv_decode(0x1015a52f, MISA_ALL, NULL));
    assert_null(riscv_decode(0xffffffff, MISA_ALL, NULL));
    assert_null(riscv_decode(0x00000000, MISA_ALL, NULL));
}

/* ------------------------------------------------------------ RV64C */

static const struct {
    uint16_t c;
    uint32_t expanded; /* 0: illegal or reserved */
    const char *cname;
} c_cases[] = {
    { 0x0000, 0x00000000, NULL }, /* all zeros: illegal */
    { 0x0808, 0x01010513, "c.addi4spn" }, /* c.addi4spn a0,sp,16 */
    { 0x1fe4, 0x3fc10493, "c.addi4spn" }, /* c.addi4spn s1,sp,1020 */
    { 0x005c, 0x00410793, "c.addi4spn" }, /* c.addi4spn a5,sp,4 */
    { 0x0004, 0x00000000, NULL }, /* c.addi4spn, imm 0: reserved */
    { 0x001c, 0x00000000, NULL }, /* c.addi4spn, imm 0: reserved */
    { 0x2588, 0x0085b507, "c.fld" }, /* c.fld fa0,8(a1) */
    { 0x3fe0, 0x0f87b407, "c.fld" }, /* c.fld fs0,248(a5) */
    { 0x41c8, 0x0045a503, "c.lw" }, /* c.lw a0,4(a1) */
    { 0x5c7c, 0x07c42783, "c.lw" }, /* c.lw a5,124(s0) */
    { 0x6588, 0x0085b503, "c.ld" }, /* c.ld a0,8(a1) */
    { 0x7fe4, 0x0f87b483, "c.ld" }, /* c.ld s1,248(a5) */
    { 0x8000, 0x00000000, NULL }, /* q0 funct3 100: reserved */
    { 0x9ffc, 0x00000000, NULL }, /* q0 funct3 100: reserved */
    { 0xa588, 0x00a5b427, "c.fsd" }, /* c.fsd fa0,8(a1) */
    { 0xbf64, 0x0e973c27, "c.fsd" }, /* c.fsd fs1,248(a4) */
    { 0xc1c8, 0x00a5a223, "c.sw" }, /* c.sw a0,4(a1) */
    { 0xdef0, 0x06c6ae23, "c.sw" }, /* c.sw a2,124(a3) */
    { 0xe588, 0x00a5b423, "c.sd" }, /* c.sd a0,8(a1) */
    { 0xfcf8, 0x0ee4bc23, "c.sd" }, /* c.sd a4,248(s1) */
    { 0x0001, 0x00000013, "c.nop" }, /* c.nop */
    { 0x0005, 0x00100013, "c.addi" }, /* c.addi rd 0 (c.nop, imm 1): HINT */
    { 0x1001, 0xfe000013, "c.addi" }, /* c.addi rd 0, imm -32: HINT */
    { 0x0505, 0x00150513, "c.addi" }, /* c.addi a0,1 */
    { 0x1f81, 0xfe0f8f93, "c.addi" }, /* c.addi t6,-32 */
    { 0x00fd, 0x01f08093, "c.addi" }, /* c.addi ra,31 */
    { 0x0501, 0x00050513, "c.addi" }, /* c.addi a0,0: HINT */
    { 0x357d, 0xfff5051b, "c.addiw" }, /* c.addiw a0,-1 */
    { 0x2dfd, 0x01fd8d9b, "c.addiw" }, /* c.addiw s11,31 */
    { 0x2501, 0x0005051b, "c.addiw" }, /* c.addiw a0,0 (sext.w) */
    { 0x2001, 0x00000000, NULL }, /* c.addiw rd 0: reserved */
    { 0x3005, 0x00000000, NULL }, /* c.addiw rd 0: reserved */
    { 0x556d, 0xffb00513, "c.li" }, /* c.li a0,-5 */
    { 0x42fd, 0x01f00293, "c.li" }, /* c.li t0,31 */
    { 0x4015, 0x00500013, "c.li" }, /* c.li zero,5: HINT */
    { 0x7139, 0xfc010113, "c.addi16sp" }, /* c.addi16sp sp,-64 */
    { 0x617d, 0x1f010113, "c.addi16sp" }, /* c.addi16sp sp,496 */
    { 0x7101, 0xe0010113, "c.addi16sp" }, /* c.addi16sp sp,-512 */
    { 0x6141, 0x01010113, "c.addi16sp" }, /* c.addi16sp sp,16 */
    { 0x6101, 0x00000000, NULL }, /* c.addi16sp 0: reserved */
    { 0x7505, 0xfffe1537, "c.lui" }, /* c.lui a0,0xfffe1 */
    { 0x6505, 0x00001537, "c.lui" }, /* c.lui a0,1 */
    { 0x6ffd, 0x0001ffb7, "c.lui" }, /* c.lui t6,0x1f */
    { 0x7081, 0xfffe00b7, "c.lui" }, /* c.lui ra,0xfffe0 */
    { 0x6501, 0x00000000, NULL }, /* c.lui a0,0: reserved */
    { 0x7001, 0xfffe0037, "c.lui" }, /* c.lui zero,0xfffe0: HINT */
    { 0x6005, 0x00001037, "c.lui" }, /* c.lui zero,1: HINT */
    { 0x810d, 0x00355513, "c.srli" }, /* c.srli a0,3 */
    { 0x90fd, 0x03f4d493, "c.srli" }, /* c.srli s1,63 */
    { 0x9101, 0x02055513, "c.srli" }, /* c.srli a0,32 */
    { 0x8101, 0x00055513, "c.srli" }, /* c.srli a0,0: HINT */
    { 0x957d, 0x43f55513, "c.srai" }, /* c.srai a0,63 */
    { 0x8785, 0x4017d793, "c.srai" }, /* c.srai a5,1 */
    { 0x8501, 0x40055513, "c.srai" }, /* c.srai a0,0: HINT */
    { 0x997d, 0xfff57513, "c.andi" }, /* c.andi a0,-1 */
    { 0x887d, 0x01f47413, "c.andi" }, /* c.andi s0,31 */
    { 0x8a81, 0x0006f693, "c.andi" }, /* c.andi a3,0 */
    { 0x8d0d, 0x40b50533, "c.sub" }, /* c.sub a0,a1 */
    { 0x8c3d, 0x00f44433, "c.xor" }, /* c.xor s0,a5 */
    { 0x8e55, 0x00d66633, "c.or" }, /* c.or a2,a3 */
    { 0x8f65, 0x00977733, "c.and" }, /* c.and a4,s1 */
    { 0x9d0d, 0x40b5053b, "c.subw" }, /* c.subw a0,a1 */
    { 0x9fa1, 0x008787bb, "c.addw" }, /* c.addw a5,s0 */
    { 0x9d4d, 0x00000000, NULL }, /* q1 100 1 11 10: reserved */
    { 0x9d6d, 0x00000000, NULL }, /* q1 100 1 11 11: reserved */
    { 0xa011, 0x0040006f, "c.j" }, /* c.j .+4 */
    { 0xb001, 0x801ff06f, "c.j" }, /* c.j .-2048 */
    { 0xaffd, 0x7fe0006f, "c.j" }, /* c.j .+2046 */
    { 0xa455, 0x2a40006f, "c.j" }, /* c.j .+0x2a4 */
    { 0xdd75, 0xfe050ee3, "c.beqz" }, /* c.beqz a0,.-4 */
    { 0xccfd, 0x0e048f63, "c.beqz" }, /* c.beqz s1,.+254 */
    { 0xf381, 0xf00790e3, "c.bnez" }, /* c.bnez a5,.-256 */
    { 0xe839, 0x04041b63, "c.bnez" }, /* c.bnez s0,.+0x56 */
    { 0x050e, 0x00351513, "c.slli" }, /* c.slli a0,3 */
    { 0x1ffe, 0x03ff9f93, "c.slli" }, /* c.slli t6,63 */
    { 0x000e, 0x00301013, "c.slli" }, /* c.slli zero,3: HINT */
    { 0x0502, 0x00051513, "c.slli" }, /* c.slli a0,0: HINT */
    { 0x1502, 0x02051513, "c.slli" }, /* c.slli a0,32 */
    { 0x2522, 0x00813507, "c.fldsp" }, /* c.fldsp fa0,8(sp) */
    { 0x307e, 0x1f813007, "c.fldsp" }, /* c.fldsp ft0,504(sp) */
    { 0x4512, 0x00412503, "c.lwsp" }, /* c.lwsp a0,4(sp) */
    { 0x5ffe, 0x0fc12f83, "c.lwsp" }, /* c.lwsp t6,252(sp) */
    { 0x4002, 0x00000000, NULL }, /* c.lwsp rd 0: reserved */
    { 0x6522, 0x00813503, "c.ldsp" }, /* c.ldsp a0,8(sp) */
    { 0x70fe, 0x1f813083, "c.ldsp" }, /* c.ldsp ra,504(sp) */
    { 0x6002, 0x00000000, NULL }, /* c.ldsp rd 0: reserved */
    { 0x8082, 0x00008067, "c.jr" }, /* c.jr ra */
    { 0x8f82, 0x000f8067, "c.jr" }, /* c.jr t6 */
    { 0x8002, 0x00000000, NULL }, /* c.jr zero: reserved */
    { 0x852e, 0x00b00533, "c.mv" }, /* c.mv a0,a1 */
    { 0x8f86, 0x00100fb3, "c.mv" }, /* c.mv t6,ra */
    { 0x802e, 0x00b00033, "c.mv" }, /* c.mv zero,a1: HINT */
    { 0x9002, 0x00100073, "c.ebreak" }, /* c.ebreak */
    { 0x9502, 0x000500e7, "c.jalr" }, /* c.jalr a0 */
    { 0x9082, 0x000080e7, "c.jalr" }, /* c.jalr ra */
    { 0x952e, 0x00b50533, "c.add" }, /* c.add a0,a1 */
    { 0x9ffa, 0x01ef8fb3, "c.add" }, /* c.add t6,t5 */
    { 0x902e, 0x00b00033, "c.add" }, /* c.add zero,a1: HINT */
    { 0xa42a, 0x00a13427, "c.fsdsp" }, /* c.fsdsp fa0,8(sp) */
    { 0xbffe, 0x1ff13c27, "c.fsdsp" }, /* c.fsdsp ft11,504(sp) */
    { 0xc22a, 0x00a12223, "c.swsp" }, /* c.swsp a0,4(sp) */
    { 0xdf82, 0x0e012e23, "c.swsp" }, /* c.swsp zero,252(sp) */
    { 0xe42a, 0x00a13423, "c.sdsp" }, /* c.sdsp a0,8(sp) */
    { 0xfffe, 0x1ff13c23, "c.sdsp" }, /* c.sdsp t6,504(sp) */
    { 0x0003, 0x00000000, NULL }, /* 32-bit encoding */
    { 0xffff, 0x00000000, NULL }, /* 32-bit encoding */
};

static void test_compressed(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(c_cases); i++) {
        const char *name = "unset";
        uint32_t w = riscv_expand_compressed(c_cases[i].c, MISA_ALL, &name);

        if (w != c_cases[i].expanded) {
            fail_msg("%04x: expanded to %08x, expected %08x", c_cases[i].c,
                     w, c_cases[i].expanded);
        }
        if (c_cases[i].cname) {
            assert_non_null(name);
            assert_string_equal(name, c_cases[i].cname);
        } else {
            assert_null(name);
        }
        /* nothing is compressed without C */
        assert_int_equal(riscv_expand_compressed(c_cases[i].c,
                                                 MISA_ALL & ~RVC, NULL), 0);
    }
}

/* The double-precision forms need D. */
static void test_compressed_needs_d(void **state)
{
    static const uint16_t fp[] = { 0x2588, 0xa588, 0x2522, 0xa42a };

    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(fp); i++) {
        assert_int_not_equal(riscv_expand_compressed(fp[i], MISA_ALL, NULL),
                             0);
        assert_int_equal(riscv_expand_compressed(fp[i], MISA_ALL & ~RVD,
                                                 NULL), 0);
    }
}

/* Every halfword: 0, or a 32-bit word the decoder knows. */
static void test_compressed_exhaustive(void **state)
{
    unsigned legal = 0;

    (void)state;
    for (uint32_t c = 0; c < 0x10000; c++) {
        uint32_t w = riscv_expand_compressed((uint16_t)c, MISA_ALL, NULL);

        if ((c & 3) == 3) {
            assert_int_equal(w, 0);
            continue;
        }
        if (w) {
            legal++;
            if (!riscv_decode(w, MISA_ALL, NULL)) {
                fail_msg("%04x expands to %08x, which does not decode", c, w);
            }
        }
    }
    /* Counted from the spec's listing (2048 encodings per funct3):
     * q0: addi4spn 2048 - 8 (imm 0), fld lw ld fsd sw sd 6 * 2048, 100
     *     reserved: 14328;
     * q1: addi 2048, addiw 2048 - 64 (rd 0), li 2048, addi16sp 63 +
     *     lui 31 * 63 (imm 0 reserved), srli srai andi 3 * 512, sub..and
     *     256 + subw addw 128, j beqz bnez 3 * 2048: 16160;
     * q2: slli 2048, fldsp 2048, lwsp ldsp 2 * (2048 - 64), jr 31 + mv
     *     992 + ebreak 1 + jalr 31 + add 992, fsdsp swsp sdsp 3 * 2048:
     *     16255. */
    assert_int_equal(legal, 14328 + 16160 + 16255);
}

/* ------------------------------------------------------------ disassembler */

static const struct {
    uint64_t pc;
    uint32_t raw;
    unsigned len;
    const char *text;
} d_cases[] = {
    { 0x80000000, 0xfffff537, 4, "lui\ta0,0xfffff" },
    { 0x80000004, 0x12345fb7, 4, "lui\tt6,0x12345" },
    { 0x80000008, 0x00001297, 4, "auipc\tt0,0x1" },
    { 0x8000000c, 0x001000ef, 4, "jal\tra,0x8000080c" },
    { 0x80000010, 0xffdff06f, 4, "jal\tzero,0x8000000c" },
    { 0x80000014, 0x8000046f, 4, "jal\ts0,0x7ff00014" },
    { 0x80000018, 0x00008067, 4, "jalr\tzero,0(ra)" },
    { 0x8000001c, 0xff4280e7, 4, "jalr\tra,-12(t0)" },
    { 0x80000020, 0x00b50863, 4, "beq\ta0,a1,0x80000030" },
    { 0x80000024, 0xfe051ce3, 4, "bne\ta0,zero,0x8000001c" },
    { 0x80000028, 0x7f24cfe3, 4, "blt\ts1,s2,0x80001026" },
    { 0x8000002c, 0x8062d063, 4, "bge\tt0,t1,0x7ffff02c" },
    { 0x80000030, 0x00d66463, 4, "bltu\ta2,a3,0x80000038" },
    { 0x80000034, 0x00f77663, 4, "bgeu\ta4,a5,0x80000040" },
    { 0x80000038, 0x80010503, 4, "lb\ta0,-2048(sp)" },
    { 0x8000003c, 0x7ff19583, 4, "lh\ta1,2047(gp)" },
    { 0x80000040, 0xffc12503, 4, "lw\ta0,-4(sp)" },
    { 0x80000044, 0x00823403, 4, "ld\ts0,8(tp)" },
    { 0x80000048, 0x000ece03, 4, "lbu\tt3,0(t4)" },
    { 0x8000004c, 0x001fdf03, 4, "lhu\tt5,1(t6)" },
    { 0x80000050, 0xfffded03, 4, "lwu\ts10,-1(s11)" },
    { 0x80000054, 0xfea58fa3, 4, "sb\ta0,-1(a1)" },
    { 0x80000058, 0x00c69123, 4, "sh\ta2,2(a3)" },
    { 0x8000005c, 0x80e7a023, 4, "sw\ta4,-2048(a5)" },
    { 0x80000060, 0x7e813fa3, 4, "sd\ts0,2047(sp)" },
    { 0x80000064, 0x00500513, 4, "addi\ta0,zero,5" },
    { 0x80000068, 0xff962593, 4, "slti\ta1,a2,-7" },
    { 0x8000006c, 0x00173693, 4, "sltiu\ta3,a4,1" },
    { 0x80000070, 0xfff84793, 4, "xori\ta5,a6,-1" },
    { 0x80000074, 0x7ff96893, 4, "ori\ta7,s2,2047" },
    { 0x80000078, 0x800a7993, 4, "andi\ts3,s4,-2048" },
    { 0x8000007c, 0x00351513, 4, "slli\ta0,a0,0x3" },
    { 0x80000080, 0x03fb5a93, 4, "srli\ts5,s6,0x3f" },
    { 0x80000084, 0x4205d513, 4, "srai\ta0,a1,0x20" },
    { 0x80000088, 0x00c58533, 4, "add\ta0,a1,a2" },
    { 0x8000008c, 0x419c0bb3, 4, "sub\ts7,s8,s9" },
    { 0x80000090, 0x007312b3, 4, "sll\tt0,t1,t2" },
    { 0x80000094, 0x01cdad33, 4, "slt\ts10,s11,t3" },
    { 0x80000098, 0x01ff3eb3, 4, "sltu\tt4,t5,t6" },
    { 0x8000009c, 0x00a54533, 4, "xor\ta0,a0,a0" },
    { 0x800000a0, 0x003150b3, 4, "srl\tra,sp,gp" },
    { 0x800000a4, 0x4062d233, 4, "sra\ttp,t0,t1" },
    { 0x800000a8, 0x00a4e433, 4, "or\ts0,s1,a0" },
    { 0x800000ac, 0x00d675b3, 4, "and\ta1,a2,a3" },
    { 0x800000b0, 0xfff5851b, 4, "addiw\ta0,a1,-1" },
    { 0x800000b4, 0x01f5151b, 4, "slliw\ta0,a0,0x1f" },
    { 0x800000b8, 0x0016559b, 4, "srliw\ta1,a2,0x1" },
    { 0x800000bc, 0x4117569b, 4, "sraiw\ta3,a4,0x11" },
    { 0x800000c0, 0x011807bb, 4, "addw\ta5,a6,a7" },
    { 0x800000c4, 0x4149893b, 4, "subw\ts2,s3,s4" },
    { 0x800000c8, 0x017b1abb, 4, "sllw\ts5,s6,s7" },
    { 0x800000cc, 0x01acdc3b, 4, "srlw\ts8,s9,s10" },
    { 0x800000d0, 0x41de5dbb, 4, "sraw\ts11,t3,t4" },
    { 0x800000d4, 0x0ff0000f, 4, "fence\tiorw,iorw" },
    { 0x800000d8, 0x0210000f, 4, "fence\tr,w" },
    { 0x800000dc, 0x0840000f, 4, "fence\ti,o" },
    { 0x800000e0, 0x8330000f, 4, "fence.tso" },
    { 0x800000e4, 0x0000100f, 4, "fence.i" },
    { 0x800000e8, 0x02c58533, 4, "mul\ta0,a1,a2" },
    { 0x800000ec, 0x02f716b3, 4, "mulh\ta3,a4,a5" },
    { 0x800000f0, 0x0328a833, 4, "mulhsu\ta6,a7,s2" },
    { 0x800000f4, 0x035a39b3, 4, "mulhu\ts3,s4,s5" },
    { 0x800000f8, 0x038bcb33, 4, "div\ts6,s7,s8" },
    { 0x800000fc, 0x03bd5cb3, 4, "divu\ts9,s10,s11" },
    { 0x80000100, 0x03eeee33, 4, "rem\tt3,t4,t5" },
    { 0x80000104, 0x0220ffb3, 4, "remu\tt6,ra,sp" },
    { 0x80000108, 0x02c5853b, 4, "mulw\ta0,a1,a2" },
    { 0x8000010c, 0x02f746bb, 4, "divw\ta3,a4,a5" },
    { 0x80000110, 0x0328d83b, 4, "divuw\ta6,a7,s2" },
    { 0x80000114, 0x035a69bb, 4, "remw\ts3,s4,s5" },
    { 0x80000118, 0x038bfb3b, 4, "remuw\ts6,s7,s8" },
    { 0x8000011c, 0x1005a52f, 4, "lr.w\ta0,(a1)" },
    { 0x80000120, 0x1405b52f, 4, "lr.d.aq\ta0,(a1)" },
    { 0x80000124, 0x18c5a52f, 4, "sc.w\ta0,a2,(a1)" },
    { 0x80000128, 0x1ac5b52f, 4, "sc.d.rl\ta0,a2,(a1)" },
    { 0x8000012c, 0x0ec5a52f, 4, "amoswap.w.aqrl\ta0,a2,(a1)" },
    { 0x80000130, 0x08c5b52f, 4, "amoswap.d\ta0,a2,(a1)" },
    { 0x80000134, 0x00c5a52f, 4, "amoadd.w\ta0,a2,(a1)" },
    { 0x80000138, 0x04c5b52f, 4, "amoadd.d.aq\ta0,a2,(a1)" },
    { 0x8000013c, 0x20c5a52f, 4, "amoxor.w\ta0,a2,(a1)" },
    { 0x80000140, 0x20c5b52f, 4, "amoxor.d\ta0,a2,(a1)" },
    { 0x80000144, 0x62c5a52f, 4, "amoand.w.rl\ta0,a2,(a1)" },
    { 0x80000148, 0x60c5b52f, 4, "amoand.d\ta0,a2,(a1)" },
    { 0x8000014c, 0x40c5a52f, 4, "amoor.w\ta0,a2,(a1)" },
    { 0x80000150, 0x40c5b52f, 4, "amoor.d\ta0,a2,(a1)" },
    { 0x80000154, 0x80c5a52f, 4, "amomin.w\ta0,a2,(a1)" },
    { 0x80000158, 0x80c5b52f, 4, "amomin.d\ta0,a2,(a1)" },
    { 0x8000015c, 0xa0c5a52f, 4, "amomax.w\ta0,a2,(a1)" },
    { 0x80000160, 0xa0c5b52f, 4, "amomax.d\ta0,a2,(a1)" },
    { 0x80000164, 0xc0c5a52f, 4, "amominu.w\ta0,a2,(a1)" },
    { 0x80000168, 0xc0c5b52f, 4, "amominu.d\ta0,a2,(a1)" },
    { 0x8000016c, 0xe0c5a52f, 4, "amomaxu.w\ta0,a2,(a1)" },
    { 0x80000170, 0xe663b2af, 4, "amomaxu.d.aqrl\tt0,t1,(t2)" },
    { 0x80000174, 0x00000073, 4, "ecall" },
    { 0x80000178, 0x00100073, 4, "ebreak" },
    { 0x8000017c, 0x10200073, 4, "sret" },
    { 0x80000180, 0x30200073, 4, "mret" },
    { 0x80000184, 0x10500073, 4, "wfi" },
    { 0x80000188, 0x12000073, 4, "sfence.vma\tzero,zero" },
    { 0x8000018c, 0x12b50073, 4, "sfence.vma\ta0,a1" },
    { 0x80000190, 0x30002573, 4, "csrrs\ta0,mstatus,zero" },
    { 0x80000194, 0x30551073, 4, "csrrw\tzero,mtvec,a0" },
    { 0x80000198, 0x304332f3, 4, "csrrc\tt0,mie,t1" },
    { 0x8000019c, 0x3402d573, 4, "csrrwi\ta0,mscratch,5" },
    { 0x800001a0, 0x100fe073, 4, "csrrsi\tzero,sstatus,31" },
    { 0x800001a4, 0x180075f3, 4, "csrrci\ta1,satp,0" },
    { 0x800001a8, 0x00102573, 4, "csrrs\ta0,fflags,zero" },
    { 0x800001ac, 0xc0002573, 4, "csrrs\ta0,cycle,zero" },
    { 0x800001b0, 0xf1402573, 4, "csrrs\ta0,mhartid,zero" },
    { 0x800001b4, 0x3b351073, 4, "csrrw\tzero,pmpaddr3,a0" },
    { 0x800001b8, 0x7c051073, 4, "csrrw\tzero,0x7c0,a0" },
    { 0x800001bc, 0x02c5f553, 4, "fadd.d\tfa0,fa1,fa2" },
    { 0x800001c0, 0x00c59553, 4, "fadd.s\tfa0,fa1,fa2,rtz" },
    { 0x800001c4, 0x6ac5f543, 4, "fmadd.d\tfa0,fa1,fa2,fa3" },
    { 0x800001c8, 0x00813507, 4, "fld\tfa0,8(sp)" },
    { 0x800001cc, 0xfe052e27, 4, "fsw\tft0,-4(a0)" },
    { 0x800001d0, 0xc2051553, 4, "fcvt.w.d\ta0,fa0,rtz" },
    { 0x800001d4, 0xe2008553, 4, "fmv.x.d\ta0,ft1" },
    { 0x800001d8, 0xa0942553, 4, "feq.s\ta0,fs0,fs1" },
    { 0x800001dc, 0x0808, 2, "c.addi4spn\ta0,sp,16" },
    { 0x800001de, 0x41c8, 2, "c.lw\ta0,4(a1)" },
    { 0x800001e0, 0x6588, 2, "c.ld\ta0,8(a1)" },
    { 0x800001e2, 0x2588, 2, "c.fld\tfa0,8(a1)" },
    { 0x800001e4, 0xc1c8, 2, "c.sw\ta0,4(a1)" },
    { 0x800001e6, 0xfcfc, 2, "c.sd\ta5,248(s1)" },
    { 0x800001e8, 0xa304, 2, "c.fsd\tfs1,0(a4)" },
    { 0x800001ea, 0x0001, 2, "c.nop" }, /* objdump: c.addi zero,0 */
    { 0x800001ec, 0x0505, 2, "c.addi\ta0,1" },
    { 0x800001ee, 0x357d, 2, "c.addiw\ta0,-1" },
    { 0x800001f0, 0x556d, 2, "c.li\ta0,-5" },
    { 0x800001f2, 0x7139, 2, "c.addi16sp\tsp,-64" },
    { 0x800001f4, 0x7505, 2, "c.lui\ta0,0xfffe1" },
    { 0x800001f6, 0x6505, 2, "c.lui\ta0,0x1" },
    { 0x800001f8, 0x810d, 2, "c.srli\ta0,0x3" },
    { 0x800001fa, 0x957d, 2, "c.srai\ta0,0x3f" },
    { 0x800001fc, 0x997d, 2, "c.andi\ta0,-1" },
    { 0x800001fe, 0x8d0d, 2, "c.sub\ta0,a1" },
    { 0x80000200, 0x8d2d, 2, "c.xor\ta0,a1" },
    { 0x80000202, 0x8d4d, 2, "c.or\ta0,a1" },
    { 0x80000204, 0x8d6d, 2, "c.and\ta0,a1" },
    { 0x80000206, 0x9d0d, 2, "c.subw\ta0,a1" },
    { 0x80000208, 0x9d2d, 2, "c.addw\ta0,a1" },
    { 0x8000020a, 0xa011, 2, "c.j\t0x8000020e" },
    { 0x8000020c, 0xb001, 2, "c.j\t0x7ffffa0c" },
    { 0x8000020e, 0xdd75, 2, "c.beqz\ta0,0x8000020a" },
    { 0x80000210, 0xe881, 2, "c.bnez\ts1,0x80000220" },
    { 0x80000212, 0x050e, 2, "c.slli\ta0,0x3" },
    { 0x80000214, 0x2522, 2, "c.fldsp\tfa0,8(sp)" },
    { 0x80000216, 0x4512, 2, "c.lwsp\ta0,4(sp)" },
    { 0x80000218, 0x6522, 2, "c.ldsp\ta0,8(sp)" },
    { 0x8000021a, 0x8082, 2, "c.jr\tra" },
    { 0x8000021c, 0x852e, 2, "c.mv\ta0,a1" },
    { 0x8000021e, 0x9002, 2, "c.ebreak" },
    { 0x80000220, 0x9502, 2, "c.jalr\ta0" },
    { 0x80000222, 0x952e, 2, "c.add\ta0,a1" },
    { 0x80000224, 0xc22a, 2, "c.swsp\ta0,4(sp)" },
    { 0x80000226, 0xe42a, 2, "c.sdsp\ta0,8(sp)" },
    { 0x80000228, 0xa42a, 2, "c.fsdsp\tfa0,8(sp)" },
    /* not instructions (ours: objdump prints them differently) */
    { 0x80000000, 0x0000, 2, ".2byte\t0x0000" },
    { 0x80000000, 0x6101, 2, ".2byte\t0x6101" },
    { 0x80000000, 0xffffffff, 4, ".4byte\t0xffffffff" },
    { 0x80000000, 0x1015a52f, 4, ".4byte\t0x1015a52f" },
    /* HINTs keep their c. mnemonic */
    { 0x80000000, 0x0005, 2, "c.addi\tzero,1" },
    { 0x80000000, 0x4015, 2, "c.li\tzero,5" },
    { 0x80000000, 0x0010000f, 4, "fence\t0,w" },
    { 0x80000000, 0x0100000f, 4, "pause" },
};

static void test_disas(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(d_cases); i++) {
        g_autoptr(GString) out = g_string_new(NULL);

        riscv_disas(d_cases[i].pc, d_cases[i].raw, d_cases[i].len, MISA_ALL,
                    out);
        if (strcmp(out->str, d_cases[i].text)) {
            fail_msg("%08x at %" PRIx64 ": \"%s\", expected \"%s\"",
                     d_cases[i].raw, d_cases[i].pc, out->str,
                     d_cases[i].text);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_overlap),
        cmocka_unit_test(test_patterns_decode),
        cmocka_unit_test(test_operands),
        cmocka_unit_test(test_compressed),
        cmocka_unit_test(test_compressed_needs_d),
        cmocka_unit_test(test_compressed_exhaustive),
        cmocka_unit_test(test_disas),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
