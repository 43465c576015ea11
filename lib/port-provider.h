/* Port backends.
 *
 * A backend defines a 'const struct port_class' and a struct that embeds
 * 'struct port up', reached from a 'struct port *' with CONTAINER_OF.
 * Members are called from the control thread only, never from a worker:
 * workers see ports only through 'struct port_queue'.  A NULL member means
 * the backend does not support the operation; the port_*() wrapper then
 * returns -EOPNOTSUPP. */
#ifndef GFP_PORT_PROVIDER_H
#define GFP_PORT_PROVIDER_H 1

#include "port.h"

struct port {
    const struct port_class *class;
    char *name;                 /* Device name, as given to open. */
    struct port_conf conf;      /* As last configured. */
    bool started;
};

struct port_class {
    /* Backend name, e.g. "dpdk". */
    const char *type;

    /* Allocates and opens the device called 'devname' and stores it in
     * '*portp'.  Must not start any I/O.  Returns 0 or a negative errno. */
    int (*open)(const char *devname, struct port **portp);

    /* Releases everything 'open' and 'configure' acquired.  The port is
     * stopped already. */
    void (*close)(struct port *);

    /* Sets up queues, descriptors, buffers and the MTU as 'conf' says.
     * A value the device cannot do is an error, never silently clamped. */
    int (*configure)(struct port *, const struct port_conf *conf);

    /* Starts and stops packet I/O.  After 'start' returns 0, 'queue' is
     * valid for every configured queue.  'stop' returns every buffer the
     * device holds to its pool. */
    int (*start)(struct port *);
    void (*stop)(struct port *);

    /* Stops the device from taking in new frames while the ones it holds
     * can still be received, so that a mode switch can drain it exactly.
     * NULL: the device cannot; the switch drains it for a bounded time. */
    int (*rx_quiesce)(struct port *);

    /* Called for two opened ports of the class, before either is
     * configured, that forward to each other: frames received on queue q
     * of one leave through queue q of the other, and both queues are
     * polled by one thread.  The backend may then let them share buffers,
     * so that a frame goes through without a copy; both are configured
     * alike.  Returns 0, or a negative errno if it cannot.  NULL: the
     * backend never shares. */
    int (*share)(struct port *, struct port *peer);

    /* Returns the fast-path handle of queue 'qid'. */
    const struct port_queue *(*queue)(const struct port *, unsigned qid);

    /* For --idle interrupt: stores in '*fd' a descriptor, owned by the
     * port and valid while it runs, that poll() reports readable (POLLIN)
     * once queue 'qid' has frames to receive, after the queue's 'rx_intr'
     * (if any) armed it.  The port was configured with 'rx_intr' set.
     * Returns 0, or -EOPNOTSUPP when this device has no such thing.  NULL:
     * the backend never has. */
    int (*rx_wait_fd)(const struct port *, unsigned qid, int *fd);

    /* The NUMA node the device is attached to, or -1 if unknown. */
    int (*numa_node)(const struct port *);

    /* The driver behind the port, e.g. "net_virtio_user".  NULL: the
     * backend is its own driver, named by 'type' (e.g. "mmap"). */
    const char *(*driver)(const struct port *);

    /* The device arguments it was made with (a DPDK vdev's, e.g.
     * "path=...,in_order=1"), "" if none.  NULL: never any. */
    const char *(*devargs)(const struct port *);

    int (*get_mac)(const struct port *, uint8_t mac[GFP_ETH_ALEN]);
    int (*get_link)(const struct port *, struct port_link *);
    int (*get_dev_stats)(const struct port *, struct port_dev_stats *);

    /* The MTU the device transmits at, once configured, when it may be
     * below the one asked for (a kernel interface's own MTU).  NULL: the
     * one configured. */
    int (*get_mtu)(const struct port *, unsigned *mtu);
    json_t *(*get_xstats)(const struct port *);
};

extern const struct port_class port_dpdk_class;
extern const struct port_class port_mmap_class;

#endif /* port-provider.h */
