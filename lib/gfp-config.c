#include <config.h>
#include "gfp-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
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
set_uint(struct config *cfg, const struct config_option *opt,
         const char *value, char err[CONFIG_ERR_LEN])
{
    unsigned *out = (unsigned *) ((char *) cfg + opt->offset);
    unsigned long long v;

    if (parse_uint(value, opt->min, opt->max, &v)
        || (opt->type == CONFIG_POW2 && (v & (v - 1)))) {
        return set_err(err, -EINVAL, "invalid value '%s': expected %s from "
                       "%llu to %llu", value, opt->type == CONFIG_POW2
                       ? "a power of two" : "an integer", opt->min, opt->max);
    }
    *out = v;
    return 0;
}

/* A path, or for ctl-group a name, of 1 to 'size' - 1 bytes. */
static int
set_string(struct config *cfg, const struct config_option *opt,
           const char *value, char err[CONFIG_ERR_LEN])
{
    char *out = (char *) cfg + opt->offset;

    if (!value[0] || strlen(value) >= opt->size) {
        return set_err(err, -EINVAL, "invalid value: expected a path of 1 "
                       "to %zu bytes", opt->size - 1);
    }
    snprintf(out, opt->size, "%s", value);
    return 0;
}

/* "P:Q[,P:Q...]" */
static int
set_pairs(struct config *cfg, const struct config_option *opt,
          const char *value, char err[CONFIG_ERR_LEN])
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
set_port_mac(struct config *cfg, const struct config_option *opt,
             const char *value, char err[CONFIG_ERR_LEN])
{
    struct config_mac *macs = (void *) ((char *) cfg + opt->offset);
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
set_ifaces(struct config *cfg, const struct config_option *opt,
           const char *value, char err[CONFIG_ERR_LEN])
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

static int
set_mode(struct config *cfg, const struct config_option *opt,
         const char *value, char err[CONFIG_ERR_LEN])
{
    char choices[GFP_MODE_CHOICES_LEN];

    if (gfp_mode_from_name(value, &cfg->mode)) {
        return set_err(err, -EINVAL, "invalid value '%s': expected %s",
                       value, gfp_mode_choices(choices));
    }
    return 0;
}

/* For an option that takes one of two words: sets '*second' to whether
 * 'value' is the second rather than the first. */
static int
set_either(const char *value, const char *first, const char *second,
           bool *is_second, char err[CONFIG_ERR_LEN])
{
    if (strcmp(value, first) && strcmp(value, second)) {
        return set_err(err, -EINVAL, "invalid value '%s': expected %s or %s",
                       value, first, second);
    }
    *is_second = !strcmp(value, second);
    return 0;
}

/* The appliance-style switch: on = DPDK mode, off = PacketMMAP. */
static int
set_dpdk_pkt_io(struct config *cfg, const struct config_option *opt,
                const char *value, char err[CONFIG_ERR_LEN])
{
    bool off = false;
    int error = set_either(value, "on", "off", &off, err);

    if (!error) {
        cfg->mode = off ? GFP_MODE_MMAP : GFP_MODE_DPDK;
    }
    return error;
}

static int
set_virtio_defaults(struct config *cfg, const struct config_option *opt,
                    const char *value, char err[CONFIG_ERR_LEN])
{
    return set_either(value, "on", "off", &cfg->no_virtio_defaults, err);
}

static int
set_xdp_umem(struct config *cfg, const struct config_option *opt,
             const char *value, char err[CONFIG_ERR_LEN])
{
    return set_either(value, "pair", "port", &cfg->xdp_umem_per_port, err);
}

static int
set_engine(struct config *cfg, const struct config_option *opt,
           const char *value, char err[CONFIG_ERR_LEN])
{
    if (!fwd_engine_find(value)) {
        char names[128];

        fwd_engine_names(names, sizeof names);
        return set_err(err, -EINVAL, "invalid value '%s': expected one of "
                       "%s", value, names);
    }
    snprintf(cfg->engine, sizeof cfg->engine, "%s", value);
    return 0;
}

/* Resolved when the socket is made: gfp-fwd asks the system. */
static int
set_ctl_group(struct config *cfg, const struct config_option *opt,
              const char *value, char err[CONFIG_ERR_LEN])
{
    if (!value[0] || strlen(value) >= sizeof cfg->ctl_group
        || strspn(value, "abcdefghijklmnopqrstuvwxyz"
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
           != strlen(value)) {
        return set_err(err, -EINVAL, "invalid value '%s': expected a group "
                       "name or number of 1 to %zu characters", value,
                       sizeof cfg->ctl_group - 1);
    }
    snprintf(cfg->ctl_group, sizeof cfg->ctl_group, "%s", value);
    return 0;
}

static const struct {
    const char *name;
    const char *meaning;
} idle_modes[] = {
#define CONFIG_IDLE_ROW(ENUM, NAME, MEANING) { NAME, MEANING },
    CONFIG_IDLE_MODES(CONFIG_IDLE_ROW)
#undef CONFIG_IDLE_ROW
};

const char *
config_idle_name(enum config_idle idle)
{
    return idle < CONFIG_N_IDLE ? idle_modes[idle].name : "?";
}

static int
set_idle(struct config *cfg, const struct config_option *opt,
         const char *value, char err[CONFIG_ERR_LEN])
{
    for (unsigned i = 0; i < CONFIG_N_IDLE; i++) {
        if (!strcmp(value, idle_modes[i].name)) {
            cfg->idle = i;
            return 0;
        }
    }
    return set_err(err, -EINVAL, "invalid value '%s': expected poll, sleep "
                   "or interrupt", value);
}

static const char *
idle_choice(unsigned i, const char **meaning)
{
    if (i >= CONFIG_N_IDLE) {
        return NULL;
    }
    *meaning = idle_modes[i].meaning;
    return idle_modes[i].name;
}

static const char *
mode_choice(unsigned i, const char **meaning)
{
    if (i >= GFP_N_MODES) {
        return NULL;
    }
    *meaning = gfp_mode_meaning(i);
    return gfp_mode_name(i);
}

static const char *
engine_choice(unsigned i, const char **meaning)
{
    size_t n;
    const struct fwd_engine *const *engines = fwd_engine_list(&n);

    if (i >= n) {
        return NULL;
    }
    *meaning = engines[i]->help;
    return engines[i]->name;
}

#define STRINGIFY(X) #X
#define XSTRINGIFY(X) STRINGIFY(X)
#define FIELD(MEMBER) \
    .offset = offsetof(struct config, MEMBER), \
    .size = sizeof ((struct config *) 0)->MEMBER
#define UINT(MEMBER, MIN, MAX) \
    .type = CONFIG_UINT, .set = set_uint, FIELD(MEMBER), \
    .min = (MIN), .max = (MAX)
#define POW2(MEMBER, MIN, MAX) \
    .type = CONFIG_POW2, .set = set_uint, FIELD(MEMBER), \
    .min = (MIN), .max = (MAX)

/* Every setting, in the order of gfp-fwd --help. */
static const struct config_option options[] = {
    { "mode", 'm', NULL, "Packet I/O", "the packet I/O mode", "dpdk",
      .set = set_mode, .choices = mode_choice },
    { "dpdk-pkt-io", 0, "on|off", NULL, "on: mode dpdk, off: mode mmap",
      NULL, .set = set_dpdk_pkt_io, .file_only = true },
    { "ifaces", 'i', "IF[,IF]", NULL,
      "the kernel interfaces, for the modes whose ports they are; port N "
      "is the Nth", NULL,
      .set = set_ifaces },
    { "workers", 'w', "N", NULL, "worker threads of those modes",
      "one per queue", UINT(workers, 1, 64) },
    { "engine", 'e', "NAME", "Forwarding", "forwarding engine", "io",
      .set = set_engine, .choices = engine_choice },
    { "pairs", 'p', "P:Q[,P:Q]", NULL, "port pairs", "0:1, 2:3, ...",
      .set = set_pairs },
    { "queues", 'q', "N", NULL, "rx and tx queues per port", "1",
      UINT(queues, 1, CONFIG_MAX_QUEUES) },
    { "rxd", 0, "N", NULL, "receive descriptors per queue", "1024",
      POW2(rxd, 64, 4096) },
    { "txd", 0, "N", NULL, "transmit descriptors per queue", "1024",
      POW2(txd, 64, 4096) },
    { "burst", 0, "N", NULL, "packets per burst", "32",
      UINT(burst, 1, GFP_BURST_MAX) },
    { "tx-retries", 0, "N", NULL,
      "times a transmit burst is tried again, at once, for the frames the "
      "queue did not take, before they are dropped (drop_tx_full)", "0",
      UINT(tx_retries, 0, 64) },
    { "mtu", 0, "N", NULL, "MTU of every port", "1500",
      UINT(mtu, GFP_MTU_MIN, GFP_MTU_MAX) },
    { "mbuf-size", 0, "N", NULL, "mbuf data room in bytes", "2176",
      UINT(mbuf_size, 1024, 16384) },
    { "nb-mbuf", 0, "N", NULL, "mbufs per port's pool", "sized from queues",
      UINT(n_mbufs, 1024, 4 * 1024 * 1024) },
    { "virtio-defaults", 0, "on|off", NULL,
      "give a virtio-user --vdev the devargs of the fastest datapath "
      "(in_order, mrg_rxbuf, vectorized) it does not name",
      "on",
      .set = set_virtio_defaults },
    { "xdp-umem", 0, "pair|port", NULL,
      "mode xdp: one UMEM for the two ports of a pair, frames forwarded "
      "by descriptor without a copy (pair), or one per port, each frame "
      "copied (port)", "pair", .set = set_xdp_umem },
    { "xdp-rx-hold", 0, "US", NULL,
      "mode xdp: leave fewer frames than a burst in the receive ring for "
      "up to US microseconds, to forward them in fuller bursts (0: never)",
      "0", UINT(xdp_rx_hold, 0, 1000) },
    { "src-mac", 0, "P=MAC", NULL, "source MAC for port P (l2)",
      "P's own", .set = set_port_mac, FIELD(src_mac) },
    { "peer-mac", 0, "P=MAC", NULL,
      "destination MAC for frames out of port P (l2)", NULL,
      .set = set_port_mac, FIELD(peer_mac) },
    { "idle", 0, NULL, "Idle workers",
      "what a worker does when its queues are empty", "poll",
      .set = set_idle, .choices = idle_choice },
    { "idle-sleep-max", 0, "US", NULL,
      "longest sleep of --idle sleep, in microseconds",
      XSTRINGIFY(CONFIG_IDLE_SLEEP_MAX_DEFAULT),
      UINT(idle_sleep_max, 1, 10000) },
    { "ctl-socket", 0, "PATH", "Counters and control",
      "serve the control socket at PATH (stats, reset-stats, ports, mode, "
      "quit; see gfp-ctl)", NULL, .set = set_string, FIELD(ctl_socket) },
    { "ctl-group", 0, "GROUP", NULL,
      "let GROUP use the control socket too (mode 0660)", NULL,
      .set = set_ctl_group },
    { "ctl-idle-timeout", 0, "SECS", NULL,
      "close control connections idle that long",
      XSTRINGIFY(CTL_IDLE_TIMEOUT_S), UINT(ctl_idle_timeout, 1, 86400) },
    { "stats-period", 's', "SECS", NULL,
      "print rates every SECS seconds (0: never)", "0",
      UINT(stats_period, 0, 3600) },
    { "stats-file", 0, "PATH", NULL,
      "write the final counters as JSON to PATH", NULL,
      .set = set_string, FIELD(stats_file) },
};

const struct config_option *
config_options(size_t *n)
{
    *n = ARRAY_SIZE(options);
    return options;
}

const struct config_option *
config_option_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        if (!strcmp(options[i].name, name)) {
            return &options[i];
        }
    }
    return NULL;
}

/* Writes 'text' from column 'col' on, wrapped at the 79th with
 * continuation lines indented to 'indent'. */
static void
wrap(FILE *stream, const char *text, int col, int indent)
{
    for (bool first = true; *text; first = false) {
        size_t word = strcspn(text, " ");

        if (!first && col + 1 + (int) word > 79) {
            fprintf(stream, "\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', stream);
            col++;
        }
        fprintf(stream, "%.*s", (int) word, text);
        col += word;
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', stream);
}

void
config_option_usage(FILE *stream, const struct config_option *opt)
{
    enum { HELP_COL = 27 };
    char head[80], arg[64], help[256];
    const char *meaning, *choice;
    size_t choice_width;
    int len;

    if (!opt->arg && opt->choices) {
        size_t n = 0;

        arg[0] = '\0';
        for (unsigned i = 0; (choice = opt->choices(i, &meaning)); i++) {
            n += snprintf(arg + n, n < sizeof arg ? sizeof arg - n : 0,
                          "%s%s", i ? "|" : "", choice);
        }
    }
    len = snprintf(head, sizeof head, "  %c%c%s--%s%s%s",
                   opt->short_name ? '-' : ' ',
                   opt->short_name ? opt->short_name : ' ',
                   opt->short_name ? ", " : "  ", opt->name,
                   opt->arg || opt->choices ? "=" : "",
                   opt->arg ? opt->arg : opt->choices ? arg : "");
    fprintf(stream, "%s", head);
    if (len + 1 > HELP_COL) {
        fprintf(stream, "\n%*s", HELP_COL, "");
    } else {
        fprintf(stream, "%*s", HELP_COL - len, "");
    }
    len = snprintf(help, sizeof help, "%s", opt->help);
    if (opt->type != CONFIG_OTHER) {
        len += snprintf(help + len, sizeof help - len, ", %s%llu-%llu",
                        opt->type == CONFIG_POW2 ? "a power of two, " : "",
                        opt->min, opt->max);
    }
    if (opt->default_text) {
        snprintf(help + len, sizeof help - len, " (default: %s)",
                 opt->default_text);
    }
    wrap(stream, help, HELP_COL, HELP_COL);
    choice_width = 8;
    for (unsigned i = 0; opt->choices && (choice = opt->choices(i, &meaning));
         i++) {
        if (strlen(choice) > choice_width) {
            choice_width = strlen(choice);
        }
    }
    for (unsigned i = 0; opt->choices && (choice = opt->choices(i, &meaning));
         i++) {
        int col = HELP_COL + 2 + choice_width + 1;

        fprintf(stream, "%*s%-*s ", HELP_COL + 2, "", (int) choice_width,
                choice);
        wrap(stream, meaning, col, col);
    }
}

int
config_set(struct config *cfg, const char *key, const char *value,
           char err[CONFIG_ERR_LEN])
{
    const struct config_option *opt = config_option_find(key);

    return opt ? opt->set(cfg, opt, value, err)
               : set_err(err, -ENOENT, "unknown setting");
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
    if (!error && strlen(path) < sizeof cfg->config_file) {
        strcpy(cfg->config_file, path);
    }
    return error;
}

/* Whether 'line' sets the mode: its key is "mode" or "dpdk-pkt-io".
 * Writes which one to '*pkt_io'. */
static bool
sets_mode(const char *line, bool *pkt_io)
{
    const char *key = line + strspn(line, " \t");
    size_t n = strcspn(key, " \t=#");
    const char *rest = key + n + strspn(key + n, " \t");

    if (*rest != '=') {
        return false;
    }
    *pkt_io = n == strlen("dpdk-pkt-io") && !strncmp(key, "dpdk-pkt-io", n);
    return *pkt_io || (n == strlen("mode") && !strncmp(key, "mode", n));
}

/* The line that sets 'mode', in the style of a "dpdk-pkt-io" line where it
 * can say the mode. */
static void
mode_line(FILE *out, enum gfp_mode mode, bool pkt_io)
{
    if (pkt_io && (mode == GFP_MODE_DPDK || mode == GFP_MODE_MMAP)) {
        fprintf(out, "dpdk-pkt-io = %s\n", mode == GFP_MODE_DPDK ? "on"
                                                                 : "off");
    } else {
        fprintf(out, "mode = %s\n", gfp_mode_name(mode));
    }
}

int
config_persist_mode(const char *path, enum gfp_mode mode,
                    char err[CONFIG_ERR_LEN])
{
    char *line = NULL, *text = NULL;
    size_t size = 0, text_len = 0;
    bool done = false, newline = true, pkt_io;
    FILE *in, *out;
    ssize_t len;
    int error;

    in = fopen(path, "re");
    if (!in) {
        return set_err(err, -errno, "%s: cannot open: %s", path,
                       strerror(errno));
    }
    out = open_memstream(&text, &text_len);
    if (!out) {
        fclose(in);
        return set_err(err, -ENOMEM, "%s: out of memory", path);
    }
    while ((len = getline(&line, &size, in)) >= 0) {
        if (!sets_mode(line, &pkt_io)) {
            fputs(line, out);
            newline = line[len - 1] == '\n';
        } else if (!done) {
            mode_line(out, mode, pkt_io);
            done = true;
        }
    }
    error = ferror(in) ? -EIO : 0;
    if (!done) {
        if (!newline) {
            fputc('\n', out);
        }
        mode_line(out, mode, false);
    }
    free(line);
    fclose(in);
    if (fclose(out) && !error) {
        error = -ENOMEM;
    }
    if (!error) {
        error = write_file_replace(path, text, text_len);
    }
    free(text);
    return error ? set_err(err, error, "%s: cannot rewrite: %s", path,
                           strerror(-error))
                 : 0;
}

int
config_check_mode(const struct config *cfg, enum gfp_mode mode,
                  char err[CONFIG_ERR_LEN])
{
    if (gfp_mode_ports(mode) == GFP_MODE_PORTS_IFACES && !cfg->n_ifaces) {
        return set_err(err, -EINVAL, "mode %s needs the kernel interfaces "
                       "to forward between (ifaces)", gfp_mode_name(mode));
    }
    return 0;
}

int
config_validate(const struct config *cfg, char err[CONFIG_ERR_LEN])
{
    int error;

    if ((cfg->ctl_group[0] || cfg->ctl_idle_timeout) && !cfg->ctl_socket[0]) {
        return set_err(err, -EINVAL, "ctl-group and ctl-idle-timeout "
                       "belong to the control socket, which needs "
                       "ctl-socket");
    }
    if (cfg->idle_sleep_max && cfg->idle != CONFIG_IDLE_SLEEP) {
        return set_err(err, -EINVAL, "idle-sleep-max applies to idle "
                       "sleep only, and idle is %s", config_idle_name(cfg->idle));
    }
    if (cfg->xdp_rx_hold && cfg->idle != CONFIG_IDLE_POLL) {
        /* An idle worker would wake for the held frames at once, or sleep
         * past the hold. */
        return set_err(err, -EINVAL, "xdp-rx-hold needs idle poll, and idle "
                       "is %s", config_idle_name(cfg->idle));
    }
    error = config_check_mode(cfg, cfg->mode, err);
    if (error) {
        return error;
    }
    if (gfp_mode_ports(cfg->mode) == GFP_MODE_PORTS_EAL
        && (cfg->n_ifaces || cfg->workers) && !cfg->ctl_socket[0]) {
        char ifaces_modes[GFP_MODE_CHOICES_LEN];
        const char *mode = gfp_mode_name(cfg->mode);

        gfp_mode_choices_for(GFP_MODE_PORTS_IFACES, ifaces_modes);
        return set_err(err, -EINVAL, "ifaces and workers belong to mode %s; "
                       "in mode %s the EAL gives the devices and lcores "
                       "(they are kept for a live switch to %s, which needs "
                       "ctl-socket)", ifaces_modes, mode, ifaces_modes);
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
