#include <config.h>
#include "fwd-eal.h"

#include <errno.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "port-provider.h"

bool
fwd_eal_available(void)
{
    return true;
}

int
fwd_eal_start(int argc, char *argv[])
{
    if (rte_eal_init(argc, argv) < 0) {
        return rte_errno == EINVAL ? -EINVAL : -(rte_errno ? rte_errno : EIO);
    }
    return 0;
}

void
fwd_eal_stop(void)
{
    rte_eal_cleanup();
}

const char *
fwd_eal_strerror(int error)
{
    return rte_strerror(error < 0 ? -error : error);
}

unsigned
fwd_eal_port_count(void)
{
    return rte_eth_dev_count_avail();
}

bool
fwd_eal_port_valid(unsigned id)
{
    return id < RTE_MAX_ETHPORTS && rte_eth_dev_is_valid_port(id);
}

const struct port_class *
fwd_eal_port_class(void)
{
    return &port_dpdk_class;
}

unsigned
fwd_eal_workers(unsigned *lcores, unsigned max)
{
    unsigned n = 0, lcore;

    RTE_LCORE_FOREACH_WORKER(lcore) {
        if (n < max) {
            lcores[n] = lcore;
        }
        n++;
    }
    return n;
}

int
fwd_eal_lcore_cpu(unsigned lcore)
{
    return rte_lcore_to_cpu_id(lcore);
}

int
fwd_eal_launch(unsigned lcore, int (*fn)(void *), void *arg)
{
    return rte_eal_remote_launch(fn, arg, lcore);
}

void
fwd_eal_wait(unsigned lcore)
{
    rte_eal_wait_lcore(lcore);
}
