/*
 * exec-debug.c - breakpoints, watchpoints, stepping and frozen harts of
 * the execution loop (exec-debug.h; docs/debugging.md, "How it works").
 * This file keeps the lists and invalidates what they affect; exec.c
 * consults them where it translates, fills the TLB, takes the slow path
 * of a memory access and picks the next TB.
 *
 * Debuggers set a handful of breakpoints and watchpoints, so plain arrays
 * searched linearly are enough; the loop only looks at them at all once
 * a debugger has made an ExecDebug.
 */
#include "tcg/exec-debug.h"
#include "tcg/exec.h"

typedef struct Watchpoint {
    uint64_t addr;
    uint64_t len;
    ExecWatchKind kind;
} Watchpoint;

struct ExecDebug {
    GPtrArray *harts;         /* the loop's (borrowed) */
    TbCache *cache;           /* the loop's (borrowed) */
    GArray *bps;              /* uint64_t pcs */
    GArray *wps;              /* Watchpoint */
    ExecDebugHandler handler;
    void *opaque;
};

/* Watchpoints larger than this flush whole TLBs instead of pages. */
#define WATCH_FLUSH_PAGES 16

ExecDebug *exec_debug_new(GPtrArray *harts, TbCache *cache)
{
    ExecDebug *d = g_new0(ExecDebug, 1);

    d->harts = harts;
    d->cache = cache;
    d->bps = g_array_new(false, false, sizeof(uint64_t));
    d->wps = g_array_new(false, false, sizeof(Watchpoint));
    return d;
}

void exec_debug_free(ExecDebug *d)
{
    if (!d) {
        return;
    }
    g_array_unref(d->bps);
    g_array_unref(d->wps);
    g_free(d);
}

void exec_debug_set_handler(ExecDebug *d, ExecDebugHandler fn, void *opaque)
{
    d->handler = fn;
    d->opaque = opaque;
}

unsigned exec_debug_nharts(ExecDebug *d)
{
    return d->harts->len;
}

BbCpu *exec_debug_hart(ExecDebug *d, unsigned i)
{
    return i < d->harts->len ? d->harts->pdata[i] : NULL;
}

/* ------------------------------------------------------------ breakpoints */

static int bp_index(const ExecDebug *d, uint64_t pc)
{
    for (guint i = 0; i < d->bps->len; i++) {
        if (g_array_index(d->bps, uint64_t, i) == pc) {
            return (int)i;
        }
    }
    return -1;
}

bool exec_debug_breakpoint_at(const ExecDebug *d, uint64_t pc)
{
    return d->bps->len && bp_index(d, pc) >= 0;
}

/* TBs translated before the change hold @pc without (or with) the debug
 * exit: they go, in whatever mode they were made. */
static void bp_invalidate(ExecDebug *d, uint64_t pc)
{
    tb_cache_invalidate_virt(d->cache, pc);
}

void exec_debug_breakpoint_insert(ExecDebug *d, uint64_t pc)
{
    if (bp_index(d, pc) < 0) {
        g_array_append_val(d->bps, pc);
        bp_invalidate(d, pc);
    }
}

bool exec_debug_breakpoint_remove(ExecDebug *d, uint64_t pc)
{
    int i = bp_index(d, pc);

    if (i < 0) {
        return false;
    }
    g_array_remove_index_fast(d->bps, (guint)i);
    bp_invalidate(d, pc);
    return true;
}

/* ------------------------------------------------------------ watchpoints */

/* Drop the TLB entries of the pages under [addr, addr + len) on every
 * hart: the next fill sees whether the page is watched. */
static void wp_flush(ExecDebug *d, uint64_t addr, uint64_t len)
{
    uint64_t first = addr & TLB_PAGE_MASK;
    uint64_t last = (addr + len - 1) & TLB_PAGE_MASK;

    for (guint h = 0; h < d->harts->len; h++) {
        BbCpu *cpu = d->harts->pdata[h];
        Softmmu *sm = cpu->priv ? cpu->priv->sm : NULL;

        if (!sm) {
            continue;
        }
        if (last < first ||
            (last - first) >> TLB_PAGE_BITS >= WATCH_FLUSH_PAGES) {
            tlb_flush(sm);
            continue;
        }
        for (uint64_t page = first;; page += TLB_PAGE_SIZE) {
            tlb_flush_page(sm, page);
            if (page == last) {
                break;
            }
        }
    }
}

static int wp_index(const ExecDebug *d, uint64_t addr, uint64_t len,
                    ExecWatchKind kind)
{
    for (guint i = 0; i < d->wps->len; i++) {
        const Watchpoint *w = &g_array_index(d->wps, Watchpoint, i);
        if (w->addr == addr && w->len == len && w->kind == kind) {
            return (int)i;
        }
    }
    return -1;
}

void exec_debug_watchpoint_insert(ExecDebug *d, uint64_t addr, uint64_t len,
                                  ExecWatchKind kind)
{
    Watchpoint w = { addr, len ? len : 1, kind };

    if (wp_index(d, addr, w.len, kind) < 0) {
        g_array_append_val(d->wps, w);
        wp_flush(d, addr, w.len);
    }
}

bool exec_debug_watchpoint_remove(ExecDebug *d, uint64_t addr, uint64_t len,
                                  ExecWatchKind kind)
{
    int i = wp_index(d, addr, len ? len : 1, kind);

    if (i < 0) {
        return false;
    }
    g_array_remove_index(d->wps, (guint)i);
    wp_flush(d, addr, len ? len : 1);
    return true;
}

void exec_debug_remove_all(ExecDebug *d)
{
    while (d->bps->len) {
        exec_debug_breakpoint_remove(d, g_array_index(d->bps, uint64_t, 0));
    }
    while (d->wps->len) {
        Watchpoint w = g_array_index(d->wps, Watchpoint, 0);
        exec_debug_watchpoint_remove(d, w.addr, w.len, w.kind);
    }
}

/* Do [a, a + alen) and [b, b + blen) share a byte?  (lengths >= 1) */
static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a - b < blen || b - a < alen;
}

bool exec_debug_page_watched(const ExecDebug *d, uint64_t vaddr)
{
    uint64_t page = vaddr & TLB_PAGE_MASK;

    for (guint i = 0; i < d->wps->len; i++) {
        const Watchpoint *w = &g_array_index(d->wps, Watchpoint, i);
        if (ranges_meet(page, TLB_PAGE_SIZE, w->addr, w->len)) {
            return true;
        }
    }
    return false;
}

bool exec_debug_watch_hit(const ExecDebug *d, uint64_t vaddr, unsigned size,
                          bool write, uint64_t *addr, ExecWatchKind *kind)
{
    for (guint i = 0; i < d->wps->len; i++) {
        const Watchpoint *w = &g_array_index(d->wps, Watchpoint, i);
        bool wants = w->kind == EXEC_WATCH_ACCESS ||
                     (w->kind == EXEC_WATCH_WRITE) == write;

        if (wants && ranges_meet(vaddr, size ? size : 1, w->addr, w->len)) {
            *addr = w->addr;
            *kind = w->kind;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------ harts */

void exec_debug_set_step(BbCpu *cpu, bool step)
{
    if (cpu->priv) {
        cpu->priv->dbg_step = step;
    }
}

void exec_debug_set_frozen(BbCpu *cpu, bool frozen)
{
    if (cpu->priv) {
        cpu->priv->dbg_frozen = frozen;
    }
}

void exec_debug_report(ExecDebug *d, const ExecDebugStop *stop)
{
    if (d->handler) {
        d->handler(d->opaque, stop);
    }
}
