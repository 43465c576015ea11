/* gfp-test xdp-fwd: the forwarding step between two AF_XDP ports. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cycles.h"
#include "fwd-engine.h"
#include "gfp-test.h"
#include "port.h"
#include "port-xdp.h"
#include "stats.h"
#include "tpacket.h"
#include "util.h"

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

int
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
