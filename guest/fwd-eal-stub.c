/* gfp-fwd built without DPDK: DPDK mode is refused, PacketMMAP works. */
#include <config.h>
#include "fwd-eal.h"

#include <errno.h>
#include <string.h>

bool
fwd_eal_available(void)
{
    return false;
}

int
fwd_eal_start(int argc, char *argv[])
{
    return -ENOTSUP;
}

void
fwd_eal_stop(void)
{
}

const char *
fwd_eal_strerror(int error)
{
    return strerror(error < 0 ? -error : error);
}

unsigned
fwd_eal_port_count(void)
{
    return 0;
}

bool
fwd_eal_port_valid(unsigned id)
{
    return false;
}

const struct port_class *
fwd_eal_port_class(void)
{
    return NULL;
}

unsigned
fwd_eal_workers(unsigned *lcores, unsigned max)
{
    return 0;
}

int
fwd_eal_lcore_cpu(unsigned lcore)
{
    return -1;
}

int
fwd_eal_launch(unsigned lcore, int (*fn)(void *), void *arg)
{
    return -ENOTSUP;
}

void
fwd_eal_wait(unsigned lcore)
{
}
