/* The modes whose ports are kernel interfaces, polled by plain threads. */
#include <config.h>
#include "mode-ifaces.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "port-provider.h"

unsigned
mode_ifaces_port_count(const struct config *cfg)
{
    return cfg->n_ifaces;
}

bool
mode_ifaces_port_exists(const struct config *cfg, unsigned id)
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

int
mode_ifaces_port_check(const struct config *cfg, unsigned id,
                       char err[CONFIG_ERR_LEN])
{
    return if_nametoindex(cfg->ifaces[id]) ? 0
                                           : no_iface(id, cfg->ifaces[id],
                                                      err);
}

int
mode_ifaces_port_open(const struct port_class *class, const char *what,
                      const struct config *cfg, unsigned id,
                      struct port **portp, char err[CONFIG_ERR_LEN])
{
    int error = port_open(class, cfg->ifaces[id], portp);

    if (error == -ENODEV) {
        return no_iface(id, cfg->ifaces[id], err);
    } else if (error) {
        snprintf(err, CONFIG_ERR_LEN, "port %u: cannot open %s as %s: %s",
                 id, cfg->ifaces[id], what, strerror(-error));
    }
    return error;
}

unsigned
mode_ifaces_n_workers(const struct config *cfg)
{
    return cfg->workers ? cfg->workers : cfg->queues;
}

void
mode_ifaces_worker_ids(unsigned *ids, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        ids[i] = i;
    }
}

/* The threads float over the process's CPUs. */
int
mode_ifaces_worker_cpu(unsigned id)
{
    return -1;
}

static void *
worker_thread(void *w_)
{
    struct dp_mode_worker *w = w_;

    w->fn(w->arg);
    return NULL;
}

int
mode_ifaces_launch(struct dp_mode_worker *w, const cpu_set_t *cpus)
{
    pthread_attr_t attr;
    int error;

    pthread_attr_init(&attr);
    if (CPU_COUNT(cpus)) {
        pthread_attr_setaffinity_np(&attr, sizeof *cpus, cpus);
    }
    error = -pthread_create(&w->thread, &attr, worker_thread, w);
    pthread_attr_destroy(&attr);
    return error;
}

void
mode_ifaces_join(struct dp_mode_worker *w)
{
    pthread_join(w->thread, NULL);
}
