/* Ports: the packet I/O that gfp-fwd forwards between.
 *
 * A port is opened through a backend (struct port_class, see
 * port-provider.h), configured, started, and then polled through one
 * struct port_queue per queue.  The queue's burst functions are resolved
 * once, when the port starts, so the forwarding loop calls them without
 * knowing which backend is behind them. */
#ifndef GFP_PORT_H
#define GFP_PORT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "counter.h"
#include "util.h"

struct port;
struct port_class;

/* A burst of received packets.  'bufs' are the backend's packet handles
 * (DPDK: struct rte_mbuf *); 'data' points to each packet's Ethernet
 * header, 'head_len' is how many bytes of it are contiguous there and
 * 'len' is the whole packet's length. */
struct pkt_batch {
    uint16_t n;
    /* Set by the receiver as it fills the batch (pkt_batch_add()): the sum
     * of 'len', and whether any packet is a runt or longer than
     * 'max_len', which the caller sets before receiving.  This spares the
     * forwarding step a second pass over the burst. */
    bool bad;
    uint32_t max_len;
    uint64_t bytes;
    void *bufs[GFP_BURST_MAX];
    uint8_t *data[GFP_BURST_MAX];
    uint32_t len[GFP_BURST_MAX];
    uint16_t head_len[GFP_BURST_MAX];
};

/* Records packet 'i' of a batch being received ('bufs[i]' is set by the
 * caller). */
static inline void
pkt_batch_add(struct pkt_batch *b, uint16_t i, uint8_t *data, uint32_t len,
              uint16_t head_len)
{
    b->data[i] = data;
    b->len[i] = len;
    b->head_len[i] = head_len;
    b->bytes += len;
    b->bad |= (head_len < GFP_ETH_HLEN) | (len > b->max_len);
}

/* The fast-path view of one queue: receive into a batch, transmit the
 * first 'n' packets of a batch (returning how many leading ones it took),
 * free handles that will not be transmitted.  A backend that receives in
 * place keeps the frames of a burst valid until the next receive on the
 * same queue. */
struct port_queue {
    uint16_t (*rx_burst)(void *q, struct pkt_batch *, uint16_t max);
    uint16_t (*tx_burst)(void *q, struct pkt_batch *, uint16_t n);
    void (*free_bufs)(void **bufs, uint16_t n);
    void *q;
    /* --idle interrupt, off the forwarding path: before a wait on the
     * queue's wait fd (port_rx_wait_fd()), 'rx_intr(q, true)' asks the
     * device to signal the next frame; after it, 'rx_intr(q, false)' turns
     * that off again and clears the fd.  NULL: nothing to arm (a socket's
     * readiness needs no arming). */
    void (*rx_intr)(void *q, bool arm);
} __attribute__((aligned(64)));

/* What gfp-fwd asks of a port. */
struct port_conf {
    unsigned queues;            /* Rx queues = tx queues. */
    unsigned rxd, txd;          /* Descriptors per queue. */
    unsigned mtu;
    unsigned mbuf_size;         /* 0: let the backend choose. */
    unsigned n_mbufs;           /* 0: let the backend choose. */
    unsigned burst;
    unsigned workers;           /* Threads that may hold packets. */
    bool rx_intr;               /* Receive interrupts (--idle interrupt). */
    /* A backend whose frames arrive one by one may leave fewer than
     * 'burst' of them to wait this many microseconds for more, so that
     * they go on in fuller bursts (AF_XDP).  0: never. */
    unsigned rx_hold_us;
};

/* Counters only the backend can see (the device's own drops), as a list
 * (see counter.h).  The device's drops are the COUNTER_DROP entries;
 * rx_nombuf is a drop too, but the data plane adds it to its queue
 * counters' drop_no_mbuf. */
#define PORT_DEV_COUNTERS(C)                                            \
    C(rx_nombuf, COUNTER_DROP_FOLDED,                                   \
      "receive failed: no buffer (in the port total's drop_no_mbuf)")   \
    C(rx_missed, COUNTER_DROP,                                          \
      "dropped by the device: receive queue or ring full")              \
    C(rx_errors, COUNTER_DROP,                                          \
      "received frames the device dropped as bad")                      \
    C(tx_errors, COUNTER_DROP,                                          \
      "frames given to the device that it did not send")

struct port_dev_stats {
    PORT_DEV_COUNTERS(COUNTER_FIELD)
};

/* The device counters' descriptions, '*n' of them. */
const struct counter_desc *port_dev_stats_descs(size_t *n);

/* The device's drops: the sum of the COUNTER_DROP entries. */
uint64_t port_dev_stats_drops(const struct port_dev_stats *);

/* One member per counter, and "drops" (port_dev_stats_drops()). */
json_t *port_dev_stats_to_json(const struct port_dev_stats *);

struct port_link {
    bool up;
    uint32_t speed_mbps;
};

int port_open(const struct port_class *, const char *devname,
              struct port **);
void port_close(struct port *);

const char *port_name(const struct port *);
const char *port_driver(const struct port *);
const char *port_devargs(const struct port *);  /* "" if none. */
int port_numa_node(const struct port *);

/* Two opened, not yet configured ports that will forward to each other,
 * queue q of each to queue q of the other, each such pair of queues polled
 * by one thread: lets the backend share buffers between them (AF_XDP: one
 * UMEM) so that frames go through without a copy.  -EOPNOTSUPP where it
 * cannot (another class, or a backend that never shares). */
int port_share(struct port *, struct port *peer);

int port_configure(struct port *, const struct port_conf *);
int port_start(struct port *);
void port_stop(struct port *);

/* Stops new frames from entering a started port; those it holds can still
 * be received.  -EOPNOTSUPP if the backend cannot. */
int port_rx_quiesce(struct port *);

/* The fast-path handle of queue 'qid'; valid between start and stop. */
const struct port_queue *port_queue(const struct port *, unsigned qid);

/* Into '*fd', a descriptor that poll() finds readable when queue 'qid' of
 * the started port has frames (see struct port_queue's 'rx_intr'), owned
 * by the port.  -EOPNOTSUPP if the backend or the device has none. */
int port_rx_wait_fd(const struct port *, unsigned qid, int *fd);

int port_get_mac(const struct port *, uint8_t mac[GFP_ETH_ALEN]);
int port_get_link(const struct port *, struct port_link *);
int port_get_dev_stats(const struct port *, struct port_dev_stats *);

/* The MTU a configured port transmits at if the device knows it can be
 * lower than the one configured (-EOPNOTSUPP otherwise). */
int port_get_mtu(const struct port *, unsigned *mtu);

/* Backend-specific extended counters as a JSON object, or NULL. */
json_t *port_get_xstats(const struct port *);

#endif /* port.h */
