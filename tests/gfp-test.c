/* gfp-test: one driver for the unit tests, in the manner of ovstest.
 *
 *     gfp-test COMMAND [ARGS...]
 *
 * Each command is registered in 'commands' below and prints what the
 * autotest file compares. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfp-config.h"
#include "gfp-test.h"
#include "util.h"

/* config KEY=VALUE... : applies each setting, then prints the result. */
static int
test_config(int argc, char *argv[])
{
    char err[CONFIG_ERR_LEN];
    struct config cfg;

    config_init(&cfg);
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        int error;

        if (!eq) {
            fprintf(stderr, "bad argument %s\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        if (!strcmp(argv[i], "file")) {
            error = config_load_file(&cfg, eq + 1, err);
        } else {
            error = config_set(&cfg, argv[i], eq + 1, err);
        }
        if (error) {
            printf("error: %s: %s\n", argv[i], err);
            return 1;
        }
    }
    if (config_validate(&cfg, err)) {
        printf("error: %s\n", err);
        return 1;
    }
    if (gfp_mode_ports(cfg.mode) == GFP_MODE_PORTS_IFACES) {
        printf("mode=%s ifaces=", gfp_mode_name(cfg.mode));
        for (unsigned i = 0; i < cfg.n_ifaces; i++) {
            printf("%s%s", i ? "," : "", cfg.ifaces[i]);
        }
        printf(" workers=%u\n", cfg.workers);
    }
    printf("engine=%s queues=%u rxd=%u txd=%u burst=%u mtu=%u "
           "mbuf-size=%u nb-mbuf=%u stats-period=%u stats-file=%s\n",
           cfg.engine, cfg.queues, cfg.rxd, cfg.txd, cfg.burst, cfg.mtu,
           cfg.mbuf_size, cfg.n_mbufs, cfg.stats_period, cfg.stats_file);
    printf("pairs=");
    for (unsigned i = 0; i < cfg.n_pairs; i++) {
        printf("%s%u:%u", i ? "," : "", cfg.pairs[i][0], cfg.pairs[i][1]);
    }
    printf("\n");
    for (int p = 0; p < CONFIG_MAX_PORTS; p++) {
        char mac[18];

        if (cfg.src_mac[p].set) {
            format_mac(cfg.src_mac[p].mac, mac);
            printf("src-mac %d=%s\n", p, mac);
        }
        if (cfg.peer_mac[p].set) {
            format_mac(cfg.peer_mac[p].mac, mac);
            printf("peer-mac %d=%s\n", p, mac);
        }
    }
    return 0;
}

/* config-options: the settings table, one line each: NAME TYPE MIN MAX
 * WHERE (TYPE: uint, pow2 or other; WHERE: cli, or file for a config file
 * key with no command-line option). */
static int
test_config_options(int argc, char *argv[])
{
    static const char *const types[] = {
        [CONFIG_OTHER] = "other", [CONFIG_UINT] = "uint",
        [CONFIG_POW2] = "pow2",
    };
    const struct config_option *opts;
    size_t n;

    opts = config_options(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%s %s %llu %llu %s\n", opts[i].name, types[opts[i].type],
               opts[i].min, opts[i].max, opts[i].file_only ? "file" : "cli");
    }
    return 0;
}

/* parse-uint VALUE MIN MAX, parse-mac VALUE */
static int
test_parse(int argc, char *argv[])
{
    unsigned long long v, min, max;
    uint8_t mac[GFP_ETH_ALEN];
    char text[18];
    int error;

    if (argc == 3) {
        min = strtoull(argv[1], NULL, 10);
        max = strtoull(argv[2], NULL, 10);
        error = parse_uint(argv[0], min, max, &v);
        if (error) {
            printf("%s\n", error == -ERANGE ? "ERANGE" : "EINVAL");
        } else {
            printf("%llu\n", v);
        }
        return 0;
    } else if (argc == 1) {
        if (parse_mac(argv[0], mac)) {
            printf("EINVAL\n");
        } else {
            format_mac(mac, text);
            printf("%s\n", text);
        }
        return 0;
    }
    return 2;
}

struct command {
    const char *name;
    int (*run)(int argc, char *argv[]);
};

static const struct command commands[] = {
    { "config", test_config },
    { "config-options", test_config_options },
    { "engine", test_engine },
    { "stats", test_stats },
    { "stats-drops", test_stats_drops },
    { "parse", test_parse },
    { "tpacket-walk", test_tpacket_walk },
    { "tpacket-walk-edge", test_tpacket_walk_edge },
    { "tpacket-walk-ahead", test_tpacket_walk_ahead },
    { "tpacket-veth", test_tpacket_veth },
    { "tpacket-lend", test_tpacket_lend },
    { "mmap-fwd", test_mmap_fwd },
    { "tpacket-mtu-shrink", test_tpacket_mtu_shrink },
    { "tpacket-mtu-copy", test_tpacket_mtu_copy },
    { "pci-bind", test_pci_bind },
    { "ctl-stats-parse", test_ctl_stats_parse },
    { "ctl-stats-replay", test_ctl_stats_replay },
    { "xdp-fwd", test_xdp_fwd },
#ifdef GFP_TEST_XDP
    { "xdp-comp", test_xdp_comp },
#endif
};

int
main(int argc, char *argv[])
{
    if (argc >= 2) {
        for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
            if (!strcmp(argv[1], commands[i].name)) {
                return commands[i].run(argc - 2, argv + 2);
            }
        }
    }
    fprintf(stderr, "usage: gfp-test COMMAND [ARGS...]; commands:");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        fprintf(stderr, " %s", commands[i].name);
    }
    fprintf(stderr, "\n");
    return 2;
}
