#include <config.h>
#include "dataplane.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cycles.h"
#include "dataplane-private.h"
#include "fwd-engine.h"
#include "idle.h"
#include "log.h"
#include "mode.h"
#include "numa-info.h"
#include "port-provider.h"
#include "stats.h"

LOG_MODULE(dataplane);

struct dp_worker {
    struct dp_mode_worker mw;       /* As the mode runs it. */
    const char *kind;               /* "lcore" or "thread", for logs. */
    bool launched;
    struct fwd_stream *streams;
    unsigned n_streams;
    const struct fwd_engine *engine;
    const atomic_bool *stop;
    /* reset-stats: the worker zeroes the counters of its streams between
     * two passes over them, when 'reset_req' differs from the last request
     * it served ('reset_done'), so that a reset never falls between the
     * receive and the transmit counts of one burst. */
    const atomic_uint *reset_req;
    atomic_uint reset_done;
    struct dp_idle idle;            /* --idle sleep or interrupt. */
};

static int
set_err(char err[CONFIG_ERR_LEN], int error, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(err, CONFIG_ERR_LEN, fmt, args);
    va_end(args);
    return error;
}

/* Zeroes the counters of 'w''s streams if a reset is asked for.  Only the
 * thread that writes the counters (the worker, or the caller once the
 * workers are joined) may call it. */
static void
worker_serve_reset(struct dp_worker *w)
{
    unsigned req = atomic_load_explicit(w->reset_req, memory_order_acquire);

    if (req != atomic_load_explicit(&w->reset_done, memory_order_relaxed)) {
        for (unsigned i = 0; i < w->n_streams; i++) {
            queue_stats_reset(w->streams[i].rx_stats);
            queue_stats_reset(w->streams[i].tx_stats);
        }
        atomic_store_explicit(&w->reset_done, req, memory_order_release);
    }
}

/* --idle poll. */
static int
worker_main(void *arg)
{
    struct dp_worker *w = arg;
    struct pkt_batch batch;
    uint64_t clock;

    LOG_INFO("worker on %s %u polls %u streams with engine %s", w->kind,
             w->mw.id, w->n_streams, w->engine->name);
    clock = cycles_now();
    while (!atomic_load_explicit(w->stop, memory_order_acquire)) {
        for (unsigned i = 0; i < w->n_streams; i++) {
            fwd_stream_poll(w->engine, &w->streams[i], &batch, &clock);
        }
        worker_serve_reset(w);
    }
    return 0;
}

/* One pass over 'w''s streams for an idle mode: how many packets it
 * received.  'woke': the pass follows a wait, and a queue that has frames
 * counts a wakeup. */
static unsigned
worker_pass(struct dp_worker *w, struct pkt_batch *batch, bool woke,
            uint64_t *clock)
{
    unsigned n = 0;

    for (unsigned i = 0; i < w->n_streams; i++) {
        uint16_t k = fwd_stream_poll(w->engine, &w->streams[i], batch,
                                     clock);

        if (k) {
            n += k;
            if (woke) {
                STATS_ADD(w->streams[i].rx_stats, idle_wakeups, 1);
            }
        }
    }
    return n;
}

/* --idle sleep and interrupt (see idle.h): the loop of worker_main(), and
 * after a pass that found nothing, a sleep or a wait. */
static int
worker_main_idle(void *arg)
{
    struct dp_worker *w = arg;
    struct dp_idle *idle = &w->idle;
    struct pkt_batch batch;
    bool woke = false;
    uint64_t clock;

    LOG_INFO("worker on %s %u polls %u streams with engine %s, idle %s",
             w->kind, w->mw.id, w->n_streams, w->engine->name,
             config_idle_name(idle->mode));
    dp_idle_thread_init(idle);
    clock = cycles_now();
    while (!atomic_load_explicit(w->stop, memory_order_acquire)) {
        unsigned n = worker_pass(w, &batch, woke, &clock);

        worker_serve_reset(w);
        woke = false;
        if (n) {
            dp_idle_busy(idle);
            continue;
        }
        if (dp_idle_arm(idle) && worker_pass(w, &batch, false, &clock)) {
            dp_idle_disarm(idle);
            continue;
        }
        if (atomic_load_explicit(w->stop, memory_order_acquire)) {
            dp_idle_disarm(idle);
            break;
        }
        for (unsigned i = 0; i < w->n_streams; i++) {
            STATS_ADD(w->streams[i].rx_stats, idle_waits, 1);
        }
        dp_idle_wait(idle);
        dp_idle_disarm(idle);
        /* The wait is not the next poll's work. */
        clock = cycles_now();
        woke = true;
    }
    return 0;
}

/* The configured pairs, or 0:1, 2:3, ... over every port. */
static int
resolve_pairs(const struct config *cfg, const struct dp_mode_class *class,
              uint16_t pairs[][2], unsigned *n, char err[CONFIG_ERR_LEN])
{
    unsigned avail = class->port_count(cfg);
    int error;

    if (cfg->n_pairs) {
        for (unsigned i = 0; i < cfg->n_pairs; i++) {
            for (int j = 0; j < 2; j++) {
                if (!class->port_exists(cfg, cfg->pairs[i][j])) {
                    return set_err(err, -EINVAL, "pairs names port %u, but "
                                   "%s %u ports", cfg->pairs[i][j],
                                   class->ports_from, avail);
                }
            }
            pairs[i][0] = cfg->pairs[i][0];
            pairs[i][1] = cfg->pairs[i][1];
        }
        *n = cfg->n_pairs;
        return 0;
    }
    error = config_check_mode(cfg, class->mode, err);
    if (error) {
        return error;
    }
    if (avail > CONFIG_MAX_PORTS) {
        /* The counters and pairs have room for CONFIG_MAX_PORTS ports; a
         * DPDK built with more ethdevs could probe more. */
        return set_err(err, -EINVAL, "%s %u %s: default pairing takes at "
                       "most %d (give --pairs)", class->ports_from, avail,
                       class->ports_noun, CONFIG_MAX_PORTS);
    }
    if (avail < 2 || avail % 2) {
        return set_err(err, -EINVAL, "%s %u %s: default pairing needs an "
                       "even number (%s)", class->ports_from, avail,
                       class->ports_noun, class->odd_ports_hint);
    }
    *n = 0;
    for (uint16_t pid = 0; *n < avail / 2; pid += 2) {
        pairs[*n][0] = pid;
        pairs[*n][1] = pid + 1;
        (*n)++;
    }
    return 0;
}

int
dataplane_check(const struct config *cfg, const struct dp_mode_class *class,
                char err[CONFIG_ERR_LEN])
{
    uint16_t pairs[CONFIG_MAX_PORTS][2];
    unsigned n = class->port_count(cfg);

    for (unsigned i = 0; class->port_check && i < n; i++) {
        int error = class->port_check(cfg, i, err);

        if (error) {
            return error;
        }
    }
    return resolve_pairs(cfg, class, pairs, &n, err);
}

static struct dp_port *
find_port(struct dataplane *dp, uint16_t id)
{
    for (unsigned i = 0; i < dp->n_ports; i++) {
        if (dp->ports[i].id == id) {
            return &dp->ports[i];
        }
    }
    return NULL;
}

static int
open_port(struct dataplane *dp, uint16_t id, char err[CONFIG_ERR_LEN])
{
    struct dp_port *p = &dp->ports[dp->n_ports];
    int error;

    error = dp->class->port_open(dp->cfg, id, &p->port, err);
    if (error) {
        return error;
    }
    dp->n_ports++;
    p->id = id;
    return 0;
}

static int
configure_port(struct dataplane *dp, struct dp_port *p,
               const struct port_conf *pc, char err[CONFIG_ERR_LEN])
{
    const struct config *cfg = dp->cfg;
    uint16_t id = p->id;
    int error, node;

    error = port_configure(p->port, pc);
    if (error) {
        return set_err(err, error, "port %u (%s): cannot configure it as "
                       "asked (see the log above)", id,
                       port_driver(p->port));
    }
    p->qstats = dp->counters->ports[id].qstats;
    if (port_get_mtu(p->port, &p->mtu)) {
        p->mtu = pc->mtu;
    }
    if (cfg->src_mac[id].set) {
        memcpy(p->mac, cfg->src_mac[id].mac, GFP_ETH_ALEN);
    } else if (port_get_mac(p->port, p->mac)) {
        memset(p->mac, 0, GFP_ETH_ALEN);
    }

    node = port_numa_node(p->port);
    for (unsigned i = 0; node >= 0 && i < dp->n_workers; i++) {
        const struct dp_worker *wk = &dp->workers[i];
        int cpu = dp->class->worker_cpu(wk->mw.id);
        int cpu_node = cpu >= 0 ? numa_info_cpu_node(cpu) : -1;

        if (cpu_node >= 0 && cpu_node != node) {
            LOG_WARN("port %u is on NUMA node %d but worker %s %u runs on "
                     "node %d: expect cross-node traffic", id, node,
                     wk->kind, wk->mw.id, cpu_node);
        }
    }
    return 0;
}

static void
init_stream(struct dataplane *dp, struct fwd_stream *s, struct dp_port *rx,
            struct dp_port *tx, unsigned q)
{
    const struct config *cfg = dp->cfg;

    memset(s, 0, sizeof *s);
    s->rx_port = rx->id;
    s->tx_port = tx->id;
    s->queue = q;
    s->rx_stats = &rx->qstats[q];
    s->tx_stats = &tx->qstats[q];
    s->burst = cfg->burst;
    s->tx_retries = cfg->tx_retries;
    /* The output MTU plus an Ethernet header and one VLAN tag: the one
     * configured, or the device's if lower (a kernel interface's), so
     * that what it cannot send is counted as too big here. */
    s->max_len = (tx->mtu < cfg->mtu ? tx->mtu : cfg->mtu) + GFP_ETH_HLEN + 4;
    s->dst_mac_set = cfg->peer_mac[tx->id].set;
    memcpy(s->l2_hdr, cfg->peer_mac[tx->id].mac, GFP_ETH_ALEN);
    memcpy(s->l2_hdr + GFP_ETH_ALEN, tx->mac, GFP_ETH_ALEN);
}

/* The workers, before the ports (whose NUMA check names them). */
static int
create_workers(struct dataplane *dp, char err[CONFIG_ERR_LEN])
{
    unsigned ids[128];

    dp->n_workers = dp->class->n_workers(dp->cfg);
    if (!dp->n_workers) {
        return set_err(err, -EINVAL, "%s", dp->class->no_worker_error);
    } else if (dp->n_workers > ARRAY_SIZE(ids)) {
        return set_err(err, -EINVAL, "%u worker %ss: at most %zu",
                       dp->n_workers, dp->class->worker_kind,
                       ARRAY_SIZE(ids));
    }
    dp->workers = calloc(dp->n_workers, sizeof *dp->workers);
    if (!dp->workers) {
        return -ENOMEM;
    }
    dp->class->worker_ids(ids, dp->n_workers);
    for (unsigned w = 0; w < dp->n_workers; w++) {
        struct dp_worker *wk = &dp->workers[w];

        wk->mw.id = ids[w];
        wk->mw.fn = dp->cfg->idle == CONFIG_IDLE_POLL ? worker_main
                                                      : worker_main_idle;
        wk->mw.arg = wk;
        wk->kind = dp->class->worker_kind;
        wk->engine = dp->engine;
        wk->stop = &dp->stop;
        wk->reset_req = &dp->reset_req;
        atomic_init(&wk->reset_done, 0);
        wk->idle.wake_fd = -1;
    }
    return 0;
}

static int
open_ports(struct dataplane *dp, uint16_t pairs[][2], unsigned n_pairs,
           char err[CONFIG_ERR_LEN])
{
    const struct config *cfg = dp->cfg;
    struct port_conf pc = {
        .queues = cfg->queues, .rxd = cfg->rxd, .txd = cfg->txd,
        .mtu = cfg->mtu, .mbuf_size = cfg->mbuf_size,
        .n_mbufs = cfg->n_mbufs, .burst = cfg->burst,
        .workers = dp->n_workers,
        .rx_intr = cfg->idle == CONFIG_IDLE_INTERRUPT,
        .rx_hold_us = cfg->xdp_rx_hold,
    };

    /* A pair's queue q goes to one worker (lay_out_streams()): its two
     * ports may share buffers. */
    for (unsigned i = 0; i < n_pairs; i++) {
        unsigned first = dp->n_ports;
        int error = open_port(dp, pairs[i][0], err);

        error = error ? error : open_port(dp, pairs[i][1], err);
        if (!error && !cfg->xdp_umem_per_port) {
            error = port_share(dp->ports[first].port,
                               dp->ports[first + 1].port);
            if (error == -EOPNOTSUPP) {
                error = 0;
            } else if (error) {
                return set_err(err, error, "ports %u and %u: cannot share "
                               "buffers: %s", pairs[i][0], pairs[i][1],
                               strerror(-error));
            }
        }
        for (int j = 0; !error && j < 2; j++) {
            error = configure_port(dp, &dp->ports[first + j], &pc, err);
        }
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Streams go to workers queue by queue, so with as many workers as queues
 * each worker serves one queue of every port. */
static int
lay_out_streams(struct dataplane *dp, uint16_t pairs[][2], unsigned n_pairs)
{
    unsigned idx = 0;

    dp->n_streams = n_pairs * 2 * dp->cfg->queues;
    dp->streams = aligned_alloc(64, dp->n_streams * sizeof *dp->streams);
    if (!dp->streams) {
        return -ENOMEM;
    }
    for (unsigned w = 0; w < dp->n_workers; w++) {
        struct dp_worker *wk = &dp->workers[w];

        wk->streams = &dp->streams[idx];
        for (unsigned q = w; q < dp->cfg->queues; q += dp->n_workers) {
            for (unsigned i = 0; i < n_pairs; i++) {
                struct dp_port *a = find_port(dp, pairs[i][0]);
                struct dp_port *b = find_port(dp, pairs[i][1]);

                init_stream(dp, &dp->streams[idx++], a, b, q);
                init_stream(dp, &dp->streams[idx++], b, a, q);
                wk->n_streams += 2;
            }
        }
        if (!wk->n_streams) {
            LOG_WARN("worker %s %u has no queue to poll and stays idle: use "
                     "--queues %u or fewer workers", wk->kind, wk->mw.id,
                     dp->n_workers);
        }
    }
    return 0;
}

static int
init_idle(struct dataplane *dp, char err[CONFIG_ERR_LEN])
{
    for (unsigned w = 0; w < dp->n_workers; w++) {
        struct dp_worker *wk = &dp->workers[w];
        int error = dp_idle_init(&wk->idle, dp->cfg, wk->n_streams);

        if (error) {
            return set_err(err, error, "cannot set up --idle %s: %s",
                           config_idle_name(dp->cfg->idle),
                           strerror(-error));
        }
    }
    return 0;
}

/* --idle interrupt: each worker's receive queues' wait fds, which exist
 * once the ports run. */
static int
start_idle(struct dataplane *dp)
{
    for (unsigned w = 0; w < dp->n_workers; w++) {
        struct dp_worker *wk = &dp->workers[w];

        dp_idle_clear_queues(&wk->idle);
        for (unsigned i = 0; i < wk->n_streams; i++) {
            const struct fwd_stream *s = &wk->streams[i];
            const struct dp_port *p = find_port(dp, s->rx_port);
            int error = dp_idle_add_queue(&wk->idle, p->port, p->id,
                                          s->queue, s->rx);

            if (error) {
                return error;
            }
        }
    }
    return 0;
}

/* Ends the sleeps and waits of idle workers. */
static void
wake_workers(struct dataplane *dp)
{
    for (unsigned w = 0; dp->workers && w < dp->n_workers; w++) {
        dp_idle_wake(&dp->workers[w].idle);
    }
}

/* What the MAC overrides and the engine need of the ports. */
static int
check_streams(struct dataplane *dp, char err[CONFIG_ERR_LEN])
{
    const struct config *cfg = dp->cfg;

    for (unsigned p = 0; p < CONFIG_MAX_PORTS; p++) {
        if ((cfg->src_mac[p].set || cfg->peer_mac[p].set)
            && !find_port(dp, p)) {
            return set_err(err, -EINVAL, "a MAC address is set for port %u, "
                           "which no pair uses", p);
        }
    }
    for (unsigned i = 0; i < dp->n_streams; i++) {
        if (dp->engine->init && dp->engine->init(&dp->streams[i])) {
            return set_err(err, -EINVAL, "engine %s needs --peer-mac for "
                           "port %u", dp->engine->name,
                           dp->streams[i].tx_port);
        }
    }
    return 0;
}

int
dataplane_create(const struct config *cfg, const struct dp_mode_class *class,
                 struct dp_counters *counters, struct dataplane **dpp,
                 char err[CONFIG_ERR_LEN])
{
    uint16_t pairs[CONFIG_MAX_PORTS][2];
    struct dataplane *dp;
    unsigned n_pairs = 0;
    int error;

    *dpp = NULL;
    dp = calloc(1, sizeof *dp);
    if (!dp) {
        return -ENOMEM;
    }
    dp->cfg = cfg;
    dp->class = class;
    dp->counters = counters;
    dp->engine = fwd_engine_find(cfg->engine);
    atomic_init(&dp->stop, false);
    atomic_init(&dp->reset_req, 0);

    error = create_workers(dp, err);
    error = error ? error : resolve_pairs(cfg, class, pairs, &n_pairs, err);
    error = error ? error : open_ports(dp, pairs, n_pairs, err);
    error = error ? error : lay_out_streams(dp, pairs, n_pairs);
    error = error ? error : check_streams(dp, err);
    error = error ? error : init_idle(dp, err);
    if (error) {
        dataplane_destroy(dp);
        return error;
    }
    *dpp = dp;
    return 0;
}

/* Stops and joins the workers launched so far. */
static void
join_workers(struct dataplane *dp)
{
    atomic_store_explicit(&dp->stop, true, memory_order_release);
    wake_workers(dp);
    for (unsigned w = 0; w < dp->n_workers; w++) {
        struct dp_worker *wk = &dp->workers[w];

        if (wk->launched) {
            dp->class->join(&wk->mw);
            wk->launched = false;
        }
    }
}

/* On failure, what was started is stopped again: the data plane is as
 * dataplane_create() left it. */
int
dataplane_start(struct dataplane *dp)
{
    unsigned started;
    int error;

    for (started = 0; started < dp->n_ports; started++) {
        struct dp_port *p = &dp->ports[started];

        error = port_start(p->port);
        if (error) {
            LOG_ERR("port %u (%s): cannot start: %s", p->id,
                    port_name(p->port), strerror(-error));
            goto stop_ports;
        }
    }
    /* Queue handles exist only once the port runs. */
    for (unsigned i = 0; i < dp->n_streams; i++) {
        struct fwd_stream *s = &dp->streams[i];

        s->rx = port_queue(find_port(dp, s->rx_port)->port, s->queue);
        s->tx = port_queue(find_port(dp, s->tx_port)->port, s->queue);
    }
    error = start_idle(dp);
    if (error) {
        goto stop_ports;
    }
    atomic_store_explicit(&dp->stop, false, memory_order_release);
    if (!dp->counters->started) {
        dp->counters->started = true;
        dp->counters->start_cycles = dp->counters->last_cycles = cycles_now();
    }
    for (unsigned w = 0; w < dp->n_workers; w++) {
        struct dp_worker *wk = &dp->workers[w];

        if (!wk->n_streams) {
            continue;           /* Warned about at creation. */
        }
        error = dp->class->launch(&wk->mw, &dp->counters->cpus);
        if (error) {
            LOG_ERR("cannot launch worker %u: %s", wk->mw.id,
                    strerror(-error));
            goto stop_workers;
        }
        wk->launched = true;
    }
    dp->running = true;
    return 0;

stop_workers:
    join_workers(dp);
stop_ports:
    while (started--) {
        port_stop(dp->ports[started].port);
    }
    return error;
}

/* Forwards what the stopped workers left in the ports.  '*intake_end' is
 * when the ports stopped taking frames in: when they were quiesced, or
 * else the last poll. */
static uint64_t
drain(struct dataplane *dp, unsigned max_ms, uint64_t *intake_end)
{
    uint64_t hz = cycles_hz(), start = cycles_now(), quiet_since = start;
    /* A PacketMMAP block the kernel has not retired yet shows its frames
     * within its retire timeout (1 ms): quiet for 3 ms means empty. */
    uint64_t quiet = hz / 1000 * 3, deadline = start + hz / 1000 * max_ms;
    bool exact = true;
    uint64_t n = 0;

    for (unsigned i = 0; i < dp->n_ports; i++) {
        exact &= !port_rx_quiesce(dp->ports[i].port);
    }
    *intake_end = cycles_now();
    /* 'now' moves with the polls: a dataplane has at least one pair, two
     * streams. */
    for (uint64_t now = cycles_now();;) {
        struct pkt_batch batch;
        uint64_t round = 0;

        for (unsigned i = 0; i < dp->n_streams; i++) {
            round += fwd_stream_poll(dp->engine, &dp->streams[i], &batch,
                                     &now);
        }
        n += round;
        if (!exact) {
            *intake_end = now;
        }
        if (round) {
            quiet_since = now;
        } else if (now - quiet_since >= quiet) {
            break;
        }
        if (!exact && now >= deadline) {
            break;
        }
    }
    LOG_INFO("drained %"PRIu64" packets in %.1f ms%s", n,
             (double) (cycles_now() - start) * 1000 / hz,
             exact ? "" : " (some devices cannot stop taking in frames: "
                          "what came after is not counted)");
    return n;
}

uint64_t
dataplane_stop(struct dataplane *dp, bool drain_ports, unsigned drain_ms,
               uint64_t *intake_end)
{
    uint64_t drained = 0, end = cycles_now();

    join_workers(dp);
    /* The workers are gone (joined): this thread is the counters' only
     * writer now, and serves the resets they had no time to. */
    for (unsigned w = 0; w < dp->n_workers; w++) {
        worker_serve_reset(&dp->workers[w]);
    }
    if (drain_ports && dp->running) {
        drained = drain(dp, drain_ms, &end);
    }
    for (unsigned i = 0; i < dp->n_ports; i++) {
        port_stop(dp->ports[i].port);
    }
    dp->running = false;
    if (intake_end) {
        *intake_end = end;
    }
    return drained;
}

void
dataplane_park(struct dataplane *dp)
{
    /* The device's own drops are not seen while it is parked or once it is
     * closed: keep what it counted so far. */
    for (unsigned i = 0; i < dp->n_ports; i++) {
        struct dp_port *p = &dp->ports[i];
        struct port_dev_stats ds;

        if (!port_get_dev_stats(p->port, &ds)) {
            dp->counters->ports[p->id].closed_nombuf
                += ds.rx_nombuf - p->nombuf_folded;
            p->nombuf_folded = ds.rx_nombuf;
        }
    }
}

enum gfp_mode
dataplane_mode(const struct dataplane *dp)
{
    return dp->class->mode;
}

void
dataplane_destroy(struct dataplane *dp)
{
    if (!dp) {
        return;
    }
    if (dp->running) {
        dataplane_stop(dp, false, 0, NULL);
    }
    dataplane_park(dp);
    for (unsigned i = 0; i < dp->n_ports; i++) {
        port_close(dp->ports[i].port);
    }
    free(dp->streams);
    for (unsigned w = 0; dp->workers && w < dp->n_workers; w++) {
        dp_idle_destroy(&dp->workers[w].idle);
    }
    free(dp->workers);
    free(dp);
}
void
dataplane_reset_stats(struct dataplane *dp)
{
    unsigned req = atomic_fetch_add(&dp->reset_req, 1) + 1;
    struct timespec nap = { 0, 20 * 1000 };

    wake_workers(dp);

    /* The queue counters: each worker zeroes its own between bursts, and
     * this waits until all have (they poll without pause, so within a
     * burst's time, or were just woken).  Stopped ones are served here. */
    for (unsigned w = 0; w < dp->n_workers; w++) {
        struct dp_worker *wk = &dp->workers[w];

        if (!wk->launched) {
            worker_serve_reset(wk);
            continue;
        }
        for (unsigned waited = 0;
             atomic_load_explicit(&wk->reset_done, memory_order_acquire)
             != req; waited++) {
            if (waited == 250000) {
                LOG_ERR("worker %s %u has not reset its counters after "
                        "5 s: it will when it gets there", wk->kind,
                        wk->mw.id);
                break;
            }
            nanosleep(&nap, NULL);
        }
    }
    /* The device's own drops cannot be zeroed: a baseline. */
    for (unsigned i = 0; i < dp->n_ports; i++) {
        const struct dp_port *p = &dp->ports[i];
        struct dp_port_counters *pc = &dp->counters->ports[p->id];
        struct port_dev_stats ds;

        pc->base_nombuf = pc->closed_nombuf;
        if (!port_get_dev_stats(p->port, &ds)) {
            pc->base_nombuf += ds.rx_nombuf - p->nombuf_folded;
        }
        memset(&pc->last, 0, sizeof pc->last);
    }
    dp->counters->start_cycles = dp->counters->last_cycles = cycles_now();
}
