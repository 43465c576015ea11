/* ctl-util: what every gfp-ctl command group shares.
 *
 * Out of memory has one policy in gfp-ctl, as OVS's xmalloc(): the
 * ctl_x*() functions print "gfp-ctl: out of memory" and abort.  Callers
 * never check for NULL. */
#ifndef GFP_CTL_UTIL_H
#define GFP_CTL_UTIL_H 1

#include <stdarg.h>
#include <stddef.h>

#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

void ctl_out_of_memory(void) __attribute__((noreturn));
void *ctl_xmalloc(size_t);
void *ctl_xcalloc(size_t n, size_t size);
void *ctl_xrealloc(void *, size_t);
char *ctl_xstrdup(const char *);
char *ctl_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
char *ctl_xvasprintf(const char *fmt, va_list)
    __attribute__((format(printf, 1, 0)));

/* The one way gfp-ctl runs a program.  Runs argv[0] (found through
 * $PATH, no shell) with 'argv', stdin from /dev/null, SIGINT ignored (a
 * Ctrl-C meant for gfp-ctl ends it between two tools, not a tool half-way
 * through a transaction) and no signal blocked, and reads its standard
 * output and error together so that neither can block the other.  After
 * 'timeout_ms' it is killed.  Returns its exit status (0-255), 128 + N if
 * signal N ended it, or a negative errno if it could not be run (-ENOENT:
 * no such program), timed out (-ETIMEDOUT) or its output could not be
 * read (-ENOMEM: more than 64 MiB of it).  Its standard output and
 * standard error are returned NUL-terminated in malloc'd '*out' and '*err'
 * (either may be NULL to discard), even on failure. */
int ctl_run(char *const argv[], unsigned timeout_ms, char **out, char **err);

#endif /* ctl-util.h */
