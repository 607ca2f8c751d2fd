/*
 * timer-latency.c - how late the machine timer interrupt arrives while
 * the hart runs chained code (CLINT group).  200 times: mtimecmp = mtime
 * + 50 us, then a busy loop (a chain of TBs that never returns to the
 * execution loop on its own) until the handler has run; the handler
 * records mtime - mtimecmp at entry and disarms the timer.  Prints the
 * maximum, average and median latency in microseconds (mtime counts at
 * 10 MHz) and fails (exit code 1) when the median exceeds
 * LATENCY_MAX_MEDIAN_US (the median: a loaded host deschedules the
 * emulator now and then for milliseconds, which moves the average and
 * the maximum but not the median).
 *
 * With --icount (and QEMU's -icount) the interrupt is taken at the
 * instruction the deadline falls on: the latency is the handler's few
 * instructions.  In normal time (timer-latency.sh) it is the host's: the
 * execution loop kicks the hart out of its chain at the deadline (issue
 * 12); a kick every millisecond instead made it about 500 us and more.
 */
#include <stdio.h>

#include "clint.h"

#define ROUNDS 200
#define DELAY_TICKS 500            /* 50 us */
#define LATENCY_MAX_MEDIAN_US 200  /* a loaded 2-core host stays far below */

static volatile uint64_t taken, lat_max, lat_sum, cmp;
static uint64_t lat_all[ROUNDS];

static bool m_hook(struct trap_frame *f, uint64_t cause)
{
    uint64_t now = *CLINT_MTIME, lat;

    if (cause != (CAUSE_INTR | 7)) {
        return false;
    }
    lat = now - cmp;
    if (taken < ROUNDS) {
        lat_all[taken] = lat;
    }
    lat_sum += lat;
    if (lat > lat_max) {
        lat_max = lat;
    }
    *CLINT_MTIMECMP(0) = -1ull;
    taken++;
    return true;
}

/* The median of lat_all (sorts it). */
static uint64_t median(void)
{
    for (int i = 1; i < ROUNDS; i++) {
        uint64_t v = lat_all[i];
        int j = i;
        for (; j > 0 && lat_all[j - 1] > v; j--) {
            lat_all[j] = lat_all[j - 1];
        }
        lat_all[j] = v;
    }
    return lat_all[ROUNDS / 2];
}

int main(void)
{
    uint64_t avg_us, median_us;

    test_case("timer interrupt latency in chained code", -1);
    *CLINT_MTIMECMP(0) = -1ull;
    harts[0].m_hook = m_hook;
    csr_write(mie, MIP_MTIP);
    csr_set(mstatus, MSTATUS_MIE);
    for (uint64_t i = 0; i < ROUNDS; i++) {
        unsigned long spins = 0;
        cmp = *CLINT_MTIME + DELAY_TICKS;
        *CLINT_MTIMECMP(0) = cmp;
        while (taken == i && spins < 2000000000ul) {
            spins++;
        }
        CHECK_EQ(taken, i + 1);
    }
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, 0);
    harts[0].m_hook = NULL;
    avg_us = lat_sum / ROUNDS / 10;
    median_us = median() / 10;
    printf("timer-latency: %d interrupts, max %lu us, avg %lu us, median "
           "%lu us (bound: median <= %d us)\n", ROUNDS,
           (unsigned long)(lat_max / 10), (unsigned long)avg_us,
           (unsigned long)median_us, LATENCY_MAX_MEDIAN_US);
    return median_us > LATENCY_MAX_MEDIAN_US ? 1 : 0;
}
