/* gfp-ctl host: the topology file (YAML), parsed and validated as a whole.
 *
 * The schema is documented in Documentation/howto/host-setup.rst. */
#ifndef GFP_CTL_TOPOLOGY_H
#define GFP_CTL_TOPOLOGY_H 1

#include <stdbool.h>
#include <stddef.h>

#define TOPO_NAME_MAX 32        /* The topology's name. */
#define TOPO_IFNAME_MAX 15      /* Bridge, port and kernel interface names. */
#define TOPO_QUEUES_MAX 16
#define TOPO_SOCKET_PATH_MAX 107        /* sun_path less its NUL. */
#define TOPO_CPUS_MAX 1024
#define TOPO_NODES_MAX 64
#define TOPO_SOCKET_MEM_MAX (1024 * 1024)       /* MB per node. */

enum topo_port_type {
    TOPO_VHOST_USER_CLIENT,     /* dpdkvhostuserclient. */
    TOPO_DPDK,                  /* A physical port by PCI address. */
    TOPO_DPDK_VF,               /* An SR-IOV VF, with dpdk-vf-mac. */
    TOPO_PMMAP,                 /* net_pmmap on a kernel interface. */
};

struct topo_port {
    char *name;
    enum topo_port_type type;
    char *socket;               /* TOPO_VHOST_USER_CLIENT. */
    char *pci;                  /* TOPO_DPDK, TOPO_DPDK_VF. */
    char *mac;                  /* TOPO_DPDK_VF, optional. */
    char *iface;                /* TOPO_PMMAP. */
    unsigned queues;            /* 0 if not given. */
    unsigned mtu;               /* 0 if not given. */
};

struct topo_bridge {
    char *name;
    struct topo_port *ports;
    size_t n_ports;
};

/* A list of numbers from the file, or "auto". */
struct topo_list {
    bool given;                 /* The key is in the file. */
    bool is_auto;
    unsigned *v;
    size_t n;
};

struct topology {
    char *name;
    struct topo_list pmd_cores;         /* CPU numbers. */
    struct topo_list socket_mem;        /* MB per NUMA node. */
    char *dpdk_extra;                   /* NULL if not given. */
    struct topo_bridge *bridges;
    size_t n_bridges;
};

/* Reads and validates 'file'.  Returns 0 and '*topop', or a negative errno
 * and '*errorp', one line "FILE:LINE: KEY: what was expected" (or
 * "FILE: ..." when the file cannot be read), to be freed by the caller. */
int topology_load(const char *file, struct topology **topop, char **errorp);
void topology_destroy(struct topology *);

const char *topology_port_type_name(enum topo_port_type);

#endif /* ctl-topology.h */
