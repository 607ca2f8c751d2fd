/*
 * gdb-packet.h - framing of the GDB remote serial protocol (host-internal,
 * GLib only, so the fuzz harness tests/fuzz/gdb-fuzz.c links it alone):
 * a byte-at-a-time parser of what the debugger sends ("$data#cc" packets
 * with escapes and run-length encoding, "+"/"-" acknowledgements, the
 * 0x03 interrupt) and the encoders the stub replies with.  Facts:
 * docs/debugging.md, "Protocol".
 */
#ifndef HOST_GDBSTUB_GDB_PACKET_H
#define HOST_GDBSTUB_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* The largest packet the stub accepts and announces (qSupported
 * PacketSize, hex): decoded data beyond it makes the packet oversized. */
#define GDB_PACKET_SIZE 0x1000

typedef enum GdbEvent {
    GDB_EVENT_NONE = 0,     /* byte consumed, nothing complete yet */
    GDB_EVENT_PACKET,       /* a packet with a good checksum: ->data */
    GDB_EVENT_BAD_CHECKSUM, /* a complete packet whose checksum is wrong */
    GDB_EVENT_OVERSIZED,    /* a complete packet longer than the limit
                               (its data is dropped) */
    GDB_EVENT_ACK,          /* "+" outside a packet */
    GDB_EVENT_NACK,         /* "-" outside a packet: resend the last one */
    GDB_EVENT_INTERRUPT,    /* 0x03 outside a packet */
    GDB_EVENT_JUNK,         /* any other byte outside a packet */
} GdbEvent;

typedef struct GdbParser {
    int state;              /* idle, data, escape, rle, checksum 1/2 */
    GByteArray *data;       /* the decoded packet (NUL-terminated after a
                               GDB_EVENT_PACKET; may hold NULs: X) */
    uint8_t sum;            /* of the bytes as transmitted */
    uint8_t cksum;          /* the two received hex digits */
    bool oversized;
    bool bad_digit;         /* a checksum character that is not hex */
} GdbParser;

void gdb_parser_init(GdbParser *p);
void gdb_parser_clear(GdbParser *p);
/* Feed one received byte; what it completed. */
GdbEvent gdb_parser_feed(GdbParser *p, uint8_t byte);

/* "$" + @data (escaped where needed) + "#" + checksum, appended to @out. */
void gdb_frame(GString *out, const char *data, size_t len);

/* Hex helpers: lowercase, two digits per byte. */
void gdb_hex_encode(GString *out, const void *buf, size_t len);
/* Decode @len hex digits (even) at @hex into @buf; false on a bad digit. */
bool gdb_hex_decode(const char *hex, size_t len, uint8_t *buf);
/* Parse a hex number at *@s, advancing it; false if there is none or it
 * does not fit 64 bits. */
bool gdb_parse_hex(const char **s, uint64_t *value);

#endif /* HOST_GDBSTUB_GDB_PACKET_H */
