/* gfp-ctl stats: where the packets went, hop by hop.
 *
 * One reading of every OVS interface, the datapath threads, gfp-fwd's
 * control socket and the kernel links of network namespaces, then the hops
 * that dropped packets: see ctl-stats.h for the rooms it is built of. */
#include <config.h>

#include <stdlib.h>

#include "ctl-stats.h"
#include "gfp-ctl.h"

int
ctl_stats_main(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    struct ctl_stats_args args = {
        .socket = opts->socket,
        .timeout_ms = opts->timeout_ms,
        .compact = opts->compact,
    };
    char err[OVS_ERR_LEN];
    const char *word;
    int opt, status;

    switch (ctl_stats_args_parse(argc, argv, &args, &opt, &word, err)) {
    case 0:
        status = ctl_stats_run(&args);
        break;
    case 1:
        ctl_stats_usage();
        status = EXIT_SUCCESS;
        break;
    default:
        status = (opt ? gfp_ctl_option_error("stats", opt, word)
                      : gfp_ctl_usage_error("%s", err));
        break;
    }
    ctl_stats_args_destroy(&args);
    return status;
}

static const struct gfp_ctl_command stats_commands[] = {
    { NULL, "[--json] [--watch[=SECS]] [--db DB | --sandbox DIR | --no-ovs] "
      "[--netns NS[:IF,...]]... [--clear-pmd] ...",
      "OVS, gfp-fwd, PMD and kernel link counters, and who dropped",
      ctl_stats_main },
};

const struct gfp_ctl_group gfp_ctl_group_stats = {
    .name = "stats",
    .summary = "where the packets went, hop by hop",
    .commands = stats_commands,
    .n_commands = ARRAY_SIZE(stats_commands),
};
