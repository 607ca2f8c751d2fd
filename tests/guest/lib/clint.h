/*
 * clint.h - the SiFive CLINT of the "clint" test group (QEMU's spike has
 * one; on breadboard tests/guest/spike-clint.yaml adds it): msip per hart
 * at +0 (4 bytes each), mtimecmp per hart at +0x4000 (8 bytes each),
 * mtime at +0xbff8, counting at 10 MHz.
 */
#ifndef GUEST_CLINT_H
#define GUEST_CLINT_H

#include "guest.h"

#define CLINT_BASE 0x02000000ul
#define CLINT_MSIP(h) ((volatile uint32_t *)(CLINT_BASE + 4 * (h)))
#define CLINT_MTIMECMP(h) ((volatile uint64_t *)(CLINT_BASE + 0x4000 + 8 * (h)))
#define CLINT_MTIME ((volatile uint64_t *)(CLINT_BASE + 0xbff8))

#endif /* GUEST_CLINT_H */
