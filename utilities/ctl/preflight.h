/* gfp-ctl preflight: internal to gfp-ctl preflight (ctl-preflight.c, the
 * command, its output and the system checks; ctl-preflight-ovs.c, what
 * only OVS knows and the checks built on it). */
#ifndef GFP_CTL_PREFLIGHT_H
#define GFP_CTL_PREFLIGHT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuset.h"
#include "ctl-util.h"
#include "sysfs.h"

#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

#define PF_MAX_CPUS CPUSET_MAX
#define PF_MAX_NODES CTL_MAX_NODES
#define PF_DEFAULT_RUNDIR "/var/run/openvswitch"

enum pf_sev { SEV_PASS, SEV_SKIP, SEV_WARN, SEV_FAIL };

struct finding {
    char *id;
    char *subject;
    char *message;
    char *fix;                  /* NULL: nothing to fix. */
    enum pf_sev sev;
};

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

    /* Facts: from the command line, else from OVS. */
    bool have_pmd;
    struct cpuset pmd;
    char pmd_from[64];
    int n_socket_mem;           /* -1: unknown. */
    unsigned long long socket_mem[PF_MAX_NODES];
    char socket_mem_from[64];

    /* The report. */
    struct finding *f;
    size_t n, cap;
};

/* ctl-preflight.c. */

/* Adds a finding.  'fix' is taken over (may be NULL). */
void pf_add(struct preflight *, const char *id, const char *subject,
            enum pf_sev, char *fix, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The PCI NICs DPDK drives: bound to a DPDK-capable kernel driver, or
 * named by an OVS dpdk port's dpdk-devargs.  At most 'max' addresses, as
 * sysfs spells them. */
size_t preflight_dpdk_nics(const struct preflight *,
                           char (*addrs)[CTL_PCI_ADDR_LEN], size_t max);

/* ctl-preflight-ovs.c. */

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

void preflight_ovs_check_sock_dir(struct preflight *);
void preflight_ovs_check_vhost_mode(struct preflight *);
void preflight_ovs_check_mtu(struct preflight *);
void preflight_ovs_check_queues(struct preflight *);
void preflight_ovs_check_versions(struct preflight *);
void preflight_ovs_check_guest_numa(struct preflight *);

#endif /* ctl-preflight.h */
