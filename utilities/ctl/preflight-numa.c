/* gfp-ctl preflight: NUMA placement: PMD cores and socket memory
 * against the nodes of the NICs DPDK drives, and each vhost-user guest's
 * memory. */
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

/* The PCI NICs DPDK drives: bound to a DPDK-capable kernel driver, or
 * named by an OVS dpdk port's dpdk-devargs. */
size_t
preflight_dpdk_nics(const struct preflight *pf,
                    char (*addrs)[CTL_PCI_ADDR_LEN], size_t max)
{
    char **names;
    size_t n_names, n = 0;
    json_t *row;
    size_t i;

    if (!ctl_sysfs_list(pf->root, "/sys/bus/pci/devices", "", &names,
                        &n_names)) {
        for (i = 0; i < n_names && n < max; i++) {
            char path[PATH_MAX], drv[64], cls[32] = "";

            snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/driver",
                     names[i]);
            if (ctl_sysfs_link_name(pf->root, path, drv, sizeof drv)) {
                continue;
            }
            snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/class",
                     names[i]);
            ctl_sysfs_read(pf->root, path, cls, sizeof cls);
            if ((!strcmp(drv, "vfio-pci") || !strcmp(drv, "uio_pci_generic")
                 || !strcmp(drv, "igb_uio"))
                && (!cls[0] || !strncmp(cls, "0x02", 4))
                && ctl_sysfs_parse_pci(names[i], addrs[n])
                   == strlen(names[i])) {
                n++;
            }
        }
        ctl_sysfs_free_names(names, n_names);
    }
    if (pf->ovs_ok) {
        json_array_foreach (pf->ifaces, i, row) {
            const char *type = ovs_row_get(row, "type");
            const char *devargs
                = preflight_ovs_map_get(json_object_get(row, "options"),
                                        "dpdk-devargs");
            char addr[CTL_PCI_ADDR_LEN];
            bool dup = false;

            if (!type || strcmp(type, "dpdk") || !devargs
                || !ctl_sysfs_parse_pci(devargs, addr) || n >= max) {
                continue;
            }
            for (size_t j = 0; j < n; j++) {
                dup |= !strcmp(addrs[j], addr);
            }
            if (!dup) {
                memcpy(addrs[n++], addr, sizeof addr);
            }
        }
    }
    return n;
}

static char *
socket_mem_fix(const struct preflight *pf, int node)
{
    char list[PF_MAX_NODES * 12] = "";
    int n = MAX(pf->n_socket_mem, node + 1);
    size_t len = 0;

    for (int i = 0; i < n && i < PF_MAX_NODES; i++) {
        unsigned long long v = i < pf->n_socket_mem ? pf->socket_mem[i] : 0;

        if (i == node && !v) {
            v = 1024;
        }
        len += snprintf(list + len, sizeof list - len, "%s%llu",
                        i ? "," : "", v);
    }
    return ctl_xasprintf("%s set Open_vSwitch . other_config:dpdk-socket-mem="
                         "\"%s\"", pf->vsctl_cmd, list);
}

/* Every PMD core needs memory on its node. */
static void
numa_check_pmds(const struct preflight *pf, struct findings *fs,
                const struct ctl_nodes *nodes, const char *cpus)
{
    for (unsigned c = 0; c < PF_MAX_CPUS; c++) {
        char subject[32];
        int node;

        if (!cpuset_has(&pf->pmd, c)) {
            continue;
        }
        snprintf(subject, sizeof subject, "cpu%u", c);
        node = ctl_sysfs_cpu_node(nodes, c);
        if (node < 0) {
            findings_add(fs, "numa", subject, FINDING_FAIL,
                ctl_xasprintf("%s set Open_vSwitch . "
                              "other_config:pmd-cpu-mask=MASK",
                              pf->vsctl_cmd),
                "PMD core %u (%s %s) is not a CPU of any NUMA node", c,
                pf->pmd_from, cpus);
        } else if (pf->n_socket_mem >= 0
                   && (node >= pf->n_socket_mem
                       || !pf->socket_mem[node])) {
            findings_add(fs, "numa", subject, FINDING_WARN,
                socket_mem_fix(pf, node),
                "PMD core %u is on node %d, where %s gives no memory: its "
                "packets' buffers come from another node", c, node,
                pf->socket_mem_from);
        }
    }
}

/* A NIC DPDK drives wants a PMD core and memory on its node. */
static void
numa_check_nic(const struct preflight *pf, struct findings *fs,
               const struct ctl_nodes *nodes, const char *addr,
               const char *cpus)
{
    const struct cpuset *ncpus;
    char path[PATH_MAX];
    long long node = -1;
    bool pmd_here = false;

    snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/numa_node", addr);
    if (ctl_sysfs_read_int(pf->root, path, &node) || node < 0) {
        findings_add(fs, "numa", addr, FINDING_PASS, NULL,
            "the platform gives no NUMA node for this NIC");
        return;
    }
    ncpus = ctl_sysfs_node_cpus(nodes, node);
    for (unsigned c = 0; c < PF_MAX_CPUS && ncpus; c++) {
        pmd_here |= cpuset_has(&pf->pmd, c) && cpuset_has(ncpus, c);
    }
    if (!pmd_here) {
        struct cpuset want = pf->pmd;
        char *mask;

        /* The first core of the NIC's node that is not core 0. */
        for (unsigned c = 1; c < PF_MAX_CPUS && ncpus; c++) {
            if (cpuset_has(ncpus, c)) {
                cpuset_set(&want, c);
                break;
            }
        }
        mask = cpuset_mask(&want);
        findings_add(fs, "numa", addr, FINDING_FAIL,
            ctl_xasprintf("%s set Open_vSwitch . other_config:"
                          "pmd-cpu-mask=%s", pf->vsctl_cmd, mask),
            "NIC on node %lld, but no PMD core is (%s %s): every packet "
            "crosses the NUMA interconnect", node, pf->pmd_from, cpus);
        free(mask);
    } else if (pf->n_socket_mem >= 0
               && (node >= pf->n_socket_mem || !pf->socket_mem[node])) {
        findings_add(fs, "numa", addr, FINDING_FAIL, socket_mem_fix(pf, node),
            "NIC on node %lld, where %s gives no memory: its mempool "
            "is allocated on another node", node, pf->socket_mem_from);
    } else {
        findings_add(fs, "numa", addr, FINDING_PASS, NULL,
            "NIC, PMD core and %s on node %lld",
            pf->n_socket_mem >= 0 ? "socket-mem" : "(socket-mem unknown)",
            node);
    }
}

void
preflight_check_numa(const struct preflight *pf, struct findings *fs)
{
    char addrs[64][CTL_PCI_ADDR_LEN], cpus[256];
    struct ctl_nodes nodes;
    size_t n_nics;

    ctl_sysfs_read_nodes(pf->root, &nodes);
    if (nodes.n <= 1) {
        findings_add(fs, "numa", NULL, FINDING_PASS, NULL,
            "%s NUMA node: nothing to align", nodes.n ? "one" : "no");
        return;
    }
    if (!pf->have_pmd) {
        if (pf->ovs_ok) {
            findings_add(fs, "numa", "pmd-cpu-mask", FINDING_WARN,
                ctl_xasprintf("%s set Open_vSwitch . "
                              "other_config:pmd-cpu-mask=MASK",
                              pf->vsctl_cmd),
                "pmd-cpu-mask is not set: OVS runs one PMD per NUMA node on "
                "cores it picks, shared with other work");
        } else {
            findings_add(fs, "numa", NULL, FINDING_SKIP, NULL,
                "no PMD cores known (%s; or pass --pmd-cpu-mask)",
                pf->ovs_err);
        }
        return;
    }
    cpuset_list(&pf->pmd, cpus, sizeof cpus);
    numa_check_pmds(pf, fs, &nodes, cpus);

    n_nics = preflight_dpdk_nics(pf, addrs, ARRAY_SIZE(addrs));
    if (!n_nics) {
        findings_add(fs, "numa", NULL, FINDING_PASS, NULL,
            "no PCI NIC for DPDK; PMD cores %s", cpus);
    }
    for (size_t i = 0; i < n_nics; i++) {
        numa_check_nic(pf, fs, &nodes, addrs[i], cpus);
    }
}

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
/* The guest behind vhost-user port 'name' (socket 'path'): is most of
 * its memory on a node of 'want' ('what' says why those)? */
static void
check_guest_port(const struct preflight *pf, struct findings *fs,
                 const char *name, const char *path, uint64_t want,
                 const char *what)
{
    unsigned long long kb[PF_MAX_NODES], inode, pid, total;
    char comm[64] = "?", where[256] = "", nodes_want[192], file[64];
    int top = 0, node;

    inode = unix_listener_inode(pf, path);
    pid = inode ? socket_owner(pf, inode) : 0;
    if (!pid) {
        findings_add(fs, "guest-numa", name, FINDING_SKIP, NULL,
            "no process listens on %s: the guest is not running", path);
        return;
    }
    snprintf(file, sizeof file, "/proc/%llu/comm", pid);
    ctl_sysfs_read(pf->root, file, comm, sizeof comm);
    total = guest_memory(pf, pid, kb);
    if (!total) {
        findings_add(fs, "guest-numa", name, FINDING_SKIP, NULL,
            "process %llu (%s) on %s maps no shared guest memory", pid,
            comm, path);
        return;
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
    node = __builtin_ctzll(want);
    if (!(want & (UINT64_C(1) << top))) {
        findings_add(fs, "guest-numa", name, FINDING_WARN,
            ctl_xasprintf("start the guest with its memory on node %d: "
                          "numactl --membind=%d, or QEMU -object "
                          "memory-backend-...,host-nodes=%d,policy=bind",
                          node, node, node),
            "guest memory of process %llu (%s): %s; the %s on node %s: "
            "every packet is copied across the NUMA interconnect",
            pid, comm, where, what, nodes_want);
    } else {
        findings_add(fs, "guest-numa", name, FINDING_PASS, NULL,
            "guest memory of process %llu (%s): %s; the %s on node %s",
            pid, comm, where, what, nodes_want);
    }
}

void
preflight_check_guest_numa(const struct preflight *pf, struct findings *fs)
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
            findings_add(fs, "guest-numa", NULL, FINDING_SKIP, NULL, "%s",
                pf->ovs_err);
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

        if (strcmp(ovs_row_get(row, "type") ?: "", "dpdkvhostuserclient")
            || !name || !path || !path[0]) {
            continue;
        }
        any = true;
        if (!want) {
            findings_add(fs, "guest-numa", name, FINDING_SKIP, NULL,
                "no NIC or PMD core known to align the guest's memory "
                "with");
        } else {
            check_guest_port(pf, fs, name, path, want, what);
        }
    }
    if (!any && !single) {
        findings_add(fs, "guest-numa", NULL, FINDING_PASS, NULL,
            "no vhost-user client ports");
    }
}
