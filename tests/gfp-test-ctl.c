/* gfp-test pci-bind, ctl-stats-*: lib/pci-bind.c and gfp-ctl stats. */
#include <config.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl-stats.h"
#include "gfp-test.h"
#include "pci-bind.h"

/* pci-bind check BDF | driver ROOT BDF | netdev ROOT BDF | vfio ROOT |
 * to ROOT BDF DRIVER | to-kernel ROOT BDF: lib/pci-bind.c on a sysfs tree
 * ROOT. */
int
test_pci_bind(int argc, char *argv[])
{
    char err[PCI_BIND_ERR_LEN], name[PCI_BIND_NAME_LEN];
    const char *cmd = argc ? argv[0] : "";
    int error;

    if (!strcmp(cmd, "check") && argc == 2) {
        puts(pci_bind_check_bdf(argv[1]) ? "invalid" : "ok");
        return 0;
    } else if (!strcmp(cmd, "driver") && argc == 3) {
        error = pci_bind_driver(argv[1], argv[2], name);
        printf("%s\n", error ? strerror(-error) : name[0] ? name : "(none)");
        return 0;
    } else if (!strcmp(cmd, "netdev") && argc == 3) {
        error = pci_bind_wait_netdev(argv[1], argv[2], name, 50);
        printf("%s\n", error ? strerror(-error) : name);
        return 0;
    } else if (!strcmp(cmd, "vfio") && argc == 2) {
        puts(pci_bind_vfio_usable(argv[1], err) ? "usable" : err);
        return 0;
    } else if (!strcmp(cmd, "to") && argc == 4) {
        error = pci_bind_to(argv[1], argv[2], argv[3], err);
        if (error) {
            printf("error %d: %s\n", -error, err);
            return 1;
        }
        pci_bind_driver(argv[1], argv[2], name);
        printf("%s %s\n", argv[2], name);
        return 0;
    } else if (!strcmp(cmd, "to-kernel") && argc == 3) {
        error = pci_bind_to_kernel(argv[1], argv[2], name, err);
        if (error) {
            printf("error %d: %s\n", -error, err);
            return 1;
        }
        printf("%s %s\n", argv[2], name);
        return 0;
    }
    fprintf(stderr, "usage: gfp-test pci-bind check BDF | driver ROOT BDF | "
            "netdev ROOT BDF | vfio ROOT | to ROOT BDF DRIVER | "
            "to-kernel ROOT BDF\n");
    return 2;
}

/* gfp-ctl stats, its parsers and its whole view, on captured outputs (the
 * test hooks of the command, kept out of the shipped gfp-ctl). */

static void
print_port_stats(const struct ovs_port_stats *ports, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("port %s:", ports[i].port);
#define PRINT_PORT(NAME, KEY, RX)                                       \
        if (ports[i].NAME == OVS_NO_VALUE) {                            \
            printf(" %s=?", #NAME);                                     \
        } else {                                                        \
            printf(" %s=%"PRIu64, #NAME, ports[i].NAME);                \
        }
        OVS_PORT_COUNTERS(PRINT_PORT);
#undef PRINT_PORT
        putchar('\n');
    }
}

static void
print_pmds(const struct ovs_pmds *pmds)
{
    for (size_t i = 0; i < pmds->n; i++) {
        const struct ovs_pmd *p = &pmds->pmds[i];

        printf("%s: numa_id=%d core_id=%d\n", p->name, p->numa_id,
               p->core_id);
#define PRINT_PMD(NAME)                                                 \
        if (p->NAME != OVS_NO_VALUE) {                                  \
            printf("  %s=%"PRIu64"\n", #NAME, p->NAME);                 \
        }
        OVS_PMD_COUNTERS(PRINT_PMD)
#undef PRINT_PMD
#define PRINT_PMD(NAME)                                                 \
        if (!isnan(p->NAME)) {                                          \
            printf("  %s=%.3f\n", #NAME, p->NAME);                      \
        }
        OVS_PMD_REALS(PRINT_PMD)
#undef PRINT_PMD
    }
}

static void
print_links(const struct ctl_stats_link *links, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s:", links[i].name);
#define PRINT_LINK(NAME, DIR, KEY, DROP)                                \
        printf(" %s=%"PRIu64, #NAME, links[i].NAME);
        CTL_STATS_LINK_COUNTERS(PRINT_LINK)
#undef PRINT_LINK
        printf(" drops=%"PRIu64"\n", ctl_stats_link_drops(&links[i]));
    }
}

/* Parses one captured output of kind 'what' into 'pmds' or prints it. */
static int
ctl_stats_parse_one(const char *what, const char *file, struct ovs_pmds *pmds,
                    char err[OVS_ERR_LEN])
{
    char *text = ctl_stats_read_file(file, err);
    int error = -1;

    if (!text) {
        return -1;
    }
    if (!strcmp(what, "dump-ports")) {
        struct ovs_port_stats *ports;
        size_t n;

        error = ovs_parse_dump_ports(text, &ports, &n, err);
        if (!error) {
            print_port_stats(ports, n);
            free(ports);
        }
    } else if (!strcmp(what, "pmd-stats")) {
        error = ovs_parse_pmd_stats(text, pmds, err);
    } else if (!strcmp(what, "pmd-perf")) {
        error = ovs_parse_pmd_perf(text, pmds, err);
    } else if (!strncmp(what, "ip-link", 7)) {
        /* ip-link or ip-link=IF,IF,...: what --netns NS[:IF,...] asks. */
        struct ctl_stats_netns ns;
        struct ctl_stats_link *links;
        char *arg = ctl_xasprintf("ns%s", what + 7);
        size_t n;

        if (arg[2] == '=') {
            arg[2] = ':';
        }
        error = ctl_stats_netns_parse(arg, &ns, err);
        if (!error) {
            error = ctl_stats_parse_ip_link(text, &ns, &links, &n, err);
        }
        if (!error) {
            print_links(links, n);
            free(links);
        }
        ctl_stats_netns_destroy(&ns);
        free(arg);
    } else {
        snprintf(err, OVS_ERR_LEN, "unknown kind '%s'", what);
    }
    free(text);
    return error ? -1 : 0;
}

/* ctl-stats-parse KIND FILE [KIND FILE]...: KIND dump-ports, pmd-stats,
 * pmd-perf (the PMD outputs parsed into one set, printed at the end) or
 * ip-link[=IF,...]. */
int
test_ctl_stats_parse(int argc, char *argv[])
{
    struct ovs_pmds pmds = { NULL, 0 };
    char err[OVS_ERR_LEN];
    bool any_pmd = false;

    if (!argc || argc % 2) {
        fprintf(stderr, "usage: gfp-test ctl-stats-parse KIND FILE...\n");
        return 2;
    }
    for (int i = 0; i < argc; i += 2) {
        if (ctl_stats_parse_one(argv[i], argv[i + 1], &pmds, err)) {
            fprintf(stderr, "gfp-test: ctl-stats-parse: %s: %s\n",
                    argv[i + 1], err);
            ovs_pmds_clear(&pmds);
            return 1;
        }
        any_pmd |= !strncmp(argv[i], "pmd-", 4);
    }
    if (any_pmd) {
        print_pmds(&pmds);
    }
    ovs_pmds_clear(&pmds);
    return 0;
}

/* ctl-stats-replay [-s SOCKET] DIR [STATS-OPTION...]: gfp-ctl stats with
 * what each tool printed read from a file in DIR (named as the tool's
 * words: list-br, list-ifaces-BR, interfaces, dump-ports-BR,
 * pmd-stats-show, pmd-perf-show, pmd-stats-clear, ip-link-NS) and
 * gfp-fwd's stats reply from DIR/fwd-stats.json. */
int
test_ctl_stats_replay(int argc, char *argv[])
{
    struct ctl_stats_args args = {
        .socket = "/run/gfp/gfp-fwd.ctl",
        .timeout_ms = 1000,
    };
    char err[OVS_ERR_LEN];
    const char *word;
    int opt, status;

    if (argc >= 2 && !strcmp(argv[0], "-s")) {
        args.socket = argv[1];
        argc -= 2;
        argv += 2;
    }
    if (argc < 1) {
        fprintf(stderr, "usage: gfp-test ctl-stats-replay [-s SOCKET] DIR "
                "[OPTION...]\n");
        return 2;
    }
    args.replay = argv[0];
    argv[0] = "stats";
    switch (ctl_stats_args_parse(argc, argv, &args, &opt, &word, err)) {
    case 0:
        status = ctl_stats_run(&args);
        break;
    case 1:
        ctl_stats_usage();
        status = 0;
        break;
    default:
        fprintf(stderr, "gfp-test: %s\n", opt ? word : err);
        status = 2;
        break;
    }
    ctl_stats_args_destroy(&args);
    return status;
}
