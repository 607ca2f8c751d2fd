/*
 * rv64a.c - the A extension on one hart: every AMO (.w and .d, plain and
 * .aq/.rl/.aqrl) on signed/unsigned boundary operands, checking the old
 * value in rd (sign-extended for .w), memory afterwards (a .w AMO leaves
 * the other half of the doubleword alone), rd = rs2 and rd = x0; LR/SC:
 * success, failure of a second SC, of an SC without LR, of an SC to
 * another address and after another LR, lr.w sign extension, SC never
 * storing on failure.  Expected values: gen/gen-amo.py, from the spec
 * (unprivileged 20191213, chapter 8).  The two-hart cases are in
 * smp-amo.c, misaligned AMOs in misaligned.c.
 */
#include <stddef.h>

#include "guest.h"

#define OPS(X)                                                                \
    X(SWAP, swap) X(ADD, add) X(XOR, xor) X(AND, and) X(OR, or)              \
    X(MIN, min) X(MAX, max) X(MINU, minu) X(MAXU, maxu)

enum {
#define ENUM(U, l) AMO_##U##_W, AMO_##U##_D,
    OPS(ENUM)
#undef ENUM
    AMO_NUM
};

typedef uint64_t (*AmoFn)(uintptr_t addr, uint64_t src);

#define AMO_FN(l, w, o, ostr)                                                 \
    static uint64_t amo_##l##_##w##o(uintptr_t a, uint64_t v)                 \
    {                                                                         \
        uint64_t r;                                                           \
        __asm__ volatile("amo" #l "." #w ostr " %0, %2, (%1)"                 \
                         : "=&r"(r) : "r"(a), "r"(v) : "memory");             \
        return r;                                                             \
    }
#define AMO_FNS(U, l)                                                         \
    AMO_FN(l, w, , "") AMO_FN(l, w, _aq, ".aq") AMO_FN(l, w, _rl, ".rl")      \
    AMO_FN(l, w, _aqrl, ".aqrl")                                              \
    AMO_FN(l, d, , "") AMO_FN(l, d, _aq, ".aq") AMO_FN(l, d, _rl, ".rl")      \
    AMO_FN(l, d, _aqrl, ".aqrl")
OPS(AMO_FNS)

/* amo_fns[op][ordering]: plain, aq, rl, aqrl */
static const AmoFn amo_fns[AMO_NUM][4] = {
#define TAB(U, l)                                                             \
    [AMO_##U##_W] = { amo_##l##_w, amo_##l##_w_aq, amo_##l##_w_rl,            \
                      amo_##l##_w_aqrl },                                     \
    [AMO_##U##_D] = { amo_##l##_d, amo_##l##_d_aq, amo_##l##_d_rl,            \
                      amo_##l##_d_aqrl },
    OPS(TAB)
#undef TAB
};

static const struct {
    const char *name;
    int op;
    uint64_t mem, src;      /* memory before, rs2 */
    uint64_t rd, after;     /* rd, memory after */
} cases[] = {
    { "amoswap.w", AMO_SWAP_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x80000000ffffffffull },
    { "amoswap.w", AMO_SWAP_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffff00000001ull },
    { "amoswap.w", AMO_SWAP_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x000000007fffffffull },
    { "amoswap.w", AMO_SWAP_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x1234567887654321ull },
    { "amoswap.w", AMO_SWAP_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaaffffffffull },
    { "amoswap.w", AMO_SWAP_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amoswap.d", AMO_SWAP_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull },
    { "amoswap.d", AMO_SWAP_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0x0000000000000001ull },
    { "amoswap.d", AMO_SWAP_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x000000007fffffffull },
    { "amoswap.d", AMO_SWAP_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x0fedcba987654321ull },
    { "amoswap.d", AMO_SWAP_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull },
    { "amoswap.d", AMO_SWAP_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amoadd.w", AMO_ADD_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x80000000ffffffffull },
    { "amoadd.w", AMO_ADD_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffff00000000ull },
    { "amoadd.w", AMO_ADD_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x00000000ffffffffull },
    { "amoadd.w", AMO_ADD_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x1234567822222211ull },
    { "amoadd.w", AMO_ADD_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaa00000000ull },
    { "amoadd.w", AMO_ADD_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x000000000000000aull },
    { "amoadd.d", AMO_ADD_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull },
    { "amoadd.d", AMO_ADD_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0x0000000000000000ull },
    { "amoadd.d", AMO_ADD_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x00000000ffffffffull },
    { "amoadd.d", AMO_ADD_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x2222222222222211ull },
    { "amoadd.d", AMO_ADD_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0x0000000000000000ull },
    { "amoadd.d", AMO_ADD_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x000000000000000aull },
    { "amoxor.w", AMO_XOR_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x80000000ffffffffull },
    { "amoxor.w", AMO_XOR_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xfffffffffffffffeull },
    { "amoxor.w", AMO_XOR_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x00000000ffffffffull },
    { "amoxor.w", AMO_XOR_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x123456781dd99dd1ull },
    { "amoxor.w", AMO_XOR_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaafffffffeull },
    { "amoxor.w", AMO_XOR_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000000ull },
    { "amoxor.d", AMO_XOR_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull },
    { "amoxor.d", AMO_XOR_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xfffffffffffffffeull },
    { "amoxor.d", AMO_XOR_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x00000000ffffffffull },
    { "amoxor.d", AMO_XOR_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x1dd99dd11dd99dd1ull },
    { "amoxor.d", AMO_XOR_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0xfffffffffffffffeull },
    { "amoxor.d", AMO_XOR_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000000ull },
    { "amoand.w", AMO_AND_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x8000000000000000ull },
    { "amoand.w", AMO_AND_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffff00000001ull },
    { "amoand.w", AMO_AND_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x0000000000000000ull },
    { "amoand.w", AMO_AND_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x1234567882244220ull },
    { "amoand.w", AMO_AND_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaa00000001ull },
    { "amoand.w", AMO_AND_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amoand.d", AMO_AND_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x0000000000000000ull },
    { "amoand.d", AMO_AND_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0x0000000000000001ull },
    { "amoand.d", AMO_AND_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x0000000000000000ull },
    { "amoand.d", AMO_AND_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x0224422882244220ull },
    { "amoand.d", AMO_AND_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0x0000000000000001ull },
    { "amoand.d", AMO_AND_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amoor.w", AMO_OR_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x80000000ffffffffull },
    { "amoor.w", AMO_OR_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "amoor.w", AMO_OR_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x00000000ffffffffull },
    { "amoor.w", AMO_OR_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x123456789ffddff1ull },
    { "amoor.w", AMO_OR_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaaffffffffull },
    { "amoor.w", AMO_OR_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amoor.d", AMO_OR_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull },
    { "amoor.d", AMO_OR_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "amoor.d", AMO_OR_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x00000000ffffffffull },
    { "amoor.d", AMO_OR_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x1ffddff99ffddff1ull },
    { "amoor.d", AMO_OR_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0xffffffffffffffffull },
    { "amoor.d", AMO_OR_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amomin.w", AMO_MIN_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x80000000ffffffffull },
    { "amomin.w", AMO_MIN_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "amomin.w", AMO_MIN_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x0000000080000000ull },
    { "amomin.w", AMO_MIN_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x1234567887654321ull },
    { "amomin.w", AMO_MIN_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaaffffffffull },
    { "amomin.w", AMO_MIN_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amomin.d", AMO_MIN_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000000ull },
    { "amomin.d", AMO_MIN_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "amomin.d", AMO_MIN_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x000000007fffffffull },
    { "amomin.d", AMO_MIN_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x0fedcba987654321ull },
    { "amomin.d", AMO_MIN_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0xaaaaaaaa00000001ull },
    { "amomin.d", AMO_MIN_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amomax.w", AMO_MAX_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x8000000000000000ull },
    { "amomax.w", AMO_MAX_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffff00000001ull },
    { "amomax.w", AMO_MAX_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x000000007fffffffull },
    { "amomax.w", AMO_MAX_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x123456789abcdef0ull },
    { "amomax.w", AMO_MAX_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaa00000001ull },
    { "amomax.w", AMO_MAX_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amomax.d", AMO_MAX_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull },
    { "amomax.d", AMO_MAX_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0x0000000000000001ull },
    { "amomax.d", AMO_MAX_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x0000000080000000ull },
    { "amomax.d", AMO_MAX_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x123456789abcdef0ull },
    { "amomax.d", AMO_MAX_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull },
    { "amomax.d", AMO_MAX_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amominu.w", AMO_MINU_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x8000000000000000ull },
    { "amominu.w", AMO_MINU_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffff00000001ull },
    { "amominu.w", AMO_MINU_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x000000007fffffffull },
    { "amominu.w", AMO_MINU_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x1234567887654321ull },
    { "amominu.w", AMO_MINU_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaa00000001ull },
    { "amominu.w", AMO_MINU_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amominu.d", AMO_MINU_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull },
    { "amominu.d", AMO_MINU_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0x0000000000000001ull },
    { "amominu.d", AMO_MINU_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x000000007fffffffull },
    { "amominu.d", AMO_MINU_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x0fedcba987654321ull },
    { "amominu.d", AMO_MINU_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull },
    { "amominu.d", AMO_MINU_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amomaxu.w", AMO_MAXU_W, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x0000000000000000ull, 0x80000000ffffffffull },
    { "amomaxu.w", AMO_MAXU_W, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "amomaxu.w", AMO_MAXU_W, 0x0000000080000000ull, 0x000000007fffffffull, 0xffffffff80000000ull, 0x0000000080000000ull },
    { "amomaxu.w", AMO_MAXU_W, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0xffffffff9abcdef0ull, 0x123456789abcdef0ull },
    { "amomaxu.w", AMO_MAXU_W, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0x0000000000000001ull, 0xaaaaaaaaffffffffull },
    { "amomaxu.w", AMO_MAXU_W, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
    { "amomaxu.d", AMO_MAXU_D, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000000ull },
    { "amomaxu.d", AMO_MAXU_D, 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "amomaxu.d", AMO_MAXU_D, 0x0000000080000000ull, 0x000000007fffffffull, 0x0000000080000000ull, 0x0000000080000000ull },
    { "amomaxu.d", AMO_MAXU_D, 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x123456789abcdef0ull, 0x123456789abcdef0ull },
    { "amomaxu.d", AMO_MAXU_D, 0xaaaaaaaa00000001ull, 0x55555555ffffffffull, 0xaaaaaaaa00000001ull, 0xaaaaaaaa00000001ull },
    { "amomaxu.d", AMO_MAXU_D, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull, 0x0000000000000005ull },
};

static volatile uint64_t cell[2] __attribute__((aligned(16)));
static volatile uint64_t far_cell[2] __attribute__((aligned(4096)));

static uint64_t lr_d(uintptr_t a)
{
    uint64_t r;
    __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(a) : "memory");
    return r;
}

static uint64_t lr_w(uintptr_t a)
{
    uint64_t r;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(a) : "memory");
    return r;
}

static uint64_t sc_d(uintptr_t a, uint64_t v)
{
    uint64_t r;
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(r) : "r"(a), "r"(v)
                     : "memory");
    return r;
}

static uint64_t sc_w(uintptr_t a, uint64_t v)
{
    uint64_t r;
    __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(r) : "r"(a), "r"(v)
                     : "memory");
    return r;
}

int main(void)
{
    uintptr_t a = (uintptr_t)cell;

    /* nothing has done an LR since reset: SC fails and does not store */
    cell[0] = 1;
    CHECK(sc_d(a, 2) != 0);
    CHECK_EQ(cell[0], 1);

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (unsigned o = 0; o < 4; o++) {
            test_case(cases[i].name, i * 4 + o);
            cell[0] = cases[i].mem;
            cell[1] = 0x5555555555555555ull;
            CHECK_EQ(amo_fns[cases[i].op][o](a, cases[i].src), cases[i].rd);
            CHECK_EQ(cell[0], cases[i].after);
            CHECK_EQ(cell[1], 0x5555555555555555ull);
        }
    }
    test_case("amo misc", -1);

    /* .w on the upper half of a doubleword */
    cell[0] = 0x1111111122222222ull;
    CHECK_EQ(amo_add_w(a + 4, 0xf0000000), 0x11111111);
    CHECK_EQ(cell[0], 0x0111111122222222ull);

    /* rd = rs2: rd gets the old value, memory the operand */
    {
        register uint64_t t __asm__("t0") = 7;
        cell[0] = 100;
        __asm__ volatile("amoadd.d t0, t0, (%1)" : "+r"(t) : "r"(a)
                         : "memory");
        CHECK_EQ(t, 100);
        CHECK_EQ(cell[0], 107);
        t = 0xffffffff;
        __asm__ volatile("amoswap.w t0, t0, (%1)" : "+r"(t) : "r"(a)
                         : "memory");
        CHECK_EQ(t, 107);
        CHECK_EQ(cell[0], 0xffffffff);
    }
    /* rd = x0: memory still updated */
    cell[0] = 5;
    __asm__ volatile("amoor.d zero, %1, (%0)" : : "r"(a), "r"(0x30ul)
                     : "memory");
    CHECK_EQ(cell[0], 0x35);

    /* LR/SC */
    test_case("lr/sc", -1);
    cell[0] = 0x8000000012345678ull;
    CHECK_EQ(lr_d(a), 0x8000000012345678ull);
    CHECK_EQ(sc_d(a, 42), 0);
    CHECK_EQ(cell[0], 42);
    /* the reservation is gone after a successful SC */
    CHECK(sc_d(a, 43) != 0);
    CHECK_EQ(cell[0], 42);
    /* lr.w sign-extends; sc.w writes only its word */
    cell[0] = 0x00000001fffffff0ull;
    CHECK_EQ(lr_w(a), 0xfffffffffffffff0ull);
    CHECK_EQ(sc_w(a, 0x1234), 0);
    CHECK_EQ(cell[0], 0x0000000100001234ull);
    /* SC to another address than the LR's fails and does not store */
    far_cell[0] = 9;
    lr_d(a);
    CHECK(sc_d((uintptr_t)far_cell, 77) != 0);
    CHECK_EQ(far_cell[0], 9);
    /* the most recent LR counts: LR a, LR far, SC a fails */
    cell[0] = 1;
    lr_d(a);
    lr_d((uintptr_t)far_cell);
    CHECK(sc_d(a, 2) != 0);
    CHECK_EQ(cell[0], 1);
    /* an SC failing leaves a value a later LR/SC pair can update */
    CHECK_EQ(lr_d(a), 1);
    CHECK_EQ(sc_d(a, 3), 0);
    CHECK_EQ(cell[0], 3);
    /* a constrained LR/SC loop: atomic increment */
    for (int i = 0; i < 100; i++) {
        uint64_t v, fail;
        __asm__ volatile("1: lr.d %0, (%2)\n"
                         "   addi %0, %0, 1\n"
                         "   sc.d %1, %0, (%2)\n"
                         "   bnez %1, 1b"
                         : "=&r"(v), "=&r"(fail) : "r"(a) : "memory");
    }
    CHECK_EQ(cell[0], 103);
    /* aq/rl forms of LR/SC */
    __asm__ volatile("lr.d.aq t0, (%0)\n"
                     "sc.d.rl t1, %1, (%0)\n"
                     "sd t1, 8(%0)"
                     : : "r"(a), "r"(0xabcul) : "t0", "t1", "memory");
    CHECK_EQ(cell[1], 0);
    CHECK_EQ(cell[0], 0xabc);
    __asm__ volatile("lr.w.aqrl t0, (%0)\n"
                     "sc.w.aqrl t1, %1, (%0)\n"
                     "sd t1, 8(%0)"
                     : : "r"(a), "r"(0xdefUL) : "t0", "t1", "memory");
    CHECK_EQ(cell[1], 0);
    CHECK_EQ(cell[0], 0xdef);
    /* SC after the hart took a trap: the trap may clear the reservation;
     * whichever, memory must match SC's result */
    cell[0] = 10;
    lr_d(a);
    trap_arm();
    __asm__ volatile("ebreak");
    trap_disarm();
    if (sc_d(a, 11) == 0) {
        CHECK_EQ(cell[0], 11);
    } else {
        CHECK_EQ(cell[0], 10);
    }
    return 0;
}
