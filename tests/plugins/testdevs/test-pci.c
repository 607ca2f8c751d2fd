/*
 * test-pci.c - "test-pci-host", a PCI host bridge stand-in (16 MiB default
 * register window, four INTx output lines) and "test-pci-dev", an
 * endpoint with IDs as properties and no address range of its own, for
 * the bus-placement tests (bus, slot, addr).
 */
#include "testdevs.h"

typedef struct TestPciHost {
    BbDevice parent_obj;
    uint32_t irq_base; /* first platform IRQ of INTA (informational) */
} TestPciHost;

typedef struct TestPciDev {
    BbDevice parent_obj;
    uint16_t vendor_id;
    uint16_t device_id;
} TestPciDev;

static const BbPropertyInfo test_pci_host_props[] = {
    BB_PROP_UINT("irq-base", TestPciHost, irq_base, 32, "IRQ of INTA"),
    BB_PROP_END
};

static const BbPropertyInfo test_pci_dev_props[] = {
    BB_PROP_UINT("vendor-id", TestPciDev, vendor_id, 0x1234, "vendor ID"),
    BB_PROP_UINT("device-id", TestPciDev, device_id, 0x11e8, "device ID"),
    BB_PROP_END
};

static void test_pci_host_init(BbObject *obj)
{
    bb_device_add_irq_out(BB_DEVICE(obj), "intx", 4, NULL);
}

static void test_pci_host_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, test_pci_host_props);
    ((BbDeviceClass *)klass)->reg_size = 0x1000000;
}

static void test_pci_dev_class_init(BbObjectClass *klass, const void *data)
{
    bb_object_class_add_properties(klass, test_pci_dev_props);
}

const BbTypeInfo test_pci_host_info = {
    .name = TYPE_TEST_PCI_HOST,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestPciHost),
    .instance_init = test_pci_host_init,
    .class_init = test_pci_host_class_init,
    .description = "PCI host bridge stand-in (board tests)",
};

const BbTypeInfo test_pci_dev_info = {
    .name = TYPE_TEST_PCI_DEV,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestPciDev),
    .class_init = test_pci_dev_class_init,
    .description = "PCI endpoint stand-in (board tests)",
};
