/* net_pmmap: a DPDK ethdev driver over TPACKET_V3 rings (lib/tpacket.c).
 *
 * Internal header shared by the driver's files: the control path
 * (net_pmmap.c), the fast path (pmmap-rxtx.c), the counters
 * (pmmap-stats.c) and the kernel interface queries (pmmap-kernel.c).
 *
 * Threads: the burst functions of a queue run on one polling thread each
 * (OVS PMD threads, testpmd forwarding lcores; the receive and transmit
 * queues of one pair may be polled by different threads).  Everything else
 * runs on control threads, which the application serializes, except that
 * the statistics may be read from another control thread (OVS main thread,
 * telemetry) while the queues are polled. */
#ifndef PMMAP_H
#define PMMAP_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "tpacket.h"

#define PMMAP_DRIVER_NAME "net_pmmap"
#define PMMAP_MAX_QUEUES 16

/* Ring memory (locked) a port may have at most, at MTU 9000: 1 GiB. */
#define PMMAP_MAX_RING_BYTES (1ULL << 30)
#define PMMAP_BURST_MAX 64      /* Frames per ring call. */

/* Frame overhead over the MTU: Ethernet header and one VLAN tag (the kernel
 * hands over frames without CRC). */
#define PMMAP_FRAME_OVERHEAD 18
#define PMMAP_ETH_HLEN 14

/* At most this many segments per received frame: a mempool whose mbufs
 * would need more for a full-size frame is refused at dev_start. */
#define PMMAP_RX_MAX_SEGS 64

/* A lent frame's mbuf has RTE_PKTMBUF_HEADROOM in front of it and this
 * much tailroom after it (Open vSwitch cannot grow a DPDK mbuf, and its
 * FTP NAT writes past a frame's end trusting the buffer's length): the
 * ring reserves room for both in front of every frame, and a frame with
 * less around it (the last of a full block, a kernel that lays frames out
 * otherwise) is copied.  The VLAN tag a frame may get back takes 4 more. */
#define PMMAP_LEND_TAILROOM 64
#define PMMAP_LEND_ROOM (RTE_PKTMBUF_HEADROOM + PMMAP_LEND_TAILROOM)

/* Multi-segment mbufs are made contiguous for the transmit ring in a
 * per-queue bounce area of this many frames; a burst with more of them is
 * sent in several ring calls. */
#define PMMAP_TX_BOUNCE_FRAMES 8

extern int pmmap_logtype;

/* Log lines read "pmmap|LEVEL|message", so that a test can tell the
 * driver's own warnings and errors apart, as OVS's check_logs does with
 * its own lines. */
#define PMMAP_LOG(LEVEL, TAG, FMT, ...)                                 \
    rte_log(RTE_LOG_##LEVEL, pmmap_logtype, "pmmap|" TAG "|" FMT "\n",  \
            ##__VA_ARGS__)
#define PMMAP_ERR(...) PMMAP_LOG(ERR, "ERR", __VA_ARGS__)
#define PMMAP_WARN(...) PMMAP_LOG(WARNING, "WARN", __VA_ARGS__)
#define PMMAP_NOTICE(...) PMMAP_LOG(NOTICE, "NOTICE", __VA_ARGS__)
#define PMMAP_INFO(...) PMMAP_LOG(INFO, "INFO", __VA_ARGS__)
#define PMMAP_DBG(...) PMMAP_LOG(DEBUG, "DBG", __VA_ARGS__)

/* Counters.  Each xstats list entry is C(NAME, FIELD, INTO, MEANING): the
 * counter's name, where it lives in the queue's counter block, the ethdev
 * total it adds to (ierrors, imissed, rx_nombuf, oerrors, or none) and what
 * it counts.  The lists make the readings, the resets, the ethdev totals
 * and the xstats: "rx_NAME" / "tx_NAME" (totals) and "rx_qN_NAME" /
 * "tx_qN_NAME" (per queue).  Packets and bytes, the ethdev basics, are
 * read apart.
 *
 * A queue's block holds the driver's own counters and the ring's (lib/
 * tpacket.h), which tpacket writes in place: 'ring' by the burst that runs
 * on the queue, 'kernel' (PACKET_STATISTICS) by the control path under
 * 'stats_lock'.  Every other counter is written by the thread that polls
 * the queue.  All are stored and loaded with relaxed atomics: one writer
 * each, readers on any thread. */
#define PMMAP_RX_XSTATS(C)                                              \
    C(kernel_drops, kernel.drops, imissed,                              \
      "the kernel found the ring full: dropped")                        \
    C(kernel_freezes, kernel.freezes, none,                             \
      "times the kernel froze the queue")                               \
    C(truncated, ring.truncated, ierrors,                               \
      "longer than a ring block: dropped")                              \
    C(bad_frames, ring.bad_frames, ierrors,                             \
      "failed the ring bounds check: dropped")                          \
    C(too_big, too_big, ierrors, "longer than MTU + 18: dropped")       \
    C(nombuf, nombuf, rx_nombuf, "see pmmap-rxtx.c")                    \
    C(zero_copy, lent, none,                                            \
      "delivered in place in the ring, not copied (pmmap-lend.c)")
#define PMMAP_TX_XSTATS(C)                                              \
    C(too_big, too_big, oerrors, "longer than MTU + 18: dropped")       \
    C(runts, runts, oerrors, "shorter than 14 bytes: dropped")          \
    C(kick_errors, ring.kick_errors, oerrors,                           \
      "sendto() failed (not EAGAIN)")                                   \
    C(ring_full, ring_full, none,                                       \
      "handed back: the ring was full (the caller drops or retries)")   \
    C(wrong_format, ring.wrong_format, oerrors,                         \
      "queued, then refused by the kernel (the MTU went down): not sent")

/* The ethdev totals the xstats lists add to. */
struct pmmap_eth_sums {
    uint64_t ierrors, imissed, rx_nombuf, oerrors, none;
};

struct pmmap_rx_counters {
    uint64_t packets, bytes;    /* Frames delivered in mbufs. */
    uint64_t too_big, nombuf;
    uint64_t lent;              /* Of 'packets', delivered in place. */
    struct tpacket_rx_counters ring;
    struct tpacket_kernel_counters kernel;
};

struct pmmap_tx_counters {
    uint64_t packets, bytes;    /* Frames queued to the ring. */
    uint64_t too_big, runts, ring_full;
    struct tpacket_tx_counters ring;
};

/* Lending frames out of one receive ring (pmmap-lend.c): lives as long as
 * the ring, which may be longer than the port's start. */
struct pmmap_lend_block {
    struct pmmap_lend *lend;
    uint32_t block;
};

struct pmmap_lend {
    struct tpacket *t;
    uint32_t frames_max;        /* Frame slots per block. */
    uint32_t limit;             /* Lend while fewer blocks are held. */
    bool iova_va;               /* Give lent buffers their address as IOVA. */
    struct pmmap_lend_block *blocks;    /* Per block: free callback's. */
    struct rte_mbuf_ext_shared_info *sh;  /* Per frame slot. */
};

/* A receive queue.  The first group is the polling thread's. */
struct pmmap_rxq {
    struct tpacket *t;          /* NULL while the port is stopped. */
    struct pmmap_lend *lend;    /* Non-NULL while started with zero_copy. */
    struct rte_mempool *mp;     /* NULL until set up. */
    uint16_t port_id;
    uint32_t max_len;           /* Longest frame taken: MTU + 18. */
    uint32_t head_room;         /* Frame bytes a first segment holds. */
    uint32_t seg_room;          /* ... and a further one. */

    /* Fresh mbufs, taken from the mempool PMMAP_BURST_MAX at a time: a
     * burst takes what it asks for from the top and puts back those it
     * found no frame for, so that a burst that finds few frames neither
     * allocates nor frees the rest.  Freed when the port stops. */
    struct rte_mbuf *stash[PMMAP_BURST_MAX];
    unsigned n_stash;

    struct pmmap_rx_counters c __rte_cache_aligned;

    /* Control path: the values at the last reset. */
    struct pmmap_rx_counters base __rte_cache_aligned;
} __rte_cache_aligned;

/* A transmit queue. */
struct pmmap_txq {
    struct tpacket *t;          /* NULL while the port is stopped. */
    uint8_t *bounce;            /* PMMAP_TX_BOUNCE_FRAMES x 'max_len'. */
    uint32_t max_len;           /* Longest frame sent: MTU + 18. */
    int socket_id;              /* NUMA node for 'bounce'. */
    bool set_up;

    struct pmmap_tx_counters c __rte_cache_aligned;
    struct pmmap_tx_counters base __rte_cache_aligned;
} __rte_cache_aligned;

/* Devargs, parsed and checked at probe. */
struct pmmap_conf {
    char ifname[IF_NAMESIZE];
    unsigned queues;            /* Queue pairs: 1..PMMAP_MAX_QUEUES. */
    unsigned blocks;            /* Receive ring blocks; 0: tpacket's. */
    unsigned frames;            /* Transmit ring frames; 0: tpacket's. */
    bool qdisc_bypass;
    bool zero_copy;             /* Lend frames out where it is safe. */
    int tx_copy;                /* tpacket_conf's; TPACKET_TX_COPY_AUTO. */
};

/* A port: the ethdev's private data. */
struct pmmap_port {
    struct pmmap_conf conf;
    uint16_t port_id;
    int ifindex;                /* At probe, refreshed at start. */
    struct rte_ether_addr mac;  /* dev->data->mac_addrs points here. */

    /* Requested (dev_configure, mtu_set) and applied (the rings) MTU. */
    uint16_t requested_mtu;
    uint16_t applied_mtu;

    /* While started: one socket per queue pair, max(rx, tx) of them;
     * socket i serves rx queue i and tx queue i. */
    struct tpacket *sock[PMMAP_MAX_QUEUES];
    struct pmmap_lend *lend[PMMAP_MAX_QUEUES];  /* Of receiving sockets. */
    unsigned n_sock;
    unsigned n_rx_sock;         /* Sockets 0..n_rx_sock-1 receive. */
    int fanout_group;           /* -1: none. */
    bool promisc_applied;
    bool allmulti_applied;
    bool lending;               /* Lending frames at this start. */

    rte_spinlock_t stats_lock;  /* 'kernel_*' counters, 'sock' for them. */

    struct pmmap_rxq rxq[PMMAP_MAX_QUEUES];
    struct pmmap_txq txq[PMMAP_MAX_QUEUES];
};

/* pmmap-rxtx.c */
uint16_t pmmap_rx_burst(void *rxq, struct rte_mbuf **, uint16_t n);
uint16_t pmmap_tx_burst(void *txq, struct rte_mbuf **, uint16_t n);

/* Returns a receive queue's stashed mbufs to their mempool.  Control path,
 * while nobody polls the queue. */
void pmmap_rx_stash_free(struct pmmap_rxq *);

/* pmmap-lend.c.  pmmap_lend_watch() (control path) starts watching for
 * ports whose drivers may not read lent frames safely and says whether
 * lending is allowed now (if not, why, in 'why'); pmmap_lend_allowed()
 * says so from any thread. */
bool pmmap_lend_watch(char *why, size_t why_size);
bool pmmap_lend_allowed(void);
struct pmmap_lend *pmmap_lend_new(void);
int pmmap_lend_attach(struct pmmap_lend *, struct tpacket *);
void pmmap_lend_freed(void *lend);    /* A tpacket_conf 'on_free'. */

/* pmmap-stats.c */
void pmmap_kstats_poll(struct pmmap_port *);
int pmmap_stats_get(struct rte_eth_dev *, struct rte_eth_stats *);
int pmmap_stats_reset(struct rte_eth_dev *);
int pmmap_xstats_get_names(struct rte_eth_dev *,
                           struct rte_eth_xstat_name *, unsigned size);
int pmmap_xstats_get(struct rte_eth_dev *, struct rte_eth_xstat *,
                     unsigned n);

/* pmmap-kernel.c: the kernel interface, by name.  0 or a negative errno. */
int pmmap_kernel_ifindex(const char *ifname);
int pmmap_kernel_mac(const char *ifname, struct rte_ether_addr *);
int pmmap_kernel_mtu(const char *ifname, unsigned *mtu);
int pmmap_kernel_link(const char *ifname, struct rte_eth_link *);

#endif /* pmmap.h */
