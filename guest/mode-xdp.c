/* AF_XDP mode: the ports are kernel interfaces (the 'ifaces' setting)
 * read and written through AF_XDP sockets (lib/port-xdp.c), polled by
 * plain threads.  No EAL, no hugepages.  The ports take in nothing until
 * they start (their sockets enter the XDP program's map then), so a switch
 * to this mode sets them up while the old mode still forwards. */
#include <config.h>
#include "mode-ifaces.h"

#include <errno.h>
#include <stdio.h>

#include "port.h"
#include "port-xdp.h"

static int
xdp_port_check(const struct config *cfg, unsigned id,
               char err[CONFIG_ERR_LEN])
{
    if (!port_xdp_supported()) {
        snprintf(err, CONFIG_ERR_LEN, "mode xdp: this gfp-fwd was built "
                 "without AF_XDP ports (install libxdp-dev and libbpf-dev "
                 "and configure --with-xdp)");
        return -EOPNOTSUPP;
    }
    if (cfg->mtu > PORT_XDP_MAX_MTU) {
        snprintf(err, CONFIG_ERR_LEN, "mode xdp: MTU %u is above what an "
                 "AF_XDP frame holds (at most %u)", cfg->mtu,
                 PORT_XDP_MAX_MTU);
        return -EINVAL;
    }
    return mode_ifaces_port_check(cfg, id, err);
}

static int
xdp_port_open(const struct config *cfg, unsigned id, struct port **portp,
              char err[CONFIG_ERR_LEN])
{
    return mode_ifaces_port_open(&port_xdp_class, "an AF_XDP port", cfg, id,
                                 portp, err);
}

const struct dp_mode_class mode_xdp_class = {
    .mode = GFP_MODE_XDP,
    MODE_IFACES_MEMBERS,
    .parkable = false,
    .opens_quiet = true,
    .port_check = xdp_port_check,
    .port_open = xdp_port_open,
};
