/* gfp-ctl: running OVS's tools, the tables ovs-vsctl prints and OVSDB
 * rows.  ovs-sandbox.c reads a gfp-sandbox's state file, ovs-counters.c
 * parses the counters of ovs-ofctl and ovs-appctl. */
#include <config.h>

#include "ovs.h"

#include "ctl-util.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"
#include "util.h"

#define OVS_RUN_TIMEOUT_MS 30000

static void
format_argv(char *const argv[], char *s, size_t size)
{
    size_t len = 0;

    s[0] = '\0';
    for (size_t i = 0; argv[i] && len + 1 < size; i++) {
        len += snprintf(s + len, size - len, "%s%s", i ? " " : "", argv[i]);
    }
}

int
ovs_run(char *const argv[], char **out, char err[OVS_ERR_LEN])
{
    char cmd[256], *msg;
    int status;

    format_argv(argv, cmd, sizeof cmd);
    status = ctl_run(argv, OVS_RUN_TIMEOUT_MS, out, &msg);
    if (status < 0) {
        snprintf(err, OVS_ERR_LEN, "'%s': %s", cmd,
                 status == -ETIMEDOUT ? "no answer within 30 s"
                                      : strerror(-status));
    } else if (status) {
        size_t len = msg ? strcspn(msg, "\n") : 0;

        /* OVS's tools put "PROGRAM: " before their messages. */
        snprintf(err, OVS_ERR_LEN, "'%s' failed (%s %d): %.*s", cmd,
                 status > 128 ? "signal" : "exit status",
                 status > 128 ? status - 128 : status,
                 (int) len, len ? msg : "(no message)");
    }
    free(msg);
    if (status) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* An OVSDB JSON value made plain (see ovs_parse_table()). */
static json_t *
plain_value(json_t *v)
{
    const char *tag = json_string_value(json_array_get(v, 0));
    json_t *body = json_array_get(v, 1);
    json_t *res, *item;
    size_t i;

    if (!json_is_array(v) || json_array_size(v) != 2 || !tag) {
        return json_incref(v);
    }
    if (!strcmp(tag, "uuid") || !strcmp(tag, "named-uuid")) {
        return json_incref(body);
    } else if (!strcmp(tag, "map")) {
        res = json_object();
        json_array_foreach (body, i, item) {
            const char *k = json_string_value(json_array_get(item, 0));

            if (k) {
                json_object_set_new(res, k,
                                    plain_value(json_array_get(item, 1)));
            }
        }
        return res;
    } else if (!strcmp(tag, "set")) {
        res = json_array();
        json_array_foreach (body, i, item) {
            json_array_append_new(res, plain_value(item));
        }
        return res;
    }
    return json_incref(v);
}

json_t *
ovs_parse_table(const char *text, char err[OVS_ERR_LEN])
{
    json_t *doc, *data, *headings, *rows, *row;
    json_error_t jerr;
    size_t i, j;

    doc = json_loads(text, 0, &jerr);
    if (!doc) {
        snprintf(err, OVS_ERR_LEN, "not JSON: %s", jerr.text);
        return NULL;
    }
    data = json_object_get(doc, "data");
    headings = json_object_get(doc, "headings");
    if (!json_is_array(data) || !json_is_array(headings)) {
        snprintf(err, OVS_ERR_LEN, "not a table: no \"headings\" and "
                 "\"data\" arrays");
        json_decref(doc);
        return NULL;
    }
    rows = json_array();
    json_array_foreach (data, i, row) {
        json_t *obj = json_object();
        json_t *v;

        if (!json_is_array(row)
            || json_array_size(row) != json_array_size(headings)) {
            snprintf(err, OVS_ERR_LEN, "row %zu does not have one value per "
                     "heading", i + 1);
            json_decref(obj);
            json_decref(rows);
            json_decref(doc);
            return NULL;
        }
        json_array_foreach (row, j, v) {
            const char *h = json_string_value(json_array_get(headings, j));

            if (h) {
                json_object_set_new(obj, h, plain_value(v));
            }
        }
        json_array_append_new(rows, obj);
    }
    json_decref(doc);
    return rows;
}

/* The value of 'column' of 'row', "COL:KEY" for a key of a map column:
 * NULL for no such column or key, an empty set (or a set of more than one)
 * and the JSON null. */
static const json_t *
ovs_row_value(const json_t *row, const char *column)
{
    const char *colon = strchr(column, ':');
    json_t *v;

    if (colon) {
        char *col = ctl_xasprintf("%.*s", (int) (colon - column), column);

        v = json_object_get(json_object_get(row, col), colon + 1);
        free(col);
    } else {
        v = json_object_get(row, column);
    }
    if (json_is_array(v)) {
        v = json_array_size(v) == 1 ? json_array_get(v, 0) : NULL;
    }
    return v;
}

const char *
ovs_row_get(const json_t *row, const char *column)
{
    const json_t *v = ovs_row_value(row, column);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

char *
ovs_row_format(const json_t *row, const char *column)
{
    const json_t *v = ovs_row_value(row, column);

    if (json_is_string(v)) {
        return ctl_xstrdup(json_string_value(v));
    } else if (json_is_integer(v)) {
        return ctl_xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_boolean(v)) {
        return ctl_xstrdup(json_is_true(v) ? "true" : "false");
    }
    return NULL;
}
