/*
 * self-loop-icount.c - self-loop.c that also prints where the timer
 * interrupts hit its counting loop and the mtime samples of its MMIO
 * loop.  Only run with --icount (no CHAINED run): there both depend on
 * the instruction count alone, so the JIT's loop form must print exactly
 * what the interpreter prints (the runner compares the two outputs).
 */
#define SELF_LOOP_PRINT 1
#include "self-loop.c"
