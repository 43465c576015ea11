/* TPACKET_V3 rings: the transmit half (see tpacket.h). */
#include <config.h>

#include <errno.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "tpacket-private.h"
#include "util.h"

static struct tpacket3_hdr *
tx_frame(const struct tpacket *t, uint32_t i)
{
    return (void *) (t->tx_base + (size_t) i * t->geom.tx_frame_size);
}

void
tpacket_tx_kick_owed(struct tpacket *t)
{
    if (__atomic_exchange_n(&t->tx_busy, true, __ATOMIC_ACQUIRE)) {
        return;                 /* tx_recover() is at work: later. */
    }
    if (sendto(t->tx_fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0) {
        __atomic_store_n(&t->tx_owed, false, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&t->tx_busy, false, __ATOMIC_RELEASE);
}

/* Whether the kernel would send 'pkt' on the interface: longer than the
 * MTU plus a header only with an 802.1Q tag, which may take 4 bytes more
 * (and never longer than a transmit frame). */
static bool
tx_fits(const struct tpacket *t, const struct tpacket_pkt *pkt)
{
    uint32_t room = t->geom.tx_frame_size - t->tx_data;

    if (pkt->len <= t->tx_max_len) {
        return true;
    }
    return pkt->len <= t->tx_max_len + 4 && pkt->len <= room
           && pkt->data[12] == 0x81 && pkt->data[13] == 0x00;
}

static void
tx_frame_copy(struct tpacket *t, uint32_t dst, uint32_t src)
{
    struct tpacket3_hdr *d = tx_frame(t, dst);
    const struct tpacket3_hdr *s = tx_frame(t, src);

    memcpy((uint8_t *) d + TX_DATA_OFFSET,
           (const uint8_t *) s + TX_DATA_OFFSET, s->tp_len);
    d->tp_len = s->tp_len;
    d->tp_snaplen = s->tp_snaplen;
    d->tp_next_offset = 0;
}

/* Whether queued frame 'i' cannot go: the kernel refused it, or, with a
 * virtio-net header (the kernel then leaves a frame's length to the
 * header and does not hold it to the MTU), it is longer than the MTU as
 * last read: the interface would drop it and the kernel give it back to be
 * sent again, for ever. */
static bool
tx_refused(const struct tpacket *t, uint32_t i)
{
    const struct tpacket3_hdr *h = tx_frame(t, i);
    uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    struct tpacket_pkt pkt;

    if (status == TP_STATUS_WRONG_FORMAT) {
        return true;
    }
    if (!t->tx_copy || status != TP_STATUS_SEND_REQUEST) {
        return false;
    }
    pkt.data = (uint8_t *) h + t->tx_data;
    pkt.len = h->tp_len - (t->tx_data - TX_DATA_OFFSET);
    return !tx_fits(t, &pkt);
}

/* The kernel refused the frame at the head of its queue (the interface's
 * MTU went down under it, or it is shorter than a header): it marked it
 * TP_STATUS_WRONG_FORMAT and will not look past it, so everything queued
 * behind it would wait for ever (with 'tx_copy', tx_refused() says which
 * frame the kernel keeps handing back instead).  Without PACKET_LOSS
 * (which would drop such frames uncounted) the kernel moves on only once
 * that slot holds a frame to send: move every frame queued behind it one
 * slot back, in order, free the last slot and count the refused frame.
 * The kernel does not touch the queue meanwhile: it works only inside a
 * sendto(), ours or the owed kick of a receiving thread, which 'tx_busy'
 * keeps out.  Returns whether a frame was found. */
static bool
tx_recover(struct tpacket *t)
{
    uint32_t n = t->geom.tx_frames, bad = n, j, next;

    /* No kick from another thread while frames move (the kernel reads a
     * queued frame while it is SEND_REQUEST). */
    while (__atomic_exchange_n(&t->tx_busy, true, __ATOMIC_ACQUIRE)) {
        continue;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (tx_refused(t, i)) {
            bad = i;
            break;
        }
    }
    if (bad < n) {
        TP_TX_ADD(t, wrong_format, 1);
        for (j = bad, next = (j + 1) % n; next != t->tx_next;
             j = next, next = (next + 1) % n) {
            tx_frame_copy(t, j, next);
            __atomic_store_n(&tx_frame(t, j)->tp_status,
                             TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
        }
        __atomic_store_n(&tx_frame(t, j)->tp_status, TP_STATUS_AVAILABLE,
                         __ATOMIC_RELEASE);
        t->tx_next = j;
    }
    __atomic_store_n(&t->tx_busy, false, __ATOMIC_RELEASE);
    return bad < n;
}

/* Asks the kernel to send what is queued.  A frame it refuses makes
 * sendto() fail with EMSGSIZE or EINVAL: that one is taken out of the
 * queue (tx_recover()) and the kick repeats, at most once per frame in the
 * ring. */
static void
tx_kick(struct tpacket *t)
{
    for (uint32_t tries = 0; tries <= t->geom.tx_frames; tries++) {
        if (sendto(t->tx_fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0) {
            __atomic_store_n(&t->tx_owed, false, __ATOMIC_RELAXED);
            return;
        }
        if (errno == EAGAIN || errno == ENOBUFS) {
            __atomic_store_n(&t->tx_owed, true, __ATOMIC_RELAXED);
            return;
        }
        if ((errno != EMSGSIZE && errno != EINVAL) || !tx_recover(t)) {
            TP_TX_ADD(t, kick_errors, 1);
            return;
        }
    }
}

/* The virtio-net header in front of a frame to send: no offload, the
 * first 'copy' bytes to be copied into the socket buffer. */
static inline void
tx_vnet_hdr(struct tpacket3_hdr *h, uint16_t copy)
{
    struct virtio_net_hdr v = {
        .gso_type = VIRTIO_NET_HDR_GSO_NONE,
        .hdr_len = copy,
    };

    _Static_assert(sizeof v == TPACKET_VNET_LEN, "virtio-net header size");
    memcpy((uint8_t *) h + TX_DATA_OFFSET, &v, sizeof v);
}

/* With a virtio-net header the ring holds frames to the interface's MTU
 * itself: every TX_MTU_WATCH_MS it reads the MTU again and takes the
 * queued frames now too long out of the queue (counted as refused, as the
 * kernel's check would have them).  Frames queued before it reads a lower
 * MTU may go out at the old one meanwhile. */
#define TX_MTU_WATCH_MS 100

static bool
tx_mtu_watch(struct tpacket *t)
{
    struct timespec now;
    bool taken = false;
    uint64_t ms;

    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    ms = (uint64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
    if (ms - t->tx_mtu_ms < TX_MTU_WATCH_MS) {
        return false;
    }
    t->tx_mtu_ms = ms;
    if (!tpacket_refresh_mtu(t)) {
        while (tx_recover(t)) {
            taken = true;
        }
    }
    return taken;
}

unsigned
tpacket_tx_burst(struct tpacket *t, const struct tpacket_pkt *pkts,
                 unsigned n)
{
    unsigned queued = 0, i;
    /* Frames taken out of the queue: the ones behind them want a kick. */
    bool taken = t->tx_copy && tx_mtu_watch(t);

    for (i = 0; i < n; i++) {
        struct tpacket3_hdr *h = tx_frame(t, t->tx_next);
        uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

        if (!tx_fits(t, &pkts[i])) {
            TP_TX_ADD(t, too_big, 1);
            continue;
        }
        if (status != TP_STATUS_AVAILABLE) {
            /* A refused frame the kick did not see (another thread's,
             * or the flush's) may block the ring: clear it once. */
            if (status != TP_STATUS_WRONG_FORMAT || !tx_recover(t)) {
                break;
            }
            h = tx_frame(t, t->tx_next);
            if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE)
                != TP_STATUS_AVAILABLE) {
                break;
            }
        }
        if (t->tx_copy) {
            tx_vnet_hdr(h, pkts[i].len < t->tx_copy ? pkts[i].len
                                                    : t->tx_copy);
        }
        memcpy((uint8_t *) h + t->tx_data, pkts[i].data, pkts[i].len);
        h->tp_len = t->tx_data - TX_DATA_OFFSET + pkts[i].len;
        h->tp_snaplen = h->tp_len;
        h->tp_next_offset = 0;
        __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
                         __ATOMIC_RELEASE);
        t->tx_next = (t->tx_next + 1) % t->geom.tx_frames;
        TP_TX_ADD(t, packets, 1);
        TP_TX_ADD(t, bytes, pkts[i].len);
        queued++;
    }
    if (queued || taken) {
        tx_kick(t);
    }
    return i;
}

unsigned
tpacket_tx_flush(struct tpacket *t, unsigned timeout_ms)
{
    struct timespec pause = { 0, 100 * 1000 };

    for (unsigned waited_us = 0;; waited_us += 100) {
        unsigned pending = 0;

        for (uint32_t i = 0; i < t->geom.tx_frames; i++) {
            uint32_t status = __atomic_load_n(&tx_frame(t, i)->tp_status,
                                              __ATOMIC_ACQUIRE);

            pending += status == TP_STATUS_SEND_REQUEST
                       || status == TP_STATUS_SENDING;
        }
        if (!pending || waited_us >= timeout_ms * 1000) {
            return pending;
        }
        tx_kick(t);
        nanosleep(&pause, NULL);
    }
}
