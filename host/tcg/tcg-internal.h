/*
 * tcg-internal.h - the JIT's IR as the host stores it, and the contract
 * between the builder, the passes and the backends (host-internal).
 *
 * A BbTcgContext holds one translation block's ops in emission order and
 * its temps.  Temp ids index s->temps: the globals of the CPU type come
 * first (ids 0..nb_globals-1, the same in every TB), then constants and
 * temporaries in creation order.  Labels are numbered 0..nb_labels-1.
 *
 * Pipeline: the CPU plugin emits ops -> tcg_verify() (when
 * tcg_verify_enabled(): debug builds and the test suite; the
 * interpreter's compile always runs it) -> tcg_optimize() ->
 * a backend compiles (x86-64) or prepares (interpreter) a TcgCode ->
 * backend->exec() runs it.  Passes and backends may assume a verified
 * program; tcg_optimize() keeps it verifiable.  What every pure op
 * computes is defined once, in tcg-eval.h.
 */
#ifndef HOST_TCG_TCG_INTERNAL_H
#define HOST_TCG_TCG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/tcg.h>

#define TCG_MAX_OP_ARGS 10 /* call: helper, ret, up to 6 args, spare */
#define TCG_NB_MMU_IDX 16  /* guest memory ops: mmu_idx < TCG_NB_MMU_IDX */
#define TCG_MAX_ENV_OFFSET INT32_MAX /* env ops and globals: offsets fit
                                        a signed 32-bit displacement */

typedef enum {
    TEMP_GLOBAL = 1, /* backed by env + offset */
    TEMP_CONST,      /* value in .val */
    TEMP_NORMAL,     /* TB-local */
} TcgTempKind;

typedef struct TcgTemp {
    TcgTempKind kind;
    BbTcgType type;     /* I32 or I64 */
    int64_t val;        /* TEMP_CONST: the value (I32 sign-extended) */
    size_t env_offset;  /* TEMP_GLOBAL */
    const char *name;   /* TEMP_GLOBAL (static string) */
} TcgTemp;

typedef struct TcgOp {
    BbTcgOpcode opc;
    unsigned nargs;
    uint64_t args[TCG_MAX_OP_ARGS];
    /* BB_TCG_OP_CALL: args[0] = (uintptr_t)const BbTcgHelper *,
     * args[1] = ret temp id or UINT32_MAX, args[2..] = argument temp ids
     * (BB_TCG_ARG_ENV for env). */
} TcgOp;

/*
 * Per-TB scratch memory (tcg-arena.c): zeroed, 16-byte aligned bump
 * allocations from chunks that the context keeps.  A pass brackets its
 * allocations with tcg_arena_mark() / tcg_arena_release() (so that
 * running it twice on one TB does not grow the arena); the builder's
 * tcg_context_reset() empties it.  Nothing allocated here may outlive the
 * TB's translation: compiled code and TB metadata use the heap.
 */
typedef struct TcgArenaChunk TcgArenaChunk;
typedef struct TcgArena {
    TcgArenaChunk *first;
    TcgArenaChunk *cur;  /* NULL: nothing allocated since the reset */
} TcgArena;
typedef struct TcgArenaMark {
    TcgArenaChunk *chunk;
    size_t used;
} TcgArenaMark;

void *tcg_arena_alloc(TcgArena *a, size_t size);
TcgArenaMark tcg_arena_mark(const TcgArena *a);
void tcg_arena_release(TcgArena *a, TcgArenaMark m);
void tcg_arena_reset(TcgArena *a);
void tcg_arena_destroy(TcgArena *a);
/* Mark memory the host keeps but must not touch until it hands it out
 * again as unaddressable for AddressSanitizer or valgrind (when built
 * with either; no-ops otherwise), and back (contents undefined). */
void tcg_mem_poison(void *p, size_t n);
void tcg_mem_unpoison(void *p, size_t n);

/*
 * A growable array for a compile's own lists (the x86-64 backend's labels,
 * fixups, instruction marks, slow paths): in @arena when one is given
 * (nothing to free: the arena's release drops it), else on the heap
 * (tcg_vec_free()).  Appending through GArray cost a 64-bit division per
 * element plus a malloc/free pair per list and TB.  Zero-initialize the
 * TcgVec; pushed elements are uninitialized until written.
 */
typedef struct TcgVec {
    void *data;
    unsigned len, cap;
} TcgVec;

void tcg_vec_grow(TcgVec *v, TcgArena *arena, size_t elt);
void tcg_vec_free(TcgVec *v, TcgArena *arena);
static inline void *tcg_vec_push_(TcgVec *v, TcgArena *arena, size_t elt)
{
    if (v->len == v->cap) {
        tcg_vec_grow(v, arena, elt);
    }
    return (char *)v->data + (size_t)v->len++ * elt;
}
/* Append an element of type @T (contents undefined) and return it. */
#define tcg_vec_push(v, arena, T) ((T *)tcg_vec_push_((v), (arena), sizeof(T)))
#define tcg_vec_at(v, T, i) (&((T *)(v)->data)[i])

/* Builder-private: deduplicates constants per TB (tcg_const_new()).  Open
 * addressing over (value, id) slots; a slot belongs to this TB if its
 * stamp is the context's current one, so a reset needs no clearing. */
typedef struct TcgConstSlot {
    int64_t val;
    uint32_t id;
    uint32_t stamp;
} TcgConstSlot;
typedef struct TcgConstTable {
    TcgConstSlot *slots;
    unsigned mask;   /* slot count - 1 (a power of two) */
    unsigned count;  /* slots of this TB */
} TcgConstTable;

struct BbTcgGlobals {
    GArray *temps; /* TcgTemp, TEMP_GLOBAL only */
};

struct BbTcgContext {
    const BbTcgGlobals *globals;
    /* Plain arrays grown by doubling, kept across TBs (a reset only sets
     * the counts): appending through GArray cost a 64-bit division per
     * op in g_array_maybe_expand(), 6% of translation. */
    TcgTemp *temps;      /* globals, then consts and temps */
    unsigned nb_temps, temps_cap;
    TcgOp *ops;          /* in emission order */
    unsigned nb_ops, ops_cap;
    unsigned nb_globals;
    unsigned nb_labels;
    uint64_t pc_first;   /* guest PC of the TB (for dumps) */
    TcgConstTable consts[2]; /* builder-private: I32, I64 constants */
    uint32_t const_stamp;    /* this TB's stamp in consts[] */
    /* The passes' and backends' per-TB memory; a pointer so that passes
     * given a const context can allocate. */
    TcgArena *arena;
    /* Set by the exec loop before compiling a cached TB (reset clears
     * them): a keyed lookup_and_goto (BB_TCG_LOOKUP_KEYED) may probe the
     * hart's jump cache for (env's pc, tb_flags) inline. */
    bool keyed_lookup;
    uint64_t tb_flags;
    /* Set by the exec loop while it builds a TB (reset clears it): the TB
     * may use exit_tb TCG_EXIT_ENTRY. */
    bool entry_exit;
    /* Set by the exec loop (reset clears them): the TB starts with the
     * instruction-budget prologue of @budget_ops ops (docs/jit.md, "Kick
     * and budget"), and, with @loop_ok (a cached TB while chaining is
     * on), a backend may compile a goto_tb that the TB cache later
     * chains to this very TB as a loop that keeps guest registers and
     * the budget in host registers across the back edge (docs/jit.md,
     * "Self-loops"). */
    unsigned budget_ops;
    bool loop_ok;
    /* The liveness facts tcg_optimize()'s dead-code pass found, in the
     * arena, for the backend (tcg-pass.h, tcg_live_info()); NULL when
     * there are none.  Whatever changes the ops after tcg_optimize() must
     * clear it (tcg_op_push() and reset do). */
    struct TcgLiveInfo *live;
};

/* @n zeroed objects of type @T from @s's arena. */
#define tcg_scratch_new0(s, T, n)                                           \
    ((T *)tcg_arena_alloc((s)->arena, sizeof(T) * (size_t)(n)))

/* Static description of every opcode (tcg-ops.c). */
typedef struct TcgOpDef {
    const char *name;   /* "add_i64" */
    uint8_t nb_oargs;   /* value outputs */
    uint8_t nb_iargs;   /* value inputs */
    uint8_t nb_cargs;   /* constant parameters */
    BbTcgType type;     /* operand type of outputs/inputs (see tcg-ops.c
                           for the conversions, which mix types) */
    unsigned flags;     /* TCG_OPF_* */
} TcgOpDef;

#define TCG_OPF_BB_END (1u << 0)       /* ends a basic block (branch, exit) */
#define TCG_OPF_SIDE_EFFECTS (1u << 1) /* never removed by DCE */
#define TCG_OPF_MAY_RAISE (1u << 2)    /* guest memory access */
#define TCG_OPF_CALL (1u << 3)         /* variable operands */

extern const TcgOpDef tcg_op_defs[BB_TCG_OP__COUNT];

/*
 * Operand layout, as every pass and backend reads it: args[0 .. nb_oargs)
 * are output temp ids, then nb_iargs input temp ids, then nb_cargs raw
 * constant parameters.  tcg_op_arg_type() gives the exact type of value
 * operand @i (0-based over outputs then inputs): it differs from
 * TcgOpDef.type only for the ops that mix widths:
 *   ext{u,s}_i32_i64           out I64, in I32
 *   extr{l,h}_i64_i32          out I32, in I64
 *   qemu_{ld,st}_i32           value I32, address I64
 *   qemu_{ld,st}_i64           value I64, address I64
 * DISCARD has one "output" of either type (type VOID in the table).  CALL
 * (TCG_OPF_CALL) has nb_oargs = nb_iargs = nb_cargs = 0 in the table; use
 * tcg_call_*() below.  Env ops (ld and st) take the value operand and an
 * offset parameter; an env access must not overlap a declared global's
 * field (the verifier rejects it), because globals may live in host
 * registers inside a TB.
 */
BbTcgType tcg_op_arg_type(BbTcgOpcode opc, unsigned i);

/* The operands of a CALL op (args[0] = helper, args[1] = ret, then args). */
static inline const BbTcgHelper *tcg_call_helper(const TcgOp *op)
{
    return (const BbTcgHelper *)(uintptr_t)op->args[0];
}
static inline uint32_t tcg_call_ret(const TcgOp *op)
{
    return (uint32_t)op->args[1];
}

/* Error domain of the JIT (host-internal; codes are BbErrorCode values,
 * the verifier uses BB_ERROR_INVALID). */
GQuark tcg_error_quark(void);
#define TCG_ERROR (tcg_error_quark())

/* ------------------------------------------------------------ builder */

BbTcgContext *tcg_context_new(const BbTcgGlobals *globals);
/* Drop the ops and TB-local temps, keep the allocation for the next TB. */
void tcg_context_reset(BbTcgContext *s);
void tcg_context_free(BbTcgContext *s);
void bb_tcg_globals_free(BbTcgGlobals *g);
/* Type-generic temp and constant creation, for passes and backends.  A
 * constant is never written by any op (the verifier checks), so equal
 * constants share one id. */
uint32_t tcg_temp_new(BbTcgContext *s, BbTcgType type);
uint32_t tcg_const_new(BbTcgContext *s, BbTcgType type, int64_t value);
/* Append a zeroed op (the builder and tests that bypass its checks). */
TcgOp *tcg_op_push(BbTcgContext *s);
static inline unsigned tcg_nb_temps(const BbTcgContext *s)
{
    return s->nb_temps;
}
static inline unsigned tcg_nb_ops(const BbTcgContext *s)
{
    return s->nb_ops;
}
static inline const TcgTemp *tcg_temp(const BbTcgContext *s, uint32_t id)
{
    return &s->temps[id];
}
static inline TcgOp *tcg_op(BbTcgContext *s, unsigned i)
{
    return &s->ops[i];
}

/* ------------------------------------------------------------ passes */

/* Check types, def-before-use of temps (globals and consts are always
 * defined; a temp read must be written earlier on every path - checked
 * conservatively in op order), label placement (each used label set
 * exactly once), operand counts and constant ranges. */
bool tcg_verify(const BbTcgContext *s, GError **error);
/* Does the pipeline call tcg_verify() on every TB (the exec loop before
 * optimizing, the x86-64 backend before compiling)?  BB_TCG_VERIFY=1/0
 * in the environment, else on only in builds without NDEBUG.  The
 * interpreter always verifies (it is the reference, and cheap to keep
 * safe).  tcg_verify_set_enabled() overrides it (unit tests, benches). */
bool tcg_verify_enabled(void);
void tcg_verify_set_enabled(bool on);
/* Constant folding and propagation, copy propagation, dead-code
 * elimination; semantics-preserving for every program tcg_verify()
 * accepts. */
void tcg_optimize(BbTcgContext *s);
/* Human-readable listing (-d op / op_opt). */
void tcg_dump(const BbTcgContext *s, GString *out);

/* ------------------------------------------------------------ execution */

/*
 * What generated code needs from the world while it runs: guest memory
 * (a TLB for the inline fast path, and callbacks for everything else: the
 * softmmu slow path) and TB lookup for BB_TCG_OP_LOOKUP_AND_GOTO.
 * Memory callbacks may not return normally when the access faults: they
 * leave through the exec loop's unwinding (siglongjmp), after which the
 * CPU restores its PC from the insn_start markers.
 */
/* A compiled/prepared TB; each backend defines the struct privately and
 * only its own functions may be given one. */
typedef struct TcgCode TcgCode;
/* A hart's TLBs, one per MMU index (layout in softmmu.h). */
typedef struct TlbTable TlbTable;
/* A hart's jump cache as generated code sees it (tb-cache.h). */
typedef struct TbJumpProbe TbJumpProbe;
/*
 * load returns the accessed value in its low bits (zero above the access
 * size is fine, anything there is ignored); the backend applies
 * BB_MO_SIGN itself.  store receives the value truncated to the access
 * size.  Both receive the full memop, including BB_MO_ALIGN, which they
 * enforce.
 *
 * With a TLB (softmmu.h), a backend first looks the access up there and
 * calls load/store only when the tag compare fails (miss, flagged entry,
 * misaligned address); a hit reads or writes host memory at addr +
 * addend.  Without one (NULL) every access calls load/store.
 * softmmu_init_runtime() fills in these four fields for a hart.
 */
typedef struct TcgRuntime {
    uint64_t (*load)(void *opaque, uint64_t addr, BbMemOp mop,
                     unsigned mmu_idx);
    void (*store)(void *opaque, uint64_t addr, uint64_t value, BbMemOp mop,
                  unsigned mmu_idx);
    void *opaque;
    const TlbTable *tlb; /* the hart's TLBs, or NULL */
    /*
     * Optional (NULL: lookup_and_goto always returns TCG_EXIT_LOOKUP).
     * Called by lookup_and_goto with the env pointer once the globals are
     * in env: the code of the TB to continue with (of the same backend,
     * entered like a chained goto_tb), or NULL to return TCG_EXIT_LOOKUP.
     * Backends that cannot switch code within a run (the interpreter)
     * ignore it and leave the lookup to the exec loop.
     */
    const TcgCode *(*lookup)(void *env);
    /*
     * Optional (NULL: no inline probe): the hart's jump cache, which a
     * keyed lookup_and_goto compiled with BbTcgContext.keyed_lookup
     * probes before calling lookup.  A hit is an entry whose stamp is
     * current, whose pc and flags are the key and whose host entry
     * (TcgBackend.goto_entry) is set; generated code then jumps there
     * (the TB's prologue checks the budget) after checking env's
     * exit_request and interrupt_request, as lookup would.
     */
    const TbJumpProbe *jc;
    /*
     * Optional (NULL: not reported).  Set by backends whose exec() may run
     * several chained TBs (x86-64) after every run: on TCG_EXIT_SLOT0/1
     * and TCG_EXIT_ENTRY, the owner tag of the TB that took the exit
     * (tcg_x86_64_set_owner(), NULL if untagged); NULL after any other
     * exit.
     */
    void **exit_owner;
} TcgRuntime;

/* How a TB run ended. */
typedef enum {
    TCG_EXIT_SLOT0 = 0, /* exit_tb 0 (after goto_tb 0 was not chained) */
    TCG_EXIT_SLOT1 = 1,
    TCG_EXIT_NOCHAIN = 2,
    TCG_EXIT_LOOKUP = 3, /* lookup_and_goto found nothing chained */
    /* Host-internal, never from a plugin: the TB left at its entry (its
     * budget prologue found the budget spent) without running; the exec
     * loop gives its length back and restores its pc (exec.c).  Only an
     * exit_tb of a context with .entry_exit set may use it; x86-64 code
     * reports the TB that took it like exits 0/1 (exit_owner). */
    TCG_EXIT_ENTRY = 4,
} TcgExit;


typedef struct TcgBackend {
    const char *name; /* "jit", "interp" */
    TcgCode *(*compile)(BbTcgContext *s, GError **error);
    TcgExit (*exec)(TcgCode *code, void *env, const TcgRuntime *rt);
    void (*free)(TcgCode *code);
    /* Optional, for backends that patch direct jumps between TBs: point
     * goto_tb @slot of @from at @to / back at its own exit. */
    bool (*chain)(TcgCode *from, unsigned slot, const TcgCode *to);
    bool (*unchain)(TcgCode *from, unsigned slot);
    /* Optional: empty the backend's code buffer (all its code is stale). */
    void (*flush)(void);
    /* Optional: whether a compile @error means "code buffer full": the
     * caller flushes and compiles again. */
    bool (*error_is_full)(const GError *error);
    /* Optional, for backends that run host code: the host addresses
     * [*start, *start + *size) of @code, so the TB cache can map a host
     * return address back to its TB. */
    void (*host_range)(const TcgCode *code, uintptr_t *start, size_t *size);
    /* Optional, for backends whose generated code probes the jump cache
     * (TcgRuntime.jc): the host address a keyed lookup_and_goto of this
     * backend jumps to for @code, or NULL. */
    const void *(*goto_entry)(const TcgCode *code);
} TcgBackend;

extern const TcgBackend tcg_backend_interp; /* host/tcg/interp/ */
extern const TcgBackend tcg_backend_x86_64; /* host/tcg/x86_64/ */

#endif /* HOST_TCG_TCG_INTERNAL_H */
