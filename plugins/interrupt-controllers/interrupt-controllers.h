/*
 * interrupt-controllers.h - the types of the "interrupt-controllers"
 * plugin: the SiFive PLIC and CLINT of QEMU's virt board.
 */
#ifndef PLUGINS_INTERRUPT_CONTROLLERS_H
#define PLUGINS_INTERRUPT_CONTROLLERS_H

#include <breadboard/breadboard.h>

#define TYPE_SIFIVE_PLIC "sifive-plic"
#define TYPE_SIFIVE_CLINT "sifive-clint"

extern const BbTypeInfo sifive_plic_info;
extern const BbTypeInfo sifive_clint_info;

#endif /* PLUGINS_INTERRUPT_CONTROLLERS_H */
