#include <config.h>
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl-private.h"
#include "log.h"
#include "util.h"

LOG_MODULE(ctl);

/* Replies queued beyond this stop a client's requests until it reads. */
#define CTL_OUT_HIGH (64 * 1024)
/* recv() calls per client per turn. */
#define CTL_READS 16
/* New connections accepted per turn. */
#define CTL_ACCEPTS 32

struct ctl_client {
    int fd;
    int64_t last_ms;            /* Last request served or reply sent. */
    bool discarding;            /* Skipping the rest of an overlong line. */
    bool closing;               /* Close once 'out' is sent. */
    size_t len;                 /* Bytes of a request line in 'buf'. */
    char buf[CTL_MAX_LINE];
    char *out;                  /* Replies not sent yet: out[ofs, len). */
    size_t out_ofs, out_len, out_size;
};

struct ctl_server {
    int fd;
    char *path;
    const struct ctl_command *commands;
    size_t n_commands;
    void *aux;
    bool has_group;             /* Members of 'group' get in too. */
    gid_t group;
    unsigned idle_timeout_s;
    uid_t euid;
    size_t next;                /* Whose turn comes first (round robin). */
    /* Evicted and refused clients are logged at most once a second. */
    int64_t last_log_ms;
    unsigned n_evicted, n_refused;
    struct ctl_client clients[CTL_MAX_CLIENTS];
};

int
ctl_set_err(char err[CTL_ERR_LEN], int error, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(err, CTL_ERR_LEN, fmt, args);
    va_end(args);
    return error;
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
ctl_fill_addr(const char *path, struct sockaddr_un *sun,
              char err[CTL_ERR_LEN])
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (!path[0] || strlen(path) >= sizeof sun->sun_path) {
        return ctl_set_err(err, -ENAMETOOLONG, "control socket path '%s': "
                           "expected 1 to %zu bytes", path,
                           sizeof sun->sun_path - 1);
    }
    memcpy(sun->sun_path, path, strlen(path));
    return 0;
}

/* Whoever may write the socket's directory may replace the socket with
 * their own: it must be this user's (or root's) and closed to others. */
static int
check_dir(const char *path, uid_t euid, char err[CTL_ERR_LEN])
{
    char dir[sizeof ((struct sockaddr_un *) NULL)->sun_path];
    const char *slash = strrchr(path, '/');
    struct stat st;

    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == path) {
        snprintf(dir, sizeof dir, "/");
    } else {
        snprintf(dir, sizeof dir, "%.*s", (int) (slash - path), path);
    }
    if (stat(dir, &st)) {
        return ctl_set_err(err, -errno, "control socket directory %s: %s", dir,
                           strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return ctl_set_err(err, -ENOTDIR, "control socket directory %s: not a "
                           "directory", dir);
    }
    if (st.st_uid != euid && st.st_uid != 0) {
        return ctl_set_err(err, -EPERM, "control socket directory %s: owned "
                           "by uid %u, expected uid %u (this user) or root",
                           dir, (unsigned) st.st_uid, (unsigned) euid);
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        return ctl_set_err(err, -EPERM, "control socket directory %s: mode "
                           "%04o lets %s write it, so another user could put "
                           "a socket of their own in its place; use a "
                           "directory only its owner may write", dir,
                           (unsigned) (st.st_mode & 07777),
                           st.st_mode & S_IWOTH ? "everyone" : "its group");
    }
    return 0;
}

/* A socket file left by a process that died is removed; anything else at
 * 'path' is an error. */
static int
clear_stale(const char *path, const struct sockaddr_un *sun,
            char err[CTL_ERR_LEN])
{
    struct stat st;
    int probe;

    if (lstat(path, &st)) {
        return 0;
    }
    if (!S_ISSOCK(st.st_mode)) {
        return ctl_set_err(err, -EEXIST, "control socket path %s exists and "
                           "is not a socket", path);
    }
    probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 && !connect(probe, (const struct sockaddr *) sun,
                               sizeof *sun)) {
        close(probe);
        return ctl_set_err(err, -EADDRINUSE, "control socket %s: another "
                           "process listens on it", path);
    }
    if (probe >= 0) {
        close(probe);
    }
    unlink(path);
    return 0;
}

/* Binds and sets the file's mode before listen(): until then nobody can
 * connect, whatever the umask made of the file. */
static int
open_socket(const char *path, const struct sockaddr_un *sun, int *fdp,
            char err[CTL_ERR_LEN])
{
    int error, fd;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return ctl_set_err(err, -errno, "socket: %s", strerror(errno));
    }
    if (bind(fd, (const struct sockaddr *) sun, sizeof *sun)) {
        error = errno;
        close(fd);
        return ctl_set_err(err, -error, "control socket %s: %s", path,
                           strerror(error));
    }
    if (chmod(path, 0600)) {
        error = errno;
        ctl_set_err(err, -error, "control socket %s: chmod: %s", path,
                    strerror(error));
        goto fail;
    }
    if (listen(fd, CTL_MAX_CLIENTS)) {
        error = errno;
        ctl_set_err(err, -error, "control socket %s: %s", path,
                    strerror(error));
        goto fail;
    }
    *fdp = fd;
    return 0;

fail:
    close(fd);
    unlink(path);
    return -error;
}

int
ctl_server_create(const char *path, const struct ctl_command *commands,
                  size_t n_commands, void *aux, struct ctl_server **serverp,
                  char err[CTL_ERR_LEN])
{
    struct ctl_server *server;
    struct sockaddr_un sun;
    uid_t euid = geteuid();
    int error, fd = -1;

    *serverp = NULL;
    error = ctl_fill_addr(path, &sun, err);
    if (!error) {
        error = check_dir(path, euid, err);
    }
    if (!error) {
        error = clear_stale(path, &sun, err);
    }
    if (!error) {
        error = open_socket(path, &sun, &fd, err);
    }
    if (error) {
        return error;
    }
    server = calloc(1, sizeof *server);
    if (!server || !(server->path = strdup(path))) {
        free(server);
        close(fd);
        unlink(path);
        return ctl_set_err(err, -ENOMEM, "out of memory");
    }
    server->fd = fd;
    server->commands = commands;
    server->n_commands = n_commands;
    server->aux = aux;
    server->idle_timeout_s = CTL_IDLE_TIMEOUT_S;
    server->euid = euid;
    for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
        server->clients[i].fd = -1;
    }
    *serverp = server;
    return 0;
}

int
ctl_server_set_group(struct ctl_server *server, gid_t group,
                     char err[CTL_ERR_LEN])
{
    int error;

    if (chown(server->path, (uid_t) -1, group)) {
        error = errno;
        return ctl_set_err(err, -error, "control socket %s: cannot give it to "
                           "group %u: %s", server->path, (unsigned) group,
                           strerror(error));
    }
    if (chmod(server->path, 0660)) {
        error = errno;
        return ctl_set_err(err, -error, "control socket %s: chmod: %s",
                           server->path, strerror(error));
    }
    server->has_group = true;
    server->group = group;
    return 0;
}

void
ctl_server_set_idle_timeout(struct ctl_server *server, unsigned secs)
{
    server->idle_timeout_s = secs ? secs : CTL_IDLE_TIMEOUT_S;
}

static void
client_close(struct ctl_client *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c->out);
    memset(c, 0, offsetof(struct ctl_client, buf));
    c->out = NULL;
    c->out_ofs = c->out_len = c->out_size = 0;
    c->fd = -1;
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

/* Sends what it can of the queued replies without waiting. */
static int
client_flush(struct ctl_client *c)
{
    while (c->out_ofs < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_ofs, c->out_len - c->out_ofs,
                         MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n > 0) {
            c->out_ofs += n;
            c->last_ms = now_ms();
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            return 0;
        } else {
            return -EPIPE;
        }
    }
    c->out_ofs = c->out_len = 0;
    if (c->out_size > CTL_OUT_HIGH) {
        /* A big reply went out: keep idle clients small. */
        free(c->out);
        c->out = NULL;
        c->out_size = 0;
    }
    return 0;
}

static int
client_queue(struct ctl_client *c, const char *text, size_t len)
{
    if (c->out_size - c->out_len < len) {
        size_t size = c->out_size ? c->out_size : 4096;
        char *out;

        if (c->out_ofs) {
            memmove(c->out, c->out + c->out_ofs, c->out_len - c->out_ofs);
            c->out_len -= c->out_ofs;
            c->out_ofs = 0;
        }
        while (size - c->out_len < len) {
            size *= 2;
        }
        if (size != c->out_size) {
            out = realloc(c->out, size);
            if (!out) {
                return -ENOMEM;
            }
            c->out = out;
            c->out_size = size;
        }
    }
    memcpy(c->out + c->out_len, text, len);
    c->out_len += len;
    return 0;
}

/* Queues 'msg' (taking its reference) as one reply line.  A message that
 * cannot be encoded still gets a reply, so that the replies stay in step
 * with the requests. */
static int
reply(struct ctl_client *c, json_t *msg)
{
    static const char fallback[] = "{\"error\":\"internal error: cannot "
                                   "encode the reply\",\"ok\":false}";
    char *text = msg ? json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int error;

    json_decref(msg);
    error = client_queue(c, text ? text : fallback,
                         text ? strlen(text) : strlen(fallback));
    if (!error) {
        error = client_queue(c, "\n", 1);
    }
    free(text);
    return error;
}

/* Lets in root, this process's user and, with a group, its members
 * (primary or supplementary). */
static bool
peer_allowed(const struct ctl_server *server, int fd, uid_t *uidp)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    bool allowed = false;

    *uidp = (uid_t) -1;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
        return false;
    }
    *uidp = cred.uid;
    if (cred.uid == 0 || cred.uid == server->euid) {
        return true;
    } else if (!server->has_group) {
        return false;
    } else if (cred.gid == server->group) {
        return true;
    }
    {
        /* Supplementary groups (Linux 4.13; fails on older ones). */
        gid_t small[64], *groups = small;
        int error;

        len = sizeof small;
        error = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len);
        if (error && errno == ERANGE) {
            groups = malloc(len);
            error = !groups || getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS,
                                          groups, &len);
        }
        for (size_t i = 0; !error && i < len / sizeof *groups; i++) {
            allowed = allowed || groups[i] == server->group;
        }
        if (groups != small) {
            free(groups);
        }
    }
    return allowed;
}

/* Tells 'c' why, if it listens, and closes it. */
static void
client_drop(struct ctl_client *c, const char *why)
{
    if (!reply(c, ctl_error_reply("%s", why))) {
        client_flush(c);
    }
    client_close(c);
}

/* Has 'c' sent something this loop has not read yet?  Such a client is
 * not idle, however long ago it was last served. */
static bool
client_has_input(const struct ctl_client *c)
{
    int n = 0;

    return !ioctl(c->fd, FIONREAD, &n) && n > 0;
}

/* A free slot, or the slot of the client idle the longest, closed: one
 * with a request waiting only when every client has one. */
static struct ctl_client *
free_slot(struct ctl_server *server)
{
    struct ctl_client *idlest = NULL;
    bool idlest_waits = false;

    for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
        struct ctl_client *c = &server->clients[i];
        bool waits;

        if (c->fd < 0) {
            return c;
        }
        waits = client_has_input(c);
        if (!idlest || (idlest_waits && !waits)
            || (waits == idlest_waits && c->last_ms < idlest->last_ms)) {
            idlest = c;
            idlest_waits = waits;
        }
    }
    server->n_evicted++;
    client_drop(idlest, "closed: too many clients, and this one was idle "
                "the longest");
    return idlest;
}

/* What happened at accept since the last time, once a second. */
static void
log_accepts(struct ctl_server *server, int64_t now)
{
    if (now - server->last_log_ms < 1000
        || !(server->n_evicted || server->n_refused > 1)) {
        return;
    }
    if (server->n_evicted) {
        LOG_INFO("control socket: %d clients were connected: closed the one "
                 "idle the longest, %u times", CTL_MAX_CLIENTS,
                 server->n_evicted);
    }
    if (server->n_refused > 1) {
        LOG_WARN("control socket: refused %u more clients of other users",
                 server->n_refused - 1);
    }
    server->n_evicted = server->n_refused = 0;
    server->last_log_ms = now;
}

static void
accept_clients(struct ctl_server *server, int64_t now)
{
    for (int i = 0; i < CTL_ACCEPTS; i++) {
        int fd = accept4(server->fd, NULL, NULL,
                         SOCK_CLOEXEC | SOCK_NONBLOCK);
        struct ctl_client *c;
        uid_t uid;

        if (fd < 0) {
            return;
        }
        if (!peer_allowed(server, fd, &uid)) {
            struct ctl_client tmp = { .fd = fd };

            if (!server->n_refused++) {
                LOG_WARN("control socket: refused a client with uid %d: "
                         "only root, uid %u%s may use it", (int) uid,
                         (unsigned) server->euid,
                         server->has_group ? " and its group" : "");
            }
            client_drop(&tmp, "permission denied: this user may not use "
                        "this control socket");
            continue;
        }
        c = free_slot(server);
        c->fd = fd;
        c->last_ms = now;
    }
}

/* Reads what 'c' sent, until a line is complete or the buffer is full.
 * Returns 0, -ECONNRESET at the end of input, or another negative errno
 * when the connection failed. */
static int
client_read(struct ctl_client *c)
{
    for (int i = 0; i < CTL_READS && c->len < sizeof c->buf; i++) {
        ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len,
                         MSG_DONTWAIT);
        char *nl;

        if (n > 0) {
            nl = memchr(c->buf + c->len, '\n', n);
            if (c->discarding) {
                /* The rest of an overlong line: drop up to its end. */
                if (!nl) {
                    continue;
                }
                n -= nl + 1 - (c->buf + c->len);
                memmove(c->buf + c->len, nl + 1, n);
                c->discarding = false;
                nl = memchr(c->buf + c->len, '\n', n);
            }
            c->len += n;
            if (nl) {
                return 0;
            }
        } else if (n == 0) {
            return -ECONNRESET;
        } else if (errno == EAGAIN) {
            return 0;
        } else if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

static json_t *
serve_line(struct ctl_server *server, char *line, size_t len)
{
    if (memchr(line, '\0', len)) {
        return ctl_error_reply("malformed request: NUL byte");
    }
    if (len && line[len - 1] == '\r') {
        line[len - 1] = '\0';
    }
    return ctl_dispatch(server->commands, server->n_commands, server->aux,
                        line);
}

static bool
client_blocked(const struct ctl_client *c)
{
    return c->out_len - c->out_ofs >= CTL_OUT_HIGH;
}

/* Serves at most CTL_BURST of the complete lines that 'c' sent, while its
 * replies are read and until 'deadline'.  Returns 0 or a negative errno. */
static int
serve_lines(struct ctl_server *server, struct ctl_client *c,
            int64_t deadline)
{
    char *nl;

    for (int i = 0; i < CTL_BURST && !client_blocked(c)
         && (nl = memchr(c->buf, '\n', c->len)); i++) {
        size_t used = nl - c->buf + 1;
        int error;

        *nl = '\0';
        error = reply(c, serve_line(server, c->buf, used - 1));
        if (error) {
            return error;
        }
        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
        c->last_ms = now_ms();
        if (c->last_ms >= deadline) {
            break;
        }
    }
    if (c->len == sizeof c->buf && !memchr(c->buf, '\n', c->len)) {
        c->len = 0;
        c->discarding = true;
        return reply(c, ctl_error_reply("request longer than %d bytes",
                                    CTL_MAX_LINE - 1));
    }
    return 0;
}

/* One turn of 'c': 'revents' from poll(). */
static void
client_turn(struct ctl_server *server, struct ctl_client *c, short revents,
            int64_t deadline)
{
    int error = 0;

    if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->closing) {
        error = client_read(c);
        if (error == -ECONNRESET) {
            c->closing = true;      /* The client may still read. */
            error = 0;
        }
    }
    if (!error) {
        error = serve_lines(server, c, deadline);
    }
    if (!error && c->closing && !memchr(c->buf, '\n', c->len)
        && c->len && !c->discarding) {
        c->len = 0;
        error = reply(c, ctl_error_reply("incomplete request: the input ended "
                                     "without a newline"));
    }
    if (!error) {
        error = client_flush(c);
    }
    if (error || (c->closing && c->out_len == c->out_ofs
                  && !memchr(c->buf, '\n', c->len))) {
        client_close(c);
    }
}

/* Closes connections idle for the timeout; returns the ms until the next
 * one may be. */
static int64_t
expire_idle(struct ctl_server *server, int64_t now)
{
    int64_t timeout = server->idle_timeout_s * INT64_C(1000);
    int64_t next = timeout;

    for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
        struct ctl_client *c = &server->clients[i];
        char why[64];

        if (c->fd < 0) {
            continue;
        } else if (now - c->last_ms >= timeout) {
            snprintf(why, sizeof why, "closed: idle for %u s",
                     server->idle_timeout_s);
            client_drop(c, why);
        } else if (c->last_ms + timeout - now < next) {
            next = c->last_ms + timeout - now;
        }
    }
    return next;
}

void
ctl_server_run(struct ctl_server *server, int timeout_ms)
{
    struct pollfd pfds[CTL_MAX_CLIENTS + 1];
    size_t idx[CTL_MAX_CLIENTS + 1];
    int64_t now = now_ms(), deadline, wait;
    nfds_t n = 0;

    log_accepts(server, now);
    wait = expire_idle(server, now);
    if (timeout_ms >= 0 && timeout_ms < wait) {
        wait = timeout_ms;
    }
    pfds[n++] = (struct pollfd) { .fd = server->fd, .events = POLLIN };
    for (size_t k = 0; k < CTL_MAX_CLIENTS; k++) {
        size_t i = (server->next + k) % CTL_MAX_CLIENTS;
        struct ctl_client *c = &server->clients[i];
        short events = 0;

        if (c->fd < 0) {
            continue;
        }
        if (c->out_len > c->out_ofs) {
            events |= POLLOUT;
        }
        if (memchr(c->buf, '\n', c->len) && !client_blocked(c)) {
            wait = 0;               /* Requests wait their turn. */
        } else if (!c->closing && !client_blocked(c)) {
            events |= POLLIN;
        }
        pfds[n] = (struct pollfd) { .fd = c->fd, .events = events };
        idx[n++] = i;
    }
    if (poll(pfds, n, wait) < 0) {
        return;
    }
    now = now_ms();
    deadline = now + CTL_TURN_MS;
    /* First, so that busy clients cannot keep new ones waiting. */
    if (pfds[0].revents & POLLIN) {
        accept_clients(server, now);
    }
    for (nfds_t j = 1; j < n; j++) {
        struct ctl_client *c = &server->clients[idx[j]];

        client_turn(server, c, pfds[j].revents, deadline);
        if (now_ms() >= deadline) {
            /* The rest go first next turn. */
            server->next = (idx[j] + 1) % CTL_MAX_CLIENTS;
            return;
        }
    }
    server->next = (server->next + 1) % CTL_MAX_CLIENTS;
}
