#!/usr/bin/env python3
# gen-amo.py - prints the expected-value table of rv64a.c (the AMO cases):
# for each op, width and (memory, operand) pair, the value rd receives and
# the memory afterwards, from the spec's definitions (unprivileged
# 20191213 chapter 8).  Run by hand; its output is pasted into rv64a.c.
M = (1 << 64) - 1
def s(x, bits):
    x &= (1 << bits) - 1
    return x - (1 << bits) if x >> (bits - 1) else x
ops = {
    'swap': lambda a, b, n: b, 'add': lambda a, b, n: a + b,
    'xor': lambda a, b, n: a ^ b, 'and': lambda a, b, n: a & b,
    'or': lambda a, b, n: a | b,
    'min': lambda a, b, n: a if s(a, n) < s(b, n) else b,
    'max': lambda a, b, n: a if s(a, n) > s(b, n) else b,
    'minu': lambda a, b, n: a if (a & ((1 << n) - 1)) < (b & ((1 << n) - 1)) else b,
    'maxu': lambda a, b, n: a if (a & ((1 << n) - 1)) > (b & ((1 << n) - 1)) else b,
}
pairs = [(0x8000000000000000, 0x7fffffffffffffff), (0xffffffffffffffff, 1),
         (0x0000000080000000, 0x000000007fffffff),
         (0x123456789abcdef0, 0x0fedcba987654321),
         (0xaaaaaaaa00000001, 0x55555555ffffffff), (5, 5)]
for op, f in ops.items():
    for n in (32, 64):
        for mem, src in pairs:
            if n == 32:
                lo = mem & 0xffffffff
                res = f(lo, src & 0xffffffff, 32) & 0xffffffff
                rd = s(lo, 32) & M
                newmem = (mem & ~0xffffffff & M) | res
            else:
                res = f(mem, src, 64) & M
                rd = mem
                newmem = res
            print('    { "amo%s.%s", %s, 0x%016xull, 0x%016xull, 0x%016xull, 0x%016xull },'
                  % (op, 'w' if n == 32 else 'd', 'AMO_%s_%s' % (op.upper(), 'W' if n == 32 else 'D'),
                     mem, src, rd, newmem))
