/*
 * char-devices.h - the types of the "char-devices" plugin: serial ports
 * that connect a guest to a character backend (chardev.h).  Today one,
 * the NS16550A UART of QEMU's virt board (ns16550a.c).
 */
#ifndef CHAR_DEVICES_H
#define CHAR_DEVICES_H

#include <breadboard/breadboard.h>

#define TYPE_NS16550A "ns16550a"

extern const BbTypeInfo ns16550a_info;

#endif /* CHAR_DEVICES_H */
