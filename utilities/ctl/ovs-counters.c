/* gfp-ctl: the counters OVS's tools print, parsed strictly (ovs.h):
 * ovs-ofctl dump-ports, and dpif-netdev/pmd-stats-show and pmd-perf-show. */
#include <config.h>

#include "ovs.h"

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

#include "ctl-util.h"
#include "util.h"

/* Line iteration over a NUL-terminated text: '*line' is set to the next
 * line (without '\n', NUL-terminated in 'copy'). */
struct lines {
    const char *p;
    unsigned lineno;
    char copy[1024];
};

static bool
next_line(struct lines *it, char **line, char err[OVS_ERR_LEN])
{
    size_t len;

    if (!*it->p) {
        return false;
    }
    len = strcspn(it->p, "\n");
    it->lineno++;
    if (len >= sizeof it->copy) {
        snprintf(err, OVS_ERR_LEN, "line %u: longer than %zu bytes",
                 it->lineno, sizeof it->copy - 1);
        len = 0;
        it->copy[0] = '\0';
        it->p = "";
        *line = NULL;
        return true;
    }
    memcpy(it->copy, it->p, len);
    it->copy[len] = '\0';
    it->p += len + (it->p[len] == '\n');
    *line = it->copy;
    return true;
}

static char *
skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return (char *) s;
}

static void
strip_trailing(char *s)
{
    size_t len = strlen(s);

    while (len && isspace((unsigned char) s[len - 1])) {
        s[--len] = '\0';
    }
}

/* A counter in dump-ports: a decimal number or "?" (not supported). */
static int
parse_counter(const char *s, uint64_t *out)
{
    unsigned long long v;

    if (!strcmp(s, "?")) {
        *out = OVS_NO_VALUE;
        return 0;
    }
    if (parse_uint(s, 0, OVS_NO_VALUE - 1, &v)) {
        return -EINVAL;
    }
    *out = v;
    return 0;
}

/* Parses "rx pkts=1, bytes=2, drop=?, ..." or "tx ..." into 'p'.  Keys not
 * in OVS_PORT_COUNTERS (frame, over, crc, coll) must still be well formed.
 * Every key of the direction must be present. */
static int
parse_port_line(char *s, bool rx, struct ovs_port_stats *p)
{
    unsigned seen = 0, want = 0, bit = 0;
    char *save = NULL;

#define OVS_PORT_WANT(NAME, KEY, RX) want |= (RX == rx) << bit++;
    OVS_PORT_COUNTERS(OVS_PORT_WANT);
#undef OVS_PORT_WANT
    for (char *tok = strtok_r(s, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq, *key = skip_space(tok);
        uint64_t v;

        strip_trailing(key);
        eq = strchr(key, '=');
        if (!eq || eq == key) {
            return -EINVAL;
        }
        *eq = '\0';
        if (parse_counter(eq + 1, &v)) {
            return -EINVAL;
        }
        bit = 0;
#define OVS_PORT_SET(NAME, KEY, RX)                             \
        if (RX == rx && !strcmp(key, KEY)) {                    \
            p->NAME = v;                                        \
            seen |= 1u << bit;                                  \
        }                                                       \
        bit++;
        OVS_PORT_COUNTERS(OVS_PORT_SET);
#undef OVS_PORT_SET
    }
    return seen == want ? 0 : -EINVAL;
}

/* "OFPST_PORT reply (xid=0x2): 5 ports" (OpenFlow 1.0) or
 * "OFPST_PORT reply (OF1.3) (xid=0x2): 5 ports": the port count. */
static int
parse_ports_header(char *s, unsigned lineno, size_t *announced,
                   char err[OVS_ERR_LEN])
{
    char *colon = strstr(s, "): ");
    unsigned long long v;
    char *sp;

    if (strncmp(s, "OFPST_PORT reply", 16) || !colon) {
        snprintf(err, OVS_ERR_LEN, "line %u: expected 'OFPST_PORT reply "
                 "...: N ports', got '%s'", lineno, s);
        return -EINVAL;
    }
    colon += 3;
    sp = strchr(colon, ' ');
    if (!sp || strcmp(sp, " ports")) {
        snprintf(err, OVS_ERR_LEN, "line %u: expected 'N ports' after the "
                 "reply header, got '%s'", lineno, colon);
        return -EINVAL;
    }
    *sp = '\0';
    if (parse_uint(colon, 0, 65536, &v)) {
        snprintf(err, OVS_ERR_LEN, "line %u: bad port count '%s'", lineno,
                 colon);
        return -EINVAL;
    }
    *announced = v;
    return 0;
}

/* "port N: rx ...": a new port, appended to '*ports'. */
static int
parse_port_rx(char *s, unsigned lineno, struct ovs_port_stats **ports,
              size_t *n, char err[OVS_ERR_LEN])
{
    char *name = skip_space(s + 5), *end = strstr(name, ": rx ");
    struct ovs_port_stats *cur;

    if (!end || end == name) {
        snprintf(err, OVS_ERR_LEN, "line %u: expected 'port N: rx ...', "
                 "got '%s'", lineno, s);
        return -EINVAL;
    }
    *end = '\0';
    if (*name == '"' && end - name >= 2 && end[-1] == '"') {
        name++;
        end[-1] = '\0';
    }
    if (strlen(name) >= sizeof cur->port) {
        snprintf(err, OVS_ERR_LEN, "line %u: port name too long", lineno);
        return -EINVAL;
    }
    *ports = ctl_xrealloc(*ports, (*n + 1) * sizeof **ports);
    cur = &(*ports)[(*n)++];
    memset(cur, 0, sizeof *cur);
    snprintf(cur->port, sizeof cur->port, "%s", name);
    if (parse_port_line(end + 5, true, cur)) {
        snprintf(err, OVS_ERR_LEN, "line %u: malformed rx counters of port "
                 "%s", lineno, cur->port);
        return -EINVAL;
    }
    return 0;
}

/* What follows the header and the last port, checked. */
static int
dump_ports_end(bool header, bool want_tx, const struct ovs_port_stats *cur,
               size_t n, size_t announced, char err[OVS_ERR_LEN])
{
    if (err[0]) {
        return -EINVAL;
    } else if (!header) {
        snprintf(err, OVS_ERR_LEN, "empty output");
    } else if (want_tx) {
        snprintf(err, OVS_ERR_LEN, "port %s has no tx line", cur->port);
    } else if (n != announced) {
        snprintf(err, OVS_ERR_LEN, "the header announces %zu ports but %zu "
                 "follow", announced, n);
    } else {
        return 0;
    }
    return -EINVAL;
}

int
ovs_parse_dump_ports(const char *text, struct ovs_port_stats **portsp,
                     size_t *n_portsp, char err[OVS_ERR_LEN])
{
    struct lines it = { .p = text };
    struct ovs_port_stats *ports = NULL;
    size_t n = 0, announced = SIZE_MAX;
    bool header = false, want_tx = false;
    int error = 0;
    char *line;

    err[0] = '\0';
    while (!error && next_line(&it, &line, err)) {
        char *s;

        if (!line) {
            error = -EINVAL;
            break;
        }
        s = skip_space(line);
        strip_trailing(s);
        if (!header) {
            error = parse_ports_header(s, it.lineno, &announced, err);
            header = true;
        } else if (!*s) {
            continue;
        } else if (want_tx) {
            if (strncmp(s, "tx ", 3)
                || parse_port_line(s + 3, false, &ports[n - 1])) {
                snprintf(err, OVS_ERR_LEN, "line %u: expected the tx "
                         "counters of port %s, got '%s'", it.lineno,
                         ports[n - 1].port, s);
                error = -EINVAL;
            }
            want_tx = false;
        } else if (!strncmp(s, "duration=", 9)) {
            /* OpenFlow 1.3+: "duration=123.456s"; not needed here. */
            continue;
        } else if (!strncmp(s, "port ", 5)) {
            error = parse_port_rx(s, it.lineno, &ports, &n, err);
            want_tx = true;
        } else {
            snprintf(err, OVS_ERR_LEN, "line %u: unexpected '%s'",
                     it.lineno, s);
            error = -EINVAL;
        }
    }
    if (error || dump_ports_end(header, want_tx, n ? &ports[n - 1] : NULL,
                                n, announced, err)) {
        free(ports);
        ports = NULL;
        n = 0;
        error = -EINVAL;
    }
    *portsp = ports;
    *n_portsp = n;
    return error;
}

void
ovs_pmds_clear(struct ovs_pmds *set)
{
    free(set->pmds);
    set->pmds = NULL;
    set->n = 0;
}

/* Parses a thread header: "pmd thread numa_id 0 core_id 1:" or
 * "main thread:" (numa_id and core_id may each be missing when OVS does
 * not know them).  Returns the thread in 'set', added if new, or NULL. */
static struct ovs_pmd *
parse_thread(const char *s, struct ovs_pmds *set)
{
    char name[64], rest[64] = "";
    int numa = -1, core = -1;
    size_t len = strlen(s);
    struct ovs_pmd *p;
    bool main_thread;

    if (!len || len >= sizeof name || s[len - 1] != ':') {
        return NULL;
    }
    memcpy(name, s, len - 1);
    name[len - 1] = '\0';
    main_thread = !strncmp(name, "main thread", 11);
    if (!main_thread && strncmp(name, "pmd thread", 10)) {
        return NULL;
    }
    /* The words after "... thread": optional "numa_id N", "core_id N". */
    snprintf(rest, sizeof rest, "%s", name + (main_thread ? 11 : 10));
    for (char *save = NULL, *w = strtok_r(rest, " ", &save); w;
         w = strtok_r(NULL, " ", &save)) {
        char *v = strtok_r(NULL, " ", &save);
        unsigned long long n;
        int *dst = !strcmp(w, "numa_id") ? &numa
                   : !strcmp(w, "core_id") && !main_thread ? &core : NULL;

        if (!dst || !v || parse_uint(v, 0, INT32_MAX, &n)) {
            return NULL;
        }
        *dst = n;
    }
    for (size_t i = 0; i < set->n; i++) {
        if (!strcmp(set->pmds[i].name, name)) {
            return &set->pmds[i];
        }
    }
    p = ctl_xrealloc(set->pmds, (set->n + 1) * sizeof *p);
    if (!p) {
        return NULL;
    }
    set->pmds = p;
    p = &p[set->n++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->numa_id = numa;
    p->core_id = main_thread ? -1 : core;
#define OVS_PMD_INIT(NAME) p->NAME = OVS_NO_VALUE;
    OVS_PMD_COUNTERS(OVS_PMD_INIT)
#undef OVS_PMD_INIT
#define OVS_PMD_INIT(NAME) p->NAME = NAN;
    OVS_PMD_REALS(OVS_PMD_INIT)
#undef OVS_PMD_INIT
    return p;
}

/* A "key: value (extra)" line.  The key is lowercased, without a leading
 * "- " and without the trailing ':'; 'value' is the number's text. */
struct kv {
    char *key;
    char *value;
    char *extra;                /* Inside the parentheses, or "". */
};

static int
split_kv(char *s, struct kv *kv)
{
    char *colon, *end;

    if (!strncmp(s, "- ", 2)) {
        s = skip_space(s + 2);
    }
    colon = strchr(s, ':');
    if (!colon || colon == s) {
        return -EINVAL;
    }
    *colon = '\0';
    strip_trailing(s);
    for (char *c = s; *c; c++) {
        *c = tolower((unsigned char) *c);
    }
    kv->key = s;
    kv->value = skip_space(colon + 1);
    end = kv->value + strspn(kv->value, "0123456789.");
    if (end == kv->value) {
        return -EINVAL;
    }
    kv->extra = skip_space(end);
    *end = '\0';
    if (*kv->extra) {
        size_t len = strlen(kv->extra);

        if (kv->extra[0] != '(' || kv->extra[len - 1] != ')') {
            return -EINVAL;
        }
        kv->extra[len - 1] = '\0';
        kv->extra++;
    }
    return 0;
}

static int
kv_uint(const struct kv *kv, uint64_t *out)
{
    unsigned long long v;

    if (parse_uint(kv->value, 0, OVS_NO_VALUE - 1, &v)) {
        return -EINVAL;
    }
    *out = v;
    return 0;
}

static int
parse_real(const char *s, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return !*s || *end || errno || !isfinite(*out) || *out < 0
           ? -EINVAL : 0;
}

/* Finds "NUMBER SUFFIX" among the comma-separated items of 'extra', e.g.
 * "4273 cycles/pkt" in "2 Kpps, 4273 cycles/pkt". */
static int
extra_real(const char *extra, const char *suffix, double *out)
{
    char copy[128], *save = NULL;

    snprintf(copy, sizeof copy, "%s", extra);
    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        char *sp;

        t = skip_space(t);
        sp = strchr(t, ' ');
        if (sp && !strcmp(sp + 1, suffix)) {
            *sp = '\0';
            return parse_real(t, out);
        }
    }
    return -ENOENT;
}

enum pmd_key {
    K_RX, K_TX, K_RECIRC, K_UPCALLS, K_LOST, K_IDLE_CYCLES, K_BUSY_CYCLES,
    K_CPP, K_ITER, K_IDLE_ITER, K_BUSY_ITER, K_SLEEP_ITER, K_SLEEP_US,
    K_IGNORE,
};

struct pmd_key_map {
    const char *key;
    enum pmd_key k;
};

/* pmd-stats-show, 3.x and 4.x.  Keys whose wording changed over the
 * releases (2.x: "emc hits", "miss", "lost", "polling cycles") map to the
 * same field. */
static const struct pmd_key_map stats_keys[] = {
    { "packets received", K_RX },
    { "packet recirculations", K_RECIRC },
    { "miss with success upcall", K_UPCALLS },
    { "miss", K_UPCALLS },
    { "miss with failed upcall", K_LOST },
    { "lost", K_LOST },
    { "idle cycles", K_IDLE_CYCLES },
    { "polling cycles", K_IDLE_CYCLES },
    { "processing cycles", K_BUSY_CYCLES },
    { "avg processing cycles per packet", K_CPP },
};

/* pmd-perf-show -nh. */
static const struct pmd_key_map perf_keys[] = {
    { "iterations", K_ITER },
    { "idle iterations", K_IDLE_ITER },
    { "busy iterations", K_BUSY_ITER },
    { "sleep iterations", K_SLEEP_ITER },
    { "sleep time (us)", K_SLEEP_US },
    { "rx packets", K_RX },
    { "tx packets", K_TX },
    { "upcalls", K_UPCALLS },
    { "lost upcalls", K_LOST },
};

static int
pmd_set(struct ovs_pmd *p, enum pmd_key k, const struct kv *kv)
{
    uint64_t *counter = NULL;
    double pct;

    switch (k) {
    case K_RX:
        counter = &p->rx_packets;
        if (*kv->extra) {
            double cpp;

            /* perf-show: "(2 Kpps, 4273 cycles/pkt)". */
            if (!extra_real(kv->extra, "cycles/pkt", &cpp)
                && isnan(p->cycles_per_packet)) {
                p->cycles_per_packet = cpp;
            }
        }
        break;
    case K_TX:
        counter = &p->tx_packets;
        break;
    case K_RECIRC:
        counter = &p->recirculations;
        break;
    case K_UPCALLS:
        counter = &p->upcalls;
        break;
    case K_LOST:
        counter = &p->lost_upcalls;
        break;
    case K_IDLE_CYCLES:
        counter = &p->idle_cycles;
        break;
    case K_BUSY_CYCLES:
        counter = &p->busy_cycles;
        /* "(0.44%)" */
        if (*kv->extra) {
            char copy[32];
            size_t len = strlen(kv->extra);

            if (len < 2 || len >= sizeof copy || kv->extra[len - 1] != '%') {
                return -EINVAL;
            }
            memcpy(copy, kv->extra, len - 1);
            copy[len - 1] = '\0';
            if (parse_real(copy, &pct)) {
                return -EINVAL;
            }
            p->busy_pct = pct;
        }
        break;
    case K_CPP:
        /* stats-show's figure wins over perf-show's rounded one. */
        return parse_real(kv->value, &p->cycles_per_packet);
    case K_SLEEP_US:
        return parse_real(kv->value, &p->sleep_us);
    case K_ITER:
        counter = &p->iterations;
        break;
    case K_IDLE_ITER:
        counter = &p->idle_iterations;
        break;
    case K_BUSY_ITER:
        counter = &p->busy_iterations;
        break;
    case K_SLEEP_ITER:
        counter = &p->sleep_iterations;
        break;
    case K_IGNORE:
        return 0;
    }
    return kv_uint(kv, counter);
}

/* Where parse_pmd() is. */
struct pmd_parse {
    struct ovs_pmds *set;
    bool perf;                  /* pmd-perf-show, else pmd-stats-show. */
    struct ovs_pmd *cur;        /* The thread of the lines that follow. */
    double duration;            /* perf-show's, for the next thread. */
    bool any;                   /* A thread was seen. */
};

/* "Measurement duration: 1.234 s" of perf-show. */
static int
parse_duration(const char *v, double *duration)
{
    size_t len = strlen(v);
    char copy[32];

    if (len < 3 || len >= sizeof copy || strcmp(v + len - 2, " s")) {
        return -EINVAL;
    }
    memcpy(copy, v, len - 2);
    copy[len - 2] = '\0';
    return parse_real(copy, duration);
}

/* A line that is not indented: a thread header, or perf-show's
 * preamble. */
static int
parse_pmd_header(struct pmd_parse *pp, char *s, unsigned lineno,
                 char err[OVS_ERR_LEN])
{
    struct ovs_pmd *p = parse_thread(s, pp->set);

    if (p) {
        pp->cur = p;
        pp->any = true;
        if (pp->perf && !isnan(pp->duration)) {
            pp->cur->duration_s = pp->duration;
            pp->duration = NAN;
        }
        return 0;
    }
    if (pp->perf && !strncmp(s, "Time: ", 6)) {
        pp->cur = NULL;
        return 0;
    }
    if (pp->perf && !strncmp(s, "Measurement duration: ", 22)) {
        if (parse_duration(s + 22, &pp->duration)) {
            snprintf(err, OVS_ERR_LEN, "line %u: bad measurement duration "
                     "'%s'", lineno, s + 22);
            return -EINVAL;
        }
        pp->cur = NULL;
        return 0;
    }
    snprintf(err, OVS_ERR_LEN, "line %u: expected a thread header ('pmd "
             "thread numa_id N core_id N:' or 'main thread:'), got '%s'",
             lineno, s);
    return -EINVAL;
}

/* An indented "name: number" line of the current thread. */
static int
parse_pmd_counter(struct pmd_parse *pp, char *s, unsigned lineno,
                  char err[OVS_ERR_LEN])
{
    const struct pmd_key_map *keys = pp->perf ? perf_keys : stats_keys;
    size_t n_keys = pp->perf ? ARRAY_SIZE(perf_keys)
                             : ARRAY_SIZE(stats_keys);
    char orig[sizeof ((struct lines *) NULL)->copy];
    struct kv kv;

    if (!pp->cur) {
        snprintf(err, OVS_ERR_LEN, "line %u: counter before any thread "
                 "header: '%s'", lineno, s);
        return -EINVAL;
    }
    snprintf(orig, sizeof orig, "%s", s);
    if (split_kv(s, &kv)) {
        snprintf(err, OVS_ERR_LEN, "line %u: expected 'name: number "
                 "[(...)]', got '%.400s'", lineno, orig);
        return -EINVAL;
    }
    for (size_t i = 0; i < n_keys; i++) {
        if (!strcmp(kv.key, keys[i].key)) {
            if (pmd_set(pp->cur, keys[i].k, &kv)) {
                snprintf(err, OVS_ERR_LEN, "line %u: bad value for '%s'",
                         lineno, kv.key);
                return -EINVAL;
            }
            break;
        }
    }
    return 0;
}

static int
parse_pmd(const char *text, struct ovs_pmds *set, bool perf,
          char err[OVS_ERR_LEN])
{
    struct pmd_parse pp = { .set = set, .perf = perf, .duration = NAN };
    struct lines it = { .p = text };
    char *line;

    err[0] = '\0';
    while (next_line(&it, &line, err)) {
        char *s;
        int error;

        if (!line) {
            return -EINVAL;
        }
        strip_trailing(line);
        s = skip_space(line);
        if (!*s) {
            continue;
        }
        error = (s == line ? parse_pmd_header(&pp, s, it.lineno, err)
                 : parse_pmd_counter(&pp, s, it.lineno, err));
        if (error) {
            return error;
        }
    }
    if (err[0]) {
        return -EINVAL;
    }
    if (!pp.any && *text) {
        snprintf(err, OVS_ERR_LEN, "no thread in the output");
        return -EINVAL;
    }
    return 0;
}

int
ovs_parse_pmd_stats(const char *text, struct ovs_pmds *set,
                    char err[OVS_ERR_LEN])
{
    return parse_pmd(text, set, false, err);
}

int
ovs_parse_pmd_perf(const char *text, struct ovs_pmds *set,
                   char err[OVS_ERR_LEN])
{
    return parse_pmd(text, set, true, err);
}
