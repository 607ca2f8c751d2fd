/*
 * cmd-qmp.c - `breadboard qmp SOCKET COMMAND ['{json args}']`: a QMP
 * client for shell scripts (docs/monitor.md, "The client").  It connects
 * to SOCKET (a unix socket path, unix:PATH or tcp:HOST:PORT), reads the
 * greeting, negotiates capabilities, executes COMMAND with the arguments
 * object, skips events, and prints the reply's "return" value (or its
 * "error" object) as indented JSON.  Exit status: 0 for a return, 1 for
 * an error reply or a connection failure, 2 for a usage error.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <json-glib/json-glib.h>

#include "cli/cli.h"

#define QMP_CLIENT_TIMEOUT_MS 30000
#define QMP_CLIENT_MAX_REPLY (256 * 1024 * 1024)

static int client_connect(const char *spec, GError **error)
{
    int fd;

    if (g_str_has_prefix(spec, "tcp:")) {
        const char *hp = spec + 4;
        const char *colon = strrchr(hp, ':');
        g_autofree char *host = colon ? g_strndup(hp, colon - hp) : NULL;
        struct sockaddr_in sa = { .sin_family = AF_INET };
        char *end;
        unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;

        if (!colon || !colon[1] || *end || port > 65535 ||
            inet_pton(AF_INET, !strcmp(host, "localhost") ? "127.0.0.1"
                                                           : host,
                      &sa.sin_addr) != 1) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "'%s': expected tcp:IPV4:PORT", spec);
            return -1;
        }
        sa.sin_port = htons((uint16_t)port);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return fd;
        }
    } else {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *path = g_str_has_prefix(spec, "unix:") ? spec + 5 : spec;

        if (strlen(path) >= sizeof(sa.sun_path)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "'%s': socket path too long", path);
            return -1;
        }
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return fd;
        }
    }
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                "cannot connect to '%s': %s", spec, g_strerror(errno));
    if (fd >= 0) {
        close(fd);
    }
    return -1;
}

/* The next line the server sends (CRLF-terminated JSON), parsed. */
static JsonNode *read_reply(int fd, GString *buf, GError **error)
{
    for (;;) {
        char *nl = memchr(buf->str, '\n', buf->len);
        if (nl) {
            gssize len = nl - buf->str;
            g_autoptr(JsonParser) p = json_parser_new();
            bool ok = json_parser_load_from_data(p, buf->str, len, error);
            g_string_erase(buf, 0, len + 1);
            if (!ok) {
                return NULL;
            }
            JsonNode *root = json_parser_get_root(p);
            if (root && JSON_NODE_HOLDS_OBJECT(root)) {
                return json_node_copy(root);
            }
            continue;
        }
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int r = poll(&pfd, 1, QMP_CLIENT_TIMEOUT_MS);
        char chunk[65536];
        ssize_t n;
        if (r == 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        "no reply from the monitor");
            return NULL;
        }
        n = r > 0 ? read(fd, chunk, sizeof(chunk)) : -1;
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                        "the monitor closed the connection");
            return NULL;
        }
        if (buf->len + (size_t)n > QMP_CLIENT_MAX_REPLY) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                        "reply over %d bytes", QMP_CLIENT_MAX_REPLY);
            return NULL;
        }
        g_string_append_len(buf, chunk, n);
    }
}

static bool send_all(int fd, const char *text, GError **error)
{
    size_t len = strlen(text), off = 0;

    while (off < len) {
        ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                        "cannot send: %s", g_strerror(errno));
            return false;
        }
        off += (size_t)n;
    }
    return true;
}

/* Send {"execute": @name, "arguments": @args, "id": @id}; return the
 * reply carrying @id (events are skipped). */
static JsonNode *execute(int fd, GString *buf, const char *name,
                         JsonNode *args, int id, GError **error)
{
    JsonObject *req = json_object_new();
    JsonNode *root = json_node_new(JSON_NODE_OBJECT);

    json_object_set_string_member(req, "execute", name);
    if (args) {
        json_object_set_member(req, "arguments", json_node_copy(args));
    }
    json_object_set_int_member(req, "id", id);
    json_node_take_object(root, req);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_root(gen, root);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    json_node_unref(root);
    if (!send_all(fd, text, error)) {
        return NULL;
    }
    for (;;) {
        JsonNode *reply = read_reply(fd, buf, error);
        if (!reply) {
            return NULL;
        }
        JsonObject *o = json_node_get_object(reply);
        if (json_object_has_member(o, "id") &&
            json_node_get_value_type(json_object_get_member(o, "id")) ==
                G_TYPE_INT64 &&
            json_object_get_int_member(o, "id") == id) {
            return reply;
        }
        json_node_unref(reply); /* an event */
    }
}

static void print_pretty(JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();

    json_generator_set_pretty(gen, true);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, node);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

int cli_qmp(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *args = NULL;
    g_autoptr(GString) buf = g_string_new(NULL);
    int fd, status;

    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("Usage: breadboard qmp SOCKET COMMAND ['{json arguments}']\n"
               "  SOCKET: PATH, unix:PATH or tcp:127.0.0.1:PORT\n"
               "Prints the reply's return value (or error) as JSON; exit "
               "status 0 for a\nreturn, 1 for an error reply or no "
               "connection.\n");
        return CLI_EXIT_OK;
    }
    if (argc < 3 || argc > 4) {
        g_printerr("breadboard: qmp: expected SOCKET COMMAND "
                   "['{json arguments}']\n");
        return CLI_EXIT_USAGE;
    }
    if (argc == 4) {
        if (!json_parser_load_from_data(parser, argv[3], -1, &error) ||
            !json_parser_get_root(parser) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
            g_printerr("breadboard: qmp: the arguments must be a JSON "
                       "object%s%s\n", error ? ": " : "",
                       error ? error->message : "");
            return CLI_EXIT_USAGE;
        }
        args = json_parser_get_root(parser);
    }
    fd = client_connect(argv[1], &error);
    if (fd < 0) {
        cli_report(g_steal_pointer(&error));
        return CLI_EXIT_ERROR;
    }
    JsonNode *greeting = read_reply(fd, buf, &error);
    JsonNode *neg = greeting ? execute(fd, buf, "qmp_capabilities", NULL, 0,
                                       &error)
                             : NULL;
    JsonNode *reply = neg ? execute(fd, buf, argv[2], args, 1, &error)
                          : NULL;
    close(fd);
    if (!reply) {
        g_printerr("breadboard: qmp: %s\n", error->message);
        status = CLI_EXIT_ERROR;
    } else {
        JsonObject *o = json_node_get_object(reply);
        bool ok = json_object_has_member(o, "return");
        print_pretty(json_object_get_member(o, ok ? "return" : "error"));
        status = ok ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    }
    if (greeting) {
        json_node_unref(greeting);
    }
    if (neg) {
        json_node_unref(neg);
    }
    if (reply) {
        json_node_unref(reply);
    }
    return status;
}
