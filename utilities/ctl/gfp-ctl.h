/* gfp-ctl: one program, a command group per file (utilities/ctl/).
 *
 * A group is a struct gfp_ctl_group named gfp_ctl_group_NAME, listed once
 * in GFP_CTL_GROUPS below: gfp-ctl.c dispatches to it and derives
 * "gfp-ctl --help" and the "unknown command" error from the list.  Its
 * commands are a table: adding a command is a row and its function. */
#ifndef GFP_GFP_CTL_H
#define GFP_GFP_CTL_H 1

#include <stdbool.h>

#define GFP_CTL_EXIT_USAGE 2
#define GFP_CTL_DEFAULT_SOCKET "/run/gfp/gfp-fwd.ctl"

/* The options before the group word. */
struct gfp_ctl_opts {
    const char *socket;         /* gfp-fwd's control socket. */
    unsigned timeout_ms;        /* For a reply from gfp-fwd. */
    bool compact;               /* JSON on one line. */
};

/* Runs a command: argv[0] is the command word (the group's name for a
 * group without command words).  Returns the exit status; nothing below
 * main() exits. */
typedef int gfp_ctl_run_func(const struct gfp_ctl_opts *, int argc,
                             char *argv[]);

struct gfp_ctl_command {
    const char *name;           /* NULL: the group takes no command word. */
    const char *args;           /* Its arguments, for --help ("FILE"). */
    const char *summary;        /* One line for --help. */
    gfp_ctl_run_func *run;
};

struct gfp_ctl_group {
    const char *name;           /* The word after the options. */
    const char *summary;        /* One line for --help. */
    const struct gfp_ctl_command *commands;
    unsigned n_commands;

    /* If nonnull, runs a command word not in 'commands' (fwd: gfp-fwd
     * itself says which commands it knows). */
    gfp_ctl_run_func *run_other;
};

/* Every group, in the order of "gfp-ctl --help". */
#define GFP_CTL_GROUPS(G) G(fwd) G(host) G(preflight) G(compat) G(stats)

#define GFP_CTL_GROUP_DECLARE(NAME) \
    extern const struct gfp_ctl_group gfp_ctl_group_##NAME;
GFP_CTL_GROUPS(GFP_CTL_GROUP_DECLARE)
#undef GFP_CTL_GROUP_DECLARE

/* Prints "gfp-ctl: MESSAGE (see gfp-ctl --help)" and returns the exit
 * status of a usage error, GFP_CTL_EXIT_USAGE, for the command to
 * return. */
int gfp_ctl_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), warn_unused_result));

/* The usage error for what getopt_long() returned as 'opt' (':' for an
 * option without its value, anything else an unknown option) at 'arg',
 * the word it was in (argv[optind - 1]): "GROUP: unknown option 'ARG'" (no
 * "GROUP: " if 'group' is NULL).  Returns GFP_CTL_EXIT_USAGE.  (For a
 * group that does not parse with ctl_options_parse() yet.) */
int gfp_ctl_option_error(const char *group, int opt, const char *arg)
    __attribute__((warn_unused_result));

int ctl_stats_main(const struct gfp_ctl_opts *, int argc, char *argv[]);

#endif /* gfp-ctl.h */
