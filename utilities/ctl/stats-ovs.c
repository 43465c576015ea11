/* gfp-ctl stats: reading OVS.
 *
 * Every OVS interface: OpenFlow port counters, live, from 'ovs-ofctl
 * dump-ports'; the ovs_* software drop counters from the Interface table's
 * statistics column, which OVS refreshes every 5 s.  The datapath threads
 * from pmd-stats-show and pmd-perf-show.  The parsers are ovs.c's;
 * here the tools are run (or, for the tests, replayed) and the results
 * joined by interface. */
#include <config.h>

#include "ctl-stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_TOOL_TIMEOUT "--timeout=5"

#define VSCTL(CTX, ...) \
    (CTX)->vsctl, (CTX)->db, STATS_TOOL_TIMEOUT, __VA_ARGS__

const struct ctl_stats_sw_info ctl_stats_sw_counters[N_SW_COUNTERS] = {
#define SW_INFO(NAME, DROP, MEANING) { #NAME, DROP, MEANING },
    OVS_SW_COUNTERS(SW_INFO)
#undef SW_INFO
};

char *
ctl_stats_read_file(const char *path, char err[OVS_ERR_LEN])
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
        return ctl_xstrdup("");
    }
    return text;
}

int
ctl_stats_tool__(const struct ctl_stats_ctx *ctx, const char *name,
                 char *const argv[], size_t n, char **out,
                 char err[OVS_ERR_LEN])
{
    char *args[16];
    size_t n_args = 0;

    if (ctx->args->replay) {
        char *path = ctl_xasprintf("%s/%s", ctx->args->replay, name);

        *out = ctl_stats_read_file(path, err);
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

/* Takes the tools and database of the gfp-sandbox in 'dir'. */
static int
load_sandbox(struct ctl_stats_ctx *ctx, const char *dir)
{
    char err[OVS_ERR_LEN];
    struct ovs_sandbox sb;
    int error;

    error = ovs_sandbox_load(dir, &sb, err);
    if (error) {
        fprintf(stderr, "gfp-ctl: stats: --sandbox %s: %s\n", dir,
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
    ctx->appctl_target = ctl_xasprintf("%s/ovs-vswitchd.ctl",
                                             ctx->sandbox);
    return 0;
}

int
ctl_stats_ctx_init(struct ctl_stats_ctx *ctx,
                   const struct ctl_stats_args *args)
{
    const char *db = args->db;

    memset(ctx, 0, sizeof *ctx);
    ctx->args = args;
    ctx->vsctl = ctl_xstrdup("ovs-vsctl");
    ctx->ofctl = ctl_xstrdup("ovs-ofctl");
    ctx->appctl = ctl_xstrdup("ovs-appctl");
    if (args->no_ovs) {
        return 0;
    }
    if (args->sandbox) {
        if (load_sandbox(ctx, args->sandbox)) {
            return -1;
        }
        snprintf(ctx->source, sizeof ctx->source, "sandbox %s",
                 ctx->sandbox);
    } else {
        ctx->db = db ? ctl_xstrdup(db) : NULL;
        snprintf(ctx->source, sizeof ctx->source, "%s",
                 db ? db : "the system's OVS");
    }
    /* ovs-vsctl takes the database as one "--db=DB" word. */
    if (ctx->db) {
        char *word = ctl_xasprintf("--db=%s", ctx->db);

        free(ctx->db);
        ctx->db = word;
    }
    return 0;
}

void
ctl_stats_ctx_destroy(struct ctl_stats_ctx *ctx)
{
    free(ctx->db);
    free(ctx->vsctl);
    free(ctx->ofctl);
    free(ctx->appctl);
    free(ctx->appctl_target);
    free(ctx->sandbox_abs);
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
        list = ctl_xrealloc(list, (*n + 2) * sizeof *list);
        list[(*n)++] = line;
        list[*n] = NULL;
    }
    return list;
}

/* Fills in 'iface' from its Interface 'row' and the live counters of its
 * OpenFlow port among 'ports'. */
static void
iface_fill(struct ctl_stats_iface *iface, const json_t *row,
           const struct ovs_port_stats *ports, size_t n_ports)
{
    json_t *stats = json_object_get(row, "statistics");
    json_t *ofport = json_object_get(row, "ofport");
    char num[24];

    iface->ofport = json_is_integer(ofport) ? json_integer_value(ofport) : -1;
    iface->type = ctl_xstrdup(row_string(row, "type"));
    iface->link_state = ctl_xstrdup(row_string(row, "link_state"));
    for (int k = 0; k < N_SW_COUNTERS; k++) {
        iface->sw[k] = map_counter(stats, ctl_stats_sw_counters[k].name);
    }
    /* Live OpenFlow counters; where the port has none ("?", e.g. a
     * vhost-user port whose guest is gone) the 5 s old database's. */
#define IFACE_FROM_DB(NAME, KEY, RX)                                    \
    iface->NAME = map_counter(stats, #NAME);
    OVS_PORT_COUNTERS(IFACE_FROM_DB);
#undef IFACE_FROM_DB

    /* dump-ports names the bridge's own port LOCAL. */
    snprintf(num, sizeof num, "%lld", iface->ofport);
    if (iface->ofport == 65534) {
        snprintf(num, sizeof num, "LOCAL");
    }
    for (size_t j = 0; j < n_ports; j++) {
        if (strcmp(ports[j].port, num)) {
            continue;
        }
#define IFACE_FROM_OF(NAME, KEY, RX)                                    \
        if (ports[j].NAME != OVS_NO_VALUE) {                            \
            iface->NAME = ports[j].NAME;                                \
        }
        OVS_PORT_COUNTERS(IFACE_FROM_OF);
#undef IFACE_FROM_OF
    }
}

static struct ctl_stats_iface *
iface_add(struct ctl_stats_reading *r, const char *name, const char *bridge)
{
    struct ctl_stats_iface *p;

    r->ifaces = ctl_xrealloc(r->ifaces, (r->n_ifaces + 1) * sizeof *p);
    p = &r->ifaces[r->n_ifaces++];
    memset(p, 0, sizeof *p);
    p->name = ctl_xstrdup(name);
    p->bridge = ctl_xstrdup(bridge);
    return p;
}

/* The interface names and live port counters of 'bridge'. */
static int
read_bridge_tools(const struct ctl_stats_ctx *ctx, const char *bridge,
                  char **names_text, struct ovs_port_stats **ports,
                  size_t *n_ports, char err[OVS_ERR_LEN])
{
    char *file, *target, *ports_text = NULL, perr[OVS_ERR_LEN];
    int error;

    file = ctl_xasprintf("list-ifaces-%s", bridge);
    error = ctl_stats_tool(ctx, file, names_text, err,
                           VSCTL(ctx, "list-ifaces", (char *) bridge));
    free(file);
    if (error) {
        return -1;
    }

    /* The sandbox's bridges listen in its directory, not OVS's rundir. */
    target = ctx->sandbox
             ? ctl_xasprintf("unix:%s/%s.mgmt", ctx->sandbox, bridge)
             : ctl_xstrdup(bridge);
    file = ctl_xasprintf("dump-ports-%s", bridge);
    error = ctl_stats_tool(ctx, file, &ports_text, err, ctx->ofctl,
                           STATS_TOOL_TIMEOUT, "--no-names", "dump-ports",
                           target);
    free(file);
    if (!error && ovs_parse_dump_ports(ports_text, ports, n_ports, perr)) {
        snprintf(err, OVS_ERR_LEN, "unexpected output from 'ovs-ofctl "
                 "dump-ports %.60s': %.400s", target, perr);
        error = -1;
    }
    free(ports_text);
    free(target);
    return error;
}

/* Fills in the interfaces of 'bridge' from 'table' (the Interface rows,
 * from ovs_parse_table()) and the bridge's dump-ports. */
static int
read_bridge(const struct ctl_stats_ctx *ctx, const char *bridge,
            json_t *table, struct ctl_stats_reading *r,
            char err[OVS_ERR_LEN])
{
    char *names_text = NULL, **names = NULL;
    struct ovs_port_stats *ports = NULL;
    size_t n_names, n_ports = 0;
    int error = -1;

    if (read_bridge_tools(ctx, bridge, &names_text, &ports, &n_ports, err)) {
        goto out;
    }
    names = split_lines(names_text, &n_names);
    for (size_t i = 0; i < n_names; i++) {
        json_t *row = NULL, *rw;
        size_t j;

        json_array_foreach (table, j, rw) {
            if (!strcmp(row_string(rw, "name"), names[i])) {
                row = rw;
                break;
            }
        }
        if (!row) {
            snprintf(err, OVS_ERR_LEN, "interface %s of bridge %s is not "
                     "in the Interface table", names[i], bridge);
            goto out;
        }
        iface_fill(iface_add(r, names[i], bridge), row, ports, n_ports);
    }
    error = 0;

out:
    free(names);
    free(names_text);
    free(ports);
    return error;
}

/* The bridges (all, or --bridge) with their interfaces. */
static int
read_bridges(const struct ctl_stats_ctx *ctx, struct ctl_stats_reading *r,
             char err[OVS_ERR_LEN])
{
    char *brs_text = NULL, *table_text = NULL, **brs = NULL;
    const char *only = ctx->args->bridge;
    char perr[OVS_ERR_LEN];
    json_t *table = NULL;
    size_t n_brs;
    int error = -1;

    if (ctl_stats_tool(ctx, "list-br", &brs_text, err,
                       VSCTL(ctx, "list-br"))
        || ctl_stats_tool(ctx, "interfaces", &table_text, err,
                          VSCTL(ctx, "--format=json", "--columns=name,"
                                "ofport,type,link_state,statistics",
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
    if (only) {
        bool found = false;

        for (size_t i = 0; i < n_brs; i++) {
            found |= !strcmp(brs[i], only);
        }
        if (!found) {
            snprintf(err, OVS_ERR_LEN, "no bridge '%s' in OVS (%s)", only,
                     ctx->source);
            goto out;
        }
    }
    for (size_t i = 0; i < n_brs; i++) {
        if ((!only || !strcmp(brs[i], only))
            && read_bridge(ctx, brs[i], table, r, err)) {
            goto out;
        }
    }
    error = 0;

out:
    json_decref(table);
    free(brs);
    free(brs_text);
    free(table_text);
    return error;
}

/* The datapath threads: stats, then perf (run without histograms). */
static int
read_pmds(const struct ctl_stats_ctx *ctx, struct ctl_stats_reading *r,
          char err[OVS_ERR_LEN])
{
    char *target = ctx->appctl_target, *text = NULL, perr[OVS_ERR_LEN];
    int error = -1;

    if (ctl_stats_tool(ctx, "pmd-stats-show", &text, err, ctx->appctl,
                       STATS_TOOL_TIMEOUT, target ? "-t" : NULL, target,
                       "dpif-netdev/pmd-stats-show")) {
        goto out;
    }
    if (ovs_parse_pmd_stats(text, &r->pmds, perr)) {
        snprintf(err, OVS_ERR_LEN, "unexpected output from 'ovs-appctl "
                 "dpif-netdev/pmd-stats-show': %.400s", perr);
        goto out;
    }
    free(text);
    text = NULL;
    if (ctl_stats_tool(ctx, "pmd-perf-show", &text, err, ctx->appctl,
                       STATS_TOOL_TIMEOUT, target ? "-t" : NULL, target,
                       "dpif-netdev/pmd-perf-show", "-nh")) {
        goto out;
    }
    if (ovs_parse_pmd_perf(text, &r->pmds, perr)) {
        snprintf(err, OVS_ERR_LEN, "unexpected output from 'ovs-appctl "
                 "dpif-netdev/pmd-perf-show -nh': %.400s", perr);
        goto out;
    }
    error = 0;

out:
    free(text);
    return error;
}

int
ctl_stats_read_ovs(const struct ctl_stats_ctx *ctx,
                   struct ctl_stats_reading *r, char err[OVS_ERR_LEN])
{
    if (read_bridges(ctx, r, err) || read_pmds(ctx, r, err)) {
        return -1;
    }
    r->have_ovs = true;
    return 0;
}

int
ctl_stats_clear_pmd(const struct ctl_stats_ctx *ctx, char err[OVS_ERR_LEN])
{
    char *target = ctx->appctl_target, *text = NULL;
    int error;

    error = ctl_stats_tool(ctx, "pmd-stats-clear", &text, err, ctx->appctl,
                           STATS_TOOL_TIMEOUT, target ? "-t" : NULL, target,
                           "dpif-netdev/pmd-stats-clear");
    free(text);
    return error;
}

uint64_t
ctl_stats_iface_drops(const struct ctl_stats_iface *iface)
{
    uint64_t of = ctl_stats_known(iface->rx_dropped)
                  + ctl_stats_known(iface->tx_dropped)
                  + ctl_stats_known(iface->rx_errors)
                  + ctl_stats_known(iface->tx_errors);
    uint64_t sw = 0;

    for (int k = 0; k < N_SW_COUNTERS; k++) {
        if (ctl_stats_sw_counters[k].drop) {
            sw += ctl_stats_known(iface->sw[k]);
        }
    }
    return of > sw ? of : sw;
}
