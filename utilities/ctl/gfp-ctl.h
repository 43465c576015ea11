/* gfp-ctl: one program, a command group per file (ctl-*.c). */
#ifndef GFP_GFP_CTL_H
#define GFP_GFP_CTL_H 1

#include <stdbool.h>

#define GFP_CTL_EXIT_USAGE 2
#define GFP_CTL_DEFAULT_SOCKET "/run/gfp/gfp-fwd.ctl"

/* The options before the command word. */
struct gfp_ctl_opts {
    const char *socket;         /* gfp-fwd's control socket. */
    unsigned timeout_ms;        /* For a reply from gfp-fwd. */
    bool compact;               /* JSON on one line. */
};

/* A command group: 'argv[0]' is the group's name.  Returns the exit
 * status. */
struct gfp_ctl_group {
    const char *name;
    const char *summary;
    int (*main)(const struct gfp_ctl_opts *, int argc, char *argv[]);
};

/* Prints "gfp-ctl: MESSAGE (see gfp-ctl --help)" and returns the exit
 * status of a usage error, GFP_CTL_EXIT_USAGE, for the command to return:
 * nothing below main() exits. */
int gfp_ctl_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), warn_unused_result));

/* The usage error for what getopt_long() returned as 'opt' (':' for an
 * option without its value, anything else an unknown option) at 'arg',
 * the word it was in (argv[optind - 1]): "GROUP: unknown option 'ARG'" (no
 * "GROUP: " if 'group' is NULL).  Returns GFP_CTL_EXIT_USAGE. */
int gfp_ctl_option_error(const char *group, int opt, const char *arg)
    __attribute__((warn_unused_result));

int ctl_fwd_main(const struct gfp_ctl_opts *, int argc, char *argv[]);
int ctl_host_main(const struct gfp_ctl_opts *, int argc, char *argv[]);
int ctl_preflight_main(const struct gfp_ctl_opts *, int argc, char *argv[]);
int ctl_compat_main(const struct gfp_ctl_opts *, int argc, char *argv[]);
int ctl_stats_main(const struct gfp_ctl_opts *, int argc, char *argv[]);

#endif /* gfp-ctl.h */
