/*
 * htif.c - Spike's Host-Target Interface as the riscv-spike machine
 * offers it, following the protocol of Spike's fesvr and riscv-tests'
 * environment (and QEMU's spike machine, which implements the same).
 *
 * Two 64-bit little-endian registers sit at the addresses of the loaded
 * ELF's `tohost` and `fromhost` symbols, each an 8-byte I/O region that
 * hides the RAM below it (riscv-tests place them 64 bytes apart, so they
 * are mapped separately rather than as one 16-byte block).  Guests write
 * commands to tohost:
 *
 *   tohost = device << 56 | command << 48 | payload (48 bits)
 *
 *   device 0, command 0  payload odd: exit with code payload >> 1 (0 is a
 *                        pass: power-off, exit status 0; anything else a
 *                        guest failure with that code as exit status).
 *                        payload even: the address of a syscall block of
 *                        eight 64-bit words (number, then arguments);
 *                        the result goes into word 0 and fromhost becomes
 *                        1.  SYS_write (64) to fd 1 or 2 prints to the
 *                        console (at most 64 KiB per call: a short write)
 *                        and SYS_exit (93) exits with its argument as
 *                        code; other numbers return -ENOSYS (-38) and
 *                        are logged as guest errors.
 *   device 1, command 1  print the payload's low byte on the console;
 *                        fromhost = 1 << 56 | 1 << 48 acknowledges it.
 *   device 1, command 0  read a byte: when console input arrives,
 *                        fromhost = 1 << 56 | byte (never blocks the
 *                        guest; it polls fromhost).
 *
 * Rules of this model:
 * - Accesses are 4 or 8 bytes, aligned.  A 64-bit store to tohost, or a
 *   32-bit store to its high half, runs the command; a store to the low
 *   half only updates the low 32 bits (RV32 guests write low, then high).
 * - Once a command is carried out tohost reads 0 again, which is what
 *   guests poll before issuing the next one.  A console byte the backend
 *   cannot take yet keeps tohost set until it can (back-pressure), and
 *   stores to tohost meanwhile are ignored (guest error).
 * - Responses go into fromhost only while it is 0 (the guest consumed the
 *   previous one by writing 0); a console acknowledgement or syscall
 *   completion that finds it busy is dropped, since they carry no data
 *   (the syscall result is already in the block).  A pending console
 *   read waits for fromhost to be 0.  Without a fromhost symbol no
 *   response is given at all.
 * - Syscall blocks and buffers are read and written through the system
 *   address space; anything unreadable is a guest error, never a crash.
 * - Saved state (htif_state): both registers and the two pending flags.
 *   After a load a console byte still owed is offered to the backend
 *   again and a pending console read asks the backend for input.
 */
#include <string.h>

#include "htif.h"

#define HTIF_DEV_SYSCALL 0
#define HTIF_DEV_CONSOLE 1
#define HTIF_CONSOLE_GETC 0
#define HTIF_CONSOLE_PUTC 1

/* The guest's (RISC-V Linux / newlib) syscall numbers and errno values. */
#define HTIF_SYS_WRITE 64
#define HTIF_SYS_EXIT 93
#define HTIF_EBADF 9
#define HTIF_EFAULT 14
#define HTIF_ENOSYS 38

#define HTIF_WRITE_MAX (64 * 1024) /* bytes printed per SYS_write */
#define HTIF_WRITE_CHUNK 4096      /* bytes read from the guest per step */

static inline uint64_t htif_cmd(unsigned dev, unsigned cmd, uint64_t data)
{
    return (uint64_t)dev << 56 | (uint64_t)cmd << 48 | data;
}

/* Give the guest @value through fromhost, if it consumed the last one. */
static void htif_respond(Htif *h, uint64_t value)
{
    if (h->from_mr && h->fromhost == 0) {
        h->fromhost = value;
    }
}

static void htif_exit(Htif *h, uint64_t code)
{
    if (code == 0) {
        bb_system_request_shutdown(h->sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
    } else {
        /* The exit status keeps the low 8 bits (0 becomes 1). */
        bb_system_request_shutdown(h->sys, BB_SHUTDOWN_GUEST_FAILURE,
                                   (int)(code & 0x7fffffff));
    }
}

/* ------------------------------------------------------------ syscalls */

/* SYS_write(fd, buf, len): bytes printed, or a negative errno. */
static int64_t htif_sys_write(Htif *h, uint64_t fd, uint64_t buf,
                              uint64_t len)
{
    uint8_t chunk[HTIF_WRITE_CHUNK];
    uint64_t done = 0;

    if (fd != 1 && fd != 2) {
        bb_guest_error("htif: SYS_write to fd %" G_GUINT64_FORMAT
                       " (only 1 and 2 exist)", fd);
        return -HTIF_EBADF;
    }
    len = MIN(len, HTIF_WRITE_MAX);
    while (done < len) {
        size_t n = (size_t)MIN(len - done, sizeof(chunk));
        if (bb_address_space_read(h->as, buf + done, chunk, n) !=
            BB_MEMTX_OK) {
            bb_guest_error("htif: SYS_write buffer at 0x%" G_GINT64_MODIFIER
                           "x is not readable", buf + done);
            return done ? (int64_t)done : -HTIF_EFAULT;
        }
        size_t took = h->chr ? bb_chardev_write(h->chr, chunk, n) : n;
        done += took;
        if (took < n) {
            break; /* console full: a short write */
        }
    }
    return (int64_t)done;
}

/* The syscall block at @addr (device 0, even payload). */
static void htif_syscall(Htif *h, uint64_t addr)
{
    uint8_t block[64];
    uint64_t a[8];
    int64_t ret;

    if (bb_address_space_read(h->as, addr, block, sizeof(block)) !=
        BB_MEMTX_OK) {
        bb_guest_error("htif: syscall block at 0x%" G_GINT64_MODIFIER
                       "x is not readable", addr);
        htif_respond(h, 1);
        return;
    }
    for (int i = 0; i < 8; i++) {
        a[i] = 0;
        for (int b = 7; b >= 0; b--) {
            a[i] = a[i] << 8 | block[8 * i + b];
        }
    }
    switch (a[0]) {
    case HTIF_SYS_WRITE:
        ret = htif_sys_write(h, a[1], a[2], a[3]);
        break;
    case HTIF_SYS_EXIT:
        htif_exit(h, a[1]);
        return;
    default:
        bb_guest_error("htif: syscall %" G_GUINT64_FORMAT " is not supported",
                       a[0]);
        ret = -HTIF_ENOSYS;
    }
    for (int b = 0; b < 8; b++) {
        block[b] = (uint8_t)((uint64_t)ret >> (8 * b));
    }
    if (bb_address_space_write(h->as, addr, block, 8) != BB_MEMTX_OK) {
        bb_guest_error("htif: syscall block at 0x%" G_GINT64_MODIFIER
                       "x is not writable", addr);
    }
    htif_respond(h, 1);
}

/* ------------------------------------------------------------- console */

/* Try to print the byte in tohost; false while the backend is full. */
static bool htif_putc(Htif *h)
{
    uint8_t c = (uint8_t)h->tohost;

    if (h->chr && bb_chardev_write(h->chr, &c, 1) == 0) {
        return false;
    }
    htif_respond(h, htif_cmd(HTIF_DEV_CONSOLE, HTIF_CONSOLE_PUTC, 0));
    return true;
}

static void htif_console(Htif *h, unsigned cmd)
{
    switch (cmd) {
    case HTIF_CONSOLE_PUTC:
        h->putc_pending = !htif_putc(h);
        break;
    case HTIF_CONSOLE_GETC:
        if (!h->from_mr) {
            bb_guest_error("htif: console read without a fromhost symbol");
            break;
        }
        h->getc_pending = true;
        if (h->chr) {
            bb_chardev_accept_input(h->chr);
        }
        break;
    default:
        bb_guest_error("htif: console command %u is not supported", cmd);
    }
}

static size_t htif_can_receive(void *opaque)
{
    Htif *h = opaque;
    return h->getc_pending && h->fromhost == 0 ? 1 : 0;
}

static void htif_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Htif *h = opaque;

    if (len > 0 && h->getc_pending && h->fromhost == 0) {
        h->fromhost = htif_cmd(HTIF_DEV_CONSOLE, HTIF_CONSOLE_GETC, buf[0]);
        h->getc_pending = false;
    }
}

static void htif_write_ready(void *opaque)
{
    Htif *h = opaque;

    if (h->putc_pending && htif_putc(h)) {
        h->putc_pending = false;
        h->tohost = 0;
    }
}

static const BbChardevHandlers htif_chardev_handlers = {
    .can_receive = htif_can_receive,
    .receive = htif_receive,
    .write_ready = htif_write_ready,
};

/* ----------------------------------------------------------- registers */

/* Carry out the command in tohost. */
static void htif_command(Htif *h)
{
    uint64_t v = h->tohost;
    unsigned dev = (unsigned)(v >> 56), cmd = (unsigned)(v >> 48) & 0xff;
    uint64_t payload = v & 0xffffffffffffull;

    if (v == 0) {
        return;
    }
    if (dev == HTIF_DEV_SYSCALL && cmd == 0) {
        if (payload & 1) {
            htif_exit(h, payload >> 1);
        } else {
            htif_syscall(h, payload);
        }
    } else if (dev == HTIF_DEV_CONSOLE) {
        htif_console(h, cmd);
    } else {
        bb_guest_error("htif: unknown device %u command %u (tohost 0x%"
                       G_GINT64_MODIFIER "x)", dev, cmd, v);
    }
    if (!h->putc_pending) {
        h->tohost = 0;
    }
}

/* @reg updated by a @size-byte store of @value at offset @addr. */
static uint64_t htif_merge(uint64_t reg, uint64_t addr, uint64_t value,
                           unsigned size)
{
    if (size == 8) {
        return value;
    }
    return addr ? (reg & 0xffffffffull) | value << 32
                : (reg & ~0xffffffffull) | (value & 0xffffffffull);
}

static uint64_t htif_extract(uint64_t reg, uint64_t addr, unsigned size)
{
    return size == 8 ? reg : (reg >> (addr * 8)) & 0xffffffffull;
}

static uint64_t tohost_read(void *opaque, uint64_t addr, unsigned size)
{
    return htif_extract(((Htif *)opaque)->tohost, addr, size);
}

static void tohost_write(void *opaque, uint64_t addr, uint64_t value,
                         unsigned size)
{
    Htif *h = opaque;

    if (h->putc_pending) {
        bb_guest_error("htif: tohost written while the console is busy "
                       "(poll tohost for 0 first); ignored");
        return;
    }
    h->tohost = htif_merge(h->tohost, addr, value, size);
    if (size == 8 || addr == 4) {
        htif_command(h);
    }
}

static uint64_t fromhost_read(void *opaque, uint64_t addr, unsigned size)
{
    return htif_extract(((Htif *)opaque)->fromhost, addr, size);
}

static void fromhost_write(void *opaque, uint64_t addr, uint64_t value,
                           unsigned size)
{
    Htif *h = opaque;

    h->fromhost = htif_merge(h->fromhost, addr, value, size);
    if (h->fromhost == 0 && h->getc_pending && h->chr) {
        bb_chardev_accept_input(h->chr);
    }
}

static const BbMemoryOps tohost_ops = {
    .read = tohost_read,
    .write = tohost_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static const BbMemoryOps fromhost_ops = {
    .read = fromhost_read,
    .write = fromhost_write,
    .endianness = BB_ENDIAN_LITTLE,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---------------------------------------------------------- life cycle */

static BbMemoryRegion *htif_map(Htif *h, BbObject *owner, const char *name,
                                const BbMemoryOps *ops, uint64_t addr,
                                GError **error)
{
    BbMemoryRegion *mr = bb_memory_region_new_io(owner, name, ops, h, 8);

    /* Over RAM (tohost is an ELF symbol): a deliberate overlay. */
    if (!bb_device_map_region(BB_DEVICE(owner), mr, addr, 1, error)) {
        bb_memory_region_unref(mr);
        return NULL;
    }
    return mr;
}

bool htif_init(Htif *h, BbObject *owner, BbSystem *sys, BbChardev *chr,
               uint64_t tohost_addr, bool has_fromhost,
               uint64_t fromhost_addr, GError **error)
{
    memset(h, 0, sizeof(*h));
    if (tohost_addr > UINT64_MAX - 7 ||
        (has_fromhost && (fromhost_addr > UINT64_MAX - 7 ||
                          (fromhost_addr < tohost_addr + 8 &&
                           tohost_addr < fromhost_addr + 8)))) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "tohost (0x%" G_GINT64_MODIFIER "x) and fromhost (0x%"
                    G_GINT64_MODIFIER "x) need 8 bytes each, apart and "
                    "below 2^64", tohost_addr, fromhost_addr);
        return false;
    }
    h->sys = sys;
    h->as = bb_system_get_address_space(sys);
    h->to_mr = htif_map(h, owner, "htif-tohost", &tohost_ops, tohost_addr,
                        error);
    if (!h->to_mr) {
        return false;
    }
    if (has_fromhost) {
        h->from_mr = htif_map(h, owner, "htif-fromhost", &fromhost_ops,
                              fromhost_addr, error);
        if (!h->from_mr) {
            htif_cleanup(h);
            return false;
        }
    }
    h->chr = chr;
    if (chr) {
        bb_chardev_set_handlers(chr, &htif_chardev_handlers, h);
    }
    return true;
}

/* The host unmaps the regions (before unrealize, or when realize fails);
 * this drops our references. */
void htif_cleanup(Htif *h)
{
    if (h->chr) {
        bb_chardev_set_handlers(h->chr, NULL, NULL);
        h->chr = NULL;
    }
    g_clear_pointer(&h->to_mr, bb_memory_region_unref);
    g_clear_pointer(&h->from_mr, bb_memory_region_unref);
}

void htif_set_enabled(Htif *h, bool enabled)
{
    if (h->to_mr) {
        bb_memory_region_set_enabled(h->to_mr, enabled);
    }
    if (h->from_mr) {
        bb_memory_region_set_enabled(h->from_mr, enabled);
    }
}

/* The registers and flags are loaded: resume what was waiting for the
 * console backend, which (a new one, after a hot reload) may know
 * nothing of it. */
static bool htif_post_load(void *opaque, uint32_t version, GError **error)
{
    Htif *h = opaque;

    if ((h->getc_pending || h->fromhost) && !h->from_mr) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "a response through fromhost, but this program has no "
                    "fromhost symbol");
        return false;
    }
    if (h->putc_pending) {
        htif_write_ready(h);
    }
    if (h->getc_pending && h->fromhost == 0 && h->chr) {
        bb_chardev_accept_input(h->chr);
    }
    return true;
}

static const BbStateField htif_state_fields[] = {
    BB_STATE_U64(Htif, tohost),
    BB_STATE_U64(Htif, fromhost),
    BB_STATE_BOOL(Htif, getc_pending),
    BB_STATE_BOOL(Htif, putc_pending),
    BB_STATE_END
};

const BbStateDesc htif_state = {
    .name = "htif",
    .version = 1,
    .min_version = 1,
    .fields = htif_state_fields,
    .size = sizeof(Htif),
    .post_load = htif_post_load,
};

void htif_reset(Htif *h)
{
    h->tohost = 0;
    h->fromhost = 0;
    h->getc_pending = false;
    h->putc_pending = false;
}
