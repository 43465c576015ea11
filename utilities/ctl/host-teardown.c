/* gfp-ctl host: what teardown plans: exactly what setup made,
 * found by its records. */
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

static void
plan_del(struct host_ctx *ctx, const char *what, const char *br,
         const char *port)
{
    struct host_cmd cmd = host_cmd_start(ctx);

    host_cmd_add(&cmd, "--if-exists");
    host_cmd_add(&cmd, "%s", what);
    host_cmd_add(&cmd, "%s", br);
    if (port) {
        host_cmd_add(&cmd, "%s", port);
    }
    host_plan_add(ctx, cmd);
}

static int
compare_rows(const void *a_, const void *b_)
{
    const json_t *const *a = a_, *const *b = b_;

    return strcmp(host_row_name(*a), host_row_name(*b));
}

/* The rows of 'rows' (or the Port rows whose UUIDs 'uuids' lists) that
 * have a name, sorted by name, so that plans come out in a stable order. */
static json_t **
sorted_rows(const struct host_ctx *ctx, json_t *rows, json_t *uuids,
            size_t *np)
{
    size_t n = 0, i;
    json_t **v, *row;

    if (uuids && json_is_string(uuids)) {
        v = ctl_xrealloc(NULL, sizeof *v);
        row = host_find_row(ctx->ports, "_uuid", json_string_value(uuids));
        if (row) {
            v[n++] = row;
        }
    } else if (uuids) {
        json_t *u;

        v = ctl_xrealloc(NULL, json_array_size(uuids) * sizeof *v);
        json_array_foreach (uuids, i, u) {
            row = host_find_row(ctx->ports, "_uuid", json_string_value(u));
            if (row) {
                v[n++] = row;
            }
        }
    } else {
        v = ctl_xrealloc(NULL, json_array_size(rows) * sizeof *v);
        json_array_foreach (rows, i, row) {
            v[n++] = row;
        }
    }
    qsort(v, n, sizeof *v, compare_rows);
    *np = n;
    return v;
}

/* Deletes the ports and bridges tagged with the topology's name, whether
 * or not the file still lists them; a bridge that holds ports gfp-ctl did
 * not create is kept. */
static void
plan_teardown_db(struct host_ctx *ctx)
{
    size_t n_brs, n_ports;
    json_t **brs = sorted_rows(ctx, ctx->bridges, NULL, &n_brs);

    for (size_t i = 0; i < n_brs; i++) {
        json_t *br = brs[i];
        json_t **ports = sorted_rows(ctx, NULL,
                                     json_object_get(br, "ports"), &n_ports);
        char foreign[256] = "";

        for (size_t j = 0; j < n_ports; j++) {
            const char *pname = host_row_name(ports[j]);

            if (!strcmp(pname, host_row_name(br))) {
                continue;
            }
            if (host_row_is_ours(ctx, ports[j])) {
                plan_del(ctx, "del-port", host_row_name(br), pname);
            } else {
                snprintf(foreign + strlen(foreign),
                         sizeof foreign - strlen(foreign), "%s%s",
                         foreign[0] ? ", " : "", pname);
            }
        }
        free(ports);
        if (host_row_is_ours(ctx, br)) {
            if (foreign[0]) {
                fprintf(stderr, "gfp-ctl: note: keeping bridge %s: it has "
                        "ports gfp-ctl did not create (%s)\n",
                        host_row_name(br), foreign);
            } else {
                plan_del(ctx, "del-br", host_row_name(br), NULL);
            }
        }
    }
    free(brs);
}

/* What teardown does with other_config:KEY: nothing (setup did not set it,
 * or it was changed since), remove it (it was absent), or put back the
 * value it replaced. */
enum undo { UNDO_NONE, UNDO_REMOVE, UNDO_RESTORE };

static enum undo
plan_undo(const struct host_ctx *ctx, size_t i, const char *set_list,
          char **cur, char **was)
{
    const char *key = ctx->ovs_keys[i];
    char *col = ctl_xasprintf("other_config:%s", key);
    char *was_col = ctl_xasprintf("external_ids:gfp-ctl-%s-was-%s",
                                  ctx->topo->name, key);
    enum undo undo = UNDO_NONE;

    /* Without the database: undo what setup makes on an OVS that had none
     * of the keys. */
    *cur = (ctx->ovs ? ovs_row_format(ctx->ovs, col)
            : ctl_xstrdup(ctx->ovs_values[i]));
    *was = ctx->ovs ? ovs_row_format(ctx->ovs, was_col) : NULL;
    if (!host_set_has(set_list, key) && !*was) {
        /* Not set by this topology's setup. */
    } else if (!*cur || strcmp(*cur, ctx->ovs_values[i])) {
        fprintf(stderr, "gfp-ctl: note: leaving other_config:%s%s%s: it "
                "was %s after setup\n", key, *cur ? "=" : "",
                *cur ? *cur : "", *cur ? "changed" : "removed");
    } else {
        undo = *was ? UNDO_RESTORE : UNDO_REMOVE;
    }
    free(col);
    free(was_col);
    return undo;
}

/* Whether 'key' of external_ids is one of topology 'name''s records:
 * gfp-ctl-NAME-set or gfp-ctl-NAME-was-KEY. */
static bool
is_record(const char *name, const char *key)
{
    static const char prefix[] = "gfp-ctl-";
    size_t len = strlen(name);

    if (strncmp(key, prefix, strlen(prefix))) {
        return false;
    }
    key += strlen(prefix);
    if (strncmp(key, name, len) || key[len] != '-') {
        return false;
    }
    key += len + 1;
    if (!strcmp(key, "set")) {
        return true;
    }
    if (strncmp(key, "was-", 4)) {
        return false;
    }
    for (size_t i = 0; i < HOST_N_OVS_KEYS; i++) {
        if (!strcmp(key + 4, host_ovs_key_names[i])) {
            return true;
        }
    }
    return false;
}

/* One transaction: remove the keys that were absent, put back the values
 * that were replaced, drop the records whatever became of the values. */
static void
plan_ovs_teardown(struct host_ctx *ctx)
{
    const char *name = ctx->topo->name;
    char *set_col = ctl_xasprintf("external_ids:gfp-ctl-%s-set", name);
    char *set_list = (ctx->ovs ? host_row_text(ctx->ovs, set_col)
                      : ctl_xstrdup(""));
    struct host_changes list = { NULL, 0 };
    enum undo undo[ARRAY_SIZE(ctx->ovs_keys)];
    char *cur[ARRAY_SIZE(ctx->ovs_keys)], *was[ARRAY_SIZE(ctx->ovs_keys)];
    const char *key;
    json_t *v;

    for (size_t i = 0; !ctx->ovs && i < ctx->n_ovs; i++) {
        char *t = ctl_xasprintf("%s%s%s", set_list, i ? "," : "",
                                ctx->ovs_keys[i]);
        free(set_list);
        set_list = t;
    }
    for (size_t i = 0; i < ctx->n_ovs; i++) {
        undo[i] = plan_undo(ctx, i, set_list, &cur[i], &was[i]);
    }
    for (enum undo pass = UNDO_REMOVE; pass <= UNDO_RESTORE; pass++) {
        for (size_t i = 0; i < ctx->n_ovs; i++) {
            if (undo[i] == pass) {
                host_change_add(&list, "other_config", ctx->ovs_keys[i],
                                cur[i], was[i]);
                cur[i] = was[i] = NULL;
            }
        }
    }
    for (size_t i = 0; i < ctx->n_ovs; i++) {
        free(cur[i]);
        free(was[i]);
    }
    if (ctx->ovs) {
        json_object_foreach (json_object_get(ctx->ovs, "external_ids"),
                             key, v) {
            if (is_record(name, key)) {
                host_change_add(&list, "external_ids", key,
                                ctl_xstrdup(json_string_value(v) ?: ""), NULL);
            }
        }
    } else if (ctx->n_ovs) {
        char *set_key = ctl_xasprintf("gfp-ctl-%s-set", name);

        host_change_add(&list, "external_ids", set_key, ctl_xstrdup(set_list),
                        NULL);
        free(set_key);
    }
    host_plan_ovs_changes(ctx, &list);
    free(set_list);
    free(set_col);
}

void
host_plan_teardown(struct host_ctx *ctx)
{
    if (ctx->bridges) {
        plan_teardown_db(ctx);
    } else {
        for (size_t i = 0; i < ctx->topo->n_bridges; i++) {
            const struct topo_bridge *br = &ctx->topo->bridges[i];

            for (size_t j = 0; j < br->n_ports; j++) {
                plan_del(ctx, "del-port", br->name, br->ports[j].name);
            }
            plan_del(ctx, "del-br", br->name, NULL);
        }
    }
    plan_ovs_teardown(ctx);
}
