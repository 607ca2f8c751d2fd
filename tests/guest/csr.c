/*
 * csr.c - the CSRs of an RV64 M/S/U hart and their WARL rules, privileged
 * spec 1.12 chapters 2-4: access rules (read-only CSRs written, CSRs
 * above the current privilege, unimplemented numbers: illegal instruction
 * with mepc at the instruction and mtval its encoding), csrrw/s/c and the
 * immediate forms, misa, mstatus (writable fields, MPP WARL, UXL/SXL
 * fixed at 64 bits, no big-endian, VS/XS zero, SD), the sstatus/sie/sip
 * views, medeleg/mideleg, mie/mip writable bits, mtvec/stvec modes,
 * xepc bit 0, scratch/cause/tval, satp (unsupported MODE leaves satp
 * unchanged), fcsr/frm/fflags.  Counter gating is in counters.c, trap
 * behaviour in traps.c.
 */
#include "insn.h"

static void check_read_only_id_csrs(void)
{
    /* readable, and any write is illegal (also csrrs/csrrc with rs1 != x0
     * and csrrwi with 0); a read with rs1 = x0 / uimm = 0 is not a write */
    EXPECT_OK("csrr t1, mvendorid");
    EXPECT_OK("csrr t1, marchid");
    EXPECT_OK("csrr t1, mimpid");
    EXPECT_OK("csrr t1, mhartid");
    EXPECT_OK("csrrs t1, mhartid, x0");
    EXPECT_OK("csrrc t1, mhartid, x0");
    EXPECT_OK("csrrsi t1, mhartid, 0");
    EXPECT_OK("csrrci t1, mhartid, 0");
    EXPECT_ILLEGAL("csrw mvendorid, t0");
    EXPECT_ILLEGAL("csrw marchid, t0");
    EXPECT_ILLEGAL("csrw mimpid, t0");
    EXPECT_ILLEGAL("csrw mhartid, t0");
    EXPECT_ILLEGAL("csrs mhartid, t0");
    EXPECT_ILLEGAL("csrc mhartid, t0");
    EXPECT_ILLEGAL("csrrwi t1, mhartid, 0");
    EXPECT_ILLEGAL("csrrw x0, mhartid, x0");
    EXPECT_ILLEGAL("csrrsi t1, mhartid, 1");
    /* the user counters are read-only, even in M-mode */
    EXPECT_ILLEGAL("csrw cycle, t0");
    EXPECT_ILLEGAL("csrw instret, t0");
    EXPECT_ILLEGAL("csrw time, t0");
    EXPECT_ILLEGAL("csrs cycle, t0");
    EXPECT_OK("csrrs t1, cycle, x0");
    CHECK_EQ(csr_read(mhartid), 0);

    /* unimplemented numbers: unassigned, H and V CSRs of a hart without
     * them, odd pmpcfg on RV64 */
    EXPECT_ILLEGAL("csrr t1, 0x107");
    EXPECT_ILLEGAL("csrw 0x107, t0");
    EXPECT_ILLEGAL("csrr t1, 0x30b");
    EXPECT_ILLEGAL("csrr t1, 0x600");   /* hstatus */
    EXPECT_ILLEGAL("csrr t1, 0x680");   /* hgatp */
    EXPECT_ILLEGAL("csrr t1, 0x008");   /* vstart */
    EXPECT_ILLEGAL("csrr t1, 0xc20");   /* vl */
    EXPECT_ILLEGAL("csrr t1, 0x3a1");   /* pmpcfg1 */
    EXPECT_ILLEGAL("csrr t1, 0x3a3");   /* pmpcfg3 */
    EXPECT_ILLEGAL("csrw 0x3a1, t0");
}

static void check_csr_insns(void)
{
    uint64_t old;

    test_case("csrrw/s/c", -1);
    csr_write(mscratch, 0x0123456789abcdefull);
    __asm__ volatile("csrrw %0, mscratch, %1" : "=r"(old)
                     : "r"(0xfedcba9876543210ull));
    CHECK_EQ(old, 0x0123456789abcdefull);
    __asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(0xfull));
    CHECK_EQ(old, 0xfedcba9876543210ull);
    CHECK_EQ(csr_read(mscratch), 0xfedcba987654321full);
    __asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old)
                     : "r"(0xff000000000000ffull));
    CHECK_EQ(old, 0xfedcba987654321full);
    CHECK_EQ(csr_read(mscratch), 0x00dcba9876543200ull);
    /* immediates are 5 bits, zero-extended */
    __asm__ volatile("csrrwi %0, mscratch, 31" : "=r"(old));
    CHECK_EQ(old, 0x00dcba9876543200ull);
    CHECK_EQ(csr_read(mscratch), 31);
    __asm__ volatile("csrrci %0, mscratch, 0x11" : "=r"(old));
    CHECK_EQ(csr_read(mscratch), 14);
    __asm__ volatile("csrrsi %0, mscratch, 0x10" : "=r"(old));
    CHECK_EQ(old, 14);
    CHECK_EQ(csr_read(mscratch), 30);
    /* rd = rs1 */
    {
        register uint64_t t __asm__("t2") = 0x55;
        __asm__ volatile("csrrw t2, mscratch, t2" : "+r"(t));
        CHECK_EQ(t, 30);
        CHECK_EQ(csr_read(mscratch), 0x55);
    }
    csr_write(mscratch, -1);
    CHECK_EQ(csr_read(mscratch), -1);
    csr_write(sscratch, 0x8000000000000001ull);
    CHECK_EQ(csr_read(sscratch), 0x8000000000000001ull);
    csr_write(sscratch, &hart()->self_s);
    csr_write(mscratch, &hart()->self_m);
}

static void check_misa(void)
{
    uint64_t misa = csr_read(misa);
    const char *need = "IMAFDCSU";

    test_case("misa", -1);
    CHECK_EQ(misa >> 62, 2);                    /* MXL = 64 */
    for (const char *p = need; *p; p++) {
        test_case("misa extension bit", *p);
        CHECK_EQ((misa >> (*p - 'A')) & 1, 1);
    }
    test_case("misa", -1);
    CHECK_EQ((misa >> ('E' - 'A')) & 1, 0);     /* not RV64E */
    CHECK_EQ((misa >> 26) & ((1ull << 36) - 1), 0); /* bits 61:26 zero */
    /* an illegal value (MXL 0, no I) must not be taken as it is */
    csr_write(misa, 0);
    CHECK_EQ(csr_read(misa) >> 62, 2);
    CHECK_EQ((csr_read(misa) >> ('I' - 'A')) & 1, 1);
    csr_write(misa, misa);
    CHECK_EQ(csr_read(misa), misa);
}

static void check_mstatus(void)
{
    static const struct {
        const char *name;
        uint64_t bit;
    } rw[] = {
        { "SIE", MSTATUS_SIE }, { "MIE", MSTATUS_MIE },
        { "SPIE", MSTATUS_SPIE }, { "MPIE", MSTATUS_MPIE },
        { "SPP", MSTATUS_SPP }, { "MPRV", MSTATUS_MPRV },
        { "SUM", MSTATUS_SUM }, { "MXR", MSTATUS_MXR },
        { "TVM", MSTATUS_TVM }, { "TW", MSTATUS_TW },
        { "TSR", MSTATUS_TSR },
    };
    uint64_t orig = csr_read(mstatus);
    uint64_t base = orig | MSTATUS_MPP; /* MPP = M: MPRV is harmless */
    uint64_t v;

    for (unsigned i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
        test_case(rw[i].name, -1);
        csr_write(mstatus, base | rw[i].bit);
        CHECK_EQ(csr_read(mstatus) & rw[i].bit, rw[i].bit);
        csr_write(mstatus, base & ~rw[i].bit);
        CHECK_EQ(csr_read(mstatus) & rw[i].bit, 0);
    }
    /* FS: all four values; SD = (FS == Dirty) without V/XS */
    for (uint64_t fs = 0; fs < 4; fs++) {
        test_case("FS", fs);
        csr_write(mstatus, (base & ~MSTATUS_FS) | fs << 13);
        v = csr_read(mstatus);
        CHECK_EQ((v >> 13) & 3, fs);
        CHECK_EQ(v >> 63, fs == 3);
    }
    /* SD is read-only */
    test_case("SD", -1);
    csr_write(mstatus, (base & ~MSTATUS_FS) | MSTATUS_SD);
    CHECK_EQ(csr_read(mstatus) >> 63, 0);
    /* MPP: U, S, M are kept; 2 (reserved) must not be */
    for (uint64_t mpp = 0; mpp < 4; mpp++) {
        test_case("MPP", mpp);
        csr_write(mstatus, (base & ~MSTATUS_MPP) | mpp << 11);
        v = (csr_read(mstatus) >> 11) & 3;
        if (mpp != 2) {
            CHECK_EQ(v, mpp);
        } else if (v == 2) {
            guest_quirk("mstatus.MPP holds the reserved value 2");
        }
    }
    /* fixed fields: UXL = SXL = 2 (64-bit), little-endian only, no V, no
     * custom extension state */
    test_case("fixed fields", -1);
    csr_write(mstatus, base & ~(MSTATUS_UXL | MSTATUS_SXL));
    v = csr_read(mstatus);
    CHECK_EQ((v >> 32) & 3, 2);
    CHECK_EQ((v >> 34) & 3, 2);
    csr_write(mstatus, base | MSTATUS_UBE | MSTATUS_SBE | MSTATUS_MBE |
                       MSTATUS_VS | MSTATUS_XS);
    v = csr_read(mstatus);
    CHECK_EQ(v & (MSTATUS_UBE | MSTATUS_SBE | MSTATUS_MBE), 0);
    CHECK_EQ(v & MSTATUS_XS, 0);
    /* without V, VS may be read-only zero or a plain field; Dirty sets SD */
    if (v & MSTATUS_VS) {
        CHECK_EQ(v & MSTATUS_VS, MSTATUS_VS);
        CHECK_EQ(v >> 63, 1);
    }
    csr_write(mstatus, base & ~(MSTATUS_VS | MSTATUS_FS));
    CHECK_EQ(csr_read(mstatus) >> 63, 0);

    /* sstatus: a view of SIE SPIE UBE SPP VS FS XS SUM MXR UXL SD */
    test_case("sstatus", -1);
    csr_write(mstatus, base | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV |
                       MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR);
    v = csr_read(sstatus);
    CHECK_EQ(v & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV |
                  MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_SXL |
                  MSTATUS_MBE | MSTATUS_SBE),
             0);
    CHECK_EQ((v >> 32) & 3, 2);                 /* UXL */
    /* writes through sstatus change only its fields */
    for (int pass = 0; pass < 2; pass++) {
        uint64_t mbits = MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP |
                         MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW |
                         MSTATUS_TSR;
        uint64_t sbits = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP |
                         MSTATUS_SUM | MSTATUS_MXR | MSTATUS_FS;
        uint64_t before;

        test_case("sstatus write", pass);
        csr_write(mstatus, pass ? (base | mbits) & ~sbits
                                : base & ~mbits & ~sbits);
        before = csr_read(mstatus);
        csr_write(sstatus, -1);
        v = csr_read(mstatus);
        CHECK_EQ(v & sbits, sbits);
        CHECK_EQ(v & mbits, before & mbits);
        CHECK_EQ(csr_read(sstatus) >> 63, 1);   /* SD: FS dirty */
        csr_write(sstatus, 0);
        v = csr_read(mstatus);
        CHECK_EQ(v & sbits, 0);
        CHECK_EQ(v & mbits, before & mbits);
    }
    csr_write(mstatus, orig);
}

static void check_deleg_and_interrupt_bits(void)
{
    uint64_t v;

    test_case("medeleg", -1);
    csr_write(medeleg, -1);
    v = csr_read(medeleg);
    /* the exceptions an S-mode kernel handles are delegable */
    CHECK_EQ(v & 0xb3ff, 0xb3ff);
    if (v & (1u << 11)) {
        guest_quirk("medeleg[11] (ecall from M) is writable");
    }
    csr_write(medeleg, 0);
    CHECK_EQ(csr_read(medeleg), 0);

    test_case("mideleg", -1);
    csr_write(mideleg, -1);
    CHECK_EQ(csr_read(mideleg) & 0x222, 0x222); /* SSI STI SEI */
    csr_write(mideleg, 0);
    CHECK_EQ(csr_read(mideleg) & 0xaaa, 0);

    test_case("mie", -1);
    csr_write(mie, -1);
    CHECK_EQ(csr_read(mie) & 0xaaa, 0xaaa);
    csr_write(mie, 0);
    CHECK_EQ(csr_read(mie) & 0xaaa, 0);

    /* mip: SSIP STIP SEIP are writable by M; MSIP MEIP (and MTIP) come
     * from devices: writes do not change them (MTIP may be pending on a
     * board with a CLINT, so it is left out) */
    test_case("mip", -1);
    csr_write(mip, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MEIP);
    v = csr_read(mip);
    CHECK_EQ(v & 0x222, 0x222);
    CHECK_EQ(v & (MIP_MSIP | MIP_MEIP), 0);
    csr_write(mip, 0);
    CHECK_EQ(csr_read(mip) & 0xa2a, 0);

    /* sie/sip: only the delegated bits are visible and writable; sip
     * writes only SSIP */
    test_case("sie/sip", -1);
    csr_write(mideleg, 0);
    csr_write(sie, -1);
    CHECK_EQ(csr_read(sie) & 0xaaa, 0);
    CHECK_EQ(csr_read(mie) & 0xaaa, 0);
    csr_write(mip, MIP_SSIP | MIP_STIP);
    CHECK_EQ(csr_read(sip) & 0x222, 0);
    csr_write(mip, 0);
    csr_write(mideleg, 0x222);
    csr_write(sie, -1);
    CHECK_EQ(csr_read(sie) & 0xaaa, 0x222);
    CHECK_EQ(csr_read(mie) & 0xaaa, 0x222);
    csr_write(mie, 0xaaa);
    CHECK_EQ(csr_read(sie) & 0xaaa, 0x222);
    csr_write(sie, 0);
    CHECK_EQ(csr_read(mie) & 0xaaa, 0x888);
    csr_write(mie, 0);
    csr_write(sip, MIP_SSIP | MIP_STIP | MIP_SEIP);
    CHECK_EQ(csr_read(mip) & 0x222, MIP_SSIP);
    CHECK_EQ(csr_read(sip) & 0x222, MIP_SSIP);
    csr_write(mip, MIP_STIP | MIP_SEIP);
    CHECK_EQ(csr_read(sip) & 0x222, MIP_STIP | MIP_SEIP);
    csr_write(sip, 0);                          /* clears only SSIP */
    CHECK_EQ(csr_read(mip) & 0x222, MIP_STIP | MIP_SEIP);
    csr_write(mip, 0);
    csr_write(mideleg, 0);
}

static void check_tvec_epc(void)
{
    uint64_t mtvec = csr_read(mtvec), stvec = csr_read(stvec);
    uint64_t b = (uintptr_t)_end + 0x1000; /* 4 KiB aligned, never run */

    test_case("mtvec", -1);
    csr_write(mtvec, b);
    CHECK_EQ(csr_read(mtvec), b);
    csr_write(mtvec, b | 1);                    /* vectored */
    CHECK_EQ(csr_read(mtvec), b | 1);
    csr_write(mtvec, b + 0x100);
    CHECK_EQ(csr_read(mtvec), b + 0x100);
    csr_write(mtvec, b | 2);                    /* reserved modes */
    CHECK((csr_read(mtvec) & 3) < 2);
    csr_write(mtvec, b | 3);
    CHECK((csr_read(mtvec) & 3) < 2);
    csr_write(mtvec, mtvec);
    test_case("stvec", -1);
    csr_write(stvec, b | 1);
    CHECK_EQ(csr_read(stvec), b | 1);
    csr_write(stvec, b + 4);
    CHECK_EQ(csr_read(stvec), b + 4);
    csr_write(stvec, b | 2);
    CHECK((csr_read(stvec) & 3) < 2);
    csr_write(stvec, stvec);

    /* xepc: bit 0 is zero; bit 1 is kept (IALIGN = 16 with C) */
    test_case("mepc", -1);
    csr_write(mepc, 0x80001236);
    CHECK_EQ(csr_read(mepc), 0x80001236);
    csr_write(mepc, 0x80001235);
    if (csr_read(mepc) == 0x80001235) {
        guest_quirk("mepc bit 0 is writable");
    } else {
        CHECK_EQ(csr_read(mepc), 0x80001234);
    }
    test_case("sepc", -1);
    csr_write(sepc, 0xffffffffc0000002ull);
    CHECK_EQ(csr_read(sepc), 0xffffffffc0000002ull);
    csr_write(sepc, 0x80001237);
    if (csr_read(sepc) == 0x80001237) {
        guest_quirk("sepc bit 0 is writable");
    } else {
        CHECK_EQ(csr_read(sepc), 0x80001236);
    }

    test_case("cause/tval", -1);
    csr_write(mcause, CAUSE_INTR | 7);
    CHECK_EQ(csr_read(mcause), CAUSE_INTR | 7);
    csr_write(mcause, CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(csr_read(mcause), CAUSE_STORE_PAGE_FAULT);
    csr_write(scause, CAUSE_INTR | 5);
    CHECK_EQ(csr_read(scause), CAUSE_INTR | 5);
    csr_write(scause, CAUSE_ECALL_U);
    CHECK_EQ(csr_read(scause), CAUSE_ECALL_U);
    csr_write(mtval, 0x80004321);
    CHECK_EQ(csr_read(mtval), 0x80004321);
    csr_write(stval, 0xffffffffffffff00ull);
    CHECK_EQ(csr_read(stval), 0xffffffffffffff00ull);
}

static void check_satp(void)
{
    uint64_t v, asids;

    test_case("satp", -1);
    csr_write(satp, 0);
    CHECK_EQ(csr_read(satp), 0);
    /* Sv39 is supported: MODE and PPN stick; ASID bits are WARL (all
     * ones reads back as the implemented ones, the low bits) */
    csr_write(satp, SATP_MODE_SV39 | 0xffffull << 44 | 0x12345);
    v = csr_read(satp);
    CHECK_EQ(v >> 60, 8);
    CHECK_EQ(v & ((1ull << 44) - 1), 0x12345);
    asids = (v >> 44) & 0xffff;
    CHECK_EQ(asids & (asids + 1), 0);           /* 2^n - 1 */
    /* reserved/unsupported modes: the whole write has no effect */
    for (uint64_t mode = 1; mode < 16; mode++) {
        if (mode == 8 || mode == 9 || mode == 10) {
            continue;
        }
        test_case("satp reserved mode", mode);
        csr_write(satp, mode << 60 | 0x54321);
        CHECK_EQ(csr_read(satp), v);
    }
    /* Sv48/Sv57 either work or leave satp unchanged */
    for (uint64_t mode = 9; mode <= 10; mode++) {
        test_case("satp sv48/57", mode);
        csr_write(satp, SATP_MODE_SV39 | 0x777);
        csr_write(satp, mode << 60 | 0x888);
        v = csr_read(satp);
        CHECK(v == (mode << 60 | 0x888) || v == (SATP_MODE_SV39 | 0x777));
    }
    csr_write(satp, 0);
    CHECK_EQ(csr_read(satp), 0);
}

static void check_fcsr(void)
{
    test_case("fcsr", -1);
    csr_write(fcsr, 0xff);
    CHECK_EQ(csr_read(fcsr), 0xff);
    CHECK_EQ(csr_read(frm), 7);
    CHECK_EQ(csr_read(fflags), 0x1f);
    csr_write(fcsr, -1);
    CHECK_EQ(csr_read(fcsr), 0xff);
    csr_write(fflags, 0x2a);
    CHECK_EQ(csr_read(fflags), 0x0a);
    CHECK_EQ(csr_read(fcsr), 0xea);
    csr_write(frm, 0x2b);
    CHECK_EQ(csr_read(frm), 3);
    CHECK_EQ(csr_read(fcsr), 0x6a);
    csr_set(fflags, 0x11);
    CHECK_EQ(csr_read(fcsr), 0x7b);
    csr_clear(fcsr, 0xe0);
    CHECK_EQ(csr_read(fcsr), 0x1b);
    csr_write(fcsr, 0);
}

static void check_counters_m(void)
{
    uint64_t a, b;

    test_case("mcycle/minstret", -1);
    /* writable in M; the user views follow */
    csr_write(minstret, 1000000);
    a = csr_read(instret);
    CHECK_RANGE(a, 1000000, 1000010);
    csr_write(mcycle, 1ull << 40);
    a = csr_read(cycle);
    CHECK_RANGE(a, 1ull << 40, (1ull << 40) + 1000000);
    a = csr_read(minstret);
    for (volatile int i = 0; i < 100; i++) {
    }
    b = csr_read(minstret);
    CHECK_RANGE(b - a, 100, 10000);
}

/* Privilege too low: from S no M CSR, from U no S or M CSR; U may read
 * the user counters and the FP CSRs. */
static long s_mode_csrs(long arg)
{
    (void)arg;
    EXPECT_ILLEGAL("csrr t1, mstatus");
    EXPECT_ILLEGAL("csrw mscratch, t0");
    EXPECT_ILLEGAL("csrr t1, mhartid");
    EXPECT_ILLEGAL("csrr t1, medeleg");
    EXPECT_ILLEGAL("csrr t1, mepc");
    EXPECT_ILLEGAL("csrr t1, pmpcfg0");
    EXPECT_ILLEGAL("csrr t1, mcycle");
    EXPECT_ILLEGAL("csrr t1, 0x107");
    EXPECT_ILLEGAL("csrw cycle, t0");
    EXPECT_OK("csrr t1, sstatus");
    EXPECT_OK("csrr t1, sscratch");
    EXPECT_OK("csrr t1, satp");
    EXPECT_OK("csrr t1, fcsr");
    /* (the runtime resets sscratch when S returns to M) */
    csr_write(sscratch, 0x1234);
    CHECK_EQ(csr_read(sscratch), 0x1234);
    return 0;
}

static long u_mode_csrs(long arg)
{
    (void)arg;
    EXPECT_ILLEGAL("csrr t1, sstatus");
    EXPECT_ILLEGAL("csrr t1, sscratch");
    EXPECT_ILLEGAL("csrw sscratch, t0");
    EXPECT_ILLEGAL("csrr t1, satp");
    EXPECT_ILLEGAL("csrr t1, stvec");
    EXPECT_ILLEGAL("csrr t1, mstatus");
    EXPECT_ILLEGAL("csrr t1, mhartid");
    EXPECT_ILLEGAL("csrr t1, 0x107");
    EXPECT_OK("csrr t1, fcsr");
    EXPECT_OK("csrw fflags, t0");
    return 0;
}

int main(void)
{
    check_read_only_id_csrs();
    check_csr_insns();
    check_misa();
    check_mstatus();
    check_deleg_and_interrupt_bits();
    check_tvec_epc();
    check_satp();
    check_fcsr();
    check_counters_m();
    CHECK_EQ(enter_mode(PRV_S, s_mode_csrs, 0), 0);
    CHECK_EQ(enter_mode(PRV_U, u_mode_csrs, 0), 0);
    return 0;
}
