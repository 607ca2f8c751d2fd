/*
 * tcg.h - the JIT's intermediate representation, as CPU plugins build it.
 *
 * A CPU plugin translates guest instructions into IR ops, one translation
 * block (TB) at a time; the host optimises the ops and either compiles
 * them to x86-64 or interprets them.  The IR is target-independent:
 *
 *   values     typed temporaries (i32 or i64) local to the TB, constants,
 *              and globals: named fields of the CPU state ("env") that
 *              live in host registers inside a TB and are written back at
 *              its exits, before helpers that read them and before guest
 *              memory accesses (which may fault).
 *   ops        arithmetic, logic, shifts, comparisons, selects, bit-field
 *              ops, conversions; labels and branches within the TB; guest
 *              loads/stores through the softmmu; helper calls; an
 *              instruction-start marker per guest instruction; TB exits.
 *
 * Semantics are total: division by zero and INT_MIN / -1 have defined
 * results (RISC-V's: quotient all ones / INT_MIN, remainder the dividend
 * / 0), shift and rotate counts are taken modulo the width, so no IR
 * program can crash the host whatever the guest does.  An i32 value is 32
 * bits: ops never see or produce anything above them.
 *
 * Rules a TB must follow (the host's verifier checks them and rejects the
 * TB otherwise):
 *   - every temp is written on every path before it is read; constants
 *     are never written (equal constants may share one id);
 *   - each label used by a branch is set exactly once;
 *   - the TB ends with exit_tb, lookup_and_goto or br (it cannot run off
 *     its end); each goto_tb slot is used at most once;
 *   - deposit/extract/sextract fields have 1 <= len and ofs + len <= the
 *     width;
 *   - env ld/st ops do not overlap the field of a declared global
 *     (globals may live in host registers inside a TB);
 *   - memops: only the bits below; BB_MO_SIGN only on loads; BB_MO_64
 *     only with an i64 value; mmu_idx < 16;
 *   - call arguments and the result match the helper's declared types.
 *
 * Each op is emitted with bb_tcg_emit(); the static inline wrappers below
 * give every op a typed signature (BbTcgI32 and BbTcgI64 are distinct
 * types, so mixing widths is a compile error).  The opcode numbering is
 * part of the ABI: new ops are appended.
 */
#ifndef BREADBOARD_TCG_H
#define BREADBOARD_TCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>

G_BEGIN_DECLS

typedef struct BbTcgContext BbTcgContext; /* the TB being built */
typedef struct BbTcgGlobals BbTcgGlobals; /* a CPU type's globals */

/* Typed handles.  Temps, constants and globals share one id space. */
typedef struct { uint32_t id; } BbTcgI32;
typedef struct { uint32_t id; } BbTcgI64;
typedef struct { uint32_t id; } BbTcgLabel;

/**
 * enum BbTcgType - value types.
 * Since: ABI 1.2
 */
typedef enum {
    BB_TCG_TYPE_VOID = 0,
    BB_TCG_TYPE_I32,
    BB_TCG_TYPE_I64,
    BB_TCG_TYPE_PTR, /* host pointer: only the env argument of calls */
} BbTcgType;

/**
 * enum BbTcgCond - comparison of setcond, movcond, brcond.
 * Since: ABI 1.2
 */
typedef enum {
    BB_TCG_COND_NEVER = 0,
    BB_TCG_COND_ALWAYS,
    BB_TCG_COND_EQ,
    BB_TCG_COND_NE,
    BB_TCG_COND_LT,  /* signed */
    BB_TCG_COND_GE,
    BB_TCG_COND_LE,
    BB_TCG_COND_GT,
    BB_TCG_COND_LTU, /* unsigned */
    BB_TCG_COND_GEU,
    BB_TCG_COND_LEU,
    BB_TCG_COND_GTU,
} BbTcgCond;

/*
 * Memory operation descriptor of guest loads and stores: size, sign
 * extension, alignment requirement.
 */
typedef uint32_t BbMemOp;
#define BB_MO_8 0u
#define BB_MO_16 1u
#define BB_MO_32 2u
#define BB_MO_64 3u
#define BB_MO_SIZE 3u            /* mask of the log2 size */
#define BB_MO_SIGN (1u << 2)     /* sign-extend a load */
#define BB_MO_ALIGN (1u << 3)    /* a misaligned address faults (else the
                                    CPU's misaligned policy applies) */
#define BB_MO_UB BB_MO_8
#define BB_MO_SB (BB_MO_8 | BB_MO_SIGN)
#define BB_MO_UW BB_MO_16
#define BB_MO_SW (BB_MO_16 | BB_MO_SIGN)
#define BB_MO_UL BB_MO_32
#define BB_MO_SL (BB_MO_32 | BB_MO_SIGN)
#define BB_MO_UQ BB_MO_64

/*
 * Helper call flags.  By default a helper may read and write every global
 * and raise a guest exception; each flag promises less, which lets the
 * register allocator keep globals in registers across the call and lets
 * dead-code elimination drop calls whose result is unused.  Globals are
 * written back to env before a call unless it has both NO_READ_GLOBALS
 * and NO_RAISE (a raising helper unwinds with env up to date), and
 * reloaded after it unless it has NO_WRITE_GLOBALS.  NO_SIDE_EFFECTS
 * allows removing the call when its result is unused (or it has none):
 * only use it for helpers whose only effect is their result.
 */
#define BB_TCG_CALL_NO_READ_GLOBALS (1u << 0)
#define BB_TCG_CALL_NO_WRITE_GLOBALS (1u << 1)
#define BB_TCG_CALL_NO_RAISE (1u << 2)
#define BB_TCG_CALL_NO_SIDE_EFFECTS (1u << 3) /* pure: removable */
#define BB_TCG_CALL_PURE                                                      \
    (BB_TCG_CALL_NO_READ_GLOBALS | BB_TCG_CALL_NO_WRITE_GLOBALS |            \
     BB_TCG_CALL_NO_RAISE | BB_TCG_CALL_NO_SIDE_EFFECTS)

#define BB_TCG_MAX_HELPER_ARGS 6

/**
 * struct BbTcgHelper - a C function generated code may call.
 * @fn: the function; called with the SysV ABI, integer arguments in
 *   order, returning an integer (or nothing).  An I32 argument arrives as
 *   uint32_t (declare it uint32_t or int32_t); of an I32 result only the
 *   low 32 bits are used.
 * @name: for dumps.
 * @flags: BB_TCG_CALL_* promises.
 * @ret: BB_TCG_TYPE_VOID, _I32 or _I64.
 * @nargs: number of arguments.
 * @args: their types; BB_TCG_TYPE_PTR receives the env pointer.
 * Since: ABI 1.2
 */
typedef struct BbTcgHelper {
    void *fn;
    const char *name;
    unsigned flags;
    BbTcgType ret;
    unsigned nargs;
    BbTcgType args[BB_TCG_MAX_HELPER_ARGS];
} BbTcgHelper;

/* Pass as a call argument to mean "the env pointer". */
#define BB_TCG_ARG_ENV UINT32_MAX

/**
 * enum BbTcgOpcode - the ops.  Operand order: outputs, then inputs, then
 * constant parameters (immediates, conditions, labels, memops...).
 * Since: ABI 1.2
 */
typedef enum {
    BB_TCG_OP_INVALID = 0,
    /* i32 (d, a[, b]) */
    BB_TCG_OP_MOV_I32, BB_TCG_OP_ADD_I32, BB_TCG_OP_SUB_I32,
    BB_TCG_OP_MUL_I32, BB_TCG_OP_MULSH_I32, BB_TCG_OP_MULUH_I32,
    BB_TCG_OP_DIV_I32, BB_TCG_OP_DIVU_I32, BB_TCG_OP_REM_I32,
    BB_TCG_OP_REMU_I32, BB_TCG_OP_AND_I32, BB_TCG_OP_OR_I32,
    BB_TCG_OP_XOR_I32, BB_TCG_OP_NOT_I32, BB_TCG_OP_NEG_I32,
    BB_TCG_OP_SHL_I32, BB_TCG_OP_SHR_I32, BB_TCG_OP_SAR_I32,
    BB_TCG_OP_ROTL_I32, BB_TCG_OP_ROTR_I32,
    BB_TCG_OP_SETCOND_I32,   /* d, a, b, cond */
    BB_TCG_OP_MOVCOND_I32,   /* d, c1, c2, v1, v2, cond: d = c1 cond c2 ? v1 : v2 */
    BB_TCG_OP_DEPOSIT_I32,   /* d, a, b, ofs, len: a with b's low len bits at ofs */
    BB_TCG_OP_EXTRACT_I32,   /* d, a, ofs, len (zero-extended) */
    BB_TCG_OP_SEXTRACT_I32,  /* d, a, ofs, len (sign-extended) */
    BB_TCG_OP_BSWAP16_I32,   /* d, a: low 16 bits swapped, zero-extended */
    BB_TCG_OP_BSWAP32_I32,   /* (the _i64 bswap16/32 also zero-extend) */
    BB_TCG_OP_CLZ_I32,       /* d, a, z: z if a == 0 */
    BB_TCG_OP_CTZ_I32,       /* d, a, z */
    BB_TCG_OP_CTPOP_I32,
    BB_TCG_OP_BRCOND_I32,    /* a, b, cond, label */
    /* i64 */
    BB_TCG_OP_MOV_I64, BB_TCG_OP_ADD_I64, BB_TCG_OP_SUB_I64,
    BB_TCG_OP_MUL_I64, BB_TCG_OP_MULSH_I64, BB_TCG_OP_MULUH_I64,
    BB_TCG_OP_MULSUH_I64,    /* high 64 bits of signed(a) * unsigned(b) */
    BB_TCG_OP_DIV_I64, BB_TCG_OP_DIVU_I64, BB_TCG_OP_REM_I64,
    BB_TCG_OP_REMU_I64, BB_TCG_OP_AND_I64, BB_TCG_OP_OR_I64,
    BB_TCG_OP_XOR_I64, BB_TCG_OP_NOT_I64, BB_TCG_OP_NEG_I64,
    BB_TCG_OP_SHL_I64, BB_TCG_OP_SHR_I64, BB_TCG_OP_SAR_I64,
    BB_TCG_OP_ROTL_I64, BB_TCG_OP_ROTR_I64,
    BB_TCG_OP_SETCOND_I64, BB_TCG_OP_MOVCOND_I64,
    BB_TCG_OP_DEPOSIT_I64, BB_TCG_OP_EXTRACT_I64, BB_TCG_OP_SEXTRACT_I64,
    BB_TCG_OP_BSWAP16_I64, BB_TCG_OP_BSWAP32_I64, BB_TCG_OP_BSWAP64_I64,
    BB_TCG_OP_CLZ_I64, BB_TCG_OP_CTZ_I64, BB_TCG_OP_CTPOP_I64,
    BB_TCG_OP_BRCOND_I64,
    /* conversions */
    BB_TCG_OP_EXT8S_I64, BB_TCG_OP_EXT8U_I64, BB_TCG_OP_EXT16S_I64,
    BB_TCG_OP_EXT16U_I64, BB_TCG_OP_EXT32S_I64, BB_TCG_OP_EXT32U_I64,
    BB_TCG_OP_EXTU_I32_I64,  /* d64, a32 */
    BB_TCG_OP_EXTS_I32_I64,  /* d64, a32 */
    BB_TCG_OP_EXTRL_I64_I32, /* d32, a64: low half */
    BB_TCG_OP_EXTRH_I64_I32, /* d32, a64: high half */
    /* CPU state (env) access: value, offset */
    BB_TCG_OP_LD8U_I64, BB_TCG_OP_LD8S_I64, BB_TCG_OP_LD16U_I64,
    BB_TCG_OP_LD16S_I64, BB_TCG_OP_LD32U_I64, BB_TCG_OP_LD32S_I64,
    BB_TCG_OP_LD_I64, BB_TCG_OP_ST8_I64, BB_TCG_OP_ST16_I64,
    BB_TCG_OP_ST32_I64, BB_TCG_OP_ST_I64,
    BB_TCG_OP_LD_I32, BB_TCG_OP_ST_I32,
    /* guest memory: value, address(i64), memop, mmu_idx */
    BB_TCG_OP_QEMU_LD_I32, BB_TCG_OP_QEMU_ST_I32,
    BB_TCG_OP_QEMU_LD_I64, BB_TCG_OP_QEMU_ST_I64,
    /* control */
    BB_TCG_OP_SET_LABEL,     /* label */
    BB_TCG_OP_BR,            /* label */
    BB_TCG_OP_CALL,          /* see bb_tcg_call() */
    BB_TCG_OP_INSN_START,    /* pc, extra: start of a guest instruction */
    BB_TCG_OP_GOTO_TB,       /* slot 0 or 1: patchable jump to the next TB;
                                when chained, the ops after it up to the
                                exit_tb do not run */
    BB_TCG_OP_EXIT_TB,       /* slot 0/1 after goto_tb, or 2: no chaining */
    BB_TCG_OP_LOOKUP_AND_GOTO, /* (key): jump to the TB for env's pc, else
                                exit; key 0 or BB_TCG_LOOKUP_KEY() */
    BB_TCG_OP_DISCARD,       /* temp (either width, not a global): its
                                value is dead from here on; reading it
                                again before a write is an error */
    BB_TCG_OP__COUNT
} BbTcgOpcode;

/* ------------------------------------------------------------ globals */

/**
 * bb_tcg_globals_new() - an empty set of globals for a CPU type; create
 * it once (class init) and pass it to every translation.
 * Since: ABI 1.2
 */
BB_API BbTcgGlobals *bb_tcg_globals_new(void);

/**
 * bb_tcg_global_i64() - declare a 64-bit field of the CPU state at
 * @offset (from the env pointer) as a global.
 * Since: ABI 1.2
 */
BB_API BbTcgI64 bb_tcg_global_i64(BbTcgGlobals *g, size_t offset,
                                  const char *name);
/** bb_tcg_global_i32() - a 32-bit global.  Since: ABI 1.2 */
BB_API BbTcgI32 bb_tcg_global_i32(BbTcgGlobals *g, size_t offset,
                                  const char *name);

/* ------------------------------------------------------------ building */

/** bb_tcg_temp_i32() - a new temporary.  Since: ABI 1.2 */
BB_API BbTcgI32 bb_tcg_temp_i32(BbTcgContext *s);
/** bb_tcg_temp_i64() - a new temporary.  Since: ABI 1.2 */
BB_API BbTcgI64 bb_tcg_temp_i64(BbTcgContext *s);
/** bb_tcg_const_i32() - a constant operand.  Since: ABI 1.2 */
BB_API BbTcgI32 bb_tcg_const_i32(BbTcgContext *s, int32_t value);
/** bb_tcg_const_i64() - a constant operand.  Since: ABI 1.2 */
BB_API BbTcgI64 bb_tcg_const_i64(BbTcgContext *s, int64_t value);
/** bb_tcg_label() - a new label, to be placed once with
 * bb_tcg_set_label().  Since: ABI 1.2 */
BB_API BbTcgLabel bb_tcg_label(BbTcgContext *s);

/**
 * bb_tcg_emit() - append an op.  @args holds the operands in the order
 * the opcode documents: temp ids for values, then raw constant parameters
 * (offsets, conditions, label ids, memops, mmu indexes).  Use the typed
 * wrappers below.
 * Since: ABI 1.2
 */
BB_API void bb_tcg_emit(BbTcgContext *s, BbTcgOpcode op, unsigned nargs,
                        const uint64_t *args);

/**
 * bb_tcg_call() - call @helper.  @ret: the temp receiving the result, or
 * UINT32_MAX for none (also allowed for a helper that returns a value,
 * which is then dropped); @args: temp ids (BB_TCG_ARG_ENV for the env
 * pointer), @helper->nargs of them (may be NULL when that is 0).  The
 * helper struct is referenced, not copied: it must outlive the TB.
 * Since: ABI 1.2
 */
BB_API void bb_tcg_call(BbTcgContext *s, const BbTcgHelper *helper,
                        uint32_t ret, const uint32_t *args);

/* ------------------------------------------------------- typed wrappers */

#define BB_TCG_EMIT_(s, op, ...)                                              \
    do {                                                                      \
        const uint64_t a_[] = { __VA_ARGS__ };                                \
        bb_tcg_emit((s), (op), G_N_ELEMENTS(a_), a_);                         \
    } while (0)

#define BB_TCG_DEF_UNARY_(name, T, OP)                                        \
    static inline void bb_tcg_##name(BbTcgContext *s, T d, T a)              \
    { BB_TCG_EMIT_(s, OP, d.id, a.id); }
#define BB_TCG_DEF_BINARY_(name, T, OP)                                       \
    static inline void bb_tcg_##name(BbTcgContext *s, T d, T a, T b)         \
    { BB_TCG_EMIT_(s, OP, d.id, a.id, b.id); }

BB_TCG_DEF_UNARY_(mov_i32, BbTcgI32, BB_TCG_OP_MOV_I32)
BB_TCG_DEF_UNARY_(not_i32, BbTcgI32, BB_TCG_OP_NOT_I32)
BB_TCG_DEF_UNARY_(neg_i32, BbTcgI32, BB_TCG_OP_NEG_I32)
BB_TCG_DEF_UNARY_(bswap16_i32, BbTcgI32, BB_TCG_OP_BSWAP16_I32)
BB_TCG_DEF_UNARY_(bswap32_i32, BbTcgI32, BB_TCG_OP_BSWAP32_I32)
BB_TCG_DEF_UNARY_(ctpop_i32, BbTcgI32, BB_TCG_OP_CTPOP_I32)
BB_TCG_DEF_BINARY_(add_i32, BbTcgI32, BB_TCG_OP_ADD_I32)
BB_TCG_DEF_BINARY_(sub_i32, BbTcgI32, BB_TCG_OP_SUB_I32)
BB_TCG_DEF_BINARY_(mul_i32, BbTcgI32, BB_TCG_OP_MUL_I32)
BB_TCG_DEF_BINARY_(mulsh_i32, BbTcgI32, BB_TCG_OP_MULSH_I32)
BB_TCG_DEF_BINARY_(muluh_i32, BbTcgI32, BB_TCG_OP_MULUH_I32)
BB_TCG_DEF_BINARY_(div_i32, BbTcgI32, BB_TCG_OP_DIV_I32)
BB_TCG_DEF_BINARY_(divu_i32, BbTcgI32, BB_TCG_OP_DIVU_I32)
BB_TCG_DEF_BINARY_(rem_i32, BbTcgI32, BB_TCG_OP_REM_I32)
BB_TCG_DEF_BINARY_(remu_i32, BbTcgI32, BB_TCG_OP_REMU_I32)
BB_TCG_DEF_BINARY_(and_i32, BbTcgI32, BB_TCG_OP_AND_I32)
BB_TCG_DEF_BINARY_(or_i32, BbTcgI32, BB_TCG_OP_OR_I32)
BB_TCG_DEF_BINARY_(xor_i32, BbTcgI32, BB_TCG_OP_XOR_I32)
BB_TCG_DEF_BINARY_(shl_i32, BbTcgI32, BB_TCG_OP_SHL_I32)
BB_TCG_DEF_BINARY_(shr_i32, BbTcgI32, BB_TCG_OP_SHR_I32)
BB_TCG_DEF_BINARY_(sar_i32, BbTcgI32, BB_TCG_OP_SAR_I32)
BB_TCG_DEF_BINARY_(rotl_i32, BbTcgI32, BB_TCG_OP_ROTL_I32)
BB_TCG_DEF_BINARY_(rotr_i32, BbTcgI32, BB_TCG_OP_ROTR_I32)

BB_TCG_DEF_UNARY_(mov_i64, BbTcgI64, BB_TCG_OP_MOV_I64)
BB_TCG_DEF_UNARY_(not_i64, BbTcgI64, BB_TCG_OP_NOT_I64)
BB_TCG_DEF_UNARY_(neg_i64, BbTcgI64, BB_TCG_OP_NEG_I64)
BB_TCG_DEF_UNARY_(bswap16_i64, BbTcgI64, BB_TCG_OP_BSWAP16_I64)
BB_TCG_DEF_UNARY_(bswap32_i64, BbTcgI64, BB_TCG_OP_BSWAP32_I64)
BB_TCG_DEF_UNARY_(bswap64_i64, BbTcgI64, BB_TCG_OP_BSWAP64_I64)
BB_TCG_DEF_UNARY_(ctpop_i64, BbTcgI64, BB_TCG_OP_CTPOP_I64)
BB_TCG_DEF_UNARY_(ext8s_i64, BbTcgI64, BB_TCG_OP_EXT8S_I64)
BB_TCG_DEF_UNARY_(ext8u_i64, BbTcgI64, BB_TCG_OP_EXT8U_I64)
BB_TCG_DEF_UNARY_(ext16s_i64, BbTcgI64, BB_TCG_OP_EXT16S_I64)
BB_TCG_DEF_UNARY_(ext16u_i64, BbTcgI64, BB_TCG_OP_EXT16U_I64)
BB_TCG_DEF_UNARY_(ext32s_i64, BbTcgI64, BB_TCG_OP_EXT32S_I64)
BB_TCG_DEF_UNARY_(ext32u_i64, BbTcgI64, BB_TCG_OP_EXT32U_I64)
BB_TCG_DEF_BINARY_(add_i64, BbTcgI64, BB_TCG_OP_ADD_I64)
BB_TCG_DEF_BINARY_(sub_i64, BbTcgI64, BB_TCG_OP_SUB_I64)
BB_TCG_DEF_BINARY_(mul_i64, BbTcgI64, BB_TCG_OP_MUL_I64)
BB_TCG_DEF_BINARY_(mulsh_i64, BbTcgI64, BB_TCG_OP_MULSH_I64)
BB_TCG_DEF_BINARY_(muluh_i64, BbTcgI64, BB_TCG_OP_MULUH_I64)
BB_TCG_DEF_BINARY_(mulsuh_i64, BbTcgI64, BB_TCG_OP_MULSUH_I64)
BB_TCG_DEF_BINARY_(div_i64, BbTcgI64, BB_TCG_OP_DIV_I64)
BB_TCG_DEF_BINARY_(divu_i64, BbTcgI64, BB_TCG_OP_DIVU_I64)
BB_TCG_DEF_BINARY_(rem_i64, BbTcgI64, BB_TCG_OP_REM_I64)
BB_TCG_DEF_BINARY_(remu_i64, BbTcgI64, BB_TCG_OP_REMU_I64)
BB_TCG_DEF_BINARY_(and_i64, BbTcgI64, BB_TCG_OP_AND_I64)
BB_TCG_DEF_BINARY_(or_i64, BbTcgI64, BB_TCG_OP_OR_I64)
BB_TCG_DEF_BINARY_(xor_i64, BbTcgI64, BB_TCG_OP_XOR_I64)
BB_TCG_DEF_BINARY_(shl_i64, BbTcgI64, BB_TCG_OP_SHL_I64)
BB_TCG_DEF_BINARY_(shr_i64, BbTcgI64, BB_TCG_OP_SHR_I64)
BB_TCG_DEF_BINARY_(sar_i64, BbTcgI64, BB_TCG_OP_SAR_I64)
BB_TCG_DEF_BINARY_(rotl_i64, BbTcgI64, BB_TCG_OP_ROTL_I64)
BB_TCG_DEF_BINARY_(rotr_i64, BbTcgI64, BB_TCG_OP_ROTR_I64)

static inline void bb_tcg_setcond_i32(BbTcgContext *s, BbTcgCond c,
                                      BbTcgI32 d, BbTcgI32 a, BbTcgI32 b)
{ BB_TCG_EMIT_(s, BB_TCG_OP_SETCOND_I32, d.id, a.id, b.id, c); }
static inline void bb_tcg_setcond_i64(BbTcgContext *s, BbTcgCond c,
                                      BbTcgI64 d, BbTcgI64 a, BbTcgI64 b)
{ BB_TCG_EMIT_(s, BB_TCG_OP_SETCOND_I64, d.id, a.id, b.id, c); }
static inline void bb_tcg_movcond_i32(BbTcgContext *s, BbTcgCond c,
                                      BbTcgI32 d, BbTcgI32 c1, BbTcgI32 c2,
                                      BbTcgI32 v1, BbTcgI32 v2)
{ BB_TCG_EMIT_(s, BB_TCG_OP_MOVCOND_I32, d.id, c1.id, c2.id, v1.id, v2.id, c); }
static inline void bb_tcg_movcond_i64(BbTcgContext *s, BbTcgCond c,
                                      BbTcgI64 d, BbTcgI64 c1, BbTcgI64 c2,
                                      BbTcgI64 v1, BbTcgI64 v2)
{ BB_TCG_EMIT_(s, BB_TCG_OP_MOVCOND_I64, d.id, c1.id, c2.id, v1.id, v2.id, c); }
static inline void bb_tcg_deposit_i64(BbTcgContext *s, BbTcgI64 d,
                                      BbTcgI64 a, BbTcgI64 b, unsigned ofs,
                                      unsigned len)
{ BB_TCG_EMIT_(s, BB_TCG_OP_DEPOSIT_I64, d.id, a.id, b.id, ofs, len); }
static inline void bb_tcg_deposit_i32(BbTcgContext *s, BbTcgI32 d,
                                      BbTcgI32 a, BbTcgI32 b, unsigned ofs,
                                      unsigned len)
{ BB_TCG_EMIT_(s, BB_TCG_OP_DEPOSIT_I32, d.id, a.id, b.id, ofs, len); }
static inline void bb_tcg_extract_i64(BbTcgContext *s, BbTcgI64 d,
                                      BbTcgI64 a, unsigned ofs, unsigned len)
{ BB_TCG_EMIT_(s, BB_TCG_OP_EXTRACT_I64, d.id, a.id, ofs, len); }
static inline void bb_tcg_sextract_i64(BbTcgContext *s, BbTcgI64 d,
                                       BbTcgI64 a, unsigned ofs, unsigned len)
{ BB_TCG_EMIT_(s, BB_TCG_OP_SEXTRACT_I64, d.id, a.id, ofs, len); }
static inline void bb_tcg_extract_i32(BbTcgContext *s, BbTcgI32 d,
                                      BbTcgI32 a, unsigned ofs, unsigned len)
{ BB_TCG_EMIT_(s, BB_TCG_OP_EXTRACT_I32, d.id, a.id, ofs, len); }
static inline void bb_tcg_sextract_i32(BbTcgContext *s, BbTcgI32 d,
                                       BbTcgI32 a, unsigned ofs, unsigned len)
{ BB_TCG_EMIT_(s, BB_TCG_OP_SEXTRACT_I32, d.id, a.id, ofs, len); }
static inline void bb_tcg_clz_i64(BbTcgContext *s, BbTcgI64 d, BbTcgI64 a,
                                  BbTcgI64 zero)
{ BB_TCG_EMIT_(s, BB_TCG_OP_CLZ_I64, d.id, a.id, zero.id); }
static inline void bb_tcg_ctz_i64(BbTcgContext *s, BbTcgI64 d, BbTcgI64 a,
                                  BbTcgI64 zero)
{ BB_TCG_EMIT_(s, BB_TCG_OP_CTZ_I64, d.id, a.id, zero.id); }
static inline void bb_tcg_clz_i32(BbTcgContext *s, BbTcgI32 d, BbTcgI32 a,
                                  BbTcgI32 zero)
{ BB_TCG_EMIT_(s, BB_TCG_OP_CLZ_I32, d.id, a.id, zero.id); }
static inline void bb_tcg_ctz_i32(BbTcgContext *s, BbTcgI32 d, BbTcgI32 a,
                                  BbTcgI32 zero)
{ BB_TCG_EMIT_(s, BB_TCG_OP_CTZ_I32, d.id, a.id, zero.id); }

static inline void bb_tcg_extu_i32_i64(BbTcgContext *s, BbTcgI64 d,
                                       BbTcgI32 a)
{ BB_TCG_EMIT_(s, BB_TCG_OP_EXTU_I32_I64, d.id, a.id); }
static inline void bb_tcg_exts_i32_i64(BbTcgContext *s, BbTcgI64 d,
                                       BbTcgI32 a)
{ BB_TCG_EMIT_(s, BB_TCG_OP_EXTS_I32_I64, d.id, a.id); }
static inline void bb_tcg_extrl_i64_i32(BbTcgContext *s, BbTcgI32 d,
                                        BbTcgI64 a)
{ BB_TCG_EMIT_(s, BB_TCG_OP_EXTRL_I64_I32, d.id, a.id); }
static inline void bb_tcg_extrh_i64_i32(BbTcgContext *s, BbTcgI32 d,
                                        BbTcgI64 a)
{ BB_TCG_EMIT_(s, BB_TCG_OP_EXTRH_I64_I32, d.id, a.id); }

/* env access: OP is one of the BB_TCG_OP_LD*_I64 / ST*_I64 / LD_I32 /
 * ST_I32 ops; @offset is from the env pointer. */
static inline void bb_tcg_ld_env_i64(BbTcgContext *s, BbTcgOpcode op,
                                     BbTcgI64 v, size_t offset)
{ BB_TCG_EMIT_(s, op, v.id, offset); }
static inline void bb_tcg_st_env_i64(BbTcgContext *s, BbTcgOpcode op,
                                     BbTcgI64 v, size_t offset)
{ BB_TCG_EMIT_(s, op, v.id, offset); }
static inline void bb_tcg_ld_env_i32(BbTcgContext *s, BbTcgI32 v,
                                     size_t offset)
{ BB_TCG_EMIT_(s, BB_TCG_OP_LD_I32, v.id, offset); }
static inline void bb_tcg_st_env_i32(BbTcgContext *s, BbTcgI32 v,
                                     size_t offset)
{ BB_TCG_EMIT_(s, BB_TCG_OP_ST_I32, v.id, offset); }

static inline void bb_tcg_qemu_ld_i64(BbTcgContext *s, BbTcgI64 v,
                                      BbTcgI64 addr, unsigned mmu_idx,
                                      BbMemOp mop)
{ BB_TCG_EMIT_(s, BB_TCG_OP_QEMU_LD_I64, v.id, addr.id, mop, mmu_idx); }
static inline void bb_tcg_qemu_st_i64(BbTcgContext *s, BbTcgI64 v,
                                      BbTcgI64 addr, unsigned mmu_idx,
                                      BbMemOp mop)
{ BB_TCG_EMIT_(s, BB_TCG_OP_QEMU_ST_I64, v.id, addr.id, mop, mmu_idx); }
static inline void bb_tcg_qemu_ld_i32(BbTcgContext *s, BbTcgI32 v,
                                      BbTcgI64 addr, unsigned mmu_idx,
                                      BbMemOp mop)
{ BB_TCG_EMIT_(s, BB_TCG_OP_QEMU_LD_I32, v.id, addr.id, mop, mmu_idx); }
static inline void bb_tcg_qemu_st_i32(BbTcgContext *s, BbTcgI32 v,
                                      BbTcgI64 addr, unsigned mmu_idx,
                                      BbMemOp mop)
{ BB_TCG_EMIT_(s, BB_TCG_OP_QEMU_ST_I32, v.id, addr.id, mop, mmu_idx); }

static inline void bb_tcg_set_label(BbTcgContext *s, BbTcgLabel l)
{ BB_TCG_EMIT_(s, BB_TCG_OP_SET_LABEL, l.id); }
static inline void bb_tcg_br(BbTcgContext *s, BbTcgLabel l)
{ BB_TCG_EMIT_(s, BB_TCG_OP_BR, l.id); }
static inline void bb_tcg_brcond_i64(BbTcgContext *s, BbTcgCond c,
                                     BbTcgI64 a, BbTcgI64 b, BbTcgLabel l)
{ BB_TCG_EMIT_(s, BB_TCG_OP_BRCOND_I64, a.id, b.id, c, l.id); }
static inline void bb_tcg_brcond_i32(BbTcgContext *s, BbTcgCond c,
                                     BbTcgI32 a, BbTcgI32 b, BbTcgLabel l)
{ BB_TCG_EMIT_(s, BB_TCG_OP_BRCOND_I32, a.id, b.id, c, l.id); }
static inline void bb_tcg_insn_start(BbTcgContext *s, uint64_t pc,
                                     uint64_t extra)
{ BB_TCG_EMIT_(s, BB_TCG_OP_INSN_START, pc, extra); }
static inline void bb_tcg_goto_tb(BbTcgContext *s, unsigned slot)
{ BB_TCG_EMIT_(s, BB_TCG_OP_GOTO_TB, slot); }
static inline void bb_tcg_exit_tb(BbTcgContext *s, unsigned slot)
{ BB_TCG_EMIT_(s, BB_TCG_OP_EXIT_TB, slot); }
static inline void bb_tcg_lookup_and_goto(BbTcgContext *s)
{ BB_TCG_EMIT_(s, BB_TCG_OP_LOOKUP_AND_GOTO, 0); }

/* The parameter of a keyed lookup_and_goto (Since: ABI 2.1): bit 31 set,
 * the env offset of the CPU's 64-bit pc field in the bits below. */
#define BB_TCG_LOOKUP_KEYED (1u << 31)
#define BB_TCG_LOOKUP_KEY(pc_offset) (BB_TCG_LOOKUP_KEYED | (uint32_t)(pc_offset))

/**
 * bb_tcg_lookup_and_goto_keyed() - lookup_and_goto when the TB key is known.
 * @s: the TB being built
 * @pc_offset: offset of the CPU's 64-bit pc field in the instance struct
 *   (below 2^31), which the TB has just stored the target into
 *
 * Like bb_tcg_lookup_and_goto(), with a promise: the flags word get_tb_key
 * would return here is still the one the TB was translated with (nothing
 * in this TB changed privilege, MMU mode or any other flag), and
 * get_tb_key's pc is the field at @pc_offset.  A backend may then find
 * the next TB in the hart's jump cache without calling the host (x86-64
 * probes it inline).  Where the promise does not hold (an instruction
 * earlier in the TB changed a flag), use bb_tcg_lookup_and_goto().
 *
 * Since: ABI 2.1
 */
static inline void bb_tcg_lookup_and_goto_keyed(BbTcgContext *s,
                                                size_t pc_offset)
{ BB_TCG_EMIT_(s, BB_TCG_OP_LOOKUP_AND_GOTO, BB_TCG_LOOKUP_KEY(pc_offset)); }
static inline void bb_tcg_discard_i64(BbTcgContext *s, BbTcgI64 t)
{ BB_TCG_EMIT_(s, BB_TCG_OP_DISCARD, t.id); }
static inline void bb_tcg_discard_i32(BbTcgContext *s, BbTcgI32 t)
{ BB_TCG_EMIT_(s, BB_TCG_OP_DISCARD, t.id); }

G_END_DECLS

#endif /* BREADBOARD_TCG_H */
