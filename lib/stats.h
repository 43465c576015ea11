/* Per-queue forwarding counters.
 *
 * Every counter is named once, in QUEUE_COUNTERS (see counter.h); the
 * struct, the JSON dump, the text dump and the drop total ("drops", the
 * sum of the COUNTER_DROP entries) are all generated from that list.  Each
 * queue's block has a single writer (the worker that owns the queue) and is
 * cache aligned so that workers never share a line; readers use relaxed
 * loads. */
#ifndef GFP_STATS_H
#define GFP_STATS_H 1

#include <jansson.h>
#include <stdint.h>

#include "counter.h"

struct port_dev_stats;

/*         name          kind           meaning */
#define QUEUE_COUNTERS(C)                                               \
    C(rx_packets,   COUNTER_PACKETS, "packets received")                \
    C(rx_bytes,     COUNTER_BYTES,   "bytes received")                  \
    C(tx_packets,   COUNTER_PACKETS, "packets transmitted")             \
    C(tx_bytes,     COUNTER_BYTES,   "bytes transmitted")               \
    C(drop_tx_full, COUNTER_DROP,                                       \
      "packets dropped: transmit ring full")                            \
    C(drop_no_mbuf, COUNTER_DROP,                                       \
      "packets dropped: no buffer to receive into")                     \
    C(drop_too_big, COUNTER_DROP,                                       \
      "packets dropped: longer than the output MTU")                    \
    C(drop_runt,    COUNTER_DROP,                                       \
      "packets dropped: shorter than an Ethernet header")               \
    C(rx_bursts,    COUNTER_EVENT,   "non-empty receive bursts")        \
    C(busy_cycles,  COUNTER_CYCLES,                                     \
      "TSC cycles spent on non-empty bursts")                           \
    C(idle_waits,   COUNTER_EVENT,                                      \
      "sleeps or waits of the worker that polls this queue, each "      \
      "begun with all its queues empty (--idle sleep or interrupt)")    \
    C(idle_wakeups, COUNTER_EVENT,                                      \
      "idle_waits after which this queue had frames")                   \
    C(tx_retries,   COUNTER_EVENT,                                      \
      "transmit bursts tried again for frames the queue had not taken " \
      "(--tx-retries)")

struct queue_stats {
    QUEUE_COUNTERS(COUNTER_FIELD)
} __attribute__((aligned(64)));

/* Adds 'n' to a counter.  Only the owning worker writes, so a relaxed
 * load-add-store is exact and keeps readers free of torn values. */
#define STATS_ADD(S, NAME, N) counter_add(&(S)->NAME, (N))

void queue_stats_read(const struct queue_stats *, struct queue_stats *out);
void queue_stats_add(struct queue_stats *sum, const struct queue_stats *);
void queue_stats_reset(struct queue_stats *);

/* Subtracts 'base' (an earlier reading of the same block) from 's'. */
void queue_stats_sub(struct queue_stats *s, const struct queue_stats *base);

/* Sum of the drop counters (the COUNTER_DROP entries of QUEUE_COUNTERS). */
uint64_t queue_stats_drops(const struct queue_stats *);

/* Busy cycles per received packet, 0 when nothing was received. */
double queue_stats_cycles_per_packet(const struct queue_stats *);

/* A JSON object with one member per counter, plus "cycles_per_packet" and
 * "drops" (queue_stats_drops()). */
json_t *queue_stats_to_json(const struct queue_stats *);

/* Sets in 'port', a port's JSON object in the stats dump, "total" (from
 * 'sum'), "device" (from 'ds'; NULL: the device has no counters) and
 * "drops": the total's drops and the device's together.  Returns those. */
uint64_t stats_port_json(json_t *port, const struct queue_stats *sum,
                         const struct port_dev_stats *ds);

/* Sets in 'root', the stats dump, "total" (from 'all'), "drops" (the
 * ports' "drops" added up) and "drop_reasons": one object per counter that
 * counts dropped packets, {"counter": NAME, "in": "total" or "device",
 * "meaning": TEXT}, in the order of the lists.  A port's "drops" is the sum
 * of those counters in its "total" and its "device". */
void stats_root_json(json_t *root, const struct queue_stats *all,
                     uint64_t drops);

#endif /* stats.h */
