/* What the port backends over kernel interfaces (PacketMMAP, AF_XDP) ask
 * the kernel the same way: the interface's MAC, link and MTU, through
 * interface ioctls.  Their classes name these directly. */
#ifndef GFP_PORT_NETDEV_H
#define GFP_PORT_NETDEV_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct port;
struct port_link;

/* Runs interface ioctl 'req' for the interface 'name' with 'ifr' (cleared
 * and named first): 0 or a negative errno. */
int port_netdev_ioctl(const char *name, unsigned long req, struct ifreq *);

int port_netdev_get_mac(const struct port *, uint8_t mac[GFP_ETH_ALEN]);
int port_netdev_get_link(const struct port *, struct port_link *);

/* What a switch across drivers does to an interface the kernel made anew
 * for a device: 0 or a negative errno.  port_netdev_set_up() sets it up
 * or down (nothing if it is so already); port_netdev_set_mtu() sets its
 * MTU; port_netdev_rename() names it 'to' (the kernel renames only an
 * interface that is down). */
int port_netdev_set_up(const char *name, bool up);
int port_netdev_set_mtu(const char *name, unsigned mtu);
int port_netdev_rename(const char *name, const char *to);

#endif /* port-netdev.h */
