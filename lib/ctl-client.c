/* The control socket's client side (gfp-ctl): one request, one reply. */
#include <config.h>
#include "ctl-private.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Client side: writes all of 'buf', waiting at most a second for a slow
 * server. */
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

/* Connects to 'path' and sends 'line'.  Returns the socket, or -1 with
 * 'err' set. */
static int
send_request(const char *path, const char *line, char err[CTL_ERR_LEN])
{
    struct sockaddr_un sun;
    int fd;

    if (ctl_fill_addr(path, &sun, err)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ctl_set_err(err, -errno, "socket: %s", strerror(errno));
        return -1;
    }
    if (connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
        ctl_set_err(err, -errno, "cannot connect to %s: %s (is gfp-fwd "
                    "running with --ctl-socket %s?)", path, strerror(errno),
                    path);
    } else if (write_all(fd, line, strlen(line)) || write_all(fd, "\n", 1)) {
        ctl_set_err(err, -EIO, "cannot send the request to %s", path);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

/* Reads one reply line from 'fd'.  Returns it (to free), or NULL with
 * 'err' set. */
static char *
read_reply(int fd, const char *path, int timeout_ms, char err[CTL_ERR_LEN])
{
    /* Counters of 32 ports with 16 queues each run to a few hundred kB. */
    enum { MAX_REPLY = 16 * 1024 * 1024 };
    size_t len = 0, size = 65536;
    char *buf = malloc(size);

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (!buf) {
            ctl_set_err(err, -ENOMEM, "out of memory");
            return NULL;
        }
        if (poll(&pfd, 1, timeout_ms) <= 0) {
            ctl_set_err(err, -ETIMEDOUT, "no reply from %s within %d ms",
                        path, timeout_ms);
            break;
        }
        n = recv(fd, buf + len, size - 1 - len, 0);
        if (n <= 0) {
            ctl_set_err(err, -EIO, "%s closed the connection without a "
                        "complete reply", path);
            break;
        }
        len += n;
        if (memchr(buf + len - n, '\n', n)) {
            buf[len] = '\0';
            return buf;
        }
        if (len == size - 1) {
            char *bigger;

            if (size >= MAX_REPLY) {
                ctl_set_err(err, -EMSGSIZE, "reply from %s longer than %d "
                            "bytes", path, MAX_REPLY);
                break;
            }
            size *= 2;
            bigger = realloc(buf, size);
            if (!bigger) {
                free(buf);
            }
            buf = bigger;
        }
    }
    free(buf);
    return NULL;
}

json_t *
ctl_client_request(const char *path, const char *line, int timeout_ms,
                   char err[CTL_ERR_LEN])
{
    json_error_t jerr;
    json_t *msg = NULL;
    char *buf;
    int fd;

    fd = send_request(path, line, err);
    if (fd < 0) {
        return NULL;
    }
    buf = read_reply(fd, path, timeout_ms, err);
    close(fd);
    if (!buf) {
        return NULL;
    }
    msg = json_loads(buf, JSON_DISABLE_EOF_CHECK, &jerr);
    if (!msg || !json_is_object(msg)) {
        ctl_set_err(err, -EPROTO, "malformed reply from %s: %s", path,
                    msg ? "not a JSON object" : jerr.text);
        json_decref(msg);
        msg = NULL;
    }
    free(buf);
    return msg;
}
