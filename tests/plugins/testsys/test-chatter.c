/*
 * test-chatter.c - "test-chatter": a minimal character-device frontend for
 * run tests.  After each reset it writes "message" to its chardev, then
 * echoes every byte it receives, upper-cased, taking input "window" bytes
 * at a time (0 = as much as offered); a received 'q' powers the system
 * off.  Output the backend cannot take yet is kept and retried on
 * write_ready, so the echo never loses bytes.
 */
#include <string.h>

#include <breadboard/breadboard.h>

#define TYPE_TEST_CHATTER "test-chatter"

typedef struct TestChatter {
    BbDevice parent_obj;
    char *chardev;         /* backend id or spec */
    char *message;         /* written after each reset */
    uint32_t window;       /* input bytes accepted at a time */
    BbChardev *chr;
    GByteArray *pending;   /* output not yet accepted by the backend */
} TestChatter;

BB_DECLARE_TYPE(TestChatter, BbDeviceClass, TEST_CHATTER, TYPE_TEST_CHATTER)

static void chatter_flush(TestChatter *s)
{
    size_t n = bb_chardev_write(s->chr, s->pending->data, s->pending->len);
    g_byte_array_remove_range(s->pending, 0, (guint)n);
}

static void chatter_send(TestChatter *s, const void *buf, size_t len)
{
    g_byte_array_append(s->pending, buf, (guint)len);
    chatter_flush(s);
}

static size_t chatter_can_receive(void *opaque)
{
    TestChatter *s = opaque;

    if (s->pending->len >= 4096) {
        return 0; /* back-pressure: wait until our output drains */
    }
    return s->window ? s->window : 4096;
}

static void chatter_receive(void *opaque, const uint8_t *buf, size_t len)
{
    TestChatter *s = opaque;
    BbSystem *sys = bb_device_get_system(BB_DEVICE(s));
    g_autofree uint8_t *up = g_malloc(len);

    for (size_t i = 0; i < len; i++) {
        up[i] = g_ascii_toupper(buf[i]);
        if (buf[i] == 'q') {
            bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
        }
    }
    chatter_send(s, up, len);
}

static void chatter_write_ready(void *opaque)
{
    TestChatter *s = opaque;

    chatter_flush(s);
    bb_chardev_accept_input(s->chr);
}

static const BbChardevHandlers chatter_handlers = {
    .can_receive = chatter_can_receive,
    .receive = chatter_receive,
    .write_ready = chatter_write_ready,
};

static bool chatter_realize(BbDevice *dev, GError **error)
{
    TestChatter *s = TEST_CHATTER(dev);
    BbSystem *sys = bb_device_get_system(dev);

    if (!sys || !s->chardev) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "test-chatter needs a system and a chardev");
        return false;
    }
    s->chr = bb_system_get_chardev(sys, s->chardev, error);
    if (!s->chr) {
        return false;
    }
    s->pending = g_byte_array_new();
    bb_chardev_set_handlers(s->chr, &chatter_handlers, s);
    return true;
}

static void chatter_unrealize(BbDevice *dev)
{
    TestChatter *s = TEST_CHATTER(dev);

    bb_chardev_set_handlers(s->chr, NULL, NULL);
    g_clear_pointer(&s->pending, g_byte_array_unref);
}

static void chatter_reset(BbDevice *dev)
{
    TestChatter *s = TEST_CHATTER(dev);

    if (s->message) {
        chatter_send(s, s->message, strlen(s->message));
    }
}

static const BbPropertyInfo chatter_props[] = {
    BB_PROP_STRING("chardev", TestChatter, chardev, NULL,
                   "character backend id or spec"),
    BB_PROP_STRING("message", TestChatter, message, NULL,
                   "written after each reset"),
    BB_PROP_UINT("window", TestChatter, window, 0,
                 "input bytes accepted at a time (0: 4096)"),
    BB_PROP_END
};

static void chatter_class_init(BbObjectClass *klass, const void *data)
{
    BbDeviceClass *dc = BB_DEVICE_CLASS(klass);

    bb_object_class_add_properties(klass, chatter_props);
    dc->realize = chatter_realize;
    dc->unrealize = chatter_unrealize;
    dc->reset = chatter_reset;
}

const BbTypeInfo test_chatter_info = {
    .name = TYPE_TEST_CHATTER,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(TestChatter),
    .class_init = chatter_class_init,
    .description = "echoing character frontend for run tests",
};
