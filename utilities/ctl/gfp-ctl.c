/* gfp-ctl: operations on gfp's components.
 *
 *     gfp-ctl [OPTIONS] GROUP COMMAND [ARG...]
 *
 * Each command group lives in its own file (ctl-*.c); this one parses the
 * options common to all and dispatches. */
#include <config.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp-ctl.h"
#include "util.h"

static const struct gfp_ctl_group groups[] = {
    { "fwd", "talk to a running gfp-fwd over its control socket",
      ctl_fwd_main },
    { "host", "set up and tear down OVS-DPDK from a topology file",
      ctl_host_main },
    { "preflight", "check the host or guest before traffic",
      ctl_preflight_main },
    { "compat", "the driver compatibility matrix against this host",
      ctl_compat_main },
    { "stats", "where the packets went, hop by hop", ctl_stats_main },
};

static void
usage(void)
{
    printf("gfp-ctl: operations on gfp's components\n"
           "usage: gfp-ctl [options] GROUP COMMAND [ARG...]\n"
           "\n"
           "Commands to a running gfp-fwd (over its --ctl-socket):\n"
           "  fwd stats              all counters, per port and queue\n"
           "  fwd reset-stats        count from zero again\n"
           "  fwd ports              the ports of the current mode\n"
           "  fwd mode [dpdk|mmap]   show the packet I/O mode, or switch "
           "it live\n"
           "  fwd quit               stop gfp-fwd\n"
           "  fwd version            gfp-fwd's version\n"
           "  fwd help               what this gfp-fwd understands\n"
           "\n"
           "Options:\n"
           "  -s, --socket=PATH      gfp-fwd's control socket (default: "
           "$GFP_CTL_SOCKET,\n"
           "                         else " GFP_CTL_DEFAULT_SOCKET ")\n"
           "  -t, --timeout=MS       wait at most MS ms for a reply "
           "(default: 10000)\n"
           "  -c, --compact          print the JSON on one line\n"
           "  -h, --help             this help\n"
           "  -V, --version          print the version\n"
           "\n"
           "Exit status: 0 done, 1 the command failed or gfp-fwd could not "
           "be reached,\n"
           "2 usage error.  See gfp-ctl(8).\n");
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

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "socket", required_argument, NULL, 's' },
        { "timeout", required_argument, NULL, 't' },
        { "compact", no_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct gfp_ctl_opts opts = {
        .socket = getenv("GFP_CTL_SOCKET"),
        .timeout_ms = 10000,
    };
    unsigned long long timeout;
    char names[128] = "";
    int opt;

    if (!opts.socket || !opts.socket[0]) {
        opts.socket = GFP_CTL_DEFAULT_SOCKET;
    }
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:s:t:chV", options, NULL))
           != -1) {
        switch (opt) {
        case 's':
            opts.socket = optarg;
            break;
        case 't':
            if (parse_uint(optarg, 1, 3600 * 1000, &timeout)) {
                return gfp_ctl_usage_error("invalid value '%s' for "
                                           "--timeout: expected "
                                           "milliseconds, 1 to 3600000",
                                           optarg);
            }
            opts.timeout_ms = timeout;
            break;
        case 'c':
            opts.compact = true;
            break;
        case 'h':
            usage();
            return EXIT_SUCCESS;
        case 'V':
            printf("gfp-ctl (gfp) %s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        default:
            return gfp_ctl_option_error(NULL, opt, argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        return gfp_ctl_usage_error("no command given");
    }
    for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
        if (!strcmp(argv[optind], groups[i].name)) {
            return groups[i].main(&opts, argc - optind, &argv[optind]);
        }
        snprintf(names + strlen(names), sizeof names - strlen(names),
                 "%s%s", i ? (i + 1 == ARRAY_SIZE(groups) ? " or " : ", ")
                           : "", groups[i].name);
    }
    return gfp_ctl_usage_error("unknown command '%s': expected %s",
                               argv[optind], names);
}
