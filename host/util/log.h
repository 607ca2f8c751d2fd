/*
 * log.h - host-side logging switches (the -d option).
 */
#ifndef HOST_UTIL_LOG_H
#define HOST_UTIL_LOG_H

#include <stdbool.h>

#include <glib.h>

/* Bits of the -d mask. */
enum {
    LOG_GUEST_ERRORS = 1 << 0, /* guest_errors: bad guest register/DMA use */
};

/* Parse "guest_errors,..." into a mask; false with @error listing the
 * valid names on an unknown one. */
bool log_parse_mask(const char *spec, unsigned *mask, GError **error);
void log_set_mask(unsigned mask);
unsigned log_get_mask(void);
/* Where log output goes (default stderr); NULL restores stderr. */
bool log_set_file(const char *path, GError **error);

#endif /* HOST_UTIL_LOG_H */
