/*
 * x86-backend.c - tcg_backend_x86_64: compiles a verified TB into x86-64
 * code in the shared code buffer and runs it.  The buffer starts with two
 * shared stubs, emitted once:
 *   prologue  push rbp, rbx, r12-r15; reserve the frame (spill slots and
 *             the TcgRuntime pointer); rbp = env; jump to the TB body (rdx)
 *   epilogue  release the frame, pop, return eax (a TcgExit) and rdx
 *             (after exit_tb 0/1: the X86Code of the TB that took it)
 * Each TB starts with "lea rdx, [body]; jmp prologue", so its entry is a
 * SysV function TcgExit fn(void *env, const TcgRuntime *rt), and chained
 * TBs (goto_tb) enter each other's body directly with the frame in place.
 * The compile driver walks the ops in order, places labels (syncing the
 * fall-through edge first), hands each op to the lowering and the
 * register allocator, and records insn_start and goto_tb positions.
 */
#include <cpuid.h>
#include <string.h>

#include <breadboard/error.h>

#include "tcg/softmmu.h"
#include "tcg/x86_64/tcg-x86_64.h"
#include "tcg/x86_64/x86-codebuf.h"
#include "tcg/x86_64/x86-gen.h"

#define DEFAULT_BUFFER_SIZE (64u << 20)
#define ENTRY_STUB_SIZE X86_ENTRY_STUB_SIZE

/* A block of X86Codes (code_new()). */
typedef struct CodeChunk {
    struct CodeChunk *next;
    size_t used, size;
    uint8_t data[];
} CodeChunk;

#define CODE_CHUNK_SIZE (256u << 10)

/* The process-wide JIT state: one code buffer shared by every TB. */
static struct {
    GMutex lock;
    bool probed;
    unsigned host_features;
    unsigned features;       /* those compiles may use */
    X86CodeBuffer *buf;
    uintptr_t prologue, epilogue;
    unsigned live;           /* TcgCodes not yet freed */
    /* Where X86Codes live: bump-allocated like the code they describe and,
     * like it, reclaimed only wholesale, when no TcgCode is live.  A
     * malloc per TB and a free per TB at the end cost 3-4% of translating
     * code that runs once; freed TBs' X86Codes stay until then, which is
     * bounded by the code buffer (one per TB in it). */
    CodeChunk *chunks;       /* newest first */
} jit;

/* Zeroed, 16-byte aligned room for @size bytes of X86Code; jit.lock held.
 * Undone by code_chunks_reset(). */
static void *code_chunk_alloc(size_t size)
{
    CodeChunk *c = jit.chunks;
    void *p;

    size = (size + 15) & ~(size_t)15;
    if (!c || c->size - c->used < size) {
        size_t n = MAX(CODE_CHUNK_SIZE, size);

        c = g_malloc(sizeof(CodeChunk) + n);
        c->next = jit.chunks;
        c->used = 0;
        c->size = n;
        jit.chunks = c;
    }
    p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

/* Give back the last code_chunk_alloc() of @size bytes at @p (a failed
 * compile); jit.lock held. */
static void code_chunk_unalloc(void *p, size_t size)
{
    CodeChunk *c = jit.chunks;

    size = (size + 15) & ~(size_t)15;
    if (c && (uint8_t *)p + size == c->data + c->used) {
        c->used -= size;
    }
}

/* No X86Code is live: free them all; jit.lock held. */
static void code_chunks_reset(void)
{
    while (jit.chunks) {
        CodeChunk *c = jit.chunks;

        jit.chunks = c->next;
        g_free(c);
    }
}

/* ------------------------------------------------------------ setup */

static void probe_features(void)
{
    unsigned a, b, c, d;

    if (jit.probed) {
        return;
    }
    jit.probed = true;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_POPCNT)) {
        jit.host_features |= TCG_X86_64_FEAT_POPCNT;
    }
    jit.features = jit.host_features;
}

static void emit_stubs(X86Asm *a)
{
    static const X86Reg saved[] = {
        X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
    };

    jit.prologue = x86_asm_rx(a);
    for (unsigned i = 0; i < G_N_ELEMENTS(saved); i++) {
        x86_push(a, saved[i]);
    }
    x86_alu_ri(a, true, X86_SUB, X86_RSP, X86_FRAME_SIZE);
    x86_store(a, 8, X86_RSI, X86_RSP, X86_RT_OFFSET);
    x86_load(a, 8, false, true, X86_RAX, X86_RSI,
             (int32_t)offsetof(TcgRuntime, tlb));
    /* The TLB masks, 8 bytes at a time (rcx is free: not an argument). */
    for (int32_t o = 0; o < X86_TLB_MASK_SIZE; o += 8) {
        x86_load(a, 8, false, true, X86_RCX, X86_RAX,
                 (int32_t)offsetof(TlbTable, mask) + o);
        x86_store(a, 8, X86_RCX, X86_RSP, X86_TLB_MASK_OFFSET + o);
    }
    x86_alu_ri(a, true, X86_ADD, X86_RAX, (int32_t)offsetof(TlbTable, e));
    x86_store(a, 8, X86_RAX, X86_RSP, X86_TLB_OFFSET);
    x86_mov_rr(a, true, X86_ENV_REG, X86_RDI);
    x86_jmp_reg(a, X86_RDX);

    x86_align(a, 16, 0);
    jit.epilogue = x86_asm_rx(a);
    x86_alu_ri(a, true, X86_ADD, X86_RSP, X86_FRAME_SIZE);
    for (unsigned i = G_N_ELEMENTS(saved); i-- > 0;) {
        x86_pop(a, saved[i]);
    }
    x86_ret(a);
}

/* Create the buffer and its stubs if needed; jit.lock held. */
static bool ensure_buffer(size_t size, bool allow_dual, GError **error)
{
    X86Asm a;
    uint8_t *p;
    size_t cap;
    uintptr_t rx;
    bool ok;

    probe_features();
    if (jit.buf) {
        return true;
    }
    jit.buf = x86_code_buffer_new(size, allow_dual, error);
    if (!jit.buf) {
        return false;
    }
    p = x86_code_buffer_begin(jit.buf, &cap, &rx, error);
    if (!p) {
        goto fail;
    }
    x86_asm_init(&a, p, cap, rx);
    emit_stubs(&a);
    ok = !a.overflow;
    x86_asm_destroy(&a);
    if (!x86_code_buffer_commit(jit.buf, ok ? a.len : 0, NULL, error)) {
        goto fail;
    }
    if (!ok) {
        g_set_error(error, TCG_ERROR, BB_ERROR_INVALID,
                    "JIT code buffer too small");
        goto fail;
    }
    x86_code_buffer_reserve(jit.buf);
    return true;

fail:
    x86_code_buffer_free(jit.buf);
    jit.buf = NULL;
    return false;
}

/* ------------------------------------------------------------ compile */

static void gen_init(X86Gen *g, BbTcgContext *s, uint8_t *p, size_t cap,
                     uintptr_t rx, X86Code *self)
{
    memset(g, 0, sizeof(*g));
    g->s = s;
    g->self = (uintptr_t)self;
    g->features = jit.features;
    g->epilogue = jit.epilogue;
    g->goto_tb_ofs[0] = g->goto_tb_ofs[1] = -1;
    g->loop_ofs[0] = g->loop_ofs[1] = -1;
    g->loop_head_ofs = -1;
    g->loop_jcc_ofs[0] = g->loop_jcc_ofs[1] = -1;
    g->arena_mark = tcg_arena_mark(s->arena);
    x86_asm_init(&g->as, p, cap, rx);
    g->as.arena = s->arena; /* labels and fixups too */
    /* IR label i is assembler label i; internal labels come after. */
    for (unsigned i = 0; i < s->nb_labels; i++) {
        x86_label_new(&g->as);
    }
    x86_liveness_compute(g);
    x86_ra_init(g);
    x86_loop_plan(g);
}

static void gen_destroy(X86Gen *g)
{
    x86_ra_destroy(g);
    x86_liveness_free(g);
    x86_asm_destroy(&g->as);
    g_clear_error(&g->error);
    tcg_arena_release(g->s->arena, g->arena_mark);
}

/* Code at the start of basic block @b, whose first op is @op. */
static void block_start(X86Gen *g, unsigned b, const TcgOp *op)
{
    const TcgBits *live = &g->live_in[b];

    if (op->opc != BB_TCG_OP_SET_LABEL && g->reachable) {
        return; /* only reached by falling through: state carries over */
    }
    if (g->reachable) {
        /* The fall-through edge stores what the branch edges stored. */
        x86_ra_sync_globals(g, false);
        x86_ra_sync_temps(g, live);
    }
    x86_ra_reset(g, live);
    if (op->opc == BB_TCG_OP_SET_LABEL) {
        x86_label_bind(&g->as, (unsigned)op->args[0]);
    }
}

static void gen_body(X86Gen *g)
{
    unsigned nops = tcg_nb_ops(g->s), first = 0;

    g->reachable = true;
    if (g->loop) {
        first = x86_loop_prologue(g); /* in place of the budget ops */
    }
    for (unsigned i = first; i < nops && !g->failed; i++) {
        const TcgOp *op = tcg_op(g->s, i);
        unsigned b = g->cfg.block_of_op[i];

        g->cur_op = i;
        if (g->cfg.blocks[b].first == i) {
            block_start(g, b, op);
        }
        if (!x86_lower_alu(g, op) && !x86_lower_ctl(g, op)) {
            x86_gen_fail(g, "x86-64 backend: op %s not supported",
                         tcg_op_defs[op->opc].name);
            break;
        }
        x86_ra_op_done(g, op);
        g->reachable = tcg_op_falls_through(op) &&
                       (g->reachable || op->opc == BB_TCG_OP_SET_LABEL);
    }
    if (g->reachable) {
        x86_emit_exit(g, TCG_EXIT_NOCHAIN); /* ran off the end */
    }
}

/* Fill in @c, allocated before the compile (its address is in the code). */
static X86Code *code_fill(X86Gen *g, X86Code *c, uintptr_t entry,
                          size_t size)
{
    c->entry = entry;
    c->size = size;
    c->generation = jit.buf->generation;
    /* The room after the struct holds them (code_new()). */
    g_assert(g->insns.len <= c->max_insns);
    c->nb_insns = g->insns.len;
    c->marks = c + 1;
    for (unsigned i = 0; i < g->insns.len; i++) {
        const X86InsnMark *m = tcg_vec_at(&g->insns, X86InsnMark, i);

        uint32_t *packed = (uint32_t *)c->marks + 2 * i;

        if (c->wide) {
            ((X86InsnMark *)c->marks)[i] = *m;
        } else {
            /* code_new() checked that every mark fits. */
            packed[0] = m->host_ofs;
            packed[1] = (uint32_t)(m->pc - c->pc_first);
        }
    }
    c->goto_tb_ofs[0] = g->goto_tb_ofs[0];
    c->goto_tb_ofs[1] = g->goto_tb_ofs[1];
    c->loop = NULL;
    if (g->loop_head_ofs >= 0) {
        X86LoopInfo *l = code_chunk_alloc(sizeof(X86LoopInfo));

        l->head_ofs = g->loop_head_ofs;
        for (unsigned s = 0; s < 2; s++) {
            l->back_ofs[s] = g->loop_ofs[s];
            l->jcc_ofs[s] = -1;
            if (g->loop_jcc_ofs[s] >= 0 && g->loop_ofs[s] >= 0) {
                l->jcc_ofs[s] = g->loop_jcc_ofs[s];
                l->jcc_home[s] = (int32_t)*tcg_vec_at(
                    &g->as.label_pos, gssize, g->loop_jcc_label[s]);
            }
        }
        c->loop = l;
    }
    return c;
}

static size_t code_marks_size(unsigned n, bool wide)
{
    return n * (wide ? sizeof(X86InsnMark) : 2 * sizeof(uint32_t));
}

/* The X86Code of a TB of @s with room for its instruction marks after
 * it, from the X86Code chunks; jit.lock held.  A mark is made per
 * insn_start and per guest memory access's slow path, no more. */
static X86Code *code_new(const BbTcgContext *s)
{
    unsigned n = 0;
    bool wide = false;
    X86Code *c;

    for (unsigned i = 0; i < tcg_nb_ops(s); i++) {
        const TcgOp *op = &s->ops[i];

        switch (op->opc) {
        case BB_TCG_OP_INSN_START:
            /* Slow-path marks copy an insn_start's pc and extra. */
            wide |= (op->nargs > 1 && op->args[1] != 0) ||
                    op->args[0] - s->pc_first > UINT32_MAX;
            n++;
            break;
        case BB_TCG_OP_QEMU_LD_I32: case BB_TCG_OP_QEMU_LD_I64:
        case BB_TCG_OP_QEMU_ST_I32: case BB_TCG_OP_QEMU_ST_I64:
            n++;
            break;
        default:
            break;
        }
    }
    c = code_chunk_alloc(sizeof(X86Code) + code_marks_size(n, wide));
    c->max_insns = n;
    c->wide = wide;
    c->pc_first = s->pc_first;
    return c;
}

/* Emit the TB at the bump pointer; jit.lock held. */
static X86Code *compile_locked(BbTcgContext *s, GError **error)
{
    X86Gen g;
    X86Code *code = NULL, *self;
    uint8_t *p;
    size_t cap;
    uintptr_t rx, entry;

    if (!ensure_buffer(DEFAULT_BUFFER_SIZE, true, error)) {
        return NULL;
    }
    p = x86_code_buffer_begin(jit.buf, &cap, &rx, error);
    if (!p) {
        return NULL;
    }
    self = code_new(s);
    gen_init(&g, s, p, cap, rx, self);
    x86_lea_rip(&g.as, X86_RDX, rx + ENTRY_STUB_SIZE);
    x86_jmp_abs(&g.as, jit.prologue);
    g_assert(g.as.len == ENTRY_STUB_SIZE);
    if (!g.failed) {
        gen_body(&g);
    }
    x86_lower_finish(&g); /* the cold section: memory slow paths */
    if (g.failed) {
        g_propagate_error(error, g.error);
        g.error = NULL;
    } else if (g.as.overflow) {
        g_set_error(error, TCG_ERROR, BB_ERROR_STATE,
                    "JIT code buffer full (%zu of %zu bytes used)",
                    jit.buf->used, jit.buf->size);
    } else {
        g_assert(g.as.fixups.len == 0);
        if (x86_code_buffer_commit(jit.buf, g.as.len, &entry, error)) {
            code = code_fill(&g, self, entry, g.as.len);
        }
    }
    if (!code) {
        code_chunk_unalloc(self, sizeof(X86Code) +
                                     code_marks_size(self->max_insns,
                                                     self->wide));
    }
    if (!code && jit.buf->writing) {
        x86_code_buffer_commit(jit.buf, 0, NULL, NULL);
    }
    gen_destroy(&g);
    return code;
}

static TcgCode *x86_compile(BbTcgContext *s, GError **error)
{
    X86Code *code;

    /* After tcg_optimize() in the exec loop: this catches optimizer bugs
     * (debug builds and tests only, see tcg_verify_enabled()). */
    if (tcg_verify_enabled() && !tcg_verify(s, error)) {
        return NULL;
    }
    g_mutex_lock(&jit.lock);
    code = compile_locked(s, error);
    if (code) {
        jit.live++;
    }
    g_mutex_unlock(&jit.lock);
    return (TcgCode *)code;
}

/* ------------------------------------------------------------ run */

/* What the interpreter does without a runtime: loads read 0, stores are
 * dropped. */
static uint64_t null_load(void *opaque, uint64_t addr, BbMemOp mop,
                          unsigned mmu_idx)
{
    return 0;
}

static void null_store(void *opaque, uint64_t addr, uint64_t value,
                       BbMemOp mop, unsigned mmu_idx)
{
}

/* What the epilogue returns: eax and rdx. */
typedef struct X86Ret {
    uint64_t exit;
    uintptr_t from; /* X86Code that took exit_tb 0/1; else garbage */
} X86Ret;

typedef X86Ret (*X86Entry)(void *env, const TcgRuntime *rt);

static TcgExit x86_exec(TcgCode *tc, void *env, const TcgRuntime *rt)
{
    X86Code *c = x86_code(tc);
    TcgRuntime fixed;
    X86Ret ret;

    if (c->generation != jit.buf->generation) {
        g_critical("x86-64 JIT: running a TB whose code was flushed");
        return TCG_EXIT_NOCHAIN;
    }
    if (!rt || !rt->load || !rt->store || !rt->tlb) {
        fixed.load = rt && rt->load ? rt->load : null_load;
        fixed.store = rt && rt->store ? rt->store : null_store;
        fixed.opaque = rt ? rt->opaque : NULL;
        /* Generated code always reads a TLB; this one always misses. */
        fixed.tlb = rt && rt->tlb ? rt->tlb : x86_tlb_none();
        fixed.lookup = rt ? rt->lookup : NULL;
        fixed.jc = rt ? rt->jc : NULL;
        fixed.exit_owner = rt ? rt->exit_owner : NULL;
        rt = &fixed;
    }
    ret = ((X86Entry)c->entry)(env, rt);
    if (rt->exit_owner) {
        bool slot = ret.exit == TCG_EXIT_SLOT0 || ret.exit == TCG_EXIT_SLOT1 ||
                    ret.exit == TCG_EXIT_ENTRY;
        *rt->exit_owner = slot ? ((const X86Code *)ret.from)->owner : NULL;
    }
    return (TcgExit)(uint32_t)ret.exit;
}

void tcg_x86_64_set_owner(TcgCode *code, void *owner)
{
    x86_code(code)->owner = owner;
}

static void x86_free(TcgCode *tc)
{
    X86Code *c = x86_code(tc);

    if (!c) {
        return;
    }
    g_mutex_lock(&jit.lock);
    g_assert(jit.live > 0);
    if (--jit.live == 0) {
        /* Nothing refers to the code or to any X86Code (@c included). */
        x86_code_buffer_flush(jit.buf);
        code_chunks_reset();
    }
    g_mutex_unlock(&jit.lock);
}

/* Where lookup_and_goto enters a TB: past the entry stub (prologue), as
 * the helper path of lower_lookup_and_goto() does. */
static const void *x86_goto_entry(const TcgCode *code)
{
    const X86Code *c = (const X86Code *)code;

    return (const void *)(c->entry + X86_ENTRY_STUB_SIZE);
}

static void x86_host_range(const TcgCode *code, uintptr_t *start,
                           size_t *size)
{
    *start = tcg_x86_64_code_entry(code);
    *size = tcg_x86_64_code_size(code);
}

const TcgBackend tcg_backend_x86_64 = {
    .name = "jit",
    .compile = x86_compile,
    .exec = x86_exec,
    .free = x86_free,
    .chain = tcg_x86_64_chain,
    .unchain = tcg_x86_64_unchain,
    .flush = tcg_x86_64_flush,
    .error_is_full = tcg_x86_64_error_is_full,
    .host_range = x86_host_range,
    .goto_entry = x86_goto_entry,
};

/* ------------------------------------------------------------ chaining */

/* Point the patchable jump at offset @ofs of @from at @target: a jmp
 * rel32 (opcode 1 byte) or a jcc rel32 (@jcc: 2 bytes). */
static bool retarget_insn(TcgCode *from, int32_t ofs, bool jcc,
                          uintptr_t target)
{
    X86Code *c = x86_code(from);
    unsigned op = jcc ? 2 : 1;
    uintptr_t jmp;
    int32_t rel;
    bool ok;

    if (ofs < 0) {
        return false;
    }
    jmp = c->entry + (uintptr_t)ofs;
    rel = (int32_t)(target - (jmp + op + 4));
    g_mutex_lock(&jit.lock);
    ok = c->generation == jit.buf->generation &&
         x86_code_buffer_patch(jit.buf, jmp + op, &rel, 4);
    g_mutex_unlock(&jit.lock);
    return ok;
}

static bool retarget(TcgCode *from, int32_t ofs, uintptr_t target)
{
    return retarget_insn(from, ofs, false, target);
}

/* A slot chained to its own TB in loop form takes the back edge to the
 * loop head (x86-loop.c): the TB cache chains it so only when the exec
 * loop found this TB for the pc and flags the exit left. */
bool tcg_x86_64_chain(TcgCode *from, unsigned slot, const TcgCode *to)
{
    const X86Code *c = x86_code(from);

    if (slot > 1 || x86_code(to)->generation != c->generation) {
        return false;
    }
    if (to == from && c->loop && c->loop->back_ofs[slot] >= 0) {
        const X86LoopInfo *l = c->loop;
        uintptr_t head = c->entry + (uintptr_t)l->head_ofs;

        return retarget(from, l->back_ofs[slot], head) &&
               (l->jcc_ofs[slot] < 0 ||
                retarget_insn(from, l->jcc_ofs[slot], true, head));
    }
    return retarget(from, c->goto_tb_ofs[slot],
                    x86_code(to)->entry + ENTRY_STUB_SIZE);
}

bool tcg_x86_64_unchain(TcgCode *from, unsigned slot)
{
    const X86Code *c = x86_code(from);

    if (slot > 1 || c->goto_tb_ofs[slot] < 0) {
        return false;
    }
    if (c->loop && c->loop->jcc_ofs[slot] >= 0 &&
        !retarget_insn(from, c->loop->jcc_ofs[slot], true,
                       c->entry + (uintptr_t)c->loop->jcc_home[slot])) {
        return false;
    }
    if (c->loop && c->loop->back_ofs[slot] >= 0 &&
        !retarget(from, c->loop->back_ofs[slot],
                  c->entry + (uintptr_t)c->loop->back_ofs[slot] + 5)) {
        return false;
    }
    return retarget(from, c->goto_tb_ofs[slot],
                    c->entry + (uintptr_t)c->goto_tb_ofs[slot] + 5);
}

bool tcg_x86_64_code_is_loop(const TcgCode *code)
{
    return x86_code(code)->loop != NULL;
}

/* ------------------------------------------------------------ buffer API */

bool tcg_x86_64_error_is_full(const GError *error)
{
    return g_error_matches(error, TCG_ERROR, BB_ERROR_STATE);
}

unsigned tcg_x86_64_host_features(void)
{
    unsigned f;

    g_mutex_lock(&jit.lock);
    probe_features();
    f = jit.host_features;
    g_mutex_unlock(&jit.lock);
    return f;
}

unsigned tcg_x86_64_set_features(unsigned features)
{
    unsigned old;

    g_mutex_lock(&jit.lock);
    probe_features();
    old = jit.features;
    jit.features = features & jit.host_features;
    g_mutex_unlock(&jit.lock);
    return old;
}

bool tcg_x86_64_set_buffer(size_t size, bool allow_dual, GError **error)
{
    bool ok;

    g_mutex_lock(&jit.lock);
    if (jit.live) {
        g_set_error(error, TCG_ERROR, BB_ERROR_STATE,
                    "cannot replace the JIT code buffer: %u TBs are live",
                    jit.live);
        g_mutex_unlock(&jit.lock);
        return false;
    }
    x86_code_buffer_free(jit.buf);
    jit.buf = NULL;
    ok = ensure_buffer(size, allow_dual, error);
    g_mutex_unlock(&jit.lock);
    return ok;
}

void tcg_x86_64_flush(void)
{
    g_mutex_lock(&jit.lock);
    if (jit.buf) {
        x86_code_buffer_flush(jit.buf);
    }
    g_mutex_unlock(&jit.lock);
}

void tcg_x86_64_buffer_info(size_t *used, size_t *size, bool *dual,
                            uintptr_t *rx_start)
{
    g_mutex_lock(&jit.lock);
    if (!jit.buf) {
        ensure_buffer(DEFAULT_BUFFER_SIZE, true, NULL);
    }
    if (used) {
        *used = jit.buf ? jit.buf->used : 0;
    }
    if (size) {
        *size = jit.buf ? jit.buf->size : 0;
    }
    if (dual) {
        *dual = jit.buf && jit.buf->dual;
    }
    if (rx_start) {
        *rx_start = jit.buf ? (uintptr_t)jit.buf->rx : 0;
    }
    g_mutex_unlock(&jit.lock);
}

unsigned tcg_x86_64_live_codes(void)
{
    unsigned n;

    g_mutex_lock(&jit.lock);
    n = jit.live;
    g_mutex_unlock(&jit.lock);
    return n;
}
