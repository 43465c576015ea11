#include <config.h>
#include "tpacket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tpacket-private.h"
#include "util.h"

/* Room the kernel leaves before each received frame, for a VLAN tag it
 * stripped (TP_STATUS_VLAN_VALID) to go back in place. */
#define RX_RESERVE 4

/* Where the kernel puts a received frame's Ethernet header, from the start
 * of its slot, before PACKET_RESERVE: past the V3 header and the address,
 * aligned with room for a link-layer header of up to 16 bytes.  Less the
 * 4 bytes of a VLAN tag put back, this is the headroom a frame has with no
 * reserve. */
#define RX_MAC_OFFSET (TPACKET_ALIGN(TPACKET3_HDRLEN + 16) - GFP_ETH_HLEN)

/* Lending: a block's hold count reads RX_BACK once the kernel has it
 * again (its status stored), so that the walker never takes the stale
 * status of a block it walked before for a new one; 'rx_held' carries
 * RX_CLOSING once tpacket_close() has run with blocks still held. */
#define RX_BACK (1u << 31)
#define RX_CLOSING (1u << 31)

static const struct counter_desc counter_descs[] = {
#define RX_DESC(NAME, KIND, MEANING) \
    { "rx_" #NAME, KIND, MEANING, \
      offsetof(struct tpacket_counters, rx.NAME) },
#define TX_DESC(NAME, KIND, MEANING) \
    { "tx_" #NAME, KIND, MEANING, \
      offsetof(struct tpacket_counters, tx.NAME) },
#define KERNEL_DESC(NAME, KIND, MEANING) \
    { "kernel_" #NAME, KIND, MEANING, \
      offsetof(struct tpacket_counters, kernel.NAME) },
    TPACKET_RX_COUNTERS(RX_DESC)
    TPACKET_TX_COUNTERS(TX_DESC)
    TPACKET_KERNEL_COUNTERS(KERNEL_DESC)
#undef RX_DESC
#undef TX_DESC
#undef KERNEL_DESC
};

const struct counter_desc *
tpacket_counter_descs(size_t *n)
{
    *n = ARRAY_SIZE(counter_descs);
    return counter_descs;
}

void
tpacket_counters_read(const struct tpacket_rx_counters *rx,
                      const struct tpacket_tx_counters *tx,
                      const struct tpacket_kernel_counters *kernel,
                      struct tpacket_counters *out)
{
#define RX_READ(NAME, KIND, MEANING) out->rx.NAME = counter_get(&rx->NAME);
#define TX_READ(NAME, KIND, MEANING) out->tx.NAME = counter_get(&tx->NAME);
#define KERNEL_READ(NAME, KIND, MEANING) \
    out->kernel.NAME = counter_get(&kernel->NAME);
    TPACKET_RX_COUNTERS(RX_READ)
    TPACKET_TX_COUNTERS(TX_READ)
    TPACKET_KERNEL_COUNTERS(KERNEL_READ)
#undef RX_READ
#undef TX_READ
#undef KERNEL_READ
}

#define DROP_ONE(NAME, KIND, MEANING) \
    drops += KIND == COUNTER_DROP ? counter_get(&c->NAME) : 0;

uint64_t
tpacket_rx_drops(const struct tpacket_rx_counters *c)
{
    uint64_t drops = 0;

    TPACKET_RX_COUNTERS(DROP_ONE)
    return drops;
}

uint64_t
tpacket_tx_drops(const struct tpacket_tx_counters *c)
{
    uint64_t drops = 0;

    TPACKET_TX_COUNTERS(DROP_ONE)
    return drops;
}

uint64_t
tpacket_kernel_drops(const struct tpacket_kernel_counters *c)
{
    uint64_t drops = 0;

    TPACKET_KERNEL_COUNTERS(DROP_ONE)
    return drops;
}
#undef DROP_ONE

void
tpacket_counters_add(struct tpacket_counters *sum,
                     const struct tpacket_counters *c)
{
#define RX_SUM(NAME, KIND, MEANING) sum->rx.NAME += c->rx.NAME;
#define TX_SUM(NAME, KIND, MEANING) sum->tx.NAME += c->tx.NAME;
#define KERNEL_SUM(NAME, KIND, MEANING) sum->kernel.NAME += c->kernel.NAME;
    TPACKET_RX_COUNTERS(RX_SUM)
    TPACKET_TX_COUNTERS(TX_SUM)
    TPACKET_KERNEL_COUNTERS(KERNEL_SUM)
#undef RX_SUM
#undef TX_SUM
#undef KERNEL_SUM
}

/* PACKET_RESERVE for 'conf': room for a VLAN tag, and for 'rx_headroom'
 * in front of every frame, the tag put back or not. */
static unsigned
rx_reserve(const struct tpacket_conf *conf)
{
    unsigned base = RX_MAC_OFFSET - 4;

    if (conf->rx_headroom <= base + RX_RESERVE) {
        return RX_RESERVE;
    }
    return (conf->rx_headroom - base + 3) & ~3u;
}

int
tpacket_geometry(const struct tpacket_conf *conf, struct tpacket_geometry *g)
{
    uint32_t page = sysconf(_SC_PAGESIZE);
    uint32_t slot, vnet;

    if (conf->mtu < GFP_MTU_MIN || conf->mtu > GFP_MTU_MAX
        || conf->rx_headroom > TPACKET_RX_HEADROOM_MAX) {
        return -EMSGSIZE;
    }
    if (conf->tx_copy < TPACKET_TX_COPY_AUTO
        || conf->tx_copy > TPACKET_TX_COPY_MAX) {
        return -EINVAL;
    }
    memset(g, 0, sizeof *g);
    g->max_frame = conf->mtu + GFP_ETH_HLEN + 4;
    vnet = conf->tx_copy ? TPACKET_VNET_LEN : 0;

    /* Receive: a block holds eight full-size frames, so that it is not
     * retired for want of room after one big frame.  A frame longer than a
     * block arrives truncated (counted, dropped). */
    slot = TPACKET_ALIGN(TPACKET3_HDRLEN + rx_reserve(conf) + g->max_frame);
    g->rx_frame_size = slot;
    g->rx_block_size = pow2_ceil(8 * slot);
    if (g->rx_block_size < page) {
        g->rx_block_size = page;
    }
    g->rx_blocks = conf->rx_blocks ? conf->rx_blocks : 64;

    /* Transmit: fixed frames, a power of two so they tile pages. */
    g->tx_frame_size = pow2_ceil(TX_DATA_OFFSET + vnet + g->max_frame);
    g->tx_block_size = g->tx_frame_size > page ? g->tx_frame_size : page;
    g->tx_frames = conf->tx_frames ? conf->tx_frames : 1024;
    if (g->tx_frames % (g->tx_block_size / g->tx_frame_size)) {
        return -EINVAL;
    }
    g->tx_blocks = g->tx_frames / (g->tx_block_size / g->tx_frame_size);
    return 0;
}

/* Block and frame headers are read with memcpy(): the walk must not trust
 * what it checks, and that includes the alignment of the offsets it is
 * given (the kernel's are aligned, a crafted block's need not be). */
int
tpacket_cursor_init(struct tpacket_cursor *c, const uint8_t *block,
                    uint32_t size)
{
    struct tpacket_block_desc bd;
    uint32_t first;

    memset(c, 0, sizeof *c);
    c->block = block;
    c->size = size;
    if (size < sizeof bd || size < sizeof(struct tpacket3_hdr)) {
        return -EINVAL;
    }
    memcpy(&bd, block, sizeof bd);
    c->left = bd.hdr.bh1.num_pkts;
    if (!c->left) {
        return 0;
    }
    first = bd.hdr.bh1.offset_to_first_pkt;
    if (first < sizeof bd || first > size - sizeof(struct tpacket3_hdr)) {
        c->left = 0;
        return -EINVAL;
    }
    c->offset = first;
    return 0;
}

_Static_assert(sizeof(struct tpacket3_hdr)
               == sizeof ((struct tpacket_cursor *) 0)->next_hdr,
               "the cursor caches one frame header");

/* Reads the header at the cursor's next offset, if it lies in the block,
 * into 'next_hdr', and sets 'pkt''s 'room_after' from it ('end': where
 * 'pkt''s frame ends). */
static void
cursor_read_ahead(struct tpacket_cursor *c, struct tpacket_pkt *pkt,
                  uint64_t end)
{
    struct tpacket3_hdr h;
    uint64_t next_data;

    c->have_next = false;
    pkt->room_after = 0;
    if (!c->left) {
        pkt->room_after = c->size - end;
        return;
    }
    if (c->offset < sizeof(struct tpacket_block_desc)
        || c->offset > c->size - sizeof h) {
        return;
    }
    memcpy(c->next_hdr, c->block + c->offset, sizeof h);
    c->have_next = true;
    memcpy(&h, c->next_hdr, sizeof h);
    next_data = (uint64_t) c->offset + h.tp_mac;
    if (h.tp_mac >= sizeof h && next_data > end && next_data <= c->size) {
        pkt->room_after = next_data - end;
    }
}

int
tpacket_cursor_next(struct tpacket_cursor *c, struct tpacket_pkt *pkt)
{
    struct tpacket3_hdr h;
    uint32_t off = c->offset;
    uint64_t end;

    if (!c->left) {
        return 0;
    }
    /* The header, then the data it points at, must lie in the block. */
    if (off < sizeof(struct tpacket_block_desc)
        || c->size < sizeof h || off > c->size - sizeof h) {
        goto bad;
    }
    memcpy(&h, c->have_next ? c->next_hdr : c->block + off, sizeof h);
    end = (uint64_t) off + h.tp_mac + h.tp_snaplen;
    if (h.tp_mac < sizeof h || end > c->size) {
        goto bad;
    }
    c->left--;
    pkt->index = c->index++;
    if (c->left) {
        if (!h.tp_next_offset
            || (uint64_t) off + h.tp_next_offset > c->size) {
            /* This frame is sound; the next call reports the broken
             * link (the offset fails the bounds check). */
            c->offset = UINT32_MAX;
        } else {
            c->offset = off + h.tp_next_offset;
        }
    }
    cursor_read_ahead(c, pkt, end);
    if (h.tp_snaplen < h.tp_len) {
        return -EMSGSIZE;
    }
    pkt->data = (uint8_t *) c->block + off + h.tp_mac;
    pkt->len = h.tp_snaplen;
    pkt->headroom = h.tp_mac;
    pkt->vlan = (h.tp_status & TP_STATUS_VLAN_VALID) != 0;
    if (pkt->vlan) {
        pkt->vlan_tci = h.hv1.tp_vlan_tci;
        pkt->vlan_tpid = h.tp_status & TP_STATUS_VLAN_TPID_VALID
                         ? h.hv1.tp_vlan_tpid : ETH_P_8021Q;
        /* Room for the tag between the header and the frame. */
        pkt->vlan_room = h.tp_mac >= sizeof h + 4;
    }
    return 1;

bad:
    c->left = 0;
    c->have_next = false;
    return -EINVAL;
}

static struct tpacket_block_desc *
rx_block(const struct tpacket *t, uint32_t i)
{
    return (void *) (t->map + (size_t) i * t->geom.rx_block_size);
}

/* With lending: whether block 'i' is the kernel's again (or never left). */
static bool
rx_block_back(const struct tpacket *t, uint32_t i)
{
    return __atomic_load_n(&t->rx_holds[i], __ATOMIC_ACQUIRE) == RX_BACK;
}

/* Whether the driver of 'ifname' copies the pages a socket buffer
 * references before passing the buffer on: veth does (into the peer's
 * namespace), tun does (to its reader). */
static bool
driver_copies_pages(int fd, const char *ifname)
{
    struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    ifr.ifr_data = (void *) &info;
    if (ioctl(fd, SIOCETHTOOL, &ifr)) {
        return false;
    }
    return !strcmp(info.driver, "veth") || !strcmp(info.driver, "tun");
}

/* The transmit socket of a ring whose frames the kernel copies
 * ('tx_copy'): a virtio-net header in front of each frame, a transmit ring
 * as 'req' asks, bound to the interface with protocol 0 so that it
 * receives nothing.  Returns 0 or a negative errno. */
static int
open_tx_socket(struct tpacket *t, const struct tpacket_conf *conf,
               unsigned ifindex, const struct tpacket_req3 *req)
{
    int version = TPACKET_V3, one = 1;
    struct sockaddr_ll sll;

    t->tx_fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (t->tx_fd < 0
        || setsockopt(t->tx_fd, SOL_PACKET, PACKET_VERSION, &version,
                      sizeof version)
        || setsockopt(t->tx_fd, SOL_PACKET, PACKET_VNET_HDR, &one,
                      sizeof one)
        || (conf->qdisc_bypass
            && setsockopt(t->tx_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
                          sizeof one))
        || setsockopt(t->tx_fd, SOL_PACKET, PACKET_TX_RING, req,
                      sizeof *req)) {
        return -errno;
    }
    t->tx_map_size = (size_t) t->geom.tx_block_size * t->geom.tx_blocks;
    t->tx_map = mmap(NULL, t->tx_map_size, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_LOCKED | MAP_POPULATE, t->tx_fd, 0);
    if (t->tx_map == MAP_FAILED) {
        t->tx_map = NULL;
        return -errno;
    }
    t->tx_base = t->tx_map;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = ifindex;
    return bind(t->tx_fd, (struct sockaddr *) &sll, sizeof sll) ? -errno : 0;
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
    if (!conf->rx_counters || !conf->tx_counters) {
        error = -EINVAL;
        goto early_error;
    }
    ifindex = if_nametoindex(conf->ifname);
    if (!ifindex) {
        error = -ENODEV;
        goto early_error;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        error = -ENOMEM;
        goto early_error;
    }
    t->fd = -1;
    t->tx_fd = -1;
    t->on_free = conf->on_free;
    t->aux = conf->aux;
    t->rx_stats = conf->rx_counters;
    t->tx_stats = conf->tx_counters;
    error = tpacket_geometry(conf, &t->geom);
    if (error) {
        goto error;
    }
    t->rx_reserve = rx_reserve(conf);
    if (conf->rx_lend) {
        t->rx_holds = malloc(t->geom.rx_blocks * sizeof *t->rx_holds);
        if (!t->rx_holds) {
            error = -ENOMEM;
            goto error;
        }
        for (uint32_t b = 0; b < t->geom.rx_blocks; b++) {
            t->rx_holds[b] = RX_BACK;
        }
        /* The shortest slot: a header and one byte. */
        t->rx_frames_max = (t->geom.rx_block_size
                            - sizeof(struct tpacket_block_desc))
                           / TPACKET_ALIGN(TPACKET3_HDRLEN + 1) + 1;
    }

    /* Protocol 0: no frame arrives before bind() names the interface. */
    t->fd = socket(AF_PACKET, SOCK_RAW, 0);
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
    t->tx_copy = (conf->tx_copy == TPACKET_TX_COPY_AUTO
                  ? (driver_copies_pages(t->fd, conf->ifname)
                     ? TPACKET_TX_COPY_AUTO_BYTES : 0)
                  : conf->tx_copy);
    t->tx_data = TX_DATA_OFFSET + (t->tx_copy ? TPACKET_VNET_LEN : 0);
    if (conf->qdisc_bypass
        && setsockopt(t->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
                      sizeof one)) {
        error = -errno;
        goto error;
    }

    {
        unsigned reserve = t->rx_reserve;

        if (setsockopt(t->fd, SOL_PACKET, PACKET_RESERVE, &reserve,
                       sizeof reserve)) {
            error = -errno;
            goto error;
        }
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
    if (!t->tx_copy && setsockopt(t->fd, SOL_PACKET, PACKET_TX_RING, &tx_req,
                                  sizeof tx_req)) {
        error = -errno;
        goto error;
    }

    t->map_size = (size_t) t->geom.rx_block_size * t->geom.rx_blocks
                  + (t->tx_copy ? 0 : (size_t) t->geom.tx_block_size
                                      * t->geom.tx_blocks);
    t->map = mmap(NULL, t->map_size, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_LOCKED | MAP_POPULATE, t->fd, 0);
    if (t->map == MAP_FAILED) {
        t->map = NULL;
        error = -errno;
        goto error;
    }
    if (!t->tx_copy) {
        t->tx_fd = t->fd;
        t->tx_base = t->map + (size_t) t->geom.rx_block_size
                              * t->geom.rx_blocks;
    }

    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    if (bind(t->fd, (struct sockaddr *) &sll, sizeof sll)) {
        error = -errno;
        goto error;
    }
    error = t->tx_copy ? open_tx_socket(t, conf, ifindex, &tx_req) : 0;
    error = error ? error : tpacket_refresh_mtu(t);
    if (error) {
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

early_error:
    if (conf->on_free) {
        conf->on_free(conf->aux);
    }
    return error;
}

static void
ring_free(struct tpacket *t)
{
    void (*on_free)(void *) = t->on_free;
    void *aux = t->aux;

    if (t->map) {
        munmap(t->map, t->map_size);
    }
    if (t->tx_map) {
        munmap(t->tx_map, t->tx_map_size);
    }
    if (t->tx_fd >= 0 && t->tx_fd != t->fd) {
        close(t->tx_fd);
    }
    if (t->fd >= 0) {
        close(t->fd);
    }
    free(t->rx_holds);
    free(t);
    if (on_free) {
        on_free(aux);
    }
}

void
tpacket_close(struct tpacket *t)
{
    if (!t) {
        return;
    }
    if (t->rx_holds && t->map) {
        /* Frames lent out keep the ring: it stops receiving now and goes
         * with the last of them. */
        tpacket_rx_quiesce(t);
        tpacket_rx_done(t);
        if (t->rx_walking) {
            t->rx_walking = false;
            tpacket_rx_unhold(t, t->rx_block);
        }
        if (__atomic_or_fetch(&t->rx_held, RX_CLOSING, __ATOMIC_ACQ_REL)
            != RX_CLOSING) {
            return;
        }
    }
    ring_free(t);
}

const struct tpacket_geometry *
tpacket_get_geometry(const struct tpacket *t)
{
    return &t->geom;
}

/* The kernel took the VLAN tag out of the frame (it does so for every
 * tagged frame it receives, before packet sockets see it): put it back
 * where it was, in the room PACKET_RESERVE left in front. */
static bool
vlan_restore(struct tpacket_pkt *pkt)
{
    uint8_t *d = pkt->data - 4;

    if (!pkt->vlan_room || pkt->len < 2 * 6) {
        return false;
    }
    memmove(d, pkt->data, 2 * 6);
    d[12] = pkt->vlan_tpid >> 8;
    d[13] = pkt->vlan_tpid & 0xff;
    d[14] = pkt->vlan_tci >> 8;
    d[15] = pkt->vlan_tci & 0xff;
    pkt->data = d;
    pkt->len += 4;
    pkt->headroom -= 4;
    return true;
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
            if (t->rx_holds && !rx_block_back(t, t->rx_block)) {
                break;
            }
            bd = rx_block(t, t->rx_block);
            if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
                                  __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
                break;
            }
            if (tpacket_cursor_init(&t->rx_cursor, (const uint8_t *) bd,
                                    t->geom.rx_block_size)) {
                TP_RX_ADD(t, bad_frames, 1);
            }
            t->rx_walking = true;
            if (t->rx_holds) {
                /* The walker's hold, until tpacket_rx_done(). */
                __atomic_store_n(&t->rx_holds[t->rx_block], 1,
                                 __ATOMIC_RELAXED);
                __atomic_add_fetch(&t->rx_held, 1, __ATOMIC_RELAXED);
            }
        }
        pkts[n].block = t->rx_block;
        ret = tpacket_cursor_next(&t->rx_cursor, &pkts[n]);
        if (ret > 0 && pkts[n].vlan && !vlan_restore(&pkts[n])) {
            /* No room for the tag: it would be forwarded untagged. */
            TP_RX_ADD(t, bad_frames, 1);
        } else if (ret > 0) {
            TP_RX_ADD(t, packets, 1);
            TP_RX_ADD(t, bytes, pkts[n].len);
            n++;
        } else if (ret == -EMSGSIZE) {
            TP_RX_ADD(t, truncated, 1);
        } else if (ret < 0) {
            TP_RX_ADD(t, bad_frames, 1);
        } else {
            /* Block walked: it goes back at the next tpacket_rx_done(). */
            t->rx_walking = false;
            t->rx_emptied++;
            t->rx_block = (t->rx_block + 1) % t->geom.rx_blocks;
        }
    }
    if (!n && __builtin_expect(__atomic_load_n(&t->tx_owed,
                                               __ATOMIC_RELAXED), 0)) {
        tpacket_tx_kick_owed(t);
    }
    return n;
}

void
tpacket_rx_done(struct tpacket *t)
{
    for (; t->rx_emptied; t->rx_emptied--) {
        struct tpacket_block_desc *bd = rx_block(t, t->rx_release);

        if (t->rx_holds) {
            tpacket_rx_unhold(t, t->rx_release);
        } else {
            __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
                             __ATOMIC_RELEASE);
        }
        t->rx_release = (t->rx_release + 1) % t->geom.rx_blocks;
    }
}

void
tpacket_rx_hold(struct tpacket *t, uint32_t block)
{
    /* The walker holds the block too, so the count is not 0 here. */
    __atomic_add_fetch(&t->rx_holds[block], 1, __ATOMIC_RELAXED);
}

void
tpacket_rx_unhold(struct tpacket *t, uint32_t block)
{
    struct tpacket_block_desc *bd = rx_block(t, block);

    if (__atomic_sub_fetch(&t->rx_holds[block], 1, __ATOMIC_ACQ_REL)) {
        return;
    }
    /* The last hold: whatever its holders wrote into the block is done
     * before the kernel may write it again. */
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
                     __ATOMIC_RELEASE);
    __atomic_store_n(&t->rx_holds[block], RX_BACK, __ATOMIC_RELEASE);
    if (__atomic_sub_fetch(&t->rx_held, 1, __ATOMIC_ACQ_REL)
        == RX_CLOSING) {
        ring_free(t);
    }
}

unsigned
tpacket_rx_held(const struct tpacket *t)
{
    return __atomic_load_n(&t->rx_held, __ATOMIC_RELAXED) & ~RX_CLOSING;
}

uint32_t
tpacket_rx_block_frames_max(const struct tpacket *t)
{
    return t->rx_frames_max;
}

/* The index of the interface 't' is bound to, in '*ifindex'. */
static int
bound_ifindex(const struct tpacket *t, int *ifindex)
{
    struct sockaddr_ll sll;
    socklen_t len = sizeof sll;

    if (getsockname(t->fd, (struct sockaddr *) &sll, &len)) {
        return -errno;
    }
    *ifindex = sll.sll_ifindex;
    return 0;
}

int
tpacket_refresh_mtu(struct tpacket *t)
{
    uint32_t room = t->geom.tx_frame_size - t->tx_data;
    struct ifreq ifr;
    int ifindex = 0, err;

    err = bound_ifindex(t, &ifindex);
    if (err) {
        return err;
    }
    memset(&ifr, 0, sizeof ifr);
    if (!if_indextoname(ifindex, ifr.ifr_name)) {
        return -errno;
    }
    if (ioctl(t->fd, SIOCGIFMTU, &ifr)) {
        return -errno;
    }
    t->if_mtu = ifr.ifr_mtu;
    t->tx_max_len = ifr.ifr_mtu + GFP_ETH_HLEN;
    if (t->tx_max_len > room) {
        t->tx_max_len = room;
    }
    return 0;
}

unsigned
tpacket_get_tx_copy(const struct tpacket *t)
{
    return t->tx_copy;
}

int
tpacket_fd(const struct tpacket *t)
{
    return t->fd;
}

unsigned
tpacket_get_if_mtu(const struct tpacket *t)
{
    return t->if_mtu;
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

bool
tpacket_rx_ready(const struct tpacket *t)
{
    const struct tpacket_block_desc *bd;

    if (t->rx_walking) {
        return true;
    }
    if (t->rx_emptied == t->geom.rx_blocks
        || (t->rx_holds && !rx_block_back(t, t->rx_block))) {
        return false;
    }
    bd = rx_block(t, t->rx_block);
    return (__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE)
            & TP_STATUS_USER) != 0;
}

int
tpacket_read_kstats(struct tpacket *t, struct tpacket_kernel_counters *total)
{
    struct tpacket_stats_v3 ks;
    socklen_t len = sizeof ks;

    if (getsockopt(t->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len)) {
        return -errno;
    }
    counter_add(&total->packets, ks.tp_packets);
    counter_add(&total->drops, ks.tp_drops);
    counter_add(&total->freezes, ks.tp_freeze_q_cnt);
    return 0;
}

static int
set_membership(struct tpacket *t, unsigned short type, bool on)
{
    struct packet_mreq mr;
    int ifindex = 0, err;

    err = bound_ifindex(t, &ifindex);
    if (err) {
        return err;
    }
    memset(&mr, 0, sizeof mr);
    mr.mr_ifindex = ifindex;
    mr.mr_type = type;
    if (setsockopt(t->fd, SOL_PACKET,
                   on ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP,
                   &mr, sizeof mr)) {
        return -errno;
    }
    return 0;
}

int
tpacket_set_promisc(struct tpacket *t, bool on)
{
    return set_membership(t, PACKET_MR_PROMISC, on);
}

int
tpacket_set_allmulti(struct tpacket *t, bool on)
{
    return set_membership(t, PACKET_MR_ALLMULTI, on);
}
