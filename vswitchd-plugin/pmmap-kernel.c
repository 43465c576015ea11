/* net_pmmap: what the driver asks the kernel about its interface (control
 * path only: each query opens and closes a datagram socket). */
#include <config.h>
#include "pmmap.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Runs ioctl 'cmd' on 'ifr' for 'ifname'.  Returns 0 or a negative
 * errno. */
static int
if_ioctl(const char *ifname, unsigned long cmd, struct ifreq *ifr)
{
    int fd, error = 0;

    if (strlen(ifname) >= sizeof ifr->ifr_name) {
        return -ENAMETOOLONG;
    }
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    strcpy(ifr->ifr_name, ifname);
    if (ioctl(fd, cmd, ifr) < 0) {
        error = -errno;
    }
    close(fd);
    return error;
}

int
pmmap_kernel_ifindex(const char *ifname)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = if_ioctl(ifname, SIOCGIFINDEX, &ifr);
    return error ? error : ifr.ifr_ifindex;
}

int
pmmap_kernel_mac(const char *ifname, struct rte_ether_addr *mac)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = if_ioctl(ifname, SIOCGIFHWADDR, &ifr);
    if (error) {
        return error;
    }
    if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
        return -EPROTONOSUPPORT;
    }
    memcpy(mac->addr_bytes, ifr.ifr_hwaddr.sa_data, RTE_ETHER_ADDR_LEN);
    return 0;
}

int
pmmap_kernel_mtu(const char *ifname, unsigned *mtu)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = if_ioctl(ifname, SIOCGIFMTU, &ifr);
    if (!error) {
        *mtu = ifr.ifr_mtu;
    }
    return error;
}

/* Fills 'link' from the interface flags (up = IFF_UP and IFF_RUNNING) and,
 * where the kernel driver reports them, ethtool's speed and duplex (a veth
 * reports 10 Gb/s); an up interface that reports no speed gets
 * RTE_ETH_SPEED_NUM_UNKNOWN, a down one RTE_ETH_SPEED_NUM_NONE. */
int
pmmap_kernel_link(const char *ifname, struct rte_eth_link *link)
{
    struct ethtool_cmd ecmd;
    struct ifreq ifr;
    uint32_t speed;
    int error;

    memset(link, 0, sizeof *link);

    memset(&ifr, 0, sizeof ifr);
    error = if_ioctl(ifname, SIOCGIFFLAGS, &ifr);
    if (error) {
        return error;
    }
    if ((ifr.ifr_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING)) {
        return 0;
    }
    link->link_status = RTE_ETH_LINK_UP;
    link->link_speed = RTE_ETH_SPEED_NUM_UNKNOWN;
    link->link_duplex = RTE_ETH_LINK_FULL_DUPLEX;

    memset(&ecmd, 0, sizeof ecmd);
    ecmd.cmd = ETHTOOL_GSET;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_data = (void *) &ecmd;
    if (!if_ioctl(ifname, SIOCETHTOOL, &ifr)) {
        speed = ethtool_cmd_speed(&ecmd);
        if (speed && speed != (uint32_t) SPEED_UNKNOWN) {
            link->link_speed = speed;
        }
        if (ecmd.duplex == DUPLEX_HALF) {
            link->link_duplex = RTE_ETH_LINK_HALF_DUPLEX;
        }
        link->link_autoneg = ecmd.autoneg == AUTONEG_ENABLE
                             ? RTE_ETH_LINK_AUTONEG : RTE_ETH_LINK_FIXED;
    }
    return 0;
}
