/*
 * abi.h - the plugin ABI version of the Breadboard SDK and the export macro.
 *
 * Every plugin records the ABI it was compiled against (BB_PLUGIN_DEFINE in
 * plugin.h copies BB_ABI_MAJOR/BB_ABI_MINOR into its descriptor).  The host
 * refuses a plugin whose major differs from its own or whose minor is newer:
 * within one major, public structs that plugins fill or embed only grow at
 * the end (into reserved padding), and functions are only added.
 *
 * Changelog (newest first; every entry dated):
 *   2.3 (2026-12-07)  Compatible addition:
 *                     - bb_cpu_yield() (cpu.h): a spin-wait hint that ends
 *                       the hart's turn and keeps its next turn short.
 *   2.2 (2026-12-07)  Compatible changes:
 *                     - BbCpu.budget_limit (host-owned, from the reserved
 *                       padding): the stop a TB's budget check compares
 *                       with, no longer the budget's upper half.
 *                     - a translator need not store the pc before goto_tb
 *                       (cpu.h, translate_insn): the loop restores the pc
 *                       of a chained TB that leaves at its entry.  Plugins
 *                       that rely on it are refused by 2.1 hosts.
 *   2.1 (2026-12-07)  Compatible additions:
 *                     - PCI core (pci.h): pci-device base type, buses,
 *                       config space, BARs, INTx, MSI/MSI-X, capabilities,
 *                       bridges, DMA; bb_pci_device_state.
 *                     - BbDeviceClass.plug/unplug hooks (device.h).
 *                     - BbMemTxAttrs, bb_address_space_read_attrs/
 *                       write_attrs, BbMemoryOps.read_with_attrs/
 *                       write_with_attrs (memory.h).
 *                     - BbCpu.budget (cpu.h, from the reserved padding):
 *                       the instruction budget chained TBs count down.
 *                     - Run states (system.h): DEBUG, GUEST_PANICKED,
 *                       INTERNAL_ERROR appended, BB_RUN_STATE_PRELAUNCH;
 *                       a transition table; bb_system_stop/resume();
 *                       system events (reset, shutdown, powerdown) with
 *                       causes; bb_system_request_reset_with_cause(),
 *                       bb_system_request_powerdown(), shutdown causes
 *                       GUEST_RESET, HOST_MONITOR_QUIT/RESET and their
 *                       QEMU names.
 *                     - CPU debug access (cpu.h): BbCpuRegInfo; class
 *                       hooks get_registers, access_register,
 *                       debug_translate (from the reserved padding);
 *                       bb_system_get_cpu(_count)(), bb_cpu_get_index(),
 *                       bb_cpu_read/write_register(),
 *                       bb_cpu_debug_translate(), bb_cpu_memory_rw_debug().
 *                     - bb_tcg_lookup_and_goto_keyed(), BB_TCG_LOOKUP_KEY
 *                       (tcg.h): indirect jumps the JIT resolves inline.
 *   2.0 (2026-12-07)  SDK 2, the device contract (layout changes, hence
 *                     the major):
 *                     - The host owns device mappings: bb_device_realize()
 *                       maps what bb_device_init_mmio() declared, unrealize
 *                       unmaps it before the hook runs; new
 *                       bb_device_map_region() for self-placed regions;
 *                       bb_device_get_system(), bb_device_init_mmio(),
 *                       bb_device_get_mmio() moved to device.h (from
 *                       system.h); breadboard.h includes <inttypes.h>.
 *                     - Properties (object.h): BbPropertyInfo gains
 *                       count_offset/count_size/count_max; array
 *                       properties (BB_PROP_*_ARRAY, set_prop_list...);
 *                       BB_PROP_F_READONLY, BB_PROP_READONLY(); "did you
 *                       mean" for unknown property names.
 *                     - Register blocks (regs.h): BbRegInfo,
 *                       bb_reg_block_*().
 *                     - State (state.h): BbStateField gains flags, sub,
 *                       counts and padding; BbStateDesc gains size,
 *                       needed, pre_save/post_load; STRUCT and TIMER
 *                       kinds, variable-length, pointer and optional
 *                       fields; the stream is named, versioned sections;
 *                       bb_state_save() takes a non-const object; tables
 *                       are validated at class init.
 *                     - Device tests (devtest.h): bb_devtest_*() build a
 *                       CPU-less board and drive it from C; mmio-tester
 *                       is installed.
 *                     - bb_timer_get_deadline() in a timer's own callback
 *                       returns the deadline that expired (timer.h).
 *                     - SONAME libbreadboard.so.2 follows the ABI major;
 *                       descriptors are read from the ELF file at scan, so
 *                       plugin code (constructors too) runs only once a
 *                       board needs the plugin.
 *   1.5 (2026-11-21)  tlb_fill hints BB_PROT_NO_CACHE and
 *                     BB_PROT_PAGE_BITS() (cpu.h); device-tree interrupt
 *                     specifiers of interrupt controllers (fdt.h);
 *                     bb_machine_build_fdt() (machine.h);
 *                     BbCpu.access_size and bb_cpu_get_insn_count()
 *                     (cpu.h); BbSystemOptions.accel (system.h).
 *   1.4 (2026-11-21)  CPU base type and execution loop (cpu.h).
 *   1.3 (2026-11-21)  Guest image loaders: ELF, raw, Linux Image
 *                     (loader.h).
 *   1.2 (2026-11-21)  JIT IR builder for CPU plugins (tcg.h).
 *   1.1 (2026-11-21)  Memory regions and address spaces (memory.h),
 *                     clocks, timers and deterministic time (timer.h),
 *                     main loop (main-loop.h), character backends
 *                     (chardev.h), systems and run states (system.h);
 *                     BbMachine.system and .ram; bb_guest_error().
 *   1.0 (2026-11-21)  First ABI: object model (object.h), devices and IRQ
 *                     lines (device.h, irq.h), device-tree builder (fdt.h),
 *                     state descriptions (state.h), plugin descriptor
 *                     (plugin.h), error domains (error.h).
 */
#ifndef BREADBOARD_ABI_H
#define BREADBOARD_ABI_H

#define BB_ABI_MAJOR 2 /* bumped on any incompatible change */
#define BB_ABI_MINOR 3 /* bumped on every compatible addition */

/*
 * BB_API marks a function or variable as part of the SDK.  The host library
 * is built with -fvisibility=hidden, so exactly the symbols marked here are
 * exported (a test compares the library's dynamic symbols with the headers).
 */
#if defined(__GNUC__)
#define BB_API __attribute__((visibility("default")))
#else
#define BB_API
#endif

#endif /* BREADBOARD_ABI_H */
