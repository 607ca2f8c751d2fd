/*
 * guest.h - the runtime of the guest conformance tests (tests/guest): a
 * bare-metal RISC-V RV64GC program on the riscv-spike board (breadboard)
 * or QEMU's `-M spike`, talking to the host through HTIF.
 *
 * crt0.S starts every hart in M-mode with a stack, a TLS block, mtvec on
 * the recording trap vector and one PMP entry opening all memory to S/U;
 * hart 0 clears BSS and runs main(), the others secondary_main() (weak:
 * park).  main()'s return value is the exit code.
 *
 * Checks: CHECK_EQ(got, expected) prints
 *   "FAIL file:line: EXPR got 0x.. expected 0x.. (test point N)"
 * and exits with code N, the check's number in its file (1..254, counting
 * modulo 254 in longer files).  An unexpected trap prints "FAIL
 * unexpected trap ..." and exits with 255.
 *
 * Traps: an unexpected trap fails the test.  trap_arm() makes the next
 * traps expected: each is recorded (h->trap) and the faulting instruction
 * skipped (or execution resumes at h->resume_pc).  Interrupts taken while
 * armed are recorded and their enable bit cleared in mie/sie.
 * enter_mode(PRV_S/PRV_U, fn, arg) runs fn in a lower privilege and
 * returns its return value once it returns (it ecalls back to M).
 *
 * The assembler (.S) form of the checks is in guest-asm.h.
 */
#ifndef GUEST_H
#define GUEST_H

#define GUEST_MAX_HARTS 4
#define GUEST_STACK_SIZE 0x4000  /* as in link.ld */
#define GUEST_TLS_SIZE 0x400
#define MAGIC_RETURN 0x7265747572ul /* a7 of the ecall ending enter_mode */
#define MAGIC_FAIL 0x6661696cul     /* a7: report a failed check from S/U */

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* causes */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_ECALL_U 8
#define CAUSE_ECALL_S 9
#define CAUSE_ECALL_M 11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTR (1ul << 63)

/* mstatus */
#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_MIE (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_UBE (1ul << 6)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP (1ul << 8)
#define MSTATUS_VS (3ul << 9)
#define MSTATUS_MPP (3ul << 11)
#define MSTATUS_FS (3ul << 13)
#define MSTATUS_XS (3ul << 15)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM (1ul << 18)
#define MSTATUS_MXR (1ul << 19)
#define MSTATUS_TVM (1ul << 20)
#define MSTATUS_TW (1ul << 21)
#define MSTATUS_TSR (1ul << 22)
#define MSTATUS_UXL (3ul << 32)
#define MSTATUS_SXL (3ul << 34)
#define MSTATUS_SBE (1ul << 36)
#define MSTATUS_MBE (1ul << 37)
#define MSTATUS_SD (1ul << 63)

/* mip/mie */
#define MIP_SSIP (1ul << 1)
#define MIP_MSIP (1ul << 3)
#define MIP_STIP (1ul << 5)
#define MIP_MTIP (1ul << 7)
#define MIP_SEIP (1ul << 9)
#define MIP_MEIP (1ul << 11)

/* PTE bits */
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)

/* PMP */
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_OFF 0x00
#define PMP_TOR 0x08
#define PMP_NA4 0x10
#define PMP_NAPOT 0x18
#define PMP_L 0x80

#define SATP_MODE_SV39 (8ul << 60)
#define SATP_MODE_SV48 (9ul << 60)
#define SATP_MODE_SV57 (10ul << 60)

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

#define csr_read(csr)                                                         \
    ({                                                                        \
        unsigned long v_;                                                     \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_) : : "memory");           \
        v_;                                                                   \
    })
#define csr_write(csr, val)                                                   \
    __asm__ volatile("csrw " #csr ", %0" : : "rK"((unsigned long)(val))      \
                     : "memory")
#define csr_set(csr, val)                                                     \
    __asm__ volatile("csrs " #csr ", %0" : : "rK"((unsigned long)(val))      \
                     : "memory")
#define csr_clear(csr, val)                                                   \
    __asm__ volatile("csrc " #csr ", %0" : : "rK"((unsigned long)(val))      \
                     : "memory")
#define csr_swap(csr, val)                                                    \
    ({                                                                        \
        unsigned long v_;                                                     \
        __asm__ volatile("csrrw %0, " #csr ", %1"                             \
                         : "=r"(v_) : "rK"((unsigned long)(val)) : "memory"); \
        v_;                                                                   \
    })

/* One trap as the recording handler saw it. */
struct trap_rec {
    uint64_t cause, epc, tval;
    uint64_t status;      /* mstatus after the trap was taken */
    char level;           /* 'M' or 'S': who handled it */
};

struct trap_frame {
    uint64_t x[32];       /* x[2] is the interrupted sp; x[0] unused */
};

/*
 * Per-hart state.  mscratch/sscratch point at self_m/self_s: the trap
 * vectors swap sp with them and push a trap_frame below.  The layout of
 * the first members is known to crt0.S.
 */
struct hart {
    uint64_t ctx[16];          /* enter_mode's saved ra, sp, s0-s11 */
    uint64_t mstack[768];      /* M trap stack */
    struct hart *self_m;
    uint64_t sstack[768];      /* S trap stack */
    struct hart *self_s;
    unsigned id;               /* mhartid */
    volatile unsigned mode;    /* privilege enter_mode runs code in */
    volatile bool armed;       /* traps are expected */
    volatile unsigned count;   /* traps recorded since trap_arm() */
    volatile struct trap_rec trap;   /* the last one */
    volatile struct trap_rec first;  /* the first one */
    volatile uint64_t causes[8];     /* causes of the first 8 */
    volatile uint64_t resume_pc;     /* where the next trap resumes (0: skip
                                        the faulting instruction) */
    /* called first for every trap taken to M (S); returns true if it
     * handled the trap (then the handler just returns to mepc/sepc) */
    bool (*m_hook)(struct trap_frame *f, uint64_t cause);
    bool (*s_hook)(struct trap_frame *f, uint64_t cause);
    const char *what;          /* printed with a failure: the case */
    long what_index;           /* ...and its index, if >= 0 */
};

extern __thread struct hart *cur_hart;
extern struct hart harts[GUEST_MAX_HARTS];

static inline struct hart *hart(void) { return cur_hart; }

void htif_putc(int c);
void guest_puts(const char *s);    /* with a newline; hart-safe */
__attribute__((noreturn)) void guest_exit(int code);
__attribute__((noreturn)) void guest_check_fail(const char *file, int line,
                                                const char *expr,
                                                uint64_t got, uint64_t exp,
                                                int code);
int secondary_main(unsigned hartid);

/*
 * guest_quirk() - note (once per message) behaviour the spec allows, or
 * QEMU's spike shows, but that breadboard's hart is designed not to have
 * (misaligned accesses done in hardware, ebreak's mtval 0, no time CSR):
 * prints "quirk: MSG".  The runner fails a breadboard run whose output
 * has such a line, so both oracles pass and breadboard is held to its
 * design.  Any mode, as long as the console is reachable (no paging).
 */
void guest_quirk(const char *msg);

/* The check number: __COUNTER__ is per translation unit. */
#define GUEST_CODE() ((int)(__COUNTER__ % 254) + 1)

#define CHECK_EQ(got, exp)                                                    \
    do {                                                                      \
        uint64_t g_ = (uint64_t)(got), e_ = (uint64_t)(exp);                  \
        if (g_ != e_)                                                         \
            guest_check_fail(__FILE__, __LINE__, #got, g_, e_, GUEST_CODE()); \
    } while (0)
#define CHECK(cond) CHECK_EQ(!!(cond), 1)
/* lo <= got < hi (unsigned); the failure shows got and lo */
#define CHECK_RANGE(got, lo, hi)                                              \
    do {                                                                      \
        uint64_t g_ = (uint64_t)(got), l_ = (uint64_t)(lo);                   \
        if (g_ < l_ || g_ >= (uint64_t)(hi))                                  \
            guest_check_fail(__FILE__, __LINE__,                              \
                             #got " in [" #lo ", " #hi ")", g_, l_,           \
                             GUEST_CODE());                                   \
    } while (0)

/* Name the case being checked (tables): printed with a failure. */
static inline void test_case(const char *what, long index)
{
    cur_hart->what = what;
    cur_hart->what_index = index;
}

/* Expected traps. */
void trap_arm(void);
void trap_disarm(void);
/* trap_arm(), and the next trap resumes at @pc (h->resume_pc): for traps
 * whose instruction cannot simply be skipped (fetch faults, jumps). */
void trap_arm_resume(uint64_t pc);

#define CHECK_TRAP(cause_, tval_)                                             \
    do {                                                                      \
        CHECK_EQ(cur_hart->count, 1);                                         \
        CHECK_EQ(cur_hart->trap.cause, (cause_));                             \
        CHECK_EQ(cur_hart->trap.tval, (tval_));                               \
    } while (0)
/* The last trap was illegal-instruction for @enc (mtval @enc, or 0). */
void check_illegal_tval(uint64_t enc);
#define CHECK_ILLEGAL(enc)                                                    \
    do {                                                                      \
        CHECK_EQ(cur_hart->count, 1);                                         \
        CHECK_EQ(cur_hart->trap.cause, CAUSE_ILLEGAL);                        \
        check_illegal_tval(enc);                                              \
    } while (0)
#define CHECK_NO_TRAP() CHECK_EQ(cur_hart->count, 0)

/*
 * enter_mode() - run fn(arg) in privilege @priv (PRV_S or PRV_U) with
 * MPRV cleared, on the current stack (or @sp when not 0), and return its
 * return value.  mstatus.MIE is restored afterwards; the other mstatus
 * fields are as the lower mode and the traps left them.
 */
long enter_mode(unsigned priv, long (*fn)(long), long arg);
long enter_mode_sp(unsigned priv, long (*fn)(long), long arg, uint64_t sp);
/* ...and with @set_mstatus ORed into mstatus just before the mret (after
 * MPP and MPRV were cleared): MPRV, SUM, MXR, TVM... for the run. */
long enter_mode_ex(unsigned priv, long (*fn)(long), long arg, uint64_t sp,
                   uint64_t set_mstatus);

/* Set a PMP entry opening all memory to S/U (crt0 does this at start). */
void pmp_open_all(void);
/* Clear every PMP entry. */
void pmp_clear_all(void);

/* Primitive inline loads/stores that never get merged by the compiler. */
#define DEF_LD(name, insn, type)                                              \
    static inline uint64_t name(uintptr_t a)                                  \
    {                                                                         \
        type v;                                                               \
        __asm__ volatile(insn " %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");    \
        return (uint64_t)v;                                                   \
    }
DEF_LD(ld_b, "lb", int64_t)
DEF_LD(ld_bu, "lbu", uint64_t)
DEF_LD(ld_h, "lh", int64_t)
DEF_LD(ld_hu, "lhu", uint64_t)
DEF_LD(ld_w, "lw", int64_t)
DEF_LD(ld_wu, "lwu", uint64_t)
DEF_LD(ld_d, "ld", uint64_t)
#define DEF_ST(name, insn)                                                    \
    static inline void name(uintptr_t a, uint64_t v)                          \
    {                                                                         \
        __asm__ volatile(insn " %0, 0(%1)" : : "r"(v), "r"(a) : "memory");    \
    }
DEF_ST(st_b, "sb")
DEF_ST(st_h, "sh")
DEF_ST(st_w, "sw")
DEF_ST(st_d, "sd")

static inline void sfence_vma(void)
{
    __asm__ volatile("sfence.vma" : : : "memory");
}

/* Free RAM after the program (linker symbol). */
extern char _end[], _text_start[], _text_end[], _data_start[];

#endif /* __ASSEMBLER__ */
#endif /* GUEST_H */
