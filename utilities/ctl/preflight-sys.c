/* gfp-ctl preflight: what the system says: hugepages, hugetlbfs, the
 * IOMMU, the DPDK-capable kernel modules and, in a guest, its NICs. */
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

#define PF_DEFAULT_HUGEPAGES 1024

/* Node 'i' against socket-mem: does it exist, and has it the huge pages
 * socket-mem asks for?  'free_kb' is the total, for a system without a
 * per-node view. */
static void
check_node_hugepages(const struct preflight *pf, struct findings *fs,
                     const struct ctl_nodes *nodes, int i,
                     unsigned long long free_kb)
{
    unsigned long long node_free_kb = 0;
    char dir[128], subject[32];
    char **names;
    size_t k;

    if (!pf->socket_mem[i]) {
        return;
    }
    snprintf(subject, sizeof subject, "node%d", i);
    snprintf(dir, sizeof dir, "/sys/devices/system/node/node%d/"
             "hugepages", i);
    if (nodes->n && !ctl_sysfs_node_cpus(nodes, i)) {
        findings_add(fs, "hugepages-node", subject, FINDING_FAIL,
            ctl_xasprintf("%s set Open_vSwitch . other_config:"
                          "dpdk-socket-mem=<one value per existing node>",
                          pf->vsctl_cmd),
            "%s asks for %llu MB on node %d, which does not exist",
            pf->socket_mem_from, pf->socket_mem[i], i);
        return;
    }
    if (ctl_sysfs_list(pf->root, dir, "hugepages-", &names, &k)) {
        /* No per-node view (no NUMA): the total holds. */
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
        findings_add(fs, "hugepages-node", subject, FINDING_FAIL,
            ctl_xasprintf("echo %llu > /sys/devices/system/node/node%d/"
                          "hugepages/hugepages-2048kB/nr_hugepages",
                          (pf->socket_mem[i] + 1) / 2, i),
            "%s asks for %llu MB on node %d, only %llu MB of huge pages "
            "are free there", pf->socket_mem_from, pf->socket_mem[i], i,
            node_free_kb / 1024);
    } else {
        findings_add(fs, "hugepages-node", subject, FINDING_PASS, NULL,
            "%llu MB free for the %llu MB %s asks for",
            node_free_kb / 1024, pf->socket_mem[i], pf->socket_mem_from);
    }
}

void
preflight_check_hugepages(const struct preflight *pf, struct findings *fs)
{
    enum finding_sev none_sev = pf->guest ? FINDING_WARN : FINDING_FAIL;
    unsigned long long free_kb = 0, total = 0;
    char **sizes;
    size_t n;
    char msg[1024] = "", def_size[64] = "hugepages-2048kB";
    struct ctl_nodes nodes;

    if (ctl_sysfs_list(pf->root, "/sys/kernel/mm/hugepages", "hugepages-",
                       &sizes, &n) || !n) {
        findings_add(fs, "hugepages", NULL, none_sev, NULL,
            "the kernel offers no huge pages (%s/sys/kernel/mm/hugepages "
            "missing or empty): it lacks CONFIG_HUGETLBFS", pf->root);
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
        findings_add(fs, "hugepages", NULL, none_sev,
            ctl_xasprintf("echo %d > /sys/kernel/mm/hugepages/%s/nr_hugepages",
                          PF_DEFAULT_HUGEPAGES, def_size),
            "no huge pages reserved (%s)%s", msg,
            pf->guest ? ": DPDK mode needs them, PacketMMAP mode does not"
                      : "");
    } else if (!free_kb && !pf->dpdk_initialized) {
        findings_add(fs, "hugepages", NULL, none_sev,
            ctl_xasprintf("echo %llu > /sys/kernel/mm/hugepages/%s/"
                          "nr_hugepages", total * 2, def_size),
            "every huge page is in use (%s)", msg);
    } else {
        findings_add(fs, "hugepages", NULL, FINDING_PASS, NULL, "%s", msg);
    }

    /* Per node against socket-mem, before OVS has taken its share. */
    if (pf->n_socket_mem < 0 || pf->dpdk_initialized) {
        return;
    }
    ctl_sysfs_read_nodes(pf->root, &nodes);
    for (int i = 0; i < pf->n_socket_mem; i++) {
        check_node_hugepages(pf, fs, &nodes, i, free_kb);
    }
}

void
preflight_check_hugetlbfs(const struct preflight *pf, struct findings *fs)
{
    char *mounts = NULL, *line, *save = NULL;
    char where[512] = "";
    int error;

    error = ctl_sysfs_slurp(pf->root, "/proc/mounts", &mounts, NULL);
    if (error) {
        findings_add(fs, "hugetlbfs", NULL, FINDING_SKIP, NULL, "cannot read "
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
        findings_add(fs, "hugetlbfs", NULL, FINDING_PASS, NULL,
            "mounted on %s", where);
    } else {
        findings_add(fs, "hugetlbfs", NULL,
            pf->guest ? FINDING_WARN : FINDING_FAIL,
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

void
preflight_check_iommu(const struct preflight *pf, struct findings *fs)
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
        findings_add(fs, "iommu", NULL, FINDING_PASS, NULL,
            "%zu IOMMU groups%s", n,
            cmdline_has(cmdline, "iommu=pt") ? ", iommu=pt"
            : "; iommu=pt is not on the kernel command line (passthrough "
              "mode spares the host's own DMA the translation)");
    } else if (pf->guest) {
        findings_add(fs, "iommu", NULL,
            noiommu[0] == 'Y' ? FINDING_PASS : FINDING_WARN,
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
        findings_add(fs, "iommu", NULL, FINDING_FAIL,
            ctl_xstrdup("enable VT-d / AMD-Vi in the firmware setup, then "
                        "reboot"),
            "the IOMMU is on the kernel command line but no IOMMU groups "
            "exist: it is off in the firmware");
    } else {
        findings_add(fs, "iommu", NULL, FINDING_WARN,
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

void
preflight_check_modules(const struct preflight *pf, struct findings *fs)
{
    char release[128] = "";
    int vfio, uio;

    ctl_sysfs_read(pf->root, "/proc/sys/kernel/osrelease", release,
                   sizeof release);
    vfio = module_state(pf, "vfio-pci", release);
    uio = module_state(pf, "uio_pci_generic", release);

    if (!vfio) {
        findings_add(fs, "vfio-pci", NULL, FINDING_PASS, NULL, "loaded");
    } else if (vfio == 1) {
        findings_add(fs, "vfio-pci", NULL, FINDING_WARN,
                     ctl_xstrdup("modprobe vfio-pci"),
                     "available for kernel %s but not loaded", release);
    } else {
        findings_add(fs, "vfio-pci", NULL, FINDING_WARN,
            ctl_xasprintf("apt-get install linux-image-%s",
                          release[0] ? release : "$(uname -r)"),
            "no vfio-pci module for kernel %s: no NIC can be given to "
            "DPDK safely", release[0] ? release : "(unknown)");
    }
    if (!uio) {
        findings_add(fs, "uio_pci_generic", NULL, FINDING_PASS, NULL,
            "loaded");
    } else if (uio == 1) {
        findings_add(fs, "uio_pci_generic", NULL, FINDING_PASS, NULL,
            "available (modprobe uio_pci_generic), for NICs vfio-pci cannot "
            "take");
    } else {
        findings_add(fs, "uio_pci_generic", NULL,
            vfio == 2 ? FINDING_WARN : FINDING_PASS,
            NULL, "not available for kernel %s%s",
            release[0] ? release : "(unknown)",
            vfio == 2 ? "" : "; not needed, vfio-pci is");
    }
}

/* The guest's NICs and what gfp can do with each. */
void
preflight_check_guest_nics(const struct preflight *pf, struct findings *fs)
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
                findings_add(fs, "nic", names[i], FINDING_PASS, NULL, "%s: %s",
                    drv,
                    known[k].what);
            } else {
                findings_add(fs, "nic", names[i], FINDING_WARN, NULL,
                    "%s: no DPDK driver gfp knows for it: PacketMMAP "
                    "mode only", drv);
            }
        }
        ctl_sysfs_free_names(names, n);
    }
    {
        char addrs[64][CTL_PCI_ADDR_LEN];
        size_t k = preflight_dpdk_nics(pf, addrs, ARRAY_SIZE(addrs));

        for (size_t i = 0; i < k; i++) {
            findings_add(fs, "nic", addrs[i], FINDING_PASS, NULL,
                "bound to a DPDK driver (vfio-pci or uio): ready for DPDK "
                "mode");
        }
        found += k;
    }
    if (!found) {
        findings_add(fs, "nic", NULL, FINDING_WARN, NULL, "no PCI NIC in "
            "%s/sys/class/net or bound to vfio-pci", pf->root);
    }
}
