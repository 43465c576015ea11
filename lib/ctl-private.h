/* What the control socket's files share (lib/ctl.c: the server socket and
 * its clients; ctl-request.c: requests and replies; ctl-client.c: the
 * client side).  Not for users of ctl.h. */
#ifndef GFP_CTL_PRIVATE_H
#define GFP_CTL_PRIVATE_H 1

#include <jansson.h>
#include <stddef.h>
#include <sys/un.h>

#include "ctl.h"

/* Writes the message to 'err' and returns 'error'. */
int ctl_set_err(char err[CTL_ERR_LEN], int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills '*sun' with 'path', or returns -ENAMETOOLONG with 'err' set. */
int ctl_fill_addr(const char *path, struct sockaddr_un *sun,
                  char err[CTL_ERR_LEN]);

/* The reply {"ok": false, "error": MESSAGE}, its text sanitized. */
json_t *ctl_error_reply(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Serves one request line (no newline, no NUL): parses it, runs the
 * command of 'commands' it names with 'aux' (or "help") and returns the
 * reply (a new reference). */
json_t *ctl_dispatch(const struct ctl_command *commands, size_t n_commands,
                     void *aux, char *line);

#endif /* ctl-private.h */
