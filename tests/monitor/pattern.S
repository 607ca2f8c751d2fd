/*
 * pattern.S - the monitor tests' guest (tests/monitor): runs in M-mode
 * from the start of RAM on riscv-virt (breadboard --bios pattern.elf, QEMU
 * -M virt -bios pattern.elf), writes a known pattern, sets known
 * registers, then counts forever.
 *
 *   0x80100000: 1024 words, word i = 0x5a000000 + i
 *   0x80101000: a doubleword counter the loop stores (a0 holds it too,
 *               at most one ahead)
 *   s1 = 0x0123456789abcdef, s2 = 0x80100000, s3 = 0x80101000,
 *   fs0 = 1.5 (as a double)
 * Harts other than 0 sleep in wfi.  The loop's "addi a0, a0, 1" is the
 * only 0x00150513 in the program: a test patches it.
 */
    .option norvc           /* 4-byte instructions: the tests patch one */
    .section .text
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    li      t0, 0x80100000
    li      t1, 1024
    li      t2, 0x5a000000
1:  sw      t2, 0(t0)
    addi    t2, t2, 1
    addi    t0, t0, 4
    addi    t1, t1, -1
    bnez    t1, 1b
    li      s1, 0x0123456789abcdef
    li      s2, 0x80100000
    li      s3, 0x80101000
    /* fs0 = 1.5: enable the FPU first (mstatus.FS = initial) */
    li      t0, 0x2000
    csrs    mstatus, t0
    li      t0, 0x3ff8000000000000
    fmv.d.x fs0, t0
    li      a0, 0
count:
    addi    a0, a0, 1
    sd      a0, 0(s3)
    j       count
park:
    wfi
    j       park
