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
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "ctl-util.h"
#include "sysfs.h"
#include "gfp-ctl.h"
#include "options.h"
#include "gfp-mode.h"
#include "util.h"

#define COMPAT_EXIT_UNKNOWN 1
#define COMPAT_EXIT_INCOMPATIBLE 3
#define COMPAT_EXIT_ERROR 4

enum verdict { V_COMPATIBLE, V_UNKNOWN, V_INCOMPATIBLE };
static const char *const verdict_names[] = {
    "compatible", "unknown", "not compatible",
};

/* A driver on one side of a pair. */
struct side {
    char name[COMPAT_DRIVER_NAME_MAX];
    bool has_version;
    struct compat_version version;
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
    if (!compat_driver_name_valid(s->name)) {
        return gfp_ctl_usage_error("invalid driver name '%s' in %s: "
                                   "letters, digits, '_' and '-' only",
                                   s->name, opt);
    }
    if (compat_version_parse(colon + 1, false, &s->version)) {
        return gfp_ctl_usage_error("invalid version '%s' in %s: expected "
                                   "numbers separated by dots, e.g. 2.22.18 "
                                   "or kernel-6.1", colon + 1, opt);
    }
    s->has_version = true;
    snprintf(s->ifaces, sizeof s->ifaces, "%s", opt);
    return 0;
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
        && !compat_version_parse(buf, false, &s->version)) {
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
                && !compat_version_parse(v, false, &s->version)) {
                s->has_version = true;
            }
        }
        free(out);
        if (s->has_version) {
            return;
        }
    }
    if (osrelease[0] && !compat_version_parse(osrelease, false, &s->version)) {
        char text[sizeof s->version.text + sizeof COMPAT_KERNEL_PREFIX];

        snprintf(text, sizeof text, COMPAT_KERNEL_PREFIX "%s",
                 s->version.text);
        text[sizeof s->version.text - 1] = '\0';
        memcpy(s->version.text, text, sizeof s->version.text);
        s->version.kind = COMPAT_VK_KERNEL;
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
            || !compat_driver_name_valid(drv)) {
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
                        && !compat_version_cmp(&p->version, &s.version,
                                               COMPAT_VERSION_MAX)))) {
                size_t len = strlen(p->ifaces);

                snprintf(p->ifaces + len, sizeof p->ifaces - len, ",%s",
                         names[i]);
                break;
            }
        }
        if (j < *n) {
            continue;
        }
        *sides = ctl_xrealloc(*sides, (*n + 1) * sizeof **sides);
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
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->v = ctl_xrealloc(rs->v, rs->cap * sizeof *rs->v);
    }
    memset(&rs->v[rs->n], 0, sizeof rs->v[rs->n]);
    return &rs->v[rs->n++];
}

static void
side_format(const char *name, const struct compat_version *v, char *buf,
            size_t size)
{
    char ver[64] = "?";

    if (v) {
        compat_version_format(v, ver, sizeof ver);
    }
    snprintf(buf, size, "%s %s", name, ver);
}

static void
range_format(const struct compat_row *r, char *buf, size_t size)
{
    char a[64] = "", b[64] = "";

    if (r->has_guest_min) {
        compat_version_format(&r->guest_min, a, sizeof a);
    }
    if (r->has_guest_max) {
        compat_version_format(&r->guest_max, b, sizeof b);
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
row_covers(const struct compat_row *r, const struct compat_version *gv)
{
    if (r->has_guest_min && (r->guest_min.kind != gv->kind
                             || !compat_version_at_least(gv, &r->guest_min))) {
        return false;
    }
    if (r->has_guest_max && (r->guest_max.kind != gv->kind
                             || !compat_version_at_most(gv, &r->guest_max))) {
        return false;
    }
    return true;
}

/* The verdict of row 'r' for host 'h'.  'gv' is the guest's version, or
 * NULL for the row as a whole (no guest given). */
/* The host's PF driver version 'hv' against the guest's native one
 * ('native', NULL if the row has no such rule). */
static enum verdict
judge_native(const struct compat_row *r, const struct side *h,
             const struct compat_version *native, const char *hv,
             char *reason, size_t size)
{
    char nv[64];

    if (native && native->kind != h->version.kind) {
        compat_version_format(native, nv, sizeof nv);
        snprintf(reason, size, "host %s %s and the guest's native PF "
                 "driver %s are versions of different kinds: cannot "
                 "compare", h->name, hv, nv);
        return V_UNKNOWN;
    }
    if (native && !compat_version_at_least(&h->version, native)) {
        compat_version_format(native, nv, sizeof nv);
        snprintf(reason, size, "host PF driver %s %s is older than the "
                 "guest's native PF driver %s: the host's must be at least "
                 "as new; upgrade the host's %s", h->name, hv, nv, h->name);
        return V_INCOMPATIBLE;
    }
    if (native) {
        compat_version_format(native, nv, sizeof nv);
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

static enum verdict
judge_row(const struct compat_row *r, const struct side *h,
          const struct compat_version *gv, char *reason, size_t size)
{
    const struct compat_version *native = NULL;
    char hv[64], nv[64], range[160];

    if (!h->has_version) {
        snprintf(reason, size, "the version of host driver %s is unknown; "
                 "pass --host-driver %s:VERSION", h->name, h->name);
        return V_UNKNOWN;
    }
    compat_version_format(&h->version, hv, sizeof hv);
    if (r->has_host_min) {
        if (r->host_min.kind != h->version.kind) {
            snprintf(reason, size, "host %s %s is %s version, the matrix "
                     "lists the other kind for this pair", h->name, hv,
                     compat_version_kind_name(h->version.kind));
            return V_UNKNOWN;
        }
        if (!compat_version_at_least(&h->version, &r->host_min)) {
            compat_version_format(&r->host_min, nv, sizeof nv);
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
                         h->name, hv,
                         compat_version_kind_name(h->version.kind), r->guest,
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
                     "kind", h->name, hv,
                     compat_version_kind_name(h->version.kind));
            return V_UNKNOWN;
        }
    }
    return judge_native(r, h, native, hv, reason, size);
}

/* One pair given both sides. */
static void
judge_pair(const struct compat_matrix *m, enum gfp_mode mode,
           const struct side *h, const struct side *g, struct results *rs)
{
    const struct compat_row *row = NULL;
    struct result *res = results_add(rs);
    bool listed = false;
    char ranges[256] = "";

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
    } else if (!row) {
        res->verdict = V_UNKNOWN;
        snprintf(res->reason, sizeof res->reason, "guest %s is outside "
                 "the versions the matrix lists for this pair (%s)",
                 res->guest, ranges);
    } else {
        res->verdict = judge_row(row, h, &g->version, res->reason,
                                 sizeof res->reason);
    }
}

/* Every row of host driver 'h' (no guest given). */
static void
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

/* What the command line asks. */
struct compat_args {
    bool json;
    const char *root;
    const char *matrix;
    struct side host, guest;    /* An empty name: not given. */
    int mode;                   /* -1: every mode. */
};

static int
parse_driver(const struct ctl_option *o, const char *value, void *dst)
{
    char opt[32];

    snprintf(opt, sizeof opt, "--%s", o->name);
    return parse_side_arg(opt, value, dst);
}

static int
parse_mode(const struct ctl_option *o, const char *value, void *dst)
{
    enum gfp_mode mode;

    if (gfp_mode_from_name(value, &mode)) {
        char choices[GFP_MODE_CHOICES_LEN];

        return gfp_ctl_usage_error("invalid value '%s' for --%s: expected "
                                   "%s", value, o->name,
                                   gfp_mode_choices(choices));
    }
    *(int *) dst = mode;
    return 0;
}

static const struct ctl_option compat_options[] = {
    CTL_FLAG("json", struct compat_args, json, "print the results as JSON"),
    CTL_VALUE("root", "DIR", struct compat_args, root, ctl_option_root,
              "read /sys under DIR (tests, another system's image)"),
    CTL_VALUE("matrix", "FILE", struct compat_args, matrix, NULL,
              "the matrix to use (default: the installed one)"),
    CTL_VALUE("host-driver", "NAME:VERSION", struct compat_args, host,
              parse_driver, "the host's PF driver, not read from /sys"),
    CTL_VALUE("guest-driver", "NAME:VERSION", struct compat_args, guest,
              parse_driver, "judge this guest driver only"),
    CTL_VALUE("mode", "MODE", struct compat_args, mode, parse_mode,
              "only this packet I/O mode (dpdk or mmap)"),
};

static const struct ctl_options compat_spec = {
    .who = "compat",
    .synopsis = "[--json] [--root DIR] [--matrix FILE]\n"
                "                      [--host-driver NAME:VERSION] "
                "[--guest-driver NAME:VERSION]\n"
                "                      [--mode dpdk|mmap]",
    .description = "Checks host PF driver and guest driver pairs against the "
                   "compatibility matrix.\nWithout --host-driver, the host's "
                   "NIC drivers come from /sys/class/net.\nExit status: 0 "
                   "all compatible, 1 some unknown, 2 usage error, 3 some "
                   "not\ncompatible, 4 the matrix or the system could not be "
                   "read.",
    .options = compat_options,
    .n_options = ARRAY_SIZE(compat_options),
};

/* Run inside a guest, a driver that only the guest column lists is the
 * guest's own: without --host-driver there is nothing to pair it with. */
static bool
is_guest_driver(const struct compat_matrix *m, const struct compat_args *a,
                const struct side *h, struct results *rs)
{
    struct result *res;

    if (a->host.name[0] || a->guest.name[0]
        || compat_matrix_has(m, h->name, true)
        || !compat_matrix_has(m, h->name, false)) {
        return false;
    }
    res = results_add(rs);
    res->mode = a->mode >= 0 ? a->mode : GFP_MODE_DPDK;
    snprintf(res->host, sizeof res->host, "-");
    side_format(h->name, h->has_version ? &h->version : NULL,
                res->guest, sizeof res->guest);
    snprintf(res->host_side.ifaces, sizeof res->host_side.ifaces, "%s",
             h->ifaces);
    res->verdict = V_UNKNOWN;
    snprintf(res->reason, sizeof res->reason, "%s (%s) is a guest driver: "
             "pass the host's PF driver with --host-driver NAME:VERSION",
             h->name, h->ifaces);
    return true;
}

/* Judges host driver 'h' with --guest-driver: in --mode, else in the
 * modes the guest's driver is listed in (every mode if none). */
static void
judge_guest(const struct compat_matrix *m, const struct compat_args *a,
            const struct side *h, struct results *rs)
{
    const char *guest = a->guest.name;
    bool in_any = false;

    for (size_t k = 0; k < m->n_rows; k++) {
        in_any |= !strcmp(m->rows[k].guest, guest);
    }
    for (int md = 0; md < GFP_N_MODES; md++) {
        bool listed = false;

        for (size_t k = 0; k < m->n_rows; k++) {
            listed |= (m->rows[k].mode == (enum gfp_mode) md
                       && !strcmp(m->rows[k].guest, guest));
        }
        if (a->mode == md || (a->mode < 0 && (listed || !in_any))) {
            judge_pair(m, md, h, &a->guest, rs);
        }
    }
}

/* The exit status for 'rs'. */
static int
results_status(const struct results *rs)
{
    int status = EXIT_SUCCESS;

    for (size_t i = 0; i < rs->n; i++) {
        if (rs->v[i].verdict == V_INCOMPATIBLE) {
            status = COMPAT_EXIT_INCOMPATIBLE;
        } else if (rs->v[i].verdict == V_UNKNOWN && !status) {
            status = COMPAT_EXIT_UNKNOWN;
        }
    }
    return status;
}

/* Judges every host driver: --host-driver, else those of /sys/class/net.
 * Returns 0 or an exit status after saying why. */
static int
judge_all(const struct compat_matrix *m, const struct compat_args *a,
          struct results *rs)
{
    struct side *hosts = NULL;
    size_t n_hosts = 0;
    int error = 0;

    if (a->host.name[0]) {
        hosts = ctl_xmalloc(sizeof *hosts);
        hosts[0] = a->host;
        n_hosts = 1;
    } else {
        error = detect_drivers(a->root, &hosts, &n_hosts);
    }
    if (error) {
        fprintf(stderr, "gfp-ctl: compat: reading %s/sys/class/net: %s\n",
                a->root, strerror(-error));
        return COMPAT_EXIT_ERROR;
    }
    for (size_t i = 0; i < n_hosts; i++) {
        if (is_guest_driver(m, a, &hosts[i], rs)) {
            continue;
        } else if (a->guest.name[0]) {
            judge_guest(m, a, &hosts[i], rs);
        } else {
            judge_host(m, a->mode, &hosts[i], rs);
        }
    }
    free(hosts);
    if (!rs->n) {
        fprintf(stderr, "gfp-ctl: compat: no NIC driver found under "
                "%s/sys/class/net; pass --host-driver NAME:VERSION\n",
                a->root);
        return COMPAT_EXIT_UNKNOWN;
    }
    return 0;
}

static int
compat_run(const struct gfp_ctl_opts *opts, int argc, char *argv[])
{
    struct compat_args a = { .root = "", .mode = -1 };
    struct results rs = { NULL, 0, 0 };
    struct compat_matrix m;
    int first, status;
    char err[512];

    if (!ctl_options_parse(&compat_spec, argc, argv, &a, &first, &status)) {
        return status;
    }
    if (compat_matrix_load(compat_matrix_path(a.matrix), &m, err,
                           sizeof err)) {
        fprintf(stderr, "gfp-ctl: compat: %s\n", err);
        return COMPAT_EXIT_ERROR;
    }
    status = judge_all(&m, &a, &rs);
    if (!status) {
        print_results(&rs, a.json);
        status = results_status(&rs);
    }
    free(rs.v);
    compat_matrix_destroy(&m);
    return status;
}

static const struct gfp_ctl_command compat_commands[] = {
    { NULL, "[--json] [--host-driver N:V] [--guest-driver N:V] [--mode M]",
      "judge host and guest driver pairs", compat_run },
};

const struct gfp_ctl_group gfp_ctl_group_compat = {
    .name = "compat",
    .summary = "the driver compatibility matrix against this host",
    .commands = compat_commands,
    .n_commands = ARRAY_SIZE(compat_commands),
};
