/* gfp-ctl: operations on gfp's components.
 *
 *     gfp-ctl [-s SOCKET] fwd COMMAND [ARG...]
 *
 * 'fwd' talks to a running gfp-fwd over its control socket (gfp-fwd
 * --ctl-socket) and prints the result as JSON. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "util.h"

#define EXIT_USAGE 2
#define DEFAULT_SOCKET "/run/gfp/gfp-fwd.ctl"

static void
usage(void)
{
    printf("gfp-ctl: operations on gfp's components\n"
           "usage: gfp-ctl [options] fwd COMMAND [ARG...]\n"
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
           "                         else " DEFAULT_SOCKET ")\n"
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

static void __attribute__((format(printf, 1, 2), noreturn))
usage_error(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "gfp-ctl: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, " (see gfp-ctl --help)\n");
    exit(EXIT_USAGE);
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
    const char *path = getenv("GFP_CTL_SOCKET");
    unsigned long long timeout = 10000;
    char err[CTL_ERR_LEN];
    bool compact = false;
    json_t *req, *args, *msg, *ok;
    char *line;
    int opt, status;

    if (!path || !path[0]) {
        path = DEFAULT_SOCKET;
    }
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:s:t:chV", options, NULL))
           != -1) {
        switch (opt) {
        case 's':
            path = optarg;
            break;
        case 't':
            if (parse_uint(optarg, 1, 3600 * 1000, &timeout)) {
                usage_error("invalid value '%s' for --timeout: expected "
                            "milliseconds, 1 to 3600000", optarg);
            }
            break;
        case 'c':
            compact = true;
            break;
        case 'h':
            usage();
            return EXIT_SUCCESS;
        case 'V':
            printf("gfp-ctl (gfp) %s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        usage_error("no command given");
    }
    if (strcmp(argv[optind], "fwd")) {
        usage_error("unknown command '%s': expected fwd", argv[optind]);
    }
    optind++;
    if (optind >= argc) {
        usage_error("fwd needs a command: stats, reset-stats, ports, "
                    "mode, quit, version or help");
    }
    if (argc - optind - 1 > CTL_MAX_ARGS) {
        usage_error("too many arguments (at most %d)", CTL_MAX_ARGS);
    }

    /* The request as JSON, so that no argument can break the line. */
    args = json_array();
    for (int i = optind + 1; i < argc; i++) {
        json_array_append_new(args, json_string(argv[i]));
    }
    req = json_pack("{s:s, s:o}", "command", argv[optind], "args", args);
    line = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!line) {
        fprintf(stderr, "gfp-ctl: arguments must be UTF-8 text\n");
        return EXIT_USAGE;
    }
    msg = ctl_client_request(path, line, timeout, err);
    free(line);
    if (!msg) {
        fprintf(stderr, "gfp-ctl: %s\n", err);
        return EXIT_FAILURE;
    }
    ok = json_object_get(msg, "ok");
    if (json_is_true(ok)) {
        json_t *result = json_object_get(msg, "result");

        if (result && !json_is_null(result)) {
            json_dumpf(result, stdout, JSON_ENCODE_ANY | JSON_SORT_KEYS
                       | (compact ? JSON_COMPACT : JSON_INDENT(2)));
            putchar('\n');
        }
        status = EXIT_SUCCESS;
    } else {
        json_t *e = json_object_get(msg, "error");

        fprintf(stderr, "gfp-ctl: %s\n",
                json_is_string(e) ? json_string_value(e)
                                  : "malformed reply from gfp-fwd");
        status = EXIT_FAILURE;
    }
    json_decref(msg);
    return status;
}
