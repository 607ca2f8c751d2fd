/*
 * smp-amo.c - the A extension between two harts (run with 2 harts): both
 * increment shared counters N times with amoadd.w/amoadd.d, with an LR/SC
 * loop, and under an amoswap spinlock around plain loads and stores; the
 * totals must be exact.  The harts meet at barriers (amoadd sense
 * barrier).  A store by the other hart between LR and SC makes the SC
 * fail (unprivileged 20191213 section 8.2); a reservation is not
 * broken by the other hart only reading.
 */
#include "guest.h"

#define N 4000

static volatile uint32_t count_w;
static volatile uint64_t count_d, count_lrsc, count_locked;
static volatile uint32_t lock_word;
static volatile uint64_t cell;

static volatile uint32_t checked_in;
static volatile uint32_t bar_count, bar_sense;
static volatile uint32_t step;          /* the LR/SC handshake */

static void barrier(void)
{
    uint32_t sense = !bar_sense;
    uint32_t old;

    __asm__ volatile("amoadd.w.aqrl %0, %1, (%2)" : "=r"(old)
                     : "r"(1u), "r"(&bar_count) : "memory");
    if (old == 1) {
        bar_count = 0;
        __atomic_store_n(&bar_sense, sense, __ATOMIC_RELEASE);
    } else {
        while (__atomic_load_n(&bar_sense, __ATOMIC_ACQUIRE) != sense) {
        }
    }
}

static void work(void)
{
    for (int i = 0; i < N; i++) {
        uint32_t w;
        uint64_t d, v, fail;

        __asm__ volatile("amoadd.w %0, %1, (%2)" : "=r"(w)
                         : "r"(1u), "r"(&count_w) : "memory");
        __asm__ volatile("amoadd.d.aq %0, %1, (%2)" : "=r"(d)
                         : "r"(3ul), "r"(&count_d) : "memory");
        __asm__ volatile("1: lr.d %0, (%2)\n"
                         "   addi %0, %0, 1\n"
                         "   sc.d %1, %0, (%2)\n"
                         "   bnez %1, 1b"
                         : "=&r"(v), "=&r"(fail) : "r"(&count_lrsc)
                         : "memory");
        /* spinlock: amoswap.w.aq to take, amoswap.w.rl to give back */
        do {
            __asm__ volatile("amoswap.w.aq %0, %1, (%2)" : "=r"(w)
                             : "r"(1u), "r"(&lock_word) : "memory");
        } while (w);
        count_locked = count_locked + 1;
        __asm__ volatile("amoswap.w.rl zero, zero, (%0)" : : "r"(&lock_word)
                         : "memory");
    }
}

/* Hart 1: check in, work, then the LR/SC handshake. */
int secondary_main(unsigned hartid)
{
    if (hartid != 1) {
        for (;;) {
            __asm__ volatile("wfi");
        }
    }
    __atomic_store_n(&checked_in, 1, __ATOMIC_RELEASE);
    barrier();
    work();
    barrier();
    /* step 1: hart 0 holds a reservation on cell; store to it */
    while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) != 1) {
    }
    cell = 2;
    __atomic_store_n(&step, 2, __ATOMIC_RELEASE);
    /* step 3: only read it */
    while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) != 3) {
    }
    (void)*(volatile uint64_t *)&cell;
    __atomic_store_n(&step, 4, __ATOMIC_RELEASE);
    barrier();
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static uint64_t lr(volatile uint64_t *p)
{
    uint64_t v;

    __asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static uint64_t sc(volatile uint64_t *p, uint64_t v)
{
    uint64_t r;

    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v)
                     : "memory");
    return r;
}

int main(void)
{
    long spins = 0;

    while (!__atomic_load_n(&checked_in, __ATOMIC_ACQUIRE)) {
        if (++spins > 50000000) {
            guest_puts("FAIL smp-amo: hart 1 never started (run with 2 "
                       "harts)");
            return 200;
        }
    }
    barrier();
    work();
    barrier();
    CHECK_EQ(count_w, 2 * N);
    CHECK_EQ(count_d, 6 * N);
    CHECK_EQ(count_lrsc, 2 * N);
    CHECK_EQ(count_locked, 2 * N);
    CHECK_EQ(lock_word, 0);

    /* another hart's store between LR and SC: the SC fails */
    cell = 1;
    CHECK_EQ(lr(&cell), 1);
    __atomic_store_n(&step, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) != 2) {
    }
    CHECK(sc(&cell, 7) != 0);
    CHECK_EQ(cell, 2);
    /* a read by the other hart may or may not break it (implementations
     * may lose reservations); memory must match the SC's result */
    CHECK_EQ(lr(&cell), 2);
    __atomic_store_n(&step, 3, __ATOMIC_RELEASE);
    while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) != 4) {
    }
    if (sc(&cell, 9) == 0) {
        CHECK_EQ(cell, 9);
    } else {
        CHECK_EQ(cell, 2);
    }
    barrier();
    return 0;
}
