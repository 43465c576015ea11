/* gfp-test tpacket-lend: lib/tpacket.c's lending, on a veth pair. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gfp-test.h"
#include "tpacket.h"
#include "util.h"

#define LEND_BLOCKS 4
#define LEND_MAX 256

static unsigned n_on_free;

static void
count_free(void *aux)
{
    unsigned *n = aux;

    (*n)++;
}

static void
sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* Sends 'n' 64-byte frames numbered from '*seq' (in their last 4 bytes)
 * and waits for the receive block to retire. */
static unsigned
send_frames(struct tpacket *tx, unsigned n, uint32_t *seq)
{
    static uint8_t frames[64][64];
    struct tpacket_pkt out[64];
    unsigned sent = 0;

    while (sent < n) {
        unsigned k = n - sent < 64 ? n - sent : 64, q;

        for (unsigned i = 0; i < k; i++) {
            memset(frames[i], 0xff, 6);
            memset(frames[i] + 6, 0x02, 6);
            frames[i][12] = 0x88;
            frames[i][13] = 0xb5;       /* Local experimental. */
            memset(frames[i] + 14, 0, 46);
            memcpy(frames[i] + 60, seq, 4);
            (*seq)++;
            out[i].data = frames[i];
            out[i].len = 64;
        }
        q = tpacket_tx_burst(tx, out, k);
        sent += q;
        if (q < k) {
            *seq -= k - q;
            sleep_ms(1);
        }
    }
    sleep_ms(30);
    return sent;
}

struct lend_state {
    struct tpacket_pkt held[LEND_MAX];
    unsigned n_held;
    uint32_t next_seq;          /* The sequence number expected next. */
    unsigned got, in_order, short_headroom;
};

/* Receives what the ring has, holding every frame, and checks each one's
 * sequence number and headroom. */
static unsigned
receive_hold(struct tpacket *rx, struct lend_state *s, unsigned headroom)
{
    struct tpacket_pkt in[64];
    unsigned n, total = 0;

    while ((n = tpacket_rx_burst(rx, in, 64)) > 0) {
        for (unsigned i = 0; i < n; i++) {
            uint32_t seq;

            memcpy(&seq, in[i].data + 60, 4);
            s->in_order += seq == s->next_seq;
            s->next_seq = seq + 1;
            s->short_headroom += in[i].headroom < headroom;
            tpacket_rx_hold(rx, in[i].block);
            if (s->n_held < LEND_MAX) {
                s->held[s->n_held++] = in[i];
            }
        }
        tpacket_rx_done(rx);
        s->got += n;
        total += n;
    }
    return total;
}

/* Gives back the held frames of block 'block'; returns how many. */
static unsigned
unhold_block(struct tpacket *rx, struct lend_state *s, uint32_t block)
{
    unsigned n = 0, k = 0;

    for (unsigned i = 0; i < s->n_held; i++) {
        if (s->held[i].block == block) {
            tpacket_rx_unhold(rx, block);
            n++;
        } else {
            s->held[k++] = s->held[i];
        }
    }
    s->n_held = k;
    return n;
}

/* tpacket-lend TX-IF RX-IF: a receive ring of 4 blocks whose frames are
 * all held: the walker stops at held blocks (a block it walked is not
 * walked again), the kernel drops and counts what finds no block, a block
 * given back is filled again, and closing with frames held frees the ring
 * at the last of them. */
int
test_tpacket_lend(int argc, char *argv[])
{
    struct tpacket_counters ts, rs;
    struct tpacket_conf txc = { .mtu = 1500, .fanout_group = -1,
                                .rx_counters = &ts.rx,
                                .tx_counters = &ts.tx };
    struct tpacket_conf rxc = { .mtu = 1500, .fanout_group = -1,
                                .rx_blocks = LEND_BLOCKS, .rx_lend = true,
                                .rx_headroom = 128, .retire_tov_ms = 2,
                                .on_free = count_free, .aux = &n_on_free,
                                .rx_counters = &rs.rx,
                                .tx_counters = &rs.tx };
    static struct lend_state s;
    struct tpacket *tx, *rx;
    uint32_t seq = 0;
    unsigned sent = 0, again, got, in_order;
    uint64_t drops;

    if (argc != 2) {
        fprintf(stderr, "tpacket-lend TX-IF RX-IF\n");
        return 2;
    }
    memset(&ts, 0, sizeof ts);
    memset(&rs, 0, sizeof rs);
    if (test_open_rings(&txc, argv[0], &tx, &rxc, argv[1], &rx)) {
        return 1;
    }

    /* A retired block or more per round, each frame held: four rounds
     * hold the whole ring (a round's frames may straddle a retirement,
     * so the last rounds may find no block: the kernel drops those). */
    for (unsigned r = 0; r < LEND_BLOCKS; r++) {
        sent += send_frames(tx, 10, &seq);
        receive_hold(rx, &s, 128);
    }
    tpacket_read_kstats(rx, &rs.kernel);
    printf("held: blocks=%u all_in_order=%s short_headroom=%u "
           "exact=%s\n", tpacket_rx_held(rx),
           s.in_order == s.got && s.got == s.n_held ? "yes" : "no",
           s.short_headroom, s.got + rs.kernel.drops == sent ? "yes" : "no");

    /* No block for the kernel: it drops these, and the walker finds
     * nothing (the held blocks still read "user"). */
    drops = rs.kernel.drops;
    sent += send_frames(tx, 10, &seq);
    again = receive_hold(rx, &s, 128);
    tpacket_read_kstats(rx, &rs.kernel);
    printf("ring held: received=%u kernel_drops=+%"PRIu64"\n", again,
           rs.kernel.drops - drops);

    /* Block 0 given back: the kernel fills it, the walker takes it. */
    again = unhold_block(rx, &s, 0);
    printf("unheld block 0: %s frames, blocks held %u\n",
           again ? "its" : "no", tpacket_rx_held(rx));
    s.next_seq = seq;
    got = s.got;
    in_order = s.in_order;
    sent += send_frames(tx, 10, &seq);
    again = receive_hold(rx, &s, 128);
    tpacket_read_kstats(rx, &rs.kernel);
    printf("after: received=%u in_order=%u blocks held %u, exact=%s\n",
           again, s.in_order - in_order, tpacket_rx_held(rx),
           s.got + rs.kernel.drops == sent && s.got == got + again
           ? "yes" : "no");

    /* Closed with frames held: the ring goes with the last of them. */
    tpacket_close(rx);
    printf("closed: on_free=%u\n", n_on_free);
    for (uint32_t b = 0; b < LEND_BLOCKS; b++) {
        unhold_block(rx, &s, b);
        if (b + 1 < LEND_BLOCKS) {
            printf("block %u back: on_free=%u\n", b, n_on_free);
        }
    }
    printf("all back: on_free=%u\n", n_on_free);
    tpacket_close(tx);
    return 0;
}
