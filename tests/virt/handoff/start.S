/*
 * start.S - entry of the hand-off test kernel (handoff.c): what a loader
 * and OpenSBI hand an S-mode kernel (reference/hardware.md sections 5.5
 * and 5.7).  With -DHANDOFF_IMAGE_HEADER the image starts with the 64-byte
 * Linux RISC-V Image header, whose first instruction jumps to _start;
 * otherwise _start is the first byte.  _start keeps a0 (hart ID), a1 (FDT)
 * and its own address (auipc) before touching anything, clears BSS, sets
 * a stack and an "unexpected trap" vector, and calls handoff_main().
 * Also here: probe_csr_*() read a CSR with a trap vector that turns the
 * illegal-instruction trap into a return value.
 */

#ifdef HANDOFF_IMAGE_HEADER
    .section .text.head, "ax"
    .option push
    .option norvc
    .globl _head
_head:
    j _start                    /* code0: executable, a jump */
    .word 0                     /* code1 */
    .dword 0x200000             /* text_offset from the start of RAM */
    .dword __image_size         /* image_size: _end - _start, BSS included */
    .dword 0                    /* flags: little-endian */
    .word 0x2                   /* version 0.2 */
    .word 0                     /* res1 */
    .dword 0                    /* res2 */
    .ascii "RISCV\0\0\0"        /* magic (deprecated) */
    .ascii "RSC\x05"            /* magic2 */
    .word 0                     /* res3: no PE/COFF header */
    .option pop
#endif

    .section .text.start, "ax"
    .globl _start
_start:
    auipc s2, 0                 /* where we really run */
    mv s0, a0                   /* hart ID */
    mv s1, a1                   /* FDT */
    lla t0, __bss_start
    lla t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  lla sp, __stack_top
    lla t0, unexpected_trap
    csrw stvec, t0
    mv a0, s0
    mv a1, s1
    mv a2, s2
    call handoff_main
3:  wfi                         /* handoff_main does not return */
    j 3b

    .balign 4
unexpected_trap:
    csrr a0, scause
    csrr a1, sepc
    csrr a2, stval
    call handoff_trap           /* prints, fails, does not return */
    j unexpected_trap

/*
 * uint64_t probe_csr_sstatus(uint64_t *value) / probe_csr_mstatus(...):
 * read the CSR into *value; return ~0 when that worked, else the scause
 * of the trap it raised.  The vector used meanwhile clobbers a0 and t0
 * only, and steps over the 4-byte csrr.
 */
    .macro probe name, csr
    .text
    .globl probe_csr_\name
probe_csr_\name:
    mv t2, a0
    li a0, -1
    csrr t3, stvec
    lla t0, probe_trap
    csrw stvec, t0
    li t1, 0
    csrr t1, \csr
    csrw stvec, t3
    sd t1, 0(t2)
    ret
    .endm

    probe sstatus, sstatus
    probe mstatus, mstatus

    .balign 4
probe_trap:
    csrr a0, scause
    csrr t0, sepc
    addi t0, t0, 4
    csrw sepc, t0
    sret

/* Link-time addresses, to compare with where we run. */
    .section .rodata
    .balign 8
    .globl link_start, link_image_start
link_start:
    .dword _start
link_image_start:
    .dword __image_start
