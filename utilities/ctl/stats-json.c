/* gfp-ctl stats: the view as one JSON object, what tools read.
 *
 * Keys (Documentation/topics/stats.rst): source, interfaces, pmds, fwd,
 * drops, verdict; then ovs, netns and hops.  A counter a source does not
 * know is null, never 0. */
#include <config.h>

#include "ctl-stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *
ctl_stats_json_counter(uint64_t v)
{
    return v == OVS_NO_VALUE ? json_null() : json_integer(v);
}

json_t *
ctl_stats_json_real(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

uint64_t
ctl_stats_known(uint64_t v)
{
    return v == OVS_NO_VALUE ? 0 : v;
}

double
ctl_stats_rate(uint64_t cur, uint64_t prev, double dt)
{
    if (cur == OVS_NO_VALUE || prev == OVS_NO_VALUE || cur < prev
        || dt <= 0) {
        return NAN;
    }
    return (cur - prev) / dt;
}

static const struct ctl_stats_iface *
find_iface(const struct ctl_stats_reading *r, const char *name)
{
    for (size_t i = 0; r && i < r->n_ifaces; i++) {
        if (!strcmp(r->ifaces[i].name, name)) {
            return &r->ifaces[i];
        }
    }
    return NULL;
}

static json_t *
iface_rates(const struct ctl_stats_iface *iface,
            const struct ctl_stats_iface *old, double dt)
{
    return json_pack(
        "{s:o, s:o, s:o}",
        "rx_packets", ctl_stats_json_real(ctl_stats_rate(
            iface->rx_packets, old->rx_packets, dt)),
        "tx_packets", ctl_stats_json_real(ctl_stats_rate(
            iface->tx_packets, old->tx_packets, dt)),
        "drops", ctl_stats_json_real(ctl_stats_rate(
            ctl_stats_iface_drops(iface), ctl_stats_iface_drops(old), dt)));
}

static json_t *
iface_json(const struct ctl_stats_iface *iface,
           const struct ctl_stats_iface *old, double dt)
{
    json_t *o = json_object();

    json_object_set_new(o, "bridge", json_string(iface->bridge));
    json_object_set_new(o, "type", json_string(iface->type));
    json_object_set_new(o, "ofport", iface->ofport >= 0
                        ? json_integer(iface->ofport) : json_null());
    json_object_set_new(o, "link_state", json_string(iface->link_state));
#define IFACE_JSON(NAME, KEY, RX)                                       \
    json_object_set_new(o, #NAME, ctl_stats_json_counter(iface->NAME));
    OVS_PORT_COUNTERS(IFACE_JSON);
#undef IFACE_JSON
    for (int k = 0; k < N_SW_COUNTERS; k++) {
        json_object_set_new(o, ctl_stats_sw_counters[k].name,
                            ctl_stats_json_counter(iface->sw[k]));
    }
    json_object_set_new(o, "drops",
                        json_integer(ctl_stats_iface_drops(iface)));
    if (old) {
        json_object_set_new(o, "rates", iface_rates(iface, old, dt));
    }
    return o;
}

static json_t *
pmd_json(const struct ovs_pmd *p)
{
    json_t *o = json_object();

    json_object_set_new(o, "thread", json_string(p->name));
    json_object_set_new(o, "numa_id", p->numa_id >= 0
                        ? json_integer(p->numa_id) : json_null());
    json_object_set_new(o, "core_id", p->core_id >= 0
                        ? json_integer(p->core_id) : json_null());
#define PMD_JSON(NAME)                                                  \
    json_object_set_new(o, #NAME, ctl_stats_json_counter(p->NAME));
    OVS_PMD_COUNTERS(PMD_JSON)
#undef PMD_JSON
#define PMD_JSON(NAME)                                                  \
    json_object_set_new(o, #NAME, ctl_stats_json_real(p->NAME));
    OVS_PMD_REALS(PMD_JSON)
#undef PMD_JSON
    return o;
}

/* The PMD threads (not the main thread) summed: processing cycles per
 * packet weighted by the packets each thread received. */
static json_t *
pmd_totals_json(const struct ovs_pmds *pmds)
{
    uint64_t rx = 0, tx = 0, busy = 0, idle = 0;

    for (size_t i = 0; i < pmds->n; i++) {
        const struct ovs_pmd *p = &pmds->pmds[i];

        if (strncmp(p->name, "pmd thread", 10)) {
            continue;
        }
        rx += ctl_stats_known(p->rx_packets);
        tx += ctl_stats_known(p->tx_packets);
        busy += ctl_stats_known(p->busy_cycles);
        idle += ctl_stats_known(p->idle_cycles);
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:o}", "rx_packets",
                     (json_int_t) rx, "tx_packets", (json_int_t) tx,
                     "busy_cycles", (json_int_t) busy,
                     "idle_cycles", (json_int_t) idle, "cycles_per_packet",
                     rx ? json_real((double) busy / rx) : json_null());
}

static json_t *
ovs_json(const struct ctl_stats_ctx *ctx, const struct ctl_stats_reading *r)
{
    json_t *ofports;

    if (!r->have_ovs) {
        return json_null();
    }
    ofports = json_object();
    for (size_t i = 0; i < r->n_ifaces; i++) {
        if (r->ifaces[i].ofport >= 0) {
            char num[24];

            snprintf(num, sizeof num, "%lld", r->ifaces[i].ofport);
            json_object_set_new(ofports, num,
                                json_string(r->ifaces[i].name));
        }
    }
    return json_pack("{s:s, s:i, s:o, s:o, s:b}", "source", ctx->source,
                     "sw_counters_refresh_s", CTL_STATS_OVS_REFRESH_S,
                     "ofports", ofports, "pmd_totals",
                     pmd_totals_json(&r->pmds), "pmd_cleared",
                     r->pmd_cleared);
}

static json_t *
netns_json(const struct ctl_stats_args *args,
           const struct ctl_stats_reading *r)
{
    json_t *all = json_object();

    for (size_t i = 0; r->netns && i < args->n_netns; i++) {
        json_t *ns = json_object();

        for (size_t j = 0; j < r->netns[i].n; j++) {
            const struct ctl_stats_link *link = &r->netns[i].links[j];
            json_t *o = json_object();

#define LINK_JSON(NAME, DIR, KEY, DROP)                                 \
            json_object_set_new(o, #NAME, json_integer(link->NAME));
            CTL_STATS_LINK_COUNTERS(LINK_JSON)
#undef LINK_JSON
            json_object_set_new(o, "drops",
                                json_integer(ctl_stats_link_drops(link)));
            json_object_set_new(ns, link->name, o);
        }
        json_object_set_new(all, args->netns[i].name, ns);
    }
    return all;
}

json_t *
ctl_stats_view(const struct ctl_stats_ctx *ctx,
               const struct ctl_stats_reading *r,
               const struct ctl_stats_reading *prev)
{
    json_t *view = json_object(), *ifaces = json_object();
    json_t *pmds = json_array(), *hops, *drops;
    double dt = prev ? r->time - prev->time : 0;
    char *v;

    json_object_set_new(view, "source", r->have_ovs
                        ? json_string(ctx->source) : json_null());
    for (size_t i = 0; i < r->n_ifaces; i++) {
        const struct ctl_stats_iface *iface = &r->ifaces[i];

        json_object_set_new(ifaces, iface->name, iface_json(
                                iface, find_iface(prev, iface->name), dt));
    }
    json_object_set_new(view, "interfaces", ifaces);
    for (size_t i = 0; i < r->pmds.n; i++) {
        json_array_append_new(pmds, pmd_json(&r->pmds.pmds[i]));
    }
    json_object_set_new(view, "pmds", pmds);
    json_object_set_new(view, "fwd", ctl_stats_fwd_json(ctx, r, prev, dt));

    ctl_stats_hops(ctx->args, r, &hops, &drops);
    v = ctl_stats_verdict(drops);
    json_object_set_new(view, "drops", drops);
    json_object_set_new(view, "verdict", json_string(v));
    free(v);
    json_object_set_new(view, "ovs", ovs_json(ctx, r));
    json_object_set_new(view, "netns", netns_json(ctx->args, r));
    json_object_set_new(view, "hops", hops);
    return view;
}
