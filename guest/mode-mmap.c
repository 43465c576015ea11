/* PacketMMAP mode: the ports are kernel interfaces (the 'ifaces' setting)
 * read and written through TPACKET_V3 rings (lib/port-mmap.c), polled by
 * plain threads.  No EAL, no hugepages. */
#include <config.h>
#include "mode.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "port-provider.h"

static unsigned
mmap_port_count(const struct config *cfg)
{
    return cfg->n_ifaces;
}

static bool
mmap_port_exists(const struct config *cfg, unsigned id)
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
mmap_port_check(const struct config *cfg, unsigned id,
                char err[CONFIG_ERR_LEN])
{
    return if_nametoindex(cfg->ifaces[id]) ? 0
                                           : no_iface(id, cfg->ifaces[id],
                                                      err);
}

static int
mmap_port_open(const struct config *cfg, unsigned id, struct port **portp,
               char err[CONFIG_ERR_LEN])
{
    int error = port_open(&port_mmap_class, cfg->ifaces[id], portp);

    if (error == -ENODEV) {
        return no_iface(id, cfg->ifaces[id], err);
    } else if (error) {
        snprintf(err, CONFIG_ERR_LEN, "port %u: cannot open: %s", id,
                 strerror(-error));
    }
    return error;
}

static unsigned
mmap_n_workers(const struct config *cfg)
{
    return cfg->workers ? cfg->workers : cfg->queues;
}

static void
mmap_worker_ids(unsigned *ids, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        ids[i] = i;
    }
}

/* The threads float over the process's CPUs. */
static int
mmap_worker_cpu(unsigned id)
{
    return -1;
}

static void *
mmap_thread(void *w_)
{
    struct dp_mode_worker *w = w_;

    w->fn(w->arg);
    return NULL;
}

static int
mmap_launch(struct dp_mode_worker *w, const cpu_set_t *cpus)
{
    pthread_attr_t attr;
    int error;

    pthread_attr_init(&attr);
    if (CPU_COUNT(cpus)) {
        pthread_attr_setaffinity_np(&attr, sizeof *cpus, cpus);
    }
    error = -pthread_create(&w->thread, &attr, mmap_thread, w);
    pthread_attr_destroy(&attr);
    return error;
}

static void
mmap_join(struct dp_mode_worker *w)
{
    pthread_join(w->thread, NULL);
}

const struct dp_mode_class mode_mmap_class = {
    .mode = GFP_MODE_MMAP,
    .worker_kind = "thread",
    .parkable = false,
    .opens_quiet = false,
    .port_count = mmap_port_count,
    .port_exists = mmap_port_exists,
    .ports_from = "ifaces names",
    .ports_noun = "interfaces",
    .odd_ports_hint = "or give --pairs",
    .port_check = mmap_port_check,
    .port_open = mmap_port_open,
    .n_workers = mmap_n_workers,
    .worker_ids = mmap_worker_ids,
    .no_worker_error = "no worker thread",
    .worker_cpu = mmap_worker_cpu,
    .launch = mmap_launch,
    .join = mmap_join,
};
