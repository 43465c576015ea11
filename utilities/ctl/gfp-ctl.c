/* gfp-ctl: operations on gfp's components.
 *
 *     gfp-ctl [OPTIONS] GROUP [COMMAND] [ARG...]
 *
 * Each command group lives in its own file; this one parses the options
 * common to all, dispatches, and prints the help of every group. */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-util.h"
#include "gfp-ctl.h"
#include "options.h"
#include "util.h"

#define GFP_CTL_GROUP_ENTRY(NAME) &gfp_ctl_group_##NAME,
static const struct gfp_ctl_group *const groups[] = {
    GFP_CTL_GROUPS(GFP_CTL_GROUP_ENTRY)
};
#undef GFP_CTL_GROUP_ENTRY

/* What the top-level options write. */
struct main_args {
    const char *socket;
    unsigned timeout_ms;
    bool compact;
    bool version;
};

static int
parse_timeout(const struct ctl_option *o, const char *value,
              void *dst)
{
    unsigned long long ms;

    if (parse_uint(value, 1, 3600 * 1000, &ms)) {
        return gfp_ctl_usage_error("invalid value '%s' for --timeout: "
                                   "expected milliseconds, 1 to 3600000",
                                   value);
    }
    *(unsigned *) dst = ms;
    return 0;
}

static const struct ctl_option main_options[] = {
    { 's', "socket", "PATH", false,
      "gfp-fwd's socket ($GFP_CTL_SOCKET, " GFP_CTL_DEFAULT_SOCKET ")",
      offsetof(struct main_args, socket), NULL },
    { 't', "timeout", "MS", false,
      "wait at most MS ms for a reply (default: 10000)",
      offsetof(struct main_args, timeout_ms), parse_timeout },
    { 'c', "compact", NULL, false, "print the JSON on one line",
      offsetof(struct main_args, compact), NULL },
    { 'V', "version", NULL, false, "print the version",
      offsetof(struct main_args, version), NULL },
};

static void usage(void);

static const struct ctl_options main_spec = {
    .who = NULL,
    .synopsis = "[OPTIONS] GROUP [COMMAND] [ARG...]",
    .options = main_options,
    .n_options = ARRAY_SIZE(main_options),
    .min_args = 0,
    .max_args = 0,
    .stop_at_arg = true,
    .help = usage,
};

/* "a, b or c": the names of 'group''s commands, or of the groups if
 * 'group' is NULL. */
static void
list_names(const struct gfp_ctl_group *group, char *buf, size_t size)
{
    size_t n = group ? group->n_commands : ARRAY_SIZE(groups);

    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *name = group ? group->commands[i].name : groups[i]->name;
        size_t len = strlen(buf);

        snprintf(buf + len, size - len, "%s%s",
                 !i ? "" : i + 1 == n ? " or " : ", ", name);
    }
}

/* Prints 'g' and its commands, one line each. */
static void
print_group(const struct gfp_ctl_group *g)
{
    printf("%s: %s\n", g->name, g->summary);
    for (size_t j = 0; j < g->n_commands; j++) {
        const struct gfp_ctl_command *c = &g->commands[j];
        char cmd[128];

        snprintf(cmd, sizeof cmd, "%s%s%s%s%s", g->name,
                 c->name ? " " : "", c->name ? c->name : "",
                 c->args[0] ? " " : "", c->args);
        if (strlen(cmd) <= 24) {
            printf("  %-24s  %s\n", cmd, c->summary);
        } else {
            printf("  %s\n  %-24s  %s\n", cmd, "", c->summary);
        }
    }
}

static void
usage(void)
{
    printf("gfp-ctl: operations on gfp's components\n");
    ctl_options_usage(&main_spec, stdout);
    for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
        putchar('\n');
        print_group(groups[i]);
    }
    printf("\n'gfp-ctl GROUP [COMMAND] --help' shows a command's options.\n"
           "Exit status: 0 done, 1 the command failed or gfp-fwd could not "
           "be reached,\n"
           "2 usage error; preflight and compat say more.  "
           "See gfp-ctl(8).\n");
}

int
gfp_ctl_usage_error(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "gfp-ctl: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, " (see gfp-ctl --help)\n");
    return GFP_CTL_EXIT_USAGE;
}

int
gfp_ctl_option_error(const char *group, int opt, const char *arg)
{
    return gfp_ctl_usage_error("%s%s%s '%s'%s", group ? group : "",
                               group ? ": " : "",
                               opt == ':' ? "option" : "unknown option", arg,
                               opt == ':' ? " needs a value" : "");
}

/* Runs 'argv[0]', the word after the options. */
static int
run_group(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    const struct gfp_ctl_group *g = NULL;
    char names[256];

    for (size_t i = 0; i < ARRAY_SIZE(groups) && !g; i++) {
        g = !strcmp(argv[0], groups[i]->name) ? groups[i] : NULL;
    }
    if (!g) {
        list_names(NULL, names, sizeof names);
        return gfp_ctl_usage_error("unknown command '%s': expected %s",
                                   argv[0], names);
    }
    if (!g->commands[0].name) {
        return g->commands[0].run(opts, argc, argv);
    }
    list_names(g, names, sizeof names);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        print_group(g);
        return EXIT_SUCCESS;
    }
    if (argc < 2) {
        return gfp_ctl_usage_error("%s needs a command: %s", g->name, names);
    }
    for (size_t i = 0; i < g->n_commands; i++) {
        if (!strcmp(argv[1], g->commands[i].name)) {
            return g->commands[i].run(opts, argc - 1, argv + 1);
        }
    }
    if (g->run_other) {
        return g->run_other(opts, argc - 1, argv + 1);
    }
    return gfp_ctl_usage_error("unknown %s command '%s': expected %s",
                               g->name, argv[1], names);
}

int
main(int argc, char *argv[])
{
    struct main_args args = {
        .socket = getenv("GFP_CTL_SOCKET"),
        .timeout_ms = 10000,
    };
    struct gfp_ctl_opts opts;
    int first, status;

    if (!args.socket || !args.socket[0]) {
        args.socket = GFP_CTL_DEFAULT_SOCKET;
    }
    if (!ctl_options_parse(&main_spec, argc, argv, &args, &first,
                           &status)) {
        return status;
    }
    if (args.version) {
        printf("gfp-ctl (gfp) %s\n", PACKAGE_VERSION);
        return EXIT_SUCCESS;
    }
    if (first >= argc) {
        return gfp_ctl_usage_error("no command given");
    }
    opts = (struct gfp_ctl_opts) {
        .socket = args.socket,
        .timeout_ms = args.timeout_ms,
        .compact = args.compact,
    };
    return run_group(&opts, argc - first, &argv[first]);
}
