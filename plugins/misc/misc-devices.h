/*
 * misc-devices.h - the types of the "misc-devices" plugin: small platform
 * devices of QEMU's virt board that fit no other family - the SiFive test
 * finisher (sifive-test.c) and the Goldfish real-time clock
 * (goldfish-rtc.c).
 */
#ifndef MISC_DEVICES_H
#define MISC_DEVICES_H

#include <breadboard/breadboard.h>

#define TYPE_SIFIVE_TEST "sifive-test"
#define TYPE_GOLDFISH_RTC "goldfish-rtc"
#define TYPE_LOADER "loader"

extern const BbTypeInfo sifive_test_info;
extern const BbTypeInfo goldfish_rtc_info;
extern const BbTypeInfo loader_info;

#endif /* MISC_DEVICES_H */
