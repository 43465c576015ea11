/* gfp-ctl preflight: check the host or guest before traffic.
 *
 *     gfp-ctl preflight [--host|--guest] [--json] [--root DIR]
 *                       [--db DB | --sandbox DIR] [--no-ovs]
 *                       [--pmd-cpu-mask MASK] [--socket-mem LIST]
 *                       [--plugin PATH]
 *
 * Each check (PREFLIGHT_CHECKS in preflight.h) adds findings: an id, a
 * subject, a severity (pass, skip, warn, fail), what is wrong and the
 * command that fixes it.  The facts that
 * only OVS knows come from ovs-vsctl --format=json (run without a shell);
 * when OVS cannot be reached those checks say "skip" and why.  The checks
 * are described in Documentation/topics/preflight-compat.rst. */
#include <config.h>

#include "preflight.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-util.h"
#include "findings.h"
#include "gfp-ctl.h"
#include "options.h"
#include "ovs.h"
#include "util.h"

#define PF_EXIT_WARN 1
#define PF_EXIT_FAIL 3

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

/* PMD cores from other_config:pmd-cpu-mask.  A value OVS cannot use is a
 * failure, not a fact to leave out. */
static void
take_pmd_cpu_mask(struct preflight *pf, struct findings *fs)
{
    const char *v = preflight_ovs_other_config(pf, "pmd-cpu-mask");

    if (!v) {
        return;
    }
    if (cpuset_parse_mask(v, &pf->pmd) || !cpuset_count(&pf->pmd)) {
        findings_add(fs, "ovs-config", "pmd-cpu-mask", FINDING_FAIL,
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
take_socket_mem(struct preflight *pf, struct findings *fs)
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
    findings_add(fs, "ovs-config", "dpdk-socket-mem", FINDING_FAIL,
        ctl_xasprintf("%s set Open_vSwitch . other_config:dpdk-socket-mem="
                      "\"%s\"", pf->vsctl_cmd, list),
        "other_config:dpdk-socket-mem is '%s': expected MB per NUMA node, "
        "comma-separated, such as 1024,1024; DPDK's EAL refuses to start "
        "with it", v);
}

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
preflight_destroy(struct preflight *pf)
{
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

/* What the command line asks. */
struct preflight_args {
    bool host, guest, json, no_ovs;
    const char *root, *db, *sandbox, *plugin;
    struct cpuset pmd;          /* Empty: not given. */
    struct socket_mem {
        int n;                  /* -1: not given. */
        unsigned long long mb[PF_MAX_NODES];
    } mem;
};

static int
parse_pmd_mask(const struct ctl_option *o, const char *value, void *dst)
{
    struct cpuset *set = dst;

    if (cpuset_parse_mask(value, set) || !cpuset_count(set)) {
        return gfp_ctl_usage_error("invalid value '%s' for --%s: expected a "
                                   "non-zero hex CPU mask such as 0x6 (CPUs "
                                   "below %d)", value, o->name, PF_MAX_CPUS);
    }
    return 0;
}

static int
parse_mem(const struct ctl_option *o, const char *value, void *dst)
{
    struct socket_mem *mem = dst;

    if (parse_socket_mem(value, mem->mb, &mem->n)) {
        return gfp_ctl_usage_error("invalid value '%s' for --%s: expected "
                                   "MB per NUMA node, e.g. 1024,1024", value,
                                   o->name);
    }
    return 0;
}

#define PF_ARG(NAME, ARG, MEMBER, PARSE, HELP) \
    CTL_VALUE(NAME, ARG, struct preflight_args, MEMBER, PARSE, HELP)
#define PF_FLAG(NAME, MEMBER, HELP) \
    CTL_FLAG(NAME, struct preflight_args, MEMBER, HELP)
static const struct ctl_option preflight_options[] = {
    PF_FLAG("host", host, "check this host (the default)"),
    PF_FLAG("guest", guest, "check this guest"),
    PF_FLAG("json", json, "print the findings as JSON"),
    PF_ARG("root", "DIR", root, ctl_option_root,
           "read /sys, /proc, /dev and /etc under DIR"),
    PF_ARG("db", "DB", db, NULL, "OVS's database (default: ovs-vsctl's)"),
    PF_ARG("sandbox", "DIR", sandbox, NULL,
           "a gfp-sandbox's OVS, with its tools"),
    PF_FLAG("no-ovs", no_ovs, "do not ask OVS: its checks say skip"),
    PF_ARG("pmd-cpu-mask", "MASK", pmd, parse_pmd_mask,
           "the PMD cores to check, not OVS's"),
    PF_ARG("socket-mem", "LIST", mem, parse_mem,
           "MB per NUMA node to check, not OVS's"),
    PF_ARG("plugin", "PATH", plugin, NULL,
           "the gfp plugin whose DPDK ABI to check"),
};
#undef PF_ARG
#undef PF_FLAG

static const struct ctl_options preflight_spec = {
    .who = "preflight",
    .synopsis = "[--host|--guest] [--json] [--root DIR]\n"
                "                         [--db DB | --sandbox DIR] "
                "[--no-ovs]\n"
                "                         [--pmd-cpu-mask MASK] "
                "[--socket-mem LIST] [--plugin PATH]",
    .description = "Checks this host (default) or guest before traffic; "
                   "each finding says\npass, skip, warn or fail, and the "
                   "command that fixes it.\nExit status: 0 all pass (or "
                   "skip), 1 a warning, 2 usage error, 3 a failure.",
    .options = preflight_options,
    .n_options = ARRAY_SIZE(preflight_options),
};

static int
check_args(const struct preflight_args *a)
{
    if (a->host && a->guest) {
        return gfp_ctl_usage_error("preflight: --host and --guest exclude "
                                   "each other");
    } else if (a->db && a->sandbox) {
        return gfp_ctl_usage_error("preflight: --db and --sandbox exclude "
                                   "each other");
    } else if (a->no_ovs && (a->db || a->sandbox)) {
        return gfp_ctl_usage_error("preflight: --no-ovs excludes --db and "
                                   "--sandbox");
    }
    return 0;
}

/* Where OVS is: its programs and database, a sandbox's if --sandbox.
 * Returns 0 or an exit status after saying why. */
static int
locate_ovs(struct preflight *pf, const struct preflight_args *a)
{
    pf->vsctl = ctl_xstrdup("ovs-vsctl");
    pf->vswitchd = ctl_xstrdup("ovs-vswitchd");
    pf->rundir = ctl_xstrdup(PF_DEFAULT_RUNDIR);
    pf->rundir_root = pf->root;
    pf->db = a->db ? ctl_xstrdup(a->db) : NULL;
    if (a->sandbox) {
        char err[OVS_ERR_LEN];
        int error = load_sandbox(pf, a->sandbox, err);

        if (error == -ENOENT) {
            return gfp_ctl_usage_error("--sandbox %s: no "
                                       "%s/gfp-sandbox.state (start one with "
                                       "gfp-sandbox start --dir %s)",
                                       a->sandbox, a->sandbox, a->sandbox);
        } else if (error) {
            fprintf(stderr, "gfp-ctl: preflight: --sandbox %s: %s\n",
                    a->sandbox, err);
            return PF_EXIT_FAIL;
        }
    }
    pf->vsctl_cmd = (pf->db ? ctl_xasprintf("ovs-vsctl --db=%s", pf->db)
                     : ctl_xstrdup("ovs-vsctl"));
    return 0;
}

/* The facts: OVS's rows (unless a guest or told not to ask), then the
 * PMD cores and socket memory from the command line, else from OVS. */
static void
gather_facts(struct preflight *pf, const struct preflight_args *a,
             struct findings *fs)
{
    if (pf->guest) {
        snprintf(pf->ovs_err, sizeof pf->ovs_err, "a guest has no OVS");
    } else if (pf->no_ovs) {
        snprintf(pf->ovs_err, sizeof pf->ovs_err, "OVS not asked (--no-ovs)");
    } else {
        pf->ovs_ok = !preflight_ovs_load(pf);
    }
    if (cpuset_count(&a->pmd)) {
        pf->pmd = a->pmd;
        pf->have_pmd = true;
        snprintf(pf->pmd_from, sizeof pf->pmd_from, "--pmd-cpu-mask");
    } else {
        take_pmd_cpu_mask(pf, fs);
    }
    if (a->mem.n >= 0) {
        pf->n_socket_mem = a->mem.n;
        memcpy(pf->socket_mem, a->mem.mb, sizeof pf->socket_mem);
        snprintf(pf->socket_mem_from, sizeof pf->socket_mem_from,
                 "--socket-mem");
    } else {
        take_socket_mem(pf, fs);
    }
    if (pf->ovs_ok) {
        pf->dpdk_initialized = json_is_true(
            json_object_get(pf->ovs, "dpdk_initialized"));
    }
}

static const struct preflight_check {
    void (*run)(const struct preflight *, struct findings *);
    enum preflight_where where;
} checks[] = {
#define PREFLIGHT_CHECK_ENTRY(NAME, WHERE) { preflight_check_##NAME, WHERE },
    PREFLIGHT_CHECKS(PREFLIGHT_CHECK_ENTRY)
#undef PREFLIGHT_CHECK_ENTRY
};

static int
preflight_run(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    struct preflight_args a = { .root = "", .mem = { .n = -1 } };
    struct findings fs = { NULL, 0, 0 };
    struct preflight pf;
    int first, status;

    if (!ctl_options_parse(&preflight_spec, argc, argv, &a, &first,
                           &status)) {
        return status;
    }
    status = check_args(&a);
    if (status) {
        return status;
    }
    pf = (struct preflight) {
        .root = a.root, .guest = a.guest, .no_ovs = a.no_ovs,
        .plugin_arg = a.plugin, .n_socket_mem = -1,
    };
    status = locate_ovs(&pf, &a);
    if (!status) {
        gather_facts(&pf, &a, &fs);
        for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
            if (checks[i].where == PF_BOTH
                || (checks[i].where == PF_GUEST) == pf.guest) {
                checks[i].run(&pf, &fs);
            }
        }
        findings_print(&fs, pf.guest ? "preflight (guest)"
                                     : "preflight (host)", a.json);
        status = (findings_worst(&fs) == FINDING_FAIL ? PF_EXIT_FAIL
                  : findings_worst(&fs) == FINDING_WARN ? PF_EXIT_WARN
                  : EXIT_SUCCESS);
    }
    findings_destroy(&fs);
    preflight_destroy(&pf);
    return status;
}

static const struct gfp_ctl_command preflight_commands[] = {
    { NULL, "[--host|--guest] [--json] [--root DIR] ...",
      "hugepages, IOMMU, NUMA and OVS: findings with fixes",
      preflight_run },
};

const struct gfp_ctl_group gfp_ctl_group_preflight = {
    .name = "preflight",
    .summary = "check the host or guest before traffic",
    .commands = preflight_commands,
    .n_commands = ARRAY_SIZE(preflight_commands),
};
