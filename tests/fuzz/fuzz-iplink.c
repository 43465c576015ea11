/* libFuzzer target: gfp-ctl stats' parsers behind --netns
 * (utilities/ctl/stats-iplink.c).
 *
 * An input is the argument of --netns ("NS[:IF[,IF...]]"), a NUL, and
 * what 'ip -s -s -j link show' printed (an input without a NUL is ip's
 * output alone, for every link of a namespace "ns").
 *
 * Beyond what ASan and UBSan see: a failure comes with a message; a
 * namespace taken has a valid name and its interfaces valid ones; the
 * links parsed are named (NUL-terminated, not empty), as many as asked for
 * and in that order, and their drops are the sum of their drop counters. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl-stats.h"
#include "fuzz.h"

static void
check_links(const struct ctl_stats_netns *ns,
            const struct ctl_stats_link *links, size_t n)
{
    if (ns->ifnames && n != ns->n_ifnames) {
        fuzz_fail("%zu links for %zu names", n, ns->n_ifnames);
    }
    for (size_t i = 0; i < n; i++) {
        const struct ctl_stats_link *l = &links[i];

        if (!memchr(l->name, '\0', sizeof l->name) || !l->name[0]) {
            fuzz_fail("link %zu without a name", i);
        }
        if (ns->ifnames && strcmp(l->name, ns->ifnames[i])) {
            fuzz_fail("link %zu is %s, not %s", i, l->name, ns->ifnames[i]);
        }
        if (ctl_stats_link_drops(l)
            != l->rx_dropped + l->rx_missed + l->tx_dropped) {
            fuzz_fail("link %s: drops are not their sum", l->name);
        }
    }
}

static void
check_netns(const struct ctl_stats_netns *ns)
{
    if (!ns->name[0] || strpbrk(ns->name, ":/, ")) {
        fuzz_fail("namespace name '%s' taken", ns->name);
    }
    for (size_t i = 0; i < ns->n_ifnames; i++) {
        const char *s = ns->ifnames[i];

        if (!s[0] || strlen(s) >= IF_NAMESIZE || strpbrk(s, ":/, ")) {
            fuzz_fail("interface name '%s' taken", s);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t first = nul ? (size_t) (nul - data) : 0;
    char *arg = nul ? fuzz_strndup(data, first) : strdup("ns");
    char *text = fuzz_strndup(data + first + (nul != NULL),
                              size - first - (nul != NULL));
    struct ctl_stats_link *links = NULL;
    struct ctl_stats_netns ns;
    char err[OVS_ERR_LEN] = "";
    size_t n = 0;

    if (ctl_stats_netns_parse(arg, &ns, err)) {
        fuzz_check_err("ctl_stats_netns_parse", err, sizeof err);
    } else {
        check_netns(&ns);
        if (ctl_stats_parse_ip_link(text, &ns, &links, &n, err)) {
            fuzz_check_err("ctl_stats_parse_ip_link", err, sizeof err);
            if (links) {
                fuzz_fail("links left after a failure");
            }
        } else {
            check_links(&ns, links, n);
        }
    }
    free(links);
    ctl_stats_netns_destroy(&ns);
    free(arg);
    free(text);
    return 0;
}
