/* net_pmmap: handing received frames over in the ring (zero copy).
 *
 * A frame that is lent out is attached to its mbuf as an external buffer:
 * the mbuf's data is the frame in the receive ring, with the slot's bytes
 * in front of it as headroom (the ring leaves RTE_PKTMBUF_HEADROOM there,
 * as an mbuf of the application's mempool has).  Each frame slot has its
 * own shared info, whose free callback gives the frame's hold on its block
 * back (lib/tpacket.c): the block returns to the kernel when the last of
 * its frames is freed, on whichever thread frees it.  The ring outlives
 * the port's stop while frames are out: it goes with the last of them, and
 * the lending state with it (pmmap_lend_freed()).
 *
 * The ring's memory is the kernel's, not DPDK's: no device can DMA from
 * it.  Lending is therefore off while the process has an ethdev on a bus
 * other than vdev (a PCI NIC may be where OVS sends the frame); such a
 * device appearing later turns it off for the frames that follow. */
#include <config.h>
#include "pmmap.h"

#include <stdlib.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

static bool dma_seen;           /* Relaxed atomic: an ethdev that DMAs. */
static bool dma_watching;       /* Control path only. */

/* Whether port 'port_id' is a device that may DMA (not a virtual one). */
static bool
port_dmas(uint16_t port_id)
{
    const struct rte_device *d = rte_eth_devices[port_id].device;
    const struct rte_bus *bus = d ? rte_dev_bus(d) : NULL;

    return bus && strcmp(rte_bus_name(bus), "vdev");
}

static int
dma_watch_cb(uint16_t port_id, enum rte_eth_event_type event __rte_unused,
             void *aux __rte_unused, void *ret __rte_unused)
{
    if (port_dmas(port_id)) {
        __atomic_store_n(&dma_seen, true, __ATOMIC_RELAXED);
    }
    return 0;
}

bool
pmmap_lend_allowed(void)
{
    return !__atomic_load_n(&dma_seen, __ATOMIC_RELAXED);
}

bool
pmmap_lend_watch(const char *name)
{
    uint16_t port_id;

    if (!dma_watching) {
        if (rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
                                          dma_watch_cb, NULL)) {
            PMMAP_WARN("%s: cannot watch for new ports: frames are copied "
                       "(zero_copy off)", name);
            __atomic_store_n(&dma_seen, true, __ATOMIC_RELAXED);
            return false;
        }
        dma_watching = true;
    }
    RTE_ETH_FOREACH_DEV (port_id) {
        if (port_dmas(port_id)) {
            __atomic_store_n(&dma_seen, true, __ATOMIC_RELAXED);
        }
    }
    return pmmap_lend_allowed();
}

/* The free callback of a lent frame's mbuf. */
static void
lend_free_cb(void *addr __rte_unused, void *opaque)
{
    const struct pmmap_lend_block *lb = opaque;

    tpacket_rx_unhold(lb->lend->t, lb->block);
}

struct pmmap_lend *
pmmap_lend_new(void)
{
    return calloc(1, sizeof(struct pmmap_lend));
}

int
pmmap_lend_attach(struct pmmap_lend *l, struct tpacket *t)
{
    const struct tpacket_geometry *g = tpacket_get_geometry(t);
    size_t n;

    l->t = t;
    l->frames_max = tpacket_rx_block_frames_max(t);
    l->limit = RTE_MAX(g->rx_blocks / 2, 1u);
    l->iova_va = rte_eal_iova_mode() == RTE_IOVA_VA;
    l->blocks = calloc(g->rx_blocks, sizeof *l->blocks);
    n = (size_t) g->rx_blocks * l->frames_max;
    l->sh = calloc(n, sizeof *l->sh);
    if (!l->blocks || !l->sh) {
        return -ENOMEM;
    }
    for (uint32_t b = 0; b < g->rx_blocks; b++) {
        l->blocks[b].lend = l;
        l->blocks[b].block = b;
    }
    for (size_t i = 0; i < n; i++) {
        l->sh[i].free_cb = lend_free_cb;
        l->sh[i].fcb_opaque = &l->blocks[i / l->frames_max];
    }
    return 0;
}

void
pmmap_lend_freed(void *aux)
{
    struct pmmap_lend *l = aux;

    free(l->blocks);
    free(l->sh);
    free(l);
}
