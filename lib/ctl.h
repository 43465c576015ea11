/* A control socket: a unix stream socket that takes one request per line
 * and answers each with one line of JSON.
 *
 * A request is either words ("mode dpdk") or a JSON object
 * ({"command": "mode", "args": ["dpdk"]}).  The reply is
 * {"ok": true, "result": ...} or {"ok": false, "error": "..."}.  The server
 * runs in its owner's thread: ctl_server_run() waits for requests and calls
 * the handlers there, so a handler may touch anything its owner may.
 *
 * Access: the socket file is 0600 (0660 with a group), its directory must
 * belong to this user (or root) and be writable by nobody else, and each
 * client's credentials (SO_PEERCRED) are checked once more at accept: root,
 * this process's effective uid and, with a group, that group's members get
 * in.
 *
 * Fairness: no client can hold up the others or the owner.  Each turn
 * serves at most CTL_BURST requests of a client, replies are queued and
 * sent without blocking (a client that does not read gets no more requests
 * served until it does), a turn ends after CTL_TURN_MS of handlers, idle
 * connections are closed, and when CTL_MAX_CLIENTS are connected a new one
 * takes the place of the one idle the longest. */
#ifndef GFP_CTL_H
#define GFP_CTL_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTL_ERR_LEN 256
#define CTL_MAX_ARGS 8
#define CTL_MAX_LINE 4096
#define CTL_MAX_CLIENTS 64
#define CTL_BURST 8                 /* Requests per client per turn. */
#define CTL_TURN_MS 20              /* Handler time per turn. */
#define CTL_IDLE_TIMEOUT_S 60       /* Default. */

struct ctl_server;

struct ctl_command {
    const char *name;
    const char *usage;          /* Arguments, e.g. "[dpdk|mmap]". */
    const char *help;
    unsigned min_args, max_args;
    /* Returns the result (a new reference; json_null() for none), or NULL
     * with a message in 'err'. */
    json_t *(*handler)(void *aux, unsigned argc, const char *argv[],
                       char err[CTL_ERR_LEN]);
};

/* Listens on 'path', a socket file of mode 0600.  A stale socket file
 * (nobody listening) is replaced; one that a live process listens on is
 * -EADDRINUSE; a directory that another user owns or that its group or
 * others may write is -EPERM.  'err' says why on failure. */
int ctl_server_create(const char *path, const struct ctl_command *,
                      size_t n_commands, void *aux, struct ctl_server **,
                      char err[CTL_ERR_LEN]);

/* Lets the members of 'group' in too: the socket file gets that group and
 * mode 0660 (widened only once it is the group's, so that nobody else
 * gets in meanwhile). */
int ctl_server_set_group(struct ctl_server *, gid_t group,
                         char err[CTL_ERR_LEN]);

/* Closes connections idle for 'secs' seconds (default
 * CTL_IDLE_TIMEOUT_S). */
void ctl_server_set_idle_timeout(struct ctl_server *, unsigned secs);

/* Closes every connection and removes the socket file.  Accepts NULL. */
void ctl_server_destroy(struct ctl_server *);

/* Waits up to 'timeout_ms' (negative: no limit but the idle timeout) for
 * requests and serves them for at most about CTL_TURN_MS.  Returns at once
 * while requests wait their turn. */
void ctl_server_run(struct ctl_server *, int timeout_ms);

/* Copies 's' into 'buf' as text that JSON can carry: each byte that does
 * not belong to a valid UTF-8 character becomes "\xNN", and when 's' does
 * not fit in 'size' bytes the copy ends at a character boundary with
 * "...".  Returns 'buf'. */
char *ctl_sanitize(const char *s, char *buf, size_t size);

/* Client side: connects to 'path', sends one request line and returns the
 * reply (a new reference), or NULL with 'err' set. */
json_t *ctl_client_request(const char *path, const char *line,
                           int timeout_ms, char err[CTL_ERR_LEN]);

#endif /* ctl.h */
