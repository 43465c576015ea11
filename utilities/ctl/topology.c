/* gfp-ctl host: the topology file, read with libyaml's document API and
 * validated as a whole, so that nothing is applied from a file with an
 * error in it.  Every error names the file, the line (libyaml's marks) and
 * the key, and says what was expected. */
#include <config.h>
#include "topology.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "ctl-util.h"
#include "sysfs.h"
#include "util.h"

#define PATH_LEN 128

struct parse_ctx {
    const char *file;
    yaml_document_t *doc;
    char *error;                /* The first error, the only one reported. */
};

/* Port names, sockets, PCI addresses and interfaces seen so far, to find
 * duplicates; each with the line it was first seen on. */
struct seen {
    const char *what;
    const char **v;
    unsigned long *lines;
    size_t n;
};

static const char *const port_types[] = {
    [TOPO_VHOST_USER_CLIENT] = "vhost-user-client",
    [TOPO_DPDK] = "dpdk",
    [TOPO_DPDK_VF] = "dpdk-vf",
    [TOPO_PMMAP] = "pmmap",
};

/* The keys of a port, by type, and which of them must be there. */
static const char *const port_keys[][8] = {
    [TOPO_VHOST_USER_CLIENT] = { "name", "type", "socket", "queues", "mtu" },
    [TOPO_DPDK] = { "name", "type", "pci", "queues", "mtu" },
    [TOPO_DPDK_VF] = { "name", "type", "pci", "mac", "queues", "mtu" },
    [TOPO_PMMAP] = { "name", "type", "iface", "queues", "mtu" },
};
static const char *const port_required[] = {
    [TOPO_VHOST_USER_CLIENT] = "socket",
    [TOPO_DPDK] = "pci",
    [TOPO_DPDK_VF] = "pci",
    [TOPO_PMMAP] = "iface",
};
static const char *const port_required_why[] = {
    [TOPO_VHOST_USER_CLIENT] = "the path of the guest's vhost-user server "
                               "socket",
    [TOPO_DPDK] = "the NIC's PCI address",
    [TOPO_DPDK_VF] = "the VF's PCI address",
    [TOPO_PMMAP] = "the kernel interface to attach to",
};

const char *
topology_port_type_name(enum topo_port_type type)
{
    return port_types[type];
}

static unsigned long
node_line(const yaml_node_t *node)
{
    return node ? node->start_mark.line + 1 : 1;
}

static int
fail(struct parse_ctx *ctx, const yaml_node_t *node, const char *key,
     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct parse_ctx *ctx, const yaml_node_t *node, const char *key,
     const char *fmt, ...)
{
    char msg[512];
    va_list args;

    if (!ctx->error) {
        va_start(args, fmt);
        vsnprintf(msg, sizeof msg, fmt, args);
        va_end(args);
        ctx->error = ctl_xasprintf("%s:%lu: %s%s%s", ctx->file,
                                   node_line(node), key ? key : "",
                                   key ? ": " : "", msg);
        /* Keys and values come from the file: one line, and no control
         * character reaches the operator's terminal. */
        for (char *p = ctx->error; *p; p++) {
            if ((unsigned char) *p < 0x20 || *p == 0x7f) {
                *p = '?';
            }
        }
    }
    return -EINVAL;
}

static const char *
node_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_NO_NODE:
    default:
        return "nothing";
    }
}

/* Formats a key's path ("bridges[0].ports[1].mtu") into 'path', marking
 * one too long with "...". */
static void
path_fmt(char path[PATH_LEN], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
path_fmt(char path[PATH_LEN], const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = vsnprintf(path, PATH_LEN, fmt, args);
    va_end(args);
    if (n >= PATH_LEN) {
        strcpy(path + PATH_LEN - 4, "...");
    }
}

static void
path_join(char path[PATH_LEN], const char *parent, const char *key)
{
    path_fmt(path, "%s%s%s", parent, parent[0] ? "." : "", key);
}

/* The value of a scalar, shown in a message: at most 40 bytes. */
static const char *
shown(const yaml_node_t *node, char buf[48])
{
    const char *s = (const char *) node->data.scalar.value;

    if (strlen(s) > 40) {
        snprintf(buf, 48, "%.37s...", s);
    } else {
        snprintf(buf, 48, "%s", s);
    }
    return buf;
}

/* Checks that 'node' is a mapping whose keys are distinct scalars from
 * 'keys' (NULL-terminated or 'n' long).  'expected' lists them for the
 * message. */
static int
check_keys(struct parse_ctx *ctx, const yaml_node_t *node, const char *path,
           const char *what, const char *const *keys, size_t n,
           const char *expected)
{
    yaml_node_pair_t *p, *q;

    if (node->type != YAML_MAPPING_NODE) {
        return fail(ctx, node, path[0] ? path : NULL,
                    "expected %s, got %s", what, node_kind(node));
    }
    for (p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        char kpath[PATH_LEN];
        const char *name;
        size_t i;

        if (k->type != YAML_SCALAR_NODE) {
            return fail(ctx, k, path[0] ? path : NULL,
                        "expected a key (%s), got %s", expected,
                        node_kind(k));
        }
        name = (const char *) k->data.scalar.value;
        path_join(kpath, path, name);
        for (i = 0; i < n && keys[i]; i++) {
            if (!strcmp(name, keys[i])) {
                break;
            }
        }
        if (i >= n || !keys[i]) {
            return fail(ctx, k, kpath, "unknown key (expected %s)",
                        expected);
        }
        for (q = node->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = yaml_document_get_node(ctx->doc, q->key);

            if (!strcmp(name, (const char *) k2->data.scalar.value)) {
                return fail(ctx, k, kpath, "duplicate key (first at line "
                            "%lu)", node_line(k2));
            }
        }
    }
    return 0;
}

/* The value of 'key' in 'map' (checked by check_keys()), or NULL. */
static yaml_node_t *
map_get(struct parse_ctx *ctx, const yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *p;

    for (p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);

        if (!strcmp((const char *) k->data.scalar.value, key)) {
            return yaml_document_get_node(ctx->doc, p->value);
        }
    }
    return NULL;
}

/* A string value: a scalar without NULs.  'expected' says what it should
 * be, for the message. */
static int
get_string(struct parse_ctx *ctx, const yaml_node_t *node, const char *path,
           const char *expected, const char **s)
{
    if (node->type != YAML_SCALAR_NODE) {
        return fail(ctx, node, path, "expected %s, got %s", expected,
                    node_kind(node));
    }
    if (strlen((const char *) node->data.scalar.value)
        != node->data.scalar.length) {
        return fail(ctx, node, path, "expected %s, got a string with a NUL",
                    expected);
    }
    *s = (const char *) node->data.scalar.value;
    return 0;
}

/* A number: a plain (unquoted) scalar, decimal, in [min, max]. */
static int
get_uint(struct parse_ctx *ctx, const yaml_node_t *node, const char *path,
         const char *expected, unsigned min, unsigned max, unsigned *out)
{
    unsigned long long v;
    char buf[48];

    if (node->type != YAML_SCALAR_NODE) {
        return fail(ctx, node, path, "expected %s from %u to %u, got %s",
                    expected, min, max, node_kind(node));
    }
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE
        || strlen((const char *) node->data.scalar.value)
           != node->data.scalar.length
        || parse_uint((const char *) node->data.scalar.value, min, max,
                      &v)) {
        return fail(ctx, node, path, "expected %s from %u to %u, got "
                    "%s%s%s", expected, min, max,
                    node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                    ? "'" : "the string '", shown(node, buf), "'");
    }
    *out = v;
    return 0;
}

/* 1 to 'max' characters of A-Za-z0-9_.-, not starting with '-' (it would
 * read as an option to OVS's tools) or '.' (".", ".."), and with 'no_dash2'
 * no "--". */
static bool
is_name(const char *s, size_t max, bool no_dash2)
{
    size_t n = strlen(s);

    if (!n || n > max || s[0] == '-' || s[0] == '.'
        || (no_dash2 && strstr(s, "--"))) {
        return false;
    }
    for (; *s; s++) {
        if (!isalnum((unsigned char) *s) && !strchr("_.-", *s)) {
            return false;
        }
    }
    return true;
}

/* A bridge, port or kernel interface name (is_name()), or with 'topology'
 * the topology's name, which is part of the keys of its records in
 * external_ids (gfp-ctl-NAME-set): no "--" there. */
static int
get_name(struct parse_ctx *ctx, const yaml_node_t *node, const char *path,
         size_t max, bool topology, char **out)
{
    char expected[160], buf[48];
    const char *s;
    int error;

    snprintf(expected, sizeof expected, "a %sname%s 1 to %zu characters of "
             "A-Za-z0-9_.-, not starting with '-' or '.'%s",
             topology ? "topology " : "", topology ? ":" : " of", max,
             topology ? ", without '--'" : "");
    error = get_string(ctx, node, path, expected, &s);
    if (error) {
        return error;
    }
    if (!is_name(s, max, topology)) {
        return fail(ctx, node, path, "expected %s, got '%s'", expected,
                    shown(node, buf));
    }
    *out = ctl_xstrdup(s);
    return 0;
}

static int
seen_add(struct parse_ctx *ctx, struct seen *seen, const yaml_node_t *node,
         const char *path, const char *value)
{
    for (size_t i = 0; i < seen->n; i++) {
        if (!strcmp(seen->v[i], value)) {
            return fail(ctx, node, path, "duplicate %s '%s' (first at "
                        "line %lu)", seen->what, value, seen->lines[i]);
        }
    }
    seen->v = ctl_xrealloc(seen->v, (seen->n + 1) * sizeof *seen->v);
    seen->lines = ctl_xrealloc(seen->lines,
                               (seen->n + 1) * sizeof *seen->lines);
    seen->v[seen->n] = value;
    seen->lines[seen->n++] = node_line(node);
    return 0;
}

static void
seen_free(struct seen *seen)
{
    free(seen->v);
    free(seen->lines);
}

struct dups {
    struct seen names, sockets, pcis, ifaces;
};

/* "auto" or a non-empty list of distinct numbers up to 'max'. */
static int
parse_list(struct parse_ctx *ctx, const yaml_node_t *node, const char *path,
           const char *expected, unsigned min, unsigned max,
           struct topo_list *list)
{
    yaml_node_item_t *it;
    char buf[48];

    list->given = true;
    if (node->type == YAML_SCALAR_NODE
        && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
        && !strcmp((const char *) node->data.scalar.value, "auto")) {
        list->is_auto = true;
        return 0;
    }
    if (node->type != YAML_SEQUENCE_NODE) {
        return fail(ctx, node, path, "expected auto or a list of %s from "
                    "%u to %u, got %s%s%s%s", expected, min, max,
                    node_kind(node),
                    node->type == YAML_SCALAR_NODE ? " '" : "",
                    node->type == YAML_SCALAR_NODE ? shown(node, buf) : "",
                    node->type == YAML_SCALAR_NODE ? "'" : "");
    }
    if (node->data.sequence.items.start == node->data.sequence.items.top) {
        return fail(ctx, node, path, "expected auto or a list of %s from "
                    "%u to %u, got an empty list", expected, min, max);
    }
    for (it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(ctx->doc, *it);
        char ipath[PATH_LEN];
        unsigned v;
        int error;

        path_fmt(ipath, "%s[%td]", path,
                 it - node->data.sequence.items.start);
        error = get_uint(ctx, item, ipath, expected, min, max, &v);
        if (error) {
            return error;
        }
        list->v = ctl_xrealloc(list->v, (list->n + 1) * sizeof *list->v);
        list->v[list->n++] = v;
    }
    return 0;
}

static int
parse_ovs(struct parse_ctx *ctx, const yaml_node_t *node,
          struct topology *topo)
{
    static const char *const keys[] = {
        "pmd-cores", "socket-mem", "dpdk-extra",
    };
    yaml_node_t *v;
    int error;

    error = check_keys(ctx, node, "ovs", "a mapping of pmd-cores, "
                       "socket-mem and dpdk-extra", keys, ARRAY_SIZE(keys),
                       "pmd-cores, socket-mem or dpdk-extra");
    if (error) {
        return error;
    }
    v = map_get(ctx, node, "pmd-cores");
    if (v) {
        error = parse_list(ctx, v, "ovs.pmd-cores", "CPU numbers", 0,
                           TOPO_CPUS_MAX - 1, &topo->pmd_cores);
        if (error) {
            return error;
        }
        for (size_t i = 0; i < topo->pmd_cores.n; i++) {
            for (size_t j = 0; j < i; j++) {
                if (topo->pmd_cores.v[i] == topo->pmd_cores.v[j]) {
                    yaml_node_t *item = yaml_document_get_node(
                        ctx->doc, v->data.sequence.items.start[i]);

                    return fail(ctx, item, "ovs.pmd-cores", "CPU %u listed "
                                "twice", topo->pmd_cores.v[i]);
                }
            }
        }
    }
    v = map_get(ctx, node, "socket-mem");
    if (v) {
        error = parse_list(ctx, v, "ovs.socket-mem", "MB per NUMA node", 0,
                           TOPO_SOCKET_MEM_MAX, &topo->socket_mem);
        if (error) {
            return error;
        }
        if (topo->socket_mem.n > TOPO_NODES_MAX) {
            return fail(ctx, v, "ovs.socket-mem", "expected at most %d "
                        "NUMA nodes, got %zu", TOPO_NODES_MAX,
                        topo->socket_mem.n);
        }
    }
    v = map_get(ctx, node, "dpdk-extra");
    if (v) {
        const char *s;

        error = get_string(ctx, v, "ovs.dpdk-extra", "EAL arguments as one "
                           "string", &s);
        if (error) {
            return error;
        }
        if (!s[0]) {
            return fail(ctx, v, "ovs.dpdk-extra", "expected EAL arguments "
                        "as one string, got an empty string");
        }
        topo->dpdk_extra = ctl_xstrdup(s);
    }
    return 0;
}

/* The port's name and type. */
static int
port_name_type(struct parse_ctx *ctx, const yaml_node_t *node,
               const char *path, struct dups *dups, struct topo_port *port)
{
    char kpath[PATH_LEN], buf[48];
    yaml_node_t *v;
    const char *s;
    size_t i;
    int error;

    v = map_get(ctx, node, "name");
    path_join(kpath, path, "name");
    if (!v) {
        return fail(ctx, node, kpath, "missing (expected the port's name)");
    }
    error = get_name(ctx, v, kpath, TOPO_IFNAME_MAX, false, &port->name);
    if (error || (error = seen_add(ctx, &dups->names, v, kpath,
                                   port->name))) {
        return error;
    }

    v = map_get(ctx, node, "type");
    path_join(kpath, path, "type");
    if (!v) {
        return fail(ctx, node, kpath, "missing (expected vhost-user-client, "
                    "dpdk, dpdk-vf or pmmap)");
    }
    error = get_string(ctx, v, kpath, "vhost-user-client, dpdk, dpdk-vf or "
                       "pmmap", &s);
    if (error) {
        return error;
    }
    for (i = 0; i < ARRAY_SIZE(port_types); i++) {
        if (!strcmp(s, port_types[i])) {
            break;
        }
    }
    if (i >= ARRAY_SIZE(port_types)) {
        return fail(ctx, v, kpath, "expected vhost-user-client, dpdk, "
                    "dpdk-vf or pmmap, got '%s'", shown(v, buf));
    }
    port->type = i;
    return 0;
}

/* Now that the type is known: only its keys, and the one it needs. */
static int
port_type_keys(struct parse_ctx *ctx, const yaml_node_t *node,
               const char *path, const struct topo_port *port)
{
    const char *const *keys = port_keys[port->type];
    char kpath[PATH_LEN], expected[128] = "";
    size_t i;

    for (i = 0; i < ARRAY_SIZE(port_keys[0]) && keys[i]; i++) {
        bool last = i + 1 >= ARRAY_SIZE(port_keys[0]) || !keys[i + 1];

        snprintf(expected + strlen(expected),
                 sizeof expected - strlen(expected), "%s%s",
                 !i ? "" : last ? " or " : ", ", keys[i]);
    }
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        const char *name = (const char *) k->data.scalar.value;

        for (i = 0; i < ARRAY_SIZE(port_keys[0]) && keys[i]; i++) {
            if (!strcmp(name, keys[i])) {
                break;
            }
        }
        if (i >= ARRAY_SIZE(port_keys[0]) || !keys[i]) {
            path_join(kpath, path, name);
            return fail(ctx, k, kpath, "not a key of a %s port (expected "
                        "%s)", port_types[port->type], expected);
        }
    }
    path_join(kpath, path, port_required[port->type]);
    if (!map_get(ctx, node, port_required[port->type])) {
        return fail(ctx, node, kpath, "missing (a %s port needs %s)",
                    port_types[port->type],
                    port_required_why[port->type]);
    }
    return 0;
}

/* socket: and pci:, each unique in the file. */
static int
port_socket_pci(struct parse_ctx *ctx, const yaml_node_t *node,
                const char *path, struct dups *dups, struct topo_port *port)
{
    char kpath[PATH_LEN], buf[48], addr[CTL_PCI_ADDR_LEN];
    yaml_node_t *v;
    const char *s;
    size_t len;
    int error;

    v = map_get(ctx, node, "socket");
    if (v) {
        path_join(kpath, path, "socket");
        error = get_string(ctx, v, kpath, "an absolute path", &s);
        if (error) {
            return error;
        }
        if (s[0] != '/' || strlen(s) > TOPO_SOCKET_PATH_MAX) {
            return fail(ctx, v, kpath, "expected an absolute path of at "
                        "most %d bytes, got '%s'%s", TOPO_SOCKET_PATH_MAX,
                        shown(v, buf), s[0] == '/' ? " (too long for a "
                        "unix socket)" : "");
        }
        port->socket = ctl_xstrdup(s);
        error = seen_add(ctx, &dups->sockets, v, kpath, port->socket);
        if (error) {
            return error;
        }
    }
    v = map_get(ctx, node, "pci");
    if (v) {
        path_join(kpath, path, "pci");
        error = get_string(ctx, v, kpath, "a PCI address [DDDD:]BB:DD.F",
                           &s);
        if (error) {
            return error;
        }
        len = ctl_sysfs_parse_pci(s, addr);
        if (!len || s[len]) {
            return fail(ctx, v, kpath, "expected a PCI address "
                        "[DDDD:]BB:DD.F (e.g. 0000:03:00.0), got '%s'",
                        shown(v, buf));
        }
        /* As sysfs names it, so that setup finds its NUMA node. */
        port->pci = ctl_xstrdup(addr);
        return seen_add(ctx, &dups->pcis, v, kpath, port->pci);
    }
    return 0;
}

static int
port_mac(struct parse_ctx *ctx, const yaml_node_t *node, const char *path,
         struct topo_port *port)
{
    static const uint8_t zero[GFP_ETH_ALEN];
    yaml_node_t *v = map_get(ctx, node, "mac");
    uint8_t mac[GFP_ETH_ALEN];
    char kpath[PATH_LEN], buf[48];
    const char *s;
    int error;

    if (!v) {
        return 0;
    }
    path_join(kpath, path, "mac");
    error = get_string(ctx, v, kpath, "a unicast MAC address", &s);
    if (error) {
        return error;
    }
    if (parse_mac(s, mac) || mac[0] & 1 || !memcmp(mac, zero, sizeof mac)) {
        return fail(ctx, v, kpath, "expected a unicast MAC address "
                    "xx:xx:xx:xx:xx:xx (e.g. 02:00:00:00:00:10), got "
                    "'%s'", shown(v, buf));
    }
    port->mac = ctl_xmalloc(18);
    format_mac(mac, port->mac);
    return 0;
}

static int
parse_port(struct parse_ctx *ctx, const yaml_node_t *node, const char *path,
           struct dups *dups, struct topo_port *port)
{
    static const char *const all_keys[] = {
        "name", "type", "socket", "pci", "mac", "iface", "queues", "mtu",
    };
    char kpath[PATH_LEN];
    yaml_node_t *v;
    int error;

    error = check_keys(ctx, node, path, "a mapping with the port's name and "
                       "type", all_keys, ARRAY_SIZE(all_keys),
                       "name, type, socket, pci, mac, iface, queues or mtu");
    if (error
        || (error = port_name_type(ctx, node, path, dups, port))
        || (error = port_type_keys(ctx, node, path, port))
        || (error = port_socket_pci(ctx, node, path, dups, port))
        || (error = port_mac(ctx, node, path, port))) {
        return error;
    }
    v = map_get(ctx, node, "iface");
    if (v) {
        path_join(kpath, path, "iface");
        error = get_name(ctx, v, kpath, TOPO_IFNAME_MAX, false, &port->iface);
        if (error || (error = seen_add(ctx, &dups->ifaces, v, kpath,
                                       port->iface))) {
            return error;
        }
    }
    v = map_get(ctx, node, "queues");
    if (v) {
        path_join(kpath, path, "queues");
        error = get_uint(ctx, v, kpath, "a number of queues", 1,
                         TOPO_QUEUES_MAX, &port->queues);
        if (error) {
            return error;
        }
    }
    v = map_get(ctx, node, "mtu");
    if (v) {
        path_join(kpath, path, "mtu");
        error = get_uint(ctx, v, kpath, "an MTU", GFP_MTU_MIN, GFP_MTU_MAX,
                         &port->mtu);
    }
    return error;
}

static int
parse_bridge(struct parse_ctx *ctx, const yaml_node_t *node,
             const char *path, struct dups *dups, struct topo_bridge *br)
{
    static const char *const keys[] = { "name", "ports" };
    char kpath[PATH_LEN];
    yaml_node_item_t *it;
    yaml_node_t *v;
    int error;

    error = check_keys(ctx, node, path, "a mapping with the bridge's name "
                       "and ports", keys, ARRAY_SIZE(keys), "name or ports");
    if (error) {
        return error;
    }
    v = map_get(ctx, node, "name");
    path_join(kpath, path, "name");
    if (!v) {
        return fail(ctx, node, kpath, "missing (expected the bridge's "
                    "name)");
    }
    /* A bridge is also a port of its own name. */
    error = get_name(ctx, v, kpath, TOPO_IFNAME_MAX, false, &br->name);
    if (error || (error = seen_add(ctx, &dups->names, v, kpath, br->name))) {
        return error;
    }
    v = map_get(ctx, node, "ports");
    if (!v) {
        return 0;
    }
    path_join(kpath, path, "ports");
    if (v->type != YAML_SEQUENCE_NODE) {
        return fail(ctx, v, kpath, "expected a list of ports, got %s",
                    node_kind(v));
    }
    br->n_ports = v->data.sequence.items.top - v->data.sequence.items.start;
    br->ports = ctl_xcalloc(br->n_ports ? br->n_ports : 1, sizeof *br->ports);
    for (it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++) {
        size_t i = it - v->data.sequence.items.start;
        char ppath[PATH_LEN];

        path_fmt(ppath, "%s[%zu]", kpath, i);
        error = parse_port(ctx, yaml_document_get_node(ctx->doc, *it), ppath,
                           dups, &br->ports[i]);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
parse_root(struct parse_ctx *ctx, const yaml_node_t *root,
           struct topology *topo)
{
    static const char *const keys[] = { "name", "ovs", "bridges" };
    struct dups dups = {
        .names = { .what = "port name" },
        .sockets = { .what = "socket path" },
        .pcis = { .what = "PCI address" },
        .ifaces = { .what = "interface" },
    };
    yaml_node_item_t *it;
    yaml_node_t *v;
    int error;

    error = check_keys(ctx, root, "", "a mapping with name, ovs and bridges",
                       keys, ARRAY_SIZE(keys), "name, ovs or bridges");
    if (error) {
        return error;
    }
    v = map_get(ctx, root, "name");
    if (!v) {
        return fail(ctx, root, "name", "missing (expected the topology's "
                    "name, which tags what it creates)");
    }
    error = get_name(ctx, v, "name", TOPO_NAME_MAX, true, &topo->name);
    if (error) {
        return error;
    }
    v = map_get(ctx, root, "ovs");
    if (v && (error = parse_ovs(ctx, v, topo))) {
        return error;
    }
    v = map_get(ctx, root, "bridges");
    if (!v) {
        return 0;
    }
    if (v->type != YAML_SEQUENCE_NODE) {
        return fail(ctx, v, "bridges", "expected a list of bridges, got %s",
                    node_kind(v));
    }
    topo->n_bridges = v->data.sequence.items.top
                      - v->data.sequence.items.start;
    topo->bridges = ctl_xcalloc(topo->n_bridges ? topo->n_bridges : 1,
                                sizeof *topo->bridges);
    for (it = v->data.sequence.items.start;
         !error && it < v->data.sequence.items.top; it++) {
        size_t i = it - v->data.sequence.items.start;
        char path[PATH_LEN];

        path_fmt(path, "bridges[%zu]", i);
        error = parse_bridge(ctx, yaml_document_get_node(ctx->doc, *it),
                             path, &dups, &topo->bridges[i]);
    }
    seen_free(&dups.names);
    seen_free(&dups.sockets);
    seen_free(&dups.pcis);
    seen_free(&dups.ifaces);
    return error;
}

static int
yaml_error(struct parse_ctx *ctx, const yaml_parser_t *parser)
{
    if (parser->error == YAML_MEMORY_ERROR) {
        ctl_out_of_memory();
    }
    ctx->error = ctl_xasprintf("%s:%zu: invalid YAML: %s%s%s",
                               ctx->file, parser->problem_mark.line + 1,
                               parser->problem ? parser->problem
                                               : "cannot parse",
                               parser->context ? " " : "",
                               parser->context ? parser->context : "");
    return -EINVAL;
}

int
topology_load(const char *file, struct topology **topop, char **errorp)
{
    struct parse_ctx ctx = { .file = file };
    struct topology *topo = NULL;
    yaml_document_t doc, extra;
    yaml_parser_t parser;
    yaml_node_t *root;
    int error;
    FILE *f;

    *topop = NULL;
    *errorp = NULL;
    f = fopen(file, "r");
    if (!f) {
        error = -errno;
        *errorp = ctl_xasprintf("%s: cannot open: %s", file,
                                strerror(-error));
        return error;
    }
    if (!yaml_parser_initialize(&parser)) {
        ctl_out_of_memory();
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        error = yaml_error(&ctx, &parser);
        goto out_parser;
    }
    ctx.doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (!root) {
        error = fail(&ctx, NULL, NULL, "empty file: expected a mapping with "
                     "name, ovs and bridges");
        goto out_doc;
    }
    /* One document only: a second one would be silently ignored. */
    if (!yaml_parser_load(&parser, &extra)) {
        error = yaml_error(&ctx, &parser);
        goto out_doc;
    }
    if (yaml_document_get_root_node(&extra)) {
        error = fail(&ctx, yaml_document_get_root_node(&extra), NULL,
                     "a second YAML document: expected one topology per "
                     "file");
        yaml_document_delete(&extra);
        goto out_doc;
    }
    yaml_document_delete(&extra);

    topo = ctl_xcalloc(1, sizeof *topo);
    error = parse_root(&ctx, root, topo);
    if (!error) {
        *topop = topo;
        topo = NULL;
    }
out_doc:
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    fclose(f);
    topology_destroy(topo);
    if (error) {
        *errorp = ctx.error;
    }
    return error;
}

static void
topo_list_free(struct topo_list *list)
{
    free(list->v);
}

void
topology_destroy(struct topology *topo)
{
    if (!topo) {
        return;
    }
    for (size_t i = 0; i < topo->n_bridges; i++) {
        struct topo_bridge *br = &topo->bridges[i];

        for (size_t j = 0; j < br->n_ports; j++) {
            struct topo_port *p = &br->ports[j];

            free(p->name);
            free(p->socket);
            free(p->pci);
            free(p->mac);
            free(p->iface);
        }
        free(br->ports);
        free(br->name);
    }
    free(topo->bridges);
    topo_list_free(&topo->pmd_cores);
    topo_list_free(&topo->socket_mem);
    free(topo->dpdk_extra);
    free(topo->name);
    free(topo);
}
