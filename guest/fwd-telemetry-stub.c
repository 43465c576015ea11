/* gfp-fwd built without DPDK: no telemetry. */
#include <config.h>
#include "fwd-telemetry.h"

#include <errno.h>

int
fwd_telemetry_register(void)
{
    return -ENOTSUP;
}

void
fwd_telemetry_attach(struct mode_switch *ms)
{
}
