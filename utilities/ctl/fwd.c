/* gfp-ctl fwd: commands to a running gfp-fwd over its control socket
 * (gfp-fwd --ctl-socket), the result printed as JSON. */
#include <config.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-util.h"
#include "ctl.h"
#include "gfp-ctl.h"
#include "util.h"

/* Sends the command argv[0] with its arguments to gfp-fwd, which checks
 * them: a command gfp-fwd does not know is its error, not a usage error. */
static int
fwd_run(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    char err[CTL_ERR_LEN];
    json_t *req, *args, *msg, *ok;
    char *line;
    int status;

    if (argc - 1 > CTL_MAX_ARGS) {
        return gfp_ctl_usage_error("too many arguments (at most %d)",
                                   CTL_MAX_ARGS);
    }

    /* The request as JSON, so that no argument can break the line.  JSON
     * carries only UTF-8 text: anything else is refused here, never
     * dropped. */
    for (int i = 0; i < argc; i++) {
        json_t *probe = json_string(argv[i]);

        if (!probe) {
            char echo[64];

            return gfp_ctl_usage_error("fwd: %s '%s' is not valid UTF-8 "
                                       "text", !i ? "command" : "argument",
                                       ctl_sanitize(argv[i], echo,
                                                    sizeof echo));
        }
        json_decref(probe);
    }
    args = json_array();
    for (int i = 1; i < argc; i++) {
        json_array_append_new(args, json_string(argv[i]));
    }
    req = json_pack("{s:s, s:o}", "command", argv[0], "args", args);
    line = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!line) {
        ctl_out_of_memory();
    }
    msg = ctl_client_request(opts->socket, line, opts->timeout_ms, err);
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
                       | (opts->compact ? JSON_COMPACT : JSON_INDENT(2)));
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

/* What gfp-fwd's control socket understands (guest/gfp-fwd.c answers
 * "help" with the same list). */
static const struct gfp_ctl_command fwd_commands[] = {
    { "stats", "", "all counters, per port and queue", fwd_run },
    { "reset-stats", "", "count from zero again", fwd_run },
    { "ports", "", "the ports of the current mode", fwd_run },
    { "mode", "[--persist] [dpdk|mmap|xdp]",
      "show the packet I/O mode, or switch it live (--persist: also in "
      "gfp-fwd's config file)", fwd_run },
    { "quit", "", "stop gfp-fwd", fwd_run },
    { "version", "", "gfp-fwd's version", fwd_run },
    { "help", "", "what this gfp-fwd understands", fwd_run },
};

const struct gfp_ctl_group gfp_ctl_group_fwd = {
    .name = "fwd",
    .summary = "talk to a running gfp-fwd over its control socket "
               "(-s, -t, -c)",
    .commands = fwd_commands,
    .n_commands = ARRAY_SIZE(fwd_commands),
    .run_other = fwd_run,
};
