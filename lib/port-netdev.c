#include <config.h>

#include "port-netdev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "port-provider.h"

/* Runs 'req' with 'ifr' as the caller filled it. */
static int
ioctl_filled(unsigned long req, struct ifreq *ifr)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int error;

    if (fd < 0) {
        return -errno;
    }
    error = ioctl(fd, req, ifr) ? -errno : 0;
    close(fd);
    return error;
}

int
port_netdev_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
    if (strlen(name) >= sizeof ifr->ifr_name) {
        return -ENAMETOOLONG;
    }
    memset(ifr, 0, sizeof *ifr);
    snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", name);
    return ioctl_filled(req, ifr);
}

int
port_netdev_set_up(const char *name, bool up)
{
    struct ifreq ifr;
    int error = port_netdev_ioctl(name, SIOCGIFFLAGS, &ifr);

    if (error || !(ifr.ifr_flags & IFF_UP) == !up) {
        return error;
    }
    ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
    return ioctl_filled(SIOCSIFFLAGS, &ifr);
}

int
port_netdev_set_mtu(const char *name, unsigned mtu)
{
    struct ifreq ifr;
    int error = port_netdev_ioctl(name, SIOCGIFMTU, &ifr);

    if (error || ifr.ifr_mtu == (int) mtu) {
        return error;
    }
    ifr.ifr_mtu = mtu;
    return ioctl_filled(SIOCSIFMTU, &ifr);
}

int
port_netdev_rename(const char *name, const char *to)
{
    struct ifreq ifr;
    int error = port_netdev_ioctl(name, SIOCGIFFLAGS, &ifr);

    if (error || !strcmp(name, to)) {
        return error;
    }
    if (strlen(to) >= sizeof ifr.ifr_newname) {
        return -ENAMETOOLONG;
    }
    snprintf(ifr.ifr_newname, sizeof ifr.ifr_newname, "%s", to);
    return ioctl_filled(SIOCSIFNAME, &ifr);
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
