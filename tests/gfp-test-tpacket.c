/* gfp-test tpacket-*, mmap-fwd: TPACKET_V3 rings and the PacketMMAP port. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cycles.h"
#include "fwd-engine.h"
#include "gfp-test.h"
#include "port-provider.h"
#include "stats.h"
#include "tpacket.h"
#include "util.h"

#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Lays out a receive block by hand: 'n' frames of 'len' bytes each, with
 * the given overrides for the frame 'bad_frame'. */
static void
craft_block(uint8_t *block, uint32_t size, unsigned n, uint32_t len,
            int bad_frame, const char *what)
{
    struct tpacket_block_desc *bd = (void *) block;
    uint32_t off = TPACKET_ALIGN(sizeof *bd);

    memset(block, 0, size);
    bd->hdr.bh1.num_pkts = n;
    bd->hdr.bh1.offset_to_first_pkt = off;
    for (unsigned i = 0; i < n; i++) {
        struct tpacket3_hdr *h = (void *) (block + off);
        uint32_t mac = TPACKET_ALIGN(sizeof *h) + 2;
        uint32_t next = TPACKET_ALIGN(mac + len);

        h->tp_mac = mac;
        h->tp_snaplen = len;
        h->tp_len = len;
        h->tp_next_offset = i + 1 < n ? next : 0;
        memset(block + off + mac, 0xa0 + i, len);
        if ((int) i == bad_frame) {
            if (!strcmp(what, "truncated")) {
                h->tp_len = len + 100;
            } else if (!strcmp(what, "past-end")) {
                h->tp_snaplen = size;
            } else if (!strcmp(what, "next-out")) {
                h->tp_next_offset = size * 2;
            } else if (!strcmp(what, "mac-in-header")) {
                h->tp_mac = 4;
            }
        }
        off += next;
    }
    if (!strcmp(what, "first-out")) {
        bd->hdr.bh1.offset_to_first_pkt = size - 8;
    }
}

/* Walks the SIZE-byte block at BLOCK and prints what the walk returned, a
 * line per frame. */
static void
print_walk(void *block, size_t size)
{
    struct tpacket_cursor c;
    struct tpacket_pkt pkt;
    int ret;

    if (tpacket_cursor_init(&c, block, size)) {
        printf("block: bad\n");
        return;
    }
    while ((ret = tpacket_cursor_next(&c, &pkt))) {
        if (ret > 0) {
            printf("frame len=%u first=%02x\n", pkt.len, pkt.data[0]);
        } else {
            printf("%s\n", ret == -EMSGSIZE ? "truncated" : "bad");
        }
    }
    printf("end\n");
}

/* tpacket-walk CASE: walks a hand-made block of four 60-byte frames where
 * frame 1 is spoiled as CASE says; prints what the walk returned. */
int
test_tpacket_walk(int argc, char *argv[])
{
    static uint8_t block[4096] __attribute__((aligned(64)));

    if (argc != 1) {
        return 2;
    }
    craft_block(block, sizeof block, 4, 60, 1, argv[0]);
    print_walk(block, sizeof block);
    return 0;
}

/* tpacket-walk-ahead: walks a hand-made block of four 60-byte frames,
 * printing the room after each, and after each frame fills that room
 * with 0xee as a holder of the frame growing it might: the walk reads
 * every next header before, so the frames that follow are still sound. */
int
test_tpacket_walk_ahead(int argc, char *argv[] __attribute__((unused)))
{
    static uint8_t block[4096] __attribute__((aligned(64)));
    struct tpacket_cursor c;
    struct tpacket_pkt pkt;
    int ret;

    if (argc != 0) {
        return 2;
    }
    craft_block(block, sizeof block, 4, 60, -1, "none");
    if (tpacket_cursor_init(&c, block, sizeof block)) {
        return 1;
    }
    while ((ret = tpacket_cursor_next(&c, &pkt)) > 0) {
        printf("frame %u len=%u first=%02x last=%02x room_after=%u\n",
               pkt.index, pkt.len, pkt.data[0], pkt.data[pkt.len - 1],
               pkt.room_after);
        memset(pkt.data + pkt.len, 0xee, pkt.room_after);
    }
    printf("%s\n", ret ? "bad" : "end");
    return 0;
}

/* tpacket-walk-edge CASE: blocks the kernel never writes, read where any
 * byte past them faults.  "short": a block shorter than its own
 * descriptor (8 bytes, the last of a page whose next page is unmapped).
 * "unaligned": three frames at odd offsets, each header copied in with
 * memcpy(); the walk must read them without an unaligned access. */
int
test_tpacket_walk_edge(int argc, char *argv[])
{
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *map, *block;
    uint32_t size;

    if (argc != 1) {
        return 2;
    }
    map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map + page, page, PROT_NONE)) {
        return 1;
    }
    if (!strcmp(argv[0], "short")) {
        size = 8;
        block = map + page - size;
        memset(block, 0xff, size);
    } else if (!strcmp(argv[0], "unaligned")) {
        struct tpacket_block_desc bd;
        uint32_t off = sizeof bd + 1;

        size = 1024;
        block = map + page - size;
        memset(block, 0, size);
        memset(&bd, 0, sizeof bd);
        bd.hdr.bh1.num_pkts = 3;
        bd.hdr.bh1.offset_to_first_pkt = off;
        memcpy(block, &bd, sizeof bd);
        for (unsigned i = 0; i < 3; i++) {
            struct tpacket3_hdr h;

            memset(&h, 0, sizeof h);
            h.tp_mac = sizeof h + 3;
            h.tp_snaplen = h.tp_len = 61;
            h.tp_next_offset = i < 2 ? sizeof h + 3 + 61 + 1 : 0;
            memcpy(block + off, &h, sizeof h);
            memset(block + off + h.tp_mac, 0xa0 + i, 61);
            off += h.tp_next_offset;
        }
    } else {
        return 2;
    }
    print_walk(block, size);
    munmap(map, 2 * page);
    return 0;
}

/* Fills 'f' with an Ethernet/IPv4/UDP frame of 'size' bytes. */
void
build_udp_frame(uint8_t *f, unsigned size)
{
    static const uint8_t hdr[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01,
        0x08, 0x00,                                     /* IPv4 */
        0x45, 0x00, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0,     /* UDP */
        198, 18, 0, 1, 198, 19, 0, 1,
        0x04, 0x00, 0x00, 0x09, 0, 0, 0, 0,
    };
    uint32_t sum = 0;

    memset(f, 0, size);
    memcpy(f, hdr, sizeof hdr);
    f[16] = (size - 14) >> 8;
    f[17] = (size - 14) & 0xff;
    f[38] = (size - 34) >> 8;
    f[39] = (size - 34) & 0xff;
    for (int i = 14; i < 34; i += 2) {
        sum += f[i] << 8 | f[i + 1];
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = ~((sum & 0xffff) + (sum >> 16)) & 0xffff;
    f[24] = sum >> 8;
    f[25] = sum & 0xff;
}

int
test_open_rings(struct tpacket_conf *txc, const char *tx_if,
                struct tpacket **tx, struct tpacket_conf *rxc,
                const char *rx_if, struct tpacket **rx)
{
    int error;

    txc->ifname = tx_if;
    rxc->ifname = rx_if;
    error = tpacket_open(txc, tx);
    if (!error) {
        error = tpacket_open(rxc, rx);
        if (error) {
            tpacket_close(*tx);
        }
    }
    if (error) {
        printf("open: %s\n", strerror(-error));
    }
    return error;
}

/* tpacket-veth TX-IF RX-IF COUNT SIZE [RX-MTU [FLOWS [PPS [VLAN]]]]:
 * sends COUNT Ethernet/IPv4/UDP frames of SIZE bytes, over FLOWS UDP source
 * ports (default 1), through a TPACKET_V3 transmit ring on TX-IF and
 * receives them on a ring on RX-IF (sized for RX-MTU, default 1500); prints
 * the counters.  With PPS (0: unpaced), sends at that rate instead of
 * keeping at most 256 frames in flight, and stops 500 ms after the last
 * one.  With VLAN, each frame carries an 802.1Q tag with that id (4 bytes
 * more than SIZE), and only frames that arrive with it count as intact. */
int
test_tpacket_veth(int argc, char *argv[])
{
    struct tpacket_counters ts, rs;
    struct tpacket_conf txc = { .mtu = GFP_MTU_MAX, .fanout_group = -1,
                                .rx_counters = &ts.rx,
                                .tx_counters = &ts.tx };
    struct tpacket_conf rxc = { .mtu = 1500, .fanout_group = -1,
                                .rx_counters = &rs.rx,
                                .tx_counters = &rs.tx };
    struct tpacket *tx, *rx;
    unsigned long long count, size, mtu, flows = 1, pps = 0, vlan = 0;
    unsigned l4;                /* Offset of the UDP header. */
    static uint8_t frame[9100];
    struct timespec t0, now, settle_until = { 0, 0 };
    uint64_t sent = 0, got = 0, arrived = 0;

    if (argc < 4 || parse_uint(argv[2], 1, 10000000, &count)
        || parse_uint(argv[3], 60, 9014, &size)
        || (argc > 4 && parse_uint(argv[4], 68, 9000, &mtu))
        || (argc > 5 && parse_uint(argv[5], 1, 60000, &flows))
        || (argc > 6 && parse_uint(argv[6], 0, 10000000, &pps))
        || (argc > 7 && parse_uint(argv[7], 1, 4094, &vlan))) {
        fprintf(stderr, "tpacket-veth TX-IF RX-IF COUNT SIZE [RX-MTU "
                "[FLOWS [PPS [VLAN]]]]\n");
        return 2;
    }
    if (argc > 4) {
        rxc.mtu = mtu;
    }
    memset(&ts, 0, sizeof ts);
    memset(&rs, 0, sizeof rs);
    if (test_open_rings(&txc, argv[0], &tx, &rxc, argv[1], &rx)) {
        return 1;
    }
    build_udp_frame(frame, size);
    l4 = 34;
    if (vlan) {
        /* The same frame with an 802.1Q tag, 4 bytes longer. */
        memmove(frame + 16, frame + 12, size - 12);
        frame[12] = 0x81;
        frame[13] = 0x00;
        frame[14] = vlan >> 8;
        frame[15] = vlan & 0xff;
        size += 4;
        l4 += 4;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        static uint8_t burst[32][9100];
        struct tpacket_pkt out[32], in[64];
        unsigned n = 0;

        /* At most 256 frames in flight: a veth's receive backlog drops
         * what overflows it without telling any counter we read. */
        unsigned room = 32;

        if (pps) {
            double secs;

            clock_gettime(CLOCK_MONOTONIC, &now);
            secs = (now.tv_sec - t0.tv_sec)
                   + (now.tv_nsec - t0.tv_nsec) / 1e9;
            room = secs * pps > sent + 32 ? 32
                   : secs * pps > sent ? (unsigned) (secs * pps - sent) : 0;
        } else if (sent - arrived >= 256) {
            if (sent - arrived - rs.rx.truncated >= 256) {
                room = 0;
            }
        }
        while (n < room && sent + n < count) {
            unsigned sport = 1024 + (sent + n) % flows;

            memcpy(burst[n], frame, size);
            burst[n][l4] = sport >> 8;
            burst[n][l4 + 1] = sport & 0xff;
            out[n].data = burst[n];
            out[n].len = size;
            n++;
        }
        sent += tpacket_tx_burst(tx, out, n);
        n = tpacket_rx_burst(rx, in, 64);
        for (unsigned i = 0; i < n; i++) {
            arrived += in[i].len == size;
            /* Every header byte up to the UDP ports. */
            got += in[i].len == size && !memcmp(in[i].data, frame, l4);
        }
        tpacket_rx_done(rx);
        clock_gettime(CLOCK_MONOTONIC, &now);
        /* Done when everything came back, or after 10 s; then a little
         * longer, so that an extra frame would show. */
        if (now.tv_sec - t0.tv_sec > (pps ? 10 + (long) (count / pps) : 10)
            || (sent == count && (arrived >= count || pps))) {
            if (!settle_until.tv_sec) {
                settle_until = now;
                settle_until.tv_nsec += (pps ? 500 : 200) * 1000 * 1000;
                if (settle_until.tv_nsec >= 1000000000) {
                    settle_until.tv_sec++;
                    settle_until.tv_nsec -= 1000000000;
                }
            }
        }
        if (settle_until.tv_sec
            && (now.tv_sec > settle_until.tv_sec
                || (now.tv_sec == settle_until.tv_sec
                    && now.tv_nsec >= settle_until.tv_nsec))) {
            break;
        }
    }
    tpacket_read_kstats(rx, &rs.kernel);
    printf("sent=%"PRIu64" tx_packets=%"PRIu64" tx_bytes=%"PRIu64"\n",
           sent, ts.tx.packets, ts.tx.bytes);
    printf("rx_packets=%"PRIu64" rx_bytes=%"PRIu64" intact=%"PRIu64
           " truncated=%"PRIu64" bad=%"PRIu64"\n", rs.rx.packets,
           rs.rx.bytes, got, rs.rx.truncated, rs.rx.bad_frames);
    printf("kernel_packets=%"PRIu64" kernel_drops=%"PRIu64"\n",
           rs.kernel.packets, rs.kernel.drops);
    tpacket_close(tx);
    tpacket_close(rx);
    return 0;
}

static int
set_if_mtu(const char *ifname, unsigned mtu)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int error;

    if (fd < 0) {
        return -errno;
    }
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    ifr.ifr_mtu = mtu;
    error = ioctl(fd, SIOCSIFMTU, &ifr) ? -errno : 0;
    close(fd);
    return error;
}

/* Sends 'big' (0 or 1) frames of 9014 bytes and then 'count' of 64 bytes
 * through 'tx', and counts how many 64-byte ones 'rx' gets within 2 s. */
static uint64_t
send_big_then_small(struct tpacket *tx, struct tpacket *rx, unsigned big,
                    unsigned count)
{
    static uint8_t jumbo[9014], small[64];
    struct timespec t0, now;
    uint64_t got = 0;
    unsigned sent = 0;

    build_udp_frame(jumbo, sizeof jumbo);
    build_udp_frame(small, sizeof small);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        struct tpacket_pkt out[32], in[64];
        unsigned n = 0, got_now;

        if (big) {
            out[n].data = jumbo;
            out[n++].len = sizeof jumbo;
        }
        while (n < 32 && sent + n - big < count) {
            out[n].data = small;
            out[n++].len = sizeof small;
        }
        n = tpacket_tx_burst(tx, out, n);
        if (n && big) {
            big = 0;
            n--;
        }
        sent += n;
        got_now = tpacket_rx_burst(rx, in, 64);
        for (unsigned i = 0; i < got_now; i++) {
            got += in[i].len == sizeof small;
        }
        tpacket_rx_done(rx);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - t0.tv_sec < 2 && (got < count || sent < count));
    return got;
}

/* tpacket-mtu-shrink TX-IF RX-IF COUNT: TX-IF's MTU is 9000 when its ring
 * opens and goes down to 1500 under it.  A 9014-byte frame queued then is
 * refused by the kernel (TP_STATUS_WRONG_FORMAT); the COUNT 64-byte frames
 * queued behind it must still go.  Once the ring has read the MTU again,
 * the next 9014-byte frame is not queued at all (too big).  TX-IF's MTU is
 * 9000 again at the end. */
int
test_tpacket_mtu_shrink(int argc, char *argv[])
{
    struct tpacket_counters c, rc;
    struct tpacket_conf tc = { .mtu = GFP_MTU_MAX, .fanout_group = -1,
                               .rx_counters = &c.rx, .tx_counters = &c.tx };
    struct tpacket *tx, *rx;
    unsigned long long count;
    uint64_t got;
    int error;

    if (argc != 3 || parse_uint(argv[2], 1, 512, &count)) {
        fprintf(stderr, "tpacket-mtu-shrink TX-IF RX-IF COUNT\n");
        return 2;
    }
    memset(&c, 0, sizeof c);
    memset(&rc, 0, sizeof rc);
    tc.ifname = argv[0];
    error = tpacket_open(&tc, &tx);
    tc.ifname = argv[1];
    tc.rx_counters = &rc.rx;
    tc.tx_counters = &rc.tx;
    error = error ? error : tpacket_open(&tc, &rx);
    error = error ? error : set_if_mtu(argv[0], 1500);
    if (error) {
        printf("setup: %s\n", strerror(-error));
        return 1;
    }
    got = send_big_then_small(tx, rx, 1, count);
    printf("stale MTU: small arrived=%"PRIu64" tx_packets=%"PRIu64
           " wrong_format=%"PRIu64" too_big=%"PRIu64" kick_errors=%"PRIu64
           " still_queued=%u\n", got, c.tx.packets, c.tx.wrong_format,
           c.tx.too_big, c.tx.kick_errors, tpacket_tx_flush(tx, 100));

    error = tpacket_refresh_mtu(tx);
    printf("refresh: %d mtu=%u\n", error, tpacket_get_if_mtu(tx));
    got = send_big_then_small(tx, rx, 1, count);
    printf("fresh MTU: small arrived=%"PRIu64" tx_packets=%"PRIu64
           " wrong_format=%"PRIu64" too_big=%"PRIu64" kick_errors=%"PRIu64
           " still_queued=%u\n", got, c.tx.packets, c.tx.wrong_format,
           c.tx.too_big, c.tx.kick_errors, tpacket_tx_flush(tx, 100));
    tpacket_close(tx);
    tpacket_close(rx);
    return set_if_mtu(argv[0], 9000) ? 1 : 0;
}

/* tpacket-mtu-copy TX-IF RX-IF COUNT: the ring on TX-IF copies sent
 * frames whole (a virtio-net header, which makes the kernel leave the MTU
 * to the ring).  RX-IF's MTU goes down to 1500: a 9014-byte frame sent
 * then is dropped by the veth and given back to the ring for ever.  Once
 * TX-IF's MTU goes down too, the ring reads it again within its watch
 * interval and takes the frame out (refused, counted as wrong_format), and
 * the COUNT 64-byte frames queued behind it go.  Both MTUs are 9000 again
 * at the end. */
int
test_tpacket_mtu_copy(int argc, char *argv[])
{
    static uint8_t jumbo[9014];
    struct tpacket_counters c, rc;
    struct tpacket_conf txc = { .mtu = GFP_MTU_MAX, .fanout_group = -1,
                                .tx_copy = TPACKET_TX_COPY_MAX,
                                .rx_counters = &c.rx, .tx_counters = &c.tx };
    struct tpacket_conf rxc = { .mtu = GFP_MTU_MAX, .fanout_group = -1,
                                .rx_counters = &rc.rx,
                                .tx_counters = &rc.tx };
    struct tpacket_pkt pkt = { .data = jumbo, .len = sizeof jumbo };
    struct tpacket *tx, *rx;
    unsigned long long count;
    unsigned queued;
    uint64_t got;
    int error;

    if (argc != 3 || parse_uint(argv[2], 1, 512, &count)) {
        fprintf(stderr, "tpacket-mtu-copy TX-IF RX-IF COUNT\n");
        return 2;
    }
    memset(&c, 0, sizeof c);
    memset(&rc, 0, sizeof rc);
    build_udp_frame(jumbo, sizeof jumbo);
    if (test_open_rings(&txc, argv[0], &tx, &rxc, argv[1], &rx)) {
        return 1;
    }
    error = set_if_mtu(argv[1], 1500);
    if (error) {
        printf("setup: %s\n", strerror(-error));
        return 1;
    }
    queued = tpacket_tx_burst(tx, &pkt, 1);
    printf("peer MTU 1500: queued=%u still_queued=%u copy=%u\n", queued,
           tpacket_tx_flush(tx, 50), tpacket_get_tx_copy(tx));
    error = set_if_mtu(argv[0], 1500);
    if (error) {
        printf("set MTU: %s\n", strerror(-error));
        return 1;
    }
    got = send_big_then_small(tx, rx, 0, count);
    printf("both 1500: small arrived=%"PRIu64" tx_packets=%"PRIu64
           " wrong_format=%"PRIu64" too_big=%"PRIu64" kick_errors=%"PRIu64
           " still_queued=%u\n", got, c.tx.packets, c.tx.wrong_format,
           c.tx.too_big, c.tx.kick_errors, tpacket_tx_flush(tx, 100));
    tpacket_tx_burst(tx, &pkt, 1);
    printf("again: tx_packets=%"PRIu64" too_big=%"PRIu64"\n", c.tx.packets,
           c.tx.too_big);
    tpacket_close(tx);
    tpacket_close(rx);
    return set_if_mtu(argv[0], 9000) || set_if_mtu(argv[1], 9000) ? 1 : 0;
}

/* mmap-fwd ENGINE GEN-IF A-IF B-IF SINK-IF COUNT SIZE: gfp's forwarding
 * step between two PacketMMAP ports A and B, fed from a ring on GEN-IF (the
 * peer of A) and drained by a ring on SINK-IF (the peer of B), all on one
 * thread in turn; prints what each hop counted. */
int
test_mmap_fwd(int argc, char *argv[])
{
    struct tpacket_counters gc, sc;
    struct tpacket_conf tc = { .mtu = GFP_MTU_MAX, .fanout_group = -1,
                               .rx_counters = &gc.rx, .tx_counters = &gc.tx };
    struct port_conf pc = { .queues = 1, .burst = 32, .workers = 1 };
    const struct fwd_engine *engine;
    struct port *a = NULL, *b = NULL;
    struct tpacket *gen, *sink;
    struct queue_stats qs[2];
    struct fwd_stream ab, ba;
    unsigned long long count, size;
    static uint8_t frame[9100];
    struct timespec t0, now;
    uint64_t sent = 0, got = 0, arrived = 0;
    unsigned settle = 0;
    struct pkt_batch batch;
    int error;

    if (argc != 7 || !(engine = fwd_engine_find(argv[0]))
        || parse_uint(argv[5], 1, 10000000, &count)
        || parse_uint(argv[6], 60, 9014, &size)) {
        fprintf(stderr, "mmap-fwd ENGINE GEN-IF A-IF B-IF SINK-IF COUNT "
                "SIZE\n");
        return 2;
    }
    pc.mtu = size > 1514 ? size - 14 : 1500;
    memset(&gc, 0, sizeof gc);
    memset(&sc, 0, sizeof sc);
    tc.ifname = argv[1];
    error = tpacket_open(&tc, &gen);
    tc.ifname = argv[4];
    tc.rx_counters = &sc.rx;
    tc.tx_counters = &sc.tx;
    error = error ? error : tpacket_open(&tc, &sink);
    error = error ? error : port_open(&port_mmap_class, argv[2], &a);
    error = error ? error : port_open(&port_mmap_class, argv[3], &b);
    error = error ? error : port_configure(a, &pc);
    error = error ? error : port_configure(b, &pc);
    error = error ? error : port_start(a);
    error = error ? error : port_start(b);
    if (error) {
        printf("setup: %s\n", strerror(-error));
        return 1;
    }
    memset(qs, 0, sizeof qs);
    memset(&ab, 0, sizeof ab);
    ab.rx = port_queue(a, 0);
    ab.tx = port_queue(b, 0);
    ab.rx_stats = &qs[0];
    ab.tx_stats = &qs[1];
    ab.burst = 32;
    ab.max_len = pc.mtu + GFP_ETH_HLEN + 4;
    ba = ab;
    ba.rx = ab.tx;
    ba.tx = ab.rx;
    ba.rx_stats = &qs[1];
    ba.tx_stats = &qs[0];

    memset(frame, 0xff, 6);
    memcpy(frame + 6, "\x02\x00\x00\x00\x00\x01\x88\xb5", 8);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct tpacket_pkt out[32], in[64];
        uint64_t clock;
        unsigned n = 0;

        while (sent + n < count && n < 32) {
            out[n].data = frame;
            out[n].len = size;
            n++;
        }
        sent += tpacket_tx_burst(gen, out, n);
        clock = cycles_now();
        fwd_stream_poll(engine, &ab, &batch, &clock);
        fwd_stream_poll(engine, &ba, &batch, &clock);
        n = tpacket_rx_burst(sink, in, 64);
        for (unsigned i = 0; i < n; i++) {
            arrived += in[i].len == size;
            got += in[i].len == size && !memcmp(in[i].data + 14,
                                                frame + 14, 2);
        }
        tpacket_rx_done(sink);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > 10 || (sent == count && arrived >= count
                                            && ++settle > 1000)) {
            break;
        }
    }
    tpacket_read_kstats(sink, &sc.kernel);
    {
        struct port_dev_stats ds;

        port_get_dev_stats(a, &ds);
        printf("gen sent=%"PRIu64"\n", gc.tx.packets);
        printf("A rx=%"PRIu64" kernel_drops=%"PRIu64" truncated+bad=%"PRIu64
               "\n", qs[0].rx_packets, ds.rx_missed, ds.rx_errors);
        printf("B tx=%"PRIu64" tx_full=%"PRIu64" too_big=%"PRIu64
               " runt=%"PRIu64"\n", qs[1].tx_packets, qs[1].drop_tx_full,
               qs[1].drop_too_big, qs[0].drop_runt);
        printf("sink rx=%"PRIu64" intact=%"PRIu64" kernel_drops=%"PRIu64
               "\n", sc.rx.packets, got, sc.kernel.drops);
        printf("B rx=%"PRIu64"\n", qs[1].rx_packets);
    }
    port_close(a);
    port_close(b);
    tpacket_close(gen);
    tpacket_close(sink);
    return 0;
}
