/*
 * test-pci.c - "test-pci-host", a PCI host bridge stand-in (16 MiB default
 * register window, four INTx output lines), "test-pci-bridge", the same
 * as a bridge that sits on another bus, and "test-pci-dev", an endpoint
 * with IDs as properties and no address range of its own, for the
 * bus-placement tests (bus, slot, function, addr, realize order).
 *
 * The bus types check what the board loader promises them: plug is called
 * on a realized owner with a device not yet realized, slots are not
 * handed out twice, and every plugged device is unplugged (after its
 * unrealize) before the owner is unrealized - a broken promise is an
 * error or a line on stderr, which the golden-output tests catch.
 */
#include <stdio.h>
#include <string.h>

#include "testdevs.h"

typedef struct TestPciHost {
    BbDevice parent_obj;
    uint32_t irq_base;     /* first platform IRQ of INTA (informational) */
    uint32_t max_devices;  /* plug refuses more than this */
    GPtrArray *children;   /* BbDevice *, plugged */
    uint32_t used[32];     /* per slot: bit f = function f taken */
} TestPciHost;

typedef struct TestPciDev {
    BbDevice parent_obj;
    uint16_t vendor_id;
    uint16_t device_id;
} TestPciDev;

static const BbPropertyInfo test_pci_host_props[] = {
    BB_PROP_UINT("irq-base", TestPciHost, irq_base, 32, "IRQ of INTA"),
    BB_PROP_UINT("max-devices", TestPciHost, max_devices, 32,
                 "devices plug accepts"),
    BB_PROP_END
};

static const BbPropertyInfo test_pci_dev_props[] = {
    BB_PROP_UINT("vendor-id", TestPciDev, vendor_id, 0x1234, "vendor ID"),
    BB_PROP_UINT("device-id", TestPciDev, device_id, 0x11e8, "device ID"),
    BB_PROP_END
};

static void test_pci_host_init(BbObject *obj)
{
    TestPciHost *s = (TestPciHost *)obj;

    bb_device_add_irq_out(BB_DEVICE(obj), "intx", 4, NULL);
    s->children = g_ptr_array_new();
}

static void test_pci_host_finalize(BbObject *obj)
{
    g_ptr_array_free(((TestPciHost *)obj)->children, true);
}

static bool test_pci_host_plug(BbDevice *owner, BbDevice *child, int slot,
                               int func, GError **error)
{
    TestPciHost *s = (TestPciHost *)owner;

    if (!bb_device_is_realized(owner) || bb_device_is_realized(child)) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_STATE,
                    "plug called with the bus owner %s realized and the "
                    "device %s realized (expected: owner yes, device no)",
                    bb_device_is_realized(owner) ? "" : "not",
                    bb_device_is_realized(child) ? "" : "not");
        return false;
    }
    if (s->children->len >= s->max_devices) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "bus full (max-devices is %u)", s->max_devices);
        return false;
    }
    for (int i = 0; slot < 0 && i < 32; i++) {
        slot = s->used[i] ? slot : i;
    }
    if (slot < 0 || (s->used[slot] & (1u << func))) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_EXISTS,
                    "no free slot for function %d", func);
        return false;
    }
    s->used[slot] |= 1u << func;
    g_ptr_array_add(s->children, child);
    return true;
}

static void test_pci_host_unplug(BbDevice *owner, BbDevice *child)
{
    TestPciHost *s = (TestPciHost *)owner;

    if (bb_device_is_realized(child) ||
        !g_ptr_array_remove(s->children, child)) {
        fprintf(stderr, "test-pci-host: bad unplug\n");
    }
}

static void test_pci_host_unrealize(BbDevice *dev)
{
    TestPciHost *s = (TestPciHost *)dev;

    if (s->children->len) {
        fprintf(stderr, "test-pci-host: unrealized with %u devices "
                "plugged\n", s->children->len);
    }
    memset(s->used, 0, sizeof(s->used));
}

static void test_pci_host_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = (BbDeviceClass *)klass;

    bb_object_class_add_properties(klass, test_pci_host_props);
    dc->reg_size = 0x1000000;
    dc->plug = test_pci_host_plug;
    dc->unplug = test_pci_host_unplug;
    dc->unrealize = test_pci_host_unrealize;
}

static void test_pci_bridge_class_init(BbObjectClass *klass,
                                       const void *data)
{
    ((BbDeviceClass *)klass)->reg_size = 0;
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
    .instance_finalize = test_pci_host_finalize,
    .class_init = test_pci_host_class_init,
    .description = "PCI host bridge stand-in (board tests)",
};

const BbTypeInfo test_pci_bridge_info = {
    .name = TYPE_TEST_PCI_BRIDGE,
    .parent = TYPE_TEST_PCI_HOST,
    .instance_size = sizeof(TestPciHost),
    .class_init = test_pci_bridge_class_init,
    .description = "PCI-PCI bridge stand-in: on a bus and a bus itself "
                   "(board tests)",
};

const BbTypeInfo test_pci_dev_info = {
    .name = TYPE_TEST_PCI_DEV,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestPciDev),
    .class_init = test_pci_dev_class_init,
    .description = "PCI endpoint stand-in (board tests)",
};
