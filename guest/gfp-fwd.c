/* gfp-fwd: the guest forwarder.
 *
 *     gfp-fwd [EAL options] -- [gfp-fwd options]
 *
 * Every gfp-fwd option is checked before the EAL starts, so a bad one costs
 * nothing and starts nothing. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gfp-config.h"
#include "dataplane.h"
#include "fwd-eal.h"
#include "fwd-engine.h"
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
           "gfp-fwd(8).\n");
}

enum {
    OPT_RXD = 256, OPT_TXD, OPT_BURST, OPT_MTU, OPT_MBUF_SIZE, OPT_NB_MBUF,
    OPT_STATS_FILE, OPT_SRC_MAC, OPT_PEER_MAC, OPT_LOG_LEVEL,
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
    char tmp[300];

    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (json_dump_file(stats, tmp, JSON_INDENT(2) | JSON_SORT_KEYS)) {
        LOG_ERR("cannot write counters to %s", tmp);
        unlink(tmp);
        return -EIO;
    }
    if (rename(tmp, path)) {
        int error = errno;

        LOG_ERR("cannot rename %s to %s: %s", tmp, path, strerror(error));
        unlink(tmp);
        return -error;
    }
    return 0;
}

static void
eal_cleanup(const struct config *cfg)
{
    if (cfg->mode == CONFIG_MODE_DPDK) {
        fwd_eal_stop();
    }
}

int
main(int argc, char *argv[])
{
    struct dataplane *dp = NULL;
    char err[CONFIG_ERR_LEN];
    struct config cfg;
    int eal_argc, ret, status = EXIT_SUCCESS;
    json_t *stats;
    time_t next_print;

    /* Split at "--": EAL options before, ours after. */
    eal_argc = argc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            eal_argc = i;
            break;
        }
    }
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
    {
        char **app_argv = &argv[eal_argc];
        int app_argc = argc - eal_argc;

        /* getopt wants argv[0]; the "--" stands in for it. */
        if (app_argc > 0) {
            parse_options(app_argc, app_argv, &cfg);
        }
    }

    if (cfg.mode == CONFIG_MODE_MMAP && eal_argc > 1) {
        fprintf(stderr, "gfp-fwd: '%s': mode mmap starts no EAL, so it "
                "takes no EAL options\n", argv[1]);
        return EXIT_USAGE;
    }
    /* A socket a live guest listens on is a usage error; a dead guest's
     * is cleared. */
    if (vhost_sock_prepare(eal_argc, argv, err, sizeof err)) {
        fprintf(stderr, "gfp-fwd: %s\n", err);
        return EXIT_USAGE;
    }

    /* Before the EAL: a signal during set-up still ends in a clean stop. */
    {
        struct sigaction sa = { .sa_handler = on_signal };

        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    if (cfg.mode == CONFIG_MODE_DPDK && !fwd_eal_available()) {
        fprintf(stderr, "gfp-fwd: built without DPDK: only --mode mmap "
                "works (rebuild without --without-dpdk for DPDK mode)\n");
        return EXIT_USAGE;
    }
    ret = cfg.mode == CONFIG_MODE_DPDK ? fwd_eal_start(eal_argc, argv) : 0;
    if (ret == -EINVAL) {
        fprintf(stderr, "gfp-fwd: the EAL rejected its options (see its "
                "message above); gfp-fwd's own options go after '--'\n");
        return EXIT_USAGE;
    } else if (ret < 0) {
        fprintf(stderr, "gfp-fwd: cannot start the DPDK EAL: %s (are "
                "hugepages reserved and hugetlbfs mounted?  Run "
                "utilities/gfp-setup, or pass --no-huge for a test)\n",
                fwd_eal_strerror(ret));
        return EXIT_FAILURE;
    }

    ret = dataplane_create(&cfg, &dp, err);
    if (ret) {
        fprintf(stderr, "gfp-fwd: %s\n", err[0] ? err : strerror(-ret));
        eal_cleanup(&cfg);
        return ret == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
    }

    ret = dataplane_start(dp);
    if (ret) {
        fprintf(stderr, "gfp-fwd: cannot start forwarding: %s\n",
                strerror(-ret));
        dataplane_destroy(dp);
        eal_cleanup(&cfg);
        return EXIT_FAILURE;
    }
    LOG_INFO("forwarding; stop with SIGINT or SIGTERM");

    next_print = time(NULL) + cfg.stats_period;
    while (!exit_signal) {
        struct timespec pause = { 0, 50 * 1000 * 1000 };

        nanosleep(&pause, NULL);
        if (cfg.stats_period && time(NULL) >= next_print) {
            dataplane_print_rates(dp);
            next_print += cfg.stats_period;
        }
    }
    LOG_INFO("signal %d: stopping", (int) exit_signal);

    dataplane_stop(dp);
    stats = dataplane_stats_json(dp);
    if (cfg.stats_file[0]) {
        if (write_stats(cfg.stats_file, stats)) {
            status = EXIT_FAILURE;
        }
    } else {
        json_dumpf(stats, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    }
    json_decref(stats);
    dataplane_destroy(dp);
    eal_cleanup(&cfg);
    return status;
}
