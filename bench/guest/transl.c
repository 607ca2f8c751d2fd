/*
 * transl.c - the translation benchmark: 65536 copies of a 13-instruction
 * block (ALU ops, a multiply, a load and a store, and a conditional branch
 * that ends the block) laid out as about 800 Ki instructions of
 * straight-line code, each run exactly once.  Nearly all the time an
 * emulator spends here goes into translating that code, which is what a
 * booting kernel does most (issue 13, "Translation cost"); breadboard's
 * BB_TCG_STATS=1 prints the TBs translated per second and the time per
 * guest instruction (see README.md).  The blocks' results are folded into
 * the checksum, so every emulator must run them all, and correctly.
 */
#include "bench.h"

#define TRANSL_BLOCKS "65536"

uint64_t transl_body(uint64_t a, uint64_t b, uint64_t *buf);

/* a0, a1: the running values; a2: an 8-word buffer.  The branch goes one
 * way or the other depending on the data, and both ways reach the next
 * block, so each block is one TB (or two). */
__asm__(".text\n"
        ".globl transl_body\n"
        ".type transl_body, @function\n"
        "transl_body:\n"
        ".rept " TRANSL_BLOCKS "\n"
        "  addi  a0, a0, 13\n"
        "  xor   a1, a1, a0\n"
        "  slli  a3, a0, 7\n"
        "  add   a1, a1, a3\n"
        "  srli  a4, a1, 3\n"
        "  sub   a0, a0, a4\n"
        "  ld    a5, 8(a2)\n"
        "  mul   a5, a5, a0\n"
        "  xor   a0, a0, a5\n"
        "  sd    a1, 8(a2)\n"
        "  andi  a4, a0, 1\n"
        "  beqz  a4, 1f\n"
        "  addi  a1, a1, 1\n"
        "1:\n"
        ".endr\n"
        "  xor   a0, a0, a1\n"
        "  ret\n"
        ".size transl_body, . - transl_body\n");

int main(void)
{
    uint64_t buf[8] = { 0, 0x0123456789abcdefull };
    uint64_t sum = transl_body(1, 2, buf);

    bench_report("transl", bench_mix(sum, buf[1]));
    return 0;
}
