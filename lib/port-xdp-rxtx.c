/* The AF_XDP port backend's data path: receive, transmit, and the frames
 * lent between the two ports of a shared UMEM (see lib/port-xdp.c). */
#include <config.h>
#include "port-xdp-private.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cycles.h"

/* Frees the frames of the previous bursts for the kernel to fill again,
 * but those lent since (a shared UMEM's).  The fill ring has room for
 * every receive frame of the queue: the reservation cannot fail. */
static void
xdp_refill(struct xdp_queue *q)
{
    uint32_t idx = 0, k = 0, n = q->n_held - q->n_lent_held;

    if (n && xsk_ring_prod__reserve(&q->fill, n, &idx) != n) {
        return;
    }
    for (uint32_t i = 0; i < q->n_held; i++) {
        uint64_t frame = q->held[i];

        if (q->slot) {
            if (frame == XDP_LENT) {
                continue;
            }
            q->slot[(frame - q->rx_lo) / PORT_XDP_FRAME_SIZE] = 0;
        }
        *xsk_ring_prod__fill_addr(&q->fill, idx + k++) = frame;
    }
    if (k) {
        xsk_ring_prod__submit(&q->fill, k);
    }
    q->n_held = q->n_lent_held = 0;
}

/* Keeps receive frame 'frame' until the next receive. */
static inline void
xdp_hold(struct xdp_queue *q, uint64_t frame)
{
    if (q->slot) {
        q->slot[(frame - q->rx_lo) / PORT_XDP_FRAME_SIZE] = q->n_held + 1;
    }
    q->held[q->n_held++] = frame;
}

/* Fewer than a burst of frames, 'n' of 'max', wait in the receive ring:
 * looks again at what the kernel has put there since (libxdp reads the
 * producer only once its cached entries are used up), and returns how
 * many to take now: 0 to leave them for more to come, until the hold
 * runs out. */
static uint32_t
xdp_rx_wait(struct xdp_queue *q, uint32_t n, uint32_t max, uint32_t *idx)
{
    uint64_t now;

    xsk_ring_cons__cancel(&q->rx, n);
    q->rx.cached_prod = __atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE);
    n = xsk_ring_cons__peek(&q->rx, max, idx);
    if (n == max) {
        return n;
    }
    now = cycles_now();
    if (!q->waiting_since) {
        q->waiting_since = now;
    }
    if (now - q->waiting_since < q->hold_cycles) {
        xsk_ring_cons__cancel(&q->rx, n);
        return 0;
    }
    return n;
}

uint16_t
xdp_rx_burst(void *q_, struct pkt_batch *b, uint16_t max)
{
    struct xdp_queue *q = q_;
    uint32_t idx, n;
    uint16_t k = 0;

    /* Frames lent to the peer come back through its completion ring: take
     * them even while the peer has nothing to send. */
    if (q->peer && q->peer->tx_pending) {
        xdp_reap(q->peer);
    }
    xdp_refill(q);
    b->bytes = 0;
    b->bad = false;
    if (max > ARRAY_SIZE(q->held) - q->n_held) {
        max = ARRAY_SIZE(q->held) - q->n_held;
    }
    n = xsk_ring_cons__peek(&q->rx, max, &idx);
    if (n && n < max && q->hold_cycles) {
        n = xdp_rx_wait(q, n, max, &idx);
    }
    if (!n) {
        /* Zero-copy drivers may wait for a nudge to use the fill ring. */
        if (xsk_ring_prod__needs_wakeup(&q->fill)) {
            recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
        }
        b->n = 0;
        return 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);
        uint64_t frame = d->addr & ~(uint64_t) (PORT_XDP_FRAME_SIZE - 1);
        bool ours = frame >= q->rx_lo && frame < q->rx_hi;

        if (ours && q->slot
            && q->slot[(frame - q->rx_lo) / PORT_XDP_FRAME_SIZE]) {
            /* Held or lent already: the kernel never had it to fill. */
            XDP_ADD(q, rx_bad_desc, 1);
            continue;
        }
        if (__builtin_expect(!ours || (d->addr - frame) + d->len
                                      > PORT_XDP_FRAME_SIZE, 0)) {
            XDP_ADD(q, rx_bad_desc, 1);
            if (ours) {
                xdp_hold(q, frame);
            }
            continue;
        }
        xdp_hold(q, frame);
        b->bufs[k] = q->area + d->addr;
        pkt_batch_add(b, k, q->area + d->addr, d->len, d->len);
        k++;
    }
    xsk_ring_cons__release(&q->rx, n);
    q->waiting_since = 0;
    b->n = k;
    return k;
}

/* Gives the peer's frames that 'q' has sent back to the peer's fill
 * ring. */
static void
xdp_return_lent(struct xdp_queue *q, const uint64_t *frames, uint32_t n)
{
    struct xdp_queue *peer = q->peer;
    uint32_t idx;

    if (!n) {
        return;
    }
    if (xsk_ring_prod__reserve(&peer->fill, n, &idx) != n) {
        XDP_ADD(q, comp_bad_desc, n);   /* Cannot be: lost if it were. */
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        *xsk_ring_prod__fill_addr(&peer->fill, idx + i) = frames[i];
    }
    xsk_ring_prod__submit(&peer->fill, n);
}

/* Whether 'frame' is one of the peer's receive frames lent to 'q', which
 * it then no longer is. */
static inline bool
xdp_unlend(struct xdp_queue *q, uint64_t frame)
{
    struct xdp_queue *peer = q->peer;
    uint8_t *slot;

    if (!peer || frame < peer->rx_lo || frame >= peer->rx_hi) {
        return false;
    }
    slot = &peer->slot[(frame - peer->rx_lo) / PORT_XDP_FRAME_SIZE];
    if (*slot != XDP_SLOT_LENT) {
        return false;
    }
    *slot = 0;
    return true;
}

/* Takes back the transmit frames the kernel has sent: its own to the free
 * list, the peer's (lent, shared UMEM) to the peer's fill ring. */
void
xdp_reap(struct xdp_queue *q)
{
    uint32_t idx, n = xsk_ring_cons__peek(&q->comp, q->tx_pending, &idx);
    uint64_t lent[GFP_BURST_MAX];
    uint32_t n_lent = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint64_t frame = *xsk_ring_cons__comp_addr(&q->comp, idx + i)
                         & ~(uint64_t) (PORT_XDP_FRAME_SIZE - 1);

        if (frame >= q->tx_lo && frame < q->tx_hi) {
            uint8_t *out = &q->tx_out[(frame - q->tx_lo)
                                      / PORT_XDP_FRAME_SIZE];

            if (*out) {
                *out = 0;
                q->tx_free[q->n_tx_free++] = frame;
            } else {
                XDP_ADD(q, comp_bad_desc, 1);   /* Not sent, or twice. */
            }
        } else if (xdp_unlend(q, frame)) {
            lent[n_lent++] = frame;
            if (n_lent == ARRAY_SIZE(lent)) {
                xdp_return_lent(q, lent, n_lent);
                n_lent = 0;
            }
        } else {
            XDP_ADD(q, comp_bad_desc, 1);
        }
    }
    xdp_return_lent(q, lent, n_lent);
    xsk_ring_cons__release(&q->comp, n);
    q->tx_pending -= n;
}

void
xdp_kick(struct xdp_queue *q)
{
    if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0
        && errno != EAGAIN && errno != ENOBUFS && errno != EBUSY
        && errno != ENETDOWN) {
        XDP_ADD(q, tx_kick_errors, 1);
    }
}

/* A shared UMEM: if packet 'i' of 'b' is in a frame the peer queue holds
 * now, takes it from the peer and stores its UMEM address in '*addr'. */
static inline bool
xdp_lend(struct xdp_queue *q, const struct pkt_batch *b, uint16_t i,
         uint64_t *addr)
{
    struct xdp_queue *peer = q->peer;
    uint64_t a = (uintptr_t) b->data[i] - (uintptr_t) q->area;
    uint64_t frame = a & ~(uint64_t) (PORT_XDP_FRAME_SIZE - 1);
    uint8_t *slot;

    if (a < peer->rx_lo || a >= peer->rx_hi
        || (a - frame) + b->len[i] > PORT_XDP_FRAME_SIZE) {
        return false;
    }
    slot = &peer->slot[(frame - peer->rx_lo) / PORT_XDP_FRAME_SIZE];
    if (!*slot || *slot == XDP_SLOT_LENT) {
        return false;
    }
    peer->held[*slot - 1] = XDP_LENT;
    peer->n_lent_held++;
    *slot = XDP_SLOT_LENT;
    *addr = a;
    return true;
}

uint16_t
xdp_tx_burst(void *q_, struct pkt_batch *b, uint16_t n)
{
    struct xdp_queue *q = q_;
    uint32_t idx, room, j = 0, shared = 0;
    uint16_t i;

    xdp_reap(q);
    room = xsk_prod_nb_free(&q->tx, n);
    room = room < n ? room : n;
    if (!q->peer && room > q->n_tx_free) {
        room = q->n_tx_free;    /* Every frame takes a transmit frame. */
    }
    if (!room || xsk_ring_prod__reserve(&q->tx, room, &idx) != room) {
        if (q->tx_pending) {
            xdp_kick(q);        /* Copy mode sends, and completes, here. */
        }
        return 0;
    }
    for (i = 0; i < n && j < room; i++) {
        struct xdp_desc *d;
        uint64_t addr;

        if (__builtin_expect(b->len[i] > PORT_XDP_MAX_FRAME, 0)) {
            XDP_ADD(q, tx_too_big, 1);
            continue;
        }
        if (q->peer && xdp_lend(q, b, i, &addr)) {
            shared++;
        } else if (q->n_tx_free) {
            addr = q->tx_free[--q->n_tx_free];
            q->tx_out[(addr - q->tx_lo) / PORT_XDP_FRAME_SIZE] = 1;
            memcpy(q->area + addr, b->data[i], b->len[i]);
        } else {
            break;              /* No transmit frame left for a copy. */
        }
        d = xsk_ring_prod__tx_desc(&q->tx, idx + j++);
        d->addr = addr;
        d->len = b->len[i];
    }
    /* Descriptors left unused (frames too big, or no transmit frame left
     * for a copy): unreserved. */
    q->tx.cached_prod -= room - j;
    xsk_ring_prod__submit(&q->tx, j);
    q->tx_pending += j;
    if (shared) {
        XDP_ADD(q, tx_shared, shared);
    }
    if (xsk_ring_prod__needs_wakeup(&q->tx)) {
        xdp_kick(q);
        /* In copy mode the kernel sends from the kick, at most 32 frames
         * a call (TX_BATCH_SIZE): kick until it has taken the burst, so
         * that nothing counted as sent waits for the next burst. */
        for (int k = 0; q->copy_mode && k < GFP_BURST_MAX / 32
                        && __atomic_load_n(q->tx.consumer, __ATOMIC_ACQUIRE)
                           != q->tx.cached_prod; k++) {
            xdp_kick(q);
        }
    }
    return i;
}

void
xdp_free_bufs(void **bufs, uint16_t n)
{
    /* UMEM frames: back to the fill ring at the next receive. */
}
