/*
 * x86-asm.c - the x86-64 instruction encoders of x86-asm.h.  Every
 * instruction goes through one of two generic builders, x86_op_rr()
 * (register operand) and x86_op_rm() ([base + disp] operand), which emit
 * the prefixes, the REX byte (W/R/B bits, or a bare 0x40 to reach the
 * byte registers spl/bpl/sil/dil), the opcode and the ModRM/SIB/displacement
 * bytes; immediates follow.  Reference: Intel SDM vol. 2, chapter 2
 * (instruction format) and the opcode tables of appendix A.
 */
#include <string.h>

#include "tcg/x86_64/x86-asm.h"

void x86_asm_init(X86Asm *a, uint8_t *buf, size_t cap, uintptr_t rx_base)
{
    memset(a, 0, sizeof(*a));
    a->buf = buf;
    a->cap = cap;
    a->rx_base = rx_base;
}

void x86_asm_destroy(X86Asm *a)
{
    tcg_vec_free(&a->label_pos, a->arena);
    tcg_vec_free(&a->fixups, a->arena);
}

/* ------------------------------------------------------------ raw bytes */

void x86_u16(X86Asm *a, uint16_t v)
{
    x86_byte(a, v & 0xff);
    x86_byte(a, v >> 8);
}

void x86_u64(X86Asm *a, uint64_t v)
{
    x86_u32(a, (uint32_t)v);
    x86_u32(a, (uint32_t)(v >> 32));
}

void x86_patch_u32(X86Asm *a, size_t pos, uint32_t v)
{
    if (pos + 4 <= a->cap) {
        memcpy(a->buf + pos, &v, 4); /* little-endian host */
    }
}

/* The recommended multi-byte nops (SDM vol. 2, NOP). */
void x86_nops(X86Asm *a, unsigned n)
{
    static const uint8_t nops[9][9] = {
        { 0 },
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
        { 0x0f, 0x1f, 0x40, 0x00 },
        { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    };

    while (n > 0) {
        unsigned k = n > 8 ? 8 : n;

        for (unsigned i = 0; i < k; i++) {
            x86_byte(a, nops[k][i]);
        }
        n -= k;
    }
}

void x86_align(X86Asm *a, unsigned align, unsigned bias)
{
    unsigned mis = (unsigned)((a->rx_base + a->len + bias) % align);

    if (mis) {
        x86_nops(a, align - mis);
    }
}

/* ------------------------------------------------------------ encoding */

/*
 * An instruction is written through a local pointer straight into the
 * buffer once there is room for the longest one (16 bytes; else into a
 * local array, copied byte by byte).  Through X86Asm a byte at a time,
 * every store (a uint8_t, which may alias anything) made the compiler
 * reload the length and buffer pointer: the assembler was 8% of
 * translating code that runs once.  (Assembling into a local array and
 * copying it with one 16-byte load was slower: the load waited for the
 * byte stores to drain, store forwarding cannot merge them.)
 */
#define X86_INSN_MAX 16

/* Where the next instruction's bytes go: @tmp if the buffer is short. */
static inline uint8_t *insn_begin(X86Asm *a, uint8_t *tmp)
{
    if (G_LIKELY(a->len <= a->cap && a->cap - a->len >= X86_INSN_MAX)) {
        return a->buf + a->len;
    }
    return tmp;
}

/* The instruction begun at @start = insn_begin(a, @tmp) ends at @p. */
static inline void insn_end(X86Asm *a, const uint8_t *tmp,
                            const uint8_t *start, const uint8_t *p)
{
    if (G_LIKELY(start != tmp)) {
        a->len += (size_t)(p - start);
        return;
    }
    for (const uint8_t *q = tmp; q < p; q++) {
        x86_byte(a, *q);
    }
}

static inline uint8_t *emit_prefixes(uint8_t *p, unsigned flags, int reg,
                                     int x, int rm)
{
    unsigned rex = ((flags & X86_W) ? 8 : 0) | ((reg & 8) ? 4 : 0) |
                   ((x & 8) ? 2 : 0) | ((rm & 8) ? 1 : 0);

    if (flags & X86_P66) {
        *p++ = 0x66;
    }
    if (flags & X86_PF3) {
        *p++ = 0xf3;
    }
    /* spl, bpl, sil, dil exist only with a REX prefix (else ah..bh). */
    if (rex || ((flags & X86_BREG) && reg >= 4 && reg < 8) ||
        ((flags & X86_BRM) && rm >= 4 && rm < 8)) {
        *p++ = (uint8_t)(0x40 | rex);
    }
    return p;
}

static inline uint8_t *emit_opcode(uint8_t *p, unsigned flags, uint8_t opc)
{
    if (flags & X86_0F) {
        *p++ = 0x0f;
    }
    *p++ = opc;
    return p;
}

/* The prefixes alone (for the rare encoders that write the rest
 * themselves). */
static void put_prefixes(X86Asm *a, unsigned flags, int reg, int x, int rm)
{
    uint8_t tmp[X86_INSN_MAX];
    uint8_t *start = insn_begin(a, tmp), *p = start;

    p = emit_prefixes(p, flags, reg, x, rm);
    insn_end(a, tmp, start, p);
}

void x86_op_rr(X86Asm *a, unsigned flags, uint8_t opc, int reg, int rm)
{
    uint8_t tmp[X86_INSN_MAX];
    uint8_t *start = insn_begin(a, tmp), *p = start;

    p = emit_prefixes(p, flags, reg, 0, rm);
    p = emit_opcode(p, flags, opc);
    *p++ = (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7));
    insn_end(a, tmp, start, p);
}

void x86_op_rm(X86Asm *a, unsigned flags, uint8_t opc, int reg, X86Reg base,
               int32_t disp)
{
    uint8_t tmp[X86_INSN_MAX];
    uint8_t *start = insn_begin(a, tmp), *p = start;
    int mod;

    p = emit_prefixes(p, flags, reg, 0, base);
    p = emit_opcode(p, flags, opc);
    /* [rbp]/[r13] with mod 00 would mean rip-relative/disp32. */
    if (disp == 0 && (base & 7) != X86_RBP) {
        mod = 0;
    } else if (disp >= -128 && disp <= 127) {
        mod = 1;
    } else {
        mod = 2;
    }
    *p++ = (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7));
    if ((base & 7) == X86_RSP) {
        *p++ = 0x24; /* SIB: base only, no index */
    }
    if (mod == 1) {
        *p++ = (uint8_t)disp;
    } else if (mod == 2) {
        memcpy(p, &disp, 4); /* little-endian host */
        p += 4;
    }
    insn_end(a, tmp, start, p);
}

/* ------------------------------------------------------------ moves */

void x86_mov_rr(X86Asm *a, bool w, X86Reg d, X86Reg s)
{
    x86_op_rr(a, w ? X86_W : 0, 0x89, s, d);
}

void x86_mov_ri(X86Asm *a, bool w, X86Reg d, uint64_t imm)
{
    if (!w) {
        imm = (uint32_t)imm;
    }
    uint8_t tmp[X86_INSN_MAX];
    uint8_t *start, *p;

    if (imm <= UINT32_MAX) {
        /* mov r32, imm32 zero-extends. */
        uint32_t v = (uint32_t)imm;

        start = insn_begin(a, tmp);
        p = emit_prefixes(start, 0, 0, 0, d);
        *p++ = (uint8_t)(0xb8 + (d & 7));
        memcpy(p, &v, 4);
        insn_end(a, tmp, start, p + 4);
    } else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
        x86_op_rr(a, X86_W, 0xc7, 0, d); /* sign-extended imm32 */
        x86_u32(a, (uint32_t)imm);
    } else {
        start = insn_begin(a, tmp);
        p = emit_prefixes(start, X86_W, 0, 0, d); /* movabs */
        *p++ = (uint8_t)(0xb8 + (d & 7));
        memcpy(p, &imm, 8);
        insn_end(a, tmp, start, p + 8);
    }
}

void x86_load(X86Asm *a, unsigned size, bool sign, bool w, X86Reg d,
              X86Reg base, int32_t disp)
{
    unsigned wf = w ? X86_W : 0;

    switch (size) {
    case 1:
        x86_op_rm(a, X86_0F | (sign ? wf : 0), sign ? 0xbe : 0xb6, d, base,
                  disp);
        break;
    case 2:
        x86_op_rm(a, X86_0F | (sign ? wf : 0), sign ? 0xbf : 0xb7, d, base,
                  disp);
        break;
    case 4:
        if (sign && w) {
            x86_op_rm(a, X86_W, 0x63, d, base, disp); /* movsxd */
        } else {
            x86_op_rm(a, 0, 0x8b, d, base, disp);
        }
        break;
    default:
        x86_op_rm(a, X86_W, 0x8b, d, base, disp);
        break;
    }
}

void x86_store(X86Asm *a, unsigned size, X86Reg s, X86Reg base,
               int32_t disp)
{
    switch (size) {
    case 1:
        x86_op_rm(a, X86_BREG, 0x88, s, base, disp);
        break;
    case 2:
        x86_op_rm(a, X86_P66, 0x89, s, base, disp);
        break;
    case 4:
        x86_op_rm(a, 0, 0x89, s, base, disp);
        break;
    default:
        x86_op_rm(a, X86_W, 0x89, s, base, disp);
        break;
    }
}

void x86_store_imm(X86Asm *a, unsigned size, int32_t imm, X86Reg base,
                   int32_t disp)
{
    switch (size) {
    case 1:
        x86_op_rm(a, 0, 0xc6, 0, base, disp);
        x86_byte(a, (uint8_t)imm);
        break;
    case 2:
        x86_op_rm(a, X86_P66, 0xc7, 0, base, disp);
        x86_u16(a, (uint16_t)imm);
        break;
    case 4:
        x86_op_rm(a, 0, 0xc7, 0, base, disp);
        x86_u32(a, (uint32_t)imm);
        break;
    default:
        x86_op_rm(a, X86_W, 0xc7, 0, base, disp);
        x86_u32(a, (uint32_t)imm);
        break;
    }
}

void x86_lea(X86Asm *a, bool w, X86Reg d, X86Reg base, int32_t disp)
{
    x86_op_rm(a, w ? X86_W : 0, 0x8d, d, base, disp);
}

void x86_movzx(X86Asm *a, unsigned size, X86Reg d, X86Reg s)
{
    switch (size) {
    case 1:
        x86_op_rr(a, X86_0F | X86_BRM, 0xb6, d, s);
        break;
    case 2:
        x86_op_rr(a, X86_0F, 0xb7, d, s);
        break;
    default:
        x86_mov_rr(a, false, d, s); /* a 32-bit mov zero-extends */
        break;
    }
}

void x86_movsx(X86Asm *a, unsigned size, bool w, X86Reg d, X86Reg s)
{
    unsigned wf = w ? X86_W : 0;

    switch (size) {
    case 1:
        x86_op_rr(a, X86_0F | X86_BRM | wf, 0xbe, d, s);
        break;
    case 2:
        x86_op_rr(a, X86_0F | wf, 0xbf, d, s);
        break;
    default:
        if (w) {
            x86_op_rr(a, X86_W, 0x63, d, s); /* movsxd */
        } else {
            x86_mov_rr(a, false, d, s);
        }
        break;
    }
}

/* ------------------------------------------------------------ arithmetic */

void x86_alu_rr(X86Asm *a, bool w, X86Alu op, X86Reg d, X86Reg s)
{
    x86_op_rr(a, w ? X86_W : 0, (uint8_t)(op << 3 | 1), s, d);
}

void x86_alu_ri(X86Asm *a, bool w, X86Alu op, X86Reg d, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        x86_op_rr(a, w ? X86_W : 0, 0x83, op, d);
        x86_byte(a, (uint8_t)imm);
    } else {
        x86_op_rr(a, w ? X86_W : 0, 0x81, op, d);
        x86_u32(a, (uint32_t)imm);
    }
}

void x86_alu_rm(X86Asm *a, bool w, X86Alu op, X86Reg d, X86Reg base,
                int32_t disp)
{
    x86_op_rm(a, w ? X86_W : 0, (uint8_t)(op << 3 | 3), d, base, disp);
}

void x86_test_rr(X86Asm *a, bool w, X86Reg r1, X86Reg r2)
{
    x86_op_rr(a, w ? X86_W : 0, 0x85, r2, r1);
}

void x86_shift_ri(X86Asm *a, bool w, X86Shift op, X86Reg d, unsigned n)
{
    if (n == 1) {
        x86_op_rr(a, w ? X86_W : 0, 0xd1, op, d);
    } else {
        x86_op_rr(a, w ? X86_W : 0, 0xc1, op, d);
        x86_byte(a, (uint8_t)n);
    }
}

void x86_shift_cl(X86Asm *a, bool w, X86Shift op, X86Reg d)
{
    x86_op_rr(a, w ? X86_W : 0, 0xd3, op, d);
}

void x86_unary(X86Asm *a, bool w, X86Unary op, X86Reg r)
{
    x86_op_rr(a, w ? X86_W : 0, 0xf7, op, r);
}

void x86_imul_rr(X86Asm *a, bool w, X86Reg d, X86Reg s)
{
    x86_op_rr(a, X86_0F | (w ? X86_W : 0), 0xaf, d, s);
}

void x86_imul_rri(X86Asm *a, bool w, X86Reg d, X86Reg s, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        x86_op_rr(a, w ? X86_W : 0, 0x6b, d, s);
        x86_byte(a, (uint8_t)imm);
    } else {
        x86_op_rr(a, w ? X86_W : 0, 0x69, d, s);
        x86_u32(a, (uint32_t)imm);
    }
}

void x86_cqo(X86Asm *a, bool w)
{
    if (w) {
        x86_byte(a, 0x48);
    }
    x86_byte(a, 0x99);
}

void x86_setcc(X86Asm *a, X86Cond cc, X86Reg d)
{
    x86_op_rr(a, X86_0F | X86_BRM, (uint8_t)(0x90 + cc), 0, d);
}

void x86_cmov(X86Asm *a, bool w, X86Cond cc, X86Reg d, X86Reg s)
{
    x86_op_rr(a, X86_0F | (w ? X86_W : 0), (uint8_t)(0x40 + cc), d, s);
}

void x86_bswap(X86Asm *a, bool w, X86Reg r)
{
    put_prefixes(a, w ? X86_W : 0, 0, 0, r);
    x86_byte(a, 0x0f);
    x86_byte(a, 0xc8 + (r & 7));
}

void x86_bsr(X86Asm *a, bool w, X86Reg d, X86Reg s)
{
    x86_op_rr(a, X86_0F | (w ? X86_W : 0), 0xbd, d, s);
}

void x86_bsf(X86Asm *a, bool w, X86Reg d, X86Reg s)
{
    x86_op_rr(a, X86_0F | (w ? X86_W : 0), 0xbc, d, s);
}

void x86_popcnt(X86Asm *a, bool w, X86Reg d, X86Reg s)
{
    x86_op_rr(a, X86_PF3 | X86_0F | (w ? X86_W : 0), 0xb8, d, s);
}

/* ------------------------------------------------------------ control */

void x86_push(X86Asm *a, X86Reg r)
{
    put_prefixes(a, 0, 0, 0, r);
    x86_byte(a, 0x50 + (r & 7));
}

void x86_pop(X86Asm *a, X86Reg r)
{
    put_prefixes(a, 0, 0, 0, r);
    x86_byte(a, 0x58 + (r & 7));
}

void x86_ret(X86Asm *a)
{
    x86_byte(a, 0xc3);
}

void x86_jmp_reg(X86Asm *a, X86Reg r)
{
    x86_op_rr(a, 0, 0xff, 4, r);
}

void x86_call_reg(X86Asm *a, X86Reg r)
{
    x86_op_rr(a, 0, 0xff, 2, r);
}

void x86_call_mem(X86Asm *a, X86Reg base, int32_t disp)
{
    x86_op_rm(a, 0, 0xff, 2, base, disp);
}

bool x86_rel32_reaches(const X86Asm *a, uintptr_t target, unsigned insn_len)
{
    int64_t rel = (int64_t)(target - (x86_asm_rx(a) + insn_len));

    return rel >= INT32_MIN && rel <= INT32_MAX;
}

static void emit_rel32_to(X86Asm *a, uint8_t opc, uintptr_t target)
{
    x86_byte(a, opc);
    x86_u32(a, (uint32_t)(target - (x86_asm_rx(a) + 4)));
}

void x86_jmp_abs(X86Asm *a, uintptr_t target)
{
    /* Only used within one code buffer, which is far smaller than 2 GiB. */
    g_assert(x86_rel32_reaches(a, target, 5));
    emit_rel32_to(a, 0xe9, target);
}

void x86_call_abs(X86Asm *a, uintptr_t target, X86Reg scratch)
{
    if (x86_rel32_reaches(a, target, 5)) {
        emit_rel32_to(a, 0xe8, target);
    } else {
        x86_mov_ri(a, true, scratch, target);
        x86_call_reg(a, scratch);
    }
}

void x86_lea_rip(X86Asm *a, X86Reg d, uintptr_t target)
{
    put_prefixes(a, X86_W, d, 0, 0);
    x86_byte(a, 0x8d);
    x86_byte(a, ((d & 7) << 3) | 5); /* mod 00, r/m 101: rip + disp32 */
    x86_u32(a, (uint32_t)(target - (x86_asm_rx(a) + 4)));
}

/* ------------------------------------------------------------ labels */

unsigned x86_label_new(X86Asm *a)
{
    *tcg_vec_push(&a->label_pos, a->arena, gssize) = -1;
    return a->label_pos.len - 1;
}

bool x86_label_bound(const X86Asm *a, unsigned label)
{
    return *tcg_vec_at(&a->label_pos, gssize, label) >= 0;
}

static void patch_fixup(X86Asm *a, const X86Fixup *f, size_t target)
{
    int64_t rel = (int64_t)target - (int64_t)(f->pos + f->size);

    if (f->size == 1) {
        g_assert(rel >= -128 && rel <= 127);
        if (f->pos < a->cap) {
            a->buf[f->pos] = (uint8_t)rel;
        }
    } else {
        x86_patch_u32(a, f->pos, (uint32_t)rel);
    }
}

void x86_label_bind(X86Asm *a, unsigned label)
{
    gssize *pos = tcg_vec_at(&a->label_pos, gssize, label);

    g_assert(*pos < 0);
    *pos = (gssize)a->len;
    for (unsigned i = 0; i < a->fixups.len;) {
        X86Fixup *f = tcg_vec_at(&a->fixups, X86Fixup, i);

        if (f->label == label) {
            patch_fixup(a, f, a->len);
            *f = *tcg_vec_at(&a->fixups, X86Fixup, --a->fixups.len);
        } else {
            i++;
        }
    }
}

/* Emit the displacement of a jump whose opcode bytes are out. */
static void emit_label_ref(X86Asm *a, unsigned label, unsigned size)
{
    gssize pos = *tcg_vec_at(&a->label_pos, gssize, label);
    X86Fixup f = { .label = label, .pos = a->len, .size = size };

    if (size == 1) {
        x86_byte(a, 0);
    } else {
        x86_u32(a, 0);
    }
    if (pos >= 0) {
        patch_fixup(a, &f, (size_t)pos);
    } else {
        *tcg_vec_push(&a->fixups, a->arena, X86Fixup) = f;
    }
}

static bool backward_short(const X86Asm *a, unsigned label, unsigned len)
{
    gssize pos = *tcg_vec_at(&a->label_pos, gssize, label);

    return pos >= 0 && pos - (gssize)(a->len + len) >= -128;
}

void x86_jmp_label(X86Asm *a, unsigned label, bool short_)
{
    if (short_ || backward_short(a, label, 2)) {
        x86_byte(a, 0xeb);
        emit_label_ref(a, label, 1);
    } else {
        x86_byte(a, 0xe9);
        emit_label_ref(a, label, 4);
    }
}

void x86_jcc_label(X86Asm *a, X86Cond cc, unsigned label, bool short_)
{
    if (short_ || backward_short(a, label, 2)) {
        x86_byte(a, (uint8_t)(0x70 + cc));
        emit_label_ref(a, label, 1);
    } else {
        x86_byte(a, 0x0f);
        x86_byte(a, (uint8_t)(0x80 + cc));
        emit_label_ref(a, label, 4);
    }
}
