#!/usr/bin/env python3
"""gdb-protocol.py BREADBOARD SRC_DIR GDB_TARGET_ELF

The GDB stub at the packet level (docs/debugging.md, "Protocol"), from a
raw socket with the Python standard library: framing and acknowledgements,
a bad checksum (answered "-", then the resend works), "-" from the client
(the stub resends), unknown packets (empty reply), an oversized packet,
run-length encoded and escaped input, the target description, registers
and memory compared with the ELF file (its entry point and loaded bytes),
threads, breakpoints, a step, a watchpoint, Ctrl-C, a client that hangs up
mid-packet, no-ack mode and detach, after which the program must run to its
end (exit status 0); then, in host time, that virtual time stands still
while the guest is stopped and moves while it runs, that the monitor's
QMP stop reaches a debugger waiting for a stop (T02) and its cont resumes
every hart until the guest powers off (W00).  The program is tests/guest/gdb-target.c on the spike
board with two harts, held by --wait-gdb.  With VALGRIND set the emulator
runs under it (invalid accesses or leaks in the stub fail the test).
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

bb, src, elf = sys.argv[1:4]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import check, failures  # noqa: E402


def elf_info(path):
    """Entry point, loadable segments (vaddr, bytes) and symbols."""
    data = open(path, "rb").read()
    entry, phoff, shoff = struct.unpack_from("<QQQ", data, 24)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 54)
    segs = []
    for i in range(phnum):
        p_type, _, off, vaddr, _, filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and filesz:
            segs.append((vaddr, data[off:off + filesz]))
    nm = subprocess.run(["riscv64-unknown-elf-nm", path], capture_output=True,
                        text=True, check=True).stdout
    syms = {l.split()[2]: int(l.split()[0], 16) for l in nm.splitlines()
            if len(l.split()) == 3}
    return entry, segs, syms


entry, segs, syms = elf_info(elf)


def elf_bytes(addr, n):
    for vaddr, b in segs:
        if vaddr <= addr and addr + n <= vaddr + len(b):
            return b[addr - vaddr:addr - vaddr + n]
    raise KeyError(hex(addr))


def frame(data):
    if isinstance(data, str):
        data = data.encode("latin-1")
    return b"$" + data + b"#%02x" % (sum(data) % 256)


class Client:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
        self.ack = True

    def read_byte(self):
        while not self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("stub closed the connection")
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_packet(self):
        """The next packet (acks before it are skipped), unescaped."""
        while self.read_byte() != b"$":
            pass
        raw = b""
        while True:
            c = self.read_byte()
            if c == b"#":
                break
            raw += c
        cks = self.read_byte() + self.read_byte()
        assert int(cks, 16) == sum(raw) % 256, "bad checksum from the stub"
        out, i = b"", 0
        while i < len(raw):
            if raw[i:i + 1] == b"}":
                out += bytes([raw[i + 1] ^ 0x20])
                i += 2
            else:
                out += raw[i:i + 1]
                i += 1
        if self.ack:
            self.s.sendall(b"+")
        return out.decode("latin-1")

    def send_raw(self, b):
        self.s.sendall(b)

    def cmd(self, data):
        """Send a packet; expect "+" (in ack mode) and return the reply."""
        self.s.sendall(frame(data))
        if self.ack:
            c = self.read_byte()
            assert c == b"+", "expected +, got %r" % c
        return self.read_packet()

    def close(self):
        self.s.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


port = free_port()
# VALGRIND="valgrind -q --error-exitcode=99 ...": run the emulator under
# it (gdbstub.protocol.valgrind); an error makes the exit status non-zero
proc = subprocess.Popen(
    os.environ.get("VALGRIND", "").split() + [bb, "run", os.path.join(src, "boards/riscv-spike.yaml"), "--icount",
     "--set", "harts.count=2", "--kernel", elf, "--gdb", "tcp::%d" % port,
     "--wait-gdb"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
for _ in range(100):
    try:
        c = Client(port)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("FAIL: the stub does not listen")

try:
    # -- a client that hangs up mid-packet: the stub survives, the guest
    # stays held (--wait-gdb), and the next client is served
    c.send_raw(b"$qSuppor")
    c.close()
    time.sleep(0.2)
    c = Client(port)

    # -- handshake
    r = c.cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386;"
              "vContSupported+")
    for feature in ("PacketSize=1000", "qXfer:features:read+", "swbreak+",
                    "hwbreak+", "vContSupported+", "QStartNoAckMode+",
                    "multiprocess+"):
        check(feature in r.split(";"), "qSupported lists " + feature)
    check(c.cmd("vMustReplyEmpty") == "", "vMustReplyEmpty: empty")
    check(c.cmd("qAttached:1") == "1", "qAttached: 1")
    check(c.cmd("?") == "T05thread:p01.01;", "? names thread p01.01")

    # -- framing: a bad checksum is answered "-" and dropped
    c.send_raw(b"$qC#00")
    check(c.read_byte() == b"-", "bad checksum answered -")
    check(c.cmd("qC") == "QCp01.01", "qC after a bad checksum")
    # "-" from the client: the stub sends its last packet again
    c.send_raw(b"-")
    check(c.read_packet() == "QCp01.01", "- makes the stub resend")
    # unknown packets: the empty reply
    for unknown in ("vFooBar", "qNoSuchQuery", "Qfoo", "y", "Z5,0,4",
                    "vCont;t", "qOffsets"):
        check(c.cmd(unknown) == "", "unknown %s: empty reply" % unknown)
    # an oversized packet: acknowledged, answered E22, stub alive
    check(c.cmd("m" + "0" * 6000 + ",4") == "E22", "oversized: E22")
    # stray bytes while stopped are ignored
    c.send_raw(b"xyz\x01")
    check(c.cmd("qC") == "QCp01.01", "after stray bytes")

    # -- target description (read in small chunks: m... then l...)
    xml, off = "", 0
    while True:
        r = c.cmd("qXfer:features:read:target.xml:%x,200" % off)
        check(r[:1] in ("m", "l"), "qXfer chunk starts with m or l")
        xml += r[1:]
        off += len(r) - 1
        if r[:1] != "m":
            break
    check(c.cmd("qXfer:features:read:nosuch.xml:0,100") == "E00",
          "qXfer unknown annex: E00")
    check(c.cmd("qXfer:features:read:target.xml:%x,10" % (len(xml) + 1))
          == "E00", "qXfer offset past the end: E00")
    root = ET.fromstring(xml)
    check(root.findtext("architecture") == "riscv:rv64", "architecture")
    regs = {}
    for feat in root.findall("feature"):
        for reg in feat.findall("reg"):
            regs[reg.get("name")] = (feat.get("name"), int(reg.get("regnum")),
                                     int(reg.get("bitsize")))
    # QEMU's numbering (docs/debugging.md "Registers"): csr N is 66 + N
    expect = {"zero": ("org.gnu.gdb.riscv.cpu", 0, 64),
              "a0": ("org.gnu.gdb.riscv.cpu", 10, 64),
              "t6": ("org.gnu.gdb.riscv.cpu", 31, 64),
              "pc": ("org.gnu.gdb.riscv.cpu", 32, 64),
              "ft0": ("org.gnu.gdb.riscv.fpu", 33, 64),
              "ft11": ("org.gnu.gdb.riscv.fpu", 64, 64),
              "fflags": ("org.gnu.gdb.riscv.fpu", 67, 32),
              "fcsr": ("org.gnu.gdb.riscv.fpu", 69, 32),
              "priv": ("org.gnu.gdb.riscv.virtual", 65, 64),
              "sstatus": ("org.gnu.gdb.riscv.csr", 66 + 0x100, 64),
              "satp": ("org.gnu.gdb.riscv.csr", 66 + 0x180, 64),
              "mstatus": ("org.gnu.gdb.riscv.csr", 66 + 0x300, 64),
              "mtvec": ("org.gnu.gdb.riscv.csr", 66 + 0x305, 64),
              "mhartid": ("org.gnu.gdb.riscv.csr", 66 + 0xf14, 64)}
    for name, want in expect.items():
        check(regs.get(name) == want, "tdesc %s = %s (got %s)"
              % (name, want, regs.get(name)))

    # -- registers: pc is the ELF entry (the board starts the image there)
    g = c.cmd("g")
    check(len(g) == 33 * 16, "g: 33 64-bit registers")
    pc = struct.unpack("<Q", bytes.fromhex(g[32 * 16:]))[0]
    check(pc == entry, "pc %#x is the ELF entry %#x" % (pc, entry))
    check(c.cmd("p20") == g[32 * 16:], "p20 (pc) = g's pc")
    check(c.cmd("p%x" % (66 + 0xf14)) == "00" * 8, "hart 0's mhartid is 0")
    check(c.cmd("p41") == "0300000000000000", "priv is M (3)")
    check(c.cmd("p42") == "E14", "no CSR 0 (ustatus): E14")
    check(c.cmd("Pa=efbeadde00000000") == "OK", "P a0")
    check(c.cmd("pa") == "efbeadde00000000", "p a0 after P")
    check(c.cmd("P0=0100000000000000") == "OK", "P x0 accepted")
    check(c.cmd("p0") == "00" * 8, "x0 stays 0")
    check(c.cmd("Hg2") == "OK", "Hg2")
    check(c.cmd("p%x" % (66 + 0xf14)) == "0100000000000000",
          "hart 1's mhartid is 1")
    check(c.cmd("Hg9") == "E22", "Hg9: no such thread")
    check(c.cmd("Hgp01.01") == "OK", "Hgp01.01")
    check(c.cmd("qfThreadInfo") == "mp01.01,p01.02", "qfThreadInfo")
    check(c.cmd("qsThreadInfo") == "l", "qsThreadInfo")
    check(c.cmd("Tp01.02") == "OK" and c.cmd("Tp01.03") == "E22",
          "T alive / dead")
    check(c.cmd("vCont?") == "vCont;c;C;s;S", "vCont?")

    # -- memory: the loaded image, unmapped space, writes
    check(c.cmd("m%x,10" % entry) == elf_bytes(entry, 16).hex(),
          "m at the entry = the ELF's bytes")
    check(c.cmd("m40000000000,4") == "E14", "unmapped: E14")
    check(c.cmd("m%x,801" % entry) == "E22", "m over 0x800 bytes: E22")
    counter = syms["counter"]
    check(c.cmd("M%x,8:0102030405060708" % counter) == "OK", "M")
    check(c.cmd("m%x,8" % counter) == "0102030405060708", "m after M")
    # run-length encoding: "1*," is 1 and 44 - 29 = 15 more ones
    check(c.cmd("M%x,8:1*," % counter) == "OK", "M with RLE")
    check(c.cmd("m%x,8" % counter) == "1" * 16, "RLE decoded")
    # X: binary, with the escaped bytes $ # } *
    data = bytes([0x24, 0x23, 0x7d, 0x2a, 0, 1, 2, 0xff])
    esc = b"".join(b"}" + bytes([x ^ 0x20]) if x in b"$#}*" else bytes([x])
                   for x in data)
    c.s.sendall(b"$" + b"X%x,8:" % counter + esc +
                b"#%02x" % (sum(b"X%x,8:" % counter + esc) % 256))
    check(c.read_byte() == b"+" and c.read_packet() == "OK", "X escaped")
    check(c.cmd("m%x,8" % counter) == data.hex(), "m after X")
    check(c.cmd("M%x,8:0000000000000000" % counter) == "OK", "counter = 0")

    # -- a breakpoint, a step, a watchpoint
    bp = syms["add_to_counter"]
    check(c.cmd("Z0,%x,2" % bp) == "OK", "Z0")
    check(c.cmd("c") == "T05thread:p01.01;swbreak:;", "stop at Z0: swbreak")
    check(c.cmd("p20") == struct.pack("<Q", bp).hex(), "pc = breakpoint")
    check(c.cmd("z0,%x,2" % bp) == "OK", "z0")
    check(c.cmd("Hcp01.01") == "OK", "Hc")
    r = c.cmd("vCont;s:p01.01")
    check(r == "T05thread:p01.01;", "step reply " + r)
    pc = struct.unpack("<Q", bytes.fromhex(c.cmd("p20")))[0]
    check(pc in (bp + 2, bp + 4), "step: one instruction (%#x)" % pc)
    # a step with an enabled interrupt pending (mip.SSIP with mie.SSIE and
    # mstatus.MIE, not delegated: taken in M): the step masks it, as
    # QEMU's default, so the pc moves on by one instruction instead of
    # into the trap vector; the interrupt is withdrawn before going on
    def csr(n):
        return "%x" % (66 + n)
    mstatus = c.cmd("p" + csr(0x300))
    check(c.cmd("P%s=0200000000000000" % csr(0x304)) == "OK", "mie.SSIE")
    mie_on = struct.unpack("<Q", bytes.fromhex(mstatus))[0] | 8
    check(c.cmd("P%s=%s" % (csr(0x300), struct.pack("<Q", mie_on).hex()))
          == "OK", "mstatus.MIE")
    check(c.cmd("P%s=0200000000000000" % csr(0x344)) == "OK", "mip.SSIP")
    check(c.cmd("p" + csr(0x344)) == "0200000000000000", "SSIP pending")
    check(c.cmd("s") == "T05thread:p01.01;", "s reply")
    pc2 = struct.unpack("<Q", bytes.fromhex(c.cmd("p20")))[0]
    check(pc2 in (pc + 2, pc + 4),
          "step with an interrupt pending: next insn (%#x)" % pc2)
    check(c.cmd("p" + csr(0x342)) == "00" * 8, "mcause untouched")
    check(c.cmd("P%s=0000000000000000" % csr(0x344)) == "OK", "clear SSIP")
    check(c.cmd("P%s=0000000000000000" % csr(0x304)) == "OK", "clear mie")
    check(c.cmd("P%s=%s" % (csr(0x300), mstatus)) == "OK", "mstatus back")
    # G writes back what g read
    g = c.cmd("g")
    check(c.cmd("G" + g) == "OK" and c.cmd("g") == g, "G of g's registers")
    check(c.cmd("Z1,%x,2" % bp) == "OK", "Z1")
    check(c.cmd("c") == "T05thread:p01.01;hwbreak:;", "stop at Z1: hwbreak")
    check(c.cmd("z1,%x,2" % bp) == "OK", "z1")
    check(c.cmd("Z2,%x,0" % counter) == "E22", "Z2 length 0: E22")
    check(c.cmd("Z2,%x,8" % counter) == "OK", "Z2")
    check(c.cmd("c") == "T05thread:p01.01;watch:%016x;" % counter,
          "write watchpoint stop")
    # counter was set to 0 above; the first add (n = 1) has run, the
    # second one's store is the access the hart stopped before: 1, not 3
    check(c.cmd("m%x,8" % counter) == "0100000000000000",
          "stopped before the store")
    check(c.cmd("z2,%x,8" % counter) == "OK", "z2")
    check(c.cmd("z2,%x,8" % counter) == "E22", "z2 again: E22")
    # read and access watchpoints: the next add_to_counter loads counter
    check(c.cmd("Z3,%x,8" % counter) == "OK", "Z3")
    check(c.cmd("c") == "T05thread:p01.01;rwatch:%016x;" % counter,
          "read watchpoint stop")
    check(c.cmd("z3,%x,8" % counter) == "OK", "z3")
    check(c.cmd("Z4,%x,4" % (counter + 4)) == "OK", "Z4 on counter's top half")
    r = c.cmd("vCont;s:p01.01")   # the load the hart stopped before
    check(r == "T05thread:p01.01;awatch:%016x;" % (counter + 4),
          "a step onto a watched access stops before it: " + r)
    check(c.cmd("z4,%x,4" % (counter + 4)) == "OK", "z4")

    # -- Ctrl-C: with hart 1 frozen and its counter 0, hart 0 waits for
    # it forever in main; 0x03 stops it
    ticks = syms["hart1_ticks"]
    check(c.cmd("M%x,8:0000000000000000" % ticks) == "OK", "ticks = 0")
    c.s.sendall(frame("vCont;c:p01.01"))
    check(c.read_byte() == b"+", "vCont acked")
    time.sleep(0.3)
    c.send_raw(b"\x03")
    check(c.read_packet() == "T02thread:p01.01;", "Ctrl-C: T02")
    check(c.cmd("m%x,8" % ticks) == "00" * 8, "frozen hart 1 did not run")

    # -- monitor commands
    c.s.sendall(frame("qRcmd," + b"info status".hex()))
    check(c.read_byte() == b"+", "qRcmd acked")
    out = ""
    while True:
        r = c.read_packet()
        if not r.startswith("O") or r == "OK":
            break
        out += bytes.fromhex(r[1:]).decode()
    check(r == "OK" and out.startswith("VM status: paused"),
          "monitor info status: " + out)
    check(c.cmd("qRcmd,123") == "E01", "qRcmd odd hex: E01")

    # -- no-ack mode, then detach: the program runs to its end
    check(c.cmd("QStartNoAckMode") == "OK", "QStartNoAckMode")
    c.s.sendall(b"+")
    c.ack = False
    check(c.cmd("qC") == "QCp01.01", "no-ack: reply without +")
    check(c.cmd("D") == "E22", "plain D in multiprocess mode: E22")
    check(c.cmd("D;1") == "OK", "D;1")
    c.close()
    status = proc.wait(timeout=300)
    check(status == 0, "breadboard exit status %d after detach" % status)
except Exception as e:  # a protocol error is a failure, not a crash
    failures.append(repr(e))
    print("FAIL:", repr(e))
finally:
    if proc.poll() is None:
        proc.kill()
    out = proc.communicate()[0].decode(errors="replace")

# -- virtual time stops while the debugger holds the guest: in host time
# (no --icount) the time CSR follows the host clock while the guest runs
# and must not move while it is stopped
port = free_port()
tmpdir = tempfile.mkdtemp()
qmp_path = os.path.join(tmpdir, "qmp.sock")
proc2 = subprocess.Popen(
    os.environ.get("VALGRIND", "").split() + [bb, "run",
     os.path.join(src, "boards/riscv-spike.yaml"), "--set", "harts.count=2",
     "--kernel", elf, "--gdb", "tcp::%d" % port, "--wait-gdb",
     "--qmp", "unix:" + qmp_path],
    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def qmp_connect(path):
    q = socket.socket(socket.AF_UNIX)
    q.settimeout(30)
    q.connect(path)
    f = q.makefile("rw")
    json.loads(f.readline())  # greeting
    f.write('{"execute": "qmp_capabilities"}\n')
    f.flush()
    json.loads(f.readline())
    return q, f


def qmp_cmd(f, name):
    """Run @name; the reply (events before it are skipped)."""
    f.write(json.dumps({"execute": name, "id": name}) + "\n")
    f.flush()
    while True:
        msg = json.loads(f.readline())
        if msg.get("id") == name:
            return msg
try:
    for _ in range(100):
        try:
            c = Client(port)
            break
        except OSError:
            time.sleep(0.1)
    c.cmd("qSupported:multiprocess+")
    ticks = syms["hart1_ticks"]
    time_csr = "p%x" % (66 + 0xc01)
    # hart 1 frozen and its counter 0: hart 0 never finishes (see above)
    check(c.cmd("M%x,8:0000000000000000" % ticks) == "OK", "ticks = 0")
    c.s.sendall(frame("vCont;c:p01.01"))
    check(c.read_byte() == b"+", "vCont acked")
    time.sleep(0.3)
    c.send_raw(b"\x03")
    check(c.read_packet() == "T02thread:p01.01;", "Ctrl-C: T02")
    t1 = struct.unpack("<Q", bytes.fromhex(c.cmd(time_csr)))[0]
    time.sleep(0.5)
    t2 = struct.unpack("<Q", bytes.fromhex(c.cmd(time_csr)))[0]
    check(t1 > 0 and t1 == t2,
          "virtual time stands still while stopped (%d, %d)" % (t1, t2))
    c.s.sendall(frame("vCont;c:p01.01"))
    check(c.read_byte() == b"+", "vCont acked")
    time.sleep(0.3)
    c.send_raw(b"\x03")
    check(c.read_packet() == "T02thread:p01.01;", "Ctrl-C: T02")
    t3 = struct.unpack("<Q", bytes.fromhex(c.cmd(time_csr)))[0]
    check(t3 > t2, "virtual time moves while running (%d, %d)" % (t2, t3))
    # the monitor's stop while the debugger waits for a stop: T02; its
    # cont after the debugger's stop resumes the guest
    q, f = qmp_connect(qmp_path)
    c.s.sendall(frame("vCont;c:p01.01"))
    check(c.read_byte() == b"+", "vCont acked")
    time.sleep(0.2)
    check(qmp_cmd(f, "stop").get("return") == {}, "QMP stop")
    check(c.read_packet() == "T02thread:p01.01;", "QMP stop: T02 to gdb")
    check(qmp_cmd(f, "query-status")["return"]["status"] == "paused",
          "QMP: paused")
    f.write('{"execute": "cont"}\n')  # (the guest may end before the reply)
    f.flush()
    # the monitor's cont runs every hart, as QEMU's (not only those the
    # debugger's last vCont named): hart 1 counts, so the program ends,
    # and the debugger hears of the power-off with its exit code
    check(c.read_packet() == "W00", "guest power-off: W00")
    q.close()
    check(proc2.wait(timeout=300) == 0, "breadboard exit status 0")
except Exception as e:
    failures.append(repr(e))
    print("FAIL:", repr(e))
finally:
    if proc2.poll() is None:
        proc2.kill()
    out += proc2.communicate()[0].decode(errors="replace")

if failures:
    print("--- breadboard:\n" + out)
    sys.exit(1)
print("ok: gdb protocol")
