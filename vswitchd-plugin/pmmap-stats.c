/* net_pmmap: basic statistics and xstats.
 *
 * Counters live in the queues (see pmmap.h) and are never cleared: a reset
 * takes a baseline, and every reading is counter minus baseline.  Totals
 * add up all PMMAP_MAX_QUEUES queues, so that they do not go back when the
 * port is reconfigured with fewer queues.  The kernel's PACKET_STATISTICS
 * (receive ring drops) are read here, on the control path only. */
#include <config.h>
#include "pmmap.h"

#include <stdio.h>
#include <string.h>

struct xstat_field {
    const char *name;
    size_t offset;
};

#define XSTAT_RX_FIELD(NAME, FIELD, INTO, MEANING) \
    { #NAME, offsetof(struct pmmap_rx_counters, FIELD) },
#define XSTAT_TX_FIELD(NAME, FIELD, INTO, MEANING) \
    { #NAME, offsetof(struct pmmap_tx_counters, FIELD) },

static const struct xstat_field rx_fields[] = {
    PMMAP_RX_XSTATS(XSTAT_RX_FIELD)
};
static const struct xstat_field tx_fields[] = {
    PMMAP_TX_XSTATS(XSTAT_TX_FIELD)
};

#define N_RX_FIELDS RTE_DIM(rx_fields)
#define N_TX_FIELDS RTE_DIM(tx_fields)

static uint64_t
field(const void *counters, const struct xstat_field *f)
{
    return *(const uint64_t *) ((const char *) counters + f->offset);
}

/* Reads queue 'q''s counters since the last reset. */
static void
rx_read(const struct pmmap_rxq *q, struct pmmap_rx_counters *out)
{
    memset(out, 0, sizeof *out);
#define RX_READ(NAME, FIELD, INTO, MEANING) \
    out->FIELD = counter_get(&q->c.FIELD) - q->base.FIELD;
    RX_READ(packets, packets, none, "")
    RX_READ(bytes, bytes, none, "")
    PMMAP_RX_XSTATS(RX_READ)
#undef RX_READ
}

static void
tx_read(const struct pmmap_txq *q, struct pmmap_tx_counters *out)
{
    memset(out, 0, sizeof *out);
#define TX_READ(NAME, FIELD, INTO, MEANING) \
    out->FIELD = counter_get(&q->c.FIELD) - q->base.FIELD;
    TX_READ(packets, packets, none, "")
    TX_READ(bytes, bytes, none, "")
    PMMAP_TX_XSTATS(TX_READ)
#undef TX_READ
}

static void
kstats_poll__(struct pmmap_port *p)
{
    for (unsigned i = 0; i < p->n_rx_sock; i++) {
        if (p->sock[i]) {
            tpacket_read_kstats(p->sock[i], &p->rxq[i].c.kernel);
        }
    }
}

/* Adds what the kernel counted since the last reading to the receive
 * queues' kernel counters. */
void
pmmap_kstats_poll(struct pmmap_port *p)
{
    rte_spinlock_lock(&p->stats_lock);
    kstats_poll__(p);
    rte_spinlock_unlock(&p->stats_lock);
}

int
pmmap_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
    struct pmmap_port *p = dev->data->dev_private;
    uint64_t nombuf = 0;

    rte_spinlock_lock(&p->stats_lock);
    kstats_poll__(p);
    for (unsigned q = 0; q < PMMAP_MAX_QUEUES; q++) {
        struct pmmap_eth_sums rs = { 0 }, ts = { 0 };
        struct pmmap_rx_counters rx;
        struct pmmap_tx_counters tx;

        rx_read(&p->rxq[q], &rx);
        tx_read(&p->txq[q], &tx);
#define RX_INTO(NAME, FIELD, INTO, MEANING) rs.INTO += rx.FIELD;
#define TX_INTO(NAME, FIELD, INTO, MEANING) ts.INTO += tx.FIELD;
        PMMAP_RX_XSTATS(RX_INTO)
        PMMAP_TX_XSTATS(TX_INTO)
#undef RX_INTO
#undef TX_INTO
        st->ipackets += rx.packets;
        st->ibytes += rx.bytes;
        st->imissed += rs.imissed;
        st->ierrors += rs.ierrors;
        nombuf += rs.rx_nombuf;
        if (q < dev->data->nb_rx_queues && q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
            st->q_ipackets[q] = rx.packets;
            st->q_ibytes[q] = rx.bytes;
            st->q_errors[q] = rs.ierrors;
        }

        st->opackets += tx.packets;
        st->obytes += tx.bytes;
        st->oerrors += ts.oerrors;
        if (q < dev->data->nb_tx_queues && q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
            st->q_opackets[q] = tx.packets;
            st->q_obytes[q] = tx.bytes;
        }
    }
    st->rx_nombuf = nombuf;
    dev->data->rx_mbuf_alloc_failed = nombuf;
    rte_spinlock_unlock(&p->stats_lock);
    return 0;
}

/* Resets both the basic statistics and the xstats (ethdev's stats_reset
 * and xstats_reset). */
int
pmmap_stats_reset(struct rte_eth_dev *dev)
{
    struct pmmap_port *p = dev->data->dev_private;

    rte_spinlock_lock(&p->stats_lock);
    kstats_poll__(p);
    for (unsigned q = 0; q < PMMAP_MAX_QUEUES; q++) {
        struct pmmap_rxq *rxq = &p->rxq[q];
        struct pmmap_txq *txq = &p->txq[q];

#define RX_BASE(NAME, FIELD, INTO, MEANING) \
        rxq->base.FIELD = counter_get(&rxq->c.FIELD);
#define TX_BASE(NAME, FIELD, INTO, MEANING) \
        txq->base.FIELD = counter_get(&txq->c.FIELD);
        RX_BASE(packets, packets, none, "")
        RX_BASE(bytes, bytes, none, "")
        PMMAP_RX_XSTATS(RX_BASE)
        TX_BASE(packets, packets, none, "")
        TX_BASE(bytes, bytes, none, "")
        PMMAP_TX_XSTATS(TX_BASE)
#undef RX_BASE
#undef TX_BASE
    }
    rte_spinlock_unlock(&p->stats_lock);
    return 0;
}

/* The xstats: the totals "rx_NAME" and "tx_NAME", then per queue
 * "rx_qN_NAME" for each configured receive queue and "tx_qN_NAME" for each
 * transmit queue. */
static unsigned
xstats_count(const struct rte_eth_dev *dev)
{
    return N_RX_FIELDS * (1 + dev->data->nb_rx_queues)
           + N_TX_FIELDS * (1 + dev->data->nb_tx_queues);
}

int
pmmap_xstats_get_names(struct rte_eth_dev *dev,
                       struct rte_eth_xstat_name *names, unsigned size)
{
    unsigned n = xstats_count(dev), i = 0;

    if (!names || size < n) {
        return n;
    }
    for (unsigned f = 0; f < N_RX_FIELDS; f++) {
        snprintf(names[i++].name, RTE_ETH_XSTATS_NAME_SIZE, "rx_%s",
                 rx_fields[f].name);
    }
    for (unsigned f = 0; f < N_TX_FIELDS; f++) {
        snprintf(names[i++].name, RTE_ETH_XSTATS_NAME_SIZE, "tx_%s",
                 tx_fields[f].name);
    }
    for (unsigned q = 0; q < dev->data->nb_rx_queues; q++) {
        for (unsigned f = 0; f < N_RX_FIELDS; f++) {
            snprintf(names[i++].name, RTE_ETH_XSTATS_NAME_SIZE,
                     "rx_q%u_%s", q, rx_fields[f].name);
        }
    }
    for (unsigned q = 0; q < dev->data->nb_tx_queues; q++) {
        for (unsigned f = 0; f < N_TX_FIELDS; f++) {
            snprintf(names[i++].name, RTE_ETH_XSTATS_NAME_SIZE,
                     "tx_q%u_%s", q, tx_fields[f].name);
        }
    }
    return n;
}

int
pmmap_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
                 unsigned size)
{
    struct pmmap_port *p = dev->data->dev_private;
    struct pmmap_rx_counters rx[PMMAP_MAX_QUEUES], rx_total;
    struct pmmap_tx_counters tx[PMMAP_MAX_QUEUES], tx_total;
    unsigned n = xstats_count(dev), i = 0;

    if (!xstats || size < n) {
        return n;
    }

    rte_spinlock_lock(&p->stats_lock);
    kstats_poll__(p);
    memset(&rx_total, 0, sizeof rx_total);
    memset(&tx_total, 0, sizeof tx_total);
    for (unsigned q = 0; q < PMMAP_MAX_QUEUES; q++) {
        rx_read(&p->rxq[q], &rx[q]);
        tx_read(&p->txq[q], &tx[q]);
#define RX_SUM(NAME, FIELD, INTO, MEANING) rx_total.FIELD += rx[q].FIELD;
#define TX_SUM(NAME, FIELD, INTO, MEANING) tx_total.FIELD += tx[q].FIELD;
        PMMAP_RX_XSTATS(RX_SUM)
        PMMAP_TX_XSTATS(TX_SUM)
#undef RX_SUM
#undef TX_SUM
    }
    rte_spinlock_unlock(&p->stats_lock);

    for (unsigned f = 0; f < N_RX_FIELDS; f++, i++) {
        xstats[i].id = i;
        xstats[i].value = field(&rx_total, &rx_fields[f]);
    }
    for (unsigned f = 0; f < N_TX_FIELDS; f++, i++) {
        xstats[i].id = i;
        xstats[i].value = field(&tx_total, &tx_fields[f]);
    }
    for (unsigned q = 0; q < dev->data->nb_rx_queues; q++) {
        for (unsigned f = 0; f < N_RX_FIELDS; f++, i++) {
            xstats[i].id = i;
            xstats[i].value = field(&rx[q], &rx_fields[f]);
        }
    }
    for (unsigned q = 0; q < dev->data->nb_tx_queues; q++) {
        for (unsigned f = 0; f < N_TX_FIELDS; f++, i++) {
            xstats[i].id = i;
            xstats[i].value = field(&tx[q], &tx_fields[f]);
        }
    }
    return n;
}
