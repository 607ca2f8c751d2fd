/*
 * fp-single.c - single-precision FP benchmark for bench/guest, M-mode:
 * fpkern.h's kernels (matrix product, polynomial, axpy/dot) in float
 * (fmadd.s, fmul.s, fadd.s).
 */
#define FLT float
#define FP_NAME "fp-single"
#include "fpkern.h"
