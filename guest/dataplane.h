/* gfp-fwd's data plane: ports, streams, workers, and the counters that
 * outlive them.
 *
 * A data plane runs in one mode, whose class (mode.h) gives its ports and
 * runs its workers: DPDK ethdevs on lcores, kernel interfaces through
 * PacketMMAP rings on threads.  A live mode switch
 * stops one data plane, drains it and starts another over the same
 * counters ('struct dp_counters'), so the counters of port N go on across
 * the switch. */
#ifndef GFP_DATAPLANE_H
#define GFP_DATAPLANE_H 1

#include <jansson.h>
#include <stdint.h>

#include "gfp-config.h"

struct dataplane;
struct dp_counters;
struct dp_mode_class;

/* Counters for every port and queue, zero at first. */
struct dp_counters *dp_counters_create(unsigned queues);
void dp_counters_destroy(struct dp_counters *);

/* Opens and configures every port that mode 'class' gives the
 * configuration and lays out the streams over the workers.  Returns 0,
 * -EINVAL for a configuration that cannot work here (message in 'err'),
 * or another negative errno. */
int dataplane_create(const struct config *, const struct dp_mode_class *,
                     struct dp_counters *, struct dataplane **,
                     char err[CONFIG_ERR_LEN]);

/* Checks, without opening anything, that mode 'class' has the ports the
 * configuration pairs. */
int dataplane_check(const struct config *, const struct dp_mode_class *,
                    char err[CONFIG_ERR_LEN]);

/* Starts the ports and launches one worker per worker lcore or thread. */
int dataplane_start(struct dataplane *);

/* Stops the workers (each finishes its current burst).  With 'drain', the
 * frames the ports still hold are then forwarded: ports that can stop
 * taking in new frames (PacketMMAP) are drained until empty, the others
 * for at most 'drain_ms'.  Then the ports stop.  Returns the number of
 * packets the drain received; '*intake_end' (may be NULL) gets the TSC
 * time from which the ports took in no more frames. */
uint64_t dataplane_stop(struct dataplane *, bool drain, unsigned drain_ms,
                        uint64_t *intake_end);

/* Keeps what the stopped ports' devices counted themselves (drops for
 * want of a buffer), which a stopped or closed device no longer shows.
 * Call when a stopped data plane is set aside. */
void dataplane_park(struct dataplane *);

/* Closes every port; every mbuf goes back to its pool; the devices' own
 * drop counters are kept in the counters.  Accepts NULL. */
void dataplane_destroy(struct dataplane *);

enum gfp_mode dataplane_mode(const struct dataplane *);

/* All counters: per port, per queue, totals, and device drops. */
json_t *dataplane_stats_json(const struct dataplane *);

/* The ports: id, name, driver, MAC, link, queues. */
json_t *dataplane_ports_json(const struct dataplane *);

/* Accessors for other readers of the counters (DPDK telemetry).  Like
 * every reader here, one thread at a time: a PacketMMAP port's kernel
 * counters clear when read.
 *
 * dataplane_port_ids() stores the ids of the ports, in the order of the
 * "stats" dump, into 'ids' (room for CONFIG_MAX_PORTS) and returns how
 * many.  dataplane_port_stats() gives port 'id''s counters since the last
 * reset as the "stats" dump has them: the total into '*total' and, unless
 * 'queues' is NULL, one block per queue into 'queues' (room for
 * dataplane_queues() blocks); it returns 0, or -ENOENT if no port has
 * 'id'. */
struct queue_stats;
unsigned dataplane_port_ids(const struct dataplane *, uint16_t ids[]);
unsigned dataplane_queues(const struct dataplane *);
int dataplane_port_stats(const struct dataplane *, unsigned id,
                         struct queue_stats *total,
                         struct queue_stats *queues);

/* Counts from zero again from now on (the workers keep running). */
void dataplane_reset_stats(struct dataplane *);

/* One line per port with rates since the previous call. */
void dataplane_print_rates(struct dataplane *);


#endif /* dataplane.h */
