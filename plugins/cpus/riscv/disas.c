/*
 * disas.c - the RISC-V disassembler behind `-d in_asm`.
 *
 * Output follows GNU objdump's `-M no-aliases` style: "mnemonic\toperands"
 * with ABI register names, operands separated by commas without spaces,
 * shift amounts and U-immediates in hex, branch targets as absolute
 * addresses, CSRs by name (riscv_csr_name(), else hex) and compressed
 * instructions under their c. mnemonic with their own operand lists.  The
 * operand list of each 32-bit instruction comes from its pattern's args
 * template (riscv.h).  Deviation: c.nop is printed as such (objdump says
 * "c.addi zero,0").
 */
#include <inttypes.h>
#include <string.h>

#include "riscv.h"

const char *const riscv_xreg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *const riscv_freg_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Operand templates of the compressed forms whose operands differ from
 * their expansion's (the others print as the expansion does). */
static const struct {
    const char *name, *args;
} c_args[] = {
    { "c.nop", "" },       { "c.addi", "d,j" },   { "c.addiw", "d,j" },
    { "c.li", "d,j" },     { "c.addi16sp", "d,j" }, { "c.lui", "d,u" },
    { "c.srli", "d,>" },   { "c.srai", "d,>" },   { "c.andi", "d,j" },
    { "c.sub", "d,t" },    { "c.xor", "d,t" },    { "c.or", "d,t" },
    { "c.and", "d,t" },    { "c.subw", "d,t" },   { "c.addw", "d,t" },
    { "c.j", "b" },        { "c.beqz", "s,b" },   { "c.bnez", "s,b" },
    { "c.slli", "d,>" },   { "c.jr", "s" },       { "c.jalr", "s" },
    { "c.mv", "d,t" },     { "c.add", "d,t" },    { "c.ebreak", "" },
};

static void append_fence_set(GString *out, unsigned set)
{
    static const char bits[] = "iorw";

    if (!set) {
        g_string_append(out, "0");
        return;
    }
    for (unsigned i = 0; i < 4; i++) {
        if (set & (8u >> i)) {
            g_string_append_c(out, bits[i]);
        }
    }
}

static void append_operand(GString *out, char kind, uint64_t pc,
                           const RiscvArgs *a)
{
    static const char *const rms[8] = { "rne", "rtz", "rdn", "rup", "rmm",
                                        "rm5", "rm6", "dyn" };
    const char *csr;

    switch (kind) {
    case 'd': g_string_append(out, riscv_xreg_names[a->rd]); break;
    case 's': g_string_append(out, riscv_xreg_names[a->rs1]); break;
    case 't': g_string_append(out, riscv_xreg_names[a->rs2]); break;
    case 'D': g_string_append(out, riscv_freg_names[a->rd]); break;
    case 'S': g_string_append(out, riscv_freg_names[a->rs1]); break;
    case 'T': g_string_append(out, riscv_freg_names[a->rs2]); break;
    case 'R': g_string_append(out, riscv_freg_names[a->rs3]); break;
    case 'j':
    case 'Z':
        g_string_append_printf(out, "%" PRId64, a->imm);
        break;
    case 'o':
        g_string_append_printf(out, "%" PRId64 "(%s)", a->imm,
                               riscv_xreg_names[a->rs1]);
        break;
    case 'A':
        g_string_append_printf(out, "(%s)", riscv_xreg_names[a->rs1]);
        break;
    case 'b':
        g_string_append_printf(out, "0x%" PRIx64, pc + (uint64_t)a->imm);
        break;
    case 'u':
        g_string_append_printf(out, "0x%" PRIx64,
                               ((uint64_t)a->imm >> 12) & 0xfffff);
        break;
    case '>':
        g_string_append_printf(out, "0x%" PRIx64, (uint64_t)a->imm);
        break;
    case 'c':
        csr = riscv_csr_name(a->csr);
        if (csr) {
            g_string_append(out, csr);
        } else {
            g_string_append_printf(out, "0x%x", a->csr);
        }
        break;
    case 'm':
        g_string_append(out, rms[a->rm]);
        break;
    case 'p':
        append_fence_set(out, (a->imm >> 4) & 15);
        g_string_append_c(out, ',');
        append_fence_set(out, a->imm & 15);
        break;
    default:
        g_string_append_c(out, '?');
    }
}

static void append_operands(GString *out, const char *args, uint64_t pc,
                            const RiscvArgs *a)
{
    bool first = true;

    for (const char *p = args; *p; p++) {
        if (*p == ',' || *p == ' ') {
            continue;
        }
        if (*p == 'm' && a->rm == 7) {
            continue; /* dynamic rounding mode: not shown */
        }
        g_string_append_c(out, first ? '\t' : ',');
        first = false;
        append_operand(out, *p, pc, a);
    }
}

static const char *compressed_args(const char *cname)
{
    for (size_t i = 0; i < G_N_ELEMENTS(c_args); i++) {
        if (!strcmp(c_args[i].name, cname)) {
            return c_args[i].args;
        }
    }
    return NULL;
}

void riscv_disas(uint64_t pc, uint32_t raw, unsigned len, uint64_t misa,
                 GString *out)
{
    const RiscvInsnDesc *d;
    const char *cname = NULL, *args;
    uint32_t insn = raw;
    RiscvArgs a;

    if (len == 2) {
        insn = riscv_expand_compressed((uint16_t)raw, misa, &cname);
    }
    d = insn ? riscv_decode(insn, misa, &a) : NULL;
    if (!d) {
        if (len == 2) {
            g_string_append_printf(out, ".2byte\t0x%04x", raw & 0xffff);
        } else {
            g_string_append_printf(out, ".4byte\t0x%08x", raw);
        }
        return;
    }
    if (cname) {
        g_string_append(out, cname);
        args = compressed_args(cname);
        append_operands(out, args ? args : d->args, pc, &a);
        return;
    }
    if (d->fmt == FMT_FENCE && !strcmp(d->name, "fence")) {
        if (insn == 0x8330000f) {
            g_string_append(out, "fence.tso");
            return;
        }
        if (insn == 0x0100000f) {
            g_string_append(out, "pause");
            return;
        }
    }
    g_string_append(out, d->name);
    if (d->fmt == FMT_AMO && (a.aq || a.rl)) {
        g_string_append(out, a.aq && a.rl ? ".aqrl" : a.aq ? ".aq" : ".rl");
    }
    append_operands(out, d->args ? d->args : "", pc, &a);
}

unsigned riscv_disas_insn(BbCpu *cpu, uint64_t pc, const uint8_t *buf,
                          size_t len, GString *out)
{
    uint32_t raw;
    unsigned n;

    if (len < 2) {
        return 0;
    }
    raw = buf[0] | (uint32_t)buf[1] << 8;
    n = (raw & 3) == 3 ? 4 : 2;
    if (len < n) {
        return 0;
    }
    if (n == 4) {
        raw |= (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    }
    riscv_disas(pc, raw, n, RISCV_CPU(cpu)->misa, out);
    return n;
}
