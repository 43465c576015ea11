/* A control socket: a unix stream socket that takes one request per line
 * and answers each with one line of JSON.
 *
 * A request is either words ("mode dpdk") or a JSON object
 * ({"command": "mode", "args": ["dpdk"]}).  The reply is
 * {"ok": true, "result": ...} or {"ok": false, "error": "..."}.  The server
 * runs in its owner's thread: ctl_server_run() waits for requests and calls
 * the handlers there, so a handler may touch anything its owner may. */
#ifndef GFP_CTL_H
#define GFP_CTL_H 1

#include <jansson.h>
#include <stddef.h>

#define CTL_ERR_LEN 256
#define CTL_MAX_ARGS 8
#define CTL_MAX_LINE 4096
#define CTL_MAX_CLIENTS 16

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

/* Listens on 'path'.  A stale socket file (nobody listening) is replaced;
 * one that a live process listens on is -EADDRINUSE.  'err' says why on
 * failure. */
int ctl_server_create(const char *path, const struct ctl_command *,
                      size_t n_commands, void *aux, struct ctl_server **,
                      char err[CTL_ERR_LEN]);

/* Closes every connection and removes the socket file.  Accepts NULL. */
void ctl_server_destroy(struct ctl_server *);

/* Waits up to 'timeout_ms' for requests and serves them. */
void ctl_server_run(struct ctl_server *, int timeout_ms);

/* Client side: connects to 'path', sends one request line and returns the
 * reply (a new reference), or NULL with 'err' set. */
json_t *ctl_client_request(const char *path, const char *line,
                           int timeout_ms, char err[CTL_ERR_LEN]);

#endif /* ctl.h */
