/* TPACKET_V3 packet rings (AF_PACKET, memory-mapped), without DPDK.
 *
 * One socket per queue, bound to a kernel interface, with a receive ring of
 * blocks that the kernel fills and retires (after 'retire_tov_ms' at the
 * latest) and a transmit ring of fixed-size frames sent with one
 * sendto(MSG_DONTWAIT) per burst.  Received frames are read in place: a
 * burst points into the ring, and the blocks it emptied go back to the
 * kernel only when the caller says it is done with them
 * (tpacket_rx_done()).  Every frame the kernel hands over is bounds-checked
 * against its block before it is read. */
#ifndef GFP_TPACKET_H
#define GFP_TPACKET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counter.h"

struct tpacket;

/* Counters, one list each for receive, transmit and the kernel's
 * PACKET_STATISTICS (see counter.h).  The caller owns the blocks and hands
 * the receive and transmit ones to tpacket_open(): the thread that
 * receives writes the first, the one that transmits the second, so the
 * owner can keep them on cache lines of their own.  The kernel's block is
 * written by whoever calls tpacket_read_kstats(). */
#define TPACKET_RX_COUNTERS(C)                                          \
    C(packets,    COUNTER_PACKETS, "frames handed out of the ring")     \
    C(bytes,      COUNTER_BYTES,   "their bytes")                       \
    C(truncated,  COUNTER_DROP,                                         \
      "longer than a ring block (tp_snaplen < tp_len): dropped")        \
    C(bad_frames, COUNTER_DROP,                                         \
      "failed the ring bounds check, or a VLAN tag found no room to "   \
      "go back: dropped")
#define TPACKET_TX_COUNTERS(C)                                          \
    C(packets,      COUNTER_PACKETS, "frames queued to the ring")       \
    C(bytes,        COUNTER_BYTES,   "their bytes")                     \
    C(too_big,      COUNTER_DROP,                                       \
      "not queued: longer than the interface takes (MTU + 14, + 18 "    \
      "with an 802.1Q tag) or than a transmit frame")                   \
    C(kick_errors,  COUNTER_EVENT,                                      \
      "sendto() failed other than EAGAIN (the frames stay queued)")     \
    C(wrong_format, COUNTER_DROP,                                       \
      "queued (so in packets) but refused by the kernel "               \
      "(TP_STATUS_WRONG_FORMAT, e.g. after the MTU went down): taken "  \
      "out of the ring, not sent")
#define TPACKET_KERNEL_COUNTERS(C)                                      \
    C(packets, COUNTER_PACKETS,                                         \
      "frames the kernel had for the socket, dropped ones included")    \
    C(drops,   COUNTER_DROP, "the receive ring was full: dropped")      \
    C(freezes, COUNTER_EVENT, "times the kernel froze the queue")

struct tpacket_rx_counters {
    TPACKET_RX_COUNTERS(COUNTER_FIELD)
};

struct tpacket_tx_counters {
    TPACKET_TX_COUNTERS(COUNTER_FIELD)
};

struct tpacket_kernel_counters {
    TPACKET_KERNEL_COUNTERS(COUNTER_FIELD)
};

/* All of one socket's counters, e.g. to sum or copy them. */
struct tpacket_counters {
    struct tpacket_rx_counters rx;
    struct tpacket_tx_counters tx;
    struct tpacket_kernel_counters kernel;
};

/* Relaxed reads of the blocks 'rx', 'tx' and 'kernel' into 'out', from any
 * thread. */
void tpacket_counters_read(const struct tpacket_rx_counters *rx,
                           const struct tpacket_tx_counters *tx,
                           const struct tpacket_kernel_counters *kernel,
                           struct tpacket_counters *out);

/* Adds 'c' to 'sum' (plain, for copies). */
void tpacket_counters_add(struct tpacket_counters *sum,
                          const struct tpacket_counters *c);

/* Each block's drops: the sum of its COUNTER_DROP entries. */
uint64_t tpacket_rx_drops(const struct tpacket_rx_counters *);
uint64_t tpacket_tx_drops(const struct tpacket_tx_counters *);
uint64_t tpacket_kernel_drops(const struct tpacket_kernel_counters *);

/* Descriptions of the counters of struct tpacket_counters, '*n' of them,
 * named "rx_NAME", "tx_NAME" and "kernel_NAME". */
const struct counter_desc *tpacket_counter_descs(size_t *n);

/* struct tpacket_conf's 'tx_copy': the driver's choice, the longest copy
 * (the virtio-net header's 16-bit length), and that header's size. */
#define TPACKET_TX_COPY_AUTO (-1)
#define TPACKET_TX_COPY_MAX 65535

/* What TPACKET_TX_COPY_AUTO copies on veth and tun: a full-size Ethernet
 * frame with a VLAN tag fits the kernel's 2 KiB allocation; the rest of a
 * jumbo frame stays referenced (copied whole, it would take a 16 KiB
 * allocation and as much of the receiver's socket buffer). */
#define TPACKET_TX_COPY_AUTO_BYTES 1536
#define TPACKET_VNET_LEN 10

struct tpacket_conf {
    const char *ifname;
    unsigned mtu;               /* Frames up to mtu + 14 + 4 (one VLAN). */
    unsigned rx_blocks;         /* 0: 64. */
    unsigned tx_frames;         /* 0: 1024. */
    unsigned retire_tov_ms;     /* 0: 1 ms. */
    int fanout_group;           /* < 0: no fanout; else a PACKET_FANOUT_HASH
                                 * group id (0-65535) shared by queues. */
    bool qdisc_bypass;

    /* Bytes of each sent frame that the kernel copies into the socket
     * buffer it builds; it references the rest in the ring's pages.  veth
     * and tun copy referenced pages once more before passing a buffer on
     * (a page allocated per frame), so there copying the frame whole costs
     * less.  TPACKET_TX_COPY_AUTO: TPACKET_TX_COPY_AUTO_BYTES on those
     * drivers, the kernel's own way elsewhere; 0: the kernel's own way
     * (the link-layer header copied); else at most TPACKET_TX_COPY_MAX
     * bytes (never less than the link-layer header).  Other than
     * 0, frames go out through a second socket with PACKET_VNET_HDR: a
     * virtio-net header (TPACKET_VNET_LEN bytes) in front of every frame
     * of its transmit ring says how much to copy; the kernel then does not
     * hold frames to the interface's MTU, so the ring reads the MTU again
     * every 100 ms while it sends and drops what is now too long. */
    int tx_copy;

    /* Lending received frames out of the ring (tpacket_rx_hold()): a block
     * goes back to the kernel only when its last frame is given back, and
     * each frame has at least 'rx_headroom' bytes in front of it inside
     * its slot (the kernel's room before the frame is raised to that with
     * PACKET_RESERVE; at most TPACKET_RX_HEADROOM_MAX).  'on_free', if
     * set, is called with 'aux' once the ring's memory is gone: at
     * tpacket_close(), at the last tpacket_rx_unhold() after it, or when
     * tpacket_open() fails. */
    bool rx_lend;
    unsigned rx_headroom;
    void (*on_free)(void *aux);
    void *aux;

    /* Where the socket counts (required): the caller's blocks, which
     * outlive the socket. */
    struct tpacket_rx_counters *rx_counters;
    struct tpacket_tx_counters *tx_counters;
};

/* Ring sizes derived from a configuration. */
struct tpacket_geometry {
    uint32_t max_frame;         /* Longest frame, without CRC. */
    uint32_t rx_block_size, rx_blocks, rx_frame_size;
    uint32_t tx_block_size, tx_blocks, tx_frame_size, tx_frames;
};

/* A received frame, in place in the ring. */
struct tpacket_pkt {
    uint8_t *data;
    uint32_t len;
    /* The VLAN tag the kernel stripped (TP_STATUS_VLAN_VALID), which
     * tpacket_rx_burst() has put back into the frame; 'vlan_room' says the
     * ring left room in front of the frame to do so. */
    bool vlan, vlan_room;
    uint16_t vlan_tci, vlan_tpid;

    /* Where it lies: the block, its place among the block's frames
     * (0-based), the bytes of its slot in front of 'data', and the bytes
     * after its end up to the next frame's data (its header, already
     * read, and what the ring reserved in front of it) or to the end of
     * the block. */
    uint32_t block, index, headroom, room_after;
};

#define TPACKET_RX_HEADROOM_MAX 256

int tpacket_geometry(const struct tpacket_conf *, struct tpacket_geometry *);

/* Opens the socket and both rings.  Returns 0 or a negative errno; on
 * -ENODEV the interface does not exist, on -EMSGSIZE the MTU does not fit a
 * ring, on -EINVAL a counter block is missing. */
int tpacket_open(const struct tpacket_conf *, struct tpacket **);

/* Closes the socket and frees the ring; with frames still lent out
 * (tpacket_rx_hold()), the socket stops receiving now and the ring goes
 * at the last tpacket_rx_unhold(). */
void tpacket_close(struct tpacket *);

const struct tpacket_geometry *tpacket_get_geometry(const struct tpacket *);

/* Receives up to 'max' frames into 'pkts'.  A burst may end in the middle
 * of a block and the next one goes on from there.  The frames stay valid
 * until tpacket_rx_done().  A VLAN tag the kernel stripped is back in its
 * frame.  A burst that finds nothing kicks the transmit ring again when
 * the last kick found the interface's queue full, so that frames queued
 * then do not wait for the next frame to send. */
unsigned tpacket_rx_burst(struct tpacket *, struct tpacket_pkt *pkts,
                          unsigned max);

/* Gives back to the kernel every block the bursts so far have emptied
 * (with 'rx_lend', every such block none of whose frames is held). */
void tpacket_rx_done(struct tpacket *);

/* Lending (tpacket_conf's 'rx_lend').  tpacket_rx_hold() keeps the block
 * of a frame of the last burst out of the kernel's hands until a matching
 * tpacket_rx_unhold(), so that the frame stays valid after
 * tpacket_rx_done(); call it on the thread that receives, before the next
 * burst.  tpacket_rx_unhold() may be called from any thread; after
 * tpacket_close() too, and the last one then frees the ring.
 * tpacket_rx_held() says how many blocks are out of the kernel's hands
 * (held, or being walked), from any thread. */
void tpacket_rx_hold(struct tpacket *, uint32_t block);
void tpacket_rx_unhold(struct tpacket *, uint32_t block);
unsigned tpacket_rx_held(const struct tpacket *);

/* The most frames a receive block of this ring can hold (a bound for
 * tpacket_pkt's 'index'). */
uint32_t tpacket_rx_block_frames_max(const struct tpacket *);

/* Copies frames into the transmit ring and kicks the kernel.  Returns how
 * many of the leading frames it consumed: queued, or dropped and counted as
 * too big (tx too_big) for the interface's MTU as tpacket_open() or
 * tpacket_refresh_mtu() read it.  The rest found the ring full; counting
 * them is the caller's.  A queued frame the kernel refuses all the same
 * (the MTU went down since) is taken out of the ring and counted
 * (tx wrong_format) so that the frames behind it still go. */
unsigned tpacket_tx_burst(struct tpacket *, const struct tpacket_pkt *pkts,
                          unsigned n);

/* Reads the interface's MTU again (tpacket_open() reads it once), which
 * bounds the frames tpacket_tx_burst() queues.  Returns 0 or a negative
 * errno. */
int tpacket_refresh_mtu(struct tpacket *);

/* The socket, for poll(): readable once the kernel has handed a block of
 * received frames to the ring (a block is handed over when full, or at its
 * retire timeout). */
int tpacket_fd(const struct tpacket *);

/* The interface's MTU as last read. */
unsigned tpacket_get_if_mtu(const struct tpacket *);

/* The bytes of each sent frame the kernel copies, as applied ('tx_copy'
 * of the configuration, TPACKET_TX_COPY_AUTO resolved): 0 for the kernel's
 * own way, TPACKET_TX_COPY_MAX for whole frames. */
unsigned tpacket_get_tx_copy(const struct tpacket *);

/* Stops the kernel from queueing new frames to this socket (a filter that
 * takes nothing); frames already in the ring can still be received.  What
 * arrives afterwards is not counted anywhere: use it on a socket about to
 * close, so that draining it is exact, or on one that only transmits. */
int tpacket_rx_quiesce(struct tpacket *);

/* Kicks the kernel until every queued transmit frame has gone, for at most
 * 'timeout_ms'; returns how many are still queued.  Call before closing,
 * so that what was counted as sent is sent. */
unsigned tpacket_tx_flush(struct tpacket *, unsigned timeout_ms);

/* The bounds-checked walk over one receive block, exposed for tests and
 * fuzzing: 'block' is 'size' bytes as the kernel wrote them. */
struct tpacket_cursor {
    const uint8_t *block;
    uint32_t size;
    uint32_t offset;            /* Of the next frame header; 0 at the end. */
    uint32_t left;              /* Frames not yet walked. */
    uint32_t index;             /* Of the next frame in the block. */

    /* The next frame's header, read with the frame before it: what a
     * holder of that frame writes past its end does not change the walk. */
    uint8_t next_hdr[48];
    bool have_next;
};

/* Starts a walk; returns -EINVAL if the block descriptor itself is out of
 * bounds. */
int tpacket_cursor_init(struct tpacket_cursor *, const uint8_t *block,
                        uint32_t size);

/* Returns 1 and the next frame, 0 at the end of the block, -EMSGSIZE for a
 * truncated frame (skipped, the walk goes on) or -EINVAL for a frame that
 * fails the bounds check (the rest of the block is abandoned). */
int tpacket_cursor_next(struct tpacket_cursor *, struct tpacket_pkt *);

/* True if tpacket_rx_burst() would find a frame (or finish a block): reads
 * the ring, no syscall.  Lets a caller skip preparing for a burst that
 * would find nothing. */
bool tpacket_rx_ready(const struct tpacket *);

/* Adds what PACKET_STATISTICS counted since the previous read (the
 * kernel clears it on read) to 'total', a block whose only writer is the
 * caller; touches nothing the bursts use, so that a control thread may
 * call it while another thread polls.  Returns 0 or a negative errno. */
int tpacket_read_kstats(struct tpacket *,
                        struct tpacket_kernel_counters *total);

/* Adds (on) or drops a PACKET_MR_PROMISC or PACKET_MR_ALLMULTI membership
 * for the socket's interface.  The kernel counts them per interface and
 * drops them with the socket, so none outlives the process.  Returns 0 or
 * a negative errno. */
int tpacket_set_promisc(struct tpacket *, bool on);
int tpacket_set_allmulti(struct tpacket *, bool on);

#endif /* tpacket.h */
