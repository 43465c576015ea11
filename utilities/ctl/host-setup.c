/* gfp-ctl host: what setup plans: the ovs section resolved
 * ("auto" values from the system), bridges and ports. */
#include <config.h>

#include "host.h"

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
#include "util.h"

/* The Interface columns a port of the file sets: "column" or "column:key",
 * and the value. */
struct setting {
    char *column;
    char *value;
};

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
int
host_resolve_ovs(struct host_ctx *ctx)
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
        ctx->ovs_keys[ctx->n_ovs] = host_ovs_key_names[HOST_PMD_CPU_MASK];
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
                                        ? HOST_AUTO_SOCKET_MEM_MB : 0);
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
        ctx->ovs_keys[ctx->n_ovs] = host_ovs_key_names[HOST_DPDK_SOCKET_MEM];
        ctx->ovs_values[ctx->n_ovs++] = s;
    }
    if (topo->dpdk_extra) {
        ctx->ovs_keys[ctx->n_ovs] = host_ovs_key_names[HOST_DPDK_EXTRA];
        ctx->ovs_values[ctx->n_ovs++] = ctl_xstrdup(topo->dpdk_extra);
    }
    return 0;
}

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
cmd_add_setting(struct host_cmd *cmd, const struct setting *s)
{
    char *q = host_ovsdb_quote(s->value);

    host_cmd_add(cmd, "%s=%s", s->column, q);
    free(q);
}

/* A new port: add it, tag it, set its interface. */
static void
plan_new_port(const struct host_ctx *ctx, const struct topo_bridge *br,
              const struct topo_port *p, const struct setting *s, size_t n,
              struct host_cmd *cmd)
{
    host_cmd_add(cmd, "add-port");
    host_cmd_add(cmd, "%s", br->name);
    host_cmd_add(cmd, "%s", p->name);
    host_cmd_add(cmd, "--");
    host_cmd_add(cmd, "set");
    host_cmd_add(cmd, "Port");
    host_cmd_add(cmd, "%s", p->name);
    host_cmd_add(cmd, "external_ids:gfp-ctl=%s", ctx->topo->name);
    host_cmd_add(cmd, "--");
    host_cmd_add(cmd, "set");
    host_cmd_add(cmd, "Interface");
    host_cmd_add(cmd, "%s", p->name);
    for (size_t i = 0; i < n; i++) {
        cmd_add_setting(cmd, &s[i]);
    }
}

/* A port that exists ('prow'): set what differs from the file, if the
 * port is on the file's bridge and gfp-ctl made it.  Returns 0 or an exit
 * status, with '*change' whether 'cmd' changes anything. */
static int
plan_existing_port(const struct host_ctx *ctx, const struct topo_bridge *br,
                   const struct topo_port *p, json_t *prow,
                   const struct setting *s, size_t n, struct host_cmd *cmd,
                   bool *change)
{
    json_t *irow = host_find_row(ctx->ifaces, "name", p->name);
    json_t *brow = host_bridge_of(ctx, prow);
    char differs[256] = "";
    bool ours;

    if (!brow || strcmp(host_row_name(brow), br->name)) {
        fprintf(stderr, "gfp-ctl: port %s exists on bridge %s, not on "
                "%s; delete it or rename the port in %s\n", p->name,
                brow ? host_row_name(brow) : "(none)", br->name,
                ctx->file);
        return EXIT_FAILURE;
    }
    ours = host_row_is_ours(ctx, prow);
    host_cmd_add(cmd, "set");
    host_cmd_add(cmd, "Interface");
    host_cmd_add(cmd, "%s", p->name);
    for (size_t i = 0; i < n; i++) {
        char *cur = host_row_text(irow, s[i].column);

        /* A port as the file wants it but made by someone else is used
         * as it is, and not tagged: teardown leaves it. */
        if (strcmp(cur, s[i].value)
            && (ours || strcmp(s[i].column, "external_ids:gfp-ctl"))) {
            cmd_add_setting(cmd, &s[i]);
            snprintf(differs + strlen(differs),
                     sizeof differs - strlen(differs), "%s%s",
                     *change ? ", " : "", s[i].column);
            *change = true;
        }
        free(cur);
    }
    if (*change && !ours) {
        fprintf(stderr, "gfp-ctl: port %s exists but gfp-ctl did not "
                "create it for %s, and it differs in %s; delete it or "
                "rename the port in %s\n", p->name, ctx->topo->name,
                differs, ctx->file);
        return EXIT_FAILURE;
    }
    return 0;
}

static int
plan_port(struct host_ctx *ctx, const struct topo_bridge *br,
          const struct topo_port *p)
{
    json_t *prow = host_find_row(ctx->ports, "name", p->name);
    struct host_cmd cmd = host_cmd_start(ctx);
    struct setting s[8];
    size_t n = port_settings(ctx, p, s);
    bool change = false;
    int error = 0;

    if (!prow) {
        plan_new_port(ctx, br, p, s, n, &cmd);
        change = true;
    } else {
        error = plan_existing_port(ctx, br, p, prow, s, n, &cmd, &change);
    }
    if (!error && change) {
        host_plan_add(ctx, cmd);
        cmd.argv = NULL;
        cmd.n = 0;
    }
    host_cmd_free(&cmd);
    for (size_t i = 0; i < n; i++) {
        free(s[i].column);
        free(s[i].value);
    }
    return error;
}

static int
plan_bridge(struct host_ctx *ctx, const struct topo_bridge *br)
{
    json_t *row = host_find_row(ctx->bridges, "name", br->name);
    int error;

    if (!row) {
        struct host_cmd cmd = host_cmd_start(ctx);

        if (host_find_row(ctx->ports, "name", br->name)) {
            fprintf(stderr, "gfp-ctl: %s is a port of another bridge; "
                    "rename the bridge in %s\n", br->name, ctx->file);
            host_cmd_free(&cmd);
            return EXIT_FAILURE;
        }
        host_cmd_add(&cmd, "add-br");
        host_cmd_add(&cmd, "%s", br->name);
        host_cmd_add(&cmd, "--");
        host_cmd_add(&cmd, "set");
        host_cmd_add(&cmd, "Bridge");
        host_cmd_add(&cmd, "%s", br->name);
        host_cmd_add(&cmd, "datapath_type=netdev");
        host_cmd_add(&cmd, "external_ids:gfp-ctl=%s", ctx->topo->name);
        host_plan_add(ctx, cmd);
    } else {
        char *dp = host_row_text(row, "datapath_type");
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
    struct host_changes list = { NULL, 0 };

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
                      && !host_set_has(new_list, key) && !was;

        host_change_add(&list, "other_config", key,
                        cur ? ctl_xstrdup(cur) : NULL,
                        ctl_xstrdup(ctx->ovs_values[i]));
        if (record && cur) {
            host_change_add(&list, "external_ids", was_key, NULL, cur);
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
    host_change_add(&list, "external_ids", set_key, set_list, new_list);
    host_plan_ovs_changes(ctx, &list);
    free(set_key);
    free(set_col);
}

int
host_plan_setup(struct host_ctx *ctx)
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
