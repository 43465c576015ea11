/* gfp-ctl stats: gfp-fwd's counters from its control socket.
 *
 * gfp-fwd's drops are summed here and nowhere else: the reasons its ports
 * count (lib/stats.h QUEUE_COUNTERS) and those only their devices see
 * (lib/port.h struct port_dev_stats), each with whose fault it is. */
#include <config.h>

#include "ctl-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*             name, in the port's "device" object?, meaning */
#define FWD_DROPS(C)                                                    \
    C(drop_tx_full, false, "OVS did not empty the vhost ring fast "     \
      "enough: its PMD thread is overloaded or stalled")                \
    C(drop_no_mbuf, false, "gfp-fwd's mempool ran out of buffers")      \
    C(drop_too_big, false, "packets longer than the output port's MTU") \
    C(drop_runt, false, "frames shorter than an Ethernet header")       \
    C(rx_missed, true, "the receive ring overflowed: gfp-fwd's worker " \
      "did not poll fast enough")                                       \
    C(rx_errors, true, "the device dropped erroneous received packets") \
    C(tx_errors, true, "the device failed to transmit packets")

static const struct {
    const char *name;
    bool device;
    const char *meaning;
} fwd_drops[] = {
#define FWD_DROP_INFO(NAME, DEVICE, MEANING) { #NAME, DEVICE, MEANING },
    FWD_DROPS(FWD_DROP_INFO)
#undef FWD_DROP_INFO
};

void
ctl_stats_read_fwd(const struct ctl_stats_ctx *ctx,
                   struct ctl_stats_reading *r)
{
    const struct ctl_stats_args *args = ctx->args;
    json_t *msg;

    r->fwd = NULL;
    if (args->no_fwd) {
        return;
    }
    if (args->replay) {
        char err[OVS_ERR_LEN], *path, *text;
        json_error_t jerr;

        path = ctl_xasprintf("%s/fwd-stats.json", args->replay);
        text = ctl_stats_read_file(path, err);
        free(path);
        r->fwd = text ? json_loads(text, 0, &jerr) : NULL;
        free(text);
        if (!r->fwd) {
            snprintf(r->fwd_error, sizeof r->fwd_error, "no fwd-stats.json");
        }
        return;
    }
    msg = ctl_client_request(args->socket, "{\"command\":\"stats\"}",
                             args->timeout_ms, r->fwd_error);
    if (!msg) {
        return;
    }
    if (json_is_true(json_object_get(msg, "ok"))
        && json_is_object(json_object_get(msg, "result"))) {
        r->fwd = json_incref(json_object_get(msg, "result"));
    } else {
        json_t *e = json_object_get(msg, "error");

        snprintf(r->fwd_error, sizeof r->fwd_error, "%s",
                 json_is_string(e) ? json_string_value(e)
                                   : "malformed reply from gfp-fwd");
    }
    json_decref(msg);
}

uint64_t
ctl_stats_json_u64(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_integer(v) && json_integer_value(v) > 0
           ? (uint64_t) json_integer_value(v) : 0;
}

/* gfp-fwd's own list of its drop counters, "drop_reasons": [{"counter",
 * "in": "total" or "device", "meaning"}], if its reply has a well-formed
 * one; else NULL, and the list above stands in (an older gfp-fwd). */
static json_t *
fwd_reason_list(json_t *fwd)
{
    json_t *list = json_object_get(fwd, "drop_reasons"), *r;
    size_t i;

    if (!json_is_array(list) || !json_array_size(list)) {
        return NULL;
    }
    json_array_foreach (list, i, r) {
        const char *in = json_string_value(json_object_get(r, "in"));

        if (!json_is_string(json_object_get(r, "counter")) || !in
            || (strcmp(in, "total") && strcmp(in, "device"))) {
            return NULL;
        }
    }
    return list;
}

json_t *
ctl_stats_fwd_port_drops(json_t *fwd, json_t *port, uint64_t *total)
{
    json_t *drops = json_object(), *list = fwd_reason_list(fwd), *r;
    json_t *given = json_object_get(port, "drops");
    size_t i;

    *total = 0;
    json_array_foreach (list, i, r) {
        const char *name = json_string_value(json_object_get(r, "counter"));
        json_t *in = json_object_get(port, json_string_value(
                                         json_object_get(r, "in")));
        uint64_t n = ctl_stats_json_u64(in, name);

        json_object_set_new(drops, name, json_integer(n));
        *total += n;
    }
    for (i = 0; !list && i < ARRAY_SIZE(fwd_drops); i++) {
        uint64_t n = ctl_stats_json_u64(json_object_get(
                                            port, fwd_drops[i].device
                                                  ? "device" : "total"),
                                        fwd_drops[i].name);

        json_object_set_new(drops, fwd_drops[i].name, json_integer(n));
        *total += n;
    }
    /* Where gfp-fwd sums its drops itself, its sum is the one. */
    if (json_is_integer(given) && json_integer_value(given) >= 0) {
        *total = json_integer_value(given);
    }
    return drops;
}

const char *
ctl_stats_fwd_drop_meaning(json_t *fwd, const char *reason)
{
    json_t *r;
    size_t i;

    /* What the counter means on the path, where this file knows it. */
    for (i = 0; i < ARRAY_SIZE(fwd_drops); i++) {
        if (!strcmp(fwd_drops[i].name, reason)) {
            return fwd_drops[i].meaning;
        }
    }
    json_array_foreach (fwd_reason_list(fwd), i, r) {
        const char *meaning = json_string_value(json_object_get(r,
                                                                "meaning"));

        if (!strcmp(json_string_value(json_object_get(r, "counter")),
                    reason)) {
            return meaning ? meaning : "";
        }
    }
    return "";
}

static json_t *
fwd_port_find(const struct ctl_stats_reading *r, json_int_t id)
{
    json_t *ports = r && r->fwd ? json_object_get(r->fwd, "ports") : NULL;
    json_t *port;
    size_t i;

    json_array_foreach (ports, i, port) {
        if (json_integer_value(json_object_get(port, "id")) == id) {
            return port;
        }
    }
    return NULL;
}

static json_t *
fwd_port_rates(const struct ctl_stats_reading *r,
               const struct ctl_stats_reading *prev, json_t *port,
               json_t *old, double dt)
{
    json_t *t = json_object_get(port, "total");
    json_t *ot = json_object_get(old, "total");
    uint64_t drops, old_drops;

    json_decref(ctl_stats_fwd_port_drops(r->fwd, port, &drops));
    json_decref(ctl_stats_fwd_port_drops(prev->fwd, old, &old_drops));
    return json_pack(
        "{s:o, s:o, s:o}",
        "rx_packets", ctl_stats_json_real(ctl_stats_rate(
            ctl_stats_json_u64(t, "rx_packets"),
            ctl_stats_json_u64(ot, "rx_packets"), dt)),
        "tx_packets", ctl_stats_json_real(ctl_stats_rate(
            ctl_stats_json_u64(t, "tx_packets"),
            ctl_stats_json_u64(ot, "tx_packets"), dt)),
        "drops", ctl_stats_json_real(ctl_stats_rate(drops, old_drops, dt)));
}

/* Adds the integer members of 'from' named in 'keys' (NULL-terminated;
 * NULL: every member) into 'to'. */
static void
add_counters(json_t *to, json_t *from, const char *const *keys)
{
    const char *key;
    json_t *v;

    json_object_foreach (from, key, v) {
        bool wanted = !keys;

        for (size_t i = 0; keys && keys[i]; i++) {
            wanted |= !strcmp(keys[i], key);
        }
        if (wanted && json_is_integer(v)) {
            json_object_set_new(to, key, json_integer(
                json_integer_value(json_object_get(to, key))
                + json_integer_value(v)));
        }
    }
}

/* The ports, as the view shows them, and their totals. */
static json_t *
fwd_ports_json(const struct ctl_stats_reading *r,
               const struct ctl_stats_reading *prev, double dt,
               json_t *totals)
{
    static const char *const counted[] = {
        "rx_packets", "tx_packets", "busy_cycles", "dropped", NULL,
    };
    json_t *ports = json_array(), *port, *sum = json_object();
    size_t i;

    json_array_foreach (json_object_get(r->fwd, "ports"), i, port) {
        json_t *t = json_object_get(port, "total");
        json_t *old = fwd_port_find(prev, json_integer_value(
                                        json_object_get(port, "id")));
        uint64_t drops;
        json_t *o = json_pack(
            "{s:O?, s:O?, s:O?, s:I, s:I, s:I, s:o}",
            "id", json_object_get(port, "id"),
            "name", json_object_get(port, "name"),
            "driver", json_object_get(port, "driver"),
            "rx_packets", (json_int_t) ctl_stats_json_u64(t, "rx_packets"),
            "tx_packets", (json_int_t) ctl_stats_json_u64(t, "tx_packets"),
            "busy_cycles", (json_int_t) ctl_stats_json_u64(t, "busy_cycles"),
            "drops", ctl_stats_fwd_port_drops(r->fwd, port, &drops));

        json_object_set_new(o, "dropped", json_integer(drops));
        if (old) {
            json_object_set_new(o, "rates",
                                fwd_port_rates(r, prev, port, old, dt));
        }
        add_counters(totals, o, counted);
        add_counters(sum, json_object_get(o, "drops"), NULL);
        json_array_append_new(ports, o);
    }
    json_object_set_new(totals, "drops", sum);
    return ports;
}

json_t *
ctl_stats_fwd_json(const struct ctl_stats_ctx *ctx,
                   const struct ctl_stats_reading *r,
                   const struct ctl_stats_reading *prev, double dt)
{
    json_t *totals, *ports;

    if (ctx->args->no_fwd) {
        return json_null();
    } else if (!r->fwd) {
        return json_pack("{s:b, s:s, s:s}", "reachable", false,
                         "socket", ctx->args->socket, "error", r->fwd_error);
    }
    totals = json_pack("{s:i, s:i, s:i, s:i}", "rx_packets", 0,
                       "tx_packets", 0, "busy_cycles", 0, "dropped", 0);
    ports = fwd_ports_json(r, prev, dt, totals);
    return json_pack("{s:b, s:s, s:O?, s:O?, s:o, s:o}", "reachable", true,
                     "socket", ctx->args->socket,
                     "mode", json_object_get(r->fwd, "mode"),
                     "engine", json_object_get(r->fwd, "engine"),
                     "ports", ports, "totals", totals);
}
