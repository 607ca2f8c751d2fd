/*
 * testdevs.h - the types of the board-loader test plugin "testdevs".
 *
 * Small stand-ins for real hardware with the shapes the board tests need:
 * a machine, a device with one property of every kind and IRQ outputs, a
 * device without a default register size, an interrupt controller whose
 * input count is a property, a hart, and a PCI host, bridge and endpoint for
 * bus placement.  They model no behaviour beyond recording IRQ levels.
 */
#ifndef TESTDEVS_H
#define TESTDEVS_H

#include <breadboard/breadboard.h>

#define TYPE_TEST_MACHINE "test-machine"
#define TYPE_TEST_DEVICE "test-device"
#define TYPE_TEST_NOSIZE "test-nosize"
#define TYPE_TEST_INTC "test-intc"
#define TYPE_TEST_CPU "test-cpu"
#define TYPE_TEST_PCI_HOST "test-pci-host"
#define TYPE_TEST_PCI_DEV "test-pci-dev"
#define TYPE_TEST_PCI_BRIDGE "test-pci-bridge"

extern const BbTypeInfo test_machine_info;
extern const BbTypeInfo test_device_info;
extern const BbTypeInfo test_nosize_info;
extern const BbTypeInfo test_intc_info;
extern const BbTypeInfo test_cpu_info;
extern const BbTypeInfo test_pci_host_info;
extern const BbTypeInfo test_pci_dev_info;
extern const BbTypeInfo test_pci_bridge_info;

#endif /* TESTDEVS_H */
