/* gfp-fwd built without DPDK: DPDK mode is a class that refuses to start,
 * so nothing else of it is ever called. */
#include <config.h>
#include "mode.h"

#include <errno.h>
#include <stdio.h>

static int
dpdk_prepare(const struct dp_mode_env *env, bool at_start,
             char err[CONFIG_ERR_LEN])
{
    snprintf(err, CONFIG_ERR_LEN, "built without DPDK: only %smode mmap "
             "works (rebuild without --without-dpdk for DPDK mode)",
             at_start ? "--" : "");
    return -ENOTSUP;
}

const struct dp_mode_class mode_dpdk_class = {
    .mode = GFP_MODE_DPDK,
    .worker_kind = "lcore",
    .parkable = true,
    .opens_quiet = true,
    .prepare = dpdk_prepare,
};
