/* gfp-ctl stats: where the packets went, hop by hop.  (Being written.) */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "gfp-ctl.h"

int
ctl_stats_main(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    fprintf(stderr, "gfp-ctl: %s: not built yet\n", argv[0]);
    return EXIT_FAILURE;
}
