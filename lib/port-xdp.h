/* AF_XDP ports: kernel interfaces through AF_XDP sockets (libxdp, libbpf),
 * one socket per queue, a small XDP program steering each receive queue to
 * its socket.  Built from lib/port-xdp.c when configure finds libxdp and
 * libbpf, else from lib/port-xdp-stub.c, whose ports refuse to open. */
#ifndef GFP_PORT_XDP_H
#define GFP_PORT_XDP_H 1

#include <stdbool.h>

struct port_class;

extern const struct port_class port_xdp_class;

/* A UMEM frame is 4096 bytes, and the kernel keeps XDP_PACKET_HEADROOM
 * (256 bytes) of it in front of every frame it receives: the longest frame
 * (without CRC) an AF_XDP port moves, and the MTU that leaves room for an
 * Ethernet header and one VLAN tag.  A native-mode driver may take less
 * (veth: about 3.5 KB of MTU), which the port then runs in generic mode. */
#define PORT_XDP_FRAME_SIZE 4096
#define PORT_XDP_MAX_FRAME (PORT_XDP_FRAME_SIZE - 256)
#define PORT_XDP_MAX_MTU (PORT_XDP_MAX_FRAME - 14 - 4)

/* Whether this build has AF_XDP ports (false: the stub). */
bool port_xdp_supported(void);

#endif /* port-xdp.h */
