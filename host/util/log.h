/*
 * log.h - host-side logging switches (the -d option) and the log sink
 * (-D file or stderr) that the JIT's traces (in_asm, op, op_opt, out_asm,
 * exec, int, cpu) and guest errors write to.
 */
#ifndef HOST_UTIL_LOG_H
#define HOST_UTIL_LOG_H

#include <stdbool.h>

#include <glib.h>

/* Bits of the -d mask. */
enum {
    LOG_GUEST_ERRORS = 1 << 0, /* guest_errors: bad guest register/DMA use */
    LOG_IN_ASM = 1 << 1,       /* in_asm: guest code of each new TB */
    LOG_OP = 1 << 2,           /* op: IR before optimization */
    LOG_OP_OPT = 1 << 3,       /* op_opt: IR after optimization */
    LOG_OUT_ASM = 1 << 4,      /* out_asm: generated x86-64 code */
    LOG_EXEC = 1 << 5,         /* exec: every TB run (hart, pc) */
    LOG_INT = 1 << 6,          /* int: exceptions and interrupts taken */
    LOG_CPU = 1 << 7,          /* cpu: registers before each TB run */
};

/* Parse "guest_errors,..." into a mask; false with @error listing the
 * valid names on an unknown one. */
bool log_parse_mask(const char *spec, unsigned *mask, GError **error);
void log_set_mask(unsigned mask);
unsigned log_get_mask(void);
/* Is any bit of @bits enabled? */
static inline bool log_enabled(unsigned bits)
{
    return (log_get_mask() & bits) != 0;
}
/* Append text to the log as is (not rate-limited; the caller checks
 * log_enabled() first). */
void log_write(const char *text);
void log_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Where log output goes (default stderr); NULL restores stderr. */
bool log_set_file(const char *path, GError **error);

#endif /* HOST_UTIL_LOG_H */
