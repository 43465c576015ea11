#include <config.h>
#include "stats.h"

#include <string.h>

void
queue_stats_read(const struct queue_stats *s, struct queue_stats *out)
{
#define READ_ONE(NAME, DESC) \
    out->NAME = __atomic_load_n(&s->NAME, __ATOMIC_RELAXED);
    QUEUE_COUNTERS(READ_ONE)
#undef READ_ONE
}

void
queue_stats_add(struct queue_stats *sum, const struct queue_stats *s)
{
#define ADD_ONE(NAME, DESC) sum->NAME += s->NAME;
    QUEUE_COUNTERS(ADD_ONE)
#undef ADD_ONE
}

void
queue_stats_sub(struct queue_stats *s, const struct queue_stats *base)
{
#define SUB_ONE(NAME, DESC) s->NAME -= base->NAME;
    QUEUE_COUNTERS(SUB_ONE)
#undef SUB_ONE
}

void
queue_stats_reset(struct queue_stats *s)
{
#define RESET_ONE(NAME, DESC) __atomic_store_n(&s->NAME, 0, __ATOMIC_RELAXED);
    QUEUE_COUNTERS(RESET_ONE)
#undef RESET_ONE
}

uint64_t
queue_stats_drops(const struct queue_stats *s)
{
    return s->drop_tx_full + s->drop_no_mbuf + s->drop_too_big
           + s->drop_runt;
}

double
queue_stats_cycles_per_packet(const struct queue_stats *s)
{
    return s->rx_packets ? (double) s->busy_cycles / s->rx_packets : 0.0;
}

json_t *
queue_stats_to_json(const struct queue_stats *s)
{
    json_t *obj = json_object();

#define JSON_ONE(NAME, DESC) \
    json_object_set_new(obj, #NAME, json_integer(s->NAME));
    QUEUE_COUNTERS(JSON_ONE)
#undef JSON_ONE
    json_object_set_new(obj, "cycles_per_packet",
                        json_real(queue_stats_cycles_per_packet(s)));
    return obj;
}
