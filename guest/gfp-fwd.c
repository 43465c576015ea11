/* gfp-fwd: the guest forwarder.
 *
 *     gfp-fwd [EAL options] -- [gfp-fwd options]
 *
 * Every gfp-fwd option is checked before the EAL starts, so a bad one costs
 * nothing and starts nothing. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "gfp-config.h"
#include "dataplane.h"
#include "fwd-eal.h"
#include "fwd-engine.h"
#include "fwd-telemetry.h"
#include "cycles.h"
#include "log.h"
#include "vhost-sock.h"

LOG_MODULE(gfp_fwd);

#define EXIT_USAGE 2

static volatile sig_atomic_t exit_signal;

static void
on_signal(int sig)
{
    exit_signal = sig;
}

static void
usage(void)
{
    size_t n;
    const struct fwd_engine *const *engines = fwd_engine_list(&n);

    printf("gfp-fwd: the gfp guest forwarder\n"
           "usage: gfp-fwd [EAL options] -- [options]\n"
           "       gfp-fwd -- --mode mmap --ifaces IF,IF[,...] [options]\n"
           "\n"
           "Packet I/O:\n"
           "  -m, --mode=dpdk|mmap     DPDK ethdevs given to the EAL "
           "(default), or\n"
           "                           kernel interfaces through "
           "PacketMMAP rings (no EAL)\n"
           "  -i, --ifaces=IF[,IF]     mmap: the interfaces; port N is the "
           "Nth\n"
           "  -w, --workers=N          mmap: worker threads, 1-64 "
           "(default: one per queue)\n"
           "Forwarding:\n"
           "  -e, --engine=NAME        forwarding engine (default: io)\n");
    for (size_t i = 0; i < n; i++) {
        printf("                             %-8s %s\n", engines[i]->name,
               engines[i]->help);
    }
    printf("  -p, --pairs=P:Q[,P:Q]    port pairs (default: 0:1, 2:3, ...)\n"
           "  -q, --queues=N           rx and tx queues per port, 1-16 "
           "(default: 1)\n"
           "      --rxd=N, --txd=N     descriptors per queue, a power of "
           "two, 64-4096\n"
           "                           (default: 1024)\n"
           "      --burst=N            packets per burst, 1-64 (default: "
           "32)\n"
           "      --mtu=N              MTU of every port, 68-9000 "
           "(default: 1500)\n"
           "      --mbuf-size=N        mbuf data room in bytes (default: "
           "2176)\n"
           "      --nb-mbuf=N          mbufs per port's pool (default: "
           "sized from queues)\n"
           "      --src-mac=P=MAC      source MAC for port P (l2; "
           "default: P's own)\n"
           "      --peer-mac=P=MAC     destination MAC for frames out of "
           "port P (l2)\n"
           "Counters and control:\n"
           "      --ctl-socket=PATH    serve the control socket at PATH "
           "(stats,\n"
           "                           reset-stats, ports, mode dpdk|mmap, "
           "quit; see gfp-ctl)\n"
           "      --ctl-group=GROUP    let GROUP use the control socket too "
           "(mode 0660)\n"
           "      --ctl-idle-timeout=SECS  close control connections idle "
           "that long,\n"
           "                           1-86400 (default: %d)\n"
           "  -s, --stats-period=SECS  print rates every SECS seconds "
           "(0: never)\n"
           "      --stats-file=PATH    write the final counters as JSON "
           "to PATH\n"
           "  -c, --config=FILE        read settings from FILE "
           "(key = value)\n"
           "      --log-level=LEVEL    err, warn, info or dbg (default: "
           "info)\n"
           "  -h, --help               this help\n"
           "  -V, --version            print the version\n"
           "\n"
           "Command-line options override the config file.  See "
           "gfp-fwd(8).\n", CTL_IDLE_TIMEOUT_S);
}

enum {
    OPT_RXD = 256, OPT_TXD, OPT_BURST, OPT_MTU, OPT_MBUF_SIZE, OPT_NB_MBUF,
    OPT_STATS_FILE, OPT_SRC_MAC, OPT_PEER_MAC, OPT_LOG_LEVEL, OPT_CTL_SOCKET,
    OPT_CTL_GROUP, OPT_CTL_IDLE_TIMEOUT,
};

static const struct option long_options[] = {
    { "mode", required_argument, NULL, 'm' },
    { "ifaces", required_argument, NULL, 'i' },
    { "workers", required_argument, NULL, 'w' },
    { "engine", required_argument, NULL, 'e' },
    { "pairs", required_argument, NULL, 'p' },
    { "queues", required_argument, NULL, 'q' },
    { "rxd", required_argument, NULL, OPT_RXD },
    { "txd", required_argument, NULL, OPT_TXD },
    { "burst", required_argument, NULL, OPT_BURST },
    { "mtu", required_argument, NULL, OPT_MTU },
    { "mbuf-size", required_argument, NULL, OPT_MBUF_SIZE },
    { "nb-mbuf", required_argument, NULL, OPT_NB_MBUF },
    { "stats-period", required_argument, NULL, 's' },
    { "stats-file", required_argument, NULL, OPT_STATS_FILE },
    { "ctl-socket", required_argument, NULL, OPT_CTL_SOCKET },
    { "ctl-group", required_argument, NULL, OPT_CTL_GROUP },
    { "ctl-idle-timeout", required_argument, NULL, OPT_CTL_IDLE_TIMEOUT },
    { "src-mac", required_argument, NULL, OPT_SRC_MAC },
    { "peer-mac", required_argument, NULL, OPT_PEER_MAC },
    { "config", required_argument, NULL, 'c' },
    { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};
static const char short_options[] = "+:m:i:w:e:p:q:s:c:hV";

static void __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "gfp-fwd: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, " (see gfp-fwd --help)\n");
    exit(EXIT_USAGE);
}

/* Parses gfp-fwd's own options into 'cfg'; exits on error or on --help. */
static void
parse_options(int argc, char *argv[], struct config *cfg)
{
    char err[CONFIG_ERR_LEN];
    int opt;

    /* The config file first, so that the command line overrides it. */
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, short_options, long_options,
                              NULL)) != -1) {
        if (opt == 'c' && config_load_file(cfg, optarg, err)) {
            fprintf(stderr, "gfp-fwd: %s\n", err);
            exit(EXIT_USAGE);
        }
    }

    optind = 1;
    while ((opt = getopt_long(argc, argv, short_options, long_options,
                              NULL)) != -1) {
        const char *key = NULL;
        enum log_level level;

        switch (opt) {
        case 'm': key = "mode"; break;
        case 'i': key = "ifaces"; break;
        case 'w': key = "workers"; break;
        case 'e': key = "engine"; break;
        case 'p': key = "pairs"; break;
        case 'q': key = "queues"; break;
        case 's': key = "stats-period"; break;
        case OPT_RXD: key = "rxd"; break;
        case OPT_TXD: key = "txd"; break;
        case OPT_BURST: key = "burst"; break;
        case OPT_MTU: key = "mtu"; break;
        case OPT_MBUF_SIZE: key = "mbuf-size"; break;
        case OPT_NB_MBUF: key = "nb-mbuf"; break;
        case OPT_STATS_FILE: key = "stats-file"; break;
        case OPT_CTL_SOCKET: key = "ctl-socket"; break;
        case OPT_CTL_GROUP: key = "ctl-group"; break;
        case OPT_CTL_IDLE_TIMEOUT: key = "ctl-idle-timeout"; break;
        case OPT_SRC_MAC: key = "src-mac"; break;
        case OPT_PEER_MAC: key = "peer-mac"; break;
        case 'c':
            break;
        case OPT_LOG_LEVEL:
            if (log_parse_level(optarg, &level)) {
                usage_error("invalid value '%s' for --log-level: expected "
                            "err, warn, info or dbg", optarg);
            }
            log_set_level(level);
            break;
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        case 'V':
            printf("gfp-fwd (gfp) %s\n", PACKAGE_VERSION);
            exit(EXIT_SUCCESS);
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
            break;
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
        if (key && config_set(cfg, key, optarg, err)) {
            fprintf(stderr, "gfp-fwd: --%s: %s\n", key, err);
            exit(EXIT_USAGE);
        }
    }
    if (optind < argc) {
        usage_error("unexpected argument '%s'", argv[optind]);
    }
    if (config_validate(cfg, err)) {
        fprintf(stderr, "gfp-fwd: %s\n", err);
        exit(EXIT_USAGE);
    }
}

static int
write_stats(const char *path, json_t *stats)
{
    char *text = json_dumps(stats, JSON_INDENT(2) | JSON_SORT_KEYS);
    int error;

    if (!text) {
        LOG_ERR("cannot write counters to %s: out of memory", path);
        return -ENOMEM;
    }
    error = write_file_replace(path, text, strlen(text));
    free(text);
    if (error) {
        LOG_ERR("cannot write counters to %s: %s", path, strerror(-error));
    }
    return error;
}

/* --ctl-group: a group name or number. */
static int
resolve_group(const char *name, gid_t *gid, char err[CTL_ERR_LEN])
{
    unsigned long long v;
    struct group *gr;

    if (!parse_uint(name, 0, UINT32_MAX - 1, &v)) {
        *gid = v;
        return 0;
    }
    errno = 0;
    gr = getgrnam(name);
    if (!gr) {
        snprintf(err, CTL_ERR_LEN, "ctl-group: no group named '%s'%s%s",
                 name, errno ? ": " : "", errno ? strerror(errno) : "");
        return -ENOENT;
    }
    *gid = gr->gr_gid;
    return 0;
}

/* Everything the control socket's commands act on. */
struct fwd_ctx {
    struct config *cfg;
    int eal_argc;
    char **argv;
    enum { EAL_DOWN, EAL_UP, EAL_FAILED } eal;
    char eal_error[128];
    struct dp_counters *counters;
    struct dataplane *dp;           /* The running one. */
    struct dataplane *parked;       /* DPDK mode's, stopped (see below). */
    unsigned switches;
    double last_gap_ms;
    bool quit;
    int status;
};

static int
start_eal(struct fwd_ctx *ctx, char err[CONFIG_ERR_LEN])
{
    int ret;

    if (ctx->eal == EAL_UP) {
        return 0;
    } else if (ctx->eal == EAL_FAILED) {
        snprintf(err, CONFIG_ERR_LEN, "the DPDK EAL failed to start "
                 "earlier (%.100s) and starts at most once per process: "
                 "restart gfp-fwd to retry", ctx->eal_error);
        return -EALREADY;
    } else if (!fwd_eal_available()) {
        snprintf(err, CONFIG_ERR_LEN, "built without DPDK: only mode mmap "
                 "works (rebuild without --without-dpdk for DPDK mode)");
        return -ENOTSUP;
    }
    /* The EAL prints its usage on stdout when it rejects an option; keep
     * stdout for the counters gfp-fwd prints at exit. */
    fflush(stdout);
    {
        int saved = dup(STDOUT_FILENO);

        if (saved >= 0) {
            dup2(STDERR_FILENO, STDOUT_FILENO);
        }
        ret = fwd_eal_start(ctx->eal_argc, ctx->argv);
        fflush(stdout);
        if (saved >= 0) {
            dup2(saved, STDOUT_FILENO);
            close(saved);
        }
    }
    if (ret) {
        snprintf(ctx->eal_error, sizeof ctx->eal_error, "%s",
                 ret == -EINVAL ? "it rejected its options"
                                : fwd_eal_strerror(ret));
        snprintf(err, CONFIG_ERR_LEN, "cannot start the DPDK EAL: %.100s "
                 "(see the EAL's message in the log)", ctx->eal_error);
        ctx->eal = EAL_FAILED;
        return ret;
    }
    ctx->eal = EAL_UP;
    fwd_telemetry_register();
    return 0;
}

/* A data plane in 'mode', running.  DPDK mode's is kept (parked) when the
 * mode switches away: DPDK cannot open a port again once it is closed, so
 * its ports are stopped, not closed.  PacketMMAP mode's sockets are closed,
 * since an open one would take in a copy of every frame. */
static int
bring_up(struct fwd_ctx *ctx, enum gfp_mode mode, char err[CONFIG_ERR_LEN])
{
    struct dataplane *dp = NULL;
    int error;

    if (mode == GFP_MODE_DPDK && ctx->parked) {
        dp = ctx->parked;
        ctx->parked = NULL;
    } else {
        error = dataplane_create(ctx->cfg, mode, ctx->counters, &dp, err);
        if (error) {
            return error;
        }
    }
    error = dataplane_start(dp);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "cannot start forwarding in mode "
                 "%s: %s", gfp_mode_name(mode), strerror(-error));
        if (mode == GFP_MODE_DPDK) {
            ctx->parked = dp;       /* A closed ethdev cannot come back. */
        } else {
            dataplane_destroy(dp);
        }
        return error;
    }
    ctx->dp = dp;
    return 0;
}

/* Returns when the ports stopped taking in frames (TSC). */
static uint64_t
take_down(struct fwd_ctx *ctx, bool drain)
{
    uint64_t intake_end;

    dataplane_stop(ctx->dp, drain, 50, &intake_end);
    if (dataplane_mode(ctx->dp) == GFP_MODE_DPDK) {
        dataplane_park(ctx->dp);
        ctx->parked = ctx->dp;
    } else {
        dataplane_destroy(ctx->dp);
    }
    ctx->dp = NULL;
    return intake_end;
}

/* The live mode switch.  Everything that can fail without touching the
 * running data plane is tried first (the EAL, the ports the new mode
 * would use); then the running one stops at a burst boundary, drains and
 * closes, and the new one starts over the same counters.  If it cannot,
 * the old mode comes back. */
static int
switch_mode(struct fwd_ctx *ctx, enum gfp_mode to, char err[CONFIG_ERR_LEN])
{
    enum gfp_mode from = dataplane_mode(ctx->dp);
    uint64_t t0;
    int error;

    if (to == from) {
        return 0;
    }
    if (to == GFP_MODE_DPDK) {
        error = start_eal(ctx, err);
        if (error) {
            return error;
        }
    }
    error = dataplane_check(ctx->cfg, to, err);
    if (error) {
        return error;
    }

    /* DPDK ports take in nothing until they start: configure them (the
     * slow part, pools and rings) while the old mode still forwards.
     * PacketMMAP sockets take in frames as soon as they open, so those
     * open only once the old ports are closed. */
    if (to == GFP_MODE_DPDK && !ctx->parked) {
        error = dataplane_create(ctx->cfg, to, ctx->counters, &ctx->parked,
                                 err);
        if (error) {
            return error;
        }
    }

    LOG_INFO("switching from mode %s to mode %s", gfp_mode_name(from),
             gfp_mode_name(to));
    /* Telemetry waits while the data plane it reads changes. */
    fwd_telemetry_lock();
    t0 = take_down(ctx, true);
    error = bring_up(ctx, to, err);
    if (error) {
        char err2[CONFIG_ERR_LEN];

        LOG_ERR("mode %s: %s; going back to mode %s", gfp_mode_name(to),
                err, gfp_mode_name(from));
        if (bring_up(ctx, from, err2)) {
            LOG_ERR("mode %s does not come back either: %s; stopping",
                    gfp_mode_name(from), err2);
            ctx->quit = true;
            ctx->status = EXIT_FAILURE;
        }
        fwd_telemetry_publish(ctx->dp, ctx->switches);
        fwd_telemetry_unlock();
        return error;
    }
    ctx->switches++;
    fwd_telemetry_publish(ctx->dp, ctx->switches);
    fwd_telemetry_unlock();
    ctx->last_gap_ms = (double) (cycles_now() - t0) * 1000 / cycles_hz();
    LOG_INFO("now in mode %s; no port took in frames for %.1f ms",
             gfp_mode_name(to), ctx->last_gap_ms);
    return 0;
}

/* Under the telemetry lock: reading a PacketMMAP port's kernel counters
 * clears them, so two threads must not read at once. */
static json_t *
stats_json(struct fwd_ctx *ctx)
{
    json_t *stats;

    fwd_telemetry_lock();
    stats = dataplane_stats_json(ctx->dp);
    fwd_telemetry_unlock();

    json_object_set_new(stats, "mode_switches",
                        json_integer(ctx->switches));
    return stats;
}

/* After a failed switch whose old mode did not come back either, there is
 * no data plane until gfp-fwd exits. */
static bool
no_dataplane(const struct fwd_ctx *ctx, char err[CTL_ERR_LEN])
{
    if (!ctx->dp) {
        snprintf(err, CTL_ERR_LEN, "not forwarding: a mode switch failed "
                 "and gfp-fwd is stopping");
        return true;
    }
    return false;
}

static json_t *
cmd_stats(void *ctx_, unsigned argc, const char *argv[],
          char err[CTL_ERR_LEN])
{
    return no_dataplane(ctx_, err) ? NULL : stats_json(ctx_);
}

static json_t *
cmd_reset_stats(void *ctx_, unsigned argc, const char *argv[],
                char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;

    if (no_dataplane(ctx, err)) {
        return NULL;
    }
    fwd_telemetry_lock();
    dataplane_reset_stats(ctx->dp);
    fwd_telemetry_unlock();
    LOG_INFO("counters reset");
    return json_null();
}

static json_t *
cmd_ports(void *ctx_, unsigned argc, const char *argv[],
          char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;

    if (no_dataplane(ctx, err)) {
        return NULL;
    }
    return json_pack("{s:s, s:o}", "mode",
                     gfp_mode_name(dataplane_mode(ctx->dp)), "ports",
                     dataplane_ports_json(ctx->dp));
}

static json_t *
cmd_mode(void *ctx_, unsigned argc, const char *argv[],
         char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;
    enum gfp_mode to;
    char echo[40];

    if (no_dataplane(ctx, err)) {
        return NULL;
    }
    if (argc) {
        if (gfp_mode_from_name(argv[0], &to)) {
            char choices[GFP_MODE_CHOICES_LEN];

            snprintf(err, CTL_ERR_LEN, "invalid mode '%s': expected %s",
                     ctl_sanitize(argv[0], echo, sizeof echo),
                     gfp_mode_choices(choices));
            return NULL;
        }
        if (switch_mode(ctx, to, err)) {
            return NULL;
        }
    }
    return json_pack("{s:s, s:i, s:f}", "mode",
                     gfp_mode_name(dataplane_mode(ctx->dp)),
                     "switches", (int) ctx->switches,
                     "last_switch_gap_ms", ctx->last_gap_ms);
}

static json_t *
cmd_quit(void *ctx_, unsigned argc, const char *argv[],
         char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;

    ctx->quit = true;
    LOG_INFO("quit requested on the control socket");
    return json_null();
}

static json_t *
cmd_version(void *ctx_, unsigned argc, const char *argv[],
            char err[CTL_ERR_LEN])
{
    return json_pack("{s:s, s:s}", "program", "gfp-fwd", "version",
                     PACKAGE_VERSION);
}

static const struct ctl_command commands[] = {
    { "stats", "", "all counters, as gfp-fwd prints them at exit", 0, 0,
      cmd_stats },
    { "reset-stats", "", "count from zero again", 0, 0, cmd_reset_stats },
    { "ports", "", "the ports of the current mode", 0, 0, cmd_ports },
    { "mode", "[dpdk|mmap]", "show the packet I/O mode, or switch it live",
      0, 1, cmd_mode },
    { "quit", "", "stop forwarding and exit, as on SIGTERM", 0, 0,
      cmd_quit },
    { "version", "", "gfp-fwd's version", 0, 0, cmd_version },
};

int
main(int argc, char *argv[])
{
    struct ctl_server *ctl = NULL;
    char err[CONFIG_ERR_LEN];
    struct config cfg;
    struct fwd_ctx ctx = { .eal = EAL_DOWN };
    int eal_argc, ret, status = EXIT_SUCCESS;
    time_t next_print;

    /* Split at "--": EAL options before, ours after. */
    eal_argc = argc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            eal_argc = i;
            break;
        }
    }
    ctx.eal_argc = eal_argc;
    for (int i = 1; i < eal_argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage();
            return EXIT_SUCCESS;
        } else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
            printf("gfp-fwd (gfp) %s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        }
    }

    config_init(&cfg);
    ctx.cfg = &cfg;
    ctx.argv = argv;
    {
        char **app_argv = &argv[eal_argc];
        int app_argc = argc - eal_argc;

        /* getopt wants argv[0]; the "--" stands in for it. */
        if (app_argc > 0) {
            parse_options(app_argc, app_argv, &cfg);
        }
    }

    if (cfg.mode == GFP_MODE_MMAP && eal_argc > 1 && !cfg.ctl_socket[0]) {
        fprintf(stderr, "gfp-fwd: '%s': mode mmap starts no EAL, so it "
                "takes EAL options only for a later switch to mode dpdk, "
                "which needs --ctl-socket\n", argv[1]);
        return EXIT_USAGE;
    }
    /* A socket a live guest listens on is a usage error; a dead guest's
     * is cleared. */
    if (vhost_sock_prepare(eal_argc, argv, err, sizeof err)) {
        fprintf(stderr, "gfp-fwd: %s\n", err);
        return EXIT_USAGE;
    }

    /* Before the EAL: a signal during set-up still ends in a clean stop.
     * SIGHUP (the terminal went away) stops as SIGTERM does, with the
     * counters written and the socket removed, unless it was ignored when
     * gfp-fwd started (nohup); a reader that went away (SIGPIPE) is an
     * error on that write, not the end of forwarding. */
    {
        struct sigaction sa = { .sa_handler = on_signal }, old;

        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        if (!sigaction(SIGHUP, NULL, &old) && old.sa_handler != SIG_IGN) {
            sigaction(SIGHUP, &sa, NULL);
        }
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
    if (cfg.mode == GFP_MODE_DPDK && !fwd_eal_available()) {
        fprintf(stderr, "gfp-fwd: built without DPDK: only --mode mmap "
                "works (rebuild without --without-dpdk for DPDK mode)\n");
        return EXIT_USAGE;
    }
    /* The TSC calibration sleeps: do it now, not in the first drain. */
    cycles_hz();
    ctx.counters = dp_counters_create(cfg.queues);
    if (!ctx.counters) {
        fprintf(stderr, "gfp-fwd: out of memory\n");
        return EXIT_FAILURE;
    }
    if (cfg.ctl_socket[0]) {
        char cerr[CTL_ERR_LEN];
        gid_t group = 0;

        if ((cfg.ctl_group[0] && resolve_group(cfg.ctl_group, &group, cerr))
            || ctl_server_create(cfg.ctl_socket, commands,
                                 ARRAY_SIZE(commands), &ctx, &ctl, cerr)
            || (cfg.ctl_group[0]
                && ctl_server_set_group(ctl, group, cerr))) {
            ctl_server_destroy(ctl);
            fprintf(stderr, "gfp-fwd: %s\n", cerr);
            dp_counters_destroy(ctx.counters);
            return EXIT_USAGE;
        }
        ctl_server_set_idle_timeout(ctl, cfg.ctl_idle_timeout);
    }

    if (cfg.mode == GFP_MODE_DPDK) {
        ret = fwd_eal_start(eal_argc, argv);
        if (ret == -EINVAL) {
            fprintf(stderr, "gfp-fwd: the EAL rejected its options (see its "
                    "message above); gfp-fwd's own options go after '--'\n");
            status = EXIT_USAGE;
            goto out;
        } else if (ret < 0) {
            fprintf(stderr, "gfp-fwd: cannot start the DPDK EAL: %s (are "
                    "hugepages reserved and hugetlbfs mounted?  Run "
                    "utilities/gfp-setup, or pass --no-huge for a test)\n",
                    fwd_eal_strerror(ret));
            status = EXIT_FAILURE;
            goto out;
        }
        ctx.eal = EAL_UP;
        fwd_telemetry_register();
    }

    ret = dataplane_create(&cfg, cfg.mode, ctx.counters, &ctx.dp, err);
    if (ret) {
        fprintf(stderr, "gfp-fwd: %s\n", err[0] ? err : strerror(-ret));
        status = ret == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
        goto out;
    }
    ret = dataplane_start(ctx.dp);
    if (ret) {
        fprintf(stderr, "gfp-fwd: cannot start forwarding: %s\n",
                strerror(-ret));
        status = EXIT_FAILURE;
        goto out;
    }
    fwd_telemetry_lock();
    fwd_telemetry_publish(ctx.dp, 0);
    fwd_telemetry_unlock();
    LOG_INFO("forwarding; mode %s; stop with SIGINT or SIGTERM%s%s",
             gfp_mode_name(cfg.mode),
             ctl ? ", or quit on the control socket " : "",
             ctl ? cfg.ctl_socket : "");

    next_print = time(NULL) + cfg.stats_period;
    while (!exit_signal && !ctx.quit) {
        if (ctl) {
            ctl_server_run(ctl, 50);
        } else {
            struct timespec pause = { 0, 50 * 1000 * 1000 };

            nanosleep(&pause, NULL);
        }
        if (cfg.stats_period && time(NULL) >= next_print) {
            fwd_telemetry_lock();
            dataplane_print_rates(ctx.dp);
            fwd_telemetry_unlock();
            next_print += cfg.stats_period;
        }
    }
    /* From here on, the data plane is this thread's alone. */
    fwd_telemetry_lock();
    fwd_telemetry_publish(NULL, ctx.switches);
    fwd_telemetry_unlock();
    if (exit_signal) {
        LOG_INFO("signal %d: stopping", (int) exit_signal);
    }
    if (ctx.dp) {
        json_t *stats;

        dataplane_stop(ctx.dp, true, 50, NULL);
        stats = stats_json(&ctx);
        if (cfg.stats_file[0]) {
            if (write_stats(cfg.stats_file, stats)) {
                status = EXIT_FAILURE;
            }
        } else {
            json_dumpf(stats, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
            putchar('\n');
            if (fflush(stdout) || ferror(stdout)) {
                LOG_ERR("cannot write the counters to standard output: %s",
                        strerror(errno));
                status = EXIT_FAILURE;
            }
        }
        json_decref(stats);
    }
    if (ctx.status) {
        status = ctx.status;
    }

out:
    ctl_server_destroy(ctl);
    dataplane_destroy(ctx.dp);
    dataplane_destroy(ctx.parked);
    dp_counters_destroy(ctx.counters);
    if (ctx.eal == EAL_UP) {
        fwd_eal_stop();
    }
    return status;
}
