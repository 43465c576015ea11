/* gfp-ctl preflight: internal to the preflight group.
 *
 * preflight.c is the command: it gathers the facts into a struct
 * preflight, runs every check of PREFLIGHT_CHECKS in that order, and
 * prints their findings (findings.h).  The checks read the facts and
 * report; none calls another check's file or the command:
 *
 *     preflight-sys.c       hugepages, hugetlbfs, IOMMU, modules, NICs
 *     preflight-numa.c      NUMA placement of PMDs, memory and guests
 *     preflight-ovs.c       OVS's rows (read once) and the checks on them
 *     preflight-versions.c  OVS version, dpdk-init, the plugin's DPDK ABI
 */
#ifndef GFP_CTL_PREFLIGHT_H
#define GFP_CTL_PREFLIGHT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuset.h"
#include "ctl-util.h"
#include "findings.h"
#include "sysfs.h"

#define PF_MAX_CPUS CPUSET_MAX
#define PF_MAX_NODES CTL_MAX_NODES
#define PF_DEFAULT_RUNDIR "/var/run/openvswitch"

/* The facts the checks read. */
struct preflight {
    const char *root;           /* "" or the --root prefix. */
    bool guest;

    /* Where OVS is. */
    bool no_ovs;
    char *db;                   /* NULL: ovs-vsctl's default. */
    char *vsctl;                /* The ovs-vsctl program. */
    char *vswitchd;             /* The ovs-vswitchd program. */
    char *rundir;               /* OVS's run directory. */
    const char *rundir_root;    /* "" for a sandbox, else 'root'. */
    char *dpdk_extra;           /* From the sandbox state file. */
    char *vsctl_cmd;            /* "ovs-vsctl [--db=DB]" for the fixes. */
    const char *plugin_arg;

    /* What OVS said. */
    bool ovs_ok;
    char ovs_err[256];
    json_t *ovs;                /* The Open_vSwitch row. */
    json_t *bridges, *ports, *ifaces;   /* Arrays of rows. */
    bool dpdk_initialized;

    /* Facts: from the command line, else from OVS. */
    bool have_pmd;
    struct cpuset pmd;
    char pmd_from[64];
    int n_socket_mem;           /* -1: unknown. */
    unsigned long long socket_mem[PF_MAX_NODES];
    char socket_mem_from[64];
};

/* Where a check runs. */
enum preflight_where { PF_BOTH, PF_HOST, PF_GUEST };

/* Every check, in the order of the report: C(NAME, WHERE) is
 * preflight_check_NAME(), run on the host, the guest or both. */
#define PREFLIGHT_CHECKS(C)                                     \
    C(hugepages, PF_BOTH)       /* preflight-sys.c */           \
    C(hugetlbfs, PF_BOTH)                                       \
    C(iommu, PF_BOTH)                                           \
    C(modules, PF_BOTH)                                         \
    C(guest_nics, PF_GUEST)                                     \
    C(numa, PF_HOST)            /* preflight-numa.c */          \
    C(guest_numa, PF_HOST)                                      \
    C(sock_dir, PF_HOST)        /* preflight-ovs.c */           \
    C(vhost_mode, PF_HOST)                                      \
    C(mtu, PF_HOST)                                             \
    C(queues, PF_HOST)                                          \
    C(versions, PF_HOST)        /* preflight-versions.c */

#define PREFLIGHT_CHECK_DECLARE(NAME, WHERE)                            \
    void preflight_check_##NAME(const struct preflight *, struct findings *);
PREFLIGHT_CHECKS(PREFLIGHT_CHECK_DECLARE)
#undef PREFLIGHT_CHECK_DECLARE

/* preflight-ovs.c: OVS's rows. */

/* Reads the Open_vSwitch, Bridge, Port and Interface rows into 'pf' with
 * ovs-vsctl.  On failure, returns a negative errno with 'pf->ovs_err'
 * saying why. */
int preflight_ovs_load(struct preflight *);

/* Value of 'key' in a map column (an object, see ovs_parse_table()), if
 * it is a string. */
const char *preflight_ovs_map_get(const json_t *map, const char *key);

/* other_config:'key' of the Open_vSwitch row, or NULL. */
const char *preflight_ovs_other_config(const struct preflight *,
                                       const char *key);

/* preflight-numa.c. */

/* The PCI NICs DPDK drives: bound to a DPDK-capable kernel driver, or
 * named by an OVS dpdk port's dpdk-devargs.  At most 'max' addresses, as
 * sysfs spells them. */
size_t preflight_dpdk_nics(const struct preflight *,
                           char (*addrs)[CTL_PCI_ADDR_LEN], size_t max);

#endif /* preflight.h */
