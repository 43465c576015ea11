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

struct tpacket;

struct tpacket_conf {
    const char *ifname;
    unsigned mtu;               /* Frames up to mtu + 14 + 4 (one VLAN). */
    unsigned rx_blocks;         /* 0: 64. */
    unsigned tx_frames;         /* 0: 1024. */
    unsigned retire_tov_ms;     /* 0: 1 ms. */
    int fanout_group;           /* < 0: no fanout; else a PACKET_FANOUT_HASH
                                 * group id (0-65535) shared by queues. */
    bool qdisc_bypass;
};

/* Ring sizes derived from a configuration. */
struct tpacket_geometry {
    uint32_t max_frame;         /* Longest frame, without CRC. */
    uint32_t rx_block_size, rx_blocks, rx_frame_size;
    uint32_t tx_block_size, tx_blocks, tx_frame_size, tx_frames;
};

/* Counters.  'kernel_*' come from PACKET_STATISTICS, accumulated (the
 * kernel clears them on every read). */
struct tpacket_counters {
    uint64_t rx_packets, rx_bytes;
    uint64_t rx_truncated;      /* tp_snaplen < tp_len: dropped. */
    uint64_t rx_bad_frames;     /* Failed the bounds check: dropped. */
    uint64_t tx_packets, tx_bytes;
    uint64_t tx_too_big;        /* Not queued: longer than the interface
                                 * takes (MTU + 14, + 18 with an 802.1Q
                                 * tag) or than a transmit frame. */
    uint64_t tx_kick_errors;    /* sendto() failed other than EAGAIN. */
    uint64_t tx_wrong_format;   /* Queued (so in tx_packets) but refused by
                                 * the kernel (TP_STATUS_WRONG_FORMAT, e.g.
                                 * after the MTU went down): taken out of
                                 * the ring, not sent. */
    uint64_t kernel_packets, kernel_drops, kernel_freezes;
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
};

int tpacket_geometry(const struct tpacket_conf *, struct tpacket_geometry *);

/* Opens the socket and both rings.  Returns 0 or a negative errno; on
 * -ENODEV the interface does not exist, on -EMSGSIZE the MTU does not fit a
 * ring. */
int tpacket_open(const struct tpacket_conf *, struct tpacket **);
void tpacket_close(struct tpacket *);

const struct tpacket_geometry *tpacket_get_geometry(const struct tpacket *);

/* Receives up to 'max' frames into 'pkts'.  A burst may end in the middle
 * of a block and the next one goes on from there.  The frames stay valid
 * until tpacket_rx_done().  A VLAN tag the kernel stripped is back in its
 * frame. */
unsigned tpacket_rx_burst(struct tpacket *, struct tpacket_pkt *pkts,
                          unsigned max);

/* Gives back to the kernel every block the bursts so far have emptied. */
void tpacket_rx_done(struct tpacket *);

/* Copies frames into the transmit ring and kicks the kernel.  Returns how
 * many of the leading frames it consumed: queued, or dropped and counted as
 * too big (tx_too_big) for the interface's MTU as tpacket_open() or
 * tpacket_refresh_mtu() read it.  The rest found the ring full; counting
 * them is the caller's.  A queued frame the kernel refuses all the same
 * (the MTU went down since) is taken out of the ring and counted
 * (tx_wrong_format) so that the frames behind it still go. */
unsigned tpacket_tx_burst(struct tpacket *, const struct tpacket_pkt *pkts,
                          unsigned n);

/* Reads the interface's MTU again (tpacket_open() reads it once), which
 * bounds the frames tpacket_tx_burst() queues.  Returns 0 or a negative
 * errno. */
int tpacket_refresh_mtu(struct tpacket *);

/* The interface's MTU as last read. */
unsigned tpacket_get_if_mtu(const struct tpacket *);

/* Stops the kernel from queueing new frames to this socket (a filter that
 * takes nothing); frames already in the ring can still be received.  What
 * arrives afterwards is not counted anywhere: use it on a socket about to
 * close, so that draining it is exact, or on one that only transmits. */
int tpacket_rx_quiesce(struct tpacket *);

/* Kicks the kernel until every queued transmit frame has gone, for at most
 * 'timeout_ms'; returns how many are still queued.  Call before closing,
 * so that what was counted as sent is sent. */
unsigned tpacket_tx_flush(struct tpacket *, unsigned timeout_ms);

/* Reads PACKET_STATISTICS into the totals and copies them to 'out'.  Safe
 * while another thread polls the socket; one reader at a time. */
void tpacket_get_counters(struct tpacket *, struct tpacket_counters *out);

/* The bounds-checked walk over one receive block, exposed for tests and
 * fuzzing: 'block' is 'size' bytes as the kernel wrote them. */
struct tpacket_cursor {
    const uint8_t *block;
    uint32_t size;
    uint32_t offset;            /* Of the next frame header; 0 at the end. */
    uint32_t left;              /* Frames not yet walked. */
};

/* Starts a walk; returns -EINVAL if the block descriptor itself is out of
 * bounds. */
int tpacket_cursor_init(struct tpacket_cursor *, const uint8_t *block,
                        uint32_t size);

/* Returns 1 and the next frame, 0 at the end of the block, -EMSGSIZE for a
 * truncated frame (skipped, the walk goes on) or -EINVAL for a frame that
 * fails the bounds check (the rest of the block is abandoned). */
int tpacket_cursor_next(struct tpacket_cursor *, struct tpacket_pkt *);

/* For a driver whose bursts run on polling threads while a control thread
 * reads the counters (net_pmmap).  tpacket_get_counters() is for the
 * polling thread only: it writes the totals the bursts also write. */

/* True if tpacket_rx_burst() would find a frame (or finish a block): reads
 * the ring, no syscall.  Lets a caller skip preparing for a burst that
 * would find nothing. */
bool tpacket_rx_ready(const struct tpacket *);

/* The live counters, without a syscall, for the threads that run the
 * bursts: the receiving thread may read the rx_* fields, the transmitting
 * one the tx_* fields; 'kernel_*' are not refreshed. */
const struct tpacket_counters *tpacket_peek_counters(const struct tpacket *);

/* What PACKET_STATISTICS counted since the previous read. */
struct tpacket_kstats {
    uint64_t packets, drops, freezes;
};

/* Reads PACKET_STATISTICS (the kernel clears it on read) into 'delta',
 * touching nothing the bursts use, so that a control thread may call it
 * while another thread polls.  On one socket use either this or
 * tpacket_get_counters(), not both.  Returns 0 or a negative errno. */
int tpacket_read_kstats(struct tpacket *, struct tpacket_kstats *delta);

/* Adds (on) or drops a PACKET_MR_PROMISC or PACKET_MR_ALLMULTI membership
 * for the socket's interface.  The kernel counts them per interface and
 * drops them with the socket, so none outlives the process.  Returns 0 or
 * a negative errno. */
int tpacket_set_promisc(struct tpacket *, bool on);
int tpacket_set_allmulti(struct tpacket *, bool on);

#endif /* tpacket.h */
