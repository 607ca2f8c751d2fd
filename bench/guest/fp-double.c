/*
 * fp-double.c - double-precision FP benchmark for bench/guest, M-mode:
 * fpkern.h's kernels (matrix product, polynomial, axpy/dot) in double
 * (fmadd.d, fmul.d, fadd.d), the counterpart of fp-single.c.
 */
#define FLT double
#define FP_NAME "fp-double"
#include "fpkern.h"
