/* gfp-pktgen: traffic generator and sink for gfp's tests and benchmarks.
 *
 *     gfp-pktgen [EAL options] -- [options]
 *
 * Sends Ethernet/IPv4/UDP frames on one port and counts what comes back on
 * another, on a single lcore.  Each frame carries a sequence number and a
 * TSC timestamp, so the sink tells its own frames from anything else and
 * measures latency.  Transmission retries until the ring takes the frame:
 * the number sent is exact, never "offered".
 *
 * With --serve, it connects once and then runs one trial per request line
 * on standard input ("trial RATE DURATION_MS SIZE FLOWS"), answering each
 * with one JSON line: what gfp-bench drives. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "port-provider.h"
#include "util.h"

#define EXIT_USAGE 2
#define PKTGEN_MAGIC 0x67667050u        /* "gfpP" */
#define MAX_LATENCY_SAMPLES (1u << 20)

/* Fits a 64-byte frame (60 without CRC) behind the headers. */
struct pktgen_payload {
    uint32_t magic;
    uint32_t seq;               /* Low 32 bits of the sequence number. */
    uint64_t tsc;
} __attribute__((packed));
_Static_assert(sizeof(struct pktgen_payload) == 16, "payload layout");

#define HDRS_LEN (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) \
                  + sizeof(struct rte_udp_hdr))
#define MIN_FRAME (HDRS_LEN + sizeof(struct pktgen_payload))

struct pktgen_opts {
    uint16_t tx_port, rx_port;
    uint64_t count;             /* 0: run for 'duration'. */
    uint64_t duration_ms;       /* When count is 0. */
    unsigned size;              /* Frame length without CRC. */
    unsigned flows;
    uint64_t rate;              /* Packets per second; 0: as fast as can. */
    unsigned burst;
    unsigned drain_ms;
    unsigned link_timeout;
    uint8_t src_mac[6], dst_mac[6];
    bool expect_src_set, expect_dst_set;
    uint8_t expect_src[6], expect_dst[6];
    char json_path[256];
    bool linger;                /* Keep the ports open after the run. */
    char start_file[256];       /* Wait for this file before sending. */
    bool serve;                 /* Trials on request, from stdin. */
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
    stop_signal = sig;
}

static void __attribute__((format(printf, 1, 2), noreturn))
usage_error(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "gfp-pktgen: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, " (see gfp-pktgen --help)\n");
    exit(EXIT_USAGE);
}

static void
usage(void)
{
    printf("gfp-pktgen: traffic generator and sink\n"
           "usage: gfp-pktgen [EAL options] -- [options]\n"
           "  --tx-port=N          port to send on (default 0)\n"
           "  --rx-port=N          port to count on (default 1)\n"
           "  --count=N            frames to send (default 10000; 0: use "
           "--duration)\n"
           "  --duration=SECS      send for SECS seconds when --count=0\n"
           "  --size=BYTES         frame length without CRC, 60-9014 "
           "(default 64)\n"
           "  --flows=N            UDP flows, 1-65536 (default 1)\n"
           "  --rate=PPS           frames per second (default 0: as fast "
           "as possible)\n"
           "  --burst=N            frames per burst, 1-64 (default 32)\n"
           "  --src-mac=MAC        source MAC (default 02:00:00:00:00:01)\n"
           "  --dst-mac=MAC        destination MAC (default "
           "02:00:00:00:00:02)\n"
           "  --expect-src=MAC     count received frames whose source "
           "MAC differs\n"
           "  --expect-dst=MAC     count received frames whose "
           "destination MAC differs\n"
           "  --drain-ms=MS        keep counting MS ms after the last "
           "frame (default 1000)\n"
           "  --link-timeout=SECS  wait this long for links up (default "
           "30)\n"
           "  --json=PATH          write the results to PATH (default: "
           "stdout)\n"
           "  --start-file=PATH    once the links are up, wait for PATH "
           "to exist before\n"
           "                       sending (the peer may need longer than "
           "its link)\n"
           "  --linger             after the results, keep the ports "
           "connected until\n"
           "                       SIGINT or SIGTERM (a vhost-user peer's "
           "counters live\n"
           "                       only while connected)\n"
           "  --serve              once the links are up, print {\"ready\": "
           "true} and run\n"
           "                       one trial per stdin line \"trial RATE "
           "DURATION_MS SIZE FLOWS\"\n"
           "                       (RATE 0: as fast as possible; SIZE up to "
           "--size), each\n"
           "                       answered by one JSON line; \"drain MS\" "
           "counts MS ms more\n"
           "                       into the last trial; \"quit\" or end of "
           "input exits\n"
           "When --rate is set and the next burst is due in more than 50 us, "
           "gfp-pktgen\nsleeps, leaving its CPU to whoever shares it.\n");
}

static uint64_t
opt_uint(const char *name, const char *value, uint64_t min, uint64_t max)
{
    unsigned long long v;

    if (parse_uint(value, min, max, &v)) {
        usage_error("--%s: invalid value '%s': expected an integer from "
                    "%"PRIu64" to %"PRIu64, name, value, min, max);
    }
    return v;
}

static void
opt_mac(const char *name, const char *value, uint8_t mac[6])
{
    if (parse_mac(value, mac)) {
        usage_error("--%s: invalid value '%s': expected xx:xx:xx:xx:xx:xx",
                    name, value);
    }
}

static void
parse_options(int argc, char *argv[], struct pktgen_opts *o)
{
    static const struct option longopts[] = {
        { "tx-port", required_argument, NULL, 't' },
        { "rx-port", required_argument, NULL, 'r' },
        { "count", required_argument, NULL, 'n' },
        { "duration", required_argument, NULL, 'd' },
        { "size", required_argument, NULL, 's' },
        { "flows", required_argument, NULL, 'f' },
        { "rate", required_argument, NULL, 'R' },
        { "burst", required_argument, NULL, 'b' },
        { "src-mac", required_argument, NULL, 'S' },
        { "dst-mac", required_argument, NULL, 'D' },
        { "expect-src", required_argument, NULL, 'x' },
        { "expect-dst", required_argument, NULL, 'y' },
        { "drain-ms", required_argument, NULL, 'w' },
        { "link-timeout", required_argument, NULL, 'l' },
        { "json", required_argument, NULL, 'j' },
        { "linger", no_argument, NULL, 'L' },
        { "start-file", required_argument, NULL, 'F' },
        { "serve", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt, idx = 0;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+:h", longopts, &idx)) != -1) {
        const char *key = longopts[idx].name;

        switch (opt) {
        case 't': o->tx_port = opt_uint(key, optarg, 0, 1023); break;
        case 'r': o->rx_port = opt_uint(key, optarg, 0, 1023); break;
        case 'n': o->count = opt_uint(key, optarg, 0, UINT64_MAX / 2); break;
        case 'd':
            o->duration_ms = opt_uint(key, optarg, 1, 86400) * 1000;
            break;
        case 's': o->size = opt_uint(key, optarg, 60, 9014); break;
        case 'f': o->flows = opt_uint(key, optarg, 1, 65536); break;
        case 'R': o->rate = opt_uint(key, optarg, 0, 1000000000); break;
        case 'b': o->burst = opt_uint(key, optarg, 1, 64); break;
        case 'w': o->drain_ms = opt_uint(key, optarg, 0, 600000); break;
        case 'l': o->link_timeout = opt_uint(key, optarg, 0, 3600); break;
        case 'S': opt_mac(key, optarg, o->src_mac); break;
        case 'D': opt_mac(key, optarg, o->dst_mac); break;
        case 'x':
            opt_mac(key, optarg, o->expect_src);
            o->expect_src_set = true;
            break;
        case 'y':
            opt_mac(key, optarg, o->expect_dst);
            o->expect_dst_set = true;
            break;
        case 'j':
            if (strlen(optarg) >= sizeof o->json_path) {
                usage_error("--json: path too long");
            }
            snprintf(o->json_path, sizeof o->json_path, "%s", optarg);
            break;
        case 'L':
            o->linger = true;
            break;
        case 'V':
            o->serve = true;
            break;
        case 'F':
            if (strlen(optarg) >= sizeof o->start_file) {
                usage_error("--start-file: path too long");
            }
            snprintf(o->start_file, sizeof o->start_file, "%s", optarg);
            break;
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        usage_error("unexpected argument '%s'", argv[optind]);
    }
    if (!o->count && !o->duration_ms && !o->serve) {
        usage_error("--count=0 needs --duration");
    }
    if (o->serve && (o->linger || o->json_path[0])) {
        usage_error("--serve answers on stdout: no --json, no --linger");
    }
}

/* Builds one frame of flow 'flow'; the payload is stamped at send time. */
static void
build_frame(const struct pktgen_opts *o, uint8_t *p, unsigned flow)
{
    struct rte_ether_hdr *eth = (struct rte_ether_hdr *) p;
    struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *) (eth + 1);
    struct rte_udp_hdr *udp = (struct rte_udp_hdr *) (ip + 1);
    unsigned ip_len = o->size - sizeof *eth;

    memset(p, 0, o->size);
    memcpy(eth->dst_addr.addr_bytes, o->dst_mac, 6);
    memcpy(eth->src_addr.addr_bytes, o->src_mac, 6);
    eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    ip->version_ihl = RTE_IPV4_VHL_DEF;
    ip->total_length = rte_cpu_to_be_16(ip_len);
    ip->time_to_live = 64;
    ip->next_proto_id = IPPROTO_UDP;
    /* 198u: DPDK 22.11's RTE_IPV4() shifts an int 198 into the sign bit
     * (undefined behaviour, UBSan stops the program). */
    ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(198u, 18, flow >> 8,
                                             flow & 0xff));
    ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(198u, 19, 0, 1));
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    udp->src_port = rte_cpu_to_be_16(1024 + (flow % 60000));
    udp->dst_port = rte_cpu_to_be_16(9);
    udp->dgram_len = rte_cpu_to_be_16(ip_len - sizeof *ip);
}

struct results {
    uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
    uint64_t rx_ours, rx_other, rx_src_mismatch, rx_dst_mismatch;
    uint64_t rx_reordered, rx_segmented;
    uint64_t *lat;              /* Latency samples in TSC cycles. */
    uint64_t n_lat;
    uint64_t tx_cycles;         /* From the first to the last frame sent. */
};

static uint16_t
receive(const struct pktgen_opts *o, struct results *r, uint32_t *last_seq)
{
    struct rte_mbuf *mbufs[64];
    uint64_t now = rte_rdtsc();
    uint16_t n;

    n = rte_eth_rx_burst(o->rx_port, 0, mbufs, RTE_DIM(mbufs));
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = mbufs[i];
        const struct rte_ether_hdr *eth;
        struct pktgen_payload pl;
        const struct pktgen_payload *plp;

        r->rx_packets++;
        r->rx_bytes += m->pkt_len;
        if (m->nb_segs > 1) {
            r->rx_segmented++;
        }
        if (m->pkt_len < MIN_FRAME) {
            r->rx_other++;
            continue;
        }
        eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
        plp = rte_pktmbuf_read(m, HDRS_LEN, sizeof pl, &pl);
        if (!plp || plp->magic != PKTGEN_MAGIC) {
            r->rx_other++;
            continue;
        }
        r->rx_ours++;
        if (o->expect_src_set
            && memcmp(eth->src_addr.addr_bytes, o->expect_src, 6)) {
            r->rx_src_mismatch++;
        }
        if (o->expect_dst_set
            && memcmp(eth->dst_addr.addr_bytes, o->expect_dst, 6)) {
            r->rx_dst_mismatch++;
        }
        if ((int32_t) (plp->seq - *last_seq) < 0) {
            r->rx_reordered++;
        }
        *last_seq = plp->seq;
        if (r->lat && r->n_lat < MAX_LATENCY_SAMPLES) {
            r->lat[r->n_lat++] = now - plp->tsc;
        }
    }
    rte_pktmbuf_free_bulk(mbufs, n);
    return n;
}

static int
cmp_u64(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;

    return a < b ? -1 : a > b;
}

static json_t *
latency_json(struct results *r, unsigned cdf_points)
{
    double ns_per_cycle = 1e9 / rte_get_tsc_hz();
    static const struct { const char *name; double q; } qs[] = {
        { "p50", 0.50 }, { "p99", 0.99 }, { "p999", 0.999 }, { "max", 1.0 },
    };
    json_t *obj = json_object();

    json_object_set_new(obj, "samples", json_integer(r->n_lat));
    if (!r->n_lat) {
        return obj;
    }
    qsort(r->lat, r->n_lat, sizeof *r->lat, cmp_u64);
    for (size_t i = 0; i < RTE_DIM(qs); i++) {
        uint64_t idx = (uint64_t) (qs[i].q * (r->n_lat - 1));

        json_object_set_new(obj, qs[i].name,
                            json_real(r->lat[idx] * ns_per_cycle));
    }
    if (cdf_points) {
        /* The distribution at 'cdf_points' + 1 evenly spaced ranks, for
         * a CDF without shipping a million samples. */
        json_t *cdf = json_array();
        unsigned n = r->n_lat > cdf_points ? cdf_points : r->n_lat - 1;

        for (unsigned i = 0; i <= n; i++) {
            uint64_t idx = n ? (r->n_lat - 1) * i / n : 0;

            json_array_append_new(cdf, json_real(r->lat[idx] * ns_per_cycle));
        }
        json_object_set_new(obj, "cdf", cdf);
    }
    return obj;
}

static int
wait_links(const struct pktgen_opts *o)
{
    uint64_t deadline = rte_get_tsc_cycles()
                        + (uint64_t) o->link_timeout * rte_get_tsc_hz();

    for (;;) {
        struct rte_eth_link tx, rx;

        if (!rte_eth_link_get_nowait(o->tx_port, &tx)
            && !rte_eth_link_get_nowait(o->rx_port, &rx)
            && tx.link_status && rx.link_status) {
            return 0;
        }
        if (stop_signal || rte_get_tsc_cycles() > deadline) {
            return -ETIMEDOUT;
        }
        rte_delay_ms(50);
    }
}

static int
wait_start_file(const struct pktgen_opts *o)
{
    uint64_t deadline = rte_get_tsc_cycles()
                        + (uint64_t) o->link_timeout * rte_get_tsc_hz();

    while (o->start_file[0] && access(o->start_file, F_OK)) {
        if (stop_signal || rte_get_tsc_cycles() > deadline) {
            return -ETIMEDOUT;
        }
        rte_delay_ms(20);
    }
    return 0;
}

static int
setup_port(uint16_t port_id, unsigned size, struct port **portp)
{
    char name[16];
    struct port_conf pc = {
        .queues = 1, .rxd = 1024, .txd = 1024, .burst = 64, .workers = 1,
        .mtu = size > 1514 ? size - 14 : 1500,
    };
    int error;

    snprintf(name, sizeof name, "%u", port_id);
    error = port_open(&port_dpdk_class, name, portp);
    if (!error) {
        error = port_configure(*portp, &pc);
    }
    if (!error) {
        error = port_start(*portp);
    }
    return error;
}

static void
free_frames(uint8_t **frames, unsigned n)
{
    for (unsigned f = 0; frames && f < n; f++) {
        free(frames[f]);
    }
    free(frames);
}

/* One frame per flow, built for o->size and o->flows; NULL when out of
 * memory. */
static uint8_t **
build_frames(const struct pktgen_opts *o)
{
    uint8_t **frames = calloc(o->flows, sizeof *frames);

    for (unsigned f = 0; frames && f < o->flows; f++) {
        frames[f] = malloc(o->size);
        if (!frames[f]) {
            free_frames(frames, f);
            return NULL;
        }
        build_frame(o, frames[f], f);
    }
    return frames;
}

/* Keeps counting what comes back, for at most o->drain_ms ms after the
 * last frame; with 'quiet_ms', stops sooner once nothing came for that
 * long. */
static void
drain(const struct pktgen_opts *o, struct results *r, uint32_t *last_seq,
      unsigned quiet_ms)
{
    uint64_t hz = rte_get_tsc_hz();
    uint64_t now = rte_rdtsc();
    uint64_t end = now + o->drain_ms * hz / 1000;
    uint64_t last_rx = now;

    while (!stop_signal && (now = rte_rdtsc()) < end) {
        if (receive(o, r, last_seq)) {
            last_rx = now;
        } else if (quiet_ms && now - last_rx > quiet_ms * hz / 1000) {
            break;
        }
    }
}

/* Sends o->count frames, or for o->duration_ms, at o->rate, counting what
 * comes back meanwhile and while it drains. */
static void
send_traffic(const struct pktgen_opts *o, struct rte_mempool *mp,
             uint8_t *const *frames, struct results *r, uint32_t *last_seqp)
{
    uint64_t hz = rte_get_tsc_hz();
    uint64_t gap = o->rate ? hz / o->rate : 0;
    uint64_t start, end, next_tx, seq = 0;
    uint32_t last_seq = 0;

    start = next_tx = rte_rdtsc();
    end = o->count ? UINT64_MAX : start + o->duration_ms * hz / 1000;
    while (!stop_signal && (o->count ? seq < o->count : rte_rdtsc() < end)) {
        struct rte_mbuf *mbufs[64];
        uint64_t now = rte_rdtsc();
        unsigned n = o->burst;
        uint16_t sent = 0;

        receive(o, r, &last_seq);
        if (gap) {
            if (now < next_tx) {
                /* Ahead of schedule: give the CPU away.  On a small
                 * host the forwarder under test may share it. */
                if (next_tx - now > hz / 20000) {
                    struct timespec nap = { 0, 20 * 1000 };

                    nanosleep(&nap, NULL);
                }
                continue;
            }
            n = RTE_MIN((now - next_tx) / gap + 1, (uint64_t) o->burst);
        }
        if (o->count) {
            n = RTE_MIN((uint64_t) n, o->count - seq);
        }
        if (rte_pktmbuf_alloc_bulk(mp, mbufs, n)) {
            continue;
        }
        for (unsigned i = 0; i < n; i++) {
            unsigned flow = (seq + i) % o->flows;
            uint8_t *p = (uint8_t *) rte_pktmbuf_append(mbufs[i], o->size);
            struct pktgen_payload pl = {
                .magic = PKTGEN_MAGIC, .seq = seq + i,
            };

            rte_memcpy(p, frames[flow], o->size);
            pl.tsc = rte_rdtsc();
            memcpy(p + HDRS_LEN, &pl, sizeof pl);
        }
        /* Retry until the ring takes every frame: backpressure, not
         * loss, so that the count sent is exact. */
        while (sent < n && !stop_signal) {
            uint16_t k = rte_eth_tx_burst(o->tx_port, 0, mbufs + sent,
                                          n - sent);

            sent += k;
            if (sent < n) {
                /* Full: whoever drains the ring may share this CPU (a
                 * switch's PMD thread on a small host): let it run. */
                if (!k && !receive(o, r, &last_seq)) {
                    sched_yield();
                }
            }
        }
        if (sent < n) {
            rte_pktmbuf_free_bulk(mbufs + sent, n - sent);
        }
        r->tx_packets += sent;
        r->tx_bytes += (uint64_t) sent * o->size;
        seq += sent;
        next_tx += (uint64_t) sent * gap;
    }
    r->tx_cycles = rte_rdtsc() - start;
    drain(o, r, &last_seq, o->serve ? 50 : 0);
    *last_seqp = last_seq;
}

/* The results as JSON; 'rx_missed' is what the receive port's device
 * counted as missed or without buffers (the sink's own drops). */
static json_t *
results_json(const struct pktgen_opts *o, struct results *r,
             uint64_t rx_missed)
{
    double secs = (double) r->tx_cycles / rte_get_tsc_hz();
    json_t *out;

    out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
                    " s:I, s:i, s:i, s:I, s:f, s:f, s:f}",
                    "tx_packets", (json_int_t) r->tx_packets,
                    "tx_bytes", (json_int_t) r->tx_bytes,
                    "rx_packets", (json_int_t) r->rx_packets,
                    "rx_bytes", (json_int_t) r->rx_bytes,
                    "rx_ours", (json_int_t) r->rx_ours,
                    "rx_other", (json_int_t) r->rx_other,
                    "rx_src_mismatch", (json_int_t) r->rx_src_mismatch,
                    "rx_dst_mismatch", (json_int_t) r->rx_dst_mismatch,
                    "rx_reordered", (json_int_t) r->rx_reordered,
                    "rx_segmented", (json_int_t) r->rx_segmented,
                    "rx_missed", (json_int_t) rx_missed,
                    "size", (int) o->size, "flows", (int) o->flows,
                    "rate", (json_int_t) o->rate,
                    "tx_seconds", secs,
                    "tx_mpps", secs > 0 ? r->tx_packets / secs / 1e6 : 0.0,
                    "rx_mpps", secs > 0 ? r->rx_ours / secs / 1e6 : 0.0);
    json_object_set_new(out, "latency_ns",
                        latency_json(r, o->serve ? 1000 : 0));
    return out;
}

/* What the receive port's device dropped so far: no room in its ring, no
 * buffer. */
static uint64_t
rx_port_missed(const struct pktgen_opts *o)
{
    struct rte_eth_stats st;

    if (rte_eth_stats_get(o->rx_port, &st)) {
        return 0;
    }
    return st.imissed + st.rx_nombuf;
}

/* Prints one JSON line on stdout and flushes it. */
static void
reply(json_t *obj)
{
    json_dumpf(obj, stdout, JSON_COMPACT | JSON_SORT_KEYS);
    putchar('\n');
    fflush(stdout);
    json_decref(obj);
}

static void
reply_error(const char *line, const char *why)
{
    reply(json_pack("{s:s, s:s}", "error", why, "request", line));
}

/* Parses "trial RATE DURATION_MS SIZE FLOWS" into 'o' (whose size is the
 * largest allowed); NULL on success, else what is wrong. */
static const char *
parse_trial(const char *line, struct pktgen_opts *o, unsigned max_size)
{
    unsigned long long v[4];
    static const struct {
        const char *name;
        unsigned long long min, max;
    } f[4] = {
        { "RATE", 0, 1000000000 }, { "DURATION_MS", 1, 3600 * 1000 },
        { "SIZE", 60, 9014 }, { "FLOWS", 1, 65536 },
    };
    static char why[128];
    const char *p = line + strlen("trial");

    for (int i = 0; i < 4; i++) {
        char *end;

        while (*p == ' ') {
            p++;
        }
        if (*p < '0' || *p > '9') {
            snprintf(why, sizeof why, "%s missing or not a number: expected "
                     "\"trial RATE DURATION_MS SIZE FLOWS\"", f[i].name);
            return why;
        }
        errno = 0;
        v[i] = strtoull(p, &end, 10);
        if (errno || (*end && *end != ' ') || v[i] < f[i].min
            || v[i] > f[i].max) {
            snprintf(why, sizeof why, "%s must be an integer from %llu to "
                     "%llu", f[i].name, f[i].min, f[i].max);
            return why;
        }
        p = end;
    }
    while (*p == ' ') {
        p++;
    }
    if (*p) {
        return "junk after FLOWS";
    }
    if (v[2] > max_size) {
        snprintf(why, sizeof why, "SIZE %llu is larger than --size %u, "
                 "the largest frame the ports were set up for", v[2],
                 max_size);
        return why;
    }
    o->rate = v[0];
    o->duration_ms = v[1];
    o->size = v[2];
    o->flows = v[3];
    o->count = 0;
    return NULL;
}

/* --serve: one trial per request line until "quit", end of input or a
 * signal. */
static int
serve(struct pktgen_opts *o, struct rte_mempool *mp, struct results *r)
{
    unsigned max_size = o->size;
    struct pktgen_opts last = *o;
    uint64_t last_missed = 0;
    bool have_trial = false;
    uint32_t seq = 0;
    char line[256];

    reply(json_pack("{s:b, s:i}", "ready", 1, "max_size", (int) max_size));
    while (!stop_signal && fgets(line, sizeof line, stdin)) {
        struct pktgen_opts t = *o;
        uint64_t missed0;
        uint8_t **frames;
        const char *why;

        line[strcspn(line, "\r\n")] = '\0';
        if (!strcmp(line, "quit")) {
            break;
        }
        if (!strncmp(line, "drain ", 6)) {
            /* More time for the last trial's stragglers (a forwarder that
             * was descheduled holds a ring of them): counted into it. */
            unsigned long long ms;
            char *end;

            errno = 0;
            ms = strtoull(line + 6, &end, 10);
            if (errno || *end || ms < 1 || ms > 10000 || !have_trial) {
                reply_error(line, have_trial
                            ? "MS must be an integer from 1 to 10000"
                            : "no trial to drain for");
                continue;
            }
            t = last;
            t.drain_ms = ms;
            missed0 = rx_port_missed(o);
            drain(&t, r, &seq, 0);
            last_missed += rx_port_missed(o) - missed0;
            reply(results_json(&t, r, last_missed));
            continue;
        }
        if (strncmp(line, "trial", 5) || (line[5] && line[5] != ' ')) {
            reply_error(line, "unknown request: expected \"trial RATE "
                        "DURATION_MS SIZE FLOWS\", \"drain MS\" or "
                        "\"quit\"");
            continue;
        }
        why = parse_trial(line, &t, max_size);
        if (why) {
            reply_error(line, why);
            continue;
        }
        frames = build_frames(&t);
        if (!frames) {
            reply_error(line, "out of memory for the flows' frames");
            continue;
        }
        /* What came late from an earlier trial is no part of this one. */
        {
            struct results stale = { 0 };

            uint32_t stale_seq = 0;

            drain(&t, &stale, &stale_seq, 20);
        }
        memset(r, 0, offsetof(struct results, lat));
        r->n_lat = 0;
        r->tx_cycles = 0;
        missed0 = rx_port_missed(o);
        send_traffic(&t, mp, frames, r, &seq);
        free_frames(frames, t.flows);
        last = t;
        last_missed = rx_port_missed(o) - missed0;
        have_trial = true;
        reply(results_json(&t, r, last_missed));
    }
    return stop_signal ? EXIT_FAILURE : EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
    struct pktgen_opts o = {
        .tx_port = 0, .rx_port = 1, .count = 10000, .size = 64,
        .flows = 1, .burst = 32, .drain_ms = 1000, .link_timeout = 30,
        .src_mac = { 2, 0, 0, 0, 0, 1 }, .dst_mac = { 2, 0, 0, 0, 0, 2 },
    };
    struct port *tx_port = NULL, *rx_port = NULL;
    struct results r = { 0 };
    struct rte_mempool *mp;
    uint8_t **frames;
    int eal_argc = argc, ret;
    json_t *out;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            eal_argc = i;
            break;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage();
            return EXIT_SUCCESS;
        }
    }
    if (eal_argc < argc) {
        parse_options(argc - eal_argc, argv + eal_argc, &o);
    }
    {
        struct sigaction sa = { .sa_handler = on_signal };

        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    ret = rte_eal_init(eal_argc, argv);
    if (ret < 0) {
        fprintf(stderr, "gfp-pktgen: cannot start the DPDK EAL: %s\n",
                rte_strerror(rte_errno));
        return EXIT_FAILURE;
    }
    if (!rte_eth_dev_is_valid_port(o.tx_port)
        || !rte_eth_dev_is_valid_port(o.rx_port)) {
        fprintf(stderr, "gfp-pktgen: --tx-port %u / --rx-port %u: the EAL "
                "probed %u ports\n", o.tx_port, o.rx_port,
                rte_eth_dev_count_avail());
        rte_eal_cleanup();
        return EXIT_USAGE;
    }
    if (setup_port(o.tx_port, o.size, &tx_port)
        || (o.rx_port != o.tx_port
            && setup_port(o.rx_port, o.size, &rx_port))) {
        fprintf(stderr, "gfp-pktgen: cannot set up the ports\n");
        ret = EXIT_FAILURE;
        goto out;
    }

    mp = rte_pktmbuf_pool_create("pktgen_tx", 8191, 256, 0,
                                 RTE_MAX((unsigned) RTE_MBUF_DEFAULT_BUF_SIZE,
                                         o.size + RTE_PKTMBUF_HEADROOM),
                                 rte_socket_id());
    r.lat = malloc(MAX_LATENCY_SAMPLES * sizeof *r.lat);
    if (!mp || !r.lat) {
        fprintf(stderr, "gfp-pktgen: out of memory\n");
        ret = EXIT_FAILURE;
        goto out;
    }

    if (wait_links(&o)) {
        if (stop_signal) {
            fprintf(stderr, "gfp-pktgen: interrupted while waiting for "
                    "the links\n");
        } else {
            fprintf(stderr, "gfp-pktgen: links not up after %u s (is the "
                    "peer connected?)\n", o.link_timeout);
        }
        ret = EXIT_FAILURE;
        goto out;
    }
    if (wait_start_file(&o)) {
        fprintf(stderr, "gfp-pktgen: %s did not appear within %u s\n",
                o.start_file, o.link_timeout);
        ret = EXIT_FAILURE;
        goto out;
    }

    if (o.serve) {
        ret = serve(&o, mp, &r);
        goto out;
    }
    frames = build_frames(&o);
    if (!frames) {
        fprintf(stderr, "gfp-pktgen: out of memory\n");
        ret = EXIT_FAILURE;
        goto out;
    }
    {
        uint32_t last_seq;

        send_traffic(&o, mp, frames, &r, &last_seq);
    }
    free_frames(frames, o.flows);
    out = results_json(&o, &r, 0);
    if (o.json_path[0]) {
        ret = json_dump_file(out, o.json_path, JSON_INDENT(2)
                             | JSON_SORT_KEYS) ? EXIT_FAILURE : EXIT_SUCCESS;
    } else {
        json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
        ret = EXIT_SUCCESS;
    }
    json_decref(out);
    if (o.json_path[0] && o.linger) {
        while (!stop_signal) {
            struct timespec nap = { 0, 10 * 1000 * 1000 };

            nanosleep(&nap, NULL);
        }
    }

out:
    free(r.lat);
    port_close(tx_port);
    port_close(rx_port);
    rte_eal_cleanup();
    return ret;
}
