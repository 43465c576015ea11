/* The AF_XDP port backend's queues, shared by its setup (lib/port-xdp.c)
 * and its data path (lib/port-xdp-rxtx.c). */
#ifndef GFP_PORT_XDP_PRIVATE_H
#define GFP_PORT_XDP_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include <xdp/xsk.h>

#include "counter.h"
#include "port.h"
#include "port-xdp.h"

/* Counters of one queue, as counter.h lists: C(NAME, KIND, MEANING).  The
 * kernel's come from XDP_STATISTICS (which keeps totals: read, never
 * cleared), the others are the port's own, written by the queue's worker
 * only.  Every drop here is also in the device counters
 * (port_xdp_get_dev_stats()), hence COUNTER_DROP_FOLDED. */
#define XDP_KERNEL_COUNTERS(C)                                          \
    C(rx_dropped, COUNTER_DROP_FOLDED,                                  \
      "kernel: dropped on receive (no fill buffer, or too long)")       \
    C(rx_invalid_descs, COUNTER_DROP_FOLDED,                            \
      "kernel: invalid receive descriptors")                            \
    C(tx_invalid_descs, COUNTER_DROP_FOLDED,                            \
      "kernel: transmit descriptors refused as invalid")                \
    C(rx_ring_full, COUNTER_DROP_FOLDED,                                \
      "kernel: dropped, the receive ring was full")                     \
    C(rx_fill_ring_empty_descs, COUNTER_DROP_FOLDED,                    \
      "kernel: dropped, no frame in the fill ring")                     \
    C(tx_ring_empty_descs, COUNTER_EVENT,                               \
      "kernel: wakeups that found no frame to send")
#define XDP_PORT_COUNTERS(C)                                            \
    C(rx_bad_desc, COUNTER_DROP_FOLDED,                                 \
      "received descriptors out of bounds: dropped")                    \
    C(tx_too_big, COUNTER_DROP_FOLDED,                                  \
      "frames longer than a UMEM frame: dropped on output")             \
    C(tx_kick_errors, COUNTER_EVENT,                                    \
      "sendto() kicks that failed other than EAGAIN")                   \
    C(comp_bad_desc, COUNTER_DROP_FOLDED,                               \
      "completed addresses that are no frame in flight (out of bounds, "  \
      "never sent, completed twice): not taken back")                  \
    C(tx_shared, COUNTER_EVENT,                                         \
      "frames sent by descriptor from the paired port's UMEM frame, "   \
      "without a copy (shared UMEM)")

struct xdp_counters {
    XDP_KERNEL_COUNTERS(COUNTER_FIELD)
    XDP_PORT_COUNTERS(COUNTER_FIELD)
};

#define XDP_ADD(Q, NAME, N) counter_add(&(Q)->sw.NAME, (N))

/* One queue: its socket and four rings, and the slice of the UMEM it owns.
 * Only the worker that polls the queue touches it, but for 'sw', which the
 * control thread reads. */
struct xdp_queue {
    struct xsk_ring_cons rx;
    struct xsk_ring_prod tx;
    struct xsk_ring_prod fill;
    struct xsk_ring_cons comp;
    struct xsk_socket *xsk;
    int fd;
    bool copy_mode;             /* The kernel sends from the kick. */
    uint64_t hold_cycles;       /* Receive hold (port_conf's rx_hold_us). */
    uint64_t waiting_since;     /* Cycles: frames held since, or 0. */
    uint8_t *area;              /* The port's UMEM: addresses are offsets. */
    uint64_t rx_lo, rx_hi;      /* Receive frames: [rx_lo, rx_hi). */
    uint64_t tx_lo, tx_hi;      /* Transmit frames: [tx_lo, tx_hi). */
    uint64_t *tx_free;          /* Transmit frames not in the kernel. */
    uint8_t *tx_out;            /* Per transmit frame: 1 while the kernel
                                 * has it (a completion is checked). */
    unsigned n_tx_free;
    unsigned tx_pending;        /* Submitted, not yet completed. */
    uint64_t held[2 * GFP_BURST_MAX];  /* Received, not yet refilled
                                        * (XDP_LENT: lent since). */
    unsigned n_held;
    /* A shared UMEM only: the other port's queue of the same index, and
     * per receive frame its place in 'held' plus one, XDP_SLOT_LENT while
     * the peer has it, or 0 (in the kernel's hands). */
    struct xdp_queue *peer;
    uint8_t *slot;
    unsigned n_lent_held;       /* XDP_LENT entries in 'held'. */
    struct xdp_counters sw;     /* The XDP_PORT_COUNTERS part. */
} __attribute__((aligned(64)));

/* A 'held' entry whose frame was lent to the peer's transmit ring, and
 * its 'slot' meanwhile. */
#define XDP_LENT UINT64_MAX
#define XDP_SLOT_LENT UINT8_MAX
_Static_assert(2 * GFP_BURST_MAX < XDP_SLOT_LENT,
               "a 'slot' holds a place in 'held' plus one");

/* The data path (port-xdp-rxtx.c): struct port_queue's members, and what
 * stopping a port needs. */
uint16_t xdp_rx_burst(void *q, struct pkt_batch *, uint16_t max);
uint16_t xdp_tx_burst(void *q, struct pkt_batch *, uint16_t n);
void xdp_free_bufs(void **bufs, uint16_t n);
void xdp_reap(struct xdp_queue *);
void xdp_kick(struct xdp_queue *);

#endif /* port-xdp-private.h */
