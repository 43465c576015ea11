/* gfp-ctl host: ovs-vsctl command lines, the plan, and the
 * database as read before planning. */
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
#include "ovs.h"
#include "util.h"

#define DB_DEFAULT "unix:/var/run/openvswitch/db.sock"

void
host_cmd_add(struct host_cmd *cmd, const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    s = ctl_xvasprintf(fmt, args);
    va_end(args);
    cmd->argv = ctl_xrealloc(cmd->argv, (cmd->n + 2) * sizeof *cmd->argv);
    cmd->argv[cmd->n++] = s;
    cmd->argv[cmd->n] = NULL;
}

void
host_cmd_free(struct host_cmd *cmd)
{
    for (size_t i = 0; i < cmd->n; i++) {
        free(cmd->argv[i]);
    }
    free(cmd->argv);
}

/* A command line with the options every ovs-vsctl run gets. */
struct host_cmd
host_cmd_start(const struct host_ctx *ctx)
{
    struct host_cmd cmd = { NULL, 0 };

    host_cmd_add(&cmd, "%s", ctx->vsctl);
    if (ctx->db) {
        host_cmd_add(&cmd, "--db=%s", ctx->db);
    }
    host_cmd_add(&cmd, "--timeout=%u", ctx->timeout_s);
    return cmd;
}

void
host_plan_add(struct host_ctx *ctx, struct host_cmd cmd)
{
    ctx->cmds = ctl_xrealloc(ctx->cmds, (ctx->n_cmds + 1) * sizeof *ctx->cmds);
    ctx->cmds[ctx->n_cmds++] = cmd;
}

/* 's' as an OVSDB string atom for ovs-vsctl: bare when it is plain (as
 * OVS's own documentation writes PCI addresses, MACs and devargs), else in
 * double quotes. */
char *
host_ovsdb_quote(const char *s)
{
    size_t n = strlen(s);
    char *q, *p;

    if (n && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_./:=,@+-") == n) {
        return ctl_xstrdup(s);
    }
    q = p = ctl_xrealloc(NULL, 2 * n + 3);
    *p++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            *p++ = '\\';
        }
        *p++ = *s;
    }
    *p++ = '"';
    *p = '\0';
    return q;
}

/* Prints 'argv' as one shell command line. */
static void
print_cmd(const struct host_cmd *cmd, FILE *stream)
{
    for (size_t i = 0; i < cmd->n; i++) {
        const char *s = cmd->argv[i];
        size_t n = strlen(s);

        fputs(i ? " " : "", stream);
        if (n && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
                           "XYZ0123456789_./:=,@%+-") == n) {
            fputs(s, stream);
            continue;
        }
        putc('\'', stream);
        for (; *s; s++) {
            if (*s == '\'') {
                fputs("'\\''", stream);
            } else {
                putc(*s, stream);
            }
        }
        putc('\'', stream);
    }
    putc('\n', stream);
}

/* Runs 'cmd' and returns its exit status (a negative errno if it could
 * not be run), with its standard output in '*out' (if 'out' is not NULL)
 * and its standard error, or why it could not be run, in '*err'. */
static int
run_vsctl(const struct host_ctx *ctx, const struct host_cmd *cmd, char **out,
          char **err)
{
    int status;

    status = ctl_run(cmd->argv, ctx->run_timeout_ms, out, err);
    if (status < 0) {
        free(*err);
        *err = ctl_xasprintf("cannot run %s: %s", cmd->argv[0],
                             status == -ETIMEDOUT ? "no answer in time"
                                                  : strerror(-status));
    }
    return status;
}

/* The first line of 'msg' without ovs-vsctl's "ovs-vsctl: " prefix. */
static const char *
first_line(char *msg)
{
    const char *prefix = "ovs-vsctl: ";

    msg[strcspn(msg, "\n")] = '\0';
    if (!strncmp(msg, prefix, strlen(prefix))) {
        return msg + strlen(prefix);
    }
    return msg[0] ? msg : "no error message";
}

/* Why ovs-vsctl could not talk to 'db', from its message 'err' (which
 * names the database itself). */
static const char *
db_error(const char *db, char *err)
{
    const char *msg = first_line(err);
    size_t n = strlen(db);

    if (!strncmp(msg, db, n) && !strncmp(msg + n, ": ", 2)) {
        return msg + n + 2;
    }
    return msg;
}

/* Reads 'columns' of every row of 'table' into '*rows' (see
 * ovs_parse_table()).  Returns 0; -EIO if ovs-vsctl failed, with '*err'
 * what it said; -EPROTO, with '*err' saying so, if it printed something
 * else than the table: never plan against what could not be read. */
static int
db_list(const struct host_ctx *ctx, const char *table, const char *columns,
        json_t **rows, char **err)
{
    struct host_cmd cmd = host_cmd_start(ctx);
    char *out = NULL, perr[OVS_ERR_LEN];
    int status;

    *rows = NULL;
    host_cmd_add(&cmd, "--format=json");
    host_cmd_add(&cmd, "--data=json");
    host_cmd_add(&cmd, "--columns=%s", columns);
    host_cmd_add(&cmd, "list");
    host_cmd_add(&cmd, "%s", table);
    status = run_vsctl(ctx, &cmd, &out, err);
    host_cmd_free(&cmd);
    if (!status) {
        *rows = ovs_parse_table(out, perr);
        if (!*rows) {
            free(*err);
            *err = ctl_xasprintf("unexpected output from 'ovs-vsctl list %s': "
                                 "%s", table, perr);
        }
    }
    free(out);
    return status ? -EIO : *rows ? 0 : -EPROTO;
}

/* Reads what planning needs.  Returns 0, or EXIT_FAILURE after saying why
 * (unless a dry run, which then plans against an empty OVS). */
int
host_db_read(struct host_ctx *ctx)
{
    const char *db = ctx->db ? ctx->db : DB_DEFAULT;
    json_t *ovs = NULL;
    char *err = NULL;
    int error;

    error = db_list(ctx, "Open_vSwitch", "other_config,external_ids", &ovs,
                    &err);
    if (!error) {
        free(err);
        error = db_list(ctx, "Bridge",
                        "_uuid,name,datapath_type,ports,external_ids",
                        &ctx->bridges, &err);
    }
    if (!error) {
        free(err);
        error = db_list(ctx, "Port", "_uuid,name,external_ids", &ctx->ports,
                        &err);
    }
    if (!error) {
        free(err);
        error = db_list(ctx, "Interface", "name,type,options,mtu_request,"
                        "external_ids,error", &ctx->ifaces, &err);
    }
    if (!error) {
        free(err);
        ctx->ovs = json_incref(json_array_get(ovs, 0));
        json_decref(ovs);
        if (!ctx->ovs) {
            fprintf(stderr, "gfp-ctl: the OVS database at %s has no "
                    "Open_vSwitch row: run 'ovs-vsctl init'\n", db);
            return EXIT_FAILURE;
        }
        return 0;
    }
    json_decref(ovs);
    json_decref(ctx->bridges);
    json_decref(ctx->ports);
    ctx->bridges = ctx->ports = NULL;
    if (error == -EPROTO) {
        fprintf(stderr, "gfp-ctl: %s (OVS at %s); nothing was changed\n",
                err, db);
    } else if (ctx->dry_run) {
        fprintf(stderr, "gfp-ctl: note: cannot reach OVS at %s: %s; "
                "showing the commands for an OVS without this topology\n",
                db, db_error(db, err));
        error = 0;
    } else {
        fprintf(stderr, "gfp-ctl: cannot reach OVS at %s: %s\n", db,
                db_error(db, err));
    }
    free(err);
    return error ? EXIT_FAILURE : 0;
}

json_t *
host_find_row(json_t *rows, const char *col, const char *value)
{
    json_t *row;
    size_t i;

    json_array_foreach (rows, i, row) {
        const char *s = json_string_value(json_object_get(row, col));

        if (s && !strcmp(s, value)) {
            return row;
        }
    }
    return NULL;
}

/* ovs_row_format(), "" for no value. */
char *
host_row_text(const json_t *row, const char *column)
{
    char *v = ovs_row_format(row, column);

    return v ? v : ctl_xstrdup("");
}

bool
host_row_is_ours(const struct host_ctx *ctx, const json_t *row)
{
    const char *tag = json_string_value(
        json_object_get(json_object_get(row, "external_ids"), "gfp-ctl"));

    return tag && !strcmp(tag, ctx->topo->name);
}

/* The bridge whose ports include the Port row 'port'. */
json_t *
host_bridge_of(const struct host_ctx *ctx, const json_t *port)
{
    const char *uuid = json_string_value(json_object_get(port, "_uuid"));
    json_t *br, *p;
    size_t i, j;

    json_array_foreach (ctx->bridges, i, br) {
        json_t *ports = json_object_get(br, "ports");

        if (json_is_string(ports)) {
            if (!strcmp(json_string_value(ports), uuid)) {
                return br;
            }
            continue;
        }
        json_array_foreach (ports, j, p) {
            if (!strcmp(json_string_value(p), uuid)) {
                return br;
            }
        }
    }
    return NULL;
}

const char *
host_row_name(const json_t *row)
{
    return json_string_value(json_object_get(row, "name"));
}

/* The keys listed in the Open_vSwitch record gfp-ctl-NAME-set. */
bool
host_set_has(const char *list, const char *key)
{
    size_t n = strlen(key);

    for (const char *p = list; *p; p += strcspn(p, ",") + !!p[strcspn(p,
                                                                       ",")]) {
        if (strcspn(p, ",") == n && !strncmp(p, key, n)) {
            return true;
        }
    }
    return false;
}

/* Adds a change; takes over 'old' and 'new'. */
void
host_change_add(struct host_changes *list, const char *column, const char *key,
                char *old, char *new)
{
    list->v = ctl_xrealloc(list->v, (list->n + 1) * sizeof *list->v);
    list->v[list->n++] = (struct host_change) {
        column, ctl_xstrdup(key), old, new,
    };
}

/* Plans the changes of 'list' that change anything as one ovs-vsctl
 * transaction, in their order: a run of keys removed from one column is
 * one "remove", a run of keys set one "set".  Frees the list. */
void
host_plan_ovs_changes(struct host_ctx *ctx, struct host_changes *list)
{
    struct host_cmd cmd = host_cmd_start(ctx);
    const struct host_change *prev = NULL;

    for (size_t i = 0; i < list->n; i++) {
        const struct host_change *c = &list->v[i];

        if (c->old && c->new ? !strcmp(c->old, c->new) : c->old == c->new) {
            continue;
        }
        if (!prev || !prev->new != !c->new
            || (!c->new && strcmp(prev->column, c->column))) {
            if (prev) {
                host_cmd_add(&cmd, "--");
            }
            host_cmd_add(&cmd, "%s", c->new ? "set" : "remove");
            host_cmd_add(&cmd, "Open_vSwitch");
            host_cmd_add(&cmd, ".");
            if (!c->new) {
                host_cmd_add(&cmd, "%s", c->column);
            }
        }
        if (c->new) {
            char *q = host_ovsdb_quote(c->new);

            host_cmd_add(&cmd, "%s:%s=%s", c->column, c->key, q);
            free(q);
        } else {
            host_cmd_add(&cmd, "%s", c->key);
        }
        prev = c;
    }
    if (prev) {
        host_plan_add(ctx, cmd);
    } else {
        host_cmd_free(&cmd);
    }
    for (size_t i = 0; i < list->n; i++) {
        free(list->v[i].key);
        free(list->v[i].old);
        free(list->v[i].new);
    }
    free(list->v);
}

int
host_apply(struct host_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_cmds; i++) {
        char *err;
        int status;

        print_cmd(&ctx->cmds[i], stdout);
        if (ctx->dry_run) {
            continue;
        }
        fflush(stdout);
        status = run_vsctl(ctx, &ctx->cmds[i], NULL, &err);
        if (status) {
            if (status > 0) {
                fprintf(stderr, "gfp-ctl: ovs-vsctl failed (exit status %d):"
                        " %s\n", status, first_line(err));
            } else {
                fprintf(stderr, "gfp-ctl: %s\n", err);
            }
            if (i + 1 < ctx->n_cmds) {
                fprintf(stderr, "gfp-ctl: %zu of %zu commands were run; fix "
                        "the cause and run the same command again\n", i,
                        ctx->n_cmds);
            }
            free(err);
            return EXIT_FAILURE;
        }
        free(err);
    }
    return 0;
}

/* After setup: did ovs-vswitchd take every port? */
int
host_check_ports(struct host_ctx *ctx)
{
    char *err = NULL;
    json_t *ifaces;
    int status = 0;

    if (db_list(ctx, "Interface", "name,error", &ifaces, &err)) {
        fprintf(stderr, "gfp-ctl: cannot read back the interfaces: %s\n",
                first_line(err));
        free(err);
        return EXIT_FAILURE;
    }
    free(err);
    for (size_t i = 0; i < ctx->topo->n_bridges; i++) {
        const struct topo_bridge *br = &ctx->topo->bridges[i];

        for (size_t j = 0; j < br->n_ports; j++) {
            json_t *row = host_find_row(ifaces, "name", br->ports[j].name);
            char *e;

            if (!row) {
                fprintf(stderr, "gfp-ctl: port %s is not in the database "
                        "after setup\n", br->ports[j].name);
                status = EXIT_FAILURE;
                continue;
            }
            e = host_row_text(row, "error");
            if (e[0]) {
                fprintf(stderr, "gfp-ctl: ovs-vswitchd rejected port %s: "
                        "%s\n", br->ports[j].name, e);
                status = EXIT_FAILURE;
            }
            free(e);
        }
    }
    json_decref(ifaces);
    return status;
}
