/* gfp-test engine: the forwarding step and its engines, on fake queues. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycles.h"
#include "fwd-engine.h"
#include "gfp-test.h"
#include "port.h"
#include "stats.h"
#include "util.h"

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
int
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
