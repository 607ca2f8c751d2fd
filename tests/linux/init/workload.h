/*
 * workload.h - the CPU workload of the project's Linux /init: a fixed
 * computation (integer sieve, CRC-32, a double-precision series) whose
 * checksum the guest prints and the test recomputes on the host from the
 * same source (tests/linux/workload-ref.c), so the expected value is
 * derived, never pasted.  Only IEEE basic operations are used and both
 * sides build with -ffp-contract=off, so the double arithmetic rounds
 * identically on riscv64 and x86-64.
 */
#ifndef BB_LINUX_WORKLOAD_H
#define BB_LINUX_WORKLOAD_H

#include <stdint.h>

/* workload_run: the checksum of round @round (0, 1, ...); each round takes
 * a few tens of millions of guest instructions. */
uint64_t workload_run(unsigned round);

#endif
