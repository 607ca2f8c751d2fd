/*
 * selftest-fail.c - the suite's failure path must work: two checks pass and
 * the fourth (test point 4: in_u has the first) fails, so it prints
 * "FAIL selftest-fail.c:...: got 0x2a expected 0x2b" and exits with 4
 * (CMakeLists.txt expects exactly that).  A failure reported from U-mode
 * goes through M (an ecall); that one is never reached.
 */
#include "guest.h"

static long in_u(long x)
{
    CHECK_EQ(x, 7);           /* passes in U-mode */
    return x * 6;
}

int main(void)
{
    CHECK_EQ(1 + 1, 2);
    CHECK_EQ(enter_mode(PRV_U, in_u, 7), 42);
    CHECK_EQ(enter_mode(PRV_S, in_u, 7), 43);
    return 0;
}
