/* gfp-ctl preflight: what only Open vSwitch knows.
 *
 * The Open_vSwitch, Bridge, Port and Interface rows come from
 * ovs-vsctl --format=json (run without a shell); the checks built on
 * them (vhost socket directory, vhost mode, MTU, queues) say "skip" and
 * why when OVS cannot be reached. */
#include <config.h>

#include "preflight.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl-util.h"
#include "ovs.h"
#include "sysfs.h"
#include "util.h"

#define PF_OVS_TIMEOUT_MS 10000

static const char *
ovs_str(const json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *
preflight_ovs_map_get(const json_t *map, const char *key)
{
    return ovs_str(json_object_get(map, key));
}

/* An integer column that may be empty (an empty set). */
static bool
ovs_int(const json_t *v, long long *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    return false;
}

/* Whether 'uuid' is in column value 'v': a UUID or a set of them. */
static bool
ovs_has_uuid(const json_t *v, const char *uuid)
{
    size_t i;
    json_t *e;

    if (json_is_string(v)) {
        return !strcmp(json_string_value(v), uuid);
    }
    json_array_foreach (v, i, e) {
        if (!strcmp(ovs_str(e) ?: "", uuid)) {
            return true;
        }
    }
    return false;
}

static const char *
row_uuid(const json_t *row)
{
    return ovs_row_get(row, "_uuid");
}

int
preflight_ovs_load(struct preflight *pf)
{
    char *db_arg = pf->db ? ctl_xasprintf("--db=%s", pf->db) : NULL;
    char *argv[] = {
        pf->vsctl, "--timeout=5", "--format=json",
        "--", "list", "Open_vSwitch",
        "--", "--columns=name,ports", "list", "Bridge",
        "--", "--columns=_uuid,name,interfaces", "list", "Port",
        "--", "--columns=_uuid,name,type,options,mtu_request,mtu,status",
        "list", "Interface", NULL, NULL,
    };
    json_t **tables[] = { &pf->ovs, &pf->bridges, &pf->ports, &pf->ifaces };
    char *out = NULL, *err = NULL, *line, *save = NULL;
    char perr[OVS_ERR_LEN];
    size_t n = 0;
    int status;

    if (pf->db) {
        if (!db_arg) {
            return -ENOMEM;
        }
        /* --db goes before the first "--". */
        memmove(&argv[2], &argv[1], (ARRAY_SIZE(argv) - 3) * sizeof *argv);
        argv[1] = db_arg;
    }
    status = ctl_run(argv, PF_OVS_TIMEOUT_MS, &out, &err);
    free(db_arg);
    if (status) {
        char *nl = err ? strchr(err, '\n') : NULL;

        if (nl) {
            *nl = '\0';
        }
        if (status < 0) {
            snprintf(pf->ovs_err, sizeof pf->ovs_err, "OVS unreachable: "
                     "%s: %s", pf->vsctl, strerror(-status));
        } else {
            snprintf(pf->ovs_err, sizeof pf->ovs_err, "OVS unreachable: %s",
                     err && err[0] ? err : "ovs-vsctl failed");
        }
        free(out);
        free(err);
        return -EIO;
    }
    for (line = strtok_r(out, "\n", &save); line && n < ARRAY_SIZE(tables);
         line = strtok_r(NULL, "\n", &save)) {
        *tables[n] = ovs_parse_table(line, perr);
        if (!*tables[n]) {
            break;
        }
        n++;
    }
    free(out);
    free(err);
    if (n != ARRAY_SIZE(tables)) {
        snprintf(pf->ovs_err, sizeof pf->ovs_err, "OVS unreachable: %s "
                 "printed no JSON tables (table %zu: %.160s)", pf->vsctl,
                 n + 1, line ? perr : "missing");
        return -EPROTO;
    }
    {
        json_t *first = json_array_get(pf->ovs, 0);

        json_incref(first);
        json_decref(pf->ovs);
        pf->ovs = first;
    }
    if (!pf->ovs) {
        snprintf(pf->ovs_err, sizeof pf->ovs_err, "OVS unreachable: the "
                 "database has no Open_vSwitch row (run 'ovs-vsctl init')");
        return -ENOENT;
    }
    return 0;
}

const char *
preflight_ovs_other_config(const struct preflight *pf, const char *key)
{
    return pf->ovs_ok
           ? preflight_ovs_map_get(json_object_get(pf->ovs, "other_config"),
                                   key)
           : NULL;
}

static bool
is_vhost(const char *type)
{
    return type && (!strcmp(type, "dpdkvhostuser")
                    || !strcmp(type, "dpdkvhostuserclient"));
}

/* The real uid of ovs-vswitchd from its pidfile, or -1. */
static long long
vswitchd_uid(const struct preflight *pf)
{
    char path[PATH_MAX], buf[64], *status = NULL;
    unsigned long long pid;
    long long uid = -1;
    const char *u;

    snprintf(path, sizeof path, "%s/ovs-vswitchd.pid", pf->rundir);
    if (ctl_sysfs_read(pf->rundir_root, path, buf, sizeof buf) <= 0
        || parse_uint(buf, 1, INT_MAX, &pid)) {
        return -1;
    }
    snprintf(path, sizeof path, "/proc/%llu/status", pid);
    if (!ctl_sysfs_slurp(pf->root, path, &status, NULL)
        && (u = strstr(status, "\nUid:")) != NULL) {
        uid = strtoll(u + 5, NULL, 10);
    }
    free(status);
    return uid;
}

void
preflight_check_sock_dir(const struct preflight *pf, struct findings *fs)
{
    const char *conf = preflight_ovs_other_config(pf, "vhost-sock-dir");
    char dir[PATH_MAX];
    struct stat st;
    long long uid;
    int error;

    if (conf && conf[0] == '/') {
        snprintf(dir, sizeof dir, "%s", conf);
    } else {
        snprintf(dir, sizeof dir, "%s%s%s", pf->rundir, conf ? "/" : "",
                 conf ? conf : "");
    }
    error = ctl_sysfs_stat(pf->rundir_root, dir, &st);
    if (error == -ENOENT && !pf->ovs_ok) {
        findings_add(fs, "vhost-sock-dir", dir, FINDING_SKIP, NULL,
            "absent, and OVS cannot be asked where its vhost "
            "sockets go (%s)", pf->ovs_err);
        return;
    } else if (error) {
        findings_add(fs, "vhost-sock-dir", dir, FINDING_WARN,
            ctl_xasprintf("mkdir -p %s", dir), "cannot use it: %s",
            strerror(-error));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        findings_add(fs, "vhost-sock-dir", dir, FINDING_FAIL, NULL,
            "not a directory");
        return;
    }
    uid = vswitchd_uid(pf);
    if (st.st_mode & S_IWOTH && !(st.st_mode & S_ISVTX)) {
        findings_add(fs, "vhost-sock-dir", dir, FINDING_WARN,
            ctl_xasprintf("chmod o-w %s", dir),
            "world-writable (mode %04o): any local user can replace a "
            "vhost-user socket and receive the guest's traffic",
            (unsigned) (st.st_mode & 07777));
    } else if (st.st_mode & S_IWOTH) {
        findings_add(fs, "vhost-sock-dir", dir, FINDING_WARN,
            ctl_xasprintf("chmod o-w,-t %s", dir),
            "world-writable with the sticky bit (mode %04o): any local "
            "user can create sockets there",
            (unsigned) (st.st_mode & 07777));
    } else if (uid >= 0 && st.st_uid != (uid_t) uid) {
        findings_add(fs, "vhost-sock-dir", dir, FINDING_WARN,
            ctl_xasprintf("chown %lld %s", uid, dir),
            "owned by uid %u, but ovs-vswitchd runs as uid %lld: it may "
            "not create or reach its sockets", (unsigned) st.st_uid, uid);
    } else {
        findings_add(fs, "vhost-sock-dir", dir, FINDING_PASS, NULL,
            "mode %04o, owner uid %u%s", (unsigned) (st.st_mode & 07777),
            (unsigned) st.st_uid,
            uid < 0 ? " (ovs-vswitchd's uid unknown: no pidfile)"
                    : ", as ovs-vswitchd");
    }
}

void
preflight_check_vhost_mode(const struct preflight *pf, struct findings *fs)
{
    unsigned n_server = 0, n_client = 0;
    json_t *row;
    size_t i;

    if (!pf->ovs_ok) {
        findings_add(fs, "vhost-mode", NULL, FINDING_SKIP, NULL, "%s",
            pf->ovs_err);
        return;
    }
    json_array_foreach (pf->ifaces, i, row) {
        const char *type = ovs_row_get(row, "type");
        const char *name = ovs_row_get(row, "name");
        const char *path;

        if (!is_vhost(type) || !name) {
            continue;
        }
        path = preflight_ovs_map_get(json_object_get(row, "options"),
                                     "vhost-server-path");
        if (!strcmp(type, "dpdkvhostuser")) {
            n_server++;
            findings_add(fs, "vhost-mode", name, FINDING_WARN,
                ctl_xasprintf("%s set Interface %s type=dpdkvhostuserclient "
                              "options:vhost-server-path="
                              "/var/run/vhost/%s.sock (and start the "
                              "guest's vhost-user as server)",
                              pf->vsctl_cmd, name, name),
                "dpdkvhostuser: OVS is the socket's server, deprecated; the "
                "guest cannot reconnect after OVS restarts");
        } else if (!path || !path[0]) {
            n_client++;
            findings_add(fs, "vhost-mode", name, FINDING_FAIL,
                ctl_xasprintf("%s set Interface %s options:vhost-server-path="
                              "/var/run/vhost/%s.sock", pf->vsctl_cmd, name,
                              name),
                "dpdkvhostuserclient without options:vhost-server-path: "
                "OVS has nothing to connect to");
        } else {
            n_client++;
            findings_add(fs, "vhost-mode", name, FINDING_PASS, NULL,
                "client of %s",
                path);
        }
    }
    if (n_server && n_client) {
        findings_add(fs, "vhost-mode", NULL, FINDING_WARN, NULL,
            "%u server-mode and %u client-mode vhost-user ports: each guest "
            "must be set up the opposite way of its port", n_server, n_client);
    } else if (!n_server && !n_client) {
        findings_add(fs, "vhost-mode", NULL, FINDING_PASS, NULL,
            "no vhost-user ports");
    }
}

/* Bridges joined by patch ports share one path: index of its group. */
static size_t
bridge_group(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        i = parent[i] = parent[parent[i]];
    }
    return i;
}

/* The bridge (index into pf->bridges) an interface row belongs to. */
static long
iface_bridge(const struct preflight *pf, const json_t *iface)
{
    const char *uuid = row_uuid(iface);
    json_t *port, *br;
    size_t i, j;

    if (!uuid) {
        return -1;
    }
    json_array_foreach (pf->ports, i, port) {
        if (!ovs_has_uuid(json_object_get(port, "interfaces"), uuid)) {
            continue;
        }
        json_array_foreach (pf->bridges, j, br) {
            if (ovs_has_uuid(json_object_get(br, "ports"),
                             row_uuid(port) ?: "")) {
                return j;
            }
        }
    }
    return -1;
}

static long
bridge_by_iface_name(const struct preflight *pf, const char *name)
{
    json_t *row;
    size_t i;

    json_array_foreach (pf->ifaces, i, row) {
        if (!strcmp(ovs_row_get(row, "name") ?: "", name)) {
            return iface_bridge(pf, row);
        }
    }
    return -1;
}

/* The bridges joined by patch ports into one path: bridge 'b' is in the
 * path of bridge_group(parent, b). */
struct mtu_paths {
    size_t n_br;
    size_t *parent;             /* Per bridge. */
    long *br_of;                /* Per interface: its bridge, or -1. */
};

static void
mtu_paths_init(const struct preflight *pf, struct mtu_paths *mp)
{
    size_t n_if = json_array_size(pf->ifaces), i;
    json_t *row;

    mp->n_br = json_array_size(pf->bridges);
    mp->parent = ctl_xcalloc(mp->n_br, sizeof *mp->parent);
    mp->br_of = ctl_xcalloc(n_if ? n_if : 1, sizeof *mp->br_of);
    for (i = 0; i < mp->n_br; i++) {
        mp->parent[i] = i;
    }
    json_array_foreach (pf->ifaces, i, row) {
        mp->br_of[i] = iface_bridge(pf, row);
    }
    /* Patch ports join their bridges into one path. */
    json_array_foreach (pf->ifaces, i, row) {
        const char *peer
            = preflight_ovs_map_get(json_object_get(row, "options"), "peer");
        long other;

        if (strcmp(ovs_row_get(row, "type") ?: "", "patch") || !peer
            || mp->br_of[i] < 0) {
            continue;
        }
        other = bridge_by_iface_name(pf, peer);
        if (other >= 0) {
            mp->parent[bridge_group(mp->parent, mp->br_of[i])]
                = bridge_group(mp->parent, other);
        }
    }
}

/* Whether interface 'i' (of type 'type') carries traffic on path 'g':
 * 'internal' ones follow the others, patch ones only join bridges. */
static bool
mtu_path_port(const struct mtu_paths *mp, size_t i, size_t g,
              const char *type)
{
    return (mp->br_of[i] >= 0 && bridge_group(mp->parent, mp->br_of[i]) == g
            && strcmp(type, "internal") && strcmp(type, "patch"));
}

/* "br0+br1": the bridges of path 'g'. */
static void
mtu_path_names(const struct preflight *pf, const struct mtu_paths *mp,
               size_t g, char *names, size_t size)
{
    names[0] = '\0';
    for (size_t b = 0; b < mp->n_br; b++) {
        if (bridge_group(mp->parent, b) == g) {
            size_t len = strlen(names);

            snprintf(names + len, size - len, "%s%s", len ? "+" : "",
                     ovs_row_get(json_array_get(pf->bridges, b), "name")
                     ?: "?");
        }
    }
}

/* The command that raises the other ports of path 'g' to 'max_mtu'. */
static char *
mtu_fix(const struct preflight *pf, const struct mtu_paths *mp, size_t g,
        long long max_mtu)
{
    char *fix = NULL;
    json_t *row;
    size_t i;

    json_array_foreach (pf->ifaces, i, row) {
        const char *type = ovs_row_get(row, "type") ?: "";
        long long req = 1500;
        char *p;

        if (!mtu_path_port(mp, i, g, type)) {
            continue;
        }
        ovs_int(json_object_get(row, "mtu_request"), &req);
        if (req == max_mtu) {
            continue;
        }
        p = ctl_xasprintf("%s%s%s set Interface %s mtu_request=%lld",
                          fix ? fix : pf->vsctl_cmd, fix ? " --" : "",
                          "", ovs_row_get(row, "name") ?: "?", max_mtu);
        free(fix);
        fix = p;
    }
    return fix;
}

static void
check_mtu_path(const struct preflight *pf, struct findings *fs,
               const struct mtu_paths *mp, size_t g)
{
    char names[512], list[1024] = "";
    long long max_mtu = 0, first = -1;
    bool differ = false;
    json_t *row;
    size_t i;

    mtu_path_names(pf, mp, g, names, sizeof names);
    /* Requested MTUs of the ports that carry traffic. */
    json_array_foreach (pf->ifaces, i, row) {
        const char *type = ovs_row_get(row, "type") ?: "";
        long long req = 1500, applied;
        size_t len = strlen(list);

        if (!mtu_path_port(mp, i, g, type)) {
            continue;
        }
        ovs_int(json_object_get(row, "mtu_request"), &req);
        snprintf(list + len, sizeof list - len, "%s%s %lld",
                 len ? ", " : "", ovs_row_get(row, "name") ?: "?", req);
        first = first < 0 ? req : first;
        differ |= req != first;
        max_mtu = MAX(max_mtu, req);
        if (ovs_int(json_object_get(row, "mtu"), &applied)
            && ovs_int(json_object_get(row, "mtu_request"), &req)
            && applied != req) {
            findings_add(fs, "mtu", ovs_row_get(row, "name"), FINDING_FAIL,
                ctl_xasprintf("%s get Interface %s error%s",
                              pf->vsctl_cmd,
                              ovs_row_get(row, "name") ?: "?",
                              is_vhost(type) ? " (the guest must accept "
                              "the MTU: QEMU virtio-net host_mtu=N)" : ""),
                "mtu_request %lld, but the port runs at %lld", req,
                applied);
        }
    }
    if (first < 0) {
        findings_add(fs, "mtu", names, FINDING_PASS, NULL, "no ports");
    } else if (!differ) {
        findings_add(fs, "mtu", names, FINDING_PASS, NULL,
            "one MTU along the path: %lld", first);
    } else {
        findings_add(fs, "mtu", names, FINDING_WARN,
            mtu_fix(pf, mp, g, max_mtu),
            "MTUs differ along the path (%s; unset means 1500): larger frames "
            "are dropped where the MTU is smaller", list);
    }
}

void
preflight_check_mtu(const struct preflight *pf, struct findings *fs)
{
    struct mtu_paths mp;

    if (!pf->ovs_ok) {
        findings_add(fs, "mtu", NULL, FINDING_SKIP, NULL, "%s", pf->ovs_err);
        return;
    }
    if (!json_array_size(pf->bridges)) {
        findings_add(fs, "mtu", NULL, FINDING_PASS, NULL, "no bridges");
        return;
    }
    mtu_paths_init(pf, &mp);
    for (size_t g = 0; g < mp.n_br; g++) {
        if (bridge_group(mp.parent, g) == g) {
            check_mtu_path(pf, fs, &mp, g);
        }
    }
    free(mp.parent);
    free(mp.br_of);
}

void
preflight_check_queues(const struct preflight *pf, struct findings *fs)
{
    unsigned n_pmd;
    bool any = false;
    json_t *row;
    size_t i;

    if (!pf->ovs_ok) {
        findings_add(fs, "queues", NULL, FINDING_SKIP, NULL, "%s",
            pf->ovs_err);
        return;
    }
    if (!pf->have_pmd) {
        findings_add(fs, "queues", NULL, FINDING_SKIP, NULL,
            "PMD count unknown: pmd-cpu-mask not set");
        return;
    }
    n_pmd = cpuset_count(&pf->pmd);
    json_array_foreach (pf->ifaces, i, row) {
        const char *type = ovs_row_get(row, "type");
        const char *name = ovs_row_get(row, "name") ?: "?";
        const char *v;
        unsigned long long rxq = 0;

        if (!is_vhost(type) && strcmp(type ?: "", "dpdk")) {
            continue;
        }
        any = true;
        if (is_vhost(type)) {
            /* The guest decides; OVS reports its vrings (rx + tx). */
            v = preflight_ovs_map_get(json_object_get(row, "status"),
                                      "num_of_vrings");
            if (v && !parse_uint(v, 0, 65536, &rxq)) {
                rxq /= 2;
            }
        } else {
            v = preflight_ovs_map_get(json_object_get(row, "options"),
                                      "n_rxq");
            if (!v || parse_uint(v, 1, 65536, &rxq)) {
                rxq = 1;
            }
        }
        if (!rxq) {
            findings_add(fs, "queues", name, FINDING_PASS, NULL,
                "no guest connected: queue count not known yet");
        } else if (rxq > n_pmd) {
            findings_add(fs, "queues", name, FINDING_WARN,
                is_vhost(type)
                ? ctl_xasprintf("ethtool -L <guest interface> combined %u (in "
                                "the guest), or add PMD cores: %s set "
                                "Open_vSwitch . "
                                "other_config:pmd-cpu-mask=MASK",
                                n_pmd, pf->vsctl_cmd)
                : ctl_xasprintf("%s set Interface %s options:n_rxq=%u",
                                pf->vsctl_cmd, name, n_pmd),
                "%llu rx queues, %u PMD cores: queues share a PMD and the "
                "busiest one limits the rate", rxq, n_pmd);
        } else {
            findings_add(fs, "queues", name, FINDING_PASS, NULL,
                "%llu rx queues, %u PMD cores", rxq, n_pmd);
        }
    }
    if (!any) {
        findings_add(fs, "queues", NULL, FINDING_PASS, NULL,
            "no DPDK or vhost-user ports (%u PMD cores)", n_pmd);
    }
}
