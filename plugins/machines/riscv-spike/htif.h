/*
 * htif.h - the Host-Target Interface of the riscv-spike machine: the
 * tohost/fromhost registers that bare-metal test programs (riscv-tests,
 * riscv-pk, Spike's own) use to exit, print and make proxied system calls.
 * See htif.c for the protocol and the rules this model follows.
 */
#ifndef PLUGINS_MACHINES_RISCV_SPIKE_HTIF_H
#define PLUGINS_MACHINES_RISCV_SPIKE_HTIF_H

#include <breadboard/breadboard.h>

typedef struct Htif {
    BbSystem *sys;
    BbAddressSpace *as;      /* where syscall blocks and buffers are read */
    BbChardev *chr;          /* console; NULL drops output */
    BbMemoryRegion *to_mr;   /* 8 bytes at the tohost symbol */
    BbMemoryRegion *from_mr; /* 8 bytes at the fromhost symbol, or NULL */
    uint64_t tohost;         /* register values */
    uint64_t fromhost;
    bool getc_pending;       /* console read waiting for a byte */
    bool putc_pending;       /* console byte the backend could not take */
} Htif;

/*
 * Map the registers over guest memory (priority 1, above RAM) at
 * @tohost_addr and, if @has_fromhost, @fromhost_addr; attach to @chr.
 * @owner (a device: the machine) owns the regions; the host maps them
 * for it and unmaps them before its unrealize.
 */
bool htif_init(Htif *h, BbObject *owner, BbSystem *sys, BbChardev *chr,
               uint64_t tohost_addr, bool has_fromhost,
               uint64_t fromhost_addr, GError **error);

/* Detach and drop the regions (the host unmaps them); no-op on a zeroed
 * or cleaned-up Htif. */
void htif_cleanup(Htif *h);

/* Hide or show the registers (the machine reloads its image meanwhile). */
void htif_set_enabled(Htif *h, bool enabled);

/* Power-on state: both registers 0, nothing pending. */
void htif_reset(Htif *h);

/* The state of an Htif, a sub-section of its machine's state. */
extern const BbStateDesc htif_state;

#endif /* PLUGINS_MACHINES_RISCV_SPIKE_HTIF_H */
