#include <config.h>

#include "port-netdev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "port-provider.h"

int
port_netdev_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int error;

    if (fd < 0) {
        return -errno;
    }
    memset(ifr, 0, sizeof *ifr);
    snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", name);
    error = ioctl(fd, req, ifr) ? -errno : 0;
    close(fd);
    return error;
}

int
port_netdev_get_mac(const struct port *port, uint8_t mac[GFP_ETH_ALEN])
{
    struct ifreq ifr;
    int error = port_netdev_ioctl(port->name, SIOCGIFHWADDR, &ifr);

    if (!error) {
        memcpy(mac, ifr.ifr_hwaddr.sa_data, GFP_ETH_ALEN);
    }
    return error;
}

int
port_netdev_get_link(const struct port *port, struct port_link *link)
{
    struct ifreq ifr;
    int error = port_netdev_ioctl(port->name, SIOCGIFFLAGS, &ifr);

    if (!error) {
        link->up = ifr.ifr_flags & IFF_RUNNING;
        link->speed_mbps = 0;
    }
    return error;
}
