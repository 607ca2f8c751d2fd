/*
 * testdevs.c - descriptor and init of the "testdevs" plugin used by the
 * board-loader tests (tests/boards).  Its version, 1.2.3, is what the
 * tests' plugin requirements ("testdevs >= 1.0") are checked against.
 */
#include "testdevs.h"

static bool testdevs_init(BbPlugin *plugin, GError **error)
{
    static const BbTypeInfo *const infos[] = {
        &test_machine_info, &test_device_info, &test_nosize_info,
        &test_intc_info, &test_cpu_info, &test_pci_host_info,
        &test_pci_dev_info, &test_pci_bridge_info,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(infos); i++) {
        if (!bb_plugin_register_type(plugin, infos[i], error)) {
            return false;
        }
    }
    return true;
}

BB_PLUGIN_DEFINE("testdevs", "1.2.3", "MIT",
                 "test devices for the board-loader tests", testdevs_init,
                 TYPE_TEST_MACHINE, TYPE_TEST_DEVICE, TYPE_TEST_NOSIZE,
                 TYPE_TEST_INTC, TYPE_TEST_CPU, TYPE_TEST_PCI_HOST,
                 TYPE_TEST_PCI_DEV, TYPE_TEST_PCI_BRIDGE)
