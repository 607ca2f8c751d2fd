/*
 * misaligned.c - misaligned data accesses.  Loads and stores of every
 * width (integer, FP, compressed) at every misaligned offset either work
 * in hardware (the spec allows it; QEMU does) and then give exactly the
 * right value, or raise address-misaligned (cause 4 load, 6 store) with
 * mtval = the address and without touching memory (breadboard's design;
 * seeing hardware handling prints a quirk, which the runner rejects on
 * breadboard).  AMOs and LR/SC must always trap (cause 6 for AMOs and SC,
 * 4 for LR; QEMU 7.2 reports 4 for AMOs: a quirk).  Privileged spec 1.12
 * section 3.1.15-16, unprivileged 20191213 sections 2.6 and 8.
 */
#include "guest.h"

static uint8_t buf[32] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < 32; i++) {
        buf[i] = 0x80 + i * 7;
    }
}

static uint64_t expect_le(unsigned off, unsigned size, bool sign)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)buf[off + i] << (8 * i);
    }
    if (sign && size < 8 && (v >> (8 * size - 1)) & 1) {
        v |= ~0ull << (8 * size);
    }
    return v;
}

typedef uint64_t (*LdFn)(uintptr_t);
typedef void (*StFn)(uintptr_t, uint64_t);

static uint64_t ld_flw(uintptr_t a)
{
    uint64_t v;
    __asm__ volatile("flw ft0, 0(%1)\n fmv.x.w %0, ft0" : "=r"(v) : "r"(a)
                     : "ft0", "memory");
    return v;
}

static uint64_t ld_fld(uintptr_t a)
{
    uint64_t v;
    __asm__ volatile("fld ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(v) : "r"(a)
                     : "ft0", "memory");
    return v;
}

static void st_fsw(uintptr_t a, uint64_t v)
{
    __asm__ volatile("fmv.w.x ft0, %0\n fsw ft0, 0(%1)" : : "r"(v), "r"(a)
                     : "ft0", "memory");
}

static void st_fsd(uintptr_t a, uint64_t v)
{
    __asm__ volatile("fmv.d.x ft0, %0\n fsd ft0, 0(%1)" : : "r"(v), "r"(a)
                     : "ft0", "memory");
}

static uint64_t ld_clw(uintptr_t a)
{
    register uintptr_t p __asm__("a0") = a;
    register uint64_t v __asm__("a1");
    __asm__ volatile(".option push\n.option rvc\nc.lw a1, 0(a0)\n.option pop"
                     : "=r"(v) : "r"(p) : "memory");
    return v;
}

static uint64_t ld_cld(uintptr_t a)
{
    register uintptr_t p __asm__("a0") = a;
    register uint64_t v __asm__("a1");
    __asm__ volatile(".option push\n.option rvc\nc.ld a1, 0(a0)\n.option pop"
                     : "=r"(v) : "r"(p) : "memory");
    return v;
}

static const struct {
    const char *name;
    LdFn fn;
    unsigned size;
    bool sign;
} loads[] = {
    { "lh", ld_h, 2, true }, { "lhu", ld_hu, 2, false },
    { "lw", ld_w, 4, true }, { "lwu", ld_wu, 4, false },
    { "ld", ld_d, 8, false }, { "flw", ld_flw, 4, false },
    { "fld", ld_fld, 8, false }, { "c.lw", ld_clw, 4, true },
    { "c.ld", ld_cld, 8, false },
};

static const struct {
    const char *name;
    StFn fn;
    unsigned size;
} stores[] = {
    { "sh", st_h, 2 }, { "sw", st_w, 4 }, { "sd", st_d, 8 },
    { "fsw", st_fsw, 4 }, { "fsd", st_fsd, 8 },
};

int main(void)
{
    uintptr_t base = (uintptr_t)buf;

    for (unsigned i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        for (unsigned off = 1; off < loads[i].size; off++) {
            uint64_t v, want;

            test_case(loads[i].name, off);
            fill();
            want = expect_le(8 + off, loads[i].size, loads[i].sign);
            if (loads[i].fn == ld_flw) {
                want |= 0xffffffff00000000ull; /* fmv.x.w sign-extends */
                want = (uint64_t)(int64_t)(int32_t)want;
            }
            trap_arm();
            v = loads[i].fn(base + 8 + off);
            trap_disarm();
            if (hart()->count == 0) {
                guest_quirk("misaligned loads are done in hardware");
                CHECK_EQ(v, want);
            } else {
                CHECK_TRAP(CAUSE_MISALIGNED_LOAD, base + 8 + off);
            }
        }
    }
    for (unsigned i = 0; i < sizeof(stores) / sizeof(stores[0]); i++) {
        for (unsigned off = 1; off < stores[i].size; off++) {
            uint64_t val = 0x0123456789abcdefull;
            unsigned n = stores[i].size;

            test_case(stores[i].name, off);
            fill();
            trap_arm();
            stores[i].fn(base + 8 + off, val);
            trap_disarm();
            if (hart()->count == 0) {
                guest_quirk("misaligned stores are done in hardware");
                for (unsigned b = 0; b < 32; b++) {
                    uint8_t want = (b >= 8 + off && b < 8 + off + n)
                                       ? (uint8_t)(val >> (8 * (b - 8 - off)))
                                       : (uint8_t)(0x80 + b * 7);
                    CHECK_EQ(buf[b], want);
                }
            } else {
                CHECK_TRAP(CAUSE_MISALIGNED_STORE, base + 8 + off);
                for (unsigned b = 0; b < 32; b++) {
                    CHECK_EQ(buf[b], (uint8_t)(0x80 + b * 7));
                }
            }
        }
    }

    /* AMOs, LR and SC always trap when misaligned */
    for (unsigned off = 1; off < 8; off++) {
        uintptr_t a = base + 8 + off;
        uint64_t r = 0;

        test_case("amoadd.d", off);
        fill();
        trap_arm();
        __asm__ volatile("amoadd.d %0, %1, (%2)" : "=&r"(r)
                         : "r"(1ul), "r"(a) : "memory");
        trap_disarm();
        CHECK_EQ(hart()->count, 1);
        if (hart()->trap.cause == CAUSE_MISALIGNED_LOAD) {
            guest_quirk("misaligned AMO raises cause 4, not 6");
        } else {
            CHECK_EQ(hart()->trap.cause, CAUSE_MISALIGNED_STORE);
        }
        CHECK_EQ(hart()->trap.tval, a);
        CHECK_EQ(buf[8 + off], (uint8_t)(0x80 + (8 + off) * 7));

        if (off % 4) {
            test_case("amoswap.w", off);
            trap_arm();
            __asm__ volatile("amoswap.w %0, %1, (%2)" : "=&r"(r)
                             : "r"(1ul), "r"(a) : "memory");
            trap_disarm();
            CHECK_EQ(hart()->count, 1);
            if (hart()->trap.cause == CAUSE_MISALIGNED_LOAD) {
                guest_quirk("misaligned AMO raises cause 4, not 6");
            } else {
                CHECK_EQ(hart()->trap.cause, CAUSE_MISALIGNED_STORE);
            }
            CHECK_EQ(hart()->trap.tval, a);
        }

        test_case("lr.d", off);
        trap_arm();
        __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(a) : "memory");
        trap_disarm();
        CHECK_TRAP(CAUSE_MISALIGNED_LOAD, a);

        test_case("sc.d", off);
        trap_arm();
        __asm__ volatile("sc.d %0, %1, (%2)" : "=&r"(r) : "r"(5ul), "r"(a)
                         : "memory");
        trap_disarm();
        if (hart()->count == 0) {
            guest_quirk("misaligned SC without a reservation fails "
                        "without trapping");
            CHECK(r != 0);
        } else {
            CHECK_TRAP(CAUSE_MISALIGNED_STORE, a);
        }
        CHECK_EQ(buf[8 + off], (uint8_t)(0x80 + (8 + off) * 7));
    }
    return 0;
}
