/* Per-queue forwarding counters.
 *
 * Every counter is named once, in QUEUE_COUNTERS; the struct, the JSON dump
 * and the text dump are all generated from that list.  Each queue's block
 * has a single writer (the worker that owns the queue) and is cache aligned
 * so that workers never share a line; readers use relaxed loads. */
#ifndef GFP_STATS_H
#define GFP_STATS_H 1

#include <jansson.h>
#include <stdint.h>

/*         name           description */
#define QUEUE_COUNTERS(C)                                               \
    C(rx_packets,   "packets received")                                 \
    C(rx_bytes,     "bytes received")                                   \
    C(tx_packets,   "packets transmitted")                              \
    C(tx_bytes,     "bytes transmitted")                                \
    C(drop_tx_full, "packets dropped: transmit ring full")              \
    C(drop_no_mbuf, "packets dropped: no buffer to receive into")       \
    C(drop_too_big, "packets dropped: longer than the output MTU")      \
    C(drop_runt,    "packets dropped: shorter than an Ethernet header") \
    C(rx_bursts,    "non-empty receive bursts")                         \
    C(busy_cycles,  "TSC cycles spent on non-empty bursts")

struct queue_stats {
#define QUEUE_COUNTER_FIELD(NAME, DESC) uint64_t NAME;
    QUEUE_COUNTERS(QUEUE_COUNTER_FIELD)
#undef QUEUE_COUNTER_FIELD
} __attribute__((aligned(64)));

/* Adds 'n' to a counter.  Only the owning worker writes, so a relaxed
 * load-add-store is exact and keeps readers free of torn values. */
#define STATS_ADD(S, NAME, N)                                           \
    __atomic_store_n(&(S)->NAME, (S)->NAME + (N), __ATOMIC_RELAXED)

void queue_stats_read(const struct queue_stats *, struct queue_stats *out);
void queue_stats_add(struct queue_stats *sum, const struct queue_stats *);
void queue_stats_reset(struct queue_stats *);

/* Subtracts 'base' (an earlier reading of the same block) from 's'. */
void queue_stats_sub(struct queue_stats *s, const struct queue_stats *base);

/* Sum of the drop counters. */
uint64_t queue_stats_drops(const struct queue_stats *);

/* Busy cycles per received packet, 0 when nothing was received. */
double queue_stats_cycles_per_packet(const struct queue_stats *);

/* A JSON object with one member per counter, plus "cycles_per_packet". */
json_t *queue_stats_to_json(const struct queue_stats *);

#endif /* stats.h */
