/*
 * breadboard.h - the whole Breadboard SDK in one include.
 */
#ifndef BREADBOARD_BREADBOARD_H
#define BREADBOARD_BREADBOARD_H

#include <breadboard/abi.h>
#include <breadboard/chardev.h>
#include <breadboard/cpu.h>
#include <breadboard/device.h>
#include <breadboard/error.h>
#include <breadboard/fdt.h>
#include <breadboard/irq.h>
#include <breadboard/loader.h>
#include <breadboard/machine.h>
#include <breadboard/main-loop.h>
#include <breadboard/main.h>
#include <breadboard/memory.h>
#include <breadboard/object.h>
#include <breadboard/plugin.h>
#include <breadboard/regs.h>
#include <breadboard/state.h>
#include <breadboard/system.h>
#include <breadboard/tcg.h>
#include <breadboard/timer.h>

#endif /* BREADBOARD_BREADBOARD_H */
