/* gfp-ctl host: internal to the host group.  host.c is the command;
 * host-db.c reads the database and runs ovs-vsctl; host-setup.c and
 * host-teardown.c plan what setup and teardown change. */
#ifndef GFP_CTL_HOST_H
#define GFP_CTL_HOST_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "topology.h"

#define HOST_AUTO_SOCKET_MEM_MB 1024

/* The other_config keys an ovs section may set.  Teardown finds the
 * records of a topology by their exact keys (host-teardown.c), never by a
 * prefix: "gfp-ctl-a-" begins the keys of topology "a-was" too.  The keys
 * of two names cannot be equal as long as no key here is "set", ends in
 * "-set" or holds "-was-". */
enum host_ovs_key { HOST_PMD_CPU_MASK, HOST_DPDK_SOCKET_MEM, HOST_DPDK_EXTRA,
               HOST_N_OVS_KEYS };
extern const char *const host_ovs_key_names[HOST_N_OVS_KEYS];

/* One ovs-vsctl command line. */
struct host_cmd {
    char **argv;
    size_t n;
};

struct host_ctx {
    const char *file;
    struct topology *topo;
    bool dry_run;
    const char *db;             /* --db, or NULL for ovs-vsctl's default. */
    const char *root;           /* "" or --root: where sysfs is read. */
    char *vsctl;                /* The ovs-vsctl to run. */
    unsigned timeout_s;         /* ovs-vsctl's --timeout. */
    unsigned run_timeout_ms;    /* When an ovs-vsctl is killed. */

    /* The database as read before planning; all NULL (an empty OVS) when
     * a dry run cannot reach it. */
    json_t *ovs;                /* The Open_vSwitch row. */
    json_t *bridges, *ports, *ifaces;   /* Arrays of rows. */

    /* Other_config keys of the file with their values (auto resolved). */
    const char *ovs_keys[HOST_N_OVS_KEYS];
    char *ovs_values[HOST_N_OVS_KEYS];
    size_t n_ovs;

    struct host_cmd *cmds;
    size_t n_cmds;
};

/* A change to a key of a map column of the Open_vSwitch row, from 'old'
 * to 'new' (NULL: absent), that setup or teardown plans. */
struct host_change {
    const char *column;         /* "other_config" or "external_ids". */
    char *key;
    char *old, *new;
};

struct host_changes {
    struct host_change *v;
    size_t n;
};

/* host-db.c: ovs-vsctl command lines, the plan, and the database. */

/* Appends a formatted word to 'cmd'. */
void host_cmd_add(struct host_cmd *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void host_cmd_free(struct host_cmd *);

/* A command line with the options every ovs-vsctl run gets. */
struct host_cmd host_cmd_start(const struct host_ctx *);

/* Appends 'cmd' to the plan, which takes it over. */
void host_plan_add(struct host_ctx *, struct host_cmd);

/* 's' as an OVSDB string atom for ovs-vsctl (malloc'd). */
char *host_ovsdb_quote(const char *s);

/* Reads the rows planning needs.  Returns 0 or an exit status. */
int host_db_read(struct host_ctx *);

json_t *host_find_row(json_t *rows, const char *col, const char *value);

/* ovs_row_format(), "" for no value (malloc'd). */
char *host_row_text(const json_t *row, const char *column);

/* Whether 'row' carries external_ids:gfp-ctl of this topology. */
bool host_row_is_ours(const struct host_ctx *, const json_t *row);
json_t *host_bridge_of(const struct host_ctx *, const json_t *port);
const char *host_row_name(const json_t *row);

/* Whether comma-separated 'list' has 'key'. */
bool host_set_has(const char *list, const char *key);

/* Adds a change; takes over 'old' and 'new'. */
void host_change_add(struct host_changes *, const char *column,
                     const char *key, char *old, char *new);

/* Plans the changes of 'list' as one ovs-vsctl and frees them. */
void host_plan_ovs_changes(struct host_ctx *, struct host_changes *list);

/* Prints and (unless a dry run) runs the plan.  Returns 0 or an exit
 * status. */
int host_apply(struct host_ctx *);

/* After setup: did ovs-vswitchd take every port?  Returns 0 or an exit
 * status. */
int host_check_ports(struct host_ctx *);

/* host-setup.c. */

/* Resolves the file's ovs section ("auto" included) into the
 * other_config values setup sets.  Returns 0 or an exit status. */
int host_resolve_ovs(struct host_ctx *);
int host_plan_setup(struct host_ctx *);

/* host-teardown.c. */
void host_plan_teardown(struct host_ctx *);

#endif /* host.h */
