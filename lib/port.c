#include <config.h>
#include "port.h"

#include <errno.h>
#include <stdlib.h>

#include "port-provider.h"

int
port_open(const struct port_class *class, const char *devname,
          struct port **portp)
{
    int error;

    *portp = NULL;
    error = class->open(devname, portp);
    if (error) {
        return error;
    }
    (*portp)->class = class;
    return 0;
}

void
port_close(struct port *port)
{
    if (port) {
        port_stop(port);
        port->class->close(port);
    }
}

const char *
port_name(const struct port *port)
{
    return port->name;
}

const char *
port_driver(const struct port *port)
{
    return port->class->driver ? port->class->driver(port)
                               : port->class->type;
}

const char *
port_devargs(const struct port *port)
{
    return port->class->devargs ? port->class->devargs(port) : "";
}

int
port_numa_node(const struct port *port)
{
    return port->class->numa_node ? port->class->numa_node(port) : -1;
}

int
port_share(struct port *port, struct port *peer)
{
    return port->class == peer->class && port->class->share
           ? port->class->share(port, peer) : -EOPNOTSUPP;
}

int
port_configure(struct port *port, const struct port_conf *conf)
{
    int error;

    if (port->started) {
        return -EBUSY;
    }
    error = port->class->configure(port, conf);
    if (!error) {
        port->conf = *conf;
    }
    return error;
}

int
port_start(struct port *port)
{
    int error;

    if (port->started) {
        return 0;
    }
    error = port->class->start(port);
    port->started = !error;
    return error;
}

void
port_stop(struct port *port)
{
    if (port->started) {
        port->class->stop(port);
        port->started = false;
    }
}

int
port_rx_quiesce(struct port *port)
{
    return port->started && port->class->rx_quiesce
           ? port->class->rx_quiesce(port) : -EOPNOTSUPP;
}

const struct port_queue *
port_queue(const struct port *port, unsigned qid)
{
    return port->started && qid < port->conf.queues
           ? port->class->queue(port, qid) : NULL;
}

int
port_rx_wait_fd(const struct port *port, unsigned qid, int *fd)
{
    if (!port->started || qid >= port->conf.queues) {
        return -EINVAL;
    }
    return port->class->rx_wait_fd ? port->class->rx_wait_fd(port, qid, fd)
                                   : -EOPNOTSUPP;
}

int
port_get_mac(const struct port *port, uint8_t mac[GFP_ETH_ALEN])
{
    return port->class->get_mac ? port->class->get_mac(port, mac)
                                : -EOPNOTSUPP;
}

int
port_get_link(const struct port *port, struct port_link *link)
{
    return port->class->get_link ? port->class->get_link(port, link)
                                 : -EOPNOTSUPP;
}

int
port_get_mtu(const struct port *port, unsigned *mtu)
{
    return port->class->get_mtu ? port->class->get_mtu(port, mtu)
                                : -EOPNOTSUPP;
}

int
port_get_dev_stats(const struct port *port, struct port_dev_stats *stats)
{
    return port->class->get_dev_stats
           ? port->class->get_dev_stats(port, stats) : -EOPNOTSUPP;
}

json_t *
port_get_xstats(const struct port *port)
{
    return port->class->get_xstats ? port->class->get_xstats(port) : NULL;
}

static const struct counter_desc port_dev_counter_descs[] = {
#define DESC_ONE(NAME, KIND, MEANING) \
    { #NAME, KIND, MEANING, offsetof(struct port_dev_stats, NAME) },
    PORT_DEV_COUNTERS(DESC_ONE)
#undef DESC_ONE
};

const struct counter_desc *
port_dev_stats_descs(size_t *n)
{
    *n = ARRAY_SIZE(port_dev_counter_descs);
    return port_dev_counter_descs;
}

uint64_t
port_dev_stats_drops(const struct port_dev_stats *ds)
{
    return counter_desc_drops(ds, port_dev_counter_descs,
                              ARRAY_SIZE(port_dev_counter_descs));
}

json_t *
port_dev_stats_to_json(const struct port_dev_stats *ds)
{
    json_t *obj = json_object();

#define JSON_ONE(NAME, KIND, MEANING) \
    json_object_set_new(obj, #NAME, json_integer(ds->NAME));
    PORT_DEV_COUNTERS(JSON_ONE)
#undef JSON_ONE
    json_object_set_new(obj, "drops", json_integer(port_dev_stats_drops(ds)));
    return obj;
}
