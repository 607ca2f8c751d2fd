/*
 * breadboard.c - the `breadboard` executable: everything lives in
 * libbreadboard.so behind bb_main(), so embedders get the same CLI.
 */
#include <breadboard/main.h>

int main(int argc, char **argv)
{
    return bb_main(argc, argv);
}
