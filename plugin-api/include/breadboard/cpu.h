/*
 * cpu.h - the CPU base type: what a CPU plugin implements so the host can
 * translate and run its guest code, and what the host offers it.
 *
 * A CPU (hart) is a device whose instance struct holds the architectural
 * state; generated code receives a pointer to the instance as its "env",
 * so IR globals are declared at offsets into the instance struct.  The
 * host's execution loop, per hart and per time slice:
 *
 *   1. services the interrupt request flag: class->exec_interrupt() may
 *      take an interrupt (change mode and PC);
 *   2. if the hart is halted (WFI) and class->has_work() is false, moves
 *      on to the next hart;
 *   3. asks class->get_tb_key() for (PC, flags), finds or translates the
 *      translation block (TB) at that key - translation calls
 *      class->translate_insn() once per guest instruction - and runs it;
 *   4. leaves generated code when the TB exits unchained, when the
 *      deterministic-time budget is spent, when an exit is requested, or
 *      when a helper or the softmmu raises a guest exception, which
 *      unwinds to the loop (the PC of the faulting instruction is restored
 *      from its insn_start marker by class->restore_state()) and is then
 *      delivered by class->do_exception().
 */
#ifndef BREADBOARD_CPU_H
#define BREADBOARD_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/device.h>
#include <breadboard/memory.h>
#include <breadboard/system.h>
#include <breadboard/tcg.h>

G_BEGIN_DECLS

/* Abstract parent type of every CPU (hart); parent "device". */
#define BB_TYPE_CPU "cpu"

typedef struct BbCpu BbCpu;
typedef struct BbCpuClass BbCpuClass;
typedef struct BbCpuPrivate BbCpuPrivate;

/**
 * enum BbAccessType - what a memory access is for.
 * Since: ABI 1.4
 */
typedef enum {
    BB_ACCESS_READ = 0,
    BB_ACCESS_WRITE = 1,
    BB_ACCESS_EXEC = 2,
} BbAccessType;

/* Page permissions reported by tlb_fill. */
#define BB_PROT_READ (1u << 0)
#define BB_PROT_WRITE (1u << 1)
#define BB_PROT_EXEC (1u << 2)
/* Hints tlb_fill may add to *prot (Since: ABI 1.5):
 * BB_PROT_NO_CACHE: use the translation for this one access only (e.g. a
 *   PMP region smaller than the page, so the next access must be checked
 *   again);
 * BB_PROT_PAGE_BITS(n): the mapping is a superpage of 2^n bytes (n > 12),
 *   so that bb_cpu_tlb_flush_page() of any address in it drops it. */
#define BB_PROT_NO_CACHE (1u << 3)
#define BB_PROT_PAGE_SHIFT 8
#define BB_PROT_PAGE_BITS(n) ((unsigned)(n) << BB_PROT_PAGE_SHIFT)

/**
 * struct BbTranslateState - one TB being translated.
 * @pc_first: virtual PC of the TB's first instruction.
 * @pc_next: virtual PC of the next instruction to translate; the CPU
 *   advances it in translate_insn.
 * @flags: the flags word from get_tb_key (privilege, MMU mode...).
 * @num_insns: instructions translated so far (host-maintained).
 * @max_insns: the host stops the TB at this count.
 * @done: the CPU sets it when the instruction ended the TB (a jump, a
 *   trap, a CSR write that changes translation...).
 * Since: ABI 1.4
 */
typedef struct BbTranslateState {
    uint64_t pc_first;
    uint64_t pc_next;
    uint64_t flags;
    unsigned num_insns;
    unsigned max_insns;
    bool done;
    void *reserved[4];
} BbTranslateState;

/**
 * struct BbCpuRegInfo - one register a debugger or the monitor can read
 * and write (BbCpuClass.get_registers).
 * @name: lower-case name, as a debugger spells it ("ra", "pc", "ft0",
 *   "priv", "mstatus").
 * @regno: the number access_register takes; CPUs with a GDB target
 *   description use GDB's remote register number, so a gdbstub can pass
 *   'p'/'P' numbers through.
 * @bitsize: 8 to 64 (wider registers are not described).
 * @feature: the GDB target-description feature the register belongs to
 *   ("org.gnu.gdb.riscv.cpu"), or NULL.
 * @type: the GDB type ("int", "code_ptr", "data_ptr", "ieee_double"), or
 *   NULL for a plain integer.
 * @group: "general" (integer registers and pc), "float", "system" (CSRs,
 *   privilege level); the monitor groups its output by it.
 * Since: ABI 2.1
 */
typedef struct BbCpuRegInfo {
    const char *name;
    unsigned regno;
    unsigned bitsize;
    const char *feature;
    const char *type;
    const char *group;
    void *reserved[2];
} BbCpuRegInfo;

/**
 * struct BbCpuClass - what a CPU plugin implements.
 * @parent_class: device class header.
 * @globals: the IR globals (register file, PC...) at offsets into the
 *   instance struct; create in class_init.
 * @get_tb_key: the PC and flags word identifying the TB to run next.
 * @translate_insn: emit IR for the instruction at @ts->pc_next (one
 *   bb_tcg_insn_start() first), advance pc_next, set @ts->done if the
 *   instruction ends the TB (then it also emitted the TB exit).  Every
 *   exit_tb and lookup_and_goto must come after a store of the next pc
 *   into the CPU's pc field: the loop resumes from that field.  A
 *   goto_tb needs none before it (a chained TB that leaves at its entry
 *   gets its own pc back from the loop), so the store can sit between
 *   goto_tb and its exit_tb, where only the unchained path runs it.
 * @translate_end: emit the exit of a TB the host stopped early
 *   (max_insns, page end): normally "goto_tb 0; pc = pc_next; exit_tb 0".
 * @exec_interrupt: take a pending, enabled interrupt; return true if one
 *   was taken.
 * @has_work: whether a halted hart must wake (an interrupt is pending).
 * @do_exception: deliver the exception recorded by
 *   bb_cpu_raise_exception() (cause and tval as given there).
 * @tlb_fill: translate @vaddr for @access in @mmu_idx (page walk,
 *   permission and PMP checks); on success set *@paddr and *@prot and
 *   return true; on a fault call bb_cpu_raise_exception() (when @probe is
 *   false) or return false (when @probe is true).  The access's size
 *   is in @cpu->access_size (ABI 1.5).
 * @restore_state: set the PC (and what the target recorded in the
 *   marker's extra word) of the instruction whose insn_start marker is
 *   (@pc, @extra): a fault mid-TB resumes there.
 * @dump_state: registers for -d cpu and the monitor.
 * @disas_insn: disassemble one instruction into @out; return its length
 *   in bytes (0 if @len is too short).  Optional (-d in_asm prints hex).
 * @mmu_index: the MMU index of data accesses (@ifetch false) or of
 *   instruction fetch (@ifetch true) in the hart's current mode; it is
 *   the @mmu_idx tlb_fill receives.  Optional: NULL means index 0.
 * @do_transaction_failed: the memory system refused a translated access
 *   (nothing mapped there under BB_UNASSIGNED_ERROR, or a device reported
 *   a bus error): raise the access fault with bb_cpu_raise_exception()
 *   (host_ra 0: the host finds the instruction itself).  The CPU chooses
 *   the cause number (load/store/instruction access fault).  Optional:
 *   when NULL, or when it returns, a failed load reads 0, a failed store
 *   is dropped and a failed fetch ends translation / stops the hart.
 * @do_unaligned_access: a misaligned data access: return true to carry
 *   it out (split when it crosses a page), or raise the misaligned
 *   exception (bb_cpu_raise_exception(), host_ra 0).  With BB_MO_ALIGN in
 *   @mop the access is refused whatever this returns.  Optional: NULL
 *   carries out accesses without BB_MO_ALIGN.
 * @max_insns: the most guest instructions per TB (0: host default, 512).
 * @get_registers: the registers of @cpu, in the order a debugger's
 *   target description lists them (GPRs, pc, FPRs, then system
 *   registers); *@count gets their number.  The table is the class's
 *   (it outlives the call).  Optional (NULL: no register access).
 *   Since: ABI 2.1
 * @access_register: read (*@value = register) or, with @write, write
 *   register @regno (BbCpuRegInfo.regno) as a debugger does: no
 *   privilege checks, but the side effects of the architecture (a satp
 *   write flushes the TLB...).  False if there is no such register.
 *   Called only while the hart is stopped.  Since: ABI 2.1
 * @debug_translate: translate virtual @vaddr as the hart's data accesses
 *   would in its current mode, for a debugger or the monitor: no fault is
 *   raised and nothing changes (no accessed/dirty bits written); true
 *   with *@paddr, false if unmapped.  Optional (NULL: virtual equals
 *   physical).  Since: ABI 2.1
 *
 * Realize: the base type's realize registers the hart with its system
 * (bb_device_get_system(); a CPU outside any system is never run) and
 * installs the execution loop.  A subclass may set BbDeviceClass.realize
 * and .unrealize as usual: the base type runs the subclass's realize
 * first and registers the hart only if it succeeded, and unregisters the
 * hart before the subclass's unrealize.
 *
 * Interrupts: the loop clears @interrupt_request and then calls
 * exec_interrupt() before the next TB.  If an interrupt stays pending
 * but masked, call bb_cpu_request_interrupt() again when a CSR write may
 * unmask it, and end the TB after such a write (@ts->done).
 *
 * Faults raised from tlb_fill, do_transaction_failed and
 * do_unaligned_access, and from helpers, all unwind the same way: the
 * host restores the PC from the faulting instruction's marker
 * (restore_state) and then calls do_exception.
 *
 * Changes against the proposed draft (docs/drafts/cpu.h, now gone):
 * mmu_index, do_transaction_failed, do_unaligned_access and max_insns
 * were added (taken from the reserved padding).
 * Since: ABI 1.4
 */
struct BbCpuClass {
    BbDeviceClass parent_class;
    BbTcgGlobals *globals;
    void (*get_tb_key)(BbCpu *cpu, uint64_t *pc, uint64_t *flags);
    void (*translate_insn)(BbCpu *cpu, BbTcgContext *s, BbTranslateState *ts);
    void (*translate_end)(BbCpu *cpu, BbTcgContext *s, BbTranslateState *ts);
    bool (*exec_interrupt)(BbCpu *cpu);
    bool (*has_work)(BbCpu *cpu);
    void (*do_exception)(BbCpu *cpu, uint32_t cause, uint64_t tval);
    bool (*tlb_fill)(BbCpu *cpu, uint64_t vaddr, BbAccessType access,
                     unsigned mmu_idx, bool probe, uint64_t *paddr,
                     unsigned *prot);
    void (*restore_state)(BbCpu *cpu, uint64_t pc, uint64_t extra);
    void (*dump_state)(BbCpu *cpu, GString *out);
    unsigned (*disas_insn)(BbCpu *cpu, uint64_t pc, const uint8_t *buf,
                           size_t len, GString *out);
    unsigned (*mmu_index)(BbCpu *cpu, bool ifetch);
    void (*do_transaction_failed)(BbCpu *cpu, uint64_t vaddr, uint64_t paddr,
                                  BbAccessType access, unsigned size,
                                  unsigned mmu_idx);
    bool (*do_unaligned_access)(BbCpu *cpu, uint64_t vaddr,
                                BbAccessType access, BbMemOp mop,
                                unsigned mmu_idx);
    unsigned max_insns;
    /* Since ABI 2.1, taken from the reserved padding: */
    const BbCpuRegInfo *(*get_registers)(BbCpu *cpu, unsigned *count);
    bool (*access_register)(BbCpu *cpu, unsigned regno, uint64_t *value,
                            bool write);
    bool (*debug_translate)(BbCpu *cpu, uint64_t vaddr, uint64_t *paddr);
    void *reserved[1];
};

/**
 * struct BbCpu - hart instance header; the CPU's state follows it in the
 * subclass struct.
 * @parent_obj: device header.
 * @hartid: property "hartid" (uint32, default 0).
 * @exit_request: set by bb_cpu_request_exit(); the loop clears it.
 * @interrupt_request: set by bb_cpu_request_interrupt(); the loop clears
 *   it before calling exec_interrupt().
 * @halted: in WFI (bb_cpu_halt()); cleared when has_work() says so.
 * @priv: host-private state (TLBs, jump cache, unwinding).
 * @access_size: while the host calls tlb_fill, the size in bytes (1 to
 *   8) of the access being translated: it starts at tlb_fill's @vaddr
 *   and lies within that 4 KiB page (a data access, or the piece of one
 *   that crosses a page; an instruction fetch of bb_cpu_fetch()'s @size;
 *   1 for the host's own lookups of a TB's first byte).  Checks that
 *   depend on more than the page, like a PMP boundary inside it, must
 *   cover all of these bytes (and then return BB_PROT_NO_CACHE).  0
 *   outside tlb_fill; treat 0 as 1.  Since: ABI 1.5
 * @insn_count: host-owned instruction counter, brought up to date when
 *   a run of generated code ends (during one the host derives it from
 *   @budget); plugins must not touch it - read bb_cpu_get_insn_count().
 *   Since: ABI 1.5
 * @budget: host-owned instruction budget of the running chain of TBs:
 *   every TB subtracts its length at entry and leaves when the result
 *   is below @budget_limit.  Plugins must not touch it.  Since: ABI 2.1
 * @budget_limit: host-owned: 0, or INT64_MAX while the hart is asked to
 *   leave (exit or interrupt request, a kick); generated code only reads
 *   it.  Since: ABI 2.2
 * @tb_budget: host-owned: the low half of @budget when the running TB
 *   was entered (what the chain had retired before it); -1 after a TB
 *   left at its entry.  Since: ABI 2.1
 * @entry_pc: host-owned: the pc (and @entry_extra the marker's extra
 *   word) of the first instruction of a TB that left at its entry, which
 *   the host restores with restore_state(): a TB entered through a
 *   chained jump finds env's pc still at the previous TB's.
 *   Since: ABI 2.1
 * Since: ABI 1.4
 */
struct BbCpu {
    BbDevice parent_obj;
    uint32_t hartid;              /* property "hartid" */
    volatile int exit_request;    /* leave generated code soon */
    volatile int interrupt_request; /* exec_interrupt() should look */
    bool halted;                  /* in WFI */
    BbCpuPrivate *priv;           /* host: TLBs, jump cache, unwinding */
    /* Since ABI 1.5, taken from the reserved padding: */
    uint32_t access_size;         /* bytes tlb_fill is asked for (0: 1) */
    int32_t tb_budget;            /* host-owned (ABI 2.1): see @budget */
    uint64_t insn_count;          /* host-owned: see bb_cpu_get_insn_count */
    /* Since ABI 2.1, taken from the reserved padding: */
    volatile int64_t budget;      /* host-owned: see docs/jit.md */
    uint64_t entry_pc;            /* host-owned: see @budget */
    uint64_t entry_extra;
    /* Since ABI 2.2, taken from the reserved padding: */
    volatile int64_t budget_limit; /* host-owned: see @budget */
    void *reserved[2];
};

BB_DECLARE_TYPE(BbCpu, BbCpuClass, BB_CPU, BB_TYPE_CPU)

/**
 * bb_cpu_raise_exception() - abandon the current instruction and deliver
 * guest exception @cause (with @tval) through do_exception.  Call from a
 * helper or a tlb_fill hook; does not return.  @host_ra is the host
 * return address into generated code (__builtin_return_address(0) in a
 * helper; 0 from tlb_fill, do_transaction_failed and do_unaligned_access,
 * where the host knows the softmmu call site itself), used to find the
 * guest instruction that raised it.  While a TB is being translated only
 * instruction-fetch faults may be raised (from tlb_fill or
 * do_transaction_failed via bb_cpu_fetch()): on the TB's first
 * instruction the fault is delivered, later the TB is cut before that
 * instruction.  Outside the execution loop it aborts.
 * Since: ABI 1.4
 */
BB_API G_GNUC_NORETURN void bb_cpu_raise_exception(BbCpu *cpu,
                                                   uint32_t cause,
                                                   uint64_t tval,
                                                   uintptr_t host_ra);

/**
 * bb_cpu_fetch() - read @size (1 to 4) instruction bytes at virtual
 * @vaddr (little-endian) through the MMU with mmu_index(cpu, true), as
 * translation does; an access crossing a page is split.  A fault raises
 * the instruction-fetch exception through tlb_fill or
 * do_transaction_failed (see bb_cpu_raise_exception()); if those return,
 * the result is 0.
 * Since: ABI 1.4
 */
BB_API uint32_t bb_cpu_fetch(BbCpu *cpu, uint64_t vaddr, unsigned size);

/**
 * bb_cpu_get_insn_count() - the number of instructions @cpu has retired
 * (run to completion) since it was created, up to but not including the
 * instruction that is running now.
 * @host_ra: as for bb_cpu_raise_exception(): __builtin_return_address(0)
 *   in a helper called from generated code, which identifies the
 *   instruction the helper belongs to; 0 from anywhere else (a softmmu
 *   hook: the host knows the access's instruction; outside generated code,
 *   e.g. in do_exception, exec_interrupt or a debugger: every instruction
 *   so far).
 *
 * Exact in both timing modes and on every backend: an instruction that
 * raises an exception, or is abandoned to be run again, does not count;
 * one that completes does, whether its TB was chained, cut short at a
 * deterministic-time deadline or run once.  A CPU derives counters such
 * as RISC-V's instret and cycle from it (with an offset of its own for
 * writes).  0 for a hart outside any system.
 * Since: ABI 1.5
 */
BB_API uint64_t bb_cpu_get_insn_count(BbCpu *cpu, uintptr_t host_ra);

/** bb_cpu_request_exit() - end the hart's time slice at the next TB
 * boundary, so that the system loop runs timers and I/O (thread- and
 * signal-safe).  Since: ABI 1.4 */
BB_API void bb_cpu_request_exit(BbCpu *cpu);

/**
 * bb_cpu_request_interrupt() - an interrupt line of the hart changed:
 * make the loop call exec_interrupt() soon and wake it from WFI.
 * Since: ABI 1.4
 */
BB_API void bb_cpu_request_interrupt(BbCpu *cpu);

/**
 * bb_cpu_yield() - the hart is waiting for another hart: a WFI that
 * cannot sleep (something pending and enabled, but masked globally), a
 * spin-wait hint.  Call from a helper.  Ends the hart's turn at the next
 * TB boundary when other harts share the thread, and keeps its next turn
 * short (a few hundred instructions), so that a hart this one waits on,
 * stopped by the end of its turn in the middle of an update, completes
 * the update before this one runs far past the flag it waited for (guests
 * such as OpenSBI 1.1/1.2 publish a flag before the data it guards, which
 * parallel harts never notice).  Nothing when the hart runs alone.
 * Since: ABI 2.3
 */
BB_API void bb_cpu_yield(BbCpu *cpu);

/** bb_cpu_halt() - enter WFI: the hart sleeps until has_work().  Call
 * from a helper, then end the TB.  Since: ABI 1.4 */
BB_API void bb_cpu_halt(BbCpu *cpu);

/** bb_cpu_tlb_flush() - drop every TLB entry of @cpu (satp write,
 * sfence.vma without address).  Since: ABI 1.4 */
BB_API void bb_cpu_tlb_flush(BbCpu *cpu);

/** bb_cpu_tlb_flush_page() - drop the entries for @vaddr's page in every
 * MMU index.  Since: ABI 1.4 */
BB_API void bb_cpu_tlb_flush_page(BbCpu *cpu, uint64_t vaddr);

/** bb_cpu_get_address_space() - the physical address space the hart
 * sees.  Since: ABI 1.4 */
BB_API BbAddressSpace *bb_cpu_get_address_space(BbCpu *cpu);

/**
 * bb_system_get_cpu_count() - the number of harts registered with @sys
 * (realized CPUs), 0 without any.
 * Since: ABI 2.1
 */
BB_API unsigned bb_system_get_cpu_count(BbSystem *sys);

/**
 * bb_system_get_cpu() - hart number @index of @sys, in registration
 * (realize) order: QMP's "cpu-index" and a gdbstub's thread id minus 1.
 * Return: the hart, or NULL when @index is out of range.
 * Since: ABI 2.1
 */
BB_API BbCpu *bb_system_get_cpu(BbSystem *sys, unsigned index);

/** bb_cpu_get_index() - @cpu's index in its system (see
 * bb_system_get_cpu()), or -1 when it is not registered.
 * Since: ABI 2.1 */
BB_API int bb_cpu_get_index(BbCpu *cpu);

/**
 * bb_cpu_get_registers() - the register table of @cpu's class
 * (BbCpuClass.get_registers).
 * Return: the table and *@count, or NULL and 0 if the CPU has none.
 * Since: ABI 2.1
 */
BB_API const BbCpuRegInfo *bb_cpu_get_registers(BbCpu *cpu, unsigned *count);

/**
 * bb_cpu_find_register() - the entry of the register called @name
 * (case-insensitive), or NULL.
 * Since: ABI 2.1
 */
BB_API const BbCpuRegInfo *bb_cpu_find_register(BbCpu *cpu,
                                                const char *name);

/**
 * bb_cpu_read_register() - read register @regno (BbCpuRegInfo.regno) of
 * a stopped hart.
 * Return: false if the CPU has no such register.
 * Since: ABI 2.1
 */
BB_API bool bb_cpu_read_register(BbCpu *cpu, unsigned regno,
                                 uint64_t *value);

/**
 * bb_cpu_write_register() - write register @regno of a stopped hart (a
 * write to a hard-wired register such as x0 succeeds and changes
 * nothing).  The hart's TB lookup starts afresh.
 * Return: false if the CPU has no such register.
 * Since: ABI 2.1
 */
BB_API bool bb_cpu_write_register(BbCpu *cpu, unsigned regno,
                                  uint64_t value);

/**
 * bb_cpu_debug_translate() - the physical address of virtual @vaddr for
 * @cpu's data accesses in its current mode, without side effects
 * (BbCpuClass.debug_translate; identity when the CPU has no hook).
 * Return: false if @vaddr is not mapped.
 * Since: ABI 2.1
 */
BB_API bool bb_cpu_debug_translate(BbCpu *cpu, uint64_t vaddr,
                                   uint64_t *paddr);

/**
 * bb_cpu_memory_rw_debug() - read (or, with @write, write) @len bytes at
 * virtual @vaddr through @cpu's MMU, page by page, for a debugger or the
 * monitor, through the memory API like DMA (devices see the accesses;
 * writes to ROM are dropped).  Translations of code that a write changes
 * are dropped, so a patched instruction runs as patched.  Not from
 * generated code (a helper).
 * Return: false if a page is unmapped or an access fails (the bytes
 * before it were transferred).
 * Since: ABI 2.1
 */
BB_API bool bb_cpu_memory_rw_debug(BbCpu *cpu, uint64_t vaddr, void *buf,
                                   size_t len, bool write);

G_END_DECLS

#endif /* BREADBOARD_CPU_H */
