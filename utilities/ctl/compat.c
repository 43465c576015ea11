/* gfp-ctl compat: the driver compatibility matrix against this host.
 *
 *     gfp-ctl compat [--json] [--root DIR] [--matrix FILE]
 *                    [--host-driver NAME:VERSION]
 *                    [--guest-driver NAME:VERSION]
 *                    [--mode dpdk|mmap]
 *
 * The matrix (utilities/compat-matrix.json, installed in $(pkgdatadir))
 * lists, per mode, host PF driver and guest driver, the guest versions a
 * row covers and the guest's native PF driver version: the host's PF driver
 * must be at least as new as that.  The format and the sources are in
 * Documentation/topics/preflight-compat.rst. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl-util.h"
#include "sysfs.h"
#include "gfp-ctl.h"
#include "gfp-mode.h"
#include "util.h"

#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

#define COMPAT_EXIT_UNKNOWN 1
#define COMPAT_EXIT_INCOMPATIBLE 3
#define COMPAT_EXIT_ERROR 4

#define COMPAT_MATRIX_FORMAT 1
#define VERSION_MAX_COMPONENTS 4
#define VERSION_KERNEL_PREFIX "kernel-"


/* A driver version: a driver's own numbering ("2.22.18") or, for an
 * in-tree driver without one, the kernel release ("kernel-6.1"). */
enum version_kind { VK_DRIVER, VK_KERNEL };

struct version {
    enum version_kind kind;
    unsigned n;                 /* Number of components. */
    unsigned long c[VERSION_MAX_COMPONENTS];
    char text[48];              /* As written, without a suffix. */
};

struct compat_row {
    enum gfp_mode mode;
    const char *host;           /* Host PF driver. */
    const char *guest;          /* Guest driver: kernel driver or DPDK PMD. */
    bool has_host_min, has_guest_min, has_guest_max;
    struct version host_min, guest_min, guest_max;
    bool native_same;           /* Native PF version = the guest's own. */
    size_t n_native;
    struct version native[2];   /* At most one per kind. */
    const char *note;
};

struct compat_matrix {
    json_t *json;               /* Owns the strings of 'rows'. */
    struct compat_row *rows;
    size_t n_rows;
};

enum verdict { V_COMPATIBLE, V_UNKNOWN, V_INCOMPATIBLE };
static const char *const verdict_names[] = {
    "compatible", "unknown", "not compatible",
};

/* A driver on one side of a pair. */
struct side {
    char name[64];
    bool has_version;
    struct version version;
    char ifaces[128];           /* Where it was found, for the report. */
};

struct result {
    enum gfp_mode mode;
    char host[200], guest[200];
    struct side host_side;
    enum verdict verdict;
    char reason[512];
};

struct results {
    struct result *v;
    size_t n, cap;
};

/* Parses 'in' as [kernel-]N[.N]... with at most four components.  When
 * 'strict', nothing may follow; otherwise a suffix that starts with
 * neither a digit nor a dot ("-k", "-18-amd64") is ignored. */
static int
version_parse(const char *in, bool strict, struct version *v)
{
    const char *s = in;

    memset(v, 0, sizeof *v);
    if (!strncmp(s, VERSION_KERNEL_PREFIX, strlen(VERSION_KERNEL_PREFIX))) {
        v->kind = VK_KERNEL;
        s += strlen(VERSION_KERNEL_PREFIX);
    }
    for (;;) {
        unsigned long long x = 0;

        if (!isdigit((unsigned char) *s)
            || v->n >= VERSION_MAX_COMPONENTS) {
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
             v->kind == VK_KERNEL && strncmp(in, VERSION_KERNEL_PREFIX,
                                             strlen(VERSION_KERNEL_PREFIX))
             ? VERSION_KERNEL_PREFIX : "", (int) (s - in), in);
    return 0;
}

static void
version_format(const struct version *v, char *buf, size_t size)
{
    snprintf(buf, size, "%s", v->text);
}

/* Compares the first 'n' components, missing ones counting as 0. */
static int
version_cmp(const struct version *a, const struct version *b, unsigned n)
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

static bool
version_at_least(const struct version *v, const struct version *min)
{
    return version_cmp(v, min, MAX(v->n, min->n)) >= 0;
}

/* 'max' covers every version that starts with it: "23.07" covers
 * "23.07.2". */
static bool
version_at_most(const struct version *v, const struct version *max)
{
    return version_cmp(v, max, max->n) <= 0;
}

static const char *
kind_name(enum version_kind kind)
{
    return kind == VK_KERNEL ? "an in-tree (kernel release)"
                             : "a driver's own";
}

static bool
valid_driver_name(const char *s)
{
    size_t len = strlen(s);

    if (!len || len >= sizeof ((struct side *) NULL)->name) {
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
matrix_version(json_t *row, const char *key, bool *has, struct version *v,
               const char *where, char *err, size_t err_size)
{
    json_t *j = json_object_get(row, key);

    *has = false;
    if (!j) {
        return 0;
    }
    if (!json_is_string(j)
        || version_parse(json_string_value(j), true, v)) {
        snprintf(err, err_size, "%s: '%s' must be a version such as "
                 "\"2.20.12\" or \"kernel-5.15\"", where, key);
        return -EINVAL;
    }
    *has = true;
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
        if (!json_is_string(j) || !valid_driver_name(json_string_value(j))) {
            snprintf(err, err_size, "%s: '%s' missing or not a driver name "
                     "(letters, digits, '_' and '-')", where, name);
            return -EINVAL;
        }
        *(side ? &r->guest : &r->host) = json_string_value(j);
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
            || !version_at_most(&r->guest_min, &r->guest_max))) {
        snprintf(err, err_size, "%s: 'guest_min' is above 'guest_max' or "
                 "of another kind", where);
        return -EINVAL;
    }

    /* native_pf: a version, "same", or a list of versions of distinct
     * kinds. */
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
                || version_parse(json_string_value(e), true,
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
    j = json_object_get(row, "note");
    if (j && !json_is_string(j)) {
        snprintf(err, err_size, "%s: 'note' must be a string", where);
        return -EINVAL;
    }
    r->note = j ? json_string_value(j) : NULL;
    return 0;
}

static void
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
static int
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
static const char *
matrix_path(const char *arg)
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

/* Parses NAME:VERSION for option 'opt'.  Returns 0, or the exit status
 * of a usage error after saying what is wrong. */
static int
parse_side_arg(const char *opt, const char *arg, struct side *s)
{
    const char *colon = strchr(arg, ':');
    size_t len = colon ? (size_t) (colon - arg) : 0;

    memset(s, 0, sizeof *s);
    if (!colon || !len || len >= sizeof s->name) {
        return gfp_ctl_usage_error("invalid value '%s' for %s: expected "
                                   "NAME:VERSION, e.g. i40e:2.22.18 or "
                                   "iavf:kernel-6.1", arg, opt);
    }
    memcpy(s->name, arg, len);
    s->name[len] = '\0';
    if (!valid_driver_name(s->name)) {
        return gfp_ctl_usage_error("invalid driver name '%s' in %s: "
                                   "letters, digits, '_' and '-' only",
                                   s->name, opt);
    }
    if (version_parse(colon + 1, false, &s->version)) {
        return gfp_ctl_usage_error("invalid version '%s' in %s: expected "
                                   "numbers separated by dots, e.g. 2.22.18 "
                                   "or kernel-6.1", colon + 1, opt);
    }
    s->has_version = true;
    snprintf(s->ifaces, sizeof s->ifaces, "%s", opt);
    return 0;
}

static bool
matrix_has(const struct compat_matrix *m, const char *name, bool host)
{
    for (size_t i = 0; i < m->n_rows; i++) {
        if (!strcmp(host ? m->rows[i].host : m->rows[i].guest, name)) {
            return true;
        }
    }
    return false;
}

/* The version of the in-tree or out-of-tree driver 'drv' behind 'iface':
 * the module's version, else what ethtool -i says (only on the real
 * system), else the kernel release. */
static void
detect_version(const char *root, const char *drv, const char *iface,
               struct side *s)
{
    char path[PATH_MAX], buf[128], osrelease[128] = "";
    char module[64];

    snprintf(module, sizeof module, "%s", drv);
    for (char *p = module; *p; p++) {
        if (*p == '-') {
            *p = '_';
        }
    }
    ctl_sysfs_read(root, "/proc/sys/kernel/osrelease", osrelease,
                   sizeof osrelease);
    snprintf(path, sizeof path, "/sys/module/%s/version", module);
    if (ctl_sysfs_read(root, path, buf, sizeof buf) > 0
        && strcmp(buf, osrelease)
        && !version_parse(buf, false, &s->version)) {
        s->has_version = true;
        return;
    }
    if (!root[0]) {
        char *argv[] = { "ethtool", "-i", (char *) iface, NULL };
        char *out = NULL;

        if (ctl_run(argv, 5000, &out, NULL) == 0) {
            const char *v = strstr(out, "\nversion: ");

            v = v ? v + 10 : !strncmp(out, "version: ", 9) ? out + 9 : NULL;
            if (v && strncmp(v, osrelease, strlen(osrelease))
                && !version_parse(v, false, &s->version)) {
                s->has_version = true;
            }
        }
        free(out);
        if (s->has_version) {
            return;
        }
    }
    if (osrelease[0] && !version_parse(osrelease, false, &s->version)) {
        char text[sizeof s->version.text + sizeof VERSION_KERNEL_PREFIX];

        snprintf(text, sizeof text, VERSION_KERNEL_PREFIX "%s",
                 s->version.text);
        text[sizeof s->version.text - 1] = '\0';
        memcpy(s->version.text, text, sizeof s->version.text);
        s->version.kind = VK_KERNEL;
        s->has_version = true;
    }
}

/* The NIC drivers of this system, one entry per driver and version. */
static int
detect_drivers(const char *root, struct side **sides, size_t *n)
{
    char **names;
    size_t n_names;
    int error;

    *sides = NULL;
    *n = 0;
    error = ctl_sysfs_list(root, "/sys/class/net", "", &names, &n_names);
    if (error == -ENOENT) {
        return 0;
    } else if (error) {
        return error;
    }
    for (size_t i = 0; i < n_names; i++) {
        char path[PATH_MAX], drv[64];
        struct side s, *p;
        size_t j;

        snprintf(path, sizeof path, "/sys/class/net/%s/device/driver",
                 names[i]);
        if (ctl_sysfs_link_name(root, path, drv, sizeof drv)
            || !valid_driver_name(drv)) {
            continue;           /* Virtual: lo, bridges, veth, tap. */
        }
        memset(&s, 0, sizeof s);
        snprintf(s.name, sizeof s.name, "%s", drv);
        detect_version(root, drv, names[i], &s);
        for (j = 0; j < *n; j++) {
            p = &(*sides)[j];
            if (!strcmp(p->name, s.name) && p->has_version == s.has_version
                && (!s.has_version
                    || (p->version.kind == s.version.kind
                        && !version_cmp(&p->version, &s.version,
                                        VERSION_MAX_COMPONENTS)))) {
                size_t len = strlen(p->ifaces);

                snprintf(p->ifaces + len, sizeof p->ifaces - len, ",%s",
                         names[i]);
                break;
            }
        }
        if (j < *n) {
            continue;
        }
        p = ctl_xrealloc(*sides, (*n + 1) * sizeof *p);
        if (!p) {
            ctl_sysfs_free_names(names, n_names);
            return -ENOMEM;
        }
        *sides = p;
        snprintf(s.ifaces, sizeof s.ifaces, "%s", names[i]);
        (*sides)[(*n)++] = s;
    }
    ctl_sysfs_free_names(names, n_names);
    return 0;
}

static struct result *
results_add(struct results *rs)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        struct result *p = ctl_xrealloc(rs->v, cap * sizeof *p);

        if (!p) {
            return NULL;
        }
        rs->v = p;
        rs->cap = cap;
    }
    memset(&rs->v[rs->n], 0, sizeof rs->v[rs->n]);
    return &rs->v[rs->n++];
}

static void
side_format(const char *name, const struct version *v, char *buf,
            size_t size)
{
    char ver[64] = "?";

    if (v) {
        version_format(v, ver, sizeof ver);
    }
    snprintf(buf, size, "%s %s", name, ver);
}

static void
range_format(const struct compat_row *r, char *buf, size_t size)
{
    char a[64] = "", b[64] = "";

    if (r->has_guest_min) {
        version_format(&r->guest_min, a, sizeof a);
    }
    if (r->has_guest_max) {
        version_format(&r->guest_max, b, sizeof b);
    }
    if (r->has_guest_min && r->has_guest_max) {
        snprintf(buf, size, "%s to %s", a, b);
    } else if (r->has_guest_min) {
        snprintf(buf, size, "%s and later", a);
    } else if (r->has_guest_max) {
        snprintf(buf, size, "up to %s", b);
    } else {
        snprintf(buf, size, "any version");
    }
}

static bool
row_covers(const struct compat_row *r, const struct version *gv)
{
    if (r->has_guest_min && (r->guest_min.kind != gv->kind
                             || !version_at_least(gv, &r->guest_min))) {
        return false;
    }
    if (r->has_guest_max && (r->guest_max.kind != gv->kind
                             || !version_at_most(gv, &r->guest_max))) {
        return false;
    }
    return true;
}

/* The verdict of row 'r' for host 'h'.  'gv' is the guest's version, or
 * NULL for the row as a whole (no guest given). */
static enum verdict
judge_row(const struct compat_row *r, const struct side *h,
          const struct version *gv, char *reason, size_t size)
{
    const struct version *native = NULL;
    char hv[64], nv[64], range[160];

    if (!h->has_version) {
        snprintf(reason, size, "the version of host driver %s is unknown; "
                 "pass --host-driver %s:VERSION", h->name, h->name);
        return V_UNKNOWN;
    }
    version_format(&h->version, hv, sizeof hv);
    if (r->has_host_min) {
        if (r->host_min.kind != h->version.kind) {
            snprintf(reason, size, "host %s %s is %s version, the matrix "
                     "lists the other kind for this pair", h->name, hv,
                     kind_name(h->version.kind));
            return V_UNKNOWN;
        }
        if (!version_at_least(&h->version, &r->host_min)) {
            version_format(&r->host_min, nv, sizeof nv);
            snprintf(reason, size, "host %s %s is older than %s, the "
                     "oldest listed for this pair", h->name, hv, nv);
            return V_INCOMPATIBLE;
        }
    }
    if (r->native_same) {
        if (!gv) {
            range_format(r, range, sizeof range);
            if (r->has_guest_min && r->guest_min.kind != h->version.kind) {
                snprintf(reason, size, "host %s %s is %s version, this row "
                         "lists guest %s %s: compare with --guest-driver",
                         h->name, hv, kind_name(h->version.kind), r->guest,
                         range);
                return V_UNKNOWN;
            }
            snprintf(reason, size, "for guest %s versions %s up to the "
                     "host's %s (the guest's native PF driver must not be "
                     "newer than the host's)", r->guest, range, hv);
            return V_COMPATIBLE;
        }
        native = gv;
    } else {
        for (size_t i = 0; i < r->n_native; i++) {
            if (r->native[i].kind == h->version.kind) {
                native = &r->native[i];
            }
        }
        if (r->n_native && !native) {
            snprintf(reason, size, "host %s %s is %s version; the matrix "
                     "gives this pair's native PF driver only as the other "
                     "kind", h->name, hv, kind_name(h->version.kind));
            return V_UNKNOWN;
        }
    }
    if (native && native->kind != h->version.kind) {
        version_format(native, nv, sizeof nv);
        snprintf(reason, size, "host %s %s and the guest's native PF "
                 "driver %s are versions of different kinds: cannot "
                 "compare", h->name, hv, nv);
        return V_UNKNOWN;
    }
    if (native && !version_at_least(&h->version, native)) {
        version_format(native, nv, sizeof nv);
        snprintf(reason, size, "host PF driver %s %s is older than the "
                 "guest's native PF driver %s: the host's must be at least "
                 "as new; upgrade the host's %s", h->name, hv, nv, h->name);
        return V_INCOMPATIBLE;
    }
    if (native) {
        version_format(native, nv, sizeof nv);
        snprintf(reason, size, "listed; host PF driver %s is at least the "
                 "guest's native PF driver %s", hv, nv);
    } else {
        snprintf(reason, size, "listed; no PF driver rule for this pair");
    }
    if (r->note) {
        size_t len = strlen(reason);

        snprintf(reason + len, size - len, " (%s)", r->note);
    }
    return V_COMPATIBLE;
}

/* One pair given both sides. */
static int
judge_pair(const struct compat_matrix *m, enum gfp_mode mode,
           const struct side *h, const struct side *g, struct results *rs)
{
    const struct compat_row *row = NULL;
    struct result *res = results_add(rs);
    bool listed = false;
    char ranges[256] = "";

    if (!res) {
        return -ENOMEM;
    }
    res->mode = mode;
    res->host_side = *h;
    side_format(h->name, h->has_version ? &h->version : NULL, res->host,
                sizeof res->host);
    side_format(g->name, &g->version, res->guest, sizeof res->guest);
    for (size_t i = 0; i < m->n_rows; i++) {
        const struct compat_row *r = &m->rows[i];

        if (r->mode != mode || strcmp(r->host, h->name)
            || strcmp(r->guest, g->name)) {
            continue;
        }
        listed = true;
        if (row_covers(r, &g->version)) {
            row = r;
            break;
        }
        size_t len = strlen(ranges);
        char range[160];

        range_format(r, range, sizeof range);
        snprintf(ranges + len, sizeof ranges - len, "%s%s", len ? "; " : "",
                 range);
    }
    if (!listed) {
        char others[200] = "";

        for (size_t i = 0; i < m->n_rows; i++) {
            const struct compat_row *r = &m->rows[i];
            size_t len = strlen(others);

            if (r->mode == mode && !strcmp(r->host, h->name)
                && !strstr(others, r->guest)) {
                snprintf(others + len, sizeof others - len, "%s%s",
                         len ? ", " : "", r->guest);
            }
        }
        res->verdict = V_UNKNOWN;
        if (others[0]) {
            snprintf(res->reason, sizeof res->reason, "pair not in the "
                     "matrix for %s mode; host %s pairs there with %s",
                     gfp_mode_name(mode), h->name, others);
        } else {
            snprintf(res->reason, sizeof res->reason, "pair not in the "
                     "matrix for %s mode (no row for host driver %s)",
                     gfp_mode_name(mode), h->name);
        }
        return 0;
    }
    if (!row) {
        res->verdict = V_UNKNOWN;
        snprintf(res->reason, sizeof res->reason, "guest %s is outside "
                 "the versions the matrix lists for this pair (%s)",
                 res->guest, ranges);
        return 0;
    }
    res->verdict = judge_row(row, h, &g->version, res->reason,
                             sizeof res->reason);
    return 0;
}

/* Every row of host driver 'h' (no guest given). */
static int
judge_host(const struct compat_matrix *m, int mode, const struct side *h,
           struct results *rs)
{
    bool any = false;

    for (size_t i = 0; i < m->n_rows; i++) {
        const struct compat_row *r = &m->rows[i];
        struct result *res;
        char range[160];

        if ((mode >= 0 && r->mode != (enum gfp_mode) mode)
            || strcmp(r->host, h->name)) {
            continue;
        }
        res = results_add(rs);
        if (!res) {
            return -ENOMEM;
        }
        any = true;
        res->mode = r->mode;
        res->host_side = *h;
        side_format(h->name, h->has_version ? &h->version : NULL,
                    res->host, sizeof res->host);
        range_format(r, range, sizeof range);
        snprintf(res->guest, sizeof res->guest, "%s %s", r->guest, range);
        res->verdict = judge_row(r, h, NULL, res->reason,
                                 sizeof res->reason);
    }
    if (!any) {
        struct result *res = results_add(rs);

        if (!res) {
            return -ENOMEM;
        }
        res->mode = mode >= 0 ? mode : GFP_MODE_DPDK;
        res->host_side = *h;
        side_format(h->name, h->has_version ? &h->version : NULL,
                    res->host, sizeof res->host);
        snprintf(res->guest, sizeof res->guest, "-");
        res->verdict = V_UNKNOWN;
        snprintf(res->reason, sizeof res->reason, "host driver %s is not "
                 "in the matrix%s%s", h->name, mode >= 0 ? " for " : "",
                 mode >= 0 ? gfp_mode_name(mode) : "");
    }
    return 0;
}

static void
print_results(const struct results *rs, bool json)
{
    if (json) {
        json_t *list = json_array();

        for (size_t i = 0; i < rs->n; i++) {
            const struct result *r = &rs->v[i];

            json_array_append_new(list, json_pack(
                "{s:s, s:s, s:s, s:s, s:s, s:s}",
                "mode", gfp_mode_name(r->mode), "host", r->host,
                "host_ifaces", r->host_side.ifaces, "guest", r->guest,
                "verdict", verdict_names[r->verdict],
                "reason", r->reason));
        }
        json_dumpf(list, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(list);
        return;
    }

    int wv = strlen("VERDICT"), wh = strlen("HOST"), wg = strlen("GUEST");

    for (size_t i = 0; i < rs->n; i++) {
        wv = MAX(wv, (int) strlen(verdict_names[rs->v[i].verdict]));
        wh = MAX(wh, (int) strlen(rs->v[i].host));
        wg = MAX(wg, (int) strlen(rs->v[i].guest));
    }
    printf("%-*s  %-4s  %-*s  %-*s  %s\n", wv, "VERDICT", "MODE", wh, "HOST",
           wg, "GUEST", "REASON");
    for (size_t i = 0; i < rs->n; i++) {
        const struct result *r = &rs->v[i];

        printf("%-*s  %-4s  %-*s  %-*s  %s\n", wv, verdict_names[r->verdict],
               gfp_mode_name(r->mode), wh, r->host, wg, r->guest, r->reason);
    }
}

static void
compat_usage(void)
{
    printf("usage: gfp-ctl compat [--json] [--root DIR] [--matrix FILE]\n"
           "                      [--host-driver NAME:VERSION] "
           "[--guest-driver NAME:VERSION]\n"
           "                      [--mode dpdk|mmap]\n"
           "Checks host PF driver and guest driver pairs against the "
           "compatibility matrix.\n"
           "Without --host-driver, the host's NIC drivers come from "
           "/sys/class/net.\n"
           "Exit status: 0 all compatible, 1 some unknown, 2 usage error, "
           "3 some not\ncompatible, 4 the matrix or the system could not be "
           "read.\n");
}

int
ctl_compat_main(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    static const struct option options[] = {
        { "json", no_argument, NULL, 'j' },
        { "root", required_argument, NULL, 'r' },
        { "matrix", required_argument, NULL, 'm' },
        { "host-driver", required_argument, NULL, 'H' },
        { "guest-driver", required_argument, NULL, 'G' },
        { "mode", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = "", *matrix_arg = NULL;
    struct side host, guest, *hosts = NULL;
    bool json = false, have_host = false, have_guest = false;
    struct compat_matrix m;
    struct results rs = { NULL, 0, 0 };
    size_t n_hosts = 0;
    char err[512];
    int mode = -1, opt, error, status = 0;
    enum gfp_mode asked;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
        switch (opt) {
        case 'j':
            json = true;
            break;
        case 'r':
            if (!optarg[0] || optarg[0] != '/'
                || !ctl_sysfs_exists("", optarg)) {
                return gfp_ctl_usage_error("--root '%s' is not an existing "
                                           "absolute directory", optarg);
            }
            root = strcmp(optarg, "/") ? optarg : "";
            break;
        case 'm':
            if (!optarg[0]) {
                return gfp_ctl_usage_error("--matrix needs a file name");
            }
            matrix_arg = optarg;
            break;
        case 'H':
            error = parse_side_arg("--host-driver", optarg, &host);
            if (error) {
                return error;
            }
            have_host = true;
            break;
        case 'G':
            error = parse_side_arg("--guest-driver", optarg, &guest);
            if (error) {
                return error;
            }
            have_guest = true;
            break;
        case 'M':
            if (gfp_mode_from_name(optarg, &asked)) {
                char choices[GFP_MODE_CHOICES_LEN];

                return gfp_ctl_usage_error("invalid value '%s' for --mode: "
                                           "expected %s", optarg,
                                           gfp_mode_choices(choices));
            }
            mode = asked;
            break;
        case 'h':
            compat_usage();
            return EXIT_SUCCESS;
        default:
            return gfp_ctl_option_error("compat", opt, argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return gfp_ctl_usage_error("compat: unexpected argument '%s'",
                                   argv[optind]);
    }

    error = compat_matrix_load(matrix_path(matrix_arg), &m, err, sizeof err);
    if (error) {
        fprintf(stderr, "gfp-ctl: compat: %s\n", err);
        return COMPAT_EXIT_ERROR;
    }
    if (have_host) {
        hosts = ctl_xmalloc(sizeof *hosts);
        if (hosts) {
            hosts[0] = host;
            n_hosts = 1;
        }
        error = hosts ? 0 : -ENOMEM;
    } else {
        error = detect_drivers(root, &hosts, &n_hosts);
    }
    if (error) {
        fprintf(stderr, "gfp-ctl: compat: reading %s/sys/class/net: %s\n",
                root, strerror(-error));
        status = COMPAT_EXIT_ERROR;
        goto out;
    }

    for (size_t i = 0; i < n_hosts && !error; i++) {
        const struct side *h = &hosts[i];

        /* Run inside a guest, a driver that only the guest column lists is
         * the guest's own: without --host-driver there is nothing to pair
         * it with. */
        if (!have_host && !matrix_has(&m, h->name, true)
            && matrix_has(&m, h->name, false) && !have_guest) {
            struct result *res = results_add(&rs);

            if (!res) {
                error = -ENOMEM;
                break;
            }
            res->mode = mode >= 0 ? mode : GFP_MODE_DPDK;
            snprintf(res->host, sizeof res->host, "-");
            side_format(h->name, h->has_version ? &h->version : NULL,
                        res->guest, sizeof res->guest);
            snprintf(res->host_side.ifaces, sizeof res->host_side.ifaces,
                     "%s", h->ifaces);
            res->verdict = V_UNKNOWN;
            snprintf(res->reason, sizeof res->reason, "%s (%s) is a guest "
                     "driver: pass the host's PF driver with --host-driver "
                     "NAME:VERSION", h->name, h->ifaces);
            continue;
        }
        if (have_guest) {
            bool in_any = false;

            /* Without --mode, the modes the guest's driver is listed in. */
            for (size_t k = 0; k < m.n_rows; k++) {
                in_any |= !strcmp(m.rows[k].guest, guest.name);
            }
            for (int md = 0; md < GFP_N_MODES && !error; md++) {
                bool listed = false;

                for (size_t k = 0; k < m.n_rows; k++) {
                    listed |= (m.rows[k].mode == (enum gfp_mode) md
                               && !strcmp(m.rows[k].guest, guest.name));
                }
                if (mode == md || (mode < 0 && (listed || !in_any))) {
                    error = judge_pair(&m, md, h, &guest, &rs);
                }
            }
        } else {
            error = judge_host(&m, mode, h, &rs);
        }
    }
    if (error) {
        fprintf(stderr, "gfp-ctl: compat: %s\n", strerror(-error));
        status = COMPAT_EXIT_ERROR;
        goto out;
    }
    if (!rs.n) {
        fprintf(stderr, "gfp-ctl: compat: no NIC driver found under "
                "%s/sys/class/net; pass --host-driver NAME:VERSION\n", root);
        status = COMPAT_EXIT_UNKNOWN;
        goto out;
    }
    print_results(&rs, json);
    for (size_t i = 0; i < rs.n; i++) {
        if (rs.v[i].verdict == V_INCOMPATIBLE) {
            status = COMPAT_EXIT_INCOMPATIBLE;
        } else if (rs.v[i].verdict == V_UNKNOWN && !status) {
            status = COMPAT_EXIT_UNKNOWN;
        }
    }

out:
    free(rs.v);
    free(hosts);
    compat_matrix_destroy(&m);
    (void) opts;
    return status;
}
