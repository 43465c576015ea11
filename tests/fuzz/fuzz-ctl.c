/* libFuzzer target: the control socket's server (lib/ctl.c): reading
 * requests from a connection, parsing them (words or JSON) and dispatching
 * them to a command table.
 *
 * Each input is what one client sends on a connection of its own before
 * it closes its sending side.  The server runs until it has closed the
 * connection.  The command table stands in for gfp-fwd's: a command
 * without arguments, one with an optional argument that it checks and
 * names in its error (as "mode" does), one that takes up to the maximum
 * and returns them, and one that fails.
 *
 * Beyond what ASan and UBSan see: every reply is one line of JSON, an
 * object with a boolean "ok"; and while no request line is longer than
 * the server takes, every request line gets its reply, in order. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "fuzz.h"

static json_t *
cmd_null(void *aux, unsigned argc, const char *argv[],
         char err[CTL_ERR_LEN])
{
    return json_null();
}

static json_t *
cmd_mode(void *aux, unsigned argc, const char *argv[],
         char err[CTL_ERR_LEN])
{
    if (!argc) {
        return json_string("dpdk");
    }
    if (strcmp(argv[0], "dpdk") && strcmp(argv[0], "mmap")) {
        snprintf(err, CTL_ERR_LEN, "invalid mode '%.32s': expected dpdk or "
                 "mmap", argv[0]);
        return NULL;
    }
    return json_pack("{s:s}", "mode", argv[0]);
}

static json_t *
cmd_count(void *aux, unsigned argc, const char *argv[],
          char err[CTL_ERR_LEN])
{
    size_t len = 0;

    for (unsigned i = 0; i < argc; i++) {
        len += strlen(argv[i]);
    }
    return json_pack("{s:i, s:I}", "args", (int) argc, "bytes",
                     (json_int_t) len);
}

static json_t *
cmd_fail(void *aux, unsigned argc, const char *argv[],
         char err[CTL_ERR_LEN])
{
    return NULL;
}

static const struct ctl_command commands[] = {
    { "stats", "", "no arguments", 0, 0, cmd_null },
    { "mode", "[dpdk|mmap]", "an optional argument", 0, 1, cmd_mode },
    { "count", "ARG...", "one to the most arguments", 1, CTL_MAX_ARGS,
      cmd_count },
    { "fail", NULL, "always fails", 0, 0, cmd_fail },
};

static struct ctl_server *server;
static char sock_dir[] = "/tmp/gfp-fuzz-ctl.XXXXXX";
static char sock_path[64];

static void
server_destroy(void)
{
    ctl_server_destroy(server);
    rmdir(sock_dir);
}

static void
server_init(void)
{
    char err[CTL_ERR_LEN];

    if (!mkdtemp(sock_dir)) {
        fuzz_fail("mkdtemp failed");
    }
    snprintf(sock_path, sizeof sock_path, "%s/ctl", sock_dir);
    if (ctl_server_create(sock_path, commands,
                          sizeof commands / sizeof commands[0], NULL,
                          &server, err)) {
        fuzz_fail("ctl_server_create: %s", err);
    }
    atexit(server_destroy);
}

/* Requests the server must answer: complete lines, as long as none is
 * longer than it takes (what it does with the rest is its own). */
static size_t
expected_replies(const uint8_t *data, size_t size)
{
    size_t lines = 0, start = 0;

    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n') {
            if (i - start >= CTL_MAX_LINE - 1) {
                return lines;
            }
            lines++;
            start = i + 1;
        }
    }
    return lines;
}

static void
check_replies(char *buf, size_t len, size_t expected)
{
    size_t n = 0;
    char *p = buf;

    if (len && buf[len - 1] != '\n') {
        fuzz_fail("reply not ended by a newline");
    }
    buf[len] = '\0';
    while (*p) {
        char *nl = strchr(p, '\n');
        json_error_t jerr;
        json_t *msg, *ok;

        *nl = '\0';
        msg = json_loads(p, 0, &jerr);
        if (!msg || !json_is_object(msg)) {
            fuzz_fail("reply %zu is not a JSON object: %s", n, p);
        }
        ok = json_object_get(msg, "ok");
        if (!json_is_boolean(ok)) {
            fuzz_fail("reply %zu has no boolean \"ok\": %s", n, p);
        }
        if (!json_is_true(ok)
            && !json_is_string(json_object_get(msg, "error"))) {
            fuzz_fail("reply %zu failed without an error: %s", n, p);
        }
        json_decref(msg);
        n++;
        p = nl + 1;
    }
    if (n < expected) {
        fuzz_fail("%zu request lines, %zu replies", expected, n);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sockaddr_un sun;
    size_t cap = 1 << 20, len = 0, sent = 0;
    char *buf;
    int fd;

    if (!server) {
        server_init();
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        fuzz_fail("socket failed");
    }
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, sock_path, strlen(sock_path));
    if (connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
        fuzz_fail("connect failed");
    }
    buf = malloc(cap + 1);
    if (!buf) {
        fuzz_fail("out of memory");
    }
    for (unsigned idle = 0; ; ) {
        ssize_t n;

        if (sent < size) {
            n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += n;
                if (sent == size) {
                    shutdown(fd, SHUT_WR);
                }
            } else if (n < 0 && errno != EAGAIN) {
                /* The server closed the connection: it may. */
                sent = size;
            }
        } else if (!size) {
            shutdown(fd, SHUT_WR);
        }
        ctl_server_run(server, 0);
        n = recv(fd, buf + len, cap - len, 0);
        if (n > 0) {
            len += n;
            idle = 0;
            if (len == cap) {
                fuzz_fail("more than %zu bytes of replies", cap);
            }
        } else if (n == 0 || errno != EAGAIN) {
            break;
        } else if (++idle > 100000) {
            fuzz_fail("server neither replies nor closes");
        }
    }
    close(fd);
    check_replies(buf, len, expected_replies(data, size));
    free(buf);
    return 0;
}
