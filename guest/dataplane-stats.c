/* A data plane's counters, which outlive it (a mode switch starts the next
 * data plane over them), and what reads them: the "stats" and "ports"
 * dumps, the accessors for DPDK telemetry and the rate lines. */
#include <config.h>
#include "dataplane.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycles.h"
#include "dataplane-private.h"
#include "fwd-engine.h"
#include "port.h"
#include "stats.h"
#include "util.h"

struct dp_counters *
dp_counters_create(unsigned queues)
{
    struct dp_counters *c = calloc(1, sizeof *c);

    if (!c) {
        return NULL;
    }
    c->queues = queues;
    for (unsigned p = 0; p < CONFIG_MAX_PORTS; p++) {
        struct dp_port_counters *pc = &c->ports[p];
        size_t size = queues * sizeof *pc->qstats;

        pc->qstats = aligned_alloc(64, size);
        if (!pc->qstats) {
            dp_counters_destroy(c);
            return NULL;
        }
        memset(pc->qstats, 0, size);
    }
    /* Worker threads created after the EAL started would inherit the main
     * lcore's single CPU: they get the process's original set instead. */
    if (sched_getaffinity(0, sizeof c->cpus, &c->cpus)) {
        CPU_ZERO(&c->cpus);
    }
    c->start_cycles = c->last_cycles = cycles_now();
    return c;
}

void
dp_counters_destroy(struct dp_counters *c)
{
    if (c) {
        for (unsigned p = 0; p < CONFIG_MAX_PORTS; p++) {
            free(c->ports[p].qstats);
        }
        free(c);
    }
}

/* Port 'p''s counters since the last reset: per queue into 'queues' or
 * 'per_queue' (either may be NULL) and the sum into 'sum'.  Receive-buffer
 * shortage happens inside the device, before any queue sees the packet: it
 * is counted for the port.  'ds' gets the device's counters when it has
 * them (returns 0). */
static int
port_counters(const struct dataplane *dp, const struct dp_port *p,
              json_t *queues, struct queue_stats *per_queue,
              struct queue_stats *sum, struct port_dev_stats *ds)
{
    const struct dp_port_counters *pc = &dp->counters->ports[p->id];
    uint64_t nombuf = pc->closed_nombuf;
    int error;

    memset(sum, 0, sizeof *sum);
    for (unsigned q = 0; q < dp->counters->queues; q++) {
        struct queue_stats s;

        queue_stats_read(&pc->qstats[q], &s);
        queue_stats_add(sum, &s);
        if (queues) {
            json_array_append_new(queues, queue_stats_to_json(&s));
        }
        if (per_queue) {
            per_queue[q] = s;
        }
    }
    error = port_get_dev_stats(p->port, ds);
    if (!error) {
        nombuf += ds->rx_nombuf - p->nombuf_folded;
    }
    sum->drop_no_mbuf += nombuf - pc->base_nombuf;
    return error;
}

static json_t *
port_info_json(const struct dp_port *p)
{
    json_t *jp = json_object();
    struct port_link link;
    uint8_t mac[GFP_ETH_ALEN];
    char macs[18];

    json_object_set_new(jp, "id", json_integer(p->id));
    json_object_set_new(jp, "name", json_string(port_name(p->port)));
    json_object_set_new(jp, "driver", json_string(port_driver(p->port)));
    if (port_devargs(p->port)[0]) {
        json_object_set_new(jp, "devargs",
                            json_string(port_devargs(p->port)));
    }
    if (!port_get_mac(p->port, mac)) {
        format_mac(mac, macs);
        json_object_set_new(jp, "mac", json_string(macs));
    }
    if (!port_get_link(p->port, &link)) {
        json_object_set_new(jp, "link_up", json_boolean(link.up));
    }
    return jp;
}

json_t *
dataplane_ports_json(const struct dataplane *dp)
{
    json_t *ports = json_array();

    for (unsigned i = 0; i < dp->n_ports; i++) {
        json_t *jp = port_info_json(&dp->ports[i]);

        json_object_set_new(jp, "queues",
                            json_integer(dp->counters->queues));
        json_array_append_new(ports, jp);
    }
    return ports;
}

unsigned
dataplane_port_ids(const struct dataplane *dp, uint16_t ids[])
{
    for (unsigned i = 0; i < dp->n_ports; i++) {
        ids[i] = dp->ports[i].id;
    }
    return dp->n_ports;
}

unsigned
dataplane_queues(const struct dataplane *dp)
{
    return dp->counters->queues;
}

int
dataplane_port_stats(const struct dataplane *dp, unsigned id,
                     struct queue_stats *total, struct queue_stats *queues)
{
    for (unsigned i = 0; i < dp->n_ports; i++) {
        if (dp->ports[i].id == id) {
            struct port_dev_stats ds;

            port_counters(dp, &dp->ports[i], NULL, queues, total, &ds);
            return 0;
        }
    }
    return -ENOENT;
}

json_t *
dataplane_stats_json(const struct dataplane *dp)
{
    json_t *root = json_object();
    json_t *ports = json_array();
    struct queue_stats all;
    uint64_t hz = cycles_hz(), drops = 0;

    memset(&all, 0, sizeof all);
    for (unsigned i = 0; i < dp->n_ports; i++) {
        const struct dp_port *p = &dp->ports[i];
        json_t *jp = port_info_json(p);
        json_t *queues = json_array();
        struct port_dev_stats ds;
        struct queue_stats sum;
        json_t *xstats;
        int error = port_counters(dp, p, queues, NULL, &sum, &ds);

        drops += stats_port_json(jp, &sum, error ? NULL : &ds);
        queue_stats_add(&all, &sum);
        json_object_set_new(jp, "queues", queues);
        xstats = port_get_xstats(p->port);
        if (xstats) {
            json_object_set_new(jp, "xstats", xstats);
        }
        json_array_append_new(ports, jp);
    }
    json_object_set_new(root, "mode",
                        json_string(gfp_mode_name(dataplane_mode(dp))));
    json_object_set_new(root, "engine", json_string(dp->engine->name));
    json_object_set_new(root, "workers", json_integer(dp->n_workers));
    json_object_set_new(root, "queues", json_integer(dp->cfg->queues));
    json_object_set_new(root, "cycles_hz", json_integer(hz));
    json_object_set_new(root, "elapsed_s", json_real(
        (double) (cycles_now() - dp->counters->start_cycles) / hz));
    json_object_set_new(root, "ports", ports);
    stats_root_json(root, &all, drops);
    return root;
}

void
dataplane_print_rates(struct dataplane *dp)
{
    uint64_t now = cycles_now();
    double secs = (double) (now - dp->counters->last_cycles) / cycles_hz();

    if (secs <= 0) {
        return;
    }
    for (unsigned i = 0; i < dp->n_ports; i++) {
        struct dp_port *p = &dp->ports[i];
        struct dp_port_counters *pc = &dp->counters->ports[p->id];
        struct port_dev_stats ds;
        struct queue_stats sum;
        uint64_t rx, tx, busy;

        port_counters(dp, p, NULL, NULL, &sum, &ds);
        rx = sum.rx_packets - pc->last.rx_packets;
        tx = sum.tx_packets - pc->last.tx_packets;
        busy = sum.busy_cycles - pc->last.busy_cycles;
        printf("port %u %-20s rx %10.3f Mpps  tx %10.3f Mpps  drops %"PRIu64
               " (tx-full %"PRIu64", too-big %"PRIu64", runt %"PRIu64
               ", no-mbuf %"PRIu64")  %.1f cycles/pkt\n", p->id,
               port_name(p->port), rx / secs / 1e6, tx / secs / 1e6,
               queue_stats_drops(&sum), sum.drop_tx_full, sum.drop_too_big,
               sum.drop_runt, sum.drop_no_mbuf,
               rx ? (double) busy / rx : 0.0);
        pc->last = sum;
    }
    fflush(stdout);
    dp->counters->last_cycles = now;
}
