/* gfp-ctl host: set up and tear down OVS-DPDK from a topology file.
 *
 *     gfp-ctl host setup FILE [--dry-run] [--db DB | --sandbox DIR]
 *                             [--root DIR]
 *     gfp-ctl host teardown FILE [--dry-run] [--db DB | --sandbox DIR]
 *
 * The file is validated as a whole first (topology.c).  Then the
 * database is read, and the commands that make it match the file, or undo
 * what an earlier setup made, are planned; only then does the first
 * ovs-vsctl that changes anything run.  Everything setup creates carries
 * external_ids:gfp-ctl=NAME; the Open_vSwitch other_config keys it sets are
 * recorded in Open_vSwitch external_ids (gfp-ctl-NAME-set lists the keys
 * that were absent, gfp-ctl-NAME-was-KEY keeps a value it replaced), so
 * that teardown removes exactly what setup made and nothing else (a key
 * whose value was the empty string is put back as one).
 *
 * Errors are returned up to host_run() as its exit status, each said once
 * where it is found. */
#include <config.h>

#include "host.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl-util.h"
#include "gfp-ctl.h"
#include "options.h"
#include "ovs.h"
#include "sysfs.h"
#include "util.h"

#define VSCTL_DEFAULT "ovs-vsctl"
#define HOST_RUN_TIMEOUT_MS 30000       /* At least, for one ovs-vsctl. */

const char *const host_ovs_key_names[HOST_N_OVS_KEYS] = {
    [HOST_PMD_CPU_MASK] = "pmd-cpu-mask",
    [HOST_DPDK_SOCKET_MEM] = "dpdk-socket-mem",
    [HOST_DPDK_EXTRA] = "dpdk-extra",
};

/* --sandbox DIR: the database and the ovs-vsctl of a gfp-sandbox. */
static int
load_sandbox(struct host_ctx *ctx, const char *dir, char **db)
{
    char err[OVS_ERR_LEN];
    struct ovs_sandbox sb;
    int error;

    error = ovs_sandbox_load(dir, &sb, err);
    if (error == -ENOENT) {
        fprintf(stderr, "gfp-ctl: no sandbox in %s (%s/gfp-sandbox.state: "
                "%s); start one with 'gfp-sandbox start --dir %s'\n", dir,
                dir, strerror(-error), dir);
        return EXIT_FAILURE;
    } else if (error) {
        fprintf(stderr, "gfp-ctl: --sandbox %s: %s\n", dir, err);
        return EXIT_FAILURE;
    }
    ovs_sandbox_take(db, &sb.db);
    if (sb.vsctl && !access(sb.vsctl, X_OK)) {
        ovs_sandbox_take(&ctx->vsctl, &sb.vsctl);
    }
    ovs_sandbox_destroy(&sb);
    return 0;
}

/* What the command line asks. */
struct host_args {
    bool dry_run;
    const char *db;
    const char *sandbox;
    const char *root;
};

static const struct ctl_option host_options[] = {
    CTL_FLAG("dry-run", struct host_args, dry_run,
             "print the ovs-vsctl commands, run none"),
    CTL_VALUE("db", "DB", struct host_args, db, NULL,
              "OVS's database (default: ovs-vsctl's)"),
    CTL_VALUE("sandbox", "DIR", struct host_args, sandbox, NULL,
              "a gfp-sandbox's OVS, with its ovs-vsctl"),
    CTL_VALUE("root", "DIR", struct host_args, root, ctl_option_root,
              "read /sys under DIR (for \"auto\")"),
};

#define HOST_SPEC(WHO, DESCRIPTION) {                                   \
    .who = WHO,                                                         \
    .synopsis = "FILE [--dry-run] [--db DB | --sandbox DIR] [--root DIR]", \
    .description = DESCRIPTION,                                         \
    .options = host_options,                                            \
    .n_options = ARRAY_SIZE(host_options),                              \
    .min_args = 1,                                                      \
    .max_args = 1,                                                      \
}

static const struct ctl_options setup_spec = HOST_SPEC(
    "host setup", "Creates the bridges and ports of topology FILE and sets "
    "its ovs section in OVS.");
static const struct ctl_options teardown_spec = HOST_SPEC(
    "host teardown", "Removes what 'host setup FILE' created and puts back "
    "what it changed.");

/* Loads the file and the database, then plans.  Returns 0 or an exit
 * status. */
static int
host_prepare(struct host_ctx *ctx, const struct host_args *a, bool setup,
             char **sandbox_db)
{
    struct topology *topo;
    char *error_msg;
    int status;

    ctx->root = a->root ? a->root : "";

    /* The whole file first: nothing runs for a file with an error. */
    if (topology_load(ctx->file, &topo, &error_msg)) {
        fprintf(stderr, "gfp-ctl: %s\n", error_msg);
        free(error_msg);
        return GFP_CTL_EXIT_USAGE;
    }
    ctx->topo = topo;
    ctx->run_timeout_ms = MAX(ctx->timeout_s * 1000 + 5000,
                              HOST_RUN_TIMEOUT_MS);

    status = a->sandbox ? load_sandbox(ctx, a->sandbox, sandbox_db) : 0;
    ctx->db = a->sandbox ? *sandbox_db : a->db;
    if (!status) {
        status = host_resolve_ovs(ctx);
    }
    if (!status) {
        status = host_db_read(ctx);
    }
    if (!status && setup) {
        status = host_plan_setup(ctx);
    } else if (!status) {
        host_plan_teardown(ctx);
    }
    return status;
}

static void
host_ctx_destroy(struct host_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_cmds; i++) {
        host_cmd_free(&ctx->cmds[i]);
    }
    free(ctx->cmds);
    for (size_t i = 0; i < ctx->n_ovs; i++) {
        free(ctx->ovs_values[i]);
    }
    json_decref(ctx->ovs);
    json_decref(ctx->bridges);
    json_decref(ctx->ports);
    json_decref(ctx->ifaces);
    free(ctx->vsctl);
    topology_destroy(ctx->topo);
}

static int
host_run(const struct gfp_ctl_opts *opts, int argc, char *argv[],
         bool setup)
{
    struct host_args a = { .dry_run = false };
    struct host_ctx ctx;
    char *sandbox_db = NULL;
    int first, status;

    if (!ctl_options_parse(setup ? &setup_spec : &teardown_spec, argc, argv,
                           &a, &first, &status)) {
        return status;
    }
    if (a.db && a.sandbox) {
        return gfp_ctl_usage_error("host %s: --db and --sandbox exclude "
                                   "each other", argv[0]);
    }
    ctx = (struct host_ctx) {
        .file = argv[first],
        .dry_run = a.dry_run,
        .timeout_s = (opts->timeout_ms + 999) / 1000,
        .vsctl = ctl_xstrdup(VSCTL_DEFAULT),
    };
    status = host_prepare(&ctx, &a, setup, &sandbox_db);
    if (!status) {
        status = host_apply(&ctx);
    }
    if (!status && setup && !ctx.dry_run && ctx.n_cmds) {
        status = host_check_ports(&ctx);
    }
    host_ctx_destroy(&ctx);
    free(sandbox_db);
    return status;
}

static int
host_setup(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    return host_run(opts, argc, argv, true);
}

static int
host_teardown(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    return host_run(opts, argc, argv, false);
}

static const struct gfp_ctl_command host_commands[] = {
    { "setup", "FILE", "create the topology's bridges and ports in OVS",
      host_setup },
    { "teardown", "FILE", "remove what setup created, restore what it "
      "changed", host_teardown },
};

const struct gfp_ctl_group gfp_ctl_group_host = {
    .name = "host",
    .summary = "set up and tear down OVS-DPDK from a topology file",
    .commands = host_commands,
    .n_commands = ARRAY_SIZE(host_commands),
};
