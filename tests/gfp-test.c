/* gfp-test: one driver for the unit tests, in the manner of ovstest.
 *
 *     gfp-test COMMAND [ARGS...]
 *
 * Each command is registered in 'commands' below and prints what the
 * autotest file compares. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp-config.h"
#include "fwd-engine.h"
#include "stats.h"
#include "util.h"

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

/* A fake queue pair: receive hands out the frames given on the command
 * line once, transmit accepts up to 'tx_room' packets and records them. */
struct fake_queue {
    uint8_t frames[GFP_BURST_MAX][2048];
    uint32_t lens[GFP_BURST_MAX];
    unsigned n_frames;
    bool given;
    unsigned tx_room;
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
fake_tx(void *q_, void **bufs, uint16_t n)
{
    struct fake_queue *q = q_;
    uint16_t take = n < q->tx_room ? n : q->tx_room;

    for (uint16_t i = 0; i < take; i++) {
        q->sent[q->n_sent++] = bufs[i];
    }
    q->tx_room -= take;
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

/* engine NAME [max-len=N] [tx-room=N] [src=MAC] [dst=MAC] HEX...
 *
 * Runs one poll of engine NAME over the frames, prints every transmitted
 * frame in hex and then the counters. */
static int
test_engine(int argc, char *argv[])
{
    static struct fake_queue rxq, txq;
    struct port_queue rx = { fake_rx, fake_tx, fake_free, &rxq };
    struct port_queue tx = { fake_rx, fake_tx, fake_free, &txq };
    struct queue_stats rx_stats, tx_stats;
    const struct fwd_engine *engine;
    struct fwd_stream s;
    struct pkt_batch b;
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
    fwd_stream_poll(engine, &s, &b);
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

struct command {
    const char *name;
    int (*run)(int argc, char *argv[]);
};

static const struct command commands[] = {
    { "config", test_config },
    { "engine", test_engine },
    { "stats", test_stats },
    { "parse", test_parse },
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
