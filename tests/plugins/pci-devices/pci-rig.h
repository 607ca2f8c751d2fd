/*
 * pci-rig.h - what the PCI device tests share: a CPU-less board with the
 * ECAM host bridge at riscv-virt's addresses (ECAM 0x3000_0000, 32-bit
 * memory window 0x4000_0000, I/O window at CPU 0x0300_0000), RAM at
 * 0x8000_0000 and the device under test on its root bus, and the steps
 * firmware takes to use a function: config accesses through ECAM, BAR
 * sizing and assignment, command register.  Everything goes through
 * bus accesses of the devtest API (devtest.h), as a guest's would.
 */
#ifndef PCI_RIG_H
#define PCI_RIG_H

#include <stdbool.h>
#include <stdint.h>

#include <breadboard/breadboard.h>

#define RIG_ECAM 0x30000000u
#define RIG_MMIO 0x40000000u  /* bus address = CPU address */
#define RIG_IO_CPU 0x03000000u /* port p is at RIG_IO_CPU + p */
#define RIG_RAM 0x80000000u
#define RIG_RAM_SIZE 0x100000u

typedef struct Rig {
    BbDevtest *t;
    int intx[4];        /* probes on the bridge's INTA..INTD outputs */
    uint64_t bar[6];    /* CPU address of each assigned BAR (0: none) */
    uint64_t bar_size[6];
    bool bar_io[6];
    uint64_t mem_next;  /* next free bus address in the memory window */
    uint32_t io_next;   /* next free port */
} Rig;

/* Board: the bridge, RAM, and @devices (YAML list items, each line
 * starting with "  - ") on bus "pcie0". */
Rig *rig_new(const char *devices);
/* The board's YAML text (g_free it). */
char *rig_board_yaml(const char *devices);
void rig_free(Rig *r);

uint32_t rig_cfg_read(Rig *r, unsigned devfn, unsigned off, unsigned size);
void rig_cfg_write(Rig *r, unsigned devfn, unsigned off, unsigned size,
                   uint32_t v);

/* Size every BAR of @devfn as firmware does (all-ones, read back,
 * restore), assign addresses from the windows, and set @command. */
void rig_setup_function(Rig *r, unsigned devfn, uint16_t command);

/* Raw size read-back of BAR @n: write all-ones, read, restore. */
uint32_t rig_bar_probe(Rig *r, unsigned devfn, unsigned n);

uint64_t rig_read(Rig *r, uint64_t addr, unsigned size);
void rig_write(Rig *r, uint64_t addr, unsigned size, uint64_t v);
BbMemTxResult rig_read_status(Rig *r, uint64_t addr, unsigned size,
                              uint64_t *v);

#endif /* PCI_RIG_H */
