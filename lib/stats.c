#include <config.h>
#include "stats.h"

#include <string.h>

#include "port.h"
#include "util.h"

static const struct counter_desc queue_counter_descs[] = {
#define DESC_ONE(NAME, KIND, MEANING) \
    { #NAME, KIND, MEANING, offsetof(struct queue_stats, NAME) },
    QUEUE_COUNTERS(DESC_ONE)
#undef DESC_ONE
};

void
queue_stats_read(const struct queue_stats *s, struct queue_stats *out)
{
#define READ_ONE(NAME, KIND, MEANING) out->NAME = counter_get(&s->NAME);
    QUEUE_COUNTERS(READ_ONE)
#undef READ_ONE
}

void
queue_stats_add(struct queue_stats *sum, const struct queue_stats *s)
{
#define ADD_ONE(NAME, KIND, MEANING) sum->NAME += s->NAME;
    QUEUE_COUNTERS(ADD_ONE)
#undef ADD_ONE
}

void
queue_stats_sub(struct queue_stats *s, const struct queue_stats *base)
{
#define SUB_ONE(NAME, KIND, MEANING) s->NAME -= base->NAME;
    QUEUE_COUNTERS(SUB_ONE)
#undef SUB_ONE
}

void
queue_stats_reset(struct queue_stats *s)
{
#define RESET_ONE(NAME, KIND, MEANING) \
    __atomic_store_n(&s->NAME, 0, __ATOMIC_RELAXED);
    QUEUE_COUNTERS(RESET_ONE)
#undef RESET_ONE
}

uint64_t
queue_stats_drops(const struct queue_stats *s)
{
    uint64_t drops = 0;

#define DROP_ONE(NAME, KIND, MEANING) \
    drops += KIND == COUNTER_DROP ? s->NAME : 0;
    QUEUE_COUNTERS(DROP_ONE)
#undef DROP_ONE
    return drops;
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

#define JSON_ONE(NAME, KIND, MEANING) \
    json_object_set_new(obj, #NAME, json_integer(s->NAME));
    QUEUE_COUNTERS(JSON_ONE)
#undef JSON_ONE
    json_object_set_new(obj, "cycles_per_packet",
                        json_real(queue_stats_cycles_per_packet(s)));
    json_object_set_new(obj, "drops",
                        json_integer(queue_stats_drops(s)));
    return obj;
}

uint64_t
stats_port_json(json_t *port, const struct queue_stats *sum,
                const struct port_dev_stats *ds)
{
    uint64_t drops = queue_stats_drops(sum);

    json_object_set_new(port, "total", queue_stats_to_json(sum));
    if (ds) {
        json_object_set_new(port, "device", port_dev_stats_to_json(ds));
        drops += port_dev_stats_drops(ds);
    }
    json_object_set_new(port, "drops", json_integer(drops));
    return drops;
}

static void
add_drop_reasons(json_t *reasons, const char *in,
                 const struct counter_desc *descs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (descs[i].kind == COUNTER_DROP) {
            json_array_append_new(reasons, json_pack(
                "{s:s, s:s, s:s}", "counter", descs[i].name, "in", in,
                "meaning", descs[i].meaning));
        }
    }
}

void
stats_root_json(json_t *root, const struct queue_stats *all, uint64_t drops)
{
    json_t *reasons = json_array();
    size_t n_dev;
    const struct counter_desc *dev = port_dev_stats_descs(&n_dev);

    add_drop_reasons(reasons, "total", queue_counter_descs,
                     ARRAY_SIZE(queue_counter_descs));
    add_drop_reasons(reasons, "device", dev, n_dev);
    json_object_set_new(root, "total", queue_stats_to_json(all));
    json_object_set_new(root, "drops", json_integer(drops));
    json_object_set_new(root, "drop_reasons", reasons);
}
