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
#include <pthread.h>
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

/* The client's reader: reads replies until the server closes the
 * connection, as a client that reads while it sends does (the server may
 * wait for room to write a reply). */
struct reader {
    int fd;
    char *buf;
    size_t len, cap;
    int done;                   /* Atomic: 1 once the server closed. */
};

static void *
reader_main(void *r_)
{
    struct reader *r = r_;

    for (;;) {
        struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, 10000) <= 0) {
            fuzz_fail("no reply and no close within 10 s");
        }
        n = recv(r->fd, r->buf + r->len, r->cap - r->len, 0);
        if (n > 0) {
            r->len += n;
            if (r->len == r->cap) {
                fuzz_fail("more than %zu bytes of replies", r->cap);
            }
        } else if (n == 0 || errno != EAGAIN) {
            break;
        }
    }
    __atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reader r = { .cap = 1 << 20 };
    struct sockaddr_un sun;
    size_t sent = 0;
    pthread_t thread;

    if (!server) {
        server_init();
    }
    r.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (r.fd < 0) {
        fuzz_fail("socket failed");
    }
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, sock_path, strlen(sock_path));
    if (connect(r.fd, (struct sockaddr *) &sun, sizeof sun)) {
        fuzz_fail("connect failed");
    }
    r.buf = malloc(r.cap + 1);
    if (!r.buf || pthread_create(&thread, NULL, reader_main, &r)) {
        fuzz_fail("cannot start the reader");
    }
    if (!size) {
        shutdown(r.fd, SHUT_WR);
    }
    while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
        if (sent < size) {
            ssize_t n = send(r.fd, data + sent, size - sent, MSG_NOSIGNAL);

            if (n > 0) {
                sent += n;
                if (sent == size) {
                    shutdown(r.fd, SHUT_WR);
                }
            } else if (n < 0 && errno != EAGAIN) {
                /* The server closed the connection: it may. */
                sent = size;
            }
        }
        ctl_server_run(server, 1);
    }
    pthread_join(thread, NULL);
    close(r.fd);
    check_replies(r.buf, r.len, expected_replies(data, size));
    free(r.buf);
    return 0;
}
