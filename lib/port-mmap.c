/* The PacketMMAP port backend: a kernel interface through TPACKET_V3 rings
 * (lib/tpacket.c), one socket per queue, spread by PACKET_FANOUT_HASH.  No
 * DPDK.
 *
 * Frames are forwarded from the receive ring of one port into the transmit
 * ring of another: one copy, which two kernel rings cannot avoid.  A burst's
 * frames stay in the receive ring until the next receive on that queue,
 * which gives their blocks back to the kernel. */
#include <config.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "port-netdev.h"
#include "port-provider.h"
#include "tpacket.h"

LOG_MODULE(port_mmap);

/* A queue's ring and its counters: the receive block is written by the
 * worker that receives on the queue, the transmit block by the one that
 * transmits on it (another, when it forwards the other way), the kernel's
 * by the control thread: each on lines of its own. */
struct mmap_queue {
    struct tpacket *ring;
    struct tpacket_pkt pkts[GFP_BURST_MAX];
    struct tpacket_rx_counters rx_stats __attribute__((aligned(64)));
    struct tpacket_tx_counters tx_stats __attribute__((aligned(64)));
    struct tpacket_kernel_counters kernel_stats __attribute__((aligned(64)));
} __attribute__((aligned(64)));

struct port_mmap {
    struct port up;
    unsigned ifindex;
    struct mmap_queue *qctx;        /* One per queue. */
    struct port_queue *queues;      /* One per queue. */
    unsigned n_queues;
};

static struct port_mmap *
port_mmap_cast(const struct port *port)
{
    return CONTAINER_OF(port, struct port_mmap, up);
}

static uint16_t
mmap_rx_burst(void *q_, struct pkt_batch *b, uint16_t max)
{
    struct mmap_queue *q = q_;
    uint16_t n;

    /* The previous burst has been transmitted (copied) or dropped by now. */
    tpacket_rx_done(q->ring);
    n = tpacket_rx_burst(q->ring, q->pkts, max);
    b->bytes = 0;
    b->bad = false;
    for (uint16_t i = 0; i < n; i++) {
        b->bufs[i] = &q->pkts[i];
        pkt_batch_add(b, i, q->pkts[i].data, q->pkts[i].len,
                      q->pkts[i].len);
    }
    b->n = n;
    return n;
}

static uint16_t
mmap_tx_burst(void *q_, struct pkt_batch *b, uint16_t n)
{
    struct mmap_queue *q = q_;
    struct tpacket_pkt pkts[GFP_BURST_MAX];

    /* The engine may have dropped packets from the batch: send what the
     * batch says now, not what was received. */
    for (uint16_t i = 0; i < n; i++) {
        pkts[i].data = b->data[i];
        pkts[i].len = b->len[i];
    }
    return tpacket_tx_burst(q->ring, pkts, n);
}

static void
mmap_free_bufs(void **bufs, uint16_t n)
{
    /* Ring frames: released with their block at the next receive. */
}

static int
port_mmap_open(const char *devname, struct port **portp)
{
    struct port_mmap *dev;
    unsigned ifindex = if_nametoindex(devname);

    if (!ifindex) {
        return -ENODEV;
    }
    dev = calloc(1, sizeof *dev);
    if (!dev) {
        return -ENOMEM;
    }
    dev->ifindex = ifindex;
    dev->up.name = strdup(devname);
    if (!dev->up.name) {
        free(dev);
        return -ENOMEM;
    }
    *portp = &dev->up;
    return 0;
}

static void
close_rings(struct port_mmap *dev)
{
    for (unsigned q = 0; q < dev->n_queues; q++) {
        tpacket_close(dev->qctx[q].ring);
    }
    free(dev->qctx);
    free(dev->queues);
    dev->qctx = NULL;
    dev->queues = NULL;
    dev->n_queues = 0;
}

static void
port_mmap_close(struct port *port)
{
    struct port_mmap *dev = port_mmap_cast(port);

    close_rings(dev);
    free(port->name);
    free(dev);
}

static int
port_mmap_configure(struct port *port, const struct port_conf *conf)
{
    struct port_mmap *dev = port_mmap_cast(port);
    struct tpacket_conf tc = {
        .ifname = port->name,
        .mtu = conf->mtu,
        .qdisc_bypass = true,
        .tx_copy = TPACKET_TX_COPY_AUTO,
        /* Queues of one port share a fanout group; ports do not. */
        .fanout_group = conf->queues > 1
                        ? (int) ((getpid() + dev->ifindex) & 0xffff) : -1,
    };
    int error;

    close_rings(dev);
    dev->qctx = aligned_alloc(64, conf->queues * sizeof *dev->qctx);
    dev->queues = aligned_alloc(64, conf->queues * sizeof *dev->queues);
    if (!dev->qctx || !dev->queues) {
        close_rings(dev);
        return -ENOMEM;
    }
    memset(dev->qctx, 0, conf->queues * sizeof *dev->qctx);
    for (unsigned q = 0; q < conf->queues; q++) {
        tc.rx_counters = &dev->qctx[q].rx_stats;
        tc.tx_counters = &dev->qctx[q].tx_stats;
        error = tpacket_open(&tc, &dev->qctx[q].ring);
        if (error) {
            LOG_ERR("%s: queue %u: cannot set up a TPACKET_V3 ring for "
                    "MTU %u: %s", port->name, q, conf->mtu,
                    strerror(-error));
            dev->n_queues = q;
            close_rings(dev);
            return error;
        }
        dev->n_queues = q + 1;
        dev->queues[q] = (struct port_queue) {
            .rx_burst = mmap_rx_burst,
            .tx_burst = mmap_tx_burst,
            .free_bufs = mmap_free_bufs,
            .q = &dev->qctx[q],
        };
    }
    {
        const struct tpacket_geometry *g
            = tpacket_get_geometry(dev->qctx[0].ring);
        unsigned if_mtu = tpacket_get_if_mtu(dev->qctx[0].ring);
        unsigned copy = tpacket_get_tx_copy(dev->qctx[0].ring);
        char how[48];

        /* Longer frames would stall the transmit ring (the kernel refuses
         * them): they are dropped and counted as too big instead. */
        if (if_mtu < conf->mtu) {
            LOG_WARN("%s: interface MTU %u is below the MTU asked for (%u):"
                     " frames longer than %u bytes (%u with a VLAN tag) "
                     "are dropped on output as too big", port->name,
                     if_mtu, conf->mtu, if_mtu + GFP_ETH_HLEN,
                     if_mtu + GFP_ETH_HLEN + 4);
        }
        if (copy) {
            snprintf(how, sizeof how, "copied by the kernel up to %u bytes",
                     copy);
        } else {
            snprintf(how, sizeof how, "referenced by the kernel");
        }
        LOG_INFO("%s (PacketMMAP): %u queues, MTU %u, rx %u blocks of %u "
                 "bytes, tx %u frames of %u bytes, sent frames %s%s",
                 port->name, conf->queues, conf->mtu, g->rx_blocks,
                 g->rx_block_size, g->tx_frames, g->tx_frame_size, how,
                 conf->queues > 1 ? ", fanout by hash" : "");
    }
    return 0;
}

static int
port_mmap_start(struct port *port)
{
    /* Like DPDK's net_af_packet: a started port's interface is up.  One
     * that a switch across drivers made comes down, so that it takes in
     * frames only once its rings are there to count them. */
    return port_mmap_cast(port)->n_queues ? port_netdev_set_up(port->name,
                                                               true)
                                          : -EINVAL;
}

static void
port_mmap_stop(struct port *port)
{
    struct port_mmap *dev = port_mmap_cast(port);

    /* What was counted as sent must leave before the socket closes. */
    for (unsigned q = 0; q < dev->n_queues; q++) {
        unsigned left = tpacket_tx_flush(dev->qctx[q].ring, 100);

        if (left) {
            LOG_WARN("%s: queue %u: %u frames still queued for transmit "
                     "after 100 ms", port->name, q, left);
        }
    }
}

static int
port_mmap_rx_quiesce(struct port *port)
{
    struct port_mmap *dev = port_mmap_cast(port);

    for (unsigned q = 0; q < dev->n_queues; q++) {
        int error = tpacket_rx_quiesce(dev->qctx[q].ring);

        if (error) {
            return error;
        }
    }
    return 0;
}

static const struct port_queue *
port_mmap_queue(const struct port *port, unsigned qid)
{
    return &port_mmap_cast(port)->queues[qid];
}

static int
port_mmap_rx_wait_fd(const struct port *port, unsigned qid, int *fd)
{
    *fd = tpacket_fd(port_mmap_cast(port)->qctx[qid].ring);
    return 0;
}

/* The rings' counters, summed over the queues.  PACKET_STATISTICS is read
 * here (and added to the queues' kernel counters): on the control thread,
 * one reader at a time. */
static void
sum_counters(const struct port *port, struct tpacket_counters *sum)
{
    struct port_mmap *dev = port_mmap_cast(port);

    memset(sum, 0, sizeof *sum);
    for (unsigned q = 0; q < dev->n_queues; q++) {
        struct mmap_queue *mq = &dev->qctx[q];
        struct tpacket_counters c;

        tpacket_read_kstats(mq->ring, &mq->kernel_stats);
        tpacket_counters_read(&mq->rx_stats, &mq->tx_stats,
                              &mq->kernel_stats, &c);
        tpacket_counters_add(sum, &c);
    }
}

/* The device's drops are the ring's: the kernel's, those of the receive
 * walk and those of the transmit ring. */
static int
port_mmap_get_dev_stats(const struct port *port, struct port_dev_stats *s)
{
    struct tpacket_counters c;

    sum_counters(port, &c);
    s->rx_nombuf = 0;
    s->rx_missed = tpacket_kernel_drops(&c.kernel);
    s->rx_errors = tpacket_rx_drops(&c.rx);
    s->tx_errors = tpacket_tx_drops(&c.tx);
    return 0;
}

/* Every ring counter, by its name in tpacket_counter_descs(). */
static json_t *
port_mmap_get_xstats(const struct port *port)
{
    const struct counter_desc *d;
    struct tpacket_counters c;
    json_t *obj = json_object();
    size_t n;

    sum_counters(port, &c);
    d = tpacket_counter_descs(&n);
    for (size_t i = 0; i < n; i++) {
        json_object_set_new(obj, d[i].name,
                            json_integer(counter_desc_get(&c, &d[i])));
    }
    return obj;
}

/* The interface's MTU as the rings found it at configure time: the
 * longest frame this port sends is that plus a header (and a VLAN tag). */
static int
port_mmap_get_mtu(const struct port *port, unsigned *mtu)
{
    struct port_mmap *dev = port_mmap_cast(port);

    if (!dev->n_queues) {
        return -EAGAIN;
    }
    *mtu = tpacket_get_if_mtu(dev->qctx[0].ring);
    return 0;
}

const struct port_class port_mmap_class = {
    .type = "mmap",
    .open = port_mmap_open,
    .close = port_mmap_close,
    .configure = port_mmap_configure,
    .start = port_mmap_start,
    .stop = port_mmap_stop,
    .rx_quiesce = port_mmap_rx_quiesce,
    .queue = port_mmap_queue,
    .rx_wait_fd = port_mmap_rx_wait_fd,
    .get_mac = port_netdev_get_mac,
    .get_link = port_netdev_get_link,
    .get_mtu = port_mmap_get_mtu,
    .get_dev_stats = port_mmap_get_dev_stats,
    .get_xstats = port_mmap_get_xstats,
};
