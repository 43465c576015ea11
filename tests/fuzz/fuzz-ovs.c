/* libFuzzer target: gfp-ctl's parsers of what Open vSwitch's tools print
 * (utilities/ctl/ovs.c, ovs-counters.c, cpuset.c).
 *
 * The first byte of an input picks the parser (its value modulo 6); the
 * rest is the tool's output, as text:
 *
 *   0  ovs-vsctl --format=json list TABLE     ovs_parse_table()
 *   1  ovs-ofctl dump-ports SWITCH            ovs_parse_dump_ports()
 *   2  ovs-appctl dpif-netdev/pmd-stats-show  ovs_parse_pmd_stats()
 *   3  ovs-appctl dpif-netdev/pmd-perf-show   ovs_parse_pmd_perf()
 *   4  both of the above into one set, split at the first NUL
 *   5  other_config:pmd-cpu-mask, a kernel CPU list, and dpdk-devargs
 *      that start with a PCI address
 *                                 cpuset_parse_mask(), _list(),
 *                                 ctl_sysfs_parse_pci()
 *
 * Beyond what ASan and UBSan see: a failure comes with a message; what
 * was parsed is well-formed (port names NUL-terminated, threads named,
 * a table an array of objects). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "ovs.h"
#include "sysfs.h"
#include "fuzz.h"

static void
fuzz_table(const char *text)
{
    char err[OVS_ERR_LEN] = "";
    json_t *rows = ovs_parse_table(text, err);
    json_t *row;
    size_t i;

    if (!rows) {
        fuzz_check_err("ovs_parse_table", err, sizeof err);
        return;
    }
    if (!json_is_array(rows)) {
        fuzz_fail("ovs_parse_table: not an array");
    }
    json_array_foreach (rows, i, row) {
        if (!json_is_object(row)) {
            fuzz_fail("ovs_parse_table: row %zu is not an object", i);
        }
    }
    json_decref(rows);
}

static void
fuzz_dump_ports(const char *text)
{
    struct ovs_port_stats *ports = NULL;
    char err[OVS_ERR_LEN] = "";
    size_t n = 0;

    if (ovs_parse_dump_ports(text, &ports, &n, err)) {
        fuzz_check_err("ovs_parse_dump_ports", err, sizeof err);
        free(ports);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!memchr(ports[i].port, '\0', sizeof ports[i].port)
            || !ports[i].port[0]) {
            fuzz_fail("ovs_parse_dump_ports: port %zu without a name", i);
        }
    }
    free(ports);
}

static void
check_pmds(const struct ovs_pmds *set)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct ovs_pmd *p = &set->pmds[i];

        if (!memchr(p->name, '\0', sizeof p->name) || !p->name[0]) {
            fuzz_fail("thread %zu without a name", i);
        }
    }
}

static void
fuzz_pmd(const char *text, int which)
{
    struct ovs_pmds set = { NULL, 0 };
    char err[OVS_ERR_LEN] = "";
    int error;

    error = which ? ovs_parse_pmd_perf(text, &set, err)
                  : ovs_parse_pmd_stats(text, &set, err);
    if (error) {
        fuzz_check_err("ovs_parse_pmd", err, sizeof err);
    } else {
        check_pmds(&set);
    }
    ovs_pmds_clear(&set);
}

static void
fuzz_pmd_both(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t first = nul ? (size_t) (nul - data) : size;
    char *stats = fuzz_strndup(data, first);
    char *perf = fuzz_strndup(data + first + (nul != NULL),
                              size - first - (nul != NULL));
    struct ovs_pmds set = { NULL, 0 };
    char err[OVS_ERR_LEN] = "";

    if (ovs_parse_pmd_stats(stats, &set, err)
        || ovs_parse_pmd_perf(perf, &set, err)) {
        fuzz_check_err("ovs_parse_pmd", err, sizeof err);
    } else {
        check_pmds(&set);
    }
    ovs_pmds_clear(&set);
    free(stats);
    free(perf);
}

static void
fuzz_cpuset(const char *text)
{
    char pci[CTL_PCI_ADDR_LEN];
    struct cpuset set;
    char list[64];
    size_t len;
    char *mask;

    memset(&set, 0, sizeof set);
    if (!cpuset_parse_mask(text, &set)) {
        mask = cpuset_mask(&set);
        if (!mask) {
            fuzz_fail("cpuset_mask failed");
        }
        free(mask);
    }
    memset(&set, 0, sizeof set);
    if (!cpuset_parse_list(text, &set)) {
        cpuset_list(&set, list, sizeof list);
        if (!memchr(list, '\0', sizeof list)) {
            fuzz_fail("cpuset_list not NUL-terminated");
        }
    }
    len = ctl_sysfs_parse_pci(text, pci);
    if (len > strlen(text)) {
        fuzz_fail("ctl_sysfs_parse_pci: %zu bytes of a %zu-byte string",
                  len, strlen(text));
    }
    if (len && !memchr(pci, '\0', sizeof pci)) {
        fuzz_fail("ctl_sysfs_parse_pci: address not NUL-terminated");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned which;
    char *text;

    if (size < 1) {
        return 0;
    }
    which = data[0] % 6;
    data++;
    size--;
    if (which == 4) {
        fuzz_pmd_both(data, size);
        return 0;
    }
    text = fuzz_strndup(data, size);
    switch (which) {
    case 0:
        fuzz_table(text);
        break;
    case 1:
        fuzz_dump_ports(text);
        break;
    case 2:
    case 3:
        fuzz_pmd(text, which - 2);
        break;
    default:
        fuzz_cpuset(text);
        break;
    }
    free(text);
    return 0;
}
