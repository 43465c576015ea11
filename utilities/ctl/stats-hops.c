/* gfp-ctl stats: every hop, its one drop count, and the verdict.
 *
 * A hop is an OVS interface, a PMD thread, a gfp-fwd port or a kernel
 * link.  Each gets one entry in "hops" (packets in and out, the drop
 * count, every drop counter) whether it dropped or not, so that a tool
 * subtracts two readings and sums nothing itself; and, if it dropped, one
 * in "drops" with the counters that explain it and what they mean, which
 * the verdict line puts in words.  Both come from the same count. */
#include <config.h>

#include "ctl-stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hops {
    json_t *hops;
    json_t *drops;
};

/* A hop of 'kind' (ovs-interface, ovs-pmd, fwd-port, kernel-interface);
 * 'reasons' ({counter: packets}) is taken over. */
static json_t *
hop_new(const char *id, const char *kind, const char *where,
        const char *name, json_t *rx, json_t *tx, uint64_t dropped,
        json_t *reasons)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:o}", "id", id,
                     "kind", kind, "where", where, "hop", name,
                     "rx_packets", rx, "tx_packets", tx,
                     "dropped", (json_int_t) dropped, "reasons", reasons);
}

/* Appends {"counter", "packets", "meaning"} to 'reasons' if 'n' is. */
static void
reason_add(json_t *reasons, const char *counter, uint64_t n,
           const char *meaning)
{
    if (n && n != OVS_NO_VALUE) {
        json_array_append_new(reasons, json_pack(
            "{s:s, s:I, s:s}", "counter", counter, "packets",
            (json_int_t) n, "meaning", meaning));
    }
}

static void
drop_add(struct hops *h, const char *where, const char *hop, uint64_t n,
         json_t *reasons)
{
    json_array_append_new(h->drops, json_pack(
        "{s:s, s:s, s:I, s:o}", "where", where, "hop", hop,
        "packets", (json_int_t) n, "reasons", reasons));
}

static const char *
sw_meaning(const struct ctl_stats_iface *iface, int k)
{
    if (k == SW_ovs_tx_failure_drops
        && !strncmp(iface->type, "dpdkvhost", 9)) {
        return "the guest is not polling its vhost queue";
    }
    return ctl_stats_sw_counters[k].meaning;
}

/* The OpenFlow counters that count an OVS interface's drops. */
static const struct {
    const char *name;
    size_t offset;
    const char *meaning;
} of_drops[] = {
    { "tx_dropped", offsetof(struct ctl_stats_iface, tx_dropped),
      "dropped on transmit" },
    { "rx_dropped", offsetof(struct ctl_stats_iface, rx_dropped),
      "dropped on receive" },
    { "tx_errors", offsetof(struct ctl_stats_iface, tx_errors),
      "transmit errors" },
    { "rx_errors", offsetof(struct ctl_stats_iface, rx_errors),
      "receive errors" },
};

static uint64_t
of_drop(const struct ctl_stats_iface *iface, size_t j)
{
    return *(const uint64_t *) ((const char *) iface + of_drops[j].offset);
}

static void
ovs_iface_hop(struct hops *h, const struct ctl_stats_iface *iface)
{
    uint64_t n = ctl_stats_iface_drops(iface), named = 0;
    json_t *all = json_object(), *reasons = json_array(), *hop;
    char *id = ctl_xasprintf("ovs:%s", iface->name);

    for (size_t j = 0; j < ARRAY_SIZE(of_drops); j++) {
        json_object_set_new(all, of_drops[j].name,
                            ctl_stats_json_counter(of_drop(iface, j)));
    }
    for (int k = 0; k < N_SW_COUNTERS; k++) {
        if (ctl_stats_sw_counters[k].drop) {
            json_object_set_new(all, ctl_stats_sw_counters[k].name,
                                ctl_stats_json_counter(iface->sw[k]));
            named += ctl_stats_known(iface->sw[k]);
            reason_add(reasons, ctl_stats_sw_counters[k].name, iface->sw[k],
                       sw_meaning(iface, k));
        }
    }
    hop = hop_new(id, "ovs-interface", "OVS", iface->name,
                  ctl_stats_json_counter(iface->rx_packets),
                  ctl_stats_json_counter(iface->tx_packets), n, all);
    json_object_set_new(hop, "bridge", json_string(iface->bridge));
    json_object_set_new(hop, "ofport", iface->ofport >= 0
                        ? json_integer(iface->ofport) : json_null());
    json_array_append_new(h->hops, hop);
    free(id);
    if (!n) {
        json_decref(reasons);
        return;
    }
    /* Where the ovs_* counters (5 s old) do not yet explain anything, say
     * which OpenFlow counters do. */
    for (size_t j = 0; j < ARRAY_SIZE(of_drops) && !named; j++) {
        reason_add(reasons, of_drops[j].name, of_drop(iface, j),
                   of_drops[j].meaning);
    }
    drop_add(h, "OVS", iface->name, n, reasons);
}

static void
ovs_pmd_hop(struct hops *h, const struct ovs_pmd *p)
{
    uint64_t n = ctl_stats_known(p->lost_upcalls);
    char *id = ctl_xasprintf("ovs-pmd:%s", p->name);
    json_t *hop;

    hop = hop_new(id, "ovs-pmd", "OVS", p->name,
                  ctl_stats_json_counter(p->rx_packets),
                  ctl_stats_json_counter(p->tx_packets), n,
                  json_pack("{s:o}", "lost_upcalls",
                            ctl_stats_json_counter(p->lost_upcalls)));
    json_object_set_new(hop, "busy_cycles",
                        ctl_stats_json_counter(p->busy_cycles));
    json_array_append_new(h->hops, hop);
    free(id);
    if (n) {
        json_t *reasons = json_array();

        reason_add(reasons, "lost_upcalls", n,
                   "flow misses whose upcall failed");
        drop_add(h, "OVS", p->name, n, reasons);
    }
}

static void
fwd_port_hop(struct hops *h, json_t *fwd, json_t *port)
{
    const char *name = json_string_value(json_object_get(port, "name"));
    json_t *t = json_object_get(port, "total"), *all, *hop, *v;
    const char *reason;
    uint64_t n;
    char *id;

    all = ctl_stats_fwd_port_drops(fwd, port, &n);
    name = name ? name : "?";
    id = ctl_xasprintf("fwd:%s", name);
    hop = hop_new(id, "fwd-port", "gfp-fwd", name,
                  json_integer(ctl_stats_json_u64(t, "rx_packets")),
                  json_integer(ctl_stats_json_u64(t, "tx_packets")), n,
                  json_incref(all));
    json_object_set(hop, "port", json_object_get(port, "id"));
    json_object_set_new(hop, "busy_cycles", json_integer(
                            ctl_stats_json_u64(t, "busy_cycles")));
    json_array_append_new(h->hops, hop);
    free(id);
    if (n) {
        json_t *reasons = json_array();

        json_object_foreach (all, reason, v) {
            reason_add(reasons, reason, json_integer_value(v),
                       ctl_stats_fwd_drop_meaning(fwd, reason));
        }
        drop_add(h, "gfp-fwd", name, n, reasons);
    }
    json_decref(all);
}

static const char *
link_meaning(const char *counter)
{
    return !strcmp(counter, "rx_dropped")
           ? "the kernel dropped received packets (no handler for them, "
             "or a full backlog)"
           : !strcmp(counter, "rx_missed")
           ? "the device's receive ring overflowed"
           : "dropped on transmit (a full queue, or the peer is down)";
}

/* The receive drops of 'link' that a gfp-fwd port on it counts as its own
 * too: an AF_XDP port in native mode says how many (xstats
 * "iface_rx_dropped"), the frames its driver could not redirect to the
 * port's sockets.  Ports are matched by interface name. */
static uint64_t
fwd_counted_drops(json_t *fwd, const char *ifname)
{
    json_t *port;
    size_t i;

    json_array_foreach (fwd ? json_object_get(fwd, "ports") : NULL, i,
                        port) {
        const char *name = json_string_value(json_object_get(port,
                                                             "name"));

        if (name && !strcmp(name, ifname)) {
            return ctl_stats_json_u64(json_object_get(port, "xstats"),
                                      "iface_rx_dropped");
        }
    }
    return 0;
}

/* A kernel link's hop; of its rx_dropped, the 'shared' frames that a
 * gfp-fwd port counts are left to the port, not counted twice. */
static void
kernel_link_hop(struct hops *h, const char *ns,
                const struct ctl_stats_link *link_, uint64_t shared)
{
    struct ctl_stats_link l = *link_, *link = &l;
    json_t *all = json_object(), *reasons = json_array(), *hop;
    char *id = ctl_xasprintf("kernel:%s/%s", ns, link->name);
    uint64_t n;

    l.rx_dropped -= MIN(l.rx_dropped, shared);
    n = ctl_stats_link_drops(link);

#define LINK_REASON(NAME, DIR, KEY, DROP)                               \
    if (DROP) {                                                         \
        json_object_set_new(all, #NAME, json_integer(link->NAME));      \
        reason_add(reasons, #NAME, link->NAME, link_meaning(#NAME));    \
    }
    CTL_STATS_LINK_COUNTERS(LINK_REASON)
#undef LINK_REASON
    hop = hop_new(id, "kernel-interface", "kernel", link->name,
                  json_integer(link->rx_packets),
                  json_integer(link->tx_packets), n, all);
    json_object_set_new(hop, "netns", json_string(ns));
    if (l.rx_dropped != link_->rx_dropped) {
        json_object_set_new(hop, "rx_dropped_counted_by_fwd", json_integer(
                                link_->rx_dropped - l.rx_dropped));
    }
    json_array_append_new(h->hops, hop);
    free(id);
    if (n) {
        drop_add(h, "kernel", link->name, n, reasons);
        json_object_set_new(json_array_get(h->drops,
                                           json_array_size(h->drops) - 1),
                            "netns", json_string(ns));
    } else {
        json_decref(reasons);
    }
}

void
ctl_stats_hops(const struct ctl_stats_args *args,
               const struct ctl_stats_reading *r, json_t **hopsp,
               json_t **dropsp)
{
    struct hops h = { json_array(), json_array() };
    json_t *port;
    size_t i;

    for (i = 0; i < r->n_ifaces; i++) {
        ovs_iface_hop(&h, &r->ifaces[i]);
    }
    for (i = 0; i < r->pmds.n; i++) {
        ovs_pmd_hop(&h, &r->pmds.pmds[i]);
    }
    json_array_foreach (r->fwd ? json_object_get(r->fwd, "ports") : NULL,
                        i, port) {
        fwd_port_hop(&h, r->fwd, port);
    }
    for (i = 0; r->netns && i < args->n_netns; i++) {
        for (size_t j = 0; j < r->netns[i].n; j++) {
            const struct ctl_stats_link *link = &r->netns[i].links[j];

            kernel_link_hop(&h, args->netns[i].name, link,
                            fwd_counted_drops(r->fwd, link->name));
        }
    }
    *hopsp = h.hops;
    *dropsp = h.drops;
}

char *
ctl_stats_verdict(json_t *drops)
{
    char *s = ctl_xstrdup("drops:");
    json_t *hop;
    size_t i;

    if (!json_array_size(drops)) {
        free(s);
        return ctl_xstrdup("drops: none");
    }
    json_array_foreach (drops, i, hop) {
        json_t *reasons = json_object_get(hop, "reasons"), *r;
        const char *ns = json_string_value(json_object_get(hop, "netns"));
        char *next;
        size_t j;

        next = ctl_xasprintf(
            "%s%s %"PRIu64" on %s %s%s%s", s, i ? ";" : "",
            (uint64_t) json_integer_value(json_object_get(hop, "packets")),
            json_string_value(json_object_get(hop, "where")),
            ns ? ns : "", ns ? "/" : "",
            json_string_value(json_object_get(hop, "hop")));
        free(s);
        s = next;
        json_array_foreach (reasons, j, r) {
            next = ctl_xasprintf(
                "%s%s%s: %s", s, j ? ", " : " (",
                json_string_value(json_object_get(r, "counter")),
                json_string_value(json_object_get(r, "meaning")));
            free(s);
            s = next;
        }
        if (json_array_size(reasons)) {
            next = ctl_xasprintf("%s)", s);
            free(s);
            s = next;
        }
    }
    return s;
}
