/* gfp-test xdp-comp: the AF_XDP data path's check of the completion ring,
 * on one queue whose four rings are plain memory the test writes as the
 * kernel would (lib/port-xdp-rxtx.c needs no socket for this: a kick is
 * never asked for).
 *
 * A queue with four transmit frames sends four packets, then the "kernel"
 * completes a frame, the same frame again, an address outside the queue's
 * frames and a second frame: two go back to the free list, two are
 * counted as comp_bad_desc.  Then one more packet, and a completion of a
 * frame that is free (never sent since): counted, not taken. */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp-test.h"
#include "port-xdp-private.h"

#define N_TX 4
#define RING 8

struct fake_ring {
    uint32_t producer, consumer, flags;
    uint64_t addrs[RING];
    struct xdp_desc descs[RING];
};

static void
report(const char *when, const struct xdp_queue *q)
{
    printf("%s: free=%u pending=%u comp_bad_desc=%"PRIu64" out=", when,
           q->n_tx_free, q->tx_pending, q->sw.comp_bad_desc);
    for (unsigned i = 0; i < N_TX; i++) {
        printf("%u", q->tx_out[i]);
    }
    printf("\n");
}

/* The kernel completes 'addr': the next entry of the completion ring. */
static void
complete(struct fake_ring *comp, uint64_t addr)
{
    comp->addrs[comp->producer++ % RING] = addr;
}

static uint16_t
send_n(struct xdp_queue *q, struct fake_ring *tx, uint16_t n)
{
    static uint8_t frame[64];
    struct pkt_batch b = { .n = n };
    uint16_t sent;

    for (uint16_t i = 0; i < n; i++) {
        b.data[i] = frame;
        b.len[i] = sizeof frame;
    }
    sent = xdp_tx_burst(q, &b, n);
    tx->consumer = tx->producer;        /* The kernel took them. */
    return sent;
}

int
test_xdp_comp(int argc, char *argv[])
{
    struct fake_ring tx = { .producer = 0 }, comp = { .producer = 0 };
    uint64_t tx_free[N_TX];
    uint8_t tx_out[N_TX] = { 0 };
    struct xdp_queue *q;
    uint8_t *area;

    (void) argv;
    if (argc) {
        fprintf(stderr, "xdp-comp: no arguments\n");
        return 2;
    }
    q = aligned_alloc(64, sizeof *q);
    area = calloc(2 * N_TX, PORT_XDP_FRAME_SIZE);
    if (!q || !area) {
        printf("out of memory\n");
        return 1;
    }
    memset(q, 0, sizeof *q);
    q->tx = (struct xsk_ring_prod) {
        .cached_cons = RING, .mask = RING - 1, .size = RING,
        .producer = &tx.producer, .consumer = &tx.consumer,
        .ring = tx.descs, .flags = &tx.flags,
    };
    q->comp = (struct xsk_ring_cons) {
        .mask = RING - 1, .size = RING,
        .producer = &comp.producer, .consumer = &comp.consumer,
        .ring = comp.addrs, .flags = &comp.flags,
    };
    q->fd = -1;
    q->copy_mode = true;
    q->area = area;
    q->rx_lo = 0;
    q->rx_hi = q->tx_lo = (uint64_t) N_TX * PORT_XDP_FRAME_SIZE;
    q->tx_hi = q->tx_lo + (uint64_t) N_TX * PORT_XDP_FRAME_SIZE;
    q->tx_free = tx_free;
    q->tx_out = tx_out;
    for (unsigned i = 0; i < N_TX; i++) {
        tx_free[i] = q->tx_lo + (uint64_t) i * PORT_XDP_FRAME_SIZE;
    }
    q->n_tx_free = N_TX;

    printf("sent %u\n", send_n(q, &tx, N_TX));
    report("after sending", q);
    /* Frames are taken from the end of the free list: the first packet
     * went in frame 3. */
    complete(&comp, q->tx_lo + 3 * PORT_XDP_FRAME_SIZE);
    complete(&comp, q->tx_lo + 3 * PORT_XDP_FRAME_SIZE);
    complete(&comp, q->tx_hi);
    complete(&comp, q->tx_lo + 2 * PORT_XDP_FRAME_SIZE + 100);
    xdp_reap(q);
    report("after 4 completions", q);

    printf("sent %u\n", send_n(q, &tx, 1));
    complete(&comp, q->tx_lo + 3 * PORT_XDP_FRAME_SIZE);
    xdp_reap(q);
    report("after a completion of a free frame", q);

    free(area);
    free(q);
    return 0;
}
