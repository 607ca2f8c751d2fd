"""checks.py - what the Python tests (tests/monitor/qmp-test.py,
tests/snapshot/*.py, tests/gdbstub/gdb-protocol.py) share for their
verdict: check() records a failed condition and goes on, so one run
reports every failure; the script exits non-zero when `failures` is not
empty.  Standard library only."""

failures = []


def check(cond, what):
    """Record @what as a failure unless @cond; returns @cond."""
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond
