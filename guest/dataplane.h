/* gfp-fwd's data plane: ports, streams, worker lcores and their counters. */
#ifndef GFP_DATAPLANE_H
#define GFP_DATAPLANE_H 1

#include <jansson.h>

#include "gfp-config.h"

struct dataplane;

/* Opens and configures every port the configuration names and lays out the
 * streams over the worker lcores.  Returns 0, -EINVAL for a configuration
 * that cannot work here (message in 'err'), or another negative errno. */
int dataplane_create(const struct config *, struct dataplane **,
                     char err[CONFIG_ERR_LEN]);

/* Starts the ports and launches one worker per worker lcore. */
int dataplane_start(struct dataplane *);

/* Stops the workers (they finish their current burst), then the ports. */
void dataplane_stop(struct dataplane *);

/* Closes every port; every mbuf goes back to its pool.  Accepts NULL. */
void dataplane_destroy(struct dataplane *);

/* All counters: per port, per queue, totals, and device drops. */
json_t *dataplane_stats_json(const struct dataplane *);

/* One line per port with rates since the previous call. */
void dataplane_print_rates(struct dataplane *);

#endif /* dataplane.h */
