/* lib/tpacket.c and lib/tpacket-tx.c: the ring's state, which only they
 * (and the fuzz target that includes them) see. */
#ifndef GFP_TPACKET_PRIVATE_H
#define GFP_TPACKET_PRIVATE_H 1

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpacket.h"

/* Where a frame's data starts in a transmit frame: the kernel reads it
 * right after the aligned header unless told otherwise. */
#define TX_DATA_OFFSET TPACKET_ALIGN(sizeof(struct tpacket3_hdr))

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

/* The kick a full queue deferred (see 'tx_owed'): a bare sendto(), which
 * the kernel serializes with any other; a frame it refuses waits for the
 * next burst's kick, which takes it out of the queue.  Called by the
 * receive side when it finds nothing. */
void tpacket_tx_kick_owed(struct tpacket *);

#endif /* tpacket-private.h */
