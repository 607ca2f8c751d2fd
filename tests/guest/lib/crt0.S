/*
 * crt0.S - start-up, trap vectors and privilege switching of the guest
 * conformance tests (see guest.h).  Every hart enters _start in M-mode
 * (QEMU's spike reset ROM jumps here with a0 = mhartid; breadboard starts
 * here directly), so the hart id is read from mhartid.  Harts with ids
 * >= GUEST_MAX_HARTS park in a WFI loop without touching memory.
 */
#include "guest.h"

#define FRAME 256                 /* struct trap_frame */

    .section .text.init, "ax", @progbits
    .globl _start
_start:
.option push
.option norelax
    la gp, __global_pointer$
.option pop
    csrr a0, mhartid
    li t0, GUEST_MAX_HARTS
    bgeu a0, t0, park

    /* mtvec first: anything going wrong from here on is reported */
    la t0, m_trap_vector
    csrw mtvec, t0
    csrw mie, zero
    csrw medeleg, zero
    csrw mideleg, zero
    csrw satp, zero

    /* stack: _stacks + (hartid + 1) * GUEST_STACK_SIZE */
    addi t0, a0, 1
    li t1, GUEST_STACK_SIZE
    mul t0, t0, t1
    la sp, _stacks
    add sp, sp, t0

    /* TLS: copy .tdata, zero .tbss, tp = the block */
    li t1, GUEST_TLS_SIZE
    mul t0, a0, t1
    la tp, _tls_blocks
    add tp, tp, t0
    la t0, __tdata_start
    la t1, __tdata_end
    mv t2, tp
1:  bgeu t0, t1, 2f
    lb t3, 0(t0)
    sb t3, 0(t2)
    addi t0, t0, 1
    addi t2, t2, 1
    j 1b
2:  la t0, __tbss_start
    la t1, __tbss_end
    la t3, __tdata_start
    sub t0, t0, t3
    sub t1, t1, t3
    add t0, t0, tp
    add t1, t1, tp
3:  bgeu t0, t1, 4f
    sb zero, 0(t0)
    addi t0, t0, 1
    j 3b
4:
    /* FP on (FS = Initial), fcsr = 0 */
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, (1 << 13)
    csrs mstatus, t0
    csrw fcsr, zero

    /* PMP entry 0: all of memory, RWX, so that S and U can run */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X
    csrw pmpcfg0, t0

    bnez a0, wait_release
    /* hart 0: clear BSS, then let the others go */
    la t0, __bss_start
    la t1, __bss_end
5:  bgeu t0, t1, 6f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 5b
6:  fence rw, rw
    la t0, boot_release
    li t1, 1
    sw t1, 0(t0)
    j started

wait_release:
    la t0, boot_release
7:  lw t1, 0(t0)
    beqz t1, 7b
    fence rw, rw

started:
    mv s0, a0
    call guest_hart_init     /* (hartid) */
    mv a0, s0
    bnez s0, 8f
    call main
    call guest_exit
8:  call secondary_main
park:
    wfi
    j park

    .data
    .align 2
boot_release:
    .word 0

/*
 * The trap vectors: swap sp with xscratch (&h->self_x), push a trap_frame,
 * call x_trap_c(frame, h, xcause), pop, xRET.  The C handler may change
 * the frame and xepc.
 */
.macro SAVE_REGS
    sd x1, 8(sp)
    sd x3, 24(sp)
    sd x4, 32(sp)
    sd x5, 40(sp)
    sd x6, 48(sp)
    sd x7, 56(sp)
    sd x8, 64(sp)
    sd x9, 72(sp)
    sd x10, 80(sp)
    sd x11, 88(sp)
    sd x12, 96(sp)
    sd x13, 104(sp)
    sd x14, 112(sp)
    sd x15, 120(sp)
    sd x16, 128(sp)
    sd x17, 136(sp)
    sd x18, 144(sp)
    sd x19, 152(sp)
    sd x20, 160(sp)
    sd x21, 168(sp)
    sd x22, 176(sp)
    sd x23, 184(sp)
    sd x24, 192(sp)
    sd x25, 200(sp)
    sd x26, 208(sp)
    sd x27, 216(sp)
    sd x28, 224(sp)
    sd x29, 232(sp)
    sd x30, 240(sp)
    sd x31, 248(sp)
.endm

.macro RESTORE_REGS
    ld x1, 8(sp)
    ld x3, 24(sp)
    ld x4, 32(sp)
    ld x5, 40(sp)
    ld x6, 48(sp)
    ld x7, 56(sp)
    ld x8, 64(sp)
    ld x9, 72(sp)
    ld x10, 80(sp)
    ld x11, 88(sp)
    ld x12, 96(sp)
    ld x13, 104(sp)
    ld x14, 112(sp)
    ld x15, 120(sp)
    ld x16, 128(sp)
    ld x17, 136(sp)
    ld x18, 144(sp)
    ld x19, 152(sp)
    ld x20, 160(sp)
    ld x21, 168(sp)
    ld x22, 176(sp)
    ld x23, 184(sp)
    ld x24, 192(sp)
    ld x25, 200(sp)
    ld x26, 208(sp)
    ld x27, 216(sp)
    ld x28, 224(sp)
    ld x29, 232(sp)
    ld x30, 240(sp)
    ld x31, 248(sp)
    ld x2, 16(sp)
.endm

    .section .text.trap, "ax", @progbits
    .align 8
    .globl m_trap_vector
m_trap_vector:
    csrrw sp, mscratch, sp
    addi sp, sp, -FRAME
    SAVE_REGS
    csrr t0, mscratch
    sd t0, 16(sp)
    addi t0, sp, FRAME
    csrw mscratch, t0        /* a nested trap would use the same stack */
.option push
.option norelax
    la gp, __global_pointer$
.option pop
    mv a0, sp
    ld a1, FRAME(sp)
    csrr a2, mcause
    call m_trap_c
    RESTORE_REGS
    mret

    .align 8
    .globl s_trap_vector
s_trap_vector:
    csrrw sp, sscratch, sp
    addi sp, sp, -FRAME
    SAVE_REGS
    csrr t0, sscratch
    sd t0, 16(sp)
    addi t0, sp, FRAME
    csrw sscratch, t0
.option push
.option norelax
    la gp, __global_pointer$
.option pop
    mv a0, sp
    ld a1, FRAME(sp)
    csrr a2, scause
    call s_trap_c
    RESTORE_REGS
    sret

/*
 * long enter_mode_asm(struct hart *h, unsigned long mpp_bits, fn, arg, sp)
 * Save the callee-saved state in h->ctx, mret to lower_trampoline in the
 * privilege of mpp_bits, which calls fn(arg) and ecalls MAGIC_RETURN;
 * m_trap_c then calls mode_return_asm(h, value), which returns from here.
 */
    .text
    .globl enter_mode_asm
enter_mode_asm:
    sd ra, 0(a0)
    sd sp, 8(a0)
    sd s0, 16(a0)
    sd s1, 24(a0)
    sd s2, 32(a0)
    sd s3, 40(a0)
    sd s4, 48(a0)
    sd s5, 56(a0)
    sd s6, 64(a0)
    sd s7, 72(a0)
    sd s8, 80(a0)
    sd s9, 88(a0)
    sd s10, 96(a0)
    sd s11, 104(a0)
    li t0, MSTATUS_MPP | MSTATUS_MPRV
    csrc mstatus, t0
    csrs mstatus, a1
    la t0, lower_trampoline
    csrw mepc, t0
    beqz a4, 1f
    mv sp, a4
1:  mv a0, a3
    mret

    .globl lower_trampoline
lower_trampoline:
    jalr a2
    li a7, MAGIC_RETURN
    ecall
1:  j 1b

    .globl mode_return_asm
mode_return_asm:
    ld ra, 0(a0)
    ld sp, 8(a0)
    ld s0, 16(a0)
    ld s1, 24(a0)
    ld s2, 32(a0)
    ld s3, 40(a0)
    ld s4, 48(a0)
    ld s5, 56(a0)
    ld s6, 64(a0)
    ld s7, 72(a0)
    ld s8, 80(a0)
    ld s9, 88(a0)
    ld s10, 96(a0)
    ld s11, 104(a0)
    mv a0, a1
    ret
