/*
 * interp.c - tcg_backend_interp, the portable IR interpreter: the backend
 * for hosts without a code generator and the oracle of the differential
 * tests.  "Compiling" verifies the TB, copies its ops, resolves label ids
 * to op indexes and records per op how tcg-eval.h computes it (so the
 * interpreter and the constant folder share every op's semantics).
 * Running keeps TB-local temps and constants in a uint64_t array (i32
 * values zero-extended), reads and writes globals directly in env at
 * their offsets (i32 globals are 32-bit fields), reaches guest memory
 * through the TcgRuntime's TLB (softmmu.h) or, on a miss, its callbacks,
 * and calls helpers through function pointers with up to six integer
 * arguments (SysV: an i32 argument is passed zero-extended in a 64-bit
 * register, the env pointer as itself).
 */
#include <string.h>

#include "tcg/interp/interp.h"
#include "tcg/softmmu.h"
#include "tcg/tcg-eval.h"

#define STACK_TEMPS 1024 /* larger TBs keep their temps on the heap */

typedef struct InterpOp {
    TcgOp op;          /* labels replaced by op indexes */
    uint8_t kind;      /* TcgEvalKind */
    uint8_t nb_iargs;  /* pure ops: inputs follow the one output */
} InterpOp;

struct TcgCode {
    unsigned nb_ops;
    InterpOp *ops;
    unsigned nb_temps;
    unsigned nb_globals;
    size_t *env_offset;  /* per global */
    bool *is32;          /* per temp */
    uint64_t *init;      /* initial temp values: the constants */
    uint64_t last_pc;    /* last insn_start pc (racy when shared) */
    uint64_t last_extra; /* and its extra word */
};

/* ------------------------------------------------------------ compile */

static void resolve_labels(TcgCode *c)
{
    g_autofree unsigned *label_op = NULL;
    unsigned nb_labels = 0;

    for (unsigned i = 0; i < c->nb_ops; i++) {
        if (c->ops[i].op.opc == BB_TCG_OP_SET_LABEL) {
            nb_labels = MAX(nb_labels, (unsigned)c->ops[i].op.args[0] + 1);
        }
    }
    label_op = g_new0(unsigned, nb_labels + 1);
    for (unsigned i = 0; i < c->nb_ops; i++) {
        if (c->ops[i].op.opc == BB_TCG_OP_SET_LABEL) {
            label_op[c->ops[i].op.args[0]] = i;
        }
    }
    for (unsigned i = 0; i < c->nb_ops; i++) {
        TcgOp *op = &c->ops[i].op;

        if (op->opc == BB_TCG_OP_BR) {
            op->args[0] = label_op[op->args[0]];
        } else if (op->opc == BB_TCG_OP_BRCOND_I32 ||
                   op->opc == BB_TCG_OP_BRCOND_I64) {
            op->args[3] = label_op[op->args[3]];
        }
    }
}

static void prepare_temps(TcgCode *c, const BbTcgContext *s)
{
    c->nb_temps = s->nb_temps;
    c->nb_globals = s->nb_globals;
    c->env_offset = g_new0(size_t, c->nb_globals + 1);
    c->is32 = g_new0(bool, c->nb_temps + 1);
    c->init = g_new0(uint64_t, c->nb_temps + 1);
    for (unsigned i = 0; i < c->nb_temps; i++) {
        const TcgTemp *t = tcg_temp(s, i);

        c->is32[i] = t->type == BB_TCG_TYPE_I32;
        if (t->kind == TEMP_GLOBAL) {
            c->env_offset[i] = t->env_offset;
        } else if (t->kind == TEMP_CONST) {
            c->init[i] = c->is32[i] ? (uint32_t)t->val : (uint64_t)t->val;
        }
    }
}

static TcgCode *interp_compile(BbTcgContext *s, GError **error)
{
    TcgCode *c;

    if (!tcg_verify(s, error)) {
        return NULL;
    }
    c = g_new0(TcgCode, 1);
    c->nb_ops = s->nb_ops;
    c->ops = g_new0(InterpOp, c->nb_ops + 1);
    for (unsigned i = 0; i < c->nb_ops; i++) {
        InterpOp *io = &c->ops[i];

        io->op = *tcg_op(s, i);
        io->kind = tcg_eval_kind(io->op.opc);
        if (io->kind != TCG_EVAL_NONE) {
            io->nb_iargs = tcg_op_defs[io->op.opc].nb_iargs;
        }
    }
    resolve_labels(c);
    prepare_temps(c, s);
    return c;
}

static void interp_free(TcgCode *c)
{
    if (!c) {
        return;
    }
    g_free(c->ops);
    g_free(c->env_offset);
    g_free(c->is32);
    g_free(c->init);
    g_free(c);
}

uint64_t tcg_interp_last_pc(const TcgCode *code)
{
    return code->last_pc;
}

uint64_t tcg_interp_last_extra(const TcgCode *code)
{
    return code->last_extra;
}

/* ------------------------------------------------------------ values */

typedef struct Frame {
    TcgCode *c;
    uint64_t *v;
    uint8_t *env;
    const TcgRuntime *rt;
} Frame;

static inline uint64_t rd(const Frame *f, uint64_t id)
{
    if (id < f->c->nb_globals) {
        const uint8_t *p = f->env + f->c->env_offset[id];

        if (f->c->is32[id]) {
            uint32_t x;
            memcpy(&x, p, sizeof(x));
            return x;
        } else {
            uint64_t x;
            memcpy(&x, p, sizeof(x));
            return x;
        }
    }
    return f->v[id];
}

static inline void wr(const Frame *f, uint64_t id, uint64_t val)
{
    if (id < f->c->nb_globals) {
        uint8_t *p = f->env + f->c->env_offset[id];

        if (f->c->is32[id]) {
            uint32_t x = (uint32_t)val;
            memcpy(p, &x, sizeof(x));
        } else {
            memcpy(p, &val, sizeof(val));
        }
        return;
    }
    f->v[id] = f->c->is32[id] ? (uint32_t)val : val;
}

/* ------------------------------------------------------------ env */

static uint64_t env_load(const Frame *f, BbTcgOpcode opc, uint64_t ofs)
{
    const uint8_t *p = f->env + ofs;
    uint8_t b8;
    uint16_t b16;
    uint32_t b32;
    uint64_t b64;

    switch (opc) {
    case BB_TCG_OP_LD8U_I64: memcpy(&b8, p, 1); return b8;
    case BB_TCG_OP_LD8S_I64: memcpy(&b8, p, 1); return (uint64_t)(int8_t)b8;
    case BB_TCG_OP_LD16U_I64: memcpy(&b16, p, 2); return b16;
    case BB_TCG_OP_LD16S_I64:
        memcpy(&b16, p, 2);
        return (uint64_t)(int16_t)b16;
    case BB_TCG_OP_LD32U_I64: case BB_TCG_OP_LD_I32:
        memcpy(&b32, p, 4);
        return b32;
    case BB_TCG_OP_LD32S_I64:
        memcpy(&b32, p, 4);
        return (uint64_t)(int32_t)b32;
    default:
        memcpy(&b64, p, 8);
        return b64;
    }
}

static void env_store(const Frame *f, BbTcgOpcode opc, uint64_t ofs,
                      uint64_t val)
{
    uint8_t *p = f->env + ofs;
    uint8_t b8 = (uint8_t)val;
    uint16_t b16 = (uint16_t)val;
    uint32_t b32 = (uint32_t)val;

    switch (opc) {
    case BB_TCG_OP_ST8_I64: memcpy(p, &b8, 1); break;
    case BB_TCG_OP_ST16_I64: memcpy(p, &b16, 2); break;
    case BB_TCG_OP_ST32_I64: case BB_TCG_OP_ST_I32: memcpy(p, &b32, 4); break;
    default: memcpy(p, &val, 8); break;
    }
}

/* ------------------------------------------------------------ guest memory */

static uint64_t mem_extend(uint64_t raw, BbMemOp mop)
{
    unsigned bits = 8u << (mop & BB_MO_SIZE);

    if (bits == 64) {
        return raw;
    }
    return mop & BB_MO_SIGN ? (uint64_t)tcg_eval_sext(raw, bits)
                            : raw & tcg_eval_mask(bits);
}

/* With a TLB, the same test as the x86-64 fast path (tlb_hit(): a tag
 * compare that fails for misses, flagged entries and misaligned
 * addresses); the callbacks only on a failed compare. */
static void mem_load(const Frame *f, const TcgOp *op)
{
    BbMemOp mop = (BbMemOp)op->args[2];
    unsigned mmu_idx = (unsigned)op->args[3];
    uint64_t addr = rd(f, op->args[1]), raw = 0;
    void *host = NULL;

    if (f->rt && f->rt->tlb) {
        host = tlb_hit(f->rt->tlb, addr, 1u << (mop & BB_MO_SIZE), mmu_idx,
                       false);
    }
    if (host) {
        memcpy(&raw, host, 1u << (mop & BB_MO_SIZE)); /* little-endian */
    } else if (f->rt && f->rt->load) {
        raw = f->rt->load(f->rt->opaque, addr, mop, mmu_idx);
    }
    wr(f, op->args[0], mem_extend(raw, mop));
}

static void mem_store(const Frame *f, const TcgOp *op)
{
    BbMemOp mop = (BbMemOp)op->args[2];
    unsigned mmu_idx = (unsigned)op->args[3];
    uint64_t val = mem_extend(rd(f, op->args[0]), mop & BB_MO_SIZE);
    uint64_t addr = rd(f, op->args[1]);
    void *host = NULL;

    if (f->rt && f->rt->tlb) {
        host = tlb_hit(f->rt->tlb, addr, 1u << (mop & BB_MO_SIZE), mmu_idx,
                       true);
    }
    if (host) {
        memcpy(host, &val, 1u << (mop & BB_MO_SIZE));
    } else if (f->rt && f->rt->store) {
        f->rt->store(f->rt->opaque, addr, val, mop, mmu_idx);
    }
}

/* ------------------------------------------------------------ calls */

typedef uint64_t (*Fn0)(void);
typedef uint64_t (*Fn1)(uint64_t);
typedef uint64_t (*Fn2)(uint64_t, uint64_t);
typedef uint64_t (*Fn3)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*Fn4)(uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*Fn5)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*Fn6)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                        uint64_t);

static uint64_t call_fn(void *fn, unsigned n, const uint64_t *a)
{
    switch (n) {
    case 0: return ((Fn0)fn)();
    case 1: return ((Fn1)fn)(a[0]);
    case 2: return ((Fn2)fn)(a[0], a[1]);
    case 3: return ((Fn3)fn)(a[0], a[1], a[2]);
    case 4: return ((Fn4)fn)(a[0], a[1], a[2], a[3]);
    case 5: return ((Fn5)fn)(a[0], a[1], a[2], a[3], a[4]);
    default: return ((Fn6)fn)(a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}

static void call_helper(const Frame *f, const TcgOp *op)
{
    const BbTcgHelper *h = tcg_call_helper(op);
    uint64_t a[BB_TCG_MAX_HELPER_ARGS] = { 0 }, r;

    for (unsigned i = 0; i < h->nargs; i++) {
        uint64_t id = op->args[2 + i];
        a[i] = id == BB_TCG_ARG_ENV ? (uint64_t)(uintptr_t)f->env
                                    : rd(f, id);
    }
    r = call_fn(h->fn, h->nargs, a);
    if (tcg_call_ret(op) != UINT32_MAX) {
        wr(f, tcg_call_ret(op), r);
    }
}

/* ------------------------------------------------------------ run */

static inline uint64_t run_pure(const Frame *f, const InterpOp *io)
{
    uint64_t in[4] = { 0 };

    for (unsigned k = 0; k < io->nb_iargs; k++) {
        in[k] = rd(f, io->op.args[1 + k]);
    }
    return tcg_eval_kinded((TcgEvalKind)io->kind, io->op.opc, in,
                           &io->op.args[1 + io->nb_iargs]);
}

static bool run_brcond(const Frame *f, const TcgOp *op)
{
    return tcg_eval_cond((BbTcgCond)op->args[2], rd(f, op->args[0]),
                         rd(f, op->args[1]),
                         op->opc == BB_TCG_OP_BRCOND_I64);
}

/*
 * One case per pure op with the opcode as a constant, so the compiler
 * inlines the tcg-eval.h evaluator down to the op's own code; any pure op
 * missing from these lists still runs through run_pure().
 */
#define R(i) rd(f, op->args[i])
#define CASE_BIN32(x)                                                         \
    case BB_TCG_OP_##x##_I32: {                                               \
        uint32_t d_ = 0;                                                      \
        tcg_eval_bin32(BB_TCG_OP_##x##_I32, (uint32_t)R(1), (uint32_t)R(2),   \
                       &d_);                                                  \
        wr(f, op->args[0], d_);                                               \
        break;                                                                \
    }
#define CASE_BIN64(x)                                                         \
    case BB_TCG_OP_##x##_I64: {                                               \
        uint64_t d_ = 0;                                                      \
        tcg_eval_bin64(BB_TCG_OP_##x##_I64, R(1), R(2), &d_);                 \
        wr(f, op->args[0], d_);                                               \
        break;                                                                \
    }
#define CASE_UNARY(opc)                                                       \
    case opc: {                                                               \
        uint64_t d_ = 0;                                                      \
        tcg_eval_unary(opc, R(1), &d_);                                       \
        wr(f, op->args[0], d_);                                               \
        break;                                                                \
    }
#define CASE_BIN(x) CASE_BIN32(x) CASE_BIN64(x)
#define CASE_UNARY2(x) CASE_UNARY(BB_TCG_OP_##x##_I32)                        \
                       CASE_UNARY(BB_TCG_OP_##x##_I64)

static TcgExit run(Frame *f)
{
    const InterpOp *ops = f->c->ops;
    unsigned n = f->c->nb_ops;

    for (unsigned pc = 0; pc < n;) {
        const InterpOp *io = &ops[pc++];
        const TcgOp *op = &io->op;

        switch (op->opc) {
        CASE_BIN(ADD) CASE_BIN(SUB) CASE_BIN(MUL) CASE_BIN(AND)
        CASE_BIN(OR) CASE_BIN(XOR) CASE_BIN(SHL) CASE_BIN(SHR)
        CASE_BIN(SAR) CASE_BIN(ROTL) CASE_BIN(ROTR)
        CASE_UNARY2(MOV) CASE_UNARY2(NOT) CASE_UNARY2(NEG)
        CASE_UNARY(BB_TCG_OP_EXT32S_I64) CASE_UNARY(BB_TCG_OP_EXT32U_I64)
        CASE_UNARY(BB_TCG_OP_EXTU_I32_I64) CASE_UNARY(BB_TCG_OP_EXTS_I32_I64)
        CASE_UNARY(BB_TCG_OP_EXTRL_I64_I32)
        case BB_TCG_OP_BRCOND_I32: case BB_TCG_OP_BRCOND_I64:
            if (run_brcond(f, op)) {
                pc = (unsigned)op->args[3];
            }
            break;
        case BB_TCG_OP_BR: pc = (unsigned)op->args[0]; break;
        case BB_TCG_OP_LD8U_I64: case BB_TCG_OP_LD8S_I64:
        case BB_TCG_OP_LD16U_I64: case BB_TCG_OP_LD16S_I64:
        case BB_TCG_OP_LD32U_I64: case BB_TCG_OP_LD32S_I64:
        case BB_TCG_OP_LD_I64: case BB_TCG_OP_LD_I32:
            wr(f, op->args[0], env_load(f, op->opc, op->args[1]));
            break;
        case BB_TCG_OP_ST8_I64: case BB_TCG_OP_ST16_I64:
        case BB_TCG_OP_ST32_I64: case BB_TCG_OP_ST_I64:
        case BB_TCG_OP_ST_I32:
            env_store(f, op->opc, op->args[1], rd(f, op->args[0]));
            break;
        case BB_TCG_OP_QEMU_LD_I32: case BB_TCG_OP_QEMU_LD_I64:
            mem_load(f, op);
            break;
        case BB_TCG_OP_QEMU_ST_I32: case BB_TCG_OP_QEMU_ST_I64:
            mem_store(f, op);
            break;
        case BB_TCG_OP_CALL: call_helper(f, op); break;
        case BB_TCG_OP_INSN_START:
            f->c->last_pc = op->args[0];
            f->c->last_extra = op->args[1];
            break;
        case BB_TCG_OP_EXIT_TB: return (TcgExit)op->args[0];
        case BB_TCG_OP_LOOKUP_AND_GOTO: return TCG_EXIT_LOOKUP;
        default:
            if (io->kind != TCG_EVAL_NONE) {
                wr(f, op->args[0], run_pure(f, io));
            }
            break; /* set_label, goto_tb, discard */
        }
    }
    return TCG_EXIT_NOCHAIN;
}

#undef R
#undef CASE_BIN32
#undef CASE_BIN64
#undef CASE_UNARY
#undef CASE_BIN
#undef CASE_UNARY2

static TcgExit interp_exec(TcgCode *c, void *env, const TcgRuntime *rt)
{
    uint64_t stack[STACK_TEMPS];
    /* A heap frame leaks if a memory callback unwinds: TBs that large are
     * not produced by the CPU plugins (TODO: a per-thread frame pool). */
    g_autofree uint64_t *heap = c->nb_temps > STACK_TEMPS
                                    ? g_new(uint64_t, c->nb_temps) : NULL;
    Frame f = { .c = c, .v = heap ? heap : stack, .env = env, .rt = rt };

    memcpy(f.v, c->init, c->nb_temps * sizeof(uint64_t));
    return run(&f);
}

const TcgBackend tcg_backend_interp = {
    .name = "interp",
    .compile = interp_compile,
    .exec = interp_exec,
    .free = interp_free,
};
