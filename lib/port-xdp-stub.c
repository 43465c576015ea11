/* AF_XDP ports in a build without libxdp and libbpf: they refuse to open,
 * with one error that says how to get them. */
#include <config.h>
#include "port-xdp.h"

#include <errno.h>

#include "log.h"
#include "port-provider.h"

LOG_MODULE(port_xdp);

bool
port_xdp_supported(void)
{
    return false;
}

static int
port_xdp_open(const char *devname, struct port **portp)
{
    LOG_ERR("%s: this gfp was built without AF_XDP ports (configure found "
            "no libxdp and libbpf: install libxdp-dev and libbpf-dev and "
            "configure --with-xdp)", devname);
    return -EOPNOTSUPP;
}

static void
port_xdp_close(struct port *port)
{
}

static int
port_xdp_configure(struct port *port, const struct port_conf *conf)
{
    return -EOPNOTSUPP;
}

static int
port_xdp_start(struct port *port)
{
    return -EOPNOTSUPP;
}

static void
port_xdp_stop(struct port *port)
{
}

static const struct port_queue *
port_xdp_queue(const struct port *port, unsigned qid)
{
    return NULL;
}

const struct port_class port_xdp_class = {
    .type = "xdp",
    .open = port_xdp_open,
    .close = port_xdp_close,
    .configure = port_xdp_configure,
    .start = port_xdp_start,
    .stop = port_xdp_stop,
    .queue = port_xdp_queue,
};
