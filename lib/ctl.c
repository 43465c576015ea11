#include <config.h>
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

struct ctl_client {
    int fd;
    size_t len;                 /* Bytes of a request line in 'buf'. */
    char buf[CTL_MAX_LINE];
};

struct ctl_server {
    int fd;
    char *path;
    const struct ctl_command *commands;
    size_t n_commands;
    void *aux;
    struct ctl_client clients[CTL_MAX_CLIENTS];
};

static int
set_err(char err[CTL_ERR_LEN], int error, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(err, CTL_ERR_LEN, fmt, args);
    va_end(args);
    return error;
}

static int
fill_addr(const char *path, struct sockaddr_un *sun, char err[CTL_ERR_LEN])
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (!path[0] || strlen(path) >= sizeof sun->sun_path) {
        return set_err(err, -ENAMETOOLONG, "control socket path '%s': "
                       "expected 1 to %zu bytes", path,
                       sizeof sun->sun_path - 1);
    }
    memcpy(sun->sun_path, path, strlen(path));
    return 0;
}

int
ctl_server_create(const char *path, const struct ctl_command *commands,
                  size_t n_commands, void *aux, struct ctl_server **serverp,
                  char err[CTL_ERR_LEN])
{
    struct ctl_server *server;
    struct sockaddr_un sun;
    struct stat st;
    int error, fd;

    *serverp = NULL;
    error = fill_addr(path, &sun, err);
    if (error) {
        return error;
    }
    if (!lstat(path, &st)) {
        int probe;

        if (!S_ISSOCK(st.st_mode)) {
            return set_err(err, -EEXIST, "control socket path %s exists "
                           "and is not a socket", path);
        }
        probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && !connect(probe, (struct sockaddr *) &sun,
                                   sizeof sun)) {
            close(probe);
            return set_err(err, -EADDRINUSE, "control socket %s: another "
                           "process listens on it", path);
        }
        if (probe >= 0) {
            close(probe);
        }
        unlink(path);           /* Left by a process that died. */
    }

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return set_err(err, -errno, "socket: %s", strerror(errno));
    }
    if (bind(fd, (struct sockaddr *) &sun, sizeof sun) || listen(fd, 16)) {
        error = errno;
        close(fd);
        return set_err(err, -error, "control socket %s: %s", path,
                       strerror(error));
    }
    server = calloc(1, sizeof *server);
    if (!server || !(server->path = strdup(path))) {
        free(server);
        close(fd);
        unlink(path);
        return set_err(err, -ENOMEM, "out of memory");
    }
    server->fd = fd;
    server->commands = commands;
    server->n_commands = n_commands;
    server->aux = aux;
    for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
        server->clients[i].fd = -1;
    }
    *serverp = server;
    return 0;
}

static void
client_close(struct ctl_client *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    c->fd = -1;
    c->len = 0;
}

void
ctl_server_destroy(struct ctl_server *server)
{
    if (!server) {
        return;
    }
    for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
        client_close(&server->clients[i]);
    }
    close(server->fd);
    unlink(server->path);
    free(server->path);
    free(server);
}

/* Writes all of 'buf', waiting at most a second for a slow reader. */
static int
write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n > 0) {
            buf += n;
            len -= n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };

            if (poll(&pfd, 1, 1000) <= 0) {
                return -ETIMEDOUT;
            }
        } else {
            return -errno;
        }
    }
    return 0;
}

static int
reply(struct ctl_client *c, json_t *msg)
{
    char *text = json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS);
    int error;

    json_decref(msg);
    if (!text) {
        return -ENOMEM;
    }
    error = write_all(c->fd, text, strlen(text));
    if (!error) {
        error = write_all(c->fd, "\n", 1);
    }
    free(text);
    return error;
}

static json_t *
error_reply(const char *fmt, ...)
{
    char msg[CTL_ERR_LEN];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static json_t *
help_result(const struct ctl_server *server)
{
    json_t *list = json_array();

    for (size_t i = 0; i < server->n_commands; i++) {
        const struct ctl_command *cmd = &server->commands[i];

        json_array_append_new(list, json_pack(
            "{s:s, s:s, s:s}", "command", cmd->name,
            "usage", cmd->usage ? cmd->usage : "", "help", cmd->help));
    }
    json_array_append_new(list, json_pack(
        "{s:s, s:s, s:s}", "command", "help", "usage", "",
        "help", "list the commands"));
    return list;
}

/* Splits a request into words: plain words, or a JSON object. */
static json_t *
parse_request(char *line, unsigned *argc, const char *argv[],
              json_t **jreq)
{
    *argc = 0;
    *jreq = NULL;
    if (line[0] == '{' || line[0] == '[') {
        json_error_t jerr;
        json_t *args, *cmd;

        *jreq = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
        if (!*jreq || !json_is_object(*jreq)) {
            return error_reply("malformed request: %s",
                               *jreq ? "expected a JSON object" : jerr.text);
        }
        cmd = json_object_get(*jreq, "command");
        if (!json_is_string(cmd)) {
            return error_reply("malformed request: \"command\" must be a "
                               "string");
        }
        argv[(*argc)++] = json_string_value(cmd);
        args = json_object_get(*jreq, "args");
        if (args) {
            size_t i;
            json_t *a;

            if (!json_is_array(args)) {
                return error_reply("malformed request: \"args\" must be "
                                   "an array of strings");
            }
            json_array_foreach(args, i, a) {
                if (!json_is_string(a)) {
                    return error_reply("malformed request: \"args\" must "
                                       "be an array of strings");
                }
                if (*argc > CTL_MAX_ARGS) {
                    return error_reply("too many arguments (at most %d)",
                                       CTL_MAX_ARGS);
                }
                argv[(*argc)++] = json_string_value(a);
            }
        }
        return NULL;
    }
    for (char *save = NULL, *w = strtok_r(line, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (*argc > CTL_MAX_ARGS) {
            return error_reply("too many arguments (at most %d)",
                               CTL_MAX_ARGS);
        }
        argv[(*argc)++] = w;
    }
    return NULL;
}

static json_t *
dispatch(struct ctl_server *server, char *line)
{
    const char *argv[CTL_MAX_ARGS + 1];
    char err[CTL_ERR_LEN];
    json_t *jreq, *result, *msg;
    unsigned argc;

    for (const char *p = line; *p; p++) {
        if ((unsigned char) *p < 0x20 && *p != '\t') {
            return error_reply("malformed request: control character "
                               "0x%02x", (unsigned char) *p);
        }
    }
    msg = parse_request(line, &argc, argv, &jreq);
    if (msg || !argc) {
        json_decref(jreq);
        return msg ? msg : error_reply("empty request: try \"help\"");
    }
    if (!strcmp(argv[0], "help")) {
        json_decref(jreq);
        return json_pack("{s:b, s:o}", "ok", 1, "result",
                         help_result(server));
    }
    for (size_t i = 0; i < server->n_commands; i++) {
        const struct ctl_command *cmd = &server->commands[i];

        if (strcmp(cmd->name, argv[0])) {
            continue;
        }
        if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
            msg = error_reply("%s: expected %s%s%s", cmd->name, cmd->name,
                              cmd->usage && cmd->usage[0] ? " " : "",
                              cmd->usage ? cmd->usage : "");
        } else {
            err[0] = '\0';
            result = cmd->handler(server->aux, argc - 1, &argv[1], err);
            msg = result
                  ? json_pack("{s:b, s:o}", "ok", 1, "result", result)
                  : error_reply("%s: %s", cmd->name,
                                err[0] ? err : "failed");
        }
        json_decref(jreq);
        return msg;
    }
    msg = error_reply("unknown command '%.64s': try \"help\"", argv[0]);
    json_decref(jreq);
    return msg;
}

static void
accept_clients(struct ctl_server *server)
{
    for (;;) {
        int fd = accept4(server->fd, NULL, NULL,
                         SOCK_CLOEXEC | SOCK_NONBLOCK);
        struct ctl_client *slot = NULL;

        if (fd < 0) {
            return;
        }
        for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
            if (server->clients[i].fd < 0) {
                slot = &server->clients[i];
                break;
            }
        }
        if (!slot) {
            struct ctl_client tmp = { .fd = fd };

            reply(&tmp, error_reply("too many clients (at most %d)",
                                    CTL_MAX_CLIENTS));
            close(fd);
            continue;
        }
        slot->fd = fd;
        slot->len = 0;
    }
}

/* Reads what 'c' sent and serves every complete line. */
static void
serve_client(struct ctl_server *server, struct ctl_client *c)
{
    for (;;) {
        ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len,
                         0);
        char *nl;

        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            client_close(c);
            return;
        } else if (n < 0) {
            return;
        }
        c->len += n;
        while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->len))) {
            size_t used = nl - c->buf + 1;
            json_t *msg;

            *nl = '\0';
            if (memchr(c->buf, '\0', nl - c->buf)) {
                msg = error_reply("malformed request: NUL byte");
            } else {
                if (nl > c->buf && nl[-1] == '\r') {
                    nl[-1] = '\0';
                }
                msg = dispatch(server, c->buf);
            }
            if (reply(c, msg)) {
                client_close(c);
                return;
            }
            memmove(c->buf, c->buf + used, c->len - used);
            c->len -= used;
        }
        if (c->len == sizeof c->buf) {
            reply(c, error_reply("request longer than %d bytes",
                                 CTL_MAX_LINE - 1));
            client_close(c);
            return;
        }
    }
}

void
ctl_server_run(struct ctl_server *server, int timeout_ms)
{
    struct pollfd pfds[CTL_MAX_CLIENTS + 1];
    struct ctl_client *owners[CTL_MAX_CLIENTS + 1];
    nfds_t n = 0;

    pfds[n] = (struct pollfd) { .fd = server->fd, .events = POLLIN };
    owners[n++] = NULL;
    for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
        if (server->clients[i].fd >= 0) {
            pfds[n] = (struct pollfd) { .fd = server->clients[i].fd,
                                        .events = POLLIN };
            owners[n++] = &server->clients[i];
        }
    }
    if (poll(pfds, n, timeout_ms) <= 0) {
        return;
    }
    for (nfds_t i = 1; i < n; i++) {
        if (pfds[i].revents) {
            serve_client(server, owners[i]);
        }
    }
    if (pfds[0].revents & POLLIN) {
        accept_clients(server);
    }
}

json_t *
ctl_client_request(const char *path, const char *line, int timeout_ms,
                   char err[CTL_ERR_LEN])
{
    /* Counters of 32 ports with 16 queues each run to a few hundred kB. */
    enum { MAX_REPLY = 16 * 1024 * 1024 };
    struct sockaddr_un sun;
    size_t len = 0, size = 65536;
    char *buf = NULL;
    json_error_t jerr;
    json_t *msg = NULL;
    int fd;

    if (fill_addr(path, &sun, err)) {
        return NULL;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_err(err, -errno, "socket: %s", strerror(errno));
        return NULL;
    }
    if (connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
        set_err(err, -errno, "cannot connect to %s: %s (is gfp-fwd running "
                "with --ctl-socket %s?)", path, strerror(errno), path);
        goto out;
    }
    if (write_all(fd, line, strlen(line)) || write_all(fd, "\n", 1)) {
        set_err(err, -EIO, "cannot send the request to %s", path);
        goto out;
    }
    buf = malloc(size);
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (!buf) {
            set_err(err, -ENOMEM, "out of memory");
            goto out;
        }
        if (poll(&pfd, 1, timeout_ms) <= 0) {
            set_err(err, -ETIMEDOUT, "no reply from %s within %d ms",
                    path, timeout_ms);
            goto out;
        }
        n = recv(fd, buf + len, size - 1 - len, 0);
        if (n <= 0) {
            set_err(err, -EIO, "%s closed the connection without a "
                    "complete reply", path);
            goto out;
        }
        if (memchr(buf + len, '\n', n)) {
            len += n;
            break;
        }
        len += n;
        if (len == size - 1) {
            char *bigger;

            if (size >= MAX_REPLY) {
                set_err(err, -EMSGSIZE, "reply from %s longer than %d "
                        "bytes", path, MAX_REPLY);
                goto out;
            }
            size *= 2;
            bigger = realloc(buf, size);
            if (!bigger) {
                free(buf);
            }
            buf = bigger;
        }
    }
    buf[len] = '\0';
    msg = json_loads(buf, JSON_DISABLE_EOF_CHECK, &jerr);
    if (!msg || !json_is_object(msg)) {
        set_err(err, -EPROTO, "malformed reply from %s: %s", path,
                msg ? "not a JSON object" : jerr.text);
        json_decref(msg);
        msg = NULL;
    }

out:
    free(buf);
    close(fd);
    return msg;
}
