/*
 * main.c - the guest side of tests/guest/random-diff: runs the generated
 * random_block() (gen.c) once and prints its register dump and the
 * buffer it worked on, one labelled 64-bit value a line, for the runner
 * to compare between QEMU and breadboard.
 */
#include <stdio.h>

#include "guest.h"

extern const char rd_name[];
extern uint64_t rd_regs[32], rd_data[32];
void random_block(void);

int main(void)
{
    random_block();
    printf("%s\n", rd_name);
    for (int r = 1; r < 32; r++) {
        if (r != 3) {
            printf("x%-2d %016lx\n", r, (unsigned long)rd_regs[r]);
        }
    }
    for (int i = 0; i < 32; i++) {
        printf("m%02d %016lx\n", i, (unsigned long)rd_data[i]);
    }
    return 0;
}
