/*
 * runtime.c - HTIF console and exit, failure reports, the recording trap
 * handlers and privilege switching of the guest conformance tests (the
 * interface and its rules are in guest.h).
 *
 * HTIF (riscv-spike, QEMU's spike): tohost = device << 56 | command << 48
 * | payload; device 1 command 1 prints a byte and answers in fromhost;
 * device 0 with an odd payload exits with code payload >> 1.
 */
#include <stdio.h>
#include <string.h>

#include "guest.h"

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

struct hart harts[GUEST_MAX_HARTS] __attribute__((aligned(64)));
__thread struct hart *cur_hart;

static volatile uint32_t console_lock;

long enter_mode_asm(struct hart *h, unsigned long mpp_bits,
                    long (*fn)(long), long arg, uint64_t sp);
__attribute__((noreturn)) void mode_return_asm(struct hart *h, long value);
extern char m_trap_vector[], s_trap_vector[];

static void lock(void)
{
    while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE)) {
    }
}

static void unlock(void)
{
    __atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

static void htif_putc_unlocked(int c)
{
    while (tohost) {
    }
    tohost = 1ull << 56 | 1ull << 48 | (uint8_t)c;
    while (!fromhost) {
    }
    fromhost = 0;
}

void htif_putc(int c)
{
    lock();
    htif_putc_unlocked(c);
    unlock();
}

void guest_puts(const char *s)
{
    lock();
    while (*s) {
        htif_putc_unlocked(*s++);
    }
    htif_putc_unlocked('\n');
    unlock();
}

static int stdout_put(char c, FILE *f)
{
    (void)f;
    htif_putc_unlocked(c);
    return (unsigned char)c;
}

static FILE guest_stdout = FDEV_SETUP_STREAM(stdout_put, NULL, NULL,
                                             _FDEV_SETUP_WRITE);
FILE *const stdout = &guest_stdout;
FILE *const stderr = &guest_stdout;
FILE *const stdin = &guest_stdout;

void guest_exit(int code)
{
    for (;;) {
        while (tohost) {
        }
        tohost = ((uint64_t)code << 1) | 1;
    }
}

/* Report a failure from M-mode: print under the console lock and exit. */
static void __attribute__((noreturn))
report_fail(struct hart *h, const char *file, int line, const char *expr,
            uint64_t got, uint64_t exp, int code)
{
    lock();
    printf("FAIL %s:%d: %s got 0x%lx expected 0x%lx (test point %d, hart "
           "%u", file, line, expr, (unsigned long)got, (unsigned long)exp,
           code, h->id);
    if (h->what) {
        printf(", case %s", h->what);
        if (h->what_index >= 0) {
            printf(" #%ld", h->what_index);
        }
    }
    printf(")\n");
    unlock();
    guest_exit(code);
}

void guest_check_fail(const char *file, int line, const char *expr,
                      uint64_t got, uint64_t exp, int code)
{
    struct hart *h = cur_hart;

    if (h->mode != PRV_M) {
        /* S or U: M prints it (MAGIC_FAIL) */
        register uint64_t a0 __asm__("a0") = (uintptr_t)file;
        register uint64_t a1 __asm__("a1") = line;
        register uint64_t a2 __asm__("a2") = (uintptr_t)expr;
        register uint64_t a3 __asm__("a3") = got;
        register uint64_t a4 __asm__("a4") = exp;
        register uint64_t a5 __asm__("a5") = code;
        register uint64_t a7 __asm__("a7") = MAGIC_FAIL;
        __asm__ volatile("ecall" : : "r"(a0), "r"(a1), "r"(a2), "r"(a3),
                         "r"(a4), "r"(a5), "r"(a7) : "memory");
        for (;;) {
        }
    }
    report_fail(h, file, line, expr, got, exp, code);
}

void guest_quirk(const char *msg)
{
    static const char *seen[32];
    unsigned i;

    for (i = 0; i < 32 && seen[i]; i++) {
        if (seen[i] == msg) {
            return;
        }
    }
    if (i < 32) {
        seen[i] = msg;
    }
    lock();
    printf("quirk: %s\n", msg);
    unlock();
}

int __attribute__((weak)) secondary_main(unsigned hartid)
{
    (void)hartid;
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void guest_hart_init(unsigned hartid)
{
    struct hart *h = &harts[hartid];

    memset(h, 0, sizeof(*h));
    h->id = hartid;
    h->mode = PRV_M;
    h->self_m = h;
    h->self_s = h;
    h->what_index = -1;
    cur_hart = h;
    csr_write(mscratch, &h->self_m);
    csr_write(sscratch, &h->self_s);
    csr_write(stvec, s_trap_vector);
}

void trap_arm(void)
{
    struct hart *h = cur_hart;

    h->count = 0;
    memset((void *)&h->trap, 0, sizeof(h->trap));
    memset((void *)&h->first, 0, sizeof(h->first));
    memset((void *)h->causes, 0, sizeof(h->causes));
    h->trap.level = 0;
    h->resume_pc = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    h->armed = true;
    __asm__ volatile("" : : : "memory");
}

void trap_arm_resume(uint64_t pc)
{
    trap_arm();
    cur_hart->resume_pc = pc;
}

void trap_disarm(void)
{
    __asm__ volatile("" : : : "memory");
    cur_hart->armed = false;
    cur_hart->resume_pc = 0;
}

static unsigned insn_len(uint64_t epc)
{
    uint16_t lo = *(volatile uint16_t *)(uintptr_t)epc;

    return (lo & 3) == 3 ? 4 : 2;
}

static void record(struct hart *h, char level, uint64_t cause, uint64_t epc,
                   uint64_t tval, uint64_t status)
{
    h->trap.cause = cause;
    h->trap.epc = epc;
    h->trap.tval = tval;
    h->trap.status = status;
    h->trap.level = level;
    if (h->count < 8) {
        h->causes[h->count] = cause;
    }
    if (h->count == 0) {
        h->first.cause = cause;
        h->first.epc = epc;
        h->first.tval = tval;
        h->first.status = status;
        h->first.level = level;
    }
    h->count++;
}

static void __attribute__((noreturn))
unexpected(struct hart *h, char level, uint64_t cause, uint64_t epc,
           uint64_t tval)
{
    lock();
    printf("FAIL unexpected trap to %c-mode: cause 0x%lx epc 0x%lx "
           "tval 0x%lx (hart %u", level, (unsigned long)cause,
           (unsigned long)epc, (unsigned long)tval, h->id);
    if (h->what) {
        printf(", case %s", h->what);
        if (h->what_index >= 0) {
            printf(" #%ld", h->what_index);
        }
    }
    printf(")\n");
    unlock();
    guest_exit(255);
}

void m_trap_c(struct trap_frame *f, struct hart *h, uint64_t cause)
{
    uint64_t epc = csr_read(mepc);

    if (cause == CAUSE_ECALL_U || cause == CAUSE_ECALL_S ||
        cause == CAUSE_ECALL_M) {
        if (f->x[17] == MAGIC_RETURN) {
            csr_write(sscratch, &h->self_s);
            h->mode = PRV_M;
            mode_return_asm(h, (long)f->x[10]);
        }
        if (f->x[17] == MAGIC_FAIL) {
            h->mode = PRV_M;
            report_fail(h, (const char *)f->x[10], (int)f->x[11],
                        (const char *)f->x[12], f->x[13], f->x[14],
                        (int)f->x[15]);
        }
    }
    if (h->m_hook && h->m_hook(f, cause)) {
        return;
    }
    if (!h->armed) {
        h->mode = PRV_M;
        unexpected(h, 'M', cause, epc, csr_read(mtval));
    }
    record(h, 'M', cause, epc, csr_read(mtval), csr_read(mstatus));
    if (cause & CAUSE_INTR) {
        csr_clear(mie, 1ul << (cause & 63));
    } else if (h->resume_pc) {
        csr_write(mepc, h->resume_pc);
        h->resume_pc = 0;
    } else {
        csr_write(mepc, epc + insn_len(epc));
    }
}

/* Pass a MAGIC ecall from U through to M (an ecall from S). */
static void forward_ecall(struct trap_frame *f)
{
    register uint64_t a0 __asm__("a0") = f->x[10];
    register uint64_t a1 __asm__("a1") = f->x[11];
    register uint64_t a2 __asm__("a2") = f->x[12];
    register uint64_t a3 __asm__("a3") = f->x[13];
    register uint64_t a4 __asm__("a4") = f->x[14];
    register uint64_t a5 __asm__("a5") = f->x[15];
    register uint64_t a7 __asm__("a7") = f->x[17];
    __asm__ volatile("ecall" : : "r"(a0), "r"(a1), "r"(a2), "r"(a3),
                     "r"(a4), "r"(a5), "r"(a7) : "memory");
    for (;;) {
    }
}

void s_trap_c(struct trap_frame *f, struct hart *h, uint64_t cause)
{
    uint64_t epc = csr_read(sepc);

    if (cause == CAUSE_ECALL_U &&
        (f->x[17] == MAGIC_RETURN || f->x[17] == MAGIC_FAIL)) {
        forward_ecall(f);
    }
    if (h->s_hook && h->s_hook(f, cause)) {
        return;
    }
    if (!h->armed) {
        /* report through M: a failed check carrying the trap */
        guest_check_fail("(S-mode trap handler)", 0,
                         "unexpected trap to S-mode: scause (got), sepc "
                         "(expected)", cause, epc, 254);
    }
    record(h, 'S', cause, epc, csr_read(stval), csr_read(sstatus));
    if (cause & CAUSE_INTR) {
        csr_clear(sie, 1ul << (cause & 63));
    } else if (h->resume_pc) {
        csr_write(sepc, h->resume_pc);
        h->resume_pc = 0;
    } else {
        csr_write(sepc, epc + insn_len(epc));
    }
}

long enter_mode_ex(unsigned priv, long (*fn)(long), long arg, uint64_t sp,
                   uint64_t set_mstatus)
{
    struct hart *h = cur_hart;
    unsigned long mie = csr_read(mstatus) & MSTATUS_MIE;
    long r;

    h->mode = priv;
    r = enter_mode_asm(h, (unsigned long)priv << 11 | set_mstatus, fn, arg,
                       sp);
    h->mode = PRV_M;
    csr_set(mstatus, mie);
    return r;
}

long enter_mode_sp(unsigned priv, long (*fn)(long), long arg, uint64_t sp)
{
    return enter_mode_ex(priv, fn, arg, sp, 0);
}

long enter_mode(unsigned priv, long (*fn)(long), long arg)
{
    return enter_mode_ex(priv, fn, arg, 0, 0);
}

void pmp_open_all(void)
{
    csr_write(pmpaddr0, -1);
    csr_write(pmpcfg0, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    sfence_vma();
}

void pmp_clear_all(void)
{
    csr_write(pmpcfg0, 0);
    csr_write(pmpcfg2, 0);
    for (int i = 0; i < 16; i++) {
        /* pmpaddr<i>: CSR numbers are immediates, hence the switch */
        switch (i) {
#define Z(n)                                                                  \
        case n:                                                               \
            csr_write(pmpaddr##n, 0);                                         \
            break;
        Z(0) Z(1) Z(2) Z(3) Z(4) Z(5) Z(6) Z(7)
        Z(8) Z(9) Z(10) Z(11) Z(12) Z(13) Z(14) Z(15)
#undef Z
        }
    }
    sfence_vma();
}

/* For assembler tests (guest-asm.h). */
uint64_t trap_count(void) { return cur_hart->count; }
uint64_t trap_cause(void) { return cur_hart->trap.cause; }
uint64_t trap_epc(void) { return cur_hart->trap.epc; }
uint64_t trap_tval(void) { return cur_hart->trap.tval; }

/* mtval of an illegal instruction: the encoding, or 0 (allowed; a quirk). */
void check_illegal_tval(uint64_t enc)
{
    uint64_t tval = cur_hart->trap.tval;

    if (tval == 0 && enc != 0) {
        static bool told;

        if (!told) {
            told = true;
            lock();
            printf("note: first illegal instruction with mtval 0: 0x%lx\n",
                   (unsigned long)enc);
            unlock();
        }
        guest_quirk("illegal-instruction mtval is 0, not the encoding");
        return;
    }
    if (tval != enc) {
        guest_check_fail("(illegal instruction)", 0, "mtval", tval, enc,
                         253);
    }
}
