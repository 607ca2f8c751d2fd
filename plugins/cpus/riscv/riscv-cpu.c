/*
 * riscv-cpu.c - the "riscv64" hart type: its properties (the ISA string
 * and what it turns into in misa, the reset vector, the timebase, PMP and
 * the deepest paging mode), its interrupt inputs (one line per mip bit a
 * device can drive), reset, the device-tree node (/cpus/cpu@N with its
 * "riscv,cpu-intc" child, which other nodes name in interrupts-extended),
 * the register dump and the state description.
 *
 * ISA strings follow the RISC-V naming convention (unprivileged spec,
 * "ISA Extension Naming Conventions"): "rv64", single-letter extensions,
 * then "_z..." multi-letter ones, then "_s..." ones (Sstc); only what the
 * hart implements is accepted.  The privileged modes S and U are always present.
 */
#include <string.h>

#include "riscv.h"

/* ------------------------------------------------------------ ISA string */

/*
 * Parse @isa ("rv64imafdc_zicsr_zifencei", "RV64GC"...) into misa letters
 * and the Zicsr/Zifencei/Sstc flags.  On success *@canonical is the string the
 * device tree gets: lower case, letters in canonical order, g expanded.
 */
static bool parse_isa(const char *isa, uint64_t *misa, bool *zicsr,
                      bool *zifencei, bool *sstc, char **canonical,
                      GError **error)
{
    static const char order[] = "imafdc";
    g_autofree char *lower = g_ascii_strdown(isa ? isa : "", -1);
    g_auto(GStrv) parts = NULL;
    uint64_t letters = 0;
    GString *out;
    const char *p;

    if (g_str_has_prefix(lower, "rv32")) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "isa '%s': only RV64 harts are implemented", isa);
        return false;
    }
    if (!g_str_has_prefix(lower, "rv64")) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "isa '%s' does not start with 'rv64' (e.g. "
                    "rv64imafdc_zicsr_zifencei)", isa);
        return false;
    }
    parts = g_strsplit(lower + 4, "_", -1);
    *zicsr = *zifencei = *sstc = false;
    for (p = parts[0]; *p; p++) {
        if (*p == 'g') {
            letters |= RVI | RVM | RVA | RVF | RVD;
            *zicsr = *zifencei = true;
        } else if (strchr(order, *p)) {
            letters |= 1ull << (*p - 'a');
        } else {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "isa '%s': extension '%c' is not implemented (the "
                        "hart has i, m, a, f, d, c; g = imafd_zicsr_"
                        "zifencei)", isa, *p);
            return false;
        }
    }
    for (unsigned i = 1; parts[i]; i++) {
        if (!strcmp(parts[i], "zicsr")) {
            *zicsr = true;
        } else if (!strcmp(parts[i], "zifencei")) {
            *zifencei = true;
        } else if (!strcmp(parts[i], "sstc")) {
            *sstc = true;
        } else {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                        "isa '%s': extension '%s' is not implemented (the "
                        "hart has zicsr, zifencei and sstc)", isa,
                        parts[i][0] ? parts[i] : "(empty)");
            return false;
        }
    }
    if (!(letters & RVI)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "isa '%s': the base integer ISA 'i' is missing", isa);
        return false;
    }
    if ((letters & RVD) && !(letters & RVF)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "isa '%s': 'd' needs 'f'", isa);
        return false;
    }
    if ((letters & RVF) && !*zicsr) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "isa '%s': 'f' needs zicsr (add '_zicsr')", isa);
        return false;
    }
    out = g_string_new("rv64");
    for (p = order; *p; p++) {
        if (letters & (1ull << (*p - 'a'))) {
            g_string_append_c(out, *p);
        }
    }
    if (*zicsr) {
        g_string_append(out, "_zicsr");
    }
    if (*zifencei) {
        g_string_append(out, "_zifencei");
    }
    if (*sstc) {
        g_string_append(out, "_sstc"); /* Z extensions come first */
    }
    *canonical = g_string_free(out, false);
    *misa = MISA_MXL_64 | letters | RVS | RVU;
    return true;
}

/* "sv39"/"sv48"/"sv57" -> SATP_SV*; 0 if unknown. */
static unsigned parse_mmu(const char *mmu)
{
    static const struct {
        const char *name;
        unsigned mode;
    } modes[] = {
        { "sv39", SATP_SV39 }, { "sv48", SATP_SV48 }, { "sv57", SATP_SV57 },
    };

    for (unsigned i = 0; mmu && i < G_N_ELEMENTS(modes); i++) {
        if (!g_ascii_strcasecmp(mmu, modes[i].name)) {
            return modes[i].mode;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ life cycle */

static bool riscv_cpu_realize(BbDevice *dev, GError **error)
{
    RiscvCpu *s = RISCV_CPU(dev);
    g_autofree char *canonical = NULL;

    if (!parse_isa(s->isa, &s->misa, &s->ext_zicsr, &s->ext_zifencei,
                   &s->ext_sstc, &canonical, error)) {
        return false;
    }
    s->satp_mode_max = parse_mmu(s->mmu);
    if (!s->satp_mode_max) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "mmu '%s' is not a paging mode: use sv39, sv48 or sv57",
                    s->mmu ? s->mmu : "");
        return false;
    }
    if (!s->timebase_freq) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "timebase-frequency must not be 0");
        return false;
    }
    s->pmp_entries = s->pmp ? RISCV_PMP_ENTRIES : 0;
    BbSystem *sys = bb_device_get_system(dev);
    /* (none in unit tests: time reads 0, STIP is still computed on read) */
    s->timers = sys ? bb_system_get_timers(sys) : NULL;
    if (s->ext_sstc && s->timers) {
        s->stimer = bb_timer_new(s->timers, BB_CLOCK_VIRTUAL,
                                 riscv_sstc_timer_cb, s);
    }
    return true;
}

static void riscv_cpu_unrealize(BbDevice *dev)
{
    RiscvCpu *s = RISCV_CPU(dev);

    if (s->stimer) {
        bb_timer_free(s->stimer);
        s->stimer = NULL;
    }
}

static void (*parent_reset)(BbDevice *dev);

static void riscv_cpu_reset(BbDevice *dev)
{
    RiscvCpu *s = RISCV_CPU(dev);
    BbCpu *cpu = BB_CPU(dev);

    if (parent_reset) {
        parent_reset(dev);
    }
    memset(s->gpr, 0, sizeof(s->gpr));
    memset(s->fpr, 0, sizeof(s->fpr));
    s->pc = s->resetvec;
    s->reset_pc_pending = true; /* the machine's "entry", when it runs */
    s->priv = PRV_M;
    s->in_amo = 0;
    s->load_res = UINT64_MAX;
    s->load_val = 0;
    riscv_csr_reset(s);
    cpu->halted = false;
    bb_cpu_tlb_flush(cpu);
}

/* One handler per input group: each drives its own mip bit. */
#define RISCV_IRQ_HANDLER(group, bit)                                        \
    static void irq_##group(void *opaque, unsigned n, bool level)           \
    {                                                                        \
        riscv_irq_input(opaque, bit, level);                                 \
    }
RISCV_IRQ_HANDLER(msip, IRQ_M_SOFT)
RISCV_IRQ_HANDLER(mtip, IRQ_M_TIMER)
RISCV_IRQ_HANDLER(meip, IRQ_M_EXT)
RISCV_IRQ_HANDLER(seip, IRQ_S_EXT)
RISCV_IRQ_HANDLER(ssip, IRQ_S_SOFT)
RISCV_IRQ_HANDLER(stip, IRQ_S_TIMER)

static const struct {
    const char *group;
    BbIrqHandler handler;
    unsigned cause;
} riscv_irq_inputs[] = {
    { "msip", irq_msip, IRQ_M_SOFT }, { "mtip", irq_mtip, IRQ_M_TIMER },
    { "meip", irq_meip, IRQ_M_EXT }, { "seip", irq_seip, IRQ_S_EXT },
    { "ssip", irq_ssip, IRQ_S_SOFT }, { "stip", irq_stip, IRQ_S_TIMER },
};

static void riscv_cpu_instance_init(BbObject *obj)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(riscv_irq_inputs); i++) {
        bb_device_add_irq_in(BB_DEVICE(obj), riscv_irq_inputs[i].group, 1,
                             riscv_irq_inputs[i].handler, obj, NULL);
    }
}

/* ------------------------------------------------------------ device tree */

/* Our inputs, named in other nodes' interrupts-extended as <&intc cause>. */
static unsigned riscv_irq_specifier(BbDevice *dev, const char *group,
                                    unsigned n, uint32_t *cells)
{
    for (unsigned i = 0; n == 0 && i < G_N_ELEMENTS(riscv_irq_inputs); i++) {
        if (!strcmp(group, riscv_irq_inputs[i].group)) {
            cells[0] = riscv_irq_inputs[i].cause;
            return 1;
        }
    }
    return 0;
}

static bool riscv_cpu_fdt_populate(BbDevice *dev, BbFdt *fdt, GError **error)
{
    static const char *const intc_compat[] = { "riscv,cpu-intc", NULL };
    RiscvCpu *s = RISCV_CPU(dev);
    unsigned hartid = BB_CPU(dev)->hartid;
    g_autofree char *cpu = g_strdup_printf("/cpus/cpu@%u", hartid);
    g_autofree char *intc = g_strdup_printf("%s/interrupt-controller", cpu);
    g_autofree char *isa = NULL;
    g_autofree char *mmu = g_strdup_printf("riscv,sv%u",
                                           39 + 9 * (s->satp_mode_max -
                                                     SATP_SV39));
    uint64_t misa;
    bool zicsr, zifencei, sstc;

    if (!parse_isa(s->isa, &misa, &zicsr, &zifencei, &sstc, &isa, error)) {
        return false;
    }
    /* /cpus is shared: the machine writes timebase-frequency */
    return bb_fdt_add_node(fdt, "/cpus", error) &&
           bb_fdt_set_prop_u32(fdt, "/cpus", "#address-cells", 1, error) &&
           bb_fdt_set_prop_u32(fdt, "/cpus", "#size-cells", 0, error) &&
           bb_fdt_add_node(fdt, cpu, error) &&
           bb_fdt_set_prop_string(fdt, cpu, "device_type", "cpu", error) &&
           bb_fdt_set_prop_u32(fdt, cpu, "reg", hartid, error) &&
           bb_fdt_set_prop_string(fdt, cpu, "status", "okay", error) &&
           bb_fdt_set_prop_string(fdt, cpu, "compatible", "riscv", error) &&
           bb_fdt_set_prop_string(fdt, cpu, "riscv,isa", isa, error) &&
           bb_fdt_set_prop_string(fdt, cpu, "mmu-type", mmu, error) &&
           bb_fdt_add_node(fdt, intc, error) &&
           bb_fdt_set_prop_u32(fdt, intc, "#interrupt-cells", 1, error) &&
           bb_fdt_set_prop_empty(fdt, intc, "interrupt-controller",
                                 error) &&
           bb_fdt_set_prop_strings(fdt, intc, "compatible", intc_compat,
                                   error) &&
           bb_fdt_set_prop_u32(fdt, intc, "phandle",
                               bb_fdt_phandle(fdt, BB_OBJECT(dev)), error);
}

/* ------------------------------------------------------------ dump */

static void riscv_cpu_dump_state(BbCpu *cpu, GString *out)
{
    static const char prv_names[4] = { 'U', 'S', '?', 'M' };
    static const struct {
        const char *name;
        unsigned csr;
    } csrs[] = {
        { "mstatus", 0x300 }, { "mtvec", 0x305 }, { "mepc", 0x341 },
        { "mcause", 0x342 }, { "mtval", 0x343 }, { "mie", 0x304 },
        { "mip", 0x344 }, { "mideleg", 0x303 }, { "medeleg", 0x302 },
        { "mscratch", 0x340 }, { "stvec", 0x105 }, { "sepc", 0x141 },
        { "scause", 0x142 }, { "stval", 0x143 }, { "sscratch", 0x140 },
        { "satp", 0x180 },
    };
    RiscvCpu *s = (RiscvCpu *)cpu;

    g_string_append_printf(out, " pc       %016" G_GINT64_MODIFIER "x"
                           "  priv %c  hart %u\n", s->pc,
                           prv_names[s->priv & 3], cpu->hartid);
    for (int i = 0; i < 32; i++) {
        g_string_append_printf(out, " x%-2d/%-4s %016" G_GINT64_MODIFIER "x%s",
                               i, riscv_xreg_names[i], s->gpr[i],
                               i % 4 == 3 ? "\n" : " ");
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(csrs); i++) {
        uint64_t v = 0;
        riscv_csr_peek(s, csrs[i].csr, &v);
        g_string_append_printf(out, " %-8s %016" G_GINT64_MODIFIER "x%s",
                               csrs[i].name, v, i % 4 == 3 ? "\n" : " ");
    }
    if (s->mstatus & MSTATUS_FS) {
        for (int i = 0; i < 32; i++) {
            g_string_append_printf(out, " f%-2d/%-4s %016" G_GINT64_MODIFIER
                                   "x%s", i, riscv_freg_names[i], s->fpr[i],
                                   i % 4 == 3 ? "\n" : " ");
        }
        g_string_append_printf(out, " fcsr     %08x\n",
                               (s->frm & 7) << 5 | (s->fflags & 0x1f));
    }
}

/* ------------------------------------------------------------ type */

static const BbPropertyInfo riscv_cpu_props[] = {
    BB_PROP_STRING("isa", RiscvCpu, isa, "rv64imafdc_zicsr_zifencei_sstc",
                   "ISA string: rv64 + i m a f d c (g = imafd_zicsr_"
                   "zifencei) + _zicsr _zifencei _sstc; S and U are "
                   "implied"),
    BB_PROP_UINT("resetvec", RiscvCpu, resetvec, 0x1000,
                 "reset PC when the machine has no 'entry' property"),
    BB_PROP_UINT("timebase-frequency", RiscvCpu, timebase_freq, 10000000,
                 "rate of the time CSR in Hz"),
    BB_PROP_BOOL("pmp", RiscvCpu, pmp, true,
                 "implement 16 PMP entries (false: none)"),
    BB_PROP_STRING("mmu", RiscvCpu, mmu, "sv57",
                   "deepest paging mode satp accepts: sv39, sv48 or sv57"),
    BB_PROP_END
};

/* ------------------------------------------------------------ state */

static void riscv_cpu_pre_save(void *opaque)
{
    RiscvCpu *s = opaque;

    riscv_counters_save(s);
    riscv_reservation_save(s);
}

/* What the CSR write rules could never have produced, or NULL. */
static const char *riscv_state_problem(const RiscvCpu *s)
{
    unsigned mode = s->satp >> SATP_MODE_SHIFT;

    if (s->priv == 2 || s->priv > PRV_M ||
        ((s->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2) {
        return "privilege level 2 does not exist";
    }
    if (mode != SATP_BARE &&
        (mode < SATP_SV39 || mode > s->satp_mode_max)) {
        return "satp holds a paging mode this hart does not implement";
    }
    if ((s->pc & 1) || (!(s->misa & RVC) && (s->pc & 2))) {
        return "the pc is misaligned for this hart's ISA";
    }
    if (!(s->misa & RVF) && (s->mstatus & MSTATUS_FS)) {
        return "mstatus.FS is set on a hart without F";
    }
    if ((s->menvcfg & MENVCFG_STCE) && !s->ext_sstc) {
        return "menvcfg.STCE is set on a hart without Sstc";
    }
    if (s->frm > 7 || s->fflags > 0x1f) {
        return "fcsr holds bits that do not exist";
    }
    if (s->gpr[0]) {
        return "x0 is not 0";
    }
    for (unsigned i = s->pmp_entries; i < RISCV_PMP_ENTRIES; i++) {
        if (s->pmpcfg[i] || s->pmpaddr[i]) {
            return "a PMP entry this hart does not implement is set";
        }
    }
    return NULL;
}

/* The architectural state is in place: put the counters back as values
 * on this hart's own instruction count, forget anything an instruction
 * in progress had set, and tell the JIT and the loop: the TLBs and jump
 * cache hold translations of the old mode and satp, and an interrupt may
 * now be pending. */
static bool riscv_cpu_post_load(void *opaque, uint32_t version,
                                GError **error)
{
    RiscvCpu *s = opaque;
    const char *bad = riscv_state_problem(s);

    if (bad) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID, "%s", bad);
        return false;
    }
    riscv_counters_load(s);
    riscv_reservation_load(s);
    s->in_amo = 0;
    s->csr_ra = 0;
    riscv_pmp_changed(s);
    riscv_sstc_update(s);   /* the stimecmp timer follows the state */
    bb_cpu_tlb_flush(&s->parent_obj);
    bb_cpu_request_interrupt(&s->parent_obj);
    return true;
}

/* Everything architectural.  Not saved: the configuration (misa, the
 * PMP entry count, the paging modes, the timebase: properties), time
 * (the virtual clock), state that only exists inside one instruction
 * (in_amo, csr_ra). */
static const BbStateField riscv_cpu_state_fields[] = {
    BB_STATE_U64(RiscvCpu, gpr),
    BB_STATE_U64(RiscvCpu, pc),
    BB_STATE_U64(RiscvCpu, fpr),
    BB_STATE_U32(RiscvCpu, fflags),
    BB_STATE_U32(RiscvCpu, frm),
    BB_STATE_U32(RiscvCpu, priv),
    { .name = "halted", .kind = BB_STATE_BOOL,
      .offset = offsetof(RiscvCpu, parent_obj.halted),
      .size = sizeof(bool) },               /* in WFI */
    BB_STATE_U64(RiscvCpu, load_res),
    BB_STATE_U64(RiscvCpu, load_val),
    BB_STATE_U64(RiscvCpu, mstatus),
    BB_STATE_U64(RiscvCpu, medeleg),
    BB_STATE_U64(RiscvCpu, mideleg),
    BB_STATE_U64(RiscvCpu, mie),
    BB_STATE_U64(RiscvCpu, mip),
    BB_STATE_U64(RiscvCpu, irq_lines),
    BB_STATE_U64(RiscvCpu, mtvec),
    BB_STATE_U64(RiscvCpu, mscratch),
    BB_STATE_U64(RiscvCpu, mepc),
    BB_STATE_U64(RiscvCpu, mcause),
    BB_STATE_U64(RiscvCpu, mtval),
    BB_STATE_U64(RiscvCpu, mcounteren),
    BB_STATE_U64(RiscvCpu, mcountinhibit),
    BB_STATE_U64(RiscvCpu, menvcfg),
    BB_STATE_U64(RiscvCpu, mcycle_saved),
    BB_STATE_U64(RiscvCpu, minstret_saved),
    BB_STATE_U64(RiscvCpu, stvec),
    BB_STATE_U64(RiscvCpu, sscratch),
    BB_STATE_U64(RiscvCpu, sepc),
    BB_STATE_U64(RiscvCpu, scause),
    BB_STATE_U64(RiscvCpu, stval),
    BB_STATE_U64(RiscvCpu, satp),
    BB_STATE_U64(RiscvCpu, scounteren),
    BB_STATE_U64(RiscvCpu, senvcfg),
    BB_STATE_SINCE(BB_STATE_U64, RiscvCpu, stimecmp, 2),   /* Sstc */
    BB_STATE_U8(RiscvCpu, pmpcfg),
    BB_STATE_U64(RiscvCpu, pmpaddr),
    BB_STATE_BOOL(RiscvCpu, reset_pc_pending),
    BB_STATE_END
};

static const BbStateDesc riscv_cpu_state = {
    .name = TYPE_RISCV64_CPU,
    .version = 2,           /* 2: stimecmp */
    .min_version = 1,
    .fields = riscv_cpu_state_fields,
    .size = sizeof(RiscvCpu),
    .pre_save = riscv_cpu_pre_save,
    .post_load = riscv_cpu_post_load,
};

static void riscv_cpu_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);
    BbCpuClass *cc = BB_CPU_CLASS(klass);
    BbFdtIntcClass *ic = (BbFdtIntcClass *)bb_object_class_dynamic_cast(
        klass, BB_TYPE_FDT_INTC);

    bb_object_class_add_properties(klass, riscv_cpu_props);
    dc->realize = riscv_cpu_realize;
    dc->unrealize = riscv_cpu_unrealize;
    parent_reset = dc->reset;
    dc->reset = riscv_cpu_reset;
    dc->fdt_populate = riscv_cpu_fdt_populate;
    dc->state = &riscv_cpu_state;
    if (ic) {
        ic->irq_specifier = riscv_irq_specifier;
    }
    cc->get_tb_key = riscv_get_tb_key;
    cc->exec_interrupt = riscv_exec_interrupt;
    cc->has_work = riscv_has_work;
    cc->do_exception = riscv_do_exception;
    cc->restore_state = riscv_restore_state;
    cc->mmu_index = riscv_mmu_index;
    cc->dump_state = riscv_cpu_dump_state;
    cc->tlb_fill = riscv_tlb_fill;
    cc->do_transaction_failed = riscv_do_transaction_failed;
    cc->do_unaligned_access = riscv_do_unaligned_access;
    cc->disas_insn = riscv_disas_insn;
    riscv_translate_init(cc); /* globals, translate_insn/_end */
    riscv_debug_init(cc);     /* registers, debug translation */
}

static const BbInterfaceInfo riscv_cpu_interfaces[] = {
    { BB_TYPE_FDT_INTC },
    { NULL }
};

const BbTypeInfo riscv_cpu_info = {
    .name = TYPE_RISCV64_CPU,
    .parent = BB_TYPE_CPU,
    .instance_size = sizeof(RiscvCpu),
    .instance_init = riscv_cpu_instance_init,
    .class_init = riscv_cpu_class_init,
    .interfaces = riscv_cpu_interfaces,
    .description = "RISC-V RV64GC hart: M/S/U modes, Sv39/48/57, PMP",
};
