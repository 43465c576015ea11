/* Forwarding engines and the per-burst forwarding step.
 *
 * An engine sees a batch of packets whose Ethernet headers are present and
 * contiguous (the step drops runts before the engine runs), never a port or
 * a backend.  It edits packets in place: no copies. */
#ifndef GFP_FWD_ENGINE_H
#define GFP_FWD_ENGINE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"
#include "stats.h"

/* One direction of a port pair on one queue: receive from 'rx', transmit on
 * 'tx'.  Exactly one worker runs a stream, so it is the only writer of both
 * counter blocks. */
struct fwd_stream {
    const struct port_queue *rx;
    const struct port_queue *tx;
    struct queue_stats *rx_stats;
    struct queue_stats *tx_stats;
    uint32_t max_len;           /* Longest frame 'tx' takes, without CRC. */
    uint16_t burst;
    uint8_t tx_retries;         /* Tries after a partial transmit. */
    /* l2: the header written into every packet, destination then
     * source. */
    uint8_t l2_hdr[2 * GFP_ETH_ALEN];
    bool dst_mac_set;
    uint16_t rx_port, tx_port, queue;
} __attribute__((aligned(64)));

struct fwd_engine {
    const char *name;
    const char *help;
    /* Checks that 'stream' has what the engine needs.  May be NULL. */
    int (*init)(const struct fwd_stream *);
    /* Forwards 'batch' in place. */
    void (*fwd)(const struct fwd_stream *, struct pkt_batch *);
};

/* How many packets ahead an engine that writes headers prefetches them.
 * The frames were written by another CPU (the host's switch, the kernel),
 * so a header is a cache miss of a few hundred cycles, against a few
 * cycles of work a packet: a distance of 2 hid little of it. */
#define FWD_PREFETCH_AHEAD 8

/* Prefetches, for writing, the headers of packets 'from' up to (not
 * including) 'to' of 'b' (clamped to the batch). */
static inline void
fwd_prefetch_headers(const struct pkt_batch *b, uint16_t from, uint16_t to)
{
    for (uint16_t i = from; i < to && i < b->n; i++) {
        __builtin_prefetch(b->data[i], 1);
    }
}

/* In an engine's loop over 'n' packets of 'b', at packet 'i': prefetches,
 * for writing, the header FWD_PREFETCH_AHEAD packets ahead if it is inside
 * the batch (fwd_prefetch_headers() took the first ones before the loop). */
static inline void
fwd_prefetch_ahead(const struct pkt_batch *b, uint16_t i, uint16_t n)
{
    if (i + FWD_PREFETCH_AHEAD < n) {
        __builtin_prefetch(b->data[i + FWD_PREFETCH_AHEAD], 1);
    }
}

const struct fwd_engine *fwd_engine_find(const char *name);
void fwd_engine_names(char *buf, size_t size);
const struct fwd_engine *const *fwd_engine_list(size_t *n);

/* Polls 'stream' once: receive a burst, drop runts and frames too long for
 * the output, run 'engine', transmit, free and count what did not go out.
 * Returns the number of packets received.
 *
 * '*clock' is the poller's clock (cycles_now()): when it last read it (the
 * end of its previous poll, or its start); the poll reads it once, at its
 * end, and stores it back.  A poll that received counts the interval as
 * the stream's busy cycles: the poll and the loop's own work since the
 * one before.  One clock read a poll, not two, is what the accounting
 * costs (a read is tens of cycles; a virtio burst is a few hundred). */
uint16_t fwd_stream_poll(const struct fwd_engine *, struct fwd_stream *,
                         struct pkt_batch *, uint64_t *clock);

#endif /* fwd-engine.h */
