/*
 * gdb-packet.c - framing of the GDB remote serial protocol (gdb-packet.h;
 * GDB manual, "Overview" of the remote protocol): the parser that turns
 * received bytes into packets and the encoders of replies.
 *
 * A packet is "$" data "#" two hex digits, the digits being the sum of
 * the transmitted data bytes modulo 256.  Inside data, "}" escapes the
 * next byte (XOR 0x20) and "x*N" repeats x (N - 29) more times.  Outside
 * a packet "+" and "-" acknowledge, 0x03 interrupts.  Nothing here
 * allocates beyond GDB_PACKET_SIZE plus one run, whatever the input.
 */
#include <string.h>

#include "gdbstub/gdb-packet.h"

enum {
    ST_IDLE,
    ST_DATA,
    ST_ESCAPE,   /* after "}" */
    ST_RLE,      /* after "*": the count character */
    ST_CKSUM1,
    ST_CKSUM2,
};

void gdb_parser_init(GdbParser *p)
{
    memset(p, 0, sizeof(*p));
    p->data = g_byte_array_sized_new(256);
}

void gdb_parser_clear(GdbParser *p)
{
    if (p->data) {
        g_byte_array_unref(p->data);
    }
    memset(p, 0, sizeof(*p));
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static void put(GdbParser *p, uint8_t b)
{
    if (p->data->len >= GDB_PACKET_SIZE) {
        p->oversized = true;
        return;
    }
    g_byte_array_append(p->data, &b, 1);
}

GdbEvent gdb_parser_feed(GdbParser *p, uint8_t c)
{
    int d;

    switch (p->state) {
    case ST_IDLE:
        switch (c) {
        case '$':
            g_byte_array_set_size(p->data, 0);
            p->sum = 0;
            p->oversized = false;
            p->bad_digit = false;
            p->state = ST_DATA;
            return GDB_EVENT_NONE;
        case '+':
            return GDB_EVENT_ACK;
        case '-':
            return GDB_EVENT_NACK;
        case 0x03:
            return GDB_EVENT_INTERRUPT;
        default:
            return GDB_EVENT_JUNK;
        }
    case ST_DATA:
        if (c == '#') {
            p->state = ST_CKSUM1;
            return GDB_EVENT_NONE;
        }
        if (c == '$') {
            /* a new packet starts inside one: the debugger gave up on
             * the first (GDB does after a timeout); start over */
            g_byte_array_set_size(p->data, 0);
            p->sum = 0;
            p->oversized = false;
            return GDB_EVENT_NONE;
        }
        p->sum += c;
        if (c == '}') {
            p->state = ST_ESCAPE;
        } else if (c == '*' && p->data->len > 0) {
            p->state = ST_RLE;
        } else {
            put(p, c);
        }
        return GDB_EVENT_NONE;
    case ST_ESCAPE:
        p->sum += c;
        put(p, c ^ 0x20);
        p->state = ST_DATA;
        return GDB_EVENT_NONE;
    case ST_RLE:
        p->sum += c;
        if (c >= 29 + 3 && p->data->len > 0) { /* N - 29 more copies */
            uint8_t last = p->data->data[p->data->len - 1];
            for (int i = 0; i < c - 29; i++) {
                put(p, last);
            }
        } else {
            put(p, '*'); /* not a valid count: take both literally */
            put(p, c);
        }
        p->state = ST_DATA;
        return GDB_EVENT_NONE;
    case ST_CKSUM1:
        d = hex_digit(c);
        p->bad_digit = d < 0;
        p->cksum = (uint8_t)((d < 0 ? 0 : d) << 4);
        p->state = ST_CKSUM2;
        return GDB_EVENT_NONE;
    case ST_CKSUM2:
    default:
        d = hex_digit(c);
        p->bad_digit |= d < 0;
        p->cksum |= (uint8_t)(d < 0 ? 0 : d);
        p->state = ST_IDLE;
        if (p->bad_digit || p->cksum != p->sum) {
            return GDB_EVENT_BAD_CHECKSUM;
        }
        if (p->oversized) {
            g_byte_array_set_size(p->data, 0);
            return GDB_EVENT_OVERSIZED;
        }
        g_byte_array_append(p->data, (const uint8_t *)"", 1);
        g_byte_array_set_size(p->data, p->data->len - 1); /* NUL after */
        return GDB_EVENT_PACKET;
    }
}

void gdb_frame(GString *out, const char *data, size_t len)
{
    uint8_t sum = 0;

    g_string_append_c(out, '$');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)data[i];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(out, '}');
            sum += '}';
            c ^= 0x20;
        }
        g_string_append_c(out, (char)c);
        sum += c;
    }
    g_string_append_printf(out, "#%02x", sum);
}

void gdb_hex_encode(GString *out, const void *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *b = buf;

    for (size_t i = 0; i < len; i++) {
        g_string_append_c(out, digits[b[i] >> 4]);
        g_string_append_c(out, digits[b[i] & 15]);
    }
}

bool gdb_hex_decode(const char *hex, size_t len, uint8_t *buf)
{
    if (len % 2) {
        return false;
    }
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_digit((uint8_t)hex[i]);
        int lo = hex_digit((uint8_t)hex[i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        buf[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool gdb_parse_hex(const char **s, uint64_t *value)
{
    const char *p = *s;
    uint64_t v = 0;
    int d, n = 0;

    while ((d = hex_digit((uint8_t)*p)) >= 0) {
        if (v >> 60) {
            return false; /* more than 64 bits */
        }
        v = v << 4 | (uint64_t)d;
        p++;
        n++;
    }
    if (!n) {
        return false;
    }
    *s = p;
    *value = v;
    return true;
}
