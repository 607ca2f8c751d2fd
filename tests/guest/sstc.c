/*
 * sstc.c - the Sstc extension (privileged spec, "Sstc"): the stimecmp CSR
 * (0x14D), menvcfg.STCE (bit 63) enabling it, mcounteren.TM and STCE
 * gating S-mode access (illegal instruction otherwise), mip.STIP as the
 * software-writable bit while STCE = 0 and as the read-only
 * (time >= stimecmp) while STCE = 1, and the supervisor timer interrupt
 * an S-mode program arms with stimecmp alone, waiting in WFI.  Runs with
 * a hart ISA that includes _sstc (QEMU's rv64 has Sstc by default).
 */
#include "guest.h"
#include "insn.h"

#define MENVCFG_STCE (1ul << 63)
#define MCOUNTEREN_TM (1ul << 1)
/* stimecmp is 0x14d, menvcfg 0x30a: by number, for older assemblers */

static uint64_t now(void)
{
    return csr_read(time);
}

/* M-mode: the CSR exists and holds any 64-bit value; STCE is writable. */
static void check_m_access(void)
{
    test_case("stimecmp from M", -1);
    trap_arm();
    csr_write(0x14d, 0x123456789abcdef0ul);
    CHECK_EQ(csr_read(0x14d), 0x123456789abcdef0ul);
    csr_write(0x14d, -1ul);
    CHECK_EQ(csr_read(0x14d), -1ul);
    csr_write(0x30a, MENVCFG_STCE);
    CHECK_EQ(csr_read(0x30a) & MENVCFG_STCE, MENVCFG_STCE);
    csr_write(0x30a, 0);
    CHECK_EQ(csr_read(0x30a) & MENVCFG_STCE, 0);
    trap_disarm();
    CHECK_NO_TRAP();
}

/* S-mode: returns how many traps one read and one write of stimecmp
 * took (each one an illegal instruction handled in M). */
static long s_touch_stimecmp(long arg)
{
    uint64_t v;

    (void)arg;
    trap_arm();
    v = csr_read(0x14d);
    csr_write(0x14d, -1ul);
    trap_disarm();
    (void)v;
    return hart()->count;
}

static void check_s_gating(void)
{
    test_case("S access gated by STCE and TM", -1);
    csr_write(0x14d, -1ul);
    csr_write(0x30a, 0);
    csr_write(mcounteren, MCOUNTEREN_TM);
    CHECK_EQ(enter_mode(PRV_S, s_touch_stimecmp, 0), 2);   /* STCE = 0 */
    CHECK_EQ(hart()->trap.cause, CAUSE_ILLEGAL);
    CHECK_EQ(hart()->trap.level, 'M');
    csr_write(0x30a, MENVCFG_STCE);
    csr_write(mcounteren, 0);
    CHECK_EQ(enter_mode(PRV_S, s_touch_stimecmp, 0), 2);   /* TM = 0 */
    CHECK_EQ(hart()->trap.cause, CAUSE_ILLEGAL);
    csr_write(mcounteren, MCOUNTEREN_TM);
    CHECK_EQ(enter_mode(PRV_S, s_touch_stimecmp, 0), 0);   /* both set */
    csr_write(0x30a, 0);
    csr_write(mcounteren, 0);
}

static void check_stip(void)
{
    test_case("STIP, STCE = 0: software bit", -1);
    csr_write(0x30a, 0);
    csr_write(0x14d, 0);                  /* ignored while STCE = 0 */
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_set(mip, MIP_STIP);
    CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
    csr_clear(mip, MIP_STIP);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);

    test_case("STIP, STCE = 1: time >= stimecmp, read-only", -1);
    csr_write(0x14d, -1ul);
    csr_write(0x30a, MENVCFG_STCE);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_set(mip, MIP_STIP);                  /* read-only now */
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_write(0x14d, 0);
    CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
    csr_clear(mip, MIP_STIP);
    CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
    csr_write(0x14d, now() + 1000000);    /* 0.1 s away */
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_write(0x14d, now());
    CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
    /* clearing STCE shows the software bit again (it is 0) */
    csr_write(0x30a, 0);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_write(0x14d, -1ul);
}

/* S-mode arms its own timer 500 ticks (50 us) ahead and waits in WFI:
 * returns the tick the interrupt was taken at minus the deadline. */
static long s_timer(long arg)
{
    uint64_t cmp, t;
    int n = 0;

    (void)arg;
    cmp = now() + 500;
    csr_write(0x14d, cmp);
    CHECK_EQ(csr_read(sip) & MIP_STIP, 0);
    trap_arm();
    csr_set(sie, MIP_STIP);
    csr_set(sstatus, MSTATUS_SIE);
    while (hart()->count == 0 && n < 1000) {
        __asm__ volatile("wfi");
        n++;
    }
    t = now();
    csr_clear(sstatus, MSTATUS_SIE);
    trap_disarm();
    CHECK_EQ(hart()->count, 1);
    CHECK_EQ(hart()->trap.level, 'S');
    CHECK_EQ(hart()->trap.cause, CAUSE_INTR | 5);
    CHECK(t >= cmp);
    CHECK_EQ(csr_read(sip) & MIP_STIP, MIP_STIP);
    csr_write(0x14d, -1ul);               /* acknowledges it */
    CHECK_EQ(csr_read(sip) & MIP_STIP, 0);
    return (long)(t - cmp);
}

static void check_interrupt(void)
{
    long late;

    test_case("S timer interrupt from stimecmp", -1);
    csr_write(0x14d, -1ul);
    csr_write(mcounteren, MCOUNTEREN_TM);
    csr_write(0x30a, MENVCFG_STCE);
    csr_write(mideleg, MIP_STIP);
    late = enter_mode(PRV_S, s_timer, 0);
    CHECK_RANGE(late, 0, 50);                /* within 5 us */
    csr_write(mideleg, 0);
    csr_write(0x30a, 0);
    csr_write(mcounteren, 0);
}

int main(void)
{
    /* QEMU's spike machine has no time CSR (its CLINT does not provide
     * one), and QEMU then has no stimecmp either: nothing to compare.
     * breadboard's runs fail on the quirk line. */
    TRY_INSN("csrr t1, 0x14d");
    if (hart()->count) {
        guest_quirk("no Sstc (stimecmp traps in M-mode)");
        return 0;
    }
    check_m_access();
    check_s_gating();
    check_stip();
    check_interrupt();
    return 0;
}
