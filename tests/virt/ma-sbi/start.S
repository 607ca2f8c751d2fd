/*
 * start.S - entry and mode switching of the ma-sbi test kernel
 * (ma-sbi.c), an S-mode kernel started by OpenSBI fw_jump at 0x80200000.
 * _start clears BSS, sets a stack and the trap vector and calls
 * ma_main().  run_user() runs a function in U-mode (through a trampoline
 * at an address of the caller's choice, so it can run from an alias
 * mapping) and returns what it returned, when its ecall traps back here.
 * Page faults are passed to ma_page_fault() (demand paging), any other
 * trap is reported by ma_trap().  code_buf is a data buffer
 * in the text section, in the page of the code that accesses it.
 */

#define SSTATUS_SPP (1 << 8)
#define CAUSE_USER_ECALL 8

/* Save the caller-saved registers below sp, call ma_page_fault(scause,
 * stval), restore them; jump to \unhandled (registers clobbered) if it
 * returned 0. */
    .macro call_fault_handler unhandled
    addi sp, sp, -128
    sd ra, 0(sp)
    sd t0, 8(sp)
    sd t1, 16(sp)
    sd t2, 24(sp)
    sd t3, 32(sp)
    sd t4, 40(sp)
    sd t5, 48(sp)
    sd t6, 56(sp)
    sd a0, 64(sp)
    sd a1, 72(sp)
    sd a2, 80(sp)
    sd a3, 88(sp)
    sd a4, 96(sp)
    sd a5, 104(sp)
    sd a6, 112(sp)
    sd a7, 120(sp)
    csrr a0, scause
    csrr a1, stval
    call ma_page_fault
    mv t0, a0
    ld ra, 0(sp)
    ld t1, 16(sp)
    ld t2, 24(sp)
    ld t3, 32(sp)
    ld t4, 40(sp)
    ld t5, 48(sp)
    ld t6, 56(sp)
    ld a0, 64(sp)
    ld a1, 72(sp)
    ld a2, 80(sp)
    ld a3, 88(sp)
    ld a4, 96(sp)
    ld a5, 104(sp)
    ld a6, 112(sp)
    ld a7, 120(sp)
    addi sp, sp, 128
    beqz t0, \unhandled
    ld t0, -120(sp)
    .endm

    .section .text.start, "ax"
    .globl _start
_start:
    lla t0, __bss_start
    lla t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  lla sp, __stack_top
    csrw sscratch, zero
    lla t0, s_trap
    csrw stvec, t0
    call ma_main
3:  wfi                         /* ma_main does not return */
    j 3b

/*
 * sscratch is 0 while in S-mode and holds the S stack pointer while
 * run_user() is in U-mode: swapping it with sp tells the two apart.
 * Page faults go to ma_page_fault() with the caller-saved registers
 * saved (they can come from the middle of run_ma_data()'s asm); if it
 * returns 0 the trap is unexpected.
 */
    .balign 4
s_trap:
    csrrw sp, sscratch, sp
    bnez sp, from_user
    csrrw sp, sscratch, sp      /* from S: sp is the interrupted one */
    call_fault_handler 2f
    sret
2:  csrr a0, scause
    csrr a1, sepc
    csrr a2, stval
    li a3, 0
    call ma_trap                /* prints, fails, does not return */
    j s_trap
from_user:
    csrr t0, scause
    li t1, CAUSE_USER_ECALL
    beq t0, t1, 1f
    call_fault_handler 2f
    csrrw sp, sscratch, sp      /* back to the U stack */
    sret
2:  csrr a0, scause
    csrr a1, sepc
    csrr a2, stval
    li a3, 1
    call ma_trap
1:  csrw sscratch, zero
    ld ra, 0(sp)                /* run_user()'s frame: return a0 */
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    ld s4, 40(sp)
    ld s5, 48(sp)
    ld s6, 56(sp)
    ld s7, 64(sp)
    ld s8, 72(sp)
    ld s9, 80(sp)
    ld s10, 88(sp)
    ld s11, 96(sp)
    ld gp, 104(sp)
    ld tp, 112(sp)
    addi sp, sp, 128
    ret

/*
 * long run_user(uintptr_t fn, uintptr_t arg0, uintptr_t arg1,
 *               uintptr_t user_sp, uintptr_t tramp): fn(arg0, arg1) in
 * U-mode on user_sp, entered at tramp (u_tramp or an alias of it).
 */
    .globl run_user
run_user:
    addi sp, sp, -128
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    sd s4, 40(sp)
    sd s5, 48(sp)
    sd s6, 56(sp)
    sd s7, 64(sp)
    sd s8, 72(sp)
    sd s9, 80(sp)
    sd s10, 88(sp)
    sd s11, 96(sp)
    sd gp, 104(sp)
    sd tp, 112(sp)
    csrw sscratch, sp
    csrw sepc, a4
    li t0, SSTATUS_SPP
    csrc sstatus, t0
    mv t0, a0
    mv a0, a1
    mv a1, a2
    mv a2, t0
    mv sp, a3
    sret

    .globl u_tramp
u_tramp:
    jalr a2
    ecall
    j u_tramp                   /* not reached */

    .globl code_buf
    .balign 64
code_buf:
    .fill 384, 1, 0
