/*
 * misaligned-emu.c - mixed-width misaligned stores and loads, emulated
 * the way firmware does it.  The hart traps misaligned loads and stores
 * (causes 4 and 6; QEMU does them in hardware), so this program installs
 * the M-mode hook of emulate.h, which carries each access out byte by
 * byte and resumes after the instruction.  It runs chains of stores and
 * loads of every width at offsets around the 8-, 16-, 32- and 64-byte
 * boundaries of one buffer, through function pointers (one access per
 * TB) and in straight-line code (many emulated accesses inside one TB),
 * in M, U and S mode; every load must see exactly the bytes the earlier
 * stores (emulated or not) left there, per a byte model of the buffer.
 * Issue 13 reported a public conformance program failing at "sb to
 * offset 32, lwu from offset 31"; that sequence is included.
 */
#include <stddef.h>

#include "emulate.h"

static uint8_t buf[128] __attribute__((aligned(64)));
static uint8_t model[128];

/* --- accesses, never compressed ----------------------------------------- */

#define NORVC(insn) ".option push\n.option norvc\n" insn "\n.option pop"
#define DEF_LD32(name, insn)                                                  \
    static uint64_t name(uintptr_t a)                                         \
    {                                                                         \
        uint64_t v;                                                           \
        __asm__ volatile(NORVC(insn " %0, 0(%1)") : "=r"(v) : "r"(a)          \
                         : "memory");                                         \
        return v;                                                             \
    }
#define DEF_ST32(name, insn)                                                  \
    static void name(uintptr_t a, uint64_t v)                                 \
    {                                                                         \
        __asm__ volatile(NORVC(insn " %0, 0(%1)") : : "r"(v), "r"(a)          \
                         : "memory");                                         \
    }
DEF_LD32(l_b, "lb")
DEF_LD32(l_bu, "lbu")
DEF_LD32(l_h, "lh")
DEF_LD32(l_hu, "lhu")
DEF_LD32(l_w, "lw")
DEF_LD32(l_wu, "lwu")
DEF_LD32(l_d, "ld")
DEF_ST32(s_b, "sb")
DEF_ST32(s_h, "sh")
DEF_ST32(s_w, "sw")
DEF_ST32(s_d, "sd")

static const struct {
    const char *name;
    uint64_t (*fn)(uintptr_t);
    unsigned size;
    bool sign;
} lds[] = {
    { "lb", l_b, 1, true }, { "lbu", l_bu, 1, false },
    { "lh", l_h, 2, true }, { "lhu", l_hu, 2, false },
    { "lw", l_w, 4, true }, { "lwu", l_wu, 4, false },
    { "ld", l_d, 8, false },
};

static const struct {
    const char *name;
    void (*fn)(uintptr_t, uint64_t);
    unsigned size;
} sts[] = {
    { "sb", s_b, 1 }, { "sh", s_h, 2 }, { "sw", s_w, 4 }, { "sd", s_d, 8 },
};

static uint64_t model_load(unsigned off, unsigned size, bool sign)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)model[off + i] << (8 * i);
    }
    return sign ? emu_sext(v, 8 * size) : v;
}

static void model_store(unsigned off, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        model[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static uint8_t next_byte = 0x40;

/* Store (width @si at @so), then load (width @li at @lo): check it. */
static void pair(unsigned si, unsigned so, unsigned li, unsigned lo)
{
    uintptr_t base = (uintptr_t)buf;
    uint64_t v = 0, got;

    for (unsigned i = 0; i < sts[si].size; i++) {
        v |= (uint64_t)(next_byte++) << (8 * i);
    }
    test_case(sts[si].name, (long)(so * 1000 + li * 100 + lo));
    sts[si].fn(base + so, v);
    model_store(so, sts[si].size, v);
    got = lds[li].fn(base + lo);
    CHECK_EQ(got, model_load(lo, lds[li].size, lds[li].sign));
}

/*
 * The same in straight-line code, as conformance programs are written:
 * long TBs in which many accesses trap and are emulated mid-block.  Each
 * X(store, load, store offset, load offset) stores a value derived from
 * its index and saves what the load returned in res[]; the C model
 * replays the list afterwards.  The list mixes every width around the 8-,
 * 16-, 32- and 64-byte boundaries (chosen at random once, fixed here) and
 * ends with the sequence of stores around offset 32 and loads from 29..31
 * that exposed the bug.
 */
#define PAIRS(X) \
    X(sw, lwu, 6, 8) \
    X(sh, lbu, 8, 8) \
    X(sh, lwu, 8, 6) \
    X(sh, lw, 6, 4) \
    X(sw, lhu, 4, 4) \
    X(sb, ld, 8, 3) \
    X(sb, ld, 8, 8) \
    X(sd, ld, 2, 4) \
    X(sw, lhu, 5, 8) \
    X(sd, lhu, 5, 9) \
    X(sb, ld, 8, 5) \
    X(sd, lw, 8, 7) \
    X(sd, lw, 7, 6) \
    X(sw, lbu, 5, 7) \
    X(sw, lhu, 6, 7) \
    X(sw, lbu, 7, 10) \
    X(sh, lbu, 8, 8) \
    X(sw, lb, 5, 8) \
    X(sd, lb, 6, 12) \
    X(sb, lbu, 7, 7) \
    X(sd, lbu, 4, 10) \
    X(sw, lbu, 6, 8) \
    X(sh, lw, 8, 6) \
    X(sd, ld, 3, 9) \
    X(sb, lh, 7, 7) \
    X(sh, lbu, 7, 7) \
    X(sb, lbu, 7, 7) \
    X(sd, ld, 8, 9) \
    X(sb, ld, 8, 6) \
    X(sb, lbu, 7, 7) \
    X(sb, lh, 8, 8) \
    X(sb, lw, 8, 7) \
    X(sb, lh, 7, 7) \
    X(sh, lw, 7, 8) \
    X(sd, lwu, 3, 3) \
    X(sw, lhu, 4, 7) \
    X(sh, lbu, 8, 9) \
    X(sd, lh, 3, 8) \
    X(sh, ld, 7, 3) \
    X(sw, lbu, 7, 9) \
    X(sd, lh, 8, 13) \
    X(sd, lb, 9, 9) \
    X(sb, lbu, 16, 16) \
    X(sd, lhu, 16, 20) \
    X(sb, lw, 16, 16) \
    X(sh, ld, 14, 7) \
    X(sb, ld, 16, 11) \
    X(sh, lh, 15, 16) \
    X(sd, lb, 12, 17) \
    X(sh, lh, 14, 14) \
    X(sd, lb, 14, 19) \
    X(sw, ld, 13, 6) \
    X(sw, lw, 13, 15) \
    X(sh, lbu, 14, 14) \
    X(sb, lh, 16, 15) \
    X(sw, ld, 14, 10) \
    X(sb, lwu, 15, 13) \
    X(sd, lw, 11, 14) \
    X(sb, lb, 15, 15) \
    X(sw, lhu, 16, 17) \
    X(sh, lh, 16, 16) \
    X(sb, lb, 16, 16) \
    X(sh, lb, 16, 16) \
    X(sw, lh, 12, 14) \
    X(sh, ld, 16, 13) \
    X(sb, lb, 15, 15) \
    X(sd, lhu, 14, 19) \
    X(sw, ld, 13, 8) \
    X(sd, lb, 12, 12) \
    X(sw, lh, 14, 14) \
    X(sh, lhu, 15, 14) \
    X(sd, lh, 14, 15) \
    X(sd, lhu, 16, 18) \
    X(sd, ld, 15, 11) \
    X(sb, lhu, 15, 14) \
    X(sh, lb, 14, 14) \
    X(sw, lhu, 12, 15) \
    X(sb, lwu, 15, 15) \
    X(sb, ld, 15, 10) \
    X(sw, lbu, 16, 16) \
    X(sd, lbu, 28, 35) \
    X(sb, lbu, 31, 31) \
    X(sb, ld, 32, 30) \
    X(sh, lb, 32, 33) \
    X(sh, lwu, 32, 29) \
    X(sb, lbu, 32, 32) \
    X(sw, lwu, 29, 28) \
    X(sh, lh, 32, 33) \
    X(sb, lwu, 32, 30) \
    X(sh, lbu, 32, 32) \
    X(sb, lw, 31, 28) \
    X(sd, lhu, 29, 35) \
    X(sd, ld, 25, 25) \
    X(sw, lhu, 30, 29) \
    X(sh, lh, 32, 32) \
    X(sb, lhu, 32, 32) \
    X(sb, lhu, 32, 32) \
    X(sd, lb, 24, 28) \
    X(sh, lbu, 30, 31) \
    X(sw, lbu, 32, 35) \
    X(sw, lbu, 28, 28) \
    X(sb, lb, 31, 31) \
    X(sh, lbu, 31, 31) \
    X(sh, lbu, 32, 32) \
    X(sb, lhu, 31, 30) \
    X(sd, ld, 25, 25) \
    X(sh, lb, 30, 31) \
    X(sb, lb, 31, 31) \
    X(sw, lh, 31, 31) \
    X(sw, ld, 30, 32) \
    X(sd, lh, 28, 30) \
    X(sb, lbu, 31, 31) \
    X(sb, lbu, 32, 32) \
    X(sw, lb, 28, 31) \
    X(sd, lb, 25, 31) \
    X(sh, lhu, 32, 31) \
    X(sd, ld, 29, 27) \
    X(sb, lwu, 31, 31) \
    X(sb, ld, 31, 28) \
    X(sd, lhu, 24, 25) \
    X(sb, lbu, 63, 63) \
    X(sh, lhu, 63, 62) \
    X(sw, lh, 62, 63) \
    X(sh, lbu, 62, 62) \
    X(sh, lhu, 64, 63) \
    X(sd, lhu, 57, 62) \
    X(sh, lw, 62, 62) \
    X(sb, ld, 64, 63) \
    X(sw, lhu, 63, 64) \
    X(sb, lhu, 63, 62) \
    X(sb, lhu, 64, 63) \
    X(sd, ld, 58, 59) \
    X(sb, lb, 63, 63) \
    X(sd, lhu, 56, 59) \
    X(sd, ld, 56, 54) \
    X(sh, lhu, 64, 64) \
    X(sh, ld, 63, 59) \
    X(sd, lb, 62, 68) \
    X(sd, ld, 59, 62) \
    X(sh, lhu, 64, 63) \
    X(sb, lwu, 63, 60) \
    X(sd, lwu, 64, 71) \
    X(sd, ld, 62, 63) \
    X(sh, lb, 63, 64) \
    X(sd, lb, 63, 63) \
    X(sb, lwu, 64, 62) \
    X(sh, lb, 64, 64) \
    X(sd, ld, 64, 60) \
    X(sd, lb, 63, 69) \
    X(sb, lh, 63, 63) \
    X(sh, lbu, 62, 62) \
    X(sh, lb, 64, 65) \
    X(sh, lhu, 64, 63) \
    X(sd, lw, 56, 56) \
    X(sb, ld, 64, 58) \
    X(sb, lhu, 63, 62) \
    X(sh, lb, 64, 64) \
    X(sd, lwu, 59, 63) \
    X(sw, lhu, 61, 64) \
    X(sh, ld, 62, 58) \
    X(sb, lh, 31, 31) \
    X(sb, lhu, 32, 31) \
    X(sh, lw, 30, 30) \
    X(sh, lw, 31, 30) \
    X(sh, lw, 32, 30) \
    X(sb, lwu, 32, 31) \
    X(sh, lwu, 31, 29) \
    X(sh, lwu, 32, 30) \
    X(sb, ld, 32, 25)

#define PAIR_VALUE(i) ((uint64_t)(i) * 0x0807060504030201ull ^ \
                       0x9c9d9e9fa0a1a2a3ull)
#define ASM_PAIR(st, ld, so, lo) "mpair " #st ", " #ld ", " #so ", " #lo "\n"
#define C_PAIR(st, ld, so, lo) { #st, #ld, so, lo },

static const struct {
    const char *st, *ld;
    unsigned so, lo;
} pairs[] = { PAIRS(C_PAIR) };
#define NB_PAIRS (sizeof(pairs) / sizeof(pairs[0]))
static uint64_t res[NB_PAIRS];

static void straight_line(void)
{
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        ".set mpair_i, 0\n"
        ".macro mpair st, ld, so, lo\n"
        "  li t1, ((mpair_i * 0x0807060504030201) ^ 0x9c9d9e9fa0a1a2a3)\n"
        "  \\st t1, \\so(a0)\n"
        "  \\ld t3, \\lo(a0)\n"
        "  sd t3, (mpair_i * 8)(a1)\n"
        "  beqz t3, 1f\n"
        "1:\n"
        "  .set mpair_i, mpair_i + 1\n"
        ".endm\n"
        "  mv a0, %0\n"
        "  mv a1, %1\n"
        PAIRS(ASM_PAIR)
        ".purgem mpair\n"
        ".option pop\n"
        : : "r"(buf), "r"(res) : "a0", "a1", "t1", "t3", "memory");
}

static unsigned width_of(const char *insn)
{
    switch (insn[1]) {
    case 'b': return 1;
    case 'h': return 2;
    case 'w': return 4;
    default: return 8;
    }
}

static void check_straight_line(void)
{
    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = model[i] = (uint8_t)(0xa0 ^ i);
    }
    straight_line();
    for (unsigned i = 0; i < NB_PAIRS; i++) {
        unsigned ls = width_of(pairs[i].ld);
        bool sign = pairs[i].ld[2] != 'u' && ls < 8;

        model_store(pairs[i].so, width_of(pairs[i].st), PAIR_VALUE(i));
        test_case(pairs[i].ld, (long)i);
        CHECK_EQ(res[i], model_load(pairs[i].lo, ls, sign));
    }
    for (unsigned i = 0; i < sizeof(buf); i++) {
        test_case("final, straight-line", i);
        CHECK_EQ(buf[i], model[i]);
    }
}

/* Every check once, in the current mode; returns the number of pairs. */
static long body(long arg)
{
    (void)arg;
    static const unsigned bounds[] = { 8, 16, 32, 64 };
    unsigned n = 0;

    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = model[i] = (uint8_t)i;
    }
    /* The sequence that failed in a public conformance program: bytes
     * 31..34 written by a misaligned sh, an sh and an sb, then lwu. */
    pair(1, 31, 4, 30);  /* sh 31, lw 30 */
    pair(1, 32, 4, 30);  /* sh 32, lw 30 */
    pair(0, 32, 5, 31);  /* sb 32, lwu 31 */

    /* Every store width at every offset around each boundary, each
     * followed by every load width at every offset overlapping it. */
    for (unsigned b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++) {
        for (unsigned si = 0; si < 4; si++) {
            unsigned ss = sts[si].size;
            for (unsigned so = bounds[b] - ss; so <= bounds[b]; so++) {
                for (unsigned li = 0; li < 7; li++) {
                    unsigned ls = lds[li].size;
                    unsigned lo0 = so + 1 > ls ? so + 1 - ls : 0;
                    for (unsigned lo = lo0; lo < so + ss; lo++) {
                        pair(si, so, li, lo);
                        n++;
                    }
                }
            }
        }
    }
    /* the whole buffer agrees with the model */
    for (unsigned i = 0; i < sizeof(buf); i++) {
        test_case("final", i);
        CHECK_EQ(buf[i], model[i]);
    }
    check_straight_line();
    return n;
}

/* In M (the hook's own mode), then from U and S mode. */
int main(void)
{
    hart()->m_hook = emulate_misaligned;
    CHECK(body(0) > 1000);
    CHECK(enter_mode(PRV_U, body, 0) > 1000);
    CHECK(enter_mode(PRV_S, body, 0) > 1000);
    hart()->m_hook = NULL;
    return 0;
}
