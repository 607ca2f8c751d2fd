/*
 * workload-ref.c - host build of the Linux /init workload
 * (init/workload.c): prints the line the guest must print for the same
 * rounds, so linux tests compare against a value computed from the source
 * rather than a pasted constant.  Usage: linux-workload-ref [ROUNDS].
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "init/workload.h"

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 3;
    uint64_t sum = 0;
    for (unsigned r = 0; r < rounds; r++)
        sum = sum * 31 + workload_run(r);
    printf("bb-init: workload %u rounds checksum %016" PRIx64 "\n", rounds, sum);
    return 0;
}
