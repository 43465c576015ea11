/* AF_XDP mode: the ports are kernel interfaces (the 'ifaces' setting)
 * read and written through AF_XDP sockets (lib/port-xdp.c), polled by
 * plain threads.  No EAL, no hugepages.  The ports take in nothing until
 * they start (their sockets enter the XDP program's map then), so a switch
 * to this mode sets them up while the old mode still forwards. */
#include <config.h>
#include "mode.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "port.h"
#include "port-xdp.h"

static unsigned
xdp_port_count(const struct config *cfg)
{
    return cfg->n_ifaces;
}

static bool
xdp_port_exists(const struct config *cfg, unsigned id)
{
    return id < cfg->n_ifaces;
}

static int
no_iface(unsigned id, const char *name, char err[CONFIG_ERR_LEN])
{
    snprintf(err, CONFIG_ERR_LEN, "port %u: no kernel interface named %s",
             id, name);
    return -EINVAL;
}

static int
xdp_port_check(const struct config *cfg, unsigned id,
               char err[CONFIG_ERR_LEN])
{
    if (!port_xdp_supported()) {
        snprintf(err, CONFIG_ERR_LEN, "mode xdp: this gfp-fwd was built "
                 "without AF_XDP ports (install libxdp-dev and libbpf-dev "
                 "and configure --with-xdp)");
        return -EOPNOTSUPP;
    }
    if (cfg->mtu > PORT_XDP_MAX_MTU) {
        snprintf(err, CONFIG_ERR_LEN, "mode xdp: MTU %u is above what an "
                 "AF_XDP frame holds (at most %u)", cfg->mtu,
                 PORT_XDP_MAX_MTU);
        return -EINVAL;
    }
    return if_nametoindex(cfg->ifaces[id]) ? 0
                                           : no_iface(id, cfg->ifaces[id],
                                                      err);
}

static int
xdp_port_open(const struct config *cfg, unsigned id, struct port **portp,
              char err[CONFIG_ERR_LEN])
{
    int error = port_open(&port_xdp_class, cfg->ifaces[id], portp);

    if (error == -ENODEV) {
        return no_iface(id, cfg->ifaces[id], err);
    } else if (error) {
        snprintf(err, CONFIG_ERR_LEN, "port %u: cannot open %s as an "
                 "AF_XDP port: %s", id, cfg->ifaces[id], strerror(-error));
    }
    return error;
}

static unsigned
xdp_n_workers(const struct config *cfg)
{
    return cfg->workers ? cfg->workers : cfg->queues;
}

static void
xdp_worker_ids(unsigned *ids, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        ids[i] = i;
    }
}

/* The threads float over the process's CPUs. */
static int
xdp_worker_cpu(unsigned id)
{
    return -1;
}

static void *
xdp_thread(void *w_)
{
    struct dp_mode_worker *w = w_;

    w->fn(w->arg);
    return NULL;
}

static int
xdp_launch(struct dp_mode_worker *w, const cpu_set_t *cpus)
{
    pthread_attr_t attr;
    int error;

    pthread_attr_init(&attr);
    if (CPU_COUNT(cpus)) {
        pthread_attr_setaffinity_np(&attr, sizeof *cpus, cpus);
    }
    error = -pthread_create(&w->thread, &attr, xdp_thread, w);
    pthread_attr_destroy(&attr);
    return error;
}

static void
xdp_join(struct dp_mode_worker *w)
{
    pthread_join(w->thread, NULL);
}

const struct dp_mode_class mode_xdp_class = {
    .mode = GFP_MODE_XDP,
    .worker_kind = "thread",
    .parkable = false,
    .opens_quiet = true,
    .port_count = xdp_port_count,
    .port_exists = xdp_port_exists,
    .ports_from = "ifaces names",
    .ports_noun = "interfaces",
    .odd_ports_hint = "or give --pairs",
    .port_check = xdp_port_check,
    .port_open = xdp_port_open,
    .n_workers = xdp_n_workers,
    .worker_ids = xdp_worker_ids,
    .no_worker_error = "no worker thread",
    .worker_cpu = xdp_worker_cpu,
    .launch = xdp_launch,
    .join = xdp_join,
};
