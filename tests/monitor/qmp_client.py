"""qmp_client.py - the QMP client the Python tests share (tests/monitor
qmp-test.py, tests/snapshot snapshot-test.py): newline-separated JSON
texts in, replies matched to their command, events kept for
wait_event().  Standard library only."""

import json
import select
import socket
import time

AUTO = object()  # Qmp.cmd_full: number the command


class Qmp:
    """A QMP client: JSON texts in, replies matched by id, events kept."""

    def __init__(self, path, timeout=20):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.time() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.next_id = 1
        self.timeout = timeout
        self.greeting = self.read_msg()

    def read_msg(self, timeout=None):
        deadline = time.time() + (timeout or self.timeout)
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no message from the monitor")
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("monitor closed the connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def send_raw(self, data):
        self.sock.sendall(data)

    def cmd_full(self, name, args=None, id_=AUTO):
        """The whole reply object ({"return"...} or {"error"...})."""
        msg = {"execute": name}
        if args is not None:
            msg["arguments"] = args
        if id_ is AUTO:
            id_ = self.next_id
            self.next_id += 1
        msg["id"] = id_
        self.send_raw(json.dumps(msg).encode())
        while True:
            m = self.read_msg()
            if "event" in m:
                self.events.append(m)
                continue
            return m

    def cmd(self, name, args=None):
        r = self.cmd_full(name, args)
        if "error" in r:
            raise RuntimeError("%s: %s" % (name, r["error"]))
        return r["return"]

    def wait_event(self, name, timeout=10):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    return self.events.pop(i)
            left = deadline - time.time()
            if left <= 0:
                return None
            try:
                m = self.read_msg(timeout=left)
            except TimeoutError:
                return None
            if "event" in m:
                self.events.append(m)

    def close(self):
        self.sock.close()
