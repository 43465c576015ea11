/* gfp-test: one driver for the unit tests, in the manner of ovstest.
 *
 *     gfp-test COMMAND [ARGS...]
 *
 * Each command is registered in 'commands' below and prints what the
 * autotest file compares. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl-stats.h"
#include "cycles.h"
#include "gfp-config.h"
#include "pci-bind.h"
#include "fwd-engine.h"
#include "gfp-test.h"
#include "port-provider.h"
#include "port-xdp.h"
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

/* config KEY=VALUE... : applies each setting, then prints the result. */
static int
test_config(int argc, char *argv[])
{
    char err[CONFIG_ERR_LEN];
    struct config cfg;

    config_init(&cfg);
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        int error;

        if (!eq) {
            fprintf(stderr, "bad argument %s\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        if (!strcmp(argv[i], "file")) {
            error = config_load_file(&cfg, eq + 1, err);
        } else {
            error = config_set(&cfg, argv[i], eq + 1, err);
        }
        if (error) {
            printf("error: %s: %s\n", argv[i], err);
            return 1;
        }
    }
    if (config_validate(&cfg, err)) {
        printf("error: %s\n", err);
        return 1;
    }
    if (gfp_mode_ports(cfg.mode) == GFP_MODE_PORTS_IFACES) {
        printf("mode=%s ifaces=", gfp_mode_name(cfg.mode));
        for (unsigned i = 0; i < cfg.n_ifaces; i++) {
            printf("%s%s", i ? "," : "", cfg.ifaces[i]);
        }
        printf(" workers=%u\n", cfg.workers);
    }
    printf("engine=%s queues=%u rxd=%u txd=%u burst=%u mtu=%u "
           "mbuf-size=%u nb-mbuf=%u stats-period=%u stats-file=%s\n",
           cfg.engine, cfg.queues, cfg.rxd, cfg.txd, cfg.burst, cfg.mtu,
           cfg.mbuf_size, cfg.n_mbufs, cfg.stats_period, cfg.stats_file);
    printf("pairs=");
    for (unsigned i = 0; i < cfg.n_pairs; i++) {
        printf("%s%u:%u", i ? "," : "", cfg.pairs[i][0], cfg.pairs[i][1]);
    }
    printf("\n");
    for (int p = 0; p < CONFIG_MAX_PORTS; p++) {
        char mac[18];

        if (cfg.src_mac[p].set) {
            format_mac(cfg.src_mac[p].mac, mac);
            printf("src-mac %d=%s\n", p, mac);
        }
        if (cfg.peer_mac[p].set) {
            format_mac(cfg.peer_mac[p].mac, mac);
            printf("peer-mac %d=%s\n", p, mac);
        }
    }
    return 0;
}

/* config-options: the settings table, one line each: NAME TYPE MIN MAX
 * WHERE (TYPE: uint, pow2 or other; WHERE: cli, or file for a config file
 * key with no command-line option). */
static int
test_config_options(int argc, char *argv[])
{
    static const char *const types[] = {
        [CONFIG_OTHER] = "other", [CONFIG_UINT] = "uint",
        [CONFIG_POW2] = "pow2",
    };
    const struct config_option *opts;
    size_t n;

    opts = config_options(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%s %s %llu %llu %s\n", opts[i].name, types[opts[i].type],
               opts[i].min, opts[i].max, opts[i].file_only ? "file" : "cli");
    }
    return 0;
}

/* A fake queue pair: receive hands out the frames given on the command
 * line once, transmit accepts up to 'tx_room' packets and records them. */
struct fake_queue {
    uint8_t frames[GFP_BURST_MAX][2048];
    uint32_t lens[GFP_BURST_MAX];
    unsigned n_frames;
    bool given;
    unsigned tx_room;
    unsigned tx_refill;         /* Room each transmit call adds after. */
    void *sent[GFP_BURST_MAX];
    unsigned n_sent;
};

static unsigned n_freed;

static uint16_t
fake_rx(void *q_, struct pkt_batch *b, uint16_t max)
{
    struct fake_queue *q = q_;
    uint16_t n = 0;

    b->bytes = 0;
    b->bad = false;
    if (!q->given) {
        for (; n < q->n_frames && n < max; n++) {
            b->bufs[n] = q->frames[n];
            pkt_batch_add(b, n, q->frames[n], q->lens[n], q->lens[n]);
        }
        q->given = true;
    }
    b->n = n;
    return n;
}

static uint16_t
fake_tx(void *q_, struct pkt_batch *b, uint16_t n)
{
    struct fake_queue *q = q_;
    uint16_t take = n < q->tx_room ? n : q->tx_room;

    for (uint16_t i = 0; i < take; i++) {
        q->sent[q->n_sent++] = b->bufs[i];
    }
    q->tx_room -= take;
    q->tx_room += q->tx_refill;
    return take;
}

static void
fake_free(void **bufs, uint16_t n)
{
    n_freed += n;
}

static int
hex_to_frame(const char *hex, uint8_t *out, uint32_t *len)
{
    size_t n = strlen(hex);
    char byte[3] = { 0, 0, 0 };
    char *end;

    if (n % 2 || n / 2 > 2048) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n / 2; i++) {
        byte[0] = hex[2 * i];
        byte[1] = hex[2 * i + 1];
        out[i] = strtoul(byte, &end, 16);
        if (*end) {
            return -EINVAL;
        }
    }
    *len = n / 2;
    return 0;
}

/* engine NAME [max-len=N] [tx-room=N] [tx-refill=N] [retries=N] [src=MAC]
 *        [dst=MAC] HEX...
 *
 * Runs one poll of engine NAME over the frames, prints every transmitted
 * frame in hex and then the counters ('tx_retries' too with retries=N).
 * tx-refill=N: each transmit call makes room for N more frames after it,
 * as a ring the other side drains. */
static int
test_engine(int argc, char *argv[])
{
    static struct fake_queue rxq, txq;
    struct port_queue rx = { fake_rx, fake_tx, fake_free, &rxq, NULL };
    struct port_queue tx = { fake_rx, fake_tx, fake_free, &txq, NULL };
    struct queue_stats rx_stats, tx_stats;
    const struct fwd_engine *engine;
    struct fwd_stream s;
    struct pkt_batch b;
    bool print_retries = false;
    int i;

    if (argc < 1 || !(engine = fwd_engine_find(argv[0]))) {
        fprintf(stderr, "engine: unknown engine\n");
        return 2;
    }
    memset(&s, 0, sizeof s);
    memset(&rx_stats, 0, sizeof rx_stats);
    memset(&tx_stats, 0, sizeof tx_stats);
    s.rx = &rx;
    s.tx = &tx;
    s.rx_stats = &rx_stats;
    s.tx_stats = &tx_stats;
    s.burst = GFP_BURST_MAX;
    s.max_len = 1518;
    txq.tx_room = GFP_BURST_MAX;
    for (i = 1; i < argc; i++) {
        unsigned long long v;
        uint8_t mac[GFP_ETH_ALEN];

        if (!strncmp(argv[i], "max-len=", 8)
            && !parse_uint(argv[i] + 8, 0, 65535, &v)) {
            s.max_len = v;
        } else if (!strncmp(argv[i], "tx-room=", 8)
                   && !parse_uint(argv[i] + 8, 0, GFP_BURST_MAX, &v)) {
            txq.tx_room = v;
        } else if (!strncmp(argv[i], "tx-refill=", 10)
                   && !parse_uint(argv[i] + 10, 0, GFP_BURST_MAX, &v)) {
            txq.tx_refill = v;
        } else if (!strncmp(argv[i], "retries=", 8)
                   && !parse_uint(argv[i] + 8, 0, 64, &v)) {
            s.tx_retries = v;
            print_retries = true;
        } else if (!strncmp(argv[i], "src=", 4)
                   && !parse_mac(argv[i] + 4, mac)) {
            memcpy(s.l2_hdr + GFP_ETH_ALEN, mac, GFP_ETH_ALEN);
        } else if (!strncmp(argv[i], "dst=", 4)
                   && !parse_mac(argv[i] + 4, mac)) {
            memcpy(s.l2_hdr, mac, GFP_ETH_ALEN);
            s.dst_mac_set = true;
        } else if (rxq.n_frames < GFP_BURST_MAX
                   && !hex_to_frame(argv[i], rxq.frames[rxq.n_frames],
                                    &rxq.lens[rxq.n_frames])) {
            rxq.n_frames++;
        } else {
            fprintf(stderr, "engine: bad argument %s\n", argv[i]);
            return 2;
        }
    }
    if (engine->init && engine->init(&s)) {
        printf("init: error\n");
        return 1;
    }
    fwd_stream_poll(engine, &s, &b, &(uint64_t) { cycles_now() });
    for (unsigned k = 0; k < txq.n_sent; k++) {
        const uint8_t *f = txq.sent[k];
        uint32_t len = rxq.lens[(f - rxq.frames[0]) / sizeof rxq.frames[0]];

        printf("tx:");
        for (uint32_t j = 0; j < len; j++) {
            printf("%02x", f[j]);
        }
        printf("\n");
    }
    printf("rx_packets=%"PRIu64" rx_bytes=%"PRIu64" tx_packets=%"PRIu64
           " tx_bytes=%"PRIu64" drop_runt=%"PRIu64" drop_too_big=%"PRIu64
           " drop_tx_full=%"PRIu64" freed=%u\n",
           rx_stats.rx_packets, rx_stats.rx_bytes, tx_stats.tx_packets,
           tx_stats.tx_bytes, rx_stats.drop_runt, tx_stats.drop_too_big,
           tx_stats.drop_tx_full, n_freed);
    if (print_retries) {
        printf("tx_retries=%"PRIu64"\n", tx_stats.tx_retries);
    }
    return 0;
}

/* stats: adds known values and prints the JSON dump. */
static int
test_stats(int argc, char *argv[])
{
    struct queue_stats a, b, sum;
    json_t *json;
    char *text;

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&sum, 0, sizeof sum);
    STATS_ADD(&a, rx_packets, 10);
    STATS_ADD(&a, busy_cycles, 500);
    STATS_ADD(&a, drop_runt, 1);
    STATS_ADD(&b, rx_packets, 30);
    STATS_ADD(&b, busy_cycles, 1500);
    STATS_ADD(&b, drop_tx_full, 2);
    STATS_ADD(&b, drop_too_big, 3);
    queue_stats_add(&sum, &a);
    queue_stats_add(&sum, &b);
    printf("drops=%"PRIu64" cycles_per_packet=%.1f\n",
           queue_stats_drops(&sum), queue_stats_cycles_per_packet(&sum));
    json = queue_stats_to_json(&sum);
    text = json_dumps(json, JSON_SORT_KEYS | JSON_REAL_PRECISION(4));
    printf("%s\n", text);
    free(text);
    json_decref(json);
    queue_stats_reset(&sum);
    printf("after reset: rx_packets=%"PRIu64" drops=%"PRIu64"\n",
           sum.rx_packets, queue_stats_drops(&sum));
    return 0;
}

static void
print_json(json_t *json)
{
    char *text = json_dumps(json, JSON_SORT_KEYS | JSON_REAL_PRECISION(4));

    printf("%s\n", text);
    free(text);
    json_decref(json);
}

static const char *
kind_name(enum counter_kind kind)
{
    static const char *const names[] = {
        [COUNTER_PACKETS] = "packets", [COUNTER_BYTES] = "bytes",
        [COUNTER_DROP] = "drop", [COUNTER_DROP_FOLDED] = "drop-folded",
        [COUNTER_EVENT] = "event", [COUNTER_CYCLES] = "cycles",
    };

    return names[kind];
}

/* stats-drops: the drop totals the counter lists make: a port's and the
 * dump's in JSON, and the TPACKET ring's, with the ring's names and kinds;
 * and a ring refused without its counter blocks. */
static int
test_stats_drops(int argc, char *argv[])
{
    struct port_dev_stats ds = { .rx_nombuf = 7, .rx_missed = 4,
                                 .rx_errors = 0, .tx_errors = 1 };
    struct tpacket_counters tc;
    const struct counter_desc *d;
    struct queue_stats sum;
    json_t *port = json_object(), *root = json_object();
    uint64_t drops;
    size_t n;

    memset(&sum, 0, sizeof sum);
    STATS_ADD(&sum, rx_packets, 40);
    STATS_ADD(&sum, drop_tx_full, 2);
    STATS_ADD(&sum, drop_no_mbuf, 7);
    drops = stats_port_json(port, &sum, &ds);
    printf("port drops=%"PRIu64"\n", drops);
    print_json(port);
    stats_root_json(root, &sum, drops);
    print_json(root);

    memset(&tc, 0, sizeof tc);
    tc.rx.truncated = 2;
    tc.rx.bad_frames = 1;
    tc.tx.too_big = 3;
    tc.tx.kick_errors = 5;
    tc.tx.wrong_format = 1;
    tc.kernel.drops = 4;
    tc.kernel.freezes = 9;
    printf("tpacket drops: rx=%"PRIu64" tx=%"PRIu64" kernel=%"PRIu64"\n",
           tpacket_rx_drops(&tc.rx), tpacket_tx_drops(&tc.tx),
           tpacket_kernel_drops(&tc.kernel));
    d = tpacket_counter_descs(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%s %s %"PRIu64"\n", d[i].name, kind_name(d[i].kind),
               counter_desc_get(&tc, &d[i]));
    }
    {
        struct tpacket_conf conf = { .ifname = "lo", .mtu = 1500,
                                     .fanout_group = -1 };
        struct tpacket *t;

        printf("a ring without counter blocks: %s\n",
               strerror(-tpacket_open(&conf, &t)));
    }
    return 0;
}

/* parse-uint VALUE MIN MAX, parse-mac VALUE */
static int
test_parse(int argc, char *argv[])
{
    unsigned long long v, min, max;
    uint8_t mac[GFP_ETH_ALEN];
    char text[18];
    int error;

    if (argc == 3) {
        min = strtoull(argv[1], NULL, 10);
        max = strtoull(argv[2], NULL, 10);
        error = parse_uint(argv[0], min, max, &v);
        if (error) {
            printf("%s\n", error == -ERANGE ? "ERANGE" : "EINVAL");
        } else {
            printf("%llu\n", v);
        }
        return 0;
    } else if (argc == 1) {
        if (parse_mac(argv[0], mac)) {
            printf("EINVAL\n");
        } else {
            format_mac(mac, text);
            printf("%s\n", text);
        }
        return 0;
    }
    return 2;
}

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
static int
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
static int
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
static int
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
static void
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
static int
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
static int
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

/* mmap-fwd ENGINE GEN-IF A-IF B-IF SINK-IF COUNT SIZE: gfp's forwarding
 * step between two PacketMMAP ports A and B, fed from a ring on GEN-IF (the
 * peer of A) and drained by a ring on SINK-IF (the peer of B), all on one
 * thread in turn; prints what each hop counted. */
static int
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

/* pci-bind check BDF | driver ROOT BDF | netdev ROOT BDF | vfio ROOT |
 * to ROOT BDF DRIVER | to-kernel ROOT BDF: lib/pci-bind.c on a sysfs tree
 * ROOT. */
static int
test_pci_bind(int argc, char *argv[])
{
    char err[PCI_BIND_ERR_LEN], name[PCI_BIND_NAME_LEN];
    const char *cmd = argc ? argv[0] : "";
    int error;

    if (!strcmp(cmd, "check") && argc == 2) {
        puts(pci_bind_check_bdf(argv[1]) ? "invalid" : "ok");
        return 0;
    } else if (!strcmp(cmd, "driver") && argc == 3) {
        error = pci_bind_driver(argv[1], argv[2], name);
        printf("%s\n", error ? strerror(-error) : name[0] ? name : "(none)");
        return 0;
    } else if (!strcmp(cmd, "netdev") && argc == 3) {
        error = pci_bind_wait_netdev(argv[1], argv[2], name, 50);
        printf("%s\n", error ? strerror(-error) : name);
        return 0;
    } else if (!strcmp(cmd, "vfio") && argc == 2) {
        puts(pci_bind_vfio_usable(argv[1], err) ? "usable" : err);
        return 0;
    } else if (!strcmp(cmd, "to") && argc == 4) {
        error = pci_bind_to(argv[1], argv[2], argv[3], err);
        if (error) {
            printf("error %d: %s\n", -error, err);
            return 1;
        }
        pci_bind_driver(argv[1], argv[2], name);
        printf("%s %s\n", argv[2], name);
        return 0;
    } else if (!strcmp(cmd, "to-kernel") && argc == 3) {
        error = pci_bind_to_kernel(argv[1], argv[2], name, err);
        if (error) {
            printf("error %d: %s\n", -error, err);
            return 1;
        }
        printf("%s %s\n", argv[2], name);
        return 0;
    }
    fprintf(stderr, "usage: gfp-test pci-bind check BDF | driver ROOT BDF | "
            "netdev ROOT BDF | vfio ROOT | to ROOT BDF DRIVER | "
            "to-kernel ROOT BDF\n");
    return 2;
}

/* gfp-ctl stats, its parsers and its whole view, on captured outputs (the
 * test hooks of the command, kept out of the shipped gfp-ctl). */

static void
print_port_stats(const struct ovs_port_stats *ports, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("port %s:", ports[i].port);
#define PRINT_PORT(NAME, KEY, RX)                                       \
        if (ports[i].NAME == OVS_NO_VALUE) {                            \
            printf(" %s=?", #NAME);                                     \
        } else {                                                        \
            printf(" %s=%"PRIu64, #NAME, ports[i].NAME);                \
        }
        OVS_PORT_COUNTERS(PRINT_PORT);
#undef PRINT_PORT
        putchar('\n');
    }
}

static void
print_pmds(const struct ovs_pmds *pmds)
{
    for (size_t i = 0; i < pmds->n; i++) {
        const struct ovs_pmd *p = &pmds->pmds[i];

        printf("%s: numa_id=%d core_id=%d\n", p->name, p->numa_id,
               p->core_id);
#define PRINT_PMD(NAME)                                                 \
        if (p->NAME != OVS_NO_VALUE) {                                  \
            printf("  %s=%"PRIu64"\n", #NAME, p->NAME);                 \
        }
        OVS_PMD_COUNTERS(PRINT_PMD)
#undef PRINT_PMD
#define PRINT_PMD(NAME)                                                 \
        if (!isnan(p->NAME)) {                                          \
            printf("  %s=%.3f\n", #NAME, p->NAME);                      \
        }
        OVS_PMD_REALS(PRINT_PMD)
#undef PRINT_PMD
    }
}

static void
print_links(const struct ctl_stats_link *links, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s:", links[i].name);
#define PRINT_LINK(NAME, DIR, KEY, DROP)                                \
        printf(" %s=%"PRIu64, #NAME, links[i].NAME);
        CTL_STATS_LINK_COUNTERS(PRINT_LINK)
#undef PRINT_LINK
        printf(" drops=%"PRIu64"\n", ctl_stats_link_drops(&links[i]));
    }
}

/* Parses one captured output of kind 'what' into 'pmds' or prints it. */
static int
ctl_stats_parse_one(const char *what, const char *file, struct ovs_pmds *pmds,
                    char err[OVS_ERR_LEN])
{
    char *text = ctl_stats_read_file(file, err);
    int error = -1;

    if (!text) {
        return -1;
    }
    if (!strcmp(what, "dump-ports")) {
        struct ovs_port_stats *ports;
        size_t n;

        error = ovs_parse_dump_ports(text, &ports, &n, err);
        if (!error) {
            print_port_stats(ports, n);
            free(ports);
        }
    } else if (!strcmp(what, "pmd-stats")) {
        error = ovs_parse_pmd_stats(text, pmds, err);
    } else if (!strcmp(what, "pmd-perf")) {
        error = ovs_parse_pmd_perf(text, pmds, err);
    } else if (!strncmp(what, "ip-link", 7)) {
        /* ip-link or ip-link=IF,IF,...: what --netns NS[:IF,...] asks. */
        struct ctl_stats_netns ns;
        struct ctl_stats_link *links;
        char *arg = ctl_xasprintf("ns%s", what + 7);
        size_t n;

        if (arg[2] == '=') {
            arg[2] = ':';
        }
        error = ctl_stats_netns_parse(arg, &ns, err);
        if (!error) {
            error = ctl_stats_parse_ip_link(text, &ns, &links, &n, err);
        }
        if (!error) {
            print_links(links, n);
            free(links);
        }
        ctl_stats_netns_destroy(&ns);
        free(arg);
    } else {
        snprintf(err, OVS_ERR_LEN, "unknown kind '%s'", what);
    }
    free(text);
    return error ? -1 : 0;
}

/* ctl-stats-parse KIND FILE [KIND FILE]...: KIND dump-ports, pmd-stats,
 * pmd-perf (the PMD outputs parsed into one set, printed at the end) or
 * ip-link[=IF,...]. */
static int
test_ctl_stats_parse(int argc, char *argv[])
{
    struct ovs_pmds pmds = { NULL, 0 };
    char err[OVS_ERR_LEN];
    bool any_pmd = false;

    if (!argc || argc % 2) {
        fprintf(stderr, "usage: gfp-test ctl-stats-parse KIND FILE...\n");
        return 2;
    }
    for (int i = 0; i < argc; i += 2) {
        if (ctl_stats_parse_one(argv[i], argv[i + 1], &pmds, err)) {
            fprintf(stderr, "gfp-test: ctl-stats-parse: %s: %s\n",
                    argv[i + 1], err);
            ovs_pmds_clear(&pmds);
            return 1;
        }
        any_pmd |= !strncmp(argv[i], "pmd-", 4);
    }
    if (any_pmd) {
        print_pmds(&pmds);
    }
    ovs_pmds_clear(&pmds);
    return 0;
}

/* ctl-stats-replay [-s SOCKET] DIR [STATS-OPTION...]: gfp-ctl stats with
 * what each tool printed read from a file in DIR (named as the tool's
 * words: list-br, list-ifaces-BR, interfaces, dump-ports-BR,
 * pmd-stats-show, pmd-perf-show, pmd-stats-clear, ip-link-NS) and
 * gfp-fwd's stats reply from DIR/fwd-stats.json. */
static int
test_ctl_stats_replay(int argc, char *argv[])
{
    struct ctl_stats_args args = {
        .socket = "/run/gfp/gfp-fwd.ctl",
        .timeout_ms = 1000,
    };
    char err[OVS_ERR_LEN];
    const char *word;
    int opt, status;

    if (argc >= 2 && !strcmp(argv[0], "-s")) {
        args.socket = argv[1];
        argc -= 2;
        argv += 2;
    }
    if (argc < 1) {
        fprintf(stderr, "usage: gfp-test ctl-stats-replay [-s SOCKET] DIR "
                "[OPTION...]\n");
        return 2;
    }
    args.replay = argv[0];
    argv[0] = "stats";
    switch (ctl_stats_args_parse(argc, argv, &args, &opt, &word, err)) {
    case 0:
        status = ctl_stats_run(&args);
        break;
    case 1:
        ctl_stats_usage();
        status = 0;
        break;
    default:
        fprintf(stderr, "gfp-test: %s\n", opt ? word : err);
        status = 2;
        break;
    }
    ctl_stats_args_destroy(&args);
    return status;
}

/* xdp-fwd ENGINE GEN-IF A-IF B-IF SINK-IF COUNT SIZE [QUEUES [RXD [HOLD
 * [MTU]]]]: gfp's forwarding step between two AF_XDP ports A and B
 * (lib/port-xdp.c) with QUEUES queues of RXD receive and transmit
 * descriptors at MTU (default: SIZE - 14, at least 1500), fed from a
 * TPACKET_V3 ring on GEN-IF (the peer of A) over 64 UDP flows and drained
 * by one on SINK-IF (the peer of B), all on one thread in turn; prints
 * what each hop counted, A's drops by reason and how A's program was
 * attached.  HOLD 1: every frame is sent before the ports are polled.  A
 * and B share one UMEM (port_share()) unless GFP_TEST_XDP_UMEM is
 * "port". */
struct xdp_fwd {
    const struct fwd_engine *engine;
    struct port *a, *b;
    struct tpacket *gen, *sink;
    struct tpacket_counters gc, sc; /* The generator's, the sink's. */
    unsigned queues;
    struct queue_stats qs[8][2];    /* Per queue: A's block, B's block. */
    struct fwd_stream s[2 * 8];
    uint64_t count, got, arrived;
    unsigned size;
    bool hold;
};

static void
xdp_fwd_close(struct xdp_fwd *x)
{
    port_close(x->a);
    port_close(x->b);
    tpacket_close(x->gen);
    tpacket_close(x->sink);
}

/* Opens the rings and the ports and sets up both directions of every
 * queue. */
static int
xdp_fwd_open(struct xdp_fwd *x, char *ifs[4], const struct port_conf *pc)
{
    struct tpacket_conf tc = { .mtu = GFP_MTU_MAX, .fanout_group = -1,
                               .rx_counters = &x->gc.rx,
                               .tx_counters = &x->gc.tx };
    int error;

    tc.ifname = ifs[0];
    error = tpacket_open(&tc, &x->gen);
    tc.ifname = ifs[3];
    tc.rx_counters = &x->sc.rx;
    tc.tx_counters = &x->sc.tx;
    error = error ? error : tpacket_open(&tc, &x->sink);
    error = error ? error : port_open(&port_xdp_class, ifs[1], &x->a);
    error = error ? error : port_open(&port_xdp_class, ifs[2], &x->b);
    if (!error && !getenv("GFP_TEST_XDP_UMEM")) {
        error = port_share(x->a, x->b);
    } else if (!error && strcmp(getenv("GFP_TEST_XDP_UMEM"), "port")) {
        error = -EINVAL;
    }
    error = error ? error : port_configure(x->a, pc);
    error = error ? error : port_configure(x->b, pc);
    error = error ? error : port_start(x->a);
    error = error ? error : port_start(x->b);
    if (error) {
        return error;
    }
    for (unsigned q = 0; q < x->queues; q++) {
        struct fwd_stream *ab = &x->s[2 * q], *ba = &x->s[2 * q + 1];

        memset(ab, 0, sizeof *ab);
        ab->rx = port_queue(x->a, q);
        ab->tx = port_queue(x->b, q);
        ab->rx_stats = &x->qs[q][0];
        ab->tx_stats = &x->qs[q][1];
        ab->burst = 32;
        ab->max_len = pc->mtu + GFP_ETH_HLEN + 4;
        *ba = *ab;
        ba->rx = ab->tx;
        ba->tx = ab->rx;
        ba->rx_stats = &x->qs[q][1];
        ba->tx_stats = &x->qs[q][0];
    }
    return 0;
}

/* Sends the next frames of 'x', up to 32; returns how many went. */
static unsigned
xdp_fwd_send(struct xdp_fwd *x, const uint8_t *frame, uint64_t sent)
{
    static uint8_t burst[32][9100];
    struct tpacket_pkt out[32];
    unsigned n = 0;

    /* At most 128 frames in flight: the veth's own queue (256) drops what
     * overflows it, unseen by the ports. */
    while (sent + n < x->count && n < 32
           && (x->hold || sent + n - x->arrived < 128)) {
        unsigned sport = 1024 + (sent + n) % 64;

        memcpy(burst[n], frame, x->size);
        burst[n][34] = sport >> 8;
        burst[n][35] = sport & 0xff;
        out[n].data = burst[n];
        out[n].len = x->size;
        n++;
    }
    return tpacket_tx_burst(x->gen, out, n);
}

static void
xdp_fwd_run(struct xdp_fwd *x)
{
    static uint8_t frame[9100];
    struct pkt_batch batch;
    struct timespec t0, now;
    double settle = 0;

    build_udp_frame(frame, x->size);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint64_t sent = 0;;) {
        struct tpacket_pkt in[64];
        uint64_t clock;
        unsigned n;

        sent += xdp_fwd_send(x, frame, sent);
        if (x->hold && sent < x->count) {
            /* Slow enough for the veth's queue, never for the ports. */
            nanosleep(&(struct timespec) { 0, 200 * 1000 }, NULL);
            continue;
        }
        clock = cycles_now();
        for (unsigned i = 0; i < 2 * x->queues; i++) {
            fwd_stream_poll(x->engine, &x->s[i], &batch, &clock);
        }
        n = tpacket_rx_burst(x->sink, in, 64);
        for (unsigned i = 0; i < n; i++) {
            bool whole = in[i].len == x->size;

            x->arrived += whole;
            x->got += whole && !memcmp(in[i].data + 12, frame + 12, 22);
        }
        tpacket_rx_done(x->sink);
        clock_gettime(CLOCK_MONOTONIC, &now);
        /* Done when everything came back (or, with HOLD, was sent), or
         * after 10 s; then 200 ms longer, so that late or extra frames
         * show. */
        if (!settle && (now.tv_sec - t0.tv_sec > 10
                        || (sent == x->count
                            && (x->arrived >= x->count || x->hold)))) {
            settle = now.tv_sec + now.tv_nsec / 1e9 + 0.2;
        }
        if (settle && now.tv_sec + now.tv_nsec / 1e9 > settle) {
            break;
        }
    }
}

static void
xdp_fwd_report(struct xdp_fwd *x)
{
    struct port_dev_stats da, db;
    json_t *xa = port_get_xstats(x->a), *xb = port_get_xstats(x->b);
    struct queue_stats qs[2];
    unsigned busy = 0;

    tpacket_read_kstats(x->sink, &x->sc.kernel);
    port_get_dev_stats(x->a, &da);
    port_get_dev_stats(x->b, &db);
    memset(qs, 0, sizeof qs);
    for (unsigned q = 0; q < x->queues; q++) {
        queue_stats_add(&qs[0], &x->qs[q][0]);
        queue_stats_add(&qs[1], &x->qs[q][1]);
        busy += x->qs[q][0].rx_packets > 0;
    }
    printf("A xdp=%s bind=%s\n",
           json_string_value(json_object_get(xa, "xdp_mode")),
           json_string_value(json_object_get(xa, "xdp_bind")));
    printf("gen sent=%"PRIu64"\n", x->gc.tx.packets);
    printf("A rx=%"PRIu64" no_buffer=%"PRIu64" ring_full=%"PRIu64
           " errors=%"PRIu64"\n", qs[0].rx_packets, da.rx_nombuf,
           da.rx_missed, da.rx_errors);
    printf("B tx=%"PRIu64" tx_full=%"PRIu64" too_big=%"PRIu64" runt=%"PRIu64
           " tx_errors=%"PRIu64"\n", qs[1].tx_packets, qs[1].drop_tx_full,
           qs[1].drop_too_big, qs[0].drop_runt, db.tx_errors);
    printf("sink rx=%"PRIu64" intact=%"PRIu64" kernel_drops=%"PRIu64"\n",
           x->sc.rx.packets, x->got, x->sc.kernel.drops);
    printf("B rx=%"PRIu64"\n", qs[1].rx_packets);
    printf("A queues that received=%u\n", busy);
    printf("umem A=%s B=%s; B sent without a copy=%"PRIu64"\n",
           json_string_value(json_object_get(xa, "umem")),
           json_string_value(json_object_get(xb, "umem")),
           (uint64_t) json_integer_value(json_object_get(xb, "tx_shared")));
    json_decref(xa);
    json_decref(xb);
}

static int
test_xdp_fwd(int argc, char *argv[])
{
    struct port_conf pc = { .queues = 1, .rxd = 1024, .txd = 1024,
                            .burst = 32, .workers = 1 };
    unsigned long long count, size, queues = 1, rxd = 1024, hold = 0, mtu;
    static struct xdp_fwd x;
    int error;

    if (argc < 7 || argc > 11 || !(x.engine = fwd_engine_find(argv[0]))
        || parse_uint(argv[5], 1, 10000000, &count)
        || parse_uint(argv[6], 60, 9014, &size)
        || (argc > 7 && parse_uint(argv[7], 1, 8, &queues))
        || (argc > 8 && parse_uint(argv[8], 64, 4096, &rxd))
        || (argc > 9 && parse_uint(argv[9], 0, 1, &hold))
        || (argc > 10 && parse_uint(argv[10], 68, 9000, &mtu))) {
        fprintf(stderr, "xdp-fwd ENGINE GEN-IF A-IF B-IF SINK-IF COUNT "
                "SIZE [QUEUES [RXD [HOLD [MTU]]]]\n");
        return 2;
    }
    pc.mtu = argc > 10 ? mtu : size > 1514 ? size - 14 : 1500;
    pc.queues = x.queues = queues;
    pc.rxd = pc.txd = rxd;
    x.count = count;
    x.size = size;
    x.hold = hold;
    error = xdp_fwd_open(&x, &argv[1], &pc);
    if (error) {
        printf("setup: %s\n", strerror(-error));
        xdp_fwd_close(&x);
        return 1;
    }
    xdp_fwd_run(&x);
    xdp_fwd_report(&x);
    xdp_fwd_close(&x);
    return 0;
}

struct command {
    const char *name;
    int (*run)(int argc, char *argv[]);
};

static const struct command commands[] = {
    { "config", test_config },
    { "config-options", test_config_options },
    { "engine", test_engine },
    { "stats", test_stats },
    { "stats-drops", test_stats_drops },
    { "parse", test_parse },
    { "tpacket-walk", test_tpacket_walk },
    { "tpacket-walk-edge", test_tpacket_walk_edge },
    { "tpacket-walk-ahead", test_tpacket_walk_ahead },
    { "tpacket-veth", test_tpacket_veth },
    { "tpacket-lend", test_tpacket_lend },
    { "mmap-fwd", test_mmap_fwd },
    { "tpacket-mtu-shrink", test_tpacket_mtu_shrink },
    { "pci-bind", test_pci_bind },
    { "ctl-stats-parse", test_ctl_stats_parse },
    { "ctl-stats-replay", test_ctl_stats_replay },
    { "xdp-fwd", test_xdp_fwd },
#ifdef GFP_TEST_XDP
    { "xdp-comp", test_xdp_comp },
#endif
};

int
main(int argc, char *argv[])
{
    if (argc >= 2) {
        for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
            if (!strcmp(argv[1], commands[i].name)) {
                return commands[i].run(argc - 2, argv + 2);
            }
        }
    }
    fprintf(stderr, "usage: gfp-test COMMAND [ARGS...]; commands:");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        fprintf(stderr, " %s", commands[i].name);
    }
    fprintf(stderr, "\n");
    return 2;
}
