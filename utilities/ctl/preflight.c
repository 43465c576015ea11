/* gfp-ctl preflight: check the host or guest before traffic.
 *
 *     gfp-ctl preflight [--host|--guest] [--json] [--root DIR]
 *                       [--db DB | --sandbox DIR] [--no-ovs]
 *                       [--pmd-cpu-mask MASK] [--socket-mem LIST]
 *                       [--plugin PATH]
 *
 * Each check adds findings: an id, a subject, a severity (pass, skip,
 * warn, fail), what is wrong and the command that fixes it.  The facts that
 * only OVS knows come from ovs-vsctl --format=json (run without a shell);
 * when OVS cannot be reached those checks say "skip" and why.  The checks
 * are described in Documentation/topics/preflight-compat.rst. */
#include <config.h>

#include "preflight.h"

#include "ctl-util.h"
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ovs.h"
#include "sysfs.h"
#include "gfp-ctl.h"
#include "util.h"

#define PF_EXIT_WARN 1
#define PF_EXIT_FAIL 3

#define PF_DEFAULT_HUGEPAGES 1024

static const char *const sev_names[] = { "pass", "skip", "warn", "fail" };

/* --- Small helpers. --- */

/* Adds a finding.  'fix' is taken over (may be NULL). */
void __attribute__((format(printf, 6, 7)))
pf_add(struct preflight *pf, const char *id, const char *subject,
       enum pf_sev sev, char *fix, const char *fmt, ...)
{
    struct finding *f;
    va_list args;

    if (pf->n == pf->cap) {
        pf->cap = pf->cap ? pf->cap * 2 : 32;
        pf->f = ctl_xrealloc(pf->f, pf->cap * sizeof *pf->f);
    }
    f = &pf->f[pf->n++];
    f->id = ctl_xstrdup(id);
    f->subject = ctl_xstrdup(subject ? subject : "");
    f->sev = sev;
    f->fix = fix;
    va_start(args, fmt);
    f->message = ctl_xvasprintf(fmt, args);
    va_end(args);
}

/* Parses "1024,1024" into pf->socket_mem. */
static int
parse_socket_mem(const char *s, unsigned long long *mem, int *n)
{
    char *copy = ctl_xstrdup(s), *save = NULL, *tok;
    int error = 0;

    *n = 0;
    if (!copy) {
        return -ENOMEM;
    }
    if (!copy[0] || copy[strlen(copy) - 1] == ',' || copy[0] == ','
        || strstr(copy, ",,")) {
        error = -EINVAL;
    }
    for (tok = strtok_r(copy, ",", &save); tok && !error;
         tok = strtok_r(NULL, ",", &save)) {
        if (*n >= PF_MAX_NODES) {
            error = -ERANGE;
        } else {
            error = parse_uint(tok, 0, 1ULL << 30, &mem[(*n)++]);
        }
    }
    free(copy);
    return error;
}

/* --- Checks. --- */

static void
check_hugepages(struct preflight *pf, bool dpdk_initialized)
{
    enum pf_sev none_sev = pf->guest ? SEV_WARN : SEV_FAIL;
    unsigned long long free_kb = 0, total = 0;
    char **sizes;
    size_t n;
    char msg[1024] = "", def_size[64] = "hugepages-2048kB";
    struct ctl_nodes nodes;

    if (ctl_sysfs_list(pf->root, "/sys/kernel/mm/hugepages", "hugepages-",
                       &sizes, &n) || !n) {
        pf_add(pf, "hugepages", NULL, none_sev, NULL, "the kernel offers no "
            "huge pages (%s/sys/kernel/mm/hugepages missing or empty): it "
            "lacks CONFIG_HUGETLBFS", pf->root);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned long long kb, nr = 0, fr = 0;
        char path[PATH_MAX], *end;
        size_t len = strlen(msg);

        kb = strtoull(sizes[i] + strlen("hugepages-"), &end, 10);
        if (strcmp(end, "kB")) {
            continue;
        }
        if (i == 0 || kb == 2048) {
            snprintf(def_size, sizeof def_size, "%s", sizes[i]);
        }
        snprintf(path, sizeof path, "/sys/kernel/mm/hugepages/%s/"
                 "nr_hugepages", sizes[i]);
        ctl_sysfs_read_uint(pf->root, path, &nr);
        snprintf(path, sizeof path, "/sys/kernel/mm/hugepages/%s/"
                 "free_hugepages", sizes[i]);
        ctl_sysfs_read_uint(pf->root, path, &fr);
        total += nr;
        free_kb += fr * kb;
        snprintf(msg + len, sizeof msg - len, "%s%llukB: %llu reserved, "
                 "%llu free", len ? "; " : "", kb, nr, fr);
    }
    ctl_sysfs_free_names(sizes, n);

    if (!total) {
        pf_add(pf, "hugepages", NULL, none_sev,
            ctl_xasprintf("echo %d > /sys/kernel/mm/hugepages/%s/nr_hugepages",
                       PF_DEFAULT_HUGEPAGES, def_size),
            "no huge pages reserved (%s)%s", msg,
            pf->guest ? ": DPDK mode needs them, PacketMMAP mode does not"
                      : "");
    } else if (!free_kb && !dpdk_initialized) {
        pf_add(pf, "hugepages", NULL, none_sev,
            ctl_xasprintf("echo %llu > /sys/kernel/mm/hugepages/%s/"
                       "nr_hugepages", total * 2, def_size),
            "every huge page is in use (%s)", msg);
    } else {
        pf_add(pf, "hugepages", NULL, SEV_PASS, NULL, "%s", msg);
    }

    /* Per node against socket-mem, before OVS has taken its share. */
    if (pf->n_socket_mem < 0 || dpdk_initialized) {
        return;
    }
    ctl_sysfs_read_nodes(pf->root, &nodes);
    for (int i = 0; i < pf->n_socket_mem; i++) {
        unsigned long long node_free_kb = 0;
        char dir[128], subject[32];
        char **names;
        size_t k;

        if (!pf->socket_mem[i]) {
            continue;
        }
        snprintf(subject, sizeof subject, "node%d", i);
        snprintf(dir, sizeof dir, "/sys/devices/system/node/node%d/"
                 "hugepages", i);
        if (nodes.n && !ctl_sysfs_node_cpus(&nodes, i)) {
            pf_add(pf, "hugepages-node", subject, SEV_FAIL,
                ctl_xasprintf("%s set Open_vSwitch . other_config:"
                           "dpdk-socket-mem=<one value per existing node>",
                           pf->vsctl_cmd),
                "%s asks for %llu MB on node %d, which does not exist",
                pf->socket_mem_from, pf->socket_mem[i], i);
            continue;
        }
        if (ctl_sysfs_list(pf->root, dir, "hugepages-", &names, &k)) {
            /* No per-node view (no NUMA): the total above holds. */
            node_free_kb = free_kb;
            k = 0;
            names = NULL;
        }
        for (size_t j = 0; j < k; j++) {
            unsigned long long fr = 0, kb;
            char path[PATH_MAX];

            kb = strtoull(names[j] + strlen("hugepages-"), NULL, 10);
            snprintf(path, sizeof path, "%s/%s/free_hugepages", dir,
                     names[j]);
            ctl_sysfs_read_uint(pf->root, path, &fr);
            node_free_kb += fr * kb;
        }
        ctl_sysfs_free_names(names, k);
        if (node_free_kb / 1024 < pf->socket_mem[i]) {
            pf_add(pf, "hugepages-node", subject, SEV_FAIL,
                ctl_xasprintf("echo %llu > /sys/devices/system/node/node%d/"
                           "hugepages/hugepages-2048kB/nr_hugepages",
                           (pf->socket_mem[i] + 1) / 2, i),
                "%s asks for %llu MB on node %d, only %llu MB of huge pages "
                "are free there", pf->socket_mem_from, pf->socket_mem[i], i,
                node_free_kb / 1024);
        } else {
            pf_add(pf, "hugepages-node", subject, SEV_PASS, NULL,
                "%llu MB free for the %llu MB %s asks for",
                node_free_kb / 1024, pf->socket_mem[i], pf->socket_mem_from);
        }
    }
}

static void
check_hugetlbfs(struct preflight *pf)
{
    char *mounts = NULL, *line, *save = NULL;
    char where[512] = "";
    int error;

    error = ctl_sysfs_slurp(pf->root, "/proc/mounts", &mounts, NULL);
    if (error) {
        pf_add(pf, "hugetlbfs", NULL, SEV_SKIP, NULL, "cannot read "
            "%s/proc/mounts: %s", pf->root, strerror(-error));
        return;
    }
    for (line = strtok_r(mounts, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char dev[256], dir[256], type[64];

        if (sscanf(line, "%255s %255s %63s", dev, dir, type) == 3
            && !strcmp(type, "hugetlbfs")) {
            size_t len = strlen(where);

            snprintf(where + len, sizeof where - len, "%s%s",
                     len ? ", " : "", dir);
        }
    }
    free(mounts);
    if (where[0]) {
        pf_add(pf, "hugetlbfs", NULL, SEV_PASS, NULL, "mounted on %s", where);
    } else {
        pf_add(pf, "hugetlbfs", NULL, pf->guest ? SEV_WARN : SEV_FAIL,
            ctl_xstrdup("mkdir -p /dev/hugepages && "
                   "mount -t hugetlbfs nodev /dev/hugepages"),
            "no hugetlbfs mounted: DPDK's EAL finds huge pages through it");
    }
}

/* Whether the kernel command line has word 'w' (or 'w' followed by '=',
 * when it ends with '='). */
static bool
cmdline_has(const char *cmdline, const char *w)
{
    size_t len = strlen(w);

    for (const char *p = cmdline; (p = strstr(p, w)) != NULL; p += len) {
        if ((p == cmdline || p[-1] == ' ')
            && (w[len - 1] == '=' || p[len] == ' ' || !p[len])) {
            return true;
        }
    }
    return false;
}

static void
check_iommu(struct preflight *pf)
{
    char cmdline[4096] = "", cpuinfo_vendor[32] = "intel", flag[64];
    char noiommu[8] = "";
    char *cpuinfo = NULL;
    char **groups;
    size_t n = 0;

    ctl_sysfs_read(pf->root, "/proc/cmdline", cmdline, sizeof cmdline);
    if (!ctl_sysfs_slurp(pf->root, "/proc/cpuinfo", &cpuinfo, NULL)
        && strstr(cpuinfo, "AuthenticAMD")) {
        snprintf(cpuinfo_vendor, sizeof cpuinfo_vendor, "amd");
    }
    free(cpuinfo);
    snprintf(flag, sizeof flag, "%s_iommu=on", cpuinfo_vendor);
    if (!ctl_sysfs_list(pf->root, "/sys/kernel/iommu_groups", "", &groups,
                        &n)) {
        ctl_sysfs_free_names(groups, n);
    }
    ctl_sysfs_read(pf->root, "/sys/module/vfio/parameters/"
                   "enable_unsafe_noiommu_mode", noiommu, sizeof noiommu);

    if (n) {
        pf_add(pf, "iommu", NULL, SEV_PASS, NULL, "%zu IOMMU groups%s", n,
            cmdline_has(cmdline, "iommu=pt") ? ", iommu=pt"
            : "; iommu=pt is not on the kernel command line (passthrough "
              "mode spares the host's own DMA the translation)");
    } else if (pf->guest) {
        pf_add(pf, "iommu", NULL, noiommu[0] == 'Y' ? SEV_PASS : SEV_WARN,
            noiommu[0] == 'Y' ? NULL
            : ctl_xstrdup("give the guest a vIOMMU (QEMU: -device intel-iommu,"
                     "intremap=on,caching-mode=on), or: modprobe vfio "
                     "enable_unsafe_noiommu_mode=1"),
            "no IOMMU groups in the guest: vfio-pci can take a VF or a "
            "passthrough NIC only with a vIOMMU or in no-IOMMU mode%s",
            noiommu[0] == 'Y' ? " (no-IOMMU mode is on: unsafe, but works)"
                              : "");
    } else if (cmdline_has(cmdline, flag)
               || cmdline_has(cmdline, "amd_iommu=on")
               || cmdline_has(cmdline, "intel_iommu=on")) {
        pf_add(pf, "iommu", NULL, SEV_FAIL,
            ctl_xstrdup("enable VT-d / AMD-Vi in the firmware setup, then "
                   "reboot"),
            "the IOMMU is on the kernel command line but no IOMMU groups "
            "exist: it is off in the firmware");
    } else {
        pf_add(pf, "iommu", NULL, SEV_WARN,
            ctl_xasprintf("sed -i 's/^GRUB_CMDLINE_LINUX=\"/&%s iommu=pt /' "
                       "/etc/default/grub && update-grub && reboot", flag),
            "no IOMMU groups and no %s on the kernel command line: "
            "vfio-pci cannot take a physical NIC (vhost-user ports do not "
            "need it)", flag);
    }
}

/* Whether kernel module 'name' is loaded (0), available (1) or neither
 * (2), looking in ROOT/sys/module and ROOT/lib/modules/RELEASE. */
static int
module_state(const struct preflight *pf, const char *name,
             const char *release)
{
    char path[PATH_MAX], file[64], *dep = NULL;
    int state = 2;

    snprintf(path, sizeof path, "/sys/module/%s", name);
    for (char *p = path + strlen("/sys/module/"); *p; p++) {
        *p = *p == '-' ? '_' : *p;
    }
    if (ctl_sysfs_exists(pf->root, path)) {
        return 0;
    }
    if (!release[0]) {
        return 2;
    }
    /* modules.dep names every loadable module, modules.builtin every
     * built-in one, with '-' or '_' as in the source file name. */
    for (int i = 0; i < 2 && state == 2; i++) {
        snprintf(path, sizeof path, "/lib/modules/%s/%s", release,
                 i ? "modules.builtin" : "modules.dep");
        if (ctl_sysfs_slurp(pf->root, path, &dep, NULL)) {
            continue;
        }
        for (int j = 0; j < 2 && state == 2; j++) {
            snprintf(file, sizeof file, "/%s.ko", name);
            for (char *p = file; *p; p++) {
                if (*p == '-' || *p == '_') {
                    *p = j ? '_' : '-';
                }
            }
            if (strstr(dep, file)) {
                state = 1;
            }
        }
        free(dep);
        dep = NULL;
    }
    return state;
}

static void
check_modules(struct preflight *pf)
{
    char release[128] = "";
    int vfio, uio;

    ctl_sysfs_read(pf->root, "/proc/sys/kernel/osrelease", release,
                   sizeof release);
    vfio = module_state(pf, "vfio-pci", release);
    uio = module_state(pf, "uio_pci_generic", release);

    if (!vfio) {
        pf_add(pf, "vfio-pci", NULL, SEV_PASS, NULL, "loaded");
    } else if (vfio == 1) {
        pf_add(pf, "vfio-pci", NULL, SEV_WARN,
               ctl_xstrdup("modprobe vfio-pci"),
               "available for kernel %s but not loaded", release);
    } else {
        pf_add(pf, "vfio-pci", NULL, SEV_WARN,
            ctl_xasprintf("apt-get install linux-image-%s",
                       release[0] ? release : "$(uname -r)"),
            "no vfio-pci module for kernel %s: no NIC can be given to "
            "DPDK safely", release[0] ? release : "(unknown)");
    }
    if (!uio) {
        pf_add(pf, "uio_pci_generic", NULL, SEV_PASS, NULL, "loaded");
    } else if (uio == 1) {
        pf_add(pf, "uio_pci_generic", NULL, SEV_PASS, NULL, "available "
            "(modprobe uio_pci_generic), for NICs vfio-pci cannot take");
    } else {
        pf_add(pf, "uio_pci_generic", NULL, vfio == 2 ? SEV_WARN : SEV_PASS,
            NULL, "not available for kernel %s%s",
            release[0] ? release : "(unknown)",
            vfio == 2 ? "" : "; not needed, vfio-pci is");
    }
}

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

static void
check_numa(struct preflight *pf)
{
    char addrs[64][CTL_PCI_ADDR_LEN], cpus[256];
    struct ctl_nodes nodes;
    size_t n_nics;

    ctl_sysfs_read_nodes(pf->root, &nodes);
    if (nodes.n <= 1) {
        pf_add(pf, "numa", NULL, SEV_PASS, NULL, "%s NUMA node: nothing to "
            "align", nodes.n ? "one" : "no");
        return;
    }
    if (!pf->have_pmd) {
        if (pf->ovs_ok) {
            pf_add(pf, "numa", "pmd-cpu-mask", SEV_WARN,
                ctl_xasprintf("%s set Open_vSwitch . "
                              "other_config:pmd-cpu-mask=MASK",
                              pf->vsctl_cmd),
                "pmd-cpu-mask is not set: OVS runs one PMD per NUMA node on "
                "cores it picks, shared with other work");
        } else {
            pf_add(pf, "numa", NULL, SEV_SKIP, NULL, "no PMD cores known (%s; "
                "or pass --pmd-cpu-mask)", pf->ovs_err);
        }
        return;
    }
    cpuset_list(&pf->pmd, cpus, sizeof cpus);

    /* Every PMD core needs memory on its node. */
    for (unsigned c = 0; c < PF_MAX_CPUS; c++) {
        int node;

        if (!cpuset_has(&pf->pmd, c)) {
            continue;
        }
        node = ctl_sysfs_cpu_node(&nodes, c);
        if (node < 0) {
            char subject[32];

            snprintf(subject, sizeof subject, "cpu%u", c);
            pf_add(pf, "numa", subject, SEV_FAIL,
                ctl_xasprintf("%s set Open_vSwitch . "
                              "other_config:pmd-cpu-mask=MASK",
                              pf->vsctl_cmd),
                "PMD core %u (%s %s) is not a CPU of any NUMA node", c,
                pf->pmd_from, cpus);
        } else if (pf->n_socket_mem >= 0
                   && (node >= pf->n_socket_mem
                       || !pf->socket_mem[node])) {
            char subject[32];

            snprintf(subject, sizeof subject, "cpu%u", c);
            pf_add(pf, "numa", subject, SEV_WARN, socket_mem_fix(pf, node),
                "PMD core %u is on node %d, where %s gives no memory: its "
                "packets' buffers come from another node", c, node,
                pf->socket_mem_from);
        }
    }

    n_nics = preflight_dpdk_nics(pf, addrs, ARRAY_SIZE(addrs));
    if (!n_nics) {
        pf_add(pf, "numa", NULL, SEV_PASS, NULL, "no PCI NIC for DPDK; PMD "
            "cores %s", cpus);
    }
    for (size_t i = 0; i < n_nics; i++) {
        const struct cpuset *ncpus;
        char path[PATH_MAX];
        long long node = -1;
        bool pmd_here = false;

        snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/numa_node",
                 addrs[i]);
        if (ctl_sysfs_read_int(pf->root, path, &node) || node < 0) {
            pf_add(pf, "numa", addrs[i], SEV_PASS, NULL, "the platform gives "
                "no NUMA node for this NIC");
            continue;
        }
        ncpus = ctl_sysfs_node_cpus(&nodes, node);
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
            pf_add(pf, "numa", addrs[i], SEV_FAIL,
                mask ? ctl_xasprintf("%s set Open_vSwitch . other_config:"
                                  "pmd-cpu-mask=%s", pf->vsctl_cmd, mask)
                     : NULL,
                "NIC on node %lld, but no PMD core is (%s %s): every packet "
                "crosses the NUMA interconnect", node, pf->pmd_from, cpus);
            free(mask);
        } else if (pf->n_socket_mem >= 0
                   && (node >= pf->n_socket_mem || !pf->socket_mem[node])) {
            pf_add(pf, "numa", addrs[i], SEV_FAIL, socket_mem_fix(pf, node),
                "NIC on node %lld, where %s gives no memory: its mempool "
                "is allocated on another node", node, pf->socket_mem_from);
        } else {
            pf_add(pf, "numa", addrs[i], SEV_PASS, NULL, "NIC, PMD core and "
                "%s on node %lld",
                pf->n_socket_mem >= 0 ? "socket-mem" : "(socket-mem unknown)",
                node);
        }
    }
}

/* The guest's NICs and what gfp can do with each. */
static void
check_guest_nics(struct preflight *pf)
{
    static const struct {
        const char *driver;
        const char *what;
    } known[] = {
        { "virtio_net", "virtio: DPDK mode uses net_virtio" },
        { "iavf", "SR-IOV VF: DPDK mode uses net_iavf" },
        { "i40evf", "SR-IOV VF (old driver): DPDK mode uses net_iavf" },
        { "i40e", "passthrough PF: DPDK mode uses net_i40e" },
        { "ixgbevf", "SR-IOV VF: DPDK mode uses net_ixgbe_vf" },
        { "mlx5_core", "DPDK mode uses net_mlx5 (stays on mlx5_core)" },
        { "ice", "passthrough PF: DPDK mode uses net_ice" },
    };
    char **names;
    size_t n = 0, found = 0;

    if (!ctl_sysfs_list(pf->root, "/sys/class/net", "", &names, &n)) {
        for (size_t i = 0; i < n; i++) {
            char path[PATH_MAX], drv[64];
            size_t k;

            snprintf(path, sizeof path, "/sys/class/net/%s/device/driver",
                     names[i]);
            if (ctl_sysfs_link_name(pf->root, path, drv, sizeof drv)) {
                continue;
            }
            found++;
            for (k = 0; k < ARRAY_SIZE(known); k++) {
                if (!strcmp(drv, known[k].driver)) {
                    break;
                }
            }
            if (k < ARRAY_SIZE(known)) {
                pf_add(pf, "nic", names[i], SEV_PASS, NULL, "%s: %s", drv,
                    known[k].what);
            } else {
                pf_add(pf, "nic", names[i], SEV_WARN, NULL, "%s: no DPDK "
                    "driver gfp knows for it: PacketMMAP mode only", drv);
            }
        }
        ctl_sysfs_free_names(names, n);
    }
    {
        char addrs[64][CTL_PCI_ADDR_LEN];
        size_t k = preflight_dpdk_nics(pf, addrs, ARRAY_SIZE(addrs));

        for (size_t i = 0; i < k; i++) {
            pf_add(pf, "nic", addrs[i], SEV_PASS, NULL, "bound to a DPDK "
                "driver (vfio-pci or uio): ready for DPDK mode");
        }
        found += k;
    }
    if (!found) {
        pf_add(pf, "nic", NULL, SEV_WARN, NULL, "no PCI NIC in "
            "%s/sys/class/net or bound to vfio-pci", pf->root);
    }
}

/* --- What OVS is told. --- */

/* PMD cores from other_config:pmd-cpu-mask.  A value OVS cannot use is a
 * failure, not a fact to leave out. */
static void
take_pmd_cpu_mask(struct preflight *pf)
{
    const char *v = preflight_ovs_other_config(pf, "pmd-cpu-mask");

    if (!v) {
        return;
    }
    if (cpuset_parse_mask(v, &pf->pmd) || !cpuset_count(&pf->pmd)) {
        pf_add(pf, "ovs-config", "pmd-cpu-mask", SEV_FAIL,
            ctl_xasprintf("%s set Open_vSwitch . other_config:pmd-cpu-mask="
                       "MASK", pf->vsctl_cmd),
            "other_config:pmd-cpu-mask is '%s': expected a non-zero hex "
            "CPU mask such as 0x6 (CPUs below %d); OVS cannot place its "
            "PMD threads by it", v, PF_MAX_CPUS);
        memset(&pf->pmd, 0, sizeof pf->pmd);
        return;
    }
    pf->have_pmd = true;
    snprintf(pf->pmd_from, sizeof pf->pmd_from, "pmd-cpu-mask");
}

/* Memory per node from other_config:dpdk-socket-mem, likewise. */
static void
take_socket_mem(struct preflight *pf)
{
    const char *v = preflight_ovs_other_config(pf, "dpdk-socket-mem");
    char list[PF_MAX_NODES * 6] = "1024";
    struct ctl_nodes nodes;

    if (!v) {
        return;
    }
    if (!parse_socket_mem(v, pf->socket_mem, &pf->n_socket_mem)) {
        snprintf(pf->socket_mem_from, sizeof pf->socket_mem_from,
                 "dpdk-socket-mem");
        return;
    }
    pf->n_socket_mem = -1;
    /* The fix: 1024 MB on each node there is. */
    ctl_sysfs_read_nodes(pf->root, &nodes);
    for (int i = 1; i < nodes.n; i++) {
        strcat(list, ",1024");
    }
    pf_add(pf, "ovs-config", "dpdk-socket-mem", SEV_FAIL,
        ctl_xasprintf("%s set Open_vSwitch . other_config:dpdk-socket-mem="
                   "\"%s\"", pf->vsctl_cmd, list),
        "other_config:dpdk-socket-mem is '%s': expected MB per NUMA node, "
        "comma-separated, such as 1024,1024; DPDK's EAL refuses to start "
        "with it", v);
}

/* --- Setup and output. --- */

/* Takes the tools, database and directory of the gfp-sandbox in 'dir'. */
static int
load_sandbox(struct preflight *pf, const char *dir, char err[OVS_ERR_LEN])
{
    struct ovs_sandbox sb;
    int error;

    error = ovs_sandbox_load(dir, &sb, err);
    if (error) {
        return error;
    }
    ovs_sandbox_take(&pf->db, &sb.db);
    ovs_sandbox_take(&pf->vsctl, &sb.vsctl);
    ovs_sandbox_take(&pf->vswitchd, &sb.vswitchd);
    ovs_sandbox_take(&pf->dpdk_extra, &sb.dpdk_extra);
    ovs_sandbox_take(&pf->rundir, &sb.dir);
    pf->rundir_root = "";
    ovs_sandbox_destroy(&sb);
    return 0;
}

static void
print_report(const struct preflight *pf, bool json)
{
    unsigned count[4] = { 0, 0, 0, 0 };
    int width = 10;

    if (json) {
        json_t *list = json_array();

        for (size_t i = 0; i < pf->n; i++) {
            const struct finding *f = &pf->f[i];

            json_array_append_new(list, json_pack(
                "{s:s, s:s, s:s, s:s, s:s?}", "id", f->id,
                "subject", f->subject, "severity", sev_names[f->sev],
                "message", f->message, "fix", f->fix));
        }
        json_dumpf(list, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(list);
        return;
    }
    for (size_t i = 0; i < pf->n; i++) {
        int w = strlen(pf->f[i].id) + (pf->f[i].subject[0]
                                       ? strlen(pf->f[i].subject) + 3 : 0);

        width = MAX(width, MIN(w, 40));
    }
    printf("%-4s  %-*s  %s\n", "", width, "CHECK", "FINDING");
    for (size_t i = 0; i < pf->n; i++) {
        const struct finding *f = &pf->f[i];
        char name[512];

        snprintf(name, sizeof name, f->subject[0] ? "%s (%s)" : "%s", f->id,
                 f->subject);
        printf("%-4s  %-*s  %s\n", sev_names[f->sev], width, name,
               f->message);
        if (f->fix) {
            printf("%-4s  %-*s  fix: %s\n", "", width, "", f->fix);
        }
        count[f->sev]++;
    }
    printf("preflight (%s): %u pass, %u warn, %u fail, %u skip\n",
           pf->guest ? "guest" : "host", count[SEV_PASS], count[SEV_WARN],
           count[SEV_FAIL], count[SEV_SKIP]);
}

static void
preflight_destroy(struct preflight *pf)
{
    for (size_t i = 0; i < pf->n; i++) {
        free(pf->f[i].id);
        free(pf->f[i].subject);
        free(pf->f[i].message);
        free(pf->f[i].fix);
    }
    free(pf->f);
    free(pf->db);
    free(pf->vsctl);
    free(pf->vswitchd);
    free(pf->rundir);
    free(pf->dpdk_extra);
    free(pf->vsctl_cmd);
    json_decref(pf->ovs);
    json_decref(pf->bridges);
    json_decref(pf->ports);
    json_decref(pf->ifaces);
}

static void
preflight_usage(void)
{
    printf("usage: gfp-ctl preflight [--host|--guest] [--json] [--root DIR]\n"
           "                         [--db DB | --sandbox DIR] [--no-ovs]\n"
           "                         [--pmd-cpu-mask MASK] "
           "[--socket-mem LIST] [--plugin PATH]\n"
           "Checks this host (default) or guest before traffic; each "
           "finding says\npass, skip, warn or fail, and the command that "
           "fixes it.\n"
           "Exit status: 0 all pass (or skip), 1 a warning, 2 usage error, "
           "3 a failure.\n");
}

int
ctl_preflight_main(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    static const struct option options[] = {
        { "host", no_argument, NULL, 'H' },
        { "guest", no_argument, NULL, 'G' },
        { "json", no_argument, NULL, 'j' },
        { "root", required_argument, NULL, 'r' },
        { "db", required_argument, NULL, 'd' },
        { "sandbox", required_argument, NULL, 'S' },
        { "no-ovs", no_argument, NULL, 'n' },
        { "pmd-cpu-mask", required_argument, NULL, 'p' },
        { "socket-mem", required_argument, NULL, 'm' },
        { "plugin", required_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct preflight pf = {
        .root = "", .rundir_root = "", .n_socket_mem = -1,
    };
    const char *db_arg = NULL, *sandbox = NULL, *pmd_arg = NULL;
    const char *mem_arg = NULL;
    bool json = false, host = false, dpdk_initialized = false;
    int opt, status = 0, error;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
        switch (opt) {
        case 'H':
            host = true;
            break;
        case 'G':
            pf.guest = true;
            break;
        case 'j':
            json = true;
            break;
        case 'r':
            if (optarg[0] != '/' || !ctl_sysfs_exists("", optarg)) {
                return gfp_ctl_usage_error("--root '%s' is not an existing "
                                           "absolute directory", optarg);
            }
            pf.root = strcmp(optarg, "/") ? optarg : "";
            break;
        case 'd':
            if (!optarg[0]) {
                return gfp_ctl_usage_error("--db needs a value, e.g. unix:"
                                           "/var/run/openvswitch/db.sock");
            }
            db_arg = optarg;
            break;
        case 'S':
            sandbox = optarg;
            break;
        case 'n':
            pf.no_ovs = true;
            break;
        case 'p':
            if (cpuset_parse_mask(optarg, &pf.pmd)
                || !cpuset_count(&pf.pmd)) {
                return gfp_ctl_usage_error("invalid value '%s' for "
                                           "--pmd-cpu-mask: expected a "
                                           "non-zero hex CPU mask such as "
                                           "0x6 (CPUs below %d)", optarg,
                                           PF_MAX_CPUS);
            }
            pmd_arg = optarg;
            break;
        case 'm':
            if (parse_socket_mem(optarg, pf.socket_mem, &pf.n_socket_mem)) {
                return gfp_ctl_usage_error("invalid value '%s' for "
                                           "--socket-mem: expected MB per "
                                           "NUMA node, e.g. 1024,1024",
                                           optarg);
            }
            mem_arg = optarg;
            break;
        case 'P':
            if (!optarg[0]) {
                return gfp_ctl_usage_error("--plugin needs a path");
            }
            pf.plugin_arg = optarg;
            break;
        case 'h':
            preflight_usage();
            return EXIT_SUCCESS;
        default:
            return gfp_ctl_option_error("preflight", opt, argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return gfp_ctl_usage_error("preflight: unexpected argument '%s'",
                                   argv[optind]);
    }
    if (host && pf.guest) {
        return gfp_ctl_usage_error("preflight: --host and --guest exclude "
                                   "each other");
    }
    if (db_arg && sandbox) {
        return gfp_ctl_usage_error("preflight: --db and --sandbox exclude "
                                   "each other");
    }
    if (pf.no_ovs && (db_arg || sandbox)) {
        return gfp_ctl_usage_error("preflight: --no-ovs excludes --db and "
                                   "--sandbox");
    }

    pf.vsctl = ctl_xstrdup("ovs-vsctl");
    pf.vswitchd = ctl_xstrdup("ovs-vswitchd");
    pf.rundir = ctl_xstrdup(PF_DEFAULT_RUNDIR);
    pf.rundir_root = pf.root;
    if (db_arg) {
        pf.db = ctl_xstrdup(db_arg);
    }
    if (sandbox) {
        char err[OVS_ERR_LEN];

        error = load_sandbox(&pf, sandbox, err);
        if (error == -ENOENT) {
            preflight_destroy(&pf);
            return gfp_ctl_usage_error("--sandbox %s: no "
                                       "%s/gfp-sandbox.state (start one with "
                                       "gfp-sandbox start --dir %s)", sandbox,
                                       sandbox, sandbox);
        } else if (error) {
            fprintf(stderr, "gfp-ctl: preflight: --sandbox %s: %s\n",
                    sandbox, err);
            preflight_destroy(&pf);
            return PF_EXIT_FAIL;
        }
    }
    pf.vsctl_cmd = pf.db ? ctl_xasprintf("ovs-vsctl --db=%s", pf.db)
                         : ctl_xstrdup("ovs-vsctl");
    if (!pf.vsctl || !pf.vswitchd || !pf.rundir || !pf.vsctl_cmd
        || (db_arg && !pf.db)) {
        fprintf(stderr, "gfp-ctl: preflight: out of memory\n");
        preflight_destroy(&pf);
        return PF_EXIT_FAIL;
    }

    /* OVS's facts, unless we are a guest or told not to ask. */
    if (pf.guest) {
        snprintf(pf.ovs_err, sizeof pf.ovs_err, "a guest has no OVS");
    } else if (pf.no_ovs) {
        snprintf(pf.ovs_err, sizeof pf.ovs_err, "OVS not asked (--no-ovs)");
    } else {
        pf.ovs_ok = !preflight_ovs_load(&pf);
    }
    if (pmd_arg) {
        pf.have_pmd = true;
        snprintf(pf.pmd_from, sizeof pf.pmd_from, "--pmd-cpu-mask");
    } else {
        take_pmd_cpu_mask(&pf);
    }
    if (mem_arg) {
        snprintf(pf.socket_mem_from, sizeof pf.socket_mem_from,
                 "--socket-mem");
    } else {
        take_socket_mem(&pf);
    }
    if (pf.ovs_ok) {
        dpdk_initialized = json_is_true(json_object_get(pf.ovs,
                                                        "dpdk_initialized"));
    }

    check_hugepages(&pf, dpdk_initialized);
    check_hugetlbfs(&pf);
    check_iommu(&pf);
    check_modules(&pf);
    if (pf.guest) {
        check_guest_nics(&pf);
    } else {
        check_numa(&pf);
        preflight_ovs_check_guest_numa(&pf);
        preflight_ovs_check_sock_dir(&pf);
        preflight_ovs_check_vhost_mode(&pf);
        preflight_ovs_check_mtu(&pf);
        preflight_ovs_check_queues(&pf);
        preflight_ovs_check_versions(&pf);
    }
    print_report(&pf, json);
    for (size_t i = 0; i < pf.n; i++) {
        if (pf.f[i].sev == SEV_FAIL) {
            status = PF_EXIT_FAIL;
        } else if (pf.f[i].sev == SEV_WARN && !status) {
            status = PF_EXIT_WARN;
        }
    }
    preflight_destroy(&pf);
    (void) opts;
    return status;
}
