/* gfp-fwd built without DPDK: no telemetry, and so nothing to lock. */
#include <config.h>
#include "fwd-telemetry.h"

#include <errno.h>

int
fwd_telemetry_register(void)
{
    return -ENOTSUP;
}

void
fwd_telemetry_lock(void)
{
}

void
fwd_telemetry_unlock(void)
{
}

void
fwd_telemetry_publish(const struct dataplane *dp, unsigned mode_switches)
{
}
