/* gfp-ctl host: set up and tear down OVS-DPDK from a topology file.
 *
 *     gfp-ctl host setup FILE [--dry-run] [--db DB | --sandbox DIR]
 *                             [--root DIR]
 *     gfp-ctl host teardown FILE [--dry-run] [--db DB | --sandbox DIR]
 *
 * The file is validated as a whole first (ctl-topology.c).  Then the
 * database is read, and the commands that make it match the file, or undo
 * what an earlier setup made, are planned; only then does the first
 * ovs-vsctl that changes anything run.  Everything setup creates carries
 * external_ids:gfp-ctl=NAME; the Open_vSwitch other_config keys it sets are
 * recorded in Open_vSwitch external_ids (gfp-ctl-NAME-set lists the keys
 * that were absent, gfp-ctl-NAME-was-KEY keeps a value it replaced), so
 * that teardown removes exactly what setup made and nothing else (a key
 * whose value was the empty string is put back as one).
 *
 * Errors are returned up to ctl_host_main() as its exit status, each said
 * once where it is found. */
#include <config.h>

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpuset.h"
#include "ctl-util.h"
#include "ovs.h"
#include "sysfs.h"
#include "topology.h"
#include "gfp-ctl.h"
#include "util.h"

#define VSCTL_DEFAULT "ovs-vsctl"
#define DB_DEFAULT "unix:/var/run/openvswitch/db.sock"
#define AUTO_SOCKET_MEM_MB 1024
#define HOST_RUN_TIMEOUT_MS 30000       /* At least, for one ovs-vsctl. */

/* The other_config keys an ovs section may set.  Teardown finds the
 * records of a topology by their exact keys (is_record()), never by a
 * prefix: "gfp-ctl-a-" begins the keys of topology "a-was" too.  The keys
 * of two names cannot be equal as long as no key here is "set", ends in
 * "-set" or holds "-was-". */
enum ovs_key { OVS_PMD_CPU_MASK, OVS_DPDK_SOCKET_MEM, OVS_DPDK_EXTRA,
               N_OVS_KEYS };
static const char *const ovs_key_names[N_OVS_KEYS] = {
    [OVS_PMD_CPU_MASK] = "pmd-cpu-mask",
    [OVS_DPDK_SOCKET_MEM] = "dpdk-socket-mem",
    [OVS_DPDK_EXTRA] = "dpdk-extra",
};

/* One ovs-vsctl command line. */
struct cmd {
    char **argv;
    size_t n;
};

struct host_ctx {
    const char *file;
    const struct topology *topo;
    bool dry_run;
    const char *db;             /* --db, or NULL for ovs-vsctl's default. */
    const char *root;           /* "" or --root: where sysfs is read. */
    char *vsctl;                /* The ovs-vsctl to run. */
    unsigned timeout_s;         /* ovs-vsctl's --timeout. */
    unsigned run_timeout_ms;    /* When an ovs-vsctl is killed. */

    /* The database as read before planning; all NULL (an empty OVS) when
     * a dry run cannot reach it. */
    json_t *ovs;                /* The Open_vSwitch row. */
    json_t *bridges, *ports, *ifaces;   /* Arrays of rows. */

    /* Other_config keys of the file with their values (auto resolved). */
    const char *ovs_keys[N_OVS_KEYS];
    char *ovs_values[N_OVS_KEYS];
    size_t n_ovs;

    struct cmd *cmds;
    size_t n_cmds;
};

static void
cmd_add(struct cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cmd_add(struct cmd *cmd, const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    s = ctl_xvasprintf(fmt, args);
    va_end(args);
    cmd->argv = ctl_xrealloc(cmd->argv, (cmd->n + 2) * sizeof *cmd->argv);
    cmd->argv[cmd->n++] = s;
    cmd->argv[cmd->n] = NULL;
}

static void
cmd_free(struct cmd *cmd)
{
    for (size_t i = 0; i < cmd->n; i++) {
        free(cmd->argv[i]);
    }
    free(cmd->argv);
}

/* A command line with the options every ovs-vsctl run gets. */
static struct cmd
cmd_start(const struct host_ctx *ctx)
{
    struct cmd cmd = { NULL, 0 };

    cmd_add(&cmd, "%s", ctx->vsctl);
    if (ctx->db) {
        cmd_add(&cmd, "--db=%s", ctx->db);
    }
    cmd_add(&cmd, "--timeout=%u", ctx->timeout_s);
    return cmd;
}

static void
plan_add(struct host_ctx *ctx, struct cmd cmd)
{
    ctx->cmds = ctl_xrealloc(ctx->cmds, (ctx->n_cmds + 1) * sizeof *ctx->cmds);
    ctx->cmds[ctx->n_cmds++] = cmd;
}

/* 's' as an OVSDB string atom for ovs-vsctl: bare when it is plain (as
 * OVS's own documentation writes PCI addresses, MACs and devargs), else in
 * double quotes. */
static char *
ovsdb_quote(const char *s)
{
    size_t n = strlen(s);
    char *q, *p;

    if (n && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_./:=,@+-") == n) {
        return ctl_xstrdup(s);
    }
    q = p = ctl_xrealloc(NULL, 2 * n + 3);
    *p++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            *p++ = '\\';
        }
        *p++ = *s;
    }
    *p++ = '"';
    *p = '\0';
    return q;
}

/* Prints 'argv' as one shell command line. */
static void
print_cmd(const struct cmd *cmd, FILE *stream)
{
    for (size_t i = 0; i < cmd->n; i++) {
        const char *s = cmd->argv[i];
        size_t n = strlen(s);

        fputs(i ? " " : "", stream);
        if (n && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
                           "XYZ0123456789_./:=,@%+-") == n) {
            fputs(s, stream);
            continue;
        }
        putc('\'', stream);
        for (; *s; s++) {
            if (*s == '\'') {
                fputs("'\\''", stream);
            } else {
                putc(*s, stream);
            }
        }
        putc('\'', stream);
    }
    putc('\n', stream);
}

/* Runs 'cmd' and returns its exit status (a negative errno if it could
 * not be run), with its standard output in '*out' (if 'out' is not NULL)
 * and its standard error, or why it could not be run, in '*err'. */
static int
run_vsctl(const struct host_ctx *ctx, const struct cmd *cmd, char **out,
          char **err)
{
    int status;

    status = ctl_run(cmd->argv, ctx->run_timeout_ms, out, err);
    if (status < 0) {
        free(*err);
        *err = ctl_xasprintf("cannot run %s: %s", cmd->argv[0],
                         status == -ETIMEDOUT ? "no answer in time"
                                              : strerror(-status));
    }
    return status;
}

/* The first line of 'msg' without ovs-vsctl's "ovs-vsctl: " prefix. */
static const char *
first_line(char *msg)
{
    const char *prefix = "ovs-vsctl: ";

    msg[strcspn(msg, "\n")] = '\0';
    if (!strncmp(msg, prefix, strlen(prefix))) {
        return msg + strlen(prefix);
    }
    return msg[0] ? msg : "no error message";
}

/* Why ovs-vsctl could not talk to 'db', from its message 'err' (which
 * names the database itself). */
static const char *
db_error(const char *db, char *err)
{
    const char *msg = first_line(err);
    size_t n = strlen(db);

    if (!strncmp(msg, db, n) && !strncmp(msg + n, ": ", 2)) {
        return msg + n + 2;
    }
    return msg;
}

/* Reads 'columns' of every row of 'table' into '*rows' (see
 * ovs_parse_table()).  Returns 0; -EIO if ovs-vsctl failed, with '*err'
 * what it said; -EPROTO, with '*err' saying so, if it printed something
 * else than the table: never plan against what could not be read. */
static int
db_list(const struct host_ctx *ctx, const char *table, const char *columns,
        json_t **rows, char **err)
{
    struct cmd cmd = cmd_start(ctx);
    char *out = NULL, perr[OVS_ERR_LEN];
    int status;

    *rows = NULL;
    cmd_add(&cmd, "--format=json");
    cmd_add(&cmd, "--data=json");
    cmd_add(&cmd, "--columns=%s", columns);
    cmd_add(&cmd, "list");
    cmd_add(&cmd, "%s", table);
    status = run_vsctl(ctx, &cmd, &out, err);
    cmd_free(&cmd);
    if (!status) {
        *rows = ovs_parse_table(out, perr);
        if (!*rows) {
            free(*err);
            *err = ctl_xasprintf("unexpected output from 'ovs-vsctl list %s': "
                             "%s", table, perr);
        }
    }
    free(out);
    return status ? -EIO : *rows ? 0 : -EPROTO;
}

/* Reads what planning needs.  Returns 0, or EXIT_FAILURE after saying why
 * (unless a dry run, which then plans against an empty OVS). */
static int
db_read(struct host_ctx *ctx)
{
    const char *db = ctx->db ? ctx->db : DB_DEFAULT;
    json_t *ovs = NULL;
    char *err = NULL;
    int error;

    error = db_list(ctx, "Open_vSwitch", "other_config,external_ids", &ovs,
                    &err);
    if (!error) {
        free(err);
        error = db_list(ctx, "Bridge",
                        "_uuid,name,datapath_type,ports,external_ids",
                        &ctx->bridges, &err);
    }
    if (!error) {
        free(err);
        error = db_list(ctx, "Port", "_uuid,name,external_ids", &ctx->ports,
                        &err);
    }
    if (!error) {
        free(err);
        error = db_list(ctx, "Interface", "name,type,options,mtu_request,"
                        "external_ids,error", &ctx->ifaces, &err);
    }
    if (!error) {
        free(err);
        ctx->ovs = json_incref(json_array_get(ovs, 0));
        json_decref(ovs);
        if (!ctx->ovs) {
            fprintf(stderr, "gfp-ctl: the OVS database at %s has no "
                    "Open_vSwitch row: run 'ovs-vsctl init'\n", db);
            return EXIT_FAILURE;
        }
        return 0;
    }
    json_decref(ovs);
    json_decref(ctx->bridges);
    json_decref(ctx->ports);
    ctx->bridges = ctx->ports = NULL;
    if (error == -EPROTO) {
        fprintf(stderr, "gfp-ctl: %s (OVS at %s); nothing was changed\n",
                err, db);
    } else if (ctx->dry_run) {
        fprintf(stderr, "gfp-ctl: note: cannot reach OVS at %s: %s; "
                "showing the commands for an OVS without this topology\n",
                db, db_error(db, err));
        error = 0;
    } else {
        fprintf(stderr, "gfp-ctl: cannot reach OVS at %s: %s\n", db,
                db_error(db, err));
    }
    free(err);
    return error ? EXIT_FAILURE : 0;
}

static json_t *
find_row(json_t *rows, const char *col, const char *value)
{
    json_t *row;
    size_t i;

    json_array_foreach (rows, i, row) {
        const char *s = json_string_value(json_object_get(row, col));

        if (s && !strcmp(s, value)) {
            return row;
        }
    }
    return NULL;
}

/* ovs_row_format(), "" for no value. */
static char *
row_text(const json_t *row, const char *column)
{
    char *v = ovs_row_format(row, column);

    return v ? v : ctl_xstrdup("");
}

static bool
row_is_ours(const struct host_ctx *ctx, const json_t *row)
{
    const char *tag = json_string_value(
        json_object_get(json_object_get(row, "external_ids"), "gfp-ctl"));

    return tag && !strcmp(tag, ctx->topo->name);
}

/* The bridge whose ports include the Port row 'port'. */
static json_t *
bridge_of(const struct host_ctx *ctx, const json_t *port)
{
    const char *uuid = json_string_value(json_object_get(port, "_uuid"));
    json_t *br, *p;
    size_t i, j;

    json_array_foreach (ctx->bridges, i, br) {
        json_t *ports = json_object_get(br, "ports");

        if (json_is_string(ports)) {
            if (!strcmp(json_string_value(ports), uuid)) {
                return br;
            }
            continue;
        }
        json_array_foreach (ports, j, p) {
            if (!strcmp(json_string_value(p), uuid)) {
                return br;
            }
        }
    }
    return NULL;
}

static const char *
row_name(const json_t *row)
{
    return json_string_value(json_object_get(row, "name"));
}

/* Resolving "auto", from the sysfs under ctx->root. */

static int
pci_numa_node(const struct host_ctx *ctx, const char *pci)
{
    char path[128];
    long long node;

    snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/numa_node", pci);
    if (ctl_sysfs_read_int(ctx->root, path, &node) || node < 0
        || node >= 64) {
        return -1;
    }
    return node;
}

/* The NUMA nodes of the file's NICs, as a bit set; node 0 when none is
 * known (vhost-user and net_pmmap ports only, or no NUMA). */
static uint64_t
nic_nodes(const struct host_ctx *ctx)
{
    const struct topology *topo = ctx->topo;
    uint64_t nodes = 0;

    for (size_t i = 0; i < topo->n_bridges; i++) {
        for (size_t j = 0; j < topo->bridges[i].n_ports; j++) {
            const struct topo_port *p = &topo->bridges[i].ports[j];
            int node = p->pci ? pci_numa_node(ctx, p->pci) : -1;

            if (node >= 0) {
                nodes |= UINT64_C(1) << node;
            }
        }
    }
    return nodes ? nodes : 1;
}

/* The largest queue count the file asks for, at least 1. */
static unsigned
max_queues(const struct topology *topo)
{
    unsigned q = 1;

    for (size_t i = 0; i < topo->n_bridges; i++) {
        for (size_t j = 0; j < topo->bridges[i].n_ports; j++) {
            if (topo->bridges[i].ports[j].queues > q) {
                q = topo->bridges[i].ports[j].queues;
            }
        }
    }
    return q;
}

/* The CPUs this process may use (all, if the root has no /proc). */
static void
allowed_cpus(const struct host_ctx *ctx, struct cpuset *allowed)
{
    char *status = NULL, *line;

    if (!ctl_sysfs_slurp(ctx->root, "/proc/self/status", &status, NULL)
        && (line = strstr(status, "\nCpus_allowed_list:")) != NULL) {
        line += strlen("\nCpus_allowed_list:");
        line += strspn(line, " \t");
        line[strcspn(line, "\n")] = '\0';
        if (!cpuset_parse_list(line, allowed)) {
            free(status);
            return;
        }
    }
    free(status);
    memset(allowed->bits, 0xff, sizeof allowed->bits);
}

/* The CPUs of NUMA node 'node', into 'cpus'; a platform without NUMA
 * has its online CPUs on node 0. */
static void
node_cpus(const struct host_ctx *ctx, const struct ctl_nodes *nodes,
          int node, struct cpuset *cpus)
{
    const struct cpuset *c = ctl_sysfs_node_cpus(nodes, node);
    char list[4096];

    memset(cpus, 0, sizeof *cpus);
    if (c) {
        *cpus = *c;
    } else if (!nodes->n && !node
               && ctl_sysfs_read(ctx->root, "/sys/devices/system/cpu/online",
                                 list, sizeof list) >= 0) {
        cpuset_parse_list(list, cpus);
    }
}

/* pmd-cores: auto: on each NIC's node, as many CPUs as the most queues a
 * port asks for (at least one), never CPU 0 (the kernel's and OVS's main
 * thread's), only CPUs this process may use. */
static int
auto_pmd_cores(const struct host_ctx *ctx, const struct ctl_nodes *nodes,
               struct cpuset *pmd)
{
    uint64_t nics = nic_nodes(ctx);
    unsigned want = max_queues(ctx->topo);
    struct cpuset allowed;

    allowed_cpus(ctx, &allowed);
    for (int node = 0; node < 64; node++) {
        struct cpuset cpus;
        unsigned got = 0;

        if (!(nics & (UINT64_C(1) << node))) {
            continue;
        }
        node_cpus(ctx, nodes, node, &cpus);
        for (unsigned cpu = 1; cpu < CPUSET_MAX && got < want; cpu++) {
            if (cpuset_has(&allowed, cpu) && cpuset_has(&cpus, cpu)) {
                cpuset_set(pmd, cpu);
                got++;
            }
        }
        if (!got) {
            fprintf(stderr, "gfp-ctl: %s: ovs.pmd-cores: auto found no CPU "
                    "on NUMA node %d other than CPU 0; list the cores\n",
                    ctx->file, node);
            return EXIT_FAILURE;
        }
    }
    return 0;
}

/* Fills ctx->ovs_keys/values from the file's ovs section. */
static int
resolve_ovs(struct host_ctx *ctx)
{
    const struct topology *topo = ctx->topo;
    struct ctl_nodes nodes;

    ctl_sysfs_read_nodes(ctx->root, &nodes);
    if (topo->pmd_cores.given) {
        struct cpuset pmd;
        char *mask;

        memset(&pmd, 0, sizeof pmd);
        if (topo->pmd_cores.is_auto) {
            int error = auto_pmd_cores(ctx, &nodes, &pmd);

            if (error) {
                return error;
            }
        }
        for (size_t i = 0; i < topo->pmd_cores.n; i++) {
            cpuset_set(&pmd, topo->pmd_cores.v[i]);
        }
        mask = cpuset_mask(&pmd);
        ctx->ovs_keys[ctx->n_ovs] = ovs_key_names[OVS_PMD_CPU_MASK];
        ctx->ovs_values[ctx->n_ovs++] = mask;
    }
    if (topo->socket_mem.given) {
        char *s = ctl_xstrdup("");

        if (topo->socket_mem.is_auto) {
            uint64_t nics = nic_nodes(ctx);
            int n = 1;

            for (int i = 0; i < nodes.n; i++) {
                if (nodes.id[i] + 1 > n) {
                    n = nodes.id[i] + 1;
                }
            }
            for (int i = 0; i < n && i < 64; i++) {
                char *t = ctl_xasprintf("%s%s%d", s, i ? "," : "",
                                    nics & (UINT64_C(1) << i)
                                    ? AUTO_SOCKET_MEM_MB : 0);
                free(s);
                s = t;
            }
        }
        for (size_t i = 0; i < topo->socket_mem.n; i++) {
            char *t = ctl_xasprintf("%s%s%u", s, i ? "," : "",
                                topo->socket_mem.v[i]);
            free(s);
            s = t;
        }
        ctx->ovs_keys[ctx->n_ovs] = ovs_key_names[OVS_DPDK_SOCKET_MEM];
        ctx->ovs_values[ctx->n_ovs++] = s;
    }
    if (topo->dpdk_extra) {
        ctx->ovs_keys[ctx->n_ovs] = ovs_key_names[OVS_DPDK_EXTRA];
        ctx->ovs_values[ctx->n_ovs++] = ctl_xstrdup(topo->dpdk_extra);
    }
    return 0;
}

/* Planning. */

/* The Interface columns a port of the file sets: "column" or "column:key",
 * and the value. */
struct setting {
    char *column;
    char *value;
};

static size_t
port_settings(const struct host_ctx *ctx, const struct topo_port *p,
              struct setting s[8])
{
    size_t n = 0;

#define SET(COLUMN, ...)                        \
    (s[n].column = ctl_xstrdup(COLUMN),         \
     s[n++].value = ctl_xasprintf(__VA_ARGS__))
    SET("type", "%s", p->type == TOPO_VHOST_USER_CLIENT
        ? "dpdkvhostuserclient" : "dpdk");
    switch (p->type) {
    case TOPO_VHOST_USER_CLIENT:
        SET("options:vhost-server-path", "%s", p->socket);
        break;
    case TOPO_DPDK:
    case TOPO_DPDK_VF:
        SET("options:dpdk-devargs", "%s", p->pci);
        break;
    case TOPO_PMMAP:
        if (p->queues) {
            SET("options:dpdk-devargs", "net_pmmap_%s,iface=%s,queues=%u",
                p->name, p->iface, p->queues);
        } else {
            SET("options:dpdk-devargs", "net_pmmap_%s,iface=%s", p->name,
                p->iface);
        }
        break;
    }
    if (p->mac) {
        SET("options:dpdk-vf-mac", "%s", p->mac);
    }
    /* OVS takes a vhost-user port's queue count from the guest; the file's
     * is kept for preflight to compare against. */
    if (p->queues && p->type != TOPO_VHOST_USER_CLIENT) {
        SET("options:n_rxq", "%u", p->queues);
    }
    if (p->mtu) {
        SET("mtu_request", "%u", p->mtu);
    }
    SET("external_ids:gfp-ctl", "%s", ctx->topo->name);
    if (p->queues && p->type == TOPO_VHOST_USER_CLIENT) {
        SET("external_ids:gfp-queues", "%u", p->queues);
    }
#undef SET
    return n;
}

static void
cmd_add_setting(struct cmd *cmd, const struct setting *s)
{
    char *q = ovsdb_quote(s->value);

    cmd_add(cmd, "%s=%s", s->column, q);
    free(q);
}

static int
plan_port(struct host_ctx *ctx, const struct topo_bridge *br,
          const struct topo_port *p)
{
    const char *name = ctx->topo->name;
    json_t *prow = find_row(ctx->ports, "name", p->name);
    json_t *irow = find_row(ctx->ifaces, "name", p->name);
    struct setting s[8];
    size_t n = port_settings(ctx, p, s);
    char differs[256] = "";
    struct cmd cmd = cmd_start(ctx);
    bool change = false;
    int error = 0;

    if (!prow) {
        cmd_add(&cmd, "add-port");
        cmd_add(&cmd, "%s", br->name);
        cmd_add(&cmd, "%s", p->name);
        cmd_add(&cmd, "--");
        cmd_add(&cmd, "set");
        cmd_add(&cmd, "Port");
        cmd_add(&cmd, "%s", p->name);
        cmd_add(&cmd, "external_ids:gfp-ctl=%s", name);
        cmd_add(&cmd, "--");
        cmd_add(&cmd, "set");
        cmd_add(&cmd, "Interface");
        cmd_add(&cmd, "%s", p->name);
        for (size_t i = 0; i < n; i++) {
            cmd_add_setting(&cmd, &s[i]);
        }
        change = true;
    } else {
        json_t *brow = bridge_of(ctx, prow);

        if (!brow || strcmp(row_name(brow), br->name)) {
            fprintf(stderr, "gfp-ctl: port %s exists on bridge %s, not on "
                    "%s; delete it or rename the port in %s\n", p->name,
                    brow ? row_name(brow) : "(none)", br->name, ctx->file);
            error = EXIT_FAILURE;
            goto out;
        }
        bool ours = row_is_ours(ctx, prow);

        cmd_add(&cmd, "set");
        cmd_add(&cmd, "Interface");
        cmd_add(&cmd, "%s", p->name);
        for (size_t i = 0; i < n; i++) {
            char *cur = row_text(irow, s[i].column);

            /* A port as the file wants it but made by someone else is
             * used as it is, and not tagged: teardown leaves it. */
            if (strcmp(cur, s[i].value)
                && (ours || strcmp(s[i].column, "external_ids:gfp-ctl"))) {
                cmd_add_setting(&cmd, &s[i]);
                snprintf(differs + strlen(differs),
                         sizeof differs - strlen(differs), "%s%s",
                         change ? ", " : "", s[i].column);
                change = true;
            }
            free(cur);
        }
        if (change && !ours) {
            fprintf(stderr, "gfp-ctl: port %s exists but gfp-ctl did not "
                    "create it for %s, and it differs in %s; delete it or "
                    "rename the port in %s\n", p->name, name, differs,
                    ctx->file);
            error = EXIT_FAILURE;
            goto out;
        }
    }
    if (change) {
        plan_add(ctx, cmd);
        cmd.argv = NULL;
        cmd.n = 0;
    }
out:
    cmd_free(&cmd);
    for (size_t i = 0; i < n; i++) {
        free(s[i].column);
        free(s[i].value);
    }
    return error;
}

static int
plan_bridge(struct host_ctx *ctx, const struct topo_bridge *br)
{
    json_t *row = find_row(ctx->bridges, "name", br->name);
    int error;

    if (!row) {
        struct cmd cmd = cmd_start(ctx);

        if (find_row(ctx->ports, "name", br->name)) {
            fprintf(stderr, "gfp-ctl: %s is a port of another bridge; "
                    "rename the bridge in %s\n", br->name, ctx->file);
            cmd_free(&cmd);
            return EXIT_FAILURE;
        }
        cmd_add(&cmd, "add-br");
        cmd_add(&cmd, "%s", br->name);
        cmd_add(&cmd, "--");
        cmd_add(&cmd, "set");
        cmd_add(&cmd, "Bridge");
        cmd_add(&cmd, "%s", br->name);
        cmd_add(&cmd, "datapath_type=netdev");
        cmd_add(&cmd, "external_ids:gfp-ctl=%s", ctx->topo->name);
        plan_add(ctx, cmd);
    } else {
        char *dp = row_text(row, "datapath_type");
        bool netdev = !strcmp(dp, "netdev");

        if (!netdev) {
            fprintf(stderr, "gfp-ctl: bridge %s exists with datapath_type "
                    "'%s', not netdev: DPDK ports need a netdev bridge; "
                    "rename the bridge in %s\n", br->name, dp, ctx->file);
        }
        free(dp);
        if (!netdev) {
            return EXIT_FAILURE;
        }
    }
    for (size_t i = 0; i < br->n_ports; i++) {
        error = plan_port(ctx, br, &br->ports[i]);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* The keys listed in the Open_vSwitch record gfp-ctl-NAME-set. */
static bool
set_has(const char *list, const char *key)
{
    size_t n = strlen(key);

    for (const char *p = list; *p; p += strcspn(p, ",") + !!p[strcspn(p,
                                                                       ",")]) {
        if (strcspn(p, ",") == n && !strncmp(p, key, n)) {
            return true;
        }
    }
    return false;
}

/* A change to a key of a map column of the Open_vSwitch row, from 'old'
 * to 'new' (NULL: absent), that setup or teardown plans. */
struct ovs_change {
    const char *column;         /* "other_config" or "external_ids". */
    char *key;
    char *old, *new;
};

struct ovs_changes {
    struct ovs_change *v;
    size_t n;
};

/* Adds a change; takes over 'old' and 'new'. */
static void
change_add(struct ovs_changes *list, const char *column, const char *key,
           char *old, char *new)
{
    list->v = ctl_xrealloc(list->v, (list->n + 1) * sizeof *list->v);
    list->v[list->n++] = (struct ovs_change) {
        column, ctl_xstrdup(key), old, new,
    };
}

/* Plans the changes of 'list' that change anything as one ovs-vsctl
 * transaction, in their order: a run of keys removed from one column is
 * one "remove", a run of keys set one "set".  Frees the list. */
static void
plan_ovs_changes(struct host_ctx *ctx, struct ovs_changes *list)
{
    struct cmd cmd = cmd_start(ctx);
    const struct ovs_change *prev = NULL;

    for (size_t i = 0; i < list->n; i++) {
        const struct ovs_change *c = &list->v[i];

        if (c->old && c->new ? !strcmp(c->old, c->new) : c->old == c->new) {
            continue;
        }
        if (!prev || !prev->new != !c->new
            || (!c->new && strcmp(prev->column, c->column))) {
            if (prev) {
                cmd_add(&cmd, "--");
            }
            cmd_add(&cmd, "%s", c->new ? "set" : "remove");
            cmd_add(&cmd, "Open_vSwitch");
            cmd_add(&cmd, ".");
            if (!c->new) {
                cmd_add(&cmd, "%s", c->column);
            }
        }
        if (c->new) {
            char *q = ovsdb_quote(c->new);

            cmd_add(&cmd, "%s:%s=%s", c->column, c->key, q);
            free(q);
        } else {
            cmd_add(&cmd, "%s", c->key);
        }
        prev = c;
    }
    if (prev) {
        plan_add(ctx, cmd);
    } else {
        cmd_free(&cmd);
    }
    for (size_t i = 0; i < list->n; i++) {
        free(list->v[i].key);
        free(list->v[i].old);
        free(list->v[i].new);
    }
    free(list->v);
}

/* Sets the file's other_config keys and records, once, what each was:
 * gfp-ctl-NAME-set lists the keys that were absent, gfp-ctl-NAME-was-KEY
 * keeps a value that was there (an empty one too). */
static void
plan_ovs_setup(struct host_ctx *ctx)
{
    const char *name = ctx->topo->name;
    char *set_key = ctl_xasprintf("gfp-ctl-%s-set", name);
    char *set_col = ctl_xasprintf("external_ids:%s", set_key);
    char *set_list = ovs_row_format(ctx->ovs, set_col);
    char *new_list = ctl_xstrdup(set_list ? set_list : "");
    struct ovs_changes list = { NULL, 0 };

    for (size_t i = 0; i < ctx->n_ovs; i++) {
        const char *key = ctx->ovs_keys[i];
        char *col = ctl_xasprintf("other_config:%s", key);
        char *was_key = ctl_xasprintf("gfp-ctl-%s-was-%s", name, key);
        char *was_col = ctl_xasprintf("external_ids:%s", was_key);
        char *cur = ovs_row_format(ctx->ovs, col);
        char *was = ovs_row_format(ctx->ovs, was_col);

        /* Only the first setup records: a later one changes a value that
         * is already ours. */
        bool record = (!cur || strcmp(cur, ctx->ovs_values[i]))
                      && !set_has(new_list, key) && !was;

        change_add(&list, "other_config", key, cur ? ctl_xstrdup(cur) : NULL,
                   ctl_xstrdup(ctx->ovs_values[i]));
        if (record && cur) {
            change_add(&list, "external_ids", was_key, NULL, cur);
            cur = NULL;
        } else if (record) {
            char *t = ctl_xasprintf("%s%s%s", new_list, new_list[0] ? "," : "",
                                key);

            free(new_list);
            new_list = t;
        }
        free(cur);
        free(col);
        free(was_key);
        free(was_col);
        free(was);
    }
    if (!new_list[0] && !set_list) {
        free(new_list);
        new_list = NULL;
    }
    change_add(&list, "external_ids", set_key, set_list, new_list);
    plan_ovs_changes(ctx, &list);
    free(set_key);
    free(set_col);
}

static int
plan_setup(struct host_ctx *ctx)
{
    plan_ovs_setup(ctx);
    for (size_t i = 0; i < ctx->topo->n_bridges; i++) {
        int error = plan_bridge(ctx, &ctx->topo->bridges[i]);

        if (error) {
            return error;
        }
    }
    return 0;
}

static void
plan_del(struct host_ctx *ctx, const char *what, const char *br,
         const char *port)
{
    struct cmd cmd = cmd_start(ctx);

    cmd_add(&cmd, "--if-exists");
    cmd_add(&cmd, "%s", what);
    cmd_add(&cmd, "%s", br);
    if (port) {
        cmd_add(&cmd, "%s", port);
    }
    plan_add(ctx, cmd);
}

static int
compare_rows(const void *a_, const void *b_)
{
    const json_t *const *a = a_, *const *b = b_;

    return strcmp(row_name(*a), row_name(*b));
}

/* The rows of 'rows' (or the Port rows whose UUIDs 'uuids' lists) that
 * have a name, sorted by name, so that plans come out in a stable order. */
static json_t **
sorted_rows(const struct host_ctx *ctx, json_t *rows, json_t *uuids,
            size_t *np)
{
    size_t n = 0, i;
    json_t **v, *row;

    if (uuids && json_is_string(uuids)) {
        v = ctl_xrealloc(NULL, sizeof *v);
        row = find_row(ctx->ports, "_uuid", json_string_value(uuids));
        if (row) {
            v[n++] = row;
        }
    } else if (uuids) {
        json_t *u;

        v = ctl_xrealloc(NULL, json_array_size(uuids) * sizeof *v);
        json_array_foreach (uuids, i, u) {
            row = find_row(ctx->ports, "_uuid", json_string_value(u));
            if (row) {
                v[n++] = row;
            }
        }
    } else {
        v = ctl_xrealloc(NULL, json_array_size(rows) * sizeof *v);
        json_array_foreach (rows, i, row) {
            v[n++] = row;
        }
    }
    qsort(v, n, sizeof *v, compare_rows);
    *np = n;
    return v;
}

/* Deletes the ports and bridges tagged with the topology's name, whether
 * or not the file still lists them; a bridge that holds ports gfp-ctl did
 * not create is kept. */
static void
plan_teardown_db(struct host_ctx *ctx)
{
    size_t n_brs, n_ports;
    json_t **brs = sorted_rows(ctx, ctx->bridges, NULL, &n_brs);

    for (size_t i = 0; i < n_brs; i++) {
        json_t *br = brs[i];
        json_t **ports = sorted_rows(ctx, NULL,
                                     json_object_get(br, "ports"), &n_ports);
        char foreign[256] = "";

        for (size_t j = 0; j < n_ports; j++) {
            const char *pname = row_name(ports[j]);

            if (!strcmp(pname, row_name(br))) {
                continue;
            }
            if (row_is_ours(ctx, ports[j])) {
                plan_del(ctx, "del-port", row_name(br), pname);
            } else {
                snprintf(foreign + strlen(foreign),
                         sizeof foreign - strlen(foreign), "%s%s",
                         foreign[0] ? ", " : "", pname);
            }
        }
        free(ports);
        if (row_is_ours(ctx, br)) {
            if (foreign[0]) {
                fprintf(stderr, "gfp-ctl: note: keeping bridge %s: it has "
                        "ports gfp-ctl did not create (%s)\n", row_name(br),
                        foreign);
            } else {
                plan_del(ctx, "del-br", row_name(br), NULL);
            }
        }
    }
    free(brs);
}

/* What teardown does with other_config:KEY: nothing (setup did not set it,
 * or it was changed since), remove it (it was absent), or put back the
 * value it replaced. */
enum undo { UNDO_NONE, UNDO_REMOVE, UNDO_RESTORE };

static enum undo
plan_undo(const struct host_ctx *ctx, size_t i, const char *set_list,
          char **cur, char **was)
{
    const char *key = ctx->ovs_keys[i];
    char *col = ctl_xasprintf("other_config:%s", key);
    char *was_col = ctl_xasprintf("external_ids:gfp-ctl-%s-was-%s",
                              ctx->topo->name, key);
    enum undo undo = UNDO_NONE;

    /* Without the database: undo what setup makes on an OVS that had none
     * of the keys. */
    *cur = (ctx->ovs ? ovs_row_format(ctx->ovs, col)
            : ctl_xstrdup(ctx->ovs_values[i]));
    *was = ctx->ovs ? ovs_row_format(ctx->ovs, was_col) : NULL;
    if (!set_has(set_list, key) && !*was) {
        /* Not set by this topology's setup. */
    } else if (!*cur || strcmp(*cur, ctx->ovs_values[i])) {
        fprintf(stderr, "gfp-ctl: note: leaving other_config:%s%s%s: it "
                "was %s after setup\n", key, *cur ? "=" : "",
                *cur ? *cur : "", *cur ? "changed" : "removed");
    } else {
        undo = *was ? UNDO_RESTORE : UNDO_REMOVE;
    }
    free(col);
    free(was_col);
    return undo;
}

/* Whether 'key' of external_ids is one of topology 'name''s records:
 * gfp-ctl-NAME-set or gfp-ctl-NAME-was-KEY. */
static bool
is_record(const char *name, const char *key)
{
    static const char prefix[] = "gfp-ctl-";
    size_t len = strlen(name);

    if (strncmp(key, prefix, strlen(prefix))) {
        return false;
    }
    key += strlen(prefix);
    if (strncmp(key, name, len) || key[len] != '-') {
        return false;
    }
    key += len + 1;
    if (!strcmp(key, "set")) {
        return true;
    }
    if (strncmp(key, "was-", 4)) {
        return false;
    }
    for (size_t i = 0; i < N_OVS_KEYS; i++) {
        if (!strcmp(key + 4, ovs_key_names[i])) {
            return true;
        }
    }
    return false;
}

/* One transaction: remove the keys that were absent, put back the values
 * that were replaced, drop the records whatever became of the values. */
static void
plan_ovs_teardown(struct host_ctx *ctx)
{
    const char *name = ctx->topo->name;
    char *set_col = ctl_xasprintf("external_ids:gfp-ctl-%s-set", name);
    char *set_list = ctx->ovs ? row_text(ctx->ovs, set_col) : ctl_xstrdup("");
    struct ovs_changes list = { NULL, 0 };
    enum undo undo[ARRAY_SIZE(ctx->ovs_keys)];
    char *cur[ARRAY_SIZE(ctx->ovs_keys)], *was[ARRAY_SIZE(ctx->ovs_keys)];
    const char *key;
    json_t *v;

    for (size_t i = 0; !ctx->ovs && i < ctx->n_ovs; i++) {
        char *t = ctl_xasprintf("%s%s%s", set_list, i ? "," : "",
                            ctx->ovs_keys[i]);
        free(set_list);
        set_list = t;
    }
    for (size_t i = 0; i < ctx->n_ovs; i++) {
        undo[i] = plan_undo(ctx, i, set_list, &cur[i], &was[i]);
    }
    for (enum undo pass = UNDO_REMOVE; pass <= UNDO_RESTORE; pass++) {
        for (size_t i = 0; i < ctx->n_ovs; i++) {
            if (undo[i] == pass) {
                change_add(&list, "other_config", ctx->ovs_keys[i], cur[i],
                           was[i]);
                cur[i] = was[i] = NULL;
            }
        }
    }
    for (size_t i = 0; i < ctx->n_ovs; i++) {
        free(cur[i]);
        free(was[i]);
    }
    if (ctx->ovs) {
        json_object_foreach (json_object_get(ctx->ovs, "external_ids"),
                             key, v) {
            if (is_record(name, key)) {
                change_add(&list, "external_ids", key,
                           ctl_xstrdup(json_string_value(v) ?: ""), NULL);
            }
        }
    } else if (ctx->n_ovs) {
        char *set_key = ctl_xasprintf("gfp-ctl-%s-set", name);

        change_add(&list, "external_ids", set_key, ctl_xstrdup(set_list),
                   NULL);
        free(set_key);
    }
    plan_ovs_changes(ctx, &list);
    free(set_list);
    free(set_col);
}

static void
plan_teardown(struct host_ctx *ctx)
{
    if (ctx->bridges) {
        plan_teardown_db(ctx);
    } else {
        for (size_t i = 0; i < ctx->topo->n_bridges; i++) {
            const struct topo_bridge *br = &ctx->topo->bridges[i];

            for (size_t j = 0; j < br->n_ports; j++) {
                plan_del(ctx, "del-port", br->name, br->ports[j].name);
            }
            plan_del(ctx, "del-br", br->name, NULL);
        }
    }
    plan_ovs_teardown(ctx);
}

/* Running the plan. */

static int
apply(struct host_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_cmds; i++) {
        char *err;
        int status;

        print_cmd(&ctx->cmds[i], stdout);
        if (ctx->dry_run) {
            continue;
        }
        fflush(stdout);
        status = run_vsctl(ctx, &ctx->cmds[i], NULL, &err);
        if (status) {
            if (status > 0) {
                fprintf(stderr, "gfp-ctl: ovs-vsctl failed (exit status %d):"
                        " %s\n", status, first_line(err));
            } else {
                fprintf(stderr, "gfp-ctl: %s\n", err);
            }
            if (i + 1 < ctx->n_cmds) {
                fprintf(stderr, "gfp-ctl: %zu of %zu commands were run; fix "
                        "the cause and run the same command again\n", i,
                        ctx->n_cmds);
            }
            free(err);
            return EXIT_FAILURE;
        }
        free(err);
    }
    return 0;
}

/* After setup: did ovs-vswitchd take every port? */
static int
check_ports(struct host_ctx *ctx)
{
    char *err = NULL;
    json_t *ifaces;
    int status = 0;

    if (db_list(ctx, "Interface", "name,error", &ifaces, &err)) {
        fprintf(stderr, "gfp-ctl: cannot read back the interfaces: %s\n",
                first_line(err));
        free(err);
        return EXIT_FAILURE;
    }
    free(err);
    for (size_t i = 0; i < ctx->topo->n_bridges; i++) {
        const struct topo_bridge *br = &ctx->topo->bridges[i];

        for (size_t j = 0; j < br->n_ports; j++) {
            json_t *row = find_row(ifaces, "name", br->ports[j].name);
            char *e;

            if (!row) {
                fprintf(stderr, "gfp-ctl: port %s is not in the database "
                        "after setup\n", br->ports[j].name);
                status = EXIT_FAILURE;
                continue;
            }
            e = row_text(row, "error");
            if (e[0]) {
                fprintf(stderr, "gfp-ctl: ovs-vswitchd rejected port %s: "
                        "%s\n", br->ports[j].name, e);
                status = EXIT_FAILURE;
            }
            free(e);
        }
    }
    json_decref(ifaces);
    return status;
}

/* --sandbox DIR: the database and the ovs-vsctl of a gfp-sandbox. */
static int
load_sandbox(struct host_ctx *ctx, const char *dir, char **db)
{
    char err[OVS_ERR_LEN];
    struct ovs_sandbox sb;
    int error;

    error = ovs_sandbox_load(dir, &sb, err);
    if (error == -ENOENT) {
        fprintf(stderr, "gfp-ctl: no sandbox in %s (%s/gfp-sandbox.state: "
                "%s); start one with 'gfp-sandbox start --dir %s'\n", dir,
                dir, strerror(-error), dir);
        return EXIT_FAILURE;
    } else if (error) {
        fprintf(stderr, "gfp-ctl: --sandbox %s: %s\n", dir, err);
        return EXIT_FAILURE;
    }
    ovs_sandbox_take(db, &sb.db);
    if (sb.vsctl && !access(sb.vsctl, X_OK)) {
        ovs_sandbox_take(&ctx->vsctl, &sb.vsctl);
    }
    ovs_sandbox_destroy(&sb);
    return 0;
}

int
ctl_host_main(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    struct host_ctx ctx = {
        .timeout_s = (opts->timeout_ms + 999) / 1000,
        .vsctl = ctl_xstrdup(VSCTL_DEFAULT),
    };
    const char *sandbox = NULL, *db = NULL, *root = NULL;
    struct topology *topo = NULL;
    char *sandbox_db = NULL;
    char *error_msg;
    bool setup = false;
    int status = 0;

    if (argc < 2) {
        status = gfp_ctl_usage_error("host needs a command: setup or "
                                     "teardown");
        goto out;
    }
    if (!strcmp(argv[1], "setup")) {
        setup = true;
    } else if (!strcmp(argv[1], "teardown")) {
        setup = false;
    } else {
        status = gfp_ctl_usage_error("unknown host command '%s': expected "
                                     "setup or teardown", argv[1]);
        goto out;
    }
    for (int i = 2; i < argc && !status; i++) {
        static const char *const valued[] = { "--db", "--sandbox", "--root" };
        const char **dsts[] = { &db, &sandbox, &root };
        const char *a = argv[i];
        size_t k, len = 0;

        for (k = 0; k < ARRAY_SIZE(valued); k++) {
            len = strlen(valued[k]);
            if (!strncmp(a, valued[k], len) && (!a[len] || a[len] == '=')) {
                break;
            }
        }
        if (!strcmp(a, "--dry-run")) {
            ctx.dry_run = true;
        } else if (k < ARRAY_SIZE(valued)) {
            const char *v = a[len] ? a + len + 1 : argv[++i];

            if (!v || !v[0]) {
                status = gfp_ctl_option_error(NULL, ':', valued[k]);
            } else {
                *dsts[k] = v;
            }
        } else if (a[0] == '-' && a[1]) {
            status = gfp_ctl_usage_error("unknown option '%s' for host %s",
                                         a, argv[1]);
        } else if (!ctx.file) {
            ctx.file = a;
        } else {
            status = gfp_ctl_usage_error("unexpected argument '%s' for "
                                         "host %s", a, argv[1]);
        }
    }
    if (!status && !ctx.file) {
        status = gfp_ctl_usage_error("usage: gfp-ctl host %s FILE "
                                     "[--dry-run] [--db DB | --sandbox DIR] "
                                     "[--root DIR]", argv[1]);
    } else if (!status && db && sandbox) {
        status = gfp_ctl_usage_error("give --db or --sandbox, not both");
    } else if (!status && root
               && (root[0] != '/' || !ctl_sysfs_exists("", root))) {
        status = gfp_ctl_usage_error("--root '%s' is not an existing "
                                     "absolute directory", root);
    }
    if (status) {
        goto out;
    }
    ctx.root = root && strcmp(root, "/") ? root : "";

    /* The whole file first: nothing runs for a file with an error. */
    if (topology_load(ctx.file, &topo, &error_msg)) {
        fprintf(stderr, "gfp-ctl: %s\n", error_msg);
        free(error_msg);
        status = GFP_CTL_EXIT_USAGE;
        goto out;
    }
    ctx.topo = topo;
    ctx.run_timeout_ms = ctx.timeout_s * 1000 + 5000 > HOST_RUN_TIMEOUT_MS
                         ? ctx.timeout_s * 1000 + 5000 : HOST_RUN_TIMEOUT_MS;

    status = sandbox ? load_sandbox(&ctx, sandbox, &sandbox_db) : 0;
    ctx.db = sandbox ? sandbox_db : db;
    if (!status) {
        status = resolve_ovs(&ctx);
    }
    if (!status) {
        status = db_read(&ctx);
    }
    if (!status) {
        if (setup) {
            status = plan_setup(&ctx);
        } else {
            plan_teardown(&ctx);
        }
    }
    if (!status) {
        status = apply(&ctx);
    }
    if (!status && setup && !ctx.dry_run && ctx.n_cmds) {
        status = check_ports(&ctx);
    }

out:
    for (size_t i = 0; i < ctx.n_cmds; i++) {
        cmd_free(&ctx.cmds[i]);
    }
    free(ctx.cmds);
    for (size_t i = 0; i < ctx.n_ovs; i++) {
        free(ctx.ovs_values[i]);
    }
    json_decref(ctx.ovs);
    json_decref(ctx.bridges);
    json_decref(ctx.ports);
    json_decref(ctx.ifaces);
    free(sandbox_db);
    free(ctx.vsctl);
    topology_destroy(topo);
    return status;
}
