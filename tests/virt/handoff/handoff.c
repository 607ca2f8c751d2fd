/*
 * handoff.c - a tiny S-mode "kernel" that checks what the riscv-virt
 * machine and OpenSBI hand a kernel (reference/hardware.md sections 5.1,
 * 5.5, 5.7, 5.8): where it runs, the privilege mode, a0 = hart ID, a1 =
 * the FDT and where that lies, and in the FDT /chosen (bootargs, the
 * initrd range, stdout-path), /memory and /cpus/timebase-frequency; the
 * initrd's bytes in RAM against a checksum; rdtime; the SBI version.
 *
 * The expectations that depend on the firmware and the initrd come from
 * the command line itself (handoff-test.sh writes them):
 *   handoff fdt=0x87e00000 initrd=0x84200000 len=100003 sum=1234567 ...
 * fdt = a1, initrd = linux,initrd-start, len = end - start, sum = the
 * POSIX `cksum` CRC of the initrd's bytes.  "break=all" (or break=NAME)
 * flips the expectation of every (or one) check, to show each can fail.
 * "reboot=1" overwrites the loaded images after a first, passing round of
 * checks and reboots (SBI SRST cold reboot): the second round checks that
 * the system reset reloaded them.
 *
 * One line per check on the SBI console ("ok NAME" / "FAIL NAME: got X
 * want Y"), the command line as "bootargs=[...]", then "handoff: PASS" or
 * "handoff: FAIL" and an SBI SRST shutdown with reason 0 (none) or 1
 * (system failure).  Freestanding: no libc.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPECT_IMAGE_START 0x80200000ull
#define EXPECT_HART_ID 0
#define EXPECT_RAM_BASE 0x80000000ull
#define EXPECT_RAM_SIZE (128ull << 20)
/* Reads of what a1 and the initrd properties point at stay below this
 * (the FDT is below 3 GiB); beyond the real RAM they trap, reported. */
#define READ_LIMIT 0xc0000000ull
#define EXPECT_TIMEBASE 10000000u
#define EXPECT_STDOUT "/soc/serial@10000000"
#define EXPECT_SBI_SPEC 0x01000000ul /* OpenSBI 1.1: SBI 1.0 */

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_SRST 0x53525354
#define SRST_TYPE_SHUTDOWN 0
#define SRST_TYPE_COLD_REBOOT 1
#define SRST_REASON_NONE 0
#define SRST_REASON_SYSFAIL 1

#define SCAUSE_ILLEGAL_INSN 2

/* reboot=1: the marker that tells the second boot from the first lies
 * where no image is loaded (between the initrd and the FDT); the machine
 * places the FDT at the top of 128 MiB of RAM, aligned down to 2 MiB. */
#define MARKER_ADDR 0x86000000ull
#define MARKER_MAGIC 0x32746f6f42626248ull
#define MACHINE_FDT_ADDR 0x87e00000ull
#define SENTINEL 0x5e471e1ddeadbeefull

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

extern const uint64_t link_start, link_image_start;
uint64_t probe_csr_sstatus(uint64_t *value);
uint64_t probe_csr_mstatus(uint64_t *value);
void handoff_main(uint64_t hartid, uint64_t fdt, uint64_t start_pc);
void handoff_trap(uint64_t cause, uint64_t epc, uint64_t tval);

/* ------------------------------------------------------------ SBI */

struct sbiret {
    long error;
    long value;
};

static struct sbiret sbi_call(long eid, long fid, long arg0, long arg1)
{
    register long a0 __asm__("a0") = arg0;
    register long a1 __asm__("a1") = arg1;
    register long a6 __asm__("a6") = fid;
    register long a7 __asm__("a7") = eid;

    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1)
                     : "r"(a6), "r"(a7)
                     : "memory");
    return (struct sbiret){ a0, a1 };
}

static void put_char(char c)
{
    sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0);
}

static void put_str(const char *s)
{
    while (*s) {
        put_char(*s++);
    }
}

static void put_hex(uint64_t v)
{
    int shift = 60;

    put_str("0x");
    while (shift > 0 && !(v >> shift)) {
        shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
        put_char("0123456789abcdef"[(v >> shift) & 0xf]);
    }
}

static void put_dec(uint64_t v)
{
    char buf[21];
    int i = sizeof(buf);

    buf[--i] = 0;
    do {
        buf[--i] = '0' + v % 10;
        v /= 10;
    } while (v);
    put_str(buf + i);
}

static void __attribute__((noreturn)) shutdown(bool ok)
{
    sbi_call(SBI_EXT_SRST, 0, SRST_TYPE_SHUTDOWN,
             ok ? SRST_REASON_NONE : SRST_REASON_SYSFAIL);
    put_str("handoff: SRST shutdown returned\n");
    sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void handoff_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    put_str("FAIL trap: scause ");
    put_hex(cause);
    put_str(" sepc ");
    put_hex(epc);
    put_str(" stval ");
    put_hex(tval);
    put_str("\nhandoff: FAIL\n");
    shutdown(false);
}

/* ------------------------------------------------------------ strings */

static size_t str_len(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++, b++;
    }
    return *a == *b;
}

/* The value of "KEY=" in the space-separated @cmdline, or NULL; its end
 * in *@end. */
static const char *cmdline_get(const char *cmdline, const char *key,
                               const char **end)
{
    size_t klen = str_len(key);
    const char *p = cmdline;

    while (*p) {
        while (*p == ' ') {
            p++;
        }
        const char *tok = p;
        while (*p && *p != ' ') {
            p++;
        }
        size_t i = 0;
        while (i < klen && tok + i < p && tok[i] == key[i]) {
            i++;
        }
        if (i == klen && tok + klen < p && tok[klen] == '=') {
            *end = p;
            return tok + klen + 1;
        }
    }
    return NULL;
}

/* A number "KEY=123" or "KEY=0x7b"; false when absent or malformed. */
static bool cmdline_num(const char *cmdline, const char *key, uint64_t *out)
{
    const char *end, *p = cmdline_get(cmdline, key, &end);
    unsigned base = 10;
    uint64_t v = 0;

    if (!p || p == end) {
        return false;
    }
    if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
        base = 16;
        p += 2;
    }
    for (; p < end; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9') {
            d = *p - '0';
        } else if (base == 16 && *p >= 'a' && *p <= 'f') {
            d = *p - 'a' + 10;
        } else {
            return false;
        }
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* ------------------------------------------------------------ checks */

static const char *cmdline = ""; /* for break= */
static volatile uint64_t sentinel = SENTINEL; /* in .data: loaded */
static volatile uint64_t *const marker = (volatile uint64_t *)MARKER_ADDR;
static unsigned n_checks, n_failed;

/* Whether break= names @name (or "all"): its expectation is flipped. */
static bool broken(const char *name)
{
    const char *end, *p = cmdline_get(cmdline, "break", &end);
    size_t n = str_len(name);

    if (!p) {
        return false;
    }
    if (end - p == 3 && p[0] == 'a' && p[1] == 'l' && p[2] == 'l') {
        return true;
    }
    if ((size_t)(end - p) != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] != name[i]) {
            return false;
        }
    }
    return true;
}

static void report(const char *name, bool ok)
{
    n_checks++;
    if (ok) {
        put_str("ok ");
        put_str(name);
        put_char('\n');
        return;
    }
    n_failed++;
    put_str("FAIL ");
    put_str(name);
}

static bool check_u64(const char *name, uint64_t got, uint64_t want)
{
    if (broken(name)) {
        want ^= 1;
    }
    report(name, got == want);
    if (got != want) {
        put_str(": got ");
        put_hex(got);
        put_str(" want ");
        put_hex(want);
        put_char('\n');
    }
    return got == want;
}

static bool check_str(const char *name, const char *got, const char *want)
{
    bool ok = got && str_eq(got, want) && !broken(name);

    report(name, ok);
    if (!ok) {
        put_str(": got \"");
        put_str(got ? got : "(none)");
        put_str("\" want \"");
        put_str(want);
        put_str(broken(name) ? "\" (broken)\n" : "\"\n");
    }
    return ok;
}

/* A value the command line must supply; a missing one is a failure. */
static bool need(const char *key, uint64_t *v)
{
    if (cmdline_num(cmdline, key, v)) {
        return true;
    }
    report(key, false);
    put_str(": no number ");
    put_str(key);
    put_str("= on the command line\n");
    return false;
}

/* ------------------------------------------------------------ FDT */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* A 1- or 2-cell big-endian number property; false for other lengths. */
static bool prop_cells(const uint8_t *p, uint32_t len, uint64_t *out)
{
    if (len == 4) {
        *out = be32(p);
    } else if (len == 8) {
        *out = (uint64_t)be32(p) << 32 | be32(p + 4);
    } else {
        return false;
    }
    return true;
}

typedef struct Fdt {
    const uint8_t *base;
    const uint8_t *structs;   /* structure block */
    uint32_t struct_size;
    const char *strings;      /* strings block */
    uint32_t strings_size;
} Fdt;

static bool fdt_open(Fdt *f, const uint8_t *blob)
{
    uint32_t total = be32(blob + 4);
    uint32_t off_struct = be32(blob + 8), off_strings = be32(blob + 12);
    uint32_t version = be32(blob + 20);

    f->base = blob;
    f->structs = blob + off_struct;
    f->strings = (const char *)blob + off_strings;
    f->strings_size = be32(blob + 32);
    f->struct_size = be32(blob + 36);
    return be32(blob) == FDT_MAGIC && version >= 17 &&
           off_struct + f->struct_size <= total &&
           off_strings + f->strings_size <= total;
}

/* Whether the node named @name ("memory@80000000") matches the path
 * component [@c, @c_end): exactly, or by the part before '@' when the
 * component has no unit address. */
static bool name_matches(const char *name, const char *c, const char *c_end)
{
    bool has_at = false;

    for (const char *q = c; q < c_end; q++) {
        has_at |= *q == '@';
    }
    while (c < c_end && *name == *c) {
        name++, c++;
    }
    return c == c_end && (!*name || (!has_at && *name == '@'));
}

/*
 * The property @prop of the node at @path ("/chosen", "/memory", "/"),
 * found by walking the structure block: a stack of "does the path so far
 * match" per depth.  Returns its value and length, or NULL.
 */
static const uint8_t *fdt_getprop(const Fdt *f, const char *path,
                                  const char *prop, uint32_t *len)
{
    const uint8_t *p = f->structs, *end = f->structs + f->struct_size;
    const char *comp[16], *comp_end[16];
    int n_comp = 0, depth = -1, matched = -1; /* deepest matching level */

    for (const char *q = path; *q;) {
        while (*q == '/') {
            q++;
        }
        if (!*q || n_comp == 16) {
            break;
        }
        comp[n_comp] = q;
        while (*q && *q != '/') {
            q++;
        }
        comp_end[n_comp++] = q;
    }
    while (p + 4 <= end) {
        uint32_t tok = be32(p);
        p += 4;
        switch (tok) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)p;
            size_t n = str_len(name);
            depth++;
            /* depth 0 is the root; depth d matches component d - 1 */
            if (matched == depth - 1 &&
                (depth == 0 || (depth <= n_comp &&
                                name_matches(name, comp[depth - 1],
                                             comp_end[depth - 1])))) {
                matched = depth;
            }
            p += (n + 1 + 3) & ~3u;
            break;
        }
        case FDT_END_NODE:
            if (matched == depth) {
                matched--;
            }
            depth--;
            break;
        case FDT_PROP: {
            uint32_t plen = be32(p), nameoff = be32(p + 4);
            const uint8_t *val = p + 8;
            p = val + ((plen + 3) & ~3u);
            if (matched == depth && depth == n_comp &&
                nameoff < f->strings_size &&
                str_eq(f->strings + nameoff, prop)) {
                *len = plen;
                return val;
            }
            break;
        }
        case FDT_NOP:
            break;
        default: /* FDT_END or garbage */
            return NULL;
        }
    }
    return NULL;
}

static bool fdt_get_num(const Fdt *f, const char *path, const char *prop,
                        uint64_t *out)
{
    uint32_t len;
    const uint8_t *v = fdt_getprop(f, path, prop, &len);

    return v && prop_cells(v, len, out);
}

/* A string property, checked to be NUL-terminated within its length. */
static const char *fdt_get_str(const Fdt *f, const char *path,
                               const char *prop)
{
    uint32_t len;
    const uint8_t *v = fdt_getprop(f, path, prop, &len);

    return v && len > 0 && v[len - 1] == 0 ? (const char *)v : NULL;
}

/* ------------------------------------------------------------ hand-off */

/* POSIX cksum: CRC-32 (polynomial 0x04c11db7, MSB first) of the data,
 * then of the length in as few bytes as it needs (LSB first), inverted. */
static uint32_t crc_byte(uint32_t crc, uint8_t b)
{
    crc ^= (uint32_t)b << 24;
    for (int i = 0; i < 8; i++) {
        crc = crc & 0x80000000u ? crc << 1 ^ 0x04c11db7u : crc << 1;
    }
    return crc;
}

static uint32_t posix_cksum(const volatile uint8_t *p, uint64_t len)
{
    uint32_t crc = 0;

    for (uint64_t i = 0; i < len; i++) {
        crc = crc_byte(crc, p[i]);
    }
    for (uint64_t n = len; n; n >>= 8) {
        crc = crc_byte(crc, n & 0xff);
    }
    return ~crc;
}

static uint64_t rdtime(void)
{
    uint64_t t;

    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static void check_fdt(const Fdt *f, uint64_t fdt_addr)
{
    uint64_t want, start = 0, end = 0, ac = 0, sc = 0;
    uint32_t len;
    const uint8_t *reg;

    check_u64("bootargs", fdt_get_str(f, "/chosen", "bootargs") != NULL, 1);
    if (need("fdt", &want)) {
        check_u64("fdt-addr", fdt_addr, want);
    }

    check_str("stdout-path", fdt_get_str(f, "/chosen", "stdout-path"),
              EXPECT_STDOUT);

    if (!fdt_get_num(f, "/chosen", "linux,initrd-start", &start) ||
        !fdt_get_num(f, "/chosen", "linux,initrd-end", &end)) {
        check_str("initrd-props", NULL, "linux,initrd-start/end");
    } else {
        if (need("initrd", &want)) {
            check_u64("initrd-start", start, want);
        }
        if (need("len", &want)) {
            check_u64("initrd-len", end - start, want);
        }
        /* Only read where RAM may be. */
        if (need("sum", &want) && start >= EXPECT_RAM_BASE && end >= start &&
            end <= READ_LIMIT) {
            check_u64("initrd-sum",
                      posix_cksum((const volatile uint8_t *)start,
                                  end - start),
                      want);
        }
    }

    fdt_get_num(f, "/", "#address-cells", &ac);
    fdt_get_num(f, "/", "#size-cells", &sc);
    reg = fdt_getprop(f, "/memory", "reg", &len);
    if (ac != 2 || sc != 2 || !reg || len != 16) {
        put_str("  (root #address-cells ");
        put_hex(ac);
        put_str(", #size-cells ");
        put_hex(sc);
        put_str(", /memory reg length ");
        put_hex(reg ? len : 0);
        put_str(")\n");
    if (*cmdline) {
        /* handoff-test.sh compares this line with what it passed. */
        put_str("bootargs=[");
        put_str(cmdline);
        put_str("]\n");
    }
        check_u64("memory-reg", 0, 1);
    } else {
        check_u64("memory-base", (uint64_t)be32(reg) << 32 | be32(reg + 4),
                  EXPECT_RAM_BASE);
        check_u64("memory-size",
                  (uint64_t)be32(reg + 8) << 32 | be32(reg + 12),
                  EXPECT_RAM_SIZE);
    }

    uint64_t tb = 0;
    if (!fdt_get_num(f, "/cpus", "timebase-frequency", &tb)) {
        check_str("timebase", NULL, "/cpus/timebase-frequency");
    } else {
        check_u64("timebase", tb, EXPECT_TIMEBASE);
    }
}

/*
 * reboot=1: overwrite what the machine loaded (a word of the kernel's own
 * data, the initrd's first and last bytes, the FDT's magic where the
 * firmware handed it and where the machine placed it), leave a marker in
 * RAM nothing loads to, and ask for a cold reboot: the second boot runs
 * every check again, and passes only if the reset reloaded it all.
 */
static void __attribute__((noreturn)) scribble_and_reboot(const Fdt *f,
                                                          uint64_t fdt_addr)
{
    uint64_t start, end;

    sentinel = 0;
    if (fdt_get_num(f, "/chosen", "linux,initrd-start", &start) &&
        fdt_get_num(f, "/chosen", "linux,initrd-end", &end) &&
        start >= EXPECT_RAM_BASE && start < end && end <= READ_LIMIT) {
        *(volatile uint8_t *)start ^= 0xff;
        *(volatile uint8_t *)(end - 1) ^= 0xff;
    }
    *(volatile uint32_t *)fdt_addr = 0;
    *(volatile uint32_t *)MACHINE_FDT_ADDR = 0;
    *marker = MARKER_MAGIC;
    put_str("handoff: reboot\n");
    sbi_call(SBI_EXT_SRST, 0, SRST_TYPE_COLD_REBOOT, SRST_REASON_NONE);
    put_str("handoff: SRST reboot returned\n");
    shutdown(false);
}

void handoff_main(uint64_t hartid, uint64_t fdt_addr, uint64_t start_pc)
{
    uint64_t v, cause;
    const uint8_t *blob = (const uint8_t *)fdt_addr;
    Fdt f;

    /* The command line first, quietly: it says which checks to break. */
    cmdline = "";
    bool fdt_ok = fdt_addr >= EXPECT_RAM_BASE &&
                  fdt_addr <= READ_LIMIT - 64 &&
                  !(fdt_addr & 7) && fdt_open(&f, blob);
    if (fdt_ok && fdt_get_str(&f, "/chosen", "bootargs")) {
        cmdline = fdt_get_str(&f, "/chosen", "bootargs");
    }

    uint64_t boot = *marker == MARKER_MAGIC ? 2 : 1;
    put_str("handoff: started (boot ");
    put_dec(boot);
    put_str(")\n");
    if (*cmdline) {
        /* handoff-test.sh compares this line with what it passed. */
        put_str("bootargs=[");
        put_str(cmdline);
        put_str("]\n");
    }
    check_u64("entry", start_pc - (link_start - link_image_start),
              EXPECT_IMAGE_START);

    /* S-mode: sstatus is readable, mstatus is not (illegal instruction);
     * in U-mode both trap, in M-mode neither. */
    cause = probe_csr_sstatus(&v);
    check_u64("smode-sstatus", cause, ~0ull);
    cause = probe_csr_mstatus(&v);
    check_u64("smode-mstatus", cause, SCAUSE_ILLEGAL_INSN);
    __asm__ volatile("csrr %0, satp" : "=r"(v));
    check_u64("satp", v, 0);
    check_u64("hartid", hartid, EXPECT_HART_ID);

    /* Only read a1 when it may point into RAM. */
    if (fdt_addr < EXPECT_RAM_BASE || fdt_addr > READ_LIMIT - 64 ||
        (fdt_addr & 7)) {
        check_u64("fdt-in-ram", fdt_addr, 0);
    } else {
        check_u64("fdt-magic", be32(blob), FDT_MAGIC);
        if (fdt_ok) {
            check_fdt(&f, fdt_addr);
        } else {
            check_u64("fdt-header", 0, 1);
        }
    }

    uint64_t t0 = rdtime();
    for (volatile int i = 0; i < 10000; i++) {
    }
    uint64_t t1 = rdtime();
    check_u64("rdtime", t1 > t0, 1);

    struct sbiret r = sbi_call(SBI_EXT_BASE, 0, 0, 0);
    check_u64("sbi-spec-error", (uint64_t)r.error, 0);
    check_u64("sbi-spec-version", (uint64_t)r.value, EXPECT_SBI_SPEC);
    check_u64("data-sentinel", sentinel, SENTINEL);

    put_str("handoff: ");
    put_dec(n_checks - n_failed);
    put_str(" of ");
    put_dec(n_checks);
    put_str(" checks passed\n");
    if (!n_failed && boot == 1 && cmdline_num(cmdline, "reboot", &v) && v &&
        fdt_ok) {
        scribble_and_reboot(&f, fdt_addr);
    }
    *marker = 0;
    put_str(n_failed ? "handoff: FAIL\n" : "handoff: PASS\n");
    shutdown(n_failed == 0);
}
