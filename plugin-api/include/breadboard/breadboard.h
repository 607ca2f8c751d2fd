/*
 * breadboard.h - the whole Breadboard SDK in one include, with the C
 * headers device code needs alongside it (<inttypes.h> for printing the
 * 64-bit addresses and values the SDK passes around with PRIx64).
 */
#ifndef BREADBOARD_BREADBOARD_H
#define BREADBOARD_BREADBOARD_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <breadboard/abi.h>
#include <breadboard/chardev.h>
#include <breadboard/cpu.h>
#include <breadboard/device.h>
#include <breadboard/devtest.h>
#include <breadboard/error.h>
#include <breadboard/fdt.h>
#include <breadboard/irq.h>
#include <breadboard/loader.h>
#include <breadboard/machine.h>
#include <breadboard/main-loop.h>
#include <breadboard/main.h>
#include <breadboard/memory.h>
#include <breadboard/object.h>
#include <breadboard/pci.h>
#include <breadboard/plugin.h>
#include <breadboard/regs.h>
#include <breadboard/state.h>
#include <breadboard/system.h>
#include <breadboard/tcg.h>
#include <breadboard/timer.h>

#endif /* BREADBOARD_BREADBOARD_H */
