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
 * it, and no vhost-user back end finds it in the memory table a
 * virtio-user port shares.  So lending is on only while every port of the
 * process has a driver known to read a frame with the CPU, by its address,
 * while it holds the mbuf and to free it soon after: a PCI NIC, a
 * virtio-user or an AF_XDP port anywhere in the process (where Open
 * vSwitch may send the frame) turns it off, for the frames after it if it
 * comes later. */
#include <config.h>
#include "pmmap.h"

#include <stdlib.h>

#include <ethdev_driver.h>
#include <rte_ethdev.h>

/* Virtual devices whose drivers copy a frame out with the CPU and free its
 * mbuf, by the names (and old aliases) a vdev's name starts with: the vdev
 * bus matches a driver to a device so, and unlike the driver name, the
 * device name is known when RTE_ETH_EVENT_NEW comes, during the probe. */
static const char *const copying_drivers[] = {
    "net_pmmap", "net_af_packet", "eth_af_packet", "net_tap", "net_null",
    "eth_null", "net_pcap", "eth_pcap", "net_vhost", "eth_vhost",
};

static bool unsafe_seen;        /* Relaxed atomic: lending is off. */
static bool watching;           /* Control path only. */
static char unsafe_why[128];    /* Control path only: why it is off. */

/* Whether port 'port_id' reads lent frames as a copying driver does; if
 * not, says why in 'why'. */
static bool
port_copies(uint16_t port_id, char *why, size_t why_size)
{
    /* Not rte_eth_dev_get_name_by_port(): the port is not valid yet
     * while its RTE_ETH_EVENT_NEW is processed. */
    const struct rte_eth_dev_data *data = rte_eth_devices[port_id].data;
    const char *name = data ? data->name : "";

    for (size_t i = 0; i < RTE_DIM(copying_drivers); i++) {
        const char *d = copying_drivers[i];

        if (!strncmp(name, d, strlen(d))) {
            return true;
        }
    }
    snprintf(why, why_size, "port %u (%s) may read them other than by a "
             "CPU copy", port_id, name);
    return false;
}

static int
watch_cb(uint16_t port_id, enum rte_eth_event_type event __rte_unused,
         void *aux __rte_unused, void *ret __rte_unused)
{
    char why[128];

    if (!port_copies(port_id, why, sizeof why)) {
        if (!unsafe_why[0]) {
            snprintf(unsafe_why, sizeof unsafe_why, "%s", why);
        }
        __atomic_store_n(&unsafe_seen, true, __ATOMIC_RELAXED);
    }
    return 0;
}

bool
pmmap_lend_allowed(void)
{
    return !__atomic_load_n(&unsafe_seen, __ATOMIC_RELAXED);
}

bool
pmmap_lend_watch(char *why, size_t why_size)
{
    uint16_t port_id;

    why[0] = '\0';
    if (!watching) {
        if (rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
                                          watch_cb, NULL)) {
            snprintf(why, why_size, "cannot watch for new ports");
            __atomic_store_n(&unsafe_seen, true, __ATOMIC_RELAXED);
            return false;
        }
        watching = true;
    }
    RTE_ETH_FOREACH_DEV (port_id) {
        if (!port_copies(port_id, why, why_size)) {
            __atomic_store_n(&unsafe_seen, true, __ATOMIC_RELAXED);
        }
    }
    if (!pmmap_lend_allowed() && !why[0]) {
        snprintf(why, why_size, "%s", unsafe_why[0] ? unsafe_why
                 : "a port that may read them other than by a CPU copy was "
                   "added earlier");
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
