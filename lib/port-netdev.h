/* What the port backends over kernel interfaces (PacketMMAP, AF_XDP) ask
 * the kernel the same way: the interface's MAC, link and MTU, through
 * interface ioctls.  Their classes name these directly. */
#ifndef GFP_PORT_NETDEV_H
#define GFP_PORT_NETDEV_H 1

#include <net/if.h>
#include <stdint.h>

#include "util.h"

struct port;
struct port_link;

/* Runs interface ioctl 'req' for the interface 'name' with 'ifr' (cleared
 * and named first): 0 or a negative errno. */
int port_netdev_ioctl(const char *name, unsigned long req, struct ifreq *);

int port_netdev_get_mac(const struct port *, uint8_t mac[GFP_ETH_ALEN]);
int port_netdev_get_link(const struct port *, struct port_link *);

#endif /* port-netdev.h */
