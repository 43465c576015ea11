/* gfp-test stats, stats-drops: the counter lists, their sums and dumps. */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp-test.h"
#include "port.h"
#include "stats.h"
#include "tpacket.h"

/* stats: adds known values and prints the JSON dump. */
int
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
int
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
