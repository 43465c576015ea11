#include <config.h>
#include "tpacket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

/* Where a frame's data starts in a transmit frame: the kernel reads it
 * right after the aligned header unless told otherwise. */
#define TX_DATA_OFFSET TPACKET_ALIGN(sizeof(struct tpacket3_hdr))

struct tpacket {
    int fd;
    uint8_t *map;
    size_t map_size;
    struct tpacket_geometry geom;

    /* Receive: the block being walked, and the run of emptied blocks not
     * yet given back, which starts at 'rx_release'. */
    uint32_t rx_block;
    bool rx_walking;
    struct tpacket_cursor rx_cursor;
    uint32_t rx_release;
    uint32_t rx_emptied;

    /* Transmit: the next frame to fill. */
    uint32_t tx_next;

    struct tpacket_counters stats;
};

static uint32_t
round_pow2(uint32_t x)
{
    uint32_t p = 1;

    while (p < x) {
        p <<= 1;
    }
    return p;
}

int
tpacket_geometry(const struct tpacket_conf *conf, struct tpacket_geometry *g)
{
    uint32_t page = sysconf(_SC_PAGESIZE);
    uint32_t slot;

    if (conf->mtu < GFP_MTU_MIN || conf->mtu > GFP_MTU_MAX) {
        return -EMSGSIZE;
    }
    memset(g, 0, sizeof *g);
    g->max_frame = conf->mtu + GFP_ETH_HLEN + 4;

    /* Receive: a block holds eight full-size frames, so that it is not
     * retired for want of room after one big frame.  A frame longer than a
     * block arrives truncated (counted, dropped). */
    slot = TPACKET_ALIGN(TPACKET3_HDRLEN + g->max_frame);
    g->rx_frame_size = slot;
    g->rx_block_size = round_pow2(8 * slot);
    if (g->rx_block_size < page) {
        g->rx_block_size = page;
    }
    g->rx_blocks = conf->rx_blocks ? conf->rx_blocks : 64;

    /* Transmit: fixed frames, a power of two so they tile pages. */
    g->tx_frame_size = round_pow2(TX_DATA_OFFSET + g->max_frame);
    g->tx_block_size = g->tx_frame_size > page ? g->tx_frame_size : page;
    g->tx_frames = conf->tx_frames ? conf->tx_frames : 1024;
    if (g->tx_frames % (g->tx_block_size / g->tx_frame_size)) {
        return -EINVAL;
    }
    g->tx_blocks = g->tx_frames / (g->tx_block_size / g->tx_frame_size);
    return 0;
}

int
tpacket_cursor_init(struct tpacket_cursor *c, const uint8_t *block,
                    uint32_t size)
{
    const struct tpacket_block_desc *bd = (const void *) block;
    uint32_t first = bd->hdr.bh1.offset_to_first_pkt;

    memset(c, 0, sizeof *c);
    c->block = block;
    c->size = size;
    if (size < sizeof *bd) {
        return -EINVAL;
    }
    c->left = bd->hdr.bh1.num_pkts;
    if (!c->left) {
        return 0;
    }
    if (first < sizeof *bd || first > size - sizeof(struct tpacket3_hdr)) {
        c->left = 0;
        return -EINVAL;
    }
    c->offset = first;
    return 0;
}

int
tpacket_cursor_next(struct tpacket_cursor *c, struct tpacket_pkt *pkt)
{
    const struct tpacket3_hdr *h;
    uint32_t off = c->offset;
    uint64_t end;

    if (!c->left) {
        return 0;
    }
    /* The header, then the data it points at, must lie in the block. */
    if (off < sizeof(struct tpacket_block_desc)
        || off > c->size - sizeof *h) {
        goto bad;
    }
    h = (const void *) (c->block + off);
    end = (uint64_t) off + h->tp_mac + h->tp_snaplen;
    if (h->tp_mac < sizeof *h || end > c->size) {
        goto bad;
    }
    c->left--;
    if (c->left) {
        if (!h->tp_next_offset
            || (uint64_t) off + h->tp_next_offset > c->size) {
            /* This frame is sound; the next call reports the broken
             * link (the offset fails the bounds check). */
            c->offset = UINT32_MAX;
        } else {
            c->offset = off + h->tp_next_offset;
        }
    }
    if (h->tp_snaplen < h->tp_len) {
        return -EMSGSIZE;
    }
    pkt->data = (uint8_t *) c->block + off + h->tp_mac;
    pkt->len = h->tp_snaplen;
    return 1;

bad:
    c->left = 0;
    return -EINVAL;
}

static struct tpacket_block_desc *
rx_block(const struct tpacket *t, uint32_t i)
{
    return (void *) (t->map + (size_t) i * t->geom.rx_block_size);
}

static struct tpacket3_hdr *
tx_frame(const struct tpacket *t, uint32_t i)
{
    size_t rx_size = (size_t) t->geom.rx_block_size * t->geom.rx_blocks;

    return (void *) (t->map + rx_size + (size_t) i * t->geom.tx_frame_size);
}

int
tpacket_open(const struct tpacket_conf *conf, struct tpacket **tp)
{
    struct tpacket_req3 rx_req, tx_req;
    struct sockaddr_ll sll;
    struct tpacket *t;
    int version = TPACKET_V3, one = 1, error;
    unsigned ifindex;

    *tp = NULL;
    ifindex = if_nametoindex(conf->ifname);
    if (!ifindex) {
        return -ENODEV;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        return -ENOMEM;
    }
    t->fd = -1;
    error = tpacket_geometry(conf, &t->geom);
    if (error) {
        goto error;
    }

    t->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (t->fd < 0) {
        error = -errno;
        goto error;
    }
    if (setsockopt(t->fd, SOL_PACKET, PACKET_VERSION, &version,
                   sizeof version)) {
        error = -errno;
        goto error;
    }
    /* Our own transmissions must not come back on our receive ring. */
    if (setsockopt(t->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
                   sizeof one)) {
        error = -errno;
        goto error;
    }
    if (conf->qdisc_bypass
        && setsockopt(t->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
                      sizeof one)) {
        error = -errno;
        goto error;
    }

    memset(&rx_req, 0, sizeof rx_req);
    rx_req.tp_block_size = t->geom.rx_block_size;
    rx_req.tp_block_nr = t->geom.rx_blocks;
    rx_req.tp_frame_size = t->geom.rx_frame_size;
    rx_req.tp_frame_nr = (t->geom.rx_block_size / t->geom.rx_frame_size)
                         * t->geom.rx_blocks;
    rx_req.tp_retire_blk_tov = conf->retire_tov_ms ? conf->retire_tov_ms : 1;
    if (setsockopt(t->fd, SOL_PACKET, PACKET_RX_RING, &rx_req,
                   sizeof rx_req)) {
        error = -errno;
        goto error;
    }
    memset(&tx_req, 0, sizeof tx_req);
    tx_req.tp_block_size = t->geom.tx_block_size;
    tx_req.tp_block_nr = t->geom.tx_blocks;
    tx_req.tp_frame_size = t->geom.tx_frame_size;
    tx_req.tp_frame_nr = t->geom.tx_frames;
    if (setsockopt(t->fd, SOL_PACKET, PACKET_TX_RING, &tx_req,
                   sizeof tx_req)) {
        error = -errno;
        goto error;
    }

    t->map_size = (size_t) t->geom.rx_block_size * t->geom.rx_blocks
                  + (size_t) t->geom.tx_block_size * t->geom.tx_blocks;
    t->map = mmap(NULL, t->map_size, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_LOCKED | MAP_POPULATE, t->fd, 0);
    if (t->map == MAP_FAILED) {
        t->map = NULL;
        error = -errno;
        goto error;
    }

    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    if (bind(t->fd, (struct sockaddr *) &sll, sizeof sll)) {
        error = -errno;
        goto error;
    }
    if (conf->fanout_group >= 0) {
        int arg = (conf->fanout_group & 0xffff)
                  | (PACKET_FANOUT_HASH << 16);

        if (conf->fanout_group > 0xffff) {
            error = -EINVAL;
            goto error;
        }
        if (setsockopt(t->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg)) {
            error = -errno;
            goto error;
        }
    }
    *tp = t;
    return 0;

error:
    tpacket_close(t);
    return error;
}

void
tpacket_close(struct tpacket *t)
{
    if (t) {
        if (t->map) {
            munmap(t->map, t->map_size);
        }
        if (t->fd >= 0) {
            close(t->fd);
        }
        free(t);
    }
}

const struct tpacket_geometry *
tpacket_get_geometry(const struct tpacket *t)
{
    return &t->geom;
}

unsigned
tpacket_rx_burst(struct tpacket *t, struct tpacket_pkt *pkts, unsigned max)
{
    unsigned n = 0;

    while (n < max) {
        struct tpacket_block_desc *bd;
        int ret;

        if (!t->rx_walking) {
            /* Every block emptied but not given back: the ring is full. */
            if (t->rx_emptied == t->geom.rx_blocks) {
                break;
            }
            bd = rx_block(t, t->rx_block);
            if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
                                  __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
                break;
            }
            if (tpacket_cursor_init(&t->rx_cursor, (const uint8_t *) bd,
                                    t->geom.rx_block_size)) {
                t->stats.rx_bad_frames++;
            }
            t->rx_walking = true;
        }
        ret = tpacket_cursor_next(&t->rx_cursor, &pkts[n]);
        if (ret > 0) {
            t->stats.rx_packets++;
            t->stats.rx_bytes += pkts[n].len;
            n++;
        } else if (ret == -EMSGSIZE) {
            t->stats.rx_truncated++;
        } else if (ret < 0) {
            t->stats.rx_bad_frames++;
        } else {
            /* Block walked: it goes back at the next tpacket_rx_done(). */
            t->rx_walking = false;
            t->rx_emptied++;
            t->rx_block = (t->rx_block + 1) % t->geom.rx_blocks;
        }
    }
    return n;
}

void
tpacket_rx_done(struct tpacket *t)
{
    for (; t->rx_emptied; t->rx_emptied--) {
        struct tpacket_block_desc *bd = rx_block(t, t->rx_release);

        __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
                         __ATOMIC_RELEASE);
        t->rx_release = (t->rx_release + 1) % t->geom.rx_blocks;
    }
}

unsigned
tpacket_tx_burst(struct tpacket *t, const struct tpacket_pkt *pkts,
                 unsigned n)
{
    uint32_t room = t->geom.tx_frame_size - TX_DATA_OFFSET;
    unsigned queued = 0, i;

    for (i = 0; i < n; i++) {
        struct tpacket3_hdr *h = tx_frame(t, t->tx_next);
        uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

        if (pkts[i].len > room) {
            t->stats.tx_too_big++;
            continue;
        }
        if (status != TP_STATUS_AVAILABLE
            && status != TP_STATUS_WRONG_FORMAT) {
            break;
        }
        memcpy((uint8_t *) h + TX_DATA_OFFSET, pkts[i].data, pkts[i].len);
        h->tp_len = pkts[i].len;
        h->tp_snaplen = pkts[i].len;
        h->tp_next_offset = 0;
        __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
                         __ATOMIC_RELEASE);
        t->tx_next = (t->tx_next + 1) % t->geom.tx_frames;
        t->stats.tx_packets++;
        t->stats.tx_bytes += pkts[i].len;
        queued++;
    }
    if (queued && sendto(t->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0
        && errno != EAGAIN && errno != ENOBUFS) {
        t->stats.tx_kick_errors++;
    }
    return i;
}

void
tpacket_get_counters(struct tpacket *t, struct tpacket_counters *out)
{
    struct tpacket_stats_v3 ks;
    socklen_t len = sizeof ks;

    if (!getsockopt(t->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len)) {
        t->stats.kernel_packets += ks.tp_packets;
        t->stats.kernel_drops += ks.tp_drops;
        t->stats.kernel_freezes += ks.tp_freeze_q_cnt;
    }
    *out = t->stats;
}

int
tpacket_rx_quiesce(struct tpacket *tp)
{
    /* One classic BPF instruction: accept 0 bytes, i.e. nothing. */
    struct sock_filter take_nothing = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = { .len = 1, .filter = &take_nothing };

    return setsockopt(tp->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
                      sizeof prog) ? -errno : 0;
}
