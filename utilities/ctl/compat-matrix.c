/* gfp-ctl compat: the matrix file and driver versions (compat.h). */
#include <config.h>

#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl-util.h"
#include "util.h"

#define COMPAT_MATRIX_FORMAT 1

int
compat_version_parse(const char *in, bool strict, struct compat_version *v)
{
    const char *s = in;

    memset(v, 0, sizeof *v);
    if (!strncmp(s, COMPAT_KERNEL_PREFIX, strlen(COMPAT_KERNEL_PREFIX))) {
        v->kind = COMPAT_VK_KERNEL;
        s += strlen(COMPAT_KERNEL_PREFIX);
    }
    for (;;) {
        unsigned long long x = 0;

        if (!isdigit((unsigned char) *s)
            || v->n >= COMPAT_VERSION_MAX) {
            return -EINVAL;
        }
        while (isdigit((unsigned char) *s)) {
            x = x * 10 + (*s++ - '0');
            if (x > 1000000000ULL) {
                return -ERANGE;
            }
        }
        v->c[v->n++] = x;
        if (*s != '.' || !isdigit((unsigned char) s[1])) {
            break;
        }
        s++;
    }
    if (*s && (strict || *s == '.' || isdigit((unsigned char) *s))) {
        return -EINVAL;
    }
    snprintf(v->text, sizeof v->text, "%s%.*s",
             v->kind == COMPAT_VK_KERNEL && strncmp(in, COMPAT_KERNEL_PREFIX,
                                             strlen(COMPAT_KERNEL_PREFIX))
             ? COMPAT_KERNEL_PREFIX : "", (int) (s - in), in);
    return 0;
}

void
compat_version_format(const struct compat_version *v, char *buf, size_t size)
{
    snprintf(buf, size, "%s", v->text);
}

int
compat_version_cmp(const struct compat_version *a,
                   const struct compat_version *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned long x = i < a->n ? a->c[i] : 0;
        unsigned long y = i < b->n ? b->c[i] : 0;

        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return 0;
}

bool
compat_version_at_least(const struct compat_version *v,
                        const struct compat_version *min)
{
    return compat_version_cmp(v, min, MAX(v->n, min->n)) >= 0;
}

/* 'max' covers every version that starts with it: "23.07" covers
 * "23.07.2". */
bool
compat_version_at_most(const struct compat_version *v,
                       const struct compat_version *max)
{
    return compat_version_cmp(v, max, max->n) <= 0;
}

const char *
compat_version_kind_name(enum compat_version_kind kind)
{
    return kind == COMPAT_VK_KERNEL ? "an in-tree (kernel release)"
                             : "a driver's own";
}

bool
compat_driver_name_valid(const char *s)
{
    size_t len = strlen(s);

    if (!len || len >= COMPAT_DRIVER_NAME_MAX) {
        return false;
    }
    for (; *s; s++) {
        if (!isalnum((unsigned char) *s) && *s != '_' && *s != '-') {
            return false;
        }
    }
    return true;
}

/* Reads optional version member 'key' of 'row'. */
static int
matrix_version(json_t *row, const char *key, bool *has,
               struct compat_version *v, const char *where, char *err,
               size_t err_size)
{
    json_t *j = json_object_get(row, key);

    *has = false;
    if (!j) {
        return 0;
    }
    if (!json_is_string(j)
        || compat_version_parse(json_string_value(j), true, v)) {
        snprintf(err, err_size, "%s: '%s' must be a version such as "
                 "\"2.20.12\" or \"kernel-5.15\"", where, key);
        return -EINVAL;
    }
    *has = true;
    return 0;
}

/* native_pf: a version, "same", or a list of versions of distinct
 * kinds. */
static int
matrix_native(json_t *row, struct compat_row *r, const char *where,
              char *err, size_t err_size)
{
    json_t *j;

    j = json_object_get(row, "native_pf");
    if (json_is_string(j) && !strcmp(json_string_value(j), "same")) {
        r->native_same = true;
    } else if (json_is_string(j) || json_is_array(j)) {
        size_t n = json_is_array(j) ? json_array_size(j) : 1;

        if (!n || n > ARRAY_SIZE(r->native)) {
            snprintf(err, err_size, "%s: 'native_pf' must list one or two "
                     "versions", where);
            return -EINVAL;
        }
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_is_array(j) ? json_array_get(j, i) : j;

            if (!json_is_string(e)
                || compat_version_parse(json_string_value(e), true,
                                 &r->native[i])) {
                snprintf(err, err_size, "%s: 'native_pf' must be \"same\", "
                         "a version such as \"2.20.12\" or \"kernel-5.15\", "
                         "or a list of them", where);
                return -EINVAL;
            }
            if (i && r->native[i].kind == r->native[0].kind) {
                snprintf(err, err_size, "%s: 'native_pf' lists two versions "
                         "of the same kind", where);
                return -EINVAL;
            }
        }
        r->n_native = n;
    } else if (j) {
        snprintf(err, err_size, "%s: 'native_pf' must be a string or a "
                 "list of strings", where);
        return -EINVAL;
    }
    return 0;
}

/* mode, host and guest, which every row has. */
static int
matrix_mode_drivers(json_t *row, struct compat_row *r, const char *where,
                    char *err, size_t err_size)
{
    json_t *j;

    j = json_object_get(row, "mode");
    if (!json_is_string(j)) {
        snprintf(err, err_size, "%s: 'mode' missing or not a string "
                 "(expected \"dpdk\" or \"mmap\")", where);
        return -EINVAL;
    }
    if (gfp_mode_from_name(json_string_value(j), &r->mode)) {
        char choices[GFP_MODE_CHOICES_LEN];

        snprintf(err, err_size, "%s: 'mode' is \"%s\", expected %s",
                 where, json_string_value(j), gfp_mode_choices(choices));
        return -EINVAL;
    }
    for (int side = 0; side < 2; side++) {
        const char *name = side ? "guest" : "host";

        j = json_object_get(row, name);
        if (!json_is_string(j)
            || !compat_driver_name_valid(json_string_value(j))) {
            snprintf(err, err_size, "%s: '%s' missing or not a driver name "
                     "(letters, digits, '_' and '-')", where, name);
            return -EINVAL;
        }
        *(side ? &r->guest : &r->host) = json_string_value(j);
    }
    return 0;
}

static int
matrix_row(json_t *row, size_t idx, struct compat_row *r, char *err,
           size_t err_size)
{
    static const char *const keys[] = {
        "mode", "host", "guest", "host_min", "guest_min", "guest_max",
        "native_pf", "note",
    };
    char where[48];
    const char *key;
    json_t *value, *j;

    snprintf(where, sizeof where, "pairs[%zu]", idx);
    if (!json_is_object(row)) {
        snprintf(err, err_size, "%s: expected an object", where);
        return -EINVAL;
    }
    json_object_foreach (row, key, value) {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(keys); i++) {
            if (!strcmp(key, keys[i])) {
                break;
            }
        }
        if (i == ARRAY_SIZE(keys)) {
            snprintf(err, err_size, "%s: unknown member '%s' (expected "
                     "mode, host, guest, host_min, guest_min, guest_max, "
                     "native_pf or note)", where, key);
            return -EINVAL;
        }
    }
    memset(r, 0, sizeof *r);

    if (matrix_mode_drivers(row, r, where, err, err_size)) {
        return -EINVAL;
    }
    if (matrix_version(row, "host_min", &r->has_host_min, &r->host_min,
                       where, err, err_size)
        || matrix_version(row, "guest_min", &r->has_guest_min,
                          &r->guest_min, where, err, err_size)
        || matrix_version(row, "guest_max", &r->has_guest_max,
                          &r->guest_max, where, err, err_size)) {
        return -EINVAL;
    }
    if (r->has_guest_min && r->has_guest_max
        && (r->guest_min.kind != r->guest_max.kind
            || !compat_version_at_most(&r->guest_min, &r->guest_max))) {
        snprintf(err, err_size, "%s: 'guest_min' is above 'guest_max' or "
                 "of another kind", where);
        return -EINVAL;
    }

    if (matrix_native(row, r, where, err, err_size)) {
        return -EINVAL;
    }
    j = json_object_get(row, "note");
    if (j && !json_is_string(j)) {
        snprintf(err, err_size, "%s: 'note' must be a string", where);
        return -EINVAL;
    }
    r->note = j ? json_string_value(j) : NULL;
    return 0;
}

void
compat_matrix_destroy(struct compat_matrix *m)
{
    if (m) {
        free(m->rows);
        json_decref(m->json);
        memset(m, 0, sizeof *m);
    }
}

/* Loads and validates the whole matrix file 'path'.  On error, 'err' says
 * what is wrong and where. */
int
compat_matrix_load(const char *path, struct compat_matrix *m, char *err,
                   size_t err_size)
{
    json_error_t jerr;
    json_t *pairs, *fmt;
    const char *key;
    json_t *value;
    int error;

    memset(m, 0, sizeof *m);
    m->json = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!m->json) {
        if (jerr.line < 0) {
            snprintf(err, err_size, "%s: %s", path, jerr.text);
        } else {
            snprintf(err, err_size, "%s:%d:%d: %s", path, jerr.line,
                     jerr.column, jerr.text);
        }
        return -EINVAL;
    }
    if (!json_is_object(m->json)) {
        snprintf(err, err_size, "%s: expected a JSON object with "
                 "\"gfp-compat-matrix\" and \"pairs\"", path);
        error = -EINVAL;
        goto error;
    }
    json_object_foreach (m->json, key, value) {
        if (strcmp(key, "gfp-compat-matrix") && strcmp(key, "pairs")
            && strcmp(key, "comment")) {
            snprintf(err, err_size, "%s: unknown top-level member '%s' "
                     "(expected gfp-compat-matrix, comment, pairs)",
                     path, key);
            error = -EINVAL;
            goto error;
        }
    }
    fmt = json_object_get(m->json, "gfp-compat-matrix");
    if (!json_is_integer(fmt)
        || json_integer_value(fmt) != COMPAT_MATRIX_FORMAT) {
        snprintf(err, err_size, "%s: \"gfp-compat-matrix\" must be %d (the "
                 "format version this gfp-ctl reads)", path,
                 COMPAT_MATRIX_FORMAT);
        error = -EINVAL;
        goto error;
    }
    pairs = json_object_get(m->json, "pairs");
    if (!json_is_array(pairs) || !json_array_size(pairs)) {
        snprintf(err, err_size, "%s: \"pairs\" must be a non-empty list",
                 path);
        error = -EINVAL;
        goto error;
    }
    m->n_rows = json_array_size(pairs);
    m->rows = ctl_xcalloc(m->n_rows, sizeof *m->rows);
    if (!m->rows) {
        snprintf(err, err_size, "%s: out of memory", path);
        error = -ENOMEM;
        goto error;
    }
    for (size_t i = 0; i < m->n_rows; i++) {
        char what[400];

        error = matrix_row(json_array_get(pairs, i), i, &m->rows[i], what,
                           sizeof what);
        if (error) {
            snprintf(err, err_size, "%s: %s", path, what);
            goto error;
        }
    }
    return 0;

error:
    compat_matrix_destroy(m);
    return error;
}

/* The matrix to use: --matrix, else $GFP_COMPAT_MATRIX, else the installed
 * one, else the source tree's (an uninstalled build). */
const char *
compat_matrix_path(const char *arg)
{
    const char *env = getenv("GFP_COMPAT_MATRIX");
    static const char installed[] = GFP_PKGDATADIR "/compat-matrix.json";

    if (arg) {
        return arg;
    }
    if (env && env[0]) {
        return env;
    }
    if (!access(installed, R_OK)) {
        return installed;
    }
    return GFP_SRCDIR "/utilities/compat-matrix.json";
}

bool
compat_matrix_has(const struct compat_matrix *m, const char *name, bool host)
{
    for (size_t i = 0; i < m->n_rows; i++) {
        if (!strcmp(host ? m->rows[i].host : m->rows[i].guest, name)) {
            return true;
        }
    }
    return false;
}
