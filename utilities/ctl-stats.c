/* gfp-ctl stats: where the packets went, hop by hop.
 *
 * One snapshot reads every OVS interface (OpenFlow port counters, live,
 * from 'ovs-ofctl dump-ports'; the ovs_* software drop counters from the
 * Interface table's statistics column, which OVS refreshes every 5 s), the
 * datapath threads (pmd-stats-show, pmd-perf-show) and gfp-fwd's counters
 * from its control socket, then names the hops that dropped packets. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ovs.h"
#include "ctl.h"
#include "ctl/gfp-ctl.h"
#include "util.h"

#define STATS_TOOL_TIMEOUT "--timeout=5"

/* The ovs_* counters of the Interface statistics column, with what each
 * means when it is not zero.  ovs_tx_retries counts retries, not drops. */
#define OVS_SW_COUNTERS(C)                                              \
    C(ovs_tx_failure_drops, true,                                       \
      "the receiver did not take the packets: its queue was full")      \
    C(ovs_tx_retries, false,                                            \
      "transmit retries on a full vhost queue (not drops)")             \
    C(ovs_tx_mtu_exceeded_drops, true,                                  \
      "packets longer than the interface's MTU")                        \
    C(ovs_tx_qos_drops, true, "dropped by the egress QoS policer")      \
    C(ovs_rx_qos_drops, true, "dropped by ingress policing")            \
    C(ovs_tx_invalid_hwol_drops, true,                                  \
      "packets with invalid hardware offload requests")

enum sw_counter {
#define SW_ENUM(NAME, DROP, MEANING) SW_##NAME,
    OVS_SW_COUNTERS(SW_ENUM)
#undef SW_ENUM
    N_SW_COUNTERS
};

static const struct {
    const char *name;
    bool drop;
    const char *meaning;
} sw_counters[] = {
#define SW_INFO(NAME, DROP, MEANING) { #NAME, DROP, MEANING },
    OVS_SW_COUNTERS(SW_INFO)
#undef SW_INFO
};

/* gfp-fwd's drop reasons (lib/stats.h QUEUE_COUNTERS), as seen from the
 * path: which hop's fault each is. */
static const struct {
    const char *name;
    const char *meaning;
} fwd_drops[] = {
    { "drop_tx_full", "OVS did not empty the vhost ring fast enough: "
      "its PMD thread is overloaded or stalled" },
    { "drop_no_mbuf", "gfp-fwd's mempool ran out of buffers" },
    { "drop_too_big", "packets longer than the output port's MTU" },
    { "drop_runt", "frames shorter than an Ethernet header" },
    { "rx_missed", "the receive ring overflowed: gfp-fwd's worker did not "
      "poll fast enough" },
};

struct iface {
    char *name;
    char *bridge;
    char *type;
    char *link_state;
    long long ofport;           /* -1 if OVS has none. */
#define IFACE_FIELD(NAME, KEY, RX) uint64_t NAME;
    OVS_PORT_COUNTERS(IFACE_FIELD)
#undef IFACE_FIELD
    uint64_t sw[N_SW_COUNTERS];
};

struct snapshot {
    double time;                /* CLOCK_MONOTONIC, seconds. */
    struct iface *ifaces;
    size_t n_ifaces;
    struct ovs_pmds pmds;
    json_t *fwd;                /* gfp-fwd's stats reply, or NULL. */
    char fwd_error[CTL_ERR_LEN];
};

struct stats_ctx {
    const struct gfp_ctl_opts *opts;
    const char *bridge;         /* Only this bridge, or NULL for all. */
    const char *sandbox;        /* gfp-sandbox directory, or NULL. */
    char *sandbox_abs;          /* 'sandbox' made absolute. */
    const char *replay;         /* Tests: outputs read from files here. */
    char *db;                   /* --db=... for ovs-vsctl. */
    char *vsctl, *ofctl, *appctl;
    char *appctl_target;        /* NULL: ovs-appctl's default. */
    char source[300];           /* What the view was read from. */
    bool json, no_fwd;
    unsigned watch;             /* Seconds, 0: once. */
};

static volatile sig_atomic_t stop_requested;

static void
on_sigint(int sig)
{
    stop_requested = sig;
}

static char *
xstrdup(const char *s)
{
    char *p = strdup(s ? s : "");

    if (!p) {
        fprintf(stderr, "gfp-ctl: out of memory\n");
        exit(EXIT_FAILURE);
    }
    return p;
}

static char *
xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
    va_list args;
    char *s;
    int n;

    va_start(args, fmt);
    n = vasprintf(&s, fmt, args);
    va_end(args);
    if (n < 0) {
        fprintf(stderr, "gfp-ctl: out of memory\n");
        exit(EXIT_FAILURE);
    }
    return s;
}

static char *
read_file(const char *path, char err[OVS_ERR_LEN])
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t size = 0;
    ssize_t n;

    if (!f) {
        snprintf(err, OVS_ERR_LEN, "%s: %s", path, strerror(errno));
        return NULL;
    }
    n = getdelim(&text, &size, '\0', f);
    fclose(f);
    if (n < 0) {
        free(text);
        return xstrdup("");
    }
    return text;
}

/* Runs an OVS tool, or in --replay mode reads what it printed from
 * REPLAY/'name'. */
static int
run_tool__(const struct stats_ctx *ctx, const char *name, char *const argv[],
           size_t n, char **out, char err[OVS_ERR_LEN])
{
    char *args[16];
    size_t n_args = 0;

    if (ctx->replay) {
        char *path = xasprintf("%s/%s", ctx->replay, name);

        *out = read_file(path, err);
        free(path);
        return *out ? 0 : -1;
    }
    /* Optional words are NULL: leave them out. */
    for (size_t i = 0; i < n && n_args + 1 < ARRAY_SIZE(args); i++) {
        if (argv[i]) {
            args[n_args++] = argv[i];
        }
    }
    args[n_args] = NULL;
    return ovs_run(args, out, err);
}

/* run_tool(CTX, NAME, OUT, ERR, WORD...): a NULL WORD is left out. */
#define run_tool(CTX, NAME, OUT, ERR, ...)                              \
    run_tool__(CTX, NAME, (char *[]) { __VA_ARGS__ },                   \
               ARRAY_SIZE(((char *[]) { __VA_ARGS__ })), OUT, ERR)

#define VSCTL(CTX, ...) \
    (CTX)->vsctl, (CTX)->db, STATS_TOOL_TIMEOUT, __VA_ARGS__

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Takes the tools and database of the gfp-sandbox in ctx->sandbox. */
static int
load_sandbox(struct stats_ctx *ctx)
{
    char err[OVS_ERR_LEN];
    struct ovs_sandbox sb;
    int error;

    error = ovs_sandbox_load(ctx->sandbox, &sb, err);
    if (error) {
        fprintf(stderr, "gfp-ctl: stats: --sandbox %s: %s\n", ctx->sandbox,
                error == -ENOENT ? "not a gfp-sandbox directory (no "
                                   "gfp-sandbox.state)" : err);
        return -1;
    }
    ctx->sandbox = ctx->sandbox_abs = sb.dir;
    sb.dir = NULL;
    ovs_sandbox_take(&ctx->db, &sb.db);
    ovs_sandbox_take(&ctx->vsctl, &sb.vsctl);
    ovs_sandbox_take(&ctx->ofctl, &sb.ofctl);
    ovs_sandbox_take(&ctx->appctl, &sb.appctl);
    ovs_sandbox_destroy(&sb);
    ctx->appctl_target = xasprintf("%s/ovs-vswitchd.ctl", ctx->sandbox);
    return 0;
}

/* A string column of a row, "" if it is not one. */
static const char *
row_string(const json_t *row, const char *column)
{
    const char *s = json_string_value(json_object_get(row, column));

    return s ? s : "";
}

/* A counter in the map column 'stats' (an object), or OVS_NO_VALUE. */
static uint64_t
map_counter(const json_t *stats, const char *key)
{
    json_t *v = json_object_get(stats, key);

    return json_is_integer(v) && json_integer_value(v) >= 0
           ? (uint64_t) json_integer_value(v) : OVS_NO_VALUE;
}

/* Splits 'text' (one name a line) into a NULL-terminated list of lines;
 * the list points into 'text'. */
static char **
split_lines(char *text, size_t *n)
{
    char **list = NULL, *save = NULL;

    *n = 0;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char **p = realloc(list, (*n + 2) * sizeof *list);

        if (!p) {
            free(list);
            *n = 0;
            return NULL;
        }
        list = p;
        list[(*n)++] = line;
        list[*n] = NULL;
    }
    return list;
}

static void
snapshot_clear(struct snapshot *s)
{
    for (size_t i = 0; i < s->n_ifaces; i++) {
        free(s->ifaces[i].name);
        free(s->ifaces[i].bridge);
        free(s->ifaces[i].type);
        free(s->ifaces[i].link_state);
    }
    free(s->ifaces);
    ovs_pmds_clear(&s->pmds);
    json_decref(s->fwd);
    memset(s, 0, sizeof *s);
}

/* Fills in the interfaces of 'bridge' from 'table' (the Interface rows,
 * from ovs_parse_table()) and the bridge's dump-ports. */
static int
collect_bridge(const struct stats_ctx *ctx, const char *bridge,
               json_t *table, struct snapshot *s, char err[OVS_ERR_LEN])
{
    char *names_text = NULL, *ports_text = NULL, **names = NULL;
    struct ovs_port_stats *ports = NULL;
    size_t n_names, n_ports;
    char *file, *target, perr[OVS_ERR_LEN];
    int error = -1;

    file = xasprintf("list-ifaces-%s", bridge);
    error = run_tool(ctx, file, &names_text, err,
                     VSCTL(ctx, "list-ifaces", (char *) bridge));
    free(file);
    if (error) {
        return -1;
    }

    /* The sandbox's bridges listen in its directory, not OVS's rundir. */
    target = ctx->sandbox ? xasprintf("unix:%s/%s.mgmt", ctx->sandbox, bridge)
                          : xstrdup(bridge);
    file = xasprintf("dump-ports-%s", bridge);
    error = run_tool(ctx, file, &ports_text, err, ctx->ofctl,
                     STATS_TOOL_TIMEOUT, "--no-names", "dump-ports", target);
    free(file);
    if (error) {
        goto out;
    }
    if (ovs_parse_dump_ports(ports_text, &ports, &n_ports, perr)) {
        snprintf(err, OVS_ERR_LEN, "unexpected output from 'ovs-ofctl "
                 "dump-ports %.60s': %.400s", target, perr);
        error = -1;
        goto out;
    }

    names = split_lines(names_text, &n_names);
    for (size_t i = 0; i < n_names; i++) {
        json_t *row = NULL, *r, *stats, *ofport;
        struct iface *iface, *p;
        size_t j;

        json_array_foreach (table, j, r) {
            if (!strcmp(row_string(r, "name"), names[i])) {
                row = r;
                break;
            }
        }
        if (!row) {
            snprintf(err, OVS_ERR_LEN, "interface %s of bridge %s is not "
                     "in the Interface table", names[i], bridge);
            error = -1;
            goto out;
        }
        p = realloc(s->ifaces, (s->n_ifaces + 1) * sizeof *p);
        if (!p) {
            snprintf(err, OVS_ERR_LEN, "out of memory");
            error = -1;
            goto out;
        }
        s->ifaces = p;
        iface = &p[s->n_ifaces++];
        memset(iface, 0, sizeof *iface);
        iface->name = xstrdup(names[i]);
        iface->bridge = xstrdup(bridge);
        ofport = json_object_get(row, "ofport");
        iface->ofport = json_is_integer(ofport) ? json_integer_value(ofport)
                                                : -1;
        iface->type = xstrdup(row_string(row, "type"));
        iface->link_state = xstrdup(row_string(row, "link_state"));
        stats = json_object_get(row, "statistics");
        for (int k = 0; k < N_SW_COUNTERS; k++) {
            iface->sw[k] = map_counter(stats, sw_counters[k].name);
        }
        /* Live OpenFlow counters; where the port has none ("?", e.g. a
         * vhost-user port whose guest is gone) the 5 s old database's. */
#define IFACE_FROM_DB(NAME, KEY, RX)                                    \
        iface->NAME = map_counter(stats, #NAME);
        OVS_PORT_COUNTERS(IFACE_FROM_DB);
#undef IFACE_FROM_DB
        for (j = 0; j < n_ports; j++) {
            char num[24];

            /* dump-ports names the bridge's own port LOCAL. */
            snprintf(num, sizeof num, "%lld", iface->ofport);
            if (iface->ofport == 65534) {
                snprintf(num, sizeof num, "LOCAL");
            }
            if (strcmp(ports[j].port, num)) {
                continue;
            }
#define IFACE_FROM_OF(NAME, KEY, RX)                                    \
            if (ports[j].NAME != OVS_NO_VALUE) {                        \
                iface->NAME = ports[j].NAME;                            \
            }
            OVS_PORT_COUNTERS(IFACE_FROM_OF);
#undef IFACE_FROM_OF
        }
    }
    error = 0;

out:
    free(names);
    free(names_text);
    free(ports_text);
    free(ports);
    free(target);
    return error;
}

static int
collect_ovs(const struct stats_ctx *ctx, struct snapshot *s,
            char err[OVS_ERR_LEN])
{
    char *brs_text = NULL, *table_text = NULL, *text = NULL, **brs = NULL;
    char perr[OVS_ERR_LEN];
    json_t *table = NULL;
    size_t n_brs;
    int error = -1;

    if (run_tool(ctx, "list-br", &brs_text, err, VSCTL(ctx, "list-br"))) {
        return -1;
    }
    if (run_tool(ctx, "interfaces", &table_text, err,
                 VSCTL(ctx, "--format=json",
                       "--columns=name,ofport,type,link_state,statistics",
                       "list", "Interface"))) {
        goto out;
    }
    table = ovs_parse_table(table_text, perr);
    if (!table) {
        snprintf(err, OVS_ERR_LEN, "unexpected output from 'ovs-vsctl "
                 "--format=json list Interface': %.400s", perr);
        goto out;
    }
    brs = split_lines(brs_text, &n_brs);
    if (ctx->bridge) {
        bool found = false;

        for (size_t i = 0; i < n_brs; i++) {
            found |= !strcmp(brs[i], ctx->bridge);
        }
        if (!found) {
            snprintf(err, OVS_ERR_LEN, "no bridge '%s' in OVS (%s)",
                     ctx->bridge, ctx->source);
            goto out;
        }
    }
    for (size_t i = 0; i < n_brs; i++) {
        if ((!ctx->bridge || !strcmp(brs[i], ctx->bridge))
            && collect_bridge(ctx, brs[i], table, s, err)) {
            goto out;
        }
    }

    /* The datapath threads: stats, then perf (run without histograms). */
    if (run_tool(ctx, "pmd-stats-show", &text, err, ctx->appctl,
                 STATS_TOOL_TIMEOUT, ctx->appctl_target ? "-t" : NULL,
                 ctx->appctl_target, "dpif-netdev/pmd-stats-show")) {
        goto out;
    }
    if (ovs_parse_pmd_stats(text, &s->pmds, perr)) {
        snprintf(err, OVS_ERR_LEN, "unexpected output from 'ovs-appctl "
                 "dpif-netdev/pmd-stats-show': %.400s", perr);
        goto out;
    }
    free(text);
    text = NULL;
    if (run_tool(ctx, "pmd-perf-show", &text, err, ctx->appctl,
                 STATS_TOOL_TIMEOUT, ctx->appctl_target ? "-t" : NULL,
                 ctx->appctl_target, "dpif-netdev/pmd-perf-show", "-nh")) {
        goto out;
    }
    if (ovs_parse_pmd_perf(text, &s->pmds, perr)) {
        snprintf(err, OVS_ERR_LEN, "unexpected output from 'ovs-appctl "
                 "dpif-netdev/pmd-perf-show -nh': %.400s", perr);
        goto out;
    }
    error = 0;

out:
    json_decref(table);
    free(brs);
    free(brs_text);
    free(table_text);
    free(text);
    return error;
}

/* gfp-fwd's counters, or why there are none (not an error). */
static void
collect_fwd(const struct stats_ctx *ctx, struct snapshot *s)
{
    json_t *msg;

    s->fwd = NULL;
    if (ctx->no_fwd) {
        return;
    }
    if (ctx->replay) {
        char err[OVS_ERR_LEN], *path, *text;
        json_error_t jerr;

        path = xasprintf("%s/fwd-stats.json", ctx->replay);
        text = read_file(path, err);
        free(path);
        s->fwd = text ? json_loads(text, 0, &jerr) : NULL;
        free(text);
        if (!s->fwd) {
            snprintf(s->fwd_error, sizeof s->fwd_error, "no fwd-stats.json");
        }
        return;
    }
    msg = ctl_client_request(ctx->opts->socket, "{\"command\":\"stats\"}",
                             ctx->opts->timeout_ms, s->fwd_error);
    if (!msg) {
        return;
    }
    if (json_is_true(json_object_get(msg, "ok"))
        && json_is_object(json_object_get(msg, "result"))) {
        s->fwd = json_incref(json_object_get(msg, "result"));
    } else {
        json_t *e = json_object_get(msg, "error");

        snprintf(s->fwd_error, sizeof s->fwd_error, "%s",
                 json_is_string(e) ? json_string_value(e)
                                   : "malformed reply from gfp-fwd");
    }
    json_decref(msg);
}

static int
collect(const struct stats_ctx *ctx, struct snapshot *s)
{
    char err[OVS_ERR_LEN];

    memset(s, 0, sizeof *s);
    s->time = now_s();
    if (collect_ovs(ctx, s, err)) {
        fprintf(stderr, "gfp-ctl: stats: cannot read OVS (%s): %s\n",
                ctx->source, err);
        snapshot_clear(s);
        return -1;
    }
    collect_fwd(ctx, s);
    return 0;
}

static json_t *
json_counter(uint64_t v)
{
    return v == OVS_NO_VALUE ? json_null() : json_integer(v);
}

static json_t *
json_real_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static uint64_t
known(uint64_t v)
{
    return v == OVS_NO_VALUE ? 0 : v;
}

static const char *
vhost_meaning(const struct iface *iface, int k)
{
    if (k == SW_ovs_tx_failure_drops && !strncmp(iface->type, "dpdkvhost",
                                                 9)) {
        return "the guest is not polling its vhost queue";
    }
    return sw_counters[k].meaning;
}

/* Packets an interface dropped: OVS's drop and error counters, or the
 * ovs_* ones where those are higher (they come from a different reading). */
static uint64_t
iface_drops(const struct iface *iface)
{
    uint64_t of = known(iface->rx_dropped) + known(iface->tx_dropped)
                  + known(iface->rx_errors) + known(iface->tx_errors);
    uint64_t sw = 0;

    for (int k = 0; k < N_SW_COUNTERS; k++) {
        if (sw_counters[k].drop) {
            sw += known(iface->sw[k]);
        }
    }
    return of > sw ? of : sw;
}

static uint64_t
json_u64(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_integer(v) && json_integer_value(v) > 0
           ? (uint64_t) json_integer_value(v) : 0;
}

/* gfp-fwd port's counted drops, by reason, as {reason: packets}. */
static json_t *
fwd_port_drops(json_t *port, uint64_t *total)
{
    json_t *drops = json_object(), *t = json_object_get(port, "total");

    *total = 0;
    for (size_t i = 0; i < ARRAY_SIZE(fwd_drops); i++) {
        json_t *src = !strcmp(fwd_drops[i].name, "rx_missed")
                      ? json_object_get(port, "device") : t;
        uint64_t n = json_u64(src, fwd_drops[i].name);

        json_object_set_new(drops, fwd_drops[i].name, json_integer(n));
        *total += n;
    }
    return drops;
}

/* The hops that dropped packets, as an array of
 * {"hop", "packets", "reasons": [{"counter", "packets", "meaning"}]}. */
static json_t *
find_drops(const struct snapshot *s)
{
    json_t *hops = json_array();

    for (size_t i = 0; i < s->n_ifaces; i++) {
        const struct iface *iface = &s->ifaces[i];
        uint64_t n = iface_drops(iface), named = 0;
        json_t *reasons;

        if (!n) {
            continue;
        }
        reasons = json_array();
        for (int k = 0; k < N_SW_COUNTERS; k++) {
            if (sw_counters[k].drop && known(iface->sw[k])) {
                named += iface->sw[k];
                json_array_append_new(reasons, json_pack(
                    "{s:s, s:I, s:s}", "counter", sw_counters[k].name,
                    "packets", (json_int_t) iface->sw[k],
                    "meaning", vhost_meaning(iface, k)));
            }
        }
        if (n > named) {
            static const struct {
                const char *name;
                size_t offset;
                const char *meaning;
            } of[] = {
                { "tx_dropped", offsetof(struct iface, tx_dropped),
                  "dropped on transmit" },
                { "rx_dropped", offsetof(struct iface, rx_dropped),
                  "dropped on receive" },
                { "tx_errors", offsetof(struct iface, tx_errors),
                  "transmit errors" },
                { "rx_errors", offsetof(struct iface, rx_errors),
                  "receive errors" },
            };

            /* Where the ovs_* counters (5 s old) do not yet explain
             * everything, say which OpenFlow counters do. */
            for (size_t j = 0; j < ARRAY_SIZE(of) && !named; j++) {
                uint64_t v = *(const uint64_t *) ((const char *) iface
                                                  + of[j].offset);

                if (known(v)) {
                    json_array_append_new(reasons, json_pack(
                        "{s:s, s:I, s:s}", "counter", of[j].name,
                        "packets", (json_int_t) v,
                        "meaning", of[j].meaning));
                }
            }
        }
        json_array_append_new(hops, json_pack(
            "{s:s, s:s, s:I, s:o}", "where", "OVS", "hop", iface->name,
            "packets", (json_int_t) n, "reasons", reasons));
    }
    for (size_t i = 0; i < s->pmds.n; i++) {
        const struct ovs_pmd *p = &s->pmds.pmds[i];

        if (known(p->lost_upcalls)) {
            json_array_append_new(hops, json_pack(
                "{s:s, s:s, s:I, s:[{s:s, s:I, s:s}]}", "where", "OVS",
                "hop", p->name, "packets", (json_int_t) p->lost_upcalls,
                "reasons", "counter", "lost_upcalls", "packets",
                (json_int_t) p->lost_upcalls, "meaning",
                "flow misses whose upcall failed"));
        }
    }
    if (s->fwd) {
        json_t *ports = json_object_get(s->fwd, "ports"), *port;
        size_t i;

        json_array_foreach (ports, i, port) {
            uint64_t total;
            json_t *drops = fwd_port_drops(port, &total), *reasons;
            const char *name;
            json_t *v;

            if (!total) {
                json_decref(drops);
                continue;
            }
            reasons = json_array();
            for (size_t j = 0; j < ARRAY_SIZE(fwd_drops); j++) {
                json_int_t n = json_integer_value(
                    json_object_get(drops, fwd_drops[j].name));

                if (n) {
                    json_array_append_new(reasons, json_pack(
                        "{s:s, s:I, s:s}", "counter", fwd_drops[j].name,
                        "packets", n, "meaning", fwd_drops[j].meaning));
                }
            }
            json_decref(drops);
            name = json_string_value(json_object_get(port, "name"));
            v = json_pack("{s:s, s:s, s:I, s:o}", "where", "gfp-fwd",
                          "hop", name ? name : "?", "packets",
                          (json_int_t) total, "reasons", reasons);
            json_array_append_new(hops, v);
        }
    }
    return hops;
}

/* "drops: 1234 on OVS g0 (ovs_tx_failure_drops: the guest is not polling
 * its vhost queue); 5 on gfp-fwd ..." or "drops: none". */
static char *
verdict(json_t *hops)
{
    char *s = xstrdup("drops:");
    json_t *hop;
    size_t i;

    if (!json_array_size(hops)) {
        free(s);
        return xstrdup("drops: none");
    }
    json_array_foreach (hops, i, hop) {
        json_t *reasons = json_object_get(hop, "reasons"), *r;
        char *next;
        size_t j;

        next = xasprintf("%s%s %"PRIu64" on %s %s", s, i ? ";" : "",
                         (uint64_t) json_integer_value(
                             json_object_get(hop, "packets")),
                         json_string_value(json_object_get(hop, "where")),
                         json_string_value(json_object_get(hop, "hop")));
        free(s);
        s = next;
        json_array_foreach (reasons, j, r) {
            next = xasprintf("%s%s%s: %s", s, j ? ", " : " (",
                             json_string_value(json_object_get(r,
                                                               "counter")),
                             json_string_value(json_object_get(r,
                                                               "meaning")));
            free(s);
            s = next;
        }
        if (json_array_size(reasons)) {
            next = xasprintf("%s)", s);
            free(s);
            s = next;
        }
    }
    return s;
}

/* Per-second rate of a counter between two snapshots, NaN if unknown. */
static double
rate(uint64_t cur, uint64_t prev, double dt)
{
    if (cur == OVS_NO_VALUE || prev == OVS_NO_VALUE || cur < prev
        || dt <= 0) {
        return NAN;
    }
    return (cur - prev) / dt;
}

static const struct iface *
find_iface(const struct snapshot *s, const char *name)
{
    for (size_t i = 0; s && i < s->n_ifaces; i++) {
        if (!strcmp(s->ifaces[i].name, name)) {
            return &s->ifaces[i];
        }
    }
    return NULL;
}

static json_t *
fwd_port_find(const struct snapshot *s, json_int_t id)
{
    json_t *ports = s && s->fwd ? json_object_get(s->fwd, "ports") : NULL;
    json_t *port;
    size_t i;

    json_array_foreach (ports, i, port) {
        if (json_integer_value(json_object_get(port, "id")) == id) {
            return port;
        }
    }
    return NULL;
}

/* The whole view as one JSON object; with 'prev', rates since it. */
static json_t *
view_json(const struct stats_ctx *ctx, const struct snapshot *s,
          const struct snapshot *prev)
{
    json_t *view = json_object(), *ifaces = json_object();
    json_t *pmds = json_array(), *hops;
    double dt = prev ? s->time - prev->time : 0;
    char *v;

    json_object_set_new(view, "source", json_string(ctx->source));
    for (size_t i = 0; i < s->n_ifaces; i++) {
        const struct iface *iface = &s->ifaces[i];
        const struct iface *old = prev ? find_iface(prev, iface->name) : NULL;
        json_t *o = json_object();

        json_object_set_new(o, "bridge", json_string(iface->bridge));
        json_object_set_new(o, "type", json_string(iface->type));
        json_object_set_new(o, "ofport", iface->ofport >= 0
                            ? json_integer(iface->ofport) : json_null());
        json_object_set_new(o, "link_state", json_string(iface->link_state));
#define IFACE_JSON(NAME, KEY, RX)                                       \
        json_object_set_new(o, #NAME, json_counter(iface->NAME));
        OVS_PORT_COUNTERS(IFACE_JSON);
#undef IFACE_JSON
        for (int k = 0; k < N_SW_COUNTERS; k++) {
            json_object_set_new(o, sw_counters[k].name,
                                json_counter(iface->sw[k]));
        }
        json_object_set_new(o, "drops", json_integer(iface_drops(iface)));
        if (old) {
            json_object_set_new(o, "rates", json_pack(
                "{s:o, s:o, s:o}",
                "rx_packets", json_real_or_null(rate(iface->rx_packets,
                                                     old->rx_packets, dt)),
                "tx_packets", json_real_or_null(rate(iface->tx_packets,
                                                     old->tx_packets, dt)),
                "drops", json_real_or_null(rate(iface_drops(iface),
                                                iface_drops(old), dt))));
        }
        json_object_set_new(ifaces, iface->name, o);
    }
    json_object_set_new(view, "interfaces", ifaces);

    for (size_t i = 0; i < s->pmds.n; i++) {
        const struct ovs_pmd *p = &s->pmds.pmds[i];
        json_t *o = json_object();

        json_object_set_new(o, "thread", json_string(p->name));
        json_object_set_new(o, "numa_id", p->numa_id >= 0
                            ? json_integer(p->numa_id) : json_null());
        json_object_set_new(o, "core_id", p->core_id >= 0
                            ? json_integer(p->core_id) : json_null());
#define PMD_JSON(NAME) json_object_set_new(o, #NAME, json_counter(p->NAME));
        OVS_PMD_COUNTERS(PMD_JSON)
#undef PMD_JSON
#define PMD_JSON(NAME)                                                  \
        json_object_set_new(o, #NAME, json_real_or_null(p->NAME));
        OVS_PMD_REALS(PMD_JSON)
#undef PMD_JSON
        json_array_append_new(pmds, o);
    }
    json_object_set_new(view, "pmds", pmds);

    if (ctx->no_fwd) {
        json_object_set_new(view, "fwd", json_null());
    } else if (!s->fwd) {
        json_object_set_new(view, "fwd", json_pack(
            "{s:b, s:s, s:s}", "reachable", false,
            "socket", ctx->opts->socket, "error", s->fwd_error));
    } else {
        json_t *ports = json_array(), *port;
        size_t i;

        json_array_foreach (json_object_get(s->fwd, "ports"), i, port) {
            json_t *t = json_object_get(port, "total");
            json_t *old = fwd_port_find(prev, json_integer_value(
                                            json_object_get(port, "id")));
            uint64_t drops;
            json_t *o = json_pack(
                "{s:O?, s:O?, s:O?, s:I, s:I, s:o}",
                "id", json_object_get(port, "id"),
                "name", json_object_get(port, "name"),
                "driver", json_object_get(port, "driver"),
                "rx_packets", (json_int_t) json_u64(t, "rx_packets"),
                "tx_packets", (json_int_t) json_u64(t, "tx_packets"),
                "drops", fwd_port_drops(port, &drops));

            json_object_set_new(o, "dropped", json_integer(drops));
            if (old) {
                json_t *ot = json_object_get(old, "total");
                uint64_t old_drops;

                json_decref(fwd_port_drops(old, &old_drops));
                json_object_set_new(o, "rates", json_pack(
                    "{s:o, s:o, s:o}",
                    "rx_packets", json_real_or_null(rate(
                        json_u64(t, "rx_packets"),
                        json_u64(ot, "rx_packets"), dt)),
                    "tx_packets", json_real_or_null(rate(
                        json_u64(t, "tx_packets"),
                        json_u64(ot, "tx_packets"), dt)),
                    "drops", json_real_or_null(rate(drops, old_drops, dt))));
            }
            json_array_append_new(ports, o);
        }
        json_object_set_new(view, "fwd", json_pack(
            "{s:b, s:s, s:O?, s:O?, s:o}", "reachable", true,
            "socket", ctx->opts->socket,
            "mode", json_object_get(s->fwd, "mode"),
            "engine", json_object_get(s->fwd, "engine"), "ports", ports));
    }

    hops = find_drops(s);
    v = verdict(hops);
    json_object_set_new(view, "drops", hops);
    json_object_set_new(view, "verdict", json_string(v));
    free(v);
    return view;
}

/* Text output, from the JSON view so that both always agree. */
static void
put_counter(json_t *v, int width)
{
    if (json_is_integer(v)) {
        printf(" %*"JSON_INTEGER_FORMAT, width, json_integer_value(v));
    } else {
        printf(" %*s", width, "?");
    }
}

static void
put_rate(json_t *rates, const char *key)
{
    json_t *v = json_object_get(rates, key);

    if (json_is_real(v)) {
        printf(" %10.0f/s", json_real_value(v));
    } else if (rates) {
        printf(" %12s", "?");
    }
}

static void
put_real(json_t *v, int precision, int width)
{
    if (json_is_real(v)) {
        printf(" %*.*f", width, precision, json_real_value(v));
    } else {
        printf(" %*s", width, "-");
    }
}

static void
print_view(json_t *view, bool rates)
{
    json_t *ifaces = json_object_get(view, "interfaces"), *o, *fwd;
    const char *name;
    size_t i;

    printf("OVS (%s)\n", json_string_value(json_object_get(view, "source")));
    printf("  %-12s %-8s %6s %12s %10s %12s %10s %8s", "interface",
           "bridge", "ofport", "rx_packets", "rx_drop", "tx_packets",
           "tx_drop", "errors");
    if (rates) {
        printf(" %12s %12s %12s", "rx rate", "tx rate", "drop rate");
    }
    putchar('\n');
    json_object_foreach (ifaces, name, o) {
        json_t *rx_e = json_object_get(o, "rx_errors");
        json_t *tx_e = json_object_get(o, "tx_errors");

        printf("  %-12s %-8s", name,
               json_string_value(json_object_get(o, "bridge")));
        put_counter(json_object_get(o, "ofport"), 6);
        put_counter(json_object_get(o, "rx_packets"), 12);
        put_counter(json_object_get(o, "rx_dropped"), 10);
        put_counter(json_object_get(o, "tx_packets"), 12);
        put_counter(json_object_get(o, "tx_dropped"), 10);
        if (json_is_integer(rx_e) || json_is_integer(tx_e)) {
            printf(" %8"JSON_INTEGER_FORMAT,
                   json_integer_value(rx_e) + json_integer_value(tx_e));
        } else {
            printf(" %8s", "?");
        }
        if (rates) {
            json_t *r = json_object_get(o, "rates");

            put_rate(r, "rx_packets");
            put_rate(r, "tx_packets");
            put_rate(r, "drops");
        }
        putchar('\n');
        for (int k = 0; k < N_SW_COUNTERS; k++) {
            json_t *v = json_object_get(o, sw_counters[k].name);

            if (json_integer_value(v)) {
                printf("  %-12s   %s=%"JSON_INTEGER_FORMAT"\n", "",
                       sw_counters[k].name, json_integer_value(v));
            }
        }
    }

    printf("PMD threads\n  %-32s %12s %12s %7s %10s %8s %10s\n", "thread",
           "rx_packets", "tx_packets", "busy%", "cyc/pkt", "lost_up",
           "sleep_us");
    json_array_foreach (json_object_get(view, "pmds"), i, o) {
        printf("  %-32s",
               json_string_value(json_object_get(o, "thread")));
        put_counter(json_object_get(o, "rx_packets"), 12);
        put_counter(json_object_get(o, "tx_packets"), 12);
        put_real(json_object_get(o, "busy_pct"), 2, 7);
        put_real(json_object_get(o, "cycles_per_packet"), 1, 10);
        put_counter(json_object_get(o, "lost_upcalls"), 8);
        put_real(json_object_get(o, "sleep_us"), 0, 10);
        putchar('\n');
    }

    fwd = json_object_get(view, "fwd");
    if (!json_is_null(fwd)) {
        printf("gfp-fwd (%s)", json_string_value(json_object_get(fwd,
                                                                 "socket")));
        if (!json_is_true(json_object_get(fwd, "reachable"))) {
            printf(": not reachable (%s)\n",
                   json_string_value(json_object_get(fwd, "error")));
        } else {
            json_t *mode = json_object_get(fwd, "mode");

            printf(", mode %s\n  %-4s %-18s %-16s %12s %12s %10s",
                   json_is_string(mode) ? json_string_value(mode) : "?",
                   "port", "name", "driver", "rx_packets", "tx_packets",
                   "dropped");
            if (rates) {
                printf(" %12s %12s %12s", "rx rate", "tx rate", "drop rate");
            }
            putchar('\n');
            json_array_foreach (json_object_get(fwd, "ports"), i, o) {
                json_t *drops = json_object_get(o, "drops"), *v;
                const char *reason;

                printf("  %-4"JSON_INTEGER_FORMAT" %-18s %-16s",
                       json_integer_value(json_object_get(o, "id")),
                       json_string_value(json_object_get(o, "name")),
                       json_string_value(json_object_get(o, "driver")));
                put_counter(json_object_get(o, "rx_packets"), 12);
                put_counter(json_object_get(o, "tx_packets"), 12);
                put_counter(json_object_get(o, "dropped"), 10);
                if (rates) {
                    json_t *r = json_object_get(o, "rates");

                    put_rate(r, "rx_packets");
                    put_rate(r, "tx_packets");
                    put_rate(r, "drops");
                }
                putchar('\n');
                json_object_foreach (drops, reason, v) {
                    if (json_integer_value(v)) {
                        printf("  %-4s %s=%"JSON_INTEGER_FORMAT"\n", "",
                               reason, json_integer_value(v));
                    }
                }
            }
        }
    }
    printf("%s\n", json_string_value(json_object_get(view, "verdict")));
}

static int
show(const struct stats_ctx *ctx, const struct snapshot *s,
     const struct snapshot *prev)
{
    json_t *view = view_json(ctx, s, prev);

    if (ctx->json) {
        json_dumpf(view, stdout, (ctx->opts->compact || ctx->watch
                                  ? JSON_COMPACT : JSON_INDENT(2))
                   | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        if (ctx->watch && isatty(STDOUT_FILENO)) {
            fputs("\033[H\033[2J", stdout);
        }
        print_view(view, prev != NULL);
        if (ctx->watch) {
            putchar('\n');
        }
    }
    json_decref(view);
    return fflush(stdout) ? -1 : 0;
}

/* Test hooks: parse one captured output and print what was understood. */
static int
parse_hook(const char *what, const char *stats_file, const char *perf_file)
{
    char err[OVS_ERR_LEN], *text;

    if (!strcmp(what, "dump-ports")) {
        struct ovs_port_stats *ports;
        size_t n;

        text = read_file(stats_file, err);
        if (!text || ovs_parse_dump_ports(text, &ports, &n, err)) {
            fprintf(stderr, "gfp-ctl: stats: %s: %s\n", stats_file, err);
            free(text);
            return EXIT_FAILURE;
        }
        for (size_t i = 0; i < n; i++) {
            printf("port %s:", ports[i].port);
#define PRINT_PORT(NAME, KEY, RX)                                       \
            if (ports[i].NAME == OVS_NO_VALUE) {                        \
                printf(" %s=?", #NAME);                                 \
            } else {                                                    \
                printf(" %s=%"PRIu64, #NAME, ports[i].NAME);            \
            }
            OVS_PORT_COUNTERS(PRINT_PORT);
#undef PRINT_PORT
            putchar('\n');
        }
        free(ports);
        free(text);
        return EXIT_SUCCESS;
    } else {
        struct ovs_pmds pmds = { NULL, 0 };
        const char *files[2] = { stats_file, perf_file };

        for (int i = 0; i < 2; i++) {
            if (!files[i]) {
                continue;
            }
            text = read_file(files[i], err);
            if (!text || (i ? ovs_parse_pmd_perf(text, &pmds, err)
                            : ovs_parse_pmd_stats(text, &pmds, err))) {
                fprintf(stderr, "gfp-ctl: stats: %s: %s\n", files[i], err);
                free(text);
                ovs_pmds_clear(&pmds);
                return EXIT_FAILURE;
            }
            free(text);
        }
        for (size_t i = 0; i < pmds.n; i++) {
            const struct ovs_pmd *p = &pmds.pmds[i];

            printf("%s: numa_id=%d core_id=%d\n", p->name, p->numa_id,
                   p->core_id);
#define PRINT_PMD(NAME)                                                 \
            if (p->NAME != OVS_NO_VALUE) {                              \
                printf("  %s=%"PRIu64"\n", #NAME, p->NAME);             \
            }
            OVS_PMD_COUNTERS(PRINT_PMD)
#undef PRINT_PMD
#define PRINT_PMD(NAME)                                                 \
            if (!isnan(p->NAME)) {                                      \
                printf("  %s=%.3f\n", #NAME, p->NAME);                  \
            }
            OVS_PMD_REALS(PRINT_PMD)
#undef PRINT_PMD
        }
        ovs_pmds_clear(&pmds);
        return EXIT_SUCCESS;
    }
}

static void
stats_usage(void)
{
    printf("usage: gfp-ctl [-s SOCKET] stats [--db DB | --sandbox DIR] "
           "[--bridge BR]\n"
           "                 [--json] [--watch[=SECS]] [--no-fwd]\n"
           "\n"
           "Where the packets went: every OVS interface's counters and "
           "software drops,\n"
           "the PMD threads' load, gfp-fwd's counters from SOCKET, and the "
           "hops that\n"
           "dropped packets.\n"
           "\n"
           "  --db DB          OVS's database (default: ovs-vsctl's)\n"
           "  --sandbox DIR    a gfp-sandbox's OVS, with its tools\n"
           "  --bridge BR      only this bridge's interfaces\n"
           "  --json           the whole view as one JSON object\n"
           "  --watch[=SECS]   redraw every SECS (default 1) with rates, "
           "until Ctrl-C\n"
           "  --no-fwd         do not ask gfp-fwd\n"
           "\n"
           "OVS's ovs_* counters in the Interface table refresh every 5 "
           "s.  See gfp-ctl(8).\n");
}

int
ctl_stats_main(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    enum {
        OPT_DB = 256, OPT_SANDBOX, OPT_BRIDGE, OPT_JSON, OPT_WATCH,
        OPT_NO_FWD, OPT_PARSE_PORTS, OPT_PARSE_STATS, OPT_PARSE_PERF,
        OPT_REPLAY,
    };
    static const struct option options[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "sandbox", required_argument, NULL, OPT_SANDBOX },
        { "bridge", required_argument, NULL, OPT_BRIDGE },
        { "json", no_argument, NULL, OPT_JSON },
        { "watch", optional_argument, NULL, OPT_WATCH },
        { "no-fwd", no_argument, NULL, OPT_NO_FWD },
        { "help", no_argument, NULL, 'h' },
        /* For the tests only: parse captured outputs (see ctl-stats.at). */
        { "parse-dump-ports", required_argument, NULL, OPT_PARSE_PORTS },
        { "parse-pmd-stats", required_argument, NULL, OPT_PARSE_STATS },
        { "parse-pmd-perf", required_argument, NULL, OPT_PARSE_PERF },
        { "replay", required_argument, NULL, OPT_REPLAY },
        { NULL, 0, NULL, 0 },
    };
    struct stats_ctx ctx = { .opts = opts };
    const char *db = NULL, *parse_ports = NULL, *parse_stats = NULL;
    const char *parse_perf = NULL;
    struct snapshot cur, prev;
    unsigned long long secs;
    bool have_prev = false;
    sigset_t stop_sigs, old_mask;
    int opt, status = EXIT_SUCCESS;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_SANDBOX:
            ctx.sandbox = optarg;
            break;
        case OPT_BRIDGE:
            ctx.bridge = optarg;
            break;
        case OPT_JSON:
            ctx.json = true;
            break;
        case OPT_WATCH:
            ctx.watch = 1;
            if (optarg) {
                if (parse_uint(optarg, 1, 3600, &secs)) {
                    return gfp_ctl_usage_error("stats: invalid value '%s' "
                                               "for --watch: expected "
                                               "seconds, 1 to 3600", optarg);
                }
                ctx.watch = secs;
            }
            break;
        case OPT_NO_FWD:
            ctx.no_fwd = true;
            break;
        case OPT_PARSE_PORTS:
            parse_ports = optarg;
            break;
        case OPT_PARSE_STATS:
            parse_stats = optarg;
            break;
        case OPT_PARSE_PERF:
            parse_perf = optarg;
            break;
        case OPT_REPLAY:
            ctx.replay = optarg;
            break;
        case 'h':
            stats_usage();
            return EXIT_SUCCESS;
        default:
            return gfp_ctl_option_error("stats", opt, argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return gfp_ctl_usage_error("stats: unexpected argument '%s'",
                                   argv[optind]);
    }
    if (parse_ports) {
        return parse_hook("dump-ports", parse_ports, NULL);
    }
    if (parse_stats || parse_perf) {
        return parse_hook("pmd", parse_stats, parse_perf);
    }
    if (db && ctx.sandbox) {
        return gfp_ctl_usage_error("stats: --db and --sandbox exclude each "
                                   "other");
    }

    ctx.vsctl = xstrdup("ovs-vsctl");
    ctx.ofctl = xstrdup("ovs-ofctl");
    ctx.appctl = xstrdup("ovs-appctl");
    if (ctx.sandbox) {
        if (load_sandbox(&ctx)) {
            status = EXIT_FAILURE;
            goto out;
        }
        snprintf(ctx.source, sizeof ctx.source, "sandbox %s", ctx.sandbox);
    } else {
        ctx.db = db ? xstrdup(db) : NULL;
        snprintf(ctx.source, sizeof ctx.source, "%s",
                 db ? db : "the system's OVS");
    }
    {
        /* ovs-vsctl takes the database as one "--db=DB" word. */
        char *word = ctx.db ? xasprintf("--db=%s", ctx.db) : NULL;

        free(ctx.db);
        ctx.db = word;
    }

    if (!ctx.watch) {
        if (collect(&ctx, &cur)) {
            status = EXIT_FAILURE;
            goto out;
        }
        status = show(&ctx, &cur, NULL) ? EXIT_FAILURE : EXIT_SUCCESS;
        snapshot_clear(&cur);
        goto out;
    }

    {
        struct sigaction sa = { .sa_handler = on_sigint };

        /* No SA_RESTART: the sleep below ends on Ctrl-C. */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    /* Ctrl-C is held pending while a reading is taken and taken up by the
     * wait, so none is lost between a check and a sleep, and no reading is
     * cut short by it. */
    sigemptyset(&stop_sigs);
    sigaddset(&stop_sigs, SIGINT);
    sigaddset(&stop_sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_sigs, &old_mask);
    while (!stop_requested) {
        struct timespec ts = { .tv_sec = ctx.watch };
        sigset_t pending;
        int sig;

        if (collect(&ctx, &cur)) {
            status = EXIT_FAILURE;
            break;
        }
        sigpending(&pending);
        if (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM)) {
            snapshot_clear(&cur);
            break;
        }
        if (show(&ctx, &cur, have_prev ? &prev : NULL)) {
            snapshot_clear(&cur);
            status = EXIT_FAILURE;
            break;
        }
        if (have_prev) {
            snapshot_clear(&prev);
        }
        prev = cur;
        have_prev = true;
        do {
            sig = sigtimedwait(&stop_sigs, NULL, &ts);
        } while (sig < 0 && errno == EINTR);
        if (sig > 0) {
            stop_requested = sig;
        }
    }
    /* A signal still pending now runs the handler: the loop is over. */
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    if (have_prev) {
        snapshot_clear(&prev);
    }

out:
    free(ctx.db);
    free(ctx.vsctl);
    free(ctx.ofctl);
    free(ctx.appctl);
    free(ctx.appctl_target);
    free(ctx.sandbox_abs);
    return status;
}

static const struct gfp_ctl_command stats_commands[] = {
    { NULL, "[--json] [--watch[=SECS]] [--db DB | --sandbox DIR] ...",
      "OVS, gfp-fwd and PMD counters, and who dropped",
      ctl_stats_main },
};

const struct gfp_ctl_group gfp_ctl_group_stats = {
    .name = "stats",
    .summary = "where the packets went, hop by hop",
    .commands = stats_commands,
    .n_commands = ARRAY_SIZE(stats_commands),
};
