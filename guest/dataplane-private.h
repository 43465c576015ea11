/* What guest/dataplane.c and guest/dataplane-stats.c share of a data
 * plane: the ports and the counters (the workers are dataplane.c's). */
#ifndef GFP_DATAPLANE_PRIVATE_H
#define GFP_DATAPLANE_PRIVATE_H 1

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "gfp-config.h"
#include "stats.h"
#include "util.h"

struct dp_worker;

struct dp_port {
    struct port *port;
    uint16_t id;                    /* Port number in the configuration. */
    uint8_t mac[GFP_ETH_ALEN];      /* Source MAC for l2. */
    unsigned mtu;                   /* The MTU it transmits at. */
    struct queue_stats *qstats;     /* The counters' blocks for this port. */
    /* The device's rx_nombuf already added to the counters' closed_nombuf
     * (when DPDK mode's ports were parked). */
    uint64_t nombuf_folded;
};

/* Port N's counters, whichever data plane runs.  A reset zeroes the queue
 * blocks through the workers that own them (dataplane_reset_stats()); the
 * device's drops, which cannot be zeroed, have a baseline. */
struct dp_port_counters {
    struct queue_stats *qstats;     /* One block per queue. */
    uint64_t closed_nombuf;         /* Device drops of closed devices. */
    uint64_t base_nombuf;
    struct queue_stats last;        /* Totals at the last rate print. */
};

struct dp_counters {
    unsigned queues;
    bool started;                   /* Forwarding has begun. */
    cpu_set_t cpus;                 /* The process's CPUs, before the EAL
                                     * pinned this thread to one. */
    uint64_t start_cycles;
    uint64_t last_cycles;
    struct dp_port_counters ports[CONFIG_MAX_PORTS];
};

struct dataplane {
    const struct config *cfg;
    const struct dp_mode_class *class;
    struct dp_counters *counters;
    const struct fwd_engine *engine;
    struct dp_port ports[CONFIG_MAX_PORTS];
    unsigned n_ports;
    struct fwd_stream *streams;     /* Grouped by worker. */
    unsigned n_streams;
    struct dp_worker *workers;
    unsigned n_workers;
    atomic_bool stop;
    atomic_uint reset_req;          /* Counts reset-stats requests. */
    bool running;
};

#endif /* dataplane-private.h */
