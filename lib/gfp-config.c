#include <config.h>
#include "gfp-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd-engine.h"

void
config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->engine, sizeof cfg->engine, "io");
    cfg->queues = 1;
    cfg->rxd = 1024;
    cfg->txd = 1024;
    cfg->burst = 32;
    cfg->mtu = 1500;
}

static int
set_err(char err[CONFIG_ERR_LEN], int error, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(err, CONFIG_ERR_LEN, fmt, args);
    va_end(args);
    return error;
}

static int
set_uint(const char *key, const char *value, unsigned long long min,
         unsigned long long max, unsigned *out, char err[CONFIG_ERR_LEN])
{
    unsigned long long v;

    if (parse_uint(value, min, max, &v)) {
        return set_err(err, -EINVAL, "invalid value '%s': expected an integer "
                       "from %llu to %llu", value, min, max);
    }
    *out = v;
    return 0;
}

static int
set_pow2(const char *key, const char *value, unsigned min, unsigned max,
         unsigned *out, char err[CONFIG_ERR_LEN])
{
    unsigned v = 0;

    if (set_uint(key, value, min, max, &v, err) || (v & (v - 1))) {
        return set_err(err, -EINVAL, "invalid value '%s': expected a power of "
                       "two from %u to %u", value, min, max);
    }
    *out = v;
    return 0;
}

/* "P:Q[,P:Q...]" */
static int
set_pairs(struct config *cfg, const char *value, char err[CONFIG_ERR_LEN])
{
    bool used[CONFIG_MAX_PORTS] = { false };
    char buf[512];
    char *save = buf;
    unsigned n = 0;

    if (strlen(value) >= sizeof buf) {
        return set_err(err, -EINVAL, "invalid value: too long");
    }
    snprintf(buf, sizeof buf, "%s", value);
    /* strsep(), not strtok(): an empty item ("0:1,,2:3", a trailing
     * comma) is an error, not skipped. */
    for (char *tok = strsep(&save, ","); tok; tok = strsep(&save, ",")) {
        unsigned long long a, b;
        char *colon = strchr(tok, ':');

        if (!colon) {
            goto bad;
        }
        *colon = '\0';
        if (parse_uint(tok, 0, CONFIG_MAX_PORTS - 1, &a)
            || parse_uint(colon + 1, 0, CONFIG_MAX_PORTS - 1, &b)) {
            goto bad;
        }
        if (a == b || used[a] || used[b]) {
            return set_err(err, -EINVAL, "invalid value '%s': "
                           "each port may appear in one pair only, and "
                           "not twice in it", value);
        }
        used[a] = used[b] = true;
        cfg->pairs[n][0] = a;
        cfg->pairs[n][1] = b;
        n++;
    }
    if (!n) {
        goto bad;
    }
    cfg->n_pairs = n;
    return 0;

bad:
    return set_err(err, -EINVAL, "invalid value '%s': expected "
                   "PORT:PORT[,PORT:PORT...] with ports from 0 to %d",
                   value, CONFIG_MAX_PORTS - 1);
}

/* "PORT=MAC" */
static int
set_port_mac(const char *key, const char *value, struct config_mac *macs,
             char err[CONFIG_ERR_LEN])
{
    unsigned long long port;
    char buf[64];
    char *eq;

    snprintf(buf, sizeof buf, "%s", value);
    eq = strchr(buf, '=');
    if (strlen(value) >= sizeof buf || !eq) {
        goto bad;
    }
    *eq = '\0';
    if (parse_uint(buf, 0, CONFIG_MAX_PORTS - 1, &port)
        || parse_mac(eq + 1, macs[port].mac)) {
        goto bad;
    }
    macs[port].set = true;
    return 0;

bad:
    return set_err(err, -EINVAL, "invalid value '%s': expected "
                   "PORT=xx:xx:xx:xx:xx:xx with a port from 0 to %d",
                   value, CONFIG_MAX_PORTS - 1);
}

/* "eth0,eth1,..." */
static int
set_ifaces(struct config *cfg, const char *value, char err[CONFIG_ERR_LEN])
{
    char buf[CONFIG_MAX_PORTS * 16];
    char *save = buf;
    unsigned n = 0;

    if (strlen(value) >= sizeof buf) {
        goto bad;
    }
    snprintf(buf, sizeof buf, "%s", value);
    for (char *tok = strsep(&save, ","); tok; tok = strsep(&save, ",")) {
        size_t len = strlen(tok);

        if (n == CONFIG_MAX_PORTS || !len || len >= sizeof cfg->ifaces[0]
            || strpbrk(tok, " /:\t")) {
            goto bad;
        }
        for (unsigned i = 0; i < n; i++) {
            if (!strcmp(cfg->ifaces[i], tok)) {
                return set_err(err, -EINVAL, "invalid value '%s': "
                               "interface %s is named twice", value, tok);
            }
        }
        snprintf(cfg->ifaces[n++], sizeof cfg->ifaces[0], "%s", tok);
    }
    if (!n) {
        goto bad;
    }
    cfg->n_ifaces = n;
    return 0;

bad:
    return set_err(err, -EINVAL, "invalid value '%s': expected IFACE[,IFACE"
                   "...], up to %d kernel interface names of 1 to 15 "
                   "characters", value, CONFIG_MAX_PORTS);
}

int
config_set(struct config *cfg, const char *key, const char *value,
           char err[CONFIG_ERR_LEN])
{
    if (!strcmp(key, "mode")) {
        char choices[GFP_MODE_CHOICES_LEN];

        if (gfp_mode_from_name(value, &cfg->mode)) {
            return set_err(err, -EINVAL, "invalid value '%s': expected %s",
                           value, gfp_mode_choices(choices));
        }
        return 0;
    } else if (!strcmp(key, "dpdk-pkt-io")) {
        /* The appliance-style switch: on = DPDK mode, off = PacketMMAP. */
        if (!strcmp(value, "on") || !strcmp(value, "off")) {
            cfg->mode = value[1] == 'n' ? GFP_MODE_DPDK : GFP_MODE_MMAP;
            return 0;
        }
        return set_err(err, -EINVAL, "invalid value '%s': expected on or "
                       "off", value);
    } else if (!strcmp(key, "ifaces")) {
        return set_ifaces(cfg, value, err);
    } else if (!strcmp(key, "workers")) {
        return set_uint(key, value, 1, 64, &cfg->workers, err);
    } else if (!strcmp(key, "engine")) {
        if (!fwd_engine_find(value)) {
            char names[128];

            fwd_engine_names(names, sizeof names);
            return set_err(err, -EINVAL, "invalid value '%s': expected one "
                           "of %s", value, names);
        }
        snprintf(cfg->engine, sizeof cfg->engine, "%s", value);
        return 0;
    } else if (!strcmp(key, "pairs")) {
        return set_pairs(cfg, value, err);
    } else if (!strcmp(key, "queues")) {
        return set_uint(key, value, 1, CONFIG_MAX_QUEUES, &cfg->queues, err);
    } else if (!strcmp(key, "rxd")) {
        return set_pow2(key, value, 64, 4096, &cfg->rxd, err);
    } else if (!strcmp(key, "txd")) {
        return set_pow2(key, value, 64, 4096, &cfg->txd, err);
    } else if (!strcmp(key, "burst")) {
        return set_uint(key, value, 1, GFP_BURST_MAX, &cfg->burst, err);
    } else if (!strcmp(key, "mtu")) {
        return set_uint(key, value, GFP_MTU_MIN, GFP_MTU_MAX, &cfg->mtu, err);
    } else if (!strcmp(key, "mbuf-size")) {
        return set_uint(key, value, 1024, 16384, &cfg->mbuf_size, err);
    } else if (!strcmp(key, "nb-mbuf")) {
        return set_uint(key, value, 1024, 4 * 1024 * 1024, &cfg->n_mbufs,
                        err);
    } else if (!strcmp(key, "stats-period")) {
        return set_uint(key, value, 0, 3600, &cfg->stats_period, err);
    } else if (!strcmp(key, "stats-file")) {
        if (!value[0] || strlen(value) >= sizeof cfg->stats_file) {
            return set_err(err, -EINVAL, "invalid value: expected a path "
                           "of 1 to %zu bytes", sizeof cfg->stats_file - 1);
        }
        snprintf(cfg->stats_file, sizeof cfg->stats_file, "%s", value);
        return 0;
    } else if (!strcmp(key, "ctl-socket")) {
        if (!value[0] || strlen(value) >= sizeof cfg->ctl_socket) {
            return set_err(err, -EINVAL, "invalid value: expected a path "
                           "of 1 to %zu bytes", sizeof cfg->ctl_socket - 1);
        }
        snprintf(cfg->ctl_socket, sizeof cfg->ctl_socket, "%s", value);
        return 0;
    } else if (!strcmp(key, "ctl-group")) {
        /* Resolved when the socket is made: gfp-fwd asks the system. */
        if (!value[0] || strlen(value) >= sizeof cfg->ctl_group
            || strspn(value, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
               != strlen(value)) {
            return set_err(err, -EINVAL, "invalid value '%s': expected a "
                           "group name or number of 1 to %zu characters",
                           value, sizeof cfg->ctl_group - 1);
        }
        snprintf(cfg->ctl_group, sizeof cfg->ctl_group, "%s", value);
        return 0;
    } else if (!strcmp(key, "ctl-idle-timeout")) {
        return set_uint(key, value, 1, 86400, &cfg->ctl_idle_timeout, err);
    } else if (!strcmp(key, "src-mac")) {
        return set_port_mac(key, value, cfg->src_mac, err);
    } else if (!strcmp(key, "peer-mac")) {
        return set_port_mac(key, value, cfg->peer_mac, err);
    }
    return set_err(err, -ENOENT, "unknown setting");
}

static char *
trim(char *s)
{
    char *end;

    while (isspace((unsigned char) *s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && isspace((unsigned char) end[-1])) {
        *--end = '\0';
    }
    return s;
}

/* One line of a configuration file, without its newline: "key = value",
 * a comment or nothing.  'where' is "PATH:LINE" for messages. */
static int
load_line(struct config *cfg, char *line, const char *where,
          char err[CONFIG_ERR_LEN])
{
    char sub[CONFIG_ERR_LEN];
    char *key, *value, *eq, *hash;
    int error;

    hash = strchr(line, '#');
    if (hash) {
        *hash = '\0';
    }
    key = trim(line);
    if (!*key) {
        return 0;
    }
    eq = strchr(key, '=');
    if (!eq) {
        return set_err(err, -EINVAL, "%s: expected 'key = value'", where);
    }
    *eq = '\0';
    value = trim(eq + 1);
    key = trim(key);
    error = config_set(cfg, key, value, sub);
    if (error) {
        return set_err(err, error, "%s: %s: %s", where, key, sub);
    }
    return 0;
}

int
config_load_file(struct config *cfg, const char *path,
                 char err[CONFIG_ERR_LEN])
{
    char *line = NULL, where[CONFIG_ERR_LEN / 2];
    size_t size = 0;
    unsigned lineno = 0;
    int error = 0;
    ssize_t len;
    FILE *f;

    f = fopen(path, "r");
    if (!f) {
        return set_err(err, -errno, "%s: cannot open: %s", path,
                       strerror(errno));
    }
    errno = 0;
    while (!error && (len = getline(&line, &size, f)) >= 0) {
        lineno++;
        snprintf(where, sizeof where, "%s:%u", path, lineno);
        if (len && line[len - 1] == '\n') {
            line[--len] = '\0';
        }
        if (memchr(line, '\0', len)) {
            error = set_err(err, -EINVAL, "%s: NUL byte in the line (not "
                            "a text file?)", where);
        } else if (len > CONFIG_LINE_MAX) {
            error = set_err(err, -EINVAL, "%s: line too long (more than %d "
                            "characters)", where, CONFIG_LINE_MAX);
        } else {
            error = load_line(cfg, line, where, err);
        }
        errno = 0;
    }
    /* getline() returns -1 at the end of the file and on a read error
     * (a directory: EISDIR), which must not pass for the end. */
    if (!error && ferror(f)) {
        int e = errno ? errno : EIO;

        error = set_err(err, -e, "%s: cannot read: %s", path, strerror(e));
    }
    free(line);
    fclose(f);
    return error;
}

int
config_validate(const struct config *cfg, char err[CONFIG_ERR_LEN])
{
    if ((cfg->ctl_group[0] || cfg->ctl_idle_timeout) && !cfg->ctl_socket[0]) {
        return set_err(err, -EINVAL, "ctl-group and ctl-idle-timeout "
                       "belong to the control socket, which needs "
                       "ctl-socket");
    }
    if (cfg->mode == GFP_MODE_MMAP && !cfg->n_ifaces) {
        return set_err(err, -EINVAL, "mode mmap needs the kernel interfaces "
                       "to forward between (ifaces)");
    }
    if (cfg->mode == GFP_MODE_DPDK && (cfg->n_ifaces || cfg->workers)
        && !cfg->ctl_socket[0]) {
        return set_err(err, -EINVAL, "ifaces and workers belong to mode "
                       "mmap; in mode dpdk the EAL gives the devices and "
                       "lcores (they are kept for a live switch to mmap, "
                       "which needs ctl-socket)");
    }
    /* The ranges keep burst within the rings; only the MAC overrides can
     * name a port no pair uses. */
    if (cfg->n_pairs) {
        for (int p = 0; p < CONFIG_MAX_PORTS; p++) {
            bool paired = false;

            for (unsigned i = 0; i < cfg->n_pairs; i++) {
                paired |= cfg->pairs[i][0] == p || cfg->pairs[i][1] == p;
            }
            if (!paired && (cfg->src_mac[p].set || cfg->peer_mac[p].set)) {
                return set_err(err, -EINVAL, "a MAC address is set for "
                               "port %d, which no pair uses", p);
            }
        }
    }
    return 0;
}
