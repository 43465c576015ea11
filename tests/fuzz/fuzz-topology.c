/* libFuzzer target: gfp-ctl's topology file (utilities/ctl/topology.c),
 * YAML read with libyaml and validated as a whole.
 *
 * Each input is one topology file.  Beyond what ASan and UBSan see: a
 * file is either refused with one message naming it, or every value the
 * parser took is within the documented bounds. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "topology.h"
#include "fuzz.h"

static void
check_list(const char *what, const struct topo_list *l, unsigned max)
{
    if (l->is_auto && !l->given) {
        fuzz_fail("%s: auto but not given", what);
    }
    if (l->n && !l->v) {
        fuzz_fail("%s: %zu values, none stored", what, l->n);
    }
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i] > max) {
            fuzz_fail("%s: value %u above %u", what, l->v[i], max);
        }
    }
}

static void
check_name(const char *what, const char *name, size_t max)
{
    size_t len;

    if (!name) {
        fuzz_fail("%s: no name", what);
    }
    len = strlen(name);
    if (!len || len > max) {
        fuzz_fail("%s: name '%s' of %zu bytes (at most %zu)", what, name,
                  len, max);
    }
}

static void
check_topology(const struct topology *t)
{
    check_name("topology", t->name, TOPO_NAME_MAX);
    check_list("pmd-cores", &t->pmd_cores, TOPO_CPUS_MAX - 1);
    check_list("socket-mem", &t->socket_mem, TOPO_SOCKET_MEM_MAX);
    for (size_t i = 0; i < t->n_bridges; i++) {
        const struct topo_bridge *br = &t->bridges[i];

        check_name("bridge", br->name, TOPO_IFNAME_MAX);
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct topo_port *p = &br->ports[j];

            check_name("port", p->name, TOPO_IFNAME_MAX);
            if (p->queues > TOPO_QUEUES_MAX) {
                fuzz_fail("port %s: %u queues", p->name, p->queues);
            }
            switch (p->type) {
            case TOPO_VHOST_USER_CLIENT:
                check_name("socket", p->socket, TOPO_SOCKET_PATH_MAX);
                break;
            case TOPO_DPDK:
            case TOPO_DPDK_VF:
                check_name("pci", p->pci, 64);
                break;
            case TOPO_PMMAP:
                check_name("iface", p->iface, TOPO_IFNAME_MAX);
                break;
            default:
                fuzz_fail("port %s: type %d", p->name, (int) p->type);
            }
            if (!topology_port_type_name(p->type)) {
                fuzz_fail("port %s: type without a name", p->name);
            }
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct topology *topo = NULL;
    const char *path = fuzz_file(data, size);
    char *error = NULL;

    if (topology_load(path, &topo, &error)) {
        if (topo) {
            fuzz_fail("failed, with a topology");
        }
        if (!error || strncmp(error, path, strlen(path))
            || strchr(error, '\n')) {
            fuzz_fail("message does not name the file on one line: %s",
                      error ? error : "(none)");
        }
    } else {
        if (!topo || error) {
            fuzz_fail("succeeded without a topology, or with a message");
        }
        check_topology(topo);
    }
    topology_destroy(topo);
    free(error);
    return 0;
}
