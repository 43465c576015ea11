#include <config.h>
#include "tpacket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* Where a frame's data starts in a transmit frame: the kernel reads it
 * right after the aligned header unless told otherwise. */
#define TX_DATA_OFFSET TPACKET_ALIGN(sizeof(struct tpacket3_hdr))

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

/* Counters go into the caller's blocks: the receive one is written by the
 * thread that receives, the transmit one by the thread that transmits. */
#define TP_RX_ADD(T, NAME, N) counter_add(&(T)->rx_stats->NAME, (N))
#define TP_TX_ADD(T, NAME, N) counter_add(&(T)->tx_stats->NAME, (N))

struct tpacket {
    int fd;
    uint8_t *map;
    size_t map_size;

    /* Where frames are sent: the same socket and map as above, or with
     * 'tx_copy' a socket of their own (its virtio-net header would
     * otherwise come in front of received frames too, and a frame the
     * kernel cannot describe in one would leave a hole in the block). */
    int tx_fd;
    uint8_t *tx_map;            /* The second socket's map, else NULL. */
    size_t tx_map_size;
    uint8_t *tx_base;           /* The first transmit frame. */
    struct tpacket_geometry geom;

    /* Receive: the block being walked, and the run of emptied blocks not
     * yet given back, which starts at 'rx_release'. */
    uint32_t rx_block;
    bool rx_walking;
    struct tpacket_cursor rx_cursor;
    uint32_t rx_release;
    uint32_t rx_emptied;
    uint32_t rx_reserve;        /* PACKET_RESERVE. */

    /* Lending ('rx_lend'): per block, the holds on it (the walker's and
     * one per lent frame; RX_BACK when the kernel has it), written by any
     * thread; the blocks out of the kernel's hands, and the callback for
     * when the ring is freed. */
    uint32_t *rx_holds;
    uint32_t rx_held;
    uint32_t rx_frames_max;
    void (*on_free)(void *aux);
    void *aux;

    /* Transmit: the next frame to fill, and the longest untagged frame
     * the interface takes (its MTU plus an Ethernet header, at most a
     * transmit frame's room); an 802.1Q-tagged frame may be 4 bytes
     * longer, as the kernel allows. */
    uint32_t tx_next;
    uint32_t tx_max_len;
    uint32_t tx_data;           /* Offset of a transmit frame's data. */
    uint16_t tx_copy;           /* The conf's; 0: no virtio-net header. */
    uint64_t tx_mtu_ms;         /* When tx_mtu_watch() last read the MTU. */
    unsigned if_mtu;

    /* The last kick found the interface's queue full (EAGAIN, ENOBUFS):
     * frames wait in the ring, and nothing else would kick them until the
     * next frame to send came.  A receive that finds nothing kicks again.
     * Relaxed atomic: net_pmmap may receive and send on other threads. */
    bool tx_owed;

    /* Held by whoever may call the kernel's transmit or move frames in the
     * transmit ring from another thread than the one that sends: the owed
     * kick on a receiving thread takes it if free, tx_recover() waits for
     * it.  Atomic. */
    bool tx_busy;

    struct tpacket_rx_counters *rx_stats;      /* The caller's. */
    struct tpacket_tx_counters *tx_stats;      /* The caller's. */
};

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

static struct tpacket3_hdr *
tx_frame(const struct tpacket *t, uint32_t i)
{
    return (void *) (t->tx_base + (size_t) i * t->geom.tx_frame_size);
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

/* The kick a full queue deferred (see 'tx_owed'): a bare sendto(), which
 * the kernel serializes with any other; a frame it refuses waits for the
 * next burst's kick, which takes it out of the queue. */
static void
tx_kick_owed(struct tpacket *t)
{
    if (__atomic_exchange_n(&t->tx_busy, true, __ATOMIC_ACQUIRE)) {
        return;                 /* tx_recover() is at work: later. */
    }
    if (sendto(t->tx_fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0) {
        __atomic_store_n(&t->tx_owed, false, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&t->tx_busy, false, __ATOMIC_RELEASE);
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
        tx_kick_owed(t);
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
