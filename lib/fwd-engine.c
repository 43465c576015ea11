#include <config.h>
#include "fwd-engine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cycles.h"

extern const struct fwd_engine fwd_io_engine;
extern const struct fwd_engine fwd_macswap_engine;
extern const struct fwd_engine fwd_l2_engine;

static const struct fwd_engine *const engines[] = {
    &fwd_io_engine,
    &fwd_macswap_engine,
    &fwd_l2_engine,
};

const struct fwd_engine *
fwd_engine_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(engines); i++) {
        if (!strcmp(engines[i]->name, name)) {
            return engines[i];
        }
    }
    return NULL;
}

void
fwd_engine_names(char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < ARRAY_SIZE(engines) && len < size; i++) {
        len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                        engines[i]->name);
    }
}

const struct fwd_engine *const *
fwd_engine_list(size_t *n)
{
    *n = ARRAY_SIZE(engines);
    return engines;
}

/* Drops runts and frames too long for the output from 'b', counting them;
 * the rare path of fwd_batch_prepare(). */
static void
drop_bad(struct fwd_stream *s, struct pkt_batch *b)
{
    void *drop[GFP_BURST_MAX];
    uint16_t n_drop = 0, runts = 0, too_big = 0, keep = 0;

    for (uint16_t i = 0; i < b->n; i++) {
        uint32_t len = b->len[i];

        if (b->head_len[i] < GFP_ETH_HLEN) {
            runts++;
        } else if (len > s->max_len) {
            too_big++;
        } else {
            b->bufs[keep] = b->bufs[i];
            b->data[keep] = b->data[i];
            b->len[keep] = len;
            b->head_len[keep] = b->head_len[i];
            keep++;
            continue;
        }
        b->bytes -= len;
        drop[n_drop++] = b->bufs[i];
    }
    STATS_ADD(s->rx_stats, drop_runt, runts);
    STATS_ADD(s->tx_stats, drop_too_big, too_big);
    s->rx->free_bufs(drop, n_drop);
    b->n = keep;
}

/* The validation and engine part of fwd_stream_poll(), for a received
 * batch; returns the number of packets left in it. */
static uint16_t
fwd_batch_prepare(const struct fwd_engine *engine, struct fwd_stream *s,
                  struct pkt_batch *b)
{
    STATS_ADD(s->rx_stats, rx_packets, b->n);
    STATS_ADD(s->rx_stats, rx_bytes, b->bytes);
    STATS_ADD(s->rx_stats, rx_bursts, 1);
    if (__builtin_expect(b->bad, 0)) {
        drop_bad(s, b);
    }
    if (b->n) {
        engine->fwd(s, b);
    }
    return b->n;
}

/* Drops the first 'k' packets of 'b''s first 'n' from the batch. */
static void
batch_shift(struct pkt_batch *b, uint16_t k, uint16_t n)
{
    uint16_t left = n - k;

    memmove(b->bufs, b->bufs + k, left * sizeof b->bufs[0]);
    memmove(b->data, b->data + k, left * sizeof b->data[0]);
    memmove(b->len, b->len + k, left * sizeof b->len[0]);
    memmove(b->head_len, b->head_len + k, left * sizeof b->head_len[0]);
}

/* The transmit queue took 'sent' of 'b''s 'n' packets: tries again, up to
 * the stream's 'tx_retries' times, for the rest, then drops and counts
 * what is still left.  Counts what went. */
static void
tx_rest(struct fwd_stream *s, struct pkt_batch *b, uint16_t sent,
        uint16_t n)
{
    uint64_t bytes = 0;
    uint16_t total = sent, tries = 0;

    for (uint16_t i = 0; i < sent; i++) {
        bytes += b->len[i];
    }
    while (total < n && tries < s->tx_retries) {
        uint16_t k;

        batch_shift(b, sent, n - total + sent);
        k = s->tx->tx_burst(s->tx->q, b, n - total);
        for (uint16_t i = 0; i < k; i++) {
            bytes += b->len[i];
        }
        total += k;
        sent = k;
        tries++;
    }
    if (total < n) {
        /* What is left starts at 'sent' of the last try. */
        s->rx->free_bufs(&b->bufs[sent], n - total);
        STATS_ADD(s->tx_stats, drop_tx_full, n - total);
    }
    STATS_ADD(s->tx_stats, tx_retries, tries);
    STATS_ADD(s->tx_stats, tx_packets, total);
    STATS_ADD(s->tx_stats, tx_bytes, bytes);
}

uint16_t
fwd_stream_poll(const struct fwd_engine *engine, struct fwd_stream *s,
                struct pkt_batch *b, uint64_t *clock)
{
    uint64_t start = *clock;
    uint16_t n_rx, n, sent;

    b->max_len = s->max_len;
    n_rx = s->rx->rx_burst(s->rx->q, b, s->burst);
    if (!n_rx) {
        *clock = cycles_now();
        return 0;
    }
    n = fwd_batch_prepare(engine, s, b);
    sent = n ? s->tx->tx_burst(s->tx->q, b, n) : 0;
    if (__builtin_expect(sent < n, 0)) {
        tx_rest(s, b, sent, n);
    } else if (sent) {
        STATS_ADD(s->tx_stats, tx_packets, sent);
        STATS_ADD(s->tx_stats, tx_bytes, b->bytes);
    }
    *clock = cycles_now();
    STATS_ADD(s->rx_stats, busy_cycles, *clock - start);
    return n_rx;
}
