/* The DPDK port backend: any ethdev the EAL probed (virtio-user or
 * virtio-net PCI, iavf, i40e, net_vhost, tap, af_xdp, ring, null, ...). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "log.h"
#include "port-provider.h"

LOG_MODULE(port_dpdk);

struct dpdk_queue {
    uint16_t port_id;
    uint16_t queue_id;
    int intr_fd;                    /* --idle interrupt; -1: none. */
};

struct port_dpdk {
    struct port up;
    uint16_t port_id;
    char driver[64];
    char devargs[256];          /* As the EAL took them ("" if none). */
    struct rte_mempool *mp;
    struct dpdk_queue *qctx;        /* One per queue. */
    struct port_queue *queues;      /* One per queue. */
    unsigned n_queues;
    bool lsc_registered;
};

static struct port_dpdk *
port_dpdk_cast(const struct port *port)
{
    return CONTAINER_OF(port, struct port_dpdk, up);
}

/* Fast path.  The descriptors the forwarding loop needs come from the
 * mbuf's first cache line, which the PMD has just written. */
static uint16_t
dpdk_rx_burst(void *q_, struct pkt_batch *b, uint16_t max)
{
    const struct dpdk_queue *q = q_;
    struct rte_mbuf **mbufs = (struct rte_mbuf **) b->bufs;
    uint16_t n;

    n = rte_eth_rx_burst(q->port_id, q->queue_id, mbufs, max);
    b->bytes = 0;
    b->bad = false;
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = mbufs[i];

        pkt_batch_add(b, i, rte_pktmbuf_mtod(m, uint8_t *), m->pkt_len,
                      m->data_len);
    }
    b->n = n;
    return n;
}

static uint16_t
dpdk_tx_burst(void *q_, struct pkt_batch *b, uint16_t n)
{
    const struct dpdk_queue *q = q_;

    return rte_eth_tx_burst(q->port_id, q->queue_id,
                            (struct rte_mbuf **) b->bufs, n);
}

static void
dpdk_free_bufs(void **bufs, uint16_t n)
{
    rte_pktmbuf_free_bulk((struct rte_mbuf **) bufs, n);
}

/* --idle interrupt.  The fd is an eventfd (VFIO MSI-X, or the vhost-user
 * call fd of virtio-user) that counts interrupts until read: reading it
 * after the wait clears it for the next one. */
static void
dpdk_rx_intr(void *q_, bool arm)
{
    const struct dpdk_queue *q = q_;

    if (arm) {
        rte_eth_dev_rx_intr_enable(q->port_id, q->queue_id);
    } else {
        uint64_t count;

        rte_eth_dev_rx_intr_disable(q->port_id, q->queue_id);
        if (read(q->intr_fd, &count, sizeof count) < 0) {
            /* EAGAIN: nothing to clear. */
        }
    }
}

/* The pools of closed ports that still had mbufs out: a port's frames
 * wait in its peer's transmit ring (a virtio PMD frees sent mbufs only
 * when it needs the room) until the peer closes too, which puts them back.
 * Freeing such a pool at once would let the peer's close write into freed
 * memory.  Only the thread that opens and closes ports touches this. */
static struct {
    struct rte_mempool *pools[RTE_MAX_ETHPORTS];
    unsigned n;
    unsigned open_ports;
} lent;

static int
lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *aux,
          void *ret_param)
{
    struct rte_eth_link link;

    if (type == RTE_ETH_EVENT_INTR_LSC
        && !rte_eth_link_get_nowait(port_id, &link)) {
        LOG_INFO("port %u: link %s", port_id,
                 link.link_status == RTE_ETH_LINK_UP ? "up" : "down");
    }
    return 0;
}

static int
port_dpdk_open(const char *devname, struct port **portp)
{
    struct rte_eth_dev_info info;
    struct port_dpdk *dev;
    unsigned long long id;
    uint16_t port_id;
    int error;

    if (!parse_uint(devname, 0, RTE_MAX_ETHPORTS - 1, &id)) {
        port_id = id;
    } else if (rte_eth_dev_get_port_by_name(devname, &port_id)) {
        return -ENODEV;
    }
    if (!rte_eth_dev_is_valid_port(port_id)) {
        return -ENODEV;
    }
    error = rte_eth_dev_info_get(port_id, &info);
    if (error) {
        return error;
    }

    dev = calloc(1, sizeof *dev);
    if (!dev) {
        return -ENOMEM;
    }
    dev->port_id = port_id;
    snprintf(dev->driver, sizeof dev->driver, "%s", info.driver_name);
    if (info.device && rte_dev_devargs(info.device)
        && rte_dev_devargs(info.device)->args) {
        snprintf(dev->devargs, sizeof dev->devargs, "%s",
                 rte_dev_devargs(info.device)->args);
    }
    {
        char name[RTE_ETH_NAME_MAX_LEN];

        dev->up.name = strdup(rte_eth_dev_get_name_by_port(port_id, name)
                              ? devname : name);
    }
    if (!dev->up.name) {
        free(dev);
        return -ENOMEM;
    }
    lent.open_ports++;
    *portp = &dev->up;
    return 0;
}

/* Frees the lent pools whose mbufs are all back; once no port is open,
 * says which never came back, and frees them too. */
static void
free_returned_pools(void)
{
    for (unsigned i = 0; i < lent.n; ) {
        struct rte_mempool *mp = lent.pools[i];
        unsigned in_use = rte_mempool_in_use_count(mp);

        if (in_use && lent.open_ports) {
            i++;
            continue;
        }
        if (in_use) {
            LOG_WARN("%s: %u mbufs not returned to the pool", mp->name,
                     in_use);
        }
        rte_mempool_free(mp);
        lent.pools[i] = lent.pools[--lent.n];
    }
}

static void
port_dpdk_close(struct port *port)
{
    struct port_dpdk *dev = port_dpdk_cast(port);

    if (dev->lsc_registered) {
        rte_eth_dev_callback_unregister(dev->port_id, RTE_ETH_EVENT_INTR_LSC,
                                        lsc_event, NULL);
    }
    /* Closing releases the queues and with them every mbuf they held,
     * into whichever port's pool each came from. */
    rte_eth_dev_close(dev->port_id);
    lent.open_ports--;
    if (dev->mp) {
        lent.pools[lent.n++] = dev->mp;
    }
    free_returned_pools();
    free(dev->qctx);
    free(dev->queues);
    free(port->name);
    free(dev);
}

static int
port_dpdk_numa_node(const struct port *port)
{
    int node = rte_eth_dev_socket_id(port_dpdk_cast(port)->port_id);

    return node < 0 ? -1 : node;
}

static const char *
port_dpdk_driver(const struct port *port)
{
    return port_dpdk_cast(port)->driver;
}

static const char *
port_dpdk_devargs(const struct port *port)
{
    return port_dpdk_cast(port)->devargs;
}

/* Buffers a port needs: its rx rings full, its mbufs in flight on the
 * peer's tx rings, in the workers' hands and in per-lcore caches, times the
 * segments one frame takes. */
static unsigned
pool_size(const struct port_conf *conf, unsigned segs, unsigned cache)
{
    unsigned long n;

    n = (unsigned long) conf->queues * (conf->rxd + conf->txd)
        + (unsigned long) conf->workers * conf->burst;
    n = n * segs + (unsigned long) cache * (rte_lcore_count() + 1) + 1024;
    return n;
}

static int
port_dpdk_configure(struct port *port, const struct port_conf *conf)
{
    struct port_dpdk *dev = port_dpdk_cast(port);
    const uint16_t pid = dev->port_id;
    struct rte_eth_conf eth_conf;
    struct rte_eth_dev_info info;
    unsigned frame_len, data_room, segs, n_mbufs;
    const unsigned cache = 256;
    char pool_name[RTE_MEMPOOL_NAMESIZE];
    int socket, error;

    error = rte_eth_dev_info_get(pid, &info);
    if (error) {
        return error;
    }
    if (conf->queues > info.max_rx_queues
        || conf->queues > info.max_tx_queues) {
        LOG_ERR("%s: %u queues requested, the device has at most %u rx "
                "and %u tx queues", port->name, conf->queues,
                info.max_rx_queues, info.max_tx_queues);
        return -EINVAL;
    }
    if (conf->rxd > info.rx_desc_lim.nb_max
        || conf->rxd < info.rx_desc_lim.nb_min
        || conf->txd > info.tx_desc_lim.nb_max
        || conf->txd < info.tx_desc_lim.nb_min) {
        LOG_ERR("%s: rxd %u / txd %u outside the device's limits "
                "(rx %u-%u, tx %u-%u)", port->name, conf->rxd, conf->txd,
                info.rx_desc_lim.nb_min, info.rx_desc_lim.nb_max,
                info.tx_desc_lim.nb_min, info.tx_desc_lim.nb_max);
        return -EINVAL;
    }
    if (conf->mtu > info.max_mtu || conf->mtu < info.min_mtu) {
        LOG_ERR("%s: MTU %u outside the device's range %u-%u", port->name,
                conf->mtu, info.min_mtu, info.max_mtu);
        return -EINVAL;
    }

    memset(&eth_conf, 0, sizeof eth_conf);
    eth_conf.rxmode.mtu = conf->mtu;
    frame_len = conf->mtu + GFP_ETH_OVERHEAD;
    data_room = conf->mbuf_size ? conf->mbuf_size
                                : RTE_MBUF_DEFAULT_BUF_SIZE;
    segs = 1;
    if (frame_len + RTE_PKTMBUF_HEADROOM > data_room) {
        if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) {
            eth_conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
            segs = (frame_len + data_room - RTE_PKTMBUF_HEADROOM - 1)
                   / (data_room - RTE_PKTMBUF_HEADROOM);
        } else if (conf->mbuf_size) {
            LOG_ERR("%s: an MTU of %u needs %u-byte buffers, or receive "
                    "scatter which %s lacks", port->name, conf->mtu,
                    frame_len + RTE_PKTMBUF_HEADROOM, dev->driver);
            return -EINVAL;
        } else {
            data_room = frame_len + RTE_PKTMBUF_HEADROOM;
            LOG_INFO("%s: no receive scatter in %s: using %u-byte buffers",
                     port->name, dev->driver, data_room);
        }
    }
    /* Frames from a scattering peer arrive as chains. */
    if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
        eth_conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
    }
    if (conf->queues > 1) {
        uint64_t hf = info.flow_type_rss_offloads
                      & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);

        if (hf) {
            eth_conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
            eth_conf.rx_adv_conf.rss_conf.rss_hf = hf;
            LOG_INFO("%s: RSS over %u queues (hash functions 0x%"PRIx64")",
                     port->name, conf->queues, hf);
        } else {
            LOG_INFO("%s: %s has no RSS: the sender picks the queue "
                     "(for vhost-user, OVS's tx-steering)", port->name,
                     dev->driver);
        }
    }
    if (info.dev_flags && *info.dev_flags & RTE_ETH_DEV_INTR_LSC) {
        eth_conf.intr_conf.lsc = 1;
    }
    eth_conf.intr_conf.rxq = conf->rx_intr;

    error = rte_eth_dev_configure(pid, conf->queues, conf->queues,
                                  &eth_conf);
    if (error) {
        LOG_ERR("%s: configure failed: %s%s", port->name,
                rte_strerror(-error), conf->rx_intr
                ? " (with receive interrupts, for --idle interrupt: "
                  "--idle sleep needs none)" : "");
        return error;
    }
    if (eth_conf.intr_conf.lsc && !dev->lsc_registered) {
        rte_eth_dev_callback_register(pid, RTE_ETH_EVENT_INTR_LSC,
                                      lsc_event, NULL);
        dev->lsc_registered = true;
    }

    socket = rte_eth_dev_socket_id(pid);
    if (socket < 0) {
        socket = rte_socket_id();
    }
    n_mbufs = conf->n_mbufs ? conf->n_mbufs : pool_size(conf, segs, cache);
    if (!dev->mp) {
        snprintf(pool_name, sizeof pool_name, "gfp_mp_%u", pid);
        dev->mp = rte_pktmbuf_pool_create(pool_name, n_mbufs, cache, 0,
                                          data_room, socket);
        if (!dev->mp) {
            LOG_ERR("%s: cannot allocate %u mbufs of %u bytes on NUMA node "
                    "%d: %s (reserve more hugepages, or lower --nb-mbuf)",
                    port->name, n_mbufs, data_room, socket,
                    rte_strerror(rte_errno));
            return -ENOMEM;
        }
    }
    LOG_INFO("%s (%s): %u queues, %u/%u descriptors, MTU %u, %u mbufs of "
             "%u bytes on node %d%s", port->name, dev->driver, conf->queues,
             conf->rxd, conf->txd, conf->mtu, n_mbufs, data_room, socket,
             segs > 1 ? ", scatter" : "");

    for (unsigned q = 0; q < conf->queues; q++) {
        struct rte_eth_rxconf rxconf = info.default_rxconf;
        struct rte_eth_txconf txconf = info.default_txconf;

        rxconf.offloads = eth_conf.rxmode.offloads;
        txconf.offloads = eth_conf.txmode.offloads;
        error = rte_eth_rx_queue_setup(pid, q, conf->rxd, socket, &rxconf,
                                       dev->mp);
        if (!error) {
            error = rte_eth_tx_queue_setup(pid, q, conf->txd, socket,
                                           &txconf);
        }
        if (error) {
            LOG_ERR("%s: queue %u setup failed: %s", port->name, q,
                    rte_strerror(-error));
            return error;
        }
    }

    free(dev->qctx);
    free(dev->queues);
    dev->qctx = calloc(conf->queues, sizeof *dev->qctx);
    dev->queues = aligned_alloc(64, conf->queues * sizeof *dev->queues);
    if (!dev->qctx || !dev->queues) {
        return -ENOMEM;
    }
    dev->n_queues = conf->queues;
    for (unsigned q = 0; q < conf->queues; q++) {
        dev->qctx[q] = (struct dpdk_queue) {
            .port_id = pid, .queue_id = q, .intr_fd = -1,
        };
        dev->queues[q] = (struct port_queue) {
            .rx_burst = dpdk_rx_burst,
            .tx_burst = dpdk_tx_burst,
            .free_bufs = dpdk_free_bufs,
            .q = &dev->qctx[q],
            .rx_intr = conf->rx_intr ? dpdk_rx_intr : NULL,
        };
    }
    return 0;
}

/* The virtio PMD picks its receive and transmit paths at start and says
 * which at INFO under this log type only (it has no burst mode query):
 * raised for the start, so that the log shows the datapath the defaults
 * (guest/vhost-sock.c) are meant to get.  Only from the PMD's own default
 * (NOTICE; a level the user gave with the EAL's --log-level stays) and
 * while gfp-fwd itself logs at info. */
#define VIRTIO_INIT_LOGTYPE "pmd.net.virtio.init"

static int
port_dpdk_start(struct port *port)
{
    struct port_dpdk *dev = port_dpdk_cast(port);
    int type = strncmp(dev->driver, "net_virtio", 10)
               || log_get_level() < LOG_LVL_INFO
               ? -1 : rte_log_register(VIRTIO_INIT_LOGTYPE);
    bool raise = type >= 0 && rte_log_get_level(type) == RTE_LOG_NOTICE;
    int error;

    if (raise) {
        rte_log_set_level(type, RTE_LOG_INFO);
    }
    error = rte_eth_dev_start(dev->port_id);
    if (raise) {
        rte_log_set_level(type, RTE_LOG_NOTICE);
    }
    if (error) {
        LOG_ERR("%s: start failed: %s", port->name, rte_strerror(-error));
    }
    return error;
}

static void
port_dpdk_stop(struct port *port)
{
    rte_eth_dev_stop(port_dpdk_cast(port)->port_id);
}

static const struct port_queue *
port_dpdk_queue(const struct port *port, unsigned qid)
{
    return &port_dpdk_cast(port)->queues[qid];
}

/* Asks the PMD first, so that one without receive interrupts is told
 * apart from one whose vectors are missing. */
static int
port_dpdk_rx_wait_fd(const struct port *port, unsigned qid, int *fd)
{
    struct port_dpdk *dev = port_dpdk_cast(port);
    int error;

    error = rte_eth_dev_rx_intr_enable(dev->port_id, qid);
    if (error) {
        return error == -ENOTSUP ? -EOPNOTSUPP : error;
    }
    rte_eth_dev_rx_intr_disable(dev->port_id, qid);
    *fd = rte_eth_dev_rx_intr_ctl_q_get_fd(dev->port_id, qid);
    if (*fd < 0) {
        return -EOPNOTSUPP;
    }
    dev->qctx[qid].intr_fd = *fd;
    return 0;
}

static int
port_dpdk_get_mac(const struct port *port, uint8_t mac[GFP_ETH_ALEN])
{
    struct rte_ether_addr addr;
    int error = rte_eth_macaddr_get(port_dpdk_cast(port)->port_id, &addr);

    if (!error) {
        memcpy(mac, addr.addr_bytes, GFP_ETH_ALEN);
    }
    return error;
}

static int
port_dpdk_get_link(const struct port *port, struct port_link *link)
{
    struct rte_eth_link l;
    int error = rte_eth_link_get_nowait(port_dpdk_cast(port)->port_id, &l);

    if (!error) {
        link->up = l.link_status == RTE_ETH_LINK_UP;
        link->speed_mbps = l.link_speed;
    }
    return error;
}

static int
port_dpdk_get_dev_stats(const struct port *port, struct port_dev_stats *s)
{
    struct rte_eth_stats es;
    int error = rte_eth_stats_get(port_dpdk_cast(port)->port_id, &es);

    if (!error) {
        s->rx_nombuf = es.rx_nombuf;
        s->rx_missed = es.imissed;
        s->rx_errors = es.ierrors;
        s->tx_errors = es.oerrors;
    }
    return error;
}

static json_t *
port_dpdk_get_xstats(const struct port *port)
{
    uint16_t pid = port_dpdk_cast(port)->port_id;
    struct rte_eth_xstat_name *names = NULL;
    struct rte_eth_xstat *values = NULL;
    json_t *obj = NULL;
    int n;

    n = rte_eth_xstats_get_names(pid, NULL, 0);
    if (n <= 0) {
        return NULL;
    }
    names = calloc(n, sizeof *names);
    values = calloc(n, sizeof *values);
    if (names && values
        && rte_eth_xstats_get_names(pid, names, n) == n
        && rte_eth_xstats_get(pid, values, n) == n) {
        obj = json_object();
        for (int i = 0; i < n; i++) {
            json_object_set_new(obj, names[values[i].id].name,
                                json_integer(values[i].value));
        }
    }
    free(names);
    free(values);
    return obj;
}

const struct port_class port_dpdk_class = {
    .type = "dpdk",
    .open = port_dpdk_open,
    .close = port_dpdk_close,
    .configure = port_dpdk_configure,
    .start = port_dpdk_start,
    .stop = port_dpdk_stop,
    .queue = port_dpdk_queue,
    .rx_wait_fd = port_dpdk_rx_wait_fd,
    .numa_node = port_dpdk_numa_node,
    .driver = port_dpdk_driver,
    .devargs = port_dpdk_devargs,
    .get_mac = port_dpdk_get_mac,
    .get_link = port_dpdk_get_link,
    .get_dev_stats = port_dpdk_get_dev_stats,
    .get_xstats = port_dpdk_get_xstats,
};
