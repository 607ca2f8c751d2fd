/*
 * devtest.h - testing a device from C, with no CPU: the C side of the
 * device-test harness (the script side is the "mmio-tester" plugin; both
 * are described in docs/device-tests.md).
 *
 * A BbDevtest is a board built by the ordinary board loader from a file
 * or a YAML string, always in deterministic time, whose virtual clock
 * moves only when the test steps it.  The test is the bus master: it
 * loads and stores at guest-physical addresses exactly as a CPU would
 * and gets the bus status back; it watches device IRQ outputs through
 * probes and drives device IRQ inputs through drive lines, both named
 * the way board files name lines; it steps the clock, running every
 * timer that falls due exactly at its deadline; it resets the system.
 * Any C test framework works (the project's own tests use cmocka): link
 * Breadboard::breadboard (CMake) or `pkg-config breadboard`.
 *
 * Plugins are searched as `breadboard run` searches them: the
 * directories in BbDevtestOptions.plugin_dirs, the board's own
 * `plugins:` paths, BREADBOARD_PLUGIN_PATH, then the library's build
 * tree or install prefix.
 *
 * A BbDevtest belongs to one thread.  Several may exist at once.
 */
#ifndef BREADBOARD_DEVTEST_H
#define BREADBOARD_DEVTEST_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/abi.h>
#include <breadboard/device.h>
#include <breadboard/memory.h>
#include <breadboard/system.h>

G_BEGIN_DECLS

typedef struct BbDevtest BbDevtest;

/**
 * struct BbDevtestOptions - how to build a device-test system.
 * @plugin_dirs: NULL-terminated list of plugin directories searched
 *   before the default ones (an out-of-tree project's build directory);
 *   may be NULL.
 * @sets: NULL-terminated list of board overrides as `breadboard run
 *   --set` takes them ("devices.uart0.props.clock-frequency=1843200");
 *   may be NULL.
 * @icount_shift: deterministic time's ns per (absent) instruction as a
 *   power of two; 0 is what `breadboard run --icount` uses.  It matters
 *   only to devices that read the instruction count.
 * @reserved: must be zero.
 *
 * Since: ABI 2.0
 */
typedef struct BbDevtestOptions {
    const char *const *plugin_dirs;
    const char *const *sets;
    unsigned icount_shift;
    void *reserved[6];
} BbDevtestOptions;

/**
 * bb_devtest_new() - build the board in file @board_path for a test.
 * @board_path: a board file (docs/boards.md); it needs no harts and no
 *   machine, and usually has neither.
 * @opts: may be NULL (defaults).
 * @error: board errors in BB_BOARD_ERROR, starting with FILE:LINE:COL.
 *
 * The system is running at virtual time 0 when this returns: devices are
 * realized, reset and wired, and no timer has run yet.
 * Return: the test system, or NULL with @error.
 * Since: ABI 2.0
 */
BB_API BbDevtest *bb_devtest_new(const char *board_path,
                                 const BbDevtestOptions *opts,
                                 GError **error);

/**
 * bb_devtest_new_from_string() - bb_devtest_new() for a board given as
 * YAML text.
 * @yaml: the board, NUL-terminated.
 * @origin: the name errors use for the text ("ORIGIN:LINE:COL: ..."),
 *   e.g. the test's name; NULL means "<string>".  Relative paths in the
 *   board (plugin directories, files) are taken from the current
 *   directory.
 * Return: the test system, or NULL with @error.
 * Since: ABI 2.0
 */
BB_API BbDevtest *bb_devtest_new_from_string(const char *yaml,
                                             const char *origin,
                                             const BbDevtestOptions *opts,
                                             GError **error);

/**
 * bb_devtest_free() - unrealize and free everything (NULL accepted).
 * Since: ABI 2.0
 */
BB_API void bb_devtest_free(BbDevtest *t);

/**
 * bb_devtest_get_system() - the system, for what this header does not
 * wrap (bb_system_get_shutdown_cause(), bb_system_get_exit_code(), the
 * address space, chardevs).
 * Since: ABI 2.0
 */
BB_API BbSystem *bb_devtest_get_system(BbDevtest *t);

/**
 * bb_devtest_get_device() - the device with board id @id.
 * Return: the device (owned by the board), or NULL if no device has
 *   that id.
 * Since: ABI 2.0
 */
BB_API BbDevice *bb_devtest_get_device(BbDevtest *t, const char *id);

/**
 * bb_devtest_read() - load @size bytes (1, 2, 4 or 8; little-endian) at
 * guest-physical @addr, as a CPU would.
 * @value: the value read (0 when the access fails); may be NULL.
 * Return: the bus status: BB_MEMTX_OK, BB_MEMTX_ERROR (bus error, bad
 *   size) or BB_MEMTX_DECODE_ERROR (nothing mapped there).
 * Since: ABI 2.0
 */
BB_API BbMemTxResult bb_devtest_read(BbDevtest *t, uint64_t addr,
                                     unsigned size, uint64_t *value);

/**
 * bb_devtest_write() - store the low @size bytes of @value at @addr.
 * Return: the bus status, as bb_devtest_read().
 * Since: ABI 2.0
 */
BB_API BbMemTxResult bb_devtest_write(BbDevtest *t, uint64_t addr,
                                      unsigned size, uint64_t value);

/**
 * bb_devtest_add_probe() - watch a device's IRQ output line.
 * @out_ref: DEVICE[.GROUP][:INDEX], the output line INDEX (default 0) of
 *   output group GROUP (default: the device's first output group) of the
 *   device with board id DEVICE - the way a board's `irq:`/`irqs:` keys
 *   pick a source line, e.g. "uart0", "plic.ctx:1".
 * @error: BB_DEVICE_ERROR naming the reference and listing the device's
 *   output groups.
 *
 * The probe is an input connected to that line, so it sees the level the
 * line drives (the line may also drive board inputs) and counts rising
 * edges, even ones that fall again within one access.
 * Return: the probe's number (0, 1, ... in the order added), or -1 with
 *   @error.
 * Since: ABI 2.0
 */
BB_API int bb_devtest_add_probe(BbDevtest *t, const char *out_ref,
                                GError **error);

/**
 * bb_devtest_get_probe() - the level probe @probe sees now (false for a
 * number that is not a probe).
 * Since: ABI 2.0
 */
BB_API bool bb_devtest_get_probe(BbDevtest *t, int probe);

/**
 * bb_devtest_get_probe_rises() - how many times probe @probe went from
 * low to high since it was added (0 for a number that is not a probe).
 * Since: ABI 2.0
 */
BB_API unsigned bb_devtest_get_probe_rises(BbDevtest *t, int probe);

/**
 * bb_devtest_add_drive() - a line the test drives into a device input.
 * @in_ref: TARGET[.GROUP][:INDEX] exactly as in a board's `irq:` value:
 *   input line INDEX (default 0) of input group GROUP (default: the
 *   first) of device TARGET, e.g. "plic:10".
 * @error: BB_DEVICE_ERROR naming the reference and listing the target's
 *   input groups.
 *
 * The line starts low and is lowered again by every system reset (as a
 * board's other sources are by their own reset).  It wire-ORs with any
 * source the board connects to the same input.
 * Return: the drive line's number (0, 1, ... in the order added), or -1
 *   with @error.
 * Since: ABI 2.0
 */
BB_API int bb_devtest_add_drive(BbDevtest *t, const char *in_ref,
                                GError **error);

/**
 * bb_devtest_set_drive() - drive line @drive to @level (ignored for a
 * number that is not a drive line).
 * Since: ABI 2.0
 */
BB_API void bb_devtest_set_drive(BbDevtest *t, int drive, bool level);

/**
 * bb_devtest_now() - virtual time in ns (0 when the test starts).
 * Since: ABI 2.0
 */
BB_API int64_t bb_devtest_now(BbDevtest *t);

/**
 * bb_devtest_step() - let @ns of virtual time pass.
 *
 * Input waiting on character backends (a UART's chardev) is taken in
 * first, at the current time.  Then time moves from deadline to deadline:
 * every virtual timer due at or before now + @ns runs exactly at its
 * deadline, in deadline order (equal deadlines in arming order), as do
 * the timers those callbacks arm within the interval; bottom halves run
 * in between.  Reset requests from devices are carried out when they are
 * made visible (between deadlines).  A shutdown request (a finisher
 * device) ends the step early at its instant.  A step of 0 runs what is
 * due now.
 * Return: false if the system has shut down (before or during the
 *   step; see bb_system_get_shutdown_cause()), else true.
 * Since: ABI 2.0
 */
BB_API bool bb_devtest_step(BbDevtest *t, uint64_t ns);

/**
 * bb_devtest_reset() - reset the system now, as a guest-requested reset
 * would: every device's reset runs and the drive lines go low.  Virtual
 * time does not restart.
 * Since: ABI 2.0
 */
BB_API void bb_devtest_reset(BbDevtest *t);

G_END_DECLS

#endif /* BREADBOARD_DEVTEST_H */
