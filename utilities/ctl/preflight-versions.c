/* gfp-ctl preflight: versions: OVS and its dpdk-init, and the
 * DPDK ABI the plugin needs against the one ovs-vswitchd has. */
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

/* Runs 'ovs-vswitchd --version' for its OVS and DPDK versions.  Returns
 * its status (0, a negative errno, -ECANCELED for --no-ovs). */
static int
vswitchd_version(const struct preflight *pf, char ovs_ver[64],
                 char dpdk_ver[64])
{
    char *argv[] = { pf->vswitchd, "--version", NULL };
    char *out = NULL;
    int status;

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
    return status;
}

static void
report_ovs_version(const struct preflight *pf, struct findings *fs,
                   int status, const char *ovs_ver, const char *dpdk_ver,
                   const char *db_dpdk)
{
    if (pf->no_ovs) {
        findings_add(fs, "ovs-version", NULL, FINDING_SKIP, NULL, "%s",
            pf->ovs_err);
    } else if (!ovs_ver[0]) {
        findings_add(fs, "ovs-version", NULL,
            pf->ovs_ok ? FINDING_WARN : FINDING_SKIP, NULL,
            "cannot run '%s --version'%s%s", pf->vswitchd,
            status < 0 ? ": " : "", status < 0 ? strerror(-status) : "");
    } else if (!dpdk_ver[0]) {
        findings_add(fs, "ovs-version", NULL, FINDING_FAIL,
            ctl_xstrdup("apt-get install openvswitch-switch-dpdk && "
                        "update-alternatives --set ovs-vswitchd "
                        "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"),
            "%s is Open vSwitch %s without DPDK", pf->vswitchd, ovs_ver);
    } else if (db_dpdk && db_dpdk[0] && !strstr(db_dpdk, dpdk_ver)) {
        findings_add(fs, "ovs-version", NULL, FINDING_WARN,
            ctl_xstrdup("systemctl restart openvswitch-switch"),
            "%s is Open vSwitch %s with DPDK %s, but the running one "
            "reports %s: restart it", pf->vswitchd, ovs_ver, dpdk_ver,
            db_dpdk);
    } else {
        findings_add(fs, "ovs-version", NULL, FINDING_PASS, NULL,
            "Open vSwitch %s, DPDK %s%s", ovs_ver, dpdk_ver,
            db_dpdk && db_dpdk[0] ? " (running)" : "");
    }
}

static void
report_dpdk_init(const struct preflight *pf, struct findings *fs)
{
    if (pf->ovs_ok) {
        const char *init = preflight_ovs_other_config(pf, "dpdk-init");
        json_t *inited = json_object_get(pf->ovs, "dpdk_initialized");

        if (init && !strcmp(init, "true") && json_is_false(inited)) {
            findings_add(fs, "dpdk-init", NULL, FINDING_FAIL,
                ctl_xasprintf("grep -i dpdk %s/ovs-vswitchd.log",
                              strcmp(pf->rundir, PF_DEFAULT_RUNDIR)
                              ? pf->rundir : "/var/log/openvswitch"),
                "dpdk-init=true, but DPDK did not initialize");
        }
    }
}

/* The plugin's ABI against the switch's DPDK. */
static void
check_plugin_abi(const struct preflight *pf, struct findings *fs,
                 const char *dpdk_ver, const char *db_dpdk)
{
    const char *plugin_src = NULL;
    char *plugin = NULL, *vswitchd_path;
    unsigned ovs_abi = 0, plugin_abi, bin_abi;
    bool have_abi = false;
    char switch_dpdk[128];
    int error;

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
        findings_add(fs, "plugin-abi", NULL, FINDING_SKIP, NULL,
            "no net_pmmap plugin configured (no -d in dpdk-extra; or pass "
            "--plugin PATH)");
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
        findings_add(fs, "plugin-abi", plugin, FINDING_FAIL, NULL,
            "cannot read the plugin (from %s): %s", plugin_src,
            error == -ENOEXEC ? "not a 64-bit ELF file"
            : error == -ENOENT ? "no DT_NEEDED librte_ethdev.so.N (not a "
                                 "shared DPDK driver)"
            : strerror(-error));
    } else if (!have_abi) {
        findings_add(fs, "plugin-abi", plugin, FINDING_SKIP, NULL,
            "the plugin needs DPDK ABI %u; the switch's DPDK version is "
            "unknown",
            plugin_abi);
    } else if (plugin_abi != ovs_abi) {
        findings_add(fs, "plugin-abi", plugin, FINDING_FAIL,
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
            findings_add(fs, "plugin-abi", plugin, FINDING_FAIL, NULL,
                "the plugin needs librte_ethdev.so.%u, %s links "
                "librte_ethdev.so.%u",
                plugin_abi, vswitchd_path, bin_abi);
        } else {
            findings_add(fs, "plugin-abi", plugin, FINDING_PASS, NULL,
                "DPDK ABI %u, as the switch's %s", plugin_abi, switch_dpdk);
        }
        free(vswitchd_path);
    }
    free(plugin);
}
void
preflight_check_versions(const struct preflight *pf, struct findings *fs)
{
    const char *db_dpdk = (pf->ovs_ok ? ovs_row_get(pf->ovs, "dpdk_version")
                           : NULL);
    char ovs_ver[64] = "", dpdk_ver[64] = "";
    int status = vswitchd_version(pf, ovs_ver, dpdk_ver);

    report_ovs_version(pf, fs, status, ovs_ver, dpdk_ver, db_dpdk);
    report_dpdk_init(pf, fs);
    check_plugin_abi(pf, fs, dpdk_ver, db_dpdk);
}
