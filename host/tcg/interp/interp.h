/*
 * interp.h - what the portable IR interpreter backend (tcg_backend_interp,
 * interp.c) offers beyond the TcgBackend interface of tcg-internal.h.
 */
#ifndef HOST_TCG_INTERP_INTERP_H
#define HOST_TCG_INTERP_INTERP_H

#include <stdint.h>

#include "tcg/tcg-internal.h"

/* The pc argument of the last insn_start executed by the most recent run
 * of @code (0 before any): the guest instruction that was running when a
 * memory access or helper left the TB by unwinding. */
uint64_t tcg_interp_last_pc(const TcgCode *code);
/* The extra word of that same insn_start. */
uint64_t tcg_interp_last_extra(const TcgCode *code);

#endif /* HOST_TCG_INTERP_INTERP_H */
