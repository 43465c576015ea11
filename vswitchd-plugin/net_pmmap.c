/* net_pmmap: a DPDK poll-mode driver over TPACKET_V3 rings.
 *
 * A virtual device (--vdev net_pmmapN,iface=IF[,queues=N,...]) that moves
 * frames between DPDK mbufs and a kernel network interface through
 * AF_PACKET memory-mapped rings (lib/tpacket.c), so that an OVS-DPDK
 * bridge (or testpmd) can switch to and from a kernel interface without
 * a kernel datapath.  This file is the control path: devargs, probe and
 * remove, and the ethdev operations; the burst functions are in
 * pmmap-rxtx.c, the counters in pmmap-stats.c.
 *
 * Rings exist only while the port is started: a probed or stopped port
 * takes no frames from the interface.  Queue pair i is socket i; with
 * several receive queues the receiving sockets join one PACKET_FANOUT_HASH
 * group, so that the kernel spreads flows over them, and sockets beyond
 * the receive queues (OVS asks for more transmit queues than receive ones)
 * only transmit. */
#include <config.h>
#include "pmmap.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>

#include "util.h"

RTE_LOG_REGISTER_DEFAULT(pmmap_logtype, NOTICE);

#define PMMAP_RX_OFFLOADS RTE_ETH_RX_OFFLOAD_SCATTER
#define PMMAP_TX_OFFLOADS RTE_ETH_TX_OFFLOAD_MULTI_SEGS

/* Devargs: one strict parser, in the manner of gfp's own configuration. */

#define PMMAP_ARGS \
    "iface, queues, blocks, frames, qdisc_bypass, zero_copy, tx_copy"

static bool
is_pow2(unsigned long long v)
{
    return v && !(v & (v - 1));
}

/* Parses the 0 or 1 of KEY=VALUE into '*flag'.  Returns 0 or -EINVAL,
 * having logged one line that names the key and the value. */
static int
parse_flag(const char *name, const char *key, const char *value,
           bool *flag)
{
    unsigned long long v;

    if (parse_uint(value, 0, 1, &v)) {
        PMMAP_ERR("%s: %s=%s: invalid value, expected 0 or 1", name, key,
                  value);
        return -EINVAL;
    }
    *flag = v;
    return 0;
}

/* Parses one KEY=VALUE into 'conf'.  Returns 0 or -EINVAL, having logged
 * one line that names the key, the value and what is accepted. */
static int
parse_arg(const char *name, const char *key, const char *value,
          struct pmmap_conf *conf)
{
    unsigned long long v;

    if (!strcmp(key, "iface")) {
        if (!value[0] || strlen(value) >= sizeof conf->ifname) {
            PMMAP_ERR("%s: iface=%s: invalid value, expected a kernel "
                      "interface name of 1 to %zu characters", name, value,
                      sizeof conf->ifname - 1);
            return -EINVAL;
        }
        strcpy(conf->ifname, value);
    } else if (!strcmp(key, "queues")) {
        if (parse_uint(value, 1, PMMAP_MAX_QUEUES, &v)) {
            PMMAP_ERR("%s: queues=%s: invalid value, expected a number "
                      "from 1 to %d", name, value, PMMAP_MAX_QUEUES);
            return -EINVAL;
        }
        conf->queues = v;
    } else if (!strcmp(key, "blocks")) {
        if (parse_uint(value, 2, 4096, &v) || !is_pow2(v)) {
            PMMAP_ERR("%s: blocks=%s: invalid value, expected a power of "
                      "two from 2 to 4096 (receive ring blocks per queue)",
                      name, value);
            return -EINVAL;
        }
        conf->blocks = v;
    } else if (!strcmp(key, "frames")) {
        if (parse_uint(value, 16, 65536, &v) || !is_pow2(v)) {
            PMMAP_ERR("%s: frames=%s: invalid value, expected a power of "
                      "two from 16 to 65536 (transmit ring frames per "
                      "queue)", name, value);
            return -EINVAL;
        }
        conf->frames = v;
    } else if (!strcmp(key, "qdisc_bypass")) {
        return parse_flag(name, key, value, &conf->qdisc_bypass);
    } else if (!strcmp(key, "zero_copy")) {
        return parse_flag(name, key, value, &conf->zero_copy);
    } else if (!strcmp(key, "tx_copy")) {
        if (!strcmp(value, "auto")) {
            conf->tx_copy = TPACKET_TX_COPY_AUTO;
        } else if (parse_uint(value, 0, TPACKET_TX_COPY_MAX, &v)) {
            PMMAP_ERR("%s: tx_copy=%s: invalid value, expected auto or a "
                      "number of bytes from 0 to %d", name, value,
                      TPACKET_TX_COPY_MAX);
            return -EINVAL;
        } else {
            conf->tx_copy = v;
        }
    } else {
        PMMAP_ERR("%s: unknown argument %s=%s: accepted are "PMMAP_ARGS,
                  name, key, value);
        return -EINVAL;
    }
    return 0;
}

/* The rings are locked memory inside ovs-vswitchd: the devargs may not ask
 * for more than PMMAP_MAX_RING_BYTES a port, counted at the largest MTU
 * the port takes, so that no later MTU change can go over it. */
static int
check_ring_memory(const char *name, const struct pmmap_conf *conf)
{
    struct tpacket_conf tc = {
        .mtu = GFP_MTU_MAX,
        .rx_blocks = conf->blocks,
        .tx_frames = conf->frames,
        .rx_headroom = conf->zero_copy ? PMMAP_LEND_ROOM : 0,
        .tx_copy = conf->tx_copy,
    };
    struct tpacket_geometry g;
    uint64_t bytes;
    int error;

    error = tpacket_geometry(&tc, &g);
    if (error) {
        PMMAP_ERR("%s: blocks=%u, frames=%u: no ring fits MTU %d: %s", name,
                  conf->blocks, conf->frames, GFP_MTU_MAX,
                  rte_strerror(-error));
        return error;
    }
    bytes = (uint64_t) conf->queues
            * ((uint64_t) g.rx_block_size * g.rx_blocks
               + (uint64_t) g.tx_block_size * g.tx_blocks);
    if (bytes > PMMAP_MAX_RING_BYTES) {
        PMMAP_ERR("%s: queues=%u, blocks=%u, frames=%u: the rings would "
                  "lock %"PRIu64" MiB at MTU %d, over the %llu MiB a port "
                  "may have (fewer queues, blocks or frames)", name,
                  conf->queues, g.rx_blocks, g.tx_frames, bytes >> 20,
                  GFP_MTU_MAX, PMMAP_MAX_RING_BYTES >> 20);
        return -EINVAL;
    }
    return 0;
}

static int
parse_args(const char *name, const char *args, struct pmmap_conf *conf)
{
    static const char *const keys[] = {
        "iface", "queues", "blocks", "frames", "qdisc_bypass", "zero_copy",
        "tx_copy",
    };
    bool seen[RTE_DIM(keys)] = { false };
    struct rte_kvargs *kv;
    int error = 0;

    memset(conf, 0, sizeof *conf);
    conf->queues = 1;
    /* As net_af_packet: past the qdisc unless told otherwise. */
    conf->qdisc_bypass = true;
    conf->tx_copy = TPACKET_TX_COPY_AUTO;
    if (!args || !args[0]) {
        PMMAP_ERR("%s: iface=NAME is required (the kernel interface to "
                  "attach to)", name);
        return -EINVAL;
    }
    kv = rte_kvargs_parse(args, NULL);
    if (!kv) {
        PMMAP_ERR("%s: cannot parse arguments \"%s\": expected KEY=VALUE "
                  "pairs separated by commas, keys "PMMAP_ARGS, name, args);
        return -EINVAL;
    }
    for (unsigned i = 0; i < kv->count && !error; i++) {
        const char *key = kv->pairs[i].key;
        const char *value = kv->pairs[i].value;

        if (!value) {
            PMMAP_ERR("%s: %s: a value is required (%s=VALUE)", name, key,
                      key);
            error = -EINVAL;
            break;
        }
        for (unsigned k = 0; k < RTE_DIM(keys); k++) {
            if (!strcmp(key, keys[k])) {
                if (seen[k]) {
                    PMMAP_ERR("%s: %s=%s: %s given twice", name, key, value,
                              key);
                    error = -EINVAL;
                }
                seen[k] = true;
            }
        }
        if (!error) {
            error = parse_arg(name, key, value, conf);
        }
    }
    rte_kvargs_free(kv);
    if (!error && !conf->ifname[0]) {
        PMMAP_ERR("%s: iface=NAME is required (the kernel interface to "
                  "attach to)", name);
        error = -EINVAL;
    }
    if (!error) {
        error = check_ring_memory(name, conf);
    }
    return error;
}

/* The rings of a started port. */

/* The fanout group of a port's receiving sockets: its own per interface
 * and port, so that two ports (or two processes' ports) do not meet in one
 * group unless their ids collide; then open_rings() moves on. */
static int
fanout_base(const struct pmmap_port *p, int ifindex)
{
    return ((ifindex & 0xff) << 8) | (p->port_id & 0xff);
}

static void
close_rings(struct pmmap_port *p)
{
    struct tpacket *sock[PMMAP_MAX_QUEUES];
    unsigned n;

    /* The kernel's last drop counts, then the sockets go away for the
     * statistics readers before they close. */
    pmmap_kstats_poll(p);
    rte_spinlock_lock(&p->stats_lock);
    n = p->n_sock;
    memcpy(sock, p->sock, sizeof sock);
    memset(p->sock, 0, sizeof p->sock);
    p->n_sock = 0;
    p->n_rx_sock = 0;
    rte_spinlock_unlock(&p->stats_lock);

    for (unsigned q = 0; q < PMMAP_MAX_QUEUES; q++) {
        p->rxq[q].t = NULL;
        p->rxq[q].lend = NULL;
        p->lend[q] = NULL;
        p->txq[q].t = NULL;
        rte_free(p->txq[q].bounce);
        p->txq[q].bounce = NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        tpacket_close(sock[i]);
    }
}

/* Opens one socket with 'tc', lending its received frames out if 'lend'
 * ('*lendp' then says how). */
static int
open_ring(struct tpacket_conf *tc, bool lend, struct tpacket **t,
          struct pmmap_lend **lendp)
{
    struct pmmap_lend *l = NULL;
    int error;

    *lendp = NULL;
    if (lend) {
        l = pmmap_lend_new();
        if (!l) {
            return -ENOMEM;
        }
    }
    tc->rx_lend = l != NULL;
    tc->rx_headroom = l ? PMMAP_LEND_ROOM : 0;
    tc->on_free = l ? pmmap_lend_freed : NULL;
    tc->aux = l;
    error = tpacket_open(tc, t);
    if (!error && l) {
        error = pmmap_lend_attach(l, *t);
        if (error) {
            tpacket_close(*t);
            *t = NULL;
        }
    }
    if (!error) {
        *lendp = l;
    }
    return error;
}

/* Opens 'n_sock' sockets on the interface at 'mtu': the first 'n_rx'
 * receive (in a fanout group if more than one), the others only
 * transmit. */
static int
open_rings(struct rte_eth_dev *dev, int ifindex, unsigned n_rx,
           unsigned n_sock, unsigned mtu)
{
    struct pmmap_port *p = dev->data->dev_private;
    const char *name = dev->device->name;
    struct tpacket *sock[PMMAP_MAX_QUEUES] = { NULL };
    struct pmmap_lend *lend[PMMAP_MAX_QUEUES] = { NULL };
    struct tpacket_conf tc = {
        .ifname = p->conf.ifname,
        .mtu = mtu,
        .rx_blocks = p->conf.blocks,
        .tx_frames = p->conf.frames,
        .qdisc_bypass = p->conf.qdisc_bypass,
        .tx_copy = p->conf.tx_copy,
    };
    struct tpacket_geometry g;
    int group = n_rx > 1 ? fanout_base(p, ifindex) : -1;
    unsigned tries = 0, i;
    int error;

    /* Sockets that only receive, or only transmit, get the smallest ring
     * of the other kind. */
    error = tpacket_geometry(&tc, &g);
    if (error) {
        PMMAP_ERR("%s: iface=%s: no ring fits MTU %u with these blocks and "
                  "frames: %s", name, p->conf.ifname, mtu,
                  rte_strerror(-error));
        return error;
    }

    for (i = 0; i < n_sock; i++) {
        bool rx = i < n_rx, tx = i < dev->data->nb_tx_queues;

        tc.rx_blocks = rx ? p->conf.blocks : 1;
        tc.tx_frames = tx ? p->conf.frames
                          : g.tx_block_size / g.tx_frame_size;
        tc.fanout_group = rx ? group : -1;
        /* A queue that only receives needs no socket to send through. */
        tc.tx_copy = tx ? p->conf.tx_copy : 0;
        /* The ring counts into the queues' blocks, which outlive it. */
        tc.rx_counters = &p->rxq[i].c.ring;
        tc.tx_counters = &p->txq[i].c.ring;
        error = open_ring(&tc, rx && p->lending, &sock[i], &lend[i]);
        while (error == -EINVAL && i == 0 && group >= 0 && ++tries < 16) {
            /* A group of that id exists for another interface (another
             * port, another process): the first socket tries the next. */
            group = (group + 1) & 0xffff;
            tc.fanout_group = group;
            error = open_ring(&tc, rx && p->lending, &sock[i], &lend[i]);
        }
        if (error) {
            PMMAP_ERR("%s: iface=%s: cannot open the ring of queue %u: %s",
                      name, p->conf.ifname, i, rte_strerror(-error));
            goto error;
        }
        if (!rx) {
            error = tpacket_rx_quiesce(sock[i]);
            if (error) {
                PMMAP_ERR("%s: iface=%s: queue %u: cannot stop the "
                          "transmit-only socket from receiving: %s", name,
                          p->conf.ifname, i, rte_strerror(-error));
                tpacket_close(sock[i]);
                goto error;
            }
        }
    }

    rte_spinlock_lock(&p->stats_lock);
    memcpy(p->sock, sock, sizeof sock);
    memcpy(p->lend, lend, sizeof lend);
    p->n_sock = n_sock;
    p->n_rx_sock = n_rx;
    p->fanout_group = group;
    rte_spinlock_unlock(&p->stats_lock);
    return 0;

error:
    while (i-- > 0) {
        tpacket_close(sock[i]);
    }
    return error;
}

/* Says how much of each sent frame the kernel copies ('tx_copy'). */
static void
log_tx_copy(const char *name, const struct pmmap_conf *conf,
            const struct tpacket *t)
{
    unsigned copy = tpacket_get_tx_copy(t);
    char asked[16];

    if (conf->tx_copy < 0) {
        snprintf(asked, sizeof asked, "auto");
    } else {
        snprintf(asked, sizeof asked, "%d", conf->tx_copy);
    }
    if (copy == TPACKET_TX_COPY_MAX) {
        PMMAP_INFO("%s: the kernel copies sent frames whole (tx_copy=%s)",
                   name, asked);
    } else if (copy) {
        PMMAP_INFO("%s: the kernel copies the first %u bytes of a sent "
                   "frame (tx_copy=%s)", name, copy, asked);
    } else {
        PMMAP_INFO("%s: the kernel copies a sent frame's header, the rest "
                   "it references in the ring (tx_copy=%s)", name, asked);
    }
}

/* ethdev operations. */

static int
pmmap_dev_configure(struct rte_eth_dev *dev)
{
    struct pmmap_port *p = dev->data->dev_private;
    const struct rte_eth_conf *c = &dev->data->dev_conf;
    const char *name = dev->device->name;

    if (c->rxmode.offloads & ~PMMAP_RX_OFFLOADS) {
        PMMAP_ERR("%s: Rx offloads 0x%"PRIx64" are not supported (only "
                  "scatter)", name, c->rxmode.offloads & ~PMMAP_RX_OFFLOADS);
        return -EINVAL;
    }
    if (c->txmode.offloads & ~PMMAP_TX_OFFLOADS) {
        PMMAP_ERR("%s: Tx offloads 0x%"PRIx64" are not supported (only "
                  "multi_segs)", name,
                  c->txmode.offloads & ~PMMAP_TX_OFFLOADS);
        return -EINVAL;
    }
    if (c->rxmode.mq_mode & (RTE_ETH_MQ_RX_DCB_FLAG
                             | RTE_ETH_MQ_RX_VMDQ_FLAG)) {
        PMMAP_ERR("%s: Rx mq_mode %d is not supported (the kernel spreads "
                  "flows over the queues by hash)", name,
                  (int) c->rxmode.mq_mode);
        return -EINVAL;
    }
    if (c->txmode.mq_mode != RTE_ETH_MQ_TX_NONE) {
        PMMAP_ERR("%s: Tx mq_mode %d is not supported", name,
                  (int) c->txmode.mq_mode);
        return -EINVAL;
    }
    if (c->intr_conf.rxq) {
        PMMAP_ERR("%s: Rx queue interrupts are not supported", name);
        return -EINVAL;
    }
    p->requested_mtu = dev->data->mtu;
    PMMAP_INFO("%s: configured %u rx and %u tx queues, MTU %u", name,
               dev->data->nb_rx_queues, dev->data->nb_tx_queues,
               p->requested_mtu);
    return 0;
}

static int
pmmap_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
    struct pmmap_port *p = dev->data->dev_private;

    info->if_index = p->ifindex;
    info->max_mac_addrs = 1;
    info->min_mtu = GFP_MTU_MIN;
    info->max_mtu = GFP_MTU_MAX;
    info->max_rx_pktlen = GFP_MTU_MAX + PMMAP_FRAME_OVERHEAD;
    info->min_rx_bufsize = 0;
    info->max_rx_queues = p->conf.queues;
    info->max_tx_queues = p->conf.queues;
    info->rx_offload_capa = PMMAP_RX_OFFLOADS;
    info->tx_offload_capa = PMMAP_TX_OFFLOADS;
    info->rx_queue_offload_capa = 0;
    info->tx_queue_offload_capa = 0;
    info->flow_type_rss_offloads = 0;
    info->default_rxportconf.burst_size = 32;
    info->default_txportconf.burst_size = 32;
    info->default_rxportconf.nb_queues = 1;
    info->default_txportconf.nb_queues = 1;
    return 0;
}

/* Up when started and the kernel interface is up and running. */
static int
pmmap_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
    struct pmmap_port *p = dev->data->dev_private;
    struct rte_eth_link link;

    memset(&link, 0, sizeof link);
    if (p->n_sock && pmmap_kernel_link(p->conf.ifname, &link)) {
        memset(&link, 0, sizeof link);
    }
    return rte_eth_linkstatus_set(dev, &link);
}

static int
pmmap_dev_start(struct rte_eth_dev *dev)
{
    struct pmmap_port *p = dev->data->dev_private;
    const char *name = dev->device->name;
    unsigned n_rx = dev->data->nb_rx_queues, n_tx = dev->data->nb_tx_queues;
    unsigned mtu = p->requested_mtu, kernel_mtu, tx_mtu;
    uint32_t max_len = mtu + PMMAP_FRAME_OVERHEAD;
    char why[128];
    int ifindex, error;

    for (unsigned q = 0; q < n_rx; q++) {
        const struct pmmap_rxq *rxq = &p->rxq[q];

        if (!rxq->mp) {
            PMMAP_ERR("%s: rx queue %u is not set up", name, q);
            return -EINVAL;
        }
        if (max_len > rxq->head_room
            && (max_len - rxq->head_room + rxq->seg_room - 1) / rxq->seg_room
               > PMMAP_RX_MAX_SEGS) {
            PMMAP_ERR("%s: rx queue %u: mbufs of %u data bytes are too "
                      "small for MTU %u (more than %d segments a frame)",
                      name, q, rxq->seg_room, mtu, PMMAP_RX_MAX_SEGS + 1);
            return -EINVAL;
        }
    }
    for (unsigned q = 0; q < n_tx; q++) {
        if (!p->txq[q].set_up) {
            PMMAP_ERR("%s: tx queue %u is not set up", name, q);
            return -EINVAL;
        }
    }

    /* The interface may have been recreated since probe. */
    ifindex = pmmap_kernel_ifindex(p->conf.ifname);
    if (ifindex < 0) {
        PMMAP_ERR("%s: iface=%s: %s", name, p->conf.ifname,
                  ifindex == -ENODEV ? "no such interface"
                                     : rte_strerror(-ifindex));
        return ifindex;
    }
    pmmap_kernel_mac(p->conf.ifname, &p->mac);
    tx_mtu = mtu;
    if (!pmmap_kernel_mtu(p->conf.ifname, &kernel_mtu) && kernel_mtu < mtu) {
        /* The kernel refuses longer frames and stops the ring at them. */
        PMMAP_WARN("%s: iface=%s has MTU %u, below the port's %u: frames "
                   "longer than %u bytes are dropped on transmit "
                   "(tx_too_big)", name, p->conf.ifname, kernel_mtu, mtu,
                   kernel_mtu + PMMAP_FRAME_OVERHEAD);
        tx_mtu = kernel_mtu;
    }

    why[0] = '\0';
    p->lending = p->conf.zero_copy && n_rx
                 && pmmap_lend_watch(why, sizeof why);
    error = open_rings(dev, ifindex, n_rx, RTE_MAX(n_rx, n_tx), mtu);
    if (error) {
        return error;
    }
    for (unsigned q = 0; q < n_tx; q++) {
        struct pmmap_txq *txq = &p->txq[q];

        txq->max_len = tx_mtu + PMMAP_FRAME_OVERHEAD;
        txq->bounce = rte_malloc_socket("pmmap_tx_bounce",
                                        (size_t) PMMAP_TX_BOUNCE_FRAMES
                                        * txq->max_len, 0, txq->socket_id);
        if (!txq->bounce) {
            PMMAP_ERR("%s: tx queue %u: out of memory", name, q);
            close_rings(p);
            return -ENOMEM;
        }
        txq->t = p->sock[q];
        dev->data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
    }
    for (unsigned q = 0; q < n_rx; q++) {
        struct pmmap_rxq *rxq = &p->rxq[q];

        rxq->max_len = max_len;
        rxq->t = p->sock[q];
        rxq->lend = p->lend[q];
        dev->data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
        if (max_len > rxq->head_room) {
            PMMAP_INFO("%s: rx queue %u: frames over %u bytes are chained "
                       "(up to %u segments)", name, q, rxq->head_room,
                       1 + (max_len - rxq->head_room + rxq->seg_room - 1)
                           / rxq->seg_room);
        }
    }
    p->ifindex = ifindex;
    p->applied_mtu = mtu;
    p->promisc_applied = false;
    p->allmulti_applied = false;
    pmmap_link_update(dev, 0);

    if (p->conf.zero_copy && n_rx) {
        /* Logged by default (inside OVS too): it changes what the
         * application's mbufs are. */
        if (p->lending) {
            PMMAP_NOTICE("%s: received frames are handed over in the ring "
                         "(zero_copy=1)", name);
        } else {
            PMMAP_NOTICE("%s: received frames are copied (zero_copy=1, "
                         "but %s)", name, why);
        }
    }
    log_tx_copy(name, &p->conf, p->sock[0]);
    if (p->fanout_group >= 0) {
        PMMAP_INFO("%s: started on %s: %u rx, %u tx queues, MTU %u, fanout "
                   "group %d", name, p->conf.ifname, n_rx, n_tx, mtu,
                   p->fanout_group);
    } else {
        PMMAP_INFO("%s: started on %s: %u rx, %u tx queues, MTU %u", name,
                   p->conf.ifname, n_rx, n_tx, mtu);
    }
    return 0;
}

static int
pmmap_dev_stop(struct rte_eth_dev *dev)
{
    struct pmmap_port *p = dev->data->dev_private;
    struct rte_eth_link down;

    close_rings(p);
    for (unsigned q = 0; q < dev->data->nb_rx_queues; q++) {
        pmmap_rx_stash_free(&p->rxq[q]);
        dev->data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
    }
    for (unsigned q = 0; q < dev->data->nb_tx_queues; q++) {
        dev->data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
    }
    memset(&down, 0, sizeof down);
    rte_eth_linkstatus_set(dev, &down);
    PMMAP_INFO("%s: stopped", dev->device->name);
    return 0;
}

static int
pmmap_dev_close(struct rte_eth_dev *dev)
{
    struct pmmap_port *p = dev->data->dev_private;

    if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
        return 0;
    }
    if (p->n_sock) {
        close_rings(p);
    }
    for (unsigned q = 0; q < PMMAP_MAX_QUEUES; q++) {
        pmmap_rx_stash_free(&p->rxq[q]);
    }
    /* Part of the private data, which ethdev frees. */
    dev->data->mac_addrs = NULL;
    PMMAP_INFO("%s: closed", dev->device->name);
    return 0;
}

/* Promiscuous and all-multicast modes are socket memberships: the kernel
 * undoes them when the socket closes (port stop, or a crash).  While the
 * port is stopped there is no socket; ethdev replays the mode after
 * dev_start. */
static int
set_mode(struct rte_eth_dev *dev, bool promisc, bool on)
{
    struct pmmap_port *p = dev->data->dev_private;
    bool *applied = promisc ? &p->promisc_applied : &p->allmulti_applied;
    int error;

    if (!p->n_sock || *applied == on) {
        return 0;
    }
    error = promisc ? tpacket_set_promisc(p->sock[0], on)
                    : tpacket_set_allmulti(p->sock[0], on);
    if (error) {
        PMMAP_ERR("%s: iface=%s: cannot turn %s %s mode: %s",
                  dev->device->name, p->conf.ifname, on ? "on" : "off",
                  promisc ? "promiscuous" : "all-multicast",
                  rte_strerror(-error));
        return error;
    }
    *applied = on;
    return 0;
}

static int
pmmap_promiscuous_enable(struct rte_eth_dev *dev)
{
    return set_mode(dev, true, true);
}

static int
pmmap_promiscuous_disable(struct rte_eth_dev *dev)
{
    return set_mode(dev, true, false);
}

static int
pmmap_allmulticast_enable(struct rte_eth_dev *dev)
{
    return set_mode(dev, false, true);
}

static int
pmmap_allmulticast_disable(struct rte_eth_dev *dev)
{
    return set_mode(dev, false, false);
}

/* The rings are sized from the MTU when the port starts: a change waits
 * for a stopped port.  ethdev has checked the range against min_mtu and
 * max_mtu and stores the value in dev->data->mtu on success. */
static int
pmmap_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
    struct pmmap_port *p = dev->data->dev_private;

    if (mtu < GFP_MTU_MIN || mtu > GFP_MTU_MAX) {
        return -EINVAL;
    }
    if (dev->data->dev_started) {
        PMMAP_INFO("%s: MTU %u refused while started (stop the port "
                   "first)", dev->device->name, mtu);
        return -EBUSY;
    }
    p->requested_mtu = mtu;
    return 0;
}

/* The descriptor counts are ignored: the ring sizes come from the devargs
 * (blocks, frames). */
static int
pmmap_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
                     uint16_t nb_desc, unsigned socket_id,
                     const struct rte_eth_rxconf *conf,
                     struct rte_mempool *mp)
{
    struct pmmap_port *p = dev->data->dev_private;
    struct pmmap_rxq *q = &p->rxq[qid];
    uint32_t room = rte_pktmbuf_data_room_size(mp);

    if (room <= RTE_PKTMBUF_HEADROOM) {
        PMMAP_ERR("%s: rx queue %u: mempool %s has mbufs without data "
                  "room", dev->device->name, qid, mp->name);
        return -EINVAL;
    }
    pmmap_rx_stash_free(q);
    q->mp = mp;
    q->head_room = room - RTE_PKTMBUF_HEADROOM;
    q->seg_room = room;
    dev->data->rx_queues[qid] = q;
    return 0;
}

static void
pmmap_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
    struct pmmap_port *p = dev->data->dev_private;

    pmmap_rx_stash_free(&p->rxq[qid]);
    p->rxq[qid].mp = NULL;
}

static int
pmmap_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
                     uint16_t nb_desc, unsigned socket_id,
                     const struct rte_eth_txconf *conf)
{
    struct pmmap_port *p = dev->data->dev_private;
    struct pmmap_txq *q = &p->txq[qid];

    q->socket_id = socket_id;
    q->set_up = true;
    dev->data->tx_queues[qid] = q;
    return 0;
}

static void
pmmap_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
    struct pmmap_port *p = dev->data->dev_private;

    p->txq[qid].set_up = false;
}

static const struct eth_dev_ops pmmap_ops = {
    .dev_configure = pmmap_dev_configure,
    .dev_infos_get = pmmap_dev_infos_get,
    .dev_start = pmmap_dev_start,
    .dev_stop = pmmap_dev_stop,
    .dev_close = pmmap_dev_close,
    .link_update = pmmap_link_update,
    .promiscuous_enable = pmmap_promiscuous_enable,
    .promiscuous_disable = pmmap_promiscuous_disable,
    .allmulticast_enable = pmmap_allmulticast_enable,
    .allmulticast_disable = pmmap_allmulticast_disable,
    .mtu_set = pmmap_mtu_set,
    .rx_queue_setup = pmmap_rx_queue_setup,
    .rx_queue_release = pmmap_rx_queue_release,
    .tx_queue_setup = pmmap_tx_queue_setup,
    .tx_queue_release = pmmap_tx_queue_release,
    .stats_get = pmmap_stats_get,
    .stats_reset = pmmap_stats_reset,
    .xstats_get = pmmap_xstats_get,
    .xstats_get_names = pmmap_xstats_get_names,
    .xstats_reset = pmmap_stats_reset,
};

/* The virtual device. */

static int
pmmap_probe(struct rte_vdev_device *vdev)
{
    const char *name = rte_vdev_device_name(vdev);
    struct rte_ether_addr mac;
    struct pmmap_conf conf;
    struct rte_eth_dev *dev;
    struct pmmap_port *p;
    char mac_s[RTE_ETHER_ADDR_FMT_SIZE];
    int ifindex, error;

    if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
        PMMAP_ERR("%s: secondary processes are not supported (the rings "
                  "belong to the primary process)", name);
        return -ENOTSUP;
    }
    error = parse_args(name, rte_vdev_device_args(vdev), &conf);
    if (error) {
        return error;
    }
    ifindex = pmmap_kernel_ifindex(conf.ifname);
    if (ifindex < 0) {
        PMMAP_ERR("%s: iface=%s: %s", name, conf.ifname,
                  ifindex == -ENODEV
                  ? "no such interface (in this network namespace)"
                  : rte_strerror(-ifindex));
        return ifindex;
    }
    error = pmmap_kernel_mac(conf.ifname, &mac);
    if (error) {
        PMMAP_ERR("%s: iface=%s: %s", name, conf.ifname,
                  error == -EPROTONOSUPPORT
                  ? "not an Ethernet interface" : rte_strerror(-error));
        return error;
    }

    if (vdev->device.numa_node == SOCKET_ID_ANY) {
        vdev->device.numa_node = rte_socket_id();
    }
    dev = rte_eth_vdev_allocate(vdev, sizeof *p);
    if (!dev) {
        PMMAP_ERR("%s: cannot allocate the port", name);
        return -ENOMEM;
    }
    p = dev->data->dev_private;
    p->conf = conf;
    p->port_id = dev->data->port_id;
    p->ifindex = ifindex;
    p->mac = mac;
    p->requested_mtu = RTE_ETHER_MTU;
    p->fanout_group = -1;
    rte_spinlock_init(&p->stats_lock);
    for (unsigned q = 0; q < PMMAP_MAX_QUEUES; q++) {
        p->rxq[q].port_id = p->port_id;
    }

    dev->data->mac_addrs = &p->mac;
    dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
    dev->dev_ops = &pmmap_ops;
    dev->rx_pkt_burst = pmmap_rx_burst;
    dev->tx_pkt_burst = pmmap_tx_burst;
    rte_eth_dev_probing_finish(dev);

    rte_ether_format_addr(mac_s, sizeof mac_s, &mac);
    PMMAP_INFO("%s: port %u on iface %s (ifindex %d, %s), queues=%u", name,
               p->port_id, conf.ifname, ifindex, mac_s, conf.queues);
    return 0;
}

static int
pmmap_remove(struct rte_vdev_device *vdev)
{
    struct rte_eth_dev *dev;
    uint16_t port_id;

    dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
    if (!dev) {
        return 0;               /* Closed already: ethdev released it. */
    }
    port_id = dev->data->port_id;
    if (dev->data->dev_started) {
        rte_eth_dev_stop(port_id);
    }
    return rte_eth_dev_close(port_id);
}

static struct rte_vdev_driver pmmap_driver = {
    .probe = pmmap_probe,
    .remove = pmmap_remove,
};

RTE_PMD_REGISTER_VDEV(net_pmmap, pmmap_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_pmmap,
                              "iface=<ifname> "
                              "queues=<1-16> "
                              "blocks=<power of 2> "
                              "frames=<power of 2> "
                              "qdisc_bypass=<0|1> "
                              "zero_copy=<0|1>");
