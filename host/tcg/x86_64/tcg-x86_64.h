/*
 * tcg-x86_64.h - what the x86-64 JIT backend (tcg_backend_x86_64) offers
 * the rest of the host beyond the TcgBackend interface of tcg-internal.h:
 * control of its code buffer, facts about a compiled TB that the TB cache
 * (chaining) and the exec loop (unwinding) need, and the -d out_asm dump.
 * Host-internal; available when BB_HAVE_X86_64_BACKEND is defined.
 *
 * All TBs live in one process-wide code buffer (default 64 MiB).  When it
 * is full, compile() fails with TCG_ERROR / BB_ERROR_STATE
 * (tcg_x86_64_error_is_full()); the owner of the TBs then frees or
 * forgets them, calls tcg_x86_64_flush() and compiles again.  Freeing the
 * last live TB also reclaims the buffer.
 */
#ifndef HOST_TCG_X86_64_TCG_X86_64_H
#define HOST_TCG_X86_64_TCG_X86_64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "tcg/tcg-internal.h"

#define TCG_X86_64_FEAT_POPCNT (1u << 0)

/* Is @error the "code buffer full" failure of compile()? */
bool tcg_x86_64_error_is_full(const GError *error);

/* Host CPU features the backend found (cpuid) and uses. */
unsigned tcg_x86_64_host_features(void);
/* Restrict the features later compiles use (tests); returns the old set. */
unsigned tcg_x86_64_set_features(unsigned features);

/* Replace the code buffer with a new one of @size bytes; @allow_dual
 * false forces the mprotect-toggling mode.  Only while no TB is live. */
bool tcg_x86_64_set_buffer(size_t size, bool allow_dual, GError **error);
/* Discard all generated code: every TcgCode compiled before becomes stale
 * (exec refuses it; free it).  Safe only when no TB is running. */
void tcg_x86_64_flush(void);
/* Bytes in use and total; whether the buffer is a dual (memfd) mapping;
 * the runtime address range of the executable view. */
void tcg_x86_64_buffer_info(size_t *used, size_t *size, bool *dual,
                            uintptr_t *rx_start);
/* Number of compiled TBs not yet freed. */
unsigned tcg_x86_64_live_codes(void);

/* The entry point, callable as TcgExit fn(void *env, const TcgRuntime *)
 * with load, store and tlb all set (exec() supplies defaults for NULL). */
uintptr_t tcg_x86_64_code_entry(const TcgCode *code);
size_t tcg_x86_64_code_size(const TcgCode *code);
/* Offset from the entry of goto_tb @slot's 5-byte jmp (its rel32 is
 * 4-byte aligned), or -1 if the TB has none. */
int tcg_x86_64_goto_tb_offset(const TcgCode *code, unsigned slot);
/* Patch goto_tb @slot of @from to jump straight into @to's body (both
 * live and from the same flush generation), or back to its own exit_tb;
 * the 4-byte store is atomic.  The caller (the TB cache) keeps track of
 * the links and undoes them before freeing @to. */
bool tcg_x86_64_chain(TcgCode *from, unsigned slot, const TcgCode *to);
bool tcg_x86_64_unchain(TcgCode *from, unsigned slot);
/* Whether @code was compiled in loop form (x86-loop.c, docs/jit.md
 * "Self-loops"): a goto_tb chained to @code itself jumps to its loop head
 * with guest registers and the budget kept in host registers. */
bool tcg_x86_64_code_is_loop(const TcgCode *code);
/* Tag @code with @owner (the exec loop's TB): when a run ends through
 * exit_tb 0 or 1 of @code, exec() stores @owner in *rt->exit_owner. */
void tcg_x86_64_set_owner(TcgCode *code, void *owner);
/* The guest instruction (insn_start pc and extra word) being executed
 * when generated code was at @host_pc (e.g. a return address of a memory
 * callback); false if @host_pc is not inside @code after an insn_start. */
bool tcg_x86_64_find_insn(const TcgCode *code, uintptr_t host_pc,
                          uint64_t *pc, uint64_t *extra);
/* Append a listing of the code (hex, with host offsets and the guest pc
 * markers) to @out. */
void tcg_x86_64_dump(const TcgCode *code, GString *out);

#endif /* HOST_TCG_X86_64_TCG_X86_64_H */
