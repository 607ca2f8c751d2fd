/*
 * gdb-fuzz.c - libFuzzer harness over the GDB stub's packet parser
 * (host/gdbstub/gdb-packet.c): the input is what a debugger could send
 * on the socket.  Every byte goes through the framing state machine (acks,
 * interrupts, escapes, run-length encoding, checksums, oversized packets),
 * and every complete packet through the number and hex decoders the
 * command handlers use, and is framed again as a reply.  The invariants
 * checked: a packet never exceeds GDB_PACKET_SIZE, and framing then
 * parsing a packet gives it back.  Built with clang -fsanitize=fuzzer,
 * address,undefined (tests/gdbstub/CMakeLists.txt); ctest -L fuzz.
 */
#include <stdlib.h>
#include <string.h>

#include "gdbstub/gdb-packet.h"

/* Frame @data as the stub would, parse it back, compare. */
static void roundtrip(const uint8_t *data, size_t len)
{
    GString *framed = g_string_new(NULL);
    GdbParser p;
    GdbEvent ev = GDB_EVENT_NONE;

    gdb_frame(framed, (const char *)data, len);
    gdb_parser_init(&p);
    for (size_t i = 0; i < framed->len; i++) {
        ev = gdb_parser_feed(&p, (uint8_t)framed->str[i]);
    }
    if (ev != GDB_EVENT_PACKET || p.data->len != len ||
        memcmp(p.data->data, data, len) != 0) {
        abort(); /* what the stub sends must parse back to itself */
    }
    gdb_parser_clear(&p);
    g_string_free(framed, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GdbParser p;

    gdb_parser_init(&p);
    for (size_t i = 0; i < size; i++) {
        if (gdb_parser_feed(&p, data[i]) != GDB_EVENT_PACKET) {
            continue;
        }
        if (p.data->len > GDB_PACKET_SIZE) {
            abort();
        }
        const char *s = (const char *)p.data->data;
        uint64_t v;
        while (*s) { /* every number in it, as the handlers parse them */
            if (!gdb_parse_hex(&s, &v)) {
                s++;
            }
        }
        uint8_t *buf = g_malloc(p.data->len / 2 + 1);
        gdb_hex_decode((const char *)p.data->data, p.data->len & ~(size_t)1,
                       buf);
        g_free(buf);
        roundtrip(p.data->data, p.data->len);
    }
    gdb_parser_clear(&p);
    return 0;
}
