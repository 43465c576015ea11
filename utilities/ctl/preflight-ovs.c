/* gfp-ctl preflight: what only Open vSwitch knows.
 *
 * The Open_vSwitch, Bridge, Port and Interface rows come from
 * ovs-vsctl --format=json (run without a shell); the checks built on
 * them (vhost socket directory, vhost mode, MTU, queues, OVS version
 * and dpdk-init, the plugin's DPDK ABI, the NUMA node of each vhost-user
 * guest's memory) say "skip" and why when OVS cannot be reached. */
#include <config.h>

#include "preflight.h"

#include "ctl-util.h"
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ovs.h"
#include "sysfs.h"
#include "util.h"

#define PF_OVS_TIMEOUT_MS 10000

/* --- OVS. --- */

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

/* --- Checks. --- */

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
preflight_ovs_check_sock_dir(struct preflight *pf)
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
        pf_add(pf, "vhost-sock-dir", dir, SEV_SKIP, NULL, "absent, and OVS "
            "cannot be asked where its vhost sockets go (%s)", pf->ovs_err);
        return;
    } else if (error) {
        pf_add(pf, "vhost-sock-dir", dir, SEV_WARN,
            ctl_xasprintf("mkdir -p %s", dir), "cannot use it: %s",
            strerror(-error));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        pf_add(pf, "vhost-sock-dir", dir, SEV_FAIL, NULL, "not a directory");
        return;
    }
    uid = vswitchd_uid(pf);
    if (st.st_mode & S_IWOTH && !(st.st_mode & S_ISVTX)) {
        pf_add(pf, "vhost-sock-dir", dir, SEV_WARN,
            ctl_xasprintf("chmod o-w %s", dir),
            "world-writable (mode %04o): any local user can replace a "
            "vhost-user socket and receive the guest's traffic",
            (unsigned) (st.st_mode & 07777));
    } else if (st.st_mode & S_IWOTH) {
        pf_add(pf, "vhost-sock-dir", dir, SEV_WARN,
            ctl_xasprintf("chmod o-w,-t %s", dir),
            "world-writable with the sticky bit (mode %04o): any local "
            "user can create sockets there",
            (unsigned) (st.st_mode & 07777));
    } else if (uid >= 0 && st.st_uid != (uid_t) uid) {
        pf_add(pf, "vhost-sock-dir", dir, SEV_WARN,
            ctl_xasprintf("chown %lld %s", uid, dir),
            "owned by uid %u, but ovs-vswitchd runs as uid %lld: it may "
            "not create or reach its sockets", (unsigned) st.st_uid, uid);
    } else {
        pf_add(pf, "vhost-sock-dir", dir, SEV_PASS, NULL,
            "mode %04o, owner uid %u%s", (unsigned) (st.st_mode & 07777),
            (unsigned) st.st_uid,
            uid < 0 ? " (ovs-vswitchd's uid unknown: no pidfile)"
                    : ", as ovs-vswitchd");
    }
}

void
preflight_ovs_check_vhost_mode(struct preflight *pf)
{
    unsigned n_server = 0, n_client = 0;
    json_t *row;
    size_t i;

    if (!pf->ovs_ok) {
        pf_add(pf, "vhost-mode", NULL, SEV_SKIP, NULL, "%s", pf->ovs_err);
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
            pf_add(pf, "vhost-mode", name, SEV_WARN,
                ctl_xasprintf("%s set Interface %s type=dpdkvhostuserclient "
                           "options:vhost-server-path=/var/run/vhost/%s.sock"
                           " (and start the guest's vhost-user as server)",
                           pf->vsctl_cmd, name, name),
                "dpdkvhostuser: OVS is the socket's server, deprecated; the "
                "guest cannot reconnect after OVS restarts");
        } else if (!path || !path[0]) {
            n_client++;
            pf_add(pf, "vhost-mode", name, SEV_FAIL,
                ctl_xasprintf("%s set Interface %s options:vhost-server-path="
                           "/var/run/vhost/%s.sock", pf->vsctl_cmd, name,
                           name),
                "dpdkvhostuserclient without options:vhost-server-path: "
                "OVS has nothing to connect to");
        } else {
            n_client++;
            pf_add(pf, "vhost-mode", name, SEV_PASS, NULL, "client of %s",
                path);
        }
    }
    if (n_server && n_client) {
        pf_add(pf, "vhost-mode", NULL, SEV_WARN, NULL, "%u server-mode and %u "
            "client-mode vhost-user ports: each guest must be set up the "
            "opposite way of its port", n_server, n_client);
    } else if (!n_server && !n_client) {
        pf_add(pf, "vhost-mode", NULL, SEV_PASS, NULL, "no vhost-user ports");
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

void
preflight_ovs_check_mtu(struct preflight *pf)
{
    size_t n_br, n_if, *parent, i;
    long *br_of;
    json_t *row;

    if (!pf->ovs_ok) {
        pf_add(pf, "mtu", NULL, SEV_SKIP, NULL, "%s", pf->ovs_err);
        return;
    }
    n_br = json_array_size(pf->bridges);
    n_if = json_array_size(pf->ifaces);
    if (!n_br) {
        pf_add(pf, "mtu", NULL, SEV_PASS, NULL, "no bridges");
        return;
    }
    parent = ctl_xcalloc(n_br, sizeof *parent);
    br_of = ctl_xcalloc(n_if ? n_if : 1, sizeof *br_of);
    for (i = 0; i < n_br; i++) {
        parent[i] = i;
    }
    json_array_foreach (pf->ifaces, i, row) {
        br_of[i] = iface_bridge(pf, row);
    }
    /* Patch ports join their bridges into one path. */
    json_array_foreach (pf->ifaces, i, row) {
        const char *peer
            = preflight_ovs_map_get(json_object_get(row, "options"), "peer");
        long other;

        if (strcmp(ovs_row_get(row, "type") ?: "", "patch") || !peer
            || br_of[i] < 0) {
            continue;
        }
        other = bridge_by_iface_name(pf, peer);
        if (other >= 0) {
            parent[bridge_group(parent, br_of[i])]
                = bridge_group(parent, other);
        }
    }

    for (size_t g = 0; g < n_br; g++) {
        long long max_mtu = 0;
        char names[512] = "", list[1024] = "", *fix = NULL;
        bool differ = false, any = false;
        long long first = -1;

        if (bridge_group(parent, g) != g) {
            continue;
        }
        for (size_t b = 0; b < n_br; b++) {
            if (bridge_group(parent, b) == g) {
                size_t len = strlen(names);

                snprintf(names + len, sizeof names - len, "%s%s",
                         len ? "+" : "",
                         ovs_row_get(json_array_get(pf->bridges, b), "name")
                         ?: "?");
            }
        }
        /* Requested MTUs of the ports that carry traffic ('internal'
         * ones follow the others). */
        json_array_foreach (pf->ifaces, i, row) {
            const char *type = ovs_row_get(row, "type") ?: "";
            long long req = 1500, applied;
            size_t len = strlen(list);

            if (br_of[i] < 0 || bridge_group(parent, br_of[i]) != g
                || !strcmp(type, "internal") || !strcmp(type, "patch")) {
                continue;
            }
            ovs_int(json_object_get(row, "mtu_request"), &req);
            snprintf(list + len, sizeof list - len, "%s%s %lld",
                     len ? ", " : "", ovs_row_get(row, "name") ?: "?", req);
            if (first < 0) {
                first = req;
            }
            differ |= req != first;
            max_mtu = MAX(max_mtu, req);
            any = true;
            if (ovs_int(json_object_get(row, "mtu"), &applied)
                && ovs_int(json_object_get(row, "mtu_request"), &req)
                && applied != req) {
                pf_add(pf, "mtu", ovs_row_get(row, "name"), SEV_FAIL,
                    ctl_xasprintf("%s get Interface %s error%s",
                               pf->vsctl_cmd, ovs_row_get(row, "name") ?: "?",
                               is_vhost(type) ? " (the guest must accept "
                               "the MTU: QEMU virtio-net host_mtu=N)" : ""),
                    "mtu_request %lld, but the port runs at %lld", req,
                    applied);
            }
        }
        if (!any) {
            pf_add(pf, "mtu", names, SEV_PASS, NULL, "no ports");
            continue;
        }
        if (!differ) {
            pf_add(pf, "mtu", names, SEV_PASS, NULL, "one MTU along the path: "
                "%lld", first);
            continue;
        }
        /* Raise the others to the largest. */
        json_array_foreach (pf->ifaces, i, row) {
            const char *type = ovs_row_get(row, "type") ?: "";
            long long req = 1500;
            char *p;

            if (br_of[i] < 0 || bridge_group(parent, br_of[i]) != g
                || !strcmp(type, "internal") || !strcmp(type, "patch")) {
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
        pf_add(pf, "mtu", names, SEV_WARN, fix, "MTUs differ along the path "
            "(%s; unset means 1500): larger frames are dropped where the "
            "MTU is smaller", list);
    }
    free(parent);
    free(br_of);
}

void
preflight_ovs_check_queues(struct preflight *pf)
{
    unsigned n_pmd;
    bool any = false;
    json_t *row;
    size_t i;

    if (!pf->ovs_ok) {
        pf_add(pf, "queues", NULL, SEV_SKIP, NULL, "%s", pf->ovs_err);
        return;
    }
    if (!pf->have_pmd) {
        pf_add(pf, "queues", NULL, SEV_SKIP, NULL, "PMD count unknown: "
            "pmd-cpu-mask not set");
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
            pf_add(pf, "queues", name, SEV_PASS, NULL, "no guest connected: "
                "queue count not known yet");
        } else if (rxq > n_pmd) {
            pf_add(pf, "queues", name, SEV_WARN,
                is_vhost(type)
                ? ctl_xasprintf("ethtool -L <guest interface> combined %u (in "
                             "the guest), or add PMD cores: %s set "
                             "Open_vSwitch . other_config:pmd-cpu-mask=MASK",
                             n_pmd, pf->vsctl_cmd)
                : ctl_xasprintf("%s set Interface %s options:n_rxq=%u",
                             pf->vsctl_cmd, name, n_pmd),
                "%llu rx queues, %u PMD cores: queues share a PMD and the "
                "busiest one limits the rate", rxq, n_pmd);
        } else {
            pf_add(pf, "queues", name, SEV_PASS, NULL, "%llu rx queues, %u "
                "PMD cores", rxq, n_pmd);
        }
    }
    if (!any) {
        pf_add(pf, "queues", NULL, SEV_PASS, NULL, "no DPDK or vhost-user "
            "ports (%u PMD cores)", n_pmd);
    }
}

/* "22.11.1" -> the ABI major DPDK's shared libraries carry in their
 * soname: YY.11 starts ABI YY+1, which YY+1.03 and .07 keep. */
static int
dpdk_abi_major(const char *version, unsigned *abi)
{
    unsigned yy, mm;

    while (*version && !isdigit((unsigned char) *version)) {
        version++;
    }
    if (sscanf(version, "%u.%u", &yy, &mm) != 2 || yy < 16 || yy > 99
        || mm < 1 || mm > 12) {
        return -EINVAL;
    }
    *abi = mm >= 11 ? yy + 1 : yy;
    return 0;
}

/* The ABI major in the DT_NEEDED of ELF file 'path' for the library whose
 * soname starts with 'lib' ("librte_ethdev.so."), read without running
 * anything. */
static int
elf_needed_abi(const char *root, const char *path, const char *lib,
               unsigned *abi)
{
    const Elf64_Ehdr *eh;
    const Elf64_Shdr *sh;
    size_t len;
    char *data;
    int error = -ENOENT;

    error = ctl_sysfs_slurp(root, path, &data, &len);
    if (error) {
        return error;
    }
    error = -ENOEXEC;
    eh = (const Elf64_Ehdr *) data;
    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG)
        || eh->e_ident[EI_CLASS] != ELFCLASS64
        || eh->e_shentsize != sizeof *sh
        || eh->e_shoff > len
        || (size_t) eh->e_shnum * sizeof *sh > len - eh->e_shoff) {
        goto out;
    }
    sh = (const Elf64_Shdr *) (data + eh->e_shoff);
    error = -ENOENT;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *str;

        if (sh[i].sh_type != SHT_DYNAMIC || sh[i].sh_link >= eh->e_shnum) {
            continue;
        }
        str = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > len || sh[i].sh_size > len - sh[i].sh_offset
            || str->sh_offset > len || str->sh_size > len - str->sh_offset) {
            error = -ENOEXEC;
            goto out;
        }
        for (size_t off = 0; off + sizeof (Elf64_Dyn) <= sh[i].sh_size;
             off += sizeof (Elf64_Dyn)) {
            Elf64_Dyn dyn;
            const char *name;

            memcpy(&dyn, data + sh[i].sh_offset + off, sizeof dyn);
            if (dyn.d_tag == DT_NULL) {
                break;
            }
            if (dyn.d_tag != DT_NEEDED || dyn.d_un.d_val >= str->sh_size) {
                continue;
            }
            name = data + str->sh_offset + dyn.d_un.d_val;
            if (!memchr(name, '\0', str->sh_size - dyn.d_un.d_val)) {
                continue;
            }
            if (!strncmp(name, lib, strlen(lib))) {
                unsigned long long v;
                char num[16];

                snprintf(num, sizeof num, "%s", name + strlen(lib));
                num[strcspn(num, ".")] = '\0';
                if (!parse_uint(num, 0, 1000, &v)) {
                    *abi = v;
                    error = 0;
                    goto out;
                }
            }
        }
    }

out:
    free(data);
    return error;
}

/* Finds program 'name' in $PATH (for reading its ELF), or NULL. */
static char *
which(const char *name)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL, *found = NULL;

    if (strchr(name, '/')) {
        return ctl_xstrdup(name);
    }
    copy = ctl_xstrdup(path ? path : "/usr/bin:/bin");
    for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char *p = ctl_xasprintf("%s/%s", dir, name);

        if (p && !access(p, X_OK)) {
            found = p;
        } else {
            free(p);
        }
    }
    free(copy);
    return found;
}

/* The plugin loaded with "-d PATH" in dpdk-extra, or NULL. */
static char *
plugin_from_extra(const char *extra)
{
    const char *p;

    for (p = extra; p && (p = strstr(p, "-d")) != NULL; p += 2) {
        if ((p == extra || p[-1] == ' ') && (p[2] == ' ' || p[2] == '=')) {
            const char *s = p + 3;
            size_t len;

            while (*s == ' ') {
                s++;
            }
            len = strcspn(s, " ");
            if (len && strstr(s, "pmmap")) {
                return ctl_xasprintf("%.*s", (int) len, s);
            }
        }
    }
    return NULL;
}

void
preflight_ovs_check_versions(struct preflight *pf)
{
    char *argv[] = { pf->vswitchd, "--version", NULL };
    char ovs_ver[64] = "", dpdk_ver[64] = "", *out = NULL;
    char switch_dpdk[128];
    const char *db_dpdk = NULL, *plugin_src = NULL;
    char *plugin = NULL, *vswitchd_path;
    unsigned ovs_abi = 0, plugin_abi, bin_abi;
    int status, error;
    bool have_abi = false;

    status = pf->no_ovs ? -ECANCELED
                        : ctl_run(argv, 10000, &out, NULL);
    if (status == 0) {
        const char *v = strstr(out, "(Open vSwitch) ");
        const char *d = strstr(out, "\nDPDK ");

        if (v) {
            sscanf(v + strlen("(Open vSwitch) "), "%63s", ovs_ver);
        }
        if (d) {
            sscanf(d + strlen("\nDPDK "), "%63s", dpdk_ver);
        }
    }
    free(out);
    if (pf->ovs_ok) {
        db_dpdk = ovs_str(json_object_get(pf->ovs, "dpdk_version"));
    }

    if (pf->no_ovs) {
        pf_add(pf, "ovs-version", NULL, SEV_SKIP, NULL, "%s", pf->ovs_err);
    } else if (!ovs_ver[0]) {
        pf_add(pf, "ovs-version", NULL, pf->ovs_ok ? SEV_WARN : SEV_SKIP, NULL,
            "cannot run '%s --version'%s%s", pf->vswitchd,
            status < 0 ? ": " : "", status < 0 ? strerror(-status) : "");
    } else if (!dpdk_ver[0]) {
        pf_add(pf, "ovs-version", NULL, SEV_FAIL,
            ctl_xstrdup("apt-get install openvswitch-switch-dpdk && "
                   "update-alternatives --set ovs-vswitchd "
                   "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"),
            "%s is Open vSwitch %s without DPDK", pf->vswitchd, ovs_ver);
    } else if (db_dpdk && db_dpdk[0] && !strstr(db_dpdk, dpdk_ver)) {
        pf_add(pf, "ovs-version", NULL, SEV_WARN,
            ctl_xstrdup("systemctl restart openvswitch-switch"),
            "%s is Open vSwitch %s with DPDK %s, but the running one "
            "reports %s: restart it", pf->vswitchd, ovs_ver, dpdk_ver,
            db_dpdk);
    } else {
        pf_add(pf, "ovs-version", NULL, SEV_PASS, NULL,
            "Open vSwitch %s, DPDK %s%s", ovs_ver, dpdk_ver,
            db_dpdk && db_dpdk[0] ? " (running)" : "");
    }
    if (pf->ovs_ok) {
        const char *init = preflight_ovs_other_config(pf, "dpdk-init");
        json_t *inited = json_object_get(pf->ovs, "dpdk_initialized");

        if (init && !strcmp(init, "true") && json_is_false(inited)) {
            pf_add(pf, "dpdk-init", NULL, SEV_FAIL,
                ctl_xasprintf("grep -i dpdk %s/ovs-vswitchd.log",
                           strcmp(pf->rundir, PF_DEFAULT_RUNDIR)
                           ? pf->rundir : "/var/log/openvswitch"),
                "dpdk-init=true, but DPDK did not initialize");
        }
    }

    /* The plugin's ABI against the switch's DPDK. */
    if (pf->plugin_arg) {
        plugin = ctl_xstrdup(pf->plugin_arg);
        plugin_src = "--plugin";
    } else if ((plugin = plugin_from_extra(
                    preflight_ovs_other_config(pf, "dpdk-extra")))) {
        plugin_src = "other_config:dpdk-extra";
    } else if ((plugin = plugin_from_extra(pf->dpdk_extra))) {
        plugin_src = "the sandbox's DPDK_EXTRA";
    }
    if (db_dpdk && db_dpdk[0]) {
        snprintf(switch_dpdk, sizeof switch_dpdk, "%s", db_dpdk);
    } else {
        snprintf(switch_dpdk, sizeof switch_dpdk, "DPDK %s", dpdk_ver);
    }
    if (!plugin) {
        pf_add(pf, "plugin-abi", NULL, SEV_SKIP, NULL, "no net_pmmap plugin "
            "configured (no -d in dpdk-extra; or pass --plugin PATH)");
        return;
    }
    if (db_dpdk && !dpdk_abi_major(db_dpdk, &ovs_abi)) {
        have_abi = true;
    } else if (dpdk_ver[0] && !dpdk_abi_major(dpdk_ver, &ovs_abi)) {
        have_abi = true;
    }
    error = elf_needed_abi(pf->plugin_arg ? "" : pf->rundir_root, plugin,
                           "librte_ethdev.so.", &plugin_abi);
    if (error) {
        pf_add(pf, "plugin-abi", plugin, SEV_FAIL, NULL, "cannot read the "
            "plugin (from %s): %s", plugin_src,
            error == -ENOEXEC ? "not a 64-bit ELF file"
            : error == -ENOENT ? "no DT_NEEDED librte_ethdev.so.N (not a "
                                 "shared DPDK driver)"
            : strerror(-error));
    } else if (!have_abi) {
        pf_add(pf, "plugin-abi", plugin, SEV_SKIP, NULL, "the plugin needs "
            "DPDK ABI %u; the switch's DPDK version is unknown",
            plugin_abi);
    } else if (plugin_abi != ovs_abi) {
        pf_add(pf, "plugin-abi", plugin, SEV_FAIL,
            ctl_xstrdup("./configure --with-dpdk-sdk=DIR (the DPDK source of "
                   "the switch's version) && make, or build the switch "
                   "with 'make ovs'"),
            "the plugin is built for DPDK ABI %u (librte_ethdev.so.%u), "
            "the switch runs %s (ABI %u): the EAL refuses or crashes",
            plugin_abi, plugin_abi, switch_dpdk, ovs_abi);
    } else {
        /* A dynamically linked switch names its own librte_ethdev. */
        vswitchd_path = which(pf->vswitchd);
        if (vswitchd_path
            && !elf_needed_abi("", vswitchd_path, "librte_ethdev.so.",
                               &bin_abi) && bin_abi != plugin_abi) {
            pf_add(pf, "plugin-abi", plugin, SEV_FAIL, NULL, "the plugin "
                "needs librte_ethdev.so.%u, %s links librte_ethdev.so.%u",
                plugin_abi, vswitchd_path, bin_abi);
        } else {
            pf_add(pf, "plugin-abi", plugin, SEV_PASS, NULL, "DPDK ABI %u, as "
                "the switch's %s", plugin_abi, switch_dpdk);
        }
        free(vswitchd_path);
    }
    free(plugin);
}

/* --- The guests' memory. --- */

/* The inode of the listening unix socket bound to 'path', from
 * ROOT/proc/net/unix, or 0. */
static unsigned long long
unix_listener_inode(const struct preflight *pf, const char *path)
{
    char *text = NULL, *line, *save = NULL;
    unsigned long long found = 0;

    if (ctl_sysfs_slurp(pf->root, "/proc/net/unix", &text, NULL)) {
        return 0;
    }
    /* "Num: RefCount Protocol Flags Type St Inode Path", the flags in
     * hex with __SO_ACCEPTCON (0x10000) on a listening socket. */
    for (line = strtok_r(text, "\n", &save); line && !found;
         line = strtok_r(NULL, "\n", &save)) {
        unsigned long long inode;
        unsigned flags;
        int pos = -1;

        if (sscanf(line, "%*s %*s %*s %x %*s %*s %llu %n", &flags, &inode,
                   &pos) == 2 && pos > 0 && flags & 0x10000
            && !strcmp(line + pos, path)) {
            found = inode;
        }
    }
    free(text);
    return found;
}

/* A process that has socket 'inode' open, or 0. */
static unsigned long long
socket_owner(const struct preflight *pf, unsigned long long inode)
{
    unsigned long long owner = 0;
    char want[64], **pids;
    size_t n_pids;

    snprintf(want, sizeof want, "socket:[%llu]", inode);
    if (ctl_sysfs_list(pf->root, "/proc", "", &pids, &n_pids)) {
        return 0;
    }
    for (size_t i = 0; i < n_pids && !owner; i++) {
        unsigned long long pid;
        char dir[64], **fds;
        size_t n_fds;

        if (parse_uint(pids[i], 1, INT_MAX, &pid)) {
            continue;
        }
        snprintf(dir, sizeof dir, "/proc/%llu/fd", pid);
        if (ctl_sysfs_list(pf->root, dir, "", &fds, &n_fds)) {
            continue;
        }
        for (size_t j = 0; j < n_fds && !owner; j++) {
            char path[PATH_MAX], target[64];

            snprintf(path, sizeof path, "%s/%s", dir, fds[j]);
            if (!ctl_sysfs_link_name(pf->root, path, target, sizeof target)
                && !strcmp(target, want)) {
                owner = pid;
            }
        }
        ctl_sysfs_free_names(fds, n_fds);
    }
    ctl_sysfs_free_names(pids, n_pids);
    return owner;
}

/* The guest memory of process 'pid' per NUMA node, in kB, from
 * ROOT/proc/PID/numa_maps: its shared file-backed mappings on hugetlbfs
 * or a memfd, which is what vhost-user gives OVS.  Returns the total. */
static unsigned long long
guest_memory(const struct preflight *pf, unsigned long long pid,
             unsigned long long kb[PF_MAX_NODES])
{
    char path[64], *text = NULL, *line, *save = NULL;
    unsigned long long total = 0;

    memset(kb, 0, PF_MAX_NODES * sizeof *kb);
    snprintf(path, sizeof path, "/proc/%llu/numa_maps", pid);
    if (ctl_sysfs_slurp(pf->root, path, &text, NULL)) {
        return 0;
    }
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        const char *k = strstr(line, " kernelpagesize_kB=");
        unsigned long long page_kb = k ? strtoull(k + 19, NULL, 10) : 4;

        if (!strstr(line, " huge") && !strstr(line, " file=/memfd:")) {
            continue;
        }
        for (const char *p = line; (p = strstr(p, " N")) != NULL; p++) {
            unsigned node;
            unsigned long long pages;

            if (sscanf(p, " N%u=%llu", &node, &pages) == 2
                && node < PF_MAX_NODES) {
                kb[node] += pages * page_kb;
                total += pages * page_kb;
            }
        }
    }
    free(text);
    return total;
}

/* The nodes the guests' memory should be on: those of the NICs DPDK
 * drives, else those of the PMD cores. */
static uint64_t
wanted_nodes(const struct preflight *pf, const struct ctl_nodes *nodes,
             const char **what)
{
    char addrs[64][CTL_PCI_ADDR_LEN];
    size_t n = preflight_dpdk_nics(pf, addrs, ARRAY_SIZE(addrs));
    uint64_t want = 0;

    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        long long node;

        snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/numa_node",
                 addrs[i]);
        if (!ctl_sysfs_read_int(pf->root, path, &node) && node >= 0
            && node < PF_MAX_NODES) {
            want |= UINT64_C(1) << node;
        }
    }
    *what = "NIC";
    if (!want && pf->have_pmd) {
        *what = "PMD cores";
        for (unsigned c = 0; c < PF_MAX_CPUS; c++) {
            int node = cpuset_has(&pf->pmd, c) ? ctl_sysfs_cpu_node(nodes, c)
                                               : -1;

            if (node >= 0) {
                want |= UINT64_C(1) << node;
            }
        }
    }
    return want;
}

/* A list of the nodes in 'set': "1" or "0,1". */
static void
node_list(uint64_t set, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < 64 && len < size; i++) {
        if (set & (UINT64_C(1) << i)) {
            len += snprintf(buf + len, size - len, "%s%d", len ? "," : "", i);
        }
    }
}

/* Is each vhost-user guest's memory on the node of the NIC (or PMD cores)
 * whose packets OVS copies into it?  The guest is the process listening on
 * the port's vhost-server-path; its memory, the shared mappings of its
 * numa_maps.  On a host of one node nothing can be misaligned, but the
 * finding still names the process that serves each port. */
void
preflight_ovs_check_guest_numa(struct preflight *pf)
{
    struct ctl_nodes nodes;
    const char *what;
    uint64_t want;
    bool any = false, single;
    json_t *row;
    size_t i;

    ctl_sysfs_read_nodes(pf->root, &nodes);
    single = nodes.n <= 1;
    if (!pf->ovs_ok) {
        if (!single) {
            pf_add(pf, "guest-numa", NULL, SEV_SKIP, NULL, "%s", pf->ovs_err);
        }
        return;
    }
    if (single) {
        want = 1;
        what = "host's only NUMA node is";
    } else {
        want = wanted_nodes(pf, &nodes, &what);
    }
    json_array_foreach (pf->ifaces, i, row) {
        const char *name = ovs_row_get(row, "name");
        const char *path = preflight_ovs_map_get(
            json_object_get(row, "options"), "vhost-server-path");
        unsigned long long kb[PF_MAX_NODES], inode, pid, total;
        char comm[64] = "?", where[256] = "", nodes_want[192], file[64];
        int top = 0;

        if (strcmp(ovs_row_get(row, "type") ?: "", "dpdkvhostuserclient")
            || !name || !path || !path[0]) {
            continue;
        }
        any = true;
        if (!want) {
            pf_add(pf, "guest-numa", name, SEV_SKIP, NULL, "no NIC or PMD "
                "core known to align the guest's memory with");
            continue;
        }
        inode = unix_listener_inode(pf, path);
        pid = inode ? socket_owner(pf, inode) : 0;
        if (!pid) {
            pf_add(pf, "guest-numa", name, SEV_SKIP, NULL, "no process "
                "listens on %s: the guest is not running", path);
            continue;
        }
        snprintf(file, sizeof file, "/proc/%llu/comm", pid);
        ctl_sysfs_read(pf->root, file, comm, sizeof comm);
        total = guest_memory(pf, pid, kb);
        if (!total) {
            pf_add(pf, "guest-numa", name, SEV_SKIP, NULL, "process %llu (%s) "
                "on %s maps no shared guest memory", pid, comm, path);
            continue;
        }
        for (int n = 0; n < PF_MAX_NODES; n++) {
            size_t len = strlen(where);

            if (kb[n]) {
                snprintf(where + len, sizeof where - len, "%s%llu MB on node "
                         "%d", len ? ", " : "", kb[n] / 1024, n);
                top = kb[n] > kb[top] ? n : top;
            }
        }
        node_list(want, nodes_want, sizeof nodes_want);
        if (!(want & (UINT64_C(1) << top))) {
            pf_add(pf, "guest-numa", name, SEV_WARN,
                ctl_xasprintf("start the guest with its memory on node %d: "
                           "numactl --membind=%d, or QEMU -object "
                           "memory-backend-...,host-nodes=%d,policy=bind",
                           __builtin_ctzll(want), __builtin_ctzll(want),
                           __builtin_ctzll(want)),
                "guest memory of process %llu (%s): %s; the %s on node %s: "
                "every packet is copied across the NUMA interconnect",
                pid, comm, where, what, nodes_want);
        } else {
            pf_add(pf, "guest-numa", name, SEV_PASS, NULL, "guest memory of "
                "process %llu (%s): %s; the %s on node %s", pid, comm,
                where, what, nodes_want);
        }
    }
    if (!any && !single) {
        pf_add(pf, "guest-numa", NULL, SEV_PASS, NULL, "no vhost-user client "
            "ports");
    }
}
