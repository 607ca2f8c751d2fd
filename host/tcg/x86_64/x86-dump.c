/*
 * x86-dump.c - facts about a compiled x86-64 TB for the rest of the host:
 * its entry and size, the goto_tb jump positions (for chaining), the
 * host pc -> guest instruction mapping recorded at each insn_start (for
 * unwinding after a fault), and the -d out_asm listing: the code as hex,
 * 16 bytes a line, with host offsets and a marker line wherever a guest
 * instruction or a goto_tb jump starts (a disassembler can replace the
 * hex later).
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdarg.h>

#include "tcg/x86_64/tcg-x86_64.h"
#include "tcg/x86_64/x86-gen.h"

uintptr_t tcg_x86_64_code_entry(const TcgCode *code)
{
    return x86_code(code)->entry;
}

size_t tcg_x86_64_code_size(const TcgCode *code)
{
    return x86_code(code)->size;
}

int tcg_x86_64_goto_tb_offset(const TcgCode *code, unsigned slot)
{
    return slot < 2 ? x86_code(code)->goto_tb_ofs[slot] : -1;
}

bool tcg_x86_64_find_insn(const TcgCode *code, uintptr_t host_pc,
                          uint64_t *pc, uint64_t *extra)
{
    const X86Code *c = x86_code(code);
    X86InsnMark found = { 0 };
    bool any = false;
    uintptr_t ofs;

    if (host_pc <= c->entry || host_pc > c->entry + c->size) {
        return false;
    }
    /* A return address points after the call: the call itself starts
     * strictly before it. */
    ofs = host_pc - c->entry;
    for (unsigned i = 0; i < c->nb_insns; i++) {
        X86InsnMark m = x86_code_mark(c, i);

        if (m.host_ofs >= ofs) {
            break;
        }
        found = m;
        any = true;
    }
    if (!any) {
        return false;
    }
    if (pc) {
        *pc = found.pc;
    }
    if (extra) {
        *extra = found.extra;
    }
    return true;
}

typedef struct Marker {
    uint32_t ofs;
    GString *text;
} Marker;

static gint marker_cmp(gconstpointer a, gconstpointer b)
{
    const Marker *x = a, *y = b;

    return x->ofs < y->ofs ? -1 : x->ofs > y->ofs;
}

static void add_marker(GArray *m, uint32_t ofs, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void add_marker(GArray *m, uint32_t ofs, const char *fmt, ...)
{
    Marker k = { ofs, g_string_new(NULL) };
    va_list ap;

    va_start(ap, fmt);
    g_string_vprintf(k.text, fmt, ap);
    va_end(ap);
    g_array_append_val(m, k);
}

static GArray *collect_markers(const X86Code *c)
{
    GArray *m = g_array_new(FALSE, FALSE, sizeof(Marker));

    add_marker(m, 0, "entry stub");
    add_marker(m, 12, "body");
    for (unsigned i = 0; i < c->nb_insns; i++) {
        X86InsnMark mk = x86_code_mark(c, i);

        add_marker(m, mk.host_ofs, "guest pc 0x%" PRIx64 " (extra 0x%" PRIx64
                   ")", mk.pc, mk.extra);
    }
    for (unsigned s = 0; s < 2; s++) {
        if (c->goto_tb_ofs[s] >= 0) {
            add_marker(m, (uint32_t)c->goto_tb_ofs[s],
                       "goto_tb %u (patchable jmp rel32)", s);
        }
    }
    if (c->loop) {
        add_marker(m, (uint32_t)c->loop->head_ofs, "loop head");
    }
    for (unsigned s = 0; s < 2 && c->loop; s++) {
        if (c->loop->back_ofs[s] >= 0) {
            add_marker(m, (uint32_t)c->loop->back_ofs[s],
                       "goto_tb %u back edge (patchable jmp rel32 to the "
                       "loop head)", s);
        }
        if (c->loop->jcc_ofs[s] >= 0) {
            add_marker(m, (uint32_t)c->loop->jcc_ofs[s],
                       "branch to goto_tb %u (patchable jcc rel32 to the "
                       "loop head)", s);
        }
    }
    /* Stable, so an insn_start stays before a goto_tb at the same spot. */
    g_array_sort(m, marker_cmp);
    return m;
}

/* One line per host instruction in [@ofs, @end): offset, bytes and
 * capstone's disassembly; bytes capstone cannot decode are shown raw. */
static void dump_range(csh cs, const uint8_t *p, size_t ofs, size_t end,
                       GString *out)
{
    while (ofs < end) {
        cs_insn *insn = NULL;
        size_t n = cs_disasm(cs, p + ofs, end - ofs,
                             (uint64_t)(uintptr_t)(p + ofs), 1, &insn);
        size_t len = n ? insn[0].size : MIN(end - ofs, 16);

        g_string_append_printf(out, "  %04zx:", ofs);
        for (size_t i = 0; i < 10; i++) {
            if (i < len) {
                g_string_append_printf(out, " %02x", p[ofs + i]);
            } else {
                g_string_append(out, "   ");
            }
        }
        if (n) {
            g_string_append_printf(out, "%s %-7s %s", len > 10 ? "+" : " ",
                                   insn[0].mnemonic, insn[0].op_str);
            cs_free(insn, n);
        }
        g_string_append_c(out, '\n');
        ofs += len;
    }
}

void tcg_x86_64_dump(const TcgCode *code, GString *out)
{
    const X86Code *c = x86_code(code);
    const uint8_t *p = (const uint8_t *)c->entry;
    g_autoptr(GArray) m = collect_markers(c);
    unsigned mi = 0;
    size_t ofs = 0;

    g_string_append_printf(out, "OUT: [size=%zu] TB pc 0x%" PRIx64
                           " at %p\n", c->size, c->pc_first, (void *)p);
    csh cs;
    bool have_cs = cs_open(CS_ARCH_X86, CS_MODE_64, &cs) == CS_ERR_OK;

    for (;;) {
        size_t end = have_cs ? c->size : MIN(c->size, ofs + 16);

        while (mi < m->len &&
               (g_array_index(m, Marker, mi).ofs <= ofs || ofs >= c->size)) {
            Marker *k = &g_array_index(m, Marker, mi++);

            g_string_append_printf(out, "  -- %s\n", k->text->str);
            g_string_free(k->text, TRUE);
        }
        if (ofs >= c->size) {
            break;
        }
        if (mi < m->len && g_array_index(m, Marker, mi).ofs < end) {
            end = g_array_index(m, Marker, mi).ofs;
        }
        if (have_cs) {
            dump_range(cs, p, ofs, end, out);
            ofs = end;
            continue;
        }
        g_string_append_printf(out, "  %04zx:", ofs);
        for (; ofs < end; ofs++) {
            g_string_append_printf(out, " %02x", p[ofs]);
        }
        g_string_append_c(out, '\n');
    }
    if (have_cs) {
        cs_close(&cs);
    }
}
