/* net_pmmap: the burst functions.
 *
 * They run on the polling threads: no syscall but the transmit ring's
 * sendto() kick (inside tpacket_tx_burst(), which with tx_copy also reads
 * the interface's MTU every 100 ms), no logging, no malloc.  Each
 * queue's counters have one writer, the thread that polls it. */
#include <config.h>
#include "pmmap.h"

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

/* Fills 'head' (fresh, from rte_pktmbuf_alloc_bulk()) and as many further
 * segments as 'p' needs, allocated here.  Returns false, with 'head'
 * untouched, if the mempool has too few. */
static bool
rx_copy_chained(struct pmmap_rxq *q, struct rte_mbuf *head,
                const struct tpacket_pkt *p)
{
    struct rte_mbuf *segs[PMMAP_RX_MAX_SEGS];
    struct rte_mbuf *prev = head;
    uint32_t rest = p->len - q->head_room;
    uint32_t off = q->head_room;
    unsigned n = (rest + q->seg_room - 1) / q->seg_room;

    /* dev_start checked that a frame of 'max_len' needs at most
     * PMMAP_RX_MAX_SEGS segments, and longer frames are dropped before. */
    if (rte_pktmbuf_alloc_bulk(q->mp, segs, n)) {
        return false;
    }
    rte_memcpy(rte_pktmbuf_mtod(head, void *), p->data, q->head_room);
    head->data_len = q->head_room;
    for (unsigned i = 0; i < n; i++) {
        struct rte_mbuf *m = segs[i];
        uint32_t len = RTE_MIN(q->seg_room, p->len - off);

        /* Further segments need no headroom. */
        m->data_off = 0;
        rte_memcpy(rte_pktmbuf_mtod(m, void *), p->data + off, len);
        m->data_len = len;
        prev->next = m;
        prev = m;
        off += len;
    }
    head->nb_segs = n + 1;
    head->pkt_len = p->len;
    return true;
}

/* Hands 'p' over in place as 'm''s data (pmmap-lend.c), if there is room
 * around it: an mbuf's headroom in front, and after it PMMAP_LEND_TAILROOM
 * that neither the next frame's data nor its headroom (if it is lent too)
 * takes.  Returns false, with 'm' untouched, if not. */
static inline bool
rx_lend(struct pmmap_rxq *q, struct rte_mbuf *m, const struct tpacket_pkt *p)
{
    const struct pmmap_lend *l = q->lend;
    uint8_t *buf = p->data - RTE_PKTMBUF_HEADROOM;
    struct rte_mbuf_ext_shared_info *sh;

    if (unlikely(p->headroom < RTE_PKTMBUF_HEADROOM
                 || p->room_after < PMMAP_LEND_ROOM + 4
                 || p->index >= l->frames_max)) {
        return false;
    }
    sh = &l->sh[(size_t) p->block * l->frames_max + p->index];
    rte_mbuf_ext_refcnt_set(sh, 1);
    tpacket_rx_hold(q->t, p->block);
    rte_pktmbuf_attach_extbuf(m, buf,
                              l->iova_va ? (rte_iova_t) (uintptr_t) buf
                                         : RTE_BAD_IOVA,
                              RTE_PKTMBUF_HEADROOM + p->len
                              + PMMAP_LEND_TAILROOM, sh);
    m->data_off = RTE_PKTMBUF_HEADROOM;
    m->data_len = p->len;
    m->pkt_len = p->len;
    return true;
}

void
pmmap_rx_stash_free(struct pmmap_rxq *q)
{
    if (q->n_stash) {
        rte_pktmbuf_free_bulk(q->stash, q->n_stash);
        q->n_stash = 0;
    }
}

/* Takes 'n' fresh mbufs from 'q''s stash into 'bufs', filling the stash
 * from the mempool in bulk first if it has fewer.  Returns false, taking
 * none, if the mempool has too few. */
static inline bool
rx_stash_take(struct pmmap_rxq *q, struct rte_mbuf **bufs, unsigned n)
{
    if (unlikely(q->n_stash < n)) {
        unsigned want = PMMAP_BURST_MAX - q->n_stash;

        if (rte_pktmbuf_alloc_bulk(q->mp, q->stash + q->n_stash, want)) {
            want = n - q->n_stash;
            if (rte_pktmbuf_alloc_bulk(q->mp, q->stash + q->n_stash,
                                       want)) {
                return false;
            }
        }
        q->n_stash += want;
    }
    q->n_stash -= n;
    rte_memcpy(bufs, q->stash + q->n_stash, n * sizeof *bufs);
    return true;
}

/* Receives into mbufs taken first, so that frames stay in the ring when
 * there are none.  'nombuf' counts the bursts that left frames in the ring
 * for want of mbufs, and the frames dropped because their further segments
 * could not be had (rx_nombuf in the ethdev stats).  Mbufs left over, for
 * which the ring had no frame, go back to the stash untouched. */
uint16_t
pmmap_rx_burst(void *rxq, struct rte_mbuf **bufs, uint16_t nb_pkts)
{
    struct pmmap_rxq *q = rxq;
    struct tpacket_pkt pkts[PMMAP_BURST_MAX];
    unsigned n = RTE_MIN(nb_pkts, PMMAP_BURST_MAX);
    unsigned got, out = 0, too_big = 0, nombuf = 0, lent = 0;
    uint64_t bytes = 0;
    bool lend;

    if (!tpacket_rx_ready(q->t) || unlikely(!n)) {
        return 0;
    }
    /* Copies while too many blocks are held (lent frames not freed yet),
     * so that the kernel keeps a ring to fill. */
    lend = q->lend && pmmap_lend_allowed()
           && tpacket_rx_held(q->t) < q->lend->limit;
    if (unlikely(!rx_stash_take(q, bufs, n))) {
        counter_add(&q->c.nombuf, 1);
        return 0;
    }

    got = tpacket_rx_burst(q->t, pkts, n);
    for (unsigned i = 0; i < got; i++) {
        const struct tpacket_pkt *p = &pkts[i];
        struct rte_mbuf *m = bufs[out];

        /* The kernel wrote the next frame on another CPU. */
        if (i + 1 < got) {
            rte_prefetch0(pkts[i + 1].data);
        }
        if (unlikely(p->len > q->max_len)) {
            too_big++;
            continue;
        } else if (lend && rx_lend(q, m, p)) {
            lent++;
        } else if (likely(p->len <= q->head_room)) {
            rte_memcpy(rte_pktmbuf_mtod(m, void *), p->data, p->len);
            m->data_len = p->len;
            m->pkt_len = p->len;
        } else if (unlikely(!rx_copy_chained(q, m, p))) {
            nombuf++;
            continue;
        }
        m->port = q->port_id;
        bytes += p->len;
        out++;
    }
    tpacket_rx_done(q->t);
    if (out < n) {
        rte_memcpy(q->stash + q->n_stash, &bufs[out],
                   (n - out) * sizeof *bufs);
        q->n_stash += n - out;
    }

    counter_add(&q->c.packets, out);
    counter_add(&q->c.bytes, bytes);
    if (unlikely(too_big)) {
        counter_add(&q->c.too_big, too_big);
    }
    if (unlikely(nombuf)) {
        counter_add(&q->c.nombuf, nombuf);
    }
    if (lent) {
        counter_add(&q->c.lent, lent);
    }
    return out;
}

/* Whether the kernel takes a frame of 'len' bytes starting as 'm' does:
 * up to the MTU plus a header, 4 bytes more with an 802.1Q tag ('max_len'
 * is the MTU plus both). */
static inline bool
tx_len_ok(const struct pmmap_txq *q, const struct rte_mbuf *m)
{
    uint32_t len = m->pkt_len;
    const uint8_t *d;

    if (likely(len <= q->max_len - 4)) {
        return len >= PMMAP_ETH_HLEN;
    }
    if (len > q->max_len || m->data_len < PMMAP_ETH_HLEN) {
        return false;
    }
    d = rte_pktmbuf_mtod(m, const uint8_t *);
    return d[12] == 0x81 && d[13] == 0x00;
}

/* Adds to 'q''s counters the frames among 'bufs[0..n)' that the ring
 * cannot take: too long, or too short for an Ethernet header (the kernel
 * would refuse either and stop the ring at it). */
static void
tx_count_drops(struct pmmap_txq *q, struct rte_mbuf **bufs, unsigned n)
{
    unsigned too_big = 0, runts = 0;

    for (unsigned i = 0; i < n; i++) {
        uint32_t len = bufs[i]->pkt_len;

        if (!tx_len_ok(q, bufs[i])) {
            too_big += len >= PMMAP_ETH_HLEN;
            runts += len < PMMAP_ETH_HLEN;
        }
    }
    if (too_big) {
        counter_add(&q->c.too_big, too_big);
    }
    if (runts) {
        counter_add(&q->c.runts, runts);
    }
}

/* Sends mbufs from 'bufs' in one ring call: up to PMMAP_BURST_MAX frames,
 * at most PMMAP_TX_BOUNCE_FRAMES of them multi-segment.  Returns how many
 * mbufs it consumed (queued, or dropped and counted), which it frees; sets
 * '*full' if the ring took fewer frames than it was offered. */
static unsigned
tx_chunk(struct pmmap_txq *q, struct rte_mbuf **bufs, unsigned n,
         bool *full)
{
    struct tpacket_pkt pkts[PMMAP_BURST_MAX];
    uint16_t idx[PMMAP_BURST_MAX];
    unsigned k = 0, i, queued, consumed, bounced = 0, dropped = 0;
    uint64_t bytes = 0;

    /* Frames the ring cannot take are left out of 'pkts'; 'idx' maps
     * 'pkts' back to 'bufs'. */
    for (i = 0; i < n && k < PMMAP_BURST_MAX; i++) {
        struct rte_mbuf *m = bufs[i];
        uint32_t len = m->pkt_len;

        if (unlikely(len < PMMAP_ETH_HLEN || len > q->max_len - 4)
            && !tx_len_ok(q, m)) {
            dropped++;
            continue;
        }
        if (likely(m->nb_segs == 1)) {
            pkts[k].data = rte_pktmbuf_mtod(m, uint8_t *);
        } else {
            if (bounced == PMMAP_TX_BOUNCE_FRAMES) {
                break;
            }
            pkts[k].data = (uint8_t *) rte_pktmbuf_read(
                m, 0, len, q->bounce + (size_t) bounced * q->max_len);
            bounced++;
        }
        pkts[k].len = len;
        idx[k] = i;
        k++;
    }

    queued = k ? tpacket_tx_burst(q->t, pkts, k) : 0;
    *full = queued < k;
    /* When the ring filled at pkts[queued], what precedes its mbuf is
     * consumed, the drops among it included. */
    consumed = *full ? idx[queued] : i;
    if (unlikely(dropped)) {
        tx_count_drops(q, bufs, consumed);
    }
    for (i = 0; i < queued; i++) {
        bytes += pkts[i].len;
    }
    if (consumed) {
        rte_pktmbuf_free_bulk(bufs, consumed);
    }
    counter_add(&q->c.packets, queued);
    counter_add(&q->c.bytes, bytes);
    return consumed;
}

uint16_t
pmmap_tx_burst(void *txq, struct rte_mbuf **bufs, uint16_t nb_pkts)
{
    struct pmmap_txq *q = txq;
    unsigned sent = 0;
    bool full = false;

    while (sent < nb_pkts && !full) {
        sent += tx_chunk(q, bufs + sent, nb_pkts - sent, &full);
    }
    if (unlikely(sent < nb_pkts)) {
        counter_add(&q->c.ring_full, nb_pkts - sent);
    }
    return sent;
}
