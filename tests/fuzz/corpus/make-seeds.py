#!/usr/bin/env python3
# make-seeds.py - writes the hand-made seed inputs of pci-fuzz (one
# directory per device, next to this script) from the op lists below, in
# the op-stream language of tests/fuzz/pci-fuzz.c (docs/fuzzing.md).  The
# generated files are committed; run this again after changing a list.
# Files named crash-* in the directories are kept inputs that once crashed
# a device (regression seeds) and are not touched here.
import os
import struct
import sys

W = {1: 0, 2: 1, 4: 2, 8: 3}  # width -> width field


def cfg_read(off, w=4):
    return struct.pack("<BHB", 0, off, W[w])


def cfg_write(off, w, v):
    return struct.pack("<BHBI", 1, off, W[w], v & 0xffffffff)


def bar_read(bar, off, w=4):
    return struct.pack("<BBIB", 2, bar, off, W[w])


def bar_write(bar, off, w, v):
    return struct.pack("<BBIBQ", 3, bar, off, W[w], v & (2**64 - 1))


def step(ns):
    shift = 0
    while ns >= 1 << 16:
        ns >>= 1
        shift += 1
    assert shift < 15, "step too long"
    return struct.pack("<BBH", 4, shift, ns)


def ram_write(off, v):
    return struct.pack("<BHQ", 5, off, v)


def ecam_read(bus, dev, fn, off, w=4):
    return struct.pack("<BBBHB", 6, bus, dev << 3 | fn, off, W[w])


def ecam_write(bus, dev, fn, off, w, v):
    return struct.pack("<BBBHBI", 7, bus, dev << 3 | fn, off, W[w], v)


def window(write, off, w, v=0, io=False):
    return struct.pack("<BBIBQ", 8, int(write) | (2 if io else 0), off,
                       W[w], v)


SETUP = bytes([9])
RESET = bytes([10])


def header_walk():
    """Every dword of the conventional header and of the capability area,
    then a sizing write of each BAR slot."""
    ops = [cfg_read(off) for off in range(0, 0x100, 4)]
    ops += [cfg_read(off, 1) for off in (0x06, 0x0e, 0x34, 0x3d)]
    for i in range(6):
        ops += [cfg_write(0x10 + 4 * i, 4, 0xffffffff), cfg_read(0x10 + 4 * i)]
    ops += [cfg_write(0x30, 4, 0xfffff800), cfg_read(0x30), SETUP]
    return ops


def command_toggles():
    """Decode and bus master off and on, INTx disable, status w1c."""
    return [cfg_write(0x04, 2, 0), bar_read(0, 0), cfg_write(0x04, 2, 0x0407),
            cfg_write(0x06, 2, 0xffff), cfg_write(0x04, 2, 0x0007),
            cfg_write(0x10, 4, 0x40100000), bar_read(0, 0),
            window(False, 0x100000, 4), SETUP, bar_read(0, 0)]


def msi(cap=0x40, addr=0x80000800, data=0x1234):
    """Enable a 64-bit MSI capability at @cap aimed at RAM."""
    return [cfg_write(cap + 4, 4, addr), cfg_write(cap + 8, 4, 0),
            cfg_write(cap + 12, 2, data), cfg_write(cap + 2, 2, 1),
            cfg_read(cap), cfg_read(cap + 4)]


EDU = {
    "id-liveness": [bar_read(0, 0x00), bar_write(0, 0x04, 4, 0x12345678),
                    bar_read(0, 0x04), bar_read(0, 0x00, 8),
                    bar_read(0, 0x04, 2), bar_read(0, 0xffffc)],
    "factorial-irq": [bar_write(0, 0x20, 4, 0x80), bar_write(0, 0x08, 4, 5),
                      bar_read(0, 0x20), step(1000000), bar_read(0, 0x08),
                      bar_read(0, 0x24), bar_write(0, 0x64, 4, 1),
                      bar_write(0, 0x08, 4, 12), bar_write(0, 0x08, 4, 13),
                      step(100000000), bar_read(0, 0x08)],
    "raise-ack": [bar_write(0, 0x60, 4, 0x5), bar_read(0, 0x24),
                  cfg_write(0x04, 2, 0x0407), bar_write(0, 0x64, 4, 0x4),
                  cfg_write(0x04, 2, 0x0007), bar_write(0, 0x64, 4, 0x1)],
    "dma-both-ways": [ram_write(0x0, 0x1122334455667788),
                      bar_write(0, 0x80, 8, 0x80000000),
                      bar_write(0, 0x88, 8, 0x40000),
                      bar_write(0, 0x90, 8, 8), bar_write(0, 0x98, 8, 0x5),
                      bar_read(0, 0x98), step(100000000),
                      bar_read(0, 0x24), bar_write(0, 0x64, 4, 0x100),
                      bar_write(0, 0x80, 4, 0x40000),
                      bar_write(0, 0x88, 4, 0x80000100),
                      bar_write(0, 0x8c, 4, 0),
                      bar_write(0, 0x90, 4, 8), bar_write(0, 0x98, 4, 0x7),
                      step(100000000), bar_read(0, 0x98)],
    "dma-out-of-range": [bar_write(0, 0x80, 8, 0x80000000),
                         bar_write(0, 0x88, 8, 0x40ff0),
                         bar_write(0, 0x90, 8, 0x100),
                         bar_write(0, 0x98, 8, 1), step(100000000),
                         bar_write(0, 0x90, 8, 0), bar_write(0, 0x98, 8, 1),
                         step(100000000), cfg_write(0x04, 2, 0x0003),
                         bar_write(0, 0x90, 8, 4), bar_write(0, 0x98, 8, 1),
                         step(100000000)],
    "msi": msi() + [bar_write(0, 0x60, 4, 1), bar_write(0, 0x64, 4, 1),
                    bar_write(0, 0x20, 4, 0x80), bar_write(0, 0x08, 4, 3),
                    step(1000000)],
    "config": header_walk() + command_toggles(),
}

STRNG = {
    "mmio-rand": [bar_write(0, 0x00, 4, 42), bar_write(0, 0x04, 4, 0),
                  bar_read(0, 0x04), bar_write(0, 0x08, 4, 7),
                  bar_write(0, 0x0c, 4, 0xdead), bar_read(0, 0x08),
                  bar_read(0, 0x0c), bar_write(0, 0xfc, 4, 1),
                  bar_read(0, 0xfc), bar_read(0, 0x02, 2), bar_read(0, 0x00, 1)],
    "pio-index": [bar_write(1, 0, 4, 0), bar_write(1, 4, 4, 99),
                  bar_write(1, 0, 4, 4), bar_write(1, 4, 4, 0),
                  bar_read(1, 4), bar_write(1, 0, 4, 12),
                  bar_write(1, 4, 4, 0), bar_read(1, 4),
                  bar_write(1, 0, 4, 63 * 4), bar_read(1, 4),
                  bar_write(1, 4, 4, 5)],
    "pio-out-of-range": [bar_write(1, 0, 4, 64 * 4), bar_read(1, 4),
                         bar_write(1, 0, 4, 69 * 4), bar_read(1, 4),
                         bar_write(1, 4, 4, 0x41414141),
                         bar_write(1, 0, 4, 70 * 4), bar_read(1, 4),
                         bar_write(1, 0, 4, 0xfffffffc), bar_read(1, 4),
                         bar_write(1, 4, 4, 1), bar_write(1, 0, 4, 2),
                         bar_read(1, 4), bar_read(1, 2, 2), bar_read(1, 0),
                         window(True, 0x1000, 4, 0x100, io=True),
                         window(False, 0x1004, 4, io=True),
                         window(False, 0x1006, 2, io=True)],
    "config": header_walk() + command_toggles(),
}

TESTDEV = {
    "mmio-tests": sum(([bar_write(0, 0, 1, n), bar_read(0, 0),
                        bar_read(0, 4), bar_read(0, 8), bar_read(0, 16),
                        bar_write(0, 0x800 + n, 1, 0xfa),
                        bar_write(0, 0x800 + n, 1, 0xce),
                        bar_write(0, 0x800 + n, 4, 0xfa), bar_read(0, 12)]
                       for n in range(3)), []) +
                  [bar_write(0, 0, 1, 3), bar_read(0, 0), bar_read(0, 0xffc)],
    "pio-tests": sum(([bar_write(1, 0, 1, n), bar_read(1, 0),
                       bar_read(1, 4), bar_read(1, 8), bar_read(1, 16),
                       bar_write(1, 0x83 + n, 1, 0xfa),
                       bar_write(1, 0x83 + n, 1, 0xce), bar_read(1, 12)]
                      for n in range(3)), []) +
                 [bar_write(1, 0, 1, 7), bar_read(1, 0), bar_read(1, 0xff, 1)],
    "membar": [bar_read(2, 0), bar_write(2, 0x1000, 8, 1),
               cfg_write(0x18, 4, 0xffffffff), cfg_write(0x1c, 4, 0xffffffff),
               cfg_read(0x18), cfg_read(0x1c), SETUP, bar_read(2, 0x80)],
    "config": header_walk() + command_toggles(),
}

COUNTER = {
    "id-count": [bar_read(0, 0x00), bar_write(0, 0x04, 4, 100),
                 bar_write(0, 0x08, 4, 1), step(10000), bar_read(0, 0x04),
                 bar_write(0, 0x08, 4, 0), step(10000), bar_read(0, 0x04),
                 bar_write(0, 0x00, 4, 1), bar_read(0, 0x00, 8),
                 bar_read(0, 0x00, 2)],
    "match-intx": [bar_write(0, 0x0c, 4, 5), bar_write(0, 0x08, 4, 3),
                   step(5000), bar_read(0, 0x10), bar_write(0, 0x10, 4, 1),
                   cfg_write(0x04, 2, 0x0407), step(1 << 32 - 10),
                   bar_write(0, 0x0c, 4, 0), bar_write(0, 0x04, 4, 0xfffffffe),
                   step(3000), bar_read(0, 0x10)],
    "dma-copy": [ram_write(0x0, 0x0102030405060708),
                 ram_write(0x8, 0x1112131415161718),
                 bar_write(0, 0x20, 8, 0x80000000),
                 bar_write(0, 0x28, 8, 0x80000100),
                 bar_write(0, 0x30, 4, 16), bar_write(0, 0x08, 4, 4),
                 bar_write(0, 0x34, 4, 1), bar_read(0, 0x10),
                 bar_write(0, 0x10, 4, 6), bar_write(0, 0x30, 4, 4096),
                 bar_write(0, 0x34, 4, 1), bar_write(0, 0x30, 4, 0),
                 bar_write(0, 0x34, 4, 1), bar_write(0, 0x20, 4, 0xfffffff0),
                 bar_write(0, 0x24, 4, 0xffffffff), bar_write(0, 0x30, 4, 64),
                 bar_write(0, 0x34, 4, 1), cfg_write(0x04, 2, 0x0003),
                 bar_write(0, 0x20, 8, 0x80000000), bar_write(0, 0x34, 4, 1),
                 bar_read(0, 0x10)],
    "msi": msi() + [bar_write(0, 0x0c, 4, 2), bar_write(0, 0x08, 4, 7),
                    step(3000), bar_write(0, 0x10, 4, 1), step(1 << 20),
                    cfg_write(0x42, 2, 0), bar_read(0, 0x10)],
    "config": header_walk() + command_toggles(),
}

# The root port at 00:01.0 (ECAM ops) and pci-testdev behind it at
# 01:00.0 (cfg/bar ops): bus numbers, windows, bridge control.
RP = {
    "bus-numbers": [ecam_read(0, 1, 0, 0x18), ecam_write(0, 1, 0, 0x19, 1, 2),
                    ecam_write(0, 1, 0, 0x1a, 1, 3), ecam_read(2, 0, 0, 0),
                    ecam_read(1, 0, 0, 0), ecam_write(0, 1, 0, 0x18, 4, 0),
                    ecam_read(1, 0, 0, 0), ecam_write(0, 1, 0, 0x18, 4,
                                                      0x00ff0100),
                    ecam_read(3, 0, 0, 0), ecam_write(3, 0, 0, 0x04, 2, 7),
                    SETUP, ecam_read(1, 0, 0, 0)],
    "windows": [ecam_write(0, 1, 0, 0x20, 4, 0x40004010),
                ecam_write(0, 1, 0, 0x24, 4, 0x0001fff1),
                ecam_write(0, 1, 0, 0x28, 4, 0xffffffff),
                ecam_write(0, 1, 0, 0x2c, 4, 0),
                ecam_write(0, 1, 0, 0x1c, 2, 0xf0f0),
                ecam_write(0, 1, 0, 0x30, 4, 0xffff0000),
                bar_read(0, 0), window(False, 0x10, 4),
                ecam_write(0, 1, 0, 0x3e, 2, 0xffff), ecam_read(0, 1, 0, 0x3c),
                ecam_write(0, 1, 0, 0x04, 2, 0), bar_read(0, 0), SETUP,
                bar_read(0, 0)],
    "bridge-config": [ecam_read(0, 1, 0, off) for off in range(0, 0x100, 4)] +
                     [ecam_read(0, 1, 0, off) for off in range(0x100, 0x200, 4)] +
                     [ecam_write(0, 1, 0, off, 4, 0xffffffff)
                      for off in range(0x40, 0x100, 4)] +
                     [ecam_write(0, 1, 0, 0x10, 4, 0xffffffff),
                      ecam_read(0, 1, 0, 0x10), RESET],
    "device-behind": [bar_write(0, 0, 1, 0), bar_read(0, 4),
                      bar_write(0, 0x800, 1, 0xfa), bar_read(0, 12),
                      bar_write(1, 0, 1, 1), bar_write(1, 0x84, 1, 0),
                      bar_read(1, 12)] + header_walk(),
}

SEEDS = {"edu": EDU, "strng": STRNG, "pci-testdev": TESTDEV,
         "pci-counter": COUNTER, "pcie-root-port": RP}


def main():
    top = os.path.dirname(os.path.abspath(__file__))
    for dev, seeds in SEEDS.items():
        d = os.path.join(top, dev)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith("seed-"):
                os.unlink(os.path.join(d, f))
        for name, ops in seeds.items():
            data = b"".join(ops)
            assert len(data) <= 4096, f"{dev}/{name}: over -max_len"
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
