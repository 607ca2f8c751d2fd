/*
 * chase-sv39.c - chase.c's 64 MiB pointer chase in S-mode through Sv39
 * 4 KiB pages (every TLB refill is a page walk); see chase.c.
 */
#define CHASE_SV39 1
#define CHASE_NAME "chase-sv39"
#include "chase.c"
