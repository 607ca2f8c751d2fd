/*
 * main.h - the command-line entry point, for programs embedding Breadboard.
 */
#ifndef BREADBOARD_MAIN_H
#define BREADBOARD_MAIN_H

#include <breadboard/abi.h>

/**
 * bb_main() - run the `breadboard` command line.
 * @argc: argument count.
 * @argv: arguments, argv[0] being the program name.
 *
 * Return: the process exit status: 0 on success, 1 on an error, 2 on a
 * usage error; a guest-driven run returns the guest's exit code.
 * Since: ABI 1.0
 */
BB_API int bb_main(int argc, char **argv);

#endif /* BREADBOARD_MAIN_H */
